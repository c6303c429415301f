//! Persons (victims, witnesses, officials…), organizations and places.

use serde::{Deserialize, Serialize};

use super::{Fields, LONG_TEXT, SHORT_TEXT, link_all, no_repeats};
use crate::vocab::VocabularyId;
use crate::{CaseId, FuzzyDate, OrganizationId, PlaceId, RecordKind, Reference, ValidationErrors};

/// A person, or a group of persons, known to the record.
///
/// Shown everywhere by the pseudonym code; everything that identifies the real person lives in
/// [`PersonSensitive`], which only readers with the right to see it receive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The pseudonym code, such as `P-0042`; left empty, the installation assigns the next one.
    #[serde(default)]
    pub pseudonym: String,
    /// Whether this record stands for a group rather than one individual.
    #[serde(default)]
    pub is_group: bool,
    /// Number of members when this is a group and the number is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_size: Option<u32>,
    /// Gender as the person describes it, free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gender: String,
    /// Nationalities as ISO 3166-1 alpha-2 codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    /// Age in years at the first event recorded, when the birth date must stay hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_at_first_event: Option<u16>,
    /// Roles from the person-role vocabulary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Cases the person belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub case_ids: Vec<CaseId>,
    /// Public notes (nothing identifying).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Fields that identify the real person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<PersonSensitive>,
}

/// What identifies a real person: shown only to readers with the `sensitive` right.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonSensitive {
    /// Full legal name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub full_name: String,
    /// Other names, nicknames and spellings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Date of birth, to whatever precision is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<FuzzyDate>,
    /// Passport numbers, A-numbers, national ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Ways to reach the person or the family.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Notes that could identify the person.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// An official identifier of a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    /// What it is: `passport`, `a-number`, `national-id`, `inmate-number`…
    pub kind: String,
    /// The identifier itself.
    pub value: String,
    /// Issuing country, ISO 3166-1 alpha-2, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A way to reach a person or relatives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// `phone`, `email`, `address`, `relative`…
    pub kind: String,
    /// The contact itself.
    pub value: String,
    /// Who this reaches, if not the person (e.g. "mother").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Whether `code` has the shape of a pseudonym code: 1–3 capital letters, a hyphen, 4+ digits.
pub fn is_pseudonym_code(code: &str) -> bool {
    let Some((prefix, digits)) = code.split_once('-') else {
        return false;
    };
    (1..=3).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && digits.len() >= 4
        && digits.bytes().all(|b| b.is_ascii_digit())
}

impl Fields for Person {
    fn check(&self, errors: &mut ValidationErrors) {
        if !is_pseudonym_code(&self.pseudonym) {
            errors.push(
                "pseudonym",
                format!(
                    "{:?} is not a pseudonym code such as P-0042",
                    self.pseudonym
                ),
            );
        }
        if self.group_size.is_some() && !self.is_group {
            errors.push(
                "group_size",
                "is only for a person record that stands for a group",
            );
        }
        if self.group_size == Some(0) {
            errors.push("group_size", "must be at least 1");
        }
        errors.max_len("gender", &self.gender, SHORT_TEXT);
        for (index, code) in self.nationalities.iter().enumerate() {
            errors.country(&format!("nationalities[{index}]"), code);
        }
        if let Some(age) = self.age_at_first_event
            && age > 130
        {
            errors.push(
                "age_at_first_event",
                format!("{age} is not a plausible age"),
            );
        }
        errors.terms("roles", VocabularyId::PersonRole, &self.roles);
        no_repeats(errors, "case_ids", &self.case_ids);
        errors.max_len("notes", &self.notes, LONG_TEXT);
        if let Some(sensitive) = &self.sensitive {
            errors.max_len("sensitive.full_name", &sensitive.full_name, SHORT_TEXT);
            for (index, alias) in sensitive.aliases.iter().enumerate() {
                errors.required_text(&format!("sensitive.aliases[{index}]"), alias, SHORT_TEXT);
            }
            for (index, identifier) in sensitive.identifiers.iter().enumerate() {
                let field = format!("sensitive.identifiers[{index}]");
                errors.required_text(&format!("{field}.kind"), &identifier.kind, 60);
                errors.required_text(&format!("{field}.value"), &identifier.value, SHORT_TEXT);
                if let Some(country) = &identifier.country {
                    errors.country(&format!("{field}.country"), country);
                }
            }
            for (index, contact) in sensitive.contacts.iter().enumerate() {
                let field = format!("sensitive.contacts[{index}]");
                errors.required_text(&format!("{field}.kind"), &contact.kind, 60);
                errors.required_text(&format!("{field}.value"), &contact.value, SHORT_TEXT);
                errors.max_len(&format!("{field}.note"), &contact.note, SHORT_TEXT);
            }
            errors.max_len("sensitive.notes", &sensitive.notes, LONG_TEXT);
        }
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = Vec::new();
        link_all(&mut links, "case_ids", RecordKind::Case, &self.case_ids);
        links
    }

    fn short_label(&self) -> String {
        self.pseudonym.clone()
    }

    fn remove_sensitive(&mut self) {
        self.sensitive = None;
    }
}

/// A state body, company, NGO, court, armed or criminal group.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// The name most used in the record.
    pub name: String,
    /// Acronym, if any (`ICE`, `CECOT`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub acronym: String,
    /// Other names, including the name in the other language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// A term of the organization-kind vocabulary.
    pub kind: String,
    /// Country, ISO 3166-1 alpha-2, if it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The organization this one is part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<OrganizationId>,
    /// Notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Fields for Organization {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.required_text("name", &self.name, SHORT_TEXT);
        errors.max_len("acronym", &self.acronym, 40);
        for (index, alias) in self.aliases.iter().enumerate() {
            errors.required_text(&format!("aliases[{index}]"), alias, SHORT_TEXT);
        }
        errors.term("kind", VocabularyId::OrganizationKind, &self.kind);
        if let Some(country) = &self.country {
            errors.country("country", country);
        }
        errors.max_len("notes", &self.notes, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        self.parent_id
            .map(|id| Reference::new("parent_id", RecordKind::Organization, id))
            .into_iter()
            .collect()
    }

    fn short_label(&self) -> String {
        if self.acronym.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.acronym)
        }
    }
}

/// A country, city, prison, detention centre, airport…
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Name in English.
    pub name_en: String,
    /// Name in Spanish.
    pub name_es: String,
    /// Other names and spellings, acronyms included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<String>,
    /// A term of the place-kind vocabulary.
    pub kind: String,
    /// Country, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The place that contains this one (a city's country, a prison's city).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<PlaceId>,
    /// Latitude in degrees, WGS 84.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude in degrees, WGS 84.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Fields for Place {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.required_text("name_en", &self.name_en, SHORT_TEXT);
        errors.required_text("name_es", &self.name_es, SHORT_TEXT);
        for (index, name) in self.other_names.iter().enumerate() {
            errors.required_text(&format!("other_names[{index}]"), name, SHORT_TEXT);
        }
        errors.term("kind", VocabularyId::PlaceKind, &self.kind);
        if let Some(country) = &self.country {
            errors.country("country", country);
        }
        match (self.latitude, self.longitude) {
            (Some(latitude), Some(longitude)) => {
                if !(-90.0..=90.0).contains(&latitude) {
                    errors.push("latitude", format!("{latitude} is not between -90 and 90"));
                }
                if !(-180.0..=180.0).contains(&longitude) {
                    errors.push(
                        "longitude",
                        format!("{longitude} is not between -180 and 180"),
                    );
                }
            }
            (Some(_), None) => errors.push("longitude", "is required when latitude is given"),
            (None, Some(_)) => errors.push("latitude", "is required when longitude is given"),
            (None, None) => {}
        }
        errors.max_len("notes", &self.notes, LONG_TEXT);
    }

    fn links(&self) -> Vec<Reference> {
        self.parent_id
            .map(|id| Reference::new("parent_id", RecordKind::Place, id))
            .into_iter()
            .collect()
    }

    fn short_label(&self) -> String {
        self.name_en.clone()
    }
}
