//! Logging in: HTTP Basic credentials ([`basic_authorization`]), client
//! certificates, and the login methods an appliance offers ([`LoginMethod`]).
//! The transport keeps the `session_id` cookie the login reply sets.

use serde::Deserialize;

use super::{Client, HttpRequest, Transport};
use crate::error::Result;
use crate::model::decode::decode_json;
use crate::model::envelope::SingleMeta;
use crate::request::path::{ApiPath, AUTHENTICATION_PATH, LOGIN_METHODS_PATH};

/// A login method the appliance offers (`/api/authentication/login_methods`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginMethod {
    /// The value for `?login_method=`.
    pub name: String,
    /// Its type (`local`, `ldap`, ...), when given.
    pub kind: Option<String>,
    /// A label for people: `display_name`, else the name.
    pub label: String,
}

/// The reply shapes seen for login methods: a collection of `{key, body}`
/// (the simulator, SPS 7+), `{"login_methods": [...]}`, or a bare list.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum MethodsReply {
    Collection { items: Vec<MethodItem> },
    Wrapped { login_methods: Vec<MethodItem> },
    List(Vec<MethodItem>),
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum MethodItem {
    Name(String),
    Object(MethodObject),
}

#[derive(Deserialize)]
pub(super) struct MethodObject {
    key: Option<String>,
    name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    display_name: Option<String>,
    body: Option<Box<MethodObject>>,
}

impl MethodItem {
    pub(super) fn into_method(self) -> Option<LoginMethod> {
        match self {
            MethodItem::Name(name) => Some(LoginMethod {
                label: name.clone(),
                name,
                kind: None,
            }),
            MethodItem::Object(o) => {
                let key = o.key;
                let o = match o.body {
                    Some(body) => *body,
                    None => MethodObject {
                        key: None,
                        body: None,
                        ..o
                    },
                };
                let name = o.name.or(key)?;
                Some(LoginMethod {
                    label: o.display_name.unwrap_or_else(|| name.clone()),
                    name,
                    kind: o.kind,
                })
            }
        }
    }
}

/// Any reply's `meta.remaining_seconds` (login and `_count` replies carry no
/// typed model of their own).
#[derive(Deserialize)]
struct MetaOnly {
    #[serde(default)]
    meta: Option<SingleMeta>,
}

/// The `Authorization` value for HTTP Basic with UTF-8 credentials (RFC 7617),
/// as SPS documents for `/api/authentication`.
pub fn basic_authorization(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let credentials = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

impl<T: Transport> Client<T> {
    /// Logs in: `GET /api/authentication[?login_method=<m>]` with Basic UTF-8
    /// credentials. The transport keeps the `session_id` cookie it sets.
    /// Wrong credentials: [`crate::ErrorKind::Api`] 401 `AuthenticationFailure`.
    pub async fn login(&self, user: &str, password: &str, method: Option<&str>) -> Result<()> {
        let path = ApiPath::new(AUTHENTICATION_PATH)
            .opt("login_method", method.filter(|m| !m.is_empty()))
            .build();
        let request = HttpRequest::new(path)
            .with_header("Authorization", basic_authorization(user, password));
        self.finish_login(&request).await
    }

    /// Logs in with the browser's client certificate:
    /// `GET /api/authentication?type=x509[&login_method=<m>]`.
    pub async fn login_x509(&self, method: Option<&str>) -> Result<()> {
        let path = ApiPath::new(AUTHENTICATION_PATH)
            .param("type", "x509")
            .opt("login_method", method.filter(|m| !m.is_empty()))
            .build();
        self.finish_login(&HttpRequest::new(path)).await
    }

    async fn finish_login(&self, request: &HttpRequest) -> Result<()> {
        let reply = self.get_ok(request).await?;
        // The reply's shape is not documented: only its remaining time is used.
        if let Ok(body) = decode_json::<MetaOnly>("login reply", &reply.body) {
            self.note_remaining(body.meta.and_then(|m| m.remaining_seconds));
        }
        Ok(())
    }

    /// The login methods (works without logging in).
    pub async fn login_methods(&self) -> Result<Vec<LoginMethod>> {
        let reply = self.get_ok(&HttpRequest::new(LOGIN_METHODS_PATH)).await?;
        let items = match decode_json::<MethodsReply>("login methods", &reply.body)? {
            MethodsReply::Collection { items }
            | MethodsReply::Wrapped {
                login_methods: items,
            }
            | MethodsReply::List(items) => items,
        };
        Ok(items
            .into_iter()
            .filter_map(MethodItem::into_method)
            .collect())
    }
}
