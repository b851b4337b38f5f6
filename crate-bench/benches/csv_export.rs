//! CSV export of 100,000 sessions: throughput in MB/s of output.
//!
//! The sessions come from `sps_bench::bench_data`, the
//! same data the wasm bench (this crate) exports in the browser, so that
//! `cargo xtask bench` can put the two throughputs side by side.
//!
//! `cargo bench -p sps-bench --bench csv_export -- --warm-up-time 1 --measurement-time 5`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sps_bench::bench_data::{export, sessions, sparse_rows, sps_options, viewer_options, SESSIONS};

fn bench(c: &mut Criterion) {
    let sessions = match sessions(SESSIONS) {
        Ok(s) => s,
        Err(e) => panic!("bench sessions: {e}"),
    };
    let rows = match sparse_rows(&sessions) {
        Ok(r) => r,
        Err(e) => panic!("sparse rows: {e}"),
    };
    let (viewer, sps) = match (viewer_options(), sps_options()) {
        (Ok(v), Ok(s)) => (v, s),
        (Err(e), _) | (_, Err(e)) => panic!("csv options: {e}"),
    };
    let mut group = c.benchmark_group("csv_export_100k");
    group.sample_size(10);
    for (name, options) in [
        ("viewer_full_sessions", &viewer),
        ("sps_full_sessions", &sps),
    ] {
        let size = match export(&sessions, options, 0) {
            Ok(bytes) => bytes.len(),
            Err(e) => panic!("{name}: {e}"),
        };
        eprintln!("{name}: {size} bytes for {SESSIONS} sessions");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(export(black_box(&sessions), options, size).map(|v| v.len())))
        });
    }
    for (name, options) in [("viewer_sparse_rows", &viewer), ("sps_sparse_rows", &sps)] {
        let size = match export(&rows, options, 0) {
            Ok(bytes) => bytes.len(),
            Err(e) => panic!("{name}: {e}"),
        };
        eprintln!("{name}: {size} bytes for {SESSIONS} sessions");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(name, |b| {
            b.iter(|| black_box(export(black_box(&rows), options, size).map(|v| v.len())))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
