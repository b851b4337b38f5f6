//! The crate's one error type.

/// A specialised `Result` for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `sps-core`: what kind, and a message for a person.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    kind: Box<ErrorKind>,
    /// Set by decoding and by the client for replies that were not the JSON
    /// the API documents (see [`Error::reply_problem`]).
    reply_problem: Option<ReplyProblem>,
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

    /// What was wrong with the reply, when the error comes from a reply that
    /// was not the JSON the API documents: one that did not decode, an error
    /// status whose body was not SPS's error envelope (a proxy's HTML page),
    /// or a body cut off in transit. `None` for every other error.
    ///
    /// Always set on [`ErrorKind::Decode`] errors of replies; on
    /// [`ErrorKind::Api`] when the error status came with something else than
    /// SPS's error envelope; on [`ErrorKind::Transport`] when the body was cut off.
    pub fn reply_problem(&self) -> Option<ReplyProblem> {
        self.reply_problem
    }

    /// The same error, saying what was wrong with the reply.
    pub fn with_reply_problem(mut self, problem: ReplyProblem) -> Error {
        self.reply_problem = Some(problem);
        self
    }

    /// Whether logging in (again) is the answer: an [`ErrorKind::Api`] with
    /// status 401 (no login, or it expired) or 403 (the login may not do
    /// this) in SPS's own error envelope.
    ///
    /// The one policy shared by the viewer and the npm package. A 401 or 403
    /// whose body is not SPS's envelope ([`Error::reply_problem`] set: a
    /// proxy's or login portal's HTML page) is not: something else than the
    /// appliance answered, and the appliance's login would not get past it.
    pub fn is_auth(&self) -> bool {
        matches!(
            *self.kind,
            ErrorKind::Api {
                status: 401 | 403,
                ..
            }
        ) && self.reply_problem.is_none()
    }

    /// Whether the resource or the endpoint is absent: an [`ErrorKind::Api`]
    /// with status 404, in SPS's envelope (`NotFound`) or not.
    ///
    /// A 404 without SPS's envelope counts too: an appliance older than an
    /// endpoint (`histogram` before 6.0.4) may answer an unknown path from
    /// its web server rather than from the API, and either way the caller's
    /// answer is the same (fall back, for example to `_count` probes).
    pub fn is_not_found(&self) -> bool {
        matches!(*self.kind, ErrorKind::Api { status: 404, .. })
    }

    /// A stable lower-case name of the kind, for programs and page
    /// attributes (`data-kind`): `api`, `network` (a transport failure),
    /// `unreadable` (a reply that does not decode), `cancelled`, and one per
    /// other variant (`timestamp`, `query-syntax`, `query-field`,
    /// `query-invalid`, `search-parameter`, `export`, `reply-too-large`,
    /// `redirected`, `slice-too-dense`, `incomplete`, `paging`). `api`,
    /// `network` and `unreadable` are the names the viewer already used.
    /// Whether to log in again is [`Error::is_auth`]; what was wrong with a
    /// reply is [`Error::reply_problem`].
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }
}

/// Why a reply could not be read as the JSON the API documents. sps-core
/// decides it once, from the bytes; callers branch on it or show
/// [`ReplyProblem::code`] (the viewer's `data-kind`, the npm package's
/// `err.problem`) instead of guessing from messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReplyProblem {
    /// No body at all (or only white space).
    Empty,
    /// An HTML page: a proxy's error page or a login portal.
    Html,
    /// Some other text or binary data that is not JSON.
    NotJson,
    /// JSON that stops before its end: the reply was cut off.
    Truncated,
    /// JSON with a syntax error (or trailing characters) before its end.
    InvalidJson,
    /// Valid JSON whose shape does not match the model: a value of the wrong
    /// type, a missing required field.
    WrongType,
}

impl ReplyProblem {
    /// A stable lower-case code: `empty`, `html`, `not-json`, `truncated`,
    /// `invalid-json`, `wrong-type`.
    pub fn code(self) -> &'static str {
        match self {
            ReplyProblem::Empty => "empty",
            ReplyProblem::Html => "html",
            ReplyProblem::NotJson => "not-json",
            ReplyProblem::Truncated => "truncated",
            ReplyProblem::InvalidJson => "invalid-json",
            ReplyProblem::WrongType => "wrong-type",
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error {
            kind: Box::new(kind),
            reply_problem: None,
        }
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
    #[error("HTTP {status}{}: {message}", api_type_suffix(*status, error_type))]
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
    /// A reply larger than the transport accepts (see
    /// `FetchTransport::with_max_reply_bytes`): not read, and not retried,
    /// since asking again gives the same. Usually a search that should page
    /// with a smaller `limit`, or something else than SPS answering.
    #[error("the reply is larger than the {limit} bytes accepted{}; not read", size.map(|s| format!(" ({s} bytes)")).unwrap_or_default())]
    ReplyTooLarge {
        /// The most accepted, in bytes.
        limit: u64,
        /// The size, when the reply said it (`Content-Length`).
        size: Option<u64>,
    },
    /// The server answered with a redirect, which is not followed: an API
    /// call is never redirected by SPS, so it comes from something in the way
    /// (a login portal, a proxy), and following it could send the login
    /// cookie or credentials to another origin.
    #[error("HTTP {status}: the server redirected the request{}; redirects are not followed", location.as_ref().map(|l| format!(" to {l}")).unwrap_or_default())]
    Redirected {
        /// The redirect's status (301, 302, 307, ...); 0 when the browser
        /// hides it (an opaque redirect).
        status: u16,
        /// Where it pointed, when the transport can see it (Node can, a
        /// browser cannot).
        location: Option<String>,
    },
    /// A time window one second wide holds more sessions than one offset walk
    /// can reach, so time slicing cannot split it further.
    #[error("{count}{} sessions started between {start} and {end}, more than the {cap} one search can reach; narrow the search", if *at_least { " or more" } else { "" })]
    SliceTooDense {
        /// Start of the window (ISO 8601, UTC).
        start: String,
        /// End of the window, excluded (ISO 8601, UTC).
        end: String,
        /// How many sessions it holds.
        count: u64,
        /// `count` is a lower bound (a `match_count` at the cap).
        at_least: bool,
        /// The most one offset walk reaches (10,000 on SPS).
        cap: u64,
    },
    /// A fetch of every session ended with fewer sessions than the appliance
    /// counted: some were lost on the way. Never a silent success; see
    /// `FetchOptions::allow_incomplete` to get the rows with the numbers instead.
    #[error("incomplete: {delivered} sessions arrived, but {how} says {expected} match; {} missing", expected.saturating_sub(*delivered))]
    Incomplete {
        /// Sessions delivered (each key once).
        delivered: u64,
        /// Sessions the appliance counted (or at least that many, see `how`).
        expected: u64,
        /// How the count was known, for a person (`_count`, `match_count`, ...).
        how: String,
    },
    /// A paging plan could not continue (an answer it did not expect, a
    /// snapshot that keeps expiring, sessions without `start_time`).
    #[error("paging: {message}")]
    Paging {
        /// What went wrong.
        message: String,
    },
}

impl ErrorKind {
    /// The stable name of [`Error::kind_name`].
    pub fn name(&self) -> &'static str {
        match self {
            ErrorKind::Decode { .. } => "unreadable",
            ErrorKind::Timestamp { .. } => "timestamp",
            ErrorKind::QuerySyntax { .. } => "query-syntax",
            ErrorKind::QueryField { .. } => "query-field",
            ErrorKind::QueryInvalid { .. } => "query-invalid",
            ErrorKind::SearchParameter { .. } => "search-parameter",
            ErrorKind::Export { .. } => "export",
            ErrorKind::Api { .. } => "api",
            ErrorKind::Transport { .. } => "network",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::ReplyTooLarge { .. } => "reply-too-large",
            ErrorKind::Redirected { .. } => "redirected",
            ErrorKind::SliceTooDense { .. } => "slice-too-dense",
            ErrorKind::Incomplete { .. } => "incomplete",
            ErrorKind::Paging { .. } => "paging",
        }
    }
}

/// ` Unauthenticated` after `HTTP 401`; nothing when the type only repeats the
/// status (a reply without SPS's envelope), so messages do not say it twice.
fn api_type_suffix(status: u16, error_type: &str) -> String {
    if error_type == format!("HTTP {status}") {
        String::new()
    } else {
        format!(" {error_type}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> Error {
        ErrorKind::Api {
            status,
            error_type: "Unauthenticated".to_owned(),
            message: "no login".to_owned(),
            details: None,
        }
        .into()
    }

    #[test]
    fn not_found_is_any_404_reply() {
        assert!(api(404).is_not_found());
        assert!(api(404)
            .with_reply_problem(ReplyProblem::Html)
            .is_not_found());
        for status in [400, 401, 403, 405, 410, 500] {
            assert!(!api(status).is_not_found(), "{status}");
        }
        let decode = Error::from(ErrorKind::Decode {
            what: "histogram".to_owned(),
            path: ".".to_owned(),
            message: "404".to_owned(),
        });
        assert!(!decode.is_not_found());
    }

    #[test]
    fn auth_is_a_401_or_403_from_the_appliance() {
        assert!(api(401).is_auth());
        assert!(api(403).is_auth());
        for status in [400, 404, 407, 429, 500, 502] {
            assert!(!api(status).is_auth(), "{status}");
        }
        // A login portal's HTML page with 401 is not SPS's login error.
        assert!(!api(401).with_reply_problem(ReplyProblem::Html).is_auth());
        let network = Error::from(ErrorKind::Transport {
            message: "down".to_owned(),
        });
        assert!(!network.is_auth());
        assert!(!Error::from(ErrorKind::Redirected {
            status: 302,
            location: None
        })
        .is_auth());
    }

    #[test]
    fn kind_names_are_stable() {
        assert_eq!(api(401).kind_name(), "api");
        let cases: [(ErrorKind, &str); 6] = [
            (
                ErrorKind::Transport {
                    message: String::new(),
                },
                "network",
            ),
            (
                ErrorKind::Decode {
                    what: String::new(),
                    path: String::new(),
                    message: String::new(),
                },
                "unreadable",
            ),
            (ErrorKind::Cancelled, "cancelled"),
            (
                ErrorKind::QuerySyntax {
                    position: 1,
                    message: String::new(),
                },
                "query-syntax",
            ),
            (
                ErrorKind::ReplyTooLarge {
                    limit: 1,
                    size: None,
                },
                "reply-too-large",
            ),
            (
                ErrorKind::Incomplete {
                    delivered: 1,
                    expected: 2,
                    how: String::new(),
                },
                "incomplete",
            ),
        ];
        for (kind, name) in cases {
            assert_eq!(Error::from(kind).kind_name(), name);
        }
    }
}
