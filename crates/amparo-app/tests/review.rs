//! Suggestions and their review (issue 6, part 3): processing a document, deciding its
//! suggestions (link, create, reject), bulk acceptance, decisions remembered across a
//! near-duplicate cluster, and who may do what.

mod common;

use amparo_app::review::{self, Decision};
use amparo_app::{App, AppError, CaptureOptions, DEFAULT_CONFIDENT, Versioned};
use amparo_model::records::{
    ClaimRef, Document, Event, Information, Person, PersonSensitive, RecordLink, Right, SourceRef,
    Suggestion, SuggestionKind, SuggestionStatus,
};
use amparo_model::{CaptureId, CaseId, DocumentId, EventId, PersonId, RecordKind};
use common::TestApp;
use time::macros::datetime;
use uuid::Uuid;

const ARTICLE: &str = "Jose G. Perez was deported to El Salvador on March 15, 2025. \
His mother said he was held incommunicado at CECOT for four months.\n\n\
Carlos Mendoza, another man on the flight, was released in July.";

async fn document(test: &TestApp, text: &str, duplicate_of: Option<Uuid>) -> Uuid {
    document_in(test, text, duplicate_of, &[]).await
}

/// A document whose capture belongs to `cases`.
async fn document_in(
    test: &TestApp,
    text: &str,
    duplicate_of: Option<Uuid>,
    cases: &[CaseId],
) -> Uuid {
    let capture = test
        .app
        .capture_bytes(
            &test.admin,
            "article.txt",
            Some("text/plain"),
            format!("{text}{}", Uuid::now_v7()).as_bytes(),
            CaptureOptions {
                case_ids: cases.to_vec(),
                ..CaptureOptions::default()
            },
        )
        .await
        .expect("capture");
    test.app
        .create(
            &test.admin,
            Document {
                capture_id: CaptureId(capture.id),
                title: "Deported to CECOT".to_owned(),
                published_at: Some(datetime!(2025-12-22 10:00 UTC)),
                language: Some("en".to_owned()),
                text: text.to_owned(),
                url: Some("https://news.example/cecot".to_owned()),
                duplicate_of: duplicate_of.map(DocumentId),
                ..Document::default()
            },
        )
        .await
        .expect("create document")
        .id
}

async fn person(test: &TestApp, full_name: &str, aliases: &[&str]) -> Versioned<Person> {
    test.app
        .create(
            &test.admin,
            Person {
                sensitive: Some(PersonSensitive {
                    full_name: full_name.to_owned(),
                    aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .expect("create person")
}

async fn suggestions(app: &App, test: &TestApp, document_id: Uuid) -> Vec<Versioned<Suggestion>> {
    app.suggestions(&test.admin, document_id)
        .await
        .expect("list suggestions")
}

fn find<'a>(
    found: &'a [Versioned<Suggestion>],
    kind: SuggestionKind,
    text: &str,
) -> &'a Versioned<Suggestion> {
    found
        .iter()
        .find(|suggestion| suggestion.body.kind == kind && suggestion.body.text == text)
        .unwrap_or_else(|| {
            let shown: Vec<_> = found
                .iter()
                .map(|suggestion| (suggestion.body.kind, suggestion.body.text.as_str()))
                .collect();
            panic!("no {kind:?} suggestion {text:?} among {shown:?}")
        })
}

/// The information records whose source is `document_id`.
async fn sources_of(test: &TestApp, document_id: Uuid) -> Vec<Information> {
    test.app
        .referring::<Information>(&test.admin, RecordKind::Document, document_id)
        .await
        .expect("information")
        .into_iter()
        .map(|information| information.body)
        .collect()
}

#[tokio::test]
async fn processing_proposes_candidates_and_values_and_is_idempotent() {
    let test = TestApp::new().await;
    let perez = person(&test, "José Gregorio Pérez", &[]).await;
    let id = document(&test, ARTICLE, None).await;

    let report = test.app.suggest(&test.admin, id).await.expect("suggest");
    assert!(report.created >= 4, "{report:?}");
    assert_eq!(report.existing, 0);
    let found = suggestions(&test.app, &test, id).await;
    assert_eq!(found.len(), report.created);
    assert!(
        found
            .iter()
            .all(|s| s.body.status == SuggestionStatus::Pending)
    );

    // The accent- and initial-insensitive match, shown by its pseudonym.
    let mention = find(&found, SuggestionKind::Person, "Jose G. Perez");
    let candidates = review::candidates(&mention.body);
    assert_eq!(candidates[0].id, perez.id);
    assert_eq!(candidates[0].label, perez.body.pseudonym);
    assert!(candidates[0].score >= 0.85, "{candidates:?}");
    // A built-in place is never a link target, but prefills "create new".
    let place = find(&found, SuggestionKind::Place, "El Salvador");
    assert!(review::candidates(&place.body).is_empty());
    let new = review::new_record(&place.body).expect("a new place");
    assert_eq!(
        (new.name.as_str(), new.term.as_deref()),
        ("El Salvador", Some("country"))
    );
    let date = find(&found, SuggestionKind::Date, "March 15, 2025");
    assert_eq!(date.body.proposal["value"], "2025-03-15");
    assert_eq!(date.body.proposal["precision"], "day");
    let cue = found
        .iter()
        .find(|s| s.body.kind == SuggestionKind::Violation)
        .expect("a violation cue");
    assert_eq!(cue.body.proposal["term"], "incommunicado-detention");

    // Processing again adds nothing and keeps a decision already made.
    test.app
        .decide(&test.admin, place.id, Decision::Reject)
        .await
        .expect("reject");
    let again = test
        .app
        .suggest(&test.admin, id)
        .await
        .expect("suggest again");
    assert_eq!((again.created, again.existing), (0, report.created));
    let after = suggestions(&test.app, &test, id).await;
    assert_eq!(after.len(), found.len());
    assert_eq!(
        find(&after, SuggestionKind::Place, "El Salvador")
            .body
            .status,
        SuggestionStatus::Rejected
    );
}

#[tokio::test]
async fn linking_a_mention_records_the_document_as_the_source() {
    let test = TestApp::new().await;
    let perez = person(&test, "José Gregorio Pérez", &[]).await;
    let id = document(&test, ARTICLE, None).await;
    test.app.suggest(&test.admin, id).await.expect("suggest");
    let found = suggestions(&test.app, &test, id).await;
    let mention = find(&found, SuggestionKind::Person, "Jose G. Perez");

    let link = RecordLink {
        kind: RecordKind::Person,
        id: perez.id,
    };
    let outcome = test
        .app
        .decide(&test.admin, mention.id, Decision::Link(link))
        .await
        .expect("link");
    assert_eq!(outcome.record, Some(link));
    assert_eq!(outcome.suggestion.body.status, SuggestionStatus::Accepted);
    assert_eq!(outcome.suggestion.body.accepted_into, Some(link));
    assert_eq!(outcome.suggestion.version, 2);

    let sources = sources_of(&test, id).await;
    assert_eq!(sources.len(), 1);
    let information = &sources[0];
    assert_eq!(information.source, SourceRef::Document(DocumentId(id)));
    assert_eq!(information.claim, ClaimRef::Person(PersonId(perez.id)));
    assert_eq!(information.language.as_deref(), Some("en"));
    assert_eq!(information.source_kind, "news-article");
    assert!(
        information.locator.contains("characters 0–13")
            && information.locator.contains("Jose G. Perez"),
        "{}",
        information.locator
    );

    // A decision is made once; linking a place to a person is refused.
    let error = test
        .app
        .decide(&test.admin, mention.id, Decision::Reject)
        .await
        .expect_err("decided already");
    assert!(matches!(error, AppError::NotAllowed(_)), "{error}");
    let place = find(&found, SuggestionKind::Place, "El Salvador");
    let error = test
        .app
        .decide(&test.admin, place.id, Decision::Link(link))
        .await
        .expect_err("a place is not a person");
    assert!(matches!(error, AppError::NotAllowed(_)), "{error}");
}

#[tokio::test]
async fn creating_a_person_gives_a_pseudonym_and_keeps_the_name_sensitive() {
    let test = TestApp::new().await;
    let case = test.case("CECOT").await;
    let id = document_in(&test, ARTICLE, None, &[case]).await;
    test.app.suggest(&test.admin, id).await.expect("suggest");
    let found = suggestions(&test.app, &test, id).await;
    let mention = find(&found, SuggestionKind::Person, "Carlos Mendoza");
    assert!(review::candidates(&mention.body).is_empty());

    let outcome = test
        .app
        .decide(
            &test.admin,
            mention.id,
            Decision::CreateNew {
                name: Some("Carlos Alberto Mendoza".to_owned()),
            },
        )
        .await
        .expect("create");
    let link = outcome.record.expect("a new record");
    assert_eq!(link.kind, RecordKind::Person);
    let created: Versioned<Person> = test.app.get(&test.admin, link.id).await.expect("person");
    assert!(
        created.body.pseudonym.starts_with("P-"),
        "{}",
        created.body.pseudonym
    );
    let sensitive = created.body.sensitive.expect("sensitive fields");
    assert_eq!(sensitive.full_name, "Carlos Alberto Mendoza");
    assert_eq!(sensitive.aliases, ["Carlos Mendoza"]);
    // The new person belongs to the document's cases, so the case's team sees it.
    assert_eq!(created.body.case_ids, vec![case]);
    let viewer = test.viewer().await;
    test.grant(&viewer, case, &[Right::Read]).await;
    let seen: Versioned<Person> = test.app.get(&viewer, link.id).await.expect("person");
    assert_eq!(seen.body.sensitive, None);

    let sources = sources_of(&test, id).await;
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].claim, ClaimRef::Person(PersonId(link.id)));
    assert_eq!(
        Some(sources[0].source),
        Some(SourceRef::Document(DocumentId(id)))
    );
}

#[tokio::test]
async fn rejecting_records_the_decision_only() {
    let test = TestApp::new().await;
    let id = document(&test, ARTICLE, None).await;
    test.app.suggest(&test.admin, id).await.expect("suggest");
    let found = suggestions(&test.app, &test, id).await;
    let mention = find(&found, SuggestionKind::Person, "Carlos Mendoza");
    let persons_before = test.app.count_records(RecordKind::Person).await.unwrap();

    let outcome = test
        .app
        .decide(&test.admin, mention.id, Decision::Reject)
        .await
        .expect("reject");
    assert_eq!(outcome.record, None);
    assert_eq!(outcome.suggestion.body.status, SuggestionStatus::Rejected);
    assert_eq!(outcome.suggestion.body.accepted_into, None);
    assert!(sources_of(&test, id).await.is_empty());
    assert_eq!(
        test.app.count_records(RecordKind::Person).await.unwrap(),
        persons_before
    );
    // The decision is a version of the record, in its history.
    let history = test
        .app
        .record_history(&test.admin, RecordKind::Suggestion, mention.id)
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].actor, "cli:tester");
}

#[tokio::test]
async fn violation_cues_support_events() {
    let test = TestApp::new().await;
    let id = document(&test, ARTICLE, None).await;
    test.app.suggest(&test.admin, id).await.expect("suggest");
    let found = suggestions(&test.app, &test, id).await;
    let cue = found
        .iter()
        .find(|s| s.body.kind == SuggestionKind::Violation)
        .expect("a violation cue");

    // A new event of the cue's violation type, titled by its sentence.
    let outcome = test
        .app
        .decide(&test.admin, cue.id, Decision::CreateNew { name: None })
        .await
        .expect("new event");
    let link = outcome.record.expect("an event");
    let event: Versioned<Event> = test.app.get(&test.admin, link.id).await.expect("event");
    assert_eq!(event.body.violation_types, ["incommunicado-detention"]);
    assert!(
        event.body.title.contains("incommunicado"),
        "{}",
        event.body.title
    );
    assert!(event.body.period.end.is_some());

    // A date accepted into that event supports it; it gains no violation type.
    let date = find(&found, SuggestionKind::Date, "March 15, 2025");
    test.app
        .decide(&test.admin, date.id, Decision::Link(link))
        .await
        .expect("date into event");
    let claims: Vec<_> = sources_of(&test, id)
        .await
        .into_iter()
        .map(|information| information.claim)
        .collect();
    assert_eq!(claims, [ClaimRef::Event(EventId(link.id)); 2]);
    // A date cannot make an event of its own.
    let count = found
        .iter()
        .find(|s| s.body.kind == SuggestionKind::Count || s.body.kind == SuggestionKind::Date)
        .filter(|s| s.id != date.id)
        .map(|s| s.id);
    if let Some(other) = count {
        let error = test
            .app
            .decide(&test.admin, other, Decision::CreateNew { name: None })
            .await
            .expect_err("no event from a date or count");
        assert!(matches!(error, AppError::NotAllowed(_)), "{error}");
    }
}

#[tokio::test]
async fn bulk_accept_links_only_clear_confident_matches() {
    let test = TestApp::new().await;
    let perez = person(&test, "José Gregorio Pérez", &[]).await;
    // Two people share the surname Mendoza: a lone surname is never decided in bulk.
    person(&test, "Luis Mendoza", &[]).await;
    person(&test, "Ana Mendoza", &[]).await;
    let text = "José Gregorio Pérez was deported to El Salvador. \
Mendoza, who was on the same flight, spoke to reporters in Caracas.";
    let id = document(&test, text, None).await;
    test.app.suggest(&test.admin, id).await.expect("suggest");

    let report = test
        .app
        .accept_confident(&test.admin, id, DEFAULT_CONFIDENT)
        .await
        .expect("bulk");
    assert_eq!(report.linked.len(), 1, "{report:?}");
    assert_eq!(report.linked[0].record.id, perez.id);
    assert_eq!(report.linked[0].text, "José Gregorio Pérez");
    let found = suggestions(&test.app, &test, id).await;
    let pending: Vec<Uuid> = found
        .iter()
        .filter(|s| s.body.status == SuggestionStatus::Pending)
        .map(|s| s.id)
        .collect();
    assert_eq!(report.left, pending);
    assert!(!pending.is_empty());
    // Places of the built-in lists have no record to link to: left for a person.
    let place = find(&found, SuggestionKind::Place, "El Salvador");
    assert_eq!(place.body.status, SuggestionStatus::Pending);
    assert_eq!(sources_of(&test, id).await.len(), 1);
}

#[tokio::test]
async fn a_republished_copy_is_decided_as_the_original_was() {
    let test = TestApp::new().await;
    let perez = person(&test, "José Gregorio Pérez", &["Cheo Pérez"]).await;
    let original = document(&test, ARTICLE, None).await;
    test.app
        .suggest(&test.admin, original)
        .await
        .expect("suggest");
    let found = suggestions(&test.app, &test, original).await;
    let mention = find(&found, SuggestionKind::Person, "Jose G. Perez");
    let link = RecordLink {
        kind: RecordKind::Person,
        id: perez.id,
    };
    test.app
        .decide(&test.admin, mention.id, Decision::Link(link))
        .await
        .expect("link");
    let place = find(&found, SuggestionKind::Place, "El Salvador");
    test.app
        .decide(&test.admin, place.id, Decision::Reject)
        .await
        .expect("reject");

    // The copy, with a header of its own, in the same cluster.
    let copy_text = format!("Republished from a partner.\n\n{ARTICLE}");
    let copy = document(&test, &copy_text, Some(original)).await;
    let report = test
        .app
        .suggest(&test.admin, copy)
        .await
        .expect("suggest copy");
    assert_eq!(report.remembered, 2, "{report:?}");
    let copies = suggestions(&test.app, &test, copy).await;
    let same = find(&copies, SuggestionKind::Person, "Jose G. Perez");
    assert_eq!(same.body.status, SuggestionStatus::Accepted);
    assert_eq!(same.body.accepted_into, Some(link));
    assert_eq!(review::remembered_from(&same.body), Some(mention.id));
    let same_place = find(&copies, SuggestionKind::Place, "El Salvador");
    assert_eq!(same_place.body.status, SuggestionStatus::Rejected);
    assert_eq!(review::remembered_from(&same_place.body), Some(place.id));
    // The copy is a source of the claim in its own right.
    let sources = sources_of(&test, copy).await;
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].claim, ClaimRef::Person(PersonId(perez.id)));

    // A decision on the original after the copy was processed reaches the copy too.
    let carlos = find(&found, SuggestionKind::Person, "Carlos Mendoza");
    let outcome = test
        .app
        .decide(&test.admin, carlos.id, Decision::CreateNew { name: None })
        .await
        .expect("create");
    assert_eq!(outcome.carried_over, 1);
    let copies = suggestions(&test.app, &test, copy).await;
    let carried = find(&copies, SuggestionKind::Person, "Carlos Mendoza");
    assert_eq!(carried.body.status, SuggestionStatus::Accepted);
    assert_eq!(carried.body.accepted_into, outcome.record);
    assert_eq!(review::remembered_from(&carried.body), Some(carlos.id));
}

#[tokio::test]
async fn suggest_pending_processes_each_document_version_once() {
    let test = TestApp::new().await;
    let first = document(&test, ARTICLE, None).await;
    let empty = document(&test, "nothing to see here", None).await;
    let report = test
        .app
        .suggest_pending(&test.admin, 10)
        .await
        .expect("pending");
    let processed: Vec<Uuid> = report.processed.iter().map(|r| r.document_id).collect();
    assert_eq!(processed, [first, empty]);
    assert_eq!(report.remaining, 0);
    // A document without findings is not read again, nor one with suggestions.
    let again = test
        .app
        .suggest_pending(&test.admin, 10)
        .await
        .expect("pending again");
    assert!(again.processed.is_empty(), "{again:?}");
    // Named documents are processed whatever their state; a missing one is passed over.
    let reports = test
        .app
        .suggest_documents(&test.admin, &[first, Uuid::now_v7()])
        .await
        .expect("named documents");
    assert_eq!(reports.len(), 1);
    assert_eq!((reports[0].document_id, reports[0].created), (first, 0));
}

#[tokio::test]
async fn viewers_read_suggestions_without_real_names_and_cannot_decide() {
    let test = TestApp::new().await;
    let case = test.case("CECOT").await;
    let perez = person(&test, "José Gregorio Pérez Rodríguez", &["Cheo"]).await;
    let id = document_in(&test, ARTICLE, None, &[case]).await;
    test.app.suggest(&test.admin, id).await.expect("suggest");
    let viewer = test.viewer().await;
    test.grant(&viewer, case, &[Right::Read]).await;

    let seen = test
        .app
        .suggestions(&viewer, id)
        .await
        .expect("viewer reads");
    let mention = find(&seen, SuggestionKind::Person, "Jose G. Perez");
    let candidates = review::candidates(&mention.body);
    assert_eq!(candidates[0].label, perez.body.pseudonym);
    let everything =
        serde_json::to_string(&seen.iter().map(|s| &s.body).collect::<Vec<_>>()).unwrap();
    for secret in ["Rodríguez", "Rodriguez", "Gregorio", "Cheo"] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked: {everything}"
        );
    }

    let link = RecordLink {
        kind: RecordKind::Person,
        id: perez.id,
    };
    let error = test
        .refused(
            &[],
            test.app.decide(&viewer, mention.id, Decision::Link(link)),
        )
        .await;
    assert!(matches!(error, AppError::Forbidden { .. }), "{error}");
    let error = test.refused(&[], test.app.suggest(&viewer, id)).await;
    assert!(matches!(error, AppError::Forbidden { .. }), "{error}");
    let error = test
        .refused(&[], test.app.accept_confident(&viewer, id, 0.5))
        .await;
    assert!(matches!(error, AppError::Forbidden { .. }), "{error}");
}

#[tokio::test]
async fn a_changed_text_adds_only_its_new_findings() {
    let test = TestApp::new().await;
    let id = document(&test, ARTICLE, None).await;
    let first = test.app.suggest(&test.admin, id).await.expect("suggest");
    let before = suggestions(&test.app, &test, id).await;
    let carlos = find(&before, SuggestionKind::Person, "Carlos Mendoza");
    test.app
        .decide(&test.admin, carlos.id, Decision::Reject)
        .await
        .expect("reject");

    // A correction appended at the end: every earlier span keeps its offsets and text.
    let current: Versioned<Document> = test.app.get(&test.admin, id).await.unwrap();
    let mut body = current.body.clone();
    body.text = format!("{ARTICLE}\n\nCorrection: he was moved to Honduras.");
    test.app
        .update(&test.admin, id, current.version, body)
        .await
        .expect("update");
    let again = test
        .app
        .suggest(&test.admin, id)
        .await
        .expect("suggest again");
    assert_eq!(again.document_version, 2);
    assert_eq!(again.existing, first.created, "{again:?}");
    assert!(again.created >= 1, "{again:?}");
    let after = suggestions(&test.app, &test, id).await;
    find(&after, SuggestionKind::Place, "Honduras");
    assert_eq!(
        find(&after, SuggestionKind::Person, "Carlos Mendoza")
            .body
            .status,
        SuggestionStatus::Rejected
    );
}
