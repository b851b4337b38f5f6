//! Sessions over time: an SVG bar chart of start times above the table.
//!
//! With every row loaded the bars are counted from the rows; while paged they
//! come from the appliance: one `histogram` request, in hour, day or week
//! intervals ([`choose_bin`], UTC like the caption), after two one-row probes
//! for the span. An appliance without that endpoint (before 6.0.4: a 404)
//! gets one `_count` per bar with `start_time:[lo TO hi}` added to the query
//! (the same window form crate-core's time slicing uses), so the requests
//! stay bounded: the two probes plus [`PAGED_BUCKETS`].
//! Clicking a bar or dragging over several narrows the list's time range.

use leptos::prelude::*;
use sps_core::model::HistogramReply;
use sps_core::query::Bound;
use sps_core::request::HistogramBin;
use sps_core::{Query, SessionSearch};

use crate::api::{self, ApiError};
use crate::components::fetch_all::grouped;
use crate::components::session_table::TableRows;

/// Bars when counted by the appliance (one request each).
pub const PAGED_BUCKETS: usize = 24;

/// Bars when counted from loaded rows (free).
pub const LOADED_BUCKETS: usize = 48;

/// The chart's data: `[start, end)` in UNIX milliseconds, split in equal bars.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// Start of the first bar.
    pub start_ms: i64,
    /// Width of one bar.
    pub bucket_ms: i64,
    /// Sessions per bar, oldest first.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// `[lo, hi)` of bar `i`.
    pub fn bounds(&self, i: usize) -> (i64, i64) {
        let lo = self.start_ms + self.bucket_ms * i as i64;
        (lo, lo + self.bucket_ms)
    }

    /// Equal bars over `[lo, hi)` of at least one second each.
    fn layout(lo: i64, hi: i64, buckets: usize) -> (i64, usize) {
        let span = (hi - lo).max(1);
        let bucket = (span + buckets as i64 - 1) / buckets as i64;
        let bucket = bucket.max(1000);
        let n = ((span + bucket - 1) / bucket).max(1) as usize;
        (bucket, n)
    }
}

/// The start times of loaded rows, in milliseconds.
fn start_millis(rows: &TableRows) -> Vec<i64> {
    rows.rows
        .iter()
        .filter_map(|r| r.body.as_ref()?.get_timestamp("start_time"))
        .map(|t| t.instant().timestamp_millis())
        .collect()
}

/// Counts loaded rows per bar.
pub fn from_rows(rows: &TableRows) -> Option<Histogram> {
    let times = start_millis(rows);
    let lo = *times.iter().min()?;
    let hi = *times.iter().max()? + 1;
    let (bucket_ms, n) = Histogram::layout(lo, hi, LOADED_BUCKETS);
    let mut counts = vec![0_u64; n];
    for t in times {
        let i = (((t - lo) / bucket_ms) as usize).min(n - 1);
        counts[i] += 1;
    }
    Some(Histogram {
        start_ms: lo,
        bucket_ms,
        counts,
    })
}

/// `search` with `start_time` in `[lo, hi)` (UNIX seconds) added to its `q`.
fn window(search: &SessionSearch, lo_s: i64, hi_s: i64) -> SessionSearch {
    let range = Query::field("start_time").range_bounds(
        Bound::Inclusive(lo_s.to_string()),
        Bound::Exclusive(hi_s.to_string()),
    );
    SessionSearch {
        q: Some(match &search.q {
            Some(q) => q.clone().and(range),
            None => range,
        }),
        ..search.clone()
    }
}

/// The earliest or latest matching start time (ms), from a one-row page.
async fn probe(search: &SessionSearch, sort: &str) -> Result<Option<i64>, ApiError> {
    let one = search
        .clone()
        .with_fields(["start_time"])
        .and_then(|s| s.with_sort(sort))
        .and_then(|s| s.with_limit(1))
        .map_err(|e| ApiError::NotSent(e.to_string()))?;
    let page = api::list_sessions(&one).await?;
    Ok(page
        .items
        .first()
        .and_then(|r| r.body.as_ref()?.get_timestamp("start_time"))
        .map(|t| t.instant().timestamp_millis()))
}

/// The field named in `histogram` requests. The endpoint requires one (its
/// top values per interval, which the bars do not show); `protocol` is the
/// reference's example and every session has one.
pub const HISTOGRAM_FIELD: &str = "protocol";

/// Hour bins up to this span (96 bars at most).
const HOUR_BINS_UP_TO_MS: i64 = 4 * 24 * 3_600_000;
/// Day bins up to this span (120 bars at most); weeks beyond.
const DAY_BINS_UP_TO_MS: i64 = 120 * 24 * 3_600_000;

/// The interval unit for a span of `span_ms`: hours for a few days, days for
/// a few months, weeks beyond, so the chart keeps tens of bars rather than
/// thousands (and stays far below the endpoint's 10,000 intervals).
pub fn choose_bin(span_ms: i64) -> HistogramBin {
    if span_ms <= HOUR_BINS_UP_TO_MS {
        HistogramBin::Hour
    } else if span_ms <= DAY_BINS_UP_TO_MS {
        HistogramBin::Day
    } else {
        HistogramBin::Week
    }
}

/// The chart's bars from the endpoint's intervals. Hour, day and week
/// intervals are of equal length in UTC, so the first one's width is every
/// bar's; `None` for no interval.
pub fn from_reply(reply: &HistogramReply) -> Option<Histogram> {
    let first = reply.items.first()?;
    let start_ms = first.start.instant().timestamp_millis();
    let bucket_ms = (first.end.instant().timestamp_millis() - start_ms).max(1);
    Some(Histogram {
        start_ms,
        bucket_ms,
        counts: reply.items.iter().map(|i| i.count).collect(),
    })
}

/// The span the appliance bins: the search's own `start`/`end` where given
/// (the endpoint's period), else the first and last matching start.
fn period(search: &SessionSearch, first: i64, last: i64) -> (i64, i64) {
    let at = |t: &Option<sps_core::Timestamp>| t.as_ref().map(|t| t.instant().timestamp_millis());
    (
        at(&search.start).unwrap_or(first),
        at(&search.end).unwrap_or(last),
    )
}

/// Where the appliance's bars came from, for the caption and `data-source`.
pub fn appliance_source(bin: Option<HistogramBin>) -> &'static str {
    match bin {
        Some(HistogramBin::Hour) => "hourly intervals from the appliance",
        Some(HistogramBin::Day) => "daily intervals from the appliance",
        Some(HistogramBin::Week) => "weekly intervals from the appliance",
        Some(_) => "intervals from the appliance",
        None => "counted by the appliance",
    }
}

/// Asks the appliance: the span, then the histogram endpoint once; only when
/// the appliance has no such endpoint (404), one `_count` per bar. Gives the
/// bars with their [`appliance_source`].
pub async fn from_appliance(
    search: SessionSearch,
) -> Result<Option<(Histogram, &'static str)>, ApiError> {
    let (Some(first), Some(last)) = (
        probe(&search, "start_time").await?,
        probe(&search, "-start_time").await?,
    ) else {
        return Ok(None);
    };
    let (lo, hi) = period(&search, first, last);
    let bin = choose_bin(hi - lo);
    match api::histogram(HISTOGRAM_FIELD, bin, &search).await {
        Ok(reply) => Ok(from_reply(&reply).map(|h| (h, appliance_source(Some(bin))))),
        Err(e) if e.is_not_found() => Ok(from_counts(&search, first, last)
            .await?
            .map(|h| (h, appliance_source(None)))),
        Err(e) => Err(e),
    }
}

/// The fallback for appliances without the endpoint: equal bars over the
/// span, one `_count` each (whole seconds, as `start_time` ranges take UNIX
/// seconds).
async fn from_counts(
    search: &SessionSearch,
    first: i64,
    last: i64,
) -> Result<Option<Histogram>, ApiError> {
    let lo = first.div_euclid(1000) * 1000;
    let hi = (last.div_euclid(1000) + 1) * 1000;
    let (bucket_ms, n) = Histogram::layout(lo, hi, PAGED_BUCKETS);
    let bucket_ms = (bucket_ms + 999) / 1000 * 1000;
    let mut counts = Vec::with_capacity(n);
    for i in 0..n as i64 {
        let a = (lo + bucket_ms * i) / 1000;
        let b = (lo + bucket_ms * (i + 1)) / 1000;
        counts.push(api::count(&window(search, a, b)).await?);
    }
    Ok(Some(Histogram {
        start_ms: lo,
        bucket_ms,
        counts,
    }))
}

/// ISO text of a UNIX millisecond instant (UTC), for the URL's `start`/`end`.
pub fn iso(ms: i64) -> String {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}

/// Chart width in SVG units (the SVG scales to the page width).
const WIDTH: f64 = 1000.0;
/// Chart height in SVG units.
const HEIGHT: f64 = 64.0;

/// The chart. `on_range` receives the chosen `[lo, hi)` in milliseconds.
#[component]
pub fn HistogramChart(
    /// The bars.
    data: Histogram,
    /// Where the counts come from, for the caption.
    source: &'static str,
    /// A bar was clicked or a span dragged over.
    on_range: Callback<(i64, i64)>,
    /// The counts are lower bounds of the result (rows of a fetch that
    /// stopped early): the caption says "at least".
    #[prop(optional)]
    at_least: bool,
) -> impl IntoView {
    let n = data.counts.len().max(1);
    let max = data.counts.iter().copied().max().unwrap_or(0).max(1);
    let bar_w = WIDTH / n as f64;
    // The bar under the pointer, and the drag's first and current bar.
    let hover = RwSignal::new(None::<usize>);
    let drag = RwSignal::new(None::<(usize, usize)>);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let bar_at = move |ev: &leptos::ev::PointerEvent| -> Option<usize> {
        let svg = svg_ref.get_untracked()?;
        let rect = svg.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return None;
        }
        let x = (f64::from(ev.client_x()) - rect.left()) / rect.width();
        Some(((x * n as f64).floor().max(0.0) as usize).min(n - 1))
    };
    let data_for_pick = data.clone();
    let pick = move |a: usize, b: usize| {
        let (first, last) = (a.min(b), a.max(b));
        let (lo, _) = data_for_pick.bounds(first);
        let (_, hi) = data_for_pick.bounds(last);
        on_range.run((lo, hi));
    };
    let down = move |ev: leptos::ev::PointerEvent| {
        if let Some(i) = bar_at(&ev) {
            ev.prevent_default();
            drag.set(Some((i, i)));
            if let Some(svg) = svg_ref.get_untracked() {
                let el: &web_sys::Element = &svg;
                let _ = el.set_pointer_capture(ev.pointer_id());
            }
        }
    };
    let moved = move |ev: leptos::ev::PointerEvent| {
        let at = bar_at(&ev);
        hover.set(at);
        if let (Some(i), Some((a, _))) = (at, drag.get_untracked()) {
            drag.set(Some((a, i)));
        }
    };
    let up = move |ev: leptos::ev::PointerEvent| {
        if let Some((a, b)) = drag.get_untracked() {
            drag.set(None);
            let b = bar_at(&ev).unwrap_or(b);
            pick(a, b);
        }
    };
    let bars = data
        .counts
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let h = if count == 0 {
                0.0
            } else {
                (count as f64 / max as f64 * (HEIGHT - 2.0)).max(1.5)
            };
            let x = i as f64 * bar_w;
            let selected = move || {
                drag.get()
                    .is_some_and(|(a, b)| i >= a.min(b) && i <= a.max(b))
                    || hover.get() == Some(i)
            };
            view! {
                <rect class="hist-bar" class:selected=selected data-index=i.to_string()
                    data-count=count.to_string()
                    x=format!("{:.2}", x + bar_w * 0.1) y=format!("{:.2}", HEIGHT - h)
                    width=format!("{:.2}", bar_w * 0.8) height=format!("{h:.2}")></rect>
            }
        })
        .collect_view();
    let caption_data = data.clone();
    let caption = move || {
        let shown = drag
            .get()
            .map(|(a, b)| (a.min(b), a.max(b)))
            .or_else(|| hover.get().map(|i| (i, i)));
        match shown {
            Some((a, b)) => {
                let count: u64 = caption_data.counts[a..=b].iter().sum();
                let (lo, _) = caption_data.bounds(a);
                let (_, hi) = caption_data.bounds(b);
                let at_least = if at_least { "at least " } else { "" };
                format!("{} – {} UTC: {at_least}{} sessions (click or drag to narrow)", iso(lo), iso(hi), grouped(count))
            }
            None => format!(
                "Sessions over time, by start ({}{}): {} to {} UTC. Click a bar or drag over several to narrow the range.",
                source,
                if at_least { "; lower bounds: not every session is loaded" } else { "" },
                iso(data.start_ms),
                iso(data.bounds(data.counts.len().saturating_sub(1)).1)
            ),
        }
    };
    view! {
        <figure id="histogram" class="histogram" data-bars=n.to_string() data-source=source
            data-lower-bound=at_least.to_string()>
            <svg node_ref=svg_ref class="hist-svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none" role="img" aria-label="Sessions over time"
                on:pointerdown=down on:pointermove=moved on:pointerup=up
                on:pointerleave=move |_| hover.set(None)>
                {bars}
            </svg>
            <figcaption class="hist-caption muted">{caption}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sps_core::model::{HistogramInterval, HistogramReply};
    use sps_core::Timestamp;
    use wasm_bindgen_test::wasm_bindgen_test;

    const HOUR: i64 = 3_600_000;

    fn interval(start_s: i64, end_s: i64, count: u64) -> HistogramInterval {
        HistogramInterval {
            start: Timestamp::from_unix_seconds(start_s).expect("start"),
            end: Timestamp::from_unix_seconds(end_s).expect("end"),
            count,
            values: Vec::new(),
            others: None,
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_bin_fits_the_span() {
        assert_eq!(choose_bin(0), HistogramBin::Hour);
        assert_eq!(choose_bin(HOUR), HistogramBin::Hour);
        assert_eq!(choose_bin(4 * 24 * HOUR), HistogramBin::Hour);
        assert_eq!(choose_bin(4 * 24 * HOUR + 1), HistogramBin::Day);
        assert_eq!(choose_bin(30 * 24 * HOUR), HistogramBin::Day);
        assert_eq!(choose_bin(120 * 24 * HOUR), HistogramBin::Day);
        assert_eq!(choose_bin(365 * 24 * HOUR), HistogramBin::Week);
        // Ten years of weeks stays far below the endpoint's 10,000 intervals.
        let weeks = 10 * 365 * 24 * HOUR / (7 * 24 * HOUR);
        assert!(weeks < 1_000);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_reply_becomes_equal_bars() {
        let day = 86_400;
        let t0 = 1_700_006_400; // a UTC midnight
        let reply = HistogramReply {
            items: vec![
                interval(t0, t0 + day, 3),
                interval(t0 + day, t0 + 2 * day, 0),
                interval(t0 + 2 * day, t0 + 3 * day, 5),
            ],
            meta: None,
        };
        let h = from_reply(&reply).expect("bars");
        assert_eq!(h.start_ms, t0 * 1000);
        assert_eq!(h.bucket_ms, day * 1000);
        assert_eq!(h.counts, vec![3, 0, 5]);
        assert_eq!(h.bounds(2), ((t0 + 2 * day) * 1000, (t0 + 3 * day) * 1000));
        let empty = HistogramReply {
            items: Vec::new(),
            meta: None,
        };
        assert_eq!(from_reply(&empty), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_period_is_the_searchs_own_range_else_the_matches() {
        let open = SessionSearch::new();
        assert_eq!(period(&open, 10, 20), (10, 20));
        let bounded = SessionSearch::new()
            .with_start("2024-01-01T00:00:00Z")
            .expect("start")
            .with_end("2024-01-03T00:00:00Z")
            .expect("end");
        let (lo, hi) = period(&bounded, 10, 20);
        assert_eq!(hi - lo, 2 * 24 * HOUR);
        assert_eq!(choose_bin(hi - lo), HistogramBin::Hour);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_caption_says_where_the_bars_came_from() {
        assert_eq!(
            appliance_source(Some(HistogramBin::Day)),
            "daily intervals from the appliance"
        );
        assert_eq!(appliance_source(None), "counted by the appliance");
    }
}
