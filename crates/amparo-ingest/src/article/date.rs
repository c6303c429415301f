//! Lenient parsing of the publication times pages write in their metadata: RFC 3339 and its
//! many near misses (`+0100`, a space instead of `T`, no seconds, no offset, only a date,
//! `/` or `.` between the date parts) and RFC 2822.

use time::format_description::well_known::Rfc2822;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A parsed time, and whether the page gave an offset (without one we assume UTC).
pub(crate) struct ParsedTime {
    /// The instant, in the offset the page gave (UTC when it gave none).
    pub(crate) value: OffsetDateTime,
    /// Whether the page gave an offset or `Z`.
    pub(crate) has_offset: bool,
}

/// Parses a publication time; `None` when `raw` is not a date we understand.
pub(crate) fn parse_published(raw: &str) -> Option<ParsedTime> {
    let raw = raw.trim();
    if let Some(parsed) = parse_iso_like(raw) {
        return Some(parsed);
    }
    OffsetDateTime::parse(raw, &Rfc2822)
        .ok()
        .filter(|value| plausible_year(value.year()))
        .map(|value| ParsedTime {
            value,
            has_offset: true,
        })
}

fn plausible_year(year: i32) -> bool {
    (1900..=2200).contains(&year)
}

/// A cursor over ASCII digits and separators.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn number(&mut self, min_len: usize, max_len: usize) -> Option<u32> {
        let start = self.pos;
        while self.pos < self.bytes.len()
            && self.pos - start < max_len
            && self.bytes[self.pos].is_ascii_digit()
        {
            self.pos += 1;
        }
        if self.pos - start < min_len {
            return None;
        }
        std::str::from_utf8(&self.bytes[start..self.pos])
            .ok()?
            .parse()
            .ok()
    }

    fn eat(&mut self, options: &[u8]) -> Option<u8> {
        let byte = *self.bytes.get(self.pos)?;
        options.contains(&byte).then(|| {
            self.pos += 1;
            byte
        })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.bytes[self.pos..]
    }
}

fn parse_iso_like(raw: &str) -> Option<ParsedTime> {
    let mut scan = Scanner {
        bytes: raw.as_bytes(),
        pos: 0,
    };
    let year = scan.number(4, 4)? as i32;
    let separator = scan.eat(b"-/.")?;
    let month = scan.number(1, 2)?;
    scan.eat(&[separator])?;
    let day = scan.number(1, 2)?;
    if !plausible_year(year) {
        return None;
    }
    let date =
        Date::from_calendar_date(year, Month::try_from(month as u8).ok()?, day as u8).ok()?;
    let mut time = Time::MIDNIGHT;
    let mut has_offset = false;
    let mut offset = UtcOffset::UTC;
    if scan.eat(b"T ").is_some() && scan.peek().is_some_and(|b| b.is_ascii_digit()) {
        let hour = scan.number(2, 2)?;
        scan.eat(b":")?;
        let minute = scan.number(2, 2)?;
        let mut second = 0;
        let mut nanosecond = 0;
        if scan.eat(b":").is_some() {
            second = scan.number(2, 2)?;
            if scan.eat(b".,").is_some() {
                let start = scan.pos;
                let fraction = scan.number(1, 9)?;
                let digits = scan.pos - start;
                nanosecond = fraction * 10u32.pow(9 - digits as u32);
                // Ignore digits beyond nanoseconds.
                while scan.peek().is_some_and(|b| b.is_ascii_digit()) {
                    scan.pos += 1;
                }
            }
        }
        time =
            Time::from_hms_nano(hour as u8, minute as u8, second.min(59) as u8, nanosecond).ok()?;
        while scan.peek() == Some(b' ') {
            scan.pos += 1;
        }
        let rest = scan.rest();
        if rest.first() == Some(&b'Z')
            || rest.eq_ignore_ascii_case(b"utc")
            || rest.eq_ignore_ascii_case(b"gmt")
        {
            has_offset = true;
        } else if let Some(sign) = scan.eat(b"+-") {
            let hours = scan.number(2, 2)? as i8;
            scan.eat(b":");
            let minutes = scan.number(2, 2).unwrap_or(0) as i8;
            let factor = if sign == b'-' { -1 } else { 1 };
            offset = UtcOffset::from_hms(factor * hours, factor * minutes, 0).ok()?;
            has_offset = true;
        }
    }
    Some(ParsedTime {
        value: PrimitiveDateTime::new(date, time).assume_offset(offset),
        has_offset,
    })
}

/// Finds a `/2024/06/25/` or `/2024-06-25` style date in a URL path.
pub(crate) fn date_in_url(url: &str) -> Option<Date> {
    let bytes = url.as_bytes();
    let mut start = 0;
    while let Some(offset) = memchr::memchr(b'/', &bytes[start..]) {
        let at = start + offset + 1;
        start = at;
        let mut scan = Scanner { bytes, pos: at };
        let Some(year) = scan.number(4, 4) else {
            continue;
        };
        let Some(separator) = scan.eat(b"/-") else {
            continue;
        };
        let Some(month) = scan.number(2, 2) else {
            continue;
        };
        if scan.eat(&[separator]).is_none() {
            continue;
        }
        let Some(day) = scan.number(2, 2) else {
            continue;
        };
        if scan.peek().is_some_and(|b| b.is_ascii_digit()) || !plausible_year(year as i32) {
            continue;
        }
        let Ok(month) = Month::try_from(month as u8) else {
            continue;
        };
        if let Ok(date) = Date::from_calendar_date(year as i32, month, day as u8) {
            return Some(date);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;

    fn check(raw: &str, expected: Option<&str>) {
        let parsed = parse_published(raw).map(|p| p.value.format(&Rfc3339).unwrap());
        assert_eq!(parsed.as_deref(), expected, "{raw}");
    }

    #[test]
    fn parses_formats_seen_on_news_pages() {
        check("2018-12-21T12:55:00Z", Some("2018-12-21T12:55:00Z"));
        check(
            "2015-07-24T05:36:09+01:00",
            Some("2015-07-24T05:36:09+01:00"),
        );
        check(
            "2021-11-01T10:52:50+0100",
            Some("2021-11-01T10:52:50+01:00"),
        );
        check("2019-01-03T07:00:02.000Z", Some("2019-01-03T07:00:02Z"));
        check("2018-04-05T06:00", Some("2018-04-05T06:00:00Z"));
        check("2017-11-03 03:01:00.000000", Some("2017-11-03T03:01:00Z"));
        check("2024-06-25", Some("2024-06-25T00:00:00Z"));
        check("2022/03/07", Some("2022-03-07T00:00:00Z"));
        check(
            "Tue, 01 Mar 2022 10:00:00 -0500",
            Some("2022-03-01T10:00:00-05:00"),
        );
        check("yesterday", None);
        check("2022-13-45", None);
    }

    #[test]
    fn finds_dates_in_urls() {
        let date = date_in_url("https://example.org/news/2022/03/07/story.html");
        assert_eq!(date.map(|d| d.to_string()).as_deref(), Some("2022-03-07"));
        assert!(date_in_url("https://example.org/2022-03-07-story").is_some());
        assert!(date_in_url("https://example.org/12345/678/90").is_none());
    }
}
