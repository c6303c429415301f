//! Custody periods: where a person was held, by whom, and when — including the periods when
//! nobody could say where he was, which is how an enforced disappearance shows in the record.

use serde::{Deserialize, Serialize};

use super::{Fields, LONG_TEXT};
use crate::vocab::VocabularyId;
use crate::{
    DatePeriod, OrganizationId, PersonId, PlaceId, RecordKind, Reference, ValidationErrors,
};

/// One stretch of a person's custody or legal situation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyPeriod {
    /// Whose custody this is.
    pub person_id: PersonId,
    /// A term of the custody-status vocabulary.
    pub status: String,
    /// The facility or place, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<PlaceId>,
    /// The authority holding the person, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custodian_id: Option<OrganizationId>,
    /// From when to when; the start is required, an open end means it continues.
    pub period: DatePeriod,
    /// Notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Fields for CustodyPeriod {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.term("status", VocabularyId::CustodyStatus, &self.status);
        match (self.period.start, self.period.end) {
            (None, _) => errors.push(
                "period.start",
                "is required: give at least the year, marked approximate if unsure",
            ),
            (Some(start), Some(end)) if self.period.ends_before_it_starts() => errors.push(
                "period.end",
                format!("{end} is before the start {start}: a custody period cannot end before it starts"),
            ),
            _ => {}
        }
        errors.max_len("notes", &self.notes, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = vec![Reference::new(
            "person_id",
            RecordKind::Person,
            self.person_id,
        )];
        if let Some(place_id) = self.place_id {
            links.push(Reference::new("place_id", RecordKind::Place, place_id));
        }
        if let Some(custodian_id) = self.custodian_id {
            links.push(Reference::new(
                "custodian_id",
                RecordKind::Organization,
                custodian_id,
            ));
        }
        links
    }

    fn short_label(&self) -> String {
        let from = self.period.start.map(|d| d.to_string()).unwrap_or_default();
        let to = self
            .period
            .end
            .map_or_else(|| "…".to_owned(), |d| d.to_string());
        format!("{} {from} – {to}", self.status)
    }
}
