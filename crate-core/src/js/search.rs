//! Search input as JavaScript gives it: `q` text or plain objects, read
//! into [`SessionSearch`] and [`EventSearch`]; `checkQuery`, `queryString`.

use super::*;

/// One name or a list (`fields`, `sort`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrList {
    One(String),
    List(Vec<String>),
}

impl OneOrList {
    pub(super) fn into_vec(self) -> Vec<String> {
        match self {
            OneOrList::One(text) => text.split(',').map(str::to_owned).collect(),
            OneOrList::List(list) => list,
        }
    }
}

/// A time given as ISO text or UNIX seconds.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum TimeInput {
    Text(String),
    Seconds(f64),
}

impl TimeInput {
    fn text(self) -> String {
        match self {
            TimeInput::Text(text) => text,
            TimeInput::Seconds(seconds) => seconds.to_string(),
        }
    }
}

/// What JavaScript passes as a sessions query: `q` text (or nothing) or an
/// object (the wrapper has already turned a `Query` into its text).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SearchInput {
    q: Option<String>,
    content: Option<String>,
    fields: Option<OneOrList>,
    sort: Option<OneOrList>,
    start: Option<TimeInput>,
    end: Option<TimeInput>,
    limit: Option<u32>,
    offset: Option<u32>,
}

pub(super) fn session_search(value: JsValue) -> Result<SessionSearch> {
    if let Some(q) = value.as_string() {
        return SessionSearch::new().with_q_text(&q);
    }
    let input: SearchInput = from_js("query", value)?;
    let mut search = SessionSearch::new();
    if let Some(q) = input.q {
        search = search.with_q_text(&q)?;
    }
    if let Some(content) = input.content {
        search = search.with_content(&content)?;
    }
    if let Some(fields) = input.fields {
        search = search.with_fields(fields.into_vec())?;
    }
    if let Some(sort) = input.sort {
        search = search.with_sort(&sort.into_vec().join(","))?;
    }
    if let Some(start) = input.start {
        search = search.with_start(&start.text())?;
    }
    if let Some(end) = input.end {
        search = search.with_end(&end.text())?;
    }
    if let Some(limit) = input.limit {
        search = search.with_limit(limit)?;
    }
    if let Some(offset) = input.offset {
        search = search.with_offset(offset)?;
    }
    Ok(search)
}

/// An events query: `q` text or `{q, limit, offset}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EventInput {
    q: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

pub(super) fn event_search(value: JsValue) -> Result<EventSearch> {
    if let Some(q) = value.as_string() {
        return EventSearch::new().with_q_text(&q);
    }
    let input: EventInput = from_js("events query", value)?;
    let mut search = EventSearch::new();
    if let Some(q) = input.q {
        search = search.with_q_text(&q)?;
    }
    if let Some(limit) = input.limit {
        search = search.with_limit(limit)?;
    }
    if let Some(offset) = input.offset {
        search = search.with_offset(offset);
    }
    Ok(search)
}

/// Checks a sessions query without sending it: resolves to nothing, or
/// throws the error the query has (syntax, unknown field, bad parameter).
#[wasm_bindgen(js_name = checkQuery)]
pub fn check_query(query: JsValue) -> std::result::Result<(), JsValue> {
    session_search(query).map(drop).map_err(|e| js_error(&e))
}

/// The URL query string (`q=…&fields=…`, without `?`) that a sessions query
/// sends, in SPS's own encoding.
#[wasm_bindgen(js_name = queryString)]
pub fn query_string(query: JsValue) -> std::result::Result<String, JsValue> {
    session_search(query)
        .map(|s| s.to_query_string())
        .map_err(|e| js_error(&e))
}
