//! Authentication as SPS does it: `GET /api/authentication` with HTTP Basic
//! credentials sets a `session_id` cookie; every other `/api/audit` call needs
//! it. Logins time out after a period of inactivity. There is no logout call
//! (SPS has none documented; clients drop the cookie).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use rand::RngCore;
use serde::Deserialize;
use serde_json::json;

use crate::config::UserSpec;
use crate::error::ApiError;
use crate::state::AppState;

/// Name of the login cookie.
pub const COOKIE: &str = "session_id";
/// `Max-Age` of the cookie (what SPS sends: 12 hours; the inactivity timeout is separate).
pub const COOKIE_MAX_AGE: u64 = 43_200;
/// Live logins kept at most; a new login beyond it evicts the least
/// recently used one (so a login loop cannot grow the map without bound).
pub const MAX_LOGINS: usize = 10_000;
/// Login methods offered (`local` checks the configured users; `ldap` is a
/// simulated directory accepting the same users).
pub const LOGIN_METHODS: &[&str] = &["local", "ldap"];

/// Who made a request, and how long their login has left; handlers put
/// `remaining_seconds` into `meta`.
#[derive(Debug, Clone)]
pub struct AuthCtx {
    /// The user name.
    pub user: String,
    /// Seconds left before the login times out.
    pub remaining_seconds: i64,
    /// The cookie value (the login's id).
    pub token: String,
}

#[derive(Debug)]
struct Login {
    user: String,
    can_search: bool,
    last_seen: Instant,
    requests: u64,
}

/// Live logins.
#[derive(Debug)]
pub struct Logins {
    users: Vec<UserSpec>,
    timeout: Duration,
    expire_after: Option<u64>,
    live: Mutex<HashMap<String, Login>>,
    /// Report the time left after this request renewed the login (real
    /// 7.x/8.x: 43200 in every recorded reply) rather than before it (6.0).
    renewed: bool,
    /// Cap on `live`.
    max_logins: usize,
}

/// Why a cookie was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No cookie, or one we never issued (or forgot).
    Missing,
    /// The login timed out or was expired by a fault.
    Expired,
    /// The user may not search sessions.
    Forbidden,
}

impl Logins {
    /// Logins for these users.
    pub fn new(users: Vec<UserSpec>, timeout: Duration, expire_after: Option<u64>) -> Self {
        Logins {
            users,
            timeout,
            expire_after,
            live: Mutex::new(HashMap::new()),
            renewed: false,
            max_logins: MAX_LOGINS,
        }
    }

    /// Reports `remaining_seconds` as real appliances do: the whole timeout,
    /// since the request itself renewed the login (recorded: 43200 in every
    /// reply). Without it: the time left had the request not come (the 6.0
    /// reference's 594/599).
    pub fn reporting_renewed(mut self, renewed: bool) -> Self {
        self.renewed = renewed;
        self
    }

    /// Keeps at most `max` live logins (default [`MAX_LOGINS`]).
    pub fn with_max_logins(mut self, max: usize) -> Self {
        self.max_logins = max.max(1);
        self
    }

    /// How many logins are kept (expired ones are pruned at each login).
    pub fn live_count(&self) -> usize {
        self.lock().len()
    }

    fn is_dead(&self, login: &Login) -> bool {
        login.last_seen.elapsed() > self.timeout
            || self.expire_after.is_some_and(|n| login.requests >= n)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Login>> {
        // A panic while holding the lock cannot leave the map inconsistent
        // (each update is a single insert/remove), so a poisoned lock is usable.
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checks credentials; on success returns a new cookie value.
    pub fn login(&self, user: &str, password: &str) -> Option<String> {
        let spec = self
            .users
            .iter()
            .find(|u| u.name == user && u.password == password)?;
        let mut bytes = [0u8; 20];
        rand::thread_rng().fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut live = self.lock();
        // Pruned here, where the map grows: expired logins go, and at the
        // cap the least recently used one makes room.
        live.retain(|_, l| !self.is_dead(l));
        while live.len() >= self.max_logins {
            let Some(oldest) = live
                .iter()
                .min_by_key(|(_, l)| l.last_seen)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            live.remove(&oldest);
        }
        live.insert(
            token.clone(),
            Login {
                user: spec.name.clone(),
                can_search: spec.can_search,
                last_seen: Instant::now(),
                requests: 0,
            },
        );
        Some(token)
    }

    /// Checks a cookie and renews the login.
    pub fn check(&self, token: &str, needs_search: bool) -> Result<AuthCtx, Refusal> {
        let mut live = self.lock();
        let Some(login) = live.get_mut(token) else {
            return Err(Refusal::Missing);
        };
        let idle = login.last_seen.elapsed();
        let over_quota = self.expire_after.is_some_and(|n| login.requests >= n);
        if idle > self.timeout || over_quota {
            live.remove(token);
            return Err(Refusal::Expired);
        }
        if needs_search && !login.can_search {
            return Err(Refusal::Forbidden);
        }
        // 6.0: counted down from the previous request, as the reference's
        // replies show (594, 599...): the time left had this request not come.
        let remaining = if self.renewed {
            self.timeout
        } else {
            self.timeout.saturating_sub(idle)
        };
        let remaining = remaining.as_secs() as i64;
        login.last_seen = Instant::now();
        login.requests += 1;
        Ok(AuthCtx {
            user: login.user.clone(),
            remaining_seconds: remaining,
            token: token.to_owned(),
        })
    }

    /// Forgets a login (the `expire` fault).
    pub fn expire(&self, token: &str) {
        self.lock().remove(token);
    }
}

/// The `session_id` cookie of a request, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_owned())
}

/// Query parameters of `/api/authentication`.
#[derive(Debug, Deserialize)]
pub struct LoginParams {
    login_method: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `GET /api/authentication`: Basic credentials (UTF-8) -> cookie.
pub async fn login(
    State(state): State<AppState>,
    Query(p): Query<LoginParams>,
    headers: HeaderMap,
) -> Response {
    let href = "/api/authentication";
    if let Some(m) = p.login_method.as_deref() {
        if !LOGIN_METHODS.contains(&m) {
            return ApiError::authentication_failure(format!("Unknown login method: {m}"), href)
                .into_response();
        }
    }
    if p.kind.as_deref() == Some("x509") {
        // Plain http on loopback: no client certificate can have been presented.
        return ApiError::authentication_failure("No client certificate was presented", href)
            .into_response();
    }
    let Some((user, password)) = basic_credentials(&headers) else {
        return ApiError::authentication_failure(
            "Missing or malformed HTTP Basic credentials",
            href,
        )
        .into_response();
    };
    let Some(token) = state.logins.login(&user, &password) else {
        return ApiError::authentication_failure(
            "Authentication failed: invalid user name or password",
            href,
        )
        .into_response();
    };
    let (cookie, body) = if state.config.compat.is_6_0() {
        let body = json!({
            "key": token,
            "meta": {
                "href": href,
                "parent": "/api",
                "remaining_seconds": state.config.session_timeout.as_secs(),
            },
        });
        (
            format!("{COOKIE}={token}; HttpOnly; Max-Age={COOKIE_MAX_AGE}; Path=/"),
            body,
        )
    } else {
        // As recorded: `expires` 12 hours ahead, `Secure`, and an empty body.
        // Browsers keep `Secure` cookies of http://127.0.0.1 and localhost
        // (secure contexts), where the simulator serves by default; reached
        // by another name over plain http (`--host 0.0.0.0`) they would drop
        // it, so the simulator leaves `Secure` out there.
        let expires = (chrono::Utc::now() + chrono::Duration::seconds(COOKIE_MAX_AGE as i64))
            .format("%a, %d %b %Y %H:%M:%S GMT");
        let secure = if loopback_host(&headers) {
            "; Secure"
        } else {
            ""
        };
        (
            format!("{COOKIE}={token}; expires={expires}; HttpOnly; Max-Age={COOKIE_MAX_AGE}; Path=/{secure}"),
            json!({}),
        )
    };
    let mut resp = (StatusCode::OK, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /api/authentication/login_methods`: available without logging in.
pub async fn login_methods() -> Response {
    let items: Vec<_> = LOGIN_METHODS
        .iter()
        .map(|m| {
            json!({
                "key": m,
                "body": {
                    "name": m,
                    "type": if *m == "local" { "local" } else { "ldap" },
                    "display_name": if *m == "local" { "Local users" } else { "Corporate LDAP (simulated)" },
                },
            })
        })
        .collect();
    Json(json!({
        "items": items,
        "meta": { "href": "/api/authentication/login_methods", "parent": "/api/authentication" },
    }))
    .into_response()
}

/// Whether the request's `Host` is `localhost` or a loopback address (with
/// or without a port), which browsers treat as a secure context.
fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, b64) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_owned(), p.to_owned()))
}

/// Middleware for `/api/audit`: a valid cookie of a user with search rights.
pub async fn require_search(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let Some(token) = cookie_token(req.headers()) else {
        return ApiError::unauthenticated(&path, "no session_id cookie").into_response();
    };
    match state.logins.check(&token, true) {
        Ok(ctx) => {
            req.extensions_mut().insert(ctx);
            next.run(req).await
        }
        Err(Refusal::Missing) => {
            ApiError::unauthenticated(&path, "unknown session").into_response()
        }
        Err(Refusal::Expired) => {
            ApiError::unauthenticated(&path, "the session has expired").into_response()
        }
        Err(Refusal::Forbidden) => ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "The user is not permitted to search sessions",
            &path,
        )
        .with_details(json!({ "path": path }))
        .into_response(),
    }
}
