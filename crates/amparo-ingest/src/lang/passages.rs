//! The passages of a document in another language: the document split into sentences and
//! lines with character offsets, each judged against the document's language, and runs of
//! foreign ones merged into passages.

use super::model::Scores;
use super::{MIN_PASSAGE_CONFIDENCE, MIN_PASSAGE_WORDS, Passage, UNDETERMINED, decide};

/// A sentence or line of a document.
pub(super) struct Unit {
    pub(super) byte_range: std::ops::Range<usize>,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Splits `text` into lines and, within lines, sentences ending in `.`, `!`, `?` or `…`
/// followed by whitespace; each unit is trimmed and its offsets counted in characters.
pub(super) fn segment(text: &str) -> Vec<Unit> {
    let bytes = text.as_bytes();
    let is_space_at = |index: usize| match bytes.get(index) {
        None => true,
        Some(byte) if byte.is_ascii() => byte.is_ascii_whitespace(),
        Some(_) => text[index..]
            .chars()
            .next()
            .is_some_and(char::is_whitespace),
    };
    let mut units = Vec::new();
    // Byte and character offsets of the open unit's start, and of the end of its last
    // non-space character.
    let mut current: Option<(usize, usize)> = None;
    let mut last_end = (0, 0);
    let mut n_chars = 0;
    let mut index = 0;
    while index < bytes.len() {
        let (c, width) = if bytes[index].is_ascii() {
            (char::from(bytes[index]), 1)
        } else {
            let c = text[index..]
                .chars()
                .next()
                .expect("index is a char boundary");
            (c, c.len_utf8())
        };
        let next = index + width;
        if c.is_whitespace() {
            if c == '\n'
                && let Some(start) = current.take()
            {
                units.push(unit(start, last_end));
            }
        } else {
            let start = *current.get_or_insert((index, n_chars));
            last_end = (next, n_chars + 1);
            if matches!(c, '.' | '!' | '?' | '…') && is_space_at(next) {
                units.push(unit(start, last_end));
                current = None;
            }
        }
        n_chars += 1;
        index = next;
    }
    if let Some(start) = current {
        units.push(unit(start, last_end));
    }
    units
}

fn unit((byte_start, char_start): (usize, usize), (byte_end, char_end): (usize, usize)) -> Unit {
    Unit {
        byte_range: byte_start..byte_end,
        start: char_start,
        end: char_end,
    }
}

/// Runs of units confidently in another language than the document's, merged across units
/// that are too short to say, kept when they hold at least [`MIN_PASSAGE_WORDS`] words.
pub(super) fn foreign_passages(
    text: &str,
    units: &[Unit],
    verdicts: &[(Verdict, u32)],
) -> Vec<Passage> {
    let mut passages = Vec::new();
    // The passage being built: its language, first and last foreign unit, and word count.
    let mut open: Option<(String, usize, usize, u32)> = None;
    for (index, (verdict, n_words)) in verdicts.iter().enumerate() {
        match (verdict, &mut open) {
            (Verdict::Unsure, _) => {}
            (Verdict::Foreign(language), Some((open_language, _, last, words)))
                if open_language == language =>
            {
                *last = index;
                *words += n_words;
            }
            (Verdict::Foreign(language), _) => {
                close(&mut passages, open.take(), text, units);
                open = Some((language.clone(), index, index, *n_words));
            }
            (Verdict::Document, _) => close(&mut passages, open.take(), text, units),
        }
    }
    close(&mut passages, open, text, units);
    passages
}

fn close(
    passages: &mut Vec<Passage>,
    open: Option<(String, usize, usize, u32)>,
    text: &str,
    units: &[Unit],
) {
    let Some((language, first, last, words)) = open else {
        return;
    };
    if words < MIN_PASSAGE_WORDS {
        return;
    }
    // Leave out leading and trailing emoji, bullets and dashes, but keep quotes and the
    // sentence's own punctuation.
    let (first, last) = (&units[first], &units[last]);
    let span = &text[first.byte_range.start..last.byte_range.end];
    let leading = span
        .chars()
        .take_while(|&c| !c.is_alphanumeric() && !is_opening(c))
        .count();
    let trailing = span
        .chars()
        .rev()
        .take_while(|&c| !c.is_alphanumeric() && !is_closing(c))
        .count();
    let (start, end) = (first.start + leading, last.end - trailing);
    if start < end {
        passages.push(Passage {
            start,
            end,
            language,
        });
    }
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '¿' | '¡' | '"' | '\'' | '“' | '‘' | '«' | '„' | '(' | '['
    )
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | '»' | ')' | ']'
    )
}

pub(super) enum Verdict {
    /// In the document's language, or a language the passage rules cannot name.
    Document,
    /// Confidently in another language.
    Foreign(String),
    /// Too short or too unsure to say.
    Unsure,
}

pub(super) fn unit_verdict(scores: &Scores, document_language: &str) -> Verdict {
    if scores.n_words < 2 {
        return Verdict::Unsure;
    }
    let detection = decide(scores);
    if detection.language == UNDETERMINED {
        return Verdict::Unsure;
    }
    if detection.language == document_language {
        return Verdict::Document;
    }
    if scores.n_words < MIN_PASSAGE_WORDS || detection.confidence < MIN_PASSAGE_CONFIDENCE {
        return Verdict::Unsure;
    }
    Verdict::Foreign(detection.language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_lines_and_sentences_with_char_offsets() {
        let text = "¿Dónde están?  Queremos saber.\n— Firma (@x)\n\nFin";
        let units: Vec<(&str, usize, usize)> = segment(text)
            .iter()
            .map(|unit| (&text[unit.byte_range.clone()], unit.start, unit.end))
            .collect();
        assert_eq!(
            units,
            [
                ("¿Dónde están?", 0, 13),
                ("Queremos saber.", 15, 30),
                ("— Firma (@x)", 31, 43),
                ("Fin", 45, 48),
            ]
        );
    }
}
