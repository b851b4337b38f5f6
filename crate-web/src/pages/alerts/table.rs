//! The alerts page's result: the filter and group selects with their counts,
//! the export menu, the virtualised table of alerts and the list of sessions
//! whose alerts could not be fetched.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use sps_core::export::{
    export_file_name, write_detail_rows_csv, write_detail_rows_json, ExportKind, JsonFormat,
};
use sps_core::{CsvOptions, Timestamp};

use super::fetch::{retry, Failure, Sink};
use super::model::{counts, group_starts, AlertItem, Dim, Filter};
use crate::components::export::download_bytes;
use crate::components::marked::segments_view;
use crate::components::virtual_table::virtual_table;
use crate::components::zone::ListZone;
use crate::format::{clip, prefix_chars, visible};
use crate::highlight::highlight;

/// Characters of the matched content highlighted and shown in a row (the
/// row scrolls inside its fixed height; the session's page has the rest).
/// Highlighting is linear in the text, and a row's text is cut first, so a
/// long alert costs no more than a short one.
const CELL_CHARS: usize = 400;

/// The DOM id of the alert shown at position `index`.
pub fn alert_row_id(index: usize) -> String {
    format!("alert-row-{index}")
}

/// What a select shows for an empty value (an alert without a rule name, a
/// session without a user).
fn shown_value(value: &str) -> String {
    if value.is_empty() {
        "(none)".to_owned()
    } else {
        clip(&visible(value), 80)
    }
}

/// The filter select of `dim`: "All" and every value with its count (among
/// the alerts the other selects leave). An option's value is `=` and the
/// value, so that an empty value differs from "All".
pub fn filter_select(
    dim: Dim,
    items: Memo<Arc<Vec<AlertItem>>>,
    filter: RwSignal<Filter>,
) -> impl IntoView {
    let id = format!("filter-{}", dim.token());
    let options = move || {
        let current = filter.get();
        let chosen = current.get(dim).map(str::to_owned);
        let values = items.with(|items| counts(items, dim, &current));
        let total: usize = values.iter().map(|(_, n)| n).sum();
        let all = view! { <option value="" selected=chosen.is_none()>{format!("All ({total})")}</option> };
        let rest = values
            .into_iter()
            .map(|(value, n)| {
                let selected = chosen.as_deref() == Some(value.as_str());
                let label = format!("{} ({n})", shown_value(&value));
                view! { <option value=format!("={value}") selected=selected data-count=n.to_string()>{label}</option> }
            })
            .collect_view();
        view! { {all}{rest} }
    };
    let change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let chosen = value.strip_prefix('=').map(str::to_owned);
        filter.update(|f| *f = f.with(dim, chosen));
    };
    view! {
        <span class="filter-field">
            <label for=id.clone()>{dim.label()}</label>
            <select id=id on:change=change>{options}</select>
        </span>
    }
}

/// The "Group by" select.
pub fn group_select(group: RwSignal<Option<Dim>>) -> impl IntoView {
    let change = move |ev: leptos::ev::Event| group.set(Dim::from_token(&event_target_value(&ev)));
    let options = move || {
        let current = group.get();
        let none =
            view! { <option value="" selected=current.is_none()>"Nothing (by time)"</option> };
        let dims = Dim::ALL
            .into_iter()
            .map(|d| view! { <option value=d.token() selected=current == Some(d)>{d.label()}</option> })
            .collect_view();
        view! { {none}{dims} }
    };
    view! {
        <span class="filter-field">
            <label for="group-by">"Group by"</label>
            <select id="group-by" on:change=change>{options}</select>
        </span>
    }
}

/// Writes the alerts shown, in the order shown, as `kind` with sps-core's
/// per-session writers (the session's columns on every row; CSV
/// spreadsheet-safe, times in the page's zone), and offers the file.
pub fn export_alerts(
    kind: ExportKind,
    items: &[AlertItem],
    order: &[u32],
    tz: ListZone,
) -> Result<String, String> {
    let rows = order
        .iter()
        .filter_map(|&i| items.get(i as usize))
        .map(|item| (&item.session.context, &item.alert));
    let written = match kind {
        ExportKind::Csv => {
            // The defaults keep the formula guard on: alert text is typed
            // by the audited users.
            let options = CsvOptions {
                time: tz.time_format(),
                ..CsvOptions::default()
            };
            write_detail_rows_csv(Vec::new(), rows, &options)
        }
        ExportKind::Json => write_detail_rows_json(Vec::new(), rows, JsonFormat::Array),
        ExportKind::Ndjson => write_detail_rows_json(Vec::new(), rows, JsonFormat::Lines),
    };
    let bytes = written.map_err(|e| e.to_string())?;
    let now = Timestamp::from_unix_millis(js_sys::Date::now() as i64)
        .ok_or("the browser's clock is out of range")?
        .instant();
    // sps-core's naming, with what the file holds.
    let name = export_file_name(kind, &now).replacen("sps-sessions-", "sps-alerts-", 1);
    download_bytes(&name, kind.mime_type(), &bytes)?;
    Ok(name)
}

/// The table of the alerts at `order`, highlighted row `highlight`, group
/// heads where a group of `group` starts.
pub fn alerts_table(
    items: Arc<Vec<AlertItem>>,
    order: Arc<Vec<u32>>,
    group: Option<Dim>,
    tz: ListZone,
    highlight: RwSignal<Option<usize>>,
) -> impl IntoView {
    let total = order.len();
    let starts: Arc<BTreeMap<usize, (String, usize)>> = Arc::new(match group {
        Some(dim) => group_starts(&items, &order, dim),
        None => BTreeMap::new(),
    });
    let row = move |i: usize| {
        let item = order.get(i).and_then(|&n| items.get(n as usize))?;
        let head = starts.get(&i).cloned();
        Some(alert_row(item, i, tz, head, highlight))
    };
    let head = view! {
        <th class="col-time">"Time"</th>
        <th class="col-session">"Session"</th>
        <th class="col-rule">"Rule"</th>
        <th class="col-content">"Matched content"</th>
        <th class="col-open">"Open"</th>
    };
    virtual_table(
        "alerts-table",
        total,
        head,
        row,
        Arc::new(alert_row_id),
        highlight,
    )
}

fn alert_row(
    item: &AlertItem,
    index: usize,
    tz: ListZone,
    group_head: Option<(String, usize)>,
    lit_row: RwSignal<Option<usize>>,
) -> impl IntoView {
    let alert = &item.alert;
    let session = &item.session;
    let time = alert
        .time
        .as_ref()
        .map(|t| tz.format(t))
        .unwrap_or_else(|| "—".to_owned());
    let raw = alert.matched_content.as_deref().unwrap_or_default();
    let (preview, more) = prefix_chars(raw, CELL_CHARS);
    let (segments, _) = highlight(preview, alert.matched_regexp.as_deref().unwrap_or_default());
    let marked = segments.iter().any(|s| s.mark);
    let more = (more > 0).then(|| format!("… ({more} more characters)"));
    let link = item.detail_link(tz);
    let who = format!(
        "{} → {}",
        shown_value(&session.user),
        shown_value(&session.server)
    );
    // The visible text starts the accessible name (WCAG 2.5.3).
    let open_label = format!(
        "Timeline of session {} at this alert",
        clip(&session.key, 40)
    );
    let lit = move || lit_row.get() == Some(index);
    let group_view = group_head.map(|(value, n)| {
        let label = format!(
            "{} · {n} {}",
            shown_value(&value),
            if n == 1 { "alert" } else { "alerts" }
        );
        view! { <div class="group-head" data-group=value>{label}</div> }
    });
    view! {
        <tr id=alert_row_id(index) class="alert-row" class:is-highlighted=lit class:selected=lit
            data-index=index.to_string() data-key=session.key.clone()
            data-rule=item.rule().to_owned() data-highlighted=if marked { "true" } else { "false" }
            on:click=move |_| lit_row.set(Some(index))>
            <td class="col-time"><div class="vcell">{group_view}{time}</div></td>
            <td class="col-session">
                <div class="vcell">
                    <span class="who">{who}</span>" "
                    <span class="pill">{shown_value(&session.protocol)}</span>
                    <div class="muted small"><code>{clip(&session.key, 60)}</code></div>
                </div>
            </td>
            <td class="col-rule">{shown_value(item.rule())}</td>
            <td class="col-content">
                <div class="vcell"><code class="text matched-content">{segments_view(segments)}{more}</code></div>
            </td>
            // A full page load (`rel="external"`): the detail page reads its
            // `#t=` moment when it starts.
            <td class="col-open"><a class="alert-open" rel="external" href=link aria-label=open_label>"Timeline"</a></td>
        </tr>
    }
}

/// The sessions whose alerts could not be fetched, each with its error and
/// a Retry.
pub fn failures_view(sink: Sink) -> impl IntoView {
    move || {
        let failed: Vec<Failure> = sink.failed.get();
        if failed.is_empty() {
            return None;
        }
        let count = failed.len();
        let items = failed
            .into_iter()
            .map(|f| {
                let session = f.session.clone();
                view! {
                    <li class="failed-session" data-key=f.session.key.clone()>
                        <code>{clip(&f.session.key, 60)}</code>" "
                        <span class="who">{shown_value(&f.session.user)}</span>": "
                        <span class="error-message">{clip(&f.error, 500)}</span>" "
                        <button type="button" class="btn btn-small retry"
                            on:click=move |_| retry(sink, session.clone())>"Retry"</button>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section id="alerts-failed" class="card panel" data-count=count.to_string() role="alert">
                <h2>{format!("Alerts of {count} {} could not be fetched", if count == 1 { "session" } else { "sessions" })}</h2>
                <ul class="failed-list">{items}</ul>
            </section>
        })
    }
}
