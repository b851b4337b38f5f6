//! Fault injection: per request (header or `_fault`) and global.

mod common;

use std::time::{Duration, Instant};

use common::*;
use sps_sim::faults::Fault;
use sps_sim::Config;

#[test]
fn fault_syntax() {
    let f = Fault::parse("latency=200,status=503,truncate,expire,status429");
    assert_eq!(f.latency, Some(Duration::from_millis(200)));
    assert_eq!(f.status, Some(503));
    assert!(f.truncate && f.expire && f.status429);
    assert_eq!(Fault::parse("bogus,status=99"), Fault::default());
}

#[tokio::test]
async fn latency_status_and_429_by_header_and_param() {
    let sim = start_n(100).await;
    let c = login(&sim).await;
    let t = Instant::now();
    let r = c
        .get(sim.url("/api/audit/sessions?limit=1"))
        .header("X-Sim-Fault", "latency=250")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(250));
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions?_fault=status%3D503")).await;
    assert_eq!(status, 503);
    assert_eq!(v["error"]["type"], "ServiceUnavailable");
    let r = c
        .get(sim.url("/api/audit/sessions"))
        .header("X-Sim-Fault", "status429")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    // `_fault` does not leak into links.
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?limit=5&_fault=latency%3D1"),
    )
    .await;
    assert!(!v["meta"]["next"].as_str().unwrap().contains("_fault"));
}

#[tokio::test]
async fn expire_fault_logs_out() {
    let sim = start_n(10).await;
    let c = login(&sim).await;
    let r = c
        .get(sim.url("/api/audit/sessions"))
        .header("X-Sim-Fault", "expire")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions")).await;
    assert_eq!(status, 401);
    assert_eq!(v["error"]["type"], "Unauthenticated");
}

#[tokio::test]
async fn truncate_cuts_the_body() {
    let sim = start_n(200).await;
    let c = login(&sim).await;
    let r = c
        .get(sim.url("/api/audit/sessions?fields=*&limit=100"))
        .header("X-Sim-Fault", "truncate")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let declared: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 10_000);
    // The declared length is the full one; reading fails or yields bad JSON.
    match r.bytes().await {
        Err(_) => {}
        Ok(b) => assert!(serde_json::from_slice::<serde_json::Value>(&b).is_err()),
    }
}

#[tokio::test]
async fn global_error_rate_and_truncate_rate() {
    let mut cfg = Config::for_tests(10);
    cfg.error_rate = 1.0;
    let sim = start(cfg).await;
    let r = client().get(sim.url("/api/info")).send().await.unwrap();
    assert!(r.status().is_server_error());
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"]["type"].is_string());

    let mut cfg = Config::for_tests(10);
    cfg.truncate_rate = 1.0;
    let sim = start(cfg).await;
    let r = client().get(sim.url("/api/info")).send().await.unwrap();
    match r.bytes().await {
        Err(_) => {}
        Ok(b) => assert!(serde_json::from_slice::<serde_json::Value>(&b).is_err()),
    }

    let mut cfg = Config::for_tests(10);
    cfg.error_rate = 0.5;
    let sim = start(cfg).await;
    let mut errors = 0;
    for _ in 0..100 {
        if client()
            .get(sim.url("/api/info"))
            .send()
            .await
            .unwrap()
            .status()
            .is_server_error()
        {
            errors += 1;
        }
    }
    assert!((25..=75).contains(&errors), "{errors}");
}

#[tokio::test]
async fn global_latency() {
    let mut cfg = Config::for_tests(10);
    cfg.latency = Duration::from_millis(150);
    let sim = start(cfg).await;
    let t = Instant::now();
    client().get(sim.url("/api/info")).send().await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(150));
}
