//! Inputs the fuzzers (`fuzz/`, cargo fuzz) found, each with the property it
//! broke. The whole corpora are replayed by `fuzz_corpus.rs`; these are the
//! minimised cases, readable on their own.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use sps_core::model::{decode_content_hits, SparseBody};
use sps_core::query::{validate, CompiledQuery};
use sps_core::{parse_query, Catalogue, ErrorKind, SessionSearch, Timestamp};

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

/// query_parser: the recursive-descent parser (and every walk over the AST)
/// recursed once per `(` or `NOT` without a bound, so about 2 KB of `((((…`
/// overflowed a 1 MiB stack (wasm, and the simulator's request threads with
/// a few more): the process died. Nesting is now limited to 64 levels.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // 64 levels (63 parentheses and the term) still parse, print and evaluate.
    let text = format!("{}protocol:ssh{}", "(".repeat(63), ")".repeat(63));
    let query = parse_query(&text).unwrap();
    assert_eq!(parse_query(&query.to_string()).unwrap(), query);
    validate(&query, Catalogue::sessions()).unwrap();
    let compiled = CompiledQuery::new(&query, Catalogue::sessions()).unwrap();
    assert!(!compiled.matches(&SparseBody::new()));
    let nots = format!("{}protocol:ssh", "NOT ".repeat(63));
    assert_eq!(parse_query(&nots).unwrap().to_string(), nots);

    for hostile in [
        format!("{}a{}", "(".repeat(64), ")".repeat(64)),
        "(".repeat(100_000),
        format!("{}a", "NOT ".repeat(100_000)),
        format!("{}ssh{}", "protocol:(".repeat(50_000), ")".repeat(50_000)),
    ] {
        let err = parse_query(&hostile).unwrap_err();
        match err.kind() {
            ErrorKind::QuerySyntax { message, .. } => {
                assert!(message.contains("nests too deeply"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
    let url = format!("q={}a{}", "%28".repeat(10_000), "%29".repeat(10_000));
    assert!(SessionSearch::from_query_string(&url).is_err());
}

/// query_parser: `\"a b\"` followed directly by a delimiter (here `""`) was
/// read as the words `"a` and `b"`, but printed with a space after `b\"`,
/// which reads as the phrase `a b`: printing changed the query. The closing
/// `\"` of the reference's phrase form now only has to end the word.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn docs_phrase_before_a_delimiter_prints_back_equal() {
    for text in [
        "\\\"len\u{c}g Files\\\"\"\"E2",
        r#"\"a b\""""#,
        r#"\"a b\"(c)"#,
        r#"\"a b\""c d""#,
        r#"\"a b\"c"#,
        r#"\"a b\"\""#,
    ] {
        let query = parse_query(text).unwrap();
        let printed = query.to_string();
        assert_eq!(
            parse_query(&printed).unwrap(),
            query,
            "{text} printed as {printed}"
        );
    }
    assert_eq!(
        parse_query(r#"server_username:\"Windows User\"(x)"#)
            .unwrap()
            .to_string(),
        r#"server_username:"Windows User" x"#
    );
}

/// query_parser, fixed: a word that began with a literal `"` printed as
/// `\"…`; when the printout put whitespace between it and a later word ending
/// with `\"`, the parser read the span as the reference's `\"two words\"`
/// phrase form. `(\")\"` (two one-quote words) printed as `\" \"`, the phrase
/// `" "`; `(a \")(b\")` printed as `(a \") b\"`, whose phrase swallowed the
/// `)`. Such a word now prints its leading quote as Lucene's `\u0022`.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn words_with_literal_quotes_print_back_equal() {
    for (text, expected) in [
        (r#"(\")\""#, r#"\u0022 \u0022"#),
        (r#"(a \")(b\")"#, r#"(a \u0022) b\""#),
        (r#"user:\"x"#, r#"user:\u0022x"#),
        (r#"\"a*"#, r#"\u0022a*"#),
    ] {
        let query = parse_query(text).unwrap();
        let printed = query.to_string();
        assert_eq!(printed, expected, "{text}");
        assert_eq!(
            parse_query(&printed).ok(),
            Some(query),
            "{text} printed as {printed}"
        );
    }
    // The reference's own form still reads as a phrase, and `\u` escapes
    // decode everywhere Lucene decodes them.
    assert_eq!(
        parse_query(r#"server_username:\"Windows User\""#).unwrap(),
        parse_query(r#"server_username:"Windows User""#).unwrap()
    );
    assert_eq!(
        parse_query(r#"\u0041b"#).unwrap(),
        parse_query("Ab").unwrap()
    );
    assert_eq!(
        parse_query(r#""\u0041 b""#).unwrap(),
        parse_query(r#""A b""#).unwrap()
    );
    // Not four hex digits: the `u` itself, as before.
    assert_eq!(
        parse_query(r#"\u00g1"#).unwrap(),
        parse_query("u00g1").unwrap()
    );
}

/// timestamp_parse (found by hand while reading the target's results, now in
/// its corpus): the last day chrono can represent, `+262142-12-31`, parses as
/// a date, and `period_end` (the next midnight) overflowed with a panic in
/// `DateTime + TimeDelta`, reachable from `end=` and from `q` time values
/// (in the wasm build, `panic = "abort"`, that ends the module).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn last_representable_day_has_a_period_end() {
    let ts = Timestamp::parse("+262142-12-31").unwrap();
    assert!(ts.is_date_only());
    assert!(ts.period_end() > ts.instant());

    let search = SessionSearch::from_query_string("end=%2B262142-12-31").unwrap();
    let compiled = search.compile().unwrap();
    assert!(!compiled.matches(&SparseBody::new()));

    let query = parse_query(r#"start_time:"+262142-12-31""#).unwrap();
    validate(&query, Catalogue::sessions()).unwrap();
    CompiledQuery::new(&query, Catalogue::sessions()).unwrap();
}
