//! The session list's state as the page URL carries it: the time range
//! presets, the time display choice and [`ListState`] (`q`, range, sort,
//! paging, zone), read from and written back to `/sessions?…`; the
//! alerts page (`/alerts?…`) reads the same parameters.
//!
//! It lives outside `pages` because components (the table, the zone
//! choice, offline filtering) and the detail page share these types, and
//! components must not depend on pages.

use sps_core::request::{parse_sort, ApiPath};
use sps_core::{Catalogue, SessionSearch, Zone};

use leptos_router::params::ParamsMap;

use crate::components::zone::ListZone;

/// Rows per page. Small enough to render instantly, well under SPS's cap of 500.
pub const PAGE_SIZE: u32 = 50;

/// A time range preset: sessions that started within the last day, week or month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RangePreset {
    /// No time limit.
    #[default]
    All,
    /// The last 24 hours.
    Day,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
}

impl RangePreset {
    /// Every preset, in the order the buttons show them.
    pub const ALL: [RangePreset; 4] = [
        RangePreset::Day,
        RangePreset::Week,
        RangePreset::Month,
        RangePreset::All,
    ];

    /// The URL value (`range=24h`); `all` for [`RangePreset::All`], which the
    /// page URL leaves out.
    pub fn token(self) -> &'static str {
        match self {
            RangePreset::All => "all",
            RangePreset::Day => "24h",
            RangePreset::Week => "7d",
            RangePreset::Month => "30d",
        }
    }

    /// The button label.
    pub fn label(self) -> &'static str {
        match self {
            RangePreset::All => "All time",
            RangePreset::Day => "Last 24 h",
            RangePreset::Week => "Last 7 days",
            RangePreset::Month => "Last 30 days",
        }
    }

    fn from_token(token: &str) -> Self {
        RangePreset::ALL
            .into_iter()
            .find(|p| p.token() == token)
            .unwrap_or_default()
    }

    fn seconds(self) -> Option<f64> {
        match self {
            RangePreset::All => None,
            RangePreset::Day => Some(86_400.0),
            RangePreset::Week => Some(7.0 * 86_400.0),
            RangePreset::Month => Some(30.0 * 86_400.0),
        }
    }

    /// The API's `start=` value, relative to the browser's clock at request time.
    /// The URL keeps the preset, not the instant, so a bookmark means "the last
    /// 24 hours" whenever it is opened. `js_sys::Date` rather than chrono's clock,
    /// which has no time source on wasm32-unknown-unknown.
    pub(crate) fn start_param(self) -> Option<String> {
        let seconds = self.seconds()?;
        let then = js_sys::Date::now() - seconds * 1000.0;
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(then))
            .to_iso_string()
            .as_string()
    }
}

/// The zone the table shows times in. Every choice writes the offset, so no
/// time is ever shown without saying which zone it is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeDisplay {
    /// In the offset SPS wrote (the appliance's zone, as its own UI shows).
    #[default]
    AsSent,
    /// In UTC.
    Utc,
    /// In the browser's zone.
    Local,
}

impl TimeDisplay {
    /// Every choice, in button order.
    pub const ALL: [TimeDisplay; 3] = [TimeDisplay::AsSent, TimeDisplay::Utc, TimeDisplay::Local];

    /// The URL value (`tz=utc`); the default is left out of the URL.
    pub fn token(self) -> &'static str {
        match self {
            TimeDisplay::AsSent => "sent",
            TimeDisplay::Utc => "utc",
            TimeDisplay::Local => "local",
        }
    }

    /// The button label.
    pub fn label(self) -> &'static str {
        match self {
            TimeDisplay::AsSent => "Appliance",
            TimeDisplay::Utc => "UTC",
            TimeDisplay::Local => "Local",
        }
    }

    /// Reads a URL value (`utc`); anything else is the default.
    pub fn from_token(token: &str) -> Self {
        TimeDisplay::ALL
            .into_iter()
            .find(|t| t.token() == token)
            .unwrap_or_default()
    }

    /// `time` as text in this zone, offset always written.
    pub fn format(self, time: &sps_core::Timestamp) -> String {
        match self {
            TimeDisplay::AsSent => time.format_original_zone(),
            TimeDisplay::Utc => time.format_in(Zone::Utc),
            TimeDisplay::Local => time.format_in(Zone::Local),
        }
    }
}

/// The list's state as read from the page URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListState {
    /// The `q` search expression as typed; empty: everything.
    pub q: String,
    /// The time range preset (ignored when `start` or `end` is set).
    pub range: RangePreset,
    /// Custom `start=` (a date or ISO time, as in the URL): sessions that started then or later.
    pub start: String,
    /// Custom `end=`: sessions that ended then or earlier (that day, for a date).
    pub end: String,
    /// Content search (`content=`): text typed or shown in the sessions; empty: none.
    pub content: String,
    /// Browsing an opened export file instead of the appliance (`offline=1`).
    pub offline: bool,
    /// Server-side sort expression (`start_time`, `-duration`); empty: the server's default.
    pub sort: String,
    /// Index of the first row shown.
    pub offset: u32,
    /// How times are shown (display only: never part of the request).
    pub tz: ListZone,
}

impl ListState {
    /// Reads the state from the page's query parameters. A `sort` that is not
    /// one of the table's columns is dropped (default order) rather than sent.
    pub fn from_query(map: &ParamsMap) -> Self {
        Self::from_lookup(|name| map.get_str(name))
    }

    /// Reads the state through `get`, which gives a parameter's decoded value.
    pub fn from_lookup<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let sort = get("sort")
            .filter(|s| is_known_sort(s))
            .unwrap_or_default()
            .to_owned();
        let offset = get("offset")
            .and_then(|o| o.parse::<u32>().ok())
            .unwrap_or(0);
        let text = |name: &str| get(name).unwrap_or_default().trim().to_owned();
        let q = text("q");
        let content = text("content");
        let (start, end) = (text("start"), text("end"));
        // A custom range replaces the preset, so the URL has one meaning.
        let range = if start.is_empty() && end.is_empty() {
            RangePreset::from_token(get("range").unwrap_or_default())
        } else {
            RangePreset::All
        };
        let tz = ListZone::from_token(get("tz").unwrap_or_default());
        ListState {
            q,
            range,
            start,
            end,
            content,
            offline: get("offline") == Some("1"),
            sort,
            offset,
            tz,
        }
    }

    /// The page URL for this state. Built with sps-core's [`ApiPath`] (its
    /// `encode_component`), so the list's links encode values exactly as
    /// the API requests do; defaults are left out.
    pub fn page_url(&self) -> String {
        self.url_at("/sessions").build()
    }

    /// The alerts page's URL for this list (`/alerts?…`): the same search
    /// and zone, without the list's sort and paging, which select nothing.
    /// The alerts page reads it back with [`ListState::from_query`].
    pub fn alerts_url(&self) -> String {
        ListState {
            sort: String::new(),
            offset: 0,
            offline: false,
            ..self.clone()
        }
        .url_at("/alerts")
        .build()
    }

    /// This state's parameters on another page (`/stats`), for the caller to
    /// add its own parameters to before `build()`: one encoding for every
    /// page that carries the list's search.
    pub fn url_at(&self, path: &str) -> ApiPath {
        let offset = (self.offset > 0).then(|| self.offset.to_string());
        let tz = (self.tz != ListZone::DEFAULT).then(|| self.tz.token());
        ApiPath::new(path)
            .opt("q", non_empty(&self.q))
            .opt(
                "range",
                (self.range != RangePreset::All).then(|| self.range.token()),
            )
            .opt("start", non_empty(&self.start))
            .opt("end", non_empty(&self.end))
            .opt("content", non_empty(&self.content))
            .opt("sort", non_empty(&self.sort))
            .opt("offset", offset.as_deref())
            .opt("offline", self.offline.then_some("1"))
            .opt("tz", tz.as_deref())
    }

    /// The API request for this state, each parameter checked by `SessionSearch`.
    pub fn search(&self, fields: &[&str]) -> Result<SessionSearch, sps_core::Error> {
        let mut search = SessionSearch::new()
            .with_fields(fields.iter().copied())?
            .with_limit(PAGE_SIZE)?;
        if self.offset > 0 {
            search = search.with_offset(self.offset)?;
        }
        if !self.sort.is_empty() {
            search = search.with_sort(&self.sort)?;
        }
        self.with_filters(search)
    }

    /// The state after clicking the header of `field`: ascending first, then
    /// descending, back to page one.
    pub fn toggled_sort(&self, field: &str) -> Self {
        self.with_sort_click(field, false)
    }

    /// The state after a click on the header of `field`. A plain click sorts
    /// by that field alone (ascending, then descending); with `add` (Shift
    /// held) the field becomes the next sort key, or flips direction when it
    /// already is one. Back to page one either way.
    pub fn with_sort_click(&self, field: &str, add: bool) -> Self {
        let mut keys: Vec<String> = self
            .sort
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect();
        let flip = |key: &str| match key.strip_prefix('-') {
            Some(name) => name.to_owned(),
            None => format!("-{key}"),
        };
        let position = keys
            .iter()
            .position(|k| k.strip_prefix('-').unwrap_or(k) == field);
        if add {
            match position {
                Some(i) => keys[i] = flip(&keys[i]),
                None => keys.push(field.to_owned()),
            }
        } else {
            keys = match (position, keys.len()) {
                (Some(0), 1) => vec![flip(&keys[0])],
                _ => vec![field.to_owned()],
            };
        }
        ListState {
            sort: keys.join(","),
            offset: 0,
            ..self.clone()
        }
    }

    /// What the rows depend on: the state without sort, paging and display
    /// settings. Loaded rows answer every state with the same data key.
    pub fn data_key(&self) -> ListState {
        ListState {
            sort: String::new(),
            offset: 0,
            tz: ListZone::DEFAULT,
            ..self.clone()
        }
    }

    /// The search for "Fetch all": the list's fields, no paging (the client
    /// pages) and no sort (the page sorts loaded rows itself, which leaves
    /// crate-core free to choose snapshots or time slices).
    pub fn fetch_search(&self, fields: &[&str]) -> Result<SessionSearch, sps_core::Error> {
        self.with_filters(SessionSearch::new().with_fields(fields.iter().copied())?)
    }

    /// Adds what selects the sessions (q, content, start/end or the range
    /// preset) to `search`: shared by the paged list and "Fetch all".
    fn with_filters(&self, mut search: SessionSearch) -> Result<SessionSearch, sps_core::Error> {
        if !self.q.is_empty() {
            search = search.with_q_text(&self.q)?;
        }
        if !self.content.is_empty() {
            search = search.with_content(&self.content)?;
        }
        if !self.start.is_empty() {
            search = search.with_start(&self.start)?;
        } else if let Some(start) = self.range.start_param() {
            search = search.with_start(&start)?;
        }
        if !self.end.is_empty() {
            search = search.with_end(&self.end)?;
        }
        Ok(search)
    }
}

/// `value`, unless empty (empty parameters are left out of the page URL).
fn non_empty(value: &str) -> Option<&str> {
    (!value.is_empty()).then_some(value)
}

/// A `sort` the catalogue accepts: one or more sortable fields, comma-separated.
fn is_known_sort(sort: &str) -> bool {
    !sort.trim().is_empty() && parse_sort(sort, Catalogue::sessions()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::columns::request_fields;
    use wasm_bindgen_test::wasm_bindgen_test;

    // ParamsMap decodes through js_sys, which has no native implementation, so
    // the tests read the state through `from_lookup`.
    fn state_of(pairs: &[(&str, &str)]) -> ListState {
        ListState::from_lookup(|name| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| *v)
        })
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn url_state_round_trips() {
        let state = state_of(&[
            ("q", "protocol:SSH AND user.gateway_username:adm*"),
            ("range", "7d"),
            ("sort", "-duration"),
            ("offset", "50"),
            ("tz", "utc"),
        ]);
        assert_eq!(state.range, RangePreset::Week);
        assert_eq!(state.offset, 50);
        assert_eq!(state.tz, ListZone::Display(TimeDisplay::Utc));
        let url = state.page_url();
        let query = url.strip_prefix("/sessions?").unwrap_or_default();
        let pairs = sps_core::request::parse_query_string(query);
        let back = ListState::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        });
        assert_eq!(back, state);
    }

    // The links e2e tests and bookmarks carry: parameter order and
    // encoding (commas kept, everything else escaped) stay as they were.
    #[wasm_bindgen_test(unsupported = test)]
    fn page_url_spells_every_parameter() {
        let state = ListState {
            q: "a b&c/\u{e9}".into(),
            range: RangePreset::Day,
            content: "x+y".into(),
            sort: "-duration,protocol".into(),
            offset: 50,
            offline: true,
            tz: ListZone::Display(TimeDisplay::Utc),
            ..ListState::default()
        };
        assert_eq!(
            state.page_url(),
            "/sessions?q=a%20b%26c%2F%C3%A9&range=24h&content=x%2By\
             &sort=-duration,protocol&offset=50&offline=1&tz=utc"
        );
        let custom = ListState {
            start: "2026-11-01T00:00:00+01:00".into(),
            end: "2026-11-20".into(),
            ..ListState::default()
        };
        assert_eq!(
            custom.page_url(),
            "/sessions?start=2026-11-01T00%3A00%3A00%2B01%3A00&end=2026-11-20"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_alerts_link_carries_the_search_not_the_paging() {
        let state = state_of(&[
            ("q", "protocol:SSH"),
            ("content", "sudo"),
            ("range", "7d"),
            ("sort", "-duration"),
            ("offset", "50"),
            ("tz", "+05:30"),
        ]);
        let url = state.alerts_url();
        assert_eq!(
            url,
            "/alerts?q=protocol%3ASSH&range=7d&content=sudo&tz=%2B05%3A30"
        );
        let query = url.strip_prefix("/alerts?").unwrap_or_default();
        let pairs = sps_core::request::parse_query_string(query);
        let back = ListState::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        });
        // The same sessions: what selects them survives the round trip.
        assert_eq!(back.data_key(), state.data_key());
        assert_eq!(back.tz, state.tz);
        assert_eq!(ListState::default().alerts_url(), "/alerts");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn junk_in_the_url_is_ignored() {
        let state = state_of(&[("sort", "password"), ("offset", "-3"), ("range", "1y")]);
        assert_eq!(state, ListState::default());
        assert_eq!(state.page_url(), "/sessions");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn header_click_toggles_and_resets_paging() {
        let state = state_of(&[("sort", "duration"), ("offset", "100")]);
        let next = state.toggled_sort("duration");
        assert_eq!((next.sort.as_str(), next.offset), ("-duration", 0));
        assert_eq!(next.toggled_sort("duration").sort, "duration");
        assert_eq!(state.toggled_sort("verdict").sort, "verdict");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn shift_click_adds_sort_keys() {
        let state = state_of(&[("sort", "-duration")]);
        let added = state.with_sort_click("protocol", true);
        assert_eq!(added.sort, "-duration,protocol");
        assert_eq!(
            added.with_sort_click("protocol", true).sort,
            "-duration,-protocol"
        );
        assert_eq!(added.with_sort_click("verdict", false).sort, "verdict");
        assert_eq!(added.with_sort_click("duration", false).sort, "duration");
        assert_eq!(
            state_of(&[("sort", "-duration,protocol")]).sort,
            "-duration,protocol"
        );
    }

    /// What the list asks for before anyone chooses columns.
    fn default_list_fields() -> Vec<&'static str> {
        let columns: Vec<_> = crate::components::columns::DEFAULT_COLUMNS
            .iter()
            .filter_map(|name| crate::components::columns::spec(name))
            .collect();
        request_fields(&columns)
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn api_query_asks_for_the_list_fields() {
        let state = state_of(&[("sort", "-start_time"), ("offset", "50")]);
        let query = state
            .search(&default_list_fields())
            .map(|s| s.to_query_string())
            .unwrap_or_default();
        assert!(query.contains("limit=50"), "{query}");
        assert!(query.contains("offset=50"), "{query}");
        assert!(query.contains("sort=-start_time"), "{query}");
        assert!(query.contains("user.gateway_username"), "{query}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_custom_range_replaces_the_preset() {
        let state = state_of(&[
            ("range", "24h"),
            ("start", "2026-11-01"),
            ("end", "2026-11-20"),
        ]);
        assert_eq!(state.range, RangePreset::All);
        assert_eq!(
            state.page_url(),
            "/sessions?start=2026-11-01&end=2026-11-20"
        );
        let query = state
            .search(&default_list_fields())
            .map(|s| s.to_query_string())
            .unwrap_or_default();
        assert!(
            query.contains("start=2026-11-01") && query.contains("end=2026-11-20"),
            "{query}"
        );
        assert!(state_of(&[("start", "yesterday")])
            .search(&default_list_fields())
            .is_err());
    }
}
