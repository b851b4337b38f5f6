//! A simulator of the One Identity SPS audit REST API.
#![deny(missing_docs)]
