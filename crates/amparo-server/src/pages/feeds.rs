//! Feeds: the subscriptions with how each is doing, a feed's page with the pages it found, and
//! the forms that add, import, export, pause, resume, poll, retry and remove subscriptions.
//! Only users who may write see the forms; `amparo-app` refuses the others anyway.

use std::collections::HashMap;

use amparo_app::{AppError, FeedInfo, FeedPage, FeedStatus, JobState, NewFeed, PollOptions};
use amparo_model::CaseId;
use amparo_model::records::{Case, Document};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::dashboard::short_time;
use super::{Chrome, IdPath, SignedIn, render};
use crate::AppState;
use crate::api::captures::text_field;
use crate::error::PageError;
use crate::i18n::I18n;
use crate::session::csrf_ok;

/// The most pages a feed's page lists (the newest).
pub const PAGES_SHOWN: u32 = 200;

/// The largest OPML file accepted, in bytes: subscription lists are small.
pub const MAX_OPML_BYTES: usize = 4 * 1024 * 1024;

/// What a redirect after a form says happened (`?done=…`), shown once on the next page.
#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    count: Option<String>,
}

impl Notice {
    /// The message in the page language, for the known outcomes only.
    fn message(&self, i: I18n, background_poller: bool) -> Option<String> {
        let count = self
            .count
            .as_deref()
            .and_then(|count| count.parse::<u64>().ok())
            .unwrap_or(0);
        let key = match self.done.as_deref()? {
            "added" if background_poller => "feed.done.added",
            "added" => "feed.done.added_manual",
            "paused" => "feed.done.paused",
            "resumed" => "feed.done.resumed",
            "polled" if background_poller => "feed.done.polled",
            "polled" => "feed.done.polled_manual",
            "poll_paused" => "feed.done.poll_paused",
            "retried" => return Some(i.tf("feed.done.retried", &[("count", &count)])),
            "removed" => "feeds.done.removed",
            _ => return None,
        };
        Some(i.t(key).to_owned())
    }
}

fn status_text(i: I18n, status: FeedStatus) -> String {
    i.t(match status {
        FeedStatus::New => "feed.status.new",
        FeedStatus::Ok => "feed.status.ok",
        FeedStatus::Failing => "feed.status.failing",
        FeedStatus::Paused => "feed.status.paused",
    })
    .to_owned()
}

fn time_or_never(i: I18n, at: Option<time::OffsetDateTime>) -> String {
    at.map_or_else(|| i.t("feed.never").to_owned(), short_time)
}

/// "3 captured, 1 waiting, 0 failed".
fn pages_counts(i: I18n, feed: &FeedInfo) -> String {
    i.tf(
        "feed.pages_counts",
        &[
            ("captured", &feed.pages.done),
            ("waiting", &feed.pages.pending),
            ("failed", &feed.pages.failed),
        ],
    )
}

/// One subscription as the list shows it.
struct FeedRow {
    href: String,
    title: String,
    url: String,
    status: String,
    status_class: &'static str,
    failures: Option<String>,
    last_error: Option<String>,
    last_poll: String,
    last_success: String,
    pages: String,
}

impl FeedRow {
    fn new(i: I18n, feed: &FeedInfo) -> Self {
        let status = feed.status();
        Self {
            href: format!("/feeds/{}", feed.id),
            title: feed.display_title().to_owned(),
            url: feed.url.clone(),
            status: status_text(i, status),
            status_class: status.as_str(),
            failures: (feed.poll.failures > 0)
                .then(|| i.tf("feed.failures", &[("count", &feed.poll.failures)])),
            last_error: feed.poll.last_error.clone(),
            last_poll: time_or_never(i, feed.poll.last_polled_at),
            last_success: time_or_never(i, feed.poll.last_success_at),
            pages: pages_counts(i, feed),
        }
    }
}

/// A case to choose in the add form.
struct CaseChoice {
    value: String,
    label: String,
    selected: bool,
}

/// What was typed into the add form, and what was wrong with it.
#[derive(Default)]
struct AddState {
    url: String,
    title: String,
    case: String,
    url_error: Option<String>,
    /// The subscription the URL duplicates, for a link next to the error.
    existing: Option<String>,
    error: Option<String>,
}

/// What an OPML import did, as the page shows it.
struct ImportReport {
    summary: String,
    skipped: Vec<(String, String)>,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "feeds.html")]
struct FeedsPage {
    i: I18n,
    c: Chrome,
    rows: Vec<FeedRow>,
    notice: Option<String>,
    can_write: bool,
    cases: Vec<CaseChoice>,
    add: AddState,
    import: Option<ImportReport>,
    import_error: Option<String>,
    opml_limit: String,
}

/// Renders the list with the given form state.
async fn feeds_view(
    state: &AppState,
    page: &SignedIn,
    notice: Option<String>,
    add: AddState,
    import: Option<ImportReport>,
    import_error: Option<String>,
    status: StatusCode,
) -> Response {
    let i = page.i;
    let actor = page.actor();
    let feeds = match state.app.feeds(actor).await {
        Ok(feeds) => feeds,
        Err(error) => return page.error(error),
    };
    let can_write = actor.is_admin();
    let cases = if can_write {
        match state.app.list::<Case>(actor).await {
            Ok(cases) => cases
                .into_iter()
                .map(|case| CaseChoice {
                    selected: add.case == case.id.to_string(),
                    value: case.id.to_string(),
                    label: case.body.title,
                })
                .collect(),
            Err(error) => return page.error(error),
        }
    } else {
        Vec::new()
    };
    let mut response = render(&FeedsPage {
        i,
        c: page.chrome("feeds"),
        rows: feeds.iter().map(|feed| FeedRow::new(i, feed)).collect(),
        notice,
        can_write,
        cases,
        add,
        import,
        import_error,
        opml_limit: i.tf(
            "feeds.import_limit",
            &[("size", &super::captures::human_size(MAX_OPML_BYTES as u64))],
        ),
    });
    *response.status_mut() = status;
    response
}

fn background_poller(state: &AppState) -> bool {
    state.app.settings().feeds.poll_tick_seconds > 0
}

/// `GET /feeds`: every subscription, with the forms to add and import feeds.
pub async fn feeds_page(
    State(state): State<AppState>,
    page: SignedIn,
    Query(notice): Query<Notice>,
) -> Response {
    let notice = notice.message(page.i, background_poller(&state));
    feeds_view(
        &state,
        &page,
        notice,
        AddState::default(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// The add form's fields.
#[derive(Deserialize)]
pub struct AddFeedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    case: String,
}

/// `POST /feeds`: subscribes to a feed; errors come back next to the address.
pub async fn add_feed(
    State(state): State<AppState>,
    page: SignedIn,
    Form(fields): Form<AddFeedForm>,
) -> Response {
    if !csrf_ok(&page.session, &fields.csrf) {
        return PageError::csrf(page.i.lang).into_response();
    }
    let i = page.i;
    let mut add = AddState {
        url: fields.url.trim().to_owned(),
        title: fields.title.trim().to_owned(),
        case: fields.case.trim().to_owned(),
        ..AddState::default()
    };
    if add.url.is_empty() {
        add.url_error = Some(i.t("feeds.url_required").to_owned());
        return feeds_view(
            &state,
            &page,
            None,
            add,
            None,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let new = NewFeed {
        title: (!add.title.is_empty()).then(|| add.title.clone()),
        case_ids: Uuid::parse_str(&add.case)
            .map(|id| vec![CaseId(id)])
            .unwrap_or_default(),
        interval_seconds: None,
    };
    let status = match state.app.add_feed(page.actor(), &add.url, new).await {
        Ok(feed) => {
            return Redirect::to(&format!("/feeds/{}?done=added", feed.id)).into_response();
        }
        Err(AppError::DuplicateFeed { id, .. }) => {
            add.url_error = Some(i.t("feeds.duplicate").to_owned());
            add.existing = Some(format!("/feeds/{id}"));
            StatusCode::CONFLICT
        }
        Err(AppError::InvalidFeedUrl { reason, .. }) => {
            add.url_error = Some(i.tf("feeds.invalid_url", &[("reason", &reason)]));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(error @ AppError::NotFound { .. }) => {
            add.error = Some(error.to_string());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(error) => return page.error(error),
    };
    feeds_view(&state, &page, None, add, None, None, status).await
}

/// Reads a file field into memory, refusing one larger than `limit`.
async fn small_file(
    mut field: axum::extract::multipart::Field<'_>,
    limit: usize,
) -> Result<Option<Vec<u8>>, ()> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| ())? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > limit {
            return Ok(None);
        }
    }
    Ok(Some(bytes))
}

/// `POST /feeds/import`: a multipart form with `csrf` (first) and an OPML `file`; subscribes to
/// every feed in it and shows what was added and skipped.
pub async fn import_opml(
    State(state): State<AppState>,
    page: SignedIn,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    if !page.actor().is_admin() {
        // The same refusal as the app's, before reading a file that could not be used.
        return page.error(AppError::Forbidden {
            action: "import feeds (administrators only)".to_owned(),
        });
    }
    let mut multipart = match multipart {
        Ok(multipart) => multipart,
        Err(rejection) => return rejection.into_response(),
    };
    let i = page.i;
    let mut csrf_checked = false;
    let mut file = None;
    let mut failure = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) if !csrf_checked => return PageError::csrf(i.lang).into_response(),
            Err(error) => {
                failure = Some(error.body_text());
                break;
            }
        };
        match field.name().unwrap_or_default() {
            "csrf" => match text_field(field, "csrf").await {
                Ok(token) => csrf_checked = csrf_ok(&page.session, &token),
                Err(_) => return PageError::csrf(i.lang).into_response(),
            },
            _ if !csrf_checked => return PageError::csrf(i.lang).into_response(),
            "file" => match small_file(field, MAX_OPML_BYTES).await {
                Ok(Some(bytes)) if !bytes.is_empty() => file = Some(bytes),
                Ok(Some(_)) => {}
                Ok(None) => {
                    failure = Some(i.tf(
                        "feeds.import_too_large",
                        &[("size", &super::captures::human_size(MAX_OPML_BYTES as u64))],
                    ));
                    break;
                }
                Err(()) => {
                    failure = Some(i.t("feeds.import_unreadable").to_owned());
                    break;
                }
            },
            _ => {}
        }
    }
    if !csrf_checked {
        return PageError::csrf(i.lang).into_response();
    }
    let bytes = match (failure, file) {
        (Some(failure), _) => return import_failed(&state, &page, failure).await,
        (None, None) => {
            return import_failed(&state, &page, i.t("feeds.import_no_file").to_owned()).await;
        }
        (None, Some(bytes)) => bytes,
    };
    let report = match state.app.import_opml(page.actor(), &bytes, &[]).await {
        Ok(report) => report,
        Err(error) => return page.error(error),
    };
    if report.added.is_empty() && report.skipped.is_empty() {
        let mut message = i.t("feeds.import_empty").to_owned();
        if let Some(problem) = report.problems.first() {
            message = format!("{message} ({problem})");
        }
        return import_failed(&state, &page, message).await;
    }
    let summary = i.tf(
        "feeds.import_summary",
        &[
            ("added", &report.added.len()),
            ("skipped", &report.skipped.len()),
        ],
    );
    let import = ImportReport {
        summary,
        skipped: report.skipped,
        problems: report.problems,
    };
    feeds_view(
        &state,
        &page,
        None,
        AddState::default(),
        Some(import),
        None,
        StatusCode::OK,
    )
    .await
}

async fn import_failed(state: &AppState, page: &SignedIn, message: String) -> Response {
    feeds_view(
        state,
        page,
        None,
        AddState::default(),
        None,
        Some(message),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `GET /feeds.opml`: every subscription as an OPML file, as a download.
pub async fn export_opml(State(state): State<AppState>, page: SignedIn) -> Response {
    match state.app.export_opml(page.actor()).await {
        Ok(opml) => opml_download(opml),
        Err(error) => page.error(error),
    }
}

/// An OPML text as a download named `amparo-feeds.opml`.
pub fn opml_download(opml: String) -> Response {
    let mut response = opml.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/x-opml; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"amparo-feeds.opml\""),
    );
    response
}

/// A linked item.
struct Link {
    href: String,
    text: String,
}

/// One page a feed found, as the feed's page lists it.
struct PageRow {
    title: String,
    href: Option<String>,
    url: String,
    state: String,
    state_class: &'static str,
    found: String,
    published: String,
    copy_of: Option<Link>,
    error: Option<String>,
    problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "feed.html")]
struct FeedPageView {
    i: I18n,
    c: Chrome,
    id: String,
    title: String,
    notice: Option<String>,
    fields: Vec<(String, String)>,
    url: String,
    site_url: Option<String>,
    status: String,
    status_class: &'static str,
    failing: bool,
    last_error: Option<String>,
    cases: Vec<Link>,
    last_capture: Option<String>,
    problems: Vec<String>,
    can_write: bool,
    paused: bool,
    failed_pages: u64,
    remove_error: Option<String>,
    pages: Vec<PageRow>,
    pages_note: Option<String>,
}

fn interval_text(i: I18n, seconds: u32) -> String {
    let minutes = seconds / 60;
    if minutes >= 120 && minutes.is_multiple_of(60) {
        i.tf("feed.every_hours", &[("hours", &(minutes / 60))])
    } else {
        i.tf("feed.every_minutes", &[("minutes", &minutes.max(1))])
    }
}

fn page_row(i: I18n, page: &FeedPage, originals: &HashMap<Uuid, String>) -> PageRow {
    let (state, state_class) = match (page.state, page.duplicate_of) {
        (JobState::Done, Some(_)) => ("feed.page.copy", "copy"),
        (JobState::Done, None) => ("feed.page.done", "done"),
        (JobState::Pending, _) if page.attempts > 0 => ("feed.page.retrying", "pending"),
        (JobState::Pending, _) => ("feed.page.pending", "pending"),
        (JobState::Failed, _) => ("feed.page.failed", "failed"),
    };
    let href = page
        .document_id
        .map(|id| format!("/documents/{id}"))
        .or_else(|| page.capture_id.map(|id| format!("/captures/{id}")));
    PageRow {
        title: page
            .title
            .clone()
            .filter(|title| !title.trim().is_empty())
            .unwrap_or_else(|| page.url.clone()),
        href,
        url: page.url.clone(),
        state: i.t(state).to_owned(),
        state_class,
        found: short_time(page.found_at),
        published: page.published.map(short_time).unwrap_or_default(),
        copy_of: page.duplicate_of.map(|id| Link {
            href: format!("/documents/{id}"),
            text: originals
                .get(&id)
                .cloned()
                .unwrap_or_else(|| i.t("feed.page.an_original").to_owned()),
        }),
        error: page.last_error.clone(),
        problems: page.problems.clone(),
    }
}

async fn build_feed(
    state: &AppState,
    page: &SignedIn,
    id: Uuid,
    notice: Option<String>,
    remove_error: Option<String>,
) -> Result<FeedPageView, AppError> {
    let i = page.i;
    let actor = page.actor();
    let feed = state.app.feed(actor, &id.to_string()).await?;
    let found = state.app.feed_pages(actor, id, Some(PAGES_SHOWN)).await?;
    let mut cases = Vec::new();
    for case_id in &feed.settings.case_ids {
        let text = match state.app.get::<Case>(actor, *case_id).await {
            Ok(case) => case.body.title,
            Err(AppError::NotFound { .. }) => i.t("feed.case_gone").to_owned(),
            Err(error) => return Err(error),
        };
        cases.push(Link {
            href: format!("/cases/{case_id}"),
            text,
        });
    }
    // The titles of the originals that pages are copies of, each read once.
    let mut originals = HashMap::new();
    for original in found.iter().filter_map(|page| page.duplicate_of) {
        if originals.contains_key(&original) {
            continue;
        }
        if let Ok(document) = state.app.get::<Document>(actor, original).await
            && !document.body.title.trim().is_empty()
        {
            originals.insert(original, document.body.title);
        }
    }
    let status = feed.status();
    let poll = &feed.poll;
    let mut fields = vec![(
        i.t("feed.interval").to_owned(),
        interval_text(i, feed.settings.interval_seconds),
    )];
    fields.push((
        i.t("feed.last_poll").to_owned(),
        time_or_never(i, poll.last_polled_at),
    ));
    fields.push((
        i.t("feed.last_success").to_owned(),
        time_or_never(i, poll.last_success_at),
    ));
    if !feed.settings.paused {
        fields.push((
            i.t("feed.next_poll").to_owned(),
            poll.next_poll_at
                .map_or_else(|| i.t("feed.next_poll_now").to_owned(), short_time),
        ));
    }
    if let Some(status) = poll.last_status {
        fields.push((i.t("feed.http_status").to_owned(), status.to_string()));
    }
    fields.push((
        i.t("feed.failures_label").to_owned(),
        poll.failures.to_string(),
    ));
    fields.push((
        i.t("feed.items_seen").to_owned(),
        poll.items_seen.to_string(),
    ));
    fields.push((i.t("feed.pages").to_owned(), pages_counts(i, &feed)));
    fields.push((
        i.t("feed.added").to_owned(),
        format!("{} ({})", short_time(feed.added_at), feed.added_by),
    ));
    let total = feed.pages.done + feed.pages.pending + feed.pages.failed;
    let pages_note = (total > u64::from(PAGES_SHOWN))
        .then(|| i.tf("feed.pages_newest", &[("count", &PAGES_SHOWN)]));
    Ok(FeedPageView {
        i,
        c: page.chrome("feeds"),
        id: id.to_string(),
        title: feed.display_title().to_owned(),
        notice,
        fields,
        url: feed.url.clone(),
        site_url: feed.settings.site_url.clone(),
        status: status_text(i, status),
        status_class: status.as_str(),
        failing: status == FeedStatus::Failing,
        last_error: poll.last_error.clone(),
        cases,
        last_capture: poll.last_capture_id.map(|id| format!("/captures/{id}")),
        problems: poll.problems.clone(),
        can_write: actor.is_admin(),
        paused: feed.settings.paused,
        failed_pages: feed.pages.failed,
        remove_error,
        pages: found
            .iter()
            .map(|found| page_row(i, found, &originals))
            .collect(),
        pages_note,
    })
}

/// `GET /feeds/{id}`: a subscription's details and the pages it found.
pub async fn feed_page(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Query(notice): Query<Notice>,
) -> Response {
    let notice = notice.message(page.i, background_poller(&state));
    match build_feed(&state, &page, id, notice, None).await {
        Ok(view) => render(&view),
        Err(error) => page.error(error),
    }
}

/// The fields of a feed's action forms.
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

/// Checks the token, then runs `action`, then goes back to the feed's page with `?done=…`.
async fn act<F, Fut>(page: &SignedIn, id: Uuid, fields: &ActionForm, action: F) -> Response
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<String, AppError>>,
{
    if !csrf_ok(&page.session, &fields.csrf) {
        return PageError::csrf(page.i.lang).into_response();
    }
    match action().await {
        Ok(done) => Redirect::to(&format!("/feeds/{id}?done={done}")).into_response(),
        Err(error) => page.error(error),
    }
}

/// `POST /feeds/{id}/pause`: the feed is not polled until resumed.
pub async fn pause_feed(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Form(fields): Form<ActionForm>,
) -> Response {
    act(&page, id, &fields, || async {
        state.app.set_feed_paused(page.actor(), id, true).await?;
        Ok("paused".to_owned())
    })
    .await
}

/// `POST /feeds/{id}/resume`: the feed is due at once.
pub async fn resume_feed(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Form(fields): Form<ActionForm>,
) -> Response {
    act(&page, id, &fields, || async {
        state.app.set_feed_paused(page.actor(), id, false).await?;
        Ok("resumed".to_owned())
    })
    .await
}

/// `POST /feeds/{id}/poll`: fetches the feed now and queues the pages it lists; the poller
/// fetches the pages (a request does not wait for a whole site's articles).
pub async fn poll_feed(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Form(fields): Form<ActionForm>,
) -> Response {
    act(&page, id, &fields, || async {
        let feed = state.app.feed(page.actor(), &id.to_string()).await?;
        if feed.settings.paused {
            return Ok("poll_paused".to_owned());
        }
        let options = PollOptions {
            all: false,
            feed_ids: vec![id],
            feeds_only: true,
        };
        state
            .app
            .poll_feeds(page.actor(), &options, &|_, _| {})
            .await?;
        Ok("polled".to_owned())
    })
    .await
}

/// `POST /feeds/{id}/retry`: the feed's given-up pages are tried again at the next poll.
pub async fn retry_pages(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Form(fields): Form<ActionForm>,
) -> Response {
    act(&page, id, &fields, || async {
        state.app.feed(page.actor(), &id.to_string()).await?;
        let count = state.app.retry_failed_pages(page.actor(), Some(id)).await?;
        Ok(format!("retried&count={count}"))
    })
    .await
}

/// `POST /feeds/{id}/remove` with `confirm=yes`: unsubscribes; captured pages stay. Without the
/// confirmation the feed's page comes back with the box to tick.
pub async fn remove_feed(
    State(state): State<AppState>,
    page: SignedIn,
    IdPath(id): IdPath,
    Form(fields): Form<ActionForm>,
) -> Response {
    if !csrf_ok(&page.session, &fields.csrf) {
        return PageError::csrf(page.i.lang).into_response();
    }
    if !page.actor().is_admin() {
        // The same refusal as the app's, before asking for a confirmation that would not help.
        return page.error(AppError::Forbidden {
            action: "remove feeds".to_owned(),
        });
    }
    if fields.confirm != "yes" {
        let error = page.i.t("feed.remove_confirm_missing").to_owned();
        return match build_feed(&state, &page, id, None, Some(error)).await {
            Ok(view) => {
                let mut response = render(&view);
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                response
            }
            Err(error) => page.error(error),
        };
    }
    match state.app.remove_feed(page.actor(), id).await {
        Ok(()) => Redirect::to("/feeds?done=removed").into_response(),
        Err(error) => page.error(error),
    }
}
