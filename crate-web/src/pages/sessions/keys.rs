//! Keyboard shortcuts of the list: j/k move the highlighted row, Enter
//! opens it (both from [`row_shortcuts`]), e opens the export menu.

use leptos::prelude::*;

use crate::components::login_dialog::Relogin;
use crate::components::session_table::TableRows;
use crate::components::table_keys::{html_element, row_shortcuts};

/// Installs the list's keyboard shortcuts for as long as the page lives.
pub(super) fn shortcuts(
    shown: Memo<Option<TableRows>>,
    highlight: RwSignal<Option<usize>>,
    relogin: RwSignal<Relogin>,
) {
    row_shortcuts(
        move || shown.with_untracked(|r| r.as_ref().map_or(0, TableRows::len)),
        highlight,
        relogin,
        "#sessions-table tr.is-highlighted a.key-link",
        |ev| {
            if ev.key() == "e" {
                if let Some(menu) = html_element("#export-menu") {
                    ev.prevent_default();
                    let _ = menu.set_attribute("open", "");
                    if let Some(first) = html_element("#export-menu button") {
                        let _ = first.focus();
                    }
                }
            }
        },
    );
}
