//! The one client of the audit API, shared by the viewer and the npm package:
//! typed requests for every endpoint, SPS's errors kept as they are, and
//! [`Client::fetch_all`], which fetches every session of a search past the
//! 10,000-result cap with several pages in flight, progress, cancellation and
//! recovery (re-login, back-off, snapshot reopening).
//!
//! The client does no I/O itself: a [`Transport`] sends GET requests and
//! sleeps. The browser transport is `FetchTransport` (feature `fetch`, wasm32);
//! tests use one over `reqwest`. A transport owns the login cookie
//! (`session_id`): a browser keeps it in its own jar, while Node has no jar and
//! its transport must keep the cookie from the login reply's `Set-Cookie`
//! itself. The client never reads or sends cookies.
//!
//! Everything is single-threaded friendly: no `Send` bounds, so the same code
//! runs on wasm32 (one thread, JS promises) and natively (tokio, in one task).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::Deserialize;

use crate::alert::Alert;
use crate::channel::ChannelItem;
use crate::content::ContentHit;
use crate::decode::{
    decode_alerts, decode_api_error, decode_channels, decode_content_hits, decode_events,
    decode_indexing, decode_info, decode_json, decode_session, decode_session_list,
    decode_snapshot, decode_stats, decode_trail_downloads,
};
use crate::envelope::{Collection, CollectionMeta, InfoBody, Single, SingleMeta, StatsBucket};
use crate::error::{Error, ErrorKind, ReplyProblem, Result};
use crate::event::Event;
use crate::indexing::Indexing;
use crate::paging::{
    Completeness, PagingMode, PagingPlan, PlanAction, PlanOptions, PlanRequest, SnapshotPolicy,
    TotalSource, SESSIONS_PATH,
};
use crate::search::{encode_component, ContentSearch, EventSearch, SessionSearch, MAX_LIMIT};
use crate::session::{Session, SessionRow};
use crate::trail_download::TrailDownload;

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

/// A login method the appliance offers (`/api/authentication/login_methods`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginMethod {
    /// The value for `?login_method=`.
    pub name: String,
    /// Its type (`local`, `ldap`, ...), when given.
    pub kind: Option<String>,
    /// A label for people: `display_name`, else the name.
    pub label: String,
}

/// The reply shapes seen for login methods: a collection of `{key, body}`
/// (the simulator, SPS 7+), `{"login_methods": [...]}`, or a bare list.
#[derive(Deserialize)]
#[serde(untagged)]
enum MethodsReply {
    Collection { items: Vec<MethodItem> },
    Wrapped { login_methods: Vec<MethodItem> },
    List(Vec<MethodItem>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MethodItem {
    Name(String),
    Object(MethodObject),
}

#[derive(Deserialize)]
struct MethodObject {
    key: Option<String>,
    name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    display_name: Option<String>,
    body: Option<Box<MethodObject>>,
}

impl MethodItem {
    fn into_method(self) -> Option<LoginMethod> {
        match self {
            MethodItem::Name(name) => Some(LoginMethod {
                label: name.clone(),
                name,
                kind: None,
            }),
            MethodItem::Object(o) => {
                let key = o.key;
                let o = match o.body {
                    Some(body) => *body,
                    None => MethodObject {
                        key: None,
                        body: None,
                        ..o
                    },
                };
                let name = o.name.or(key)?;
                Some(LoginMethod {
                    label: o.display_name.unwrap_or_else(|| name.clone()),
                    name,
                    kind: o.kind,
                })
            }
        }
    }
}

/// Any reply's `meta.remaining_seconds` (login and `_count` replies carry no
/// typed model of their own).
#[derive(Deserialize)]
struct MetaOnly {
    #[serde(default)]
    meta: Option<SingleMeta>,
}

#[derive(Deserialize)]
struct CountWithMeta {
    count: u64,
    #[serde(default)]
    meta: Option<SingleMeta>,
}

/// The `Authorization` value for HTTP Basic with UTF-8 credentials (RFC 7617),
/// as SPS documents for `/api/authentication`.
pub fn basic_authorization(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let credentials = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
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

/// Options of [`Client::fetch_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    /// Requests in flight at once (offset pages, time-window counts and
    /// pages); a snapshot walk is sequential by nature. Default 4.
    pub in_flight: usize,
    /// Snapshot use. Default [`SnapshotPolicy::Auto`].
    pub snapshots: SnapshotPolicy,
    /// Retries of one request after a 5xx, 429 or network failure. Default 5.
    pub max_retries: u32,
    /// First back-off delay; doubled for each retry. Default 250 ms.
    pub backoff_initial_ms: u64,
    /// Longest back-off delay, also the most a `Retry-After` is honoured. Default 8 s.
    pub backoff_max_ms: u64,
    /// Warn through [`FetchObserver::session_expiring`] when the login has
    /// fewer seconds left than this (`meta.remaining_seconds`). Default 60.
    pub expiry_warning_seconds: i64,
    /// Re-logins allowed in a row without a row delivered in between (guards
    /// against a login that never sticks). Default 3.
    pub max_relogins: u32,
    /// Rows per page, 1 to 500. Default 500.
    pub page_size: u32,
    /// Times an expired snapshot is reopened. Default 3.
    pub max_snapshot_reopens: u32,
    /// When fewer sessions arrive than the appliance counted: false (the
    /// default) makes that an [`ErrorKind::Incomplete`] error, with the rows
    /// in [`FetchAllError::partial`]; true returns them as a [`Fetched`]
    /// whose `completeness.complete` is false.
    pub allow_incomplete: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            in_flight: 4,
            snapshots: SnapshotPolicy::Auto,
            max_retries: 5,
            backoff_initial_ms: 250,
            backoff_max_ms: 8_000,
            expiry_warning_seconds: 60,
            max_relogins: 3,
            page_size: MAX_LIMIT,
            max_snapshot_reopens: 3,
            allow_incomplete: false,
        }
    }
}

/// Where a fetch stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Rows delivered so far.
    pub fetched: u64,
    /// How many the search matches, once known exactly.
    pub expected: Option<u64>,
    /// At least this many match, when only that is known (a `match_count`
    /// at the cap on an appliance without `_count`).
    pub lower_bound: Option<u64>,
    /// The strategy, once decided.
    pub mode: Option<PagingMode>,
}

/// Callbacks of [`Client::fetch_all`]; every method has a default that does nothing.
#[allow(async_fn_in_trait)] // deliberately no `Send` bound (wasm32)
pub trait FetchObserver {
    /// More rows arrived (or the expected total became known).
    fn progress(&mut self, _progress: &Progress) {}

    /// The login will time out in `remaining_seconds`: time to warn the user
    /// or to log in again. Called once each time it falls under the threshold.
    fn session_expiring(&mut self, _remaining_seconds: i64) {}

    /// New rows, in result order, each key once: the same rows that end up in
    /// [`Fetched::items`], handed over as they arrive (for streaming them on).
    fn rows(&mut self, _rows: &[SessionRow]) {}

    /// The appliance answered 401 mid-fetch: log in again (for example ask
    /// for the password, then [`Client::login`]) and return true to resume
    /// from the failed page, or false to stop with the rows so far.
    async fn relogin(&mut self) -> bool {
        false
    }
}

/// A [`FetchObserver`] that ignores everything and never logs in again.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl FetchObserver for NoObserver {}

/// Counters of a fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FetchStats {
    /// HTTP requests answered (retries included).
    pub requests: u64,
    /// Requests sent again after a 5xx, 429 or network failure.
    pub retries: u64,
    /// Successful re-logins.
    pub relogins: u32,
    /// Snapshots reopened after expiring.
    pub snapshot_reopens: u32,
    /// Rows dropped because their key had been delivered already.
    pub duplicates: u64,
}

/// The result of a complete [`Client::fetch_all`].
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    /// Every matching session, each once, in result order.
    pub items: Vec<SessionRow>,
    /// How they were fetched.
    pub mode: PagingMode,
    /// The exact number that match, when known (see `completeness`).
    pub expected_total: Option<u64>,
    /// Delivered against counted, and how the count was known. With the
    /// default options a `Fetched` is always complete (a shortfall is an
    /// error); with [`FetchOptions::allow_incomplete`] it may not be.
    pub completeness: Completeness,
    /// False only for time slices under a sort on another field than
    /// `start_time`: then the order holds inside each time window only.
    pub in_global_order: bool,
    /// Counters.
    pub stats: FetchStats,
}

/// A [`Client::fetch_all`] that stopped (error or cancellation), with the rows
/// fetched until then: in order, each once, a prefix of the full result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error} ({} sessions fetched before)", partial.len())]
pub struct FetchAllError {
    /// Why it stopped ([`ErrorKind::Cancelled`] when cancelled).
    #[source]
    pub error: Error,
    /// The rows fetched before.
    pub partial: Vec<SessionRow>,
    /// Counters.
    pub stats: FetchStats,
}

/// One try of a plan request.
struct Attempt {
    request: PlanRequest,
    /// Retries so far.
    tries: u32,
    /// The login generation the request was sent under (see `relogin`).
    generation: u32,
    /// `_count` turned out missing: count with a one-row page instead.
    count_by_page: bool,
}

type AttemptFuture<'a> =
    Pin<Box<dyn Future<Output = (Attempt, std::result::Result<HttpReply, TransportError>)> + 'a>>;

/// The client. Methods take `&self`, so a [`FetchObserver`] can hold a
/// reference to the same client to log in again during a fetch.
#[derive(Debug)]
pub struct Client<T> {
    transport: T,
    remaining: Cell<Option<i64>>,
}

impl<T: Transport> Client<T> {
    /// A client over `transport`.
    pub fn new(transport: T) -> Client<T> {
        Client {
            transport,
            remaining: Cell::new(None),
        }
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The login's remaining seconds from the latest reply that told it.
    pub fn remaining_seconds(&self) -> Option<i64> {
        self.remaining.get()
    }

    fn note_remaining(&self, seconds: Option<i64>) {
        if seconds.is_some() {
            self.remaining.set(seconds);
        }
    }

    /// Sends a GET and returns the reply whatever its status (the escape hatch
    /// for endpoints without a typed method).
    pub async fn get_raw(&self, request: &HttpRequest) -> Result<HttpReply> {
        Ok(self.transport.get(request).await?)
    }

    /// GET that turns non-2xx replies into [`ErrorKind::Api`].
    async fn get_ok(&self, request: &HttpRequest) -> Result<HttpReply> {
        let reply = self.get_raw(request).await?;
        if reply.is_success() {
            Ok(reply)
        } else {
            Err(api_error(&reply))
        }
    }

    async fn get_collection<X>(
        &self,
        path: &str,
        decode: fn(&[u8]) -> Result<Collection<X>>,
    ) -> Result<Collection<X>> {
        let reply = self.get_ok(&HttpRequest::new(path)).await?;
        let collection = decode(&reply.body)?;
        self.note_remaining(collection.meta.as_ref().and_then(|m| m.remaining_seconds));
        Ok(collection)
    }

    async fn get_single<X>(
        &self,
        path: &str,
        decode: fn(&[u8]) -> Result<Single<X>>,
    ) -> Result<Single<X>> {
        let reply = self.get_ok(&HttpRequest::new(path)).await?;
        let single = decode(&reply.body)?;
        self.note_remaining(single.meta.as_ref().and_then(|m| m.remaining_seconds));
        Ok(single)
    }

    /// Logs in: `GET /api/authentication[?login_method=<m>]` with Basic UTF-8
    /// credentials. The transport keeps the `session_id` cookie it sets.
    /// Wrong credentials: [`ErrorKind::Api`] 401 `AuthenticationFailure`.
    pub async fn login(&self, user: &str, password: &str, method: Option<&str>) -> Result<()> {
        let path = match method.filter(|m| !m.is_empty()) {
            Some(m) => format!("/api/authentication?login_method={}", encode_component(m)),
            None => "/api/authentication".to_owned(),
        };
        let request = HttpRequest::new(path)
            .with_header("Authorization", basic_authorization(user, password));
        self.finish_login(&request).await
    }

    /// Logs in with the browser's client certificate:
    /// `GET /api/authentication?type=x509[&login_method=<m>]`.
    pub async fn login_x509(&self, method: Option<&str>) -> Result<()> {
        let mut path = "/api/authentication?type=x509".to_owned();
        if let Some(m) = method.filter(|m| !m.is_empty()) {
            path.push_str(&format!("&login_method={}", encode_component(m)));
        }
        self.finish_login(&HttpRequest::new(path)).await
    }

    async fn finish_login(&self, request: &HttpRequest) -> Result<()> {
        let reply = self.get_ok(request).await?;
        // The reply's shape is not documented: only its remaining time is used.
        if let Ok(body) = decode_json::<MetaOnly>("login reply", &reply.body) {
            self.note_remaining(body.meta.and_then(|m| m.remaining_seconds));
        }
        Ok(())
    }

    /// The login methods (works without logging in).
    pub async fn login_methods(&self) -> Result<Vec<LoginMethod>> {
        let reply = self
            .get_ok(&HttpRequest::new("/api/authentication/login_methods"))
            .await?;
        let items = match decode_json::<MethodsReply>("login methods", &reply.body)? {
            MethodsReply::Collection { items }
            | MethodsReply::Wrapped {
                login_methods: items,
            }
            | MethodsReply::List(items) => items,
        };
        Ok(items
            .into_iter()
            .filter_map(MethodItem::into_method)
            .collect())
    }

    /// `GET /api/info`: the firmware version.
    pub async fn info(&self) -> Result<Single<InfoBody>> {
        self.get_single("/api/info", decode_info).await
    }

    /// One page of the sessions list (`format` is forced to JSON).
    pub async fn sessions(&self, search: &SessionSearch) -> Result<Collection<SessionRow>> {
        let search = SessionSearch {
            format: None,
            ..search.clone()
        };
        self.get_collection(&plan_path(&PlanAction::Page(search)), decode_session_list)
            .await
    }

    /// One page of the sessions list as SPS's CSV (`format=csv`), bytes as sent.
    pub async fn sessions_csv(&self, search: &SessionSearch) -> Result<Vec<u8>> {
        let search = search.clone().with_format(crate::search::Format::Csv);
        let path = plan_path(&PlanAction::Page(search));
        let request = HttpRequest {
            path_and_query: path,
            headers: vec![("Accept".to_owned(), "text/csv".to_owned())],
        };
        Ok(self.get_ok(&request).await?.body)
    }

    /// How many sessions match: `GET /api/audit/sessions/_count?…`.
    pub async fn count(&self, search: &SessionSearch) -> Result<u64> {
        let path = plan_path(&PlanAction::Count(count_search(search)));
        let reply = self.get_ok(&HttpRequest::new(path)).await?;
        let count = decode_json::<CountWithMeta>("count", &reply.body)?;
        self.note_remaining(count.meta.and_then(|m| m.remaining_seconds));
        Ok(count.count)
    }

    /// Opens a snapshot (SPS 7.5+): `GET /api/audit/sessions/_snapshot`. An
    /// appliance without snapshots answers 404 `NotFound`.
    pub async fn open_snapshot(&self) -> Result<String> {
        let single = self
            .get_single(&plan_path(&PlanAction::OpenSnapshot), decode_snapshot)
            .await?;
        Ok(single.body.snapshot)
    }

    /// Top values of `field` with counts: `GET /api/audit/sessions/stats?field=…`
    /// (the search's `q`, `content`, `start`, `end` apply; `size` values at most).
    pub async fn stats(
        &self,
        field: &str,
        search: &SessionSearch,
        size: Option<u32>,
    ) -> Result<Collection<StatsBucket>> {
        let mut query = format!("field={}", encode_component(field));
        if let Some(size) = size {
            query.push_str(&format!("&size={size}"));
        }
        let rest = count_search(search).to_query_string();
        if !rest.is_empty() {
            query.push('&');
            query.push_str(&rest);
        }
        self.get_collection(&format!("{SESSIONS_PATH}/stats?{query}"), decode_stats)
            .await
    }

    fn session_path(key: &str, part: Option<&str>) -> String {
        let mut path = format!("{SESSIONS_PATH}/{}", encode_component(key));
        if let Some(part) = part {
            path.push('/');
            path.push_str(part);
        }
        path
    }

    /// One full session: `GET /api/audit/sessions/<key>`.
    pub async fn session(&self, key: &str) -> Result<Single<Session>> {
        self.get_single(&Self::session_path(key, None), decode_session)
            .await
    }

    /// A session's channels.
    pub async fn channels(&self, key: &str) -> Result<Collection<ChannelItem>> {
        self.get_collection(&Self::session_path(key, Some("channels")), decode_channels)
            .await
    }

    /// A session's events, filtered by `search`.
    pub async fn events(&self, key: &str, search: &EventSearch) -> Result<Collection<Event>> {
        let mut path = Self::session_path(key, Some("events"));
        let query = search.to_query_string();
        if !query.is_empty() {
            path.push('?');
            path.push_str(&query);
        }
        self.get_collection(&path, decode_events).await
    }

    /// A session's alerts.
    pub async fn alerts(&self, key: &str) -> Result<Collection<Alert>> {
        self.get_collection(&Self::session_path(key, Some("alerts")), decode_alerts)
            .await
    }

    /// A session's indexing details.
    pub async fn indexing(&self, key: &str) -> Result<Collection<Indexing>> {
        self.get_collection(&Self::session_path(key, Some("indexing")), decode_indexing)
            .await
    }

    /// A session's audit-trail downloads.
    pub async fn trail_downloads(&self, key: &str) -> Result<Collection<TrailDownload>> {
        self.get_collection(
            &Self::session_path(key, Some("trail_downloads")),
            decode_trail_downloads,
        )
        .await
    }

    /// A search in a session's recorded content.
    pub async fn content(
        &self,
        key: &str,
        search: &ContentSearch,
    ) -> Result<Collection<ContentHit>> {
        let path = format!(
            "{}?{}",
            Self::session_path(key, Some("content")),
            search.to_query_string()
        );
        self.get_collection(&path, decode_content_hits).await
    }

    /// A session's audit trail file, bytes as sent.
    pub async fn audit_trail(&self, key: &str) -> Result<Vec<u8>> {
        let request = HttpRequest {
            path_and_query: Self::session_path(key, Some("audit_trail")),
            headers: Vec::new(),
        };
        Ok(self.get_ok(&request).await?.body)
    }

    /// Fetches every session `search` matches, each exactly once, in order:
    /// offset pages up to 10,000, past that a snapshot walk or time slices
    /// (see [`crate::PagingPlan`] and [`SnapshotPolicy`]).
    ///
    /// Recovery: a 401 asks `observer` to log in again and resumes from the
    /// failed page; 429 and 5xx (and network failures) are retried with
    /// exponential back-off, at most `max_retries` times per request; an
    /// expired snapshot is reopened. `cancel` stops it at any time: running
    /// requests are dropped (which aborts them in the browser). On error or
    /// cancellation the rows fetched so far come with the error.
    pub async fn fetch_all<O: FetchObserver + ?Sized>(
        &self,
        search: &SessionSearch,
        options: &FetchOptions,
        observer: &mut O,
        cancel: &CancelToken,
    ) -> std::result::Result<Fetched, FetchAllError> {
        let plan = RefCell::new(PagingPlan::new(
            search,
            PlanOptions {
                page_size: options.page_size,
                snapshots: options.snapshots,
                max_snapshot_reopens: options.max_snapshot_reopens,
                ..PlanOptions::default()
            },
        ));
        let items = RefCell::new(Vec::new());
        let stats = RefCell::new(FetchStats::default());
        let outcome = if cancel.is_cancelled() {
            Err(ErrorKind::Cancelled.into())
        } else {
            // The loop keeps its results outside itself (plan, items, stats),
            // so that dropping it on cancellation loses nothing fetched.
            let run = Box::pin(self.run_fetch(&plan, &items, &stats, options, observer, cancel));
            let cancelled = cancel.cancelled();
            match select(run, cancelled).await {
                Either::Left((outcome, _)) => outcome,
                Either::Right(((), _)) => Err(ErrorKind::Cancelled.into()),
            }
        };
        let plan = plan.into_inner();
        let mut stats = stats.into_inner();
        stats.snapshot_reopens = plan.snapshot_reopens();
        stats.duplicates = plan.duplicates();
        let items = items.into_inner();
        let completeness = plan.completeness();
        let outcome = outcome.and_then(|()| {
            if completeness.complete || options.allow_incomplete {
                Ok(())
            } else {
                Err(incomplete_error(&completeness))
            }
        });
        match outcome {
            Ok(()) => Ok(Fetched {
                items,
                mode: plan.mode().unwrap_or(PagingMode::Offset),
                expected_total: completeness.expected_total,
                completeness,
                in_global_order: plan.in_global_order(),
                stats,
            }),
            Err(error) => Err(FetchAllError {
                error,
                partial: items,
                stats,
            }),
        }
    }

    fn send_attempt(&self, attempt: Attempt, delay_ms: u64) -> AttemptFuture<'_> {
        Box::pin(async move {
            if delay_ms > 0 {
                self.transport.sleep(delay_ms).await;
            }
            let request = HttpRequest::new(attempt_path(&attempt));
            let reply = self.transport.get(&request).await;
            (attempt, reply)
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_fetch<O: FetchObserver + ?Sized>(
        &self,
        plan: &RefCell<PagingPlan>,
        items: &RefCell<Vec<SessionRow>>,
        stats: &RefCell<FetchStats>,
        options: &FetchOptions,
        observer: &mut O,
        cancel: &CancelToken,
    ) -> Result<()> {
        let mut pending: FuturesUnordered<AttemptFuture<'_>> = FuturesUnordered::new();
        let mut generation = 0u32;
        let mut relogins_in_a_row = 0u32;
        let mut count_by_page = false;
        let mut warned = false;
        let mut last_progress: Option<Progress> = None;
        loop {
            if cancel.is_cancelled() {
                return Err(ErrorKind::Cancelled.into());
            }
            let free = options.in_flight.max(1).saturating_sub(pending.len());
            for request in plan.borrow_mut().next_requests(free) {
                let attempt = Attempt {
                    request,
                    tries: 0,
                    generation,
                    count_by_page,
                };
                pending.push(self.send_attempt(attempt, 0));
            }
            let Some((mut attempt, result)) = pending.next().await else {
                if plan.borrow().is_done() {
                    return Ok(());
                }
                return Err(ErrorKind::Paging {
                    message: "the paging plan stopped without finishing".to_owned(),
                }
                .into());
            };
            stats.borrow_mut().requests += 1;
            let failure = match result {
                Err(e) if e.kind == TransportErrorKind::Aborted => {
                    return Err(ErrorKind::Cancelled.into())
                }
                Err(e) if !e.is_retriable() => return Err(e.into()),
                Err(e) => Retry::Backoff(e.into(), None),
                Ok(reply) if reply.is_success() => {
                    match self.accept(plan, &attempt, &reply) {
                        Ok(()) => Retry::No,
                        // A 2xx that does not decode is not worth retrying.
                        Err(e) => return Err(e),
                    }
                }
                Ok(reply) => match reply.status {
                    401 => Retry::Relogin(api_error(&reply)),
                    429 => Retry::Backoff(api_error(&reply), reply.retry_after_seconds),
                    404 => self.not_found(plan, &mut attempt, &reply, &mut count_by_page)?,
                    500..=599 => Retry::Backoff(api_error(&reply), None),
                    _ => return Err(api_error(&reply)),
                },
            };
            match failure {
                Retry::No => {}
                Retry::Now => pending.push(self.send_attempt(attempt, 0)),
                Retry::Relogin(error) => {
                    // Requests sent before the latest re-login carry the old
                    // cookie: send them again without logging in once more.
                    if attempt.generation < generation {
                        attempt.generation = generation;
                        pending.push(self.send_attempt(attempt, 0));
                    } else if relogins_in_a_row < options.max_relogins && observer.relogin().await {
                        relogins_in_a_row += 1;
                        generation += 1;
                        stats.borrow_mut().relogins += 1;
                        attempt.generation = generation;
                        pending.push(self.send_attempt(attempt, 0));
                    } else {
                        return Err(error);
                    }
                }
                Retry::Backoff(error, retry_after) => {
                    if attempt.tries >= options.max_retries {
                        // The snapshot quota stays full (snapshots live 5
                        // minutes after their last use): slice by time instead.
                        let quota_full = matches!(error.kind(), ErrorKind::Api { status: 429, .. })
                            && attempt.request.action == PlanAction::OpenSnapshot
                            && options.snapshots == SnapshotPolicy::Auto;
                        if quota_full
                            && plan
                                .borrow_mut()
                                .on_snapshot_unsupported(attempt.request.id)
                                .is_ok()
                        {
                            continue;
                        }
                        return Err(error);
                    }
                    let delay = backoff_delay(options, attempt.tries, retry_after);
                    attempt.tries += 1;
                    stats.borrow_mut().retries += 1;
                    pending.push(self.send_attempt(attempt, delay));
                }
            }

            let ready = plan.borrow_mut().take_ready();
            if !ready.is_empty() {
                relogins_in_a_row = 0;
                observer.rows(&ready);
                items.borrow_mut().extend(ready);
            }
            let progress = {
                let plan = plan.borrow();
                Progress {
                    fetched: plan.delivered(),
                    expected: plan.expected_total(),
                    lower_bound: plan.lower_bound(),
                    mode: plan.mode(),
                }
            };
            if last_progress != Some(progress) {
                observer.progress(&progress);
                last_progress = Some(progress);
            }
            if let Some(left) = self.remaining.get() {
                if left < options.expiry_warning_seconds {
                    if !warned {
                        observer.session_expiring(left);
                        warned = true;
                    }
                } else {
                    warned = false;
                }
            }
        }
    }

    /// Feeds a 2xx reply to the plan.
    fn accept(
        &self,
        plan: &RefCell<PagingPlan>,
        attempt: &Attempt,
        reply: &HttpReply,
    ) -> Result<()> {
        let id = attempt.request.id;
        match &attempt.request.action {
            PlanAction::Page(_) | PlanAction::Follow { .. } => {
                let page = decode_session_list(&reply.body)?;
                self.note_remaining(page.meta.as_ref().and_then(|m| m.remaining_seconds));
                plan.borrow_mut().on_page(id, page)
            }
            PlanAction::Count(_) if attempt.count_by_page => {
                let page = decode_session_list(&reply.body)?;
                let meta: Option<&CollectionMeta> = page.meta.as_ref();
                self.note_remaining(meta.and_then(|m| m.remaining_seconds));
                let count = meta.and_then(|m| m.match_count).ok_or_else(|| {
                    Error::from(ErrorKind::Paging {
                        message: "the appliance tells neither `_count` nor `match_count`: \
                                  cannot split the search by time"
                            .to_owned(),
                    })
                })?;
                // At the cap this is only a lower bound; the plan knows.
                plan.borrow_mut().on_match_count(id, count)
            }
            PlanAction::Count(_) => {
                let count = decode_json::<CountWithMeta>("count", &reply.body)?;
                self.note_remaining(count.meta.and_then(|m| m.remaining_seconds));
                plan.borrow_mut().on_count(id, count.count)
            }
            PlanAction::OpenSnapshot => {
                let single = decode_snapshot(&reply.body)?;
                self.note_remaining(single.meta.as_ref().and_then(|m| m.remaining_seconds));
                plan.borrow_mut()
                    .on_snapshot_opened(id, &single.body.snapshot)
            }
        }
    }

    /// A 404: what it means depends on the request.
    fn not_found(
        &self,
        plan: &RefCell<PagingPlan>,
        attempt: &mut Attempt,
        reply: &HttpReply,
        count_by_page: &mut bool,
    ) -> Result<Retry> {
        let id = attempt.request.id;
        match &attempt.request.action {
            // No snapshot search on this appliance (before 7.5): the plan
            // slices by time instead (or fails under `Always`).
            PlanAction::OpenSnapshot => {
                plan.borrow_mut()
                    .on_snapshot_unsupported(id)
                    .map_err(|_| api_error(reply))?;
                Ok(Retry::No)
            }
            // The snapshot expired: the plan reopens one.
            PlanAction::Follow { snapshot: true, .. } => {
                plan.borrow_mut().on_snapshot_expired(id)?;
                Ok(Retry::No)
            }
            // No `_count` on this appliance: count with a one-row page.
            PlanAction::Count(_) if !attempt.count_by_page => {
                *count_by_page = true;
                attempt.count_by_page = true;
                Ok(Retry::Now)
            }
            _ => Err(api_error(reply)),
        }
    }
}

/// The error for a fetch that ended short of the appliance's count.
fn incomplete_error(completeness: &Completeness) -> Error {
    let (expected, how) = match (completeness.expected_total, completeness.lower_bound) {
        (Some(total), _) => (
            total,
            match completeness.source {
                TotalSource::CountEndpoint => "`_count`",
                TotalSource::WindowCounts => "the time windows' counts",
                _ => "`match_count`",
            },
        ),
        (None, Some(at_least)) => (at_least, "`match_count` (at least)"),
        (None, None) => (0, "nothing"),
    };
    ErrorKind::Incomplete {
        delivered: completeness.delivered,
        expected,
        how: how.to_owned(),
    }
    .into()
}

/// What to do after a failed request.
enum Retry {
    No,
    Now,
    Relogin(Error),
    Backoff(Error, Option<u64>),
}

fn backoff_delay(options: &FetchOptions, tries: u32, retry_after_seconds: Option<u64>) -> u64 {
    let exponential = options
        .backoff_initial_ms
        .saturating_mul(1u64 << tries.min(20));
    let wanted = match retry_after_seconds {
        Some(s) => exponential.max(s.saturating_mul(1000)),
        None => exponential,
    };
    wanted.min(options.backoff_max_ms)
}

fn plan_path(action: &PlanAction) -> String {
    action.path_and_query()
}

/// The filters of a search, without what a count or stats do not take.
fn count_search(search: &SessionSearch) -> SessionSearch {
    SessionSearch {
        fields: None,
        sort: Vec::new(),
        limit: None,
        offset: None,
        format: None,
        snapshot: None,
        ..search.clone()
    }
}

fn attempt_path(attempt: &Attempt) -> String {
    match &attempt.request.action {
        PlanAction::Count(search) if attempt.count_by_page => {
            let page = SessionSearch {
                limit: Some(1),
                fields: Some(Vec::new()),
                ..search.clone()
            };
            plan_path(&PlanAction::Page(page))
        }
        action => plan_path(action),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        use std::time::{Duration, UNIX_EPOCH};
        // 2026-10-21T07:28:00Z
        let now = UNIX_EPOCH + Duration::from_secs(1_792_567_680);
        assert_eq!(retry_after_seconds("120", now), Some(120));
        assert_eq!(retry_after_seconds(" 7 ", now), Some(7));
        // The IMF-fixdate form, 90 s after `now`.
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2026 07:29:30 GMT", now),
            Some(90)
        );
        // The obsolete RFC 850 and asctime forms, as RFC 9110 says to accept.
        assert_eq!(
            retry_after_seconds("Wednesday, 21-Oct-26 07:29:30 GMT", now),
            Some(90)
        );
        assert_eq!(
            retry_after_seconds("Wed Oct 21 07:29:30 2026", now),
            Some(90)
        );
        // A date in the past: no wait.
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2026 07:00:00 GMT", now),
            Some(0)
        );
        for junk in ["", "soon", "-5", "1.5", "Wed, 32 Oct 2026 07:29:30 GMT"] {
            assert_eq!(retry_after_seconds(junk, now), None, "{junk:?}");
        }
    }

    #[test]
    fn basic_credentials_are_utf8_base64() {
        assert_eq!(basic_authorization("", ""), "Basic Og==");
        assert_eq!(
            basic_authorization("admin", "pässword:x"),
            "Basic YWRtaW46cMOkc3N3b3JkOng="
        );
    }

    #[test]
    fn api_errors_keep_type_message_and_status() {
        let body =
            br#"{"error":{"type":"InvalidQuery","message":"bad q","details":{"q":"x"}},"meta":{}}"#;
        let e = api_error(&HttpReply::new(400, None, body.to_vec()));
        match e.kind() {
            ErrorKind::Api {
                status,
                error_type,
                message,
                details,
            } => {
                assert_eq!(e.reply_problem(), None);
                assert_eq!(*status, 400);
                assert_eq!(error_type, "InvalidQuery");
                assert_eq!(message, "bad q");
                assert!(details.is_some());
            }
            other => panic!("{other:?}"),
        }
        let e = api_error(&HttpReply::new(
            502,
            Some("text/html".into()),
            b"<html>".to_vec(),
        ));
        assert!(matches!(e.kind(), ErrorKind::Api { status: 502, .. }));
        assert!(e.to_string().contains("an HTML page (text/html)"), "{e}");
        assert_eq!(e.reply_problem(), Some(ReplyProblem::Html));
        let e = api_error(&HttpReply::new(503, None, Vec::new()));
        assert_eq!(e.reply_problem(), Some(ReplyProblem::Empty));
        assert!(
            e.to_string().contains("an empty body (no content type)"),
            "{e}"
        );
    }

    #[test]
    fn backoff_is_exponential_and_bounded() {
        let o = FetchOptions::default();
        assert_eq!(backoff_delay(&o, 0, None), 250);
        assert_eq!(backoff_delay(&o, 2, None), 1000);
        assert_eq!(backoff_delay(&o, 30, None), 8000);
        assert_eq!(backoff_delay(&o, 0, Some(3)), 3000);
        assert_eq!(backoff_delay(&o, 0, Some(3600)), 8000);
    }

    #[test]
    fn login_methods_shapes() {
        let sim = br#"{"items":[{"key":"local","body":{"name":"local","type":"local","display_name":"Local users"}}],"meta":{}}"#;
        let MethodsReply::Collection { items } = decode_json::<MethodsReply>("m", sim).unwrap()
        else {
            panic!()
        };
        let m: Vec<LoginMethod> = items
            .into_iter()
            .filter_map(MethodItem::into_method)
            .collect();
        assert_eq!(m[0].name, "local");
        assert_eq!(m[0].label, "Local users");
        assert_eq!(m[0].kind.as_deref(), Some("local"));
        let list = decode_json::<MethodsReply>("m", br#"["a","b"]"#).unwrap();
        assert!(matches!(list, MethodsReply::List(v) if v.len() == 2));
    }

    /// A scripted transport: answers from a queue, records paths.
    struct Script {
        replies: RefCell<VecDeque<HttpReply>>,
        paths: RefCell<Vec<String>>,
    }

    impl Script {
        /// Answers requests with `replies` in order, recording their paths.
        fn new(replies: impl Into<VecDeque<HttpReply>>) -> Script {
            Script {
                replies: RefCell::new(replies.into()),
                paths: RefCell::new(Vec::new()),
            }
        }
    }

    impl Transport for Script {
        async fn get(
            &self,
            request: &HttpRequest,
        ) -> std::result::Result<HttpReply, TransportError> {
            self.paths.borrow_mut().push(request.path_and_query.clone());
            self.replies
                .borrow_mut()
                .pop_front()
                .ok_or_else(|| TransportError::network("script exhausted"))
        }

        async fn sleep(&self, _millis: u64) {}
    }

    fn json(status: u16, body: &str) -> HttpReply {
        HttpReply::new(
            status,
            Some("application/json".into()),
            body.as_bytes().to_vec(),
        )
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        futures_util::FutureExt::now_or_never(f).expect("scripted futures never wait")
    }

    struct Relogger(u32);

    impl FetchObserver for Relogger {
        async fn relogin(&mut self) -> bool {
            self.0 += 1;
            true
        }
    }

    #[test]
    fn fetch_all_retries_and_relogs_in_order() {
        let page = |keys: &[&str], count: u64| {
            let items: Vec<String> = keys.iter().map(|k| format!(r#"{{"key":"{k}"}}"#)).collect();
            json(
                200,
                &format!(
                    r#"{{"items":[{}],"meta":{{"match_count":{count}}}}}"#,
                    items.join(",")
                ),
            )
        };
        let err401 = json(
            401,
            r#"{"error":{"type":"Unauthenticated","message":"expired"}}"#,
        );
        let err503 = json(
            503,
            r#"{"error":{"type":"ServiceUnavailable","message":"busy"}}"#,
        );
        let script = Script::new(VecDeque::from(vec![
            page(&["a", "b"], 5),
            err401,
            err503,
            page(&["c", "d"], 5),
            page(&["e"], 5),
        ]));
        let client = Client::new(&script);
        let options = FetchOptions {
            in_flight: 1,
            page_size: 2,
            ..FetchOptions::default()
        };
        let mut observer = Relogger(0);
        let fetched = block_on(client.fetch_all(
            &SessionSearch::new(),
            &options,
            &mut observer,
            &CancelToken::new(),
        ))
        .unwrap();
        let keys: Vec<&str> = fetched.items.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "d", "e"]);
        assert_eq!(observer.0, 1);
        assert_eq!(fetched.stats.relogins, 1);
        assert_eq!(fetched.stats.retries, 1);
        let paths = script.paths.borrow();
        assert_eq!(paths[1], paths[2], "the failed page is sent again");
        assert_eq!(paths[2], paths[3]);
    }

    #[test]
    fn persistent_errors_keep_the_partial_result() {
        let ok = json(
            200,
            r#"{"items":[{"key":"a"},{"key":"b"}],"meta":{"match_count":4}}"#,
        );
        let mut replies = vec![ok];
        replies.extend((0..10).map(|_| json(500, r#"{"error":{"type":"InternalServerError"}}"#)));
        let script = Script::new(replies);
        let client = Client::new(&script);
        let options = FetchOptions {
            page_size: 2,
            max_retries: 2,
            ..FetchOptions::default()
        };
        let err = block_on(client.fetch_all(
            &SessionSearch::new(),
            &options,
            &mut NoObserver,
            &CancelToken::new(),
        ))
        .unwrap_err();
        assert_eq!(err.partial.len(), 2);
        assert!(matches!(
            err.error.kind(),
            ErrorKind::Api { status: 500, .. }
        ));
        assert_eq!(
            script.paths.borrow().len(),
            4,
            "first page, then 1 + 2 retries"
        );
    }

    /// Collects what `FetchObserver::rows` hands over.
    struct RowCollector(Vec<String>);

    impl FetchObserver for RowCollector {
        fn rows(&mut self, rows: &[SessionRow]) {
            self.0.extend(rows.iter().map(|r| r.key.clone()));
        }
    }

    #[test]
    fn rows_reach_the_observer_in_order() {
        let script = Script::new(VecDeque::from(vec![
            json(
                200,
                r#"{"items":[{"key":"a"},{"key":"b"}],"meta":{"match_count":3}}"#,
            ),
            json(200, r#"{"items":[{"key":"c"}],"meta":{"match_count":3}}"#),
        ]));
        let client = Client::new(&script);
        let options = FetchOptions {
            in_flight: 1,
            page_size: 2,
            ..FetchOptions::default()
        };
        let mut observer = RowCollector(Vec::new());
        let fetched = block_on(client.fetch_all(
            &SessionSearch::new(),
            &options,
            &mut observer,
            &CancelToken::new(),
        ))
        .unwrap();
        let keys: Vec<&str> = fetched.items.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(observer.0, keys);
    }

    #[test]
    fn cancelled_before_start() {
        let script = Script::new(VecDeque::new());
        let client = Client::new(&script);
        let cancel = CancelToken::new();
        cancel.cancel();
        let err = block_on(client.fetch_all(
            &SessionSearch::new(),
            &FetchOptions::default(),
            &mut NoObserver,
            &cancel,
        ))
        .unwrap_err();
        assert_eq!(err.error.kind(), &ErrorKind::Cancelled);
        assert!(script.paths.borrow().is_empty());
    }
}
