//! The shared signals of the session list page ([`Ctx`]) and the small
//! status types they hold: one `Copy` bundle, so the toolbar, the result
//! views and the fetch/export tasks can all capture it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use sps_core::query::FieldSpec;

use super::loaded::Loaded;
use crate::components::fetch_all::FetchRun;
use crate::components::login_dialog::Relogin;
use crate::list_state::ListState;

/// What an export is doing, for the line next to the export menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ExportStatus {
    /// Under way: what it is doing now.
    Working(String),
    /// Saved: the file and what it holds.
    Done(String),
    /// Not exported (declined, cancelled, failed): why.
    Failed(String),
}

/// The page's shared signals; `Copy`, so handlers can capture it freely.
#[derive(Clone, Copy)]
pub(super) struct Ctx {
    pub(super) state: Memo<ListState>,
    pub(super) columns: RwSignal<Vec<&'static FieldSpec>>,
    pub(super) widths: RwSignal<BTreeMap<String, f64>>,
    pub(super) data_key: Memo<ListState>,
    pub(super) go: Callback<ListState>,
    pub(super) loaded: RwSignal<Option<Loaded>>,
    pub(super) current: Memo<Option<Loaded>>,
    pub(super) run: RwSignal<Option<FetchRun>>,
    pub(super) relogin: RwSignal<Relogin>,
    pub(super) export_status: RwSignal<Option<ExportStatus>>,
    /// `_count` of a search whose `match_count` was at the 10,000 cap (a
    /// lower bound on SPS 7.x/8.x): `None` inside while it is being asked,
    /// or when the appliance has no `_count`.
    pub(super) exact_count: RwSignal<Option<(ListState, ExactCount)>>,
}

/// What `_count` said about a search whose `match_count` was at the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ExactCount {
    /// Asked, no answer yet.
    Asking,
    /// The exact number.
    Known(u64),
    /// The appliance did not tell (no `_count`, or it failed).
    Unavailable,
}
