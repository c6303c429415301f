//! Measures `amparo_extract::extract` against a gold set: precision, recall and F1 per type and
//! per language.
//!
//! ```text
//! cargo run --release -p amparo-extract --example eval_extract -- [DIR] [--json]
//! ```
//!
//! With `--misses`, what each text missed (`-`) and what was found that the gold set does not
//! have (`+`) goes to standard error, quotes listed as missed also when the speaker differs.
//!
//! DIR (default `crates/amparo-extract/tests/gold`) holds one JSON file per text in the format of
//! the project's gold set: `{"id", "language", "published", "text", "persons": [{"text",
//! "start", "end"}], "organizations", "places", "dates": [{…, "value", "precision"}], "counts":
//! [{…, "value"}], "quotes": [{…, "speaker"}], "posts": [{"platform", "author", "handle",
//! "date", "text", "language"}], "violations": [{"term", "start", "end"}]}`, offsets in
//! characters, end exclusive. A missing list counts as empty (another corpus converted to this
//! format need not annotate every type; its scores for a missing type are then meaningless).
//!
//! Matching (docs/extraction-evaluation.md): each gold item is matched to at most one predicted
//! item and the other way round, greedily in text order.
//! - persons, organizations, places: same kind and the same span; the lenient score only
//!   asks the spans to overlap;
//! - dates: overlapping span, same value and same precision;
//! - counts: overlapping span and same value;
//! - quotes: overlapping span;
//! - quote speakers: a matched quote whose gold speaker and predicted speaker are equal after
//!   folding (case, accents, spacing), or one contains the other; precision is over predicted
//!   quotes that have a speaker, recall over gold quotes that have one;
//! - posts: same handle (or, without handles, same author after folding) and same date;
//! - violations: same term and overlapping span.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use amparo_extract::text::fold;
use amparo_extract::{Extraction, Gazetteer, Language, Options, Precision};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

#[derive(Debug, Deserialize)]
struct GoldText {
    id: String,
    language: String,
    #[serde(default)]
    published: Option<String>,
    text: String,
    #[serde(default)]
    persons: Vec<Span>,
    #[serde(default)]
    organizations: Vec<Span>,
    #[serde(default)]
    places: Vec<Span>,
    #[serde(default)]
    dates: Vec<GoldDate>,
    #[serde(default)]
    counts: Vec<GoldCount>,
    #[serde(default)]
    quotes: Vec<GoldQuote>,
    #[serde(default)]
    posts: Vec<GoldPost>,
    #[serde(default)]
    violations: Vec<GoldViolation>,
}

#[derive(Debug, Deserialize)]
struct Span {
    start: usize,
    end: usize,
}

#[derive(Debug, Deserialize)]
struct GoldDate {
    start: usize,
    end: usize,
    value: String,
    precision: String,
}

#[derive(Debug, Deserialize)]
struct GoldCount {
    start: usize,
    end: usize,
    value: u64,
}

#[derive(Debug, Deserialize)]
struct GoldQuote {
    start: usize,
    end: usize,
    speaker: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GoldPost {
    author: Option<String>,
    handle: Option<String>,
    date: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GoldViolation {
    term: String,
    start: usize,
    end: usize,
}

/// The types scored, in the order they are printed.
const TYPES: &[&str] = &[
    "persons",
    "persons (lenient)",
    "organizations",
    "organizations (lenient)",
    "places",
    "places (lenient)",
    "dates",
    "counts",
    "quotes",
    "quote speakers",
    "posts",
    "violations",
];

const LANGUAGES: &[&str] = &["en", "es", "all"];

/// Matched, gold and predicted items of one type.
#[derive(Clone, Copy, Debug, Default, Serialize)]
struct Tally {
    gold: usize,
    predicted: usize,
    matched: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.matched += other.matched;
    }

    fn precision(&self) -> f64 {
        ratio(self.matched, self.predicted)
    }

    fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }

    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// `part / whole`, and 1 for 0/0 (nothing to find and nothing found is perfect).
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Greedy one-to-one matching: for each gold item in order, the first unmatched prediction it
/// accepts. Returns, for each gold item, the index of its prediction.
fn match_items<G, P>(
    gold: &[G],
    predicted: &[P],
    accepts: impl Fn(&G, &P) -> bool,
) -> Vec<Option<usize>> {
    let mut taken = vec![false; predicted.len()];
    gold.iter()
        .map(|g| {
            let found = predicted
                .iter()
                .enumerate()
                .position(|(index, p)| !taken[index] && accepts(g, p));
            if let Some(index) = found {
                taken[index] = true;
            }
            found
        })
        .collect()
}

fn tally<G, P>(gold: &[G], predicted: &[P], accepts: impl Fn(&G, &P) -> bool) -> Tally {
    let matched = match_items(gold, predicted, accepts)
        .iter()
        .filter(|m| m.is_some())
        .count();
    Tally {
        gold: gold.len(),
        predicted: predicted.len(),
        matched,
    }
}

fn precision_code(precision: Precision) -> &'static str {
    match precision {
        Precision::Day => "day",
        Precision::Month => "month",
        Precision::Year => "year",
    }
}

fn same_speaker(gold: &str, predicted: &str) -> bool {
    let squash = |text: &str| fold(text).split_whitespace().collect::<Vec<_>>().join(" ");
    let (gold, predicted) = (squash(gold), squash(predicted));
    !gold.is_empty()
        && !predicted.is_empty()
        && (gold == predicted || gold.contains(&predicted) || predicted.contains(&gold))
}

fn same_handle(gold: &str, predicted: &str) -> bool {
    let normal = |handle: &str| fold(handle.trim().trim_start_matches('@'));
    normal(gold) == normal(predicted)
}

/// Scores one text: a tally per type.
fn score(gold: &GoldText, found: &Extraction) -> BTreeMap<&'static str, Tally> {
    let mut tallies = BTreeMap::new();
    for (name, gold_spans, predicted) in [
        ("persons", &gold.persons, &found.persons),
        ("organizations", &gold.organizations, &found.organizations),
        ("places", &gold.places, &found.places),
    ] {
        let strict = tally(gold_spans, predicted, |g, p| {
            g.start == p.start && g.end == p.end
        });
        let lenient = tally(gold_spans, predicted, |g, p| {
            overlaps((g.start, g.end), (p.start, p.end))
        });
        let lenient_name = match name {
            "persons" => "persons (lenient)",
            "organizations" => "organizations (lenient)",
            _ => "places (lenient)",
        };
        tallies.insert(name, strict);
        tallies.insert(lenient_name, lenient);
    }
    tallies.insert(
        "dates",
        tally(&gold.dates, &found.dates, |g, p| {
            overlaps((g.start, g.end), (p.start, p.end))
                && p.value.as_deref() == Some(g.value.as_str())
                && precision_code(p.precision) == g.precision
        }),
    );
    tallies.insert(
        "counts",
        tally(&gold.counts, &found.counts, |g, p| {
            overlaps((g.start, g.end), (p.start, p.end)) && p.value == Some(g.value)
        }),
    );
    let quote_matches = match_items(&gold.quotes, &found.quotes, |g, p| {
        overlaps((g.start, g.end), (p.start, p.end))
    });
    tallies.insert(
        "quotes",
        Tally {
            gold: gold.quotes.len(),
            predicted: found.quotes.len(),
            matched: quote_matches.iter().filter(|m| m.is_some()).count(),
        },
    );
    let speakers_right = gold
        .quotes
        .iter()
        .zip(&quote_matches)
        .filter(|(g, m)| {
            let predicted = m.and_then(|index| found.quotes[index].speaker.as_deref());
            match (g.speaker.as_deref(), predicted) {
                (Some(g), Some(p)) => same_speaker(g, p),
                _ => false,
            }
        })
        .count();
    tallies.insert(
        "quote speakers",
        Tally {
            gold: gold.quotes.iter().filter(|q| q.speaker.is_some()).count(),
            predicted: found.quotes.iter().filter(|q| q.speaker.is_some()).count(),
            matched: speakers_right,
        },
    );
    tallies.insert(
        "posts",
        tally(&gold.posts, &found.posts, |g, p| {
            let who = match (g.handle.as_deref(), p.handle.as_deref()) {
                (Some(g), Some(p)) => same_handle(g, p),
                _ => match (g.author.as_deref(), p.author.as_deref()) {
                    (Some(g), Some(p)) => same_speaker(g, p),
                    _ => false,
                },
            };
            who && g.date == p.date
        }),
    );
    tallies.insert(
        "violations",
        tally(&gold.violations, &found.violations, |g, p| {
            g.term == p.term && overlaps((g.start, g.end), (p.start, p.end))
        }),
    );
    tallies
}

/// What one kind of item missed in one text: the gold items no prediction matched (`-`) and
/// the predictions that matched no gold item (`+`), by their characters.
fn miss_lines<G, P>(
    kind: &str,
    text: &[char],
    gold: &[G],
    predicted: &[P],
    span_g: impl Fn(&G) -> (usize, usize, String),
    span_p: impl Fn(&P) -> (usize, usize, String),
    accepts: impl Fn(&G, &P) -> bool,
) -> Vec<String> {
    let matches = match_items(gold, predicted, accepts);
    let quote = |(start, end, extra): (usize, usize, String)| {
        let words: String = text
            .get(start.min(end)..end.min(text.len()))
            .unwrap_or_default()
            .iter()
            .collect();
        format!("{words:?} {start}..{end} {extra}")
    };
    let mut lines = Vec::new();
    for (item, found) in gold.iter().zip(&matches) {
        if found.is_none() {
            lines.push(format!("  - {kind} {}", quote(span_g(item))));
        }
    }
    for (index, item) in predicted.iter().enumerate() {
        if !matches.contains(&Some(index)) {
            lines.push(format!("  + {kind} {}", quote(span_p(item))));
        }
    }
    lines
}

/// The misses of one text, for `--misses`.
fn misses(gold: &GoldText, found: &Extraction) -> Vec<String> {
    let text: Vec<char> = gold.text.chars().collect();
    let mut lines = Vec::new();
    for (kind, gold_spans, predicted) in [
        ("person", &gold.persons, &found.persons),
        ("organization", &gold.organizations, &found.organizations),
        ("place", &gold.places, &found.places),
    ] {
        lines.extend(miss_lines(
            kind,
            &text,
            gold_spans,
            predicted,
            |g| (g.start, g.end, String::new()),
            |p| (p.start, p.end, String::new()),
            |g, p| g.start == p.start && g.end == p.end,
        ));
    }
    lines.extend(miss_lines(
        "date",
        &text,
        &gold.dates,
        &found.dates,
        |g| (g.start, g.end, format!("{} {}", g.value, g.precision)),
        |p| {
            let value = p.value.as_deref().unwrap_or("?");
            (
                p.start,
                p.end,
                format!("{value} {}", precision_code(p.precision)),
            )
        },
        |g, p| {
            overlaps((g.start, g.end), (p.start, p.end))
                && p.value.as_deref() == Some(g.value.as_str())
                && precision_code(p.precision) == g.precision
        },
    ));
    lines.extend(miss_lines(
        "count",
        &text,
        &gold.counts,
        &found.counts,
        |g| (g.start, g.end, g.value.to_string()),
        |p| (p.start, p.end, format!("{:?}", p.value)),
        |g, p| overlaps((g.start, g.end), (p.start, p.end)) && p.value == Some(g.value),
    ));
    lines.extend(miss_lines(
        "quote",
        &text,
        &gold.quotes,
        &found.quotes,
        |g| (g.start, g.end, format!("speaker {:?}", g.speaker)),
        |p| (p.start, p.end, format!("speaker {:?}", p.speaker)),
        |g, p| {
            overlaps((g.start, g.end), (p.start, p.end))
                && match (g.speaker.as_deref(), p.speaker.as_deref()) {
                    (Some(g), Some(p)) => same_speaker(g, p),
                    (None, None) => true,
                    _ => false,
                }
        },
    ));
    lines.extend(miss_lines(
        "violation",
        &text,
        &gold.violations,
        &found.violations,
        |g| (g.start, g.end, g.term.clone()),
        |p| (p.start, p.end, p.term.clone()),
        |g, p| g.term == p.term && overlaps((g.start, g.end), (p.start, p.end)),
    ));
    lines
}

fn load(dir: &Path) -> Result<Vec<GoldText>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|error| format!("could not read {}: {error}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("could not read {}: {error}", path.display()))?;
            serde_json::from_str(&text)
                .map_err(|error| format!("{} is not a gold file: {error}", path.display()))
        })
        .collect()
}

#[derive(Serialize)]
struct Score {
    gold: usize,
    predicted: usize,
    matched: usize,
    precision: f64,
    recall: f64,
    f1: f64,
}

fn main() {
    let mut dir = None;
    let mut json = false;
    let mut show_misses = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            "--misses" => show_misses = true,
            "-h" | "--help" => {
                println!("usage: eval_extract [DIR] [--json] [--misses]");
                return;
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("usage: eval_extract [DIR] [--json] [--misses]");
                std::process::exit(2);
            }
        }
    }
    let dir = dir.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold"));
    let texts = match load(&dir) {
        Ok(texts) => texts,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    // The names that ship with Amparo, and no installation's.
    let gazetteer = Gazetteer::builtin();
    let mut totals: BTreeMap<(&str, &str), Tally> = BTreeMap::new();
    let mut files: BTreeMap<&str, usize> = BTreeMap::new();
    let mut elapsed = Duration::ZERO;
    for gold in &texts {
        let language = Language::from_code(&gold.language);
        let published = gold.published.as_deref().and_then(|published| {
            Date::parse(published, format_description!("[year]-[month]-[day]")).ok()
        });
        let options = Options {
            language,
            published,
        };
        let started = Instant::now();
        let found = amparo_extract::extract(&gold.text, &options, &gazetteer);
        elapsed += started.elapsed();
        if show_misses {
            let lines = misses(gold, &found);
            if !lines.is_empty() {
                eprintln!("{}:\n{}", gold.id, lines.join("\n"));
            }
        }
        let group = language.map_or("other", Language::code);
        *files.entry(group).or_default() += 1;
        *files.entry("all").or_default() += 1;
        for (name, tally) in score(gold, &found) {
            totals.entry((name, group)).or_default().add(tally);
            totals.entry((name, "all")).or_default().add(tally);
        }
    }
    if json {
        let mut scores = serde_json::Map::new();
        for name in TYPES {
            let mut by_language = serde_json::Map::new();
            for language in LANGUAGES {
                let tally = totals.get(&(*name, *language)).copied().unwrap_or_default();
                let score = Score {
                    gold: tally.gold,
                    predicted: tally.predicted,
                    matched: tally.matched,
                    precision: tally.precision(),
                    recall: tally.recall(),
                    f1: tally.f1(),
                };
                by_language.insert(
                    (*language).to_owned(),
                    serde_json::to_value(score).unwrap_or_default(),
                );
            }
            scores.insert((*name).to_owned(), serde_json::Value::Object(by_language));
        }
        let value = serde_json::json!({
            "dir": dir.display().to_string(),
            "texts": files,
            "milliseconds": elapsed.as_secs_f64() * 1000.0,
            "scores": scores,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return;
    }
    println!(
        "{} texts in {} ({} en, {} es), extracted in {:.1} ms",
        texts.len(),
        dir.display(),
        files.get("en").copied().unwrap_or(0),
        files.get("es").copied().unwrap_or(0),
        elapsed.as_secs_f64() * 1000.0
    );
    println!();
    print!("{:<24}", "type");
    for language in LANGUAGES {
        print!(" | {:^22}", format!("{language}: P / R / F1"));
    }
    println!(" | gold  pred  match (all)");
    for name in TYPES {
        print!("{name:<24}");
        for language in LANGUAGES {
            let tally = totals.get(&(*name, *language)).copied().unwrap_or_default();
            print!(
                " | {:>6.1} {:>6.1} {:>6.1}  ",
                tally.precision() * 100.0,
                tally.recall() * 100.0,
                tally.f1() * 100.0
            );
        }
        let all = totals.get(&(*name, "all")).copied().unwrap_or_default();
        println!(
            " | {:>4}  {:>4}  {:>5}",
            all.gold, all.predicted, all.matched
        );
    }
}
