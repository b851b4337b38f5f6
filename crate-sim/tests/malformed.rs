//! Malformed replies (`html`, `empty`, `garbage`, `cut`, `wrongtype`, `huge`,
//! and the older `truncate`): what the simulator sends for each, how
//! sps-core's client classifies it (`Error::reply_problem`), and the fault
//! rules of `--fault` and `/_sim/faults` that bring them to clients that
//! cannot add a header.

mod common;
mod fetch_support;

use clap::Parser;
use common::*;
use fetch_support::SimTransport;
use serde_json::{json, Value};
use sps_core::{Client, ErrorKind, ReplyProblem, SessionSearch};
use sps_sim::faults::{huge_text, Fault, FaultRule, Malformed};
use sps_sim::{Args, Config};

const MB: usize = 1024 * 1024;

async fn get_with_fault(c: &reqwest::Client, url: &str, fault: &str) -> reqwest::Response {
    c.get(url)
        .header("X-Sim-Fault", fault)
        .send()
        .await
        .expect("get")
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The key of the newest session.
async fn first_key(sim: &Sim, c: &reqwest::Client) -> String {
    let (_, v) = get_json(c, &sim.url("/api/audit/sessions?limit=1")).await;
    v["items"][0]["key"].as_str().expect("a key").to_owned()
}

#[test]
fn malformed_fault_syntax() {
    assert_eq!(Fault::parse("html").malformed, Some(Malformed::Html(502)));
    assert_eq!(
        Fault::parse("html=200").malformed,
        Some(Malformed::Html(200))
    );
    assert_eq!(Fault::parse("empty").malformed, Some(Malformed::Empty(200)));
    assert_eq!(
        Fault::parse("empty=503").malformed,
        Some(Malformed::Empty(503))
    );
    assert_eq!(Fault::parse("garbage").malformed, Some(Malformed::Garbage));
    assert_eq!(Fault::parse("cut").malformed, Some(Malformed::Cut));
    assert_eq!(
        Fault::parse("wrongtype").malformed,
        Some(Malformed::WrongType)
    );
    assert_eq!(
        Fault::parse("huge").malformed,
        Some(Malformed::Huge(8 * MB))
    );
    assert_eq!(
        Fault::parse("huge=2").malformed,
        Some(Malformed::Huge(2 * MB))
    );
    // The last one named wins; other faults combine.
    let f = Fault::parse("cut, latency=5 ,wrongtype");
    assert_eq!(f.malformed, Some(Malformed::WrongType));
    assert_eq!(f.latency, Some(std::time::Duration::from_millis(5)));
    // Headers are lenient, rules are not.
    assert_eq!(Fault::parse("htlm,huge=0"), Fault::default());
    for bad in [
        "htlm",
        "huge=0",
        "huge=65",
        "html=99",
        "status",
        "latency=soon",
    ] {
        assert!(Fault::parse_strict(bad).is_err(), "{bad}");
    }
    assert!(Fault::parse_strict("html=200,latency=10").is_ok());
}

#[test]
fn huge_text_has_the_size_and_says_so() {
    let t = huge_text(1000);
    assert_eq!(t.len(), 1000);
    assert!(t.starts_with("huge-1000-bytes:"));
}

#[tokio::test]
async fn html_is_a_proxy_error_page_or_a_login_portal() {
    let sim = start_n(20).await;
    // A proxy answers whether or not the client is logged in.
    let c = client();
    let r = get_with_fault(&c, &sim.url("/api/audit/sessions"), "html").await;
    assert_eq!(r.status(), 502);
    assert!(
        content_type(&r).starts_with("text/html"),
        "{}",
        content_type(&r)
    );
    let page = r.text().await.unwrap();
    assert!(
        page.starts_with("<html>") && page.contains("<title>502 Bad Gateway</title>"),
        "{page}"
    );

    let r = get_with_fault(&c, &sim.url("/api/audit/sessions"), "html=504").await;
    assert_eq!(r.status(), 504);
    assert!(r.text().await.unwrap().contains("504 Gateway Timeout"));

    let r = get_with_fault(&c, &sim.url("/api/audit/sessions"), "html=200").await;
    assert_eq!(r.status(), 200);
    assert!(content_type(&r).starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("Sign in"),
        "{page}"
    );
}

#[tokio::test]
async fn empty_and_garbage_bodies() {
    let sim = start_n(20).await;
    let c = login(&sim).await;
    let r = get_with_fault(&c, &sim.url("/api/audit/sessions"), "empty").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().is_empty());
    let r = get_with_fault(&c, &sim.url("/api/audit/sessions"), "empty=503").await;
    assert_eq!(r.status(), 503);
    assert!(r.bytes().await.unwrap().is_empty());

    let r = get_with_fault(&c, &sim.url("/api/audit/sessions"), "garbage").await;
    assert_eq!(r.status(), 200);
    assert_eq!(content_type(&r), "application/json");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(bytes.len(), 512);
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip header");
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());
}

#[tokio::test]
async fn cut_sends_the_first_half_as_a_complete_reply() {
    let sim = start_n(50).await;
    let c = login(&sim).await;
    let url = sim.url("/api/audit/sessions?fields=*&limit=20");
    let full = c.get(&url).send().await.unwrap().bytes().await.unwrap();
    let r = get_with_fault(&c, &url, "cut").await;
    assert_eq!(r.status(), 200);
    let declared: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // Unlike `truncate`, the reply is complete as HTTP: reading succeeds.
    let half = r.bytes().await.expect("a complete reply");
    assert_eq!(half.len(), full.len() / 2);
    assert_eq!(declared, half.len());
    assert_eq!(&half[..], &full[..half.len()]);
    let e = serde_json::from_slice::<Value>(&half).unwrap_err();
    assert!(e.is_eof(), "{e}");
}

#[tokio::test]
async fn wrongtype_breaks_one_value_and_leaves_errors_alone() {
    let sim = start_n(20).await;
    let c = login(&sim).await;
    let key = first_key(&sim, &c).await;

    let r = get_with_fault(
        &c,
        &sim.url("/api/audit/sessions?fields=protocol"),
        "wrongtype",
    )
    .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(v["items"].is_object(), "{v}");
    assert_eq!(v["items"]["total"], "many");
    assert!(v["meta"].is_object(), "the rest is intact");

    let r = get_with_fault(
        &c,
        &sim.url(&format!("/api/audit/sessions/{key}")),
        "wrongtype",
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["body"]["duration"], "many");
    assert!(v["body"]["start_time"].is_string(), "the rest is intact");

    let r = get_with_fault(&c, &sim.url("/api/audit/sessions/_count"), "wrongtype").await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["count"], "many");

    // An error reply stays SPS's error envelope.
    let r = get_with_fault(&c, &sim.url("/api/audit/sessions/nosuchkey"), "wrongtype").await;
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["type"], "NotFound");
}

#[tokio::test]
async fn huge_puts_megabytes_into_one_text_value() {
    let sim = start_n(20).await;
    let c = login(&sim).await;
    let key = first_key(&sim, &c).await;

    // A sparse list: the gateway username of the first row.
    let url = sim.url("/api/audit/sessions?fields=protocol,user.gateway_username&limit=3");
    let v: Value = get_with_fault(&c, &url, "huge=1")
        .await
        .json()
        .await
        .unwrap();
    let name = v["items"][0]["body"]["user.gateway_username"]
        .as_str()
        .unwrap();
    assert_eq!(name.len(), MB);
    assert!(name.starts_with("huge-1048576-bytes:"));
    // The next row's is as generated (null when the body has only `user.name`).
    assert!(v["items"][1]["body"]["user.gateway_username"]
        .as_str()
        .is_none_or(|s| s.len() < 10_000));

    // A full session: its user's gateway username; 8 MB by default.
    let v: Value = get_with_fault(&c, &sim.url(&format!("/api/audit/sessions/{key}")), "huge")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["body"]["user"]["gateway_username"]
            .as_str()
            .unwrap()
            .len(),
        8 * MB
    );

    // A sub-list without such a field: a new one in the first item's body.
    let v: Value = get_with_fault(
        &c,
        &sim.url(&format!("/api/audit/sessions/{key}/channels")),
        "huge=1",
    )
    .await
    .json()
    .await
    .unwrap();
    let body = &v["items"][0]["body"];
    let long = body
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_str)
        .filter(|s| s.len() == MB)
        .count();
    assert_eq!(
        long,
        1,
        "{}",
        body.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(",")
    );
}

// ---------------------------------------------------------------- sps-core

/// A client logged in through a transport that adds `fault` to every request
/// under `/api/audit`.
async fn client_with_fault(sim: &Sim, fault: &'static str) -> Client<SimTransport> {
    let transport = SimTransport::new(&sim.running)
        .with_fault(move |path, _| path.starts_with("/api/audit").then(|| fault.to_owned()));
    let client = Client::new(transport);
    client.login("admin", "admin", None).await.expect("login");
    client
}

#[tokio::test]
async fn sps_core_names_the_problem_of_each_malformed_list() {
    let sim = start_n(50).await;
    let search = SessionSearch::new()
        .with_fields(["protocol", "user.gateway_username"])
        .expect("fields");
    let cases = [
        ("html", ReplyProblem::Html, Some(502)),
        ("html=200", ReplyProblem::Html, None),
        ("empty", ReplyProblem::Empty, None),
        ("empty=503", ReplyProblem::Empty, Some(503)),
        ("garbage", ReplyProblem::NotJson, None),
        ("cut", ReplyProblem::Truncated, None),
        ("truncate", ReplyProblem::Truncated, None),
        ("wrongtype", ReplyProblem::WrongType, None),
    ];
    for (fault, problem, status) in cases {
        let client = client_with_fault(&sim, fault).await;
        let err = client.sessions(&search).await.expect_err(fault);
        assert_eq!(err.reply_problem(), Some(problem), "{fault}: {err}");
        match (err.kind(), status) {
            (ErrorKind::Api { status: got, .. }, Some(want)) => assert_eq!(*got, want, "{fault}"),
            (ErrorKind::Transport { .. }, None) if fault == "truncate" => {}
            (ErrorKind::Decode { .. }, None) if fault != "truncate" => {}
            (other, _) => panic!("{fault}: unexpected {other:?}"),
        }
        assert!(
            err.to_string().len() < 600,
            "{fault}: a short message: {err}"
        );
    }
    // SPS's own error envelope is not a reply problem.
    let client = client_with_fault(&sim, "status=503").await;
    let err = client.sessions(&search).await.expect_err("503");
    assert_eq!(err.reply_problem(), None);
}

#[tokio::test]
async fn sps_core_words_each_problem_plainly() {
    let sim = start_n(20).await;
    let search = SessionSearch::new();
    let message = |fault: &'static str| {
        let sim = &sim;
        let search = &search;
        async move {
            let client = client_with_fault(sim, fault).await;
            client.sessions(search).await.expect_err(fault).to_string()
        }
    };
    let html = message("html").await;
    assert!(
        html.contains("HTTP 502") && html.contains("an HTML page (text/html"),
        "{html}"
    );
    let portal = message("html=200").await;
    assert!(
        portal.contains("not JSON") && portal.contains("<!DOCTYPE html>"),
        "{portal}"
    );
    let empty = message("empty").await;
    assert!(empty.contains("the reply is empty"), "{empty}");
    let garbage = message("garbage").await;
    assert!(
        garbage.contains("not JSON") && garbage.contains("\\u{1f}"),
        "{garbage}"
    );
    let cut = message("cut").await;
    assert!(cut.contains("truncated JSON"), "{cut}");
    let truncate = message("truncate").await;
    assert!(truncate.contains("cut off"), "{truncate}");
    let wrong = message("wrongtype").await;
    assert!(
        wrong.contains("items") && wrong.contains("expected a sequence"),
        "{wrong}"
    );
}

#[tokio::test]
async fn sps_core_decodes_a_huge_string_whole() {
    let sim = start_n(20).await;
    let client = client_with_fault(&sim, "huge=16").await;
    let search = SessionSearch::new()
        .with_fields(["user.gateway_username"])
        .expect("fields");
    let page = client
        .sessions(&search)
        .await
        .expect("a huge value is still data");
    let body = page.items[0].body.as_ref().expect("a body");
    let name = body.get_str("user.gateway_username").expect("the name");
    assert_eq!(name.len(), 16 * MB);

    let key = page.items[1].key.clone();
    let single = client.session(&key).await.expect("a session");
    assert_eq!(single.body.gateway_username().map(str::len), Some(16 * MB));
}

#[test]
fn a_huge_value_of_the_wrong_type_gives_a_short_message() {
    // serde quotes the value it did not expect: megabytes must not reach the message.
    let reply = serde_json::to_vec(&json!({"body": {"duration": huge_text(2 * MB)}})).unwrap();
    let err = sps_core::model::decode_session(&reply).expect_err("a string for a number");
    assert_eq!(err.reply_problem(), Some(ReplyProblem::WrongType));
    let text = err.to_string();
    assert!(text.len() < 600, "{} characters", text.len());
    assert!(text.contains("characters left out"), "{text}");
    assert!(
        text.contains("huge-2097152-bytes:"),
        "the start stays: {text}"
    );
    assert!(text.contains("expected i64"), "the end stays: {text}");
}

// ---------------------------------------------------------------- rules

async fn post_rule(sim: &Sim, rule: Value) -> (u16, Value) {
    let r = client()
        .post(sim.url("/_sim/faults"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn rules_fault_matching_paths_a_number_of_times() {
    let sim = start_n(20).await;
    let c = login(&sim).await;
    let key = first_key(&sim, &c).await;
    let (status, v) = post_rule(
        &sim,
        json!({"fault": "html", "path": "/api/audit/sessions", "times": 2}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["rules"][0],
        json!({"fault": "html", "path": "/api/audit/sessions", "times": 2})
    );

    // An exact path: the list only, not `_count` nor a session.
    let count = c
        .get(sim.url("/api/audit/sessions/_count"))
        .send()
        .await
        .unwrap();
    assert_eq!(count.status(), 200);
    let one = c
        .get(sim.url(&format!("/api/audit/sessions/{key}")))
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), 200);
    for _ in 0..2 {
        let r = c
            .get(sim.url("/api/audit/sessions?limit=1"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 502);
    }
    let r = c
        .get(sim.url("/api/audit/sessions?limit=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "used up after two");
    let (_, v) = get_json(&client(), &sim.url("/_sim/faults")).await;
    assert_eq!(v["rules"], json!([]));

    // A prefix, until cleared.
    let (status, _) = post_rule(
        &sim,
        json!({"fault": "empty", "path": format!("/api/audit/sessions/{key}/*")}),
    )
    .await;
    assert_eq!(status, 200);
    for part in ["events", "channels", "alerts"] {
        let r = c
            .get(sim.url(&format!("/api/audit/sessions/{key}/{part}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().await.unwrap().is_empty(), "{part}");
    }
    let one = c
        .get(sim.url(&format!("/api/audit/sessions/{key}")))
        .send()
        .await
        .unwrap();
    assert!(
        !one.bytes().await.unwrap().is_empty(),
        "the prefix is below the session"
    );
    let r = client()
        .delete(sim.url("/_sim/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = c
        .get(sim.url(&format!("/api/audit/sessions/{key}/events")))
        .send()
        .await
        .unwrap();
    assert!(!r.bytes().await.unwrap().is_empty(), "cleared");
}

#[tokio::test]
async fn rules_default_to_the_audit_api_and_refuse_typos() {
    let sim = start_n(10).await;
    let (status, v) = post_rule(&sim, json!({"fault": "wrongtype"})).await;
    assert_eq!(status, 200);
    assert_eq!(v["rules"][0]["path"], "/api/audit/*");
    assert_eq!(v["rules"][0]["times"], Value::Null);
    // Logging in still works: the rule is for /api/audit.
    let c = login(&sim).await;
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/_count")).await;
    assert_eq!(v["count"], "many");

    for bad in [
        json!({"fault": "htlm"}),
        json!({"fault": "html", "path": "api"}),
        json!({"falut": "html"}),
        json!("html"),
    ] {
        let (status, v) = post_rule(&sim, bad.clone()).await;
        assert_eq!(status, 400, "{bad}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");
    }
}

#[tokio::test]
async fn fault_flag_sets_rules_from_the_start() {
    let args = Args::try_parse_from([
        "sps-sim",
        "--fault",
        "html=200@/api/audit/sessions",
        "--fault",
        "latency=1",
    ])
    .unwrap();
    let config = Config::try_from(args).unwrap();
    assert_eq!(
        config.faults,
        vec![
            FaultRule::new("html=200", Some("/api/audit/sessions"), None).unwrap(),
            FaultRule::new("latency=1", None, None).unwrap(),
        ]
    );
    let bad = Args::try_parse_from(["sps-sim", "--fault", "bogus"]).unwrap();
    let e = Config::try_from(bad).unwrap_err().to_string();
    assert!(e.contains("--fault `bogus`: unknown fault `bogus`"), "{e}");

    let sim = start(Config {
        port: 0,
        sessions: 10,
        ..config
    })
    .await;
    let c = login(&sim).await;
    let r = c.get(sim.url("/api/audit/sessions")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Sign in"));
}
