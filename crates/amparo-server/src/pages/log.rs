//! The evidence log page: the log's origin and verifier key, which anyone checking Amparo's
//! signed checkpoints and evidence bundles needs, the latest signed checkpoint, and how to verify
//! a bundle.

use amparo_app::AppError;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::format_description::well_known::Rfc3339;

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
    size: u64,
    root: String,
    signed_at: String,
    note: String,
}

/// `GET /log`
pub async fn log_page(State(state): State<AppState>, page: SignedIn) -> Response {
    respond(&page, build(&state, &page).await)
}

async fn build(state: &AppState, page: &SignedIn) -> Result<LogPage, AppError> {
    let verifier_key = state.app.log_verifier_key()?;
    let checkpoint = state.app.latest_checkpoint().await?;
    Ok(LogPage {
        i: page.i,
        c: page.chrome("log"),
        origin: state.app.settings().log_origin(),
        verifier_key,
        size: checkpoint.size,
        root: state.app.checkpoint_root(&checkpoint)?,
        signed_at: checkpoint.signed_at.format(&Rfc3339).unwrap_or_default(),
        note: checkpoint.note,
    })
}
