//! Sessions over time: an SVG bar chart of start times above the table.
//!
//! With every row loaded the bars are counted from the rows; while paged they
//! come from the appliance, one `_count` per bar with `start_time:[lo TO hi}`
//! added to the query (the same window form crate-core's time slicing uses),
//! so the requests stay bounded: two probes for the span plus [`PAGED_BUCKETS`].
//! Clicking a bar or dragging over several narrows the list's time range.

use leptos::prelude::*;
use sps_core::query::Bound;
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

/// Asks the appliance: the span, then one `_count` per bar (whole seconds,
/// as `start_time` ranges take UNIX seconds).
pub async fn from_appliance(search: SessionSearch) -> Result<Option<Histogram>, ApiError> {
    let (Some(first), Some(last)) = (
        probe(&search, "start_time").await?,
        probe(&search, "-start_time").await?,
    ) else {
        return Ok(None);
    };
    let lo = first.div_euclid(1000) * 1000;
    let hi = (last.div_euclid(1000) + 1) * 1000;
    let (bucket_ms, n) = Histogram::layout(lo, hi, PAGED_BUCKETS);
    let bucket_ms = (bucket_ms + 999) / 1000 * 1000;
    let mut counts = Vec::with_capacity(n);
    for i in 0..n as i64 {
        let a = (lo + bucket_ms * i) / 1000;
        let b = (lo + bucket_ms * (i + 1)) / 1000;
        counts.push(api::count(&window(&search, a, b)).await?);
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
