//! `amparo bench search`: the search budget (issue 8), measured on generated documents.
//!
//! A word-bigram model is fitted at run time on the text of the HTML pages under `--corpus`
//! (main text through `amparo_ingest::article`); only its counts are kept, and no text from the
//! corpus is stored or printed. From it come `--docs` documents of 250–350 words (each with a
//! kind, one or two of 1,000 cases, a language label, violations, a place and a date) and 200
//! queries of one to three words drawn in proportion to frequency^0.75, about one in six a
//! two-word phrase drawn from the bigrams.
//!
//! The same documents are indexed three times, each build timed alone. Documents are generated
//! on the fly by a thread of their own, at most [`GENERATED_AHEAD`] ahead of the indexer, so
//! generation overlaps indexing rather than adding to it, but it is not free: on a machine with
//! few cores it takes CPU the indexer could have used. So each engine reports, besides
//! `build_docs_per_s` (documents over the wall-clock seconds from the first document to the
//! finished commit, generation running alongside; the final merge into one segment is after
//! and not counted, reported as `merge_seconds` where there is one), `build_cpu_seconds` (the
//! CPU time of the whole process over the same span, every thread, generation included) and
//! `generate_cpu_seconds` (the generating thread's share of it); `generate_docs_per_s` at the
//! top is generation alone, on one thread:
//! - `amparo`: `amparo_search::SearchIndex` (bilingual analysis, names, sensitive index), queried
//!   as a viewer who may see half the cases, top 10 by relevance, facet counts on kind,
//!   violation and year, by a process of its own (`amparo bench search-serve`, which opens the
//!   built index as a server would);
//! - `bare`: a plain tantivy index (one text field, tantivy's default tokenizer), the same query
//!   text with tantivy's own `TopDocs` and `FacetCollector`s on the same three fields, no access
//!   filter;
//! - `fts5`: SQLite FTS5 (`unicode61 remove_diacritics 2`), top 10 by bm25, no facets.
//!
//! Each engine runs all queries once untimed (page cache, the access bitsets), then once timed.
//! `peak_rss_mb` is the peak resident set of the process that serves Amparo's queries, from its
//! start (fitting the model, opening the index) to its last query, with its anonymous and
//! file-backed (the index's mapped pages) resident sets after the last query as
//! `amparo.serving_rss_anon_mb` and `amparo.serving_rss_file_mb`; the peak of this process,
//! during the builds, is `build_peak_rss_mb`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use amparo_search::{
    FacetField, IndexOptions, SearchDoc, SearchIndex, SearchRequest, Viewer, Visibility,
    default_search_threads,
};
use anyhow::{Context, bail};
use serde_json::{Value, json};
use tantivy::collector::{FacetCollector, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{FacetOptions, STORED, STRING, Schema, TEXT};
use tantivy::{Index, TantivyDocument, schema::Facet};
use uuid::Uuid;

use super::data::Rng;
use super::stats::{peak_rss_mb, percentile_ms, ratio, round1, round3, status_mb};

/// Every generated input derives from this seed.
const SEED: u64 = 0x616d_7061_726f_0008;
const QUERIES: usize = 200;
const CASES: u64 = 1_000;
const PLACES: u64 = 200;
const KINDS: &[&str] = &["event", "document", "testimony", "capture", "person", "act"];
const VIOLATIONS: &[&str] = &[
    "arbitrary_detention",
    "enforced_disappearance",
    "torture",
    "ill_treatment",
    "due_process",
    "refoulement",
    "sexual_violence",
    "family_separation",
];
const CUSTODY: &[&str] = &[
    "in_us_custody",
    "removed",
    "third_country",
    "whereabouts_unknown",
];
/// Targets (DESIGN.md, "Budgets").
const TARGET_P50_MS: f64 = 2.0;
const TARGET_P99_MS: f64 = 15.0;
const TARGET_RATIO_TO_BARE: f64 = 1.5;
const TARGET_RATIO_TO_FTS5: f64 = 0.1;
const TARGET_BUILD_DOCS_PER_S: f64 = 10_000.0;
const TARGET_PEAK_RSS_MB: f64 = 500.0;

/// Options of `amparo bench search`.
#[derive(Debug)]
pub struct SearchOptions {
    pub corpus: PathBuf,
    pub docs: usize,
    pub threads: usize,
    pub json: bool,
    pub keep: Option<PathBuf>,
}

/// A word-bigram model: word counts, and each word's followers with cumulative counts.
struct Model {
    words: Vec<String>,
    counts: Vec<u64>,
    /// Per word: its followers and their cumulative counts. In one flat table rather than a
    /// list per word: generation spends most of its time searching these counts, and searched
    /// alone and side by side they touch far less memory.
    next: Followers,
    /// Cumulative counts over all words, to start and restart.
    start: Vec<u64>,
    files: usize,
    tokens: u64,
}

/// Every word's followers with their cumulative counts, all words' one after the other.
struct Followers {
    /// The followers, grouped by the word they follow.
    words: Vec<u32>,
    /// `words`' cumulative counts, from 0 again at each word's first follower.
    cumulative: Vec<u64>,
    /// Where each word's followers start in `words`, and (last) where the last word's end.
    starts: Vec<usize>,
}

impl Followers {
    /// From `(from, to)` pairs and their counts, sorted.
    fn new(vocabulary: usize, sorted: &[((u32, u32), u64)]) -> Followers {
        let mut words = Vec::with_capacity(sorted.len());
        let mut cumulative = Vec::with_capacity(sorted.len());
        let mut starts = vec![0; vocabulary + 1];
        let mut previous = None;
        let mut total = 0;
        for &((from, to), count) in sorted {
            if previous != Some(from) {
                previous = Some(from);
                total = 0;
            }
            total += count;
            words.push(to);
            cumulative.push(total);
            starts[from as usize + 1] += 1;
        }
        for word in 0..vocabulary {
            starts[word + 1] += starts[word];
        }
        Followers {
            words,
            cumulative,
            starts,
        }
    }

    /// The followers of `word` and their cumulative counts.
    fn of(&self, word: usize) -> (&[u32], &[u64]) {
        let range = self.starts[word]..self.starts[word + 1];
        (&self.words[range.clone()], &self.cumulative[range])
    }
}

fn pick_cumulative(rng: &mut Rng, cumulative: &[u64]) -> usize {
    let total = *cumulative.last().unwrap_or(&1);
    let target = rng.next_u64() % total.max(1);
    cumulative.partition_point(|&c| c <= target)
}

impl Model {
    fn fit(corpus: &Path) -> anyhow::Result<Model> {
        let mut files = Vec::new();
        collect_pages(corpus, &mut files)?;
        files.sort();
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut words = Vec::new();
        let mut counts: Vec<u64> = Vec::new();
        let mut pairs: HashMap<(u32, u32), u64> = HashMap::new();
        let mut tokens = 0u64;
        let mut used = 0;
        for path in &files {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let article = amparo_ingest::article::extract_article(&bytes, None);
            let mut previous: Option<u32> = None;
            let mut any = false;
            for word in article
                .text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| !word.is_empty() && word.len() <= 30)
            {
                let word = word.to_lowercase();
                let id = *ids.entry(word.clone()).or_insert_with(|| {
                    words.push(word);
                    counts.push(0);
                    (words.len() - 1) as u32
                });
                counts[id as usize] += 1;
                if let Some(previous) = previous {
                    *pairs.entry((previous, id)).or_default() += 1;
                }
                previous = Some(id);
                tokens += 1;
                any = true;
            }
            used += usize::from(any);
        }
        if tokens < 1_000 {
            bail!(
                "{} holds {} words of page text in {} HTML files: too little to fit a model",
                corpus.display(),
                tokens,
                files.len()
            );
        }
        let mut sorted: Vec<((u32, u32), u64)> = pairs.into_iter().collect();
        sorted.sort_unstable();
        let next = Followers::new(words.len(), &sorted);
        let mut start = Vec::with_capacity(counts.len());
        let mut total = 0;
        for count in &counts {
            total += count;
            start.push(total);
        }
        Ok(Model {
            words,
            counts,
            next,
            start,
            files: used,
            tokens,
        })
    }

    fn next_word(&self, rng: &mut Rng, previous: Option<usize>) -> usize {
        if let Some(previous) = previous {
            let (followers, cumulative) = self.next.of(previous);
            if !followers.is_empty() && !rng.chance(3) {
                let total = cumulative.last().map_or(1, |c| *c);
                let target = rng.next_u64() % total;
                let at = cumulative.partition_point(|c| *c <= target);
                return followers[at] as usize;
            }
        }
        pick_cumulative(rng, &self.start)
    }

    fn text(&self, rng: &mut Rng, words: usize, out: &mut String) {
        let mut previous = None;
        for i in 0..words {
            let word = self.next_word(rng, previous);
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&self.words[word]);
            previous = Some(word);
        }
    }
}

fn collect_pages(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            collect_pages(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm"))
            // The readability test pages come with their expected output: count the text once.
            && path.file_name().is_none_or(|name| name != "expected.html")
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The `i`th generated document (the same for every engine).
fn document(model: &Model, i: u64) -> SearchDoc {
    let mut rng = Rng::new(SEED ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut title = String::new();
    let title_words = rng.range(4, 9) as usize;
    model.text(&mut rng, title_words, &mut title);
    let mut text = String::with_capacity(2_400);
    let text_words = rng.range(250, 350) as usize;
    model.text(&mut rng, text_words, &mut text);
    let mut case_ids = vec![Uuid::from_u128(u128::from(rng.range(1, CASES)))];
    if rng.chance(10) {
        case_ids.push(Uuid::from_u128(u128::from(rng.range(1, CASES))));
    }
    let kind = *rng.pick(KINDS);
    let violations = (0..rng.range(0, 2))
        .map(|_| rng.pick(VIOLATIONS).to_string())
        .collect();
    let custody_statuses = if kind == "person" {
        vec![rng.pick(CUSTODY).to_string()]
    } else {
        Vec::new()
    };
    let seconds = 1_420_070_400 + rng.range(0, 12 * 365 * 86_400) as i64;
    SearchDoc {
        id: Uuid::from_u128((u128::from(SEED) << 64) | u128::from(i)),
        kind: kind.to_owned(),
        case_ids,
        shared: false,
        language: Some(if rng.chance(50) { "en" } else { "es" }.to_owned()),
        violations,
        custody_statuses,
        place_ids: vec![Uuid::from_u128(0x1_0000 + u128::from(rng.range(1, PLACES)))],
        date: time::OffsetDateTime::from_unix_timestamp(seconds).ok(),
        title,
        text,
        names: Vec::new(),
        sensitive: None,
    }
}

/// A query: its words, and whether they are a phrase.
struct Query {
    words: Vec<String>,
    phrase: bool,
}

impl Query {
    fn tantivy(&self) -> String {
        if self.phrase {
            format!("\"{}\"", self.words.join(" "))
        } else {
            self.words.join(" ")
        }
    }

    fn fts5(&self) -> String {
        if self.phrase {
            format!("\"{}\"", self.words.join(" "))
        } else {
            let quoted: Vec<String> = self.words.iter().map(|w| format!("\"{w}\"")).collect();
            quoted.join(" ")
        }
    }
}

fn queries(model: &Model) -> Vec<Query> {
    let mut rng = Rng::new(SEED ^ 0x7175_6572_7900);
    let mut cumulative = Vec::with_capacity(model.counts.len());
    let mut total = 0u64;
    for count in &model.counts {
        // frequency^0.75, in thousandths so that rare words keep a weight.
        total += ((*count as f64).powf(0.75) * 1_000.0) as u64;
        cumulative.push(total);
    }
    (0..QUERIES)
        .map(|_| {
            if rng.chance(17) {
                let first = pick_cumulative(&mut rng, &cumulative);
                let (followers, counts) = model.next.of(first);
                if let Some(&last) = counts.last() {
                    let target = rng.next_u64() % last;
                    let at = counts.partition_point(|c| *c <= target);
                    let second = followers[at] as usize;
                    return Query {
                        words: vec![model.words[first].clone(), model.words[second].clone()],
                        phrase: true,
                    };
                }
            }
            let n = rng.range(1, 3) as usize;
            Query {
                words: (0..n)
                    .map(|_| model.words[pick_cumulative(&mut rng, &cumulative)].clone())
                    .collect(),
                phrase: false,
            }
        })
        .collect()
}

struct Engine {
    times: Vec<Duration>,
    build: Build,
    docs: usize,
    index_bytes: u64,
    mean_hits: f64,
    extra: Value,
}

impl Engine {
    fn json(&mut self) -> Value {
        self.times.sort();
        let mut value = json!({
            "p50_ms": round3(percentile_ms(&self.times, 50.0)),
            "p95_ms": round3(percentile_ms(&self.times, 95.0)),
            "p99_ms": round3(percentile_ms(&self.times, 99.0)),
            "max_ms": round3(self.times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3)),
            "build_docs_per_s": round1(self.docs as f64 / self.build.seconds),
            "build_seconds": round3(self.build.seconds),
            "build_cpu_seconds": round3(self.build.cpu_seconds),
            "generate_cpu_seconds": round3(self.build.generate_cpu_seconds),
            "index_mb": round1(self.index_bytes as f64 / 1e6),
            "mean_total_hits": round1(self.mean_hits),
        });
        if let Some(object) = value.as_object_mut() {
            if let Some(merge) = self.build.merge_seconds {
                object.insert("merge_seconds".into(), json!(round3(merge)));
            }
            if let Some(extra) = self.extra.as_object() {
                object.extend(extra.clone());
            }
        }
        value
    }

    fn p99(&self) -> f64 {
        let mut times = self.times.clone();
        times.sort();
        percentile_ms(&times, 99.0)
    }
}

/// Times `run` on every query, after one untimed pass; returns the times and mean hits.
fn time_queries(
    queries: &[Query],
    mut run: impl FnMut(&Query) -> anyhow::Result<u64>,
) -> anyhow::Result<(Vec<Duration>, f64)> {
    for query in queries {
        run(query)?;
    }
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0u64;
    for query in queries {
        let started = Instant::now();
        hits += std::hint::black_box(run(query)?);
        times.push(started.elapsed());
    }
    Ok((times, hits as f64 / queries.len().max(1) as f64))
}

/// Documents the generating thread may have made ahead of the indexer.
const GENERATED_AHEAD: usize = 256;

/// What a build cost.
struct Build {
    /// Wall-clock seconds from the first document to the finished commit.
    seconds: f64,
    /// CPU seconds of the whole process over the same span (every thread).
    cpu_seconds: f64,
    /// CPU seconds of the thread that generated the documents (part of `cpu_seconds`).
    generate_cpu_seconds: f64,
    /// Wall-clock seconds of merging the index into one segment after the build, if it was.
    merge_seconds: Option<f64>,
}

/// CPU seconds (user and system) of this process so far, every thread, living or ended.
fn process_cpu_seconds() -> f64 {
    cpu_seconds_in("/proc/self/stat")
}

/// CPU seconds (user and system) of the calling thread so far.
fn thread_cpu_seconds() -> f64 {
    cpu_seconds_in("/proc/thread-self/stat")
}

/// The user and system time in a /proc `stat` file, in seconds; 0 where /proc is missing.
fn cpu_seconds_in(path: &str) -> f64 {
    // The fields after the command (which is in parentheses and may hold spaces): utime and
    // stime are the 12th and 13th, in clock ticks of 1/100 s (Linux's USER_HZ).
    let Ok(stat) = std::fs::read_to_string(path) else {
        return 0.0;
    };
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |at: usize| {
        fields
            .get(at)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (ticks(11) + ticks(12)) as f64 / 100.0
}

/// A build's clock: wall-clock and process CPU time since it started.
struct Clock {
    started: Instant,
    cpu: f64,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            started: Instant::now(),
            cpu: process_cpu_seconds(),
        }
    }

    /// The build so far, of which `generate_cpu_seconds` went to generating documents.
    fn stop(self, generate_cpu_seconds: f64) -> Build {
        Build {
            seconds: self.started.elapsed().as_secs_f64(),
            cpu_seconds: process_cpu_seconds() - self.cpu,
            generate_cpu_seconds,
            merge_seconds: None,
        }
    }
}

/// Generates the first `--docs` documents on a thread of their own and gives each, with its
/// number, to `index` on this one. Returns the generating thread's CPU seconds.
fn generate_into(
    model: &Model,
    options: &SearchOptions,
    mut index: impl FnMut(u64, SearchDoc) -> anyhow::Result<()>,
) -> anyhow::Result<f64> {
    let docs = options.docs as u64;
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(GENERATED_AHEAD);
        let generator = scope.spawn(move || {
            let cpu = thread_cpu_seconds();
            for i in 0..docs {
                // The receiver is gone only if indexing failed: stop.
                if send.send(document(model, i)).is_err() {
                    break;
                }
            }
            thread_cpu_seconds() - cpu
        });
        for (i, doc) in (0..docs).zip(receive.iter()) {
            index(i, doc)?;
        }
        drop(receive);
        generator
            .join()
            .map_err(|_| anyhow::anyhow!("the document generator panicked"))
    })
}

fn build_amparo(dir: &Path, model: &Model, options: &SearchOptions) -> anyhow::Result<Build> {
    let index = SearchIndex::open_or_create(
        dir,
        &IndexOptions {
            threads: options.threads,
            memory_budget_bytes: options.threads * (128 << 20),
            search_threads: default_search_threads(),
        },
    )?;
    let clock = Clock::start();
    let generate_cpu_seconds = generate_into(model, options, |i, doc| {
        index.insert(&doc)?;
        if i > 0 && i % 200_000 == 0 {
            eprintln!("bench: amparo: {i} documents");
        }
        Ok(())
    })?;
    index.commit()?;
    let mut build = clock.stop(generate_cpu_seconds);
    let started = Instant::now();
    index.merge_segments()?;
    build.merge_seconds = Some(started.elapsed().as_secs_f64());
    Ok(build)
}

struct Bare {
    schema: Schema,
    body: tantivy::schema::Field,
    facets: [tantivy::schema::Field; 3],
}

fn bare_schema() -> Bare {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STRING | STORED);
    let body = builder.add_text_field("body", TEXT | STORED);
    let facets = ["kind", "violation", "year"]
        .map(|name| builder.add_facet_field(name, FacetOptions::default()));
    Bare {
        schema: builder.build(),
        body,
        facets,
    }
}

fn build_bare(dir: &Path, model: &Model, options: &SearchOptions) -> anyhow::Result<Build> {
    let bare = bare_schema();
    let index = Index::create_in_dir(dir, bare.schema.clone())?;
    let id = bare.schema.get_field("id")?;
    let mut writer: tantivy::IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(options.threads, options.threads * (128 << 20))?;
    let clock = Clock::start();
    let generate_cpu_seconds = generate_into(model, options, |_, doc| {
        let mut out = TantivyDocument::default();
        out.add_text(id, doc.id.to_string());
        out.add_text(bare.body, format!("{}\n{}", doc.title, doc.text));
        out.add_facet(bare.facets[0], Facet::from_path([doc.kind.as_str()]));
        for violation in &doc.violations {
            out.add_facet(bare.facets[1], Facet::from_path([violation.as_str()]));
        }
        if let Some(date) = doc.date {
            out.add_facet(bare.facets[2], Facet::from_path([date.year().to_string()]));
        }
        writer.add_document(out)?;
        Ok(())
    })?;
    writer.commit()?;
    let mut build = clock.stop(generate_cpu_seconds);
    let started = Instant::now();
    let ids = index.searchable_segment_ids()?;
    if ids.len() > 1 {
        writer.merge(&ids).wait()?;
    }
    writer.wait_merging_threads()?;
    build.merge_seconds = Some(started.elapsed().as_secs_f64());
    Ok(build)
}

/// Documents per FTS5 transaction.
const FTS5_BATCH: u64 = 10_000;

fn build_fts5(path: &Path, model: &Model, options: &SearchOptions) -> anyhow::Result<Build> {
    let db = rusqlite::Connection::open(path)?;
    db.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');",
    )?;
    let mut insert = db.prepare("INSERT INTO docs(rowid, title, body) VALUES (?1, ?2, ?3)")?;
    let docs = options.docs as u64;
    let clock = Clock::start();
    let generate_cpu_seconds = generate_into(model, options, |i, doc| {
        if i % FTS5_BATCH == 0 {
            db.execute_batch("BEGIN")?;
        }
        insert.execute(rusqlite::params![i as i64, doc.title, doc.text])?;
        if (i + 1) % FTS5_BATCH == 0 || i + 1 == docs {
            db.execute_batch("COMMIT")?;
        }
        Ok(())
    })?;
    db.execute_batch("INSERT INTO docs(docs) VALUES ('optimize');")?;
    Ok(clock.stop(generate_cpu_seconds))
}

fn dir_bytes(path: &Path) -> u64 {
    if path.is_file() {
        return path.metadata().map_or(0, |m| m.len());
    }
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| dir_bytes(&entry.path()))
                .sum()
        })
        .unwrap_or(0)
}

/// The viewer Amparo's queries run as: one who may see half the cases (the even ones).
fn half_viewer() -> Viewer {
    Viewer {
        read: Visibility::cases(
            (1..=CASES)
                .filter(|c| c % 2 == 0)
                .map(|c| Uuid::from_u128(c.into())),
        ),
        sensitive: Visibility::none(),
        shared: true,
    }
}

/// Amparo's request for `query`: top 10 by relevance, facets on three fields, no snippets.
fn amparo_request(query: &Query) -> SearchRequest {
    let mut request = SearchRequest::new(&query.tantivy());
    request.facets = vec![FacetField::Kind, FacetField::Violation, FacetField::Year];
    request.snippets = false;
    request
}

/// What the serving process measured.
struct Served {
    times: Vec<Duration>,
    mean_hits: f64,
    first_query_ms: f64,
    peak_rss_mb: Option<f64>,
    rss_anon_mb: Option<f64>,
    rss_file_mb: Option<f64>,
}

/// Runs `amparo bench search-serve` on the index in `index` and reads what it measured.
fn serve_in_child(corpus: &Path, index: &Path) -> anyhow::Result<Served> {
    let exe = std::env::current_exe().context("finding this program to run it again")?;
    let output = std::process::Command::new(&exe)
        .args(["bench", "search-serve", "--corpus"])
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("running {} bench search-serve", exe.display()))?;
    if !output.status.success() {
        bail!("the serving process failed ({})", output.status);
    }
    let value: Value = serde_json::from_slice(&output.stdout)
        .context("reading what the serving process printed")?;
    let times = value["times_ns"]
        .as_array()
        .context("the serving process gave no times")?
        .iter()
        .map(|ns| ns.as_u64().map(Duration::from_nanos))
        .collect::<Option<Vec<_>>>()
        .context("the serving process gave a time that is not a number")?;
    if times.len() != QUERIES {
        bail!(
            "the serving process timed {} queries, not {QUERIES}",
            times.len()
        );
    }
    Ok(Served {
        times,
        mean_hits: value["mean_hits"].as_f64().unwrap_or(0.0),
        first_query_ms: value["first_query_ms"].as_f64().unwrap_or(0.0),
        peak_rss_mb: value["peak_rss_mb"].as_f64(),
        rss_anon_mb: value["rss_anon_mb"].as_f64(),
        rss_file_mb: value["rss_file_mb"].as_f64(),
    })
}

/// `amparo bench search-serve`: the serving half of `amparo bench search`, in a process of
/// its own. Fits the same model (so the same queries), opens the Amparo index in `index`, runs
/// every query untimed and then timed, and prints the times and this process's memory as JSON.
pub fn search_serve(corpus: &Path, index: &Path) -> anyhow::Result<()> {
    let model = Model::fit(corpus)?;
    let queries = queries(&model);
    let search = SearchIndex::open_or_create(index, &IndexOptions::default())?;
    let viewer = half_viewer();
    let started = Instant::now();
    search.search(&amparo_request(&queries[0]), &viewer)?;
    let first_query_ms = started.elapsed().as_secs_f64() * 1e3;
    let (times, mean_hits) = time_queries(&queries, |query| {
        Ok(search.search(&amparo_request(query), &viewer)?.total)
    })?;
    let times_ns: Vec<u64> = times.iter().map(|t| t.as_nanos() as u64).collect();
    println!(
        "{}",
        json!({
            "times_ns": times_ns,
            "mean_hits": mean_hits,
            "first_query_ms": round3(first_query_ms),
            "peak_rss_mb": peak_rss_mb(),
            "rss_anon_mb": status_mb("RssAnon:"),
            "rss_file_mb": status_mb("RssFile:"),
        })
    );
    Ok(())
}

/// `amparo bench search`.
pub fn search(options: &SearchOptions) -> anyhow::Result<()> {
    if options.docs == 0 || options.threads == 0 {
        bail!("--docs and --threads must each be at least 1");
    }
    let temporary;
    let dir = match &options.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            if std::fs::read_dir(dir)?.next().is_some() {
                bail!(
                    "{} is not empty: give --keep an empty or new folder",
                    dir.display()
                );
            }
            dir.clone()
        }
        None => {
            temporary = tempfile::tempdir().context("making a temporary folder")?;
            temporary.path().to_owned()
        }
    };
    eprintln!(
        "bench: fitting a word-bigram model on {}",
        options.corpus.display()
    );
    let started = Instant::now();
    let model = Model::fit(&options.corpus)?;
    let fit_seconds = started.elapsed().as_secs_f64();
    let queries = queries(&model);
    let phrases = queries.iter().filter(|q| q.phrase).count();

    let started = Instant::now();
    let sample = options.docs.min(20_000);
    let mut words = 0usize;
    for i in 0..sample as u64 {
        words += document(&model, i).text.split(' ').count();
    }
    let generate_docs_per_s = sample as f64 / started.elapsed().as_secs_f64();

    eprintln!("bench: indexing {} documents with Amparo", options.docs);
    let amparo_dir = dir.join("amparo");
    let amparo_build = build_amparo(&amparo_dir, &model, options)?;
    eprintln!("bench: indexing them with bare tantivy");
    let bare_dir = dir.join("bare");
    std::fs::create_dir_all(&bare_dir)?;
    let bare_build = build_bare(&bare_dir, &model, options)?;
    eprintln!("bench: indexing them with SQLite FTS5");
    let fts5_path = dir.join("fts5.db");
    let fts5_build = build_fts5(&fts5_path, &model, options)?;
    let build_peak_rss_mb = peak_rss_mb();

    // Amparo is served by a process of its own, as a server would: its peak memory is then
    // the serving's alone, not the builds' leftovers in this one.
    eprintln!("bench: running {QUERIES} queries on Amparo, in a process of its own");
    let served = serve_in_child(&options.corpus, &amparo_dir)?;
    let peak_rss_serving = served.peak_rss_mb;
    let mut amparo = Engine {
        times: served.times,
        build: amparo_build,
        docs: options.docs,
        index_bytes: dir_bytes(&amparo_dir),
        mean_hits: served.mean_hits,
        extra: json!({
            "first_query_ms": served.first_query_ms,
            "serving_rss_anon_mb": served.rss_anon_mb,
            "serving_rss_file_mb": served.rss_file_mb,
        }),
    };

    eprintln!("bench: running them on bare tantivy");
    let bare_schema = bare_schema();
    let bare_index = Index::open_in_dir(&bare_dir)?;
    let reader = bare_index.reader()?;
    let searcher = reader.searcher();
    let mut parser = QueryParser::for_index(&bare_index, vec![bare_schema.body]);
    parser.set_conjunction_by_default();
    let (times, mean_hits) = time_queries(&queries, |query| {
        let (parsed, _) = parser.parse_query_lenient(&query.tantivy());
        let facet = |name: &str| {
            let mut collector = FacetCollector::for_field(name);
            collector.add_facet(Facet::root());
            collector
        };
        let (top, kinds, violations, years) = searcher.search(
            &*parsed,
            &(
                TopDocs::with_limit(10).order_by_score(),
                facet("kind"),
                facet("violation"),
                facet("year"),
            ),
        )?;
        std::hint::black_box((&top, &violations, &years));
        Ok(kinds.get("/").map(|(_, count)| count).sum())
    })?;
    let mut bare = Engine {
        times,
        build: bare_build,
        docs: options.docs,
        index_bytes: dir_bytes(&bare_dir),
        mean_hits,
        extra: json!({"segments": searcher.segment_readers().len()}),
    };
    drop(searcher);

    eprintln!("bench: running them on SQLite FTS5");
    let db = rusqlite::Connection::open(&fts5_path)?;
    let mut select =
        db.prepare("SELECT rowid FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT 10")?;
    let (times, mean_hits) = time_queries(&queries, |query| {
        let rows: Vec<i64> = select
            .query_map([query.fts5()], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows.len() as u64)
    })?;
    let mut fts5 = Engine {
        times,
        build: fts5_build,
        docs: options.docs,
        index_bytes: dir_bytes(&fts5_path),
        mean_hits,
        extra: json!({"mean_total_hits_note": "FTS5 counts the top 10 only"}),
    };
    report(Report {
        options,
        model: &model,
        fit_seconds,
        phrases,
        words_per_doc: words as f64 / sample as f64,
        generate_docs_per_s,
        amparo: &mut amparo,
        bare: &mut bare,
        fts5: &mut fts5,
        peak_rss_serving,
        build_peak_rss_mb,
    })
}

struct Report<'a> {
    options: &'a SearchOptions,
    model: &'a Model,
    fit_seconds: f64,
    phrases: usize,
    words_per_doc: f64,
    generate_docs_per_s: f64,
    amparo: &'a mut Engine,
    bare: &'a mut Engine,
    fts5: &'a mut Engine,
    peak_rss_serving: Option<f64>,
    build_peak_rss_mb: Option<f64>,
}

fn report(report: Report<'_>) -> anyhow::Result<()> {
    let to_bare = ratio(report.amparo.p99(), report.bare.p99());
    let to_fts5 = ratio(report.amparo.p99(), report.fts5.p99());
    let amparo = report.amparo.json();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let value = json!({
        "suite": "search",
        "docs": report.options.docs,
        "queries": QUERIES,
        "phrase_queries": report.phrases,
        "words_per_doc": round1(report.words_per_doc),
        "generate_docs_per_s": round1(report.generate_docs_per_s),
        "indexing_threads": report.options.threads,
        "search_threads": default_search_threads(),
        "corpus": {
            "html_files": report.model.files,
            "words": report.model.tokens,
            "vocabulary": report.model.words.len(),
            "fit_seconds": round3(report.fit_seconds),
        },
        "amparo": amparo,
        "bare": report.bare.json(),
        "fts5": report.fts5.json(),
        "peak_rss_mb": report.peak_rss_serving,
        "build_peak_rss_mb": report.build_peak_rss_mb,
        "ratios": {
            "amparo_p99_to_bare_p99": to_bare,
            "amparo_p99_to_fts5_p99": to_fts5,
        },
        "targets": {
            "p50_ms": TARGET_P50_MS,
            "p99_ms": TARGET_P99_MS,
            "amparo_p99_to_bare_p99": TARGET_RATIO_TO_BARE,
            "amparo_p99_to_fts5_p99": TARGET_RATIO_TO_FTS5,
            "build_docs_per_s": TARGET_BUILD_DOCS_PER_S,
            "peak_rss_mb": TARGET_PEAK_RSS_MB,
        },
        "seed": SEED,
        "machine": {"cores": cores, "os": std::env::consts::OS, "arch": std::env::consts::ARCH},
        "build": build,
    });
    if report.options.json {
        println!("{value}");
        return Ok(());
    }
    println!(
        "amparo bench search: {} documents of {:.0} words, {QUERIES} queries ({} phrases); {cores} cores, {build} build",
        report.options.docs, report.words_per_doc, report.phrases
    );
    for name in ["amparo", "bare", "fts5"] {
        let engine = &value[name];
        println!(
            "{name:<7} p50 {:>8.3} ms  p95 {:>8.3} ms  p99 {:>8.3} ms  build {:>9.0} docs/s  index {:>8.1} MB  hits/query {:>10.1}",
            engine["p50_ms"].as_f64().unwrap_or(0.0),
            engine["p95_ms"].as_f64().unwrap_or(0.0),
            engine["p99_ms"].as_f64().unwrap_or(0.0),
            engine["build_docs_per_s"].as_f64().unwrap_or(0.0),
            engine["index_mb"].as_f64().unwrap_or(0.0),
            engine["mean_total_hits"].as_f64().unwrap_or(0.0),
        );
    }
    println!(
        "amparo p99 / bare p99 {to_bare:.3} (target <= {TARGET_RATIO_TO_BARE}); amparo p99 / fts5 p99 {to_fts5:.4} (target <= {TARGET_RATIO_TO_FTS5}); peak RSS while serving {} MB (target <= {TARGET_PEAK_RSS_MB}), during the builds {} MB",
        report
            .peak_rss_serving
            .map_or("unknown".into(), |mb| format!("{mb:.0}")),
        report
            .build_peak_rss_mb
            .map_or("unknown".into(), |mb| format!("{mb:.0}")),
    );
    Ok(())
}
