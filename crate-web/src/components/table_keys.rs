//! Keyboard stepping over a table's rows, shared by the list and the alerts
//! page: `j`/`k` move the highlighted row, Enter follows its link; never
//! while typing in a field, with Ctrl/Meta/Alt, or while the login dialog
//! asks.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::login_dialog::Relogin;

/// True when keyboard shortcuts must leave the key alone: typing in a field,
/// or a key combined with Ctrl/Meta/Alt.
pub fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    let in_field = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| {
            el.is_content_editable()
                || matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        });
    in_field || ev.ctrl_key() || ev.meta_key() || ev.alt_key()
}

/// The first element matching `selector`, as an `HtmlElement`.
pub fn html_element(selector: &str) -> Option<web_sys::HtmlElement> {
    let found = web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()
        .flatten()?;
    found.dyn_into::<web_sys::HtmlElement>().ok()
}

/// Installs row stepping for as long as the calling page lives: `j`/`k`
/// move `highlight` over `total()` rows, Enter clicks the link that
/// `open_link` selects in the highlighted row, and any other key goes to
/// `other` (the list's `e`, say).
pub fn row_shortcuts(
    total: impl Fn() -> usize + 'static,
    highlight: RwSignal<Option<usize>>,
    relogin: RwSignal<Relogin>,
    open_link: &'static str,
    other: impl Fn(&web_sys::KeyboardEvent) + 'static,
) {
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if typing(&ev) || relogin.get_untracked() == Relogin::Asking {
            return;
        }
        let total = total();
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
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| matches!(el.tag_name().as_str(), "A" | "BUTTON" | "SUMMARY"));
                if highlight.get_untracked().is_some() && !on_control {
                    if let Some(link) = html_element(open_link) {
                        ev.prevent_default();
                        link.click();
                    }
                }
            }
            _ => other(&ev),
        }
    });
    on_cleanup(move || keys.remove());
}
