//! `/api/v1/feeds…` and `/api/v1/documents/{id}/cluster`: feed subscriptions (list, add, show,
//! pause, resume, poll, remove, OPML in and out), the pages a feed found, and a document's
//! near-duplicate cluster. The JSON keys are those of `amparo feed … --json`.

use amparo_app::{FeedInfo, FeedPage, NewFeed, PollOptions, Versioned, VersionedRecord};
use amparo_model::records::Document;
use amparo_model::{CaseId, Record, RecordKind};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::api::error::ApiError;
use crate::api::extract::{ApiActor, ApiJson, ApiPath, ApiQuery};
use crate::api::records::parse_id;

/// Pages listed by `GET /api/v1/feeds/{id}/pages` when no `limit` is given.
pub const DEFAULT_PAGES: u32 = 100;
/// The most pages one request lists.
pub const MAX_PAGES: u32 = 1_000;

/// The address of a subscription.
fn location(id: Uuid) -> String {
    format!("/api/v1/feeds/{id}")
}

/// The subscription with this id (a UUID in the path).
async fn find(state: &AppState, actor: &amparo_app::Actor, id: &str) -> Result<FeedInfo, ApiError> {
    let id = parse_id(id)?;
    Ok(state.app.feed(actor, &id.to_string()).await?)
}

/// `GET /api/v1/feeds`: every subscription, oldest first, `{"items": […]}`.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Response, ApiError> {
    let feeds = state.app.feeds(&actor).await?;
    let items: Vec<Value> = feeds.iter().map(FeedInfo::to_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// The body of `POST /api/v1/feeds`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFeedBody {
    url: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    case_ids: Vec<Uuid>,
    #[serde(default)]
    interval_seconds: Option<u32>,
}

/// `POST /api/v1/feeds`: subscribes; 201 with the subscription and its address in `Location`.
/// Nothing is fetched until the next poll.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewFeedBody>,
) -> Result<Response, ApiError> {
    let new = NewFeed {
        title: body.title.filter(|title| !title.trim().is_empty()),
        case_ids: body.case_ids.into_iter().map(CaseId).collect(),
        interval_seconds: body.interval_seconds,
    };
    let feed = state.app.add_feed(&actor, &body.url, new).await?;
    let mut response = (StatusCode::CREATED, Json(feed.to_json())).into_response();
    if let Ok(value) = HeaderValue::from_str(&location(feed.id)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// `GET /api/v1/feeds/{id}`
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let feed = find(&state, &actor, &id).await?;
    Ok(Json(feed.to_json()).into_response())
}

/// The query of `GET /api/v1/feeds/{id}/pages`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagesParams {
    limit: Option<u32>,
}

/// `GET /api/v1/feeds/{id}/pages?limit=N`: the pages the feed found, newest first.
pub async fn pages(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<PagesParams>,
) -> Result<Response, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_PAGES);
    if !(1..=MAX_PAGES).contains(&limit) {
        return Err(amparo_app::AppError::InvalidQuery {
            parameter: "limit".to_owned(),
            message: format!("must be between 1 and {MAX_PAGES}"),
        }
        .into());
    }
    let feed = find(&state, &actor, &id).await?;
    let found = state.app.feed_pages(&actor, feed.id, Some(limit)).await?;
    let items: Vec<Value> = found.iter().map(FeedPage::to_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `POST /api/v1/feeds/{id}/pause`: the feed is not polled until resumed.
pub async fn pause(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let feed = find(&state, &actor, &id).await?;
    let feed = state.app.set_feed_paused(&actor, feed.id, true).await?;
    Ok(Json(feed.to_json()).into_response())
}

/// `POST /api/v1/feeds/{id}/resume`: the feed is due at once.
pub async fn resume(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let feed = find(&state, &actor, &id).await?;
    let feed = state.app.set_feed_paused(&actor, feed.id, false).await?;
    Ok(Json(feed.to_json()).into_response())
}

/// The query of `POST /api/v1/feeds/{id}/poll`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollParams {
    #[serde(default)]
    pages: bool,
}

/// `POST /api/v1/feeds/{id}/poll[?pages=true]`: fetches the feed now and queues the pages it
/// lists; with `pages=true`, also fetches every page that is due (of any feed) before answering.
/// `{"feed": …, "report": …}`; a failed fetch is in the report and the feed, not an error.
pub async fn poll(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<PollParams>,
) -> Result<Response, ApiError> {
    let feed = find(&state, &actor, &id).await?;
    if feed.settings.paused {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "feed_paused",
            format!(
                "the feed is paused; resume it (POST {}/resume) before polling it",
                location(feed.id)
            ),
        ));
    }
    let options = PollOptions {
        all: false,
        feed_ids: vec![feed.id],
        feeds_only: !params.pages,
    };
    let report = state.app.poll_feeds(&actor, &options, &|_, _| {}).await?;
    let feed = state.app.feed(&actor, &feed.id.to_string()).await?;
    Ok(Json(json!({"feed": feed.to_json(), "report": report.to_json()})).into_response())
}

/// `DELETE /api/v1/feeds/{id}`: unsubscribes and answers with the subscription as it was.
/// Captured pages stay; pages not yet fetched are dropped.
pub async fn remove(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let feed = find(&state, &actor, &id).await?;
    state.app.remove_feed(&actor, feed.id).await?;
    Ok(Json(feed.to_json()).into_response())
}

/// `GET /api/v1/feeds.opml`: every subscription as an OPML 2.0 download.
pub async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Response, ApiError> {
    let opml = state.app.export_opml(&actor).await?;
    Ok(crate::pages::opml_download(opml))
}

/// `POST /api/v1/feeds/import`: the body is an OPML file; subscribes to every feed in it not
/// followed yet. `{"added": […], "skipped": [{"url", "reason"}], "problems": […]}`.
pub async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(crate::pages::MAX_OPML_BYTES as u64)
        } else {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_opml",
                format!("the body could not be read: {}", rejection.body_text()),
            )
        }
    })?;
    let report = state.app.import_opml(&actor, &body, &[]).await?;
    if report.added.is_empty() && report.skipped.is_empty() {
        let detail = report
            .problems
            .first()
            .map(|problem| format!(": {problem}"))
            .unwrap_or_default();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_opml",
            format!(
                "the body holds no feed subscriptions; send an OPML file as feed readers export it{detail}"
            ),
        ));
    }
    let added: Vec<Value> = report.added.iter().map(FeedInfo::to_json).collect();
    let skipped: Vec<Value> = report
        .skipped
        .iter()
        .map(|(url, reason)| json!({"url": url, "reason": reason}))
        .collect();
    Ok(Json(json!({
        "added": added,
        "skipped": skipped,
        "problems": report.problems,
    }))
    .into_response())
}

fn document_json(document: &Versioned<Document>) -> Value {
    VersionedRecord {
        kind: RecordKind::Document,
        id: document.id,
        version: document.version,
        record: Some(Record::Document(document.body.clone())),
        actor: document.actor.clone(),
        recorded_at: document.recorded_at,
    }
    .to_json()
}

/// `GET /api/v1/documents/{id}/cluster`: the document's near-duplicate cluster, `{"original":
/// VersionedRecord, "copies": [VersionedRecord…]}` (the original is the document itself when it
/// is no copy).
pub async fn cluster(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let cluster = state.app.document_cluster(&actor, id).await?;
    let copies: Vec<Value> = cluster.copies.iter().map(document_json).collect();
    Ok(Json(json!({
        "original": document_json(&cluster.original),
        "copies": copies,
    }))
    .into_response())
}
