//! Capturing from the interface: uploading a file, or giving a URL for Amparo to fetch. The
//! upload streams to a temporary file under the data directory (never held in memory whole) and
//! is refused beyond `server.max_upload_bytes`.

use amparo_app::CaptureOptions;
use amparo_model::CaseId;
use amparo_model::records::Case;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{Chrome, SignedIn, render};
use crate::AppState;
use crate::api::captures::{safe_file_name, stream_to_file, text_field};
use crate::error::PageError;
use crate::i18n::I18n;
use crate::session::csrf_ok;

struct CaseChoice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "capture_new.html")]
struct CaptureForm {
    i: I18n,
    c: Chrome,
    cases: Vec<CaseChoice>,
    error: Option<String>,
    url: String,
    limit: String,
}

async fn form(state: &AppState, page: &SignedIn, error: Option<String>, url: String) -> Response {
    let cases = match state.app.list::<Case>(page.actor()).await {
        Ok(cases) => cases,
        Err(error) => return page.error(error),
    };
    let template = CaptureForm {
        i: page.i,
        c: page.chrome("captures"),
        cases: cases
            .into_iter()
            .map(|case| CaseChoice {
                value: case.id.to_string(),
                label: case.body.title,
            })
            .collect(),
        limit: page.i.tf(
            "capture.limit",
            &[(
                "size",
                &super::captures::human_size(state.app.settings().server.max_upload_bytes),
            )],
        ),
        error: error.clone(),
        url,
    };
    let mut response = render(&template);
    if error.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// `GET /captures/new`
pub async fn capture_form(State(state): State<AppState>, page: SignedIn) -> Response {
    form(&state, &page, None, String::new()).await
}

/// `POST /captures/new`: a multipart upload with `csrf`, `file`, `note` and `case`. The token
/// must come before the file, so that nothing is stored for a forged form.
pub async fn upload(
    State(state): State<AppState>,
    page: SignedIn,
    mut multipart: Multipart,
) -> Response {
    let limit = state.app.settings().server.max_upload_bytes;
    let tmp_root = state.app.data_dir().join("tmp");
    if let Err(error) = std::fs::create_dir_all(&tmp_root) {
        return PageError::internal(error).into_response();
    }
    let folder = match tempfile::Builder::new()
        .prefix("upload-")
        .tempdir_in(&tmp_root)
    {
        Ok(folder) => folder,
        Err(error) => return PageError::internal(error).into_response(),
    };
    let mut csrf_checked = false;
    let mut file_path = None;
    let mut options = CaptureOptions::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return form(&state, &page, Some(error.body_text()), String::new()).await,
        };
        let name = field.name().unwrap_or_default().to_owned();
        let result = match name.as_str() {
            "csrf" => text_field(field, "csrf").await.map(|token| {
                csrf_checked = csrf_ok(&page.session, &token);
            }),
            _ if !csrf_checked => return PageError::csrf(page.i.lang).into_response(),
            "file" => {
                let path = folder.path().join(safe_file_name(field.file_name()));
                let written = stream_to_file(field, &path, limit).await;
                if written.is_ok() && std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
                    file_path = Some(path);
                }
                written
            }
            "note" => text_field(field, "note")
                .await
                .map(|note| options.note = note),
            "case" => text_field(field, "case").await.map(|text| {
                if let Ok(id) = Uuid::parse_str(text.trim()) {
                    options.case_ids.push(CaseId(id));
                }
            }),
            _ => Ok(()),
        };
        if let Err(error) = result {
            return form(
                &state,
                &page,
                Some(error.message().to_owned()),
                String::new(),
            )
            .await;
        }
    }
    if !csrf_checked {
        return PageError::csrf(page.i.lang).into_response();
    }
    let Some(path) = file_path else {
        let message = page.i.t("capture.no_file").to_owned();
        return form(&state, &page, Some(message), String::new()).await;
    };
    match state.app.capture_file(page.actor(), &path, options).await {
        Ok(capture) => Redirect::to(&format!("/captures/{}", capture.id)).into_response(),
        Err(error) => refused(&state, &page, error, String::new()).await,
    }
}

/// The form again with the app's refusal, answered 403 or 404 when access was refused.
async fn refused(
    state: &AppState,
    page: &SignedIn,
    error: amparo_app::AppError,
    url: String,
) -> Response {
    let status = match &error {
        amparo_app::AppError::Forbidden { .. } => Some(StatusCode::FORBIDDEN),
        amparo_app::AppError::NotFound { .. } => Some(StatusCode::NOT_FOUND),
        _ => None,
    };
    let mut response = form(state, page, Some(error.to_string()), url).await;
    if let Some(status) = status {
        *response.status_mut() = status;
    }
    response
}

/// The URL capture form's fields.
#[derive(Deserialize)]
pub struct UrlForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    case: String,
}

/// `POST /captures/url`: Amparo fetches the page (SSRF-guarded) and captures it.
pub async fn capture_url(
    State(state): State<AppState>,
    page: SignedIn,
    Form(fields): Form<UrlForm>,
) -> Response {
    if !csrf_ok(&page.session, &fields.csrf) {
        return PageError::csrf(page.i.lang).into_response();
    }
    let options = CaptureOptions {
        case_ids: Uuid::parse_str(fields.case.trim())
            .map(|id| vec![CaseId(id)])
            .unwrap_or_default(),
        note: fields.note,
        id: None,
    };
    let url = fields.url.trim().to_owned();
    match state.app.capture_url(page.actor(), &url, options).await {
        Ok(capture) => Redirect::to(&format!("/captures/{}", capture.id)).into_response(),
        Err(error) => refused(&state, &page, error, url).await,
    }
}
