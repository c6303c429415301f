//! Every route of the server, in one place.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};

use crate::session::Sessions;
use crate::{pages, session};

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

/// The server's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(pages::health))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/", get(pages::overview))
        .route("/static/amparo.css", get(pages::stylesheet))
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
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
