//! Creating records in batches: everything checked first, nothing written when one is refused,
//! links to records earlier in the same batch, pseudonym codes.

mod common;

use amparo_app::AppError;
use amparo_model::records::*;
use amparo_model::*;
use common::{TestApp, field_message, invalid};
use uuid::Uuid;

fn person(code: &str) -> Person {
    Person {
        pseudonym: code.to_owned(),
        nationalities: vec!["VE".to_owned()],
        roles: vec!["victim".to_owned()],
        ..Person::default()
    }
}

fn custody(person_id: PersonId, status: &str, start: &str) -> CustodyPeriod {
    CustodyPeriod {
        person_id,
        status: status.to_owned(),
        place_id: None,
        custodian_id: None,
        period: DatePeriod::since(start.parse().expect("test date")),
        notes: String::new(),
    }
}

fn entry(id: Uuid, record: impl RecordBody) -> (Uuid, Record) {
    (id, record.into_record())
}

#[tokio::test]
async fn a_valid_batch_lands() {
    let test = TestApp::new().await;
    let case_id = CaseId::new();
    let mut batch = vec![entry(
        case_id.0,
        Case {
            title: "CECOT transfers".to_owned(),
            ..Case::default()
        },
    )];
    let mut person_ids = Vec::new();
    for number in 1..=30 {
        let id = PersonId::new();
        person_ids.push(id);
        let mut body = person(&format!("P-{number:05}"));
        body.case_ids = vec![case_id];
        batch.push(entry(id.0, body));
        batch.push(entry(
            Uuid::now_v7(),
            custody(id, "in-immigration-custody", "2025-03"),
        ));
    }
    let written = test
        .app
        .create_records_batch(&test.admin, batch)
        .await
        .expect("batch");
    assert_eq!(written, 61);
    assert_eq!(
        test.app.count_records(RecordKind::Person).await.unwrap(),
        30
    );
    assert_eq!(
        test.app
            .count_records(RecordKind::CustodyPeriod)
            .await
            .unwrap(),
        30
    );
    let stored = test
        .app
        .get::<Person>(&test.admin, person_ids[4].0)
        .await
        .expect("person");
    assert_eq!(stored.body.pseudonym, "P-00005");
    assert_eq!(stored.version, 1);
    // Explicit codes raised the counter: the next person without a code comes after them.
    let next = test
        .app
        .create(&test.admin, person(""))
        .await
        .expect("person");
    assert_eq!(next.body.pseudonym, "P-0031");
    // A second batch with persons without codes numbers them in order after that one.
    let batch = vec![
        entry(PersonId::new().0, person("")),
        entry(PersonId::new().0, person("")),
    ];
    let ids: Vec<Uuid> = batch.iter().map(|(id, _)| *id).collect();
    test.app
        .create_records_batch(&test.admin, batch)
        .await
        .expect("batch without codes");
    let first = test.app.get::<Person>(&test.admin, ids[0]).await.unwrap();
    let second = test.app.get::<Person>(&test.admin, ids[1]).await.unwrap();
    assert_eq!(first.body.pseudonym, "P-0032");
    assert_eq!(second.body.pseudonym, "P-0033");
}

#[tokio::test]
async fn one_invalid_record_writes_nothing_and_is_named() {
    let test = TestApp::new().await;
    let first = PersonId::new();
    let second = PersonId::new();
    let bad_period = Uuid::now_v7();
    let batch = vec![
        entry(first.0, person("P-0001")),
        entry(Uuid::now_v7(), custody(first, "in-transit", "2025-01")),
        entry(second.0, person("P-0002")),
        entry(bad_period, custody(second, "on-holiday", "2025-02")),
    ];
    let error = test
        .refused(
            &[(RecordKind::Person, first.0)],
            test.app.create_records_batch(&test.admin, batch),
        )
        .await;
    let message = error.to_string();
    let errors = invalid(error);
    assert!(field_message(&errors, "status").contains("on-holiday"));
    assert!(message.contains(&bad_period.to_string()), "{message}");
    assert!(message.contains("record 3 of the batch"), "{message}");
}

#[tokio::test]
async fn a_link_to_an_earlier_record_of_the_batch_is_accepted() {
    let test = TestApp::new().await;
    let event_id = EventId::new();
    let victim = PersonId::new();
    let batch = vec![
        entry(victim.0, person("P-0100")),
        entry(
            event_id.0,
            Event {
                title: "Transfer to CECOT".to_owned(),
                ..Event::default()
            },
        ),
        entry(
            Uuid::now_v7(),
            Act {
                event_id,
                victim_id: victim,
                act_type: "transfer".to_owned(),
                ..Act::default()
            },
        ),
    ];
    assert_eq!(
        test.app
            .create_records_batch(&test.admin, batch)
            .await
            .unwrap(),
        3
    );
    // A link to a record stored before the batch is accepted too.
    let batch = vec![entry(
        Uuid::now_v7(),
        custody(victim, "whereabouts-unknown", "2025-04"),
    )];
    assert_eq!(
        test.app
            .create_records_batch(&test.admin, batch)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_missing_link_is_refused() {
    let test = TestApp::new().await;
    let stranger = PersonId::new();
    let later = PersonId::new();
    let period_id = Uuid::now_v7();
    let batch = vec![
        entry(later.0, person("P-0001")),
        entry(period_id, custody(stranger, "in-transit", "2025-01")),
    ];
    let errors = invalid(
        test.refused(&[], test.app.create_records_batch(&test.admin, batch))
            .await,
    );
    assert!(field_message(&errors, "person_id").contains(&stranger.to_string()));
    assert!(errors.kind.contains(&period_id.to_string()), "{errors}");
    // A link to a record that comes later in the batch is refused as well: order matters.
    let early = PersonId::new();
    let batch = vec![
        entry(Uuid::now_v7(), custody(early, "in-transit", "2025-01")),
        entry(early.0, person("P-0002")),
    ];
    let errors = invalid(
        test.refused(&[], test.app.create_records_batch(&test.admin, batch))
            .await,
    );
    assert!(field_message(&errors, "person_id").contains(&early.to_string()));
}

#[tokio::test]
async fn codes_ids_and_readers_are_checked() {
    let test = TestApp::new().await;
    test.app
        .create(&test.admin, person("P-0007"))
        .await
        .expect("person");
    // A code already stored, and a code used twice in the batch.
    let batch = vec![entry(PersonId::new().0, person("P-0007"))];
    let errors = invalid(
        test.refused(&[], test.app.create_records_batch(&test.admin, batch))
            .await,
    );
    assert!(field_message(&errors, "pseudonym").contains("already used"));
    let batch = vec![
        entry(PersonId::new().0, person("P-0008")),
        entry(PersonId::new().0, person("P-0008")),
    ];
    let errors = invalid(
        test.refused(&[], test.app.create_records_batch(&test.admin, batch))
            .await,
    );
    assert!(errors.kind.contains("record 1 of the batch"), "{errors}");
    // The same id twice.
    let id = PersonId::new();
    let batch = vec![entry(id.0, person("P-0009")), entry(id.0, person("P-0010"))];
    let errors = invalid(
        test.refused(&[], test.app.create_records_batch(&test.admin, batch))
            .await,
    );
    assert!(field_message(&errors, "id").contains("more than one"));
    // A reader may not write.
    let viewer = test.viewer().await;
    let batch = vec![entry(PersonId::new().0, person("P-0011"))];
    let error = test
        .refused(&[], test.app.create_records_batch(&viewer, batch))
        .await;
    assert!(matches!(error, AppError::Forbidden { .. }), "{error:?}");
}
