//! The server's routes driven without a socket: health, sign-in, the overview page and the
//! headers every response carries.

use amparo_app::installation::{InitOptions, init};
use amparo_app::{Actor, App};
use amparo_model::records::{Person, PersonSensitive, Role};
use amparo_server::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

struct TestServer {
    _dir: tempfile::TempDir,
    app: App,
    admin_password: String,
}

async fn server() -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let (app, report) = init(&dir.path().join("data"), InitOptions::default())
        .await
        .unwrap();
    let (_, admin_password) = report.admin.unwrap();
    TestServer {
        _dir: dir,
        app,
        admin_password,
    }
}

async fn send(app: &App, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router(AppState::new(app.clone()))
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

fn login_request(username: &str, password: &str) -> Request<Body> {
    Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username={username}&password={password}"
        )))
        .unwrap()
}

/// Signs in through a state shared with later requests, returning the cookie pair.
async fn sign_in(state: &AppState, username: &str, password: &str) -> String {
    let response = router(state.clone())
        .oneshot(login_request(username, password))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

async fn page(state: &AppState, path: &str, cookie: &str) -> (StatusCode, String) {
    let response = router(state.clone())
        .oneshot(get(path, Some(cookie)))
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn health_answers_without_a_session() {
    let server = server().await;
    let (status, headers, body) = send(&server.app, get("/health", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ok");
}

#[tokio::test]
async fn pages_need_a_session() {
    let server = server().await;
    let (status, headers, _) = send(&server.app, get("/", None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/login");
    let (status, _, _) = send(&server.app, get("/", Some("amparo_session=forged"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let server = server().await;
    for path in ["/login", "/health", "/nowhere"] {
        let (_, headers, _) = send(&server.app, get(path, None)).await;
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.contains("default-src 'none'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    }
}

#[tokio::test]
async fn login_page_is_accessible_html() {
    let server = server().await;
    let (status, _, body) = send(&server.app, get("/login", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"en\">"));
    assert_eq!(body.matches("<h1>").count(), 1);
    assert!(body.contains("<label for=\"username\">"));
    assert!(body.contains("<label for=\"password\">"));
    assert!(!body.contains("<script"), "no script on the login page");
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_clear_message() {
    let server = server().await;
    let (status, headers, body) =
        send(&server.app, login_request("admin", "not-the-password")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.get(header::SET_COOKIE).is_none());
    assert!(body.contains("Wrong user name or password"), "{body}");
    assert!(
        body.contains("value=\"admin\""),
        "the name is kept in the form"
    );
    let (status, _, _) = send(&server.app, login_request("nobody", "x")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_overview_shows_pseudonyms_and_names_only_to_admins() {
    let server = server().await;
    let admin = Actor::cli("tester");
    server
        .app
        .create(
            &admin,
            Person {
                nationalities: vec!["VE".to_owned()],
                sensitive: Some(PersonSensitive {
                    full_name: "Nombre Ficticio Uno".to_owned(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .unwrap();
    let (_, viewer_password) = server
        .app
        .create_user(&admin, "vera", Role::Viewer)
        .await
        .unwrap();
    let state = AppState::new(server.app.clone());

    let cookie = sign_in(&state, "admin", &server.admin_password).await;
    let (status, body) = page(&state, "/", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("P-0001"), "{body}");
    assert!(
        body.contains("Nombre Ficticio Uno"),
        "admins see real names"
    );

    let cookie = sign_in(&state, "vera", &viewer_password).await;
    let (status, body) = page(&state, "/", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("P-0001"));
    assert!(
        !body.contains("Nombre Ficticio"),
        "viewers see only the pseudonym"
    );

    let response = router(state.clone())
        .oneshot(
            Request::post("/logout")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = router(state.clone())
        .oneshot(get("/", Some(&cookie)))
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the session ended"
    );
}
