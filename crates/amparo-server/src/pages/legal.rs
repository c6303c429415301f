//! Cases and proceedings: lists, and pages with their persons, events, docket, hearings and
//! deadlines.

use std::collections::HashMap;

use amparo_app::{App, AppError, Versioned};
use amparo_model::records::{
    Case, CaseStatus, Deadline, DocketEntry, Event, Hearing, HearingStatus, Person, Proceeding,
    ProceedingStatus,
};
use amparo_model::vocab::VocabularyId;
use amparo_model::{CaseId, ProceedingId};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::dashboard::hearing_time;
use super::{Chrome, IdPath, SignedIn, render, respond};
use crate::AppState;
use crate::i18n::I18n;

fn case_status(i: I18n, status: CaseStatus) -> String {
    i.t(match status {
        CaseStatus::Open => "case.status.open",
        CaseStatus::Dormant => "case.status.dormant",
        CaseStatus::Closed => "case.status.closed",
    })
    .to_owned()
}

fn proceeding_status(i: I18n, status: ProceedingStatus) -> String {
    i.t(match status {
        ProceedingStatus::Preparing => "proceeding.status.preparing",
        ProceedingStatus::Pending => "proceeding.status.pending",
        ProceedingStatus::Decided => "proceeding.status.decided",
        ProceedingStatus::Appealed => "proceeding.status.appealed",
        ProceedingStatus::Closed => "proceeding.status.closed",
    })
    .to_owned()
}

fn hearing_status(i: I18n, status: HearingStatus) -> String {
    i.t(match status {
        HearingStatus::Scheduled => "hearing.status.scheduled",
        HearingStatus::Held => "hearing.status.held",
        HearingStatus::Postponed => "hearing.status.postponed",
        HearingStatus::Cancelled => "hearing.status.cancelled",
    })
    .to_owned()
}

/// A linked item in a list.
struct Link {
    href: String,
    text: String,
    note: String,
}

struct DeadlineRow {
    due: String,
    title: String,
    state: String,
    done: bool,
}

fn deadline_rows(i: I18n, mut deadlines: Vec<Deadline>) -> Vec<DeadlineRow> {
    deadlines.sort_by_key(|deadline| deadline.due_on.earliest());
    deadlines
        .into_iter()
        .map(|deadline| DeadlineRow {
            due: deadline.due_on.to_string(),
            state: i
                .t(if deadline.done {
                    "deadline.done"
                } else {
                    "deadline.open"
                })
                .to_owned(),
            done: deadline.done,
            title: deadline.title,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    i: I18n,
    c: Chrome,
    cases: Vec<Link>,
}

/// `GET /cases`
pub async fn cases_page(State(state): State<AppState>, page: SignedIn) -> Response {
    let i = page.i;
    match state.app.list::<Case>(page.actor()).await {
        Ok(cases) => render(&CasesPage {
            i,
            c: page.chrome("cases"),
            cases: cases
                .into_iter()
                .map(|case| Link {
                    href: format!("/cases/{}", case.id),
                    text: case.body.title,
                    note: format!(
                        "{} · {}",
                        case.body.reference,
                        case_status(i, case.body.status)
                    ),
                })
                .collect(),
        }),
        Err(error) => page.error(error),
    }
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    i: I18n,
    c: Chrome,
    id: String,
    title: String,
    reference: String,
    status: String,
    opened_on: String,
    description: String,
    persons: Vec<Link>,
    events: Vec<Link>,
    proceedings: Vec<Link>,
    deadlines: Vec<DeadlineRow>,
}

/// `GET /cases/{id}`
pub async fn case_page(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
) -> Response {
    respond(&page, build_case(&state.app, &page, CaseId(id)).await)
}

async fn build_case(app: &App, page: &SignedIn, case_id: CaseId) -> Result<CasePage, AppError> {
    let actor = page.actor();
    let i = page.i;
    let case: Versioned<Case> = app.get(actor, case_id.0).await?;
    let mut persons: Vec<Versioned<Person>> = app
        .list::<Person>(actor)
        .await?
        .into_iter()
        .filter(|person| person.body.case_ids.contains(&case_id))
        .collect();
    persons.sort_by(|a, b| a.body.pseudonym.cmp(&b.body.pseudonym));
    let events: Vec<Versioned<Event>> = app
        .list::<Event>(actor)
        .await?
        .into_iter()
        .filter(|event| event.body.case_ids.contains(&case_id))
        .collect();
    let proceedings: Vec<Versioned<Proceeding>> = app
        .list::<Proceeding>(actor)
        .await?
        .into_iter()
        .filter(|proceeding| proceeding.body.case_id == case_id)
        .collect();
    let proceeding_ids: Vec<ProceedingId> = proceedings
        .iter()
        .map(|proceeding| ProceedingId(proceeding.id))
        .collect();
    let deadlines: Vec<Deadline> = app
        .list::<Deadline>(actor)
        .await?
        .into_iter()
        .map(|deadline| deadline.body)
        .filter(|deadline| {
            deadline.case_id == Some(case_id)
                || deadline
                    .proceeding_id
                    .is_some_and(|proceeding| proceeding_ids.contains(&proceeding))
        })
        .collect();
    Ok(CasePage {
        i,
        c: page.chrome("cases"),
        id: case_id.to_string(),
        title: case.body.title,
        reference: case.body.reference,
        status: case_status(i, case.body.status),
        opened_on: case
            .body
            .opened_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        description: case.body.description,
        persons: persons
            .into_iter()
            .map(|person| Link {
                href: format!("/persons/{}", person.id),
                text: person.body.pseudonym,
                note: String::new(),
            })
            .collect(),
        events: events
            .into_iter()
            .map(|event| Link {
                href: String::new(),
                note: event
                    .body
                    .period
                    .start
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                text: event.body.title,
            })
            .collect(),
        proceedings: proceedings
            .into_iter()
            .map(|proceeding| Link {
                href: format!("/proceedings/{}", proceeding.id),
                note: i.term(VocabularyId::ProceedingKind, &proceeding.body.kind),
                text: proceeding.body.title,
            })
            .collect(),
        deadlines: deadline_rows(i, deadlines),
    })
}

#[derive(Template)]
#[template(path = "proceedings.html")]
struct ProceedingsPage {
    i: I18n,
    c: Chrome,
    proceedings: Vec<Link>,
}

/// `GET /proceedings`
pub async fn proceedings_page(State(state): State<AppState>, page: SignedIn) -> Response {
    let i = page.i;
    match state.app.list::<Proceeding>(page.actor()).await {
        Ok(proceedings) => render(&ProceedingsPage {
            i,
            c: page.chrome("proceedings"),
            proceedings: proceedings
                .into_iter()
                .map(|proceeding| Link {
                    href: format!("/proceedings/{}", proceeding.id),
                    note: format!(
                        "{} · {} · {}",
                        i.term(VocabularyId::ProceedingKind, &proceeding.body.kind),
                        proceeding.body.forum,
                        proceeding_status(i, proceeding.body.status)
                    ),
                    text: proceeding.body.title,
                })
                .collect(),
        }),
        Err(error) => page.error(error),
    }
}

struct DocketRow {
    number: String,
    filed_on: String,
    kind: String,
    title: String,
}

struct HearingRow {
    when: String,
    kind: String,
    location: String,
    status: String,
    outcome: String,
}

#[derive(Template)]
#[template(path = "proceeding.html")]
struct ProceedingPage {
    i: I18n,
    c: Chrome,
    id: String,
    title: String,
    fields: Vec<(String, String)>,
    case_link: Option<Link>,
    persons: Vec<Link>,
    docket: Vec<DocketRow>,
    hearings: Vec<HearingRow>,
    deadlines: Vec<DeadlineRow>,
}

/// `GET /proceedings/{id}`
pub async fn proceeding_page(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
) -> Response {
    respond(
        &page,
        build_proceeding(&state.app, &page, ProceedingId(id)).await,
    )
}

async fn build_proceeding(
    app: &App,
    page: &SignedIn,
    proceeding_id: ProceedingId,
) -> Result<ProceedingPage, AppError> {
    let actor = page.actor();
    let i = page.i;
    let proceeding: Versioned<Proceeding> = app.get(actor, proceeding_id.0).await?;
    let body = proceeding.body;
    let case: Option<Versioned<Case>> = app.get(actor, body.case_id.0).await.ok();
    let pseudonyms: HashMap<uuid::Uuid, String> = app
        .list::<Person>(actor)
        .await?
        .into_iter()
        .map(|person| (person.id, person.body.pseudonym))
        .collect();
    let mut docket: Vec<DocketEntry> = app
        .list::<DocketEntry>(actor)
        .await?
        .into_iter()
        .map(|entry| entry.body)
        .filter(|entry| entry.proceeding_id == Some(proceeding_id))
        .collect();
    docket.sort_by_key(|entry| (entry.filed_on.earliest(), entry.number));
    let mut hearings: Vec<Hearing> = app
        .list::<Hearing>(actor)
        .await?
        .into_iter()
        .map(|hearing| hearing.body)
        .filter(|hearing| hearing.proceeding_id == Some(proceeding_id))
        .collect();
    hearings.sort_by_key(|hearing| hearing.starts_at);
    let deadlines: Vec<Deadline> = app
        .list::<Deadline>(actor)
        .await?
        .into_iter()
        .map(|deadline| deadline.body)
        .filter(|deadline| deadline.proceeding_id == Some(proceeding_id))
        .collect();
    let mut fields = vec![
        (
            i.t("proceeding.kind").to_owned(),
            i.term(VocabularyId::ProceedingKind, &body.kind),
        ),
        (i.t("proceeding.forum").to_owned(), body.forum.clone()),
        (
            i.t("proceeding.status").to_owned(),
            proceeding_status(i, body.status),
        ),
    ];
    if !body.docket_number.is_empty() {
        fields.push((
            i.t("proceeding.docket_number").to_owned(),
            body.docket_number.clone(),
        ));
    }
    if let Some(filed_on) = body.filed_on {
        fields.push((i.t("proceeding.filed_on").to_owned(), filed_on.to_string()));
    }
    Ok(ProceedingPage {
        i,
        c: page.chrome("proceedings"),
        id: proceeding_id.to_string(),
        title: body.title.clone(),
        fields,
        case_link: case.map(|case| Link {
            href: format!("/cases/{}", case.id),
            text: case.body.title,
            note: case.body.reference,
        }),
        persons: body
            .person_ids
            .iter()
            .filter_map(|person| {
                Some(Link {
                    href: format!("/persons/{person}"),
                    text: pseudonyms.get(&person.0)?.clone(),
                    note: String::new(),
                })
            })
            .collect(),
        docket: docket
            .into_iter()
            .map(|entry| DocketRow {
                number: entry.number.map(|n| n.to_string()).unwrap_or_default(),
                filed_on: entry.filed_on.to_string(),
                kind: i.term(VocabularyId::DocketEntryKind, &entry.kind),
                title: entry.title,
            })
            .collect(),
        hearings: hearings
            .into_iter()
            .map(|hearing| HearingRow {
                when: hearing_time(hearing.starts_at),
                kind: i.term(VocabularyId::HearingKind, &hearing.kind),
                location: if hearing.remote && hearing.location.is_empty() {
                    i.t("hearing.remote").to_owned()
                } else {
                    hearing.location
                },
                status: hearing_status(i, hearing.status),
                outcome: hearing.outcome,
            })
            .collect(),
        deadlines: deadline_rows(i, deadlines),
    })
}
