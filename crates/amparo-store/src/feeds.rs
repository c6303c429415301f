//! Feed subscriptions and the durable job queue of ingestion.
//!
//! These are operational state, not evidence: a subscription's polling state (validators,
//! failures, the next due time) changes at every poll and is overwritten in place, and a job
//! row moves from pending to done or failed. What a poll or a job produces (captures and
//! documents) is written as versioned records through [`crate::Store::write`].
//!
//! Jobs are leased, not locked: a worker takes due jobs with a lease that runs out, so a job
//! whose worker died (a crash, a killed process, a restart) is due again once its lease has
//! expired, and several processes on one PostgreSQL database never take the same job twice
//! while its lease holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{ColumnIndex, Decode, Row, Type};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::types::{from_micros, optional_micros, parse_id, to_micros};

/// A feed subscription as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedRow {
    /// The subscription's id.
    pub id: Uuid,
    /// The feed's URL as subscribed; no two subscriptions share one.
    pub url: String,
    /// Who subscribed (`cli:alice`, `user:<id>`).
    pub added_by: String,
    /// When, truncated to microseconds by the store.
    pub added_at: OffsetDateTime,
    /// What people may change.
    pub settings: FeedSettings,
    /// Where polling stands.
    pub poll: FeedPoll,
    /// Until when a poller holds the feed; `None` or a past time when nobody does.
    pub lease_until: Option<OffsetDateTime>,
}

/// The part of a subscription that people change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedSettings {
    /// The feed's title (from the feed itself unless someone named it).
    pub title: String,
    /// The site the feed belongs to, when it says.
    pub site_url: Option<String>,
    /// The cases whose captures the feed's pages become part of.
    pub case_ids: Vec<Uuid>,
    /// A paused feed is never polled.
    pub paused: bool,
    /// Seconds between polls when all goes well.
    pub interval_seconds: u32,
}

/// The part of a subscription that polling changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedPoll {
    /// The `ETag` of the last successful response, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last successful response, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When the feed is next due.
    pub next_poll_at: Option<OffsetDateTime>,
    /// When it was last polled, whatever the outcome.
    pub last_polled_at: Option<OffsetDateTime>,
    /// When a poll last succeeded (a 304 counts).
    pub last_success_at: Option<OffsetDateTime>,
    /// The HTTP status of the last response, when there was one.
    pub last_status: Option<u16>,
    /// Failed polls in a row; 0 after a success. Drives the back-off.
    pub failures: u32,
    /// What went wrong in the last poll, in words for people; `None` after a success.
    pub last_error: Option<String>,
    /// The capture of the last feed document fetched (a 304 keeps the previous one).
    pub last_capture_id: Option<Uuid>,
    /// Items found in the feed over its life, counted once per distinct page.
    pub items_seen: u64,
    /// Problems the last parse of the feed reported (not fatal), in words for people.
    pub problems: Vec<String>,
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting to run, or running under a lease.
    Pending,
    /// Ran to completion; `result` says what it made.
    Done,
    /// Gave up; `last_error` says why.
    Failed,
}

impl JobState {
    /// The stored name: `pending`, `done` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }
}

impl std::str::FromStr for JobState {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "pending" => Ok(JobState::Pending),
            "done" => Ok(JobState::Done),
            "failed" => Ok(JobState::Failed),
            other => Err(format!(
                "unknown job state {other:?}; expected pending, done or failed"
            )),
        }
    }
}

/// One durable job.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRow {
    /// The job's id.
    pub id: Uuid,
    /// What the job does (`page`: fetch and capture a page found in a feed).
    pub kind: String,
    /// What makes the job unique within its kind (a page's canonical URL): enqueueing a job
    /// whose kind and key are already stored adds nothing.
    pub key: String,
    /// The feed that found it, when one did.
    pub feed_id: Option<Uuid>,
    /// What the worker needs (a JSON object).
    pub payload: serde_json::Value,
    /// Where it stands.
    pub state: JobState,
    /// Leases taken so far (the first run is attempt 1).
    pub attempts: u32,
    /// Not to be leased before this time.
    pub not_before: OffsetDateTime,
    /// Until when a worker holds it.
    pub lease_until: Option<OffsetDateTime>,
    /// The last failure, in words for people.
    pub last_error: Option<String>,
    /// When it was enqueued.
    pub created_at: OffsetDateTime,
    /// When it became done or failed.
    pub finished_at: Option<OffsetDateTime>,
    /// What it made (a JSON object), once done.
    pub result: Option<serde_json::Value>,
}

impl JobRow {
    /// A new job of `kind` keyed by `key`, due at `now`, never tried.
    pub fn pending(
        kind: &str,
        key: String,
        feed_id: Option<Uuid>,
        payload: serde_json::Value,
        now: OffsetDateTime,
    ) -> JobRow {
        JobRow {
            id: Uuid::now_v7(),
            kind: kind.to_owned(),
            key,
            feed_id,
            payload,
            state: JobState::Pending,
            attempts: 0,
            not_before: now,
            lease_until: None,
            last_error: None,
            created_at: now,
            finished_at: None,
            result: None,
        }
    }
}

/// How a leased job ended.
#[derive(Clone, Debug, PartialEq)]
pub enum JobOutcome {
    /// It ran to completion.
    Done {
        /// What it made.
        result: serde_json::Value,
        /// When.
        at: OffsetDateTime,
    },
    /// It failed but may succeed later: pending again, not before `not_before`.
    Retry {
        /// When it may run again.
        not_before: OffsetDateTime,
        /// Why it failed this time.
        error: String,
    },
    /// It failed for good.
    Failed {
        /// Why.
        error: String,
        /// When.
        at: OffsetDateTime,
    },
}

/// Which jobs [`crate::Store::jobs`] returns, newest first.
#[derive(Clone, Debug, Default)]
pub struct JobFilter {
    /// Only jobs of this kind.
    pub kind: Option<String>,
    /// Only jobs found by this feed.
    pub feed_id: Option<Uuid>,
    /// Only jobs in this state.
    pub state: Option<JobState>,
    /// At most this many (all when `None`).
    pub limit: Option<u32>,
}

/// How many jobs a feed has in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Waiting or running.
    pub pending: u64,
    /// Done.
    pub done: u64,
    /// Failed for good.
    pub failed: u64,
}

// ---------------------------------------------------------------------------------------------
// Stored form, shared by both backends (which bind and read the same columns).

/// The columns of `feeds`, in the order [`feed_from_row`] reads them.
pub(crate) const FEED_COLUMNS: &str = "id, url, added_by, added_at, title, site_url, case_ids, \
     paused, interval_seconds, etag, last_modified, next_poll_at, last_polled_at, \
     last_success_at, last_status, failures, last_error, last_capture_id, items_seen, problems, \
     lease_until";

/// The columns of `jobs`, in the order [`job_from_row`] reads them.
pub(crate) const JOB_COLUMNS: &str = "id, kind, key, feed_id, payload, state, attempts, \
     not_before, lease_until, last_error, created_at, finished_at, result";

/// A count as stored (a signed 64-bit integer), saturating far beyond any real count.
pub(crate) fn stored_count(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// Ids as stored: a JSON array of strings.
pub(crate) fn ids_json(ids: &[Uuid]) -> String {
    serde_json::Value::from(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()).to_string()
}

/// Texts as stored: a JSON array of strings.
pub(crate) fn strings_json(texts: &[String]) -> String {
    serde_json::Value::from(texts.to_vec()).to_string()
}

fn parse_strings(column: &str, text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|error| {
        StoreError::Corrupt(format!(
            "{column} {text:?} is not a JSON array of strings: {error}"
        ))
    })
}

fn parse_json(column: &str, text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text)
        .map_err(|error| StoreError::Corrupt(format!("{column} is not valid JSON: {error}")))
}

fn narrow<T: TryFrom<i64>>(column: &str, value: i64) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| StoreError::Corrupt(format!("{column} {value} is out of range")))
}

/// Reads a row of [`FEED_COLUMNS`].
pub(crate) fn feed_from_row<'r, R>(row: &'r R) -> Result<FeedRow, StoreError>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    let case_ids: String = row.try_get("case_ids")?;
    let case_ids = parse_strings("case_ids", &case_ids)?
        .iter()
        .map(|id| parse_id(id))
        .collect::<Result<Vec<_>, _>>()?;
    let problems: String = row.try_get("problems")?;
    let last_capture_id: Option<String> = row.try_get("last_capture_id")?;
    Ok(FeedRow {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        url: row.try_get("url")?,
        added_by: row.try_get("added_by")?,
        added_at: from_micros(row.try_get("added_at")?)?,
        settings: FeedSettings {
            title: row.try_get("title")?,
            site_url: row.try_get("site_url")?,
            case_ids,
            paused: row.try_get("paused")?,
            interval_seconds: narrow("interval_seconds", row.try_get("interval_seconds")?)?,
        },
        poll: FeedPoll {
            etag: row.try_get("etag")?,
            last_modified: row.try_get("last_modified")?,
            next_poll_at: optional_micros(row.try_get("next_poll_at")?)?,
            last_polled_at: optional_micros(row.try_get("last_polled_at")?)?,
            last_success_at: optional_micros(row.try_get("last_success_at")?)?,
            last_status: row
                .try_get::<Option<i64>, _>("last_status")?
                .map(|status| narrow("last_status", status))
                .transpose()?,
            failures: narrow("failures", row.try_get("failures")?)?,
            last_error: row.try_get("last_error")?,
            last_capture_id: last_capture_id.as_deref().map(parse_id).transpose()?,
            items_seen: narrow("items_seen", row.try_get("items_seen")?)?,
            problems: parse_strings("problems", &problems)?,
        },
        lease_until: optional_micros(row.try_get("lease_until")?)?,
    })
}

/// Reads a row of [`JOB_COLUMNS`].
pub(crate) fn job_from_row<'r, R>(row: &'r R) -> Result<JobRow, StoreError>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let feed_id: Option<String> = row.try_get("feed_id")?;
    let state: String = row.try_get("state")?;
    let result: Option<String> = row.try_get("result")?;
    Ok(JobRow {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        kind: row.try_get("kind")?,
        key: row.try_get("key")?,
        feed_id: feed_id.as_deref().map(parse_id).transpose()?,
        payload: parse_json("payload", &row.try_get::<String, _>("payload")?)?,
        state: state.parse().map_err(StoreError::Corrupt)?,
        attempts: narrow("attempts", row.try_get("attempts")?)?,
        not_before: from_micros(row.try_get("not_before")?)?,
        lease_until: optional_micros(row.try_get("lease_until")?)?,
        last_error: row.try_get("last_error")?,
        created_at: from_micros(row.try_get("created_at")?)?,
        finished_at: optional_micros(row.try_get("finished_at")?)?,
        result: result
            .as_deref()
            .map(|text| parse_json("result", text))
            .transpose()?,
    })
}

/// Puts leased feeds in the order [`crate::Store::lease_due_feeds`] promises: earliest due
/// first (an unset due time counts as `now`), then oldest subscription.
pub(crate) fn sort_leased_feeds(feeds: &mut [FeedRow], now: OffsetDateTime) {
    feeds.sort_by_key(|feed| {
        (
            feed.poll.next_poll_at.unwrap_or(now),
            feed.added_at,
            feed.id,
        )
    });
}

/// Puts leased jobs in the order [`crate::Store::lease_jobs`] promises: oldest `not_before`
/// first, then oldest job.
pub(crate) fn sort_leased_jobs(jobs: &mut [JobRow]) {
    jobs.sort_by_key(|job| (job.not_before, job.created_at, job.id));
}

/// Adds up `(feed_id, state, count)` rows into counts per feed, jobs without a feed first.
pub(crate) fn collect_job_counts(
    rows: impl IntoIterator<Item = (Option<String>, String, i64)>,
) -> Result<Vec<(Option<Uuid>, JobCounts)>, StoreError> {
    let mut counts: BTreeMap<Option<Uuid>, JobCounts> = BTreeMap::new();
    for (feed_id, state, count) in rows {
        let feed_id = feed_id.as_deref().map(parse_id).transpose()?;
        let count: u64 = narrow("job count", count)?;
        let entry = counts.entry(feed_id).or_default();
        match state.parse().map_err(StoreError::Corrupt)? {
            JobState::Pending => entry.pending += count,
            JobState::Done => entry.done += count,
            JobState::Failed => entry.failed += count,
        }
    }
    Ok(counts.into_iter().collect())
}

/// The error for a feed whose id or URL is already stored, naming whichever it was.
pub(crate) fn duplicate_feed(error: &dyn sqlx::error::DatabaseError, feed: &FeedRow) -> StoreError {
    // PostgreSQL names the constraint; SQLite names the column in its message.
    let id_taken = error.constraint() == Some("feeds_pkey") || error.message().contains("feeds.id");
    if id_taken {
        StoreError::Duplicate(format!("feed subscription {}", feed.id))
    } else {
        StoreError::Duplicate(format!("a subscription to the feed {}", feed.url))
    }
}

/// The columns [`crate::Store::finish_job`] sets; `None` keeps what is stored, except for
/// `finished_at`, which is always written.
pub(crate) struct JobFinish<'a> {
    /// The new state.
    pub(crate) state: &'static str,
    /// A new `not_before` (a retry).
    pub(crate) not_before: Option<i64>,
    /// A new `last_error` (a retry or a failure).
    pub(crate) last_error: Option<&'a str>,
    /// When the job ended (`None` for a retry, which has not).
    pub(crate) finished_at: Option<i64>,
    /// What it made (done).
    pub(crate) result: Option<String>,
}

impl<'a> JobFinish<'a> {
    /// What an outcome writes.
    pub(crate) fn of(outcome: &'a JobOutcome) -> Self {
        match outcome {
            JobOutcome::Done { result, at } => JobFinish {
                state: JobState::Done.as_str(),
                not_before: None,
                last_error: None,
                finished_at: Some(to_micros(*at)),
                result: Some(result.to_string()),
            },
            JobOutcome::Retry { not_before, error } => JobFinish {
                state: JobState::Pending.as_str(),
                not_before: Some(to_micros(*not_before)),
                last_error: Some(error),
                finished_at: None,
                result: None,
            },
            JobOutcome::Failed { error, at } => JobFinish {
                state: JobState::Failed.as_str(),
                not_before: None,
                last_error: Some(error),
                finished_at: Some(to_micros(*at)),
                result: None,
            },
        }
    }
}
