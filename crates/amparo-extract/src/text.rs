//! The text as every extractor sees it: sentences, tokens, character offsets, and folding for
//! accent- and case-insensitive comparison (each token folded once, when the [`Doc`] is built,
//! and read by every extractor).

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::Language;

/// Abbreviations after which a full stop does not end a sentence (compared folded, without the
/// stop).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "sra", "srta", "dra", "lic", "gen", "gov", "sen", "rep",
    "st", "jr", "no", "nos", "vs", "etc", "u.s", "u.n", "e.e.u.u", "ee.uu", "p.ej", "art", "inc",
    "corp", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "ene", "abr", "ago", "dic", "lt", "col", "capt", "sgt", "mt", "ft", "approx",
    "aprox", "núm", "pág", "dept", "depto", "av", "avda",
];

/// Bytes per entry of the index between character and byte offsets.
const BYTE_BLOCK: usize = 64;

/// How many characters start in `bytes`: eight bytes at a time, less the continuation bytes
/// (`0b10xx_xxxx`: the high bit set, the next one clear) among them.
fn count_char_starts(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut blocks = bytes.chunks_exact(8);
    let mut count = 0;
    for block in &mut blocks {
        let mut word = [0u8; 8];
        word.copy_from_slice(block);
        let word = u64::from_le_bytes(word);
        // Each byte's second-highest bit, shifted onto its highest.
        let continuations = word & !(word << 1) & HIGH_BITS;
        count += 8 - continuations.count_ones() as usize;
    }
    count
        + blocks
            .remainder()
            .iter()
            .filter(|&&byte| is_char_start(byte))
            .count()
}

/// Whether a byte of UTF-8 starts a character (is not a continuation byte).
fn is_char_start(byte: u8) -> bool {
    (byte as i8) >= -0x40
}

/// A set of bytes, to find the next of several bytes in one pass over a text (the bytes of
/// sentence ends, of quotation marks).
pub(crate) struct ByteSet([bool; 256]);

impl ByteSet {
    /// The set of `bytes`.
    pub(crate) const fn new(bytes: &[u8]) -> ByteSet {
        let mut set = [false; 256];
        let mut at = 0;
        while at < bytes.len() {
            set[bytes[at] as usize] = true;
            at += 1;
        }
        ByteSet(set)
    }

    /// Whether `byte` is in the set.
    pub(crate) fn contains(&self, byte: u8) -> bool {
        self.0[usize::from(byte)]
    }

    /// The position of the first byte of `haystack` in the set. Eight bytes are looked up at
    /// a time, and only a block with one is searched byte by byte.
    pub(crate) fn find(&self, haystack: &[u8]) -> Option<usize> {
        let mut blocks = haystack.chunks_exact(8);
        let mut offset = 0;
        for block in &mut blocks {
            if block
                .iter()
                .fold(false, |any, &byte| any | self.contains(byte))
            {
                return block
                    .iter()
                    .position(|&byte| self.contains(byte))
                    .map(|at| offset + at);
            }
            offset += 8;
        }
        blocks
            .remainder()
            .iter()
            .position(|&byte| self.contains(byte))
            .map(|at| offset + at)
    }
}

/// The bytes where a sentence may end: a line break, `.`, `!`, `?`, and the first byte of
/// `…` (0xE2).
const SENTENCE_END_BYTES: ByteSet = ByteSet::new(b"\n.!?\xE2");

/// ASCII digits, which continue a number without decoding.
const ASCII_DIGITS: ByteSet = ByteSet::new(b"0123456789");

/// ASCII letters and digits, which continue a word without decoding.
const ASCII_ALPHANUMERICS: ByteSet =
    ByteSet::new(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (with inner apostrophes, hyphens or full stops: `O'Brien`, `Pérez-Ruiz`, `U.S.`).
    Word,
    /// Digits, with inner `,` `.` or `:` (`1,200`, `22.5`, `10:30`).
    Number,
    /// Anything else that is not whitespace, one character per token.
    Punct,
}

/// One token: a byte range of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// What it is.
    pub kind: TokenKind,
    /// Index of the sentence it belongs to.
    pub sentence: usize,
}

/// A text prepared for extraction.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    /// The text.
    pub text: &'a str,
    /// The language it is read in.
    pub language: Language,
    /// Sentences as byte ranges, in order, covering every non-blank stretch.
    pub sentences: Vec<Range<usize>>,
    /// Tokens, in order.
    pub tokens: Vec<Token>,
    /// `chars_before[i]` is the number of characters that start before byte
    /// `i * BYTE_BLOCK`; empty when the text is ASCII, where bytes and characters coincide.
    chars_before: Vec<usize>,
    /// The number of characters of the text.
    n_chars: usize,
    /// The [`fold`] of every token, one after another.
    folded: String,
    /// What was worked out about each token as it was folded, one entry per token (one
    /// allocation and one push per token rather than one per fact).
    facts: Vec<TokenFacts>,
}

/// What [`Doc::new`] works out about one token.
#[derive(Clone, Copy, Debug)]
struct TokenFacts {
    /// Where the token's folded form ends in [`Doc::folded_text`] (it starts where the
    /// token before's ends).
    folded_end: usize,
    /// The word lists the folded form is in ([`crate::classes`]), looked up once, with
    /// [`crate::classes::PLAIN_WORD`] on the words that have neither a possessive nor a
    /// hyphen (0 for a document built without looking tokens up).
    classes: u32,
    /// The token's id among the words of the violation cues (from the same look-up), or
    /// [`crate::classes::NO_CUE_WORD`].
    cue_word: u32,
    /// The bytes of a possessive `'s`, `’s` or `'S` at its end (0 or 2 to 4; the folded
    /// form ends in as many), for [`Doc::folded_without_possessive`].
    possessive: u8,
    /// What the names' pass and the gazetteer's scan ask of its letters, worked out here
    /// while the token is at hand rather than in a pass of their own.
    shape: Shape,
}

/// What the names' pass and the gazetteer's scan ask of a token: its case and the cut that
/// makes its key ([`crate::gazetteer::token_key`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The bits below.
    bits: u8,
    /// The bytes [`crate::gazetteer::strip_possessive`] cuts from the token (its folded form
    /// ends in as many); the rest is its stem.
    pub key_cut: u8,
}

impl Shape {
    /// The token's first character is lowercase.
    const LOWERCASE_START: u8 = 1;
    /// The stem's first character is uppercase.
    const CAPITALIZED: u8 = 1 << 1;
    /// The stem has two letters or more, all capitals ("ICE", "U.S.").
    const ACRONYM: u8 = 1 << 2;
    /// The key (the folded stem) has a curly apostrophe, made straight in the key.
    const CURLY_KEY: u8 = 1 << 3;
    /// The key has a letter.
    const KEY_HAS_LETTER: u8 = 1 << 4;
    /// The key has one character or none.
    const KEY_ONE_CHAR: u8 = 1 << 5;

    /// The shape of an ASCII token.
    fn of_ascii(raw: &str) -> Shape {
        let key_cut = possessive_cut(raw);
        // The key is the stem in lowercase: the same letters, one byte each.
        let stem = &raw.as_bytes()[..raw.len() - key_cut];
        let mut bits = 0;
        if stem.len() <= 1 {
            bits |= Shape::KEY_ONE_CHAR;
        }
        match stem.first() {
            // Most words: lowercase, so neither capitalized nor an acronym.
            Some(first) if first.is_ascii_lowercase() => {
                bits |= Shape::LOWERCASE_START | Shape::KEY_HAS_LETTER;
            }
            _ => {
                if stem.first().is_some_and(u8::is_ascii_uppercase) {
                    bits |= Shape::CAPITALIZED;
                }
                if is_ascii_acronym(stem) {
                    bits |= Shape::ACRONYM;
                }
                if stem.iter().any(u8::is_ascii_alphabetic) {
                    bits |= Shape::KEY_HAS_LETTER;
                }
            }
        }
        Shape {
            bits,
            key_cut: key_cut as u8,
        }
    }

    /// The shape of a token `raw` (not all ASCII) whose folded form is `folded`.
    fn of_unicode(raw: &str, folded: &str) -> Shape {
        let key_cut = possessive_cut(raw);
        let stem = &raw[..raw.len() - key_cut];
        let key = folded
            .get(..folded.len().saturating_sub(key_cut))
            .unwrap_or("");
        let flags = [
            (
                raw.chars().next().is_some_and(char::is_lowercase),
                Shape::LOWERCASE_START,
            ),
            (
                stem.chars().next().is_some_and(char::is_uppercase),
                Shape::CAPITALIZED,
            ),
            (is_acronym(stem), Shape::ACRONYM),
            (key.contains('’'), Shape::CURLY_KEY),
            (key.chars().any(char::is_alphabetic), Shape::KEY_HAS_LETTER),
            (key.chars().nth(1).is_none(), Shape::KEY_ONE_CHAR),
        ];
        let bits = flags
            .into_iter()
            .filter(|(set, _)| *set)
            .fold(0, |bits, (_, bit)| bits | bit);
        Shape {
            bits,
            key_cut: key_cut as u8,
        }
    }

    /// The token's first character is lowercase.
    pub(crate) fn lowercase_start(self) -> bool {
        self.bits & Shape::LOWERCASE_START != 0
    }

    /// The stem's first character is uppercase.
    pub(crate) fn capitalized(self) -> bool {
        self.bits & Shape::CAPITALIZED != 0
    }

    /// The stem has two letters or more, all capitals.
    pub(crate) fn acronym(self) -> bool {
        self.bits & Shape::ACRONYM != 0
    }

    /// The key has a curly apostrophe (made straight in the key).
    pub(crate) fn curly_key(self) -> bool {
        self.bits & Shape::CURLY_KEY != 0
    }

    /// The key has a letter.
    pub(crate) fn key_has_letter(self) -> bool {
        self.bits & Shape::KEY_HAS_LETTER != 0
    }

    /// The key has one character or none.
    pub(crate) fn key_one_char(self) -> bool {
        self.bits & Shape::KEY_ONE_CHAR != 0
    }
}

/// Two letters or more, all capitals ("ICE", "U.S.").
fn is_acronym(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
    }
    letters >= 2
}

/// The bytes [`crate::gazetteer::strip_possessive`] cuts from `raw`.
fn possessive_cut(raw: &str) -> usize {
    // Most words end in another letter: one byte tells.
    if !matches!(raw.as_bytes().last(), Some(b's' | b'S')) {
        return 0;
    }
    raw.len() - crate::gazetteer::strip_possessive(raw).len()
}

/// [`is_acronym`] of ASCII bytes.
fn is_ascii_acronym(bytes: &[u8]) -> bool {
    let mut letters = 0;
    for byte in bytes {
        if byte.is_ascii_lowercase() {
            return false;
        }
        letters += usize::from(byte.is_ascii_uppercase());
    }
    letters >= 2
}

impl<'a> Doc<'a> {
    /// Splits `text` into sentences and tokens.
    pub fn new(text: &'a str, language: Language) -> Doc<'a> {
        Doc::build(text, language, true)
    }

    /// Splits `text` into sentences and tokens, without looking the tokens up in the word
    /// lists ([`Doc::classes`] is then 0 everywhere): for the phrases the lists themselves
    /// are built from, and for names, whose tokens are compared by their keys alone.
    pub(crate) fn without_classes(text: &'a str, language: Language) -> Doc<'a> {
        Doc::build(text, language, false)
    }

    fn build(text: &'a str, language: Language, look_up: bool) -> Doc<'a> {
        let (chars_before, n_chars) = if text.is_ascii() {
            (Vec::new(), text.len())
        } else {
            let mut chars_before = Vec::with_capacity(text.len() / BYTE_BLOCK + 1);
            let mut n_chars = 0;
            for block in text.as_bytes().chunks(BYTE_BLOCK) {
                chars_before.push(n_chars);
                n_chars += count_char_starts(block);
            }
            (chars_before, n_chars)
        };
        let sentences = split_sentences(text);
        // About one token in five bytes of news text.
        let mut tokens = Vec::with_capacity(text.len() / 4);
        for (index, sentence) in sentences.iter().enumerate() {
            tokenize(text, sentence.clone(), index, &mut tokens);
        }
        let mut folded = String::with_capacity(text.len());
        let mut facts = Vec::with_capacity(tokens.len());
        for token in &tokens {
            let start = folded.len();
            let raw = &text[token.range.clone()];
            let possessive = possessive_bytes(raw);
            // Most tokens are ASCII: folded here, without a call.
            let ascii = raw.is_ascii();
            if ascii {
                folded.push_str(raw);
                folded[start..].make_ascii_lowercase();
            } else {
                fold_into(raw, &mut folded);
            }
            let shape = if ascii {
                Shape::of_ascii(raw)
            } else {
                Shape::of_unicode(raw, &folded[start..])
            };
            let (classes, cue_word) = if !look_up {
                (0, crate::classes::NO_CUE_WORD)
            } else if let (TokenKind::Punct, &[byte]) = (token.kind, raw.as_bytes()) {
                // A mark is in no word list; only the violation cues have a few.
                (0, crate::classes::ascii_mark_cue_word(byte))
            } else {
                let word = &folded[start..];
                let entry = crate::classes::entry(word);
                let classes = match token.kind {
                    TokenKind::Word
                        if possessive == 0 && !word.bytes().any(|byte| byte == b'-') =>
                    {
                        entry.bits | crate::classes::PLAIN_WORD
                    }
                    TokenKind::Word => entry.bits,
                    TokenKind::Number | TokenKind::Punct => 0,
                };
                // A token has no spaces; only a rare folded form must be cleaned to be
                // compared.
                let cue_word = if ascii {
                    entry.cue_word
                } else {
                    crate::violations::cue_word_of(word, entry)
                };
                (classes, cue_word)
            };
            facts.push(TokenFacts {
                folded_end: folded.len(),
                classes,
                cue_word,
                possessive,
                shape,
            });
        }
        Doc {
            text,
            language,
            sentences,
            tokens,
            chars_before,
            n_chars,
            folded,
            facts,
        }
    }

    /// Token `index`'s [`Shape`] (the default past the end).
    pub(crate) fn shape(&self, index: usize) -> Shape {
        self.facts
            .get(index)
            .map_or_else(Shape::default, |facts| facts.shape)
    }

    /// Token `index`'s id among the words of the violation cues, `None` when it is in none
    /// (or past the end).
    pub(crate) fn cue_word(&self, index: usize) -> Option<u32> {
        self.facts
            .get(index)
            .map(|facts| facts.cue_word)
            .filter(|&id| id != crate::classes::NO_CUE_WORD)
    }

    /// The [`fold`] of token `index` without a possessive `'s` ("Tuesday's" → "tuesday"),
    /// `""` past the end: what the date and count scanners compare.
    pub(crate) fn folded_without_possessive(&self, index: usize) -> &str {
        let range = self.folded_range(index);
        let cut = self
            .facts
            .get(index)
            .map_or(0, |facts| usize::from(facts.possessive));
        let end = range.end.saturating_sub(cut).max(range.start);
        self.folded.get(range.start..end).unwrap_or("")
    }

    /// The word lists token `index`'s folded form is in, as the bits of [`crate::classes`]
    /// (0 for a number, punctuation, a word in no list, or past the end).
    pub(crate) fn classes(&self, index: usize) -> u32 {
        self.facts.get(index).map_or(0, |facts| facts.classes)
    }

    /// The [`fold`] of token `index`'s text (`""` past the end), computed once for all
    /// extractors.
    pub fn folded(&self, index: usize) -> &str {
        self.folded.get(self.folded_range(index)).unwrap_or("")
    }

    /// Where token `index`'s folded form is in [`Doc::folded_text`] (empty past the end).
    pub fn folded_range(&self, index: usize) -> Range<usize> {
        let Some(facts) = self.facts.get(index) else {
            return 0..0;
        };
        let start = index
            .checked_sub(1)
            .map_or(0, |before| self.facts[before].folded_end);
        start..facts.folded_end
    }

    /// The folded forms of all tokens, one after another (see [`Doc::folded_range`]).
    pub fn folded_text(&self) -> &str {
        &self.folded
    }

    /// The character offset of byte offset `byte` (which must be on a character boundary; a
    /// byte inside a character gives that character's offset).
    pub fn char_offset(&self, byte: usize) -> usize {
        if self.chars_before.is_empty() {
            return byte.min(self.text.len());
        }
        if byte >= self.text.len() {
            return self.n_chars;
        }
        // The characters started before `byte`'s block, and in it up to `byte` included, less
        // the one `byte` is in.
        let block = byte / BYTE_BLOCK;
        let before = self.chars_before.get(block).copied().unwrap_or(0);
        let started = count_char_starts(&self.text.as_bytes()[block * BYTE_BLOCK..=byte]);
        (before + started).saturating_sub(1)
    }

    /// The byte offset of character offset `chars`.
    pub fn byte_offset(&self, chars: usize) -> usize {
        if self.chars_before.is_empty() {
            return chars.min(self.text.len());
        }
        if chars >= self.n_chars {
            return self.text.len();
        }
        // The last block starting at or before the character, then its characters.
        let block = self
            .chars_before
            .partition_point(|&before| before <= chars)
            .saturating_sub(1);
        let mut left = chars - self.chars_before.get(block).copied().unwrap_or(0);
        let from = block * BYTE_BLOCK;
        for (at, &byte) in self.text.as_bytes()[from..].iter().enumerate() {
            if is_char_start(byte) {
                if left == 0 {
                    return from + at;
                }
                left -= 1;
            }
        }
        self.text.len()
    }

    /// A byte range as a character range.
    pub fn char_range(&self, bytes: Range<usize>) -> Range<usize> {
        self.char_offset(bytes.start)..self.char_offset(bytes.end)
    }

    /// The text of a byte range.
    pub fn slice(&self, bytes: Range<usize>) -> &'a str {
        self.text.get(bytes).unwrap_or("")
    }

    /// The text of a token.
    pub fn token_text(&self, token: &Token) -> &'a str {
        self.slice(token.range.clone())
    }

    /// The sentence (as text) that contains byte offset `byte`.
    pub fn sentence_at(&self, byte: usize) -> &'a str {
        self.sentences
            .iter()
            .find(|sentence| sentence.contains(&byte) || sentence.end == byte)
            .map_or("", |sentence| self.slice(sentence.clone()))
    }
}

/// The bytes of a possessive `'s`, `’s` or `'S` ending a token, when something is left
/// before it ("Tuesday's" → 2); 0 otherwise.
fn possessive_bytes(raw: &str) -> u8 {
    // Most tokens end in another letter: one byte tells.
    if !matches!(raw.as_bytes().last(), Some(b's' | b'S')) {
        return 0;
    }
    let stem = raw
        .strip_suffix("'s")
        .or_else(|| raw.strip_suffix("’s"))
        .or_else(|| raw.strip_suffix("'S"))
        .filter(|stem| !stem.is_empty());
    stem.map_or(0, |stem| (raw.len() - stem.len()) as u8)
}

/// Lowercase, without accents or other combining marks, NFKC: `José PÉREZ` → `jose perez`.
/// `ñ` is kept as `ñ`'s base letter `n` too: compare folded forms only with folded forms.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Appends [`fold`] of `text` to `out`.
pub fn fold_into(text: &str, out: &mut String) {
    let before = out.len();
    if text.is_ascii() {
        out.push_str(text);
        out[before..].make_ascii_lowercase();
        return;
    }
    // Latin letters with accents (most of Spanish) fold through a table; anything else goes
    // through Unicode decomposition, as the whole text then.
    for c in text.chars() {
        match fold_latin(c) {
            Some(folded) => out.push(folded),
            None => {
                out.truncate(before);
                out.extend(
                    text.nfkd()
                        .filter(|c| !is_combining_mark(*c))
                        .flat_map(char::to_lowercase),
                );
                return;
            }
        }
    }
}

/// The folded form of an ASCII character, a Latin-1 letter or a curly apostrophe or quote,
/// which is one character; `None` for anything else (folded by decomposition).
fn fold_latin(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    Some(match c {
        'À'..='Å' | 'à'..='å' => 'a',
        'Ç' | 'ç' => 'c',
        'È'..='Ë' | 'è'..='ë' => 'e',
        'Ì'..='Ï' | 'ì'..='ï' => 'i',
        'Ñ' | 'ñ' => 'n',
        'Ò'..='Ö' | 'ò'..='ö' => 'o',
        'Ù'..='Ü' | 'ù'..='ü' => 'u',
        'Ý' | 'ý' | 'ÿ' => 'y',
        '‘' | '’' | '“' | '”' | '«' | '»' | '¿' | '¡' | '—' | '–' => c,
        _ => return None,
    })
}

/// Whether a word starts with an uppercase letter.
pub fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The character starting at byte `at` of `text` (which must be on a character boundary),
/// `None` at the end: an ASCII byte is its character, without decoding.
fn char_at(text: &str, at: usize) -> Option<char> {
    match text.as_bytes().get(at) {
        Some(&byte) if byte.is_ascii() => Some(char::from(byte)),
        Some(_) => text.get(at..).and_then(|rest| rest.chars().next()),
        None => None,
    }
}

/// Appends the tokens of `range` to `tokens`.
fn tokenize(text: &str, range: Range<usize>, sentence: usize, tokens: &mut Vec<Token>) {
    let slice = &text[range.clone()];
    let bytes = slice.as_bytes();
    let mut position = 0;
    while let Some(&byte) = bytes.get(position) {
        // Most whitespace is a space or a line break: skipped without decoding.
        if matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
            position += 1;
            continue;
        }
        let Some(c) = char_at(slice, position) else {
            break;
        };
        let start = position;
        position += c.len_utf8();
        if c.is_whitespace() {
            continue;
        }
        if !is_word_char(c) {
            tokens.push(Token {
                range: range.start + start..range.start + position,
                kind: TokenKind::Punct,
                sentence,
            });
            continue;
        }
        let numeric = c.is_ascii_digit();
        let run = if numeric {
            &ASCII_DIGITS
        } else {
            &ASCII_ALPHANUMERICS
        };
        let mut end = position;
        loop {
            // Most words are ASCII letters or digits: no decoding for those.
            let rest = bytes.get(end..).unwrap_or_default();
            end += rest
                .iter()
                .position(|&byte| !run.contains(byte))
                .unwrap_or(rest.len());
            let at = end;
            let Some(next) = char_at(slice, at) else {
                break;
            };
            if is_word_char(next) && (numeric == next.is_ascii_digit() || !numeric) {
                end = at + next.len_utf8();
                continue;
            }
            // Joiners inside a word or number: O'Brien, Pérez-Ruiz, U.S., 1,200, 10:30.
            let joins = if numeric {
                matches!(next, ',' | '.' | ':')
            } else {
                matches!(next, '\'' | '’' | '-' | '.')
            };
            if joins {
                let after = char_at(slice, at + next.len_utf8());
                let continues = match after {
                    Some(after) if numeric => after.is_ascii_digit(),
                    Some(after) => {
                        is_word_char(after)
                            && (next != '.' || is_initialism(&slice[start..at], after))
                    }
                    None => false,
                };
                if continues {
                    end = at + next.len_utf8();
                    continue;
                }
                // The full stop of an initialism ends it: "U.S." keeps its last stop.
                if next == '.' && !numeric && is_initialism(&slice[start..at], 'A') {
                    end = at + 1;
                }
            }
            break;
        }
        position = end;
        let kind = if numeric && slice[start..end].chars().all(|c| !c.is_alphabetic()) {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
        tokens.push(Token {
            range: range.start + start..range.start + end,
            kind,
            sentence,
        });
    }
}

/// Whether `so_far` (letters and stops) followed by `.` and `next` reads as an initialism
/// ("U.S", "E.E.U.U"): single letters separated by stops.
fn is_initialism(so_far: &str, next: char) -> bool {
    next.is_alphabetic()
        && so_far
            .split('.')
            .all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic))
}

/// Sentences as byte ranges: ended by `.`, `!`, `?` or `…` (with closing quotes and brackets)
/// before whitespace and a capital, digit, quote or opening mark, or by a blank line; not
/// after a known abbreviation or a single capital initial.
fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut word_buffer = String::new();
    let bytes = text.as_bytes();
    let mut start = None;
    // Where to look next, always on a character boundary.
    let mut position = 0;
    loop {
        let begin = match start {
            Some(begin) => begin,
            None => {
                let Some((skipped, _)) = text[position..]
                    .char_indices()
                    .find(|(_, c)| !c.is_whitespace())
                else {
                    break;
                };
                position += skipped;
                start = Some(position);
                position
            }
        };
        // The next line break or stop (`…` starts with 0xE2).
        let Some(found) = SENTENCE_END_BYTES.find(&bytes[position..]) else {
            break;
        };
        let at = position + found;
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        position = at + c.len_utf8();
        // A blank line ends a sentence.
        if c == '\n' {
            let rest = &text[at + 1..];
            let blank = rest
                .chars()
                .take_while(|c| *c != '\n')
                .all(char::is_whitespace)
                && rest.contains('\n');
            if blank || rest.trim().is_empty() {
                push_trimmed(text, begin..at, &mut sentences);
                start = None;
                continue;
            }
        }
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Take closing quotes and brackets with the stop.
        let mut end = at + c.len_utf8();
        while let Some(next) = text[end..].chars().next() {
            if matches!(
                next,
                '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '.' | '!' | '?'
            ) {
                end += next.len_utf8();
            } else {
                break;
            }
        }
        position = end;
        let after = &text[end..];
        let Some(first) = after.chars().next() else {
            continue;
        };
        if !first.is_whitespace() {
            continue;
        }
        let next_visible = after.trim_start().chars().next();
        let opens = next_visible.is_some_and(|next| {
            next.is_uppercase()
                || next.is_ascii_digit()
                || matches!(
                    next,
                    '"' | '“' | '«' | '¿' | '¡' | '(' | '\'' | '‘' | '—' | '-'
                )
        });
        if !opens {
            continue;
        }
        if c == '.' {
            let word_start = text[..at]
                .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
                .map_or(begin, |space| {
                    space + text[space..].chars().next().map_or(1, char::len_utf8)
                })
                .max(begin);
            // One buffer for every stop's word, not a string each.
            word_buffer.clear();
            fold_into(&text[word_start..at], &mut word_buffer);
            let word = word_buffer.trim_end_matches('.');
            let initial = word.chars().count() == 1
                && text[word_start..at]
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase);
            if initial || ABBREVIATIONS.contains(&word) {
                continue;
            }
        }
        push_trimmed(text, begin..end, &mut sentences);
        start = None;
    }
    if let Some(begin) = start {
        push_trimmed(text, begin..text.len(), &mut sentences);
    }
    sentences
}

fn push_trimmed(text: &str, range: Range<usize>, sentences: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let trimmed_start = slice.len() - slice.trim_start().len();
    let trimmed_end = slice.trim_end().len();
    if trimmed_end > trimmed_start {
        sentences.push(range.start + trimmed_start..range.start + trimmed_end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let doc = Doc::new(text, Language::En);
        doc.sentences
            .iter()
            .map(|range| &text[range.clone()])
            .collect()
    }

    fn words(text: &str) -> Vec<&str> {
        let doc = Doc::new(text, Language::En);
        doc.tokens
            .iter()
            .map(|token| doc.token_text(token))
            .collect()
    }

    #[test]
    fn sentences_end_at_stops_but_not_after_abbreviations_or_initials() {
        assert_eq!(
            sentences(
                "U.S. Federal Judge James E. Boasberg ruled. The men were sent to El Salvador on March 15. \"We want them back,\" she said."
            ),
            vec![
                "U.S. Federal Judge James E. Boasberg ruled.",
                "The men were sent to El Salvador on March 15.",
                "\"We want them back,\" she said."
            ]
        );
        assert_eq!(
            sentences("El Sr. Pérez habló. ¿Dónde están? Nadie sabe.\n\nOtro párrafo"),
            vec![
                "El Sr. Pérez habló.",
                "¿Dónde están?",
                "Nadie sabe.",
                "Otro párrafo"
            ]
        );
    }

    #[test]
    fn tokens_keep_names_numbers_and_initialisms_whole() {
        assert_eq!(
            words("O'Brien, Pérez-Ruiz and the U.S. paid $1,200.50 at 10:30."),
            vec![
                "O'Brien",
                ",",
                "Pérez-Ruiz",
                "and",
                "the",
                "U.S.",
                "paid",
                "$",
                "1,200.50",
                "at",
                "10:30",
                "."
            ]
        );
    }

    #[test]
    fn offsets_map_between_bytes_and_characters() {
        let doc = Doc::new("José llegó a Ñuñoa.", Language::Es);
        let start = doc.text.find("Ñuñoa").unwrap();
        assert_eq!(doc.char_offset(start), 13);
        assert_eq!(doc.byte_offset(13), start);
        assert_eq!(doc.char_range(start..start + "Ñuñoa".len()), 13..18);
    }

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("José Gregorio PÉREZ"), "jose gregorio perez");
        assert_eq!(fold("Ñuñoa"), "nunoa");
    }

    #[test]
    fn the_folding_table_agrees_with_decomposition() {
        let slow = |text: &str| -> String {
            text.nfkd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .collect()
        };
        for code in 0..0x3000u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let text = format!("A{c}b");
            assert_eq!(fold(&text), slow(&text), "U+{code:04X}");
        }
        assert_eq!(fold("Ⅻ Ǆ İ ﬁ"), slow("Ⅻ Ǆ İ ﬁ"));
    }

    #[test]
    fn byte_sets_find_the_first_of_their_bytes() {
        let set = ByteSet::new(b".!?");
        assert_eq!(set.find(b""), None);
        assert_eq!(set.find(b"no stop here"), None);
        assert_eq!(set.find(b"one. two!"), Some(3));
        assert_eq!(set.find(b"a long sentence without stops, then?"), Some(35));
        assert_eq!(set.find(b"!"), Some(0));
    }

    proptest::proptest! {
        #[test]
        fn byte_sets_agree_with_a_plain_search(text in "[a-z .!?\n]{0,40}") {
            let set = ByteSet::new(b"\n.!?");
            let expected = text.bytes().position(|b| matches!(b, b'\n' | b'.' | b'!' | b'?'));
            proptest::prop_assert_eq!(set.find(text.as_bytes()), expected);
        }

        #[test]
        fn offsets_agree_with_counting_characters(text in "[a-zé ñ€😀]{0,300}") {
            let doc = Doc::new(&text, Language::Es);
            let starts: Vec<usize> = text
                .char_indices()
                .map(|(at, _)| at)
                .chain(std::iter::once(text.len()))
                .collect();
            for byte in 0..=text.len() + 1 {
                let expected = match starts.binary_search(&byte) {
                    Ok(index) => index,
                    Err(index) => index.saturating_sub(1),
                };
                proptest::prop_assert_eq!(doc.char_offset(byte), expected);
            }
            for chars in 0..starts.len() + 1 {
                let expected = starts.get(chars).copied().unwrap_or(text.len());
                proptest::prop_assert_eq!(doc.byte_offset(chars), expected);
            }
        }

        #[test]
        fn any_text_splits_without_panicking(text in "\\PC{0,200}") {
            let doc = Doc::new(&text, Language::En);
            for token in &doc.tokens {
                proptest::prop_assert!(text.is_char_boundary(token.range.start));
                proptest::prop_assert!(text.is_char_boundary(token.range.end));
            }
            for sentence in &doc.sentences {
                proptest::prop_assert!(sentence.start < sentence.end);
            }
        }
    }
}
