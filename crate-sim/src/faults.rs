//! Fault injection, for testing clients against a misbehaving appliance.
//!
//! Per request: header `X-Sim-Fault` or query parameter `_fault`, a comma
//! separated list of
//!
//! - `latency=<ms>`: wait before answering;
//! - `status=<code>`: answer with this status and an error envelope;
//! - `status429`: answer 429 (as when too many snapshots are open);
//! - `expire`: expire the login cookie first (the request then gets 401);
//! - `truncate`: send half the body, then drop the connection.
//!
//! Globally (command line): `--latency-ms`, `--error-rate`, `--truncate-rate`,
//! `--expire-after`, `--snapshot-429-every`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

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
}

impl Fault {
    /// Parses `latency=200,status=503,truncate,expire,status429` (unknown items ignored).
    pub fn parse(text: &str) -> Fault {
        let mut f = Fault::default();
        for item in text.split(',').map(str::trim) {
            let (k, v) = item.split_once('=').unwrap_or((item, ""));
            match k.trim() {
                "latency" => f.latency = v.trim().parse().ok().map(Duration::from_millis),
                "status" => f.status = v.trim().parse().ok().filter(|c| (100..600).contains(c)),
                "status429" => f.status429 = true,
                "expire" => f.expire = true,
                "truncate" => f.truncate = true,
                _ => {}
            }
        }
        f
    }

    /// The faults a request asks for (header and query parameter combined).
    pub fn of_request(req: &Request) -> Fault {
        let mut text = String::new();
        if let Some(h) = req.headers().get(FAULT_HEADER).and_then(|v| v.to_str().ok()) {
            text.push_str(h);
        }
        if let Some(q) = req.uri().query() {
            for (k, v) in sps_core::parse_query_string(q) {
                if k == FAULT_PARAM {
                    text.push(',');
                    text.push_str(&v);
                }
            }
        }
        Fault::parse(&text)
    }
}

/// Counters and the random source of global faults (seeded: reproducible runs).
#[derive(Debug)]
pub struct FaultState {
    rng: Mutex<ChaCha8Rng>,
    snapshot_requests: AtomicU64,
}

impl FaultState {
    /// New state seeded from the data seed.
    pub fn new(seed: u64) -> Self {
        FaultState {
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed ^ 0xFA17)),
            snapshot_requests: AtomicU64::new(0),
        }
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
    let fault = Fault::of_request(&req);
    let cfg = &state.config;
    let path = req.uri().path().to_owned();
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
    let truncate = fault.truncate || state.faults.chance(cfg.truncate_rate);
    let resp = next.run(req).await;
    if truncate {
        truncate_response(resp).await
    } else {
        resp
    }
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
    parts.headers.insert(axum::http::header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    // The pause lets the headers and the first half reach the client before
    // the failure aborts the connection.
    let first = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
    let fail = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "simulated truncation"))
    });
    Response::from_parts(parts, Body::from_stream(first.chain(fail)))
}
