//! The wasm half of `cargo xtask bench`, loaded by `bench/page/bench.mjs` in
//! headless Chromium: the same sps-core code paths the viewer runs, timed by
//! the page next to the browser's own `JSON.parse`.
//!
//! Built with the `wasm-release` profile, as the viewer is, so the figures are
//! those of the code users download.
#![deny(missing_docs)]

use std::cell::RefCell;

pub mod bench_data;

use sps_core::model::{
    decode_json, decode_session_list, Collection, FieldSource, Session, SessionRow, Single,
};
use wasm_bindgen::prelude::*;

/// Decodes one `GET /api/audit/sessions?fields=*` page the way the viewer's
/// list does (`decode_session_list`: rows whose bodies stay JSON values, read
/// through `FieldSource`) and returns a checksum (sessions plus the length of every key and gateway
/// user), so the optimiser cannot drop the decoding. Errors become a JS
/// exception with the decoder's message (which names the JSON path).
#[wasm_bindgen]
pub fn decode_page(bytes: &[u8]) -> Result<u32, JsError> {
    let page = decode_session_list(bytes).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(page.items.iter().map(touch).fold(0u32, u32::wrapping_add))
}

/// Decodes the same page straight into typed [`Session`] models (every field
/// parsed: timestamps, enums, numbers) and returns a checksum, as `decode_page`.
#[wasm_bindgen]
pub fn decode_page_typed(bytes: &[u8]) -> Result<u32, JsError> {
    let page: Collection<Single<Session>> =
        decode_json("session list", bytes).map_err(|e| JsError::new(&e.to_string()))?;
    let sum = page.items.iter().map(|item| {
        let key = item.key.as_deref().map_or(0, str::len) as u32;
        let user = item.body.field_values("user.gateway_username").count() as u32;
        1 + key + user
    });
    Ok(sum.fold(0u32, u32::wrapping_add))
}

/// Reads the row the way the table does (a key and one looked-up field).
fn touch(row: &SessionRow) -> u32 {
    let user = row
        .body
        .as_ref()
        .map(|body| body.field_values("user.gateway_username").count())
        .unwrap_or(0);
    1 + row.key.len() as u32 + user as u32
}

/// Sessions built for a given `n`, with their keys.
type Prepared = Option<(u32, Vec<(String, Session)>)>;

thread_local! {
    /// The generated sessions, built once per `n` so that repeated exports time
    /// the CSV writer only, as the native criterion bench does.
    static SESSIONS: RefCell<Prepared> = const { RefCell::new(None) };
}

/// Builds `n` sessions (the native bench's data, [`bench_data`]) and
/// keeps them for `csv_export`; returns how many there are. Separate from the
/// export so the page times only the export.
#[wasm_bindgen]
pub fn prepare_sessions(n: u32) -> Result<u32, JsError> {
    let sessions = bench_data::sessions(n as usize).map_err(|e| JsError::new(&e.to_string()))?;
    let count = sessions.len() as u32;
    SESSIONS.with(|cell| *cell.borrow_mut() = Some((n, sessions)));
    Ok(count)
}

/// Exports `n` sessions to CSV with the viewer's settings (as the native bench's
/// `viewer_full_sessions`) and returns the bytes written. Prepares the sessions
/// first if `prepare_sessions(n)` was not called.
#[wasm_bindgen]
pub fn csv_export(n: u32) -> Result<usize, JsError> {
    let prepared = SESSIONS.with(|cell| matches!(&*cell.borrow(), Some((m, _)) if *m == n));
    if !prepared {
        prepare_sessions(n)?;
    }
    let options = bench_data::viewer_options().map_err(|e| JsError::new(&e.to_string()))?;
    SESSIONS.with(|cell| {
        let guard = cell.borrow();
        let sessions = guard.as_ref().map(|(_, s)| s.as_slice()).unwrap_or(&[]);
        bench_data::export(sessions, &options, 0)
            .map(|bytes| bytes.len())
            .map_err(|e| JsError::new(&e.to_string()))
    })
}
