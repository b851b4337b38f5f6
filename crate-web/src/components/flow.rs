//! The flow picture of the statistics page: columns of values (one column per
//! chosen field) joined by bands as wide as the sessions they share, built
//! from `stats` with a sub field (`field_a` by `field_b`, then `field_b` by
//! `field_c`). The data and its layout are plain functions ([`build_flow`],
//! [`layout`]) so they are tested without a browser; [`FlowChart`] only
//! draws them.

use leptos::prelude::*;
use sps_core::model::StatsReply;

use crate::components::fetch_all::grouped;
use crate::format;

/// One value in a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowNode {
    /// The value as text (what a filter on it compares).
    pub value: String,
    /// Its own session count, when a `stats` reply listed it at the top
    /// level; otherwise only its bands tell.
    pub count: Option<u64>,
}

/// Sessions that have value `from` of column `col` and value `to` of column
/// `col + 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowBand {
    /// The left column.
    pub col: usize,
    /// Index of the node in column `col`.
    pub from: usize,
    /// Index of the node in column `col + 1`.
    pub to: usize,
    /// Sessions (the sub count as the appliance sent it).
    pub count: u64,
}

/// The picture's data: the fields, their columns of nodes and the bands.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FlowData {
    /// The field of each column.
    pub fields: Vec<String>,
    /// The nodes of each column, most sessions first.
    pub columns: Vec<Vec<FlowNode>>,
    /// The bands, by left column, then left node, then right node.
    pub bands: Vec<FlowBand>,
}

/// A `stats` value as the text a query compares; `None` for `null` or empty.
pub fn value_text(value: &serde_json::Value) -> Option<String> {
    let text = match value {
        serde_json::Value::Null => return None,
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

/// The index of `value` in `column`, added (with `count`) if absent; a
/// known count is kept, an absent one filled in.
fn node_index(column: &mut Vec<FlowNode>, value: String, count: Option<u64>) -> usize {
    if let Some(i) = column.iter().position(|n| n.value == value) {
        if column[i].count.is_none() {
            column[i].count = count;
        }
        return i;
    }
    column.push(FlowNode { value, count });
    column.len() - 1
}

/// The flow over `fields` (2 or 3) from `replies`: `replies[i]` is `stats`
/// of `fields[i]` with `fields[i + 1]` as its sub field. Nodes of the first
/// column, and of the middle one when a second reply lists them, carry their
/// own counts; the others are known through their bands only.
pub fn build_flow(fields: &[String], replies: &[StatsReply]) -> FlowData {
    let mut columns: Vec<Vec<FlowNode>> = vec![Vec::new(); fields.len()];
    let mut bands = Vec::new();
    for (col, reply) in replies
        .iter()
        .enumerate()
        .take(fields.len().saturating_sub(1))
    {
        let sub = &fields[col + 1];
        for item in &reply.items {
            let Some(text) = value_text(&item.value) else {
                continue;
            };
            let from = node_index(&mut columns[col], text, Some(item.count));
            for bucket in item.sub_fields.get(sub).map_or(&[][..], Vec::as_slice) {
                let Some(sub_text) = value_text(&bucket.value) else {
                    continue;
                };
                let to = node_index(&mut columns[col + 1], sub_text, None);
                if bucket.count > 0 {
                    bands.push(FlowBand {
                        col,
                        from,
                        to,
                        count: bucket.count,
                    });
                }
            }
        }
    }
    bands.sort_by_key(|b| (b.col, b.from, b.to));
    FlowData {
        fields: fields.to_vec(),
        columns,
        bands,
    }
}

impl FlowData {
    /// How tall node `i` of column `col` is, in sessions: the most of its own
    /// count, its bands in and its bands out (a multi-valued field puts a
    /// session in several bands, so the sums may exceed the count).
    pub fn node_weight(&self, col: usize, i: usize) -> u64 {
        let own = self.columns[col][i].count.unwrap_or(0);
        let into: u64 = self
            .bands
            .iter()
            .filter(|b| b.col + 1 == col && b.to == i)
            .map(|b| b.count)
            .sum();
        let out: u64 = self
            .bands
            .iter()
            .filter(|b| b.col == col && b.from == i)
            .map(|b| b.count)
            .sum();
        own.max(into).max(out)
    }

    /// True when there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.columns.iter().all(Vec::is_empty)
    }
}

/// Where a node is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    /// Column.
    pub col: usize,
    /// Index in the column.
    pub index: usize,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Height.
    pub h: f64,
}

/// Where a band is drawn: a curve from the middle of its slice of the left
/// node to the middle of its slice of the right one, `w` wide.
#[derive(Clone, Debug, PartialEq)]
pub struct BandPath {
    /// Index into [`FlowData::bands`].
    pub band: usize,
    /// Start (right edge of the left node).
    pub x0: f64,
    /// Start height (middle of the band's slice).
    pub y0: f64,
    /// End (left edge of the right node).
    pub x1: f64,
    /// End height.
    pub y1: f64,
    /// Width (the stroke).
    pub w: f64,
}

/// The width of a node in SVG units.
pub const NODE_W: f64 = 12.0;
/// The gap between two nodes of a column.
pub const NODE_GAP: f64 = 6.0;

/// Lays out `data` in a `width` × `height` box: columns spread evenly,
/// nodes stacked with [`NODE_GAP`] between them, one scale (units per
/// session) for every column so widths compare, bands stacked in each node
/// in the order of [`FlowData::bands`] (out of a node) and of the left node
/// (into one), so they never cross inside a node.
pub fn layout(data: &FlowData, width: f64, height: f64) -> (Vec<NodeBox>, Vec<BandPath>) {
    let ncols = data.columns.len();
    if ncols == 0 {
        return (Vec::new(), Vec::new());
    }
    let weights: Vec<Vec<u64>> = (0..ncols)
        .map(|c| {
            (0..data.columns[c].len())
                .map(|i| data.node_weight(c, i))
                .collect()
        })
        .collect();
    let scale = weights
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| {
            let total: u64 = w.iter().sum();
            let room = (height - NODE_GAP * (w.len() as f64 - 1.0)).max(1.0);
            if total == 0 {
                f64::INFINITY
            } else {
                room / total as f64
            }
        })
        .fold(f64::INFINITY, f64::min);
    let scale = if scale.is_finite() { scale } else { 0.0 };
    let step = if ncols > 1 {
        (width - NODE_W) / (ncols - 1) as f64
    } else {
        0.0
    };
    let mut nodes = Vec::new();
    // First node box of each column, for the bands' lookups.
    let mut first = Vec::with_capacity(ncols);
    for (c, column) in weights.iter().enumerate() {
        first.push(nodes.len());
        let mut y = 0.0;
        for (i, &w) in column.iter().enumerate() {
            let h = w as f64 * scale;
            nodes.push(NodeBox {
                col: c,
                index: i,
                x: c as f64 * step,
                y,
                h,
            });
            y += h + NODE_GAP;
        }
    }
    let node = |c: usize, i: usize| &nodes[first[c] + i];
    // Stack out of each left node in band order, into each right node in the
    // order of the left nodes.
    let mut out_used = vec![0.0_f64; nodes.len()];
    let mut in_used = vec![0.0_f64; nodes.len()];
    let mut paths: Vec<BandPath> = Vec::with_capacity(data.bands.len());
    for (k, b) in data.bands.iter().enumerate() {
        let w = b.count as f64 * scale;
        let src = node(b.col, b.from);
        let slot = first[b.col] + b.from;
        let y0 = src.y + out_used[slot] + w / 2.0;
        out_used[slot] += w;
        paths.push(BandPath {
            band: k,
            x0: src.x + NODE_W,
            y0,
            x1: node(b.col + 1, b.to).x,
            y1: 0.0,
            w,
        });
    }
    let mut into: Vec<usize> = (0..data.bands.len()).collect();
    into.sort_by_key(|&k| {
        let b = &data.bands[k];
        (b.col, b.to, b.from)
    });
    for k in into {
        let b = &data.bands[k];
        let dst = node(b.col + 1, b.to);
        let slot = first[b.col + 1] + b.to;
        paths[k].y1 = dst.y + in_used[slot] + paths[k].w / 2.0;
        in_used[slot] += paths[k].w;
    }
    (nodes, paths)
}

/// Chart width in SVG units.
const WIDTH: f64 = 900.0;
/// Chart height in SVG units.
const HEIGHT: f64 = 360.0;
/// Nodes shorter than this get no label in the picture (one line of text).
const MIN_LABEL_H: f64 = 11.0;
/// Room right of the last column for its labels.
const LABEL_ROOM: f64 = 180.0;

/// A value or band the user picked: `(field, value)` pairs to filter by.
pub type FlowPick = Vec<(String, String)>;

/// The flow picture. A click on a node picks its value, on a band both of
/// its values; the page's table offers the same as links for keyboards and
/// screen readers, which read the picture as one image with a summary.
#[component]
pub fn FlowChart(
    /// What to draw.
    data: FlowData,
    /// A node or band was clicked.
    on_pick: Callback<FlowPick>,
) -> impl IntoView {
    let (nodes, paths) = layout(&data, WIDTH - LABEL_ROOM, HEIGHT);
    let summary = format!(
        "Flow of sessions through {}: {} values, {} bands. The table below lists every band's count.",
        data.fields.join(" → "),
        data.columns.iter().map(Vec::len).sum::<usize>(),
        data.bands.len()
    );
    let bands = paths
        .into_iter()
        .map(|p| {
            let b = &data.bands[p.band];
            let (from, to) = (&data.columns[b.col][b.from], &data.columns[b.col + 1][b.to]);
            let pick = vec![
                (data.fields[b.col].clone(), from.value.clone()),
                (data.fields[b.col + 1].clone(), to.value.clone()),
            ];
            let tip = format!(
                "{} → {}: {} sessions",
                format::visible(&from.value),
                format::visible(&to.value),
                grouped(b.count)
            );
            let xm = (p.x0 + p.x1) / 2.0;
            let d = format!(
                "M{:.1} {:.1} C{xm:.1} {:.1} {xm:.1} {:.1} {:.1} {:.1}",
                p.x0, p.y0, p.y0, p.y1, p.x1, p.y1
            );
            view! {
                <path class="flow-band" d=d stroke-width=format!("{:.2}", p.w.max(0.5))
                    data-col=b.col.to_string() data-from=from.value.clone() data-to=to.value.clone()
                    data-count=b.count.to_string()
                    on:click=move |_| on_pick.run(pick.clone())>
                    <title>{tip}</title>
                </path>
            }
        })
        .collect_view();
    let node_views = nodes
        .into_iter()
        .map(|n| {
            let node = &data.columns[n.col][n.index];
            let weight = data.node_weight(n.col, n.index);
            let pick = vec![(data.fields[n.col].clone(), node.value.clone())];
            let label = format!("{} ({})", format::visible(&node.value), grouped(weight));
            // Labels right of their node (the last column's in the room
            // kept free on the right); a node too thin to hold one without
            // overlapping its neighbours keeps it as a tooltip only (the
            // table under the picture lists every value).
            let tx = n.x + NODE_W + 4.0;
            let text = (n.h >= MIN_LABEL_H).then(|| {
                view! {
                    <text x=format!("{tx:.1}") y=format!("{:.1}", n.y + n.h / 2.0 + 4.0)>{label.clone()}</text>
                }
            });
            view! {
                <g class="flow-node" data-col=n.col.to_string() data-value=node.value.clone()
                    data-count=weight.to_string() on:click=move |_| on_pick.run(pick.clone())>
                    <title>{label}</title>
                    <rect x=format!("{:.1}", n.x) y=format!("{:.1}", n.y) width=NODE_W.to_string()
                        height=format!("{:.2}", n.h.max(1.0))></rect>
                    {text}
                </g>
            }
        })
        .collect_view();
    let label = summary.clone();
    view! {
        <svg id="flow-svg" class="flow-svg" viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 8.0)
            role="img" aria-label=label>
            <title>{summary}</title>
            <g transform="translate(0 4)">{bands}{node_views}</g>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn reply(value: serde_json::Value) -> StatsReply {
        serde_json::from_value(value).expect("a stats reply")
    }

    fn three() -> FlowData {
        let fields = ["user.gateway_username", "server.ip", "protocol"].map(String::from);
        let ab = reply(json!({"items": [
            {"value": "alice", "count": 5, "sub_fields": {"server.ip": [
                {"value": "10.0.0.1", "count": 3}, {"value": "10.0.0.2", "count": 2}]}},
            {"value": "bob", "count": 2, "sub_fields": {"server.ip": [
                {"value": "10.0.0.1", "count": 2}]}},
            {"value": null, "count": 9}
        ]}));
        let bc = reply(json!({"items": [
            {"value": "10.0.0.1", "count": 6, "sub_fields": {"protocol": [
                {"value": "ssh", "count": 4}, {"value": "rdp", "count": 2}]}},
            {"value": "10.0.0.2", "count": 2, "sub_fields": {"protocol": [
                {"value": "ssh", "count": 2}]}}
        ]}));
        build_flow(&fields, &[ab, bc])
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_replies_become_columns_and_bands() {
        let flow = three();
        let values =
            |c: usize| -> Vec<&str> { flow.columns[c].iter().map(|n| n.value.as_str()).collect() };
        assert_eq!(values(0), ["alice", "bob"], "null is no value");
        assert_eq!(values(1), ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(values(2), ["ssh", "rdp"]);
        let bands: Vec<(usize, usize, usize, u64)> = flow
            .bands
            .iter()
            .map(|b| (b.col, b.from, b.to, b.count))
            .collect();
        assert_eq!(
            bands,
            [
                (0, 0, 0, 3),
                (0, 0, 1, 2),
                (0, 1, 0, 2),
                (1, 0, 0, 4),
                (1, 0, 1, 2),
                (1, 1, 0, 2)
            ]
        );
        // The middle column's own counts come from the second reply.
        assert_eq!(flow.columns[1][0].count, Some(6));
        assert_eq!(flow.columns[2][0].count, None);
        // A node is as tall as the most of its count, bands in and out.
        assert_eq!(flow.node_weight(0, 0), 5);
        assert_eq!(flow.node_weight(1, 0), 6);
        assert_eq!(flow.node_weight(2, 0), 6);
        assert_eq!(flow.node_weight(2, 1), 2);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_layout_keeps_bands_inside_their_nodes_on_one_scale() {
        let flow = three();
        let (nodes, paths) = layout(&flow, 600.0, 300.0);
        assert_eq!(nodes.len(), 6);
        // Columns at the left edge, the middle and the right edge.
        let xs: Vec<f64> = nodes.iter().map(|n| n.x).collect();
        assert_eq!(xs, [0.0, 0.0, 294.0, 294.0, 588.0, 588.0]);
        // One scale: heights proportional to the weights everywhere.
        let per = nodes[0].h / 5.0;
        for n in &nodes {
            let expected = flow.node_weight(n.col, n.index) as f64 * per;
            assert!((n.h - expected).abs() < 1e-9);
            assert!(n.y >= 0.0 && n.y + n.h <= 300.0 + 1e-9);
        }
        // The fullest column fills the height.
        let mid: f64 = nodes.iter().filter(|n| n.col == 1).map(|n| n.h).sum();
        assert!((mid + NODE_GAP - 300.0).abs() < 1e-9);
        for p in &paths {
            let b = &flow.bands[p.band];
            assert!((p.w - b.count as f64 * per).abs() < 1e-9);
            let src = nodes
                .iter()
                .find(|n| n.col == b.col && n.index == b.from)
                .expect("src");
            let dst = nodes
                .iter()
                .find(|n| n.col == b.col + 1 && n.index == b.to)
                .expect("dst");
            assert!(p.y0 - p.w / 2.0 >= src.y - 1e-9 && p.y0 + p.w / 2.0 <= src.y + src.h + 1e-9);
            assert!(p.y1 - p.w / 2.0 >= dst.y - 1e-9 && p.y1 + p.w / 2.0 <= dst.y + dst.h + 1e-9);
            assert_eq!(p.x0, src.x + NODE_W);
            assert_eq!(p.x1, dst.x);
        }
        // Into ssh: alice's band (via 10.0.0.1) above 10.0.0.2's.
        let into_ssh: Vec<&BandPath> = paths
            .iter()
            .filter(|p| flow.bands[p.band].col == 1 && flow.bands[p.band].to == 0)
            .collect();
        assert!(into_ssh[0].y1 < into_ssh[1].y1);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn nothing_to_draw_gives_nothing() {
        let empty = build_flow(
            &["protocol".into(), "verdict".into()],
            &[reply(json!({"items": []}))],
        );
        assert!(empty.is_empty());
        let (nodes, paths) = layout(&empty, 600.0, 300.0);
        assert!(nodes.is_empty() && paths.is_empty());
        assert_eq!(
            layout(&FlowData::default(), 10.0, 10.0),
            (Vec::new(), Vec::new())
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn values_read_as_query_text() {
        assert_eq!(value_text(&json!("ssh")), Some("ssh".into()));
        assert_eq!(value_text(&json!(22)), Some("22".into()));
        assert_eq!(value_text(&json!(true)), Some("true".into()));
        assert_eq!(value_text(&json!(null)), None);
        assert_eq!(value_text(&json!("")), None);
    }
}
