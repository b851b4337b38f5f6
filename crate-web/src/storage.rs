//! Web storage (`localStorage`, `sessionStorage`) through `gloo-storage`,
//! asked only when the browser has it.
//!
//! gloo-storage's accessors throw a JavaScript exception when the storage is
//! missing or refused (disabled storage, a sandboxed frame, blocked cookies),
//! and an exception crossing wasm frames leaves the app in an unknown state.
//! Every use here checks first, so a missing storage reads as "nothing
//! stored" and a write is quietly skipped: what the viewer keeps there
//! (columns, widths, recent queries, the list for previous/next) is a
//! convenience, never needed to work. Values that do not parse (garbage,
//! an older format) read as nothing too; callers fall back to defaults.

use gloo_storage::{LocalStorage, SessionStorage, Storage};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// True when `localStorage` can be used (gloo-storage would throw otherwise).
fn local_available() -> bool {
    web_sys::window().is_some_and(|w| matches!(w.local_storage(), Ok(Some(_))))
}

/// True when `sessionStorage` can be used (gloo-storage would throw otherwise).
fn session_available() -> bool {
    web_sys::window().is_some_and(|w| matches!(w.session_storage(), Ok(Some(_))))
}

/// The JSON value under `key` in `localStorage`; `None` when absent, not
/// parseable as `T`, or when there is no storage.
pub fn local_get<T: DeserializeOwned>(key: &str) -> Option<T> {
    local_available()
        .then(|| LocalStorage::get(key).ok())
        .flatten()
}

/// Stores `value` as JSON under `key` in `localStorage`. Best effort:
/// no storage, a full one or a value that does not serialize is ignored.
pub fn local_set<T: Serialize>(key: &str, value: &T) {
    if local_available() {
        let _ = LocalStorage::set(key, value);
    }
}

/// The JSON value under `key` in `sessionStorage`; `None` when absent, not
/// parseable as `T`, or when there is no storage.
pub fn session_get<T: DeserializeOwned>(key: &str) -> Option<T> {
    session_available()
        .then(|| SessionStorage::get(key).ok())
        .flatten()
}

/// The text under `key` in `sessionStorage`, as stored (not JSON); `None`
/// when absent or when there is no storage.
pub fn session_get_text(key: &str) -> Option<String> {
    if !session_available() {
        return None;
    }
    // The raw storage: this value is plain text (a URL), not JSON.
    SessionStorage::raw().get_item(key).ok().flatten()
}

/// Stores `value` as JSON under `key` in `sessionStorage` (best effort).
pub fn session_set<T: Serialize>(key: &str, value: &T) {
    if session_available() {
        let _ = SessionStorage::set(key, value);
    }
}

/// Stores `text` as it is (not JSON) under `key` in `sessionStorage`
/// (best effort).
pub fn session_set_text(key: &str, text: &str) {
    if session_available() {
        let _ = SessionStorage::raw().set_item(key, text);
    }
}
