//! Paging offsets of the simulator's relative links
//! (`meta.first/last/next/previous`). The links themselves are built with
//! sps-core's `ApiPath` in the documented parameter order (`limit`, `offset`,
//! `fields`, then the search parameters, for example
//! `/api/audit/sessions?limit=500&offset=0&fields=start_time,name,duration&q=name%3Amyname&sort=duration`),
//! so the simulator's links and the client's requests agree byte for byte.

/// Offsets of the paging links for `count` items (capped at `window`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    /// Offset of the last page.
    pub last: usize,
    /// Offset of the next page, if any.
    pub next: Option<usize>,
    /// Offset of the previous page, if any.
    pub previous: Option<usize>,
}

/// Paging offsets for a page at `offset` of `limit` items out of `count`
/// reachable items.
pub fn pages(count: usize, offset: usize, limit: usize) -> Pages {
    let limit = limit.max(1);
    let last = if count == 0 {
        0
    } else {
        (count - 1) / limit * limit
    };
    Pages {
        last,
        next: offset.checked_add(limit).filter(|next| *next < count),
        previous: (offset > 0).then(|| offset.saturating_sub(limit)),
    }
}
