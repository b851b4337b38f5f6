//! The sessions search: request parsing (through sps-core's `SessionSearch`),
//! filtering (sps-core's `CompiledQuery`), ordering and paging.

use std::cmp::Ordering;
use std::sync::{Arc, Mutex};

use sps_core::model::FieldValue;
use sps_core::query::CompiledQuery;
use sps_core::request::{parse_query_string, MAX_OFFSET};
use sps_core::{Catalogue, SessionSearch, SortKey};

use crate::error::ApiError;
use crate::store::{ContentText, SessionRef, Store};
use sps_core::request::{ApiPath, SESSIONS_PATH};

/// Default and largest page size.
pub const MAX_LIMIT: usize = 500;

/// The parameters as given, kept for echoing them in links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Raw {
    /// `q`.
    pub q: Option<String>,
    /// `content`.
    pub content: Option<String>,
    /// `sort`.
    pub sort: Option<String>,
    /// `start`.
    pub start: Option<String>,
    /// `end`.
    pub end: Option<String>,
}

impl Raw {
    /// What a snapshot's cached order depends on.
    pub fn signature(&self) -> String {
        format!(
            "{:?}",
            (&self.q, &self.content, &self.sort, &self.start, &self.end)
        )
    }
}

/// A parsed `/api/audit/sessions` request.
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// The checked search (sps-core).
    pub search: SessionSearch,
    /// Parameters as given.
    pub raw: Raw,
    /// Requested offset (may be past the 10,000 window).
    pub offset: usize,
    /// Page size (clamped to 500).
    pub limit: usize,
    /// Snapshot cursor (`search_after`).
    pub search_after: usize,
    /// `fields=` names as requested; `None` when absent.
    pub fields: Option<Vec<String>>,
    /// `format=csv`.
    pub csv: bool,
}

fn number(name: &str, v: &str, href: &str) -> Result<usize, ApiError> {
    v.trim().parse::<usize>().map_err(|_| {
        ApiError::invalid_query(
            format!("Invalid value of `{name}`: `{v}` is not a whole number"),
            href,
        )
    })
}

impl ListRequest {
    /// Parses the raw query string.
    ///
    /// `offset` is handled here rather than by `SessionSearch` because the
    /// server must accept what a client library refuses: the reference says
    /// offsets past 10,000 "will be ignored and the results exceeding 10000
    /// will not be displayed", so the simulator answers them with an empty page.
    pub fn parse(query: &str, href: &str) -> Result<ListRequest, ApiError> {
        let mut raw = Raw::default();
        let mut offset = 0;
        let mut search_after = 0;
        let mut limit = MAX_LIMIT;
        let mut forwarded = Vec::new();
        for (k, v) in parse_query_string(query) {
            match k.as_str() {
                "offset" => offset = number("offset", &v, href)?,
                "search_after" => search_after = number("search_after", &v, href)?,
                "limit" => {
                    limit = number("limit", &v, href)?;
                    if limit == 0 {
                        return Err(ApiError::invalid_query(
                            "Invalid value of `limit`: must be at least 1",
                            href,
                        ));
                    }
                    // Larger values are silently clamped, as documented.
                    limit = limit.min(MAX_LIMIT);
                }
                "_fault" => {}
                _ => {
                    match k.as_str() {
                        "q" => raw.q = Some(v.clone()).filter(|s| !s.trim().is_empty()),
                        "content" => raw.content = Some(v.clone()).filter(|s| !s.trim().is_empty()),
                        "sort" => raw.sort = Some(v.clone()).filter(|s| !s.trim().is_empty()),
                        "start" => raw.start = Some(v.clone()),
                        "end" => raw.end = Some(v.clone()),
                        _ => {}
                    }
                    forwarded.push(format!(
                        "{}={}",
                        sps_core::request::encode_component(&k),
                        sps_core::request::encode_component(&v)
                    ));
                }
            }
        }
        let search = SessionSearch::from_query_string(&forwarded.join("&"))
            .map_err(|e| ApiError::invalid_query(e.to_string(), href))?;
        let csv = search.format == Some(sps_core::request::Format::Csv);
        let fields = search.fields.clone();
        Ok(ListRequest {
            search,
            raw,
            offset,
            limit,
            search_after,
            fields,
            csv,
        })
    }

    /// The `fields=` names as requested, empty when absent.
    pub fn field_names(&self) -> &[String] {
        self.fields.as_deref().unwrap_or(&[])
    }

    /// A link to a page of this search in offset mode.
    pub fn offset_link(&self, offset: usize) -> String {
        self.common(
            ApiPath::new(SESSIONS_PATH)
                .param("limit", &self.limit.to_string())
                .param("offset", &offset.to_string()),
        )
        .build()
    }

    /// A link to the next page of a snapshot.
    pub fn snapshot_link(&self, snapshot: &str, after: usize) -> String {
        let b = ApiPath::new(SESSIONS_PATH).param("limit", &self.limit.to_string());
        self.common(b)
            .param("snapshot", snapshot)
            .param("search_after", &after.to_string())
            .build()
    }

    fn common(&self, b: ApiPath) -> ApiPath {
        b.list("fields", self.field_names())
            .opt("q", self.raw.q.as_deref())
            .opt("content", self.raw.content.as_deref())
            .opt("sort", self.raw.sort.as_deref())
            .opt("start", self.raw.start.as_deref())
            .opt("end", self.raw.end.as_deref())
    }
}

/// Results of recent content searches, by expression. A content search
/// generates every session's events (seconds over 100,000 sessions), so paging
/// through its results must not redo it for each page.
#[derive(Debug, Default)]
pub struct ContentCache {
    entries: Mutex<Vec<(String, Arc<Vec<u64>>)>>,
}

/// How many content searches are remembered.
const CONTENT_CACHE_SIZE: usize = 8;

impl ContentCache {
    /// The set of store positions whose content matches `query` (a bit set).
    pub fn matches(&self, text: &str, store: &Store, query: &CompiledQuery) -> Arc<Vec<u64>> {
        let lock = || self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, bits)) = lock().iter().find(|(t, _)| t == text) {
            return bits.clone();
        }
        let bits = Arc::new(content_bits(store, query));
        let mut entries = lock();
        entries.insert(0, (text.to_owned(), bits.clone()));
        entries.truncate(CONTENT_CACHE_SIZE);
        bits
    }
}

/// Evaluates a content query over every session, on all cores.
fn content_bits(store: &Store, query: &CompiledQuery) -> Vec<u64> {
    let n = store.len();
    let words = n.div_ceil(64);
    let threads = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .clamp(1, 8);
    // Chunks of whole 64-session words, one per thread.
    let per = words.div_ceil(threads).max(1);
    let mut bits = vec![0u64; words];
    std::thread::scope(|scope| {
        for (c, chunk) in bits.chunks_mut(per).enumerate() {
            scope.spawn(move || {
                for (w, word) in chunk.iter_mut().enumerate() {
                    let base = (c * per + w) * 64;
                    for b in 0..64 {
                        let i = base + b;
                        if i < n
                            && store
                                .get(i)
                                .events()
                                .iter()
                                .any(|e| query.matches(&ContentText(&e.content)))
                        {
                            *word |= 1 << b;
                        }
                    }
                }
            });
        }
    });
    bits
}

/// Which sessions match: `q`, `content`, `start`, `end`.
pub struct Filter {
    q: Option<CompiledQuery>,
    content: Option<Arc<Vec<u64>>>,
    start_ms: Option<i64>,
    /// End bound in ms and whether it is exclusive (a whole day).
    end: Option<(i64, bool)>,
}

impl Filter {
    /// Compiles the filter of a search.
    pub fn new(
        search: &SessionSearch,
        href: &str,
        store: &Store,
        cache: &ContentCache,
    ) -> Result<Filter, ApiError> {
        let bad = |e: sps_core::Error| ApiError::invalid_query(e.to_string(), href);
        let q = match &search.q {
            // sps-core's evaluator matches verdicts in either spelling
            // (`AUTH_FAIL`, `auth-fail`).
            Some(q) => Some(CompiledQuery::new(q, Catalogue::sessions()).map_err(bad)?),
            None => None,
        };
        let content = match search.content_query().map_err(bad)? {
            Some(c) => {
                let compiled = CompiledQuery::new(&c, Catalogue::content()).map_err(bad)?;
                Some(cache.matches(search.content.as_deref().unwrap_or(""), store, &compiled))
            }
            None => None,
        };
        // `start` selects sessions that started at or after it; `end` those that
        // ended at or before it, a date meaning the whole day (design.md).
        let start_ms = search
            .start
            .as_ref()
            .map(|t| t.instant().timestamp_millis());
        let end = search.end.as_ref().map(|t| {
            if t.is_date_only() {
                (t.period_end().timestamp_millis(), true)
            } else {
                (t.instant().timestamp_millis(), false)
            }
        });
        Ok(Filter {
            q,
            content,
            start_ms,
            end,
        })
    }

    /// True when everything matches.
    pub fn is_all(&self) -> bool {
        self.q.is_none() && self.content.is_none() && self.start_ms.is_none() && self.end.is_none()
    }

    /// Whether session `r` matches.
    pub fn matches(&self, r: SessionRef<'_>) -> bool {
        if let Some(start) = self.start_ms {
            if r.start_ms().is_none_or(|s| s < start) {
                return false;
            }
        }
        if let Some((end, exclusive)) = self.end {
            let ok = match r.end_ms() {
                Some(e) if exclusive => e < end,
                Some(e) => e <= end,
                None => false, // active sessions never match an `end`
            };
            if !ok {
                return false;
            }
        }
        if let Some(q) = &self.q {
            if !q.matches(&r.view()) {
                return false;
            }
        }
        if let Some(bits) = &self.content {
            // Content search covers what indexing extracted: event lines and titles.
            if bits
                .get(r.index / 64)
                .is_none_or(|w| w & (1 << (r.index % 64)) == 0)
            {
                return false;
            }
        }
        true
    }
}

/// A sort value; missing values sort last in both directions (as Elasticsearch does).
#[derive(Debug, Clone, PartialEq)]
enum SortVal {
    Bool(bool),
    Num(f64),
    Str(String),
}

fn rank(v: &SortVal) -> u8 {
    match v {
        SortVal::Bool(_) => 0,
        SortVal::Num(_) => 1,
        SortVal::Str(_) => 2,
    }
}

fn cmp_val(a: &SortVal, b: &SortVal) -> Ordering {
    match (a, b) {
        (SortVal::Bool(x), SortVal::Bool(y)) => x.cmp(y),
        (SortVal::Num(x), SortVal::Num(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (SortVal::Str(x), SortVal::Str(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn sort_val(v: FieldValue<'_>) -> Option<SortVal> {
    Some(match v {
        FieldValue::Null => return None,
        FieldValue::Str(s) => SortVal::Str(s.to_owned()),
        FieldValue::Int(n) => SortVal::Num(n as f64),
        FieldValue::Float(f) => SortVal::Num(f),
        FieldValue::Bool(b) => SortVal::Bool(b),
        FieldValue::Time(t) => SortVal::Num(t.instant().timestamp_millis() as f64),
    })
}

/// The result order: store positions.
pub enum Order {
    /// Every session, newest first (no filter, no sort): nothing materialised.
    All(usize),
    /// Selected positions in order.
    List(Vec<u32>),
    /// The first of `total` results, in order.
    Top {
        /// The ordered first results.
        rows: Vec<u32>,
        /// How many matched in all.
        total: usize,
    },
}

impl Order {
    /// How many.
    pub fn len(&self) -> usize {
        match self {
            Order::All(n) => *n,
            Order::List(v) => v.len(),
            Order::Top { total, .. } => *total,
        }
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The store position at result position `i`.
    pub fn get(&self, i: usize) -> Option<usize> {
        match self {
            Order::All(n) => (i < *n).then(|| n - 1 - i),
            Order::List(v) | Order::Top { rows: v, .. } => v.get(i).map(|x| *x as usize),
        }
    }

    /// As a list (for snapshots).
    pub fn into_vec(self) -> Vec<u32> {
        match self {
            Order::All(n) => (0..n as u32).rev().collect(),
            Order::List(v) | Order::Top { rows: v, .. } => v,
        }
    }
}

/// Filters and sorts; default order newest first (reverse of store order),
/// which also breaks ties of a sort. With `top = Some(k)` only the first `k`
/// results are put in order (a page of basic search never needs more than
/// 10,000), while [`Order::len`] still counts every match.
pub fn order(store: &Store, filter: &Filter, sort: &[SortKey], top: Option<usize>) -> Order {
    if filter.is_all() && sort.is_empty() {
        return Order::All(store.len());
    }
    let matched: Vec<u32> = (0..store.len())
        .rev()
        .filter(|i| filter.matches(store.get(*i)))
        .map(|i| i as u32)
        .collect();
    if sort.is_empty() {
        return Order::List(matched);
    }
    let total = matched.len();
    let cat = Catalogue::sessions();
    let keys: Vec<(&str, bool)> = sort
        .iter()
        .map(|k| {
            (
                cat.resolve(&k.field).map(|f| f.name).unwrap_or(""),
                k.descending,
            )
        })
        .collect();
    let mut rows: Vec<(Vec<Option<SortVal>>, u32)> = matched
        .into_iter()
        .map(|i| {
            let r = store.get(i as usize);
            let view = r.view();
            let vals = keys.iter().map(|(f, _)| view_first(&view, f)).collect();
            (vals, i)
        })
        .collect();
    // A total order (ties: newer first), so unstable selection and sorting
    // give the same result as a stable sort of the newest-first list.
    let cmp = |(a, ia): &(Vec<Option<SortVal>>, u32), (b, ib): &(Vec<Option<SortVal>>, u32)| {
        for ((x, y), (_, desc)) in a.iter().zip(b).zip(&keys) {
            let o = match (x, y) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) => {
                    let o = cmp_val(x, y);
                    if *desc {
                        o.reverse()
                    } else {
                        o
                    }
                }
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        ib.cmp(ia)
    };
    match top {
        Some(0) => rows.clear(),
        Some(k) if k < rows.len() => {
            rows.select_nth_unstable_by(k - 1, cmp);
            rows.truncate(k);
        }
        _ => {}
    }
    rows.sort_unstable_by(cmp);
    Order::Top {
        rows: rows.into_iter().map(|(_, i)| i).collect(),
        total,
    }
}

fn view_first(view: &crate::store::SessionView<'_>, field: &str) -> Option<SortVal> {
    use sps_core::FieldSource;
    view.field_values(field)
        .find(|v| !v.is_null())
        .and_then(sort_val)
}

/// The window basic search can reach (SPS's cap).
pub fn reachable(count: usize) -> usize {
    count.min(MAX_OFFSET as usize)
}
