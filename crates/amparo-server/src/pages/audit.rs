//! The audit trail page (administrators only): who signed in, who read which sensitive fields,
//! who exported what, who changed grants, newest first, with filters and older pages.

use amparo_app::{AppError, AuditFilter};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use time::macros::format_description;

use super::{Chrome, SignedIn, respond};
use crate::AppState;
use crate::i18n::I18n;

/// Events shown per page.
const PAGE_SIZE: u32 = 100;

/// The actions offered in the filter, in the order shown.
const ACTIONS: &[&str] = &[
    "sign-in",
    "sign-in-failed",
    "sensitive-read",
    "export",
    "bundle-download",
    "grant-change",
    "grant-withdrawn",
    "team-change",
    "user-change",
    "key-rotate",
    "sensitive-purge",
    "key-shares",
    "backup",
];

/// The page's filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    before: Option<u64>,
}

/// One row of the table.
struct Row {
    seq: u64,
    at: String,
    actor: String,
    action: String,
    subject: String,
    detail: String,
    log_index: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    i: I18n,
    c: Chrome,
    actor: String,
    subject: String,
    since: String,
    since_error: bool,
    actions: Vec<(&'static str, bool)>,
    rows: Vec<Row>,
    older: Option<String>,
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `GET /audit`
pub async fn audit_page(
    State(state): State<AppState>,
    page: SignedIn,
    Query(query): Query<AuditQuery>,
) -> Response {
    respond(&page, build(&state, &page, query).await)
}

async fn build(
    state: &AppState,
    page: &SignedIn,
    query: AuditQuery,
) -> Result<AuditPage, AppError> {
    let since = non_empty(&query.since).map(|day| {
        time::Date::parse(&day, format_description!("[year]-[month]-[day]"))
            .map(|date| date.midnight().assume_utc())
    });
    let since_error = matches!(since, Some(Err(_)));
    let filter = AuditFilter {
        actor: non_empty(&query.actor),
        action: non_empty(&query.action),
        subject: non_empty(&query.subject),
        since: since.and_then(Result::ok),
        before_seq: query.before,
        limit: Some(PAGE_SIZE),
        ..AuditFilter::default()
    };
    let events = state.app.audit_events(page.actor(), &filter).await?;
    let older = (events.len() == PAGE_SIZE as usize)
        .then(|| events.last().map(|event| event.seq))
        .flatten()
        .map(|before| {
            let mut link = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in [
                ("actor", &query.actor),
                ("action", &query.action),
                ("subject", &query.subject),
                ("since", &query.since),
            ] {
                if !value.trim().is_empty() {
                    link.append_pair(key, value.trim());
                }
            }
            link.append_pair("before", &before.to_string());
            format!("/audit?{}", link.finish())
        });
    let rows = events
        .into_iter()
        .map(|event| Row {
            seq: event.seq,
            at: event
                .at
                .format(format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second]"
                ))
                .unwrap_or_default(),
            actor: event.actor,
            action: event.action,
            subject: event.subject,
            detail: event.detail.to_string(),
            log_index: event
                .log_index
                .map_or_else(String::new, |index| index.to_string()),
        })
        .collect();
    Ok(AuditPage {
        i: page.i,
        c: page.chrome("audit"),
        actions: ACTIONS
            .iter()
            .map(|action| (*action, query.action.trim() == *action))
            .collect(),
        actor: query.actor,
        subject: query.subject,
        since: query.since,
        since_error,
        rows,
        older,
    })
}
