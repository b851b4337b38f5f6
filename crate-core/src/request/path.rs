//! The one builder of API paths and the one percent-encoding of the crate.
//!
//! Every path the client sends, every link an export writes and every link
//! the simulator answers with is built here, so that they agree byte for byte.
//! The encoding follows the links SPS itself writes in `meta.first`/`meta.last`
//! (`limit=500&offset=0&fields=start_time,name,duration&q=name%3Amyname&sort=duration`):
//! letters, digits, `-._~` and `,` kept, everything else percent-encoded with
//! upper-case hex (space as `%20`, `:` as `%3A`, `*` as `%2A`). Session keys
//! are opaque, so they are encoded the same way in a path segment. Reading
//! accepts any encoding, with `+` as a space (form encoding).
//!
//! ```
//! use sps_core::request::{session_part_path, ApiPath, SESSIONS_PATH};
//!
//! assert_eq!(session_part_path("a/b c", "events"), "/api/audit/sessions/a%2Fb%20c/events");
//! let path = ApiPath::new(SESSIONS_PATH)
//!     .param("limit", "500")
//!     .param("q", "name:myname")
//!     .build();
//! assert_eq!(path, "/api/audit/sessions?limit=500&q=name%3Amyname");
//! ```

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The sessions list: `/api/audit/sessions`.
pub const SESSIONS_PATH: &str = "/api/audit/sessions";
/// How many sessions match: `/api/audit/sessions/_count`.
pub const COUNT_PATH: &str = "/api/audit/sessions/_count";
/// Opens a snapshot (SPS 7.5+): `/api/audit/sessions/_snapshot`.
pub const SNAPSHOT_PATH: &str = "/api/audit/sessions/_snapshot";
/// Top values of a field: `/api/audit/sessions/stats`.
pub const STATS_PATH: &str = "/api/audit/sessions/stats";
/// Sessions per time interval (SPS 6.0.4+): `/api/audit/sessions/histogram`.
pub const HISTOGRAM_PATH: &str = "/api/audit/sessions/histogram";
/// Logging in: `/api/authentication`.
pub const AUTHENTICATION_PATH: &str = "/api/authentication";
/// The login methods: `/api/authentication/login_methods`.
pub const LOGIN_METHODS_PATH: &str = "/api/authentication/login_methods";
/// The firmware version: `/api/info`.
pub const INFO_PATH: &str = "/api/info";

/// What [`encode_component`] escapes: everything but letters, digits and
/// `-._~,` (the unreserved characters plus the list separator SPS keeps).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b',');

/// Percent-encodes a parameter value or a path segment (see the module notes).
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Decodes a percent-encoded parameter value; `+` is a space. Malformed
/// escapes are kept as written; invalid UTF-8 is replaced.
pub fn decode_component(value: &str) -> String {
    // `+` first: an encoded plus (`%2B`) must stay a plus.
    percent_decode_str(&value.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Splits a query string (with or without a leading `?`) into decoded pairs.
pub fn parse_query_string(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('?').unwrap_or(text);
    form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `/api/audit/sessions/<key>`, the key encoded.
pub fn session_path(key: &str) -> String {
    format!("{SESSIONS_PATH}/{}", encode_component(key))
}

/// `/api/audit/sessions/<key>/<part>` (`events`, `alerts`, `channels`,
/// `indexing`, `trail_downloads`, `content`, `audit_trail`), the key encoded;
/// `part` is written as given.
pub fn session_part_path(key: &str, part: &str) -> String {
    let mut path = String::with_capacity(SESSIONS_PATH.len() + key.len() + part.len() + 2);
    push_session_part_path(&mut path, key, part);
    path
}

/// Appends [`session_part_path`] to `out` without an intermediate string.
pub(crate) fn push_session_part_path(out: &mut String, key: &str, part: &str) {
    out.push_str(SESSIONS_PATH);
    out.push('/');
    out.extend(utf8_percent_encode(key, COMPONENT));
    out.push('/');
    out.push_str(part);
}

/// `GET /api/audit/sessions/stats?field=…[&sub_fields=…][&size=N]&<filters>`:
/// `filters` is an encoded query string of the search (`q`, `content`,
/// `start`, `end`), added last.
pub fn stats_path(
    field: &str,
    sub_field: Option<&str>,
    size: Option<u32>,
    filters: &str,
) -> String {
    let size = size.map(|n| n.to_string());
    ApiPath::new(STATS_PATH)
        .param("field", field)
        .opt("sub_fields", sub_field)
        .opt("size", size.as_deref())
        .query_string(filters)
        .build()
}

/// `GET /api/audit/sessions/histogram?field=…&bin-size=…&<filters>`, as
/// [`stats_path`].
pub fn histogram_path(field: &str, bin_size: &str, filters: &str) -> String {
    ApiPath::new(HISTOGRAM_PATH)
        .param("field", field)
        .param("bin-size", bin_size)
        .query_string(filters)
        .build()
}

/// A path with a query string, built parameter by parameter: values are
/// encoded with [`encode_component`], in the order they are added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiPath {
    path: String,
    query: String,
}

impl ApiPath {
    /// Starts at `path` (already encoded, for example [`session_path`]).
    pub fn new(path: impl Into<String>) -> ApiPath {
        ApiPath {
            path: path.into(),
            query: String::new(),
        }
    }

    /// A query string without a path ([`ApiPath::query`] gives it).
    pub fn query_only() -> ApiPath {
        ApiPath::default()
    }

    fn separate(&mut self) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
    }

    /// Adds `name=value`, the value encoded.
    pub fn param(self, name: &str, value: &str) -> ApiPath {
        self.param_encoded(name, &encode_component(value))
    }

    /// Adds `name=value` when there is a value.
    pub fn opt(self, name: &str, value: Option<&str>) -> ApiPath {
        match value {
            Some(value) => self.param(name, value),
            None => self,
        }
    }

    /// Adds `name=value` with `value` written as given (already encoded).
    pub fn param_encoded(mut self, name: &str, value: &str) -> ApiPath {
        self.separate();
        self.query.push_str(name);
        self.query.push('=');
        self.query.push_str(value);
        self
    }

    /// Adds `name=a,b,c`, each item encoded (the comma is kept as SPS's
    /// list separator); `*` alone stays `*`, as in SPS's own `fields=*` links.
    pub fn list<S: AsRef<str>>(self, name: &str, items: &[S]) -> ApiPath {
        let encoded: Vec<String> = items
            .iter()
            .map(|item| match item.as_ref() {
                "*" => "*".to_owned(),
                item => encode_component(item),
            })
            .collect();
        self.param_encoded(name, &encoded.join(","))
    }

    /// Adds an already encoded query string (`a=1&b=2`; empty adds nothing).
    pub fn query_string(mut self, query: &str) -> ApiPath {
        let query = query.strip_prefix('?').unwrap_or(query);
        if !query.is_empty() {
            self.separate();
            self.query.push_str(query);
        }
        self
    }

    /// The query string so far, without `?`.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// `path?query`, or the path alone when no parameter was added.
    pub fn build(self) -> String {
        if self.query.is_empty() {
            self.path
        } else {
            let mut out = self.path;
            out.push('?');
            out.push_str(&self.query);
            out
        }
    }

    /// The query string without `?` (for [`ApiPath::query_only`]).
    pub fn into_query(self) -> String {
        self.query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_and_histogram_paths_encode_their_parameters() {
        assert_eq!(
            stats_path("user.name", Some("verdict"), Some(5), "q=protocol%3ASSH"),
            "/api/audit/sessions/stats?field=user.name&sub_fields=verdict&size=5&q=protocol%3ASSH"
        );
        assert_eq!(
            stats_path("a b", None, None, ""),
            "/api/audit/sessions/stats?field=a%20b"
        );
        assert_eq!(
            histogram_path("protocol", "hour", "start=2024-01-01"),
            "/api/audit/sessions/histogram?field=protocol&bin-size=hour&start=2024-01-01"
        );
    }

    #[test]
    fn keys_are_opaque_path_segments() {
        assert_eq!(session_path("a/b c"), "/api/audit/sessions/a%2Fb%20c");
        assert_eq!(
            session_part_path("k-1.x_~,", "events"),
            "/api/audit/sessions/k-1.x_~,/events"
        );
        assert_eq!(
            session_part_path("é?#%", "alerts"),
            "/api/audit/sessions/%C3%A9%3F%23%25/alerts"
        );
    }

    #[test]
    fn parameters_in_order_with_lists_and_raw_queries() {
        let path = ApiPath::new(SESSIONS_PATH)
            .param("limit", "500")
            .list("fields", &["start_time", "user.name", "a b"])
            .opt("q", None)
            .opt("sort", Some("-duration"))
            .query_string("?x=1")
            .build();
        assert_eq!(
            path,
            "/api/audit/sessions?limit=500&fields=start_time,user.name,a%20b&sort=-duration&x=1"
        );
        assert_eq!(
            ApiPath::new(INFO_PATH).query_string("").build(),
            "/api/info"
        );
        assert_eq!(
            ApiPath::query_only().list("fields", &["*"]).into_query(),
            "fields=*"
        );
    }

    #[test]
    fn query_strings_read_back_form_encoded() {
        assert_eq!(
            parse_query_string("?a=1&&b&c=x+y%2B&=v"),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), "x y+".to_owned()),
                (String::new(), "v".to_owned()),
            ]
        );
    }
}
