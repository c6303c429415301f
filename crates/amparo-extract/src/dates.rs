//! Dates: absolute and relative to the publication date, with their precision.
//!
//! What is read, in English and Spanish:
//! - full and partial dates: "March 15, 2025", "15 March 2025", "Mar. 15", "the 15th of
//!   March", "July 2025", "el 22 de diciembre de 2025", "22 de diciembre", "marzo de 2025",
//!   "2025-12-22", "22/12/2025" (day/month in Spanish, month/day in English, unless only one
//!   reading is valid), "22.12.2025";
//! - years in a date context: "in 2025", "since 2019", "a finales de 2024", "between 2019 and
//!   2021" — not "2025 people" or "$2,025";
//! - months and weekdays without a year: "March", "last March", "marzo pasado", "on Tuesday",
//!   "el pasado lunes", "next Friday";
//! - days, months and years relative to the publication date: "yesterday", "today", "ayer",
//!   "anteayer", "two weeks ago", "hace tres semanas", "hace un mes", "last year", "el año
//!   pasado", "este año", "March of last year", "en marzo del año pasado".
//!
//! Resolution: a bare month, weekday or day of a month means the most recent one on or before
//! the publication date, unless the sentence speaks of the future ("will", "next",
//! "scheduled", "próximo", "va a", verbs in -rá/-rán …), then the next one on or after it
//! (strictly after, for a weekday). "last"/"pasado" mean strictly before, "next"/"próximo"
//! strictly after. "N days/weeks ago" has day precision, "N months ago" month precision, "N
//! years ago" year precision.
//!
//! Choices:
//! - the span holds the words that determine the value: "last March", "el pasado 22 de
//!   diciembre", "hace tres semanas", "this year", "el año pasado", a weekday before a date
//!   ("Tuesday, March 15"); not a preposition or article alone ("in July 2025" gives "July
//!   2025", "el 22 de diciembre" gives "22 de diciembre"); Spanish "el" is taken only before
//!   or with a qualifier ("el pasado lunes", "el lunes pasado", "el año pasado");
//! - "last week", "la semana pasada", "this week" are not point dates and are skipped; so are
//!   "three days earlier" / "later" (relative to an event the text names, not to the
//!   publication), "a few days ago", "hace unos días", "more than a year ago" gives "a year
//!   ago";
//! - durations are not dates: "four-month detention", "for three weeks", "durante tres
//!   semanas", "a two-year sentence", "desde hace tres meses" (Spanish "for three months now");
//! - without a publication date, relative dates keep their span and precision, get no value,
//!   and one problem is reported for the whole text.

mod calendar;

use std::sync::OnceLock;

use time::{Date, Weekday};

use crate::DateMention;
use crate::Language;
use crate::classes::{DATE_START, FUTURE_CUE, PLAIN_WORD};
use crate::counts::words::{Lexicon, NUMBER_WORDS, Words, may_start_number, parse_number};
use crate::text::Doc;

use calendar::{Direction, When, ymd};

/// The problem reported once when relative dates cannot be resolved.
const NO_PUBLICATION_DATE: &str = "relative dates such as \"last March\" or \"hace tres semanas\" were found but no publication date was given; pass --published";

/// Finds the dates of `doc`, resolving relative ones against `published`.
pub fn find_dates(
    doc: &Doc,
    published: Option<Date>,
    problems: &mut Vec<String>,
) -> Vec<DateMention> {
    let words = Words::new(doc);
    let future = future_sentences(&words);
    let mut dates = Vec::new();
    let mut unresolved = false;
    let mut previous_end: Option<usize> = None;
    let mut i = 0;
    while i < words.len() {
        let Some(found) = date_at(&words, i, previous_end).filter(|found| found.when.plausible())
        else {
            i += 1;
            continue;
        };
        let sentence = doc.tokens.get(i).map_or(0, |token| token.sentence);
        let speaks_of_future = future.get(sentence).copied().unwrap_or(false);
        let value = if found.when.is_relative() && published.is_none() {
            unresolved = true;
            None
        } else {
            match found.when.resolve(published, speaks_of_future) {
                Some(value) => Some(value),
                // A date that does not exist ("February 30") is not a date.
                None => {
                    i += 1;
                    continue;
                }
            }
        };
        let bytes = words.bytes(found.start, found.last);
        let chars = doc.char_range(bytes.clone());
        dates.push(DateMention {
            text: doc.slice(bytes).to_owned(),
            start: chars.start,
            end: chars.end,
            value,
            precision: found.when.precision(),
        });
        previous_end = Some(found.last);
        i = found.last + 1;
    }
    if unresolved
        && !problems
            .iter()
            .any(|problem| problem == NO_PUBLICATION_DATE)
    {
        problems.push(NO_PUBLICATION_DATE.to_owned());
    }
    dates
}

/// A date in tokens `start..=last`.
#[derive(Debug)]
struct Found {
    start: usize,
    last: usize,
    when: When,
}

/// English month names and abbreviations (folded), with their numbers.
const ENGLISH_MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
];

const ENGLISH_ABBREVIATIONS: &[(&str, u8)] = &[
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

const SPANISH_MONTHS: &[(&str, u8)] = &[
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("diciembre", 12),
];

const SPANISH_ABBREVIATIONS: &[(&str, u8)] = &[
    ("ene", 1),
    ("feb", 2),
    ("mar", 3),
    ("abr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("ago", 8),
    ("sep", 9),
    ("sept", 9),
    ("set", 9),
    ("oct", 10),
    ("nov", 11),
    ("dic", 12),
];

const ENGLISH_WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

const SPANISH_WEEKDAYS: &[(&str, Weekday)] = &[
    ("lunes", Weekday::Monday),
    ("martes", Weekday::Tuesday),
    ("miercoles", Weekday::Wednesday),
    ("jueves", Weekday::Thursday),
    ("viernes", Weekday::Friday),
    ("sabado", Weekday::Saturday),
    ("domingo", Weekday::Sunday),
];

/// Words before a bare month or a year that make it a date ("in March", "since 2019").
const DATE_CONTEXT: &[&str] = &[
    "in",
    "since",
    "until",
    "till",
    "by",
    "during",
    "from",
    "through",
    "throughout",
    "between",
    "before",
    "after",
    "of",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "and",
    "to",
    "on",
    "en",
    "desde",
    "hasta",
    "durante",
    "entre",
    "de",
    "del",
    "y",
    "a",
    "al",
    "para",
    "principios",
    "finales",
    "mediados",
    "fines",
    "inicios",
    "year",
    "ano",
    "fiscal",
];

/// Words that, after a year, show it is a quantity rather than a year ("2025 people").
const NOT_AFTER_YEAR: &[&str] = &[
    "%",
    "percent",
    "per",
    "por",
    "people",
    "persons",
    "personas",
    "migrants",
    "migrantes",
    "men",
    "women",
    "hombres",
    "mujeres",
    "children",
    "ninos",
    "dollars",
    "dolares",
    "pesos",
    "euros",
    "km",
    "kilometers",
    "kilometres",
    "kilometros",
    "miles",
    "metros",
    "meters",
    "individuals",
    "venezuelans",
    "venezolanos",
    "deportees",
    "deportados",
    "detainees",
    "detenidos",
    "families",
    "familias",
    "cases",
    "casos",
    "times",
    "veces",
];

/// The words [`future_cue`] reads by name (each one in an arm of its `match`), for the table
/// of every word list ([`crate::classes::FUTURE_CUE`]): a plain word not among them is a cue
/// only by its ending.
const FUTURE_WORDS: &[&str] = &[
    "will",
    "won't",
    "won’t",
    "shall",
    "upcoming",
    "scheduled",
    "tomorrow",
    "proximo",
    "proxima",
    "proximos",
    "proximas",
    "prevista",
    "previsto",
    "previstas",
    "previstos",
    "programada",
    "programado",
    "programadas",
    "programados",
    "next",
    "set",
    "plans",
    "planned",
    "plan",
    "going",
    "expected",
    "coming",
    "que",
    "va",
    "van",
    "vamos",
    "voy",
    "vas",
];

/// The words of [`FUTURE_WORDS`], for the table of every word list ([`crate::classes`]).
pub(crate) fn future_words() -> impl Iterator<Item = &'static str> {
    FUTURE_WORDS.iter().copied()
}

/// The folded tokens that, in a sentence, say it speaks of the future.
fn future_cue(words: &Words, i: usize) -> bool {
    let word = words.get(i);
    // Most tokens are plain words named in no arm below: only their ending can tell.
    let classes = words.doc.classes(i);
    if classes & PLAIN_WORD != 0 && classes & FUTURE_CUE == 0 {
        return future_ending(words, i, word);
    }
    let next = || {
        if words.same_sentence(i, i + 1) {
            words.get(i + 1)
        } else {
            ""
        }
    };
    let previous = || {
        if i > 0 && words.same_sentence(i - 1, i) {
            words.get(i - 1)
        } else {
            ""
        }
    };
    match word {
        // Not "their will", nor the name "Will".
        "will" => {
            let name = words.capitalized(i) && i > 0 && words.same_sentence(i - 1, i);
            !name
                && !matches!(
                    previous(),
                    "the"
                        | "his"
                        | "her"
                        | "their"
                        | "our"
                        | "my"
                        | "your"
                        | "its"
                        | "free"
                        | "political"
                        | "good"
                )
        }
        "won't" | "won’t" | "shall" | "upcoming" | "scheduled" | "tomorrow" | "proximo"
        | "proxima" | "proximos" | "proximas" | "prevista" | "previsto" | "previstas"
        | "previstos" | "programada" | "programado" | "programadas" | "programados" => true,
        "next" => next() != "to",
        "set" | "plans" | "planned" | "plan" | "going" | "expected" => next() == "to",
        "coming" => previous() == "this",
        "que" => next() == "viene",
        "va" | "van" | "vamos" | "voy" | "vas" => next() == "a",
        _ => future_ending(words, i, word),
    }
}

/// Whether token `i` (folded `word`) speaks of the future by its ending: "they'll", or the
/// Spanish future tense ("será", "realizarán", "tendré": lowercase, accented).
fn future_ending(words: &Words, i: usize, word: &str) -> bool {
    if word.ends_with('l') && (word.ends_with("'ll") || word.ends_with("’ll")) {
        return true;
    }
    let raw = words.raw(i);
    // Most words end in none of `á`, `n`, `é` (0xA1 and 0xA9 end those two in UTF-8): one
    // byte tells.
    if !matches!(raw.as_bytes().last(), Some(b'n' | 0xA1 | 0xA9)) {
        return false;
    }
    (raw.ends_with("rá") || raw.ends_with("rán") || raw.ends_with("ré"))
        && words.is_word(i)
        && raw.chars().count() >= 4
        && raw.chars().next().is_some_and(char::is_lowercase)
}

/// For each sentence, whether it speaks of the future.
fn future_sentences(words: &Words) -> Vec<bool> {
    let mut future = vec![false; words.doc.sentences.len()];
    for (i, token) in words.doc.tokens.iter().enumerate() {
        if future.get(token.sentence).copied().unwrap_or(true) {
            continue;
        }
        if future_cue(words, i)
            && let Some(flag) = future.get_mut(token.sentence)
        {
            *flag = true;
        }
    }
    future
}

/// A month name at token `i`: its number, whether it is an abbreviation, and its last token
/// (the full stop of "Dec." included). English names must be capitalized; abbreviations are
/// read in the text's language only.
fn month_at(words: &Words, i: usize) -> Option<(u8, bool, usize)> {
    if !words.is_word(i) {
        return None;
    }
    let word = words.get(i);
    let capitalized = words.capitalized(i);
    if let Some((_, month)) = SPANISH_MONTHS.iter().find(|(name, _)| *name == word) {
        return Some((*month, false, i));
    }
    if capitalized && let Some((_, month)) = ENGLISH_MONTHS.iter().find(|(name, _)| *name == word) {
        return Some((*month, false, i));
    }
    let abbreviations = match words.language() {
        Language::En if capitalized => ENGLISH_ABBREVIATIONS,
        Language::En => return None,
        Language::Es => SPANISH_ABBREVIATIONS,
    };
    let (_, month) = abbreviations.iter().find(|(name, _)| *name == word)?;
    let stop = i + 1;
    let last = if words.get(stop) == "." && words.adjacent(i, stop) {
        stop
    } else {
        i
    };
    Some((*month, true, last))
}

/// A weekday at token `i` (English ones capitalized).
fn weekday_at(words: &Words, i: usize) -> Option<Weekday> {
    if !words.is_word(i) {
        return None;
    }
    let word = words.get(i);
    if let Some((_, weekday)) = SPANISH_WEEKDAYS.iter().find(|(name, _)| *name == word) {
        return Some(*weekday);
    }
    if words.capitalized(i) {
        return ENGLISH_WEEKDAYS
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, weekday)| *weekday);
    }
    None
}

/// A day of the month at token `i` ("15", "15th", "1º", "primero"): the day and its last
/// token.
fn day_at(words: &Words, i: usize) -> Option<(u8, usize)> {
    if words.is_word(i) && matches!(words.get(i), "primero" | "1ro" | "1o") {
        return Some((1, i));
    }
    if !words.is_number(i) {
        return None;
    }
    let raw = words.raw(i);
    if raw.is_empty() || raw.len() > 2 || !raw.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let day: u8 = raw.parse().ok()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    let suffix = i + 1;
    // "1.º de mayo".
    if words.get(suffix) == "."
        && words.adjacent(i, suffix)
        && words.adjacent(suffix, suffix + 1)
        && matches!(words.get(suffix + 1), "º" | "°" | "o")
    {
        return Some((day, suffix + 1));
    }
    let last = if words.adjacent(i, suffix)
        && matches!(
            words.get(suffix),
            "th" | "st" | "nd" | "rd" | "º" | "°" | "o" | "ro" | "a"
        ) {
        suffix
    } else {
        i
    };
    Some((day, last))
}

/// A year at token `i`: four digits from 1800 to 2199.
fn year_at(words: &Words, i: usize) -> Option<i32> {
    if !words.is_number(i) {
        return None;
    }
    let raw = words.raw(i);
    if raw.len() != 4 || !raw.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let year: i32 = raw.parse().ok()?;
    (1800..=2199).contains(&year).then_some(year)
}

/// The folded token at `i` when it is in the sentence of `anchor`, else `""`.
fn near<'w>(words: &'w Words, i: usize, anchor: usize) -> &'w str {
    if words.same_sentence(i, anchor) {
        words.get(i)
    } else {
        ""
    }
}

/// The folded token before `i` in its sentence, or `""`.
fn before<'w>(words: &'w Words, i: usize) -> &'w str {
    if i == 0 { "" } else { near(words, i - 1, i) }
}

/// The words a date may start at besides numbers: month and weekday names, qualifiers,
/// relative words and numbers in words.
fn starters() -> &'static Lexicon {
    static STARTERS: OnceLock<Lexicon> = OnceLock::new();
    STARTERS.get_or_init(|| {
        let mut lexicon = Lexicon::default();
        for months in [
            ENGLISH_MONTHS,
            ENGLISH_ABBREVIATIONS,
            SPANISH_MONTHS,
            SPANISH_ABBREVIATIONS,
        ] {
            lexicon.extend(months.iter().map(|(name, _)| *name));
        }
        for weekdays in [ENGLISH_WEEKDAYS, SPANISH_WEEKDAYS] {
            lexicon.extend(weekdays.iter().map(|(name, _)| *name));
        }
        lexicon.extend([
            "last",
            "next",
            "this",
            "el",
            "la",
            "este",
            "esta",
            "pasado",
            "pasada",
            "proximo",
            "proxima",
            "yesterday",
            "ayer",
            "anoche",
            "today",
            "tonight",
            "tomorrow",
            "anteayer",
            "antier",
            "hoy",
            "antes",
            "manana",
            "hace",
            "primero",
            "1ro",
            "1o",
        ]);
        lexicon.extend(NUMBER_WORDS.iter().copied());
        lexicon
    })
}

/// The words of [`starters`], for the table of every word list ([`crate::classes`]).
pub(crate) fn starter_words() -> impl Iterator<Item = &'static str> {
    starters().iter().copied()
}

/// Whether a date can start at token `i`; checked first to keep the pass cheap.
fn could_start(words: &Words, i: usize) -> bool {
    if words.is_number(i) {
        return true;
    }
    if !words.is_word(i) {
        return false;
    }
    // Most words are plain: then the class says it all.
    if let Some(listed) = words.plain_in_class(i, DATE_START) {
        return listed;
    }
    let word = words.get(i);
    may_start_number(words.in_class(i, DATE_START, starters()), word)
        || ["mid-", "early-", "late-"]
            .iter()
            .any(|prefix| word.starts_with(prefix))
}

/// Reads a date starting at token `i`. `previous_end` is the last token of the date found
/// before, for ranges of years ("between 2019 and 2021").
fn date_at(words: &Words, i: usize, previous_end: Option<usize>) -> Option<Found> {
    if !could_start(words, i) {
        return None;
    }
    numeric_date(words, i)
        .or_else(|| qualified(words, i))
        .or_else(|| weekday_led(words, i))
        .or_else(|| month_led(words, i, true))
        .or_else(|| day_led(words, i, true))
        .or_else(|| relative_word(words, i))
        .or_else(|| ago(words, i))
        .or_else(|| year_in_context(words, i, previous_end))
        .or_else(|| hyphenated(words, i))
}

/// "2025-12-22", "2025/12/22", "22/12/2025", "12/22/2025", "22-12-2025", "22.12.2025".
fn numeric_date(words: &Words, i: usize) -> Option<Found> {
    if !words.is_number(i) {
        return None;
    }
    let raw = words.raw(i);
    // "22.12.2025" is one token.
    if raw.bytes().filter(|byte| *byte == b'.').count() == 2 {
        let mut parts = raw.split('.');
        let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
        if year.len() != 4 || day.len() > 2 || month.len() > 2 {
            return None;
        }
        let (day, month, year) = (day.parse().ok()?, month.parse().ok()?, year.parse().ok()?);
        ymd(year, month, day)?;
        return Some(Found {
            start: i,
            last: i,
            when: When::Absolute {
                year,
                month: Some(month),
                day: Some(day),
            },
        });
    }
    // Three numbers joined by the same separator, with no space.
    let separator = words.get(i + 1);
    if !matches!(separator, "-" | "/") {
        return None;
    }
    let (second, third) = (i + 2, i + 4);
    let joined = words.adjacent(i, i + 1)
        && words.adjacent(i + 1, second)
        && words.adjacent(second, i + 3)
        && words.adjacent(i + 3, third);
    let numbers = words.is_number(second) && words.is_number(third);
    if words.get(i + 3) != separator || !joined || !numbers {
        return None;
    }
    let number = |j: usize| -> Option<u32> {
        let raw = words.raw(j);
        raw.bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| raw.parse().ok())
            .flatten()
    };
    let (a, b, c) = (number(i)?, number(second)?, number(third)?);
    let (first_len, third_len) = (raw.len(), words.raw(third).len());
    let small = |value: u32| u8::try_from(value).ok();
    let (year, month, day) = if first_len == 4 {
        (a, b, c)
    } else if (third_len == 4 || third_len == 2) && first_len <= 2 && words.raw(second).len() <= 2 {
        let year = if third_len == 2 { 2000 + c } else { c };
        let day_first = if a > 12 {
            true
        } else if b > 12 {
            false
        } else {
            words.language() == Language::Es
        };
        if day_first {
            (year, b, a)
        } else {
            (year, a, b)
        }
    } else {
        return None;
    };
    let (year, month, day) = (i32::try_from(year).ok()?, small(month)?, small(day)?);
    if !(1800..=2199).contains(&year) {
        return None;
    }
    ymd(year, month, day)?;
    Some(Found {
        start: i,
        last: third,
        when: When::Absolute {
            year,
            month: Some(month),
            day: Some(day),
        },
    })
}

/// Dates led by a qualifier: "last Tuesday", "next March", "this year", "last month", "el
/// pasado lunes", "el próximo 5 de enero", "este año", "el año pasado", "el mes que viene",
/// "this morning", "last night".
fn qualified(words: &Words, i: usize) -> Option<Found> {
    let word = words.get(i);
    if !words.is_word(i) {
        return None;
    }
    // Spanish "el" before a qualifier or before "año"/"mes" with one after.
    let (start, at) = if word == "el" || word == "la" {
        (i, i + 1)
    } else {
        (i, i)
    };
    let qualifier = near(words, at, i);
    let (direction, after) = match qualifier {
        "last" => (Direction::Past, at + 1),
        "next" => (Direction::Future, at + 1),
        "this" | "este" | "esta" => match near(words, at + 1, i) {
            "past" => (Direction::Past, at + 2),
            "coming" => (Direction::Future, at + 2),
            _ => (Direction::Auto, at + 1),
        },
        "pasado" | "pasada" => (Direction::Past, at + 1),
        "proximo" | "proxima" => (Direction::Future, at + 1),
        // "el año pasado", "el mes que viene", "el lunes pasado", "el 22 de diciembre pasado".
        "ano" | "mes" | "semana" if at != i => {
            let (direction, last) = postfix(words, at + 1, i)?;
            let when = match (qualifier, direction) {
                ("ano", Direction::Past) => When::Years(-1),
                ("ano", _) => When::Years(1),
                ("mes", Direction::Past) => When::Months(-1),
                ("mes", _) => When::Months(1),
                _ => return None,
            };
            return Some(Found { start, last, when });
        }
        _ => return weekday_with_postfix(words, start, at),
    };
    // In English, "the" does not join the span and "el" is Spanish.
    if at != i && !matches!(qualifier, "pasado" | "pasada" | "proximo" | "proxima") {
        return None;
    }
    let english = matches!(qualifier, "last" | "next" | "this");
    let target = near(words, after, i);
    let relative_unit = |step: i64| -> Option<When> {
        match (target, direction) {
            ("year" | "ano", Direction::Auto) => Some(When::Years(0)),
            ("year" | "ano", Direction::Past) => Some(When::Years(-step)),
            ("year" | "ano", Direction::Future) => Some(When::Years(step)),
            ("month" | "mes", Direction::Auto) => Some(When::Months(0)),
            ("month" | "mes", Direction::Past) => Some(When::Months(-step)),
            ("month" | "mes", Direction::Future) => Some(When::Months(step)),
            _ => None,
        }
    };
    // "last year", "este año", "el pasado año" — but "el pasado mes de marzo" is a month.
    if let Some(when) = relative_unit(1) {
        let month_follows = target == "mes"
            && near(words, after + 1, i) == "de"
            && month_at(words, after + 2).is_some();
        if !month_follows {
            return Some(Found {
                start,
                last: after,
                when,
            });
        }
    }
    // "last night", "this morning", "esta mañana", "esta noche".
    let day_offset = match (qualifier, target) {
        ("last", "night") => Some(-1),
        ("this", "morning" | "afternoon" | "evening") => Some(0),
        ("esta", "manana" | "tarde" | "noche") => Some(0),
        _ => None,
    };
    if let Some(days) = day_offset {
        return Some(Found {
            start,
            last: after,
            when: When::Days(days),
        });
    }
    // A weekday: "last Tuesday", "el próximo lunes", "este martes" (this week's).
    if let Some(weekday) = weekday_at(words, after) {
        let direction = match (qualifier, direction) {
            ("this" | "este" | "esta", Direction::Auto) => Direction::ThisWeek,
            _ => direction,
        };
        // "this Tuesday, March 15": the date decides.
        if let Some(full) = date_after_weekday(words, after) {
            return Some(Found {
                start,
                last: full.last,
                when: full.when,
            });
        }
        return Some(Found {
            start,
            last: after,
            when: When::Weekday { weekday, direction },
        });
    }
    // "el pasado mes de marzo", "el pasado día 22 de diciembre".
    let after = match target {
        "mes" if near(words, after + 1, i) == "de" => after + 2,
        "dia" if !english => after + 1,
        _ => after,
    };
    if let Some(found) = month_led(words, after, true).or_else(|| day_led(words, after, true)) {
        let when = match found.when {
            When::Month { month, .. } => When::Month { month, direction },
            When::MonthDay { month, day, .. } => When::MonthDay {
                month,
                day,
                direction,
            },
            other => other,
        };
        return Some(Found {
            start,
            last: found.last,
            when,
        });
    }
    None
}

/// A Spanish qualifier after a word at `at`: "pasado", "próximo", "que viene", "entrante".
fn postfix(words: &Words, at: usize, anchor: usize) -> Option<(Direction, usize)> {
    match near(words, at, anchor) {
        "pasado" | "pasada" => Some((Direction::Past, at)),
        "proximo" | "proxima" | "entrante" => Some((Direction::Future, at)),
        "que" if near(words, at + 1, anchor) == "viene" => Some((Direction::Future, at + 1)),
        _ => None,
    }
}

/// "el lunes pasado", "el lunes" — a weekday after the Spanish article at `start`, which
/// joins the span only with a qualifier after the weekday.
fn weekday_with_postfix(words: &Words, start: usize, at: usize) -> Option<Found> {
    if at == start || words.get(start) != "el" {
        return None;
    }
    let weekday = weekday_at(words, at)?;
    let (direction, last) = postfix(words, at + 1, start)?;
    Some(Found {
        start,
        last,
        when: When::Weekday { weekday, direction },
    })
}

/// After a weekday at `at`: an optional comma and a date ("Tuesday, March 15", "lunes 22 de
/// diciembre").
fn date_after_weekday(words: &Words, at: usize) -> Option<Found> {
    let mut next = at + 1;
    if near(words, next, at) == "," {
        next += 1;
    }
    if !words.same_sentence(at, next) {
        return None;
    }
    month_led(words, next, true)
        .filter(|found| {
            matches!(
                found.when,
                When::MonthDay { .. }
                    | When::Absolute { day: Some(_), .. }
                    | When::MonthOfYear { day: Some(_), .. }
            )
        })
        .or_else(|| day_led(words, next, true))
}

/// A weekday, possibly followed by a date: "on Tuesday", "Tuesday, March 15, 2025", "el
/// martes 22 de diciembre", "el lunes pasado" is read by [`qualified`].
fn weekday_led(words: &Words, i: usize) -> Option<Found> {
    let weekday = weekday_at(words, i)?;
    if let Some(full) = date_after_weekday(words, i) {
        return Some(Found {
            start: i,
            last: full.last,
            when: full.when,
        });
    }
    let previous = before(words, i);
    // Habits are not dates: "every Tuesday", "los lunes", "cada martes".
    if matches!(
        previous,
        "every" | "each" | "los" | "cada" | "todos" | "the"
    ) {
        return None;
    }
    let spanish_name = SPANISH_WEEKDAYS
        .iter()
        .any(|(name, _)| *name == words.get(i));
    if spanish_name {
        // "Domingo" may be a surname: Spanish weekdays need an article or preposition.
        if !matches!(
            previous,
            "el" | "este" | "ese" | "del" | "al" | "hasta" | "desde" | "pasado" | "proximo"
        ) {
            return None;
        }
        if let Some((direction, last)) = postfix(words, i + 1, i) {
            return Some(Found {
                start: i,
                last,
                when: When::Weekday { weekday, direction },
            });
        }
    }
    Some(Found {
        start: i,
        last: i,
        when: When::Weekday {
            weekday,
            direction: Direction::Auto,
        },
    })
}

/// A year relative to the publication year after a month: "of last year", "last year", "this
/// year", "next year", "del año pasado", "de este año", "del próximo año", "del año que
/// viene". Returns the offset and the last token.
fn year_offset_after(words: &Words, at: usize, anchor: usize) -> Option<(i32, usize)> {
    let mut j = at;
    if matches!(near(words, j, anchor), "of" | "de" | "del") {
        j += 1;
    }
    let word = near(words, j, anchor);
    let unit = |k: usize| matches!(near(words, k, anchor), "year" | "ano");
    match word {
        "last" if unit(j + 1) => Some((-1, j + 1)),
        "this" | "este" if unit(j + 1) => Some((0, j + 1)),
        "next" if unit(j + 1) => Some((1, j + 1)),
        "proximo" if unit(j + 1) => Some((1, j + 1)),
        "ano" => {
            let (direction, last) = postfix(words, j + 1, anchor)?;
            let years = if direction == Direction::Past { -1 } else { 1 };
            Some((years, last))
        }
        _ => None,
    }
}

/// A date led by a month: "March 15, 2025", "Mar. 15", "March 15th", "July 2025", "julio de
/// 2025", "March of last year", "marzo pasado", "March". With `range`, a date that starts a
/// range takes the year of its end ("between January and June 2025").
fn month_led(words: &Words, i: usize, range: bool) -> Option<Found> {
    let (month, abbreviation, month_last) = month_at(words, i)?;
    let mut next = month_last + 1;
    // A day: "March 15", "Mar. 15th".
    if let Some((day, day_last)) = day_at(words, next).filter(|_| words.same_sentence(i, next)) {
        // "March 15 people" is not a date, "March 15, 2025" is.
        let mut after = day_last + 1;
        if near(words, after, i) == "," {
            after += 1;
        }
        if let Some(year) = year_at(words, after).filter(|_| words.same_sentence(i, after)) {
            return Some(Found {
                start: i,
                last: after,
                when: When::Absolute {
                    year,
                    month: Some(month),
                    day: Some(day),
                },
            });
        }
        if let Some((years, last)) = year_offset_after(words, day_last + 1, i) {
            return Some(Found {
                start: i,
                last,
                when: When::MonthOfYear {
                    month,
                    day: Some(day),
                    years,
                },
            });
        }
        if let Some(year) = range
            .then(|| year_of_range_end(words, day_last, month, Some(day)))
            .flatten()
        {
            return Some(Found {
                start: i,
                last: day_last,
                when: When::Absolute {
                    year,
                    month: Some(month),
                    day: Some(day),
                },
            });
        }
        return Some(Found {
            start: i,
            last: day_last,
            when: When::MonthDay {
                month,
                day,
                direction: Direction::Auto,
            },
        });
    }
    // A year: "July 2025", "julio de 2025", "July of 2025".
    if matches!(near(words, next, i), "de" | "del" | "of" | ",") {
        next += 1;
    }
    if let Some(year) = year_at(words, next).filter(|_| words.same_sentence(i, next)) {
        return Some(Found {
            start: i,
            last: next,
            when: When::Absolute {
                year,
                month: Some(month),
                day: None,
            },
        });
    }
    if let Some((years, last)) = year_offset_after(words, month_last + 1, i) {
        return Some(Found {
            start: i,
            last,
            when: When::MonthOfYear {
                month,
                day: None,
                years,
            },
        });
    }
    if abbreviation {
        return None;
    }
    // "marzo pasado", "marzo próximo".
    if let Some((direction, last)) = postfix(words, month_last + 1, i) {
        return Some(Found {
            start: i,
            last,
            when: When::Month { month, direction },
        });
    }
    // A bare month. English "March" and "May" are also a verb, a noun and a name: they need
    // a word of date context before them. A capitalized word after a bare month makes it a
    // name ("June Smith").
    let context = i > 0 && DATE_CONTEXT.contains(&before(words, i));
    let english_name = ENGLISH_MONTHS.iter().any(|(name, _)| *name == words.get(i));
    if english_name {
        let ambiguous = matches!(month, 3 | 5);
        let sentence_start = i == 0 || !words.same_sentence(i - 1, i);
        let name_follows = words.same_sentence(i, i + 1)
            && words.is_word(i + 1)
            && words.capitalized(i + 1)
            && month_at(words, i + 1).is_none()
            && weekday_at(words, i + 1).is_none();
        if name_follows || (!context && (ambiguous || sentence_start)) {
            return None;
        }
    }
    // In Spanish a month needs context too when capitalized mid-sentence ("Abril" is a name).
    if !english_name && !context && words.capitalized(i) && i > 0 && words.same_sentence(i - 1, i) {
        return None;
    }
    // "between January and June 2025": the year of the end of a range.
    if let Some(year) = range
        .then(|| year_of_range_end(words, month_last, month, None))
        .flatten()
    {
        return Some(Found {
            start: i,
            last: month_last,
            when: When::Absolute {
                year,
                month: Some(month),
                day: None,
            },
        });
    }
    Some(Found {
        start: i,
        last: month_last,
        when: When::Month {
            month,
            direction: Direction::Auto,
        },
    })
}

/// When the date ending at token `last` (month `month`, day `day`) begins a range whose end
/// has a year ("between January and June 2025", "from March 3 to April 5, 2025", "entre el 3
/// de marzo y el 5 de abril de 2025"), the year it has: the end's year, or the year before
/// when the range crosses New Year.
fn year_of_range_end(words: &Words, last: usize, month: u8, day: Option<u8>) -> Option<i32> {
    let connector = last + 1;
    if !matches!(
        near(words, connector, last),
        "and" | "to" | "through" | "until" | "y" | "a" | "al" | "hasta" | "-" | "–"
    ) {
        return None;
    }
    let mut next = connector + 1;
    if matches!(near(words, next, last), "el" | "the") {
        next += 1;
    }
    if !words.same_sentence(last, next) {
        return None;
    }
    let end = month_at(words, next)
        .and_then(|_| month_led(words, next, false))
        .or_else(|| day_led(words, next, false))?;
    let When::Absolute {
        year,
        month: Some(end_month),
        day: end_day,
    } = end.when
    else {
        return None;
    };
    let crosses = (month, day.unwrap_or(1)) > (end_month, end_day.unwrap_or(31));
    if crosses {
        year.checked_sub(1)
    } else {
        Some(year)
    }
}

/// A date led by the day: "15 March 2025", "the 15th of March", "22 de diciembre de 2025",
/// "22 de diciembre del año pasado", "1 de enero"; `range` as for [`month_led`].
fn day_led(words: &Words, i: usize, range: bool) -> Option<Found> {
    let (day, day_last) = day_at(words, i)?;
    let mut next = day_last + 1;
    if matches!(near(words, next, i), "of" | "de") {
        next += 1;
    }
    if !words.same_sentence(i, next) {
        return None;
    }
    let (month, _, month_last) = month_at(words, next)?;
    let mut after = month_last + 1;
    if matches!(near(words, after, i), "de" | "del" | ",") {
        after += 1;
    }
    if let Some(year) = year_at(words, after).filter(|_| words.same_sentence(i, after)) {
        return Some(Found {
            start: i,
            last: after,
            when: When::Absolute {
                year,
                month: Some(month),
                day: Some(day),
            },
        });
    }
    if let Some((years, last)) = year_offset_after(words, month_last + 1, i) {
        return Some(Found {
            start: i,
            last,
            when: When::MonthOfYear {
                month,
                day: Some(day),
                years,
            },
        });
    }
    if let Some((direction, last)) = postfix(words, month_last + 1, i) {
        return Some(Found {
            start: i,
            last,
            when: When::MonthDay {
                month,
                day,
                direction,
            },
        });
    }
    if let Some(year) = range
        .then(|| year_of_range_end(words, month_last, month, Some(day)))
        .flatten()
    {
        return Some(Found {
            start: i,
            last: month_last,
            when: When::Absolute {
                year,
                month: Some(month),
                day: Some(day),
            },
        });
    }
    Some(Found {
        start: i,
        last: month_last,
        when: When::MonthDay {
            month,
            day,
            direction: Direction::Auto,
        },
    })
}

/// "yesterday", "today", "tomorrow", "tonight", "ayer", "hoy", "anteayer", "anoche",
/// "mañana", "pasado mañana".
fn relative_word(words: &Words, i: usize) -> Option<Found> {
    if !words.is_word(i) {
        return None;
    }
    let single = |days| {
        Some(Found {
            start: i,
            last: i,
            when: When::Days(days),
        })
    };
    match words.get(i) {
        "yesterday" | "ayer" | "anoche" => single(-1),
        "today" | "tonight" => single(0),
        "tomorrow" => single(1),
        "anteayer" | "antier" => single(-2),
        "hoy" => {
            // "hoy en día" is "nowadays".
            let next = near(words, i + 1, i);
            if next == "dia" || (next == "en" && near(words, i + 2, i) == "dia") {
                None
            } else {
                single(0)
            }
        }
        "antes" if near(words, i + 1, i) == "de" && near(words, i + 2, i) == "ayer" => {
            Some(Found {
                start: i,
                last: i + 2,
                when: When::Days(-2),
            })
        }
        "pasado" if near(words, i + 1, i) == "manana" => Some(Found {
            start: i,
            last: i + 1,
            when: When::Days(2),
        }),
        "manana" if words.language() == Language::Es => {
            // "la mañana", "esta mañana del lunes" are mornings.
            let previous = before(words, i);
            let morning_before = matches!(
                previous,
                "la" | "las"
                    | "esta"
                    | "una"
                    | "por"
                    | "de"
                    | "cada"
                    | "toda"
                    | "esa"
                    | "media"
                    | "en"
            );
            let morning_after = matches!(near(words, i + 1, i), "de" | "del");
            if morning_before || morning_after {
                None
            } else {
                single(1)
            }
        }
        _ => None,
    }
}

/// The unit of a relative date: days per unit for days and weeks, or months or years.
enum Unit {
    Days(i64),
    Months,
    Years,
}

fn unit(word: &str) -> Option<Unit> {
    match word {
        "day" | "days" | "dia" | "dias" => Some(Unit::Days(1)),
        "week" | "weeks" | "semana" | "semanas" => Some(Unit::Days(7)),
        "fortnight" | "quincena" => Some(Unit::Days(14)),
        "month" | "months" | "mes" | "meses" => Some(Unit::Months),
        "year" | "years" | "ano" | "anos" => Some(Unit::Years),
        _ => None,
    }
}

/// "two weeks ago", "a year ago", "hace tres semanas", "hace un mes" — not "desde hace tres
/// meses" (a duration).
fn ago(words: &Words, i: usize) -> Option<Found> {
    let (number_at, spanish) = if words.get(i) == "hace" && words.is_word(i) {
        if before(words, i) == "desde" {
            return None;
        }
        (i + 1, true)
    } else {
        (i, false)
    };
    if !words.same_sentence(i, number_at) {
        return None;
    }
    let number = parse_number(words, number_at, true)?;
    // Amounts beyond a few thousand units are not dates (and would leave the calendar).
    if number.value > 5_000 || !words.same_sentence(i, number.end) {
        return None;
    }
    let unit = unit(words.get(number.end))?;
    let last = if spanish {
        number.end
    } else {
        let ago_at = number.end + 1;
        if near(words, ago_at, i) != "ago" {
            return None;
        }
        ago_at
    };
    let amount = i64::try_from(number.value).ok()?;
    let when = match unit {
        Unit::Days(days) => When::Days(-amount * days),
        Unit::Months => When::Months(-amount),
        Unit::Years => When::Years(-amount),
    };
    Some(Found {
        start: i,
        last,
        when,
    })
}

/// A year in a date context: "in 2025", "since 2019", "a finales de 2024", "en el 2025", and
/// the second year of a range ("between 2019 and 2021", "2019-2021").
fn year_in_context(words: &Words, i: usize, previous_end: Option<usize>) -> Option<Found> {
    let year = year_at(words, i)?;
    let next = near(words, i + 1, i);
    if NOT_AFTER_YEAR.contains(&next) {
        return None;
    }
    let previous = before(words, i);
    let in_context = DATE_CONTEXT.contains(&previous)
        && !matches!(previous, "and" | "y" | "a" | "to" | "on")
        || (previous == "el"
            && i >= 2
            && matches!(
                before(words, i - 1),
                "en" | "desde" | "hasta" | "durante" | "para" | "de"
            ));
    let in_range = i >= 2
        && previous_end == Some(i - 2)
        && words.same_sentence(i - 2, i)
        && matches!(
            previous,
            "and" | "to" | "y" | "a" | "al" | "-" | "–" | "through" | "until" | "hasta"
        );
    (in_context || in_range).then_some(Found {
        start: i,
        last: i,
        when: When::Absolute {
            year,
            month: None,
            day: None,
        },
    })
}

/// "mid-March", "mid-2025", "early-2024": one hyphenated token.
fn hyphenated(words: &Words, i: usize) -> Option<Found> {
    if !words.is_word(i) {
        return None;
    }
    let (prefix, rest) = words.get(i).split_once('-')?;
    if !matches!(prefix, "mid" | "early" | "late") {
        return None;
    }
    let when = if let Some((_, month)) = ENGLISH_MONTHS.iter().find(|(name, _)| *name == rest) {
        When::Month {
            month: *month,
            direction: Direction::Auto,
        }
    } else if rest.len() == 4 && rest.bytes().all(|byte| byte.is_ascii_digit()) {
        let year: i32 = rest.parse().ok()?;
        if !(1800..=2199).contains(&year) {
            return None;
        }
        When::Absolute {
            year,
            month: None,
            day: None,
        }
    } else {
        return None;
    };
    Some(Found {
        start: i,
        last: i,
        when,
    })
}

#[cfg(test)]
mod tests;
