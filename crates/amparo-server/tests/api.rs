//! The JSON API under /api/v1 driven without a socket: credentials on every route, CSRF for
//! session clients, the record round trip, pagination and filters, bad input of every kind,
//! captures up and down, feed subscriptions and document clusters, the evidence log (public
//! checkpoint, proofs and tiles; a capture's proof and bundle), and the OpenAPI document against
//! the route list.

use std::collections::BTreeSet;

use amparo_app::installation::{self, InitOptions, init};
use amparo_app::{Actor, App, NewFeed};
use amparo_model::records::{Document, Role, Suggestion, SuggestionKind, SuggestionStatus};
use amparo_model::{CaptureId, DocumentId};
use amparo_server::api::{API_ROUTES, PUBLIC_API_ROUTES, is_public};
use amparo_server::{AppState, router};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

const BOUNDARY: &str = "amparo-test-boundary";

/// An installation with an administrator token and a viewer token.
struct TestApi {
    dir: tempfile::TempDir,
    state: AppState,
    admin_password: String,
    admin: String,
    viewer: String,
    /// A case the viewer is granted read on.
    case: String,
}

/// What came back.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "{} is not JSON ({error}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The error code, checking the error's shape.
    fn code(&self) -> String {
        let json = self.json();
        let error = &json["error"];
        assert!(error["message"].is_string(), "{json}");
        assert!(
            error["field"].is_string() || error["field"].is_null(),
            "{json}"
        );
        error["code"].as_str().unwrap_or_default().to_owned()
    }

    fn field(&self) -> Value {
        self.json()["error"]["field"].clone()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

async fn test_api_with(change: impl FnOnce(&mut amparo_app::config::Settings)) -> TestApi {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (app, report) = init(&data, InitOptions::default()).await.unwrap();
    let mut settings = app.settings().clone();
    drop(app);
    change(&mut settings);
    std::fs::write(
        data.join("config.toml"),
        toml::to_string(&settings).unwrap(),
    )
    .unwrap();
    let app = installation::open(&data).await.unwrap();
    let (admin_name, admin_password) = report.admin.unwrap();
    let cli = Actor::cli("tester");
    let (viewer_user, _) = app.create_user(&cli, "viewer", Role::Viewer).await.unwrap();
    let case = app
        .create(
            &cli,
            amparo_model::records::Case {
                title: "Removal flights".to_owned(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    app.create(
        &cli,
        amparo_model::records::Grant {
            grantee: amparo_model::records::Grantee::User(amparo_model::UserId(viewer_user.id)),
            case_id: amparo_model::CaseId(case.id),
            rights: vec![amparo_model::records::Right::Read],
        },
    )
    .await
    .unwrap();
    let (_, admin) = app
        .create_api_token(&cli, &admin_name, "tests")
        .await
        .unwrap();
    let (_, viewer) = app.create_api_token(&cli, "viewer", "tests").await.unwrap();
    TestApi {
        dir,
        state: AppState::new(app),
        admin_password,
        admin,
        viewer,
        case: case.id.to_string(),
    }
}

async fn test_api() -> TestApi {
    test_api_with(|_| {}).await
}

fn request(method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

/// A multipart form with one file and the given text fields.
fn multipart(file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_request(token: Option<&str>, form: Vec<u8>, with_length: bool) -> Request<Body> {
    let mut builder = Request::post("/api/v1/captures").header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if with_length {
        builder = builder.header(header::CONTENT_LENGTH, form.len());
    }
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder.body(Body::from(form)).unwrap()
}

impl TestApi {
    fn app(&self) -> &App {
        &self.state.app
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn call(&self, method: Method, path: &str, token: &str, body: Option<&Value>) -> Reply {
        self.send(request(method, path, Some(token), body)).await
    }

    /// Creates a record as the administrator and returns it.
    async fn create(&self, kind: &str, body: Value) -> Value {
        let reply = self
            .call(
                Method::POST,
                &format!("/api/v1/records/{kind}"),
                &self.admin,
                Some(&body),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        reply.json()
    }

    async fn count(&self, kind: &str) -> usize {
        let reply = self
            .call(
                Method::GET,
                &format!("/api/v1/records/{kind}?limit=500"),
                &self.admin,
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.json()["items"].as_array().map_or(0, Vec::len)
    }

    /// Every blob file under the data directory.
    fn blob_count(&self) -> usize {
        fn walk(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir).map_or(0, |entries| {
                entries
                    .flatten()
                    .map(|entry| {
                        let path = entry.path();
                        if path.is_dir() { walk(&path) } else { 1 }
                    })
                    .sum()
            })
        }
        walk(&self.dir.path().join("data").join("blobs"))
    }

    /// Signs in through the login form; returns the session cookie pair.
    async fn sign_in(&self) -> String {
        let form = self
            .send(Request::get("/login").body(Body::empty()).unwrap())
            .await;
        let login_cookie = form
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .find(|pair| !pair.starts_with("amparo_lang="))
            .expect("the login form sets its CSRF cookie")
            .to_owned();
        let csrf = login_cookie
            .split_once('=')
            .map(|(_, v)| v)
            .unwrap_or_default();
        let reply = self
            .send(
                Request::post("/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, &login_cookie)
                    .body(Body::from(format!(
                        "username=admin&password={}&csrf={csrf}",
                        self.admin_password
                    )))
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        reply
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .find(|pair| pair.starts_with("amparo_session="))
            .expect("a session cookie")
            .to_owned()
    }
}

fn person(notes: &str, nationalities: &[&str], cases: &[&str]) -> Value {
    json!({"pseudonym": "", "notes": notes, "nationalities": nationalities, "case_ids": cases})
}

/// A concrete path for a route template, with the query parameters a route requires.
fn concrete(path: &str, id: &str) -> String {
    let query = match path {
        "/api/v1/log/proof/inclusion" => "?index=0",
        "/api/v1/log/proof/consistency" => "?size1=1",
        _ => "",
    };
    // Every installation's log has a first leaf (its administrator), so this tile exists.
    let path = path
        .replace("{kind}", "person")
        .replace("{id}", id)
        .replace("{*path}", "entries/000.p/1");
    format!("{path}{query}")
}

// ---------------------------------------------------------------------------------------------
// Credentials.

#[tokio::test]
async fn every_route_refuses_requests_without_credentials() {
    let api = test_api().await;
    let id = Uuid::now_v7().to_string();
    for (method, path) in API_ROUTES {
        if is_public(method, path) {
            continue;
        }
        let method: Method = method.parse().unwrap();
        let path = concrete(path, &id);
        for authorization in [
            None,
            Some("Bearer amp_wrong"),
            Some("Basic YWRtaW46YWRtaW4="),
        ] {
            let mut builder = Request::builder().method(method.clone()).uri(&path);
            if let Some(value) = authorization {
                builder = builder.header(header::AUTHORIZATION, value);
            }
            let reply = api.send(builder.body(Body::empty()).unwrap()).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(reply.code(), "unauthorized", "{method} {path}");
            assert!(
                reply.header(header::WWW_AUTHENTICATE).starts_with("Bearer"),
                "{method} {path}"
            );
        }
    }
}

#[tokio::test]
async fn every_route_answers_a_token() {
    let api = test_api().await;
    let created = api.create("person", person("", &["VE"], &[])).await;
    let person_id = created["id"].as_str().unwrap().to_owned();
    let kept = api.create("person", person("", &[], &[])).await;
    let kept_id = kept["id"].as_str().unwrap().to_owned();
    let capture = api
        .send(upload_request(
            Some(&api.admin),
            multipart("a.txt", b"hello", &[]),
            true,
        ))
        .await;
    assert_eq!(capture.status, StatusCode::CREATED);
    let capture_id = capture.json()["id"].as_str().unwrap().to_owned();
    let cli = Actor::cli("tester");
    let feed_id = api
        .app()
        .add_feed(&cli, REFUSED_FEED_URL, NewFeed::default())
        .await
        .unwrap()
        .id
        .to_string();
    let (_, copy) = document_pair(api.app(), Uuid::parse_str(&capture_id).unwrap()).await;
    let document_id = copy.to_string();
    // A suggestion to decide (the short text may hold no finding of its own).
    let suggestion_id = api
        .app()
        .create(
            &cli,
            Suggestion {
                document_id: DocumentId(copy),
                kind: SuggestionKind::Place,
                start: 34,
                end: 50,
                text: "detention center".to_owned(),
                confidence: 0.5,
                proposal: json!({}),
                status: SuggestionStatus::Pending,
                accepted_into: None,
            },
        )
        .await
        .unwrap()
        .id
        .to_string();
    let mut answered = BTreeSet::new();
    for (method, template) in API_ROUTES {
        let id = if template.starts_with("/api/v1/captures/") {
            &capture_id
        } else if template.starts_with("/api/v1/persons/") {
            // The first person is deleted by then.
            &kept_id
        } else if template.starts_with("/api/v1/feeds/") {
            &feed_id
        } else if template.starts_with("/api/v1/documents/") {
            &document_id
        } else if template.starts_with("/api/v1/suggestions/") {
            &suggestion_id
        } else {
            &person_id
        };
        let path = concrete(template, id);
        let reply = match (*method, *template) {
            ("POST", "/api/v1/feeds") => {
                let body = json!({"url": "https://other.example.invalid/rss"});
                api.call(Method::POST, &path, &api.admin, Some(&body)).await
            }
            ("POST", "/api/v1/feeds/import") => {
                api.send(opml_request(
                    &api.admin,
                    "<opml version=\"2.0\"><body><outline xmlUrl=\"https://third.example.invalid/rss\"/></body></opml>",
                ))
                .await
            }
            ("POST", template) if template.starts_with("/api/v1/feeds/") => {
                api.call(Method::POST, &path, &api.admin, None).await
            }
            ("DELETE", "/api/v1/feeds/{id}") => {
                api.call(Method::DELETE, &path, &api.admin, None).await
            }
            ("POST", "/api/v1/captures") => {
                api.send(upload_request(
                    Some(&api.admin),
                    multipart("b.txt", b"other", &[]),
                    true,
                ))
                .await
            }
            ("POST", "/api/v1/suggestions/{id}/decision") => {
                let body = json!({"action": "reject"});
                api.call(Method::POST, &path, &api.admin, Some(&body)).await
            }
            ("POST", template) if template.starts_with("/api/v1/documents/") => {
                api.call(Method::POST, &path, &api.admin, None).await
            }
            ("POST", "/api/v1/captures/url") => {
                // Loopback is refused by the fetch policy: the route answers, the fetch fails.
                let body = json!({"url": "http://127.0.0.1:9/"});
                api.call(Method::POST, &path, &api.admin, Some(&body)).await
            }
            ("POST", _) => {
                let body = person("", &[], &[]);
                api.call(Method::POST, &path, &api.admin, Some(&body)).await
            }
            ("PUT", _) => {
                let mut body = person("changed", &["VE"], &[]);
                body["pseudonym"] = created["record"]["pseudonym"].clone();
                api.call(
                    Method::PUT,
                    &format!("{path}?version=1"),
                    &api.admin,
                    Some(&body),
                )
                .await
            }
            ("DELETE", _) => {
                // Runs after PUT in the route list: version 2.
                api.call(
                    Method::DELETE,
                    &format!("{path}?version=2"),
                    &api.admin,
                    None,
                )
                .await
            }
            (method, _) => {
                api.call(method.parse().unwrap(), &path, &api.admin, None)
                    .await
            }
        };
        let expected = match (*method, *template) {
            ("POST", "/api/v1/captures/url") => StatusCode::BAD_GATEWAY,
            ("POST", "/api/v1/feeds/import") => StatusCode::OK,
            ("POST", template) if template.starts_with("/api/v1/feeds/") => StatusCode::OK,
            ("POST", template)
                if template.starts_with("/api/v1/documents/")
                    || template.starts_with("/api/v1/suggestions/") =>
            {
                StatusCode::OK
            }
            ("POST", _) => StatusCode::CREATED,
            _ => StatusCode::OK,
        };
        assert_eq!(
            reply.status,
            expected,
            "{method} {path}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        if expected == StatusCode::BAD_GATEWAY {
            assert_eq!(reply.code(), "fetch_failed");
        }
        answered.insert((*method, *template));
    }
    assert_eq!(answered.len(), API_ROUTES.len(), "routes are listed once");
}

#[tokio::test]
async fn session_clients_need_the_csrf_token_to_change_anything() {
    let api = test_api().await;
    let cookie = api.sign_in().await;
    let body = person("", &[], &[]);
    let post = |csrf: Option<&str>| {
        let mut builder = Request::post("/api/v1/records/person")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(csrf) = csrf {
            builder = builder.header("X-CSRF-Token", csrf);
        }
        builder.body(Body::from(body.to_string())).unwrap()
    };
    for csrf in [None, Some("0000"), Some("")] {
        let reply = api.send(post(csrf)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{csrf:?}");
        assert_eq!(reply.code(), "csrf_failed");
    }
    assert_eq!(api.count("person").await, 0, "nothing was written");
    let read = api
        .send(
            Request::get("/api/v1/records/person")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "reads need no CSRF token");
    // The session's token, as the interface's pages carry it in their forms.
    let page = api
        .send(
            Request::get("/")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = String::from_utf8_lossy(&page.body);
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the dashboard carries the session's CSRF token");
    let reply = api.send(post(Some(csrf))).await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

#[tokio::test]
async fn revoked_token_is_refused() {
    let api = test_api().await;
    let cli = Actor::cli("tester");
    let (info, secret) = api
        .app()
        .create_api_token(&cli, "viewer", "short-lived")
        .await
        .unwrap();
    let path = "/api/v1/records/person";
    assert_eq!(
        api.call(Method::GET, path, &secret, None).await.status,
        StatusCode::OK
    );
    api.app().revoke_api_token(&cli, info.id).await.unwrap();
    let reply = api.call(Method::GET, path, &secret, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.code(), "unauthorized");
}

// ---------------------------------------------------------------------------------------------
// Records.

#[tokio::test]
async fn record_create_get_update_conflict_delete_history() {
    let api = test_api().await;
    let reply = api
        .call(
            Method::POST,
            "/api/v1/records/person",
            &api.admin,
            Some(&person("first", &["VE"], &[])),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let created = reply.json();
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/records/person/{id}");
    assert_eq!(reply.header(header::LOCATION), path);
    assert_eq!(reply.header(header::ETAG), "\"1\"");
    assert_eq!(created["record"]["pseudonym"], "P-0001");

    let got = api.call(Method::GET, &path, &api.admin, None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json(), created);

    let mut update = request(
        Method::PUT,
        &path,
        Some(&api.admin),
        Some(&json!({"pseudonym": "P-0001", "notes": "second", "nationalities": ["VE"]})),
    );
    update
        .headers_mut()
        .insert(header::IF_MATCH, "\"1\"".parse().unwrap());
    let updated = api.send(update).await;
    assert_eq!(
        updated.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&updated.body)
    );
    assert_eq!(updated.json()["version"], 2);
    assert_eq!(updated.json()["record"]["notes"], "second");

    let stale = api
        .call(
            Method::PUT,
            &format!("{path}?version=1"),
            &api.admin,
            Some(&json!({"pseudonym": "P-0001", "notes": "lost"})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.code(), "version_conflict");

    let unversioned = api
        .call(
            Method::PUT,
            &path,
            &api.admin,
            Some(&json!({"pseudonym": "P-0001"})),
        )
        .await;
    assert_eq!(unversioned.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(unversioned.code(), "version_required");
    let unversioned_delete = api.call(Method::DELETE, &path, &api.admin, None).await;
    assert_eq!(unversioned_delete.status, StatusCode::PRECONDITION_REQUIRED);

    let deleted = api
        .call(
            Method::DELETE,
            &format!("{path}?version=2"),
            &api.admin,
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.json()["deleted"], true);
    let gone = api.call(Method::GET, &path, &api.admin, None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.code(), "not_found");

    let history = api
        .call(Method::GET, &format!("{path}/history"), &api.admin, None)
        .await;
    assert_eq!(history.status, StatusCode::OK);
    let versions: Vec<(u64, bool)> = history.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["version"].as_u64().unwrap(),
                item["deleted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, [(1, false), (2, false), (3, true)]);
}

#[tokio::test]
async fn lists_page_by_cursor_and_filter() {
    let api = test_api().await;
    let case_a = api.create("case", json!({"title": "Habeas A"})).await;
    let case_b = api
        .create("case", json!({"title": "Closed B", "status": "closed"}))
        .await;
    let (a, b) = (
        case_a["id"].as_str().unwrap(),
        case_b["id"].as_str().unwrap(),
    );
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(api.create("person", person("", &["VE"], &[a])).await["id"].clone());
    }
    for _ in 0..2 {
        ids.push(api.create("person", person("", &["SV"], &[b])).await["id"].clone());
    }

    // Pages of two, following `next`, give every person once, in order.
    let mut seen = Vec::new();
    let mut path = "/api/v1/records/person?limit=2".to_owned();
    loop {
        let page = api.call(Method::GET, &path, &api.admin, None).await.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|item| item["id"].clone()));
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/records/person?limit=2&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);

    let filtered = |query: String| {
        let api = &api;
        async move {
            let reply = api.call(Method::GET, &query, &api.admin, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}");
            reply.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["id"].clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        filtered(format!("/api/v1/records/person?case={a}")).await,
        ids[..5]
    );
    assert_eq!(
        filtered("/api/v1/records/person?nationality=sv".into()).await,
        ids[5..]
    );
    let page = api
        .call(
            Method::GET,
            &format!("/api/v1/records/person?case={a}&limit=3"),
            &api.admin,
            None,
        )
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    assert_eq!(page["next"], ids[2]);
    assert_eq!(
        filtered("/api/v1/records/case?status=closed".into()).await,
        [case_b["id"].clone()]
    );

    let person_id = ids[0].as_str().unwrap();
    let other_id = ids[1].as_str().unwrap();
    let period = |who: &str, status: &str, start: &str, end: &str| json!({"person_id": who, "status": status, "period": {"start": start, "end": end}});
    let first = api
        .create(
            "custody-period",
            period(
                person_id,
                "in-immigration-custody",
                "2025-02-10",
                "2025-03-15",
            ),
        )
        .await;
    let second = api
        .create(
            "custody-period",
            period(person_id, "whereabouts-unknown", "2025-03-16", "2025-07-17"),
        )
        .await;
    api.create(
        "custody-period",
        period(other_id, "released", "2025-07-18", "2025-07-18"),
    )
    .await;
    assert_eq!(
        filtered(format!("/api/v1/records/custody-period?person={person_id}")).await,
        [first["id"].clone(), second["id"].clone()]
    );
    assert_eq!(
        filtered("/api/v1/records/custody-period?status=whereabouts-unknown".into()).await,
        [second["id"].clone()]
    );

    // The person's timeline.
    let timeline = api
        .call(
            Method::GET,
            &format!("/api/v1/persons/{person_id}/timeline"),
            &api.admin,
            None,
        )
        .await;
    assert_eq!(timeline.status, StatusCode::OK);
    let segments = timeline.json()["segments"].as_array().unwrap().clone();
    assert_eq!(segments.len(), 2);
    assert_eq!(segments[1]["status"], "whereabouts-unknown");

    // Filters that do not apply, and bad parameters.
    for (query, field) in [
        (
            "/api/v1/records/place?person=00000000-0000-0000-0000-000000000000",
            "person",
        ),
        ("/api/v1/records/person?limit=0", "limit"),
        ("/api/v1/records/person?limit=many", "limit"),
        ("/api/v1/records/person?after=yesterday", "after"),
        ("/api/v1/records/person?colour=red", "colour"),
    ] {
        let reply = api.call(Method::GET, query, &api.admin, None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.code(), "invalid_query", "{query}");
        assert_eq!(reply.field(), json!(field), "{query}");
    }
}

#[tokio::test]
async fn bad_bodies_get_their_documented_errors_and_change_nothing() {
    let api = test_api().await;
    let path = "/api/v1/records/person";
    let raw = |body: &str, content_type: Option<&str>| {
        let mut builder =
            Request::post(path).header(header::AUTHORIZATION, format!("Bearer {}", api.admin));
        if let Some(content_type) = content_type {
            builder = builder.header(header::CONTENT_TYPE, content_type);
        }
        builder.body(Body::from(body.to_owned())).unwrap()
    };
    let cases: Vec<(Request<Body>, StatusCode, &str, Value)> = vec![
        (
            raw("{\"pseudonym\": ", Some("application/json")),
            StatusCode::BAD_REQUEST,
            "bad_json",
            Value::Null,
        ),
        (
            raw("not json", Some("application/json")),
            StatusCode::BAD_REQUEST,
            "bad_json",
            Value::Null,
        ),
        (
            raw("{\"pseudonym\": \"\"}", None),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Value::Null,
        ),
        (
            raw("{\"pseudonym\": \"\"}", Some("text/plain")),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Value::Null,
        ),
        (
            raw(
                "{\"pseudonym\": \"\", \"nickname\": \"El Flaco\"}",
                Some("application/json"),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "malformed_record",
            json!("nickname"),
        ),
        (
            raw(
                "{\"pseudonym\": \"\", \"nationalities\": 5}",
                Some("application/json"),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "malformed_record",
            Value::Null,
        ),
        (
            raw("[1, 2]", Some("application/json")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "malformed_record",
            Value::Null,
        ),
        (
            raw("{\"pseudonym\": \"not a code\"}", Some("application/json")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_record",
            json!("pseudonym"),
        ),
    ];
    for (request, status, code, field) in cases {
        let reply = api.send(request).await;
        assert_eq!(
            reply.status,
            status,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.code(), code);
        assert_eq!(
            reply.field(),
            field,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
    }
    let oversized = format!(
        "{{\"pseudonym\": \"\", \"notes\": \"{}\"}}",
        "x".repeat(3 << 20)
    );
    let reply = api.send(raw(&oversized, Some("application/json"))).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.code(), "payload_too_large");

    let url = "/api/v1/captures/url";
    let reply = api
        .call(
            Method::POST,
            url,
            &api.admin,
            Some(&json!({"url": "http://example.org/", "extra": 1})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "unknown_field");
    assert_eq!(reply.field(), json!("extra"));
    let reply = api
        .call(Method::POST, url, &api.admin, Some(&json!({"url": 42})))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.code(), "bad_json");

    assert_eq!(api.count("person").await, 0);
    assert_eq!(api.count("capture").await, 0);
}

#[tokio::test]
async fn bad_paths_are_json_errors() {
    let api = test_api().await;
    for (path, status, code) in [
        (
            "/api/v1/records/../person",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/records/%2e%2e/person",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/records/person/..",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/../../etc/passwd",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/records/persons",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/records/person/not-a-uuid",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/captures/12/content",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        ("/api/v1/nothing/here", StatusCode::NOT_FOUND, "not_found"),
    ] {
        let reply = api.call(Method::GET, path, &api.admin, None).await;
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.code(), code, "{path}");
    }
    let reply = api
        .call(Method::PATCH, "/api/v1/records/person", &api.admin, None)
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.code(), "method_not_allowed");
}

#[tokio::test]
async fn script_in_a_text_field_comes_back_as_a_plain_json_string() {
    let api = test_api().await;
    let script = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let created = api.create("person", person(script, &[], &[])).await;
    let path = format!("/api/v1/records/person/{}", created["id"].as_str().unwrap());
    let reply = api.call(Method::GET, &path, &api.admin, None).await;
    assert!(
        reply
            .header(header::CONTENT_TYPE)
            .starts_with("application/json")
    );
    assert_eq!(reply.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(
        reply.json()["record"]["notes"],
        script,
        "stored and returned exactly"
    );
}

#[tokio::test]
async fn viewer_reads_without_sensitive_fields_and_cannot_write() {
    let api = test_api().await;
    let mut body = person("", &["VE"], &[&api.case]);
    body["sensitive"] = json!({"full_name": "Secret Name"});
    let created = api.create("person", body.clone()).await;
    assert_eq!(created["record"]["sensitive"]["full_name"], "Secret Name");
    let path = format!("/api/v1/records/person/{}", created["id"].as_str().unwrap());
    let read = api.call(Method::GET, &path, &api.viewer, None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(
        read.json()["record"]
            .get("sensitive")
            .is_none_or(Value::is_null)
    );
    assert!(!String::from_utf8_lossy(&read.body).contains("Secret Name"));
    let list = api
        .call(Method::GET, "/api/v1/records/person", &api.viewer, None)
        .await;
    assert!(!String::from_utf8_lossy(&list.body).contains("Secret Name"));
    let history = api
        .call(Method::GET, &format!("{path}/history"), &api.viewer, None)
        .await;
    assert!(!String::from_utf8_lossy(&history.body).contains("Secret Name"));

    let writes = [
        api.call(
            Method::POST,
            "/api/v1/records/person",
            &api.viewer,
            Some(&body),
        )
        .await,
        api.call(
            Method::PUT,
            &format!("{path}?version=1"),
            &api.viewer,
            Some(&body),
        )
        .await,
        api.call(
            Method::DELETE,
            &format!("{path}?version=1"),
            &api.viewer,
            None,
        )
        .await,
        api.send(upload_request(
            Some(&api.viewer),
            multipart("x.txt", b"x", &[]),
            true,
        ))
        .await,
    ];
    for reply in writes {
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.code(), "forbidden");
    }
    assert_eq!(api.count("person").await, 1);
    assert_eq!(api.count("capture").await, 0);
}

// ---------------------------------------------------------------------------------------------
// Captures.

#[tokio::test]
async fn uploaded_capture_downloads_as_the_same_bytes_never_inline() {
    let api = test_api().await;
    let case = api.create("case", json!({"title": "Habeas"})).await;
    let case_id = case["id"].as_str().unwrap();
    let bytes = b"<html><body><script>alert(1)</script>\x00\xff binary</body></html>".to_vec();
    let reply = api
        .send(upload_request(
            Some(&api.admin),
            multipart(
                "../../page.html",
                &bytes,
                &[("note", "from the field"), ("case", case_id)],
            ),
            false,
        ))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let capture = reply.json();
    let id = capture["id"].as_str().unwrap();
    assert_eq!(
        reply.header(header::LOCATION),
        format!("/api/v1/records/capture/{id}")
    );
    assert_eq!(capture["record"]["size"], bytes.len());
    assert_eq!(capture["record"]["note"], "from the field");
    assert_eq!(capture["record"]["case_ids"], json!([case_id]));
    assert_eq!(capture["record"]["origin"]["file_name"], "page.html");

    let content = api
        .call(
            Method::GET,
            &format!("/api/v1/captures/{id}/content"),
            &api.admin,
            None,
        )
        .await;
    assert_eq!(content.status, StatusCode::OK);
    assert_eq!(content.body, bytes);
    assert_eq!(
        content.header(header::CONTENT_TYPE),
        "application/octet-stream"
    );
    assert!(
        content
            .header(header::CONTENT_DISPOSITION)
            .starts_with("attachment")
    );
    assert_eq!(content.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");

    let listed = api
        .call(
            Method::GET,
            &format!("/api/v1/records/capture?case={case_id}"),
            &api.admin,
            None,
        )
        .await;
    assert_eq!(listed.json()["items"].as_array().unwrap().len(), 1);
    let missing = api
        .send(upload_request(
            Some(&api.admin),
            format!("--{BOUNDARY}--\r\n").into_bytes(),
            true,
        ))
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.field(), json!("file"));
}

#[tokio::test]
async fn oversized_upload_is_refused_and_nothing_is_stored() {
    let api = test_api_with(|settings| settings.server.max_upload_bytes = 1000).await;
    let blobs_before = api.blob_count();
    for with_length in [true, false] {
        let form = multipart("big.bin", &vec![7u8; 5000], &[]);
        let reply = api
            .send(upload_request(Some(&api.admin), form, with_length))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "length given: {with_length}"
        );
        assert_eq!(reply.code(), "payload_too_large");
    }
    assert_eq!(api.count("capture").await, 0);
    assert_eq!(api.blob_count(), blobs_before);
    let tmp = api.dir.path().join("data").join("tmp");
    let leftovers = std::fs::read_dir(&tmp).map_or(0, |entries| entries.count());
    assert_eq!(leftovers, 0, "no temporary upload is left behind");
    let small = api
        .send(upload_request(
            Some(&api.admin),
            multipart("ok.bin", &[1u8; 900], &[]),
            true,
        ))
        .await;
    assert_eq!(small.status, StatusCode::CREATED);
}

// ---------------------------------------------------------------------------------------------
// The evidence log.

/// A checkpoint fetched from the API and opened with the installation's verifier key.
async fn fetch_checkpoint(api: &TestApi) -> amparo_tlog::Checkpoint {
    let reply = api
        .send(
            Request::get("/api/v1/log/checkpoint")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        "text/plain; charset=utf-8"
    );
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-cache");
    let key = api.app().log_verifier_key().unwrap();
    let verifiers = amparo_tlog::VerifierSet::new([amparo_tlog::Verifier::parse(&key).unwrap()]);
    let note = amparo_tlog::Note::open(&reply.body, &verifiers)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&reply.body)));
    amparo_tlog::Checkpoint::parse(note.text()).unwrap()
}

/// The number of leaves in the log, counted by `amparo log check`'s recomputation.
async fn leaves(api: &TestApi) -> u64 {
    let report = api.app().check_log(&|_, _| {}).await.unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    report.leaves
}

/// An anonymous GET.
async fn anonymous(api: &TestApi, path: &str) -> Reply {
    api.send(Request::get(path).body(Body::empty()).unwrap())
        .await
}

fn hash(value: &Value) -> amparo_tlog::Hash {
    amparo_tlog::Hash::from_base64(value.as_str().unwrap()).unwrap()
}

fn hashes(value: &Value) -> Vec<amparo_tlog::Hash> {
    value.as_array().unwrap().iter().map(hash).collect()
}

async fn upload_capture(api: &TestApi, name: &str, bytes: &[u8]) -> String {
    let reply = api
        .send(upload_request(
            Some(&api.admin),
            multipart(name, bytes, &[("case", &api.case)]),
            true,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    reply.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_public_log_routes_answer_without_credentials() {
    let api = test_api().await;
    for (method, path) in PUBLIC_API_ROUTES {
        assert!(API_ROUTES.contains(&(method, path)), "{method} {path}");
        let reply = anonymous(&api, &concrete(path, "")).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{method} {path}: {}",
            String::from_utf8_lossy(&reply.body)
        );
    }
}

#[tokio::test]
async fn the_checkpoint_is_signed_by_the_installation_and_covers_every_leaf() {
    let api = test_api().await;
    upload_capture(&api, "a.txt", b"first").await;
    let checkpoint = fetch_checkpoint(&api).await;
    assert_eq!(checkpoint.origin(), api.app().settings().log_origin());
    assert_eq!(checkpoint.size(), leaves(&api).await);
    // Another write grows the log, and the next checkpoint is signed for it.
    api.create("person", person("", &[], &[])).await;
    let later = fetch_checkpoint(&api).await;
    assert_eq!(later.size(), leaves(&api).await);
    assert!(later.size() > checkpoint.size());
}

#[tokio::test]
async fn a_captures_inclusion_proof_verifies_against_the_checkpoint() {
    let api = test_api().await;
    let id = upload_capture(&api, "statement.txt", b"what the family said").await;
    let path = format!("/api/v1/captures/{id}/proof");
    let unsigned = anonymous(&api, &path).await;
    assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unsigned.code(), "unauthorized");

    let reply = api.call(Method::GET, &path, &api.viewer, None).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(
        reply
            .header(header::CONTENT_TYPE)
            .starts_with("application/json")
    );
    let proof = reply.json();
    let index = proof["leafIdx"].as_u64().unwrap();
    let checkpoint = fetch_checkpoint(&api).await;
    assert_eq!(proof["treeSize"].as_u64().unwrap(), checkpoint.size());
    assert_eq!(&hash(&proof["root"]), checkpoint.root());
    amparo_tlog::verify_inclusion(
        index,
        checkpoint.size(),
        &hash(&proof["leafHash"]),
        &hashes(&proof["proof"]),
        checkpoint.root(),
    )
    .unwrap();
    let entry = api
        .app()
        .capture_log_entry(&Actor::cli("tester"), id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(index, entry.index);
    assert_eq!(
        hash(&proof["leafHash"]),
        amparo_tlog::leaf_hash(&entry.leaf)
    );

    // The public route gives the same proof, by default and for the size asked for.
    for query in [
        format!("index={index}"),
        format!("index={index}&size={}", checkpoint.size()),
    ] {
        let public = anonymous(&api, &format!("/api/v1/log/proof/inclusion?{query}")).await;
        assert_eq!(public.status, StatusCode::OK, "{query}");
        assert_eq!(public.json(), proof, "{query}");
    }
}

#[tokio::test]
async fn a_consistency_proof_links_two_checkpoints() {
    let api = test_api().await;
    upload_capture(&api, "a.txt", b"first").await;
    let before = fetch_checkpoint(&api).await;
    for index in 0..5 {
        api.create("person", person(&format!("n{index}"), &[], &[]))
            .await;
    }
    upload_capture(&api, "b.txt", b"second").await;
    let after = fetch_checkpoint(&api).await;
    assert!(after.size() > before.size());
    for query in [
        format!("size1={}&size2={}", before.size(), after.size()),
        format!("size1={}", before.size()),
    ] {
        let reply = anonymous(&api, &format!("/api/v1/log/proof/consistency?{query}")).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{query}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let proof = reply.json();
        assert_eq!(proof["size1"].as_u64().unwrap(), before.size(), "{query}");
        assert_eq!(proof["size2"].as_u64().unwrap(), after.size(), "{query}");
        assert_eq!(&hash(&proof["root1"]), before.root(), "{query}");
        assert_eq!(&hash(&proof["root2"]), after.root(), "{query}");
        amparo_tlog::verify_consistency(
            before.size(),
            after.size(),
            before.root(),
            after.root(),
            &hashes(&proof["proof"]),
        )
        .unwrap();
    }
}

#[tokio::test]
async fn bad_log_parameters_are_400_with_the_parameter_named() {
    let api = test_api().await;
    let size = fetch_checkpoint(&api).await.size();
    let beyond = size + 1;
    for (query, field) in [
        ("/api/v1/log/proof/inclusion".to_owned(), "index"),
        ("/api/v1/log/proof/inclusion?index=".to_owned(), "index"),
        ("/api/v1/log/proof/inclusion?index=abc".to_owned(), "index"),
        ("/api/v1/log/proof/inclusion?index=-1".to_owned(), "index"),
        ("/api/v1/log/proof/inclusion?index=1.5".to_owned(), "index"),
        (
            "/api/v1/log/proof/inclusion?index=99999999999999999999999".to_owned(),
            "index",
        ),
        (format!("/api/v1/log/proof/inclusion?index={size}"), "index"),
        (
            "/api/v1/log/proof/inclusion?index=1&size=1".to_owned(),
            "index",
        ),
        (
            "/api/v1/log/proof/inclusion?index=0&size=0".to_owned(),
            "index",
        ),
        (
            format!("/api/v1/log/proof/inclusion?index=0&size={beyond}"),
            "size",
        ),
        (
            "/api/v1/log/proof/inclusion?index=0&size=x".to_owned(),
            "size",
        ),
        (
            "/api/v1/log/proof/inclusion?index=0&leaf=1".to_owned(),
            "leaf",
        ),
        ("/api/v1/log/proof/consistency".to_owned(), "size1"),
        ("/api/v1/log/proof/consistency?size1=0".to_owned(), "size1"),
        (
            "/api/v1/log/proof/consistency?size1=one".to_owned(),
            "size1",
        ),
        (
            format!("/api/v1/log/proof/consistency?size1={beyond}"),
            "size1",
        ),
        (
            "/api/v1/log/proof/consistency?size1=2&size2=1".to_owned(),
            "size1",
        ),
        (
            format!("/api/v1/log/proof/consistency?size1=1&size2={beyond}"),
            "size2",
        ),
        (
            "/api/v1/log/proof/consistency?size1=1&size2=".to_owned(),
            "size2",
        ),
    ] {
        let reply = anonymous(&api, &query).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.code(), "invalid_query", "{query}");
        assert_eq!(reply.field(), json!(field), "{query}");
        let message = reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(!message.ends_with('.'), "{query}: {message}");
    }
}

#[tokio::test]
async fn log_tiles_are_served_from_the_store() {
    let api = test_api().await;
    upload_capture(&api, "a.txt", b"first").await;
    let checkpoint = fetch_checkpoint(&api).await;
    let size = checkpoint.size();
    assert!(size < 256, "one partial tile holds the whole test log");
    let tile = anonymous(&api, &format!("/api/v1/log/tile/0/000.p/{size}")).await;
    assert_eq!(tile.status, StatusCode::OK);
    assert_eq!(
        tile.header(header::CONTENT_TYPE),
        "application/octet-stream"
    );
    assert!(tile.header(header::CACHE_CONTROL).contains("immutable"));
    let tile_hashes = amparo_tlog::tiles::parse_tile_data(&tile.body, size as u16).unwrap();
    assert_eq!(&amparo_tlog::tree_hash(&tile_hashes), checkpoint.root());
    let bundle = anonymous(&api, &format!("/api/v1/log/tile/entries/000.p/{size}")).await;
    assert_eq!(bundle.status, StatusCode::OK);
    let entries = amparo_tlog::tiles::parse_entry_bundle(&bundle.body).unwrap();
    let entry_hashes: Vec<amparo_tlog::Hash> = entries
        .iter()
        .map(|entry| amparo_tlog::leaf_hash(entry))
        .collect();
    assert_eq!(entry_hashes, tile_hashes);
    for (path, status, code) in [
        ("/api/v1/log/tile/0/000", StatusCode::NOT_FOUND, "not_found"),
        (
            "/api/v1/log/tile/1/000.p/1",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/log/tile/0/001.p/1",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "/api/v1/log/tile/0/0",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/log/tile/0/000.p/0",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/log/tile/64/000",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
        (
            "/api/v1/log/tile/x",
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
    ] {
        let reply = anonymous(&api, path).await;
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.code(), code, "{path}");
    }
}

#[tokio::test]
async fn the_evidence_bundle_downloads_and_verifies_with_the_installation_key() {
    let api = test_api().await;
    let evidence = b"Declaracion de la familia, 3 de marzo".to_vec();
    let id = upload_capture(&api, "statement.txt", &evidence).await;
    let path = format!("/api/v1/captures/{id}/bundle");
    let unsigned = anonymous(&api, &path).await;
    assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unsigned.code(), "unauthorized");

    // Reading a capture is not exporting it: a viewer holds no export right.
    let refused = api.call(Method::GET, &path, &api.viewer, None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "forbidden");
    let reply = api.call(Method::GET, &path, &api.admin, None).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header(header::CONTENT_TYPE), "application/zip");
    assert_eq!(
        reply.header(header::CONTENT_DISPOSITION),
        format!("attachment; filename=\"amparo-evidence-{id}.zip\"")
    );
    assert_eq!(
        reply.header(header::CONTENT_LENGTH),
        reply.body.len().to_string()
    );
    let key = api.app().log_verifier_key().unwrap();
    let report = amparo_bundle::verify_bundle(std::io::Cursor::new(&reply.body), Some(&key));
    assert_eq!(
        report.outcome,
        amparo_bundle::Outcome::Verified,
        "{}",
        report.render()
    );
    let tmp = api.dir.path().join("data").join("tmp");
    let leftovers = std::fs::read_dir(&tmp).map_or(0, |entries| entries.count());
    assert_eq!(leftovers, 0, "the temporary bundle is gone");

    let missing = api
        .call(
            Method::GET,
            &format!("/api/v1/captures/{}/bundle", Uuid::now_v7()),
            &api.admin,
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
    let leftovers = std::fs::read_dir(&tmp).map_or(0, |entries| entries.count());
    assert_eq!(leftovers, 0, "nothing is left by a failed bundle either");
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document.

#[tokio::test]
async fn openapi_document_lists_exactly_the_routes() {
    let api = test_api().await;
    let reply = api
        .call(Method::GET, "/api/v1/openapi.json", &api.admin, None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let document = reply.json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document["paths"].as_object().unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    let routes: BTreeSet<(String, String)> = API_ROUTES
        .iter()
        .map(|(method, path)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    assert_eq!(documented, routes);
    for (method, path) in API_ROUTES {
        let operation = &paths[*path][method.to_ascii_lowercase()];
        assert!(operation["operationId"].is_string(), "{method} {path}");
        if is_public(method, path) {
            assert_eq!(operation["security"], json!([]), "{method} {path}");
            assert!(
                operation["responses"].get("401").is_none(),
                "{method} {path}"
            );
        } else {
            assert!(operation["security"].is_null(), "{method} {path}");
            assert!(operation["responses"]["401"].is_object(), "{method} {path}");
        }
        for parameter in ["kind", "id"] {
            if path.contains(&format!("{{{parameter}}}")) {
                let refs = operation["parameters"].to_string();
                assert!(
                    refs.contains(&format!("parameters/{parameter}")),
                    "{method} {path}"
                );
            }
        }
    }
    let error = &document["components"]["schemas"]["Error"]["properties"]["error"];
    assert_eq!(error["required"], json!(["code", "message", "field"]));
}

// ---------------------------------------------------------------------------------------------
// Feeds and document clusters.

/// A feed the fetch policy refuses without any network: a loopback address not allow-listed.
const REFUSED_FEED_URL: &str = "http://127.0.0.1:9/feed.xml";

/// A document made from `capture` and a copy of it; returns (original, copy).
async fn document_pair(app: &App, capture: Uuid) -> (Uuid, Uuid) {
    let cli = Actor::cli("tester");
    let document = Document {
        capture_id: CaptureId(capture),
        title: "Families gather".to_owned(),
        language: Some("en".to_owned()),
        text: "The families gathered outside the detention center.".to_owned(),
        ..Document::default()
    };
    let original = app.create(&cli, document.clone()).await.unwrap();
    let copy = app
        .create(
            &cli,
            Document {
                title: "Families gather (republished)".to_owned(),
                duplicate_of: Some(DocumentId(original.id)),
                ..document
            },
        )
        .await
        .unwrap();
    (original.id, copy.id)
}

/// `POST /api/v1/feeds/import` with an OPML body.
fn opml_request(token: &str, opml: &str) -> Request<Body> {
    Request::post("/api/v1/feeds/import")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/x-opml")
        .body(Body::from(opml.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn feeds_are_created_listed_paused_polled_and_deleted() {
    let api = test_api().await;
    let created = api
        .call(
            Method::POST,
            "/api/v1/feeds",
            &api.admin,
            Some(&json!({"url": REFUSED_FEED_URL, "title": "Loopback", "interval_seconds": 10})),
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let feed = created.json();
    let id = feed["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/feeds/{id}");
    assert_eq!(created.header(header::LOCATION), path);
    assert_eq!(feed["url"], REFUSED_FEED_URL);
    assert_eq!(feed["title"], "Loopback");
    assert_eq!(feed["status"], "new");
    assert_eq!(feed["interval_seconds"], 60, "at least a minute");
    assert_eq!(
        feed["pages"],
        json!({"pending": 0, "captured": 0, "failed": 0})
    );
    for key in [
        "site_url",
        "paused",
        "case_ids",
        "added_by",
        "added_at",
        "last_polled_at",
        "last_success_at",
        "next_poll_at",
        "last_status",
        "failures",
        "last_error",
        "problems",
        "items_seen",
    ] {
        assert!(feed.get(key).is_some(), "{key} in {feed}");
    }

    let list = api
        .call(Method::GET, "/api/v1/feeds", &api.viewer, None)
        .await;
    assert_eq!(list.status, StatusCode::OK, "viewers read feeds");
    assert_eq!(list.json()["items"], json!([feed]));
    let got = api.call(Method::GET, &path, &api.viewer, None).await;
    assert_eq!(got.json(), feed);

    let paused = api
        .call(Method::POST, &format!("{path}/pause"), &api.admin, None)
        .await;
    assert_eq!(paused.status, StatusCode::OK);
    assert_eq!(paused.json()["status"], "paused");
    assert_eq!(paused.json()["paused"], true);
    let refused = api
        .call(Method::POST, &format!("{path}/poll"), &api.admin, None)
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "feed_paused");
    let resumed = api
        .call(Method::POST, &format!("{path}/resume"), &api.admin, None)
        .await;
    assert_eq!(resumed.json()["paused"], false);

    // The fetcher refuses the loopback address: the poll answers, the feed is failing.
    let polled = api
        .call(Method::POST, &format!("{path}/poll"), &api.admin, None)
        .await;
    assert_eq!(
        polled.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&polled.body)
    );
    let polled = polled.json();
    assert_eq!(polled["report"]["feeds_polled"], 1);
    assert_eq!(polled["report"]["feeds_failed"][0]["url"], REFUSED_FEED_URL);
    assert_eq!(polled["feed"]["status"], "failing");
    assert_eq!(polled["feed"]["failures"], 1);
    let error = polled["feed"]["last_error"].as_str().unwrap();
    assert!(error.contains("refusing to fetch"), "{error}");

    let pages = api
        .call(
            Method::GET,
            &format!("{path}/pages?limit=5"),
            &api.admin,
            None,
        )
        .await;
    assert_eq!(pages.status, StatusCode::OK);
    assert_eq!(pages.json(), json!({"items": []}));
    for query in ["limit=0", "limit=many", "limit=5000", "since=1"] {
        let bad = api
            .call(
                Method::GET,
                &format!("{path}/pages?{query}"),
                &api.admin,
                None,
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(bad.code(), "invalid_query", "{query}");
    }

    let deleted = api.call(Method::DELETE, &path, &api.admin, None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.json()["id"], id.as_str());
    for method in [Method::GET, Method::DELETE] {
        let gone = api.call(method.clone(), &path, &api.admin, None).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(gone.code(), "not_found", "{method}");
    }
    let list = api
        .call(Method::GET, "/api/v1/feeds", &api.admin, None)
        .await;
    assert_eq!(list.json(), json!({"items": []}));
}

#[tokio::test]
async fn feed_errors_have_their_codes() {
    let api = test_api().await;
    let add = |body: Value, token: String| {
        let api = &api;
        async move {
            api.call(Method::POST, "/api/v1/feeds", &token, Some(&body))
                .await
        }
    };
    let url = "https://feeds.example.invalid/rss";
    let first = add(json!({"url": url}), api.admin.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let id = first.json()["id"].as_str().unwrap().to_owned();

    let duplicate = add(json!({"url": url}), api.admin.clone()).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(duplicate.code(), "duplicate_feed");
    assert!(
        duplicate.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&id)
    );

    for bad in [
        "ftp://example.org/feed",
        "not a url",
        "https://user:secret@example.org/rss",
    ] {
        let reply = add(json!({"url": bad}), api.admin.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(reply.code(), "invalid_url", "{bad}");
        assert_eq!(reply.field(), "url", "{bad}");
    }
    let unknown = add(json!({"url": url, "colour": "red"}), api.admin.clone()).await;
    assert_eq!(unknown.code(), "unknown_field");
    assert_eq!(unknown.field(), "colour");
    let missing_case = add(
        json!({"url": "https://b.example.invalid/rss", "case_ids": [Uuid::now_v7()]}),
        api.admin.clone(),
    )
    .await;
    assert_eq!(missing_case.status, StatusCode::NOT_FOUND);
    assert_eq!(missing_case.code(), "not_found");

    // A viewer reads but changes nothing.
    let viewer = add(
        json!({"url": "https://c.example.invalid/rss"}),
        api.viewer.clone(),
    )
    .await;
    assert_eq!(viewer.status, StatusCode::FORBIDDEN);
    assert_eq!(viewer.code(), "forbidden");
    let path = format!("/api/v1/feeds/{id}");
    for (method, path) in [
        (Method::POST, format!("{path}/pause")),
        (Method::POST, format!("{path}/resume")),
        (Method::POST, format!("{path}/poll")),
        (Method::DELETE, path.clone()),
    ] {
        let reply = api.call(method.clone(), &path, &api.viewer, None).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(reply.code(), "forbidden", "{method} {path}");
    }
    let import = api
        .send(opml_request(
            &api.viewer,
            "<opml version=\"2.0\"><body><outline xmlUrl=\"https://d.example.invalid/rss\"/></body></opml>",
        ))
        .await;
    assert_eq!(import.code(), "forbidden");
    assert_eq!(api.app().feeds(&Actor::cli("t")).await.unwrap().len(), 1);

    for path in [
        "/api/v1/feeds/not-an-id".to_owned(),
        "/api/v1/feeds/not-an-id/pages".to_owned(),
        "/api/v1/documents/not-an-id/cluster".to_owned(),
    ] {
        let reply = api.call(Method::GET, &path, &api.admin, None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(reply.code(), "invalid_path", "{path}");
    }
    let nowhere = format!("/api/v1/feeds/{}", Uuid::now_v7());
    let reply = api
        .call(Method::POST, &format!("{nowhere}/pause"), &api.admin, None)
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "not_found");
    let cluster = api
        .call(
            Method::GET,
            &format!("/api/v1/documents/{}/cluster", Uuid::now_v7()),
            &api.admin,
            None,
        )
        .await;
    assert_eq!(cluster.code(), "not_found");
}

#[tokio::test]
async fn feeds_export_as_opml_and_import_again() {
    let api = test_api().await;
    for url in [
        "https://feeds.example.invalid/rss",
        "https://other.example.invalid/atom.xml",
    ] {
        let reply = api
            .call(
                Method::POST,
                "/api/v1/feeds",
                &api.admin,
                Some(&json!({"url": url})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    let export = api
        .call(Method::GET, "/api/v1/feeds.opml", &api.viewer, None)
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export
            .header(header::CONTENT_TYPE)
            .starts_with("text/x-opml")
    );
    assert!(
        export
            .header(header::CONTENT_DISPOSITION)
            .starts_with("attachment")
    );
    let opml = String::from_utf8(export.body.clone()).unwrap();
    assert!(
        opml.contains("https://other.example.invalid/atom.xml"),
        "{opml}"
    );

    // Into another installation: both are added; a second import skips both.
    let other = test_api().await;
    let imported = other.send(opml_request(&other.admin, &opml)).await;
    assert_eq!(
        imported.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&imported.body)
    );
    let report = imported.json();
    assert_eq!(report["added"].as_array().unwrap().len(), 2);
    assert_eq!(
        report["added"][0]["url"],
        "https://feeds.example.invalid/rss"
    );
    assert_eq!(report["skipped"], json!([]));
    let again = other.send(opml_request(&other.admin, &opml)).await.json();
    assert_eq!(again["added"], json!([]));
    assert_eq!(again["skipped"].as_array().unwrap().len(), 2);
    assert!(
        again["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("already followed")
    );

    let garbage = other
        .send(opml_request(&other.admin, "just some notes"))
        .await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(garbage.code(), "invalid_opml");
    let huge = other
        .send(opml_request(&other.admin, &" ".repeat(5 * 1024 * 1024)))
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.code(), "payload_too_large");
}

#[tokio::test]
async fn a_documents_cluster_has_its_original_and_copies() {
    let api = test_api().await;
    let capture = upload_capture(&api, "page.html", b"<html><body>x</body></html>").await;
    let (original, copy) = document_pair(api.app(), Uuid::parse_str(&capture).unwrap()).await;
    for id in [original, copy] {
        let reply = api
            .call(
                Method::GET,
                &format!("/api/v1/documents/{id}/cluster"),
                &api.viewer,
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let cluster = reply.json();
        assert_eq!(cluster["original"]["id"], original.to_string());
        assert_eq!(cluster["original"]["kind"], "document");
        assert_eq!(cluster["original"]["record"]["title"], "Families gather");
        let copies = cluster["copies"].as_array().unwrap();
        assert_eq!(copies.len(), 1);
        assert_eq!(copies[0]["id"], copy.to_string());
        assert_eq!(copies[0]["record"]["duplicate_of"], original.to_string());
    }
}

/// Issue 6, part 3: a document's suggestions through the API: processing, listing (no real
/// name for a viewer), one decision, bulk acceptance, and who may do what.
#[tokio::test]
async fn suggestions_are_processed_listed_and_decided() {
    let api = test_api().await;
    let cli = Actor::cli("tester");
    let perez = api
        .app()
        .create(
            &cli,
            amparo_model::records::Person {
                sensitive: Some(amparo_model::records::PersonSensitive {
                    full_name: "José Gregorio Pérez Rodríguez".to_owned(),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let capture = api
        .send(upload_request(
            Some(&api.admin),
            multipart("a.txt", b"article", &[("case", &api.case)]),
            true,
        ))
        .await;
    let capture_id = Uuid::parse_str(capture.json()["id"].as_str().unwrap()).unwrap();
    let document = api
        .app()
        .create(
            &cli,
            Document {
                capture_id: CaptureId(capture_id),
                language: Some("en".to_owned()),
                text: "Jose G. Perez was deported to El Salvador on March 15, 2025.".to_owned(),
                ..Document::default()
            },
        )
        .await
        .unwrap();
    let base = format!("/api/v1/documents/{}/suggestions", document.id);

    let refused = api.call(Method::POST, &base, &api.viewer, None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "forbidden");
    let processed = api.call(Method::POST, &base, &api.admin, None).await;
    assert_eq!(processed.status, StatusCode::OK);
    assert!(processed.json()["created"].as_u64().unwrap() >= 3);

    let listed = api.call(Method::GET, &base, &api.viewer, None).await;
    assert_eq!(listed.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&listed.body).into_owned();
    assert!(
        !text.contains("Rodr") && !text.contains("Gregorio"),
        "{text}"
    );
    let items = listed.json()["items"].as_array().unwrap().clone();
    let mention = items
        .iter()
        .find(|item| item["kind"] == "person")
        .expect("a person suggestion");
    assert_eq!(mention["text"], "Jose G. Perez");
    assert_eq!(mention["status"], "pending");
    let candidate = &mention["proposal"]["candidates"][0];
    assert_eq!(candidate["label"], perez.body.pseudonym.as_str());
    assert_eq!(candidate["id"], perez.id.to_string());

    let decision = format!(
        "/api/v1/suggestions/{}/decision",
        mention["id"].as_str().unwrap()
    );
    let body = json!({"action": "link", "kind": "person", "id": perez.id});
    let refused = api
        .call(Method::POST, &decision, &api.viewer, Some(&body))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let decided = api
        .call(Method::POST, &decision, &api.admin, Some(&body))
        .await;
    assert_eq!(decided.status, StatusCode::OK);
    let outcome = decided.json();
    assert_eq!(outcome["suggestion"]["status"], "accepted");
    assert_eq!(outcome["record"]["id"], perez.id.to_string());
    let information = outcome["information_id"].as_str().unwrap();
    let information = api
        .call(
            Method::GET,
            &format!("/api/v1/records/information/{information}"),
            &api.admin,
            None,
        )
        .await
        .json();
    assert_eq!(
        information["record"]["source"],
        json!({"kind": "document", "id": document.id})
    );
    let again = api
        .call(Method::POST, &decision, &api.admin, Some(&body))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "not_allowed");
    let unknown = api
        .call(
            Method::POST,
            &decision,
            &api.admin,
            Some(&json!({"action": "merge"})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let bulk = format!("{base}/accept-confident");
    let wrong = api
        .call(
            Method::POST,
            &bulk,
            &api.admin,
            Some(&json!({"threshold": 2})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.code(), "invalid_query");
    let report = api.call(Method::POST, &bulk, &api.admin, None).await;
    assert_eq!(report.status, StatusCode::OK);
    let report = report.json();
    assert_eq!(report["linked"], json!([]));
    assert_eq!(
        report["left"].as_array().unwrap().len(),
        items.len() - 1,
        "{report}"
    );
}
