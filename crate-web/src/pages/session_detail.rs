//! `/sessions/:key`: one session in full.
//!
//! Every documented field in groups, a channel timeline with the session's
//! events, alerts and content hits on it, the events (with their own `q`
//! filter), the alerts (the matched part highlighted by a linear-time
//! engine, see [`crate::highlight`]), both virtualised, content search, indexing, trail downloads, the audit trail
//! download and per-session exports.
//!
//! Deep links: `#t=<seconds since the start>` marks that moment on the
//! timeline, `#event=<record_id>` opens the page at that event. Keys: `n` / `p`
//! jump to the next / previous alert. Previous / next session follow the
//! order of the list the user came from (kept in `sessionStorage` by the list
//! page under [`crate::pages::sessions::LIST_KEYS_KEY`]).
//!
//! Everything from the API is shown as text (text nodes, attribute values,
//! SVG `<title>` text): session content is typed by the audited people.

mod alerts;
mod content;
mod deep_link;
mod events;
mod fields;
mod header;
mod navigation;
mod records;
mod state;
mod tables;
mod timeline;
mod util;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use sps_core::export::SessionContext;
use sps_core::request::encode_component;
use sps_core::{ContentSearch, Session, Single};
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::api_detail;
use crate::components::{ErrorPanel, Loading, TopBar};
use crate::format::clip;

use alerts::AlertsPanel;
use content::{hit_row_id, ContentPanel};
pub use deep_link::secs_text;
use deep_link::{parse_hash, DeepLink};
use events::{event_row_id, EventFilter, EventsPanel};
use fields::SessionFields;
use header::detail_header;
use navigation::{go_to_login, key_from_path, SessionNav};
use records::{DownloadsPanel, IndexingPanel};
pub use state::DetailState;
use tables::export_buttons;
use timeline::{lanes_of, relative, secs_since, Lane, Mark, Target, Timeline};
use util::{ZoneChoice, DASH};

/// One session's detail page.
#[component]
pub fn SessionDetailPage() -> impl IntoView {
    let params = use_params_map();
    let navigate = use_navigate();
    let location = use_location();
    // The key is taken from the router's (still percent-encoded) path and
    // decoded exactly once: the router's path parameter is decoded twice
    // (`decodeURI` for matching, then `decodeURIComponent`), which turns a
    // key's `%41` into `A`, and keys are opaque, any character allowed. The
    // parameter is the fallback. (Not `window.location`: the router updates
    // the address bar only after the new route is ready.)
    let key = Memo::new(move |_| {
        location
            .pathname
            .with(|path| key_from_path(path))
            .unwrap_or_else(|| params.with(|p| p.get("key")).unwrap_or_default())
    });

    // The router writes the address bar with `decodeURI` applied, which turns
    // `%25` back into `%`: a reload would then read another key. Once the
    // navigation has settled, put the key back, encoded once.
    Effect::new(move |_| {
        let want = format!("/sessions/{}", encode_component(&key.get()));
        set_timeout(
            move || util::replace_path(&want),
            std::time::Duration::from_millis(50),
        );
    });

    let session = LocalResource::new(move || {
        let key = key.get();
        async move {
            let result = api_detail::session(&key).await;
            (key, result)
        }
    });

    // 401: the login expired; the login page brings the user back here.
    {
        let navigate = navigate.clone();
        Effect::new(move |_| {
            let expired = session.with(|r| matches!(r, Some((_, Err(e))) if e.is_auth()));
            if expired {
                go_to_login(&navigate, &key.get_untracked());
            }
        });
    }

    let body = move || {
        let current = key.get();
        match session.get() {
        None => view! { <Loading what="the session"/> }.into_any(),
        // The resource keeps the last session while the next one loads: never
        // show one session's fields under another's key.
        Some((k, _)) if k != current => view! { <Loading what="the session"/> }.into_any(),
        Some((_, Err(e))) if e.is_auth() => {
            view! { <Loading what="the login page"/> }.into_any()
        }
        Some((k, Err(ApiError::Api { status: 404, .. }))) => view! {
            <div class="state state-empty" data-testid="session-not-found">
                <strong>"Session not found"</strong>
                <p>"No session has the key "<code>{clip(&k, 200)}</code>". It may have been deleted, or the link is wrong."</p>
                <p><a href=util::list_url()>"Back to the session list"</a></p>
            </div>
        }
        .into_any(),
        Some((_, Err(e))) => view! {
            <ErrorPanel title="Could not load the session" message=e.to_string() kind=e.kind_code()
                retry=Callback::new(move |()| session.refetch())/>
        }
        .into_any(),
        Some((k, Ok(single))) => view! { <DetailBody key=k single=single/> }.into_any(),
    }
    };

    view! {
        <TopBar/>
        <main class="page page-detail">
            <SessionNav key=key/>
            {body}
        </main>
    }
}

/// Everything below the navigation, for a loaded session.
#[component]
fn DetailBody(key: String, single: Single<Session>) -> impl IntoView {
    let navigate = use_navigate();
    let s = single.body;
    let appliance = s
        .start_time
        .as_ref()
        .and_then(|t| t.offset())
        .map(sps_core::Zone::Fixed)
        .unwrap_or_default();
    let (zone, set_zone) = signal(ZoneChoice {
        display: util::initial_display(),
        appliance,
    });
    let origin_ms = s
        .start_time
        .as_ref()
        .map(|t| t.instant().timestamp_millis() as f64)
        .unwrap_or_else(js_sys::Date::now);
    let now_s = ((js_sys::Date::now() - origin_ms) / 1000.0).max(0.0);
    let active = s.is_active();
    let end_s = match s.end_time() {
        Some(t) => secs_since(origin_ms, t),
        None if active => now_s,
        None => s.duration.map(|d| d as f64).unwrap_or(now_s),
    }
    .max(1.0);

    let state = DetailState {
        zone,
        origin_ms,
        full: RwSignal::new(end_s),
        view: RwSignal::new(None),
        cursor: RwSignal::new(None),
        selected_event: RwSignal::new(None),
        selected_alert: RwSignal::new(None),
        selected_hit: RwSignal::new(None),
        reveal_event: RwSignal::new(None),
        reveal_alert: RwSignal::new(None),
    };
    let context = SessionContext::from_fields(key.clone(), &s);

    document().set_title(&format!("Session {key} · spsview"));

    // ---- data -------------------------------------------------------------
    let k = key.clone();
    let channels = LocalResource::new(move || {
        let k = k.clone();
        async move { api_detail::channels(&k).await }
    });
    let k = key.clone();
    let alerts = LocalResource::new(move || {
        let k = k.clone();
        async move { api_detail::alerts(&k).await }
    });
    let k = key.clone();
    let indexing = LocalResource::new(move || {
        let k = k.clone();
        async move { api_detail::indexing(&k).await }
    });
    let k = key.clone();
    let downloads = LocalResource::new(move || {
        let k = k.clone();
        async move { api_detail::trail_downloads(&k).await }
    });
    let event_filter = RwSignal::new(EventFilter::default());
    let k = key.clone();
    let events = LocalResource::new(move || {
        let k = k.clone();
        let filter = event_filter.get();
        async move {
            match filter.search() {
                Ok(search) => api_detail::events(&k, &search).await,
                Err(e) => Err(ApiError::NotSent(e.to_string())),
            }
        }
    });
    let content_search = RwSignal::new(None::<ContentSearch>);
    let k = key.clone();
    let hits = LocalResource::new(move || {
        let k = k.clone();
        let search = content_search.get();
        async move {
            match search {
                Some(search) => Some(api_detail::content(&k, &search).await),
                None => None,
            }
        }
    });

    // Any list answering 401: the login expired.
    {
        let key = key.clone();
        Effect::new(move |_| {
            let expired = channels.with(|r| matches!(r, Some(Err(e)) if e.is_auth()))
                || alerts.with(|r| matches!(r, Some(Err(e)) if e.is_auth()))
                || events.with(|r| matches!(r, Some(Err(e)) if e.is_auth()));
            if expired {
                go_to_login(&navigate, &key);
            }
        });
    }

    // ---- timeline data ----------------------------------------------------
    let lanes: Memo<Option<Vec<Lane>>> = Memo::new(move |_| {
        let zone = zone.get();
        channels.with(|r| match r {
            Some(Ok(items)) => Some(lanes_of(items, origin_ms, now_s, end_s, zone)),
            Some(Err(_)) => Some(Vec::new()),
            None => None,
        })
    });
    let channel_names = Signal::derive(move || {
        lanes
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|l| (l.key.clone(), l.kind.clone()))
            .collect::<Vec<_>>()
    });
    let marks: Memo<Vec<Mark>> = Memo::new(move |_| {
        let zone = zone.get();
        let lanes = lanes.get().unwrap_or_default();
        let lane_of = |id: Option<&sps_core::model::StrOrInt>| {
            id.and_then(|id| lanes.iter().position(|l| l.is(id)))
        };
        let mut marks = Vec::new();
        events.with(|r| {
            if let Some(Ok(list)) = r {
                for (i, ev) in list.iter().enumerate() {
                    let Some(time) = &ev.time else { continue };
                    let t = secs_since(origin_ms, time);
                    let text = ev
                        .content
                        .as_deref()
                        .or(ev.action.as_deref())
                        .unwrap_or(DASH);
                    marks.push(Mark {
                        target: Target::Event(event_row_id(ev, i)),
                        lane: lane_of(ev.channels_id.as_ref()),
                        t0: t,
                        t1: t,
                        title: format!(
                            "Event {} · {}\n{} ({})\n{}",
                            ev.record_id.map(|r| r.to_string()).unwrap_or_default(),
                            ev.event_type
                                .as_ref()
                                .map(|k| k.as_str())
                                .unwrap_or("event"),
                            time.format_in(zone.zone()),
                            relative(t),
                            clip(text, 300)
                        ),
                    });
                }
            }
        });
        alerts.with(|r| {
            if let Some(Ok(list)) = r {
                for (i, al) in list.iter().enumerate() {
                    let Some(time) = &al.time else { continue };
                    let t = secs_since(origin_ms, time);
                    marks.push(Mark {
                        target: Target::Alert(i),
                        lane: lane_of(al.channel_id.as_ref()),
                        t0: t,
                        t1: t,
                        title: format!(
                            "Alert: {} ({})\n{} ({})\n{}\nExpression: {}",
                            al.rule_name.as_deref().unwrap_or(DASH),
                            al.alert_type.as_deref().unwrap_or(DASH),
                            time.format_in(zone.zone()),
                            relative(t),
                            clip(al.matched_content.as_deref().unwrap_or(DASH), 300),
                            clip(al.matched_regexp.as_deref().unwrap_or(DASH), 100),
                        ),
                    });
                }
            }
        });
        hits.with(|r| {
            if let Some(Some(Ok(list))) = r {
                for (i, hit) in list.iter().enumerate() {
                    let Some(start) = &hit.start_time else {
                        continue;
                    };
                    let t0 = secs_since(origin_ms, start);
                    let t1 = hit
                        .end_time
                        .as_ref()
                        .map(|e| secs_since(origin_ms, e))
                        .unwrap_or(t0)
                        .max(t0);
                    marks.push(Mark {
                        target: Target::Hit(i),
                        lane: lane_of(hit.channel_id.as_ref()),
                        t0,
                        t1,
                        title: format!(
                            "Content hit #{} · rank {}\n{} – {}",
                            i + 1,
                            hit.rank
                                .map(|r| format!("{r:.2}"))
                                .unwrap_or_else(|| DASH.to_owned()),
                            start.format_in(zone.zone()),
                            hit.end_time
                                .as_ref()
                                .map(|e| e.format_in(zone.zone()))
                                .unwrap_or_else(|| DASH.to_owned()),
                        ),
                    });
                }
            }
        });
        marks
    });
    // The axis covers the session and anything that happened in it, even
    // when a channel or an event runs past `end_time`.
    Effect::new(move |_| {
        let lanes_end = lanes.with(|l| {
            l.as_ref()
                .map(|l| l.iter().map(|x| x.t1).fold(0.0, f64::max))
                .unwrap_or(0.0)
        });
        let marks_end = marks.with(|m| m.iter().map(|x| x.t1).fold(0.0, f64::max));
        state.full.set(end_s.max(lanes_end).max(marks_end));
    });

    let alert_times = Memo::new(move |_| {
        alerts.with(|r| match r {
            Some(Ok(list)) => list
                .iter()
                .map(|a| a.time.as_ref().map(|t| secs_since(origin_ms, t)))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    let select_alert = Callback::new(move |i: usize| {
        let t = alert_times.with_untracked(|times| times.get(i).copied().flatten());
        state.select_alert(i, t);
    });
    let on_mark = Callback::new(move |(target, t): (Target, f64)| match target {
        Target::Event(id) => state.select_event(id, Some(t), true),
        Target::Alert(i) => {
            state.select_alert(i, Some(t));
        }
        Target::Hit(i) => {
            state.select_hit(i, Some(t));
            util::scroll_to_id_soon(hit_row_id(i));
        }
    });

    // ---- keyboard: n / p between alerts --------------------------------------
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if crate::components::table_keys::typing(&ev) {
            return;
        }
        let count = alert_times.with_untracked(Vec::len);
        if count == 0 {
            return;
        }
        let current = state.selected_alert.get_untracked();
        let next = match ev.key().as_str() {
            "n" => current.map(|i| (i + 1).min(count - 1)).unwrap_or(0),
            "p" => current.map(|i| i.saturating_sub(1)).unwrap_or(count - 1),
            _ => return,
        };
        ev.prevent_default();
        select_alert.run(next);
    });
    on_cleanup(move || keys.remove());

    // ---- deep links ---------------------------------------------------------
    let pending_event = RwSignal::new(None::<String>);
    // What the link asked for and could not be followed (a clear notice,
    // rather than nothing happening).
    let link_notice = RwSignal::new(util::tz_notice());
    let apply_hash = move || match parse_hash(&util::current_hash()) {
        DeepLink::Moment(t) => {
            state.cursor.set(Some(t));
            state.focus_time(t);
            util::scroll_to_id_soon("timeline-card".to_owned());
        }
        DeepLink::Event(row_id) => pending_event.set(Some(row_id)),
        DeepLink::Invalid(notice) => link_notice.set(Some(notice)),
        DeepLink::Nothing => {}
    };
    apply_hash();
    let hash_listener = window_event_listener(leptos::ev::hashchange, move |_| apply_hash());
    on_cleanup(move || hash_listener.remove());
    Effect::new(move |_| {
        let Some(row_id) = pending_event.get() else {
            return;
        };
        let found = events.with(|r| match r {
            Some(Ok(list)) => Some(
                list.iter()
                    .enumerate()
                    .find(|(i, ev)| event_row_id(ev, *i) == row_id)
                    .map(|(_, ev)| ev.time.as_ref().map(|t| secs_since(origin_ms, t))),
            ),
            Some(Err(_)) => Some(None),
            None => None,
        });
        if let Some(found) = found {
            pending_event.set(None);
            match found {
                Some(t) => state.select_event(row_id, t, true),
                None => link_notice.set(Some(format!(
                    "Ignored link target `#{}`: this session has no such event (or it is filtered out).",
                    clip(&row_id.replacen("event-", "event=", 1), 60)
                ))),
            }
        }
    });

    // ---- "copy link to this moment" ------------------------------------------
    let copied = RwSignal::new(None::<Result<String, String>>);
    let copy_link = move |_| {
        let Some(t) = state.cursor.get_untracked() else {
            return;
        };
        let url = format!("{}#t={}", util::page_url_without_hash(), secs_text(t));
        leptos::task::spawn_local(async move {
            if util::copy_to_clipboard(&url).await {
                copied.set(Some(Ok(url)));
            } else {
                copied.set(Some(Err(url)));
            }
        });
    };
    let header = detail_header(&key, &s, active, zone, set_zone);

    let channel_export = move || {
        channels.get().and_then(|r| r.ok()).map(|items| {
            items
                .into_iter()
                .map(|i| i.body)
                .collect::<Vec<sps_core::model::Channel>>()
        })
    };
    let has_cursor = move || state.cursor.get().is_some();

    view! {
        {header}

        {move || link_notice.get().map(|n| view! { <p id="link-notice" class="notice" role="status">{n}</p> })}
        <SessionFields session=s.clone() zone=zone/>

        <section class="card panel" id="timeline-card">
            <header class="panel-head">
                <h2>"Channels"</h2>
                <span class="muted small">{move || lanes.get().map(|l| format!("{} channel{}", l.len(), if l.len() == 1 { "" } else { "s" }))}</span>
                <span class="grow"></span>
                <button id="copy-moment" type="button" class="btn btn-sm" disabled=move || !has_cursor() on:click=copy_link
                    title="Copy a link that opens this page at the picked moment">"Copy link to this moment"</button>
                {export_buttons(context.clone(), channel_export, "channels")}
            </header>
            {move || copied.get().map(|r| match r {
                Ok(url) => view! { <p class="copy-note small" data-testid="copied">"Copied: "<code>{url}</code></p> }.into_any(),
                Err(url) => view! {
                    <p class="copy-note small">
                        <label for="moment-link">"The clipboard is not available; copy the link by hand: "</label>
                        <input id="moment-link" class="link-field" readonly prop:value=url
                            on:focus=|ev| { if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { el.select(); } }/>
                    </p>
                }.into_any(),
            })}
            // Failed channels: the error, not a timeline that says "no channels".
            {move || match channels.with(|r| r.as_ref().and_then(|r| r.as_ref().err().cloned())) {
                Some(e) if !e.is_auth() => view! {
                    <ErrorPanel title="Could not load the channels" message=e.to_string() kind=e.kind_code()
                        retry=Callback::new(move |()| channels.refetch())/>
                }
                .into_any(),
                _ => view! { <Timeline lanes=lanes.into() marks=marks.into() state=state on_select=on_mark/> }
                    .into_any(),
            }}
        </section>

        <ContentPanel search=content_search hits=hits state=state channel_names=channel_names/>

        <AlertsPanel alerts=alerts state=state context=context.clone() channel_names=channel_names on_select=select_alert/>
        <EventsPanel events=events filter=event_filter state=state context=context channel_names=channel_names/>

        <div class="two-col">
            <IndexingPanel indexing=indexing zone=zone/>
            <DownloadsPanel downloads=downloads zone=zone/>
        </div>
    }
}
