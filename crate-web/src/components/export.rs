//! Exporting the current result as CSV, JSON or NDJSON.
//!
//! crate-core's exporters write into a [`ChunkSink`] whose chunks go, as they
//! are made, to a file or to the `Uint8Array` parts of a `Blob`: the file is
//! never one big Rust `Vec` or string, and the writing pauses every few
//! thousand sessions so the page can paint the progress and stay responsive.
//!
//! Large exports (more than [`CONFIRM_ROWS`] sessions, or an estimated
//! [`CONFIRM_BYTES`]) ask for confirmation first, then go straight to a file
//! the user picks when the browser has the File System Access API
//! (`showSaveFilePicker`, Chromium): each chunk is written to the file and
//! awaited before the next batch, so the page holds one chunk at a time.
//! Elsewhere, or when the browser refuses the picker (no user gesture left
//! after the confirmation), they become a `Blob` download like small ones.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use sps_core::export::{export_file_name, session_columns, ChunkSink, ExportKind};
use sps_core::query::FieldSpec;
use sps_core::{
    CsvExporter, CsvOptions, JsonExporter, NdjsonExporter, SessionExporter, SessionRow, Timestamp,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api;
use crate::components::session_table::TableRows;
use crate::components::zone::ListZone;

/// Sessions written between two pauses.
const BATCH: usize = 2_000;

/// Bytes per Blob part or file write.
const CHUNK: usize = 256 * 1024;

/// Exports of more sessions than this ask for confirmation first.
pub const CONFIRM_ROWS: u64 = 50_000;

/// Exports estimated larger than this (bytes) ask for confirmation first.
pub const CONFIRM_BYTES: u64 = 100_000_000;

/// Bytes per cell assumed by [`estimated_bytes`]: a timestamp cell with its
/// quotes and comma is 30.
const CELL_BYTES: u64 = 32;

/// A rough size of an export of `rows` sessions with `columns` columns (plus
/// the key): [`CELL_BYTES`] per cell for CSV, twice that for JSON and
/// NDJSON, which repeat the field names.
pub fn estimated_bytes(kind: ExportKind, rows: u64, columns: usize) -> u64 {
    let per_cell = match kind {
        ExportKind::Csv => CELL_BYTES,
        ExportKind::Json | ExportKind::Ndjson => 2 * CELL_BYTES,
    };
    rows.saturating_mul(columns as u64 + 1)
        .saturating_mul(per_cell)
}

/// Whether an export that large asks for confirmation.
pub fn needs_confirmation(kind: ExportKind, rows: u64, columns: usize) -> bool {
    rows > CONFIRM_ROWS || estimated_bytes(kind, rows, columns) > CONFIRM_BYTES
}

/// Asks the user whether to go on with a large export (the browser's
/// `confirm`); false when they decline or the page cannot ask.
pub fn confirm_large(kind: ExportKind, rows: u64, columns: usize, rows_text: &str) -> bool {
    let megabytes = estimated_bytes(kind, rows, columns).div_ceil(1_000_000);
    let message = format!(
        "Export {rows_text} sessions as {}? The file will be about {megabytes} MB.",
        kind.extension().to_uppercase()
    );
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&message).ok())
        .unwrap_or(false)
}

/// What a finished export did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDone {
    /// The file name.
    pub name: String,
    /// Written to a file the user picked (File System Access API), not
    /// downloaded as a Blob.
    pub to_file: bool,
    /// crate-core's warning: sessions whose multi-valued fields gave more
    /// rows than the per-session limit.
    pub warning: Option<String>,
}

/// `target.name(args...)`, a method looked up by name (web-sys has no
/// bindings for the File System Access API).
fn call_method(target: &JsValue, name: &str, args: &Array) -> Result<JsValue, String> {
    let method = Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| format!("the browser has no `{name}`"))?;
    method
        .apply(target, args)
        .map_err(|e| sps_core::client::js_error_text(&e))
}

async fn await_value(value: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&value)).await
}

/// Where the chunks go.
#[derive(Clone)]
enum Target {
    /// A `FileSystemWritableFileStream`, and its latest write.
    File {
        writable: JsValue,
        pending: Rc<RefCell<Option<JsValue>>>,
    },
    /// The parts of a Blob.
    Blob(Array),
}

/// What the save picker gave.
enum Picked {
    File(Target),
    /// The user closed the picker: no export.
    Cancelled,
    /// No picker, or the browser refused it: use a Blob.
    Unavailable,
}

/// Opens a file the user picks, named `name` by default.
async fn pick_file(name: &str) -> Picked {
    let Some(window) = web_sys::window() else {
        return Picked::Unavailable;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"suggestedName".into(), &name.into());
    let handle = match call_method(&window, "showSaveFilePicker", &Array::of1(&options)) {
        Ok(promise) => match await_value(promise).await {
            Ok(handle) => handle,
            Err(e) => {
                let error_name = Reflect::get(&e, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string());
                return match error_name.as_deref() {
                    Some("AbortError") => Picked::Cancelled,
                    // SecurityError, NotAllowedError: no user gesture left.
                    _ => Picked::Unavailable,
                };
            }
        },
        Err(_) => return Picked::Unavailable,
    };
    match call_method(&handle, "createWritable", &Array::new()) {
        Ok(promise) => match await_value(promise).await {
            Ok(writable) => Picked::File(Target::File {
                writable,
                pending: Rc::new(RefCell::new(None)),
            }),
            Err(_) => Picked::Unavailable,
        },
        Err(_) => Picked::Unavailable,
    }
}

impl Target {
    /// Hands one chunk on: appended to the Blob parts, or written to the
    /// file (after the previous write, which the stream queues).
    fn put(&self, bytes: &[u8]) -> std::io::Result<()> {
        let chunk = Uint8Array::from(bytes);
        match self {
            Target::Blob(parts) => {
                parts.push(&chunk);
                Ok(())
            }
            Target::File { writable, pending } => {
                let promise = call_method(writable, "write", &Array::of1(&chunk))
                    .map_err(std::io::Error::other)?;
                pending.replace(Some(promise));
                Ok(())
            }
        }
    }

    /// Waits until the file has taken every chunk so far (so no more than
    /// a batch is ever queued); the page also gets to paint.
    async fn settle(&self) -> Result<(), String> {
        if let Target::File { pending, .. } = self {
            let last = pending.borrow_mut().take();
            if let Some(promise) = last {
                await_value(promise).await.map_err(|e| {
                    format!(
                        "cannot write the file: {}",
                        sps_core::client::js_error_text(&e)
                    )
                })?;
            }
        }
        api::sleep_ms(0).await;
        Ok(())
    }

    /// Closes the file, or offers the Blob as a download.
    async fn close(&self, name: &str, mime: &str) -> Result<(), String> {
        match self {
            Target::Blob(parts) => download(name, mime, parts),
            Target::File { writable, .. } => {
                self.settle().await?;
                let closed = call_method(writable, "close", &Array::new())?;
                await_value(closed).await.map(drop).map_err(|e| {
                    format!(
                        "cannot close the file: {}",
                        sps_core::client::js_error_text(&e)
                    )
                })
            }
        }
    }

    /// Gives up a file half written (the browser then drops it).
    fn abort(&self) {
        if let Target::File { writable, .. } = self {
            let _ = call_method(writable, "abort", &Array::new());
        }
    }
}

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
/// `kind`, named after `query_time_ms` (when the rows were fetched), to a
/// file the user picks when `to_file` and the browser can, else as a Blob
/// download. `progress` hears how many sessions are written. `None` when the
/// user closed the file picker.
pub async fn export_rows(
    kind: ExportKind,
    rows: &TableRows,
    columns: &[&'static FieldSpec],
    tz: ListZone,
    query_time_ms: f64,
    to_file: bool,
    progress: impl Fn(usize),
) -> Result<Option<ExportDone>, String> {
    let when = Timestamp::from_unix_millis(query_time_ms as i64)
        .ok_or("the browser's clock is out of range")?
        .instant();
    let name = export_file_name(kind, &when);
    let target = if to_file {
        match pick_file(&name).await {
            Picked::File(target) => target,
            Picked::Cancelled => return Ok(None),
            Picked::Unavailable => Target::Blob(Array::new()),
        }
    } else {
        Target::Blob(Array::new())
    };
    match write_rows(kind, rows, columns, tz, &target, progress).await {
        Ok(warning) => {
            target.close(&name, kind.mime_type()).await?;
            Ok(Some(ExportDone {
                name,
                to_file: matches!(target, Target::File { .. }),
                warning,
            }))
        }
        Err(e) => {
            target.abort();
            Err(e)
        }
    }
}

/// Writes every row to `target`, a batch at a time; returns the CSV
/// exporter's warning, if any.
async fn write_rows(
    kind: ExportKind,
    rows: &TableRows,
    columns: &[&'static FieldSpec],
    tz: ListZone,
    target: &Target,
    progress: impl Fn(usize),
) -> Result<Option<String>, String> {
    let sink = {
        let target = target.clone();
        ChunkSink::new(CHUNK, move |bytes: &[u8]| target.put(bytes))
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
            write_batches(&mut out, &all, target, &progress).await?;
            let warning = out.expansion_cut().map(|cut| cut.to_string());
            finish(out.finish())?;
            Ok(warning)
        }
        ExportKind::Json => {
            let mut out = JsonExporter::new(sink).map_err(|e| e.to_string())?;
            write_batches(&mut out, &all, target, &progress).await?;
            finish(out.finish())?;
            Ok(None)
        }
        ExportKind::Ndjson => {
            let mut out = NdjsonExporter::new(sink).map_err(|e| e.to_string())?;
            write_batches(&mut out, &all, target, &progress).await?;
            finish(out.finish())?;
            Ok(None)
        }
    }
}

/// The one export loop, whatever the format: a batch of rows, the progress,
/// then a pause so that the page stays responsive and a file keeps up.
async fn write_batches<W: std::io::Write, E: SessionExporter<W>>(
    out: &mut E,
    all: &[&SessionRow],
    target: &Target,
    progress: &impl Fn(usize),
) -> Result<(), String> {
    for (n, batch) in all.chunks(BATCH).enumerate() {
        out.write_sessions(batch.iter().copied())
            .map_err(|e| e.to_string())?;
        progress(n * BATCH + batch.len());
        target.settle().await?;
    }
    Ok(())
}

/// Hands on the last bytes: an exporter's `finish` flushes its own buffer
/// into the sink, but the sink keeps anything under a chunk until flushed.
fn finish<W: std::io::Write>(out: sps_core::Result<W>) -> Result<(), String> {
    let mut sink = out.map_err(|e| e.to_string())?;
    sink.flush()
        .map_err(|e| format!("cannot write the export: {e}"))
}

/// Offers `bytes` as a file download named `name` (see [`download`]).
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    download(name, mime, &Array::of1(&Uint8Array::from(bytes)))
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
