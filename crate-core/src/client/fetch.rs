//! The browser's [`Transport`] (feature `fetch`, wasm32 only): the Fetch API
//! through `gloo-net`, the page's cookies, an `AbortController` per request
//! (dropping a request's future aborts it, which is how cancellation reaches
//! the network), and `setTimeout` for back-off.
//!
//! In a browser the login cookie is `HttpOnly`: the browser keeps and sends it
//! (same origin, or `credentials: include` across origins). Node 20's `fetch`
//! has no cookie jar: [`FetchTransport::with_own_cookie`] keeps `session_id`
//! from the login reply's `Set-Cookie` and sends it as a `Cookie` header.
//!
//! Every request is bounded, so a hung appliance or a runaway reply cannot
//! stall the page forever:
//!
//! - **Timeout** ([`DEFAULT_TIMEOUT_MS`], [`FetchTransport::with_timeout_ms`]):
//!   headers and body must arrive within it, else the request is aborted and
//!   fails as [`TransportErrorKind::TimedOut`], a network error that
//!   `Client::fetch_all` retries with back-off.
//! - **Reply size** ([`DEFAULT_MAX_REPLY_BYTES`],
//!   [`FetchTransport::with_max_reply_bytes`]): a `Content-Length` above it is
//!   refused before the body is read, and the body is read chunk by chunk and
//!   given up as soon as it passes the limit (chunked replies say no length).
//!   Fails as [`TransportErrorKind::TooLarge`] (not retried). Audit trails
//!   (`Client::audit_trail`) can be far larger: a transport for them needs a
//!   higher limit (the viewer links to the trail instead of fetching it).
//! - **Redirects** are never followed (`redirect: "manual"`, which Chromium
//!   and Node's fetch both honour): SPS does not redirect API calls, so a
//!   redirect comes from a login portal or proxy, and following it across
//!   origins would carry the cookie elsewhere. Browsers give an opaque
//!   redirect (status 0, location hidden), Node the 3xx itself; both fail as
//!   [`TransportErrorKind::Redirected`] (not retried).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_net::http::Request;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials, RequestRedirect, ResponseType};

use crate::client::{HttpReply, HttpRequest, Transport, TransportError, TransportErrorKind};

/// How long one request may take, headers and body, by default: 60 s.
pub const DEFAULT_TIMEOUT_MS: u32 = 60_000;

/// The largest reply read by default: 64 MiB (a page of 500 full sessions is
/// a few MB).
pub const DEFAULT_MAX_REPLY_BYTES: u64 = 64 << 20;

/// The Fetch API transport.
#[derive(Debug)]
pub struct FetchTransport {
    base: String,
    credentials: RequestCredentials,
    /// `Some` when this transport keeps the cookie itself (Node).
    cookie: Option<RefCell<Option<String>>>,
    timeout_ms: u32,
    max_reply_bytes: u64,
}

impl FetchTransport {
    /// Requests to the page's own origin (the viewer served behind the same
    /// reverse proxy as the API, or by the simulator), sending its cookies.
    pub fn same_origin() -> FetchTransport {
        FetchTransport {
            base: String::new(),
            credentials: RequestCredentials::SameOrigin,
            cookie: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            max_reply_bytes: DEFAULT_MAX_REPLY_BYTES,
        }
    }

    /// Requests to `base` (for example `https://sps.example.com`), sending
    /// cookies across origins (`credentials: include`; the appliance must
    /// allow it with CORS).
    pub fn with_base(base: &str) -> FetchTransport {
        FetchTransport {
            base: base.trim_end_matches('/').to_owned(),
            credentials: RequestCredentials::Include,
            ..FetchTransport::same_origin()
        }
    }

    /// Keeps the `session_id` cookie itself: for Node, whose `fetch` has no
    /// cookie jar (browsers forbid reading `Set-Cookie`, so this does nothing there).
    pub fn with_own_cookie(mut self) -> FetchTransport {
        self.cookie = Some(RefCell::new(None));
        self
    }

    /// The most one request may take, headers and body, in milliseconds
    /// (at least 1; default [`DEFAULT_TIMEOUT_MS`]).
    pub fn with_timeout_ms(mut self, millis: u32) -> FetchTransport {
        self.timeout_ms = millis.max(1);
        self
    }

    /// The largest reply body read, in bytes (at least 1; default
    /// [`DEFAULT_MAX_REPLY_BYTES`]).
    pub fn with_max_reply_bytes(mut self, bytes: u64) -> FetchTransport {
        self.max_reply_bytes = bytes.max(1);
        self
    }

    /// The timeout in force, in milliseconds.
    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// The reply size limit in force, in bytes.
    pub fn max_reply_bytes(&self) -> u64 {
        self.max_reply_bytes
    }

    /// Forgets the kept cookie (logging out, with [`FetchTransport::with_own_cookie`]).
    pub fn forget_cookie(&self) {
        if let Some(jar) = &self.cookie {
            jar.replace(None);
        }
    }
}

/// Aborts the request if its future is dropped before the body arrived.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

/// `session_id=<value>` out of a `Set-Cookie` value (Node joins several with `, `).
fn session_cookie(set_cookie: &str) -> Option<String> {
    set_cookie
        .split([',', ';'])
        .map(str::trim)
        .find(|part| part.starts_with("session_id="))
        .map(str::to_owned)
}

fn too_large(limit: u64, size: Option<u64>) -> TransportError {
    TransportError {
        kind: TransportErrorKind::TooLarge { limit, size },
        message: format!("the reply is larger than the {limit} bytes accepted"),
    }
}

/// Reads the body chunk by chunk, giving up (and cancelling the stream) as
/// soon as it passes `limit` bytes.
async fn read_body(
    stream: Option<web_sys::ReadableStream>,
    limit: u64,
) -> Result<Vec<u8>, TransportError> {
    let Some(stream) = stream else {
        return Ok(Vec::new());
    };
    let reader = stream.get_reader();
    let read = Reflect::get(&reader, &JsValue::from_str("read"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| TransportError::cut_off("the body cannot be read as a stream"))?;
    let mut body = Vec::new();
    loop {
        let promise = read
            .call0(&reader)
            .map_err(|e| TransportError::cut_off(crate::client::js_error::js_error_text(&e)))?;
        let chunk = JsFuture::from(js_sys::Promise::resolve(&promise))
            .await
            .map_err(|e| TransportError::cut_off(crate::client::js_error::js_error_text(&e)))?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .map(|d| d.is_truthy())
            .unwrap_or(true);
        if done {
            return Ok(body);
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value"))
            .map_err(|e| TransportError::cut_off(crate::client::js_error::js_error_text(&e)))?;
        let bytes: Uint8Array = value.dyn_into().map_err(|_| {
            TransportError::cut_off("the body stream gave something else than bytes")
        })?;
        if body.len() as u64 + u64::from(bytes.length()) > limit {
            // Stop the download; the reader's own promise is not awaited.
            if let Some(cancel) = Reflect::get(&reader, &JsValue::from_str("cancel"))
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            {
                let _ = cancel.call0(&reader);
            }
            return Err(too_large(limit, None));
        }
        let start = body.len();
        body.resize(start + bytes.length() as usize, 0);
        bytes.copy_to(&mut body[start..]);
    }
}

impl Transport for FetchTransport {
    async fn get(&self, request: &HttpRequest) -> Result<HttpReply, TransportError> {
        let controller = AbortController::new()
            .map_err(|e| TransportError::network(crate::client::js_error::js_error_text(&e)))?;
        let mut guard = AbortOnDrop(Some(controller.clone()));
        let signal = controller.signal();
        // The timer aborts the request; the flag tells that abort from a
        // cancellation (which drops this future and never looks).
        let timed_out = Rc::new(Cell::new(false));
        let _timer = {
            let (controller, timed_out) = (controller.clone(), Rc::clone(&timed_out));
            // Dropping the timer (when this function returns) clears it.
            gloo_timers::callback::Timeout::new(self.timeout_ms, move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let fail = |e: String, then: fn(String) -> TransportError| {
            if timed_out.get() {
                TransportError::timed_out(u64::from(self.timeout_ms))
            } else {
                then(e)
            }
        };
        let url = format!("{}{}", self.base, request.path_and_query);
        let mut builder = Request::get(&url)
            .credentials(self.credentials)
            .redirect(RequestRedirect::Manual)
            .abort_signal(Some(&signal));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(cookie) = self.cookie.as_ref().and_then(|jar| jar.borrow().clone()) {
            builder = builder.header("Cookie", &cookie);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| fail(e.to_string(), TransportError::network))?;
        let status = response.status();
        let headers = response.headers();
        if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&status) {
            return Err(TransportError {
                kind: TransportErrorKind::Redirected { status },
                // Node shows where it pointed; a browser hides it.
                message: headers.get("location").unwrap_or_default(),
            });
        }
        if let Some(jar) = &self.cookie {
            if let Some(cookie) = headers
                .get("set-cookie")
                .as_deref()
                .and_then(session_cookie)
            {
                jar.replace(Some(cookie));
            }
        }
        let length = headers
            .get("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(length) = length.filter(|&n| n > self.max_reply_bytes) {
            return Err(too_large(self.max_reply_bytes, Some(length)));
        }
        // The status and headers came: a failure now means the body was cut off.
        let body = read_body(response.body(), self.max_reply_bytes)
            .await
            .map_err(|e| match e.kind {
                TransportErrorKind::CutOff => fail(e.message, TransportError::cut_off),
                _ => e,
            })?;
        // Complete: nothing left to abort.
        guard.0 = None;
        Ok(HttpReply {
            status,
            content_type: headers.get("content-type"),
            body,
            retry_after_seconds: headers.get("retry-after").and_then(|v| {
                let now_ms = js_sys::Date::now().max(0.0) as u64;
                let now = std::time::UNIX_EPOCH + std::time::Duration::from_millis(now_ms);
                crate::client::retry_after_seconds(&v, now)
            }),
        })
    }

    async fn sleep(&self, millis: u64) {
        gloo_timers::future::TimeoutFuture::new(u32::try_from(millis).unwrap_or(u32::MAX)).await;
    }
}
