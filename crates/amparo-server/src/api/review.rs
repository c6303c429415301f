//! `/api/v1/documents/{id}/suggestions…` and `/api/v1/suggestions/{id}/decision`: a
//! document's suggestions, processing a document, bulk acceptance of the confident ones, and
//! one decision (link, create, reject). The JSON keys are those of `amparo review --json`.

use amparo_app::review::{BulkReport, Decision, DecisionOutcome};
use amparo_app::{DEFAULT_CONFIDENT, Versioned};
use amparo_model::RecordKind;
use amparo_model::records::{RecordLink, Suggestion};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::api::error::ApiError;
use crate::api::extract::{ApiActor, ApiJson, ApiPath};
use crate::api::records::parse_id;

/// A suggestion as the API and `amparo review --json` show it: its id and version beside the
/// record's fields.
pub fn suggestion_json(suggestion: &Versioned<Suggestion>) -> Value {
    let mut value = serde_json::to_value(&suggestion.body).unwrap_or_else(|_| json!({}));
    if let Some(object) = value.as_object_mut() {
        object.insert("id".to_owned(), json!(suggestion.id));
        object.insert("version".to_owned(), json!(suggestion.version));
    }
    value
}

/// What a decision did, as JSON.
pub fn outcome_json(outcome: &DecisionOutcome) -> Value {
    json!({
        "suggestion": suggestion_json(&outcome.suggestion),
        "record": outcome.record,
        "information_id": outcome.information_id,
        "carried_over": outcome.carried_over,
    })
}

/// What a bulk acceptance did, as JSON.
pub fn bulk_json(report: &BulkReport) -> Value {
    serde_json::to_value(report).unwrap_or_else(|_| json!({}))
}

/// `GET /api/v1/documents/{id}/suggestions`: the document's suggestions in text order,
/// `{"items": […]}`.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let found = state.app.suggestions(&actor, id).await?;
    let items: Vec<Value> = found.iter().map(suggestion_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}

/// `POST /api/v1/documents/{id}/suggestions`: reads the document and adds what is new;
/// decisions already made stay.
pub async fn process(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let report = state.app.suggest(&actor, id).await?;
    Ok(Json(json!(report)).into_response())
}

/// The optional body of `POST /api/v1/documents/{id}/suggestions/accept-confident`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkBody {
    #[serde(default)]
    threshold: Option<f32>,
}

/// `POST /api/v1/documents/{id}/suggestions/accept-confident`: links the confident name
/// suggestions with a clear best candidate; `{"threshold": 0.9}` is optional.
pub async fn accept_confident(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let body: BulkBody = if body.iter().all(u8::is_ascii_whitespace) {
        BulkBody::default()
    } else {
        // The codes `ApiJson` gives: 400 for what is not JSON, 422 for the wrong values.
        serde_json::from_slice(&body).map_err(|error| {
            let message = error.to_string();
            match (error.is_data(), message.contains("unknown field")) {
                (true, true) => ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown_field",
                    message,
                ),
                (true, false) => ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "bad_json",
                    message,
                ),
                _ => ApiError::new(axum::http::StatusCode::BAD_REQUEST, "bad_json", message),
            }
        })?
    };
    let threshold = body.threshold.unwrap_or(DEFAULT_CONFIDENT);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(amparo_app::AppError::InvalidQuery {
            parameter: "threshold".to_owned(),
            message: "must be between 0 and 1".to_owned(),
        }
        .into());
    }
    let report = state.app.accept_confident(&actor, id, threshold).await?;
    Ok(Json(bulk_json(&report)).into_response())
}

/// The body of `POST /api/v1/suggestions/{id}/decision`.
#[derive(Debug, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum DecisionBody {
    /// Link to an existing record (a name) or accept into an existing event.
    Link {
        /// The record's kind.
        kind: RecordKind,
        /// The record's id.
        id: Uuid,
    },
    /// Create a person, organization, place or (from a violation cue) event.
    Create {
        /// A corrected name or title.
        #[serde(default)]
        name: Option<String>,
    },
    /// Reject.
    Reject,
}

/// `POST /api/v1/suggestions/{id}/decision`: decides one pending suggestion.
pub async fn decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let decision = match body {
        DecisionBody::Link { kind, id } => Decision::Link(RecordLink { kind, id }),
        DecisionBody::Create { name } => Decision::CreateNew { name },
        DecisionBody::Reject => Decision::Reject,
    };
    let outcome = state.app.decide(&actor, id, decision).await?;
    Ok(Json(outcome_json(&outcome)).into_response())
}
