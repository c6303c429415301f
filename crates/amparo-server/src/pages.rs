//! The read-only pages: health, and the overview of persons, custody and what comes next.

use std::collections::HashMap;

use amparo_app::{Actor, build_timeline};
use amparo_model::records::{CustodyPeriod, Deadline, Hearing, HearingStatus, Person};
use amparo_model::vocab::{VocabularyId, vocabulary};
use amparo_model::{CustodyPeriodId, Lang, PersonId};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::PageError;
use crate::session::current_actor;

/// `GET /health`: whether the server and its database answer.
pub async fn health(State(state): State<AppState>) -> Response {
    match state
        .app
        .count_records(amparo_model::RecordKind::Person)
        .await
    {
        Ok(_) => {
            Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "error": "database_unavailable"})),
            )
                .into_response()
        }
    }
}

/// `GET /static/amparo.css`
pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/amparo.css"),
    )
        .into_response()
}

/// Any other path.
pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Html(NOT_FOUND)).into_response()
}

const NOT_FOUND: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Not found — Amparo</title><link rel=\"stylesheet\" href=\"/static/amparo.css\"></head>\
<body><main><h1>Page not found</h1><p><a href=\"/\">Go to the overview</a></p></main></body></html>";

/// One row of the persons table.
struct PersonRow {
    pseudonym: String,
    name: Option<String>,
    nationalities: String,
    status: String,
    since: String,
    unknown: bool,
}

struct HearingRow {
    when: String,
    kind: String,
    location: String,
}

struct DeadlineRow {
    due: String,
    title: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    user: String,
    show_names: bool,
    persons: Vec<PersonRow>,
    unknown_count: usize,
    capture_count: u64,
    proceeding_count: u64,
    hearings: Vec<HearingRow>,
    deadlines: Vec<DeadlineRow>,
}

fn label(vocabulary_id: VocabularyId, term: &str) -> String {
    vocabulary(vocabulary_id)
        .label(term, Lang::En)
        .unwrap_or(term)
        .to_owned()
}

/// `GET /`: persons with their present custody status, and upcoming hearings and deadlines.
pub async fn overview(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(actor) = current_actor(&state, &headers) else {
        return Redirect::to("/login").into_response();
    };
    match build_overview(&state, &actor).await {
        Ok(page) => match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(error) => PageError::internal(error).into_response(),
        },
        Err(error) => error.into_response(),
    }
}

async fn build_overview(state: &AppState, actor: &Actor) -> Result<OverviewPage, PageError> {
    let app = &state.app;
    let persons = app.list::<Person>(actor).await?;
    let mut periods: HashMap<PersonId, Vec<(CustodyPeriodId, CustodyPeriod)>> = HashMap::new();
    for period in app.list::<CustodyPeriod>(actor).await? {
        periods
            .entry(period.body.person_id)
            .or_default()
            .push((CustodyPeriodId(period.id), period.body));
    }
    let mut rows: Vec<PersonRow> = persons
        .into_iter()
        .map(|person| {
            let timeline = build_timeline(periods.remove(&PersonId(person.id)).unwrap_or_default());
            let last = timeline.last();
            let status = last.and_then(|segment| segment.status.clone());
            PersonRow {
                pseudonym: person.body.pseudonym,
                name: person
                    .body
                    .sensitive
                    .map(|sensitive| sensitive.full_name)
                    .filter(|name| !name.is_empty()),
                nationalities: person.body.nationalities.join(", "),
                unknown: status.as_deref() == Some("whereabouts-unknown"),
                status: status
                    .map(|term| label(VocabularyId::CustodyStatus, &term))
                    .unwrap_or_else(|| "No custody record".to_owned()),
                since: last
                    .and_then(|segment| segment.from)
                    .map(|date| date.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.pseudonym.cmp(&b.pseudonym));
    let now = OffsetDateTime::now_utc();
    let mut hearings: Vec<Hearing> = app
        .list::<Hearing>(actor)
        .await?
        .into_iter()
        .map(|hearing| hearing.body)
        .filter(|hearing| hearing.starts_at >= now && hearing.status == HearingStatus::Scheduled)
        .collect();
    hearings.sort_by_key(|hearing| hearing.starts_at);
    let today = now.date();
    let mut deadlines: Vec<Deadline> = app
        .list::<Deadline>(actor)
        .await?
        .into_iter()
        .map(|deadline| deadline.body)
        .filter(|deadline| !deadline.done && deadline.due_on.latest() >= today)
        .collect();
    deadlines.sort_by_key(|deadline| deadline.due_on.earliest());
    Ok(OverviewPage {
        user: actor.name.clone(),
        unknown_count: rows.iter().filter(|row| row.unknown).count(),
        show_names: rows.iter().any(|row| row.name.is_some()),
        persons: rows,
        capture_count: app.count_records(amparo_model::RecordKind::Capture).await?,
        proceeding_count: app
            .count_records(amparo_model::RecordKind::Proceeding)
            .await?,
        hearings: hearings
            .into_iter()
            .take(8)
            .map(|hearing| HearingRow {
                when: format!(
                    "{} {:02}:{:02} (UTC{:+03}:{:02})",
                    hearing.starts_at.date(),
                    hearing.starts_at.hour(),
                    hearing.starts_at.minute(),
                    hearing.starts_at.offset().whole_hours(),
                    hearing.starts_at.offset().minutes_past_hour().abs()
                ),
                kind: label(VocabularyId::HearingKind, &hearing.kind),
                location: if hearing.remote && hearing.location.is_empty() {
                    "Remote".to_owned()
                } else {
                    hearing.location
                },
            })
            .collect(),
        deadlines: deadlines
            .into_iter()
            .take(8)
            .map(|deadline| DeadlineRow {
                due: deadline.due_on.to_string(),
                title: deadline.title,
            })
            .collect(),
    })
}
