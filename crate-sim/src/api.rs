//! Handlers of `/api/info` and `/api/audit/...`.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use sps_core::model::{
    CollectionMeta, FieldValue, HistogramInterval, HistogramMeta, HistogramReply, InfoBody,
    Nullable, SingleMeta, SnapshotBody, StatsBucket, StatsItem, StatsMeta, StatsReply, Timestamp,
};
use sps_core::query::CompiledQuery;
use sps_core::request::{parse_query_string, HistogramBin, HISTOGRAM_PATH, STATS_PATH};
use sps_core::{Catalogue, Collection, ContentSearch, EventSearch, FieldSource, Single};

use crate::auth::AuthCtx;
use crate::error::ApiError;
use crate::generate::{iso_local, iso_naive, iso_utc};
use crate::links::pages;
use crate::listing::{order, reachable, Filter, ListRequest, MAX_LIMIT};
use sps_core::request::{session_part_path, session_path, ApiPath};

/// SPS's offset window of basic search.
const MAX_OFFSET: usize = sps_core::request::MAX_OFFSET as usize;
use crate::snapshot::{Cached, SnapshotError};
use crate::state::AppState;
use crate::store::{ContentText, SessionRef};

const SESSIONS: &str = "/api/audit/sessions";

fn remaining(parts: &Parts) -> Option<i64> {
    parts
        .extensions
        .get::<AuthCtx>()
        .map(|a| a.remaining_seconds)
}

fn query(parts: &Parts) -> &str {
    parts.uri.query().unwrap_or("")
}

fn internal(e: impl std::fmt::Display, href: &str) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalServerError",
        e.to_string(),
        href,
    )
}

/// `GET /api/info` (no login needed): the firmware version.
pub async fn info(State(state): State<AppState>) -> Response {
    if !state.config.compat.is_6_0() {
        // Recorded: `{"body":{"firmware_version":"7.4.0"}}`.
        return Json(json!({ "body": { "firmware_version": state.config.firmware_version } }))
            .into_response();
    }
    let reply = Single {
        key: None,
        body: InfoBody {
            firmware_version: Some(state.config.firmware_version.clone()),
        },
        meta: Some(SingleMeta {
            href: Some("/api/info".into()),
            parent: Some("/api".into()),
            remaining_seconds: None,
        }),
    };
    Json(reply).into_response()
}

/// `GET /api/audit`: the sub-resources.
pub async fn audit_root(parts: Parts) -> Response {
    Json(json!({
        "items": [{ "key": "sessions", "meta": { "href": SESSIONS } }],
        "meta": { "href": "/api/audit", "parent": "/api", "remaining_seconds": remaining(&parts) },
    }))
    .into_response()
}

/// Runs CPU-heavy work (filtering up to a million sessions) off the async workers.
async fn blocking<F>(f: F) -> Response
where
    F: FnOnce() -> Result<Response, ApiError> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.into_response(),
        Err(e) => internal(e, SESSIONS).into_response(),
    }
}

/// The owner of a snapshot: caller address and User-Agent, as SPS ties them.
fn snapshot_owner(parts: &Parts) -> String {
    let addr = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let ua = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    format!("{addr}|{ua}")
}

/// `GET /api/audit/sessions`: search, page, fields, sort, CSV, snapshots.
pub async fn sessions(State(state): State<AppState>, parts: Parts) -> Response {
    let req = match ListRequest::parse(query(&parts), SESSIONS) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let rem = remaining(&parts);
    if let Some(id) = req.search.snapshot.clone() {
        let owner = snapshot_owner(&parts);
        return blocking(move || snapshot_page(&state, req, &id, &owner, rem)).await;
    }
    blocking(move || offset_page(&state, req, rem)).await
}

/// One list item: key, meta, and the body for `fields=`.
fn item(r: SessionRef<'_>, fields: &[String]) -> Value {
    let href = session_path(r.key());
    let mut m = Map::new();
    if !fields.is_empty() {
        let full = r.body();
        let body = if fields.iter().any(|f| f == "*") {
            // Real list items lack the links and flags of a single GET (recorded).
            if r.is_real() {
                crate::generate::list_item_body(full)
            } else {
                full
            }
        } else {
            // Keys exactly as requested; serde_json's map keeps them sorted, which
            // is the documented alphabetical order.
            let mut b = Map::new();
            for f in fields {
                b.insert(f.clone(), r.json_field(&full, f));
            }
            Value::Object(b)
        };
        m.insert("body".into(), body);
    }
    m.insert("key".into(), r.key().into());
    m.insert("meta".into(), json!({ "href": href }));
    Value::Object(m)
}

fn csv_response(
    state: &AppState,
    req: &ListRequest,
    positions: &[usize],
) -> Result<Response, ApiError> {
    let rows = positions.iter().map(|i| state.store.get(*i));
    let bytes = crate::csv_out::render(state.store.public_base(), req.field_names(), rows)
        .map_err(|e| internal(e, SESSIONS))?;
    let mut resp = bytes.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    Ok(resp)
}

/// A page's sessions as the client asked for them.
enum PageItems {
    /// `format=csv`: the whole reply.
    Csv(Result<Response, ApiError>),
    /// The items of a JSON page.
    Json(Vec<Value>),
}

/// The sessions at `positions` of a page (offset or snapshot paging alike).
fn page_items(state: &AppState, req: &ListRequest, positions: &[usize]) -> PageItems {
    if req.csv {
        return PageItems::Csv(csv_response(state, req, positions));
    }
    PageItems::Json(
        positions
            .iter()
            .map(|i| item(state.store.get(*i), req.field_names()))
            .collect(),
    )
}

fn offset_page(state: &AppState, req: ListRequest, rem: Option<i64>) -> Result<Response, ApiError> {
    let filter = Filter::new(&req.search, SESSIONS, &state.store, &state.content_cache)?;
    // Checked: `offset` may be anything up to usize::MAX (an empty page past
    // the window, as the reference says offsets past 10,000 are ignored).
    let top = req.offset.saturating_add(req.limit).min(MAX_OFFSET);
    let ord = order(&state.store, &filter, &req.search.sort, Some(top));
    let count = ord.len();
    let window = reachable(count);
    let end = req.offset.saturating_add(req.limit).min(window);
    let positions: Vec<usize> = (req.offset.min(end)..end)
        .filter_map(|i| ord.get(i))
        .collect();
    let items = match page_items(state, &req, &positions) {
        PageItems::Csv(reply) => return reply,
        PageItems::Json(items) => items,
    };
    let p = pages(window, req.offset, req.limit);
    let meta = CollectionMeta {
        href: Some(SESSIONS.into()),
        parent: Some("/api/audit".into()),
        first: Nullable::Value(req.offset_link(0)),
        last: Nullable::Value(req.offset_link(p.last)),
        next: p.next.map(|o| req.offset_link(o)).into(),
        previous: p.previous.map(|o| req.offset_link(o.min(p.last))).into(),
        limit: Some(req.limit as u64),
        offset: Nullable::Value(req.offset as u64),
        // Real appliances count like Elasticsearch: at most 10,000 (recorded).
        match_count: Some(if state.config.compat.is_6_0() {
            count
        } else {
            count.min(MAX_OFFSET)
        } as u64),
        fields: Some(req.field_names().to_vec()),
        remaining_seconds: rem,
    };
    if !state.config.compat.is_6_0() {
        // The same keys, in alphabetical order as recorded.
        let meta = serde_json::to_value(&meta).map_err(|e| internal(e, SESSIONS))?;
        return Ok(Json(json!({ "items": items, "meta": meta })).into_response());
    }
    Ok(Json(Collection {
        items,
        meta: Some(meta),
    })
    .into_response())
}

fn snapshot_error(e: SnapshotError, href: &str) -> ApiError {
    match e {
        SnapshotError::TooMany => ApiError::too_many(
            "Too many snapshots are open; wait until one expires",
            href,
            5,
        ),
        SnapshotError::NotFound => ApiError::not_found(href).with_details(
            json!({ "path": href, "reason": "the snapshot expired or does not exist" }),
        ),
    }
}

fn snapshot_page(
    state: &AppState,
    req: ListRequest,
    id: &str,
    owner: &str,
    rem: Option<i64>,
) -> Result<Response, ApiError> {
    if state.faults.snapshot_429(state.config.snapshot_429_every) {
        return Err(snapshot_error(SnapshotError::TooMany, SESSIONS));
    }
    let signature = req.raw.signature();
    let cached = state
        .snapshots
        .touch(id, owner, &signature)
        .map_err(|e| snapshot_error(e, SESSIONS))?;
    let list = match cached {
        Some(c) => c.order,
        None => {
            let filter = Filter::new(&req.search, SESSIONS, &state.store, &state.content_cache)?;
            let list = Arc::new(order(&state.store, &filter, &req.search.sort, None).into_vec());
            state.snapshots.store(
                id,
                Cached {
                    signature,
                    order: list.clone(),
                },
            );
            list
        }
    };
    let from = req.search_after.min(list.len());
    let to = from.saturating_add(req.limit).min(list.len());
    let positions: Vec<usize> = list[from..to].iter().map(|i| *i as usize).collect();
    let items = match page_items(state, &req, &positions) {
        PageItems::Csv(reply) => return reply,
        PageItems::Json(items) => items,
    };
    // The last page with items still links on; the end is an empty page.
    let next = (!items.is_empty()).then(|| req.snapshot_link(id, to));
    if !state.config.compat.is_6_0() {
        // As recorded: the end is exactly `{"items":[],"meta":{"next":null}}`;
        // other pages have null first/last/previous and `search_after: null`.
        if items.is_empty() {
            return Ok(Json(json!({ "items": [], "meta": { "next": null } })).into_response());
        }
        let meta = json!({
            "fields": req.field_names(),
            "first": null,
            "href": SESSIONS,
            "last": null,
            "limit": req.limit,
            "next": next,
            "parent": "/api/audit",
            "previous": null,
            "remaining_seconds": rem,
            "search_after": null,
        });
        return Ok(Json(json!({ "items": items, "meta": meta })).into_response());
    }
    let meta = CollectionMeta {
        href: Some(SESSIONS.into()),
        parent: Some("/api/audit".into()),
        first: Nullable::Null,
        last: Nullable::Null,
        next: next.into(),
        previous: Nullable::Null,
        limit: Some(req.limit as u64),
        offset: Nullable::Absent,
        match_count: None,
        fields: Some(req.field_names().to_vec()),
        remaining_seconds: rem,
    };
    Ok(Json(Collection {
        items,
        meta: Some(meta),
    })
    .into_response())
}

/// `GET /api/audit/sessions/_snapshot`: opens a snapshot.
pub async fn create_snapshot(State(state): State<AppState>, parts: Parts) -> Response {
    let href = "/api/audit/sessions/_snapshot";
    if state.faults.snapshot_429(state.config.snapshot_429_every) {
        return snapshot_error(SnapshotError::TooMany, href).into_response();
    }
    match state.snapshots.create(snapshot_owner(&parts)) {
        // Recorded: only the body (no key, no meta).
        Ok(id) if !state.config.compat.is_6_0() => {
            Json(json!({ "body": { "snapshot": id } })).into_response()
        }
        Ok(id) => Json(Single {
            key: None,
            body: SnapshotBody { snapshot: id },
            meta: Some(SingleMeta {
                href: Some(href.into()),
                parent: Some(SESSIONS.into()),
                remaining_seconds: remaining(&parts),
            }),
        })
        .into_response(),
        Err(e) => snapshot_error(e, href).into_response(),
    }
}

/// `GET /api/audit/sessions/_count`: `{"count": N}` for the same parameters.
pub async fn count(State(state): State<AppState>, parts: Parts) -> Response {
    let href = "/api/audit/sessions/_count";
    let rem = remaining(&parts);
    let q = query(&parts).to_owned();
    blocking(move || {
        let req = ListRequest::parse(&q, href)?;
        let filter = Filter::new(&req.search, href, &state.store, &state.content_cache)?;
        let n = order(&state.store, &filter, &[], None).len();
        if !state.config.compat.is_6_0() {
            // Recorded: a bare `{"count": N}`.
            return Ok(Json(json!({ "count": n })).into_response());
        }
        Ok(Json(json!({ "count": n, "meta": { "href": href, "parent": SESSIONS, "remaining_seconds": rem } }))
            .into_response())
    })
    .await
}

fn stats_value(v: &FieldValue<'_>, real: bool) -> Option<Value> {
    Some(match v {
        FieldValue::Null => return None,
        FieldValue::Str(s) => Value::String((*s).to_owned()),
        FieldValue::Int(n) => json!(n),
        FieldValue::Float(f) => json!(f),
        FieldValue::Bool(b) => json!(b),
        // Times as the bodies write them: UTC (real) or the appliance's offset (6.0).
        FieldValue::Time(t) if real => Value::String(iso_utc(t.instant().timestamp_millis())),
        FieldValue::Time(t) => Value::String(iso_local(t.instant().timestamp_millis())),
    })
}

/// Splits a statistics request's query string into its own parameters
/// (`own`, decoded, in order) and the search's (`q`, `content`, `start`,
/// `end`, ...), re-encoded for [`ListRequest::parse`].
fn split_params(raw: &str, own: &[&str]) -> (Vec<(String, String)>, String) {
    let mut mine = Vec::new();
    let mut rest = Vec::new();
    for (k, v) in parse_query_string(raw) {
        if own.contains(&k.as_str()) {
            mine.push((k, v));
        } else {
            rest.push(format!(
                "{}={}",
                sps_core::request::encode_component(&k),
                sps_core::request::encode_component(&v)
            ));
        }
    }
    (mine, rest.join("&"))
}

/// Values with counts, most frequent first (ties by the value's JSON text),
/// the top `size` of them and the count of the rest.
fn top_buckets(counts: HashMap<String, (Value, u64)>, size: usize) -> (Vec<StatsBucket>, u64) {
    let total: u64 = counts.values().map(|(_, n)| n).sum();
    let mut buckets: Vec<(String, Value, u64)> =
        counts.into_iter().map(|(k, (v, n))| (k, v, n)).collect();
    buckets.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    buckets.truncate(size);
    let shown: u64 = buckets.iter().map(|b| b.2).sum();
    let items = buckets
        .into_iter()
        .map(|(_, value, count)| StatsBucket { value, count })
        .collect();
    (items, total - shown)
}

/// `GET /api/audit/sessions/stats?field=<f>&sub_fields=<g>&q=…&size=N`: the
/// top values of `field` with counts, each with its sessions' top values of
/// the sub field (only the first one named is considered, as documented);
/// `meta.others` counts the values left out of the top `size`.
pub async fn stats(State(state): State<AppState>, parts: Parts) -> Response {
    let href = STATS_PATH;
    let rem = remaining(&parts);
    let raw = query(&parts).to_owned();
    blocking(move || {
        let (own, rest) = split_params(&raw, &["field", "sub_fields", "size"]);
        let mut field = None;
        let mut sub_field: Option<String> = None;
        let mut size = 10usize;
        for (k, v) in own {
            match k.as_str() {
                "field" => field = Some(v),
                // "If more than one parameter is listed, only the first will
                // be considered": the first name of the first `sub_fields`.
                "sub_fields" if sub_field.is_none() => {
                    sub_field = v
                        .split(',')
                        .map(str::trim)
                        .find(|s| !s.is_empty())
                        .map(str::to_owned)
                }
                "size" => {
                    size = v.trim().parse().map_err(|_| {
                        ApiError::invalid_query("`size` must be a whole number", href)
                    })?
                }
                _ => {}
            }
        }
        let size = size.clamp(1, 1000);
        let field = field
            .ok_or_else(|| ApiError::invalid_query("The `field` parameter is required", href))?;
        let catalogue = Catalogue::sessions();
        let spec = catalogue
            .resolve(&field)
            .ok_or_else(|| ApiError::invalid_query(format!("Unknown field `{field}`"), href))?;
        let sub_spec = match &sub_field {
            Some(name) => Some(catalogue.resolve(name).ok_or_else(|| {
                ApiError::invalid_query(format!("Unknown field `{name}` in `sub_fields`"), href)
            })?),
            None => None,
        };
        let req = ListRequest::parse(&rest, href)?;
        let filter = Filter::new(&req.search, href, &state.store, &state.content_cache)?;
        let ord = order(&state.store, &filter, &[], None);
        let real = !state.config.compat.is_6_0();
        // value text → (value, count, sub value text → (sub value, count)).
        type Entry = (Value, u64, HashMap<String, (Value, u64)>);
        let mut counts: HashMap<String, Entry> = HashMap::new();
        for i in 0..ord.len() {
            let Some(pos) = ord.get(i) else { continue };
            let r = state.store.get(pos);
            let view = r.view();
            let subs: Vec<Value> = match sub_spec {
                Some(sub) => view
                    .field_values(sub.name)
                    .filter_map(|v| stats_value(&v, real))
                    .collect(),
                None => Vec::new(),
            };
            for v in view.field_values(spec.name) {
                if let Some(j) = stats_value(&v, real) {
                    let entry = counts
                        .entry(j.to_string())
                        .or_insert_with(|| (j, 0, HashMap::new()));
                    entry.1 += 1;
                    for sv in &subs {
                        entry
                            .2
                            .entry(sv.to_string())
                            .or_insert_with(|| (sv.clone(), 0))
                            .1 += 1;
                    }
                }
            }
        }
        let total: u64 = counts.values().map(|e| e.1).sum();
        let mut entries: Vec<(String, Entry)> = counts.into_iter().collect();
        entries.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then_with(|| a.0.cmp(&b.0)));
        entries.truncate(size);
        let shown: u64 = entries.iter().map(|e| e.1 .1).sum();
        let items: Vec<StatsItem> = entries
            .into_iter()
            .map(|(_, (value, count, subs))| {
                let mut sub_fields = BTreeMap::new();
                if let Some(name) = &sub_field {
                    sub_fields.insert(name.clone(), top_buckets(subs, size).0);
                }
                StatsItem {
                    value,
                    count,
                    sub_fields,
                }
            })
            .collect();
        let meta = StatsMeta {
            href: Some(href.into()),
            parent: Some(SESSIONS.into()),
            field: Some(field),
            sub_fields: sub_field.map(|s| vec![s]),
            size: Some(size as u64),
            others: Some(total - shown),
            match_count: Some(ord.len() as u64),
            remaining_seconds: rem,
        };
        Ok(Json(StatsReply {
            items,
            meta: Some(meta),
        })
        .into_response())
    })
    .await
}

/// Most intervals one histogram answers; more is a 400 (a larger `bin-size`
/// is the answer), as a whole year of minutes would be half a million.
const MAX_BINS: usize = 10_000;

/// How many of a field's values each histogram interval lists.
const BIN_VALUES: usize = 10;

/// `GET /api/audit/sessions/histogram?field=<f>&bin-size=<unit>&q=…&start=…&end=…`
/// (SPS 6.0.4+): matching sessions per interval of their `start_time`, with
/// the field's top values in each. The period is `start`..`end` when given,
/// else the first to the last matching start; intervals follow the calendar
/// in UTC and empty ones are included. `--compat 6.0` answers 404 like any
/// unknown path: the 6.0 pages up to 6.0.3 have no histogram.
pub async fn histogram(State(state): State<AppState>, parts: Parts) -> Response {
    if state.config.compat.is_6_0() {
        return ApiError::not_found(parts.uri.path()).into_response();
    }
    let href = HISTOGRAM_PATH;
    let rem = remaining(&parts);
    let raw = query(&parts).to_owned();
    blocking(move || {
        let (own, rest) = split_params(&raw, &["field", "bin-size"]);
        let mut field = None;
        let mut bin = HistogramBin::Hour;
        for (k, v) in own {
            match k.as_str() {
                "field" => field = Some(v),
                "bin-size" => {
                    bin = HistogramBin::parse(&v)
                        .map_err(|e| ApiError::invalid_query(e.to_string(), href))?
                }
                _ => {}
            }
        }
        let field = field
            .ok_or_else(|| ApiError::invalid_query("The `field` parameter is required", href))?;
        let spec = Catalogue::sessions()
            .resolve(&field)
            .ok_or_else(|| ApiError::invalid_query(format!("Unknown field `{field}`"), href))?;
        let req = ListRequest::parse(&rest, href)?;
        let filter = Filter::new(&req.search, href, &state.store, &state.content_cache)?;
        let ord = order(&state.store, &filter, &[], None);
        let real = !state.config.compat.is_6_0();
        let mut sessions: Vec<(i64, Vec<Value>)> = Vec::with_capacity(ord.len());
        for i in 0..ord.len() {
            let Some(pos) = ord.get(i) else { continue };
            let r = state.store.get(pos);
            let Some(start) = r.start_ms() else { continue };
            let view = r.view();
            let values = view
                .field_values(spec.name)
                .filter_map(|v| stats_value(&v, real))
                .collect();
            sessions.push((start, values));
        }
        let millis = |ms: i64| chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms);
        let first = sessions.iter().map(|s| s.0).min().and_then(millis);
        let last = sessions.iter().map(|s| s.0).max().and_then(millis);
        let from = req.search.start.as_ref().map(|t| t.instant()).or(first);
        // An `end` date means the whole day (excluded after it); a time is included.
        let to = req
            .search
            .end
            .as_ref()
            .map(|t| {
                if t.is_date_only() {
                    t.period_end() - chrono::Duration::milliseconds(1)
                } else {
                    t.instant()
                }
            })
            .or(last);
        let starts = match (from, to) {
            (Some(from), Some(to)) => bin
                .starts(from, to.max(from), MAX_BINS)
                .ok_or_else(|| {
                    ApiError::invalid_query(
                        format!(
                            "The period holds more than {MAX_BINS} intervals of `{bin}`: use a larger `bin-size` or a shorter period"
                        ),
                        href,
                    )
                })?,
            // Nothing matched and no period was given: no intervals.
            _ => Vec::new(),
        };
        // Per interval: its count and its value text → (value, count).
        type Slot = (u64, HashMap<String, (Value, u64)>);
        let mut counts: Vec<Slot> =
            (0..starts.len()).map(|_| (0, HashMap::new())).collect();
        for (start, values) in sessions {
            let Some(t) = millis(start) else { continue };
            let Some(i) = starts.partition_point(|s| *s <= t).checked_sub(1) else {
                continue;
            };
            let Some(slot) = counts.get_mut(i) else { continue };
            if i + 1 == starts.len() && bin.next(starts[i]) <= t {
                continue;
            }
            slot.0 += 1;
            for v in values {
                slot.1.entry(v.to_string()).or_insert_with(|| (v, 0)).1 += 1;
            }
        }
        let stamp = |t: chrono::DateTime<chrono::Utc>| {
            Timestamp::parse(&iso_utc(t.timestamp_millis())).map_err(|e| internal(e, href))
        };
        let mut items = Vec::with_capacity(starts.len());
        for (start, (count, values)) in starts.iter().zip(counts) {
            let (values, others) = top_buckets(values, BIN_VALUES);
            items.push(HistogramInterval {
                start: stamp(*start)?,
                end: stamp(bin.next(*start))?,
                count,
                values,
                others: Some(others),
            });
        }
        let meta = HistogramMeta {
            href: Some(href.into()),
            parent: Some(SESSIONS.into()),
            field: Some(field),
            bin_size: Some(bin.as_str().to_owned()),
            start: items.first().map(|i| i.start.clone()),
            end: items.last().map(|i| i.end.clone()),
            match_count: Some(ord.len() as u64),
            remaining_seconds: rem,
        };
        Ok(Json(HistogramReply {
            items,
            meta: Some(meta),
        })
        .into_response())
    })
    .await
}

fn find<'a>(state: &'a AppState, key: &str, href: &str) -> Result<SessionRef<'a>, ApiError> {
    state
        .store
        .find(key)
        .map(|i| state.store.get(i))
        .ok_or_else(|| ApiError::not_found(href))
}

/// `GET /api/audit/sessions/<key>`: one session with links to its parts.
pub async fn session(
    State(state): State<AppState>,
    Path(key): Path<String>,
    parts: Parts,
) -> Response {
    let href = session_path(&key);
    match find(&state, &key, &href) {
        Ok(r) => Json(Single {
            key: Some(r.key().to_owned()),
            body: r.body(),
            meta: Some(SingleMeta {
                href: Some(href),
                parent: Some(SESSIONS.into()),
                remaining_seconds: remaining(&parts),
            }),
        })
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `limit`/`offset` of a sub-resource request.
fn page_params(q: &str, href: &str) -> Result<(usize, usize), ApiError> {
    let mut limit = MAX_LIMIT;
    let mut offset = 0;
    for (k, v) in parse_query_string(q) {
        let n = || {
            v.trim()
                .parse::<usize>()
                .map_err(|_| ApiError::invalid_query(format!("`{k}` must be a whole number"), href))
        };
        match k.as_str() {
            "limit" => limit = n()?.clamp(1, MAX_LIMIT),
            "offset" => offset = n()?,
            _ => {}
        }
    }
    Ok((limit, offset))
}

/// A paged collection of a session's sub-resource.
struct SubPage<'a> {
    href: String,
    parent: String,
    extra: Vec<(&'a str, String)>,
    match_count: bool,
    rem: Option<i64>,
}

impl SubPage<'_> {
    fn render(&self, all: Vec<Value>, limit: usize, offset: usize) -> Response {
        let count = all.len();
        let link = |o: usize| {
            let mut b = ApiPath::new(self.href.as_str())
                .param("limit", &limit.to_string())
                .param("offset", &o.to_string());
            for (k, v) in &self.extra {
                b = b.param(k, v);
            }
            b.build()
        };
        let p = pages(count, offset, limit);
        let items: Vec<Value> = all.into_iter().skip(offset).take(limit).collect();
        let meta = CollectionMeta {
            href: Some(self.href.clone()),
            parent: Some(self.parent.clone()),
            first: Nullable::Value(link(0)),
            last: Nullable::Value(link(p.last)),
            next: p.next.map(link).into(),
            previous: p.previous.map(link).into(),
            limit: Some(limit as u64),
            offset: Nullable::Value(offset as u64),
            // The events reference shows no match_count; the others do.
            match_count: self.match_count.then_some(count as u64),
            fields: None,
            remaining_seconds: self.rem,
        };
        Json(Collection {
            items,
            meta: Some(meta),
        })
        .into_response()
    }
}

/// `GET /api/audit/sessions/<key>/<part>`: alerts, channels, events, indexing
/// (also `indexer`), trail_downloads, content, audit_trail.
pub async fn session_part(
    State(state): State<AppState>,
    Path((key, part)): Path<(String, String)>,
    parts: Parts,
) -> Response {
    let href = session_part_path(&key, &part);
    let q = query(&parts).to_owned();
    let rem = remaining(&parts);
    blocking(move || {
        let r = find(&state, &key, &href)?;
        let parent = session_path(&key);
        let (limit, offset) = page_params(&q, &href)?;
        let sub = |extra, match_count| SubPage {
            href: href.clone(),
            parent: parent.clone(),
            extra,
            match_count,
            rem,
        };
        match part.as_str() {
            "alerts" => Ok(sub(vec![], true).render(r.alerts(), limit, offset)),
            "indexing" | "indexer" => Ok(sub(vec![], true).render(r.indexing(), limit, offset)),
            "trail_downloads" => Ok(sub(vec![], true).render(r.trail_downloads(), limit, offset)),
            "channels" => {
                let items = r
                    .channels()
                    .into_iter()
                    .enumerate()
                    .map(|(i, body)| {
                        let k = (i + 1).to_string();
                        json!({ "key": k, "meta": { "href": format!("{href}/{k}") }, "body": body })
                    })
                    .collect();
                Ok(sub(vec![], true).render(items, limit, offset))
            }
            "events" => {
                let search = EventSearch::from_query_string(&q)
                    .map_err(|e| ApiError::invalid_query(e.to_string(), &href))?;
                let compiled = match &search.q {
                    Some(query) => Some(
                        CompiledQuery::new(query, Catalogue::events())
                            .map_err(|e| ApiError::invalid_query(e.to_string(), &href))?,
                    ),
                    None => None,
                };
                let raw_q = parse_query_string(&q)
                    .into_iter()
                    .rev()
                    .find(|(k, _)| k == "q")
                    .map(|(_, v)| v);
                let items = r
                    .events()
                    .into_iter()
                    .filter(|e| compiled.as_ref().is_none_or(|c| c.matches(e)))
                    .map(|e| e.to_json())
                    .collect();
                let extra = raw_q
                    .filter(|v| !v.is_empty())
                    .map(|v| vec![("q", v)])
                    .unwrap_or_default();
                Ok(sub(extra, false).render(items, limit, offset))
            }
            "content" => content(&r, &q, &href, &parent, rem, limit, offset),
            "audit_trail" => audit_trail(&r, &q, &href),
            _ => Err(ApiError::not_found(&href)),
        }
    })
    .await
}

/// `GET /api/audit/sessions/<key>/channels/<n>`.
pub async fn channel(
    State(state): State<AppState>,
    Path((key, n)): Path<(String, String)>,
    parts: Parts,
) -> Response {
    let href = format!("{}/{n}", session_part_path(&key, "channels"));
    let r = match find(&state, &key, &href) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let body = n
        .parse::<usize>()
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| r.channels().into_iter().nth(i));
    match body {
        Some(body) => Json(Single {
            key: Some(n),
            body,
            meta: Some(SingleMeta {
                href: Some(href),
                parent: Some(session_part_path(&key, "channels")),
                remaining_seconds: remaining(&parts),
            }),
        })
        .into_response(),
        None => ApiError::not_found(&href).into_response(),
    }
}

/// Content search in one session. As documented: no or empty `q` gives an
/// empty item list; `meta` has only href, parent and remaining_seconds.
fn content(
    r: &SessionRef<'_>,
    q: &str,
    href: &str,
    parent: &str,
    rem: Option<i64>,
    limit: usize,
    offset: usize,
) -> Result<Response, ApiError> {
    let given = parse_query_string(q)
        .into_iter()
        .rev()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v);
    let mut hits: Vec<(f64, Value)> = Vec::new();
    if given.is_some_and(|v| !v.trim().is_empty()) {
        let search = ContentSearch::from_query_string(q)
            .map_err(|e| ApiError::invalid_query(e.to_string(), href))?;
        let query = search
            .query()
            .map_err(|e| ApiError::invalid_query(e.to_string(), href))?;
        let compiled = CompiledQuery::new(&query, Catalogue::content())
            .map_err(|e| ApiError::invalid_query(e.to_string(), href))?;
        for (n, e) in r.events().iter().enumerate() {
            if compiled.matches(&ContentText(&e.content)) {
                // A made-up but stable relevance: shorter lines rank higher.
                let rank = 1.0 + 10.0 / (1.0 + e.content.len() as f64 / 20.0);
                hits.push((
                    rank,
                    json!({
                        "channel.id": e.channel,
                        "end_time": iso_naive(e.time_ms + 4_000, e.micros),
                        "rank": rank,
                        "record_id": { "begin": e.record_id, "end": e.record_id + 2, "for_screenshot": e.record_id },
                        "start_time": iso_naive(e.time_ms, e.micros),
                        "trail_id": (n / 10 + 1).to_string(),
                    }),
                ));
            }
        }
    }
    hits.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    let items: Vec<Value> = hits
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(_, v)| v)
        .collect();
    Ok(Json(json!({ "items": items, "meta": { "href": href, "parent": parent, "remaining_seconds": rem } }))
        .into_response())
}

fn safe_filename(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The audit trail file: `.zat`, or `.srs` (`?format=srs`) for active sessions.
fn audit_trail(r: &SessionRef<'_>, q: &str, href: &str) -> Result<Response, ApiError> {
    let format = parse_query_string(q)
        .into_iter()
        .rev()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v);
    let srs = match format.as_deref() {
        None | Some("") | Some("zat") => false,
        Some("srs") if r.active() => true,
        Some("srs") => {
            return Err(ApiError::invalid_query(
                "format=srs is only available for active sessions (follow mode)",
                href,
            ))
        }
        Some(other) => {
            return Err(ApiError::invalid_query(
                format!("Unknown format `{other}`"),
                href,
            ))
        }
    };
    let bytes = r.audit_trail(srs).ok_or_else(|| {
        ApiError::not_found(href)
            .with_details(json!({ "path": href, "reason": "the session has no audit trail" }))
    })?;
    let name = format!(
        "{}.{}",
        safe_filename(r.key()),
        if srs { "srs" } else { "zat" }
    );
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// Fallback for unknown `/api` paths.
pub async fn api_not_found(parts: Parts) -> Response {
    ApiError::not_found(parts.uri.path()).into_response()
}

/// Other methods than GET on a known path: 405 in the error envelope (the audit
/// API is read-only).
pub async fn method_not_allowed(parts: Parts) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("{} is not supported here", parts.method),
        parts.uri.path(),
    )
    .into_response()
}
