//! Deterministic sessions for the benchmarks.
//!
//! One copy of the data shared by the native criterion bench
//! (`benches/csv_export.rs`) and the wasm bench (this crate's exports), so that the
//! native and browser figures of `cargo xtask bench` measure the same work.
//!
//! Sessions are built from the reference's session detail, varied per session
//! (key, times, addresses, users, tags, interesting events, score) and decoded
//! with the crate's decoder, so timestamps keep their ISO text as from SPS.

use serde_json::{json, Value};

use sps_core::export::{
    session_columns, CsvExporter, CsvOptions, MultiValue, SessionExporter, SessionRecord,
    TimeFormat,
};
use sps_core::model::{decode_json, decode_session, Session, SessionRow, SparseBody, Zone};
use sps_core::{ErrorKind, Result};

/// How many sessions the CSV benches export.
pub const SESSIONS: usize = 100_000;

/// The reference's session detail, the template of every generated session.
const TEMPLATE: &str = include_str!("../../crate-core/tests/fixtures/session_detail.json");

/// The exported columns: the viewer's list columns plus the multi-valued ones
/// that make CSV export non-trivial.
pub const FIELDS: &[&str] = &[
    "protocol",
    "start_time",
    "end_time",
    "user.gateway_username",
    "user.server_username",
    "server.ip",
    "server.port",
    "client.ip",
    "client.port",
    "recording.verdict",
    "recording.connection_policy",
    "analytics.score.aggregated",
    "analytics.tags",
    "analytics.interesting_events",
    "duration",
    "trail_download_link",
];

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A small deterministic generator (xorshift): same sessions on every run and
/// on every target, without a `rand` dependency in a wasm build.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// `count` full sessions with their keys.
pub fn sessions(count: usize) -> Result<Vec<(String, Session)>> {
    let template: Value = decode_json("bench template", TEMPLATE.as_bytes())?;
    // Includes non-ASCII names and a formula, which the CSV writer must guard.
    let users = [
        "alice",
        "bob",
        "carol",
        "dávid",
        "ütő",
        "root-ops",
        "=cmd|' /C calc'!A0",
    ];
    let tags = ["sudo", "prod", "night", "privileged", "scripted", "vendor"];
    let events = [
        "sudo",
        "systemctl",
        "rm -rf /tmp/x",
        "cat /etc/shadow",
        "vim",
        "ssh",
        "scp",
    ];
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let base = 1_763_891_700_i64; // 2025-11-23T10:15:00Z
    let time = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%S.000+00:00").to_string())
            .unwrap_or_default()
    };
    (0..count)
        .map(|i| {
            let key: String = (0..22)
                .map(|_| BASE62[rng.below(62) as usize] as char)
                .collect();
            let start = base + i as i64 * 37;
            let duration = rng.below(7200) as i64;
            let mut body = template["body"].clone();
            body["start_time"] = json!(time(start));
            body["end_time"] = json!(time(start + duration));
            body["duration"] = json!(duration);
            body["client"] = json!({
                "ip": format!("10.{}.{}.{}", rng.below(256), rng.below(256), rng.below(256)),
                "port": 1024 + rng.below(60000),
            });
            body["server"]["ip"] = json!(format!("192.168.{}.{}", rng.below(256), rng.below(256)));
            let gateway = rng.pick(&users);
            let server_users: Vec<&str> = (0..1 + rng.below(2))
                .map(|_| rng.pick(&users[..5]))
                .collect();
            body["user"] = json!({"gateway_username": gateway, "server_username": server_users});
            let session_tags: Vec<&str> = (0..rng.below(3)).map(|_| rng.pick(&tags)).collect();
            body["analytics"]["tags"] = json!(session_tags);
            let session_events: Vec<&str> = (0..rng.below(3)).map(|_| rng.pick(&events)).collect();
            body["analytics"]["interesting_events"] = json!(session_events);
            body["analytics"]["score"] = json!({"aggregated": rng.below(101)});
            let item = json!({"key": key, "body": body});
            let session = decode_session(item.to_string().as_bytes())?;
            Ok((key, session.body))
        })
        .collect()
}

/// The same sessions as sparse list rows (the `fields=` bodies SPS sends).
pub fn sparse_rows(sessions: &[(String, Session)]) -> Result<Vec<SessionRow>> {
    sessions
        .iter()
        .map(|(key, session)| {
            let full = serde_json::to_value(session).map_err(|e| ErrorKind::Decode {
                what: "bench session".to_owned(),
                path: String::new(),
                message: e.to_string(),
            })?;
            let mut body = SparseBody::new();
            for field in FIELDS {
                let value = field
                    .split('.')
                    .try_fold(&full, |v, part| v.get(part))
                    .cloned()
                    .unwrap_or(Value::Null);
                body.insert(*field, value);
            }
            Ok(SessionRow {
                key: key.clone(),
                meta: None,
                body: Some(body),
            })
        })
        .collect()
}

/// The viewer's export settings: multi-valued fields joined, times in UTC.
pub fn viewer_options() -> Result<CsvOptions> {
    Ok(CsvOptions {
        multi_value: MultiValue::Join,
        time: TimeFormat::Zone(Zone::Utc),
        ..CsvOptions::new(session_columns(FIELDS)?)
    })
}

/// SPS's own CSV format (one row per value, times as sent).
pub fn sps_options() -> Result<CsvOptions> {
    Ok(CsvOptions::sps_compatible(session_columns(FIELDS)?))
}

/// Exports `rows` to CSV in pages of 500, as they arrive from SPS.
pub fn export<R: SessionRecord>(
    rows: &[R],
    options: &CsvOptions,
    capacity: usize,
) -> Result<Vec<u8>> {
    let mut exporter = CsvExporter::new(Vec::with_capacity(capacity), options.clone())?;
    for page in rows.chunks(500) {
        exporter.write_page(page)?;
    }
    exporter.finish()
}
