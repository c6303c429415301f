//! Folding near-duplicate documents into clusters, in arrival order, with an index that finds
//! the fingerprints within a few bits without comparing against every earlier document.

use std::collections::HashMap;

use super::text::{SimHash, hamming_distance};

/// The default largest distance, in bits, between a copy and its original: 7.
///
/// Measured with `tests/dedup.rs`'s articles (1,000 copies per case, random words added
/// before and after a window of the articles; see [`super::SHINGLE_WORDS`]). Share of copies
/// within 3 bits, the classic threshold, and within 7 bits:
///
/// | words + added | ≤ 3 bits | ≤ 7 bits |
/// |---------------|----------|----------|
/// | 100 + 10      | 13%      | 74%      |
/// | 200 + 10      | 36%      | 93%      |
/// | 300 + 10      | 52%      | 97%      |
/// | 500 + 10      | 74%      | 99.9%    |
/// | 500 + 20      | 49%      | 98%      |
/// | 800 + 40      | 41%      | 96%      |
///
/// Different articles on the same events were never closer than 17 bits (5,000 pairs of
/// 150-word windows; 25–34 bits for the whole articles). Two unrelated fingerprints fall
/// within 7 bits with probability 4e-11: about 0.2 false pairs among 100,000 documents.
/// Texts of fewer than about 100 words are better matched by [`super::exact_fingerprint`].
pub const DEFAULT_MAX_DISTANCE: u32 = 7;

/// A document's place in arrival order, counting from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentIndex(pub usize);

/// Where a document went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The document just added.
    pub document: DocumentIndex,
    /// The first-seen document of its cluster, which names the cluster: the original. Equal to
    /// `document` when the document starts a new cluster.
    pub original: DocumentIndex,
    /// The earliest earlier document within the distance, and the distance; `None` for a new
    /// cluster.
    pub matched: Option<(DocumentIndex, u32)>,
}

/// Assigns each document, in arrival order, to the cluster of the earliest earlier document
/// whose SimHash is within `max_distance` bits, or to a new cluster of its own.
///
/// The index splits the 64 bits into `max_distance + 1` blocks: two fingerprints within
/// `max_distance` bits agree exactly on at least one block (pigeonhole), so only documents
/// sharing a block value are compared. Each block has a table from block value to the
/// fingerprints with that value, stored inline and scanned sequentially. With the default 7
/// bits the blocks are 8 bits wide: a lookup scans 8 buckets of about `n / 256` fingerprints
/// (100,000 documents: about 3,000 fingerprints, a few microseconds). With 3 bits the blocks
/// are 16 bits wide and buckets hold `n / 65536`. Memory: 12 bytes per document and block.
///
/// Pure and in memory: the caller maps [`DocumentIndex`] to its own ids, and rebuilds the
/// index at start-up by adding stored fingerprints in their original order.
#[derive(Debug, Clone)]
pub struct Clusterer {
    max_distance: u32,
    /// `(shift, mask)` of each block.
    blocks: Vec<(u32, u64)>,
    /// Per block: block value to the fingerprints and documents that have it, in arrival
    /// order.
    tables: Vec<HashMap<u64, Vec<(u64, u32)>>>,
    originals: Vec<DocumentIndex>,
}

impl Default for Clusterer {
    fn default() -> Self {
        Clusterer::new(DEFAULT_MAX_DISTANCE)
    }
}

impl Clusterer {
    /// An empty clusterer folding documents within `max_distance` bits (at most 31 is used:
    /// blocks need at least two bits).
    pub fn new(max_distance: u32) -> Clusterer {
        let max_distance = max_distance.min(31);
        let n_blocks = max_distance + 1;
        let blocks = (0..n_blocks)
            .map(|block| {
                let start = block * 64 / n_blocks;
                let end = (block + 1) * 64 / n_blocks;
                let width = end - start;
                let mask = if width == 64 {
                    u64::MAX
                } else {
                    (1u64 << width) - 1
                };
                (start, mask)
            })
            .collect();
        Clusterer {
            max_distance,
            blocks,
            tables: vec![HashMap::new(); n_blocks as usize],
            originals: Vec::new(),
        }
    }

    /// The largest distance that folds a document into an earlier one's cluster.
    pub fn max_distance(&self) -> u32 {
        self.max_distance
    }

    /// How many documents were added.
    pub fn len(&self) -> usize {
        self.originals.len()
    }

    /// Whether no document was added.
    pub fn is_empty(&self) -> bool {
        self.originals.is_empty()
    }

    /// The original (first-seen member) of a document's cluster, if the document was added.
    pub fn original_of(&self, document: DocumentIndex) -> Option<DocumentIndex> {
        self.originals.get(document.0).copied()
    }

    /// Adds the next document and says which cluster it joined.
    pub fn add(&mut self, simhash: SimHash) -> Assignment {
        let document = DocumentIndex(self.originals.len());
        let matched = self.earliest_within(simhash);
        let original = match matched {
            Some((earlier, _)) => self.originals[earlier.0],
            None => document,
        };
        let index = u32::try_from(document.0).expect("fewer than 2^32 documents");
        for (table, &(shift, mask)) in self.tables.iter_mut().zip(&self.blocks) {
            table
                .entry((simhash.0 >> shift) & mask)
                .or_default()
                .push((simhash.0, index));
        }
        self.originals.push(original);
        Assignment {
            document,
            original,
            matched,
        }
    }

    /// The earliest document within the distance, and its distance.
    fn earliest_within(&self, simhash: SimHash) -> Option<(DocumentIndex, u32)> {
        let mut best: Option<(u32, u32)> = None;
        for (table, &(shift, mask)) in self.tables.iter().zip(&self.blocks) {
            let Some(bucket) = table.get(&((simhash.0 >> shift) & mask)) else {
                continue;
            };
            for &(candidate, index) in bucket {
                if best.is_some_and(|(earliest, _)| earliest <= index) {
                    // Buckets are in arrival order: no later entry can be earlier.
                    break;
                }
                let distance = hamming_distance(simhash, SimHash(candidate));
                if distance <= self.max_distance {
                    best = Some((index, distance));
                    break;
                }
            }
        }
        best.map(|(index, distance)| (DocumentIndex(index as usize), distance))
    }
}
