//! Validation of every record type: each bad record is refused with a message naming the field,
//! and each good one passes. Records are written as JSON, the way the API and CLI receive them.

use amparo_model::{Record, RecordKind};
use serde_json::{Value, json};

const PERSON: &str = "0193b2c4-7d1e-7c3a-9f00-000000000001";
const PLACE: &str = "0193b2c4-7d1e-7c3a-9f00-000000000002";
const EVENT: &str = "0193b2c4-7d1e-7c3a-9f00-000000000003";
const PROCEEDING: &str = "0193b2c4-7d1e-7c3a-9f00-000000000004";
const CASE: &str = "0193b2c4-7d1e-7c3a-9f00-000000000005";
const DOCUMENT: &str = "0193b2c4-7d1e-7c3a-9f00-000000000006";

/// Reads `body` as a record of `kind` and validates it; returns "ok", or the problems as
/// `field: message` lines (parse errors as `parse: message`).
fn outcome(kind: &str, body: Value) -> String {
    let kind: RecordKind = kind.parse().unwrap();
    match Record::from_json(kind, body) {
        Err(error) => format!("parse: {error}"),
        Ok(record) => match record.validate() {
            Ok(()) => "ok".to_owned(),
            Err(errors) => errors
                .errors
                .iter()
                .map(|error| format!("{}: {}", error.field, error.message))
                .collect::<Vec<_>>()
                .join("\n"),
        },
    }
}

fn check(kind: &str, body: Value, expected: &str) {
    assert_eq!(outcome(kind, body.clone()), expected, "{kind} {body}");
}

#[test]
fn persons() {
    check(
        "person",
        json!({"pseudonym": "P-0042", "nationalities": ["VE"], "roles": ["victim"]}),
        "ok",
    );
    check(
        "person",
        json!({"pseudonym": "Juan", "nationalities": ["Venezuela"], "roles": ["hero"]}),
        "pseudonym: \"Juan\" is not a pseudonym code such as P-0042\n\
         nationalities[0]: \"Venezuela\" is not a country code: use two capital letters such as VE or SV\n\
         roles[0]: \"hero\" is not a term of the person-role vocabulary",
    );
    check(
        "person",
        json!({"pseudonym": "P-0001", "group_size": 3}),
        "group_size: is only for a person record that stands for a group",
    );
    check(
        "person",
        json!({"pseudonym": "P-0001", "sensitive": {"identifiers": [{"kind": "passport", "value": " ", "country": "ve"}]}}),
        "sensitive.identifiers[0].value: is required\n\
         sensitive.identifiers[0].country: \"ve\" is not a country code: use two capital letters such as VE or SV",
    );
    check(
        "person",
        json!({"pseudonym": "P-0001", "sensitive": {"birth_date": "1990-02-30"}}),
        "parse: day 30 does not exist in 1990-02",
    );
}

#[test]
fn custody_periods() {
    let period = |start: &str, end: Option<&str>, status: &str| json!({"person_id": PERSON, "status": status, "period": {"start": start, "end": end}});
    check(
        "custody-period",
        period("2025-03-16", Some("2025-07-18"), "held-in-third-country"),
        "ok",
    );
    check(
        "custody-period",
        period("2025-03", Some("2025-03-31"), "whereabouts-unknown"),
        "ok",
    );
    check(
        "custody-period",
        period("2025-07-18", Some("2025-03-16"), "held-in-third-country"),
        "period.end: 2025-03-16 is before the start 2025-07-18: a custody period cannot end before it starts",
    );
    check(
        "custody-period",
        period("2025-03-16", None, "abducted"),
        "status: \"abducted\" is not a term of the custody-status vocabulary",
    );
    check(
        "custody-period",
        json!({"person_id": PERSON, "status": "released", "period": {}}),
        "period.start: is required: give at least the year, marked approximate if unsure",
    );
    check(
        "custody-period",
        json!({"person_id": PERSON, "status": "released", "period": {"start": "2025-3-1"}}),
        "parse: \"2025-3-1\" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, with a leading ~ if approximate",
    );
    check(
        "custody-period",
        json!({"person_id": PERSON, "status": "released", "period": {"start": "2025"}, "facility": "x"}),
        "parse: unknown field `facility`, expected one of `person_id`, `status`, `place_id`, `custodian_id`, `period`, `notes`",
    );
}

#[test]
fn legal_records() {
    check(
        "hearing",
        json!({"kind": "status-conference", "starts_at": "2026-12-08T10:00:00-05:00", "location": "Courtroom 18"}),
        "proceeding_id: is required: a hearing belongs to a proceeding",
    );
    check(
        "hearing",
        json!({"proceeding_id": PROCEEDING, "kind": "status-conference", "starts_at": "2026-12-08T10:00:00-05:00", "remote": true}),
        "ok",
    );
    check(
        "hearing",
        json!({"proceeding_id": PROCEEDING, "kind": "status-conference", "starts_at": "2026-12-08T10:00:00-05:00", "location": "Room 1", "status": "held"}),
        "outcome: is required once the hearing has been held",
    );
    check(
        "deadline",
        json!({"case_id": CASE, "kind": "response-due", "title": "Response", "due_on": "2026-12"}),
        "due_on: 2026-12 is not an exact day: a deadline needs YYYY-MM-DD",
    );
    check(
        "deadline",
        json!({"kind": "response-due", "title": "Response", "due_on": "2026-12-03"}),
        "case_id: is required when the deadline has no proceeding",
    );
    check(
        "docket-entry",
        json!({"filed_on": "2025-03-15", "kind": "order", "title": "Order"}),
        "proceeding_id: is required: a docket entry belongs to a proceeding",
    );
    check(
        "proceeding",
        json!({"case_id": CASE, "kind": "habeas-corpus", "title": "In re P-0001", "forum": "D.D.C."}),
        "ok",
    );
    check(
        "proceeding",
        json!({"case_id": CASE, "kind": "lawsuit", "title": " ", "forum": "D.D.C."}),
        "kind: \"lawsuit\" is not a term of the proceeding-kind vocabulary\ntitle: is required",
    );
    check("case", json!({"title": ""}), "title: is required");
}

#[test]
fn events_and_sources() {
    check(
        "event",
        json!({"title": "Removal flights", "period": {"start": "2025-03-15"}, "violation_types": ["collective-expulsion", "collective-expulsion"]}),
        "violation_types[1]: \"collective-expulsion\" is listed twice",
    );
    check(
        "act",
        json!({"event_id": EVENT, "victim_id": PERSON, "act_type": "kicking", "period": {"start": "2025-03", "end": "2025-02"}}),
        "act_type: \"kicking\" is not a term of the act-type vocabulary\nperiod.end: 2025-02 is before the start 2025-03",
    );
    check(
        "information",
        json!({"source": {"kind": "document", "id": DOCUMENT}, "claim": {"kind": "event", "id": EVENT}, "source_kind": "news-article", "reliability": "certain", "language": "Spanish"}),
        "reliability: \"certain\" is not a term of the reliability vocabulary\nlanguage: \"Spanish\" is not a language code: use a code such as en or es",
    );
    check(
        "testimony",
        json!({"giver_id": PERSON, "given_on": "2025-08-02", "language": "es", "consent": []}),
        "consent: is required: record at least internal-use, or what the person agreed to",
    );
    check(
        "testimony",
        json!({"giver_id": PERSON, "given_on": "2025-08-02", "language": "es", "consent": ["internal-use", "file-in-court"]}),
        "ok",
    );
    check(
        "place",
        json!({"name_en": "CECOT", "name_es": "CECOT", "kind": "maximum-security-prison", "parent_id": PLACE, "latitude": 13.5}),
        "longitude: is required when latitude is given",
    );
}

#[test]
fn evidence_and_access() {
    let capture = json!({
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "size": 3, "media_type": "text/plain", "origin": {"kind": "file", "file_name": "a/b.txt"},
        "obtained_at": "2026-11-29T19:00:00Z", "obtained_by": "cli:alice"
    });
    check(
        "capture",
        capture,
        "origin.file_name: must be a bare file name without folders",
    );
    check(
        "suggestion",
        json!({"document_id": DOCUMENT, "kind": "person", "start": 10, "end": 4, "text": "Boasberg", "confidence": 1.5, "status": "accepted"}),
        "end: 4 must be after start 10\nconfidence: 1.5 is not between 0 and 1\naccepted_into: is required once the suggestion is accepted",
    );
    check(
        "user",
        json!({"username": "Ana María", "role": "admin"}),
        "username: \"Ana María\" is not a sign-in name: use 2 to 64 lowercase letters, digits, '.', '-' or '_', starting with a letter",
    );
    check(
        "grant",
        json!({"grantee": {"kind": "user", "id": PERSON}, "case_id": CASE, "rights": []}),
        "rights: is required: grant at least read",
    );
    check("team", json!({"name": "Litigation"}), "ok");
}
