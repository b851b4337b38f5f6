//! The timeline's time axis: tick steps, clock labels at the precision a
//! step needs, and times relative to the session start.

use sps_core::Timestamp;

use super::super::util::ZoneChoice;
use crate::format;

/// A "nice" tick step (seconds) for `span` seconds: at most about 8 ticks.
pub(super) fn tick_step(span: f64) -> f64 {
    const STEPS: &[f64] = &[
        0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
        3600.0, 7200.0, 10800.0, 21600.0, 43200.0, 86400.0, 172_800.0, 604_800.0,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 8.0)
        .unwrap_or(span / 8.0)
}

/// How much of a clock time a label shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Precision {
    /// `HH:MM:SS.s`
    Tenths,
    /// `HH:MM:SS`
    Seconds,
    /// `HH:MM`
    Minutes,
    /// `MM-DD HH:MM`
    Days,
}

impl Precision {
    pub(super) fn for_step(step: f64) -> Precision {
        match step {
            s if s < 1.0 => Precision::Tenths,
            s if s < 60.0 => Precision::Seconds,
            s if s < 86_400.0 => Precision::Minutes,
            _ => Precision::Days,
        }
    }
}

/// The clock time of `secs` after the origin, in the zone.
pub(super) fn clock(origin_ms: f64, secs: f64, zone: ZoneChoice, precision: Precision) -> String {
    let ms = (origin_ms + secs * 1000.0).round() as i64;
    let text = Timestamp::from_unix_millis(ms)
        .map(|t| t.format_in(zone.zone()))
        .unwrap_or_default();
    // "2026-11-15 18:08:50.5 +01:00": date, time, offset.
    let mut parts = text.split(' ');
    let date = parts.next().unwrap_or_default();
    let time = parts.next().unwrap_or_default();
    match precision {
        Precision::Tenths => time.chars().take(10).collect(),
        Precision::Seconds => time.chars().take(8).collect(),
        Precision::Minutes => time.chars().take(5).collect(),
        Precision::Days => format!(
            "{} {}",
            date.chars().skip(5).collect::<String>(),
            time.chars().take(5).collect::<String>()
        ),
    }
}

/// `+1m 05s` relative to the session start.
pub fn relative(secs: f64) -> String {
    if secs < 0.0 {
        format!("−{}", format::duration((-secs).round() as i64))
    } else {
        format!("+{}", format::duration(secs.round() as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn ticks_stay_few() {
        assert_eq!(tick_step(60.0), 10.0);
        assert_eq!(tick_step(927.0), 120.0);
        assert!(tick_step(3.0) <= 0.5);
    }
}
