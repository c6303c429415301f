//! Checks the embedded controlled vocabularies: every file loads, ids are stable and unique, the
//! situations that teams must be able to record are present, both languages are filled in, and
//! the parser rejects malformed files with a clear message.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use amparo_model::Lang;
use amparo_model::vocab::{VocabularyId, parse_vocabulary, vocabulary};

/// The term ids each vocabulary must contain: records and code refer to these, so removing or
/// renaming one is a breaking change.
const REQUIRED: &[(VocabularyId, &[&str])] = &[
    (
        VocabularyId::ViolationType,
        &[
            "arbitrary-detention",
            "incommunicado-detention",
            "enforced-disappearance",
            "torture",
            "ill-treatment",
            "sexual-violence",
            "medical-neglect",
            "denial-of-due-process",
            "denial-of-access-to-counsel",
            "denial-of-judicial-review",
            "removal-to-third-country",
            "collective-expulsion",
            "refoulement",
            "family-separation",
            "discrimination",
            "ethnic-or-national-profiling",
            "threats-and-intimidation",
            "extrajudicial-killing",
            "death-in-custody",
            "inhumane-detention-conditions",
            "forced-labour",
            "denial-of-information",
            "denial-of-consular-access",
        ],
    ),
    (
        VocabularyId::ActType,
        &[
            "arrest",
            "detention",
            "transfer",
            "removal",
            "beating",
            "stress-positions",
            "sexual-assault",
            "humiliating-strip-search",
            "solitary-confinement",
            "denial-of-medical-care",
            "denial-of-food-or-water",
            "threats",
            "denial-of-communication",
            "concealment-of-whereabouts",
            "coercive-interrogation",
            "forced-head-shaving",
            "confiscation-of-documents",
            "release",
        ],
    ),
    (
        VocabularyId::CustodyStatus,
        &[
            "in-immigration-custody",
            "in-criminal-custody",
            "in-transit",
            "removed",
            "held-in-third-country",
            "whereabouts-unknown",
            "released",
            "repatriated",
            "at-liberty-abroad",
            "in-home-country-custody",
            "at-liberty-in-removing-country",
            "deceased",
            "unknown-not-yet-documented",
        ],
    ),
    (
        VocabularyId::SourceKind,
        &[
            "news-article",
            "social-media-post",
            "official-statement",
            "court-filing",
            "court-decision",
            "government-record",
            "direct-testimony",
            "indirect-testimony",
            "ngo-report",
            "international-body-report",
            "photo",
            "video",
            "audio-recording",
            "leaked-document",
            "medical-record",
            "letter-or-message",
        ],
    ),
    (
        VocabularyId::Reliability,
        &[
            "confirmed-by-multiple-sources",
            "high",
            "medium",
            "low",
            "disputed",
            "unknown",
        ],
    ),
    (
        VocabularyId::PersonRole,
        &[
            "victim",
            "survivor",
            "witness",
            "family-member",
            "perpetrator",
            "alleged-perpetrator",
            "official",
            "judge",
            "lawyer",
            "human-rights-defender",
            "journalist",
            "interpreter",
            "interviewer",
            "source",
        ],
    ),
    (
        VocabularyId::ProceedingKind,
        &[
            "habeas-corpus",
            "class-action",
            "removal-proceedings",
            "appeal",
            "asylum-claim",
            "motion-to-reopen",
            "emergency-stay",
            "foia-litigation",
            "criminal-complaint",
            "amparo",
            "ombudsman-complaint",
            "iachr-petition",
            "iachr-precautionary-measures",
            "un-wgeid-communication",
            "un-wgad-communication",
            "un-special-procedures-communication",
            "un-human-rights-committee-communication",
            "un-cat-communication",
        ],
    ),
    (
        VocabularyId::HearingKind,
        &[
            "status-conference",
            "scheduling-conference",
            "evidentiary-hearing",
            "oral-argument",
            "motion-hearing",
            "bond-hearing",
            "master-calendar-hearing",
            "individual-hearing",
            "settlement-conference",
            "iachr-public-hearing",
            "remote-testimony-session",
        ],
    ),
    (
        VocabularyId::PlaceKind,
        &[
            "country",
            "state-or-province",
            "city",
            "prison",
            "maximum-security-prison",
            "immigration-detention-centre",
            "military-base",
            "airport",
            "border-crossing",
            "police-station",
            "court",
            "hospital",
            "shelter",
            "embassy-or-consulate",
            "other",
        ],
    ),
    (
        VocabularyId::OrganizationKind,
        &[
            "government-agency",
            "immigration-enforcement-agency",
            "prison-authority",
            "military",
            "police",
            "court",
            "ministry",
            "ngo",
            "legal-aid-organization",
            "international-organization",
            "un-body",
            "inter-american-body",
            "news-outlet",
            "private-contractor",
            "criminal-group",
            "family-association",
        ],
    ),
    (
        VocabularyId::InvolvementDegree,
        &[
            "direct-perpetrator",
            "ordered",
            "planned",
            "complicit",
            "failed-to-prevent",
            "failed-to-investigate",
            "implemented-policy",
            "unknown",
        ],
    ),
    (
        VocabularyId::ConsentScope,
        &[
            "internal-use",
            "share-with-counsel",
            "file-in-court",
            "publish-anonymized",
        ],
    ),
    (
        VocabularyId::DeadlineKind,
        &[
            "filing-deadline",
            "response-due",
            "reply-due",
            "appeal-deadline",
            "discovery-deadline",
            "status-report-due",
            "compliance-deadline",
            "statute-of-limitations",
            "internal-deadline",
            "other",
        ],
    ),
    (
        VocabularyId::DocketEntryKind,
        &[
            "complaint",
            "motion",
            "order",
            "opinion",
            "notice",
            "declaration",
            "exhibit",
            "transcript",
            "brief",
            "status-report",
            "minute-entry",
            "other",
        ],
    ),
];

/// Narrower terms that must keep their broader term, so that searching by the broader term finds
/// them.
const REQUIRED_PARENTS: &[(VocabularyId, &str, &str)] = &[
    (
        VocabularyId::ViolationType,
        "denial-of-access-to-counsel",
        "denial-of-due-process",
    ),
    (
        VocabularyId::ViolationType,
        "denial-of-judicial-review",
        "denial-of-due-process",
    ),
    (
        VocabularyId::ViolationType,
        "ethnic-or-national-profiling",
        "discrimination",
    ),
    (VocabularyId::PlaceKind, "maximum-security-prison", "prison"),
];

fn vocab_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vocab")
}

/// A minimal valid file for `id`, with `terms` appended verbatim.
fn file_with_terms(id: &str, terms: &str) -> String {
    format!("id = \"{id}\"\nversion = 1\ntitle_en = \"Test\"\ntitle_es = \"Prueba\"\n{terms}")
}

fn term(id: &str, en: &str, es: &str, parent: Option<&str>) -> String {
    let parent = parent
        .map(|parent| format!("parent = \"{parent}\"\n"))
        .unwrap_or_default();
    format!(
        "\n[[term]]\nid = \"{id}\"\nen = \"{en}\"\nes = \"{es}\"\n\
         description_en = \"A description.\"\ndescription_es = \"Una descripción.\"\n{parent}"
    )
}

fn parse_error(id: VocabularyId, source: &str) -> String {
    match parse_vocabulary(id, source) {
        Ok(vocabulary) => panic!("expected an error, parsed {} terms", vocabulary.terms.len()),
        Err(message) => message,
    }
}

#[test]
fn every_vocabulary_loads_with_its_own_id() {
    for id in VocabularyId::ALL {
        let vocabulary = vocabulary(id);
        assert_eq!(vocabulary.id, id);
        assert!(vocabulary.version >= 1, "{id}: version must start at 1");
        assert!(!vocabulary.terms.is_empty(), "{id}: no terms");
        assert!(
            !vocabulary.title(Lang::En).trim().is_empty(),
            "{id}: no English title"
        );
        assert!(
            !vocabulary.title(Lang::Es).trim().is_empty(),
            "{id}: no Spanish title"
        );
        assert_ne!(
            vocabulary.title(Lang::En),
            vocabulary.title(Lang::Es),
            "{id}: title is not translated"
        );
    }
}

#[test]
fn the_data_directory_holds_exactly_one_valid_file_per_vocabulary() {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(vocab_dir()).expect("vocab directory is readable") {
        let path = entry.expect("directory entry").path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("file name is UTF-8")
            .to_owned();
        let stem = name
            .strip_suffix(".toml")
            .unwrap_or_else(|| panic!("unexpected file {name} in vocab/"));
        let id = VocabularyId::ALL
            .into_iter()
            .find(|id| id.as_str() == stem)
            .unwrap_or_else(|| panic!("{name} is not the file of any vocabulary"));
        let source = std::fs::read_to_string(&path).expect("vocabulary file is readable");
        let first_line = source.lines().next().unwrap_or_default();
        assert!(
            first_line.starts_with("# ") && first_line.contains("stable"),
            "{name}: must start with a comment line saying what the vocabulary is for and that \
             its ids are stable, found {first_line:?}"
        );
        let parsed =
            parse_vocabulary(id, &source).unwrap_or_else(|message| panic!("{name}: {message}"));
        assert_eq!(
            &parsed,
            vocabulary(id),
            "{name}: differs from the embedded copy"
        );
        found.insert(id);
    }
    assert_eq!(
        found.len(),
        VocabularyId::ALL.len(),
        "missing vocabulary files"
    );
}

#[test]
fn term_ids_are_unique_and_kebab_case() {
    for id in VocabularyId::ALL {
        let mut seen = BTreeSet::new();
        for term in &vocabulary(id).terms {
            assert!(
                seen.insert(term.id.as_str()),
                "{id}: {} appears twice",
                term.id
            );
            assert!(
                term.id.split('-').all(|word| !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{id}: {} is not kebab-case",
                term.id
            );
        }
    }
}

#[test]
fn required_terms_are_present() {
    assert_eq!(
        REQUIRED.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        VocabularyId::ALL.to_vec(),
        "every vocabulary lists its required terms, in order"
    );
    for (id, required) in REQUIRED {
        let vocabulary = vocabulary(*id);
        let missing: Vec<_> = required
            .iter()
            .filter(|term_id| !vocabulary.contains(term_id))
            .collect();
        assert!(missing.is_empty(), "{id} lacks {missing:?}");
        for term_id in *required {
            let term = vocabulary.term(term_id).expect("present");
            assert!(
                !term.deprecated,
                "{id}: required term {term_id} is deprecated"
            );
        }
    }
}

#[test]
fn consent_scopes_are_exactly_the_four_in_order() {
    let ids: Vec<_> = vocabulary(VocabularyId::ConsentScope)
        .terms
        .iter()
        .map(|term| term.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "internal-use",
            "share-with-counsel",
            "file-in-court",
            "publish-anonymized"
        ]
    );
}

#[test]
fn reliability_runs_from_strongest_to_unassessed() {
    let ids: Vec<_> = vocabulary(VocabularyId::Reliability)
        .terms
        .iter()
        .map(|term| term.id.as_str())
        .collect();
    let position = |wanted: &str| {
        ids.iter()
            .position(|id| *id == wanted)
            .unwrap_or_else(|| panic!("reliability lacks {wanted}"))
    };
    assert!(position("confirmed-by-multiple-sources") < position("high"));
    assert!(position("high") < position("medium"));
    assert!(position("medium") < position("low"));
    assert_eq!(
        ids.last(),
        Some(&"unknown"),
        "the unassessed grade comes last"
    );
}

#[test]
fn narrower_terms_keep_their_broader_term() {
    for (id, narrower, broader) in REQUIRED_PARENTS {
        let term = vocabulary(*id)
            .term(narrower)
            .unwrap_or_else(|| panic!("{id} lacks {narrower}"));
        assert_eq!(
            term.parent.as_deref(),
            Some(*broader),
            "{id}: parent of {narrower}"
        );
    }
}

#[test]
fn parent_chains_end_without_cycles() {
    for id in VocabularyId::ALL {
        let vocabulary = vocabulary(id);
        let parents: BTreeMap<&str, &str> = vocabulary
            .terms
            .iter()
            .filter_map(|term| Some((term.id.as_str(), term.parent.as_deref()?)))
            .collect();
        for term in &vocabulary.terms {
            let mut current = term.id.as_str();
            let mut steps = 0;
            while let Some(parent) = parents.get(current) {
                assert!(vocabulary.contains(parent), "{id}: unknown parent {parent}");
                current = parent;
                steps += 1;
                assert!(
                    steps <= vocabulary.terms.len(),
                    "{id}: {} has a parent cycle",
                    term.id
                );
            }
        }
    }
}

#[test]
fn both_languages_are_filled_in_and_tidy() {
    for id in VocabularyId::ALL {
        for term in &vocabulary(id).terms {
            for (what, text) in [
                ("en", &term.en),
                ("es", &term.es),
                ("description_en", &term.description_en),
                ("description_es", &term.description_es),
            ] {
                assert_eq!(
                    text.trim(),
                    text,
                    "{id}/{}: {what} has stray whitespace",
                    term.id
                );
                assert!(
                    !text.contains("  "),
                    "{id}/{}: {what} has a double space",
                    term.id
                );
            }
            for (what, text) in [("en", &term.en), ("es", &term.es)] {
                assert!(
                    !text.ends_with('.'),
                    "{id}/{}: label {what} ends with a period",
                    term.id
                );
                assert!(
                    text.chars().next().is_some_and(char::is_uppercase),
                    "{id}/{}: label {what} must start with a capital letter",
                    term.id
                );
            }
            for (what, text) in [
                ("description_en", &term.description_en),
                ("description_es", &term.description_es),
            ] {
                assert!(
                    text.ends_with('.'),
                    "{id}/{}: {what} must be a sentence ending with a period",
                    term.id
                );
            }
            assert_ne!(
                term.description_en, term.description_es,
                "{id}/{}: description is not translated",
                term.id
            );
        }
    }
}

#[test]
fn most_labels_are_translated() {
    for id in VocabularyId::ALL {
        let vocabulary = vocabulary(id);
        let total = vocabulary.terms.len();
        let translated = vocabulary
            .terms
            .iter()
            .filter(|term| term.label(Lang::En) != term.label(Lang::Es))
            .count();
        assert!(
            translated * 10 >= total * 8,
            "{id}: only {translated} of {total} terms have a Spanish label different from the \
             English one; was the file translated?"
        );
    }
}

#[test]
fn labels_are_unique_within_a_vocabulary() {
    for id in VocabularyId::ALL {
        for lang in [Lang::En, Lang::Es] {
            let mut seen = BTreeSet::new();
            for term in &vocabulary(id).terms {
                let label = term.label(lang).to_lowercase();
                assert!(
                    seen.insert(label),
                    "{id}: two terms share the label {:?}",
                    term.label(lang)
                );
            }
        }
    }
}

#[test]
fn labels_are_looked_up_by_language() {
    let custody = vocabulary(VocabularyId::CustodyStatus);
    assert_eq!(
        custody.label("whereabouts-unknown", Lang::En),
        Some("Whereabouts unknown")
    );
    assert_eq!(
        custody.label("whereabouts-unknown", Lang::Es),
        Some("Paradero desconocido")
    );
    assert_eq!(custody.label("no-such-term", Lang::En), None);
    let violations = vocabulary(VocabularyId::ViolationType);
    assert_eq!(
        violations.label("enforced-disappearance", Lang::Es),
        Some("Desaparición forzada")
    );
    assert_eq!(violations.title(Lang::En), "Violation types");
}

#[test]
fn whereabouts_unknown_is_kept_apart_from_a_documentation_gap() {
    let custody = vocabulary(VocabularyId::CustodyStatus);
    let unknown = custody.term("whereabouts-unknown").expect("present");
    assert!(unknown.description_en.contains("enforced disappearance"));
    assert!(unknown.description_es.contains("desaparición forzada"));
    let gap = custody.term("unknown-not-yet-documented").expect("present");
    assert!(gap.description_en.contains("not an allegation"));
}

#[test]
fn a_file_for_another_vocabulary_is_rejected() {
    let source = file_with_terms("act-type", &term("arrest", "Arrest", "Arresto", None));
    let message = parse_error(VocabularyId::ViolationType, &source);
    assert_eq!(
        message,
        "file declares id act-type but is the file of violation-type"
    );
}

#[test]
fn an_unknown_vocabulary_id_is_rejected() {
    let source = file_with_terms("no-such-vocabulary", &term("a", "A", "B", None));
    let message = parse_error(VocabularyId::ViolationType, &source);
    assert!(message.contains("unknown variant"), "{message}");
    assert!(message.contains("no-such-vocabulary"), "{message}");
}

#[test]
fn a_duplicate_term_id_is_rejected() {
    let terms =
        term("torture", "Torture", "Tortura", None) + &term("torture", "Torture", "Tortura", None);
    let message = parse_error(
        VocabularyId::ViolationType,
        &file_with_terms("violation-type", &terms),
    );
    assert_eq!(message, "term id torture appears twice");
}

#[test]
fn an_empty_spanish_label_is_rejected() {
    let source = file_with_terms("violation-type", &term("torture", "Torture", "  ", None));
    let message = parse_error(VocabularyId::ViolationType, &source);
    assert_eq!(message, "term torture has an empty es");
}

#[test]
fn an_empty_description_is_rejected() {
    let source = file_with_terms(
        "violation-type",
        "\n[[term]]\nid = \"torture\"\nen = \"Torture\"\nes = \"Tortura\"\n\
         description_en = \"A description.\"\ndescription_es = \"\"\n",
    );
    let message = parse_error(VocabularyId::ViolationType, &source);
    assert_eq!(message, "term torture has an empty description_es");
}

#[test]
fn a_term_id_that_is_not_kebab_case_is_rejected() {
    for bad in [
        "Torture",
        "ill_treatment",
        "ill treatment",
        "ill--treatment",
        "-torture",
        "torture-",
        "tortura-á",
        "",
    ] {
        let source = file_with_terms("violation-type", &term(bad, "Torture", "Tortura", None));
        let message = parse_error(VocabularyId::ViolationType, &source);
        assert_eq!(message, format!("term id {bad:?} is not kebab-case"));
    }
}

#[test]
fn an_unknown_parent_is_rejected() {
    let source = file_with_terms(
        "violation-type",
        &term("torture", "Torture", "Tortura", Some("ill-treatment")),
    );
    let message = parse_error(VocabularyId::ViolationType, &source);
    assert_eq!(message, "term torture names unknown parent ill-treatment");
}

#[test]
fn a_term_that_is_its_own_parent_is_rejected() {
    let source = file_with_terms(
        "violation-type",
        &term("torture", "Torture", "Tortura", Some("torture")),
    );
    let message = parse_error(VocabularyId::ViolationType, &source);
    assert_eq!(message, "term torture is its own broader term");
}

#[test]
fn a_cycle_of_parents_is_rejected() {
    let terms = term("torture", "Torture", "Tortura", Some("ill-treatment"))
        + &term(
            "ill-treatment",
            "Ill-treatment",
            "Malos tratos",
            Some("torture"),
        );
    let message = parse_error(
        VocabularyId::ViolationType,
        &file_with_terms("violation-type", &terms),
    );
    assert_eq!(message, "term torture is its own broader term");
}

#[test]
fn a_parent_may_come_after_its_narrower_term() {
    let terms = term("rape", "Rape", "Violación sexual", Some("sexual-violence"))
        + &term(
            "sexual-violence",
            "Sexual violence",
            "Violencia sexual",
            None,
        );
    let vocabulary = parse_vocabulary(
        VocabularyId::ViolationType,
        &file_with_terms("violation-type", &terms),
    )
    .expect("valid");
    assert_eq!(vocabulary.terms.len(), 2);
}

#[test]
fn a_file_without_terms_is_rejected() {
    let message = parse_error(
        VocabularyId::ViolationType,
        &file_with_terms("violation-type", ""),
    );
    assert!(message.contains("term"), "{message}");
}

#[test]
fn an_unknown_field_is_rejected() {
    let source = file_with_terms(
        "violation-type",
        &(term("torture", "Torture", "Tortura", None) + "label_fr = \"Torture\"\n"),
    );
    let message = parse_error(VocabularyId::ViolationType, &source);
    assert!(message.contains("unknown field"), "{message}");
    assert!(message.contains("label_fr"), "{message}");
}

#[test]
fn a_deprecated_term_still_parses() {
    let source = file_with_terms(
        "violation-type",
        &(term("torture", "Torture", "Tortura", None) + "deprecated = true\n"),
    );
    let vocabulary = parse_vocabulary(VocabularyId::ViolationType, &source).expect("valid");
    assert!(vocabulary.term("torture").expect("present").deprecated);
}
