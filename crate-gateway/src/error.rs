//! Why the gateway could not start.

/// A start-up failure; requests never produce one (they get an HTTP status).
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// A flag is invalid or the combination is unsafe.
    #[error("configuration: {0}")]
    Config(String),
    /// The TLS certificate or key cannot be used.
    #[error("tls: {0}")]
    Tls(String),
    /// The HTTP client toward the appliance cannot be built.
    #[error("upstream client: {0}")]
    Client(String),
    /// Binding failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}
