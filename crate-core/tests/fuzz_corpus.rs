//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the
//! same checks the libFuzzer targets run, so `cargo test` keeps what the
//! fuzzers found fixed without libFuzzer or nightly flags.
//!
//! The checks live in one file, `fuzz/src/lib.rs` (the fuzz crate's library,
//! which the targets call); it is included here as a module. It only uses
//! `sps_core`, `serde`, `serde_json`, `csv` and `std`, which this package has.
//! Native only: the corpora are read from the file system.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../fuzz/src/lib.rs"]
mod checks;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// Runs `check` on every file of `fuzz/corpus/<target>/`; fails naming every
/// file that panics.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no corpus files", dir.display());
    let mut failed = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} corpus files of `{target}` break a check (see the panics above):\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn decode_models_corpus() {
    replay("decode_models", checks::check_decode);
}

#[test]
fn query_parser_corpus() {
    replay("query_parser", checks::check_query);
}

#[test]
fn timestamp_parse_corpus() {
    replay("timestamp_parse", checks::check_timestamp);
}

#[test]
fn csv_writer_corpus() {
    replay("csv_writer", checks::check_csv);
}
