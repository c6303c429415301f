//! Phrases that suggest human-rights violations, mapped to the violation-type vocabulary.
//!
//! The cue phrases are data: `data/violations/en.txt` and `es.txt` (format in the README
//! there), each phrase under the most specific `violation-type` term it suggests (`beaten`,
//! `golpizas` → `ill-treatment`, since torture needs a purpose the words rarely show;
//! `solitary confinement` → `ill-treatment`; `deported despite a court order` →
//! `denial-of-judicial-review`; `third country` → `removal-to-third-country`). Both lists are
//! applied to every text, because articles quote posts in the other language; the label is
//! the term's label in the text's language.
//!
//! Matching is by whole tokens after folding (lowercase, no accents, `’` read as `'`), with
//! a trie of the phrases' words walked from each token, so the pass is linear in the text
//! (times the longest phrase). Where phrases
//! overlap, the longest wins; phrases listed under `[-]` (the "Convention against Torture",
//! the "Working Group on Arbitrary Detention", "safe third country") win the same way and
//! give nothing, so the cues inside them are not reported. A cue never spans two sentences.
//!
//! A cue whose words are all capitalized, not at the start of a sentence, is part of a name
//! (`Proyecto Migrantes Desaparecidos`) and is not reported.
//!
//! **Negation.** A cue is dropped when one of the three words before it, in the same clause,
//! negates or denies it (`was not tortured`, `no hubo tortura`, `denied torturing`, `niega
//! la tortura`): the cue's sentence must assert the violation, and an article about an
//! allegation almost always asserts it elsewhere. Negations inside a phrase (`have not heard
//! from him`, `no court heard their cases`) are part of the cue and do not count.

use std::borrow::Cow;
use std::sync::OnceLock;

use amparo_model::Lang;
use amparo_model::vocab::{VocabularyId, vocabulary};

use crate::gazetteer::fx::{FxHashMap, FxHashSet};
use crate::text::{Doc, TokenKind, fold};
use crate::{Language, ViolationCue};

/// The English cue list.
const ENGLISH_CUES: &str = include_str!("../data/violations/en.txt");

/// The Spanish cue list.
const SPANISH_CUES: &str = include_str!("../data/violations/es.txt");

/// How many words before a cue are checked for a negation.
const NEGATION_WINDOW: usize = 3;

/// Most phrases one line of a cue list may expand to.
const MAX_EXPANSIONS: usize = 4096;

/// Words that negate or deny the cue after them, folded.
const NEGATORS: &[&str] = &[
    "not",
    "never",
    "no",
    "nor",
    "neither",
    "denied",
    "deny",
    "denies",
    "denying",
    "rejected",
    "nunca",
    "jamas",
    "ningun",
    "ninguna",
    "ninguno",
    "ni",
    "niega",
    "niegan",
    "nego",
    "negaron",
    "negaba",
    "negaban",
    "descarto",
    "descartaron",
    "descarta",
    "desmintio",
    "desmintieron",
    "rechazo",
    "rechazaron",
];

/// One phrase of the cue lists.
#[derive(Debug)]
struct Cue {
    /// The term id, or `None` for a phrase that is never a cue.
    term: Option<String>,
}

/// The compiled cue lists: a trie of their phrases over word ids, walked token by token.
///
/// Not an Aho-Corasick automaton over bytes: its DFA over the expanded phrases took about
/// 95 MB, built on the first text read.
///
/// The words' ids are in the table of every word list ([`crate::classes`]), so that
/// [`Doc::new`] looks each token up once for all extractors ([`Doc::cue_word`]).
#[derive(Debug, Default)]
struct Matcher {
    /// Folded word → id.
    words: FxHashMap<String, u32>,
    /// Word id → the root's child for it (`u32::MAX` for none): the first step from every
    /// token, by index rather than hashing.
    first: Vec<u32>,
    /// (Node, word id) → child node, for nodes other than the root (node 0).
    edges: FxHashMap<(u32, u32), u32>,
    /// Node → the cue (index into `cues`) whose phrase ends there.
    nodes: Vec<Option<usize>>,
    cues: Vec<Cue>,
}

/// One line of a cue list after expansion: the term (or `None`) and the folded phrase.
fn parse_cues(source: &str) -> Vec<(Option<String>, String)> {
    let mut phrases = Vec::new();
    let mut term: Option<Option<String>> = None;
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            let name = name.trim();
            term = Some((name != "-").then(|| name.to_owned()));
            continue;
        }
        let Some(term) = &term else { continue };
        for phrase in expand(line) {
            let normalized = normalize_phrase(&phrase);
            if !normalized.is_empty() {
                phrases.push((term.clone(), normalized));
            }
        }
    }
    phrases
}

/// Expands `{a|b|}` groups into every combination.
fn expand(line: &str) -> Vec<String> {
    let mut results = vec![String::new()];
    let mut rest = line;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(open) => {
                let literal = &rest[..open];
                for result in &mut results {
                    result.push_str(literal);
                }
                let after = &rest[open + 1..];
                let Some(close) = after.find('}') else {
                    // An unclosed group is read literally.
                    for result in &mut results {
                        result.push_str(&rest[open..]);
                    }
                    break;
                };
                let alternatives: Vec<&str> = after[..close].split('|').collect();
                let mut next = Vec::with_capacity(results.len() * alternatives.len());
                for result in &results {
                    for alternative in &alternatives {
                        if next.len() >= MAX_EXPANSIONS {
                            break;
                        }
                        next.push(format!("{result}{alternative}"));
                    }
                }
                results = next;
                rest = &after[close + 1..];
            }
            None => {
                for result in &mut results {
                    result.push_str(rest);
                }
                break;
            }
        }
    }
    results
}

/// A phrase as the matcher sees it: its tokens folded and joined by single spaces.
fn normalize_phrase(phrase: &str) -> String {
    // The phrases make the table `Doc::new` looks tokens up in: split them without it.
    let doc = Doc::without_classes(phrase, Language::En);
    let mut out = String::new();
    for token in &doc.tokens {
        if !out.is_empty() {
            out.push(' ');
        }
        push_folded(doc.token_text(token), &mut out);
    }
    out
}

/// Appends the folded form of a token: lowercase without accents, `’` as `'`, no spaces;
/// `_` for a token that folds to nothing.
fn push_folded(token: &str, out: &mut String) {
    push_cleaned(&fold(token), out);
}

/// Whether a folded token is written as [`push_cleaned`] writes it: not empty, without
/// spaces or `’`.
fn is_clean(folded: &str) -> bool {
    if folded.is_empty() {
        return false;
    }
    if folded.is_ascii() {
        !folded.bytes().any(|b| b.is_ascii_whitespace() || b == 0x0b)
    } else {
        !folded.contains(|c: char| c.is_whitespace() || c == '’')
    }
}

/// Appends a folded token as [`push_folded`] does.
fn push_cleaned(folded: &str, out: &mut String) {
    let before = out.len();
    out.push_str(folded);
    if !is_clean(folded) {
        let cleaned: String = out[before..]
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == '’' { '\'' } else { c })
            .collect();
        out.truncate(before);
        out.push_str(&cleaned);
    }
    if out.len() == before {
        out.push('_');
    }
}

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let mut matcher = Matcher::default();
        let mut seen = FxHashSet::default();
        for (term, phrase) in parse_cues(ENGLISH_CUES)
            .into_iter()
            .chain(parse_cues(SPANISH_CUES))
        {
            if seen.insert(phrase.clone()) {
                matcher.add(&phrase, term);
            }
        }
        matcher
    })
}

/// Every word of the cue phrases with its id, for the table of every word list
/// ([`crate::classes`]).
pub(crate) fn cue_words() -> impl Iterator<Item = (&'static str, u32)> {
    matcher()
        .words
        .iter()
        .map(|(word, id)| (word.as_str(), *id))
}

/// The id among the cue phrases' words of a folded token that is not written as the phrases
/// are ([`is_clean`]), given its `entry` in the table of every word list; for a token written
/// so, the entry's id.
pub(crate) fn cue_word_of(folded: &str, entry: crate::classes::Entry) -> u32 {
    if is_clean(folded) {
        return entry.cue_word;
    }
    let mut cleaned = String::with_capacity(folded.len());
    push_cleaned(folded, &mut cleaned);
    matcher()
        .words
        .get(cleaned.as_str())
        .copied()
        .unwrap_or(crate::classes::NO_CUE_WORD)
}

impl Matcher {
    /// Adds a phrase (folded words joined by single spaces) as the next cue.
    fn add(&mut self, phrase: &str, term: Option<String>) {
        if self.nodes.is_empty() {
            self.nodes.push(None);
        }
        let mut node = 0u32;
        for word in phrase.split(' ') {
            let next_word = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
            let word = *self.words.entry(word.to_owned()).or_insert(next_word);
            let next_node = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
            node = match self.child(node, word) {
                Some(child) => child,
                None => {
                    if node == 0 {
                        let slot = word as usize;
                        if self.first.len() <= slot {
                            self.first.resize(slot + 1, u32::MAX);
                        }
                        self.first[slot] = next_node;
                    } else {
                        self.edges.insert((node, word), next_node);
                    }
                    self.nodes.push(None);
                    next_node
                }
            };
        }
        if let Some(slot) = self.nodes.get_mut(node as usize)
            && slot.is_none()
        {
            *slot = Some(self.cues.len());
            self.cues.push(Cue { term });
        }
    }

    /// The child of `node` for word `word`.
    fn child(&self, node: u32, word: u32) -> Option<u32> {
        if node == 0 {
            self.first
                .get(word as usize)
                .copied()
                .filter(|&child| child != u32::MAX)
        } else {
            self.edges.get(&(node, word)).copied()
        }
    }
}

/// Finds the violation cues of `doc`.
pub fn find_violations(doc: &Doc) -> Vec<ViolationCue> {
    let matcher = matcher();
    if doc.tokens.is_empty() || matcher.cues.is_empty() {
        return Vec::new();
    }
    // Every phrase that matches, as a token range, then the longest ones that do not
    // overlap. Each token's id among the phrases' words is the one `Doc::new` looked up.
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for first in 0..doc.tokens.len() {
        let sentence = doc.tokens[first].sentence;
        let mut node = 0u32;
        for last in first..doc.tokens.len() {
            let Some(id) = doc.cue_word(last) else { break };
            if doc.tokens[last].sentence != sentence {
                break;
            }
            let Some(child) = matcher.child(node, id) else {
                break;
            };
            node = child;
            if let Some(Some(pattern)) = matcher.nodes.get(node as usize) {
                candidates.push((first, last, *pattern));
            }
        }
    }
    candidates.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
    let mut taken = vec![false; doc.tokens.len()];
    let mut chosen = Vec::new();
    for (first, last, pattern) in candidates {
        if taken[first..=last].iter().any(|&taken| taken) {
            continue;
        }
        taken[first..=last]
            .iter_mut()
            .for_each(|taken| *taken = true);
        chosen.push((first, last, pattern));
    }
    chosen.sort_by_key(|&(first, _, _)| first);
    let lang = match doc.language {
        Language::En => Lang::En,
        Language::Es => Lang::Es,
    };
    let vocabulary = vocabulary(VocabularyId::ViolationType);
    // A token as the phrases' words are written (most as the document folded them).
    let word = |index: usize| -> Cow<'_, str> {
        let folded = doc.folded(index);
        if is_clean(folded) {
            Cow::Borrowed(folded)
        } else {
            let mut cleaned = String::with_capacity(folded.len());
            push_cleaned(folded, &mut cleaned);
            Cow::Owned(cleaned)
        }
    };
    let mut cues = Vec::new();
    for (first, last, pattern) in chosen {
        let Some(Some(term)) = matcher.cues.get(pattern).map(|cue| cue.term.as_ref()) else {
            continue;
        };
        if negated(doc, first, &word) || in_proper_name(doc, first, last) {
            continue;
        }
        let Some(label) = vocabulary.label(term, lang) else {
            continue;
        };
        let bytes = doc.tokens[first].range.start..doc.tokens[last].range.end;
        let chars = doc.char_range(bytes.clone());
        cues.push(ViolationCue {
            term: term.clone(),
            label: label.to_owned(),
            start: chars.start,
            end: chars.end,
            sentence: doc.sentence_at(bytes.start).to_owned(),
        });
    }
    cues
}

/// Whether every word of the cue is capitalized though it does not open its sentence: part
/// of a name or title (`Proyecto Migrantes Desaparecidos`, `Torture Survivors Coalition`).
fn in_proper_name(doc: &Doc, first: usize, last: usize) -> bool {
    let opens_sentence = first == 0 || doc.tokens[first - 1].sentence != doc.tokens[first].sentence;
    if opens_sentence {
        return false;
    }
    doc.tokens[first..=last]
        .iter()
        .filter(|token| token.kind == TokenKind::Word)
        .all(|token| {
            let text = doc.token_text(token);
            text.chars().next().is_some_and(char::is_uppercase)
                && text.chars().any(char::is_lowercase)
        })
}

/// Whether one of the few words before token `first`, in the same clause, negates it.
fn negated<'d>(doc: &'d Doc, first: usize, word: &impl Fn(usize) -> Cow<'d, str>) -> bool {
    let sentence = doc.tokens[first].sentence;
    let mut index = first;
    let mut seen = 0;
    while index > 0 && seen < NEGATION_WINDOW {
        index -= 1;
        let token = &doc.tokens[index];
        if token.sentence != sentence || token.kind == TokenKind::Punct {
            return false;
        }
        let folded = word(index);
        if NEGATORS.contains(&folded.as_ref()) || folded.ends_with("n't") {
            return true;
        }
        seen += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(text: &str, language: Language) -> Vec<(String, String)> {
        let doc = Doc::new(text, language);
        find_violations(&doc)
            .into_iter()
            .map(|cue| {
                let chars: String = text
                    .chars()
                    .skip(cue.start)
                    .take(cue.end - cue.start)
                    .collect();
                (cue.term, chars)
            })
            .collect()
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(term, text)| ((*term).to_owned(), (*text).to_owned()))
            .collect()
    }

    #[test]
    fn every_term_exists_in_the_vocabulary() {
        let vocabulary = vocabulary(VocabularyId::ViolationType);
        for source in [ENGLISH_CUES, SPANISH_CUES] {
            let phrases = parse_cues(source);
            assert!(phrases.len() > 100);
            for (term, phrase) in phrases {
                if let Some(term) = term {
                    assert!(
                        vocabulary.contains(&term),
                        "unknown violation type {term} (cue {phrase:?})"
                    );
                }
            }
        }
    }

    #[test]
    fn expansion_and_normalization() {
        assert_eq!(
            expand("{was|were|} {badly |}beaten"),
            vec![
                "was badly beaten",
                "was beaten",
                "were badly beaten",
                "were beaten",
                " badly beaten",
                " beaten"
            ]
        );
        assert_eq!(
            normalize_phrase("Cruel, inhuman  or Degrading"),
            "cruel , inhuman or degrading"
        );
        assert_eq!(
            normalize_phrase("Detención  arbitraria"),
            "detencion arbitraria"
        );
    }

    #[test]
    fn english_cues() {
        let table: &[(&str, &[(&str, &str)])] = &[
            (
                "Several detainees said they were tortured and beaten by guards.",
                &[("torture", "tortured"), ("ill-treatment", "beaten")],
            ),
            (
                "The men were held without charge and their whereabouts remain unknown.",
                &[
                    ("arbitrary-detention", "held without charge"),
                    ("enforced-disappearance", "their whereabouts remain unknown"),
                ],
            ),
            (
                "They were deported despite a court order, and no court heard their cases.",
                &[
                    ("denial-of-judicial-review", "despite a court order"),
                    ("denial-of-due-process", "no court heard their cases"),
                ],
            ),
            (
                "She described sexual abuse by a guard and was held incommunicado for weeks.",
                &[
                    ("sexual-violence", "sexual abuse"),
                    ("incommunicado-detention", "incommunicado"),
                ],
            ),
            (
                "The government denied torturing anyone. The man was not tortured.",
                &[],
            ),
            (
                // The treaty is not a cue; the risk of torture on return is refoulement.
                "Lawyers cited the Convention against Torture and the risk of torture in El Salvador.",
                &[("refoulement", "risk of torture")],
            ),
            (
                "Rights groups call it an enforced disappearance; families were separated from their children.",
                &[
                    ("enforced-disappearance", "enforced disappearance"),
                    ("family-separation", "separated from their children"),
                ],
            ),
            (
                "He was sent to a third country and spent months in solitary confinement.",
                &[
                    ("removal-to-third-country", "third country"),
                    ("ill-treatment", "solitary confinement"),
                ],
            ),
            (
                "Two men died in ICE custody after being denied medical care.",
                &[
                    ("death-in-custody", "died in ICE custody"),
                    ("medical-neglect", "denied medical care"),
                ],
            ),
        ];
        for (text, expected) in table {
            assert_eq!(cues(text, Language::En), pairs(expected), "{text}");
        }
    }

    #[test]
    fn spanish_cues() {
        let table: &[(&str, &[(&str, &str)])] = &[
            (
                "Los detenidos denunciaron torturas y golpizas en el penal.",
                &[("torture", "torturas"), ("ill-treatment", "golpizas")],
            ),
            (
                "Fueron deportados sin audiencia y su paradero es desconocido.",
                &[
                    ("denial-of-due-process", "sin audiencia"),
                    ("enforced-disappearance", "su paradero es desconocido"),
                ],
            ),
            (
                "La ONU habla de desaparición forzada y de detención arbitraria.",
                &[
                    ("enforced-disappearance", "desaparición forzada"),
                    ("arbitrary-detention", "detención arbitraria"),
                ],
            ),
            (
                "Una mujer denunció abuso sexual; otra dijo que fue violada por un custodio.",
                &[("sexual-violence", "abuso sexual"), ("rape", "fue violada")],
            ),
            (
                // «violación» alone is not rape.
                "Es una violación de sus derechos y del debido proceso.",
                &[],
            ),
            (
                "El ministro negó la tortura. No hubo tortura, dijo. Estuvo incomunicado.",
                &[("incommunicado-detention", "incomunicado")],
            ),
            ("Los abogados citaron la Convención contra la Tortura.", &[]),
            (
                "Un juez concluyó que se les negó el debido proceso; el Gobierno negó el derecho al debido proceso a otros.",
                &[
                    ("denial-of-due-process", "se les negó el debido proceso"),
                    ("denial-of-due-process", "negó el derecho al debido proceso"),
                ],
            ),
            (
                "Fueron detenidos sin cargos, por sus tatuajes, y separados de sus hijos.",
                &[
                    ("arbitrary-detention", "detenidos sin cargos"),
                    ("ethnic-or-national-profiling", "por sus tatuajes"),
                    ("family-separation", "separados de sus hijos"),
                ],
            ),
        ];
        for (text, expected) in table {
            assert_eq!(cues(text, Language::Es), pairs(expected), "{text}");
        }
    }

    #[test]
    fn labels_follow_the_text_language_and_sentences_support_the_cue() {
        let text = "Nothing happened at first. Then the men were tortured in custody.";
        let doc = Doc::new(text, Language::En);
        let found = find_violations(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, "Torture");
        assert_eq!(found[0].sentence, "Then the men were tortured in custody.");
        assert!(
            cues(
                "The Torture Survivors Coalition and Proyecto Migrantes Desaparecidos met.",
                Language::En
            )
            .is_empty()
        );
        let doc = Doc::new("Los hombres fueron torturados.", Language::Es);
        let found = find_violations(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].term, "torture");
        assert_eq!(found[0].label, "Tortura");
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_cues_without_panicking(text in "(\\PC|tortur[aeo]d?|sin cargos|not |\n){0,120}") {
            for language in [Language::En, Language::Es] {
                let doc = Doc::new(&text, language);
                let count = text.chars().count();
                for cue in find_violations(&doc) {
                    proptest::prop_assert!(cue.start < cue.end && cue.end <= count);
                }
            }
        }
    }
}
