//! The text of an article page: main text without navigation, ads, comments and related-links
//! boilerplate, plus title, byline and publication time (issue 5, part 2).
//!
//! [`extract_article`] takes the fetched bytes (in any charset, possibly undeclared) and never
//! fails: what it could not do lands in [`Article::problems`]. Language is left to the caller,
//! which runs language identification on [`Article::text`].

mod blocks;
mod boilerplate;
pub(crate) mod charset;
mod content;
mod date;
pub(crate) mod dom;
mod entities;
mod metadata;
pub(crate) mod tags;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Main text shorter than this (in characters) is reported as a problem.
const SHORT_TEXT_CHARS: usize = 200;

/// What was extracted from one article page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Article {
    /// The headline, from JSON-LD, OpenGraph or other metadata, else `<title>` or `<h1>`.
    pub title: Option<String>,
    /// The author line as the page gives it (several authors joined with ", ").
    pub byline: Option<String>,
    /// The publication time, in the offset the page gave (UTC when it gave none).
    pub published: Option<OffsetDateTime>,
    /// The main text: paragraphs in page order, separated by blank lines.
    pub text: String,
    /// Everything that went wrong or was guessed, for people to read.
    pub problems: Vec<String>,
}

/// Extracts the article from a fetched page. `url` is where the page came from, if known; it
/// is only used as a last resort for the publication date. Never panics, never fails.
pub fn extract_article(html: &[u8], url: Option<&str>) -> Article {
    let mut problems = Vec::new();
    let source = charset::decode_html(html, &mut problems);
    let dom = dom::Dom::parse(&source);
    if dom.too_deep {
        problems.push("elements nested too deeply were flattened".to_string());
    }
    let metadata = metadata::extract_metadata(&dom, url, &mut problems);
    let text = content::main_text(
        &dom,
        metadata.title.as_deref(),
        metadata.description.as_deref(),
    );
    let chars = text.chars().count();
    if chars == 0 {
        problems.push("no main text found".to_string());
    } else if chars < SHORT_TEXT_CHARS {
        problems.push(format!("main text is short ({chars} characters)"));
    }
    if metadata.title.is_none() {
        problems.push("no title found".to_string());
    }
    Article {
        title: metadata.title,
        byline: metadata.byline,
        published: metadata.published,
        text,
        problems,
    }
}

/// A short piece of HTML (a feed item's title) as plain text: tags dropped, entities decoded,
/// runs of whitespace made one space.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    let mut search_from = 0;
    while let Some(found) = rest[search_from..].find('<') {
        let start = search_from + found;
        let opens_tag = rest[start + 1..]
            .chars()
            .next()
            .is_some_and(|next| next.is_ascii_alphabetic() || next == '/' || next == '!');
        let end = rest[start..].find('>');
        match (opens_tag, end) {
            (true, Some(end)) => {
                entities::decode_into(&rest[..start], &mut text);
                text.push(' ');
                rest = &rest[start + end + 1..];
                search_from = 0;
            }
            // A lone `<` ("A < B") is text.
            _ => search_from = start + 1,
        }
    }
    entities::decode_into(rest, &mut text);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod plain_text_tests {
    use super::plain_text;

    #[test]
    fn tags_go_entities_decode_and_a_lone_angle_bracket_stays() {
        assert_eq!(
            plain_text("<b>Deportados</b> &amp; <i>liberados</i>"),
            "Deportados & liberados"
        );
        assert_eq!(plain_text("A < B and C"), "A < B and C");
        assert_eq!(plain_text("  two\n lines "), "two lines");
        assert_eq!(plain_text("cut <span"), "cut <span");
    }
}

/// The JSON shape `amparo inspect article` prints.
#[derive(Serialize)]
struct InspectArticle<'a> {
    title: Option<&'a str>,
    byline: Option<&'a str>,
    published: Option<String>,
    language: &'a str,
    text: &'a str,
    problems: &'a [String],
}

impl Article {
    /// The publication time as RFC 3339 in UTC (`2024-06-25T10:00:00Z`).
    pub fn published_rfc3339(&self) -> Option<String> {
        self.published
            .and_then(|time| time.to_offset(UtcOffset::UTC).format(&Rfc3339).ok())
    }

    /// The pretty-printed JSON object `{"title", "byline", "published", "language", "text",
    /// "problems"}` that `amparo inspect article` prints; `language` comes from the caller's
    /// language identification.
    pub fn to_inspect_json(&self, language: &str) -> String {
        let view = InspectArticle {
            title: self.title.as_deref(),
            byline: self.byline.as_deref(),
            published: self.published_rfc3339(),
            language,
            text: &self.text,
            problems: &self.problems,
        };
        serde_json::to_string_pretty(&view).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Collapses every whitespace run to one space and trims.
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
