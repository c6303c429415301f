//! `/api/v1/log/…` and a capture's proof and bundle: the evidence log as mirrors, witnesses and
//! lawyers follow it. The checkpoint, proofs and tiles hold commitments only and are public (no
//! credentials); a capture's proof and evidence bundle need the right to read the capture.

use amparo_app::{Actor, App, AppError};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::io::AsyncReadExt;
use uuid::Uuid;

use crate::AppState;
use crate::api::error::ApiError;
use crate::api::extract::{ApiActor, ApiPath, ApiQuery};
use crate::api::records::parse_id;

/// Bytes read from a bundle file per chunk of the response body.
const CHUNK_BYTES: usize = 64 * 1024;

/// A JSON text made by `amparo-bundle` (the transparency-dev proof forms), as a response.
fn json_text(text: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// A `400 invalid_query` naming `parameter`.
fn invalid(parameter: &str, message: String) -> ApiError {
    AppError::InvalidQuery {
        parameter: parameter.to_owned(),
        message,
    }
    .into()
}

/// Reads an optional query parameter as a whole number.
fn number(parameter: &str, text: Option<&str>) -> Result<Option<u64>, ApiError> {
    let Some(text) = text else {
        return Ok(None);
    };
    let canonical = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    canonical
        .then(|| text.parse::<u64>().ok())
        .flatten()
        .map(Some)
        .ok_or_else(|| invalid(parameter, format!("{text:?} is not a whole number")))
}

/// Reads a required query parameter as a whole number.
fn required(parameter: &str, text: Option<&str>) -> Result<u64, ApiError> {
    number(parameter, text)?.ok_or_else(|| invalid(parameter, "must be given".to_owned()))
}

/// A tree size asked for, checked against the latest checkpoint (whose size it defaults to).
fn tree_size(parameter: &str, asked: Option<u64>, latest: u64) -> Result<u64, ApiError> {
    match asked {
        Some(size) if size > latest => Err(invalid(
            parameter,
            format!(
                "the log's latest checkpoint has {latest} leaves; ask for a tree of at most that size"
            ),
        )),
        Some(size) => Ok(size),
        None => Ok(latest),
    }
}

/// `GET /api/v1/log/checkpoint`: the latest signed checkpoint, exactly as signed (one is signed
/// first if the log grew since the last).
pub async fn checkpoint(State(state): State<AppState>) -> Result<Response, ApiError> {
    let checkpoint = state.app.latest_checkpoint().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        checkpoint.note,
    )
        .into_response())
}

/// The query of `GET /api/v1/log/proof/inclusion`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionParams {
    index: Option<String>,
    size: Option<String>,
}

/// `GET /api/v1/log/proof/inclusion?index=N[&size=M]`: the inclusion proof of leaf `index` in
/// the tree of `size` leaves (that of the latest checkpoint by default).
pub async fn inclusion_proof(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<InclusionParams>,
) -> Result<Response, ApiError> {
    let index = required("index", params.index.as_deref())?;
    let asked = number("size", params.size.as_deref())?;
    let latest = state.app.latest_checkpoint().await?.size;
    let size = tree_size("size", asked, latest)?;
    if index >= size {
        return Err(invalid(
            "index",
            format!(
                "leaf {index} is not in a tree of {size} leaves: the index must be less than the size"
            ),
        ));
    }
    let proof = state.app.log_inclusion_proof(index, Some(size)).await?;
    Ok(json_text(proof.to_json()))
}

/// The query of `GET /api/v1/log/proof/consistency`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyParams {
    size1: Option<String>,
    size2: Option<String>,
}

/// `GET /api/v1/log/proof/consistency?size1=A[&size2=B]`: the proof that the tree of `size1`
/// leaves is a prefix of that of `size2` (the latest checkpoint's by default).
pub async fn consistency_proof(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ConsistencyParams>,
) -> Result<Response, ApiError> {
    let size1 = required("size1", params.size1.as_deref())?;
    let asked = number("size2", params.size2.as_deref())?;
    if size1 == 0 {
        return Err(invalid(
            "size1",
            "must be at least 1: every tree extends the empty one".to_owned(),
        ));
    }
    let latest = state.app.latest_checkpoint().await?.size;
    let size2 = tree_size("size2", asked, latest)?;
    if size1 > size2 {
        return Err(invalid(
            "size1",
            format!("{size1} is larger than size2 {size2}: the older tree comes first"),
        ));
    }
    let proof = state.app.log_consistency_proof(size1, Some(size2)).await?;
    Ok(json_text(proof.to_json()))
}

/// `GET /api/v1/log/tile/{*path}`: a C2SP tlog-tiles hash tile (`tile/<L>/<N>[.p/<W>]`) or entry
/// bundle (`tile/entries/<N>[.p/<W>]`) of the latest checkpoint's tree. Tiles never change, so
/// they may be cached for good; one the tree does not reach yet is 404.
pub async fn tile(
    State(state): State<AppState>,
    ApiPath(path): ApiPath<String>,
) -> Result<Response, ApiError> {
    let full_path = format!("tile/{path}");
    let data = match state.app.log_tile(&full_path).await {
        Ok(Some(data)) => data,
        Ok(None) => {
            return Err(ApiError::not_found(format!(
                "the log's latest checkpoint does not reach {full_path} yet"
            )));
        }
        Err(AppError::InvalidQuery { message, .. }) => return Err(ApiError::invalid_path(message)),
        Err(other) => return Err(other.into()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        data,
    )
        .into_response())
}

/// `GET /api/v1/captures/{id}/proof`: the inclusion proof of the capture's leaf (`leafIdx`) in
/// the tree of the latest checkpoint.
pub async fn capture_proof(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let proof = state.app.capture_inclusion_proof(&actor, id).await?;
    Ok(json_text(proof.to_json()))
}

/// `GET /api/v1/captures/{id}/bundle`: the capture's evidence bundle, as a ZIP download.
pub async fn capture_bundle(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    Ok(bundle_download(&state.app, &actor, id).await?)
}

fn io_error(path: &std::path::Path, source: std::io::Error) -> AppError {
    AppError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The evidence bundle of a capture as a streamed `application/zip` attachment, for the API
/// and the capture page alike.
///
/// The bundle is written to a folder of its own under `<data>/tmp/`, opened, and unlinked at
/// once, so only the open handle keeps it: the body streams it in chunks (a bundle may be as
/// large as its evidence) and nothing is left behind, whether the download ends or is dropped.
/// The folder goes with the body.
pub(crate) async fn bundle_download(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<Response, AppError> {
    let tmp_root = app.data_dir().join("tmp");
    std::fs::create_dir_all(&tmp_root).map_err(|source| io_error(&tmp_root, source))?;
    let folder = tempfile::Builder::new()
        .prefix("bundle-")
        .tempdir_in(&tmp_root)
        .map_err(|source| io_error(&tmp_root, source))?;
    let file_name = format!("amparo-evidence-{id}.zip");
    let path = folder.path().join(&file_name);
    let info = app.create_bundle(actor, id, &path).await?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|source| io_error(&path, source))?;
    let length = file
        .metadata()
        .await
        .map_err(|source| io_error(&path, source))?
        .len();
    // On Linux the open handle keeps the bytes; elsewhere the folder's removal does it later.
    let _ = std::fs::remove_file(&path);
    tracing::info!(
        capture.id = %id,
        log.leaf_index = info.leaf_index,
        log.tree_size = info.tree_size,
        bundle.bytes = length,
        "serving an evidence bundle"
    );
    let chunks = futures::stream::try_unfold((file, folder), |(mut file, folder)| async move {
        let mut buffer = vec![0u8; CHUNK_BYTES];
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        buffer.truncate(read);
        Ok(Some((Bytes::from(buffer), (file, folder))))
    });
    let mut response = Body::from_stream(chunks).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
