//! The long tables of the detail page (events, alerts) and of the alerts page,
//! virtualised as the list's table is (see `components/session_table.rs`):
//! one copy of the window logic for all of them. Rows have a fixed height
//! ([`ROW_HEIGHT`], fixed in `static/detail.css` too), so row `i` is at
//! `i × ROW_HEIGHT`, and only the window plus a small
//! overscan is in the DOM, so 100,000 events cost as much as forty.
//! The space of the rows left out is padding around the table, not spacer
//! rows, so `tbody tr` are exactly the rendered rows; a table of at most
//! [`FULL_BELOW`] rows is rendered whole.
//!
//! Rows are keyed by index: scrolling adds and removes rows at the edges of
//! the window and leaves the others (and their highlighting) alone.

use std::sync::Arc;

use leptos::prelude::*;

/// Height of one body row in CSS pixels (`table.vt-detail` rows in
/// `static/detail.css`): row `i` starts at `i × ROW_HEIGHT`.
pub const ROW_HEIGHT: f64 = 64.0;

/// Height of the sticky header row (fixed in the CSS as well).
pub const HEADER_HEIGHT: f64 = 32.0;

/// Rows rendered beyond each edge of the visible ones.
const OVERSCAN: usize = 2;

/// Tables of this many rows or fewer are rendered whole (what a session
/// usually has); longer ones are windowed.
pub const FULL_BELOW: usize = 100;

/// How a virtualised table's rows are laid out: all the window arithmetic
/// needs. The list's table ([`crate::components::session_table`]) and the
/// tables here share [`RowWindow::range`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowWindow {
    /// Height of one body row in CSS pixels (fixed in the CSS too).
    pub row_height: f64,
    /// Height of the sticky header row.
    pub header_height: f64,
    /// Rows rendered beyond each edge of the visible ones.
    pub overscan: usize,
    /// Tables of this many rows or fewer are rendered whole.
    pub full_below: usize,
}

impl RowWindow {
    /// The rows `[start, end)` to render for a scroll position and viewport
    /// height (CSS pixels), out of `total`.
    pub fn range(&self, scroll_top: f64, viewport: f64, total: usize) -> (usize, usize) {
        if total <= self.full_below {
            return (0, total);
        }
        let top = (scroll_top - self.header_height).max(0.0);
        // `as usize` saturates (NaN → 0), so odd measurements cannot overflow.
        let first = (top / self.row_height).floor() as usize;
        let visible = (viewport.max(0.0) / self.row_height).ceil() as usize + 1;
        // The same number of rows wherever the scroll is: at the edges the
        // overscan moves to the other side.
        let size = visible.saturating_add(2 * self.overscan).min(total);
        let start = first.saturating_sub(self.overscan).min(total - size);
        (start, start + size)
    }
}

/// The layout of the tables made by [`virtual_table`].
pub const DETAIL_ROWS: RowWindow = RowWindow {
    row_height: ROW_HEIGHT,
    header_height: HEADER_HEIGHT,
    overscan: OVERSCAN,
    full_below: FULL_BELOW,
};

/// The rows `[start, end)` of a [`virtual_table`] to render for a scroll
/// position and viewport height (CSS pixels), out of `total`.
pub fn window_of(scroll_top: f64, viewport: f64, total: usize) -> (usize, usize) {
    DETAIL_ROWS.range(scroll_top, viewport, total)
}

/// The scroll position that puts row `index` in the middle of a viewport of
/// `viewport` pixels.
pub fn centred_top(index: usize, viewport: f64) -> f64 {
    let row_top = HEADER_HEIGHT + index as f64 * ROW_HEIGHT;
    (row_top - (viewport - ROW_HEIGHT) / 2.0).max(0.0)
}

/// Where a virtualised table's scrolled element is: its scroll offset and
/// height, measured at most once per animation frame, however many scroll
/// events the browser fires. The list's table and the tables here share it.
#[derive(Clone, Copy)]
pub struct ScrollPosition {
    /// The scrolled element (the table's wrapper).
    pub wrap: NodeRef<leptos::html::Div>,
    /// Its `scrollTop`, CSS pixels.
    pub scroll_top: RwSignal<f64>,
    /// Its `clientHeight`, CSS pixels.
    pub viewport: RwSignal<f64>,
    /// A measurement is already asked for this frame.
    frame_pending: StoredValue<bool>,
}

impl ScrollPosition {
    /// A tracker that guesses `viewport` pixels until the element is in the
    /// document, then measures it.
    pub fn track(viewport: f64) -> Self {
        let position = ScrollPosition {
            wrap: NodeRef::new(),
            scroll_top: RwSignal::new(0.0),
            viewport: RwSignal::new(viewport),
            frame_pending: StoredValue::new(false),
        };
        Effect::new(move |_| {
            if position.wrap.get().is_some() {
                request_animation_frame(move || position.measure());
            }
        });
        position
    }

    /// Reads the element's scroll offset and height into the signals.
    // Frame callbacks may run after the table was replaced (new data, another
    // zone): `try_` everywhere, as a disposed signal must not abort the app.
    fn measure(self) {
        if let Some(Some(el)) = self.wrap.try_get_untracked() {
            let _ = self.scroll_top.try_set(f64::from(el.scroll_top()));
            let _ = self.viewport.try_set(f64::from(el.client_height()));
        }
    }

    /// The element's `scroll` handler: one measurement in the next frame.
    pub fn scrolled(self) {
        if self.frame_pending.try_get_value().unwrap_or(true) {
            return;
        }
        self.frame_pending.set_value(true);
        request_animation_frame(move || {
            let _ = self
                .frame_pending
                .try_update_value(|pending| *pending = false);
            self.measure();
        });
    }
}

/// A virtualised table of `total` rows: `head` is the header row's cells,
/// `row(i)` renders row `i`, `row_id(i)` is its DOM id. Setting `reveal`
/// to `Some(i)` scrolls row `i` into the middle of the table and then the
/// page (the row is rendered before the page scrolls to it).
pub fn virtual_table<V, R>(
    table_id: &'static str,
    total: usize,
    head: impl IntoView + 'static,
    row: R,
    row_id: Arc<dyn Fn(usize) -> String + Send + Sync>,
    reveal: RwSignal<Option<usize>>,
) -> impl IntoView
where
    V: IntoView + 'static,
    R: Fn(usize) -> V + Clone + Send + Sync + 'static,
{
    let position = ScrollPosition::track(460.0);
    let ScrollPosition {
        wrap,
        scroll_top,
        viewport,
        ..
    } = position;
    let on_scroll = move |_| position.scrolled();
    let range = Memo::new(move |_| window_of(scroll_top.get(), viewport.get(), total));
    // A row to bring into view (keyboard, timeline click, `#event=`): scroll
    // the table so that the row is rendered, then the page to the row.
    Effect::new(move |_| {
        let Some(i) = reveal.get() else { return };
        if i >= total {
            return;
        }
        if let Some(el) = wrap.get_untracked() {
            let height = f64::from(el.client_height());
            let top = f64::from(el.scroll_top());
            let row_top = HEADER_HEIGHT + i as f64 * ROW_HEIGHT;
            // Only when the row is not fully visible already.
            if row_top < top + HEADER_HEIGHT || row_top + ROW_HEIGHT > top + height {
                let want = centred_top(i, height);
                el.set_scroll_top(want as i32);
                scroll_top.set(f64::from(el.scroll_top()));
            }
            viewport.set(height);
        }
        let id = row_id(i);
        request_animation_frame(move || scroll_to_id(&id));
    });
    let above = move || format!("{}px", range.get().0 as f64 * ROW_HEIGHT);
    let below = move || {
        format!(
            "{}px",
            total.saturating_sub(range.get().1) as f64 * ROW_HEIGHT
        )
    };
    let indices = move || {
        let (start, end) = range.get();
        (start..end).collect::<Vec<usize>>()
    };
    view! {
        <div class="table-wrap vt-detail-wrap" node_ref=wrap on:scroll=on_scroll data-total=total.to_string()>
            <div class="vt-detail-space" style:padding-top=above style:padding-bottom=below>
                <table id=table_id class="data detail-table vt-detail">
                    <thead><tr>{head}</tr></thead>
                    <tbody>
                        <For each=indices key=|i| *i children=move |i| row(i)/>
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// Scrolls the element with this id to the middle of the window, if present.
pub fn scroll_to_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn the_window_follows_the_scroll() {
        assert_eq!(window_of(0.0, 460.0, 100_000), (0, 13));
        let (start, end) = window_of(HEADER_HEIGHT + 50_000.0 * ROW_HEIGHT, 460.0, 100_000);
        assert_eq!((start, end), (49_998, 50_011));
        assert_eq!(window_of(1e12, 460.0, 100_000), (99_987, 100_000));
        assert_eq!(window_of(0.0, 460.0, 3), (0, 3));
        assert_eq!(window_of(5_000.0, 460.0, FULL_BELOW), (0, FULL_BELOW));
    }

    // The list's layout (32 px rows, 8 rows of overscan, always windowed)
    // through the same arithmetic.
    #[wasm_bindgen_test(unsupported = test)]
    fn the_lists_window_uses_the_same_arithmetic() {
        let list = RowWindow {
            row_height: 32.0,
            header_height: 32.0,
            overscan: 8,
            full_below: 0,
        };
        assert_eq!(list.range(0.0, 800.0, 100_000), (0, 42));
        assert_eq!(
            list.range(32.0 + 32.0 * 1_000.0, 800.0, 100_000),
            (992, 1_034)
        );
        assert_eq!(list.range(0.0, 800.0, 10), (0, 10));
        assert_eq!(list.range(0.0, 800.0, 0), (0, 0));
    }

    // proptest needs threads and OS randomness: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        #[test]
        fn the_window_is_bounded(top in proptest::num::f64::ANY, height in 0.0f64..4000.0, total in 0usize..200_000) {
            let (start, end) = window_of(top, height, total);
            prop_assert!(start <= end && end <= total);
            let size = ((height / ROW_HEIGHT).ceil() as usize + 1 + 2 * OVERSCAN).min(total);
            prop_assert!(total <= FULL_BELOW || end - start == size);
            let _ = centred_top(total, height);
        }
    }
}
