//! `amparo serve` end to end with a feed on a loopback site: the poller captures the article
//! the feed links to and then reads it for suggestions, without anyone asking.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{amparo_ok, command};

const ARTICLE: &str = r#"<!doctype html><html lang="en"><head><title>Lawyers ask where the deported men are</title>
<meta property="article:published_time" content="2025-12-26T10:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Lawyers ask where the deported men are</h1>
<p>Lawyers for the families of the Venezuelan men sent to El Salvador in March said on Friday that
they still do not know where 252 of them are held. The men were flown from Texas to the Terrorism
Confinement Center (CECOT) on March 15, 2025, after President Donald Trump invoked the Alien
Enemies Act.</p>
<p>"We have asked the government of El Salvador for a list of names and it has never answered,"
said Ana Beltrán, a lawyer with the Center for Justice and International Law. Relatives
described beatings and torture inside the prison, and U.S. District Judge James Boasberg found
that the men had been denied due process.</p>
<p>Immigration and Customs Enforcement (ICE) did not answer questions about the transfers.</p>
</article><footer>Copyright the example paper</footer></body></html>"#;

/// Serves the feed at `/feed.xml` and the article at `/article` until the test ends.
fn serve_site() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || answer(stream, port));
        }
    });
    port
}

fn answer(mut stream: TcpStream, port: u16) {
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line.split(' ').nth(1).unwrap_or("/");
    let (status, media_type, body) = match path {
        "/feed.xml" => (
            "200 OK",
            "application/rss+xml",
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Example paper</title><link>http://127.0.0.1:{port}/</link>
<item><title>Lawyers ask where the deported men are</title>
<link>http://127.0.0.1:{port}/article</link><guid>article-1</guid>
<pubDate>Fri, 26 Dec 2025 10:00:00 GMT</pubDate></item></channel></rss>"#
            ),
        ),
        "/article" => ("200 OK", "text/html; charset=utf-8", ARTICLE.to_owned()),
        _ => ("404 Not Found", "text/plain", "not here".to_owned()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {media_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn listed(data: &std::path::Path, kind: &str) -> Vec<Value> {
    let output = amparo_ok(data, &["record", "list", kind, "--json"]);
    let value: Value = serde_json::from_slice(&output.stdout).expect("a JSON list");
    value.as_array().cloned().unwrap_or_default()
}

#[test]
fn serve_captures_a_feed_article_and_reads_it_for_suggestions() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    amparo_ok(&data, &["init"]);
    let config = std::fs::read_to_string(data.join("config.toml")).unwrap();
    let config = config
        .replace("host_delay_ms = 2000", "host_delay_ms = 0")
        .replace("poll_tick_seconds = 60", "poll_tick_seconds = 1");
    assert!(config.contains("poll_tick_seconds = 1"), "{config}");
    std::fs::write(data.join("config.toml"), config).unwrap();
    let port = serve_site();
    let feed = format!("http://127.0.0.1:{port}/feed.xml");
    let mut add = command(Some(&data));
    let added = add
        .env("AMPARO_FETCH_ALLOW", "127.0.0.1/32")
        .args(["feed", "add", &feed])
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    let server = command(Some(&data))
        .env("AMPARO_FETCH_ALLOW", "127.0.0.1/32")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("amparo serve starts");
    let _server = KillOnDrop(server);

    let started = Instant::now();
    let suggestions = loop {
        let suggestions = listed(&data, "suggestion");
        if !suggestions.is_empty() {
            break suggestions;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "no suggestions 90 s after the server started; documents: {:?}",
            listed(&data, "document")
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    let documents = listed(&data, "document");
    assert_eq!(documents.len(), 1, "{documents:?}");
    // The whole document is read in one go, so its suggestions appear together.
    let texts: Vec<String> = suggestions
        .iter()
        .filter_map(|suggestion| suggestion["record"]["text"].as_str().map(str::to_owned))
        .collect();
    for expected in ["James Boasberg", "CECOT", "El Salvador", "252"] {
        assert!(
            texts.iter().any(|text| text.contains(expected)),
            "{expected:?} not suggested: {texts:?}"
        );
    }
    let document_id = documents[0]["id"].as_str().unwrap();
    assert!(
        suggestions
            .iter()
            .all(|suggestion| suggestion["record"]["document_id"] == document_id),
        "{suggestions:?}"
    );
}
