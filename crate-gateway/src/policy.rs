//! What the gateway lets through: paths, methods, hosts, origins, headers and
//! cookies. Pure functions, so each rule is unit-tested on its own.

use axum::http::{HeaderMap, HeaderValue, Method};
use percent_encoding::percent_decode_str;
use reqwest::Url;

/// Name of the appliance's login cookie, the only cookie forwarded.
pub const SESSION_COOKIE: &str = "session_id";

/// Request headers copied to the appliance (besides `Cookie` and
/// `Authorization`, which are filtered separately). Everything the viewer
/// sends; nothing that would let a client speak for the gateway.
pub const FORWARDED_REQUEST_HEADERS: &[&str] = &[
    "accept",
    "accept-language",
    "if-none-match",
    "if-modified-since",
];

/// Reply headers copied from the appliance (besides `Set-Cookie`, rewritten).
/// `Location` and `WWW-Authenticate` are not among them: the viewer follows
/// no redirects, and a Basic challenge would make the browser prompt.
pub const FORWARDED_REPLY_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "content-disposition",
    "etag",
    "last-modified",
    "retry-after",
];

/// What a request path is, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// An appliance path the viewer uses: forwarded for `GET`/`HEAD`.
    Api {
        /// Whether it is the login (`Authorization` is forwarded only there).
        login: bool,
    },
    /// Another `/api` path: 404.
    ApiUnknown,
    /// A viewer route (`/`, `/login`, `/sessions`, `/sessions/{key}`): index.html.
    ViewerRoute,
    /// Anything else: a static file, if it exists.
    Static,
}

/// Why a path is refused before routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRefusal {
    /// `.`/`..` segments (plain or percent-encoded), encoded `/` or `\`,
    /// backslashes, NUL or control characters, or invalid UTF-8.
    Unsafe,
}

/// Checks the raw (still encoded) path and classifies it. Segments are
/// decoded only to look at them; the raw path is what gets forwarded.
pub fn classify(raw_path: &str) -> Result<Route, PathRefusal> {
    if !raw_path.starts_with('/') || raw_path.contains('\\') {
        return Err(PathRefusal::Unsafe);
    }
    let mut segments = Vec::new();
    for raw in raw_path[1..].split('/') {
        let seg = percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| PathRefusal::Unsafe)?;
        if seg == "."
            || seg == ".."
            || seg.contains(['/', '\\'])
            || seg.chars().any(char::is_control)
        {
            return Err(PathRefusal::Unsafe);
        }
        segments.push(seg.into_owned());
    }
    // `//` inside a path would reach another resource on some servers.
    let (last, inner) = segments.split_last().ok_or(PathRefusal::Unsafe)?;
    if inner.iter().any(String::is_empty) {
        return Err(PathRefusal::Unsafe);
    }
    let _ = last;
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    Ok(match s.as_slice() {
        ["api", "authentication"] => Route::Api { login: true },
        ["api", "authentication", "login_methods"] | ["api", "info"] => Route::Api { login: false },
        ["api", "audit", ..] => Route::Api { login: false },
        ["api", ..] => Route::ApiUnknown,
        [""] | ["login"] | ["sessions"] | ["sessions", ""] => Route::ViewerRoute,
        ["sessions", key] | ["sessions", key, ""] if !key.is_empty() => Route::ViewerRoute,
        _ => Route::Static,
    })
}

/// Methods forwarded or served: `GET` and `HEAD` only (the viewer reads).
pub fn method_allowed(method: &Method) -> bool {
    method == Method::GET || method == Method::HEAD
}

/// The query with parameters whose name starts with `_` left out (the
/// simulator's `_fault=`; no SPS query parameter starts with `_`).
pub fn filter_query(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            let name = percent_decode_str(&name.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned();
            !name.starts_with('_')
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Host names the gateway answers to.
#[derive(Debug, Clone)]
pub struct Hosts {
    names: Vec<String>,
    port: u16,
}

impl Hosts {
    /// `configured` names, or `127.0.0.1:PORT`/`localhost:PORT` (`[::1]:PORT`
    /// for an IPv6 bind) when none are given.
    pub fn new(configured: &[String], bind: std::net::SocketAddr) -> Hosts {
        let port = bind.port();
        let names = if configured.is_empty() {
            let ip = if bind.is_ipv6() {
                "[::1]".to_owned()
            } else {
                "127.0.0.1".to_owned()
            };
            vec![format!("{ip}:{port}"), format!("localhost:{port}")]
        } else {
            configured.iter().map(|h| h.to_ascii_lowercase()).collect()
        };
        Hosts { names, port }
    }

    /// Whether `host` (a `Host` header or `:authority`) is one of ours. A
    /// configured name without port also matches with the bound port.
    pub fn accepts(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let with_port = |n: &str| format!("{n}:{}", self.port);
        self.names
            .iter()
            .any(|n| *n == host || (!has_port(n) && with_port(n) == host))
    }

    /// The configured names (for the start-up message).
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

fn has_port(name: &str) -> bool {
    match name.rsplit_once(':') {
        Some((h, p)) => !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':'),
        None => false,
    }
}

/// Why a request's origin is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginRefusal {
    /// `Origin` is not the gateway's own.
    ForeignOrigin,
    /// `Sec-Fetch-Site: cross-site` or `same-site` on `/api`.
    CrossSiteFetch,
}

/// Same-origin only: an `Origin` must equal `scheme://host` of the request;
/// on `/api`, `Sec-Fetch-Site` must be `same-origin` or `none` (absent is
/// allowed: non-browser clients send none of these headers).
pub fn check_origin(
    headers: &HeaderMap,
    scheme: &str,
    host: &str,
    api: bool,
) -> Result<(), OriginRefusal> {
    if let Some(origin) = headers.get("origin") {
        let own = format!("{scheme}://{}", host.to_ascii_lowercase());
        let sent = origin.to_str().unwrap_or("").to_ascii_lowercase();
        if sent != own {
            return Err(OriginRefusal::ForeignOrigin);
        }
    }
    if api {
        if let Some(site) = headers.get("sec-fetch-site") {
            let site = site.to_str().unwrap_or("").to_ascii_lowercase();
            if site != "same-origin" && site != "none" {
                return Err(OriginRefusal::CrossSiteFetch);
            }
        }
    }
    Ok(())
}

/// The `session_id` pair(s) of the request's cookies, as one `Cookie` value.
pub fn session_cookie(headers: &HeaderMap) -> Option<HeaderValue> {
    let pairs: Vec<String> = headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|kv| kv.split_once('=').is_some_and(|(k, _)| k == SESSION_COOKIE))
        .map(str::to_owned)
        .collect();
    if pairs.is_empty() {
        return None;
    }
    HeaderValue::from_str(&pairs.join("; ")).ok()
}

/// The `Authorization` header if it is HTTP Basic (the login); nothing else.
pub fn basic_authorization(headers: &HeaderMap) -> Option<HeaderValue> {
    let value = headers.get("authorization")?;
    let text = value.to_str().ok()?;
    let (scheme, _) = text.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("basic").then(|| value.clone())
}

/// How the session cookie is sent back to the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieMode {
    /// `SameSite=Strict` (no framing, or portals on the same site).
    Strict,
    /// `SameSite=None; Secure; Partitioned`: a portal on another site frames
    /// the viewer; the cookie is kept per top-level site (CHIPS).
    CrossSiteEmbed,
}

/// Rewrites one `Set-Cookie` of the appliance: only `session_id`; `Domain`,
/// `SameSite`, `Secure` and `Partitioned` replaced by ours; `Path`,
/// `Expires`, `Max-Age` kept; `HttpOnly` always. `None` drops the cookie.
pub fn rewrite_set_cookie(value: &HeaderValue, mode: CookieMode) -> Option<HeaderValue> {
    let text = value.to_str().ok()?;
    let mut parts = text.split(';').map(str::trim);
    let pair = parts.next()?;
    let (name, _) = pair.split_once('=')?;
    if name.trim() != SESSION_COOKIE {
        return None;
    }
    let mut out = vec![pair.to_owned()];
    let mut secure = false;
    for attr in parts {
        let key = attr
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match key.as_str() {
            "path" | "expires" | "max-age" => out.push(attr.to_owned()),
            "secure" => secure = true,
            _ => {}
        }
    }
    out.push("HttpOnly".to_owned());
    match mode {
        CookieMode::Strict => {
            if secure {
                out.push("Secure".to_owned());
            }
            out.push("SameSite=Strict".to_owned());
        }
        CookieMode::CrossSiteEmbed => {
            out.push("Secure".to_owned());
            out.push("SameSite=None".to_owned());
            out.push("Partitioned".to_owned());
        }
    }
    HeaderValue::from_str(&out.join("; ")).ok()
}

/// The site of a host for SameSite purposes: an IP address as is, a DNS
/// name by its last two labels. Without the public suffix list this can
/// call two sites one (`a.co.uk`, `b.co.uk`); the result is then `Strict`,
/// which can only break embedding, never loosen the cookie.
fn site_of(host: &str) -> String {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.parse::<std::net::IpAddr>().is_ok() {
        return host.to_owned();
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    labels[n.saturating_sub(2)..].join(".")
}

fn strip_port(name: &str) -> &str {
    if has_port(name) {
        name.rsplit_once(':').map(|(h, _)| h).unwrap_or(name)
    } else {
        name
    }
}

/// `CrossSiteEmbed` when a framing origin is on another (schemeful) site
/// than any name the gateway answers to (the viewer may be framed under
/// each of them); `Strict` when every portal shares the site of every name.
pub fn cookie_mode(frame_ancestors: &[Url], hosts: &Hosts, scheme: &str) -> CookieMode {
    let ours: Vec<String> = hosts
        .names()
        .iter()
        .map(|n| site_of(strip_port(n)))
        .collect();
    let cross = frame_ancestors.iter().any(|o| {
        let site = site_of(o.host_str().unwrap_or(""));
        o.scheme() != scheme || ours.iter().any(|s| *s != site)
    });
    if cross {
        CookieMode::CrossSiteEmbed
    } else {
        CookieMode::Strict
    }
}

/// The policy of the viewer's own page (as its `<meta>` states) plus
/// `frame-ancestors`, which only a header can carry.
pub fn content_security_policy(frame_ancestors: &[Url]) -> String {
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_owned()
    } else {
        frame_ancestors
            .iter()
            .map(|u| u.origin().ascii_serialization())
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
         base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors {ancestors}"
    )
}

/// A path fit for the log: no query, control characters replaced, at most
/// 200 characters.
pub fn loggable_path(raw_path: &str) -> String {
    raw_path
        .chars()
        .take(200)
        .map(|c| if c.is_control() || c == ' ' { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_and_refuses_paths() {
        assert_eq!(
            classify("/api/authentication"),
            Ok(Route::Api { login: true })
        );
        assert_eq!(classify("/api/info"), Ok(Route::Api { login: false }));
        assert_eq!(
            classify("/api/audit/sessions/abc/events"),
            Ok(Route::Api { login: false })
        );
        assert_eq!(classify("/api/configuration"), Ok(Route::ApiUnknown));
        assert_eq!(classify("/api"), Ok(Route::ApiUnknown));
        assert_eq!(classify("/sessions/abc"), Ok(Route::ViewerRoute));
        assert_eq!(classify("/"), Ok(Route::ViewerRoute));
        assert_eq!(classify("/boot.js"), Ok(Route::Static));
        for bad in [
            "/api/audit/../configuration",
            "/api/audit/%2e%2e/configuration",
            "/api/audit/%2E./configuration",
            "/api/audit/sessions%2Fx",
            "/api/audit/sessions%5cx",
            "/api/audit/./sessions",
            "/api//audit",
            "/api/audit/%00",
            "/api/audit/%ff",
            "/a\\b",
        ] {
            assert_eq!(classify(bad), Err(PathRefusal::Unsafe), "{bad}");
        }
    }

    #[test]
    fn drops_underscore_parameters() {
        assert_eq!(filter_query("limit=5&_fault=html&q=a"), "limit=5&q=a");
        assert_eq!(filter_query("%5Ffault=x&offset=1"), "offset=1");
        assert_eq!(filter_query(""), "");
    }

    #[test]
    fn hosts_match_exactly() {
        let h = Hosts::new(&[], "127.0.0.1:8080".parse().unwrap());
        assert!(h.accepts("127.0.0.1:8080"));
        assert!(h.accepts("LOCALHOST:8080"));
        assert!(!h.accepts("evil.example"));
        assert!(!h.accepts("127.0.0.1:8081"));
        assert!(!h.accepts("127.0.0.1"));
        let h = Hosts::new(&["sps.example.com".into()], "0.0.0.0:443".parse().unwrap());
        assert!(h.accepts("sps.example.com"));
        assert!(h.accepts("sps.example.com:443"));
        assert!(!h.accepts("sps.example.com.evil"));
    }

    #[test]
    fn rewrites_cookies() {
        let v = HeaderValue::from_static(
            "session_id=abc; Domain=sps.example; expires=Thu, 01 Jan 2099 00:00:00 GMT; HttpOnly; Max-Age=43200; Path=/; Secure; SameSite=None",
        );
        let s = rewrite_set_cookie(&v, CookieMode::Strict).unwrap();
        assert_eq!(
            s.to_str().unwrap(),
            "session_id=abc; expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=43200; Path=/; HttpOnly; Secure; SameSite=Strict"
        );
        let s = rewrite_set_cookie(&v, CookieMode::CrossSiteEmbed).unwrap();
        assert!(s
            .to_str()
            .unwrap()
            .ends_with("HttpOnly; Secure; SameSite=None; Partitioned"));
        assert!(rewrite_set_cookie(
            &HeaderValue::from_static("other=1; Path=/"),
            CookieMode::Strict
        )
        .is_none());
    }

    #[test]
    fn decides_cookie_mode_by_site() {
        let hosts = Hosts::new(&[], "127.0.0.1:9000".parse().unwrap());
        let o = |s: &str| Url::parse(s).unwrap();
        assert_eq!(cookie_mode(&[], &hosts, "http"), CookieMode::Strict);
        assert_eq!(
            cookie_mode(&[o("http://localhost:5000")], &hosts, "http"),
            CookieMode::CrossSiteEmbed,
            "the viewer on 127.0.0.1 in a localhost page is cross-site"
        );
        let local = Hosts::new(&["127.0.0.1".into()], "127.0.0.1:9000".parse().unwrap());
        assert_eq!(
            cookie_mode(&[o("http://127.0.0.1:5000")], &local, "http"),
            CookieMode::Strict
        );
        let hosts = Hosts::new(&["sps.corp.example".into()], "0.0.0.0:443".parse().unwrap());
        assert_eq!(
            cookie_mode(&[o("https://portal.corp.example")], &hosts, "https"),
            CookieMode::Strict
        );
        assert_eq!(
            cookie_mode(&[o("https://portal.other.example")], &hosts, "https"),
            CookieMode::CrossSiteEmbed
        );
        assert_eq!(
            cookie_mode(&[o("http://portal.corp.example")], &hosts, "https"),
            CookieMode::CrossSiteEmbed
        );
    }

    #[test]
    fn forwards_only_the_session_cookie_and_basic() {
        let mut h = HeaderMap::new();
        h.append(
            "cookie",
            HeaderValue::from_static("a=1; session_id=xyz; b=2"),
        );
        h.append("cookie", HeaderValue::from_static("other=3"));
        assert_eq!(session_cookie(&h).unwrap(), "session_id=xyz");
        h.insert("authorization", HeaderValue::from_static("Bearer t"));
        assert!(basic_authorization(&h).is_none());
        h.insert("authorization", HeaderValue::from_static("Basic YTpi"));
        assert!(basic_authorization(&h).is_some());
    }

    #[test]
    fn origins() {
        let mut h = HeaderMap::new();
        assert!(check_origin(&h, "http", "127.0.0.1:1", true).is_ok());
        h.insert("origin", HeaderValue::from_static("http://127.0.0.1:1"));
        assert!(check_origin(&h, "http", "127.0.0.1:1", true).is_ok());
        h.insert("origin", HeaderValue::from_static("http://evil.example"));
        assert_eq!(
            check_origin(&h, "http", "127.0.0.1:1", false),
            Err(OriginRefusal::ForeignOrigin)
        );
        h.remove("origin");
        h.insert("sec-fetch-site", HeaderValue::from_static("same-site"));
        assert_eq!(
            check_origin(&h, "http", "127.0.0.1:1", true),
            Err(OriginRefusal::CrossSiteFetch)
        );
        assert!(check_origin(&h, "http", "127.0.0.1:1", false).is_ok());
    }
}
