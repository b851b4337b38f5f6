//! Text of thrown JavaScript values, shared by the browser transport, the
//! bindings and the viewer (compiled on every target with `fetch`, so the
//! viewer's native unit tests build too).

use wasm_bindgen::{JsCast, JsValue};

/// The text of a thrown JavaScript value: a string as is, an `Error`'s
/// message, else its debug form. One place for the bindings, the transport
/// and the viewer.
pub fn js_error_text(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            value
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{value:?}"))
}
