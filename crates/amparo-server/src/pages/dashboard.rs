//! The dashboard: counts, persons whose whereabouts are unknown, what comes next.

use amparo_app::App;
use amparo_model::RecordKind;
use amparo_model::records::{Deadline, Hearing, HearingStatus, Suggestion, SuggestionStatus};
use amparo_model::vocab::VocabularyId;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::OffsetDateTime;

use super::{Chrome, SignedIn, render};
use crate::AppState;
use crate::i18n::I18n;

/// A moment in UTC to the minute, as people read it: `2026-11-29 20:15 UTC`.
pub fn short_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}

/// A hearing as listed.
pub struct HearingRow {
    /// Date, time and UTC offset.
    pub when: String,
    /// Kind, in the page language.
    pub kind: String,
    /// Where.
    pub location: String,
    /// The proceeding's id, for the link.
    pub proceeding_id: String,
}

/// Formats a hearing's start: date, time and UTC offset.
pub fn hearing_time(starts_at: OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02} (UTC{:+03}:{:02})",
        starts_at.date(),
        starts_at.hour(),
        starts_at.minute(),
        starts_at.offset().whole_hours(),
        starts_at.offset().minutes_past_hour().abs()
    )
}

/// A hearing as a row, in the page language.
pub fn hearing_row(i: I18n, hearing: &Hearing) -> HearingRow {
    HearingRow {
        when: hearing_time(hearing.starts_at),
        kind: i.term(VocabularyId::HearingKind, &hearing.kind),
        location: if hearing.location.is_empty() && hearing.remote {
            i.t("hearing.remote").to_owned()
        } else {
            hearing.location.clone()
        },
        proceeding_id: hearing
            .proceeding_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
    }
}

/// A person whose whereabouts are unknown.
pub struct UnknownRow {
    id: String,
    pseudonym: String,
    since: String,
}

/// A recent change.
pub struct ChangeRow {
    href: String,
    kind: String,
    label: String,
    what: String,
    who: String,
    when: String,
}

/// An open deadline.
pub struct DeadlineRow {
    due: String,
    title: String,
}

/// Persons listed under "whereabouts unknown"; the rest are one click away.
const UNKNOWN_SHOWN: usize = 20;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    i: I18n,
    c: Chrome,
    person_count: u64,
    capture_count: u64,
    proceeding_count: u64,
    review_count: usize,
    unknown_count: usize,
    unknown: Vec<UnknownRow>,
    hearings: Vec<HearingRow>,
    deadlines: Vec<DeadlineRow>,
    changes: Vec<ChangeRow>,
}

/// `GET /`
pub async fn dashboard(State(state): State<AppState>, page: SignedIn) -> Response {
    match build(&state.app, &page).await {
        Ok(template) => render(&template),
        Err(error) => page.error(error),
    }
}

async fn build(app: &App, page: &SignedIn) -> Result<DashboardPage, amparo_app::AppError> {
    let actor = page.actor();
    let i = page.i;
    let statuses = app.present_statuses(actor).await?;
    let is_unknown = |id: &uuid::Uuid| {
        statuses
            .get(&amparo_model::PersonId(*id))
            .is_some_and(|status| status.status.as_deref() == Some("whereabouts-unknown"))
    };
    let listed = app
        .page_records(
            actor,
            RecordKind::Person,
            |person| is_unknown(&person.id),
            None,
            UNKNOWN_SHOWN,
        )
        .await?;
    let unknown_count = listed.total;
    let mut unknown: Vec<UnknownRow> = listed
        .items
        .iter()
        .filter_map(|version| {
            let Some(amparo_model::Record::Person(person)) = &version.record else {
                return None;
            };
            let since = statuses
                .get(&amparo_model::PersonId(version.id))
                .and_then(|status| status.since)
                .map(|date| date.to_string())
                .unwrap_or_default();
            Some(UnknownRow {
                id: version.id.to_string(),
                pseudonym: person.pseudonym.clone(),
                since: i.tf("dashboard.unknown_since", &[("date", &since)]),
            })
        })
        .collect();
    unknown.sort_by(|a, b| a.pseudonym.cmp(&b.pseudonym));
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
    let review_count = app
        .list::<Suggestion>(actor)
        .await?
        .iter()
        .filter(|suggestion| suggestion.body.status == SuggestionStatus::Pending)
        .count();
    let changes = app
        .recent_changes(actor, 10)
        .await?
        .into_iter()
        .map(|change| ChangeRow {
            href: crate::forms::record_href(change.kind, change.id),
            kind: i.t(&format!("kind.{}", change.kind)).to_owned(),
            label: crate::forms::record_label(i, &change),
            what: i
                .t(match (change.version, change.record.is_some()) {
                    (_, false) => "history.deleted",
                    (1, true) => "history.created",
                    (_, true) => "history.changed",
                })
                .to_owned(),
            who: change.actor,
            when: short_time(change.recorded_at),
        })
        .collect();
    Ok(DashboardPage {
        changes,
        i,
        c: page.chrome("dashboard"),
        person_count: app.count_visible(actor, RecordKind::Person).await?,
        capture_count: app.count_visible(actor, RecordKind::Capture).await?,
        proceeding_count: app.count_visible(actor, RecordKind::Proceeding).await?,
        review_count,
        unknown_count,
        unknown,
        hearings: hearings
            .iter()
            .take(8)
            .map(|hearing| hearing_row(i, hearing))
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
