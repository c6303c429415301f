//! Tests of the evidence fetcher and its SSRF guard, against tiny HTTP servers on 127.0.0.1.
//!
//! Nothing here contacts any other address: "unreachable" is a closed port on 127.0.0.1, and the
//! tests of blocked addresses assert that no connection was made at all.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amparo_app::fetch::{
    AllowEntry, AllowEntryError, FEED_ACCEPT, FetchError, FetchPolicy, IpNetwork, RequestOptions,
    fetch, fetch_with, is_global,
};
use flate2::Compression;
use flate2::write::{GzEncoder, ZlibEncoder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// What the test server does after reading a request head.
enum Reply {
    /// Writes these bytes and closes the connection.
    Raw(Vec<u8>),
    /// Writes these bytes and then neither writes nor closes.
    Stall(Vec<u8>),
    /// Writes these headers and then body bytes until the client goes away.
    Endless { head: Vec<u8>, chunked: bool },
    /// Writes these headers, then `n_bytes` body bytes made on the fly, then closes.
    Generated { head: Vec<u8>, n_bytes: usize },
}

type Handler = dyn Fn(&str, &str) -> Reply + Send + Sync;

/// A one-route-table HTTP/1.1 server that counts connections and keeps every request head.
struct TestServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    /// Starts a server whose `handler` gets the request path and the server's base URL.
    async fn start(handler: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind test server");
        let addr = listener.local_addr().expect("test server address");
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let base = format!("http://{addr}");
        let (counter, log) = (Arc::clone(&connections), Arc::clone(&requests));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(
                    stream,
                    Arc::clone(&handler),
                    base.clone(),
                    Arc::clone(&log),
                ));
            }
        });
        TestServer {
            addr,
            connections,
            requests,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Connections accepted so far, after giving a stray connection time to arrive.
    async fn connections(&self) -> usize {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.connections.load(Ordering::SeqCst)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("request log").clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    base: String,
    log: Arc<Mutex<Vec<String>>>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    log.lock().expect("request log").push(head);
    match handler(&path, &base) {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Stall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Reply::Endless { head, chunked } => {
            if stream.write_all(&head).await.is_err() {
                return;
            }
            let data = vec![b'x'; 64 * 1024];
            let chunk = if chunked {
                let mut chunk = format!("{:x}\r\n", data.len()).into_bytes();
                chunk.extend_from_slice(&data);
                chunk.extend_from_slice(b"\r\n");
                chunk
            } else {
                data
            };
            while stream.write_all(&chunk).await.is_ok() {}
        }
        Reply::Generated { head, n_bytes } => {
            if stream.write_all(&head).await.is_err() {
                return;
            }
            let data = vec![b'x'; 64 * 1024];
            let mut left = n_bytes;
            while left > 0 {
                let n = left.min(data.len());
                if stream.write_all(&data[..n]).await.is_err() {
                    return;
                }
                left -= n;
            }
            let _ = stream.shutdown().await;
        }
    }
}

/// A complete response with `Content-Length`.
fn reply(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let length = body.len().to_string();
    let mut all = vec![("Content-Length", length.as_str())];
    all.extend_from_slice(headers);
    reply_without_length(status, &all, body)
}

/// A complete response delimited by closing the connection.
fn reply_without_length(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut bytes = head(status, headers);
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

fn head(status: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.into_bytes()
}

fn redirect(status: &str, location: &str) -> Reply {
    reply(status, &[("Location", location)], b"")
}

/// `/hop/N` redirects to `/hop/N-1` with varying statuses and Location forms; `/hop/0` is a page.
fn hops(path: &str, base: &str) -> Reply {
    let Some(n) = path
        .strip_prefix("/hop/")
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return reply("404 Not Found", &[], b"no such hop");
    };
    if n == 0 {
        return reply("200 OK", &[("Content-Type", "text/plain")], b"arrived");
    }
    let statuses = [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ];
    let next = n - 1;
    let location = match n % 3 {
        0 => format!("{base}/hop/{next}"),
        1 => format!("/hop/{next}"),
        _ => format!("{next}"),
    };
    redirect(statuses[n % statuses.len()], &location)
}

/// A policy with the given allow-list and timeouts short enough for tests.
fn policy(allow: &[&str]) -> FetchPolicy {
    FetchPolicy {
        allow: allow
            .iter()
            .map(|entry| entry.parse().expect("valid allow entry"))
            .collect(),
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        ..FetchPolicy::default()
    }
}

fn blocked(result: Result<amparo_app::fetch::Fetched, FetchError>) -> (String, IpAddr) {
    match result {
        Err(FetchError::Blocked { host, addr }) => (host, addr),
        other => panic!("expected Blocked, got {other:?}"),
    }
}

#[tokio::test]
async fn fetches_an_allowed_page_with_its_metadata() {
    let server = TestServer::start(|_, _| {
        reply(
            "200 OK",
            &[
                ("Content-Type", "Text/HTML; charset=UTF-8"),
                ("ETag", "\"abc\""),
                ("Last-Modified", "Tue, 01 Apr 2025 10:00:00 GMT"),
                ("Server", "test"),
                ("Content-Language", "es"),
                ("Set-Cookie", "session=secret"),
                ("X-Internal", "not evidence"),
            ],
            b"<html>hola</html>",
        )
    })
    .await;

    let fetched = fetch(&server.url("/page?id=1"), &policy(&["127.0.0.1/32"]))
        .await
        .expect("fetch an allowed page");

    assert_eq!(fetched.body, b"<html>hola</html>");
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.media_type.as_deref(), Some("text/html"));
    assert_eq!(fetched.requested_url, server.url("/page?id=1"));
    assert_eq!(fetched.final_url, server.url("/page?id=1"));
    assert!(fetched.redirects.is_empty());
    assert_eq!(fetched.remote_addr, Some(server.addr));
    let header = |name: &str| {
        fetched
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("content-type"), Some("Text/HTML; charset=UTF-8"));
    assert_eq!(header("content-length"), Some("17"));
    assert_eq!(header("etag"), Some("\"abc\""));
    assert_eq!(
        header("last-modified"),
        Some("Tue, 01 Apr 2025 10:00:00 GMT")
    );
    assert_eq!(header("server"), Some("test"));
    assert_eq!(header("content-language"), Some("es"));
    assert_eq!(header("set-cookie"), None);
    assert_eq!(header("x-internal"), None);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let user_agent = format!("user-agent: {}", FetchPolicy::default().user_agent);
    assert!(
        requests[0]
            .to_ascii_lowercase()
            .contains(&user_agent.to_ascii_lowercase()),
        "{requests:?}"
    );
}

#[tokio::test]
async fn default_policy_has_the_documented_limits() {
    let policy = FetchPolicy::default();
    assert_eq!(policy.max_bytes, 50 * 1024 * 1024);
    assert_eq!(policy.timeout, Duration::from_secs(30));
    assert_eq!(policy.connect_timeout, Duration::from_secs(10));
    assert_eq!(policy.max_redirects, 5);
    assert!(policy.allow.is_empty());
    assert!(policy.user_agent.starts_with("Amparo/"));
    assert!(policy.user_agent.ends_with(" (+evidence capture)"));
}

#[tokio::test]
async fn loopback_without_allow_list_is_blocked_before_connecting() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"secret")).await;

    let err = fetch(&server.url("/"), &policy(&[])).await;
    let (host, addr) = blocked(err.clone());
    assert_eq!(host, "127.0.0.1");
    assert_eq!(addr, LOOPBACK);
    let message = err.expect_err("blocked").to_string();
    assert!(message.contains("loopback"), "{message}");
    assert!(message.contains("fetch.allow"), "{message}");
    assert!(!message.ends_with('.'), "{message}");
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn allow_list_for_another_network_does_not_open_loopback() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"secret")).await;

    let err = fetch(
        &server.url("/"),
        &policy(&["10.0.0.0/8", "intranet.example"]),
    )
    .await;
    assert_eq!(blocked(err).1, LOOPBACK);
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn localhost_is_blocked_after_resolution() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"secret")).await;

    let url = format!("http://localhost:{}/", server.port());
    let (host, addr) = blocked(fetch(&url, &policy(&[])).await);
    assert_eq!(host, "localhost");
    assert!(addr.is_loopback(), "{addr}");
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn localhost_can_be_allowed_by_name_or_by_network() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"local")).await;
    let url = format!("http://LocalHost:{}/", server.port());

    for allow in ["localhost", "127.0.0.1/32", "127.0.0.0/8"] {
        let fetched = fetch(&url, &policy(&[allow]))
            .await
            .unwrap_or_else(|err| panic!("allow {allow}: {err}"));
        assert_eq!(fetched.body, b"local");
        assert_eq!(fetched.remote_addr, Some(server.addr));
    }
}

#[tokio::test]
async fn odd_literal_forms_of_loopback_are_blocked() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"secret")).await;
    let port = server.port();

    let cases = [
        (format!("http://2130706433:{port}/"), "127.0.0.1"),
        (format!("http://0x7f.0.0.1:{port}/"), "127.0.0.1"),
        (format!("http://0x7f.1:{port}/"), "127.0.0.1"),
        (format!("http://127.1:{port}/"), "127.0.0.1"),
        (format!("http://017700000001:{port}/"), "127.0.0.1"),
        (format!("http://127.0.0.1.:{port}/"), "127.0.0.1"),
        (format!("http://0.0.0.0:{port}/"), "0.0.0.0"),
        (format!("http://0:{port}/"), "0.0.0.0"),
        (format!("http://[::1]:{port}/"), "::1"),
        (format!("http://[::]:{port}/"), "::"),
        (
            format!("http://[::ffff:127.0.0.1]:{port}/"),
            "::ffff:127.0.0.1",
        ),
        (
            format!("http://[::ffff:7f00:1]:{port}/"),
            "::ffff:127.0.0.1",
        ),
        (format!("http://[::127.0.0.1]:{port}/"), "::7f00:1"),
        (
            format!("http://[64:ff9b::7f00:1]:{port}/"),
            "64:ff9b::7f00:1",
        ),
        (format!("http://[2002:7f00:1::1]:{port}/"), "2002:7f00:1::1"),
        (
            "https://169.254.169.254/latest/meta-data/".to_owned(),
            "169.254.169.254",
        ),
        ("http://[fe80::1]/".to_owned(), "fe80::1"),
        ("http://[fd00::1]/".to_owned(), "fd00::1"),
    ];
    for (url, expected) in cases {
        let (_, addr) = blocked(fetch(&url, &policy(&[])).await);
        assert_eq!(addr.to_string(), expected, "{url}");
    }
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn an_ipv4_allow_entry_does_not_cover_the_ipv4_mapped_form() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"secret")).await;

    let url = format!("http://[::ffff:127.0.0.1]:{}/", server.port());
    let (_, addr) = blocked(fetch(&url, &policy(&["127.0.0.1/32"])).await);
    assert_eq!(addr.to_string(), "::ffff:127.0.0.1");
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn a_normalized_literal_reaches_an_allowed_address() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"ok")).await;

    let url = format!("http://2130706433:{}/x", server.port());
    let fetched = fetch(&url, &policy(&["127.0.0.1"])).await.expect("fetch");
    assert_eq!(fetched.requested_url, server.url("/x"));
    assert_eq!(fetched.body, b"ok");
}

#[tokio::test]
async fn follows_five_redirects_and_records_every_hop() {
    let server = TestServer::start(hops).await;

    let fetched = fetch(&server.url("/hop/5"), &policy(&["127.0.0.1/32"]))
        .await
        .expect("five redirects are allowed");

    assert_eq!(fetched.body, b"arrived");
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.requested_url, server.url("/hop/5"));
    assert_eq!(fetched.final_url, server.url("/hop/0"));
    let expected: Vec<String> = (0..5)
        .rev()
        .map(|n| server.url(&format!("/hop/{n}")))
        .collect();
    assert_eq!(fetched.redirects, expected);
    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    assert!(
        requests
            .iter()
            .all(|r| !r.to_ascii_lowercase().contains("referer")),
        "{requests:?}"
    );
}

#[tokio::test]
async fn six_redirects_are_too_many() {
    let server = TestServer::start(hops).await;

    let err = fetch(&server.url("/hop/6"), &policy(&["127.0.0.1/32"])).await;
    assert_eq!(err, Err(FetchError::TooManyRedirects { limit: 5 }));
    assert_eq!(server.requests().len(), 6);

    let no_redirects = FetchPolicy {
        max_redirects: 0,
        ..policy(&["127.0.0.1/32"])
    };
    let err = fetch(&server.url("/hop/1"), &no_redirects).await;
    assert_eq!(err, Err(FetchError::TooManyRedirects { limit: 0 }));
}

#[tokio::test]
async fn redirect_to_a_blocked_address_is_refused_without_connecting() {
    let server = TestServer::start(|path, _| match path {
        "/metadata" => redirect("302 Found", "http://169.254.169.254/latest/meta-data/"),
        "/private" => redirect("301 Moved Permanently", "http://10.0.0.1/admin"),
        "/mapped" => redirect("307 Temporary Redirect", "http://[::ffff:a9fe:a9fe]/"),
        "/decimal" => redirect("308 Permanent Redirect", "//2852039166/"),
        _ => reply("404 Not Found", &[], b""),
    })
    .await;
    let policy = policy(&["127.0.0.1/32"]);

    let cases = [
        ("/metadata", "169.254.169.254", "169.254.169.254"),
        ("/private", "10.0.0.1", "10.0.0.1"),
        ("/mapped", "[::ffff:a9fe:a9fe]", "::ffff:169.254.169.254"),
        ("/decimal", "169.254.169.254", "169.254.169.254"),
    ];
    for (path, expected_host, expected_addr) in cases {
        let (host, addr) = blocked(fetch(&server.url(path), &policy).await);
        assert_eq!(host, expected_host, "{path}");
        assert_eq!(addr.to_string(), expected_addr, "{path}");
    }
    // Only the test server itself was contacted, once per case.
    assert_eq!(server.connections().await, 4);
}

#[tokio::test]
async fn redirect_from_an_allowed_name_to_a_loopback_literal_is_blocked() {
    let server = TestServer::start(|path, base| match path {
        "/" => redirect("302 Found", &format!("{base}/inner")),
        _ => reply("200 OK", &[], b"inner"),
    })
    .await;

    let url = format!("http://localhost:{}/", server.port());
    let (host, addr) = blocked(fetch(&url, &policy(&["localhost"])).await);
    assert_eq!(host, "127.0.0.1");
    assert_eq!(addr, LOOPBACK);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn redirect_to_another_scheme_or_nowhere_fails() {
    let server = TestServer::start(|path, _| match path {
        "/file" => redirect("302 Found", "file:///etc/passwd"),
        "/ftp" => redirect("302 Found", "ftp://127.0.0.1/"),
        "/nowhere" => reply("302 Found", &[], b""),
        "/credentials" => redirect("302 Found", "http://user:pw@127.0.0.1/"),
        _ => reply("404 Not Found", &[], b""),
    })
    .await;
    let policy = policy(&["127.0.0.1/32"]);

    let result = fetch(&server.url("/file"), &policy).await;
    assert_eq!(
        result,
        Err(FetchError::UnsupportedScheme {
            scheme: "file".to_owned()
        })
    );
    let result = fetch(&server.url("/ftp"), &policy).await;
    assert_eq!(
        result,
        Err(FetchError::UnsupportedScheme {
            scheme: "ftp".to_owned()
        })
    );
    let result = fetch(&server.url("/nowhere"), &policy).await;
    assert_eq!(
        result,
        Err(FetchError::RedirectWithoutLocation { status: 302 })
    );
    let result = fetch(&server.url("/credentials"), &policy).await;
    assert!(
        matches!(result, Err(FetchError::CredentialsInUrl { .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn only_http_and_https_are_fetched() {
    for (url, scheme) in [
        ("ftp://127.0.0.1/file.txt", "ftp"),
        ("file:///etc/passwd", "file"),
        ("gopher://127.0.0.1:70/", "gopher"),
        ("data:text/html,hola", "data"),
        ("javascript:alert(1)", "javascript"),
    ] {
        let result = fetch(url, &policy(&["127.0.0.1/32"])).await;
        assert_eq!(
            result,
            Err(FetchError::UnsupportedScheme {
                scheme: scheme.to_owned()
            }),
            "{url}"
        );
    }
}

#[tokio::test]
async fn urls_with_credentials_are_refused_without_leaking_them() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"ok")).await;

    let url = format!("http://alice:hunter2@127.0.0.1:{}/", server.port());
    let err = fetch(&url, &policy(&["127.0.0.1/32"]))
        .await
        .expect_err("credentials are refused");
    assert!(
        matches!(err, FetchError::CredentialsInUrl { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(!message.contains("hunter2"), "{message}");
    assert!(!message.contains("alice"), "{message}");
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn malformed_urls_are_invalid() {
    for url in [
        "not a url",
        "http://",
        "http://exa mple.org/",
        "https://[::1/",
        "",
    ] {
        let result = fetch(url, &FetchPolicy::default()).await;
        assert!(
            matches!(result, Err(FetchError::InvalidUrl { .. })),
            "{url:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_too_large() {
    let big = vec![b'a'; 2048];
    let server = TestServer::start(move |path, _| match path {
        "/with-length" => reply("200 OK", &[], &big),
        "/without-length" => reply_without_length("200 OK", &[], &big),
        "/claims-huge" => Reply::Stall(head("200 OK", &[("Content-Length", "1000000000000")])),
        "/endless" => Reply::Endless {
            head: head("200 OK", &[]),
            chunked: false,
        },
        "/endless-chunked" => Reply::Endless {
            head: head("200 OK", &[("Transfer-Encoding", "chunked")]),
            chunked: true,
        },
        _ => reply("404 Not Found", &[], b""),
    })
    .await;
    let small = FetchPolicy {
        max_bytes: 1024,
        ..policy(&["127.0.0.1/32"])
    };

    for path in ["/with-length", "/without-length", "/claims-huge"] {
        let result = fetch(&server.url(path), &small).await;
        assert_eq!(result, Err(FetchError::TooLarge { limit: 1024 }), "{path}");
    }
    // Endless bodies stop at the limit rather than at the timeout.
    let bounded = FetchPolicy {
        max_bytes: 1024 * 1024,
        ..policy(&["127.0.0.1/32"])
    };
    for path in ["/endless", "/endless-chunked"] {
        let started = Instant::now();
        let result = fetch(&server.url(path), &bounded).await;
        assert_eq!(
            result,
            Err(FetchError::TooLarge { limit: 1024 * 1024 }),
            "{path}"
        );
        assert!(started.elapsed() < Duration::from_secs(5), "{path}");
    }
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_kept() {
    let server = TestServer::start(|path, _| match path {
        "/with-length" => reply("200 OK", &[], &[b'a'; 1024]),
        _ => reply_without_length("200 OK", &[], &[b'a'; 1024]),
    })
    .await;
    let policy = FetchPolicy {
        max_bytes: 1024,
        ..policy(&["127.0.0.1/32"])
    };

    for path in ["/with-length", "/without-length"] {
        let fetched = fetch(&server.url(path), &policy).await.expect(path);
        assert_eq!(fetched.body.len(), 1024, "{path}");
    }
}

#[tokio::test]
async fn a_stalling_server_times_out() {
    let server = TestServer::start(|path, _| match path {
        "/no-headers" => Reply::Stall(Vec::new()),
        _ => Reply::Stall(
            [
                head("200 OK", &[("Content-Length", "100")]),
                b"partial".to_vec(),
            ]
            .concat(),
        ),
    })
    .await;
    let policy = FetchPolicy {
        timeout: Duration::from_millis(500),
        ..policy(&["127.0.0.1/32"])
    };

    for path in ["/no-headers", "/half-body"] {
        let started = Instant::now();
        let result = fetch(&server.url(path), &policy).await;
        assert_eq!(result, Err(FetchError::Timeout { seconds: 0.5 }), "{path}");
        assert!(started.elapsed() < Duration::from_secs(3), "{path}");
    }
    let message = FetchError::Timeout { seconds: 0.5 }.to_string();
    assert!(message.contains("0.5 s"), "{message}");
}

#[tokio::test]
async fn a_closed_port_is_a_network_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);

    let result = fetch(
        &format!("http://127.0.0.1:{port}/"),
        &policy(&["127.0.0.1/32"]),
    )
    .await;
    let Err(FetchError::Network(detail)) = result else {
        panic!("expected Network, got {result:?}");
    };
    assert!(detail.to_ascii_lowercase().contains("connect"), "{detail}");
    let message = FetchError::Network(detail).to_string();
    assert!(message.contains("reachable"), "{message}");
    assert!(!message.ends_with('.'), "{message}");
}

#[tokio::test]
async fn error_statuses_are_errors() {
    let server = TestServer::start(|path, _| match path {
        "/gone" => reply("410 Gone", &[], b"gone"),
        "/broken" => reply("500 Internal Server Error", &[], b"oops"),
        _ => reply(
            "404 Not Found",
            &[("Content-Type", "text/html")],
            b"not found",
        ),
    })
    .await;
    let policy = policy(&["127.0.0.1/32"]);

    for (path, status) in [("/missing", 404), ("/gone", 410), ("/broken", 500)] {
        let result = fetch(&server.url(path), &policy).await;
        assert_eq!(result, Err(FetchError::HttpStatus { status }), "{path}");
    }
}

#[test]
fn is_global_classifies_addresses() {
    let non_global = [
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "10.255.255.255",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "127.255.255.254",
        "169.254.169.254",
        "169.254.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.0.170",
        "192.0.2.1",
        "192.88.99.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.19.255.255",
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:0.0.0.0",
        "::127.0.0.1",
        "::10.1.1.1",
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::8.8.8.8",
        "2002:7f00:1::1",
        "2002:a9fe:a9fe::",
        "2002:c0a8:101::1",
        "2001::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:2::1",
        "2001:10::1",
        "2001:db8::1",
        "2001:db8:ffff::1",
        "3fff::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "ff02::1",
        "ff05::2",
        "ff0e::1",
        "100::1",
        "5f00::1",
        "4000::1",
    ];
    let global = [
        "1.1.1.1",
        "8.8.8.8",
        "9.9.9.9",
        "100.63.255.255",
        "100.128.0.0",
        "169.253.255.255",
        "169.255.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.0.1.1",
        "192.167.255.255",
        "192.169.0.0",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2001:4860:4860::8888",
        "2001:200::1",
        "2a00:1450:4001::1",
        "2400:cb00::1",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
        "3fff:1000::1",
    ];
    for text in non_global {
        let addr: IpAddr = text.parse().expect(text);
        assert!(!is_global(addr), "{text} must not be global");
    }
    for text in global {
        let addr: IpAddr = text.parse().expect(text);
        assert!(is_global(addr), "{text} must be global");
    }
}

#[test]
fn allow_entries_parse() {
    let net = |addr: &str, prefix| {
        AllowEntry::Net(IpNetwork::new(addr.parse().expect(addr), prefix).expect(addr))
    };
    let cases = [
        ("127.0.0.1/32", net("127.0.0.1", 32)),
        ("127.0.0.1", net("127.0.0.1", 32)),
        ("10.0.0.0/8", net("10.0.0.0", 8)),
        (" 192.168.0.0/16 ", net("192.168.0.0", 16)),
        ("0.0.0.0/0", net("0.0.0.0", 0)),
        ("::1/128", net("::1", 128)),
        ("::1", net("::1", 128)),
        ("fc00::/7", net("fc00::", 7)),
        ("localhost", AllowEntry::Host("localhost".to_owned())),
        (
            "Intranet.Example.ORG.",
            AllowEntry::Host("intranet.example.org".to_owned()),
        ),
        ("wiki_1.lan", AllowEntry::Host("wiki_1.lan".to_owned())),
    ];
    for (text, expected) in cases {
        let parsed: AllowEntry = text.parse().unwrap_or_else(|err| panic!("{text}: {err}"));
        assert_eq!(parsed, expected, "{text}");
    }
    assert_eq!(
        "10.0.0.0/8"
            .parse::<AllowEntry>()
            .expect("valid")
            .to_string(),
        "10.0.0.0/8"
    );
    assert_eq!(
        "::1".parse::<AllowEntry>().expect("valid").to_string(),
        "::1/128"
    );
}

#[test]
fn bad_allow_entries_say_what_is_wrong() {
    let cases = [
        ("", "Empty", "empty"),
        ("   ", "Empty", "empty"),
        ("10.0.0.0/33", "PrefixTooLong", "at most 32"),
        ("::/129", "PrefixTooLong", "at most 128"),
        ("10.0.0.1/8", "HostBitsSet", "did you mean 10.0.0.0/8"),
        ("10.0.0/8", "BadAddress", "IPv4 or IPv6 address"),
        ("http://intranet/", "BadAddress", "without scheme"),
        ("10.0.0.0/eight", "BadPrefix", "prefix length"),
        ("10.0.0.0/", "BadPrefix", "prefix length"),
        ("*.example.org", "BadHost", "not a valid host name"),
        ("exa mple.org", "BadHost", "not a valid host name"),
        ("[::1]", "BadHost", "not a valid host name"),
    ];
    for (text, variant, phrase) in cases {
        let err: AllowEntryError = text
            .parse::<AllowEntry>()
            .expect_err(&format!("{text:?} must be refused"));
        let debug = format!("{err:?}");
        assert!(debug.starts_with(variant), "{text:?}: {debug}");
        let message = err.to_string();
        assert!(message.contains(phrase), "{text:?}: {message}");
        assert!(!message.ends_with('.'), "{text:?}: {message}");
    }
}

#[test]
fn networks_contain_their_addresses_only() {
    let contains = |net: &str, addr: &str| {
        let net: AllowEntry = net.parse().expect(net);
        net.allows_addr(addr.parse().expect(addr))
    };
    assert!(contains("10.0.0.0/8", "10.255.0.1"));
    assert!(!contains("10.0.0.0/8", "11.0.0.0"));
    assert!(!contains("10.0.0.0/8", "::ffff:10.0.0.1"));
    assert!(contains("172.16.0.0/12", "172.31.255.255"));
    assert!(!contains("172.16.0.0/12", "172.32.0.0"));
    assert!(contains("127.0.0.1", "127.0.0.1"));
    assert!(!contains("127.0.0.1", "127.0.0.2"));
    assert!(contains("0.0.0.0/0", "203.0.113.1"));
    assert!(!contains("0.0.0.0/0", "::1"));
    assert!(contains("::/0", "2001:db8::1"));
    assert!(contains("fc00::/7", "fdff::1"));
    assert!(!contains("fc00::/7", "fe00::1"));
    assert!(!contains("localhost", "127.0.0.1"));

    let host: AllowEntry = "intranet.example".parse().expect("host");
    assert!(host.allows_host("INTRANET.example."));
    assert!(!host.allows_host("evil-intranet.example"));
    assert!(!host.allows_host("intranet.example.evil.org"));
}

#[test]
fn allow_entries_read_from_configuration() {
    let entries: Vec<AllowEntry> =
        serde_json::from_str(r#"["localhost", "10.0.0.0/8", "::1"]"#).expect("valid list");
    assert_eq!(entries.len(), 3);
    assert_eq!(
        serde_json::to_string(&entries).expect("serialize"),
        r#"["localhost","10.0.0.0/8","::1/128"]"#
    );
    let err = serde_json::from_str::<Vec<AllowEntry>>(r#"["10.0.0.1/8"]"#).expect_err("bad");
    assert!(err.to_string().contains("did you mean 10.0.0.0/8"), "{err}");
}

/// `bytes` gzip-compressed.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

/// `n_mib` MiB of zeros gzip-compressed (about a thousandth of that), a megabyte at a time.
fn gzip_bomb(n_mib: usize) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..n_mib {
        encoder.write_all(&zeros).expect("compress");
    }
    encoder.finish().expect("compress")
}

/// `n_bytes` bytes that do not compress (a fixed pseudo-random sequence).
fn incompressible(n_bytes: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n_bytes)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

/// The value of header `name` in a logged request head, by lowercase name.
fn request_header(head: &str, name: &str) -> Vec<String> {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

const LAST_MODIFIED: &str = "Tue, 01 Apr 2025 10:00:00 GMT";

fn feed_options() -> RequestOptions {
    RequestOptions {
        etag: Some("\"v1\"".to_owned()),
        last_modified: Some(LAST_MODIFIED.to_owned()),
        accept: Some(FEED_ACCEPT.to_owned()),
    }
}

#[tokio::test]
async fn a_conditional_request_sends_its_validators_and_304_means_not_modified() {
    let server = TestServer::start(|path, _| match path {
        "/moved" => redirect("301 Moved Permanently", "/feed"),
        _ => Reply::Raw(head(
            "304 Not Modified",
            &[("ETag", "\"v1\""), ("Last-Modified", LAST_MODIFIED)],
        )),
    })
    .await;
    let policy = policy(&["127.0.0.1/32"]);

    let fetched = fetch_with(&server.url("/feed"), &policy, &feed_options())
        .await
        .expect("304 is a success");
    assert_eq!(fetched.status, 304);
    assert!(fetched.body.is_empty());
    assert!(fetched.redirects.is_empty());
    assert_eq!(fetched.header("ETag"), Some("\"v1\""));
    assert_eq!(fetched.header("last-modified"), Some(LAST_MODIFIED));
    assert_eq!(fetched.header("content-type"), None);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(request_header(&requests[0], "if-none-match"), ["\"v1\""]);
    assert_eq!(
        request_header(&requests[0], "if-modified-since"),
        [LAST_MODIFIED]
    );
    assert_eq!(request_header(&requests[0], "accept"), [FEED_ACCEPT]);

    // A 304 is not a redirect, and the validators travel along every hop.
    let fetched = fetch_with(&server.url("/moved"), &policy, &feed_options())
        .await
        .expect("304 after a redirect");
    assert_eq!(fetched.status, 304);
    assert_eq!(fetched.redirects, [server.url("/feed")]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for head in &requests[1..] {
        assert_eq!(request_header(head, "if-none-match"), ["\"v1\""], "{head}");
        assert_eq!(request_header(head, "accept"), [FEED_ACCEPT], "{head}");
    }
}

#[tokio::test]
async fn a_server_that_ignores_validators_sends_the_whole_page() {
    let server = TestServer::start(|_, _| {
        reply(
            "200 OK",
            &[("Content-Type", "application/rss+xml"), ("ETag", "\"v2\"")],
            b"<rss/>",
        )
    })
    .await;

    let fetched = fetch_with(
        &server.url("/feed"),
        &policy(&["127.0.0.1/32"]),
        &feed_options(),
    )
    .await
    .expect("fetch");
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, b"<rss/>");
    assert_eq!(fetched.header("etag"), Some("\"v2\""));
    assert_eq!(fetched.media_type.as_deref(), Some("application/rss+xml"));
}

#[tokio::test]
async fn an_unconditional_fetch_sends_no_validators_and_empty_ones_are_left_out() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"page")).await;
    let policy = policy(&["127.0.0.1/32"]);

    fetch(&server.url("/"), &policy).await.expect("fetch");
    let empty = RequestOptions {
        etag: Some(String::new()),
        last_modified: Some("  ".to_owned()),
        accept: None,
    };
    fetch_with(&server.url("/"), &policy, &empty)
        .await
        .expect("fetch with empty validators");

    for head in server.requests() {
        assert!(request_header(&head, "if-none-match").is_empty(), "{head}");
        assert!(
            request_header(&head, "if-modified-since").is_empty(),
            "{head}"
        );
        assert_eq!(request_header(&head, "accept"), ["*/*"], "{head}");
    }
}

#[tokio::test]
async fn a_validator_that_is_not_a_header_value_is_refused_before_connecting() {
    let server = TestServer::start(|_, _| reply("200 OK", &[], b"page")).await;

    let options = RequestOptions {
        etag: Some("\"v1\"\r\nX-Injected: yes".to_owned()),
        ..RequestOptions::default()
    };
    let err = fetch_with(&server.url("/"), &policy(&["127.0.0.1/32"]), &options)
        .await
        .expect_err("a line break is refused");
    assert!(
        matches!(&err, FetchError::InvalidRequestHeader { name, .. } if name == "If-None-Match"),
        "{err:?}"
    );
    assert!(err.to_string().contains("clear the stored value"), "{err}");
    assert_eq!(server.connections().await, 0);
}

#[tokio::test]
async fn gzip_and_deflate_pages_are_decoded() {
    let page = b"<html><body>hola hola hola hola hola</body></html>".repeat(50);
    let gzipped = gzip(&page);
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
    zlib.write_all(&page).expect("compress");
    let deflated = zlib.finish().expect("compress");
    assert!(gzipped.len() < page.len() / 10);
    let server = TestServer::start(move |path, _| {
        let (encoding, body) = match path {
            "/gzip" => ("gzip", &gzipped),
            _ => ("deflate", &deflated),
        };
        reply(
            "200 OK",
            &[
                ("Content-Type", "text/html"),
                ("Content-Encoding", encoding),
            ],
            body,
        )
    })
    .await;
    let policy = policy(&["127.0.0.1/32"]);

    for path in ["/gzip", "/deflate"] {
        let fetched = fetch(&server.url(path), &policy).await.expect(path);
        assert_eq!(fetched.body, page, "{path}");
        assert_eq!(fetched.media_type.as_deref(), Some("text/html"), "{path}");
        // The encoding and the compressed length describe bytes that are no longer there.
        assert_eq!(fetched.header("content-encoding"), None, "{path}");
        assert_eq!(fetched.header("content-length"), None, "{path}");
    }
    for head in server.requests() {
        let accepted = request_header(&head, "accept-encoding").join(",");
        assert!(accepted.contains("gzip"), "{head}");
        assert!(accepted.contains("deflate"), "{head}");
    }
}

#[tokio::test]
async fn an_encoding_that_is_not_decoded_is_kept_as_received_and_recorded() {
    let server = TestServer::start(|_, _| {
        reply("200 OK", &[("Content-Encoding", "br")], b"\x8b\x02\x80raw")
    })
    .await;

    let fetched = fetch(&server.url("/"), &policy(&["127.0.0.1/32"]))
        .await
        .expect("fetch");
    assert_eq!(fetched.body, b"\x8b\x02\x80raw");
    assert_eq!(fetched.header("content-encoding"), Some("br"));
}

#[tokio::test]
async fn the_limit_counts_decoded_bytes_not_the_compressed_length() {
    // Incompressible data grows a little when gzipped: the compressed Content-Length is over the
    // limit while the page itself is exactly at it.
    let page = incompressible(1024);
    let gzipped = gzip(&page);
    assert!(gzipped.len() > 1024);
    let server =
        TestServer::start(move |_, _| reply("200 OK", &[("Content-Encoding", "gzip")], &gzipped))
            .await;
    let at_limit = FetchPolicy {
        max_bytes: 1024,
        ..policy(&["127.0.0.1/32"])
    };
    let fetched = fetch(&server.url("/"), &at_limit).await.expect("at limit");
    assert_eq!(fetched.body, page);

    let below = FetchPolicy {
        max_bytes: 1023,
        ..at_limit
    };
    let result = fetch(&server.url("/"), &below).await;
    assert_eq!(result, Err(FetchError::TooLarge { limit: 1023 }));
}

#[tokio::test]
async fn a_gzip_bomb_stops_at_the_limit_quickly() {
    let bomb = Arc::new(gzip_bomb(200));
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let server = TestServer::start(move |path, _| match path {
        "/with-length" => reply("200 OK", &[("Content-Encoding", "gzip")], &bomb),
        _ => reply_without_length("200 OK", &[("Content-Encoding", "gzip")], &bomb),
    })
    .await;
    let limit = 10 * 1024 * 1024;
    let policy = FetchPolicy {
        max_bytes: limit,
        ..policy(&["127.0.0.1/32"])
    };

    for path in ["/with-length", "/without-length"] {
        let started = Instant::now();
        let result = fetch(&server.url(path), &policy).await;
        assert_eq!(result, Err(FetchError::TooLarge { limit }), "{path}");
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_secs(3), "{path}: {elapsed:?}");
    }
}

#[tokio::test]
async fn a_200_mb_streamed_body_without_length_stops_at_the_limit() {
    let server = TestServer::start(|_, _| Reply::Generated {
        head: head("200 OK", &[("Content-Type", "application/octet-stream")]),
        n_bytes: 200 * 1024 * 1024,
    })
    .await;
    let limit = 10 * 1024 * 1024;
    let policy = FetchPolicy {
        max_bytes: limit,
        ..policy(&["127.0.0.1/32"])
    };

    let started = Instant::now();
    let result = fetch(&server.url("/big"), &policy).await;
    assert_eq!(result, Err(FetchError::TooLarge { limit }));
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn a_damaged_compressed_body_is_a_decode_error() {
    let page = b"<html>una pagina con bastante texto para comprimir</html>".repeat(100);
    let good = gzip(&page);
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    for byte in &mut flipped[middle..middle + 8] {
        *byte ^= 0x5a;
    }
    let mut bad_checksum = good.clone();
    let crc_at = bad_checksum.len() - 8;
    bad_checksum[crc_at] ^= 0xff;
    let truncated = good[..good.len() / 2].to_vec();
    let server = TestServer::start(move |path, _| {
        let gzip = [("Content-Encoding", "gzip")];
        match path {
            "/flipped" => reply("200 OK", &gzip, &flipped),
            "/checksum" => reply("200 OK", &gzip, &bad_checksum),
            "/not-gzip" => reply("200 OK", &gzip, b"<html>plain text, not gzip</html>"),
            "/truncated" => reply_without_length("200 OK", &gzip, &truncated),
            _ => reply("404 Not Found", &[], b""),
        }
    })
    .await;
    let policy = policy(&["127.0.0.1/32"]);

    for path in ["/flipped", "/checksum", "/not-gzip", "/truncated"] {
        let result = fetch(&server.url(path), &policy).await;
        let Err(err @ FetchError::Decode(_)) = result else {
            panic!("{path}: expected Decode, got {result:?}");
        };
        let message = err.to_string();
        assert!(message.contains("damaged"), "{path}: {message}");
        assert!(message.contains("try again later"), "{path}: {message}");
        assert!(!message.ends_with('.'), "{path}: {message}");
    }
}

#[tokio::test]
async fn a_connection_cut_mid_body_is_a_network_error_even_when_compressed() {
    let good = gzip(&b"<html>texto</html>".repeat(100));
    let half = good[..good.len() / 2].to_vec();
    let length = good.len().to_string();
    let server = TestServer::start(move |path, _| {
        let mut bytes = match path {
            "/gzip" => head(
                "200 OK",
                &[
                    ("Content-Encoding", "gzip"),
                    ("Content-Length", length.as_str()),
                ],
            ),
            _ => head("200 OK", &[("Content-Length", "1000")]),
        };
        bytes.extend_from_slice(if path == "/gzip" { &half } else { b"partial" });
        Reply::Raw(bytes)
    })
    .await;
    let policy = policy(&["127.0.0.1/32"]);

    for path in ["/gzip", "/plain"] {
        let result = fetch(&server.url(path), &policy).await;
        let Err(FetchError::Network(detail)) = result else {
            panic!("{path}: expected Network, got {result:?}");
        };
        assert!(detail.contains("reading a body"), "{path}: {detail}");
        assert!(!detail.contains("decoding"), "{path}: {detail}");
    }
}
