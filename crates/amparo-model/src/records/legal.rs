//! Legal tracking: cases, proceedings, docket entries, hearings and deadlines.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Fields, LONG_TEXT, SHORT_TEXT, link_all, no_repeats};
use crate::vocab::VocabularyId;
use crate::{
    CaptureId, CaseId, DatePrecision, FuzzyDate, OrganizationId, PersonId, ProceedingId,
    RecordKind, Reference, ValidationErrors,
};

/// Where a case stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    /// Being worked on.
    #[default]
    Open,
    /// On hold.
    Dormant,
    /// Finished.
    Closed,
}

/// A matter the team works on: the unit of need-to-know access.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// A short title.
    pub title: String,
    /// The team's own reference, such as `CECOT-2025`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// What the case is about.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Where it stands.
    #[serde(default)]
    pub status: CaseStatus,
    /// When the team opened it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened_on: Option<FuzzyDate>,
}

impl Fields for Case {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.required_text("title", &self.title, SHORT_TEXT);
        errors.max_len("reference", &self.reference, 80);
        errors.max_len("description", &self.description, LONG_TEXT);
    }

    fn short_label(&self) -> String {
        if self.reference.is_empty() {
            self.title.clone()
        } else {
            format!("{} — {}", self.reference, self.title)
        }
    }
}

/// Where a proceeding stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProceedingStatus {
    /// Being prepared, not yet filed.
    Preparing,
    /// Filed and open.
    #[default]
    Pending,
    /// Decided at this level.
    Decided,
    /// Under appeal.
    Appealed,
    /// Over.
    Closed,
}

/// A proceeding before a court or an international body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proceeding {
    /// The case it belongs to.
    pub case_id: CaseId,
    /// A term of the proceeding-kind vocabulary.
    pub kind: String,
    /// A short title (`J.G.G. v. Trump`).
    pub title: String,
    /// The court or body, as written in filings.
    pub forum: String,
    /// The court or body as an organization record, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forum_id: Option<OrganizationId>,
    /// The docket or petition number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docket_number: String,
    /// When it was filed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_on: Option<FuzzyDate>,
    /// Where it stands.
    #[serde(default)]
    pub status: ProceedingStatus,
    /// The persons it covers (petitioners, class members known by name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub person_ids: Vec<PersonId>,
    /// The proceeding this one appeals or continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<ProceedingId>,
    /// Notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Fields for Proceeding {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.term("kind", VocabularyId::ProceedingKind, &self.kind);
        errors.required_text("title", &self.title, SHORT_TEXT);
        errors.required_text("forum", &self.forum, SHORT_TEXT);
        errors.max_len("docket_number", &self.docket_number, 80);
        no_repeats(errors, "person_ids", &self.person_ids);
        errors.max_len("notes", &self.notes, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = vec![Reference::new("case_id", RecordKind::Case, self.case_id)];
        if let Some(forum_id) = self.forum_id {
            links.push(Reference::new(
                "forum_id",
                RecordKind::Organization,
                forum_id,
            ));
        }
        link_all(
            &mut links,
            "person_ids",
            RecordKind::Person,
            &self.person_ids,
        );
        if let Some(parent_id) = self.parent_id {
            links.push(Reference::new(
                "parent_id",
                RecordKind::Proceeding,
                parent_id,
            ));
        }
        links
    }

    fn short_label(&self) -> String {
        if self.docket_number.is_empty() {
            self.title.clone()
        } else {
            format!("{} ({})", self.title, self.docket_number)
        }
    }
}

fn require_proceeding(errors: &mut ValidationErrors, what: &str, id: Option<ProceedingId>) {
    if id.is_none() {
        errors.push(
            "proceeding_id",
            format!("is required: a {what} belongs to a proceeding"),
        );
    }
}

/// One entry of a proceeding's docket: a filing, an order, a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocketEntry {
    /// The proceeding.
    pub proceeding_id: Option<ProceedingId>,
    /// The entry's number on the docket, if numbered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// When it was filed or entered.
    pub filed_on: FuzzyDate,
    /// A term of the docket-entry-kind vocabulary.
    pub kind: String,
    /// The docket text or a short title.
    pub title: String,
    /// A summary in the team's words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// The captured filing, if held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_id: Option<CaptureId>,
}

impl Fields for DocketEntry {
    fn check(&self, errors: &mut ValidationErrors) {
        require_proceeding(errors, "docket entry", self.proceeding_id);
        errors.term("kind", VocabularyId::DocketEntryKind, &self.kind);
        errors.required_text("title", &self.title, 2_000);
        errors.max_len("summary", &self.summary, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = Vec::new();
        if let Some(id) = self.proceeding_id {
            links.push(Reference::new("proceeding_id", RecordKind::Proceeding, id));
        }
        if let Some(id) = self.capture_id {
            links.push(Reference::new("capture_id", RecordKind::Capture, id));
        }
        links
    }

    fn short_label(&self) -> String {
        match self.number {
            Some(number) => format!("#{number} {}", self.title),
            None => self.title.clone(),
        }
    }
}

/// What happened to a scheduled hearing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HearingStatus {
    /// Still to come.
    #[default]
    Scheduled,
    /// Took place.
    Held,
    /// Moved to another date (a new hearing record holds the new date).
    Postponed,
    /// Will not take place.
    Cancelled,
}

/// A hearing in a proceeding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hearing {
    /// The proceeding.
    pub proceeding_id: Option<ProceedingId>,
    /// A term of the hearing-kind vocabulary.
    pub kind: String,
    /// When it starts, with the court's UTC offset.
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    /// Where: a courtroom, or "remote".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// Whether participants join remotely.
    #[serde(default)]
    pub remote: bool,
    /// Persons taking part (petitioners, witnesses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participant_ids: Vec<PersonId>,
    /// Where it stands.
    #[serde(default)]
    pub status: HearingStatus,
    /// What came of it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outcome: String,
}

impl Fields for Hearing {
    fn check(&self, errors: &mut ValidationErrors) {
        require_proceeding(errors, "hearing", self.proceeding_id);
        errors.term("kind", VocabularyId::HearingKind, &self.kind);
        errors.max_len("location", &self.location, SHORT_TEXT);
        if !self.remote && self.location.trim().is_empty() {
            errors.push("location", "is required unless the hearing is remote");
        }
        no_repeats(errors, "participant_ids", &self.participant_ids);
        if self.status == HearingStatus::Held && self.outcome.trim().is_empty() {
            errors.push("outcome", "is required once the hearing has been held");
        }
        errors.max_len("outcome", &self.outcome, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = Vec::new();
        if let Some(id) = self.proceeding_id {
            links.push(Reference::new("proceeding_id", RecordKind::Proceeding, id));
        }
        link_all(
            &mut links,
            "participant_ids",
            RecordKind::Person,
            &self.participant_ids,
        );
        links
    }

    fn short_label(&self) -> String {
        format!("{} {}", self.kind, self.starts_at.date())
    }
}

/// A date by which something must be done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// The case it belongs to (required when there is no proceeding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_id: Option<CaseId>,
    /// The proceeding it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proceeding_id: Option<ProceedingId>,
    /// A term of the deadline-kind vocabulary.
    pub kind: String,
    /// What must be done.
    pub title: String,
    /// The day it is due: must be an exact day.
    pub due_on: FuzzyDate,
    /// Who is responsible, in the team's words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub responsible: String,
    /// Whether it has been met.
    #[serde(default)]
    pub done: bool,
}

impl Fields for Deadline {
    fn check(&self, errors: &mut ValidationErrors) {
        if self.case_id.is_none() && self.proceeding_id.is_none() {
            errors.push("case_id", "is required when the deadline has no proceeding");
        }
        errors.term("kind", VocabularyId::DeadlineKind, &self.kind);
        errors.required_text("title", &self.title, SHORT_TEXT);
        if self.due_on.precision() != DatePrecision::Day || self.due_on.is_approximate() {
            errors.push(
                "due_on",
                format!(
                    "{} is not an exact day: a deadline needs YYYY-MM-DD",
                    self.due_on
                ),
            );
        }
        errors.max_len("responsible", &self.responsible, SHORT_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = Vec::new();
        if let Some(id) = self.case_id {
            links.push(Reference::new("case_id", RecordKind::Case, id));
        }
        if let Some(id) = self.proceeding_id {
            links.push(Reference::new("proceeding_id", RecordKind::Proceeding, id));
        }
        links
    }

    fn short_label(&self) -> String {
        format!("{} ({})", self.title, self.due_on)
    }
}
