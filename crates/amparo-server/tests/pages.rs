//! The HTML interface driven without a socket: sign-in with its CSRF token, sessions, every page
//! in both languages (with the demo matter, feeds and a document cluster loaded) checked for
//! accessibility basics, CSRF failures, what a viewer may not see, and following feeds.

use amparo_app::installation::{InitOptions, init};
use amparo_app::{Actor, App, NewFeed, PollOptions};
use amparo_model::records::{Document, LanguagePassage, Person, PersonSensitive, Role};
use amparo_model::{CaptureId, DocumentId};
use amparo_server::{AppState, PAGE_ROUTES};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

mod common;
use common::{Answer, Browser, hidden_field};

struct Installation {
    _dir: tempfile::TempDir,
    app: App,
    admin_password: String,
}

async fn installation() -> Installation {
    let dir = tempfile::tempdir().unwrap();
    let (app, report) = init(&dir.path().join("data"), InitOptions::default())
        .await
        .unwrap();
    let (_, admin_password) = report.admin.unwrap();
    Installation {
        _dir: dir,
        app,
        admin_password,
    }
}

/// The value of attribute `name` inside one tag's text.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    tag[start..].split('"').next()
}

/// Every tag starting with `<name` (the text up to its `>`).
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let opening = format!("<{name}");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&opening) {
        let after = &rest[at..];
        let next = after.as_bytes().get(opening.len()).copied().unwrap_or(b'>');
        let end = after.find('>').map_or(after.len(), |end| end + 1);
        if matches!(next, b' ' | b'>' | b'\n') {
            found.push(&after[..end]);
        }
        rest = &after[end..];
    }
    found
}

/// The accessibility basics every page must meet: a `lang`, one `h1`, headings in order, a
/// label for every input, and nothing that runs.
fn check_page(path: &str, html: &str, lang: &str) {
    assert!(
        html.contains(&format!("<html lang=\"{lang}\">")),
        "{path}: lang attribute"
    );
    assert_eq!(tags(html, "h1").len(), 1, "{path}: exactly one h1");
    let mut last_level = 0;
    for (index, _) in html.match_indices("<h") {
        let Some(level) = html[index + 2..]
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
        else {
            continue;
        };
        assert!(
            level <= last_level + 1,
            "{path}: h{level} after h{last_level}"
        );
        last_level = level;
    }
    let labels: Vec<&str> = tags(html, "label")
        .into_iter()
        .filter_map(|tag| attribute(tag, "for"))
        .collect();
    for kind in ["input", "select", "textarea"] {
        for tag in tags(html, kind) {
            let kind_attribute = attribute(tag, "type").unwrap_or("text");
            if matches!(kind_attribute, "hidden" | "submit") {
                continue;
            }
            // A label names an input by `for`, or by holding it (checkbox groups).
            let at = tag.as_ptr() as usize - html.as_ptr() as usize;
            let before = &html[..at];
            let inside_label = before
                .rfind("<label")
                .is_some_and(|open| !before[open..].contains("</label>"));
            let labelled = inside_label
                || attribute(tag, "aria-label").is_some()
                || attribute(tag, "id").is_some_and(|id| labels.contains(&id));
            assert!(labelled, "{path}: unlabelled {tag}");
        }
    }
    let mut ids: Vec<&str> = html
        .match_indices(" id=\"")
        .filter_map(|(at, marker)| html[at + marker.len()..].split('"').next())
        .collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "{path}: every id is unique");
    assert!(!html.contains("<script"), "{path}: no script");
    assert!(
        !html.contains(" style="),
        "{path}: no inline style (the CSP forbids it)"
    );
    assert!(
        !html.contains("⟦missing text⟧"),
        "{path}: a text is missing"
    );
}

#[tokio::test]
async fn health_answers_without_a_session() {
    let installation = installation().await;
    let mut browser = Browser::new(&AppState::new(installation.app.clone()));
    let answer = browser.get("/health").await;
    assert_eq!(answer.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"status": "ok"}),
        "nothing more to the anonymous"
    );
}

#[tokio::test]
async fn every_page_needs_a_session() {
    let installation = installation().await;
    let mut browser = Browser::new(&AppState::new(installation.app.clone()));
    for (_, path) in PAGE_ROUTES {
        let path = path
            .replace("{kind}", "person")
            .replace("{id}", "0193b2c4-7d1e-7c3a-9f00-000000000001");
        let answer = browser.get(&path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.location(), "/login", "{path}");
    }
    for (_, path) in amparo_server::FORM_ROUTES {
        let path = path
            .replace("{kind}", "person")
            .replace("{id}", "0193b2c4-7d1e-7c3a-9f00-000000000001");
        let answer = browser.post(&path, &[("csrf", "x")]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "POST {path}");
        assert_eq!(answer.location(), "/login", "POST {path}");
    }
    browser
        .cookies
        .insert("amparo_session".to_owned(), "forged".to_owned());
    assert_eq!(browser.get("/").await.location(), "/login");
}

#[tokio::test]
async fn paths_that_climb_out_are_not_found() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    for path in [
        "/persons/..",
        "/persons/../cases",
        "/persons/%2E%2E%2Fsecret.key",
        "/records/..%2F..%2Fconfig.toml/x",
        "/static/../secret.key",
        "/captures/..%2Fsecret.key/content",
    ] {
        let answer = browser.get(path).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            answer.body
        );
        assert!(!answer.body.contains("installation_id"), "{path}");
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let installation = installation().await;
    let mut browser = Browser::new(&AppState::new(installation.app.clone()));
    for path in ["/login", "/health", "/nowhere", "/"] {
        let answer = browser.get(path).await;
        let policy = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(policy.contains("default-src 'none'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(answer.headers[header::X_FRAME_OPTIONS], "DENY");
    }
}

#[tokio::test]
async fn sign_in_needs_the_forms_token_and_the_right_password() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);

    let page = browser.get("/login").await;
    check_page("/login", &page.body, "en");
    // A form posted without the token its page set is refused, even with the right password.
    let forged = browser
        .post(
            "/login",
            &[
                ("username", "admin"),
                ("password", &installation.admin_password),
                ("csrf", "x"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(!browser.cookies.contains_key("amparo_session"));
    // A form with fields missing is answered with the sign-in page, not a bare error.
    let empty = browser.post("/login", &[]).await;
    assert_eq!(empty.status, StatusCode::FORBIDDEN);
    assert!(
        empty
            .body
            .contains("<form method=\"post\" action=\"/login\""),
        "{}",
        empty.body
    );

    let wrong = browser.sign_in("admin", "not-the-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("Wrong user name or password"),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains("value=\"admin\""),
        "the name stays in the form"
    );
    assert!(!browser.cookies.contains_key("amparo_session"));

    let right = browser.sign_in("admin", &installation.admin_password).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    let cookie = right
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|value| value.starts_with("amparo_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert_eq!(browser.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn repeated_failures_make_sign_in_wait() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    for _ in 0..5 {
        browser.sign_in("admin", "wrong").await;
    }
    // Refused at once, the right password included, with how long to wait (issue 7).
    let answer = browser.sign_in("admin", &installation.admin_password).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        answer.body.contains("Too many attempts. Try again in"),
        "{}",
        answer.body
    );
    assert!(!browser.cookies.contains_key("amparo_session"));
}

#[tokio::test]
async fn forms_without_the_session_token_are_refused() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let logout = browser.post("/logout", &[("csrf", "forged")]).await;
    assert_eq!(logout.status, StatusCode::FORBIDDEN);
    assert!(logout.body.contains("csrf_failed"));
    let language = browser
        .post("/language", &[("lang", "es"), ("csrf", "")])
        .await;
    assert_eq!(language.status, StatusCode::FORBIDDEN);
    assert_eq!(
        browser.get("/").await.status,
        StatusCode::OK,
        "still signed in"
    );

    let page = browser.get("/").await;
    let csrf = hidden_field(&page.body, "csrf");
    let logout = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(logout.location(), "/login");
    assert_eq!(
        browser.get("/").await.location(),
        "/login",
        "the session ended"
    );
}

#[tokio::test]
async fn the_language_follows_the_browser_then_the_users_choice() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.accept_language = Some("es-VE,es;q=0.9,en;q=0.5");
    let login = browser.get("/login").await;
    assert!(login.body.contains("<html lang=\"es\">"));
    assert!(login.body.contains("Iniciar sesión"));
    browser.sign_in("admin", &installation.admin_password).await;
    let dashboard = browser.get("/").await;
    check_page("/", &dashboard.body, "es");

    let csrf = hidden_field(&dashboard.body, "csrf");
    let switched = browser
        .post(
            "/language",
            &[("lang", "en"), ("csrf", &csrf), ("back", "/persons")],
        )
        .await;
    assert_eq!(switched.location(), "/persons");
    assert!(
        browser
            .get("/persons")
            .await
            .body
            .contains("<html lang=\"en\">")
    );

    // The choice is remembered for the user: a new browser in Spanish still gets English.
    let mut other = Browser::new(&state);
    other.accept_language = Some("es");
    other.sign_in("admin", &installation.admin_password).await;
    assert!(other.get("/").await.body.contains("<html lang=\"en\">"));
    // An off-site "back" is not followed.
    let page = other.get("/").await;
    let csrf = hidden_field(&page.body, "csrf");
    let answer = other
        .post(
            "/language",
            &[("lang", "es"), ("csrf", &csrf), ("back", "//evil.example/")],
        )
        .await;
    assert_eq!(answer.location(), "/");
}

#[tokio::test]
async fn every_page_of_the_demo_renders_in_both_languages() {
    let installation = installation().await;
    let actor = Actor::cli("tester");
    installation
        .app
        .load_demo(&actor, time::macros::date!(2026 - 11 - 29))
        .await
        .unwrap();
    let state = AppState::new(installation.app.clone());
    let person = installation.app.list::<Person>(&actor).await.unwrap()[0].id;
    let case = installation
        .app
        .list_records(&actor, amparo_model::RecordKind::Case)
        .await
        .unwrap()[0]
        .id;
    let proceeding = installation
        .app
        .list_records(&actor, amparo_model::RecordKind::Proceeding)
        .await
        .unwrap()[0]
        .id;
    let capture = installation.app.list_captures(&actor).await.unwrap()[0].id;
    let event = installation
        .app
        .list_records(&actor, amparo_model::RecordKind::Event)
        .await
        .unwrap()[0]
        .id;
    let feeds = feed_fixtures(&installation.app, &actor).await;
    for (lang, accept) in [("en", "en"), ("es", "es")] {
        let mut browser = Browser::new(&state);
        browser.accept_language = Some(accept);
        browser.sign_in("admin", &installation.admin_password).await;
        for (_, route) in PAGE_ROUTES
            .iter()
            .filter(|(_, route)| !route.contains("{kind}"))
        {
            let id = match *route {
                "/persons/{id}" => person,
                "/events/{id}" => event,
                "/cases/{id}" => case,
                "/proceedings/{id}" => proceeding,
                "/feeds/{id}" => feeds.feed,
                "/documents/{id}" | "/documents/{id}/review" => feeds.copy,
                _ => capture,
            };
            let path = route.replace("{id}", &id.to_string());
            let answer = browser.get(&path).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
            if path.ends_with(".opml") {
                assert!(
                    answer.headers[header::CONTENT_TYPE]
                        .to_str()
                        .unwrap()
                        .starts_with("text/x-opml")
                );
                assert!(answer.body.contains(FEED_URL), "{}", answer.body);
                continue;
            }
            if path.ends_with("/bundle") {
                assert_eq!(answer.headers[header::CONTENT_TYPE], "application/zip");
                continue;
            }
            if path.ends_with("/content") {
                assert_eq!(
                    answer.headers[header::CONTENT_TYPE],
                    "application/octet-stream"
                );
                assert!(
                    answer.headers[header::CONTENT_DISPOSITION]
                        .to_str()
                        .unwrap()
                        .starts_with("attachment")
                );
                continue;
            }
            check_page(&path, &answer.body, lang);
        }
        // Every record type: its list, a record, its history, and its forms where it has them.
        check_page("/records", &browser.get("/records").await.body, lang);
        for kind in amparo_model::RecordKind::ALL {
            let list = browser.get(&format!("/records/{kind}")).await;
            assert_eq!(list.status, StatusCode::OK, "/records/{kind}");
            check_page(&format!("/records/{kind}"), &list.body, lang);
            let records = installation.app.list_records(&actor, *kind).await.unwrap();
            let new = browser.get(&format!("/records/{kind}/new")).await;
            let has_form = !matches!(
                kind,
                amparo_model::RecordKind::Capture
                    | amparo_model::RecordKind::Document
                    | amparo_model::RecordKind::Suggestion
                    | amparo_model::RecordKind::User
            );
            if has_form {
                assert_eq!(new.status, StatusCode::OK, "/records/{kind}/new");
                check_page(&format!("/records/{kind}/new"), &new.body, lang);
            } else {
                assert_eq!(new.status, StatusCode::BAD_REQUEST, "/records/{kind}/new");
            }
            let Some(record) = records.first() else {
                continue;
            };
            for suffix in ["", "/history", "/edit"] {
                if suffix == "/edit" && !has_form {
                    continue;
                }
                let path = format!("/records/{kind}/{}{suffix}", record.id);
                let answer = browser.get(&path).await;
                assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
                check_page(&path, &answer.body, lang);
            }
        }
        for path in [
            format!("/documents/{}", feeds.original),
            format!("/feeds/{}", feeds.failing),
            format!("/records/document/{}", feeds.copy),
        ] {
            let answer = browser.get(&path).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
            check_page(&path, &answer.body, lang);
        }
        let persons = browser.get("/persons?status=whereabouts-unknown").await;
        assert!(persons.body.contains("class=\"unknown\""));
        let person_page = browser.get(&format!("/persons/{person}")).await;
        assert!(person_page.body.contains("<svg"), "the timeline is drawn");
        // P-0021's custody is supported by a news article (through the reference index).
        let p0021 = installation
            .app
            .list::<Person>(&actor)
            .await
            .unwrap()
            .into_iter()
            .find(|person| person.body.pseudonym == "P-0021")
            .unwrap();
        let sourced = browser.get(&format!("/persons/{}", p0021.id)).await;
        let article = if lang == "en" {
            "News article"
        } else {
            "Artículo periodístico"
        };
        assert!(sourced.body.contains(article), "{}", sourced.body);
        assert_eq!(
            browser.get("/persons/not-an-id").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            browser
                .get("/persons/0193b2c4-7d1e-7c3a-9f00-000000000001")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}

/// A new case, and a read grant on it for the user named `username` once they exist.
async fn case_with_reader(app: &amparo_app::App, title: &str) -> amparo_model::CaseId {
    let case = app
        .create(
            &Actor::cli("tester"),
            amparo_model::records::Case {
                title: title.to_owned(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    amparo_model::CaseId(case.id)
}

/// Grants read on `case` to `user`.
async fn grant_read(app: &amparo_app::App, user: uuid::Uuid, case: amparo_model::CaseId) {
    app.create(
        &Actor::cli("tester"),
        amparo_model::records::Grant {
            grantee: amparo_model::records::Grantee::User(amparo_model::UserId(user)),
            case_id: case,
            rights: vec![amparo_model::records::Right::Read],
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn names_are_shown_only_to_admins_and_captured_html_never_rendered() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    let case = case_with_reader(&installation.app, "Removal flights").await;
    let person = installation
        .app
        .create(
            &admin,
            Person {
                case_ids: vec![case],
                nationalities: vec!["VE".to_owned()],
                notes: "<script>alert(1)</script>".to_owned(),
                sensitive: Some(PersonSensitive {
                    full_name: "Nombre Ficticio Uno".to_owned(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .unwrap();
    let capture = installation
        .app
        .capture_bytes(
            &admin,
            "page.html",
            Some("text/html"),
            b"<html><body><script>alert('x')</script><p>hello</p></body></html>",
            amparo_app::CaptureOptions::default(),
        )
        .await
        .unwrap();
    let (vera, viewer_password) = installation
        .app
        .create_user(&admin, "vera", Role::Viewer)
        .await
        .unwrap();
    grant_read(&installation.app, vera.id, case).await;
    let state = AppState::new(installation.app.clone());

    let mut admin_browser = Browser::new(&state);
    admin_browser
        .sign_in("admin", &installation.admin_password)
        .await;
    let page = admin_browser.get(&format!("/persons/{}", person.id)).await;
    assert!(
        page.body.contains("Nombre Ficticio Uno"),
        "admins see real names"
    );
    assert!(page.body.contains("alert(1)"), "the notes are shown");
    assert!(!page.body.contains("<script"), "and escaped: {}", page.body);
    let preview = admin_browser
        .get(&format!("/captures/{}", capture.id))
        .await;
    assert!(
        preview.body.contains("alert("),
        "captured HTML shown as text"
    );
    assert!(!preview.body.contains("<script"), "{}", preview.body);
    assert!(!preview.body.contains("<p>hello</p>"));

    let mut viewer = Browser::new(&state);
    viewer.sign_in("vera", &viewer_password).await;
    let list = viewer.get("/persons").await;
    assert!(list.body.contains("P-0001"));
    assert!(
        !list.body.contains("Nombre Ficticio"),
        "viewers see only the pseudonym"
    );
    let page = viewer.get(&format!("/persons/{}", person.id)).await;
    assert!(!page.body.contains("Nombre Ficticio"));
}

#[tokio::test]
async fn a_person_and_his_custody_are_recorded_through_the_forms() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;

    let form = browser.get("/records/person/new").await;
    check_page("/records/person/new", &form.body, "en");
    let csrf = hidden_field(&form.body, "csrf");
    // Without the session's token nothing is written.
    let forged = browser
        .post(
            "/records/person/new",
            &[("csrf", "x"), ("nationalities", "VE")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let admin = Actor::cli("tester");
    assert!(
        installation
            .app
            .list::<Person>(&admin)
            .await
            .unwrap()
            .is_empty()
    );

    // A field that cannot be read comes back next to the field, with what was typed.
    let refused = browser
        .post(
            "/records/person/new",
            &[
                ("csrf", &csrf),
                ("nationalities", "Venezuela"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"f-nationalities-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"Venezuela\""));
    assert!(
        installation
            .app
            .list::<Person>(&admin)
            .await
            .unwrap()
            .is_empty()
    );

    let created = browser
        .post(
            "/records/person/new",
            &[
                ("csrf", &csrf),
                ("version", "0"),
                ("nationalities", "ve"),
                ("roles", "victim"),
                ("roles", "witness"),
                ("notes", "<b>bold</b>"),
                ("sensitive.full_name", "Nombre Ficticio"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let person_path = created.location().to_owned();
    let persons = installation.app.list::<Person>(&admin).await.unwrap();
    assert_eq!(persons.len(), 1);
    assert_eq!(persons[0].body.pseudonym, "P-0001");
    assert_eq!(persons[0].body.roles, ["victim", "witness"]);
    let person_id = persons[0].id;
    assert_eq!(person_path, format!("/persons/{person_id}"));

    // Two custody periods, the first refused until its dates are in order.
    let new_period = browser
        .get(&format!(
            "/records/custody-period/new?person_id={person_id}"
        ))
        .await;
    assert!(
        new_period
            .body
            .contains(&format!("<option value=\"{person_id}\" selected>"))
    );
    let person_field = person_id.to_string();
    let mut period = vec![
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("person_id", person_field.as_str()),
        ("status", "held-in-third-country"),
        ("period.start", "2025-07-18"),
        ("period.end", "2025-03-16"),
    ];
    let refused = browser.post("/records/custody-period/new", &period).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"f-period-end-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("cannot end before it starts"));
    period[4] = ("period.start", "2025-03-16");
    period[5] = ("period.end", "2025-07-18");
    let saved = browser.post("/records/custody-period/new", &period).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let second = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("person_id", person_field.as_str()),
        ("status", "repatriated"),
        ("period.start", "2025-07-18"),
    ];
    assert_eq!(
        browser
            .post("/records/custody-period/new", &second)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = browser.get(&person_path).await;
    assert!(page.body.contains("<svg"));
    assert!(page.body.contains("Held in a third country"));
    assert!(page.body.contains("Repatriated"));
    assert!(
        !page.body.contains("<b>bold</b>"),
        "text typed into a form is escaped"
    );

    // Editing makes version 2 and keeps what the form does not show; history says who and what.
    let edit = browser
        .get(&format!("/records/person/{person_id}/edit"))
        .await;
    assert!(edit.body.contains("value=\"VE\""));
    let edited = browser
        .post(
            &format!("/records/person/{person_id}/edit"),
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("pseudonym", "P-0001"),
                ("nationalities", "VE"),
                ("roles", "victim"),
                ("gender", "male"),
                ("sensitive.full_name", "Nombre Ficticio"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let stale = browser
        .post(
            &format!("/records/person/{person_id}/edit"),
            &[("csrf", &csrf), ("version", "1"), ("pseudonym", "P-0001")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stale.body.contains("changed by someone else"),
        "{}",
        stale.body
    );
    let history = browser
        .get(&format!("/records/person/{person_id}/history"))
        .await;
    check_page("history", &history.body, "en");
    assert!(history.body.contains("user:admin"));
    assert!(
        history.body.contains("Roles"),
        "the changed fields are named"
    );
    assert_eq!(
        installation
            .app
            .get::<Person>(&admin, person_id)
            .await
            .unwrap()
            .version,
        2
    );
}

fn multipart_body(boundary: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(file_name) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

async fn upload(browser: &mut Browser, parts: &[(&str, Option<&str>, &[u8])]) -> Answer {
    upload_to(browser, "/captures/new", parts).await
}

async fn upload_to(
    browser: &mut Browser,
    path: &str,
    parts: &[(&str, Option<&str>, &[u8])],
) -> Answer {
    let boundary = "amparo-test-boundary";
    browser
        .send(
            Request::post(path)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(multipart_body(boundary, parts)))
                .unwrap(),
        )
        .await
}

#[tokio::test]
async fn files_and_pages_are_captured_from_the_interface() {
    let installation = installation().await;
    // A small upload limit, to see it refused.
    let data = installation.app.data_dir().to_owned();
    let config = std::fs::read_to_string(data.join("config.toml")).unwrap();
    std::fs::write(
        data.join("config.toml"),
        config.replace("max_upload_bytes = 1073741824", "max_upload_bytes = 4096"),
    )
    .unwrap();
    let app = amparo_app::installation::open(&data).await.unwrap();
    assert_eq!(app.settings().server.max_upload_bytes, 4096);
    let state = AppState::new(app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let form = browser.get("/captures/new").await;
    check_page("/captures/new", &form.body, "en");
    let csrf = hidden_field(&form.body, "csrf");
    let admin = Actor::cli("tester");
    let captures = || async { app.list_captures(&admin).await.unwrap().len() };

    let forged = upload(
        &mut browser,
        &[("csrf", None, b"x"), ("file", Some("a.txt"), b"hello")],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let missing = upload(&mut browser, &[("file", Some("a.txt"), b"hello")]).await;
    assert_eq!(
        missing.status,
        StatusCode::FORBIDDEN,
        "the token must come first"
    );
    let too_large = upload(
        &mut browser,
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("big.bin"), &[7u8; 5000]),
        ],
    )
    .await;
    assert_eq!(too_large.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_large.body.contains("4096"), "{}", too_large.body);
    assert_eq!(captures().await, 0, "nothing was stored");
    let tmp = std::fs::read_dir(data.join("tmp")).map_or(0, |entries| entries.count());
    assert_eq!(tmp, 0, "no temporary upload is left behind");

    let saved = upload(
        &mut browser,
        &[
            ("csrf", None, csrf.as_bytes()),
            (
                "file",
                Some("../../statement.txt"),
                b"Declaracion de la familia",
            ),
            ("note", None, b"from the family"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let capture = app.list_captures(&admin).await.unwrap().remove(0);
    assert_eq!(saved.location(), format!("/captures/{}", capture.id));
    assert_eq!(
        app.capture_content(&admin, capture.id).await.unwrap(),
        b"Declaracion de la familia"
    );
    let page = browser.get(saved.location()).await;
    assert!(
        page.body.contains("statement.txt"),
        "the name without its folders"
    );
    assert!(page.body.contains("from the family"));

    // A page inside this machine is refused unless the configuration allows it.
    let refused = browser
        .post(
            "/captures/url",
            &[("csrf", &csrf), ("url", "http://127.0.0.1:9/x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("fetch.allow"), "{}", refused.body);
    assert!(
        refused.body.contains("value=\"http://127.0.0.1:9/x\""),
        "the address stays"
    );
    let forged = browser
        .post(
            "/captures/url",
            &[("csrf", "x"), ("url", "http://127.0.0.1:9/x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(captures().await, 1);
}

#[tokio::test]
async fn every_form_refuses_a_forged_token() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let admin = Actor::cli("tester");
    let person = installation
        .app
        .create(&admin, Person::default())
        .await
        .unwrap();
    for (_, route) in amparo_server::FORM_ROUTES {
        let path = route
            .replace("{kind}", "person")
            .replace("{id}", &person.id.to_string());
        let answer = if path == "/captures/new" || path == "/feeds/import" {
            upload_to(
                &mut browser,
                &path,
                &[("csrf", None, b"forged"), ("file", Some("a"), b"a")],
            )
            .await
        } else {
            browser
                .post(
                    &path,
                    &[("csrf", "forged"), ("lang", "es"), ("url", "http://x/")],
                )
                .await
        };
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            answer.body
        );
        assert!(answer.body.contains("csrf_failed"), "{path}");
    }
    assert_eq!(
        browser.get("/").await.status,
        StatusCode::OK,
        "still signed in"
    );
    assert_eq!(
        installation
            .app
            .get::<Person>(&admin, person.id)
            .await
            .unwrap()
            .version,
        1,
        "nothing was written"
    );
}

#[tokio::test]
async fn the_persons_list_pages_and_filters() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    for index in 0..120 {
        let nationality = if index % 3 == 0 { "SV" } else { "VE" };
        installation
            .app
            .create(
                &admin,
                Person {
                    nationalities: vec![nationality.to_owned()],
                    ..Person::default()
                },
            )
            .await
            .unwrap();
    }
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let first = browser.get("/persons").await;
    assert!(
        first.body.contains("120 persons"),
        "the count covers every page"
    );
    assert_eq!(
        first.body.matches("<tr>").count() + first.body.matches("<tr class").count(),
        101
    );
    assert!(first.body.contains("P-0100") && !first.body.contains("P-0101"));
    let marker = "href=\"/persons?after=";
    let start = first.body.find(marker).expect("a next-page link") + "href=\"".len();
    let next = first.body[start..].split('"').next().unwrap().to_owned();
    let second = browser.get(&next).await;
    check_page("/persons (page 2)", &second.body, "en");
    assert!(second.body.contains("P-0101") && second.body.contains("P-0120"));
    assert!(!second.body.contains("P-0100"));
    assert!(
        !second.body.contains("rel=\"next\""),
        "the last page has no next link"
    );
    let salvadorans = browser.get("/persons?nationality=SV").await;
    assert!(
        salvadorans.body.contains("40 persons"),
        "every third person is SV"
    );
    assert!(!salvadorans.body.contains("rel=\"next\""));
}

#[tokio::test]
async fn the_log_page_shows_the_verifier_key_of_the_installations_signing_key() {
    let installation = installation().await;
    let key = installation.app.log_verifier_key().unwrap();
    let verifier = amparo_tlog::Verifier::parse(&key).unwrap();
    let origin = installation.app.settings().log_origin();
    assert!(origin.starts_with("amparo.local/"), "{origin}");
    assert!(
        key.starts_with(&format!("{origin}+")),
        "the key is named by the origin: {key}"
    );
    // The signing key is sealed in the keyring (encryption at rest), never in a plain file.
    assert!(!installation.app.data_dir().join("log.key").exists());
    assert_eq!(verifier.to_string(), key);

    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let page = browser.get("/log").await;
    check_page("/log", &page.body, "en");
    assert!(page.body.contains(&key), "{}", page.body);
    assert!(!page.body.contains("PRIVATE+KEY"), "never the signing key");
}

#[tokio::test]
async fn a_capture_page_shows_its_log_leaf_and_offers_its_evidence_bundle() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    let capture = installation
        .app
        .capture_bytes(
            &admin,
            "statement.txt",
            Some("text/plain"),
            b"Declaracion de la familia",
            amparo_app::CaptureOptions::default(),
        )
        .await
        .unwrap();
    let leaf = installation
        .app
        .capture_log_entry(&admin, capture.id)
        .await
        .unwrap()
        .index;
    let state = AppState::new(installation.app.clone());
    let bundle_path = format!("/captures/{}/bundle", capture.id);

    let mut anonymous = Browser::new(&state);
    let refused = anonymous.get(&bundle_path).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert_eq!(refused.location(), "/login");

    for (lang, label, link) in [
        ("en", "Evidence log leaf", "Download evidence bundle"),
        (
            "es",
            "Hoja en el registro de evidencias",
            "Descargar el paquete de evidencia",
        ),
    ] {
        let mut browser = Browser::new(&state);
        browser.accept_language = Some(lang);
        browser.sign_in("admin", &installation.admin_password).await;
        let page = browser.get(&format!("/captures/{}", capture.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        check_page("/captures/{id}", &page.body, lang);
        assert!(
            page.body.contains(&format!(
                "<dt>{label}</dt><dd class=\"breakable\">{leaf}</dd>"
            )),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains(&format!("<a href=\"{bundle_path}\">{link}</a>")),
            "{}",
            page.body
        );
    }

    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let download = browser.get(&bundle_path).await;
    assert_eq!(download.status, StatusCode::OK, "{}", download.body);
    assert_eq!(download.headers[header::CONTENT_TYPE], "application/zip");
    assert_eq!(
        download.headers[header::CONTENT_DISPOSITION],
        format!(
            "attachment; filename=\"amparo-evidence-{}.zip\"",
            capture.id
        )
        .as_str()
    );
    let key = installation.app.log_verifier_key().unwrap();
    let report = amparo_bundle::verify_bundle(std::io::Cursor::new(&download.bytes), Some(&key));
    assert_eq!(
        report.outcome,
        amparo_bundle::Outcome::Verified,
        "{}",
        report.render()
    );
    let missing = browser
        .get("/captures/0193b2c4-7d1e-7c3a-9f00-000000000001/bundle")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let tmp = installation.app.data_dir().join("tmp");
    let leftovers = std::fs::read_dir(&tmp).map_or(0, |entries| entries.count());
    assert_eq!(leftovers, 0, "no temporary bundle is left behind");
}

#[tokio::test]
async fn the_log_page_shows_the_latest_checkpoint_and_how_to_verify_a_bundle() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    installation
        .app
        .capture_bytes(
            &admin,
            "a.txt",
            Some("text/plain"),
            b"evidence",
            amparo_app::CaptureOptions::default(),
        )
        .await
        .unwrap();
    let state = AppState::new(installation.app.clone());
    // Signing in is an audit event, a leaf of the log: sign in first, then sign the
    // checkpoint the pages must show.
    let mut browsers = Vec::new();
    for lang in ["en", "es"] {
        let mut browser = Browser::new(&state);
        browser.accept_language = Some(lang);
        browser.sign_in("admin", &installation.admin_password).await;
        browsers.push(browser);
    }
    installation.app.sign_checkpoint().await.unwrap();
    let checkpoint = installation.app.latest_checkpoint().await.unwrap();
    let key = installation.app.log_verifier_key().unwrap();
    let verifiers = amparo_tlog::VerifierSet::new([amparo_tlog::Verifier::parse(&key).unwrap()]);
    let note = amparo_tlog::Note::open(checkpoint.note.as_bytes(), &verifiers).unwrap();
    let opened = amparo_tlog::Checkpoint::parse(note.text()).unwrap();
    for ((lang, heading, verify), mut browser) in [
        ("en", "Latest checkpoint", "amparo bundle verify"),
        ("es", "Último punto de control", "amparo bundle verify"),
    ]
    .into_iter()
    .zip(browsers)
    {
        let page = browser.get("/log").await;
        assert_eq!(page.status, StatusCode::OK);
        check_page("/log", &page.body, lang);
        assert!(page.body.contains(heading), "{}", page.body);
        assert!(
            page.body.contains(&format!("<dd>{}</dd>", opened.size())),
            "{}",
            page.body
        );
        assert!(
            page.body.contains(&opened.root().to_base64()),
            "{}",
            page.body
        );
        // The note exactly as signed, in a <pre>.
        let shown = page
            .body
            .split("<pre class=\"preview\">")
            .nth(1)
            .and_then(|rest| rest.split("</pre>").next())
            .expect("the note in a <pre>");
        assert_eq!(unescape(shown), checkpoint.note);
        assert!(page.body.contains(verify), "{}", page.body);
        assert!(page.body.contains("--key"), "{}", page.body);
    }
}

/// Undoes askama's HTML escaping.
fn unescape(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

// ---------------------------------------------------------------------------------------------
// Feeds and documents.

/// A feed that is never fetched in these tests (nothing polls it).
const FEED_URL: &str = "https://feeds.example.invalid/rss";
/// A feed the fetch policy refuses without any network: a loopback address not allow-listed.
const REFUSED_FEED_URL: &str = "http://127.0.0.1:9/feed.xml";
const SPANISH_PASSAGE: &str = "Queremos saber dónde están nuestros hijos.";

/// What [`feed_fixtures`] made.
struct FeedFixtures {
    /// A new feed, never polled.
    feed: uuid::Uuid,
    /// A feed whose poll failed.
    failing: uuid::Uuid,
    /// A document with a Spanish passage.
    original: uuid::Uuid,
    /// A copy of it.
    copy: uuid::Uuid,
}

/// A document in English with a Spanish passage, and a copy of it, as feed polling makes them.
async fn document_pair(app: &App, actor: &Actor, title: &str) -> (uuid::Uuid, uuid::Uuid) {
    let capture = app
        .capture_bytes(
            actor,
            "article.html",
            Some("text/html"),
            b"<html><body><p>The families gathered.</p></body></html>",
            amparo_app::CaptureOptions::default(),
        )
        .await
        .unwrap();
    let text = format!(
        "The families gathered outside the detention center on Saturday morning.\n\nA mother said: {SPANISH_PASSAGE}\n\nLawyers filed an emergency motion."
    );
    let start = text[..text.find(SPANISH_PASSAGE).unwrap()].chars().count() as u64;
    let document = Document {
        capture_id: CaptureId(capture.id),
        title: title.to_owned(),
        byline: "By A. Reporter".to_owned(),
        published_at: Some(time::macros::datetime!(2025-03-21 18:00 UTC)),
        language: Some("en".to_owned()),
        text,
        url: Some("https://news.example/families".to_owned()),
        passages: vec![LanguagePassage {
            start,
            end: start + SPANISH_PASSAGE.chars().count() as u64,
            language: "es".to_owned(),
        }],
        ..Document::default()
    };
    let original = app.create(actor, document.clone()).await.unwrap();
    let copy = app
        .create(
            actor,
            Document {
                title: format!("{title} (republished)"),
                url: Some("https://mirror.example/families".to_owned()),
                duplicate_of: Some(DocumentId(original.id)),
                ..document
            },
        )
        .await
        .unwrap();
    (original.id, copy.id)
}

/// A feed never polled, a feed whose poll was refused, and a document with a copy.
async fn feed_fixtures(app: &App, actor: &Actor) -> FeedFixtures {
    let feed = app
        .add_feed(
            actor,
            FEED_URL,
            NewFeed {
                title: Some("Gulf Coast Observer".to_owned()),
                ..NewFeed::default()
            },
        )
        .await
        .unwrap();
    let failing = app
        .add_feed(actor, REFUSED_FEED_URL, NewFeed::default())
        .await
        .unwrap();
    let options = PollOptions {
        feed_ids: vec![failing.id],
        feeds_only: true,
        ..PollOptions::default()
    };
    let report = app.poll_feeds(actor, &options, &|_, _| {}).await.unwrap();
    assert_eq!(report.feeds_failed.len(), 1, "{report:?}");
    let (original, copy) = document_pair(app, actor, "Families gather outside the center").await;
    FeedFixtures {
        feed: feed.id,
        failing: failing.id,
        original,
        copy,
    }
}

#[tokio::test]
async fn the_feeds_page_lists_a_failing_feed_with_its_last_error() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let admin = Actor::cli("tester");
    let feed = installation
        .app
        .add_feed(&admin, REFUSED_FEED_URL, NewFeed::default())
        .await
        .unwrap();
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let list = browser.get("/feeds").await;
    assert!(list.body.contains("New: not fetched yet"), "{}", list.body);

    // Poll now, from the feed's page: the fetcher refuses the loopback address.
    let page = browser.get(&format!("/feeds/{}", feed.id)).await;
    check_page("/feeds/{id}", &page.body, "en");
    let csrf = hidden_field(&page.body, "csrf");
    let polled = browser
        .post(&format!("/feeds/{}/poll", feed.id), &[("csrf", &csrf)])
        .await;
    assert_eq!(polled.status, StatusCode::SEE_OTHER, "{}", polled.body);
    assert_eq!(polled.location(), format!("/feeds/{}?done=polled", feed.id));
    let page = browser.get(polled.location()).await;
    assert!(page.body.contains("The feed was polled"), "{}", page.body);
    assert!(page.body.contains("Failing"), "{}", page.body);
    assert!(page.body.contains("refusing to fetch"), "{}", page.body);
    assert!(page.body.contains("fetch.allow"), "the whole error");

    for (lang, failing, failures) in [
        ("en", "Failing", "1 failures in a row"),
        ("es", "Con fallos", "1 fallos seguidos"),
    ] {
        let mut browser = Browser::new(&state);
        browser.accept_language = Some(lang);
        browser.sign_in("admin", &installation.admin_password).await;
        let list = browser.get("/feeds").await;
        assert_eq!(list.status, StatusCode::OK);
        check_page("/feeds", &list.body, lang);
        assert!(
            list.body.contains(&format!(
                "<span class=\"status status-failing\">{failing}</span>"
            )),
            "the status in words: {}",
            list.body
        );
        assert!(list.body.contains(failures), "{}", list.body);
        assert!(list.body.contains("refusing to fetch from 127.0.0.1"));
        assert!(list.body.contains(&format!("href=\"/feeds/{}\"", feed.id)));
    }
}

#[tokio::test]
async fn a_feed_is_added_by_form_and_a_duplicate_is_refused_next_to_its_field() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let empty = browser.get("/feeds").await;
    check_page("/feeds", &empty.body, "en");
    assert!(
        empty.body.contains("No feeds are followed yet"),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("Add one with the form below"));
    let csrf = hidden_field(&empty.body, "csrf");

    let forged = browser
        .post("/feeds", &[("csrf", "forged"), ("url", FEED_URL)])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let added = browser
        .post(
            "/feeds",
            &[
                ("csrf", &csrf),
                ("url", FEED_URL),
                ("title", "Diario El Puente"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let admin = Actor::cli("tester");
    let feeds = installation.app.feeds(&admin).await.unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].settings.title, "Diario El Puente");
    assert_eq!(
        added.location(),
        format!("/feeds/{}?done=added", feeds[0].id)
    );
    let page = browser.get(added.location()).await;
    check_page("/feeds/{id}", &page.body, "en");
    assert!(
        page.body
            .contains("<h1 class=\"breakable\">Diario El Puente</h1>")
    );
    assert!(page.body.contains("The feed is followed"), "{}", page.body);
    assert!(page.body.contains("No pages found yet"));

    let duplicate = browser
        .post("/feeds", &[("csrf", &csrf), ("url", FEED_URL)])
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{}", duplicate.body);
    check_page("/feeds (duplicate)", &duplicate.body, "en");
    let error = duplicate
        .body
        .split("id=\"feed-url-error\">")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .expect("the error next to the address field");
    assert!(error.contains("already followed"), "{error}");
    assert!(
        error.contains(&format!("href=\"/feeds/{}\"", feeds[0].id)),
        "{error}"
    );
    assert!(
        duplicate
            .body
            .contains("aria-describedby=\"feed-url-hint feed-url-error\""),
        "the error describes the field"
    );
    assert!(
        duplicate.body.contains(&format!("value=\"{FEED_URL}\"")),
        "the address stays"
    );

    let invalid = browser
        .post(
            "/feeds",
            &[("csrf", &csrf), ("url", "ftp://example.org/feed")],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid.body.contains("only http and https feeds"),
        "{}",
        invalid.body
    );
    let missing = browser
        .post("/feeds", &[("csrf", &csrf), ("url", " ")])
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Give the address of the feed"));
    assert_eq!(installation.app.feeds(&admin).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_opml_export_downloads_and_imports_again() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let admin = Actor::cli("tester");
    for url in [FEED_URL, "https://other.example.invalid/atom.xml"] {
        installation
            .app
            .add_feed(&admin, url, NewFeed::default())
            .await
            .unwrap();
    }
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let list = browser.get("/feeds").await;
    assert!(list.body.contains("href=\"/feeds.opml\""));
    let download = browser.get("/feeds.opml").await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"amparo-feeds.opml\""
    );
    assert!(download.body.contains("<opml"), "{}", download.body);
    assert!(download.body.contains(FEED_URL));

    // Unfollow both, through the form (the box must be ticked), then import the file again.
    let csrf = hidden_field(&list.body, "csrf");
    for feed in installation.app.feeds(&admin).await.unwrap() {
        let path = format!("/feeds/{}/remove", feed.id);
        let unconfirmed = browser.post(&path, &[("csrf", &csrf)]).await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        check_page(&path, &unconfirmed.body, "en");
        assert!(
            unconfirmed.body.contains("Tick the box"),
            "{}",
            unconfirmed.body
        );
        let removed = browser
            .post(&path, &[("csrf", &csrf), ("confirm", "yes")])
            .await;
        assert_eq!(removed.location(), "/feeds?done=removed");
    }
    let empty = browser.get("/feeds?done=removed").await;
    assert!(empty.body.contains("no longer followed"), "{}", empty.body);
    assert!(installation.app.feeds(&admin).await.unwrap().is_empty());

    let parts: &[(&str, Option<&str>, &[u8])] = &[
        ("csrf", None, csrf.as_bytes()),
        ("file", Some("amparo-feeds.opml"), &download.bytes),
    ];
    let imported = upload_to(&mut browser, "/feeds/import", parts).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    check_page("/feeds/import", &imported.body, "en");
    assert!(
        imported
            .body
            .contains("Now following 2 more feeds; 0 skipped"),
        "{}",
        imported.body
    );
    assert_eq!(installation.app.feeds(&admin).await.unwrap().len(), 2);
    let again = upload_to(&mut browser, "/feeds/import", parts).await;
    assert!(
        again.body.contains("0 more feeds; 2 skipped"),
        "{}",
        again.body
    );
    assert!(again.body.contains("already followed"), "{}", again.body);

    let not_opml = upload_to(
        &mut browser,
        "/feeds/import",
        &[
            ("csrf", None, csrf.as_bytes()),
            ("file", Some("notes.txt"), b"just some notes"),
        ],
    )
    .await;
    assert_eq!(not_opml.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_opml.body.contains("holds no feed subscriptions"));
    let forged = upload_to(
        &mut browser,
        "/feeds/import",
        &[
            ("csrf", None, b"x"),
            ("file", Some("a.opml"), &download.bytes),
        ],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_feed_is_paused_resumed_and_its_failed_pages_retried_from_its_page() {
    let installation = installation().await;
    let state = AppState::new(installation.app.clone());
    let admin = Actor::cli("tester");
    let feed = installation
        .app
        .add_feed(&admin, FEED_URL, NewFeed::default())
        .await
        .unwrap();
    let path = format!("/feeds/{}", feed.id);
    let mut browser = Browser::new(&state);
    browser.accept_language = Some("es");
    browser.sign_in("admin", &installation.admin_password).await;
    let page = browser.get(&path).await;
    check_page(&path, &page.body, "es");
    assert!(page.body.contains("Consultar ahora"));
    let csrf = hidden_field(&page.body, "csrf");

    let paused = browser
        .post(&format!("{path}/pause"), &[("csrf", &csrf)])
        .await;
    assert_eq!(paused.location(), format!("{path}?done=paused"));
    let page = browser.get(paused.location()).await;
    assert!(
        page.body.contains("La fuente está pausada"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("action=\"{path}/resume\"")));
    assert!(!page.body.contains(&format!("action=\"{path}/poll\"")));
    assert!(
        installation
            .app
            .feed(&admin, &feed.id.to_string())
            .await
            .unwrap()
            .settings
            .paused
    );

    // A paused feed is not polled, even when asked.
    let polled = browser
        .post(&format!("{path}/poll"), &[("csrf", &csrf)])
        .await;
    assert_eq!(polled.location(), format!("{path}?done=poll_paused"));

    let resumed = browser
        .post(&format!("{path}/resume"), &[("csrf", &csrf)])
        .await;
    assert_eq!(resumed.location(), format!("{path}?done=resumed"));
    assert!(
        !installation
            .app
            .feed(&admin, &feed.id.to_string())
            .await
            .unwrap()
            .settings
            .paused
    );

    let retried = browser
        .post(&format!("{path}/retry"), &[("csrf", &csrf)])
        .await;
    assert_eq!(retried.location(), format!("{path}?done=retried&count=0"));
    let page = browser.get(retried.location()).await;
    assert!(page.body.contains("0 páginas fallidas"), "{}", page.body);

    let missing = browser
        .get("/feeds/0193b2c4-7d1e-7c3a-9f00-000000000001")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        browser.get("/feeds/not-an-id").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_viewer_sees_feeds_without_forms_and_cannot_change_them() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    let fixtures = feed_fixtures(&installation.app, &admin).await;
    let (_, viewer_password) = installation
        .app
        .create_user(&admin, "vera", Role::Viewer)
        .await
        .unwrap();
    let state = AppState::new(installation.app.clone());
    let mut viewer = Browser::new(&state);
    viewer.sign_in("vera", &viewer_password).await;
    let list = viewer.get("/feeds").await;
    assert_eq!(list.status, StatusCode::OK);
    check_page("/feeds", &list.body, "en");
    assert!(
        list.body.contains("Gulf Coast Observer"),
        "viewers read the list"
    );
    assert!(!list.body.contains("action=\"/feeds\""), "no add form");
    assert!(
        !list.body.contains("action=\"/feeds/import\""),
        "no import form"
    );
    let path = format!("/feeds/{}", fixtures.feed);
    let page = viewer.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    check_page(&path, &page.body, "en");
    assert!(
        !page.body.contains(&format!("action=\"{path}/")),
        "no action forms"
    );
    assert_eq!(viewer.get("/feeds.opml").await.status, StatusCode::OK);

    let csrf = hidden_field(&page.body, "csrf");
    let added = viewer
        .post(
            "/feeds",
            &[("csrf", &csrf), ("url", "https://new.example.invalid/rss")],
        )
        .await;
    assert_eq!(added.status, StatusCode::FORBIDDEN, "{}", added.body);
    assert!(added.body.contains("forbidden"));
    for action in ["pause", "resume", "poll", "retry", "remove"] {
        let answer = viewer
            .post(
                &format!("{path}/{action}"),
                &[("csrf", &csrf), ("confirm", "yes")],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{action}: {}",
            answer.body
        );
    }
    let imported = upload_to(
        &mut viewer,
        "/feeds/import",
        &[
            ("csrf", None, csrf.as_bytes()),
            (
                "file",
                Some("a.opml"),
                b"<opml version=\"2.0\"><body><outline xmlUrl=\"https://x.example.invalid/rss\"/></body></opml>",
            ),
        ],
    )
    .await;
    assert_eq!(imported.status, StatusCode::FORBIDDEN);
    let feeds = installation.app.feeds(&admin).await.unwrap();
    assert_eq!(feeds.len(), 2, "nothing added or removed");
    assert!(feeds.iter().all(|feed| !feed.settings.paused));
}

#[tokio::test]
async fn the_document_page_marks_the_spanish_passage_and_shows_original_and_copies() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    let (original, copy) = document_pair(&installation.app, &admin, "Families gather").await;
    let state = AppState::new(installation.app.clone());
    for (lang, copies, original_label) in
        [("en", "Copies", "Original"), ("es", "Copias", "Original")]
    {
        let mut browser = Browser::new(&state);
        browser.accept_language = Some(lang);
        browser.sign_in("admin", &installation.admin_password).await;
        let path = format!("/documents/{copy}");
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        check_page(&path, &page.body, lang);
        assert!(
            page.body.contains(&format!(
                "<span lang=\"es\" class=\"passage\">{}</span>",
                SPANISH_PASSAGE
            )),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("<div class=\"document-text\" lang=\"en\">"),
            "the text says its own language"
        );
        assert!(
            page.body
                .contains("<h1 class=\"breakable\" lang=\"en\">Families gather (republished)</h1>")
        );
        assert!(page.body.contains(&format!("<h3>{original_label}</h3>")));
        assert!(page.body.contains(&format!("<h3>{copies}</h3>")));
        assert!(
            page.body.contains(&format!(
                "<a href=\"/documents/{original}\">Families gather</a>"
            )),
            "{}",
            page.body
        );
        assert!(
            page.body.contains(&format!(
                "<a href=\"/documents/{copy}\" aria-current=\"page\">Families gather (republished)</a>"
            )),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("<code class=\"breakable\">https://mirror.example/families</code>"),
            "the address as text, not a live link"
        );
        assert!(
            !page.body.contains("href=\"https://"),
            "no link leaves Amparo"
        );
        let capture_link = page.body.contains("href=\"/captures/");
        assert!(capture_link, "a link to the capture");

        let path = format!("/documents/{original}");
        let page = browser.get(&path).await;
        check_page(&path, &page.body, lang);
        assert!(
            page.body.contains(&format!(
                "<a href=\"/documents/{copy}\">Families gather (republished)</a>"
            )),
            "the original lists its copy: {}",
            page.body
        );
        // The generic record page leads to the document's own page.
        let generic = browser.get(&format!("/records/document/{original}")).await;
        assert!(
            generic
                .body
                .contains(&format!("href=\"/documents/{original}\""))
        );
    }
}

#[tokio::test]
async fn a_hostile_feed_title_is_never_rendered_as_html() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let feed = installation
        .app
        .add_feed(
            &admin,
            "https://feeds.example.invalid/rss?q=\"><script>alert(3)</script>",
            NewFeed {
                title: Some(hostile.to_owned()),
                ..NewFeed::default()
            },
        )
        .await
        .unwrap();
    let (original, _) = document_pair(&installation.app, &admin, hostile).await;
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    for path in [
        "/feeds".to_owned(),
        format!("/feeds/{}", feed.id),
        format!("/documents/{original}"),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        check_page(&path, &page.body, "en");
        assert!(!page.body.contains("<img"), "{path}: {}", page.body);
        assert!(
            page.body
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}: shown as text: {}",
            page.body
        );
    }
}

/// An installation whose fetcher may reach a site served on loopback by the test, with no
/// politeness delay.
async fn installation_allowing_loopback() -> (Installation, App) {
    let installation = installation().await;
    let data = installation.app.data_dir().to_owned();
    let mut settings = installation.app.settings().clone();
    settings.fetch.allow = vec!["127.0.0.1".to_owned()];
    settings.feeds.host_delay_ms = 0;
    std::fs::write(
        data.join("config.toml"),
        toml::to_string(&settings).unwrap(),
    )
    .unwrap();
    let app = amparo_app::installation::open(&data).await.unwrap();
    (installation, app)
}

/// Serves `pages` (path, media type, body) on loopback; returns the base URL.
async fn serve_site(pages: Vec<(&'static str, &'static str, String)>) -> String {
    let mut site = axum::Router::new();
    for (path, media_type, body) in pages {
        site = site.route(
            path,
            axum::routing::get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, media_type)], body) }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, site).await });
    base
}

fn article(title: &str, site: &str) -> String {
    let paragraph = "Relatives of the men held at the detention center spent the week calling \
        hotlines and lawyers after the planes left on Saturday. Several families said their \
        relatives had no criminal record and had been singled out because of their tattoos. \
        Lawyers filed a class action in federal court on Thursday and an emergency motion on \
        Friday, asking the judge to halt further removals and to order the government to say \
        where each man is held.";
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{title} - {site}</title></head><body>\
         <nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1><p>{paragraph}</p>\
         <p>{paragraph} The sister of one man said he called to say he had been told to pack.</p>\
         </article><footer>{site}</footer></body></html>"
    )
}

#[tokio::test]
async fn a_polled_feed_lists_its_pages_and_links_a_copy_to_its_original() {
    let (installation, app) = installation_allowing_loopback().await;
    let base = serve_site(vec![
        (
            "/one",
            "text/html; charset=utf-8",
            article("Families wait for word", "Observer"),
        ),
        (
            "/two",
            "text/html; charset=utf-8",
            article("Families wait for word", "Mirror"),
        ),
    ])
    .await;
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Observer</title>\
         <link>{base}/</link>\
         <item><title>Families wait for word</title><link>{base}/one</link>\
         <pubDate>Fri, 21 Mar 2025 18:00:00 +0000</pubDate></item>\
         <item><title>Families wait (republished)</title><link>{base}/two</link>\
         <pubDate>Sat, 22 Mar 2025 09:00:00 +0000</pubDate></item>\
         </channel></rss>"
    );
    let feed_base = serve_site(vec![("/feed.xml", "application/rss+xml", feed)]).await;
    let admin = Actor::cli("tester");
    let subscription = app
        .add_feed(&admin, &format!("{feed_base}/feed.xml"), NewFeed::default())
        .await
        .unwrap();
    let report = app
        .poll_feeds(&admin, &PollOptions::default(), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(report.pages_captured, 2, "{report:?}");
    assert_eq!(report.copies, 1, "{report:?}");
    let pages = app.feed_pages(&admin, subscription.id, None).await.unwrap();
    let copy = pages
        .iter()
        .find(|page| page.duplicate_of.is_some())
        .unwrap();
    let original = copy.duplicate_of.unwrap();

    let state = AppState::new(app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;
    let path = format!("/feeds/{}", subscription.id);
    let page = browser.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    check_page(&path, &page.body, "en");
    assert!(
        page.body.contains("<h1 class=\"breakable\">Observer</h1>"),
        "the feed's own title"
    );
    assert!(page.body.contains("OK"), "{}", page.body);
    assert!(page.body.contains("Captured (a copy)"), "{}", page.body);
    assert!(
        page.body.contains(&format!(
            "Copy of <a href=\"/documents/{original}\">Families wait for word</a>"
        )),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!(
            "href=\"/documents/{}\"",
            copy.document_id.unwrap()
        )),
        "each page links to its document"
    );
    let list = browser.get("/feeds").await;
    assert!(
        list.body.contains("2 captured, 0 waiting, 0 failed"),
        "{}",
        list.body
    );

    let document = browser
        .get(&format!("/documents/{}", copy.document_id.unwrap()))
        .await;
    assert_eq!(document.status, StatusCode::OK);
    check_page("/documents/{id}", &document.body, "en");
    assert!(
        document
            .body
            .contains(&format!("href=\"/documents/{original}\"")),
        "{}",
        document.body
    );
    assert!(document.body.contains("Relatives of the men held"));
}

/// Issue 6, part 3: the review page marks what was found in the text, offers each candidate
/// as a button, records a decision by a plain form, and shows a viewer no forms and no real
/// name.
#[tokio::test]
async fn a_document_is_reviewed_through_plain_forms() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    let case = case_with_reader(&installation.app, "Removal flights").await;
    let person = installation
        .app
        .create(
            &admin,
            Person {
                sensitive: Some(PersonSensitive {
                    full_name: "José Gregorio Pérez Rodríguez".to_owned(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .unwrap();
    let capture = installation
        .app
        .capture_bytes(
            &admin,
            "article.txt",
            Some("text/plain"),
            b"article",
            amparo_app::CaptureOptions {
                case_ids: vec![case],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let document = installation
        .app
        .create(
            &admin,
            Document {
                capture_id: CaptureId(capture.id),
                title: "Deported".to_owned(),
                language: Some("en".to_owned()),
                text: "Jose G. Perez was deported to El Salvador.\n\nHe was tortured there, his mother said."
                    .to_owned(),
                ..Document::default()
            },
        )
        .await
        .unwrap();
    let (vera, viewer_password) = installation
        .app
        .create_user(&admin, "vera", Role::Viewer)
        .await
        .unwrap();
    grant_read(&installation.app, vera.id, case).await;
    let state = AppState::new(installation.app.clone());
    let review = format!("/documents/{}/review", document.id);
    let mut browser = Browser::new(&state);
    browser.sign_in("admin", &installation.admin_password).await;

    let page = browser.get(&format!("/documents/{}", document.id)).await;
    assert!(page.body.contains(&format!("href=\"{review}\"")));
    let page = browser.get(&review).await;
    assert_eq!(page.status, StatusCode::OK);
    check_page(&review, &page.body, "en");
    assert!(page.body.contains("Find suggestions"), "{}", page.body);
    let csrf = hidden_field(&page.body, "csrf");
    let answer = browser
        .post(&format!("{review}/process"), &[("csrf", &csrf)])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(
        answer
            .location()
            .starts_with(&format!("{review}?done=processed"))
    );

    for lang in ["es", "en"] {
        browser.accept_language = Some(lang);
        let page = browser.get(&review).await;
        check_page(&review, &page.body, lang);
    }
    let page = browser.get(&review).await;
    assert!(
        page.body
            .contains("<mark class=\"kind-person\">Jose G. Perez</mark>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<mark class=\"kind-place\">El Salvador</mark>")
    );
    // The administrator may see real names: beside the code, never instead of it.
    let button = format!(
        "Link to {} — José Gregorio Pérez Rodríguez (",
        person.body.pseudonym
    );
    assert!(page.body.contains(&button), "{}", page.body);
    assert!(page.body.contains("Accept all confident"));
    let suggestions = installation
        .app
        .suggestions(&admin, document.id)
        .await
        .unwrap();
    let mention = suggestions
        .iter()
        .find(|s| s.body.kind == amparo_model::records::SuggestionKind::Person)
        .unwrap();
    let choice = format!("link:person:{}", person.id);
    let answer = browser
        .post(
            &format!("/suggestions/{}/decide", mention.id),
            &[
                ("csrf", &csrf),
                ("choice", &choice),
                ("name", ""),
                ("other", ""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert!(answer.location().contains("done=linked"));
    let page = browser.get(&review).await;
    assert!(page.body.contains(&format!(
        "<a href=\"/persons/{}\">{}</a>",
        person.id, person.body.pseudonym
    )));
    // A pseudonym code typed in "another record" links too, and a wrong one is refused.
    let place = suggestions
        .iter()
        .find(|s| s.body.kind == amparo_model::records::SuggestionKind::Place)
        .unwrap();
    let answer = browser
        .post(
            &format!("/suggestions/{}/decide", place.id),
            &[("csrf", &csrf), ("choice", "other"), ("other", "P-9999")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);

    let mut viewer = Browser::new(&state);
    viewer.sign_in("vera", &viewer_password).await;
    let page = viewer.get(&review).await;
    assert_eq!(page.status, StatusCode::OK);
    check_page(&review, &page.body, "en");
    assert!(!page.body.contains("/decide\""), "no forms for a viewer");
    assert!(!page.body.contains("Gregorio") && !page.body.contains("Rodr"));
    let csrf = hidden_field(&page.body, "csrf");
    let answer = viewer
        .post(
            &format!("/suggestions/{}/decide", place.id),
            &[("csrf", &csrf), ("choice", "reject")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let queue = viewer.get("/review").await;
    check_page("/review", &queue.body, "en");
    assert!(queue.body.contains(&format!("href=\"{review}\"")));
}

/// What the demo holds that only a case's team may see: pseudonym codes, real names, case
/// references and titles, event titles, capture file names.
async fn demo_secrets(app: &App, actor: &Actor) -> Vec<String> {
    let mut secrets = Vec::new();
    for kind in [
        amparo_model::RecordKind::Person,
        amparo_model::RecordKind::Case,
        amparo_model::RecordKind::Event,
        amparo_model::RecordKind::Capture,
        amparo_model::RecordKind::Testimony,
    ] {
        for version in app.list_records(actor, kind).await.unwrap() {
            let Some(record) = version.record else {
                continue;
            };
            let json = record.to_json();
            for field in ["pseudonym", "reference", "title"] {
                if let Some(text) = json[field].as_str().filter(|text| text.len() >= 5) {
                    secrets.push(text.to_owned());
                }
            }
            if let Some(name) = json["sensitive"]["full_name"].as_str() {
                secrets.push(name.to_owned());
            }
            if let Some(name) = json["origin"]["file_name"].as_str() {
                secrets.push(name.to_owned());
            }
        }
    }
    assert!(
        secrets.len() > 20,
        "the demo has records to hide: {secrets:?}"
    );
    secrets
}

#[tokio::test]
async fn a_user_without_grants_learns_nothing_of_the_demo_from_any_page() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    installation
        .app
        .load_demo(&admin, time::macros::date!(2026 - 11 - 29))
        .await
        .unwrap();
    let secrets = demo_secrets(&installation.app, &admin).await;
    let (_, password) = installation
        .app
        .create_user(&admin, "outsider", Role::Documenter)
        .await
        .unwrap();
    let mut ids: Vec<(amparo_model::RecordKind, uuid::Uuid)> = Vec::new();
    for kind in amparo_model::RecordKind::ALL {
        for version in installation.app.list_records(&admin, *kind).await.unwrap() {
            ids.push((*kind, version.id));
        }
    }
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    browser.sign_in("outsider", &password).await;
    let mut paths: Vec<String> = Vec::new();
    for (_, route) in PAGE_ROUTES {
        if !route.contains('{') {
            paths.push((*route).to_owned());
            continue;
        }
        // Each id on the routes of its kind.
        let wanted = |kind: amparo_model::RecordKind| match route.split('/').nth(1) {
            Some("records") => true,
            Some("persons") => kind == amparo_model::RecordKind::Person,
            Some("events") => kind == amparo_model::RecordKind::Event,
            Some("cases") => kind == amparo_model::RecordKind::Case,
            Some("proceedings") => kind == amparo_model::RecordKind::Proceeding,
            Some("captures") => kind == amparo_model::RecordKind::Capture,
            Some("documents") => kind == amparo_model::RecordKind::Document,
            _ => false,
        };
        for (kind, id) in ids.iter().filter(|(kind, _)| wanted(*kind)) {
            let path = route
                .replace("{kind}", kind.as_str())
                .replace("{id}", &id.to_string());
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    let mut shown = 0;
    for path in &paths {
        let answer = browser.get(path).await;
        assert!(
            matches!(
                answer.status,
                StatusCode::OK
                    | StatusCode::NOT_FOUND
                    | StatusCode::FORBIDDEN
                    | StatusCode::BAD_REQUEST
            ),
            "{path}: {}",
            answer.status
        );
        if answer.status == StatusCode::OK {
            shown += 1;
        }
        for secret in &secrets {
            assert!(
                !answer.body.contains(secret.as_str()),
                "{path} shows {secret:?} to a user without grants"
            );
        }
    }
    assert!(shown > 5, "the outsider still sees the shared pages");
    // The audit trail is for administrators.
    assert_eq!(browser.get("/audit").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_audit_page_lists_sign_ins_and_sensitive_reads_for_administrators() {
    let installation = installation().await;
    let admin = Actor::cli("tester");
    let person = installation
        .app
        .create(
            &admin,
            Person {
                sensitive: Some(PersonSensitive {
                    full_name: "Nombre Auditado".to_owned(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .unwrap();
    let state = AppState::new(installation.app.clone());
    let mut browser = Browser::new(&state);
    let refused = browser.sign_in("admin", "not the password").await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER);
    browser.sign_in("admin", &installation.admin_password).await;
    browser.get(&format!("/persons/{}", person.id)).await;
    let page = browser.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    check_page("/audit", &page.body, "en");
    for expected in [
        "sign-in-failed",
        "user:admin",
        "sensitive-read",
        &format!("person {}", person.id),
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert!(!page.body.contains("Nombre Auditado"));
    let filtered = browser.get("/audit?action=sign-in-failed").await;
    assert!(filtered.body.contains("sign-in-failed"));
    assert!(!filtered.body.contains("sensitive-read</td>"));
    let bad = browser.get("/audit?since=yesterday").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("aria-invalid=\"true\""));
}
