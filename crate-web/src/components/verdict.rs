use leptos::prelude::*;

use crate::format::verdict_class;

/// A coloured badge for a session verdict. The text is the verdict as SPS sent
/// it, rendered as a text node; the colour comes from a fixed list.
#[component]
pub fn VerdictBadge(
    /// The verdict text (`ACCEPT`, `DENY`, `FAIL`, or anything newer).
    verdict: String,
) -> impl IntoView {
    let class = verdict_class(&verdict);
    let attr = verdict.clone();
    view! { <span class=class data-verdict=attr>{verdict}</span> }
}
