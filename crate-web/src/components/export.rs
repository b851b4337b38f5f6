//! Exporting the current result as CSV, JSON or NDJSON.
//!
//! crate-core's exporters write into a [`ChunkSink`] whose chunks become the
//! `Uint8Array` parts of a `Blob`: the file is never one big Rust `Vec`, and
//! the writing pauses every few thousand sessions so the page can paint the
//! progress and stay responsive.

use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use sps_core::{
    export_file_name, session_columns, ChunkSink, CsvExporter, CsvOptions, ExportKind, FieldSpec,
    JsonExporter, NdjsonExporter, SessionRow, Timestamp,
};
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::session_table::TableRows;
use crate::components::zone::ListZone;

/// Sessions written between two pauses.
const BATCH: usize = 2_000;

/// Bytes per Blob part.
const CHUNK: usize = 256 * 1024;

/// The three buttons, in a menu that `e` opens.
#[component]
pub fn ExportMenu(
    /// A button was pressed.
    on_export: Callback<ExportKind>,
    /// An export (or the fetch under it) is running: buttons disabled.
    #[prop(into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let button = move |kind: ExportKind, label: &'static str| {
        view! {
            <button type="button" class="btn btn-small" data-export=kind.extension()
                disabled=move || busy.get()
                on:click=move |_| on_export.run(kind)>{label}</button>
        }
    };
    view! {
        <details id="export-menu" class="export-menu">
            <summary class="btn" title="Export the whole result (e)">"Export"</summary>
            <div class="export-buttons" role="group" aria-label="Export the whole result">
                {button(ExportKind::Csv, "CSV")}
                {button(ExportKind::Json, "JSON")}
                {button(ExportKind::Ndjson, "NDJSON")}
            </div>
        </details>
    }
}

/// Writes `rows` (display order; the table's `columns` and zone for CSV) as
/// `kind` and downloads the file, named after
/// `query_time_ms` (when the rows were fetched). `progress` hears how many
/// sessions are written. Returns the file name.
pub async fn export_rows(
    kind: ExportKind,
    rows: &TableRows,
    columns: &[&'static FieldSpec],
    tz: ListZone,
    query_time_ms: f64,
    progress: impl Fn(usize),
) -> Result<String, String> {
    let parts = Array::new();
    let sink = {
        let parts = parts.clone();
        ChunkSink::new(CHUNK, move |bytes: &[u8]| {
            parts.push(&Uint8Array::from(bytes));
            Ok(())
        })
    };
    let all: Vec<&SessionRow> = rows.iter().collect();
    match kind {
        ExportKind::Csv => {
            let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
            let columns = session_columns(&names).map_err(|e| e.to_string())?;
            let options = CsvOptions {
                time: tz.time_format(),
                ..CsvOptions::new(columns)
            };
            let mut out = CsvExporter::new(sink, options).map_err(|e| e.to_string())?;
            for (n, batch) in all.chunks(BATCH).enumerate() {
                out.write_sessions(batch.iter().copied())
                    .map_err(|e| e.to_string())?;
                progress(n * BATCH + batch.len());
                api::sleep_ms(0).await;
            }
            finish(out.finish())?;
        }
        ExportKind::Json => {
            let mut out = JsonExporter::new(sink).map_err(|e| e.to_string())?;
            for (n, batch) in all.chunks(BATCH).enumerate() {
                out.write_sessions(batch.iter().copied())
                    .map_err(|e| e.to_string())?;
                progress(n * BATCH + batch.len());
                api::sleep_ms(0).await;
            }
            finish(out.finish())?;
        }
        ExportKind::Ndjson => {
            let mut out = NdjsonExporter::new(sink).map_err(|e| e.to_string())?;
            for (n, batch) in all.chunks(BATCH).enumerate() {
                out.write_sessions(batch.iter().copied())
                    .map_err(|e| e.to_string())?;
                progress(n * BATCH + batch.len());
                api::sleep_ms(0).await;
            }
            finish(out.finish())?;
        }
    }
    let when = Timestamp::from_unix_millis(query_time_ms as i64)
        .ok_or("the browser's clock is out of range")?
        .instant();
    let name = export_file_name(kind, &when);
    download(&name, kind.mime_type(), &parts)?;
    Ok(name)
}

/// Hands on the last bytes: an exporter's `finish` flushes its own buffer
/// into the sink, but the sink keeps anything under a chunk until flushed.
fn finish<W: std::io::Write>(out: sps_core::Result<W>) -> Result<(), String> {
    let mut sink = out.map_err(|e| e.to_string())?;
    sink.flush()
        .map_err(|e| format!("cannot write the export: {e}"))
}

/// Offers the Blob made of `parts` (Uint8Arrays) as a download named `name`.
/// The one download path of the viewer: list exports and per-session exports.
pub fn download(name: &str, mime: &str, parts: &Array) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("the browser refused the download: {e:?}");
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "could not create a link".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    let body = document.body().ok_or("the page has no body")?;
    body.append_child(&anchor).map_err(fail)?;
    anchor.click();
    anchor.remove();
    // The browser reads the URL after click() returns; revoke it a minute later.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}
