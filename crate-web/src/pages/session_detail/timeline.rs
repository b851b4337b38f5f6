//! The channel timeline: an SVG with one lane per channel on a shared time
//! axis (session start to end, or to now while live), events, alerts and
//! content hits as marks on their channel's lane, a cursor for "this moment",
//! zoom (wheel, `+`/`-`) and pan (drag, arrow keys).
//!
//! Labels and hover texts come from audited sessions: they are SVG `<text>` /
//! `<title>` text nodes, never markup.

mod axis;
mod lanes;

use leptos::prelude::*;
use sps_core::Timestamp;
use wasm_bindgen::JsCast;

use super::DetailState;
use crate::format;

pub use axis::relative;
use axis::{clock, tick_step, Precision};
use lanes::extras_budget;
pub use lanes::{lanes_of, secs_since, Lane, Mark, Target};

/// Width of the drawing in SVG units (it scales to the page's width).
const W: f64 = 1200.0;
/// Left column with the lane labels.
pub(super) const LABEL_W: f64 = 290.0;
/// Right padding.
const PAD_R: f64 = 14.0;
/// The plotting width.
const PLOT_W: f64 = W - LABEL_W - PAD_R;
/// Height of the time axis.
const AXIS_H: f64 = 30.0;
/// Height of one lane.
const LANE_H: f64 = 34.0;
/// The smallest visible span when zooming in, seconds.
const MIN_SPAN: f64 = 0.5;

/// Most marks drawn at once (see the thinning in [`Timeline`]).
const MAX_MARKS: usize = 2_000;

/// `text` in at most `max` characters (`…` when cut), hidden characters
/// made visible.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        format::visible(text)
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        format::visible(&s)
    }
}

/// An SVG `<title>` (the hover text) holding `text` as a text node. Built
/// directly: `view!` makes an HTML `<title>` when it follows sibling elements
/// inside an SVG element, and browsers only show SVG-namespace titles.
fn svg_title(text: String) -> impl IntoView {
    // Hover text is read as much as the page: hidden characters shown too.
    leptos::tachys::svg::title().child(format::visible(&text))
}

/// The timeline.
#[component]
pub fn Timeline(
    /// Lanes (one per channel); `None` while the channels load.
    lanes: Signal<Option<Vec<Lane>>>,
    /// Marks: events, alerts, content hits.
    marks: Signal<Vec<Mark>>,
    /// The page's shared state.
    state: DetailState,
    /// Called when a mark is clicked, with the mark's time.
    on_select: Callback<(Target, f64)>,
) -> impl IntoView {
    let origin_ms = state.origin_ms;
    let full = state.full;
    let view_range = state.view;
    // Drag state: (pointer x in client pixels, view at the start, moved?).
    let drag = StoredValue::new(None::<(f64, (f64, f64), bool)>);
    let suppress_click = StoredValue::new(false);

    let current = move || view_range.get().unwrap_or((0.0, full.get()));

    let zoom_at = move |anchor: f64, factor: f64| {
        let (v0, v1) = current();
        let total = full.get_untracked().max(MIN_SPAN);
        let span = ((v1 - v0) * factor).clamp(MIN_SPAN, total);
        let ratio = if v1 > v0 {
            (anchor - v0) / (v1 - v0)
        } else {
            0.5
        };
        let mut n0 = anchor - ratio * span;
        n0 = n0.clamp(0.0, (total - span).max(0.0));
        if span >= total {
            view_range.set(None);
        } else {
            view_range.set(Some((n0, n0 + span)));
        }
    };
    let pan_by = move |delta: f64| {
        let (v0, v1) = current();
        let total = full.get_untracked();
        let span = v1 - v0;
        if span >= total {
            return;
        }
        let n0 = (v0 + delta).clamp(0.0, (total - span).max(0.0));
        view_range.set(Some((n0, n0 + span)));
    };

    // Client x → SVG units, through the element's on-screen size.
    let to_units = move |ev: &web_sys::MouseEvent| -> Option<f64> {
        let el: web_sys::Element = ev.current_target()?.dyn_into().ok()?;
        let rect = el.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return None;
        }
        Some((f64::from(ev.client_x()) - rect.left()) * W / rect.width())
    };
    let units_to_secs = move |x: f64| {
        let (v0, v1) = current();
        v0 + (x - LABEL_W) / PLOT_W * (v1 - v0)
    };

    let on_wheel = move |ev: web_sys::WheelEvent| {
        let Some(x) = to_units(&ev) else { return };
        if x < LABEL_W {
            return; // let the page scroll over the labels
        }
        ev.prevent_default();
        let factor = if ev.delta_y() > 0.0 { 1.25 } else { 0.8 };
        zoom_at(units_to_secs(x), factor);
    };
    let on_pointerdown = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        drag.set_value(Some((f64::from(ev.client_x()), current(), false)));
    };
    let on_pointermove = move |ev: web_sys::PointerEvent| {
        let Some((x0, (v0, v1), moved)) = drag.get_value() else {
            return;
        };
        let el: Option<web_sys::Element> = ev.current_target().and_then(|t| t.dyn_into().ok());
        let width = el
            .map(|e| e.get_bounding_client_rect().width())
            .unwrap_or(W);
        let dx_units = (f64::from(ev.client_x()) - x0) * W / width.max(1.0);
        if !moved && dx_units.abs() < 3.0 {
            return;
        }
        drag.set_value(Some((x0, (v0, v1), true)));
        let total = full.get_untracked();
        let span = v1 - v0;
        if span >= total {
            return;
        }
        let n0 = (v0 - dx_units / PLOT_W * span).clamp(0.0, (total - span).max(0.0));
        view_range.set(Some((n0, n0 + span)));
    };
    let end_drag = move |_ev: web_sys::PointerEvent| {
        if let Some((_, _, moved)) = drag.get_value() {
            suppress_click.set_value(moved);
        }
        drag.set_value(None);
    };
    // A click on the plot (not on a mark) picks "this moment".
    let on_click = move |ev: web_sys::MouseEvent| {
        if suppress_click.get_value() {
            suppress_click.set_value(false);
            return;
        }
        let Some(x) = to_units(&ev) else { return };
        if x < LABEL_W {
            return;
        }
        let t = units_to_secs(x).clamp(0.0, full.get_untracked());
        state.set_moment(t);
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let (v0, v1) = current();
        let mid = (v0 + v1) / 2.0;
        let anchor = state
            .cursor
            .get_untracked()
            .filter(|t| *t >= v0 && *t <= v1)
            .unwrap_or(mid);
        match ev.key().as_str() {
            "+" | "=" => zoom_at(anchor, 0.8),
            "-" | "_" => zoom_at(anchor, 1.25),
            "ArrowLeft" => pan_by(-(v1 - v0) * 0.1),
            "ArrowRight" => pan_by((v1 - v0) * 0.1),
            "0" | "Home" => view_range.set(None),
            _ => return,
        }
        ev.prevent_default();
    };

    let drawing = move || {
        let zone = state.zone.get();
        let (v0, v1) = current();
        let span = (v1 - v0).max(1e-6);
        let x_of = move |t: f64| LABEL_W + (t - v0) / span * PLOT_W;
        let lanes = lanes.get().unwrap_or_default();
        let marks = marks.get();
        let extra_lane = marks.iter().any(|m| m.lane.is_none());
        let lane_count = lanes.len() + usize::from(extra_lane);
        let height = AXIS_H + (lane_count.max(1) as f64) * LANE_H + 6.0;

        // Axis ticks on round clock times of the shown zone (12:15:00, not
        // start + 5 min), so they read like a clock.
        let step = tick_step(span);
        let origin_s = origin_ms / 1000.0;
        let offset = Timestamp::from_unix_millis(((origin_s + v0) * 1000.0) as i64)
            .map(|t| f64::from(zone.zone().offset_at(t.instant()).local_minus_utc()))
            .unwrap_or(0.0);
        let mut ticks = Vec::new();
        let mut t = ((origin_s + v0 + offset) / step).ceil() * step - offset - origin_s;
        while t <= v1 + 1e-9 && ticks.len() < 40 {
            ticks.push(t);
            t += step;
        }
        let precision = Precision::for_step(step);
        let tick_views = ticks
            .into_iter()
            .map(|t| {
                let x = x_of(t);
                let label = clock(origin_ms, t, zone, precision);
                let title = relative(t);
                // Labels at the right edge are right-aligned so they stay inside.
                let anchor = if x > LABEL_W + PLOT_W - 36.0 { "end" } else { "middle" };
                view! {
                    <g class="tick">
                        <line x1=x x2=x y1=AXIS_H - 6.0 y2=height - 4.0/>
                        <text x=x y=AXIS_H - 10.0 text-anchor=anchor>{label}{svg_title(title)}</text>
                    </g>
                }
            })
            .collect_view();

        let lane_views = lanes
            .iter()
            .enumerate()
            .map(|(i, lane)| {
                let y = AXIS_H + i as f64 * LANE_H;
                let x0 = x_of(lane.t0).max(LABEL_W);
                let x1 = x_of(lane.t1).min(LABEL_W + PLOT_W);
                let visible = x1 >= x0 - 0.01;
                let bar_w = (x1 - x0).max(2.0);
                let label_full = if lane.extras.is_empty() {
                    format!("#{} {}", lane.key, lane.kind)
                } else {
                    format!("#{} {} · {}", lane.key, lane.kind, lane.extras)
                };
                let extras = cut(&lane.extras, extras_budget(&lane.key, &lane.kind));
                let class = format!(
                    "chan {}{}",
                    lane.verdict_class,
                    if lane.live { " live-chan" } else { "" }
                );
                view! {
                    <g class="lane" data-lane=i.to_string() data-channel-key=lane.key.clone()
                        data-channel-type=lane.kind.clone() data-verdict=lane.verdict.clone()>
                        <rect class="lane-bg" x=0 y=y width=W height=LANE_H/>
                        <text class="lane-label" x=10 y=y + LANE_H / 2.0 + 4.0 clip-path="url(#tl-label-clip)">
                            <tspan class="lane-num">{format!("#{} ", lane.key)}</tspan>
                            <tspan class="lane-type">{format::visible(&lane.kind)}</tspan>
                            <tspan class="lane-extra" dx=6>{extras}</tspan>
                            {svg_title(label_full)}
                        </text>
                        {visible.then(|| view! {
                            <rect class=class x=x0 y=y + 8.0 width=bar_w height=LANE_H - 16.0 rx=3>
                                {svg_title(lane.title.clone())}
                            </rect>
                        })}
                    </g>
                }
            })
            .collect_view();
        let other_lane = extra_lane.then(|| {
            let y = AXIS_H + lanes.len() as f64 * LANE_H;
            view! {
                <g class="lane lane-unknown" data-lane="unknown">
                    <rect class="lane-bg" x=0 y=y width=W height=LANE_H/>
                    <text class="lane-label" x=10 y=y + LANE_H / 2.0 + 4.0>
                        <tspan class="lane-type">"unknown channel"</tspan>
                        {svg_title("Marks whose channel is not in the channel list".to_owned())}
                    </text>
                </g>
            }
        });

        let lanes_len = lanes.len();
        // Hits first (under), then events, then alerts (on top).
        let mut ordered: Vec<&Mark> = marks.iter().collect();
        ordered.sort_by_key(|m| match m.target {
            Target::Hit(_) => 0,
            Target::Event(_) => 1,
            Target::Alert(_) => 2,
        });
        let in_view: Vec<&Mark> = ordered
            .into_iter()
            .filter(|m| m.t1 >= v0 && m.t0 <= v1)
            .collect();
        // 100,000 events would be 100,000 SVG groups redrawn on every cursor
        // move: past MAX_MARKS, an even sample (alerts and the selected
        // event always kept); zooming in shows the rest.
        let stride = in_view.len().div_ceil(MAX_MARKS).max(1);
        // Untracked: selecting a row must not redraw every mark.
        let picked = state.selected_event.get_untracked();
        let thinned = stride > 1;
        let mark_views = in_view
            .into_iter()
            .enumerate()
            .filter(|(i, m)| {
                i % stride == 0
                    || matches!(m.target, Target::Alert(_))
                    || matches!(&m.target, Target::Event(id) if picked.as_deref() == Some(id.as_str()))
            })
            .map(|(_, m)| m)
            .map(|m| {
                let lane_i = m.lane.unwrap_or(lanes_len);
                let y = AXIS_H + lane_i as f64 * LANE_H;
                let cy = y + LANE_H / 2.0;
                let x = x_of(m.t0);
                let title = m.title.clone();
                let target = m.target.clone();
                let click_target = target.clone();
                let mark_t = m.t0;
                let on_mark = move |ev: web_sys::MouseEvent| {
                    ev.stop_propagation();
                    on_select.run((click_target.clone(), mark_t));
                };
                match target {
                    Target::Event(id) => {
                        let id_attr = id.clone();
                        let selected = move || state.selected_event.get().as_deref() == Some(id.as_str());
                        view! {
                            <g class="mark mark-event" class:selected=selected data-target=id_attr on:click=on_mark>
                                <rect class="hit-area" x=x - 4.0 y=y + 4.0 width=8 height=LANE_H - 8.0/>
                                <line x1=x x2=x y1=y + 7.0 y2=y + LANE_H - 7.0/>
                                <circle cx=x cy=cy r=3.2/>
                                {svg_title(title)}
                            </g>
                        }
                        .into_any()
                    }
                    Target::Alert(i) => {
                        let selected = move || state.selected_alert.get() == Some(i);
                        let points = format!(
                            "{},{} {},{} {},{} {},{}",
                            x, cy - 7.0, x + 6.0, cy, x, cy + 7.0, x - 6.0, cy
                        );
                        view! {
                            <g class="mark mark-alert" class:selected=selected data-alert=i.to_string() on:click=on_mark>
                                <polygon points=points/>
                                {svg_title(title)}
                            </g>
                        }
                        .into_any()
                    }
                    Target::Hit(i) => {
                        let selected = move || state.selected_hit.get() == Some(i);
                        let hx0 = x.max(LABEL_W);
                        let hx1 = x_of(m.t1).min(LABEL_W + PLOT_W);
                        let width = (hx1 - hx0).max(4.0);
                        view! {
                            <g class="mark mark-hit" class:selected=selected data-hit=i.to_string() on:click=on_mark>
                                <rect x=hx0 y=y + 3.0 width=width height=LANE_H - 6.0 rx=2/>
                                {svg_title(title)}
                            </g>
                        }
                        .into_any()
                    }
                }
            })
            .collect_view();

        // Its own reactive node: picking a moment (or a row, which moves the
        // cursor) redraws the cursor, not thousands of marks.
        let cursor = move || {
            state
                .cursor
                .get()
                .filter(|t| *t >= v0 && *t <= v1)
                .map(|t| {
                    let x = x_of(t);
                    let label = format!(
                        "{} ({})",
                        clock(origin_ms, t, zone, Precision::Tenths),
                        relative(t)
                    );
                    let anchor = if x > LABEL_W + PLOT_W - 120.0 {
                        "end"
                    } else {
                        "start"
                    };
                    let tx = if anchor == "end" { x - 4.0 } else { x + 4.0 };
                    view! {
                        <g class="cursor" data-t=format!("{t:.3}")>
                            <line x1=x x2=x y1=AXIS_H - 2.0 y2=height - 2.0/>
                            <text x=tx y=height - 6.0 text-anchor=anchor>{label}</text>
                        </g>
                    }
                })
        };

        let view_box = format!("0 0 {W} {height}");
        view! {
            <svg
                id="timeline-svg"
                class="timeline-svg"
                viewBox=view_box
                role="img"
                aria-label="Channel timeline"
                data-lanes=lanes_len.to_string()
                data-stride=stride.to_string()
                on:wheel=on_wheel
                on:pointerdown=on_pointerdown
                on:pointermove=on_pointermove
                on:pointerup=end_drag
                on:pointerleave=end_drag
                on:click=on_click
            >
                <defs>
                    <clipPath id="tl-label-clip">
                        <rect x=0 y=0 width=LABEL_W - 6.0 height=height/>
                    </clipPath>
                </defs>
                <rect class="plot-bg" x=LABEL_W y=AXIS_H width=PLOT_W height=height - AXIS_H/>
                <g class="ticks">{tick_views}</g>
                <g class="lanes">{lane_views}{other_lane}</g>
                <line class="label-sep" x1=LABEL_W x2=LABEL_W y1=AXIS_H y2=height/>
                <g class="marks">{mark_views}</g>
                {thinned.then(|| view! {
                    <text class="thinned-note" x=W - 8.0 y=12 text-anchor="end">
                        {format!("1 in {stride} marks shown: zoom in for all")}
                    </text>
                })}
                {cursor}
            </svg>
        }
    };

    let zoomed = move || view_range.get().is_some();
    let range_text = move || {
        let (v0, v1) = current();
        format!(
            "{} – {} of {}",
            relative(v0),
            relative(v1),
            format::duration(full.get().round() as i64)
        )
    };
    view! {
        <div class="timeline-tools">
            <span class="legend">
                <span class="sw sw-accept"></span>"accept"
                <span class="sw sw-deny"></span>"deny"
                <span class="sw sw-warn"></span>"four-eyes"
                <span class="sw sw-event"></span>"event"
                <span class="sw sw-alert"></span>"alert"
                <span class="sw sw-hit"></span>"content hit"
            </span>
            <span class="grow"></span>
            <span class="muted range-text" data-testid="timeline-range">{range_text}</span>
            <button type="button" class="btn btn-sm" title="Zoom in (+)" aria-label="Zoom in"
                on:click=move |_| { let (a, b) = current(); zoom_at((a + b) / 2.0, 0.8) }>"+"</button>
            <button type="button" class="btn btn-sm" title="Zoom out (-)" aria-label="Zoom out"
                on:click=move |_| { let (a, b) = current(); zoom_at((a + b) / 2.0, 1.25) }>"−"</button>
            <button type="button" class="btn btn-sm" title="Show the whole session (0)" disabled=move || !zoomed()
                on:click=move |_| view_range.set(None)>"Fit"</button>
        </div>
        <div
            id="timeline"
            class="timeline"
            tabindex="0"
            aria-label="Channel timeline: + and - zoom, arrow keys pan, 0 shows everything"
            on:keydown=on_keydown
        >
            {move || match lanes.get() {
                None => view! { <div class="timeline-empty muted">"Loading channels…"</div> }.into_any(),
                Some(l) if l.is_empty() && marks.with(Vec::is_empty) => view! {
                    <div class="timeline-empty muted" data-testid="no-channels">"This session has no channels."</div>
                }.into_any(),
                Some(_) => drawing().into_any(),
            }}
        </div>
        <p class="hint muted">"Scroll or + / − to zoom, drag or ← / → to pan, click to pick a moment."</p>
    }
}
