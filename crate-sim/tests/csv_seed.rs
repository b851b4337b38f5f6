//! The reference's three CSV examples, byte for byte, over its seed datasets,
//! under `--compat 6.0` (the shapes of the reference they come from).

mod common;

use common::*;
use sps_sim::{Compat, Config};

fn six() -> Config {
    Config::for_tests(0).with_compat(Compat::V6_0)
}

async fn csv(sim: &Sim, query: &str) -> (String, String) {
    let c = login(sim).await;
    let r = c
        .get(sim.url(&format!("/api/audit/sessions?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    (ct, r.text().await.unwrap())
}

#[tokio::test]
async fn seed_1_protocol_end_time_users_ips() {
    let sim = start_loaded(&fixture("seed_csv_1.json"), six()).await;
    let (ct, body) = csv(
        &sim,
        "format=csv&fields=protocol,end_time,user.gateway_username,server.ip,client.ip,client.port",
    )
    .await;
    assert!(ct.starts_with("text/csv"));
    assert_eq!(
        body,
        "\"Key\",\"Protocol\",\"End time\",\"Gateway username\",\"Server IP\",\"Client IP\",\"Client port\"\r\n\
         \"2\",\"ssh\",\"7\",\"user2\",\"2.2.2.2\",\"3.3.3.3\",\"48680\"\r\n\
         \"1\",\"ssh\",\"5\",\"user1\",\"2.2.2.2\",\"2.2.2.2\",\"48679\"\r\n"
    );
}

#[tokio::test]
async fn seed_2_multi_valued_rows() {
    let sim = start_loaded(&fixture("seed_csv_2.json"), six()).await;
    let (_, body) = csv(
        &sim,
        "sort=recording.session_id&format=csv&fields=recording.session_id,analytics.interesting_events,analytics.similar_sessions",
    )
    .await;
    assert_eq!(
        body,
        "\"Key\",\"Recording Session ID\",\"Analytics Interesting events\",\"Similar Sessions\"\r\n\
         \"1\",\"1\",\"ssh\",\"\"\r\n\
         \"1\",\"1\",\"sudo\",\"\"\r\n\
         \"2\",\"2\",\"sudo\",\"\"\r\n\
         \"2\",\"2\",\"systemctl\",\"\"\r\n"
    );
}

#[tokio::test]
async fn seed_3_trail_download_link() {
    let sim = start_loaded(&fixture("seed_csv_3.json"), six()).await;
    let (_, body) = csv(&sim, "format=csv&fields=trail_download_link").await;
    assert_eq!(
        body,
        "\"Key\",\"Audit trail download link\"\r\n\
         \"svc-paKzcMJwXghEFJ9UvsdqFU-sid-2\",\"\"\r\n\
         \"svc-paKzcMJwXghEFJ9UvsdqFU-sid-1\",\"https://127.0.0.1/api/audit/sessions/svc-paKzcMJwXghEFJ9UvsdqFU-sid-1/audit_trail\"\r\n"
    );
}

#[tokio::test]
async fn public_base_changes_the_link() {
    let mut cfg = six();
    cfg.public_base = "https://sps.example.com".into();
    let sim = start_loaded(&fixture("seed_csv_3.json"), cfg).await;
    let (_, body) = csv(&sim, "format=csv&fields=trail_download_link").await;
    assert!(body.contains("\"https://sps.example.com/api/audit/sessions/svc-paKzcMJwXghEFJ9UvsdqFU-sid-1/audit_trail\""));
}

#[tokio::test]
async fn csv_of_generated_data_quotes_hostile_cells() {
    let sim = start_n(3000).await;
    let (_, body) = csv(
        &sim,
        "format=csv&fields=user.gateway_username,analytics.tags&limit=500",
    )
    .await;
    let mut lines = body.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("\"Key\",\"Gateway username\",\"Analytics tags\"")
    );
    // Every record is fully quoted; parse it back with the csv crate.
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body.as_bytes());
    let mut n = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), 3);
        n += 1;
    }
    assert!(n >= 500, "one row per session at least, got {n}");
}

#[tokio::test]
async fn csv_of_generated_data_keeps_json_timestamps() {
    let sim = start_n(500).await;
    let c = login(&sim).await;
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?fields=start_time,end_time&limit=300"),
    )
    .await;
    let body = c
        .get(sim.url("/api/audit/sessions?fields=start_time,end_time&limit=300&format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body.as_bytes());
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["Key", "Start time", "End time"]
    );
    for (rec, item) in rdr.records().zip(v["items"].as_array().unwrap()) {
        let rec = rec.unwrap();
        assert_eq!(&rec[0], item["key"].as_str().unwrap());
        assert_eq!(&rec[1], item["body"]["start_time"].as_str().unwrap());
        assert_eq!(&rec[2], item["body"]["end_time"].as_str().unwrap_or(""));
    }
}
