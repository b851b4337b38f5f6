//! Keyboard shortcuts of the list: j/k move the highlighted row, Enter
//! opens it, e opens the export menu; and the DOM look-ups they need.

use leptos::prelude::*;

use crate::components::login_dialog::Relogin;
use crate::components::session_table::TableRows;

/// True when keyboard shortcuts must leave the key alone: typing in a field,
/// or a key combined with Ctrl/Meta/Alt.
pub(crate) fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    let in_field = ev
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
        .is_some_and(|el| {
            el.is_content_editable()
                || matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        });
    in_field || ev.ctrl_key() || ev.meta_key() || ev.alt_key()
}

/// The first element matching `selector`, as an `HtmlElement`.
pub(crate) fn html_element(selector: &str) -> Option<web_sys::HtmlElement> {
    let found = web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()
        .flatten()?;
    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(found).ok()
}

/// Installs the list's keyboard shortcuts for as long as the page lives:
/// j/k move `highlight` over the `shown` rows, Enter opens the highlighted
/// one, e opens the export menu. Nothing while the login dialog asks.
pub(super) fn shortcuts(
    shown: Memo<Option<TableRows>>,
    highlight: RwSignal<Option<usize>>,
    relogin: RwSignal<Relogin>,
) {
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if typing(&ev) || relogin.get_untracked() == Relogin::Asking {
            return;
        }
        let total = shown.with_untracked(|r| r.as_ref().map_or(0, TableRows::len));
        match ev.key().as_str() {
            "j" if total > 0 => {
                ev.prevent_default();
                highlight.update(|h| *h = Some(h.map_or(0, |i| (i + 1).min(total - 1))));
            }
            "k" if total > 0 => {
                ev.prevent_default();
                highlight.update(|h| *h = Some(h.map_or(0, |i| i.saturating_sub(1))));
            }
            "Enter" => {
                // Enter on a focused link or button keeps its own meaning.
                let on_control = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|el| matches!(el.tag_name().as_str(), "A" | "BUTTON" | "SUMMARY"));
                if highlight.get_untracked().is_some() && !on_control {
                    if let Some(link) = html_element("#sessions-table tr.is-highlighted a.key-link")
                    {
                        ev.prevent_default();
                        link.click();
                    }
                }
            }
            "e" => {
                if let Some(menu) = html_element("#export-menu") {
                    ev.prevent_default();
                    let _ = menu.set_attribute("open", "");
                    if let Some(first) = html_element("#export-menu button") {
                        let _ = first.focus();
                    }
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
}
