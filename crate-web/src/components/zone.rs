//! The list's time zone: the detail page's three choices ([`TimeDisplay`]:
//! the appliance's own offset, UTC, the browser's zone) plus a fixed offset
//! such as `+05:30`, for an analyst reading logs of another site. Every time
//! shown carries its offset whatever the choice.
//!
//! Also the conversions of the custom range's `datetime-local` inputs (a
//! wall-clock time without zone) to and from the URL's ISO `start`/`end`: the
//! inputs are read in the chosen zone.

use chrono::FixedOffset;
use sps_core::export::TimeFormat;
use sps_core::{Timestamp, Zone};

use crate::list_state::TimeDisplay;

/// Where the list shows its times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListZone {
    /// One of the choices shared with the detail page.
    Display(TimeDisplay),
    /// A fixed offset from UTC.
    Fixed(FixedOffset),
}

impl Default for ListZone {
    /// The appliance's zone, as on the detail page.
    fn default() -> Self {
        ListZone::DEFAULT
    }
}

impl From<TimeDisplay> for ListZone {
    fn from(d: TimeDisplay) -> Self {
        ListZone::Display(d)
    }
}

/// `+05:30` as an offset; `Z`, `+0530`, `5:30` and `-3` are accepted too.
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match (t.strip_prefix('+'), t.strip_prefix('-')) {
        (Some(rest), _) => (1, rest),
        (_, Some(rest)) => (-1, rest),
        _ => (1, t),
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        // `get` rather than `split_at`: a URL's `tz` may hold any text, and
        // a byte index inside a multi-byte character must not panic.
        None if rest.len() == 4 => (rest.get(..2)?, rest.get(2..)?),
        None => (rest, "0"),
    };
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// `+05:30` (chrono's own text for an offset; offsets here are whole minutes,
/// so it never adds seconds).
pub fn offset_text(offset: FixedOffset) -> String {
    offset.to_string()
}

impl ListZone {
    /// The appliance's zone (the default).
    pub const DEFAULT: ListZone = ListZone::Display(TimeDisplay::AsSent);

    /// The URL value: `sent`, `utc`, `local` or the offset (`+05:30`).
    pub fn token(self) -> String {
        match self {
            ListZone::Display(d) => d.token().to_owned(),
            ListZone::Fixed(o) => offset_text(o),
        }
    }

    /// Reads a URL value; anything unknown is the default.
    pub fn from_token(token: &str) -> Self {
        if let Some(d) = TimeDisplay::ALL.into_iter().find(|d| d.token() == token) {
            return ListZone::Display(d);
        }
        match token.as_bytes().first() {
            Some(b'+' | b'-') => parse_offset(token).map_or(Self::DEFAULT, ListZone::Fixed),
            _ => Self::DEFAULT,
        }
    }

    /// `time` as text in this zone, offset always written.
    pub fn format(self, time: &Timestamp) -> String {
        match self {
            ListZone::Display(d) => d.format(time),
            ListZone::Fixed(o) => time.format_in(Zone::Fixed(o)),
        }
    }

    /// The choice the detail page understands (it has no fixed offsets: UTC
    /// there, which at least names its zone).
    pub fn for_detail(self) -> TimeDisplay {
        match self {
            ListZone::Display(d) => d,
            ListZone::Fixed(_) => TimeDisplay::Utc,
        }
    }

    /// How CSV writes times in this zone (the appliance's zone: as SPS sent them).
    pub fn time_format(self) -> TimeFormat {
        match self {
            ListZone::Display(TimeDisplay::AsSent) => TimeFormat::AsSent,
            ListZone::Display(TimeDisplay::Utc) => TimeFormat::Zone(Zone::Utc),
            ListZone::Display(TimeDisplay::Local) => TimeFormat::Zone(Zone::Local),
            ListZone::Fixed(o) => TimeFormat::Zone(Zone::Fixed(o)),
        }
    }

    /// The zone the custom range's inputs are read in. The appliance's zone
    /// differs per session, so its inputs are read as UTC (and say so).
    fn input_zone(self) -> Zone {
        match self {
            ListZone::Display(TimeDisplay::AsSent | TimeDisplay::Utc) => Zone::Utc,
            ListZone::Display(TimeDisplay::Local) => Zone::Local,
            ListZone::Fixed(o) => Zone::Fixed(o),
        }
    }

    /// The zone's name next to the custom range inputs.
    pub fn input_label(self) -> String {
        match self.input_zone() {
            Zone::Utc => "UTC".to_owned(),
            Zone::Local => "browser time".to_owned(),
            Zone::Fixed(o) => format!("UTC{}", offset_text(o)),
        }
    }

    /// A `datetime-local` value (`2026-11-20T10:00`) read in this zone, as
    /// the ISO time the URL and the API take.
    pub fn input_to_iso(self, value: &str) -> Option<String> {
        let value = value.trim();
        // `get`: 16 bytes may end inside a multi-byte character.
        let minute = value.get(..16)?;
        let naive = format!("{minute}:00");
        match self.input_zone() {
            Zone::Utc => Some(format!("{naive}Z")),
            Zone::Fixed(o) => Some(format!("{naive}{}", offset_text(o))),
            // The browser knows its own zone's rules (summer time included):
            // a date-time string without offset is local time to `Date`.
            Zone::Local => {
                let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&naive));
                date.get_time()
                    .is_finite()
                    .then(|| date.to_iso_string().as_string())
                    .flatten()
            }
        }
    }

    /// The `datetime-local` value for a URL bound (a date or an ISO time) in
    /// this zone; empty when the bound is empty or unreadable.
    pub fn iso_to_input(self, bound: &str) -> String {
        let Ok(time) = Timestamp::parse(bound) else {
            return String::new();
        };
        // `2026-11-20 10:00:00 +05:30` → `2026-11-20T10:00`.
        let text = time.format_in(self.input_zone());
        text.get(..16)
            .map(|t| t.replacen(' ', "T", 1))
            .unwrap_or_default()
    }
}

/// The notice for a `tz` URL value that names no zone (it is then ignored):
/// `None` when absent, empty or understood.
pub fn tz_notice(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    if raw.is_empty() || ListZone::from_token(raw).token() == raw.trim() {
        return None;
    }
    // A typed offset is accepted in other spellings (`+0530`): not worth a notice.
    if matches!(raw.as_bytes().first(), Some(b'+' | b'-')) && parse_offset(raw).is_some() {
        return None;
    }
    Some(format!(
        "Ignored time zone `{}`: use sent, utc, local or an offset such as +05:30.",
        crate::format::clip(raw, 60)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn unknown_zones_are_said() {
        assert_eq!(tz_notice(None), None);
        assert_eq!(tz_notice(Some("utc")), None);
        assert_eq!(tz_notice(Some("+0530")), None);
        let notice = tz_notice(Some("-a\u{e9}1\u{202e}")).unwrap_or_default();
        assert!(
            notice.starts_with("Ignored time zone `-aé1⟨U+202E⟩`"),
            "{notice}"
        );
    }

    // proptest needs threads and OS randomness: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        /// Any `tz`, any custom-range input or bound: no panic, and a zone
        /// that is read back prints the same token.
        #[test]
        fn zone_parsers_never_panic(text in "\\PC{0,24}|[-+:0-9Zz\u{e9}]{0,8}") {
            let zone = ListZone::from_token(&text);
            prop_assert_eq!(ListZone::from_token(&zone.token()), zone);
            let _ = parse_offset(&text);
            let _ = tz_notice(Some(&text));
            for z in [ListZone::DEFAULT, ListZone::from_token("+05:30")] {
                if z != ListZone::Display(TimeDisplay::Local) {
                    let _ = z.input_to_iso(&text);
                }
                let _ = z.iso_to_input(&text);
            }
        }

        #[test]
        fn offsets_round_trip(h in 0i32..=14, m in 0i32..60, neg in proptest::bool::ANY) {
            let text = format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' });
            let parsed = parse_offset(&text);
            prop_assert!(parsed.is_some());
            if let Some(o) = parsed {
                let back = offset_text(o);
                // `-00:00` is `+00:00`.
                prop_assert!(back == text || (h == 0 && m == 0));
            }
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn offsets_read_and_print() {
        let o = parse_offset("+05:30");
        assert_eq!(o.map(offset_text).as_deref(), Some("+05:30"));
        assert_eq!(
            parse_offset("-0330").map(offset_text).as_deref(),
            Some("-03:30")
        );
        assert_eq!(
            parse_offset("9").map(offset_text).as_deref(),
            Some("+09:00")
        );
        assert_eq!(parse_offset("+25:00"), None);
        assert_eq!(parse_offset("abc"), None);
    }

    /// `/sessions?tz=-a%C3%A91` once killed the page: `split_at` inside `é`.
    #[wasm_bindgen_test(unsupported = test)]
    fn hostile_text_is_refused_without_panicking() {
        for text in [
            "-a\u{e9}1",
            "a\u{e9}1",
            "\u{e9}\u{e9}",
            "+\u{1F600}",
            "-\u{e9}:1",
        ] {
            assert_eq!(parse_offset(text), None, "{text:?}");
            let _ = ListZone::from_token(text);
        }
        let zone = ListZone::from_token("utc");
        assert_eq!(zone.input_to_iso("2026-11-20T10:0\u{e9}"), None);
        assert_eq!(
            zone.input_to_iso("2026-11-20T10:00").as_deref(),
            Some("2026-11-20T10:00:00Z")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn tokens_round_trip() {
        for token in ["sent", "utc", "local", "+05:30", "-08:00"] {
            assert_eq!(ListZone::from_token(token).token(), token);
        }
        assert_eq!(ListZone::from_token("junk"), ListZone::DEFAULT);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn inputs_are_read_in_the_zone() {
        let zone = ListZone::from_token("+05:30");
        assert_eq!(
            zone.input_to_iso("2026-11-20T10:00").as_deref(),
            Some("2026-11-20T10:00:00+05:30")
        );
        assert_eq!(
            zone.iso_to_input("2026-11-20T04:30:00Z"),
            "2026-11-20T10:00"
        );
        let utc = ListZone::from_token("utc");
        assert_eq!(
            utc.input_to_iso("2026-11-20T10:00").as_deref(),
            Some("2026-11-20T10:00:00Z")
        );
    }
}
