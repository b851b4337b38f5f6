//! One timestamp type for every form SPS sends.
//!
//! SPS writes times as ISO 8601 with an offset or `Z` (sessions), ISO 8601 without
//! any offset (events, alerts, content hits), UNIX seconds (older versions, channels)
//! and UNIX milliseconds (indexing statistics). [`Timestamp`] keeps the form it was
//! read in, so re-encoding writes back exactly what SPS sent, and converts to an
//! instant for ordering and display.

use std::fmt;

use chrono::{
    DateTime, Duration, FixedOffset, Local, NaiveDate, NaiveDateTime, Offset, SecondsFormat,
    TimeZone, Utc,
};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::{ErrorKind, Result};

/// The form a [`Timestamp`] was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampForm {
    /// ISO 8601 text with an offset or `Z` (`2018-09-15T15:53:00+05:00`).
    IsoWithOffset(FixedOffset),
    /// ISO 8601 text without an offset (`2017-04-25T13:26:39.144356`), taken as UTC.
    IsoWithoutOffset,
    /// A date without a time (`2017-01-20`, user input only): midnight UTC of that day.
    Date,
    /// UNIX seconds as a JSON integer.
    UnixSeconds,
    /// UNIX seconds as a JSON float (fractions of a second).
    UnixSecondsFloat,
    /// UNIX milliseconds as a JSON integer (indexing statistics).
    UnixMillis,
}

/// How the original value is kept, to write it back unchanged.
#[derive(Debug, Clone, PartialEq)]
enum Repr {
    Text(Box<str>),
    Seconds(i64),
    SecondsFloat(f64),
    Millis(i64),
}

/// A point in time in one of the forms SPS sends, keeping that form.
///
/// Equality is structural (same instant *and* same written form); compare
/// [`Timestamp::instant`] to order or to compare instants. A time written without
/// an offset is taken as UTC for ordering; [`Timestamp::offset`] is `None` for it.
///
/// In serde, a bare integer is read as UNIX seconds; use the [`unix_millis`] helper
/// module (`#[serde(with = "...")]`) where SPS sends milliseconds.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string | number"))]
pub struct Timestamp {
    instant: DateTime<Utc>,
    form: TimestampForm,
    repr: Repr,
}

/// A time zone to display timestamps in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// Coordinated universal time.
    #[default]
    Utc,
    /// A fixed offset from UTC (for example the appliance's zone).
    Fixed(FixedOffset),
    /// The zone of the machine (the browser's zone in wasm).
    Local,
}

fn ts_error(input: &str, message: impl Into<String>) -> crate::Error {
    ErrorKind::Timestamp {
        input: input.to_owned(),
        message: message.into(),
    }
    .into()
}

impl Timestamp {
    /// Reads ISO 8601 text as SPS writes it: with an offset or `Z`, or without any
    /// offset (taken as UTC), fractions of a second with any number of digits, `T`
    /// or a space between date and time. Also accepts what a person types in a
    /// search: a date only (`2017-01-20`) and a time without seconds
    /// (`2017-01-20T11:00`, with or without offset).
    pub fn parse(text: &str) -> Result<Timestamp> {
        let s = text.trim();
        if s.is_empty() {
            return Err(ts_error(text, "empty"));
        }
        let (instant, form) = parse_text(s).ok_or_else(|| {
            ts_error(
                text,
                "expected an ISO 8601 date and time such as 2017-01-25T11:11:52+01:00, \
                 2017-01-20T11:00 or 2017-01-20",
            )
        })?;
        Ok(Timestamp {
            instant,
            form,
            repr: Repr::Text(s.into()),
        })
    }

    /// A timestamp in the form current SPS versions write
    /// (`2018-10-11T09:23:38.000+02:00`, always milliseconds; `Z` is not used).
    pub fn from_datetime<Tz: TimeZone>(time: &DateTime<Tz>) -> Timestamp {
        let fixed = time.fixed_offset();
        let text = fixed.to_rfc3339_opts(SecondsFormat::Millis, false);
        Timestamp {
            instant: time.with_timezone(&Utc),
            form: TimestampForm::IsoWithOffset(*fixed.offset()),
            repr: Repr::Text(text.into()),
        }
    }

    /// UNIX seconds, written back as a JSON integer. `None` if out of range.
    pub fn from_unix_seconds(seconds: i64) -> Option<Timestamp> {
        let instant = DateTime::from_timestamp(seconds, 0)?;
        Some(Timestamp {
            instant,
            form: TimestampForm::UnixSeconds,
            repr: Repr::Seconds(seconds),
        })
    }

    /// UNIX seconds with fractions, written back as a JSON float. `None` if out of
    /// range or not finite.
    pub fn from_unix_seconds_f64(seconds: f64) -> Option<Timestamp> {
        let instant = instant_from_f64(seconds)?;
        Some(Timestamp {
            instant,
            form: TimestampForm::UnixSecondsFloat,
            repr: Repr::SecondsFloat(seconds),
        })
    }

    /// UNIX milliseconds, written back as a JSON integer. `None` if out of range.
    pub fn from_unix_millis(millis: i64) -> Option<Timestamp> {
        let instant = DateTime::from_timestamp_millis(millis)?;
        Some(Timestamp {
            instant,
            form: TimestampForm::UnixMillis,
            repr: Repr::Millis(millis),
        })
    }

    /// The instant in UTC. A time written without an offset is taken as UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        self.instant
    }

    /// The form it was written in.
    pub fn form(&self) -> TimestampForm {
        self.form
    }

    /// The offset it was written with, if it was ISO text with one (`Z` gives +00:00).
    pub fn offset(&self) -> Option<FixedOffset> {
        match self.form {
            TimestampForm::IsoWithOffset(offset) => Some(offset),
            _ => None,
        }
    }

    /// True for a date without a time (user input such as `2017-01-20`).
    pub fn is_date_only(&self) -> bool {
        self.form == TimestampForm::Date
    }

    /// The first instant after the period the text names: the next midnight (UTC)
    /// for a date only, the instant itself otherwise. Lets `end=2017-01-20` mean
    /// "ended on that day or before". The last day chrono can represent
    /// (`+262142-12-31`) ends at the latest representable instant.
    pub fn period_end(&self) -> DateTime<Utc> {
        if self.is_date_only() {
            // `+` panics on overflow (found by fuzzing: `end=+262142-12-31`).
            self.instant
                .checked_add_signed(Duration::days(1))
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        } else {
            self.instant
        }
    }

    /// The original text for ISO forms, or the number as written for UNIX forms.
    pub fn original(&self) -> String {
        match &self.repr {
            Repr::Text(text) => text.to_string(),
            Repr::Seconds(n) | Repr::Millis(n) => n.to_string(),
            Repr::SecondsFloat(f) => f.to_string(),
        }
    }

    /// The original text, without allocating, when it was ISO text.
    pub fn original_text(&self) -> Option<&str> {
        match &self.repr {
            Repr::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Shows the instant in `zone`, always writing the offset so that nobody has
    /// to guess the zone: `2018-09-15 15:53:00 +05:00`. Fractions of a second are
    /// shown only when not zero.
    pub fn format_in(&self, zone: Zone) -> String {
        // `%.f` writes nothing for whole seconds and 3, 6 or 9 digits otherwise.
        const FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f %:z";
        match zone {
            Zone::Utc => self.instant.fixed_offset().format(FORMAT).to_string(),
            Zone::Fixed(offset) => self
                .instant
                .with_timezone(&offset)
                .format(FORMAT)
                .to_string(),
            Zone::Local => self
                .instant
                .with_timezone(&Local)
                .format(FORMAT)
                .to_string(),
        }
    }

    /// Shows the instant in the zone it was written in (UTC for forms without
    /// an offset), offset always written.
    pub fn format_original_zone(&self) -> String {
        match self.offset() {
            Some(offset) => self.format_in(Zone::Fixed(offset)),
            None => self.format_in(Zone::Utc),
        }
    }
}

impl Zone {
    /// The offset of this zone at `instant`.
    pub fn offset_at(&self, instant: DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::Utc => Utc.fix(),
            Zone::Fixed(offset) => *offset,
            Zone::Local => instant.with_timezone(&Local).offset().fix(),
        }
    }
}

fn instant_from_f64(seconds: f64) -> Option<DateTime<Utc>> {
    if !seconds.is_finite() {
        return None;
    }
    let whole = seconds.floor();
    // Range check before the cast so that huge values do not saturate silently.
    if whole < i64::MIN as f64 || whole > i64::MAX as f64 {
        return None;
    }
    let nanos = ((seconds - whole) * 1e9).round() as u32;
    let (whole, nanos) = if nanos >= 1_000_000_000 {
        (whole as i64 + 1, 0)
    } else {
        (whole as i64, nanos)
    };
    DateTime::from_timestamp(whole, nanos)
}

/// Parses trimmed ISO-like text with chrono; `None` if it is in no accepted form.
fn parse_text(s: &str) -> Option<(DateTime<Utc>, TimestampForm)> {
    if let Ok(time) = DateTime::parse_from_rfc3339(s) {
        return Some((
            time.with_timezone(&Utc),
            TimestampForm::IsoWithOffset(*time.offset()),
        ));
    }
    // `%#z` accepts `Z`, `+05:00`, `+0500` and `+05`; `%.f` any number of digits.
    const WITH_OFFSET: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%d %H:%M%#z",
    ];
    for format in WITH_OFFSET {
        if let Ok(time) = DateTime::parse_from_str(s, format) {
            return Some((
                time.with_timezone(&Utc),
                TimestampForm::IsoWithOffset(*time.offset()),
            ));
        }
    }
    // Some writers put a space before the offset (`2018-09-15 15:53:00 +05:00`).
    for format in ["%Y-%m-%d %H:%M:%S%.f %#z", "%Y-%m-%dT%H:%M:%S%.f %#z"] {
        if let Ok(time) = DateTime::parse_from_str(s, format) {
            return Some((
                time.with_timezone(&Utc),
                TimestampForm::IsoWithOffset(*time.offset()),
            ));
        }
    }
    const WITHOUT_OFFSET: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    for format in WITHOUT_OFFSET {
        if let Ok(time) = NaiveDateTime::parse_from_str(s, format) {
            return Some((time.and_utc(), TimestampForm::IsoWithoutOffset));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some((date.and_hms_opt(0, 0, 0)?.and_utc(), TimestampForm::Date));
    }
    None
}

impl std::str::FromStr for Timestamp {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Timestamp> {
        Timestamp::parse(s)
    }
}

impl fmt::Display for Timestamp {
    /// Writes the original form (ISO text as sent, or the UNIX number).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Text(text) => f.write_str(text),
            Repr::Seconds(n) | Repr::Millis(n) => write!(f, "{n}"),
            Repr::SecondsFloat(x) => write!(f, "{x}"),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match &self.repr {
            Repr::Text(text) => serializer.serialize_str(text),
            Repr::Seconds(n) | Repr::Millis(n) => serializer.serialize_i64(*n),
            Repr::SecondsFloat(x) => serializer.serialize_f64(*x),
        }
    }
}

/// Which unit a bare JSON number is in.
#[derive(Clone, Copy)]
enum NumberUnit {
    Seconds,
    Millis,
}

struct TimestampVisitor(NumberUnit);

impl TimestampVisitor {
    fn make<E: de::Error>(&self, n: i64) -> std::result::Result<Timestamp, E> {
        let ts = match self.0 {
            NumberUnit::Seconds => Timestamp::from_unix_seconds(n),
            NumberUnit::Millis => Timestamp::from_unix_millis(n),
        };
        ts.ok_or_else(|| E::custom(format_args!("timestamp {n} is out of range")))
    }
}

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            NumberUnit::Seconds => f.write_str("an ISO 8601 timestamp or UNIX seconds"),
            NumberUnit::Millis => f.write_str("an ISO 8601 timestamp or UNIX milliseconds"),
        }
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Timestamp, E> {
        self.make(n)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Timestamp, E> {
        let n = i64::try_from(n)
            .map_err(|_| E::custom(format_args!("timestamp {n} is out of range")))?;
        self.make(n)
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> std::result::Result<Timestamp, E> {
        let out_of_range = || E::custom(format_args!("timestamp {x} is out of range"));
        match self.0 {
            NumberUnit::Seconds => Timestamp::from_unix_seconds_f64(x).ok_or_else(out_of_range),
            // Milliseconds are whole numbers; a float there is a different field.
            NumberUnit::Millis => Err(E::custom(format_args!(
                "expected whole UNIX milliseconds, found {x}"
            ))),
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Timestamp, E> {
        Timestamp::parse(s).map_err(|e| match e.into_kind() {
            ErrorKind::Timestamp { input, message } => {
                E::custom(format_args!("invalid timestamp `{input}`: {message}"))
            }
            other => E::custom(other),
        })
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor(NumberUnit::Seconds))
    }
}

/// Serde helper for fields where SPS sends UNIX **milliseconds** (indexing
/// statistics): `#[serde(with = "unix_millis")]` on an `Option<Timestamp>` field
/// (absent and `null` both give `None`). ISO text is accepted too.
pub mod unix_millis {
    use super::{NumberUnit, Timestamp, TimestampVisitor};
    use serde::{Deserializer, Serialize, Serializer};

    /// Writes the timestamp back in its original form.
    pub fn serialize<S: Serializer>(
        value: &Option<Timestamp>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads a bare number as UNIX milliseconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Timestamp>, D::Error> {
        struct OptVisitor;
        impl<'de> serde::de::Visitor<'de> for OptVisitor {
            type Value = Option<Timestamp>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("UNIX milliseconds, an ISO 8601 timestamp or null")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                d.deserialize_any(TimestampVisitor(NumberUnit::Millis))
                    .map(Some)
            }
        }
        deserializer.deserialize_option(OptVisitor)
    }
}
