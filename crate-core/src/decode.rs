//! Entry points that decode the audit API's replies from bytes.
//!
//! Errors are [`ErrorKind::Decode`] naming what was decoded, the JSON path of
//! the offending value (`items[3].body.duration`) and what was expected; replies
//! that are not JSON at all (empty, HTML, cut off) say so plainly.

use std::fmt;

use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::alert::Alert;
use crate::channel::ChannelItem;
use crate::content::ContentHit;
use crate::envelope::{
    ApiErrorBody, Collection, CountReply, InfoBody, Single, SnapshotBody, StatsBucket,
};
use crate::error::{ErrorKind, Result};
use crate::event::Event;
use crate::indexing::Indexing;
use crate::session::{Session, SessionRow};
use crate::trail_download::TrailDownload;

fn decode_error(what: &str, path: &str, message: String) -> crate::Error {
    ErrorKind::Decode {
        what: what.to_owned(),
        path: path.to_owned(),
        message,
    }
    .into()
}

/// The start of a reply for an error message: up to the first `>` of a tag,
/// else the first line, at most 40 characters.
fn reply_start(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let cut = if line.starts_with('<') {
        line.find('>').map_or(line, |end| &line[..=end])
    } else {
        line
    };
    cut.chars().take(40).collect()
}

/// Decodes any JSON reply into `T`, with the error handling described in the
/// module docs. `what` names the resource in errors ("session list").
pub fn decode_json<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T> {
    // A UTF-8 byte order mark is not JSON, but some proxies add one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let Some(&first) = bytes.get(start) else {
        return Err(decode_error(what, ".", "the reply is empty".to_owned()));
    };
    if !matches!(
        first,
        b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    ) {
        let text = String::from_utf8_lossy(&bytes[start..bytes.len().min(start + 200)]);
        return Err(decode_error(
            what,
            ".",
            format!(
                "the reply is not JSON: it starts with `{}`",
                reply_start(&text)
            ),
        ));
    }

    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        decode_error(what, &path, json_message(&inner))
    })?;
    // Trailing characters after the value.
    de.end()
        .map_err(|e| decode_error(what, ".", json_message(&e)))?;
    Ok(value)
}

fn json_message(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Eof => format!(
            "the reply ended early (truncated JSON) at line {} column {}",
            e.line(),
            e.column()
        ),
        serde_json::error::Category::Syntax => format!("the reply is not valid JSON: {e}"),
        serde_json::error::Category::Data | serde_json::error::Category::Io => e.to_string(),
    }
}

/// `GET /api/audit/sessions` (JSON): rows with key, meta and the `fields=` body.
pub fn decode_session_list(bytes: &[u8]) -> Result<Collection<SessionRow>> {
    decode_json("session list", bytes)
}

/// `GET /api/audit/sessions/<key>`: one full session.
pub fn decode_session(bytes: &[u8]) -> Result<Single<Session>> {
    decode_json("session", bytes)
}

/// `GET /api/audit/sessions/<key>/channels` (also the reference's
/// `{"channels": [...]}` fragments).
pub fn decode_channels(bytes: &[u8]) -> Result<Collection<ChannelItem>> {
    decode_json("channel list", bytes)
}

/// `GET /api/audit/sessions/<key>/events`.
pub fn decode_events(bytes: &[u8]) -> Result<Collection<Event>> {
    decode_json("event list", bytes)
}

/// `GET /api/audit/sessions/<key>/alerts`.
pub fn decode_alerts(bytes: &[u8]) -> Result<Collection<Alert>> {
    decode_json("alert list", bytes)
}

/// `GET /api/audit/sessions/<key>/indexing`.
pub fn decode_indexing(bytes: &[u8]) -> Result<Collection<Indexing>> {
    decode_json("indexing details", bytes)
}

/// `GET /api/audit/sessions/<key>/trail_downloads`.
pub fn decode_trail_downloads(bytes: &[u8]) -> Result<Collection<TrailDownload>> {
    decode_json("trail download list", bytes)
}

/// `GET /api/audit/sessions/<key>/content?q=...`.
pub fn decode_content_hits(bytes: &[u8]) -> Result<Collection<ContentHit>> {
    decode_json("content search result", bytes)
}

/// An error reply (`{"error": {...}, "meta": {...}}`).
pub fn decode_api_error(bytes: &[u8]) -> Result<ApiErrorBody> {
    decode_json("error reply", bytes)
}

/// `GET /api/audit/sessions/_count`: `{"count": N}`.
pub fn decode_count(bytes: &[u8]) -> Result<CountReply> {
    decode_json("count", bytes)
}

/// `GET /api/audit/sessions/_snapshot`: `body.snapshot` is the id.
pub fn decode_snapshot(bytes: &[u8]) -> Result<Single<SnapshotBody>> {
    decode_json("snapshot reply", bytes)
}

/// `GET /api/audit/sessions/stats?field=...`: top values with counts.
pub fn decode_stats(bytes: &[u8]) -> Result<Collection<StatsBucket>> {
    decode_json("statistics", bytes)
}

/// `GET /api/info`: `body.firmware_version`.
pub fn decode_info(bytes: &[u8]) -> Result<Single<InfoBody>> {
    decode_json("appliance info", bytes)
}

/// A JSON object of session key to session body, as in the reference's CSV
/// examples (the seed data): the pairs in document order.
pub fn decode_session_map(bytes: &[u8]) -> Result<Vec<(String, Session)>> {
    decode_json::<SessionMap>("session map", bytes).map(|m| m.0)
}

/// Keeps the keys' order, which a `BTreeMap` would lose.
struct SessionMap(Vec<(String, Session)>);

impl<'de> Deserialize<'de> for SessionMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SessionMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of session key to session body")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<SessionMap, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry::<String, Session>()? {
                    out.push(entry);
                }
                Ok(SessionMap(out))
            }
        }
        deserializer.deserialize_map(V)
    }
}
