//! [`HistogramBin`], the interval units of `/api/audit/sessions/histogram`'s
//! `bin-size`, and the calendar arithmetic that puts an instant into its
//! interval (in UTC), shared by the simulator and callers that count the
//! same intervals themselves (the viewer's `_count` fallback).

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Timelike, Utc};

use crate::error::{ErrorKind, Result};

/// An interval unit of the histogram's `bin-size`. The reference names
/// `hour` as its example; the others are Elasticsearch's calendar intervals,
/// which SPS's search is built on (a choice: see docs/design.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HistogramBin {
    /// `minute`.
    Minute,
    /// `hour` (the reference's example).
    Hour,
    /// `day`: midnight to midnight, UTC.
    Day,
    /// `week`: Monday 00:00 UTC to the next.
    Week,
    /// `month`: the first of a month, UTC.
    Month,
    /// `year`: the first of January, UTC.
    Year,
}

impl HistogramBin {
    /// Every unit, shortest first.
    pub const ALL: [HistogramBin; 6] = [
        HistogramBin::Minute,
        HistogramBin::Hour,
        HistogramBin::Day,
        HistogramBin::Week,
        HistogramBin::Month,
        HistogramBin::Year,
    ];

    /// The parameter value (`hour`).
    pub fn as_str(self) -> &'static str {
        match self {
            HistogramBin::Minute => "minute",
            HistogramBin::Hour => "hour",
            HistogramBin::Day => "day",
            HistogramBin::Week => "week",
            HistogramBin::Month => "month",
            HistogramBin::Year => "year",
        }
    }

    /// Reads a parameter value (any case); anything else is an
    /// [`ErrorKind::SearchParameter`] for `bin-size`.
    pub fn parse(text: &str) -> Result<HistogramBin> {
        let lower = text.trim().to_ascii_lowercase();
        HistogramBin::ALL
            .into_iter()
            .find(|b| b.as_str() == lower)
            .ok_or_else(|| {
                ErrorKind::SearchParameter {
                    parameter: "bin-size".to_owned(),
                    message: format!("`{text}` is not one of minute, hour, day, week, month, year"),
                }
                .into()
            })
    }

    /// The start of the interval holding `t`.
    pub fn floor(self, t: DateTime<Utc>) -> DateTime<Utc> {
        let day = t.date_naive();
        let midnight = |d: NaiveDate| Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN));
        match self {
            HistogramBin::Minute => t
                .with_nanosecond(0)
                .and_then(|t| t.with_second(0))
                .unwrap_or(t),
            HistogramBin::Hour => t
                .with_nanosecond(0)
                .and_then(|t| t.with_second(0))
                .and_then(|t| t.with_minute(0))
                .unwrap_or(t),
            HistogramBin::Day => midnight(day),
            HistogramBin::Week => {
                let back = i64::from(day.weekday().num_days_from_monday());
                midnight(day - Duration::days(back))
            }
            HistogramBin::Month => midnight(day.with_day(1).unwrap_or(day)),
            HistogramBin::Year => midnight(day.with_ordinal(1).unwrap_or(day)),
        }
    }

    /// The start of the interval after the one starting at `start` (a
    /// value of [`HistogramBin::floor`]); months and years by the calendar.
    pub fn next(self, start: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            HistogramBin::Minute => start + Duration::minutes(1),
            HistogramBin::Hour => start + Duration::hours(1),
            HistogramBin::Day => start + Duration::days(1),
            HistogramBin::Week => start + Duration::weeks(1),
            // Past chrono's range (year 262143) there is no next month: stay
            // put would loop, so jump by a fixed length instead.
            HistogramBin::Month => start
                .checked_add_months(Months::new(1))
                .unwrap_or(start + Duration::days(31)),
            HistogramBin::Year => start
                .checked_add_months(Months::new(12))
                .unwrap_or(start + Duration::days(366)),
        }
    }

    /// The interval starts from the one holding `from` up to the one holding
    /// `to` (both included), at most `max` of them; `None` when there would
    /// be more (the simulator answers 400) or `to` is before `from`.
    pub fn starts(
        self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        max: usize,
    ) -> Option<Vec<DateTime<Utc>>> {
        if to < from {
            return None;
        }
        let mut out = Vec::new();
        let mut at = self.floor(from);
        while at <= to {
            if out.len() == max {
                return None;
            }
            out.push(at);
            at = self.next(at);
        }
        Some(out)
    }
}

impl std::fmt::Display for HistogramBin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for HistogramBin {
    type Err = crate::Error;
    fn from_str(text: &str) -> Result<HistogramBin> {
        HistogramBin::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    #[test]
    fn names_round_trip_and_bad_ones_are_search_parameter_errors() {
        for bin in HistogramBin::ALL {
            assert_eq!(HistogramBin::parse(bin.as_str()).unwrap(), bin);
            assert_eq!(bin.to_string().parse::<HistogramBin>().unwrap(), bin);
        }
        assert_eq!(HistogramBin::parse("HOUR").unwrap(), HistogramBin::Hour);
        let err = HistogramBin::parse("fortnight").unwrap_err();
        assert_eq!(err.kind_name(), "search-parameter");
        assert!(err.to_string().contains("bin-size"), "{err}");
    }

    #[test]
    fn floor_and_next_follow_the_calendar_in_utc() {
        let t = at("2024-02-29T13:45:12.345Z"); // a Thursday in a leap year
        let cases = [
            (
                HistogramBin::Minute,
                "2024-02-29T13:45:00Z",
                "2024-02-29T13:46:00Z",
            ),
            (
                HistogramBin::Hour,
                "2024-02-29T13:00:00Z",
                "2024-02-29T14:00:00Z",
            ),
            (
                HistogramBin::Day,
                "2024-02-29T00:00:00Z",
                "2024-03-01T00:00:00Z",
            ),
            (
                HistogramBin::Week,
                "2024-02-26T00:00:00Z",
                "2024-03-04T00:00:00Z",
            ),
            (
                HistogramBin::Month,
                "2024-02-01T00:00:00Z",
                "2024-03-01T00:00:00Z",
            ),
            (
                HistogramBin::Year,
                "2024-01-01T00:00:00Z",
                "2025-01-01T00:00:00Z",
            ),
        ];
        for (bin, floor, next) in cases {
            assert_eq!(bin.floor(t), at(floor), "{bin}");
            assert_eq!(bin.next(bin.floor(t)), at(next), "{bin}");
        }
    }

    #[test]
    fn starts_cover_both_ends_and_refuse_too_many() {
        let starts = HistogramBin::Hour
            .starts(at("2024-01-01T10:30:00Z"), at("2024-01-01T12:00:00Z"), 100)
            .unwrap();
        assert_eq!(
            starts,
            vec![
                at("2024-01-01T10:00:00Z"),
                at("2024-01-01T11:00:00Z"),
                at("2024-01-01T12:00:00Z")
            ]
        );
        assert!(HistogramBin::Minute
            .starts(at("2024-01-01T00:00:00Z"), at("2024-01-02T00:00:00Z"), 100)
            .is_none());
        assert!(HistogramBin::Day
            .starts(at("2024-01-02T00:00:00Z"), at("2024-01-01T00:00:00Z"), 100)
            .is_none());
    }
}
