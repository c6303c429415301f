//! Evaluates the article extractor on two public corpora and prints a summary.
//!
//! ```text
//! cargo run --release -p amparo-ingest --example eval_articles -- /work/shared/corpora [--verbose]
//! ```
//!
//! * `articles-readability/<case>/`: token 4-gram F1 of our text against the text of
//!   `expected.html` (Readability's output, a reference rather than gold), title, byline and
//!   date agreement with `expected-metadata.json`.
//! * `articles-trafilatura-es/`: must-include (`with`) and must-exclude (`without`) snippets of
//!   `evaldata.json` for the 48 Spanish pages in `eval/`, scored as upstream does.
//! * Throughput of `extract_article` over all pages (best of three runs per page).
//!
//! Nothing from the corpora is copied; the folder is an argument. Always exits 0.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use amparo_ingest::article::{Article, extract_article};
use unicode_normalization::UnicodeNormalization;

/// The URL the Readability test pages were fetched from (upstream uses it for every case).
const READABILITY_URL: &str = "http://fakehost/test/page.html";

/// Pages at least this big count as real pages rather than unit-style fixtures.
const REAL_PAGE_BYTES: usize = 20_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|arg| arg == "--verbose");
    let Some(root) = args.iter().find(|arg| !arg.starts_with("--")) else {
        eprintln!("usage: eval_articles CORPORA_DIR [--verbose]");
        return;
    };
    let root = Path::new(root);
    let mut timings = Timings::default();
    readability_corpus(root, verbose, &mut timings);
    snippet_corpus(root, verbose, &mut timings);
    timings.report();
}

/// Runs the extractor three times and keeps the fastest run's time.
fn timed_extract(html: &[u8], url: Option<&str>, timings: &mut Timings) -> Article {
    let mut best = Duration::MAX;
    let mut article = Article::default();
    for _ in 0..3 {
        let start = Instant::now();
        article = extract_article(html, url);
        best = best.min(start.elapsed());
    }
    timings.add(html.len(), best);
    article
}

#[derive(Default)]
struct Timings {
    bytes: usize,
    time: Duration,
    mid_bytes: usize,
    mid_time: Duration,
    pages: usize,
}

impl Timings {
    fn add(&mut self, bytes: usize, time: Duration) {
        self.bytes += bytes;
        self.time += time;
        self.pages += 1;
        if (50_000..=300_000).contains(&bytes) {
            self.mid_bytes += bytes;
            self.mid_time += time;
        }
    }

    fn report(&self) {
        let rate = |bytes: usize, time: Duration| bytes as f64 / time.as_secs_f64().max(1e-9) / 1e6;
        println!("\n== throughput (release build, one core, best of 3 runs per page)");
        println!(
            "all {} pages: {:.1} MB in {:.3} s = {:.0} MB/s; pages of 50-300 KB: {:.0} MB/s",
            self.pages,
            self.bytes as f64 / 1e6,
            self.time.as_secs_f64(),
            rate(self.bytes, self.time),
            rate(self.mid_bytes, self.mid_time),
        );
    }
}

fn readability_corpus(root: &Path, verbose: bool, timings: &mut Timings) {
    let folder = root.join("articles-readability");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        println!("no {} folder; skipped", folder.display());
        return;
    };
    let mut cases: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.join("source.html").is_file())
        .collect();
    cases.sort();
    println!("== articles-readability ({} cases)", cases.len());
    let (mut f1_all, mut f1_real, mut n_real, mut real_good) = (0.0, 0.0, 0, 0);
    let mut title = Agreement::default();
    let mut byline = Agreement::default();
    let mut date = Agreement::default();
    let mut low = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let (Ok(source), Ok(expected)) = (
            std::fs::read(case.join("source.html")),
            std::fs::read_to_string(case.join("expected.html")),
        ) else {
            continue;
        };
        let metadata: serde_json::Value = std::fs::read(case.join("expected-metadata.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let article = timed_extract(&source, Some(READABILITY_URL), timings);
        let f1 = ngram_f1(
            &normalize(&fragment_text(&expected)),
            &normalize(&article.text),
        );
        f1_all += f1;
        if source.len() >= REAL_PAGE_BYTES {
            n_real += 1;
            f1_real += f1;
            real_good += usize::from(f1 >= 0.8);
            if f1 < 0.8 {
                low.push(format!("{name} {f1:.3}"));
            }
        }
        if verbose {
            println!("{name:45} F1 {f1:.3}");
        }
        if let Some(expected) = metadata["title"].as_str() {
            // An empty expected title means "no title"; ours must then be absent too.
            let expected = Some(normalize(expected)).filter(|title| !title.is_empty());
            let ours = article.title.as_deref().map(normalize);
            title.total += 1;
            title.right += usize::from(expected == ours);
        }
        if let Some(expected) = metadata["byline"].as_str() {
            byline.check(
                Some(&normalize(expected)),
                article.byline.as_deref().map(normalize).as_deref(),
            );
        }
        if let Some(expected) = metadata["publishedTime"].as_str() {
            date.check(
                expected.get(..10),
                article.published.map(|t| t.date().to_string()).as_deref(),
            );
        }
    }
    let n = cases.len().max(1) as f64;
    println!(
        "token 4-gram F1, macro average: all {} cases {:.3}",
        cases.len(),
        f1_all / n
    );
    println!(
        "real pages (source >= {} KB): {} cases, F1 {:.3}, {} with F1 >= 0.8",
        REAL_PAGE_BYTES / 1000,
        n_real,
        f1_real / n_real.max(1) as f64,
        real_good
    );
    println!("real pages with F1 < 0.8: {}", low.join(", "));
    println!(
        "title exact (whitespace-collapsed, empty = none): {}",
        title.summary()
    );
    println!(
        "byline exact (where expected is a string): {}",
        byline.summary()
    );
    println!(
        "published date, same day as written (where expected): {}",
        date.summary()
    );
}

fn snippet_corpus(root: &Path, verbose: bool, timings: &mut Timings) {
    let folder = root.join("articles-trafilatura-es");
    let Some(data) = std::fs::read(folder.join("evaldata.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
    else {
        println!("no {} evaldata.json; skipped", folder.display());
        return;
    };
    let mut entries: Vec<(&str, &serde_json::Value)> = data
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, entry)| Some((entry["file"].as_str()?, entry)))
        .filter(|(file, _)| folder.join("eval").join(file).is_file())
        .collect();
    entries.sort_by_key(|(file, _)| *file);
    println!("\n== articles-trafilatura-es ({} pages)", entries.len());
    let (mut tp, mut fn_, mut fp, mut tn) = (0, 0, 0, 0);
    let mut title = Agreement::default();
    let mut date = Agreement::default();
    let mut failures = Vec::new();
    for (file, entry) in entries {
        let Ok(source) = std::fs::read(folder.join("eval").join(file)) else {
            continue;
        };
        let article = timed_extract(&source, None, timings);
        let text = collapse(&article.text);
        for snippet in strings(&entry["with"]) {
            if text.contains(&snippet) {
                tp += 1;
            } else {
                fn_ += 1;
                failures.push(format!("{file}: missing {snippet:?}"));
            }
        }
        for snippet in strings(&entry["without"]) {
            if text.contains(&snippet) {
                fp += 1;
                failures.push(format!("{file}: leaked {snippet:?}"));
            } else {
                tn += 1;
            }
        }
        if let Some(expected) = entry["title"].as_str().filter(|t| !t.is_empty()) {
            title.check(
                Some(&collapse(expected)),
                article.title.as_deref().map(collapse).as_deref(),
            );
        }
        if let Some(expected) = entry["date"].as_str().filter(|d| !d.is_empty()) {
            date.check(
                Some(expected),
                article.published.map(|t| t.date().to_string()).as_deref(),
            );
        }
    }
    let share = |part: usize, whole: usize| 100.0 * part as f64 / whole.max(1) as f64;
    println!(
        "must-include found: {tp}/{} ({:.1} %); must-exclude absent: {tn}/{} ({:.1} %)",
        tp + fn_,
        share(tp, tp + fn_),
        fp + tn,
        share(tn, fp + tn)
    );
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "upstream scoring: precision {:.3}, recall {:.3}, F1 {:.3}, accuracy {:.3}",
        precision,
        recall,
        2.0 * tp as f64 / (2 * tp + fp + fn_).max(1) as f64,
        (tp + tn) as f64 / (tp + fn_ + fp + tn).max(1) as f64
    );
    println!("title exact (whitespace-collapsed): {}", title.summary());
    println!("published date (where annotated): {}", date.summary());
    if verbose {
        for failure in &failures {
            println!("  {}", failure.chars().take(160).collect::<String>());
        }
    } else {
        println!(
            "({} snippet failures; --verbose lists them)",
            failures.len()
        );
    }
}

#[derive(Default)]
struct Agreement {
    right: usize,
    total: usize,
}

impl Agreement {
    fn check(&mut self, expected: Option<&str>, ours: Option<&str>) {
        if expected.is_some() {
            self.total += 1;
            self.right += usize::from(expected == ours);
        }
    }

    fn summary(&self) -> String {
        format!(
            "{}/{} ({:.0} %)",
            self.right,
            self.total,
            100.0 * self.right as f64 / self.total.max(1) as f64
        )
    }
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|snippet| snippet.as_str())
        .map(collapse)
        .filter(|snippet| !snippet.is_empty())
        .collect()
}

/// Collapses whitespace runs to one space and trims (upstream's snippet normalisation).
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// NFC and collapsed whitespace, as the corpus README asks.
fn normalize(text: &str) -> String {
    collapse(&text.nfc().collect::<String>())
}

/// Elements whose boundaries separate words.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "td",
    "th",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "hr",
    "header",
    "footer",
    "aside",
    "nav",
    "main",
    "img",
    "caption",
    "tbody",
    "thead",
];

/// The text of an HTML fragment (`expected.html`), block boundaries as spaces.
fn fragment_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let name: String = after[..gt]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCK_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = &after[gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    out
}

/// Decodes the references Readability's serializer writes (`&amp;`, `&nbsp;`, numeric, …).
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi < 12).and_then(|semi| {
            let name = &after[..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => number.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Token 4-gram F1 over lower-cased whitespace tokens (unigrams when a side is shorter than
/// four tokens), with multiset overlap.
fn ngram_f1(reference: &str, candidate: &str) -> f64 {
    let tokens =
        |text: &str| -> Vec<String> { text.split_whitespace().map(str::to_lowercase).collect() };
    let (reference, candidate) = (tokens(reference), tokens(candidate));
    if reference.is_empty() && candidate.is_empty() {
        return 1.0;
    }
    let n = if reference.len() < 4 || candidate.len() < 4 {
        1
    } else {
        4
    };
    fn grams(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
        let mut counts: HashMap<&[String], usize> = HashMap::new();
        for window in tokens.windows(n) {
            *counts.entry(window).or_default() += 1;
        }
        counts
    }
    let (reference_grams, candidate_grams) = (grams(&reference, n), grams(&candidate, n));
    let overlap: usize = candidate_grams
        .iter()
        .map(|(gram, count)| (*count).min(reference_grams.get(gram).copied().unwrap_or(0)))
        .sum();
    let n_reference = reference.len().saturating_sub(n - 1);
    let n_candidate = candidate.len().saturating_sub(n - 1);
    if overlap == 0 || n_reference == 0 || n_candidate == 0 {
        return 0.0;
    }
    let precision = overlap as f64 / n_candidate as f64;
    let recall = overlap as f64 / n_reference as f64;
    2.0 * precision * recall / (precision + recall)
}
