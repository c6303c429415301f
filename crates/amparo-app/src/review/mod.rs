//! Suggestions and their review (issue 6): what `amparo-extract` finds in a document's text
//! becomes [`Suggestion`] records, each linked to the records it may stand for; a person
//! accepts (links or creates), corrects or rejects each one, and every acceptance writes an
//! [`Information`](amparo_model::records::Information) record naming the document and the span,
//! so that every claim shows its source.
//!
//! * `process.rs`: [`App::suggest`] and [`App::suggest_pending`] (the installation's
//!   gazetteer, extraction, one suggestion per finding, decisions remembered from the
//!   document's near-duplicate cluster);
//! * `decide.rs`: [`App::decide`] and [`App::accept_confident`] (decisions, bulk acceptance,
//!   and carrying a decision over to the same mention in the cluster);
//! * this file: the proposal's shape, listing, and the one write path of both.
//!
//! How it works, for people: docs/review.md.

mod decide;
mod process;

use std::collections::{HashMap, HashSet};

use amparo_model::records::{Document, Right, Suggestion, SuggestionKind, SuggestionStatus};
use amparo_model::{Record, RecordKind, ValidationErrors};
use amparo_store::{Change, StoredVersion};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::records::PSEUDONYM_SEQUENCE;
use crate::{Actor, App, AppError, Versioned};

pub use decide::{BulkLinked, BulkReport, Decision, DecisionOutcome};
pub use process::{PendingReport, ProcessReport};

/// The confidence and candidate score from which [`App::accept_confident`] links a mention
/// without asking, unless told otherwise.
pub const DEFAULT_CONFIDENT: f32 = 0.9;

/// How far the best candidate must be ahead of the second for a bulk link.
pub const CLEAR_LEAD: f32 = 0.05;

/// The job kind that marks a document version as processed (in the store's job table, so
/// that [`App::suggest_pending`] does not read a document without findings again and again).
pub(crate) const SUGGEST_JOB: &str = "suggest";

/// A record a mention may stand for, as stored in a suggestion's proposal. For a person the
/// label is the pseudonym code: a proposal is read by everyone who may read the document, so
/// it never holds a real name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The record's kind (person, organization, place).
    pub kind: RecordKind,
    /// The record's id.
    pub id: Uuid,
    /// What to show: a pseudonym code (`P-0042`), an organization's or a place's name.
    pub label: String,
    /// How well the mention matched the record's names, from 0 to 1.
    pub score: f32,
}

/// What "create new" makes of a mention, as stored in a suggestion's proposal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewRecord {
    /// The kind of record (person, organization, place, event).
    pub kind: RecordKind,
    /// The name (an event's title).
    pub name: String,
    /// A vocabulary term: a place's or an organization's kind, an event's violation type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// The key of the built-in list entry the name came from (`country:sv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin: Option<String>,
}

/// The candidates stored in a suggestion's proposal, best first.
pub fn candidates(suggestion: &Suggestion) -> Vec<Candidate> {
    suggestion
        .proposal
        .get("candidates")
        .and_then(|candidates| serde_json::from_value(candidates.clone()).ok())
        .unwrap_or_default()
}

/// What "create new" would make of a suggestion, when it can make anything.
pub fn new_record(suggestion: &Suggestion) -> Option<NewRecord> {
    suggestion
        .proposal
        .get("new")
        .and_then(|new| serde_json::from_value(new.clone()).ok())
}

/// The suggestion whose decision was carried over to this one, when it was decided that way.
pub fn remembered_from(suggestion: &Suggestion) -> Option<Uuid> {
    suggestion
        .proposal
        .get("remembered_from")
        .and_then(Value::as_str)
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// Whether a suggestion names a person, an organization or a place (which are linked to
/// records), rather than a date, count, quote, post or violation (which support an event).
pub fn is_name(kind: SuggestionKind) -> bool {
    matches!(
        kind,
        SuggestionKind::Person | SuggestionKind::Organization | SuggestionKind::Place
    )
}

/// The record kind a name suggestion links to.
pub(crate) fn record_kind_of(kind: SuggestionKind) -> RecordKind {
    match kind {
        SuggestionKind::Person => RecordKind::Person,
        SuggestionKind::Organization => RecordKind::Organization,
        SuggestionKind::Place => RecordKind::Place,
        _ => RecordKind::Event,
    }
}

/// The stable id of a suggestion: the same finding in the same text of the same document
/// always gets the same id, so processing again adds nothing.
pub(crate) fn suggestion_id(
    document_id: Uuid,
    kind: SuggestionKind,
    start: u32,
    end: u32,
    text: &str,
) -> Uuid {
    let mut hash = Sha256::new();
    hash.update(b"amparo suggestion v1\0");
    hash.update(document_id.as_bytes());
    hash.update(kind_name(kind).as_bytes());
    hash.update(start.to_be_bytes());
    hash.update(end.to_be_bytes());
    hash.update(text.as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// `person`, `date`, … as in the record's JSON.
pub fn kind_name(kind: SuggestionKind) -> &'static str {
    match kind {
        SuggestionKind::Person => "person",
        SuggestionKind::Organization => "organization",
        SuggestionKind::Place => "place",
        SuggestionKind::Date => "date",
        SuggestionKind::Count => "count",
        SuggestionKind::Quote => "quote",
        SuggestionKind::Post => "post",
        SuggestionKind::Violation => "violation",
    }
}

/// What makes two suggestions "the same mention": their kind and folded text.
pub(crate) fn mention_key(suggestion: &Suggestion) -> (SuggestionKind, String) {
    let folded = amparo_extract::text::fold(&suggestion.text);
    (
        suggestion.kind,
        folded.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

/// A record to write as part of one decision or one processing run.
pub(crate) struct Planned {
    pub(crate) id: Uuid,
    pub(crate) expected_version: u32,
    pub(crate) record: Record,
}

impl App {
    /// The suggestions found in a document, in text order.
    pub async fn suggestions(
        &self,
        actor: &Actor,
        document_id: Uuid,
    ) -> Result<Vec<Versioned<Suggestion>>, AppError> {
        // Fails with "not found" for a document that does not exist.
        let _: Versioned<Document> = self.get(actor, document_id).await?;
        let mut found = self
            .referring::<Suggestion>(actor, RecordKind::Document, document_id)
            .await?;
        found.retain(|suggestion| suggestion.body.document_id.0 == document_id);
        found.sort_by_key(|suggestion| (suggestion.body.start, suggestion.body.end, suggestion.id));
        Ok(found)
    }

    /// The real names of the persons among `candidates`, for a reader who may see sensitive
    /// fields (an empty map for anyone else): what the review page shows beside a code.
    pub async fn candidate_names(
        &self,
        actor: &Actor,
        candidates: &[Candidate],
    ) -> Result<HashMap<Uuid, String>, AppError> {
        let mut names = HashMap::new();
        for candidate in candidates {
            if candidate.kind != RecordKind::Person || names.contains_key(&candidate.id) {
                continue;
            }
            match self
                .get::<amparo_model::records::Person>(actor, candidate.id)
                .await
            {
                Ok(person) => {
                    if let Some(name) = person
                        .body
                        .sensitive
                        .map(|sensitive| sensitive.full_name)
                        .filter(|name| !name.trim().is_empty())
                    {
                        names.insert(candidate.id, name);
                    }
                }
                Err(AppError::NotFound { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(names)
    }

    /// How many suggestions wait for a person, across the installation.
    pub async fn pending_suggestions(&self, actor: &Actor) -> Result<usize, AppError> {
        Ok(self
            .list::<Suggestion>(actor)
            .await?
            .iter()
            .filter(|suggestion| suggestion.body.status == SuggestionStatus::Pending)
            .count())
    }

    /// The documents with suggestions waiting for a person, with how many each, most first.
    pub async fn documents_to_review(&self, actor: &Actor) -> Result<Vec<(Uuid, usize)>, AppError> {
        let mut counts: HashMap<Uuid, usize> = HashMap::new();
        for suggestion in self.list::<Suggestion>(actor).await? {
            if suggestion.body.status == SuggestionStatus::Pending {
                *counts.entry(suggestion.body.document_id.0).or_default() += 1;
            }
        }
        let mut counts: Vec<(Uuid, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(counts)
    }

    /// Writes the records of a decision or a processing run in one transaction, after the
    /// checks [`App::create_record`] and [`App::update_record`] make: fields, links (to stored
    /// records or to records of the same write) and, for a new person without a code, the next
    /// pseudonym code once everything else is known to be right.
    pub(crate) async fn write_planned(
        &self,
        actor: &Actor,
        mut planned: Vec<Planned>,
    ) -> Result<Vec<StoredVersion>, AppError> {
        if planned.is_empty() {
            return Ok(Vec::new());
        }
        // A decision needs the review right (or the write right) on every record it writes.
        let mut gate = self.gate(actor).await?;
        for item in &mut planned {
            let old = if item.expected_version > 0 {
                match self.store.get(item.record.kind(), item.id).await? {
                    Some(stored) if !stored.deleted => {
                        Some(crate::records::decode(stored.kind, stored.body)?)
                    }
                    _ => None,
                }
            } else {
                None
            };
            let right = if gate.access.is_admin() {
                Right::Write
            } else {
                let probe = self.scope_of(&mut gate, item.id, &item.record).await?;
                if gate.access.holds_in(Right::Review, &probe) {
                    Right::Review
                } else {
                    Right::Write
                }
            };
            let record = std::mem::replace(&mut item.record, Record::Case(Default::default()));
            item.record = self
                .check_write_with(&mut gate, item.id, record, old.as_ref(), right)
                .await?;
        }
        let in_write: HashSet<(RecordKind, Uuid)> = planned
            .iter()
            .map(|item| (item.record.kind(), item.id))
            .collect();
        let mut exists: HashMap<(RecordKind, Uuid), bool> = HashMap::new();
        let mut need_codes = Vec::new();
        for (index, item) in planned.iter().enumerate() {
            let needs_code = matches!(
                &item.record,
                Record::Person(person) if person.pseudonym.trim().is_empty()
            );
            let checked = match (&item.record, needs_code) {
                (Record::Person(person), true) => {
                    need_codes.push(index);
                    let mut candidate = person.clone();
                    candidate.pseudonym = "P-0000".to_owned();
                    Record::Person(candidate).validate()
                }
                (record, _) => record.validate(),
            };
            checked.map_err(AppError::Invalid)?;
            let mut errors = ValidationErrors {
                kind: item.record.kind().to_string(),
                errors: Vec::new(),
            };
            for reference in item.record.references() {
                let key = (reference.kind, reference.id);
                if in_write.contains(&key) {
                    continue;
                }
                let found = match exists.get(&key) {
                    Some(found) => *found,
                    None => {
                        let stored = self.store.get(reference.kind, reference.id).await?;
                        let found = stored.is_some_and(|version| !version.deleted);
                        exists.insert(key, found);
                        found
                    }
                };
                if !found {
                    errors.push(
                        reference.field,
                        format!("there is no {} with id {}", reference.kind, reference.id),
                    );
                }
            }
            if !errors.errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
        }
        for index in need_codes {
            let number = self.store.next_in_sequence(PSEUDONYM_SEQUENCE).await?;
            if let Some(Planned {
                record: Record::Person(person),
                ..
            }) = planned.get_mut(index)
            {
                person.pseudonym = format!("P-{number:04}");
            }
        }
        let label = actor.label();
        let at = OffsetDateTime::now_utc();
        let changes: Vec<Change> = planned
            .into_iter()
            .map(|item| Change {
                kind: item.record.kind(),
                id: item.id,
                expected_version: item.expected_version,
                body: Some(item.record.to_json()),
                actor: label.clone(),
                at,
            })
            .collect();
        Ok(self.write_changes(&changes).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestion_ids_are_stable_and_distinct() {
        let document = Uuid::from_u128(7);
        let a = suggestion_id(document, SuggestionKind::Person, 3, 9, "Pérez");
        assert_eq!(
            a,
            suggestion_id(document, SuggestionKind::Person, 3, 9, "Pérez")
        );
        assert_ne!(
            a,
            suggestion_id(document, SuggestionKind::Place, 3, 9, "Pérez")
        );
        assert_ne!(
            a,
            suggestion_id(document, SuggestionKind::Person, 3, 9, "Perez")
        );
        assert_ne!(
            a,
            suggestion_id(Uuid::from_u128(8), SuggestionKind::Person, 3, 9, "Pérez")
        );
    }
}
