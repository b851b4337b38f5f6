//! The detail page's indexing and trail-download tables: small lists shown
//! in full, without virtualisation.

use leptos::prelude::*;
use sps_core::model::{Indexing, TrailDownload};

use super::fields::{or_dash, yes_no};

use super::tables::list_state;
use super::util::{time_text, ZoneChoice, DASH};
use crate::api::ApiError;

/// Indexing status and configuration.
#[component]
pub fn IndexingPanel(
    /// The indexing records.
    indexing: LocalResource<Result<Vec<Indexing>, ApiError>>,
    /// The zone times are shown in.
    zone: ReadSignal<ZoneChoice>,
) -> impl IntoView {
    let body = move || {
        let zone = zone.get();
        list_state(
            "indexing details",
            indexing.get(),
            Callback::new(move |()| indexing.refetch()),
            |items: Vec<Indexing>| {
                if items.is_empty() {
                    return view! { <p class="muted small" data-testid="no-indexing">"No indexing records for this session."</p> }.into_any();
                }
                items
                .into_iter()
                .map(|ix| {
                    let config = ix.config.clone().unwrap_or_default();
                    let stats = ix.statistics.clone().unwrap_or_default();
                    let version = ix.version.clone().unwrap_or_default();
                    let status = or_dash(ix.status.clone());
                    let status_class = match ix.status.as_deref() {
                        Some("COMPLETED") => "pill pill-ok",
                        Some("FAILED") | Some("ERROR") => "pill pill-bad",
                        _ => "pill pill-warn",
                    };
                    let on = |b: Option<bool>| yes_no(b);
                    let langs = config
                        .ocr_languages
                        .as_ref()
                        .filter(|l| !l.is_empty())
                        .map(|l| l.join(", "));
                    view! {
                        <dl class="compact" data-testid="indexing">
                            <div class="kv"><dt>"Status"</dt><dd><span class=status_class>{status}</span></dd></div>
                            <div class="kv"><dt>"Started"</dt><dd>{time_text(stats.start_time.as_ref(), zone)}</dd></div>
                            <div class="kv"><dt>"Duration"</dt><dd>{or_dash(stats.duration.map(|d| format!("{d} s")))}</dd></div>
                            <div class="kv"><dt>"CPU time"</dt><dd>{or_dash(stats.cpu_time.map(|d| format!("{d} s")))}</dd></div>
                            <div class="kv"><dt>"Commands"</dt><dd>{on(config.command.and_then(|t| t.enabled))}</dd></div>
                            <div class="kv"><dt>"Window titles"</dt><dd>{on(config.title.and_then(|t| t.enabled))}</dd></div>
                            <div class="kv"><dt>"Screen (OCR)"</dt><dd>{on(config.screen.as_ref().and_then(|t| t.enabled))}
                                {config.screen.as_ref().and_then(|s| s.omnipage_trade_off.clone()).map(|t| view! { <span class="muted">{format!(" · {t}")}</span> })}</dd></div>
                            <div class="kv"><dt>"OCR languages"</dt><dd>{or_dash(langs)}</dd></div>
                            <div class="kv"><dt>"Keyboard"</dt><dd>{on(config.keyboard.and_then(|t| t.enabled))}</dd></div>
                            <div class="kv"><dt>"Mouse"</dt><dd>{on(config.mouse.and_then(|t| t.enabled))}</dd></div>
                            <div class="kv"><dt>"Near real-time"</dt><dd>{on(config.near_realtime)}</dd></div>
                            <div class="kv"><dt>"Versions"</dt><dd>{format!("adp {} · worker {}", or_dash(version.adp), or_dash(version.worker))}</dd></div>
                        </dl>
                    }
                })
                .collect_view()
                .into_any()
            },
        )
    };
    view! {
        <section class="card panel" id="indexing">
            <header class="panel-head"><h2>"Indexing"</h2></header>
            {body}
        </section>
    }
}

/// Who downloaded the audit trail, when and from where.
#[component]
pub fn DownloadsPanel(
    /// The downloads.
    downloads: LocalResource<Result<Vec<TrailDownload>, ApiError>>,
    /// The zone times are shown in.
    zone: ReadSignal<ZoneChoice>,
) -> impl IntoView {
    let body = move || {
        let zone = zone.get();
        list_state(
            "trail downloads",
            downloads.get(),
            Callback::new(move |()| downloads.refetch()),
            |items: Vec<TrailDownload>| {
                if items.is_empty() {
                    return view! { <p class="muted small" data-testid="no-downloads">"Nobody has downloaded this audit trail."</p> }.into_any();
                }
                let rows = items
                    .into_iter()
                    .map(|d| {
                        let via = match d.from_api {
                            Some(true) => "API",
                            Some(false) => "web interface",
                            None => DASH,
                        };
                        view! {
                            <tr>
                                <td>{or_dash(d.username.clone())}</td>
                                <td class="col-time">{time_text(d.time.as_ref(), zone)}</td>
                                <td>{or_dash(d.ip_address.clone())}</td>
                                <td>{via}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                <table id="downloads-table" class="data detail-table">
                    <thead><tr><th>"User"</th><th>"Time"</th><th>"From"</th><th>"Via"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
            },
        )
    };
    view! {
        <section class="card panel" id="trail-downloads">
            <header class="panel-head"><h2>"Trail downloads"</h2></header>
            {body}
        </section>
    }
}
