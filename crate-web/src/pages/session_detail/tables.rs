//! The detail page's lists: events (with their own `q` filter), alerts (the
//! matched part highlighted), content-search hits, indexing, trail downloads,
//! and the per-session exports.

use leptos::prelude::*;
use sps_core::export::{
    detail_file_name, write_details_csv, write_details_json, DetailItem, ExportKind, JsonFormat,
    SessionContext,
};
use sps_core::model::{ContentHit, EventTypeKind, Indexing, TrailDownload};
use sps_core::{Alert, Catalogue, ContentSearch, CsvOptions, Event, EventSearch, Timestamp};

use super::fields::{or_dash, yes_no};
use super::timeline::{relative, secs_since};
use std::sync::Arc;

use super::util::{defer, download_bytes, time_text, ZoneChoice, DASH};
use super::vtable::virtual_table;
use super::DetailState;
use crate::api::ApiError;
use crate::components::{ErrorPanel, Loading};
use crate::format::{prefix_chars, visible, MAX_TEXT_CHARS};
use crate::highlight::{highlight, take_chars, Segment};
use crate::pages::sessions::{check_query_in, query_problem_view, QueryProblem};

/// Enter or Space on a focused row selects it, as a click does.
fn activates(ev: &web_sys::KeyboardEvent) -> bool {
    let key = ev.key();
    if key == "Enter" || key == " " {
        ev.prevent_default();
        true
    } else {
        false
    }
}

/// The DOM id of an event's row: by record id, else by position.
pub fn event_row_id(event: &Event, index: usize) -> String {
    match event.record_id {
        Some(id) => format!("event-{id}"),
        None => format!("event-n{index}"),
    }
}

/// The DOM id of an alert's row.
pub fn alert_row_id(index: usize) -> String {
    format!("alert-{index}")
}

/// The DOM id of a content hit's row.
pub fn hit_row_id(index: usize) -> String {
    format!("hit-{index}")
}

/// The events filter in effect: the typed `q` and the type select.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// `q` as typed (checked before it is applied).
    pub q: String,
    /// An event type (`command`, ...); empty: all.
    pub kind: String,
}

impl EventFilter {
    /// The request: `q` combined with `type:"<kind>"`, parsed and checked by crate-core.
    pub fn search(&self) -> Result<EventSearch, sps_core::Error> {
        let q = self.q.trim();
        let text = match (q.is_empty(), self.kind.is_empty()) {
            (true, true) => return Ok(EventSearch::new()),
            (false, true) => q.to_owned(),
            (true, false) => format!("type:\"{}\"", self.kind),
            (false, false) => format!("({q}) AND type:\"{}\"", self.kind),
        };
        EventSearch::new().with_q_text(&text)
    }
}

/// Parses and validates an events `q` with crate-core's parser and the events catalogue.
pub fn check_event_query(text: &str) -> Option<QueryProblem> {
    if text.trim().is_empty() {
        return None;
    }
    check_query_in(text, Catalogue::events())
}

/// The event types the select offers (crate-core's spellings).
const EVENT_TYPES: &[EventTypeKind] = &[
    EventTypeKind::Command,
    EventTypeKind::WindowTitle,
    EventTypeKind::ScreenContent,
    EventTypeKind::ScreenWindowtitle,
    EventTypeKind::ScreenCreditcard,
    EventTypeKind::FileTransfer,
    EventTypeKind::HttpRequest,
];

/// Shows a list's loading or error state (with `retry`), or `ok` for its items.
fn list_state<T, V>(
    what: &'static str,
    value: Option<Result<Vec<T>, ApiError>>,
    retry: Callback<()>,
    ok: impl FnOnce(Vec<T>) -> V,
) -> AnyView
where
    V: IntoView + 'static,
{
    match value {
        None => view! { <Loading what=what/> }.into_any(),
        Some(Err(e)) if e.is_unauthenticated() => {
            view! { <Loading what="the login page"/> }.into_any()
        }
        Some(Err(e)) => view! {
            <ErrorPanel title=format!("Could not load {what}") message=e.to_string()
                kind=e.kind_code() retry=retry/>
        }
        .into_any(),
        Some(Ok(items)) => ok(items).into_any(),
    }
}

/// Writes a per-session export and offers it as a download.
fn export<T: DetailItem>(
    kind: ExportKind,
    context: &SessionContext,
    items: &[T],
) -> Result<String, String> {
    let bytes = match kind {
        ExportKind::Csv => {
            write_details_csv(Vec::new(), context, items.iter(), &CsvOptions::default())
        }
        ExportKind::Json => {
            write_details_json(Vec::new(), context, items.iter(), JsonFormat::Array)
        }
        ExportKind::Ndjson => {
            write_details_json(Vec::new(), context, items.iter(), JsonFormat::Lines)
        }
    }
    .map_err(|e| e.to_string())?;
    let now = Timestamp::from_unix_millis(js_sys::Date::now() as i64)
        .ok_or("the browser's clock is out of range")?
        .instant();
    let name = detail_file_name(kind, &context.key, T::KIND, &now);
    download_bytes(&name, kind.mime_type(), &bytes)?;
    Ok(name)
}

/// "Export CSV / JSON" buttons for one list. `items` gives the list when loaded.
pub fn export_buttons<T, F>(
    context: SessionContext,
    items: F,
    testid: &'static str,
) -> impl IntoView
where
    T: DetailItem + 'static,
    F: Fn() -> Option<Vec<T>> + Clone + Send + Sync + 'static,
{
    let message = RwSignal::new(None::<Result<String, String>>);
    let context = StoredValue::new(context);
    let run = move |kind: ExportKind, items: &F| {
        let result = match items() {
            Some(list) => context.with_value(|c| export(kind, c, &list)),
            None => Err("the list has not loaded yet".to_owned()),
        };
        message.set(Some(result));
    };
    let (items_csv, items_json) = (items.clone(), items);
    view! {
        <span class="export" data-export=testid>
            <span class="muted">"Export"</span>
            <button type="button" class="btn btn-sm" data-format="csv"
                on:click=move |_| run(ExportKind::Csv, &items_csv)>"CSV"</button>
            <button type="button" class="btn btn-sm" data-format="json"
                on:click=move |_| run(ExportKind::Json, &items_json)>"JSON"</button>
            {move || message.get().map(|m| match m {
                Ok(name) => view! { <span class="export-note muted" data-file=name.clone()>{format!("Saved {name}")}</span> }.into_any(),
                Err(e) => view! { <span class="export-note error-text" role="alert">{format!("Export failed: {e}")}</span> }.into_any(),
            })}
        </span>
    }
}

/// The events table with its filter.
#[component]
pub fn EventsPanel(
    /// The events for the filter in effect.
    events: LocalResource<Result<Vec<Event>, ApiError>>,
    /// The filter in effect (changing it refetches).
    filter: RwSignal<EventFilter>,
    /// Shared page state.
    state: DetailState,
    /// For exports.
    context: SessionContext,
    /// Channel key → lane label, for the channel column.
    channel_names: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let draft = RwSignal::new(filter.get_untracked().q);
    let kind = RwSignal::new(filter.get_untracked().kind);
    let problem = Memo::new(move |_| draft.with(|d| check_event_query(d)));
    let apply = move || {
        if problem.get_untracked().is_some() {
            return;
        }
        filter.set(EventFilter {
            q: draft.get_untracked().trim().to_owned(),
            kind: kind.get_untracked(),
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        apply();
    };
    let on_kind = move |ev: leptos::ev::Event| {
        kind.set(event_target_value(&ev));
        apply();
    };
    let clear = move |_| {
        draft.set(String::new());
        kind.set(String::new());
        filter.set(EventFilter::default());
    };
    let options = EVENT_TYPES
        .iter()
        .map(|k| {
            let value = k.canonical();
            view! { <option value=value>{value}</option> }
        })
        .collect_view();
    let export_items = move || events.get().and_then(|r| r.ok());
    let filtered = move || filter.with(|f| !f.q.is_empty() || !f.kind.is_empty());

    // The events table's row to scroll to (by index), set from `state.reveal_event`.
    let reveal = RwSignal::new(None::<usize>);
    let table = move || {
        let zone = state.zone.get();
        list_state(
            "events",
            events.get(),
            Callback::new(move |()| events.refetch()),
            |items: Vec<Event>| {
                if items.is_empty() {
                    let text = if filtered() {
                        "No event matches this filter."
                    } else {
                        "No events were extracted from this session (events need indexing)."
                    };
                    return view! {
                    <p class="summary small"><span id="event-count" data-count="0">"0"</span>" events"</p>
                    <div class="state state-empty small" data-testid="no-events">{text}</div>
                }
                .into_any();
                }
                let names = Arc::new(channel_names.get());
                let count = items.len();
                let items = Arc::new(items);
                let ids = items.clone();
                let row_id = Arc::new(move |i: usize| {
                    ids.get(i).map(|ev| event_row_id(ev, i)).unwrap_or_default()
                });
                // A row to reveal (`#event=`, a timeline click): its index here.
                let positions = items.clone();
                Effect::new(move |_| {
                    let Some(id) = state.reveal_event.get() else {
                        return;
                    };
                    if let Some(i) = positions
                        .iter()
                        .enumerate()
                        .position(|(i, ev)| event_row_id(ev, i) == id)
                    {
                        reveal.set(Some(i));
                    }
                });
                let full = items.clone();
                let pane = move || {
                    let id = state.selected_event.get()?;
                    let (i, ev) = full
                        .iter()
                        .enumerate()
                        .find(|(i, ev)| event_row_id(ev, *i) == id)?;
                    let content = crate::format::shown(&or_dash(ev.content.clone()));
                    Some(view! {
                        <div id="event-full" class="full-text" data-index=i.to_string()>
                            <div class="muted small">{format!("Event {} · content", or_dash(ev.record_id))}</div>
                            <code class="text">{content}</code>
                        </div>
                    })
                };
                let row = move |i: usize| {
                    items
                        .get(i)
                        .map(|ev| event_row(ev.clone(), i, zone, state, &names))
                };
                let head = view! {
                    <th>"Time"</th><th>"Type"</th><th>"Channel"</th><th class="num">"Record"</th><th>"Action"</th><th>"Content"</th>
                };
                view! {
                <p class="summary small"><span id="event-count" data-count=count.to_string()>{count.to_string()}</span>{if count == 1 { " event" } else { " events" }}</p>
                {virtual_table("events-table", count, head, row, row_id, reveal)}
                {pane}
            }
            .into_any()
            },
        )
    };

    view! {
        <section class="card panel" id="events">
            <header class="panel-head">
                <h2>"Events"</h2>
                <span class="grow"></span>
                {export_buttons(context, export_items, "events")}
            </header>
            <form class="filterbar" on:submit=on_submit role="search" aria-label="Filter events">
                <input
                    id="events-q"
                    type="search"
                    class="query-input"
                    class:invalid=move || problem.with(Option::is_some)
                    placeholder="Filter, e.g. content:sudo OR (type:command AND content:rm*)"
                    autocomplete="off"
                    spellcheck="false"
                    aria-label="Events query"
                    aria-describedby="events-q-error"
                    bind:value=draft
                />
                <select id="events-type" aria-label="Event type" on:change=on_kind prop:value=move || kind.get()>
                    <option value="">"All types"</option>
                    {options}
                </select>
                <button id="events-apply" class="btn btn-primary" type="submit" disabled=move || problem.with(Option::is_some)>"Filter"</button>
                <button type="button" class="btn" on:click=clear disabled=move || !filtered() && draft.with(String::is_empty)>"Clear"</button>
            </form>
            {move || problem.get().map(|p| query_problem_view("events-q-error", draft.get_untracked(), &p))}
            {table}
        </section>
    }
}

fn channel_cell(id: Option<String>, names: &[(String, String)]) -> (String, String) {
    match id {
        Some(id) => {
            let name = names
                .iter()
                .find(|(k, _)| *k == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            (format!("#{id}"), name)
        }
        None => (DASH.to_owned(), String::new()),
    }
}

fn event_row(
    ev: Event,
    index: usize,
    zone: ZoneChoice,
    state: DetailState,
    names: &[(String, String)],
) -> impl IntoView {
    let row_id = event_row_id(&ev, index);
    let t = ev.time.as_ref().map(|t| secs_since(state.origin_ms, t));
    let time = time_text(ev.time.as_ref(), zone);
    let time_title = match (ev.time.as_ref(), t) {
        (Some(ts), Some(s)) => format!(
            "{} · {} · as sent: {}",
            relative(s),
            ts.format_in(zone.zone()),
            visible(&ts.original())
        ),
        _ => String::new(),
    };
    let (channel, channel_title) =
        channel_cell(ev.channels_id.as_ref().map(|c| c.to_string()), names);
    let kind = or_dash(ev.event_type.as_ref().map(|k| k.as_str().to_owned()));
    let record = or_dash(ev.record_id);
    // A preview in the cell; the selected event's whole content is under the table.
    let action = crate::format::clip(&or_dash(ev.action.clone()), CELL_CHARS);
    let content = crate::format::clip(&or_dash(ev.content.clone()), CELL_CHARS);
    let id_for_class = row_id.clone();
    let id_for_click = row_id.clone();
    let selected = move || state.selected_event.get().as_deref() == Some(id_for_class.as_str());
    let id_for_key = id_for_click.clone();
    let on_click = move |_| state.select_event(id_for_click.clone(), t, false);
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if activates(&ev) {
            state.select_event(id_for_key.clone(), t, false);
        }
    };
    view! {
        <tr id=row_id class="event-row" class:selected=selected data-record-id=ev.record_id.map(|r| r.to_string())
            tabindex="0" on:click=on_click on:keydown=on_key>
            <td class="col-time" title=time_title>{time}</td>
            <td class="col-kind"><span class="pill">{kind}</span></td>
            <td class="col-channel" title=channel_title>{channel}</td>
            <td class="num">{record}</td>
            <td class="col-action"><div class="vcell"><code class="text">{action}</code></div></td>
            <td class="col-content"><div class="vcell"><code class="text event-content">{content}</code></div></td>
        </tr>
    }
}

/// The alerts table.
#[component]
pub fn AlertsPanel(
    /// The alerts.
    alerts: LocalResource<Result<Vec<Alert>, ApiError>>,
    /// Shared page state.
    state: DetailState,
    /// For exports.
    context: SessionContext,
    /// Channel key → lane label.
    channel_names: Signal<Vec<(String, String)>>,
    /// Selects alert `i` (row highlight, cursor, scroll).
    on_select: Callback<usize>,
) -> impl IntoView {
    let export_items = move || alerts.get().and_then(|r| r.ok());
    let table = move || {
        let zone = state.zone.get();
        list_state(
            "alerts",
            alerts.get(),
            Callback::new(move |()| alerts.refetch()),
            |items: Vec<Alert>| {
                if items.is_empty() {
                    return view! {
                    <p class="summary small"><span id="alert-count" data-count="0">"0"</span>" alerts"</p>
                    <div class="state state-empty small" data-testid="no-alerts">"No alerts were raised in this session."</div>
                }
                .into_any();
                }
                let names = Arc::new(channel_names.get());
                let count = items.len();
                let items = Arc::new(items);
                let full = items.clone();
                let pane = move || {
                    let i = state.selected_alert.get()?;
                    full.get(i).map(|alert| alert_full_view(alert, i))
                };
                let row = move |i: usize| {
                    items
                        .get(i)
                        .map(|alert| alert_row(alert, i, zone, state, &names, on_select))
                };
                let head = view! {
                    <th>"Time"</th><th>"Rule"</th><th>"Type"</th><th>"Channel"</th><th class="num">"Record"</th><th>"Matched content"</th><th>"Expression"</th>
                };
                view! {
                <p class="summary small">
                    <span id="alert-count" data-count=count.to_string()>{count.to_string()}</span>
                    {if count == 1 { " alert" } else { " alerts" }}
                    <span class="muted">" · press "<kbd>"n"</kbd>" / "<kbd>"p"</kbd>" for the next / previous alert"</span>
                </p>
                {virtual_table("alerts-table", count, head, row, Arc::new(alert_row_id), state.reveal_alert)}
                {pane}
            }
            .into_any()
            },
        )
    };
    view! {
        <section class="card panel" id="alerts">
            <header class="panel-head">
                <h2>"Alerts"</h2>
                <span class="grow"></span>
                {export_buttons(context, export_items, "alerts")}
            </header>
            {table}
        </section>
    }
}

/// Texts up to this many bytes are highlighted as the row is built; longer
/// ones a moment later, a few per frame (see [`defer`]), so that a long table
/// of long texts never holds up a frame.
const HIGHLIGHT_NOW_BYTES: usize = 2_000;

/// The matched content as text nodes, the matches inside `<mark>`; marks
/// and plain pieces alike have their hidden characters made visible.
fn segments_view(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|s| {
            let text = visible(&s.text);
            if s.mark {
                view! { <mark class="match">{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
}

/// Characters of a long text shown in a table cell (it scrolls inside its
/// fixed-height row); the selected row's whole text is shown under the table.
/// Laying out 20,000 characters per cell for every row scrolled into view
/// would cost more than a frame.
const CELL_CHARS: usize = 400;

/// The highlighting of `text` by `pattern`: done now for a short text,
/// else soon (see [`defer`]); `None` until done.
type Highlighting = RwSignal<Option<(Vec<Segment>, Option<String>)>>;

fn highlighting(text: &str, pattern: &str) -> Highlighting {
    let result: Highlighting = RwSignal::new(None);
    if text.len() <= HIGHLIGHT_NOW_BYTES {
        result.set(Some(highlight(text, pattern)));
    } else {
        let (text, pattern) = (text.to_owned(), pattern.to_owned());
        defer(move || {
            // Scrolled away before its turn: nothing to do.
            if !result.is_disposed() {
                let _ = result.try_set(Some(highlight(&text, &pattern)));
            }
        });
    }
    result
}

/// "… (N more characters)" for `n` > 0.
fn more_text(n: usize) -> Option<String> {
    (n > 0).then(|| format!("… ({n} more characters)"))
}

/// The selected alert's whole matched content (up to [`MAX_TEXT_CHARS`]),
/// highlighted, under the table.
fn alert_full_view(alert: &Alert, index: usize) -> impl IntoView {
    let raw = alert.matched_content.as_deref().unwrap_or_default();
    let (head, more) = prefix_chars(raw, MAX_TEXT_CHARS);
    let result = highlighting(head, alert.matched_regexp.as_deref().unwrap_or_default());
    let plain = visible(head);
    let body = move || match result.get() {
        Some((segments, _)) => segments_view(segments).into_any(),
        None => plain.clone().into_any(),
    };
    view! {
        <div id="alert-full" class="full-text" data-index=index.to_string()>
            <div class="muted small">{format!("Alert {} · matched content", index + 1)}</div>
            <code class="text">{body}{more_text(more)}</code>
        </div>
    }
}

fn alert_row(
    alert: &Alert,
    index: usize,
    zone: ZoneChoice,
    state: DetailState,
    names: &[(String, String)],
    on_select: Callback<usize>,
) -> impl IntoView {
    let time = time_text(alert.time.as_ref(), zone);
    let time_title = alert
        .time
        .as_ref()
        .map(|t| {
            format!(
                "{} · as sent: {}",
                relative(secs_since(state.origin_ms, t)),
                visible(&t.original())
            )
        })
        .unwrap_or_default();
    let (channel, channel_title) =
        channel_cell(alert.channel_id.as_ref().map(|c| c.to_string()), names);
    // The pattern runs over the raw text (cut to what is shown), so that a
    // hidden character it looks for is found; the marks are added after.
    let raw = alert.matched_content.as_deref().unwrap_or_default();
    let (head, more) = prefix_chars(raw, MAX_TEXT_CHARS);
    let regexp = alert.matched_regexp.clone().unwrap_or_default();
    // Run over everything shown, previewed in the cell.
    let result = highlighting(head, &regexp);
    let (preview, past_preview) = prefix_chars(head, CELL_CHARS);
    let rest = more_text(past_preview + more);
    let plain = visible(preview);
    let empty = raw.is_empty();
    let status = move || {
        result.with(|r| match r {
            None => "pending",
            Some((segments, _)) if segments.iter().any(|s| s.mark) => "true",
            Some((_, Some(_))) => "unsupported",
            Some(_) => "false",
        })
    };
    let content = move || {
        if empty {
            return DASH.into_any();
        }
        match result.get() {
            Some((segments, _)) => segments_view(take_chars(segments, CELL_CHARS).0).into_any(),
            None => plain.clone().into_any(),
        }
    };
    let note = move || {
        result
            .with(|r| r.as_ref().and_then(|(_, note)| note.clone()))
            .map(|n| view! { <div class="muted small pattern-note" role="note">{n}</div> })
    };
    let selected = move || state.selected_alert.get() == Some(index);
    let action = alert.matched_action.as_deref().map(visible);
    let regexp_text = if regexp.is_empty() {
        DASH.to_owned()
    } else {
        crate::format::clip(&regexp, 2_000)
    };
    view! {
        <tr id=alert_row_id(index) class="alert-row" class:selected=selected
            data-record-id=alert.record_id.map(|r| r.to_string())
            data-highlighted=status
            tabindex="0" on:click=move |_| on_select.run(index)
            on:keydown=move |ev| if activates(&ev) { on_select.run(index) }>
            <td class="col-time" title=time_title>{time}</td>
            <td class="col-rule">{or_dash(alert.rule_name.clone())}</td>
            <td><span class="pill">{or_dash(alert.alert_type.clone())}</span></td>
            <td class="col-channel" title=channel_title>{channel}</td>
            <td class="num">{or_dash(alert.record_id)}</td>
            <td class="col-content">
                <div class="vcell">
                    <code class="text matched-content">{content}{rest}</code>
                    {note}
                    {action.map(|a| view! { <div class="muted small action-line">"Action: "<code class="text">{a}</code></div> })}
                </div>
            </td>
            <td class="col-regexp"><code class="text regexp">{regexp_text}</code></td>
        </tr>
    }
}

/// Content search inside the session.
#[component]
pub fn ContentPanel(
    /// The search in effect (`None`: none yet).
    search: RwSignal<Option<ContentSearch>>,
    /// Its hits, ranked.
    hits: LocalResource<Option<Result<Vec<ContentHit>, ApiError>>>,
    /// Shared page state.
    state: DetailState,
    /// Channel key → lane label.
    channel_names: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            error.set(None);
            search.set(None);
            return;
        }
        // crate-core refuses what SPS refuses (empty, a leading `*`).
        match ContentSearch::new(text.trim()) {
            Ok(s) => {
                error.set(None);
                search.set(Some(s));
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let results = move || {
        let zone = state.zone.get();
        match hits.get() {
            None => view! { <Loading what="content hits"/> }.into_any(),
            Some(None) => view! {
                <p class="muted small">"Search the text that appeared on screen or was typed (SPS's content index). Hits are placed on the timeline."</p>
            }
            .into_any(),
            Some(Some(result)) => list_state("content hits", Some(result), Callback::new(move |()| hits.refetch()), |items: Vec<ContentHit>| {
                if items.is_empty() {
                    return view! {
                        <p class="summary small"><span id="hit-count" data-count="0">"0"</span>" hits"</p>
                        <div class="state state-empty small" data-testid="no-hits">"No content matches (or the session has no indexed content)."</div>
                    }
                    .into_any();
                }
                let names = channel_names.get();
                let count = items.len();
                let rows = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, hit)| hit_row(hit, i, zone, state, &names))
                    .collect_view();
                view! {
                    <p class="summary small"><span id="hit-count" data-count=count.to_string()>{count.to_string()}</span>{if count == 1 { " hit" } else { " hits" }}", best first"</p>
                    <div class="table-wrap scroll-y short">
                        <table id="hits-table" class="data detail-table">
                            <thead><tr><th class="num">"Rank"</th><th>"Channel"</th><th>"Appeared"</th><th>"Disappeared"</th><th>"Screens"</th><th>"Trail"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }),
        }
    };
    view! {
        <section class="card panel" id="content-search">
            <header class="panel-head"><h2>"Search in the session's content"</h2></header>
            <form class="filterbar" on:submit=on_submit role="search" aria-label="Search content">
                <input id="content-q" type="search" class="query-input" class:invalid=move || error.with(Option::is_some)
                    placeholder="Words on screen or typed, e.g. passwd" autocomplete="off" spellcheck="false"
                    aria-label="Content search" bind:value=draft on:input=move |_| error.set(None)/>
                <button id="content-apply" class="btn btn-primary" type="submit">"Search"</button>
            </form>
            {move || error.get().map(|e| view! { <div id="content-q-error" class="query-error" role="alert">{e}</div> })}
            {results}
        </section>
    }
}

fn hit_row(
    hit: ContentHit,
    index: usize,
    zone: ZoneChoice,
    state: DetailState,
    names: &[(String, String)],
) -> impl IntoView {
    let (channel, channel_title) =
        channel_cell(hit.channel_id.as_ref().map(|c| c.to_string()), names);
    let t = hit
        .start_time
        .as_ref()
        .map(|t| secs_since(state.origin_ms, t));
    let start = time_text(hit.start_time.as_ref(), zone);
    let end = time_text(hit.end_time.as_ref(), zone);
    let rank = hit
        .rank
        .map(|r| format!("{r:.2}"))
        .unwrap_or_else(|| DASH.to_owned());
    let screens = hit
        .record_id
        .map(|r| {
            format!(
                "{}–{} (best {})",
                or_dash(r.begin),
                or_dash(r.end),
                or_dash(r.for_screenshot)
            )
        })
        .unwrap_or_else(|| DASH.to_owned());
    let selected = move || state.selected_hit.get() == Some(index);
    view! {
        <tr id=hit_row_id(index) class="hit-row" class:selected=selected tabindex="0"
            on:click=move |_| state.select_hit(index, t)
            on:keydown=move |ev| if activates(&ev) { state.select_hit(index, t) }>
            <td class="num">{rank}</td>
            <td title=channel_title>{channel}</td>
            <td class="col-time">{start}</td>
            <td class="col-time">{end}</td>
            <td>{screens}</td>
            <td>{or_dash(hit.trail_id.as_ref())}</td>
        </tr>
    }
}

/// Indexing status and configuration.
#[component]
pub fn IndexingPanel(
    /// The indexing records.
    indexing: LocalResource<Result<Vec<Indexing>, ApiError>>,
    /// The zone times are shown in.
    zone: ReadSignal<ZoneChoice>,
) -> impl IntoView {
    let body = move || {
        let zone = zone.get();
        list_state(
            "indexing details",
            indexing.get(),
            Callback::new(move |()| indexing.refetch()),
            |items: Vec<Indexing>| {
                if items.is_empty() {
                    return view! { <p class="muted small" data-testid="no-indexing">"No indexing records for this session."</p> }.into_any();
                }
                items
                .into_iter()
                .map(|ix| {
                    let config = ix.config.clone().unwrap_or_default();
                    let stats = ix.statistics.clone().unwrap_or_default();
                    let version = ix.version.clone().unwrap_or_default();
                    let status = or_dash(ix.status.clone());
                    let status_class = match ix.status.as_deref() {
                        Some("COMPLETED") => "pill pill-ok",
                        Some("FAILED") | Some("ERROR") => "pill pill-bad",
                        _ => "pill pill-warn",
                    };
                    let on = |b: Option<bool>| yes_no(b);
                    let langs = config
                        .ocr_languages
                        .as_ref()
                        .filter(|l| !l.is_empty())
                        .map(|l| l.join(", "));
                    view! {
                        <dl class="compact" data-testid="indexing">
                            <div class="kv"><dt>"Status"</dt><dd><span class=status_class>{status}</span></dd></div>
                            <div class="kv"><dt>"Started"</dt><dd>{time_text(stats.start_time.as_ref(), zone)}</dd></div>
                            <div class="kv"><dt>"Duration"</dt><dd>{or_dash(stats.duration.map(|d| format!("{d} s")))}</dd></div>
                            <div class="kv"><dt>"CPU time"</dt><dd>{or_dash(stats.cpu_time.map(|d| format!("{d} s")))}</dd></div>
                            <div class="kv"><dt>"Commands"</dt><dd>{on(config.command.and_then(|t| t.enabled))}</dd></div>
                            <div class="kv"><dt>"Window titles"</dt><dd>{on(config.title.and_then(|t| t.enabled))}</dd></div>
                            <div class="kv"><dt>"Screen (OCR)"</dt><dd>{on(config.screen.as_ref().and_then(|t| t.enabled))}
                                {config.screen.as_ref().and_then(|s| s.omnipage_trade_off.clone()).map(|t| view! { <span class="muted">{format!(" · {t}")}</span> })}</dd></div>
                            <div class="kv"><dt>"OCR languages"</dt><dd>{or_dash(langs)}</dd></div>
                            <div class="kv"><dt>"Keyboard"</dt><dd>{on(config.keyboard.and_then(|t| t.enabled))}</dd></div>
                            <div class="kv"><dt>"Mouse"</dt><dd>{on(config.mouse.and_then(|t| t.enabled))}</dd></div>
                            <div class="kv"><dt>"Near real-time"</dt><dd>{on(config.near_realtime)}</dd></div>
                            <div class="kv"><dt>"Versions"</dt><dd>{format!("adp {} · worker {}", or_dash(version.adp), or_dash(version.worker))}</dd></div>
                        </dl>
                    }
                })
                .collect_view()
                .into_any()
            },
        )
    };
    view! {
        <section class="card panel" id="indexing">
            <header class="panel-head"><h2>"Indexing"</h2></header>
            {body}
        </section>
    }
}

/// Who downloaded the audit trail, when and from where.
#[component]
pub fn DownloadsPanel(
    /// The downloads.
    downloads: LocalResource<Result<Vec<TrailDownload>, ApiError>>,
    /// The zone times are shown in.
    zone: ReadSignal<ZoneChoice>,
) -> impl IntoView {
    let body = move || {
        let zone = zone.get();
        list_state(
            "trail downloads",
            downloads.get(),
            Callback::new(move |()| downloads.refetch()),
            |items: Vec<TrailDownload>| {
                if items.is_empty() {
                    return view! { <p class="muted small" data-testid="no-downloads">"Nobody has downloaded this audit trail."</p> }.into_any();
                }
                let rows = items
                    .into_iter()
                    .map(|d| {
                        let via = match d.from_api {
                            Some(true) => "API",
                            Some(false) => "web interface",
                            None => DASH,
                        };
                        view! {
                            <tr>
                                <td>{or_dash(d.username.clone())}</td>
                                <td class="col-time">{time_text(d.time.as_ref(), zone)}</td>
                                <td>{or_dash(d.ip_address.clone())}</td>
                                <td>{via}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                <table id="downloads-table" class="data detail-table">
                    <thead><tr><th>"User"</th><th>"Time"</th><th>"From"</th><th>"Via"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
            },
        )
    };
    view! {
        <section class="card panel" id="trail-downloads">
            <header class="panel-head"><h2>"Trail downloads"</h2></header>
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_type_select_joins_the_query() {
        let text = |f: EventFilter| f.search().map(|s| s.to_query_string()).unwrap_or_default();
        assert_eq!(text(EventFilter::default()), "");
        let kind_only = EventFilter {
            q: String::new(),
            kind: "command".into(),
        };
        assert!(text(kind_only).starts_with("q=type%3A"));
        let both = EventFilter {
            q: "content:sudo OR content:su".into(),
            kind: "screen.content".into(),
        };
        let rendered = text(both);
        assert!(rendered.contains("AND"), "{rendered}");
        assert!(rendered.contains("screen.content"), "{rendered}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn problems_point_at_a_column() {
        assert_eq!(check_event_query(""), None);
        assert_eq!(check_event_query("content:sudo"), None);
        let problem = check_event_query("content:(sudo");
        assert!(problem.is_some());
        let unknown = check_event_query("type:command AND nosuch:x");
        assert_eq!(unknown.map(|p| p.column), Some(18));
        // `action` is listed by SPS but cannot be filtered on.
        assert!(check_event_query("action:ls").is_some());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn row_ids_use_the_record_id() {
        let ev = Event {
            record_id: Some(46),
            ..Event::default()
        };
        assert_eq!(event_row_id(&ev, 3), "event-46");
        assert_eq!(event_row_id(&Event::default(), 3), "event-n3");
    }
}
