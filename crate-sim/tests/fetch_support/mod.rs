//! A `reqwest` transport for `sps_core::Client` against the simulator, shared
//! by `tests/fetch_all.rs` and `benches/fetch_all.rs`. It keeps the
//! `session_id` cookie itself (as the npm package must in Node, which has no
//! cookie jar) and can add an `X-Sim-Fault` header to chosen requests.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::time::Duration;

use sps_core::client::SnapshotPolicy;
use sps_core::{FetchOptions, HttpReply, HttpRequest, SessionRow, Transport, TransportError};
use sps_sim::{Config, Running};

/// Starts an in-process simulator.
pub async fn start(config: Config) -> Running {
    sps_sim::start(config).await.expect("simulator starts")
}

/// The simulator's own list in its default order (newest first).
pub fn expected_keys(running: &Running) -> Vec<String> {
    let store = &running.state.store;
    (0..store.len())
        .rev()
        .map(|i| store.key(i).to_owned())
        .collect()
}

/// `snapshots`, with back-off short enough for tests.
pub fn fast_options(snapshots: SnapshotPolicy) -> FetchOptions {
    FetchOptions {
        snapshots,
        backoff_initial_ms: 5,
        backoff_max_ms: 40,
        ..FetchOptions::default()
    }
}

/// The keys of `rows`, in order.
pub fn keys_of(rows: &[SessionRow]) -> Vec<String> {
    rows.iter().map(|r| r.key.clone()).collect()
}

pub type FaultFn = Box<dyn Fn(&str, u64) -> Option<String>>;

/// reqwest with its own cookie handling and per-request fault injection.
pub struct SimTransport {
    http: reqwest::Client,
    base: String,
    cookie: RefCell<Option<String>>,
    sent: Cell<u64>,
    /// Given the path and the request's number, the `X-Sim-Fault` to add.
    fault: FaultFn,
}

impl SimTransport {
    pub fn new(running: &Running) -> SimTransport {
        SimTransport {
            http: reqwest::Client::new(),
            base: format!("http://{}", running.addr),
            cookie: RefCell::new(None),
            sent: Cell::new(0),
            fault: Box::new(|_, _| None),
        }
    }

    pub fn with_fault(mut self, fault: impl Fn(&str, u64) -> Option<String> + 'static) -> Self {
        self.fault = Box::new(fault);
        self
    }
}

fn session_cookie(set_cookie: &str) -> Option<String> {
    set_cookie
        .split(';')
        .map(str::trim)
        .find(|p| p.starts_with("session_id="))
        .map(str::to_owned)
}

impl Transport for SimTransport {
    async fn get(&self, request: &HttpRequest) -> Result<HttpReply, TransportError> {
        let n = self.sent.get();
        self.sent.set(n + 1);
        let mut builder = self
            .http
            .get(format!("{}{}", self.base, request.path_and_query));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(cookie) = self.cookie.borrow().clone() {
            builder = builder.header("Cookie", cookie);
        }
        if let Some(fault) = (self.fault)(&request.path_and_query, n) {
            builder = builder.header("X-Sim-Fault", fault);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| TransportError::network(e.to_string()))?;
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            if let Some(cookie) = value.to_str().ok().and_then(session_cookie) {
                self.cookie.replace(Some(cookie));
            }
        }
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| sps_core::client::retry_after_seconds(&v, std::time::SystemTime::now()));
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| TransportError::cut_off(e.to_string()))?;
        Ok(HttpReply {
            status,
            content_type,
            body: body.to_vec(),
            retry_after_seconds: retry_after,
        })
    }

    async fn sleep(&self, millis: u64) {
        tokio::time::sleep(Duration::from_millis(millis)).await;
    }
}
