//! JavaScript bindings for the npm package `spsview` (feature `js`, wasm32
//! only), made with wasm-bindgen. The package's hand-written `npm/index.js`
//! wraps these raw exports into its public API (`SpsClient`, async
//! iterators, `Error` subclasses) and `npm/index.d.ts` types them; every
//! model, parser, paging plan and exporter stays here in Rust.
//!
//! - [`RawClient`]: the [`Client`] over [`FetchTransport`] (in Node with its
//!   own cookie, since Node's `fetch` has no jar). Every method returns a
//!   `Promise`.
//! - [`JsQuery`] and [`JsFieldBuilder`]: the `q` builder ([`Query::field`]).
//! - [`JsCancel`]: a [`CancelToken`] that the wrapper wires to an `AbortSignal`.
//! - `rowsToCsv`, `rowsToJson`, `rowsToNdjson` (the package's `toCsv`, `toJson`,
//!   `toNdjson`): the exporters, rows in as one JSON text,
//!   the export out as one string.
//!
//! Data goes to JavaScript as plain objects made by `JSON.parse` of text that
//! serde_json wrote (measured faster than building the objects
//! one property at a time with serde-wasm-bindgen; figures in `npm/README.md`).
//! Errors are JavaScript `Error`s carrying `spsKind`, `type`, `status`,
//! `details`, `position` and `problem` (see [`js_error`]), which the wrapper turns into
//! its `SpsError` subclasses.

use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::builder::{FieldBuilder, RangeEnd};
use crate::client::{CancelToken, Client, FetchObserver, FetchOptions, Progress};
use crate::decode::decode_json;
#[cfg(feature = "js-bench")]
use crate::decode::decode_session_list;
use crate::error::{Error, ErrorKind, Result};
use crate::export::{
    session_columns, CsvColumn, CsvExporter, CsvOptions, JsonExporter, LineEnd, MultiValue,
    NdjsonExporter, TimeFormat,
};
use crate::fetch::FetchTransport;
use crate::paging::{PagingMode, SnapshotPolicy};
use crate::parse::parse_query;
use crate::query::Query;
use crate::search::{ContentSearch, EventSearch, SessionSearch};
use crate::session::SessionRow;
use crate::timestamp::{Timestamp, Zone};

// ---------------------------------------------------------------------------
// Crossing the boundary
// ---------------------------------------------------------------------------

/// How a Rust value becomes a JavaScript value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// serde-wasm-bindgen builds the objects property by property (measured
    /// only: feature `js-bench`).
    #[cfg(feature = "js-bench")]
    Objects,
    /// serde_json writes text, `JSON.parse` builds the objects.
    JsonText,
}

/// The way every value crosses (chosen by measurement, see the module notes).
const BOUNDARY: Boundary = Boundary::JsonText;

fn boundary_error(message: impl std::fmt::Display) -> Error {
    ErrorKind::Export {
        message: format!("cannot hand the value over to JavaScript: {message}"),
    }
    .into()
}

fn to_js_with<T: Serialize + ?Sized>(value: &T, boundary: Boundary) -> Result<JsValue> {
    match boundary {
        #[cfg(feature = "js-bench")]
        Boundary::Objects => value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(boundary_error),
        Boundary::JsonText => {
            let text = serde_json::to_string(value).map_err(boundary_error)?;
            js_sys::JSON::parse(&text)
                .map_err(|e| boundary_error(crate::js_error::js_error_text(&e)))
        }
    }
}

/// A Rust value as plain JavaScript data (objects, arrays, strings, numbers).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    to_js_with(value, BOUNDARY)
}

/// Reads JavaScript data (`what` names it in errors) into `T`; `undefined`
/// and `null` give `T::default()`.
fn from_js<T: for<'de> Deserialize<'de> + Default>(what: &str, value: JsValue) -> Result<T> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    // As JSON text, read by the same decoder as the API's replies: one path
    // for errors, and no second deserializer in the wasm.
    let text = js_sys::JSON::stringify(&value).map_err(|e| {
        Error::from(ErrorKind::Decode {
            what: what.to_owned(),
            path: ".".to_owned(),
            message: format!("not plain data: {}", crate::js_error::js_error_text(&e)),
        })
    })?;
    decode_json(what, String::from(text).as_bytes())
}

fn set(target: &JsValue, name: &str, value: &JsValue) {
    // Setting a property of a fresh `Error` cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(name), value);
}

/// An [`Error`] as a JavaScript `Error` whose message is the error's text,
/// with `spsKind` (the [`ErrorKind`] variant's name), `type` (SPS's error type
/// for API errors, else the kind), `status` (HTTP status of API errors),
/// `details` (SPS's details), `position` (1-based column of query errors)
/// and `problem` ([`crate::ReplyProblem::code`], for a reply that was not the
/// JSON the API documents).
pub fn js_error(error: &Error) -> JsValue {
    let js = JsValue::from(js_sys::Error::new(&error.to_string()));
    let mut status = None;
    let mut position = None;
    let mut details = None;
    let mut error_type = None;
    let kind = match error.kind() {
        ErrorKind::Decode { .. } => "Decode",
        ErrorKind::Timestamp { .. } => "Timestamp",
        ErrorKind::QuerySyntax { position: p, .. } => {
            position = Some(*p);
            "QuerySyntax"
        }
        ErrorKind::QueryField { position: p, .. } => {
            position = Some(*p);
            "QueryField"
        }
        ErrorKind::QueryInvalid { position: p, .. } => {
            position = Some(*p);
            "QueryInvalid"
        }
        ErrorKind::SearchParameter { .. } => "SearchParameter",
        ErrorKind::Export { .. } => "Export",
        ErrorKind::Api {
            status: s,
            error_type: t,
            details: d,
            ..
        } => {
            status = Some(*s);
            error_type = Some(t.clone());
            details = d.clone();
            "Api"
        }
        ErrorKind::Transport { .. } => "Transport",
        ErrorKind::ReplyTooLarge { limit, size } => {
            set(&js, "limit", &JsValue::from(*limit as f64));
            if let Some(size) = size {
                set(&js, "size", &JsValue::from(*size as f64));
            }
            "ReplyTooLarge"
        }
        ErrorKind::Redirected {
            status: s,
            location,
        } => {
            status = Some(*s);
            if let Some(location) = location {
                set(&js, "location", &JsValue::from_str(location));
            }
            "Redirected"
        }
        ErrorKind::Cancelled => "Cancelled",
        ErrorKind::SliceTooDense { .. } => "SliceTooDense",
        ErrorKind::Incomplete {
            delivered,
            expected,
            ..
        } => {
            set(&js, "delivered", &JsValue::from(*delivered as f64));
            set(&js, "expectedTotal", &JsValue::from(*expected as f64));
            "Incomplete"
        }
        ErrorKind::Paging { .. } => "Paging",
        #[allow(unreachable_patterns)] // `ErrorKind` is non-exhaustive
        _ => "Other",
    };
    set(&js, "spsKind", &JsValue::from_str(kind));
    let error_type = error_type.unwrap_or_else(|| kind.to_owned());
    set(&js, "type", &JsValue::from_str(&error_type));
    if let Some(status) = status {
        set(&js, "status", &JsValue::from(status));
    }
    if let Some(position) = position {
        set(&js, "position", &JsValue::from(position as u32));
    }
    if let Some(problem) = error.reply_problem() {
        set(&js, "problem", &JsValue::from_str(problem.code()));
    }
    if let Some(details) = details {
        if let Ok(value) = to_js(&details) {
            set(&js, "details", &value);
        }
    }
    js
}

/// Runs `future` as a `Promise` that resolves to its value as JavaScript data
/// or rejects with [`js_error`].
fn promise<T, F>(future: F) -> Promise
where
    T: Serialize,
    F: Future<Output = Result<T>> + 'static,
{
    future_to_promise(async move {
        let value = future.await.map_err(|e| js_error(&e))?;
        to_js(&value).map_err(|e| js_error(&e))
    })
}

// ---------------------------------------------------------------------------
// Search input
// ---------------------------------------------------------------------------

/// One name or a list (`fields`, `sort`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrList {
    One(String),
    List(Vec<String>),
}

impl OneOrList {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrList::One(text) => text.split(',').map(str::to_owned).collect(),
            OneOrList::List(list) => list,
        }
    }
}

/// A time given as ISO text or UNIX seconds.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum TimeInput {
    Text(String),
    Seconds(f64),
}

impl TimeInput {
    fn text(self) -> String {
        match self {
            TimeInput::Text(text) => text,
            TimeInput::Seconds(seconds) => seconds.to_string(),
        }
    }
}

/// What JavaScript passes as a sessions query: `q` text (or nothing) or an
/// object (the wrapper has already turned a `Query` into its text).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchInput {
    q: Option<String>,
    content: Option<String>,
    fields: Option<OneOrList>,
    sort: Option<OneOrList>,
    start: Option<TimeInput>,
    end: Option<TimeInput>,
    limit: Option<u32>,
    offset: Option<u32>,
}

fn session_search(value: JsValue) -> Result<SessionSearch> {
    if let Some(q) = value.as_string() {
        return SessionSearch::new().with_q_text(&q);
    }
    let input: SearchInput = from_js("query", value)?;
    let mut search = SessionSearch::new();
    if let Some(q) = input.q {
        search = search.with_q_text(&q)?;
    }
    if let Some(content) = input.content {
        search = search.with_content(&content)?;
    }
    if let Some(fields) = input.fields {
        search = search.with_fields(fields.into_vec())?;
    }
    if let Some(sort) = input.sort {
        search = search.with_sort(&sort.into_vec().join(","))?;
    }
    if let Some(start) = input.start {
        search = search.with_start(&start.text())?;
    }
    if let Some(end) = input.end {
        search = search.with_end(&end.text())?;
    }
    if let Some(limit) = input.limit {
        search = search.with_limit(limit)?;
    }
    if let Some(offset) = input.offset {
        search = search.with_offset(offset)?;
    }
    Ok(search)
}

/// An events query: `q` text or `{q, limit, offset}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventInput {
    q: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

fn event_search(value: JsValue) -> Result<EventSearch> {
    if let Some(q) = value.as_string() {
        return EventSearch::new().with_q_text(&q);
    }
    let input: EventInput = from_js("events query", value)?;
    let mut search = EventSearch::new();
    if let Some(q) = input.q {
        search = search.with_q_text(&q)?;
    }
    if let Some(limit) = input.limit {
        search = search.with_limit(limit)?;
    }
    if let Some(offset) = input.offset {
        search = search.with_offset(offset);
    }
    Ok(search)
}

/// Checks a sessions query without sending it: resolves to nothing, or
/// throws the error the query has (syntax, unknown field, bad parameter).
#[wasm_bindgen(js_name = checkQuery)]
pub fn check_query(query: JsValue) -> std::result::Result<(), JsValue> {
    session_search(query).map(drop).map_err(|e| js_error(&e))
}

/// The URL query string (`q=…&fields=…`, without `?`) that a sessions query
/// sends, in SPS's own encoding.
#[wasm_bindgen(js_name = queryString)]
pub fn query_string(query: JsValue) -> std::result::Result<String, JsValue> {
    session_search(query)
        .map(|s| s.to_query_string())
        .map_err(|e| js_error(&e))
}

// ---------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------

/// `fetchAll` settings, as JavaScript spells them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FetchInput {
    in_flight: Option<usize>,
    page_size: Option<u32>,
    max_retries: Option<u32>,
    backoff_initial_ms: Option<u64>,
    backoff_max_ms: Option<u64>,
    expiry_warning_seconds: Option<i64>,
    max_relogins: Option<u32>,
    max_snapshot_reopens: Option<u32>,
    snapshots: Option<String>,
    /// False: do not return the rows at the end (they went to `onRows`).
    collect: Option<bool>,
    /// True: a shortfall against the appliance's count resolves with
    /// `complete: false` instead of rejecting.
    allow_incomplete: Option<bool>,
}

impl FetchInput {
    fn options(&self) -> Result<FetchOptions> {
        let defaults = FetchOptions::default();
        let snapshots = match self.snapshots.as_deref() {
            None | Some("auto") => SnapshotPolicy::Auto,
            Some("never") => SnapshotPolicy::Never,
            Some("always") => SnapshotPolicy::Always,
            Some(other) => {
                return Err(ErrorKind::SearchParameter {
                    parameter: "snapshots".to_owned(),
                    message: format!("`{other}` is not `auto`, `never` or `always`"),
                }
                .into())
            }
        };
        if self
            .page_size
            .is_some_and(|p| p == 0 || p > crate::MAX_LIMIT)
        {
            return Err(ErrorKind::SearchParameter {
                parameter: "pageSize".to_owned(),
                message: format!("must be between 1 and {}", crate::MAX_LIMIT),
            }
            .into());
        }
        Ok(FetchOptions {
            in_flight: self.in_flight.unwrap_or(defaults.in_flight).max(1),
            snapshots,
            max_retries: self.max_retries.unwrap_or(defaults.max_retries),
            backoff_initial_ms: self
                .backoff_initial_ms
                .unwrap_or(defaults.backoff_initial_ms),
            backoff_max_ms: self.backoff_max_ms.unwrap_or(defaults.backoff_max_ms),
            expiry_warning_seconds: self
                .expiry_warning_seconds
                .unwrap_or(defaults.expiry_warning_seconds),
            max_relogins: self.max_relogins.unwrap_or(defaults.max_relogins),
            page_size: self.page_size.unwrap_or(defaults.page_size),
            max_snapshot_reopens: self
                .max_snapshot_reopens
                .unwrap_or(defaults.max_snapshot_reopens),
            allow_incomplete: self.allow_incomplete.unwrap_or(defaults.allow_incomplete),
        })
    }
}

fn mode_name(mode: PagingMode) -> &'static str {
    match mode {
        PagingMode::Offset => "offset",
        PagingMode::FollowLinks => "followLinks",
        PagingMode::Snapshot => "snapshot",
        PagingMode::TimeSlices => "timeSlices",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProgressOut {
    fetched: u64,
    expected: Option<u64>,
    lower_bound: Option<u64>,
    mode: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsOut {
    requests: u64,
    retries: u64,
    relogins: u32,
    snapshot_reopens: u32,
    duplicates: u64,
}

impl From<crate::client::FetchStats> for StatsOut {
    fn from(s: crate::client::FetchStats) -> Self {
        StatsOut {
            requests: s.requests,
            retries: s.retries,
            relogins: s.relogins,
            snapshot_reopens: s.snapshot_reopens,
            duplicates: s.duplicates,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FetchedOut<'a> {
    items: &'a [SessionRow],
    mode: &'static str,
    expected_total: Option<u64>,
    complete: bool,
    lower_bound: Option<u64>,
    total_source: &'static str,
    delivered: u64,
    in_global_order: bool,
    stats: StatsOut,
}

#[derive(Serialize)]
struct LoginMethodOut {
    name: String,
    kind: Option<String>,
    label: String,
}

/// The callbacks of `fetchAll`, read from the JavaScript options object.
struct JsObserver {
    on_progress: Option<Function>,
    on_rows: Option<Function>,
    on_relogin: Option<Function>,
    on_session_expiring: Option<Function>,
}

fn callback(options: &JsValue, name: &str) -> Option<Function> {
    if options.is_undefined() || options.is_null() {
        return None;
    }
    Reflect::get(options, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
}

impl JsObserver {
    fn from_options(options: &JsValue) -> JsObserver {
        JsObserver {
            on_progress: callback(options, "onProgress"),
            on_rows: callback(options, "onRows"),
            on_relogin: callback(options, "onRelogin"),
            on_session_expiring: callback(options, "onSessionExpiring"),
        }
    }
}

impl FetchObserver for JsObserver {
    fn progress(&mut self, progress: &Progress) {
        if let Some(f) = &self.on_progress {
            let out = ProgressOut {
                fetched: progress.fetched,
                expected: progress.expected,
                lower_bound: progress.lower_bound,
                mode: progress.mode.map(mode_name),
            };
            if let Ok(value) = to_js(&out) {
                // A throwing callback does not stop the fetch.
                let _ = f.call1(&JsValue::UNDEFINED, &value);
            }
        }
    }

    fn session_expiring(&mut self, remaining_seconds: i64) {
        if let Some(f) = &self.on_session_expiring {
            let _ = f.call1(
                &JsValue::UNDEFINED,
                &JsValue::from(remaining_seconds as f64),
            );
        }
    }

    fn rows(&mut self, rows: &[SessionRow]) {
        if let Some(f) = &self.on_rows {
            if let Ok(value) = to_js(rows) {
                let _ = f.call1(&JsValue::UNDEFINED, &value);
            }
        }
    }

    async fn relogin(&mut self) -> bool {
        let Some(f) = &self.on_relogin else {
            return false;
        };
        let Ok(mut answer) = f.call0(&JsValue::UNDEFINED) else {
            return false;
        };
        if let Some(pending) = answer.dyn_ref::<Promise>() {
            match JsFuture::from(pending.clone()).await {
                Ok(value) => answer = value,
                Err(_) => return false,
            }
        }
        answer.is_truthy()
    }
}

/// Cancels a `fetchAll`: the wrapper calls [`JsCancel::cancel`] when the
/// caller's `AbortSignal` aborts.
#[wasm_bindgen(js_name = CancelHandle)]
#[derive(Debug, Default)]
pub struct JsCancel {
    token: CancelToken,
}

#[wasm_bindgen(js_class = CancelHandle)]
impl JsCancel {
    /// A handle not cancelled yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsCancel {
        JsCancel::default()
    }

    /// Cancels: requests in flight are aborted, nothing new is sent.
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// Whether it was cancelled.
    #[wasm_bindgen(getter, js_name = isCancelled)]
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// The transport settings of `RawClient`, as JavaScript spells them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TransportInput {
    /// Per-request timeout in milliseconds.
    timeout_ms: Option<u32>,
    /// Largest reply read, in bytes.
    max_reply_bytes: Option<u64>,
}

/// The audit API client: [`Client`] over the Fetch API. Every method returns
/// a `Promise` of plain JavaScript data, rejected with [`js_error`].
#[wasm_bindgen]
#[derive(Debug)]
pub struct RawClient {
    client: Rc<Client<FetchTransport>>,
}

#[wasm_bindgen]
impl RawClient {
    /// A client for the appliance at `base_url` (`https://sps.example.com`);
    /// without one, the page's own origin. `own_cookie`: keep the login
    /// cookie in the client (Node, which has no cookie jar). `transport`:
    /// `{timeoutMs, maxReplyBytes}` (defaults 60 s and 64 MiB, see
    /// [`crate::DEFAULT_TIMEOUT_MS`], [`crate::DEFAULT_MAX_REPLY_BYTES`]). The
    /// `http:` check is the wrapper's (`allowPlainHttp`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        base_url: Option<String>,
        own_cookie: bool,
        transport: JsValue,
    ) -> std::result::Result<RawClient, JsValue> {
        let input: TransportInput =
            from_js("transport options", transport).map_err(|e| js_error(&e))?;
        let mut transport = match base_url.as_deref().filter(|b| !b.is_empty()) {
            Some(base) => FetchTransport::with_base(base),
            None => FetchTransport::same_origin(),
        };
        if own_cookie {
            transport = transport.with_own_cookie();
        }
        if let Some(ms) = input.timeout_ms {
            transport = transport.with_timeout_ms(ms);
        }
        if let Some(bytes) = input.max_reply_bytes {
            transport = transport.with_max_reply_bytes(bytes);
        }
        Ok(RawClient {
            client: Rc::new(Client::new(transport)),
        })
    }

    /// Logs in with a user name and password (HTTP Basic), optionally with a
    /// login method.
    pub fn login(&self, user: String, password: String, method: Option<String>) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { client.login(&user, &password, method.as_deref()).await })
    }

    /// Forgets the login cookie kept by the client (Node).
    #[wasm_bindgen(js_name = forgetCookie)]
    pub fn forget_cookie(&self) {
        self.client.transport().forget_cookie();
    }

    /// The login's remaining seconds, from the latest reply that told it.
    #[wasm_bindgen(getter, js_name = remainingSeconds)]
    pub fn remaining_seconds(&self) -> Option<f64> {
        self.client.remaining_seconds().map(|s| s as f64)
    }

    /// The login methods: `[{name, kind, label}]`.
    #[wasm_bindgen(js_name = loginMethods)]
    pub fn login_methods(&self) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move {
            let methods = client.login_methods().await?;
            Ok(methods
                .into_iter()
                .map(|m| LoginMethodOut {
                    name: m.name,
                    kind: m.kind,
                    label: m.label,
                })
                .collect::<Vec<_>>())
        })
    }

    /// `/api/info`: `{key, body: {firmware_version}, meta}`.
    pub fn info(&self) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { client.info().await })
    }

    /// One page of sessions: `{items, meta}`.
    pub fn page(&self, query: JsValue) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move {
            let search = session_search(query)?;
            client.sessions(&search).await
        })
    }

    /// How many sessions match.
    pub fn count(&self, query: JsValue) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move {
            let search = session_search(query)?;
            client.count(&search).await
        })
    }

    /// Every session the query matches (see [`Client::fetch_all`]):
    /// `{items, mode, expectedTotal, complete, lowerBound, totalSource,
    /// delivered, inGlobalOrder, stats}`. `options` holds
    /// the settings and the callbacks `onProgress`, `onRows`, `onRelogin`,
    /// `onSessionExpiring`. On error or cancellation the `Error` carries
    /// `partial` (the rows fetched before) and `stats`.
    #[wasm_bindgen(js_name = fetchAll)]
    pub fn fetch_all(&self, query: JsValue, options: JsValue, cancel: &JsCancel) -> Promise {
        let client = Rc::clone(&self.client);
        let token = cancel.token.clone();
        future_to_promise(async move {
            let search = session_search(query).map_err(|e| js_error(&e))?;
            let mut observer = JsObserver::from_options(&options);
            let input = read_fetch_input(options)?;
            let fetch_options = input.options().map_err(|e| js_error(&e))?;
            let collect = input.collect.unwrap_or(true);
            match client
                .fetch_all(&search, &fetch_options, &mut observer, &token)
                .await
            {
                Ok(fetched) => {
                    let items: &[SessionRow] = if collect { &fetched.items } else { &[] };
                    let out = FetchedOut {
                        items,
                        mode: mode_name(fetched.mode),
                        expected_total: fetched.expected_total,
                        complete: fetched.completeness.complete,
                        lower_bound: fetched.completeness.lower_bound,
                        total_source: fetched.completeness.source.name(),
                        delivered: fetched.completeness.delivered,
                        in_global_order: fetched.in_global_order,
                        stats: fetched.stats.into(),
                    };
                    to_js(&out).map_err(|e| js_error(&e))
                }
                Err(failed) => {
                    let error = js_error(&failed.error);
                    let partial: &[SessionRow] = if collect { &failed.partial } else { &[] };
                    if let Ok(rows) = to_js(partial) {
                        set(&error, "partial", &rows);
                    }
                    if let Ok(stats) = to_js(&StatsOut::from(failed.stats)) {
                        set(&error, "stats", &stats);
                    }
                    Err(error)
                }
            }
        })
    }

    /// One full session: `{key, body, meta}`.
    pub fn session(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { client.session(&key).await })
    }

    /// A session's channels: `[{key, body, meta}]`.
    pub fn channels(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { Ok(client.channels(&key).await?.items) })
    }

    /// A session's events matching `query` (`q` text or `{q, limit, offset}`).
    pub fn events(&self, key: String, query: JsValue) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move {
            let search = event_search(query)?;
            Ok(client.events(&key, &search).await?.items)
        })
    }

    /// A session's alerts.
    pub fn alerts(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { Ok(client.alerts(&key).await?.items) })
    }

    /// A session's indexing details.
    pub fn indexing(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { Ok(client.indexing(&key).await?.items) })
    }

    /// A session's audit-trail downloads.
    #[wasm_bindgen(js_name = trailDownloads)]
    pub fn trail_downloads(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { Ok(client.trail_downloads(&key).await?.items) })
    }

    /// Hits of a search in a session's recorded content.
    #[wasm_bindgen(js_name = contentSearch)]
    pub fn content_search(&self, key: String, q: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move {
            let search = ContentSearch::new(&q)?;
            Ok(client.content(&key, &search).await?.items)
        })
    }
}

/// `fetchAll`'s options without the callbacks (functions are not data).
fn read_fetch_input(options: JsValue) -> std::result::Result<FetchInput, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(FetchInput::default());
    }
    let data = js_sys::Object::new();
    let keys = js_sys::Object::keys(options.unchecked_ref::<js_sys::Object>());
    for key in keys.iter() {
        let value = Reflect::get(&options, &key)?;
        if !value.is_function() {
            Reflect::set(&data, &key, &value)?;
        }
    }
    from_js("fetchAll options", data.into()).map_err(|e| js_error(&e))
}

// ---------------------------------------------------------------------------
// The query builder
// ---------------------------------------------------------------------------

/// A `q` query (`Query` in JavaScript): build with `Query.field(..)`, combine
/// with `and`, `or`, `andNot`, `not`; `toString()` gives the text to send.
#[wasm_bindgen(js_name = Query)]
#[derive(Debug, Clone)]
pub struct JsQuery {
    query: Query,
}

/// A condition on one field, waiting for its value (`FieldBuilder`).
#[wasm_bindgen(js_name = FieldBuilder)]
#[derive(Debug, Clone)]
pub struct JsFieldBuilder {
    builder: FieldBuilder,
}

fn literal_text(value: &JsValue) -> String {
    match value.as_string() {
        Some(text) => text,
        None => value
            .as_f64()
            .map(|n| n.to_string())
            .or_else(|| value.as_bool().map(|b| b.to_string()))
            .unwrap_or_else(|| crate::js_error::js_error_text(value)),
    }
}

fn range_end(value: &JsValue) -> RangeEnd {
    if value.is_undefined() || value.is_null() {
        RangeEnd(None)
    } else {
        RangeEnd::from(literal_text(value))
    }
}

#[wasm_bindgen(js_class = Query)]
impl JsQuery {
    /// Starts a condition on a field (canonical name or alias).
    pub fn field(name: String) -> JsFieldBuilder {
        JsFieldBuilder {
            builder: Query::field(name),
        }
    }

    /// A bare literal term without field.
    pub fn text(value: JsValue) -> JsQuery {
        JsQuery {
            query: Query::text(literal_text(&value)),
        }
    }

    /// Parses `q` text (syntax only; the endpoint checks the fields).
    pub fn parse(text: String) -> std::result::Result<JsQuery, JsValue> {
        parse_query(&text)
            .map(|query| JsQuery { query })
            .map_err(|e| js_error(&e))
    }

    /// `this AND other`.
    pub fn and(&self, other: &JsQuery) -> JsQuery {
        JsQuery {
            query: self.query.clone().and(other.query.clone()),
        }
    }

    /// `this OR other`.
    pub fn or(&self, other: &JsQuery) -> JsQuery {
        JsQuery {
            query: self.query.clone().or(other.query.clone()),
        }
    }

    /// `this AND NOT other`.
    #[wasm_bindgen(js_name = andNot)]
    pub fn and_not(&self, other: &JsQuery) -> JsQuery {
        JsQuery {
            query: self.query.clone().and_not(other.query.clone()),
        }
    }

    /// `NOT this`.
    pub fn not(&self) -> JsQuery {
        JsQuery {
            query: Query::not(self.query.clone()),
        }
    }

    /// The query as `q` text.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_text(&self) -> String {
        self.query.to_string()
    }

    /// The same as `toString()` (for `JSON.stringify`).
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        self.query.to_string()
    }
}

#[wasm_bindgen(js_class = FieldBuilder)]
impl JsFieldBuilder {
    fn done(&self, f: impl FnOnce(FieldBuilder) -> Query) -> JsQuery {
        JsQuery {
            query: f(self.builder.clone()),
        }
    }

    /// `field:value`, the value taken literally (escaped or quoted as needed).
    pub fn eq(&self, value: JsValue) -> JsQuery {
        let text = literal_text(&value);
        self.done(|b| b.eq(text))
    }

    /// `field:"value"`, always a quoted phrase.
    pub fn phrase(&self, value: JsValue) -> JsQuery {
        let text = literal_text(&value);
        self.done(|b| b.phrase(text))
    }

    /// `field:pattern`, `*` and `?` as wildcards.
    pub fn wildcard(&self, pattern: String) -> JsQuery {
        self.done(|b| b.wildcard(&pattern))
    }

    /// `field:*`: the field has a value.
    pub fn exists(&self) -> JsQuery {
        self.done(FieldBuilder::exists)
    }

    /// `field:[lo TO hi]`, both ends included; `null`, `undefined` or `"*"`
    /// for an open end.
    pub fn range(&self, lo: JsValue, hi: JsValue) -> JsQuery {
        let (lo, hi) = (range_end(&lo), range_end(&hi));
        self.done(|b| b.range(lo, hi))
    }

    /// `field:(a b c)`: any of the literal values.
    #[wasm_bindgen(js_name = anyOf)]
    pub fn any_of(&self, values: Array) -> JsQuery {
        let texts: Vec<String> = values.iter().map(|v| literal_text(&v)).collect();
        self.done(|b| b.any_of(texts))
    }
}

// ---------------------------------------------------------------------------
// Exports
// ---------------------------------------------------------------------------

/// `toCsv` options, as JavaScript spells them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CsvInput {
    fields: Option<OneOrList>,
    sps_compatible: Option<bool>,
    formula_guard: Option<bool>,
    quote_all: Option<bool>,
    line_end: Option<String>,
    multi_value: Option<String>,
    time: Option<String>,
    public_base: Option<String>,
    bom: Option<bool>,
    /// Absent: the default cap; `null`: no cap; a number: that cap.
    #[serde(default, deserialize_with = "present")]
    max_rows_per_session: Option<Option<u64>>,
}

/// Tells a `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

fn option_error(parameter: &str, message: String) -> Error {
    ErrorKind::SearchParameter {
        parameter: parameter.to_owned(),
        message,
    }
    .into()
}

/// The columns when none are asked for: the first row's body keys when they
/// are all sessions fields (a `fields=` selection), else every showable field.
fn default_columns(rows: &[SessionRow]) -> Result<Vec<CsvColumn>> {
    let names: Vec<String> = rows
        .iter()
        .find_map(|r| r.body.as_ref())
        .map(|body| body.iter().map(|(k, _)| k.to_owned()).collect())
        .unwrap_or_default();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    session_columns(&names).or_else(|_| session_columns(&["*"]))
}

fn csv_options(input: CsvInput, rows: &[SessionRow]) -> Result<CsvOptions> {
    let columns = match input.fields {
        Some(fields) => session_columns(&fields.into_vec())?,
        None => default_columns(rows)?,
    };
    let mut options = if input.sps_compatible.unwrap_or(false) {
        CsvOptions::sps_compatible(columns)
    } else {
        CsvOptions::new(columns)
    };
    if let Some(guard) = input.formula_guard {
        options.formula_guard = guard;
    }
    if let Some(quote_all) = input.quote_all {
        options.quote_all = quote_all;
    }
    if let Some(line_end) = input.line_end {
        options.line_end = match line_end.as_str() {
            "crlf" | "\r\n" => LineEnd::Crlf,
            "lf" | "\n" => LineEnd::Lf,
            _ => {
                return Err(option_error(
                    "lineEnd",
                    format!("`{line_end}` is not `crlf` or `lf`"),
                ))
            }
        };
    }
    if let Some(multi) = input.multi_value {
        options.multi_value = match multi.as_str() {
            "expand" => MultiValue::Expand,
            "join" => MultiValue::Join,
            _ => {
                return Err(option_error(
                    "multiValue",
                    format!("`{multi}` is not `expand` or `join`"),
                ))
            }
        };
    }
    if let Some(time) = input.time {
        options.time = match time.as_str() {
            "asSent" | "as-sent" => TimeFormat::AsSent,
            "utc" | "UTC" => TimeFormat::Zone(Zone::Utc),
            "local" => TimeFormat::Zone(Zone::Local),
            offset => {
                // `+02:00`: read through a timestamp carrying that offset.
                let probe = Timestamp::parse(&format!("2000-01-01T00:00:00{offset}")).ok();
                match probe.and_then(|t| t.offset()) {
                    Some(fixed) => TimeFormat::Zone(Zone::Fixed(fixed)),
                    None => {
                        let message = format!(
                            "`{offset}` is not `asSent`, `utc`, `local` or an offset like `+02:00`"
                        );
                        return Err(option_error("time", message));
                    }
                }
            }
        };
    }
    if let Some(base) = input.public_base {
        options.public_base = base.trim_end_matches('/').to_owned();
    }
    if let Some(bom) = input.bom {
        options.bom = bom;
    }
    if let Some(limit) = input.max_rows_per_session {
        if limit == Some(0) {
            return Err(option_error(
                "maxRowsPerSession",
                "must be at least 1 (or null for no limit)".to_owned(),
            ));
        }
        options.max_rows_per_session = limit;
    }
    Ok(options)
}

fn rows_from_json(rows_json: &str) -> Result<Vec<SessionRow>> {
    decode_json("rows", rows_json.as_bytes())
}

fn utf8(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        ErrorKind::Export {
            message: format!("the export is not UTF-8: {e}"),
        }
        .into()
    })
}

/// What `toCsvReport` gives: the text and what the export did.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CsvReportOut {
    csv: String,
    sessions: u64,
    rows: u64,
    /// Sessions whose multi-valued expansion was cut (`null` when none).
    cut: Option<CutOut>,
    /// The warning for a person (`null` when none).
    warning: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CutOut {
    sessions: u64,
    rows_dropped: u64,
    limit: u64,
}

fn csv_report(rows_json: &str, options: JsValue) -> Result<CsvReportOut> {
    let rows = rows_from_json(rows_json)?;
    let input: CsvInput = from_js("CSV options", options)?;
    let options = csv_options(input, &rows)?;
    let mut exporter = CsvExporter::new(Vec::new(), options)?;
    exporter.write_page(&rows)?;
    let (sessions, rows, cut) = (
        exporter.sessions_written(),
        exporter.rows_written(),
        exporter.expansion_cut(),
    );
    Ok(CsvReportOut {
        csv: utf8(exporter.finish()?)?,
        sessions,
        rows,
        warning: cut.map(|c| c.to_string()),
        cut: cut.map(|c| CutOut {
            sessions: c.sessions,
            rows_dropped: c.rows_dropped,
            limit: c.limit,
        }),
    })
}

/// Session rows (`{key, body?, meta?}`, as `sessions()` gives them, passed as
/// one JSON text) as CSV text, with the same formula guard as every sessions
/// CSV of sps-core ([`crate::needs_formula_guard`]). Options: `fields`,
/// `spsCompatible`, `formulaGuard`, `quoteAll`, `lineEnd`, `multiValue`,
/// `time`, `publicBase`, `bom`, `maxRowsPerSession`.
#[wasm_bindgen(js_name = rowsToCsv)]
pub fn rows_to_csv(rows_json: &str, options: JsValue) -> std::result::Result<String, JsValue> {
    csv_report(rows_json, options)
        .map(|report| report.csv)
        .map_err(|e| js_error(&e))
}

/// As `rowsToCsv`, with what the export did: `{csv, sessions, rows, cut,
/// warning}`; `cut` (`{sessions, rowsDropped, limit}`) and `warning` say
/// which sessions `maxRowsPerSession` cut short.
#[wasm_bindgen(js_name = rowsToCsvReport)]
pub fn rows_to_csv_report(
    rows_json: &str,
    options: JsValue,
) -> std::result::Result<JsValue, JsValue> {
    csv_report(rows_json, options)
        .and_then(|report| to_js(&report))
        .map_err(|e| js_error(&e))
}

/// Session rows (one JSON text) as a JSON array text, one session per line.
#[wasm_bindgen(js_name = rowsToJson)]
pub fn rows_to_json(rows_json: &str) -> std::result::Result<String, JsValue> {
    let run = || -> Result<String> {
        let rows = rows_from_json(rows_json)?;
        let mut exporter = JsonExporter::new(Vec::new())?;
        exporter.write_page(&rows)?;
        utf8(exporter.finish()?)
    };
    run().map_err(|e| js_error(&e))
}

/// Session rows (one JSON text) as NDJSON text.
#[wasm_bindgen(js_name = rowsToNdjson)]
pub fn rows_to_ndjson(rows_json: &str) -> std::result::Result<String, JsValue> {
    let run = || -> Result<String> {
        let rows = rows_from_json(rows_json)?;
        let mut exporter = NdjsonExporter::new(Vec::new())?;
        exporter.write_page(&rows)?;
        utf8(exporter.finish()?)
    };
    run().map_err(|e| js_error(&e))
}

/// For the boundary measurement in `npm/bench/` (feature `js-bench`, which
/// `npm/bench/boundary.mjs` says how to build): decodes a sessions page
/// (bytes as the API sent them) and hands it over as objects
/// (`"objects"`, serde-wasm-bindgen) or through `JSON.parse` (`"json"`).
#[cfg(feature = "js-bench")]
#[wasm_bindgen(js_name = benchDecodePage)]
pub fn bench_decode_page(body: &[u8], mode: &str) -> std::result::Result<JsValue, JsValue> {
    let boundary = if mode == "objects" {
        Boundary::Objects
    } else {
        Boundary::JsonText
    };
    let page = decode_session_list(body).map_err(|e| js_error(&e))?;
    to_js_with(&page, boundary).map_err(|e| js_error(&e))
}
