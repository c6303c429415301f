//! The word lists every extractor checks tokens against, merged into one table, so that
//! [`Doc::new`](crate::Doc::new) hashes each word once and the extractors read the answer by
//! token index ([`Doc::classes`](crate::Doc::classes)) instead of hashing the word again for
//! each list.
//!
//! A class is one bit: the names' lists ([`crate::names`]'s lexicon, bits 0 to 23), the words a
//! date may start at ([`DATE_START`]) and the words a count may start at ([`COUNT_START`]).
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

static TABLE: LazyLock<FxHashMap<&'static str, u32>> = LazyLock::new(|| {
    let mut table: FxHashMap<&'static str, u32> = FxHashMap::default();
    for (word, bits) in crate::names::lexicon_words() {
        *table.entry(word).or_insert(0) |= bits & NAME_BITS;
    }
    for word in crate::dates::starter_words() {
        *table.entry(word).or_insert(0) |= DATE_START;
    }
    for word in crate::counts::starter_words() {
        *table.entry(word).or_insert(0) |= COUNT_START;
    }
    table
});

/// The classes of a folded word, as bits (0 for a word in no list).
pub(crate) fn of(folded: &str) -> u32 {
    TABLE.get(folded).copied().unwrap_or(0)
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
    }
}
