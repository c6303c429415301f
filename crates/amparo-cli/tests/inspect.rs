//! `amparo inspect feed|article|lang`: one JSON object each, exit 0 whatever the file holds,
//! no installation needed; only a file that cannot be read is an error.

use std::io::Write as _;
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::Value;

mod common;

/// Runs `amparo inspect …` with no data directory anywhere to be found.
fn inspect(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = common::command(None);
    command
        .arg("inspect")
        .args(args)
        .env("HOME", "/nonexistent-home-for-amparo-tests");
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("amparo runs");
    if let Some(bytes) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(bytes)
            .expect("write stdin");
    }
    child.wait_with_output().expect("amparo ends")
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "inspect failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path.to_str().expect("UTF-8 path").to_owned()
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Deportation watch</title><link>https://news.example.org/</link><language>en</language>
<item><title>Men sent to CECOT</title><link>/2025/03/cecot</link><guid>a-1</guid>
<pubDate>Sun, 16 Mar 2025 10:00:00 GMT</pubDate><description>&lt;p&gt;Flights left&lt;/p&gt;</description></item>
</channel></rss>"#;

#[test]
fn a_feed_becomes_one_json_object_with_absolute_links() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = write(dir.path(), "feed.xml", RSS.as_bytes());
    let value = json_of(&inspect(
        &["feed", &file, "--url", "https://news.example.org/feed.xml"],
        None,
    ));
    assert_eq!(value["format"], "rss2");
    assert_eq!(value["title"], "Deportation watch");
    assert_eq!(value["language"], "en");
    let item = &value["items"][0];
    assert_eq!(item["id"], "a-1");
    assert_eq!(item["link"], "https://news.example.org/2025/03/cecot");
    assert_eq!(item["published"], "2025-03-16T10:00:00Z");
    assert_eq!(item["summary"], "<p>Flights left</p>");
    assert_eq!(value["problems"], Value::Array(Vec::new()));
}

#[test]
fn messy_input_still_exits_zero_with_its_problems() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let truncated = write(dir.path(), "cut.xml", &RSS.as_bytes()[..RSS.len() - 40]);
    let value = json_of(&inspect(&["feed", &truncated], None));
    assert!(
        !value["problems"].as_array().expect("problems").is_empty(),
        "a truncated feed reports a problem: {value}"
    );
    let html = write(
        dir.path(),
        "page.xml",
        b"<!doctype html><html><body><p>Not a feed</p></body></html>",
    );
    let value = json_of(&inspect(&["feed", &html], None));
    assert_eq!(value["format"], "unknown");
    assert!(!value["problems"].as_array().expect("problems").is_empty());
    let garbage = write(
        dir.path(),
        "garbage.html",
        &[0xff, 0x00, 0xfe, 0x80, 0x3c, 0x3c],
    );
    let value = json_of(&inspect(&["article", &garbage], None));
    assert!(value["text"].is_string());
}

#[test]
fn an_article_gives_its_text_metadata_and_language() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let page = r#"<!doctype html><html lang="es"><head><title>Deportados | Diario</title>
<meta property="og:title" content="Deportados denuncian torturas en el CECOT">
<meta property="article:published_time" content="2025-07-20T08:30:00-04:00">
<meta name="author" content="María Gómez"></head><body>
<nav><a href="/">Portada</a> <a href="/mundo">Mundo</a></nav>
<article><h1>Deportados denuncian torturas en el CECOT</h1>
<p>Los venezolanos deportados desde Estados Unidos relataron golpes diarios y aislamiento durante los cuatro meses que pasaron en la prisión salvadoreña.</p>
<p>Sus abogados presentaron las declaraciones ante una corte federal y pidieron que se investigue a los funcionarios responsables del traslado.</p>
</article><footer>Todos los derechos reservados</footer></body></html>"#;
    let file = write(dir.path(), "article.html", page.as_bytes());
    let value = json_of(&inspect(&["article", &file], None));
    assert_eq!(value["title"], "Deportados denuncian torturas en el CECOT");
    assert_eq!(value["published"], "2025-07-20T12:30:00Z");
    assert_eq!(value["language"], "es");
    let text = value["text"].as_str().expect("text");
    assert!(text.contains("golpes diarios"), "{text}");
    assert!(text.contains("\n\nSus abogados"), "paragraphs kept: {text}");
    assert!(!text.contains("Portada"), "navigation removed: {text}");
    assert!(
        !text.contains("derechos reservados"),
        "footer removed: {text}"
    );
}

#[test]
fn lang_reads_standard_input_and_names_foreign_passages() {
    let english = "The men were flown to El Salvador in March and held in the prison for four months \
        without access to lawyers or their families. Their relatives learned of the transfers from \
        photographs published by the government. ";
    let spanish = "Mi hijo no es un criminal, solo queríamos saber dónde estaba y nadie nos respondió \
        durante meses, dijo la madre de uno de los detenidos en una publicación en redes sociales. ";
    let more = "Lawyers for the families say the government has not explained the legal basis for \
        the transfers, and a federal judge has ordered officials to answer by the end of the month.";
    let text = format!("{english}{spanish}{more}");
    let value = json_of(&inspect(&["lang", "-"], Some(text.as_bytes())));
    assert_eq!(value["language"], "en");
    let confidence = value["confidence"].as_f64().expect("confidence");
    assert!((0.0..=1.0).contains(&confidence));
    let passages = value["passages"].as_array().expect("passages");
    assert_eq!(passages.len(), 1, "{value}");
    assert_eq!(passages[0]["language"], "es");
    let start = english.chars().count() as u64;
    let found = passages[0]["start"].as_u64().expect("start");
    assert!(
        found.abs_diff(start) <= 2,
        "passage starts at {found}, the Spanish at {start}"
    );
}

#[test]
fn an_unreadable_file_is_an_error() {
    let output = inspect(&["feed", "/nonexistent/feed.xml"], None);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("could not open /nonexistent/feed.xml"),
        "{stderr}"
    );
}
