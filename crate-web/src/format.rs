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

/// The CSS modifier for a verdict badge. Only fixed class names come out, never
/// the (untrusted) verdict text itself.
pub fn verdict_class(verdict: &str) -> &'static str {
    match verdict.to_ascii_uppercase().as_str() {
        "ACCEPT" | "ACCEPTED" => "badge badge-accept",
        "DENY" | "DENIED" | "REJECT" | "REJECTED" => "badge badge-deny",
        "FAIL" | "FAILED" | "ERROR" | "ABORT" => "badge badge-fail",
        _ => "badge badge-other",
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
}
