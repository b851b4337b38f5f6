//! Exports: the reference's three `format=csv` examples byte for byte, the
//! formula guard, quoting, non-ASCII text, multi-valued fields, time zones,
//! JSON/NDJSON round trips, streaming in pages, per-session exports and file
//! names.

use chrono::{FixedOffset, TimeZone, Utc};
use serde_json::{json, Value};
use sps_core::{export::*, model::*, *};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const SEED_CSV_1: &str = include_str!("fixtures/seed_csv_1.json");
const SEED_CSV_2: &str = include_str!("fixtures/seed_csv_2.json");
const SEED_CSV_3: &str = include_str!("fixtures/seed_csv_3.json");
const SESSION_DETAIL: &str = include_str!("fixtures/session_detail.json");
const SESSIONS_SEARCH: &str = include_str!("fixtures/sessions_search.json");
const EVENTS: &str = include_str!("fixtures/events.json");
const ALERTS: &str = include_str!("fixtures/alerts.json");
const CHANNELS_SSH: &str = include_str!("fixtures/channels_ssh.json");

/// The reference's expected outputs; it collapsed line breaks into spaces,
/// design.md restores `\r\n`.
const SEED_1_CSV: &str = "\"Key\",\"Protocol\",\"End time\",\"Gateway username\",\"Server IP\",\"Client IP\",\"Client port\"\r\n\
\"2\",\"ssh\",\"7\",\"user2\",\"2.2.2.2\",\"3.3.3.3\",\"48680\"\r\n\
\"1\",\"ssh\",\"5\",\"user1\",\"2.2.2.2\",\"2.2.2.2\",\"48679\"\r\n";

const SEED_2_CSV: &str =
    "\"Key\",\"Recording Session ID\",\"Analytics Interesting events\",\"Similar Sessions\"\r\n\
\"1\",\"1\",\"ssh\",\"\"\r\n\
\"1\",\"1\",\"sudo\",\"\"\r\n\
\"2\",\"2\",\"sudo\",\"\"\r\n\
\"2\",\"2\",\"systemctl\",\"\"\r\n";

const SEED_3_CSV: &str = "\"Key\",\"Audit trail download link\"\r\n\
\"svc-paKzcMJwXghEFJ9UvsdqFU-sid-2\",\"\"\r\n\
\"svc-paKzcMJwXghEFJ9UvsdqFU-sid-1\",\"https://127.0.0.1/api/audit/sessions/svc-paKzcMJwXghEFJ9UvsdqFU-sid-1/audit_trail\"\r\n";

const SEED_1_FIELDS: &[&str] = &[
    "protocol",
    "end_time",
    "user.gateway_username",
    "server.ip",
    "client.ip",
    "client.port",
];
const SEED_2_FIELDS: &[&str] = &[
    "recording.session_id",
    "analytics.interesting_events",
    "analytics.similar_sessions",
];
const SEED_3_FIELDS: &[&str] = &["trail_download_link"];

/// The seed sessions in the order SPS lists them: newest first (the reverse
/// of the recorded order) unless sorted.
fn seed(text: &str, newest_first: bool) -> Vec<(String, Session)> {
    let mut sessions = decode_session_map(text.as_bytes()).unwrap();
    if newest_first {
        sessions.reverse();
    }
    sessions
}

fn sps_csv<R: SessionRecord>(fields: &[&str], sessions: &[R]) -> String {
    let options = CsvOptions::sps_compatible(session_columns(fields).unwrap());
    String::from_utf8(sessions_to_csv(sessions, options).unwrap()).unwrap()
}

/// The JSON value at a dotted path of a full body.
fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    match path.split_once('.') {
        Some((head, rest)) => at(v.get(head)?, rest),
        None => v.get(path),
    }
}

/// The sparse list rows SPS returns for `fields=`: keys as requested, `null`
/// where the session has none.
fn sparse_rows(sessions: &[(String, Session)], fields: &[&str]) -> Vec<SessionRow> {
    sessions
        .iter()
        .map(|(key, session)| {
            let full = serde_json::to_value(session).unwrap();
            let mut body = SparseBody::new();
            for field in fields {
                let value = if *field == "trail_download_link" {
                    match at(&full, "recording.audit_trail") {
                        Some(_) => Value::String(trail_download_link(DEFAULT_PUBLIC_BASE, key)),
                        None => Value::Null,
                    }
                } else {
                    at(&full, field).cloned().unwrap_or(Value::Null)
                };
                body.insert(*field, value);
            }
            SessionRow {
                key: key.clone(),
                meta: None,
                body: Some(body),
            }
        })
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seed_1_byte_for_byte() {
    let sessions = seed(SEED_CSV_1, true);
    assert_eq!(sps_csv(SEED_1_FIELDS, &sessions), SEED_1_CSV);
    let rows = sparse_rows(&sessions, SEED_1_FIELDS);
    assert_eq!(sps_csv(SEED_1_FIELDS, &rows), SEED_1_CSV);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seed_2_byte_for_byte() {
    // `sort=recording.session_id`: the recorded order.
    let sessions = seed(SEED_CSV_2, false);
    assert_eq!(sps_csv(SEED_2_FIELDS, &sessions), SEED_2_CSV);
    let rows = sparse_rows(&sessions, SEED_2_FIELDS);
    assert_eq!(sps_csv(SEED_2_FIELDS, &rows), SEED_2_CSV);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seed_3_byte_for_byte() {
    let sessions = seed(SEED_CSV_3, true);
    // From full sessions the link is built from `recording.audit_trail`.
    assert_eq!(sps_csv(SEED_3_FIELDS, &sessions), SEED_3_CSV);
    // From SPS's sparse rows the link (or null) is taken as sent.
    let rows = sparse_rows(&sessions, SEED_3_FIELDS);
    assert_eq!(sps_csv(SEED_3_FIELDS, &rows), SEED_3_CSV);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn trail_link_uses_the_public_base_and_encodes_the_key() {
    let sessions = vec![(
        "a/b c".to_owned(),
        serde_json::from_value::<Session>(json!({"recording": {"audit_trail": "/x.zat"}})).unwrap(),
    )];
    let mut options =
        CsvOptions::sps_compatible(session_columns(&["trail_download_link"]).unwrap());
    options.public_base = "https://sps.example.com/".to_owned();
    let csv = String::from_utf8(sessions_to_csv(&sessions, options).unwrap()).unwrap();
    assert!(csv.ends_with(
        "\"a/b c\",\"https://sps.example.com/api/audit/sessions/a%2Fb%20c/audit_trail\"\r\n"
    ));
    // A download link object counts as a trail too.
    let detail = decode_session(SESSION_DETAIL.as_bytes()).unwrap();
    let csv = sessions_to_csv(
        &[detail],
        CsvOptions::sps_compatible(session_columns(&["trail_download_link"]).unwrap()),
    )
    .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("/api/audit/sessions/rUhhQZ3jYsY1NDWYp9DEpq/audit_trail\""));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn alias_names_read_sparse_bodies_keyed_by_the_requested_name() {
    // `fields=name` (an alias of user.gateway_username): SPS keys the body "name".
    let mut body = SparseBody::new();
    body.insert("name", json!("alice"));
    let rows = vec![SessionRow {
        key: "k".to_owned(),
        meta: None,
        body: Some(body),
    }];
    assert_eq!(
        sps_csv(&["name"], &rows),
        "\"Key\",\"Gateway username\"\r\n\"k\",\"alice\"\r\n"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unknown_fields_are_refused_with_a_suggestion() {
    let err = session_columns(&["protocol", "user.gateway_usrname"]).unwrap_err();
    match err.kind() {
        ErrorKind::QueryField {
            position,
            field,
            suggestion,
        } => {
            assert_eq!(*position, 2);
            assert_eq!(field, "user.gateway_usrname");
            assert_eq!(suggestion.as_deref(), Some("user.gateway_username"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let all = session_columns(&["*"]).unwrap();
    assert!(all.len() > 40);
    assert!(all.iter().any(|c| c.title() == "Audit trail download link"));
}

/// One session whose gateway username is `text`.
fn with_user(key: &str, text: &str) -> (String, Session) {
    let session: Session =
        serde_json::from_value(json!({"user": {"gateway_username": text}})).unwrap();
    (key.to_owned(), session)
}

fn user_csv(texts: &[&str], formula_guard: bool) -> Vec<String> {
    let sessions: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| with_user(&i.to_string(), t))
        .collect();
    let options = CsvOptions {
        formula_guard,
        ..CsvOptions::new(session_columns(&["user.gateway_username"]).unwrap())
    };
    let bytes = sessions_to_csv(&sessions, options).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    reader
        .records()
        .map(|r| r.unwrap().get(1).unwrap().to_owned())
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn formula_triggers_are_neutralised() {
    let inputs = [
        "=HYPERLINK(\"http://evil\",\"x\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "-",
        "-cmd",
    ];
    let cells = user_csv(&inputs, true);
    for (cell, input) in cells.iter().zip(inputs) {
        assert_eq!(cell, &format!("'{input}"), "{input:?}");
    }
    // Off for machine consumers: unchanged.
    assert_eq!(user_csv(&inputs, false), inputs);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn numbers_and_harmless_text_stay_untouched() {
    let inputs = [
        "-5", "-2.5", "+3", "-.5", "-1e5", "1.5E-3", "42", "a=b", "x-y", "", "'quoted",
    ];
    assert_eq!(user_csv(&inputs, true), inputs);
    // Integer fields: a negative number stays a number.
    let session: Session = serde_json::from_value(json!({"duration": -5})).unwrap();
    let csv = sessions_to_csv(
        &[("k".to_owned(), session)],
        CsvOptions::new(session_columns(&["duration"]).unwrap()),
    )
    .unwrap();
    assert_eq!(csv, b"\"Key\",\"Duration\"\r\n\"k\",\"-5\"\r\n");
    // The helpers.
    assert!(needs_formula_guard("=1"));
    assert!(!needs_formula_guard("-7"));
    assert!(needs_formula_guard("-7 "));
    assert!(needs_formula_guard("-inf"));
    assert_eq!(neutralise_formula("@x"), "'@x");
    assert_eq!(neutralise_formula("ok"), "ok");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_key_is_guarded_too_but_not_in_sps_mode() {
    let sessions = vec![with_user("=1+1", "u")];
    let guarded = sessions_to_csv(
        &sessions,
        CsvOptions::new(session_columns(&["user.gateway_username"]).unwrap()),
    )
    .unwrap();
    assert!(String::from_utf8(guarded)
        .unwrap()
        .contains("\"'=1+1\",\"u\""));
    assert!(sps_csv(&["user.gateway_username"], &sessions).contains("\"=1+1\",\"u\""));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn commas_quotes_and_newlines_are_quoted() {
    let texts = [
        "a,b",
        "say \"hi\"",
        "line1\nline2",
        "crlf\r\ninside",
        "plain",
    ];
    let sessions: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| with_user(&i.to_string(), t))
        .collect();
    let csv = sps_csv(&["user.gateway_username"], &sessions);
    assert_eq!(
        csv,
        "\"Key\",\"Gateway username\"\r\n\
         \"0\",\"a,b\"\r\n\
         \"1\",\"say \"\"hi\"\"\"\r\n\
         \"2\",\"line1\nline2\"\r\n\
         \"3\",\"crlf\r\ninside\"\r\n\
         \"4\",\"plain\"\r\n"
    );
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let back: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert_eq!(back, texts);

    // Quoting only where needed, `\n` line ends.
    let options = CsvOptions {
        quote_all: false,
        line_end: LineEnd::Lf,
        ..CsvOptions::sps_compatible(session_columns(&["user.gateway_username"]).unwrap())
    };
    let csv = String::from_utf8(sessions_to_csv(&sessions, options).unwrap()).unwrap();
    assert_eq!(
        csv,
        "Key,Gateway username\n0,\"a,b\"\n1,\"say \"\"hi\"\"\"\n2,\"line1\nline2\"\n\
         3,\"crlf\r\ninside\"\n4,plain\n"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn non_ascii_text_round_trips() {
    let texts = [
        "שלום עולם",
        "مرحبا \u{202E}txt.exe",
        "👩\u{200D}💻 🔥 deploy",
        "日本語のコマンド",
        "中文,用户",
        "Ünïcödé \"quoted\"",
    ];
    let sessions: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| with_user(&format!("κλειδί-{i}"), t))
        .collect();
    for bom in [false, true] {
        let options = CsvOptions {
            bom,
            ..CsvOptions::new(session_columns(&["user.gateway_username"]).unwrap())
        };
        let bytes = sessions_to_csv(&sessions, options).unwrap();
        assert_eq!(bytes.starts_with(b"\xEF\xBB\xBF"), bom);
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(reader.headers().unwrap().get(0), Some("Key"));
        let back: Vec<(String, String)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].to_owned(), r[1].to_owned())
            })
            .collect();
        let expected: Vec<(String, String)> = sessions
            .iter()
            .map(|(k, s)| (k.clone(), s.gateway_username().unwrap().to_owned()))
            .collect();
        assert_eq!(back, expected);
    }
}

fn multi_session() -> Vec<(String, Session)> {
    let a: Session = serde_json::from_value(json!({
        "analytics": {"tags": ["t1", "t2"], "interesting_events": []},
        "user": {"server_username": ["root", "admin", "=evil"]},
        "protocol": "SSH"
    }))
    .unwrap();
    let b: Session = serde_json::from_value(json!({
        "user": {"server_username": "only"},
        "protocol": "RDP"
    }))
    .unwrap();
    vec![("a".to_owned(), a), ("b".to_owned(), b)]
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn multi_values_expand_to_the_cartesian_product() {
    let fields = [
        "analytics.tags",
        "protocol",
        "user.server_username",
        "analytics.interesting_events",
    ];
    let options = CsvOptions::new(session_columns(&fields).unwrap());
    let mut exporter = CsvExporter::new(Vec::new(), options).unwrap();
    exporter.write_page(&multi_session()).unwrap();
    assert_eq!(exporter.sessions_written(), 2);
    assert_eq!(exporter.rows_written(), 7);
    let csv = String::from_utf8(exporter.finish().unwrap()).unwrap();
    assert_eq!(
        csv,
        "\"Key\",\"Analytics tags\",\"Protocol\",\"Server username\",\"Analytics Interesting events\"\r\n\
         \"a\",\"t1\",\"SSH\",\"root\",\"\"\r\n\
         \"a\",\"t1\",\"SSH\",\"admin\",\"\"\r\n\
         \"a\",\"t1\",\"SSH\",\"'=evil\",\"\"\r\n\
         \"a\",\"t2\",\"SSH\",\"root\",\"\"\r\n\
         \"a\",\"t2\",\"SSH\",\"admin\",\"\"\r\n\
         \"a\",\"t2\",\"SSH\",\"'=evil\",\"\"\r\n\
         \"b\",\"\",\"RDP\",\"only\",\"\"\r\n"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn multi_values_join_into_one_cell() {
    let fields = [
        "analytics.tags",
        "user.server_username",
        "analytics.interesting_events",
    ];
    let options = CsvOptions {
        multi_value: MultiValue::Join,
        ..CsvOptions::new(session_columns(&fields).unwrap())
    };
    let csv = String::from_utf8(sessions_to_csv(&multi_session(), options).unwrap()).unwrap();
    assert_eq!(
        csv,
        "\"Key\",\"Analytics tags\",\"Server username\",\"Analytics Interesting events\"\r\n\
         \"a\",\"t1;t2\",\"root;admin;=evil\",\"\"\r\n\
         \"b\",\"\",\"only\",\"\"\r\n"
    );
    // The guard looks at the joined cell: a formula at its start is caught.
    let s: Session = serde_json::from_value(json!({"analytics": {"tags": ["=1+1", "x"]}})).unwrap();
    let options = CsvOptions {
        multi_value: MultiValue::Join,
        ..CsvOptions::new(session_columns(&["analytics.tags"]).unwrap())
    };
    let csv = sessions_to_csv(&[("k".to_owned(), s)], options).unwrap();
    assert!(String::from_utf8(csv)
        .unwrap()
        .ends_with("\"k\",\"'=1+1;x\"\r\n"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn times_in_a_zone_carry_the_offset() {
    let s: Session = serde_json::from_value(json!({
        "start_time": "2026-11-23T10:15:00+01:00",
        "end_time": 7,
        "creation_time": "2026-11-23T09:15:00.250Z"
    }))
    .unwrap();
    let active: Session = serde_json::from_value(
        json!({"start_time": "2026-11-23T10:15:00+01:00", "end_time": null}),
    )
    .unwrap();
    let sessions = vec![("k".to_owned(), s), ("act".to_owned(), active)];
    let fields = ["start_time", "end_time", "creation_time"];
    let run = |time: TimeFormat| {
        let options = CsvOptions {
            time,
            ..CsvOptions::new(session_columns(&fields).unwrap())
        };
        String::from_utf8(sessions_to_csv(&sessions, options).unwrap()).unwrap()
    };
    let header = "\"Key\",\"Start time\",\"End time\",\"Creation time\"\r\n";
    assert_eq!(
        run(TimeFormat::Zone(Zone::Utc)),
        format!(
            "{header}\"k\",\"2026-11-23 09:15:00 +00:00\",\"1970-01-01 00:00:07 +00:00\",\
             \"2026-11-23 09:15:00.250 +00:00\"\r\n\
             \"act\",\"2026-11-23 09:15:00 +00:00\",\"\",\"\"\r\n"
        )
    );
    let ist = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
    assert_eq!(
        run(TimeFormat::Zone(Zone::Fixed(ist))),
        format!(
            "{header}\"k\",\"2026-11-23 14:45:00 +05:30\",\"1970-01-01 05:30:07 +05:30\",\
             \"2026-11-23 14:45:00.250 +05:30\"\r\n\
             \"act\",\"2026-11-23 14:45:00 +05:30\",\"\",\"\"\r\n"
        )
    );
    assert_eq!(
        run(TimeFormat::AsSent),
        format!(
            "{header}\"k\",\"2026-11-23T10:15:00+01:00\",\"7\",\"2026-11-23T09:15:00.250Z\"\r\n\
             \"act\",\"2026-11-23T10:15:00+01:00\",\"\",\"\"\r\n"
        )
    );
    // Local: whatever the zone, the offset is written.
    let local = run(TimeFormat::Zone(Zone::Local));
    let cell = local.lines().nth(1).unwrap().split("\",\"").nth(1).unwrap();
    assert!(
        cell.len() == "2026-11-23 09:15:00 +00:00".len()
            && (cell.contains(" +") || cell.contains(" -")),
        "{cell}"
    );
    // Sparse bodies: time fields arrive as JSON text or numbers.
    let mut body = SparseBody::new();
    body.insert("end_time", json!(7));
    body.insert("start_time", json!("2026-11-23T10:15:00+01:00"));
    let rows = vec![SessionRow {
        key: "k".to_owned(),
        meta: None,
        body: Some(body),
    }];
    let options = CsvOptions::new(session_columns(&["start_time", "end_time"]).unwrap());
    let csv = String::from_utf8(sessions_to_csv(&rows, options).unwrap()).unwrap();
    assert!(
        csv.ends_with("\"k\",\"2026-11-23 09:15:00 +00:00\",\"1970-01-01 00:00:07 +00:00\"\r\n")
    );
}

fn search_rows() -> Vec<SessionRow> {
    decode_session_list(SESSIONS_SEARCH.as_bytes())
        .unwrap()
        .items
}

fn many_sessions(n: usize) -> Vec<(String, Session)> {
    let template = decode_session(SESSION_DETAIL.as_bytes()).unwrap().body;
    (0..n)
        .map(|i| {
            let mut s = template.clone();
            s.duration = Some(i as i64);
            if let Some(user) = s.user.as_mut() {
                user.gateway_username = Some(format!("user{i},\"x\"\n{}", "=1".repeat(i % 3)));
            }
            if let Some(a) = s.analytics.as_mut() {
                a.tags = Some((0..i % 4).map(|t| format!("tag{t}")).collect());
            }
            (format!("key-{i:05}"), s)
        })
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn json_array_parses_back_to_the_same_sessions() {
    let sessions = many_sessions(5);
    let mut exporter = JsonExporter::new(Vec::new()).unwrap();
    exporter.write_page(&sessions).unwrap();
    assert_eq!(exporter.sessions_written(), 5);
    let bytes = exporter.finish().unwrap();
    let back: Vec<Single<Session>> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back.len(), 5);
    for ((key, session), item) in sessions.iter().zip(&back) {
        assert_eq!(item.key.as_deref(), Some(key.as_str()));
        assert_eq!(&item.body, session);
        assert_eq!(
            item.meta.as_ref().and_then(|m| m.href.as_deref()),
            Some(format!("/api/audit/sessions/{key}").as_str())
        );
    }
    // The body re-encodes exactly what SPS sent.
    let original: Value = serde_json::from_str(SESSION_DETAIL).unwrap();
    let detail = decode_session(SESSION_DETAIL.as_bytes()).unwrap();
    let bytes = {
        let mut e = JsonExporter::new(Vec::new()).unwrap();
        e.write_session(&detail).unwrap();
        e.finish().unwrap()
    };
    let back: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back[0]["body"], original["body"]);
    assert_eq!(back[0]["key"], original["key"]);
    // Sparse rows come back equal, meta included.
    let rows = search_rows();
    let mut e = JsonExporter::new(Vec::new()).unwrap();
    e.write_page(&rows).unwrap();
    let back: Vec<SessionRow> = serde_json::from_slice(&e.finish().unwrap()).unwrap();
    assert_eq!(back, rows);
    // An empty export is an empty array.
    let empty = JsonExporter::new(Vec::new()).unwrap().finish().unwrap();
    assert_eq!(
        serde_json::from_slice::<Vec<Value>>(&empty).unwrap(),
        Vec::<Value>::new()
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn ndjson_parses_back_line_by_line() {
    let sessions = many_sessions(7);
    let mut exporter = NdjsonExporter::new(Vec::new()).unwrap();
    exporter.write_sessions(sessions.iter()).unwrap();
    let text = String::from_utf8(exporter.finish().unwrap()).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7);
    for ((key, session), line) in sessions.iter().zip(lines) {
        let item: Single<Session> = serde_json::from_str(line).unwrap();
        assert_eq!(item.key.as_deref(), Some(key.as_str()));
        assert_eq!(&item.body, session);
    }
    let rows = search_rows();
    let mut e = NdjsonExporter::new(Vec::new()).unwrap();
    e.write_page(&rows).unwrap();
    let text = String::from_utf8(e.finish().unwrap()).unwrap();
    let back: Vec<SessionRow> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back, rows);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn streaming_in_pages_equals_one_shot() {
    let sessions = many_sessions(250);
    let fields = [
        "user.gateway_username",
        "duration",
        "analytics.tags",
        "start_time",
        "trail_download_link",
    ];
    let options = CsvOptions::new(session_columns(&fields).unwrap());
    let one_shot = sessions_to_csv(&sessions, options.clone()).unwrap();

    for page in [1, 7, 50, 250] {
        // CSV into a Vec.
        let mut e = CsvExporter::new(Vec::new(), options.clone()).unwrap();
        for chunk in sessions.chunks(page) {
            e.write_page(chunk).unwrap();
        }
        assert_eq!(e.sessions_written(), 250);
        assert_eq!(e.finish().unwrap(), one_shot, "page size {page}");

        // CSV into chunks (as for a Blob): same bytes, in large pieces.
        let mut parts: Vec<Vec<u8>> = Vec::new();
        let sink = ChunkSink::new(4096, |bytes: &[u8]| {
            parts.push(bytes.to_vec());
            Ok(())
        });
        let mut e = CsvExporter::new(sink, options.clone()).unwrap();
        for chunk in sessions.chunks(page) {
            e.write_page(chunk).unwrap();
        }
        drop(e.finish().unwrap());
        assert!(parts.len() > 1);
        assert!(parts[..parts.len() - 1].iter().all(|p| p.len() >= 4096));
        assert_eq!(parts.concat(), one_shot);
    }

    let json_one_shot = {
        let mut e = JsonExporter::new(Vec::new()).unwrap();
        e.write_page(&sessions).unwrap();
        e.finish().unwrap()
    };
    let ndjson_one_shot = {
        let mut e = NdjsonExporter::new(Vec::new()).unwrap();
        e.write_page(&sessions).unwrap();
        e.finish().unwrap()
    };
    let mut j = JsonExporter::new(Vec::new()).unwrap();
    let mut n = NdjsonExporter::new(Vec::new()).unwrap();
    for chunk in sessions.chunks(33) {
        j.write_page(chunk).unwrap();
        n.write_page(chunk).unwrap();
    }
    assert_eq!(j.finish().unwrap(), json_one_shot);
    assert_eq!(n.finish().unwrap(), ndjson_one_shot);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn write_errors_surface_as_export_errors() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::other("disk full"))
        }
    }
    let options = CsvOptions::new(session_columns(&["protocol"]).unwrap());
    let err = CsvExporter::new(Full, options)
        .and_then(|mut e| {
            e.write_page(&many_sessions(10))?;
            e.finish().map(|_| ())
        })
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Export { message } if message.contains("disk full")));
    let err = JsonExporter::new(Full)
        .and_then(|mut e| {
            e.write_page(&many_sessions(1))?;
            e.finish().map(|_| ())
        })
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Export { .. }));
}

fn context() -> SessionContext {
    let detail = decode_session(SESSION_DETAIL.as_bytes()).unwrap();
    SessionContext::from_record(&detail)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn session_context_takes_the_main_fields() {
    let ctx = context();
    assert_eq!(ctx.key, "rUhhQZ3jYsY1NDWYp9DEpq");
    assert_eq!(ctx.protocol.as_deref(), Some("SSH"));
    assert!(ctx.gateway_username.is_some());
    assert!(ctx.server_ip.is_some());
    assert!(ctx.start_time.is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn events_export_with_the_session_on_every_row() {
    let ctx = SessionContext {
        key: "s1".to_owned(),
        protocol: Some("SSH".to_owned()),
        gateway_username: Some("alice".to_owned()),
        server_ip: Some("10.0.0.1".to_owned()),
        start_time: Some(Timestamp::parse("2017-04-11T09:21:00+02:00").unwrap()),
    };
    let events = decode_events(EVENTS.as_bytes()).unwrap().items;
    let bytes = write_details_csv(Vec::new(), &ctx, &events, &CsvOptions::default()).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next(),
        Some(
            "\"Key\",\"Protocol\",\"Gateway username\",\"Server IP\",\"Session start time\",\
             \"Time\",\"Type\",\"Channel ID\",\"Record ID\",\"Action\",\"Content\""
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "\"s1\",\"SSH\",\"alice\",\"10.0.0.1\",\"2017-04-11 07:21:00 +00:00\",\
             \"2017-04-11 09:21:10.832 +00:00\",\"command\",\"0\",\"46\",\"ls\",\
             \"myuser@examplehost:~$ ls\""
        )
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), events.len());
    assert!(rows.iter().all(|r| &r[0] == "s1" && &r[2] == "alice"));

    // Chosen columns; times as sent.
    let options = CsvOptions {
        time: TimeFormat::AsSent,
        ..CsvOptions::new(vec![CsvColumn::new("action", "Command")])
    };
    let text =
        String::from_utf8(write_details_csv(Vec::new(), &ctx, &events, &options).unwrap()).unwrap();
    assert!(text.starts_with(
        "\"Key\",\"Protocol\",\"Gateway username\",\"Server IP\",\"Session start time\",\"Command\"\r\n\
         \"s1\",\"SSH\",\"alice\",\"10.0.0.1\",\"2017-04-11T09:21:00+02:00\",\"ls\"\r\n"
    ));

    // JSON and NDJSON.
    let bytes = write_details_json(Vec::new(), &ctx, &events, JsonFormat::Array).unwrap();
    let back: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back.len(), events.len());
    assert_eq!(back[0]["session"]["key"], "s1");
    assert_eq!(back[0]["session"]["user.gateway_username"], "alice");
    assert_eq!(
        back[0]["session"]["start_time"],
        "2017-04-11T09:21:00+02:00"
    );
    let first: Event = serde_json::from_value(back[0]["event"].clone()).unwrap();
    assert_eq!(first, events[0]);
    let bytes = write_details_json(Vec::new(), &ctx, &events, JsonFormat::Lines).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.lines().count(), events.len());
    let ctx_back: SessionContext = serde_json::from_value(
        serde_json::from_str::<Value>(text.lines().next().unwrap()).unwrap()["session"].clone(),
    )
    .unwrap();
    assert_eq!(ctx_back, ctx);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn alerts_and_channels_export() {
    let ctx = context();
    let alerts = decode_alerts(ALERTS.as_bytes()).unwrap().items;
    let text = String::from_utf8(
        write_details_csv(Vec::new(), &ctx, &alerts, &CsvOptions::default()).unwrap(),
    )
    .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[5], "Time");
    assert_eq!(&header[6], "Alert type");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), alerts.len());
    assert!(rows
        .iter()
        .all(|r| &r[0] == "rUhhQZ3jYsY1NDWYp9DEpq" && &r[1] == "SSH"));
    assert_eq!(&rows[0][6], "adp.event.command");

    let channels = decode_channels(CHANNELS_SSH.as_bytes()).unwrap().items;
    let bodies = channels.iter().map(|c| &c.body);
    let options = CsvOptions {
        time: TimeFormat::AsSent,
        ..CsvOptions::default()
    };
    let text =
        String::from_utf8(write_details_csv(Vec::new(), &ctx, bodies, &options).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[6], "Channel type");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), channels.len());
    assert_eq!(&rows[0][6], "session shell");
    assert_eq!(&rows[0][9], "1451901988");
    assert_eq!(&rows[1][12], "ls");

    let bytes = write_details_json(
        Vec::new(),
        &ctx,
        channels.iter().map(|c| &c.body),
        JsonFormat::Lines,
    )
    .unwrap();
    let first: Value =
        serde_json::from_str(std::str::from_utf8(&bytes).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["channel"]["type"], "session shell");
    assert_eq!(first["session"]["key"], "rUhhQZ3jYsY1NDWYp9DEpq");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn alerts_of_several_sessions_export_with_one_header() {
    let first = context();
    let second = SessionContext {
        key: "other".into(),
        protocol: Some("RDP".into()),
        gateway_username: Some("=bob".into()),
        ..SessionContext::default()
    };
    let alerts = decode_alerts(ALERTS.as_bytes()).unwrap().items;
    let rows = alerts
        .iter()
        .map(|a| (&first, a))
        .chain(alerts.iter().map(|a| (&second, a)));
    let text = String::from_utf8(
        write_detail_rows_csv(Vec::new(), rows.clone(), &CsvOptions::default()).unwrap(),
    )
    .unwrap();
    assert_eq!(text.matches("\"Key\"").count(), 1, "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2 * alerts.len());
    assert_eq!(&records[0][0], first.key.as_str());
    let last = &records[records.len() - 1];
    assert_eq!((&last[0], &last[1]), ("other", "RDP"));
    // The formula guard is on by default, for every session's columns.
    assert_eq!(&last[2], "'=bob");

    let bytes = write_detail_rows_json(Vec::new(), rows, JsonFormat::Array).unwrap();
    let back: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back.len(), 2 * alerts.len());
    assert_eq!(back[alerts.len()]["session"]["key"], "other");
    let alert: Alert = serde_json::from_value(back[0]["alert"].clone()).unwrap();
    assert_eq!(alert, alerts[0]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn file_names_carry_the_query_time() {
    let t = Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 0).unwrap();
    assert_eq!(
        export_file_name(ExportKind::Csv, &t),
        "sps-sessions-20261123T101500Z.csv"
    );
    assert_eq!(
        export_file_name(ExportKind::Json, &t),
        "sps-sessions-20261123T101500Z.json"
    );
    assert_eq!(
        export_file_name(ExportKind::Ndjson, &t),
        "sps-sessions-20261123T101500Z.ndjson"
    );
    // Any zone: written in UTC.
    let cet = FixedOffset::east_opt(3600).unwrap();
    assert_eq!(
        export_file_name(ExportKind::Csv, &t.with_timezone(&cet)),
        "sps-sessions-20261123T101500Z.csv"
    );
    assert_eq!(
        detail_file_name(ExportKind::Csv, "a/b:c", DetailKind::Events, &t),
        "sps-session-a_b_c-events-20261123T101500Z.csv"
    );
    assert_eq!(ExportKind::Csv.mime_type(), "text/csv;charset=utf-8");
    assert_eq!(ExportKind::Ndjson.extension(), "ndjson");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn zone_cells_equal_timestamp_format_in() {
    let texts = [
        "2026-11-23T10:15:00+01:00",
        "2026-11-23T10:15:00.5+01:00",
        "2026-11-23T10:15:00.123456-03:30",
        "2026-11-23T10:15:00.123456789Z",
        "2017-04-25T13:26:39.144356",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999+00:00",
        "1969-12-31T23:59:59.001-12:00",
        "2026-03-29T01:30:00+00:00",
    ];
    let mut stamps: Vec<Timestamp> = texts.iter().map(|t| Timestamp::parse(t).unwrap()).collect();
    stamps.extend(
        [0, 7, -86_400, 1_451_901_988, 253_402_300_800]
            .map(|s| Timestamp::from_unix_seconds(s).unwrap()),
    );
    stamps.push(Timestamp::from_unix_seconds_f64(1.25).unwrap());
    let zones = [
        Zone::Utc,
        Zone::Local,
        Zone::Fixed(FixedOffset::east_opt(5 * 3600 + 45 * 60).unwrap()),
        Zone::Fixed(FixedOffset::west_opt(9 * 3600 + 30 * 60).unwrap()),
        Zone::Fixed(FixedOffset::east_opt(3600 + 7).unwrap()),
    ];
    for zone in zones {
        let mut body = SparseBody::new();
        body.insert("start_time", serde_json::to_value(&stamps).unwrap());
        let rows = vec![SessionRow {
            key: "k".to_owned(),
            meta: None,
            body: Some(body),
        }];
        let options = CsvOptions {
            time: TimeFormat::Zone(zone),
            formula_guard: false,
            ..CsvOptions::new(vec![CsvColumn::new("start_time", "Start time")])
        };
        let bytes = sessions_to_csv(&rows, options).unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let cells: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
        let expected: Vec<String> = stamps.iter().map(|t| t.format_in(zone)).collect();
        assert_eq!(cells, expected, "{zone:?}");
    }
}
