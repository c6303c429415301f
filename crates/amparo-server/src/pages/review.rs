//! Reviewing suggestions: the queue of documents with suggestions waiting (`/review`), a
//! document's review page (its text with every finding marked, each pending suggestion with
//! its candidates as buttons, the decisions made), and the forms that process a document,
//! accept the confident suggestions in bulk and decide one suggestion. Plain forms, POST then
//! redirect; `amparo-app` decides who may do what.

use std::collections::HashMap;

use amparo_app::review::{self, Decision};
use amparo_app::{App, AppError, DEFAULT_CONFIDENT, Versioned};
use amparo_model::RecordKind;
use amparo_model::records::{
    Document, Event, Person, RecordLink, Suggestion, SuggestionKind, SuggestionStatus,
};
use amparo_model::vocab::VocabularyId;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{Chrome, IdPath, SignedIn, respond};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::I18n;
use crate::session::csrf_ok;

/// The most documents the review queue lists.
const QUEUE_SHOWN: usize = 200;

/// What a redirect after a form says happened (`?done=…&count=…`).
#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    count: Option<String>,
}

impl Notice {
    fn message(&self, i: I18n) -> Option<String> {
        let count = self
            .count
            .as_deref()
            .and_then(|count| count.parse::<u64>().ok())
            .unwrap_or(0);
        let key = match self.done.as_deref()? {
            "processed" => "review.done.processed",
            "bulk" => "review.done.bulk",
            "linked" => "review.done.linked",
            "created" => "review.done.created",
            "rejected" => "review.done.rejected",
            _ => return None,
        };
        Some(i.tf(key, &[("count", &count)]))
    }
}

/// A stretch of a paragraph, marked when it is a finding.
pub struct MarkPiece {
    text: String,
    /// The suggestion's kind (a CSS class) and the anchor of its row.
    mark: Option<(&'static str, String)>,
}

/// A pending suggestion with the choices offered.
struct PendingRow {
    id: String,
    kind: String,
    text: String,
    confidence: String,
    detail: String,
    /// (button value, button text).
    candidates: Vec<(String, String)>,
    is_name: bool,
    create: Option<String>,
    new_name: String,
    may_link_event: bool,
}

/// A decided suggestion.
struct DecidedRow {
    id: String,
    kind: String,
    text: String,
    outcome: String,
    record: Option<(String, String)>,
    remembered: bool,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    i: I18n,
    c: Chrome,
    id: String,
    title: String,
    lang: Option<String>,
    notice: Option<String>,
    can_write: bool,
    processed: bool,
    paragraphs: Vec<Vec<MarkPiece>>,
    pending: Vec<PendingRow>,
    decided: Vec<DecidedRow>,
    events: Vec<(String, String)>,
}

/// One document in the review queue.
struct QueueRow {
    href: String,
    title: String,
    pending: String,
}

#[derive(Template)]
#[template(path = "review_queue.html")]
struct QueuePage {
    i: I18n,
    c: Chrome,
    rows: Vec<QueueRow>,
    more: Option<String>,
}

fn kind_class(kind: SuggestionKind) -> &'static str {
    review::kind_name(kind)
}

fn kind_label(i: I18n, kind: SuggestionKind) -> String {
    i.t(&format!("review.kind.{}", review::kind_name(kind)))
        .to_owned()
}

/// Where a record is shown.
fn record_href(link: RecordLink) -> String {
    match link.kind {
        RecordKind::Person => format!("/persons/{}", link.id),
        RecordKind::Event => format!("/events/{}", link.id),
        kind => format!("/records/{kind}/{}", link.id),
    }
}

/// A short account of what a suggestion found, in the page language.
fn detail(i: I18n, suggestion: &Suggestion) -> String {
    let proposal = &suggestion.proposal;
    let text = |key: &str| proposal.get(key).and_then(|value| value.as_str());
    match suggestion.kind {
        SuggestionKind::Date => text("value")
            .map(|value| i.tf("review.detail.date", &[("value", &value)]))
            .unwrap_or_default(),
        SuggestionKind::Count => proposal
            .get("value")
            .and_then(|value| value.as_u64())
            .map(|value| i.tf("review.detail.count", &[("value", &value)]))
            .unwrap_or_default(),
        SuggestionKind::Quote => text("speaker")
            .map(|speaker| i.tf("review.detail.speaker", &[("speaker", &speaker)]))
            .unwrap_or_default(),
        SuggestionKind::Post => [text("platform"), text("handle"), text("date")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        SuggestionKind::Violation => text("term")
            .map(|term| i.term(VocabularyId::ViolationType, term))
            .unwrap_or_default(),
        _ => text("detail").unwrap_or_default().to_owned(),
    }
}

fn pending_row(
    i: I18n,
    suggestion: &Versioned<Suggestion>,
    names: &HashMap<Uuid, String>,
) -> PendingRow {
    let body = &suggestion.body;
    let candidates = review::candidates(body)
        .into_iter()
        .map(|candidate| {
            // A reader who may see real names gets them beside the code.
            let label = match names.get(&candidate.id) {
                Some(name) => format!("{} — {name}", candidate.label),
                None => candidate.label.clone(),
            };
            (
                format!("link:{}:{}", candidate.kind, candidate.id),
                i.tf(
                    "review.link_to",
                    &[
                        ("label", &label),
                        ("score", &format!("{:.2}", candidate.score)),
                    ],
                ),
            )
        })
        .collect();
    let new = review::new_record(body);
    let is_name = review::is_name(body.kind);
    let create = match (body.kind, &new) {
        (SuggestionKind::Violation, _) => Some(i.t("review.create_event").to_owned()),
        (_, Some(_)) if is_name => Some(i.t("review.create").to_owned()),
        _ => None,
    };
    PendingRow {
        id: suggestion.id.to_string(),
        kind: kind_label(i, body.kind),
        text: body.text.chars().take(400).collect(),
        confidence: format!("{:.2}", body.confidence),
        detail: detail(i, body),
        candidates,
        is_name,
        new_name: new.map(|new| new.name).unwrap_or_default(),
        create,
        may_link_event: !is_name,
    }
}

fn decided_row(
    i: I18n,
    suggestion: &Versioned<Suggestion>,
    labels: &[(Uuid, String)],
) -> DecidedRow {
    let body = &suggestion.body;
    let record = body.accepted_into.map(|link| {
        let label = labels
            .iter()
            .find(|(id, _)| *id == link.id)
            .map_or_else(|| link.id.to_string(), |(_, label)| label.clone());
        (record_href(link), label)
    });
    DecidedRow {
        id: suggestion.id.to_string(),
        kind: kind_label(i, body.kind),
        text: body.text.chars().take(200).collect(),
        outcome: i
            .t(match body.status {
                SuggestionStatus::Accepted => "review.accepted",
                _ => "review.rejected",
            })
            .to_owned(),
        record,
        remembered: review::remembered_from(body).is_some(),
    }
}

/// The document's text in paragraphs, each finding marked. Where findings overlap, names
/// win over dates, counts and cues, and those over quotes and posts (which hold them).
pub fn marked_paragraphs(text: &str, suggestions: &[Versioned<Suggestion>]) -> Vec<Vec<MarkPiece>> {
    let rank = |kind: SuggestionKind| match kind {
        SuggestionKind::Person | SuggestionKind::Organization | SuggestionKind::Place => 0,
        SuggestionKind::Date | SuggestionKind::Count | SuggestionKind::Violation => 1,
        SuggestionKind::Quote | SuggestionKind::Post => 2,
    };
    let mut order: Vec<&Versioned<Suggestion>> = suggestions.iter().collect();
    order.sort_by_key(|s| (rank(s.body.kind), s.body.start, s.body.end));
    let mut kept: Vec<(usize, usize, &'static str, String)> = Vec::new();
    for suggestion in order {
        let (start, end) = (suggestion.body.start as usize, suggestion.body.end as usize);
        if start < end && !kept.iter().any(|(s, e, _, _)| start < *e && *s < end) {
            kept.push((
                start,
                end,
                kind_class(suggestion.body.kind),
                format!("#s-{}", suggestion.id),
            ));
        }
    }
    kept.sort_by_key(|(start, _, _, _)| *start);
    // Character offsets to bytes, in one pass.
    let mut bytes: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
    bytes.push(text.len());
    let byte_of = |offset: usize| bytes[offset.min(bytes.len() - 1)];
    let spans: Vec<(usize, usize, &'static str, String)> = kept
        .into_iter()
        .map(|(start, end, class, anchor)| (byte_of(start), byte_of(end), class, anchor))
        .filter(|(start, end, _, _)| start < end)
        .collect();
    let mut paragraphs = Vec::new();
    for (start, end) in super::documents::paragraph_ranges(text) {
        let mut pieces = Vec::new();
        let mut cursor = start;
        for (span_start, span_end, class, anchor) in &spans {
            let (from, to) = ((*span_start).max(start), (*span_end).min(end));
            if from >= to || from < cursor {
                continue;
            }
            if from > cursor {
                pieces.push(MarkPiece {
                    text: text[cursor..from].to_owned(),
                    mark: None,
                });
            }
            pieces.push(MarkPiece {
                text: text[from..to].to_owned(),
                mark: Some((class, anchor.clone())),
            });
            cursor = to;
        }
        if cursor < end {
            pieces.push(MarkPiece {
                text: text[cursor..end].to_owned(),
                mark: None,
            });
        }
        paragraphs.push(pieces);
    }
    paragraphs
}

/// Labels of the records decided suggestions point to (pseudonym codes for persons).
async fn record_labels(
    app: &App,
    page: &SignedIn,
    suggestions: &[Versioned<Suggestion>],
) -> Result<Vec<(Uuid, String)>, AppError> {
    let mut labels: Vec<(Uuid, String)> = Vec::new();
    for link in suggestions.iter().filter_map(|s| s.body.accepted_into) {
        if labels.iter().any(|(id, _)| *id == link.id) {
            continue;
        }
        match app.get_record(page.actor(), link.kind, link.id).await {
            Ok(record) => labels.push((link.id, record.label())),
            Err(AppError::NotFound { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(labels)
}

async fn build(
    state: &AppState,
    page: &SignedIn,
    id: Uuid,
    notice: &Notice,
) -> Result<ReviewPage, AppError> {
    let i = page.i;
    let actor = page.actor();
    let document: Versioned<Document> = state.app.get(actor, id).await?;
    let suggestions = state.app.suggestions(actor, id).await?;
    let labels = record_labels(&state.app, page, &suggestions).await?;
    let (pending, decided): (Vec<_>, Vec<_>) = suggestions
        .iter()
        .partition(|s| s.body.status == SuggestionStatus::Pending);
    let events = if pending.iter().any(|s| !review::is_name(s.body.kind)) && actor.may_review() {
        state
            .app
            .list::<Event>(actor)
            .await?
            .into_iter()
            .map(|event| (event.id.to_string(), event.body.title))
            .collect()
    } else {
        Vec::new()
    };
    let all_candidates: Vec<review::Candidate> = pending
        .iter()
        .flat_map(|s| review::candidates(&s.body))
        .collect();
    let names = state.app.candidate_names(actor, &all_candidates).await?;
    let body = &document.body;
    Ok(ReviewPage {
        i,
        c: page.chrome("feeds"),
        id: id.to_string(),
        title: if body.title.trim().is_empty() {
            i.t("document.untitled").to_owned()
        } else {
            body.title.clone()
        },
        lang: body.language.clone(),
        notice: notice.message(i),
        can_write: actor.may_review(),
        processed: !suggestions.is_empty(),
        paragraphs: marked_paragraphs(&body.text, &suggestions),
        pending: pending
            .into_iter()
            .map(|s| pending_row(i, s, &names))
            .collect(),
        decided: decided
            .into_iter()
            .map(|s| decided_row(i, s, &labels))
            .collect(),
        events,
    })
}

/// `GET /documents/{id}/review`
pub async fn review_page(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Query(notice): Query<Notice>,
) -> Response {
    respond(&page, build(&state, &page, id, &notice).await)
}

/// `GET /review`: the documents with suggestions waiting, most first.
pub async fn queue_page(State(state): State<AppState>, page: SignedIn) -> Response {
    let built = async {
        let actor = page.actor();
        let waiting = state.app.documents_to_review(actor).await?;
        let mut rows = Vec::new();
        for (id, pending) in waiting.iter().take(QUEUE_SHOWN) {
            let title = match state.app.get::<Document>(actor, *id).await {
                Ok(document) if !document.body.title.trim().is_empty() => document.body.title,
                Ok(_) => page.i.t("document.untitled").to_owned(),
                Err(AppError::NotFound { .. }) => continue,
                Err(error) => return Err(error),
            };
            rows.push(QueueRow {
                href: format!("/documents/{id}/review"),
                title,
                pending: page.i.tf("review.queue_count", &[("count", pending)]),
            });
        }
        Ok(QueuePage {
            i: page.i,
            c: page.chrome("dashboard"),
            more: (waiting.len() > QUEUE_SHOWN).then(|| {
                page.i.tf(
                    "review.queue_more",
                    &[("count", &(waiting.len() - QUEUE_SHOWN))],
                )
            }),
            rows,
        })
    }
    .await;
    respond(&page, built)
}

/// The fields of the review forms.
#[derive(Debug, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    /// `link:<kind>:<id>`, `other`, `event`, `create` or `reject` (the button pressed).
    #[serde(default)]
    choice: String,
    /// A corrected name for "create new".
    #[serde(default)]
    name: String,
    /// Another record: an id, or a person's pseudonym code.
    #[serde(default)]
    other: String,
    /// The event to accept a date, count, quote, post or cue into.
    #[serde(default)]
    event: String,
}

fn bad_choice(message: &str) -> AppError {
    AppError::InvalidQuery {
        parameter: "choice".to_owned(),
        message: message.to_owned(),
    }
}

/// A record named by an id or a pseudonym code, of the kind the suggestion links to.
async fn other_record(
    app: &App,
    page: &SignedIn,
    suggestion: &Suggestion,
    given: &str,
) -> Result<RecordLink, AppError> {
    let kind = if review::is_name(suggestion.kind) {
        match suggestion.kind {
            SuggestionKind::Person => RecordKind::Person,
            SuggestionKind::Organization => RecordKind::Organization,
            _ => RecordKind::Place,
        }
    } else {
        RecordKind::Event
    };
    let given = given.trim();
    if let Ok(id) = Uuid::parse_str(given) {
        return Ok(RecordLink { kind, id });
    }
    if kind == RecordKind::Person {
        let code = given.to_ascii_uppercase();
        if let Some(person) = app
            .list::<Person>(page.actor())
            .await?
            .into_iter()
            .find(|person| person.body.pseudonym == code)
        {
            return Ok(RecordLink {
                kind,
                id: person.id,
            });
        }
    }
    Err(AppError::InvalidQuery {
        parameter: "other".to_owned(),
        message: format!("{given:?} is neither a record id nor a pseudonym code in use"),
    })
}

async fn decision_of(
    app: &App,
    page: &SignedIn,
    suggestion: &Suggestion,
    form: &ReviewForm,
) -> Result<Decision, AppError> {
    Ok(match form.choice.as_str() {
        "reject" => Decision::Reject,
        "create" => Decision::CreateNew {
            name: Some(form.name.trim().to_owned()).filter(|name| !name.is_empty()),
        },
        "other" => Decision::Link(other_record(app, page, suggestion, &form.other).await?),
        "event" => Decision::Link(RecordLink {
            kind: RecordKind::Event,
            id: Uuid::parse_str(form.event.trim()).map_err(|_| bad_choice("choose an event"))?,
        }),
        choice => {
            let mut parts = choice.splitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("link"), Some(kind), Some(id)) => Decision::Link(RecordLink {
                    kind: kind
                        .parse()
                        .map_err(|_| bad_choice("unknown record kind"))?,
                    id: Uuid::parse_str(id).map_err(|_| bad_choice("malformed record id"))?,
                }),
                _ => return Err(bad_choice("unknown choice")),
            }
        }
    })
}

/// `POST /suggestions/{id}/decide`: one decision, then back to the document's review page.
pub async fn decide(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Form(form): Form<ReviewForm>,
) -> Response {
    if !csrf_ok(&page.session, &form.csrf) {
        return PageError::csrf(page.i.lang).into_response();
    }
    let decided = async {
        let suggestion: Versioned<Suggestion> = state.app.get(page.actor(), id).await?;
        let decision = decision_of(&state.app, &page, &suggestion.body, &form).await?;
        let done = match &decision {
            Decision::Link(_) => "linked",
            Decision::CreateNew { .. } => "created",
            Decision::Reject => "rejected",
        };
        let outcome = state.app.decide(page.actor(), id, decision).await?;
        Ok::<_, AppError>(format!(
            "/documents/{}/review?done={done}&count={}",
            suggestion.body.document_id, outcome.carried_over
        ))
    }
    .await;
    match decided {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(error) => page.error(error),
    }
}

/// The CSRF field of the document-wide forms.
#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /documents/{id}/review/process`: finds suggestions in the document.
pub async fn process(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !csrf_ok(&page.session, &form.csrf) {
        return PageError::csrf(page.i.lang).into_response();
    }
    match state.app.suggest(page.actor(), id).await {
        Ok(report) => Redirect::to(&format!(
            "/documents/{id}/review?done=processed&count={}",
            report.created
        ))
        .into_response(),
        Err(error) => page.error(error),
    }
}

/// `POST /documents/{id}/review/accept-confident`: links the confident name suggestions.
pub async fn accept_confident(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !csrf_ok(&page.session, &form.csrf) {
        return PageError::csrf(page.i.lang).into_response();
    }
    match state
        .app
        .accept_confident(page.actor(), id, DEFAULT_CONFIDENT)
        .await
    {
        Ok(report) => Redirect::to(&format!(
            "/documents/{id}/review?done=bulk&count={}",
            report.linked.len()
        ))
        .into_response(),
        Err(error) => page.error(error),
    }
}
