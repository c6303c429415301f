//! The gold set in `tests/gold/` (see docs/extraction-evaluation.md): every file is read and
//! checked (every span's offsets give its text, values are well formed, terms exist), and
//! extraction runs on every text without panicking. Scores are measured by the `eval_extract`
//! example, not asserted here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use amparo_extract::{Gazetteer, Language, Options};
use amparo_model::vocab::{VocabularyId, vocabulary};
use serde::Deserialize;
use time::Date;
use time::macros::format_description;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldText {
    id: String,
    language: String,
    published: String,
    text: String,
    persons: Vec<Span>,
    organizations: Vec<Span>,
    places: Vec<Span>,
    dates: Vec<GoldDate>,
    counts: Vec<GoldCount>,
    quotes: Vec<GoldQuote>,
    posts: Vec<GoldPost>,
    violations: Vec<GoldViolation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Span {
    text: String,
    start: usize,
    end: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldDate {
    text: String,
    start: usize,
    end: usize,
    value: String,
    precision: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldCount {
    text: String,
    start: usize,
    end: usize,
    value: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldQuote {
    text: String,
    start: usize,
    end: usize,
    speaker: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldPost {
    platform: String,
    author: Option<String>,
    handle: Option<String>,
    date: Option<String>,
    text: String,
    language: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldViolation {
    term: String,
    start: usize,
    end: usize,
}

fn gold_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold")
}

fn gold_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(gold_dir())
        .expect("tests/gold exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> GoldText {
    let text = std::fs::read_to_string(path).expect("a gold file reads");
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not a gold file: {error}", path.display()))
}

fn day(text: &str) -> Option<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

/// Checks one span: in range, not empty, and `text[start..end]` (in characters) is its text.
fn check_span(
    errors: &mut Vec<String>,
    id: &str,
    what: &str,
    chars: &[char],
    (text, start, end): (&str, usize, usize),
) {
    if start >= end || end > chars.len() {
        errors.push(format!(
            "{id}: {what} {text:?} has offsets {start}..{end} outside the text ({} characters)",
            chars.len()
        ));
        return;
    }
    let found: String = chars[start..end].iter().collect();
    if found != text {
        errors.push(format!(
            "{id}: {what} {text:?} at {start}..{end}, but the text there is {found:?}"
        ));
    }
    if found.trim() != found {
        errors.push(format!(
            "{id}: {what} {found:?} starts or ends with whitespace"
        ));
    }
}

fn check(path: &Path, gold: &GoldText) -> Vec<String> {
    let mut errors = Vec::new();
    let id = gold.id.as_str();
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("");
    if stem != id {
        errors.push(format!("{}: the id is {id:?}", path.display()));
    }
    if Language::from_code(&gold.language).is_none() {
        errors.push(format!(
            "{id}: language {:?} is not en or es",
            gold.language
        ));
    }
    if day(&gold.published).is_none() {
        errors.push(format!(
            "{id}: published {:?} is not YYYY-MM-DD",
            gold.published
        ));
    }
    let words = gold.text.split_whitespace().count();
    if !(80..=200).contains(&words) {
        errors.push(format!("{id}: {words} words, not 80 to 200"));
    }
    let chars: Vec<char> = gold.text.chars().collect();
    for (what, spans) in [
        ("person", &gold.persons),
        ("organization", &gold.organizations),
        ("place", &gold.places),
    ] {
        for span in spans {
            check_span(
                &mut errors,
                id,
                what,
                &chars,
                (&span.text, span.start, span.end),
            );
        }
    }
    for date in &gold.dates {
        check_span(
            &mut errors,
            id,
            "date",
            &chars,
            (&date.text, date.start, date.end),
        );
        let well_formed = match date.precision.as_str() {
            "day" => day(&date.value).is_some(),
            "month" => day(&format!("{}-01", date.value)).is_some() && date.value.len() == 7,
            "year" => date.value.len() == 4 && date.value.chars().all(|c| c.is_ascii_digit()),
            _ => false,
        };
        if !well_formed {
            errors.push(format!(
                "{id}: date {:?} has value {:?} with precision {:?}",
                date.text, date.value, date.precision
            ));
        }
    }
    for count in &gold.counts {
        check_span(
            &mut errors,
            id,
            "count",
            &chars,
            (&count.text, count.start, count.end),
        );
        if count.value == 0 {
            errors.push(format!("{id}: count {:?} has value 0", count.text));
        }
    }
    for quote in &gold.quotes {
        check_span(
            &mut errors,
            id,
            "quote",
            &chars,
            (&quote.text, quote.start, quote.end),
        );
        if quote
            .speaker
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            errors.push(format!("{id}: quote {:?} has a blank speaker", quote.text));
        }
    }
    let flat = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    for post in &gold.posts {
        if !flat(&gold.text).contains(&flat(&post.text)) {
            errors.push(format!("{id}: post {:?} is not in the text", post.text));
        }
        if post.author.is_none() && post.handle.is_none() {
            errors.push(format!("{id}: a post has neither author nor handle"));
        }
        if post.handle.as_deref().is_some_and(|h| !h.starts_with('@')) {
            errors.push(format!("{id}: handle {:?} lacks its @", post.handle));
        }
        if post.date.as_deref().is_some_and(|date| day(date).is_none()) {
            errors.push(format!("{id}: post date {:?} is not YYYY-MM-DD", post.date));
        }
        if post.platform.is_empty() || post.language.is_empty() {
            errors.push(format!("{id}: a post lacks its platform or language"));
        }
    }
    let violation_types = vocabulary(VocabularyId::ViolationType);
    for cue in &gold.violations {
        let text: String = chars
            .get(cue.start..cue.end)
            .map(|chars| chars.iter().collect())
            .unwrap_or_default();
        check_span(
            &mut errors,
            id,
            "violation",
            &chars,
            (&text, cue.start, cue.end),
        );
        if !violation_types.contains(&cue.term) {
            errors.push(format!(
                "{id}: violation term {:?} is not in the violation-type vocabulary",
                cue.term
            ));
        }
    }
    errors
}

#[test]
fn every_gold_file_is_consistent_and_extraction_reads_it() {
    let files = gold_files();
    let mut errors = Vec::new();
    let mut ids = BTreeSet::new();
    let (mut english, mut spanish) = (0, 0);
    let gazetteer = Gazetteer::builtin();
    for path in &files {
        let gold = load(path);
        errors.extend(check(path, &gold));
        if !ids.insert(gold.id.clone()) {
            errors.push(format!("{}: the id is used twice", gold.id));
        }
        let language = Language::from_code(&gold.language);
        match language {
            Some(Language::En) => english += 1,
            Some(Language::Es) => spanish += 1,
            None => {}
        }
        let options = Options {
            language,
            published: day(&gold.published),
        };
        let extraction = amparo_extract::extract(&gold.text, &options, &gazetteer);
        let length = gold.text.chars().count();
        let spans = extraction
            .persons
            .iter()
            .chain(&extraction.organizations)
            .chain(&extraction.places)
            .map(|mention| (mention.start, mention.end))
            .chain(extraction.dates.iter().map(|date| (date.start, date.end)))
            .chain(
                extraction
                    .counts
                    .iter()
                    .map(|count| (count.start, count.end)),
            )
            .chain(
                extraction
                    .quotes
                    .iter()
                    .map(|quote| (quote.start, quote.end)),
            )
            .chain(extraction.violations.iter().map(|cue| (cue.start, cue.end)));
        for (start, end) in spans {
            if start > end || end > length {
                errors.push(format!(
                    "{}: extraction gave offsets {start}..{end} outside the text ({length} characters)",
                    gold.id
                ));
            }
        }
    }
    assert!(
        files.len() >= 60,
        "the gold set has {} texts, fewer than 60",
        files.len()
    );
    assert_eq!(english, spanish, "as many English texts as Spanish ones");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
