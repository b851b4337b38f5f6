//! The `q` language: the Lucene-like filter syntax SPS takes in `?q=` and
//! `?content=`.
//!
//! It owns the AST ([`Query`] and its parts, `ast.rs`), the parser
//! ([`parse_query`], `parse.rs`), the printer (`Display`, `printer.rs`, which
//! writes text that parses back to the same AST), the typed builder
//! ([`Query::field`], [`FieldBuilder`], `builder.rs`), the field catalogues of
//! each endpoint ([`Catalogue`], `catalogue.rs`), the validator that checks a
//! query against a catalogue the way SPS would ([`validate`], `validate.rs`)
//! and the evaluator that runs it on rows ([`CompiledQuery`], [`matches`],
//! `eval.rs`; the simulator and the viewer's offline mode share it).

pub(crate) mod ast;
pub(crate) mod builder;
pub(crate) mod catalogue;
pub(crate) mod eval;
pub(crate) mod parse;
pub(crate) mod printer;
pub(crate) mod validate;

pub use ast::{Bound, Field, FieldGroup, Query, Range, Span, Term, Value, WildPart};
pub use builder::{FieldBuilder, RangeEnd};
pub use catalogue::{Catalogue, FieldSpec, FieldType};
pub use eval::{matches, CompiledQuery};
pub use parse::parse_query;
pub use validate::{validate, validate_all};
