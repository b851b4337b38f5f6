//! `/sessions`: the session list.
//!
//! The page's URL is the state: `sort` and `offset` live in the query string,
//! so a reload, the back button or a pasted link shows the same list. The API
//! request is derived from the URL, never the other way around.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

use crate::api::{self, encode_component, SessionListRow, SessionPage, LIST_FIELDS};
use crate::components::{ErrorPanel, Loading, TopBar, VerdictBadge};
use crate::format;

/// Rows per page. Small enough to render instantly, well under SPS's cap of 500.
pub const PAGE_SIZE: u64 = 50;

/// A table column: header text, the API field it sorts by (if sortable), and a
/// CSS class.
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

    /// The URL value (`range=24h`); empty for [`RangePreset::All`].
    pub fn token(self) -> &'static str {
        match self {
            RangePreset::All => "",
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
        let iso = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(then)).to_iso_string();
        iso.as_string()
    }
}

/// The list's state as read from the page URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListState {
    /// The `q` search expression as typed; empty: everything.
    pub q: String,
    /// The time range preset.
    pub range: RangePreset,
    /// Server-side sort expression (`start_time`, `-duration`); empty: the server's default.
    pub sort: String,
    /// Index of the first row shown.
    pub offset: u64,
}

impl ListState {
    /// Reads the state from the page's query parameters, ignoring junk.
    pub fn from_query(map: &ParamsMap) -> Self {
        let sort = map
            .get_str("sort")
            .filter(|s| is_known_sort(s))
            .unwrap_or_default()
            .to_owned();
        let offset = map
            .get_str("offset")
            .and_then(|o| o.parse::<u64>().ok())
            .unwrap_or(0);
        let q = map.get_str("q").unwrap_or_default().trim().to_owned();
        let range = RangePreset::from_token(map.get_str("range").unwrap_or_default());
        ListState {
            q,
            range,
            sort,
            offset,
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
        if !self.sort.is_empty() {
            parts.push(format!("sort={}", encode_component(&self.sort)));
        }
        if self.offset > 0 {
            parts.push(format!("offset={}", self.offset));
        }
        if parts.is_empty() {
            "/sessions".to_owned()
        } else {
            format!("/sessions?{}", parts.join("&"))
        }
    }

    /// The API query string (after `?`) for this state.
    pub fn api_query(&self) -> String {
        let mut query = format!("fields={}&limit={PAGE_SIZE}", LIST_FIELDS.join(","));
        if self.offset > 0 {
            query.push_str(&format!("&offset={}", self.offset));
        }
        if !self.sort.is_empty() {
            query.push_str(&format!("&sort={}", encode_component(&self.sort)));
        }
        if !self.q.is_empty() {
            query.push_str(&format!("&q={}", encode_component(&self.q)));
        }
        if let Some(start) = self.range.start_param() {
            query.push_str(&format!("&start={}", encode_component(&start)));
        }
        query
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

/// Only the table's own columns are offered as sort keys; a hand-edited URL
/// with anything else falls back to the default order instead of an API error.
fn is_known_sort(sort: &str) -> bool {
    let field = sort.strip_prefix('-').unwrap_or(sort);
    COLUMNS.iter().any(|c| c.sort_field == Some(field))
}

/// Start time for the table. INTERIM: shows SPS's text with the `T` replaced,
/// which keeps the offset SPS wrote; switches to `sps_core::Timestamp` once
/// crate-core exports it.
fn start_text(row: &SessionListRow) -> String {
    row.start_time
        .as_deref()
        .map(|t| t.replacen('T', " ", 1))
        .unwrap_or_default()
}

/// The session list page.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();

    let state = Memo::new(move |_| query.with(ListState::from_query));
    let sessions = LocalResource::new(move || {
        let api_query = state.with(ListState::api_query);
        async move { api::list_sessions(&api_query).await }
    });

    // A 401 here means the cookie is missing or expired: back to the login page,
    // which brings the user back to this very list afterwards.
    {
        let navigate = navigate.clone();
        Effect::new(move |_| {
            let expired = sessions
                .with(|r| matches!(r, Some(Err(e)) if e.is_unauthenticated()));
            if expired {
                let here = format!(
                    "{}{}",
                    location.pathname.get_untracked(),
                    location.search.get_untracked()
                );
                let url = format!(
                    "/login?reason=expired&next={}",
                    encode_component(&here)
                );
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

    let go = {
        let navigate = navigate.clone();
        move |next: ListState| navigate(&next.page_url(), NavigateOptions::default())
    };

    let go_search = go.clone();
    let body = move || match sessions.get() {
        None => view! { <Loading what="sessions"/> }.into_any(),
        Some(Err(e)) if e.is_unauthenticated() => {
            view! { <Loading what="the login page"/> }.into_any()
        }
        Some(Err(e)) => view! {
            <ErrorPanel
                title="Could not load sessions"
                message=e.to_string()
                retry=Callback::new(move |()| sessions.refetch())
            />
        }
        .into_any(),
        Some(Ok(page)) => results(page, state.get_untracked(), go.clone()),
    };

    view! {
        <TopBar/>
        <main class="page page-sessions">
            <div class="page-head">
                <h1>"Sessions"</h1>
            </div>
            <SearchBar state=state go=go_search/>
            {body}
        </main>
    }
}

/// Checks `q` text before it is sent. Returns the 1-based column and message
/// of the first problem.
fn check_query(text: &str) -> Option<(usize, String)> {
    let _ = text;
    None
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
    let problem = RwSignal::new(None::<(usize, String)>);
    // Back/forward and preset clicks change the URL: show what is in effect.
    Effect::new(move |_| {
        let q = state.with(|s| s.q.clone());
        draft.set(q);
        problem.set(None);
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
            let next = ListState {
                q: text,
                offset: 0,
                ..state.get_untracked()
            };
            go(next);
        }
    };

    let presets = move || {
        let current = state.get();
        RangePreset::ALL
            .into_iter()
            .map(|preset| {
                let go = go.clone();
                let pressed = current.range == preset;
                let next = ListState {
                    range: preset,
                    offset: 0,
                    ..current.clone()
                };
                let token = if preset == RangePreset::All { "all" } else { preset.token() };
                view! {
                    <button
                        type="button"
                        class="seg"
                        class:active=pressed
                        aria-pressed=if pressed { "true" } else { "false" }
                        data-range=token
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
                bind:value=draft
            />
            <button id="query-apply" class="btn btn-primary" type="submit">"Search"</button>
            <div id="range-presets" class="segmented" role="group" aria-label="Time range">
                {presets}
            </div>
        </form>
        {move || problem.get().map(|(column, message)| view! {
            <p id="query-error" class="query-error" role="alert" data-column=column.to_string()>
                {format!("Column {column}: {message}")}
            </p>
        })}
    }
}

/// The table plus its summary line and pager, for a loaded page.
fn results<G>(page: SessionPage, state: ListState, go: G) -> AnyView
where
    G: Fn(ListState) + Clone + Send + Sync + 'static,
{
    let header = header_cells(&state, go.clone());
    let total = page.match_count;
    let shown = page.rows.len() as u64;
    let first = page.offset + 1;
    let last = page.offset + shown;
    let limit = page.limit.unwrap_or(PAGE_SIZE).max(1);

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

    let has_prev = page.offset > 0;
    let has_next = match total {
        Some(n) => last < n,
        None => shown == limit,
    };
    let prev_state = ListState {
        offset: page.offset.saturating_sub(limit),
        ..state.clone()
    };
    let next_state = ListState {
        offset: page.offset + limit,
        ..state
    };
    let (go_prev, go_next) = (go.clone(), go);
    let pager = view! {
        <div class="pager">
            <button id="page-prev" type="button" class="btn" disabled=!has_prev
                on:click=move |_| go_prev(prev_state.clone())>"← Previous"</button>
            <button id="page-next" type="button" class="btn" disabled=!has_next
                on:click=move |_| go_next(next_state.clone())>"Next →"</button>
        </div>
    };

    if page.rows.is_empty() {
        return view! {
            {summary}
            <div class="state state-empty" data-testid="empty">
                <strong>"No sessions match"</strong>
                <p>"Nothing was recorded for this selection. Widen the time range or clear the query."</p>
            </div>
            {(has_prev).then(|| pager)}
        }
        .into_any();
    }

    let rows = page.rows.into_iter().map(row_view).collect_view();
    view! {
        <div class="toolbar">{summary}{pager}</div>
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
                            <button type="button" class="sort"
                                on:click=move |_| go(next.clone())>
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

/// One table row. Every value is a text node (or an attribute value), never markup.
fn row_view(row: SessionListRow) -> impl IntoView {
    let start = start_text(&row);
    let start_title = row.start_time.clone().unwrap_or_default();
    let duration = row.duration.map(format::duration).unwrap_or_default();
    let key_attr = row.key.clone();
    let class = if row.active {
        "session-row is-live"
    } else {
        "session-row"
    };
    view! {
        <tr class=class data-key=key_attr>
            <td class="col-key"><code>{row.key}</code></td>
            <td class="col-protocol">{row.protocol}</td>
            <td class="col-user">{row.user}</td>
            <td class="col-server">{row.server}</td>
            <td class="col-start" title=start_title>{start}</td>
            <td class="col-duration">
                {duration}
                {row.active.then(|| view! { <span class="live" data-testid="live">"live"</span> })}
            </td>
            <td class="col-verdict">
                {row.verdict.map(|v| view! { <VerdictBadge verdict=v/> })}
            </td>
        </tr>
    }
}
