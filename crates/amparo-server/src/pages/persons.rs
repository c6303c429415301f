//! The persons list (with filters) and a person's page: details, custody timeline picture, the
//! acts he suffered, his proceedings and hearings, and the sources of every claim.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use amparo_app::{App, AppError, Versioned, build_timeline};
use amparo_model::records::{
    Act, Case, ClaimRef, CustodyPeriod, Event, Hearing, Information, Person, Place, Proceeding,
    Testimony,
};
use amparo_model::vocab::{VocabularyId, vocabulary};
use amparo_model::{CustodyPeriodId, PersonId, PlaceId, Record, RecordKind};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

use super::dashboard::{HearingRow, hearing_row};
use super::{Chrome, IdPath, SignedIn, respond};
use crate::AppState;
use crate::i18n::I18n;
use crate::timeline_svg::{TimelineLabels, custody_timeline_svg};

/// The persons list's filters, from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct PersonFilters {
    #[serde(default)]
    status: String,
    #[serde(default)]
    case: String,
    #[serde(default)]
    nationality: String,
    #[serde(default)]
    after: Option<String>,
}

struct PersonRow {
    id: String,
    pseudonym: String,
    name: Option<String>,
    nationalities: String,
    status: String,
    since: String,
    unknown: bool,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "persons.html")]
struct PersonsPage {
    i: I18n,
    c: Chrome,
    rows: Vec<PersonRow>,
    count_text: String,
    show_names: bool,
    statuses: Vec<Choice>,
    cases: Vec<Choice>,
    nationalities: Vec<Choice>,
    filtered: bool,
    can_create: bool,
    next_href: Option<String>,
    first_href: Option<String>,
}

/// `GET /persons?status=&case=&nationality=`
pub async fn persons_page(
    State(state): State<AppState>,
    page: SignedIn,
    Query(filters): Query<PersonFilters>,
) -> Response {
    respond(&page, build_list(&state.app, &page, &filters).await)
}

/// Persons per page of the list.
const PAGE_SIZE: usize = 100;

async fn build_list(
    app: &App,
    page: &SignedIn,
    filters: &PersonFilters,
) -> Result<PersonsPage, AppError> {
    let actor = page.actor();
    let i = page.i;
    let statuses = app.present_statuses(actor).await?;
    let cases: Vec<Versioned<Case>> = app.list(actor).await?;
    // Filled while the filter runs over every person: the nationalities to offer.
    let nationalities = Mutex::new(BTreeSet::new());
    let after = filters
        .after
        .as_deref()
        .and_then(|id| uuid::Uuid::parse_str(id).ok());
    // A case filter that is not a case id matches nobody.
    let case_filter = uuid::Uuid::parse_str(&filters.case).ok();
    let listed = app
        .page_records(
            actor,
            RecordKind::Person,
            |version| {
                let Some(Record::Person(person)) = &version.record else {
                    return false;
                };
                {
                    let mut offered = nationalities
                        .lock()
                        .unwrap_or_else(|poison| poison.into_inner());
                    // Copied only the first time one is seen, not once per person.
                    for nationality in &person.nationalities {
                        if !offered.contains(nationality.as_str()) {
                            offered.insert(nationality.clone());
                        }
                    }
                }
                let term = statuses
                    .get(&PersonId(version.id))
                    .and_then(|status| status.status.as_deref())
                    .unwrap_or("");
                (filters.status.is_empty() || term == filters.status)
                    && (filters.case.is_empty()
                        || case_filter.is_some_and(|wanted| {
                            person.case_ids.iter().any(|case| case.0 == wanted)
                        }))
                    && (filters.nationality.is_empty()
                        || person.nationalities.contains(&filters.nationality))
            },
            after,
            PAGE_SIZE,
        )
        .await?;
    let nationalities = nationalities
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner());
    let rows: Vec<PersonRow> = listed
        .items
        .into_iter()
        .filter_map(|version| {
            let Some(Record::Person(person)) = version.record else {
                return None;
            };
            let status = statuses.get(&PersonId(version.id));
            let term = status.and_then(|status| status.status.clone());
            Some(PersonRow {
                id: version.id.to_string(),
                pseudonym: person.pseudonym,
                name: person
                    .sensitive
                    .map(|sensitive| sensitive.full_name)
                    .filter(|name| !name.is_empty()),
                nationalities: person.nationalities.join(", "),
                unknown: term.as_deref() == Some("whereabouts-unknown"),
                status: term.map_or_else(
                    || i.t("persons.no_custody").to_owned(),
                    |term| i.term(VocabularyId::CustodyStatus, &term),
                ),
                since: status
                    .and_then(|status| status.since)
                    .map(|date| date.to_string())
                    .unwrap_or_default(),
            })
        })
        .collect();
    let query = |after: Option<String>| {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("status", &filters.status),
            ("case", &filters.case),
            ("nationality", &filters.nationality),
        ] {
            if !value.is_empty() {
                pairs.append_pair(name, value);
            }
        }
        if let Some(after) = after {
            pairs.append_pair("after", &after);
        }
        format!("/persons?{}", pairs.finish())
    };
    let next_href = listed.next.map(|next| query(Some(next.to_string())));
    let first_href = after.map(|_| query(None));
    let total = listed.total;
    Ok(PersonsPage {
        i,
        c: page.chrome("persons"),
        show_names: rows.iter().any(|row| row.name.is_some()),
        count_text: if total == 1 {
            i.t("persons.count_one").to_owned()
        } else {
            i.tf("persons.count", &[("count", &total)])
        },
        next_href,
        first_href,
        rows,
        statuses: vocabulary(VocabularyId::CustodyStatus)
            .terms
            .iter()
            .filter(|term| !term.deprecated)
            .map(|term| Choice {
                value: term.id.clone(),
                label: term.label(i.lang).to_owned(),
                selected: term.id == filters.status,
            })
            .collect(),
        cases: cases
            .iter()
            .map(|case| Choice {
                value: case.id.to_string(),
                label: case.body.title.clone(),
                selected: case.id.to_string() == filters.case,
            })
            .collect(),
        nationalities: nationalities
            .into_iter()
            .map(|code| Choice {
                selected: code == filters.nationality,
                label: code.clone(),
                value: code,
            })
            .collect(),
        can_create: actor.may_write(),
        filtered: !(filters.status.is_empty()
            && filters.case.is_empty()
            && filters.nationality.is_empty()),
    })
}

struct PeriodRow {
    status: String,
    from: String,
    to: String,
    place: String,
    unknown: bool,
}

struct ActRow {
    event_title: String,
    act_type: String,
    when: String,
}

struct ProceedingRow {
    id: String,
    title: String,
    kind: String,
}

struct SourceRow {
    claim: String,
    source_kind: String,
    reliability: String,
    locator: String,
}

struct Field {
    label: String,
    value: String,
}

struct TestimonyRow {
    id: String,
    given_on: String,
    language: String,
    consent: String,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    i: I18n,
    c: Chrome,
    id: String,
    can_edit: bool,
    pseudonym: String,
    details: Vec<Field>,
    sensitive: Vec<Field>,
    timeline_svg: String,
    periods: Vec<PeriodRow>,
    acts: Vec<ActRow>,
    proceedings: Vec<ProceedingRow>,
    hearings: Vec<HearingRow>,
    sources: Vec<SourceRow>,
    testimonies: Vec<TestimonyRow>,
}

/// `GET /persons/{id}`
pub async fn person_page(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
) -> Response {
    respond(&page, build_person(&state.app, &page, id).await)
}

fn join_terms(i: I18n, vocabulary_id: VocabularyId, terms: &[String]) -> String {
    terms
        .iter()
        .map(|term| i.term(vocabulary_id, term))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn build_person(app: &App, page: &SignedIn, id: uuid::Uuid) -> Result<PersonPage, AppError> {
    let actor = page.actor();
    let i = page.i;
    let person: Versioned<Person> = app.get(actor, id).await?;
    let person_id = PersonId(id);
    let places: HashMap<PlaceId, String> = app
        .list::<Place>(actor)
        .await?
        .into_iter()
        .map(|place| {
            let name = match i.lang {
                amparo_model::Lang::En => place.body.name_en,
                amparo_model::Lang::Es => place.body.name_es,
            };
            (PlaceId(place.id), name)
        })
        .collect();
    let cases: HashMap<uuid::Uuid, String> = app
        .list::<Case>(actor)
        .await?
        .into_iter()
        .map(|case| (case.id, case.body.title))
        .collect();

    let body = &person.body;
    let mut details = Vec::new();
    let mut field = |key: &str, value: String| {
        if !value.is_empty() {
            details.push(Field {
                label: i.t(key).to_owned(),
                value,
            });
        }
    };
    if body.is_group {
        field(
            "person.details",
            match body.group_size {
                Some(count) => i.tf("person.group", &[("count", &count)]),
                None => i.t("person.group_unknown_size").to_owned(),
            },
        );
    }
    field("persons.nationality", body.nationalities.join(", "));
    field(
        "person.roles",
        join_terms(i, VocabularyId::PersonRole, &body.roles),
    );
    field(
        "person.cases",
        body.case_ids
            .iter()
            .filter_map(|case| cases.get(&case.0).cloned())
            .collect::<Vec<_>>()
            .join(", "),
    );
    field("person.gender", body.gender.clone());
    field(
        "person.age",
        body.age_at_first_event
            .map(|age| age.to_string())
            .unwrap_or_default(),
    );
    field("person.notes", body.notes.clone());

    let mut sensitive = Vec::new();
    if let Some(secret) = &body.sensitive {
        let mut field = |key: &str, value: String| {
            if !value.is_empty() {
                sensitive.push(Field {
                    label: i.t(key).to_owned(),
                    value,
                });
            }
        };
        field("person.full_name", secret.full_name.clone());
        field("person.aliases", secret.aliases.join(", "));
        field(
            "person.birth_date",
            secret
                .birth_date
                .map(|date| date.to_string())
                .unwrap_or_default(),
        );
        field(
            "person.identifiers",
            secret
                .identifiers
                .iter()
                .map(|identifier| format!("{}: {}", identifier.kind, identifier.value))
                .collect::<Vec<_>>()
                .join("; "),
        );
        field(
            "person.contacts",
            secret
                .contacts
                .iter()
                .map(|contact| format!("{}: {}", contact.kind, contact.value))
                .collect::<Vec<_>>()
                .join("; "),
        );
        field("person.notes", secret.notes.clone());
    }

    let periods: Vec<Versioned<CustodyPeriod>> = app.custody_periods(actor, person_id).await?;
    let period_ids: Vec<uuid::Uuid> = periods.iter().map(|period| period.id).collect();
    let segments = build_timeline(
        periods
            .into_iter()
            .map(|period| (CustodyPeriodId(period.id), period.body))
            .collect(),
    );
    let status_label = |term: &str| i.term(VocabularyId::CustodyStatus, term);
    // The labels borrow closures as `dyn Fn`, which may not live across an await.
    let timeline_svg = {
        let place_name = |id: PlaceId| places.get(&id).cloned();
        let title = i.tf("person.timeline_title", &[("code", &body.pseudonym)]);
        let labels = TimelineLabels {
            status: &status_label,
            unknown: i.t("person.no_information"),
            ongoing: i.t("person.ongoing"),
            title: &title,
            place: &place_name,
        };
        if segments.is_empty() {
            String::new()
        } else {
            custody_timeline_svg(&segments, OffsetDateTime::now_utc().date(), &labels)
        }
    };
    let period_rows = segments
        .iter()
        .map(|segment| PeriodRow {
            unknown: segment.status.as_deref() == Some("whereabouts-unknown"),
            status: segment
                .status
                .as_deref()
                .map_or_else(|| i.t("person.no_information").to_owned(), &status_label),
            from: segment.from.map(|d| d.to_string()).unwrap_or_default(),
            to: segment
                .to
                .map_or_else(|| i.t("person.ongoing").to_owned(), |d| d.to_string()),
            place: segment
                .place_id
                .and_then(|place| places.get(&place).cloned())
                .unwrap_or_default(),
        })
        .collect();

    // Everything below comes from the reference index: only this person's records are read.
    let acts: Vec<Versioned<Act>> = app.referring(actor, RecordKind::Person, id).await?;
    let mut events: HashMap<uuid::Uuid, String> = HashMap::new();
    for act in &acts {
        let event_id = act.body.event_id.0;
        if !events.contains_key(&event_id)
            && let Ok(event) = app.get::<Event>(actor, event_id).await
        {
            events.insert(event_id, event.body.title);
        }
    }
    let act_ids: Vec<uuid::Uuid> = acts.iter().map(|act| act.id).collect();
    let act_rows = acts
        .iter()
        .map(|act| ActRow {
            event_title: events
                .get(&act.body.event_id.0)
                .cloned()
                .unwrap_or_default(),
            act_type: i.term(VocabularyId::ActType, &act.body.act_type),
            when: act
                .body
                .period
                .start
                .map(|date| date.to_string())
                .unwrap_or_default(),
        })
        .collect();

    let proceedings: Vec<Versioned<Proceeding>> =
        app.referring(actor, RecordKind::Person, id).await?;
    let mut hearings: Vec<Hearing> = app
        .referring::<Hearing>(actor, RecordKind::Person, id)
        .await?
        .into_iter()
        .map(|hearing| hearing.body)
        .collect();
    for proceeding in &proceedings {
        for hearing in app
            .referring::<Hearing>(actor, RecordKind::Proceeding, proceeding.id)
            .await?
        {
            if !hearing.body.participant_ids.contains(&person_id) {
                hearings.push(hearing.body);
            }
        }
    }
    hearings.sort_by_key(|hearing| hearing.starts_at);

    let mut claims: Vec<(Information, &str)> = Vec::new();
    for (target_kind, target_ids, claim) in [
        (RecordKind::Person, vec![id], i.t("person.details")),
        (RecordKind::CustodyPeriod, period_ids, i.t("person.periods")),
        (RecordKind::Act, act_ids, i.t("person.acts")),
    ] {
        for target_id in target_ids {
            for information in app
                .referring::<Information>(actor, target_kind, target_id)
                .await?
            {
                // Only the information whose claim (not its source) is this record.
                let claimed = match information.body.claim {
                    ClaimRef::Person(other) => other.0 == target_id,
                    ClaimRef::CustodyPeriod(other) => other.0 == target_id,
                    ClaimRef::Act(other) => other.0 == target_id,
                    ClaimRef::Event(_) | ClaimRef::Organization(_) | ClaimRef::Place(_) => false,
                };
                if claimed {
                    claims.push((information.body, claim));
                }
            }
        }
    }
    let sources = claims
        .into_iter()
        .map(|(information, claim)| SourceRow {
            claim: claim.to_owned(),
            source_kind: i.term(VocabularyId::SourceKind, &information.source_kind),
            reliability: i.term(VocabularyId::Reliability, &information.reliability),
            locator: information.locator,
        })
        .collect();

    let testimonies = app
        .referring::<Testimony>(actor, RecordKind::Person, id)
        .await?
        .into_iter()
        .filter(|testimony| testimony.body.giver_id == person_id)
        .map(|testimony| TestimonyRow {
            id: testimony.id.to_string(),
            given_on: testimony.body.given_on.to_string(),
            language: testimony.body.language.clone(),
            consent: join_terms(i, VocabularyId::ConsentScope, &testimony.body.consent),
        })
        .collect();
    Ok(PersonPage {
        testimonies,
        i,
        c: page.chrome("persons"),
        id: id.to_string(),
        can_edit: actor.may_write(),
        pseudonym: body.pseudonym.clone(),
        details,
        sensitive,
        timeline_svg,
        periods: period_rows,
        acts: act_rows,
        proceedings: proceedings
            .iter()
            .map(|proceeding| ProceedingRow {
                id: proceeding.id.to_string(),
                title: proceeding.body.title.clone(),
                kind: i.term(VocabularyId::ProceedingKind, &proceeding.body.kind),
            })
            .collect(),
        hearings: hearings
            .iter()
            .map(|hearing| hearing_row(i, hearing))
            .collect(),
        sources,
    })
}
