//! The search form: the query input with its suggestions, the content
//! search, the time range presets and custom bounds, and the folded
//! query help. Every change goes through the page URL.

use leptos::prelude::*;
use sps_core::{Catalogue, SessionSearch};

use super::query::{check_query, query_problem_view, QueryProblem};
use crate::components::query_assist::{history_suggestions, remember_query, suggest, Suggestion};
use crate::components::summary_chips::Buckets;
use crate::list_state::{ListState, RangePreset};

/// list follows the URL.
#[component]
pub(super) fn SearchBar<G>(
    /// The current state, from the URL.
    state: Memo<ListState>,
    /// Navigates to a new state.
    go: G,
    /// Known values per field (the summary counts), for completion.
    known: Memo<Buckets>,
) -> impl IntoView
where
    G: Fn(ListState) + Clone + Send + Sync + 'static,
{
    let draft = RwSignal::new(state.with_untracked(|s| s.q.clone()));
    let content = RwSignal::new(state.with_untracked(|s| s.content.clone()));
    let content_problem = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<QueryProblem>);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    // Completion: the suggestions for the text typed, and the one chosen by
    // the arrow keys.
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    let active = RwSignal::new(None::<usize>);
    let refresh = move || {
        let text = draft.get_untracked();
        let list = if text.is_empty() {
            history_suggestions()
        } else {
            known.with_untracked(|k| {
                let values = |field: &str| -> Vec<String> {
                    k.iter()
                        .find(|(f, _)| *f == field)
                        .map(|(_, v)| v.iter().map(|(value, _)| value.clone()).collect())
                        .unwrap_or_default()
                };
                suggest(&text, &values)
            })
        };
        suggestions.set(list);
        active.set(None);
    };
    let accept = move |i: usize| {
        let chosen = suggestions.with_untracked(|s| s.get(i).cloned());
        if let Some(chosen) = chosen {
            draft.set(chosen.text);
            problem.set(None);
            refresh();
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
            }
        }
    };
    let on_keys = move |ev: leptos::ev::KeyboardEvent| {
        let n = suggestions.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
            }
            "Tab" => {
                ev.prevent_default();
                accept(active.get_untracked().unwrap_or(0));
            }
            "Enter" => {
                if let Some(i) = active.get_untracked() {
                    ev.prevent_default();
                    accept(i);
                } else {
                    suggestions.set(Vec::new());
                }
            }
            "Escape" => suggestions.set(Vec::new()),
            _ => {}
        }
    };
    // "/" focuses the search box, as in most log and code search tools; typing
    // "/" inside a text field still types it.
    let slash = window_event_listener(leptos::ev::keydown, move |ev| {
        let in_field = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if ev.key() == "/" && !in_field && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() {
            if let Some(input) = input_ref.get_untracked() {
                ev.prevent_default();
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || slash.remove());
    // The URL changed (back/forward, a preset, a pasted link): show the query in
    // effect, and its problem if someone typed a broken one into the address bar.
    Effect::new(move |_| {
        let q = state.with(|s| s.q.clone());
        problem.set(if q.is_empty() { None } else { check_query(&q) });
        draft.set(q);
        content.set(state.with(|s| s.content.clone()));
    });

    let submit = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            suggestions.set(Vec::new());
            let text = draft.get_untracked().trim().to_owned();
            if !text.is_empty() {
                if let Some(found) = check_query(&text) {
                    problem.set(Some(found));
                    return;
                }
            }
            problem.set(None);
            // SPS refuses a content search that starts with a wildcard
            // (crate-core says why); say so here instead of sending it.
            let content_text = content.get_untracked().trim().to_owned();
            if let Err(e) = SessionSearch::new().with_content(&content_text) {
                content_problem.set(Some(e.to_string()));
                return;
            }
            content_problem.set(None);
            remember_query(&text);
            go(ListState {
                q: text,
                content: content_text,
                offset: 0,
                ..state.get_untracked()
            });
        }
    };

    // Custom bounds are a date and a time of day, read in the zone the list
    // shows (UTC for the appliance's zone, which differs per session) and
    // written to the URL as ISO times with their offset; an emptied field
    // removes its bound.
    let set_bound = {
        let go = go.clone();
        move |which: &'static str, value: String| {
            let mut next = ListState {
                range: RangePreset::All,
                offset: 0,
                ..state.get_untracked()
            };
            let value = if value.trim().is_empty() {
                String::new()
            } else {
                match next.tz.input_to_iso(&value) {
                    Some(iso) => iso,
                    // Half-typed: wait for a complete date and time.
                    None => return,
                }
            };
            if which == "start" {
                next.start = value;
            } else {
                next.end = value;
            }
            go(next);
        }
    };
    let set_start = {
        let set_bound = set_bound.clone();
        move |ev: leptos::ev::Event| set_bound("start", event_target_value(&ev))
    };
    let set_end = move |ev: leptos::ev::Event| set_bound("end", event_target_value(&ev));

    let presets = move || {
        let current = state.get();
        RangePreset::ALL
            .into_iter()
            .map(|preset| {
                let go = go.clone();
                let custom = !current.start.is_empty() || !current.end.is_empty();
                let pressed = !custom && current.range == preset;
                let next = ListState {
                    range: preset,
                    start: String::new(),
                    end: String::new(),
                    offset: 0,
                    ..current.clone()
                };
                view! {
                    <button
                        type="button"
                        class="seg"
                        class:active=pressed
                        aria-pressed=if pressed { "true" } else { "false" }
                        data-range=preset.token()
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
                aria-describedby="query-error"
                title="Search (press / to focus)"
                node_ref=input_ref
                bind:value=draft
                on:input=move |_| {
                    problem.set(None);
                    refresh();
                }
                on:focus=move |_| refresh()
                on:blur=move |_| suggestions.set(Vec::new())
                on:keydown=on_keys
                aria-autocomplete="list"
                // Only while the list is there: a reference to an absent
                // element is an invalid ARIA value.
                aria-controls=move || suggestions.with(|list| (!list.is_empty()).then_some("query-suggestions"))
            />
            {move || {
                let list = suggestions.get();
                (!list.is_empty()).then(|| {
                    let lit = active.get();
                    let items = list
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            // mousedown, not click: the input's blur (which
                            // closes the list) would come first otherwise.
                            view! {
                                <li class="suggestion" class:active=lit == Some(i) data-kind=s.kind
                                    role="option" aria-selected=if lit == Some(i) { "true" } else { "false" }
                                    on:mousedown=move |ev: leptos::ev::MouseEvent| {
                                        ev.prevent_default();
                                        accept(i);
                                    }>
                                    <span class="suggestion-label">{s.label}</span>
                                    <span class="suggestion-kind">{s.kind}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! { <ul id="query-suggestions" class="suggestions" role="listbox" aria-label="Query suggestions">{items}</ul> }
                })
            }}
            <input
                id="content-input"
                type="search"
                class="content-input"
                class:invalid=move || content_problem.with(Option::is_some)
                placeholder="Content: text seen or typed in sessions"
                autocomplete="off"
                spellcheck="false"
                aria-label="Content search"
                bind:value=content
                on:input=move |_| content_problem.set(None)
            />
            <button id="query-apply" class="btn btn-primary" type="submit">"Search"</button>
            <div id="range-presets" class="segmented" role="group" aria-label="Time range">
                {presets}
            </div>
            <div class="custom-range" role="group" aria-label="Custom time range">
                <label for="range-start">"From"</label>
                <input id="range-start" type="datetime-local" class="date-input"
                    prop:value=move || state.with(|s| s.tz.iso_to_input(&s.start))
                    on:change=set_start/>
                <label for="range-end">"ended by"</label>
                <input id="range-end" type="datetime-local" class="date-input"
                    prop:value=move || state.with(|s| s.tz.iso_to_input(&s.end))
                    on:change=set_end/>
                <span id="range-zone" class="muted">{move || state.with(|s| s.tz.input_label())}</span>
            </div>
        </form>
        <QueryHelp draft=draft input_ref=input_ref/>
        {move || content_problem.get().map(|p| view! {
            <div id="content-error" class="query-error" role="alert">
                <span class="query-error-message">{format!("Content search: {p}")}</span>
            </div>
        })}
        {move || problem.get().map(|p| query_problem_view("query-error", draft.get_untracked(), &p))}
    }
}

/// A folded list of the fields `q` can filter on (from crate-core's catalogue,
/// so it always matches what the validator accepts), with the syntax in one
/// line. Clicking a field appends `field:` to the query.
#[component]
fn QueryHelp(
    /// The query text being edited.
    draft: RwSignal<String>,
    /// The query input, focused after inserting a field.
    input_ref: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let fields = Catalogue::sessions()
        .fields()
        .iter()
        .filter(|f| f.filterable)
        .map(|f| {
            let name = f.name;
            let insert = move |_| {
                draft.update(|text| {
                    if !text.is_empty() && !text.ends_with(' ') {
                        text.push(' ');
                    }
                    text.push_str(name);
                    text.push(':');
                });
                if let Some(input) = input_ref.get_untracked() {
                    let _ = input.focus();
                }
            };
            view! {
                <li>
                    <button type="button" class="field-chip" data-field=name on:click=insert>{name}</button>
                    <span class="muted">{f.kind.name()}{f.multi.then_some(", list")}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <details id="query-help" class="query-help">
            <summary>"Query syntax and fields"</summary>
            <p class="muted">
                "field:value · AND, OR, NOT · \"a phrase\" · wildcards adm* · ranges duration:[60 TO 3600] · parentheses. Press / to focus the search."
            </p>
            <ul class="field-list">{fields}</ul>
        </details>
    }
}
