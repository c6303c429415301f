//! Resolving dates against the publication date, and writing them as `2025-12-22`, `2025-03`
//! or `2025`. Every step is checked: a date out of `time`'s range gives `None`, never a panic.

use time::{Date, Duration, Month, Weekday};

use crate::Precision;

/// Which way a date without a year (or a weekday) points from the publication date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Bare: the most recent on or before the publication date, or when the sentence speaks
    /// of the future the next one on or after it (after it, for a weekday).
    Auto,
    /// "last", "pasado": strictly before the publication date (before its month, for a
    /// month).
    Past,
    /// "next", "próximo": strictly after the publication date (after its month, for a
    /// month).
    Future,
    /// "this", "este" before a weekday: that day of the publication date's week (Monday to
    /// Sunday), which is the publication day itself for its own weekday; in a sentence about
    /// the future, a day of the week already gone is next week's.
    ThisWeek,
}

/// A date read from the text, before it is resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum When {
    /// A full or partial date with its year: "March 15, 2025", "July 2025", "2025".
    Absolute {
        /// The year.
        year: i32,
        /// The month (1–12), for day and month precision.
        month: Option<u8>,
        /// The day, for day precision.
        day: Option<u8>,
    },
    /// A day of a month without a year: "December 22", "el pasado 22 de diciembre".
    MonthDay {
        /// The month, 1–12.
        month: u8,
        /// The day.
        day: u8,
        /// Which way from the publication date.
        direction: Direction,
    },
    /// A month without a year: "March", "last March", "marzo pasado".
    Month {
        /// The month, 1–12.
        month: u8,
        /// Which way from the publication date.
        direction: Direction,
    },
    /// A month (and day) of a year given relative to the publication year: "March of last
    /// year", "en marzo del año pasado".
    MonthOfYear {
        /// The month, 1–12.
        month: u8,
        /// The day, for day precision.
        day: Option<u8>,
        /// Years from the publication year (-1 for "last year").
        years: i32,
    },
    /// A weekday: "on Tuesday", "el pasado lunes".
    Weekday {
        /// The weekday.
        weekday: Weekday,
        /// Which way from the publication date.
        direction: Direction,
    },
    /// Days from the publication date: "yesterday" (-1), "hace tres semanas" (-21).
    Days(i64),
    /// Months from the publication month: "last month" (-1), "hace un mes" (-1).
    Months(i64),
    /// Years from the publication year: "last year" (-1), "este año" (0).
    Years(i64),
}

impl When {
    /// How precise the resolved date is.
    pub(crate) fn precision(self) -> Precision {
        match self {
            When::Absolute { month: None, .. } | When::Years(_) => Precision::Year,
            When::Absolute { day: None, .. } | When::Month { .. } | When::Months(_) => {
                Precision::Month
            }
            When::MonthOfYear { day: None, .. } => Precision::Month,
            When::Absolute { .. }
            | When::MonthDay { .. }
            | When::MonthOfYear { .. }
            | When::Weekday { .. }
            | When::Days(_) => Precision::Day,
        }
    }

    /// Whether the day can exist: "February 29" can, "February 30" cannot.
    pub(crate) fn plausible(self) -> bool {
        match self {
            When::MonthDay { month, day, .. }
            | When::MonthOfYear {
                month,
                day: Some(day),
                ..
            } => ymd(2024, month, day).is_some(),
            _ => true,
        }
    }

    /// Whether it needs the publication date.
    pub(crate) fn is_relative(self) -> bool {
        !matches!(self, When::Absolute { .. })
    }

    /// The value, `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `published` is needed for relative
    /// dates, and `future` says whether the sentence speaks of the future. `None` when the
    /// date does not exist (February 30) or falls out of range.
    pub(crate) fn resolve(self, published: Option<Date>, future: bool) -> Option<String> {
        match self {
            When::Absolute { year, month, day } => match (month, day) {
                (Some(month), Some(day)) => ymd(year, month, day).map(format_day),
                (Some(month), None) => format_month(year, month),
                _ => format_year(year),
            },
            When::MonthDay {
                month,
                day,
                direction,
            } => month_day(published?, month, day, direction, future).map(format_day),
            When::Month { month, direction } => {
                let published = published?;
                let current = u8::from(published.month());
                let year = published.year();
                let year = match direction {
                    Direction::Past if month >= current => year.checked_sub(1)?,
                    Direction::Future if month <= current => year.checked_add(1)?,
                    Direction::Auto if future && month < current => year.checked_add(1)?,
                    Direction::Auto if !future && month > current => year.checked_sub(1)?,
                    _ => year,
                };
                format_month(year, month)
            }
            When::MonthOfYear { month, day, years } => {
                let year = published?.year().checked_add(years)?;
                match day {
                    Some(day) => ymd(year, month, day).map(format_day),
                    None => format_month(year, month),
                }
            }
            When::Weekday { weekday, direction } => {
                let published = published?;
                let today = i64::from(published.weekday().number_days_from_monday());
                let target = i64::from(weekday.number_days_from_monday());
                let back = (today - target).rem_euclid(7);
                let ahead = (target - today).rem_euclid(7);
                let offset = match settle(direction, future) {
                    Direction::ThisWeek if future && target < today => ahead,
                    Direction::ThisWeek => target - today,
                    Direction::Past => -(if back == 0 { 7 } else { back }),
                    Direction::Future => {
                        if ahead == 0 {
                            7
                        } else {
                            ahead
                        }
                    }
                    Direction::Auto => -back,
                };
                published
                    .checked_add(Duration::days(offset))
                    .map(format_day)
            }
            When::Days(days) => published?.checked_add(Duration::days(days)).map(format_day),
            When::Months(months) => {
                let published = published?;
                let index = i64::from(published.year())
                    .checked_mul(12)?
                    .checked_add(i64::from(u8::from(published.month())) - 1)?
                    .checked_add(months)?;
                let year = i32::try_from(index.div_euclid(12)).ok()?;
                let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
                format_month(year, month)
            }
            When::Years(years) => {
                let year = i64::from(published?.year()).checked_add(years)?;
                format_year(i32::try_from(year).ok()?)
            }
        }
    }
}

/// A bare direction in a sentence about the future points forward.
fn settle(direction: Direction, future: bool) -> Direction {
    match direction {
        Direction::Auto if future => Direction::Future,
        other => other,
    }
}

/// The day `day` of month `month` nearest `published` the way `direction` says (a bare
/// date may be the publication day itself, in either direction).
fn month_day(
    published: Date,
    month: u8,
    day: u8,
    direction: Direction,
    future: bool,
) -> Option<Date> {
    let inclusive = direction == Direction::Auto;
    let forward = settle(direction, future) == Direction::Future;
    let start = published.year();
    // February 29 may be up to eight years away; nothing else more than one.
    for step in 0..=8 {
        let year = if forward {
            start.checked_add(step)?
        } else {
            start.checked_sub(step)?
        };
        let Some(date) = ymd(year, month, day) else {
            continue;
        };
        let fits = match (forward, inclusive) {
            (true, true) => date >= published,
            (true, false) => date > published,
            (false, true) => date <= published,
            (false, false) => date < published,
        };
        if fits {
            return Some(date);
        }
    }
    None
}

/// A valid date, or `None`.
pub(crate) fn ymd(year: i32, month: u8, day: u8) -> Option<Date> {
    let month = Month::try_from(month).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

fn format_day(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn format_month(year: i32, month: u8) -> Option<String> {
    ((0..=9999).contains(&year) && (1..=12).contains(&month))
        .then(|| format!("{year:04}-{month:02}"))
}

fn format_year(year: i32) -> Option<String> {
    (0..=9999).contains(&year).then(|| format!("{year:04}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> Option<Date> {
        ymd(2025, 12, 26)
    }

    #[test]
    fn weekdays_resolve_back_or_forward() {
        // 2025-12-26 is a Friday.
        let resolve = |weekday, direction, future| {
            When::Weekday { weekday, direction }.resolve(published(), future)
        };
        assert_eq!(
            resolve(Weekday::Friday, Direction::Auto, false).as_deref(),
            Some("2025-12-26")
        );
        assert_eq!(
            resolve(Weekday::Friday, Direction::Past, false).as_deref(),
            Some("2025-12-19")
        );
        assert_eq!(
            resolve(Weekday::Monday, Direction::Auto, false).as_deref(),
            Some("2025-12-22")
        );
        assert_eq!(
            resolve(Weekday::Monday, Direction::Auto, true).as_deref(),
            Some("2025-12-29")
        );
        assert_eq!(
            resolve(Weekday::Friday, Direction::Future, false).as_deref(),
            Some("2026-01-02")
        );
    }

    #[test]
    fn this_weekday_is_a_day_of_the_publication_week() {
        // 2025-12-26 is a Friday: its week runs from Monday 22 to Sunday 28.
        let this = |weekday, future| {
            When::Weekday {
                weekday,
                direction: Direction::ThisWeek,
            }
            .resolve(published(), future)
        };
        // "viajará este viernes", published that Friday: that very day, not the next one.
        assert_eq!(this(Weekday::Friday, true).as_deref(), Some("2025-12-26"));
        assert_eq!(this(Weekday::Friday, false).as_deref(), Some("2025-12-26"));
        // "este lunes" told in the past: Monday of the same week.
        assert_eq!(this(Weekday::Monday, false).as_deref(), Some("2025-12-22"));
        // "este domingo tiene planeado": Sunday of the same week, whatever the tense.
        assert_eq!(this(Weekday::Sunday, false).as_deref(), Some("2025-12-28"));
        // "this Monday" in a sentence about the future: the coming Monday.
        assert_eq!(this(Weekday::Monday, true).as_deref(), Some("2025-12-29"));
    }

    #[test]
    fn months_and_days_resolve_around_the_year_end() {
        let month = |month, direction, future| {
            When::Month { month, direction }.resolve(published(), future)
        };
        assert_eq!(month(3, Direction::Auto, false).as_deref(), Some("2025-03"));
        assert_eq!(
            month(12, Direction::Auto, false).as_deref(),
            Some("2025-12")
        );
        assert_eq!(
            month(12, Direction::Past, false).as_deref(),
            Some("2024-12")
        );
        assert_eq!(month(3, Direction::Auto, true).as_deref(), Some("2026-03"));
        assert_eq!(month(12, Direction::Auto, true).as_deref(), Some("2025-12"));
        assert_eq!(
            month(12, Direction::Future, false).as_deref(),
            Some("2026-12")
        );
        let day = |month, day, direction| {
            When::MonthDay {
                month,
                day,
                direction,
            }
            .resolve(published(), false)
        };
        assert_eq!(day(12, 27, Direction::Auto).as_deref(), Some("2024-12-27"));
        assert_eq!(day(2, 29, Direction::Auto).as_deref(), Some("2024-02-29"));
        assert_eq!(
            When::Months(-1).resolve(published(), false).as_deref(),
            Some("2025-11")
        );
        assert_eq!(
            When::Months(-12).resolve(published(), false).as_deref(),
            Some("2024-12")
        );
        assert_eq!(
            When::Days(-21).resolve(published(), false).as_deref(),
            Some("2025-12-05")
        );
        assert_eq!(When::Days(-1).resolve(None, false), None);
    }

    #[test]
    fn extreme_publication_dates_do_not_panic() {
        for published in [Date::MIN, Date::MAX] {
            for when in [
                When::Days(-1_000_000),
                When::Days(1_000_000),
                When::Months(i64::MIN),
                When::Months(i64::MAX),
                When::Years(i64::MIN),
                When::Years(i64::MAX),
                When::Month {
                    month: 1,
                    direction: Direction::Past,
                },
                When::Month {
                    month: 12,
                    direction: Direction::Future,
                },
                When::MonthDay {
                    month: 2,
                    day: 29,
                    direction: Direction::Past,
                },
                When::Weekday {
                    weekday: Weekday::Monday,
                    direction: Direction::Past,
                },
                When::Weekday {
                    weekday: Weekday::Monday,
                    direction: Direction::Future,
                },
                When::MonthOfYear {
                    month: 3,
                    day: Some(31),
                    years: i32::MIN,
                },
            ] {
                let _ = when.resolve(Some(published), false);
                let _ = when.resolve(Some(published), true);
            }
        }
    }
}
