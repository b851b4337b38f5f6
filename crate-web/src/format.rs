//! Turning API values into short text for the table.

/// Most characters of one value put on the page. SPS content is typed by the
/// audited, and a reply may carry megabytes in one string: laying that out
/// would freeze the page, while 20,000 characters are more than anyone reads
/// in a cell (the exports keep the whole value).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// `text` cut to `max` characters, with `… (N more characters)` saying how
/// much was left out, and with invisible characters made visible
/// ([`visible`]): this is what every untrusted value goes through on its way
/// to the page.
pub fn clip(text: &str, max: usize) -> String {
    // Cheap test first: a value of `max` bytes or fewer has at most `max` characters.
    if text.len() <= max {
        return visible(text);
    }
    match text.char_indices().nth(max) {
        None => visible(text),
        Some(_) => {
            let (head, rest) = prefix_chars(text, max);
            format!("{}… ({rest} more characters)", visible(head))
        }
    }
}

/// True for a character that changes how text reads without being seen:
/// bidirectional embeddings, overrides, isolates and marks, zero-width
/// characters, invisible operators, tag characters, and C0/C1 controls
/// (except TAB and LF, which lay text out as meant; CR only before LF).
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{ad}' | '\u{61c}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}'
        | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}')
}

/// `text` with every [`is_hidden`] character written as a visible mark such
/// as `⟨U+202E⟩`, so that a right-to-left override typed by an audited user
/// shows up instead of reversing what the auditor reads. CR stays before LF
/// (terminal line ends); alone it is marked. Text nodes only: the marks are
/// plain characters.
pub fn visible(text: &str) -> String {
    if !text.chars().any(is_hidden) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if is_hidden(c) {
            out.push_str(&format!("⟨U+{:04X}⟩", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The first `max` characters of `text` (a slice of it, never cut inside a
/// character) and how many characters follow.
pub fn prefix_chars(text: &str, max: usize) -> (&str, usize) {
    if text.len() <= max {
        return (text, 0);
    }
    match text.char_indices().nth(max) {
        None => (text, 0),
        Some((cut, _)) => match (text.get(..cut), text.get(cut..)) {
            (Some(head), Some(tail)) => (head, tail.chars().count()),
            _ => (text, 0),
        },
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
    use sps_core::model::VerdictKind as K;
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
    use sps_core::model::VerdictKind as K;
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
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
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

    #[wasm_bindgen_test(unsupported = test)]
    fn hidden_characters_become_visible_marks() {
        assert_eq!(visible("plain text\tand\nlines"), "plain text\tand\nlines");
        assert_eq!(visible("invoice\u{202e}fdp.exe"), "invoice⟨U+202E⟩fdp.exe");
        assert_eq!(visible("a\u{200b}b\u{feff}"), "a⟨U+200B⟩b⟨U+FEFF⟩");
        assert_eq!(
            visible("\u{2066}x\u{2069}\u{200e}\u{61c}"),
            "⟨U+2066⟩x⟨U+2069⟩⟨U+200E⟩⟨U+061C⟩"
        );
        assert_eq!(visible("bell\u{7}\u{1b}[31m"), "bell⟨U+0007⟩⟨U+001B⟩[31m");
        assert_eq!(visible("c1\u{85}"), "c1⟨U+0085⟩");
        assert_eq!(visible("line\r\nnext\rover"), "line\r\nnext⟨U+000D⟩over");
        assert_eq!(visible("tag\u{e0041}"), "tag⟨U+E0041⟩");
        // Clipping counts the original characters and marks what it keeps.
        assert_eq!(clip("\u{202e}abcdef", 3), "⟨U+202E⟩ab… (4 more characters)");
        assert_eq!(shown("\u{202e}"), "⟨U+202E⟩");
    }

    // proptest needs threads and OS randomness: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn no_hidden_character_survives(text in "\\PC*|[\u{0}-\u{ff}\u{200b}-\u{206f}\u{feff}]{0,40}") {
            let out = visible(&text);
            let mut chars = out.chars().peekable();
            while let Some(c) = chars.next() {
                // Only CR before LF is kept.
                proptest::prop_assert!(!is_hidden(c) || (c == '\r' && chars.peek() == Some(&'\n')), "{:?}", out);
            }
            let _ = clip(&text, 5);
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(185), "3m 05s");
        assert_eq!(duration(3_720), "1h 02m");
        assert_eq!(duration(183_600), "2d 03h");
    }

    #[wasm_bindgen_test(unsupported = test)]
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
