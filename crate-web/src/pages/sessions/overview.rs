//! What the list says about the whole result above the table: the summary
//! chips (counts per protocol, verdict, ...) and the sessions-over-time
//! histogram. Counted by the appliance while paged, from the rows once all
//! are loaded.

use leptos::prelude::*;

use super::ctx::Ctx;
use crate::components::histogram::{self, from_appliance, iso, HistogramChart};
use crate::components::session_table::TableRows;
use crate::components::summary_chips::{
    add_condition, count_rows, fetch_buckets, Buckets, SummaryChips,
};
use crate::list_state::{ListState, RangePreset};

/// The chips and the chart, as one view (they sit side by side, with no
/// wrapper), and the known values per field for the query bar's completion.
/// `page_rows` is the server page shown, counted when the appliance has no
/// `stats` endpoint.
pub(super) fn overview(
    ctx: Ctx,
    is_offline: Memo<bool>,
    page_rows: Memo<Option<TableRows>>,
) -> (Memo<Buckets>, impl IntoView) {
    let Ctx {
        state,
        go,
        current,
        data_key,
        ..
    } = ctx;
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
            Some(Some(Err(e))) if !e.is_auth() => page_rows.get().map(|rows| {
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

    // Sessions over time: the appliance's histogram (or its counts) while paged,
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
        histogram_paged.get().flatten().map(|(data, source)| {
            view! { <HistogramChart data=data source=source on_range=on_range/> }
        })
    };

    (known_values, (chips, chart))
}
