//! Language identification for titles, social posts and whole articles, with the passages of a
//! document that are in another language than the whole (a Spanish post quoted in an English
//! article).
//!
//! # Model
//!
//! A naive Bayes classifier over character n-grams, embedded as `data/lang/model.tsv` (32,000
//! features, 600 kB): the features of a word are its 2- to 4-grams with `_` marking the word's
//! edges, plus the whole word (`_deportados_`); each has one cost `-ln P(feature | language)`
//! per language. A feature costs one hash and one probe of a 1 MB table that stays in the
//! processor's cache. Texts over 1 kB are first judged by their whole words alone (one probe
//! per word), which settles nearly all of them; only the uncertain ones, and short texts, are
//! scored with every n-gram. Measured on one core of the development machine: 180–200 MB/s
//! for articles, about 80 MB/s for titles and posts, 90–120 MB/s for [`analyze`] of articles.
//!
//! The model knows [`MODEL_LANGUAGES`]: English and Spanish, the languages closest to Spanish
//! (Portuguese, Catalan, Galician) so that they are answered rather than mistaken for Spanish,
//! and French, Italian, German, Dutch, Romanian, Polish and Basque. Text mostly in a script
//! that only one language uses is named by its script (Greek `el`, Hebrew `he`, Korean `ko`,
//! Japanese `ja`, Chinese `zh`, Thai `th`, Georgian `ka`, Armenian `hy`); text in Cyrillic,
//! Arabic or Devanagari, or with fewer than three letters, is [`UNDETERMINED`].
//!
//! Neither `whatlang` (no Galician) nor `lingua` (no Galician; large models, slower) covered the
//! Iberian languages this project needs, so the table was trained here by
//! `examples/train_lang.rs` from the translated messages of the gettext catalogues that Debian
//! packages install (GPL, LGPL and similar free licences); only the derived costs are in the
//! repository. `examples/eval_lang.rs` measures accuracy on held-out messages.

mod features;
mod model;
mod passages;
mod script;

use serde::Serialize;

use model::{COST_SCALE, LANES, MODEL, Scores};
use passages::{Unit, Verdict, foreign_passages, segment, unit_verdict};
use script::{N_SCRIPTS, Script};

/// The code reported when the language cannot be determined (ISO 639-2 "undetermined").
pub const UNDETERMINED: &str = "und";

/// The languages of the n-gram model, as ISO 639-1 codes.
pub const MODEL_LANGUAGES: [&str; 12] = [
    "en", "es", "pt", "ca", "gl", "fr", "it", "de", "nl", "ro", "pl", "eu",
];

/// Texts up to this size are always scored with all their n-grams.
const FULL_SCORING_BYTES: usize = 1024;

/// Longer texts (and sentences within them) are judged by their whole words alone when that
/// gives at least this confidence.
const WORDS_SUFFICE_CONFIDENCE: f64 = 0.999;

/// A sentence of a long document whose whole words say the document's language with at least
/// this confidence is taken to be in it without scoring its n-grams.
const UNIT_WORDS_SUFFICE: f64 = 0.9;

/// Prior cost of each language of [`MODEL_LANGUAGES`], in quarter nats (`-ln P(language)`
/// up to a constant): Amparo's sources are mostly English and Spanish, so the other
/// languages need a little more evidence, which matters only for a few words.
const PRIOR_COSTS: [u64; MODEL_LANGUAGES.len()] = [0, 0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4];

/// Fewest letters a text needs before a language is named.
const MIN_LETTERS: u32 = 3;

/// Fewest words a stretch needs to be reported as a passage in another language, so that a
/// foreign name or a single word is not a passage.
pub(crate) const MIN_PASSAGE_WORDS: u32 = 4;

/// Least confidence a sentence needs to count as being in another language than the whole.
pub(crate) const MIN_PASSAGE_CONFIDENCE: f64 = 0.9;

/// Naive Bayes treats overlapping n-grams as independent and so is overconfident; costs are
/// divided by this many nats before the softmax that gives the confidence. Chosen on held-out
/// messages so that the reported confidence roughly matches the measured accuracy.
const TEMPERATURE_NATS: f64 = 6.0;

/// The language of a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detection {
    /// ISO 639-1 code, or [`UNDETERMINED`].
    pub language: String,
    /// How sure the detector is, from 0 to 1; 0 when undetermined.
    pub confidence: f64,
}

/// A stretch of a document in another language than the document as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// Offset of the first character, counted in characters (Unicode scalar values).
    pub start: usize,
    /// Offset one past the last character, counted in characters.
    pub end: usize,
    /// ISO 639-1 code of the passage.
    pub language: String,
}

/// The language of a document and its passages in other languages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LanguageReport {
    /// ISO 639-1 code of the document as a whole, or [`UNDETERMINED`].
    pub language: String,
    /// How sure the detector is of `language`, from 0 to 1.
    pub confidence: f64,
    /// Sentences or paragraphs in another language, adjacent ones merged, in document order.
    pub passages: Vec<Passage>,
}

impl LanguageReport {
    /// The report as `amparo inspect lang` prints it: `language`, `confidence` (rounded to three
    /// decimals) and `passages` with `start`, `end` and `language`.
    pub fn to_inspect_json(&self) -> serde_json::Value {
        serde_json::json!({
            "language": self.language,
            "confidence": (self.confidence * 1000.0).round() / 1000.0,
            "passages": self.passages,
        })
    }
}

/// Detects the language of `text`, short (a title) or long (an article).
pub fn detect(text: &str) -> Detection {
    let model = &*MODEL;
    if text.len() > FULL_SCORING_BYTES {
        let by_words = decide(&model.score_words(text));
        if by_words.confidence >= WORDS_SUFFICE_CONFIDENCE {
            return by_words;
        }
    }
    decide(&model.score(text))
}

/// Detects the language of a document and the passages in other languages.
///
/// The document's language is [`detect`]'s. Each sentence or line is first judged by its
/// whole words; only those that do not clearly belong to the document's language are scored
/// with all their n-grams, and those confidently in another language become passages.
pub fn analyze(text: &str) -> LanguageReport {
    let model = &*MODEL;
    let units = segment(text);
    let unit_text = |unit: &Unit| &text[unit.byte_range.clone()];
    let mut full: Option<Vec<Scores>> = None;
    let mut by_words: Vec<Scores> = Vec::new();
    let mut whole = None;
    if text.len() > FULL_SCORING_BYTES {
        by_words = units
            .iter()
            .map(|unit| model.score_words(unit_text(unit)))
            .collect();
        let mut total = Scores::ZERO;
        by_words.iter().for_each(|scores| total.add(scores));
        let detection = decide(&total);
        if detection.confidence >= WORDS_SUFFICE_CONFIDENCE {
            whole = Some(detection);
        }
    }
    let whole = whole.unwrap_or_else(|| {
        let scored: Vec<Scores> = units
            .iter()
            .map(|unit| model.score(unit_text(unit)))
            .collect();
        let mut total = Scores::ZERO;
        scored.iter().for_each(|scores| total.add(scores));
        full = Some(scored);
        decide(&total)
    });
    let passages = if whole.language == UNDETERMINED {
        Vec::new()
    } else {
        let verdicts: Vec<(Verdict, u32)> = units
            .iter()
            .enumerate()
            .map(|(index, unit)| {
                if let Some(full) = &full {
                    return (
                        unit_verdict(&full[index], &whole.language),
                        full[index].n_words,
                    );
                }
                let words = &by_words[index];
                if words.n_words < 2 {
                    return (Verdict::Unsure, words.n_words);
                }
                let quick = decide(words);
                if quick.language == whole.language && quick.confidence >= UNIT_WORDS_SUFFICE {
                    return (Verdict::Document, words.n_words);
                }
                let scores = model.score(unit_text(unit));
                (unit_verdict(&scores, &whole.language), scores.n_words)
            })
            .collect();
        foreign_passages(text, &units, &verdicts)
    };
    LanguageReport {
        language: whole.language,
        confidence: whole.confidence,
        passages,
    }
}

/// Names the language of summed scores.
pub(crate) fn decide(scores: &Scores) -> Detection {
    let undetermined = Detection {
        language: UNDETERMINED.to_owned(),
        confidence: 0.0,
    };
    let letters: u32 = scores.letters_by_script.iter().sum();
    if letters < MIN_LETTERS {
        return undetermined;
    }
    let latin = scores.letters_by_script[Script::Latin.index()];
    if latin * 2 < letters {
        return decide_by_script(&scores.letters_by_script, letters);
    }
    if scores.n_features == 0 {
        return undetermined;
    }
    let n_languages = MODEL.languages.len();
    let mut with_prior = [0u64; LANES];
    for ((cost, &summed), &prior) in with_prior.iter_mut().zip(&scores.costs).zip(&PRIOR_COSTS) {
        *cost = summed + prior;
    }
    let costs = &with_prior[..n_languages];
    let (best, &best_cost) = costs
        .iter()
        .enumerate()
        .min_by_key(|&(_, cost)| *cost)
        .expect("the model has languages");
    let confidence = softmax_top(costs, best_cost) * f64::from(latin) / f64::from(letters);
    Detection {
        language: MODEL.languages[best].clone(),
        confidence,
    }
}

/// The softmax probability of the cheapest language, costs taken in [`TEMPERATURE_NATS`].
fn softmax_top(costs: &[u64], best_cost: u64) -> f64 {
    let scale = 1.0 / (COST_SCALE * TEMPERATURE_NATS);
    let sum: f64 = costs
        .iter()
        .map(|&cost| (-((cost - best_cost) as f64) * scale).exp())
        .sum();
    1.0 / sum
}

fn decide_by_script(letters_by_script: &[u32; N_SCRIPTS], letters: u32) -> Detection {
    let kana = letters_by_script[Script::Kana.index()];
    let han = letters_by_script[Script::Han.index()];
    let (script, count) = if kana > 0 && (kana + han) * 2 >= letters {
        (Script::Kana, kana + han)
    } else {
        Script::ALL
            .iter()
            .map(|&script| (script, letters_by_script[script.index()]))
            .max_by_key(|&(_, count)| count)
            .expect("there are scripts")
    };
    match script.sole_language() {
        Some(language) => Detection {
            language: language.to_owned(),
            confidence: f64::from(count) / f64::from(letters),
        },
        None => Detection {
            language: UNDETERMINED.to_owned(),
            confidence: 0.0,
        },
    }
}

/// Helpers shared with the model trainer (`examples/train_lang.rs`); not a stable interface.
#[doc(hidden)]
pub mod training {
    pub use super::model::{COST_BASE, COST_SCALE, MAX_COST, training_features};

    /// Row width limit of the model table.
    pub const MAX_LANGUAGES: usize = super::LANES;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_has_the_documented_languages() {
        assert_eq!(MODEL.languages, MODEL_LANGUAGES);
    }
}
