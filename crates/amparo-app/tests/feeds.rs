//! Following feeds end to end, against a news site served on loopback: the seed article's
//! situation (an article and a republished copy with an extra header and footer, listed by two
//! feeds), conditional requests, back-off, restarts, and hostile or broken responses.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use amparo_app::config::Settings;
use amparo_app::{App, FeedInfo, JobState, NewFeed, PollOptions, PollReport};
use amparo_model::records::{Capture, CaptureOrigin, Document};
use amparo_store::{BlobStore, SqliteStore};
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::TestApp;
use time::OffsetDateTime;

/// What the site has served, by path.
#[derive(Default)]
struct Site {
    hits: Mutex<HashMap<String, usize>>,
    not_modified: Mutex<HashMap<String, usize>>,
    /// While set, `/slow` does not answer.
    slow_stalls: AtomicBool,
}

impl Site {
    fn hit(&self, path: &str) {
        *self
            .hits
            .lock()
            .unwrap()
            .entry(path.to_owned())
            .or_default() += 1;
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn not_modified(&self, path: &str) -> usize {
        self.not_modified
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

/// The article's paragraphs: a story written for these tests, long enough for a SimHash.
const STORY: &[&str] = &[
    "Families of the men deported to El Salvador gathered outside the consulate on Tuesday to ask for proof that their relatives are alive, four months after the flights left Texas.",
    "Lawyers for the families said that no court had heard the men's cases before they were removed, and that the government has not published a list of the people it transferred to the prison.",
    "One mother said she had recognised her son in a photograph released by the authorities, with his head shaved and his hands tied, but that nobody has answered her letters since then.",
    "The group read a statement asking the consulate to confirm where each man is held, to allow visits by lawyers and relatives, and to explain what legal process, if any, led to the transfers.",
    "A spokesperson for the consulate declined to comment on individual cases and referred questions to the foreign ministry, which did not respond to repeated requests before publication.",
    "Human rights organisations have documented at least a dozen similar complaints and say they will bring them before the regional commission if the government does not reply within thirty days.",
];

/// When the original article was published.
const ORIGINAL_PUBLISHED: &str = "2025-03-21T10:00:00Z";

/// An embedded post in Spanish, quoted inside the English article.
const SPANISH_POST: &str = "Exigimos que el gobierno nos diga dónde están nuestros hijos. Llevamos meses sin saber nada de ellos y nadie en el consulado nos quiere responder.";

fn article_html(published: &str, header: &str, footer: &str) -> String {
    let paragraphs: String = STORY
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let mut html = format!("<p>{text}</p>\n");
            if index == 2 {
                html.push_str(&format!(
                    "<blockquote class=\"twitter-tweet\"><p lang=\"es\">{SPANISH_POST}</p>&mdash; Madres Unidas (@madresunidas) <a href=\"https://twitter.example/madresunidas/status/1\">March 20, 2025</a></blockquote>\n"
                ));
            }
            html
        })
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Families demand news of deported men</title>\
         <meta property=\"article:published_time\" content=\"{published}\">\
         <meta name=\"author\" content=\"Ana Reporter\"></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
         <article><h1>Families demand news of deported men</h1>{header}{paragraphs}{footer}</article>\
         <aside><h2>Related</h2><ul><li><a href=\"/a\">Other story</a></li></ul></aside>\
         <footer>Copyright the publisher</footer></body></html>"
    )
}

fn other_article_html() -> String {
    let paragraphs: String = [
        "The city council approved a new budget for public libraries on Monday after a long debate about opening hours in the outer districts.",
        "Librarians welcomed the decision but warned that the money for new books would not cover the repairs that several buildings have needed for years.",
        "The council will review the plan again in the autumn, when the figures for the first half of the year are known and the new branches have opened.",
        "Residents of the northern neighbourhoods said they hoped the mobile library would return to their streets, as it did every week before the pandemic.",
    ]
    .iter()
    .map(|text| format!("<p>{text}</p>"))
    .collect();
    format!(
        "<html><head><title>Council approves library budget</title></head><body><article><h1>Council approves library budget</h1>{paragraphs}</article></body></html>"
    )
}

fn rss(base: &str, items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, link)| {
            format!(
                "<item><title>{title}</title><link>{base}{link}</link><pubDate>Fri, 21 Mar 2025 10:00:00 GMT</pubDate></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Example News</title><link>{base}/</link>{items}</channel></rss>"
    )
}

fn atom(base: &str, entries: &[(&str, &str)]) -> String {
    let entries: String = entries
        .iter()
        .map(|(title, link)| {
            format!(
                "<entry><id>{base}{link}</id><title>{title}</title><link href=\"{base}{link}\"/><updated>2025-03-22T08:00:00Z</updated></entry>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>This RSS Feed</title><id>{base}/b</id><updated>2025-03-22T08:00:00Z</updated>{entries}</feed>"
    )
}

/// A feed answer with an ETag, 304 when the client already has it.
fn with_etag(site: &Site, path: &str, headers: &HeaderMap, etag: &str, body: String) -> Response {
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| value.as_bytes() == etag.as_bytes())
    {
        *site
            .not_modified
            .lock()
            .unwrap()
            .entry(path.to_owned())
            .or_default() += 1;
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "application/rss+xml"),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

async fn route(
    State((site, base)): State<(Arc<Site>, String)>,
    UrlPath(path): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/{path}");
    site.hit(&path);
    let html =
        |body: String| ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    match path.as_str() {
        "/feed-a.xml" => {
            let body = rss(
                &base,
                &[
                    ("Families demand news of deported men", "/news/families"),
                    (
                        "Council approves library budget",
                        "/news/library?utm_source=rss",
                    ),
                ],
            );
            with_etag(&site, &path, &headers, "\"a1\"", body)
        }
        "/feed-b.xml" => {
            let body = atom(
                &base,
                &[
                    (
                        "Families demand news (via This RSS Feed)",
                        "/repost/families-copy",
                    ),
                    // The same article as feed A's, with tracking parameters and a fragment.
                    (
                        "Families demand news",
                        "/news/families?utm_campaign=x&amp;fbclid=abc#top",
                    ),
                ],
            );
            with_etag(&site, &path, &headers, "\"b1\"", body)
        }
        "/news/families" => html(article_html(ORIGINAL_PUBLISHED, "", "")),
        "/repost/families-copy" => html(article_html(
            // The republisher dates its copy a day later.
            "2025-03-22T08:00:00Z",
            "<p><em>This article was first published by Example News and is republished here under its licence.</em></p>",
            "<p>From Example News via This RSS Feed. Support independent journalism: share this story and follow us for more news from the region every day.</p>",
        )),
        "/news/library" => html(other_article_html()),
        "/broken.xml" => (StatusCode::INTERNAL_SERVER_ERROR, "database down").into_response(),
        "/truncated.xml" => {
            let full = rss(
                &base,
                &[
                    ("First whole item", "/news/library"),
                    ("Second item, cut off", "/never"),
                ],
            );
            let cut = full.find("Second item").unwrap();
            (
                [(header::CONTENT_TYPE, "application/rss+xml")],
                full[..cut].to_owned(),
            )
                .into_response()
        }
        "/homepage" => html(
            "<html><head><title>Example News</title><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed-a.xml\"></head><body><p>Welcome</p></body></html>".to_owned()
        ),
        "/huge.xml" => {
            // 200 MB of text, streamed without a Content-Length.
            let chunk = bytes::Bytes::from(vec![b'x'; 1 << 20]);
            let stream = futures::stream::iter(
                (0..200).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
            );
            (
                [(header::CONTENT_TYPE, "application/rss+xml")],
                Body::from_stream(stream),
            )
                .into_response()
        }
        "/bomb.xml" => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..200 {
                encoder.write_all(&zeros).unwrap();
            }
            let compressed = encoder.finish().unwrap();
            (
                [
                    (header::CONTENT_TYPE, "application/rss+xml"),
                    (header::CONTENT_ENCODING, "gzip"),
                ],
                compressed,
            )
                .into_response()
        }
        "/latin1" => {
            // windows-1252 bytes and no charset anywhere.
            let mut body =
                b"<html><head><title>Pe\xf1a</title></head><body><article><h1>Pe\xf1a</h1>"
                    .to_vec();
            for _ in 0..6 {
                body.extend_from_slice(b"<p>La familia Pe\xf1a pidi\xf3 informaci\xf3n sobre su hijo, detenido en la frontera y trasladado sin aviso a otro pa\xeds, seg\xfan dijeron sus abogados.</p>");
            }
            body.extend_from_slice(b"</article></body></html>");
            ([(header::CONTENT_TYPE, "text/html")], body).into_response()
        }
        "/latin1-feed.xml" => with_etag(
            &site,
            &path,
            &headers,
            "\"l1\"",
            rss(&base, &[("Pe\u{f1}a", "/latin1")]),
        ),
        "/feed-missing.xml" => with_etag(
            &site,
            &path,
            &headers,
            "\"m1\"",
            rss(&base, &[("Gone", "/missing"), ("Library", "/news/library")]),
        ),
        "/slow-feed.xml" => with_etag(
            &site,
            &path,
            &headers,
            "\"s1\"",
            rss(&base, &[("Slow", "/slow")]),
        ),
        "/slow" => {
            if site.slow_stalls.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            html(other_article_html().replace("library budget", "slow budget"))
        }
        path if path.starts_with("/loop/") => {
            let next: u64 = path["/loop/".len()..].parse().unwrap_or(0) + 1;
            (
                StatusCode::FOUND,
                [(header::LOCATION, format!("/loop/{next}"))],
            )
                .into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The news site on an ephemeral loopback port.
async fn start_site() -> (Arc<Site>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let site = Arc::new(Site::default());
    let router = axum::Router::new()
        .route("/{*path}", get(route))
        .with_state((site.clone(), base.clone()));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (site, base)
}

fn settings(settings: &mut Settings) {
    settings.fetch.allow = vec!["127.0.0.1/32".to_owned()];
    settings.fetch.max_bytes = 10 * 1024 * 1024;
    settings.fetch.timeout_seconds = 5;
    settings.feeds.host_delay_ms = 0;
    settings.feeds.lease_seconds = 1;
    settings.feeds.retry_base_seconds = 60;
}

async fn installation() -> TestApp {
    TestApp::with_settings(settings).await
}

/// The same installation opened again, as after a restart.
async fn reopen(data_dir: &Path) -> App {
    let secret: [u8; 32] = std::fs::read(data_dir.join("secret.key"))
        .unwrap()
        .try_into()
        .unwrap();
    let store = SqliteStore::open(&data_dir.join("amparo.db"))
        .await
        .unwrap();
    let blobs = BlobStore::local(&data_dir.join("blobs"), secret).unwrap();
    let mut changed = Settings::new("test00000000".to_owned());
    settings(&mut changed);
    App::new(Arc::new(store), blobs, changed, data_dir.to_owned())
}

async fn follow(test: &TestApp, app: &App, url: &str) -> FeedInfo {
    app.add_feed(&test.admin, url, NewFeed::default())
        .await
        .unwrap()
}

async fn poll(test: &TestApp, app: &App) -> PollReport {
    app.poll_feeds(&test.admin, &PollOptions::default(), &|_, _| {})
        .await
        .unwrap()
}

async fn documents(test: &TestApp, app: &App) -> Vec<(uuid::Uuid, Document)> {
    app.list::<Document>(&test.admin)
        .await
        .unwrap()
        .into_iter()
        .map(|versioned| (versioned.id, versioned.body))
        .collect()
}

async fn captures(test: &TestApp, app: &App) -> Vec<(uuid::Uuid, Capture)> {
    app.list::<Capture>(&test.admin)
        .await
        .unwrap()
        .into_iter()
        .map(|versioned| (versioned.id, versioned.body))
        .collect()
}

fn final_url(capture: &Capture) -> &str {
    match &capture.origin {
        CaptureOrigin::Url { final_url, .. } => final_url,
        CaptureOrigin::File { .. } => "",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_and_its_republished_copy_are_captured_once_each_and_folded() {
    let (site, base) = start_site().await;
    let test = installation().await;
    let app = &test.app;
    follow(&test, app, &format!("{base}/feed-a.xml")).await;
    follow(&test, app, &format!("{base}/feed-b.xml")).await;

    let report = poll(&test, app).await;
    assert_eq!(report.feeds_polled, 2, "{report:?}");
    assert!(report.feeds_failed.is_empty(), "{report:?}");
    // Feed A lists the article and the library story; feed B the copy and the article again
    // (with tracking parameters): three distinct pages.
    assert_eq!(report.pages_found, 3, "{report:?}");
    assert_eq!(report.pages_captured, 3, "{report:?}");
    assert_eq!(report.copies, 1, "{report:?}");
    assert_eq!(
        site.hits("/news/families"),
        1,
        "the article is fetched once"
    );
    assert_eq!(site.hits("/repost/families-copy"), 1);
    assert_eq!(site.hits("/news/library"), 1);

    let captures = captures(&test, app).await;
    // Two feed documents and three pages.
    assert_eq!(captures.len(), 5);
    let page = captures
        .iter()
        .find(|(_, capture)| final_url(capture).contains("/news/families"))
        .expect("the article's capture");
    let CaptureOrigin::Url {
        status, headers, ..
    } = &page.1.origin
    else {
        panic!("a URL capture")
    };
    assert_eq!(*status, 200);
    assert!(
        headers
            .iter()
            .any(|(name, value)| name == "content-type" && value.starts_with("text/html"))
    );
    assert_eq!(page.1.media_type, "text/html");
    let bytes = app.capture_content(&test.admin, page.0).await.unwrap();
    assert_eq!(
        bytes,
        article_html(ORIGINAL_PUBLISHED, "", "").into_bytes(),
        "the original bytes are kept"
    );

    let documents = documents(&test, app).await;
    assert_eq!(documents.len(), 3);
    let original = documents
        .iter()
        .find(|(_, doc)| doc.capture_id.0 == page.0)
        .expect("the article's document");
    assert_eq!(
        original.1.duplicate_of, None,
        "the first-seen copy is the original"
    );
    assert_eq!(original.1.title, "Families demand news of deported men");
    assert_eq!(original.1.byline, "Ana Reporter");
    assert_eq!(original.1.language.as_deref(), Some("en"));
    assert_eq!(
        original.1.published_at,
        Some(time::macros::datetime!(2025-03-21 10:00 UTC))
    );
    assert_eq!(
        original.1.url.as_deref(),
        Some(format!("{base}/news/families").as_str())
    );
    assert!(original.1.text.contains("Families of the men deported"));
    assert!(
        !original.1.text.contains("Other story"),
        "boilerplate is removed"
    );
    let spanish: Vec<_> = original
        .1
        .passages
        .iter()
        .filter(|passage| passage.language == "es")
        .collect();
    assert_eq!(
        spanish.len(),
        1,
        "one Spanish passage: {:?}",
        original.1.passages
    );
    let passage_text: String = original
        .1
        .text
        .chars()
        .skip(spanish[0].start as usize)
        .take((spanish[0].end - spanish[0].start) as usize)
        .collect();
    assert!(
        passage_text.contains("dónde están nuestros hijos"),
        "{passage_text:?}"
    );

    let copy = documents
        .iter()
        .find(|(_, doc)| {
            doc.url
                .as_deref()
                .is_some_and(|url| url.ends_with("/repost/families-copy"))
        })
        .expect("the copy's document");
    assert_eq!(copy.1.duplicate_of.map(|id| id.0), Some(original.0));
    assert!(
        copy.1.text.contains("via This RSS Feed"),
        "the copy keeps its own text"
    );
    let library = documents
        .iter()
        .find(|(_, doc)| doc.title == "Council approves library budget")
        .expect("the library story");
    assert_eq!(
        library.1.duplicate_of, None,
        "a different story is not folded"
    );
    assert_eq!(
        library.1.url.as_deref(),
        Some(format!("{base}/news/library").as_str()),
        "tracking parameters are dropped"
    );

    // The original and its copy, as the cluster page shows them.
    let cluster = app.document_cluster(&test.admin, copy.0).await.unwrap();
    assert_eq!(cluster.original.id, original.0);
    assert_eq!(
        cluster.copies.iter().map(|doc| doc.id).collect::<Vec<_>>(),
        vec![copy.0]
    );

    // Nothing new: both feeds answer 304 and nothing is fetched or stored.
    let report = poll(&test, app).await;
    assert_eq!(report.feeds_polled, 0, "nothing is due yet: {report:?}");
    let report = app
        .poll_feeds(
            &test.admin,
            &PollOptions {
                all: true,
                ..PollOptions::default()
            },
            &|_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(report.feeds_polled, 2);
    assert_eq!(report.feeds_unchanged, 2, "{report:?}");
    assert_eq!(report.pages_found, 0);
    assert_eq!(site.not_modified("/feed-a.xml"), 1);
    assert_eq!(site.not_modified("/feed-b.xml"), 1);
    assert_eq!(site.hits("/news/families"), 1);
    assert_eq!(app.list::<Capture>(&test.admin).await.unwrap().len(), 5);
    for feed in app.feeds(&test.admin).await.unwrap() {
        assert_eq!(feed.poll.last_status, Some(304));
        assert_eq!(feed.poll.failures, 0);
        assert!(feed.poll.etag.is_some());
        assert!(
            !feed.settings.title.is_empty(),
            "the feed's own title is kept"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_is_backed_off_and_shown() {
    let (site, base) = start_site().await;
    let test = installation().await;
    let app = &test.app;
    let feed = follow(&test, app, &format!("{base}/broken.xml")).await;
    let before = OffsetDateTime::now_utc();
    let report = poll(&test, app).await;
    assert_eq!(report.feeds_failed.len(), 1, "{report:?}");
    assert!(report.feeds_failed[0].1.contains("500"), "{report:?}");
    let shown = app.feed(&test.admin, &feed.id.to_string()).await.unwrap();
    assert_eq!(shown.status(), amparo_app::FeedStatus::Failing);
    assert_eq!(shown.poll.failures, 1);
    assert_eq!(shown.poll.last_status, Some(500));
    assert!(
        shown
            .poll
            .last_error
            .as_deref()
            .unwrap()
            .contains("HTTP status 500")
    );
    let interval = Duration::from_secs(shown.settings.interval_seconds.into());
    let next = shown.poll.next_poll_at.unwrap();
    assert!(
        next >= before + interval * 2,
        "the first failure waits twice the interval"
    );

    // Not due: the next poll leaves it alone.
    poll(&test, app).await;
    assert_eq!(site.hits("/broken.xml"), 1);

    // Forced again, it fails again and waits twice as long.
    let before = OffsetDateTime::now_utc();
    app.poll_feeds(
        &test.admin,
        &PollOptions {
            all: true,
            ..PollOptions::default()
        },
        &|_, _| {},
    )
    .await
    .unwrap();
    let shown = app.feed(&test.admin, &feed.id.to_string()).await.unwrap();
    assert_eq!(shown.poll.failures, 2);
    assert!(shown.poll.next_poll_at.unwrap() >= before + interval * 4);
    assert_eq!(site.hits("/broken.xml"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_pages_not_yet_fetched() {
    let (site, base) = start_site().await;
    let test = installation().await;
    follow(&test, &test.app, &format!("{base}/feed-a.xml")).await;
    let report = test
        .app
        .poll_feeds(
            &test.admin,
            &PollOptions {
                feeds_only: true,
                ..PollOptions::default()
            },
            &|_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(report.pages_found, 2);
    assert_eq!(report.pages_captured, 0);

    // Restart: a new process opens the same installation and takes the pages up.
    let app = reopen(test.data_dir()).await;
    let report = poll(&test, &app).await;
    assert_eq!(report.feeds_polled, 0, "the feed is not due again");
    assert_eq!(report.pages_captured, 2, "{report:?}");
    assert_eq!(site.hits("/news/families"), 1);
    assert_eq!(documents(&test, &app).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_held_by_a_killed_poller_is_taken_over_when_its_lease_runs_out() {
    let (site, base) = start_site().await;
    let test = installation().await;
    follow(&test, &test.app, &format!("{base}/slow-feed.xml")).await;
    site.slow_stalls.store(true, Ordering::SeqCst);
    let first = test.app.clone();
    let admin = test.admin.clone();
    let killed = tokio::spawn(async move {
        first
            .poll_feeds(&admin, &PollOptions::default(), &|_, _| {})
            .await
    });
    for _ in 0..100 {
        if site.hits("/slow") > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        site.hits("/slow"),
        1,
        "the first poller is fetching the page"
    );
    killed.abort();
    site.slow_stalls.store(false, Ordering::SeqCst);

    let app = reopen(test.data_dir()).await;
    // While the dead poller's lease holds, nobody takes the page.
    let report = poll(&test, &app).await;
    assert_eq!(report.pages_captured, 0, "{report:?}");
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let report = poll(&test, &app).await;
    assert_eq!(report.pages_captured, 1, "{report:?}");
    assert_eq!(site.hits("/slow"), 2);
    let feed = app.feeds(&test.admin).await.unwrap().remove(0);
    let pages = app.feed_pages(&test.admin, feed.id, None).await.unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].state, JobState::Done);
    assert_eq!(pages[0].attempts, 2);
}

/// Polls one feed at `path` and returns it as shown afterwards, with the poll's report.
async fn poll_one(base: &str, path: &str) -> (TestApp, FeedInfo, PollReport) {
    let test = installation().await;
    let feed = follow(&test, &test.app, &format!("{base}{path}")).await;
    let report = poll(&test, &test.app).await;
    let shown = test
        .app
        .feed(&test.admin, &feed.id.to_string())
        .await
        .unwrap();
    (test, shown, report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_feeds_end_with_a_clear_problem_and_nothing_stuck() {
    let (_site, base) = start_site().await;

    // Truncated XML: the whole item is kept, the cut one dropped, the problem recorded.
    let (test, shown, report) = poll_one(&base, "/truncated.xml").await;
    assert!(report.feeds_failed.is_empty(), "{report:?}");
    assert_eq!(report.pages_captured, 1, "{report:?}");
    assert!(!shown.poll.problems.is_empty(), "the cut is reported");
    assert_eq!(shown.poll.failures, 0);
    drop(test);

    // A feed that is really a web page: refused, naming the feed the page links to.
    let (_test, shown, report) = poll_one(&base, "/homepage").await;
    assert_eq!(report.feeds_failed.len(), 1);
    let error = shown.poll.last_error.unwrap();
    assert!(error.contains("is a web page, not a feed"), "{error}");
    assert!(error.contains(&format!("{base}/feed-a.xml")), "{error}");

    // 200 MB: stopped at the size limit.
    let (test, shown, report) = poll_one(&base, "/huge.xml").await;
    assert_eq!(report.feeds_failed.len(), 1);
    assert!(
        shown
            .poll
            .last_error
            .unwrap()
            .contains("larger than the limit")
    );
    assert!(
        captures(&test, &test.app).await.is_empty(),
        "nothing half-stored"
    );

    // A gzip bomb: 200 KB on the wire, 200 MB decoded: stopped at the limit too.
    let (_test, shown, report) = poll_one(&base, "/bomb.xml").await;
    assert_eq!(report.feeds_failed.len(), 1);
    assert!(
        shown
            .poll
            .last_error
            .unwrap()
            .contains("larger than the limit")
    );

    // An endless redirect chain.
    let (_test, shown, report) = poll_one(&base, "/loop/0").await;
    assert_eq!(report.feeds_failed.len(), 1);
    assert!(
        shown
            .poll
            .last_error
            .unwrap()
            .contains("redirected more than")
    );
    assert!(
        shown.poll.next_poll_at.is_some(),
        "it will be tried again later"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_without_a_charset_is_decoded_and_the_guess_recorded() {
    let (_site, base) = start_site().await;
    let (test, _shown, report) = poll_one(&base, "/latin1-feed.xml").await;
    assert_eq!(report.pages_captured, 1, "{report:?}");
    let documents = documents(&test, &test.app).await;
    let document = &documents[0].1;
    assert_eq!(document.title, "Peña");
    assert!(
        document.text.contains("pidió información"),
        "{}",
        document.text
    );
    assert_eq!(document.language.as_deref(), Some("es"));
    assert!(
        document
            .problems
            .iter()
            .any(|problem| problem.contains("windows-1252")),
        "{:?}",
        document.problems
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_page_is_given_up_and_the_others_are_kept() {
    let (site, base) = start_site().await;
    let (test, shown, report) = poll_one(&base, "/feed-missing.xml").await;
    assert_eq!(report.pages_captured, 1, "{report:?}");
    assert_eq!(report.pages_failed.len(), 1, "{report:?}");
    assert!(report.pages_failed[0].1.contains("404"), "{report:?}");
    assert_eq!(shown.pages.failed, 1);
    assert_eq!(shown.pages.done, 1);
    let pages = test
        .app
        .feed_pages(&test.admin, shown.id, None)
        .await
        .unwrap();
    let missing = pages
        .iter()
        .find(|page| page.url.ends_with("/missing"))
        .unwrap();
    assert_eq!(missing.state, JobState::Failed);
    assert!(missing.last_error.as_deref().unwrap().contains("404"));
    // Given up: a later poll does not ask again, until someone retries it.
    test.app
        .poll_feeds(
            &test.admin,
            &PollOptions {
                all: true,
                ..PollOptions::default()
            },
            &|_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(site.hits("/missing"), 1);
    assert_eq!(
        test.app
            .retry_failed_pages(&test.admin, Some(shown.id))
            .await
            .unwrap(),
        1
    );
    poll(&test, &test.app).await;
    assert_eq!(site.hits("/missing"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_are_added_listed_paused_removed_and_exchanged_as_opml() {
    let test = installation().await;
    let app = &test.app;
    let feed = follow(&test, app, "https://news.example.org/rss").await;
    let error = app
        .add_feed(
            &test.admin,
            "https://news.example.org/rss",
            NewFeed::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), "duplicate_feed", "{error}");
    let error = app
        .add_feed(
            &test.admin,
            "ftp://news.example.org/rss",
            NewFeed::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), "invalid_url", "{error}");
    let viewer = test.viewer().await;
    let error = app
        .add_feed(&viewer, "https://other.example.org/rss", NewFeed::default())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "forbidden");

    let paused = app
        .set_feed_paused(&test.admin, feed.id, true)
        .await
        .unwrap();
    assert_eq!(paused.status(), amparo_app::FeedStatus::Paused);
    let report = poll(&test, app).await;
    assert_eq!(report.feeds_polled, 0, "a paused feed is not polled");

    let opml = app.export_opml(&test.admin).await.unwrap();
    assert!(
        opml.contains("xmlUrl=\"https://news.example.org/rss\""),
        "{opml}"
    );

    let other = installation().await;
    let imported = other
        .app
        .import_opml(
            &other.admin,
            format!(
                "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>x</title></head><body>\
                 <outline text=\"News\"><outline type=\"rss\" text=\"One\" xmlUrl=\"https://one.example/feed\"/>\
                 <outline type=\"rss\" text=\"Bad\" xmlUrl=\"mailto:x@example.org\"/></outline>{}</body></opml>",
                opml.split("<body>").nth(1).unwrap().split("</body>").next().unwrap()
            )
            .as_bytes(),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(imported.added.len(), 2, "{imported:?}");
    assert_eq!(imported.skipped.len(), 1, "{imported:?}");
    let again = other
        .app
        .import_opml(&other.admin, opml.as_bytes(), &[])
        .await
        .unwrap();
    assert!(again.added.is_empty());
    assert_eq!(again.skipped.len(), 1, "already followed");

    app.remove_feed(&test.admin, feed.id).await.unwrap();
    assert!(app.feeds(&test.admin).await.unwrap().is_empty());
    let error = app.remove_feed(&test.admin, feed.id).await.unwrap_err();
    assert_eq!(error.code(), "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_seen_in_a_later_poll_joins_the_cluster_of_the_original_after_a_restart() {
    let (_site, base) = start_site().await;
    let test = installation().await;
    follow(&test, &test.app, &format!("{base}/feed-a.xml")).await;
    poll(&test, &test.app).await;
    // The index of fingerprints is rebuilt from the stored documents by a new process.
    let app = reopen(test.data_dir()).await;
    follow(&test, &app, &format!("{base}/feed-b.xml")).await;
    let report = poll(&test, &app).await;
    assert_eq!(report.pages_captured, 1, "only the copy is new: {report:?}");
    assert_eq!(report.copies, 1, "{report:?}");
    let documents = documents(&test, &app).await;
    let original = documents
        .iter()
        .find(|(_, doc)| doc.url.as_deref() == Some(format!("{base}/news/families").as_str()))
        .unwrap();
    let copy = documents
        .iter()
        .find(|(_, doc)| doc.duplicate_of.is_some())
        .unwrap();
    assert_eq!(copy.1.duplicate_of.unwrap().0, original.0);
}
