//! `/alerts?<the list's parameters>`: the alerts of every session the list's
//! search finds, in one table.
//!
//! The URL is the list's ([`ListState`]: `q`, `content`, range or
//! `start`/`end`, `tz`), so the list's "Alerts of these sessions" link and a
//! bookmark mean the same sessions. The page counts them first and asks
//! before fetching the alerts of more than [`model::CONFIRM_SESSIONS`]
//! (one request each at least), then fetches the sessions (`fetch_all`) and
//! their alerts, [`fetch::IN_FLIGHT`] at a time, with a progress bar and a
//! Cancel that keeps what arrived. Filters and grouping by rule, user and
//! server; `j`/`k` move the highlighted row, Enter opens the session's
//! timeline at the alert; exports of the alerts shown.
//!
//! Everything from the API is text: matched content is highlighted by
//! [`crate::highlight`] into text nodes and `<mark>` elements.

mod fetch;
mod model;
mod table;

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sps_core::export::ExportKind;
use sps_core::CancelToken;

use crate::components::export::ExportMenu;
use crate::components::fetch_all::{grouped, FetchProgress};
use crate::components::login_dialog::{LoginDialog, Relogin};
use crate::components::table_keys::{html_element, row_shortcuts};
use crate::components::{ErrorPanel, TopBar};
use crate::list_state::{ListState, RangePreset};
use crate::pages::sessions::tz_buttons;
use fetch::{Phase, Sink};
use model::{shown_order, Dim, Filter};
use table::{alerts_table, export_alerts, failures_view, filter_select, group_select};

/// The alerts page.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let state = Memo::new(move |_| query.with(ListState::from_query));
    let data_key = Memo::new(move |_| state.with(ListState::data_key));
    let tz = Memo::new(move |_| state.with(|s| s.tz));
    let sink = Sink {
        phase: RwSignal::new(Phase::Counting),
        sessions: RwSignal::new(Vec::new()),
        done: RwSignal::new(0),
        alerts: RwSignal::new(Vec::new()),
        failed: RwSignal::new(Vec::new()),
        run: RwSignal::new(None),
        relogin: RwSignal::new(Relogin::Hidden),
        cancel: StoredValue::new(CancelToken::new()),
        generation: StoredValue::new(0),
    };
    // The zone choice stays on this page: only `tz` changes, so nothing is
    // fetched again.
    let go = Callback::new(move |next: ListState| {
        navigate(&next.alerts_url(), NavigateOptions::default());
    });
    let filter = RwSignal::new(Filter::default());
    let group = RwSignal::new(None::<Dim>);
    let highlight = RwSignal::new(None::<usize>);
    let export_note = RwSignal::new(None::<(bool, String)>);

    // A new search starts over (the zone alone only re-renders).
    Effect::new(move |_| {
        let key = data_key.get();
        filter.set(Filter::default());
        fetch::start(sink, key, false);
    });
    on_cleanup(move || sink.cancel.get_value().cancel());

    // The alerts in arrival order, shared by the table and the selects
    // without copying them for each.
    let items = Memo::new(move |_| Arc::new(sink.alerts.get()));
    let order = Memo::new(move |_| {
        let items = items.get();
        Arc::new(filter.with(|f| shown_order(&items, f, group.get())))
    });
    Effect::new(move |_| {
        order.track();
        highlight.set(None);
    });
    shortcuts(order, highlight, sink.relogin);

    let status = move || status_line(sink);
    let on_export = Callback::new(move |kind: ExportKind| {
        if let Some(menu) = html_element("#export-menu") {
            let _ = menu.remove_attribute("open");
        }
        let result = export_alerts(
            kind,
            &items.get_untracked(),
            &order.get_untracked(),
            tz.get_untracked(),
        );
        export_note.set(Some(match result {
            Ok(name) => (true, format!("Saved {name}")),
            Err(e) => (false, format!("Export failed: {e}")),
        }));
    });
    let busy = Signal::derive(move || {
        matches!(
            sink.phase.get(),
            Phase::Counting | Phase::FindingSessions | Phase::FetchingAlerts
        )
    });
    // The toolbar is built once there are alerts and then only updates its
    // parts: rebuilding it with every change would take the focus away from
    // the select being used.
    let has_items = Memo::new(move |_| sink.alerts.with(|a| !a.is_empty()));
    let toolbar = move || {
        if !has_items.get() {
            return match sink.phase.get() {
                Phase::Done | Phase::Cancelled => Some(
                    view! { <div class="state state-empty" data-testid="no-alerts">"No alerts in these sessions."</div> }
                        .into_any(),
                ),
                _ => None,
            };
        }
        let filters = Dim::ALL
            .into_iter()
            .map(|d| filter_select(d, items, filter))
            .collect_view();
        let shown = move || order.with(|o| o.len());
        Some(view! {
            <div class="toolbar alerts-toolbar">
                <div class="filters" role="group" aria-label="Filter and group the alerts">
                    {filters}
                    {group_select(group)}
                </div>
                <p class="summary">
                    <span id="alert-count" data-count=move || shown().to_string()>{move || grouped(shown() as u64)}</span>
                    {move || format!(" of {} alerts shown", grouped(items.with(|i| i.len()) as u64))}
                    <span class="muted">" · "<kbd>"j"</kbd>" / "<kbd>"k"</kbd>" move, "<kbd>"Enter"</kbd>" opens the timeline"</span>
                </p>
                <div class="toolbar-right">
                    {move || state.with(|s| tz_buttons(s, go))}
                    <ExportMenu on_export=on_export busy=busy/>
                    {move || export_note.get().map(|(ok, text)| view! {
                        <span id="export-status" class=if ok { "export-status done" } else { "export-status failed" } role="status">{text}</span>
                    })}
                </div>
            </div>
        }
        .into_any())
    };
    let table = move || {
        has_items
            .get()
            .then(|| alerts_table(items.get(), order.get(), group.get(), tz.get(), highlight))
    };

    view! {
        <TopBar/>
        <main class="page page-detail page-alerts">
            <div class="page-head">
                <h1>"Alerts"</h1>
                <span class="page-head-right">
                    <a id="alerts-back" class="btn" href=move || state.with(ListState::page_url)>"Back to the session list"</a>
                </span>
            </div>
            <p id="alerts-search" class="muted">{move || state.with(search_text)}</p>
            <div id="alerts-status" class="alerts-status" role="status" aria-live="polite"
                data-phase=move || phase_name(&sink.phase.get())
                data-alerts=move || sink.alerts.with(Vec::len).to_string()
                data-done=move || sink.done.get().to_string()
                data-total=move || sink.sessions.with(Vec::len).to_string()>
                {status}
            </div>
            <FetchProgress run=sink.run/>
            {move || confirm_view(sink, state)}
            {move || error_view(sink, state)}
            {failures_view(sink)}
            {toolbar}
            {table}
            <LoginDialog state=sink.relogin/>
        </main>
    }
}

/// A stable name for the phase (`data-phase`, for tests and styling).
fn phase_name(phase: &Phase) -> &'static str {
    match phase {
        Phase::Counting => "counting",
        Phase::Confirm(_) => "confirm",
        Phase::FindingSessions => "sessions",
        Phase::FetchingAlerts => "alerts",
        Phase::Done => "done",
        Phase::Cancelled => "cancelled",
        Phase::Failed(_) => "failed",
    }
}

/// What the search is, in words (the page is about its sessions).
fn search_text(state: &ListState) -> String {
    let mut parts = Vec::new();
    if !state.q.is_empty() {
        parts.push(format!("query {}", crate::format::clip(&state.q, 200)));
    }
    if !state.content.is_empty() {
        parts.push(format!(
            "content {}",
            crate::format::clip(&state.content, 200)
        ));
    }
    if !state.start.is_empty() || !state.end.is_empty() {
        parts.push(format!(
            "from {} to {}",
            or_any(&state.start),
            or_any(&state.end)
        ));
    } else if state.range != RangePreset::All {
        parts.push(state.range.label().to_lowercase());
    }
    if parts.is_empty() {
        "Sessions: all of them.".to_owned()
    } else {
        format!("Sessions: {}.", parts.join(", "))
    }
}

/// A range bound, or "any time" when open.
fn or_any(bound: &str) -> &str {
    if bound.is_empty() {
        "any time"
    } else {
        bound
    }
}

/// The status line, with the alerts' progress bar and Cancel while they come.
fn status_line(sink: Sink) -> impl IntoView {
    let total = sink.sessions.with(Vec::len);
    let done = sink.done.get();
    let alerts = sink.alerts.with(Vec::len);
    let failed = sink.failed.with(Vec::len);
    let failed_text = if failed > 0 {
        format!(", {} failed (listed below)", grouped(failed as u64))
    } else {
        String::new()
    };
    match sink.phase.get() {
        Phase::Counting => view! { <span>"Counting the sessions of this search…"</span> }.into_any(),
        Phase::Confirm(_) => view! { <span>"Waiting for your choice."</span> }.into_any(),
        Phase::FindingSessions => view! { <span>"Finding the sessions of this search…"</span> }.into_any(),
        Phase::FetchingAlerts => {
            let label = format!(
                "Fetching alerts: {} of {} sessions, {} alerts so far{failed_text}",
                grouped(done as u64),
                grouped(total as u64),
                grouped(alerts as u64)
            );
            view! {
                <div id="alerts-progress" class="fetch-progress">
                    <progress max=total.max(1).to_string() value=done.to_string() aria-label="Sessions whose alerts were fetched"></progress>
                    <span class="fetch-label">{label}</span>
                    <button id="alerts-cancel" type="button" class="btn btn-small" on:click=move |_| sink.cancel_run()>"Cancel"</button>
                </div>
            }
            .into_any()
        }
        Phase::Done => view! {
            <span>{format!("{} alerts in {} sessions{failed_text}.", grouped(alerts as u64), grouped(total as u64))}</span>
        }
        .into_any(),
        Phase::Cancelled => view! {
            <span>{format!(
                "Cancelled: {} alerts from {} of {} sessions are shown{failed_text}.",
                grouped(alerts as u64), grouped(done as u64), grouped(total as u64)
            )}</span>
        }
        .into_any(),
        Phase::Failed(_) => view! { <span>"The search failed (see below)."</span> }.into_any(),
    }
}

/// The question before fetching the alerts of a large search.
fn confirm_view(sink: Sink, state: Memo<ListState>) -> impl IntoView {
    let Phase::Confirm(n) = sink.phase.get() else {
        return None;
    };
    let n = grouped(n);
    Some(view! {
        <div id="alerts-confirm" class="state state-empty" data-testid="alerts-confirm">
            <strong>{format!("This search has {n} sessions; fetching their alerts makes {n} requests.")}</strong>
            <p>"Narrow the search by score or time on the session list, or continue."</p>
            <div class="actions">
                <a class="btn" href=state.with_untracked(ListState::page_url)>"Narrow the search"</a>" "
                <button id="alerts-continue" type="button" class="btn btn-primary"
                    on:click=move |_| fetch::start(sink, state.get_untracked().data_key(), true)>
                    {format!("Continue with {n} sessions")}
                </button>
            </div>
        </div>
    })
}

/// The search's own failure, with a retry.
fn error_view(sink: Sink, state: Memo<ListState>) -> impl IntoView {
    let Phase::Failed(e) = sink.phase.get() else {
        return None;
    };
    let retry =
        Callback::new(move |()| fetch::start(sink, state.get_untracked().data_key(), false));
    Some(view! {
        <ErrorPanel title="Could not find the sessions of this search" message=e.to_string()
            kind=e.kind_code() retry=retry/>
    })
}

/// `j`/`k` move the highlighted alert, Enter opens its timeline.
fn shortcuts(
    order: Memo<Arc<Vec<u32>>>,
    highlight: RwSignal<Option<usize>>,
    relogin: RwSignal<Relogin>,
) {
    row_shortcuts(
        move || order.with_untracked(|o| o.len()),
        highlight,
        relogin,
        "#alerts-table tr.is-highlighted a.alert-open",
        |_| {},
    );
}
