//! Errors for JavaScript: [`js_error`] turns an [`Error`] into a thrown
//! `Error` with the properties the wrapper reads.

use super::*;

/// An [`Error`] as a JavaScript `Error` whose message is the error's text,
/// with `spsKind` (the [`ErrorKind`] variant's name), `kind`
/// ([`Error::kind_name`], the stable lower-case name), `isAuth`
/// ([`Error::is_auth`]: log in again), `isNotFound` ([`Error::is_not_found`]:
/// no such session or endpoint), `type` (SPS's error type
/// for API errors, else the kind), `status` (HTTP status of API errors),
/// `details` (SPS's details), `position` (1-based column of query errors)
/// and `problem` ([`crate::ReplyProblem::code`], for a reply that was not the
/// JSON the API documents).
pub fn js_error(error: &Error) -> JsValue {
    let js = JsValue::from(js_sys::Error::new(&error.to_string()));
    let mut status = None;
    let mut position = None;
    let mut details = None;
    let mut error_type = None;
    let kind = match error.kind() {
        ErrorKind::Decode { .. } => "Decode",
        ErrorKind::Timestamp { .. } => "Timestamp",
        ErrorKind::QuerySyntax { position: p, .. } => {
            position = Some(*p);
            "QuerySyntax"
        }
        ErrorKind::QueryField { position: p, .. } => {
            position = Some(*p);
            "QueryField"
        }
        ErrorKind::QueryInvalid { position: p, .. } => {
            position = Some(*p);
            "QueryInvalid"
        }
        ErrorKind::SearchParameter { .. } => "SearchParameter",
        ErrorKind::Export { .. } => "Export",
        ErrorKind::Api {
            status: s,
            error_type: t,
            details: d,
            ..
        } => {
            status = Some(*s);
            error_type = Some(t.clone());
            details = d.clone();
            "Api"
        }
        ErrorKind::Transport { .. } => "Transport",
        ErrorKind::ReplyTooLarge { limit, size } => {
            set(&js, "limit", &JsValue::from(*limit as f64));
            if let Some(size) = size {
                set(&js, "size", &JsValue::from(*size as f64));
            }
            "ReplyTooLarge"
        }
        ErrorKind::Redirected {
            status: s,
            location,
        } => {
            status = Some(*s);
            if let Some(location) = location {
                set(&js, "location", &JsValue::from_str(location));
            }
            "Redirected"
        }
        ErrorKind::Cancelled => "Cancelled",
        ErrorKind::SliceTooDense { .. } => "SliceTooDense",
        ErrorKind::Incomplete {
            delivered,
            expected,
            ..
        } => {
            set(&js, "delivered", &JsValue::from(*delivered as f64));
            set(&js, "expectedTotal", &JsValue::from(*expected as f64));
            "Incomplete"
        }
        ErrorKind::Paging { .. } => "Paging",
        #[allow(unreachable_patterns)] // `ErrorKind` is non-exhaustive
        _ => "Other",
    };
    set(&js, "spsKind", &JsValue::from_str(kind));
    // The crate's one error policy, so that the wrapper does not decide again.
    set(&js, "kind", &JsValue::from_str(error.kind_name()));
    set(&js, "isAuth", &JsValue::from_bool(error.is_auth()));
    set(&js, "isNotFound", &JsValue::from_bool(error.is_not_found()));
    let error_type = error_type.unwrap_or_else(|| kind.to_owned());
    set(&js, "type", &JsValue::from_str(&error_type));
    if let Some(status) = status {
        set(&js, "status", &JsValue::from(status));
    }
    if let Some(position) = position {
        set(&js, "position", &JsValue::from(position as u32));
    }
    if let Some(problem) = error.reply_problem() {
        set(&js, "problem", &JsValue::from_str(problem.code()));
    }
    if let Some(details) = details {
        if let Ok(value) = to_js(&details) {
            set(&js, "details", &value);
        }
    }
    js
}
