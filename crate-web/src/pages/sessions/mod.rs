//! `/sessions`: the session list.
//!
//! The page's URL is the state: `q`, `range`, `sort` and `offset` live in the
//! query string, so a reload, the back button or a pasted link shows the same
//! list. The API request is derived from the URL (through `sps_core`'s
//! `SessionSearch`, which checks every parameter), never the other way around.
//!
//! This module holds the page component; the URL state itself is
//! [`crate::list_state`], the pieces are in the submodules: the search form
//! (`search_bar`), loaded rows with fetch and export (`loaded`), the result
//! views (`results`) and their toolbar (`toolbar`), keyboard shortcuts
//! (`keys`) and what the detail page reads from storage (`storage`).

mod ctx;
mod keys;
mod loaded;
mod overview;
mod query;
mod results;
mod search_bar;
mod storage;
mod toolbar;

use std::sync::Arc;

use crate::api::spawn_local;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sps_core::request::parse_sort;
use sps_core::Catalogue;

use crate::api::{self, ApiError};
use crate::components::columns::{load_columns, load_widths, request_fields};
use crate::components::fetch_all::{grouped, FetchProgress, FetchRun};
use crate::components::login_dialog::{ask_login, LoginDialog, Relogin};
use crate::components::offline::{
    dropped_file, filter_rows, open_file, OfflineFile, OpenFileButton,
};
use crate::components::session_table::TableRows;
use crate::components::table_keys::html_element;
use crate::components::zone::ListZone;
use crate::components::{ErrorPanel, Loading, TopBar};
use ctx::{Ctx, ExactCount, ExportStatus};

use loaded::sorted_order;
use results::{loaded_view, paged_view};
use search_bar::SearchBar;
use storage::remember_list;

// The detail page imports these from here (the state types themselves live
// in `crate::list_state`, so components can use them without a page).
pub use crate::list_state::{ListState, RangePreset, TimeDisplay, PAGE_SIZE};
pub use loaded::Loaded;
pub use query::{check_query, check_query_in, query_problem_view, QueryProblem};
pub use storage::{LIST_KEYS_KEY, LIST_URL_KEY};
// So does its zone choice (with the alerts page's own URL).
pub(crate) use toolbar::tz_buttons;

/// The session list page.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();

    let state = Memo::new(move |_| query.with(ListState::from_query));
    let data_key = Memo::new(move |_| state.with(ListState::data_key));
    let loaded = RwSignal::new(None::<Loaded>);
    let columns = RwSignal::new(load_columns());
    let widths = RwSignal::new(load_widths());
    let fields = Memo::new(move |_| columns.with(|c| request_fields(c)));
    // The loaded rows when they answer the search in the URL and hold every
    // column's field; changing the query or range goes back to server pages.
    // Offline: the opened file's sessions that the URL's query selects,
    // evaluated here by crate-core.
    let offline_file = RwSignal::new(None::<OfflineFile>);
    let offline_error = RwSignal::new(None::<String>);
    let is_offline = Memo::new(move |_| state.with(|s| s.offline));
    let offline_loaded = Memo::new(move |_| {
        if !is_offline.get() {
            return None;
        }
        let file = offline_file.get()?;
        let key = data_key.get();
        Some(filter_rows(&file.rows, &key).map(|rows| Loaded {
            for_key: key,
            rows: Arc::new(rows),
            complete: true,
            expected: None,
            total_source: None,
            fetched_at_ms: file.opened_ms,
            note: None,
            fields: Vec::new(),
        }))
    });
    let current = Memo::new(move |_| {
        if is_offline.get() {
            return offline_loaded.get().and_then(Result::ok);
        }
        loaded.with(|l| {
            l.clone().filter(|l| {
                data_key.with(|k| *k == l.for_key)
                    && fields.with(|f| f.iter().all(|name| l.fields.contains(name)))
            })
        })
    });
    let run = RwSignal::new(None::<FetchRun>);
    let relogin = RwSignal::new(Relogin::Hidden);
    let export_status = RwSignal::new(None::<ExportStatus>);
    let exact_count = RwSignal::new(None::<(ListState, ExactCount)>);
    let highlight = RwSignal::new(None::<usize>);
    let go = Callback::new(move |next: ListState| {
        navigate(&next.page_url(), NavigateOptions::default());
    });
    let ctx = Ctx {
        state,
        columns,
        widths,
        data_key,
        go,
        loaded,
        current,
        run,
        relogin,
        export_status,
        exact_count,
    };
    // Leaving the page stops a fetch nobody would see.
    on_cleanup(move || {
        if let Some(r) = run.try_get_untracked().flatten() {
            r.cancel.cancel();
        }
    });

    // What a page request depends on: nothing when every row is loaded (sort
    // is then client-side); otherwise the state without display settings, so
    // switching the time zone re-renders but does not fetch again.
    let request_state = Memo::new(move |_| {
        if current.with(Option::is_some) || is_offline.get() {
            None
        } else {
            Some((
                ListState {
                    tz: ListZone::DEFAULT,
                    ..state.get()
                },
                fields.get(),
            ))
        }
    });
    // Each result carries the state it was fetched for: the previous page stays
    // on screen (dimmed, "Updating…") while the next one loads, instead of
    // flashing an empty table.
    let sessions = LocalResource::new(move || {
        let for_state = request_state.get();
        async move {
            let (for_state, fields) = for_state?;
            let result = match for_state.search(&fields) {
                Ok(search) => api::list_sessions(&search).await,
                Err(e) => Err(ApiError::NotSent(e.to_string())),
            };
            Some((for_state, result))
        }
    });
    let updating = move || {
        let Some(wanted) = request_state.get() else {
            return false;
        };
        sessions.with(|r| matches!(r, Some(Some((s, _))) if *s != wanted.0))
    };

    // A 401 means the cookie is missing or expired: the login dialog opens
    // over the page, and the list loads again once logged in.
    Effect::new(move |_| {
        let expired = sessions.with(|r| matches!(r, Some(Some((_, Err(e)))) if e.is_auth()));
        if expired && relogin.get_untracked() == Relogin::Hidden {
            spawn_local(async move {
                if ask_login(relogin).await {
                    sessions.refetch();
                }
            });
        }
    });

    // Loaded rows in display order: client-side sort by the URL's `sort`.
    let sort_keys = Memo::new(move |_| {
        state.with(|s| parse_sort(&s.sort, Catalogue::sessions()).unwrap_or_default())
    });
    let loaded_rows = Memo::new(move |_| {
        current.with(|l| {
            l.as_ref().map(|l| {
                let order = sorted_order(&l.rows, &sort_keys.get());
                TableRows {
                    rows: l.rows.clone(),
                    order: Arc::new(order),
                }
            })
        })
    });
    let page_rows = Memo::new(move |_| {
        sessions.with(|r| match r {
            Some(Some((_, Ok(page)))) => Some(TableRows::in_order(Arc::new(page.items.clone()))),
            _ => None,
        })
    });
    let shown = Memo::new(move |_| {
        if current.with(Option::is_some) {
            loaded_rows.get()
        } else {
            page_rows.get()
        }
    });

    // Summary chips and the histogram over the result; the chips' counts
    // are also what the query bar completes.
    let (known_values, overview) = overview::overview(ctx, is_offline, page_rows);

    // The detail page offers previous/next in this list's order and a way back
    // to it: it reads what the list showed last from `sessionStorage`.
    Effect::new(move |_| {
        shown.with(|rows| {
            if let Some(rows) = rows {
                // Capped: sessionStorage holds a few megabytes at most.
                let keys: Vec<&str> = rows.iter().take(10_000).map(|r| r.key.as_str()).collect();
                remember_list(&keys, &state.with_untracked(ListState::page_url));
            }
        });
    });
    // A new result or order starts without a highlighted row.
    Effect::new(move |_| {
        shown.track();
        highlight.set(None);
    });
    // Keys: j/k move the highlighted row, Enter opens it, e opens the export menu.
    keys::shortcuts(shown, highlight, relogin);

    let open_file_cb = Callback::new(move |file: web_sys::File| {
        offline_error.set(None);
        spawn_local(async move {
            match open_file(file).await {
                Ok(opened) => {
                    offline_file.set(Some(opened));
                    go.run(ListState {
                        offline: true,
                        offset: 0,
                        ..state.get_untracked()
                    });
                }
                Err(e) => offline_error.set(Some(format!("Cannot open the file: {e}"))),
            }
        });
    });

    let on_sort = Callback::new(move |(field, add): (&'static str, bool)| {
        // A new order starts at its first row (the table element is reused
        // across renders, and with it the scroll position).
        if let Some(table) = html_element(".vt-wrap") {
            table.set_scroll_top(0);
        }
        go.run(state.get_untracked().with_sort_click(field, add));
    });

    let body = move || {
        if is_offline.get() {
            if let Some(Err(e)) = offline_loaded.get() {
                return view! { <ErrorPanel title="This search cannot be applied to the file" message=e/> }
                    .into_any();
            }
            if offline_file.with(Option::is_none) {
                return view! {
                    <div class="state state-empty drop-zone" data-testid="offline-empty">
                        <strong>"Browse an export without an appliance"</strong>
                        <p>"Open a JSON or NDJSON file exported by spsview (or drop it here): filter, sort and export it like a live result."</p>
                        <OpenFileButton on_file=open_file_cb/>
                    </div>
                }
                .into_any();
            }
        }
        if let Some(l) = current.get() {
            let Some(data) = loaded_rows.get() else {
                return view! { <Loading what="sessions"/> }.into_any();
            };
            return loaded_view(ctx, l, data, sort_keys.get(), on_sort, highlight);
        }
        match sessions.get() {
            None | Some(None) => view! { <Loading what="sessions"/> }.into_any(),
            Some(Some((_, Err(e)))) if e.is_auth() => view! {
                <ErrorPanel title="Not logged in" message="Log in to see the sessions (the login dialog is open)."
                    kind=e.kind_code() retry=Callback::new(move |()| sessions.refetch())/>
            }
            .into_any(),
            // Parameters that failed the local check: retrying cannot help.
            Some(Some((_, Err(e @ ApiError::NotSent(_))))) => view! {
                <ErrorPanel title="This search cannot be sent" message=e.to_string() kind=e.kind_code()/>
            }
            .into_any(),
            Some(Some((_, Err(e)))) => view! {
                <ErrorPanel
                    title="Could not load sessions"
                    message=e.to_string()
                    kind=e.kind_code()
                    retry=Callback::new(move |()| sessions.refetch())
                />
            }
            .into_any(),
            // The URL's current display settings with the rows fetched for `for_state`.
            Some(Some((for_state, Ok(page)))) => {
                let tz = state.with(|s| s.tz);
                let data = page_rows.get().unwrap_or_else(|| TableRows::in_order(Arc::default()));
                paged_view(ctx, &page, data, ListState { tz, ..for_state }, sort_keys.get(), on_sort, highlight)
            }
        }
    };

    view! {
        <TopBar/>
        <main class="page page-sessions" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                if let Some(file) = dropped_file(&ev) {
                    open_file_cb.run(file);
                }
            }>
            // A `tz` in the link that means nothing: said, not silently dropped.
            {move || crate::components::zone::tz_notice(query.with(|q| q.get("tz")).as_deref())
                .map(|n| view! { <p id="url-notice" class="notice" role="status">{n}</p> })}
            <div class="page-head">
                <h1>"Sessions"</h1>
                {move || offline_file.get().filter(|_| is_offline.get()).map(|f| {
                    let n = grouped(f.rows.len() as u64);
                    view! {
                        <span id="offline-badge" class="offline-badge" title="Browsing a file; nothing is sent to an appliance">
                            "Offline: "<strong>{f.name}</strong>{format!(" ({n} sessions)")}
                        </span>
                        <button id="offline-close" type="button" class="btn btn-small" on:click=move |_| {
                            offline_file.set(None);
                            go.run(ListState { offline: false, offset: 0, ..state.get_untracked() });
                        }>"Close file"</button>
                    }
                })}
                <span class="page-head-right">
                    // The alerts of this search's sessions; the appliance's
                    // (an opened file has sessions without their alerts).
                    {move || (!is_offline.get()).then(|| view! {
                        <a id="alerts-link" class="btn" href=state.with(ListState::alerts_url)
                            title="Every alert of the sessions this search finds, in one list">
                            "Alerts of these sessions"
                        </a>
                    })}
                    <OpenFileButton on_file=open_file_cb/>
                </span>
                {move || offline_error.get().map(|e| view! {
                    <span id="offline-error" class="form-error" role="alert">{e}</span>
                })}
                {move || updating().then(|| view! {
                    <span class="updating" data-testid="updating" role="status">
                        <span class="spinner" aria-hidden="true"></span>"Updating…"
                    </span>
                })}
            </div>
            <SearchBar state=state go=move |next| go.run(next) known=known_values/>
            <FetchProgress run=run/>
            {overview}
            <div class="results" class:stale=updating>{body}</div>
            <LoginDialog state=relogin/>
        </main>
    }
}
