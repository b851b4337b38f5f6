//! Entry points that decode the audit API's replies from bytes.
//!
//! Errors are [`ErrorKind::Decode`] naming what was decoded, the JSON path of
//! the offending value (`items[3].body.duration`) and what was expected; replies
//! that are not JSON at all (empty, HTML, cut off) say so plainly. Each error
//! also says which case it is ([`crate::Error::reply_problem`]), decided here
//! once for the viewer and the npm package.

use std::fmt;

use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::error::{ErrorKind, ReplyProblem, Result};
use crate::model::alert::Alert;
use crate::model::channel::ChannelItem;
use crate::model::content::ContentHit;
use crate::model::envelope::{
    ApiErrorBody, Collection, CountReply, InfoBody, Single, SnapshotBody, StatsBucket,
};
use crate::model::event::Event;
use crate::model::histogram::HistogramReply;
use crate::model::indexing::Indexing;
use crate::model::session::{Session, SessionRow};
use crate::model::stats::StatsReply;
use crate::model::trail_download::TrailDownload;

fn decode_error(what: &str, path: &str, message: String) -> crate::Error {
    ErrorKind::Decode {
        what: what.to_owned(),
        path: path.to_owned(),
        message,
    }
    .into()
}

/// The start of a reply for an error message: up to the first `>` of a tag,
/// else the first line, at most 40 characters, control characters escaped
/// (a binary reply).
fn reply_start(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let cut = if line.starts_with('<') {
        line.find('>').map_or(line, |end| &line[..=end])
    } else {
        line
    };
    let mut out = String::new();
    for c in cut.chars().take(40) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// An HTML page (a proxy's error page, a login portal) rather than other
/// text that is not JSON: a tag first, and a page's first elements early on.
fn looks_like_html(start: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&start[..start.len().min(1024)]).to_ascii_lowercase();
    head.starts_with('<')
        && ["<!doctype html", "<html", "<head", "<body", "<title"]
            .iter()
            .any(|tag| head.contains(tag))
}

/// Longest decoding message kept whole: serde quotes the value it did not
/// expect, and one string of a reply may hold megabytes.
const MAX_MESSAGE_CHARS: usize = 400;

/// `text` with its middle left out when longer than [`MAX_MESSAGE_CHARS`]:
/// serde's messages say what was found first and what was expected (and
/// where) last, so both ends stay.
fn clip_message(text: String) -> String {
    let count = text.chars().count();
    if count <= MAX_MESSAGE_CHARS {
        return text;
    }
    let head_len = MAX_MESSAGE_CHARS * 3 / 4;
    let tail_len = MAX_MESSAGE_CHARS / 4;
    let head: String = text.chars().take(head_len).collect();
    let tail: String = text.chars().skip(count - tail_len).collect();
    let left_out = count - head_len - tail_len;
    format!("{head}… ({left_out} characters left out) …{tail}")
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
        return Err(decode_error(what, ".", "the reply is empty".to_owned())
            .with_reply_problem(ReplyProblem::Empty));
    };
    if !matches!(
        first,
        b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    ) {
        let text = String::from_utf8_lossy(&bytes[start..bytes.len().min(start + 200)]);
        let problem = if looks_like_html(&bytes[start..]) {
            ReplyProblem::Html
        } else {
            ReplyProblem::NotJson
        };
        return Err(decode_error(
            what,
            ".",
            format!(
                "the reply is not JSON: it starts with `{}`",
                reply_start(&text)
            ),
        )
        .with_reply_problem(problem));
    }

    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(&mut de).map_err(|e| {
        let path = match e.classify() {
            serde_json::error::Category::Data => path_at_error(bytes, &e),
            _ => ".".to_owned(),
        };
        decode_error(what, &path, json_message(&e)).with_reply_problem(json_problem(&e))
    })?;
    // Trailing characters after the value.
    de.end().map_err(|e| {
        decode_error(what, ".", json_message(&e)).with_reply_problem(json_problem(&e))
    })?;
    Ok(value)
}

/// One step of a JSON path.
enum Step {
    /// In an object: the key whose value is being read, if any yet.
    Key(Option<String>),
    /// In an array: the index of the element being read.
    Index(usize),
}

/// The JSON path (`items[3].body.duration`, `.` for the root) of the value
/// a data error (wrong type, unknown value, missing field) is about.
///
/// serde_json says where decoding stopped: just after the offending value, or
/// at the `}` of an object that lacks a field. Re-reading the text up to there
/// names the path without tracking it during decoding; tracking it
/// (serde_path_to_error) wrapped every model's decoder and added about a fifth
/// to the wasm code.
fn path_at_error(bytes: &[u8], error: &serde_json::Error) -> String {
    // serde_json counts lines from 1 and bytes within a line from 1; column 0
    // means the newline that ends the previous line.
    let mut line_start = 0;
    for _ in 1..error.line() {
        match bytes[line_start..].iter().position(|&b| b == b'\n') {
            Some(newline) => line_start += newline + 1,
            None => break,
        }
    }
    let end = (line_start + error.column()).saturating_sub(1);
    path_at(bytes, end)
}

/// The path of the innermost value open at byte `end` (inclusive) of `bytes`.
fn path_at(bytes: &[u8], end: usize) -> String {
    let Some(last) = bytes.len().checked_sub(1).map(|max| end.min(max)) else {
        return ".".to_owned();
    };
    let mut steps: Vec<Step> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i <= last {
        match bytes[i] {
            b'{' => {
                steps.push(Step::Key(None));
                expect_key = true;
            }
            b'[' => steps.push(Step::Index(0)),
            b'}' | b']' => {
                steps.pop();
                expect_key = false;
            }
            b',' => match steps.last_mut() {
                Some(Step::Index(index)) => *index += 1,
                Some(Step::Key(key)) => {
                    *key = None;
                    expect_key = true;
                }
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    // Skip the escaped character, which may be a quote.
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    let raw = &bytes[start..(i + 1).min(bytes.len())];
                    let key = serde_json::from_slice::<String>(raw)
                        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned());
                    if let Some(Step::Key(slot)) = steps.last_mut() {
                        *slot = Some(key);
                    }
                    expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for step in &steps {
        match step {
            Step::Key(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Key(None) => {}
            Step::Index(index) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

fn json_message(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Eof => format!(
            "the reply ended early (truncated JSON) at line {} column {}",
            e.line(),
            e.column()
        ),
        serde_json::error::Category::Syntax => {
            clip_message(format!("the reply is not valid JSON: {e}"))
        }
        serde_json::error::Category::Data | serde_json::error::Category::Io => {
            clip_message(e.to_string())
        }
    }
}

/// Which [`ReplyProblem`] a serde_json error is.
fn json_problem(e: &serde_json::Error) -> ReplyProblem {
    match e.classify() {
        serde_json::error::Category::Eof => ReplyProblem::Truncated,
        serde_json::error::Category::Data => ReplyProblem::WrongType,
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            ReplyProblem::InvalidJson
        }
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

/// `GET /api/audit/sessions/stats?field=...&sub_fields=...`: top values with
/// counts, each with its sub field's counts, and the reply's `meta`
/// (`field`, `size`, `others`).
pub fn decode_stats_reply(bytes: &[u8]) -> Result<StatsReply> {
    decode_json("statistics", bytes)
}

/// `GET /api/audit/sessions/histogram?field=...&bin-size=...`: sessions per interval.
pub fn decode_histogram(bytes: &[u8]) -> Result<HistogramReply> {
    decode_json("histogram", bytes)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn path_of(result: Result<impl fmt::Debug>) -> String {
        match result.map_err(|e| e.into_kind()) {
            Err(ErrorKind::Decode { path, .. }) => path,
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn paths_across_lines_escapes_and_nesting() {
        let pretty = "{\n  \"items\": [\n    {\"time\": 1},\n    {\"time\": \"soon\"}\n  ]\n}";
        assert_eq!(path_of(decode_events(pretty.as_bytes())), "items[1].time");
        // A key holding a quote and a comma must not end the key early.
        let escaped = r#"{"body": {"x\",y": [1, {"z": 2}], "duration": []}}"#;
        assert_eq!(path_of(decode_session(escaped.as_bytes())), "body.duration");
        let unicode = "{\"body\": {\"d\\u0075ration\": true}}";
        assert_eq!(path_of(decode_session(unicode.as_bytes())), "body.duration");
        assert_eq!(path_of(decode_events(b"[]")), ".");
        assert_eq!(
            path_of(decode_session_list(br#"{"items": [{}]}"#)),
            "items[0]"
        );
        assert_eq!(path_at(b"", 5), ".");
    }

    #[test]
    fn stats_reply_with_sub_fields_and_meta() {
        let text = br#"{"items": [
            {"value": "SSH", "count": 5, "sub_fields": {"verdict": [
                {"value": "ACCEPT", "count": 4}, {"value": "FAIL", "count": 1}]}, "extra": 1},
            {"value": 3389, "count": 2}
        ], "meta": {"href": "/api/audit/sessions/stats", "parent": "/api/audit/sessions",
            "field": "protocol", "sub_fields": ["verdict"], "size": 2, "others": 1,
            "match_count": 8, "remaining_seconds": 43200, "unknown": [1]}}"#;
        let reply = decode_stats_reply(text).unwrap();
        assert_eq!(reply.items.len(), 2);
        assert_eq!(reply.items[0].count, 5);
        let sub = reply.sub_counts(&serde_json::json!("SSH"), "verdict");
        assert_eq!(sub.len(), 2);
        assert_eq!((sub[0].value.as_str(), sub[0].count), (Some("ACCEPT"), 4));
        assert!(reply.items[1].sub_fields.is_empty());
        assert!(reply
            .sub_counts(&serde_json::json!("RDP"), "verdict")
            .is_empty());
        let meta = reply.meta.unwrap();
        assert_eq!(meta.others, Some(1));
        assert_eq!(meta.field.as_deref(), Some("protocol"));
        assert_eq!(meta.sub_fields, Some(vec!["verdict".to_owned()]));
        assert_eq!(meta.size, Some(2));
        // The replies the plain `stats` decoder reads still read (no meta at all too).
        assert!(decode_stats(text).is_ok());
        assert!(decode_stats_reply(br#"{"items": []}"#)
            .unwrap()
            .meta
            .is_none());
    }

    #[test]
    fn malformed_stats_replies_name_the_place() {
        assert_eq!(
            path_of(decode_stats_reply(
                br#"{"items": [{"value": "a", "count": -1}]}"#
            )),
            "items[0].count"
        );
        assert_eq!(
            path_of(decode_stats_reply(
                br#"{"items": [{"value": "a", "count": 1, "sub_fields": {"verdict": [{"value": 1}]}}]}"#
            )),
            "items[0].sub_fields.verdict[0]"
        );
        assert_eq!(
            path_of(decode_stats_reply(
                br#"{"items": [], "meta": {"others": "many"}}"#
            )),
            "meta.others"
        );
        assert_eq!(path_of(decode_stats_reply(br#"{"meta": {}}"#)), ".");
        let err = decode_stats_reply(b"<html><body>502</body></html>").unwrap_err();
        assert_eq!(err.reply_problem(), Some(ReplyProblem::Html));
    }

    #[test]
    fn histogram_reply_and_its_errors() {
        let text = br#"{"items": [
            {"start": "2024-01-01T10:00:00.000Z", "end": "2024-01-01T11:00:00.000Z", "count": 3,
             "values": [{"value": "SSH", "count": 2}, {"value": "RDP", "count": 1}], "others": 0},
            {"start": "2024-01-01T11:00:00.000Z", "end": "2024-01-01T12:00:00.000Z", "count": 0}
        ], "meta": {"href": "/api/audit/sessions/histogram", "field": "protocol",
            "bin_size": "hour", "start": "2024-01-01T10:00:00.000Z",
            "end": "2024-01-01T12:00:00.000Z", "match_count": 3, "new": true}}"#;
        let reply = decode_histogram(text).unwrap();
        assert_eq!(reply.total(), 3);
        assert_eq!(reply.items[0].values.len(), 2);
        assert!(reply.items[1].values.is_empty());
        assert_eq!(
            reply.items[1].start.instant().timestamp(),
            reply.items[0].end.instant().timestamp()
        );
        assert_eq!(reply.meta.unwrap().bin_size.as_deref(), Some("hour"));
        assert_eq!(
            path_of(decode_histogram(
                br#"{"items": [{"start": "soon", "end": "2024-01-01T11:00:00Z", "count": 1}]}"#
            )),
            "items[0].start"
        );
        assert_eq!(
            path_of(decode_histogram(
                br#"{"items": [{"start": "2024-01-01T10:00:00Z", "end": "2024-01-01T11:00:00Z"}]}"#
            )),
            "items[0]"
        );
        // Times in any form SPS writes, kept as sent (the fuzz seed's shape).
        let forms = br#"{"items":[{"start":1704110400,"end":1704114000000,"count":0}],
            "meta":{"start":"2024-01-01T10:00:00","end":"2024-01-01T12:00:00+02:00"}}"#;
        let reply = decode_histogram(forms).unwrap();
        let again = serde_json::to_vec(&reply).unwrap();
        assert_eq!(decode_histogram(&again).unwrap(), reply);
        assert_eq!(reply.items[0].start.instant().timestamp(), 1_704_110_400);
        let err = decode_histogram(br#"{"items": [{"start""#).unwrap_err();
        assert_eq!(err.reply_problem(), Some(ReplyProblem::Truncated));
    }
}
