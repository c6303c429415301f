//! Duplicates: canonical URLs for the same address spelled differently, an exact fingerprint
//! for the same text, and a SimHash with an in-memory [`Clusterer`] for the same article
//! republished with another header or footer, and a [`ParagraphIndex`] for copies whose added
//! header and footer are too long for the SimHash.
//!
//! Everything here is stable across runs and platforms and may be stored: the SHA-256 of
//! normalised text, SimHash values (own fixed hashing, no `RandomState`), and canonical URLs.

mod cluster;
mod paragraphs;
mod text;
mod url;

pub use cluster::{Assignment, Clusterer, DEFAULT_MAX_DISTANCE, DocumentIndex};
pub use paragraphs::{
    COMMON_PARAGRAPH_DOCUMENTS, MAX_PARAGRAPHS, MIN_PARAGRAPH_WORDS, MIN_SHARED,
    MIN_SHARED_FRACTION, ParagraphIndex,
};
pub use text::{
    ExactFingerprint, Fingerprints, SHINGLE_WORDS, SimHash, exact_fingerprint, fingerprints,
    hamming_distance, normalize_text, simhash,
};
pub use url::{CanonicalUrlError, TRACKING_PARAMETERS, canonical_url};
