//! `/api/v1/records/{kind}…`: list, get, create, update, delete and history for every record
//! type. Handlers only translate HTTP to calls of `amparo-app` and back.

use amparo_app::{AppError, RecordQuery, VersionedRecord};
use amparo_model::{Record, RecordKind};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::api::error::ApiError;
use crate::api::extract::{ApiActor, ApiJson, ApiPath, ApiQuery};

/// Reads a path segment as a record kind; `.` and `..` are refused as paths.
pub fn parse_kind(text: &str) -> Result<RecordKind, ApiError> {
    if text == "." || text == ".." || text.contains('/') {
        return Err(ApiError::invalid_path(format!(
            "{text:?} is not allowed in a path"
        )));
    }
    text.parse::<RecordKind>()
        .map_err(|error| ApiError::not_found(error.to_string()))
}

/// Reads a path segment as a record id.
pub fn parse_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text)
        .map_err(|_| ApiError::invalid_path(format!("{text:?} is not a record id (a UUID)")))
}

/// The address of a record.
pub fn location(kind: RecordKind, id: Uuid) -> String {
    format!("/api/v1/records/{kind}/{id}")
}

/// A record version as a response, with its version as the ETag.
fn record_response(status: StatusCode, record: &VersionedRecord) -> Response {
    let mut response = (status, Json(record.to_json())).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", record.version)) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// The query parameters of a list.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    limit: Option<u32>,
    after: Option<Uuid>,
    case: Option<Uuid>,
    person: Option<Uuid>,
    status: Option<String>,
    nationality: Option<String>,
}

/// `GET /api/v1/records/{kind}`: one page of records, `{"items": […], "next": id|null}`.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(kind): ApiPath<String>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let kind = parse_kind(&kind)?;
    let query = RecordQuery {
        limit: params.limit,
        after: params.after,
        case: params.case,
        person: params.person,
        status: params.status,
        nationality: params.nationality,
    };
    let page = state.app.query_records(&actor, kind, &query).await?;
    let items: Vec<Value> = page.items.iter().map(VersionedRecord::to_json).collect();
    Ok(Json(json!({"items": items, "next": page.next})).into_response())
}

/// `GET /api/v1/records/{kind}/{id}`
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((kind, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let (kind, id) = (parse_kind(&kind)?, parse_id(&id)?);
    let record = state.app.get_record(&actor, kind, id).await?;
    Ok(record_response(StatusCode::OK, &record))
}

/// `POST /api/v1/records/{kind}`: creates a record; 201 with its address in `Location`.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(kind): ApiPath<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let kind = parse_kind(&kind)?;
    let record = state.app.create_json(&actor, kind, body).await?;
    let mut response = record_response(StatusCode::CREATED, &record);
    if let Ok(value) = HeaderValue::from_str(&location(kind, record.id)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// The `?version=` of an update or delete.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionParams {
    version: Option<u32>,
}

/// The version a change was made from: `If-Match: "3"` or `?version=3`; required.
fn expected_version(headers: &HeaderMap, params: &VersionParams) -> Result<u32, ApiError> {
    if let Some(value) = headers.get(header::IF_MATCH) {
        let text = value.to_str().unwrap_or_default().trim();
        let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
        return text.parse::<u32>().map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "If-Match must be the record's version in quotes, as its ETag gives it: \"3\"",
            )
            .with_field("If-Match")
        });
    }
    params.version.ok_or_else(|| {
        ApiError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "version_required",
            "say which version the change was made from: `If-Match: \"3\"` or `?version=3`",
        )
        .with_field("version")
    })
}

/// `PUT /api/v1/records/{kind}/{id}`: replaces a record's fields, as a new version.
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((kind, id)): ApiPath<(String, String)>,
    ApiQuery(params): ApiQuery<VersionParams>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let (kind, id) = (parse_kind(&kind)?, parse_id(&id)?);
    let version = expected_version(&headers, &params)?;
    let record = Record::from_json(kind, body).map_err(|error| AppError::Malformed {
        kind,
        message: error.to_string(),
    })?;
    let record = state.app.update_record(&actor, id, version, record).await?;
    Ok(record_response(StatusCode::OK, &record))
}

/// `DELETE /api/v1/records/{kind}/{id}?version=N`: writes a tombstone; the history stays.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((kind, id)): ApiPath<(String, String)>,
    ApiQuery(params): ApiQuery<VersionParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (kind, id) = (parse_kind(&kind)?, parse_id(&id)?);
    let version = expected_version(&headers, &params)?;
    let tombstone = state.app.delete_record(&actor, kind, id, version).await?;
    Ok(record_response(StatusCode::OK, &tombstone))
}

/// `GET /api/v1/records/{kind}/{id}/history`: every version, oldest first.
pub async fn history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((kind, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let (kind, id) = (parse_kind(&kind)?, parse_id(&id)?);
    let versions = state.app.record_history(&actor, kind, id).await?;
    let items: Vec<Value> = versions.iter().map(VersionedRecord::to_json).collect();
    Ok(Json(json!({ "items": items })).into_response())
}
