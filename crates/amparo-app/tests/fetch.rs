//! Tests of the evidence fetcher and its SSRF guard, against tiny HTTP servers on 127.0.0.1.
//!
//! Nothing here contacts any other address: "unreachable" is a closed port on 127.0.0.1, and the
//! tests of blocked addresses assert that no connection was made at all.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amparo_app::fetch::{
    AllowEntry, AllowEntryError, FetchError, FetchPolicy, IpNetwork, fetch, is_global,
};
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
