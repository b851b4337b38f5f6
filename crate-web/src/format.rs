//! Turning API values into short text for the table.

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
/// the text means (it knows SPS's other spellings); only fixed class names come
/// out, never the (untrusted) verdict text itself.
pub fn verdict_class(verdict: &str) -> &'static str {
    use sps_core::VerdictKind as K;
    match K::from_text(verdict) {
        K::Accept => "badge badge-accept",
        K::Deny | K::AcceptTerminated => "badge badge-deny",
        K::AuthFail | K::Fail | K::GwAuthFail | K::KeyError | K::UserMappingFail => {
            "badge badge-fail"
        }
        K::Other => "badge badge-other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
