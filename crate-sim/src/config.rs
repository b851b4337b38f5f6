//! Command-line options and the run-time configuration they produce.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use clap::Parser;

use crate::error::SimError;
use crate::faults::FaultRule;

/// A user the simulator accepts, with or without the right to search sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec {
    /// Login name (UTF-8, may contain anything but `:`).
    pub name: String,
    /// Password (UTF-8).
    pub password: String,
    /// Whether the user may read `/api/audit/*` (403 otherwise).
    pub can_search: bool,
}

impl UserSpec {
    /// Parses `name:password` (the password may itself contain `:`).
    pub fn parse(spec: &str) -> Result<Self, SimError> {
        let (name, password) = spec
            .split_once(':')
            .ok_or_else(|| SimError::Config(format!("--user `{spec}`: expected name:password")))?;
        if name.is_empty() {
            return Err(SimError::Config(format!(
                "--user `{spec}`: empty user name"
            )));
        }
        Ok(UserSpec {
            name: name.to_owned(),
            password: password.to_owned(),
            can_search: true,
        })
    }
}

/// Command-line arguments of the `sps-sim` binary.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "sps-sim",
    version,
    about = "Simulator of the One Identity SPS audit REST API"
)]
pub struct Args {
    /// TCP port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Number of sessions to generate (ignored with --data).
    #[arg(long, default_value_t = 20_000)]
    pub sessions: usize,
    /// Seed of the data generator: the same seed and --now give the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Base time of generated data (RFC 3339); default: now, rounded down to the hour.
    #[arg(long)]
    pub now: Option<DateTime<Utc>>,
    /// Load sessions from a JSON file (object key->body, array of {key, body}, or NDJSON).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Serve the built viewer from this directory on the same origin.
    #[arg(long = "static")]
    pub static_dir: Option<PathBuf>,
    /// Accepted user `name:password` (repeatable). Default: admin:admin and auditor-nosearch:auditor.
    #[arg(long = "user")]
    pub users: Vec<String>,
    /// Inactivity timeout of a login, in seconds [default: 43200, as recorded;
    /// 1200 with --compat 6.0].
    #[arg(long)]
    pub session_timeout: Option<u64>,
    /// Delay added to every /api response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Fraction (0..1) of /api requests answered with a random 5xx.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// A login cookie expires after this many authenticated requests.
    #[arg(long)]
    pub expire_after: Option<u64>,
    /// Every Nth snapshot request is answered 429.
    #[arg(long = "snapshot-429-every")]
    pub snapshot_429_every: Option<u64>,
    /// Fraction (0..1) of /api responses whose body is cut short (connection dropped).
    #[arg(long, default_value_t = 0.0)]
    pub truncate_rate: f64,
    /// Faults for every request to a path: `LIST[@PATH]`, LIST as in the
    /// X-Sim-Fault header (`html`, `wrongtype`, `huge=16`, ...), PATH exact or
    /// a prefix ending in `*` (default /api/audit/*). Repeatable; cleared by
    /// `DELETE /_sim/faults`.
    #[arg(long = "fault")]
    pub faults: Vec<String>,
    /// Seconds a snapshot lives after its last use.
    #[arg(long, default_value_t = 300)]
    pub snapshot_ttl: u64,
    /// How many snapshots may be open at once before 429.
    #[arg(long, default_value_t = 5)]
    pub max_snapshots: usize,
    /// Base of the `trail_download_link` CSV column.
    #[arg(long, default_value = "https://127.0.0.1")]
    pub public_base: String,
    /// Firmware version reported by /api/info [default: 7.4.0, as recorded;
    /// 7.5.0 with --compat 6.0].
    #[arg(long)]
    pub firmware_version: Option<String>,
    /// Reply shapes: `real` (SPS 7.x/8.x as recorded in ../shared/real-sps,
    /// the default) or `6.0` (the 6.0 reference pages' shapes and data).
    #[arg(long, default_value = "real", value_parser = Compat::parse)]
    pub compat: Compat,
}

/// Which appliance the replies imitate (`--compat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compat {
    /// SPS 7.x/8.x as recorded (`../shared/real-sps/`): `match_count` capped
    /// at 10,000, upper snake case verdicts, lists for multi-valued fields,
    /// list items without links, bare `_count`/`_snapshot`/`info` replies,
    /// `Secure` 12-hour cookie.
    #[default]
    Real,
    /// The 6.0 reference pages (`--compat 6.0`): exactly the simulator of
    /// before, uncapped `match_count`, hyphenated verdicts, links and flags
    /// on list items, `meta` everywhere (the seed CSV examples reproduce).
    V6_0,
}

impl Compat {
    /// `real` or `6.0`.
    pub fn parse(text: &str) -> Result<Compat, String> {
        match text {
            "real" => Ok(Compat::Real),
            "6.0" => Ok(Compat::V6_0),
            other => Err(format!("`{other}`: expected `real` or `6.0`")),
        }
    }

    /// True for the 6.0 shapes.
    pub fn is_6_0(self) -> bool {
        self == Compat::V6_0
    }
}

/// Everything the server needs to run; built from [`Args`] or by tests directly.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub host: IpAddr,
    /// Port (0 = any free port).
    pub port: u16,
    /// Number of generated sessions.
    pub sessions: usize,
    /// Generator seed.
    pub seed: u64,
    /// Base time of generated data ("now" of the data set).
    pub now: DateTime<Utc>,
    /// Sessions file to load instead of generating.
    pub data: Option<PathBuf>,
    /// Directory of the built viewer.
    pub static_dir: Option<PathBuf>,
    /// Accepted users.
    pub users: Vec<UserSpec>,
    /// Inactivity timeout of a login.
    pub session_timeout: Duration,
    /// Delay added to every /api response.
    pub latency: Duration,
    /// Fraction of /api requests answered with a 5xx.
    pub error_rate: f64,
    /// A cookie expires after this many authenticated requests.
    pub expire_after: Option<u64>,
    /// Every Nth snapshot request answers 429.
    pub snapshot_429_every: Option<u64>,
    /// Fraction of responses cut short.
    pub truncate_rate: f64,
    /// Fault rules in force from the start (`--fault`).
    pub faults: Vec<FaultRule>,
    /// Lifetime of an unused snapshot.
    pub snapshot_ttl: Duration,
    /// Open snapshots allowed at once.
    pub max_snapshots: usize,
    /// Base URL for CSV download links.
    pub public_base: String,
    /// Firmware version for /api/info.
    pub firmware_version: String,
    /// Reply shapes.
    pub compat: Compat,
}

impl Config {
    /// The default demo users: `admin`/`admin` (full rights) and
    /// `auditor-nosearch`/`auditor` (no search rights: 403 on /api/audit).
    pub fn default_users() -> Vec<UserSpec> {
        vec![
            UserSpec {
                name: "admin".into(),
                password: "admin".into(),
                can_search: true,
            },
            UserSpec {
                name: "auditor-nosearch".into(),
                password: "auditor".into(),
                can_search: false,
            },
        ]
    }

    /// A configuration for tests: loopback, port 0, `n` sessions, fixed clock, no faults.
    pub fn for_tests(sessions: usize) -> Self {
        let now = DateTime::parse_from_rfc3339("2026-11-23T06:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|_| Utc::now());
        Config {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            sessions,
            seed: 1,
            now,
            data: None,
            static_dir: None,
            users: Self::default_users(),
            session_timeout: Duration::from_secs(43_200),
            latency: Duration::ZERO,
            error_rate: 0.0,
            expire_after: None,
            snapshot_429_every: None,
            truncate_rate: 0.0,
            faults: Vec::new(),
            snapshot_ttl: Duration::from_secs(300),
            max_snapshots: 5,
            public_base: "https://127.0.0.1".into(),
            firmware_version: "7.4.0".into(),
            compat: Compat::Real,
        }
    }

    /// The same configuration with other reply shapes (tests of `--compat 6.0`).
    pub fn with_compat(mut self, compat: Compat) -> Self {
        self.compat = compat;
        if compat.is_6_0() {
            // The 6.0 defaults of before.
            self.session_timeout = Duration::from_secs(1200);
            self.firmware_version = "7.5.0".into();
        }
        self
    }
}

/// The current time rounded down to the hour, so that restarts within the hour
/// regenerate identical data.
fn this_hour() -> DateTime<Utc> {
    let now = Utc::now();
    now.with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now)
}

impl TryFrom<Args> for Config {
    type Error = SimError;

    fn try_from(a: Args) -> Result<Self, SimError> {
        let users = if a.users.is_empty() {
            Config::default_users()
        } else {
            a.users
                .iter()
                .map(|u| UserSpec::parse(u))
                .collect::<Result<Vec<_>, _>>()?
        };
        for (flag, v) in [
            ("--error-rate", a.error_rate),
            ("--truncate-rate", a.truncate_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(SimError::Config(format!("{flag} must be between 0 and 1")));
            }
        }
        let faults = a
            .faults
            .iter()
            .map(|f| {
                FaultRule::parse_flag(f)
                    .map_err(|e| SimError::Config(format!("--fault `{f}`: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Config {
            host: a.host,
            port: a.port,
            sessions: a.sessions,
            seed: a.seed,
            now: a.now.unwrap_or_else(this_hour),
            data: a.data,
            static_dir: a.static_dir,
            users,
            session_timeout: Duration::from_secs(
                a.session_timeout
                    .unwrap_or(if a.compat.is_6_0() { 1200 } else { 43_200 }),
            ),
            latency: Duration::from_millis(a.latency_ms),
            error_rate: a.error_rate,
            expire_after: a.expire_after.filter(|n| *n > 0),
            snapshot_429_every: a.snapshot_429_every.filter(|n| *n > 0),
            truncate_rate: a.truncate_rate,
            faults,
            snapshot_ttl: Duration::from_secs(a.snapshot_ttl),
            max_snapshots: a.max_snapshots.max(1),
            public_base: a.public_base.trim_end_matches('/').to_owned(),
            firmware_version: a
                .firmware_version
                .unwrap_or_else(|| if a.compat.is_6_0() { "7.5.0" } else { "7.4.0" }.to_owned()),
            compat: a.compat,
        })
    }
}
