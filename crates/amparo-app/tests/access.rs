//! Need-to-know access: what each kind of user sees and may change, case by case.

mod common;

use amparo_app::{Actor, AppError, RecordQuery};
use amparo_model::records::{
    Case, CustodyPeriod, Grant, Grantee, Person, PersonSensitive, Place, Right, Role, Team, User,
};
use amparo_model::{CaseId, DatePeriod, PersonId, RecordKind, TeamId, UserId};
use common::TestApp;
use uuid::Uuid;

/// An installation with two cases, a person in each (and one in none), and users with
/// different grants.
struct World {
    test: TestApp,
    case_a: CaseId,
    case_b: CaseId,
    person_a: Uuid,
    person_b: Uuid,
    person_none: Uuid,
    lawyer: Actor,
    viewer: Actor,
    documenter: Actor,
    lawyer_grant: Uuid,
}

const NAME_A: &str = "Marker Name Alpha";
const NAME_B: &str = "Marker Name Bravo";

async fn person(test: &TestApp, cases: &[CaseId], name: &str) -> Uuid {
    test.app
        .create(
            &test.admin,
            Person {
                case_ids: cases.to_vec(),
                sensitive: Some(PersonSensitive {
                    full_name: name.to_owned(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .expect("create person")
        .id
}

async fn user(test: &TestApp, name: &str, role: Role) -> Actor {
    let (created, _) = test
        .app
        .create_user(&test.admin, name, role)
        .await
        .expect("create user");
    Actor::user(UserId(created.id), name, role)
}

async fn world() -> World {
    let test = TestApp::new().await;
    let admin = test.admin.clone();
    let mut cases = Vec::new();
    for title in ["Case A", "Case B"] {
        let case = test
            .app
            .create(
                &admin,
                Case {
                    title: title.to_owned(),
                    ..Case::default()
                },
            )
            .await
            .expect("create case");
        cases.push(CaseId(case.id));
    }
    let (case_a, case_b) = (cases[0], cases[1]);
    let person_a = person(&test, &[case_a], NAME_A).await;
    let person_b = person(&test, &[case_b], NAME_B).await;
    let person_none = person(&test, &[], "Marker Name Charlie").await;
    let lawyer = user(&test, "lawyer", Role::Lawyer).await;
    let viewer = user(&test, "viewer", Role::Viewer).await;
    let documenter = user(&test, "documenter", Role::Documenter).await;
    let lawyer_grant = test
        .app
        .create(
            &admin,
            Grant {
                grantee: Grantee::User(lawyer.user_id.expect("user")),
                case_id: case_a,
                rights: vec![Right::Read, Right::Write],
            },
        )
        .await
        .expect("grant")
        .id;
    // The viewer reads case A, sensitive fields included, through a team.
    let team = test
        .app
        .create(
            &admin,
            Team {
                name: "Interviewers".to_owned(),
                description: String::new(),
                member_ids: vec![viewer.user_id.expect("user")],
            },
        )
        .await
        .expect("team");
    test.app
        .create(
            &admin,
            Grant {
                grantee: Grantee::Team(TeamId(team.id)),
                case_id: case_a,
                // A viewer granted write still only reads: the role caps the grant.
                rights: vec![Right::Read, Right::Sensitive, Right::Write],
            },
        )
        .await
        .expect("team grant");
    World {
        test,
        case_a,
        case_b,
        person_a,
        person_b,
        person_none,
        lawyer,
        viewer,
        documenter,
        lawyer_grant,
    }
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, AppError>) -> String {
    match result {
        Err(AppError::Forbidden { action }) => action,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn not_found<T: std::fmt::Debug>(result: Result<T, AppError>) {
    match result {
        Err(AppError::NotFound { .. }) => {}
        other => panic!("expected not found, got {other:?}"),
    }
}

fn ids<T>(list: &[amparo_app::Versioned<T>]) -> Vec<Uuid> {
    list.iter().map(|version| version.id).collect()
}

#[tokio::test]
async fn a_user_sees_only_the_records_of_the_cases_granted_to_them() {
    let w = world().await;
    let app = &w.test.app;

    let seen: Vec<amparo_app::Versioned<Person>> = app.list(&w.lawyer).await.expect("list");
    assert_eq!(ids(&seen), vec![w.person_a]);
    // Pseudonyms only: the lawyer holds no sensitive right.
    assert!(seen[0].body.sensitive.is_none());
    not_found(app.get::<Person>(&w.lawyer, w.person_b).await);
    not_found(app.get::<Person>(&w.lawyer, w.person_none).await);
    not_found(
        app.record_history(&w.lawyer, RecordKind::Person, w.person_b)
            .await,
    );
    assert_eq!(
        app.count_visible(&w.lawyer, RecordKind::Person)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        app.count_visible(&w.test.admin, RecordKind::Person)
            .await
            .expect("count"),
        3
    );
    let cases: Vec<amparo_app::Versioned<Case>> = app.list(&w.lawyer).await.expect("cases");
    assert_eq!(ids(&cases), vec![w.case_a.0]);
    // The query API and the recent changes obey the same rules.
    let page = app
        .query_records(&w.lawyer, RecordKind::Person, &RecordQuery::default())
        .await
        .expect("query");
    assert_eq!(
        page.items.iter().map(|item| item.id).collect::<Vec<_>>(),
        vec![w.person_a]
    );
    let changes = app.recent_changes(&w.lawyer, 100).await.expect("changes");
    assert!(!changes.is_empty());
    assert!(
        changes
            .iter()
            .all(|change| change.id != w.person_b && change.id != w.person_none)
    );
    assert!(
        changes
            .iter()
            .filter_map(|change| change.record.as_ref())
            .all(|record| !record.to_json().to_string().contains("Marker Name")),
        "a recent change shows a sensitive field"
    );

    // A documenter without grants sees no person and no case, but the shared places.
    let none: Vec<amparo_app::Versioned<Person>> = app.list(&w.documenter).await.expect("list");
    assert!(none.is_empty());
    let place = app
        .create(
            &w.documenter,
            Place {
                name_en: "Terrorism Confinement Center".to_owned(),
                name_es: "Centro de Confinamiento del Terrorismo".to_owned(),
                kind: "prison".to_owned(),
                ..Place::default()
            },
        )
        .await
        .expect("a documenter adds a place");
    let places: Vec<amparo_app::Versioned<Place>> = app.list(&w.viewer).await.expect("places");
    assert_eq!(ids(&places), vec![place.id]);
    let refused = forbidden(
        app.create(
            &w.viewer,
            Place {
                name_en: "Another place".to_owned(),
                name_es: "Otro lugar".to_owned(),
                kind: "prison".to_owned(),
                ..Place::default()
            },
        )
        .await,
    );
    assert!(refused.contains("organizations and places"), "{refused}");
}

#[tokio::test]
async fn sensitive_fields_need_the_sensitive_right_on_the_persons_case() {
    let w = world().await;
    let app = &w.test.app;
    let seen = app.get::<Person>(&w.viewer, w.person_a).await.expect("get");
    assert_eq!(
        seen.body.sensitive.map(|sensitive| sensitive.full_name),
        Some(NAME_A.to_owned())
    );
    not_found(app.get::<Person>(&w.viewer, w.person_b).await);
    // A filter sees records as the reader does: no match on a hidden name.
    let listed = app
        .page_records(
            &w.lawyer,
            RecordKind::Person,
            |record| {
                record
                    .record
                    .as_ref()
                    .is_some_and(|record| record.to_json().to_string().contains(NAME_A))
            },
            None,
            10,
        )
        .await
        .expect("page");
    assert_eq!(listed.total, 0);
}

#[tokio::test]
async fn writes_need_the_write_right_on_every_case_touched() {
    let w = world().await;
    let app = &w.test.app;
    let current = app.get::<Person>(&w.lawyer, w.person_a).await.expect("get");

    // The lawyer changes a person of case A; the real name they could not see is kept.
    let mut changed = current.body.clone();
    changed.notes = "Transferred, per the family".to_owned();
    let written = app
        .update(&w.lawyer, w.person_a, current.version, changed.clone())
        .await
        .expect("update");
    assert!(written.body.sensitive.is_none());
    let full = app
        .get::<Person>(&w.test.admin, w.person_a)
        .await
        .expect("get");
    assert_eq!(full.body.notes, "Transferred, per the family");
    assert_eq!(
        full.body.sensitive.map(|sensitive| sensitive.full_name),
        Some(NAME_A.to_owned())
    );

    // Setting sensitive fields needs the sensitive right.
    let mut named = written.body.clone();
    named.sensitive = Some(PersonSensitive {
        full_name: "Someone Else".to_owned(),
        ..PersonSensitive::default()
    });
    let refused = forbidden(
        app.update(&w.lawyer, w.person_a, written.version, named)
            .await,
    );
    assert!(refused.contains("sensitive"), "{refused}");

    // Nor into a case they cannot write, nor out of every case.
    let mut moved = written.body.clone();
    moved.case_ids = vec![w.case_a, w.case_b];
    let refused = forbidden(
        app.update(&w.lawyer, w.person_a, written.version, moved)
            .await,
    );
    assert!(refused.contains(&w.case_b.0.to_string()), "{refused}");
    let refused = forbidden(
        app.create(
            &w.lawyer,
            Person {
                notes: "no case".to_owned(),
                ..Person::default()
            },
        )
        .await,
    );
    assert!(refused.contains("no case"), "{refused}");

    // A viewer granted write on the case still only reads.
    let refused = forbidden(
        app.update(&w.viewer, w.person_a, written.version, written.body.clone())
            .await,
    );
    assert!(refused.contains("write"), "{refused}");

    // Custody periods belong to their person's cases.
    let period = app
        .create(
            &w.lawyer,
            CustodyPeriod {
                person_id: PersonId(w.person_a),
                status: "in-immigration-custody".to_owned(),
                place_id: None,
                custodian_id: None,
                period: DatePeriod::since("2025-03-16".parse().expect("date")),
                notes: String::new(),
            },
        )
        .await
        .expect("custody of a person of case A");
    let refused = forbidden(
        app.create(
            &w.lawyer,
            CustodyPeriod {
                person_id: PersonId(w.person_b),
                status: "in-immigration-custody".to_owned(),
                place_id: None,
                custodian_id: None,
                period: DatePeriod::since("2025-03-16".parse().expect("date")),
                notes: String::new(),
            },
        )
        .await,
    );
    assert!(refused.contains("write"), "{refused}");
    let periods = app
        .custody_periods(&w.viewer, PersonId(w.person_a))
        .await
        .expect("periods");
    assert_eq!(periods.len(), 1);
    assert_eq!(periods[0].id, period.id);

    // Grants are managed by administrators (or holders of the manage right).
    let refused = forbidden(
        app.create(
            &w.lawyer,
            Grant {
                grantee: Grantee::User(w.documenter.user_id.expect("user")),
                case_id: w.case_a,
                rights: vec![Right::Read],
            },
        )
        .await,
    );
    assert!(refused.contains("manage"), "{refused}");
}

#[tokio::test]
async fn withdrawn_grants_changed_roles_and_disabled_accounts_count_at_once() {
    let w = world().await;
    let app = &w.test.app;
    let admin = &w.test.admin;

    // The session's actor still says "lawyer"; the current user record decides.
    let account: amparo_app::Versioned<User> = app
        .get(admin, w.lawyer.user_id.expect("user").0)
        .await
        .expect("user");
    let mut demoted = account.body.clone();
    demoted.role = Role::Viewer;
    let demoted = app
        .update(admin, account.id, account.version, demoted)
        .await
        .expect("demote");
    let person = app.get::<Person>(&w.lawyer, w.person_a).await.expect("get");
    forbidden(
        app.update(&w.lawyer, w.person_a, person.version, person.body.clone())
            .await,
    );

    let mut disabled = demoted.body.clone();
    disabled.disabled = true;
    app.update(admin, account.id, demoted.version, disabled)
        .await
        .expect("disable");
    not_found(app.get::<Person>(&w.lawyer, w.person_a).await);

    // Withdrawing the team's grant hides case A from the viewer.
    app.get::<Person>(&w.viewer, w.person_a)
        .await
        .expect("before the grant goes");
    let grants: Vec<amparo_app::Versioned<Grant>> = app.list(admin).await.expect("grants");
    for grant in grants.iter().filter(|grant| grant.id != w.lawyer_grant) {
        app.delete_record(admin, RecordKind::Grant, grant.id, grant.version)
            .await
            .expect("withdraw");
    }
    not_found(app.get::<Person>(&w.viewer, w.person_a).await);
    let none: Vec<amparo_app::Versioned<Person>> = app.list(&w.viewer).await.expect("list");
    assert!(none.is_empty());
}

#[tokio::test]
async fn accounts_are_seen_by_administrators_and_by_their_owner() {
    let w = world().await;
    let app = &w.test.app;
    let users: Vec<amparo_app::Versioned<User>> = app.list(&w.lawyer).await.expect("users");
    assert_eq!(ids(&users), vec![w.lawyer.user_id.expect("user").0]);
    let everyone: Vec<amparo_app::Versioned<User>> = app.list(&w.test.admin).await.expect("users");
    assert!(everyone.len() >= 4);
    let refused = forbidden(app.create_user(&w.lawyer, "intruder", Role::Admin).await);
    assert!(refused.contains("administrators"), "{refused}");
}

async fn audit(test: &TestApp, action: &str) -> Vec<amparo_app::AuditEvent> {
    test.app
        .audit_events(
            &test.admin,
            &amparo_app::AuditFilter {
                action: Some(action.to_owned()),
                ..amparo_app::AuditFilter::default()
            },
        )
        .await
        .expect("audit events")
}

#[tokio::test]
async fn every_read_of_a_sensitive_field_and_every_grant_change_is_audited_in_the_log() {
    let w = world().await;
    let app = &w.test.app;
    assert!(audit(&w.test, "sensitive-read").await.is_empty());

    // Reading pseudonyms only is not a sensitive read.
    app.get::<Person>(&w.lawyer, w.person_a).await.expect("get");
    let _: Vec<amparo_app::Versioned<Person>> = app.list(&w.lawyer).await.expect("list");
    assert!(audit(&w.test, "sensitive-read").await.is_empty());

    app.get::<Person>(&w.viewer, w.person_a).await.expect("get");
    let reads = audit(&w.test, "sensitive-read").await;
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].actor, "user:viewer");
    assert_eq!(reads[0].subject, format!("person {}", w.person_a));
    assert!(reads[0].log_index.is_some());
    assert!(
        !reads[0].detail.to_string().contains(NAME_A),
        "the audit trail never repeats the value read"
    );
    // A list names every record whose sensitive fields it handed out.
    let _: Vec<amparo_app::Versioned<Person>> = app.list(&w.test.admin).await.expect("admin list");
    let reads = audit(&w.test, "sensitive-read").await;
    assert_eq!(reads.len(), 2);
    assert_eq!(reads[0].actor, "cli:tester");
    assert_eq!(reads[0].detail["count"], 3);

    // Grants: the world's two, then a withdrawal.
    let grants = audit(&w.test, "grant-change").await;
    assert_eq!(grants.len(), 2);
    let grant: amparo_app::Versioned<Grant> =
        app.get(&w.test.admin, w.lawyer_grant).await.expect("grant");
    app.delete_record(&w.test.admin, RecordKind::Grant, grant.id, grant.version)
        .await
        .expect("withdraw");
    let withdrawn = audit(&w.test, "grant-withdrawn").await;
    assert_eq!(withdrawn.len(), 1);
    assert_eq!(
        withdrawn[0].subject,
        format!("grant {} v{}", grant.id, grant.version + 1)
    );
    // Only administrators read the trail.
    forbidden(
        app.audit_events(&w.lawyer, &amparo_app::AuditFilter::default())
            .await,
    );

    // Every audit event opens against its log leaf.
    let report = app.check_log(&|_, _| {}).await.expect("check");
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(
        report.opened,
        report.leaves - report.by_kind[0] - report.by_kind[2]
    );
    assert!(report.by_kind[3] >= 6, "{:?}", report.by_kind);
}
