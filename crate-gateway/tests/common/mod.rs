//! Shared helpers: the simulator and the gateway in-process on loopback
//! ports, a recording upstream, and raw HTTP/1.1 for requests reqwest would
//! normalise (dot segments, foreign `Host`).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use sps_gateway::{Config, LogSink, Running};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Sim {
    pub running: sps_sim::Running,
    pub base: String,
}

pub async fn sim(n: usize) -> Sim {
    let running = sps_sim::start(sps_sim::Config::for_tests(n))
        .await
        .expect("simulator");
    let base = format!("http://{}", running.addr);
    Sim { running, base }
}

pub struct Gateway {
    pub running: Running,
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Gateway {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.running.base(), path)
    }

    pub fn host(&self) -> String {
        self.running.addr.to_string()
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.running.stop();
    }
}

/// A directory with a stand-in viewer.
pub fn static_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sps-gateway-static-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>viewer</title>",
    )
    .unwrap();
    std::fs::write(dir.join("boot.js"), "console.log(1)").unwrap();
    dir
}

/// A gateway in front of `upstream` (plain http allowed: loopback tests).
pub async fn gateway_with(upstream: &str, tweak: impl FnOnce(&mut Config)) -> Gateway {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut cfg = Config::new(upstream);
    cfg.allow_plain_http = true;
    cfg.static_dir = Some(static_dir());
    cfg.log = LogSink::Memory(log.clone());
    tweak(&mut cfg);
    let running = sps_gateway::start(cfg).await.expect("gateway");
    Gateway { running, log }
}

pub async fn gateway(upstream: &str) -> Gateway {
    gateway_with(upstream, |_| {}).await
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

pub async fn login(gw: &Gateway) -> reqwest::Client {
    let c = client();
    let r = c
        .get(gw.url("/api/authentication"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    c
}

/// One raw HTTP/1.1 request; the status and the whole reply text.
pub async fn raw(addr: std::net::SocketAddr, request_head: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request_head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf))
        .await
        .expect("reply in time")
        .unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// `GET path` with this `Host`, connection closed after.
pub async fn raw_get(addr: std::net::SocketAddr, path: &str, host: &str) -> (u16, String) {
    raw(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

/// What the recording upstream saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path_and_query: String,
    pub method: String,
    pub headers: HeaderMap,
}

pub struct Recorder {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

/// An upstream that records every request. `/api/audit/hang` never answers
/// in time; `/api/audit/big` answers 2 MiB; the login sets cookies with
/// attributes to rewrite; everything else answers `{}`.
pub async fn recorder() -> Recorder {
    use axum::extract::Request;
    use axum::response::IntoResponse;
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().fallback(move |req: Request| {
        let log = log.clone();
        async move {
            let path = req.uri().path().to_owned();
            log.lock().unwrap().push(Seen {
                path_and_query: req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
                method: req.method().to_string(),
                headers: req.headers().clone(),
            });
            match path.as_str() {
                "/api/audit/hang" => {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    "late".into_response()
                }
                "/api/audit/big" => vec![b'x'; 2 * 1024 * 1024].into_response(),
                "/api/authentication" => (
                    axum::response::AppendHeaders([
                        (
                            "set-cookie",
                            "session_id=tok123; Domain=sps.example; Path=/; HttpOnly; Secure; SameSite=None; Max-Age=43200",
                        ),
                        ("set-cookie", "tracker=1; Path=/"),
                        ("www-authenticate", "Basic realm=sps"),
                        ("location", "https://elsewhere.example/"),
                        ("content-type", "application/json"),
                    ]),
                    "{}",
                )
                    .into_response(),
                _ => ([("content-type", "application/json")], "{}").into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Recorder {
        base: format!("http://{addr}"),
        seen,
    }
}

impl Recorder {
    pub fn last(&self) -> Seen {
        self.seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a request")
    }
}
