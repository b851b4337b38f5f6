//! The session store: generated (compact) or loaded from a `--data` file.
//!
//! Sessions are held oldest first; the list's default order (newest first) is
//! the reverse. Both kinds give field values to sps-core's evaluator through
//! [`FieldSource`], so `q` is evaluated by the project's one evaluator.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::cell::OnceCell;
use std::collections::HashMap;

use sps_core::model::{FieldValue, FieldValues};
use sps_core::{FieldSource, Session, Timestamp};

use crate::error::SimError;
use crate::generate::{self, GenEvent, GenSession, Generated};

/// A session loaded from a file: its key and body exactly as given (what the
/// API returns), and the body decoded into sps-core's model (what `q`, sorting
/// and CSV read through [`FieldSource`]); optionally its events and alerts.
#[derive(Debug, Clone)]
pub struct LoadedSession {
    /// The key.
    pub key: String,
    /// The body as given.
    pub body: Value,
    /// The body as sps-core's model.
    pub model: Session,
    /// Events (`/events`, content search), from the entry's `events`.
    pub events: Vec<GenEvent>,
    /// Alert items (`/alerts`) exactly as given in the entry's `alerts`.
    pub alerts: Vec<Value>,
}

impl LoadedSession {
    /// Decodes `body`; the error names the JSON path that does not fit the model.
    pub fn new(key: String, body: Value) -> Result<Self, String> {
        let text = body.to_string();
        let model: Session = sps_core::model::decode_json("session", text.as_bytes())
            .map_err(|e| format!("session `{key}`: {e}"))?;
        Ok(LoadedSession {
            key,
            body,
            model,
            events: Vec::new(),
            alerts: Vec::new(),
        })
    }

    /// Adds events given as the `/events` items (`action`, `channels_id`,
    /// `content`, `record_id`, `time`, `type`) and alert items as served.
    pub fn with_details(mut self, events: Vec<Value>, alerts: Vec<Value>) -> Result<Self, String> {
        self.events = events
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                loaded_event(e).map_err(|m| format!("session `{}`: events[{i}]: {m}", self.key))
            })
            .collect::<Result<_, _>>()?;
        self.alerts = alerts;
        Ok(self)
    }
}

/// An `/events` item as the simulator's event (the form content search and
/// the events `q` work on). Time and type are required: without them the
/// item could not be served back unchanged.
fn loaded_event(item: Value) -> Result<GenEvent, String> {
    let e: sps_core::Event = serde_json::from_value(item).map_err(|e| e.to_string())?;
    let time = e.time.ok_or("no `time`")?.instant();
    let kind = e.event_type.ok_or("no `type`")?.kind().canonical();
    if kind.is_empty() {
        return Err("unknown `type`".into());
    }
    let channel = match e.channels_id {
        Some(c) => c
            .as_i64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or("`channels_id` is not a channel number")?,
        None => 0,
    };
    let record_id = u64::try_from(e.record_id.unwrap_or(0)).map_err(|_| "negative `record_id`")?;
    let content = e.content.unwrap_or_default();
    Ok(GenEvent {
        action: e.action.unwrap_or_else(|| content.clone()),
        channel,
        content,
        record_id,
        time_ms: time.timestamp_millis(),
        micros: time.timestamp_subsec_micros() % 1000,
        kind,
    })
}

/// All sessions the simulator serves.
#[derive(Debug)]
pub struct Store {
    kind: Kind,
    /// Positions sorted by key, for lookups by key.
    by_key: Vec<u32>,
    public_base: String,
}

#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per process: size does not matter
enum Kind {
    Generated(Generated),
    Loaded(Vec<LoadedSession>),
}

/// One session of the store, borrowed: what the evaluator and renderers work on.
#[derive(Clone, Copy)]
pub struct SessionRef<'a> {
    store: &'a Store,
    /// Position in store order (oldest first).
    pub index: usize,
}

impl Store {
    /// Generates `n` sessions in the real 7.x/8.x shapes.
    pub fn generated(
        seed: u64,
        n: usize,
        now: chrono::DateTime<chrono::Utc>,
        public_base: &str,
    ) -> Store {
        Store::generated_for(seed, n, now, public_base, crate::Compat::Real)
    }

    /// Generates `n` sessions in the shapes of `compat`.
    pub fn generated_for(
        seed: u64,
        n: usize,
        now: chrono::DateTime<chrono::Utc>,
        public_base: &str,
        compat: crate::Compat,
    ) -> Store {
        Store::build(
            Kind::Generated(generate::generate_for(seed, n, now, compat)),
            public_base,
        )
    }

    /// Sessions from a list (used by `--data` and tests), in the given order.
    pub fn loaded(sessions: Vec<LoadedSession>, public_base: &str) -> Store {
        Store::build(Kind::Loaded(sessions), public_base)
    }

    fn build(kind: Kind, public_base: &str) -> Store {
        let mut store = Store {
            kind,
            by_key: Vec::new(),
            public_base: public_base.to_owned(),
        };
        let mut by_key: Vec<u32> = (0..store.len() as u32).collect();
        by_key.sort_by(|a, b| store.key(*a as usize).cmp(store.key(*b as usize)));
        store.by_key = by_key;
        store
    }

    /// Reads a `--data` file: a JSON object key -> body (key order kept), a JSON
    /// array of `{key, body}`, or NDJSON with one `{key, body}` per line. Array
    /// and NDJSON entries may add `events` and `alerts` (lists of the items
    /// `/events` and `/alerts` serve).
    pub fn load_file(path: &Path, public_base: &str) -> Result<Store, SimError> {
        let err = |message: String| SimError::Data {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        Ok(Store::loaded(
            parse_sessions(&text).map_err(err)?,
            public_base,
        ))
    }

    /// Whether the sessions are generated in the real 7.x/8.x shapes
    /// (loaded sessions are served as given: false).
    pub fn is_real(&self) -> bool {
        matches!(&self.kind, Kind::Generated(g) if g.real)
    }

    /// Number of sessions.
    pub fn len(&self) -> usize {
        match &self.kind {
            Kind::Generated(g) => g.sessions.len(),
            Kind::Loaded(l) => l.len(),
        }
    }

    /// True if there are no sessions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key of session `i`.
    pub fn key(&self, i: usize) -> &str {
        match &self.kind {
            Kind::Generated(g) => g.keys.get(i * g.key_len..(i + 1) * g.key_len).unwrap_or(""),
            Kind::Loaded(l) => l.get(i).map(|s| s.key.as_str()).unwrap_or(""),
        }
    }

    /// The position of the session with `key`.
    pub fn find(&self, key: &str) -> Option<usize> {
        self.by_key
            .binary_search_by(|i| self.key(*i as usize).cmp(key))
            .ok()
            .and_then(|p| self.by_key.get(p))
            .map(|i| *i as usize)
    }

    /// Session `i`.
    pub fn get(&self, i: usize) -> SessionRef<'_> {
        SessionRef {
            store: self,
            index: i,
        }
    }

    /// The generated session `i`, if the store is generated.
    fn gen(&self, i: usize) -> Option<(&GenSession, &Generated)> {
        match &self.kind {
            Kind::Generated(g) => g.sessions.get(i).map(|s| (s, g)),
            Kind::Loaded(_) => None,
        }
    }

    /// Base URL of CSV download links.
    pub fn public_base(&self) -> &str {
        &self.public_base
    }
}

/// Parses the accepted `--data` formats (see [`Store::load_file`]).
pub fn parse_sessions(text: &str) -> Result<Vec<LoadedSession>, String> {
    #[derive(Deserialize)]
    struct Entry {
        key: Value,
        body: Value,
        #[serde(default)]
        events: Vec<Value>,
        #[serde(default)]
        alerts: Vec<Value>,
    }
    fn entry(e: Entry) -> Result<LoadedSession, String> {
        LoadedSession::new(key_text(e.key), e.body)?.with_details(e.events, e.alerts)
    }
    fn key_text(v: Value) -> String {
        match v {
            Value::String(s) => s,
            other => other.to_string(),
        }
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        // A single JSON object is either the key->body map or one NDJSON line.
        match serde_json::from_str::<OrderedMap>(trimmed) {
            Ok(OrderedMap(entries)) => {
                let is_entry = entries.iter().any(|(k, _)| k == "key")
                    && entries.iter().any(|(k, _)| k == "body");
                if !is_entry {
                    return entries
                        .into_iter()
                        .map(|(key, body)| LoadedSession::new(key, body))
                        .collect();
                }
            }
            Err(e) if !trimmed.contains('\n') => return Err(e.to_string()),
            Err(_) => {}
        }
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let e: Entry =
                serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
            out.push(entry(e).map_err(|m| format!("line {}: {m}", n + 1))?);
        }
        Ok(out)
    } else if trimmed.starts_with('[') {
        let entries: Vec<Entry> = serde_json::from_str(trimmed).map_err(|e| e.to_string())?;
        entries.into_iter().map(entry).collect()
    } else {
        Err("expected a JSON object, a JSON array or NDJSON".into())
    }
}

/// A JSON object read with its keys in file order (serde_json's map sorts them,
/// but the file's order is the store order, which decides the default list order).
struct OrderedMap(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The JSON value at a dotted path: arrays stay arrays, absent is `None`.
/// A literal dotted key wins (channel bodies use `"originator.ip"`).
pub fn json_at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(v);
    }
    let Value::Object(map) = v else { return None };
    if let Some(x) = map.get(path) {
        return Some(x);
    }
    let (head, rest) = path.split_once('.')?;
    json_at(map.get(head)?, rest)
}

/// A field of a body by requested name: the canonical path first, then the
/// name as written and the catalogue's aliases (older data writes `user.name`
/// where newer writes `user.gateway_username`).
pub fn lookup_json<'v>(body: &'v Value, requested: &str) -> Option<&'v Value> {
    let spec = sps_core::Catalogue::sessions().resolve(requested);
    let canonical = spec.map(|f| f.name).unwrap_or(requested);
    json_at(body, canonical)
        .or_else(|| json_at(body, requested))
        .or_else(|| spec.and_then(|f| f.aliases.iter().find_map(|a| json_at(body, a))))
}

fn s(v: &str) -> FieldValue<'_> {
    FieldValue::Str(v)
}

fn time(ms: i64) -> FieldValues<'static> {
    match Timestamp::from_unix_millis(ms) {
        Some(t) => FieldValues::one(FieldValue::Time(Cow::Owned(t))),
        None => FieldValues::empty(),
    }
}

impl<'a> SessionRef<'a> {
    /// The key.
    pub fn key(&self) -> &'a str {
        self.store.key(self.index)
    }

    /// Whether the body is generated in the real 7.x/8.x shapes (loaded
    /// bodies are served as given).
    pub fn is_real(&self) -> bool {
        self.store.is_real()
    }

    /// The full JSON body.
    pub fn body(&self) -> Value {
        match &self.store.kind {
            Kind::Generated(g) => match g.sessions.get(self.index) {
                Some(s) => s.body(self.key(), &g.tables, g.real),
                None => Value::Null,
            },
            Kind::Loaded(l) => l
                .get(self.index)
                .map(|s| s.body.clone())
                .unwrap_or(Value::Null),
        }
    }

    /// Start, UNIX milliseconds.
    pub fn start_ms(&self) -> Option<i64> {
        match self.store.gen(self.index) {
            Some((s, _)) => Some(s.start_ms),
            None => self.time_field("start_time"),
        }
    }

    /// End, UNIX milliseconds (None while active or unknown).
    pub fn end_ms(&self) -> Option<i64> {
        match self.store.gen(self.index) {
            Some((s, _)) => s.end_ms(),
            None => self.time_field("end_time"),
        }
    }

    /// Whether the session is ongoing.
    pub fn active(&self) -> bool {
        match (&self.store.kind, self.store.gen(self.index)) {
            (_, Some((s, _))) => s.active(),
            (Kind::Loaded(l), None) => l.get(self.index).is_some_and(|s| s.model.is_active()),
            _ => false,
        }
    }

    fn time_field(&self, name: &str) -> Option<i64> {
        match &self.store.kind {
            Kind::Loaded(l) => l
                .get(self.index)
                .and_then(|s| s.model.first_value(name))
                .and_then(|v| v.instant())
                .map(|t| t.timestamp_millis()),
            Kind::Generated(_) => None,
        }
    }

    /// Whether the session has an audit trail (`recording.audit_trail` present).
    pub fn has_trail(&self) -> bool {
        match &self.store.kind {
            Kind::Generated(g) => g
                .sessions
                .get(self.index)
                .is_some_and(GenSession::has_trail),
            Kind::Loaded(l) => l
                .get(self.index)
                .and_then(|s| json_at(&s.body, "recording.audit_trail"))
                .is_some_and(|v| !v.is_null()),
        }
    }

    /// The CSV `trail_download_link`: absolute URL, or None without a trail.
    pub fn trail_download_link(&self) -> Option<String> {
        self.has_trail().then(|| {
            format!(
                "{}{}",
                self.store.public_base,
                sps_core::request::session_part_path(self.key(), "audit_trail")
            )
        })
    }

    /// The JSON value of a field for sparse bodies (`name` as requested:
    /// canonical or alias): arrays as arrays, absent as `null`. The 6.0 data's
    /// `trail_download_link` is the CSV's absolute link; the real body's is
    /// `null`, as recorded.
    pub fn json_field(&self, body: &Value, name: &str) -> Value {
        let canonical = sps_core::Catalogue::sessions()
            .resolve(name)
            .map(|f| f.name);
        if canonical == Some("trail_download_link") && !self.is_real() {
            return self
                .trail_download_link()
                .map(Value::String)
                .unwrap_or(Value::Null);
        }
        lookup_json(body, name).cloned().unwrap_or(Value::Null)
    }

    /// The session as sps-core's model: borrowed for loaded sessions, decoded
    /// from the generated body otherwise (timestamps then keep their ISO text).
    pub fn model(&self) -> Cow<'a, Session> {
        match &self.store.kind {
            Kind::Loaded(l) => match l.get(self.index) {
                Some(s) => Cow::Borrowed(&s.model),
                None => Cow::Owned(Session::default()),
            },
            Kind::Generated(_) => {
                Cow::Owned(serde_json::from_value(self.body()).unwrap_or_default())
            }
        }
    }

    /// This session as a [`FieldSource`].
    pub fn view(&self) -> SessionView<'a> {
        SessionView::new(*self)
    }

    /// The events: generated on demand, or as loaded.
    pub fn events(&self) -> Vec<GenEvent> {
        match (self.store.gen(self.index), &self.store.kind) {
            (Some((s, g)), _) => generate::events(s, self.key(), &g.tables),
            (None, Kind::Loaded(l)) => l
                .get(self.index)
                .map(|s| s.events.clone())
                .unwrap_or_default(),
            (None, Kind::Generated(_)) => Vec::new(),
        }
    }

    /// Channel bodies.
    pub fn channels(&self) -> Vec<Value> {
        match self.store.gen(self.index) {
            Some((s, _)) => generate::channels(s),
            None => match &self.store.kind {
                // The reference's CSV datasets carry inline `"channel": [...]`.
                Kind::Loaded(l) => l
                    .get(self.index)
                    .and_then(|x| x.body.get("channel"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                Kind::Generated(_) => Vec::new(),
            },
        }
    }

    /// Alert items: generated, or as loaded.
    pub fn alerts(&self) -> Vec<Value> {
        match (self.store.gen(self.index), &self.store.kind) {
            (Some((s, g)), _) => generate::alerts(s, self.key(), &g.tables),
            (None, Kind::Loaded(l)) => l
                .get(self.index)
                .map(|s| s.alerts.clone())
                .unwrap_or_default(),
            (None, Kind::Generated(_)) => Vec::new(),
        }
    }

    /// Indexing items.
    pub fn indexing(&self) -> Vec<Value> {
        self.store
            .gen(self.index)
            .map(|(s, _)| generate::indexing(s))
            .unwrap_or_default()
    }

    /// Trail-download items.
    pub fn trail_downloads(&self) -> Vec<Value> {
        self.store
            .gen(self.index)
            .map(|(s, _)| generate::trail_downloads(s))
            .unwrap_or_default()
    }

    /// Audit trail bytes (None when the session has no trail).
    pub fn audit_trail(&self, srs: bool) -> Option<Vec<u8>> {
        if !self.has_trail() {
            return None;
        }
        Some(match self.store.gen(self.index) {
            Some((s, _)) => generate::audit_trail(s, self.key(), srs),
            // Loaded sessions get a small placeholder trail naming the key.
            None => format!("{}\u{0}{}", if srs { "SRS" } else { "ZAT" }, self.key()).into_bytes(),
        })
    }
}

/// A text value for the content catalogue (`content=` and `/content?q=`).
pub struct ContentText<'a>(pub &'a str);

impl FieldSource for ContentText<'_> {
    fn field_values(&self, name: &str) -> FieldValues<'_> {
        if name == "content" {
            FieldValues::one(s(self.0))
        } else {
            FieldValues::empty()
        }
    }
}

/// An event as a field source for the events catalogue.
impl FieldSource for GenEvent {
    fn field_values(&self, name: &str) -> FieldValues<'_> {
        match name {
            "action" => FieldValues::one(s(&self.action)),
            "channels_id" => FieldValues::one(FieldValue::Int(i64::from(self.channel))),
            "content" => FieldValues::one(s(&self.content)),
            "record_id" => FieldValues::one(FieldValue::Int(self.record_id as i64)),
            "time" => time(self.time_ms),
            "type" => FieldValues::one(s(self.kind)),
            _ => FieldValues::empty(),
        }
    }
}

/// A session seen through [`FieldSource`]: built per evaluation, cheap, with
/// lazily computed values for the rare fields that need an allocation.
pub struct SessionView<'a> {
    r: SessionRef<'a>,
    session_id: OnceCell<String>,
    link: OnceCell<Option<String>>,
    model: OnceCell<Option<Box<Session>>>,
}

impl<'a> SessionView<'a> {
    /// A view of `r`.
    pub fn new(r: SessionRef<'a>) -> Self {
        SessionView {
            r,
            session_id: OnceCell::new(),
            link: OnceCell::new(),
            model: OnceCell::new(),
        }
    }

    fn link(&self) -> FieldValues<'_> {
        match self.link.get_or_init(|| self.r.trail_download_link()) {
            Some(l) => FieldValues::one(s(l)),
            None => FieldValues::empty(),
        }
    }
}

impl FieldSource for SessionView<'_> {
    fn field_values(&self, name: &str) -> FieldValues<'_> {
        if name == "trail_download_link" {
            return self.link();
        }
        match &self.r.store.kind {
            Kind::Generated(g) => match g.sessions.get(self.r.index) {
                Some(x) => gen_field(self, x, g, name),
                None => FieldValues::empty(),
            },
            Kind::Loaded(l) => match l.get(self.r.index) {
                Some(sess) => sess.model.field_values(name),
                None => FieldValues::empty(),
            },
        }
    }
}

/// Field values of a generated session straight from the compact form: this is
/// the hot path of `q` over a million sessions, so common fields borrow from
/// the shared tables; anything else decodes the body into sps-core's model once.
fn gen_field<'v>(
    v: &'v SessionView<'_>,
    x: &'v GenSession,
    g: &'v Generated,
    name: &str,
) -> FieldValues<'v> {
    let t = &g.tables;
    let one = FieldValues::one;
    let strings = |m: &'v HashMap<u16, Vec<String>>, k: u16| match m.get(&k) {
        Some(list) => FieldValues::strings(list),
        None => FieldValues::empty(),
    };
    let server = x.server(t);
    match name {
        "active" => one(FieldValue::Bool(x.active())),
        "analytics.interesting_events" => strings(&t.interesting_sets, x.interesting),
        "analytics.score.aggregated" => match x.score() {
            Some(v) => one(FieldValue::Int(i64::from(v))),
            None => FieldValues::empty(),
        },
        "analytics.tags" => strings(&t.tag_sets, x.tags),
        "client.ip" | "client.name" => one(s(x.client_ip(t))),
        "client.port" => one(FieldValue::Int(i64::from(x.client_port))),
        "creation_time" => time(x.start_ms + i64::from(x.creation_delay) * 1000),
        "duration" => one(FieldValue::Int(i64::from(x.duration))),
        "end_time" => match x.end_ms() {
            Some(e) => time(e),
            None => one(FieldValue::Null),
        },
        "origin" => one(s("RECORDING")),
        "protocol" => one(s(x.protocol_name())),
        "recording.archived" => one(FieldValue::Bool(x.archived())),
        "recording.auth_method" => one(s(x.auth_method())),
        "recording.channel_policy" => one(s(x.channel_policy())),
        "recording.connection_policy" => one(s(x.connection_policy())),
        "recording.connection_policy_id" => one(s(x.connection_policy_id(t))),
        "recording.content_reference_id" => one(FieldValue::Int(i64::from(x.content_ref))),
        "recording.index_status" => one(s(x.index_status_name())),
        "recording.session_id" => one(s(v
            .session_id
            .get_or_init(|| x.recording_session_id(v.r.key(), g.real)))),
        "recording.target.ip" | "recording.target.name" | "server.ip" => match server {
            Some(sv) => one(s(&sv.ip)),
            None => FieldValues::empty(),
        },
        "server.id" if g.real => match server {
            Some(sv) => one(s(&sv.ip)),
            None => FieldValues::empty(),
        },
        "server.name" => match server {
            Some(sv) => one(s(&sv.name)),
            None => FieldValues::empty(),
        },
        "recording.target.port" | "server.port" | "recording.server_local.port" => {
            one(FieldValue::Int(i64::from(x.server_port())))
        }
        "start_time" => time(x.start_ms),
        "user.gateway_username" | "user.name" => one(s(x.gateway_username(t))),
        "user.id" => one(s(x.user_id_for(t, g.real))),
        "user.server_username" => one(s(x.server_username(t))),
        "verdict" | "recording.verdict" => one(s(x.verdict_name(g.real))),
        other => {
            let model = v.model.get_or_init(|| {
                serde_json::from_value::<Session>(x.body(v.r.key(), t, g.real))
                    .ok()
                    .map(Box::new)
            });
            match model {
                Some(m) => m.field_values(other),
                None => FieldValues::empty(),
            }
        }
    }
}
