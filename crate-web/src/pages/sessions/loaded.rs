//! The loaded rows: every matching session fetched into the page ("Fetch
//! all", or an export that needed them), their client-side order, and the
//! export of the whole result.

use std::sync::Arc;

use leptos::prelude::*;
use sps_core::client::TotalSource;
use sps_core::export::ExportKind;
use sps_core::request::{compare_by_sort, parse_sort};
use sps_core::{CancelToken, Catalogue, ErrorKind, SessionRow, SortKey};

use super::ctx::{Ctx, ExportStatus};
use crate::api::{self, ApiError};
use crate::components::columns::request_fields;
use crate::components::export::{confirm_large, export_rows, needs_confirmation};
use crate::components::fetch_all::{grouped, FetchRun, PageObserver};
use crate::components::session_table::TableRows;
use crate::list_state::ListState;

/// Every matching session, loaded into the page by "Fetch all" (or by an
/// export that needed them).
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The search they answer ([`ListState::data_key`]).
    pub for_key: ListState,
    /// The rows, in the order the appliance delivered them.
    pub rows: Arc<Vec<SessionRow>>,
    /// False when the fetch stopped early (cancelled, or an error): `rows`
    /// is then a prefix of the result.
    pub complete: bool,
    /// How many match, when the appliance said.
    pub expected: Option<u64>,
    /// How `expected` is known (`_count`, `match_count`, ...), for a
    /// complete fetch.
    pub total_source: Option<TotalSource>,
    /// When the fetch started (browser clock, ms): the export's "query time".
    pub fetched_at_ms: f64,
    /// Why it stopped early.
    pub note: Option<String>,
    /// The fields fetched (`fields=`): a column added later needs a new fetch.
    pub fields: Vec<&'static str>,
}

impl PartialEq for Loaded {
    /// The same fetch: rows are compared by identity (100,000 rows are never
    /// compared element by element).
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.rows, &other.rows)
            && self.for_key == other.for_key
            && self.complete == other.complete
    }
}

/// The display order of `rows` under `keys` (crate-core's comparison, the
/// same the simulator sorts with), as indices; the fetch order when no key.
pub fn sorted_order(rows: &[SessionRow], keys: &[SortKey]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    if !keys.is_empty() {
        let catalogue = Catalogue::sessions();
        // Stable: rows equal under every key keep the appliance's order.
        order.sort_by(|&a, &b| {
            compare_by_sort(keys, catalogue, &rows[a as usize], &rows[b as usize])
        });
    }
    order
}

/// Fetches every session of the current search into the page. Returns what
/// was loaded (complete or not), or `None` when a fetch was already running
/// or the search cannot be sent.
pub(super) async fn fetch_everything(ctx: Ctx) -> Option<Loaded> {
    if ctx.run.with_untracked(Option::is_some) {
        return None;
    }
    let key = ctx.data_key.get_untracked();
    let fields = ctx.columns.with_untracked(|c| request_fields(c));
    let search = match key.fetch_search(&fields) {
        Ok(search) => search,
        Err(e) => {
            ctx.export_status
                .set(Some(ExportStatus::Failed(e.to_string())));
            return None;
        }
    };
    let cancel = CancelToken::new();
    ctx.run.set(Some(FetchRun {
        fetched: 0,
        expected: None,
        cancel: cancel.clone(),
        expiring: None,
    }));
    let mut observer = PageObserver {
        run: ctx.run,
        relogin: ctx.relogin,
    };
    let started = js_sys::Date::now();
    let result = api::fetch_all_sessions(&search, &mut observer, &cancel).await;
    let expected = ctx
        .run
        .with_untracked(|r| r.as_ref().and_then(|r| r.expected));
    ctx.run.set(None);
    let loaded = match result {
        Ok(fetched) => Loaded {
            for_key: key,
            rows: Arc::new(fetched.items),
            complete: fetched.completeness.complete,
            expected: fetched.expected_total.or(expected),
            total_source: Some(fetched.completeness.source),
            fetched_at_ms: started,
            note: None,
            fields,
        },
        Err(stopped) => {
            let note = match stopped.error.kind() {
                ErrorKind::Cancelled => "Cancelled".to_owned(),
                // Fewer rows than SPS counted: say so in sps-core's words.
                ErrorKind::Incomplete { .. } => stopped.error.to_string(),
                _ => ApiError::from(stopped.error).to_string(),
            };
            Loaded {
                for_key: key,
                rows: Arc::new(stopped.partial),
                complete: false,
                expected,
                total_source: None,
                fetched_at_ms: started,
                note: Some(note),
                fields,
            }
        }
    };
    ctx.loaded.set(Some(loaded.clone()));
    Some(loaded)
}

/// Exports the whole current result: the loaded rows when complete, else
/// fetches them first (with the same progress bar and Cancel).
pub(super) async fn export_everything(ctx: Ctx, kind: ExportKind) {
    let ready = ctx.current.get_untracked().filter(|l| l.complete);
    let loaded = match ready {
        Some(loaded) => loaded,
        None => {
            ctx.export_status.set(Some(ExportStatus::Working(
                "Fetching every session first…".into(),
            )));
            match fetch_everything(ctx).await {
                Some(loaded) if loaded.complete => loaded,
                Some(loaded) => {
                    let why = loaded.note.unwrap_or_default();
                    ctx.export_status.set(Some(ExportStatus::Failed(format!(
                        "Not exported: the fetch stopped ({why}) after {} sessions.",
                        grouped(loaded.rows.len() as u64)
                    ))));
                    return;
                }
                None => {
                    ctx.export_status.set(None);
                    return;
                }
            }
        }
    };
    let state = ctx.state.get_untracked();
    let keys = parse_sort(&state.sort, Catalogue::sessions()).unwrap_or_default();
    let data = TableRows {
        order: Arc::new(sorted_order(&loaded.rows, &keys)),
        rows: loaded.rows,
    };
    let total = data.len() as u64;
    let status = ctx.export_status;
    let progress = move |n: usize| {
        status.set(Some(ExportStatus::Working(format!(
            "Writing {} of {} sessions…",
            grouped(n as u64),
            grouped(total)
        ))));
    };
    let columns = ctx.columns.get_untracked();
    // Large: ask first, then write to a file as the rows are turned into text.
    let large = needs_confirmation(kind, total, columns.len());
    if large && !confirm_large(kind, total, columns.len(), &grouped(total)) {
        status.set(Some(ExportStatus::Failed(format!(
            "Not exported: the export of {} sessions was declined.",
            grouped(total)
        ))));
        return;
    }
    match export_rows(
        kind,
        &data,
        &columns,
        state.tz,
        loaded.fetched_at_ms,
        large,
        progress,
    )
    .await
    {
        Ok(Some(done)) => {
            let warning = done
                .warning
                .map(|w| format!(" Warning: {w}."))
                .unwrap_or_default();
            status.set(Some(ExportStatus::Done(format!(
                "Saved {} ({} sessions).{warning}",
                done.name,
                grouped(total)
            ))))
        }
        Ok(None) => status.set(Some(ExportStatus::Failed(
            "Not exported: no file was chosen.".into(),
        ))),
        Err(e) => status.set(Some(ExportStatus::Failed(format!("Export failed: {e}")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn loaded_rows_sort_with_crate_cores_comparison() {
        let row = |key: &str, duration: i64, protocol: &str| SessionRow {
            key: key.into(),
            meta: None,
            body: {
                let mut body = sps_core::model::SparseBody::new();
                body.insert("duration", serde_json::json!(duration));
                body.insert("protocol", serde_json::json!(protocol));
                Some(body)
            },
        };
        let rows = vec![
            row("a", 30, "SSH"),
            row("b", 10, "RDP"),
            row("c", 30, "RDP"),
        ];
        let keys = parse_sort("-duration,protocol", Catalogue::sessions()).unwrap_or_default();
        assert_eq!(sorted_order(&rows, &keys), vec![2, 0, 1]);
        assert_eq!(sorted_order(&rows, &[]), vec![0, 1, 2]);
    }
}
