//! The detail page's alerts table: the matched part of each alert
//! highlighted by a linear-time engine ([`crate::highlight`]), long texts
//! highlighted a few per frame, the full alert on demand.

use leptos::prelude::*;
use sps_core::export::SessionContext;
use sps_core::Alert;

use super::fields::or_dash;
use super::timeline::{relative, secs_since};
use std::sync::Arc;

use super::tables::{activates, channel_cell, export_buttons, list_state};
use super::util::{defer, time_text, ZoneChoice, DASH};
use super::DetailState;
use crate::api::ApiError;
use crate::components::marked::segments_view;
use crate::components::virtual_table::virtual_table;
use crate::format::{prefix_chars, visible, MAX_TEXT_CHARS};
use crate::highlight::{highlight, take_chars, Segment};

/// The DOM id of an alert's row.
pub fn alert_row_id(index: usize) -> String {
    format!("alert-{index}")
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

/// Characters of a long text shown in a table cell (it scrolls inside its
/// fixed-height row); the selected row's whole text is shown under the table.
/// Laying out 20,000 characters per cell for every row scrolled into view
/// would cost more than a frame.
pub(super) const CELL_CHARS: usize = 400;

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
