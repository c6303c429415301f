//! Events: the list, and an event's page with its acts — who did what to whom — and the sources
//! that support it.

use std::collections::HashMap;

use amparo_app::{App, AppError, Versioned};
use amparo_model::records::{
    Act, ClaimRef, Event, Information, Involvement, Organization, Perpetrator, Person, Place,
};
use amparo_model::vocab::VocabularyId;
use amparo_model::{ActId, EventId, Lang};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Chrome, IdPath, SignedIn, render, respond};
use crate::AppState;
use crate::i18n::I18n;

fn period_text(period: &amparo_model::DatePeriod) -> String {
    match (period.start, period.end) {
        (Some(start), Some(end)) if start == end => start.to_string(),
        (Some(start), Some(end)) => format!("{start} – {end}"),
        (Some(start), None) => format!("{start} –"),
        (None, Some(end)) => format!("– {end}"),
        (None, None) => String::new(),
    }
}

struct EventRow {
    id: String,
    title: String,
    when: String,
    violations: String,
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    i: I18n,
    c: Chrome,
    rows: Vec<EventRow>,
    can_create: bool,
}

/// `GET /events`
pub async fn events_page(State(state): State<AppState>, page: SignedIn) -> Response {
    let i = page.i;
    match state.app.list::<Event>(page.actor()).await {
        Ok(mut events) => {
            events.sort_by_key(|event| event.body.period.start.map(|date| date.earliest()));
            render(&EventsPage {
                i,
                c: page.chrome("events"),
                can_create: page.actor().may_write(),
                rows: events
                    .into_iter()
                    .map(|event| EventRow {
                        id: event.id.to_string(),
                        when: period_text(&event.body.period),
                        violations: event
                            .body
                            .violation_types
                            .iter()
                            .map(|term| i.term(VocabularyId::ViolationType, term))
                            .collect::<Vec<_>>()
                            .join(", "),
                        title: event.body.title,
                    })
                    .collect(),
            })
        }
        Err(error) => page.error(error),
    }
}

struct ActRow {
    victim_id: String,
    victim: String,
    act_type: String,
    when: String,
    place: String,
    perpetrators: String,
    violations: String,
}

struct SourceRow {
    source_kind: String,
    reliability: String,
    locator: String,
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    i: I18n,
    c: Chrome,
    id: String,
    title: String,
    when: String,
    places: String,
    violations: String,
    description: String,
    acts: Vec<ActRow>,
    sources: Vec<SourceRow>,
    can_edit: bool,
}

/// `GET /events/{id}`
pub async fn event_page(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
) -> Response {
    respond(&page, build_event(&state.app, &page, EventId(id)).await)
}

async fn build_event(app: &App, page: &SignedIn, event_id: EventId) -> Result<EventPage, AppError> {
    let actor = page.actor();
    let i = page.i;
    let event: Versioned<Event> = app.get(actor, event_id.0).await?;
    let places: HashMap<uuid::Uuid, String> = app
        .list::<Place>(actor)
        .await?
        .into_iter()
        .map(|place| {
            let name = match i.lang {
                Lang::En => place.body.name_en,
                Lang::Es => place.body.name_es,
            };
            (place.id, name)
        })
        .collect();
    let persons: HashMap<uuid::Uuid, String> = app
        .list::<Person>(actor)
        .await?
        .into_iter()
        .map(|person| (person.id, person.body.pseudonym))
        .collect();
    let organizations: HashMap<uuid::Uuid, String> = app
        .list::<Organization>(actor)
        .await?
        .into_iter()
        .map(|organization| (organization.id, organization.body.name))
        .collect();
    let mut acts: Vec<Versioned<Act>> = app
        .list::<Act>(actor)
        .await?
        .into_iter()
        .filter(|act| act.body.event_id == event_id)
        .collect();
    acts.sort_by(|a, b| {
        let victim = |act: &Versioned<Act>| persons.get(&act.body.victim_id.0).cloned();
        victim(a).cmp(&victim(b))
    });
    let act_ids: Vec<ActId> = acts.iter().map(|act| ActId(act.id)).collect();
    let mut perpetrators: HashMap<ActId, Vec<String>> = HashMap::new();
    for involvement in app.list::<Involvement>(actor).await? {
        if !act_ids.contains(&involvement.body.act_id) {
            continue;
        }
        let who = match involvement.body.perpetrator {
            Perpetrator::Person(id) => persons.get(&id.0).cloned(),
            Perpetrator::Organization(id) => organizations.get(&id.0).cloned(),
        }
        .unwrap_or_default();
        let degree = i.term(VocabularyId::InvolvementDegree, &involvement.body.degree);
        perpetrators
            .entry(involvement.body.act_id)
            .or_default()
            .push(format!("{who} ({degree})"));
    }
    let sources = app
        .list::<Information>(actor)
        .await?
        .into_iter()
        .filter(|information| match information.body.claim {
            ClaimRef::Event(id) => id == event_id,
            ClaimRef::Act(id) => act_ids.contains(&id),
            _ => false,
        })
        .map(|information| SourceRow {
            source_kind: i.term(VocabularyId::SourceKind, &information.body.source_kind),
            reliability: i.term(VocabularyId::Reliability, &information.body.reliability),
            locator: information.body.locator,
        })
        .collect();
    let body = event.body;
    let join_terms = |terms: &[String]| {
        terms
            .iter()
            .map(|term| i.term(VocabularyId::ViolationType, term))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(EventPage {
        i,
        c: page.chrome("events"),
        id: event_id.to_string(),
        can_edit: actor.may_write(),
        when: period_text(&body.period),
        places: body
            .place_ids
            .iter()
            .filter_map(|place| places.get(&place.0).cloned())
            .collect::<Vec<_>>()
            .join(", "),
        violations: join_terms(&body.violation_types),
        acts: acts
            .iter()
            .map(|act| ActRow {
                victim_id: act.body.victim_id.to_string(),
                victim: persons
                    .get(&act.body.victim_id.0)
                    .cloned()
                    .unwrap_or_default(),
                act_type: i.term(VocabularyId::ActType, &act.body.act_type),
                when: period_text(&act.body.period),
                place: act
                    .body
                    .place_id
                    .and_then(|place| places.get(&place.0).cloned())
                    .unwrap_or_default(),
                perpetrators: perpetrators
                    .get(&ActId(act.id))
                    .map(|names| names.join("; "))
                    .unwrap_or_default(),
                violations: join_terms(&act.body.violation_types),
            })
            .collect(),
        sources,
        title: body.title,
        description: body.description,
    })
}
