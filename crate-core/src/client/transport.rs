//! The one seam for I/O: the [`Transport`] trait that sends GET requests and
//! sleeps, the request and reply it carries ([`HttpRequest`], [`HttpReply`]),
//! how a transport fails ([`TransportError`]), how a non-2xx reply becomes
//! this crate's [`Error`] ([`api_error`]), and the [`CancelToken`] that stops
//! a running fetch.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crate::error::{Error, ErrorKind, ReplyProblem};
use crate::model::decode::decode_api_error;

/// A GET request for a [`Transport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Path and query, relative to the appliance (`/api/audit/sessions?limit=500`).
    pub path_and_query: String,
    /// Extra headers (`Authorization` for the login, `Accept`).
    pub headers: Vec<(String, String)>,
}

impl HttpRequest {
    /// A GET of `path_and_query` asking for JSON.
    pub fn new(path_and_query: impl Into<String>) -> HttpRequest {
        HttpRequest {
            path_and_query: path_and_query.into(),
            headers: vec![("Accept".to_owned(), "application/json".to_owned())],
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> HttpRequest {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// What came back: any status (errors included), the content type and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    /// HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The whole body.
    pub body: Vec<u8>,
    /// `Retry-After` in seconds (429), if the transport can read it.
    pub retry_after_seconds: Option<u64>,
}

impl HttpReply {
    /// A reply without `Retry-After`.
    pub fn new(status: u16, content_type: Option<String>, body: Vec<u8>) -> HttpReply {
        HttpReply {
            status,
            content_type,
            body,
            retry_after_seconds: None,
        }
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why a transport could not complete a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// Network failure, connection refused or dropped before a reply: worth retrying.
    Network,
    /// The status and headers arrived but the connection dropped while the
    /// body was arriving: the reply was cut off. Worth retrying.
    CutOff,
    /// The request was aborted (cancellation).
    Aborted,
    /// No complete reply within the transport's timeout: worth retrying.
    TimedOut,
    /// The reply is larger than the transport accepts (`limit` bytes;
    /// `size` when `Content-Length` said so). Not worth retrying.
    TooLarge {
        /// The most accepted, in bytes.
        limit: u64,
        /// The reply's size, when known.
        size: Option<u64>,
    },
    /// The server answered with a redirect, which the transport does not
    /// follow (`status` 0 when the browser hides it). Not worth retrying.
    Redirected {
        /// The redirect's status.
        status: u16,
    },
}

/// A request that did not complete (no HTTP status to show for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// What the transport reported.
    pub message: String,
}

impl TransportError {
    /// A network failure.
    pub fn network(message: impl Into<String>) -> TransportError {
        TransportError {
            kind: TransportErrorKind::Network,
            message: message.into(),
        }
    }

    /// A reply whose body stopped arriving (the connection dropped mid-body).
    pub fn cut_off(message: impl Into<String>) -> TransportError {
        TransportError {
            kind: TransportErrorKind::CutOff,
            message: message.into(),
        }
    }

    /// An aborted request.
    pub fn aborted() -> TransportError {
        TransportError {
            kind: TransportErrorKind::Aborted,
            message: "aborted".to_owned(),
        }
    }

    /// A request that got no complete reply within `millis` milliseconds.
    pub fn timed_out(millis: u64) -> TransportError {
        TransportError {
            kind: TransportErrorKind::TimedOut,
            message: format!(
                "no complete reply within {} s (timed out)",
                millis as f64 / 1000.0
            ),
        }
    }

    /// Whether asking again may help: network failures, cut-off replies and
    /// timeouts; not cancellations, replies too large, or redirects.
    pub fn is_retriable(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Network | TransportErrorKind::CutOff | TransportErrorKind::TimedOut
        )
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Error {
        match e.kind {
            TransportErrorKind::Aborted => ErrorKind::Cancelled.into(),
            TransportErrorKind::Network | TransportErrorKind::TimedOut => {
                ErrorKind::Transport { message: e.message }.into()
            }
            TransportErrorKind::TooLarge { limit, size } => {
                ErrorKind::ReplyTooLarge { limit, size }.into()
            }
            TransportErrorKind::Redirected { status } => ErrorKind::Redirected {
                status,
                // The transport puts the `Location` it saw in the message.
                location: Some(e.message).filter(|m| !m.is_empty()),
            }
            .into(),
            TransportErrorKind::CutOff => Error::from(ErrorKind::Transport {
                message: format!(
                    "the connection dropped while the reply was arriving, so it was cut off ({})",
                    e.message
                ),
            })
            .with_reply_problem(ReplyProblem::Truncated),
        }
    }
}

/// Sends GET requests and sleeps: the only I/O the client needs.
///
/// `async fn` without `Send`: the browser is single-threaded and its futures
/// are not `Send`; a native transport's futures may be, and nothing here
/// requires it. Dropping a `get` future should abort the request (the fetch
/// transport does, through an `AbortController`).
#[allow(async_fn_in_trait)] // deliberately no `Send` bound (wasm32)
pub trait Transport {
    /// Sends one GET; any HTTP status is a reply, only a failure to get one is an error.
    async fn get(&self, request: &HttpRequest) -> std::result::Result<HttpReply, TransportError>;
    /// Waits `millis` milliseconds (back-off).
    async fn sleep(&self, millis: u64);
}

impl<T: Transport + ?Sized> Transport for &T {
    async fn get(&self, request: &HttpRequest) -> std::result::Result<HttpReply, TransportError> {
        (**self).get(request).await
    }

    async fn sleep(&self, millis: u64) {
        (**self).sleep(millis).await
    }
}

#[derive(Debug, Default)]
struct CancelState {
    cancelled: bool,
    wakers: Vec<Waker>,
}

/// Cancels a [`Client::fetch_all`] from anywhere (a button, a timer, another
/// task). Cheap to clone; all clones share one state.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    inner: Arc<Mutex<CancelState>>,
}

impl CancelToken {
    /// A token not cancelled yet.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    fn lock(&self) -> MutexGuard<'_, CancelState> {
        // A flag and a list of wakers stay consistent even after a panic.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Cancels: running requests are dropped (aborted), nothing new is sent.
    pub fn cancel(&self) {
        let wakers = {
            let mut state = self.lock();
            state.cancelled = true;
            std::mem::take(&mut state.wakers)
        };
        for w in wakers {
            w.wake();
        }
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.lock().cancelled
    }

    /// A future that completes once cancelled.
    pub fn cancelled(&self) -> Cancelled<'_> {
        Cancelled { token: self }
    }
}

/// The future of [`CancelToken::cancelled`].
#[derive(Debug)]
pub struct Cancelled<'a> {
    token: &'a CancelToken,
}

impl Future for Cancelled<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.token.lock();
        if state.cancelled {
            return Poll::Ready(());
        }
        if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            state.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// Seconds to wait from a `Retry-After` value (RFC 9110 10.2.3): either
/// delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`,
/// read with `httpdate`, which also takes the two obsolete date forms), counted
/// from `now`. A date in the past means no wait (0); anything else is `None`.
/// `now` is a parameter because `SystemTime::now` is not available on
/// wasm32-unknown-unknown: the browser transport passes `Date.now()`.
pub fn retry_after_seconds(value: &str, now: std::time::SystemTime) -> Option<u64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    // A date before `now` is an error of `duration_since`: no wait.
    Some(at.duration_since(now).map_or(0, |wait| wait.as_secs()))
}

/// Turns a non-2xx reply into [`ErrorKind::Api`], keeping SPS's error type,
/// message and details; a reply that is not SPS's envelope (a proxy's HTML)
/// gets `HTTP <status>` as type and says what came instead.
pub fn api_error(reply: &HttpReply) -> Error {
    let status = reply.status;
    match decode_api_error(&reply.body) {
        Ok(body) => ErrorKind::Api {
            status,
            message: body
                .error
                .message
                .unwrap_or_else(|| format!("the appliance answered HTTP {status}")),
            error_type: body.error.error_type,
            details: body.error.details,
        }
        .into(),
        Err(e) => {
            // Decoding classified the body: say what came in plain words.
            let problem = e.reply_problem().unwrap_or(ReplyProblem::NotJson);
            let what = match problem {
                ReplyProblem::Html => "an HTML page",
                ReplyProblem::Empty => "an empty body",
                ReplyProblem::Truncated => "a cut-off body",
                ReplyProblem::InvalidJson => "invalid JSON",
                ReplyProblem::WrongType => "JSON of another shape",
                ReplyProblem::NotJson => "a body that is not JSON",
            };
            Error::from(ErrorKind::Api {
                status,
                error_type: format!("HTTP {status}"),
                message: format!(
                    "the appliance answered with {what} ({}) instead of an error reply; \
                     a proxy or login portal may be in the way",
                    reply.content_type.as_deref().unwrap_or("no content type")
                ),
                details: None,
            })
            .with_reply_problem(problem)
        }
    }
}
