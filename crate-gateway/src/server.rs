//! The accept loop: optional TLS (rustls), HTTP/1.1 and HTTP/2 with header
//! size caps, a header-read/idle timeout and a cap on connections at once.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::config::{Config, TlsFiles};
use crate::error::GatewayError;

/// Largest request head (request line and headers) accepted.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// A running gateway.
#[derive(Debug)]
pub struct Running {
    /// The bound address (port 0 resolved).
    pub addr: SocketAddr,
    /// `http` or `https`.
    pub scheme: &'static str,
    /// The `Host` names answered to.
    pub host_names: Vec<String>,
    /// The appliance.
    pub upstream: String,
    /// The accept loop.
    pub task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `scheme://127.0.0.1:PORT` (or the bound address).
    pub fn base(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// Stops accepting connections.
    pub fn stop(&self) {
        self.task.abort();
    }
}

fn tls_acceptor(files: &TlsFiles) -> Result<TlsAcceptor, GatewayError> {
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| GatewayError::Tls(format!("{}: {e}", files.cert.display())))?;
    if certs.is_empty() {
        return Err(GatewayError::Tls(format!(
            "{}: no certificate",
            files.cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| GatewayError::Tls(format!("{}: {e}", files.key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| GatewayError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| GatewayError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Binds, builds the application for the bound port, and spawns the loop.
pub(crate) async fn start(
    config: Config,
    app: fn(Config, u16) -> Result<Router, GatewayError>,
) -> Result<Running, GatewayError> {
    config.check()?;
    let tls = config.tls.as_ref().map(tls_acceptor).transpose()?;
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let host_names = crate::policy::Hosts::new(&config.host_names, addr)
        .names()
        .to_vec();
    let upstream = config.upstream.clone();
    let timeout = config.client_timeout;
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let router = app(config, addr.port())?;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .max_buf_size(MAX_HEADER_BYTES);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(MAX_HEADER_BYTES as u32)
        .max_concurrent_streams(64)
        .keep_alive_interval(Some(timeout))
        .keep_alive_timeout(timeout);
    let builder = Arc::new(builder);
    let scheme = if tls.is_some() { "https" } else { "http" };
    let task = tokio::spawn(async move {
        loop {
            // Waiting for a slot leaves further clients in the listen queue.
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            let stream = match listener.accept().await {
                Ok((s, _)) => s,
                Err(_) => {
                    // Out of file descriptors and the like: back off briefly.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let router = router.clone();
            let builder = builder.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let _permit = permit;
                let activity = Arc::new(Activity::new());
                match tls {
                    Some(acceptor) => {
                        let Ok(Ok(stream)) =
                            tokio::time::timeout(timeout, acceptor.accept(stream)).await
                        else {
                            return;
                        };
                        connection(&builder, stream, router, activity, timeout).await;
                    }
                    None => connection(&builder, stream, router, activity, timeout).await,
                }
            });
        }
    });
    Ok(Running {
        addr,
        scheme,
        host_names,
        upstream,
        task,
    })
}

/// When a connection last moved bytes, and how many requests it has in
/// progress: a connection with none for the client timeout is closed.
/// (hyper's header-read timeout does not start before a first byte, so an
/// idle connection would otherwise be held for ever.)
struct Activity {
    epoch: Instant,
    last_ms: AtomicU64,
    busy: AtomicUsize,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            epoch: Instant::now(),
            last_ms: AtomicU64::new(0),
            busy: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.last_ms.store(now, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let now = self.epoch.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_ms.load(Ordering::Relaxed)))
    }
}

/// Decrements the in-progress count even when the request is cancelled.
struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

/// Resolves once the connection has been idle (no bytes, no request in
/// progress) for `timeout`.
async fn idle(activity: &Activity, timeout: Duration) {
    loop {
        let idle = activity.idle_for();
        if idle >= timeout && activity.busy.load(Ordering::Relaxed) == 0 {
            return;
        }
        let wait = timeout.saturating_sub(idle).max(Duration::from_millis(100));
        tokio::time::sleep(wait).await;
    }
}

/// Serves one connection until it ends or stays idle too long.
async fn connection<T>(
    builder: &auto::Builder<TokioExecutor>,
    stream: T,
    router: Router,
    activity: Arc<Activity>,
    timeout: Duration,
) where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = Watched {
        inner: stream,
        activity: activity.clone(),
    };
    let act = activity.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let router = router.clone();
        act.busy.fetch_add(1, Ordering::Relaxed);
        let busy = Busy(act.clone());
        async move {
            let reply = router.oneshot(req.map(axum::body::Body::new)).await;
            drop(busy);
            reply
        }
    });
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
    tokio::select! {
        _ = conn => {}
        _ = idle(&activity, timeout) => {}
    }
}

/// A stream that records when bytes last moved.
struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
