//! Snapshot search lifecycle, `_count` and `stats`.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use sps_sim::Config;

async fn open(c: &reqwest::Client, sim: &Sim) -> String {
    let (status, v) = get_json(c, &sim.url("/api/audit/sessions/_snapshot")).await;
    assert_eq!(status, 200, "{v}");
    let snap = sps_core::model::decode_snapshot(v.to_string().as_bytes()).unwrap();
    // As recorded: `{"body":{"snapshot":…}}`, no key, no meta.
    assert_eq!(v.as_object().unwrap().len(), 1, "{v}");
    snap.body.snapshot
}

#[tokio::test]
async fn pages_through_everything_and_ends_with_an_empty_page() {
    let sim = start_n(12_345).await;
    let c = login(&sim).await;
    let id = open(&c, &sim).await;
    let mut url = Some(format!(
        "/api/audit/sessions?snapshot={id}&limit=500&fields=protocol&q=verdict:accept"
    ));
    let mut seen = std::collections::HashSet::new();
    let mut pages = 0;
    let mut last: Value = Value::Null;
    while let Some(u) = url {
        let (status, v) = get_json(&c, &sim.url(&u)).await;
        assert_eq!(status, 200, "{v}");
        let m = &v["meta"];
        assert_eq!(m["first"], Value::Null);
        assert_eq!(m["last"], Value::Null);
        assert_eq!(m["previous"], Value::Null);
        assert!(
            m.get("offset").is_none() && m.get("match_count").is_none(),
            "{m}"
        );
        for i in v["items"].as_array().unwrap() {
            assert!(i["body"]["protocol"].is_string());
            assert!(seen.insert(i["key"].as_str().unwrap().to_owned()));
        }
        url = m["next"].as_str().map(str::to_owned);
        if let Some(n) = &url {
            assert!(
                n.contains("fields=protocol")
                    && n.contains("q=verdict%3Aaccept")
                    && n.contains(&id)
            );
        }
        pages += 1;
        last = v;
    }
    assert_eq!(
        last["items"],
        json!([]),
        "the end is an empty page with next null"
    );
    let (_, cnt) = get_json(&c, &sim.url("/api/audit/sessions/_count?q=verdict:accept")).await;
    assert_eq!(seen.len() as u64, cnt["count"].as_u64().unwrap());
    assert!(
        seen.len() > 10_000,
        "snapshots reach past the 10,000 window"
    );
    assert_eq!(pages, seen.len().div_ceil(500) + 1);
}

#[tokio::test]
async fn too_many_open_is_429() {
    let mut cfg = Config::for_tests(100);
    cfg.max_snapshots = 3;
    let sim = start(cfg).await;
    let c = login(&sim).await;
    for _ in 0..3 {
        open(&c, &sim).await;
    }
    let r = c
        .get(sim.url("/api/audit/sessions/_snapshot"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["type"], "TooManyRequests");
    assert_eq!(sim.running.state.snapshots.open_count(), 3);
}

#[tokio::test]
async fn expired_snapshot_is_404_and_use_extends_it() {
    let mut cfg = Config::for_tests(2000);
    cfg.snapshot_ttl = Duration::from_millis(400);
    cfg.max_snapshots = 1;
    let sim = start(cfg).await;
    let c = login(&sim).await;
    let id = open(&c, &sim).await;
    // Used every 250 ms it stays alive past its 400 ms lifetime.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let (status, _) = get_json(
            &c,
            &sim.url(&format!("/api/audit/sessions?snapshot={id}&limit=10")),
        )
        .await;
        assert_eq!(status, 200);
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (status, v) = get_json(
        &c,
        &sim.url(&format!("/api/audit/sessions?snapshot={id}&limit=10")),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(v["error"]["type"], "NotFound");
    // The expired one no longer counts against the quota.
    open(&c, &sim).await;
    let (status, _) = get_json(
        &c,
        &sim.url("/api/audit/sessions?snapshot=unknown&limit=10"),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn snapshot_is_tied_to_user_agent() {
    let sim = start_n(100).await;
    let c = login(&sim).await;
    let id = open(&c, &sim).await;
    let r = c
        .get(sim.url(&format!("/api/audit/sessions?snapshot={id}")))
        .header("user-agent", "another-client")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn snapshot_429_every_n() {
    let mut cfg = Config::for_tests(100);
    cfg.snapshot_429_every = Some(3);
    let sim = start(cfg).await;
    let c = login(&sim).await;
    let id = open(&c, &sim).await; // 1
    let url = sim.url(&format!("/api/audit/sessions?snapshot={id}&limit=10"));
    assert_eq!(get_json(&c, &url).await.0, 200); // 2
    assert_eq!(get_json(&c, &url).await.0, 429); // 3
    assert_eq!(get_json(&c, &url).await.0, 200); // 4: the snapshot survived
}

#[tokio::test]
async fn stats_gives_top_values() {
    let sim = start_n(3000).await;
    let c = login(&sim).await;
    let (status, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions/stats?field=protocol&size=3"),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["value"], "SSH");
    let counts: Vec<u64> = items.iter().map(|i| i["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    sps_core::model::decode_stats(v.to_string().as_bytes()).unwrap();
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions/stats?field=verdict&q=protocol:rdp&size=20"),
    )
    .await;
    let total: u64 = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["count"].as_u64().unwrap())
        .sum();
    let (_, cnt) = get_json(&c, &sim.url("/api/audit/sessions/_count?q=protocol:rdp")).await;
    assert_eq!(total, cnt["count"].as_u64().unwrap());
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions/stats?field=nope")).await;
    assert_eq!(status, 400);
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions/stats")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn count_matches_list_and_decodes() {
    let sim = start_n(1000).await;
    let c = login(&sim).await;
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions/_count")).await;
    assert_eq!(status, 200);
    assert_eq!(v["count"], 1000);
    sps_core::model::decode_count(v.to_string().as_bytes()).unwrap();
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions/_count?q=protocol:(")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn offset_pages_and_snapshot_agree_on_sorted_order() {
    let sim = start_n(3000).await;
    let c = login(&sim).await;
    let keys = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"].as_str().unwrap().to_owned())
            .collect()
    };
    for sort in ["protocol", "-duration", "verdict,-client.port"] {
        let mut by_offset = Vec::new();
        for off in (0..3000).step_by(500) {
            let (_, v) = get_json(
                &c,
                &sim.url(&format!(
                    "/api/audit/sessions?sort={sort}&limit=500&offset={off}"
                )),
            )
            .await;
            by_offset.extend(keys(&v));
        }
        let id = open(&c, &sim).await;
        let mut by_snapshot = Vec::new();
        let mut url = Some(format!(
            "/api/audit/sessions?snapshot={id}&sort={sort}&limit=500"
        ));
        while let Some(u) = url {
            let (_, v) = get_json(&c, &sim.url(&u)).await;
            by_snapshot.extend(keys(&v));
            url = v["meta"]["next"].as_str().map(str::to_owned);
        }
        assert_eq!(by_offset.len(), 3000);
        assert_eq!(by_offset, by_snapshot, "sort={sort}");
    }
}
