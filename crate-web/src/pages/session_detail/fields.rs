//! The session's documented fields in readable groups: who, where, when,
//! recording, analytics and the rest. Every value is a text node; missing
//! values show "—".

use leptos::prelude::*;
use sps_core::model::{Endpoint, IndexStatusKind};
use sps_core::Session;

use super::util::{time_text, ZoneChoice, DASH};
use crate::format;

/// Text of an optional value, "—" when missing or empty, its hidden
/// characters made visible ([`format::visible`]).
pub fn or_dash(value: Option<impl ToString>) -> String {
    value
        .map(|v| format::visible(&v.to_string()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DASH.to_owned())
}

/// `yes`/`no`/"—".
pub fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes".to_owned(),
        Some(false) => "no".to_owned(),
        None => DASH.to_owned(),
    }
}

/// An address as `ip:port`, with the host name first when it differs:
/// `db-01.example.com (10.1.2.3):5432`.
pub fn endpoint_text(ep: Option<&Endpoint>) -> String {
    let Some(ep) = ep else {
        return DASH.to_owned();
    };
    let host = match (ep.name.as_deref(), ep.ip.as_deref()) {
        (Some(name), Some(ip)) if name != ip && !name.is_empty() => format!("{name} ({ip})"),
        (_, Some(ip)) => ip.to_owned(),
        (Some(name), None) => name.to_owned(),
        (None, None) => String::new(),
    };
    match (host.is_empty(), ep.port) {
        (true, None) => DASH.to_owned(),
        (true, Some(port)) => format!("port {port}"),
        (false, Some(port)) => format!("{host}:{port}"),
        (false, None) => host,
    }
}

/// The "—" of a missing value inside a richer cell.
fn dash() -> impl IntoView {
    view! { <span class="dash">"—"</span> }
}

/// One label/value line of a field group (a long value clipped, see [`format::shown`]).
fn kv(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    let missing = value == DASH;
    let value = format::shown(&value);
    view! {
        <div class="kv" data-field=testid>
            <dt>{label}</dt>
            <dd class:missing=missing>{value}</dd>
        </div>
    }
}

/// Risk score badge class: low / medium / high.
fn score_class(score: i64) -> &'static str {
    match score {
        s if s >= 70 => "risk risk-high",
        s if s >= 40 => "risk risk-medium",
        _ => "risk risk-low",
    }
}

/// Index status class by meaning (never from the text itself).
fn index_class(kind: IndexStatusKind) -> &'static str {
    match kind {
        IndexStatusKind::Indexed => "pill pill-ok",
        IndexStatusKind::IndexingFailed => "pill pill-bad",
        IndexStatusKind::IndexingInProgress
        | IndexStatusKind::NotIndexed
        | IndexStatusKind::ChannelOpen => "pill pill-warn",
        _ => "pill",
    }
}

/// The field groups of one session.
#[component]
pub fn SessionFields(
    /// The session.
    session: Session,
    /// The zone times are shown in.
    zone: ReadSignal<ZoneChoice>,
) -> impl IntoView {
    let s = session;
    let user = s.user.clone().unwrap_or_default();
    let rec = s.recording.clone().unwrap_or_default();
    let server_usernames = user
        .server_username
        .as_ref()
        .map(|names| names.iter().cloned().collect::<Vec<_>>().join(", "));

    let who = view! {
        <section class="card fields" data-group="who">
            <h3>"Who"</h3>
            <dl>
                {kv("User ID", or_dash(user.id.clone()), "user.id")}
                {kv("User name", or_dash(user.name.clone()), "user.name")}
                {kv("Gateway username", or_dash(s.gateway_username()), "user.gateway_username")}
                {kv("Server username", or_dash(server_usernames), "user.server_username")}
                {kv("Client", endpoint_text(s.client.as_ref()), "client")}
                {kv("Client name", or_dash(s.client.as_ref().and_then(|c| c.name.clone())), "client.name")}
            </dl>
        </section>
    };

    let server_local = rec.server_local.as_ref().or(s.server_local.as_ref());
    let target = rec.target.as_ref().or(s.target.as_ref());
    let where_ = view! {
        <section class="card fields" data-group="where">
            <h3>"Where"</h3>
            <dl>
                {kv("Protocol", or_dash(s.protocol.as_ref().map(|p| p.as_str().to_owned())), "protocol")}
                {kv("Server", endpoint_text(s.server.as_ref()), "server")}
                {kv("Target", endpoint_text(target), "recording.target")}
                {kv("SPS address", endpoint_text(server_local), "recording.server_local")}
                {kv("Connection policy", or_dash(rec.connection_policy.clone()), "recording.connection_policy")}
                {kv("Connection policy ID", or_dash(rec.connection_policy_id.clone()), "recording.connection_policy_id")}
                {kv("Channel policy", or_dash(rec.channel_policy.clone()), "recording.channel_policy")}
                {kv("Node", or_dash(s.node_id.clone()), "node_id")}
                {kv("Network namespace", or_dash(rec.network_id.clone()), "recording.network_id")}
            </dl>
        </section>
    };

    let start = s.start_time.clone();
    let end = s.end_time().cloned();
    let creation = s.creation_time.clone();
    let start_title = start.as_ref().map(|t| t.original());
    let end_title = end.as_ref().map(|t| t.original());
    let creation_title = creation.as_ref().map(|t| t.original());
    let (start_missing, creation_missing) = (start.is_none(), creation.is_none());
    let active = s.is_active();
    // SPS computes `duration` when it writes the document: for a live session
    // it is already stale, so the time since the start is shown instead.
    let running = (active && end.is_none())
        .then(|| {
            start
                .as_ref()
                .map(|t| (js_sys::Date::now() - t.instant().timestamp_millis() as f64) / 1000.0)
        })
        .flatten();
    let duration = match running {
        Some(secs) => format!("{} so far", format::duration(secs.max(0.0) as i64)),
        None => or_dash(s.duration.map(format::duration)),
    };
    let duration_secs = s.duration.map(|d| format!("{d} s (as sent by SPS)"));
    let when = view! {
        <section class="card fields" data-group="when">
            <h3>"When"</h3>
            <dl>
                <div class="kv" data-field="start_time">
                    <dt>"Start"</dt>
                    <dd title=start_title class:missing=start_missing>{move || time_text(start.as_ref(), zone.get())}</dd>
                </div>
                <div class="kv" data-field="end_time">
                    <dt>"End"</dt>
                    <dd title=end_title>
                        {move || if active && end.is_none() {
                            view! { <span class="live" data-testid="live">"live"</span> }.into_any()
                        } else {
                            time_text(end.as_ref(), zone.get()).into_any()
                        }}
                    </dd>
                </div>
                <div class="kv" data-field="duration">
                    <dt>"Duration"</dt>
                    <dd title=duration_secs>{duration}</dd>
                </div>
                <div class="kv" data-field="creation_time">
                    <dt>"Created"</dt>
                    <dd title=creation_title class:missing=creation_missing>{move || time_text(creation.as_ref(), zone.get())}</dd>
                </div>
                {kv("Revision", or_dash(s.revision), "revision")}
            </dl>
        </section>
    };

    let archive = rec.audit_trail.as_ref().and_then(|t| t.archive()).cloned();
    let trail_path = match &rec.audit_trail {
        Some(sps_core::model::AuditTrail::Path(p)) => Some(p.clone()),
        _ => None,
    };
    let index_status = rec.index_status.clone();
    let recording = view! {
        <section class="card fields" data-group="recording">
            <h3>"Recording"</h3>
            <dl>
                {kv("Session ID", or_dash(s.session_id()), "recording.session_id")}
                <div class="kv" data-field="recording.index_status">
                    <dt>"Index status"</dt>
                    <dd>{match index_status {
                        Some(st) => {
                            let class = index_class(st.kind());
                            view! { <span class=class>{st.as_str().to_owned()}</span> }.into_any()
                        }
                        None => dash().into_any(),
                    }}</dd>
                </div>
                {kv("Auth method", or_dash(rec.auth_method.clone()), "recording.auth_method")}
                {kv("Archived", yes_no(rec.archived), "recording.archived")}
                {archive.as_ref().map(|a| {
                    let date = a.date.clone();
                    view! {
                        <div class="kv" data-field="recording.audit_trail.archive.date">
                            <dt>"Archived on"</dt>
                            <dd>{move || time_text(date.as_ref(), zone.get())}</dd>
                        </div>
                        {kv("Archive server", or_dash(a.server.clone()), "recording.audit_trail.archive.server")}
                        {kv("Archive path", or_dash(a.path.clone()), "recording.audit_trail.archive.path")}
                        {kv("Archive policy", or_dash(a.policy.clone()), "recording.audit_trail.archive.policy")}
                    }
                })}
                {trail_path.map(|p| kv("Trail file", p, "recording.audit_trail"))}
                {kv("Origin", or_dash(s.origin.as_ref().map(|o| o.as_str().to_owned())), "origin")}
                {kv("Recording verdict", or_dash(rec.verdict.as_ref().map(|v| v.as_str().to_owned())), "recording.verdict")}
                {kv("Accepted channel", yes_no(rec.has_accepted_channel), "recording.has_accepted_channel")}
                {kv("Commands extracted", yes_no(rec.command_extracted), "recording.command_extracted")}
                {kv("Window titles extracted", yes_no(rec.window_title_extracted), "recording.window_title_extracted")}
                {kv("Content reference", or_dash(rec.content_reference_id), "recording.content_reference_id")}
                {kv("Hidden", yes_no(s.hidden), "hidden")}
                {kv("Phantom", yes_no(s.phantom), "phantom")}
            </dl>
        </section>
    };

    let analytics = s.analytics.clone().unwrap_or_default();
    let score = analytics.score.as_ref().and_then(|sc| sc.aggregated);
    let score_details = analytics
        .score
        .as_ref()
        .and_then(|sc| sc.details.as_ref())
        .filter(|d| !d.is_empty())
        .and_then(|d| serde_json::to_string(d).ok());
    let chips = |items: Option<Vec<String>>, class: &'static str| {
        let items = items.unwrap_or_default();
        if items.is_empty() {
            return dash().into_any();
        }
        view! {
            <ul class="chips">
                {items.into_iter().map(|t| view! { <li class=class>{t}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let scripted_results = analytics
        .scripted_results
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|(algorithm, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            view! { <li><strong>{algorithm}</strong>": "{text}</li> }
        })
        .collect::<Vec<_>>();
    let similar = analytics.similar_sessions.clone().unwrap_or_default();
    let analytics_view = view! {
        <section class="card fields" data-group="analytics">
            <h3>"Analytics"</h3>
            <dl>
                <div class="kv" data-field="analytics.score.aggregated">
                    <dt>"Risk score"</dt>
                    <dd title=score_details>{match score {
                        Some(v) => view! { <span class=score_class(v) data-score=v.to_string()>{v.to_string()}" / 100"</span> }.into_any(),
                        None => dash().into_any(),
                    }}</dd>
                </div>
                <div class="kv" data-field="analytics.tags">
                    <dt>"Tags"</dt>
                    <dd>{chips(analytics.tags.clone(), "chip")}</dd>
                </div>
                <div class="kv" data-field="analytics.interesting_events">
                    <dt>"Interesting events"</dt>
                    <dd>{chips(analytics.interesting_events.clone(), "chip chip-mono")}</dd>
                </div>
                {kv("Scripted", yes_no(analytics.scripted), "analytics.scripted")}
                <div class="kv" data-field="analytics.scripted_results">
                    <dt>"Scripted results"</dt>
                    <dd>{if scripted_results.is_empty() {
                        dash().into_any()
                    } else {
                        view! { <ul class="plain">{scripted_results}</ul> }.into_any()
                    }}</dd>
                </div>
                <div class="kv" data-field="analytics.similar_sessions">
                    <dt>"Similar sessions"</dt>
                    <dd>{if similar.is_empty() {
                        dash().into_any()
                    } else {
                        view! { <ul class="plain">{similar.into_iter().map(similar_item).collect_view()}</ul> }.into_any()
                    }}</dd>
                </div>
            </dl>
        </section>
    };

    view! {
        <div class="field-grid">
            {who}
            {where_}
            {when}
            {recording}
            {analytics_view}
        </div>
    }
}

/// A similar session: a link when SPS gives a key (a string), the JSON otherwise.
fn similar_item(value: serde_json::Value) -> impl IntoView {
    match value {
        serde_json::Value::String(key) => {
            let href = format!("/sessions/{}", sps_core::request::encode_component(&key));
            view! { <li><a href=href>{key}</a></li> }.into_any()
        }
        other => view! { <li><code>{other.to_string()}</code></li> }.into_any(),
    }
}
