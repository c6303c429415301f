//! The word lists every extractor checks tokens against, merged into one table, so that
//! [`Doc::new`](crate::Doc::new) hashes each word once and the extractors read the answer by
//! token index ([`Doc::classes`](crate::Doc::classes)) instead of hashing the word again for
//! each list.
//!
//! A class is one bit: the names' lists ([`crate::names`]'s lexicon, bits 0 to 23), the words
//! that tell of the future ([`FUTURE_CUE`]), the words a date may start at ([`DATE_START`]) and
//! the words a count may start at ([`COUNT_START`]).
//! The same look-up gives the word's id among the words of the violation cues
//! ([`crate::violations`]), which walks its phrases by those ids.
//! The table is keyed by the folded token; an extractor that reads a token under another key
//! (without a possessive `'s`, with `’` made `'`) looks that key up in its own list instead.

use std::sync::LazyLock;

use crate::gazetteer::fx::FxHashMap;

/// The words a date may start at besides numbers (month and weekday names, qualifiers, relative
/// words, numbers in words).
pub(crate) const DATE_START: u32 = 1 << 30;

/// The words a count may start at besides numbers (qualifiers, vague quantities, numbers in
/// words).
pub(crate) const COUNT_START: u32 = 1 << 31;

/// The bits the names' lexicon may use.
pub(crate) const NAME_BITS: u32 = (1 << 24) - 1;

/// The words a sentence about the future is told by ([`crate::dates`]'s future cues).
pub(crate) const FUTURE_CUE: u32 = 1 << 28;

/// Not a word list: set by [`Doc::new`](crate::Doc::new) on a word without a possessive `'s`
/// and without a hyphen, whose folded form is then the whole key the date and count scanners
/// compare (so that the classes alone say whether one of them may start there).
pub(crate) const PLAIN_WORD: u32 = 1 << 29;

/// What one look-up of a folded word gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The lists it is in, as bits (0 for none).
    pub bits: u32,
    /// Its id among the words of the violation cues ([`NO_CUE_WORD`] for none).
    pub cue_word: u32,
}

/// The [`Entry::cue_word`] of a word in no violation cue.
pub(crate) const NO_CUE_WORD: u32 = u32::MAX;

/// The entry of a word in no list.
const NONE: Entry = Entry {
    bits: 0,
    cue_word: NO_CUE_WORD,
};

static TABLE: LazyLock<FxHashMap<&'static str, Entry>> = LazyLock::new(|| {
    let mut table: FxHashMap<&'static str, Entry> = FxHashMap::default();
    for (word, bits) in crate::names::lexicon_words() {
        table.entry(word).or_insert(NONE).bits |= bits & NAME_BITS;
    }
    for word in crate::dates::starter_words() {
        table.entry(word).or_insert(NONE).bits |= DATE_START;
    }
    for word in crate::counts::starter_words() {
        table.entry(word).or_insert(NONE).bits |= COUNT_START;
    }
    for word in crate::dates::future_words() {
        table.entry(word).or_insert(NONE).bits |= FUTURE_CUE;
    }
    for (word, id) in crate::violations::cue_words() {
        table.entry(word).or_insert(NONE).cue_word = id;
    }
    table
});

/// The [`Entry::cue_word`] of each ASCII character, looked up once: a document has many
/// marks (commas, stops, quotes), which are in no word list.
static ASCII_MARK_CUE_WORDS: LazyLock<[u32; 128]> = LazyLock::new(|| {
    let mut ids = [NO_CUE_WORD; 128];
    for (byte, id) in (0u8..128).zip(ids.iter_mut()) {
        let mut word = [0u8; 4];
        *id = entry(char::from(byte).encode_utf8(&mut word)).cue_word;
    }
    ids
});

/// The [`Entry::cue_word`] of the one-byte token `byte` (the same as [`entry`] gives; a
/// byte past ASCII is not a token alone).
pub(crate) fn ascii_mark_cue_word(byte: u8) -> u32 {
    ASCII_MARK_CUE_WORDS
        .get(usize::from(byte))
        .copied()
        .unwrap_or(NO_CUE_WORD)
}

/// The classes of a folded word, as bits (0 for a word in no list).
pub(crate) fn of(folded: &str) -> u32 {
    entry(folded).bits
}

/// The classes of a folded word and its id among the violation cues' words.
pub(crate) fn entry(folded: &str) -> Entry {
    TABLE.get(folded).copied().unwrap_or(NONE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Doc, Language};

    #[test]
    fn one_look_up_gives_every_list_a_word_is_in() {
        let doc = Doc::new("Dozens of the Judge's men left on Tuesday.", Language::En);
        let class = |index: usize| doc.classes(index);
        // "Dozens": a count may start there, no date.
        assert_ne!(class(0) & COUNT_START, 0);
        assert_eq!(class(0) & DATE_START, 0);
        // "the": a function word for the names (some names' list), neither date nor count.
        assert_ne!(class(2) & NAME_BITS, 0);
        assert_eq!(class(2) & (DATE_START | COUNT_START), 0);
        // "tuesday": a date may start there.
        let tuesday = doc
            .tokens
            .iter()
            .position(|token| doc.token_text(token) == "Tuesday")
            .unwrap();
        assert_ne!(class(tuesday) & DATE_START, 0);
        // Punctuation and tokens past the end are in no list.
        assert_eq!(class(doc.tokens.len() - 1), 0);
        assert_eq!(class(doc.tokens.len()), 0);
        // "Dozens" is a plain word; "Judge's" has a possessive.
        assert_ne!(class(0) & PLAIN_WORD, 0);
        let judge = doc
            .tokens
            .iter()
            .position(|token| doc.token_text(token) == "Judge's")
            .unwrap();
        assert_eq!(class(judge) & PLAIN_WORD, 0);
    }

    #[test]
    fn the_same_look_up_gives_future_cues_and_violation_cue_words() {
        let doc = Doc::new("He will be tortured, Zzyzx said.", Language::En);
        assert_ne!(doc.classes(1) & FUTURE_CUE, 0);
        assert_eq!(doc.classes(0) & FUTURE_CUE, 0);
        // "tortured" and "," are words of the cue phrases; "Zzyzx" is not.
        assert!(doc.cue_word(3).is_some());
        assert!(doc.cue_word(4).is_some());
        assert!(doc.cue_word(5).is_none());
        assert!(doc.cue_word(99).is_none());
        for word in crate::dates::future_words() {
            assert_ne!(of(word) & FUTURE_CUE, 0, "{word}");
        }
    }
}
