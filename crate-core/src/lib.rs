//! Typed models, the `q` query language, paging plans, timestamps and exports
//! for the REST audit API of One Identity Safeguard for Privileged Sessions.
//!
//! Pure Rust without I/O: it compiles natively and to `wasm32-unknown-unknown`.
#![deny(missing_docs)]

mod alert;
mod builder;
mod catalogue;
mod channel;
mod client;
mod content;
mod decode;
mod envelope;
mod error;
mod eval;
mod event;
mod export;
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
mod fetch;
#[cfg(feature = "fetch")]
mod js_error;
#[cfg(feature = "fetch")]
pub use js_error::js_error_text;
mod field_source;
mod indexing;
mod paging;
mod parse;
mod query;
mod search;
mod session;
mod timestamp;
mod trail_download;
mod validate;
mod values;
// Benchmark data shared by the native and wasm benches; not part of the API.
#[cfg(feature = "bench-data")]
#[doc(hidden)]
pub mod bench_data;
#[cfg(all(feature = "js", target_arch = "wasm32"))]
pub mod js;

pub use alert::Alert;
pub use builder::{FieldBuilder, RangeEnd};
pub use catalogue::{Catalogue, FieldSpec, FieldType};
pub use channel::{
    Channel, ChannelItem, ChannelType, ChannelTypeKind, ChannelVerdict, ChannelVerdictKind,
};
pub use client::{
    api_error, basic_authorization, retry_after_seconds, CancelToken, Cancelled, Client,
    FetchAllError, FetchObserver, FetchOptions, FetchStats, Fetched, HttpReply, HttpRequest,
    LoginMethod, NoObserver, Progress, Transport, TransportError, TransportErrorKind,
};
pub use content::{ContentHit, RecordRange};
pub use decode::{
    decode_alerts, decode_api_error, decode_channels, decode_content_hits, decode_count,
    decode_events, decode_indexing, decode_info, decode_json, decode_session, decode_session_list,
    decode_session_map, decode_snapshot, decode_stats, decode_trail_downloads,
};
pub use envelope::{
    ApiError, ApiErrorBody, Collection, CollectionMeta, CountReply, InfoBody, Link, Single,
    SingleMeta, SnapshotBody, StatsBucket,
};
pub use error::{Error, ErrorKind, ReplyProblem, Result};
pub use eval::{matches, CompiledQuery};
pub use event::{Event, EventType, EventTypeKind};
pub use export::{
    detail_file_name, export_file_name, needs_formula_guard, neutralise_formula, session_columns,
    sessions_to_csv, trail_download_link, write_details_csv, write_details_json, ChunkSink,
    CsvColumn, CsvExporter, CsvOptions, DetailItem, DetailKind, ExpansionCut, ExportKind,
    JsonExporter, JsonFormat, LineEnd, MultiValue, NdjsonExporter, SessionBody, SessionContext,
    SessionObject, SessionRecord, TimeFormat, DEFAULT_MAX_ROWS_PER_SESSION, DEFAULT_PUBLIC_BASE,
    JOIN_SEPARATOR,
};
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
pub use fetch::{FetchTransport, DEFAULT_MAX_REPLY_BYTES, DEFAULT_TIMEOUT_MS};
pub use field_source::{
    is_time_path, FieldSource, FieldValue, FieldValues, SparseBody, ALERT_FIELDS, EVENT_FIELDS,
    SESSION_FIELDS,
};
pub use indexing::{
    BufferedToggle, Indexing, IndexingConfig, IndexingStatistics, IndexingVersion, ScreenIndexing,
    Toggle,
};
pub use paging::{
    Completeness, PagingMode, PagingPlan, PlanAction, PlanOptions, PlanRequest, RequestId,
    SnapshotPolicy, TotalSource, SESSIONS_PATH,
};
pub use parse::parse_query;
pub use query::{Bound, Field, FieldGroup, Query, Range, Span, Term, Value, WildPart};
pub use search::{
    compare_by_sort, decode_component, encode_component, parse_fields, parse_query_string,
    parse_sort, ContentSearch, EventSearch, Format, SessionSearch, SortKey, MAX_LIMIT, MAX_OFFSET,
};
pub use session::{
    AlgorithmScore, Analytics, Archive, AuditTrail, AuditTrailDetails, Endpoint, IndexStatus,
    IndexStatusKind, Log, Origin, OriginKind, Protocol, ProtocolKind, Recording, Score,
    ScoreDetails, Session, SessionRow, TimeOrText, User, Vault, VaultAction, VaultUser, Verdict,
    VerdictKind,
};
pub use timestamp::{unix_millis, Timestamp, TimestampForm, Zone};
pub use trail_download::TrailDownload;
pub use validate::{validate, validate_all};
pub use values::{Nullable, OneOrMany, StrOrInt};
