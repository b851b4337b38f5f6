//! The crate's one error type.

/// A specialised `Result` for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `sps-core`: what kind, and a message for a person.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: Box<ErrorKind>,
}

impl Error {
    /// The kind of error, to match on.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Unwraps the kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.kind
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error { kind: Box::new(kind) }
    }
}

/// The kinds of error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// JSON that does not match the model: where, and what was expected.
    #[error("cannot decode {what} at `{path}`: {message}")]
    Decode {
        /// Which resource was being decoded (for example "session list").
        what: String,
        /// JSON path of the offending value (for example `items[3].body.duration`).
        path: String,
        /// What serde found and expected.
        message: String,
    },
    /// A timestamp in none of the forms SPS sends.
    #[error("invalid timestamp `{input}`: {message}")]
    Timestamp {
        /// The text that was given.
        input: String,
        /// Why it was refused.
        message: String,
    },
    /// `q` text that does not parse: 1-based column (in characters) and what is wrong.
    #[error("{message} at {position}")]
    QuerySyntax {
        /// 1-based column where the problem is.
        position: usize,
        /// What is wrong, for example "unclosed parenthesis".
        message: String,
    },
    /// A `q` field (or `fields=`/`sort=` name) the endpoint does not know.
    #[error("unknown field `{field}` at {position}{}", suggestion.as_ref().map(|s| format!(", did you mean `{s}`?")).unwrap_or_default())]
    QueryField {
        /// 1-based column of the field name (for `fields`/`sort`: 1-based index in the list).
        position: usize,
        /// The name as written.
        field: String,
        /// The closest known name, if one is close.
        suggestion: Option<String>,
    },
    /// A `q` that parses but does not fit the field: a range on a string, a
    /// wildcard on a number, a value of the wrong type, a term without a field.
    #[error("{message} at {position}")]
    QueryInvalid {
        /// 1-based column of the offending term.
        position: usize,
        /// What is wrong.
        message: String,
    },
    /// A search request parameter that SPS would refuse (`offset` past 10,000,
    /// `content` starting with `*`, a field that cannot be sorted, ...).
    #[error("invalid `{parameter}`: {message}")]
    SearchParameter {
        /// The URL parameter, for example `offset`.
        parameter: String,
        /// Why it was refused.
        message: String,
    },
    /// An export could not be written: the output refused bytes (I/O), or a
    /// value could not be encoded.
    #[error("{message}")]
    Export {
        /// What went wrong, for a person.
        message: String,
    },
    /// SPS answered with an error: the HTTP status and SPS's own error type,
    /// message and details (`{"error": {"type", "message", "details"}}`), kept
    /// so that callers can tell `Unauthenticated` from `InvalidQuery`.
    #[error("HTTP {status} {error_type}: {message}")]
    Api {
        /// HTTP status, for example 401.
        status: u16,
        /// SPS's error type (`Unauthenticated`, `NotFound`, ...); for a reply
        /// that is not SPS's envelope (a proxy's HTML page), `HTTP <status>`.
        error_type: String,
        /// SPS's message, or a description of the unexpected reply.
        message: String,
        /// SPS's `details`, as sent.
        details: Option<serde_json::Value>,
    },
    /// The request did not complete: network down, connection dropped, body cut short.
    #[error("network error: {message}")]
    Transport {
        /// What the transport reported.
        message: String,
    },
    /// The caller cancelled the operation.
    #[error("cancelled")]
    Cancelled,
    /// A time window one second wide holds more sessions than one offset walk
    /// can reach, so time slicing cannot split it further.
    #[error("{count} sessions started between {start} and {end}, more than the {cap} one search can reach; narrow the search")]
    SliceTooDense {
        /// Start of the window (ISO 8601, UTC).
        start: String,
        /// End of the window, excluded (ISO 8601, UTC).
        end: String,
        /// How many sessions it holds.
        count: u64,
        /// The most one offset walk reaches (10,000 on SPS).
        cap: u64,
    },
    /// A paging plan could not continue (an answer it did not expect, a
    /// snapshot that keeps expiring, sessions without `start_time`).
    #[error("paging: {message}")]
    Paging {
        /// What went wrong.
        message: String,
    },
}
