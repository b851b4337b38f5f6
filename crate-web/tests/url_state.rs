#![cfg(not(target_arch = "wasm32"))]
//! The list's URL state (`/sessions?q=…&range=…&start=…&tz=…`) read from
//! arbitrary query strings: never a panic, and what the page writes back
//! reads as the same state. (Links are typed, pasted and crafted: a panic
//! with `panic = "abort"` is a dead tab.)

use proptest::prelude::*;
use sps_core::request::parse_query_string;
use sps_web::components::zone::ListZone;
use sps_web::list_state::{ListState, RangePreset};

/// The state a query string gives, the way the page reads it (the last
/// value of a repeated parameter, as the router's map keeps it).
fn state_of(query: &str) -> ListState {
    let pairs = parse_query_string(query);
    ListState::from_lookup(|name| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    })
}

/// Any text, with multi-byte and control characters, or URL-ish pieces.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,16}",
        "[-+:%0-9A-Fa-z\u{e9}\u{202e}\t =&#?/]{0,16}",
        Just("-a%C3%A91".to_owned()),
        Just("2026-11-20T10:00:00Z".to_owned()),
    ]
}

fn param() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            Just("q"),
            Just("range"),
            Just("start"),
            Just("end"),
            Just("content"),
            Just("offline"),
            Just("sort"),
            Just("offset"),
            Just("tz"),
        ],
        text(),
    )
        .prop_map(|(k, v)| (k.to_owned(), v))
}

proptest! {
    #[test]
    fn any_query_string_reads_and_round_trips(raw in "\\PC{0,60}", params in proptest::collection::vec(param(), 0..8)) {
        // Raw text as a query string: no panic.
        let _ = state_of(&raw);
        // Parameters encoded as a link would carry them.
        let query = params
            .iter()
            .map(|(k, v)| format!("{k}={}", sps_core::request::encode_component(v)))
            .collect::<Vec<_>>()
            .join("&");
        let state = state_of(&query);
        let url = state.page_url();
        let back = state_of(url.split_once('?').map_or("", |(_, q)| q));
        prop_assert_eq!(&back, &state, "{}", url);
        // The request is built (or refused with an error), never a panic.
        // (A range preset reads the browser's clock, which tests do not have.)
        if state.range == RangePreset::All {
            let _ = state.search(&["protocol", "start_time"]);
            let _ = state.fetch_search(&["protocol"]);
        }
        prop_assert_eq!(ListZone::from_token(&state.tz.token()), state.tz);
    }
}

#[test]
fn the_crafted_link_of_issue_18_is_ignored_with_a_notice() {
    let state = state_of("tz=-a%C3%A91");
    assert_eq!(state.tz, ListZone::DEFAULT);
    assert!(sps_web::components::zone::tz_notice(Some("-aé1")).is_some());
}
