//! Decoding the reference's JSON examples into the models, and the edge cases
//! (every timestamp form, unknown enum text, wrong types, non-JSON replies).
//!
//! Fixtures are the vendor reference's examples, copied verbatim, except:
//! - `channels_ssh.json`, `channels_rdp.json`: the reference shows a fragment
//!   `"channels": [...]`; wrapped in `{ }`. The RDP example is missing its
//!   closing `]`, added here.
//! - `sessions_search.json`: the reference's search response is missing its
//!   final `}`, added here.
//! - `events.json`: the clean example of 04-alerts-events-indexing-downloads.txt
//!   (the one in 05-events-6.0.2.txt lost its braces).
//! - `audit_trail_archived.json`, `endpoints_doc03.json`: fragments of the
//!   element tables in 03-session-detail-elements-6.0.3.txt wrapped in `{ }`.
//! - `seed_csv_*.json`: the session maps of the CSV section, unchanged.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde_json::Value;
use sps_core::{model::*, query::*, *};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const SESSIONS_LIST: &str = include_str!("fixtures/sessions_list.json");
const SESSION_DETAIL: &str = include_str!("fixtures/session_detail.json");
const SESSIONS_SEARCH: &str = include_str!("fixtures/sessions_search.json");
const CHANNELS_SSH: &str = include_str!("fixtures/channels_ssh.json");
const CHANNELS_RDP: &str = include_str!("fixtures/channels_rdp.json");
const CONTENT_HITS: &str = include_str!("fixtures/content_hits.json");
const ALERTS: &str = include_str!("fixtures/alerts.json");
const EVENTS: &str = include_str!("fixtures/events.json");
const INDEXING: &str = include_str!("fixtures/indexing.json");
const TRAIL_DOWNLOADS: &str = include_str!("fixtures/trail_downloads.json");
const SEED_CSV_1: &str = include_str!("fixtures/seed_csv_1.json");
const SEED_CSV_2: &str = include_str!("fixtures/seed_csv_2.json");
const SEED_CSV_3: &str = include_str!("fixtures/seed_csv_3.json");
const AUDIT_TRAIL_ARCHIVED: &str = include_str!("fixtures/audit_trail_archived.json");
const ENDPOINTS_DOC03: &str = include_str!("fixtures/endpoints_doc03.json");

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn offset(hours: i32) -> FixedOffset {
    FixedOffset::east_opt(hours * 3600).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// Encodes `value` and checks that it equals the original JSON.
fn assert_reencodes<T: serde::Serialize>(value: &T, original: &str) {
    let encoded = serde_json::to_value(value).unwrap();
    assert_eq!(encoded, json(original));
}

fn decode_err(result: Result<impl std::fmt::Debug>) -> (String, String, String) {
    match result.unwrap_err().into_kind() {
        ErrorKind::Decode {
            what,
            path,
            message,
        } => (what, path, message),
        other => panic!("not a decode error: {other:?}"),
    }
}

// ---------------------------------------------------------------- sessions

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sessions_list_example() {
    let list = decode_session_list(SESSIONS_LIST.as_bytes()).unwrap();
    let keys: Vec<&str> = list.items.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["2", "1"]);
    assert!(list.items.iter().all(|r| r.body.is_none()));
    assert_eq!(
        list.items[1].meta.as_ref().unwrap().href.as_deref(),
        Some("/api/audit/sessions/1")
    );
    let meta = list.meta.as_ref().unwrap();
    assert_eq!(meta.match_count, Some(39));
    assert_eq!(meta.limit, Some(500));
    assert_eq!(meta.offset, Nullable::Value(0));
    assert!(meta.next.is_null());
    assert!(meta.previous.is_null());
    assert_eq!(meta.next(), None);
    assert_eq!(
        meta.first(),
        Some("/api/audit/sessions?limit=500&offset=0&fields=")
    );
    assert_eq!(meta.fields.as_deref(), Some(&[][..]));
    assert_eq!(meta.parent.as_deref(), Some("/api/audit"));
    assert_eq!(meta.remaining_seconds, None);
    assert_reencodes(&list, SESSIONS_LIST);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn session_detail_example() {
    let single = decode_session(SESSION_DETAIL.as_bytes()).unwrap();
    assert_eq!(single.key.as_deref(), Some("rUhhQZ3jYsY1NDWYp9DEpq"));
    let meta = single.meta.as_ref().unwrap();
    assert_eq!(meta.remaining_seconds, Some(594));
    assert_eq!(meta.parent.as_deref(), Some("/api/audit/sessions"));

    let s = &single.body;
    assert_eq!(s.active, Some(false));
    assert!(!s.is_active());
    assert_eq!(
        s.alerts.as_ref().unwrap().href,
        "/api/audit/sessions/rUhhQZ3jYsY1NDWYp9DEpq/alerts"
    );
    assert_eq!(
        s.indexing.as_ref().unwrap().href,
        "/api/audit/sessions/rUhhQZ3jYsY1NDWYp9DEpq/indexing"
    );
    assert!(s.indexer.is_none());
    let client = s.client.as_ref().unwrap();
    assert_eq!(client.ip.as_deref(), Some("10.20.30.40"));
    assert_eq!(client.port, Some(59125));
    assert_eq!(s.server.as_ref().unwrap().port, Some(22));
    assert_eq!(s.duration, Some(57));
    assert_eq!(s.revision, Some(15));
    assert_eq!(s.hidden, Some(false));
    assert_eq!(s.phantom, Some(false));
    assert_eq!(
        s.node_id.as_deref(),
        Some("6fed7872-065e-41d2-9cfa-ba75e8cad901")
    );

    // Timestamps: offsets kept, instants right.
    let start = s.start_time.as_ref().unwrap();
    assert_eq!(start.offset(), Some(offset(5)));
    assert_eq!(start.instant(), utc(2018, 9, 15, 10, 53, 0));
    assert_eq!(start.to_string(), "2018-09-15T15:53:00+05:00");
    let end = s.end_time().unwrap();
    assert_eq!(end.instant(), utc(2018, 9, 15, 9, 22, 0));
    assert_eq!(end.form(), TimestampForm::IsoWithOffset(offset(5)));
    let created = s.creation_time.as_ref().unwrap();
    assert_eq!(created.offset(), Some(offset(0)));
    assert_eq!(
        created.instant(),
        utc(2018, 11, 14, 12, 26, 59) + chrono::Duration::milliseconds(244)
    );

    // Enums keep their text and know their meaning.
    let verdict = s.verdict.as_ref().unwrap();
    assert_eq!(verdict.as_str(), "ACCEPT");
    assert_eq!(verdict.kind(), VerdictKind::Accept);
    assert_eq!(s.protocol.as_ref().unwrap().kind(), ProtocolKind::Ssh);
    assert_eq!(s.protocol.as_ref().unwrap().as_str(), "SSH");
    assert_eq!(s.origin.as_ref().unwrap().kind(), OriginKind::Recording);

    let analytics = s.analytics.as_ref().unwrap();
    assert_eq!(analytics.scripted, Some(false));
    assert_eq!(analytics.interesting_events.as_deref(), Some(&[][..]));
    assert!(analytics.scripted_results.as_ref().unwrap().is_empty());
    assert!(analytics.score.is_none());

    let rec = s.recording.as_ref().unwrap();
    assert_eq!(rec.server_local.as_ref().unwrap().port, Some(55386));
    assert_eq!(rec.target.as_ref().unwrap().port, Some(221));
    assert_eq!(rec.verdict.as_ref().unwrap().as_str(), "Accepted");
    assert_eq!(rec.verdict.as_ref().unwrap().kind(), VerdictKind::Accept);
    assert_eq!(
        rec.index_status.as_ref().unwrap().kind(),
        IndexStatusKind::Indexed
    );
    assert_eq!(rec.content_reference_id, Some(30));
    assert_eq!(rec.connection_policy.as_deref(), Some("myconnectionpolicy"));
    assert_eq!(
        rec.connection_policy_id.as_deref(),
        Some("15682863055beac3c8d23bf")
    );
    assert_eq!(rec.has_accepted_channel, Some(true));
    assert_eq!(
        rec.session_id,
        Some(StrOrInt::Str("svc/rUhhQZ3jYsY1NDWYp9DEpq/abcde:29".into()))
    );
    let trail = rec.audit_trail.as_ref().unwrap();
    assert_eq!(
        trail.download_href(),
        Some("/api/audit/sessions/rUhhQZ3jYsY1NDWYp9DEpq/audit_trail")
    );
    match trail {
        AuditTrail::Details(d) => assert!(d.archive.is_null()),
        AuditTrail::Path(_) => panic!("expected the object form"),
    }

    let user = s.user.as_ref().unwrap();
    assert_eq!(user.id.as_deref(), Some("myid"));
    assert_eq!(user.name.as_deref(), Some("myname"));
    assert_eq!(
        user.server_username,
        Some(OneOrMany::One("myserver".into()))
    );
    assert_eq!(s.gateway_username(), Some("myname"));

    assert_reencodes(&single, SESSION_DETAIL);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sessions_search_example_sparse_bodies() {
    let list = decode_session_list(SESSIONS_SEARCH.as_bytes()).unwrap();
    assert_eq!(list.items.len(), 2);
    let row = &list.items[1];
    assert_eq!(row.key, "10");
    let body = row.body.as_ref().unwrap();
    assert_eq!(
        body.keys().collect::<Vec<_>>(),
        ["duration", "name", "start_time"]
    );
    assert_eq!(body.get_i64("duration"), Some(34));
    assert_eq!(body.get_str("name"), Some("myname"));
    let start = body.get_timestamp("start_time").unwrap();
    assert_eq!(start.offset(), Some(offset(1)));
    assert_eq!(start.instant(), utc(2017, 1, 25, 10, 11, 11));

    // FieldSource over the row.
    let t = row.first_value("start_time").unwrap();
    assert_eq!(t.instant(), Some(utc(2017, 1, 25, 10, 11, 11)));
    assert_eq!(t.to_text(), "2017-01-25T11:11:11.000+01:00");
    assert_eq!(row.first_value("duration"), Some(FieldValue::Int(34)));
    assert_eq!(row.first_value("key"), Some(FieldValue::Str("10")));
    assert_eq!(row.field_values("protocol").count(), 0);

    let meta = list.meta.as_ref().unwrap();
    assert_eq!(
        meta.fields.as_deref().unwrap(),
        [
            "start_time".to_owned(),
            "name".to_owned(),
            "duration".to_owned()
        ]
    );
    assert_eq!(meta.match_count, Some(2));
    assert_reencodes(&list, SESSIONS_SEARCH);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sparse_body_with_dotted_keys_and_full_body() {
    let text = r#"{"items": [
        {"key": "a", "meta": {"href": "/api/audit/sessions/a"},
         "body": {"analytics.tags": ["x", "y"], "client.ip": "1.2.3.4", "end_time": null,
                  "user.gateway_username": "root"}},
        {"key": "b", "body": {"user": {"server_username": ["u1", "u2"]}, "duration": 3,
                  "recording": {"server_local": {"port": 55386}, "verdict": "ACCEPT"},
                  "start_time": 1451901988}}
    ], "meta": {"fields": ["*"], "next": "/api/audit/sessions?snapshot=s1", "first": null,
                "last": null, "previous": null, "remaining_seconds": 600}}"#;
    let list = decode_session_list(text.as_bytes()).unwrap();
    let a = &list.items[0];
    let tags: Vec<_> = a.field_values("analytics.tags").collect();
    assert_eq!(tags, [FieldValue::Str("x"), FieldValue::Str("y")]);
    assert_eq!(a.first_value("client.ip"), Some(FieldValue::Str("1.2.3.4")));
    assert_eq!(
        a.first_value("user.gateway_username"),
        Some(FieldValue::Str("root"))
    );
    assert_eq!(a.first_value("end_time"), Some(FieldValue::Null));

    let b = &list.items[1];
    let body = b.body.as_ref().unwrap();
    assert_eq!(body.get_i64("recording.server_local.port"), Some(55386));
    let names: Vec<_> = b
        .field_values("user.server_username")
        .map(|v| v.to_text())
        .collect();
    assert_eq!(names, ["u1", "u2"]);
    let start = b.first_value("start_time").unwrap();
    assert_eq!(start.instant(), Some(utc(2016, 1, 4, 10, 6, 28)));
    assert_eq!(start.to_text(), "1451901988");
    let full = body.to_session().unwrap();
    assert_eq!(
        full.recording.unwrap().verdict.unwrap().kind(),
        VerdictKind::Accept
    );
    assert_eq!(full.duration, Some(3));

    // Snapshot page: null links kept, no offset/match_count.
    let meta = list.meta.as_ref().unwrap();
    assert_eq!(meta.next(), Some("/api/audit/sessions?snapshot=s1"));
    assert!(meta.first.is_null());
    assert!(meta.offset.is_absent());
    assert_eq!(meta.match_count, None);
    assert_reencodes(&list, text);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn endpoint_fragments_of_the_element_tables() {
    let s: Session = serde_json::from_str(ENDPOINTS_DOC03).unwrap();
    let client = s.client.as_ref().unwrap();
    assert_eq!(client.port, Some(59125));
    assert_eq!(client.name, None);
    assert_eq!(s.server_local.as_ref().unwrap().port, Some(55386));
    assert_eq!(s.target.as_ref().unwrap().port, Some(221));
    assert_eq!(s.first_value("target.port"), Some(FieldValue::Int(221)));
    assert_eq!(
        s.first_value("server_local.ip"),
        Some(FieldValue::Str("10.20.30.40"))
    );
    assert_reencodes(&s, ENDPOINTS_DOC03);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn audit_trail_archive_example() {
    let rec: Recording = serde_json::from_str(AUDIT_TRAIL_ARCHIVED).unwrap();
    let trail = rec.audit_trail.as_ref().unwrap();
    assert_eq!(
        trail.download_href(),
        Some("/api/audit/sessions/10/audit_trail")
    );
    let archive = trail.archive().unwrap();
    assert_eq!(archive.path.as_deref(), Some("2018-11-23/"));
    assert_eq!(archive.policy.as_deref(), Some("8106930065bf7eb4c3cf59"));
    assert_eq!(
        archive.server.as_deref(),
        Some(r"\\10.20.30.40\archive\abc123 (user: myuser)")
    );
    assert_eq!(
        archive.date.as_ref().unwrap().instant(),
        utc(2018, 11, 25, 12, 0, 5)
    );
    assert_reencodes(&rec, AUDIT_TRAIL_ARCHIVED);

    let s = Session {
        recording: Some(rec),
        ..Session::default()
    };
    assert_eq!(
        s.first_value("recording.audit_trail.archive.date")
            .unwrap()
            .instant(),
        Some(utc(2018, 11, 25, 12, 0, 5))
    );
    assert_eq!(
        s.first_value("recording.audit_trail"),
        Some(FieldValue::Str("/api/audit/sessions/10/audit_trail"))
    );
}

// ---------------------------------------------------------------- seed data

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seed_csv_1_decodes_into_sessions() {
    let sessions = decode_session_map(SEED_CSV_1.as_bytes()).unwrap();
    let keys: Vec<&str> = sessions.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["1", "2"]);
    let s2 = &sessions[1].1;
    assert_eq!(s2.protocol.as_ref().unwrap().as_str(), "ssh");
    assert_eq!(s2.protocol.as_ref().unwrap().kind(), ProtocolKind::Ssh);
    let start = s2.start_time.as_ref().unwrap();
    assert_eq!(start.form(), TimestampForm::UnixSeconds);
    assert_eq!(start.instant(), utc(1970, 1, 1, 0, 0, 1));
    assert_eq!(s2.end_time().unwrap().instant(), utc(1970, 1, 1, 0, 0, 7));
    assert_eq!(s2.duration, Some(4));
    let channels = s2.channel.as_ref().unwrap();
    assert_eq!(channels.len(), 2);
    assert_eq!(channels[1].channel_id, Some(StrOrInt::Int(4)));
    let rec = s2.recording.as_ref().unwrap();
    assert_eq!(rec.session_id, Some(StrOrInt::Int(2)));
    assert_eq!(rec.server_local.as_ref().unwrap().port, Some(46));
    assert_eq!(rec.channel_policy.as_deref(), Some("policy2"));

    // The CSV example's columns, through FieldSource.
    let cell = |path: &str| s2.first_value(path).map(|v| v.to_text().into_owned());
    assert_eq!(cell("protocol").as_deref(), Some("ssh"));
    assert_eq!(cell("end_time").as_deref(), Some("7"));
    assert_eq!(cell("user.gateway_username").as_deref(), Some("user2"));
    assert_eq!(cell("server.ip").as_deref(), Some("2.2.2.2"));
    assert_eq!(cell("client.ip").as_deref(), Some("3.3.3.3"));
    assert_eq!(cell("client.port").as_deref(), Some("48680"));
    assert_eq!(
        s2.first_value("recording.session_id"),
        Some(FieldValue::Int(2))
    );

    let reencoded: serde_json::Map<String, Value> = sessions
        .iter()
        .map(|(k, s)| (k.clone(), serde_json::to_value(s).unwrap()))
        .collect();
    assert_eq!(Value::Object(reencoded), json(SEED_CSV_1));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seed_csv_2_multi_valued_fields() {
    let sessions = decode_session_map(SEED_CSV_2.as_bytes()).unwrap();
    assert_eq!(sessions.len(), 2);
    let s1 = &sessions[0].1;
    let events: Vec<_> = s1.field_values("analytics.interesting_events").collect();
    assert_eq!(events, [FieldValue::Str("ssh"), FieldValue::Str("sudo")]);
    assert_eq!(s1.field_values("analytics.similar_sessions").count(), 0);
    assert_eq!(
        s1.first_value("recording.session_id"),
        Some(FieldValue::Str("1"))
    );
    let rec = s1.recording.as_ref().unwrap();
    assert_eq!(rec.verdict.as_ref().unwrap().kind(), VerdictKind::Accept);
    assert_eq!(
        rec.audit_trail,
        Some(AuditTrail::Path(
            "/var/lib/zorp/audit/532078660569910c6542b2/01/audit-scb_ssh-1451900800-1.zat".into()
        ))
    );
    assert_eq!(
        sessions[1]
            .1
            .field_values("analytics.interesting_events")
            .collect::<Vec<_>>(),
        [FieldValue::Str("sudo"), FieldValue::Str("systemctl")]
    );
    assert!(sessions[1]
        .1
        .recording
        .as_ref()
        .unwrap()
        .audit_trail
        .is_none());
    for (key, s) in &sessions {
        let original = &json(SEED_CSV_2)[key];
        assert_eq!(&serde_json::to_value(s).unwrap(), original);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn seed_csv_3_keeps_key_order_and_trail_paths() {
    let sessions = decode_session_map(SEED_CSV_3.as_bytes()).unwrap();
    let keys: Vec<&str> = sessions.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "svc-paKzcMJwXghEFJ9UvsdqFU-sid-1",
            "svc-paKzcMJwXghEFJ9UvsdqFU-sid-2"
        ]
    );
    assert!(matches!(
        sessions[0].1.recording.as_ref().unwrap().audit_trail,
        Some(AuditTrail::Path(_))
    ));
    assert_eq!(
        sessions[1].1.field_values("recording.audit_trail").count(),
        0
    );
    assert_eq!(
        sessions[1].1.first_value("recording.connection_policy"),
        Some(FieldValue::Str("ssh2"))
    );
    for (key, s) in &sessions {
        assert_eq!(&serde_json::to_value(s).unwrap(), &json(SEED_CSV_3)[key]);
    }
}

// ---------------------------------------------------------------- FieldSource

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_documented_session_path_is_known() {
    let s = decode_session(SESSION_DETAIL.as_bytes()).unwrap().body;
    for path in SESSION_FIELDS {
        assert!(s.lookup(path).is_some(), "{path} not known");
    }
    assert!(s.lookup("no.such.field").is_none());
    assert!(s.lookup("client.nope").is_none());
    assert_eq!(s.field_values("no.such.field").count(), 0);

    assert_eq!(
        s.first_value("recording.server_local.port"),
        Some(FieldValue::Int(55386))
    );
    assert_eq!(s.first_value("verdict"), Some(FieldValue::Str("ACCEPT")));
    assert_eq!(
        s.first_value("recording.verdict"),
        Some(FieldValue::Str("Accepted"))
    );
    assert_eq!(
        s.first_value("recording.index_status"),
        Some(FieldValue::Str("INDEXED"))
    );
    assert_eq!(s.first_value("active"), Some(FieldValue::Bool(false)));
    assert_eq!(
        s.first_value("user.server_username"),
        Some(FieldValue::Str("myserver"))
    );
    assert_eq!(s.field_values("analytics.tags").count(), 0);
    assert_eq!(s.first_value("analytics.score.aggregated"), None);
    let start = s.first_value("start_time").unwrap();
    assert!(matches!(start, FieldValue::Time(Cow::Borrowed(_))));
    assert_eq!(start.instant(), Some(utc(2018, 9, 15, 10, 53, 0)));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn active_session_and_multi_valued_server_username() {
    let text = r#"{"active": true, "end_time": null, "start_time": "2024-02-01T08:00:00Z",
        "user": {"server_username": ["root", "admin"], "gateway_username": "jdoe"},
        "analytics": {"tags": ["risky"], "score": {"aggregated": 87, "details": {"fis": {"x": 1}}}}}"#;
    let s: Session = serde_json::from_str(text).unwrap();
    assert!(s.is_active());
    assert!(s.end_time.is_null());
    assert_eq!(s.first_value("end_time"), Some(FieldValue::Null));
    let names: Vec<_> = s.field_values("user.server_username").collect();
    assert_eq!(names, [FieldValue::Str("root"), FieldValue::Str("admin")]);
    assert_eq!(
        s.first_value("analytics.score.aggregated"),
        Some(FieldValue::Int(87))
    );
    assert_eq!(
        s.first_value("analytics.tags"),
        Some(FieldValue::Str("risky"))
    );
    assert_eq!(s.gateway_username(), Some("jdoe"));
    assert_reencodes(&s, text);
}

// ---------------------------------------------------------------- channels

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn ssh_channels_example() {
    let list = decode_channels(CHANNELS_SSH.as_bytes()).unwrap();
    assert!(list.meta.is_none());
    let kinds: Vec<ChannelTypeKind> = list
        .items
        .iter()
        .map(|c| c.body.channel_type.as_ref().unwrap().kind())
        .collect();
    use ChannelTypeKind::*;
    assert_eq!(
        kinds,
        [
            SessionShell,
            SessionExec,
            SessionExecScp,
            SessionSubsystemSftp,
            LocalForward,
            RemoteForward,
            X11Forward
        ]
    );
    let shell = &list.items[0];
    assert_eq!(shell.key.as_deref(), Some("1"));
    assert_eq!(
        shell.meta.as_ref().unwrap().href.as_deref(),
        Some("/api/audit/sessions/1/channels/1")
    );
    let start = shell.body.start_time.as_ref().unwrap();
    assert_eq!(start.form(), TimestampForm::UnixSeconds);
    assert_eq!(start.instant(), utc(2016, 1, 4, 10, 6, 28));
    assert_eq!(
        shell.body.end_time().unwrap().instant(),
        utc(2016, 1, 4, 10, 9, 5)
    );
    assert_eq!(shell.body.duration, Some(157));
    assert_eq!(list.items[1].body.command.as_deref(), Some("ls"));
    assert_eq!(
        list.items[2].body.scp_path.as_deref(),
        Some("<path-to-folder>")
    );
    assert_eq!(list.items[3].body.subsystem_name.as_deref(), Some("sftp"));
    let fwd = &list.items[4].body;
    assert_eq!(fwd.originator_address.as_deref(), Some("::1"));
    assert_eq!(fwd.originator(), Some("::1"));
    assert_eq!(fwd.originator_port, Some(59578));
    assert_eq!(fwd.connected(), Some("<server>"));
    assert_eq!(fwd.connected_port, Some(22));
    assert_eq!(list.items[5].body.connected_port, Some(9898));
    let x11 = &list.items[6].body;
    assert_eq!(
        x11.verdict.as_ref().unwrap().kind(),
        ChannelVerdictKind::Deny
    );
    assert_eq!(x11.duration, Some(0));
    assert_eq!(
        serde_json::to_value(&list.items).unwrap(),
        json(CHANNELS_SSH)["channels"]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rdp_channels_example() {
    let list = decode_channels(CHANNELS_RDP.as_bytes()).unwrap();
    assert_eq!(list.items.len(), 11);
    use ChannelTypeKind::*;
    let kinds: Vec<ChannelTypeKind> = list
        .items
        .iter()
        .map(|c| c.body.channel_type.as_ref().unwrap().kind())
        .collect();
    assert_eq!(
        kinds,
        [
            Drawing,
            Sound,
            Clipboard,
            Seamless,
            DynamicVirtual,
            Custom,
            SerialRedirect,
            ParallelRedirect,
            PrinterRedirect,
            DiskRedirect,
            ScardRedirect
        ]
    );
    assert_eq!(
        list.items[4].body.dynamic_channel.as_deref(),
        Some("Microsoft::Windows::RDS::Geometry::v08.01")
    );
    let devices: Vec<&str> = list.items[6..]
        .iter()
        .map(|c| c.body.device_name.as_deref().unwrap())
        .collect();
    assert_eq!(devices, ["COM1", "LPT1", "PRN22", "J:", "SCARD"]);
    assert_eq!(
        list.items[3].body.verdict.as_ref().unwrap().kind(),
        ChannelVerdictKind::Deny
    );
    assert_eq!(list.items[9].key.as_deref(), Some("10"));
    assert_eq!(
        serde_json::to_value(&list.items).unwrap(),
        json(CHANNELS_RDP)["channels"]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn channels_in_items_envelope_with_iso_times_and_unknown_type() {
    let text = r#"{"items": [{"key": "1", "body": {"type": "ica drive mapping", "verdict": "four-eyes-timeout",
        "start_time": "2024-03-01T10:00:00.000+01:00", "end_time": null, "active": true,
        "channel_id": 12, "rule_num": "3", "four_eyes_authorizer": "boss"}}],
        "meta": {"href": "/api/audit/sessions/k/channels", "remaining_seconds": 500}}"#;
    let list = decode_channels(text.as_bytes()).unwrap();
    let c = &list.items[0].body;
    let t = c.channel_type.as_ref().unwrap();
    assert_eq!(t.kind(), ChannelTypeKind::Other);
    assert_eq!(t.as_str(), "ica drive mapping");
    assert_eq!(
        c.verdict.as_ref().unwrap().kind(),
        ChannelVerdictKind::FourEyesTimeout
    );
    assert!(c.end_time.is_null());
    assert_eq!(c.start_time.as_ref().unwrap().offset(), Some(offset(1)));
    assert_eq!(c.channel_id.as_ref().unwrap().as_i64(), Some(12));
    assert_eq!(c.four_eyes_authorizer.as_deref(), Some("boss"));
    assert_reencodes(&list, text);
}

// ---------------------------------------------------------------- other resources

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn content_hits_example() {
    let hits = decode_content_hits(CONTENT_HITS.as_bytes()).unwrap();
    let hit = &hits.items[0];
    assert_eq!(hit.channel_id, Some(StrOrInt::Int(5)));
    assert_eq!(hit.rank, Some(2.4756217002868652));
    let range = hit.record_id.unwrap();
    assert_eq!(
        (range.begin, range.end, range.for_screenshot),
        (Some(158), Some(160), Some(158))
    );
    assert_eq!(hit.trail_id, Some(StrOrInt::Str("12".into())));
    let start = hit.start_time.as_ref().unwrap();
    assert_eq!(start.form(), TimestampForm::IsoWithoutOffset);
    assert_eq!(start.offset(), None);
    assert_eq!(
        start.instant(),
        utc(2017, 8, 14, 10, 35, 19) + chrono::Duration::milliseconds(98)
    );
    assert_eq!(
        hit.end_time.as_ref().unwrap().to_string(),
        "2017-08-14T10:35:43.957000"
    );
    let meta = hits.meta.as_ref().unwrap();
    assert_eq!(meta.remaining_seconds, Some(599));
    assert!(meta.next.is_absent());
    assert_reencodes(&hits, CONTENT_HITS);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn alerts_example() {
    let alerts = decode_alerts(ALERTS.as_bytes()).unwrap();
    assert_eq!(alerts.items.len(), 2);
    let a = &alerts.items[1];
    assert_eq!(a.alert_type.as_deref(), Some("adp.event.command"));
    assert_eq!(a.channel_id, Some(StrOrInt::Str("0".into())));
    assert_eq!(a.matched_action.as_deref(), Some("man man"));
    assert_eq!(
        a.matched_content.as_deref(),
        Some("[myuser@examplehost ~]$ man man")
    );
    assert_eq!(a.matched_regexp.as_deref(), Some("man"));
    assert_eq!(a.record_id, Some(197));
    assert_eq!(a.rule_name.as_deref(), Some("PatternMatcherRule"));
    let time = a.time.as_ref().unwrap();
    assert_eq!(
        time.instant(),
        utc(2017, 4, 25, 13, 34, 15) + chrono::Duration::microseconds(265411)
    );
    assert_eq!(a.first_value("record_id"), Some(FieldValue::Int(197)));
    assert_eq!(a.first_value("channel_id"), Some(FieldValue::Str("0")));
    let meta = alerts.meta.as_ref().unwrap();
    assert_eq!(
        (meta.match_count, meta.remaining_seconds),
        (Some(3), Some(600))
    );
    assert_reencodes(&alerts, ALERTS);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn events_example() {
    let events = decode_events(EVENTS.as_bytes()).unwrap();
    assert_eq!(events.items.len(), 6);
    let e = &events.items[3];
    assert_eq!(e.action.as_deref(), Some("ls -la"));
    assert_eq!(e.channels_id.as_ref().unwrap().as_i64(), Some(0));
    assert_eq!(e.record_id, Some(95));
    assert_eq!(
        e.event_type.as_ref().unwrap().kind(),
        EventTypeKind::Command
    );
    let time = e.time.as_ref().unwrap();
    assert_eq!(time.to_string(), "2017-04-11T09:21:21.04");
    assert_eq!(
        time.instant(),
        utc(2017, 4, 11, 9, 21, 21) + chrono::Duration::milliseconds(40)
    );
    assert_eq!(
        events.items[5].first_value("content"),
        Some(FieldValue::Str("myuser@examplehost:/var$ man sudo"))
    );
    assert_eq!(e.first_value("type"), Some(FieldValue::Str("command")));
    let meta = events.meta.as_ref().unwrap();
    assert_eq!(meta.match_count, None);
    assert_eq!(meta.limit, Some(500));
    assert_reencodes(&events, EVENTS);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn event_types_and_integer_channel_ids() {
    let text = r#"{"items": [
        {"channels_id": 5, "type": "screen.windowtitle", "time": "2024-01-01T00:00:00"},
        {"channels_id": "7", "type": "file_transfer"},
        {"type": "screen.content"}, {"type": "window_title"}, {"type": "http_request"},
        {"type": "screen.creditcard"}, {"type": "keyboard"}]}"#;
    let events = decode_events(text.as_bytes()).unwrap();
    let kinds: Vec<_> = events
        .items
        .iter()
        .map(|e| e.event_type.as_ref().unwrap().kind())
        .collect();
    use EventTypeKind::*;
    assert_eq!(
        kinds,
        [
            ScreenWindowtitle,
            FileTransfer,
            ScreenContent,
            WindowTitle,
            HttpRequest,
            ScreenCreditcard,
            Other
        ]
    );
    assert_eq!(events.items[0].channels_id, Some(StrOrInt::Int(5)));
    assert_eq!(
        events.items[1].channels_id.as_ref().unwrap().as_i64(),
        Some(7)
    );
    assert_eq!(
        events.items[6].event_type.as_ref().unwrap().as_str(),
        "keyboard"
    );
    assert_reencodes(&events, text);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn indexing_example_uses_milliseconds() {
    let list = decode_indexing(INDEXING.as_bytes()).unwrap();
    let ix = &list.items[0];
    let config = ix.config.as_ref().unwrap();
    assert_eq!(config.command.unwrap().enabled, Some(true));
    let keyboard = config.keyboard.unwrap();
    assert_eq!(
        (keyboard.buffer_interval, keyboard.enabled),
        (Some(3), Some(false))
    );
    assert_eq!(config.mouse.unwrap().buffer_interval, Some(1));
    assert_eq!(config.near_realtime, Some(false));
    assert_eq!(config.ocr_languages.as_deref(), Some(&[][..]));
    let screen = config.screen.as_ref().unwrap();
    assert_eq!(screen.omnipage_trade_off.as_deref(), Some("TO_ACCURATE"));
    assert_eq!(config.title.unwrap().enabled, Some(true));
    let stats = ix.statistics.as_ref().unwrap();
    assert_eq!((stats.cpu_time, stats.duration), (Some(5), Some(149)));
    let start = stats.start_time.as_ref().unwrap();
    assert_eq!(start.form(), TimestampForm::UnixMillis);
    assert_eq!(
        start.instant(),
        utc(2018, 11, 13, 13, 42, 4) + chrono::Duration::milliseconds(143)
    );
    assert_eq!(ix.status.as_deref(), Some("COMPLETED"));
    let version = ix.version.as_ref().unwrap();
    assert_eq!(
        (version.adp.as_deref(), version.worker.as_deref()),
        (Some("6.0.20"), Some("4.0.26"))
    );
    assert_eq!(list.meta.as_ref().unwrap().match_count, Some(1));
    assert_reencodes(&list, INDEXING);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn trail_downloads_example() {
    let list = decode_trail_downloads(TRAIL_DOWNLOADS.as_bytes()).unwrap();
    assert_eq!(list.items.len(), 2);
    let d = &list.items[1];
    assert_eq!(d.from_api, Some(false));
    assert_eq!(d.ip_address.as_deref(), Some("10.20.30.40"));
    assert_eq!(d.username.as_deref(), Some("admin"));
    let time = d.time.as_ref().unwrap();
    assert_eq!(time.offset(), Some(offset(0)));
    assert_eq!(time.instant(), utc(2018, 11, 20, 11, 10, 38));
    let meta = list.meta.as_ref().unwrap();
    assert_eq!((meta.limit, meta.match_count), (Some(5), Some(2)));
    assert_reencodes(&list, TRAIL_DOWNLOADS);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn small_replies() {
    let err = decode_api_error(
        br#"{"error": {"type": "InvalidQuery", "message": "Invalid query", "details": {"q": "protocol:"}},
             "meta": {"href": "/api/audit/sessions", "remaining_seconds": 599}}"#,
    )
    .unwrap();
    assert_eq!(err.error.error_type, "InvalidQuery");
    assert_eq!(err.error.message.as_deref(), Some("Invalid query"));
    assert_eq!(err.error.details.as_ref().unwrap()["q"], "protocol:");

    assert_eq!(decode_count(br#"{"count": 12345}"#).unwrap().count, 12345);

    let snap = decode_snapshot(
        br#"{"body": {"snapshot": "c2dc3f1a"}, "meta": {"href": "/api/audit/sessions/_snapshot"}}"#,
    )
    .unwrap();
    assert_eq!(snap.body.snapshot, "c2dc3f1a");
    assert_eq!(snap.key, None);

    let stats = decode_stats(
        br#"{"items": [{"value": "ssh", "count": 10}, {"value": 22, "count": 3}],
             "meta": {"href": "/api/audit/sessions/stats"}}"#,
    )
    .unwrap();
    assert_eq!(stats.items[0].value, "ssh");
    assert_eq!(stats.items[1].count, 3);

    let info =
        decode_info(br#"{"body": {"firmware_version": "7.5.1", "other": 1}, "key": "info"}"#)
            .unwrap();
    assert_eq!(info.body.firmware_version.as_deref(), Some("7.5.1"));
}

// ---------------------------------------------------------------- timestamps

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_timestamp_form_decodes_and_reencodes() {
    let cases: &[(&str, DateTime<Utc>, TimestampForm)] = &[
        (
            "\"2018-09-15T15:53:00+05:00\"",
            utc(2018, 9, 15, 10, 53, 0),
            TimestampForm::IsoWithOffset(offset(5)),
        ),
        (
            "\"2018-10-11T09:23:38.000+02:00\"",
            utc(2018, 10, 11, 7, 23, 38),
            TimestampForm::IsoWithOffset(offset(2)),
        ),
        (
            "\"2018-11-14T12:26:59.244Z\"",
            utc(2018, 11, 14, 12, 26, 59) + chrono::Duration::milliseconds(244),
            TimestampForm::IsoWithOffset(offset(0)),
        ),
        (
            "\"2018-11-14T12:26:59.123456789-03:30\"",
            utc(2018, 11, 14, 15, 56, 59) + chrono::Duration::nanoseconds(123456789),
            TimestampForm::IsoWithOffset(FixedOffset::west_opt(3 * 3600 + 1800).unwrap()),
        ),
        (
            "\"2017-04-25T13:26:39.144356\"",
            utc(2017, 4, 25, 13, 26, 39) + chrono::Duration::microseconds(144356),
            TimestampForm::IsoWithoutOffset,
        ),
        (
            "\"2017-04-11T09:21:21.04\"",
            utc(2017, 4, 11, 9, 21, 21) + chrono::Duration::milliseconds(40),
            TimestampForm::IsoWithoutOffset,
        ),
        (
            "\"2017-04-11T09:21:21\"",
            utc(2017, 4, 11, 9, 21, 21),
            TimestampForm::IsoWithoutOffset,
        ),
        (
            "1451901988",
            utc(2016, 1, 4, 10, 6, 28),
            TimestampForm::UnixSeconds,
        ),
        (
            "1451901988.5",
            utc(2016, 1, 4, 10, 6, 28) + chrono::Duration::milliseconds(500),
            TimestampForm::UnixSecondsFloat,
        ),
        ("1", utc(1970, 1, 1, 0, 0, 1), TimestampForm::UnixSeconds),
    ];
    for (text, instant, form) in cases {
        let t: Timestamp = serde_json::from_str(text).unwrap();
        assert_eq!(t.instant(), *instant, "{text}");
        assert_eq!(t.form(), *form, "{text}");
        assert_eq!(serde_json::to_string(&t).unwrap(), *text, "{text}");
    }
    // null: an active session's end.
    let none: Option<Timestamp> = serde_json::from_str("null").unwrap();
    assert!(none.is_none());
    // Not a timestamp.
    assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
    assert!(serde_json::from_str::<Timestamp>("true").is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn milliseconds_only_where_the_model_says_so() {
    let stats: IndexingStatistics =
        serde_json::from_str(r#"{"start_time": 1542116524143}"#).unwrap();
    let t = stats.start_time.unwrap();
    assert_eq!(t.form(), TimestampForm::UnixMillis);
    assert_eq!(
        t.instant(),
        utc(2018, 11, 13, 13, 42, 4) + chrono::Duration::milliseconds(143)
    );
    assert_eq!(t.to_string(), "1542116524143");
    let stats: IndexingStatistics = serde_json::from_str(r#"{"start_time": null}"#).unwrap();
    assert!(stats.start_time.is_none());
    let stats: IndexingStatistics =
        serde_json::from_str(r#"{"start_time": "2018-11-13T13:42:04.143Z"}"#).unwrap();
    assert_eq!(
        stats.start_time.unwrap().form(),
        TimestampForm::IsoWithOffset(offset(0))
    );
    // The same number as seconds would be far in the future.
    let t: Timestamp = serde_json::from_str("1542116524143").unwrap();
    assert_eq!(t.form(), TimestampForm::UnixSeconds);
    assert!(t.instant().timestamp() == 1542116524143);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn user_input_timestamps() {
    let day = Timestamp::parse("2017-01-20").unwrap();
    assert!(day.is_date_only());
    assert_eq!(day.form(), TimestampForm::Date);
    assert_eq!(day.instant(), utc(2017, 1, 20, 0, 0, 0));
    assert_eq!(day.period_end(), utc(2017, 1, 21, 0, 0, 0));
    assert_eq!(day.to_string(), "2017-01-20");

    let minute = Timestamp::parse("2017-01-20T11:00").unwrap();
    assert_eq!(minute.instant(), utc(2017, 1, 20, 11, 0, 0));
    assert_eq!(minute.form(), TimestampForm::IsoWithoutOffset);
    assert_eq!(minute.period_end(), minute.instant());

    let full = Timestamp::parse("2017-01-25T11:11:52.000+01:00").unwrap();
    assert_eq!(full.instant(), utc(2017, 1, 25, 10, 11, 52));
    let minute_offset = Timestamp::parse("2017-01-25T10:00+01:00").unwrap();
    assert_eq!(minute_offset.instant(), utc(2017, 1, 25, 9, 0, 0));
    let spaced = Timestamp::parse(" 2017-01-25 10:00:00 ").unwrap();
    assert_eq!(spaced.instant(), utc(2017, 1, 25, 10, 0, 0));
    let parsed: Timestamp = "2017-01-20T11:00:05Z".parse().unwrap();
    assert_eq!(parsed.instant(), utc(2017, 1, 20, 11, 0, 5));

    for bad in [
        "",
        "yesterday",
        "2017-13-01",
        "2017-01-20T25:00",
        "20.01.2017",
    ] {
        match Timestamp::parse(bad).unwrap_err().into_kind() {
            ErrorKind::Timestamp { input, .. } => assert_eq!(input, bad),
            other => panic!("{other:?}"),
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn formatting_always_writes_the_offset() {
    let t = Timestamp::parse("2018-09-15T15:53:00+05:00").unwrap();
    assert_eq!(
        t.format_in(Zone::Fixed(offset(5))),
        "2018-09-15 15:53:00 +05:00"
    );
    assert_eq!(t.format_in(Zone::Utc), "2018-09-15 10:53:00 +00:00");
    assert_eq!(
        t.format_in(Zone::Fixed(offset(-2))),
        "2018-09-15 08:53:00 -02:00"
    );
    assert_eq!(t.format_original_zone(), "2018-09-15 15:53:00 +05:00");
    let local = t.format_in(Zone::Local);
    // Whatever the machine's zone, the offset is written.
    assert_eq!(local.len(), "2018-09-15 15:53:00 +05:00".len(), "{local}");
    assert_eq!(Zone::Utc.offset_at(t.instant()), offset(0));

    let frac = Timestamp::parse("2017-04-25T13:26:39.144356").unwrap();
    assert_eq!(
        frac.format_in(Zone::Utc),
        "2017-04-25 13:26:39.144356 +00:00"
    );
    let unix = Timestamp::from_unix_seconds(1).unwrap();
    assert_eq!(
        unix.format_in(Zone::Fixed(offset(1))),
        "1970-01-01 01:00:01 +01:00"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn constructed_timestamps() {
    let when = offset(2).with_ymd_and_hms(2018, 10, 11, 9, 23, 38).unwrap();
    let t = Timestamp::from_datetime(&when);
    assert_eq!(t.to_string(), "2018-10-11T09:23:38.000+02:00");
    assert_eq!(t.offset(), Some(offset(2)));
    assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
    let ms = Timestamp::from_unix_millis(1542116524143).unwrap();
    assert_eq!(serde_json::to_string(&ms).unwrap(), "1542116524143");
    assert!(Timestamp::from_unix_seconds(i64::MAX).is_none());
    assert!(Timestamp::from_unix_seconds_f64(f64::NAN).is_none());
}

// ---------------------------------------------------------------- enums

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unknown_verdict_keeps_its_text() {
    let v: Verdict = serde_json::from_str("\"quarantined\"").unwrap();
    assert_eq!(v.kind(), VerdictKind::Other);
    assert_eq!(v.as_str(), "quarantined");
    assert_eq!(v.to_string(), "quarantined");
    assert_eq!(serde_json::to_string(&v).unwrap(), "\"quarantined\"");

    let cases = [
        ("accept", VerdictKind::Accept),
        ("ACCEPT", VerdictKind::Accept),
        ("Accepted", VerdictKind::Accept),
        ("accept-terminated", VerdictKind::AcceptTerminated),
        ("auth-fail", VerdictKind::AuthFail),
        ("DENY", VerdictKind::Deny),
        ("fail", VerdictKind::Fail),
        ("gw-auth-fail", VerdictKind::GwAuthFail),
        ("key-error", VerdictKind::KeyError),
        ("user-mapping-fail", VerdictKind::UserMappingFail),
        // Real 7.x appliances: upper snake case; `_`, `-` and case alike.
        ("AUTH_FAIL", VerdictKind::AuthFail),
        ("Auth_Fail", VerdictKind::AuthFail),
        ("AUTH-FAIL", VerdictKind::AuthFail),
        ("GW_AUTH_FAIL", VerdictKind::GwAuthFail),
        ("USER_MAPPING_FAIL", VerdictKind::UserMappingFail),
        ("KEY_ERROR", VerdictKind::KeyError),
        ("ACCEPT_TERMINATED", VerdictKind::AcceptTerminated),
        ("TERMINATED", VerdictKind::Terminated),
        ("terminated", VerdictKind::Terminated),
        ("FAIL", VerdictKind::Fail),
        ("ZV-ACCEPT", VerdictKind::Accept),
    ];
    for (text, kind) in cases {
        let v = Verdict::parse(text);
        assert_eq!(v.kind(), kind, "{text}");
        assert_eq!(v, kind);
        assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{text}\""));
    }
    assert_eq!(
        Verdict::from(VerdictKind::GwAuthFail).as_str(),
        "gw-auth-fail"
    );
    assert_eq!(VerdictKind::ALL.len(), 9);
    assert_eq!(
        Verdict::from(VerdictKind::Terminated).as_str(),
        "TERMINATED"
    );
    assert!(VerdictKind::Terminated.is_terminated());
    assert!(VerdictKind::AcceptTerminated.is_terminated());
    assert!(!VerdictKind::Deny.is_terminated());
    assert!(VerdictKind::GwAuthFail.is_failure() && !VerdictKind::Accept.is_failure());
    // Near misses stay unknown and keep their text.
    for text in ["AUTH__FAIL", "AUTHFAIL", "auth fail", "TERMINATE", ""] {
        let v = Verdict::parse(text);
        assert_eq!(v.kind(), VerdictKind::Other, "{text}");
        assert_eq!(v.as_str(), text);
    }

    let statuses = [
        "CHANNEL_OPEN",
        "NOT_INDEXED",
        "INDEXING_IN_PROGRESS",
        "INDEXED",
        "INDEXING_NOT_REQUIRED",
        "INDEXING_FAILED",
        "NO_TRAIL",
    ];
    for (text, kind) in statuses.iter().zip(IndexStatusKind::ALL) {
        assert_eq!(IndexStatus::parse(text).kind(), *kind);
    }
    assert_eq!(Origin::parse("LOG").kind(), OriginKind::Log);
    assert_eq!(Origin::parse("PSM").kind(), OriginKind::Psm);
    assert_eq!(Protocol::parse("telnet").kind(), ProtocolKind::Telnet);
    assert_eq!(Protocol::parse("rdp").as_str(), "rdp");
    assert_eq!(Protocol::parse("SPICE").kind(), ProtocolKind::Other);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unknown_channel_type_keeps_its_text() {
    let c: Channel =
        serde_json::from_str(r#"{"type": "agent forward", "verdict": "four-eyes-whatever"}"#)
            .unwrap();
    let t = c.channel_type.as_ref().unwrap();
    assert_eq!(t.kind(), ChannelTypeKind::Other);
    assert_eq!(t.as_str(), "agent forward");
    let v = c.verdict.as_ref().unwrap();
    assert_eq!(v.kind(), ChannelVerdictKind::Other);
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        json(r#"{"type": "agent forward", "verdict": "four-eyes-whatever"}"#)
    );
    assert_eq!(
        ChannelType::parse("Session Shell").kind(),
        ChannelTypeKind::SessionShell
    );
    assert_eq!(
        ChannelType::parse("Session Shell").as_str(),
        "Session Shell"
    );
}

// ---------------------------------------------------------------- errors

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn wrong_type_in_a_nested_field_names_the_path() {
    let bad = SESSION_DETAIL.replace("\"port\": 55386", "\"port\": \"fifty\"");
    let (what, path, message) = decode_err(decode_session(bad.as_bytes()));
    assert_eq!(what, "session");
    assert_eq!(path, "body.recording.server_local.port");
    assert!(
        message.contains("invalid type: string \"fifty\", expected u16"),
        "{message}"
    );

    let bad = CHANNELS_SSH.replace("\"duration\": 3,", "\"duration\": \"three\",");
    let (_, path, message) = decode_err(decode_channels(bad.as_bytes()));
    assert_eq!(path, "channels[3].body.duration");
    assert!(message.contains("expected i64"), "{message}");

    let bad = EVENTS.replace(
        "\"time\": \"2017-04-11T09:21:18.017\"",
        "\"time\": \"soon\"",
    );
    let (_, path, message) = decode_err(decode_events(bad.as_bytes()));
    assert_eq!(path, "items[2].time");
    assert!(message.contains("invalid timestamp `soon`"), "{message}");

    let bad = r#"{"1": {"user": {"server_username": ["a", 7]}}}"#;
    let (_, path, _) = decode_err(decode_session_map(bad.as_bytes()));
    assert_eq!(path, "1.user.server_username[1]");

    let bad = br#"{"items": [{"meta": {}}]}"#;
    let (_, path, message) = decode_err(decode_session_list(bad));
    assert_eq!(path, "items[0]");
    assert!(message.contains("missing field `key`"), "{message}");

    let err = decode_session(br#"{"body": {"duration": "x"}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot decode session at `body.duration`: invalid type: string \"x\", expected i64 at line 1 column 25"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn truncated_json_is_reported_as_such() {
    let cut = &SESSION_DETAIL.as_bytes()[..300];
    let (_, _, message) = decode_err(decode_session(cut));
    assert_eq!(
        message,
        "the reply ended early (truncated JSON) at line 1 column 300"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn html_and_empty_replies_are_not_json() {
    let html = b"<html><head><title>502 Bad Gateway</title></head></html>";
    let (what, _, message) = decode_err(decode_session_list(html));
    assert_eq!(what, "session list");
    assert_eq!(message, "the reply is not JSON: it starts with `<html>`");

    let doctype = b"\n  <!DOCTYPE html>\n<html>";
    let (_, _, message) = decode_err(decode_events(doctype));
    assert_eq!(
        message,
        "the reply is not JSON: it starts with `<!DOCTYPE html>`"
    );

    let text = b"Service Unavailable";
    let (_, _, message) = decode_err(decode_alerts(text));
    assert_eq!(
        message,
        "the reply is not JSON: it starts with `Service Unavailable`"
    );

    for empty in [&b""[..], b"  \r\n"] {
        let (_, _, message) = decode_err(decode_count(empty));
        assert_eq!(message, "the reply is empty");
    }

    let (_, _, message) = decode_err(decode_count(br#"{"count": 1} trailing"#));
    assert!(
        message.starts_with("the reply is not valid JSON: trailing characters"),
        "{message}"
    );
    let (_, _, message) = decode_err(decode_count(br#"{"count": 1,,}"#));
    assert!(
        message.starts_with("the reply is not valid JSON"),
        "{message}"
    );
}

// ---------------------------------------------------------------- round trips

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn decode_encode_decode_is_stable() {
    let session = decode_session(SESSION_DETAIL.as_bytes()).unwrap();
    let again = decode_session(&serde_json::to_vec(&session).unwrap()).unwrap();
    assert_eq!(session, again);

    let list = decode_session_list(SESSIONS_SEARCH.as_bytes()).unwrap();
    let again = decode_session_list(&serde_json::to_vec(&list).unwrap()).unwrap();
    assert_eq!(list, again);

    for text in [CHANNELS_SSH, CHANNELS_RDP] {
        let channels = decode_channels(text.as_bytes()).unwrap();
        let again = decode_channels(&serde_json::to_vec(&channels).unwrap()).unwrap();
        assert_eq!(channels, again);
    }

    let events = decode_events(EVENTS.as_bytes()).unwrap();
    assert_eq!(
        events,
        decode_events(&serde_json::to_vec(&events).unwrap()).unwrap()
    );
    let alerts = decode_alerts(ALERTS.as_bytes()).unwrap();
    assert_eq!(
        alerts,
        decode_alerts(&serde_json::to_vec(&alerts).unwrap()).unwrap()
    );
    let ix = decode_indexing(INDEXING.as_bytes()).unwrap();
    assert_eq!(
        ix,
        decode_indexing(&serde_json::to_vec(&ix).unwrap()).unwrap()
    );
    let dl = decode_trail_downloads(TRAIL_DOWNLOADS.as_bytes()).unwrap();
    assert_eq!(
        dl,
        decode_trail_downloads(&serde_json::to_vec(&dl).unwrap()).unwrap()
    );
    let hits = decode_content_hits(CONTENT_HITS.as_bytes()).unwrap();
    assert_eq!(
        hits,
        decode_content_hits(&serde_json::to_vec(&hits).unwrap()).unwrap()
    );

    for seed in [SEED_CSV_1, SEED_CSV_2, SEED_CSV_3] {
        let sessions = decode_session_map(seed.as_bytes()).unwrap();
        let map: serde_json::Map<String, Value> = sessions
            .iter()
            .map(|(k, s)| (k.clone(), serde_json::to_value(s).unwrap()))
            .collect();
        let again = decode_session_map(&serde_json::to_vec(&map).unwrap()).unwrap();
        assert_eq!(sessions, again);
    }
}

// Property tests run natively only (proptest does not build for wasm32).
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any ISO time SPS could write, with any offset and fraction, decodes to
        /// the right instant and re-encodes to the same text.
        #[test]
        fn iso_text_round_trips(
            secs in -2_000_000_000i64..4_000_000_000,
            nanos in 0u32..1_000_000_000,
            offset_min in -840i32..=840,
            digits in 0usize..=9,
        ) {
            let zone = FixedOffset::east_opt(offset_min * 60).unwrap();
            let when = DateTime::from_timestamp(secs, nanos).unwrap().with_timezone(&zone);
            let frac = if digits == 0 {
                String::new()
            } else {
                format!(".{:09}", nanos)[..=digits].to_owned()
            };
            let text = format!("{}{}{}", when.format("%Y-%m-%dT%H:%M:%S"), frac, when.format("%:z"));
            let t: Timestamp = serde_json::from_value(Value::String(text.clone())).unwrap();
            let truncated = 10u32.pow(9 - digits as u32);
            let want = DateTime::from_timestamp(secs, nanos / truncated * truncated).unwrap();
            prop_assert_eq!(t.instant(), want);
            prop_assert_eq!(t.offset(), Some(zone));
            prop_assert_eq!(serde_json::to_value(&t).unwrap(), Value::String(text));
        }

        /// UNIX seconds and milliseconds keep their number.
        #[test]
        fn unix_numbers_round_trip(secs in -2_000_000_000i64..4_000_000_000) {
            let t: Timestamp = serde_json::from_str(&secs.to_string()).unwrap();
            prop_assert_eq!(t.instant().timestamp(), secs);
            prop_assert_eq!(serde_json::to_string(&t).unwrap(), secs.to_string());
            let ms = secs * 1000 + 7;
            let stats: IndexingStatistics =
                serde_json::from_str(&format!(r#"{{"start_time": {ms}}}"#)).unwrap();
            let t = stats.start_time.unwrap();
            prop_assert_eq!(t.instant().timestamp_millis(), ms);
            prop_assert_eq!(t.to_string(), ms.to_string());
        }
    }
}

/// The 6.0 detail example names its gateway user `user.name`: the catalogue's
/// `name` (canonically `user.gateway_username`) must still find it.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn gateway_username_falls_back_to_user_name_of_6_0_bodies() {
    let single = decode_session(SESSION_DETAIL.as_bytes()).expect("detail example decodes");
    let session = &single.body;
    let catalogue = Catalogue::sessions();
    let matching = CompiledQuery::parse("name:myname", catalogue).expect("query compiles");
    let other = CompiledQuery::parse("name:someone", catalogue).expect("query compiles");
    assert!(matching.matches(session));
    assert!(!other.matches(session));
    let first = session.first_value("user.gateway_username");
    assert_eq!(
        first.map(|v| v.to_text().into_owned()),
        Some("myname".to_owned())
    );
}

// ---------------------------------------------------------------- SPS 7.3–8.2 fields

/// A body with every field SPS 7.3–8.2 adds (values made up, shapes as the
/// recorded replies and the vendor's connector show them).
const SESSION_7X: &str = r#"{
    "active": false,
    "analytics": {
        "bucketed_duration": "0-5m", "bucketed_starting_hour": 23,
        "interesting_events": [], "scripted": false, "similar_sessions": [], "tags": [],
        "score": {"aggregated": 42, "details": {
            "command": {"score": 12}, "fis": {"score": 40.5, "model": "v2"},
            "hostlogin": {"score": 0}, "logintime": {"score": 77},
            "keystroke": {"score": 3}, "mouse": null, "windowtitle": {"score": 9},
            "futurealgo": {"score": 1}
        }}
    },
    "log": {"adapter_name": "sudo", "auth_method": "publickey", "syslog_time": "2024-02-01T08:00:01.000Z"},
    "origin": "LOG",
    "recording": {
        "archive": {"date": "2024-02-02T00:00:00.000Z", "path": "2024-02-01/", "policy": "pol1", "server": "nas"},
        "deny_reason": "no matching policy", "network_id": "ns0", "verdict": "TERMINATED"
    },
    "server": {"address": "10.0.0.9", "id": "10.0.0.9", "ip": "10.0.0.9", "name": "srv", "port": 22},
    "trail_download_link": null,
    "user": {
        "gateway_username_domain": "CORP", "id": "u1", "name": "jdoe", "name_domain": "CORP",
        "server_username": ["root"], "server_username_domain": ["LOCAL"]
    },
    "vault": {
        "access_request_type": "SSH", "account_id": 7, "asset_partition_id": -1,
        "auto_approved": "2024-02-01T07:59:00.000Z", "expired": "not a time",
        "created": {"timestamp": "2024-02-01T07:58:00.000Z",
                    "user": {"user_id": 8, "user_name": "req", "extra": true}, "note": "x"},
        "is_emergency": false, "system_name": "web1", "new_part": {"a": [1, 2]}
    },
    "verdict": "TERMINATED"
}"#;

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sps_7x_fields_decode_and_reencode() {
    let s: Session = decode_json("session", SESSION_7X.as_bytes()).unwrap();
    assert!(s.trail_download_link.is_null());
    assert_eq!(s.trail_download_link(), None);
    let server = s.server.as_ref().unwrap();
    assert_eq!(server.id.as_deref(), Some("10.0.0.9"));
    assert_eq!(server.address.as_deref(), Some("10.0.0.9"));
    let user = s.user.as_ref().unwrap();
    assert_eq!(user.name_domain.as_deref(), Some("CORP"));
    assert_eq!(user.gateway_username_domain.as_deref(), Some("CORP"));
    assert_eq!(
        user.server_username_domain
            .as_ref()
            .map(|d| d.as_slice().to_vec()),
        Some(vec!["LOCAL".to_owned()])
    );
    assert_eq!(s.server_usernames(), ["root".to_owned()]);
    assert_eq!(s.gateway_username(), Some("jdoe"));
    assert!(s.verdict.as_ref().unwrap().is(VerdictKind::Terminated));

    let score = s.analytics.as_ref().unwrap().score.as_ref().unwrap();
    assert_eq!(score.aggregated, Some(42));
    let details = score.details.as_ref().unwrap();
    assert_eq!(
        details
            .command
            .as_ref()
            .unwrap()
            .score
            .as_ref()
            .unwrap()
            .as_i64(),
        Some(12)
    );
    let fis = details.fis.as_ref().unwrap();
    assert_eq!(fis.score.as_ref().unwrap().as_f64(), Some(40.5));
    assert_eq!(fis.other["model"], "v2");
    assert!(details.mouse.is_none());
    assert!(details.other.contains_key("futurealgo"));
    assert!(!details.is_empty());

    let log = s.log.as_ref().unwrap();
    assert_eq!(log.adapter_name.as_deref(), Some("sudo"));
    assert!(log.syslog_time.as_ref().unwrap().timestamp().is_some());

    let rec = s.recording.as_ref().unwrap();
    assert_eq!(rec.deny_reason.as_deref(), Some("no matching policy"));
    assert_eq!(rec.network_id.as_deref(), Some("ns0"));
    assert_eq!(s.archive().unwrap().path.as_deref(), Some("2024-02-01/"));

    let vault = s.vault.as_ref().unwrap();
    assert_eq!(vault.asset_partition_id, Some(-1));
    assert_eq!(vault.account_id, Some(7));
    assert_eq!(vault.is_emergency, Some(false));
    assert!(vault.auto_approved.as_ref().unwrap().timestamp().is_some());
    // A time that does not read as one is kept as text, not an error.
    assert_eq!(
        vault.expired,
        Some(TimeOrText::Text("not a time".to_owned()))
    );
    let created = vault.created.as_ref().unwrap();
    assert_eq!(created.user.as_ref().unwrap().user_id, Some(8));
    assert_eq!(created.user.as_ref().unwrap().other["extra"], true);
    assert_eq!(created.other["note"], "x");
    assert!(vault.other.contains_key("new_part"));

    // Everything comes back as sent, unknown parts included (only the
    // explicit `"mouse": null` is dropped, as `null` and missing are alike).
    let mut expected = json(SESSION_7X);
    expected["analytics"]["score"]["details"]
        .as_object_mut()
        .unwrap()
        .remove("mouse");
    assert_eq!(serde_json::to_value(&s).unwrap(), expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sps_7x_fields_are_looked_up() {
    let s: Session = serde_json::from_str(SESSION_7X).unwrap();
    let first = |path: &str| s.first_value(path).map(|v| v.to_text().into_owned());
    for (path, want) in [
        ("server.id", "10.0.0.9"),
        ("server.address", "10.0.0.9"),
        ("analytics.bucketed_duration", "0-5m"),
        ("analytics.bucketed_starting_hour", "23"),
        ("analytics.score.details.command.score", "12"),
        ("analytics.score.details.fis.score", "40.5"),
        ("analytics.score.details.hostlogin.score", "0"),
        ("analytics.score.details.logintime.score", "77"),
        ("analytics.score.details.keystroke.score", "3"),
        ("analytics.score.details.windowtitle.score", "9"),
        ("log.adapter_name", "sudo"),
        ("log.auth_method", "publickey"),
        ("log.syslog_time", "2024-02-01T08:00:01.000Z"),
        ("recording.archive.path", "2024-02-01/"),
        ("recording.archive.policy", "pol1"),
        ("recording.archive.server", "nas"),
        ("recording.deny_reason", "no matching policy"),
        ("recording.network_id", "ns0"),
        ("user.gateway_username_domain", "CORP"),
        ("user.name_domain", "CORP"),
        ("user.server_username_domain", "LOCAL"),
    ] {
        assert_eq!(first(path).as_deref(), Some(want), "{path}");
    }
    assert!(s
        .first_value("recording.archive.date")
        .unwrap()
        .instant()
        .is_some());
    assert!(s
        .first_value("log.syslog_time")
        .unwrap()
        .instant()
        .is_some());
    assert_eq!(s.first_value("analytics.score.details.mouse.score"), None);
    assert_eq!(s.first_value("trail_download_link"), Some(FieldValue::Null));
    // Not an algorithm the catalogue knows: unknown path.
    assert!(s
        .lookup("analytics.score.details.futurealgo.score")
        .is_none());

    // Filters on the new fields through the catalogue.
    let q = |text: &str| matches(&parse_query(text).unwrap(), Catalogue::sessions(), &s).unwrap();
    assert!(q("analytics.score.details.logintime.score:[50 TO *]"));
    assert!(q("analytics.score.details.fis.score:[40 TO 41]"));
    assert!(q("log.syslog_time:2024-02-01"));
    assert!(q("recording.archive.date:[2024-02-01 TO 2024-02-03]"));
    assert!(q("server.id:10.0.0.9 AND user.name_domain:corp"));
    assert!(q("recording.deny_reason:\"no matching policy\""));
    assert!(!q("user.server_username_domain:OTHER"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn missing_and_null_are_alike_and_6_0_places_are_fallbacks() {
    // Nulls everywhere the 7.x fields may be.
    let nulls = r#"{"log": null, "vault": null, "trail_download_link": null,
        "analytics": {"bucketed_duration": null, "score": {"aggregated": null, "details": null}},
        "recording": {"archive": null, "deny_reason": null, "network_id": null},
        "server": {"id": null, "address": null, "ip": "10.1.1.1"},
        "user": {"server_username": "solo", "name_domain": null, "server_username_domain": null}}"#;
    let s: Session = decode_json("session", nulls.as_bytes()).unwrap();
    let missing: Session = decode_json("session", br#"{"server": {"ip": "10.1.1.1"}}"#).unwrap();
    for s in [&s, &missing] {
        assert!(s.log.is_none() && s.vault.is_none());
        assert_eq!(s.trail_download_link(), None);
        assert!(s.archive().is_none());
        for path in [
            "log.adapter_name",
            "recording.deny_reason",
            "recording.archive.date",
            "server.id",
            "user.name_domain",
            "user.server_username_domain",
            "analytics.bucketed_duration",
            "analytics.score.details.fis.score",
        ] {
            assert_eq!(s.first_value(path), None, "{path}");
        }
        // 6.0 wrote the server's IP as `server.address`.
        assert_eq!(
            s.first_value("server.address"),
            Some(FieldValue::Str("10.1.1.1"))
        );
    }
    // A lone string server_username (6.0) is one value.
    assert_eq!(s.server_usernames(), ["solo".to_owned()]);
    assert!(missing.server_usernames().is_empty());

    // 6.0's archive place answers `recording.archive.*` too.
    let old = r#"{"recording": {"audit_trail": {"archive": {"path": "p/", "date": "2018-11-25T12:00:05.000Z"},
        "download": {"href": "/api/audit/sessions/1/audit_trail"}}}}"#;
    let s: Session = serde_json::from_str(old).unwrap();
    assert_eq!(
        s.first_value("recording.archive.path"),
        Some(FieldValue::Str("p/"))
    );
    assert_eq!(
        s.first_value("recording.archive.date").unwrap().instant(),
        Some(utc(2018, 11, 25, 12, 0, 5))
    );
    // A 7.x archive wins over the 6.0 place.
    let both = r#"{"recording": {"archive": {"path": "new/"}, "audit_trail": {"archive": {"path": "old/"}}}}"#;
    let s: Session = serde_json::from_str(both).unwrap();
    assert_eq!(
        s.first_value("recording.archive.path"),
        Some(FieldValue::Str("new/"))
    );
    assert_eq!(
        s.first_value("recording.audit_trail.archive.path"),
        Some(FieldValue::Str("old/"))
    );
}
