//! JavaScript bindings for the npm package `spsview` (feature `js`, wasm32
//! only), made with wasm-bindgen. The package's hand-written `npm/index.js`
//! wraps these raw exports into its public API (`SpsClient`, async
//! iterators, `Error` subclasses) and `npm/index.d.ts` types them; every
//! model, parser, paging plan and exporter stays here in Rust.
//!
//! - [`RawClient`]: the [`Client`] over [`FetchTransport`] (in Node with its
//!   own cookie, since Node's `fetch` has no jar). Every method returns a
//!   `Promise`.
//! - [`JsQuery`] and [`JsFieldBuilder`]: the `q` builder ([`Query::field`]).
//! - [`JsCancel`]: a [`CancelToken`] that the wrapper wires to an `AbortSignal`.
//! - `rowsToCsv`, `rowsToJson`, `rowsToNdjson` (the package's `toCsv`, `toJson`,
//!   `toNdjson`): the exporters, rows in as one JSON text,
//!   the export out as one string.
//!
//! Data goes to JavaScript as plain objects made by `JSON.parse` of text that
//! serde_json wrote (measured faster than building the objects
//! one property at a time with serde-wasm-bindgen; figures in `npm/README.md`).
//! Errors are JavaScript `Error`s carrying `spsKind`, `type`, `status`,
//! `details`, `position` and `problem` (see [`js_error`]), which the wrapper turns into
//! its `SpsError` subclasses.

use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::client::FetchTransport;
use crate::client::{CancelToken, Client, FetchObserver, FetchOptions, Progress};
use crate::client::{PagingMode, SnapshotPolicy};
use crate::error::{Error, ErrorKind, Result};
use crate::export::{
    session_columns, CsvColumn, CsvExporter, CsvOptions, JsonExporter, LineEnd, MultiValue,
    NdjsonExporter, SessionExporter as _, TimeFormat,
};
use crate::model::decode::decode_json;
#[cfg(feature = "js-bench")]
use crate::model::decode::decode_session_list;
use crate::model::session::SessionRow;
use crate::model::timestamp::{Timestamp, Zone};
use crate::query::ast::Query;
use crate::query::builder::{FieldBuilder, RangeEnd};
use crate::query::parse::parse_query;
use crate::request::histogram::HistogramBin;
use crate::request::search::{ContentSearch, EventSearch, SessionSearch};

mod client;
mod error;
mod export;
mod query;
mod search;

pub use client::{JsCancel, RawClient};
pub use error::js_error;
pub use export::*;
pub use query::{JsFieldBuilder, JsQuery};
pub use search::*;

// ---------------------------------------------------------------------------
// Crossing the boundary
// ---------------------------------------------------------------------------

/// How a Rust value becomes a JavaScript value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Boundary {
    /// serde-wasm-bindgen builds the objects property by property (measured
    /// only: feature `js-bench`).
    #[cfg(feature = "js-bench")]
    Objects,
    /// serde_json writes text, `JSON.parse` builds the objects.
    JsonText,
}

/// The way every value crosses (chosen by measurement, see the module notes).
pub(super) const BOUNDARY: Boundary = Boundary::JsonText;

pub(super) fn boundary_error(message: impl std::fmt::Display) -> Error {
    ErrorKind::Export {
        message: format!("cannot hand the value over to JavaScript: {message}"),
    }
    .into()
}

pub(super) fn to_js_with<T: Serialize + ?Sized>(value: &T, boundary: Boundary) -> Result<JsValue> {
    match boundary {
        #[cfg(feature = "js-bench")]
        Boundary::Objects => value
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(boundary_error),
        Boundary::JsonText => {
            let text = serde_json::to_string(value).map_err(boundary_error)?;
            js_sys::JSON::parse(&text).map_err(|e| boundary_error(crate::client::js_error_text(&e)))
        }
    }
}

/// A Rust value as plain JavaScript data (objects, arrays, strings, numbers).
pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    to_js_with(value, BOUNDARY)
}

/// Reads JavaScript data (`what` names it in errors) into `T`; `undefined`
/// and `null` give `T::default()`.
pub(super) fn from_js<T: for<'de> Deserialize<'de> + Default>(
    what: &str,
    value: JsValue,
) -> Result<T> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    // As JSON text, read by the same decoder as the API's replies: one path
    // for errors, and no second deserializer in the wasm.
    let text = js_sys::JSON::stringify(&value).map_err(|e| {
        Error::from(ErrorKind::Decode {
            what: what.to_owned(),
            path: ".".to_owned(),
            message: format!("not plain data: {}", crate::client::js_error_text(&e)),
        })
    })?;
    decode_json(what, String::from(text).as_bytes())
}

pub(super) fn set(target: &JsValue, name: &str, value: &JsValue) {
    // Setting a property of a fresh `Error` cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(name), value);
}

/// Runs `future` as a `Promise` that resolves to its value as JavaScript data
/// or rejects with [`js_error`].
pub(super) fn promise<T, F>(future: F) -> Promise
where
    T: Serialize,
    F: Future<Output = Result<T>> + 'static,
{
    future_to_promise(async move {
        let value = future.await.map_err(|e| js_error(&e))?;
        to_js(&value).map_err(|e| js_error(&e))
    })
}
