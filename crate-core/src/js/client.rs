//! [`RawClient`], the [`Client`] over the fetch transport, with its observer
//! callbacks and [`JsCancel`], the cancel handle the wrapper wires to an `AbortSignal`.

use super::*;

/// `fetchAll` settings, as JavaScript spells them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct FetchInput {
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
            .is_some_and(|p| p == 0 || p > crate::request::MAX_LIMIT)
        {
            return Err(ErrorKind::SearchParameter {
                parameter: "pageSize".to_owned(),
                message: format!("must be between 1 and {}", crate::request::MAX_LIMIT),
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

pub(super) fn mode_name(mode: PagingMode) -> &'static str {
    match mode {
        PagingMode::Offset => "offset",
        PagingMode::FollowLinks => "followLinks",
        PagingMode::Snapshot => "snapshot",
        PagingMode::TimeSlices => "timeSlices",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ProgressOut {
    fetched: u64,
    expected: Option<u64>,
    lower_bound: Option<u64>,
    mode: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatsOut {
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
pub(super) struct FetchedOut<'a> {
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

/// The options of `stats`, as JavaScript spells them.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct StatsInput {
    /// The sub field whose values are counted per top value.
    sub_field: Option<String>,
    /// How many top values at most.
    size: Option<u32>,
}

#[derive(Serialize)]
pub(super) struct LoginMethodOut {
    name: String,
    kind: Option<String>,
    label: String,
}

/// The callbacks of `fetchAll`, read from the JavaScript options object.
pub(super) struct JsObserver {
    on_progress: Option<Function>,
    on_rows: Option<Function>,
    on_relogin: Option<Function>,
    on_session_expiring: Option<Function>,
}

pub(super) fn callback(options: &JsValue, name: &str) -> Option<Function> {
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
pub(super) struct TransportInput {
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
    /// [`crate::client::DEFAULT_TIMEOUT_MS`], [`crate::client::DEFAULT_MAX_REPLY_BYTES`]). The
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

    /// Top values of `field` with counts (see [`Client::stats_by`]): `{items:
    /// [{value, count, sub_fields?}], meta}`. `query` as for `count`;
    /// `options`: `{subField, size}`.
    pub fn stats(&self, field: String, query: JsValue, options: JsValue) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move {
            let search = session_search(query)?;
            let input: StatsInput = from_js("stats options", options)?;
            client
                .stats_by(&field, input.sub_field.as_deref(), &search, input.size)
                .await
        })
    }

    /// Matching sessions per interval (see [`Client::histogram`]): `{items:
    /// [{start, end, count, values?, others?}], meta}`. `bin_size`: `minute`,
    /// `hour`, `day`, `week`, `month` or `year`. Rejects with `isNotFound`
    /// true on an appliance without the endpoint (before 6.0.4).
    pub fn histogram(&self, field: String, bin_size: String, query: JsValue) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move {
            let bin = HistogramBin::parse(&bin_size)?;
            let search = session_search(query)?;
            client.histogram(&field, bin, &search).await
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

    /// Every event of a session matching `query` (`q` text or `{q}`; its
    /// `limit`/`offset` are replaced), page after page ([`Client::all_events`]).
    #[wasm_bindgen(js_name = allEvents)]
    pub fn all_events(&self, key: String, query: JsValue) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move {
            let search = event_search(query)?;
            client.all_events(&key, &search).await
        })
    }

    /// Every alert of a session, page after page ([`Client::all_alerts`]).
    #[wasm_bindgen(js_name = allAlerts)]
    pub fn all_alerts(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { client.all_alerts(&key).await })
    }

    /// Every channel of a session, page after page ([`Client::all_channels`]).
    #[wasm_bindgen(js_name = allChannels)]
    pub fn all_channels(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { client.all_channels(&key).await })
    }

    /// Every indexing record of a session ([`Client::all_indexing`]).
    #[wasm_bindgen(js_name = allIndexing)]
    pub fn all_indexing(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { client.all_indexing(&key).await })
    }

    /// Every audit-trail download of a session ([`Client::all_trail_downloads`]).
    #[wasm_bindgen(js_name = allTrailDownloads)]
    pub fn all_trail_downloads(&self, key: String) -> Promise {
        let client = Rc::clone(&self.client);
        promise(async move { client.all_trail_downloads(&key).await })
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
pub(super) fn read_fetch_input(options: JsValue) -> std::result::Result<FetchInput, JsValue> {
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
