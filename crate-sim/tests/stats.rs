//! `stats` with `sub_fields` and the `histogram`: every count equals what
//! the simulator's store holds (read through the store itself and through
//! `_count`), the errors are SPS's envelope, and `--compat 6.0` has no
//! histogram (404, as for any unknown path).

mod common;
mod fetch_support;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use common::{get_json, login, start};
use serde_json::Value;
use sps_core::model::{FieldValue, HistogramReply, StatsReply};
use sps_core::request::{encode_component, HistogramBin};
use sps_core::{Client, FieldSource, SessionSearch};
use sps_sim::{Compat, Config};

const N: usize = 3000;

/// The text values of `field` in every session of the store, in store order.
fn store_values(sim: &common::Sim, field: &str) -> Vec<Vec<String>> {
    let store = &sim.running.state.store;
    (0..store.len())
        .map(|i| {
            store
                .get(i)
                .view()
                .field_values(field)
                .filter_map(|v| match v {
                    FieldValue::Str(s) => Some(s.to_owned()),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

fn text(v: &Value) -> String {
    v.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string())
}

#[tokio::test]
async fn stats_counts_and_sub_field_counts_are_the_stores() {
    let sim = start(Config::for_tests(N)).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions/stats?field=protocol&sub_fields=verdict,user.name&size=50"),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let reply: StatsReply = serde_json::from_value(v.clone()).expect("decodes as StatsReply");
    let meta = reply.meta.clone().expect("meta");
    // Only the first sub field is considered, as the reference says.
    assert_eq!(meta.sub_fields, Some(vec!["verdict".to_owned()]));
    assert_eq!(meta.field.as_deref(), Some("protocol"));
    assert_eq!(meta.size, Some(50));
    assert_eq!(meta.others, Some(0));
    assert_eq!(meta.match_count, Some(N as u64));

    let protocols = store_values(&sim, "protocol");
    let verdicts = store_values(&sim, "verdict");
    let mut expected: HashMap<String, (u64, HashMap<String, u64>)> = HashMap::new();
    for (ps, vs) in protocols.iter().zip(&verdicts) {
        for p in ps {
            let e = expected.entry(p.clone()).or_default();
            e.0 += 1;
            for v in vs {
                *e.1.entry(v.clone()).or_default() += 1;
            }
        }
    }
    assert_eq!(reply.items.len(), expected.len());
    assert!(
        reply.items.len() > 2,
        "several protocols: {}",
        reply.items.len()
    );
    let mut previous = u64::MAX;
    for item in &reply.items {
        assert!(item.count <= previous, "most frequent first");
        previous = item.count;
        let (count, subs) = &expected[&text(&item.value)];
        assert_eq!(item.count, *count, "{}", item.value);
        let got = &item.sub_fields["verdict"];
        assert_eq!(got.len(), subs.len(), "{}", item.value);
        for b in got {
            assert_eq!(b.count, subs[&text(&b.value)], "{} {}", item.value, b.value);
        }
        // Verdict has one value per session: the sub counts add up.
        assert_eq!(got.iter().map(|b| b.count).sum::<u64>(), item.count);
    }

    // `size` cuts the top, `others` counts the rest; `_count` agrees.
    let (_, v) = get_json(
        &c,
        &sim.url(
            "/api/audit/sessions/stats?field=protocol&sub_fields=verdict&size=2&q=active%3Afalse",
        ),
    )
    .await;
    let reply: StatsReply = serde_json::from_value(v).expect("decodes");
    assert_eq!(reply.items.len(), 2);
    let meta = reply.meta.clone().expect("meta");
    let matched = meta.match_count.expect("match_count");
    let shown: u64 = reply.items.iter().map(|i| i.count).sum();
    assert_eq!(shown + meta.others.expect("others"), matched);
    for item in &reply.items {
        let q = format!("active:false AND protocol:\"{}\"", text(&item.value));
        let (_, n) = get_json(
            &c,
            &sim.url(&format!(
                "/api/audit/sessions/_count?q={}",
                encode_component(&q)
            )),
        )
        .await;
        assert_eq!(n["count"].as_u64(), Some(item.count), "{q}");
        assert!(
            item.sub_fields["verdict"].len() <= 2,
            "sub lists are cut to size too"
        );
    }
}

#[tokio::test]
async fn stats_refuse_unknown_sub_fields_in_the_error_envelope() {
    let sim = start(Config::for_tests(50)).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions/stats?field=protocol&sub_fields=nonsense"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["error"]["type"], "InvalidQuery");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("nonsense"),
        "{v}"
    );
    // Without sub_fields the items have no `sub_fields` key (the old shape).
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/stats?field=protocol")).await;
    assert!(v["items"][0].get("sub_fields").is_none(), "{v}");
}

fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
        .expect("ISO time")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn histogram_intervals_hold_the_stores_sessions() {
    let sim = start(Config::for_tests(N)).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions/histogram?field=protocol&bin-size=hour"),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let reply: HistogramReply = serde_json::from_value(v.clone()).expect("decodes");
    assert_eq!(reply.total(), N as u64);
    let meta = reply.meta.clone().expect("meta");
    assert_eq!(meta.bin_size.as_deref(), Some("hour"));
    assert_eq!(meta.match_count, Some(N as u64));

    // Each session in the interval its start falls into, intervals contiguous.
    let store = &sim.running.state.store;
    let items = v["items"].as_array().expect("items");
    let starts: Vec<DateTime<Utc>> = items.iter().map(|i| instant(&i["start"])).collect();
    for pair in items.windows(2) {
        assert_eq!(instant(&pair[0]["end"]), instant(&pair[1]["start"]));
    }
    let mut expected = vec![0u64; items.len()];
    for i in 0..store.len() {
        let ms = store.get(i).start_ms().expect("start");
        let t = DateTime::<Utc>::from_timestamp_millis(ms).expect("time");
        let at = starts.partition_point(|s| *s <= t) - 1;
        assert!(t < instant(&items[at]["end"]));
        expected[at] += 1;
    }
    for (item, want) in items.iter().zip(&expected) {
        assert_eq!(item["count"].as_u64(), Some(*want), "{item}");
        assert_eq!(
            HistogramBin::Hour.floor(instant(&item["start"])),
            instant(&item["start"])
        );
        // Protocol has one value per session: shown values plus others add up.
        let shown: u64 = item["values"]
            .as_array()
            .map(|a| a.iter().filter_map(|b| b["count"].as_u64()).sum())
            .unwrap_or(0);
        assert_eq!(
            shown + item["others"].as_u64().unwrap_or(0),
            *want,
            "{item}"
        );
    }
    assert!(expected.contains(&0), "empty hours are listed too");

    // Daily intervals of a filtered period, each checked with `_count`.
    let q = "verdict:ACCEPT";
    let path = format!(
        "/api/audit/sessions/histogram?field=user.name&bin-size=day&q={}&start=2026-10-01&end=2026-10-20",
        encode_component(q)
    );
    let (status, v) = get_json(&c, &sim.url(&path)).await;
    assert_eq!(status, 200, "{v}");
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), 20, "1 to 20 October, the end date included");
    assert_eq!(
        instant(&items[0]["start"]).to_rfc3339(),
        "2026-10-01T00:00:00+00:00"
    );
    let mut total = 0;
    for item in items {
        let lo = item["start"].as_str().expect("start");
        let hi = item["end"].as_str().expect("end");
        let q = format!("{q} AND start_time:[{lo} TO {hi}}}");
        let (_, n) = get_json(
            &c,
            &sim.url(&format!(
                "/api/audit/sessions/_count?q={}&start=2026-10-01&end=2026-10-20",
                encode_component(&q)
            )),
        )
        .await;
        assert_eq!(item["count"].as_u64(), n["count"].as_u64(), "{q}");
        total += item["count"].as_u64().unwrap_or(0);
    }
    let (_, n) = get_json(
        &c,
        &sim.url(&format!(
            "/api/audit/sessions/_count?q={}&start=2026-10-01&end=2026-10-20",
            encode_component(q)
        )),
    )
    .await;
    assert_eq!(n["count"].as_u64(), Some(total));
    assert!(total > 100, "{total}");
}

#[tokio::test]
async fn histogram_errors_are_invalid_query_envelopes() {
    let sim = start(Config::for_tests(200)).await;
    let c = login(&sim).await;
    for (path, needle) in [
        ("/api/audit/sessions/histogram?bin-size=hour", "field"),
        ("/api/audit/sessions/histogram?field=protocol&bin-size=fortnight", "bin-size"),
        ("/api/audit/sessions/histogram?field=nonsense", "nonsense"),
        (
            "/api/audit/sessions/histogram?field=protocol&bin-size=minute&start=2020-01-01&end=2026-01-01",
            "larger `bin-size`",
        ),
        ("/api/audit/sessions/histogram?field=protocol&q=protocol%3A%28", "q"),
    ] {
        let (status, v) = get_json(&c, &sim.url(path)).await;
        assert_eq!(status, 400, "{path}: {v}");
        assert_eq!(v["error"]["type"], "InvalidQuery", "{path}");
        let message = v["error"]["message"].as_str().unwrap_or("");
        if needle != "q" {
            assert!(message.contains(needle), "{path}: {message}");
        }
        assert!(v.get("meta").is_some(), "{path}: {v}");
    }
    // Nothing matches and no period: no intervals, not an error.
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions/histogram?field=protocol&q=protocol%3ANOPE"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["items"], serde_json::json!([]));
}

#[tokio::test]
async fn compat_6_0_has_stats_with_sub_fields_but_no_histogram() {
    let sim = start(Config::for_tests(100).with_compat(Compat::V6_0)).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions/histogram?field=protocol&bin-size=hour"),
    )
    .await;
    assert_eq!(status, 404, "{v}");
    let (unknown_status, unknown) = get_json(&c, &sim.url("/api/audit/no_such_thing")).await;
    assert_eq!(unknown_status, 404);
    assert_eq!(v["error"]["type"], unknown["error"]["type"]);
    assert_eq!(v["error"]["message"], unknown["error"]["message"]);
    assert_eq!(
        v["error"]["details"]["path"],
        "/api/audit/sessions/histogram"
    );
    // The 6.0.1 page already documents `sub_fields`.
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions/stats?field=protocol&sub_fields=verdict"),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["items"][0]["sub_fields"]["verdict"].is_array(), "{v}");
}

#[tokio::test]
async fn the_client_reads_both_and_tells_an_absent_histogram() {
    let running = fetch_support::start(Config::for_tests(400)).await;
    let client = Client::new(fetch_support::SimTransport::new(&running));
    client.login("admin", "admin", None).await.expect("login");
    let search = SessionSearch::new().with_q_text("active:false").expect("q");
    let stats = client
        .stats_by("protocol", Some("verdict"), &search, Some(3))
        .await
        .expect("stats");
    assert!(stats.items.len() <= 3 && !stats.items.is_empty());
    let count = client.count(&search).await.expect("count");
    let meta = stats.meta.as_ref().expect("meta");
    assert_eq!(meta.match_count, Some(count));
    let histogram = client
        .histogram("protocol", HistogramBin::Week, &search)
        .await
        .expect("histogram");
    assert_eq!(histogram.total(), count);
    assert!(client.remaining_seconds().is_some());

    let old = fetch_support::start(Config::for_tests(20).with_compat(Compat::V6_0)).await;
    let client = Client::new(fetch_support::SimTransport::new(&old));
    client.login("admin", "admin", None).await.expect("login");
    let err = client
        .histogram("protocol", HistogramBin::Hour, &SessionSearch::new())
        .await
        .expect_err("no histogram in 6.0");
    assert!(err.is_not_found(), "{err}");
    assert!(!err.is_auth());
    // Other errors are not "absent".
    let running = fetch_support::start(Config::for_tests(20)).await;
    let client = Client::new(fetch_support::SimTransport::new(&running));
    client.login("admin", "admin", None).await.expect("login");
    let err = client
        .histogram("nonsense", HistogramBin::Hour, &SessionSearch::new())
        .await
        .expect_err("unknown field");
    assert!(!err.is_not_found(), "{err}");
}
