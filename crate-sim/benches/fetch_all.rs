//! `sps_core::Client::fetch_all` of 10,000 sessions from the in-process
//! simulator with 1 and with 4 pages in flight, at 0 ms and 20 ms of simulated
//! latency per request. Besides criterion's own report, prints the two times
//! measured side by side (alternating runs, medians) and their ratio, since
//! the point is how much in-flight concurrency buys.

#[path = "../tests/fetch_support/mod.rs"]
mod fetch_support;

mod support;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use fetch_support::SimTransport;
use sps_core::{CancelToken, Client, FetchOptions, NoObserver, SessionSearch};
use sps_sim::Config;

const SESSIONS: usize = 10_000;

/// The viewer's list columns: realistic page bodies.
const FIELDS: [&str; 7] = [
    "protocol",
    "user.gateway_username",
    "server.ip",
    "start_time",
    "duration",
    "verdict",
    "active",
];

async fn fetch(client: &Client<SimTransport>, search: &SessionSearch, in_flight: usize) -> usize {
    let options = FetchOptions {
        in_flight,
        ..FetchOptions::default()
    };
    match client
        .fetch_all(search, &options, &mut NoObserver, &CancelToken::new())
        .await
    {
        Ok(fetched) => fetched.items.len(),
        Err(e) => panic!("fetch_all failed: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let rt = support::runtime();
    let search = match SessionSearch::new().with_fields(FIELDS) {
        Ok(s) => s,
        Err(e) => panic!("search: {e}"),
    };
    for latency_ms in [0u64, 20] {
        let mut config = Config::for_tests(SESSIONS);
        config.latency = Duration::from_millis(latency_ms);
        let (client, _sim) = rt.block_on(async {
            let sim = match sps_sim::start(config).await {
                Ok(sim) => sim,
                Err(e) => panic!("simulator: {e}"),
            };
            let client = Client::new(SimTransport::new(&sim));
            if let Err(e) = client.login("admin", "admin", None).await {
                panic!("login: {e}");
            }
            (client, sim)
        });

        // Side by side: alternate 1 and 4 in flight so that drift hits both.
        let (mut one, mut four) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            for (n, times) in [(1, &mut one), (4, &mut four)] {
                let t0 = Instant::now();
                let got = rt.block_on(fetch(&client, &search, n));
                times.push(t0.elapsed());
                assert_eq!(got, SESSIONS);
            }
        }
        let (one, four) = (support::median(one), support::median(four));
        println!(
            "fetch_all {SESSIONS} sessions, {latency_ms} ms latency: 1 in flight {one:.1?}, \
             4 in flight {four:.1?}, ratio {:.2}x",
            one.as_secs_f64() / four.as_secs_f64()
        );

        let mut group = c.benchmark_group(format!("fetch_all_10k_latency_{latency_ms}ms"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(8));
        for n in [1usize, 4] {
            group.bench_function(format!("in_flight_{n}"), |b| {
                b.iter(|| rt.block_on(fetch(&client, &search, n)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
