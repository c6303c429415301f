//! Page jobs: each page a feed listed becomes a capture (its bytes exactly as served, with the
//! HTTP status, headers and final URL) and, when it is a web page, a document (main text,
//! title, byline, dates, language and passages in other languages, fingerprints) folded into
//! the near-duplicate cluster of the first-seen copy.
//!
//! Jobs are idempotent: the capture and document ids are chosen when the job is enqueued, so a
//! job that ran but was not marked done (a crash between the commit and the bookkeeping) finds
//! its records on the next attempt instead of capturing the page twice.
//!
//! Jobs run in batches: pages are fetched concurrently (politely per host), their blobs stored
//! and fsynced, then every capture and document of the batch commits in one transaction, so the
//! evidence log and the database sync once per batch rather than once per page.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use amparo_ingest::article::extract_article;
use amparo_ingest::dedup::{Clusterer, ParagraphIndex, SimHash, canonical_url, fingerprints};
use amparo_ingest::lang;
use amparo_model::records::{Capture, CaptureOrigin, Document, LanguagePassage};
use amparo_model::{CaptureId, CaseId, DocumentId, Record, RecordKind};
use amparo_store::{BlobKey, Change, JobOutcome, JobRow};
use futures::StreamExt;
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::sync::{Mutex, Semaphore};
use uuid::Uuid;

use crate::capture::FetchedCapture;
use crate::feeds::{HostGate, PAGE_JOB, PollReport, now};
use crate::fetch::{FetchError, Fetcher, RequestOptions};
use crate::{Actor, App, AppError, Versioned};

/// What pages are asked for.
const PAGE_ACCEPT: &str = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";

/// Texts with fewer words than this are folded only when they are exact copies: a SimHash of a
/// few dozen words is not reliable enough to call two texts the same story.
pub const MIN_WORDS_FOR_NEAR_COPIES: usize = 50;

/// Pages prepared at once per request allowed in flight (see `lease_and_prepare`).
const PREPARED_PER_FETCH: usize = 4;

/// Longest title and byline kept, in characters (the record's limits).
const MAX_TITLE_CHARS: usize = 2_000;
const MAX_BYLINE_CHARS: usize = 300;
const MAX_PROBLEM_CHARS: usize = 300;
const MAX_TEXT_CHARS: usize = 10_000_000;

/// Ingestion state shared by every clone of an [`App`]: the per-host politeness gate, the
/// HTTP client of the feed poller and the near-duplicate index.
#[derive(Debug, Default)]
pub(crate) struct IngestRuntime {
    pub(crate) hosts: HostGate,
    /// The poller's client, kept so that its connections are reused from page to page; made
    /// again when the fetch settings change.
    fetcher: std::sync::Mutex<Option<Fetcher>>,
    clusters: Mutex<ClusterIndex>,
}

impl App {
    /// The feed poller's HTTP client under the installation's fetch settings.
    pub(crate) fn poller_fetcher(&self) -> Result<Fetcher, AppError> {
        let policy = self.settings.fetch_policy()?;
        let mut slot = self
            .ingest
            .fetcher
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(fetcher) = slot.as_ref()
            && *fetcher.policy() == policy
        {
            return Ok(fetcher.clone());
        }
        let fetcher = Fetcher::new(policy).map_err(|source| AppError::Fetch {
            url: "feeds and pages".to_owned(),
            source,
        })?;
        *slot = Some(fetcher.clone());
        Ok(fetcher)
    }
}

/// Every web document's fingerprints, in the order the documents were stored, rebuilt from the
/// outbox when first needed and caught up before each batch (another process may have added
/// documents).
#[derive(Debug, Default)]
struct ClusterIndex {
    loaded: bool,
    /// The outbox position read up to.
    seq: u64,
    clusterer: Clusterer,
    /// The document behind each of the clusterer's entries.
    entries: Vec<Uuid>,
    known: HashSet<Uuid>,
    /// Exact fingerprint to the first document that had it.
    by_fingerprint: HashMap<String, Uuid>,
    /// Long paragraphs, for copies with long added headers and footers.
    paragraphs: ParagraphIndex,
    /// The document behind each of the paragraph index's entries.
    paragraph_entries: Vec<Uuid>,
    /// A copy's original.
    originals: HashMap<Uuid, Uuid>,
}

impl ClusterIndex {
    /// Adds a document in arrival order and returns the original of its cluster when it is a
    /// copy of an earlier document.
    fn add(
        &mut self,
        id: Uuid,
        text: &str,
        fingerprint: Option<&str>,
        simhash: Option<SimHash>,
    ) -> Option<Uuid> {
        let words = text.split_whitespace().count();
        if !self.known.insert(id) {
            return self.originals.get(&id).copied();
        }
        let mut original = None;
        if let Some(fingerprint) = fingerprint {
            match self.by_fingerprint.get(fingerprint) {
                Some(first) => original = Some(self.original_of(*first)),
                None => {
                    self.by_fingerprint.insert(fingerprint.to_owned(), id);
                }
            }
        }
        if let Some(simhash) = simhash
            && words >= MIN_WORDS_FOR_NEAR_COPIES
        {
            let assignment = self.clusterer.add(simhash);
            self.entries.push(id);
            if original.is_none() && assignment.original != assignment.document {
                original = self
                    .entries
                    .get(assignment.original.0)
                    .map(|first| self.original_of(*first));
            }
        }
        if !text.is_empty() {
            let copied = self.paragraphs.add(text);
            self.paragraph_entries.push(id);
            if original.is_none()
                && let Some(first) = copied.and_then(|index| self.paragraph_entries.get(index))
            {
                original = Some(self.original_of(*first));
            }
        }
        if let Some(original) = original {
            self.originals.insert(id, original);
        }
        original
    }

    fn original_of(&self, id: Uuid) -> Uuid {
        self.originals.get(&id).copied().unwrap_or(id)
    }

    /// Reads documents stored since the last catch-up.
    async fn catch_up(&mut self, app: &App) -> Result<(), AppError> {
        if !self.loaded {
            *self = ClusterIndex {
                loaded: true,
                ..ClusterIndex::default()
            };
        }
        loop {
            let versions = app.store.versions_since(self.seq, 1_000).await?;
            let Some((last, _)) = versions.last() else {
                return Ok(());
            };
            self.seq = *last;
            for (_, version) in versions {
                if version.kind != RecordKind::Document || version.version != 1 || version.deleted {
                    continue;
                }
                let Ok(Record::Document(document)) =
                    Record::from_json(RecordKind::Document, version.body)
                else {
                    continue;
                };
                let simhash = document
                    .simhash
                    .as_deref()
                    .and_then(|hex| u64::from_str_radix(hex, 16).ok())
                    .map(SimHash);
                self.add(
                    version.id,
                    &document.text,
                    document.fingerprint.as_deref(),
                    simhash,
                );
                // The stored decision stands, whatever today's index would say.
                match document.duplicate_of {
                    Some(original) => self.originals.insert(version.id, original.0),
                    None => self.originals.remove(&version.id),
                };
            }
        }
    }
}

/// A page job after fetching, before its records commit.
enum Prepared {
    /// A previous attempt already committed its records.
    AlreadyDone(JobRow, Value),
    /// Fetched and stored as a blob; the records are ready.
    Fetched(Box<Ready>),
    /// Fetching failed.
    Failed(JobRow, FetchError),
    /// Something else went wrong (the blob store, the database): tried again later.
    Error(JobRow, String),
}

struct Ready {
    job: JobRow,
    /// When the feed says the item was published.
    feed_published: Option<OffsetDateTime>,
    capture_id: Uuid,
    capture: Capture,
    /// The stored bytes, not yet flushed to disk (see `commit_pages`).
    blob: BlobKey,
    document: Option<Draft>,
}

/// A document before its cluster is known.
struct Draft {
    id: Uuid,
    document: Document,
    simhash: Option<SimHash>,
}

/// What a page job's payload holds (written by the feed poller).
struct Payload {
    url: String,
    title: Option<String>,
    published: Option<OffsetDateTime>,
    case_ids: Vec<Uuid>,
    capture_id: Uuid,
    document_id: Uuid,
}

impl Payload {
    fn read(job: &JobRow) -> Result<Payload, String> {
        let text = |name: &str| job.payload.get(name).and_then(Value::as_str);
        let id = |name: &str| {
            text(name)
                .and_then(|text| Uuid::parse_str(text).ok())
                .ok_or_else(|| {
                    format!(
                        "the job has no valid {name}; it was written by a newer Amparo or damaged"
                    )
                })
        };
        Ok(Payload {
            url: text("url").unwrap_or(&job.key).to_owned(),
            title: text("title").map(str::to_owned),
            published: text("published").and_then(|text| {
                OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
            }),
            case_ids: job
                .payload
                .get("case_ids")
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(|id| id.as_str().and_then(|id| Uuid::parse_str(id).ok()))
                        .collect()
                })
                .unwrap_or_default(),
            capture_id: id("capture_id")?,
            document_id: id("document_id")?,
        })
    }
}

/// A document's near-duplicate cluster: the first-seen document and its copies.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentCluster {
    /// The first-seen document.
    pub original: Versioned<Document>,
    /// The documents folded into it, oldest first.
    pub copies: Vec<Versioned<Document>>,
}

impl App {
    /// The cluster a document belongs to: its original and every copy of it.
    pub async fn document_cluster(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<DocumentCluster, AppError> {
        let document: Versioned<Document> = self.get(actor, id).await?;
        let original = match document.body.duplicate_of {
            Some(original) if original.0 != id => self.get(actor, original.0).await?,
            _ => document,
        };
        let mut copies: Vec<Versioned<Document>> = self
            .referring::<Document>(actor, RecordKind::Document, original.id)
            .await?
            .into_iter()
            .filter(|copy| copy.body.duplicate_of.is_some_and(|of| of.0 == original.id))
            .collect();
        copies.sort_by_key(|copy| (copy.recorded_at, copy.id));
        Ok(DocumentCluster { original, copies })
    }

    /// Runs page jobs that are due until none is left, in batches, calling `done` with the
    /// number of pages finished after each batch.
    pub(crate) async fn run_page_jobs(
        &self,
        actor: &Actor,
        report: &mut PollReport,
        done: &mut (dyn FnMut(u64) + Send),
    ) -> Result<(), AppError> {
        let concurrency = self.settings.feeds.concurrency.max(1);
        let batch = u32::try_from(concurrency * 16).unwrap_or(u32::MAX).max(8);
        let mut prepared = self.lease_and_prepare(actor, batch).await?;
        while let Some((current, count)) = prepared {
            // The next batch is fetched while this one commits: the network and the disk work
            // at the same time.
            let (committed, next) = tokio::join!(
                self.commit_pages(actor, current, report),
                self.lease_and_prepare(actor, batch)
            );
            committed?;
            done(count);
            prepared = next?;
        }
        Ok(())
    }

    /// Leases up to `batch` due page jobs and prepares them (fetched, stored as blobs, text
    /// made); `None` when none is due.
    async fn lease_and_prepare(
        &self,
        actor: &Actor,
        batch: u32,
    ) -> Result<Option<(Vec<Prepared>, u64)>, AppError> {
        let settings = &self.settings.feeds;
        let now = now();
        let until = now + Duration::from_secs(settings.lease_seconds.max(1));
        let jobs = self.store.lease_jobs(PAGE_JOB, now, until, batch).await?;
        if jobs.is_empty() {
            return Ok(None);
        }
        let count = jobs.len() as u64;
        // At most `concurrency` requests are in flight, but more pages than that are prepared at
        // once: storing a page waits on the disk's flush far longer than fetching it over a
        // fast network, and flushes of different files overlap well.
        let fetches = Semaphore::new(settings.concurrency.max(1));
        let prepared = futures::stream::iter(jobs)
            .map(|job| self.prepare_page(actor, job, &fetches))
            .buffer_unordered(settings.concurrency.max(1) * PREPARED_PER_FETCH)
            .collect()
            .await;
        Ok(Some((prepared, count)))
    }

    /// Fetches a page and stores its bytes, or finds that an earlier attempt finished it.
    async fn prepare_page(&self, actor: &Actor, job: JobRow, fetches: &Semaphore) -> Prepared {
        let payload = match Payload::read(&job) {
            Ok(payload) => payload,
            Err(error) => return Prepared::Error(job, error),
        };
        if job.attempts > 1 {
            match self.finished_earlier(&payload).await {
                Ok(Some(result)) => return Prepared::AlreadyDone(job, result),
                Ok(None) => {}
                Err(error) => return Prepared::Error(job, error.to_string()),
            }
        }
        let fetcher = match self.poller_fetcher() {
            Ok(fetcher) => fetcher,
            Err(error) => return Prepared::Error(job, error.to_string()),
        };
        // A closed semaphore is never made here; without a permit the fetch simply goes ahead.
        let permit = fetches.acquire().await.ok();
        self.ingest
            .hosts
            .wait(
                &payload.url,
                Duration::from_millis(self.settings.feeds.host_delay_ms),
            )
            .await;
        let options = RequestOptions {
            accept: Some(PAGE_ACCEPT.to_owned()),
            ..RequestOptions::default()
        };
        let fetched = fetcher.fetch(&payload.url, &options).await;
        drop(permit);
        let fetched = match fetched {
            Ok(fetched) => fetched,
            Err(error) => return Prepared::Failed(job, error),
        };
        let FetchedCapture {
            body,
            media_type,
            origin,
        } = FetchedCapture::of(fetched);
        let final_url = match &origin {
            CaptureOrigin::Url { final_url, .. } => final_url.clone(),
            CaptureOrigin::File { .. } => payload.url.clone(),
        };
        let body = Arc::new(body);
        // The bytes are made durable while the text is made: one waits on the disk, the other
        // on the CPU.
        let making = is_web_page(&media_type).then(|| {
            let body = Arc::clone(&body);
            let capture_id = payload.capture_id;
            let document_id = payload.document_id;
            let title = payload.title.clone();
            let published = payload.published;
            tokio::task::spawn_blocking(move || {
                make_document(&body, &final_url, capture_id, document_id, title, published)
            })
        });
        let (stored, made) = tokio::join!(self.blobs.put_bytes_unsynced(&body), async {
            match making {
                Some(task) => Some(task.await),
                None => None,
            }
        });
        let info = match stored {
            Ok(info) => info,
            Err(error) => return Prepared::Error(job, error.to_string()),
        };
        let document = match made {
            None => None,
            Some(Ok(draft)) => Some(draft),
            Some(Err(error)) => {
                return Prepared::Error(job, format!("making the text failed: {error}"));
            }
        };
        let capture = Capture {
            sha256: info.sha256,
            size: info.size,
            media_type,
            origin,
            obtained_at: now(),
            obtained_by: actor.label(),
            case_ids: payload.case_ids.iter().copied().map(CaseId).collect(),
            note: "page found in a feed, fetched by the feed poller".to_owned(),
        };
        Prepared::Fetched(Box::new(Ready {
            feed_published: payload.published,
            capture_id: payload.capture_id,
            job,
            capture,
            blob: info.key,
            document,
        }))
    }

    /// The result of a job whose records an earlier attempt committed.
    async fn finished_earlier(&self, payload: &Payload) -> Result<Option<Value>, AppError> {
        if self
            .store
            .get(RecordKind::Capture, payload.capture_id)
            .await?
            .is_none()
        {
            return Ok(None);
        }
        let document = self
            .store
            .get(RecordKind::Document, payload.document_id)
            .await?;
        let duplicate_of = document
            .as_ref()
            .and_then(|stored| stored.body.get("duplicate_of").cloned())
            .unwrap_or(Value::Null);
        Ok(Some(json!({
            "capture_id": payload.capture_id,
            "document_id": document.map(|_| payload.document_id),
            "duplicate_of": duplicate_of,
            "problems": ["finished by an earlier attempt"],
        })))
    }

    /// Clusters the batch's documents, commits every capture and document in one transaction,
    /// then records how each job ended.
    async fn commit_pages(
        &self,
        actor: &Actor,
        prepared: Vec<Prepared>,
        report: &mut PollReport,
    ) -> Result<(), AppError> {
        let mut ready = Vec::new();
        // How each job ended, recorded in one transaction at the end.
        let mut outcomes: Vec<(Uuid, JobOutcome)> = Vec::with_capacity(prepared.len());
        for item in prepared {
            match item {
                Prepared::Fetched(page) => ready.push(*page),
                Prepared::AlreadyDone(job, result) => {
                    outcomes.push((job.id, JobOutcome::Done { result, at: now() }));
                    report.pages_captured += 1;
                }
                Prepared::Failed(job, error) => {
                    let permanent = is_permanent(&error);
                    outcomes.push((
                        job.id,
                        self.failure(&job, error.to_string(), permanent, report),
                    ));
                }
                Prepared::Error(job, error) => {
                    outcomes.push((job.id, self.failure(&job, error, false, report)));
                }
            }
        }
        if ready.is_empty() {
            self.store.finish_jobs(&outcomes).await?;
            return Ok(());
        }
        // Pages of one batch arrived together: the earliest published is the first seen, so that
        // an original and its republished copy polled at once keep their order.
        ready.sort_by_key(|page| {
            let published = page
                .document
                .as_ref()
                .and_then(|draft| draft.document.published_at);
            (
                published.is_none(),
                published,
                page.feed_published.is_none(),
                page.feed_published,
                page.job.created_at,
                page.job.id,
            )
        });
        let missing_cases = self.missing_cases(&ready).await?;
        let mut clusters = self.ingest.clusters.lock().await;
        clusters.catch_up(self).await?;
        let mut results = Vec::with_capacity(ready.len());
        let mut changes = Vec::with_capacity(ready.len() * 2);
        let mut refused = Vec::new();
        let mut accepted = Vec::with_capacity(ready.len());
        for mut page in ready {
            page.capture
                .case_ids
                .retain(|case| !missing_cases.contains(&case.0));
            page.capture.obtained_at = now();
            let mut duplicate_of = None;
            if let Some(draft) = &mut page.document {
                duplicate_of = clusters.add(
                    draft.id,
                    &draft.document.text,
                    draft.document.fingerprint.as_deref(),
                    draft.simhash,
                );
                draft.document.duplicate_of = duplicate_of.map(DocumentId);
            }
            let records = match page_records(actor, &page) {
                Ok(records) => records,
                Err(error) => {
                    refused.push((page.job, error));
                    continue;
                }
            };
            results.push(json!({
                "capture_id": page.capture_id,
                "document_id": page.document.as_ref().map(|draft| draft.id),
                "duplicate_of": duplicate_of,
                "final_url": match &page.capture.origin {
                    CaptureOrigin::Url { final_url, .. } => Some(final_url.as_str()),
                    CaptureOrigin::File { .. } => None,
                },
                "language": page.document.as_ref().and_then(|draft| draft.document.language.clone()),
                "problems": page.document.as_ref().map(|draft| draft.document.problems.clone()).unwrap_or_else(|| vec![format!("not a web page ({}): captured without text", page.capture.media_type)]),
            }));
            changes.push(records);
            accepted.push(page);
        }
        let ready = accepted;
        // The pages' bytes reach the disk together, before any record names them.
        let blobs: Vec<BlobKey> = ready.iter().map(|page| page.blob.clone()).collect();
        if let Err(error) = self.blobs.make_durable(&blobs).await {
            // The index holds the batch's documents, which are not going to be written.
            clusters.loaded = false;
            return Err(error.into());
        }
        let all: Vec<Change> = changes.iter().flatten().cloned().collect();
        let outcome = match self.write_changes(&all).await {
            Ok(_) => vec![Ok(()); changes.len()],
            Err(_) => {
                // One page's records failed (a conflict with an earlier attempt, a record the
                // model refuses): write them one page at a time so the others are kept.
                clusters.loaded = false;
                let mut outcome = Vec::with_capacity(changes.len());
                for records in &changes {
                    outcome.push(match self.write_changes(records).await {
                        Ok(_) => Ok(()),
                        Err(amparo_store::StoreError::Conflict { .. }) => Ok(()),
                        Err(error) => Err(error.to_string()),
                    });
                }
                outcome
            }
        };
        drop(clusters);
        for (job, error) in refused {
            outcomes.push((job.id, self.failure(&job, error, true, report)));
        }
        for ((page, result), written) in ready.iter().zip(results).zip(outcome) {
            match written {
                Ok(()) => {
                    outcomes.push((page.job.id, JobOutcome::Done { result, at: now() }));
                    report.pages_captured += 1;
                    if let Some(draft) = &page.document {
                        report.documents.push(draft.id);
                        if draft.document.duplicate_of.is_some() {
                            report.copies += 1;
                        }
                    }
                }
                Err(error) => {
                    outcomes.push((page.job.id, self.failure(&page.job, error, false, report)));
                }
            }
        }
        self.store.finish_jobs(&outcomes).await?;
        Ok(())
    }

    /// Case ids named by the batch that do not exist (any more): dropped from the captures
    /// rather than losing the page.
    async fn missing_cases(&self, ready: &[Ready]) -> Result<HashSet<Uuid>, AppError> {
        let named: HashSet<Uuid> = ready
            .iter()
            .flat_map(|page| page.capture.case_ids.iter().map(|case| case.0))
            .collect();
        let mut missing = HashSet::new();
        for case in named {
            let found = self.store.get(RecordKind::Case, case).await?;
            if found.is_none_or(|version| version.deleted) {
                missing.insert(case);
            }
        }
        Ok(missing)
    }

    /// How a failed attempt ends: tried again later with back-off, or given up.
    fn failure(
        &self,
        job: &JobRow,
        error: String,
        permanent: bool,
        report: &mut PollReport,
    ) -> JobOutcome {
        let settings = &self.settings.feeds;
        let url = job
            .payload
            .get("url")
            .and_then(Value::as_str)
            .unwrap_or(&job.key)
            .to_owned();
        tracing::info!(page.url = %url, page.attempts = job.attempts, error = %error, "page failed");
        if permanent || job.attempts >= settings.max_attempts {
            report.pages_failed.push((url, error.clone()));
            JobOutcome::Failed { error, at: now() }
        } else {
            report.pages_retrying += 1;
            let factor = 1u64 << job.attempts.saturating_sub(1).min(20);
            let wait = settings
                .retry_base_seconds
                .saturating_mul(factor)
                .min(settings.max_backoff_seconds.max(1));
            JobOutcome::Retry {
                not_before: now() + Duration::from_secs(wait),
                error,
            }
        }
    }
}

/// The versions a page commits: its capture, then its document, each checked by the model.
fn page_records(actor: &Actor, page: &Ready) -> Result<Vec<Change>, String> {
    let at = page.capture.obtained_at;
    let mut records = vec![(page.capture_id, Record::Capture(page.capture.clone()))];
    if let Some(draft) = &page.document {
        records.push((draft.id, Record::Document(draft.document.clone())));
    }
    records
        .into_iter()
        .map(|(id, record)| {
            record.validate().map_err(|errors| errors.to_string())?;
            Ok(Change {
                kind: record.kind(),
                id,
                expected_version: 0,
                body: Some(record.to_json()),
                actor: actor.label(),
                at,
            })
        })
        .collect()
}

/// Whether a media type is a page to make text from.
fn is_web_page(media_type: &str) -> bool {
    matches!(media_type, "text/html" | "application/xhtml+xml")
}

/// Failures that trying again will not mend.
fn is_permanent(error: &FetchError) -> bool {
    match error {
        FetchError::HttpStatus { status } => {
            (400..500).contains(status) && !matches!(status, 408 | 425 | 429)
        }
        FetchError::Timeout { .. } | FetchError::Network(_) | FetchError::Resolve { .. } => false,
        _ => true,
    }
}

/// The document of a fetched page: its main text, metadata, language and fingerprints.
fn make_document(
    body: &[u8],
    final_url: &str,
    capture_id: Uuid,
    id: Uuid,
    feed_title: Option<String>,
    feed_published: Option<OffsetDateTime>,
) -> Draft {
    let article = extract_article(body, Some(final_url));
    let mut problems = article.problems;
    let mut text = article.text;
    if text.chars().count() > MAX_TEXT_CHARS {
        text = text.chars().take(MAX_TEXT_CHARS).collect();
        problems.push(format!("the text was cut at {MAX_TEXT_CHARS} characters"));
    }
    let title = article
        .title
        .or(feed_title)
        .map(|title| cut(&title, MAX_TITLE_CHARS))
        .unwrap_or_default();
    let report = if text.trim().is_empty() {
        lang::analyze(&title)
    } else {
        lang::analyze(&text)
    };
    let language = (report.language != lang::UNDETERMINED).then(|| report.language.clone());
    let passages = if text.trim().is_empty() {
        Vec::new()
    } else {
        report
            .passages
            .iter()
            .map(|passage| LanguagePassage {
                start: passage.start as u64,
                end: passage.end as u64,
                language: passage.language.clone(),
            })
            .collect()
    };
    let (fingerprint, simhash) = if text.trim().is_empty() {
        (None, None)
    } else {
        let prints = fingerprints(&text);
        (Some(prints.exact.to_hex()), Some(prints.simhash))
    };
    let document = Document {
        capture_id: CaptureId(capture_id),
        title,
        byline: article
            .byline
            .map(|byline| cut(&byline, MAX_BYLINE_CHARS))
            .unwrap_or_default(),
        published_at: article.published.or(feed_published),
        language,
        text,
        duplicate_of: None,
        url: canonical_url(final_url).ok(),
        passages,
        fingerprint,
        simhash: simhash.map(|simhash| simhash.to_string()),
        problems: problems
            .into_iter()
            .map(|problem| cut(&problem, MAX_PROBLEM_CHARS))
            .collect(),
    };
    Draft {
        id,
        document,
        simhash,
    }
}

/// At most `max` characters of `text`.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}
