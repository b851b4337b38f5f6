//! `/sessions`: the session list.
//!
//! The page's URL is the state: `q`, `range`, `sort` and `offset` live in the
//! query string, so a reload, the back button or a pasted link shows the same
//! list. The API request is derived from the URL (through `sps_core`'s
//! `SessionSearch`, which checks every parameter), never the other way around.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use sps_core::{
    encode_component, parse_query, validate, Catalogue, Collection, ErrorKind, FieldSource,
    SessionRow, SessionSearch, SparseBody, Zone, MAX_OFFSET,
};

use crate::api::{self, ApiError, LIST_FIELDS};
use crate::components::{ErrorPanel, Loading, TopBar, VerdictBadge};
use crate::format;

/// Rows per page. Small enough to render instantly, well under SPS's cap of 500.
pub const PAGE_SIZE: u32 = 50;

/// A table column: header text, the API field it shows and sorts by, whether
/// the header sorts, and a CSS class.
struct Column {
    title: &'static str,
    sort_field: Option<&'static str>,
    class: &'static str,
}

const COLUMNS: &[Column] = &[
    Column { title: "Key", sort_field: None, class: "col-key" },
    Column { title: "Protocol", sort_field: Some("protocol"), class: "col-protocol" },
    Column { title: "User", sort_field: Some("user.gateway_username"), class: "col-user" },
    Column { title: "Server", sort_field: Some("server.ip"), class: "col-server" },
    Column { title: "Start time", sort_field: Some("start_time"), class: "col-start" },
    Column { title: "Duration", sort_field: Some("duration"), class: "col-duration" },
    Column { title: "Verdict", sort_field: Some("verdict"), class: "col-verdict" },
];

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
    fn start_param(self) -> Option<String> {
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

    fn from_token(token: &str) -> Self {
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
    /// Server-side sort expression (`start_time`, `-duration`); empty: the server's default.
    pub sort: String,
    /// Index of the first row shown.
    pub offset: u32,
    /// How times are shown (display only: never part of the request).
    pub tz: TimeDisplay,
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
        let (start, end) = (text("start"), text("end"));
        // A custom range replaces the preset, so the URL has one meaning.
        let range = if start.is_empty() && end.is_empty() {
            RangePreset::from_token(get("range").unwrap_or_default())
        } else {
            RangePreset::All
        };
        let tz = TimeDisplay::from_token(get("tz").unwrap_or_default());
        ListState {
            q,
            range,
            start,
            end,
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
        if !self.sort.is_empty() {
            parts.push(format!("sort={}", encode_component(&self.sort)));
        }
        if self.offset > 0 {
            parts.push(format!("offset={}", self.offset));
        }
        if self.tz != TimeDisplay::AsSent {
            parts.push(format!("tz={}", self.tz.token()));
        }
        if parts.is_empty() {
            "/sessions".to_owned()
        } else {
            format!("/sessions?{}", parts.join("&"))
        }
    }

    /// The API request for this state, each parameter checked by `SessionSearch`.
    pub fn search(&self) -> Result<SessionSearch, sps_core::Error> {
        let mut search = SessionSearch::new()
            .with_fields(LIST_FIELDS.iter().copied())?
            .with_limit(PAGE_SIZE)?;
        if self.offset > 0 {
            search = search.with_offset(self.offset)?;
        }
        if !self.sort.is_empty() {
            search = search.with_sort(&self.sort)?;
        }
        if !self.q.is_empty() {
            search = search.with_q_text(&self.q)?;
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

    /// The state after clicking the header of `field`: ascending first, then
    /// descending, back to page one.
    pub fn toggled_sort(&self, field: &str) -> Self {
        let sort = if self.sort == field {
            format!("-{field}")
        } else {
            field.to_owned()
        };
        ListState {
            sort,
            offset: 0,
            ..self.clone()
        }
    }
}

/// Only the table's own columns are offered as sort keys.
fn is_known_sort(sort: &str) -> bool {
    let field = sort.strip_prefix('-').unwrap_or(sort);
    COLUMNS.iter().any(|c| c.sort_field == Some(field))
}

/// A problem in typed `q` text: 1-based column (in characters) and the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryProblem {
    /// 1-based column in characters.
    pub column: usize,
    /// What is wrong, from `sps_core`.
    pub message: String,
}

/// Parses and validates `q` text with crate-core (the same parser and
/// catalogue the simulator uses), before anything is sent.
pub fn check_query(text: &str) -> Option<QueryProblem> {
    let error = match parse_query(text) {
        Ok(query) => validate(&query, Catalogue::sessions()).err()?,
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

/// The session list page.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();

    let state = Memo::new(move |_| query.with(ListState::from_query));
    // What the request depends on: the state without display-only settings, so
    // switching the time zone re-renders but does not fetch again.
    let request_state = Memo::new(move |_| ListState {
        tz: TimeDisplay::default(),
        ..state.get()
    });
    // Each result carries the state it was fetched for: the previous page stays
    // on screen (dimmed, "Updating…") while the next one loads, instead of
    // flashing an empty table.
    let sessions = LocalResource::new(move || {
        let for_state = request_state.get();
        let search = for_state.search();
        async move {
            let result = match search {
                Ok(search) => api::list_sessions(&search).await,
                Err(e) => Err(ApiError::NotSent(e.to_string())),
            };
            (for_state, result)
        }
    });
    let updating =
        move || sessions.with(|r| r.as_ref().is_some_and(|(s, _)| *s != request_state.get()));

    // A 401 here means the cookie is missing or expired: back to the login page,
    // which brings the user back to this very list afterwards.
    {
        let navigate = navigate.clone();
        Effect::new(move |_| {
            let expired =
                sessions.with(|r| matches!(r, Some((_, Err(e))) if e.is_unauthenticated()));
            if expired {
                let here = state.with_untracked(ListState::page_url);
                let url = format!("/login?reason=expired&next={}", encode_component(&here));
                navigate(
                    &url,
                    NavigateOptions {
                        replace: true,
                        ..NavigateOptions::default()
                    },
                );
            }
        });
    }

    // The detail page offers previous/next in this list's order and a way back
    // to it: it reads what the list showed last from `sessionStorage`.
    Effect::new(move |_| {
        sessions.with(|r| {
            if let Some((for_state, Ok(page))) = r {
                let keys: Vec<&str> = page.items.iter().map(|row| row.key.as_str()).collect();
                let url = ListState {
                    tz: state.with_untracked(|s| s.tz),
                    ..for_state.clone()
                }
                .page_url();
                remember_list(&keys, &url);
            }
        });
    });

    let go = move |next: ListState| navigate(&next.page_url(), NavigateOptions::default());
    let go_search = go.clone();

    let body = move || match sessions.get() {
        None => view! { <Loading what="sessions"/> }.into_any(),
        Some((_, Err(e))) if e.is_unauthenticated() => {
            view! { <Loading what="the login page"/> }.into_any()
        }
        // Parameters that failed the local check: retrying cannot help.
        Some((_, Err(e @ ApiError::NotSent(_)))) => view! {
            <ErrorPanel title="This search cannot be sent" message=e.to_string()/>
        }
        .into_any(),
        Some((_, Err(e))) => view! {
            <ErrorPanel
                title="Could not load sessions"
                message=e.to_string()
                retry=Callback::new(move |()| sessions.refetch())
            />
        }
        .into_any(),
        // The URL's current display settings with the rows fetched for `for_state`.
        Some((for_state, Ok(page))) => {
            let tz = state.with(|s| s.tz);
            results(page, ListState { tz, ..for_state }, go.clone())
        }
    };

    view! {
        <TopBar/>
        <main class="page page-sessions">
            <div class="page-head">
                <h1>"Sessions"</h1>
                {move || updating().then(|| view! {
                    <span class="updating" data-testid="updating" role="status">
                        <span class="spinner" aria-hidden="true"></span>"Updating…"
                    </span>
                })}
            </div>
            <SearchBar state=state go=go_search/>
            <div class="results" class:stale=updating>{body}</div>
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
) -> impl IntoView
where
    G: Fn(ListState) + Clone + Send + Sync + 'static,
{
    let draft = RwSignal::new(state.with_untracked(|s| s.q.clone()));
    let input_ref = NodeRef::<leptos::html::Input>::new();
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
    let problem = RwSignal::new(None::<QueryProblem>);
    // The URL changed (back/forward, a preset, a pasted link): show the query in
    // effect, and its problem if someone typed a broken one into the address bar.
    Effect::new(move |_| {
        let q = state.with(|s| s.q.clone());
        problem.set(if q.is_empty() { None } else { check_query(&q) });
        draft.set(q);
    });

    let submit = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = draft.get_untracked().trim().to_owned();
            if !text.is_empty() {
                if let Some(found) = check_query(&text) {
                    problem.set(Some(found));
                    return;
                }
            }
            problem.set(None);
            go(ListState {
                q: text,
                offset: 0,
                ..state.get_untracked()
            });
        }
    };

    // Custom dates are whole UTC days (`start=2026-11-20`), as SPS reads a date
    // without a time; an emptied field removes its bound.
    let set_bound = {
        let go = go.clone();
        move |which: &'static str, value: String| {
            let mut next = ListState {
                range: RangePreset::All,
                offset: 0,
                ..state.get_untracked()
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
                on:input=move |_| problem.set(None)
            />
            <button id="query-apply" class="btn btn-primary" type="submit">"Search"</button>
            <div id="range-presets" class="segmented" role="group" aria-label="Time range">
                {presets}
            </div>
            <div class="custom-range" role="group" aria-label="Custom time range (UTC days)">
                <label for="range-start">"From"</label>
                <input id="range-start" type="date" class="date-input"
                    prop:value=move || date_part(&state.with(|s| s.start.clone()))
                    on:change=set_start/>
                <label for="range-end">"ended by"</label>
                <input id="range-end" type="date" class="date-input"
                    prop:value=move || date_part(&state.with(|s| s.end.clone()))
                    on:change=set_end/>
            </div>
        </form>
        <QueryHelp draft=draft input_ref=input_ref/>
        {move || problem.get().map(|p| {
            // A caret under the offending character: the query and the caret are
            // two text lines in a monospace block, so columns line up.
            let text = draft.get_untracked();
            let caret = format!("{}^", " ".repeat(p.column.saturating_sub(1)));
            view! {
                <div id="query-error" class="query-error" role="alert" data-column=p.column.to_string()>
                    <span class="caret-line">{text}</span>
                    <span class="caret-line">{caret}</span>
                    <span class="query-error-message">{format!("Column {}: {}", p.column, p.message)}</span>
                </div>
            }
        })}
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

/// The `YYYY-MM-DD` a date input can show, from a URL bound (a date, or the
/// date part of an ISO time); empty otherwise.
fn date_part(bound: &str) -> String {
    let date: String = bound.chars().take(10).collect();
    let bytes = date.as_bytes();
    let looks_like_date = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && date.chars().filter(char::is_ascii_digit).count() == 8;
    if looks_like_date {
        date
    } else {
        String::new()
    }
}

/// The table plus its summary line and pager, for a loaded page.
fn results<G>(page: Collection<SessionRow>, state: ListState, go: G) -> AnyView
where
    G: Fn(ListState) + Clone + Send + Sync + 'static,
{
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

    let summary = match total {
        Some(n) => view! {
            <p class="summary">
                <span id="match-count" data-count=n.to_string()>{n.to_string()}</span>
                {if n == 1 { " session matches" } else { " sessions match" }}
                {(shown > 0).then(|| format!(" · showing {first}–{last}"))}
            </p>
        }
        .into_any(),
        None => view! { <p class="summary">{format!("Showing {shown} sessions")}</p> }.into_any(),
    };

    let has_prev = offset > 0;
    let more = match total {
        Some(n) => last < n,
        None => shown == limit,
    };
    // SPS refuses offsets past 10 000: beyond that only a snapshot reaches.
    let next_offset = offset + limit;
    let has_next = more && next_offset <= u64::from(MAX_OFFSET);
    let capped = more && !has_next;
    let to_u32 = |n: u64| u32::try_from(n).unwrap_or(MAX_OFFSET);
    let prev_state = ListState {
        offset: to_u32(offset.saturating_sub(limit)),
        ..state.clone()
    };
    let next_state = ListState {
        offset: to_u32(next_offset),
        ..state.clone()
    };
    let (go_prev, go_next) = (go.clone(), go.clone());
    let pager = view! {
        <div class="pager">
            {capped.then(|| view! {
                <span class="muted cap-note">"SPS pages only to 10 000: narrow the search to see more"</span>
            })}
            <button id="page-prev" type="button" class="btn" disabled=!has_prev
                on:click=move |_| go_prev(prev_state.clone())>"← Previous"</button>
            <button id="page-next" type="button" class="btn" disabled=!has_next
                on:click=move |_| go_next(next_state.clone())>"Next →"</button>
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

    let tz = state.tz;
    let tz_buttons = TimeDisplay::ALL
        .into_iter()
        .map(|choice| {
            let go = go.clone();
            let next = ListState {
                tz: choice,
                ..state.clone()
            };
            let pressed = choice == tz;
            view! {
                <button type="button" class="seg" class:active=pressed
                    aria-pressed=if pressed { "true" } else { "false" }
                    data-tz=choice.token()
                    on:click=move |_| go(next.clone())>
                    {choice.label()}
                </button>
            }
        })
        .collect_view();
    let header = header_cells(&state, go);
    let rows = page
        .items
        .into_iter()
        .map(|row| row_view(row, tz))
        .collect_view();
    view! {
        <div class="toolbar">
            {summary}
            <div class="toolbar-right">
                <div id="tz-choice" class="segmented segmented-small" role="group" aria-label="Show times in">
                    <span class="seg-label">"Times"</span>
                    {tz_buttons}
                </div>
                {pager}
            </div>
        </div>
        <div class="table-wrap">
            <table id="sessions-table" class="data">
                <thead><tr>{header}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The header cells; sortable columns are buttons that change the URL's `sort`.
fn header_cells<G>(state: &ListState, go: G) -> impl IntoView
where
    G: Fn(ListState) + Clone + Send + Sync + 'static,
{
    COLUMNS
        .iter()
        .map(|col| {
            let (direction, aria) = match col.sort_field {
                Some(f) if state.sort == f => (" ▲", "ascending"),
                Some(f) if state.sort.strip_prefix('-') == Some(f) => (" ▼", "descending"),
                _ => ("", "none"),
            };
            match col.sort_field {
                Some(field) => {
                    let go = go.clone();
                    let next = state.toggled_sort(field);
                    view! {
                        <th class=col.class aria-sort=aria data-sort-field=field>
                            <button type="button" class="sort" on:click=move |_| go(next.clone())>
                                {col.title}{direction}
                            </button>
                        </th>
                    }
                    .into_any()
                }
                None => view! { <th class=col.class>{col.title}</th> }.into_any(),
            }
        })
        .collect_view()
}

/// All values of a field as cell text (multi-valued fields joined with ", ").
fn cell(body: Option<&SparseBody>, path: &str) -> String {
    body.map(|b| {
        b.field_values(path)
            .map(|v| v.to_text().into_owned())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    })
    .unwrap_or_default()
}

/// One table row. Every value is a text node or an attribute value, never markup.
fn row_view(row: SessionRow, tz: TimeDisplay) -> impl IntoView {
    let body = row.body.as_ref();
    let protocol = cell(body, "protocol");
    let user = cell(body, "user.gateway_username");
    let server = cell(body, "server.ip");
    let start = body
        .and_then(|b| b.get_timestamp("start_time"))
        .map(|t| tz.format(&t))
        .unwrap_or_else(|| cell(body, "start_time"));
    let start_title = cell(body, "start_time");
    let duration = body
        .and_then(|b| b.get_i64("duration"))
        .map(format::duration)
        .unwrap_or_default();
    let verdict = cell(body, "verdict");
    let active = body.and_then(|b| b.get_bool("active")).unwrap_or(false);
    let class = if active {
        "session-row is-live"
    } else {
        "session-row"
    };
    let key_attr = row.key.clone();
    // The detail page (pages/session_detail.rs) keeps the list's time zone.
    let detail_href = match tz {
        TimeDisplay::AsSent => format!("/sessions/{}", encode_component(&row.key)),
        other => format!("/sessions/{}?tz={}", encode_component(&row.key), other.token()),
    };
    view! {
        <tr class=class data-key=key_attr>
            <td class="col-key"><a class="key-link" href=detail_href><code>{row.key}</code></a></td>
            <td class="col-protocol">{protocol}</td>
            <td class="col-user">{user}</td>
            <td class="col-server">{server}</td>
            <td class="col-start" title=start_title>{start}</td>
            <td class="col-duration">
                {duration}
                {active.then(|| view! { <span class="live" data-testid="live">"live"</span> })}
            </td>
            <td class="col-verdict">
                {(!verdict.is_empty()).then(|| view! { <VerdictBadge verdict=verdict/> })}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ParamsMap decodes through js_sys, which has no native implementation, so
    // the tests read the state through `from_lookup`.
    fn state_of(pairs: &[(&str, &str)]) -> ListState {
        ListState::from_lookup(|name| pairs.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| *v))
    }

    #[test]
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
        assert_eq!(state.tz, TimeDisplay::Utc);
        let url = state.page_url();
        let query = url.strip_prefix("/sessions?").unwrap_or_default();
        let pairs = sps_core::parse_query_string(query);
        let back = ListState::from_lookup(|name| {
            pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
        });
        assert_eq!(back, state);
    }

    #[test]
    fn junk_in_the_url_is_ignored() {
        let state = state_of(&[("sort", "password"), ("offset", "-3"), ("range", "1y")]);
        assert_eq!(state, ListState::default());
        assert_eq!(state.page_url(), "/sessions");
    }

    #[test]
    fn header_click_toggles_and_resets_paging() {
        let state = state_of(&[("sort", "duration"), ("offset", "100")]);
        let next = state.toggled_sort("duration");
        assert_eq!((next.sort.as_str(), next.offset), ("-duration", 0));
        assert_eq!(next.toggled_sort("duration").sort, "duration");
        assert_eq!(state.toggled_sort("verdict").sort, "verdict");
    }

    #[test]
    fn api_query_asks_for_the_list_fields() {
        let state = state_of(&[("sort", "-start_time"), ("offset", "50")]);
        let query = state.search().map(|s| s.to_query_string()).unwrap_or_default();
        assert!(query.contains("limit=50"), "{query}");
        assert!(query.contains("offset=50"), "{query}");
        assert!(query.contains("sort=-start_time"), "{query}");
        assert!(query.contains("user.gateway_username"), "{query}");
    }

    #[test]
    fn a_custom_range_replaces_the_preset() {
        let state = state_of(&[("range", "24h"), ("start", "2026-11-01"), ("end", "2026-11-20")]);
        assert_eq!(state.range, RangePreset::All);
        assert_eq!(state.page_url(), "/sessions?start=2026-11-01&end=2026-11-20");
        let query = state.search().map(|s| s.to_query_string()).unwrap_or_default();
        assert!(query.contains("start=2026-11-01") && query.contains("end=2026-11-20"), "{query}");
        assert!(state_of(&[("start", "yesterday")]).search().is_err());
        assert_eq!(date_part("2026-11-01T10:00:00Z"), "2026-11-01");
        assert_eq!(date_part("junk"), "");
    }

    #[test]
    fn query_problems_have_a_column() {
        assert_eq!(check_query("protocol:SSH"), None);
        let problem = check_query("protocol:(ssh");
        assert_eq!(problem.map(|p| p.column), Some(10));
        let unknown = check_query("protocl:SSH");
        assert!(unknown.is_some_and(|p| p.column == 1 && p.message.contains("protocol")));
    }
}
