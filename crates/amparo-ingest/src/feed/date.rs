//! Lenient dates: RFC 3339 / ISO 8601 (W3C-DTF) and RFC 822 / RFC 2822, with the broken
//! variants real feeds use: missing seconds or time zone, two-digit years, textual zones
//! (`EST`, `PDT`, `CEST`), `GMT+2`, long or non-English month and day names, month before day,
//! numeric dates with `/` or `.`, `AM`/`PM`.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Parses a feed date into UTC, or `None` when it cannot be read. A date without a time zone
/// is taken as UTC.
pub(crate) fn parse_date(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if text.is_empty() || text.len() > 100 {
        return None;
    }
    let bytes = text.as_bytes();
    let looks_iso = bytes.len() >= 7
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && matches!(bytes[4], b'-' | b'/');
    if looks_iso && let Some(date) = parse_iso(text) {
        return Some(date);
    }
    parse_loose(text)
}

/// `YYYY-MM-DD[(T| )hh:mm[:ss[.fraction]]][zone]`, also `YYYY-MM`, `YYYY/MM/DD`.
fn parse_iso(text: &str) -> Option<OffsetDateTime> {
    let mut cursor = Cursor { rest: text };
    let year = cursor.number(4, 4)? as i32;
    let separator = cursor.rest.as_bytes()[0];
    cursor.rest = &cursor.rest[1..];
    let month = cursor.number(1, 2)? as u8;
    let day = if cursor.eat(separator as char) {
        cursor.number(1, 2)? as u8
    } else {
        1
    };
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let rest = cursor.rest.trim_start_matches(['T', 't', ' ']);
    if rest.is_empty() {
        return Some(date.midnight().assume_utc());
    }
    let (time, rest) = parse_clock(rest)?;
    let offset = match rest.split_whitespace().next() {
        None => UtcOffset::UTC,
        Some(zone) => parse_zone(zone)?,
    };
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    )
}

/// Reads `h[h]:mm[:ss[.fraction]]` at the start of `text`; returns the time and what follows.
fn parse_clock(text: &str) -> Option<(Time, &str)> {
    let mut cursor = Cursor { rest: text };
    let mut hour = cursor.number(1, 2)? as u8;
    if !cursor.eat(':') {
        return None;
    }
    let minute = cursor.number(2, 2)? as u8;
    let second = if cursor.eat(':') {
        cursor.number(1, 2)? as u8
    } else {
        0
    };
    let mut nanosecond = 0u32;
    if cursor.eat('.') || cursor.eat(',') {
        let digits = cursor.rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let mut scale = 100_000_000u32;
        for digit in cursor.rest[..digits].bytes().take(9) {
            nanosecond += u32::from(digit - b'0') * scale;
            scale /= 10;
        }
        cursor.rest = &cursor.rest[digits..];
    }
    if hour == 24 && minute == 0 && second == 0 {
        hour = 0;
    }
    let second = second.min(59);
    Some((
        Time::from_hms_nano(hour, minute, second, nanosecond).ok()?,
        cursor.rest,
    ))
}

/// A small reader over ASCII digits and separators.
struct Cursor<'t> {
    rest: &'t str,
}

impl Cursor<'_> {
    fn number(&mut self, min_digits: usize, max_digits: usize) -> Option<u32> {
        let digits = self
            .rest
            .bytes()
            .take(max_digits)
            .take_while(u8::is_ascii_digit)
            .count();
        if digits < min_digits {
            return None;
        }
        let value = self.rest[..digits].parse().ok()?;
        self.rest = &self.rest[digits..];
        Some(value)
    }

    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }
}

/// RFC 822 and everything that looks like it: tokens in any order, recognised by shape.
fn parse_loose(text: &str) -> Option<OffsetDateTime> {
    let mut day: Option<u8> = None;
    let mut month: Option<u8> = None;
    let mut year: Option<i32> = None;
    let mut time = None;
    let mut offset = None;
    let mut pm = None;
    // A first word followed by a comma is a day name, in whatever language ("Sat,", "mar.,").
    let first_is_day_name = text
        .split_whitespace()
        .next()
        .is_some_and(|word| word.ends_with(','));
    let mut bare_numbers: Vec<&str> = Vec::new();

    let tokens = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|token| !token.is_empty());
    for (index, raw) in tokens.enumerate() {
        let token = raw.trim_matches(|c| c == '(' || c == ')');
        let token = token
            .strip_suffix('.')
            .filter(|t| !t.is_empty())
            .unwrap_or(token);
        let Some(&first) = token.as_bytes().first() else {
            continue;
        };
        if first.is_ascii_digit() {
            if token.contains(':') {
                let (clock, rest) = parse_clock(token)?;
                time = Some(clock);
                if !rest.is_empty() {
                    offset = offset.or_else(|| parse_zone(rest));
                }
            } else if let Some((d, m, y)) = numeric_date(token) {
                (day, month, year) = (Some(d), Some(m), Some(y));
            } else if token.bytes().all(|b| b.is_ascii_digit()) {
                bare_numbers.push(token);
            } else if let Some(at) = token.find(|c: char| !c.is_ascii_digit())
                && ordinal_suffix(&token[at..])
            {
                bare_numbers.push(&token[..at]);
            }
        } else if first == b'+' || first == b'-' {
            offset = offset.or_else(|| parse_zone(token));
        } else if !(index == 0 && first_is_day_name) {
            let lower = token.to_lowercase();
            match lower.as_str() {
                "am" | "a.m" => pm = Some(false),
                "pm" | "p.m" => pm = Some(true),
                _ => {
                    let zone = (offset.is_none() && time.is_some())
                        .then(|| parse_zone(token))
                        .flatten();
                    if zone.is_some() {
                        offset = zone;
                    } else if month.is_none() {
                        month = month_from_name(&lower);
                    }
                }
            }
        }
    }

    // Day and year from the bare numbers: one of 3-4 digits or above 31 is the year.
    for number in bare_numbers {
        let value: i32 = number.parse().ok()?;
        if year.is_none() && (number.len() >= 3 || value > 31) {
            year = Some(expand_year(value, number.len() <= 2));
        } else if day.is_none() && (1..=31).contains(&value) {
            day = Some(value as u8);
        } else if year.is_none() {
            year = Some(expand_year(value, number.len() <= 2));
        }
    }
    let date = Date::from_calendar_date(year?, Month::try_from(month?).ok()?, day?).ok()?;
    let mut time = time.unwrap_or(Time::MIDNIGHT);
    if let Some(pm) = pm {
        let hour = time.hour() % 12 + if pm { 12 } else { 0 };
        time = time.replace_hour(hour).ok()?;
    }
    let offset = offset.unwrap_or(UtcOffset::UTC);
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    )
}

fn ordinal_suffix(suffix: &str) -> bool {
    matches!(
        suffix.to_ascii_lowercase().as_str(),
        "st" | "nd" | "rd" | "th" | "er" | "o" | "º"
    )
}

/// Two-digit years: 00–49 are 20xx, 50–99 are 19xx (RFC 2822 section 4.3).
fn expand_year(year: i32, two_digits: bool) -> i32 {
    match year {
        0..=49 if two_digits => 2000 + year,
        50..=99 if two_digits => 1900 + year,
        _ => year,
    }
}

/// `15/03/2025`, `03/15/2025` (month first when ambiguous, as US feeds write it),
/// `2025/03/15`, `15.03.2025`, `15-03-2025`.
fn numeric_date(token: &str) -> Option<(u8, u8, i32)> {
    let separator = token.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = token.split(separator).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let values: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts[0].len() == 4 {
        return Some((values[2] as u8, values[1] as u8, values[0] as i32));
    }
    let year = expand_year(values[2] as i32, parts[2].len() <= 2);
    // With `/`, month first unless the first number cannot be a month.
    let (day, month) = if separator == '/' && values[0] <= 12 {
        (values[1], values[0])
    } else {
        (values[0], values[1])
    };
    Some((day as u8, month as u8, year))
}

/// Month names and abbreviations in English, German, French, Spanish, Italian, Portuguese and
/// Dutch, matched by prefix (longest first, so `juin` is June and `juil` July).
fn month_from_name(lower: &str) -> Option<u8> {
    const MONTHS: &[(&str, u8)] = &[
        ("janv", 1),
        ("juin", 6),
        ("juil", 7),
        ("févr", 2),
        ("fevr", 2),
        ("sept", 9),
        ("märz", 3),
        ("jan", 1),
        ("ene", 1),
        ("gen", 1),
        ("jän", 1),
        ("feb", 2),
        ("fev", 2),
        ("fév", 2),
        ("mar", 3),
        ("mär", 3),
        ("mrt", 3),
        ("apr", 4),
        ("abr", 4),
        ("avr", 4),
        ("may", 5),
        ("mai", 5),
        ("mag", 5),
        ("mei", 5),
        ("jun", 6),
        ("giu", 6),
        ("jul", 7),
        ("lug", 7),
        ("aug", 8),
        ("ago", 8),
        ("aoû", 8),
        ("aou", 8),
        ("sep", 9),
        ("set", 9),
        ("oct", 10),
        ("okt", 10),
        ("ott", 10),
        ("out", 10),
        ("nov", 11),
        ("dec", 12),
        ("dez", 12),
        ("dic", 12),
        ("déc", 12),
    ];
    MONTHS
        .iter()
        .find(|(prefix, _)| lower.starts_with(prefix))
        .map(|&(_, month)| month)
}

/// Time zones: `Z`, `+hhmm`, `+hh:mm`, `+hh`, `GMT`, `UTC+2`, `GMT-05:00`, and common names.
fn parse_zone(token: &str) -> Option<UtcOffset> {
    let token = token.trim().trim_matches(|c| c == '(' || c == ')');
    if token.is_empty() {
        return None;
    }
    let upper = token.to_ascii_uppercase();
    for prefix in ["GMT", "UTC", "UT"] {
        if let Some(rest) = upper.strip_prefix(prefix)
            && (rest.starts_with('+') || rest.starts_with('-'))
        {
            return numeric_offset(rest);
        }
    }
    if token.starts_with('+') || token.starts_with('-') {
        return numeric_offset(token);
    }
    let hours_minutes: (i8, i8) = match upper.as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" | "Z00" => (0, 0),
        "EST" => (-5, 0),
        "EDT" => (-4, 0),
        "CST" => (-6, 0),
        "CDT" => (-5, 0),
        "MST" => (-7, 0),
        "MDT" => (-6, 0),
        "PST" => (-8, 0),
        "PDT" => (-7, 0),
        "AKST" => (-9, 0),
        "AKDT" => (-8, 0),
        "HST" => (-10, 0),
        "AST" => (-4, 0),
        "ADT" => (-3, 0),
        "NST" => (-3, -30),
        "NDT" => (-2, -30),
        "BRT" | "ART" => (-3, 0),
        "CLT" | "VET" => (-4, 0),
        "COT" | "PET" => (-5, 0),
        "BST" | "CET" | "MET" | "MEZ" | "WEST" | "WAT" => (1, 0),
        "CEST" | "MEST" | "MESZ" | "EET" | "SAST" | "CAT" | "IST-IL" => (2, 0),
        "EEST" | "MSK" | "EAT" | "TRT" => (3, 0),
        "IST" => (5, 30),
        "PKT" => (5, 0),
        "WIB" | "ICT" => (7, 0),
        "HKT" | "SGT" | "AWST" | "PHT" | "CST-CN" => (8, 0),
        "JST" | "KST" => (9, 0),
        "ACST" => (9, 30),
        "AEST" => (10, 0),
        "AEDT" => (11, 0),
        "NZST" => (12, 0),
        "NZDT" => (13, 0),
        _ => return None,
    };
    UtcOffset::from_hms(hours_minutes.0, hours_minutes.1, 0).ok()
}

/// `+hhmm`, `+hh:mm`, `+hh`, `+h`.
fn numeric_offset(text: &str) -> Option<UtcOffset> {
    let sign: i8 = if text.starts_with('-') { -1 } else { 1 };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i8>().ok()?, 0),
        3 => (
            digits[..1].parse::<i8>().ok()?,
            digits[1..].parse::<i8>().ok()?,
        ),
        _ => (
            digits[..2].parse::<i8>().ok()?,
            digits[2..].parse::<i8>().ok()?,
        ),
    };
    if hours > 18 || minutes > 59 {
        return None;
    }
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
}
