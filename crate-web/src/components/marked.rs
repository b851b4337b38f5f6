//! Highlighted text as the DOM shows it: the segments of
//! [`crate::highlight`] as text nodes, the matches inside `<mark>` elements
//! (built as elements, never markup), shared by the detail page's and the
//! alerts page's alert tables.

use leptos::prelude::*;

use crate::format::visible;
use crate::highlight::Segment;

/// The matched content as text nodes, the matches inside `<mark>`; marks
/// and plain pieces alike have their hidden characters made visible.
pub fn segments_view(segments: Vec<Segment>) -> impl IntoView {
    segments
        .into_iter()
        .map(|s| {
            let text = visible(&s.text);
            if s.mark {
                view! { <mark class="match">{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
}
