//! The embedded character n-gram model: a table from feature hash to one cost per language,
//! parsed once from `data/lang/model.tsv` and scored with plain additions.
//!
//! File format (written by `examples/train_lang.rs`): lines starting with `#` are comments; the
//! first other line is `languages` followed by tab-separated codes; every further line is a
//! feature (padded characters, see [`super::features`]), a tab, and one character per language
//! encoding the cost `-ln P(feature | language)` in quarter nats as `'0' + cost` (0..=63).

use std::sync::LazyLock;

use super::features::{feature_hash, for_each_feature_hash, for_each_word};
use super::script::{N_SCRIPTS, Script};

/// Most languages one model row holds; rows are padded to this width so scoring vectorises
/// and a row with its tag fills 16 bytes.
pub(crate) const LANES: usize = 12;

/// Costs are stored in units of 1/`COST_SCALE` nats.
pub const COST_SCALE: f64 = 4.0;

/// The first character of the cost alphabet; a cost `c` is stored as `COST_BASE + c`.
pub const COST_BASE: u8 = b'0';

/// The largest storable cost.
pub const MAX_COST: u8 = 63;

static MODEL_TSV: &str = include_str!("../../data/lang/model.tsv");

/// The model, parsed on first use.
pub(crate) static MODEL: LazyLock<Model> = LazyLock::new(|| Model::parse(MODEL_TSV));

/// Summed costs of the features of some text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scores {
    /// Total cost per lane, in 1/[`COST_SCALE`] nats; lower is likelier.
    pub(crate) costs: [u64; LANES],
    /// How many features were found in the model.
    pub(crate) n_features: u32,
    /// How many words were seen.
    pub(crate) n_words: u32,
    /// How many letters those words had, per [`Script`].
    pub(crate) letters_by_script: [u32; N_SCRIPTS],
}

impl Scores {
    pub(crate) const ZERO: Scores = Scores {
        costs: [0; LANES],
        n_features: 0,
        n_words: 0,
        letters_by_script: [0; N_SCRIPTS],
    };

    pub(crate) fn add(&mut self, other: &Scores) {
        for (cost, other) in self.costs.iter_mut().zip(other.costs) {
            *cost += other;
        }
        self.n_features += other.n_features;
        self.n_words += other.n_words;
        for (count, other) in self
            .letters_by_script
            .iter_mut()
            .zip(other.letters_by_script)
        {
            *count += other;
        }
    }
}

/// A parsed model.
pub(crate) struct Model {
    /// Language codes, one per used lane.
    pub(crate) languages: Vec<String>,
    /// Open-addressing table of features; a slot with tag 0 is empty.
    slots: Vec<Slot>,
    mask: usize,
    /// The slot of a hash is its top bits: `hash >> shift`.
    shift: u32,
}

/// One feature: 32 bits of its hash (never 0) and its cost per language, in one 16-byte
/// aligned block so a lookup touches one cache line.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Slot {
    tag: u32,
    costs: [u8; LANES],
}

const EMPTY: Slot = Slot {
    tag: 0,
    costs: [0; LANES],
};

#[inline]
fn tag_of(hash: u64) -> u32 {
    (hash as u32) | 1
}

impl Model {
    /// Parses the table; the embedded file is checked by the crate's tests, so a malformed line
    /// here is a build defect and panics.
    fn parse(tsv: &str) -> Model {
        let mut lines = tsv.lines().filter(|line| !line.starts_with('#'));
        let header = lines.next().expect("model.tsv has a header");
        let languages: Vec<String> = header.split('\t').skip(1).map(str::to_owned).collect();
        assert!(languages.len() <= LANES, "model.tsv has too many languages");
        let entries: Vec<(&str, &str)> = lines
            .filter(|line| !line.is_empty())
            .map(|line| line.split_once('\t').expect("model.tsv rows have a tab"))
            .collect();
        let capacity = (entries.len() * 2).next_power_of_two().max(1024);
        let mut model = Model {
            languages,
            slots: vec![EMPTY; capacity],
            mask: capacity - 1,
            shift: 64 - capacity.trailing_zeros(),
        };
        let mut chars = Vec::new();
        for (feature, costs) in entries {
            assert_eq!(costs.len(), model.languages.len(), "model.tsv row width");
            let mut row = [0u8; LANES];
            for (slot, byte) in row.iter_mut().zip(costs.bytes()) {
                *slot = byte - COST_BASE;
            }
            chars.clear();
            chars.extend(feature.chars());
            model.insert(feature_hash(&chars), row);
        }
        model
    }

    fn insert(&mut self, hash: u64, costs: [u8; LANES]) {
        let tag = tag_of(hash);
        let mut index = (hash >> self.shift) as usize;
        loop {
            let slot = &mut self.slots[index];
            if slot.tag == 0 {
                *slot = Slot { tag, costs };
                return;
            }
            if slot.tag == tag {
                // Two features share a slot and 31 hash bits: keep the first, which is the more frequent.
                return;
            }
            index = (index + 1) & self.mask;
        }
    }

    #[inline]
    fn costs(&self, hash: u64) -> Option<&[u8; LANES]> {
        let tag = tag_of(hash);
        let mut index = (hash >> self.shift) as usize;
        loop {
            let slot = &self.slots[index];
            if slot.tag == tag {
                return Some(&slot.costs);
            }
            if slot.tag == 0 {
                return None;
            }
            index = (index + 1) & self.mask;
        }
    }

    /// Sums the costs of every feature of every word of `text`.
    pub(crate) fn score(&self, text: &str) -> Scores {
        let mut scores = Scores::ZERO;
        let n_words = for_each_word(text, |padded| {
            for &c in &padded[1..padded.len() - 1] {
                let script = if c < '\u{250}' {
                    Script::Latin
                } else {
                    Script::of(c)
                };
                scores.letters_by_script[script.index()] += 1;
            }
            let mut word_costs = [0u16; LANES];
            scores.n_features += self.score_word(padded, &mut word_costs);
            for (cost, add) in scores.costs.iter_mut().zip(word_costs) {
                *cost += u64::from(add);
            }
        });
        scores.n_words = n_words as u32;
        scores
    }

    /// Sums the costs of the whole words of `text` only (one lookup per word instead of about
    /// four per letter): enough evidence for long texts, and five times faster.
    pub(crate) fn score_words(&self, text: &str) -> Scores {
        let mut scores = Scores::ZERO;
        let n_words = for_each_word(text, |padded| {
            for &c in &padded[1..padded.len() - 1] {
                let script = if c < '\u{250}' {
                    Script::Latin
                } else {
                    Script::of(c)
                };
                scores.letters_by_script[script.index()] += 1;
            }
            if let Some(row) = self.costs(feature_hash(padded)) {
                scores.n_features += 1;
                for (cost, &add) in scores.costs.iter_mut().zip(row) {
                    *cost += u64::from(add);
                }
            }
        });
        scores.n_words = n_words as u32;
        scores
    }

    /// Adds the costs of one padded word's features (at most about 130, each at most 63, so
    /// 16 bits cannot overflow) and returns how many were found.
    #[inline]
    fn score_word(&self, padded: &[char], word_costs: &mut [u16; LANES]) -> u32 {
        let mut n_found = 0;
        for_each_feature_hash(padded, |hash| {
            if let Some(row) = self.costs(hash) {
                n_found += 1;
                for (cost, &add) in word_costs.iter_mut().zip(row) {
                    *cost += u16::from(add);
                }
            }
        });
        n_found
    }
}

/// Feature strings in the order the trainer counts them; shared so training and detection
/// cannot drift apart.
pub fn training_features(text: &str, mut on_feature: impl FnMut(&str)) {
    let mut feature = String::new();
    for_each_word(text, |padded| {
        super::features::for_each_feature(padded, |chars| {
            feature.clear();
            feature.extend(chars);
            on_feature(&feature);
        });
    });
}
