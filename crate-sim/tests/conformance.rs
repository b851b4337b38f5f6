//! The default simulator against the replies recorded from real SPS 7.x
//! appliances (`../shared/real-sps/`, read in place, never copied): every key
//! path and JSON type of the recorded `fields=*` offset page occurs in the
//! simulator's page with the same type, none of the paths real list items
//! lack appears, and the snapshot, `_count`, `/api/info` and login replies
//! have the recorded shapes. Skipped (and passing) when the folder is absent.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use common::*;
use serde_json::Value;
use sps_sim::Config;

/// `<workspace>/../shared/real-sps`, if it is there.
fn recordings() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/real-sps");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/real-sps absent");
        None
    }
}

fn recorded(dir: &std::path::Path, name: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "float",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Dotted key path (`body.user.server_username[]` for array elements) ->
/// the JSON types seen there.
type Shapes = BTreeMap<String, BTreeSet<&'static str>>;

fn shapes_into(v: &Value, path: &str, out: &mut Shapes) {
    out.entry(path.to_owned()).or_default().insert(kind(v));
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                shapes_into(x, &p, out);
            }
        }
        Value::Array(items) => {
            for x in items {
                shapes_into(x, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

fn shapes(v: &Value) -> Shapes {
    let mut out = Shapes::new();
    shapes_into(v, "", &mut out);
    out
}

fn shapes_of_items(items: &[Value]) -> Shapes {
    let mut out = Shapes::new();
    for item in items {
        shapes_into(item, "", &mut out);
    }
    out
}

/// Problems of `got` against `want`: a recorded path missing, or a recorded
/// type not seen there. Null in the recording means "any type or null"; a
/// non-null type the recording never shows at a path is a conflict too
/// (null where the recording has a value is allowed: active sessions).
fn compare(want: &Shapes, got: &Shapes, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, types) in want {
        let Some(seen) = got.get(path) else {
            problems.push(format!("{what}: `{path}` ({types:?}) missing"));
            continue;
        };
        for t in types.iter().filter(|t| **t != "null") {
            if !seen.contains(t) {
                problems.push(format!("{what}: `{path}` is never {t} (seen {seen:?})"));
            }
        }
        let recorded: BTreeSet<&str> = types.iter().copied().filter(|t| *t != "null").collect();
        if !recorded.is_empty() {
            for t in seen
                .iter()
                .filter(|t| **t != "null" && !recorded.contains(*t))
            {
                problems.push(format!(
                    "{what}: `{path}` is {t}, recorded only {recorded:?}"
                ));
            }
        }
    }
    problems
}

/// What real `fields=*` list items lack (README, difference 4).
const ABSENT_FROM_ITEMS: &[&str] = &[
    "body.alerts",
    "body.channels",
    "body.events",
    "body.indexing",
    "body.trail_downloads",
    "body.hidden",
    "body.phantom",
    "body.revision",
    "body.recording.audit_trail",
    "body.recording.server_local",
    "body.recording.target",
    "body.recording.has_accepted_channel",
    "body.analytics.scripted_results",
];

/// The value formats of a real `fields=*` item (README, differences 2, 10,
/// 11): 20-character Elasticsearch keys, UTC times in whole seconds with
/// `.000Z`, `creation_time == start_time`, upper snake case verdicts (the same
/// at top level and in `recording`), `svc/<22>/<policy>` session ids, and
/// failed sessions of duration 0 that end when they start.
fn formats(item: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let key = item["key"].as_str().unwrap_or("");
    if key.len() != 20
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        out.push(format!(
            "key `{key}` is not a 20-character Elasticsearch id"
        ));
    }
    let b = &item["body"];
    let utc_seconds = |v: &Value| {
        v.as_str().is_some_and(|t| {
            t.len() == 24 && t.ends_with(".000Z") && chrono::DateTime::parse_from_rfc3339(t).is_ok()
        })
    };
    for f in ["creation_time", "start_time"] {
        if !utc_seconds(&b[f]) {
            out.push(format!("{f} {} is not UTC with .000Z", b[f]));
        }
    }
    if !b["end_time"].is_null() && !utc_seconds(&b["end_time"]) {
        out.push(format!("end_time {} is not UTC with .000Z", b["end_time"]));
    }
    if b["creation_time"] != b["start_time"] {
        out.push("creation_time differs from start_time".into());
    }
    let verdict = b["verdict"].as_str().unwrap_or("");
    if verdict.is_empty() || !verdict.bytes().all(|c| c.is_ascii_uppercase() || c == b'_') {
        out.push(format!("verdict `{verdict}` is not upper snake case"));
    }
    if b["recording"]["verdict"] != b["verdict"] {
        out.push("recording.verdict differs from verdict".into());
    }
    let sid = b["recording"]["session_id"].as_str().unwrap_or("");
    let parts: Vec<&str> = sid.splitn(3, '/').collect();
    let ok = parts.len() == 3
        && parts[0] == "svc"
        && parts[1].len() == 22
        && parts[1].bytes().all(|c| c.is_ascii_alphanumeric())
        && !parts[2].contains(':')
        && !sid.contains(key);
    if !ok {
        out.push(format!(
            "recording.session_id `{sid}` is not svc/<22>/<policy>"
        ));
    }
    if !matches!(verdict, "ACCEPT" | "TERMINATED") {
        if b["duration"] != 0 {
            out.push(format!(
                "failed ({verdict}) with duration {}",
                b["duration"]
            ));
        }
        if b["end_time"] != b["start_time"] {
            out.push(format!("failed ({verdict}) and end_time is not start_time"));
        }
    }
    out
}

fn assert_none(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn offset_page_has_the_recorded_shapes() {
    let Some(dir) = recordings() else { return };
    let want_page = recorded(&dir, "powerbi-list-page-offset-0.e0ad361.json");
    let sim = start_n(10_050).await;
    let c = login(&sim).await;
    let (status, page) = get_json(
        &c,
        &sim.url("/api/audit/sessions?limit=25&offset=0&fields=*"),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let want_items = want_page["items"].as_array().unwrap();
    let got_items = page["items"].as_array().unwrap();
    assert_eq!(got_items.len(), 25);
    let want = shapes_of_items(want_items);
    let got = shapes_of_items(got_items);
    let mut problems = compare(&want, &got, "item");
    for path in got.keys() {
        if let Some(gone) = ABSENT_FROM_ITEMS
            .iter()
            .find(|a| path == *a || path.starts_with(&format!("{a}.")))
        {
            problems.push(format!(
                "item: `{path}` present, real items have no `{gone}`"
            ));
        }
    }
    for item in got_items {
        if item["meta"]
            .as_object()
            .map(|m| m.keys().collect::<Vec<_>>())
            != Some(vec![&"href".to_owned()])
        {
            problems.push(format!("item meta is not only href: {}", item["meta"]));
        }
    }
    let want_meta = shapes(&want_page["meta"]);
    let got_meta = shapes(&page["meta"]);
    problems.extend(compare(&want_meta, &got_meta, "page meta"));
    for path in got_meta.keys().filter(|p| !want_meta.contains_key(*p)) {
        problems.push(format!("page meta: `{path}` not recorded"));
    }
    let top: BTreeSet<&String> = page.as_object().unwrap().keys().collect();
    assert_eq!(
        top,
        want_page.as_object().unwrap().keys().collect(),
        "top-level keys"
    );
    // The recorded values of a page of a large result.
    let meta = &page["meta"];
    for key in [
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
    ] {
        if meta[key] != want_page["meta"][key] {
            problems.push(format!(
                "page meta `{key}`: {} (recorded {})",
                meta[key], want_page["meta"][key]
            ));
        }
    }
    // Value formats the recorded items all share (checked on them first).
    for (who, items) in [("recorded", want_items), ("simulator", got_items)] {
        for item in items {
            let problems_before = problems.len();
            for p in formats(item) {
                problems.push(format!("{who} item {}: {p}", item["key"]));
            }
            assert!(
                who == "simulator" || problems.len() == problems_before,
                "{problems:?}"
            );
        }
    }
    let extra: Vec<&String> = got.keys().filter(|p| !want.contains_key(*p)).collect();
    eprintln!(
        "conformance: offset page: {} recorded item paths, {} meta paths compared; {} simulator-only item paths ({})",
        want.len(),
        want_meta.len(),
        extra.len(),
        extra.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    );
    assert_none(&problems);
}

#[tokio::test]
async fn vault_block_has_the_recorded_shape() {
    let Some(dir) = recordings() else { return };
    let want =
        shapes(&recorded(&dir, "powerbi-session-item-with-vault.60ef0e1.json")["body"]["vault"]);
    let sim = start_n(2000).await;
    let c = login(&sim).await;
    let (_, page) = get_json(&c, &sim.url("/api/audit/sessions?limit=500&fields=*")).await;
    let vaults: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["body"].get("vault"))
        .collect();
    assert!(
        vaults.len() >= 10,
        "an SPP vault block on some sessions: {}",
        vaults.len()
    );
    let mut got = Shapes::new();
    for v in &vaults {
        shapes_into(v, "", &mut got);
    }
    let mut problems = compare(&want, &got, "vault");
    for path in got.keys().filter(|p| !want.contains_key(*p)) {
        problems.push(format!("vault: `{path}` not recorded"));
    }
    assert!(vaults.iter().all(|v| v["asset_partition_id"] == -1));
    eprintln!(
        "conformance: vault: {} paths compared over {} blocks",
        want.len(),
        vaults.len()
    );
    assert_none(&problems);
}

#[tokio::test]
async fn snapshot_walk_has_the_recorded_shapes() {
    let Some(dir) = recordings() else { return };
    let want_open = recorded(&dir, "powerbi-snapshot-open.json");
    let want_page = recorded(&dir, "powerbi-snapshot-page-1.json");
    let want_final = recorded(&dir, "powerbi-snapshot-page-2-final.json");
    let sim = start_n(1_100).await;
    let c = login(&sim).await;
    let (status, open) = get_json(&c, &sim.url("/api/audit/sessions/_snapshot")).await;
    assert_eq!(status, 200);
    let mut problems = Vec::new();
    if shapes(&open) != shapes(&want_open) {
        problems.push(format!("_snapshot: {open} (recorded {want_open})"));
    }
    let id = open["body"]["snapshot"].as_str().unwrap().to_owned();
    // The connector's request, then `next` to the end.
    let mut url = Some(format!(
        "/api/audit/sessions?fields=*&sort=-start_time&snapshot={id}"
    ));
    let mut pages = Vec::new();
    while let Some(u) = url {
        let (status, v) = get_json(&c, &sim.url(&u)).await;
        assert_eq!(status, 200, "{v}");
        url = v["meta"]["next"].as_str().map(str::to_owned);
        pages.push(v);
        assert!(pages.len() < 10, "the walk ends");
    }
    let (last, with_items) = pages.split_last().unwrap();
    assert_eq!(with_items.len(), 3, "1,100 sessions in pages of 500");
    if *last != want_final {
        problems.push(format!("final page: {last} (recorded {want_final})"));
    }
    let want_meta = shapes(&want_page["meta"]);
    let want_items = shapes_of_items(want_page["items"].as_array().unwrap());
    for (n, page) in with_items.iter().enumerate() {
        let got_meta = shapes(&page["meta"]);
        problems.extend(compare(
            &want_meta,
            &got_meta,
            &format!("snapshot page {} meta", n + 1),
        ));
        for path in got_meta.keys().filter(|p| !want_meta.contains_key(*p)) {
            problems.push(format!(
                "snapshot page {} meta: `{path}` not recorded",
                n + 1
            ));
        }
        for key in ["limit", "remaining_seconds"] {
            if page["meta"][key] != want_page["meta"][key] {
                problems.push(format!(
                    "snapshot page {} meta `{key}`: {} (recorded {})",
                    n + 1,
                    page["meta"][key],
                    want_page["meta"][key]
                ));
            }
        }
        for key in ["first", "last", "previous", "search_after"] {
            if page["meta"][key] != Value::Null {
                problems.push(format!("snapshot page {} meta `{key}` is not null", n + 1));
            }
        }
        if page["meta"]["next"].as_str().is_none() {
            problems.push(format!(
                "snapshot page {}: `next` is null before the empty page",
                n + 1
            ));
        }
        let got_items = shapes_of_items(page["items"].as_array().unwrap());
        problems.extend(compare(
            &want_items,
            &got_items,
            &format!("snapshot page {} item", n + 1),
        ));
    }
    eprintln!(
        "conformance: snapshot: open, {} pages with items ({} meta paths, {} item paths), final page compared",
        with_items.len(),
        want_meta.len(),
        want_items.len()
    );
    assert_none(&problems);
}

#[tokio::test]
async fn count_info_and_login_have_the_recorded_shapes() {
    let Some(dir) = recordings() else { return };
    let want_count = recorded(&dir, "powerbi-count.json");
    let want_info = recorded(&dir, "powerbi-info-firmware-7.4.0.json");
    let exchange = recorded(&dir, "powerbi-authentication-200.exchange.json");
    let sim = start_n(300).await;
    let mut problems = Vec::new();

    // Login: status, body and the cookie's attributes, in the recorded order.
    let r = client()
        .get(sim.url("/api/authentication?return=%2Fapi%2Fauthentication&login_method=local"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        exchange["status"].as_u64().unwrap() as u16
    );
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    let body: Value = r.json().await.unwrap();
    if body != exchange["body"] {
        problems.push(format!("login body {body} (recorded {})", exchange["body"]));
    }
    let parts = |c: &str| -> Vec<(String, String)> {
        c.split(';')
            .map(|p| {
                let (k, v) = p.trim().split_once('=').unwrap_or((p.trim(), ""));
                (k.to_ascii_lowercase(), v.to_owned())
            })
            .collect()
    };
    let want = parts(exchange["headers"]["Set-Cookie"].as_str().unwrap());
    let got = parts(&cookie);
    let names = |p: &[(String, String)]| p.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    if names(&got) != names(&want) {
        problems.push(format!(
            "cookie attributes {:?} (recorded {:?})",
            names(&got),
            names(&want)
        ));
    }
    for (k, v) in &want {
        let mine = got
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        match k.as_str() {
            "session_id" => {
                let hex = |s: &str| {
                    s.len() == 40
                        && s.bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                };
                assert!(hex(v), "recorded cookie value");
                if !hex(mine) {
                    problems.push(format!(
                        "session_id `{mine}` is not 40 lowercase hex digits"
                    ));
                }
            }
            "expires" => {
                let parse = |s: &str| chrono::DateTime::parse_from_rfc2822(s).ok();
                assert!(parse(v).is_some(), "recorded expires");
                match parse(mine) {
                    Some(t) => {
                        let ahead = t.timestamp() - chrono::Utc::now().timestamp();
                        if !(43_100..=43_300).contains(&ahead) {
                            problems.push(format!("expires {ahead} s ahead (recorded: 12 hours)"));
                        }
                    }
                    None => problems.push(format!("expires `{mine}` is not an HTTP date")),
                }
            }
            _ if mine != v => problems.push(format!("cookie `{k}={mine}` (recorded `{k}={v}`)")),
            _ => {}
        }
    }

    let c = login(&sim).await;
    let (_, count) = get_json(
        &c,
        &sim.url("/api/audit/sessions/_count?fields=%2A&sort=-start_time"),
    )
    .await;
    if shapes(&count) != shapes(&want_count) {
        problems.push(format!("_count {count} (recorded {want_count})"));
    }
    assert_eq!(count["count"], 300);
    let (_, info) = get_json(&client(), &sim.url("/api/info")).await;
    if info != want_info {
        problems.push(format!("/api/info {info} (recorded {want_info})"));
    }
    eprintln!(
        "conformance: login (status, body, {} cookie attributes), _count, /api/info compared",
        want.len()
    );
    assert_none(&problems);
}

#[tokio::test]
async fn recorded_sessions_load_and_match_either_verdict_spelling() {
    let Some(dir) = recordings() else { return };
    let mut cfg = Config::for_tests(0);
    cfg.data = Some(dir.join("powerbi-actual-sessions.e0ad361.ndjson"));
    let sim = start(cfg).await;
    let c = login(&sim).await;
    let (_, all) = get_json(&c, &sim.url("/api/audit/sessions?fields=*")).await;
    let want = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["body"]["verdict"] == "AUTH_FAIL")
        .count();
    assert_eq!(want, 7, "the recorded page has 7 AUTH_FAIL sessions");
    for q in [
        "verdict:AUTH_FAIL",
        "verdict:auth-fail",
        "verdict:auth_fail",
        "recording.verdict:Auth-Fail",
    ] {
        let (_, v) = get_json(&c, &sim.url(&format!("/api/audit/sessions/_count?q={q}"))).await;
        assert_eq!(v["count"], want, "{q}");
    }
    eprintln!(
        "conformance: the 25 recorded sessions load; 4 spellings of AUTH_FAIL find all {want}"
    );
}
