//! Amparo's extraction: what a news text says about people, organizations, places, dates,
//! numbers of people, quotations, embedded social-media posts and human-rights violations, in
//! English and Spanish, as spans of the text with a confidence, for a person to review.
//!
//! This crate is pure: no I/O, no clock (the publication date that relative dates are resolved
//! against is passed in). Every function accepts any text and never panics; what could not be
//! read is reported in [`Extraction::problems`].
//!
//! Offsets are counted in Unicode scalar values (`char`s) from the start of the text, as the
//! JSON of `amparo inspect text` promises; [`text::Doc`] maps between byte and character
//! offsets.

#![warn(missing_docs)]

mod classes;
pub mod counts;
pub mod dates;
pub mod gazetteer;
pub mod names;
pub mod posts;
pub mod quotes;
pub mod text;
pub mod violations;

use serde::Serialize;
use time::Date;

pub use gazetteer::{Gazetteer, GazetteerEntry, NameKind};
pub use text::Doc;

/// The two languages extraction knows. Any other text is read with the English rules and a
/// problem saying so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl Language {
    /// `en` or `es`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    /// `en` → English, `es` → Spanish, anything else `None`.
    pub fn from_code(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "es" => Some(Language::Es),
            _ => None,
        }
    }
}

/// How to read a text.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The text's language; detected when `None`.
    pub language: Option<Language>,
    /// The day the text was published, against which "last March" or "hace tres semanas" are
    /// resolved; relative dates get no value without it.
    pub published: Option<Date>,
}

/// A mention of a person, an organization or a place.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mention {
    /// The words as they appear in the text (the name, without a title or role before it).
    pub text: String,
    /// Offset of the first character, in characters.
    pub start: usize,
    /// Offset one past the last character, in characters.
    pub end: usize,
    /// How sure the extractor is, from 0 to 1.
    pub confidence: f32,
    /// A title or role the text gives with the name ("U.S. Federal Judge", "el presidente"),
    /// or for an organization the acronym or expansion given beside it, or for a place its
    /// kind (`country`, `city`, `detention-centre`, …) when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The gazetteer entries the mention matched, best first (empty when none did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matches: Vec<gazetteer::Match>,
}

/// How precisely a date is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// A day: `2025-12-22`.
    Day,
    /// A month: `2025-03`.
    Month,
    /// A year: `2025`.
    Year,
}

/// A date the text names, absolute or relative to the publication date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DateMention {
    /// The words as they appear in the text.
    pub text: String,
    /// Offset of the first character, in characters.
    pub start: usize,
    /// Offset one past the last character, in characters.
    pub end: usize,
    /// `2025-12-22`, `2025-03` or `2025` as `precision` says; `None` for a relative date
    /// without a publication date to resolve it against.
    pub value: Option<String>,
    /// How precise `value` is.
    pub precision: Precision,
}

/// A number of people the text gives ("252 individuals", "hundreds of Venezuelans").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CountMention {
    /// The words as they appear in the text.
    pub text: String,
    /// Offset of the first character, in characters.
    pub start: usize,
    /// Offset one past the last character, in characters.
    pub end: usize,
    /// The number; for "hundreds" or "cientos", the smallest it can mean (200); `None` when
    /// the words give no number ("dozens of families" gives 24).
    pub value: Option<u64>,
    /// Whether the number is approximate ("about 250", "hundreds", "más de 200").
    pub approximate: bool,
}

/// A quotation and, when the text says, who said or wrote it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quote {
    /// The quoted words, without the quotation marks.
    pub text: String,
    /// Offset of the first quoted character, in characters.
    pub start: usize,
    /// Offset one past the last quoted character, in characters.
    pub end: usize,
    /// Who the text says spoke or wrote it (a name or "the group"), as written.
    pub speaker: Option<String>,
}

/// A social-media post the article quotes or embeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Post {
    /// `twitter` (X), `instagram`, `facebook`, `tiktok`, `bluesky`, `mastodon`, `telegram`,
    /// or `unknown`.
    pub platform: String,
    /// The author's display name.
    pub author: Option<String>,
    /// The handle, with its `@`.
    pub handle: Option<String>,
    /// The day it was posted, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The post's text.
    pub text: String,
    /// The post's language (ISO 639-1), `und` when unknown.
    pub language: String,
    /// Links in the post.
    pub links: Vec<String>,
    /// Offset of the first character of the post in the text, in characters.
    pub start: usize,
    /// Offset one past its last character, in characters.
    pub end: usize,
}

/// A phrase that suggests a human-rights violation, mapped to the violation-type vocabulary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViolationCue {
    /// The violation-type term id (`torture`, `enforced-disappearance`, …).
    pub term: String,
    /// The term's label in the text's language.
    pub label: String,
    /// Offset of the first character of the cue, in characters.
    pub start: usize,
    /// Offset one past its last character, in characters.
    pub end: usize,
    /// The sentence that supports it.
    pub sentence: String,
}

/// Everything found in one text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Extraction {
    /// The language the text was read in (`en` or `es`), or the detected language when it is
    /// neither (then read with the English rules).
    pub language: String,
    /// Persons.
    pub persons: Vec<Mention>,
    /// Organizations.
    pub organizations: Vec<Mention>,
    /// Places.
    pub places: Vec<Mention>,
    /// Dates.
    pub dates: Vec<DateMention>,
    /// Counts of people.
    pub counts: Vec<CountMention>,
    /// Quotations.
    pub quotes: Vec<Quote>,
    /// Embedded posts.
    pub posts: Vec<Post>,
    /// Violation cues.
    pub violations: Vec<ViolationCue>,
    /// What could not be read or had to be guessed.
    pub problems: Vec<String>,
}

/// Reads a text with the names of `gazetteer` (the installation's persons, organizations and
/// places, plus what ships with Amparo).
pub fn extract(input: &str, options: &Options, gazetteer: &Gazetteer) -> Extraction {
    let mut problems = Vec::new();
    let language = match options.language {
        Some(language) => language,
        None => {
            let detected = amparo_ingest::lang::detect(input);
            match Language::from_code(&detected.language) {
                Some(language) => language,
                None => {
                    if !input.trim().is_empty() {
                        problems.push(format!(
                            "the text's language is {} (not English or Spanish); it was read with the English rules",
                            detected.language
                        ));
                    }
                    Language::En
                }
            }
        }
    };
    let doc = Doc::new(input, language);
    let dates = dates::find_dates(&doc, options.published, &mut problems);
    let counts = counts::find_counts(&doc);
    let names = names::find_names(&doc, gazetteer);
    let quotes = quotes::find_quotes(&doc, &names);
    let posts = posts::find_posts(&doc);
    let violations = violations::find_violations(&doc);
    Extraction {
        language: language.code().to_owned(),
        persons: names.persons,
        organizations: names.organizations,
        places: names.places,
        dates,
        counts,
        quotes,
        posts,
        violations,
        problems,
    }
}
