//! Following news feeds: subscriptions, OPML, and polling.
//!
//! A subscription lives in the store's `feeds` table with its polling state (validators for
//! conditional requests, failures in a row, the last error, when it is next due). Polling a
//! feed fetches it under the installation's fetch policy, politely (one request per host at a
//! time, `feeds.host_delay_ms` apart), captures the feed document when it changed, and enqueues
//! one durable *page job* per item link, keyed by the link's canonical URL so that an article
//! listed by several feeds, or listed again, is fetched once. [`crate::pages`] runs those jobs.
//!
//! Every step is resumable: feeds and jobs are leased with leases that run out, so work that a
//! crash or a restart interrupted is taken up again once `feeds.lease_seconds` have passed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::capture::FetchedCapture;
use amparo_ingest::dedup::canonical_url;
use amparo_ingest::feed::{FeedFormat, ParsedFeed, discover_feeds, parse_feed};
use amparo_ingest::opml::{Outline, parse_opml, write_opml};
use amparo_model::{CaseId, RecordKind};
use amparo_store::{FeedPoll, FeedRow, FeedSettings, JobCounts, JobFilter, JobRow, JobState};
use futures::StreamExt;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fetch::{FetchError, Fetched, RequestOptions};
use crate::{Actor, App, AppError, CaptureOptions};

/// The job kind of fetching one page found in a feed.
pub const PAGE_JOB: &str = "page";

/// What feeds are asked for: feed formats first, anything else last.
const FEED_ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, \
     application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";

/// The shortest interval a feed may be polled at, in seconds.
pub const MIN_INTERVAL_SECONDS: u32 = 60;

/// A subscription with its polling state and how its pages stand.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedInfo {
    /// The subscription's id.
    pub id: Uuid,
    /// The feed's URL.
    pub url: String,
    /// Who subscribed.
    pub added_by: String,
    /// When.
    pub added_at: OffsetDateTime,
    /// Title, cases, paused, interval.
    pub settings: FeedSettings,
    /// Validators, last poll, failures, last error, problems.
    pub poll: FeedPoll,
    /// Its pages: waiting, captured, given up.
    pub pages: JobCounts,
}

/// How a subscription is doing, in one word for lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedStatus {
    /// Not polled yet.
    New,
    /// The last poll succeeded.
    Ok,
    /// The last poll failed; it is being retried with back-off.
    Failing,
    /// Paused by someone: never polled.
    Paused,
}

impl FeedStatus {
    /// `new`, `ok`, `failing` or `paused`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedStatus::New => "new",
            FeedStatus::Ok => "ok",
            FeedStatus::Failing => "failing",
            FeedStatus::Paused => "paused",
        }
    }
}

impl FeedInfo {
    /// How the subscription is doing.
    pub fn status(&self) -> FeedStatus {
        if self.settings.paused {
            FeedStatus::Paused
        } else if self.poll.failures > 0 {
            FeedStatus::Failing
        } else if self.poll.last_polled_at.is_none() {
            FeedStatus::New
        } else {
            FeedStatus::Ok
        }
    }

    /// The title to show: the feed's, else its URL.
    pub fn display_title(&self) -> &str {
        if self.settings.title.trim().is_empty() {
            &self.url
        } else {
            &self.settings.title
        }
    }
}

/// What to subscribe with besides the URL.
#[derive(Clone, Debug, Default)]
pub struct NewFeed {
    /// A title of one's own; the feed's own title is used when `None`.
    pub title: Option<String>,
    /// The cases the feed's captures belong to.
    pub case_ids: Vec<CaseId>,
    /// Seconds between polls; `feeds.interval_seconds` when `None`.
    pub interval_seconds: Option<u32>,
}

/// What importing an OPML file did.
#[derive(Clone, Debug, Default)]
pub struct OpmlImport {
    /// The subscriptions added.
    pub added: Vec<FeedInfo>,
    /// Outlines not added, with the reason (already subscribed, not a valid URL).
    pub skipped: Vec<(String, String)>,
    /// What the OPML reader found wrong in the file.
    pub problems: Vec<String>,
}

/// One page found in a feed and where its job stands.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedPage {
    /// The job's id.
    pub job_id: Uuid,
    /// The link as the feed gave it.
    pub url: String,
    /// The canonical URL the page is known by.
    pub canonical_url: String,
    /// The item's title in the feed.
    pub title: Option<String>,
    /// When the feed says the item was published.
    pub published: Option<OffsetDateTime>,
    /// Waiting, captured or given up.
    pub state: JobState,
    /// Tries so far.
    pub attempts: u32,
    /// Not retried before this time (for a page waiting after a failure).
    pub not_before: OffsetDateTime,
    /// The last failure.
    pub last_error: Option<String>,
    /// When the feed first listed it.
    pub found_at: OffsetDateTime,
    /// The page's capture, once captured.
    pub capture_id: Option<Uuid>,
    /// The page's document, when it is a web page with text.
    pub document_id: Option<Uuid>,
    /// The original, when the document is a copy of an earlier one.
    pub duplicate_of: Option<Uuid>,
    /// What went wrong or was guessed while making the document.
    pub problems: Vec<String>,
}

/// Which feeds [`App::poll_feeds`] polls and whether it also fetches their pages.
#[derive(Clone, Debug, Default)]
pub struct PollOptions {
    /// Poll every feed that is not paused, due or not.
    pub all: bool,
    /// Poll only these feeds (due or not), when not empty.
    pub feed_ids: Vec<Uuid>,
    /// Skip fetching pages: only poll feeds and enqueue their pages.
    pub feeds_only: bool,
}

/// What a poll did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PollReport {
    /// Feeds fetched.
    pub feeds_polled: u64,
    /// Of those, feeds that answered "not modified" or were unchanged.
    pub feeds_unchanged: u64,
    /// Feeds that failed, as (URL, what went wrong).
    pub feeds_failed: Vec<(String, String)>,
    /// Pages newly found in feeds.
    pub pages_found: u64,
    /// Pages captured.
    pub pages_captured: u64,
    /// Of those, documents folded into an earlier document's cluster.
    pub copies: u64,
    /// Pages that failed and will be tried again later.
    pub pages_retrying: u64,
    /// Pages given up, as (URL, what went wrong).
    pub pages_failed: Vec<(String, String)>,
    /// The documents made from the pages captured, in the order they were stored (for
    /// processing them into suggestions).
    pub documents: Vec<Uuid>,
}

/// Progress of a poll, for a progress bar: (steps done, steps known).
pub type ProgressFn<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

/// One request at a time per host, `delay` apart.
#[derive(Debug, Default)]
pub(crate) struct HostGate {
    next: Mutex<HashMap<String, Instant>>,
}

impl HostGate {
    /// Waits for this host's turn.
    pub(crate) async fn wait(&self, url: &str, delay: Duration) {
        let Some(host) = url::Url::parse(url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
        else {
            return;
        };
        let slot = {
            let mut next = self
                .next
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            let now = Instant::now();
            let slot = next
                .get(&host)
                .copied()
                .filter(|at| *at > now)
                .unwrap_or(now);
            next.insert(host, slot + delay);
            slot
        };
        // Sleeping until "now" still costs a timer tick (about a millisecond): skip it.
        if slot > Instant::now() {
            tokio::time::sleep_until(slot.into()).await;
        }
    }
}

impl App {
    /// Subscribes to a feed. Nothing is fetched yet: the feed is due at once, and the next
    /// poll (`amparo feed poll`, or the poller in `amparo serve`) fetches it.
    pub async fn add_feed(
        &self,
        actor: &Actor,
        url: &str,
        new: NewFeed,
    ) -> Result<FeedInfo, AppError> {
        self.require_admin_role(actor, "subscribe to feeds").await?;
        let url = feed_url(url)?;
        for case_id in &new.case_ids {
            let found = self.store.get(RecordKind::Case, case_id.0).await?;
            if found.is_none_or(|version| version.deleted) {
                return Err(AppError::NotFound {
                    kind: RecordKind::Case,
                    id: case_id.0,
                });
            }
        }
        if let Some(existing) = self.find_feed_by_url(&url).await? {
            return Err(AppError::DuplicateFeed {
                url,
                id: existing.id,
            });
        }
        let interval = new
            .interval_seconds
            .unwrap_or(self.settings.feeds.interval_seconds)
            .max(MIN_INTERVAL_SECONDS);
        let row = FeedRow {
            id: Uuid::now_v7(),
            url,
            added_by: actor.label(),
            added_at: now(),
            settings: FeedSettings {
                title: new.title.unwrap_or_default().trim().to_owned(),
                site_url: None,
                case_ids: new.case_ids.iter().map(|id| id.0).collect(),
                paused: false,
                interval_seconds: interval,
            },
            poll: FeedPoll::default(),
            lease_until: None,
        };
        self.store
            .add_feed(&row)
            .await
            .map_err(|error| match error {
                amparo_store::StoreError::Duplicate(_) => AppError::DuplicateFeed {
                    url: row.url.clone(),
                    id: row.id,
                },
                other => other.into(),
            })?;
        tracing::info!(feed.url = %row.url, feed.id = %row.id, "subscribed to feed");
        Ok(FeedInfo {
            id: row.id,
            url: row.url,
            added_by: row.added_by,
            added_at: row.added_at,
            settings: row.settings,
            poll: row.poll,
            pages: JobCounts::default(),
        })
    }

    /// Every subscription, oldest first, with how its pages stand.
    pub async fn feeds(&self, _actor: &Actor) -> Result<Vec<FeedInfo>, AppError> {
        let counts: HashMap<Option<Uuid>, JobCounts> =
            self.store.job_counts().await?.into_iter().collect();
        Ok(self
            .store
            .feeds()
            .await?
            .into_iter()
            .map(|row| {
                let pages = counts.get(&Some(row.id)).copied().unwrap_or_default();
                info(row, pages)
            })
            .collect())
    }

    /// One subscription, by its id, a unique prefix of its id, or its URL.
    pub async fn feed(&self, actor: &Actor, which: &str) -> Result<FeedInfo, AppError> {
        let which = which.trim();
        let feeds = self.feeds(actor).await?;
        if let Ok(id) = Uuid::parse_str(which)
            && let Some(found) = feeds.iter().find(|feed| feed.id == id)
        {
            return Ok(found.clone());
        }
        if let Ok(url) = feed_url(which)
            && let Some(found) = feeds.iter().find(|feed| feed.url == url)
        {
            return Ok(found.clone());
        }
        let prefix = which.to_ascii_lowercase();
        let mut matches = feeds
            .iter()
            .filter(|feed| prefix.len() >= 4 && feed.id.to_string().starts_with(&prefix));
        match (matches.next(), matches.next()) {
            (Some(found), None) => Ok(found.clone()),
            (Some(_), Some(_)) => Err(AppError::NoSuchFeed(format!(
                "{which:?} is the start of several feeds' ids; give more of the id"
            ))),
            _ => Err(AppError::NoSuchFeed(format!(
                "there is no feed {which:?}; `amparo feed list` shows the subscriptions"
            ))),
        }
    }

    /// Pauses a subscription (it is not polled until resumed) or resumes it (due at once).
    pub async fn set_feed_paused(
        &self,
        actor: &Actor,
        id: Uuid,
        paused: bool,
    ) -> Result<FeedInfo, AppError> {
        self.require_admin_role(actor, "pause or resume feeds")
            .await?;
        let row = self.feed_row(id).await?;
        let settings = FeedSettings {
            paused,
            ..row.settings.clone()
        };
        self.store.save_feed_settings(id, &settings).await?;
        if !paused && row.settings.paused {
            // Due at once when resumed.
            let poll = FeedPoll {
                next_poll_at: None,
                ..row.poll.clone()
            };
            self.store.save_feed_poll(id, &poll).await?;
        }
        self.feed(actor, &id.to_string()).await
    }

    /// Changes a subscription's title, cases or interval.
    pub async fn update_feed(
        &self,
        actor: &Actor,
        id: Uuid,
        title: Option<String>,
        case_ids: Option<Vec<CaseId>>,
        interval_seconds: Option<u32>,
    ) -> Result<FeedInfo, AppError> {
        self.require_admin_role(actor, "change feeds").await?;
        let row = self.feed_row(id).await?;
        let mut settings = row.settings.clone();
        if let Some(title) = title {
            settings.title = title.trim().to_owned();
        }
        if let Some(case_ids) = case_ids {
            settings.case_ids = case_ids.iter().map(|id| id.0).collect();
        }
        if let Some(interval) = interval_seconds {
            settings.interval_seconds = interval.max(MIN_INTERVAL_SECONDS);
        }
        self.store.save_feed_settings(id, &settings).await?;
        self.feed(actor, &id.to_string()).await
    }

    /// Unsubscribes. Pages already captured stay (they are evidence); pages not yet fetched are
    /// dropped.
    pub async fn remove_feed(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        self.require_admin_role(actor, "remove feeds").await?;
        if !self.store.delete_feed(id).await? {
            return Err(AppError::NoSuchFeed(format!(
                "there is no feed {id}; `amparo feed list` shows the subscriptions"
            )));
        }
        tracing::info!(feed.id = %id, "removed feed");
        Ok(())
    }

    /// Subscribes to every feed of an OPML file (as feed readers export them), skipping those
    /// already followed. Nothing is added when the file holds no feed.
    pub async fn import_opml(
        &self,
        actor: &Actor,
        bytes: &[u8],
        case_ids: &[CaseId],
    ) -> Result<OpmlImport, AppError> {
        self.require_admin_role(actor, "subscribe to feeds").await?;
        let parsed = parse_opml(bytes);
        let mut report = OpmlImport {
            problems: parsed.problems,
            ..OpmlImport::default()
        };
        for outline in parsed.outlines {
            let new = NewFeed {
                title: outline.title.clone(),
                case_ids: case_ids.to_vec(),
                interval_seconds: None,
            };
            match self.add_feed(actor, &outline.xml_url, new).await {
                Ok(added) => report.added.push(added),
                Err(error @ (AppError::DuplicateFeed { .. } | AppError::InvalidFeedUrl { .. })) => {
                    report.skipped.push((outline.xml_url, error.to_string()));
                }
                Err(other) => return Err(other),
            }
        }
        Ok(report)
    }

    /// Every subscription as an OPML 2.0 file, for a feed reader or another installation.
    pub async fn export_opml(&self, actor: &Actor) -> Result<String, AppError> {
        let outlines: Vec<Outline> = self
            .feeds(actor)
            .await?
            .into_iter()
            .map(|feed| Outline {
                title: (!feed.settings.title.is_empty()).then(|| feed.settings.title.clone()),
                xml_url: feed.url,
                html_url: feed.settings.site_url,
                category: None,
            })
            .collect();
        Ok(write_opml("Amparo feeds", Some(now()), &outlines))
    }

    /// The pages a feed found, newest first.
    pub async fn feed_pages(
        &self,
        _actor: &Actor,
        feed_id: Uuid,
        limit: Option<u32>,
    ) -> Result<Vec<FeedPage>, AppError> {
        let jobs = self
            .store
            .jobs(&JobFilter {
                kind: Some(PAGE_JOB.to_owned()),
                feed_id: Some(feed_id),
                state: None,
                limit,
            })
            .await?;
        Ok(jobs.into_iter().map(feed_page).collect())
    }

    /// Makes a feed's given-up pages (or every feed's) due again.
    pub async fn retry_failed_pages(
        &self,
        actor: &Actor,
        feed_id: Option<Uuid>,
    ) -> Result<u64, AppError> {
        self.require_admin_role(actor, "retry pages").await?;
        Ok(self.store.retry_failed_jobs(feed_id, now()).await?)
    }

    /// Polls feeds (those due, or as `options` says), then fetches the pages that are due,
    /// reporting (done, known) steps to `progress`.
    pub async fn poll_feeds(
        &self,
        actor: &Actor,
        options: &PollOptions,
        progress: ProgressFn<'_>,
    ) -> Result<PollReport, AppError> {
        self.require_admin_role(actor, "poll feeds").await?;
        let mut report = PollReport::default();
        let feeds = self.lease_feeds(options).await?;
        let mut known = feeds.len() as u64 + self.due_page_count().await?;
        progress(0, known);
        let concurrency = self.settings.feeds.concurrency.max(1);
        let mut polls = futures::stream::iter(feeds)
            .map(|row| self.poll_feed(actor, row))
            .buffer_unordered(concurrency);
        let mut done = 0;
        while let Some(outcome) = polls.next().await {
            done += 1;
            match outcome? {
                FeedOutcome::Unchanged => report.feeds_unchanged += 1,
                FeedOutcome::Items(found) => {
                    report.pages_found += found;
                    known += found;
                }
                FeedOutcome::Failed(url, error) => report.feeds_failed.push((url, error)),
            }
            report.feeds_polled += 1;
            progress(done, known);
        }
        drop(polls);
        if !options.feeds_only {
            self.run_page_jobs(actor, &mut report, &mut |pages| {
                done += pages;
                progress(done, known.max(done));
            })
            .await?;
        }
        Ok(report)
    }

    /// The feeds to poll now, leased.
    async fn lease_feeds(&self, options: &PollOptions) -> Result<Vec<FeedRow>, AppError> {
        let now = now();
        let until = now + lease(&self.settings.feeds);
        if options.all || !options.feed_ids.is_empty() {
            // Make the chosen feeds due, then lease them as usual.
            for row in self.store.feeds().await? {
                let chosen = options.feed_ids.is_empty() || options.feed_ids.contains(&row.id);
                if chosen
                    && !row.settings.paused
                    && row.poll.next_poll_at.is_some_and(|at| at > now)
                {
                    let poll = FeedPoll {
                        next_poll_at: None,
                        ..row.poll
                    };
                    self.store.save_feed_poll(row.id, &poll).await?;
                }
            }
        }
        let mut leased = Vec::new();
        loop {
            let batch = self.store.lease_due_feeds(now, until, 64).await?;
            if batch.is_empty() {
                break;
            }
            leased.extend(batch);
        }
        if !options.feed_ids.is_empty() {
            // Feeds due but not chosen go back, due as they were.
            let (chosen, others): (Vec<_>, Vec<_>) = leased
                .into_iter()
                .partition(|row| options.feed_ids.contains(&row.id));
            for row in others {
                self.store.save_feed_poll(row.id, &row.poll).await?;
            }
            leased = chosen;
        }
        Ok(leased)
    }

    async fn feed_row(&self, id: Uuid) -> Result<FeedRow, AppError> {
        self.store.feed(id).await?.ok_or_else(|| {
            AppError::NoSuchFeed(format!(
                "there is no feed {id}; `amparo feed list` shows the subscriptions"
            ))
        })
    }

    async fn find_feed_by_url(&self, url: &str) -> Result<Option<FeedRow>, AppError> {
        Ok(self
            .store
            .feeds()
            .await?
            .into_iter()
            .find(|row| row.url == url))
    }

    /// Polls one leased feed and saves its new state (which releases the lease).
    async fn poll_feed(&self, actor: &Actor, row: FeedRow) -> Result<FeedOutcome, AppError> {
        let settings = &self.settings.feeds;
        let started = now();
        let fetcher = self.poller_fetcher()?;
        self.ingest
            .hosts
            .wait(&row.url, Duration::from_millis(settings.host_delay_ms))
            .await;
        let options = RequestOptions {
            etag: row.poll.etag.clone(),
            last_modified: row.poll.last_modified.clone(),
            accept: Some(FEED_ACCEPT.to_owned()),
        };
        let mut poll = FeedPoll {
            last_polled_at: Some(started),
            ..row.poll.clone()
        };
        let fetched = fetcher.fetch(&row.url, &options).await;
        let outcome = match fetched {
            Err(error) => {
                poll.last_status = match &error {
                    FetchError::HttpStatus { status } => Some(*status),
                    _ => None,
                };
                Err(error.to_string())
            }
            Ok(fetched) if fetched.status == 304 => {
                poll.last_status = Some(304);
                Ok(FeedOutcome::Unchanged)
            }
            Ok(fetched) => {
                poll.last_status = Some(fetched.status);
                self.take_feed(actor, &row, &mut poll, fetched).await?
            }
        };
        let outcome = match outcome {
            Ok(outcome) => {
                poll.failures = 0;
                poll.last_error = None;
                poll.last_success_at = Some(started);
                poll.next_poll_at =
                    Some(now() + Duration::from_secs(row.settings.interval_seconds.into()));
                outcome
            }
            Err(error) => {
                poll.failures = poll.failures.saturating_add(1);
                let wait = backoff(row.settings.interval_seconds, poll.failures, settings);
                poll.next_poll_at = Some(now() + wait);
                // Shown with the feed and in the poll's report; `serve` logs at info.
                tracing::info!(
                    feed.url = %row.url,
                    feed.failures = poll.failures,
                    retry_in_seconds = wait.as_secs(),
                    error = %error,
                    "feed poll failed"
                );
                poll.last_error = Some(error.clone());
                FeedOutcome::Failed(row.url.clone(), error)
            }
        };
        self.store.save_feed_poll(row.id, &poll).await?;
        Ok(outcome)
    }

    /// Reads a fetched feed: captures it if it changed, enqueues its new pages. An `Err` is a
    /// failure of the feed (not a feed at all), in words for people.
    async fn take_feed(
        &self,
        actor: &Actor,
        row: &FeedRow,
        poll: &mut FeedPoll,
        fetched: Fetched,
    ) -> Result<Result<FeedOutcome, String>, AppError> {
        let final_url = fetched.final_url.clone();
        let body = std::sync::Arc::new(fetched.body.clone());
        let parsed = {
            let body = body.clone();
            let base = final_url.clone();
            tokio::task::spawn_blocking(move || parse_feed(&body, Some(&base)))
                .await
                .map_err(|error| AppError::NotAllowed(format!("the feed parser failed: {error}")))?
        };
        if parsed.format == FeedFormat::Unknown {
            return Ok(Err(not_a_feed(&body, &final_url, &parsed)));
        }
        poll.etag = fetched.header("etag").map(str::to_owned);
        poll.last_modified = fetched.header("last-modified").map(str::to_owned);
        poll.problems = parsed.problems.clone();
        let sha256 = self.blobs.info_for(&body).sha256;
        let unchanged = match poll.last_capture_id {
            Some(id) => self
                .store
                .get(RecordKind::Capture, id)
                .await?
                .and_then(|stored| stored.body.get("sha256").cloned())
                .is_some_and(|stored| stored == sha256.as_str()),
            None => false,
        };
        if !unchanged {
            let capture = self
                .capture_fetched(actor, fetched, &row.settings.case_ids, "feed")
                .await?;
            poll.last_capture_id = Some(capture);
        }
        let mut settings = row.settings.clone();
        let mut settings_changed = false;
        if settings.title.is_empty()
            && let Some(title) = parsed
                .title
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
        {
            settings.title = amparo_ingest::article::plain_text(title);
            settings_changed = true;
        }
        if settings.site_url.is_none() && parsed.link.is_some() {
            settings.site_url = parsed.link.clone();
            settings_changed = true;
        }
        if settings_changed {
            // Only fill what is empty: someone may have renamed the feed meanwhile.
            if let Some(current) = self.store.feed(row.id).await? {
                let mut merged = current.settings;
                if merged.title.is_empty() {
                    merged.title = settings.title;
                }
                if merged.site_url.is_none() {
                    merged.site_url = settings.site_url;
                }
                self.store.save_feed_settings(row.id, &merged).await?;
            }
        }
        let found = self.enqueue_pages(row, &parsed, poll).await?;
        if found == 0 && unchanged {
            return Ok(Ok(FeedOutcome::Unchanged));
        }
        Ok(Ok(FeedOutcome::Items(found)))
    }

    /// Enqueues a page job per item link not seen before; returns how many were new.
    async fn enqueue_pages(
        &self,
        row: &FeedRow,
        parsed: &ParsedFeed,
        poll: &mut FeedPoll,
    ) -> Result<u64, AppError> {
        let now = now();
        let mut jobs = Vec::new();
        let mut unlinked = 0;
        for item in &parsed.items {
            let Some(link) = item.link.as_deref() else {
                unlinked += 1;
                continue;
            };
            let Ok(key) = canonical_url(link) else {
                poll.problems
                    .push(format!("item link {link:?} is not a web address; skipped"));
                continue;
            };
            let title = item
                .title
                .as_deref()
                .map(amparo_ingest::article::plain_text)
                .filter(|title| !title.is_empty());
            jobs.push(JobRow::pending(
                PAGE_JOB,
                key,
                Some(row.id),
                json!({
                    "url": link,
                    "title": title,
                    "published": item.published.or(item.updated).map(amparo_ingest::feed::format_date),
                    "case_ids": row.settings.case_ids,
                    "capture_id": Uuid::now_v7(),
                    "document_id": Uuid::now_v7(),
                }),
                now,
            ));
        }
        if unlinked > 0 {
            poll.problems.push(format!(
                "{unlinked} item(s) have no link to an article page; only linked items are captured"
            ));
        }
        let added = self.store.enqueue_jobs(&jobs).await?.len() as u64;
        poll.items_seen += added;
        if added > 0 {
            tracing::info!(feed.url = %row.url, pages = added, "found new pages");
        }
        Ok(added)
    }

    /// Captures a fetched response as evidence with its HTTP metadata; returns the capture id.
    pub(crate) async fn capture_fetched(
        &self,
        actor: &Actor,
        fetched: Fetched,
        case_ids: &[Uuid],
        what: &str,
    ) -> Result<Uuid, AppError> {
        let page = FetchedCapture::of(fetched);
        let options = CaptureOptions {
            case_ids: case_ids.iter().copied().map(CaseId).collect(),
            note: format!("{what} fetched by the feed poller"),
            id: None,
        };
        let stored = self
            .store_and_commit(actor, &page.body, page.media_type, page.origin, options)
            .await?;
        Ok(stored.id)
    }

    /// Pages due now, for progress.
    async fn due_page_count(&self) -> Result<u64, AppError> {
        let counts = self.store.job_counts().await?;
        Ok(counts.iter().map(|(_, counts)| counts.pending).sum())
    }
}

fn json_date(at: Option<OffsetDateTime>) -> serde_json::Value {
    at.map_or(serde_json::Value::Null, |at| {
        serde_json::Value::String(amparo_ingest::feed::format_date(at))
    })
}

impl FeedInfo {
    /// The subscription as `amparo feed list --json` and the API show it.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "id": self.id,
            "url": self.url,
            "title": self.settings.title,
            "site_url": self.settings.site_url,
            "status": self.status().as_str(),
            "paused": self.settings.paused,
            "interval_seconds": self.settings.interval_seconds,
            "case_ids": self.settings.case_ids,
            "added_by": self.added_by,
            "added_at": json_date(Some(self.added_at)),
            "last_polled_at": json_date(self.poll.last_polled_at),
            "last_success_at": json_date(self.poll.last_success_at),
            "next_poll_at": json_date(self.poll.next_poll_at),
            "last_status": self.poll.last_status,
            "failures": self.poll.failures,
            "last_error": self.poll.last_error,
            "problems": self.poll.problems,
            "items_seen": self.poll.items_seen,
            "pages": {
                "pending": self.pages.pending,
                "captured": self.pages.done,
                "failed": self.pages.failed,
            },
        })
    }
}

impl FeedPage {
    /// The page as `amparo feed show --json` and the API show it.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "published": json_date(self.published),
            "state": self.state.as_str(),
            "attempts": self.attempts,
            "last_error": self.last_error,
            "found_at": json_date(Some(self.found_at)),
            "capture_id": self.capture_id,
            "document_id": self.document_id,
            "duplicate_of": self.duplicate_of,
            "problems": self.problems,
        })
    }
}

impl PollReport {
    /// What a poll did, as `amparo feed poll --json` and the API show it.
    pub fn to_json(&self) -> serde_json::Value {
        let pairs = |pairs: &[(String, String)]| -> Vec<serde_json::Value> {
            pairs
                .iter()
                .map(|(url, error)| json!({"url": url, "error": error}))
                .collect()
        };
        json!({
            "feeds_polled": self.feeds_polled,
            "feeds_unchanged": self.feeds_unchanged,
            "feeds_failed": pairs(&self.feeds_failed),
            "pages_found": self.pages_found,
            "pages_captured": self.pages_captured,
            "copies": self.copies,
            "pages_retrying": self.pages_retrying,
            "pages_failed": pairs(&self.pages_failed),
        })
    }
}

/// What polling one feed gave.
enum FeedOutcome {
    /// Not modified, or the same bytes as last time with nothing new.
    Unchanged,
    /// New pages enqueued (perhaps none).
    Items(u64),
    /// The poll failed: (URL, what went wrong).
    Failed(String, String),
}

fn info(row: FeedRow, pages: JobCounts) -> FeedInfo {
    FeedInfo {
        id: row.id,
        url: row.url,
        added_by: row.added_by,
        added_at: row.added_at,
        settings: row.settings,
        poll: row.poll,
        pages,
    }
}

fn feed_page(job: JobRow) -> FeedPage {
    let text = |value: Option<&serde_json::Value>| {
        value.and_then(serde_json::Value::as_str).map(str::to_owned)
    };
    let id = |value: Option<&serde_json::Value>| {
        value
            .and_then(serde_json::Value::as_str)
            .and_then(|text| Uuid::parse_str(text).ok())
    };
    let result = job.result.as_ref();
    FeedPage {
        job_id: job.id,
        url: text(job.payload.get("url")).unwrap_or_else(|| job.key.clone()),
        canonical_url: job.key.clone(),
        title: text(job.payload.get("title")),
        published: text(job.payload.get("published")).and_then(|text| {
            OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339).ok()
        }),
        state: job.state,
        attempts: job.attempts,
        not_before: job.not_before,
        last_error: job.last_error,
        found_at: job.created_at,
        capture_id: id(result.and_then(|result| result.get("capture_id"))),
        document_id: id(result.and_then(|result| result.get("document_id"))),
        duplicate_of: id(result.and_then(|result| result.get("duplicate_of"))),
        problems: result
            .and_then(|result| result.get("problems"))
            .and_then(serde_json::Value::as_array)
            .map(|problems| {
                problems
                    .iter()
                    .filter_map(|problem| problem.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Checks and normalizes a feed URL: http or https, with a host, without credentials.
pub(crate) fn feed_url(url: &str) -> Result<String, AppError> {
    let invalid = |reason: &str| AppError::InvalidFeedUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = url::Url::parse(url.trim()).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("only http and https feeds can be followed"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "it contains a user name or password, which Amparo never sends",
        ));
    }
    Ok(parsed.to_string())
}

/// Why a response that is not a feed was refused, saying where the feed is when the page
/// names one.
fn not_a_feed(body: &[u8], url: &str, parsed: &ParsedFeed) -> String {
    let found = discover_feeds(body, Some(url));
    if let Some(first) = found.first() {
        return format!(
            "{url} is a web page, not a feed; the page names its feed at {}: subscribe to that address instead",
            first.url
        );
    }
    let looks_html = body
        .iter()
        .take(4096)
        .copied()
        .collect::<Vec<u8>>()
        .to_ascii_lowercase()
        .windows(5)
        .any(|window| window == b"<html" || window == b"<!doc");
    if looks_html {
        return format!(
            "{url} is a web page, not a feed, and names no feed; find the site's RSS or Atom link and subscribe to that"
        );
    }
    let detail = parsed.problems.first().cloned().unwrap_or_default();
    format!("{url} did not return a feed (RSS, Atom or JSON Feed): {detail}")
}

/// How long a failing feed waits: its interval doubled for each failure in a row, at most
/// `max_backoff_seconds`.
fn backoff(
    interval_seconds: u32,
    failures: u32,
    settings: &crate::config::PollerSettings,
) -> Duration {
    let factor = 1u64 << failures.min(20);
    let seconds = u64::from(interval_seconds)
        .saturating_mul(factor)
        .min(settings.max_backoff_seconds.max(1));
    Duration::from_secs(seconds)
}

fn lease(settings: &crate::config::PollerSettings) -> Duration {
    Duration::from_secs(settings.lease_seconds.max(1))
}

pub(crate) fn now() -> OffsetDateTime {
    // Times are stored in microseconds; truncate so that what is kept equals what was made.
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}
