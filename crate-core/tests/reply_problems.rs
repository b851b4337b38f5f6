//! Replies that are not the JSON the API documents: each decoding error and
//! each non-envelope error reply says which case it is
//! (`Error::reply_problem`), and messages stay short whatever the reply holds.

use sps_core::{client::*, model::*, *};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn problem_of(bytes: &[u8]) -> Option<ReplyProblem> {
    decode_session_list(bytes).unwrap_err().reply_problem()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn each_malformed_body_is_classified() {
    let cases: [(&[u8], ReplyProblem); 12] = [
        (b"", ReplyProblem::Empty),
        (b" \r\n\t", ReplyProblem::Empty),
        (
            b"<html><head><title>502 Bad Gateway</title></head></html>",
            ReplyProblem::Html,
        ),
        (b"\n<!DOCTYPE html>\n<html lang=\"en\">", ReplyProblem::Html),
        (b"<!doctype HTML><title>Sign in</title>", ReplyProblem::Html),
        (b"<?xml version=\"1.0\"?><error/>", ReplyProblem::NotJson),
        (b"\x1f\x8b\x08\x00\x00\x00", ReplyProblem::NotJson),
        (b"Service Unavailable", ReplyProblem::NotJson),
        (br#"{"items": [{"key": "a"}, {"ke"#, ReplyProblem::Truncated),
        (br#"{"items": [}"#, ReplyProblem::InvalidJson),
        (br#"{"items": []} trailing"#, ReplyProblem::InvalidJson),
        (
            br#"{"items": {"first": null, "total": "many"}}"#,
            ReplyProblem::WrongType,
        ),
    ];
    for (bytes, want) in cases {
        assert_eq!(
            problem_of(bytes),
            Some(want),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
    let e = decode_session(br#"{"body": {"duration": "many"}}"#).unwrap_err();
    assert_eq!(e.reply_problem(), Some(ReplyProblem::WrongType));
    assert!(matches!(e.kind(), ErrorKind::Decode { .. }));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn codes_are_stable() {
    let codes: Vec<&str> = [
        ReplyProblem::Empty,
        ReplyProblem::Html,
        ReplyProblem::NotJson,
        ReplyProblem::Truncated,
        ReplyProblem::InvalidJson,
        ReplyProblem::WrongType,
    ]
    .into_iter()
    .map(ReplyProblem::code)
    .collect();
    assert_eq!(
        codes,
        [
            "empty",
            "html",
            "not-json",
            "truncated",
            "invalid-json",
            "wrong-type"
        ]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn binary_replies_are_quoted_with_escapes() {
    let e = decode_session_list(b"\x1f\x8b\x08\x00rest").unwrap_err();
    let text = e.to_string();
    assert!(text.contains("it starts with `\\u{1f}"), "{text}");
    assert!(
        !text.contains('\u{1f}'),
        "no raw control characters: {text:?}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_huge_unexpected_value_is_left_out_of_the_message() {
    let huge = "z".repeat(5_000_000);
    let reply = format!(r#"{{"body": {{"duration": "{huge}"}}}}"#);
    let e = decode_session(reply.as_bytes()).unwrap_err();
    let text = e.to_string();
    assert!(text.len() < 600, "{} bytes", text.len());
    assert!(text.contains("characters left out"), "{text}");
    assert!(
        text.contains("invalid type: string \"zzz"),
        "what was found: {text}"
    );
    assert!(text.contains("expected i64"), "what was expected: {text}");
    // Broken JSON after a huge string: the same.
    let reply = format!(r#"{{"items": ["{huge}" }}"#);
    let text = decode_session_list(reply.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(text.len() < 600, "{} bytes", text.len());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_huge_string_in_place_decodes() {
    let huge = "y".repeat(8 * 1024 * 1024);
    let reply = format!(r#"{{"body": {{"user": {{"gateway_username": "{huge}"}}}}}}"#);
    let single = decode_session(reply.as_bytes()).expect("a long value is data");
    assert_eq!(
        single.body.gateway_username().map(str::len),
        Some(huge.len())
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn error_replies_that_are_not_spss_envelope() {
    let html = api_error(&HttpReply::new(
        502,
        Some("text/html".into()),
        b"<html>\r\n<head><title>502 Bad Gateway</title></head>".to_vec(),
    ));
    assert_eq!(html.reply_problem(), Some(ReplyProblem::Html));
    assert!(
        matches!(html.kind(), ErrorKind::Api { status: 502, error_type, .. } if error_type == "HTTP 502")
    );
    let empty = api_error(&HttpReply::new(503, None, Vec::new()));
    assert_eq!(empty.reply_problem(), Some(ReplyProblem::Empty));
    let sps = api_error(&HttpReply::new(
        503,
        Some("application/json".into()),
        br#"{"error": {"type": "ServiceUnavailable", "message": "busy"}}"#.to_vec(),
    ));
    assert_eq!(sps.reply_problem(), None, "SPS's own envelope");
    let cut: Error = TransportError::cut_off("terminated").into();
    assert_eq!(cut.reply_problem(), Some(ReplyProblem::Truncated));
    assert!(cut.to_string().contains("cut off"), "{cut}");
    let down: Error = TransportError::network("connection refused").into();
    assert_eq!(down.reply_problem(), None);
}
