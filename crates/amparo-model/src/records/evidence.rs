//! What was collected and what was made of it: captures (immutable bytes and how they were
//! obtained), documents (their text) and suggestions (what a machine proposes from the text).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Fields, LONG_TEXT, SHORT_TEXT, link_all, no_repeats};
use crate::{CaptureId, CaseId, DocumentId, RecordKind, Reference, ValidationErrors};

/// How a capture's bytes were obtained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum CaptureOrigin {
    /// A file given to Amparo (CLI or upload form).
    File {
        /// The file's name as given (no directories).
        file_name: String,
    },
    /// A URL fetched by Amparo.
    Url {
        /// The URL asked for.
        requested_url: String,
        /// The URL the bytes came from, after redirects.
        final_url: String,
        /// Each redirect hop after the first request.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        redirects: Vec<String>,
        /// The HTTP status of the final response.
        status: u16,
        /// Response headers kept as evidence metadata (lowercase names).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        headers: Vec<(String, String)>,
        /// The address connected to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remote_addr: Option<String>,
    },
}

/// Immutable bytes and how they were obtained: the unit of evidence.
///
/// The bytes live in the blob store under a keyed hash of `sha256` that only the installation
/// can compute, so the record names its blob without the blob store revealing its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    /// Plain SHA-256 of the bytes, lowercase hex, for anyone to verify.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type, such as `text/html` or `video/mp4`.
    pub media_type: String,
    /// How the bytes were obtained.
    pub origin: CaptureOrigin,
    /// When Amparo obtained them.
    #[serde(with = "time::serde::rfc3339")]
    pub obtained_at: OffsetDateTime,
    /// Who obtained them (`cli:alice`, `user:<id>`).
    pub obtained_by: String,
    /// Cases it belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub case_ids: Vec<CaseId>,
    /// A note on why or how it was captured.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

fn is_lower_hex(text: &str, length: usize) -> bool {
    text.len() == length && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Fields for Capture {
    fn check(&self, errors: &mut ValidationErrors) {
        if !is_lower_hex(&self.sha256, 64) {
            errors.push("sha256", "must be 64 lowercase hexadecimal digits");
        }
        let media_ok = self.media_type.split_once('/').is_some_and(|(kind, sub)| {
            !kind.is_empty() && !sub.is_empty() && !self.media_type.contains(char::is_whitespace)
        });
        if !media_ok {
            errors.push(
                "media_type",
                format!(
                    "{:?} is not a media type such as text/html",
                    self.media_type
                ),
            );
        }
        match &self.origin {
            CaptureOrigin::File { file_name } => {
                errors.required_text("origin.file_name", file_name, 1_000);
                if file_name.contains('/') || file_name.contains('\\') {
                    errors.push(
                        "origin.file_name",
                        "must be a bare file name without folders",
                    );
                }
            }
            CaptureOrigin::Url {
                requested_url,
                final_url,
                ..
            } => {
                errors.required_text("origin.requested_url", requested_url, 8_000);
                errors.required_text("origin.final_url", final_url, 8_000);
            }
        }
        errors.required_text("obtained_by", &self.obtained_by, SHORT_TEXT);
        no_repeats(errors, "case_ids", &self.case_ids);
        errors.max_len("note", &self.note, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = Vec::new();
        link_all(&mut links, "case_ids", RecordKind::Case, &self.case_ids);
        links
    }

    fn short_label(&self) -> String {
        let name = match &self.origin {
            CaptureOrigin::File { file_name } => file_name.as_str(),
            CaptureOrigin::Url { final_url, .. } => final_url.as_str(),
        };
        format!("{name} ({})", &self.sha256[..self.sha256.len().min(12)])
    }
}

/// The text made from a capture.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// The capture it was made from.
    pub capture_id: CaptureId,
    /// Title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Author line.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub byline: String,
    /// When it was published, as the source says.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub published_at: Option<OffsetDateTime>,
    /// Main language, BCP 47.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The main text, paragraphs separated by blank lines.
    pub text: String,
    /// The first-seen document of its near-duplicate cluster, when it is a copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<DocumentId>,
    /// The canonical URL of the page it was made from (no tracking parameters, no fragment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Stretches of `text` in another language than `language`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passages: Vec<LanguagePassage>,
    /// SHA-256 of the normalized text, in lowercase hex: equal for exact copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The 64-bit SimHash of the text as 16 lowercase hex digits: close for near copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simhash: Option<String>,
    /// What went wrong or had to be guessed while making the text, for people to read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// A stretch of a document's text in another language than the document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguagePassage {
    /// Offset of the first character, in characters (Unicode scalar values) from the start.
    pub start: u64,
    /// Offset one past the last character.
    pub end: u64,
    /// The passage's language, BCP 47.
    pub language: String,
}

impl Fields for Document {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.max_len("title", &self.title, 2_000);
        errors.max_len("byline", &self.byline, SHORT_TEXT);
        if let Some(language) = &self.language {
            errors.language("language", language);
        }
        errors.max_len("text", &self.text, 10_000_000);
        if let Some(url) = &self.url {
            errors.required_text("url", url, 8_000);
        }
        for (index, passage) in self.passages.iter().enumerate() {
            if passage.start >= passage.end {
                errors.push(
                    format!("passages[{index}].end"),
                    "must be greater than start",
                );
            }
            errors.language(&format!("passages[{index}].language"), &passage.language);
        }
        if let Some(fingerprint) = &self.fingerprint
            && !is_lower_hex(fingerprint, 64)
        {
            errors.push("fingerprint", "must be 64 lowercase hexadecimal digits");
        }
        if let Some(simhash) = &self.simhash
            && !is_lower_hex(simhash, 16)
        {
            errors.push("simhash", "must be 16 lowercase hexadecimal digits");
        }
        for (index, problem) in self.problems.iter().enumerate() {
            errors.max_len(&format!("problems[{index}]"), problem, SHORT_TEXT);
        }
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = vec![Reference::new(
            "capture_id",
            RecordKind::Capture,
            self.capture_id,
        )];
        if let Some(original) = self.duplicate_of {
            links.push(Reference::new(
                "duplicate_of",
                RecordKind::Document,
                original,
            ));
        }
        links
    }

    fn short_label(&self) -> String {
        if self.title.is_empty() {
            "untitled document".to_owned()
        } else {
            self.title.clone()
        }
    }
}

/// What a suggestion proposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuggestionKind {
    /// A person mentioned.
    Person,
    /// An organization mentioned.
    Organization,
    /// A place mentioned.
    Place,
    /// A date.
    Date,
    /// A count of people.
    Count,
    /// A quotation and its speaker.
    Quote,
    /// An embedded social-media post.
    Post,
    /// A cue of a violation type.
    Violation,
}

/// Where a suggestion stands in review.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuggestionStatus {
    /// Waiting for a person.
    #[default]
    Pending,
    /// Accepted (possibly corrected) into a record.
    Accepted,
    /// Rejected.
    Rejected,
}

/// A record a suggestion was accepted into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLink {
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id.
    pub id: Uuid,
}

/// A machine proposal found in a document's text, for a person to accept, correct or reject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    /// The document it was found in.
    pub document_id: DocumentId,
    /// What it proposes.
    pub kind: SuggestionKind,
    /// Start of the span, in characters of the document's text.
    pub start: u32,
    /// End of the span (exclusive), in characters.
    pub end: u32,
    /// The text of the span.
    pub text: String,
    /// The extractor's confidence, 0 to 1.
    pub confidence: f32,
    /// The proposal's details (normalized value, candidates with scores).
    #[serde(default)]
    pub proposal: serde_json::Value,
    /// Where it stands.
    #[serde(default)]
    pub status: SuggestionStatus,
    /// The record it was accepted into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_into: Option<RecordLink>,
}

impl Fields for Suggestion {
    fn check(&self, errors: &mut ValidationErrors) {
        if self.end <= self.start {
            errors.push(
                "end",
                format!("{} must be after start {}", self.end, self.start),
            );
        }
        errors.required_text("text", &self.text, 20_000);
        if !(0.0..=1.0).contains(&self.confidence) {
            errors.push(
                "confidence",
                format!("{} is not between 0 and 1", self.confidence),
            );
        }
        match (self.status, self.accepted_into) {
            (SuggestionStatus::Accepted, None) => errors.push(
                "accepted_into",
                "is required once the suggestion is accepted",
            ),
            (SuggestionStatus::Pending | SuggestionStatus::Rejected, Some(_)) => {
                errors.push("accepted_into", "is only for an accepted suggestion")
            }
            _ => {}
        }
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = vec![Reference::new(
            "document_id",
            RecordKind::Document,
            self.document_id,
        )];
        if let Some(link) = self.accepted_into {
            links.push(Reference::new("accepted_into", link.kind, link.id));
        }
        links
    }

    fn short_label(&self) -> String {
        let kind = serde_json::to_value(self.kind)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        format!("{kind}: {}", self.text.chars().take(60).collect::<String>())
    }
}
