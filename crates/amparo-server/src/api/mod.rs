//! The JSON API under `/api/v1`: records of every type, search, captures, custody timelines,
//! feed subscriptions and document clusters, a document's suggestions and their review, the
//! evidence log and the OpenAPI document. Every route is listed once, in [`API_ROUTES`], and
//! [`routes`] is built from that list, so the document and the router cannot drift apart.
//!
//! Clients authenticate with `Authorization: Bearer <token>` (`amparo token create`) or a
//! signed-in session plus its CSRF token; the evidence log's routes ([`PUBLIC_API_ROUTES`])
//! need neither. Errors are `{"error": {"code", "message", "field"}}` with the stable codes of
//! `docs/api-errors.md`.

pub(crate) mod captures;
pub(crate) mod error;
mod extract;
mod feeds;
pub(crate) mod log;
mod openapi;
mod records;
pub(crate) mod review;
mod search;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};

use crate::AppState;

pub use error::ApiError;

/// Every API route as (method, path template); the OpenAPI document lists exactly these.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/records/{kind}"),
    ("POST", "/api/v1/records/{kind}"),
    ("GET", "/api/v1/records/{kind}/{id}"),
    ("PUT", "/api/v1/records/{kind}/{id}"),
    ("DELETE", "/api/v1/records/{kind}/{id}"),
    ("GET", "/api/v1/records/{kind}/{id}/history"),
    ("POST", "/api/v1/captures"),
    ("POST", "/api/v1/captures/url"),
    ("GET", "/api/v1/captures/{id}/content"),
    ("GET", "/api/v1/captures/{id}/proof"),
    ("GET", "/api/v1/captures/{id}/bundle"),
    ("GET", "/api/v1/persons/{id}/timeline"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/feeds"),
    ("POST", "/api/v1/feeds"),
    ("GET", "/api/v1/feeds.opml"),
    ("POST", "/api/v1/feeds/import"),
    ("GET", "/api/v1/feeds/{id}"),
    ("GET", "/api/v1/feeds/{id}/pages"),
    ("POST", "/api/v1/feeds/{id}/pause"),
    ("POST", "/api/v1/feeds/{id}/resume"),
    ("POST", "/api/v1/feeds/{id}/poll"),
    ("DELETE", "/api/v1/feeds/{id}"),
    ("GET", "/api/v1/documents/{id}/cluster"),
    ("GET", "/api/v1/documents/{id}/suggestions"),
    ("POST", "/api/v1/documents/{id}/suggestions"),
    (
        "POST",
        "/api/v1/documents/{id}/suggestions/accept-confident",
    ),
    ("POST", "/api/v1/suggestions/{id}/decision"),
    ("GET", "/api/v1/log/checkpoint"),
    ("GET", "/api/v1/log/proof/inclusion"),
    ("GET", "/api/v1/log/proof/consistency"),
    ("GET", "/api/v1/log/tile/{*path}"),
];

/// The routes of [`API_ROUTES`] that answer without credentials: the evidence log holds only
/// salted commitments, and mirrors and witnesses must be able to follow it.
pub const PUBLIC_API_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/log/checkpoint"),
    ("GET", "/api/v1/log/proof/inclusion"),
    ("GET", "/api/v1/log/proof/consistency"),
    ("GET", "/api/v1/log/tile/{*path}"),
];

/// The API token scope a request needs, by its method and route template: evidence bundles
/// need `export`; processing documents and deciding suggestions need `review`; any other
/// change needs `records:write`; reading needs `records:read` (which every scope includes).
pub fn required_scope(method: &str, path: &str) -> amparo_app::Scope {
    use amparo_app::Scope;
    let safe = matches!(method, "GET" | "HEAD" | "OPTIONS");
    if path.ends_with("/bundle") {
        Scope::Export
    } else if safe {
        Scope::RecordsRead
    } else if path.contains("/suggestions") {
        Scope::Review
    } else {
        Scope::RecordsWrite
    }
}

/// Whether a route of [`API_ROUTES`] answers without credentials.
pub fn is_public(method: &str, path: &str) -> bool {
    PUBLIC_API_ROUTES.contains(&(method, path))
}

/// The handler of one entry of [`API_ROUTES`].
fn handler(method: &str, path: &str) -> MethodRouter<AppState> {
    match (method, path) {
        ("GET", "/api/v1/openapi.json") => get(openapi::serve),
        ("GET", "/api/v1/records/{kind}") => get(records::list),
        ("POST", "/api/v1/records/{kind}") => post(records::create),
        ("GET", "/api/v1/records/{kind}/{id}") => get(records::get),
        ("PUT", "/api/v1/records/{kind}/{id}") => put(records::update),
        ("DELETE", "/api/v1/records/{kind}/{id}") => delete(records::delete),
        ("GET", "/api/v1/records/{kind}/{id}/history") => get(records::history),
        // The upload enforces `server.max_upload_bytes` itself, while streaming.
        ("POST", "/api/v1/captures") => post(captures::upload).layer(DefaultBodyLimit::disable()),
        ("POST", "/api/v1/captures/url") => post(captures::capture_url),
        ("GET", "/api/v1/captures/{id}/content") => get(captures::content),
        ("GET", "/api/v1/captures/{id}/proof") => get(log::capture_proof),
        ("GET", "/api/v1/captures/{id}/bundle") => get(log::capture_bundle),
        ("GET", "/api/v1/persons/{id}/timeline") => get(captures::timeline),
        ("GET", "/api/v1/search") => get(search::search),
        ("GET", "/api/v1/feeds") => get(feeds::list),
        ("POST", "/api/v1/feeds") => post(feeds::create),
        ("GET", "/api/v1/feeds.opml") => get(feeds::export),
        ("POST", "/api/v1/feeds/import") => {
            post(feeds::import).layer(DefaultBodyLimit::max(crate::pages::MAX_OPML_BYTES))
        }
        ("GET", "/api/v1/feeds/{id}") => get(feeds::get),
        ("GET", "/api/v1/feeds/{id}/pages") => get(feeds::pages),
        ("POST", "/api/v1/feeds/{id}/pause") => post(feeds::pause),
        ("POST", "/api/v1/feeds/{id}/resume") => post(feeds::resume),
        ("POST", "/api/v1/feeds/{id}/poll") => post(feeds::poll),
        ("DELETE", "/api/v1/feeds/{id}") => delete(feeds::remove),
        ("GET", "/api/v1/documents/{id}/cluster") => get(feeds::cluster),
        ("GET", "/api/v1/documents/{id}/suggestions") => get(review::list),
        ("POST", "/api/v1/documents/{id}/suggestions") => post(review::process),
        ("POST", "/api/v1/documents/{id}/suggestions/accept-confident") => {
            post(review::accept_confident)
        }
        ("POST", "/api/v1/suggestions/{id}/decision") => post(review::decide),
        ("GET", "/api/v1/log/checkpoint") => get(log::checkpoint),
        ("GET", "/api/v1/log/proof/inclusion") => get(log::inclusion_proof),
        ("GET", "/api/v1/log/proof/consistency") => get(log::consistency_proof),
        ("GET", "/api/v1/log/tile/{*path}") => get(log::tile),
        // A route listed without a handler answers 405, which the route test reports.
        _ => MethodRouter::new(),
    }
}

/// The API's routes, with full paths, for the server's router to merge.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for (method, path) in API_ROUTES {
        router = router.route(path, handler(method, path));
    }
    router
        .route("/api/v1/{*rest}", axum::routing::any(unknown_path))
        .route("/api/v1", axum::routing::any(unknown_path))
        .method_not_allowed_fallback(method_not_allowed)
}

/// Any other path under `/api/v1`: a JSON 404, or 400 for a path that tries to climb with `..`.
async fn unknown_path(uri: Uri) -> Response {
    let climbs = uri.path().split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == ".." || decoded == "."
    });
    if climbs {
        ApiError::invalid_path("`.` and `..` are not allowed in a path").into_response()
    } else {
        ApiError::not_found(format!("there is no API route {}", uri.path())).into_response()
    }
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method; see /api/v1/openapi.json",
    )
    .into_response()
}
