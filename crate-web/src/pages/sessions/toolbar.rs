//! The toolbar pieces both result views share: the time zone choice, the
//! export menu with its status line, and the "Fetch all" button.

use crate::api::spawn_local;
use leptos::prelude::*;
use sps_core::export::ExportKind;

use super::ctx::{Ctx, ExportStatus};
use super::loaded::{export_everything, fetch_everything};
use crate::components::export::ExportMenu;
use crate::components::table_keys::html_element;
use crate::components::zone::{parse_offset, ListZone};
use crate::list_state::{ListState, TimeDisplay};

/// The time zone buttons, and a box for a fixed offset (`+05:30`).
pub(crate) fn tz_buttons(state: &ListState, go: Callback<ListState>) -> impl IntoView {
    let buttons = TimeDisplay::ALL
        .into_iter()
        .map(|choice| {
            let next = ListState {
                tz: ListZone::Display(choice),
                ..state.clone()
            };
            let pressed = ListZone::Display(choice) == state.tz;
            view! {
                <button type="button" class="seg" class:active=pressed
                    aria-pressed=if pressed { "true" } else { "false" }
                    data-tz=choice.token()
                    on:click=move |_| go.run(next.clone())>
                    {choice.label()}
                </button>
            }
        })
        .collect_view();
    let fixed = match state.tz {
        ListZone::Fixed(_) => state.tz.token(),
        ListZone::Display(_) => String::new(),
    };
    let is_fixed = !fixed.is_empty();
    let current = state.clone();
    let set_offset = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        if text.trim().is_empty() {
            go.run(ListState {
                tz: ListZone::DEFAULT,
                ..current.clone()
            });
        } else if let Some(offset) = parse_offset(&text) {
            go.run(ListState {
                tz: ListZone::Fixed(offset),
                ..current.clone()
            });
        }
    };
    view! {
        <div id="tz-choice" class="segmented segmented-small" role="group" aria-label="Show times in">
            <span class="seg-label">"Times"</span>
            {buttons}
            <input id="tz-offset" class="seg seg-input" class:active=is_fixed type="text"
                inputmode="text" size="6" maxlength="6" placeholder="±hh:mm"
                title="A fixed offset from UTC, e.g. +05:30 (Enter to apply)"
                aria-label="Fixed UTC offset" prop:value=fixed on:change=set_offset/>
        </div>
    }
}

/// The export menu and the line that tells how an export goes.
pub(super) fn export_controls(ctx: Ctx) -> impl IntoView {
    let busy = Signal::derive(move || {
        ctx.run.with(Option::is_some)
            || ctx
                .export_status
                .with(|s| matches!(s, Some(ExportStatus::Working(_))))
    });
    let on_export = Callback::new(move |kind: ExportKind| {
        if let Some(menu) = html_element("#export-menu") {
            let _ = menu.remove_attribute("open");
        }
        spawn_local(export_everything(ctx, kind));
    });
    view! {
        <ExportMenu on_export=on_export busy=busy/>
        {move || ctx.export_status.get().map(|s| {
            let (class, text) = match s {
                ExportStatus::Working(t) => ("export-status working", t),
                ExportStatus::Done(t) => ("export-status done", t),
                ExportStatus::Failed(t) => ("export-status failed", t),
            };
            view! { <span id="export-status" class=class role="status">{text}</span> }
        })}
    }
}

/// The "Fetch all" button.
pub(super) fn fetch_button(ctx: Ctx, label: String) -> impl IntoView {
    view! {
        <button id="fetch-all" type="button" class="btn"
            disabled=move || ctx.run.with(Option::is_some)
            title="Load every matching session into the page, to scroll, sort and export them all"
            on:click=move |_| spawn_local(async move { let _ = fetch_everything(ctx).await; })>
            {label}
        </button>
    }
}
