//! Text normalisation and the two text fingerprints: SHA-256 of the normalised text for exact
//! copies, and a 64-bit SimHash of word shingles for near copies.

use std::fmt;

use sha2::{Digest, Sha256};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Words per shingle of the SimHash.
///
/// Measured on the tests' articles (windows of 100 to 800 words of hand-written reports,
/// copies with 2 to 40 random words added before and after): a bit flips with probability
/// about θ/π, θ the angle between the shingle sets, so distances grow with the share of added
/// words whatever the shingle size: median 3 bits for 300 words plus 10, 4 for 500 plus 20, 8
/// for 100 plus 20 (see [`super::DEFAULT_MAX_DISTANCE`]). Different articles on the same
/// events (sharing names and one quoted statement) were 25–34 bits apart as wholes and at
/// least 17 in 150-word windows with 3-word shingles, against 14 with 2-word shingles; 4-word
/// shingles moved copies slightly further. Three words keep articles on one topic apart at no
/// cost for copies.
pub const SHINGLE_WORDS: usize = 3;

/// SHA-256 of [`normalize_text`]: equal for texts that differ only in case, whitespace,
/// punctuation or Unicode compatibility forms.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExactFingerprint(pub [u8; 32]);

impl ExactFingerprint {
    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ExactFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for ExactFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExactFingerprint({self})")
    }
}

/// A 64-bit SimHash: texts sharing most of their word shingles differ in few bits.
///
/// Stable across runs, platforms and versions of Rust (own word hashing and splitmix64, no
/// `RandomState`), so it may be stored; changing [`SHINGLE_WORDS`] or the normalisation would
/// change every value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SimHash(pub u64);

impl SimHash {
    /// How many bits differ between two fingerprints (0..=64).
    pub fn distance(self, other: SimHash) -> u32 {
        hamming_distance(self, other)
    }
}

impl fmt::Display for SimHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl fmt::Debug for SimHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SimHash({self})")
    }
}

/// How many bits differ between two SimHashes (0..=64).
pub fn hamming_distance(a: SimHash, b: SimHash) -> u32 {
    (a.0 ^ b.0).count_ones()
}

/// Both fingerprints of one text, from one normalisation pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprints {
    /// For exact copies.
    pub exact: ExactFingerprint,
    /// For near copies.
    pub simhash: SimHash,
}

/// The text as fingerprints see it: Unicode NFKC, lowercased (Unicode lowercase mapping, a
/// close stand-in for full case folding: `ß` and `SS` stay different), every run of characters
/// that are neither letters, digits nor combining marks (whitespace, punctuation, symbols,
/// emoji) replaced by one space, no leading or trailing space.
///
/// Works token by token (between ASCII whitespace, which NFKC never combines across): bytes of
/// ASCII tokens are mapped through a table, tokens already in NFKC skip the normalisation.
pub fn normalize_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Normalizer {
        out: Vec::with_capacity(text.len()),
        pending_space: false,
    };
    // Where the current token started, and the output as it was then.
    let (mut token_start, mut saved_len, mut saved_pending) = (0, 0, false);
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte.is_ascii() {
            if ASCII_WORD[usize::from(byte)] == 0 {
                out.pending_space = true;
                index += 1;
                if byte.is_ascii_whitespace() {
                    (token_start, saved_len, saved_pending) = (index, out.out.len(), true);
                }
                continue;
            }
            // A run of ASCII letters and digits, copied lowercased in one go.
            let start = index;
            while index < bytes.len() && bytes[index].is_ascii_alphanumeric() {
                index += 1;
            }
            if out.pending_space && !out.out.is_empty() {
                out.out.push(b' ');
            }
            out.pending_space = false;
            let copied = out.out.len();
            out.out.extend_from_slice(&bytes[start..index]);
            out.out[copied..].make_ascii_lowercase();
            continue;
        }
        // A non-ASCII character: redo the whole token, which NFKC may need to see at once.
        let token_end = bytes[index..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(bytes.len(), |offset| index + offset);
        out.out.truncate(saved_len);
        out.pending_space = saved_pending;
        let token = &text[token_start..token_end];
        if is_nfkc_quick(token.chars()) == IsNormalized::Yes {
            token.chars().for_each(|c| out.push_char(c));
        } else {
            token.nfkc().for_each(|c| out.push_char(c));
        }
        index = token_end;
    }
    String::from_utf8(out.out).expect("only whole characters are written")
}

/// For each ASCII byte, its lowercase form if it is a letter or digit, else 0.
const ASCII_WORD: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() {
            table[byte] = b.to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};

struct Normalizer {
    out: Vec<u8>,
    pending_space: bool,
}

impl Normalizer {
    #[inline]
    fn push_ascii(&mut self, byte: u8) {
        let lower = ASCII_WORD[usize::from(byte & 0x7f)];
        if lower != 0 {
            if self.pending_space && !self.out.is_empty() {
                self.out.push(b' ');
            }
            self.pending_space = false;
            self.out.push(lower);
        } else {
            self.pending_space = true;
        }
    }

    #[inline]
    fn push_char(&mut self, c: char) {
        if c.is_ascii() {
            return self.push_ascii(c as u8);
        }
        if c.is_alphanumeric() || is_combining_mark(c) {
            if self.pending_space && !self.out.is_empty() {
                self.out.push(b' ');
            }
            self.pending_space = false;
            let mut buffer = [0u8; 4];
            for lower in c.to_lowercase() {
                self.out
                    .extend_from_slice(lower.encode_utf8(&mut buffer).as_bytes());
            }
        } else {
            self.pending_space = true;
        }
    }
}

/// SHA-256 of [`normalize_text`].
pub fn exact_fingerprint(text: &str) -> ExactFingerprint {
    exact_of_normalized(&normalize_text(text))
}

/// The SimHash of [`normalize_text`]'s words, in shingles of [`SHINGLE_WORDS`] words; a text
/// with fewer words is one shingle; an empty text is `SimHash(0)`.
pub fn simhash(text: &str) -> SimHash {
    simhash_of_normalized(&normalize_text(text))
}

/// Both fingerprints, normalising the text once.
pub fn fingerprints(text: &str) -> Fingerprints {
    let normalized = normalize_text(text);
    Fingerprints {
        exact: exact_of_normalized(&normalized),
        simhash: simhash_of_normalized(&normalized),
    }
}

fn exact_of_normalized(normalized: &str) -> ExactFingerprint {
    ExactFingerprint(Sha256::digest(normalized.as_bytes()).into())
}

fn simhash_of_normalized(normalized: &str) -> SimHash {
    if normalized.is_empty() {
        return SimHash(0);
    }
    let mut window = [0u64; SHINGLE_WORDS];
    let mut n_words = 0usize;
    let mut ones = BitCounter {
        packed: [0; 8],
        n_packed: 0,
        wide: [0; 64],
        n_added: 0,
    };
    for word in normalized.split(' ') {
        window.rotate_left(1);
        window[SHINGLE_WORDS - 1] = word_hash(word);
        n_words += 1;
        if n_words >= SHINGLE_WORDS {
            ones.add(shingle_hash(&window));
        }
    }
    if n_words < SHINGLE_WORDS {
        ones.add(shingle_hash(&window[SHINGLE_WORDS - n_words..]));
    }
    ones.majority()
}

/// Counts, for each of 64 bit positions, how many added hashes have that bit set: eight bytes
/// of a hash at a time, through a table that spreads a byte's bits into the bytes of a `u64`
/// (eight counters side by side), flushed into wide counters before a byte can overflow.
struct BitCounter {
    /// `packed[byte]` holds the counts of bits `8 * byte .. 8 * byte + 8`, one per byte.
    packed: [u64; 8],
    n_packed: u32,
    wide: [u32; 64],
    n_added: u32,
}

/// `SPREAD[b]` has byte `i` set to bit `i` of `b`.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut bit = 0;
        while bit < 8 {
            if byte & (1 << bit) != 0 {
                table[byte] |= 1 << (8 * bit);
            }
            bit += 1;
        }
        byte += 1;
    }
    table
};

impl BitCounter {
    #[inline]
    fn add(&mut self, hash: u64) {
        for (index, packed) in self.packed.iter_mut().enumerate() {
            *packed += SPREAD[((hash >> (8 * index)) & 0xff) as usize];
        }
        self.n_packed += 1;
        self.n_added += 1;
        if self.n_packed == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (index, packed) in self.packed.iter_mut().enumerate() {
            for bit in 0..8 {
                self.wide[8 * index + bit] += ((*packed >> (8 * bit)) & 0xff) as u32;
            }
            *packed = 0;
        }
        self.n_packed = 0;
    }

    /// Bit `i` is set when more than half of the hashes had it set.
    fn majority(mut self) -> SimHash {
        self.flush();
        let mut bits = 0u64;
        for (bit, &count) in self.wide.iter().enumerate() {
            if u64::from(count) * 2 > u64::from(self.n_added) {
                bits |= 1 << bit;
            }
        }
        SimHash(bits)
    }
}

/// A word's hash: eight bytes at a time (little-endian, zero-padded), rotated, mixed and
/// multiplied, then the length; fixed so that stored fingerprints stay valid.
#[inline]
fn word_hash(word: &str) -> u64 {
    let mut hash = 0u64;
    for chunk in word.as_bytes().chunks(8) {
        let mut bytes = [0u8; 8];
        bytes[..chunk.len()].copy_from_slice(chunk);
        hash =
            (hash.rotate_left(5) ^ u64::from_le_bytes(bytes)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    hash ^ word.len() as u64
}

/// Combines word hashes in order (each earlier word rotated further) and spreads the bits
/// with the splitmix64 finaliser.
#[inline]
fn shingle_hash(words: &[u64]) -> u64 {
    mix(words
        .iter()
        .fold(0x9e37_79b9_7f4a_7c15, |hash: u64, &word| {
            hash.rotate_left(21) ^ word
        }))
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
