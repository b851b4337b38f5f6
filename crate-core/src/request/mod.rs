//! The request layer: what to ask the audit API, as values and as paths.
//!
//! It owns the search requests ([`SessionSearch`] for `/api/audit/sessions`,
//! [`EventSearch`] for a session's events, [`ContentSearch`] for its recorded
//! content), which check their parameters the way SPS would and render to and
//! read from query strings (`search.rs`), the sort keys and `fields=`/`sort=`
//! parsers, and the one builder of API paths with the crate's one
//! percent-encoding ([`ApiPath`], [`session_path`], [`session_part_path`],
//! [`encode_component`], `path.rs`), shared by the client, the exports and the
//! simulator.

pub(crate) mod histogram;
pub(crate) mod path;
pub(crate) mod search;

pub use histogram::HistogramBin;
pub use path::{
    decode_component, encode_component, histogram_path, parse_query_string, session_part_path,
    session_path, stats_path, ApiPath, AUTHENTICATION_PATH, COUNT_PATH, HISTOGRAM_PATH, INFO_PATH,
    LOGIN_METHODS_PATH, SESSIONS_PATH, SNAPSHOT_PATH, STATS_PATH,
};
pub use search::{
    compare_by_sort, parse_fields, parse_sort, ContentSearch, EventSearch, Format, SessionSearch,
    SortKey, MAX_LIMIT, MAX_OFFSET,
};
