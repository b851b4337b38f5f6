//! Chunked output as the viewer's streaming export uses it: the chunks reach
//! the sink while pages are still being written (so the file never has to
//! be held whole), each is at least the chunk size but the last, and
//! together they are exactly the one-shot export.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;

use serde_json::json;
use sps_core::export::{session_columns, sessions_to_csv, ChunkSink};
use sps_core::SessionExporter as _;
use sps_core::{CsvExporter, CsvOptions, NdjsonExporter, SessionRow};

fn page(start: usize, n: usize) -> Vec<SessionRow> {
    (start..start + n)
        .map(|i| {
            serde_json::from_value(json!({
                "key": format!("key-{i:06}"),
                "body": {"protocol": "SSH", "user.gateway_username": format!("user {i} =1+{i}")}
            }))
            .expect("a row")
        })
        .collect()
}

const CHUNK: usize = 16 * 1024;

#[test]
fn csv_chunks_arrive_page_by_page_and_add_up_to_the_export() {
    let columns = session_columns(&["protocol", "user.gateway_username"]).expect("columns");
    let chunks = RefCell::new(Vec::<Vec<u8>>::new());
    let mut seen_while_writing = Vec::new();
    let sink = ChunkSink::new(CHUNK, |bytes: &[u8]| {
        chunks.borrow_mut().push(bytes.to_vec());
        Ok(())
    });
    let mut exporter = CsvExporter::new(sink, CsvOptions::new(columns.clone())).expect("header");
    let mut all = Vec::new();
    for p in 0..20 {
        let rows = page(p * 500, 500);
        exporter.write_page(&rows).expect("page");
        seen_while_writing.push(chunks.borrow().len());
        all.extend(rows);
    }
    let mut sink = exporter.finish().expect("finish");
    std::io::Write::flush(&mut sink).expect("last chunk");
    drop(sink);
    let chunks = chunks.into_inner();

    // Chunks went out while the pages were being written, growing steadily.
    assert!(seen_while_writing[0] < seen_while_writing[19]);
    assert!(seen_while_writing[9] > 0);
    let (last, full) = chunks.split_last().expect("chunks");
    assert!(
        full.iter().all(|c| c.len() >= CHUNK),
        "only the last chunk is short"
    );
    assert!(!last.is_empty());
    // Never much more than a chunk buffered: no chunk is a whole page's worth past it.
    assert!(chunks.iter().all(|c| c.len() < CHUNK + 8 * 1024));
    assert_eq!(
        chunks.concat(),
        sessions_to_csv(&all, CsvOptions::new(columns)).expect("one shot")
    );
}

#[test]
fn a_sink_that_fails_stops_the_export_with_a_clear_error() {
    let sink = ChunkSink::new(1024, |_: &[u8]| Err(std::io::Error::other("disk full")));
    let mut exporter = NdjsonExporter::new(sink).expect("start");
    let error = exporter
        .write_page(&page(0, 2_000))
        .and_then(|()| exporter.flush())
        .expect_err("the sink refused");
    assert!(error.to_string().contains("disk full"), "{error}");
}
