//! Browser plumbing for the detail page: the time-zone choice, the list's
//! neighbours, scrolling, the clipboard, Blob downloads and deferred work.
//!
//! Everything that can throw in JavaScript goes through a `catch`ing binding
//! (`Reflect`, promises) or is checked first: a JS exception crossing wasm
//! frames would leave the app in an unknown state.

use js_sys::Reflect;
use leptos::prelude::*;
use sps_core::{Timestamp, Zone};
use wasm_bindgen::{JsCast, JsValue};

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
    let value = sps_core::request::parse_query_string(query.trim_start_matches('?'))
        .into_iter()
        .find(|(k, _)| k == "tz")
        .map(|(_, v)| v)?;
    TimeDisplay::ALL.into_iter().find(|t| t.token() == value)
}

/// The notice for this page's `?tz=` when it names no choice (it is then
/// ignored); `None` when absent or understood.
pub fn tz_notice() -> Option<String> {
    let own = window().location().search().unwrap_or_default();
    detail_tz_notice(&own)
}

/// [`tz_notice`] of a query string: the detail page takes `sent`, `utc`
/// and `local` only.
pub fn detail_tz_notice(query: &str) -> Option<String> {
    let value = sps_core::request::parse_query_string(query.trim_start_matches('?'))
        .into_iter()
        .find(|(k, _)| k == "tz")
        .map(|(_, v)| v)?;
    if value.is_empty() || tz_of(query).is_some() {
        return None;
    }
    Some(format!(
        "Ignored time zone `{}`: this page shows sent, utc or local times.",
        crate::format::clip(&value, 60)
    ))
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

/// A timestamp in the chosen zone, offset always written; "—" when missing.
pub fn time_text(time: Option<&Timestamp>, zone: ZoneChoice) -> String {
    time.map(|t| t.format_in(zone.zone()))
        .unwrap_or_else(|| DASH.to_owned())
}

/// What a missing value shows.
pub const DASH: &str = "—";

/// The keys the list showed last (empty when the page was opened directly).
pub fn list_keys() -> Vec<String> {
    crate::storage::session_get::<Vec<String>>(LIST_KEYS_KEY).unwrap_or_default()
}

/// The list URL to go back to; `/sessions` when unknown. Only a path of this
/// app is accepted, so a stored value cannot send the page elsewhere.
pub fn list_url() -> String {
    crate::storage::session_get_text(LIST_URL_KEY)
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

// Kept with the virtual table, which scrolls its revealed rows with it.
pub use crate::components::virtual_table::scroll_to_id;

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

thread_local! {
    /// Work waiting for a frame with time to spare (see [`defer`]).
    static DEFERRED: std::cell::RefCell<std::collections::VecDeque<Box<dyn FnOnce()>>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
    /// True while a frame callback is scheduled to run [`DEFERRED`].
    static PUMPING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Milliseconds of deferred work run in one animation frame: leaves the
/// frame time to layout and paint.
const FRAME_BUDGET_MS: f64 = 5.0;

/// Runs `job` soon, in an animation frame, at most [`FRAME_BUDGET_MS`] of
/// such jobs per frame: highlighting long texts of many rows this way keeps
/// every frame short however many rows come into view at once.
pub fn defer(job: impl FnOnce() + 'static) {
    DEFERRED.with(|q| q.borrow_mut().push_back(Box::new(job)));
    if !PUMPING.with(|p| p.replace(true)) {
        // Not this frame's callbacks but the next frame's: the frame that
        // queued the work (a click, a key, a scroll) already renders and lays
        // out its own change, and stacking the first job on it made that one
        // frame long (measured: a 20,000-character alert selected by key).
        request_animation_frame(|| request_animation_frame(pump));
    }
}

fn pump() {
    let started = js_sys::Date::now();
    while js_sys::Date::now() - started < FRAME_BUDGET_MS {
        // Popped before it runs: a job may defer more work.
        let Some(job) = DEFERRED.with(|q| q.borrow_mut().pop_front()) else {
            break;
        };
        job();
    }
    if DEFERRED.with(|q| q.borrow().is_empty()) {
        PUMPING.with(|p| p.set(false));
    } else {
        request_animation_frame(pump);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn odd_zones_are_said() {
        assert_eq!(detail_tz_notice("?tz=utc"), None);
        assert_eq!(detail_tz_notice(""), None);
        assert!(detail_tz_notice("?tz=-a%C3%A91").is_some_and(|n| n.contains("-aé1")));
    }

    // proptest needs threads and OS randomness: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn query_strings_never_panic(text in "\\PC{0,40}|\\??(tz=)?[-+%A-F0-9a-z:]{0,12}") {
            let _ = tz_of(&text);
            let _ = detail_tz_notice(&text);
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn neighbours_in_list_order() {
        let keys: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(neighbours(&keys, "b"), (Some("a".into()), Some("c".into())));
        assert_eq!(neighbours(&keys, "a"), (None, Some("b".into())));
        assert_eq!(neighbours(&keys, "z"), (None, None));
    }
}
