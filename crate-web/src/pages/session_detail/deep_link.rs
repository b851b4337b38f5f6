//! Deep links in the URL fragment: `#t=<seconds since the start>` and
//! `#event=<record_id>`, read by [`parse_hash`] and written with
//! [`secs_text`].

use crate::format::clip;

/// What the URL fragment asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum DeepLink {
    /// Nothing (no fragment, or one this page does not read, such as `#alerts`).
    Nothing,
    /// `#t=<seconds>`: that moment, seconds since the session's start.
    Moment(f64),
    /// `#event=<record_id>`: that event's row (its DOM id).
    Event(String),
    /// A `#t=` or `#event=` that cannot be followed: the notice to show.
    Invalid(String),
}

/// Reads a URL fragment (with or without `#`). Never panics, whatever the text.
pub fn parse_hash(hash: &str) -> DeepLink {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let shown = || clip(hash, 60);
    if let Some(value) = hash.strip_prefix("t=") {
        return match value.parse::<f64>() {
            Ok(t) if t.is_finite() => DeepLink::Moment(t.max(0.0)),
            _ => DeepLink::Invalid(format!(
                "Ignored link target `#{}`: t= takes seconds since the session's start, such as #t=90.5.",
                shown()
            )),
        };
    }
    if let Some(record) = hash.strip_prefix("event=") {
        let digits = record.strip_prefix('-').unwrap_or(record);
        return if !digits.is_empty()
            && digits.len() <= 19
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            DeepLink::Event(format!("event-{record}"))
        } else {
            DeepLink::Invalid(format!(
                "Ignored link target `#{}`: event= takes an event's record number, such as #event=42.",
                shown()
            ))
        };
    }
    DeepLink::Nothing
}

/// Seconds for a URL fragment: at most millisecond precision, no trailing zeros.
pub fn secs_text(t: f64) -> String {
    let text = format!("{t:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn deep_links() {
        assert_eq!(parse_hash("#t=90.5"), DeepLink::Moment(90.5));
        assert_eq!(parse_hash("t=-3"), DeepLink::Moment(0.0));
        assert_eq!(parse_hash("#event=46"), DeepLink::Event("event-46".into()));
        assert_eq!(parse_hash("#alerts"), DeepLink::Nothing);
        assert_eq!(parse_hash(""), DeepLink::Nothing);
        for bad in [
            "#t=",
            "#t=NaN",
            "#t=1e999",
            "#t=-a\u{e9}1",
            "#event=",
            "#event=4\u{e9}",
            "#event=1 OR 1",
        ] {
            assert!(matches!(parse_hash(bad), DeepLink::Invalid(_)), "{bad:?}");
        }
    }

    // proptest needs threads and OS randomness: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        #[test]
        fn fragments_never_panic(text in "\\PC{0,40}|(#?(t|event)=)[-+.0-9eE\u{e9}a-z]{0,12}") {
            if let DeepLink::Moment(t) = parse_hash(&text) {
                prop_assert!(t.is_finite() && t >= 0.0);
            }
        }

        #[test]
        fn moments_round_trip(t in 0.0f64..1e8) {
            match parse_hash(&format!("#t={}", secs_text(t))) {
                DeepLink::Moment(back) => prop_assert!((back - t).abs() <= 0.0005 + t * 1e-12),
                other => prop_assert!(false, "{other:?}"),
            }
        }

        #[test]
        fn events_round_trip(record in proptest::num::i64::ANY) {
            prop_assert_eq!(parse_hash(&format!("event={record}")), DeepLink::Event(format!("event-{record}")));
        }
    }
}
