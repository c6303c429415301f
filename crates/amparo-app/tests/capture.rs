//! Capturing files and URLs: hashes, sizes, media types and origins are recorded exactly, and a
//! refused or failed capture leaves no record and no blob behind.

mod common;

use amparo_app::config::Settings;
use amparo_app::{AppError, CaptureOptions};
use amparo_model::records::{Capture, CaptureOrigin};
use common::{Reply, TestApp, TestServer, closed_port, http_response};
use sha2::{Digest, Sha256};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Bytes that do not repeat in any short period, so that a misplaced chunk would show.
fn varied_bytes(prefix: &[u8], length: usize) -> Vec<u8> {
    let mut bytes = prefix.to_vec();
    let mut state: u32 = 0x2545_f491;
    while bytes.len() < length {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(length);
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Captures the file `name` holding `bytes` and checks everything recorded about it.
async fn check_file_capture(test: &TestApp, name: &str, bytes: &[u8], media_type: &str) {
    let path = test.path(name);
    std::fs::write(&path, bytes).unwrap();
    let capture = test
        .app
        .capture_file(&test.admin, &path, CaptureOptions::default())
        .await
        .unwrap();
    let body = &capture.body;
    assert_eq!(body.sha256, sha256_hex(bytes), "{name}");
    assert_eq!(body.size, bytes.len() as u64, "{name}");
    assert_eq!(body.media_type, media_type, "{name}");
    assert_eq!(
        body.origin,
        CaptureOrigin::File {
            file_name: name.to_owned()
        }
    );
    assert_eq!(body.obtained_by, "cli:tester");
    let stored: amparo_app::Versioned<Capture> =
        test.app.get(&test.admin, capture.id).await.unwrap();
    assert_eq!(&stored.body, body);
    let content = test
        .app
        .capture_content(&test.admin, capture.id)
        .await
        .unwrap();
    assert!(content == bytes, "{name}: the captured bytes differ");
}

#[tokio::test]
async fn files_are_captured_with_hash_size_media_type_and_name() {
    let test = TestApp::empty().await;
    let page = b"<p>Lista de deportados</p>\n";
    check_file_capture(&test, "lista.html", page, "text/html").await;
    let scan = varied_bytes(PNG_SIGNATURE, 3 * 1024 * 1024 + 17);
    check_file_capture(&test, "scan.dat", &scan, "image/png").await;
    assert_eq!(test.app.list_captures(&test.admin).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_without_a_trace() {
    let test = TestApp::with_settings(|settings| settings.capture.max_file_bytes = 1024).await;
    let path = test.path("video.mp4");
    std::fs::write(&path, varied_bytes(b"", 2048)).unwrap();
    let capture = test
        .app
        .capture_file(&test.admin, &path, CaptureOptions::default());
    let error = test.refused(&[], capture).await;
    assert!(
        matches!(
            error,
            AppError::TooLarge {
                size: 2048,
                limit: 1024,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("capture.max_file_bytes"), "{message}");
    assert!(test.blob_files().is_empty());
}

#[tokio::test]
async fn a_folder_or_a_missing_path_is_an_io_error_naming_the_path() {
    let test = TestApp::empty().await;
    let folder = test.path("folder");
    std::fs::create_dir(&folder).unwrap();
    for path in [folder, test.path("missing.pdf")] {
        let capture = test
            .app
            .capture_file(&test.admin, &path, CaptureOptions::default());
        let error = test.refused(&[], capture).await;
        assert!(matches!(error, AppError::Io { .. }), "{error:?}");
        assert!(
            error.to_string().contains(&path.display().to_string()),
            "{error}"
        );
    }
}

#[tokio::test]
async fn an_invalid_capture_is_refused_before_its_bytes_are_stored() {
    let test = TestApp::empty().await;
    let missing_case = amparo_model::CaseId::new();
    let options = || CaptureOptions {
        case_ids: vec![missing_case],
        ..CaptureOptions::default()
    };
    let path = test.path("orden.pdf");
    std::fs::write(&path, b"%PDF-1.7 order").unwrap();
    let app = &test.app;
    let refusals = [
        (
            "case_ids[0]",
            test.refused(&[], app.capture_file(&test.admin, &path, options()))
                .await,
        ),
        (
            "case_ids[0]",
            test.refused(
                &[],
                app.capture_bytes(&test.admin, "a.txt", None, b"a", options()),
            )
            .await,
        ),
        (
            "origin.file_name",
            test.refused(
                &[],
                app.capture_bytes(&test.admin, "dir/", None, b"b", Default::default()),
            )
            .await,
        ),
    ];
    for (field, error) in refusals {
        let errors = common::invalid(error);
        common::field_message(&errors, field);
    }
    assert!(test.blob_files().is_empty());
}

const PAGE: &[u8] = b"<html><body>Comunicado oficial</body></html>";

/// Routes of the test site: a page, a redirect to it, an oversized page and a stalled one.
fn site(path: &str) -> Reply {
    match path {
        "/page" => http_response(
            "200 OK",
            &[
                ("Content-Type", "text/html; charset=utf-8"),
                ("ETag", "\"v1\""),
            ],
            PAGE,
        ),
        "/old" => http_response("302 Found", &[("Location", "/page")], b""),
        "/big" => http_response("200 OK", &[("Content-Type", "text/plain")], &[b'x'; 5000]),
        "/stall" => Reply::Stall,
        "/not-modified" => http_response("304 Not Modified", &[("ETag", "\"v1\"")], b""),
        _ => http_response("404 Not Found", &[], b"no such page"),
    }
}

/// An installation that may fetch from loopback, with a small size limit and a short timeout.
async fn loopback_app() -> TestApp {
    TestApp::with_settings(|settings: &mut Settings| {
        settings.fetch.allow = vec!["127.0.0.1/32".to_owned()];
        settings.fetch.max_bytes = 1000;
        settings.fetch.timeout_seconds = 1;
    })
    .await
}

/// Checks that capturing `url` fails with a fetch error whose message contains `fragments`, and
/// that nothing was written.
async fn check_fetch_refused(test: &TestApp, url: &str, fragments: &[&str]) {
    let capture = test
        .app
        .capture_url(&test.admin, url, CaptureOptions::default());
    let error = test.refused(&[], capture).await;
    assert!(matches!(error, AppError::Fetch { .. }), "{url}: {error:?}");
    let message = error.to_string();
    for fragment in fragments {
        assert!(
            message.contains(fragment),
            "{url}: {message:?} lacks {fragment:?}"
        );
    }
    assert!(
        test.blob_files().is_empty(),
        "{url}: a blob was left behind"
    );
}

#[tokio::test]
async fn loopback_urls_are_refused_unless_allowed_and_nothing_is_contacted() {
    let server = TestServer::start(site).await;
    let test = TestApp::empty().await;
    let url = server.url("/page");
    check_fetch_refused(&test, &url, &["refusing", "127.0.0.1", "fetch.allow"]).await;
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn an_allowed_url_is_captured_with_its_http_metadata() {
    let server = TestServer::start(site).await;
    let test = loopback_app().await;
    let url = server.url("/page");
    let capture = test
        .app
        .capture_url(&test.admin, &url, CaptureOptions::default())
        .await
        .unwrap();
    let CaptureOrigin::Url {
        requested_url,
        final_url,
        redirects,
        status,
        headers,
        remote_addr,
    } = &capture.body.origin
    else {
        panic!("not a URL capture: {:?}", capture.body.origin);
    };
    assert_eq!((requested_url, final_url), (&url, &url));
    assert!(redirects.is_empty(), "{redirects:?}");
    assert_eq!(*status, 200);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(header("etag"), Some("\"v1\""));
    assert_eq!(
        remote_addr.as_deref(),
        Some(server.addr().to_string().as_str())
    );
    assert_eq!(capture.body.media_type, "text/html");
    assert_eq!(capture.body.sha256, sha256_hex(PAGE));
    assert_eq!(capture.body.size, PAGE.len() as u64);
    let content = test
        .app
        .capture_content(&test.admin, capture.id)
        .await
        .unwrap();
    assert_eq!(content, PAGE);
}

#[tokio::test]
async fn an_unasked_not_modified_answer_is_refused_not_captured_empty() {
    let server = TestServer::start(site).await;
    let test = loopback_app().await;
    check_fetch_refused(&test, &server.url("/not-modified"), &["HTTP status 304"]).await;
}

#[tokio::test]
async fn a_redirect_is_recorded() {
    let server = TestServer::start(site).await;
    let test = loopback_app().await;
    let capture = test
        .app
        .capture_url(&test.admin, &server.url("/old"), CaptureOptions::default())
        .await
        .unwrap();
    let CaptureOrigin::Url {
        requested_url,
        final_url,
        redirects,
        ..
    } = &capture.body.origin
    else {
        panic!("not a URL capture: {:?}", capture.body.origin);
    };
    assert_eq!(requested_url, &server.url("/old"));
    assert_eq!(final_url, &server.url("/page"));
    assert_eq!(redirects, &[server.url("/page")]);
    let content = test
        .app
        .capture_content(&test.admin, capture.id)
        .await
        .unwrap();
    assert_eq!(content, PAGE);
}

#[tokio::test]
async fn failed_fetches_leave_no_capture() {
    let server = TestServer::start(site).await;
    let test = loopback_app().await;
    check_fetch_refused(
        &test,
        &server.url("/big"),
        &["1000 bytes", "fetch.max_bytes"],
    )
    .await;
    let closed = format!("http://127.0.0.1:{}/page", closed_port().await);
    check_fetch_refused(&test, &closed, &["network error"]).await;
    check_fetch_refused(
        &test,
        "ftp://127.0.0.1/file.pdf",
        &["ftp", "only http and https"],
    )
    .await;
    check_fetch_refused(&test, &server.url("/stall"), &["did not answer within 1 s"]).await;
    check_fetch_refused(&test, &server.url("/gone"), &["HTTP status 404"]).await;
}
