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
}
