//! The `miscount` fault, and who may set faults: `/_sim/faults` takes only
//! JSON (no cross-site `text/plain` form post) from loopback origins or
//! tools without `Origin`; and there is no proxy mode any more.

mod common;

use common::*;
use serde_json::{json, Value};
use sps_sim::faults::{Fault, FaultRule};
use sps_sim::Config;

async fn count(c: &reqwest::Client, url: &str, header: Option<&str>) -> Value {
    let mut req = c.get(url);
    if let Some(h) = header {
        req = req.header("X-Sim-Fault", h);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[test]
fn miscount_syntax() {
    assert_eq!(Fault::parse("miscount=5").miscount, Some(5));
    assert_eq!(Fault::parse("miscount=-3,latency=1").miscount, Some(-3));
    assert_eq!(
        Fault::parse("miscount=x").miscount,
        None,
        "the header ignores bad values"
    );
    assert!(Fault::parse_strict("miscount=1.5").is_err());
    assert!(Fault::parse_strict("miscount").is_err());
    let rule = FaultRule::parse_flag("miscount=5@/api/audit/sessions/_count").unwrap();
    assert!(rule.matches("/api/audit/sessions/_count") && !rule.matches("/api/audit/sessions"));
}

#[tokio::test]
async fn miscount_by_header_param_rule_and_flag() {
    let mut cfg = Config::for_tests(40);
    cfg.faults = vec![FaultRule::parse_flag("miscount=5@/api/audit/sessions/_count").unwrap()];
    let sim = start(cfg).await;
    let c = login(&sim).await;
    let url = sim.url("/api/audit/sessions/_count");
    assert_eq!(
        count(&c, &url, None).await,
        json!({"count": 45}),
        "--fault rule"
    );
    let http = reqwest::Client::new();
    http.delete(sim.url("/_sim/faults")).send().await.unwrap();
    assert_eq!(count(&c, &url, None).await, json!({"count": 40}));
    assert_eq!(
        count(&c, &url, Some("miscount=-2")).await,
        json!({"count": 38}),
        "header"
    );
    assert_eq!(
        count(&c, &url, Some("miscount=-100")).await,
        json!({"count": 0}),
        "never below 0"
    );
    assert_eq!(
        count(
            &c,
            &sim.url("/api/audit/sessions/_count?_fault=miscount%3D7"),
            None
        )
        .await["count"],
        47
    );
    let r = http
        .post(sim.url("/_sim/faults"))
        .json(&json!({"fault": "miscount=3", "path": "/api/audit/sessions/_count", "times": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(count(&c, &url, None).await["count"], 43, "rule");
    assert_eq!(count(&c, &url, None).await["count"], 40, "used up");
    // Only `_count` changes: a list page keeps its match_count.
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?limit=1&_fault=miscount%3D9"),
    )
    .await;
    assert_eq!(v["meta"]["match_count"], 40);
    let r = http
        .post(sim.url("/_sim/faults"))
        .json(&json!({"fault": "miscount=many"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn fault_rules_take_json_only() {
    let sim = start_n(10).await;
    let http = reqwest::Client::new();
    let body = r#"{"fault": "status=503"}"#;
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut req = http.post(sim.url("/_sim/faults")).body(body);
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 415, "{ct:?}");
    }
    let (_, rules) = get_json(&http, &sim.url("/_sim/faults")).await;
    assert_eq!(rules, json!({"rules": []}), "nothing was set");
    let r = http
        .post(sim.url("/_sim/faults"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, _) = get_json(&login(&sim).await, &sim.url("/api/audit/sessions")).await;
    assert_eq!(status, 503);
}

#[tokio::test]
async fn sim_control_refuses_foreign_origins() {
    let sim = start_n(10).await;
    let http = reqwest::Client::new();
    let body = json!({"fault": "status=503"});
    for origin in [
        "http://evil.example",
        "https://127.0.0.1.evil.example",
        "http://localhost.evil.example:80",
        "null",
        "http://10.0.0.5:8080",
    ] {
        for method in ["POST", "DELETE", "GET"] {
            let r = http
                .request(method.parse().unwrap(), sim.url("/_sim/faults"))
                .header("origin", origin)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{method} from {origin}");
        }
    }
    let (_, rules) = get_json(&http, &sim.url("/_sim/faults")).await;
    assert_eq!(rules, json!({"rules": []}), "nothing was set");
    // Loopback pages (the e2e tests') and tools without Origin may.
    for origin in [
        Some("http://127.0.0.1:5173"),
        Some("http://localhost:3000"),
        Some("http://[::1]:8080"),
        None,
    ] {
        let mut req = http.post(sim.url("/_sim/faults")).json(&body);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        assert_eq!(req.send().await.unwrap().status(), 200, "{origin:?}");
    }
    assert_eq!(sim.running.state.faults.rules().len(), 4);
}

#[test]
fn loopback_origins() {
    use sps_sim::faults::is_loopback_origin;
    assert!(is_loopback_origin("http://127.0.0.1:8080"));
    assert!(is_loopback_origin("http://127.1.2.3"));
    assert!(is_loopback_origin("https://app.localhost:1"));
    assert!(!is_loopback_origin("http://127.0.0.1@evil.example"));
    assert!(!is_loopback_origin("http://[::1]evil"));
    assert!(!is_loopback_origin("file://"));
}

#[test]
fn proxy_mode_is_gone() {
    use clap::Parser;
    for flag in [
        ["--upstream", "https://10.0.0.5"],
        ["--insecure", "--seed=1"],
    ] {
        assert!(
            sps_sim::Args::try_parse_from(std::iter::once("sps-sim").chain(flag)).is_err(),
            "{flag:?}: proxying is sps-gateway's job"
        );
    }
}
