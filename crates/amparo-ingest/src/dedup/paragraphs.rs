//! Folding republished copies by the paragraphs they share.
//!
//! A SimHash sees a document as one bag of shingles, so a copy whose publisher added a long
//! header and footer (an attribution line, a call for donations, a newsletter box) drifts
//! away from the original by more bits than the threshold allows: 45 added words on a
//! 250-word article move it by about 8 bits. Republishers rarely touch the paragraphs they
//! copy, though, so a copy contains most of the original's paragraphs verbatim (after
//! [`normalize_text`]). This index remembers each document's long paragraphs and folds a new
//! document into the earliest one with which it shares most of its paragraphs.
//!
//! Paragraphs that many documents share (an outlet's standard disclaimer that escaped the
//! boilerplate filter) are not evidence of copying and are ignored once seen in
//! [`COMMON_PARAGRAPH_DOCUMENTS`] documents.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::normalize_text;

/// Paragraphs with fewer words than this are not compared: datelines, captions, "Read more".
pub const MIN_PARAGRAPH_WORDS: usize = 12;

/// At most this many paragraphs of a document are remembered (the first ones): enough to
/// recognise a copy, bounded memory for long reports.
pub const MAX_PARAGRAPHS: usize = 24;

/// A paragraph seen in this many documents is boilerplate, not a sign of copying.
pub const COMMON_PARAGRAPH_DOCUMENTS: u32 = 4;

/// At least this many shared paragraphs are needed to fold.
pub const MIN_SHARED: usize = 3;

/// And they must be at least this share of the smaller document's paragraphs.
pub const MIN_SHARED_FRACTION: f64 = 0.7;

/// Remembers documents' long paragraphs, in arrival order.
#[derive(Debug, Clone, Default)]
pub struct ParagraphIndex {
    /// Paragraph hash to the first document that had it and how many documents did.
    paragraphs: HashMap<u64, (u32, u32)>,
    /// Each document's count of remembered paragraphs.
    counts: Vec<u16>,
}

impl ParagraphIndex {
    /// An empty index.
    pub fn new() -> ParagraphIndex {
        ParagraphIndex::default()
    }

    /// Documents added so far.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no document was added.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Adds the next document (its text, paragraphs separated by blank lines) and returns the
    /// earliest earlier document it copies, by arrival index, if any.
    pub fn add(&mut self, text: &str) -> Option<usize> {
        let hashes = paragraph_hashes(text);
        let document = u32::try_from(self.counts.len()).unwrap_or(u32::MAX);
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for hash in &hashes {
            if let Some(&(first, seen)) = self.paragraphs.get(hash)
                && seen < COMMON_PARAGRAPH_DOCUMENTS
            {
                *shared.entry(first).or_default() += 1;
            }
        }
        let mut found = None;
        for (&earlier, &count) in &shared {
            let theirs = usize::from(self.counts[earlier as usize]);
            let smaller = theirs.min(hashes.len()).max(1);
            let enough =
                count >= MIN_SHARED && count as f64 >= MIN_SHARED_FRACTION * smaller as f64;
            if enough && found.is_none_or(|best| earlier < best) {
                found = Some(earlier);
            }
        }
        for hash in &hashes {
            self.paragraphs
                .entry(*hash)
                .and_modify(|(_, seen)| *seen = seen.saturating_add(1))
                .or_insert((document, 1));
        }
        self.counts
            .push(u16::try_from(hashes.len()).unwrap_or(u16::MAX));
        found.map(|earlier| earlier as usize)
    }
}

/// Hashes of a text's long paragraphs, at most [`MAX_PARAGRAPHS`], without repeats.
fn paragraph_hashes(text: &str) -> Vec<u64> {
    let mut hashes = Vec::new();
    for paragraph in text.split("\n\n") {
        let normalized = normalize_text(paragraph);
        if normalized.split(' ').count() < MIN_PARAGRAPH_WORDS {
            continue;
        }
        let digest = Sha256::digest(normalized.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let hash = u64::from_le_bytes(first);
        if !hashes.contains(&hash) {
            hashes.push(hash);
        }
        if hashes.len() == MAX_PARAGRAPHS {
            break;
        }
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(topic: &str, n: usize) -> String {
        format!(
            "Paragraph {n} about {topic} tells what happened to the people involved and what their lawyers said afterwards in court."
        )
    }

    fn story(topic: &str, paragraphs: usize) -> Vec<String> {
        (0..paragraphs).map(|n| paragraph(topic, n)).collect()
    }

    #[test]
    fn a_copy_with_a_long_header_and_footer_is_folded_into_the_original() {
        let mut index = ParagraphIndex::new();
        let original = story("the flights", 6);
        assert_eq!(index.add(&original.join("\n\n")), None);
        assert_eq!(index.add(&story("the budget", 6).join("\n\n")), None);
        let mut copy = vec![
            "This article first appeared in another newspaper and is republished here under its licence with permission of the authors.".to_owned(),
        ];
        copy.extend(original.iter().cloned());
        copy.push("Support independent journalism: share this story with your friends and follow us for more news from the region every single day.".to_owned());
        assert_eq!(index.add(&copy.join("\n\n")), Some(0));
        // A shortened copy (the first four paragraphs) is still a copy.
        assert_eq!(index.add(&original[..4].join("\n\n")), Some(0));
    }

    #[test]
    fn sharing_a_quote_or_two_is_not_copying() {
        let mut index = ParagraphIndex::new();
        let first = story("the flights", 8);
        index.add(&first.join("\n\n"));
        let mut other = story("the hearing", 8);
        other[3] = first[2].clone();
        other[5] = first[4].clone();
        assert_eq!(index.add(&other.join("\n\n")), None);
    }

    #[test]
    fn boilerplate_shared_by_many_documents_is_ignored() {
        let mut index = ParagraphIndex::new();
        let boilerplate: Vec<String> = story("our newsletter", 3);
        for topic in ["a", "b", "c", "d", "e", "f"] {
            let mut text = story(topic, 2);
            text.extend(boilerplate.iter().cloned());
            // Three shared paragraphs of five are not enough (below 70 %), and after
            // COMMON_PARAGRAPH_DOCUMENTS documents they no longer count at all.
            assert_eq!(index.add(&text.join("\n\n")), None, "{topic}");
        }
        let mut longer = story("g", 1);
        longer.extend(boilerplate.iter().cloned());
        assert_eq!(
            index.add(&longer.join("\n\n")),
            None,
            "common paragraphs never fold"
        );
    }

    #[test]
    fn short_paragraphs_and_empty_texts_count_for_nothing() {
        let mut index = ParagraphIndex::new();
        assert_eq!(index.add(""), None);
        assert_eq!(index.add("Read more\n\nShare\n\nSubscribe"), None);
        assert_eq!(index.add("Read more\n\nShare\n\nSubscribe"), None);
        assert_eq!(index.len(), 3);
    }
}
