//! Known names: the installation's persons, organizations and places, and what ships with
//! Amparo (countries, cities, detention centres, institutions), with accent-, case- and
//! order-insensitive matching, aliases, initials and a fuzzy score.
//!
//! Two uses:
//!
//! * [`Gazetteer::scan`] finds known names in a [`Doc`], token by token (a hash look-up per
//!   token, and more only where a known name starts there), so its cost grows with the text,
//!   not with the number of names.
//! * [`Gazetteer::lookup`] links one name to the entries it may stand for, with a score for
//!   each candidate. Nothing is ever merged: every candidate at or above
//!   [`MATCH_THRESHOLD`] is returned, best first, for a person to decide.

mod builtin;
pub(crate) mod fx;
mod similarity;

use std::borrow::Cow;
use std::collections::HashSet;

use fx::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::LazyLock;

use serde::Serialize;

pub use similarity::jaro_winkler;

use crate::Language;
use crate::text::{Doc, fold, fold_into};

/// The lowest score [`Gazetteer::lookup`] returns. Scores mean:
///
/// * `1.0` — the same words, accents and case aside (`José PÉREZ` = `Jose Perez`);
/// * `0.97` × that — through an alias (an acronym, a translation, another spelling);
/// * `0.93` — the same words in another order (`Pérez, José`);
/// * `0.85`–`0.95` — initials for given names (`J. G. Pérez`), a second surname or middle
///   name left out (`José Gregorio Pérez Rodríguez` ~ `Jose G. Perez`), or a typo in a long
///   word (Jaro-Winkler ≥ 0.88 per word);
/// * `0.6` — one word alone, such as a surname, matching one word of a longer name: a
///   candidate worth showing, never a decision.
///
/// A surname shared by two people never reaches the score of a full name: both are listed.
pub const MATCH_THRESHOLD: f32 = 0.6;

/// At most this many candidates are returned by [`Gazetteer::lookup`].
pub const MAX_MATCHES: usize = 10;

/// At most this many forms are scored for one look-up (those sharing the most words with
/// the query), so that a common name costs no more than a rare one.
const MAX_CANDIDATES: usize = 256;

/// A word in more forms than this is common (a given name, a frequent surname): it counts
/// toward a candidate's score but does not propose candidates of its own unless it is the
/// query's rarest word.
const COMMON_WORD: usize = 200;

/// Words ignored when linking (particles of names and function words of organizations).
const PARTICLES: &[&str] = &[
    "de", "del", "la", "las", "los", "el", "y", "e", "da", "das", "do", "dos", "di", "du", "van",
    "von", "der", "den", "le", "of", "the", "and", "for", "on", "para", "en", "a", "al", "por",
    "&",
];

/// What a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NameKind {
    /// A person.
    Person,
    /// An organization.
    Organization,
    /// A place.
    Place,
}

/// One known name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GazetteerEntry {
    /// The record it stands for (`P-0042`, a UUID), or a key of the built-in lists.
    pub id: String,
    /// What it names.
    pub kind: NameKind,
    /// The name.
    pub name: String,
    /// Other names for the same thing (acronyms, spellings, translations).
    pub aliases: Vec<String>,
    /// For a place, its kind (`country`, `city`, `detention-centre`, …); for a built-in
    /// organization, its kind too (a term of the `organization-kind` vocabulary).
    pub detail: Option<String>,
}

/// A candidate a mention matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// The entry's id.
    pub id: String,
    /// The entry's name.
    pub name: String,
    /// How well it matched, from 0 to 1.
    pub score: f32,
}

/// A known name found in a text by [`Gazetteer::scan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The tokens it covers (indices into [`Doc::tokens`]).
    pub tokens: Range<usize>,
    /// The entries whose name or alias it is, as indices into [`Gazetteer::entries`], with
    /// whether it was through an alias.
    pub entries: Vec<(usize, bool)>,
}

/// How a word of a known name must be written in a text to match it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    /// As it comes (a lowercase word of the name: "and", "de").
    Any,
    /// With a capital first letter ("Salvador").
    Capitalized,
    /// In capitals, as an acronym ("ICE", "U.S."), so that "ice" and "us" are not names.
    Acronym,
}

/// A word of a name, as linking compares it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LinkToken {
    text: String,
    /// A single letter: an initial.
    initial: bool,
    /// How many characters `text` has, counted once for the many comparisons of a look-up.
    chars: usize,
}

impl LinkToken {
    fn new(text: String, initial: bool) -> LinkToken {
        let chars = text.chars().count();
        LinkToken {
            text,
            initial,
            chars,
        }
    }
}

/// One name or alias of an entry.
#[derive(Clone, Debug)]
struct Form {
    entry: u32,
    alias: bool,
    cases: Vec<Case>,
    link: Vec<LinkToken>,
}

/// What [`Gazetteer::scan`] knows of a scan key (the keys of a form's first tokens, joined by
/// spaces).
#[derive(Clone, Debug, Default)]
struct ScanNode {
    /// The forms whose whole key it is.
    forms: Vec<u32>,
    /// Whether it is the key of the first tokens of a longer form (`el`, `el paso service`):
    /// the scan reads further only then.
    prefix: bool,
    /// When it is a form's first token, the most tokens of a form starting with it (else 0).
    longest: usize,
    /// As `longest`, for the forms whose first word may be written in lowercase: a word
    /// written so starts no other form.
    longest_any: usize,
}

/// A set of the first two bytes of keys (the first byte alone for a key of one byte), as
/// 65,536 bits: with thousands of names nearly every letter starts one, two bytes rule out
/// more of the words that start none.
#[derive(Clone, Debug, Default)]
struct KeyStarts(Vec<u64>);

impl KeyStarts {
    /// The bit of `key`'s start; `None` for an empty key.
    fn bit_of(key: &str) -> Option<usize> {
        match key.as_bytes() {
            [] => None,
            [first] => Some(usize::from(*first) << 8),
            [first, second, ..] => Some(usize::from(*first) << 8 | usize::from(*second)),
        }
    }

    fn insert(&mut self, key: &str) {
        let Some(bit) = KeyStarts::bit_of(key) else {
            return;
        };
        if self.0.is_empty() {
            self.0 = vec![0; (1 << 16) / 64];
        }
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    /// Whether a key starting as `key` does may be in the set (an empty key may).
    fn may_contain(&self, key: &str) -> bool {
        KeyStarts::bit_of(key).is_none_or(|bit| {
            self.0
                .get(bit / 64)
                .is_some_and(|word| word & (1 << (bit % 64)) != 0)
        })
    }
}

/// Known names.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    entries: Vec<GazetteerEntry>,
    forms: Vec<Form>,
    /// Each form's entry kind and number of words (not initials), apart from `forms` so that
    /// ruling candidates out reads little memory.
    form_meta: Vec<(NameKind, u8)>,
    /// Scan key (token keys joined by spaces) → what [`Gazetteer::scan`] needs to know of it,
    /// in one look-up: the forms with that key, whether it starts a longer form, and the
    /// most tokens of a form it is the first token of.
    by_scan_key: FxHashMap<String, ScanNode>,
    /// The starts of the keys forms start with, so that [`Gazetteer::scan`] passes most
    /// tokens without a look-up.
    first_keys: KeyStarts,
    /// As `first_keys`, for the forms whose first word may be written in lowercase.
    first_keys_any: KeyStarts,
    /// Link tokens, sorted and joined → forms.
    by_link_key: FxHashMap<String, Vec<u32>>,
    /// Link word → its id in `postings`.
    vocab: FxHashMap<String, u32>,
    /// Link word id → forms that have it.
    postings: Vec<Vec<u32>>,
    /// A link word with one character deleted → word ids (for typos).
    deletes: FxHashMap<String, Vec<u32>>,
    /// Link word id → the ids of the words [`Gazetteer::word_ids_near`] finds for it,
    /// computed when entries are added (not on each look-up).
    near: Vec<Vec<u32>>,
    /// Link word id → the forms of all the words in `near`, sorted, when there are two
    /// words or more there (else empty: the word's posting list is the answer).
    near_forms: Vec<Vec<u32>>,
    /// First words of the persons' names.
    given: FxHashSet<String>,
    /// Last words of the persons' names.
    surnames: FxHashSet<String>,
}

static BUILTIN: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::new(builtin::ENTRIES.clone()));

impl Gazetteer {
    /// A gazetteer of these entries only.
    pub fn new(entries: Vec<GazetteerEntry>) -> Gazetteer {
        let mut gazetteer = Gazetteer::default();
        gazetteer.extend(entries);
        gazetteer
    }

    /// The lists that ship with Amparo: countries, US states and other regions, cities of
    /// the Americas and Spain, prisons and detention centres, institutions and organizations
    /// with their acronyms in English and Spanish. Built once, cloned on each call.
    pub fn builtin() -> Gazetteer {
        BUILTIN.clone()
    }

    /// The shipped lists plus an installation's own records.
    pub fn with_builtin(entries: Vec<GazetteerEntry>) -> Gazetteer {
        let mut gazetteer = Gazetteer::builtin();
        gazetteer.extend(entries);
        gazetteer
    }

    /// Adds entries (an installation's persons, organizations and places).
    pub fn extend(&mut self, entries: Vec<GazetteerEntry>) {
        for entry in entries {
            self.add(entry);
        }
        let mut near = vec![Vec::new(); self.postings.len()];
        for (word, &id) in &self.vocab {
            if let Some(slot) = near.get_mut(id as usize) {
                *slot = self.word_ids_near(word);
            }
        }
        self.near_forms = near
            .iter()
            .map(|ids| {
                if ids.len() < 2 {
                    return Vec::new();
                }
                self.merged_postings(ids)
            })
            .collect();
        self.near = near;
    }

    /// The entries.
    pub fn entries(&self) -> &[GazetteerEntry] {
        &self.entries
    }

    /// The entry at `index` (as in [`Hit::entries`]).
    pub fn entry(&self, index: usize) -> Option<&GazetteerEntry> {
        self.entries.get(index)
    }

    /// Whether a folded word ([`fold`]) is a common given name, or the first name of a person
    /// in the gazetteer.
    pub fn is_given_name(&self, folded: &str) -> bool {
        builtin::GIVEN.contains(folded) || self.given.contains(folded)
    }

    /// Whether a folded word is a common surname, or the last name of a person in the
    /// gazetteer.
    pub fn is_surname(&self, folded: &str) -> bool {
        builtin::SURNAME.contains(folded) || self.surnames.contains(folded)
    }

    /// The country or region a folded word is the demonym of (`venezolanos` →
    /// `country:ve`). Demonyms are not places.
    pub fn demonym(folded: &str) -> Option<&'static str> {
        builtin::DEMONYMS_BY_WORD.get(folded).copied()
    }

    fn add(&mut self, entry: GazetteerEntry) {
        let Ok(index) = u32::try_from(self.entries.len()) else {
            return;
        };
        let names: Vec<(String, bool)> = std::iter::once((entry.name.clone(), false))
            .chain(entry.aliases.iter().map(|alias| (alias.clone(), true)))
            .collect();
        let kind = entry.kind;
        self.entries.push(entry);
        let mut seen = HashSet::new();
        for (name, alias) in names {
            let doc = Doc::without_classes(&name, Language::En);
            let keys: Vec<String> = scan_keys(&doc).iter().map(str::to_owned).collect();
            if keys.is_empty() || !seen.insert(keys.join(" ")) {
                continue;
            }
            let cases: Vec<Case> = doc
                .tokens
                .iter()
                .map(|token| case_of(doc.token_text(token)))
                .collect();
            let link = link_tokens(&name);
            let Ok(form_index) = u32::try_from(self.forms.len()) else {
                return;
            };
            let scan_key = keys.join(" ");
            self.by_scan_key
                .entry(scan_key)
                .or_default()
                .forms
                .push(form_index);
            let first = self.by_scan_key.entry(keys[0].clone()).or_default();
            first.longest = first.longest.max(keys.len());
            self.first_keys.insert(&keys[0]);
            if cases.first() == Some(&Case::Any) {
                first.longest_any = first.longest_any.max(keys.len());
                self.first_keys_any.insert(&keys[0]);
            }
            for end in 1..keys.len() {
                self.by_scan_key
                    .entry(keys[..end].join(" "))
                    .or_default()
                    .prefix = true;
            }
            self.by_link_key
                .entry(link_key(&link))
                .or_default()
                .push(form_index);
            let mut words: Vec<&str> = link
                .iter()
                .filter(|token| !token.initial)
                .map(|token| token.text.as_str())
                .collect();
            words.sort_unstable();
            words.dedup();
            for word in words {
                let id = self.word_id(word);
                if let Some(posting) = self.postings.get_mut(id as usize) {
                    posting.push(form_index);
                }
            }
            if kind == NameKind::Person && !alias {
                let content: Vec<&LinkToken> = link.iter().filter(|t| !t.initial).collect();
                if link.len() >= 2 {
                    if let Some(first) = link.first().filter(|t| !t.initial) {
                        self.given.insert(first.text.clone());
                    }
                    if let Some(last) = content.last() {
                        self.surnames.insert(last.text.clone());
                    }
                }
            }
            let words = link.iter().filter(|token| !token.initial).count();
            self.form_meta
                .push((kind, u8::try_from(words).unwrap_or(u8::MAX)));
            self.forms.push(Form {
                entry: index,
                alias,
                cases,
                link,
            });
        }
    }

    /// The forms that have `word` or a word one letter (deleted, added, changed or swapped)
    /// away from it, sorted.
    fn forms_with(&self, word: &str) -> Cow<'_, [u32]> {
        if let Some(forms) = self
            .vocab
            .get(word)
            .and_then(|id| self.near_forms.get(*id as usize))
            .filter(|forms| !forms.is_empty())
        {
            return Cow::Borrowed(&forms[..]);
        }
        let computed;
        let ids: &[u32] = match self
            .vocab
            .get(word)
            .and_then(|id| self.near.get(*id as usize))
        {
            Some(ids) => ids,
            None => {
                computed = self.word_ids_near(word);
                &computed
            }
        };
        // Each posting list is sorted and without repeats: one alone needs no sorting.
        if let [id] = ids[..] {
            return self
                .postings
                .get(id as usize)
                .map_or(Cow::Borrowed(&[][..]), |posting| {
                    Cow::Borrowed(&posting[..])
                });
        }
        Cow::Owned(self.merged_postings(ids))
    }

    /// The forms that have any of the words `ids`, sorted and without repeats.
    fn merged_postings(&self, ids: &[u32]) -> Vec<u32> {
        let mut forms: Vec<u32> = ids
            .iter()
            .filter_map(|id| self.postings.get(*id as usize))
            .flatten()
            .copied()
            .collect();
        forms.sort_unstable();
        forms.dedup();
        forms
    }

    /// The ids of `word` and of the words one letter (deleted, added, changed or swapped)
    /// away from it, sorted.
    fn word_ids_near(&self, word: &str) -> Vec<u32> {
        let mut ids: Vec<u32> = Vec::new();
        if let Some(id) = self.vocab.get(word) {
            ids.push(*id);
        }
        if word.chars().count() >= 4 {
            if let Some(more) = self.deletes.get(word) {
                ids.extend(more);
            }
            let mut deleted = String::with_capacity(word.len());
            for (at, c) in word.char_indices() {
                deleted.clear();
                deleted.push_str(&word[..at]);
                deleted.push_str(&word[at + c.len_utf8()..]);
                if let Some(id) = self.vocab.get(deleted.as_str()) {
                    ids.push(*id);
                }
                if let Some(more) = self.deletes.get(deleted.as_str()) {
                    ids.extend(more);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn word_id(&mut self, word: &str) -> u32 {
        if let Some(id) = self.vocab.get(word) {
            return *id;
        }
        let id = u32::try_from(self.postings.len()).unwrap_or(u32::MAX);
        self.vocab.insert(word.to_owned(), id);
        self.postings.push(Vec::new());
        if word.chars().count() >= 4 {
            for deleted in deletions(word) {
                let ids = self.deletes.entry(deleted).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        id
    }

    /// Finds the known names in `doc`: leftmost-longest, not overlapping, within a sentence,
    /// compared by [`token_key`] (`keys` are the doc's, from [`scan_keys`]) and written as the
    /// name is (an acronym in capitals, a capitalized word capitalized).
    pub fn scan(&self, doc: &Doc, keys: &ScanKeys) -> Vec<Hit> {
        let mut hits = Vec::new();
        let count = doc.tokens.len().min(keys.len());
        let mut key = String::new();
        let mut at = 0;
        while at < count {
            // A word written in lowercase starts only the forms whose first word may be.
            let lowercase = doc.shape(at).lowercase_start();
            // No form starts as the key does: no look-up.
            let first_keys = if lowercase {
                &self.first_keys_any
            } else {
                &self.first_keys
            };
            if !first_keys.may_contain(keys.get(at)) {
                at += 1;
                continue;
            }
            let node = self.by_scan_key.get(keys.get(at));
            let longest = node.map_or(0, |node| {
                if lowercase {
                    node.longest_any
                } else {
                    node.longest
                }
            });
            let Some(mut node) = node.filter(|_| longest > 0) else {
                at += 1;
                continue;
            };
            let sentence = doc.tokens[at].sentence;
            key.clear();
            let mut best: Option<(usize, Vec<(usize, bool)>)> = None;
            for length in 1..=longest {
                let last = at + length - 1;
                if last >= count || doc.tokens[last].sentence != sentence {
                    break;
                }
                if length > 1 {
                    // The first token's node is at hand; longer keys are looked up.
                    if key.is_empty() {
                        key.push_str(keys.get(at));
                    }
                    key.push(' ');
                    key.push_str(keys.get(last));
                    match self.by_scan_key.get(&key) {
                        Some(next) => node = next,
                        None => break,
                    }
                }
                if node.forms.is_empty() {
                    if node.prefix {
                        continue;
                    }
                    break;
                }
                let entries: Vec<(usize, bool)> = node
                    .forms
                    .iter()
                    .filter_map(|&form| self.forms.get(form as usize))
                    .filter(|form| {
                        form.cases.len() == length
                            && form.cases.iter().enumerate().all(|(offset, case)| {
                                written_as(doc.token_text(&doc.tokens[at + offset]), *case)
                            })
                    })
                    .map(|form| (form.entry as usize, form.alias))
                    .collect();
                if !entries.is_empty() {
                    best = Some((at + length, entries));
                }
                if length < longest && !node.prefix {
                    break;
                }
            }
            match best {
                Some((end, mut entries)) => {
                    entries.sort_unstable();
                    entries.dedup_by_key(|(entry, _)| *entry);
                    hits.push(Hit {
                        tokens: at..end,
                        entries,
                    });
                    at = end;
                }
                None => at += 1,
            }
        }
        hits
    }

    /// The candidates `name` may stand for, of `kind` when given: best first, each entry once
    /// with its best score, at most [`MAX_MATCHES`], none below [`MATCH_THRESHOLD`] (whose
    /// documentation says what scores mean). Compares folded words in any order, aliases,
    /// initials ("J. G. Pérez" ~ "José Gregorio Pérez") and, for words of four letters or
    /// more, a Jaro-Winkler score (typos).
    pub fn lookup(&self, name: &str, kind: Option<NameKind>) -> Vec<Match> {
        let query = link_tokens(name);
        if query.is_empty() {
            return Vec::new();
        }
        let content: Vec<&str> = {
            let mut words: Vec<&str> = query
                .iter()
                .filter(|token| !token.initial)
                .map(|token| token.text.as_str())
                .collect();
            words.sort_unstable();
            words.dedup();
            words
        };
        // Each query word's forms (through the word itself or a one-letter typo), sorted.
        let mut lists: Vec<Cow<'_, [u32]>> = content
            .iter()
            .map(|word| self.forms_with(word))
            .filter(|forms| !forms.is_empty())
            .collect();
        lists.sort_by_key(|list| list.len());
        // A form sharing two words with the query is in one of the shorter lists: the
        // longest (a common given name or surname) only counts, it does not propose.
        // Very common words (more than COMMON_WORD forms) propose only when nothing rarer
        // does: a name made only of common words is then found through its rarest one.
        let mut proposing = if lists.len() >= 2 {
            lists.len() - 1
        } else {
            lists.len()
        };
        while proposing > 1 && lists[proposing - 1].len() > COMMON_WORD {
            proposing -= 1;
        }
        // Every list is sorted and without repeats: their union is merged, not sorted.
        let mut candidates: Vec<u32> = lists.first().map_or_else(Vec::new, |list| list.to_vec());
        for list in lists.iter().take(proposing).skip(1) {
            candidates = union_sorted(&candidates, list);
        }
        // How many of the lists each candidate is in: every list and the candidates are
        // sorted, so one merge per list. When the shortest list alone proposes, every
        // candidate is in it: counted without walking it.
        let (counted, skipped) = if proposing == 1 { (1, 1) } else { (0, 0) };
        let mut hits: Vec<(u32, u32)> =
            candidates.into_iter().map(|form| (form, counted)).collect();
        // A long list (a common word) against few candidates is searched, not walked.
        for list in lists.iter().skip(skipped) {
            if hits.len() * 16 < list.len() {
                let mut rest: &[u32] = list;
                for (form, shared) in &mut hits {
                    let at = rest.partition_point(|&other| other < *form);
                    rest = &rest[at..];
                    if rest.first() == Some(form) {
                        *shared += 1;
                        rest = &rest[1..];
                    }
                }
                continue;
            }
            let mut rest: &[u32] = list;
            for (form, shared) in &mut hits {
                while let [other, after @ ..] = rest
                    && *other < *form
                {
                    rest = after;
                }
                if let [other, after @ ..] = rest
                    && *other == *form
                {
                    *shared += 1;
                    rest = after;
                }
            }
        }
        if hits.len() > MAX_CANDIDATES {
            // The ones sharing the most words (the order among them does not matter: every
            // entry keeps its best score and the matches are sorted at the end).
            hits.select_nth_unstable_by(MAX_CANDIDATES - 1, |a, b| {
                b.1.cmp(&a.1).then(a.0.cmp(&b.0))
            });
            hits.truncate(MAX_CANDIDATES);
        }
        if let Some(forms) = self.by_link_key.get(&link_key(&query)) {
            hits.extend(forms.iter().map(|form| (*form, u32::MAX / 2)));
        }
        // Each entry once with its best score; an entry has few forms, so a list will do.
        let mut best: Vec<(u32, f32)> = Vec::new();
        for (form_index, shared) in hits {
            let Some(&(form_kind, form_words)) = self.form_meta.get(form_index as usize) else {
                continue;
            };
            if kind.is_some_and(|kind| kind != form_kind) {
                continue;
            }
            let needed = content.len().min(usize::from(form_words)).clamp(1, 2) as u32;
            if shared < needed {
                continue;
            }
            let Some(form) = self.forms.get(form_index as usize) else {
                continue;
            };
            let mut score = score_tokens(&query, &form.link);
            if form.alias {
                score *= 0.97;
            }
            if score >= MATCH_THRESHOLD {
                match best.iter_mut().find(|(entry, _)| *entry == form.entry) {
                    Some((_, slot)) => *slot = slot.max(score),
                    None => best.push((form.entry, score)),
                }
            }
        }
        // Sorted and cut before the names and ids are copied: only the kept ones are.
        let mut ranked: Vec<(&GazetteerEntry, f32)> = best
            .into_iter()
            .filter_map(|(entry, score)| {
                let entry = self.entries.get(entry as usize)?;
                Some((entry, (score * 1000.0).round() / 1000.0))
            })
            .collect();
        ranked.sort_by(|(a, a_score), (b, b_score)| {
            b_score
                .total_cmp(a_score)
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.id.cmp(&b.id))
        });
        ranked.truncate(MAX_MATCHES);
        ranked
            .into_iter()
            .map(|(entry, score)| Match {
                id: entry.id.clone(),
                name: entry.name.clone(),
                score,
            })
            .collect()
    }
}

/// How a token is compared when scanning: folded (lowercase, no accents), with a final
/// possessive `'s` dropped and curly apostrophes made straight.
pub fn token_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    push_token_key(text, &mut key);
    key
}

/// The [`token_key`] of every token of a [`Doc`], read from the document's folded tokens
/// (copied only where a curly apostrophe is made straight).
#[derive(Clone, Debug, Default)]
pub struct ScanKeys<'d> {
    /// The document's folded tokens ([`Doc::folded_text`]).
    folded: &'d str,
    /// The keys that differ from the folded token by more than a cut.
    changed: String,
    /// Per token, the key's byte range: in `changed` when the flag is set, else in `folded`.
    spans: Vec<(usize, usize, bool)>,
}

impl ScanKeys<'_> {
    /// The key of token `index`, `""` past the end.
    pub fn get(&self, index: usize) -> &str {
        let Some(&(start, end, changed)) = self.spans.get(index) else {
            return "";
        };
        let text = if changed { &self.changed } else { self.folded };
        text.get(start..end).unwrap_or("")
    }

    /// How many keys there are (one per token).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The keys, in token order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|index| self.get(index))
    }
}

/// The [`token_key`] of every token of `doc`.
pub fn scan_keys<'d>(doc: &'d Doc) -> ScanKeys<'d> {
    let mut keys = ScanKeys {
        folded: doc.folded_text(),
        changed: String::new(),
        spans: Vec::with_capacity(doc.tokens.len()),
    };
    for index in 0..doc.tokens.len() {
        // The document measured the possessive to cut (a possessive ending folds to as many
        // bytes as it has) and whether a curly apostrophe is left to make straight.
        let shape = doc.shape(index);
        let mut span = doc.folded_range(index);
        span.end = span
            .end
            .saturating_sub(usize::from(shape.key_cut))
            .max(span.start);
        if !shape.curly_key() {
            keys.spans.push((span.start, span.end, false));
        } else {
            let stem = keys.folded.get(span.clone()).unwrap_or("");
            let start = keys.changed.len();
            push_straight(stem, &mut keys.changed);
            keys.spans.push((start, keys.changed.len(), true));
        }
    }
    keys
}

/// Appends a folded word with curly apostrophes made straight.
fn push_straight(folded: &str, out: &mut String) {
    out.extend(folded.chars().map(|c| if c == '’' { '\'' } else { c }));
}

/// Appends [`token_key`] of `text` to `out`.
fn push_token_key(text: &str, out: &mut String) {
    let text = strip_possessive(text);
    let before = out.len();
    fold_into(text, out);
    if out[before..].contains('’') {
        let key = out[before..].replace('’', "'");
        out.truncate(before);
        out.push_str(&key);
    }
}

/// `Bukele's` → `Bukele`; other words as they are.
pub fn strip_possessive(text: &str) -> &str {
    // Most words end in another letter: one byte tells.
    if !matches!(text.as_bytes().last(), Some(b's' | b'S')) {
        return text;
    }
    for suffix in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = text.strip_suffix(suffix)
            && stem.chars().count() >= 2
        {
            return stem;
        }
    }
    text
}

fn case_of(word: &str) -> Case {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        Case::Acronym
    } else if letters.first().is_some_and(|c| c.is_uppercase()) {
        Case::Capitalized
    } else {
        Case::Any
    }
}

fn written_as(word: &str, case: Case) -> bool {
    match case {
        Case::Any => true,
        Case::Capitalized => word.chars().next().is_some_and(|c| !c.is_lowercase()),
        Case::Acronym => word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase),
    }
}

/// The words of a name as linking compares them: folded, split at anything that is not a
/// letter or digit (apostrophes dropped), particles left out, single letters as initials,
/// and an initialism ("U.S.", "D H S") read as one word.
fn link_tokens(name: &str) -> Vec<LinkToken> {
    let folded = fold(name);
    let mut tokens: Vec<LinkToken> = Vec::new();
    for raw in folded.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        // Most words are ASCII letters alone: copied whole, not character by character.
        let word: String = if raw.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
            raw.to_owned()
        } else {
            raw.chars().filter(|c| c.is_alphanumeric()).collect()
        };
        if word.is_empty() {
            continue;
        }
        let initial = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
        tokens.push(LinkToken::new(word, initial));
    }
    if tokens.len() >= 2 && tokens.iter().all(|token| token.initial) {
        let text = tokens.iter().map(|token| token.text.as_str()).collect();
        return vec![LinkToken::new(text, false)];
    }
    // Particles are left out, unless the name is nothing else.
    let particle = |token: &LinkToken| PARTICLES.contains(&token.text.as_str());
    if !tokens.iter().all(particle) {
        tokens.retain(|token| !particle(token));
    }
    tokens
}

fn link_key(tokens: &[LinkToken]) -> String {
    let mut words: Vec<&str> = tokens.iter().map(|token| token.text.as_str()).collect();
    words.sort_unstable();
    words.join(" ")
}

/// The union of two sorted lists without repeats, sorted and without repeats.
fn union_sorted(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut union = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        union.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    union.extend_from_slice(&a[i.min(a.len())..]);
    union.extend_from_slice(&b[j.min(b.len())..]);
    union
}

/// A word with each one of its characters left out in turn.
fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|skip| {
            chars
                .iter()
                .enumerate()
                .filter(|(at, _)| *at != skip)
                .map(|(_, c)| *c)
                .collect()
        })
        .collect()
}

/// How alike two words are: 1 equal (or the same initial), 0.9 an initial and a word it
/// starts, a Jaro-Winkler score less 0.1 for two words that may be one typo apart
/// (`typo_distance`) and score at least 0.88, else 0.
fn word_score(a: &LinkToken, b: &LinkToken) -> f32 {
    match (a.initial, b.initial) {
        (false, false) => {
            if a.text == b.text {
                1.0
            } else if typo_distance(a, b) {
                let similarity = jaro_winkler(&a.text, &b.text);
                if similarity >= 0.88 {
                    similarity - 0.1
                } else {
                    0.0
                }
            } else {
                0.0
            }
        }
        (true, true) => {
            if a.text == b.text {
                1.0
            } else {
                0.0
            }
        }
        (true, false) => initial_of(&a.text, &b.text),
        (false, true) => initial_of(&b.text, &a.text),
    }
}

/// Whether two words may be one typo apart and are worth a Jaro-Winkler score: four letters
/// or more each, the same first letter, lengths within two.
fn typo_distance(a: &LinkToken, b: &LinkToken) -> bool {
    let (la, lb) = (a.chars, b.chars);
    la >= 4 && lb >= 4 && la.abs_diff(lb) <= 2 && a.text.chars().next() == b.text.chars().next()
}

fn initial_of(initial: &str, word: &str) -> f32 {
    if word.starts_with(initial) { 0.9 } else { 0.0 }
}

/// Scores two names' words (see [`MATCH_THRESHOLD`]): pairs words greedily, best pairs
/// first, in any order.
fn score_tokens(query: &[LinkToken], form: &[LinkToken]) -> f32 {
    if query.is_empty() || form.is_empty() {
        return 0.0;
    }
    // Names have few words: the buffers live on the stack unless a name is very long.
    const ON_STACK: usize = 16;
    let mut pairs_stack = [(0f32, 0usize, 0usize); ON_STACK * ON_STACK / 4];
    let mut pairs_heap = Vec::new();
    let mut n_pairs = 0;
    for (i, a) in query.iter().enumerate() {
        for (j, b) in form.iter().enumerate() {
            let score = word_score(a, b);
            if score > 0.0 {
                if n_pairs < pairs_stack.len() {
                    pairs_stack[n_pairs] = (score, i, j);
                } else {
                    if pairs_heap.is_empty() {
                        pairs_heap.extend_from_slice(&pairs_stack);
                    }
                    pairs_heap.push((score, i, j));
                }
                n_pairs += 1;
            }
        }
    }
    let pairs = if pairs_heap.is_empty() {
        &mut pairs_stack[..n_pairs]
    } else {
        &mut pairs_heap[..]
    };
    // Each (i, j) is there once: the order is total, so an unstable sort gives the one order.
    pairs.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    // One buffer for both sides: `paired[i]` is the form word query word `i` took
    // (`usize::MAX` for none), `paired[query.len() + j]` is 1 when form word `j` is taken.
    let mut paired_stack = [usize::MAX; ON_STACK * 2];
    let mut paired_heap = Vec::new();
    let paired: &mut [usize] = if query.len() + form.len() <= paired_stack.len() {
        &mut paired_stack[..query.len() + form.len()]
    } else {
        paired_heap.resize(query.len() + form.len(), usize::MAX);
        &mut paired_heap[..]
    };
    let mut sum = 0.0;
    let mut matched = 0usize;
    let mut exact = 0usize;
    let mut words_matched = false;
    for &mut (score, i, j) in pairs {
        if paired[i] != usize::MAX || paired[query.len() + j] != usize::MAX {
            continue;
        }
        paired[i] = j;
        paired[query.len() + j] = 1;
        sum += score;
        matched += 1;
        if score >= 1.0 {
            exact += 1;
        }
        if !query[i].initial && !form[j].initial {
            words_matched = true;
        }
    }
    if !words_matched {
        return 0.0;
    }
    let short = query.len().min(form.len());
    let long = query.len().max(form.len());
    if exact == matched && matched == query.len() && matched == form.len() {
        // Every query word is paired: in query order, are the form words in order too?
        let same_order = paired[..query.len()]
            .windows(2)
            .all(|pair| pair[0] < pair[1]);
        return if same_order { 1.0 } else { 0.93 };
    }
    let mut score = sum / short as f32;
    if short == 1 && long > 1 {
        score = score.min(0.6);
    } else {
        score -= (0.05 * (long - matched) as f32).min(0.15);
    }
    score.min(0.95)
}

#[cfg(test)]
mod tests;
