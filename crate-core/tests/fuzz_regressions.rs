//! Inputs the fuzzers (`fuzz/`, cargo fuzz) found, each with the property it
//! broke. The whole corpora are replayed by `fuzz_corpus.rs`; these are the
//! minimised cases, readable on their own.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use sps_core::decode_content_hits;

/// decode_models: a float with 17 significant digits changed by one unit in
/// the last place in an encode/decode round trip (serde_json's default float
/// parser is not exact; sps-core now enables `float_roundtrip`).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn float_rank_round_trips_exactly() {
    let hits = decode_content_hits(br#"{"items": [{"rank": 2.4756217002682685}]}"#).unwrap();
    assert_eq!(hits.items[0].rank, Some(2.4756217002682685));
    let json = serde_json::to_vec(&hits).unwrap();
    assert_eq!(decode_content_hits(&json).unwrap(), hits);
}
