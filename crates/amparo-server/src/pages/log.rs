//! The evidence log page: the log's origin and verifier key, which anyone checking Amparo's
//! signed checkpoints and evidence bundles needs.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Chrome, SignedIn, respond};
use crate::AppState;
use crate::i18n::I18n;

#[derive(Template)]
#[template(path = "log.html")]
struct LogPage {
    i: I18n,
    c: Chrome,
    origin: String,
    verifier_key: String,
}

/// `GET /log`
pub async fn log_page(State(state): State<AppState>, page: SignedIn) -> Response {
    let built = state.app.log_verifier_key().map(|verifier_key| LogPage {
        i: page.i,
        c: page.chrome("log"),
        origin: state.app.settings().log_origin(),
        verifier_key,
    });
    respond(&page, built)
}
