//! Quotations and their speakers.
//!
//! # Quotation marks
//!
//! One linear pass pairs the marks: typographic double quotes (`“…”`), guillemets (`«…»`) and
//! straight double quotes (`"…"`) are *strong*; typographic single quotes (`‘…’`) and straight
//! single quotes (`'…'`) are *weak*. Only the outermost quotation is kept: while a strong
//! quotation is open, every other mark is taken as nested. A weak quotation never crosses a
//! line and gives way to a strong opening mark, so a stray apostrophe (`rock 'n' roll`,
//! `the workers’ union`) cannot swallow the quotations after it: `’` and `'` close only
//! when no letter or digit follows (so `don’t` is a word), and `'` opens only after a space
//! or an opening bracket and before a letter. A blank line closes nothing and drops whatever
//! is still open, so one unmatched mark costs at most one paragraph.
//!
//! # Which quotations are kept
//!
//! Quotations of at least [`MIN_WORDS_UNATTRIBUTED`] words are kept, with or without a
//! speaker; shorter ones (scare quotes, titles, nicknames such as `"alien enemies"`) only when
//! the text says who said them. A trailing comma inside the marks (`"…," she said`) belongs to
//! the sentence, not the speaker, and is left out of the quotation.
//!
//! # Speakers
//!
//! The speaker is the nearest attribution, tried in this order:
//!
//! 1. after the closing mark, in the same sentence: `"…," X said`, `"…," said X`,
//!    `"…", dijo X`, `"…", señaló en un comunicado la organización`, `"…," according to X`;
//! 2. before the opening mark, in the same sentence: `X said: "…"`, `X told reporters "…"`,
//!    `X wrote on X: "…"`, `In a statement, X said "…"`, `X afirmó: «…»`, `Afirmó X: «…»`,
//!    `según X, «…»`;
//! 3. the previous quotation's speaker, when this one follows it in the same paragraph with
//!    at most one sentence between (`"…," she said. "…"`);
//! 4. the previous sentence, when this quotation opens its sentence and the previous sentence
//!    has a subject and a speech verb (`María López said she was afraid. "…"`).
//!
//! The speaker is the noun phrase as written (`Maria López`, `the group`, `su madre`,
//! `a spokesperson for ICE`). A statement, post or letter is replaced by whoever issued it
//! (`read a statement issued by the group` → `the group`, `the group's statement said` →
//! `the group`, `según un comunicado de la Fiscalía` → `la Fiscalía`, `their statement
//! emphasized` → the last organization named before the quotation); a document with no
//! issuer gives no speaker. `he`, `she`, `él`, `ella`, and a Spanish verb without a subject
//! (`"…", dijo.`), resolve to the last person named before the quotation in
//! [`Names::persons`]; with no such person, or for `they`, `it`, `we`, the speaker is
//! unknown.

use std::borrow::Cow;
use std::ops::Range;

use crate::names::Names;
use crate::text::{ByteSet, Doc, TokenKind, fold};
use crate::{Language, Quote};

/// Fewest words a quotation needs to be kept when the text does not say who said it.
pub const MIN_WORDS_UNATTRIBUTED: usize = 4;

/// Longest strong quotation, in bytes; a mark left open longer is dropped.
const MAX_STRONG_BYTES: usize = 6000;

/// Longest weak (single-quoted) quotation, in bytes.
const MAX_WEAK_BYTES: usize = 600;

/// Most tokens a speaker's noun phrase may have.
const MAX_NP_TOKENS: usize = 10;

/// Most tokens between a speech verb and the quotation it introduces (`told reporters`,
/// `wrote on X`, `said in a statement on Tuesday`).
const MAX_COMPLEMENT_TOKENS: usize = 15;

/// Verbs that attribute words to a speaker, folded (English and Spanish, both always).
const SPEECH_VERBS: &[&str] = &[
    // English.
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "wrote",
    "writes",
    "stated",
    "explained",
    "explains",
    "noted",
    "notes",
    "recalled",
    "recalls",
    "asked",
    "asks",
    "insisted",
    "insists",
    "warned",
    "warns",
    "argued",
    "argues",
    "claimed",
    "claims",
    "declared",
    "testified",
    "posted",
    "tweeted",
    "replied",
    "responded",
    "recounted",
    "alleged",
    "acknowledged",
    "admitted",
    "emphasized",
    "emphasised",
    "stressed",
    "shouted",
    "pleaded",
    "urged",
    "lamented",
    "complained",
    "continued",
    "announced",
    "remembered",
    "cried",
    "sobbed",
    "whispered",
    "concluded",
    "observed",
    "commented",
    "read",
    "reads",
    "wrote",
    "texted",
    "messaged",
    "ruled",
    "testified",
    // Spanish (folded: no accents).
    "dijo",
    "dijeron",
    "dice",
    "dicen",
    "decia",
    "decian",
    "afirmo",
    "afirmaron",
    "afirma",
    "afirman",
    "afirmaba",
    "declaro",
    "declararon",
    "declara",
    "senalo",
    "senalaron",
    "senala",
    "senalan",
    "denuncio",
    "denunciaron",
    "denuncia",
    "denuncian",
    "aseguro",
    "aseguraron",
    "asegura",
    "aseguran",
    "explico",
    "explicaron",
    "explica",
    "indico",
    "indicaron",
    "indica",
    "anadio",
    "anadieron",
    "anade",
    "agrego",
    "agregaron",
    "agrega",
    "manifesto",
    "manifestaron",
    "expreso",
    "expresaron",
    "relato",
    "relataron",
    "relata",
    "relataba",
    "conto",
    "contaron",
    "contaba",
    "escribio",
    "escribieron",
    "escribe",
    "sostuvo",
    "sostiene",
    "comento",
    "preciso",
    "subrayo",
    "destaco",
    "insistio",
    "insiste",
    "advirtio",
    "advierte",
    "recordo",
    "recuerda",
    "lamento",
    "publico",
    "respondio",
    "pregunto",
    "narro",
    "detallo",
    "apunto",
    "reitero",
    "enfatizo",
    "asevero",
    "exclamo",
    "reclamo",
    "tuiteo",
    "confeso",
    "admitio",
    "reconocio",
    "concluyo",
    "sentencio",
    "remarco",
    "puntualizo",
    "acoto",
    "aclaro",
    "expuso",
    "pidio",
    "pidieron",
    "exigio",
    "exigieron",
    "respondieron",
    "dictamino",
    "resolvio",
    "escribio",
];

/// [`SPEECH_VERBS`] as a set.
fn speech_verbs() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| SPEECH_VERBS.iter().copied().collect())
}

/// Verbs that only attribute a document's words (`"…," read a statement issued by …`).
const DOCUMENT_VERBS: &[&str] = &["read", "reads"];

/// Nouns for documents whose issuer is the speaker.
const DOCUMENT_NOUNS: &[&str] = &[
    "statement",
    "statements",
    "post",
    "tweet",
    "message",
    "letter",
    "release",
    "report",
    "communique",
    "comunicado",
    "mensaje",
    "carta",
    "publicacion",
    "tuit",
    "informe",
    "nota",
    "declaracion",
    "pronunciamiento",
    "declaration",
    "affidavit",
    "testimony",
    "testimonio",
    "complaint",
    "lawsuit",
    "demanda",
    "filing",
    "petition",
    "peticion",
];

/// Words that introduce a document's issuer (`by the group`, `de la Fiscalía`).
const ISSUER_WORDS: &[&str] = &["by", "from", "of", "de", "del", "por"];

/// Participles between a document and its issuer (`a statement issued by`).
const ISSUED_WORDS: &[&str] = &[
    "issued",
    "released",
    "published",
    "posted",
    "signed",
    "sent",
    "shared",
    "emitido",
    "emitida",
    "publicado",
    "publicada",
    "firmado",
    "firmada",
    "difundido",
    "difundida",
    "enviado",
    "enviada",
];

/// Pronouns that resolve to the last person named.
const PERSON_PRONOUNS: &[&str] = &["he", "she", "el", "ella"];

/// Pronouns that give no speaker.
const OTHER_PRONOUNS: &[&str] = &[
    "they", "it", "we", "i", "you", "this", "ellos", "ellas", "nosotros", "yo", "esto",
];

/// Words between a subject and its verb that are not part of the subject (`she has said`,
/// `López later told`).
const AUXILIARIES: &[&str] = &[
    "has",
    "had",
    "have",
    "also",
    "later",
    "then",
    "previously",
    "once",
    "would",
    "ha",
    "han",
    "habia",
    "habian",
    "tambien",
    "luego",
    "despues",
    "ya",
];

/// Words that end an English speaker's noun phrase.
const STOPS_EN: &[&str] = &[
    "who",
    "which",
    "that",
    "in",
    "on",
    "at",
    "during",
    "after",
    "before",
    "when",
    "while",
    "as",
    "because",
    "but",
    "outside",
    "inside",
    "near",
    "last",
    "this",
    "yesterday",
    "today",
    "tonight",
    "earlier",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "adding",
    "noting",
    "saying",
    "referring",
    "to",
    "if",
    "so",
    "since",
    "where",
    "and",
    "or",
    "whose",
];

/// Words that end a Spanish speaker's noun phrase.
const STOPS_ES: &[&str] = &[
    "que",
    "quien",
    "quienes",
    "en",
    "durante",
    "tras",
    "cuando",
    "mientras",
    "porque",
    "pero",
    "desde",
    "este",
    "esta",
    "ayer",
    "hoy",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
    "a",
    "al",
    "ante",
    "sobre",
    "luego",
    "antes",
    "despues",
    "anadiendo",
    "agregando",
    "y",
    "e",
    "o",
    "donde",
    "cuyo",
    "cuya",
    "si",
    "segun",
    "con",
    "para",
];

/// Prepositions that can open a phrase between a Spanish verb and its subject
/// (`señaló en un comunicado la organización`).
const PREPOSITIONS_ES: &[&str] = &[
    "en", "a", "al", "ante", "por", "desde", "durante", "tras", "con",
];

/// Determiners that can open a Spanish subject after its verb.
const DETERMINERS_ES: &[&str] = &[
    "el", "la", "los", "las", "un", "una", "su", "sus", "uno", "una",
];

/// One pair of quotation marks, as byte offsets.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Marks {
    /// Byte offset of the opening mark.
    pub(crate) open: usize,
    /// Byte offset just after the opening mark.
    pub(crate) inner_start: usize,
    /// Byte offset of the closing mark.
    pub(crate) close: usize,
    /// Byte offset just after the closing mark.
    pub(crate) outer_end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    Straight,
    Curly,
    Guillemet,
    SingleCurly,
    SingleStraight,
}

impl Mark {
    fn strong(self) -> bool {
        matches!(self, Mark::Straight | Mark::Curly | Mark::Guillemet)
    }

    fn max_bytes(self) -> usize {
        if self.strong() {
            MAX_STRONG_BYTES
        } else {
            MAX_WEAK_BYTES
        }
    }
}

fn is_opening_punct(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | ':' | '¿' | '¡' | '/')
}

/// The bytes [`scan_marks`] stops at: a line break, `"`, `'`, and the first bytes of `“ ” ‘ ’`
/// (0xE2) and `« »` (0xC2).
const MARK_BYTES: ByteSet = ByteSet::new(b"\n\"'\xE2\xC2");

/// Pairs the quotation marks of `text` in one pass.
pub(crate) fn scan_marks(text: &str) -> Vec<Marks> {
    let mut found = Vec::new();
    let mut open: Option<(Mark, usize, usize)> = None;
    let mut newlines = 0usize;
    let bytes = text.as_bytes();
    // Bytes only: every mark is `"`, `'`, or starts with 0xE2 (“ ” ‘ ’) or 0xC2 (« »). The
    // search jumps from one line break or possible mark to the next; the bytes jumped over
    // only matter after a line break, where a visible one ends the run of line breaks.
    let mut from = 0;
    while let Some(found_at) = bytes.get(from..).and_then(|rest| MARK_BYTES.find(rest)) {
        let at = from + found_at;
        let byte = bytes[at];
        if newlines > 0 && bytes[from..at].iter().any(|&b| b > b' ') {
            if newlines >= 2 {
                open = None;
            }
            newlines = 0;
        }
        from = at + 1;
        if byte == b'\n' {
            newlines += 1;
            if open.is_some_and(|(mark, _, _)| !mark.strong()) {
                open = None;
            }
            continue;
        }
        if byte > b' ' {
            if newlines >= 2 {
                open = None;
            }
            newlines = 0;
        }
        if !matches!(byte, b'"' | b'\'' | 0xE2 | 0xC2) {
            continue;
        }
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            continue;
        };
        if !matches!(c, '"' | '\'' | '“' | '”' | '«' | '»' | '‘' | '’') {
            continue;
        }
        let prev = text.get(..at).and_then(|head| head.chars().next_back());
        let next = text
            .get(at + c.len_utf8()..)
            .and_then(|rest| rest.chars().next());
        if open.is_some_and(|(mark, start, _)| at - start > mark.max_bytes()) {
            open = None;
        }
        let after_space = prev.is_none_or(|p| p.is_whitespace() || is_opening_punct(p));
        let prev_space = prev.is_none_or(char::is_whitespace);
        let prev_alnum = prev.is_some_and(char::is_alphanumeric);
        let next_space = next.is_none_or(char::is_whitespace);
        let next_alnum = next.is_some_and(char::is_alphanumeric);
        let open_mark = open.map(|(mark, _, _)| mark);
        let start = |mark: Mark| Some((mark, at, c.len_utf8()));
        let mut close = |open: &mut Option<(Mark, usize, usize)>| {
            if let Some((_, start, len)) = open.take() {
                found.push(Marks {
                    open: start,
                    inner_start: start + len,
                    close: at,
                    outer_end: at + c.len_utf8(),
                });
            }
        };
        match c {
            '“' | '«' => {
                let mark = if c == '“' {
                    Mark::Curly
                } else {
                    Mark::Guillemet
                };
                match open_mark {
                    Some(current) if current.strong() && current != mark => {}
                    _ => open = start(mark),
                }
            }
            '”' if open_mark == Some(Mark::Curly) => close(&mut open),
            '»' if open_mark == Some(Mark::Guillemet) => close(&mut open),
            '"' => match open_mark {
                Some(Mark::Straight) => {
                    if prev_space && !next_space {
                        // An opening mark: the previous one was never closed.
                        open = start(Mark::Straight);
                    } else {
                        close(&mut open);
                    }
                }
                Some(current) if current.strong() => {}
                _ => {
                    if !next_space && !prev_alnum {
                        open = start(Mark::Straight);
                    }
                }
            },
            '‘' if open_mark.is_none_or(|mark| !mark.strong()) && !next_space => {
                open = start(Mark::SingleCurly);
            }
            '’' if open_mark == Some(Mark::SingleCurly) && !next_alnum && !prev_space => {
                close(&mut open);
            }
            '\'' => match open_mark {
                Some(Mark::SingleStraight) if !next_alnum && !prev_space => close(&mut open),
                None if after_space && next.is_some_and(char::is_alphabetic) => {
                    open = start(Mark::SingleStraight);
                }
                _ => {}
            },
            _ => {}
        }
    }
    found
}

/// Finds the quotations of `doc` and, where the text says, who spoke.
pub fn find_quotes(doc: &Doc, names: &Names) -> Vec<Quote> {
    let reader = Reader { doc, names };
    let mut quotes = Vec::new();
    // The previous kept quotation: its speaker, the sentence it ends in, where it ends.
    let mut previous: Option<(Option<String>, usize, usize)> = None;
    for marks in scan_marks(doc.text) {
        let Some(inner) = trim_inner(doc.text, marks.inner_start..marks.close) else {
            continue;
        };
        let content = doc.slice(inner.clone());
        let words = content
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphanumeric))
            .count();
        if words == 0 {
            continue;
        }
        let open_token = doc
            .tokens
            .partition_point(|token| token.range.start < marks.open);
        let close_token = doc
            .tokens
            .partition_point(|token| token.range.start < marks.close);
        let open_sentence = doc.tokens.get(open_token).map_or(0, |token| token.sentence);
        let close_sentence = doc
            .tokens
            .get(close_token)
            .map_or(open_sentence, |token| token.sentence);
        let mut speaker = reader
            .after(close_token + 1, close_sentence, marks.open)
            .or_else(|| reader.before(open_token, open_sentence, marks.open));
        if speaker.is_none() && words >= MIN_WORDS_UNATTRIBUTED {
            if let Some((previous_speaker, previous_sentence, previous_end)) = &previous {
                let gap = doc.slice(*previous_end..marks.open);
                if previous_speaker.is_some()
                    && open_sentence <= previous_sentence + 2
                    && !has_blank_line(gap)
                {
                    speaker = previous_speaker.clone().map(Found::Speaker);
                }
            }
            if speaker.is_none() {
                speaker = reader.previous_sentence(open_token, open_sentence, marks.open);
            }
        }
        let speaker = match speaker {
            Some(Found::Speaker(speaker)) => Some(speaker),
            Some(Found::Unknown) => None,
            None if words >= MIN_WORDS_UNATTRIBUTED => None,
            None => continue,
        };
        let range = doc.char_range(inner.clone());
        previous = Some((speaker.clone(), close_sentence, marks.outer_end));
        quotes.push(Quote {
            text: content.to_owned(),
            start: range.start,
            end: range.end,
            speaker,
        });
    }
    quotes
}

/// The quoted words without surrounding spaces or a trailing comma; `None` when empty.
fn trim_inner(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let slice = text.get(range.clone())?;
    let trimmed = slice.trim_start();
    let start = range.start + (slice.len() - trimmed.len());
    let trimmed = trimmed.trim_end().trim_end_matches(',').trim_end();
    let end = start + trimmed.len();
    (end > start).then_some(start..end)
}

fn has_blank_line(text: &str) -> bool {
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            if newlines >= 2 {
                return true;
            }
        } else if !c.is_whitespace() {
            newlines = 0;
        }
    }
    false
}

/// What an attribution gave.
enum Found {
    /// A speaker, as written (or the person a pronoun stands for).
    Speaker(String),
    /// An attribution whose speaker cannot be named (`they said`, `the statement said`).
    Unknown,
}

/// How a noun phrase reads as a speaker.
enum Reading {
    /// The phrase itself, or the issuer inside it, as a byte range.
    Range(Range<usize>),
    /// A pronoun (or a missing Spanish subject) that stands for the last person named.
    Person,
    /// A possessive (`their statement`) that stands for the last organization named.
    Organization,
    /// Nobody can be named.
    Unknown,
}

struct Reader<'d, 'a> {
    doc: &'d Doc<'a>,
    names: &'d Names,
}

impl Reader<'_, '_> {
    fn spanish(&self) -> bool {
        self.doc.language == Language::Es
    }

    /// The folded text of token `index` if it is a word or number in `sentence`.
    fn word(&self, index: usize, sentence: usize) -> Option<Cow<'_, str>> {
        let token = self.doc.tokens.get(index)?;
        if token.sentence != sentence || token.kind == TokenKind::Punct {
            return None;
        }
        // The document folded every token once (lowercase, no accents).
        Some(Cow::Borrowed(self.doc.folded(index)))
    }

    /// The punctuation character of token `index` if it is punctuation in `sentence`.
    fn punct(&self, index: usize, sentence: usize) -> Option<char> {
        let token = self.doc.tokens.get(index)?;
        if token.sentence != sentence || token.kind != TokenKind::Punct {
            return None;
        }
        self.doc.token_text(token).chars().next()
    }

    fn is_stop(&self, word: &str) -> bool {
        if self.spanish() {
            STOPS_ES.contains(&word)
        } else {
            STOPS_EN.contains(&word)
        }
    }

    /// Whether token `index` is a speech verb: lowercase, or first in its sentence.
    fn is_verb(&self, index: usize, sentence: usize) -> bool {
        let Some(word) = self.word(index, sentence) else {
            return false;
        };
        if !speech_verbs().contains(word.as_ref()) {
            return false;
        }
        let raw = self
            .doc
            .tokens
            .get(index)
            .map_or("", |token| self.doc.token_text(token));
        let lower = raw.chars().next().is_some_and(char::is_lowercase);
        lower || self.first_in_sentence(index)
    }

    fn first_in_sentence(&self, index: usize) -> bool {
        let Some(token) = self.doc.tokens.get(index) else {
            return false;
        };
        let mut before = index;
        while before > 0 {
            before -= 1;
            let Some(previous) = self.doc.tokens.get(before) else {
                break;
            };
            if previous.sentence != token.sentence {
                return true;
            }
            if previous.kind != TokenKind::Punct {
                return false;
            }
        }
        true
    }

    fn is_capitalized(&self, index: usize) -> bool {
        self.doc
            .tokens
            .get(index)
            .is_some_and(|token| crate::text::is_capitalized(self.doc.token_text(token)))
    }

    fn byte_range(&self, tokens: Range<usize>) -> Option<Range<usize>> {
        let first = self.doc.tokens.get(tokens.start)?;
        let last = self.doc.tokens.get(tokens.end.checked_sub(1)?)?;
        Some(first.range.start..last.range.end)
    }

    /// Attribution after a closing mark: `, X said`, `, said X`, `, dijo X`, `, according to X`.
    fn after(&self, from: usize, sentence: usize, quote_start: usize) -> Option<Found> {
        let mut at = from;
        let mut skipped = 0;
        while let Some(c) = self.punct(at, sentence) {
            if !matches!(c, ',' | '—' | '–' | '-') || skipped >= 2 {
                return None;
            }
            at += 1;
            skipped += 1;
        }
        let first = self.word(at, sentence)?;
        if first == "according" && self.word(at + 1, sentence).as_deref() == Some("to") {
            let np = self.np_forward(at + 2, sentence)?;
            return self.resolve(self.read_np(np, false), quote_start);
        }
        if first == "segun" {
            let np = self.np_forward(at + 1, sentence)?;
            return self.resolve(self.read_np(np, false), quote_start);
        }
        if self.is_verb(at, sentence) {
            let document_only = DOCUMENT_VERBS.contains(&first.as_ref());
            let subject = self.subject_after_verb(at + 1, sentence);
            return match subject {
                Some(np) => self.resolve(self.read_np(np, document_only), quote_start),
                None if self.spanish() && !document_only => {
                    self.resolve(Reading::Person, quote_start)
                }
                None => None,
            };
        }
        // `X said`: a subject, then the verb.
        let mut end = at;
        let mut verb_at = None;
        while end < at + MAX_NP_TOKENS {
            if self.is_verb(end, sentence) {
                break;
            }
            if end > at && self.punct(end, sentence) == Some(',') {
                // An appositive: `José Pérez, 54, told reporters`.
                let mut index = end + 1;
                while index < end + 16 && self.word(index, sentence).is_some() {
                    index += 1;
                }
                if self.punct(index, sentence) == Some(',') && self.is_verb(index + 1, sentence) {
                    verb_at = Some(index + 1);
                    if self.is_name(end + 1..index) {
                        let verb = self.word(index + 1, sentence)?;
                        return self.resolve(
                            self.read_np(end + 1..index, DOCUMENT_VERBS.contains(&verb.as_ref())),
                            quote_start,
                        );
                    }
                }
                break;
            }
            let word = self.word(end, sentence)?;
            if self.is_stop(&word) && !(end > at && self.continues_with_name(&word, end, sentence))
            {
                return None;
            }
            end += 1;
        }
        let verb_at = verb_at.unwrap_or(end);
        if !self.is_verb(verb_at, sentence) || end == at {
            return None;
        }
        let verb = self.word(verb_at, sentence)?;
        let np = self.strip_auxiliaries(at..end, sentence)?;
        self.resolve(
            self.read_np(np, DOCUMENT_VERBS.contains(&verb.as_ref())),
            quote_start,
        )
    }

    /// Attribution before an opening mark: `X said: "`, `X told reporters "`, `Afirmó X: «`,
    /// `según X, «`.
    fn before(&self, open: usize, sentence: usize, quote_start: usize) -> Option<Found> {
        let mut end = open;
        if end > 0
            && self
                .punct(end - 1, sentence)
                .is_some_and(|c| matches!(c, ':' | ','))
        {
            end -= 1;
        }
        // `según X, «…»`, `according to X, "…"`.
        let mut index = end;
        while index > 0 && end - index < MAX_NP_TOKENS {
            index -= 1;
            let Some(word) = self.word(index, sentence) else {
                break;
            };
            let according = word == "to"
                && index > 0
                && self.word(index - 1, sentence).as_deref() == Some("according");
            if word == "segun" || according {
                if index + 1 >= end {
                    return None;
                }
                return self.resolve(self.read_np(index + 1..end, false), quote_start);
            }
        }
        // The closest speech verb, with at most a short complement before the quotation.
        let mut verb = None;
        let mut index = end;
        while index > 0 && end - index < MAX_COMPLEMENT_TOKENS {
            index -= 1;
            if self.is_verb(index, sentence) {
                verb = Some(index);
                break;
            }
            match self.punct(index, sentence) {
                Some('/' | '\'' | '’' | '.') => continue,
                Some(_) => return None,
                None => {}
            }
            self.word(index, sentence)?;
        }
        let verb = verb?;
        let verb_word = self.word(verb, sentence)?;
        let document_only = DOCUMENT_VERBS.contains(&verb_word.as_ref());
        if let Some(np) = self.subject_before_verb(verb, sentence) {
            return self.resolve(self.read_np(np, document_only), quote_start);
        }
        if self.spanish() {
            // `Afirmó la activista: «…»`, or a verb without a subject: `Dijo: «…»`.
            return match self.subject_after_verb(verb + 1, sentence) {
                Some(np) if np.end <= end => {
                    self.resolve(self.read_np(np, document_only), quote_start)
                }
                _ if verb + 1 >= end || self.word(verb + 1, sentence).is_some() => {
                    self.resolve(Reading::Person, quote_start)
                }
                _ => None,
            };
        }
        None
    }

    /// The previous sentence's `X said`, for a quotation that opens its sentence.
    fn previous_sentence(&self, open: usize, sentence: usize, quote_start: usize) -> Option<Found> {
        if sentence == 0 || !self.first_in_sentence(open) {
            return None;
        }
        let previous = sentence - 1;
        let first = self
            .doc
            .tokens
            .partition_point(|token| token.sentence < previous);
        let mut index = first;
        while index < open && index < first + 40 {
            if self.is_verb(index, previous) {
                let np = self.subject_before_verb(index, previous)?;
                let word = self.word(index, previous)?;
                return self.resolve(
                    self.read_np(np, DOCUMENT_VERBS.contains(&word.as_ref())),
                    quote_start,
                );
            }
            index += 1;
        }
        None
    }

    /// Whether tokens `range` read as a proper name: every word capitalized (joiners such as
    /// `de` allowed inside), at least one word.
    fn is_name(&self, range: Range<usize>) -> bool {
        if range.is_empty() || range.len() > 6 {
            return false;
        }
        let mut words = 0;
        for index in range.clone() {
            let Some(token) = self.doc.tokens.get(index) else {
                return false;
            };
            let text = self.doc.token_text(token);
            if token.kind == TokenKind::Punct {
                return false;
            }
            if crate::text::is_capitalized(text) {
                words += 1;
            } else if !matches!(
                text,
                "de" | "del" | "la" | "van" | "von" | "da" | "dos" | "y"
            ) {
                return false;
            }
        }
        words > 0
            && self
                .doc
                .tokens
                .get(range.start)
                .is_some_and(|token| crate::text::is_capitalized(self.doc.token_text(token)))
    }

    /// Whether `and`/`y` at `index` joins two names (`said Maria and José`).
    fn continues_with_name(&self, word: &str, index: usize, sentence: usize) -> bool {
        matches!(word, "and" | "y" | "e")
            && self.word(index + 1, sentence).is_some()
            && self.is_capitalized(index + 1)
    }

    /// A noun phrase that starts at `from` and runs to punctuation, a stop word or a verb.
    fn np_forward(&self, from: usize, sentence: usize) -> Option<Range<usize>> {
        let mut end = from;
        while end < from + MAX_NP_TOKENS {
            let Some(word) = self.word(end, sentence) else {
                // A possessive mark or hyphen inside the phrase.
                if end > from
                    && self
                        .punct(end, sentence)
                        .is_some_and(|c| c == '’' || c == '\'')
                {
                    end += 1;
                    continue;
                }
                break;
            };
            if (self.is_stop(&word)
                && !(end > from && self.continues_with_name(&word, end, sentence)))
                || (end > from && self.is_verb(end, sentence))
            {
                break;
            }
            end += 1;
        }
        // `Sarah Whitfield of Kids in Need of Defense`: the person, not the organization.
        if end > from + 2 && self.is_name(from..from + 2) {
            for index in from + 2..end {
                let word = self.word(index, sentence).unwrap_or_default();
                if matches!(word.as_ref(), "of" | "from" | "with" | "at")
                    && self.is_name(from..index)
                {
                    return Some(from..index);
                }
            }
        }
        (end > from).then_some(from..end)
    }

    /// The subject after a verb: `said Maria López`, or in Spanish also after a short
    /// prepositional phrase: `señaló en un comunicado la organización`.
    fn subject_after_verb(&self, from: usize, sentence: usize) -> Option<Range<usize>> {
        let first = self.word(from, sentence)?;
        if self.spanish() && PREPOSITIONS_ES.contains(&first.as_ref()) {
            // Find a determiner or a name after a noun, within a few words.
            let mut index = from + 1;
            while index < from + 5 {
                let word = self.word(index, sentence)?;
                let previous = self.word(index - 1, sentence)?;
                let after_noun = !PREPOSITIONS_ES.contains(&previous.as_ref())
                    && !DETERMINERS_ES.contains(&previous.as_ref())
                    && !matches!(previous.as_ref(), "de" | "del");
                if after_noun
                    && (DETERMINERS_ES.contains(&word.as_ref()) || self.is_capitalized(index))
                {
                    return self.np_forward(index, sentence);
                }
                index += 1;
            }
            return None;
        }
        self.np_forward(from, sentence)
    }

    /// The subject before the verb at `verb`: back to punctuation, a stop word or the
    /// sentence's start; across one appositive (`María López, 34, said`).
    fn subject_before_verb(&self, verb: usize, sentence: usize) -> Option<Range<usize>> {
        let mut end = verb;
        if end > 0 && self.punct(end - 1, sentence) == Some(',') {
            // Skip an appositive back to the comma before it.
            let mut index = end - 1;
            let mut found = None;
            while index > 0 && end - index < 16 {
                index -= 1;
                match self.punct(index, sentence) {
                    Some(',') => {
                        found = Some(index);
                        break;
                    }
                    Some('.' | '-' | '\'' | '’') => {}
                    Some(_) => return None,
                    None => {
                        self.word(index, sentence)?;
                    }
                }
            }
            let comma = found?;
            // `A spokeswoman for ICE, Megan Holt, said`: the name rather than the role.
            if self.is_name(comma + 1..end - 1) {
                return Some(comma + 1..end - 1);
            }
            end = comma;
        }
        let mut start = end;
        while start > 0 && end - start < MAX_NP_TOKENS {
            let index = start - 1;
            let Some(word) = self.word(index, sentence) else {
                if self
                    .punct(index, sentence)
                    .is_some_and(|c| c == '’' || c == '\'')
                {
                    start -= 1;
                    continue;
                }
                break;
            };
            if (self.is_stop(&word) && !self.continues_with_name(&word, index, sentence))
                || self.is_verb(index, sentence)
            {
                break;
            }
            start -= 1;
        }
        // Leading lowercase stop words and trailing auxiliaries are not the subject.
        let np = self.strip_auxiliaries(start..end, sentence)?;
        (!np.is_empty()).then_some(np)
    }

    fn strip_auxiliaries(&self, mut np: Range<usize>, sentence: usize) -> Option<Range<usize>> {
        while np.end > np.start {
            let word = self.word(np.end - 1, sentence)?;
            if AUXILIARIES.contains(&word.as_ref()) {
                np.end -= 1;
            } else {
                break;
            }
        }
        (np.end > np.start).then_some(np)
    }

    /// How the noun phrase `np` (token range) reads as a speaker.
    fn read_np(&self, np: Range<usize>, document_only: bool) -> Reading {
        let words: Vec<String> = np
            .clone()
            .map(|index| {
                self.doc
                    .tokens
                    .get(index)
                    .map_or_else(String::new, |token| fold(self.doc.token_text(token)))
            })
            .collect();
        if words.len() == 1 {
            let word = words[0].as_str();
            if PERSON_PRONOUNS.contains(&word) {
                return Reading::Person;
            }
            if OTHER_PRONOUNS.contains(&word) {
                return Reading::Unknown;
            }
        }
        // A document: its issuer speaks.
        if let Some(noun) = words
            .iter()
            .position(|word| DOCUMENT_NOUNS.contains(&word.as_ref()))
        {
            let mut index = noun + 1;
            if words
                .get(index)
                .is_some_and(|word| ISSUED_WORDS.contains(&word.as_ref()))
            {
                index += 1;
            }
            if words
                .get(index)
                .is_some_and(|word| ISSUER_WORDS.contains(&word.as_ref()))
                && index + 1 < words.len()
            {
                return self.range_of(np.start + index + 1..np.end);
            }
            // `the group's statement`.
            if let Some(owner) = (0..noun)
                .find(|&index| words[index].ends_with("'s") || words[index].ends_with("’s"))
                && let Some(range) = self.byte_range(np.start..np.start + owner + 1)
            {
                let text = self.doc.slice(range.clone());
                let cut = if text.ends_with("’s") { 4 } else { 2 };
                let end = range.end.saturating_sub(cut).max(range.start);
                if end > range.start && self.doc.text.is_char_boundary(end) {
                    return Reading::Range(range.start..end);
                }
            }
            // `his declaration says`, `su carta dice`: the person the pronoun stands for.
            if noun > 0 && matches!(words[noun - 1].as_str(), "his" | "her" | "su" | "sus") {
                return Reading::Person;
            }
            // `their statement emphasized`, `its letter says`: the organization named last.
            if noun > 0 && matches!(words[noun - 1].as_str(), "their" | "its") {
                return Reading::Organization;
            }
            return Reading::Unknown;
        }
        if document_only {
            return Reading::Unknown;
        }
        self.range_of(np)
    }

    fn range_of(&self, np: Range<usize>) -> Reading {
        match self.byte_range(np) {
            Some(range) => Reading::Range(range),
            None => Reading::Unknown,
        }
    }

    /// For a definite description (`the lawyer`, `la religiosa`), the last person named before
    /// the quotation whose role (the mention's detail) has that noun.
    fn person_by_role(&self, description: &str, quote_start: usize) -> Option<String> {
        let mut words = description.split_whitespace();
        let article = fold(words.next()?);
        if !matches!(article.as_str(), "the" | "el" | "la" | "los" | "las") {
            return None;
        }
        let rest: Vec<&str> = words.collect();
        if rest.is_empty()
            || rest.len() > 2
            || rest
                .iter()
                .any(|word| !word.chars().next().is_some_and(char::is_lowercase))
        {
            return None;
        }
        let nouns: Vec<String> = rest.iter().map(|word| fold(word)).collect();
        let before = self.doc.char_offset(quote_start);
        self.names
            .persons
            .iter()
            .filter(|person| person.end <= before)
            .filter(|person| {
                person.detail.as_ref().is_some_and(|detail| {
                    let detail = fold(detail);
                    detail
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|word| nouns.iter().any(|noun| noun == word))
                })
            })
            .max_by_key(|person| person.end)
            .map(|person| person.text.clone())
    }

    fn resolve(&self, reading: Reading, quote_start: usize) -> Option<Found> {
        match reading {
            Reading::Range(range) => {
                let text = self.doc.slice(range).trim();
                if text.is_empty() {
                    Some(Found::Unknown)
                } else if let Some(person) = self.person_by_role(text, quote_start) {
                    Some(Found::Speaker(person))
                } else {
                    Some(Found::Speaker(text.to_owned()))
                }
            }
            Reading::Person => {
                let before = self.doc.char_offset(quote_start);
                let person = self
                    .names
                    .persons
                    .iter()
                    .filter(|person| person.end <= before)
                    .max_by_key(|person| person.end);
                Some(person.map_or(Found::Unknown, |person| Found::Speaker(person.text.clone())))
            }
            Reading::Organization => {
                let before = self.doc.char_offset(quote_start);
                let organization = self
                    .names
                    .organizations
                    .iter()
                    .filter(|organization| organization.end <= before)
                    .max_by_key(|organization| organization.end);
                Some(organization.map_or(Found::Unknown, |organization| {
                    Found::Speaker(organization.text.clone())
                }))
            }
            Reading::Unknown => Some(Found::Unknown),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Mention;

    fn quotes_in(text: &str, language: Language, names: &Names) -> Vec<(String, Option<String>)> {
        let doc = Doc::new(text, language);
        find_quotes(&doc, names)
            .into_iter()
            .map(|quote| (quote.text, quote.speaker))
            .collect()
    }

    fn speakers(text: &str, language: Language) -> Vec<(String, Option<String>)> {
        quotes_in(text, language, &Names::default())
    }

    fn person(text: &str, whole: &str) -> Mention {
        let byte = whole.find(text).unwrap_or(0);
        let start = whole[..byte].chars().count();
        Mention {
            text: text.to_owned(),
            start,
            end: start + text.chars().count(),
            confidence: 1.0,
            detail: None,
            matches: Vec::new(),
        }
    }

    fn pair(text: &str, speaker: Option<&str>) -> (String, Option<String>) {
        (text.to_owned(), speaker.map(str::to_owned))
    }

    #[test]
    fn english_attributions() {
        let table: &[(&str, &str, Option<&str>)] = &[
            (
                "\"We want them back,\" Maria López said.",
                "We want them back",
                Some("Maria López"),
            ),
            (
                "“They never saw a judge,” said a spokesperson for the families.",
                "They never saw a judge",
                Some("a spokesperson for the families"),
            ),
            (
                "Lawyers for the men told reporters: \"None of them had a hearing.\"",
                "None of them had a hearing.",
                Some("Lawyers for the men"),
            ),
            (
                "In a statement, the group said \"the transfers violate a court order.\"",
                "the transfers violate a court order.",
                Some("the group"),
            ),
            (
                "\"Our sons are not criminals,\" read a statement issued by the group.",
                "Our sons are not criminals",
                Some("the group"),
            ),
            (
                "\"Our sons are not criminals,\" the group's statement said.",
                "Our sons are not criminals",
                Some("the group"),
            ),
            (
                "Madres Unidas wrote on X/Twitter: \"We will not stop looking for them.\"",
                "We will not stop looking for them.",
                Some("Madres Unidas"),
            ),
            (
                "\"He was taken without any warning,\" according to his sister, Ana Ruiz.",
                "He was taken without any warning",
                Some("his sister"),
            ),
            (
                "The government said the men were \"members of a violent gang\" without evidence.",
                "members of a violent gang",
                Some("The government"),
            ),
            (
                "\"Nobody tells us anything,\" José Pérez, 54, told The Associated Press on Tuesday.",
                "Nobody tells us anything",
                Some("José Pérez"),
            ),
            (
                "José Pérez, whose son was deported, said: 'I just want to hear his voice.'",
                "I just want to hear his voice.",
                Some("José Pérez"),
            ),
        ];
        for (text, quote, speaker) in table {
            assert_eq!(
                speakers(text, Language::En),
                vec![pair(quote, *speaker)],
                "{text}"
            );
        }
    }

    #[test]
    fn spanish_attributions() {
        let table: &[(&str, &str, Option<&str>)] = &[
            (
                "«Queremos saber dónde están», dijo María López.",
                "Queremos saber dónde están",
                Some("María López"),
            ),
            (
                "La activista afirmó: «Nadie nos ha dado una respuesta».",
                "Nadie nos ha dado una respuesta",
                Some("La activista"),
            ),
            (
                "\"No sabemos nada de él desde marzo\", señaló su madre.",
                "No sabemos nada de él desde marzo",
                Some("su madre"),
            ),
            (
                "“Fueron enviados sin audiencia”, indicó en un comunicado la organización Cristosal.",
                "Fueron enviados sin audiencia",
                Some("la organización Cristosal"),
            ),
            (
                "Según la abogada Ana Ruiz, «ninguno de ellos vio a un juez».",
                "ninguno de ellos vio a un juez",
                Some("la abogada Ana Ruiz"),
            ),
            (
                "«Exigimos respuestas del consulado», denunció el colectivo en redes sociales.",
                "Exigimos respuestas del consulado",
                Some("el colectivo"),
            ),
            (
                "Declaró el fiscal: «Se abrirá una investigación sobre los traslados».",
                "Se abrirá una investigación sobre los traslados",
                Some("el fiscal"),
            ),
            (
                "«Fueron trasladados sin aviso a sus familias», según un comunicado de la Defensoría.",
                "Fueron trasladados sin aviso a sus familias",
                Some("la Defensoría"),
            ),
        ];
        for (text, quote, speaker) in table {
            assert_eq!(
                speakers(text, Language::Es),
                vec![pair(quote, *speaker)],
                "{text}"
            );
        }
    }

    #[test]
    fn nested_quotes_and_guillemets_keep_the_outer_quotation() {
        let text = "«Nos dijeron “son terroristas” y se los llevaron», relató Ana.";
        assert_eq!(
            speakers(text, Language::Es),
            vec![pair(
                "Nos dijeron “son terroristas” y se los llevaron",
                Some("Ana")
            )]
        );
    }

    #[test]
    fn their_statement_is_the_last_organization_named() {
        let text = "Maria López met lawyers from the Legal Aid Society on Monday. Their \
                    statement emphasized: \"The transfers must stop.\"";
        let names = Names {
            persons: vec![person("Maria López", text)],
            organizations: vec![person("Legal Aid Society", text)],
            ..Names::default()
        };
        assert_eq!(
            quotes_in(text, Language::En, &names),
            vec![pair("The transfers must stop.", Some("Legal Aid Society"))]
        );
        // With no organization named, nobody can be named.
        assert_eq!(
            speakers(text, Language::En),
            vec![pair("The transfers must stop.", None)]
        );
    }

    #[test]
    fn pronouns_resolve_to_the_last_person_named() {
        let text = "Maria López last heard from her son in March. \"We want them back,\" she said. \
                    Officials did not respond.";
        let names = Names {
            persons: vec![person("Maria López", text)],
            ..Names::default()
        };
        assert_eq!(
            quotes_in(text, Language::En, &names),
            vec![pair("We want them back", Some("Maria López"))]
        );
        // Without a person named, a pronoun gives no speaker but the quotation is kept.
        assert_eq!(
            speakers(text, Language::En),
            vec![pair("We want them back", None)]
        );

        let text = "Ana Ruiz busca a su hermano. «No sabemos si está vivo», dijo.";
        let names = Names {
            persons: vec![person("Ana Ruiz", text)],
            ..Names::default()
        };
        assert_eq!(
            quotes_in(text, Language::Es, &names),
            vec![pair("No sabemos si está vivo", Some("Ana Ruiz"))]
        );
    }

    #[test]
    fn roles_and_appositives_give_names() {
        let text = "La religiosa Guadalupe Treviño recibe a los deportados. «Llegan sin nada», contó la religiosa.";
        let mut treviño = person("Guadalupe Treviño", text);
        treviño.detail = Some("La religiosa".to_owned());
        let names = Names {
            persons: vec![treviño],
            ..Names::default()
        };
        assert_eq!(
            quotes_in(text, Language::Es, &names),
            vec![pair("Llegan sin nada", Some("Guadalupe Treviño"))]
        );
        assert_eq!(
            speakers(
                "A spokeswoman for ICE, Megan Holt, said he was being processed \"in accordance with the law.\"",
                Language::En
            ),
            vec![pair("in accordance with the law.", Some("Megan Holt"))]
        );
        assert_eq!(
            speakers(
                "\"A child spent weeks among adults,\" said Sarah Whitfield of Kids in Need of Defense.",
                Language::En
            ),
            vec![pair(
                "A child spent weeks among adults",
                Some("Sarah Whitfield")
            )]
        );
        assert_eq!(
            speakers(
                "«No me arrepiento de nada», declaró a su llegada al aeropuerto de Comalapa.",
                Language::Es
            ),
            vec![pair("No me arrepiento de nada", None)]
        );
    }

    #[test]
    fn continued_quotations_keep_their_speaker() {
        let text = "\"We looked everywhere,\" said Ana Ruiz. \"Nobody would tell us where he was.\"\n\n\
                    \"This is a second paragraph with no speaker at all.\"";
        assert_eq!(
            speakers(text, Language::En),
            vec![
                pair("We looked everywhere", Some("Ana Ruiz")),
                pair("Nobody would tell us where he was.", Some("Ana Ruiz")),
                pair("This is a second paragraph with no speaker at all.", None),
            ]
        );
        let text = "Ana Ruiz said her brother was sent away in March. \"We have heard nothing since then.\"";
        assert_eq!(
            speakers(text, Language::En),
            vec![pair("We have heard nothing since then.", Some("Ana Ruiz"))]
        );
    }

    #[test]
    fn short_quotes_need_a_speaker_and_apostrophes_are_not_quotes() {
        let text = "The men were labelled \"alien enemies\" under the act. It's the workers' \
                    union that didn't 'really' know. A 'rock 'n' roll' detention centre.";
        assert_eq!(speakers(text, Language::En), vec![]);
        let text = "\"Terrible,\" she said. Officials called it ‘a routine transfer of detainees’.";
        assert_eq!(
            speakers(text, Language::En),
            vec![
                pair("Terrible", None),
                pair("a routine transfer of detainees", None)
            ]
        );
    }

    #[test]
    fn offsets_are_characters() {
        let text = "Él dijo: «Llegó el camión».";
        let doc = Doc::new(text, Language::Es);
        let quotes = find_quotes(&doc, &Names::default());
        assert_eq!(quotes.len(), 1);
        let chars: Vec<char> = text.chars().collect();
        let quote = &quotes[0];
        let slice: String = chars[quote.start..quote.end].iter().collect();
        assert_eq!(slice, quote.text);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_quotes_without_panicking(text in "(\\PC|[\"'“”‘’«»,:—\n ]){0,300}") {
            for language in [Language::En, Language::Es] {
                let doc = Doc::new(&text, language);
                let names = Names {
                    persons: vec![Mention {
                        text: "X".to_owned(),
                        start: 0,
                        end: 1,
                        confidence: 1.0,
                        detail: None,
                        matches: Vec::new(),
                    }],
                    ..Names::default()
                };
                let count = text.chars().count();
                for quote in find_quotes(&doc, &names) {
                    proptest::prop_assert!(quote.start < quote.end && quote.end <= count);
                    let slice: String = text.chars().skip(quote.start).take(quote.end - quote.start).collect();
                    proptest::prop_assert_eq!(slice, quote.text);
                }
            }
        }
    }
}
