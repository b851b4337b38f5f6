//! `/sessions`: the session list.
//!
//! The page's URL is the state: `q`, `range`, `sort` and `offset` live in the
//! query string, so a reload, the back button or a pasted link shows the same
//! list. The API request is derived from the URL (through `sps_core`'s
//! `SessionSearch`, which checks every parameter), never the other way around.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use sps_core::client::TotalSource;
use sps_core::export::ExportKind;
use sps_core::query::{validate, FieldSpec};
use sps_core::request::{compare_by_sort, encode_component, parse_sort, MAX_OFFSET};
use sps_core::{
    parse_query, CancelToken, Catalogue, Collection, ErrorKind, SessionRow, SessionSearch, SortKey,
    Zone,
};

use std::collections::BTreeMap;

use crate::api::{self, spawn_local, ApiError};
use crate::components::columns::{load_columns, load_widths, request_fields, ColumnChooser};
use crate::components::export::{confirm_large, export_rows, needs_confirmation, ExportMenu};
use crate::components::fetch_all::{grouped, FetchProgress, FetchRun, PageObserver};
use crate::components::histogram::{self, from_appliance, iso, HistogramChart};
use crate::components::login_dialog::{ask_login, LoginDialog, Relogin};
use crate::components::offline::{
    dropped_file, filter_rows, open_file, OfflineFile, OpenFileButton,
};
use crate::components::query_assist::{history_suggestions, remember_query, suggest, Suggestion};
use crate::components::session_table::{SessionTable, TableRows};
use crate::components::summary_chips::{
    add_condition, count_rows, fetch_buckets, Buckets, SummaryChips,
};
use crate::components::zone::{parse_offset, ListZone};
use crate::components::{ErrorPanel, Loading, TopBar};

/// Rows per page. Small enough to render instantly, well under SPS's cap of 500.
pub const PAGE_SIZE: u32 = 50;

/// A time range preset: sessions that started within the last day, week or month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RangePreset {
    /// No time limit.
    #[default]
    All,
    /// The last 24 hours.
    Day,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
}

impl RangePreset {
    /// Every preset, in the order the buttons show them.
    pub const ALL: [RangePreset; 4] = [
        RangePreset::Day,
        RangePreset::Week,
        RangePreset::Month,
        RangePreset::All,
    ];

    /// The URL value (`range=24h`); `all` for [`RangePreset::All`], which the
    /// page URL leaves out.
    pub fn token(self) -> &'static str {
        match self {
            RangePreset::All => "all",
            RangePreset::Day => "24h",
            RangePreset::Week => "7d",
            RangePreset::Month => "30d",
        }
    }

    /// The button label.
    pub fn label(self) -> &'static str {
        match self {
            RangePreset::All => "All time",
            RangePreset::Day => "Last 24 h",
            RangePreset::Week => "Last 7 days",
            RangePreset::Month => "Last 30 days",
        }
    }

    fn from_token(token: &str) -> Self {
        RangePreset::ALL
            .into_iter()
            .find(|p| p.token() == token)
            .unwrap_or_default()
    }

    fn seconds(self) -> Option<f64> {
        match self {
            RangePreset::All => None,
            RangePreset::Day => Some(86_400.0),
            RangePreset::Week => Some(7.0 * 86_400.0),
            RangePreset::Month => Some(30.0 * 86_400.0),
        }
    }

    /// The API's `start=` value, relative to the browser's clock at request time.
    /// The URL keeps the preset, not the instant, so a bookmark means "the last
    /// 24 hours" whenever it is opened. `js_sys::Date` rather than chrono's clock,
    /// which has no time source on wasm32-unknown-unknown.
    pub(crate) fn start_param(self) -> Option<String> {
        let seconds = self.seconds()?;
        let then = js_sys::Date::now() - seconds * 1000.0;
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(then))
            .to_iso_string()
            .as_string()
    }
}

/// The zone the table shows times in. Every choice writes the offset, so no
/// time is ever shown without saying which zone it is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeDisplay {
    /// In the offset SPS wrote (the appliance's zone, as its own UI shows).
    #[default]
    AsSent,
    /// In UTC.
    Utc,
    /// In the browser's zone.
    Local,
}

impl TimeDisplay {
    /// Every choice, in button order.
    pub const ALL: [TimeDisplay; 3] = [TimeDisplay::AsSent, TimeDisplay::Utc, TimeDisplay::Local];

    /// The URL value (`tz=utc`); the default is left out of the URL.
    pub fn token(self) -> &'static str {
        match self {
            TimeDisplay::AsSent => "sent",
            TimeDisplay::Utc => "utc",
            TimeDisplay::Local => "local",
        }
    }

    /// The button label.
    pub fn label(self) -> &'static str {
        match self {
            TimeDisplay::AsSent => "Appliance",
            TimeDisplay::Utc => "UTC",
            TimeDisplay::Local => "Local",
        }
    }

    /// Reads a URL value (`utc`); anything else is the default.
    pub fn from_token(token: &str) -> Self {
        TimeDisplay::ALL
            .into_iter()
            .find(|t| t.token() == token)
            .unwrap_or_default()
    }

    /// `time` as text in this zone, offset always written.
    pub fn format(self, time: &sps_core::Timestamp) -> String {
        match self {
            TimeDisplay::AsSent => time.format_original_zone(),
            TimeDisplay::Utc => time.format_in(Zone::Utc),
            TimeDisplay::Local => time.format_in(Zone::Local),
        }
    }
}

/// The list's state as read from the page URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListState {
    /// The `q` search expression as typed; empty: everything.
    pub q: String,
    /// The time range preset (ignored when `start` or `end` is set).
    pub range: RangePreset,
    /// Custom `start=` (a date or ISO time, as in the URL): sessions that started then or later.
    pub start: String,
    /// Custom `end=`: sessions that ended then or earlier (that day, for a date).
    pub end: String,
    /// Content search (`content=`): text typed or shown in the sessions; empty: none.
    pub content: String,
    /// Browsing an opened export file instead of the appliance (`offline=1`).
    pub offline: bool,
    /// Server-side sort expression (`start_time`, `-duration`); empty: the server's default.
    pub sort: String,
    /// Index of the first row shown.
    pub offset: u32,
    /// How times are shown (display only: never part of the request).
    pub tz: ListZone,
}

impl ListState {
    /// Reads the state from the page's query parameters. A `sort` that is not
    /// one of the table's columns is dropped (default order) rather than sent.
    pub fn from_query(map: &ParamsMap) -> Self {
        Self::from_lookup(|name| map.get_str(name))
    }

    /// Reads the state through `get`, which gives a parameter's decoded value.
    pub fn from_lookup<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let sort = get("sort")
            .filter(|s| is_known_sort(s))
            .unwrap_or_default()
            .to_owned();
        let offset = get("offset")
            .and_then(|o| o.parse::<u32>().ok())
            .unwrap_or(0);
        let text = |name: &str| get(name).unwrap_or_default().trim().to_owned();
        let q = text("q");
        let content = text("content");
        let (start, end) = (text("start"), text("end"));
        // A custom range replaces the preset, so the URL has one meaning.
        let range = if start.is_empty() && end.is_empty() {
            RangePreset::from_token(get("range").unwrap_or_default())
        } else {
            RangePreset::All
        };
        let tz = ListZone::from_token(get("tz").unwrap_or_default());
        ListState {
            q,
            range,
            start,
            end,
            content,
            offline: get("offline") == Some("1"),
            sort,
            offset,
            tz,
        }
    }

    /// The page URL for this state.
    pub fn page_url(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode_component(&self.q)));
        }
        if self.range != RangePreset::All {
            parts.push(format!("range={}", self.range.token()));
        }
        if !self.start.is_empty() {
            parts.push(format!("start={}", encode_component(&self.start)));
        }
        if !self.end.is_empty() {
            parts.push(format!("end={}", encode_component(&self.end)));
        }
        if !self.content.is_empty() {
            parts.push(format!("content={}", encode_component(&self.content)));
        }
        if !self.sort.is_empty() {
            parts.push(format!("sort={}", encode_component(&self.sort)));
        }
        if self.offset > 0 {
            parts.push(format!("offset={}", self.offset));
        }
        if self.offline {
            parts.push("offline=1".to_owned());
        }
        if self.tz != ListZone::DEFAULT {
            parts.push(format!("tz={}", encode_component(&self.tz.token())));
        }
        if parts.is_empty() {
            "/sessions".to_owned()
        } else {
            format!("/sessions?{}", parts.join("&"))
        }
    }

    /// The API request for this state, each parameter checked by `SessionSearch`.
    pub fn search(&self, fields: &[&str]) -> Result<SessionSearch, sps_core::Error> {
        let mut search = SessionSearch::new()
            .with_fields(fields.iter().copied())?
            .with_limit(PAGE_SIZE)?;
        if self.offset > 0 {
            search = search.with_offset(self.offset)?;
        }
        if !self.sort.is_empty() {
            search = search.with_sort(&self.sort)?;
        }
        self.with_filters(search)
    }

    /// The state after clicking the header of `field`: ascending first, then
    /// descending, back to page one.
    pub fn toggled_sort(&self, field: &str) -> Self {
        self.with_sort_click(field, false)
    }

    /// The state after a click on the header of `field`. A plain click sorts
    /// by that field alone (ascending, then descending); with `add` (Shift
    /// held) the field becomes the next sort key, or flips direction when it
    /// already is one. Back to page one either way.
    pub fn with_sort_click(&self, field: &str, add: bool) -> Self {
        let mut keys: Vec<String> = self
            .sort
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect();
        let flip = |key: &str| match key.strip_prefix('-') {
            Some(name) => name.to_owned(),
            None => format!("-{key}"),
        };
        let position = keys
            .iter()
            .position(|k| k.strip_prefix('-').unwrap_or(k) == field);
        if add {
            match position {
                Some(i) => keys[i] = flip(&keys[i]),
                None => keys.push(field.to_owned()),
            }
        } else {
            keys = match (position, keys.len()) {
                (Some(0), 1) => vec![flip(&keys[0])],
                _ => vec![field.to_owned()],
            };
        }
        ListState {
            sort: keys.join(","),
            offset: 0,
            ..self.clone()
        }
    }

    /// What the rows depend on: the state without sort, paging and display
    /// settings. Loaded rows answer every state with the same data key.
    pub fn data_key(&self) -> ListState {
        ListState {
            sort: String::new(),
            offset: 0,
            tz: ListZone::DEFAULT,
            ..self.clone()
        }
    }

    /// The search for "Fetch all": the list's fields, no paging (the client
    /// pages) and no sort (the page sorts loaded rows itself, which leaves
    /// crate-core free to choose snapshots or time slices).
    pub fn fetch_search(&self, fields: &[&str]) -> Result<SessionSearch, sps_core::Error> {
        self.with_filters(SessionSearch::new().with_fields(fields.iter().copied())?)
    }

    /// Adds what selects the sessions (q, content, start/end or the range
    /// preset) to `search`: shared by the paged list and "Fetch all".
    fn with_filters(&self, mut search: SessionSearch) -> Result<SessionSearch, sps_core::Error> {
        if !self.q.is_empty() {
            search = search.with_q_text(&self.q)?;
        }
        if !self.content.is_empty() {
            search = search.with_content(&self.content)?;
        }
        if !self.start.is_empty() {
            search = search.with_start(&self.start)?;
        } else if let Some(start) = self.range.start_param() {
            search = search.with_start(&start)?;
        }
        if !self.end.is_empty() {
            search = search.with_end(&self.end)?;
        }
        Ok(search)
    }
}

/// A `sort` the catalogue accepts: one or more sortable fields, comma-separated.
fn is_known_sort(sort: &str) -> bool {
    !sort.trim().is_empty() && parse_sort(sort, Catalogue::sessions()).is_ok()
}

/// A problem in typed `q` text: 1-based column (in characters) and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryProblem {
    /// 1-based column in characters.
    pub column: usize,
    /// What is wrong, from `sps_core`.
    pub message: String,
}

/// Shows a query problem: the query text, a caret under the offending
/// character and the message. The query and the caret are two text lines in a
/// monospace block, so columns line up. `id` names the element for tests and
/// `aria-describedby`.
pub fn query_problem_view(id: &'static str, text: String, problem: &QueryProblem) -> impl IntoView {
    let caret = format!("{}^", " ".repeat(problem.column.saturating_sub(1)));
    let message = format!("Column {}: {}", problem.column, problem.message);
    view! {
        <div id=id class="query-error" role="alert" data-column=problem.column.to_string()>
            <span class="caret-line">{text}</span>
            <span class="caret-line">{caret}</span>
            <span class="query-error-message">{message}</span>
        </div>
    }
}

/// Parses and validates `q` text with crate-core (the same parser and
/// catalogue the simulator uses), before anything is sent.
pub fn check_query(text: &str) -> Option<QueryProblem> {
    check_query_in(text, Catalogue::sessions())
}

/// Parses `q` text and validates it against `catalogue` (sessions or events):
/// the problem's column and message, or `None` when it is fine.
pub fn check_query_in(text: &str, catalogue: &Catalogue) -> Option<QueryProblem> {
    let error = match parse_query(text) {
        Ok(query) => validate(&query, catalogue).err()?,
        Err(e) => e,
    };
    let column = match error.kind() {
        ErrorKind::QuerySyntax { position, .. }
        | ErrorKind::QueryField { position, .. }
        | ErrorKind::QueryInvalid { position, .. } => *position,
        _ => 1,
    };
    Some(QueryProblem {
        column: column.max(1),
        message: error.to_string(),
    })
}

/// Every matching session, loaded into the page by "Fetch all" (or by an
/// export that needed them).
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The search they answer ([`ListState::data_key`]).
    pub for_key: ListState,
    /// The rows, in the order the appliance delivered them.
    pub rows: Arc<Vec<SessionRow>>,
    /// False when the fetch stopped early (cancelled, or an error): `rows`
    /// is then a prefix of the result.
    pub complete: bool,
    /// How many match, when the appliance said.
    pub expected: Option<u64>,
    /// How `expected` is known (`_count`, `match_count`, ...), for a
    /// complete fetch.
    pub total_source: Option<TotalSource>,
    /// When the fetch started (browser clock, ms): the export's "query time".
    pub fetched_at_ms: f64,
    /// Why it stopped early.
    pub note: Option<String>,
    /// The fields fetched (`fields=`): a column added later needs a new fetch.
    pub fields: Vec<&'static str>,
}

impl PartialEq for Loaded {
    /// The same fetch: rows are compared by identity (100,000 rows are never
    /// compared element by element).
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.rows, &other.rows)
            && self.for_key == other.for_key
            && self.complete == other.complete
    }
}

/// The display order of `rows` under `keys` (crate-core's comparison, the
/// same the simulator sorts with), as indices; the fetch order when no key.
pub fn sorted_order(rows: &[SessionRow], keys: &[SortKey]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    if !keys.is_empty() {
        let catalogue = Catalogue::sessions();
        // Stable: rows equal under every key keep the appliance's order.
        order.sort_by(|&a, &b| {
            compare_by_sort(keys, catalogue, &rows[a as usize], &rows[b as usize])
        });
    }
    order
}

/// What an export is doing, for the line next to the export menu.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ExportStatus {
    Working(String),
    Done(String),
    Failed(String),
}

/// The page's shared signals; `Copy`, so handlers can capture it freely.
#[derive(Clone, Copy)]
struct Ctx {
    state: Memo<ListState>,
    columns: RwSignal<Vec<&'static FieldSpec>>,
    widths: RwSignal<BTreeMap<String, f64>>,
    data_key: Memo<ListState>,
    go: Callback<ListState>,
    loaded: RwSignal<Option<Loaded>>,
    current: Memo<Option<Loaded>>,
    run: RwSignal<Option<FetchRun>>,
    relogin: RwSignal<Relogin>,
    export_status: RwSignal<Option<ExportStatus>>,
    /// `_count` of a search whose `match_count` was at the 10,000 cap (a
    /// lower bound on SPS 7.x/8.x): `None` inside while it is being asked,
    /// or when the appliance has no `_count`.
    exact_count: RwSignal<Option<(ListState, ExactCount)>>,
}

/// What `_count` said about a search whose `match_count` was at the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExactCount {
    /// Asked, no answer yet.
    Asking,
    /// The exact number.
    Known(u64),
    /// The appliance did not tell (no `_count`, or it failed).
    Unavailable,
}

/// Fetches every session of the current search into the page. Returns what
/// was loaded (complete or not), or `None` when a fetch was already running
/// or the search cannot be sent.
async fn fetch_everything(ctx: Ctx) -> Option<Loaded> {
    if ctx.run.with_untracked(Option::is_some) {
        return None;
    }
    let key = ctx.data_key.get_untracked();
    let fields = ctx.columns.with_untracked(|c| request_fields(c));
    let search = match key.fetch_search(&fields) {
        Ok(search) => search,
        Err(e) => {
            ctx.export_status
                .set(Some(ExportStatus::Failed(e.to_string())));
            return None;
        }
    };
    let cancel = CancelToken::new();
    ctx.run.set(Some(FetchRun {
        fetched: 0,
        expected: None,
        cancel: cancel.clone(),
        expiring: None,
    }));
    let mut observer = PageObserver {
        run: ctx.run,
        relogin: ctx.relogin,
    };
    let started = js_sys::Date::now();
    let result = api::fetch_all_sessions(&search, &mut observer, &cancel).await;
    let expected = ctx
        .run
        .with_untracked(|r| r.as_ref().and_then(|r| r.expected));
    ctx.run.set(None);
    let loaded = match result {
        Ok(fetched) => Loaded {
            for_key: key,
            rows: Arc::new(fetched.items),
            complete: fetched.completeness.complete,
            expected: fetched.expected_total.or(expected),
            total_source: Some(fetched.completeness.source),
            fetched_at_ms: started,
            note: None,
            fields,
        },
        Err(stopped) => {
            let note = match stopped.error.kind() {
                ErrorKind::Cancelled => "Cancelled".to_owned(),
                // Fewer rows than SPS counted: say so in sps-core's words.
                ErrorKind::Incomplete { .. } => stopped.error.to_string(),
                _ => ApiError::from(stopped.error).to_string(),
            };
            Loaded {
                for_key: key,
                rows: Arc::new(stopped.partial),
                complete: false,
                expected,
                total_source: None,
                fetched_at_ms: started,
                note: Some(note),
                fields,
            }
        }
    };
    ctx.loaded.set(Some(loaded.clone()));
    Some(loaded)
}

/// Exports the whole current result: the loaded rows when complete, else
/// fetches them first (with the same progress bar and Cancel).
async fn export_everything(ctx: Ctx, kind: ExportKind) {
    let ready = ctx.current.get_untracked().filter(|l| l.complete);
    let loaded = match ready {
        Some(loaded) => loaded,
        None => {
            ctx.export_status.set(Some(ExportStatus::Working(
                "Fetching every session first…".into(),
            )));
            match fetch_everything(ctx).await {
                Some(loaded) if loaded.complete => loaded,
                Some(loaded) => {
                    let why = loaded.note.unwrap_or_default();
                    ctx.export_status.set(Some(ExportStatus::Failed(format!(
                        "Not exported: the fetch stopped ({why}) after {} sessions.",
                        grouped(loaded.rows.len() as u64)
                    ))));
                    return;
                }
                None => {
                    ctx.export_status.set(None);
                    return;
                }
            }
        }
    };
    let state = ctx.state.get_untracked();
    let keys = parse_sort(&state.sort, Catalogue::sessions()).unwrap_or_default();
    let data = TableRows {
        order: Arc::new(sorted_order(&loaded.rows, &keys)),
        rows: loaded.rows,
    };
    let total = data.len() as u64;
    let status = ctx.export_status;
    let progress = move |n: usize| {
        status.set(Some(ExportStatus::Working(format!(
            "Writing {} of {} sessions…",
            grouped(n as u64),
            grouped(total)
        ))));
    };
    let columns = ctx.columns.get_untracked();
    // Large: ask first, then write to a file as the rows are turned into text.
    let large = needs_confirmation(kind, total, columns.len());
    if large && !confirm_large(kind, total, columns.len(), &grouped(total)) {
        status.set(Some(ExportStatus::Failed(format!(
            "Not exported: the export of {} sessions was declined.",
            grouped(total)
        ))));
        return;
    }
    match export_rows(
        kind,
        &data,
        &columns,
        state.tz,
        loaded.fetched_at_ms,
        large,
        progress,
    )
    .await
    {
        Ok(Some(done)) => {
            let warning = done
                .warning
                .map(|w| format!(" Warning: {w}."))
                .unwrap_or_default();
            status.set(Some(ExportStatus::Done(format!(
                "Saved {} ({} sessions).{warning}",
                done.name,
                grouped(total)
            ))))
        }
        Ok(None) => status.set(Some(ExportStatus::Failed(
            "Not exported: no file was chosen.".into(),
        ))),
        Err(e) => status.set(Some(ExportStatus::Failed(format!("Export failed: {e}")))),
    }
}

/// True when keyboard shortcuts must leave the key alone: typing in a field,
/// or a key combined with Ctrl/Meta/Alt.
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    let in_field = ev
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
        .is_some_and(|el| {
            el.is_content_editable()
                || matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        });
    in_field || ev.ctrl_key() || ev.meta_key() || ev.alt_key()
}

/// The first element matching `selector`, as an `HtmlElement`.
fn html_element(selector: &str) -> Option<web_sys::HtmlElement> {
    let found = web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()
        .flatten()?;
    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(found).ok()
}

/// The session list page.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();

    let state = Memo::new(move |_| query.with(ListState::from_query));
    let data_key = Memo::new(move |_| state.with(ListState::data_key));
    let loaded = RwSignal::new(None::<Loaded>);
    let columns = RwSignal::new(load_columns());
    let widths = RwSignal::new(load_widths());
    let fields = Memo::new(move |_| columns.with(|c| request_fields(c)));
    // The loaded rows when they answer the search in the URL and hold every
    // column's field; changing the query or range goes back to server pages.
    // Offline: the opened file's sessions that the URL's query selects,
    // evaluated here by crate-core.
    let offline_file = RwSignal::new(None::<OfflineFile>);
    let offline_error = RwSignal::new(None::<String>);
    let is_offline = Memo::new(move |_| state.with(|s| s.offline));
    let offline_loaded = Memo::new(move |_| {
        if !is_offline.get() {
            return None;
        }
        let file = offline_file.get()?;
        let key = data_key.get();
        Some(filter_rows(&file.rows, &key).map(|rows| Loaded {
            for_key: key,
            rows: Arc::new(rows),
            complete: true,
            expected: None,
            total_source: None,
            fetched_at_ms: file.opened_ms,
            note: None,
            fields: Vec::new(),
        }))
    });
    let current = Memo::new(move |_| {
        if is_offline.get() {
            return offline_loaded.get().and_then(Result::ok);
        }
        loaded.with(|l| {
            l.clone().filter(|l| {
                data_key.with(|k| *k == l.for_key)
                    && fields.with(|f| f.iter().all(|name| l.fields.contains(name)))
            })
        })
    });
    let run = RwSignal::new(None::<FetchRun>);
    let relogin = RwSignal::new(Relogin::Hidden);
    let export_status = RwSignal::new(None::<ExportStatus>);
    let exact_count = RwSignal::new(None::<(ListState, ExactCount)>);
    let highlight = RwSignal::new(None::<usize>);
    let go = Callback::new(move |next: ListState| {
        navigate(&next.page_url(), NavigateOptions::default());
    });
    let ctx = Ctx {
        state,
        columns,
        widths,
        data_key,
        go,
        loaded,
        current,
        run,
        relogin,
        export_status,
        exact_count,
    };
    // Leaving the page stops a fetch nobody would see.
    on_cleanup(move || {
        if let Some(r) = run.try_get_untracked().flatten() {
            r.cancel.cancel();
        }
    });

    // What a page request depends on: nothing when every row is loaded (sort
    // is then client-side); otherwise the state without display settings, so
    // switching the time zone re-renders but does not fetch again.
    let request_state = Memo::new(move |_| {
        if current.with(Option::is_some) || is_offline.get() {
            None
        } else {
            Some((
                ListState {
                    tz: ListZone::DEFAULT,
                    ..state.get()
                },
                fields.get(),
            ))
        }
    });
    // Each result carries the state it was fetched for: the previous page stays
    // on screen (dimmed, "Updating…") while the next one loads, instead of
    // flashing an empty table.
    let sessions = LocalResource::new(move || {
        let for_state = request_state.get();
        async move {
            let (for_state, fields) = for_state?;
            let result = match for_state.search(&fields) {
                Ok(search) => api::list_sessions(&search).await,
                Err(e) => Err(ApiError::NotSent(e.to_string())),
            };
            Some((for_state, result))
        }
    });
    let updating = move || {
        let Some(wanted) = request_state.get() else {
            return false;
        };
        sessions.with(|r| matches!(r, Some(Some((s, _))) if *s != wanted.0))
    };

    // A 401 means the cookie is missing or expired: the login dialog opens
    // over the page, and the list loads again once logged in.
    Effect::new(move |_| {
        let expired =
            sessions.with(|r| matches!(r, Some(Some((_, Err(e)))) if e.is_unauthenticated()));
        if expired && relogin.get_untracked() == Relogin::Hidden {
            spawn_local(async move {
                if ask_login(relogin).await {
                    sessions.refetch();
                }
            });
        }
    });

    // Loaded rows in display order: client-side sort by the URL's `sort`.
    let sort_keys = Memo::new(move |_| {
        state.with(|s| parse_sort(&s.sort, Catalogue::sessions()).unwrap_or_default())
    });
    let loaded_rows = Memo::new(move |_| {
        current.with(|l| {
            l.as_ref().map(|l| {
                let order = sorted_order(&l.rows, &sort_keys.get());
                TableRows {
                    rows: l.rows.clone(),
                    order: Arc::new(order),
                }
            })
        })
    });
    let page_rows = Memo::new(move |_| {
        sessions.with(|r| match r {
            Some(Some((_, Ok(page)))) => Some(TableRows::in_order(Arc::new(page.items.clone()))),
            _ => None,
        })
    });
    let shown = Memo::new(move |_| {
        if current.with(Option::is_some) {
            loaded_rows.get()
        } else {
            page_rows.get()
        }
    });

    // Summary chips: the appliance's counts over the whole result while
    // paged; counted from the rows once all are loaded.
    let stats = LocalResource::new(move || {
        let key = (current.with(Option::is_none) && !is_offline.get()).then(|| data_key.get());
        async move {
            let search = key?.fetch_search(&["protocol"]).ok()?;
            Some(fetch_buckets(search).await)
        }
    });
    let loaded_counts = Memo::new(move |_| {
        current.with(|l| {
            l.as_ref()
                .map(|l| count_rows(&TableRows::in_order(l.rows.clone())))
        })
    });
    let on_pick = Callback::new(move |(field, value): (&'static str, String)| {
        let now = state.get_untracked();
        go.run(ListState {
            q: add_condition(&now.q, field, &value),
            offset: 0,
            ..now
        });
    });
    let chips = move || {
        if let Some(buckets) = loaded_counts.get() {
            let at_least = current.with(|l| l.as_ref().is_some_and(|l| !l.complete));
            return Some(
                view! { <SummaryChips buckets=buckets source="loaded rows" on_pick=on_pick at_least=at_least/> },
            );
        }
        match stats.get() {
            Some(Some(Ok(buckets))) => {
                Some(view! { <SummaryChips buckets=buckets source="whole result" on_pick=on_pick/> })
            }
            // No `stats` endpoint (older appliance): count what is shown.
            Some(Some(Err(e))) if !e.is_unauthenticated() => page_rows.get().map(|rows| {
                view! { <SummaryChips buckets=count_rows(&rows) source="rows on this page" on_pick=on_pick at_least=true/> }
            }),
            _ => None,
        }
    };

    // Values the query bar completes: the summary's counts.
    let known_values = Memo::new(move |_| {
        loaded_counts
            .get()
            .or_else(|| stats.get().flatten().and_then(Result::ok))
            .unwrap_or_default()
    });

    // Sessions over time: counted by the appliance per bar while paged,
    // from the rows once all are loaded.
    let histogram_paged = LocalResource::new(move || {
        let key = (current.with(Option::is_none) && !is_offline.get()).then(|| data_key.get());
        async move {
            let search = key?.fetch_search(&["start_time"]).ok()?;
            from_appliance(search).await.ok().flatten()
        }
    });
    let histogram_loaded = Memo::new(move |_| {
        current.with(|l| {
            l.as_ref()
                .and_then(|l| histogram::from_rows(&TableRows::in_order(l.rows.clone())))
        })
    });
    let on_range = Callback::new(move |(lo, hi): (i64, i64)| {
        go.run(ListState {
            start: iso(lo),
            end: iso(hi),
            range: RangePreset::All,
            offset: 0,
            ..state.get_untracked()
        });
    });
    let chart = move || {
        if current.with(Option::is_some) {
            let at_least = current.with(|l| l.as_ref().is_some_and(|l| !l.complete));
            return histogram_loaded.get().map(|data| {
                view! { <HistogramChart data=data source="loaded rows" on_range=on_range at_least=at_least/> }
            });
        }
        histogram_paged.get().flatten().map(|data| {
            view! { <HistogramChart data=data source="counted by the appliance" on_range=on_range/> }
        })
    };

    // The detail page offers previous/next in this list's order and a way back
    // to it: it reads what the list showed last from `sessionStorage`.
    Effect::new(move |_| {
        shown.with(|rows| {
            if let Some(rows) = rows {
                // Capped: sessionStorage holds a few megabytes at most.
                let keys: Vec<&str> = rows.iter().take(10_000).map(|r| r.key.as_str()).collect();
                remember_list(&keys, &state.with_untracked(ListState::page_url));
            }
        });
    });
    // A new result or order starts without a highlighted row.
    Effect::new(move |_| {
        shown.track();
        highlight.set(None);
    });

    // Keys: j/k move the highlighted row, Enter opens it, e opens the export menu.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if typing(&ev) || relogin.get_untracked() == Relogin::Asking {
            return;
        }
        let total = shown.with_untracked(|r| r.as_ref().map_or(0, TableRows::len));
        match ev.key().as_str() {
            "j" if total > 0 => {
                ev.prevent_default();
                highlight.update(|h| *h = Some(h.map_or(0, |i| (i + 1).min(total - 1))));
            }
            "k" if total > 0 => {
                ev.prevent_default();
                highlight.update(|h| *h = Some(h.map_or(0, |i| i.saturating_sub(1))));
            }
            "Enter" => {
                // Enter on a focused link or button keeps its own meaning.
                let on_control = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|el| matches!(el.tag_name().as_str(), "A" | "BUTTON" | "SUMMARY"));
                if highlight.get_untracked().is_some() && !on_control {
                    if let Some(link) = html_element("#sessions-table tr.is-highlighted a.key-link")
                    {
                        ev.prevent_default();
                        link.click();
                    }
                }
            }
            "e" => {
                if let Some(menu) = html_element("#export-menu") {
                    ev.prevent_default();
                    let _ = menu.set_attribute("open", "");
                    if let Some(first) = html_element("#export-menu button") {
                        let _ = first.focus();
                    }
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let open_file_cb = Callback::new(move |file: web_sys::File| {
        offline_error.set(None);
        spawn_local(async move {
            match open_file(file).await {
                Ok(opened) => {
                    offline_file.set(Some(opened));
                    go.run(ListState {
                        offline: true,
                        offset: 0,
                        ..state.get_untracked()
                    });
                }
                Err(e) => offline_error.set(Some(format!("Cannot open the file: {e}"))),
            }
        });
    });

    let on_sort = Callback::new(move |(field, add): (&'static str, bool)| {
        // A new order starts at its first row (the table element is reused
        // across renders, and with it the scroll position).
        if let Some(table) = html_element(".vt-wrap") {
            table.set_scroll_top(0);
        }
        go.run(state.get_untracked().with_sort_click(field, add));
    });

    let body = move || {
        if is_offline.get() {
            if let Some(Err(e)) = offline_loaded.get() {
                return view! { <ErrorPanel title="This search cannot be applied to the file" message=e/> }
                    .into_any();
            }
            if offline_file.with(Option::is_none) {
                return view! {
                    <div class="state state-empty drop-zone" data-testid="offline-empty">
                        <strong>"Browse an export without an appliance"</strong>
                        <p>"Open a JSON or NDJSON file exported by spsview (or drop it here): filter, sort and export it like a live result."</p>
                        <OpenFileButton on_file=open_file_cb/>
                    </div>
                }
                .into_any();
            }
        }
        if let Some(l) = current.get() {
            let Some(data) = loaded_rows.get() else {
                return view! { <Loading what="sessions"/> }.into_any();
            };
            return loaded_view(ctx, l, data, sort_keys.get(), on_sort, highlight);
        }
        match sessions.get() {
            None | Some(None) => view! { <Loading what="sessions"/> }.into_any(),
            Some(Some((_, Err(e)))) if e.is_unauthenticated() => view! {
                <ErrorPanel title="Not logged in" message="Log in to see the sessions (the login dialog is open)."
                    kind=e.kind_code() retry=Callback::new(move |()| sessions.refetch())/>
            }
            .into_any(),
            // Parameters that failed the local check: retrying cannot help.
            Some(Some((_, Err(e @ ApiError::NotSent(_))))) => view! {
                <ErrorPanel title="This search cannot be sent" message=e.to_string() kind=e.kind_code()/>
            }
            .into_any(),
            Some(Some((_, Err(e)))) => view! {
                <ErrorPanel
                    title="Could not load sessions"
                    message=e.to_string()
                    kind=e.kind_code()
                    retry=Callback::new(move |()| sessions.refetch())
                />
            }
            .into_any(),
            // The URL's current display settings with the rows fetched for `for_state`.
            Some(Some((for_state, Ok(page)))) => {
                let tz = state.with(|s| s.tz);
                let data = page_rows.get().unwrap_or_else(|| TableRows::in_order(Arc::default()));
                paged_view(ctx, &page, data, ListState { tz, ..for_state }, sort_keys.get(), on_sort, highlight)
            }
        }
    };

    view! {
        <TopBar/>
        <main class="page page-sessions" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                if let Some(file) = dropped_file(&ev) {
                    open_file_cb.run(file);
                }
            }>
            // A `tz` in the link that means nothing: said, not silently dropped.
            {move || crate::components::zone::tz_notice(query.with(|q| q.get("tz")).as_deref())
                .map(|n| view! { <p id="url-notice" class="notice" role="status">{n}</p> })}
            <div class="page-head">
                <h1>"Sessions"</h1>
                {move || offline_file.get().filter(|_| is_offline.get()).map(|f| {
                    let n = grouped(f.rows.len() as u64);
                    view! {
                        <span id="offline-badge" class="offline-badge" title="Browsing a file; nothing is sent to an appliance">
                            "Offline: "<strong>{f.name}</strong>{format!(" ({n} sessions)")}
                        </span>
                        <button id="offline-close" type="button" class="btn btn-small" on:click=move |_| {
                            offline_file.set(None);
                            go.run(ListState { offline: false, offset: 0, ..state.get_untracked() });
                        }>"Close file"</button>
                    }
                })}
                <span class="page-head-right">
                    <OpenFileButton on_file=open_file_cb/>
                </span>
                {move || offline_error.get().map(|e| view! {
                    <span id="offline-error" class="form-error" role="alert">{e}</span>
                })}
                {move || updating().then(|| view! {
                    <span class="updating" data-testid="updating" role="status">
                        <span class="spinner" aria-hidden="true"></span>"Updating…"
                    </span>
                })}
            </div>
            <SearchBar state=state go=move |next| go.run(next) known=known_values/>
            <FetchProgress run=run/>
            {chips}
            {chart}
            <div class="results" class:stale=updating>{body}</div>
            <LoginDialog state=relogin/>
        </main>
    }
}
/// The query input and the time range presets. Both change the page URL; the
/// list follows the URL.
#[component]
fn SearchBar<G>(
    /// The current state, from the URL.
    state: Memo<ListState>,
    /// Navigates to a new state.
    go: G,
    /// Known values per field (the summary counts), for completion.
    known: Memo<Buckets>,
) -> impl IntoView
where
    G: Fn(ListState) + Clone + Send + Sync + 'static,
{
    let draft = RwSignal::new(state.with_untracked(|s| s.q.clone()));
    let content = RwSignal::new(state.with_untracked(|s| s.content.clone()));
    let content_problem = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<QueryProblem>);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    // Completion: the suggestions for the text typed, and the one chosen by
    // the arrow keys.
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    let active = RwSignal::new(None::<usize>);
    let refresh = move || {
        let text = draft.get_untracked();
        let list = if text.is_empty() {
            history_suggestions()
        } else {
            known.with_untracked(|k| {
                let values = |field: &str| -> Vec<String> {
                    k.iter()
                        .find(|(f, _)| *f == field)
                        .map(|(_, v)| v.iter().map(|(value, _)| value.clone()).collect())
                        .unwrap_or_default()
                };
                suggest(&text, &values)
            })
        };
        suggestions.set(list);
        active.set(None);
    };
    let accept = move |i: usize| {
        let chosen = suggestions.with_untracked(|s| s.get(i).cloned());
        if let Some(chosen) = chosen {
            draft.set(chosen.text);
            problem.set(None);
            refresh();
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
            }
        }
    };
    let on_keys = move |ev: leptos::ev::KeyboardEvent| {
        let n = suggestions.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
            }
            "Tab" => {
                ev.prevent_default();
                accept(active.get_untracked().unwrap_or(0));
            }
            "Enter" => {
                if let Some(i) = active.get_untracked() {
                    ev.prevent_default();
                    accept(i);
                } else {
                    suggestions.set(Vec::new());
                }
            }
            "Escape" => suggestions.set(Vec::new()),
            _ => {}
        }
    };
    // "/" focuses the search box, as in most log and code search tools; typing
    // "/" inside a text field still types it.
    let slash = window_event_listener(leptos::ev::keydown, move |ev| {
        let in_field = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if ev.key() == "/" && !in_field && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() {
            if let Some(input) = input_ref.get_untracked() {
                ev.prevent_default();
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || slash.remove());
    // The URL changed (back/forward, a preset, a pasted link): show the query in
    // effect, and its problem if someone typed a broken one into the address bar.
    Effect::new(move |_| {
        let q = state.with(|s| s.q.clone());
        problem.set(if q.is_empty() { None } else { check_query(&q) });
        draft.set(q);
        content.set(state.with(|s| s.content.clone()));
    });

    let submit = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            suggestions.set(Vec::new());
            let text = draft.get_untracked().trim().to_owned();
            if !text.is_empty() {
                if let Some(found) = check_query(&text) {
                    problem.set(Some(found));
                    return;
                }
            }
            problem.set(None);
            // SPS refuses a content search that starts with a wildcard
            // (crate-core says why); say so here instead of sending it.
            let content_text = content.get_untracked().trim().to_owned();
            if let Err(e) = SessionSearch::new().with_content(&content_text) {
                content_problem.set(Some(e.to_string()));
                return;
            }
            content_problem.set(None);
            remember_query(&text);
            go(ListState {
                q: text,
                content: content_text,
                offset: 0,
                ..state.get_untracked()
            });
        }
    };

    // Custom bounds are a date and a time of day, read in the zone the list
    // shows (UTC for the appliance's zone, which differs per session) and
    // written to the URL as ISO times with their offset; an emptied field
    // removes its bound.
    let set_bound = {
        let go = go.clone();
        move |which: &'static str, value: String| {
            let mut next = ListState {
                range: RangePreset::All,
                offset: 0,
                ..state.get_untracked()
            };
            let value = if value.trim().is_empty() {
                String::new()
            } else {
                match next.tz.input_to_iso(&value) {
                    Some(iso) => iso,
                    // Half-typed: wait for a complete date and time.
                    None => return,
                }
            };
            if which == "start" {
                next.start = value;
            } else {
                next.end = value;
            }
            go(next);
        }
    };
    let set_start = {
        let set_bound = set_bound.clone();
        move |ev: leptos::ev::Event| set_bound("start", event_target_value(&ev))
    };
    let set_end = move |ev: leptos::ev::Event| set_bound("end", event_target_value(&ev));

    let presets = move || {
        let current = state.get();
        RangePreset::ALL
            .into_iter()
            .map(|preset| {
                let go = go.clone();
                let custom = !current.start.is_empty() || !current.end.is_empty();
                let pressed = !custom && current.range == preset;
                let next = ListState {
                    range: preset,
                    start: String::new(),
                    end: String::new(),
                    offset: 0,
                    ..current.clone()
                };
                view! {
                    <button
                        type="button"
                        class="seg"
                        class:active=pressed
                        aria-pressed=if pressed { "true" } else { "false" }
                        data-range=preset.token()
                        on:click=move |_| go(next.clone())
                    >
                        {preset.label()}
                    </button>
                }
            })
            .collect_view()
    };

    view! {
        <form id="query-form" class="searchbar" on:submit=submit role="search">
            <input
                id="query-input"
                type="search"
                class="query-input"
                class:invalid=move || problem.with(Option::is_some)
                placeholder="Search, e.g. protocol:SSH AND user.gateway_username:adm*"
                autocomplete="off"
                spellcheck="false"
                aria-label="Search query"
                aria-invalid=move || if problem.with(Option::is_some) { "true" } else { "false" }
                aria-describedby="query-error"
                title="Search (press / to focus)"
                node_ref=input_ref
                bind:value=draft
                on:input=move |_| {
                    problem.set(None);
                    refresh();
                }
                on:focus=move |_| refresh()
                on:blur=move |_| suggestions.set(Vec::new())
                on:keydown=on_keys
                aria-autocomplete="list"
                // Only while the list is there: a reference to an absent
                // element is an invalid ARIA value.
                aria-controls=move || suggestions.with(|list| (!list.is_empty()).then_some("query-suggestions"))
            />
            {move || {
                let list = suggestions.get();
                (!list.is_empty()).then(|| {
                    let lit = active.get();
                    let items = list
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            // mousedown, not click: the input's blur (which
                            // closes the list) would come first otherwise.
                            view! {
                                <li class="suggestion" class:active=lit == Some(i) data-kind=s.kind
                                    role="option" aria-selected=if lit == Some(i) { "true" } else { "false" }
                                    on:mousedown=move |ev: leptos::ev::MouseEvent| {
                                        ev.prevent_default();
                                        accept(i);
                                    }>
                                    <span class="suggestion-label">{s.label}</span>
                                    <span class="suggestion-kind">{s.kind}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul id="query-suggestions" class="suggestions" role="listbox">{items}</ul> }
                })
            }}
            <input
                id="content-input"
                type="search"
                class="content-input"
                class:invalid=move || content_problem.with(Option::is_some)
                placeholder="Content: text seen or typed in sessions"
                autocomplete="off"
                spellcheck="false"
                aria-label="Content search"
                bind:value=content
                on:input=move |_| content_problem.set(None)
            />
            <button id="query-apply" class="btn btn-primary" type="submit">"Search"</button>
            <div id="range-presets" class="segmented" role="group" aria-label="Time range">
                {presets}
            </div>
            <div class="custom-range" role="group" aria-label="Custom time range">
                <label for="range-start">"From"</label>
                <input id="range-start" type="datetime-local" class="date-input"
                    prop:value=move || state.with(|s| s.tz.iso_to_input(&s.start))
                    on:change=set_start/>
                <label for="range-end">"ended by"</label>
                <input id="range-end" type="datetime-local" class="date-input"
                    prop:value=move || state.with(|s| s.tz.iso_to_input(&s.end))
                    on:change=set_end/>
                <span id="range-zone" class="muted">{move || state.with(|s| s.tz.input_label())}</span>
            </div>
        </form>
        <QueryHelp draft=draft input_ref=input_ref/>
        {move || content_problem.get().map(|p| view! {
            <div id="content-error" class="query-error" role="alert">
                <span class="query-error-message">{format!("Content search: {p}")}</span>
            </div>
        })}
        {move || problem.get().map(|p| query_problem_view("query-error", draft.get_untracked(), &p))}
    }
}

/// A folded list of the fields `q` can filter on (from crate-core's catalogue,
/// so it always matches what the validator accepts), with the syntax in one
/// line. Clicking a field appends `field:` to the query.
#[component]
fn QueryHelp(
    /// The query text being edited.
    draft: RwSignal<String>,
    /// The query input, focused after inserting a field.
    input_ref: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let fields = Catalogue::sessions()
        .fields()
        .iter()
        .filter(|f| f.filterable)
        .map(|f| {
            let name = f.name;
            let insert = move |_| {
                draft.update(|text| {
                    if !text.is_empty() && !text.ends_with(' ') {
                        text.push(' ');
                    }
                    text.push_str(name);
                    text.push(':');
                });
                if let Some(input) = input_ref.get_untracked() {
                    let _ = input.focus();
                }
            };
            view! {
                <li>
                    <button type="button" class="field-chip" data-field=name on:click=insert>{name}</button>
                    <span class="muted">{f.kind.name()}{f.multi.then_some(", list")}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <details id="query-help" class="query-help">
            <summary>"Query syntax and fields"</summary>
            <p class="muted">
                "field:value · AND, OR, NOT · \"a phrase\" · wildcards adm* · ranges duration:[60 TO 3600] · parentheses. Press / to focus the search."
            </p>
            <ul class="field-list">{fields}</ul>
        </details>
    }
}

/// `sessionStorage` key of the keys the list shows, a JSON array in table
/// order (read by the detail page for previous/next).
pub const LIST_KEYS_KEY: &str = "spsview.list.keys";

/// `sessionStorage` key of the list's URL, for the detail page's way back.
pub const LIST_URL_KEY: &str = "spsview.list.url";

/// Stores the shown keys and the list URL. Best effort: storage can be
/// disabled or full, and previous/next is a convenience, so failures are ignored.
fn remember_list(keys: &[&str], url: &str) {
    let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) else {
        return;
    };
    if let Ok(json) = serde_json::to_string(keys) {
        let _ = storage.set_item(LIST_KEYS_KEY, &json);
    }
    let _ = storage.set_item(LIST_URL_KEY, url);
}

/// The time zone buttons, and a box for a fixed offset (`+05:30`).
fn tz_buttons(state: &ListState, go: Callback<ListState>) -> impl IntoView {
    let buttons = TimeDisplay::ALL
        .into_iter()
        .map(|choice| {
            let next = ListState {
                tz: ListZone::Display(choice),
                ..state.clone()
            };
            let pressed = ListZone::Display(choice) == state.tz;
            view! {
                <button type="button" class="seg" class:active=pressed
                    aria-pressed=if pressed { "true" } else { "false" }
                    data-tz=choice.token()
                    on:click=move |_| go.run(next.clone())>
                    {choice.label()}
                </button>
            }
        })
        .collect_view();
    let fixed = match state.tz {
        ListZone::Fixed(_) => state.tz.token(),
        ListZone::Display(_) => String::new(),
    };
    let is_fixed = !fixed.is_empty();
    let current = state.clone();
    let set_offset = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        if text.trim().is_empty() {
            go.run(ListState {
                tz: ListZone::DEFAULT,
                ..current.clone()
            });
        } else if let Some(offset) = parse_offset(&text) {
            go.run(ListState {
                tz: ListZone::Fixed(offset),
                ..current.clone()
            });
        }
    };
    view! {
        <div id="tz-choice" class="segmented segmented-small" role="group" aria-label="Show times in">
            <span class="seg-label">"Times"</span>
            {buttons}
            <input id="tz-offset" class="seg seg-input" class:active=is_fixed type="text"
                inputmode="text" size="6" maxlength="6" placeholder="±hh:mm"
                title="A fixed offset from UTC, e.g. +05:30 (Enter to apply)"
                aria-label="Fixed UTC offset" prop:value=fixed on:change=set_offset/>
        </div>
    }
}

/// The export menu and the line that tells how an export goes.
fn export_controls(ctx: Ctx) -> impl IntoView {
    let busy = Signal::derive(move || {
        ctx.run.with(Option::is_some)
            || ctx
                .export_status
                .with(|s| matches!(s, Some(ExportStatus::Working(_))))
    });
    let on_export = Callback::new(move |kind: ExportKind| {
        if let Some(menu) = html_element("#export-menu") {
            let _ = menu.remove_attribute("open");
        }
        spawn_local(export_everything(ctx, kind));
    });
    view! {
        <ExportMenu on_export=on_export busy=busy/>
        {move || ctx.export_status.get().map(|s| {
            let (class, text) = match s {
                ExportStatus::Working(t) => ("export-status working", t),
                ExportStatus::Done(t) => ("export-status done", t),
                ExportStatus::Failed(t) => ("export-status failed", t),
            };
            view! { <span id="export-status" class=class role="status">{text}</span> }
        })}
    }
}

/// The "Fetch all" button.
fn fetch_button(ctx: Ctx, label: String) -> impl IntoView {
    view! {
        <button id="fetch-all" type="button" class="btn"
            disabled=move || ctx.run.with(Option::is_some)
            title="Load every matching session into the page, to scroll, sort and export them all"
            on:click=move |_| spawn_local(async move { let _ = fetch_everything(ctx).await; })>
            {label}
        </button>
    }
}

/// A server page of the list: summary, pager, the offer to fetch everything.
fn paged_view(
    ctx: Ctx,
    page: &Collection<SessionRow>,
    data: TableRows,
    state: ListState,
    sort: Vec<SortKey>,
    on_sort: Callback<(&'static str, bool)>,
    highlight: RwSignal<Option<usize>>,
) -> AnyView {
    let go = ctx.go;
    let meta = page.meta.as_ref();
    let total = meta.and_then(|m| m.match_count);
    let offset = meta
        .and_then(|m| m.offset.get().copied())
        .unwrap_or(u64::from(state.offset));
    let limit = meta
        .and_then(|m| m.limit)
        .unwrap_or(u64::from(PAGE_SIZE))
        .max(1);
    let shown = page.items.len() as u64;
    let (first, last) = (offset + 1, offset + shown);

    // SPS 7.x/8.x stop counting `match_count` at 10,000: there it means
    // "10,000 or more", and only `_count` tells the number.
    let at_cap = total == Some(u64::from(MAX_OFFSET));
    let key = ctx.data_key.get_untracked();
    if at_cap {
        ask_exact_count(ctx, key.clone());
    }
    let exact_count = ctx.exact_count;
    let told = move || -> Option<ExactCount> {
        exact_count.with(|e| e.as_ref().filter(|(k, _)| *k == key).map(|(_, c)| *c))
    };
    // The number to show, and whether it is only a lower bound.
    let count = Signal::derive(move || match (total, at_cap) {
        (None, _) => None,
        (Some(n), false) => Some((n, false)),
        (Some(n), true) => match told() {
            Some(ExactCount::Known(exact)) => Some((exact, false)),
            _ => Some((n, true)),
        },
    });

    let summary = move || match count.get() {
        Some((n, lower)) => {
            let how = if lower {
                "lower-bound"
            } else if at_cap {
                "_count"
            } else {
                "match_count"
            };
            let title = lower.then_some(
                "SPS counts matches only up to 10,000; the exact number is being asked for (or the appliance does not tell it)",
            );
            view! {
                <p class="summary">
                    <span id="match-count" data-count=n.to_string() data-total-source=how title=title>
                        {if lower { format!("{}+", grouped(n)) } else { grouped(n) }}
                    </span>
                    {if n == 1 && !lower { " session matches" } else { " sessions match" }}
                    {(shown > 0).then(|| format!(" · showing {}–{}", grouped(first), grouped(last)))}
                </p>
            }
            .into_any()
        }
        None => view! { <p class="summary">{format!("Showing {shown} sessions")}</p> }.into_any(),
    };

    let has_prev = offset > 0;
    let total = count.get_untracked().map(|(n, _)| n);
    let more = match total {
        Some(n) => last < n,
        None => shown == limit,
    };
    // SPS refuses offsets past 10 000: beyond that only a snapshot reaches.
    let next_offset = offset + limit;
    let has_next = more && next_offset <= u64::from(MAX_OFFSET);
    let to_u32 = |n: u64| u32::try_from(n).unwrap_or(MAX_OFFSET);
    let prev_state = ListState {
        offset: to_u32(offset.saturating_sub(limit)),
        ..state.clone()
    };
    let next_state = ListState {
        offset: to_u32(next_offset),
        ..state.clone()
    };
    let pager = view! {
        <div class="pager">
            <button id="page-prev" type="button" class="btn" disabled=!has_prev
                on:click=move |_| go.run(prev_state.clone())>"← Previous"</button>
            <button id="page-next" type="button" class="btn" disabled=!has_next
                on:click=move |_| go.run(next_state.clone())>"Next →"</button>
        </div>
    };

    if page.items.is_empty() {
        return view! {
            <div class="toolbar">{summary}{has_prev.then_some(pager)}</div>
            <div class="state state-empty" data-testid="empty">
                <strong>"No sessions match"</strong>
                <p>"Nothing was recorded for this selection. Widen the time range or change the query."</p>
            </div>
        }
        .into_any();
    }

    // Past 10,000 SPS pages no further: say so, and offer the fetch that
    // reaches everything (snapshots or time slices, crate-core decides).
    let cap = u64::from(MAX_OFFSET);
    let big = move || {
        count.get().filter(|&(n, lower)| lower || n > cap).map(|(n, lower)| {
            let (headline, label) = if lower {
                (
                    format!("{}+ sessions match", grouped(n)),
                    "Fetch all".to_owned(),
                )
            } else {
                (
                    format!("{} sessions match", grouped(n)),
                    format!("Fetch all {}", grouped(n)),
                )
            };
            view! {
                <div id="big-result" class="big-result" role="note">
                    <span>
                        <strong>{headline}</strong>
                        " — more than the 10,000 that SPS lets you page through. Fetch them all to scroll, sort and export every one here."
                    </span>
                    {fetch_button(ctx, label)}
                </div>
            }
        })
    };
    let fetch = move || {
        count
            .get()
            .filter(|&(n, lower)| !lower && n > shown && n <= cap)
            .map(|(n, _)| fetch_button(ctx, format!("Fetch all {}", grouped(n))))
    };
    let tz = state.tz;
    view! {
        {big}
        <div class="toolbar">
            {summary}
            <div class="toolbar-right">
                {fetch}
                <ColumnChooser columns=ctx.columns/>
                {export_controls(ctx)}
                {tz_buttons(&state, go)}
                {pager}
            </div>
        </div>
        <SessionTable data=data tz=tz columns=ctx.columns.get_untracked() widths=ctx.widths sort=sort on_sort=on_sort highlight=highlight/>
    }
    .into_any()
}

/// How a complete fetch was checked against the appliance's own count.
fn checked_text(source: Option<TotalSource>, expected: Option<u64>) -> String {
    let count = expected.map(grouped).unwrap_or_default();
    let how = match source {
        Some(TotalSource::CountEndpoint) => format!(", checked against SPS's count ({count})"),
        Some(TotalSource::MatchCount) => format!(", checked against SPS's match count ({count})"),
        Some(TotalSource::WindowCounts) => {
            format!(", checked against SPS's counts of each time slice ({count})")
        }
        Some(TotalSource::LowerBound) => {
            ", SPS tells only that 10,000 or more match (no exact count)".to_owned()
        }
        Some(TotalSource::Unknown) | None => ", SPS gave no count to check against".to_owned(),
    };
    format!(" · all of the result{how}, sorted here")
}

/// Asks `_count` once per search for the exact number behind a capped
/// `match_count`; the answer lands in `ctx.exact_count`.
fn ask_exact_count(ctx: Ctx, key: ListState) {
    let asked = ctx
        .exact_count
        .with_untracked(|e| e.as_ref().is_some_and(|(k, _)| *k == key));
    if asked {
        return;
    }
    let Ok(search) = key.fetch_search(&[]) else {
        return;
    };
    ctx.exact_count.set(Some((key.clone(), ExactCount::Asking)));
    spawn_local(async move {
        let told = match api::count(&search).await {
            Ok(n) => ExactCount::Known(n),
            Err(_) => ExactCount::Unavailable,
        };
        // The page may have moved on to another search meanwhile.
        let _ = ctx.exact_count.try_update(|e| {
            if e.as_ref().is_some_and(|(k, _)| *k == key) {
                *e = Some((key, told));
            }
        });
    });
}

/// Every row loaded: a count, client-side sort, no pager.
fn loaded_view(
    ctx: Ctx,
    loaded: Loaded,
    data: TableRows,
    sort: Vec<SortKey>,
    on_sort: Callback<(&'static str, bool)>,
    highlight: RwSignal<Option<usize>>,
) -> AnyView {
    let state = ctx.state.get_untracked();
    let n = loaded.rows.len() as u64;
    let stopped = (!loaded.complete).then(|| {
        let of = loaded
            .expected
            .map(|e| format!(" of {}", grouped(e)))
            .unwrap_or_default();
        let why = loaded.note.clone().unwrap_or_default();
        view! {
            <span id="fetch-stopped" class="fetch-stopped" role="status">
                {format!("Stopped after {}{of}: {why}", grouped(n))}
            </span>
        }
    });
    let again = if loaded.complete {
        "Fetch again"
    } else {
        "Fetch the rest"
    };
    let loaded_ref = ctx.loaded;
    let body = if data.is_empty() {
        view! {
            <div class="state state-empty" data-testid="empty">
                <strong>"No sessions match"</strong>
                <p>"Nothing was recorded for this selection. Widen the time range or change the query."</p>
            </div>
        }
        .into_any()
    } else {
        view! { <SessionTable data=data tz=state.tz columns=ctx.columns.get_untracked() widths=ctx.widths sort=sort on_sort=on_sort highlight=highlight/> }
            .into_any()
    };
    view! {
        <div class="toolbar">
            <p class="summary">
                <span id="row-count" data-count=n.to_string() data-complete=loaded.complete.to_string()
                    data-total-source=loaded.total_source.map(TotalSource::name)>{grouped(n)}</span>
                {if n == 1 { " session loaded" } else { " sessions loaded" }}
                {if state.offline {
                    Some(" · from the file, filtered and sorted here".to_owned())
                } else {
                    loaded.complete.then(|| checked_text(loaded.total_source, loaded.expected))
                }}
                " "
                {stopped}
            </p>
            <div class="toolbar-right">
                {(!state.offline).then(|| view! {
                    {fetch_button(ctx, again.to_owned())}
                    <button id="back-to-pages" type="button" class="btn"
                        on:click=move |_| loaded_ref.set(None)>"Back to pages"</button>
                })}
                <ColumnChooser columns=ctx.columns/>
                {export_controls(ctx)}
                {tz_buttons(&state, ctx.go)}
            </div>
        </div>
        {body}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    // ParamsMap decodes through js_sys, which has no native implementation, so
    // the tests read the state through `from_lookup`.
    fn state_of(pairs: &[(&str, &str)]) -> ListState {
        ListState::from_lookup(|name| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| *v)
        })
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn url_state_round_trips() {
        let state = state_of(&[
            ("q", "protocol:SSH AND user.gateway_username:adm*"),
            ("range", "7d"),
            ("sort", "-duration"),
            ("offset", "50"),
            ("tz", "utc"),
        ]);
        assert_eq!(state.range, RangePreset::Week);
        assert_eq!(state.offset, 50);
        assert_eq!(state.tz, ListZone::Display(TimeDisplay::Utc));
        let url = state.page_url();
        let query = url.strip_prefix("/sessions?").unwrap_or_default();
        let pairs = sps_core::request::parse_query_string(query);
        let back = ListState::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        });
        assert_eq!(back, state);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn junk_in_the_url_is_ignored() {
        let state = state_of(&[("sort", "password"), ("offset", "-3"), ("range", "1y")]);
        assert_eq!(state, ListState::default());
        assert_eq!(state.page_url(), "/sessions");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn header_click_toggles_and_resets_paging() {
        let state = state_of(&[("sort", "duration"), ("offset", "100")]);
        let next = state.toggled_sort("duration");
        assert_eq!((next.sort.as_str(), next.offset), ("-duration", 0));
        assert_eq!(next.toggled_sort("duration").sort, "duration");
        assert_eq!(state.toggled_sort("verdict").sort, "verdict");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn shift_click_adds_sort_keys() {
        let state = state_of(&[("sort", "-duration")]);
        let added = state.with_sort_click("protocol", true);
        assert_eq!(added.sort, "-duration,protocol");
        assert_eq!(
            added.with_sort_click("protocol", true).sort,
            "-duration,-protocol"
        );
        assert_eq!(added.with_sort_click("verdict", false).sort, "verdict");
        assert_eq!(added.with_sort_click("duration", false).sort, "duration");
        assert_eq!(
            state_of(&[("sort", "-duration,protocol")]).sort,
            "-duration,protocol"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn loaded_rows_sort_with_crate_cores_comparison() {
        let row = |key: &str, duration: i64, protocol: &str| SessionRow {
            key: key.into(),
            meta: None,
            body: {
                let mut body = sps_core::model::SparseBody::new();
                body.insert("duration", serde_json::json!(duration));
                body.insert("protocol", serde_json::json!(protocol));
                Some(body)
            },
        };
        let rows = vec![
            row("a", 30, "SSH"),
            row("b", 10, "RDP"),
            row("c", 30, "RDP"),
        ];
        let keys = parse_sort("-duration,protocol", Catalogue::sessions()).unwrap_or_default();
        assert_eq!(sorted_order(&rows, &keys), vec![2, 0, 1]);
        assert_eq!(sorted_order(&rows, &[]), vec![0, 1, 2]);
    }

    /// What the list asks for before anyone chooses columns.
    fn default_list_fields() -> Vec<&'static str> {
        let columns: Vec<_> = crate::components::columns::DEFAULT_COLUMNS
            .iter()
            .filter_map(|name| crate::components::columns::spec(name))
            .collect();
        request_fields(&columns)
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn api_query_asks_for_the_list_fields() {
        let state = state_of(&[("sort", "-start_time"), ("offset", "50")]);
        let query = state
            .search(&default_list_fields())
            .map(|s| s.to_query_string())
            .unwrap_or_default();
        assert!(query.contains("limit=50"), "{query}");
        assert!(query.contains("offset=50"), "{query}");
        assert!(query.contains("sort=-start_time"), "{query}");
        assert!(query.contains("user.gateway_username"), "{query}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_custom_range_replaces_the_preset() {
        let state = state_of(&[
            ("range", "24h"),
            ("start", "2026-11-01"),
            ("end", "2026-11-20"),
        ]);
        assert_eq!(state.range, RangePreset::All);
        assert_eq!(
            state.page_url(),
            "/sessions?start=2026-11-01&end=2026-11-20"
        );
        let query = state
            .search(&default_list_fields())
            .map(|s| s.to_query_string())
            .unwrap_or_default();
        assert!(
            query.contains("start=2026-11-01") && query.contains("end=2026-11-20"),
            "{query}"
        );
        assert!(state_of(&[("start", "yesterday")])
            .search(&default_list_fields())
            .is_err());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn query_problems_have_a_column() {
        assert_eq!(check_query("protocol:SSH"), None);
        let problem = check_query("protocol:(ssh");
        assert_eq!(problem.map(|p| p.column), Some(10));
        let unknown = check_query("protocl:SSH");
        assert!(unknown.is_some_and(|p| p.column == 1 && p.message.contains("protocol")));
    }
}
