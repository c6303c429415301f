//! `amparo bench ingest`: the ingestion budgets (issue 5), measured in one run on generated
//! inputs of realistic size (module `news`):
//!
//! 1. **HTML**: news pages of 50–300 KB through what a page job does to a fetched page
//!    (`make_document` and the cluster index in `amparo-app/src/pages.rs`): main text and
//!    metadata, language and passages, canonical URL, fingerprints, then the near-copy and
//!    paragraph indexes; on one thread, in MB of input HTML per second. Baseline: SHA-256 of the
//!    same bytes.
//! 2. **Feeds**: RSS 2.0 and Atom 1.0 feeds of 50 items of about 5 KB through
//!    `amparo_ingest::feed::parse_feed`, on one thread, in items per second. Baseline: SHA-256 of
//!    the same bytes.
//! 3. **Persisted**: a real SQLite installation subscribes to feeds served on loopback by this
//!    process, and `App::poll_feeds` fetches them and every page they list (5–6 KB of HTML
//!    each), stores the blobs (fsynced), makes the documents and commits captures and documents
//!    with their evidence-log leaves; in captured pages per second of wall time, with the
//!    politeness delay set to 0. Baseline: plain HTTP GETs of the same feeds and pages over
//!    loopback, at the poller's concurrency, storing nothing. Components measured apart (the
//!    guarded fetcher alone, blob writes with fsync alone) say where the rest goes.
//!
//! Peak memory is the process's peak resident set (`VmHWM`), read after each phase; it cannot be
//! reset, so each phase's figure includes the phases before it.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use amparo_app::config::Settings;
use amparo_app::installation::{self, InitOptions, os_user};
use amparo_app::{Actor, App, MIN_WORDS_FOR_NEAR_COPIES, NewFeed, PollOptions};
use amparo_ingest::article::extract_article;
use amparo_ingest::dedup::{Clusterer, ParagraphIndex, canonical_url, fingerprints};
use amparo_ingest::feed::{FeedFormat, parse_feed};
use amparo_ingest::lang;
use amparo_store::BlobStore;
use anyhow::{Context, bail};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::data::Rng;
use super::news;
use super::stats::{peak_rss_mb, percentile_ms, ratio, round1, round3};

/// MB of HTML per second and core the budget asks for (parse + main text + language +
/// fingerprints).
const TARGET_HTML_MB_PER_S: f64 = 50.0;
/// Feed items of about 5 KB parsed per second on one core.
const TARGET_FEED_ITEMS_PER_S: f64 = 20_000.0;
/// Feed items ingested end to end into the SQLite installation per second.
const TARGET_PERSISTED_PER_S: f64 = 1_000.0;
/// Every generated input derives from this seed.
const SEED: u64 = 0x616d_7061_726f_0005;
/// Items per generated feed.
const ITEMS_PER_FEED: usize = 50;
/// Size of a feed item in the parsing phase, in bytes (about).
const FEED_ITEM_BYTES: usize = 5_000;
/// Size of a feed item in the persisted phase: the item is short, its page is the 5 KB.
const PERSISTED_ITEM_BYTES: usize = 600;
/// Target size of a linked page in the persisted phase (the short layout comes out at 5–6 KB).
const PERSISTED_PAGE_BYTES: usize = 5_000;
/// What `make_document` cuts the text at (`MAX_TEXT_CHARS` in amparo-app's pages.rs).
const MAX_TEXT_CHARS: usize = 10_000_000;

/// Options of `amparo bench ingest`.
#[derive(Debug)]
pub struct IngestOptions {
    pub pages: usize,
    pub items: usize,
    pub persisted: usize,
    pub json: bool,
    pub keep: Option<PathBuf>,
}

/// p50/p95/p99/max of durations, in milliseconds.
fn latency_json(times: &mut [Duration]) -> Value {
    times.sort();
    json!({
        "p50_ms": round3(percentile_ms(times, 50.0)),
        "p95_ms": round3(percentile_ms(times, 95.0)),
        "p99_ms": round3(percentile_ms(times, 99.0)),
        "max_ms": round3(times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3)),
    })
}

/// CPU time this process has used so far (all threads), in seconds: in user space and in the
/// kernel on its behalf; `None` where /proc is missing. Linux reports it in ticks of 1/100 s.
fn cpu_seconds() -> Option<Cpu> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some(Cpu {
        user: user / 100.0,
        system: system / 100.0,
    })
}

/// CPU seconds in user space and in the kernel.
#[derive(Clone, Copy)]
struct Cpu {
    user: f64,
    system: f64,
}

impl Cpu {
    fn since(self, before: Cpu) -> Cpu {
        Cpu {
            user: self.user - before.user,
            system: self.system - before.system,
        }
    }

    fn total(self) -> f64 {
        self.user + self.system
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

// ---------------------------------------------------------------------------------------------
// 1. HTML

/// The in-memory indexes a page job folds each document into (amparo-app's `ClusterIndex`).
#[derive(Default)]
struct DedupIndex {
    clusterer: Clusterer,
    by_fingerprint: std::collections::HashMap<String, usize>,
    paragraphs: ParagraphIndex,
    documents: usize,
}

/// What the pipeline made of one page.
struct Processed {
    language: String,
    text_bytes: usize,
    text_words: usize,
    copy: bool,
}

/// Time spent in each step of the pipeline.
#[derive(Default)]
struct Steps {
    article: Duration,
    language: Duration,
    fingerprints: Duration,
    index: Duration,
}

/// Exactly what a page job does with a fetched page, in the same order: `make_document`
/// (amparo-app/src/pages.rs), then `ClusterIndex::add`.
fn process_page(bytes: &[u8], url: &str, index: &mut DedupIndex, steps: &mut Steps) -> Processed {
    let started = Instant::now();
    let article = black_box(extract_article(black_box(bytes), Some(url)));
    let extracted = Instant::now();
    let mut text = article.text;
    if text.chars().count() > MAX_TEXT_CHARS {
        text = text.chars().take(MAX_TEXT_CHARS).collect();
    }
    let title = article.title.unwrap_or_default();
    let empty = text.trim().is_empty();
    let report = black_box(if empty {
        lang::analyze(&title)
    } else {
        lang::analyze(&text)
    });
    let analyzed = Instant::now();
    let prints = (!empty).then(|| fingerprints(&text));
    let fingerprint = prints.map(|prints| prints.exact.to_hex());
    black_box(canonical_url(url).ok());
    let printed = Instant::now();
    // ClusterIndex::add.
    let words = text.split_whitespace().count();
    let mut copy = false;
    if let Some(fingerprint) = fingerprint {
        let next = index.documents;
        copy |= *index.by_fingerprint.entry(fingerprint).or_insert(next) != next;
    }
    if let Some(prints) = prints
        && words >= MIN_WORDS_FOR_NEAR_COPIES
    {
        let assignment = index.clusterer.add(prints.simhash);
        copy |= assignment.original != assignment.document;
    }
    if !text.is_empty() {
        copy |= index.paragraphs.add(&text).is_some();
    }
    index.documents += 1;
    let indexed = Instant::now();
    steps.article += extracted - started;
    steps.language += analyzed - extracted;
    steps.fingerprints += printed - analyzed;
    steps.index += indexed - printed;
    Processed {
        language: report.language,
        text_bytes: text.len(),
        text_words: words,
        copy,
    }
}

/// A page of 50–300 KB with an article of 600–1,500 words.
fn big_page(index: u64) -> news::Page {
    let mut rng = Rng::new(SEED ^ index.wrapping_mul(31) ^ 0x5A5A);
    let target = rng.range(50_000, 300_000) as usize;
    let words = rng.range(600, 1_500) as usize;
    news::page(SEED, index, target, words)
}

struct HtmlResult {
    pages: usize,
    bytes: u64,
    seconds: f64,
    sha_seconds: f64,
    times: Vec<Duration>,
    steps: Steps,
    min_bytes: usize,
    max_bytes: usize,
    text_bytes: u64,
    language_as_generated: usize,
    english: usize,
    generated_words: u64,
    text_words: u64,
    copies: usize,
}

fn html_phase(pages: usize) -> HtmlResult {
    // Warm up (the language model's tables are built on first use), untimed.
    let warm = big_page(u64::MAX);
    process_page(
        warm.html.as_bytes(),
        &warm.url,
        &mut DedupIndex::default(),
        &mut Steps::default(),
    );
    let mut index = DedupIndex::default();
    let mut result = HtmlResult {
        pages,
        bytes: 0,
        seconds: 0.0,
        sha_seconds: 0.0,
        times: Vec::with_capacity(pages),
        steps: Steps::default(),
        min_bytes: usize::MAX,
        max_bytes: 0,
        text_bytes: 0,
        language_as_generated: 0,
        english: 0,
        generated_words: 0,
        text_words: 0,
        copies: 0,
    };
    for i in 0..pages {
        // Each page is generated just before it is measured (untimed), so that memory holds one
        // input at a time and the peak is the pipeline's.
        let page = big_page(i as u64);
        let bytes = page.html.as_bytes();
        let started = Instant::now();
        black_box(Sha256::digest(black_box(bytes)));
        result.sha_seconds += started.elapsed().as_secs_f64();
        let started = Instant::now();
        let processed = process_page(bytes, &page.url, &mut index, &mut result.steps);
        let took = started.elapsed();
        result.times.push(took);
        result.seconds += took.as_secs_f64();
        result.bytes += bytes.len() as u64;
        result.min_bytes = result.min_bytes.min(bytes.len());
        result.max_bytes = result.max_bytes.max(bytes.len());
        result.generated_words += page.article_words as u64;
        result.text_words += processed.text_words as u64;
        result.language_as_generated += usize::from(processed.language == page.lang.code());
        result.english += usize::from(page.lang == news::Lang::En);
        result.copies += usize::from(processed.copy);
        result.text_bytes += processed.text_bytes as u64;
    }
    if pages == 0 {
        result.min_bytes = 0;
    }
    result
}

// ---------------------------------------------------------------------------------------------
// 2. Feeds

struct FeedResult {
    feeds: usize,
    items: usize,
    bytes: u64,
    seconds: f64,
    sha_seconds: f64,
    times: Vec<Duration>,
    rss: usize,
    atom: usize,
}

fn feed_phase(items: usize) -> anyhow::Result<FeedResult> {
    let warm = news::feed(
        SEED,
        u64::MAX,
        ITEMS_PER_FEED,
        FEED_ITEM_BYTES,
        false,
        &|_| None,
    );
    black_box(parse_feed(
        warm.xml.as_bytes(),
        Some("https://bench.example/feed.xml"),
    ));
    let feeds = items.div_ceil(ITEMS_PER_FEED);
    let mut result = FeedResult {
        feeds,
        items: 0,
        bytes: 0,
        seconds: 0.0,
        sha_seconds: 0.0,
        times: Vec::with_capacity(feeds),
        rss: 0,
        atom: 0,
    };
    for index in 0..feeds {
        let count = (items - index * ITEMS_PER_FEED).min(ITEMS_PER_FEED);
        let atom = index % 2 == 1;
        let feed = news::feed(SEED, index as u64, count, FEED_ITEM_BYTES, atom, &|_| None);
        let bytes = feed.xml.as_bytes();
        let url = format!("https://bench.example/feeds/{index}.xml");
        let started = Instant::now();
        black_box(Sha256::digest(black_box(bytes)));
        result.sha_seconds += started.elapsed().as_secs_f64();
        let started = Instant::now();
        let parsed = black_box(parse_feed(black_box(bytes), Some(&url)));
        let took = started.elapsed();
        let expected = if atom {
            FeedFormat::Atom
        } else {
            FeedFormat::Rss2
        };
        if parsed.format != expected || parsed.items.len() != feed.items {
            bail!(
                "generated feed {index} parsed as {} with {} items, not {} with {}; problems: {:?}",
                parsed.format.as_str(),
                parsed.items.len(),
                expected.as_str(),
                feed.items,
                parsed.problems
            );
        }
        result.times.push(took);
        result.seconds += took.as_secs_f64();
        result.items += parsed.items.len();
        result.bytes += bytes.len() as u64;
        if atom {
            result.atom += 1;
        } else {
            result.rss += 1;
        }
    }
    Ok(result)
}

// ---------------------------------------------------------------------------------------------
// 3. Persisted

/// What the loopback site serves: the feeds and the pages they list.
struct Site {
    feeds: Vec<Vec<u8>>,
    pages: Vec<Vec<u8>>,
    requests: AtomicU64,
}

impl Site {
    fn route(&self, path: &str) -> Option<(&'static str, &[u8])> {
        let number = |rest: &str, suffix: &str| -> Option<usize> {
            rest.strip_suffix(suffix).and_then(|n| n.parse().ok())
        };
        if let Some(rest) = path.strip_prefix("/feeds/") {
            let index = number(rest, ".xml")?;
            let content_type = if index % 2 == 1 {
                "application/atom+xml"
            } else {
                "application/rss+xml"
            };
            return Some((content_type, self.feeds.get(index)?));
        }
        let index = number(path.strip_prefix("/pages/")?, ".html")?;
        Some(("text/html; charset=utf-8", self.pages.get(index)?))
    }
}

/// A minimal HTTP/1.1 server (GET, keep-alive, Content-Length) for the generated site: enough
/// for reqwest, and cheap, so that the measurement is the client's work.
async fn serve_site(listener: TcpListener, site: Arc<Site>) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(serve_connection(stream, site.clone()));
    }
}

async fn serve_connection(mut stream: TcpStream, site: Arc<Site>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if buffer.len() > 65_536 {
                return Ok(());
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end);
        let path = head.split_whitespace().nth(1).unwrap_or("/");
        let close = head.lines().any(|line| {
            let line = line.to_ascii_lowercase();
            line.starts_with("connection:") && line.contains("close")
        });
        site.requests.fetch_add(1, Ordering::Relaxed);
        match site.route(path) {
            Some((content_type, body)) => {
                let header = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                stream.write_all(header.as_bytes()).await?;
                stream.write_all(body).await?;
            }
            None => {
                stream
                    .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    .await?;
            }
        }
        if close {
            return Ok(());
        }
    }
}

/// Runs `work(i)` for every `i` below `count` on `concurrency` tasks; returns each call's
/// duration and the wall time.
async fn run_concurrently<F, Fut>(
    count: usize,
    concurrency: usize,
    work: F,
) -> anyhow::Result<(Vec<Duration>, Duration)>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let work = Arc::new(work);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let next = next.clone();
        let work = work.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<_, anyhow::Error>(times);
                }
                let begun = Instant::now();
                work(i).await?;
                times.push(begun.elapsed());
            }
        }));
    }
    let mut times = Vec::with_capacity(count);
    for task in tasks {
        times.extend(task.await??);
    }
    Ok((times, started.elapsed()))
}

struct PersistedResult {
    items: usize,
    feeds: usize,
    feed_bytes: u64,
    page_bytes: u64,
    seconds: f64,
    cpu_seconds: Option<Cpu>,
    feeds_seconds: f64,
    batch_times: Vec<Duration>,
    batch_pages: Vec<u64>,
    captured: u64,
    copies: u64,
    concurrency: usize,
    requests: u64,
    plain_seconds: f64,
    plain_times: Vec<Duration>,
    guarded_seconds: f64,
    guarded_times: Vec<Duration>,
    blob_seconds: f64,
    blob_times: Vec<Duration>,
    documents_seconds: f64,
}

/// The installation the persisted phase writes to: made by `amparo init`, then opened with the
/// benchmark's settings (no politeness delay, loopback allowed).
async fn bench_installation(dir: &std::path::Path) -> anyhow::Result<App> {
    let options = InitOptions {
        admin_username: None,
        ..InitOptions::default()
    };
    let (app, _) = installation::init(dir, options).await?;
    let mut settings: Settings = app.settings().clone();
    drop(app);
    settings.feeds.host_delay_ms = 0;
    settings.fetch.allow = vec!["127.0.0.1/32".to_owned()];
    settings.fetch_policy()?;
    Ok(installation::open_with_settings(dir, settings).await?)
}

async fn persisted_phase(
    items: usize,
    dir: &std::path::Path,
    scratch: &std::path::Path,
) -> anyhow::Result<PersistedResult> {
    let feeds = items.div_ceil(ITEMS_PER_FEED).max(1);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let mut pages = Vec::with_capacity(items);
    for i in 0..items {
        let mut rng = Rng::new(SEED ^ 0xC0FFEE ^ (i as u64).wrapping_mul(0x2545_F491));
        let words = rng.range(120, 220) as usize;
        pages.push(
            news::page(SEED ^ 0x5EED, i as u64, PERSISTED_PAGE_BYTES, words)
                .html
                .into_bytes(),
        );
    }
    let mut feed_bodies = Vec::with_capacity(feeds);
    for index in 0..feeds {
        let first = index * ITEMS_PER_FEED;
        let count = items.saturating_sub(first).min(ITEMS_PER_FEED);
        let base = base.clone();
        let link = move |i: usize| Some(format!("{base}/pages/{}.html", first + i));
        let feed = news::feed(
            SEED ^ 0x5EED,
            index as u64,
            count,
            PERSISTED_ITEM_BYTES,
            index % 2 == 1,
            &link,
        );
        feed_bodies.push(feed.xml.into_bytes());
    }
    let site = Arc::new(Site {
        feeds: feed_bodies,
        pages,
        requests: AtomicU64::new(0),
    });
    let feed_bytes: u64 = site.feeds.iter().map(|body| body.len() as u64).sum();
    let page_bytes: u64 = site.pages.iter().map(|body| body.len() as u64).sum();
    let server = tokio::spawn(serve_site(listener, site.clone()));
    // Everything the poll fetches: the feeds, then their pages.
    let urls: Arc<Vec<String>> = Arc::new(
        (0..feeds)
            .map(|index| format!("{base}/feeds/{index}.xml"))
            .chain((0..items).map(|index| format!("{base}/pages/{index}.html")))
            .collect(),
    );

    let app = bench_installation(dir).await?;
    let concurrency = app.settings().feeds.concurrency.max(1);

    // Baseline: plain GETs of the same URLs over loopback, one client with keep-alive, as many
    // in flight as the poller has, storing nothing.
    eprintln!(
        "bench: baseline: {} plain GETs over loopback, {concurrency} in flight",
        urls.len()
    );
    let client = reqwest::Client::builder().no_proxy().build()?;
    let (plain_times, plain_wall) = {
        let urls = urls.clone();
        run_concurrently(urls.len(), concurrency, move |i| {
            let request = client.get(urls[i].as_str());
            async move {
                let body = request.send().await?.error_for_status()?.bytes().await?;
                black_box(body);
                Ok(())
            }
        })
        .await?
    };

    // Components, each alone: the guarded fetcher (what the poller fetches with), blob writes
    // with fsync into a scratch blob store, and the documents' CPU work on one thread.
    eprintln!("bench: components: the guarded fetcher, blob writes, documents");
    let fetcher = amparo_app::fetch::Fetcher::new(app.settings().fetch_policy()?)?;
    let (guarded_times, guarded_wall) = {
        let urls = urls.clone();
        run_concurrently(urls.len(), concurrency, move |i| {
            let url = urls[i].clone();
            let fetcher = fetcher.clone();
            async move {
                let fetched = fetcher
                    .fetch(&url, &amparo_app::fetch::RequestOptions::default())
                    .await?;
                black_box(fetched);
                Ok(())
            }
        })
        .await?
    };
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    // Sealed like an installation's blobs, so the figures include the encryption at rest.
    let blobs = BlobStore::local(&scratch.join("blobs"), secret)?
        .sealed_with(amparo_store::DataKey::generate());
    let (blob_times, blob_wall) = {
        let site = site.clone();
        run_concurrently(items, concurrency, move |i| {
            let blobs = blobs.clone();
            let site = site.clone();
            async move {
                black_box(blobs.put_bytes(&site.pages[i]).await?);
                Ok(())
            }
        })
        .await?
    };
    let documents_seconds = {
        let site = site.clone();
        let base = base.clone();
        tokio::task::spawn_blocking(move || {
            let mut index = DedupIndex::default();
            let mut steps = Steps::default();
            let started = Instant::now();
            for (i, page) in site.pages.iter().enumerate() {
                let url = format!("{base}/pages/{i}.html");
                black_box(process_page(page, &url, &mut index, &mut steps));
            }
            started.elapsed().as_secs_f64()
        })
        .await?
    };

    // The measurement: subscribe, then one poll that fetches every feed and page.
    let actor = Actor::cli(&os_user());
    for index in 0..feeds {
        app.add_feed(&actor, &urls[index], NewFeed::default())
            .await?;
    }
    eprintln!(
        "bench: persisted: polling {feeds} feeds listing {items} pages (politeness delay 0 ms)"
    );
    let requests_before = site.requests.load(Ordering::Relaxed);
    let marks = std::sync::Mutex::new(Vec::<(Instant, u64)>::new());
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let report = app
        .poll_feeds(&actor, &PollOptions::default(), &|done, _| {
            if let Ok(mut marks) = marks.lock() {
                marks.push((Instant::now(), done));
            }
        })
        .await?;
    let wall = started.elapsed();
    let cpu = cpu_before
        .zip(cpu_seconds())
        .map(|(before, after)| after.since(before));
    let requests = site.requests.load(Ordering::Relaxed) - requests_before;
    server.abort();
    // Removed only now: deleting thousands of files just before the poll slows the file
    // system's next creations (ext4 looks for recently deleted inodes).
    let _ = std::fs::remove_dir_all(scratch.join("blobs"));
    if !report.feeds_failed.is_empty()
        || !report.pages_failed.is_empty()
        || report.pages_retrying > 0
        || report.pages_found != items as u64
        || report.pages_captured != items as u64
    {
        bail!(
            "the poll did not capture every page served: {items} served, {} found, {} captured, {} retrying; failed feeds: {:?}; failed pages: {:?}",
            report.pages_found,
            report.pages_captured,
            report.pages_retrying,
            report.feeds_failed.iter().take(5).collect::<Vec<_>>(),
            report.pages_failed.iter().take(5).collect::<Vec<_>>()
        );
    }
    let done: u64 = app
        .feeds(&actor)
        .await?
        .iter()
        .map(|feed| feed.pages.done)
        .sum();
    if done != items as u64 {
        bail!("the installation lists {done} pages done, not the {items} served");
    }

    // Progress marks: one per feed polled, then one per batch of pages committed.
    let marks = marks.into_inner().unwrap_or_default();
    let feeds_end = marks
        .iter()
        .position(|(_, done)| *done >= feeds as u64)
        .unwrap_or(0);
    let feeds_seconds = marks
        .get(feeds_end)
        .map_or(0.0, |(at, _)| (*at - started).as_secs_f64());
    let mut batch_times = Vec::new();
    let mut batch_pages = Vec::new();
    for pair in marks[feeds_end..].windows(2) {
        batch_times.push(pair[1].0 - pair[0].0);
        batch_pages.push(pair[1].1 - pair[0].1);
    }
    Ok(PersistedResult {
        items,
        feeds,
        feed_bytes,
        page_bytes,
        seconds: wall.as_secs_f64(),
        cpu_seconds: cpu,
        feeds_seconds,
        batch_times,
        batch_pages,
        captured: report.pages_captured,
        copies: report.copies,
        concurrency,
        requests,
        plain_seconds: plain_wall.as_secs_f64(),
        plain_times,
        guarded_seconds: guarded_wall.as_secs_f64(),
        guarded_times,
        blob_seconds: blob_wall.as_secs_f64(),
        blob_times,
        documents_seconds,
    })
}

// ---------------------------------------------------------------------------------------------

/// `amparo bench ingest`.
pub async fn ingest(options: &IngestOptions) -> anyhow::Result<()> {
    if options.pages == 0 || options.items == 0 || options.persisted == 0 {
        bail!("--pages, --items and --persisted must each be at least 1");
    }
    let temporary = tempfile::tempdir().context("making a temporary folder")?;
    let dir = match &options.keep {
        Some(dir) => {
            if installation::is_installation(dir) {
                bail!(
                    "{} already holds an installation: give --keep an empty or new folder",
                    dir.display()
                );
            }
            dir.clone()
        }
        None => temporary.path().join("data"),
    };
    let scratch = temporary.path().join("scratch");
    std::fs::create_dir_all(&scratch).context("making a scratch folder")?;

    eprintln!(
        "bench: HTML: {} pages of 50–300 KB, one thread",
        options.pages
    );
    let pages = options.pages;
    let mut html = tokio::task::spawn_blocking(move || html_phase(pages)).await?;
    let rss_after_html = peak_rss_mb();
    eprintln!(
        "bench: feeds: {} items of about 5 KB, one thread",
        options.items
    );
    let items = options.items;
    let mut feeds = tokio::task::spawn_blocking(move || feed_phase(items)).await??;
    let rss_after_feeds = peak_rss_mb();
    eprintln!(
        "bench: persisted: building an installation in {}",
        dir.display()
    );
    let mut persisted = persisted_phase(options.persisted, &dir, &scratch).await?;
    let rss_after_all = peak_rss_mb();

    let html_mb_per_s = mb(html.bytes) / html.seconds;
    let sha_html_mb_per_s = mb(html.bytes) / html.sha_seconds;
    let feed_items_per_s = feeds.items as f64 / feeds.seconds;
    let sha_feed_items_per_s = feeds.items as f64 / feeds.sha_seconds;
    let persisted_per_s = persisted.captured as f64 / persisted.seconds;
    let plain_per_s = persisted.items as f64 / persisted.plain_seconds;
    let guarded_per_s = persisted.items as f64 / persisted.guarded_seconds;
    let blob_per_s = persisted.items as f64 / persisted.blob_seconds;
    let documents_per_s = persisted.items as f64 / persisted.documents_seconds;
    let step_total =
        (html.steps.article + html.steps.language + html.steps.fingerprints + html.steps.index)
            .as_secs_f64()
            .max(f64::MIN_POSITIVE);
    let share = |step: Duration| round3(step.as_secs_f64() / step_total);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let html_latency = latency_json(&mut html.times);
    let feed_latency = latency_json(&mut feeds.times);
    let batch_latency = latency_json(&mut persisted.batch_times);
    let plain_latency = latency_json(&mut persisted.plain_times);
    let guarded_latency = latency_json(&mut persisted.guarded_times);
    let blob_latency = latency_json(&mut persisted.blob_times);
    let fetches = persisted.feeds + persisted.items;
    let report = json!({
        "suite": "ingest",
        "html_mb_per_s_per_core": round1(html_mb_per_s),
        "feed_items_per_s": round1(feed_items_per_s),
        "persisted_items_per_s": round1(persisted_per_s),
        "peak_rss_mb": rss_after_all,
        "html": {
            "pages": html.pages,
            "mb": round3(mb(html.bytes)),
            "page_kb_min": round1(html.min_bytes as f64 / 1e3),
            "page_kb_mean": round1(html.bytes as f64 / 1e3 / html.pages as f64),
            "page_kb_max": round1(html.max_bytes as f64 / 1e3),
            "text_share_of_bytes": round3(html.text_bytes as f64 / html.bytes as f64),
            "seconds": round3(html.seconds),
            "mb_per_s": round1(html_mb_per_s),
            "page_ms": html_latency,
            "time_share": {
                "article": share(html.steps.article),
                "language": share(html.steps.language),
                "fingerprints": share(html.steps.fingerprints),
                "indexes": share(html.steps.index),
            },
            "baseline_sha256_mb_per_s": round1(sha_html_mb_per_s),
            "ratio_to_sha256": ratio(html_mb_per_s, sha_html_mb_per_s),
            "language_as_generated": html.language_as_generated,
            "english_pages": html.english,
            "generated_words": html.generated_words,
            "text_words": html.text_words,
            "copies_found": html.copies,
            "target_mb_per_s": TARGET_HTML_MB_PER_S,
            "peak_rss_mb_after": rss_after_html,
        },
        "feeds": {
            "feeds": feeds.feeds,
            "rss2_feeds": feeds.rss,
            "atom_feeds": feeds.atom,
            "items": feeds.items,
            "mb": round3(mb(feeds.bytes)),
            "item_bytes_mean": (feeds.bytes as f64 / feeds.items as f64).round(),
            "seconds": round3(feeds.seconds),
            "items_per_s": round1(feed_items_per_s),
            "mb_per_s": round1(mb(feeds.bytes) / feeds.seconds),
            "feed_ms": feed_latency,
            "baseline_sha256_items_per_s": round1(sha_feed_items_per_s),
            "baseline_sha256_mb_per_s": round1(mb(feeds.bytes) / feeds.sha_seconds),
            "ratio_to_sha256": ratio(feed_items_per_s, sha_feed_items_per_s),
            "target_items_per_s": TARGET_FEED_ITEMS_PER_S,
            "peak_rss_mb_after": rss_after_feeds,
        },
        "persisted": {
            "items": persisted.items,
            "feeds": persisted.feeds,
            "pages_captured": persisted.captured,
            "copies": persisted.copies,
            "page_bytes_mean": (persisted.page_bytes as f64 / persisted.items as f64).round(),
            "feed_bytes_mean": (persisted.feed_bytes as f64 / persisted.feeds as f64).round(),
            "requests_served": persisted.requests,
            "host_delay_ms": 0,
            "concurrency": persisted.concurrency,
            "seconds": round3(persisted.seconds),
            "items_per_s": round1(persisted_per_s),
            "cpu_seconds": persisted.cpu_seconds.map(|cpu| round3(cpu.total())),
            // Kernel time: file creation and fsync. It grows for a minute or more after many
            // files were deleted (ext4 skips recently freed inodes), for instance right after an
            // earlier run of this benchmark removed its temporary installation.
            "cpu_system_seconds": persisted.cpu_seconds.map(|cpu| round3(cpu.system)),
            "cpu_cores_busy": persisted.cpu_seconds.map(|cpu| round3(cpu.total() / persisted.seconds)),
            "feeds_polled_seconds": round3(persisted.feeds_seconds),
            "page_batches": persisted.batch_pages.len(),
            "pages_per_batch_max": persisted.batch_pages.iter().max().copied().unwrap_or(0),
            "batch_ms": batch_latency,
            "baseline": {
                "what": "plain HTTP GETs of the same feeds and pages over loopback, one keep-alive client, same concurrency, nothing stored",
                "requests": fetches,
                "items_per_s": round1(plain_per_s),
                "request_ms": plain_latency,
            },
            "ratio_to_plain_gets": ratio(persisted_per_s, plain_per_s),
            "components": {
                "guarded_fetcher_items_per_s": round1(guarded_per_s),
                "guarded_fetcher_request_ms": guarded_latency,
                "blob_writes_fsynced_per_s": round1(blob_per_s),
                "blob_write_ms": blob_latency,
                "documents_per_s_one_core": round1(documents_per_s),
            },
            "target_items_per_s": TARGET_PERSISTED_PER_S,
            "peak_rss_mb_after": rss_after_all,
        },
        "targets": {
            "html_mb_per_s_per_core": TARGET_HTML_MB_PER_S,
            "feed_items_per_s": TARGET_FEED_ITEMS_PER_S,
            "persisted_items_per_s": TARGET_PERSISTED_PER_S,
        },
        "seed": SEED,
        "machine": {
            "cores": cores,
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
        },
        "build": build,
    });
    if options.json {
        println!("{report}");
    } else {
        let ms = |value: &Value, key: &str| value[key].as_f64().unwrap_or(0.0);
        println!(
            "amparo bench ingest ({cores} cores, {build} build; HTML and feeds on one thread)"
        );
        println!(
            "HTML: {} pages of {:.0}–{:.0} KB ({:.1} MB): {html_mb_per_s:.1} MB/s per core, target >= {TARGET_HTML_MB_PER_S} (SHA-256 of the same bytes: {sha_html_mb_per_s:.0} MB/s, ratio {:.3})",
            html.pages,
            html.min_bytes as f64 / 1e3,
            html.max_bytes as f64 / 1e3,
            mb(html.bytes),
            html_mb_per_s / sha_html_mb_per_s
        );
        println!(
            "  per page: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms; time: main text {:.0} %, language {:.0} %, fingerprints {:.0} %, indexes {:.0} %",
            ms(&html_latency, "p50_ms"),
            ms(&html_latency, "p95_ms"),
            ms(&html_latency, "p99_ms"),
            share(html.steps.article) * 100.0,
            share(html.steps.language) * 100.0,
            share(html.steps.fingerprints) * 100.0,
            share(html.steps.index) * 100.0
        );
        println!(
            "  language as generated on {} of {} pages; {} words of text for {} generated",
            html.language_as_generated, html.pages, html.text_words, html.generated_words
        );
        println!(
            "feeds: {} items in {} feeds (RSS 2.0 and Atom, {:.0} bytes an item): {feed_items_per_s:.0} items/s, target >= {TARGET_FEED_ITEMS_PER_S:.0} (SHA-256: {sha_feed_items_per_s:.0} items/s, ratio {:.3}); per feed of {ITEMS_PER_FEED}: p50 {:.2} ms, p99 {:.2} ms",
            feeds.items,
            feeds.feeds,
            feeds.bytes as f64 / feeds.items as f64,
            feed_items_per_s / sha_feed_items_per_s,
            ms(&feed_latency, "p50_ms"),
            ms(&feed_latency, "p99_ms")
        );
        println!(
            "persisted: {} pages of {:.1} KB from {} feeds into SQLite, politeness delay 0 ms, {} in flight: {persisted_per_s:.0} items/s, target >= {TARGET_PERSISTED_PER_S:.0} (plain GETs: {plain_per_s:.0} items/s, ratio {:.3})",
            persisted.captured,
            persisted.page_bytes as f64 / 1e3 / persisted.items as f64,
            persisted.feeds,
            persisted.concurrency,
            persisted_per_s / plain_per_s
        );
        println!(
            "  {:.2} s ({} cores busy on average{}): feeds polled after {:.2} s, then {} batches (p50 {:.1} ms, p99 {:.1} ms)",
            persisted.seconds,
            persisted.cpu_seconds.map_or("?".to_owned(), |cpu| format!(
                "{:.2}",
                cpu.total() / persisted.seconds
            )),
            persisted.cpu_seconds.map_or(String::new(), |cpu| format!(
                ", {:.0} % of it in the kernel",
                100.0 * cpu.system / cpu.total().max(1e-9)
            )),
            persisted.feeds_seconds,
            persisted.batch_pages.len(),
            ms(&batch_latency, "p50_ms"),
            ms(&batch_latency, "p99_ms")
        );
        println!(
            "  alone: guarded fetcher {guarded_per_s:.0}/s, blob writes with fsync {blob_per_s:.0}/s, documents {documents_per_s:.0}/s on one core"
        );
        let show =
            |value: Option<f64>| value.map_or("unknown".to_owned(), |mb| format!("{mb:.0} MB"));
        println!(
            "peak RSS: {} (after HTML {}, after feeds {})",
            show(rss_after_all),
            show(rss_after_html),
            show(rss_after_feeds)
        );
    }
    if let Some(dir) = &options.keep {
        eprintln!("bench: the installation is kept in {}", dir.display());
    }
    Ok(())
}
