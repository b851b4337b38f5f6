//! Command-line options and the checked run-time configuration.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use reqwest::Url;

use crate::error::GatewayError;

/// Command-line arguments of the `sps-gateway` binary.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "sps-gateway",
    version,
    about = "Serves the spsview viewer and forwards to one SPS appliance only what the viewer needs"
)]
pub struct Args {
    /// The appliance, e.g. `https://sps.example.com` (scheme and host only).
    #[arg(long, value_name = "URL")]
    pub upstream: String,
    /// Accept an `http://` appliance URL (Basic credentials and the session
    /// cookie then cross the network in clear).
    #[arg(long)]
    pub allow_plain_http: bool,
    /// PEM file of a CA (or the self-signed certificate) to trust for the
    /// appliance, in addition to the public roots. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub upstream_ca: Vec<PathBuf>,
    /// DANGEROUS: accept any certificate from the appliance (anyone on the
    /// path can then read credentials). Prefer `--upstream-ca`.
    #[arg(long)]
    pub danger_accept_invalid_upstream_certs: bool,
    /// Address to listen on. Anything but loopback needs `--tls-cert`/`--tls-key`.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// PEM certificate chain to serve TLS with.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `--tls-cert`.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// A `Host` name the gateway answers to (`name` or `name:port`).
    /// Repeatable. Default on loopback: `127.0.0.1:PORT` and `localhost:PORT`.
    #[arg(long = "host-name", value_name = "NAME")]
    pub host_names: Vec<String>,
    /// The built viewer (`dist/`).
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// An origin (`https://portal.example.com`) allowed to frame the viewer
    /// (CSP `frame-ancestors`). Repeatable. Default: no framing at all.
    #[arg(long = "frame-ancestor", value_name = "ORIGIN")]
    pub frame_ancestors: Vec<String>,
    /// Seconds to connect to the appliance.
    #[arg(long, default_value_t = 5)]
    pub connect_timeout: u64,
    /// Seconds for a whole request to the appliance (and between two reads).
    #[arg(long, default_value_t = 60)]
    pub upstream_timeout: u64,
    /// Seconds a client may take to send request headers, and may keep an
    /// idle connection open.
    #[arg(long, default_value_t = 15)]
    pub client_timeout: u64,
    /// Largest reply body forwarded from the appliance, in MiB.
    #[arg(long, default_value_t = 64)]
    pub max_response_mib: u64,
    /// Client connections served at once (more wait in the listen queue).
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
}

/// Where the one-line request log goes.
#[derive(Debug, Clone, Default)]
pub enum LogSink {
    /// Standard error (the binary).
    #[default]
    Stderr,
    /// Kept in memory (tests read it).
    Memory(Arc<Mutex<Vec<String>>>),
    /// Nowhere (load tests).
    Off,
}

impl LogSink {
    /// Writes one line.
    pub fn line(&self, text: &str) {
        match self {
            LogSink::Stderr => eprintln!("{text}"),
            LogSink::Memory(lines) => lines
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(text.to_owned()),
            LogSink::Off => {}
        }
    }
}

/// TLS certificate and key files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// Everything the gateway needs; built from [`Args`] or by tests directly,
/// and checked by [`Config::check`] before serving.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// The appliance URL as given.
    pub upstream: String,
    /// Accept `http://` for the appliance.
    pub allow_plain_http: bool,
    /// Extra CA files for the appliance.
    pub upstream_ca: Vec<PathBuf>,
    /// Accept any appliance certificate (dangerous).
    pub danger_accept_invalid_upstream_certs: bool,
    /// Serve TLS with these files.
    pub tls: Option<TlsFiles>,
    /// Host names answered to (empty: the loopback defaults).
    pub host_names: Vec<String>,
    /// The viewer directory.
    pub static_dir: Option<PathBuf>,
    /// Origins allowed to frame the viewer.
    pub frame_ancestors: Vec<String>,
    /// Connect timeout toward the appliance.
    pub connect_timeout: Duration,
    /// Whole-request (and per-read) timeout toward the appliance.
    pub upstream_timeout: Duration,
    /// Header-read and idle timeout of client connections.
    pub client_timeout: Duration,
    /// Largest forwarded reply body.
    pub max_response_bytes: u64,
    /// Client connections served at once.
    pub max_connections: usize,
    /// Request log.
    pub log: LogSink,
}

impl Config {
    /// Defaults for `upstream`, bound to loopback port 0 (tests).
    pub fn new(upstream: impl Into<String>) -> Config {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            upstream: upstream.into(),
            allow_plain_http: false,
            upstream_ca: Vec::new(),
            danger_accept_invalid_upstream_certs: false,
            tls: None,
            host_names: Vec::new(),
            static_dir: None,
            frame_ancestors: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            upstream_timeout: Duration::from_secs(60),
            client_timeout: Duration::from_secs(15),
            max_response_bytes: 64 * 1024 * 1024,
            max_connections: 1024,
            log: LogSink::Stderr,
        }
    }

    /// The checked appliance URL: `https://` (or `http://` with
    /// `allow_plain_http`), a host, no credentials, no path, query or fragment.
    pub fn upstream_url(&self) -> Result<Url, GatewayError> {
        let url = Url::parse(self.upstream.trim_end_matches('/'))
            .map_err(|e| GatewayError::Config(format!("--upstream `{}`: {e}", self.upstream)))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_plain_http => {}
            "http" => {
                return Err(GatewayError::Config(format!(
                    "--upstream `{}` is plain http: credentials and the session cookie would cross the network in clear (pass --allow-plain-http to accept that)",
                    self.upstream
                )))
            }
            other => {
                return Err(GatewayError::Config(format!(
                    "--upstream: scheme `{other}` is not http(s)"
                )))
            }
        }
        if url.host_str().is_none()
            || !url.username().is_empty()
            || url.password().is_some()
            || url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(GatewayError::Config(format!(
                "--upstream `{}`: give scheme, host and port only",
                self.upstream
            )));
        }
        Ok(url)
    }

    /// Refuses what must not run: a non-loopback bind without TLS, a plain
    /// http appliance without the flag, malformed origins or host names.
    pub fn check(&self) -> Result<(), GatewayError> {
        self.upstream_url()?;
        if !self.bind.ip().is_loopback() && self.tls.is_none() {
            return Err(GatewayError::Config(format!(
                "binding {} (not loopback) needs --tls-cert and --tls-key",
                self.bind.ip()
            )));
        }
        if !self.bind.ip().is_loopback() && self.host_names.is_empty() {
            return Err(GatewayError::Config(
                "a non-loopback bind needs --host-name (the names clients use)".into(),
            ));
        }
        for h in &self.host_names {
            if h.is_empty() || h.contains(['/', '@', ' ', ',']) {
                return Err(GatewayError::Config(format!(
                    "--host-name `{h}`: not a host"
                )));
            }
        }
        for o in &self.frame_ancestors {
            parse_origin(o)?;
        }
        if self.max_connections == 0 {
            return Err(GatewayError::Config(
                "--max-connections must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

/// `scheme://host[:port]` of an http(s) origin given on the command line.
pub fn parse_origin(text: &str) -> Result<Url, GatewayError> {
    let url = Url::parse(text)
        .map_err(|e| GatewayError::Config(format!("--frame-ancestor `{text}`: {e}")))?;
    let ok = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.path() == "/"
        && url.query().is_none()
        && url.username().is_empty();
    if !ok {
        return Err(GatewayError::Config(format!(
            "--frame-ancestor `{text}`: expected an origin such as https://portal.example.com"
        )));
    }
    Ok(url)
}

impl TryFrom<Args> for Config {
    type Error = GatewayError;

    fn try_from(a: Args) -> Result<Config, GatewayError> {
        let tls = match (a.tls_cert, a.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => {
                return Err(GatewayError::Config(
                    "--tls-cert and --tls-key go together".into(),
                ))
            }
        };
        let config = Config {
            bind: SocketAddr::new(a.bind, a.port),
            upstream: a.upstream,
            allow_plain_http: a.allow_plain_http,
            upstream_ca: a.upstream_ca,
            danger_accept_invalid_upstream_certs: a.danger_accept_invalid_upstream_certs,
            tls,
            host_names: a.host_names,
            static_dir: a.static_dir,
            frame_ancestors: a.frame_ancestors,
            connect_timeout: Duration::from_secs(a.connect_timeout.max(1)),
            upstream_timeout: Duration::from_secs(a.upstream_timeout.max(1)),
            client_timeout: Duration::from_secs(a.client_timeout.max(1)),
            max_response_bytes: a.max_response_mib.saturating_mul(1024 * 1024),
            max_connections: a.max_connections,
            log: LogSink::Stderr,
        };
        config.check()?;
        Ok(config)
    }
}
