//! CSV export of 100,000 sessions: throughput in MB/s of output.
//!
//! Sessions are built from the reference's session detail, varied per session
//! (key, times, addresses, users, tags, interesting events, score) and decoded
//! with the crate's decoder, so timestamps keep their ISO text as from SPS.
//!
//! `cargo bench -p sps-core --bench csv_export -- --warm-up-time 1 --measurement-time 5`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};
use sps_core::{
    decode_session, session_columns, CsvExporter, CsvOptions, MultiValue, Session, SessionRow,
    SparseBody, TimeFormat, Zone,
};

const SESSIONS: usize = 100_000;
const TEMPLATE: &str = include_str!("../tests/fixtures/session_detail.json");
const FIELDS: &[&str] = &[
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

/// A small deterministic generator (xorshift).
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
}

fn sessions() -> Vec<(String, Session)> {
    let template: Value = serde_json::from_str(TEMPLATE).expect("template");
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
    (0..SESSIONS)
        .map(|i| {
            let key: String = (0..22)
                .map(|_| BASE62[rng.below(62) as usize] as char)
                .collect();
            let start = base + i as i64 * 37;
            let duration = rng.below(7200) as i64;
            let time = |t: i64| {
                chrono::DateTime::from_timestamp(t, 0)
                    .expect("time")
                    .format("%Y-%m-%dT%H:%M:%S.000+00:00")
                    .to_string()
            };
            let mut body = template["body"].clone();
            body["start_time"] = json!(time(start));
            body["end_time"] = json!(time(start + duration));
            body["duration"] = json!(duration);
            body["client"] = json!({
                "ip": format!("10.{}.{}.{}", rng.below(256), rng.below(256), rng.below(256)),
                "port": 1024 + rng.below(60000),
            });
            body["server"]["ip"] = json!(format!("192.168.{}.{}", rng.below(256), rng.below(256)));
            body["user"] = json!({
                "gateway_username": users[rng.below(users.len() as u64) as usize],
                "server_username": (0..1 + rng.below(2)).map(|_| users[rng.below(5) as usize]).collect::<Vec<_>>(),
            });
            body["analytics"]["tags"] =
                json!((0..rng.below(3)).map(|_| tags[rng.below(6) as usize]).collect::<Vec<_>>());
            body["analytics"]["interesting_events"] =
                json!((0..rng.below(3)).map(|_| events[rng.below(7) as usize]).collect::<Vec<_>>());
            body["analytics"]["score"] = json!({"aggregated": rng.below(101)});
            let item = json!({"key": key, "body": body});
            let session = decode_session(item.to_string().as_bytes()).expect("decode");
            (key, session.body)
        })
        .collect()
}

/// The same sessions as sparse list rows (`fields=` bodies from SPS).
fn sparse(sessions: &[(String, Session)]) -> Vec<SessionRow> {
    sessions
        .iter()
        .map(|(key, session)| {
            let full = serde_json::to_value(session).expect("encode");
            let mut body = SparseBody::new();
            for field in FIELDS {
                let value = field
                    .split('.')
                    .try_fold(&full, |v, part| v.get(part))
                    .cloned()
                    .unwrap_or(Value::Null);
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

fn export<R: sps_core::SessionRecord>(
    rows: &[R],
    options: &CsvOptions,
    capacity: usize,
) -> Vec<u8> {
    let mut exporter =
        CsvExporter::new(Vec::with_capacity(capacity), options.clone()).expect("exporter");
    // Pages of 500, as they arrive from SPS.
    for page in rows.chunks(500) {
        exporter.write_page(page).expect("write");
    }
    exporter.finish().expect("finish")
}

fn bench(c: &mut Criterion) {
    let sessions = sessions();
    let rows = sparse(&sessions);
    let columns = session_columns(FIELDS).expect("columns");
    let viewer = CsvOptions {
        multi_value: MultiValue::Join,
        time: TimeFormat::Zone(Zone::Utc),
        ..CsvOptions::new(columns.clone())
    };
    let sps = CsvOptions::sps_compatible(columns);

    let mut group = c.benchmark_group("csv_export_100k");
    group.sample_size(10);
    for (name, options) in [
        ("viewer_full_sessions", &viewer),
        ("sps_full_sessions", &sps),
    ] {
        let size = export(&sessions, options, 0).len();
        eprintln!("{name}: {size} bytes for {SESSIONS} sessions");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(export(black_box(&sessions), options, size).len()))
        });
    }
    for (name, options) in [("viewer_sparse_rows", &viewer), ("sps_sparse_rows", &sps)] {
        let size = export(&rows, options, 0).len();
        eprintln!("{name}: {size} bytes for {SESSIONS} sessions");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(export(black_box(&rows), options, size).len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
