//! What the detail page's lists share: a list's loading and error states,
//! the per-session export buttons, row activation by keyboard and the
//! channel column. The lists themselves are in `events.rs`, `alerts.rs`,
//! `content.rs` and `records.rs`.

use leptos::prelude::*;
use sps_core::export::{
    detail_file_name, write_details_csv, write_details_json, DetailItem, ExportKind, JsonFormat,
    SessionContext,
};
use sps_core::{CsvOptions, Timestamp};

use super::util::DASH;
use crate::api::ApiError;
use crate::components::export::download_bytes;
use crate::components::{ErrorPanel, Loading};

/// Enter or Space on a focused row selects it, as a click does.
pub(super) fn activates(ev: &web_sys::KeyboardEvent) -> bool {
    let key = ev.key();
    if key == "Enter" || key == " " {
        ev.prevent_default();
        true
    } else {
        false
    }
}

/// Shows a list's loading or error state (with `retry`), or `ok` for its items.
pub(super) fn list_state<T, V>(
    what: &'static str,
    value: Option<Result<Vec<T>, ApiError>>,
    retry: Callback<()>,
    ok: impl FnOnce(Vec<T>) -> V,
) -> AnyView
where
    V: IntoView + 'static,
{
    match value {
        None => view! { <Loading what=what/> }.into_any(),
        Some(Err(e)) if e.is_auth() => view! { <Loading what="the login page"/> }.into_any(),
        Some(Err(e)) => view! {
            <ErrorPanel title=format!("Could not load {what}") message=e.to_string()
                kind=e.kind_code() retry=retry/>
        }
        .into_any(),
        Some(Ok(items)) => ok(items).into_any(),
    }
}

/// Writes a per-session export and offers it as a download.
pub(super) fn export<T: DetailItem>(
    kind: ExportKind,
    context: &SessionContext,
    items: &[T],
) -> Result<String, String> {
    let bytes = match kind {
        ExportKind::Csv => {
            write_details_csv(Vec::new(), context, items.iter(), &CsvOptions::default())
        }
        ExportKind::Json => {
            write_details_json(Vec::new(), context, items.iter(), JsonFormat::Array)
        }
        ExportKind::Ndjson => {
            write_details_json(Vec::new(), context, items.iter(), JsonFormat::Lines)
        }
    }
    .map_err(|e| e.to_string())?;
    let now = Timestamp::from_unix_millis(js_sys::Date::now() as i64)
        .ok_or("the browser's clock is out of range")?
        .instant();
    let name = detail_file_name(kind, &context.key, T::KIND, &now);
    download_bytes(&name, kind.mime_type(), &bytes)?;
    Ok(name)
}

/// "Export CSV / JSON" buttons for one list. `items` gives the list when loaded.
pub fn export_buttons<T, F>(
    context: SessionContext,
    items: F,
    testid: &'static str,
) -> impl IntoView
where
    T: DetailItem + 'static,
    F: Fn() -> Option<Vec<T>> + Clone + Send + Sync + 'static,
{
    let message = RwSignal::new(None::<Result<String, String>>);
    let context = StoredValue::new(context);
    let run = move |kind: ExportKind, items: &F| {
        let result = match items() {
            Some(list) => context.with_value(|c| export(kind, c, &list)),
            None => Err("the list has not loaded yet".to_owned()),
        };
        message.set(Some(result));
    };
    let (items_csv, items_json) = (items.clone(), items);
    view! {
        <span class="export" data-export=testid>
            <span class="muted">"Export"</span>
            <button type="button" class="btn btn-sm" data-format="csv"
                on:click=move |_| run(ExportKind::Csv, &items_csv)>"CSV"</button>
            <button type="button" class="btn btn-sm" data-format="json"
                on:click=move |_| run(ExportKind::Json, &items_json)>"JSON"</button>
            {move || message.get().map(|m| match m {
                Ok(name) => view! { <span class="export-note muted" data-file=name.clone()>{format!("Saved {name}")}</span> }.into_any(),
                Err(e) => view! { <span class="export-note error-text" role="alert">{format!("Export failed: {e}")}</span> }.into_any(),
            })}
        </span>
    }
}

/// The channel column of a row: the lane's key and type for a channel id.
pub(super) fn channel_cell(id: Option<String>, names: &[(String, String)]) -> (String, String) {
    match id {
        Some(id) => {
            let name = names
                .iter()
                .find(|(k, _)| *k == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            (format!("#{id}"), name)
        }
        None => (DASH.to_owned(), String::new()),
    }
}
