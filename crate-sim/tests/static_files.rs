//! Static files for the viewer (with client-side routing fallback).

mod common;

use common::*;
use sps_sim::Config;

fn static_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sps-sim-static-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>viewer</title>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/app.js"), "console.log(1)").unwrap();
    dir
}

#[tokio::test]
async fn serves_files_and_falls_back_to_index_html() {
    let mut cfg = Config::for_tests(20);
    cfg.static_dir = Some(static_dir());
    let sim = start(cfg).await;
    let c = client();
    let r = c.get(sim.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("viewer"));
    let r = c.get(sim.url("/assets/app.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let r = c.get(sim.url("/sessions/abc/events")).send().await.unwrap();
    assert_eq!(r.status(), 200, "client-side route");
    assert!(r.text().await.unwrap().contains("viewer"));
    // Unknown /api paths stay JSON 404s.
    let c = login(&sim).await;
    let (status, v) = get_json(&c, &sim.url("/api/nope")).await;
    assert_eq!(status, 404);
    assert_eq!(v["error"]["type"], "NotFound");
    // And the API still works on the same origin.
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions?fields=protocol,user.gateway_username,server.ip,start_time,duration,verdict,active&limit=50")).await;
    assert_eq!(status, 200);
}
