//! Typed models, the `q` query language, search requests, a client, paging
//! plans and exports for the REST audit API of One Identity Safeguard for
//! Privileged Sessions (SPS). It compiles natively and to
//! `wasm32-unknown-unknown`; the viewer, the simulator and the npm package
//! share it.
//!
//! Everything but the client is pure computation. The [`Client`] does I/O,
//! but only through the [`Transport`] trait it is given (GET and sleep): the
//! browser's fetch transport (feature `fetch`, wasm32), a `reqwest` one in
//! tests, or a fake. The layers, each a module:
//!
//! - [`model`]: what the API returns (sessions, events, alerts, envelopes,
//!   timestamps) and the decoders that read it from bytes;
//! - [`query`]: the `q` language (AST, parser, printer, builder, field
//!   catalogues, validator, evaluator);
//! - [`request`]: search requests as values and the one builder of API paths
//!   with its percent-encoding;
//! - [`client`]: the client, its transport seam, login, page walks of a
//!   session's sub-lists, and fetching every session of a search past the
//!   10,000-result cap (the paging plan);
//! - [`export`]: CSV, JSON and NDJSON exporters behind [`SessionExporter`];
//! - `js`: the wasm-bindgen bindings of the npm package (feature `js`, wasm32).
//!
//! Errors are one [`Error`] type whose [`ErrorKind`] callers match on;
//! [`Error::is_auth`] and [`Error::kind_name`] are the one policy for "log in
//! again" and for a stable name of the kind.
#![deny(missing_docs)]

pub mod client;
mod error;
pub mod export;
#[cfg(all(feature = "js", target_arch = "wasm32"))]
pub mod js;
pub mod model;
pub mod query;
pub mod request;

// The types most users need; everything else is in its layer's module.
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
pub use client::FetchTransport;
pub use client::{
    CancelToken, Client, FetchAllError, FetchObserver, FetchOptions, Fetched, HttpReply,
    HttpRequest, NoObserver, Transport, TransportError,
};
pub use error::{Error, ErrorKind, ReplyProblem, Result};
pub use export::{CsvExporter, CsvOptions, JsonExporter, NdjsonExporter, SessionExporter};
pub use model::{
    Alert, ChannelItem, Collection, Event, FieldSource, Session, SessionRow, Single, Timestamp,
    Zone,
};
pub use query::{parse_query, Catalogue, Query};
pub use request::{ContentSearch, EventSearch, SessionSearch, SortKey};
