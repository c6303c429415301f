//! Runs shaped like a person's name that are not one: plural demonyms and group nouns
//! ("Tunisians", "Islamists", "Thousands of Tunisians", "Egyptian Copts", "New Zealanders"),
//! places named with a compass word ("Middle East", "South Taranaki"), headings in capitals
//! ("ACTUALIZADO A"), and, across a text, a run that the text names elsewhere as an
//! organization or a place ("Whole Foods" beside "Whole Foods Market").

use std::ops::Range;

use super::lexicon::{CONNECTORS, ORG_CUES};
use super::{COMPASS_WORDS, Evidence, Finder, Found, insert_first};
use crate::gazetteer::fx::FxHashMap;
use crate::gazetteer::{Gazetteer, NameKind};

/// Endings of plural nouns for groups of people ("Tunisians", "Europeans", "Africans",
/// "Islamists", "Analysts", "Israelites"): no person's name ends so.
const GROUP_ENDINGS: &[&str] = &["ians", "eans", "icans", "ists", "ysts", "ites"];

/// Endings of demonyms used as adjectives ("Egyptian", "Korean", "African", "Lebanese").
const DEMONYM_ENDINGS: &[&str] = &["ian", "ean", "ican", "ese"];

/// Number words that open a run of capitals ("Thousands of Tunisians", "Ninety Mile").
const NUMBER_WORDS: &[&str] = &[
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "dozen",
    "dozens",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "veinte",
    "cien",
    "cientos",
    "mil",
    "miles",
    "millones",
    "decenas",
    "docenas",
];

/// What a run is when its shape says it is no person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NotPerson {
    /// Nothing to report (a group of people, a heading).
    Nothing,
    /// A place.
    Place,
}

fn ends_with_any(word: &str, endings: &[&str]) -> bool {
    endings
        .iter()
        .any(|ending| word.len() > ending.len() + 1 && word.ends_with(ending))
}

/// Whether a folded word is a demonym, known or by its ending.
fn demonym_shaped(word: &str) -> bool {
    Gazetteer::demonym(word).is_some() || ends_with_any(word, DEMONYM_ENDINGS)
}

impl Finder<'_, '_, '_> {
    /// What a run that nothing else classified is, when its words show it is no person.
    pub(super) fn not_a_person(&self, range: Range<usize>) -> Option<NotPerson> {
        let words = || {
            range
                .clone()
                .filter(|&at| self.toks[at].word && !self.is(at, &CONNECTORS))
        };
        let first = words().next()?;
        let last = words().next_back()?;
        let n_words = words().count();
        // A heading or a label in capitals: a name written by a person has small letters.
        if words().all(|at| !self.text(at).chars().any(char::is_lowercase)) {
            return Some(NotPerson::Nothing);
        }
        let first_key = self.key(first);
        let last_key = self.key(last);
        if NUMBER_WORDS.contains(&first_key) {
            return Some(NotPerson::Nothing);
        }
        // "Tunisians", "Islamists", "Thousands of Tunisians", "Tunisian Islamists".
        if ends_with_any(last_key, GROUP_ENDINGS) || Gazetteer::demonym(last_key).is_some() {
            return Some(NotPerson::Nothing);
        }
        // "Egyptian Copts": a demonym before a plural noun.
        if n_words >= 2
            && demonym_shaped(first_key)
            && last_key.ends_with('s')
            && !self.gazetteer.is_surname(last_key)
        {
            return Some(NotPerson::Nothing);
        }
        // "New Zealanders": the people of a known place.
        if let Some(stem) = self.text(last).strip_suffix("ers")
            && n_words <= 3
        {
            let before = self.slice(range.start..last);
            let place = if before.is_empty() {
                stem.to_owned()
            } else {
                format!("{before} {stem}")
            };
            let known = self
                .gazetteer
                .lookup(&place, Some(NameKind::Place))
                .first()
                .is_some_and(|best| best.score >= 0.95);
            if known {
                return Some(NotPerson::Nothing);
            }
        }
        // "North African", "South Taranaki", "Middle East".
        if n_words >= 2 && COMPASS_WORDS.contains(&first_key) {
            return Some(if demonym_shaped(last_key) {
                NotPerson::Nothing
            } else {
                NotPerson::Place
            });
        }
        if n_words >= 2 && matches!(last_key, "east" | "west" | "north" | "south") {
            return Some(NotPerson::Place);
        }
        None
    }

    /// A person found by shape alone whose words the text gives elsewhere as an organization
    /// or a place (by a cue word or a known name) is that: "Whole Foods" beside "Whole Foods
    /// Market", "Punta Arenas" beside "la ciudad de Punta Arenas".
    pub(super) fn align_kinds(&self, found: &mut [Found]) {
        let mut kinds: FxHashMap<String, NameKind> = FxHashMap::default();
        let mut key_buffer = String::new();
        for mention in found.iter() {
            if mention.kind == NameKind::Person
                || !matches!(
                    mention.evidence,
                    Evidence::Known | Evidence::Cue | Evidence::Acronym
                )
            {
                continue;
            }
            insert_first(
                &mut kinds,
                self.key_in(mention.tokens.clone(), &mut key_buffer),
                mention.kind,
            );
            // "Whole Foods Market" is also "Whole Foods".
            let tokens = mention.tokens.clone();
            if mention.kind == NameKind::Organization
                && tokens.len() >= 3
                && self.hit_at[tokens.end - 1].is_none()
                && self.is(tokens.end - 1, &ORG_CUES)
            {
                insert_first(
                    &mut kinds,
                    self.key_in(tokens.start..tokens.end - 1, &mut key_buffer),
                    NameKind::Organization,
                );
            }
        }
        if kinds.is_empty() {
            return;
        }
        for mention in found.iter_mut() {
            let weak = matches!(
                mention.evidence,
                Evidence::Shape | Evidence::Speech | Evidence::Surname | Evidence::Preposition
            );
            if mention.kind != NameKind::Person || !weak || mention.detail.is_some() {
                continue;
            }
            if let Some(kind) = kinds.get(self.key_in(mention.tokens.clone(), &mut key_buffer)) {
                mention.kind = *kind;
                mention.evidence = Evidence::Cue;
                mention.matches = None;
            }
        }
    }
}
