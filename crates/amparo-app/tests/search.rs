//! Search through the installation: records of every kind found in English and Spanish, with
//! filters and facets, only as far as the searcher may see them; the index kept up to date from
//! the outbox, caught up after a crash, and rebuilt to the same result.

mod common;

use amparo_app::{Actor, App, AppError, SearchPage, SearchParams, installation};
use amparo_model::records::{
    Case, CustodyPeriod, Event, Organization, Person, PersonSensitive, Place, Right, Role,
    Testimony, TestimonySensitive,
};
use amparo_model::{CaseId, DatePeriod, FuzzyDate, PersonId, PlaceId, RecordKind};
use common::TestApp;
use uuid::Uuid;

const REAL_NAME: &str = "Wenceslao Quintanilla";

/// An installation with two cases and records of several kinds in each, in both languages.
struct World {
    test: TestApp,
    case_a: CaseId,
    case_b: CaseId,
    person_a: Uuid,
    person_b: Uuid,
    cecot: Uuid,
    event_es: Uuid,
    event_en: Uuid,
    testimony: Uuid,
}

fn day(text: &str) -> FuzzyDate {
    text.parse().expect("a date")
}

async fn world() -> World {
    let test = TestApp::new().await;
    let admin = test.admin.clone();
    let case_a = test.case("Deportaciones a El Salvador").await;
    let case_b = test.case("Border detentions").await;
    let app = &test.app;
    let cecot = app
        .create(
            &admin,
            Place {
                name_en: "Terrorism Confinement Center".to_owned(),
                name_es: "Centro de Confinamiento del Terrorismo".to_owned(),
                other_names: vec!["CECOT".to_owned()],
                kind: "maximum-security-prison".to_owned(),
                country: Some("SV".to_owned()),
                ..Place::default()
            },
        )
        .await
        .expect("place")
        .id;
    app.create(
        &admin,
        Organization {
            name: "Immigration and Customs Enforcement".to_owned(),
            acronym: "ICE".to_owned(),
            aliases: vec!["Servicio de Inmigración y Control de Aduanas".to_owned()],
            kind: "government-agency".to_owned(),
            ..Organization::default()
        },
    )
    .await
    .expect("organization");
    let person_a = app
        .create(
            &admin,
            Person {
                case_ids: vec![case_a],
                notes: "Trabajaba como mecánico en Maracaibo.".to_owned(),
                sensitive: Some(PersonSensitive {
                    full_name: REAL_NAME.to_owned(),
                    aliases: vec!["El Flaco".to_owned()],
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .expect("person a")
        .id;
    let person_b = app
        .create(
            &admin,
            Person {
                case_ids: vec![case_b],
                notes: "Detained at the border crossing.".to_owned(),
                ..Person::default()
            },
        )
        .await
        .expect("person b")
        .id;
    app.create(
        &admin,
        CustodyPeriod {
            person_id: PersonId(person_a),
            status: "held-in-third-country".to_owned(),
            place_id: Some(PlaceId(cecot)),
            custodian_id: None,
            period: DatePeriod {
                start: Some(day("2025-03-16")),
                end: None,
            },
            notes: String::new(),
        },
    )
    .await
    .expect("custody period");
    let event_es = app
        .create(
            &admin,
            Event {
                title: "Deportación de 238 venezolanos".to_owned(),
                description: "Los hombres fueron trasladados a la prisión de máxima seguridad."
                    .to_owned(),
                period: DatePeriod {
                    start: Some(day("2025-03-15")),
                    end: None,
                },
                place_ids: vec![PlaceId(cecot)],
                violation_types: vec!["arbitrary-detention".to_owned()],
                case_ids: vec![case_a],
                ..Event::default()
            },
        )
        .await
        .expect("event es")
        .id;
    let event_en = app
        .create(
            &admin,
            Event {
                title: "Deportations under the Alien Enemies Act".to_owned(),
                description: "Detainees reported beatings on arrival at the prison.".to_owned(),
                period: DatePeriod {
                    start: Some(day("2024-07-01")),
                    end: None,
                },
                violation_types: vec!["torture".to_owned()],
                case_ids: vec![case_b],
                ..Event::default()
            },
        )
        .await
        .expect("event en")
        .id;
    let testimony = app
        .create(
            &admin,
            Testimony {
                giver_id: PersonId(person_a),
                given_on: day("2025-08-02"),
                taken_by: String::new(),
                language: "es".to_owned(),
                consent: vec!["internal-use".to_owned()],
                translation_of: None,
                case_ids: vec![case_a],
                sensitive: Some(TestimonySensitive {
                    text: "Nos golpearon con macanas al llegar al penal.".to_owned(),
                    location: String::new(),
                }),
            },
        )
        .await
        .expect("testimony")
        .id;
    World {
        test,
        case_a,
        case_b,
        person_a,
        person_b,
        cecot,
        event_es,
        event_en,
        testimony,
    }
}

async fn user(world: &World, name: &str, grants: &[(CaseId, &[Right])]) -> Actor {
    let (created, password) = world
        .test
        .app
        .create_user(&world.test.admin, name, Role::Lawyer)
        .await
        .expect("user");
    for (case, rights) in grants {
        world
            .test
            .grant(
                &Actor::user(amparo_model::UserId(created.id), name, Role::Lawyer),
                *case,
                rights,
            )
            .await;
    }
    world
        .test
        .app
        .authenticate(name, &password)
        .await
        .expect("signs in")
}

async fn find(app: &App, actor: &Actor, params: SearchParams) -> SearchPage {
    let request = params.to_request().expect("a valid search");
    app.search(actor, &request).await.expect("search")
}

fn q(text: &str) -> SearchParams {
    SearchParams {
        q: text.to_owned(),
        ..SearchParams::default()
    }
}

fn ids(page: &SearchPage) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = page.hits.iter().map(|found| found.record.id).collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids
}

fn facet(page: &SearchPage, code: &str) -> Vec<(String, u64)> {
    page.facets
        .iter()
        .find(|facet| facet.field.code() == code)
        .map(|facet| {
            let mut values = facet.values.clone();
            values.sort();
            values
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn words_in_either_language_with_or_without_accents_find_the_records() {
    let world = world().await;
    let (app, admin) = (&world.test.app, &world.test.admin);
    // Accent and case folding, stemming, and cognates across the two languages: "deportacion"
    // finds "Deportación" and "Deportaciones", and the English "Deportations" too; "deportation"
    // finds the same three.
    let deportations = sorted(vec![world.event_es, world.event_en, world.case_a.0]);
    let page = find(app, admin, q("deportacion")).await;
    assert_eq!(ids(&page), deportations, "{:?}", page.to_json());
    let page = find(app, admin, q("prisiones")).await;
    assert_eq!(ids(&page), vec![world.event_es], "{:?}", page.to_json());
    let page = find(app, admin, q("deportation")).await;
    assert_eq!(ids(&page), deportations, "{:?}", page.to_json());
    let page = find(app, admin, q("DEPORTED")).await;
    assert_eq!(ids(&page), deportations, "{:?}", page.to_json());
    // Phrases, AND, OR and NOT.
    let page = find(app, admin, q("\"Alien Enemies Act\"")).await;
    assert_eq!(ids(&page), vec![world.event_en]);
    let page = find(app, admin, q("\"Enemies Alien\"")).await;
    assert_eq!(page.total, 0);
    let page = find(app, admin, q("deportacion AND venezolanos")).await;
    assert_eq!(ids(&page), vec![world.event_es]);
    let page = find(app, admin, q("deportacion NOT venezolanos")).await;
    assert_eq!(ids(&page), sorted(vec![world.case_a.0, world.event_en]));
    let page = find(app, admin, q("mecánico OR border")).await;
    assert_eq!(
        ids(&page),
        sorted(vec![world.person_a, world.person_b, world.case_b.0])
    );
    // Snippets highlight the words found.
    let page = find(app, admin, q("beatings")).await;
    let snippet = page.hits[0].hit.snippet.as_ref().expect("a snippet");
    assert!(snippet.to_html().contains("<b>beatings</b>"), "{snippet:?}");
}

#[tokio::test]
async fn names_are_found_by_their_aliases_and_as_they_are_typed() {
    let world = world().await;
    let (app, admin) = (&world.test.app, &world.test.admin);
    for query in [
        "CECOT",
        "cecot",
        "Centro de Confinamiento",
        "Terrorism Confinement",
    ] {
        let page = find(app, admin, q(query)).await;
        assert!(
            ids(&page).contains(&world.cecot),
            "{query}: {:?}",
            page.to_json()
        );
    }
    // An acronym and a Spanish alias of the same organization.
    for query in ["ICE", "Servicio de Inmigracion"] {
        let page = find(
            app,
            admin,
            SearchParams {
                kind: vec!["organization".to_owned()],
                ..q(query)
            },
        )
        .await;
        assert_eq!(page.total, 1, "{query}");
    }
    // Names as you type.
    let page = find(
        app,
        admin,
        SearchParams {
            prefix: true,
            ..q("Confin")
        },
    )
    .await;
    assert_eq!(ids(&page), vec![world.cecot]);
    // A real name and an alias, for whoever may read them.
    let page = find(app, admin, q("Quintanilla")).await;
    assert_eq!(ids(&page), vec![world.person_a]);
    let found = &page.hits[0];
    let sensitive = found
        .hit
        .sensitive_snippet
        .as_ref()
        .expect("the name shown");
    assert!(sensitive.fragment.contains(REAL_NAME));
    assert!(
        !found.hit.title.contains("Quintanilla"),
        "{}",
        found.hit.title
    );
    let page = find(app, admin, q("\"El Flaco\"")).await;
    assert_eq!(ids(&page), vec![world.person_a]);
    let page = find(
        app,
        admin,
        SearchParams {
            prefix: true,
            ..q("Wences")
        },
    )
    .await;
    assert_eq!(ids(&page), vec![world.person_a]);
}

#[tokio::test]
async fn every_filter_narrows_and_every_facet_counts() {
    let world = world().await;
    let (app, admin) = (&world.test.app, &world.test.admin);
    let all = find(app, admin, q("")).await;
    assert!(all.total >= 9, "{:?}", all.to_json());
    let kinds = facet(&all, "kind");
    for kind in [
        "case",
        "custody-period",
        "event",
        "organization",
        "person",
        "place",
        "testimony",
    ] {
        assert!(
            kinds.iter().any(|(value, _)| value == kind),
            "{kind}: {kinds:?}"
        );
    }
    assert!(kinds.contains(&("event".to_owned(), 2)), "{kinds:?}");

    let events = find(
        app,
        admin,
        SearchParams {
            kind: vec!["event".to_owned()],
            ..q("")
        },
    )
    .await;
    assert_eq!(ids(&events), sorted(vec![world.event_es, world.event_en]));

    let in_a = find(
        app,
        admin,
        SearchParams {
            case: vec![world.case_a.0.to_string()],
            ..q("")
        },
    )
    .await;
    // The case, its person (and the custody period hanging from it), event and testimony.
    assert_eq!(in_a.total, 5, "{:?}", in_a.to_json());
    assert!(facet(&all, "case").contains(&(world.case_a.0.to_string(), 5)));

    let spanish = find(
        app,
        admin,
        SearchParams {
            language: vec!["es-SV".to_owned()],
            ..q("")
        },
    )
    .await;
    assert_eq!(ids(&spanish), vec![world.testimony]);
    assert_eq!(facet(&all, "language"), vec![("es".to_owned(), 1)]);

    let torture = find(
        app,
        admin,
        SearchParams {
            violation: vec!["torture".to_owned()],
            ..q("")
        },
    )
    .await;
    assert_eq!(ids(&torture), vec![world.event_en]);
    assert_eq!(
        facet(&all, "violation"),
        vec![
            ("arbitrary-detention".to_owned(), 1),
            ("torture".to_owned(), 1)
        ]
    );

    // A person's present custody status, and the custody period's own.
    let held = find(
        app,
        admin,
        SearchParams {
            custody_status: vec!["held-in-third-country".to_owned()],
            ..q("")
        },
    )
    .await;
    assert_eq!(held.total, 2);
    assert!(ids(&held).contains(&world.person_a));
    assert_eq!(
        facet(&all, "custody_status"),
        vec![("held-in-third-country".to_owned(), 2)]
    );

    let at_cecot = find(
        app,
        admin,
        SearchParams {
            place: vec![world.cecot.to_string()],
            ..q("")
        },
    )
    .await;
    // The event there, the custody period there, and the person held there.
    assert_eq!(at_cecot.total, 3, "{:?}", at_cecot.to_json());
    assert!(facet(&all, "place").contains(&(world.cecot.to_string(), 3)));

    let of_2025 = find(
        app,
        admin,
        SearchParams {
            year: vec!["2025".to_owned()],
            kind: vec!["event".to_owned()],
            ..q("")
        },
    )
    .await;
    assert_eq!(ids(&of_2025), vec![world.event_es]);
    assert!(
        facet(&all, "year")
            .iter()
            .any(|(year, count)| year == "2024" && *count == 1)
    );

    let march = find(
        app,
        admin,
        SearchParams {
            from: Some("2025-03-01".to_owned()),
            to: Some("2025-03-31".to_owned()),
            ..q("")
        },
    )
    .await;
    // The event of 15 March and the custody period from 16 March.
    assert_eq!(march.total, 2, "{:?}", march.to_json());
    assert!(ids(&march).contains(&world.event_es));

    // Sorted by date, newest first, then oldest first.
    let newest = find(
        app,
        admin,
        SearchParams {
            kind: vec!["event".to_owned()],
            sort: Some("newest".to_owned()),
            ..q("")
        },
    )
    .await;
    let order: Vec<Uuid> = newest.hits.iter().map(|found| found.record.id).collect();
    assert_eq!(order, vec![world.event_es, world.event_en]);
    let oldest = find(
        app,
        admin,
        SearchParams {
            kind: vec!["event".to_owned()],
            sort: Some("oldest".to_owned()),
            ..q("")
        },
    )
    .await;
    let order: Vec<Uuid> = oldest.hits.iter().map(|found| found.record.id).collect();
    assert_eq!(order, vec![world.event_en, world.event_es]);

    // Pages.
    let first = find(
        app,
        admin,
        SearchParams {
            per_page: Some(2),
            ..q("")
        },
    )
    .await;
    let second = find(
        app,
        admin,
        SearchParams {
            per_page: Some(2),
            page: Some(2),
            ..q("")
        },
    )
    .await;
    assert_eq!((first.hits.len(), second.hits.len()), (2, 2));
    assert_eq!(first.total, all.total);
    assert!(ids(&first).iter().all(|id| !ids(&second).contains(id)));
}

#[tokio::test]
async fn results_counts_facets_and_snippets_hold_only_what_the_searcher_may_see() {
    let world = world().await;
    let app = &world.test.app;
    // Reads case A without the sensitive right; nothing on case B.
    let reader = user(&world, "reader", &[(world.case_a, &[Right::Read])]).await;
    // Reads case A with the sensitive right.
    let holder = user(
        &world,
        "holder",
        &[(world.case_a, &[Right::Read, Right::Sensitive])],
    )
    .await;
    let outsider = user(&world, "outsider", &[]).await;

    let all = find(app, &reader, q("")).await;
    let seen = ids(&all);
    assert!(seen.contains(&world.person_a) && seen.contains(&world.event_es));
    assert!(seen.contains(&world.cecot), "places are shared");
    assert!(!seen.contains(&world.person_b) && !seen.contains(&world.event_en));
    assert!(!seen.contains(&world.case_b.0));
    // Counts and facets leave out case B's records.
    let kinds = facet(&all, "kind");
    assert!(kinds.contains(&("event".to_owned(), 1)), "{kinds:?}");
    assert!(
        !facet(&all, "case")
            .iter()
            .any(|(case, _)| *case == world.case_b.0.to_string())
    );
    assert!(
        !facet(&all, "violation")
            .iter()
            .any(|(violation, _)| violation == "torture")
    );
    let torture = find(
        app,
        &reader,
        SearchParams {
            violation: vec!["torture".to_owned()],
            ..q("")
        },
    )
    .await;
    assert_eq!(torture.total, 0);
    let words = find(app, &reader, q("beatings")).await;
    assert_eq!(words.total, 0, "case B's words are not found");

    // The real name: not found, not counted, not shown, to the reader without the right…
    for query in ["Quintanilla", "\"El Flaco\"", "macanas"] {
        let page = find(app, &reader, q(query)).await;
        assert_eq!(page.total, 0, "{query}: {:?}", page.to_json());
        assert!(page.facets.iter().all(|facet| facet.values.is_empty()));
    }
    let page = find(
        app,
        &reader,
        SearchParams {
            prefix: true,
            ..q("Wences")
        },
    )
    .await;
    assert_eq!(page.total, 0);
    let person = find(app, &reader, q("mecanico")).await;
    assert_eq!(ids(&person), vec![world.person_a]);
    let json = person.to_json().to_string();
    assert!(
        !json.contains("Quintanilla") && !json.contains("Flaco"),
        "{json}"
    );
    // …while the holder finds the person and the testimony by them.
    let page = find(app, &holder, q("Quintanilla")).await;
    assert_eq!(ids(&page), vec![world.person_a]);
    assert!(page.to_json().to_string().contains(REAL_NAME));
    let page = find(app, &holder, q("macanas")).await;
    assert_eq!(ids(&page), vec![world.testimony]);
    // The outsider sees only the shared records.
    let page = find(app, &outsider, q("")).await;
    let kinds: Vec<String> = facet(&page, "kind")
        .into_iter()
        .map(|(kind, _)| kind)
        .collect();
    assert_eq!(kinds, vec!["organization", "place"]);

    // A withdrawn right counts at once: the holder's grant on A goes.
    let grants = app
        .list::<amparo_model::records::Grant>(&world.test.admin)
        .await
        .expect("grants");
    let holder_id = holder.user_id.expect("user");
    for grant in grants {
        if grant.body.grantee == amparo_model::records::Grantee::User(holder_id) {
            app.delete_record(
                &world.test.admin,
                RecordKind::Grant,
                grant.id,
                grant.version,
            )
            .await
            .expect("withdraw");
        }
    }
    let page = find(app, &holder, q("Quintanilla")).await;
    assert_eq!(page.total, 0);
}

#[tokio::test]
async fn showing_a_real_name_in_results_is_an_audited_sensitive_read() {
    let world = world().await;
    let app = &world.test.app;
    let holder = user(
        &world,
        "holder",
        &[(world.case_a, &[Right::Read, Right::Sensitive])],
    )
    .await;
    let filter = amparo_app::AuditFilter {
        action: Some("sensitive-read".to_owned()),
        actor: Some(holder.label()),
        ..amparo_app::AuditFilter::default()
    };
    let before = app
        .audit_events(&world.test.admin, &filter)
        .await
        .expect("audit")
        .len();
    find(app, &holder, q("mecanico")).await;
    let after_plain = app
        .audit_events(&world.test.admin, &filter)
        .await
        .expect("audit")
        .len();
    assert_eq!(after_plain, before, "no sensitive field was shown");
    find(app, &holder, q("Quintanilla")).await;
    let events = app
        .audit_events(&world.test.admin, &filter)
        .await
        .expect("audit");
    assert_eq!(events.len(), before + 1);
    assert!(
        events[0].subject.contains(&world.person_a.to_string()),
        "{:?}",
        events[0]
    );
}

#[tokio::test]
async fn changes_deletes_moves_and_purges_reach_the_index() {
    let world = world().await;
    let (app, admin) = (&world.test.app, &world.test.admin);
    let reader_b = user(&world, "reader-b", &[(world.case_b, &[Right::Read])]).await;
    assert_eq!(find(app, admin, q("Maracaibo")).await.total, 1);
    // Moving the person to case B moves their custody period with them.
    let person: amparo_app::Versioned<Person> = app.get(admin, world.person_a).await.expect("get");
    let mut body = person.body.clone();
    body.case_ids = vec![world.case_b];
    body.notes = "Trabajaba como panadero en Valencia.".to_owned();
    app.update(admin, world.person_a, person.version, body)
        .await
        .expect("move");
    assert_eq!(find(app, admin, q("Maracaibo")).await.total, 0);
    assert_eq!(find(app, admin, q("panadero")).await.total, 1);
    let seen = find(
        app,
        &reader_b,
        SearchParams {
            kind: vec!["custody-period".to_owned(), "person".to_owned()],
            ..q("")
        },
    )
    .await;
    assert_eq!(seen.total, 3, "{:?}", seen.to_json());
    // A deleted record is no longer found.
    let event: amparo_app::Versioned<Event> = app.get(admin, world.event_en).await.expect("get");
    app.delete_record(admin, RecordKind::Event, world.event_en, event.version)
        .await
        .expect("delete");
    assert_eq!(find(app, admin, q("beatings")).await.total, 0);
    // A purged real name leaves the index.
    assert_eq!(find(app, admin, q("Quintanilla")).await.total, 1);
    let person: amparo_app::Versioned<Person> = app.get(admin, world.person_a).await.expect("get");
    for version in 1..=person.version {
        app.purge_sensitive(admin, RecordKind::Person, world.person_a, version)
            .await
            .expect("purge");
    }
    assert_eq!(find(app, admin, q("Quintanilla")).await.total, 0);
}

/// Everything the index answers for a searcher: every visible record with its kind and date,
/// and every facet, in a stable order.
async fn everything(app: &App, actor: &Actor) -> Vec<String> {
    let mut lines = Vec::new();
    for query in ["", "prison", "Quintanilla", "CECOT", "record"] {
        let page = find(
            app,
            actor,
            SearchParams {
                per_page: Some(200),
                sort: Some("oldest".to_owned()),
                ..q(query)
            },
        )
        .await;
        lines.push(format!("{query}: total {}", page.total));
        let mut hits: Vec<String> = page
            .hits
            .iter()
            .map(|found| {
                format!(
                    "{query}: {} {} {:?} {:?} {:?}",
                    found.record.kind,
                    found.record.id,
                    found.hit.date,
                    found.hit.snippet.as_ref().map(|s| s.to_html()),
                    found.hit.sensitive_snippet.as_ref().map(|s| s.to_html()),
                )
            })
            .collect();
        hits.sort();
        lines.extend(hits);
        for facet in &page.facets {
            let mut values = facet.values.clone();
            values.sort();
            lines.push(format!("{query}: {} {values:?}", facet.field.code()));
        }
    }
    lines
}

#[tokio::test]
async fn a_rebuilt_index_answers_exactly_as_the_one_kept_up_to_date() {
    let world = world().await;
    let (app, admin) = (&world.test.app, &world.test.admin);
    let reader = user(&world, "reader", &[(world.case_a, &[Right::Read])]).await;
    // The index follows a history of changes: creations above, then changes and deletes.
    find(app, admin, q("")).await;
    let event: amparo_app::Versioned<Event> = app.get(admin, world.event_es).await.expect("get");
    let mut body = event.body.clone();
    body.description = "Record of the transfer to the prison, updated.".to_owned();
    app.update(admin, world.event_es, event.version, body)
        .await
        .expect("update");
    find(app, admin, q("")).await;
    let person: amparo_app::Versioned<Person> = app.get(admin, world.person_b).await.expect("get");
    app.delete_record(admin, RecordKind::Person, world.person_b, person.version)
        .await
        .expect("delete");
    for n in 0..30 {
        app.create(
            admin,
            Case {
                title: format!("Case record {n}"),
                opened_on: Some(day(&format!("20{:02}-01-01", n % 20 + 5))),
                ..Case::default()
            },
        )
        .await
        .expect("case");
    }
    let incremental_admin = everything(app, admin).await;
    let incremental_reader = everything(app, &reader).await;
    assert!(incremental_admin.len() > 40, "{incremental_admin:#?}");

    let mut reported = Vec::new();
    let report = app
        .rebuild_search_index(admin, &mut |done, total| reported.push((done, total)))
        .await
        .expect("rebuild");
    assert!(report.records >= 38, "{report:?}");
    let &(done, total) = reported.last().expect("progress");
    assert_eq!(done, total);
    assert_eq!(everything(app, admin).await, incremental_admin);
    assert_eq!(everything(app, &reader).await, incremental_reader);
    // Only administrators rebuild.
    let refused = app.rebuild_search_index(&reader, &mut |_, _| {}).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn after_a_crash_the_index_catches_up_with_what_was_written_meanwhile() {
    let world = world().await;
    let (app, admin) = (&world.test.app, &world.test.admin);
    let data = world.test.data_dir().to_owned();
    assert_eq!(find(app, admin, q("Maracaibo")).await.total, 1);
    // Written by a process whose index never heard of it (killed before its next search).
    let other = installation::open(&data).await.expect("open again");
    for n in 0..5 {
        other
            .create(
                admin,
                Event {
                    title: format!("Vuelo de deportación número {n}"),
                    case_ids: vec![world.case_a],
                    ..Event::default()
                },
            )
            .await
            .expect("event");
    }
    // Only one process writes the index: the other is told so, clearly.
    let refused = other
        .search(admin, &q("vuelo").to_request().expect("read"))
        .await
        .expect_err("the index is held by the first");
    assert_eq!(refused.code(), "search_index_error");
    assert!(
        refused.to_string().contains("another Amparo process"),
        "{refused}"
    );
    drop(other);
    // The running process sees the other's writes at its next search…
    let page = find(app, admin, q("vuelo")).await;
    assert_eq!(page.total, 5);
    // …and so does a new process on the index left on disk, which resumes from the position it
    // committed and fills its memory index again.
    let World { test, .. } = world;
    let TestApp { dir, app, .. } = test;
    drop(app);
    let reopened = installation::open(&dir.path().join("data"))
        .await
        .expect("reopen");
    let more = reopened
        .create(
            &Actor::cli("tester"),
            Event {
                title: "Vuelo de deportación posterior".to_owned(),
                ..Event::default()
            },
        )
        .await
        .expect("event");
    let page = find(&reopened, &Actor::cli("tester"), q("vuelo")).await;
    assert_eq!(page.total, 6);
    assert!(ids(&page).contains(&more.id));
    let page = find(&reopened, &Actor::cli("tester"), q("Quintanilla")).await;
    assert_eq!(page.total, 1, "the memory index was filled again");
}

#[tokio::test]
async fn bad_queries_get_clear_answers() {
    let world = world().await;
    let (app, admin) = (&world.test.app, &world.test.admin);
    // Empty: every record.
    let all = find(app, admin, q("   ")).await;
    assert!(all.total >= 9);
    // Too long.
    let long = SearchParams {
        q: "palabra ".repeat(1_250),
        ..SearchParams::default()
    };
    let refused = app
        .search(admin, &long.to_request().expect("read"))
        .await
        .expect_err("too long");
    assert_eq!(refused.code(), "invalid_query");
    assert!(refused.to_string().contains("characters"), "{refused}");
    // An unbalanced quote is closed and said.
    let page = find(app, admin, q("\"Alien Enemies")).await;
    assert_eq!(ids(&page), vec![world.event_en]);
    assert!(!page.problems.is_empty());
    // Unknown filters, facets, orders, days and pages.
    for (params, parameter) in [
        (
            SearchParams {
                kind: vec!["spaceship".to_owned()],
                ..SearchParams::default()
            },
            "kind",
        ),
        (
            SearchParams {
                facets: Some("kind,colour".to_owned()),
                ..SearchParams::default()
            },
            "facets",
        ),
        (
            SearchParams {
                sort: Some("random".to_owned()),
                ..SearchParams::default()
            },
            "sort",
        ),
        (
            SearchParams {
                from: Some("last week".to_owned()),
                ..SearchParams::default()
            },
            "from",
        ),
        (
            SearchParams {
                case: vec!["case-a".to_owned()],
                ..SearchParams::default()
            },
            "case",
        ),
        (
            SearchParams {
                page: Some(0),
                ..SearchParams::default()
            },
            "page",
        ),
        (
            SearchParams {
                year: vec!["MMXXV".to_owned()],
                ..SearchParams::default()
            },
            "year",
        ),
    ] {
        match params.to_request() {
            Err(AppError::InvalidQuery { parameter: got, .. }) => assert_eq!(got, parameter),
            other => panic!("{parameter}: {other:?}"),
        }
    }
    let deep = SearchParams {
        page: Some(100_000),
        ..SearchParams::default()
    };
    let refused = app
        .search(admin, &deep.to_request().expect("read"))
        .await
        .expect_err("too deep");
    assert_eq!(refused.code(), "invalid_query");
}
