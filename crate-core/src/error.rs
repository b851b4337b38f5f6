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
}
