//! Measures `amparo_ingest::lang` on the held-out tenth of the gettext messages that
//! `train_lang` did not count, and the throughput of language detection and of the duplicate
//! fingerprints.
//!
//! ```text
//! cargo run --release -p amparo-ingest --example eval_lang -- [LOCALE_ROOT [FILE...]]
//! cargo run --release -p amparo-ingest --example eval_lang -- bench FILE...
//! ```
//!
//! Accuracy is reported per language for single messages of 1–4, 5–10 and 11–30 words and for
//! runs of consecutive messages joined to at least 50 words, with the confusions of Spanish.
//! Throughput is measured on all held-out text (1.5 MB, twelve languages) and on any further
//! files named after the locale root (for instance a few news articles).

#[path = "support/mo_corpus.rs"]
mod mo_corpus;

use std::collections::BTreeMap;
use std::path::PathBuf;

use amparo_ingest::{dedup, lang};

const BINS: [(&str, usize, usize); 4] = [
    ("1-4 words", 1, 4),
    ("5-10 words", 5, 10),
    ("11-30 words", 11, 30),
    (">=50 words", 50, usize::MAX),
];

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|arg| arg == "bench") {
        for file in args.skip(1) {
            let text = std::fs::read_to_string(&file).expect("read the benchmark file");
            println!("throughput on {file} ({} bytes), one core:", text.len());
            throughput(&text);
        }
        return;
    }
    let locale_root = PathBuf::from(args.next().unwrap_or_else(|| "/usr/share/locale".into()));
    let bench_files: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let corpus = mo_corpus::read_corpus(&locale_root);
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    println!(
        "language  {}",
        BINS.map(|(name, _, _)| format!("{name:>18}")).join("")
    );
    let mut overall = [(0usize, 0usize); BINS.len()];
    let mut calibration = [(0usize, 0usize); 10];
    let mut all_text = String::new();
    for (code, _) in mo_corpus::LANGUAGES {
        let held_out: Vec<&str> = corpus[code]
            .iter()
            .filter(|m| m.held_out)
            .map(|m| m.text.as_str())
            .collect();
        let mut samples: Vec<String> = held_out.iter().map(|s| s.to_string()).collect();
        let mut joined = String::new();
        for text in &held_out {
            joined.push_str(text);
            joined.push_str(". ");
            if joined.split_whitespace().count() >= 50 {
                samples.push(std::mem::take(&mut joined));
            }
        }
        let mut row = String::new();
        for (bin, (_, low, high)) in BINS.iter().enumerate() {
            let (mut right, mut total) = (0, 0);
            for sample in &samples {
                let words = sample.split_whitespace().count();
                if words < *low || words > *high {
                    continue;
                }
                let detection = lang::detect(sample);
                total += 1;
                let correct = detection.language == *code;
                if correct {
                    right += 1;
                }
                let decile = ((detection.confidence * 10.0) as usize).min(9);
                calibration[decile].0 += usize::from(correct);
                calibration[decile].1 += 1;
                *confusion
                    .entry((code.to_string(), detection.language))
                    .or_default() += 1;
            }
            overall[bin].0 += right;
            overall[bin].1 += total;
            row.push_str(&format!("{:>9.1}% of {:>5}", percent(right, total), total));
        }
        println!("{code:<9} {row}");
        for text in held_out {
            all_text.push_str(text);
            all_text.push('\n');
        }
    }
    let row: String = overall
        .iter()
        .map(|&(right, total)| format!("{:>9.1}% of {:>5}", percent(right, total), total))
        .collect();
    println!("{:<9} {row}", "all");

    println!("\nconfusions involving Spanish (true -> detected: count):");
    for ((truth, detected), count) in &confusion {
        if truth != detected && (truth == "es" || detected == "es") {
            println!("  {truth} -> {detected}: {count}");
        }
    }
    println!("\ncalibration (confidence decile: accuracy of n):");
    for (decile, (right, total)) in calibration.iter().enumerate() {
        if *total > 0 {
            println!(
                "  {:.1}-{:.1}: {:>5.1}% of {total}",
                decile as f64 / 10.0,
                (decile + 1) as f64 / 10.0,
                percent(*right, *total)
            );
        }
    }
    println!(
        "\nthroughput on {:.1} MB of held-out text, one core:",
        all_text.len() as f64 / 1e6
    );
    throughput(&all_text);
    for file in bench_files {
        let text = std::fs::read_to_string(&file).expect("read the benchmark file");
        println!(
            "\nthroughput on {} ({} bytes), one core:",
            file.display(),
            text.len()
        );
        throughput(&text);
    }
}

fn percent(right: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * right as f64 / total as f64
    }
}

/// Times detection and fingerprints on `text`.
fn throughput(text: &str) {
    let _ = lang::detect("warm up the model");
    let megabytes = text.len() as f64 / 1e6;
    let paragraphs: Vec<&str> = text.lines().collect();
    // Processor time of this thread, not wall time: the machine may be busy with other work.
    let time = |name: &str, run: &dyn Fn()| {
        let start = thread_cpu_seconds();
        let mut rounds = 0u32;
        while rounds < 3 || thread_cpu_seconds() - start < 1.0 {
            run();
            rounds += 1;
        }
        let seconds = (thread_cpu_seconds() - start) / f64::from(rounds);
        println!("{name:<40} {:>8.1} MB/s", megabytes / seconds);
    };
    time("reference: str::to_lowercase", &|| {
        std::hint::black_box(text.to_lowercase());
    });
    time("lang::detect, whole text at once", &|| {
        std::hint::black_box(lang::detect(text));
    });
    time("lang::detect, per message", &|| {
        for paragraph in &paragraphs {
            std::hint::black_box(lang::detect(paragraph));
        }
    });
    time("lang::analyze, whole text at once", &|| {
        std::hint::black_box(lang::analyze(text));
    });
    time("dedup::normalize_text", &|| {
        std::hint::black_box(dedup::normalize_text(text));
    });
    time("dedup::exact_fingerprint", &|| {
        std::hint::black_box(dedup::exact_fingerprint(text));
    });
    time("dedup::simhash", &|| {
        std::hint::black_box(dedup::simhash(text));
    });
    time("dedup::fingerprints (exact + simhash)", &|| {
        std::hint::black_box(dedup::fingerprints(text));
    });
}

/// User plus system time of the current thread, from `/proc/thread-self/stat` (Linux), in
/// seconds; its resolution is a clock tick (10 ms), so each measurement runs for a second.
fn thread_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("Linux /proc");
    let after_name = &stat[stat.rfind(')').expect("stat has a name") + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // Fields 14 and 15 of stat(5), counted from the state field (3) here.
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}
