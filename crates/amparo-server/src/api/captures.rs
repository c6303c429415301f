//! `/api/v1/captures…` and `/api/v1/persons/{id}/timeline`: uploading a file or capturing a URL
//! as evidence, downloading a capture's original bytes, and a person's custody timeline.

use amparo_app::{CaptureOptions, VersionedRecord};
use amparo_model::records::Capture;
use amparo_model::{CaseId, PersonId, Record, RecordKind};
use axum::Json;
use axum::extract::multipart::Field;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::AppState;
use crate::api::error::ApiError;
use crate::api::extract::{ApiActor, ApiJson, ApiPath};
use crate::api::records::{location, parse_id};

/// Room allowed beyond the file for the other form fields and the multipart framing.
pub(crate) const FORM_OVERHEAD: u64 = 1 << 20;
/// The most bytes a text field (`note`, `case`) may have.
const MAX_TEXT_FIELD: usize = 64 * 1024;

fn created(capture: amparo_app::Versioned<Capture>) -> Response {
    let id = capture.id;
    let version = VersionedRecord {
        kind: RecordKind::Capture,
        id,
        version: capture.version,
        record: Some(Record::Capture(capture.body)),
        actor: capture.actor,
        recorded_at: capture.recorded_at,
    };
    let mut response = (StatusCode::CREATED, Json(version.to_json())).into_response();
    if let Ok(value) = HeaderValue::from_str(&location(RecordKind::Capture, id)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The last component of an uploaded file's name, without anything a file system would read
/// as a folder or a device.
pub(crate) fn safe_file_name(name: Option<&str>) -> String {
    let name = name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != ':')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "upload".to_owned()
    } else {
        cleaned
    }
}

/// Reads a small text field, refusing one longer than [`MAX_TEXT_FIELD`].
pub(crate) async fn text_field(mut field: Field<'_>, name: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_FIELD {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_record",
                format!("{name} is longer than {MAX_TEXT_FIELD} bytes"),
            )
            .with_field(name));
        }
    }
    String::from_utf8(bytes).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_record",
            format!("{name} is not UTF-8 text"),
        )
        .with_field(name)
    })
}

/// `POST /api/v1/captures`: a multipart form with `file`, an optional `note` and any number of
/// `case` ids. The file is streamed to a temporary file in the data directory, never held in
/// memory whole; beyond `server.max_upload_bytes` the upload is refused with 413 and nothing is
/// stored.
pub async fn upload(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    let limit = state.app.settings().server.max_upload_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit.saturating_add(FORM_OVERHEAD)) {
        return Err(ApiError::payload_too_large(limit));
    }
    let tmp_root = state.app.data_dir().join("tmp");
    std::fs::create_dir_all(&tmp_root).map_err(|error| ApiError::internal(error, "io_error"))?;
    let folder = tempfile::Builder::new()
        .prefix("upload-")
        .tempdir_in(&tmp_root)
        .map_err(|error| ApiError::internal(error, "io_error"))?;
    let mut file_path = None;
    let mut options = CaptureOptions::default();
    while let Some(field) = form.next_field().await? {
        match field.name().unwrap_or_default() {
            "file" if file_path.is_none() => {
                let path = folder.path().join(safe_file_name(field.file_name()));
                stream_to_file(field, &path, limit).await?;
                file_path = Some(path);
            }
            "file" => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_record",
                    "send one file per capture",
                )
                .with_field("file"));
            }
            "note" => options.note = text_field(field, "note").await?,
            "case" => {
                let text = text_field(field, "case").await?;
                let id = Uuid::parse_str(text.trim()).map_err(|_| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_record",
                        format!("{text:?} is not a case id (a UUID)"),
                    )
                    .with_field("case")
                })?;
                options.case_ids.push(CaseId(id));
            }
            other => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown_field",
                    format!("unknown form field {other:?}; expected file, note and case"),
                )
                .with_field(other));
            }
        }
    }
    let path = file_path.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_record",
            "the form has no file field",
        )
        .with_field("file")
    })?;
    let capture = state.app.capture_file(&actor, &path, options).await?;
    drop(folder);
    Ok(created(capture))
}

pub(crate) async fn stream_to_file(
    mut field: Field<'_>,
    path: &std::path::Path,
    limit: u64,
) -> Result<(), ApiError> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|error| ApiError::internal(error, "io_error"))?;
    let mut written: u64 = 0;
    while let Some(chunk) = field.chunk().await? {
        written = written.saturating_add(chunk.len() as u64);
        if written > limit {
            return Err(ApiError::payload_too_large(limit));
        }
        file.write_all(&chunk)
            .await
            .map_err(|error| ApiError::internal(error, "io_error"))?;
    }
    file.flush()
        .await
        .map_err(|error| ApiError::internal(error, "io_error"))?;
    Ok(())
}

/// The body of `POST /api/v1/captures/url`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlCapture {
    url: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    cases: Vec<Uuid>,
}

/// `POST /api/v1/captures/url`: fetches a URL under the fetch policy and captures the response.
pub async fn capture_url(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<UrlCapture>,
) -> Result<Response, ApiError> {
    let options = CaptureOptions {
        case_ids: body.cases.into_iter().map(CaseId).collect(),
        note: body.note,
        id: None,
    };
    let capture = state.app.capture_url(&actor, &body.url, options).await?;
    Ok(created(capture))
}

/// `GET /api/v1/captures/{id}/content`: the original bytes, always as a download: captured HTML
/// or scripts are never served for a browser to render.
pub async fn content(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let bytes = state.app.capture_content(&actor, id).await?;
    let disposition = format!("attachment; filename=\"capture-{id}\"");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(response)
}

/// `GET /api/v1/persons/{id}/timeline`: the custody timeline, undocumented gaps included.
pub async fn timeline(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let segments = state.app.custody_timeline(&actor, PersonId(id)).await?;
    Ok(Json(json!({"person_id": id, "segments": segments})).into_response())
}
