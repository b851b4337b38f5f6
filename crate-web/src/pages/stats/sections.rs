//! The two sections of the statistics page: the top values of one field
//! (bars), and the flow through two or three fields (picture and table).
//! Each has its pickers, its status area (loading, errors) and a CSV export.

use leptos::prelude::*;
use sps_core::model::StatsReply;

use super::params::{
    counts_csv, filter_url, flow_rows, stat_fields, CountRow, StatsParams, FLOW_SIZE, SIZES,
};
use super::{error_text, login_url, search_of};
use crate::api::{self, ApiError};
use crate::components::export::download_bytes;
use crate::components::fetch_all::grouped;
use crate::components::flow::{build_flow, value_text, FlowChart, FlowData, FlowPick};
use crate::components::{ErrorPanel, Loading};
use crate::format;
use crate::list_state::ListState;

/// The `<option>`s of a field picker, `selected` marking the current one.
fn field_options(selected: &str) -> impl IntoView {
    stat_fields()
        .into_iter()
        .map(|f| {
            let is = f.name == selected;
            view! { <option value=f.name selected=is>{format!("{} ({})", f.title, f.name)}</option> }
        })
        .collect_view()
}

/// The status area of a section after a failed request: the error, and a
/// login link when the appliance asks for one.
fn failed(error: &ApiError, params: Memo<StatsParams>) -> AnyView {
    let (title, message) = error_text(error);
    let login = error.is_auth().then(|| {
        let href = params.with_untracked(login_url);
        view! { <p><a href=href>"Log in"</a></p> }
    });
    view! {
        <ErrorPanel title=title message=message kind=error.kind_code()/>
        {login}
    }
    .into_any()
}

/// Offers `rows` as a CSV download named `name`; the outcome goes to `note`.
fn export_csv(rows: &[CountRow], bands: bool, name: &str, note: RwSignal<Option<String>>) {
    let result = counts_csv(rows, bands).and_then(|bytes| download_bytes(name, "text/csv", &bytes));
    note.set(Some(match result {
        Ok(()) => format!("Exported {} rows to {name}.", rows.len()),
        Err(e) => format!("Export failed: {e}"),
    }));
}

/// The top values of one field: a field and a size picker, then one row per
/// value with an SVG bar, its count and a link to the list filtered by it.
pub(super) fn top_section(params: Memo<StatsParams>, go: Callback<StatsParams>) -> impl IntoView {
    let key = Memo::new(move |_| params.with(|p| (p.list.data_key(), p.field.clone(), p.size)));
    let top = LocalResource::new(move || {
        let (list, field, size) = key.get();
        async move {
            let search = search_of(&list)?;
            api::stats_by(&field, None, &search, size).await
        }
    });
    let note = RwSignal::new(None::<String>);
    let set_field = move |ev: leptos::ev::Event| {
        let field = event_target_value(&ev);
        go.run(StatsParams {
            field,
            ..params.get_untracked()
        });
    };
    let set_size = move |ev: leptos::ev::Event| {
        if let Ok(size) = event_target_value(&ev).parse::<u32>() {
            go.run(StatsParams {
                size,
                ..params.get_untracked()
            });
        }
    };
    let size_options = move || {
        let current = params.with(|p| p.size);
        SIZES
            .into_iter()
            .map(|n| view! { <option value=n.to_string() selected=n == current>{n.to_string()}</option> })
            .collect_view()
    };
    let body = move || match top.get() {
        None => view! { <Loading what="the top values"/> }.into_any(),
        Some(Err(e)) => failed(&e, params),
        Some(Ok(reply)) => {
            let (list, field) = params.with_untracked(|p| (p.list.clone(), p.field.clone()));
            top_rows(&reply, &list, &field, note).into_any()
        }
    };
    view! {
        <section class="stats-section" aria-labelledby="top-heading">
            <h2 id="top-heading">"Top values"</h2>
            <div class="stats-pickers">
                <label for="stats-field">"Field"</label>
                <select id="stats-field" on:change=set_field>
                    {move || field_options(&params.with(|p| p.field.clone()))}
                </select>
                <label for="stats-size">"Values"</label>
                <select id="stats-size" on:change=set_size>{size_options}</select>
            </div>
            <div id="top-status" class="stats-status">{body}</div>
            {move || note.get().map(|t| view! { <p class="export-status done" role="status">{t}</p> })}
        </section>
    }
}

/// The rows of the top values, or a line saying there are none.
fn top_rows(
    reply: &StatsReply,
    list: &ListState,
    field: &str,
    note: RwSignal<Option<String>>,
) -> impl IntoView {
    let values: Vec<(String, u64)> = reply
        .items
        .iter()
        .filter_map(|i| Some((value_text(&i.value)?, i.count)))
        .collect();
    if values.is_empty() {
        return view! {
            <p id="top-empty" class="state state-empty" role="status">
                {format!("No session of this search has a value of {field}.")}
            </p>
        }
        .into_any();
    }
    let max = values.iter().map(|v| v.1).max().unwrap_or(1).max(1);
    let others = reply.meta.as_ref().and_then(|m| m.others).unwrap_or(0);
    let rows: Vec<CountRow> = values
        .iter()
        .map(|(value, count)| CountRow {
            field: field.to_owned(),
            value: value.clone(),
            to_field: String::new(),
            to_value: String::new(),
            count: *count,
        })
        .collect();
    let items = values
        .into_iter()
        .map(|(value, count)| {
            let href = filter_url(list, &[(field.to_owned(), value.clone())]);
            let width = count as f64 / max as f64 * 100.0;
            view! {
                <li class="top-row" data-value=value.clone() data-count=count.to_string()>
                    <a class="top-link" href=href title=format!("Show the sessions with {field} = this value")>
                        {format::visible(&value)}
                    </a>
                    <svg class="top-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                        <rect x="0" y="0" height="10" width=format!("{width:.2}")></rect>
                    </svg>
                    <span class="top-count">{grouped(count)}</span>
                </li>
            }
        })
        .collect_view();
    let status = format!(
        "{} values of {field}{}.",
        rows.len(),
        if others > 0 {
            format!("; {} more occurrences in other values", grouped(others))
        } else {
            String::new()
        }
    );
    let file = format!("spsview-top-{field}.csv");
    view! {
        <p id="top-summary" class="muted" role="status">{status}</p>
        <ol id="top-values" class="top-values" aria-label=format!("Top values of {field}")>{items}</ol>
        <button id="top-export" type="button" class="btn btn-small"
            on:click=move |_| export_csv(&rows, false, &file, note)>"Export CSV"</button>
    }
    .into_any()
}

/// Asks `stats` of each flow field by the next one.
async fn fetch_flow(list: ListState, fields: Vec<String>) -> Result<FlowData, ApiError> {
    let search = search_of(&list)?;
    let mut replies = Vec::with_capacity(fields.len());
    for pair in fields.windows(2) {
        replies.push(api::stats_by(&pair[0], Some(&pair[1]), &search, FLOW_SIZE).await?);
    }
    Ok(build_flow(&fields, &replies))
}

/// The flow through two or three fields: the pickers, the picture, and the
/// same counts as a table of links (what keyboards and screen readers use).
pub(super) fn flow_section(
    params: Memo<StatsParams>,
    go: Callback<StatsParams>,
    pick: Callback<FlowPick>,
) -> impl IntoView {
    let key = Memo::new(move |_| params.with(|p| (p.list.data_key(), p.flow.clone())));
    let flow = LocalResource::new(move || {
        let (list, fields) = key.get();
        fetch_flow(list, fields)
    });
    let note = RwSignal::new(None::<String>);
    // Picker `i` changed to `name` (empty: no third field).
    let set = move |i: usize, name: String| {
        let mut fields = params.with_untracked(|p| p.flow.clone());
        if name.is_empty() {
            fields.truncate(2);
        } else if i < fields.len() {
            fields[i] = name;
        } else {
            fields.push(name);
        }
        let distinct = fields
            .iter()
            .enumerate()
            .all(|(k, f)| !fields[..k].contains(f));
        if distinct && (2..=3).contains(&fields.len()) {
            note.set(None);
            go.run(StatsParams {
                flow: fields,
                ..params.get_untracked()
            });
        } else {
            note.set(Some("Pick a different field for each column.".to_owned()));
        }
    };
    let picker = move |i: usize, label: &'static str| {
        let id = format!("flow-{i}");
        let options = move || {
            let current = params.with(|p| p.flow.get(i).cloned().unwrap_or_default());
            let none = (i == 2).then(|| {
                view! { <option value="" selected=current.is_empty()>"(none)"</option> }
            });
            view! { {none}{field_options(&current)} }
        };
        view! {
            <label for=id.clone()>{label}</label>
            <select id=id on:change=move |ev| set(i, event_target_value(&ev))>{options}</select>
        }
    };
    let body = move || {
        match flow.get() {
        None => view! { <Loading what="the flow"/> }.into_any(),
        Some(Err(e)) => failed(&e, params),
        Some(Ok(data)) if data.is_empty() => view! {
            <p id="flow-empty" class="state state-empty" role="status">"No session of this search has these fields."</p>
        }
        .into_any(),
        Some(Ok(data)) => flow_view(data, params, pick, note).into_any(),
    }
    };
    view! {
        <section class="stats-section" aria-labelledby="flow-heading">
            <h2 id="flow-heading">"Flow"</h2>
            <div class="stats-pickers">
                {picker(0, "From")}
                {picker(1, "Through")}
                {picker(2, "To")}
            </div>
            <div id="flow-status" class="stats-status">{body}</div>
            {move || note.get().map(|t| view! { <p class="export-status" role="status">{t}</p> })}
        </section>
    }
}

/// The picture, then its table and the export button.
fn flow_view(
    data: FlowData,
    params: Memo<StatsParams>,
    pick: Callback<FlowPick>,
    note: RwSignal<Option<String>>,
) -> impl IntoView {
    let rows = flow_rows(&data);
    let list = params.with_untracked(|p| p.list.clone());
    let caption = format!(
        "Sessions per pair of values, {} (top {FLOW_SIZE} values, each with its top {FLOW_SIZE})",
        data.fields.join(" → ")
    );
    let table_rows = rows
        .iter()
        .map(|r| {
            let from = filter_url(&list, &[(r.field.clone(), r.value.clone())]);
            let to = filter_url(&list, &[(r.to_field.clone(), r.to_value.clone())]);
            let both = filter_url(
                &list,
                &[(r.field.clone(), r.value.clone()), (r.to_field.clone(), r.to_value.clone())],
            );
            view! {
                <tr class="flow-row" data-field=r.field.clone() data-value=r.value.clone()
                    data-to-field=r.to_field.clone() data-to-value=r.to_value.clone()
                    data-count=r.count.to_string()>
                    <td><span class="muted">{format!("{}: ", r.field)}</span>
                        <a href=from>{format::visible(&r.value)}</a></td>
                    <td><span class="muted">{format!("{}: ", r.to_field)}</span>
                        <a href=to>{format::visible(&r.to_value)}</a></td>
                    <td class="num"><a href=both title="Show the sessions with both values">{grouped(r.count)}</a></td>
                </tr>
            }
        })
        .collect_view();
    let file = format!("spsview-flow-{}.csv", data.fields.join("-"));
    view! {
        <FlowChart data=data on_pick=pick/>
        <table id="flow-table" class="data flow-table">
            <caption>{caption}</caption>
            <thead><tr><th scope="col">"From"</th><th scope="col">"To"</th><th scope="col">"Sessions"</th></tr></thead>
            <tbody>{table_rows}</tbody>
        </table>
        <button id="flow-export" type="button" class="btn btn-small"
            on:click=move |_| export_csv(&rows, true, &file, note)>"Export CSV"</button>
    }
}
