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

mod fields;
mod tables;
mod timeline;
mod util;
mod vtable;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use sps_core::export::SessionContext;
use sps_core::request::encode_component;
use sps_core::{ContentSearch, Session, Single};
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::api_detail;
use crate::components::{ErrorPanel, Loading, TopBar, VerdictBadge};
use crate::format::clip;
use crate::pages::sessions::TimeDisplay;

use fields::SessionFields;
use tables::{
    event_row_id, export_buttons, hit_row_id, AlertsPanel, ContentPanel, DownloadsPanel,
    EventFilter, EventsPanel, IndexingPanel,
};
use timeline::{lanes_of, relative, secs_since, Lane, Mark, Target, Timeline};
use util::{ZoneChoice, DASH};

/// State shared by the timeline and the lists of one session: the time
/// origin, the zone, the visible range, the picked moment and the selections.
#[derive(Clone, Copy)]
pub struct DetailState {
    /// The zone times are shown in.
    pub zone: ReadSignal<ZoneChoice>,
    /// The session's start, UNIX milliseconds: time 0 of the timeline.
    pub origin_ms: f64,
    /// The whole axis, seconds (end of the session, or now while live).
    pub full: RwSignal<f64>,
    /// The visible part of the axis; `None`: all of it.
    pub view: RwSignal<Option<(f64, f64)>>,
    /// The picked moment, seconds since the start.
    pub cursor: RwSignal<Option<f64>>,
    /// The highlighted event row (its DOM id).
    pub selected_event: RwSignal<Option<String>>,
    /// The highlighted alert (index).
    pub selected_alert: RwSignal<Option<usize>>,
    /// The highlighted content hit (index).
    pub selected_hit: RwSignal<Option<usize>>,
    /// An event row to bring into view (its DOM id): the events table is
    /// virtualised, so it scrolls itself to the row before the page does.
    pub reveal_event: RwSignal<Option<String>>,
    /// An alert row to bring into view (index), as for events.
    pub reveal_alert: RwSignal<Option<usize>>,
}

/// What the URL fragment asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum DeepLink {
    /// Nothing (no fragment, or one this page does not read, such as `#alerts`).
    Nothing,
    /// `#t=<seconds>`: that moment, seconds since the session's start.
    Moment(f64),
    /// `#event=<record_id>`: that event's row (its DOM id).
    Event(String),
    /// A `#t=` or `#event=` that cannot be followed: the notice to show.
    Invalid(String),
}

/// Reads a URL fragment (with or without `#`). Never panics, whatever the text.
pub fn parse_hash(hash: &str) -> DeepLink {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let shown = || clip(hash, 60);
    if let Some(value) = hash.strip_prefix("t=") {
        return match value.parse::<f64>() {
            Ok(t) if t.is_finite() => DeepLink::Moment(t.max(0.0)),
            _ => DeepLink::Invalid(format!(
                "Ignored link target `#{}`: t= takes seconds since the session's start, such as #t=90.5.",
                shown()
            )),
        };
    }
    if let Some(record) = hash.strip_prefix("event=") {
        let digits = record.strip_prefix('-').unwrap_or(record);
        return if !digits.is_empty()
            && digits.len() <= 19
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            DeepLink::Event(format!("event-{record}"))
        } else {
            DeepLink::Invalid(format!(
                "Ignored link target `#{}`: event= takes an event's record number, such as #event=42.",
                shown()
            ))
        };
    }
    DeepLink::Nothing
}

/// Seconds for a URL fragment: at most millisecond precision, no trailing zeros.
fn secs_text(t: f64) -> String {
    let text = format!("{t:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl DetailState {
    /// Moves the visible range so that `t` is in it (centred), keeping the zoom.
    pub fn show_time(&self, t: f64) {
        if let Some((v0, v1)) = self.view.get_untracked() {
            if t < v0 || t > v1 {
                let span = v1 - v0;
                let total = self.full.get_untracked();
                let n0 = (t - span / 2.0).clamp(0.0, (total - span).max(0.0));
                self.view.set(Some((n0, n0 + span)));
            }
        }
    }

    /// Zooms to a window around `t` (a tenth of a long session, at least two
    /// minutes) so that a linked moment is seen with its surroundings.
    pub fn focus_time(&self, t: f64) {
        let total = self.full.get_untracked();
        if total <= 600.0 {
            self.show_time(t);
            return;
        }
        let half = (total * 0.05).max(60.0);
        let n0 = (t - half).clamp(0.0, (total - 2.0 * half).max(0.0));
        self.view.set(Some((n0, n0 + 2.0 * half)));
    }

    /// Picks a moment: the cursor goes there and the address becomes `#t=…`.
    pub fn set_moment(&self, t: f64) {
        self.cursor.set(Some(t));
        self.show_time(t);
        util::replace_hash(&format!("t={}", secs_text(t)));
    }

    /// Highlights an event row; with `scroll`, brings the row into view.
    pub fn select_event(&self, row_id: String, t: Option<f64>, scroll: bool) {
        self.selected_alert.set(None);
        self.selected_hit.set(None);
        if let Some(t) = t {
            self.cursor.set(Some(t));
            self.show_time(t);
        }
        if let Some(record) = row_id
            .strip_prefix("event-")
            .filter(|r| !r.starts_with('n'))
        {
            util::replace_hash(&format!("event={record}"));
        }
        if scroll {
            self.reveal_event.set(Some(row_id.clone()));
        }
        self.selected_event.set(Some(row_id));
    }

    /// Highlights alert `index` and scrolls its row into view.
    pub fn select_alert(&self, index: usize, t: Option<f64>) {
        self.selected_event.set(None);
        self.selected_hit.set(None);
        self.selected_alert.set(Some(index));
        if let Some(t) = t {
            self.cursor.set(Some(t));
            self.show_time(t);
        }
        self.reveal_alert.set(Some(index));
    }

    /// Highlights content hit `index` and puts the cursor at its start.
    pub fn select_hit(&self, index: usize, t: Option<f64>) {
        self.selected_event.set(None);
        self.selected_alert.set(None);
        self.selected_hit.set(Some(index));
        if let Some(t) = t {
            self.cursor.set(Some(t));
            self.show_time(t);
        }
    }
}

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
            let expired =
                session.with(|r| matches!(r, Some((_, Err(e))) if e.is_unauthenticated()));
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
        Some((_, Err(e))) if e.is_unauthenticated() => {
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

    let nav = move || {
        let key = key.get();
        let keys = util::list_keys();
        let (prev, next) = util::neighbours(&keys, &key);
        let link = |target: Option<String>,
                    label: &'static str,
                    id: &'static str,
                    rel: &'static str| {
            match target {
            Some(k) => {
                let href = format!("/sessions/{}", encode_component(&k));
                view! { <a id=id class="btn btn-sm" href=href rel=rel title=clip(&k, 200)>{label}</a> }.into_any()
            }
            None => view! { <span id=id class="btn btn-sm disabled" aria-disabled="true">{label}</span> }.into_any(),
        }
        };
        let position = keys
            .iter()
            .position(|k| *k == key)
            .map(|i| format!("{} of {} in the list", i + 1, keys.len()));
        view! {
            <nav class="crumbs" aria-label="Session navigation">
                <a id="back-to-list" href=util::list_url()>"← Sessions"</a>
                <span class="sep">"/"</span>
                <code class="crumb-key">{clip(&key, 200)}</code>
                <span class="grow"></span>
                // Only when the page was opened from the list.
                {position.map(|p| view! {
                    <span class="muted small" data-testid="list-position">{p}</span>
                    {link(prev, "← Previous session", "prev-session", "prev")}
                    {link(next, "Next session →", "next-session", "next")}
                })}
            </nav>
        }
    };

    view! {
        <TopBar/>
        <main class="page page-detail">
            {nav}
            {body}
        </main>
    }
}

/// The session key in a `/sessions/<key>` path, percent-decoded once.
fn key_from_path(path: &str) -> Option<String> {
    let raw = path.strip_prefix("/sessions/")?;
    if raw.is_empty() || raw.contains('/') {
        return None;
    }
    js_sys::decode_uri_component(raw).ok().map(String::from)
}

fn go_to_login(navigate: &impl Fn(&str, NavigateOptions), key: &str) {
    let here = format!("/sessions/{}", encode_component(key));
    let url = format!("/login?reason=expired&next={}", encode_component(&here));
    navigate(
        &url,
        NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        },
    );
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
            let expired = channels.with(|r| matches!(r, Some(Err(e)) if e.is_unauthenticated()))
                || alerts.with(|r| matches!(r, Some(Err(e)) if e.is_unauthenticated()))
                || events.with(|r| matches!(r, Some(Err(e)) if e.is_unauthenticated()));
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
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        if typing {
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

    // ---- header ---------------------------------------------------------------
    let protocol = s.protocol.as_ref().map(|p| p.as_str().to_owned());
    let verdict = s.verdict.as_ref().map(|v| v.as_str().to_owned());
    let who = s.gateway_username().map(|w| clip(w, 200));
    let server = s
        .server
        .as_ref()
        .and_then(|e| e.name.clone().or_else(|| e.ip.clone()))
        .map(|w| clip(&w, 200));
    let score = s
        .analytics
        .as_ref()
        .and_then(|a| a.score.as_ref())
        .and_then(|sc| sc.aggregated);
    let trail = s.recording.as_ref().and_then(|r| r.audit_trail.clone());
    let downloads_view = trail.map(|trail| {
        let href = trail
            .download_href()
            .filter(|h| h.starts_with("/api/"))
            .map(str::to_owned)
            .unwrap_or_else(|| api_detail::session_path(&key, Some("audit_trail")));
        let safe: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' })
            .collect();
        let srs = active.then(|| {
            let href = format!("{href}?format=srs");
            let name = format!("{safe}.srs");
            view! {
                <a id="download-srs" class="btn" href=href download=name title="For replay in follow mode (Safeguard Desktop Player)">"Live trail (.srs)"</a>
            }
        });
        let name = format!("{safe}.zat");
        view! {
            <a id="download-trail" class="btn btn-primary" href=href download=name>"Download audit trail (.zat)"</a>
            {srs}
        }
    });
    // The same three choices as the list (`?tz=` in both URLs).
    let tz_buttons = TimeDisplay::ALL
        .into_iter()
        .map(|choice| {
            let pressed = move || zone.get().display == choice;
            let title = match choice {
                TimeDisplay::AsSent => {
                    "The appliance's zone: the offset of the session's start time"
                }
                TimeDisplay::Utc => "Coordinated universal time",
                TimeDisplay::Local => "This browser's zone",
            };
            view! {
                <button type="button" class="seg" class:active=pressed title=title
                    aria-pressed=move || if pressed() { "true" } else { "false" }
                    data-tz=choice.token()
                    on:click=move |_| {
                        util::replace_tz(choice);
                        set_zone.update(|z| z.display = choice);
                    }>
                    {choice.label()}
                </button>
            }
        })
        .collect_view();

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
        <header class="detail-head card">
            <div class="detail-title">
                <h1>
                    {protocol.clone().map(|p| view! { <span class="proto">{p}</span> })}
                    <span class="who">{who.clone().unwrap_or_else(|| DASH.to_owned())}</span>
                    <span class="arrow muted">" → "</span>
                    <span class="where">{server.clone().unwrap_or_else(|| DASH.to_owned())}</span>
                </h1>
                <div class="badges">
                    {verdict.map(|v| view! { <VerdictBadge verdict=v/> })}
                    {active.then(|| view! { <span class="live" data-testid="live-badge">"live"</span> })}
                    {score.map(|v| {
                        let class = if v >= 70 { "risk risk-high" } else if v >= 40 { "risk risk-medium" } else { "risk risk-low" };
                        view! { <span class=class title="Risk score (0–100)">{format!("risk {v}")}</span> }
                    })}
                </div>
            </div>
            <div class="detail-actions">
                <div id="tz-choice" class="segmented segmented-small" role="group" aria-label="Show times in">
                    <span class="seg-label">"Times"</span>
                    {tz_buttons}
                </div>
                {match downloads_view {
                    Some(v) => v.into_any(),
                    None => view! {
                        <span class="muted small" data-testid="no-trail">"No audit trail recorded"</span>
                    }.into_any(),
                }}
            </div>
        </header>

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
                Some(e) if !e.is_unauthenticated() => view! {
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

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn deep_links() {
        assert_eq!(parse_hash("#t=90.5"), DeepLink::Moment(90.5));
        assert_eq!(parse_hash("t=-3"), DeepLink::Moment(0.0));
        assert_eq!(parse_hash("#event=46"), DeepLink::Event("event-46".into()));
        assert_eq!(parse_hash("#alerts"), DeepLink::Nothing);
        assert_eq!(parse_hash(""), DeepLink::Nothing);
        for bad in [
            "#t=",
            "#t=NaN",
            "#t=1e999",
            "#t=-a\u{e9}1",
            "#event=",
            "#event=4\u{e9}",
            "#event=1 OR 1",
        ] {
            assert!(matches!(parse_hash(bad), DeepLink::Invalid(_)), "{bad:?}");
        }
    }

    // proptest needs threads and OS randomness: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        #[test]
        fn fragments_never_panic(text in "\\PC{0,40}|(#?(t|event)=)[-+.0-9eE\u{e9}a-z]{0,12}") {
            if let DeepLink::Moment(t) = parse_hash(&text) {
                prop_assert!(t.is_finite() && t >= 0.0);
            }
        }

        #[test]
        fn moments_round_trip(t in 0.0f64..1e8) {
            match parse_hash(&format!("#t={}", secs_text(t))) {
                DeepLink::Moment(back) => prop_assert!((back - t).abs() <= 0.0005 + t * 1e-12),
                other => prop_assert!(false, "{other:?}"),
            }
        }

        #[test]
        fn events_round_trip(record in proptest::num::i64::ANY) {
            prop_assert_eq!(parse_hash(&format!("event={record}")), DeepLink::Event(format!("event-{record}")));
        }
    }
}
