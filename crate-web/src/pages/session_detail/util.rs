//! Browser plumbing for the detail page: the time-zone choice, the list's
//! neighbours, scrolling, the clipboard, Blob downloads and regex highlighting.
//!
//! Everything that can throw in JavaScript goes through a `catch`ing binding
//! (`Reflect`, promises) or is checked first: a JS exception crossing wasm
//! frames would leave the app in an unknown state.

use js_sys::{Array, Function, Reflect, RegExp, Uint8Array};
use leptos::prelude::*;
use sps_core::{Timestamp, Zone};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ScrollIntoViewOptions, ScrollLogicalPosition};

// The list page writes these (after each page it shows); this page reads them.
use crate::pages::sessions::{TimeDisplay, LIST_KEYS_KEY, LIST_URL_KEY};

/// Which zone times are shown in: the list's choice ([`TimeDisplay`], `?tz=`
/// in both pages' URLs) and the appliance's zone (the offset of the session's
/// start time), which "Appliance" means on this page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZoneChoice {
    /// Appliance, UTC or the browser's zone.
    pub display: TimeDisplay,
    /// The appliance's zone: the session start's offset (UTC if it has none).
    pub appliance: Zone,
}

impl ZoneChoice {
    /// The `sps_core` zone to format in.
    pub fn zone(self) -> Zone {
        match self.display {
            TimeDisplay::AsSent => self.appliance,
            TimeDisplay::Utc => Zone::Utc,
            TimeDisplay::Local => Zone::Local,
        }
    }
}

/// The `tz` value of a query string (`?tz=utc&...`), if it names a choice.
fn tz_of(query: &str) -> Option<TimeDisplay> {
    let value = sps_core::parse_query_string(query.trim_start_matches('?'))
        .into_iter()
        .find(|(k, _)| k == "tz")
        .map(|(_, v)| v)?;
    TimeDisplay::ALL.into_iter().find(|t| t.token() == value)
}

/// The time display to start with: this page's `?tz=`, else the list's, else
/// the default (the appliance's zone, as SPS's own UI shows times).
pub fn initial_display() -> TimeDisplay {
    let own = window().location().search().unwrap_or_default();
    tz_of(&own)
        .or_else(|| {
            let list = list_url();
            list.split_once('?').and_then(|(_, q)| tz_of(q))
        })
        .unwrap_or_default()
}

/// Puts `tz=<token>` in the address (none for the default), keeping the fragment.
pub fn replace_tz(display: TimeDisplay) {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let query = if display == TimeDisplay::default() {
        String::new()
    } else {
        format!("?tz={}", display.token())
    };
    if let Ok(history) = window().history() {
        let state = history.state().unwrap_or(JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(&format!("{path}{query}{hash}")));
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

/// A timestamp in the chosen zone, offset always written; "—" when missing.
pub fn time_text(time: Option<&Timestamp>, zone: ZoneChoice) -> String {
    time.map(|t| t.format_in(zone.zone()))
        .unwrap_or_else(|| DASH.to_owned())
}

/// What a missing value shows.
pub const DASH: &str = "—";

/// The keys the list showed last (empty when the page was opened directly).
pub fn list_keys() -> Vec<String> {
    session_storage()
        .and_then(|s| s.get_item(LIST_KEYS_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
        .unwrap_or_default()
}

/// The list URL to go back to; `/sessions` when unknown. Only a path of this
/// app is accepted, so a stored value cannot send the page elsewhere.
pub fn list_url() -> String {
    session_storage()
        .and_then(|s| s.get_item(LIST_URL_KEY).ok().flatten())
        .filter(|url| url.starts_with("/sessions") && !url.starts_with("//"))
        .unwrap_or_else(|| "/sessions".to_owned())
}

/// The previous and next keys around `key` in the list's order.
pub fn neighbours(keys: &[String], key: &str) -> (Option<String>, Option<String>) {
    match keys.iter().position(|k| k == key) {
        Some(i) => (
            i.checked_sub(1).and_then(|j| keys.get(j)).cloned(),
            keys.get(i + 1).cloned(),
        ),
        None => (None, None),
    }
}

/// Scrolls the element with this id to the middle of the window, if present.
pub fn scroll_to_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        let options = ScrollIntoViewOptions::new();
        options.set_block(ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Scrolls after the next render (rows appear in the same tick as the data).
pub fn scroll_to_id_soon(id: String) {
    set_timeout(
        move || scroll_to_id(&id),
        std::time::Duration::from_millis(30),
    );
}

/// The page's own URL without the fragment.
pub fn page_url_without_hash() -> String {
    let location = window().location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    format!("{origin}{path}{search}")
}

/// The current fragment without `#`.
pub fn current_hash() -> String {
    window()
        .location()
        .hash()
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_owned()
}

/// Replaces the fragment without a navigation (no history entry, no reload,
/// the router does not see it).
pub fn replace_hash(fragment: &str) {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    let url = if fragment.is_empty() {
        format!("{path}{search}")
    } else {
        format!("{path}{search}#{fragment}")
    };
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &history.state().unwrap_or(JsValue::NULL),
            "",
            Some(&url),
        );
    }
}

/// Replaces the path of the address (keeping query and fragment) when it
/// differs, without a navigation.
pub fn replace_path(path: &str) {
    let location = window().location();
    if location.pathname().ok().as_deref() == Some(path) {
        return;
    }
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window().history() {
        let state = history.state().unwrap_or(JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(&format!("{path}{search}{hash}")));
    }
}

/// Copies `text` to the clipboard. `false` when the Clipboard API is missing
/// (insecure context) or refuses (no permission): the caller shows the text.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let navigator = window().navigator();
    let clipboard = match Reflect::get(&navigator, &JsValue::from_str("clipboard")) {
        Ok(c) if !c.is_undefined() && !c.is_null() => c,
        _ => return false,
    };
    let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}

/// Offers `bytes` as a file download named `name`.
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    crate::components::export::download(name, mime, &Array::of1(&Uint8Array::from(bytes)))
}

/// A piece of text, highlighted or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The text (shown as a text node).
    pub text: String,
    /// True for a part the regular expression matched.
    pub mark: bool,
}

/// Longest text (in UTF-16 units) that is searched with an alert's regular
/// expression: the expression comes from configuration but the text from the
/// audited user, and a backtracking expression over megabytes could hang the tab.
const MAX_HIGHLIGHT: usize = 50_000;

/// Most matches highlighted in one text.
const MAX_MATCHES: usize = 1_000;

/// Splits `text` into segments where `pattern` (an SPS content-policy
/// expression, run with the browser's `RegExp`) matches. An expression that
/// does not compile, or does not match, gives the text as one plain segment.
pub fn highlight_segments(text: &str, pattern: &str) -> Vec<Segment> {
    let plain = || {
        vec![Segment {
            text: text.to_owned(),
            mark: false,
        }]
    };
    let units = text.encode_utf16().count();
    if pattern.is_empty() || text.is_empty() || units > MAX_HIGHLIGHT {
        return plain();
    }
    let (source, flags) = js_regexp(pattern);
    let Some(re) = compile_regexp(source, &format!("g{flags}")) else {
        return plain();
    };
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut guard = 0;
    while let Some(found) = re.exec(text) {
        guard += 1;
        if guard > MAX_MATCHES * 4 {
            break;
        }
        let start = Reflect::get(&found, &JsValue::from_str("index"))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as usize;
        let len = found
            .get(0)
            .as_string()
            .map(|s| s.encode_utf16().count())
            .unwrap_or(0);
        if len == 0 {
            // An empty match would repeat forever: step past it.
            let next = re.last_index() + 1;
            if next as usize > units {
                break;
            }
            re.set_last_index(next);
            continue;
        }
        ranges.push((start, start + len));
        if ranges.len() >= MAX_MATCHES {
            break;
        }
    }
    split_utf16(text, &ranges).unwrap_or_else(plain)
}

/// Content policies are written in Python/PCRE syntax; JavaScript has no
/// leading inline-flag group such as `(?i)`, so one becomes `RegExp` flags.
/// Anything else is passed as is (and shown plainly if the browser refuses it).
pub fn js_regexp(pattern: &str) -> (&str, String) {
    if let Some(rest) = pattern.strip_prefix("(?") {
        if let Some(end) = rest.find(')') {
            let flags = &rest[..end];
            if !flags.is_empty() && flags.chars().all(|c| matches!(c, 'i' | 'm' | 's')) {
                return (&rest[end + 1..], flags.to_owned());
            }
        }
    }
    (pattern, String::new())
}

/// `new RegExp(pattern, flags)`, `None` when the browser refuses the pattern.
fn compile_regexp(pattern: &str, flags: &str) -> Option<RegExp> {
    // `RegExp::new` would throw into wasm on a bad pattern; `Reflect.construct`
    // is bound with `catch` and turns the SyntaxError into an `Err`.
    let ctor: Function = Reflect::get(&js_sys::global(), &JsValue::from_str("RegExp"))
        .ok()?
        .dyn_into()
        .ok()?;
    let args = Array::of2(&JsValue::from_str(pattern), &JsValue::from_str(flags));
    Reflect::construct(&ctor, &args)
        .ok()?
        .dyn_into::<RegExp>()
        .ok()
}

/// Splits `text` at match ranges given in UTF-16 units (as JavaScript counts),
/// rounding to whole characters. `None` if the ranges make no sense.
pub fn split_utf16(text: &str, ranges: &[(usize, usize)]) -> Option<Vec<Segment>> {
    // Byte offset of every character boundary, by UTF-16 position.
    let mut boundaries: Vec<(usize, usize)> = Vec::with_capacity(text.len() + 1);
    let mut unit = 0;
    for (byte, ch) in text.char_indices() {
        boundaries.push((unit, byte));
        unit += ch.len_utf16();
    }
    boundaries.push((unit, text.len()));
    let to_byte = |u: usize| {
        boundaries
            .iter()
            .find(|(pos, _)| *pos >= u)
            .map(|(_, byte)| *byte)
            .unwrap_or(text.len())
    };
    let mut segments = Vec::new();
    let mut at = 0;
    for &(start, end) in ranges {
        let (s, e) = (to_byte(start), to_byte(end));
        if s < at || e <= s {
            continue;
        }
        if s > at {
            segments.push(Segment {
                text: text.get(at..s)?.to_owned(),
                mark: false,
            });
        }
        segments.push(Segment {
            text: text.get(s..e)?.to_owned(),
            mark: true,
        });
        at = e;
    }
    if at < text.len() {
        segments.push(Segment {
            text: text.get(at..)?.to_owned(),
            mark: false,
        });
    }
    Some(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_utf16_ranges() {
        let segs = split_utf16("a$ sudo -i", &[(3, 7)]).unwrap_or_default();
        let texts: Vec<_> = segs.iter().map(|s| (s.text.as_str(), s.mark)).collect();
        assert_eq!(texts, vec![("a$ ", false), ("sudo", true), (" -i", false)]);
        // "é" is one UTF-16 unit, "𝄞" two.
        let segs = split_utf16("é𝄞x", &[(3, 4)]).unwrap_or_default();
        assert_eq!(segs.last().map(|s| s.text.as_str()), Some("x"));
        assert!(segs.last().is_some_and(|s| s.mark));
    }

    #[test]
    fn inline_flags_become_regexp_flags() {
        assert_eq!(
            js_regexp("(?i)powershell(\\.exe)?"),
            ("powershell(\\.exe)?", "i".to_owned())
        );
        assert_eq!(js_regexp("sudo"), ("sudo", String::new()));
        assert_eq!(js_regexp("(?:a|b)"), ("(?:a|b)", String::new()));
    }

    #[test]
    fn neighbours_in_list_order() {
        let keys: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(neighbours(&keys, "b"), (Some("a".into()), Some("c".into())));
        assert_eq!(neighbours(&keys, "a"), (None, Some("b".into())));
        assert_eq!(neighbours(&keys, "z"), (None, None));
    }
}
