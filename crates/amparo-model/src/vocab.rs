//! Controlled vocabularies: versioned data files with stable term ids and English and Spanish labels.
//!
//! The files live in `crates/amparo-model/vocab/*.toml` and are compiled into the binary, so a
//! running installation and its tests always agree on the terms. A term id never changes meaning
//! once published; a term that is no longer used is marked `deprecated = true`, never removed.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Lang;

/// One of Amparo's controlled vocabularies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VocabularyId {
    /// Kinds of human-rights violation (an event's or act's classification).
    ViolationType,
    /// What was done to a victim inside an event.
    ActType,
    /// Where a person is and under whose control, as a custody period's status.
    CustodyStatus,
    /// What kind of source supports a claim.
    SourceKind,
    /// How reliable a source is for a claim.
    Reliability,
    /// The roles a person can have in the record.
    PersonRole,
    /// Kinds of legal proceeding.
    ProceedingKind,
    /// Kinds of hearing inside a proceeding.
    HearingKind,
    /// Kinds of place (prison, detention centre, city…).
    PlaceKind,
    /// Kinds of organization (government agency, NGO, court…).
    OrganizationKind,
    /// How a perpetrator took part in an act.
    InvolvementDegree,
    /// What a person giving testimony consented to.
    ConsentScope,
    /// Kinds of deadline in a proceeding.
    DeadlineKind,
    /// Kinds of docket entry.
    DocketEntryKind,
}

impl VocabularyId {
    /// Every vocabulary, in a stable order.
    pub const ALL: [VocabularyId; 14] = [
        VocabularyId::ViolationType,
        VocabularyId::ActType,
        VocabularyId::CustodyStatus,
        VocabularyId::SourceKind,
        VocabularyId::Reliability,
        VocabularyId::PersonRole,
        VocabularyId::ProceedingKind,
        VocabularyId::HearingKind,
        VocabularyId::PlaceKind,
        VocabularyId::OrganizationKind,
        VocabularyId::InvolvementDegree,
        VocabularyId::ConsentScope,
        VocabularyId::DeadlineKind,
        VocabularyId::DocketEntryKind,
    ];

    /// The stable kebab-case name, which is also the data file's stem.
    pub fn as_str(self) -> &'static str {
        match self {
            VocabularyId::ViolationType => "violation-type",
            VocabularyId::ActType => "act-type",
            VocabularyId::CustodyStatus => "custody-status",
            VocabularyId::SourceKind => "source-kind",
            VocabularyId::Reliability => "reliability",
            VocabularyId::PersonRole => "person-role",
            VocabularyId::ProceedingKind => "proceeding-kind",
            VocabularyId::HearingKind => "hearing-kind",
            VocabularyId::PlaceKind => "place-kind",
            VocabularyId::OrganizationKind => "organization-kind",
            VocabularyId::InvolvementDegree => "involvement-degree",
            VocabularyId::ConsentScope => "consent-scope",
            VocabularyId::DeadlineKind => "deadline-kind",
            VocabularyId::DocketEntryKind => "docket-entry-kind",
        }
    }

    fn source(self) -> &'static str {
        match self {
            VocabularyId::ViolationType => include_str!("../vocab/violation-type.toml"),
            VocabularyId::ActType => include_str!("../vocab/act-type.toml"),
            VocabularyId::CustodyStatus => include_str!("../vocab/custody-status.toml"),
            VocabularyId::SourceKind => include_str!("../vocab/source-kind.toml"),
            VocabularyId::Reliability => include_str!("../vocab/reliability.toml"),
            VocabularyId::PersonRole => include_str!("../vocab/person-role.toml"),
            VocabularyId::ProceedingKind => include_str!("../vocab/proceeding-kind.toml"),
            VocabularyId::HearingKind => include_str!("../vocab/hearing-kind.toml"),
            VocabularyId::PlaceKind => include_str!("../vocab/place-kind.toml"),
            VocabularyId::OrganizationKind => include_str!("../vocab/organization-kind.toml"),
            VocabularyId::InvolvementDegree => include_str!("../vocab/involvement-degree.toml"),
            VocabularyId::ConsentScope => include_str!("../vocab/consent-scope.toml"),
            VocabularyId::DeadlineKind => include_str!("../vocab/deadline-kind.toml"),
            VocabularyId::DocketEntryKind => include_str!("../vocab/docket-entry-kind.toml"),
        }
    }
}

impl fmt::Display for VocabularyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One term of a vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Stable kebab-case id, stored in records.
    pub id: String,
    /// English label.
    pub en: String,
    /// Spanish label.
    pub es: String,
    /// English description: when to use this term.
    pub description_en: String,
    /// Spanish description.
    pub description_es: String,
    /// A broader term of the same vocabulary, if any.
    #[serde(default)]
    pub parent: Option<String>,
    /// Terms kept for old records but not offered for new ones.
    #[serde(default)]
    pub deprecated: bool,
}

impl Term {
    /// The label in the given language.
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }
}

/// A whole vocabulary as read from its data file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Which vocabulary this is (must match the file name).
    pub id: VocabularyId,
    /// Incremented whenever a term is added or deprecated.
    pub version: u32,
    /// English title of the vocabulary.
    pub title_en: String,
    /// Spanish title of the vocabulary.
    pub title_es: String,
    /// The terms, in display order.
    #[serde(rename = "term")]
    pub terms: Vec<Term>,
}

impl Vocabulary {
    /// The term with this id, deprecated or not.
    pub fn term(&self, term_id: &str) -> Option<&Term> {
        self.terms.iter().find(|term| term.id == term_id)
    }

    /// Whether `term_id` is a term of this vocabulary.
    pub fn contains(&self, term_id: &str) -> bool {
        self.term(term_id).is_some()
    }

    /// The label of `term_id` in `lang`, if the term exists.
    pub fn label(&self, term_id: &str, lang: Lang) -> Option<&str> {
        self.term(term_id).map(|term| term.label(lang))
    }

    /// The title of the vocabulary in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.title_en,
            Lang::Es => &self.title_es,
        }
    }
}

/// The vocabulary `id`, parsed once from the embedded data file.
///
/// The data files are checked by this crate's tests, so a parse failure here is a build defect,
/// never a user error.
pub fn vocabulary(id: VocabularyId) -> &'static Vocabulary {
    static ALL: OnceLock<Vec<Vocabulary>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        VocabularyId::ALL
            .iter()
            .map(|&id| match parse_vocabulary(id, id.source()) {
                Ok(vocabulary) => vocabulary,
                Err(message) => panic!("embedded vocabulary {id} is invalid: {message}"),
            })
            .collect()
    });
    let index = VocabularyId::ALL
        .iter()
        .position(|&candidate| candidate == id)
        .unwrap_or_default();
    &all[index]
}

/// Parses and checks one vocabulary file: the id matches, term ids are unique kebab-case, labels
/// are present in both languages, and parents exist and form no cycle.
pub fn parse_vocabulary(expected: VocabularyId, source: &str) -> Result<Vocabulary, String> {
    let vocabulary: Vocabulary = toml::from_str(source).map_err(|error| error.to_string())?;
    if vocabulary.id != expected {
        return Err(format!(
            "file declares id {} but is the file of {expected}",
            vocabulary.id
        ));
    }
    if vocabulary.terms.is_empty() {
        return Err("has no terms".to_owned());
    }
    let mut seen = std::collections::BTreeSet::new();
    for term in &vocabulary.terms {
        let well_formed = !term.id.is_empty()
            && term
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !term.id.starts_with('-')
            && !term.id.ends_with('-')
            && !term.id.contains("--");
        if !well_formed {
            return Err(format!("term id {:?} is not kebab-case", term.id));
        }
        if !seen.insert(term.id.as_str()) {
            return Err(format!("term id {} appears twice", term.id));
        }
        for (what, text) in [
            ("en", &term.en),
            ("es", &term.es),
            ("description_en", &term.description_en),
            ("description_es", &term.description_es),
        ] {
            if text.trim().is_empty() {
                return Err(format!("term {} has an empty {what}", term.id));
            }
        }
    }
    for term in &vocabulary.terms {
        if let Some(parent) = &term.parent
            && !seen.contains(parent.as_str())
        {
            return Err(format!("term {} names unknown parent {parent}", term.id));
        }
    }
    // A cycle of parents would make every walk up the hierarchy loop forever.
    let parents: std::collections::BTreeMap<&str, &str> = vocabulary
        .terms
        .iter()
        .filter_map(|term| Some((term.id.as_str(), term.parent.as_deref()?)))
        .collect();
    for term in &vocabulary.terms {
        let mut current = term.id.as_str();
        for _ in 0..=vocabulary.terms.len() {
            match parents.get(current) {
                Some(&parent) if parent == term.id => {
                    return Err(format!("term {} is its own broader term", term.id));
                }
                Some(&parent) => current = parent,
                None => break,
            }
        }
    }
    Ok(vocabulary)
}
