//! Alert highlighting: where a content policy's pattern matches the text an
//! audited user produced.
//!
//! The pattern comes from configuration but the text from the audited user,
//! so the engine must not backtrack: the browser's `RegExp` takes exponential
//! time on `(a+)+$` over "aaaa…ab" and freezes the tab. `regex-lite` runs in
//! time linear in the text (times the pattern's size, which is bounded here).
//! What it cannot run (backreferences, look-around) is reported as "pattern
//! not supported here" and the text is shown plainly.
//!
//! Pure Rust, so it is unit-tested natively.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use regex_lite::{Regex, RegexBuilder};

/// A piece of text, highlighted or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The text (shown as a text node).
    pub text: String,
    /// True for a part the pattern matched.
    pub mark: bool,
}

/// Longest pattern accepted, in bytes: the search costs text × pattern size.
const MAX_PATTERN: usize = 4_096;

/// Compiled-program size limit (bytes): bounds the per-character work.
const SIZE_LIMIT: usize = 256 * 1024;

/// Deepest nesting of groups and repetitions accepted.
const NEST_LIMIT: u32 = 64;

/// Most matches highlighted in one text.
pub const MAX_MATCHES: usize = 1_000;

/// Compiled patterns kept (alerts of one rule share a pattern).
const CACHE_SIZE: usize = 64;

/// What a pattern became: a program, nothing to run (empty pattern), or why
/// it is refused (shown next to the plain text).
pub type Compiled = Result<Option<Regex>, String>;

/// Translates an SPS content-policy pattern (Python/PCRE syntax, sometimes
/// written JavaScript-style as `/source/flags`) into `regex-lite` syntax:
/// `/…/flags` becomes a leading inline-flag group, Python's `\Z` becomes
/// `\z`. Leading `(?i)`-style groups are understood by `regex-lite` as is.
pub fn translate(pattern: &str) -> String {
    let (source, flags) = split_js_flags(pattern);
    let mut out = String::with_capacity(source.len() + 6);
    let inline: String = flags
        .chars()
        .filter(|c| matches!(c, 'i' | 'm' | 's'))
        .collect();
    if !inline.is_empty() {
        out.push_str("(?");
        out.push_str(&inline);
        out.push(')');
    }
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // Python's end of text (PCRE's is "end or before a final newline";
            // `\z` is the stricter reading and never highlights too much).
            Some('Z') => out.push_str("\\z"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `/source/flags` → (`source`, `flags`) when the pattern is written that
/// way (flags from JavaScript's set); else the pattern and no flags.
fn split_js_flags(pattern: &str) -> (&str, &str) {
    if let Some(rest) = pattern.strip_prefix('/') {
        if let Some((source, flags)) = rest.rsplit_once('/') {
            if !source.is_empty() && flags.chars().all(|c| "dgimsuy".contains(c)) {
                return (source, flags);
            }
        }
    }
    (pattern, "")
}

/// Compiles `pattern` (after [`translate`]) with bounded size and nesting.
pub fn compile(pattern: &str) -> Compiled {
    if pattern.is_empty() {
        return Ok(None);
    }
    if pattern.len() > MAX_PATTERN {
        return Err(format!(
            "pattern not supported here: longer than {MAX_PATTERN} bytes"
        ));
    }
    RegexBuilder::new(&translate(pattern))
        .size_limit(SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
        .map(Some)
        .map_err(|e| format!("pattern not supported here: {e}"))
}

thread_local! {
    static CACHE: RefCell<HashMap<String, Rc<Compiled>>> = RefCell::new(HashMap::new());
}

/// [`compile`], remembered: every row of a rule carries the same pattern.
pub fn compiled(pattern: &str) -> Rc<Compiled> {
    if let Some(hit) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let result = Rc::new(compile(pattern));
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_SIZE {
            cache.clear();
        }
        cache.insert(pattern.to_owned(), result.clone());
    });
    result
}

/// The byte ranges where `re` matches `text` (non-empty matches, at most
/// [`MAX_MATCHES`]).
pub fn match_ranges(re: &Regex, text: &str) -> Vec<(usize, usize)> {
    re.find_iter(text)
        .filter(|m| !m.is_empty())
        .take(MAX_MATCHES)
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// Splits `text` at byte ranges (from [`match_ranges`]: sorted, on character
/// boundaries) into plain and marked segments. A range that is not on a
/// boundary or overlaps the previous one is skipped, never sliced.
pub fn split(text: &str, ranges: &[(usize, usize)]) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut at = 0;
    for &(start, end) in ranges {
        if start < at || end <= start {
            continue;
        }
        let (Some(before), Some(marked)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        if !before.is_empty() {
            segments.push(Segment {
                text: before.to_owned(),
                mark: false,
            });
        }
        segments.push(Segment {
            text: marked.to_owned(),
            mark: true,
        });
        at = end;
    }
    match text.get(at..) {
        Some(rest) if !rest.is_empty() => segments.push(Segment {
            text: rest.to_owned(),
            mark: false,
        }),
        _ => {}
    }
    segments
}

/// The first `max` characters of `segments` (the last one cut at a
/// character boundary) and how many characters were left out: a table cell
/// shows a preview of what the pattern was run over.
pub fn take_chars(segments: Vec<Segment>, max: usize) -> (Vec<Segment>, usize) {
    let mut kept = Vec::new();
    let mut room = max;
    let mut left_out = 0;
    for segment in segments {
        if room == 0 {
            left_out += segment.text.chars().count();
            continue;
        }
        let (head, rest) = crate::format::prefix_chars(&segment.text, room);
        room -= head.chars().count();
        left_out += rest;
        kept.push(Segment {
            text: head.to_owned(),
            mark: segment.mark,
        });
    }
    (kept, left_out)
}

/// The text in plain and marked segments for `pattern`, and a note when the
/// pattern cannot be run here (the text is then one plain segment).
pub fn highlight(text: &str, pattern: &str) -> (Vec<Segment>, Option<String>) {
    let plain = || {
        vec![Segment {
            text: text.to_owned(),
            mark: false,
        }]
    };
    if text.is_empty() {
        return (Vec::new(), None);
    }
    match &*compiled(pattern) {
        Ok(Some(re)) => (split(text, &match_ranges(re, text)), None),
        Ok(None) => (plain(), None),
        Err(note) => (plain(), Some(note.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use proptest::prelude::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn marks(text: &str, pattern: &str) -> Vec<String> {
        highlight(text, pattern)
            .0
            .into_iter()
            .filter(|s| s.mark)
            .map(|s| s.text)
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn inline_and_suffix_flags() {
        assert_eq!(
            marks("Run PowerShell.exe now", "(?i)powershell(\\.exe)?"),
            ["PowerShell.exe"]
        );
        assert_eq!(marks("SUDO su sudo", "/sudo/gi"), ["SUDO", "sudo"]);
        assert_eq!(translate("/a.b/s"), "(?s)a.b");
        assert_eq!(translate("end\\Z"), "end\\z");
        assert_eq!(translate("a\\\\Z"), "a\\\\Z");
        assert_eq!(marks("a$ sudo -i", "sudo"), ["sudo"]);
        // Multi-byte text keeps whole characters.
        assert_eq!(marks("é𝄞x sudo é", "sudo"), ["sudo"]);
        assert_eq!(marks("ééé", "é+"), ["ééé"]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn unsupported_patterns_are_said_and_shown_plainly() {
        for pattern in ["(a)\\1", "(?=rm)rm", "(?<!x)y", "[unclosed"] {
            let (segments, note) = highlight("aa rm xy", pattern);
            assert_eq!(segments.len(), 1, "{pattern}");
            assert!(!segments[0].mark);
            let note = note.unwrap_or_default();
            assert!(note.starts_with("pattern not supported here: "), "{note}");
        }
        let huge = "a".repeat(MAX_PATTERN + 1);
        assert!(highlight("aaa", &huge).1.is_some());
        // A bounded program: a repetition that explodes the compiled size is refused.
        assert!(highlight("aaa", "((a{100}){100}){100}").1.is_some());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn catastrophic_patterns_run_in_linear_time() {
        let text = format!("{}b", "a".repeat(19_999));
        // A backtracking engine would never return from these (the test
        // runner's timeout would end the run); regex-lite is linear, so
        // they answer like any other pattern. No clock: speed is a bench's job.
        for pattern in ["(a+)+$", "(a|aa)+$", "(a*)*b$", "(\\w+\\s?)+$", "(.*a){20}"] {
            let (segments, _) = highlight(&text, pattern);
            assert_eq!(
                segments.iter().map(|s| s.text.len()).sum::<usize>(),
                text.len()
            );
        }
        assert_eq!(marks(&text, "(a+)+$"), Vec::<String>::new());
        assert_eq!(marks(&text, "(a+)+b$").len(), 1);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn empty_matches_and_many_matches_are_bounded() {
        assert_eq!(marks("abc", "x*"), Vec::<String>::new());
        let text = "a ".repeat(5_000);
        assert_eq!(marks(&text, "a").len(), MAX_MATCHES);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn previews_keep_the_marks() {
        let (segments, _) = highlight("ab sudo cd sudo", "sudo");
        let (kept, left_out) = take_chars(segments, 5);
        let texts: Vec<_> = kept.iter().map(|s| (s.text.as_str(), s.mark)).collect();
        assert_eq!(texts, [("ab ", false), ("su", true)]);
        assert_eq!(left_out, 10);
    }

    // proptest needs threads and OS randomness: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest! {
        #[test]
        fn previews_never_panic(text in "\\PC{0,30}", max in 0usize..40) {
            let (segments, _) = highlight(&text, "[a-zé]+");
            let (kept, left_out) = take_chars(segments, max);
            let shown: String = kept.iter().map(|s| s.text.as_str()).collect();
            prop_assert!(text.starts_with(&shown));
            prop_assert_eq!(shown.chars().count() + left_out, text.chars().count());
        }

        #[test]
        fn never_panics_and_keeps_the_text(text in "\\PC{0,40}", pattern in "\\PC{0,12}") {
            let (segments, _) = highlight(&text, &pattern);
            let joined: String = segments.iter().map(|s| s.text.as_str()).collect();
            prop_assert_eq!(joined, text);
        }

        #[test]
        fn split_never_panics(text in "\\PC{0,20}", ranges in proptest::collection::vec((0usize..80, 0usize..80), 0..6)) {
            let joined: String = split(&text, &ranges).iter().map(|s| s.text.as_str()).collect();
            // Skipped ranges never lose text.
            prop_assert_eq!(joined, text);
        }
    }
}
