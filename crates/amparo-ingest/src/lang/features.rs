//! The features the language model counts: character 1- to 4-grams of each word padded with
//! `_` on both sides, plus the whole padded word when it is longer than four characters.
//!
//! Words are runs of letters (and apostrophes between letters), lowercased. Whitespace-separated
//! tokens that look like URLs (`://`, or both `/` and `.`, or `www.`), e-mail addresses or
//! `@mentions` (any `@`) are skipped: they say nothing about the language around them. The trainer (`examples/train_lang.rs`) and the
//! detector walk text through the same [`for_each_word`], so the model and the runtime agree.

/// Longest word, in characters, that yields features; longer runs of letters are skipped.
pub(crate) const MAX_WORD_CHARS: usize = 30;

/// Shortest n-gram counted.
pub(crate) const MIN_N: usize = 2;

/// Longest n-gram counted; longer padded words are also counted whole.
pub(crate) const MAX_N: usize = 4;

/// The padding character that marks a word boundary inside a feature.
pub(crate) const PAD: char = '_';

/// Calls `on_word` with the lowercased, padded characters of each word in `text`, in order.
///
/// The slice starts and ends with [`PAD`]. Returns the number of words seen.
pub(crate) fn for_each_word(text: &str, on_word: impl FnMut(&[char])) -> usize {
    let mut word = WordBuilder {
        buffer: [PAD; MAX_WORD_CHARS + 2],
        len: 0,
        n_words: 0,
        on_word,
    };
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index].is_ascii_whitespace() {
            index += 1;
            continue;
        }
        // One pass finds the token's end and what it is made of; other Unicode whitespace
        // inside a token is not a letter and so still separates words.
        let start = index;
        let (mut ascii, mut at, mut slash, mut dot) = (true, false, false, false);
        while index < bytes.len() && !bytes[index].is_ascii_whitespace() {
            let byte = bytes[index];
            ascii &= byte.is_ascii();
            at |= byte == b'@';
            slash |= byte == b'/';
            dot |= byte == b'.';
            index += 1;
        }
        // Slicing at ASCII whitespace always falls on character boundaries.
        let token = &text[start..index];
        if at || (slash && (dot || token.contains("://"))) || token.starts_with("www.") {
            // A mention, an e-mail address or a URL.
            continue;
        }
        if ascii {
            let bytes = token.as_bytes();
            for (index, &byte) in bytes.iter().enumerate() {
                if byte.is_ascii_alphabetic() {
                    word.push(char::from(byte.to_ascii_lowercase()));
                } else if byte == b'\''
                    && word.len > 0
                    && bytes.get(index + 1).is_some_and(u8::is_ascii_alphabetic)
                {
                    word.push('\'');
                } else {
                    word.end();
                }
            }
        } else {
            let mut chars = token.chars().peekable();
            while let Some(c) = chars.next() {
                if c.is_alphabetic() {
                    word.push(if c.is_ascii() {
                        c.to_ascii_lowercase()
                    } else {
                        c.to_lowercase().next().unwrap_or(c)
                    });
                } else if is_apostrophe(c)
                    && word.len > 0
                    && chars.peek().is_some_and(|next| next.is_alphabetic())
                {
                    word.push('\'');
                } else {
                    word.end();
                }
            }
        }
        word.end();
    }
    word.n_words
}

/// Collects the letters of one word and hands the padded word on.
struct WordBuilder<F> {
    buffer: [char; MAX_WORD_CHARS + 2],
    /// Letters so far; may exceed [`MAX_WORD_CHARS`], and then the word is skipped.
    len: usize,
    n_words: usize,
    on_word: F,
}

impl<F: FnMut(&[char])> WordBuilder<F> {
    #[inline]
    fn push(&mut self, letter: char) {
        if self.len < MAX_WORD_CHARS {
            self.buffer[self.len + 1] = letter;
        }
        self.len += 1;
    }

    #[inline]
    fn end(&mut self) {
        if self.len > 0 && self.len <= MAX_WORD_CHARS {
            self.buffer[self.len + 1] = PAD;
            (self.on_word)(&self.buffer[..self.len + 2]);
            self.n_words += 1;
        }
        self.len = 0;
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}')
}

/// Calls `on_feature` with the characters of every feature of one padded word.
pub(crate) fn for_each_feature(padded: &[char], mut on_feature: impl FnMut(&[char])) {
    for start in 0..padded.len() {
        for n in 1..=MAX_N {
            let end = start + n;
            if end > padded.len() {
                break;
            }
            if n < MIN_N || (n == 1 && padded[start] == PAD) {
                continue;
            }
            on_feature(&padded[start..end]);
        }
    }
    if padded.len() > MAX_N {
        on_feature(padded);
    }
}

/// Calls `on_hash` with the hash of every feature of one padded word; the same values as
/// [`feature_hash`] of each feature [`for_each_feature`] yields, computed incrementally.
#[inline]
pub(crate) fn for_each_feature_hash(padded: &[char], mut on_hash: impl FnMut(u64)) {
    let len = padded.len();
    for start in 0..len {
        let mut hash = HASH_SEED;
        let max_n = MAX_N.min(len - start);
        for (n, &c) in padded[start..start + max_n].iter().enumerate() {
            hash = hash_step(hash, c);
            if n + 1 < MIN_N || (n == 0 && c == PAD) {
                continue;
            }
            on_hash(finish(hash));
        }
    }
    if len > MAX_N {
        on_hash(feature_hash(padded));
    }
}

const HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

#[inline]
fn hash_step(hash: u64, c: char) -> u64 {
    (hash ^ u64::from(c)).wrapping_mul(0x0000_0100_0000_01b3)
}

#[inline]
fn finish(hash: u64) -> u64 {
    // One more multiply spreads FNV's weak high bits, which pick the table slot.
    (hash ^ (hash >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The stable 64-bit hash of one feature: FNV-1a over its code points, then a finaliser.
pub(crate) fn feature_hash(chars: &[char]) -> u64 {
    finish(chars.iter().fold(HASH_SEED, |hash, &c| hash_step(hash, c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |w| out.push(w.iter().collect()));
        out
    }

    #[test]
    fn words_are_lowercased_padded_and_skip_addresses() {
        assert_eq!(
            words("L'Àgora d'ahir, 'quoted' @someone https://x.org/a 2025 naïve"),
            ["_l'àgora_", "_d'ahir_", "_quoted_", "_naïve_"]
        );
    }

    #[test]
    fn incremental_hashes_match_feature_hashes() {
        let padded: Vec<char> = "_canción_".chars().collect();
        let mut expected = Vec::new();
        for_each_feature(&padded, |f| expected.push(feature_hash(f)));
        let mut actual = Vec::new();
        for_each_feature_hash(&padded, |h| actual.push(h));
        assert_eq!(expected, actual);
        // Bigrams, trigrams, 4-grams and the whole word of a 7-letter word.
        assert_eq!(expected.len(), 8 + 7 + 6 + 1);
    }
}
