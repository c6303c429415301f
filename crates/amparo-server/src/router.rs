//! Every route of the server, in one place.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};

use crate::session::Sessions;
use crate::{account, forms, pages, session};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The installation.
    pub app: amparo_app::App,
    /// Signed-in sessions.
    pub sessions: Arc<Sessions>,
}

impl AppState {
    /// State for serving `app`.
    pub fn new(app: amparo_app::App) -> Self {
        Self {
            app,
            sessions: Arc::new(Sessions::default()),
        }
    }
}

/// The signed-in pages and downloads, as (method, path) pairs; tests walk this list.
pub const PAGE_ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/persons"),
    ("GET", "/persons/{id}"),
    ("GET", "/events"),
    ("GET", "/events/{id}"),
    ("GET", "/cases"),
    ("GET", "/cases/{id}"),
    ("GET", "/proceedings"),
    ("GET", "/proceedings/{id}"),
    ("GET", "/captures"),
    ("GET", "/captures/new"),
    ("GET", "/captures/{id}"),
    ("GET", "/captures/{id}/content"),
    ("GET", "/captures/{id}/bundle"),
    ("GET", "/feeds"),
    ("GET", "/feeds.opml"),
    ("GET", "/feeds/{id}"),
    ("GET", "/documents/{id}"),
    ("GET", "/documents/{id}/review"),
    ("GET", "/review"),
    ("GET", "/log"),
    ("GET", "/audit"),
    ("GET", "/records"),
    ("GET", "/records/{kind}"),
    ("GET", "/records/{kind}/new"),
    ("GET", "/records/{kind}/{id}"),
    ("GET", "/records/{kind}/{id}/edit"),
    ("GET", "/records/{kind}/{id}/history"),
    ("GET", "/account"),
    ("GET", "/search"),
];

/// The signed-in forms, as (method, path) pairs; each checks the session's CSRF token.
pub const FORM_ROUTES: &[(&str, &str)] = &[
    ("POST", "/logout"),
    ("POST", "/language"),
    ("POST", "/captures/new"),
    ("POST", "/captures/url"),
    ("POST", "/feeds"),
    ("POST", "/feeds/import"),
    ("POST", "/feeds/{id}/pause"),
    ("POST", "/feeds/{id}/resume"),
    ("POST", "/feeds/{id}/poll"),
    ("POST", "/feeds/{id}/retry"),
    ("POST", "/feeds/{id}/remove"),
    ("POST", "/documents/{id}/review/process"),
    ("POST", "/documents/{id}/review/accept-confident"),
    ("POST", "/suggestions/{id}/decide"),
    ("POST", "/records/{kind}/new"),
    ("POST", "/records/{kind}/{id}/edit"),
    ("POST", "/account/totp/start"),
    ("POST", "/account/totp/confirm"),
    ("POST", "/account/totp/disable"),
    ("POST", "/account/sign-out-everywhere"),
];

/// The server's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        // Reachable without a session.
        .route("/health", get(pages::health))
        .route("/login", get(session::login_form).post(session::login))
        .route(
            "/login/code",
            get(session::code_form).post(session::login_code),
        )
        .route("/static/amparo.css", get(pages::stylesheet))
        // Signed-in pages (listed in PAGE_ROUTES).
        .route("/", get(pages::dashboard))
        .route("/persons", get(pages::persons_page))
        .route("/persons/{id}", get(pages::person_page))
        .route("/events", get(pages::events_page))
        .route("/events/{id}", get(pages::event_page))
        .route("/cases", get(pages::cases_page))
        .route("/cases/{id}", get(pages::case_page))
        .route("/proceedings", get(pages::proceedings_page))
        .route("/proceedings/{id}", get(pages::proceeding_page))
        .route("/captures", get(pages::captures_page))
        .route(
            "/captures/new",
            get(pages::capture_form)
                .post(pages::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/captures/url", post(pages::capture_url))
        .route("/captures/{id}", get(pages::capture_page))
        .route("/captures/{id}/content", get(pages::capture_content))
        .route("/captures/{id}/bundle", get(pages::capture_bundle))
        .route("/feeds", get(pages::feeds_page).post(pages::add_feed))
        .route("/feeds.opml", get(pages::export_opml))
        .route(
            "/feeds/import",
            post(pages::import_opml).layer(DefaultBodyLimit::max(
                pages::MAX_OPML_BYTES + crate::api::captures::FORM_OVERHEAD as usize,
            )),
        )
        .route("/feeds/{id}", get(pages::feed_page))
        .route("/feeds/{id}/pause", post(pages::pause_feed))
        .route("/feeds/{id}/resume", post(pages::resume_feed))
        .route("/feeds/{id}/poll", post(pages::poll_feed))
        .route("/feeds/{id}/retry", post(pages::retry_pages))
        .route("/feeds/{id}/remove", post(pages::remove_feed))
        .route("/documents/{id}", get(pages::document_page))
        .route("/documents/{id}/review", get(pages::review_page))
        .route(
            "/documents/{id}/review/process",
            post(pages::process_document),
        )
        .route(
            "/documents/{id}/review/accept-confident",
            post(pages::review_accept_confident),
        )
        .route("/review", get(pages::review_queue_page))
        .route("/suggestions/{id}/decide", post(pages::decide_suggestion))
        .route("/log", get(pages::log_page))
        .route("/audit", get(pages::audit_page))
        .route("/records", get(forms::kinds_page))
        .route("/records/{kind}", get(forms::records_page))
        .route(
            "/records/{kind}/new",
            get(forms::new_form).post(forms::create),
        )
        .route("/records/{kind}/{id}", get(forms::record_page))
        .route(
            "/records/{kind}/{id}/edit",
            get(forms::edit_form).post(forms::update),
        )
        .route("/records/{kind}/{id}/history", get(forms::history_page))
        // Signed-in forms (listed in FORM_ROUTES, with the record forms above).
        .route("/logout", post(session::logout))
        .route("/language", post(session::set_language))
        .route("/account", get(account::account))
        .route("/search", get(pages::search_page))
        .route("/account/totp/start", post(account::start_totp))
        .route("/account/totp/confirm", post(account::confirm_totp))
        .route("/account/totp/disable", post(account::disable_totp))
        .route(
            "/account/sign-out-everywhere",
            post(account::sign_out_everywhere),
        )
        // The JSON API (listed in api::API_ROUTES).
        .merge(crate::api::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Headers on every response: a strict Content-Security-Policy with no inline script and no
/// external origin, no framing, no sniffing, no referrer.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}
