//! Dates that carry their precision: a day, a month or a year, each possibly approximate.
//!
//! Human-rights documentation rarely knows the exact day: "in March 2025", "around 2019". A
//! [`FuzzyDate`] keeps exactly what is known and writes it as a reduced-precision ISO 8601 date,
//! with a leading `~` when it is approximate: `2025-03-15`, `2025-03`, `2025`, `~2025-03`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

/// How much of a date is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    /// Only the year.
    Year,
    /// The year and month.
    Month,
    /// The exact day.
    Day,
}

/// A calendar date known to a given precision, possibly approximate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FuzzyDate {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
    approximate: bool,
}

/// Why a text or a set of parts is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FuzzyDateError {
    /// The text does not have the form `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (optionally with `~`).
    #[error(
        "{0:?} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, with a leading ~ if approximate"
    )]
    Syntax(String),
    /// The year is outside 1000–9999.
    #[error("year {0} is out of range: use a year between 1000 and 9999")]
    Year(i32),
    /// The month is not 1–12.
    #[error("month {0} does not exist: use 1 to 12")]
    Month(u8),
    /// The day does not exist in that month.
    #[error("day {day} does not exist in {year}-{month:02}")]
    Day {
        /// The year.
        year: i32,
        /// The month.
        month: u8,
        /// The impossible day.
        day: u8,
    },
    /// A day was given without a month.
    #[error("a day cannot be known without its month")]
    DayWithoutMonth,
}

impl FuzzyDate {
    /// A date from its parts; refuses impossible precision (a day without a month) and days or
    /// months that do not exist.
    pub fn new(
        year: i32,
        month: Option<u8>,
        day: Option<u8>,
        approximate: bool,
    ) -> Result<Self, FuzzyDateError> {
        if !(1000..=9999).contains(&year) {
            return Err(FuzzyDateError::Year(year));
        }
        if let Some(month) = month
            && !(1..=12).contains(&month)
        {
            return Err(FuzzyDateError::Month(month));
        }
        match (month, day) {
            (None, Some(_)) => return Err(FuzzyDateError::DayWithoutMonth),
            (Some(month), Some(day)) => {
                let month_value =
                    Month::try_from(month).map_err(|_| FuzzyDateError::Month(month))?;
                if Date::from_calendar_date(year, month_value, day).is_err() {
                    return Err(FuzzyDateError::Day { year, month, day });
                }
            }
            _ => {}
        }
        Ok(Self {
            year,
            month,
            day,
            approximate,
        })
    }

    /// An exact day.
    pub fn day(year: i32, month: u8, day: u8) -> Result<Self, FuzzyDateError> {
        Self::new(year, Some(month), Some(day), false)
    }

    /// A month.
    pub fn month(year: i32, month: u8) -> Result<Self, FuzzyDateError> {
        Self::new(year, Some(month), None, false)
    }

    /// A year.
    pub fn year(year: i32) -> Result<Self, FuzzyDateError> {
        Self::new(year, None, None, false)
    }

    /// The exact day of a calendar date.
    pub fn from_date(date: Date) -> Self {
        Self {
            year: date.year(),
            month: Some(u8::from(date.month())),
            day: Some(date.day()),
            approximate: false,
        }
    }

    /// The same date marked approximate.
    pub fn approximately(self) -> Self {
        Self {
            approximate: true,
            ..self
        }
    }

    /// How much of the date is known.
    pub fn precision(&self) -> DatePrecision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => DatePrecision::Day,
            (Some(_), None) => DatePrecision::Month,
            _ => DatePrecision::Year,
        }
    }

    /// Whether the date is approximate.
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }

    /// The year.
    pub fn year_part(&self) -> i32 {
        self.year
    }

    /// The first day the date can mean.
    pub fn earliest(&self) -> Date {
        let month = self
            .month
            .and_then(|m| Month::try_from(m).ok())
            .unwrap_or(Month::January);
        let day = self.day.unwrap_or(1);
        Date::from_calendar_date(self.year, month, day).unwrap_or(Date::MIN)
    }

    /// The last day the date can mean.
    pub fn latest(&self) -> Date {
        match (self.month, self.day) {
            (Some(_), Some(_)) => self.earliest(),
            (Some(month), None) => {
                let month = Month::try_from(month).unwrap_or(Month::December);
                let last = time::util::days_in_month(month, self.year);
                Date::from_calendar_date(self.year, month, last).unwrap_or(Date::MAX)
            }
            _ => Date::from_calendar_date(self.year, Month::December, 31).unwrap_or(Date::MAX),
        }
    }
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.approximate {
            f.write_str("~")?;
        }
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl FromStr for FuzzyDate {
    type Err = FuzzyDateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || FuzzyDateError::Syntax(text.to_owned());
        let trimmed = text.trim();
        let (approximate, rest) = match trimmed.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut parts = rest.split('-');
        let year_text = parts.next().ok_or_else(syntax)?;
        let month_text = parts.next();
        let day_text = parts.next();
        if parts.next().is_some() {
            return Err(syntax());
        }
        let number = |part: &str, width: usize| -> Result<u32, FuzzyDateError> {
            if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax());
            }
            part.parse().map_err(|_| syntax())
        };
        let year = number(year_text, 4)? as i32;
        let month = month_text
            .map(|m| number(m, 2))
            .transpose()?
            .map(|m| m as u8);
        let day = day_text.map(|d| number(d, 2)).transpose()?.map(|d| d as u8);
        Self::new(year, month, day, approximate)
    }
}

impl Serialize for FuzzyDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FuzzyDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A span of time whose ends may be unknown (open) or imprecise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatePeriod {
    /// When it began, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<FuzzyDate>,
    /// When it ended; `None` means it has not ended or the end is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<FuzzyDate>,
}

impl DatePeriod {
    /// A period between two dates.
    pub fn between(start: FuzzyDate, end: FuzzyDate) -> Self {
        Self {
            start: Some(start),
            end: Some(end),
        }
    }

    /// A period that began and has not ended.
    pub fn since(start: FuzzyDate) -> Self {
        Self {
            start: Some(start),
            end: None,
        }
    }

    /// Whether the end certainly comes before the start: the latest day the end can mean is
    /// before the earliest day the start can mean.
    pub fn ends_before_it_starts(&self) -> bool {
        match (self.start, self.end) {
            (Some(start), Some(end)) => end.latest() < start.earliest(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<&str, &str>) {
        let parsed = text.parse::<FuzzyDate>();
        match (parsed, expected) {
            (Ok(date), Ok(want)) => assert_eq!(date.to_string(), want, "{text}"),
            (Err(error), Err(want)) => assert_eq!(error.to_string(), want, "{text}"),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn parses_and_formats_each_precision() {
        check("2025-03-15", Ok("2025-03-15"));
        check("2025-03", Ok("2025-03"));
        check("2025", Ok("2025"));
        check("~2025-07", Ok("~2025-07"));
        check(" 2024-02-29 ", Ok("2024-02-29"));
    }

    #[test]
    fn refuses_impossible_dates() {
        check("2025-02-29", Err("day 29 does not exist in 2025-02"));
        check("2025-13", Err("month 13 does not exist: use 1 to 12"));
        check(
            "0999",
            Err("year 999 is out of range: use a year between 1000 and 9999"),
        );
        check(
            "March 2025",
            Err(
                "\"March 2025\" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, with a leading ~ if approximate",
            ),
        );
        check(
            "2025-3-1",
            Err(
                "\"2025-3-1\" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, with a leading ~ if approximate",
            ),
        );
        assert_eq!(
            FuzzyDate::new(2025, None, Some(3), false),
            Err(FuzzyDateError::DayWithoutMonth)
        );
    }

    #[test]
    fn bounds_follow_precision() {
        let month: FuzzyDate = "2024-02".parse().unwrap();
        assert_eq!(month.earliest().to_string(), "2024-02-01");
        assert_eq!(month.latest().to_string(), "2024-02-29");
        let year: FuzzyDate = "2025".parse().unwrap();
        assert_eq!(year.latest().to_string(), "2025-12-31");
        assert_eq!(year.precision(), DatePrecision::Year);
    }

    #[test]
    fn period_order_respects_precision() {
        let march: FuzzyDate = "2025-03".parse().unwrap();
        let march_15: FuzzyDate = "2025-03-15".parse().unwrap();
        let feb: FuzzyDate = "2025-02-28".parse().unwrap();
        // A period from March 15 "to March" may be fine: March can mean March 31.
        assert!(!DatePeriod::between(march_15, march).ends_before_it_starts());
        assert!(DatePeriod::between(march_15, feb).ends_before_it_starts());
    }
}
