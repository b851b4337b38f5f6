//! The two ways the list shows a result: a server page (count, pager, the
//! offer to fetch everything) and every row loaded (count, client-side sort).

use crate::api::spawn_local;
use leptos::prelude::*;
use sps_core::client::TotalSource;
use sps_core::request::MAX_OFFSET;
use sps_core::{Collection, SessionRow, SortKey};

use super::ctx::{Ctx, ExactCount};
use super::loaded::Loaded;
use super::toolbar::{export_controls, fetch_button, tz_buttons};
use crate::api;
use crate::components::columns::ColumnChooser;
use crate::components::fetch_all::grouped;
use crate::components::session_table::{SessionTable, TableRows};
use crate::list_state::{ListState, PAGE_SIZE};

/// A server page of the list: summary, pager, the offer to fetch everything.
pub(super) fn paged_view(
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
                <a id="stats-link" class="btn" href=crate::pages::stats::params::stats_url(&state)
                    title="Top values and the flow of sessions for this search">"Statistics"</a>
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
pub(super) fn loaded_view(
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
