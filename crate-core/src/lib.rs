//! Typed models, the `q` query language, paging plans, timestamps and exports
//! for the REST audit API of One Identity Safeguard for Privileged Sessions.
//!
//! Pure Rust without I/O: it compiles natively and to `wasm32-unknown-unknown`.
#![deny(missing_docs)]

mod error;

pub use error::{Error, ErrorKind, Result};
