//! `amparo bench web` on a tiny installation: the harness runs end to end over HTTP and reports
//! every route in the documented shape. This checks the harness, never the speed.

use std::path::Path;

use serde_json::Value;

mod common;

/// Runs `amparo ARGS…` to the end.
fn amparo(args: &[&str]) -> std::process::Output {
    common::command(None)
        .args(args)
        .output()
        .expect("the amparo binary runs")
}

fn number(value: &Value, route: &str, field: &str) -> f64 {
    value[route][field]
        .as_f64()
        .unwrap_or_else(|| panic!("{route}.{field} is not a number in {value}"))
}

#[test]
fn bench_web_reports_every_route_without_errors() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let keep = dir.path().join("bench");
    let output = amparo(&[
        "bench",
        "web",
        "--persons",
        "200",
        "--clients",
        "4",
        "--seconds",
        "1",
        "--json",
        "--keep",
        keep.to_str().expect("UTF-8 path"),
    ]);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "bench failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Exactly one JSON object on standard output.
    assert_eq!(stdout.trim().lines().count(), 1, "{stdout}");
    let report: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(report["suite"], "web");
    assert_eq!(report["person_count"], 200);
    assert_eq!(report["clients"], 4);
    assert_eq!(report["seconds_per_route"], 1);
    assert_eq!(report["target_p99_ms"], 100);
    assert!(report["machine"]["cores"].as_u64().is_some_and(|n| n >= 1));
    assert!(matches!(
        report["build"].as_str(),
        Some("debug" | "release")
    ));
    for route in ["health", "dashboard", "person", "persons", "api_list"] {
        for field in [
            "rps",
            "p50_ms",
            "p90_ms",
            "p99_ms",
            "max_ms",
            "requests",
            "errors",
            "timeouts",
            "ratio_p99_to_health",
        ] {
            number(&report, route, field);
        }
        assert!(
            number(&report, route, "requests") > 0.0,
            "{route}: {report}"
        );
        assert_eq!(report[route]["errors"], 0, "{route}: {report}");
        assert!(number(&report, route, "rps") > 0.0, "{route}: {report}");
        let p50 = number(&report, route, "p50_ms");
        let p90 = number(&report, route, "p90_ms");
        let p99 = number(&report, route, "p99_ms");
        let max = number(&report, route, "max_ms");
        assert!(p50 <= p90 && p90 <= p99 && p99 <= max, "{route}: {report}");
    }
    assert_eq!(report["health"]["ratio_p99_to_health"], 1.0);
    // The same routes on the same data without encryption at rest, and the ratio between the
    // two runs.
    assert_eq!(report["target_encryption_ratio"], 1.15);
    for route in ["health", "dashboard", "person", "persons", "api_list"] {
        assert_eq!(
            report["encryption_off"][route]["errors"], 0,
            "{route}: {report}"
        );
        assert!(number(&report["encryption_off"], route, "requests") > 0.0);
        assert!(number(&report["encryption_cost"], route, "p50_ratio") > 0.0);
        assert!(number(&report["encryption_cost"], route, "p99_ratio") > 0.0);
    }
    assert!(
        keep.with_file_name("bench-unencrypted")
            .join("amparo.db")
            .is_file()
    );
    // The installation was generated as asked, and kept.
    assert_eq!(report["data"]["persons"], 200);
    let periods = report["data"]["custody_periods"].as_u64().expect("periods");
    assert!((400..=1200).contains(&periods), "{report}");
    assert!(report["data"]["whereabouts_unknown_periods"].as_u64() > Some(0));
    assert!(report["data"]["open_ended_periods"].as_u64() > Some(0));
    assert!(Path::new(&keep).join("config.toml").is_file());
    // A kept folder is never reused.
    let again = amparo(&[
        "bench",
        "web",
        "--persons",
        "10",
        "--keep",
        keep.to_str().expect("UTF-8 path"),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds an installation"));
}

#[test]
fn bench_log_reports_the_documented_numbers() {
    let output = amparo(&[
        "bench",
        "log",
        "--leaves",
        "2000",
        "--batch",
        "500",
        "--proof-leaves",
        "3000",
        "--proofs",
        "200",
        "--bundle-mb",
        "1",
        "--json",
    ]);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "bench failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.trim().lines().count(), 1, "{stdout}");
    let report: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(report["suite"], "log");
    assert_eq!(report["leaves"], 2000);
    assert_eq!(report["proofs"]["tree_size"], 3000);
    assert_eq!(report["proofs"]["count"], 200);
    for key in [
        "appends_per_s",
        "proof_us_at_10m",
        "bundle_verify_mb_per_s",
        "sha256_mb_per_s",
    ] {
        let value = report[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is not a number in {report}"));
        assert!(value > 0.0, "{key} = {value}");
    }
    let p50 = report["proofs"]["us_p50"].as_f64().expect("p50");
    let p99 = report["proofs"]["us_p99"].as_f64().expect("p99");
    assert!(p50 <= p99, "percentiles in order: {report}");
    assert!(
        report["appends"]["baseline_plain_inserts_per_s"]
            .as_f64()
            .is_some_and(|v| v > 0.0)
    );
    assert!(
        report["bundle"]["ratio_to_sha256"]
            .as_f64()
            .is_some_and(|v| v > 0.0)
    );
}

#[test]
fn bench_log_refuses_batches_over_a_thousand() {
    let output = amparo(&["bench", "log", "--batch", "1001", "--json"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--batch must be between 1 and 1000"),
        "{stderr}"
    );
}

#[test]
fn bench_ingest_reports_the_documented_numbers() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let keep = dir.path().join("ingest");
    let output = amparo(&[
        "bench",
        "ingest",
        "--pages",
        "5",
        "--items",
        "50",
        "--persisted",
        "20",
        "--json",
        "--keep",
        keep.to_str().expect("UTF-8 path"),
    ]);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "bench failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.trim().lines().count(), 1, "{stdout}");
    let report: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(report["suite"], "ingest");
    for key in [
        "html_mb_per_s_per_core",
        "feed_items_per_s",
        "persisted_items_per_s",
        "peak_rss_mb",
    ] {
        let value = report[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is not a number in {report}"));
        assert!(value > 0.0, "{key} = {value}");
    }
    // Every input was processed, as many as asked for.
    assert_eq!(report["html"]["pages"], 5);
    assert_eq!(report["feeds"]["items"], 50);
    assert_eq!(report["feeds"]["feeds"], 1);
    let persisted = &report["persisted"];
    assert_eq!(persisted["items"], 20);
    assert_eq!(persisted["pages_captured"], 20);
    assert_eq!(persisted["feeds"], 1);
    // The poll fetched the feed and each page once.
    assert_eq!(persisted["requests_served"], 21);
    assert_eq!(persisted["host_delay_ms"], 0);
    assert_eq!(persisted["baseline"]["requests"], 21);
    // Baselines and ratios, measured in the same run.
    for (section, key) in [
        ("html", "baseline_sha256_mb_per_s"),
        ("html", "ratio_to_sha256"),
        ("feeds", "baseline_sha256_items_per_s"),
        ("feeds", "ratio_to_sha256"),
        ("persisted", "ratio_to_plain_gets"),
    ] {
        assert!(
            report[section][key].as_f64().is_some_and(|v| v > 0.0),
            "{section}.{key} in {report}"
        );
    }
    assert!(
        persisted["baseline"]["items_per_s"]
            .as_f64()
            .is_some_and(|v| v > 0.0)
    );
    for latencies in [
        &report["html"]["page_ms"],
        &report["feeds"]["feed_ms"],
        &persisted["batch_ms"],
        &persisted["baseline"]["request_ms"],
    ] {
        let at = |key: &str| latencies[key].as_f64().expect("a percentile");
        assert!(
            at("p50_ms") <= at("p95_ms")
                && at("p95_ms") <= at("p99_ms")
                && at("p99_ms") <= at("max_ms"),
            "percentiles in order: {latencies}"
        );
    }
    assert_eq!(report["targets"]["html_mb_per_s_per_core"], 50.0);
    assert_eq!(report["targets"]["feed_items_per_s"], 20_000.0);
    assert_eq!(report["targets"]["persisted_items_per_s"], 1_000.0);
    assert!(report["machine"]["cores"].as_u64().is_some_and(|n| n >= 1));
    // The installation was kept, and a kept folder is never reused.
    assert!(keep.join("config.toml").is_file());
    let again = amparo(&[
        "bench",
        "ingest",
        "--keep",
        keep.to_str().expect("UTF-8 path"),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds an installation"));
}

#[test]
fn bench_extract_reports_the_documented_numbers() {
    let output = amparo(&[
        "bench", "extract", "--docs", "6", "--names", "300", "--json",
    ]);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "bench failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.trim().lines().count(), 1, "{stdout}");
    let report: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(report["suite"], "extract");
    for key in [
        "docs_per_s_per_core",
        "doc_bytes",
        "gazetteer_names",
        "peak_rss_mb",
    ] {
        let value = report[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is not a number in {report}"));
        assert!(value > 0.0, "{key} = {value}");
    }
    assert_eq!(report["docs"], 6);
    assert_eq!(report["english_docs"], 3);
    assert_eq!(report["spanish_docs"], 3);
    // Articles of about 5 KB, and a gazetteer of the persons asked for plus the built-in lists.
    let bytes = report["doc_bytes"].as_f64().expect("doc_bytes");
    assert!((4_500.0..=6_000.0).contains(&bytes), "{report}");
    assert_eq!(report["gazetteer"]["persons_added"], 300);
    let builtin = report["gazetteer"]["builtin_entries"].as_u64().expect("n");
    let names = report["gazetteer_names"].as_u64().expect("n");
    assert!(names > 300 + builtin, "{report}");
    // The extractors found something of every type the articles are written with.
    for kind in [
        "persons",
        "persons_linked",
        "organizations",
        "places",
        "dates",
        "counts",
        "quotes",
        "violations",
    ] {
        assert!(
            report["found"][kind].as_u64().is_some_and(|n| n > 0),
            "found.{kind} in {report}"
        );
    }
    for key in [
        "ratio_to_tokenize",
        "ratio_to_sha256",
        "tokenize_docs_per_s",
    ] {
        assert!(
            report["baselines"][key].as_f64().is_some_and(|v| v > 0.0),
            "baselines.{key} in {report}"
        );
    }
    for module in [
        "tokenize",
        "dates",
        "counts",
        "names",
        "quotes",
        "posts",
        "violations",
    ] {
        assert!(
            report["modules"][module]["ms_per_doc"].as_f64().is_some(),
            "modules.{module} in {report}"
        );
    }
    let latency = &report["doc_ms"];
    let at = |key: &str| latency[key].as_f64().expect("a percentile");
    assert!(
        at("p50_ms") <= at("p95_ms")
            && at("p95_ms") <= at("p99_ms")
            && at("p99_ms") <= at("max_ms"),
        "percentiles in order: {latency}"
    );
    assert_eq!(report["target_docs_per_s_per_core"], 2_000.0);
    // Generated deterministically: the same run finds the same.
    let again = amparo(&[
        "bench", "extract", "--docs", "6", "--names", "300", "--json",
    ]);
    let again: Value =
        serde_json::from_str(String::from_utf8_lossy(&again.stdout).trim()).expect("JSON");
    assert_eq!(again["found"], report["found"]);
    assert_eq!(again["doc_bytes"], report["doc_bytes"]);
}

#[test]
fn bench_extract_refuses_zero_documents() {
    let output = amparo(&["bench", "extract", "--docs", "0", "--json"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--docs must be at least 1"), "{stderr}");
}

#[test]
fn bench_search_reports_every_engine_from_a_corpus_folder() {
    // A small corpus of our own words; the benchmark reads any folder of HTML pages.
    let corpus = tempfile::tempdir().expect("temporary folder");
    let sentences = [
        "The families of the deported men asked the court for the list of names.",
        "Lawyers said the men were held without charge in the prison for four months.",
        "Las familias de los hombres deportados pidieron al tribunal la lista de nombres.",
        "Los abogados dijeron que los hombres estuvieron detenidos sin cargos en la cárcel.",
    ];
    for (index, sentence) in sentences.iter().enumerate() {
        let body = std::iter::repeat_n(*sentence, 30)
            .collect::<Vec<_>>()
            .join(" ");
        std::fs::write(
            corpus.path().join(format!("page-{index}.html")),
            format!("<html><body><article><p>{body}</p></article></body></html>"),
        )
        .expect("write a page");
    }
    let output = amparo(&[
        "bench",
        "search",
        "--corpus",
        corpus.path().to_str().expect("UTF-8 path"),
        "--docs",
        "400",
        "--json",
    ]);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(
        output.status.success(),
        "bench failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(report["suite"], "search");
    assert_eq!(report["docs"], 400);
    assert_eq!(report["corpus"]["html_files"], 4);
    for engine in ["amparo", "bare", "fts5"] {
        for key in ["p50_ms", "p95_ms", "p99_ms", "build_docs_per_s", "index_mb"] {
            let value = report[engine][key]
                .as_f64()
                .unwrap_or_else(|| panic!("{engine}.{key} is not a number in {report}"));
            assert!(value >= 0.0, "{engine}.{key} = {value}");
        }
        assert!(
            report[engine]["build_docs_per_s"].as_f64().unwrap_or(0.0) > 0.0,
            "{report}"
        );
        let p50 = report[engine]["p50_ms"].as_f64().unwrap_or(0.0);
        let p99 = report[engine]["p99_ms"].as_f64().unwrap_or(0.0);
        assert!(p50 <= p99, "{engine}: p50 {p50} > p99 {p99}");
    }
    // The serving process's memory: its peak, and what was resident after the last query.
    let peak = report["peak_rss_mb"].as_f64().unwrap_or(0.0);
    let anon = report["amparo"]["serving_rss_anon_mb"]
        .as_f64()
        .unwrap_or(0.0);
    let file = report["amparo"]["serving_rss_file_mb"]
        .as_f64()
        .unwrap_or(-1.0);
    assert!(anon > 0.0 && file >= 0.0, "{report}");
    assert!(peak >= anon, "{report}");
    // The queries find what the documents are made of.
    assert!(
        report["amparo"]["mean_total_hits"].as_f64().unwrap_or(0.0) > 0.0,
        "{report}"
    );
}

#[test]
fn bench_search_refuses_a_missing_corpus() {
    let output = amparo(&[
        "bench",
        "search",
        "--corpus",
        "/nonexistent/amparo-corpus",
        "--docs",
        "10",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("amparo-corpus"), "{stderr}");
}
