//! `sps-gateway`: serves the built spsview viewer and forwards to one SPS
//! appliance only what the viewer needs, on the viewer's own origin.
//!
//! Every request passes, in order: the `Host` check (421), the path check
//! (400 for dot segments and encoded slashes), the `Origin`/`Sec-Fetch-Site`
//! check (403), the method check (405), then either the forward to the
//! appliance (only `GET`/`HEAD` of `/api/authentication`,
//! `/api/authentication/login_methods`, `/api/info`, `/api/audit/…`) or a
//! static file. Every reply carries the security headers, and every request
//! logs one line without cookies, credentials or query.
//!
//! Start it in-process with [`start`] (tests bind port 0), or run the binary.
#![deny(missing_docs)]

pub mod config;
pub mod error;
pub mod policy;
mod server;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::StreamExt;
use reqwest::Url;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

pub use config::{Args, Config, LogSink, TlsFiles};
pub use error::GatewayError;
pub use server::Running;

use policy::{CookieMode, Hosts, OriginRefusal, Route};

/// What every request handler shares.
#[derive(Debug)]
struct Shared {
    config: Config,
    upstream: Url,
    client: reqwest::Client,
    hosts: Hosts,
    scheme: &'static str,
    csp: HeaderValue,
    frame_deny: bool,
    cookie_mode: CookieMode,
}

/// The HTTP client toward the appliance: no redirects followed, no cookie
/// store (the browser holds the cookie), timeouts on connect, on each read
/// and on the whole request, certificates verified unless told otherwise.
fn upstream_client(config: &Config) -> Result<reqwest::Client, GatewayError> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(config.connect_timeout)
        .read_timeout(config.upstream_timeout)
        .timeout(config.upstream_timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(30))
        .user_agent(concat!("sps-gateway/", env!("CARGO_PKG_VERSION")));
    for path in &config.upstream_ca {
        let pem = std::fs::read(path)
            .map_err(|e| GatewayError::Config(format!("--upstream-ca {}: {e}", path.display())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| GatewayError::Config(format!("--upstream-ca {}: {e}", path.display())))?;
        if certs.is_empty() {
            return Err(GatewayError::Config(format!(
                "--upstream-ca {}: no certificate in the file",
                path.display()
            )));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    if config.danger_accept_invalid_upstream_certs {
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder
        .build()
        .map_err(|e| GatewayError::Client(e.to_string()))
}

/// A short plain-text refusal (the gateway's own replies; the appliance's
/// errors pass through as it sent them).
fn refuse(status: StatusCode, text: &str) -> Response {
    let mut r = (status, format!("{text}\n")).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// The `Host` of the request: the header (HTTP/1.1) or `:authority` (HTTP/2).
fn request_host(req: &Request) -> Option<String> {
    if let Some(h) = req.headers().get(header::HOST) {
        return h.to_str().ok().map(str::to_owned);
    }
    req.uri().authority().map(|a| a.as_str().to_owned())
}

/// Entry point of every request: runs the checks, answers, adds the
/// security headers and logs one line.
async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let t0 = Instant::now();
    let method = req.method().clone();
    let raw_path = req.uri().path().to_owned();
    let (mut resp, note) = answer(&shared, req).await;
    let api = raw_path == "/api" || raw_path.starts_with("/api/");
    let no_store = api || resp.status().is_client_error() || resp.status().is_server_error();
    secure_headers(&shared, resp.headers_mut(), no_store);
    shared.config.log.line(&format!(
        "sps-gateway: {} {} {} {}ms{}",
        method,
        policy::loggable_path(&raw_path),
        resp.status().as_u16(),
        t0.elapsed().as_millis(),
        note.map(|n| format!(" ({n})")).unwrap_or_default()
    ));
    resp
}

fn secure_headers(shared: &Shared, h: &mut HeaderMap, no_store: bool) {
    h.insert(header::CONTENT_SECURITY_POLICY, shared.csp.clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // Nothing here is meant for other origins' pages (scripts, wasm, JSON).
    h.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if shared.frame_deny {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if no_store {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if shared.scheme == "https" {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}

/// The reply, and a note for the log line (never request content).
async fn answer(shared: &Shared, req: Request) -> (Response, Option<String>) {
    let Some(host) = request_host(&req).filter(|h| shared.hosts.accepts(h)) else {
        return (
            refuse(StatusCode::MISDIRECTED_REQUEST, "Unknown host name"),
            Some("host refused".into()),
        );
    };
    let route = match policy::classify(req.uri().path()) {
        Ok(r) => r,
        Err(_) => {
            return (
                refuse(StatusCode::BAD_REQUEST, "Path refused"),
                Some("path refused".into()),
            )
        }
    };
    let api = matches!(route, Route::Api { .. } | Route::ApiUnknown);
    if let Err(why) = policy::check_origin(req.headers(), shared.scheme, &host, api) {
        let note = match why {
            OriginRefusal::ForeignOrigin => "foreign origin",
            OriginRefusal::CrossSiteFetch => "cross-site fetch",
        };
        return (
            refuse(StatusCode::FORBIDDEN, "Cross-origin request refused"),
            Some(note.into()),
        );
    }
    if matches!(route, Route::ApiUnknown) {
        return (refuse(StatusCode::NOT_FOUND, "Not found"), None);
    }
    if !policy::method_allowed(req.method()) {
        let mut r = refuse(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return (r, None);
    }
    if has_body(req.headers()) {
        return (
            refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request bodies are not accepted",
            ),
            None,
        );
    }
    match route {
        Route::Api { login } => forward(shared, req, login).await,
        Route::ViewerRoute | Route::Static => (serve_static(shared, req, route).await, None),
        Route::ApiUnknown => (refuse(StatusCode::NOT_FOUND, "Not found"), None),
    }
}

fn has_body(h: &HeaderMap) -> bool {
    h.contains_key(header::TRANSFER_ENCODING)
        || h.get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0")
}

async fn serve_static(shared: &Shared, req: Request, route: Route) -> Response {
    let Some(dir) = &shared.config.static_dir else {
        return refuse(StatusCode::NOT_FOUND, "Not found");
    };
    // Only the request line and a few headers reach the file service.
    let mut clean = Request::new(Body::empty());
    *clean.method_mut() = req.method().clone();
    *clean.uri_mut() = req.uri().clone();
    for name in [
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::RANGE,
        header::ACCEPT_ENCODING,
    ] {
        if let Some(v) = req.headers().get(&name) {
            clean.headers_mut().insert(name, v.clone());
        }
    }
    let result = match route {
        Route::ViewerRoute => ServeFile::new(dir.join("index.html"))
            .oneshot(clean)
            .await
            .map(IntoResponse::into_response),
        _ => ServeDir::new(dir)
            .append_index_html_on_directories(false)
            .oneshot(clean)
            .await
            .map(IntoResponse::into_response),
    };
    match result {
        Ok(r) if r.status() == StatusCode::NOT_FOUND => refuse(StatusCode::NOT_FOUND, "Not found"),
        Ok(r) => r,
        Err(never) => match never {},
    }
}

/// Forwards one allowed request to the appliance.
async fn forward(shared: &Shared, req: Request, login: bool) -> (Response, Option<String>) {
    let path = req.uri().path();
    let query = policy::filter_query(req.uri().query().unwrap_or(""));
    let mut url = shared.upstream.clone();
    url.set_path(path);
    url.set_query((!query.is_empty()).then_some(query.as_str()));
    let headers = req.headers();
    let mut out = reqwest::header::HeaderMap::new();
    for name in policy::FORWARDED_REQUEST_HEADERS {
        for v in headers.get_all(*name) {
            out.append(HeaderName::from_static(name), v.clone());
        }
    }
    if let Some(c) = policy::session_cookie(headers) {
        out.insert(header::COOKIE, c);
    }
    if login {
        if let Some(a) = policy::basic_authorization(headers) {
            out.insert(header::AUTHORIZATION, a);
        }
    }
    let method = if req.method() == Method::HEAD {
        Method::HEAD
    } else {
        Method::GET
    };
    let reply = match shared.client.request(method, url).headers(out).send().await {
        Ok(r) => r,
        Err(e) => {
            // `without_url`: the URL holds the query, which is never logged.
            let e = e.without_url();
            let (status, text) = if e.is_timeout() {
                (
                    StatusCode::GATEWAY_TIMEOUT,
                    "The appliance did not answer in time",
                )
            } else {
                (StatusCode::BAD_GATEWAY, "Cannot reach the appliance")
            };
            return (refuse(status, text), Some(format!("upstream: {e}")));
        }
    };
    let cap = shared.config.max_response_bytes;
    if reply.content_length().is_some_and(|n| n > cap) {
        return (
            refuse(
                StatusCode::BAD_GATEWAY,
                "The appliance's reply is too large",
            ),
            Some("upstream reply too large".into()),
        );
    }
    let mut resp = Response::builder().status(reply.status());
    for name in policy::FORWARDED_REPLY_HEADERS {
        for v in reply.headers().get_all(*name) {
            resp = resp.header(*name, v.clone());
        }
    }
    for v in reply.headers().get_all(header::SET_COOKIE) {
        if let Some(v) = policy::rewrite_set_cookie(v, shared.cookie_mode) {
            resp = resp.header(header::SET_COOKIE, v);
        }
    }
    let mut seen: u64 = 0;
    let body = reply.bytes_stream().map(move |chunk| {
        let chunk = chunk.map_err(|e| std::io::Error::other(e.without_url()))?;
        seen = seen.saturating_add(chunk.len() as u64);
        if seen > cap {
            return Err(std::io::Error::other("reply larger than the cap"));
        }
        Ok::<_, std::io::Error>(chunk)
    });
    match resp.body(Body::from_stream(body)) {
        Ok(r) => (r, None),
        Err(e) => (
            refuse(StatusCode::BAD_GATEWAY, "Invalid reply from the appliance"),
            Some(format!("upstream: {e}")),
        ),
    }
}

/// The application for a checked configuration and the bound port.
fn app(config: Config, port: u16) -> Result<Router, GatewayError> {
    config.check()?;
    let upstream = config.upstream_url()?;
    let client = upstream_client(&config)?;
    let mut bind = config.bind;
    bind.set_port(port);
    let hosts = Hosts::new(&config.host_names, bind);
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let ancestors = config
        .frame_ancestors
        .iter()
        .map(|o| config::parse_origin(o))
        .collect::<Result<Vec<_>, _>>()?;
    let csp = HeaderValue::from_str(&policy::content_security_policy(&ancestors))
        .map_err(|e| GatewayError::Config(format!("--frame-ancestor: {e}")))?;
    let shared = Shared {
        cookie_mode: policy::cookie_mode(&ancestors, &hosts, scheme),
        frame_deny: ancestors.is_empty(),
        upstream,
        client,
        hosts,
        scheme,
        csp,
        config,
    };
    Ok(Router::new().fallback(handle).with_state(Arc::new(shared)))
}

/// Binds and starts serving in the background.
pub async fn start(config: Config) -> Result<Running, GatewayError> {
    server::start(config, app).await
}

/// Runs the gateway until interrupted (the binary's entry point).
pub async fn serve(config: Config) -> Result<(), GatewayError> {
    if config.danger_accept_invalid_upstream_certs {
        eprintln!(
            "sps-gateway: WARNING: --danger-accept-invalid-upstream-certs: the appliance's certificate is NOT checked; anyone on the network path can read credentials and sessions. Use --upstream-ca instead."
        );
    }
    if config.upstream.starts_with("http://") {
        eprintln!("sps-gateway: warning: plain http to the appliance (--allow-plain-http)");
    }
    let running = start(config).await?;
    println!(
        "sps-gateway: listening on {}://{} for {} (forwarding to {})",
        running.scheme,
        running.addr,
        running.host_names.join(", "),
        running.upstream
    );
    tokio::select! {
        r = running.task => r.map_err(|e| GatewayError::Config(e.to_string())),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
