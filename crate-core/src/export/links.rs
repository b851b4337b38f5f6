//! Links in exports: a session's audit-trail download link and its own
//! `meta` links, built with the request layer's path builder.

use crate::model::envelope::SingleMeta;
use crate::request::path::{push_session_part_path, session_path, SESSIONS_PATH};

/// `<base>/api/audit/sessions/<key>/audit_trail`, the key percent-encoded
/// (as [`encode_component`] does); a trailing `/` of the base is dropped.
pub fn trail_download_link(public_base: &str, key: &str) -> String {
    let mut link = String::with_capacity(public_base.len() + key.len() + 32);
    push_trail_link(&mut link, public_base, key);
    link
}

pub(super) fn push_trail_link(out: &mut String, public_base: &str, key: &str) {
    out.push_str(public_base.trim_end_matches('/'));
    // Written in place: the CSV exporter calls this once per row.
    push_session_part_path(out, key, "audit_trail");
}

/// The `meta` SPS gives a session: its own link and the list's.
pub(super) fn session_meta(key: &str) -> SingleMeta {
    SingleMeta {
        href: Some(session_path(key)),
        parent: Some(SESSIONS_PATH.to_owned()),
        remaining_seconds: None,
    }
}
