//! What the date and count scanners share: the tokens of a [`Doc`] folded once for comparison,
//! and numbers written in digits or in words ("1,200", "1.200", "three", "veintidós",
//! "two hundred and fifty", "treinta y cinco", "1.5 million", "10 mil").

use std::ops::Range;

use crate::Language;
use crate::text::{Doc, TokenKind};

/// The tokens of a document with their folded forms (lowercase, no accents, without a
/// possessive `'s`), read from the folding [`Doc::new`] did once (and the possessive it
/// measured then: nothing is built per token here).
pub(crate) struct Words<'d, 'a> {
    /// The document.
    pub doc: &'d Doc<'a>,
}

impl<'d, 'a> Words<'d, 'a> {
    /// The folded forms of every token of `doc`.
    pub fn new(doc: &'d Doc<'a>) -> Words<'d, 'a> {
        Words { doc }
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.doc.tokens.len()
    }

    /// The folded form of token `i` without a possessive `'s` ("Tuesday's" → "tuesday"), or
    /// `""` past the end.
    pub fn get(&self, i: usize) -> &'d str {
        self.doc.folded_without_possessive(i)
    }

    /// The token's text as written, or `""` past the end.
    pub fn raw(&self, i: usize) -> &'a str {
        self.doc
            .tokens
            .get(i)
            .map_or("", |token| self.doc.token_text(token))
    }

    /// The token's kind, if there is a token `i`.
    pub fn kind(&self, i: usize) -> Option<TokenKind> {
        self.doc.tokens.get(i).map(|token| token.kind)
    }

    /// Whether token `i` is a word.
    pub fn is_word(&self, i: usize) -> bool {
        self.kind(i) == Some(TokenKind::Word)
    }

    /// Whether token `i` is a number.
    pub fn is_number(&self, i: usize) -> bool {
        self.kind(i) == Some(TokenKind::Number)
    }

    /// Whether tokens `i` and `j` are in the same sentence (false when either does not exist).
    pub fn same_sentence(&self, i: usize, j: usize) -> bool {
        match (self.doc.tokens.get(i), self.doc.tokens.get(j)) {
            (Some(a), Some(b)) => a.sentence == b.sentence,
            _ => false,
        }
    }

    /// Whether token `j` follows token `i` with no space between them.
    pub fn adjacent(&self, i: usize, j: usize) -> bool {
        match (self.doc.tokens.get(i), self.doc.tokens.get(j)) {
            (Some(a), Some(b)) => a.range.end == b.range.start,
            _ => false,
        }
    }

    /// Whether token `i` starts with an uppercase letter.
    pub fn capitalized(&self, i: usize) -> bool {
        crate::text::is_capitalized(self.raw(i))
    }

    /// The byte range from the start of token `first` to the end of token `last`
    /// (inclusive).
    pub fn bytes(&self, first: usize, last: usize) -> Range<usize> {
        let start = self
            .doc
            .tokens
            .get(first)
            .map_or(0, |token| token.range.start);
        let end = self
            .doc
            .tokens
            .get(last)
            .map_or(start, |token| token.range.end)
            .max(start);
        start..end
    }

    /// Whether token `i`, folded and without its possessive, is in `lexicon`, whose words
    /// are those of `class` in [`crate::classes`]: read from the look-up [`Doc::new`] made
    /// when the form is the whole folded token, else looked up in `lexicon`.
    pub fn in_class(&self, i: usize, class: u32, lexicon: &Lexicon) -> bool {
        let word = self.get(i);
        if word.len() == self.doc.folded(i).len() {
            self.doc.classes(i) & class != 0
        } else {
            lexicon.contains(word)
        }
    }

    /// For a plain word ([`crate::classes::PLAIN_WORD`]: no possessive, no hyphen), whether
    /// it is in `class`; `None` for any other token, which the caller reads word by word.
    /// A plain word is compared as it folds, and starts a number in words only if listed.
    pub fn plain_in_class(&self, i: usize, class: u32) -> Option<bool> {
        let classes = self.doc.classes(i);
        (classes & crate::classes::PLAIN_WORD != 0).then_some(classes & class != 0)
    }

    /// The language the document is read in.
    pub fn language(&self) -> Language {
        self.doc.language
    }
}

/// A set of folded words, looked up once per token to skip tokens nothing can start at.
/// Hashed with [`FxHasher`](crate::gazetteer::fx::FxHasher), eight bytes at a time.
pub(crate) type Lexicon = crate::gazetteer::fx::FxHashSet<&'static str>;

/// Every number word [`parse_number`] can start at, in both languages (folded): units,
/// teens, tens, Spanish hundreds and the articles; hyphenated tens ("twenty-five") are
/// checked apart.
pub(crate) const NUMBER_WORDS: &[&str] = &[
    "zero",
    "cero",
    "one",
    "uno",
    "un",
    "una",
    "two",
    "dos",
    "three",
    "tres",
    "four",
    "cuatro",
    "five",
    "cinco",
    "six",
    "seis",
    "seven",
    "siete",
    "eight",
    "ocho",
    "nine",
    "nueve",
    "ten",
    "diez",
    "eleven",
    "once",
    "twelve",
    "doce",
    "thirteen",
    "trece",
    "fourteen",
    "catorce",
    "fifteen",
    "quince",
    "sixteen",
    "dieciseis",
    "seventeen",
    "diecisiete",
    "eighteen",
    "dieciocho",
    "nineteen",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintiun",
    "veintiuna",
    "veintidos",
    "veintitres",
    "veinticuatro",
    "veinticinco",
    "veintiseis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
    "twenty",
    "thirty",
    "treinta",
    "forty",
    "cuarenta",
    "fifty",
    "cincuenta",
    "sixty",
    "sesenta",
    "seventy",
    "setenta",
    "eighty",
    "ochenta",
    "ninety",
    "noventa",
    "cien",
    "ciento",
    "doscientos",
    "doscientas",
    "trescientos",
    "trescientas",
    "cuatrocientos",
    "cuatrocientas",
    "quinientos",
    "quinientas",
    "seiscientos",
    "seiscientas",
    "setecientos",
    "setecientas",
    "ochocientos",
    "ochocientas",
    "novecientos",
    "novecientas",
    "mil",
    "a",
    "an",
];

/// Whether the folded word may start a number in words ("three", "twenty-five", "un"), when
/// it is not in the starters' lexicon (`listed` says whether it is).
pub(crate) fn may_start_number(listed: bool, word: &str) -> bool {
    listed
        || (word.as_bytes().contains(&b'-')
            && word
                .split_once('-')
                .is_some_and(|(first, _)| tens(first).is_some()))
}

/// A number read from the tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Number {
    /// Its value.
    pub value: u64,
    /// The token after it.
    pub end: usize,
    /// Whether it was an article ("a week ago", "hace un mes", "a dozen").
    pub article: bool,
    /// Whether it was written in words ("three").
    pub spelled: bool,
}

/// Units and teens, in both languages (folded).
fn small_number(word: &str) -> Option<u64> {
    let value = match word {
        "zero" | "cero" => 0,
        "one" | "uno" | "un" | "una" => 1,
        "two" | "dos" => 2,
        "three" | "tres" => 3,
        "four" | "cuatro" => 4,
        "five" | "cinco" => 5,
        "six" | "seis" => 6,
        "seven" | "siete" => 7,
        "eight" | "ocho" => 8,
        "nine" | "nueve" => 9,
        "ten" | "diez" => 10,
        "eleven" | "once" => 11,
        "twelve" | "doce" => 12,
        "thirteen" | "trece" => 13,
        "fourteen" | "catorce" => 14,
        "fifteen" | "quince" => 15,
        "sixteen" | "dieciseis" => 16,
        "seventeen" | "diecisiete" => 17,
        "eighteen" | "dieciocho" => 18,
        "nineteen" | "diecinueve" => 19,
        "veinte" => 20,
        "veintiuno" | "veintiun" | "veintiuna" => 21,
        "veintidos" => 22,
        "veintitres" => 23,
        "veinticuatro" => 24,
        "veinticinco" => 25,
        "veintiseis" => 26,
        "veintisiete" => 27,
        "veintiocho" => 28,
        "veintinueve" => 29,
        _ => return None,
    };
    Some(value)
}

/// Multiples of ten (folded); Spanish "veinte" is a small number (it takes no "y").
fn tens(word: &str) -> Option<u64> {
    let value = match word {
        "twenty" => 20,
        "thirty" | "treinta" => 30,
        "forty" | "cuarenta" => 40,
        "fifty" | "cincuenta" => 50,
        "sixty" | "sesenta" => 60,
        "seventy" | "setenta" => 70,
        "eighty" | "ochenta" => 80,
        "ninety" | "noventa" => 90,
        _ => return None,
    };
    Some(value)
}

/// Spanish hundreds (folded).
fn spanish_hundreds(word: &str) -> Option<u64> {
    let value = match word {
        "cien" | "ciento" => 100,
        "doscientos" | "doscientas" => 200,
        "trescientos" | "trescientas" => 300,
        "cuatrocientos" | "cuatrocientas" => 400,
        "quinientos" | "quinientas" => 500,
        "seiscientos" | "seiscientas" => 600,
        "setecientos" | "setecientas" => 700,
        "ochocientos" | "ochocientas" => 800,
        "novecientos" | "novecientas" => 900,
        _ => return None,
    };
    Some(value)
}

/// A number below a hundred in one word: "seven", "twenty", "twenty-five", "veintidós".
fn word_below_hundred(word: &str) -> Option<u64> {
    if let Some(value) = small_number(word).or_else(|| tens(word)) {
        return Some(value);
    }
    let (tens_word, unit_word) = word.split_once('-')?;
    let tens_value = tens(tens_word)?;
    let unit_value = small_number(unit_word).filter(|unit| (1..10).contains(unit))?;
    Some(tens_value + unit_value)
}

/// A scale word after a number: "hundred", "thousand", "mil", "million", "millones".
fn scale(word: &str) -> Option<u64> {
    match word {
        "hundred" => Some(100),
        "thousand" | "mil" => Some(1_000),
        "million" | "millions" | "millon" | "millones" => Some(1_000_000),
        "billion" => Some(1_000_000_000),
        _ => None,
    }
}

/// The value of a digit token: "252", "1,200" or "1.200" (thousands, whatever the language)
/// as an integer; "1.5" or "2,5" (a decimal) as the integer part and the fraction as
/// thousandths, which is only used before a scale word.
fn parse_digits(text: &str) -> Option<(u64, Option<u64>)> {
    if text.is_empty()
        || !text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b',' || byte == b'.')
    {
        return None;
    }
    let separators: Vec<u8> = text.bytes().filter(|byte| !byte.is_ascii_digit()).collect();
    if separators.is_empty() {
        return text.parse().ok().map(|value| (value, None));
    }
    let groups: Vec<&str> = text.split([',', '.']).collect();
    let one_kind = separators.iter().all(|byte| *byte == separators[0]);
    let thousands = one_kind
        && groups
            .first()
            .is_some_and(|first| (1..=3).contains(&first.len()))
        && groups.iter().skip(1).all(|group| group.len() == 3);
    if thousands {
        return groups.concat().parse().ok().map(|value| (value, None));
    }
    if separators.len() == 1 {
        let (whole, fraction) = (groups.first()?, groups.get(1)?);
        let whole: u64 = whole.parse().ok()?;
        let digits: String = fraction.chars().chain("000".chars()).take(3).collect();
        let thousandths: u64 = digits.parse().ok()?;
        return Some((whole, Some(thousandths)));
    }
    None
}

/// Reads a number starting at token `i`: digits (with an optional scale word: "1.5 million",
/// "10 mil"), or words ("three", "twenty-five", "two hundred and fifty", "treinta y cinco",
/// "doscientos", "dos mil"). Articles ("a", "an", "un", "una") count as one only when
/// `articles` is set. Returns `None` for anything else, and for a decimal without a scale.
pub(crate) fn parse_number(words: &Words, i: usize, articles: bool) -> Option<Number> {
    let first = words.get(i);
    if first.is_empty() {
        return None;
    }
    let spanish = words.language() == Language::Es;
    if words.is_number(i) {
        let (whole, fraction) = parse_digits(first)?;
        let next = i + 1;
        if let Some(factor) = scale(words.get(next)).filter(|_| words.same_sentence(i, next))
            && factor >= 1_000
        {
            let value = whole
                .checked_mul(factor)?
                .checked_add(fraction.unwrap_or(0).checked_mul(factor / 1_000)?)?;
            return Some(Number {
                value,
                end: next + 1,
                article: false,
                spelled: false,
            });
        }
        if fraction.is_some() {
            return None;
        }
        return Some(Number {
            value: whole,
            end: next,
            article: false,
            spelled: false,
        });
    }
    if !words.is_word(i) {
        return None;
    }
    let is_article = match first {
        "a" | "an" => !spanish,
        "un" | "una" => true,
        _ => false,
    };
    if is_article && !articles {
        return None;
    }
    // Classic accumulation: `total` holds completed thousands and millions, `current` what
    // is being built below a thousand.
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut j = i;
    let mut any = false;
    // Whether the last word was a unit or teen (which nothing below a hundred may follow).
    let mut last_was_unit = false;
    let mut last_was_tens = false;
    while words.same_sentence(i, j) {
        let word = words.get(j);
        if is_article && j == i {
            // "a hundred", "a dozen" are read by the caller; "a" alone is one.
            current = 1;
            any = true;
            last_was_unit = true;
            j += 1;
            continue;
        }
        if let Some(value) = word_below_hundred(word).filter(|_| words.is_word(j)) {
            if last_was_unit
                || (last_was_tens && value >= 10)
                || !current.is_multiple_of(100) && value >= 10
            {
                break;
            }
            if is_article && j == i + 1 {
                break;
            }
            current += value;
            last_was_unit = value < 20 || value % 10 != 0;
            last_was_tens = !last_was_unit;
            any = true;
            j += 1;
            continue;
        }
        if let Some(value) = spanish_hundreds(word) {
            if current != 0 && !(is_article && current == 1) {
                break;
            }
            current = value;
            last_was_unit = false;
            last_was_tens = false;
            any = true;
            j += 1;
            continue;
        }
        // "mil quinientos": Spanish "mil" starts a number by itself.
        if let Some(factor) = scale(word).filter(|_| any || (word == "mil" && j == i)) {
            if factor == 100 {
                if current == 0 || current >= 100 {
                    break;
                }
                current *= 100;
            } else {
                total = total.checked_add(current.max(1).checked_mul(factor)?)?;
                current = 0;
            }
            last_was_unit = false;
            last_was_tens = false;
            j += 1;
            continue;
        }
        // "two hundred and fifty", "treinta y cinco".
        let joiner = (word == "and"
            && !spanish
            && current.is_multiple_of(100)
            && (current > 0 || total > 0))
            || (word == "y" && spanish && last_was_tens);
        if joiner && any {
            let next = words.get(j + 1);
            if let Some(value) = word_below_hundred(next).filter(|value| {
                if word == "y" {
                    (1..10).contains(value)
                } else {
                    *value > 0
                }
            }) && words.same_sentence(i, j + 1)
                && words.is_word(j + 1)
            {
                current += value;
                last_was_unit = true;
                last_was_tens = false;
                j += 2;
                continue;
            }
        }
        break;
    }
    if !any {
        return None;
    }
    if is_article && j == i + 1 {
        return Some(Number {
            value: 1,
            end: j,
            article: true,
            spelled: true,
        });
    }
    Some(Number {
        value: total.checked_add(current)?,
        end: j,
        article: is_article,
        spelled: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str, language: Language) -> Option<(u64, usize)> {
        let doc = Doc::new(text, language);
        let words = Words::new(&doc);
        parse_number(&words, 0, true).map(|number| (number.value, number.end))
    }

    #[test]
    fn numbers_in_digits_and_words() {
        assert_eq!(number("252 people", Language::En), Some((252, 1)));
        assert_eq!(number("1,200 people", Language::En), Some((1200, 1)));
        assert_eq!(number("1.200 personas", Language::Es), Some((1200, 1)));
        assert_eq!(
            number("1.5 million people", Language::En),
            Some((1_500_000, 2))
        );
        assert_eq!(number("10 mil personas", Language::Es), Some((10_000, 2)));
        assert_eq!(number("2.5 people", Language::En), None);
        assert_eq!(number("three weeks", Language::En), Some((3, 1)));
        assert_eq!(number("twenty-five men", Language::En), Some((25, 1)));
        assert_eq!(number("twenty five men", Language::En), Some((25, 2)));
        assert_eq!(
            number("two hundred and fifty men", Language::En),
            Some((250, 4))
        );
        assert_eq!(number("two thousand men", Language::En), Some((2000, 2)));
        assert_eq!(
            number("treinta y cinco migrantes", Language::Es),
            Some((35, 3))
        );
        assert_eq!(number("veintidós días", Language::Es), Some((22, 1)));
        assert_eq!(
            number("doscientos cincuenta presos", Language::Es),
            Some((250, 2))
        );
        assert_eq!(number("dos mil personas", Language::Es), Some((2000, 2)));
        assert_eq!(
            number("mil quinientos presos", Language::Es),
            Some((1500, 2))
        );
        assert_eq!(number("a hundred and twenty", Language::En), Some((120, 4)));
        assert_eq!(number("a week ago", Language::En), Some((1, 1)));
        assert_eq!(number("un mes", Language::Es), Some((1, 1)));
        assert_eq!(number("three two", Language::En), Some((3, 1)));
        assert_eq!(number("y cinco", Language::Es), None);
        assert_eq!(number("and five", Language::En), None);
    }
}
