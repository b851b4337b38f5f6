//! Errors: [`SimError`] for starting the simulator, [`ApiError`] for the
//! error envelope SPS answers with.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A command-line option is invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// The `--data` file cannot be read or parsed.
    #[error("cannot load {path}: {message}")]
    Data {
        /// The file.
        path: String,
        /// What went wrong (with line number for NDJSON).
        message: String,
    },
    /// Binding or serving failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// An error answered in SPS's envelope:
/// `{"error": {"type", "message", "details"}, "meta": {"href", "parent"}}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// SPS error type, e.g. `InvalidQuery`.
    pub kind: &'static str,
    /// Human-readable message.
    pub message: String,
    /// Extra details (object or null).
    pub details: Value,
    /// Path the request was for (goes to `meta.href`).
    pub href: String,
    /// Seconds to wait, sent as `Retry-After` (429 only).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// A new error for `href`.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        message: impl Into<String>,
        href: &str,
    ) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
            details: Value::Null,
            href: href.to_owned(),
            retry_after: None,
        }
    }

    /// Adds `details`.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// 400 `InvalidQuery`.
    pub fn invalid_query(message: impl Into<String>, href: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidQuery", message, href)
    }

    /// 404 `NotFound`.
    pub fn not_found(href: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            "The requested object does not exist.",
            href,
        )
        .with_details(json!({ "path": href }))
    }

    /// 401 `Unauthenticated`, details naming the path that was attempted (as documented).
    pub fn unauthenticated(href: &str, why: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthenticated",
            format!("The requested resource requires authentication: {why}"),
            href,
        )
        .with_details(json!({ "path": href }))
    }

    /// 401 `AuthenticationFailure`.
    pub fn authentication_failure(message: impl Into<String>, href: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "AuthenticationFailure",
            message,
            href,
        )
    }

    /// 429 with `Retry-After`.
    pub fn too_many(message: impl Into<String>, href: &str, retry_after: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            message,
            href,
        );
        e.retry_after = Some(retry_after);
        e
    }

    /// The JSON envelope.
    pub fn to_json(&self) -> Value {
        json!({
            "error": { "type": self.kind, "message": self.message, "details": self.details },
            "meta": { "href": self.href, "parent": parent_of(&self.href) },
        })
    }
}

/// The parent of an API path: `/api/audit/sessions/x` -> `/api/audit/sessions`.
pub fn parent_of(href: &str) -> Value {
    let trimmed = href.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => Value::Null,
        Some(i) => Value::String(trimmed[..i].to_owned()),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.to_json())).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        resp
    }
}
