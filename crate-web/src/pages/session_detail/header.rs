//! The detail page's header: protocol, who and where, verdict, live and risk
//! badges, the time-zone choice and the audit-trail downloads.

use leptos::prelude::*;
use sps_core::request::session_part_path;
use sps_core::Session;

use super::util::{self, ZoneChoice, DASH};
use crate::components::VerdictBadge;
use crate::format::clip;
use crate::pages::sessions::TimeDisplay;

/// The header card of session `key` (`active`: still running); the zone
/// buttons set `set_zone`.
pub(super) fn detail_header(
    key: &str,
    s: &Session,
    active: bool,
    zone: ReadSignal<ZoneChoice>,
    set_zone: WriteSignal<ZoneChoice>,
) -> impl IntoView {
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
            .unwrap_or_else(|| session_part_path(key, "audit_trail"));
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
    }
}
