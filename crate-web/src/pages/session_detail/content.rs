//! The detail page's content search: a search in the session's recorded
//! content and its hits, best match first.

use leptos::prelude::*;
use sps_core::model::ContentHit;
use sps_core::ContentSearch;

use super::fields::or_dash;
use super::timeline::secs_since;

use super::tables::{activates, channel_cell, list_state};
use super::util::{time_text, ZoneChoice, DASH};
use super::DetailState;
use crate::api::ApiError;
use crate::components::Loading;

/// The DOM id of a content hit's row.
pub fn hit_row_id(index: usize) -> String {
    format!("hit-{index}")
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
