//! The detail page's events table: its own `q` filter and type select
//! (checked with crate-core's events catalogue), the virtualised rows and
//! their DOM ids (`event-<record_id>`, which `#event=` deep links name).

use leptos::prelude::*;
use sps_core::export::SessionContext;
use sps_core::model::EventTypeKind;
use sps_core::{Catalogue, Event, EventSearch};

use super::fields::or_dash;
use super::timeline::{relative, secs_since};
use std::sync::Arc;

use super::alerts::CELL_CHARS;
use super::tables::{activates, channel_cell, export_buttons, list_state};
use super::util::{time_text, ZoneChoice};
use super::DetailState;
use crate::api::ApiError;
use crate::components::virtual_table::virtual_table;
use crate::format::visible;
use crate::pages::sessions::{check_query_in, query_problem_view, QueryProblem};

/// The DOM id of an event's row: by record id, else by position.
pub fn event_row_id(event: &Event, index: usize) -> String {
    match event.record_id {
        Some(id) => format!("event-{id}"),
        None => format!("event-n{index}"),
    }
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
