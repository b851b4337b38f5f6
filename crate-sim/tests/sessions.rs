//! `/api/audit/sessions`: every documented parameter, meta links, detail and sub-resources.

mod common;

use common::*;
use serde_json::{json, Value};
use sps_sim::Config;

const DOC_DATA: &str = r#"{
  "3": {"user": {"gateway_username": "other"}, "duration": 5, "protocol": "RDP",
        "start_time": "2017-01-24T10:00:00.000+01:00", "end_time": "2017-01-24T10:00:05.000+01:00"},
  "10": {"user": {"gateway_username": "myname"}, "duration": 34, "protocol": "SSH",
        "start_time": "2017-01-25T11:11:11.000+01:00", "end_time": "2017-01-25T11:11:45.000+01:00"},
  "2": {"user": {"gateway_username": "myname"}, "duration": 0, "protocol": "SSH",
        "start_time": "2017-01-25T11:11:52.000+01:00", "end_time": "2017-01-25T11:11:52.000+01:00"}
}"#;

#[tokio::test]
async fn reference_search_example_meta_links() {
    let sim = start_loaded(DOC_DATA, Config::for_tests(0)).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?fields=start_time,name,duration&q=name:myname&sort=duration"),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let link = "/api/audit/sessions?limit=500&offset=0&fields=start_time,name,duration&q=name%3Amyname&sort=duration";
    let meta = &v["meta"];
    assert_eq!(meta["first"], link);
    assert_eq!(meta["last"], link);
    assert_eq!(meta["next"], Value::Null);
    assert_eq!(meta["previous"], Value::Null);
    assert_eq!(meta["href"], "/api/audit/sessions");
    assert_eq!(meta["parent"], "/api/audit");
    assert_eq!(meta["limit"], 500);
    assert_eq!(meta["offset"], 0);
    assert_eq!(meta["match_count"], 2);
    assert_eq!(meta["fields"], json!(["start_time", "name", "duration"]));
    let items = v["items"].as_array().unwrap();
    assert_eq!(items[0]["key"], "2");
    assert_eq!(items[0]["meta"]["href"], "/api/audit/sessions/2");
    assert_eq!(
        items[0]["body"],
        json!({"duration": 0, "name": "myname", "start_time": "2017-01-25T11:11:52.000+01:00"})
    );
    assert_eq!(items[1]["key"], "10");
    // Keys of a sparse body are in alphabetical order on the wire.
    let text = c
        .get(sim.url("/api/audit/sessions?fields=start_time,name,duration"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let d = text.find("\"duration\"").unwrap();
    let n = text.find("\"name\"").unwrap();
    let s = text.find("\"start_time\"").unwrap();
    assert!(d < n && n < s);
}

#[tokio::test]
async fn reference_list_example_without_fields() {
    let sim = start_loaded(DOC_DATA, Config::for_tests(0)).await;
    let c = login(&sim).await;
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions")).await;
    assert_eq!(
        v["meta"]["first"],
        "/api/audit/sessions?limit=500&offset=0&fields="
    );
    assert_eq!(
        v["meta"]["last"],
        "/api/audit/sessions?limit=500&offset=0&fields="
    );
    assert_eq!(v["meta"]["fields"], json!([]));
    // Newest first: reverse of store (file) order.
    let keys: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["2", "10", "3"]);
    assert_eq!(
        v["items"][0],
        json!({"key": "2", "meta": {"href": "/api/audit/sessions/2"}})
    );
    sps_core::model::decode_session_list(v.to_string().as_bytes()).unwrap();
}

#[tokio::test]
async fn paging_limit_offset_and_links() {
    let sim = start_n(3000).await;
    let c = login(&sim).await;
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions?limit=1000")).await;
    assert_eq!(
        v["items"].as_array().unwrap().len(),
        500,
        "limit clamped to 500"
    );
    assert_eq!(v["meta"]["limit"], 500);
    assert_eq!(v["meta"]["match_count"], 3000);
    assert_eq!(
        v["meta"]["next"],
        "/api/audit/sessions?limit=500&offset=500&fields="
    );
    assert_eq!(
        v["meta"]["last"],
        "/api/audit/sessions?limit=500&offset=2500&fields="
    );
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?limit=100&offset=2950&fields=protocol"),
    )
    .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 50);
    assert_eq!(v["meta"]["next"], Value::Null);
    assert_eq!(
        v["meta"]["previous"],
        "/api/audit/sessions?limit=100&offset=2850&fields=protocol"
    );
    // Following `next` visits every session exactly once.
    let mut seen = std::collections::HashSet::new();
    let mut url = Some("/api/audit/sessions?limit=500".to_owned());
    while let Some(u) = url {
        let (_, v) = get_json(&c, &sim.url(&u)).await;
        for i in v["items"].as_array().unwrap() {
            assert!(seen.insert(i["key"].as_str().unwrap().to_owned()));
        }
        url = v["meta"]["next"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 3000);
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions?limit=abc")).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["type"], "InvalidQuery");
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions?offset=-1")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn offset_window_of_10000() {
    let sim = start_n(10_050).await;
    let c = login(&sim).await;
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions?limit=50&offset=9990")).await;
    assert_eq!(
        v["items"].as_array().unwrap().len(),
        10,
        "results past 10000 are not displayed"
    );
    assert_eq!(v["meta"]["next"], Value::Null);
    // Capped as real appliances count (`_count` says 10,050).
    assert_eq!(v["meta"]["match_count"], 10_000);
    let (_, count) = get_json(&c, &sim.url("/api/audit/sessions/_count")).await;
    assert_eq!(count, json!({"count": 10_050}));
    assert_eq!(
        v["meta"]["last"],
        "/api/audit/sessions?limit=50&offset=9950&fields="
    );
    for off in [10_000, 10_001, 20_000] {
        let (status, v) = get_json(
            &c,
            &sim.url(&format!("/api/audit/sessions?limit=50&offset={off}")),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(v["items"], json!([]), "offset {off} is ignored: empty page");
        assert_eq!(v["meta"]["next"], Value::Null);
    }
}

#[tokio::test]
async fn default_order_is_newest_first_and_sort_works() {
    let sim = start_n(2000).await;
    let c = login(&sim).await;
    let start_ms = |i: &Value| {
        sps_core::Timestamp::parse(i["body"]["start_time"].as_str().unwrap())
            .unwrap()
            .instant()
            .timestamp_millis()
    };
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?fields=start_time&limit=500"),
    )
    .await;
    let t: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(start_ms)
        .collect();
    assert!(t.windows(2).all(|w| w[0] >= w[1]));
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?fields=duration&sort=-duration"),
    )
    .await;
    let d: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["body"]["duration"].as_i64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] >= w[1]));
    assert!(d[0] > 3600);
    assert_eq!(
        v["meta"]["first"],
        "/api/audit/sessions?limit=500&offset=0&fields=duration&sort=-duration"
    );
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?fields=protocol,start_time&sort=protocol,-start_time"),
    )
    .await;
    let items = v["items"].as_array().unwrap();
    for w in items.windows(2) {
        let (p0, p1) = (
            w[0]["body"]["protocol"].as_str().unwrap(),
            w[1]["body"]["protocol"].as_str().unwrap(),
        );
        assert!(p0 <= p1);
        if p0 == p1 {
            assert!(start_ms(&w[0]) >= start_ms(&w[1]));
        }
    }
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions?sort=nosuchfield")).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["type"], "InvalidQuery");
}

#[tokio::test]
async fn fields_sparse_full_and_null() {
    let sim = start_n(2000).await;
    let c = login(&sim).await;
    let (_, v) = get_json(
        &c,
        &sim.url(
            "/api/audit/sessions?fields=end_time,user.gateway_username,client.address&limit=50",
        ),
    )
    .await;
    let first = &v["items"][0]["body"];
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["client.address", "end_time", "user.gateway_username"]
    );
    // Some of the newest sessions are active: end_time null.
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["body"]["end_time"] == Value::Null));
    assert!(first["client.address"]
        .as_str()
        .unwrap()
        .starts_with("172.16."));
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions?fields=*&limit=20")).await;
    let body = &v["items"][0]["body"];
    assert!(body["recording"]["session_id"]
        .as_str()
        .unwrap()
        .starts_with("svc/"));
    // As recorded from real appliances: no links or 6.0 flags on list items,
    // `server_username` a list, `server.id`, `trail_download_link: null`.
    for gone in [
        "alerts",
        "channels",
        "events",
        "indexing",
        "trail_downloads",
        "hidden",
        "phantom",
        "revision",
    ] {
        assert!(body.get(gone).is_none(), "{gone}");
    }
    assert!(body["recording"].get("audit_trail").is_none());
    assert!(body["user"]["server_username"].is_array());
    assert_eq!(body["server"]["id"], body["server"]["ip"]);
    assert_eq!(body["trail_download_link"], Value::Null);
    assert_eq!(
        v["items"][0]["meta"].as_object().unwrap().len(),
        1,
        "meta is only href"
    );
    // The single-session GET keeps its links (no recording; a guess).
    let key = v["items"][0]["key"].as_str().unwrap();
    let (_, one) = get_json(&c, &sim.url(&format!("/api/audit/sessions/{key}"))).await;
    assert!(one["body"]["alerts"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/alerts"));
    assert_eq!(v["meta"]["fields"], json!(["*"]));
    assert_eq!(
        v["meta"]["first"],
        "/api/audit/sessions?limit=20&offset=0&fields=*"
    );
    let list = sps_core::model::decode_session_list(v.to_string().as_bytes()).unwrap();
    assert_eq!(list.items.len(), 20);
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions?fields=protocol,bogus")).await;
    assert_eq!(status, 400);
    assert!(v["error"]["message"].as_str().unwrap().contains("bogus"));
}

#[tokio::test]
async fn q_filters_with_core_evaluator_and_bad_query_is_400() {
    let sim = start_n(3000).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?q=protocol:ssh%20AND%20verdict:accept&fields=protocol,verdict,duration&limit=500"),
    )
    .await;
    assert_eq!(status, 200);
    let n = v["meta"]["match_count"].as_u64().unwrap();
    assert!(n > 500 && n < 3000, "{n}");
    for i in v["items"].as_array().unwrap() {
        assert_eq!(i["body"]["protocol"], "SSH");
        assert_eq!(i["body"]["verdict"], "ACCEPT");
    }
    let (_, cnt) = get_json(
        &c,
        &sim.url("/api/audit/sessions/_count?q=protocol:ssh%20AND%20verdict:accept"),
    )
    .await;
    assert_eq!(cnt["count"].as_u64().unwrap(), n);
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?q=duration:[3600%20TO%20*]&fields=duration"),
    )
    .await;
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["body"]["duration"].as_i64().unwrap() >= 3600));
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?q=active:true&fields=active,end_time"),
    )
    .await;
    let active = v["meta"]["match_count"].as_u64().unwrap();
    assert!((5..=60).contains(&active), "about 1% active: {active}");
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["body"]["end_time"].is_null()));
    for bad in ["protocol:(", "nosuchfield:1", "duration:[a%20TO%20b]"] {
        let (status, v) = get_json(&c, &sim.url(&format!("/api/audit/sessions?q={bad}"))).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(v["error"]["type"], "InvalidQuery");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn content_search_and_leading_wildcard() {
    let sim = start_n(2000).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?content=sudo&fields=protocol&limit=500"),
    )
    .await;
    assert_eq!(status, 200);
    let n = v["meta"]["match_count"].as_u64().unwrap();
    assert!(n > 0);
    assert!(v["meta"]["first"]
        .as_str()
        .unwrap()
        .contains("&content=sudo"));
    // Each match really has the word in its events.
    let key = v["items"][0]["key"].as_str().unwrap().to_owned();
    let (_, ev) = get_json(&c, &sim.url(&format!("/api/audit/sessions/{key}/events"))).await;
    assert!(ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["content"].as_str().unwrap().contains("sudo")));
    let (_, both) = get_json(
        &c,
        &sim.url("/api/audit/sessions?q=protocol:ssh&content=sudo&fields=protocol"),
    )
    .await;
    assert!(both["meta"]["match_count"].as_u64().unwrap() <= n);
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions?content=*udo")).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["type"], "InvalidQuery");
}

#[tokio::test]
async fn start_and_end_select_by_time() {
    let sim = start_loaded(DOC_DATA, Config::for_tests(0)).await;
    let c = login(&sim).await;
    let keys = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions?start=2017-01-25")).await;
    assert_eq!(keys(&v), ["2", "10"]);
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions?end=2017-01-24")).await;
    assert_eq!(keys(&v), ["3"]);
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?start=2017-01-25T11:11:30%2B01:00"),
    )
    .await;
    assert_eq!(keys(&v), ["2"]);
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?start=2017-01-24&end=2017-01-25T10:11:45Z"),
    )
    .await;
    assert_eq!(keys(&v), ["10", "3"]);
    assert!(v["meta"]["first"]
        .as_str()
        .unwrap()
        .contains("&start=2017-01-24&end=2017-01-25T10%3A11%3A45Z"));
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions?start=yesterday")).await;
    assert_eq!(status, 400);
}

async fn some_key(c: &reqwest::Client, sim: &Sim, q: &str) -> String {
    let (_, v) = get_json(c, &sim.url(&format!("/api/audit/sessions?q={q}&limit=1"))).await;
    v["items"][0]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("no session for {q}"))
        .to_owned()
}

#[tokio::test]
async fn session_detail_and_404() {
    let sim = start_n(500).await;
    let c = login(&sim).await;
    let key = some_key(&c, &sim, "protocol:ssh").await;
    assert_eq!(key.len(), 20);
    assert!(key
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'));
    let (status, v) = get_json(&c, &sim.url(&format!("/api/audit/sessions/{key}"))).await;
    assert_eq!(status, 200);
    assert_eq!(v["key"], key.as_str());
    assert_eq!(v["meta"]["href"], format!("/api/audit/sessions/{key}"));
    assert_eq!(v["meta"]["parent"], "/api/audit/sessions");
    assert!(v["meta"]["remaining_seconds"].as_i64().unwrap() > 0);
    for part in [
        "alerts",
        "channels",
        "events",
        "indexing",
        "trail_downloads",
    ] {
        assert_eq!(
            v["body"][part]["href"],
            format!("/api/audit/sessions/{key}/{part}")
        );
    }
    let s = sps_core::model::decode_session(v.to_string().as_bytes()).unwrap();
    assert_eq!(s.key.as_deref(), Some(key.as_str()));
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions/doesNotExist")).await;
    assert_eq!(status, 404);
    assert_eq!(v["error"]["type"], "NotFound");
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions/doesNotExist/events")).await;
    assert_eq!(status, 404);
    let (status, _) = get_json(
        &c,
        &sim.url(&format!("/api/audit/sessions/{key}/nosuchpart")),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn sub_resources_decode_and_page() {
    let sim = start_n(3000).await;
    let c = login(&sim).await;
    let key = some_key(
        &c,
        &sim,
        "protocol:ssh%20AND%20recording.index_status:INDEXED",
    )
    .await;
    let base = format!("/api/audit/sessions/{key}");
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/channels"))).await;
    assert_eq!(v["items"][0]["body"]["type"], "session shell");
    assert_eq!(v["items"][0]["meta"]["href"], format!("{base}/channels/1"));
    sps_core::model::decode_channels(v.to_string().as_bytes()).unwrap();
    let (status, one) = get_json(&c, &sim.url(&format!("{base}/channels/1"))).await;
    assert_eq!(status, 200);
    assert_eq!(one["body"]["type"], "session shell");
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/events"))).await;
    let events = v["items"].as_array().unwrap();
    assert!(events.len() >= 3);
    assert!(
        v["meta"].get("match_count").is_none(),
        "the events reference shows no match_count"
    );
    assert_eq!(
        v["meta"]["first"],
        format!("{base}/events?limit=500&offset=0")
    );
    assert_eq!(v["meta"]["parent"], base);
    sps_core::model::decode_events(v.to_string().as_bytes()).unwrap();
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/events?limit=2&offset=1"))).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["meta"]["previous"],
        format!("{base}/events?limit=2&offset=0")
    );
    let (_, v) = get_json(
        &c,
        &sim.url(&format!(
            "{base}/events?q=type:command%20AND%20record_id:[0%20TO%2030]"
        )),
    )
    .await;
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["record_id"].as_i64().unwrap() <= 30));
    assert_eq!(v["meta"]["first"], format!("{base}/events?limit=500&offset=0&q=type%3Acommand%20AND%20record_id%3A%5B0%20TO%2030%5D"));
    let (status, v) = get_json(&c, &sim.url(&format!("{base}/events?q=bogus:1"))).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["type"], "InvalidQuery");
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/indexing"))).await;
    assert_eq!(v["items"][0]["status"], "COMPLETED");
    assert_eq!(v["meta"]["match_count"], 1);
    sps_core::model::decode_indexing(v.to_string().as_bytes()).unwrap();
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/indexer"))).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/trail_downloads"))).await;
    sps_core::model::decode_trail_downloads(v.to_string().as_bytes()).unwrap();
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/alerts"))).await;
    sps_core::model::decode_alerts(v.to_string().as_bytes()).unwrap();
}

#[tokio::test]
async fn alerts_really_match_their_regexp() {
    let sim = start_n(3000).await;
    let c = login(&sim).await;
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?q=analytics.interesting_events:sudo&limit=100"),
    )
    .await;
    let mut checked = 0;
    for i in v["items"].as_array().unwrap() {
        let key = i["key"].as_str().unwrap();
        let (_, a) = get_json(&c, &sim.url(&format!("/api/audit/sessions/{key}/alerts"))).await;
        let alerts = a["items"].as_array().unwrap();
        let ids: Vec<i64> = alerts
            .iter()
            .map(|x| x["record_id"].as_i64().unwrap())
            .collect();
        assert!(ids.windows(2).all(|w| w[0] <= w[1]), "sorted by record id");
        for al in alerts {
            let re = regex::Regex::new(al["matched_regexp"].as_str().unwrap()).unwrap();
            assert!(re.is_match(al["matched_content"].as_str().unwrap()), "{al}");
            checked += 1;
        }
    }
    assert!(checked > 5, "{checked}");
}

#[tokio::test]
async fn content_endpoint_and_audit_trail() {
    let sim = start_n(3000).await;
    let c = login(&sim).await;
    let key = some_key(
        &c,
        &sim,
        "analytics.interesting_events:sudo%20AND%20recording.index_status:INDEXED",
    )
    .await;
    let base = format!("/api/audit/sessions/{key}");
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/content"))).await;
    assert_eq!(v["items"], json!([]), "no q: empty items, as documented");
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/content/?q="))).await;
    assert_eq!(v["items"], json!([]));
    let (_, v) = get_json(&c, &sim.url(&format!("{base}/content?q=sudo"))).await;
    assert!(!v["items"].as_array().unwrap().is_empty());
    assert_eq!(v["meta"]["href"], format!("{base}/content"));
    sps_core::model::decode_content_hits(v.to_string().as_bytes()).unwrap();
    let (status, _) = get_json(&c, &sim.url(&format!("{base}/content?q=*sudo"))).await;
    assert_eq!(status, 400);

    let r = c
        .get(sim.url(&format!("{base}/audit_trail")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(
        r.headers()["content-disposition"].to_str().unwrap(),
        format!("attachment; filename=\"{key}.zat\"")
    );
    let a = r.bytes().await.unwrap();
    let b = c
        .get(sim.url(&format!("{base}/audit_trail")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(a, b, "deterministic");
    assert!(a.len() > 4096);
    let (status, _) = get_json(&c, &sim.url(&format!("{base}/audit_trail?format=srs"))).await;
    assert_eq!(status, 400, "srs is for active sessions");

    let active = some_key(
        &c,
        &sim,
        "active:true%20AND%20recording.index_status:CHANNEL_OPEN",
    )
    .await;
    let r = c
        .get(sim.url(&format!(
            "/api/audit/sessions/{active}/audit_trail?format=srs"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".srs\""));

    let none = some_key(&c, &sim, "recording.index_status:NO_TRAIL").await;
    let (status, v) = get_json(
        &c,
        &sim.url(&format!("/api/audit/sessions/{none}/audit_trail")),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(v["error"]["type"], "NotFound");
}

#[tokio::test]
async fn viewer_first_page_request() {
    let sim = start_n(20_000).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?fields=protocol,user.gateway_username,server.ip,start_time,duration,verdict,active&limit=50"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["items"].as_array().unwrap().len(), 50);
    assert_eq!(v["meta"]["match_count"], 10_000, "capped at 10,000");
    let body = v["items"][0]["body"].as_object().unwrap();
    assert_eq!(body.len(), 7);
}

#[tokio::test]
async fn audit_root_and_unknown_api_path() {
    let sim = start_n(10).await;
    let c = login(&sim).await;
    let (status, v) = get_json(&c, &sim.url("/api/audit")).await;
    assert_eq!(status, 200);
    assert_eq!(v["items"][0]["meta"]["href"], "/api/audit/sessions");
    let (status, v) = get_json(&c, &sim.url("/api/configuration")).await;
    assert_eq!(status, 404);
    assert_eq!(v["meta"]["href"], "/api/configuration");
}

#[tokio::test]
async fn other_methods_are_405_in_the_envelope() {
    let sim = start_n(10).await;
    let c = login(&sim).await;
    let r = c.post(sim.url("/api/audit/sessions")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["type"], "MethodNotAllowed");
}

#[tokio::test]
async fn huge_offsets_and_limits_never_overflow() {
    let sim = start_n(30).await;
    let c = login(&sim).await;
    let max = u64::MAX;
    for path in [
        format!("/api/audit/sessions?offset={max}"),
        format!("/api/audit/sessions?offset={max}&limit=500"),
        format!("/api/audit/sessions?offset={max}&limit={max}"),
        format!("/api/audit/sessions?offset={}&limit=10", max - 5),
    ] {
        let (status, v) = get_json(&c, &sim.url(&path)).await;
        assert_eq!(status, 200, "{path}: offsets past 10,000 are ignored");
        assert_eq!(v["items"], json!([]), "{path}");
        assert_eq!(v["meta"]["next"], Value::Null, "{path}");
    }
    // One past u64::MAX is not a number an appliance takes: 400.
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?offset=18446744073709551616"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["type"], "InvalidQuery");
    // Snapshot paging and sub-resources too.
    let (_, snap) = get_json(&c, &sim.url("/api/audit/sessions/_snapshot")).await;
    let id = snap["body"]["snapshot"]
        .as_str()
        .or(snap["snapshot"].as_str())
        .unwrap()
        .to_owned();
    let (status, v) = get_json(
        &c,
        &sim.url(&format!(
            "/api/audit/sessions?snapshot={id}&search_after={max}&limit={max}"
        )),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["items"], json!([]));
    let key = some_key(&c, &sim, "protocol:ssh").await;
    for part in ["events", "channels", "alerts"] {
        let (status, v) = get_json(
            &c,
            &sim.url(&format!(
                "/api/audit/sessions/{key}/{part}?offset={max}&limit={max}"
            )),
        )
        .await;
        match status {
            200 => {
                assert_eq!(v["items"], json!([]), "{part}");
                assert_eq!(v["meta"]["next"], Value::Null, "{part}");
            }
            // Events take sps-core's checked search, which refuses such values.
            400 => assert_eq!(v["error"]["type"], "InvalidQuery", "{part}: {v}"),
            other => panic!("{part}: {other} {v}"),
        }
    }
}
