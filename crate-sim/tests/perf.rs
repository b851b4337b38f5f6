//! Timing figures (printed, never asserted): run with
//! `cargo test -p sps-sim --release --test perf -- --nocapture`.

mod common;

use std::time::{Duration, Instant};

use common::*;

async fn time(c: &reqwest::Client, url: &str, runs: usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let r = c.get(url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        bytes = r.bytes().await.unwrap().len();
        best = best.min(t.elapsed());
    }
    (best, bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_of_500_full_bodies_over_100k_sessions() {
    let t = Instant::now();
    let sim = start_n(100_000).await;
    let gen = t.elapsed();
    let c = login(&sim).await;
    let (full, bytes) = time(&c, &sim.url("/api/audit/sessions?fields=*&limit=500"), 5).await;
    let (deep, _) = time(
        &c,
        &sim.url("/api/audit/sessions?fields=*&limit=500&offset=9500"),
        5,
    )
    .await;
    let (q, _) = time(&c, &sim.url("/api/audit/sessions?fields=*&limit=500&q=protocol:ssh%20AND%20verdict:accept%20AND%20duration:[60%20TO%20*]"), 3).await;
    let (sorted, _) = time(
        &c,
        &sim.url("/api/audit/sessions?fields=*&limit=500&sort=-duration"),
        3,
    )
    .await;
    let (csv, _) = time(
        &c,
        &sim.url("/api/audit/sessions?fields=*&limit=500&format=csv"),
        3,
    )
    .await;
    println!("PERF generate 100,000 sessions: {gen:.1?}");
    println!("PERF 500-item page fields=* (first page): {full:.1?} ({bytes} bytes)");
    println!("PERF 500-item page fields=* offset=9500: {deep:.1?}");
    println!("PERF 500-item page fields=* with q over 100k: {q:.1?}");
    println!("PERF 500-item page fields=* sort=-duration over 100k: {sorted:.1?}");
    println!("PERF 500-item page fields=* format=csv: {csv:.1?}");
}
