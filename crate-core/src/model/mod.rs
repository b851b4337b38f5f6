//! The data layer: typed models of everything the audit API returns, and how
//! they are read from bytes.
//!
//! It owns the reply envelopes ([`Collection`], [`Single`], [`ApiError`]), the
//! session body and its parts ([`Session`], the sparse list row
//! [`SessionRow`]), a session's sub-lists ([`Event`], [`Alert`],
//! [`ChannelItem`], [`Indexing`], [`TrailDownload`], [`ContentHit`]), the
//! cross-session counts ([`StatsReply`], [`HistogramReply`]), the
//! small value types they share ([`Nullable`], [`StrOrInt`], [`OneOrMany`]),
//! the one [`Timestamp`] type, field lookup by dotted path ([`FieldSource`])
//! and the `decode_*` entry points that turn reply bytes into models with
//! errors that say where the JSON went wrong. Nothing here does I/O.

pub(crate) mod alert;
pub(crate) mod channel;
pub(crate) mod content;
pub(crate) mod decode;
pub(crate) mod envelope;
pub(crate) mod event;
pub(crate) mod field_source;
pub(crate) mod histogram;
pub(crate) mod indexing;
pub(crate) mod session;
pub(crate) mod stats;
pub(crate) mod timestamp;
pub(crate) mod trail_download;
pub(crate) mod values;

pub use alert::Alert;
pub use channel::{
    Channel, ChannelItem, ChannelType, ChannelTypeKind, ChannelVerdict, ChannelVerdictKind,
};
pub use content::{ContentHit, RecordRange};
pub use decode::{
    decode_alerts, decode_api_error, decode_channels, decode_content_hits, decode_count,
    decode_events, decode_histogram, decode_indexing, decode_info, decode_json, decode_session,
    decode_session_list, decode_session_map, decode_snapshot, decode_stats, decode_stats_reply,
    decode_trail_downloads,
};
pub use envelope::{
    ApiError, ApiErrorBody, Collection, CollectionMeta, CountReply, InfoBody, Link, Single,
    SingleMeta, SnapshotBody, StatsBucket,
};
pub use event::{Event, EventType, EventTypeKind};
pub use field_source::{
    is_time_path, FieldSource, FieldValue, FieldValues, SparseBody, ALERT_FIELDS, EVENT_FIELDS,
    SESSION_FIELDS,
};
pub use histogram::{HistogramInterval, HistogramMeta, HistogramReply};
pub use indexing::{
    BufferedToggle, Indexing, IndexingConfig, IndexingStatistics, IndexingVersion, ScreenIndexing,
    Toggle,
};
pub use session::{
    AlgorithmScore, Analytics, Archive, AuditTrail, AuditTrailDetails, Endpoint, IndexStatus,
    IndexStatusKind, Log, Origin, OriginKind, Protocol, ProtocolKind, Recording, Score,
    ScoreDetails, Session, SessionRow, TimeOrText, User, Vault, VaultAction, VaultUser, Verdict,
    VerdictKind,
};
pub use stats::{StatsItem, StatsMeta, StatsReply};
pub use timestamp::{unix_millis, Timestamp, TimestampForm, Zone};
pub use trail_download::TrailDownload;
pub use values::{Nullable, OneOrMany, StrOrInt};
