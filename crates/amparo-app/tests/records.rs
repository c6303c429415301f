//! Records through the public API: validation that names the field, pseudonyms, versions and
//! tombstones, sensitive fields, sign-in, custody timelines and a round trip of every kind.

mod common;

use std::collections::BTreeSet;

use amparo_app::{AppError, CaptureOptions, TimelineSegment, VersionedRecord};
use amparo_model::records::*;
use amparo_model::*;
use common::{TestApp, field_message, invalid};
use serde_json::json;
use time::macros::datetime;
use uuid::Uuid;

fn date(text: &str) -> FuzzyDate {
    text.parse().expect("test date")
}

fn custody(person_id: PersonId, status: &str, start: &str, end: Option<&str>) -> CustodyPeriod {
    CustodyPeriod {
        person_id,
        status: status.to_owned(),
        place_id: None,
        custodian_id: None,
        period: DatePeriod {
            start: Some(date(start)),
            end: end.map(date),
        },
        notes: String::new(),
    }
}

fn sensitive_person(pseudonym: &str, full_name: &str) -> Person {
    Person {
        pseudonym: pseudonym.to_owned(),
        nationalities: vec!["VE".to_owned()],
        roles: vec!["victim".to_owned()],
        sensitive: Some(PersonSensitive {
            full_name: full_name.to_owned(),
            ..PersonSensitive::default()
        }),
        ..Person::default()
    }
}

async fn new_person(test: &TestApp) -> PersonId {
    let person = test
        .app
        .create(&test.admin, sensitive_person("", "Jesús Pérez"))
        .await
        .expect("create person");
    PersonId(person.id)
}

async fn new_case(test: &TestApp) -> CaseId {
    let case = Case {
        title: "CECOT removals".to_owned(),
        ..Case::default()
    };
    CaseId(
        test.app
            .create(&test.admin, case)
            .await
            .expect("create case")
            .id,
    )
}

/// Checks that `record` is refused, changing nothing, with an error for `field` whose message
/// contains every one of `fragments`.
async fn check_invalid(test: &TestApp, record: Record, field: &str, fragments: &[&str]) {
    let error = test
        .refused(&[], test.app.create_record(&test.admin, record))
        .await;
    let errors = invalid(error);
    let message = field_message(&errors, field);
    for fragment in fragments {
        assert!(
            message.contains(fragment),
            "{field}: {message:?} lacks {fragment:?}"
        );
    }
}

/// Checks that `body` given as JSON is refused as malformed, changing nothing, with a message
/// that contains `fragment`.
async fn check_malformed(
    test: &TestApp,
    kind: RecordKind,
    body: serde_json::Value,
    fragment: &str,
) {
    let error = test
        .refused(&[], test.app.create_json(&test.admin, kind, body))
        .await;
    assert!(matches!(error, AppError::Malformed { .. }), "{error:?}");
    assert!(
        error.to_string().contains(fragment),
        "{error} lacks {fragment:?}"
    );
}

#[tokio::test]
async fn custody_period_ending_before_it_starts_names_both_dates() {
    let test = TestApp::empty().await;
    let person_id = new_person(&test).await;
    let period = custody(
        person_id,
        "in-immigration-custody",
        "2025-03-15",
        Some("2025-02-10"),
    );
    check_invalid(
        &test,
        period.into_record(),
        "period.end",
        &["2025-02-10", "2025-03-15"],
    )
    .await;
}

#[tokio::test]
async fn hearing_without_proceeding_is_refused() {
    let test = TestApp::empty().await;
    let hearing = Hearing {
        proceeding_id: None,
        kind: "status-conference".to_owned(),
        starts_at: datetime!(2025-06-02 10:00 -05:00),
        location: "Courtroom 11".to_owned(),
        remote: false,
        participant_ids: Vec::new(),
        status: HearingStatus::Scheduled,
        outcome: String::new(),
    };
    check_invalid(
        &test,
        hearing.into_record(),
        "proceeding_id",
        &["proceeding"],
    )
    .await;
}

#[tokio::test]
async fn deadline_due_on_a_month_is_refused() {
    let test = TestApp::empty().await;
    let deadline = Deadline {
        case_id: Some(new_case(&test).await),
        proceeding_id: None,
        kind: "response-due".to_owned(),
        title: "Answer the motion".to_owned(),
        due_on: date("2025-09"),
        responsible: String::new(),
        done: false,
    };
    check_invalid(
        &test,
        deadline.into_record(),
        "due_on",
        &["2025-09", "exact day"],
    )
    .await;
}

#[tokio::test]
async fn impossible_dates_in_json_are_malformed_naming_the_date() {
    let test = TestApp::empty().await;
    let person_id = new_person(&test).await;
    let period = |start: &str| {
        json!({
            "person_id": person_id,
            "status": "in-immigration-custody",
            "period": { "start": start },
        })
    };
    let kind = RecordKind::CustodyPeriod;
    check_malformed(
        &test,
        kind,
        period("2025-02-30"),
        "day 30 does not exist in 2025-02",
    )
    .await;
    check_malformed(
        &test,
        kind,
        period("2025-02-10T08:00"),
        "\"2025-02-10T08:00\"",
    )
    .await;
    check_malformed(&test, kind, period("2025-13"), "month 13").await;
}

#[tokio::test]
async fn unknown_vocabulary_term_names_field_and_vocabulary() {
    let test = TestApp::empty().await;
    let person_id = new_person(&test).await;
    let period = custody(person_id, "kidnapped-by-aliens", "2025-03-15", None);
    check_invalid(
        &test,
        period.into_record(),
        "status",
        &["kidnapped-by-aliens", "custody-status"],
    )
    .await;
}

#[tokio::test]
async fn reference_to_a_missing_record_is_refused() {
    let test = TestApp::empty().await;
    let missing = Uuid::now_v7();
    let period = custody(PersonId(missing), "removed", "2025-03-15", None);
    check_invalid(
        &test,
        period.into_record(),
        "person_id",
        &[&missing.to_string()],
    )
    .await;
}

#[tokio::test]
async fn unknown_json_field_is_malformed_naming_the_field() {
    let test = TestApp::empty().await;
    let body = json!({ "title": "CECOT removals", "colour": "red" });
    check_malformed(&test, RecordKind::Case, body, "colour").await;
}

#[tokio::test]
async fn persons_get_pseudonyms_and_explicit_ones_raise_the_counter() {
    let test = TestApp::empty().await;
    let create = |pseudonym: &str| {
        test.app
            .create(&test.admin, sensitive_person(pseudonym, "Name Withheld"))
    };
    assert_eq!(create("").await.unwrap().body.pseudonym, "P-0001");
    assert_eq!(create(" ").await.unwrap().body.pseudonym, "P-0002");
    let error = test.refused(&[], create("P-0002")).await;
    let message = field_message(&invalid(error), "pseudonym");
    assert!(message.contains("P-0002"), "{message}");
    assert_eq!(create("P-0040").await.unwrap().body.pseudonym, "P-0040");
    assert_eq!(create("").await.unwrap().body.pseudonym, "P-0041");
}

fn case_titled(title: &str) -> Record {
    Case {
        title: title.to_owned(),
        ..Case::default()
    }
    .into_record()
}

#[tokio::test]
async fn updates_make_versions_and_deletes_write_tombstones() {
    let test = TestApp::empty().await;
    let (app, admin) = (&test.app, &test.admin);
    let first = app
        .create_record(admin, case_titled("First title"))
        .await
        .unwrap();
    let id = first.id;
    let second = app
        .update_record(admin, id, 1, case_titled("Second title"))
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    let history = app
        .record_history(admin, RecordKind::Case, id)
        .await
        .unwrap();
    let seen: Vec<_> = history
        .iter()
        .map(|v| (v.version, v.record.clone(), v.actor.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (1, Some(case_titled("First title")), "cli:tester"),
            (2, Some(case_titled("Second title")), "cli:tester"),
        ]
    );

    let stale = app.update_record(admin, id, 1, case_titled("Stale title"));
    let error = test.refused(&[], stale).await;
    assert!(matches!(error, AppError::Conflict(_)), "{error:?}");

    let tombstone = app
        .delete_record(admin, RecordKind::Case, id, 2)
        .await
        .unwrap();
    assert_eq!((tombstone.version, tombstone.record), (3, None));
    let error = app
        .get_record(admin, RecordKind::Case, id)
        .await
        .unwrap_err();
    assert!(matches!(error, AppError::NotFound { .. }), "{error:?}");
    assert!(
        app.list_records(admin, RecordKind::Case)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.count_records(RecordKind::Case).await.unwrap(), 0);
    let history = app
        .record_history(admin, RecordKind::Case, id)
        .await
        .unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[2].record, None);
    assert_eq!(history[2].actor, "cli:tester");

    let deleted = [(RecordKind::Case, id)];
    let error = test
        .refused(
            &deleted,
            app.update_record(admin, id, 3, case_titled("Revived")),
        )
        .await;
    assert!(matches!(error, AppError::NotFound { .. }), "{error:?}");
    let error = test
        .refused(&deleted, app.delete_record(admin, RecordKind::Case, id, 3))
        .await;
    assert!(matches!(error, AppError::NotFound { .. }), "{error:?}");
}

fn full_name(version: &VersionedRecord) -> Option<String> {
    match &version.record {
        Some(Record::Person(person)) => person.sensitive.as_ref().map(|s| s.full_name.clone()),
        other => panic!("expected a person, got {other:?}"),
    }
}

#[tokio::test]
async fn a_viewer_granted_read_sees_pseudonyms_and_cannot_write() {
    let test = TestApp::empty().await;
    let (app, admin) = (&test.app, &test.admin);
    let case = test.case("Removal flights").await;
    let person = app
        .create(
            admin,
            Person {
                case_ids: vec![case],
                ..sensitive_person("", "Jesús Pérez")
            },
        )
        .await
        .unwrap();
    let mut changed = person.body.clone();
    changed.notes = "Seen in the flight manifest".to_owned();
    app.update(admin, person.id, 1, changed.clone())
        .await
        .unwrap();
    let viewer = test.viewer().await;
    test.grant(&viewer, case, &[Right::Read]).await;
    let kind = RecordKind::Person;

    let as_admin = app.get_record(admin, kind, person.id).await.unwrap();
    assert_eq!(full_name(&as_admin).as_deref(), Some("Jesús Pérez"));
    let as_viewer = app.get_record(&viewer, kind, person.id).await.unwrap();
    assert_eq!(full_name(&as_viewer), None);
    let listed = app.list_records(&viewer, kind).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(full_name(&listed[0]), None);
    let history = app.record_history(&viewer, kind, person.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|version| full_name(version).is_none()));
    let mut stripped = changed.clone();
    stripped.sensitive = None;
    assert_eq!(as_viewer.record, Some(stripped.into_record()));

    for error in [
        test.refused(&[], app.create_record(&viewer, case_titled("Viewer case")))
            .await,
        test.refused(&[], app.update(&viewer, person.id, 2, changed.clone()))
            .await,
        test.refused(&[], app.delete_record(&viewer, kind, person.id, 2))
            .await,
    ] {
        assert!(matches!(error, AppError::Forbidden { .. }), "{error:?}");
    }
}

#[tokio::test]
async fn captures_are_made_only_by_capturing_and_never_change() {
    let test = TestApp::empty().await;
    let (app, admin) = (&test.app, &test.admin);
    let capture = app
        .capture_bytes(
            admin,
            "note.txt",
            None,
            b"evidence",
            CaptureOptions::default(),
        )
        .await
        .unwrap();
    let record = capture.body.clone().into_record();
    let kind = RecordKind::Capture;
    let errors = [
        test.refused(&[], app.create_json(admin, kind, record.to_json()))
            .await,
        test.refused(&[], app.update_record(admin, capture.id, 1, record))
            .await,
        test.refused(&[], app.delete_record(admin, kind, capture.id, 1))
            .await,
    ];
    for error in errors {
        assert!(matches!(error, AppError::NotAllowed(_)), "{error:?}");
    }
}

#[tokio::test]
async fn sign_in_checks_the_password_and_reset_replaces_it() {
    let test = TestApp::empty().await;
    let app = &test.app;
    let (user, password) = app
        .create_user(&test.admin, "lawyer1", Role::Lawyer)
        .await
        .unwrap();
    let actor = app.authenticate("lawyer1", &password).await.unwrap();
    assert_eq!(actor.user_id, Some(UserId(user.id)));
    assert_eq!(actor.role, Role::Lawyer);
    assert_eq!(actor.label(), "user:lawyer1");

    for (username, attempt) in [("lawyer1", "wrong password"), ("nobody", password.as_str())] {
        let error = app.authenticate(username, attempt).await.unwrap_err();
        assert!(
            matches!(error, AppError::BadCredentials),
            "{username}: {error:?}"
        );
    }

    let new_password = app.reset_password(&test.admin, "lawyer1").await.unwrap();
    assert_ne!(new_password, password);
    let error = app.authenticate("lawyer1", &password).await.unwrap_err();
    assert!(matches!(error, AppError::BadCredentials), "{error:?}");
    assert_eq!(
        app.authenticate("lawyer1", &new_password).await.unwrap(),
        actor
    );
}

#[tokio::test]
async fn custody_timeline_shows_the_undocumented_gap() {
    let test = TestApp::empty().await;
    let person_id = new_person(&test).await;
    let mut ids = Vec::new();
    for (status, start, end) in [
        ("repatriated", "2025-07-18", None),
        ("in-immigration-custody", "2025-02-10", Some("2025-03-15")),
        ("held-in-third-country", "2025-03-16", Some("2025-04")),
    ] {
        let period = custody(person_id, status, start, end);
        let created = test.app.create(&test.admin, period).await.unwrap();
        ids.push(CustodyPeriodId(created.id));
    }
    let segment = |status: Option<&str>, from: &str, to: Option<&str>, period_id| TimelineSegment {
        status: status.map(str::to_owned),
        from: Some(date(from)),
        to: to.map(date),
        period_id,
        place_id: None,
        overlaps_previous: false,
    };
    let timeline = test
        .app
        .custody_timeline(&test.admin, person_id)
        .await
        .unwrap();
    assert_eq!(
        timeline,
        [
            segment(
                Some("in-immigration-custody"),
                "2025-02-10",
                Some("2025-03-15"),
                Some(ids[1])
            ),
            segment(
                Some("held-in-third-country"),
                "2025-03-16",
                Some("2025-04"),
                Some(ids[2])
            ),
            segment(None, "2025-04", Some("2025-07-18"), None),
            segment(Some("repatriated"), "2025-07-18", None, Some(ids[0])),
        ]
    );
}

/// Writes records and checks that each reads back equal, noting the kinds covered.
struct RoundTrip<'a> {
    test: &'a TestApp,
    covered: BTreeSet<RecordKind>,
}

impl RoundTrip<'_> {
    /// Creates `record` and checks that it reads back unchanged; returns its id.
    async fn check(&mut self, record: Record) -> Uuid {
        let created = self
            .test
            .app
            .create_record(&self.test.admin, record.clone())
            .await
            .unwrap_or_else(|error| panic!("create {}: {error}", record.kind()));
        assert_eq!(created.record.as_ref(), Some(&record));
        self.check_stored(created.id, record).await;
        created.id
    }

    /// Checks that the record `id` reads back as `expected`.
    async fn check_stored(&mut self, id: Uuid, expected: Record) {
        let kind = expected.kind();
        let got = self
            .test
            .app
            .get_record(&self.test.admin, kind, id)
            .await
            .unwrap_or_else(|error| panic!("get {kind}: {error}"));
        assert_eq!((got.kind, got.id, got.version), (kind, id, 1));
        assert_eq!(got.record, Some(expected), "{kind}");
        self.covered.insert(kind);
    }
}

#[tokio::test]
async fn every_record_kind_round_trips() {
    let test = TestApp::empty().await;
    let mut trip = RoundTrip {
        test: &test,
        covered: BTreeSet::new(),
    };
    let case_id = CaseId(
        trip.check(
            Case {
                title: "CECOT removals".to_owned(),
                reference: "CECOT-2025".to_owned(),
                description: "Men removed under the Alien Enemies Act".to_owned(),
                status: CaseStatus::Open,
                opened_on: Some(date("2025-03")),
            }
            .into_record(),
        )
        .await,
    );
    let mut person = sensitive_person("P-0007", "Jesús Pérez");
    person.case_ids = vec![case_id];
    person.age_at_first_event = Some(27);
    person.sensitive = Some(PersonSensitive {
        full_name: "Jesús Pérez".to_owned(),
        aliases: vec!["Chucho".to_owned()],
        birth_date: Some(date("~1998")),
        identifiers: vec![Identifier {
            kind: "passport".to_owned(),
            value: "123456789".to_owned(),
            country: Some("VE".to_owned()),
        }],
        contacts: vec![Contact {
            kind: "phone".to_owned(),
            value: "+58 412 0000000".to_owned(),
            note: "mother".to_owned(),
        }],
        notes: "Tattoo on the left arm".to_owned(),
    });
    let person_id = PersonId(trip.check(person.into_record()).await);
    let place_id = PlaceId(
        trip.check(
            Place {
                name_en: "Terrorism Confinement Center".to_owned(),
                name_es: "Centro de Confinamiento del Terrorismo".to_owned(),
                other_names: vec!["CECOT".to_owned()],
                kind: "maximum-security-prison".to_owned(),
                country: Some("SV".to_owned()),
                parent_id: None,
                latitude: Some(13.6124),
                longitude: Some(-88.8417),
                notes: String::new(),
            }
            .into_record(),
        )
        .await,
    );
    let organization_id = OrganizationId(
        trip.check(
            Organization {
                name: "Immigration and Customs Enforcement".to_owned(),
                acronym: "ICE".to_owned(),
                kind: "immigration-enforcement-agency".to_owned(),
                country: Some("US".to_owned()),
                ..Organization::default()
            }
            .into_record(),
        )
        .await,
    );
    let event_id = EventId(
        trip.check(
            Event {
                title: "Removal flights to El Salvador".to_owned(),
                description: "Three flights left Texas".to_owned(),
                period: DatePeriod::between(date("2025-03-15"), date("2025-03-16")),
                place_ids: vec![place_id],
                violation_types: vec!["enforced-disappearance".to_owned()],
                case_ids: vec![case_id],
                confidentiality: Confidentiality::Restricted,
            }
            .into_record(),
        )
        .await,
    );
    let act_id = ActId(
        trip.check(
            Act {
                event_id,
                victim_id: person_id,
                act_type: "detention".to_owned(),
                period: DatePeriod::since(date("2025-03-16")),
                place_id: Some(place_id),
                method: "Held incommunicado".to_owned(),
                ..Act::default()
            }
            .into_record(),
        )
        .await,
    );
    trip.check(
        Involvement {
            act_id,
            perpetrator: Perpetrator::Organization(organization_id),
            degree: "direct-perpetrator".to_owned(),
            notes: "Ran the flights".to_owned(),
        }
        .into_record(),
    )
    .await;
    let testimony_id = TestimonyId(
        trip.check(
            Testimony {
                giver_id: person_id,
                given_on: date("2025-08-02"),
                taken_by: "Interviewer A".to_owned(),
                language: "es".to_owned(),
                consent: vec!["internal-use".to_owned(), "file-in-court".to_owned()],
                translation_of: None,
                case_ids: vec![case_id],
                sensitive: Some(TestimonySensitive {
                    text: "Nos golpearon al llegar".to_owned(),
                    location: "Caracas".to_owned(),
                }),
            }
            .into_record(),
        )
        .await,
    );
    let capture = test
        .app
        .capture_bytes(
            &test.admin,
            "article.html",
            Some("text/html"),
            b"<html><body>Removal flights</body></html>",
            CaptureOptions {
                case_ids: vec![case_id],
                note: "The newspaper's report".to_owned(),
                id: None,
            },
        )
        .await
        .unwrap();
    trip.check_stored(capture.id, capture.body.clone().into_record())
        .await;
    let capture_id = CaptureId(capture.id);
    trip.check(
        Information {
            source: SourceRef::Capture(capture_id),
            claim: ClaimRef::Event(event_id),
            source_kind: "news-article".to_owned(),
            reliability: "high".to_owned(),
            language: Some("es".to_owned()),
            locator: "paragraph 3".to_owned(),
            notes: String::new(),
        }
        .into_record(),
    )
    .await;
    trip.check(
        Information {
            source: SourceRef::Testimony(testimony_id),
            claim: ClaimRef::Person(person_id),
            source_kind: "direct-testimony".to_owned(),
            reliability: "medium".to_owned(),
            language: None,
            locator: String::new(),
            notes: "Consistent with the flight list".to_owned(),
        }
        .into_record(),
    )
    .await;
    let mut period = custody(
        person_id,
        "held-in-third-country",
        "2025-03-16",
        Some("2025-07-18"),
    );
    period.place_id = Some(place_id);
    period.custodian_id = Some(organization_id);
    period.notes = "Incommunicado".to_owned();
    trip.check(period.into_record()).await;
    let proceeding_id = ProceedingId(
        trip.check(
            Proceeding {
                case_id,
                kind: "habeas-corpus".to_owned(),
                title: "J.G.G. v. Trump".to_owned(),
                forum: "U.S. District Court for the District of Columbia".to_owned(),
                forum_id: None,
                docket_number: "1:25-cv-00766".to_owned(),
                filed_on: Some(date("2025-03-15")),
                status: ProceedingStatus::Pending,
                person_ids: vec![person_id],
                parent_id: None,
                notes: String::new(),
            }
            .into_record(),
        )
        .await,
    );
    trip.check(
        DocketEntry {
            proceeding_id: Some(proceeding_id),
            number: Some(1),
            filed_on: date("2025-03-15"),
            kind: "complaint".to_owned(),
            title: "Petition for a writ of habeas corpus".to_owned(),
            summary: String::new(),
            capture_id: Some(capture_id),
        }
        .into_record(),
    )
    .await;
    trip.check(
        Hearing {
            proceeding_id: Some(proceeding_id),
            kind: "status-conference".to_owned(),
            starts_at: datetime!(2025-12-22 10:30 -05:00),
            location: "Courtroom 11".to_owned(),
            remote: true,
            participant_ids: vec![person_id],
            status: HearingStatus::Held,
            outcome: "Briefing schedule set".to_owned(),
        }
        .into_record(),
    )
    .await;
    trip.check(
        Deadline {
            case_id: Some(case_id),
            proceeding_id: Some(proceeding_id),
            kind: "response-due".to_owned(),
            title: "Government's response".to_owned(),
            due_on: date("2026-01-05"),
            responsible: "Lead counsel".to_owned(),
            done: false,
        }
        .into_record(),
    )
    .await;
    let document_id = DocumentId(
        trip.check(
            Document {
                capture_id,
                title: "Removal flights".to_owned(),
                byline: "A reporter".to_owned(),
                published_at: Some(datetime!(2025-03-17 08:00 UTC)),
                language: Some("es".to_owned()),
                text: "Removal flights left Texas.".to_owned(),
                ..Document::default()
            }
            .into_record(),
        )
        .await,
    );
    trip.check(
        Suggestion {
            document_id,
            kind: SuggestionKind::Place,
            start: 20,
            end: 25,
            text: "Texas".to_owned(),
            confidence: 0.75,
            proposal: json!({ "candidates": [{ "id": place_id, "score": 0.5 }] }),
            status: SuggestionStatus::Accepted,
            accepted_into: Some(RecordLink {
                kind: RecordKind::Place,
                id: place_id.0,
            }),
        }
        .into_record(),
    )
    .await;
    let (user, _) = test
        .app
        .create_user(&test.admin, "documenter1", Role::Documenter)
        .await
        .unwrap();
    trip.check_stored(user.id, user.body.clone().into_record())
        .await;
    let user_id = UserId(user.id);
    let team_id = TeamId(
        trip.check(
            Team {
                name: "Legal team".to_owned(),
                description: "Works the habeas petitions".to_owned(),
                member_ids: vec![user_id],
            }
            .into_record(),
        )
        .await,
    );
    for grantee in [Grantee::User(user_id), Grantee::Team(team_id)] {
        trip.check(
            Grant {
                grantee,
                case_id,
                rights: vec![Right::Read, Right::Write, Right::Sensitive],
            }
            .into_record(),
        )
        .await;
    }

    let all: BTreeSet<RecordKind> = RecordKind::ALL.iter().copied().collect();
    assert_eq!(trip.covered, all, "a record kind has no round-trip fixture");
}
