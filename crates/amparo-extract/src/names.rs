//! Persons, organizations and places.
//!
//! Rules and the gazetteer together:
//!
//! 1. Runs of capitalized words (joined by particles: "Tren de Aragua", "Department of
//!    Homeland Security", "Vincent van Gogh") and known names ([`Gazetteer::scan`]) are the
//!    candidates. Function words ("The", "El", "In", "En"), months, days and demonyms do not
//!    start one.
//! 2. A title before a name ("U.S. Federal Judge", "Sen.", "Secretary of Homeland
//!    Security") or a role in lowercase before it ("el presidente de El Salvador,", "la
//!    jueza federal", "lawyer") goes to the mention's `detail`, and makes it a person.
//! 3. A run is classified by, in order: a known name covering it; a title or role; cue words
//!    (Department, Ministerio, Court … → organization; City, County, Prison, Detention
//!    Center, Cárcel, Estado … → place); a known given name, a known surname or a verb of
//!    saying next to it (person); a preposition of place before it ("in", "en", "desde"); and
//!    last two to four capitalized words with nothing else known (a person, with low
//!    confidence, lower still at the start of a sentence).
//! 4. An acronym with its expansion ("Terrorism Confinement Center (CECOT, in Spanish)",
//!    "CECOT (Centro de Confinamiento del Terrorismo)", "Comité de Familiares de Migrantes
//!    Desaparecidos (Cofamide)") are two mentions of the same thing, each with the other form
//!    as its detail and both with the same candidates; a later bare acronym is the same
//!    organization or place.
//! 5. An organization of another ("Sala de lo Constitucional de la Corte Suprema de
//!    Justicia", "Department of Homeland Security's Office of Inspector General") is two
//!    names; a known organization of a state or region ("ACLU of Southern California") or a
//!    mission in its city ("Consulado General de México en Chicago") one; a person of an
//!    organization ("Judge Ana Ruiz of the U.S. District Court …") a person and an
//!    organization. A cue word alone ("la Corte") is a back reference, no name; a lowercase
//!    descriptor before a run ("the group Cofavic") makes it an organization.
//! 6. A later (or earlier) surname alone ("Boasberg") is the same person as the full name
//!    ("James Boasberg") and gets its candidates.
//!
//! Every person is linked with [`Gazetteer::lookup`]; organizations and places with the
//! entries of the known name they are, or by lookup. Candidates are kept with their scores;
//! nothing is merged.

mod lexicon;
mod shape;

use std::borrow::Cow;
use std::ops::Range;

use crate::Mention;
use crate::gazetteer::fx::FxHashMap;
use crate::gazetteer::{Gazetteer, Hit, Match, NameKind, ScanKeys, scan_keys};
use crate::text::{Doc, TokenKind};

use lexicon::*;

/// The most tokens the rules that compare a run's parts look at: longer runs are headlines
/// or lists, not one name, and the bound keeps the pass linear.
const MAX_NAME_TOKENS: usize = 24;

/// The names found in a text, by kind, in text order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    /// Persons.
    pub persons: Vec<Mention>,
    /// Organizations.
    pub organizations: Vec<Mention>,
    /// Places.
    pub places: Vec<Mention>,
}

/// Every word of the names' word lists, with the bits of the lists it is in.
pub(crate) fn lexicon_words() -> impl Iterator<Item = (&'static str, u32)> {
    lexicon::words()
}

/// Finds the persons, organizations and places of `doc`.
pub fn find_names(doc: &Doc, gazetteer: &Gazetteer) -> Names {
    Finder::new(doc, gazetteer).run()
}

/// A token as the rules see it.
#[derive(Clone, Debug)]
struct Tok {
    /// Byte range, without a possessive `'s`.
    range: Range<usize>,
    word: bool,
    /// Starts with a capital letter.
    cap: bool,
    /// Two or more letters, all capitals ("ICE", "U.S.").
    acronym: bool,
    sentence: usize,
    /// No word before it in its sentence (or only an opening quote or a colon).
    initial: bool,
    /// A line break between it and the token before.
    after_break: bool,
    /// The word lists it is in ([`lexicon::flags`]).
    flags: u32,
    /// Written with a possessive `'s` ("Department of Homeland Security's").
    possessive: bool,
}

/// Why a mention is what it is, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    Known,
    Acronym,
    Title,
    Cue,
    GivenName,
    Coreference,
    Speech,
    Surname,
    Preposition,
    Shape,
}

/// A mention before it is written out.
#[derive(Clone, Debug)]
struct Found {
    tokens: Range<usize>,
    kind: NameKind,
    evidence: Evidence,
    detail: Option<String>,
    matches: Option<Vec<Match>>,
}

struct Finder<'d, 'a, 'g> {
    doc: &'d Doc<'a>,
    gazetteer: &'g Gazetteer,
    toks: Vec<Tok>,
    /// The folded key of each token ([`crate::gazetteer::token_key`]).
    keys: ScanKeys<'d>,
    hits: Vec<Hit>,
    /// Token index → the hit starting there.
    hit_at: Vec<Option<usize>>,
    /// Token index → whether a hit ends right before it.
    hit_ends: Vec<bool>,
    /// Sentences written all in capitals (headlines): only known names are read there.
    shouting: Vec<bool>,
    /// Look-ups already made, by kind (person, organization, place) and text.
    lookups: [FxHashMap<String, Vec<Match>>; 3],
}

impl<'d, 'a, 'g> Finder<'d, 'a, 'g> {
    fn new(doc: &'d Doc<'a>, gazetteer: &'g Gazetteer) -> Self {
        let keys = scan_keys(doc);
        let hits = gazetteer.scan(doc, &keys);
        let mut toks = Vec::with_capacity(doc.tokens.len());
        let mut previous_sentence = usize::MAX;
        let mut seen_word = false;
        let mut previous_end = 0;
        let mut counts = vec![(0usize, 0usize); doc.sentences.len()];
        for (index, (token, key)) in doc.tokens.iter().zip(keys.iter()).enumerate() {
            if token.sentence != previous_sentence {
                seen_word = false;
                previous_sentence = token.sentence;
            }
            let word = token.kind == TokenKind::Word;
            // The document worked out the token's case and possessive as it folded it.
            let shape = doc.shape(index);
            let cut = if word { usize::from(shape.key_cut) } else { 0 };
            let range = token.range.start..token.range.end - cut;
            // The gap is mostly one space or none: read in place, not searched (`contains`
            // calls `memchr`).
            let after_break = doc
                .text
                .as_bytes()
                .get(previous_end..token.range.start)
                .is_some_and(|gap| match gap {
                    [] => false,
                    [byte] => *byte == b'\n',
                    _ => gap.contains(&b'\n'),
                });
            previous_end = token.range.end;
            // The document looked the folded token up once; a key cut from it (a possessive,
            // a straightened apostrophe) is shorter and looked up on its own.
            let flags = if !word {
                0
            } else if key.len() == doc.folded_range(index).len() {
                doc.classes(index) & crate::classes::NAME_BITS
            } else {
                lexicon::flags(key)
            };
            toks.push(Tok {
                range,
                word,
                cap: word && shape.capitalized(),
                acronym: word && shape.acronym(),
                sentence: token.sentence,
                initial: word && !seen_word,
                after_break,
                flags,
                possessive: cut > 0,
            });
            // Per sentence: words with letters, and how many of them are in capitals.
            if word
                && shape.key_has_letter()
                && let Some((words, capitals)) = counts.get_mut(token.sentence)
            {
                *words += 1;
                if shape.acronym() || shape.key_one_char() {
                    *capitals += 1;
                }
            }
            if word {
                seen_word = true;
            } else if opens_clause(doc.token_text(token)) {
                // A word right after these starts a clause: its capital says little.
                seen_word = false;
            }
        }
        let mut hit_at = vec![None; toks.len()];
        let mut hit_ends = vec![false; toks.len() + 1];
        for (index, hit) in hits.iter().enumerate() {
            if let Some(slot) = hit_ends.get_mut(hit.tokens.end) {
                *slot = true;
            }
            if let Some(slot) = hit_at.get_mut(hit.tokens.start) {
                *slot = Some(index);
            }
        }
        let shouting = counts
            .into_iter()
            .map(|(words, capitals)| words >= 3 && capitals == words)
            .collect();
        Finder {
            doc,
            gazetteer,
            toks,
            keys,
            hits,
            hit_at,
            hit_ends,
            shouting,
            lookups: Default::default(),
        }
    }

    fn run(mut self) -> Names {
        let spans = self.spans();
        let mut found: Vec<Found> = Vec::new();
        let mut absorbed = vec![false; spans.len()];
        // Acronyms with their expansions, by the folded text of both forms.
        let mut defined: FxHashMap<String, (usize, String)> = FxHashMap::default();
        let mut key_buffer = String::new();
        for index in 0..spans.len() {
            if absorbed[index] {
                continue;
            }
            let span = spans[index].clone();
            if let Some((other, acronym_first)) = self.acronym_pair(&spans, index) {
                absorbed[other] = true;
                let mut partner = spans[other].clone();
                let mut span = span;
                // "Agents of Immigration and Customs Enforcement (ICE)": the expansion is
                // the known name only.
                let expansion = if acronym_first {
                    &mut partner
                } else {
                    &mut span
                };
                let stripped = self.strip_leading(expansion.clone());
                *expansion = stripped.clone();
                if let Some((head, tail)) = self.trailing_known_complement(stripped) {
                    *expansion = tail;
                    self.analyze(head, &mut found);
                }
                // "Clínica Jurídica para Migrantes de la Universidad Centroamericana (UCA)":
                // the acronym is the last organization's.
                while let Some((head, tail)) = self.split_nested(expansion.clone()) {
                    *expansion = tail;
                    self.analyze(head, &mut found);
                }
                let found_index = found.len();
                if let Some(pair) = self.pair_mentions(span.clone(), partner.clone(), acronym_first)
                {
                    found.extend(pair);
                    let forms = [
                        self.strip_leading(span.clone()),
                        self.strip_leading(partner.clone()),
                    ];
                    for (this, other) in [(0, 1), (1, 0)] {
                        let other_text = self.slice(forms[other].clone());
                        defined.insert(
                            self.key_of(forms[this].clone()).into_owned(),
                            (found_index, other_text),
                        );
                    }
                }
                continue;
            }
            let stripped = self.strip_leading(span.clone());
            if !defined.is_empty()
                && let Some((earlier, other)) = defined
                    .get(self.key_in(stripped.clone(), &mut key_buffer))
                    .cloned()
                && let Some(first) = found.get(earlier)
            {
                let (kind, matches) = (first.kind, first.matches.clone());
                found.push(Found {
                    tokens: stripped,
                    kind,
                    evidence: Evidence::Acronym,
                    detail: Some(other),
                    matches,
                });
                continue;
            }
            self.analyze(span, &mut found);
        }
        self.resolve_coreference(&mut found);
        self.align_kinds(&mut found);
        self.write(found)
    }

    // ----- Candidate runs -----

    fn same_sentence(&self, a: usize, b: usize) -> bool {
        match (self.toks.get(a), self.toks.get(b)) {
            (Some(x), Some(y)) => x.sentence == y.sentence,
            _ => false,
        }
    }

    fn is_cap_word(&self, index: usize) -> bool {
        self.toks.get(index).is_some_and(|tok| tok.cap)
    }

    /// Whether the token at `index` is in `lexicon`.
    fn is(&self, index: usize, lexicon: &Lexicon) -> bool {
        self.toks
            .get(index)
            .is_some_and(|tok| lexicon.in_flags(tok.flags))
    }

    fn key(&self, index: usize) -> &str {
        self.keys.get(index)
    }

    fn text(&self, index: usize) -> &'a str {
        self.toks
            .get(index)
            .map_or("", |tok| self.doc.slice(tok.range.clone()))
    }

    /// Maximal runs of capitalized words and known names, joined by particles, within a
    /// sentence.
    fn spans(&self) -> Vec<Range<usize>> {
        let count = self.toks.len();
        let mut spans = Vec::new();
        let mut at = 0;
        while at < count {
            let starts = self.toks[at].word && (self.toks[at].cap || self.hit_at[at].is_some());
            if !starts {
                at += 1;
                continue;
            }
            if self
                .shouting
                .get(self.toks[at].sentence)
                .copied()
                .unwrap_or(false)
            {
                match self.hit_at[at] {
                    Some(hit) => {
                        let end = self.hits[hit].tokens.end;
                        spans.push(at..end);
                        at = end;
                    }
                    None => at += 1,
                }
                continue;
            }
            let mut end = at;
            let mut next = at;
            loop {
                if next > at
                    && (next >= count
                        || !self.same_sentence(at, next)
                        || self.toks[next].after_break)
                {
                    break;
                }
                if let Some(hit) = self.hit_at.get(next).copied().flatten() {
                    next = self.hits[hit].tokens.end;
                    end = next;
                } else if self.is_cap_word(next) {
                    next += 1;
                    end = next;
                } else {
                    break;
                }
                if next >= count || !self.same_sentence(at, next) || self.toks[next].after_break {
                    break;
                }
                // "Sen. Chris Van Hollen", "St. Louis": a title's full stop.
                if self.text(next) == "."
                    && self.is(next - 1, &TITLE_ABBREVIATIONS)
                    && self.is_cap_word(next + 1)
                    && self.same_sentence(at, next + 1)
                {
                    next += 1;
                    continue;
                }
                // "Fort Bend Workers' Alliance": a plural possessive inside a name.
                if self.plural_possessive(next) && self.same_sentence(at, next + 1) {
                    next += 1;
                    continue;
                }
                let after_hit = self.hit_ends.get(next).copied().unwrap_or(false);
                if self.is(next, &COORDINATORS) && after_hit {
                    break;
                }
                if self.is(next, &CONNECTORS) && self.toks[next].word && !self.toks[next].cap {
                    let mut after = next;
                    while after < count
                        && after - next < 3
                        && self.is(after, &CONNECTORS)
                        && !self.toks[after].cap
                        && self.same_sentence(at, after)
                    {
                        after += 1;
                    }
                    let coordinated_hit = (next..after).any(|at| self.is(at, &COORDINATORS))
                        && self.hit_at.get(after).copied().flatten().is_some();
                    let continues = !coordinated_hit
                        && after < count
                        && self.same_sentence(at, after)
                        && !self.toks[after].after_break
                        && (self.hit_at[after].is_some()
                            || (self.is_cap_word(after)
                                && !self.is(after, &FUNCTION_WORDS)
                                && !self.is(after, &NOT_NAMES)));
                    if continues {
                        next = after;
                        continue;
                    }
                    break;
                }
                // "Consulado General de México en Chicago": a mission's name ends in its city.
                if matches!(self.key(next), "en" | "in")
                    && !self.toks[next].cap
                    && self.mission_of_country(at..next)
                    && self.same_sentence(at, next + 1)
                    && self
                        .hit_at
                        .get(next + 1)
                        .copied()
                        .flatten()
                        .is_some_and(|hit| self.preferred_kind(hit, None) == NameKind::Place)
                {
                    next += 1;
                    continue;
                }
                // "Red Jesuita con Migrantes", "Doctors without Borders": a preposition that
                // only continues an organization's name (a cue word before it).
                if self.is(next, &ORG_CONNECTORS)
                    && !self.toks[next].cap
                    && next - at <= MAX_NAME_TOKENS
                    && (at..next).any(|inner| self.is(inner, &ORG_CUES))
                {
                    let mut after = next + 1;
                    if self.key(after) == "the" {
                        after += 1;
                    }
                    let continues = after < count
                        && self.same_sentence(at, after)
                        && !self.toks[after].after_break
                        && self.hit_at[after].is_none()
                        && self.is_cap_word(after)
                        && !self.is(after, &FUNCTION_WORDS)
                        && !self.is(after, &NOT_NAMES)
                        && !self.is(after, &ORG_CUES);
                    if continues {
                        next = after;
                        continue;
                    }
                    break;
                }
                if !(self.is_cap_word(next) || self.hit_at[next].is_some()) {
                    break;
                }
            }
            // "… Working Group on Arbitrary Detention Monday": no day or month at the end.
            while end > at + 1 && self.hit_at[end - 1].is_none() && self.is(end - 1, &NOT_NAMES) {
                end -= 1;
                while end > at + 1 && self.is(end - 1, &CONNECTORS) && !self.toks[end - 1].cap {
                    end -= 1;
                }
            }
            if end > at {
                spans.push(at..end);
                at = end;
            } else {
                at += 1;
            }
        }
        spans
    }

    /// "Consulado General de México", "Embassy of Mexico": a mission named with "of"/"de"
    /// and a known name ending the run.
    fn mission_of_country(&self, range: Range<usize>) -> bool {
        if range.len() > MAX_NAME_TOKENS {
            return false;
        }
        let Some(head) = range
            .clone()
            .find(|&at| self.is(at, &MISSIONS) && self.toks[at].cap)
        else {
            return false;
        };
        (head + 1..range.end).any(|at| self.is(at, &OF) && !self.toks[at].cap)
            && self.hit_ends.get(range.end).copied().unwrap_or(false)
    }

    /// A `'` right after a capitalized word ending in `s` and before another capitalized
    /// word ("Workers' Alliance").
    fn plural_possessive(&self, at: usize) -> bool {
        let Some(tok) = self.toks.get(at) else {
            return false;
        };
        let Some(before) = at.checked_sub(1).and_then(|b| self.toks.get(b)) else {
            return false;
        };
        matches!(self.text(at), "'" | "’")
            && before.cap
            && before.range.end == tok.range.start
            && self.key(at - 1).ends_with('s')
            && self.is_cap_word(at + 1)
            && self
                .toks
                .get(at + 1)
                .is_some_and(|next| next.range.start > tok.range.end)
    }

    // ----- Acronyms -----

    /// Whether the run at `index` and another are an expansion and its acronym in
    /// brackets, or an acronym and its expansion in brackets: the other run's index, and
    /// whether the acronym comes first.
    fn acronym_pair(&self, spans: &[Range<usize>], index: usize) -> Option<(usize, bool)> {
        let span = spans.get(index)?;
        let open = span.end;
        if self.text(open) != "(" || !self.same_sentence(span.start, open) {
            return None;
        }
        let other = spans
            .iter()
            .enumerate()
            .skip(index + 1)
            .find(|(_, candidate)| candidate.start == open + 1)
            .map(|(at, _)| at)?;
        let inner = spans.get(other)?;
        let closes =
            matches!(self.text(inner.end), ")" | "," | ";") && self.same_sentence(open, inner.end);
        if !closes {
            return None;
        }
        let single_acronym = |range: &Range<usize>| {
            range.len() == 1 && self.toks.get(range.start).is_some_and(|tok| tok.acronym)
        };
        if single_acronym(inner) && !single_acronym(span) {
            Some((other, false))
        } else if single_acronym(span) && !single_acronym(inner) && inner.len() >= 2 {
            Some((other, true))
        } else if inner.len() == 1
            && span.len() >= 2
            && self.hit_at[inner.start].is_none()
            && self.abbreviates(inner.start, self.strip_leading(span.clone()))
        {
            // "Comité de Familiares de Migrantes Desaparecidos (Cofamide)".
            Some((other, false))
        } else {
            None
        }
    }

    /// Whether the word at `word` ("Cofamide", "Conadeh") is made of the beginnings of the
    /// capitalized words of `expansion`, in order, starting with the first.
    fn abbreviates(&self, word: usize, expansion: Range<usize>) -> bool {
        const MAX: usize = 16;
        let letters: Vec<char> = self
            .key(word)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        let words: Vec<Vec<char>> = expansion
            .filter(|&at| self.toks[at].cap)
            .map(|at| self.key(at).chars().collect())
            .collect();
        if letters.len() < 3 || letters.len() > MAX || words.len() < 2 || words.len() > MAX {
            return false;
        }
        // reach[w][l]: the first `l` letters are made of prefixes of words before `w`.
        let mut reach = [[false; MAX + 1]; MAX + 1];
        reach[0][0] = true;
        for w in 0..words.len() {
            for l in 0..=letters.len() {
                if !reach[w][l] {
                    continue;
                }
                // A word may give nothing, except the first.
                if w > 0 {
                    reach[w + 1][l] = true;
                }
                let mut k = 0;
                while l + k < letters.len() && k < words[w].len() && words[w][k] == letters[l + k] {
                    k += 1;
                    reach[w + 1][l + k] = true;
                }
            }
        }
        reach[words.len()][letters.len()]
    }

    /// Two mentions for an acronym and its expansion, the expansion's first: each has the
    /// other form as its detail, and both the same kind and candidates.
    fn pair_mentions(
        &mut self,
        first: Range<usize>,
        second: Range<usize>,
        acronym_first: bool,
    ) -> Option<[Found; 2]> {
        let (acronym, expansion) = if acronym_first {
            (first.clone(), second.clone())
        } else {
            (second.clone(), first.clone())
        };
        let expansion = self.strip_leading(expansion);
        if expansion.is_empty() {
            return None;
        }
        let known = self
            .whole_hit(expansion.clone())
            .or_else(|| self.whole_hit(acronym.clone()));
        let (kind, matches) = match known {
            Some(hit) => {
                let kind = self.preferred_kind(hit, None);
                (kind, Some(self.hit_matches(hit, kind)))
            }
            None => {
                let kind = self
                    .cue_kind(expansion.clone())
                    .map_or(NameKind::Organization, |(kind, _)| kind);
                (kind, None)
            }
        };
        let evidence = if known.is_some() {
            Evidence::Known
        } else {
            Evidence::Acronym
        };
        Some([
            Found {
                tokens: expansion.clone(),
                kind,
                evidence,
                detail: Some(self.slice(acronym.clone())),
                matches: matches.clone(),
            },
            Found {
                tokens: acronym,
                kind,
                evidence,
                detail: Some(self.slice(expansion)),
                matches,
            },
        ])
    }

    // ----- One run -----

    fn slice(&self, range: Range<usize>) -> String {
        self.byte_range(range)
            .map(|bytes| self.doc.slice(bytes).to_owned())
            .unwrap_or_default()
    }

    fn byte_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.is_empty() {
            return None;
        }
        let first = self.toks.get(range.start)?;
        let last = self.toks.get(range.end - 1)?;
        Some(first.range.start..last.range.end.max(first.range.start))
    }

    /// The folded words of a range, for comparing runs: the token's key itself for one
    /// token (nothing is copied), else the keys joined by spaces.
    fn key_of(&self, range: Range<usize>) -> Cow<'_, str> {
        let range = range.start.min(self.toks.len())..range.end.min(self.toks.len());
        if range.len() == 1 {
            return Cow::Borrowed(self.keys.get(range.start));
        }
        let length: usize = range.clone().map(|index| self.key(index).len() + 1).sum();
        let mut key = String::with_capacity(length);
        self.join_keys(range, &mut key);
        Cow::Owned(key)
    }

    /// As [`Finder::key_of`], written into `buffer` when it must be joined: for the look-ups
    /// made for every mention, which would otherwise allocate a key each.
    fn key_in<'s>(&'s self, range: Range<usize>, buffer: &'s mut String) -> &'s str {
        let range = range.start.min(self.toks.len())..range.end.min(self.toks.len());
        if range.len() == 1 {
            return self.keys.get(range.start);
        }
        buffer.clear();
        self.join_keys(range, buffer);
        buffer
    }

    /// Appends the keys of `range` (within the tokens) to `out`, joined by spaces.
    fn join_keys(&self, range: Range<usize>, out: &mut String) {
        for index in range {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(self.key(index));
        }
    }

    /// The hit that covers exactly `range`.
    fn whole_hit(&self, range: Range<usize>) -> Option<usize> {
        let hit = self.hit_at.get(range.start).copied().flatten()?;
        (self.hits.get(hit)?.tokens.end == range.end).then_some(hit)
    }

    /// Drops function words, months and days from the start of a run (not those a known
    /// name starts with: "El Salvador", "La Paz").
    fn strip_leading(&self, mut range: Range<usize>) -> Range<usize> {
        while range.start < range.end {
            let at = range.start;
            if self.hit_at[at].is_some() {
                break;
            }
            // A word's lists are in its flags (its key looked up once); anything else is
            // skipped whatever lists it is in.
            let tok = &self.toks[at];
            let skip = !tok.word
                || FUNCTION_WORDS.in_flags(tok.flags)
                || NOT_NAMES.in_flags(tok.flags)
                || CONNECTORS.in_flags(tok.flags)
                || is_compound_modifier(self.key(at))
                || (self.text(at) == "." && at > range.start);
            if skip {
                range.start += 1;
            } else {
                break;
            }
        }
        range
    }

    /// Drops demonyms from the start of a run, except from an organization's name of three
    /// words or more after it ("Honduran Migrant Return Center"; but "Salvadoran Government",
    /// "Venezuelan Tren de Aragua").
    fn strip_demonyms_unless_named(&self, range: Range<usize>) -> Range<usize> {
        let stripped = self.strip_demonyms(range.clone());
        let named = stripped.start > range.start
            && stripped.len() >= 3
            && stripped.clone().all(|at| self.hit_at[at].is_none())
            && (range.start..stripped.start).all(|at| self.toks[at].cap)
            && matches!(
                self.cue_kind(stripped.clone()),
                Some((NameKind::Organization, None))
            );
        if named { range } else { stripped }
    }

    /// Drops demonyms ("Venezuelan", "Salvadoran") from the start of a run.
    fn strip_demonyms(&self, mut range: Range<usize>) -> Range<usize> {
        while range.start < range.end
            && self.hit_at[range.start].is_none()
            && (Gazetteer::demonym(self.key(range.start)).is_some()
                || self.is(range.start, &NOT_NAMES))
        {
            range.start += 1;
        }
        range
    }

    fn analyze(&mut self, span: Range<usize>, found: &mut Vec<Found>) {
        let span = self.strip_leading(span);
        if span.is_empty() {
            return;
        }
        // "South Texas", "Northern Mexico": a compass word and a known place are one place.
        if span.len() >= 2
            && self.hit_at[span.start].is_none()
            && COMPASS_WORDS.contains(&self.key(span.start))
            && self
                .whole_hit(span.start + 1..span.end)
                .is_some_and(|hit| self.preferred_kind(hit, None) == NameKind::Place)
        {
            found.push(Found {
                tokens: span,
                kind: NameKind::Place,
                evidence: Evidence::Cue,
                detail: None,
                matches: None,
            });
            return;
        }
        if let Some(hit) = self.whole_hit(span.clone()) {
            let may_be_person = self.hits[hit]
                .entries
                .iter()
                .any(|(entry, _)| self.entry_kind(*entry) == Some(NameKind::Person));
            let role = if may_be_person {
                self.role_before(span.start)
            } else {
                None
            };
            self.classify(span, role, found);
            return;
        }
        if let Some((title, name)) = self.split_title(span.clone()) {
            // Known names inside the title ("U.S.", "ICE" in "ICE Acting Director") are
            // mentions of their own.
            let mut at = title.start;
            while at < title.end {
                match self.hit_at[at] {
                    Some(hit) if self.hits[hit].tokens.end <= title.end => {
                        let range = self.hits[hit].tokens.clone();
                        let kind = self.preferred_kind(hit, None);
                        if kind != NameKind::Person {
                            let matches = self.hit_matches(hit, kind);
                            found.push(Found {
                                tokens: range.clone(),
                                kind,
                                evidence: Evidence::Known,
                                detail: None,
                                matches: Some(matches),
                            });
                        }
                        at = range.end;
                    }
                    _ => at += 1,
                }
            }
            let detail = self.slice(title.clone());
            self.classify(name, Some(detail), found);
            return;
        }
        if let Some((head, tail)) = self.person_of_org(span.clone()) {
            self.analyze(head, found);
            self.analyze(tail, found);
            return;
        }
        let span = self.strip_demonyms_unless_named(span);
        if span.is_empty() {
            return;
        }
        let role = self.role_before(span.start);
        self.classify(span, role, found);
    }

    /// A capitalized title at the start of a run: the title's tokens and the name's.
    fn split_title(&self, span: Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
        let mut best = None;
        for head in span.clone() {
            if !self.is(head, &TITLE_HEADS) || !self.toks[head].cap {
                continue;
            }
            let mut title_end = head + 1;
            if self.text(title_end) == "." {
                title_end += 1;
            }
            if title_end >= span.end {
                continue;
            }
            let name_start = if self.is(title_end, &OF) && !self.toks[title_end].cap {
                // "Secretary of Homeland Security Kristi Noem": the name starts at a known
                // given name, or is the last two words.
                let given = (title_end + 1..span.end)
                    .find(|&at| self.gazetteer.is_given_name(self.key(at)) && self.toks[at].cap);
                match given {
                    Some(at) => at,
                    None => {
                        let at = span.end.saturating_sub(2);
                        if at <= title_end + 1 || !self.is_cap_word(at) {
                            continue;
                        }
                        at
                    }
                }
            } else {
                title_end
            };
            let name = name_start..span.end;
            let plausible = !name.is_empty()
                && name.len() <= 5
                && self.is_cap_word(name.start)
                && !self.is(name.start, &CONNECTORS)
                && name.clone().all(|at| {
                    !self.is(at, &ORG_CUES)
                        && !self.is(at, &PLACE_CUES)
                        && !self.is(at, &NOT_ENTITY_HEADS)
                })
                && self.whole_hit(name.clone()).is_none_or(|hit| {
                    self.hits[hit]
                        .entries
                        .iter()
                        .any(|(entry, _)| self.entry_kind(*entry) == Some(NameKind::Person))
                        || name.len() == 1
                });
            if plausible {
                best = Some((span.start..name_start, name));
            }
        }
        // Keep the title's own words only (a connector before the name is part of it).
        best.map(|(title, name)| {
            let mut title = title;
            while title.end > title.start && self.text(title.end - 1) == "," {
                title.end -= 1;
            }
            (title, name)
        })
    }

    /// A lowercase role before a name ("el presidente", "la jueza federal", "el presidente
    /// de El Salvador," before it): its text.
    fn role_before(&self, start: usize) -> Option<String> {
        if start == 0 {
            return None;
        }
        // "presidente de El Salvador": El Salvador is the complement, not the person.
        if self.is(start - 1, &OF) {
            return None;
        }
        let mut at = start;
        let mut end = start;
        if self.text(at - 1) == "," && self.same_sentence(at - 1, start) {
            at -= 1;
            end = at;
        }
        for _ in 0..6 {
            if at == 0 {
                return None;
            }
            let previous = at - 1;
            if !self.same_sentence(previous, start) {
                return None;
            }
            // A word's lists are in its flags (its key looked up once).
            let tok = &self.toks[previous];
            if tok.word && !tok.cap && ROLES.in_flags(tok.flags) {
                let mut begin = previous;
                if begin > 0
                    && self.is(begin - 1, &ARTICLES)
                    && self.same_sentence(begin - 1, start)
                {
                    begin -= 1;
                }
                return (end > begin).then(|| self.slice(begin..end));
            }
            if !tok.word {
                return None;
            }
            if !(ROLE_MODIFIERS.in_flags(tok.flags) || tok.cap) {
                return None;
            }
            at = previous;
        }
        None
    }

    fn entry_kind(&self, entry: usize) -> Option<NameKind> {
        self.gazetteer.entry(entry).map(|entry| entry.kind)
    }

    /// The kind a known name is taken as: the one `wanted` if it has it, else a place, an
    /// organization, a person, in that order.
    fn preferred_kind(&self, hit: usize, wanted: Option<NameKind>) -> NameKind {
        let has = |kind: NameKind| {
            self.hits[hit]
                .entries
                .iter()
                .any(|(entry, _)| self.entry_kind(*entry) == Some(kind))
        };
        if let Some(wanted) = wanted.filter(|wanted| has(*wanted)) {
            return wanted;
        }
        [NameKind::Place, NameKind::Organization, NameKind::Person]
            .into_iter()
            .find(|kind| has(*kind))
            .unwrap_or(NameKind::Organization)
    }

    /// The entries of a hit of `kind`, as matches: 1 through the name, 0.97 an alias.
    fn hit_matches(&self, hit: usize, kind: NameKind) -> Vec<Match> {
        let mut matches: Vec<Match> = self.hits[hit]
            .entries
            .iter()
            .filter_map(|(entry, alias)| {
                let entry = self.gazetteer.entry(*entry)?;
                (entry.kind == kind).then(|| Match {
                    id: entry.id.clone(),
                    name: entry.name.clone(),
                    score: if *alias { 0.97 } else { 1.0 },
                })
            })
            .collect();
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        matches
    }

    /// Organization or place from cue words, with the cue's place kind when it gives one.
    fn cue_kind(&self, range: Range<usize>) -> Option<(NameKind, Option<&'static str>)> {
        let keys: Vec<&str> = range.clone().map(|at| self.key(at)).collect();
        for phrase in PLACE_PHRASES {
            if keys.windows(phrase.len()).any(|window| window == *phrase) {
                return Some((NameKind::Place, Some("immigration-detention-centre")));
            }
        }
        let of = range
            .clone()
            .find(|&at| self.is(at, &OF))
            .unwrap_or(range.end);
        let cue = |at: &usize| {
            self.is(*at, &ORG_CUES) || self.is(*at, &PLACE_CUES) || self.is(*at, &NOT_ENTITY_HEADS)
        };
        let head = (range.start..of)
            .rev()
            .find(cue)
            .or_else(|| range.clone().rev().find(cue))?;
        if self.is(head, &NOT_ENTITY_HEADS) {
            return Some((NameKind::Person, Some("not-an-entity")));
        }
        if self.is(head, &ORG_CUES) && !self.is(head, &PLACE_CUES) {
            return Some((NameKind::Organization, None));
        }
        let detail = match self.key(head) {
            "prison" | "penitentiary" | "carcel" | "penal" | "penitenciaria" | "prision"
            | "penitenciario" | "reclusorio" => Some("prison"),
            "jail" => Some("jail"),
            "city" | "ciudad" | "town" | "village" | "municipio" | "municipality" | "pueblo" => {
                Some("city")
            }
            "state" | "estado" | "province" | "provincia" | "departamento" => {
                Some("state-or-province")
            }
            "airport" | "aeropuerto" => Some("airport"),
            "base" | "fort" | "fuerte" => Some("military-base"),
            "hospital" => Some("hospital"),
            "shelter" | "albergue" | "refugio" => Some("shelter"),
            _ => None,
        };
        Some((NameKind::Place, detail))
    }

    /// Cue words, from the words of a run that are not part of a known name inside it
    /// ("Agents of Immigration and Customs Enforcement" has none of its own).
    fn cue_kind_outside_hits(
        &self,
        range: Range<usize>,
    ) -> Option<(NameKind, Option<&'static str>)> {
        let mut inside = vec![false; range.len()];
        for at in range.clone() {
            if let Some(hit) = self.hit_at[at] {
                for covered in self.hits[hit].tokens.clone() {
                    if let Some(flag) = covered
                        .checked_sub(range.start)
                        .and_then(|i| inside.get_mut(i))
                    {
                        *flag = true;
                    }
                }
            }
        }
        if !inside.iter().any(|flag| *flag) {
            return self.cue_kind(range);
        }
        let own: Vec<usize> = range
            .clone()
            .filter(|at| !inside[at - range.start])
            .collect();
        let has_cue = own.iter().any(|&at| {
            let key = self.key(at);
            ORG_CUES.contains(key) || PLACE_CUES.contains(key) || NOT_ENTITY_HEADS.contains(key)
        });
        if has_cue { self.cue_kind(range) } else { None }
    }

    /// "Chris Van Hollen of Maryland", "Agents of Immigration and Customs Enforcement": a
    /// run ending in "of"/"de" and known names, whose head has no cue word of its own: the
    /// head and the known names apart.
    fn trailing_known_complement(
        &self,
        range: Range<usize>,
    ) -> Option<(Range<usize>, Range<usize>)> {
        let of = range
            .clone()
            .find(|&at| self.is(at, &OF) && !self.toks[at].cap)?;
        if of == range.start {
            return None;
        }
        let mut tail = of + 1;
        while tail < range.end && self.is(tail, &ARTICLES) && self.hit_at[tail].is_none() {
            tail += 1;
        }
        // The rest must be known names, one after another.
        let mut at = tail;
        while at < range.end {
            let hit = self.hit_at[at]?;
            at = self.hits[hit].tokens.end;
        }
        if tail >= range.end || at != range.end {
            return None;
        }
        let head = range.start..of;
        let head_cue = head.clone().any(|at| {
            let key = self.key(at);
            ORG_CUES.contains(key) || PLACE_CUES.contains(key)
        });
        (!head_cue).then_some((head, tail..range.end))
    }

    /// Whether a range has an organization cue word of its own or is a known organization.
    fn org_like(&self, range: Range<usize>) -> bool {
        if range.is_empty() {
            return false;
        }
        if let Some(hit) = self.whole_hit(range.clone()) {
            return self.preferred_kind(hit, None) == NameKind::Organization;
        }
        matches!(
            self.cue_kind_outside_hits(range),
            Some((NameKind::Organization, None))
        )
    }

    /// An organization of another one: "Sala de lo Constitucional de la Corte Suprema de
    /// Justicia", "Department of Homeland Security's Office of Inspector General", "Grupo
    /// de Trabajo sobre la Detención Arbitraria de la ONU" are two names each. The tail
    /// starts with a capitalized organization cue word or is a known organization; both
    /// parts are organizations of two words or more, or known. The first split.
    fn split_nested(&self, range: Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
        // Longer runs are no names (and the bound keeps this linear).
        if range.len() < 3
            || range.len() > MAX_NAME_TOKENS
            || self.whole_hit(range.clone()).is_some()
        {
            return None;
        }
        let substantial =
            |part: &Range<usize>| part.len() >= 2 || self.whole_hit(part.clone()).is_some();
        for at in range.start + 1..range.end {
            let (head, tail_start) = if self.toks[at - 1].possessive && self.toks[at].cap {
                (range.start..at, at)
            } else if self.is(at, &OF)
                && !self.toks[at].cap
                && matches!(self.key(at), "of" | "de" | "del")
            {
                let mut tail = at + 1;
                while tail < range.end
                    && (self.is(tail, &ARTICLES) || self.key(tail) == "the")
                    && self.hit_at[tail].is_none()
                {
                    tail += 1;
                }
                (range.start..at, tail)
            } else {
                continue;
            };
            if tail_start >= range.end {
                continue;
            }
            let tail = tail_start..range.end;
            let tail_cue = self.toks[tail_start].cap
                && self.hit_at[tail_start].is_none()
                && self.is(tail_start, &ORG_CUES)
                && !self.is(tail_start, &PLACE_CUES);
            let tail_known = self
                .whole_hit(tail.clone())
                .is_some_and(|hit| self.preferred_kind(hit, None) == NameKind::Organization);
            if !(tail_cue || tail_known) || !substantial(&tail) || !substantial(&head) {
                continue;
            }
            if self.org_like(head.clone()) && (tail_known || self.org_like(tail.clone())) {
                return Some((head, tail));
            }
        }
        None
    }

    /// "U.S. District Judge Harriet Okonkwo of the U.S. District Court for the District of
    /// Massachusetts", "Daniel Okafor of the Texas Civil Rights Project": a person (after a
    /// title, or starting with a known given name) of an organization.
    fn person_of_org(&self, range: Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
        let of = range
            .clone()
            .find(|&at| matches!(self.key(at), "of" | "de" | "del") && !self.toks[at].cap)?;
        let head = range.start..of;
        if head.is_empty() || head.len() > 8 {
            return None;
        }
        let mut tail = of + 1;
        while tail < range.end
            && (self.is(tail, &ARTICLES) || self.key(tail) == "the")
            && self.hit_at[tail].is_none()
        {
            tail += 1;
        }
        let tail = tail..range.end;
        if tail.len() < 2
            || self.cue_kind(tail.clone()).map(|(kind, _)| kind) != Some(NameKind::Organization)
        {
            return None;
        }
        let own_cue = |part: Range<usize>| {
            part.clone().any(|at| {
                self.hit_at[at].is_none() && (self.is(at, &ORG_CUES) || self.is(at, &PLACE_CUES))
            })
        };
        let titled = self
            .split_title(head.clone())
            .is_some_and(|(_, name)| !own_cue(name));
        let named = (2..=4).contains(&head.len())
            && self.gazetteer.is_given_name(self.key(head.start))
            && head.clone().all(|at| self.toks[at].cap)
            && !own_cue(head.clone());
        (titled || named).then_some((head, tail))
    }

    /// "ACLU of Southern California", "Defensoría del Pueblo de Antioquia": a known
    /// organization, "of"/"de" and a known place that is not a country (after at most one
    /// more capitalized word) are one organization. "United Nations Committee against Torture": a known
    /// organization right before another whose name starts with a cue word, too.
    fn org_of_place(&self, range: Range<usize>) -> bool {
        let Some(first) = self.hit_at.get(range.start).copied().flatten() else {
            return false;
        };
        if self.preferred_kind(first, None) != NameKind::Organization {
            return false;
        }
        let mut at = self.hits[first].tokens.end;
        if at >= range.end {
            return false;
        }
        if let Some(second) = self.hit_at[at]
            && self.hits[second].tokens.end == range.end
        {
            return self.preferred_kind(second, None) == NameKind::Organization
                && !self.toks[at - 1].possessive
                && self.is(at, &ORG_CUES)
                && self.toks[at].cap;
        }
        if !matches!(self.key(at), "of" | "de" | "del") || self.toks[at].cap {
            return false;
        }
        at += 1;
        while at < range.end && (self.is(at, &ARTICLES) || self.key(at) == "the") {
            at += 1;
        }
        if at < range.end && self.hit_at[at].is_none() && self.toks[at].cap {
            at += 1;
        }
        // A country after a known name is its own mention ("Fiscalía General de la
        // República de Venezuela"); a state or city names an office or branch.
        self.hit_at.get(at).copied().flatten().is_some_and(|place| {
            self.hits[place].tokens.end == range.end
                && self.preferred_kind(place, None) == NameKind::Place
                && self.place_detail(place).as_deref() != Some("country")
        })
    }

    /// A lowercase noun right before the run says it is an organization ("the group
    /// Cofavic").
    fn org_descriptor_before(&self, start: usize) -> bool {
        start.checked_sub(1).is_some_and(|before| {
            self.same_sentence(before, start)
                && self.is(before, &ORG_DESCRIPTORS)
                && !self.toks[before].cap
                && !self.toks[before].possessive
        })
    }

    fn speech_next_to(&self, range: &Range<usize>) -> bool {
        let mut after = range.end;
        if self.text(after) == "," {
            after += 1;
        }
        let before = range.start.checked_sub(1);
        (after < self.toks.len()
            && self.same_sentence(range.start, after)
            && self.is(after, &SPEECH_VERBS))
            || before.is_some_and(|before| {
                self.same_sentence(before, range.start) && self.is(before, &SPEECH_VERBS)
            })
    }

    fn place_preposition_before(&self, start: usize) -> bool {
        start.checked_sub(1).is_some_and(|before| {
            self.same_sentence(before, start)
                && self.is(before, &PLACE_PREPOSITIONS)
                && !self.toks[before].cap
        })
    }

    /// Classifies a run (without its title) and pushes what it is.
    fn classify(&mut self, range: Range<usize>, role: Option<String>, found: &mut Vec<Found>) {
        if range.is_empty() {
            return;
        }
        let person_cue = role.is_some();
        if let Some(hit) = self.whole_hit(range.clone()) {
            let wanted = (person_cue || self.speech_next_to(&range)).then_some(NameKind::Person);
            let kind = if person_cue {
                NameKind::Person
            } else {
                self.preferred_kind(hit, wanted)
            };
            let matches = (kind != NameKind::Person).then(|| self.hit_matches(hit, kind));
            let detail = if kind == NameKind::Place {
                role.or_else(|| self.place_detail(hit))
            } else {
                role
            };
            found.push(Found {
                tokens: range,
                kind,
                evidence: Evidence::Known,
                detail,
                matches,
            });
            return;
        }
        if !person_cue && self.org_of_place(range.clone()) {
            found.push(Found {
                tokens: range,
                kind: NameKind::Organization,
                evidence: Evidence::Cue,
                detail: None,
                matches: None,
            });
            return;
        }
        if let Some((head, tail)) = self.trailing_known_complement(range.clone()) {
            self.classify(head, role, found);
            self.classify(tail, None, found);
            return;
        }
        if person_cue {
            found.push(Found {
                tokens: range,
                kind: NameKind::Person,
                evidence: Evidence::Title,
                detail: role,
                matches: None,
            });
            return;
        }
        if let Some((head, tail)) = self.split_nested(range.clone()) {
            self.classify(head, None, found);
            self.classify(tail, None, found);
            return;
        }
        if let Some((kind, detail)) = self.cue_kind_outside_hits(range.clone()) {
            if detail == Some("not-an-entity") {
                return;
            }
            // A cue word alone ("la Corte", "the Court", "el Estado") refers back to a
            // name; it is none itself.
            if range.len() == 1
                && !self.toks[range.start].acronym
                && !self.is(range.start, &LEGISLATURES)
            {
                return;
            }
            found.push(Found {
                tokens: range,
                kind,
                evidence: Evidence::Cue,
                detail: detail.map(str::to_owned),
                matches: None,
            });
            return;
        }
        if self.org_descriptor_before(range.start) && !self.toks[range.start].initial {
            found.push(Found {
                tokens: range,
                kind: NameKind::Organization,
                evidence: Evidence::Cue,
                detail: None,
                matches: None,
            });
            return;
        }
        // Two names joined by "and"/"y": each on its own.
        if let Some(split) = range
            .clone()
            .find(|&at| self.is(at, &COORDINATORS) && !self.toks[at].cap)
        {
            self.classify(range.start..split, None, found);
            let rest = self.strip_leading(split + 1..range.end);
            self.classify(rest, None, found);
            return;
        }
        let words = range.len();
        let first = self.key(range.start).to_owned();
        let initial = self.toks[range.start].initial;
        let given = self.gazetteer.is_given_name(&first) && (2..=5).contains(&words);
        if given {
            found.push(self.person(range, Evidence::GivenName));
            return;
        }
        // Known names inside a longer run: each on its own, the rest read again.
        let inner: Vec<usize> = range
            .clone()
            .filter_map(|at| self.hit_at[at])
            .filter(|hit| self.hits[*hit].tokens.end <= range.end)
            .collect();
        if !inner.is_empty() {
            let mut at = range.start;
            for hit in inner {
                let hit_range = self.hits[hit].tokens.clone();
                if hit_range.start > at {
                    let rest = self.strip_leading(at..hit_range.start);
                    self.classify(rest, None, found);
                }
                self.classify(hit_range.clone(), None, found);
                at = hit_range.end;
            }
            if at < range.end {
                let rest = self.strip_leading(at..range.end);
                self.classify(rest, None, found);
            }
            return;
        }
        match self.not_a_person(range.clone()) {
            Some(shape::NotPerson::Nothing) => return,
            Some(shape::NotPerson::Place) => {
                found.push(Found {
                    tokens: range,
                    kind: NameKind::Place,
                    evidence: Evidence::Cue,
                    detail: None,
                    matches: None,
                });
                return;
            }
            None => {}
        }
        let surname = (2..=4).contains(&words)
            && range
                .clone()
                .skip(1)
                .any(|at| self.gazetteer.is_surname(self.key(at)));
        if surname {
            found.push(self.person(range, Evidence::Surname));
            return;
        }
        if self.speech_next_to(&range) && words <= 4 && !self.toks[range.start].acronym {
            found.push(self.person(range, Evidence::Speech));
            return;
        }
        if words == 1 {
            // A single word: a place after "in"/"en", or perhaps a surname said before
            // (coreference decides later).
            if self.place_preposition_before(range.start) && !self.toks[range.start].acronym {
                found.push(Found {
                    tokens: range,
                    kind: NameKind::Place,
                    evidence: Evidence::Preposition,
                    detail: None,
                    matches: None,
                });
            } else if !self.toks[range.start].acronym {
                found.push(Found {
                    tokens: range,
                    kind: NameKind::Person,
                    evidence: Evidence::Shape,
                    detail: None,
                    matches: None,
                });
            }
            return;
        }
        if self.place_preposition_before(range.start) && words <= 3 {
            found.push(Found {
                tokens: range,
                kind: NameKind::Place,
                evidence: Evidence::Preposition,
                detail: None,
                matches: None,
            });
            return;
        }
        if (2..=4).contains(&words) && !(initial && words == 2 && self.toks[range.start].acronym) {
            found.push(self.person(range, Evidence::Shape));
        }
    }

    fn person(&self, range: Range<usize>, evidence: Evidence) -> Found {
        Found {
            tokens: range,
            kind: NameKind::Person,
            evidence,
            detail: None,
            matches: None,
        }
    }

    fn place_detail(&self, hit: usize) -> Option<String> {
        self.hits[hit].entries.iter().find_map(|(entry, _)| {
            let entry = self.gazetteer.entry(*entry)?;
            (entry.kind == NameKind::Place)
                .then(|| entry.detail.clone())
                .flatten()
        })
    }

    // ----- Coreference -----

    /// A surname alone is the person named in full elsewhere in the text; single words
    /// that are nobody known are dropped.
    fn resolve_coreference(&mut self, found: &mut Vec<Found>) {
        let mut by_surname: FxHashMap<String, usize> = FxHashMap::default();
        let mut pair = String::new();
        for (index, mention) in found.iter().enumerate() {
            if mention.kind != NameKind::Person || mention.tokens.len() < 2 {
                continue;
            }
            // The name's words, counted, with the last two (not collected: only those are
            // read).
            let (mut words, mut penultimate, mut last) = (0, 0, 0);
            for at in mention.tokens.clone() {
                if self.toks[at].word
                    && self.key(at).chars().count() > 1
                    && !self.is(at, &CONNECTORS)
                    && !self.key(at).ends_with('.')
                {
                    words += 1;
                    penultimate = last;
                    last = at;
                }
            }
            if words >= 1 {
                insert_first(&mut by_surname, self.key(last), index);
            }
            if words >= 3 && (words >= 4 || self.gazetteer.is_surname(self.key(penultimate))) {
                insert_first(&mut by_surname, self.key(penultimate), index);
                // "Pérez Rodríguez" as a pair.
                pair.clear();
                pair.push_str(self.key(penultimate));
                pair.push(' ');
                pair.push_str(self.key(last));
                insert_first(&mut by_surname, &pair, index);
            }
        }
        let mut keep = vec![true; found.len()];
        let mut key_buffer = String::new();
        for index in 0..found.len() {
            let mention = &found[index];
            let referent = if mention.tokens.len() <= 2 && !by_surname.is_empty() {
                by_surname
                    .get(self.key_in(mention.tokens.clone(), &mut key_buffer))
                    .copied()
                    .filter(|&referent| referent != index)
            } else {
                None
            };
            let weak = matches!(
                mention.evidence,
                Evidence::Shape
                    | Evidence::Preposition
                    | Evidence::Surname
                    | Evidence::Speech
                    | Evidence::Title
            );
            match referent {
                Some(referent) if weak || mention.kind == NameKind::Person => {
                    let matches = self.person_matches(found[referent].tokens.clone());
                    let mention = &mut found[index];
                    mention.kind = NameKind::Person;
                    if mention.evidence != Evidence::Title {
                        mention.evidence = Evidence::Coreference;
                    }
                    mention.matches = Some(matches);
                }
                _ => {
                    let single = mention.tokens.len() == 1;
                    if single && mention.evidence == Evidence::Shape {
                        keep[index] = false;
                    }
                }
            }
        }
        let mut at = 0;
        found.retain(|_| {
            let kept = keep[at];
            at += 1;
            kept
        });
    }

    fn person_matches(&mut self, range: Range<usize>) -> Vec<Match> {
        let text = self.slice(range);
        self.lookup(&text, NameKind::Person)
    }

    fn lookup(&mut self, text: &str, kind: NameKind) -> Vec<Match> {
        self.lookup_scoring(text, kind, 0.0)
    }

    /// The matches of [`Finder::lookup`] that score `min_score` or more (copied from the
    /// look-ups made, only those kept).
    fn lookup_scoring(&mut self, text: &str, kind: NameKind, min_score: f32) -> Vec<Match> {
        let cache = &mut self.lookups[match kind {
            NameKind::Person => 0,
            NameKind::Organization => 1,
            NameKind::Place => 2,
        }];
        let keep = |matches: &[Match]| {
            matches
                .iter()
                .filter(|candidate| candidate.score >= min_score)
                .cloned()
                .collect()
        };
        if let Some(matches) = cache.get(text) {
            return keep(matches);
        }
        let matches = self.gazetteer.lookup(text, Some(kind));
        let kept = keep(&matches);
        cache.insert(text.to_owned(), matches);
        kept
    }

    // ----- Output -----

    fn write(mut self, found: Vec<Found>) -> Names {
        let mut names = Names::default();
        let mut seen = crate::gazetteer::fx::FxHashSet::default();
        let mut found = found;
        found.sort_by_key(|mention| (mention.tokens.start, mention.tokens.end));
        for mention in found {
            let Some(bytes) = self.byte_range(mention.tokens.clone()) else {
                continue;
            };
            if !seen.insert((bytes.start, bytes.end)) {
                continue;
            }
            let text = self.doc.slice(bytes.clone()).to_owned();
            if text.trim().is_empty() {
                continue;
            }
            let matches = match mention.matches {
                Some(matches) => matches,
                None if mention.kind == NameKind::Person => self.lookup(&text, NameKind::Person),
                None => self.lookup_scoring(&text, mention.kind, 0.8),
            };
            let initial = self.toks[mention.tokens.start].initial;
            let mut confidence: f32 = match mention.evidence {
                Evidence::Known => 0.9,
                Evidence::Acronym => 0.85,
                Evidence::Title => 0.85,
                Evidence::Coreference => 0.8,
                Evidence::Cue => 0.75,
                Evidence::GivenName => 0.8,
                Evidence::Speech => 0.7,
                Evidence::Surname => 0.7,
                Evidence::Preposition => 0.55,
                Evidence::Shape => 0.5,
            };
            if initial && mention.evidence >= Evidence::Speech {
                confidence -= 0.1;
            }
            if matches.first().is_some_and(|best| best.score >= 0.9)
                && mention.kind == NameKind::Person
            {
                confidence = confidence.max(0.85);
            }
            let chars = self.doc.char_range(bytes);
            let out = Mention {
                text,
                start: chars.start,
                end: chars.end,
                confidence: confidence.clamp(0.0, 1.0),
                detail: mention.detail.filter(|detail| !detail.trim().is_empty()),
                matches,
            };
            match mention.kind {
                NameKind::Person => names.persons.push(out),
                NameKind::Organization => names.organizations.push(out),
                NameKind::Place => names.places.push(out),
            }
        }
        names
    }
}

/// Words that, capitalized before a known place, name a part of it ("South Texas").
const COMPASS_WORDS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "upstate",
];

/// "Amazon-owned", "Texas-based": a word that says who owns or where something is, before
/// its name.
fn is_compound_modifier(key: &str) -> bool {
    [
        "-owned", "-based", "-backed", "-led", "-funded", "-run", "-linked",
    ]
    .iter()
    .any(|ending| key.len() > ending.len() && key.ends_with(ending))
}

/// Whether a token is one of the marks a clause opens after (`:`, an opening quote or
/// bracket, `¿`, `¡`, a dash), compared as one character.
fn opens_clause(token: &str) -> bool {
    let mut chars = token.chars();
    matches!(
        (chars.next(), chars.next()),
        (
            Some(':' | '"' | '“' | '«' | '¿' | '¡' | '—' | '(' | '‘'),
            None
        )
    )
}

/// Inserts `key` with `value` unless it is there already (as `entry(key).or_insert(value)`,
/// copying the key only when it is new).
fn insert_first<V>(map: &mut FxHashMap<String, V>, key: &str, value: V) {
    if !map.contains_key(key) {
        map.insert(key.to_owned(), value);
    }
}

#[cfg(test)]
mod tests;
