//! Offline: browsing an exported JSON or NDJSON file without an appliance.
//!
//! The file's sessions are filtered with crate-core's `CompiledQuery` (the
//! evaluator the simulator uses, so `q` means the same here as on the
//! server), then shown, sorted and exported like loaded rows.

use std::sync::Arc;

use leptos::prelude::*;
use sps_core::model::decode_json;
use sps_core::query::CompiledQuery;
use sps_core::{Catalogue, SessionRow, Timestamp};
use wasm_bindgen::JsCast;

use crate::list_state::ListState;

/// An opened export file.
#[derive(Clone, Debug)]
pub struct OfflineFile {
    /// The file's name, as the browser gave it (shown as text).
    pub name: String,
    /// Its sessions, in file order.
    pub rows: Arc<Vec<SessionRow>>,
    /// When it was opened (the "query time" of exports made from it).
    pub opened_ms: f64,
}

impl PartialEq for OfflineFile {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.rows, &other.rows)
    }
}

/// Reads the text of an export: a JSON array (the JSON export) or one
/// session per line (NDJSON). Errors name the line.
pub fn parse_export(text: &str) -> Result<Vec<SessionRow>, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') {
        return decode_json::<Vec<SessionRow>>("file", trimmed.as_bytes())
            .map_err(|e| e.to_string());
    }
    trimmed
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            decode_json::<SessionRow>("line", line.as_bytes())
                .map_err(|e| format!("line {}: {e}", i + 1))
        })
        .collect()
}

/// The rows of the file that `state` selects: its `q` and its time range,
/// evaluated by crate-core. A content search needs the appliance's index and
/// is not applied offline.
pub fn filter_rows(rows: &[SessionRow], state: &ListState) -> Result<Vec<SessionRow>, String> {
    let query = if state.q.is_empty() {
        CompiledQuery::match_all()
    } else {
        CompiledQuery::parse(&state.q, Catalogue::sessions()).map_err(|e| e.to_string())?
    };
    let bound = |text: &str| -> Result<Option<Timestamp>, String> {
        if text.is_empty() {
            Ok(None)
        } else {
            Timestamp::parse(text).map(Some).map_err(|e| e.to_string())
        }
    };
    let start = match bound(&state.start)? {
        Some(t) => Some(t),
        None => state
            .range
            .start_param()
            .and_then(|s| Timestamp::parse(&s).ok()),
    };
    let end = bound(&state.end)?;
    let query = query.with_time_range(start.as_ref(), end.as_ref());
    Ok(rows.iter().filter(|r| query.matches(*r)).cloned().collect())
}

/// Reads a browser `File` as text.
async fn read_text(file: web_sys::File) -> Result<String, String> {
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|e| format!("cannot read the file: {e:?}"))?;
    text.as_string()
        .ok_or_else(|| "the file is not text".to_owned())
}

/// Opens `file`: reads and decodes it.
pub async fn open_file(file: web_sys::File) -> Result<OfflineFile, String> {
    let name = file.name();
    let text = read_text(file).await?;
    let rows = parse_export(&text)?;
    Ok(OfflineFile {
        name,
        rows: Arc::new(rows),
        opened_ms: js_sys::Date::now(),
    })
}

/// The "Open file" button (a label for a hidden file input). `on_file`
/// receives the chosen file.
#[component]
pub fn OpenFileButton(
    /// A file was chosen.
    on_file: Callback<web_sys::File>,
) -> impl IntoView {
    let changed = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| {
                let file = input.files().and_then(|f| f.get(0));
                // The same file can be opened again after a change.
                input.set_value("");
                file
            });
        if let Some(file) = file {
            on_file.run(file);
        }
    };
    view! {
        <label class="btn open-file" for="open-file-input"
            title="Browse an exported JSON or NDJSON file, without an appliance (or drop it on the page)">
            "Open file…"
        </label>
        <input id="open-file-input" class="visually-hidden" type="file"
            accept=".json,.ndjson,application/json,application/x-ndjson" on:change=changed/>
    }
}

/// The first file of a drop, if any.
pub fn dropped_file(ev: &web_sys::DragEvent) -> Option<web_sys::File> {
    ev.data_transfer()?.files()?.get(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    const NDJSON: &str = concat!(
        r#"{"key":"a","body":{"protocol":"SSH","duration":10,"start_time":"2026-11-20T10:00:00Z"}}"#,
        "\n",
        r#"{"key":"b","body":{"protocol":"RDP","duration":99,"start_time":"2026-11-21T10:00:00Z"}}"#,
        "\n"
    );

    #[wasm_bindgen_test(unsupported = test)]
    fn both_export_forms_read() {
        let rows = parse_export(NDJSON).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        let array = format!("[{}]", NDJSON.trim().replace('\n', ","));
        assert_eq!(parse_export(&array).map(|r| r.len()), Ok(2));
        assert!(parse_export("{\"key\":").is_err_and(|e| e.starts_with("line 1")));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn queries_filter_with_crate_cores_evaluator() {
        let rows = parse_export(NDJSON).unwrap_or_default();
        let state = ListState {
            q: "protocol:ssh".into(),
            ..ListState::default()
        };
        let keys: Vec<String> = filter_rows(&rows, &state)
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.key)
            .collect();
        assert_eq!(keys, vec!["a".to_owned()]);
        let ranged = ListState {
            start: "2026-11-21".into(),
            ..ListState::default()
        };
        assert_eq!(filter_rows(&rows, &ranged).map(|r| r.len()), Ok(1));
    }
}
