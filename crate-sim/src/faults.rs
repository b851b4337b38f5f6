//! Fault injection, for testing clients against a misbehaving appliance.
//!
//! Per request: header `X-Sim-Fault` or query parameter `_fault`, a comma
//! separated list of
//!
//! - `latency=<ms>`: wait before answering;
//! - `status=<code>`: answer with this status and an error envelope;
//! - `status429`: answer 429 (as when too many snapshots are open);
//! - `expire`: expire the login cookie first (the request then gets 401);
//! - `truncate`: send half the body, then drop the connection;
//! - `miscount=<n>`: `_count` answers its count plus `n` (a signed integer,
//!   never below 0), for clients that must notice a `_count` that disagrees
//!   with what the pages bring.
//!
//! and of malformed replies, as proxies, login portals and broken appliances
//! send them (one per request; the last one named wins):
//!
//! - `html[=<code>]`: an HTML page instead of the reply: a proxy's error page
//!   (default `502 Bad Gateway`), or with `html=200` a login portal's page;
//! - `empty[=<code>]`: an empty body (default status 200);
//! - `garbage`: 200 `application/json` with binary bytes (a compressed body
//!   without its `Content-Encoding`);
//! - `cut`: the real reply's first half, sent as a complete reply (its
//!   `Content-Length` is the half's): JSON that stops mid-way, as from a
//!   proxy that cut the body at a size limit;
//! - `wrongtype`: the real reply, valid JSON, with a value of the wrong type:
//!   `items` an object, a single object's `body.duration` the text `"many"`,
//!   `_count`'s `count` the text `"many"`;
//! - `huge[=<MB>]`: the real reply with one text value replaced by a string
//!   of that many megabytes (default 8, at most 64): the first item's (or the
//!   body's) gateway username, event `content`, channel `command` or alert
//!   `matched_content`, else a new field `huge`.
//!
//! Faults for requests a test cannot add a header to (a browser's, the npm
//! package's): rules, each the same list for every request whose path matches,
//! a given number of times or until cleared. Set at start with `--fault
//! LIST[@PATH]` (repeatable) or at run time through `/_sim/faults`:
//! `POST` a JSON `{"fault": "html=502", "path": "/api/audit/sessions", "times": 1}`
//! (`path` exact, or a prefix ending in `*`, default `/api/audit/*`; `times`
//! default: until cleared) to add one, `GET` to list them, `DELETE` to clear
//! them all.
//!
//! Globally (command line): `--latency-ms`, `--error-rate`, `--truncate-rate`,
//! `--expire-after`, `--snapshot-429-every`, `--fault`.
//!
//! This is for tests only: the simulator has no proxy mode, and
//! `sps-gateway`, which fronts real appliances, has none of it.
//! `POST /_sim/faults` takes only `Content-Type: application/json` (415
//! otherwise), which a cross-site page cannot send without a CORS preflight
//! the simulator never grants; and every `/_sim` request that carries an
//! `Origin` must come from a loopback origin (`http://127.0.0.1:*`,
//! `http://localhost:*`, `[::1]`), else 403. Browsers send `Origin` on every
//! cross-origin `POST`/`DELETE`; tools (curl, the tests) send none and stay
//! allowed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use futures_util::StreamExt;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::auth::cookie_token;
use crate::error::ApiError;
use crate::state::AppState;

/// Header naming faults for one request.
pub const FAULT_HEADER: &str = "x-sim-fault";
/// Query parameter naming faults for one request.
pub const FAULT_PARAM: &str = "_fault";

/// Faults requested for one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fault {
    /// Extra delay.
    pub latency: Option<Duration>,
    /// Answer with this status.
    pub status: Option<u16>,
    /// Answer 429.
    pub status429: bool,
    /// Expire the cookie first.
    pub expire: bool,
    /// Cut the body short.
    pub truncate: bool,
    /// Answer with a malformed reply.
    pub malformed: Option<Malformed>,
    /// `_count` answers this much more (or less) than it counted.
    pub miscount: Option<i64>,
}

/// A reply that is not the JSON the API documents (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// An HTML page with this status: 200 a login portal's, else a proxy's error page.
    Html(u16),
    /// An empty body with this status.
    Empty(u16),
    /// 200 `application/json` with binary bytes.
    Garbage,
    /// The real reply's first half as a complete reply.
    Cut,
    /// The real reply with a value of the wrong type.
    WrongType,
    /// The real reply with one text value this many bytes long.
    Huge(usize),
}

/// Default and largest size of `huge`, in megabytes.
const HUGE_DEFAULT_MB: usize = 8;
const HUGE_MAX_MB: usize = 64;

fn status_code(v: &str, default: u16) -> Result<u16, String> {
    if v.is_empty() {
        return Ok(default);
    }
    v.parse()
        .ok()
        .filter(|c| (100..600).contains(c))
        .ok_or_else(|| format!("`{v}` is not an HTTP status"))
}

impl Fault {
    /// Parses `latency=200,status=503,truncate,expire,status429,html=502`
    /// (unknown items and bad values ignored: headers come from anywhere).
    pub fn parse(text: &str) -> Fault {
        let mut f = Fault::default();
        for item in text.split(',') {
            let _ = f.add(item);
        }
        f
    }

    /// Parses like [`Fault::parse`] but refuses unknown items and bad values
    /// (`--fault` and `/_sim/faults`, where a typo must not pass silently).
    pub fn parse_strict(text: &str) -> Result<Fault, String> {
        let mut f = Fault::default();
        for item in text.split(',') {
            f.add(item)?;
        }
        Ok(f)
    }

    /// Adds one `name[=value]` item.
    fn add(&mut self, item: &str) -> Result<(), String> {
        let item = item.trim();
        let (k, v) = item.split_once('=').unwrap_or((item, ""));
        let v = v.trim();
        match k.trim() {
            "" => {}
            "latency" => {
                let ms = v
                    .parse()
                    .map_err(|_| format!("latency `{v}`: expected milliseconds"))?;
                self.latency = Some(Duration::from_millis(ms));
            }
            "status" => {
                if v.is_empty() {
                    return Err("status needs a code: status=503".to_owned());
                }
                self.status = Some(status_code(v, 0)?);
            }
            "status429" => self.status429 = true,
            "expire" => self.expire = true,
            "truncate" => self.truncate = true,
            "html" => self.malformed = Some(Malformed::Html(status_code(v, 502)?)),
            "empty" => self.malformed = Some(Malformed::Empty(status_code(v, 200)?)),
            "garbage" => self.malformed = Some(Malformed::Garbage),
            "cut" => self.malformed = Some(Malformed::Cut),
            "wrongtype" => self.malformed = Some(Malformed::WrongType),
            "miscount" => {
                let n = v
                    .parse()
                    .map_err(|_| format!("miscount `{v}`: expected a signed integer"))?;
                self.miscount = Some(n);
            }
            "huge" => {
                let mb = if v.is_empty() {
                    HUGE_DEFAULT_MB
                } else {
                    v.parse()
                        .ok()
                        .filter(|mb| (1..=HUGE_MAX_MB).contains(mb))
                        .ok_or_else(|| {
                            format!("huge `{v}`: expected 1 to {HUGE_MAX_MB} (megabytes)")
                        })?
                };
                self.malformed = Some(Malformed::Huge(mb * 1024 * 1024));
            }
            other => return Err(format!("unknown fault `{other}`")),
        }
        Ok(())
    }

    /// The faults a request asks for (header and query parameter combined).
    pub fn of_request(req: &Request) -> Fault {
        Fault::parse(&Self::request_text(req))
    }

    fn request_text(req: &Request) -> String {
        let mut text = String::new();
        if let Some(h) = req
            .headers()
            .get(FAULT_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            text.push_str(h);
        }
        if let Some(q) = req.uri().query() {
            for (k, v) in sps_core::request::parse_query_string(q) {
                if k == FAULT_PARAM {
                    text.push(',');
                    text.push_str(&v);
                }
            }
        }
        text
    }
}

/// Faults for every request whose path matches: from `--fault` or `/_sim/faults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultRule {
    /// The faults, as written (`html=502`, `latency=200,cut`).
    pub fault: String,
    /// A path (that path only) or a prefix ending in `*` (`/api/audit/*`).
    pub path: String,
    /// Requests still to fault; `None`: until cleared.
    pub times: Option<u64>,
}

/// Where rules apply when they do not say.
pub const DEFAULT_RULE_PATH: &str = "/api/audit/*";

impl FaultRule {
    /// A checked rule (the fault list is parsed strictly).
    pub fn new(fault: &str, path: Option<&str>, times: Option<u64>) -> Result<FaultRule, String> {
        Fault::parse_strict(fault)?;
        let path = path.filter(|p| !p.is_empty()).unwrap_or(DEFAULT_RULE_PATH);
        if !path.starts_with('/') {
            return Err(format!("path `{path}` must start with `/`"));
        }
        Ok(FaultRule {
            fault: fault.to_owned(),
            path: path.to_owned(),
            times,
        })
    }

    /// Parses `--fault LIST[@PATH]`.
    pub fn parse_flag(text: &str) -> Result<FaultRule, String> {
        let (fault, path) = match text.split_once('@') {
            Some((fault, path)) => (fault, Some(path)),
            None => (text, None),
        };
        FaultRule::new(fault, path, None)
    }

    /// Whether the rule applies to a request for `path`.
    pub fn matches(&self, path: &str) -> bool {
        match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        }
    }
}

/// Counters and the random source of global faults (seeded: reproducible runs).
#[derive(Debug)]
pub struct FaultState {
    rng: Mutex<ChaCha8Rng>,
    snapshot_requests: AtomicU64,
    rules: Mutex<Vec<FaultRule>>,
}

impl FaultState {
    /// New state seeded from the data seed, with the `--fault` rules.
    pub fn new(seed: u64, rules: Vec<FaultRule>) -> Self {
        FaultState {
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed ^ 0xFA17)),
            snapshot_requests: AtomicU64::new(0),
            rules: Mutex::new(rules),
        }
    }

    /// The rules in force.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Adds a rule.
    pub fn add_rule(&self, rule: FaultRule) {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rule);
    }

    /// Removes every rule.
    pub fn clear_rules(&self) {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The fault lists of the rules matching `path`, joined; counts the
    /// request against rules with `times` and drops the used-up ones.
    fn rules_for(&self, path: &str) -> String {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let mut text = String::new();
        for rule in rules.iter_mut().filter(|r| r.matches(path)) {
            text.push(',');
            text.push_str(&rule.fault);
            if let Some(times) = &mut rule.times {
                *times = times.saturating_sub(1);
            }
        }
        rules.retain(|r| r.times != Some(0));
        text
    }

    fn chance(&self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        rng.gen_bool(p.min(1.0))
    }

    fn pick<T: Copy>(&self, items: &[T]) -> Option<T> {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        items.get(rng.gen_range(0..items.len().max(1))).copied()
    }

    /// Counts a snapshot request; true when this one must be answered 429
    /// (`--snapshot-429-every N`: every Nth).
    pub fn snapshot_429(&self, every: Option<u64>) -> bool {
        let n = self.snapshot_requests.fetch_add(1, Ordering::Relaxed) + 1;
        every.is_some_and(|e| n.is_multiple_of(e))
    }
}

fn status_error(code: u16, path: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = match code {
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        400 => "InvalidQuery",
        401 => "Unauthenticated",
        403 => "Forbidden",
        404 => "NotFound",
        406 => "NotAcceptable",
        429 => "TooManyRequests",
        _ => "SimulatedFault",
    };
    ApiError::new(status, kind, format!("Simulated fault: HTTP {code}"), path).into_response()
}

/// Middleware on `/api`: applies global and per-request faults.
pub async fn inject(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut text = Fault::request_text(&req);
    text.push_str(&state.faults.rules_for(&path));
    let fault = Fault::parse(&text);
    let cfg = &state.config;
    let delay = cfg.latency + fault.latency.unwrap_or_default();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if fault.expire {
        if let Some(token) = cookie_token(req.headers()) {
            state.logins.expire(&token);
        }
    }
    if fault.status429 {
        return ApiError::too_many("Simulated fault: too many requests", &path, 1).into_response();
    }
    if let Some(code) = fault.status {
        return status_error(code, &path);
    }
    if state.faults.chance(cfg.error_rate) {
        let code = state.faults.pick(&[500u16, 502, 503, 504]).unwrap_or(500);
        return status_error(code, &path);
    }
    // What a proxy or portal in front answers, whatever the appliance would.
    match fault.malformed {
        Some(Malformed::Html(code)) => return html_page(code),
        Some(Malformed::Empty(code)) => return empty_reply(code),
        Some(Malformed::Garbage) => return garbage_reply(),
        _ => {}
    }
    let truncate = fault.truncate || state.faults.chance(cfg.truncate_rate);
    let resp = next.run(req).await;
    let resp = match fault.malformed {
        Some(Malformed::Cut) => cut_response(resp).await,
        Some(Malformed::WrongType) => rewrite_json(resp, mistype).await,
        Some(Malformed::Huge(bytes)) => rewrite_json(resp, |v| inflate(v, bytes)).await,
        _ => resp,
    };
    let resp = match fault.miscount {
        Some(n) => rewrite_json(resp, |v| miscount(v, n)).await,
        None => resp,
    };
    if truncate {
        truncate_response(resp).await
    } else {
        resp
    }
}

fn with_type(status: u16, content_type: &'static str, body: impl Into<Body>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut resp = Response::new(body.into());
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// A proxy's error page (nginx's wording), or for 200 a login portal's page.
fn html_page(code: u16) -> Response {
    let page = if code == 200 {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Sign in - Access portal</title></head>\n\
         <body>\n<h1>Sign in</h1>\n<p>Your session with the access portal has expired. Sign in to continue.</p>\n\
         <form method=\"post\" action=\"/portal/login\"><input name=\"username\"> <input name=\"password\" type=\"password\"> \
         <button>Sign in</button></form>\n</body>\n</html>\n"
            .to_owned()
    } else {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
        let title = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error")
        );
        format!(
            "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n\
             <hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        )
    };
    with_type(code, "text/html; charset=utf-8", page)
}

fn empty_reply(code: u16) -> Response {
    with_type(code, "application/json", Body::empty())
}

/// A gzip header and deterministic noise: what a client sees when a proxy
/// compresses a body but drops `Content-Encoding`.
fn garbage_reply() -> Response {
    let mut bytes = vec![0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03];
    let mut x: u32 = 0x2545_F491;
    while bytes.len() < 512 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push(x.to_le_bytes()[0]);
    }
    with_type(200, "application/json", bytes)
}

/// The first half of the body as a complete reply (`Content-Length` of the half).
async fn cut_response(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
}

/// Applies `change` to a 2xx JSON reply's value; other replies pass unchanged.
async fn rewrite_json(resp: Response, change: impl FnOnce(&mut Value)) -> Response {
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !resp.status().is_success() || !is_json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    change(&mut value);
    parts.headers.remove(header::CONTENT_LENGTH);
    let text = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    Response::from_parts(parts, Body::from(text))
}

/// `{"count": N}` becomes `{"count": N + n}` (never below 0).
fn miscount(value: &mut Value, n: i64) {
    if let Some(count) = value.get_mut("count") {
        if let Some(c) = count.as_i64() {
            *count = json!(c.saturating_add(n).max(0));
        }
    }
}

/// Valid JSON with a value of the wrong type where the client needs it.
pub fn mistype(value: &mut Value) {
    let Value::Object(map) = value else {
        *value = json!({"unexpected": "many"});
        return;
    };
    if let Some(items) = map.get_mut("items") {
        // A list where an object came: `{"items": {"first": ..., "total": "many"}}`.
        let first = items.get(0).cloned().unwrap_or(Value::Null);
        *items = json!({"first": first, "total": "many"});
    } else if let Some(body) = map.get_mut("body") {
        match body {
            Value::Object(fields) if fields.contains_key("duration") => {
                fields.insert("duration".to_owned(), json!("many"));
            }
            other => *other = json!("many"),
        }
    } else if map.contains_key("count") {
        map.insert("count".to_owned(), json!("many"));
    } else {
        map.insert("items".to_owned(), json!("many"));
    }
}

/// Replaces a text value with one of `bytes` bytes (see the module docs).
pub fn inflate(value: &mut Value, bytes: usize) {
    let huge = huge_text(bytes);
    let holder = match value
        .get("items")
        .and_then(|i| i.get(0))
        .and_then(|i| i.get("body"))
    {
        Some(Value::Object(_)) => value.pointer_mut("/items/0/body"),
        _ => match value.get("body") {
            Some(Value::Object(_)) => value.pointer_mut("/body"),
            _ => None,
        },
    };
    let Some(Value::Object(holder)) = holder else {
        if let Value::Object(map) = value {
            map.insert("huge".to_owned(), Value::String(huge));
        }
        return;
    };
    if holder.contains_key("user.gateway_username") {
        holder.insert("user.gateway_username".to_owned(), Value::String(huge));
        return;
    }
    if let Some(Value::Object(user)) = holder.get_mut("user") {
        user.insert("gateway_username".to_owned(), Value::String(huge));
        return;
    }
    let name = ["content", "command", "matched_content"]
        .into_iter()
        .find(|k| holder.contains_key(*k))
        .unwrap_or("huge");
    holder.insert(name.to_owned(), Value::String(huge));
}

/// `huge-<n>-bytes:` then digits, `bytes` long (ASCII, so bytes = characters).
pub fn huge_text(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes.max(32));
    text.push_str(&format!("huge-{bytes}-bytes:"));
    while text.len() < bytes {
        text.push_str("0123456789");
    }
    text.truncate(bytes);
    text
}

/// Keeps the status, headers and full `Content-Length`, sends half the body,
/// then fails the stream so that the server drops the connection mid-body,
/// as a dying proxy or appliance would.
async fn truncate_response(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.insert(
        axum::http::header::CONTENT_LENGTH,
        HeaderValue::from(bytes.len()),
    );
    // The pause lets the headers and the first half reach the client before
    // the failure aborts the connection.
    let first = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
    let fail = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::BrokenPipe,
            "simulated truncation",
        ))
    });
    Response::from_parts(parts, Body::from_stream(first.chain(fail)))
}

// ---------------------------------------------------------------------------
// `/_sim/faults`: rules at run time
// ---------------------------------------------------------------------------

/// The body of `POST /_sim/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRule {
    fault: String,
    path: Option<String>,
    times: Option<u64>,
}

fn rules_reply(state: &AppState) -> Response {
    Json(json!({ "rules": state.faults.rules() })).into_response()
}

/// Whether an `Origin` value names a loopback host (`localhost`,
/// `*.localhost`, 127.0.0.0/8, `::1`) over http(s).
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    if rest.contains(['/', '@', '?', '#']) {
        return false;
    }
    let host = match rest.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, tail)) if tail.is_empty() || tail.starts_with(':') => h,
            _ => return false,
        },
        None => rest.rsplit_once(':').map(|(h, _)| h).unwrap_or(rest),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Middleware of `/_sim`: 403 when an `Origin` is present and not loopback
/// (a page of another host driving the simulator's faults).
pub async fn require_loopback_origin(req: Request, next: Next) -> Response {
    if let Some(origin) = req.headers().get(header::ORIGIN) {
        let ok = origin.to_str().is_ok_and(is_loopback_origin);
        if !ok {
            return (
                StatusCode::FORBIDDEN,
                Json(json!({ "error": "/_sim is only for loopback origins" })),
            )
                .into_response();
        }
    }
    next.run(req).await
}

/// `GET /_sim/faults`: the rules in force.
pub async fn list_rules(State(state): State<AppState>) -> Response {
    rules_reply(&state)
}

/// `POST /_sim/faults`: adds a rule; 400 with `{"error": ...}` when it is wrong.
pub async fn add_rule(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    // Only `application/json`: a cross-site page can send `text/plain` (a
    // CORS-simple request) but not JSON without a preflight we never answer.
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !json_body {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Json(json!({ "error": "Content-Type must be application/json" })),
        )
            .into_response();
    }
    let rule = serde_json::from_slice::<NewRule>(&body)
        .map_err(|e| format!("expected {{\"fault\", \"path\", \"times\"}}: {e}"))
        .and_then(|r| FaultRule::new(&r.fault, r.path.as_deref(), r.times));
    match rule {
        Ok(rule) => {
            state.faults.add_rule(rule);
            rules_reply(&state)
        }
        Err(message) => {
            (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
        }
    }
}

/// `DELETE /_sim/faults`: removes every rule.
pub async fn clear_rules(State(state): State<AppState>) -> Response {
    state.faults.clear_rules();
    rules_reply(&state)
}
