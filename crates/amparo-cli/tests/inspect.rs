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

/// The keys `amparo inspect text` promises, for the object and for each kind of item.
fn assert_text_shape(value: &Value) {
    let keys = |value: &Value| -> Vec<String> {
        let mut keys: Vec<String> = value
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    let sorted = |names: &[&str]| -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(
        keys(value),
        sorted(&[
            "language",
            "persons",
            "organizations",
            "places",
            "dates",
            "counts",
            "quotes",
            "posts",
            "violations",
            "problems"
        ]),
        "{value}"
    );
    let items: &[(&str, &[&str])] = &[
        ("persons", &["text", "start", "end", "confidence"]),
        ("organizations", &["text", "start", "end", "confidence"]),
        ("places", &["text", "start", "end", "confidence"]),
        ("dates", &["text", "start", "end", "value", "precision"]),
        ("counts", &["text", "start", "end", "value"]),
        ("quotes", &["text", "start", "end", "speaker"]),
        (
            "posts",
            &["platform", "author", "handle", "date", "text", "language"],
        ),
        ("violations", &["term", "label", "start", "end"]),
    ];
    for (list, expected) in items {
        for item in value[*list].as_array().expect("a list") {
            assert_eq!(keys(item), sorted(expected), "{list}: {item}");
        }
    }
    for problem in value["problems"].as_array().expect("problems") {
        assert!(problem.is_string(), "{problem}");
    }
}

const ENGLISH_NEWS: &str = "WASHINGTON — U.S. District Judge James Whitcomb on Monday ordered \
    Immigration and Customs Enforcement (ICE) to explain why 238 Venezuelan men were flown to \
    El Salvador last March despite his order. “Nobody told these men where they were going,” \
    said Lena Ortiz, an attorney with the American Civil Liberties Union. The men were held \
    at CECOT without access to lawyers, and relatives said some were tortured.";

const SPANISH_NEWS: &str = "La jueza federal Margarita Villaseñor ordenó el pasado 22 de \
    diciembre al Servicio de Inmigración y Control de Aduanas (ICE) liberar a Edwin Josué \
    Paredes, un hondureño recluido hace tres semanas en Tacoma junto a más de 200 hombres. \
    «El gobierno no ha ofrecido una sola razón para mantenerlo encerrado», escribió \
    Villaseñor. Su familia denunció una desaparición forzada.";

#[test]
fn text_gives_one_json_object_in_english_and_spanish() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let english = write(dir.path(), "en.txt", ENGLISH_NEWS.as_bytes());
    let value = json_of(&inspect(
        &[
            "text",
            &english,
            "--lang",
            "en",
            "--published",
            "2025-06-10",
        ],
        None,
    ));
    assert_text_shape(&value);
    assert_eq!(value["language"], "en");
    let value = json_of(&inspect(
        &["text", "-", "--published", "2026-01-05"],
        Some(SPANISH_NEWS.as_bytes()),
    ));
    assert_text_shape(&value);
    assert_eq!(value["language"], "es");
    // Offsets are characters: every span's text is the text at its offsets.
    let chars: Vec<char> = SPANISH_NEWS.chars().collect();
    for list in ["persons", "organizations", "places", "dates", "counts"] {
        for item in value[list].as_array().expect("a list") {
            let start = item["start"].as_u64().expect("start") as usize;
            let end = item["end"].as_u64().expect("end") as usize;
            let found: String = chars[start..end].iter().collect();
            assert_eq!(item["text"], found.as_str(), "{list}: {item}");
        }
    }
}

#[test]
fn text_without_a_publication_date_still_reads_relative_dates() {
    let value = json_of(&inspect(
        &["text", "-", "--lang", "es"],
        Some(SPANISH_NEWS.as_bytes()),
    ));
    assert_text_shape(&value);
    // "hace tres semanas" cannot be resolved without --published: it has no value and a
    // problem says why.
    let date = value["dates"]
        .as_array()
        .expect("dates")
        .iter()
        .find(|date| date["text"] == "hace tres semanas")
        .unwrap_or_else(|| panic!("the relative date is found: {value}"));
    assert!(date["value"].is_null(), "{date}");
    let problems = value["problems"].as_array().expect("problems");
    assert!(
        problems
            .iter()
            .any(|problem| problem.as_str().is_some_and(|p| p.contains("--published"))),
        "a relative date without --published is a problem: {value}"
    );
    // With it, the date has its value.
    let value = json_of(&inspect(
        &["text", "-", "--lang", "es", "--published", "2026-01-05"],
        Some(SPANISH_NEWS.as_bytes()),
    ));
    let date = value["dates"]
        .as_array()
        .expect("dates")
        .iter()
        .find(|date| date["text"] == "hace tres semanas")
        .unwrap_or_else(|| panic!("the relative date is found: {value}"));
    assert_eq!(date["value"], "2025-12-15", "{date}");
}

#[test]
fn text_accepts_empty_binary_and_long_input() {
    let value = json_of(&inspect(&["text", "-"], Some(b"")));
    assert_text_shape(&value);
    assert_eq!(value["persons"], Value::Array(Vec::new()));
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 131 % 256) as u8).collect();
    let value = json_of(&inspect(&["text", "-"], Some(&binary)));
    assert_text_shape(&value);
    assert!(
        !value["problems"].as_array().expect("problems").is_empty(),
        "binary input is reported: {value}"
    );
    let long = ENGLISH_NEWS.repeat(2_000);
    let value = json_of(&inspect(
        &["text", "-", "--lang", "en"],
        Some(long.as_bytes()),
    ));
    assert_text_shape(&value);
}

#[test]
fn text_rejects_a_bad_publication_date() {
    let output = inspect(&["text", "-", "--published", "22/12/2025"], Some(b"text"));
    assert_eq!(output.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("YYYY-MM-DD"), "{stderr}");
}

#[test]
fn text_with_data_knows_the_installation_names() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    common::amparo_ok(&data, &["init"]);
    let person = write(
        dir.path(),
        "person.json",
        br#"{"pseudonym": "", "sensitive": {"full_name": "Edwin Josu\u00e9 Paredes", "aliases": ["El Flaco"]}}"#,
    );
    common::amparo_ok(&data, &["record", "create", "person", &person]);
    let output = common::command(Some(&data))
        .args(["inspect", "text", "-", "--lang", "es"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(SPANISH_NEWS.as_bytes())?;
            child.wait_with_output()
        })
        .expect("amparo runs");
    let value = json_of(&output);
    assert_text_shape(&value);
    let persons = value["persons"].as_array().expect("persons");
    if !persons.is_empty() {
        assert!(
            persons
                .iter()
                .any(|person| person["text"] == "Edwin Josué Paredes"),
            "the installation's person is found: {value}"
        );
    }
    let output = common::amparo(
        &dir.path().join("not-an-installation"),
        &["inspect", "text", "-"],
    );
    assert!(
        !output.status.success(),
        "a missing installation is an error"
    );
}
