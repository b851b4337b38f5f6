//! Bounded load test on loopback, run by `cargo xtask bench`: N concurrent
//! clients (each logged in, one keep-alive connection) list sessions for S
//! seconds against the simulator directly, then for S seconds through the
//! gateway in front of the same simulator. Prints one line
//! `gateway_load {json}` with p50/p99 of both and the failures (any error or
//! non-200 counts).
//!
//! `cargo run --release -p sps-gateway --example load -- --clients 200 --seconds 60`

use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;

#[derive(Parser)]
struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Seconds per phase (direct, then through the gateway).
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Sessions the simulator generates.
    #[arg(long, default_value_t = 2000)]
    sessions: usize,
}

const PAGE: &str =
    "/api/audit/sessions?limit=20&fields=protocol,user.gateway_username,server.ip,start_time,duration,verdict,active";

struct Outcome {
    latencies_us: Vec<u64>,
    failures: u64,
}

async fn client_loop(base: String, deadline: Instant) -> Outcome {
    let mut out = Outcome {
        latencies_us: Vec::new(),
        failures: 0,
    };
    let Ok(c) = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
    else {
        out.failures += 1;
        return out;
    };
    let login = c
        .get(format!("{base}/api/authentication"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await;
    if !login.is_ok_and(|r| r.status() == 200) {
        out.failures += 1;
        return out;
    }
    let url = format!("{base}{PAGE}");
    while Instant::now() < deadline {
        let t0 = Instant::now();
        let ok = match c.get(&url).send().await {
            Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
            _ => false,
        };
        if ok {
            out.latencies_us.push(t0.elapsed().as_micros() as u64);
        } else {
            out.failures += 1;
        }
    }
    out
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

async fn phase(base: &str, clients: usize, seconds: u64) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|_| tokio::spawn(client_loop(base.to_owned(), deadline)))
        .collect();
    let mut all = Vec::new();
    let mut failures = 0;
    for t in tasks {
        match t.await {
            Ok(o) => {
                all.extend(o.latencies_us);
                failures += o.failures;
            }
            Err(_) => failures += 1,
        }
    }
    all.sort_unstable();
    json!({
        "requests": all.len(),
        "failures": failures,
        "rps": all.len() as f64 / seconds as f64,
        "p50_ms": percentile(&all, 0.50),
        "p99_ms": percentile(&all, 0.99),
        "max_ms": percentile(&all, 1.0),
    })
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let sim = match sps_sim::start(sps_sim::Config::for_tests(args.sessions)).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("load: simulator: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let direct_base = format!("http://{}", sim.addr);
    let mut cfg = sps_gateway::Config::new(direct_base.clone());
    cfg.allow_plain_http = true;
    cfg.log = sps_gateway::LogSink::Off;
    let gw = match sps_gateway::start(cfg).await {
        Ok(g) => g,
        Err(e) => {
            eprintln!("load: gateway: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let via = gw.base();
    eprintln!(
        "load: {} clients x {} s direct to {direct_base}, then through {via}",
        args.clients, args.seconds
    );
    let direct = phase(&direct_base, args.clients, args.seconds).await;
    let gateway = phase(&via, args.clients, args.seconds).await;
    let added =
        |k: &str| gateway[k].as_f64().unwrap_or(f64::NAN) - direct[k].as_f64().unwrap_or(f64::NAN);
    let result = json!({
        "clients": args.clients,
        "seconds": args.seconds,
        "sessions": args.sessions,
        "page": PAGE,
        "direct": direct,
        "gateway": gateway,
        "added_p50_ms": added("p50_ms"),
        "added_p99_ms": added("p99_ms"),
    });
    println!("gateway_load {result}");
    let failed =
        direct["failures"].as_u64().unwrap_or(1) + gateway["failures"].as_u64().unwrap_or(1);
    if failed > 0 {
        eprintln!("load: {failed} failed requests");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
