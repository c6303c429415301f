//! Captures: the list, a capture's page with its metadata, evidence log leaf and a safe preview,
//! the original bytes and the evidence bundle. Captured HTML or scripts are never rendered: text
//! is shown as escaped plain text, and only raster images are shown as images.

use amparo_app::{AppError, Versioned};
use amparo_model::records::{Capture, CaptureOrigin};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;

use super::{Chrome, IdPath, SignedIn, render, respond};
use crate::AppState;
use crate::i18n::I18n;

/// Bytes of text shown in a preview.
const PREVIEW_BYTES: usize = 64 * 1024;

/// Media types shown as images: raster formats only (an SVG can carry script).
const INLINE_IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

fn is_text(media_type: &str) -> bool {
    media_type.starts_with("text/")
        || matches!(
            media_type,
            "application/json" | "application/xml" | "application/rss+xml" | "application/atom+xml"
        )
}

fn source(capture: &Capture) -> String {
    match &capture.origin {
        CaptureOrigin::File { file_name } => file_name.clone(),
        CaptureOrigin::Url { final_url, .. } => final_url.clone(),
    }
}

/// A size in words people read.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for next in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}

struct CaptureRow {
    id: String,
    source: String,
    media_type: String,
    size: String,
    obtained_at: String,
}

#[derive(Template)]
#[template(path = "captures.html")]
struct CapturesPage {
    i: I18n,
    c: Chrome,
    rows: Vec<CaptureRow>,
}

/// `GET /captures`
pub async fn captures_page(State(state): State<AppState>, page: SignedIn) -> Response {
    match state.app.list::<Capture>(page.actor()).await {
        Ok(mut captures) => {
            captures.sort_by_key(|capture| std::cmp::Reverse(capture.body.obtained_at));
            render(&CapturesPage {
                i: page.i,
                c: page.chrome("captures"),
                rows: captures
                    .into_iter()
                    .map(|capture| CaptureRow {
                        id: capture.id.to_string(),
                        source: source(&capture.body),
                        media_type: capture.body.media_type.clone(),
                        size: human_size(capture.body.size),
                        obtained_at: capture
                            .body
                            .obtained_at
                            .format(&Rfc3339)
                            .unwrap_or_default(),
                    })
                    .collect(),
            })
        }
        Err(error) => page.error(error),
    }
}

#[derive(Template)]
#[template(path = "capture.html")]
struct CapturePage {
    i: I18n,
    c: Chrome,
    id: String,
    source: String,
    fields: Vec<(String, String)>,
    text: Option<String>,
    truncated: Option<String>,
    image: bool,
    has_leaf: bool,
}

/// `GET /captures/{id}`
pub async fn capture_page(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
) -> Response {
    respond(&page, build_capture(&state, &page, id).await)
}

async fn build_capture(
    state: &AppState,
    page: &SignedIn,
    id: uuid::Uuid,
) -> Result<CapturePage, AppError> {
    let i = page.i;
    let capture: Versioned<Capture> = state.app.get(page.actor(), id).await?;
    let body = &capture.body;
    let mut fields = vec![
        (i.t("capture.sha256").to_owned(), body.sha256.clone()),
        (
            i.t("capture.size").to_owned(),
            format!("{} ({} B)", human_size(body.size), body.size),
        ),
        (
            i.t("capture.media_type").to_owned(),
            body.media_type.clone(),
        ),
        (
            i.t("capture.obtained_at").to_owned(),
            body.obtained_at.format(&Rfc3339).unwrap_or_default(),
        ),
        (
            i.t("capture.obtained_by").to_owned(),
            body.obtained_by.clone(),
        ),
    ];
    if let CaptureOrigin::Url {
        status, redirects, ..
    } = &body.origin
    {
        fields.push((i.t("capture.status").to_owned(), status.to_string()));
        if !redirects.is_empty() {
            fields.push((i.t("capture.redirects").to_owned(), redirects.join(" → ")));
        }
    }
    if !body.note.is_empty() {
        fields.push((i.t("capture.note").to_owned(), body.note.clone()));
    }
    // A capture without a leaf means a damaged log: the capture is still shown, with the
    // administrator's remedy instead of its leaf.
    let leaf = match state.app.capture_log_entry(page.actor(), id).await {
        Ok(entry) => Some(entry.index),
        Err(AppError::Installation(message)) => {
            tracing::warn!(capture.id = %id, error = %message, "capture has no evidence log leaf");
            None
        }
        Err(error) => return Err(error),
    };
    fields.push((
        i.t("capture.log_leaf").to_owned(),
        leaf.map_or_else(
            || i.t("capture.log_leaf_missing").to_owned(),
            |index| index.to_string(),
        ),
    ));
    let (text, truncated) = if is_text(&body.media_type) {
        let bytes = state.app.capture_content(page.actor(), id).await?;
        let shown = &bytes[..bytes.len().min(PREVIEW_BYTES)];
        let truncated = (bytes.len() > PREVIEW_BYTES).then(|| {
            i.tf(
                "capture.preview_truncated",
                &[("size", &human_size(PREVIEW_BYTES as u64))],
            )
        });
        (Some(String::from_utf8_lossy(shown).into_owned()), truncated)
    } else {
        (None, None)
    };
    Ok(CapturePage {
        i,
        c: page.chrome("captures"),
        id: id.to_string(),
        source: source(body),
        fields,
        text,
        truncated,
        image: INLINE_IMAGES.contains(&body.media_type.as_str()),
        has_leaf: leaf.is_some(),
    })
}

/// `GET /captures/{id}/bundle`: the capture's evidence bundle, as a ZIP download (the same
/// response as `GET /api/v1/captures/{id}/bundle`).
pub async fn capture_bundle(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
) -> Response {
    match crate::api::log::bundle_download(&state.app, page.actor(), id).await {
        Ok(response) => response,
        Err(error) => page.error(error),
    }
}

/// `?inline=1` asks for an image to be shown in the page.
#[derive(Deserialize)]
pub struct ContentQuery {
    #[serde(default)]
    inline: Option<String>,
}

/// `GET /captures/{id}/content`: the original bytes, as a download; raster images may be shown
/// inline. Nothing captured is ever served as HTML.
pub async fn capture_content(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Query(query): Query<ContentQuery>,
) -> Response {
    let capture: Versioned<Capture> = match state.app.get(page.actor(), id).await {
        Ok(capture) => capture,
        Err(error) => return page.error(error),
    };
    let bytes = match state.app.capture_content(page.actor(), id).await {
        Ok(bytes) => bytes,
        Err(error) => return page.error(error),
    };
    let inline =
        query.inline.is_some() && INLINE_IMAGES.contains(&capture.body.media_type.as_str());
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let content_type = if inline {
        capture.body.media_type.as_str()
    } else {
        "application/octet-stream"
    };
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let file_name: String = source(&capture.body)
        .rsplit('/')
        .next()
        .unwrap_or("capture")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let disposition = if inline {
        "inline".to_owned()
    } else {
        format!(
            "attachment; filename=\"{}\"",
            if file_name.is_empty() {
                "capture"
            } else {
                &file_name
            }
        )
    };
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
