//! The authorization matrix: every route the server lists (pages, forms, API) × every role ×
//! member or not of the case its record belongs to, checked against the written policy table
//! below. A route missing from the table fails the test, so a new route must say who may use it.

use std::collections::HashMap;

use amparo_app::installation::{InitOptions, init};
use amparo_app::{Actor, App, CaptureOptions, NewFeed};
use amparo_model::records::{
    Case, Document, Event, Grant, Grantee, Person, PersonSensitive, Proceeding, Right, Role,
};
use amparo_model::{CaptureId, CaseId, UserId};
use amparo_server::api::{API_ROUTES, PUBLIC_API_ROUTES};
use amparo_server::{AppState, FORM_ROUTES, PAGE_ROUTES, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Policy {
    /// Anyone, signed in or not (the evidence log's public routes).
    Public,
    /// Every signed-in user: their own account, or lists that show each reader only what they
    /// may see.
    AnyUser,
    /// Readers of the record's case: administrators and the case's members, any role.
    Read,
    /// Writers on the record's case: administrators, and members who are documenters or lawyers.
    Write,
    /// Reviewers of the record's case: administrators, and members who are documenters,
    /// lawyers or reviewers.
    Review,
    /// Exporters of the record's case: administrators, and members who are documenters or
    /// lawyers.
    Export,
    /// Administrators only: feeds, the audit trail.
    Admin,
}

/// The written policy: every listed route and who may use it.
const POLICY: &[(&str, &str, Policy)] = &[
    // Pages.
    ("GET", "/", Policy::AnyUser),
    ("GET", "/persons", Policy::AnyUser),
    ("GET", "/persons/{id}", Policy::Read),
    ("GET", "/events", Policy::AnyUser),
    ("GET", "/events/{id}", Policy::Read),
    ("GET", "/cases", Policy::AnyUser),
    ("GET", "/cases/{id}", Policy::Read),
    ("GET", "/proceedings", Policy::AnyUser),
    ("GET", "/proceedings/{id}", Policy::Read),
    ("GET", "/captures", Policy::AnyUser),
    ("GET", "/captures/new", Policy::AnyUser),
    ("GET", "/captures/{id}", Policy::Read),
    ("GET", "/captures/{id}/content", Policy::Read),
    ("GET", "/captures/{id}/bundle", Policy::Export),
    ("GET", "/feeds", Policy::AnyUser),
    ("GET", "/feeds.opml", Policy::AnyUser),
    ("GET", "/feeds/{id}", Policy::AnyUser),
    ("GET", "/documents/{id}", Policy::Read),
    ("GET", "/documents/{id}/review", Policy::Read),
    ("GET", "/review", Policy::AnyUser),
    ("GET", "/log", Policy::AnyUser),
    ("GET", "/audit", Policy::Admin),
    ("GET", "/records", Policy::AnyUser),
    ("GET", "/records/{kind}", Policy::AnyUser),
    ("GET", "/records/{kind}/new", Policy::AnyUser),
    ("GET", "/records/{kind}/{id}", Policy::Read),
    ("GET", "/records/{kind}/{id}/edit", Policy::Read),
    ("GET", "/records/{kind}/{id}/history", Policy::Read),
    ("GET", "/account", Policy::AnyUser),
    // Search shows each reader only what they may see.
    ("GET", "/search", Policy::AnyUser),
    // Forms.
    ("POST", "/logout", Policy::AnyUser),
    ("POST", "/language", Policy::AnyUser),
    ("POST", "/captures/new", Policy::Write),
    ("POST", "/captures/url", Policy::Write),
    ("POST", "/feeds", Policy::Admin),
    ("POST", "/feeds/import", Policy::Admin),
    ("POST", "/feeds/{id}/pause", Policy::Admin),
    ("POST", "/feeds/{id}/resume", Policy::Admin),
    ("POST", "/feeds/{id}/poll", Policy::Admin),
    ("POST", "/feeds/{id}/retry", Policy::Admin),
    ("POST", "/feeds/{id}/remove", Policy::Admin),
    ("POST", "/documents/{id}/review/process", Policy::Review),
    (
        "POST",
        "/documents/{id}/review/accept-confident",
        Policy::Review,
    ),
    ("POST", "/suggestions/{id}/decide", Policy::Review),
    ("POST", "/records/{kind}/new", Policy::Write),
    ("POST", "/records/{kind}/{id}/edit", Policy::Write),
    ("POST", "/account/totp/start", Policy::AnyUser),
    ("POST", "/account/totp/confirm", Policy::AnyUser),
    ("POST", "/account/totp/disable", Policy::AnyUser),
    ("POST", "/account/sign-out-everywhere", Policy::AnyUser),
    // The API.
    ("GET", "/api/v1/openapi.json", Policy::AnyUser),
    ("GET", "/api/v1/records/{kind}", Policy::AnyUser),
    ("POST", "/api/v1/records/{kind}", Policy::Write),
    ("GET", "/api/v1/records/{kind}/{id}", Policy::Read),
    ("PUT", "/api/v1/records/{kind}/{id}", Policy::Write),
    ("DELETE", "/api/v1/records/{kind}/{id}", Policy::Write),
    ("GET", "/api/v1/records/{kind}/{id}/history", Policy::Read),
    ("POST", "/api/v1/captures", Policy::Write),
    ("POST", "/api/v1/captures/url", Policy::Write),
    ("GET", "/api/v1/captures/{id}/content", Policy::Read),
    ("GET", "/api/v1/captures/{id}/proof", Policy::Read),
    ("GET", "/api/v1/captures/{id}/bundle", Policy::Export),
    ("GET", "/api/v1/persons/{id}/timeline", Policy::Read),
    ("GET", "/api/v1/search", Policy::AnyUser),
    ("GET", "/api/v1/feeds", Policy::AnyUser),
    ("POST", "/api/v1/feeds", Policy::Admin),
    ("GET", "/api/v1/feeds.opml", Policy::AnyUser),
    ("POST", "/api/v1/feeds/import", Policy::Admin),
    ("GET", "/api/v1/feeds/{id}", Policy::AnyUser),
    ("GET", "/api/v1/feeds/{id}/pages", Policy::AnyUser),
    ("POST", "/api/v1/feeds/{id}/pause", Policy::Admin),
    ("POST", "/api/v1/feeds/{id}/resume", Policy::Admin),
    ("POST", "/api/v1/feeds/{id}/poll", Policy::Admin),
    ("DELETE", "/api/v1/feeds/{id}", Policy::Admin),
    ("GET", "/api/v1/documents/{id}/cluster", Policy::Read),
    ("GET", "/api/v1/documents/{id}/suggestions", Policy::Read),
    ("POST", "/api/v1/documents/{id}/suggestions", Policy::Review),
    (
        "POST",
        "/api/v1/documents/{id}/suggestions/accept-confident",
        Policy::Review,
    ),
    ("POST", "/api/v1/suggestions/{id}/decision", Policy::Review),
    ("GET", "/api/v1/log/checkpoint", Policy::Public),
    ("GET", "/api/v1/log/proof/inclusion", Policy::Public),
    ("GET", "/api/v1/log/proof/consistency", Policy::Public),
    ("GET", "/api/v1/log/tile/{*path}", Policy::Public),
];

/// Planted in the person's and the testimony's sensitive fields: no reader without the
/// `sensitive` right may ever see them.
const REAL_NAME: &str = "José Gregorio Pérez";
const TESTIMONY_MARKER: &str = "Marker testimony about the cell block";

const ROLES: [Role; 5] = [
    Role::Admin,
    Role::Documenter,
    Role::Lawyer,
    Role::Reviewer,
    Role::Viewer,
];

fn allowed(policy: Policy, role: Role, member: bool) -> bool {
    let admin = role == Role::Admin;
    match policy {
        Policy::Public | Policy::AnyUser => true,
        Policy::Admin => admin,
        Policy::Read => admin || member,
        Policy::Write | Policy::Export => {
            admin || (member && matches!(role, Role::Documenter | Role::Lawyer))
        }
        Policy::Review => {
            admin || (member && matches!(role, Role::Documenter | Role::Lawyer | Role::Reviewer))
        }
    }
}

/// The records the routes act on, all in one case.
struct Fixture {
    app: App,
    state: AppState,
    case: Uuid,
    person: Uuid,
    event: Uuid,
    proceeding: Uuid,
    capture: Uuid,
    document: Uuid,
    suggestion: Uuid,
    /// The feed the feed routes act on; made again when an allowed user removed it.
    feed: std::sync::Mutex<Uuid>,
    /// Sign-in passwords and API tokens by user name.
    passwords: HashMap<String, String>,
    tokens: HashMap<String, String>,
    _dir: tempfile::TempDir,
}

fn user_name(role: Role, member: bool) -> String {
    format!("{}-{}", role.as_str(), if member { "in" } else { "out" })
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = init(&dir.path().join("data"), InitOptions::default())
        .await
        .unwrap();
    let admin = Actor::cli("tester");
    let case = app
        .create(
            &admin,
            Case {
                title: "Removal flights".to_owned(),
                ..Case::default()
            },
        )
        .await
        .unwrap()
        .id;
    let person = app
        .create(
            &admin,
            Person {
                case_ids: vec![CaseId(case)],
                sensitive: Some(PersonSensitive {
                    full_name: REAL_NAME.to_owned(),
                    aliases: vec!["Cheo".to_owned()],
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .unwrap()
        .id;
    app.create(
        &admin,
        amparo_model::records::Testimony {
            giver_id: amparo_model::PersonId(person),
            given_on: "2025-08-01".parse().unwrap(),
            taken_by: String::new(),
            language: "es".to_owned(),
            consent: vec!["internal-use".to_owned()],
            translation_of: None,
            case_ids: vec![CaseId(case)],
            sensitive: Some(amparo_model::records::TestimonySensitive {
                text: TESTIMONY_MARKER.to_owned(),
                location: String::new(),
            }),
        },
    )
    .await
    .unwrap();
    let event = app
        .create(
            &admin,
            Event {
                title: "Removal to CECOT".to_owned(),
                case_ids: vec![CaseId(case)],
                ..Event::default()
            },
        )
        .await
        .unwrap()
        .id;
    let proceeding = app
        .create(
            &admin,
            Proceeding {
                case_id: CaseId(case),
                title: "J.G.G. v. Trump".to_owned(),
                forum: "D.D.C.".to_owned(),
                kind: "habeas-corpus".to_owned(),
                ..Proceeding::default()
            },
        )
        .await
        .unwrap()
        .id;
    let capture = app
        .capture_bytes(
            &admin,
            "article.txt",
            Some("text/plain"),
            b"Jose G. Perez was deported to El Salvador.",
            CaptureOptions {
                case_ids: vec![CaseId(case)],
                ..CaptureOptions::default()
            },
        )
        .await
        .unwrap()
        .id;
    let document = app
        .create(
            &admin,
            Document {
                capture_id: CaptureId(capture),
                title: "Deported".to_owned(),
                language: Some("en".to_owned()),
                text: "Jose G. Perez was deported to El Salvador on March 15, 2025. He was \
                       tortured in the Terrorism Confinement Center, his mother said."
                    .to_owned(),
                ..Document::default()
            },
        )
        .await
        .unwrap()
        .id;
    app.suggest(&admin, document).await.unwrap();
    let suggestion = app.suggestions(&admin, document).await.unwrap()[0].id;
    let feed = app
        .add_feed(&admin, "https://news.example/feed.xml", NewFeed::default())
        .await
        .unwrap()
        .id;
    let mut passwords = HashMap::new();
    let mut tokens = HashMap::new();
    for role in ROLES {
        for member in [true, false] {
            let name = user_name(role, member);
            let (user, password) = app.create_user(&admin, &name, role).await.unwrap();
            if member {
                app.create(
                    &admin,
                    Grant {
                        grantee: Grantee::User(UserId(user.id)),
                        case_id: CaseId(case),
                        rights: vec![
                            Right::Read,
                            Right::Write,
                            Right::Sensitive,
                            Right::Review,
                            Right::Export,
                            Right::Manage,
                        ],
                    },
                )
                .await
                .unwrap();
            }
            let (_, token) = app.create_api_token(&admin, &name, "matrix").await.unwrap();
            passwords.insert(name.clone(), password);
            tokens.insert(name, token);
        }
    }
    let state = AppState::new(app.clone());
    Fixture {
        app,
        state,
        case,
        person,
        event,
        proceeding,
        capture,
        document,
        suggestion,
        feed: std::sync::Mutex::new(feed),
        passwords,
        tokens,
        _dir: dir,
    }
}

impl Fixture {
    /// The route with its placeholders filled for the fixture's records.
    fn concrete(&self, path: &str) -> String {
        let id = if path.contains("{kind}") || path.starts_with("/persons") {
            self.person
        } else if path.starts_with("/events") {
            self.event
        } else if path.starts_with("/cases") {
            self.case
        } else if path.starts_with("/proceedings") {
            self.proceeding
        } else if path.contains("/captures/") {
            self.capture
        } else if path.contains("/documents/") {
            self.document
        } else if path.contains("/suggestions/") {
            self.suggestion
        } else if path.contains("/feeds/") {
            *self.feed.lock().unwrap()
        } else {
            self.person
        };
        let query = match path {
            "/api/v1/log/proof/inclusion" => "?index=0",
            "/api/v1/log/proof/consistency" => "?size1=1",
            // A version that was never written: an allowed change gets as far as the
            // version check (409), a refused one stops before it.
            "/api/v1/records/{kind}/{id}" => "?version=999",
            _ => "",
        };
        let path = path
            .replace("{kind}", "person")
            .replace("{id}", &id.to_string())
            .replace("{*path}", "entries/000.p/1");
        format!("{path}{query}")
    }

    /// Follows the feed again when an administrator's request removed it.
    async fn keep_feed(&self, admin: &Actor) {
        let current = *self.feed.lock().unwrap();
        let feeds = self.app.feeds(admin).await.unwrap();
        if feeds.iter().all(|feed| feed.id != current) {
            let url = format!("https://news.example/feed-{}.xml", Uuid::now_v7());
            let feed = self
                .app
                .add_feed(admin, &url, NewFeed::default())
                .await
                .unwrap()
                .id;
            *self.feed.lock().unwrap() = feed;
        }
    }

    /// A JSON body that would succeed for someone allowed.
    fn api_body(&self, method: &str, path: &str) -> Option<Value> {
        match (method, path) {
            ("POST", "/api/v1/records/{kind}") | ("PUT", "/api/v1/records/{kind}/{id}") => {
                Some(json!({"case_ids": [self.case], "notes": "checked"}))
            }
            ("POST", "/api/v1/captures/url") => {
                Some(json!({"url": "https://news.example/a", "cases": [self.case]}))
            }
            ("POST", "/api/v1/feeds") => Some(json!({"url": "https://news.example/other.xml"})),
            ("POST", "/api/v1/suggestions/{id}/decision") => Some(json!({"action": "reject"})),
            ("POST", _) => Some(json!({})),
            _ => None,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    async fn api(&self, user: &str, method: &str, path: &str) -> (StatusCode, String) {
        let uri = self.concrete(path);
        let token = &self.tokens[user];
        let builder = Request::builder()
            .method(method)
            .uri(&uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let request = if path == "/api/v1/captures" {
            let boundary = "matrixboundary";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"case\"\r\n\r\n{}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
                 Content-Type: text/plain\r\n\r\nstatement\r\n--{boundary}--\r\n",
                self.case
            );
            builder
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap()
        } else if path == "/api/v1/feeds/import" {
            builder
                .header(header::CONTENT_TYPE, "text/x-opml")
                .body(Body::from("<opml version=\"2.0\"><body></body></opml>"))
                .unwrap()
        } else if let Some(body) = self.api_body(method, path) {
            builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap()
        } else {
            builder.body(Body::empty()).unwrap()
        };
        self.send(request).await
    }
}

/// A signed-in browser session: its cookie and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

fn cookie_of(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| {
            value
                .split(';')
                .next()
                .and_then(|pair| pair.strip_prefix(&format!("{name}=")))
                .map(str::to_owned)
        })
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).expect("hidden field") + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

async fn sign_in(fixture: &Fixture, user: &str) -> Session {
    let form = router(fixture.state.clone())
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let login_cookie = cookie_of(form.headers(), "amparo_login").unwrap_or_default();
    let body = form.into_body().collect().await.unwrap().to_bytes();
    let csrf = hidden(&String::from_utf8_lossy(&body), "csrf");
    let fields = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf)
        .append_pair("username", user)
        .append_pair("password", &fixture.passwords[user])
        .finish();
    let answer = router(fixture.state.clone())
        .oneshot(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("amparo_login={login_cookie}"))
                .body(Body::from(fields))
                .unwrap(),
        )
        .await
        .unwrap();
    let cookie = cookie_of(answer.headers(), "amparo_session").expect("signed in");
    let page = router(fixture.state.clone())
        .oneshot(
            Request::get("/account")
                .header(header::COOKIE, format!("amparo_session={cookie}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = page.into_body().collect().await.unwrap().to_bytes();
    let csrf = hidden(&String::from_utf8_lossy(&body), "csrf");
    Session { cookie, csrf }
}

async fn page(
    fixture: &Fixture,
    session: &Session,
    method: &str,
    path: &str,
) -> (StatusCode, String) {
    let uri = fixture.concrete(path);
    let builder = Request::builder()
        .method(method)
        .uri(&uri)
        .header(header::COOKIE, format!("amparo_session={}", session.cookie));
    let request = if method == "POST" {
        let mut fields = url::form_urlencoded::Serializer::new(String::new());
        fields.append_pair("csrf", &session.csrf);
        match path {
            "/captures/url" => {
                fields.append_pair("url", "https://news.example/a");
                fields.append_pair("case", &fixture.case.to_string());
            }
            "/suggestions/{id}/decide" => {
                fields.append_pair("choice", "reject");
            }
            "/records/{kind}/new" | "/records/{kind}/{id}/edit" => {
                fields.append_pair("case_ids", &fixture.case.to_string());
                fields.append_pair("version", "999");
            }
            "/feeds" => {
                fields.append_pair("url", "https://news.example/third.xml");
            }
            _ => {}
        }
        if path == "/captures/new" {
            let boundary = "matrixboundary";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"case\"\r\n\r\n{}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
                 Content-Type: text/plain\r\n\r\nstatement\r\n--{boundary}--\r\n",
                session.csrf, fixture.case
            );
            builder
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap()
        } else {
            builder
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(fields.finish()))
                .unwrap()
        }
    } else {
        builder.body(Body::empty()).unwrap()
    };
    fixture.send(request).await
}

fn policy_of(method: &str, path: &str) -> Policy {
    POLICY
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, policy)| *policy)
        .unwrap_or_else(|| panic!("{method} {path} is not in the policy table: say who may use it"))
}

fn check(
    failures: &mut Vec<String>,
    route: (&str, &str),
    user: &str,
    expected: bool,
    (status, body): (StatusCode, String),
) {
    // A second-factor form answers 401 to a wrong code: that is the form working, not a
    // refusal of the route.
    let wrong_code = route.1.starts_with("/account/totp/") && status == StatusCode::UNAUTHORIZED;
    let denied = !wrong_code
        && matches!(
            status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        );
    // 502: the fetch of a URL capture failed after access was granted.
    let broken = status.is_server_error() && status != StatusCode::BAD_GATEWAY;
    if expected && (denied || broken) {
        failures.push(format!(
            "{} {} refused {user} ({status}) but the policy allows: {}",
            route.0,
            route.1,
            body.chars().take(200).collect::<String>()
        ));
    }
    if !expected && !denied {
        failures.push(format!(
            "{} {} let {user} through ({status}) but the policy refuses",
            route.0, route.1
        ));
    }
}

#[tokio::test]
async fn every_route_obeys_the_policy_for_every_role_in_and_out_of_the_case() {
    let fixture = fixture().await;
    // The table and the router's lists name the same routes.
    let listed: Vec<(&str, &str)> = PAGE_ROUTES
        .iter()
        .chain(FORM_ROUTES)
        .chain(API_ROUTES)
        .copied()
        .collect();
    for (method, path, _) in POLICY {
        assert!(
            listed.contains(&(*method, *path)),
            "{method} {path} is in the policy table but not served"
        );
    }
    for (method, path) in PUBLIC_API_ROUTES {
        assert_eq!(policy_of(method, path), Policy::Public);
    }
    let admin = Actor::cli("tester");
    let mut failures = Vec::new();
    // The last form routes end the session: they run last.
    let ending = ["/logout", "/account/sign-out-everywhere"];
    for role in ROLES {
        for member in [true, false] {
            let user = user_name(role, member);
            let session = sign_in(&fixture, &user).await;
            for (method, path) in PAGE_ROUTES
                .iter()
                .chain(FORM_ROUTES)
                .filter(|(_, path)| !ending.contains(path))
            {
                let expected = allowed(policy_of(method, path), role, member);
                let answer = page(&fixture, &session, method, path).await;
                check(&mut failures, (method, path), &user, expected, answer);
            }
            fixture.keep_feed(&admin).await;
            for (method, path) in API_ROUTES {
                let expected = allowed(policy_of(method, path), role, member);
                let answer = fixture.api(&user, method, path).await;
                check(&mut failures, (method, path), &user, expected, answer);
            }
            for path in ending {
                let answer = page(&fixture, &session, "POST", path).await;
                check(&mut failures, ("POST", path), &user, true, answer);
            }
            fixture.keep_feed(&admin).await;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Nothing deleted the records the routes were tried on.
    assert!(
        fixture
            .app
            .get::<Person>(&admin, fixture.person)
            .await
            .is_ok()
    );
}

/// The read paths a leak test walks: every GET route the server lists (pages and API, so that a
/// new page or endpoint joins the test by being listed), with each record kind's id on the
/// record routes.
fn read_paths(fixture: &Fixture) -> Vec<String> {
    let mut paths = Vec::new();
    for (method, path) in PAGE_ROUTES.iter().chain(API_ROUTES) {
        if *method != "GET" {
            continue;
        }
        if path.contains("{kind}") {
            for kind in amparo_model::RecordKind::ALL {
                let template = path.replace("{kind}", kind.as_str());
                paths.push(fixture.concrete(&template));
            }
        } else {
            paths.push(fixture.concrete(path));
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

#[tokio::test]
async fn a_member_without_the_sensitive_right_never_sees_a_planted_real_name() {
    let fixture = fixture().await;
    let admin = Actor::cli("tester");
    // A lawyer of the case with every right but `sensitive`.
    let (user, password) = fixture
        .app
        .create_user(&admin, "no-sensitive", Role::Lawyer)
        .await
        .unwrap();
    fixture
        .app
        .create(
            &admin,
            Grant {
                grantee: Grantee::User(UserId(user.id)),
                case_id: CaseId(fixture.case),
                rights: vec![Right::Read, Right::Write, Right::Review, Right::Export],
            },
        )
        .await
        .unwrap();
    let (_, token) = fixture
        .app
        .create_api_token(&admin, "no-sensitive", "leaks")
        .await
        .unwrap();
    let mut fixture = fixture;
    fixture
        .passwords
        .insert("no-sensitive".to_owned(), password);
    fixture.tokens.insert("no-sensitive".to_owned(), token);
    let session = sign_in(&fixture, "no-sensitive").await;
    let markers = [REAL_NAME, "Cheo", TESTIMONY_MARKER, "Jos\\u00e9 Gregorio"];
    let mut seen = 0;
    // Search, by page and API, for each marker and for a piece of each: it finds nothing, and
    // the page shows the query back only in its box and in the language switch's return address.
    let mut searches = Vec::new();
    for query in [
        REAL_NAME,
        "Gregorio",
        "Cheo",
        TESTIMONY_MARKER,
        "cell block",
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
        for path in [
            format!("/search?q={encoded}"),
            format!("/api/v1/search?q={encoded}"),
        ] {
            searches.push((path, Some(query)));
        }
    }
    let walk = read_paths(&fixture)
        .into_iter()
        .map(|path| (path, None))
        .chain(searches);
    for (path, query) in walk {
        let answer = if path.starts_with("/api/") {
            let token = &fixture.tokens["no-sensitive"];
            fixture
                .send(
                    Request::get(&path)
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
        } else {
            fixture
                .send(
                    Request::get(&path)
                        .header(header::COOKIE, format!("amparo_session={}", session.cookie))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
        };
        if answer.0 == StatusCode::OK {
            seen += 1;
        }
        let mut shown = answer.1.clone();
        if let Some(query) = query {
            assert_eq!(answer.0, StatusCode::OK, "{path}");
            shown = shown
                .replace(&format!("value=\"{query}\""), "")
                .replace(&format!("value=\"{path}\""), "");
            if path.starts_with("/api/") {
                let found: Value = serde_json::from_str(&answer.1).unwrap();
                assert_eq!(found["total"], 0, "{path} finds the record: {found}");
            } else {
                assert!(
                    answer.1.contains("<p role=\"status\">Nothing found."),
                    "{path} finds the record"
                );
            }
        }
        for marker in markers {
            assert!(
                !shown.contains(marker),
                "{path} shows {marker:?} to a reader without the sensitive right"
            );
        }
    }
    assert!(seen > 40, "the reader saw the case's pages ({seen})");
    // The same paths show the name to a member who holds the right: the test can fail.
    let holder = sign_in(&fixture, "lawyer-in").await;
    let person = fixture
        .send(
            Request::get(format!("/persons/{}", fixture.person))
                .header(header::COOKIE, format!("amparo_session={}", holder.cookie))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(person.1.contains(REAL_NAME), "{}", person.1);
    // And search finds the person by the name for them.
    let found = fixture
        .send(
            Request::get("/search?q=Gregorio")
                .header(header::COOKIE, format!("amparo_session={}", holder.cookie))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(found.1.contains("<b>Gregorio</b>"), "{}", found.1);
    assert!(found.1.contains(&format!("/persons/{}", fixture.person)));
}
