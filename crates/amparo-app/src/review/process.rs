//! Processing a document: the installation's gazetteer, `amparo_extract::extract` over the
//! document's text, one [`Suggestion`] per finding with its candidates, and the decisions
//! already made on the same mention in the document's near-duplicate cluster.

use std::collections::HashMap;

use amparo_extract::{Extraction, Gazetteer, GazetteerEntry, Language, Mention, NameKind, Options};
use amparo_model::records::{
    Document, Organization, Person, Place, RecordLink, Suggestion, SuggestionKind, SuggestionStatus,
};
use amparo_model::vocab::{VocabularyId, vocabulary};
use amparo_model::{DocumentId, RecordBody, RecordKind};
use amparo_store::{JobOutcome, JobRow, JobState};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::decide::{information, remembered};
use super::{
    Candidate, NewRecord, Planned, SUGGEST_JOB, is_name, mention_key, record_kind_of, suggestion_id,
};
use crate::{Actor, App, AppError, Versioned};

/// Only the first this many characters of a document are read: a news article is a few
/// thousand; a 10-million-character transcript would hold up the reviewer and the worker.
pub const MAX_TEXT_CHARS: usize = 200_000;

/// At most this many suggestions are made from one document (in text order).
pub const MAX_SUGGESTIONS: usize = 2_000;

/// Longest span text stored in a suggestion, in characters (the record's limit).
const MAX_SPAN_CHARS: usize = 20_000;

/// Longest title given to a new event, in characters (the record's limit).
pub(crate) const MAX_TITLE_CHARS: usize = 300;

/// What processing one document did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcessReport {
    /// The document.
    pub document_id: Uuid,
    /// The version of the document that was read.
    pub document_version: u32,
    /// Suggestions made now.
    pub created: usize,
    /// Suggestions that existed already (from an earlier run), left as they were.
    pub existing: usize,
    /// Of those made now, how many were decided at once as the same mention was decided in
    /// another document of the cluster.
    pub remembered: usize,
    /// Whether the text or the findings were cut at [`MAX_TEXT_CHARS`] or [`MAX_SUGGESTIONS`].
    pub truncated: bool,
    /// What the extractor could not read or had to guess.
    pub problems: Vec<String>,
}

/// What [`App::suggest_pending`] did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PendingReport {
    /// One report per document processed.
    pub processed: Vec<ProcessReport>,
    /// Documents without suggestions that this run did not reach (some of them may have been
    /// processed before and held nothing to suggest).
    pub remaining: usize,
}

/// The installation's names, ready for extraction, and what each entry stands for.
pub(crate) struct Known {
    gazetteer: Gazetteer,
    /// Entry id → the record it stands for and the label shown for it.
    records: HashMap<String, (RecordKind, Uuid, String)>,
    /// Entry id → index in the gazetteer's entries, for the built-in lists.
    builtin: HashMap<String, usize>,
}

fn distinct(names: impl IntoIterator<Item = String>, except: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let name = name.trim();
        if !name.is_empty() && name != except && !out.iter().any(|known| known == name) {
            out.push(name.to_owned());
        }
    }
    out
}

/// The two-letter language of a BCP 47 code, when extraction knows it.
fn language_of(code: Option<&str>) -> Option<Language> {
    code.and_then(|code| Language::from_code(code.split(['-', '_']).next().unwrap_or(code)))
}

/// The first `max` characters of `text`, and whether it was longer.
fn head(text: &str, max: usize) -> (&str, bool) {
    match text.char_indices().nth(max) {
        Some((byte, _)) => (&text[..byte], true),
        None => (text, false),
    }
}

pub(crate) fn cut(text: &str, max: usize) -> String {
    head(text, max).0.to_owned()
}

impl App {
    /// The gazetteer of the installation's persons (real names and aliases: this read is
    /// internal, and what reaches a suggestion is the pseudonym code), organizations and
    /// places, plus the built-in lists.
    pub(crate) async fn review_gazetteer(&self) -> Result<Known, AppError> {
        let internal = Actor::system("review");
        let mut entries = Vec::new();
        let mut records = HashMap::new();
        for person in self.list::<Person>(&internal).await? {
            let Some(sensitive) = &person.body.sensitive else {
                continue;
            };
            let mut names = distinct(
                std::iter::once(sensitive.full_name.clone()).chain(sensitive.aliases.clone()),
                "",
            );
            if names.is_empty() {
                continue;
            }
            let name = names.remove(0);
            let id = person.id.to_string();
            records.insert(
                id.clone(),
                (RecordKind::Person, person.id, person.body.pseudonym.clone()),
            );
            entries.push(GazetteerEntry {
                id,
                kind: NameKind::Person,
                name,
                aliases: names,
                detail: None,
            });
        }
        for organization in self.list::<Organization>(&internal).await? {
            let body = &organization.body;
            if body.name.trim().is_empty() {
                continue;
            }
            let id = organization.id.to_string();
            records.insert(
                id.clone(),
                (RecordKind::Organization, organization.id, body.label()),
            );
            entries.push(GazetteerEntry {
                id,
                kind: NameKind::Organization,
                name: body.name.trim().to_owned(),
                aliases: distinct(
                    std::iter::once(body.acronym.clone()).chain(body.aliases.clone()),
                    body.name.trim(),
                ),
                detail: Some(body.kind.clone()),
            });
        }
        for place in self.list::<Place>(&internal).await? {
            let body = &place.body;
            let mut names = distinct(
                [body.name_en.clone(), body.name_es.clone()]
                    .into_iter()
                    .chain(body.other_names.clone()),
                "",
            );
            if names.is_empty() {
                continue;
            }
            let name = names.remove(0);
            let id = place.id.to_string();
            records.insert(id.clone(), (RecordKind::Place, place.id, body.label()));
            entries.push(GazetteerEntry {
                id,
                kind: NameKind::Place,
                name,
                aliases: names,
                detail: Some(body.kind.clone()),
            });
        }
        let gazetteer = Gazetteer::with_builtin(entries);
        let builtin = gazetteer
            .entries()
            .iter()
            .enumerate()
            .filter(|(_, entry)| !records.contains_key(&entry.id))
            .map(|(index, entry)| (entry.id.clone(), index))
            .collect();
        Ok(Known {
            gazetteer,
            records,
            builtin,
        })
    }

    /// Reads a document's text and makes one suggestion per person, organization and place
    /// mentioned, date, count of people, quotation, embedded post and violation cue, each
    /// with its candidates among the installation's records. Running it again adds only what
    /// is new (a suggestion's id comes from the document, the span and its text) and never
    /// changes a decision. A mention already decided in another document of the
    /// near-duplicate cluster is decided the same way at once.
    pub async fn suggest(
        &self,
        actor: &Actor,
        document_id: Uuid,
    ) -> Result<ProcessReport, AppError> {
        self.require_review_role(actor, "process documents for suggestions")
            .await?;
        let document: Versioned<Document> = self.get(actor, document_id).await?;
        let known = self.review_gazetteer().await?;
        self.process_document(actor, &document, &known).await
    }

    /// Processes the documents given (those a batch of page jobs just stored), reading the
    /// installation's names once; a document deleted meanwhile is passed over. The same as
    /// [`App::suggest`] for each, in order.
    pub async fn suggest_documents(
        &self,
        actor: &Actor,
        document_ids: &[Uuid],
    ) -> Result<Vec<ProcessReport>, AppError> {
        self.require_review_role(actor, "process documents for suggestions")
            .await?;
        if document_ids.is_empty() {
            return Ok(Vec::new());
        }
        let known = self.review_gazetteer().await?;
        let mut reports = Vec::with_capacity(document_ids.len());
        for id in document_ids {
            let document: Versioned<Document> = match self.get(actor, *id).await {
                Ok(document) => document,
                Err(AppError::NotFound { .. }) => continue,
                Err(error) => return Err(error),
            };
            reports.push(self.process_document(actor, &document, &known).await?);
        }
        Ok(reports)
    }

    /// Processes up to `limit` documents that have no suggestions yet and were not processed
    /// in their current version, oldest first. Meant for background work after new documents
    /// are stored (the feed poller's page jobs), and for `amparo review --pending`.
    pub async fn suggest_pending(
        &self,
        actor: &Actor,
        limit: usize,
    ) -> Result<PendingReport, AppError> {
        self.require_review_role(actor, "process documents for suggestions")
            .await?;
        let with_suggestions: std::collections::HashSet<Uuid> = self
            .list::<Suggestion>(actor)
            .await?
            .into_iter()
            .map(|suggestion| suggestion.body.document_id.0)
            .collect();
        let waiting: Vec<Versioned<Document>> = self
            .list::<Document>(actor)
            .await?
            .into_iter()
            .filter(|document| !with_suggestions.contains(&document.id))
            .collect();
        let mut report = PendingReport::default();
        let mut known = None;
        let mut looked_at = 0;
        for document in &waiting {
            if report.processed.len() >= limit {
                break;
            }
            looked_at += 1;
            let done = self
                .store
                .job_by_key(SUGGEST_JOB, &job_key(document))
                .await?
                .is_some_and(|job| job.state == JobState::Done);
            if done {
                continue;
            }
            if known.is_none() {
                known = Some(self.review_gazetteer().await?);
            }
            if let Some(known) = &known {
                report
                    .processed
                    .push(self.process_document(actor, document, known).await?);
            }
        }
        report.remaining = waiting.len() - looked_at;
        Ok(report)
    }

    async fn process_document(
        &self,
        actor: &Actor,
        document: &Versioned<Document>,
        known: &Known,
    ) -> Result<ProcessReport, AppError> {
        let body = &document.body;
        let (text, text_cut) = head(&body.text, MAX_TEXT_CHARS);
        let options = Options {
            language: language_of(body.language.as_deref()),
            published: body.published_at.map(OffsetDateTime::date),
        };
        let extraction = amparo_extract::extract(text, &options, &known.gazetteer);
        let mut drafts = drafts(document, text, &extraction, known);
        let findings_cut = drafts.len() > MAX_SUGGESTIONS;
        drafts.truncate(MAX_SUGGESTIONS);
        let mut problems = extraction.problems.clone();
        if text_cut {
            problems.push(format!(
                "only the first {MAX_TEXT_CHARS} characters of the text were read"
            ));
        }
        if findings_cut {
            problems.push(format!(
                "only the first {MAX_SUGGESTIONS} findings were kept"
            ));
        }

        let existing = self.suggestions(actor, document.id).await?;
        let existing_ids: std::collections::HashSet<Uuid> =
            existing.iter().map(|suggestion| suggestion.id).collect();
        let decided = self.cluster_decisions(actor, document, &existing).await?;
        let mut planned = Vec::new();
        let (mut created, mut already, mut remembered_count) = (0, 0, 0);
        for (id, mut suggestion) in drafts {
            if existing_ids.contains(&id) {
                already += 1;
                continue;
            }
            // A suggestion someone deleted stays deleted.
            if self.store.get(RecordKind::Suggestion, id).await?.is_some() {
                already += 1;
                continue;
            }
            if let Some((from, status, link)) = decided.get(&mention_key(&suggestion)) {
                let link = match link {
                    Some(link) => self.still_there(*link).await?.then_some(*link),
                    None => None,
                };
                match (status, link) {
                    (SuggestionStatus::Accepted, Some(link)) => {
                        remembered(
                            &mut suggestion,
                            *from,
                            SuggestionStatus::Accepted,
                            Some(link),
                        );
                        planned.push(Planned {
                            id: Uuid::now_v7(),
                            expected_version: 0,
                            record: information(
                                &document.body,
                                document.id,
                                id,
                                &suggestion,
                                link,
                            )?
                            .into_record(),
                        });
                        remembered_count += 1;
                    }
                    (SuggestionStatus::Rejected, _) => {
                        remembered(&mut suggestion, *from, SuggestionStatus::Rejected, None);
                        remembered_count += 1;
                    }
                    _ => {}
                }
            }
            created += 1;
            planned.push(Planned {
                id,
                expected_version: 0,
                record: suggestion.into_record(),
            });
        }
        self.write_planned(actor, planned).await?;
        self.mark_processed(document, created).await?;
        tracing::info!(
            document.id = %document.id,
            created,
            existing = already,
            remembered = remembered_count,
            "document processed for suggestions"
        );
        Ok(ProcessReport {
            document_id: document.id,
            document_version: document.version,
            created,
            existing: already,
            remembered: remembered_count,
            truncated: text_cut || findings_cut,
            problems,
        })
    }

    /// Whether a record a decision linked to still exists.
    pub(crate) async fn still_there(&self, link: RecordLink) -> Result<bool, AppError> {
        Ok(self
            .store
            .get(link.kind, link.id)
            .await?
            .is_some_and(|version| !version.deleted))
    }

    /// The decisions made on mentions in the document's cluster: in the other documents for
    /// every kind, and in this one for names (a name decided once in a text stands for the
    /// same record wherever the text repeats it). Keyed by kind and folded text; the first
    /// decision found wins (the original's, then the copies' in order).
    async fn cluster_decisions(
        &self,
        actor: &Actor,
        document: &Versioned<Document>,
        own: &[Versioned<Suggestion>],
    ) -> Result<HashMap<(SuggestionKind, String), Decided>, AppError> {
        let mut decided = HashMap::new();
        let mut note = |suggestion: &Versioned<Suggestion>, same_document: bool| {
            let body = &suggestion.body;
            if body.status == SuggestionStatus::Pending || (same_document && !is_name(body.kind)) {
                return;
            }
            decided.entry(mention_key(body)).or_insert((
                suggestion.id,
                body.status,
                body.accepted_into,
            ));
        };
        for suggestion in own {
            note(suggestion, true);
        }
        for other in self.cluster_documents(actor, document).await? {
            if other != document.id {
                for suggestion in self.suggestions(actor, other).await? {
                    note(&suggestion, false);
                }
            }
        }
        Ok(decided)
    }

    /// The documents of a document's near-duplicate cluster (itself included), the original
    /// first; just the document when it is in no cluster or its original is gone.
    pub(crate) async fn cluster_documents(
        &self,
        actor: &Actor,
        document: &Versioned<Document>,
    ) -> Result<Vec<Uuid>, AppError> {
        match self.document_cluster(actor, document.id).await {
            Ok(cluster) => Ok(std::iter::once(cluster.original.id)
                .chain(cluster.copies.iter().map(|copy| copy.id))
                .collect()),
            Err(AppError::NotFound { .. }) => Ok(vec![document.id]),
            Err(error) => Err(error),
        }
    }

    /// Records in the job table that this version of the document was processed, so that
    /// [`App::suggest_pending`] passes over it even when it held nothing to suggest.
    async fn mark_processed(
        &self,
        document: &Versioned<Document>,
        created: usize,
    ) -> Result<(), AppError> {
        let now = OffsetDateTime::now_utc();
        let key = job_key(document);
        self.store
            .enqueue_jobs(&[JobRow::pending(
                SUGGEST_JOB,
                key.clone(),
                None,
                json!({"document_id": document.id, "version": document.version}),
                now,
            )])
            .await?;
        if let Some(job) = self.store.job_by_key(SUGGEST_JOB, &key).await?
            && job.state != JobState::Done
        {
            let outcome = JobOutcome::Done {
                result: json!({"created": created}),
                at: now,
            };
            self.store.finish_job(job.id, &outcome).await?;
        }
        Ok(())
    }
}

/// A decision found in the cluster: the suggestion, how it was decided, and into what.
type Decided = (Uuid, SuggestionStatus, Option<RecordLink>);

fn job_key(document: &Versioned<Document>) -> String {
    format!("{}@{}", document.id, document.version)
}

/// The text of characters `start..end`, through a table of every character's byte offset.
struct Chars<'a> {
    text: &'a str,
    bytes: Vec<usize>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
        bytes.push(text.len());
        Self { text, bytes }
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        let last = self.bytes.len() - 1;
        let (start, end) = (start.min(last), end.min(last));
        &self.text[self.bytes[start]..self.bytes[end.max(start)]]
    }
}

/// One draft suggestion per finding, in text order, each with its stable id.
fn drafts(
    document: &Versioned<Document>,
    text: &str,
    extraction: &Extraction,
    known: &Known,
) -> Vec<(Uuid, Suggestion)> {
    let chars = Chars::new(text);
    let base = |kind: SuggestionKind, start: usize, end: usize, shown: &str, confidence: f32| {
        let shown = if shown.trim().is_empty() {
            chars.slice(start, end)
        } else {
            shown
        };
        Suggestion {
            document_id: DocumentId(document.id),
            kind,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
            text: cut(shown, MAX_SPAN_CHARS),
            confidence: confidence.clamp(0.0, 1.0),
            proposal: json!({"document_version": document.version}),
            status: SuggestionStatus::Pending,
            accepted_into: None,
        }
    };
    let mut out: Vec<Suggestion> = Vec::new();
    for (kind, mentions) in [
        (SuggestionKind::Person, &extraction.persons),
        (SuggestionKind::Organization, &extraction.organizations),
        (SuggestionKind::Place, &extraction.places),
    ] {
        for mention in mentions {
            let mut suggestion = base(
                kind,
                mention.start,
                mention.end,
                &mention.text,
                mention.confidence,
            );
            name_proposal(&mut suggestion.proposal, kind, mention, known);
            out.push(suggestion);
        }
    }
    for date in &extraction.dates {
        let mut suggestion = base(
            SuggestionKind::Date,
            date.start,
            date.end,
            &date.text,
            if date.value.is_some() { 0.9 } else { 0.6 },
        );
        extend(
            &mut suggestion.proposal,
            json!({"value": date.value, "precision": date.precision}),
        );
        out.push(suggestion);
    }
    for count in &extraction.counts {
        let confidence = match (count.value, count.approximate) {
            (Some(_), false) => 0.9,
            (Some(_), true) => 0.75,
            (None, _) => 0.6,
        };
        let mut suggestion = base(
            SuggestionKind::Count,
            count.start,
            count.end,
            &count.text,
            confidence,
        );
        extend(
            &mut suggestion.proposal,
            json!({"value": count.value, "approximate": count.approximate}),
        );
        out.push(suggestion);
    }
    for quote in &extraction.quotes {
        let confidence = if quote.speaker.is_some() { 0.8 } else { 0.6 };
        let mut suggestion = base(
            SuggestionKind::Quote,
            quote.start,
            quote.end,
            &quote.text,
            confidence,
        );
        extend(&mut suggestion.proposal, json!({"speaker": quote.speaker}));
        out.push(suggestion);
    }
    for post in &extraction.posts {
        let mut suggestion = base(SuggestionKind::Post, post.start, post.end, "", 0.85);
        extend(
            &mut suggestion.proposal,
            json!({
                "platform": post.platform,
                "author": post.author,
                "handle": post.handle,
                "date": post.date,
                "language": post.language,
                "post_text": cut(&post.text, MAX_SPAN_CHARS),
                "links": post.links,
            }),
        );
        out.push(suggestion);
    }
    for cue in &extraction.violations {
        let mut suggestion = base(SuggestionKind::Violation, cue.start, cue.end, "", 0.7);
        // A date named in the same sentence is the likeliest time of what it tells.
        let sentence_chars = cue.sentence.chars().count();
        let date = extraction.dates.iter().find(|date| {
            date.value.is_some()
                && cue.sentence.contains(&date.text)
                && date.start.abs_diff(cue.start) <= sentence_chars
        });
        let new = NewRecord {
            kind: RecordKind::Event,
            name: cut(cue.sentence.trim(), MAX_TITLE_CHARS),
            term: Some(cue.term.clone()),
            builtin: None,
        };
        extend(
            &mut suggestion.proposal,
            json!({
                "term": cue.term,
                "label": cue.label,
                "sentence": cut(&cue.sentence, MAX_SPAN_CHARS),
                "date": date.map(|date| json!({"value": date.value, "precision": date.precision})),
                "new": new,
            }),
        );
        out.push(suggestion);
    }
    let mut drafts: Vec<(Uuid, Suggestion)> = out
        .into_iter()
        .filter(|suggestion| {
            suggestion.end > suggestion.start && !suggestion.text.trim().is_empty()
        })
        .map(|suggestion| {
            let id = suggestion_id(
                document.id,
                suggestion.kind,
                suggestion.start,
                suggestion.end,
                &suggestion.text,
            );
            (id, suggestion)
        })
        .collect();
    drafts.sort_by_key(|(id, suggestion)| (suggestion.start, suggestion.end, *id));
    drafts.dedup_by_key(|(id, _)| *id);
    drafts
}

fn extend(proposal: &mut Value, more: Value) {
    if let (Some(proposal), Value::Object(more)) = (proposal.as_object_mut(), more) {
        for (key, value) in more {
            if !value.is_null() {
                proposal.insert(key, value);
            }
        }
    }
}

/// Candidates among the installation's records (never a built-in list key: those are not
/// records to link to) and what "create new" would make, from a built-in entry when the
/// mention matched one.
fn name_proposal(proposal: &mut Value, kind: SuggestionKind, mention: &Mention, known: &Known) {
    let record_kind = record_kind_of(kind);
    let mut candidates: Vec<Candidate> = Vec::new();
    for found in &mention.matches {
        if let Some((found_kind, id, label)) = known.records.get(&found.id)
            && *found_kind == record_kind
            && !candidates.iter().any(|candidate| candidate.id == *id)
        {
            candidates.push(Candidate {
                kind: *found_kind,
                id: *id,
                label: label.clone(),
                score: found.score,
            });
        }
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let builtin = mention
        .matches
        .iter()
        .filter_map(|found| known.builtin.get(&found.id))
        .filter_map(|index| known.gazetteer.entries().get(*index))
        .find(|entry| record_kind_of_name(entry.kind) == record_kind);
    let vocabulary_id = match record_kind {
        RecordKind::Organization => Some(VocabularyId::OrganizationKind),
        RecordKind::Place => Some(VocabularyId::PlaceKind),
        _ => None,
    };
    let term_of = |detail: Option<&String>| {
        let vocabulary_id = vocabulary_id?;
        detail
            .filter(|term| vocabulary(vocabulary_id).contains(term))
            .cloned()
    };
    let new = match builtin {
        Some(entry) => NewRecord {
            kind: record_kind,
            name: entry.name.clone(),
            term: term_of(entry.detail.as_ref()),
            builtin: Some(entry.id.clone()),
        },
        None => NewRecord {
            kind: record_kind,
            name: mention.text.trim().to_owned(),
            term: term_of(mention.detail.as_ref()),
            builtin: None,
        },
    };
    extend(
        proposal,
        json!({
            "candidates": candidates,
            "new": new,
            "detail": mention.detail,
        }),
    );
}

fn record_kind_of_name(kind: NameKind) -> RecordKind {
    match kind {
        NameKind::Person => RecordKind::Person,
        NameKind::Organization => RecordKind::Organization,
        NameKind::Place => RecordKind::Place,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_cuts_at_characters() {
        assert_eq!(head("año", 2), ("añ", true));
        assert_eq!(head("año", 3), ("año", false));
        assert_eq!(head("", 0), ("", false));
    }

    #[test]
    fn languages_with_regions_are_known() {
        assert_eq!(language_of(Some("es-VE")), Some(Language::Es));
        assert_eq!(language_of(Some("en")), Some(Language::En));
        assert_eq!(language_of(Some("pt")), None);
        assert_eq!(language_of(None), None);
    }

    #[test]
    fn chars_slice_by_character_offsets() {
        let chars = Chars::new("José Pérez");
        assert_eq!(chars.slice(5, 10), "Pérez");
        assert_eq!(chars.slice(8, 100), "ez");
        assert_eq!(chars.slice(100, 3), "");
    }
}
