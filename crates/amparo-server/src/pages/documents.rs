//! A document's page: the text made from a captured page, in paragraphs, with passages in
//! another language marked with their `lang` (so that screen readers switch voice), and its
//! near-duplicate cluster: the first-seen original and its copies, and a link to the review of
//! what was found in the text.

use amparo_app::{AppError, Versioned};
use amparo_model::records::{Document, LanguagePassage, SuggestionStatus};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;

use super::dashboard::short_time;
use super::{Chrome, IdPath, SignedIn, respond};
use crate::AppState;
use crate::i18n::I18n;

/// A stretch of a paragraph; `lang` is set for a passage in another language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The text.
    pub text: String,
    /// The passage's language (BCP 47), when it differs from the document's.
    pub lang: Option<String>,
}

/// Byte ranges of `text` for character offsets: one pass over the text.
fn byte_offsets(text: &str, mut wanted: Vec<u64>) -> Vec<(u64, usize)> {
    wanted.sort_unstable();
    wanted.dedup();
    let mut found = Vec::with_capacity(wanted.len());
    let mut next = wanted.iter().peekable();
    for (index, (byte, _)) in text.char_indices().enumerate() {
        while let Some(&&offset) = next.peek() {
            if offset > index as u64 {
                break;
            }
            found.push((offset, byte));
            next.next();
        }
        if next.peek().is_none() {
            break;
        }
    }
    found.extend(next.map(|offset| (*offset, text.len())));
    found
}

/// The document's text as paragraphs (separated by blank lines) of pieces, passages in another
/// language than `main` marked. Passages out of range, empty or overlapping an earlier one are
/// dropped or cut rather than failing the page.
pub fn paragraphs(text: &str, passages: &[LanguagePassage], main: Option<&str>) -> Vec<Vec<Piece>> {
    let mut passages: Vec<&LanguagePassage> = passages
        .iter()
        .filter(|passage| passage.start < passage.end)
        .filter(|passage| main.is_none_or(|main| !passage.language.eq_ignore_ascii_case(main)))
        .collect();
    passages.sort_by_key(|passage| (passage.start, passage.end));
    let offsets = byte_offsets(
        text,
        passages
            .iter()
            .flat_map(|passage| [passage.start, passage.end])
            .collect(),
    );
    let byte_of = |offset: u64| {
        offsets
            .binary_search_by_key(&offset, |(offset, _)| *offset)
            .map_or(text.len(), |index| offsets[index].1)
    };
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    for passage in passages {
        let start = byte_of(passage.start).max(spans.last().map_or(0, |last| last.1));
        let end = byte_of(passage.end);
        if start < end {
            spans.push((start, end, passage.language.as_str()));
        }
    }
    let mut first_span = 0;
    paragraph_ranges(text)
        .into_iter()
        .map(|(start, end)| {
            let mut pieces = Vec::new();
            let mut cursor = start;
            while spans.get(first_span).is_some_and(|span| span.1 <= start) {
                first_span += 1;
            }
            for &(span_start, span_end, lang) in &spans[first_span..] {
                if span_start >= end {
                    break;
                }
                let (from, to) = (span_start.max(start), span_end.min(end));
                if from > cursor {
                    pieces.push(Piece {
                        text: text[cursor..from].to_owned(),
                        lang: None,
                    });
                }
                if to > from {
                    pieces.push(Piece {
                        text: text[from..to].to_owned(),
                        lang: Some(lang.to_owned()),
                    });
                }
                cursor = cursor.max(to);
            }
            if cursor < end {
                pieces.push(Piece {
                    text: text[cursor..end].to_owned(),
                    lang: None,
                });
            }
            pieces
        })
        .filter(|pieces: &Vec<Piece>| !pieces.is_empty())
        .collect()
}

/// A document in a cluster list.
struct Member {
    href: String,
    title: String,
    note: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    i: I18n,
    c: Chrome,
    id: String,
    title: String,
    lang: Option<String>,
    fields: Vec<(String, String)>,
    url: Option<String>,
    capture: String,
    copy_of: Option<Member>,
    problems: Vec<String>,
    paragraphs: Vec<Vec<Piece>>,
    has_passages: bool,
    original: Option<Member>,
    copies: Vec<Member>,
    /// How many suggestions wait for review, in words.
    review_pending: String,
}

fn language_name(i: I18n, code: &str) -> String {
    match i.get(&format!("language.{}", code.to_ascii_lowercase())) {
        Some(name) => format!("{name} ({code})"),
        None => code.to_owned(),
    }
}

fn title_of(i: I18n, document: &Document) -> String {
    if document.title.trim().is_empty() {
        i.t("document.untitled").to_owned()
    } else {
        document.title.clone()
    }
}

fn member(i: I18n, document: &Versioned<Document>, current: Uuid) -> Member {
    let body = &document.body;
    let mut note = Vec::new();
    if let Some(published) = body.published_at {
        note.push(short_time(published));
    }
    if let Some(url) = &body.url {
        note.push(url.clone());
    }
    Member {
        href: format!("/documents/{}", document.id),
        title: title_of(i, body),
        note: note.join(" · "),
        current: document.id == current,
    }
}

async fn build(state: &AppState, page: &SignedIn, id: Uuid) -> Result<DocumentPage, AppError> {
    let i = page.i;
    let actor = page.actor();
    let document: Versioned<Document> = state.app.get(actor, id).await?;
    // An original deleted since leaves the copy without a cluster to show, not without a page.
    let cluster = match state.app.document_cluster(actor, id).await {
        Ok(cluster) => Some(cluster),
        Err(AppError::NotFound { .. }) => None,
        Err(error) => return Err(error),
    };
    let pending = state
        .app
        .suggestions(actor, id)
        .await?
        .iter()
        .filter(|suggestion| suggestion.body.status == SuggestionStatus::Pending)
        .count();
    let body = &document.body;
    let mut fields = Vec::new();
    if !body.byline.trim().is_empty() {
        fields.push((i.t("document.byline").to_owned(), body.byline.clone()));
    }
    if let Some(published) = body.published_at {
        fields.push((i.t("document.published").to_owned(), short_time(published)));
    }
    if let Some(language) = &body.language {
        fields.push((
            i.t("document.language").to_owned(),
            language_name(i, language),
        ));
    }
    fields.push((
        i.t("document.recorded").to_owned(),
        format!("{} ({})", short_time(document.recorded_at), document.actor),
    ));
    let paragraphs = paragraphs(&body.text, &body.passages, body.language.as_deref());
    let has_passages = paragraphs
        .iter()
        .flatten()
        .any(|piece| piece.lang.is_some());
    let copy_of = match (&cluster, body.duplicate_of) {
        (Some(cluster), Some(_)) if cluster.original.id != id => {
            Some(member(i, &cluster.original, id))
        }
        (_, Some(original)) => Some(Member {
            href: format!("/documents/{original}"),
            title: i.t("feed.page.an_original").to_owned(),
            note: String::new(),
            current: false,
        }),
        _ => None,
    };
    let (original, copies) = match &cluster {
        Some(cluster) => (
            Some(member(i, &cluster.original, id)),
            cluster
                .copies
                .iter()
                .map(|copy| member(i, copy, id))
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    Ok(DocumentPage {
        i,
        c: page.chrome("feeds"),
        id: id.to_string(),
        title: title_of(i, body),
        lang: body.language.clone(),
        fields,
        url: body.url.clone(),
        capture: format!("/captures/{}", body.capture_id),
        copy_of,
        problems: body.problems.clone(),
        paragraphs,
        has_passages,
        original,
        copies,
        review_pending: i.tf("document.review_pending", &[("count", &pending)]),
    })
}

/// `GET /documents/{id}`: a document with its text and its cluster.
pub async fn document_page(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
) -> Response {
    respond(&page, build(&state, &page, id).await)
}

/// The paragraphs of a document's text as byte ranges: runs of lines that are not blank, each
/// without its trailing white space.
pub(crate) fn paragraph_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            ranges.extend(current.take());
        } else {
            let end = at + line.trim_end().len();
            current = Some((current.map_or(at, |(start, _)| start), end));
        }
        at += line.len();
    }
    ranges.extend(current);
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(start: u64, end: u64, language: &str) -> LanguagePassage {
        LanguagePassage {
            start,
            end,
            language: language.to_owned(),
        }
    }

    fn shown(paragraphs: &[Vec<Piece>]) -> Vec<Vec<(String, Option<String>)>> {
        paragraphs
            .iter()
            .map(|pieces| {
                pieces
                    .iter()
                    .map(|piece| (piece.text.clone(), piece.lang.clone()))
                    .collect()
            })
            .collect()
    }

    fn plain(text: &str) -> (String, Option<String>) {
        (text.to_owned(), None)
    }

    fn marked(text: &str, lang: &str) -> (String, Option<String>) {
        (text.to_owned(), Some(lang.to_owned()))
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let text = "First line\nstill first.\n\n  \nSecond.\n";
        assert_eq!(
            shown(&paragraphs(text, &[], Some("en"))),
            [
                vec![plain("First line\nstill first.")],
                vec![plain("Second.")]
            ]
        );
        assert!(paragraphs("", &[], None).is_empty());
    }

    #[test]
    fn passages_are_marked_by_character_offsets_across_paragraphs() {
        // "ñ" and "é" are two bytes each: offsets are in characters.
        let text = "Año uno. Dijo: qué tal.\n\nHello there. Fin.";
        let dijo = text.chars().position(|c| c == 'D').unwrap() as u64;
        let fin = text.chars().count() as u64 - 4;
        let passages = [passage(dijo, fin, "es")];
        assert_eq!(
            shown(&paragraphs(text, &passages, Some("en"))),
            [
                vec![plain("Año uno. "), marked("Dijo: qué tal.", "es")],
                vec![marked("Hello there. ", "es"), plain("Fin.")]
            ]
        );
    }

    #[test]
    fn passages_in_the_main_language_out_of_range_or_overlapping_are_tamed() {
        let text = "abc def ghi";
        let passages = [
            passage(0, 3, "en"),
            passage(4, 100, "es"),
            passage(5, 6, "pt"),
            passage(9, 9, "ca"),
        ];
        assert_eq!(
            shown(&paragraphs(text, &passages, Some("en"))),
            [vec![plain("abc "), marked("def ghi", "es")]]
        );
    }
}
