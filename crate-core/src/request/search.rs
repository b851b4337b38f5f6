//! Search requests as values: [`SessionSearch`] (`/api/audit/sessions`),
//! [`EventSearch`] (`/sessions/<key>/events`) and [`ContentSearch`]
//! (`/sessions/<key>/content`). Each checks its parameters the way SPS would,
//! renders to a URL query string and reads one back (for shareable viewer URLs).
//!
//! Parameters are written in the order of the links SPS itself writes in
//! `meta.first`/`meta.last`
//! (`limit=500&offset=0&fields=start_time,name,duration&q=name%3Amyname&sort=duration`),
//! encoded by [`ApiPath`] (`content=exam%2A` as in the reference; `fields=*`
//! kept). Unknown parameters are kept out and noted in `warnings`.

use crate::error::{Error, ErrorKind, Result};
use crate::model::field_source::{FieldSource, FieldValue};
use crate::model::timestamp::Timestamp;
use crate::query::ast::Query;
use crate::query::catalogue::Catalogue;
use crate::query::eval::CompiledQuery;
use crate::query::parse::parse_query;
use crate::query::validate::validate;
use crate::request::path::{parse_query_string, ApiPath};
use std::cmp::Ordering;

/// SPS's largest page (`limit`).
pub const MAX_LIMIT: u32 = 500;
/// SPS's largest `offset` for basic (non-snapshot) search.
pub const MAX_OFFSET: u32 = 10_000;

fn param_error(parameter: &str, message: impl Into<String>) -> Error {
    ErrorKind::SearchParameter {
        parameter: parameter.to_string(),
        message: message.into(),
    }
    .into()
}

/// The format of the sessions list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `format=json` (the default).
    Json,
    /// `format=csv`.
    Csv,
}

impl Format {
    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }

    /// Reads `json` or `csv` (any case).
    pub fn parse(text: &str) -> Result<Format> {
        match text.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            _ => Err(param_error(
                "format",
                format!("`{text}` is not `json` or `csv`"),
            )),
        }
    }
}

/// One `sort=` key: a field (as written), ascending unless `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// The field name as written (canonical or alias).
    pub field: String,
    /// `-field`: largest first.
    pub descending: bool,
}

impl std::fmt::Display for SortKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.descending {
            f.write_str("-")?;
        }
        f.write_str(&self.field)
    }
}

fn value_rank(v: &FieldValue<'_>) -> u8 {
    match v {
        FieldValue::Bool(_) => 0,
        FieldValue::Int(_) | FieldValue::Float(_) => 1,
        FieldValue::Time(_) => 2,
        FieldValue::Str(_) => 3,
        FieldValue::Null => 4,
    }
}

fn compare_values(a: &FieldValue<'_>, b: &FieldValue<'_>) -> Ordering {
    match (a, b) {
        (FieldValue::Bool(x), FieldValue::Bool(y)) => x.cmp(y),
        (FieldValue::Int(x), FieldValue::Int(y)) => x.cmp(y),
        (FieldValue::Str(x), FieldValue::Str(y)) => x.cmp(y),
        (FieldValue::Time(x), FieldValue::Time(y)) => x.instant().cmp(&y.instant()),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => value_rank(a).cmp(&value_rank(b)),
        },
    }
}

/// Orders two items by `sort=` keys, the way the simulator and offline mode
/// sort: each key's first value (names resolved through `catalogue`);
/// numbers numerically, times by instant, text by code point; items without
/// a value (absent or `null`) last in either direction, as Elasticsearch does.
pub fn compare_by_sort<S: FieldSource + ?Sized>(
    keys: &[SortKey],
    catalogue: &Catalogue,
    a: &S,
    b: &S,
) -> Ordering {
    for key in keys {
        let name = catalogue
            .resolve(&key.field)
            .map_or(key.field.as_str(), |f| f.name);
        let x = a.first_value(name).filter(|v| !v.is_null());
        let y = b.first_value(name).filter(|v| !v.is_null());
        let order = match (x, y) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => {
                let o = compare_values(&x, &y);
                if key.descending {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

fn unknown_field(parameter: &str, catalogue: &Catalogue, name: &str) -> Error {
    let hint = catalogue
        .suggest(name)
        .map(|s| format!(", did you mean `{s}`?"))
        .unwrap_or_default();
    param_error(parameter, format!("unknown field `{name}`{hint}"))
}

/// Parses and checks `sort=` text (`duration,-start_time`) against `catalogue`.
pub fn parse_sort(text: &str, catalogue: &Catalogue) -> Result<Vec<SortKey>> {
    let mut keys = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (descending, name) = match part.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, part.strip_prefix('+').unwrap_or(part)),
        };
        let spec = catalogue
            .resolve(name)
            .ok_or_else(|| unknown_field("sort", catalogue, name))?;
        if !spec.sortable {
            return Err(param_error(
                "sort",
                format!("field `{name}` cannot be sorted"),
            ));
        }
        keys.push(SortKey {
            field: name.to_string(),
            descending,
        });
    }
    Ok(keys)
}

/// Parses and checks `fields=` text (`start_time,name`, or `*`) against `catalogue`.
pub fn parse_fields(text: &str, catalogue: &Catalogue) -> Result<Vec<String>> {
    let mut fields = Vec::new();
    for name in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if name != "*" {
            let spec = catalogue
                .resolve(name)
                .ok_or_else(|| unknown_field("fields", catalogue, name))?;
            if !spec.showable {
                return Err(param_error(
                    "fields",
                    format!("field `{name}` cannot be shown"),
                ));
            }
        }
        fields.push(name.to_string());
    }
    Ok(fields)
}

fn parse_q(text: &str, catalogue: &Catalogue) -> Result<Option<Query>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let query = parse_query(text)?;
    validate(&query, catalogue)?;
    Ok(Some(query))
}

fn parse_number(parameter: &str, text: &str) -> Result<u32> {
    text.trim()
        .parse()
        .map_err(|_| param_error(parameter, format!("`{text}` is not a whole number")))
}

fn check_content(parameter: &str, text: &str) -> Result<()> {
    if text.trim_start().starts_with('*') {
        return Err(param_error(
            parameter,
            "a content search must not begin with the `*` wildcard",
        ));
    }
    Ok(())
}

/// A search of the sessions list: `GET /api/audit/sessions?…`.
///
/// Build with the `with_*` methods (each checks its value) or read one with
/// [`SessionSearch::from_query_string`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionSearch {
    /// `q`: the filter, checked against [`Catalogue::sessions`].
    pub q: Option<Query>,
    /// `content`: a content-search expression (Lucene syntax, passed as written).
    pub content: Option<String>,
    /// `fields`: names as requested (`*` for all); `Some(vec![])` renders `fields=`.
    pub fields: Option<Vec<String>>,
    /// `sort`: keys in order.
    pub sort: Vec<SortKey>,
    /// `start`: sessions that started at or after it.
    pub start: Option<Timestamp>,
    /// `end`: sessions that ended at or before it.
    pub end: Option<Timestamp>,
    /// `limit`: page size, at most [`MAX_LIMIT`].
    pub limit: Option<u32>,
    /// `offset`: at most [`MAX_OFFSET`].
    pub offset: Option<u32>,
    /// `format`.
    pub format: Option<Format>,
    /// `snapshot`: a snapshot id from `/api/audit/sessions/_snapshot`.
    pub snapshot: Option<String>,
    /// What was adjusted or ignored (a clamped `limit`, unknown parameters).
    pub warnings: Vec<String>,
}

impl SessionSearch {
    /// An empty search (every session, SPS's defaults).
    pub fn new() -> Self {
        SessionSearch::default()
    }

    /// Sets `q` after checking it against the sessions catalogue.
    pub fn with_q(mut self, query: Query) -> Result<Self> {
        validate(&query, Catalogue::sessions())?;
        self.q = Some(query);
        Ok(self)
    }

    /// Sets `q` from text (parsed and checked); empty text clears it.
    pub fn with_q_text(mut self, text: &str) -> Result<Self> {
        self.q = parse_q(text, Catalogue::sessions())?;
        Ok(self)
    }

    /// Sets `content`; refused when it begins with `*`. Empty text clears it.
    pub fn with_content(mut self, text: &str) -> Result<Self> {
        check_content("content", text)?;
        self.content = (!text.trim().is_empty()).then(|| text.to_string());
        Ok(self)
    }

    /// Sets `fields` from names (canonical, alias, or `*`), each checked.
    pub fn with_fields<I, S>(mut self, names: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined: Vec<String> = names.into_iter().map(|s| s.as_ref().to_string()).collect();
        self.fields = Some(parse_fields(&joined.join(","), Catalogue::sessions())?);
        Ok(self)
    }

    /// Sets `sort` from text such as `-duration,start_time`.
    pub fn with_sort(mut self, text: &str) -> Result<Self> {
        self.sort = parse_sort(text, Catalogue::sessions())?;
        Ok(self)
    }

    /// Sets `start` (ISO 8601, date only or with a time).
    pub fn with_start(mut self, text: &str) -> Result<Self> {
        self.start = Some(Timestamp::parse(text).map_err(|e| param_error("start", e.to_string()))?);
        Ok(self)
    }

    /// Sets `end` (ISO 8601, date only or with a time).
    pub fn with_end(mut self, text: &str) -> Result<Self> {
        self.end = Some(Timestamp::parse(text).map_err(|e| param_error("end", e.to_string()))?);
        Ok(self)
    }

    /// Sets `limit`, clamped to [`MAX_LIMIT`] with a warning (SPS shows at most 500).
    pub fn with_limit(mut self, limit: u32) -> Result<Self> {
        if limit == 0 {
            return Err(param_error("limit", "must be at least 1"));
        }
        if limit > MAX_LIMIT {
            self.warnings.push(format!(
                "limit {limit} is more than SPS's maximum of {MAX_LIMIT}; using {MAX_LIMIT}"
            ));
        }
        self.limit = Some(limit.min(MAX_LIMIT));
        Ok(self)
    }

    /// Sets `offset`; past [`MAX_OFFSET`] is an error (SPS ignores it).
    pub fn with_offset(mut self, offset: u32) -> Result<Self> {
        if offset > MAX_OFFSET {
            return Err(param_error(
                "offset",
                format!(
                    "{offset} is past SPS's maximum of {MAX_OFFSET}; results beyond it \
                     are reachable only through a snapshot"
                ),
            ));
        }
        self.offset = Some(offset);
        Ok(self)
    }

    /// Sets `format`.
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// Sets `snapshot`.
    pub fn with_snapshot(mut self, id: impl Into<String>) -> Self {
        self.snapshot = Some(id.into());
        self
    }

    /// `q`, `start` and `end` prepared for matching sessions locally (the
    /// simulator, offline mode). `content` is not included: it searches
    /// recorded text, see [`SessionSearch::content_query`].
    pub fn compile(&self) -> Result<CompiledQuery> {
        let base = match &self.q {
            Some(q) => CompiledQuery::new(q, Catalogue::sessions())?,
            None => CompiledQuery::match_all(),
        };
        Ok(base.with_time_range(self.start.as_ref(), self.end.as_ref()))
    }

    /// The `content` expression parsed as a query over [`Catalogue::content`]
    /// (for evaluating it locally); `None` without `content`.
    pub fn content_query(&self) -> Result<Option<Query>> {
        self.content
            .as_deref()
            .map(|c| parse_q(c, Catalogue::content()))
            .transpose()
            .map(Option::flatten)
    }

    /// Renders the parameters, without `?`, in SPS's order:
    /// `limit, offset, fields, q, content, sort, start, end, format, snapshot`.
    pub fn to_query_string(&self) -> String {
        let limit = self.limit.map(|n| n.to_string());
        let offset = self.offset.map(|n| n.to_string());
        let mut query = ApiPath::query_only()
            .opt("limit", limit.as_deref())
            .opt("offset", offset.as_deref());
        if let Some(fields) = &self.fields {
            query = query.list("fields", fields);
        }
        query = query
            .opt("q", self.q.as_ref().map(|q| q.to_string()).as_deref())
            .opt("content", self.content.as_deref());
        if !self.sort.is_empty() {
            let keys: Vec<String> = self.sort.iter().map(|k| k.to_string()).collect();
            query = query.list("sort", &keys);
        }
        query
            .opt(
                "start",
                self.start.as_ref().map(|t| t.original()).as_deref(),
            )
            .opt("end", self.end.as_ref().map(|t| t.original()).as_deref())
            .opt("format", self.format.map(|f| f.as_str()))
            .opt("snapshot", self.snapshot.as_deref())
            .into_query()
    }

    /// Reads a query string (with or without `?`), checking every parameter.
    /// Unknown parameters are ignored with a warning; a `limit` over 500 is
    /// clamped with a warning.
    pub fn from_query_string(text: &str) -> Result<SessionSearch> {
        let mut search = SessionSearch::new();
        for (key, value) in parse_query_string(text) {
            search = match key.as_str() {
                "q" => search.with_q_text(&value)?,
                "content" => search.with_content(&value)?,
                "fields" => {
                    let fields = parse_fields(&value, Catalogue::sessions())?;
                    SessionSearch {
                        fields: Some(fields),
                        ..search
                    }
                }
                "sort" => search.with_sort(&value)?,
                "start" => search.with_start(&value)?,
                "end" => search.with_end(&value)?,
                "limit" => search.with_limit(parse_number("limit", &value)?)?,
                "offset" => search.with_offset(parse_number("offset", &value)?)?,
                "format" => search.with_format(Format::parse(&value)?),
                "snapshot" => search.with_snapshot(value),
                _ => {
                    search
                        .warnings
                        .push(format!("ignored unknown parameter `{key}`"));
                    search
                }
            };
        }
        Ok(search)
    }
}

/// A filter of one session's events: `GET /api/audit/sessions/<key>/events?…`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventSearch {
    /// `q`, checked against [`Catalogue::events`].
    pub q: Option<Query>,
    /// `limit` (the events page documents no maximum).
    pub limit: Option<u32>,
    /// `offset`.
    pub offset: Option<u32>,
    /// Ignored parameters.
    pub warnings: Vec<String>,
}

impl EventSearch {
    /// No filter, SPS's defaults.
    pub fn new() -> Self {
        EventSearch::default()
    }

    /// Sets `q` after checking it against the events catalogue.
    pub fn with_q(mut self, query: Query) -> Result<Self> {
        validate(&query, Catalogue::events())?;
        self.q = Some(query);
        Ok(self)
    }

    /// Sets `q` from text (parsed and checked); empty text clears it.
    pub fn with_q_text(mut self, text: &str) -> Result<Self> {
        self.q = parse_q(text, Catalogue::events())?;
        Ok(self)
    }

    /// Sets `limit` (at least 1).
    pub fn with_limit(mut self, limit: u32) -> Result<Self> {
        if limit == 0 {
            return Err(param_error("limit", "must be at least 1"));
        }
        self.limit = Some(limit);
        Ok(self)
    }

    /// Sets `offset`.
    pub fn with_offset(mut self, offset: u32) -> Self {
        self.offset = Some(offset);
        self
    }

    /// `q` prepared for matching events locally.
    pub fn compile(&self) -> Result<CompiledQuery> {
        match &self.q {
            Some(q) => CompiledQuery::new(q, Catalogue::events()),
            None => Ok(CompiledQuery::match_all()),
        }
    }

    /// Renders `limit, offset, q` (those set), without `?`.
    pub fn to_query_string(&self) -> String {
        let limit = self.limit.map(|n| n.to_string());
        let offset = self.offset.map(|n| n.to_string());
        ApiPath::query_only()
            .opt("limit", limit.as_deref())
            .opt("offset", offset.as_deref())
            .opt("q", self.q.as_ref().map(|q| q.to_string()).as_deref())
            .into_query()
    }

    /// Reads a query string, checking every parameter.
    pub fn from_query_string(text: &str) -> Result<EventSearch> {
        let mut search = EventSearch::new();
        for (key, value) in parse_query_string(text) {
            search = match key.as_str() {
                "q" => search.with_q_text(&value)?,
                "limit" => search.with_limit(parse_number("limit", &value)?)?,
                "offset" => search.with_offset(parse_number("offset", &value)?),
                _ => {
                    search
                        .warnings
                        .push(format!("ignored unknown parameter `{key}`"));
                    search
                }
            };
        }
        Ok(search)
    }
}

/// A search in one session's recorded content:
/// `GET /api/audit/sessions/<key>/content?q=…`. `q` is Lucene syntax without
/// fields, required, and must not begin with `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentSearch {
    q: String,
}

impl ContentSearch {
    /// Checks `q`: not empty, not beginning with `*`. Kept as written (SPS
    /// reads full Lucene syntax, more than this crate's `q` language).
    pub fn new(q: &str) -> Result<ContentSearch> {
        if q.trim().is_empty() {
            return Err(param_error(
                "q",
                "a content search needs an expression (an empty `q` returns no items)",
            ));
        }
        check_content("q", q)?;
        Ok(ContentSearch { q: q.to_string() })
    }

    /// The expression as written.
    pub fn q(&self) -> &str {
        &self.q
    }

    /// The expression parsed over [`Catalogue::content`], for evaluating it locally.
    pub fn query(&self) -> Result<Query> {
        let query = parse_query(&self.q)?;
        validate(&query, Catalogue::content())?;
        Ok(query)
    }

    /// The expression prepared for matching recorded text locally
    /// (values of the field `content`).
    pub fn compile(&self) -> Result<CompiledQuery> {
        CompiledQuery::new(&self.query()?, Catalogue::content())
    }

    /// Renders `q=…`, without `?`.
    pub fn to_query_string(&self) -> String {
        ApiPath::query_only().param("q", &self.q).into_query()
    }

    /// Reads a query string; `q` is required.
    pub fn from_query_string(text: &str) -> Result<ContentSearch> {
        let q = parse_query_string(text)
            .into_iter()
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v)
            .unwrap_or_default();
        ContentSearch::new(&q)
    }
}
