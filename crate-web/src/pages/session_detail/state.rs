//! [`DetailState`]: what the timeline and the lists of one session share
//! (time origin, zone, visible range, picked moment, selections) and the
//! moves between them (show a time, pick a moment, select a row).

use leptos::prelude::*;

use super::deep_link::secs_text;
use super::util::{self, ZoneChoice};

/// State shared by the timeline and the lists of one session: the time
/// origin, the zone, the visible range, the picked moment and the selections.
#[derive(Clone, Copy)]
pub struct DetailState {
    /// The zone times are shown in.
    pub zone: ReadSignal<ZoneChoice>,
    /// The session's start, UNIX milliseconds: time 0 of the timeline.
    pub origin_ms: f64,
    /// The whole axis, seconds (end of the session, or now while live).
    pub full: RwSignal<f64>,
    /// The visible part of the axis; `None`: all of it.
    pub view: RwSignal<Option<(f64, f64)>>,
    /// The picked moment, seconds since the start.
    pub cursor: RwSignal<Option<f64>>,
    /// The highlighted event row (its DOM id).
    pub selected_event: RwSignal<Option<String>>,
    /// The highlighted alert (index).
    pub selected_alert: RwSignal<Option<usize>>,
    /// The highlighted content hit (index).
    pub selected_hit: RwSignal<Option<usize>>,
    /// An event row to bring into view (its DOM id): the events table is
    /// virtualised, so it scrolls itself to the row before the page does.
    pub reveal_event: RwSignal<Option<String>>,
    /// An alert row to bring into view (index), as for events.
    pub reveal_alert: RwSignal<Option<usize>>,
}

impl DetailState {
    /// Moves the visible range so that `t` is in it (centred), keeping the zoom.
    pub fn show_time(&self, t: f64) {
        if let Some((v0, v1)) = self.view.get_untracked() {
            if t < v0 || t > v1 {
                let span = v1 - v0;
                let total = self.full.get_untracked();
                let n0 = (t - span / 2.0).clamp(0.0, (total - span).max(0.0));
                self.view.set(Some((n0, n0 + span)));
            }
        }
    }

    /// Zooms to a window around `t` (a tenth of a long session, at least two
    /// minutes) so that a linked moment is seen with its surroundings.
    pub fn focus_time(&self, t: f64) {
        let total = self.full.get_untracked();
        if total <= 600.0 {
            self.show_time(t);
            return;
        }
        let half = (total * 0.05).max(60.0);
        let n0 = (t - half).clamp(0.0, (total - 2.0 * half).max(0.0));
        self.view.set(Some((n0, n0 + 2.0 * half)));
    }

    /// Picks a moment: the cursor goes there and the address becomes `#t=…`.
    pub fn set_moment(&self, t: f64) {
        self.cursor.set(Some(t));
        self.show_time(t);
        util::replace_hash(&format!("t={}", secs_text(t)));
    }

    /// Highlights an event row; with `scroll`, brings the row into view.
    pub fn select_event(&self, row_id: String, t: Option<f64>, scroll: bool) {
        self.selected_alert.set(None);
        self.selected_hit.set(None);
        if let Some(t) = t {
            self.cursor.set(Some(t));
            self.show_time(t);
        }
        if let Some(record) = row_id
            .strip_prefix("event-")
            .filter(|r| !r.starts_with('n'))
        {
            util::replace_hash(&format!("event={record}"));
        }
        if scroll {
            self.reveal_event.set(Some(row_id.clone()));
        }
        self.selected_event.set(Some(row_id));
    }

    /// Highlights alert `index` and scrolls its row into view.
    pub fn select_alert(&self, index: usize, t: Option<f64>) {
        self.selected_event.set(None);
        self.selected_hit.set(None);
        self.selected_alert.set(Some(index));
        if let Some(t) = t {
            self.cursor.set(Some(t));
            self.show_time(t);
        }
        self.reveal_alert.set(Some(index));
    }

    /// Highlights content hit `index` and puts the cursor at its start.
    pub fn select_hit(&self, index: usize, t: Option<f64>) {
        self.selected_event.set(None);
        self.selected_alert.set(None);
        self.selected_hit.set(Some(index));
        if let Some(t) = t {
            self.cursor.set(Some(t));
            self.show_time(t);
        }
    }
}
