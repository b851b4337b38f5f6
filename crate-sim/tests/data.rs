//! Generated data: determinism, realism, hostile content; `--data` loading.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::Value;
use sps_core::FieldSource;
use sps_sim::generate::{self, INDEX_STATUSES, PROTOCOLS, VERDICTS};
use sps_sim::store::Store;
use sps_sim::{hostile, Config};

fn now() -> chrono::DateTime<chrono::Utc> {
    Config::for_tests(0).now
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = Store::generated(7, 2000, now(), "https://127.0.0.1");
    let b = Store::generated(7, 2000, now(), "https://127.0.0.1");
    let c = Store::generated(8, 2000, now(), "https://127.0.0.1");
    for i in [0, 1, 999, 1999] {
        assert_eq!(a.key(i), b.key(i));
        assert_eq!(a.get(i).body(), b.get(i).body());
        assert_eq!(a.get(i).channels(), b.get(i).channels());
        assert_eq!(a.get(i).events(), b.get(i).events());
        assert_eq!(a.get(i).audit_trail(false), b.get(i).audit_trail(false));
        assert_ne!(a.key(i), c.key(i));
    }
}

#[test]
fn keys_are_20_char_es_ids_and_unique_and_findable() {
    let s = Store::generated(1, 20_000, now(), "https://127.0.0.1");
    let mut seen = HashSet::new();
    for i in 0..s.len() {
        let k = s.key(i);
        assert_eq!(k.len(), 20);
        assert!(k
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(seen.insert(k.to_owned()));
    }
    assert_eq!(s.find(s.key(12_345)), Some(12_345));
    assert_eq!(s.find("nope"), None);
}

#[test]
fn realistic_mix() {
    let g = generate::generate(1, 20_000, now());
    let mut protocols = HashSet::new();
    let mut verdicts = HashSet::new();
    let mut statuses = HashSet::new();
    let mut users = HashSet::new();
    let mut servers = HashSet::new();
    let mut active = 0;
    let mut accept = 0;
    let mut no_trail = 0;
    let span_start = now().timestamp_millis() - 90 * 86_400_000;
    let mut prev = i64::MIN;
    for s in &g.sessions {
        protocols.insert(s.protocol_name());
        verdicts.insert(s.verdict_name(true));
        statuses.insert(s.index_status_name());
        users.insert(s.user);
        servers.insert(s.server);
        active += usize::from(s.active());
        accept += usize::from(s.verdict_name(true) == "ACCEPT");
        no_trail += usize::from(!s.has_trail());
        assert!(s.start_ms >= span_start && s.start_ms <= now().timestamp_millis());
        assert!(s.start_ms >= prev, "held in start-time order");
        prev = s.start_ms;
        assert!(s.score <= 100);
        if s.active() {
            assert!(s.end_ms().is_none());
        }
    }
    assert_eq!(protocols.len(), PROTOCOLS.len());
    assert_eq!(verdicts.len(), VERDICTS.len());
    assert_eq!(statuses.len(), INDEX_STATUSES.len());
    assert!(users.len() >= 190, "{}", users.len());
    assert!(servers.len() >= 140);
    assert!((100..=300).contains(&active), "~1% active: {active}");
    assert!(accept > 17_000, "mostly accept: {accept}");
    assert!(no_trail > 500);
    assert!(g.tables.users.iter().any(|u| u == "<b>bob</b>"));
}

#[test]
fn hostile_corpus_is_used() {
    let distinct: HashSet<&str> = hostile::xss().iter().copied().collect();
    assert!(distinct.len() >= 50);
    for f in ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)"] {
        assert!(hostile::CSV_FORMULAS.contains(&f));
    }
    let s = Store::generated(1, 5000, now(), "https://127.0.0.1");
    let mut text = String::new();
    let mut longest = 0;
    for i in 0..s.len() {
        for e in s.get(i).events() {
            longest = longest.max(e.content.len());
            text.push_str(&e.content);
            text.push('\n');
        }
    }
    assert!(longest >= 10_000, "10k-character lines: {longest}");
    let used = hostile::xss().iter().filter(|x| text.contains(*x)).count();
    assert!(used >= 40, "{used} XSS payloads appear in events");
    assert!(text.contains("=cmd|' /C calc'!A0"));
    assert!(text.contains("שלום") || text.contains("مرحبا"));
    assert!(text.contains("🔥"));
}

#[test]
fn channel_sets_follow_the_protocol() {
    let s = Store::generated(1, 3000, now(), "https://127.0.0.1");
    let mut types: std::collections::HashMap<String, HashSet<String>> = Default::default();
    for i in 0..s.len() {
        let r = s.get(i);
        let proto = r.body()["protocol"].as_str().unwrap().to_owned();
        for ch in r.channels() {
            types
                .entry(proto.clone())
                .or_default()
                .insert(ch["type"].as_str().unwrap().to_owned());
        }
    }
    for t in [
        "session shell",
        "session exec",
        "session exec scp",
        "session subsystem sftp",
        "local forward",
        "remote forward",
        "x11 forward",
    ] {
        assert!(types["SSH"].contains(t), "SSH {t}");
    }
    for t in ["drawing", "clipboard", "dynamic virtual", "disk redirect"] {
        assert!(types["RDP"].contains(t), "RDP {t}");
    }
    assert!(types["ICA"].contains("seamless"));
}

#[test]
fn every_generated_body_and_part_decodes_with_core() {
    let s = Store::generated(3, 1500, now(), "https://127.0.0.1");
    for i in (0..s.len()).step_by(7) {
        let r = s.get(i);
        let body = r.body();
        let single = serde_json::json!({"key": r.key(), "body": body, "meta": {"href": "x"}});
        let decoded = sps_core::model::decode_session(single.to_string().as_bytes()).unwrap();
        // The fast field lookups agree with sps-core's model.
        let view = r.view();
        for f in [
            "protocol",
            "verdict",
            "duration",
            "user.gateway_username",
            "client.ip",
            "server.ip",
            "recording.session_id",
            "analytics.tags",
            "active",
        ] {
            let a: Vec<String> = view
                .field_values(f)
                .map(|v| v.to_text().into_owned())
                .collect();
            let b: Vec<String> = decoded
                .body
                .field_values(f)
                .map(|v| v.to_text().into_owned())
                .collect();
            assert_eq!(a, b, "{f} of {}", r.key());
        }
        let wrap = |items: Vec<Value>| serde_json::json!({"items": items}).to_string();
        let events: Vec<Value> = r.events().iter().map(|e| e.to_json()).collect();
        sps_core::model::decode_events(wrap(events).as_bytes()).unwrap();
        sps_core::model::decode_alerts(wrap(r.alerts()).as_bytes()).unwrap();
        sps_core::model::decode_indexing(wrap(r.indexing()).as_bytes()).unwrap();
        sps_core::model::decode_trail_downloads(wrap(r.trail_downloads()).as_bytes()).unwrap();
        let chans: Vec<Value> = r
            .channels()
            .into_iter()
            .enumerate()
            .map(|(n, b)| serde_json::json!({"key": (n + 1).to_string(), "body": b}))
            .collect();
        sps_core::model::decode_channels(wrap(chans).as_bytes()).unwrap();
    }
}

fn write_tmp(name: &str, text: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("sps-sim-{}-{name}", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn data_file_formats() {
    let object = fixture("seed_csv_1.json");
    let s = Store::load_file(&write_tmp("obj.json", &object), "https://x").unwrap();
    assert_eq!((s.len(), s.key(0), s.key(1)), (2, "1", "2"));
    let array =
        r#"[{"key": "b", "body": {"protocol": "SSH"}}, {"key": "a", "body": {"protocol": "RDP"}}]"#;
    let s = Store::load_file(&write_tmp("arr.json", array), "https://x").unwrap();
    assert_eq!((s.len(), s.key(0), s.key(1)), (2, "b", "a"), "order kept");
    let nd = "{\"key\": \"k1\", \"body\": {\"protocol\": \"SSH\"}}\n\n{\"key\": \"k2\", \"body\": {\"protocol\": \"VNC\", \"end_time\": null}}\n";
    let s = Store::load_file(&write_tmp("nd.ndjson", nd), "https://x").unwrap();
    assert_eq!((s.len(), s.key(1)), (2, "k2"));
    assert!(s.get(1).active(), "null end_time and no `active`: ongoing");
    let one = "{\"key\": \"only\", \"body\": {\"protocol\": \"SSH\"}}";
    let s = Store::load_file(&write_tmp("one.ndjson", one), "https://x").unwrap();
    assert_eq!((s.len(), s.key(0)), (1, "only"));
    let bad = "{\"key\": \"k1\", \"body\": {}}\nnot json\n";
    let e = Store::load_file(&write_tmp("bad.ndjson", bad), "https://x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2"), "{e}");
    let wrong = r#"{"k": {"duration": "long"}}"#;
    let e = Store::load_file(&write_tmp("wrong.json", wrong), "https://x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("duration"), "{e}");
}

#[tokio::test]
async fn serve_with_data_file() {
    let mut cfg = Config::for_tests(0);
    cfg.data = Some(write_tmp("serve.ndjson", "{\"key\": \"k1\", \"body\": {\"protocol\": \"SSH\", \"duration\": 3}}\n{\"key\": \"k2\", \"body\": {\"protocol\": \"RDP\", \"duration\": 9}}\n"));
    let sim = start(cfg).await;
    let c = login(&sim).await;
    let (_, v) = get_json(
        &c,
        &sim.url("/api/audit/sessions?q=protocol:ssh&fields=duration"),
    )
    .await;
    assert_eq!(v["meta"]["match_count"], 1);
    assert_eq!(v["items"][0]["key"], "k1");
    let (status, v) = get_json(&c, &sim.url("/api/audit/sessions/k2")).await;
    assert_eq!(status, 200);
    assert_eq!(v["body"]["duration"], 9);
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/k2/events")).await;
    assert_eq!(v["items"], serde_json::json!([]));
    let (status, _) = get_json(&c, &sim.url("/api/audit/sessions/k2/audit_trail")).await;
    assert_eq!(status, 404, "no recording.audit_trail: no trail");
}

#[tokio::test]
async fn loaded_events_and_alerts_are_served_and_searched() {
    let event = serde_json::json!({
        "action": "<script>alert(1)</script>", "channels_id": "1", "content": "$ <script>alert(1)</script>",
        "record_id": 7, "time": "2024-03-01T10:00:05.123456", "type": "command",
    });
    let alert = serde_json::json!({
        "alert_type": "adp.event.command", "channel_id": "1", "matched_action": "<b>x</b>",
        "matched_content": "<b>x</b>", "matched_regexp": "b", "record_id": 7,
        "rule_name": "<img src=x>", "time": "2024-03-01T10:00:05.123456",
    });
    let line = serde_json::json!({
        "key": "k1",
        "body": { "protocol": "SSH", "start_time": "2024-03-01T10:00:00", "recording": { "index_status": "INDEXED" } },
        "events": [event], "alerts": [alert],
    });
    let sim = start_loaded(
        &format!("{line}\n{{\"key\": \"k2\", \"body\": {{}}}}\n"),
        Config::for_tests(0),
    )
    .await;
    let c = login(&sim).await;
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/k1/events")).await;
    assert_eq!(
        v["items"],
        serde_json::json!([event]),
        "served back unchanged"
    );
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/k1/alerts")).await;
    assert_eq!(v["items"], serde_json::json!([alert]));
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions?content=alert")).await;
    assert_eq!(v["meta"]["match_count"], 1);
    assert_eq!(v["items"][0]["key"], "k1");
    let (_, v) = get_json(&c, &sim.url("/api/audit/sessions/k1/content?q=alert")).await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(1));

    let no_type =
        r#"{"key": "k", "body": {}, "events": [{"time": "2024-03-01T10:00:00", "content": "x"}]}"#;
    let e = sps_sim::store::parse_sessions(no_type).unwrap_err();
    assert!(e.contains("events[0]") && e.contains("type"), "{e}");
}

#[tokio::test]
async fn same_seed_same_api_answers() {
    let a = start_n(800).await;
    let b = start_n(800).await;
    let ca = login(&a).await;
    let cb = login(&b).await;
    for q in [
        "/api/audit/sessions?fields=*&limit=30&sort=-duration",
        "/api/audit/sessions?q=protocol:rdp&fields=user.gateway_username",
    ] {
        let (_, mut x) = get_json(&ca, &a.url(q)).await;
        let (_, mut y) = get_json(&cb, &b.url(q)).await;
        x["meta"]["remaining_seconds"] = Value::Null;
        y["meta"]["remaining_seconds"] = Value::Null;
        assert_eq!(x, y);
    }
}
