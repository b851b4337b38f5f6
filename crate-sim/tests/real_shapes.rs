//! The default (real SPS 7.x/8.x) data and replies: what the recordings in
//! `../shared/real-sps/` show, checked without them (see `conformance.rs` for
//! the comparison with the recorded files themselves).

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use serde_json::{json, Value};
use sps_sim::generate::{self, VERDICTS};
use sps_sim::store::Store;
use sps_sim::Config;

fn now() -> chrono::DateTime<chrono::Utc> {
    Config::for_tests(0).now
}

#[test]
fn generated_sessions_follow_the_recorded_rules() {
    let s = Store::generated(1, 5000, now(), "https://127.0.0.1");
    let mut content_refs = HashMap::new();
    let mut policy_ids = HashSet::new();
    let mut nodes = HashSet::new();
    let (mut with_gw, mut without_gw, mut vaults) = (0, 0, 0);
    for i in 0..s.len() {
        let r = s.get(i);
        let b = r.body();
        let key = r.key();
        assert_eq!(key.len(), 20);
        for t in ["creation_time", "start_time"] {
            let text = b[t].as_str().unwrap();
            assert!(text.ends_with(".000Z") && text.len() == 24, "{t} {text}");
        }
        assert_eq!(b["creation_time"], b["start_time"]);
        let verdict = b["verdict"].as_str().unwrap();
        assert!(VERDICTS.contains(&verdict), "{verdict}");
        assert_eq!(b["recording"]["verdict"], verdict);
        if matches!(verdict, "ACCEPT" | "TERMINATED") {
            if let Some(end) = b["end_time"].as_str() {
                assert!(end.ends_with(".000Z"), "{end}");
            }
        } else {
            assert_eq!(b["duration"], 0, "failed sessions last 0 s");
            assert_eq!(b["end_time"], b["start_time"], "and end when they start");
        }
        let sid = b["recording"]["session_id"].as_str().unwrap();
        let parts: Vec<&str> = sid.splitn(3, '/').collect();
        assert_eq!(parts[0], "svc");
        assert_eq!(parts[1].len(), 22, "{sid}");
        assert!(!sid.contains(':') && !sid.contains(key), "{sid}");
        assert!(b["user"]["server_username"].is_array());
        assert_eq!(b["server"]["id"], b["server"]["ip"]);
        assert_eq!(b["trail_download_link"], Value::Null);
        assert!(b["analytics"]["score"].get("details").is_none());
        assert_eq!(
            b["user"]["id"], b["user"]["name"],
            "user.id is the name (recorded)"
        );
        if b["user"].get("gateway_username").is_some() {
            with_gw += 1;
        } else {
            without_gw += 1;
        }
        if let Some(v) = b.get("vault") {
            vaults += 1;
            assert_eq!(v["asset_partition_id"], -1);
            assert!(v["created"]["user"]["user_id"].is_u64());
        }
        *content_refs
            .entry(b["recording"]["content_reference_id"].as_u64().unwrap())
            .or_insert(0) += 1;
        policy_ids.insert(
            b["recording"]["connection_policy_id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        nodes.insert(b["node_id"].as_str().unwrap().to_owned());
    }
    assert!(
        without_gw > 2 * s.len() / 5 && with_gw > s.len() / 5,
        "{with_gw} with, {without_gw} without"
    );
    assert!(vaults > s.len() / 20, "{vaults}");
    assert!(
        content_refs.len() < 10 && content_refs.values().any(|n| *n > 1000),
        "{content_refs:?}"
    );
    assert!(policy_ids.len() < 10 && nodes.len() < 5);
}

#[test]
fn verdict_mix_is_mostly_accept_with_the_recorded_failures_first() {
    let g = generate::generate(1, 20_000, now());
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for s in &g.sessions {
        *counts.entry(s.verdict_name(true)).or_default() += 1;
    }
    assert_eq!(counts.len(), VERDICTS.len());
    let mut failures: Vec<(&str, usize)> = counts
        .iter()
        .filter(|(v, _)| **v != "ACCEPT")
        .map(|(v, n)| (*v, *n))
        .collect();
    failures.sort_by_key(|f| std::cmp::Reverse(f.1));
    let top: HashSet<&str> = failures.iter().take(3).map(|(v, _)| *v).collect();
    assert_eq!(
        top,
        HashSet::from(["AUTH_FAIL", "FAIL", "TERMINATED"]),
        "{failures:?}"
    );
    assert!(counts["ACCEPT"] > 17_000);
}

#[test]
fn verdict_terms_match_either_spelling_in_the_evaluator() {
    // sps-core's evaluator, which the simulator filters with: `_` and `-`
    // alike in verdict terms (exact, wildcard, field group), nowhere else.
    use sps_core::model::SparseBody;
    use sps_core::query::CompiledQuery;
    use sps_core::{Catalogue, SessionRow};
    let row = |verdict: &str, protocol: &str| {
        let mut body = SparseBody::new();
        body.insert("verdict", json!(verdict));
        body.insert("recording.verdict", json!(verdict));
        body.insert("protocol", json!(protocol));
        SessionRow {
            key: "k".into(),
            meta: None,
            body: Some(body),
        }
    };
    let q = |text: &str| {
        CompiledQuery::new(&sps_core::parse_query(text).unwrap(), Catalogue::sessions()).unwrap()
    };
    for sent in ["AUTH_FAIL", "AUTH-FAIL"] {
        for asked in [
            "verdict:AUTH_FAIL",
            "verdict:auth-fail",
            "verdict:Auth_Fail",
        ] {
            assert!(q(asked).matches(&row(sent, "SSH")), "{asked} finds {sent}");
        }
    }
    for sent in ["GW_AUTH_FAIL", "GW-AUTH-FAIL"] {
        for asked in [
            "recording.verdict:(gw-auth-* OR deny)",
            "recording.verdict:(gw_auth_*)",
        ] {
            assert!(q(asked).matches(&row(sent, "SSH")), "{asked} finds {sent}");
        }
    }
    assert!(
        !q("verdict:AUTH_FAIL AND NOT recording.verdict:(gw-auth-* OR deny)")
            .matches(&row("DENY", "SSH"))
    );
    // Other fields keep `_` and `-` apart.
    assert!(!q("protocol:ssh_x").matches(&row("ACCEPT", "ssh-x")));
    assert!(q("protocol:ssh_x").matches(&row("ACCEPT", "SSH_X")));
}

#[tokio::test]
async fn q_matches_a_verdict_in_any_spelling() {
    for compat in [sps_sim::Compat::Real, sps_sim::Compat::V6_0] {
        let sim = start(Config::for_tests(3000).with_compat(compat)).await;
        let c = login(&sim).await;
        let count = |q: &str| {
            let c = c.clone();
            let url = sim.url(&format!("/api/audit/sessions/_count?q={q}"));
            async move { get_json(&c, &url).await.1["count"].as_u64().unwrap() }
        };
        let n = count("verdict:AUTH_FAIL").await;
        assert!(n > 30, "{compat:?}: {n}");
        for q in [
            "verdict:auth-fail",
            "verdict:auth_fail",
            "verdict:Auth-Fail",
            "recording.verdict:(AUTH-FAIL)",
            "verdict:auth-f*",
        ] {
            assert_eq!(count(q).await, n, "{compat:?} {q}");
        }
        let total = count("verdict:*").await;
        assert_eq!(
            count("NOT%20verdict:auth-fail").await,
            total - n,
            "{compat:?}"
        );
    }
}

#[tokio::test]
async fn sparse_fields_null_when_absent() {
    let sim = start_n(500).await;
    let c = login(&sim).await;
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions?fields=user.gateway_username,user.name,trail_download_link,user.server_username&limit=100")).await;
    let items = v["items"].as_array().unwrap();
    // Most bodies have only `user.name`: the sparse field is null then.
    assert!(items
        .iter()
        .any(|i| i["body"]["user.gateway_username"].is_null()));
    assert!(items
        .iter()
        .any(|i| i["body"]["user.gateway_username"].is_string()));
    assert!(items.iter().all(|i| i["body"]["user.name"].is_string()));
    assert!(
        items
            .iter()
            .all(|i| i["body"]["trail_download_link"].is_null()),
        "null, as in the bodies"
    );
    assert!(items
        .iter()
        .all(|i| i["body"]["user.server_username"].is_array()));
}

#[tokio::test]
async fn envelopes_are_bare_as_recorded() {
    let sim = start_n(900).await;
    let c = login(&sim).await;
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/_count?q=protocol:ssh")).await;
    assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["count"]);
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/_snapshot")).await;
    assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["body"]);
    let id = v["body"]["snapshot"].as_str().unwrap().to_owned();
    let (_, v) = get_json(
        &c,
        &sim.url(&format!(
            "/api/audit/sessions?snapshot={id}&limit=500&fields=protocol"
        )),
    )
    .await;
    assert_eq!(v["meta"]["search_after"], Value::Null);
    assert_eq!(v["meta"]["fields"], json!(["protocol"]));
    let next = v["meta"]["next"].as_str().unwrap().to_owned();
    let (_, v) = get_json(&c, &sim.url(&next)).await;
    assert!(
        v["meta"]["next"].is_string(),
        "the last page with items still links on"
    );
    let next = v["meta"]["next"].as_str().unwrap().to_owned();
    let (_, v) = get_json(&c, &sim.url(&next)).await;
    assert!(
        v == json!({"items": [], "meta": {"next": null}}),
        "the end, exactly as recorded: {}",
        v["meta"]
    );
    // Offset pages: `meta` keys in alphabetical order on the wire.
    let text = c
        .get(sim.url("/api/audit/sessions?limit=5&fields=*"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let meta = &text[text
        .rfind("\"meta\":{\"fields\"")
        .expect("page meta starts with fields")..];
    let order: Vec<usize> = [
        "fields",
        "first",
        "href",
        "last",
        "limit",
        "match_count",
        "next",
        "offset",
        "parent",
        "previous",
        "remaining_seconds",
    ]
    .iter()
    .map(|k| meta.find(&format!("\"{k}\"")).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{meta}");
}

#[tokio::test]
async fn single_session_get_keeps_links_with_real_field_shapes() {
    let sim = start_n(300).await;
    let c = login(&sim).await;
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions?limit=1")).await;
    let key = v["items"][0]["key"].as_str().unwrap().to_owned();
    let (status, v) = get_json(&c, &sim.url(&format!("/api/audit/sessions/{key}"))).await;
    assert_eq!(status, 200);
    assert_eq!(
        v["body"]["events"]["href"],
        format!("/api/audit/sessions/{key}/events")
    );
    assert!(v["body"]["user"]["server_username"].is_array());
    assert!(v["body"]["start_time"].as_str().unwrap().ends_with(".000Z"));
    assert!(v["meta"]["remaining_seconds"].is_i64());
}

#[tokio::test]
async fn secure_cookie_only_where_browsers_keep_it() {
    let sim = start_n(10).await;
    for (host, secure) in [
        (None, true),
        (Some("localhost:8080"), true),
        (Some("[::1]:8080"), true),
        (Some("sps-sim.example:8080"), false),
        (Some("10.1.2.3"), false),
    ] {
        let mut req = client()
            .get(sim.url("/api/authentication"))
            .basic_auth("admin", Some("admin"));
        if let Some(h) = host {
            req = req.header("host", h);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 200);
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert_eq!(
            cookie.ends_with("; Path=/; Secure"),
            secure,
            "{host:?}: {cookie}"
        );
        assert!(
            cookie.contains("; expires=") && cookie.contains("; HttpOnly; Max-Age=43200; Path=/"),
            "{cookie}"
        );
        assert_eq!(
            r.json::<Value>().await.unwrap(),
            json!({}),
            "the login body is empty (recorded)"
        );
    }
}
