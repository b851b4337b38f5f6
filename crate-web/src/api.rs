//! Talking to the SPS REST API.
//!
//! Every request goes to the page's own origin (`/api/...`): the appliance, the
//! simulator, or `trunk serve`'s proxy in front of either. The `session_id` cookie
//! is `HttpOnly`, so the page never sees it; the browser attaches it because
//! requests are sent with `credentials: include`. The page therefore cannot know
//! whether it is logged in until a request answers 401.

use std::fmt;

use base64::Engine as _;
use gloo_net::http::{Request, Response};
use sps_core::{encode_component, Collection, SessionRow};
use web_sys::RequestCredentials;

/// What went wrong with a request, worded for the person at the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// HTTP 401: wrong credentials at login, or the login expired later.
    Unauthenticated {
        /// The error type from the envelope (`AuthenticationFailure`, `Unauthenticated`).
        kind: String,
        /// The envelope's message, shown as is (as text).
        message: String,
    },
    /// Any other error answered with SPS's JSON error envelope.
    Api {
        /// HTTP status code.
        status: u16,
        /// The error type from the envelope (`InvalidQuery`, `NotFound`, ...).
        kind: String,
        /// The envelope's message.
        message: String,
    },
    /// The request never got an answer (server down, connection refused, CSP, offline).
    Network(String),
    /// The answer was not JSON: typically an HTML page from a proxy or login portal.
    NotJson {
        /// HTTP status code.
        status: u16,
        /// The `Content-Type` the server sent, if any.
        content_type: String,
    },
    /// JSON that does not have the shape the API documents.
    Decode(String),
    /// The request was not sent because its parameters are invalid (checked
    /// locally with `sps_core` first, e.g. a `q` typed into the address bar).
    NotSent(String),
}

impl ApiError {
    /// True when the request failed because the caller is not (or no longer) logged in.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Unauthenticated { .. })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unauthenticated { kind, message } | ApiError::Api { kind, message, .. }
                if !kind.is_empty() =>
            {
                write!(f, "{kind}: {message}")
            }
            ApiError::Unauthenticated { message, .. } => write!(f, "{message}"),
            ApiError::Api {
                status, message, ..
            } => write!(f, "HTTP {status}: {message}"),
            ApiError::Network(detail) => write!(
                f,
                "Cannot reach the server ({detail}). Check that the SPS appliance or simulator is running and reachable."
            ),
            ApiError::NotJson {
                status,
                content_type,
            } => {
                let ct = if content_type.is_empty() {
                    "no content type"
                } else {
                    content_type.as_str()
                };
                write!(
                    f,
                    "The server answered HTTP {status} with {ct} instead of JSON. A proxy or login portal may be in the way."
                )
            }
            ApiError::Decode(detail) => {
                write!(f, "The server's answer had an unexpected shape: {detail}")
            }
            ApiError::NotSent(detail) => write!(f, "Not sent: {detail}"),
        }
    }
}

/// One login method the appliance offers (`GET /api/authentication/login_methods`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginMethod {
    /// The value to send as `?login_method=`.
    pub name: String,
    /// A human label; the name when the API gives nothing better.
    pub label: String,
}

/// Builds a same-origin GET that carries the session cookie.
fn get(url: &str) -> gloo_net::http::RequestBuilder {
    Request::get(url)
        .credentials(RequestCredentials::Include)
        .header("Accept", "application/json")
}

/// Sends a request, turning transport failures into [`ApiError::Network`].
async fn send(request: gloo_net::http::RequestBuilder) -> Result<Response, ApiError> {
    request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

/// Reads the body as JSON text, refusing bodies that are not JSON, and turns
/// non-2xx answers into [`ApiError`] using SPS's error envelope.
async fn read_json(response: Response) -> Result<String, ApiError> {
    let status = response.status();
    let content_type = response.headers().get("content-type").unwrap_or_default();
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    // Proxies and captive portals answer with HTML, sometimes even with 200:
    // checking the body as well as the header catches both.
    let looks_json = matches!(text.trim_start().chars().next(), Some('{') | Some('['));
    if !looks_json {
        return Err(ApiError::NotJson {
            status,
            content_type,
        });
    }
    if (200..300).contains(&status) {
        return Ok(text);
    }
    let (kind, message) = match sps_core::decode_api_error(text.as_bytes()) {
        Ok(body) => (
            body.error.error_type,
            body.error
                .message
                .unwrap_or_else(|| format!("the server answered HTTP {status}")),
        ),
        Err(_) => (
            String::new(),
            format!("the server answered HTTP {status} without an error message"),
        ),
    };
    if status == 401 {
        Err(ApiError::Unauthenticated { kind, message })
    } else {
        Err(ApiError::Api {
            status,
            kind,
            message,
        })
    }
}

/// The `Authorization` header value for HTTP Basic with UTF-8 credentials (RFC 7617).
pub fn basic_authorization(user: &str, password: &str) -> String {
    let raw = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
    )
}

/// Logs in: `GET /api/authentication` with Basic credentials. On success the
/// server sets the `session_id` cookie, which the browser keeps out of our reach.
pub async fn login(user: &str, password: &str, method: Option<&str>) -> Result<(), ApiError> {
    let url = match method {
        Some(m) if !m.is_empty() => {
            format!("/api/authentication?login_method={}", encode_component(m))
        }
        _ => "/api/authentication".to_owned(),
    };
    let response = send(get(&url).header("Authorization", &basic_authorization(user, password)))
        .await?;
    read_json(response).await.map(|_| ())
}

/// Lists the login methods; works without being logged in.
pub async fn login_methods() -> Result<Vec<LoginMethod>, ApiError> {
    let response = send(get("/api/authentication/login_methods")).await?;
    let text = read_json(response).await?;
    interim::login_methods(&text)
}

/// The sparse fields the session list asks for, in column order.
pub const LIST_FIELDS: &[&str] = &[
    "protocol",
    "user.gateway_username",
    "server.ip",
    "start_time",
    "duration",
    "verdict",
    "active",
];

/// Fetches one page of the session list. `query` is the query string after `?`,
/// rendered by `sps_core::SessionSearch`.
pub async fn list_sessions(query: &str) -> Result<Collection<SessionRow>, ApiError> {
    let url = format!("/api/audit/sessions?{query}");
    let response = send(get(&url)).await?;
    let text = read_json(response).await?;
    sps_core::decode_session_list(text.as_bytes()).map_err(|e| ApiError::Decode(e.to_string()))
}

/// INTERIM: the only place that decodes into `serde_json::Value`. crate-core has
/// no model for the login-methods reply (the vendor pages do not show it), so
/// this reads it leniently: a collection of `{key, body: {name, type,
/// display_name}}` (what the simulator sends), a list of strings, or
/// `{"login_methods": [...]}`. Move to `sps_core` if it gains a model.
mod interim {
    use super::{ApiError, LoginMethod};
    use serde_json::Value;

    pub(super) fn login_methods(text: &str) -> Result<Vec<LoginMethod>, ApiError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))?;
        let list = value
            .get("items")
            .or_else(|| value.get("login_methods"))
            .or_else(|| value.get("body").and_then(|b| b.get("login_methods")))
            .or(Some(&value))
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::Decode("no list of login methods".to_owned()))?;
        let mut methods = Vec::new();
        for item in list {
            let method = match item {
                Value::String(s) => Some(LoginMethod {
                    name: s.clone(),
                    label: s.clone(),
                }),
                Value::Object(_) => {
                    let body = item.get("body").unwrap_or(item);
                    let name = body
                        .get("name")
                        .or_else(|| item.get("key"))
                        .and_then(Value::as_str);
                    name.map(|n| {
                        let label = body
                            .get("display_name")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .unwrap_or_else(|| n.to_owned());
                        LoginMethod {
                            name: n.to_owned(),
                            label,
                        }
                    })
                }
                _ => None,
            };
            methods.extend(method);
        }
        Ok(methods)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_utf8() {
        assert_eq!(basic_authorization("admin", "a"), "Basic YWRtaW46YQ==");
        // "jürgen:pässword" as UTF-8 bytes, not Latin-1.
        assert_eq!(
            basic_authorization("jürgen", "pässword"),
            "Basic asO8cmdlbjpww6Rzc3dvcmQ="
        );
    }

    #[test]
    fn login_methods_from_the_simulator_shape() {
        let text = r#"{"items":[{"key":"local","body":{"name":"local","type":"local","display_name":"Local users"}},{"key":"ldap","body":{"name":"ldap"}}],"meta":{}}"#;
        let methods = interim::login_methods(text).unwrap_or_default();
        assert_eq!(methods.len(), 2);
        assert_eq!(methods[0].label, "Local users");
        assert_eq!(methods[1].label, "ldap");
    }

    #[test]
    fn errors_read_well() {
        let e = ApiError::Unauthenticated {
            kind: "AuthenticationFailure".into(),
            message: "bad password".into(),
        };
        assert_eq!(e.to_string(), "AuthenticationFailure: bad password");
        assert!(e.is_unauthenticated());
    }
}
