//! How fast the simulator answers the requests the viewer makes, over 100,000
//! generated sessions: a 500-row page of full bodies (first and deep), with a
//! `q` filter, sorted, and as CSV, plus the time to generate the sessions.
//! Not a figure of the product (an appliance answers these), but what keeps
//! every end-to-end test and benchmark quick; run by `cargo xtask bench`.

#[path = "../tests/common/mod.rs"]
mod common;

mod support;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

const SESSIONS: usize = 100_000;

/// The requests timed: (name, path and query).
const REQUESTS: [(&str, &str); 5] = [
    ("page_500_full", "/api/audit/sessions?fields=*&limit=500"),
    (
        "page_500_full_offset_9500",
        "/api/audit/sessions?fields=*&limit=500&offset=9500",
    ),
    (
        "page_500_full_q",
        "/api/audit/sessions?fields=*&limit=500&q=protocol:ssh%20AND%20verdict:accept%20AND%20duration:[60%20TO%20*]",
    ),
    (
        "page_500_full_sort_duration",
        "/api/audit/sessions?fields=*&limit=500&sort=-duration",
    ),
    (
        "page_500_csv",
        "/api/audit/sessions?fields=*&limit=500&format=csv",
    ),
];

/// One request: its status must be 200 and its body non-empty, so that an
/// error reply can never pass for a fast answer.
async fn get(client: &reqwest::Client, url: &str) -> usize {
    let reply = match client.get(url).send().await {
        Ok(reply) => reply,
        Err(e) => panic!("GET {url}: {e}"),
    };
    assert_eq!(reply.status(), 200, "GET {url}");
    match reply.bytes().await {
        Ok(body) if !body.is_empty() => body.len(),
        Ok(_) => panic!("GET {url}: empty body"),
        Err(e) => panic!("GET {url}: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let rt = support::runtime();
    let started = Instant::now();
    let sim = rt.block_on(common::start_n(SESSIONS));
    println!(
        "simulator generate: {SESSIONS} sessions in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let client = rt.block_on(common::login(&sim));

    let mut group = c.benchmark_group("simulator_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for (name, path) in REQUESTS {
        let url = sim.url(path);
        // Besides criterion's report, a median of its own in one line that
        // `cargo xtask bench` reads into its table.
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..7 {
            let t0 = Instant::now();
            bytes = rt.block_on(get(&client, &url));
            times.push(t0.elapsed());
        }
        println!(
            "simulator {name}: {:.1} ms median, {bytes} bytes",
            support::median(times).as_secs_f64() * 1e3
        );
        group.bench_function(name, |b| b.iter(|| rt.block_on(get(&client, &url))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
