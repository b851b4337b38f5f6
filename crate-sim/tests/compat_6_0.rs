//! `--compat 6.0`: the 6.0 reference pages' shapes and exactly the data the
//! simulator generated before real 7.x/8.x shapes became the default.

mod common;

use clap::Parser;
use common::*;
use serde_json::{json, Value};
use sps_sim::store::Store;
use sps_sim::{Args, Compat, Config};

fn config(n: usize) -> Config {
    Config::for_tests(n).with_compat(Compat::V6_0)
}

#[test]
fn the_data_of_before() {
    // Values the simulator gave before `--compat` existed (seed 1, 5000
    // sessions, now = 2026-11-23T06:00:00Z).
    let s = Store::generated_for(1, 5000, config(0).now, "https://127.0.0.1", Compat::V6_0);
    assert_eq!(s.key(4999), "V8Xjp9PF5oBrX4wbPsdWRM");
    let b = s.get(4999).body();
    assert_eq!(b["start_time"], "2026-11-23T06:43:23.259+01:00");
    assert_eq!(b["creation_time"], "2026-11-23T05:43:23.259Z");
    assert_eq!(b["duration"], 996);
    assert_eq!(
        b["recording"]["session_id"],
        "svc/V8Xjp9PF5oBrX4wbPsdWRM/rdp_windows_servers:5000"
    );
    assert_eq!(
        b["user"],
        json!({"gateway_username": "anna_szabo63", "id": "uid-112", "name": "anna_szabo63", "server_username": "deploy"})
    );
    let i = s.find("2KSPkh2uxmuyIdhT7tQ66L").unwrap();
    let b = s.get(i).body();
    assert_eq!(b["verdict"], "AUTH-FAIL");
    assert_eq!(b["recording"]["verdict"], "AUTH-FAIL");
    assert_eq!(b["end_time"], "2026-11-23T04:57:38.213+01:00");
    assert_eq!(b["duration"], 3);
    assert_eq!(
        b["alerts"]["href"],
        "/api/audit/sessions/2KSPkh2uxmuyIdhT7tQ66L/alerts"
    );
}

#[tokio::test]
async fn replies_have_the_6_0_shapes() {
    let sim = start(config(10_050)).await;
    let c = client();
    let r = c
        .get(sim.url("/api/authentication"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.ends_with("; HttpOnly; Max-Age=43200; Path=/"),
        "{cookie}"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["meta"]["remaining_seconds"], 1200);
    assert!(v["key"].is_string());
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?limit=50&offset=9990&fields=*"),
    )
    .await;
    assert_eq!(v["meta"]["match_count"], 10_050, "the true total");
    assert_eq!(
        v["meta"]["last"],
        "/api/audit/sessions?limit=50&offset=9950&fields=*"
    );
    let body = &v["items"][0]["body"];
    assert!(
        body["alerts"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/alerts"),
        "links on list items"
    );
    assert!(body["user"]["server_username"].is_string());
    assert!(body.get("trail_download_link").is_none());
    assert_eq!(v["items"][0]["key"].as_str().unwrap().len(), 22);
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/_count")).await;
    assert_eq!(v["count"], 10_050);
    assert_eq!(v["meta"]["href"], "/api/audit/sessions/_count");
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/_snapshot")).await;
    assert_eq!(v["meta"]["href"], "/api/audit/sessions/_snapshot");
    let id = v["body"]["snapshot"].as_str().unwrap().to_owned();
    let (_, v) = get_json(
        &c,
        &sim.url(&format!(
            "/api/audit/sessions?snapshot={id}&limit=10&search_after=10050"
        )),
    )
    .await;
    assert_eq!(v["items"], json!([]));
    assert_eq!(
        v["meta"]["href"], "/api/audit/sessions",
        "the 6.0 end page keeps its meta"
    );
    assert!(v["meta"].get("search_after").is_none());
    let (_, v) = get_json(&client(), &sim.url("/api/info")).await;
    assert_eq!(v["body"]["firmware_version"], "7.5.0");
    assert_eq!(v["meta"]["href"], "/api/info");
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?fields=trail_download_link&limit=300"),
    )
    .await;
    assert!(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["body"]["trail_download_link"].is_string()));
}

#[test]
fn the_flag_and_its_defaults() {
    let parse = |args: &[&str]| {
        let a = Args::try_parse_from(std::iter::once("sps-sim").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        Config::try_from(a).map_err(|e| e.to_string())
    };
    let real = parse(&[]).unwrap();
    assert_eq!(real.compat, Compat::Real);
    assert_eq!(
        (
            real.session_timeout.as_secs(),
            real.firmware_version.as_str()
        ),
        (43_200, "7.4.0")
    );
    let old = parse(&["--compat", "6.0"]).unwrap();
    assert_eq!(old.compat, Compat::V6_0);
    assert_eq!(
        (old.session_timeout.as_secs(), old.firmware_version.as_str()),
        (1200, "7.5.0")
    );
    let set = parse(&[
        "--compat",
        "6.0",
        "--session-timeout",
        "60",
        "--firmware-version",
        "6.0.3",
    ])
    .unwrap();
    assert_eq!(
        (set.session_timeout.as_secs(), set.firmware_version.as_str()),
        (60, "6.0.3")
    );
    assert_eq!(parse(&["--compat", "real"]).unwrap().compat, Compat::Real);
    assert!(parse(&["--compat", "7.4"]).is_err());
}
