//! What the list leaves in `sessionStorage` for the detail page: the keys
//! it shows (previous/next) and its URL (the way back).

/// `sessionStorage` key of the keys the list shows, a JSON array in table
/// order (read by the detail page for previous/next).
pub const LIST_KEYS_KEY: &str = "spsview.list.keys";

/// `sessionStorage` key of the list's URL, for the detail page's way back.
pub const LIST_URL_KEY: &str = "spsview.list.url";

/// Stores the shown keys and the list URL. Best effort: storage can be
/// disabled or full, and previous/next is a convenience, so failures are ignored.
pub(super) fn remember_list(keys: &[&str], url: &str) {
    crate::storage::session_set(LIST_KEYS_KEY, &keys);
    // Plain text, not JSON: the detail page reads it back as it is.
    crate::storage::session_set_text(LIST_URL_KEY, url);
}
