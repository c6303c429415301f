//! Who did what to whom: events, the acts inside them, the perpetrators' involvement, the
//! information that supports each claim, and testimonies.

use serde::{Deserialize, Serialize};

use super::{Confidentiality, Fields, LONG_TEXT, SHORT_TEXT, link_all, no_repeats};
use crate::vocab::VocabularyId;
use crate::{
    ActId, CaptureId, CaseId, CustodyPeriodId, DatePeriod, DocumentId, EventId, FuzzyDate,
    OrganizationId, PersonId, PlaceId, RecordKind, Reference, TestimonyId, ValidationErrors,
};

/// Something that happened: one or more acts at a time and place.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// A short title.
    pub title: String,
    /// What happened, in the documenter's words.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// When it happened, to the precision known.
    #[serde(default)]
    pub period: DatePeriod,
    /// Where it happened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub place_ids: Vec<PlaceId>,
    /// Terms of the violation-type vocabulary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violation_types: Vec<String>,
    /// The cases this event belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub case_ids: Vec<CaseId>,
    /// Who may see it.
    #[serde(default)]
    pub confidentiality: Confidentiality,
}

fn check_period(errors: &mut ValidationErrors, field: &str, period: &DatePeriod) {
    if period.ends_before_it_starts()
        && let (Some(start), Some(end)) = (period.start, period.end)
    {
        errors.push(
            format!("{field}.end"),
            format!("{end} is before the start {start}"),
        );
    }
}

impl Fields for Event {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.required_text("title", &self.title, SHORT_TEXT);
        errors.max_len("description", &self.description, LONG_TEXT);
        check_period(errors, "period", &self.period);
        no_repeats(errors, "place_ids", &self.place_ids);
        errors.terms(
            "violation_types",
            VocabularyId::ViolationType,
            &self.violation_types,
        );
        no_repeats(errors, "case_ids", &self.case_ids);
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = Vec::new();
        link_all(&mut links, "place_ids", RecordKind::Place, &self.place_ids);
        link_all(&mut links, "case_ids", RecordKind::Case, &self.case_ids);
        links
    }

    fn short_label(&self) -> String {
        self.title.clone()
    }
}

/// One thing done to one victim inside an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Act {
    /// The event it belongs to.
    pub event_id: EventId,
    /// The victim (a person or a group).
    pub victim_id: PersonId,
    /// A term of the act-type vocabulary.
    pub act_type: String,
    /// When, if it differs from the event's period.
    #[serde(default)]
    pub period: DatePeriod,
    /// Where, if it differs from the event's places.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<PlaceId>,
    /// How it was done.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub method: String,
    /// What followed for the victim (injuries, illness, loss).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub consequences: String,
    /// Terms of the violation-type vocabulary that this act amounts to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violation_types: Vec<String>,
}

impl Fields for Act {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.term("act_type", VocabularyId::ActType, &self.act_type);
        check_period(errors, "period", &self.period);
        errors.max_len("method", &self.method, LONG_TEXT);
        errors.max_len("consequences", &self.consequences, LONG_TEXT);
        errors.terms(
            "violation_types",
            VocabularyId::ViolationType,
            &self.violation_types,
        );
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = vec![
            Reference::new("event_id", RecordKind::Event, self.event_id),
            Reference::new("victim_id", RecordKind::Person, self.victim_id),
        ];
        if let Some(place_id) = self.place_id {
            links.push(Reference::new("place_id", RecordKind::Place, place_id));
        }
        links
    }

    fn short_label(&self) -> String {
        self.act_type.clone()
    }
}

/// The perpetrator of an act: a person or an organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum Perpetrator {
    /// A person (an official, a guard).
    Person(PersonId),
    /// An organization (an agency, a prison authority).
    Organization(OrganizationId),
}

/// Links a perpetrator to an act, with how they took part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Involvement {
    /// The act.
    pub act_id: ActId,
    /// Who did it.
    pub perpetrator: Perpetrator,
    /// A term of the involvement-degree vocabulary.
    pub degree: String,
    /// Notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Fields for Involvement {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.term("degree", VocabularyId::InvolvementDegree, &self.degree);
        errors.max_len("notes", &self.notes, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        let perpetrator = match self.perpetrator {
            Perpetrator::Person(id) => Reference::new("perpetrator", RecordKind::Person, id),
            Perpetrator::Organization(id) => {
                Reference::new("perpetrator", RecordKind::Organization, id)
            }
        };
        vec![
            Reference::new("act_id", RecordKind::Act, self.act_id),
            perpetrator,
        ]
    }

    fn short_label(&self) -> String {
        self.degree.clone()
    }
}

/// Where a claim comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum SourceRef {
    /// A captured file or page.
    Capture(CaptureId),
    /// A testimony.
    Testimony(TestimonyId),
    /// A processed document.
    Document(DocumentId),
}

/// What a source supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum ClaimRef {
    /// An event.
    Event(EventId),
    /// An act.
    Act(ActId),
    /// A person's record.
    Person(PersonId),
    /// A custody period.
    CustodyPeriod(CustodyPeriodId),
    /// An organization's record (that the source names it, as a review of its text found).
    Organization(OrganizationId),
    /// A place's record (that the source names it, as a review of its text found).
    Place(PlaceId),
}

/// Links a source to a claim it supports, with how reliable it is: every claim shows its sources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Information {
    /// The source.
    pub source: SourceRef,
    /// The claim it supports.
    pub claim: ClaimRef,
    /// A term of the source-kind vocabulary.
    pub source_kind: String,
    /// A term of the reliability vocabulary.
    pub reliability: String,
    /// Language of the source, as a BCP 47 code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Where in the source (page, paragraph, time code) and what it says.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub locator: String,
    /// Notes on the assessment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Fields for Information {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.term("source_kind", VocabularyId::SourceKind, &self.source_kind);
        errors.term("reliability", VocabularyId::Reliability, &self.reliability);
        if let Some(language) = &self.language {
            errors.language("language", language);
        }
        errors.max_len("locator", &self.locator, LONG_TEXT);
        errors.max_len("notes", &self.notes, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        let source = match self.source {
            SourceRef::Capture(id) => Reference::new("source", RecordKind::Capture, id),
            SourceRef::Testimony(id) => Reference::new("source", RecordKind::Testimony, id),
            SourceRef::Document(id) => Reference::new("source", RecordKind::Document, id),
        };
        let claim = match self.claim {
            ClaimRef::Event(id) => Reference::new("claim", RecordKind::Event, id),
            ClaimRef::Act(id) => Reference::new("claim", RecordKind::Act, id),
            ClaimRef::Person(id) => Reference::new("claim", RecordKind::Person, id),
            ClaimRef::CustodyPeriod(id) => Reference::new("claim", RecordKind::CustodyPeriod, id),
            ClaimRef::Organization(id) => Reference::new("claim", RecordKind::Organization, id),
            ClaimRef::Place(id) => Reference::new("claim", RecordKind::Place, id),
        };
        vec![source, claim]
    }

    fn short_label(&self) -> String {
        format!("{} ({})", self.source_kind, self.reliability)
    }
}

/// An account given by a person, with the consent they gave for its use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Testimony {
    /// Who gave it.
    pub giver_id: PersonId,
    /// When it was given.
    pub given_on: FuzzyDate,
    /// Who took it (an interviewer's name or role; the user is in the version's actor).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub taken_by: String,
    /// Language it was given in, BCP 47.
    pub language: String,
    /// Terms of the consent-scope vocabulary: what the giver agreed to.
    pub consent: Vec<String>,
    /// The testimony this one translates, if it is a translation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_of: Option<TestimonyId>,
    /// Cases it belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub case_ids: Vec<CaseId>,
    /// Its text and where it was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<TestimonySensitive>,
}

/// The parts of a testimony that can identify or endanger its giver.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestimonySensitive {
    /// The testimony's text (a transcript or the interviewer's record).
    pub text: String,
    /// Where the interview took place.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
}

impl Fields for Testimony {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.max_len("taken_by", &self.taken_by, SHORT_TEXT);
        errors.language("language", &self.language);
        if self.consent.is_empty() {
            errors.push(
                "consent",
                "is required: record at least internal-use, or what the person agreed to",
            );
        }
        errors.terms("consent", VocabularyId::ConsentScope, &self.consent);
        no_repeats(errors, "case_ids", &self.case_ids);
        if let Some(sensitive) = &self.sensitive {
            errors.max_len("sensitive.text", &sensitive.text, 2_000_000);
            errors.max_len("sensitive.location", &sensitive.location, SHORT_TEXT);
        }
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = vec![Reference::new(
            "giver_id",
            RecordKind::Person,
            self.giver_id,
        )];
        if let Some(original) = self.translation_of {
            links.push(Reference::new(
                "translation_of",
                RecordKind::Testimony,
                original,
            ));
        }
        link_all(&mut links, "case_ids", RecordKind::Case, &self.case_ids);
        links
    }

    fn short_label(&self) -> String {
        format!("testimony of {} ({})", self.given_on, self.language)
    }

    fn remove_sensitive(&mut self) {
        self.sensitive = None;
    }
}
