use leptos::prelude::*;

use crate::format::{verdict_class, verdict_title};

/// A coloured badge for a session verdict. The text is the verdict as SPS sent
/// it (`AUTH_FAIL`, `auth-fail`, or anything newer), rendered as a text node;
/// the colour and the tooltip come from fixed lists (`badge-terminated` for
/// `TERMINATED` and `accept-terminated`).
#[component]
pub fn VerdictBadge(
    /// The verdict text (`ACCEPT`, `DENY`, `FAIL`, `TERMINATED`, or anything newer).
    verdict: String,
) -> impl IntoView {
    let class = verdict_class(&verdict);
    let title = verdict_title(&verdict);
    let attr = verdict.clone();
    view! { <span class=class title=title data-verdict=attr>{verdict}</span> }
}
