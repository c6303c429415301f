//! The HTML interface's pages. Each handler takes [`SignedIn`] (pages need a session; without
//! one the browser is sent to the sign-in page), calls `amparo-app`, and renders a template.

mod audit;
mod capture_new;
mod captures;
mod dashboard;
mod documents;
mod events;
mod feeds;
mod legal;
mod log;
mod persons;
mod review;
mod search;

pub use audit::audit_page;
pub use capture_new::{capture_form, capture_url, upload};
pub use captures::{capture_bundle, capture_content, capture_page, captures_page};
pub use dashboard::dashboard;
pub use documents::document_page;
pub use events::{event_page, events_page};
pub use feeds::{
    MAX_OPML_BYTES, add_feed, export_opml, feed_page, feeds_page, import_opml, opml_download,
    pause_feed, poll_feed, remove_feed, resume_feed, retry_pages,
};
pub use legal::{case_page, cases_page, proceeding_page, proceedings_page};
pub use log::log_page;
pub use persons::{person_page, persons_page};
pub use review::{
    accept_confident as review_accept_confident, decide as decide_suggestion,
    process as process_document, queue_page as review_queue_page, review_page,
};
pub use search::search_page;

use amparo_app::Actor;
use askama::Template;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use crate::AppState;
use crate::error::PageError;
use crate::i18n::I18n;
use crate::session::{Session, current_session, page_lang, peek_session};

/// A request from a signed-in browser.
pub struct SignedIn {
    /// The session.
    pub session: Session,
    /// The page language.
    pub i: I18n,
    /// The path and query of the page, for the language switch to come back to.
    pub path: String,
}

impl SignedIn {
    /// The acting user.
    pub fn actor(&self) -> &Actor {
        &self.session.actor
    }

    /// What the signed-in layout needs, with `nav` the section to mark as current.
    pub fn chrome(&self, nav: &'static str) -> Chrome {
        Chrome {
            signed_in: self.i.tf(
                "session.signed_in_as",
                &[("name", &self.session.actor.name)],
            ),
            csrf: self.session.csrf.clone(),
            nav,
            path: self.path.clone(),
            admin: self.session.actor.is_admin(),
        }
    }

    /// An app error shown in the page language.
    pub fn error(&self, error: amparo_app::AppError) -> Response {
        PageError::from(error).in_lang(self.i.lang).into_response()
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Redirect;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Redirect> {
        let session = current_session(state, &parts.headers)
            .await
            .ok_or(Redirect::to("/login"))?;
        let i = I18n::new(page_lang(Some(&session), &parts.headers));
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |path| path.as_str().to_owned());
        Ok(Self { session, i, path })
    }
}

/// The parts of the signed-in layout (`templates/app.html`) that are not the language.
pub struct Chrome {
    /// "Signed in as …".
    pub signed_in: String,
    /// The session's CSRF token, for the header's forms.
    pub csrf: String,
    /// The current section of the navigation.
    pub nav: &'static str,
    /// The current path, for the language switch.
    pub path: String,
    /// Whether the navigation offers the administrators' pages.
    pub admin: bool,
}

/// Renders a template, or the error page if rendering fails.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => PageError::internal(error).into_response(),
    }
}

/// `GET /health`: whether the server and its database answer.
pub async fn health(State(state): State<AppState>) -> Response {
    match state
        .app
        .count_records(amparo_model::RecordKind::Person)
        .await
    {
        Ok(_) => {
            // Anyone may ask, so the answer says nothing about the installation.
            Json(json!({"status": "ok"})).into_response()
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
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../static/amparo.css"),
    )
        .into_response()
}

/// Any other path.
pub async fn not_found(State(state): State<AppState>, headers: HeaderMap, _uri: Uri) -> Response {
    let session = peek_session(&state, &headers);
    PageError::not_found(page_lang(session.as_ref(), &headers)).into_response()
}

/// "Not found", in the language of the request's page.
fn not_found_for(parts: &Parts, state: &AppState) -> Response {
    let session = peek_session(state, &parts.headers);
    PageError::not_found(page_lang(session.as_ref(), &parts.headers)).into_response()
}

/// The path segments of a request, as text.
async fn path_segments(parts: &mut Parts, state: &AppState) -> Result<Vec<String>, Response> {
    match axum::extract::Path::<Vec<String>>::from_request_parts(parts, state).await {
        Ok(axum::extract::Path(segments)) => Ok(segments),
        Err(_) => Err(not_found_for(parts, state)),
    }
}

/// A record id from the path (`/persons/{id}`); a malformed one is "not found".
pub struct IdPath(pub uuid::Uuid);

impl FromRequestParts<AppState> for IdPath {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let segments = path_segments(parts, state).await?;
        match segments.as_slice() {
            [id] => uuid::Uuid::parse_str(id)
                .map(IdPath)
                .map_err(|_| not_found_for(parts, state)),
            _ => Err(not_found_for(parts, state)),
        }
    }
}

/// A record kind from the path (`/records/{kind}`); an unknown one is "not found".
pub struct KindPath(pub amparo_model::RecordKind);

impl FromRequestParts<AppState> for KindPath {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let segments = path_segments(parts, state).await?;
        match segments.as_slice() {
            [kind] => kind
                .parse()
                .map(KindPath)
                .map_err(|_| not_found_for(parts, state)),
            _ => Err(not_found_for(parts, state)),
        }
    }
}

/// A record kind and id from the path (`/records/{kind}/{id}`).
pub struct KindIdPath(pub amparo_model::RecordKind, pub uuid::Uuid);

impl FromRequestParts<AppState> for KindIdPath {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let segments = path_segments(parts, state).await?;
        let parsed = match segments.as_slice() {
            [kind, id] => kind.parse().ok().zip(uuid::Uuid::parse_str(id).ok()),
            _ => None,
        };
        parsed
            .map(|(kind, id)| KindIdPath(kind, id))
            .ok_or_else(|| not_found_for(parts, state))
    }
}

/// A page built by `build`, or the error page in the reader's language.
pub fn respond<T: Template>(page: &SignedIn, built: Result<T, amparo_app::AppError>) -> Response {
    match built {
        Ok(template) => render(&template),
        Err(error) => page.error(error),
    }
}
