//! Deciding suggestions: link to an existing record, create a new one, or reject; the
//! [`Information`] that makes the document a source of every accepted claim; bulk acceptance
//! of the confident ones; and the same decision carried over to the same mention elsewhere in
//! the document's near-duplicate cluster.

use amparo_model::records::{
    ClaimRef, Document, Event, Information, Organization, Person, PersonSensitive, Place,
    RecordLink, SourceRef, Suggestion, SuggestionKind, SuggestionStatus,
};
use amparo_model::vocab::{VocabularyId, vocabulary};
use amparo_model::{
    DatePeriod, DocumentId, EventId, FuzzyDate, OrganizationId, PersonId, PlaceId, RecordBody,
    RecordKind,
};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::process::{MAX_TITLE_CHARS, cut};
use super::{Candidate, Planned, candidates, is_name, mention_key, new_record, record_kind_of};
use crate::{Actor, App, AppError, Versioned};

/// How a person decides a suggestion.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// A name: link it to this existing person, organization or place (a candidate or any
    /// other record of the kind). A date, count, quote, post or violation cue: accept it as
    /// a source of this existing event.
    Link(RecordLink),
    /// A name: create a person (the name into the sensitive fields, the next pseudonym
    /// code), an organization or a place, named `name` when given (a correction), else as
    /// proposed. A violation cue: create an event of its violation type, titled `name` when
    /// given, else by its sentence.
    CreateNew {
        /// The name or title to use instead of the proposed one.
        name: Option<String>,
    },
    /// Not what it seems: nothing is recorded but the decision.
    Reject,
}

/// What a decision did.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionOutcome {
    /// The suggestion as decided.
    pub suggestion: Versioned<Suggestion>,
    /// The record it was linked to or created, when accepted.
    pub record: Option<RecordLink>,
    /// The information record that names the document as the source, when accepted.
    pub information_id: Option<Uuid>,
    /// Pending suggestions of the same mention (in the cluster) decided the same way.
    pub carried_over: usize,
}

/// One suggestion linked by [`App::accept_confident`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BulkLinked {
    /// The suggestion.
    pub suggestion_id: Uuid,
    /// Its text.
    pub text: String,
    /// The record it was linked to.
    pub record: Candidate,
}

/// What [`App::accept_confident`] did and left.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BulkReport {
    /// The suggestions linked, in text order.
    pub linked: Vec<BulkLinked>,
    /// Pending suggestions of the same mentions decided along with them.
    pub carried_over: usize,
    /// The suggestions of the document still waiting for a person.
    pub left: Vec<Uuid>,
}

/// Where a suggestion's span is, for the information record: offsets and the words.
fn locator(suggestion: &Suggestion) -> String {
    format!(
        "characters {}–{}: “{}”",
        suggestion.start,
        suggestion.end,
        cut(&suggestion.text, 500)
    )
}

/// The information record that makes `document` the source of the claim `link`, at the
/// suggestion's span.
pub(crate) fn information(
    document: &Document,
    document_id: Uuid,
    suggestion_id: Uuid,
    suggestion: &Suggestion,
    link: RecordLink,
) -> Result<Information, AppError> {
    let claim = match link.kind {
        RecordKind::Person => ClaimRef::Person(PersonId(link.id)),
        RecordKind::Organization => ClaimRef::Organization(OrganizationId(link.id)),
        RecordKind::Place => ClaimRef::Place(PlaceId(link.id)),
        RecordKind::Event => ClaimRef::Event(EventId(link.id)),
        other => {
            return Err(AppError::NotAllowed(format!(
                "a suggestion cannot be accepted into a {other}: link it to a person, organization, place or event"
            )));
        }
    };
    Ok(Information {
        source: SourceRef::Document(DocumentId(document_id)),
        claim,
        source_kind: if document.url.is_some() {
            "news-article"
        } else {
            "other"
        }
        .to_owned(),
        // The reviewer accepted that the text says it, not that it is true.
        reliability: "unknown".to_owned(),
        language: document.language.clone(),
        locator: locator(suggestion),
        notes: format!("Accepted from suggestion {suggestion_id}."),
    })
}

/// Marks a suggestion as decided like the suggestion `from`.
pub(crate) fn remembered(
    suggestion: &mut Suggestion,
    from: Uuid,
    status: SuggestionStatus,
    link: Option<RecordLink>,
) {
    suggestion.status = status;
    suggestion.accepted_into = link;
    if let Some(proposal) = suggestion.proposal.as_object_mut() {
        proposal.insert(
            "remembered_from".to_owned(),
            Value::String(from.to_string()),
        );
    } else {
        suggestion.proposal = serde_json::json!({"remembered_from": from.to_string()});
    }
}

/// A period from a proposal's `{"value": "2025-03", …}` date.
fn period_of(date: Option<&Value>) -> Option<DatePeriod> {
    let value = date?.get("value")?.as_str()?;
    let date: FuzzyDate = value.parse().ok()?;
    Some(DatePeriod::between(date, date))
}

fn term_or_other(vocabulary_id: VocabularyId, term: Option<&String>) -> String {
    term.filter(|term| vocabulary(vocabulary_id).contains(term))
        .cloned()
        .unwrap_or_else(|| "other".to_owned())
}

impl App {
    /// Decides one pending suggestion. Accepting writes, in one transaction, the record
    /// created (if any), an [`Information`] record naming the document and the span as the
    /// source of the claim, and the suggestion's new version; for a violation cue accepted
    /// into an event, the event gains the violation type if it lacked it. Then the same
    /// decision is carried over to pending suggestions of the same mention in the document's
    /// near-duplicate cluster.
    pub async fn decide(
        &self,
        actor: &Actor,
        suggestion_id: Uuid,
        decision: Decision,
    ) -> Result<DecisionOutcome, AppError> {
        self.require_review_role(actor, "review suggestions")
            .await?;
        let current: Versioned<Suggestion> = self.get(actor, suggestion_id).await?;
        if current.body.status != SuggestionStatus::Pending {
            return Err(AppError::NotAllowed(format!(
                "suggestion {suggestion_id} was already {}; a decision is not made twice",
                match current.body.status {
                    SuggestionStatus::Accepted => "accepted",
                    _ => "rejected",
                }
            )));
        }
        let document: Versioned<Document> = self.get(actor, current.body.document_id.0).await?;
        let mut suggestion = current.body.clone();
        let mut planned = Vec::new();
        let link = match decision {
            Decision::Reject => {
                suggestion.status = SuggestionStatus::Rejected;
                None
            }
            Decision::Link(link) => {
                let expected = record_kind_of(suggestion.kind);
                if link.kind != expected {
                    return Err(AppError::NotAllowed(format!(
                        "a {} suggestion is linked to a {expected}, not a {}",
                        super::kind_name(suggestion.kind),
                        link.kind
                    )));
                }
                let target = self.get_record(actor, link.kind, link.id).await?;
                if let (SuggestionKind::Violation, Some(amparo_model::Record::Event(event))) =
                    (suggestion.kind, target.record)
                    && let Some(term) = suggestion.proposal.get("term").and_then(Value::as_str)
                    && !event.violation_types.iter().any(|known| known == term)
                {
                    let mut event = event;
                    event.violation_types.push(term.to_owned());
                    planned.push(Planned {
                        id: link.id,
                        expected_version: target.version,
                        record: event.into_record(),
                    });
                }
                Some(link)
            }
            Decision::CreateNew { name } => {
                let cases = self.document_cases(&document.body).await?;
                let (id, record) = self.new_record_for(&suggestion, &document, name, &cases)?;
                planned.push(Planned {
                    id,
                    expected_version: 0,
                    record,
                });
                Some(RecordLink {
                    kind: record_kind_of(suggestion.kind),
                    id,
                })
            }
        };
        let mut information_id = None;
        if let Some(link) = link {
            suggestion.status = SuggestionStatus::Accepted;
            suggestion.accepted_into = Some(link);
            let id = Uuid::now_v7();
            information_id = Some(id);
            planned.push(Planned {
                id,
                expected_version: 0,
                record: information(
                    &document.body,
                    document.id,
                    suggestion_id,
                    &suggestion,
                    link,
                )?
                .into_record(),
            });
        }
        planned.push(Planned {
            id: suggestion_id,
            expected_version: current.version,
            record: suggestion.into_record(),
        });
        self.write_planned(actor, planned).await?;
        let decided: Versioned<Suggestion> = self.get(actor, suggestion_id).await?;
        // The decision is made; someone deciding a copy at the same moment only means that
        // copy keeps their decision.
        let carried_over = match self.carry_over(actor, &decided, &document).await {
            Ok(count) => count,
            Err(AppError::Conflict(error)) => {
                tracing::warn!(suggestion.id = %suggestion_id, %error, "decision not carried over");
                0
            }
            Err(error) => return Err(error),
        };
        Ok(DecisionOutcome {
            suggestion: decided,
            record: link,
            information_id,
            carried_over,
        })
    }

    /// The record "create new" makes for a suggestion.
    fn new_record_for(
        &self,
        suggestion: &Suggestion,
        document: &Versioned<Document>,
        name: Option<String>,
        cases: &[amparo_model::CaseId],
    ) -> Result<(Uuid, amparo_model::Record), AppError> {
        let proposed = new_record(suggestion);
        let name = name
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .or_else(|| proposed.as_ref().map(|new| new.name.clone()))
            .unwrap_or_else(|| suggestion.text.trim().to_owned());
        let term = proposed.as_ref().and_then(|new| new.term.as_ref());
        // The words of the text, when the record is named otherwise, help the next match.
        let also = (suggestion.text.trim() != name).then(|| suggestion.text.trim().to_owned());
        let record = match suggestion.kind {
            SuggestionKind::Person => Person {
                sensitive: Some(PersonSensitive {
                    full_name: name,
                    aliases: also.into_iter().collect(),
                    ..PersonSensitive::default()
                }),
                case_ids: cases.to_vec(),
                ..Person::default()
            }
            .into_record(),
            SuggestionKind::Organization => Organization {
                name,
                aliases: also.into_iter().collect(),
                kind: term_or_other(VocabularyId::OrganizationKind, term),
                ..Organization::default()
            }
            .into_record(),
            SuggestionKind::Place => Place {
                name_en: name.clone(),
                name_es: name,
                other_names: also.into_iter().collect(),
                kind: term_or_other(VocabularyId::PlaceKind, term),
                ..Place::default()
            }
            .into_record(),
            SuggestionKind::Violation => {
                let sentence = suggestion
                    .proposal
                    .get("sentence")
                    .and_then(Value::as_str)
                    .unwrap_or(&suggestion.text);
                // When it happened: a date of the same sentence, else no later than the
                // document's publication.
                let period =
                    period_of(suggestion.proposal.get("date")).unwrap_or_else(|| DatePeriod {
                        start: None,
                        end: document
                            .body
                            .published_at
                            .map(|at| FuzzyDate::from_date(at.date())),
                    });
                let title = if document.body.title.trim().is_empty() {
                    String::new()
                } else {
                    format!(" ({})", document.body.title.trim())
                };
                Event {
                    title: cut(&name, MAX_TITLE_CHARS),
                    description: format!("“{}”{title}", sentence.trim()),
                    period,
                    violation_types: term
                        .filter(|term| vocabulary(VocabularyId::ViolationType).contains(term))
                        .cloned()
                        .into_iter()
                        .collect(),
                    case_ids: cases.to_vec(),
                    ..Event::default()
                }
                .into_record()
            }
            other => {
                return Err(AppError::NotAllowed(format!(
                    "a {} suggestion supports an existing event: link it to one, or reject it",
                    super::kind_name(other)
                )));
            }
        };
        Ok((Uuid::now_v7(), record))
    }

    /// Decides the pending suggestions of the same mention as `decided` the same way: in
    /// the other documents of its near-duplicate cluster, and for a name in its own
    /// document too. Returns how many.
    async fn carry_over(
        &self,
        actor: &Actor,
        decided: &Versioned<Suggestion>,
        document: &Versioned<Document>,
    ) -> Result<usize, AppError> {
        let key = mention_key(&decided.body);
        let status = decided.body.status;
        let link = decided.body.accepted_into;
        let mut planned = Vec::new();
        for document_id in self.cluster_documents(actor, document).await? {
            if document_id == document.id && !is_name(decided.body.kind) {
                continue;
            }
            let other: Versioned<Document> = if document_id == document.id {
                document.clone()
            } else {
                self.get(actor, document_id).await?
            };
            for pending in self.suggestions(actor, document_id).await? {
                if pending.id == decided.id
                    || pending.body.status != SuggestionStatus::Pending
                    || mention_key(&pending.body) != key
                {
                    continue;
                }
                let mut suggestion = pending.body.clone();
                super::decide::remembered(&mut suggestion, decided.id, status, link);
                if let Some(link) = link {
                    planned.push(Planned {
                        id: Uuid::now_v7(),
                        expected_version: 0,
                        record: information(&other.body, other.id, pending.id, &suggestion, link)?
                            .into_record(),
                    });
                }
                planned.push(Planned {
                    id: pending.id,
                    expected_version: pending.version,
                    record: suggestion.into_record(),
                });
            }
        }
        let count = planned
            .iter()
            .filter(|item| item.record.kind() == RecordKind::Suggestion)
            .count();
        self.write_planned(actor, planned).await?;
        Ok(count)
    }

    /// Links every pending person, organization and place suggestion of a document whose
    /// confidence is at least `threshold` and whose best candidate scores at least
    /// `threshold` and [`super::CLEAR_LEAD`] more than the second; everything else is left
    /// for a person. Returns what was linked and what is left.
    pub async fn accept_confident(
        &self,
        actor: &Actor,
        document_id: Uuid,
        threshold: f32,
    ) -> Result<BulkReport, AppError> {
        self.require_review_role(actor, "review suggestions")
            .await?;
        let mut report = BulkReport::default();
        for suggestion in self.suggestions(actor, document_id).await? {
            let body = &suggestion.body;
            if body.status != SuggestionStatus::Pending
                || !is_name(body.kind)
                || body.confidence < threshold
            {
                continue;
            }
            let Some(best) = clear_best(&candidates(body), threshold) else {
                continue;
            };
            // An earlier link in this run may have decided it along with its mention.
            let now: Versioned<Suggestion> = self.get(actor, suggestion.id).await?;
            if now.body.status != SuggestionStatus::Pending {
                continue;
            }
            let link = RecordLink {
                kind: best.kind,
                id: best.id,
            };
            let outcome = self
                .decide(actor, suggestion.id, Decision::Link(link))
                .await?;
            report.carried_over += outcome.carried_over;
            report.linked.push(BulkLinked {
                suggestion_id: suggestion.id,
                text: body.text.clone(),
                record: best,
            });
        }
        report.left = self
            .suggestions(actor, document_id)
            .await?
            .into_iter()
            .filter(|suggestion| suggestion.body.status == SuggestionStatus::Pending)
            .map(|suggestion| suggestion.id)
            .collect();
        Ok(report)
    }
}

/// The best candidate when it is clearly the one: at least `threshold`, and
/// [`super::CLEAR_LEAD`] ahead of the second.
pub fn clear_best(candidates: &[Candidate], threshold: f32) -> Option<Candidate> {
    let mut sorted = candidates.to_vec();
    sorted.sort_by(|a, b| b.score.total_cmp(&a.score));
    let best = sorted.first()?;
    let clear = sorted
        .get(1)
        .is_none_or(|second| best.score - second.score >= super::CLEAR_LEAD);
    (best.score >= threshold && clear).then(|| best.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(score: f32) -> Candidate {
        Candidate {
            kind: RecordKind::Person,
            id: Uuid::now_v7(),
            label: "P-0001".to_owned(),
            score,
        }
    }

    #[test]
    fn a_clear_best_must_score_and_lead() {
        assert!(clear_best(&[], 0.9).is_none());
        assert!(clear_best(&[candidate(0.95)], 0.9).is_some());
        assert!(clear_best(&[candidate(0.85)], 0.9).is_none());
        assert!(clear_best(&[candidate(0.95), candidate(0.93)], 0.9).is_none());
        let best = candidate(1.0);
        assert_eq!(clear_best(&[candidate(0.6), best.clone()], 0.9), Some(best));
    }

    #[test]
    fn periods_come_from_proposed_dates() {
        let date = serde_json::json!({"value": "2025-03", "precision": "month"});
        let period = period_of(Some(&date)).expect("a period");
        assert_eq!(period.start, Some(FuzzyDate::month(2025, 3).unwrap()));
        assert_eq!(period_of(Some(&serde_json::json!({"value": null}))), None);
        assert_eq!(period_of(None), None);
    }
}
