//! Command-line parsing into a `Config`.

use clap::Parser;
use sps_sim::{Args, Config};

fn parse(args: &[&str]) -> Result<Config, String> {
    let a = Args::try_parse_from(std::iter::once("sps-sim").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    Config::try_from(a).map_err(|e| e.to_string())
}

#[test]
fn defaults() {
    let c = parse(&[]).unwrap();
    assert_eq!(c.port, 8080);
    assert_eq!(c.host.to_string(), "127.0.0.1");
    assert_eq!(c.sessions, 20_000);
    assert_eq!(c.seed, 1);
    assert_eq!(c.session_timeout.as_secs(), 43_200);
    assert_eq!(c.compat, sps_sim::Compat::Real);
    assert_eq!(c.public_base, "https://127.0.0.1");
    assert_eq!(c.users.len(), 2);
    assert_eq!(c.users[0].name, "admin");
    assert!(!c.users[1].can_search);
    assert_eq!(
        chrono::Timelike::minute(&c.now),
        0,
        "now rounded to the hour"
    );
}

#[test]
fn all_flags() {
    let c = parse(&[
        "--port",
        "0",
        "--host",
        "0.0.0.0",
        "--sessions",
        "5",
        "--seed",
        "9",
        "--user",
        "a:b:c",
        "--user",
        "x:y",
        "--session-timeout",
        "3",
        "--latency-ms",
        "10",
        "--error-rate",
        "0.1",
        "--expire-after",
        "4",
        "--snapshot-429-every",
        "2",
        "--truncate-rate",
        "0.2",
        "--snapshot-ttl",
        "7",
        "--max-snapshots",
        "2",
        "--public-base",
        "https://sps.example/",
        "--now",
        "2025-01-01T00:00:00Z",
        "--static",
        "/tmp",
        "--data",
        "/tmp/x.json",
    ])
    .unwrap();
    assert_eq!(c.users.len(), 2);
    assert_eq!(
        (c.users[0].name.as_str(), c.users[0].password.as_str()),
        ("a", "b:c")
    );
    assert_eq!(c.session_timeout.as_secs(), 3);
    assert_eq!(c.expire_after, Some(4));
    assert_eq!(c.snapshot_429_every, Some(2));
    assert_eq!(c.public_base, "https://sps.example");
    assert_eq!(c.now.to_rfc3339(), "2025-01-01T00:00:00+00:00");
    assert_eq!(c.max_snapshots, 2);
}

#[test]
fn invalid_values() {
    assert!(parse(&["--error-rate", "2"]).is_err());
    assert!(parse(&["--user", "nopassword"]).is_err());
}
