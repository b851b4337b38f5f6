//! The sessions table, virtualised: however many rows are loaded (100,000
//! after "Fetch all"), only the visible ones plus a small overscan are in the
//! DOM. Rows have a fixed height, so the position of row `i` is `i × ROW_HEIGHT`
//! and two spacer rows stand in for everything above and below the window.
//! Scrolling re-renders the window once per animation frame at most.

use std::sync::Arc;

use leptos::prelude::*;
use std::collections::BTreeMap;

use sps_core::query::FieldSpec;
use sps_core::request::encode_component;
use sps_core::{Catalogue, SessionRow, SortKey};

use crate::components::columns::{
    cell_class, cell_view, default_width, save_widths, KEY_WIDTH, MIN_WIDTH,
};
use crate::components::virtual_table::{RowWindow, ScrollPosition};
use crate::components::zone::ListZone;
use crate::list_state::TimeDisplay;

/// Height of one body row in CSS pixels; `static/style.css` (`table.vt`)
/// gives rows exactly this height, which the scroll arithmetic relies on.
pub const ROW_HEIGHT: f64 = 32.0;

/// Height of the sticky header row (also fixed in the CSS).
pub const HEADER_HEIGHT: f64 = 32.0;

/// Rows rendered above and below the visible ones, so that a fast scroll shows
/// rows rather than blank space before the next frame.
const OVERSCAN: usize = 8;

/// The table's layout for the window arithmetic it shares with the other
/// virtualised tables (always windowed: a page of 50 costs little either way).
const LIST_ROWS: RowWindow = RowWindow {
    row_height: ROW_HEIGHT,
    header_height: HEADER_HEIGHT,
    overscan: OVERSCAN,
    full_below: 0,
};

/// Rows in display order: the rows as loaded and a permutation of their
/// indices (the client-side sort), so sorting never copies rows.
#[derive(Clone, Debug)]
pub struct TableRows {
    /// The rows as fetched.
    pub rows: Arc<Vec<SessionRow>>,
    /// Indices into `rows`, in display order.
    pub order: Arc<Vec<u32>>,
}

impl PartialEq for TableRows {
    /// The same rows in the same order, by identity: comparing 100,000 rows
    /// element by element on every signal update would defeat the point.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.rows, &other.rows) && Arc::ptr_eq(&self.order, &other.order)
    }
}

impl TableRows {
    /// The rows in the order given.
    pub fn in_order(rows: Arc<Vec<SessionRow>>) -> Self {
        let order = (0..rows.len() as u32).collect();
        TableRows {
            rows,
            order: Arc::new(order),
        }
    }

    /// How many rows are shown.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when there is no row.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The row at display position `i`.
    pub fn get(&self, i: usize) -> Option<&SessionRow> {
        let index = *self.order.get(i)?;
        self.rows.get(index as usize)
    }

    /// Rows in display order.
    pub fn iter(&self) -> impl Iterator<Item = &SessionRow> {
        self.order.iter().filter_map(|&i| self.rows.get(i as usize))
    }
}

/// The virtualised table. Its inputs are plain values: the page rebuilds it
/// when the rows, their order or the display zone change.
#[component]
pub fn SessionTable(
    /// The rows, in display order.
    data: TableRows,
    /// How times are shown.
    tz: ListZone,
    /// The columns after the key, in order.
    columns: Vec<&'static FieldSpec>,
    /// Column widths in pixels by field name (dragged widths; defaults otherwise).
    widths: RwSignal<BTreeMap<String, f64>>,
    /// The sort in effect (for the header arrows).
    sort: Vec<SortKey>,
    /// A header was clicked: the field, and whether Shift was held (add a
    /// secondary key instead of replacing the sort).
    on_sort: Callback<(&'static str, bool)>,
    /// The row highlighted by the keyboard (`j`/`k`), a display position.
    highlight: RwSignal<Option<usize>>,
) -> impl IntoView {
    let total = data.len();
    let data = StoredValue::new(data);
    let columns = Arc::new(columns);
    let position = ScrollPosition::track(800.0);
    let ScrollPosition {
        wrap,
        scroll_top,
        viewport,
        ..
    } = position;
    let on_scroll = move |_| position.scrolled();
    let range = Memo::new(move |_| LIST_ROWS.range(scroll_top.get(), viewport.get(), total));
    // Keyboard navigation: bring the highlighted row into view (below the
    // sticky header); the scroll event that follows renders it.
    Effect::new(move |_| {
        let Some(i) = highlight.get() else { return };
        let Some(el) = wrap.get_untracked() else {
            return;
        };
        let view_top = f64::from(el.scroll_top());
        let view_height = f64::from(el.client_height());
        let row_top = i as f64 * ROW_HEIGHT;
        let row_bottom = HEADER_HEIGHT + (i as f64 + 1.0) * ROW_HEIGHT;
        if row_top < view_top {
            el.set_scroll_top(row_top as i32);
        } else if row_bottom > view_top + view_height {
            el.set_scroll_top((row_bottom - view_height).ceil() as i32);
        }
    });

    let row_columns = columns.clone();
    let rows = move || {
        let (start, end) = range.get();
        let lit = highlight.get();
        data.with_value(|d| {
            (start..end)
                .filter_map(|i| {
                    d.get(i)
                        .map(|row| row_view(row, &row_columns, i, tz, lit == Some(i)))
                })
                .collect_view()
        })
    };
    let top_spacer = move || format!("{}px", range.get().0 as f64 * ROW_HEIGHT);
    let bottom_spacer = move || {
        format!(
            "{}px",
            total.saturating_sub(range.get().1) as f64 * ROW_HEIGHT
        )
    };
    let header = header_cells(&columns, &sort, on_sort, widths);
    let width_of = move |spec: &'static FieldSpec| {
        widths.with(|w| {
            w.get(spec.name)
                .copied()
                .unwrap_or_else(|| default_width(spec))
        })
    };
    let col_specs = columns.clone();
    let table_width = move || {
        let sum: f64 = col_specs.iter().map(|s| width_of(s)).sum();
        format!("{}px", sum + KEY_WIDTH)
    };
    let cols = columns
        .iter()
        .map(|&spec| {
            view! { <col data-field=spec.name style:width=move || format!("{}px", width_of(spec))/> }
        })
        .collect_view();

    view! {
        <div class="table-wrap vt-wrap" node_ref=wrap on:scroll=on_scroll data-total=total.to_string()>
            <table id="sessions-table" class="data vt" style:width=table_width>
                <colgroup>
                    <col class="col-key" style:width=format!("{KEY_WIDTH}px")/>
                    {cols}
                    // Takes whatever width is left, so that dragged widths stay exact.
                    <col class="col-fill"/>
                </colgroup>
                <thead><tr>{header}</tr></thead>
                <tbody>
                    <tr class="vt-spacer" aria-hidden="true" style:height=top_spacer></tr>
                    {rows}
                    <tr class="vt-spacer" aria-hidden="true" style:height=bottom_spacer></tr>
                </tbody>
            </table>
        </div>
    }
}

/// The header cells. A click sorts by the column (ascending, then
/// descending); Shift+click adds it as the next sort key. Arrows show the
/// direction, and a small number the key's rank when several are in effect.
/// The handle at each header's right edge resizes the column.
fn header_cells(
    columns: &[&'static FieldSpec],
    sort: &[SortKey],
    on_sort: Callback<(&'static str, bool)>,
    widths: RwSignal<BTreeMap<String, f64>>,
) -> impl IntoView {
    let several = sort.len() > 1;
    let catalogue = Catalogue::sessions();
    let cells = columns
        .iter()
        .map(|&spec| {
            let field = spec.name;
            let handle = resize_handle(spec, widths);
            if !spec.sortable {
                return view! {
                    <th class=cell_class(spec) data-field=field title=spec.title>{spec.title}{handle}</th>
                }
                .into_any();
            }
            let position = sort.iter().position(|k| {
                catalogue.resolve(&k.field).map_or(k.field.as_str(), |s| s.name) == field
            });
            let (arrow, aria) = match position.map(|p| sort[p].descending) {
                Some(false) => (" ▲", "ascending"),
                Some(true) => (" ▼", "descending"),
                None => ("", "none"),
            };
            let rank = position.filter(|_| several).map(|p| (p + 1).to_string());
            // aria-sort belongs on the primary key's header only.
            let aria = if position == Some(0) { aria } else { "none" };
            view! {
                <th class=cell_class(spec) aria-sort=aria data-sort-field=field data-field=field title=spec.title>
                    <button type="button" class="sort"
                        title="Sort (Shift+click: add as next sort key)"
                        on:click=move |ev: leptos::ev::MouseEvent| on_sort.run((field, ev.shift_key()))>
                        {spec.title}{arrow}
                        {rank.map(|r| view! { <sup class="sort-rank">{r}</sup> })}
                    </button>
                    {handle}
                </th>
            }
            .into_any()
        })
        .collect_view();
    view! { <th class="col-key">"Key"</th>{cells}<th class="col-fill" aria-hidden="true"></th> }
}

/// The drag handle that resizes a column. Pointer capture keeps the moves
/// coming to the handle while the pointer is over other cells; the width is
/// saved when the drag ends.
fn resize_handle(
    spec: &'static FieldSpec,
    widths: RwSignal<BTreeMap<String, f64>>,
) -> impl IntoView {
    // (pointer x, width) when the drag started; None when not dragging.
    let drag = StoredValue::new(None::<(f64, f64)>);
    let down = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        ev.stop_propagation();
        let width = widths
            .with_untracked(|w| w.get(spec.name).copied())
            .unwrap_or_else(|| default_width(spec));
        drag.set_value(Some((f64::from(ev.client_x()), width)));
        if let Some(target) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        {
            let _ = target.set_pointer_capture(ev.pointer_id());
        }
    };
    let moved = move |ev: leptos::ev::PointerEvent| {
        if let Some((x0, w0)) = drag.get_value() {
            let width = (w0 + f64::from(ev.client_x()) - x0).max(MIN_WIDTH).round();
            widths.update(|w| {
                w.insert(spec.name.to_owned(), width);
            });
        }
    };
    let up = move |_: leptos::ev::PointerEvent| {
        if drag.get_value().is_some() {
            drag.set_value(None);
            widths.with_untracked(save_widths);
        }
    };
    view! {
        <span class="col-resize" role="separator" aria-orientation="vertical"
            title="Drag to resize" data-resize=spec.name
            on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointercancel=up
            on:click=|ev: leptos::ev::MouseEvent| ev.stop_propagation()></span>
    }
}

/// The detail page's URL for `key`; it keeps the list's time zone.
pub fn detail_href(key: &str, tz: ListZone) -> String {
    match tz.for_detail() {
        TimeDisplay::AsSent => format!("/sessions/{}", encode_component(key)),
        other => format!("/sessions/{}?tz={}", encode_component(key), other.token()),
    }
}

/// One table row at display position `index`. Every value is a text node or
/// an attribute value, never markup.
fn row_view(
    row: &SessionRow,
    columns: &[&'static FieldSpec],
    index: usize,
    tz: ListZone,
    lit: bool,
) -> impl IntoView {
    let active = row
        .body
        .as_ref()
        .and_then(|b| b.get_bool("active"))
        .unwrap_or(false);
    let href = detail_href(&row.key, tz);
    let cells = columns
        .iter()
        .map(|&spec| {
            view! { <td class=cell_class(spec) data-field=spec.name>{cell_view(row, spec, tz)}</td> }
        })
        .collect_view();
    view! {
        <tr class="session-row" class:is-live=active class:is-highlighted=lit
            data-key=row.key.clone() data-index=index.to_string()>
            <td class="col-key"><a class="key-link" href=href><code>{crate::format::clip(&row.key, 200)}</code></a></td>
            {cells}
            <td class="col-fill"></td>
        </tr>
    }
}
