//! Proxy mode (`--upstream URL`): `/api/*` is forwarded to a real appliance,
//! cookies and headers kept, while the viewer is served from `--static` on the
//! same origin (the session cookie is HttpOnly, so the page must share the API's
//! origin). Self-signed certificates are accepted only with `--insecure`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, SimError};
use crate::state::AppState;

/// The HTTP client for the upstream.
pub fn client(insecure: bool) -> Result<reqwest::Client, SimError> {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(insecure)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| SimError::Proxy(e.to_string()))
}

/// Hop-by-hop headers (RFC 9110 7.6.1) and ones the client library sets itself.
fn skip(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "host"
            | "connection"
            | "keep-alive"
            | "proxy-connection"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "content-length"
            | "x-sim-fault"
    )
}

/// Drops `Domain=` from an upstream cookie so the browser files it under our origin.
fn rewrite_cookie(v: &HeaderValue) -> Option<HeaderValue> {
    let text = v.to_str().ok()?;
    let kept: Vec<&str> = text
        .split(';')
        .filter(|part| !part.trim().to_ascii_lowercase().starts_with("domain="))
        .collect();
    HeaderValue::from_str(&kept.join(";")).ok()
}

/// Forwards one request.
pub async fn forward(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let (Some(client), Some(base)) = (state.proxy.as_ref(), state.config.upstream.as_deref())
    else {
        return ApiError::not_found(&path).into_response();
    };
    let query: Vec<String> = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("_fault="))
        .map(str::to_owned)
        .collect();
    let url = if query.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{}", query.join("&"))
    };
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "InvalidRequest",
            "Request body too large",
            &path,
        )
        .into_response();
    };
    let mut up = client.request(parts.method.clone(), &url);
    for (name, value) in &parts.headers {
        if !skip(name) {
            up = up.header(name, value);
        }
    }
    let reply = match up.body(body).send().await {
        Ok(r) => r,
        Err(e) => {
            return ApiError::new(
                StatusCode::BAD_GATEWAY,
                "BadGateway",
                format!("Upstream unreachable: {e}"),
                &path,
            )
            .into_response()
        }
    };
    let mut resp = Response::builder().status(reply.status());
    for (name, value) in reply.headers() {
        if skip(name) {
            continue;
        }
        if name == header::SET_COOKIE {
            if let Some(v) = rewrite_cookie(value) {
                resp = resp.header(name, v);
            }
        } else {
            resp = resp.header(name, value);
        }
    }
    resp.body(Body::from_stream(reply.bytes_stream()))
        .unwrap_or_else(|e| {
            ApiError::new(StatusCode::BAD_GATEWAY, "BadGateway", e.to_string(), &path)
                .into_response()
        })
}
