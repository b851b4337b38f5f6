//! Turning API values into short text for the table.

/// Most characters of one value put on the page. SPS content is typed by the
/// audited, and a reply may carry megabytes in one string: laying that out
/// would freeze the page, while 20,000 characters are more than anyone reads
/// in a cell (the exports keep the whole value).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// `text` cut to `max` characters, with `… (N more characters)` saying how
/// much was left out; unchanged when short enough.
pub fn clip(text: &str, max: usize) -> String {
    // Cheap test first: a value of `max` bytes or fewer has at most `max` characters.
    if text.len() <= max {
        return text.to_owned();
    }
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            format!("{}… ({rest} more characters)", &text[..cut])
        }
    }
}

/// [`clip`] at [`MAX_TEXT_CHARS`]: every value shown as text.
pub fn shown(text: &str) -> String {
    clip(text, MAX_TEXT_CHARS)
}

/// A duration in seconds as analysts read it: `45s`, `3m 05s`, `1h 02m`, `2d 03h`.
pub fn duration(seconds: i64) -> String {
    if seconds < 0 {
        // SPS computes durations; a negative one is a data problem worth showing as is.
        return format!("{seconds}s");
    }
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
        seconds % 60,
    );
    if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// The CSS classes for a verdict badge. crate-core's `VerdictKind` decides what
/// the text means (it knows SPS's other spellings, ignoring case, `_` and
/// `-`); only fixed class names come out, never the (untrusted) verdict text
/// itself. Terminated sessions (7.x `TERMINATED`, 6.0 `accept-terminated`)
/// have a badge of their own: the session ran, then SPS cut it.
pub fn verdict_class(verdict: &str) -> &'static str {
    use sps_core::VerdictKind as K;
    match K::from_text(verdict) {
        K::Accept => "badge badge-accept",
        K::Terminated | K::AcceptTerminated => "badge badge-terminated",
        K::Deny => "badge badge-deny",
        K::AuthFail | K::Fail | K::GwAuthFail | K::KeyError | K::UserMappingFail => {
            "badge badge-fail"
        }
        K::Other => "badge badge-other",
    }
}

/// What a verdict means, for the badge's tooltip: fixed text from the 6.0
/// pages' verdict list, whatever the spelling; `None` for unknown text.
pub fn verdict_title(verdict: &str) -> Option<&'static str> {
    use sps_core::VerdictKind as K;
    Some(match K::from_text(verdict) {
        K::Accept => "The connection attempt was successful",
        K::Terminated | K::AcceptTerminated => {
            "The connection violated a content policy and was terminated by SPS"
        }
        K::AuthFail => "Authentication failure",
        K::Deny => "The connection was denied",
        K::Fail => "The connection attempt failed",
        K::GwAuthFail => "Gateway authentication failure",
        K::KeyError => "Host key mismatch",
        K::UserMappingFail => "User mapping failure",
        K::Other => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_clipped_and_says_how_much() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("abcdefghij", 10), "abcdefghij");
        assert_eq!(clip("abcdefghijkl", 10), "abcdefghij… (2 more characters)");
        // Characters, not bytes.
        assert_eq!(clip("ééééé", 3), "ééé… (2 more characters)");
        assert_eq!(clip("éé", 3), "éé");
        let huge = "x".repeat(5_000_000);
        let out = shown(&huge);
        assert!(out.starts_with(&"x".repeat(MAX_TEXT_CHARS)));
        assert!(out.ends_with("… (4980000 more characters)"));
    }

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(185), "3m 05s");
        assert_eq!(duration(3_720), "1h 02m");
        assert_eq!(duration(183_600), "2d 03h");
    }

    #[test]
    fn verdict_colours() {
        assert_eq!(verdict_class("ACCEPT"), "badge badge-accept");
        assert_eq!(verdict_class("Accepted"), "badge badge-accept");
        assert_eq!(verdict_class("DENY"), "badge badge-deny");
        assert_eq!(verdict_class("AUTH-FAIL"), "badge badge-fail");
        assert_eq!(verdict_class("<b>new</b>"), "badge badge-other");
        // Real 7.x spellings, and `_`/`-`/case alike.
        for failed in [
            "AUTH_FAIL",
            "Auth_Fail",
            "auth-fail",
            "GW_AUTH_FAIL",
            "USER_MAPPING_FAIL",
            "KEY_ERROR",
            "FAIL",
        ] {
            assert_eq!(verdict_class(failed), "badge badge-fail", "{failed}");
        }
        assert_eq!(verdict_class("TERMINATED"), "badge badge-terminated");
        assert_eq!(verdict_class("accept-terminated"), "badge badge-terminated");
        assert_eq!(verdict_class("ACCEPT_TERMINATED"), "badge badge-terminated");
        assert_eq!(verdict_class("QUARANTINED"), "badge badge-other");
        assert_eq!(
            verdict_title("TERMINATED"),
            verdict_title("accept-terminated")
        );
        assert_eq!(
            verdict_title("GW_AUTH_FAIL"),
            Some("Gateway authentication failure")
        );
        assert_eq!(verdict_title("<b>new</b>"), None);
    }
}
