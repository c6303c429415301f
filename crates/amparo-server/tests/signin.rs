//! Sign-in hardening through HTTP (issue 7), without a socket: the two-step sign-in with a TOTP
//! code or a recovery code, enrolment on the account page, limits per client address (a page
//! answer and HTTP 429 on the API), a new session id at every sign-in, signing out everywhere,
//! API token scopes and expiry, and disabling a user ending their sessions and tokens at once.

use std::net::SocketAddr;

use amparo_app::installation::{InitOptions, init};
use amparo_app::signin::totp;
use amparo_app::{Actor, App, NewToken, Scopes};
use amparo_model::records::{Role, User};
use amparo_server::{AppState, router};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;
use time::OffsetDateTime;
use tower::ServiceExt;

mod common;
use common::Browser;

fn base32_decode(text: &str) -> Vec<u8> {
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

fn step_now() -> i64 {
    totp::step_at(OffsetDateTime::now_utc().unix_timestamp())
}

/// An installation with a lawyer `ana`; returns the state, the temporary folder and her
/// password.
async fn installation() -> (AppState, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = init(&dir.path().join("data"), InitOptions::default())
        .await
        .unwrap();
    let (_, password) = app
        .create_user(&Actor::cli("tester"), "ana", Role::Lawyer)
        .await
        .unwrap();
    (AppState::new(app), dir, password)
}

fn app(state: &AppState) -> &App {
    &state.app
}

/// The basics every page meets (the full check walks `PAGE_ROUTES` in `tests/pages.rs`): one
/// `h1`, a label for every visible input, no script and no inline style.
fn check_basics(html: &str) {
    assert_eq!(html.matches("<h1").count(), 1, "{html}");
    for input in html.split("<input").skip(1) {
        let tag = input.split('>').next().unwrap();
        if tag.contains("type=\"hidden\"") {
            continue;
        }
        let id = tag
            .split("id=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            html.contains(&format!("<label for=\"{id}\"")),
            "{id}: {html}"
        );
    }
    assert!(
        !html.contains("<script") && !html.contains("style="),
        "{html}"
    );
}

/// Enrols `ana` through the account page; returns her secret and recovery codes.
async fn enrol_on_the_account_page(browser: &mut Browser) -> (Vec<u8>, Vec<String>) {
    let account = browser.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("action=\"/account/totp/start\""));
    check_basics(&account.body);
    let started = browser
        .post_form("/account", "/account/totp/start", &[])
        .await;
    assert_eq!(started.location(), "/account");
    let pending = browser.get("/account").await;
    assert!(pending.body.contains("<svg "), "a QR code drawn inline");
    assert!(!pending.body.contains("<img"), "no image is fetched");
    check_basics(&pending.body);
    let marker = "secret=";
    let start = pending.body.find(marker).unwrap() + marker.len();
    let secret_text: String = pending.body[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    assert!(
        pending
            .body
            .contains(&format!("<code class=\"breakable\">{secret_text}</code>")),
        "the secret is shown as text too"
    );
    let secret = base32_decode(&secret_text);
    let wrong = browser
        .post_form("/account", "/account/totp/confirm", &[("code", "000000")])
        .await;
    let wrong_is_wrong = totp::code_for_step(&secret, step_now(), 6) != "000000";
    if wrong_is_wrong {
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let code = totp::code_for_step(&secret, step_now() - 1, 6);
    let confirmed = browser
        .post_form("/account", "/account/totp/confirm", &[("code", &code)])
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let codes: Vec<String> = confirmed
        .body
        .split("<li><code>")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{}", confirmed.body);
    check_basics(&confirmed.body);
    let again = browser.get("/account").await;
    check_basics(&again.body);
    assert!(
        !again.body.contains(&codes[0]),
        "recovery codes are shown once"
    );
    (secret, codes)
}

#[tokio::test]
async fn sign_in_takes_two_steps_once_a_second_factor_is_on() {
    let (state, _dir, password) = installation().await;
    let mut browser = Browser::new(&state).connecting_from("192.0.2.10:5000");
    let signed_in = browser.sign_in("ana", &password).await;
    assert_eq!(signed_in.location(), "/");
    let (secret, _) = enrol_on_the_account_page(&mut browser).await;

    let mut other = Browser::new(&state).connecting_from("192.0.2.11:5000");
    let code_page = other.sign_in("ana", &password).await;
    assert_eq!(code_page.status, StatusCode::OK);
    assert!(code_page.body.contains("action=\"/login/code\""));
    check_basics(&code_page.body);
    assert_eq!(other.session(), None, "the password alone makes no session");
    assert_eq!(other.get("/").await.location(), "/login");
    assert_eq!(other.get("/login/code").await.status, StatusCode::OK);

    let wrong = other.send_code(&code_page, "12345").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(other.session(), None);

    let code = totp::code_for_step(&secret, step_now(), 6);
    let done = other.send_code(&code_page, &code).await;
    assert_eq!(done.location(), "/");
    assert!(other.session().is_some());
    assert_eq!(other.get("/").await.status, StatusCode::OK);
    assert!(
        !other.cookies.contains_key("amparo_pending"),
        "the pending step is discarded"
    );

    // The same code again, in a new sign-in: refused (no replay).
    let mut third = Browser::new(&state).connecting_from("192.0.2.12:5000");
    let code_page = third.sign_in("ana", &password).await;
    let replay = third.send_code(&code_page, &code).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert_eq!(third.session(), None);
    // A code typed into a finished sign-in's page does nothing either.
    let stale = other
        .post("/login/code", &[("code", &code), ("csrf", "x")])
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let (state, _dir, password) = installation().await;
    let mut browser = Browser::new(&state).connecting_from("192.0.2.20:5000");
    browser.sign_in("ana", &password).await;
    let (_, codes) = enrol_on_the_account_page(&mut browser).await;

    let mut phone_lost = Browser::new(&state).connecting_from("192.0.2.21:5000");
    let code_page = phone_lost.sign_in("ana", &password).await;
    let done = phone_lost.send_code(&code_page, &codes[0]).await;
    assert_eq!(done.location(), "/");
    let account = phone_lost.get("/account").await;
    assert!(account.body.contains(": 9."), "{}", account.body);

    let mut again = Browser::new(&state).connecting_from("192.0.2.22:5000");
    let code_page = again.sign_in("ana", &password).await;
    let refused = again.send_code(&code_page, &codes[0]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.session(), None);

    // Turning it off needs the password (or a code), not just the session.
    let wrong = phone_lost
        .post_form("/account", "/account/totp/disable", &[("code", "guess")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let off = phone_lost
        .post_form("/account", "/account/totp/disable", &[("code", &password)])
        .await;
    assert_eq!(off.location(), "/account");
    let mut plain = Browser::new(&state).connecting_from("192.0.2.23:5000");
    assert_eq!(plain.sign_in("ana", &password).await.location(), "/");
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_client_address() {
    let (state, _dir, password) = installation().await;
    let mut attacker = Browser::new(&state).connecting_from("198.51.100.7:4000");
    // Different names each time, so that only the address limit applies.
    for n in 0..20 {
        let answer = attacker.sign_in(&format!("guess{n}"), "wrong").await;
        // The failure that reaches the limit already says to wait.
        let expected = if n < 19 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(answer.status, expected, "attempt {n}");
    }
    let limited = attacker.sign_in("ana", &password).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.body.contains("Try again in"),
        "a clear message: {}",
        limited.body
    );
    assert!(limited.header(header::RETRY_AFTER).parse::<u64>().unwrap() >= 1);
    assert_eq!(
        attacker.session(),
        None,
        "not even the right password passes"
    );

    // Another address is not affected.
    let mut colleague = Browser::new(&state).connecting_from("198.51.100.8:4000");
    assert_eq!(colleague.sign_in("ana", &password).await.location(), "/");

    // The API answers 429 to an address that sent too many unknown tokens.
    let api = |token: &str, address: &str| {
        let mut request = Request::get("/api/v1/records/person")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(address.parse::<SocketAddr>().unwrap()));
        router(state.clone()).oneshot(request)
    };
    for n in 0..20 {
        let answer = api(&format!("amp_{n:064x}"), "203.0.113.9:1234")
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "token {n}");
    }
    let limited = api("amp_0", "203.0.113.9:1234").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
    let body = limited.into_body().collect().await.unwrap().to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "too_many_attempts");
    let other = api("amp_0", "203.0.113.10:1234").await.unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_account() {
    let (state, _dir, password) = installation().await;
    // Five addresses, one failure each, then one more: the account waits.
    for n in 0..5 {
        let mut browser = Browser::new(&state).connecting_from(&format!("192.0.2.{}:1", 100 + n));
        let answer = browser.sign_in("ana", "wrong").await;
        let expected = if n < 4 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(answer.status, expected, "attempt {n}");
    }
    let mut browser = Browser::new(&state).connecting_from("192.0.2.200:1");
    let limited = browser.sign_in("ana", &password).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(browser.session(), None);
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id_and_drops_the_old_one() {
    let (state, _dir, password) = installation().await;
    let mut browser = Browser::new(&state).connecting_from("192.0.2.30:1");
    browser.sign_in("ana", &password).await;
    let first = browser.session().unwrap();
    assert!(!browser.cookies.contains_key("amparo_login"));
    // Signing in again with the old cookie still sent.
    browser.sign_in("ana", &password).await;
    let second = browser.session().unwrap();
    assert_ne!(first, second, "a new id at every sign-in");
    let mut stale = Browser::new(&state).connecting_from("192.0.2.31:1");
    stale.cookies.insert("amparo_session".to_owned(), first);
    assert_eq!(stale.get("/").await.location(), "/login");
    // A session id planted before sign-in (fixation) is never adopted.
    let mut victim = Browser::new(&state).connecting_from("192.0.2.32:1");
    victim
        .cookies
        .insert("amparo_session".to_owned(), "f".repeat(64));
    victim.sign_in("ana", &password).await;
    assert_ne!(victim.session().unwrap(), "f".repeat(64));
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_user() {
    let (state, _dir, password) = installation().await;
    let mut laptop = Browser::new(&state).connecting_from("192.0.2.40:1");
    let mut phone = Browser::new(&state).connecting_from("192.0.2.41:1");
    laptop.sign_in("ana", &password).await;
    phone.sign_in("ana", &password).await;
    let mut admin = Browser::new(&state).connecting_from("192.0.2.42:1");
    let (_, admin_password) = {
        let app = app(&state);
        let password = app
            .reset_password(&Actor::cli("tester"), "admin")
            .await
            .unwrap();
        ((), password)
    };
    admin.sign_in("admin", &admin_password).await;
    let out = laptop
        .post_form("/account", "/account/sign-out-everywhere", &[])
        .await;
    assert_eq!(out.location(), "/login");
    assert_eq!(laptop.get("/").await.location(), "/login");
    assert_eq!(phone.get("/").await.location(), "/login");
    assert_eq!(
        admin.get("/").await.status,
        StatusCode::OK,
        "other users stay signed in"
    );
}

#[tokio::test]
async fn token_scopes_and_expiry_are_enforced() {
    let (state, _dir, _) = installation().await;
    let cli = Actor::cli("tester");
    let make = |scopes: &str, expires_at: Option<OffsetDateTime>| NewToken {
        label: "test".to_owned(),
        scopes: Scopes::parse(scopes).unwrap(),
        expires_at,
    };
    let (_, reader) = app(&state)
        .create_scoped_api_token(&cli, "admin", &make("records:read", None))
        .await
        .unwrap();
    let (_, writer) = app(&state)
        .create_scoped_api_token(&cli, "admin", &make("records:write", None))
        .await
        .unwrap();
    let call = |method: &str, path: &str, token: &str, body: Option<serde_json::Value>| {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(body) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(body.to_string())
            }
            None => Body::empty(),
        };
        router(state.clone()).oneshot(builder.body(body).unwrap())
    };
    let person = json!({"code": "P-0901", "kind": "individual"});
    let read = call("GET", "/api/v1/records/person", &reader, None)
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let refused = call(
        "POST",
        "/api/v1/records/person",
        &reader,
        Some(person.clone()),
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body = refused.into_body().collect().await.unwrap().to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "insufficient_scope", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("records:write")
    );
    for (method, path) in [
        (
            "DELETE",
            "/api/v1/feeds/00000000-0000-0000-0000-000000000000",
        ),
        (
            "POST",
            "/api/v1/suggestions/00000000-0000-0000-0000-000000000000/decision",
        ),
        (
            "GET",
            "/api/v1/captures/00000000-0000-0000-0000-000000000000/bundle",
        ),
    ] {
        let answer = call(method, path, &reader, None).await.unwrap();
        assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{method} {path}");
    }
    let written = call("POST", "/api/v1/records/person", &writer, Some(person))
        .await
        .unwrap();
    assert_ne!(written.status(), StatusCode::FORBIDDEN);
    assert_ne!(written.status(), StatusCode::UNAUTHORIZED);

    let soon = OffsetDateTime::now_utc() + time::Duration::milliseconds(300);
    let (_, short) = app(&state)
        .create_scoped_api_token(&cli, "admin", &make("records:read", Some(soon)))
        .await
        .unwrap();
    let before = call("GET", "/api/v1/records/person", &short, None)
        .await
        .unwrap();
    assert_eq!(before.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let after = call("GET", "/api/v1/records/person", &short, None)
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        StatusCode::UNAUTHORIZED,
        "an expired token is refused"
    );
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_tokens_at_once() {
    let (state, _dir, password) = installation().await;
    let cli = Actor::cli("tester");
    let (_, token) = app(&state)
        .create_api_token(&cli, "ana", "script")
        .await
        .unwrap();
    let mut browser = Browser::new(&state).connecting_from("192.0.2.50:1");
    browser.sign_in("ana", &password).await;
    assert_eq!(browser.get("/").await.status, StatusCode::OK);
    let api = |token: &str| {
        router(state.clone()).oneshot(
            Request::get("/api/v1/records/person")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
    };
    assert_eq!(api(&token).await.unwrap().status(), StatusCode::OK);

    app(&state)
        .set_user_disabled(&cli, "ana", true)
        .await
        .unwrap();
    assert_eq!(browser.get("/").await.location(), "/login");
    assert_eq!(
        api(&token).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // Disabled by editing the user record directly (any admin page or the API): the same.
    app(&state)
        .set_user_disabled(&cli, "ana", false)
        .await
        .unwrap();
    browser.sign_in("ana", &password).await;
    assert_eq!(browser.get("/").await.status, StatusCode::OK);
    let users: Vec<amparo_app::Versioned<User>> = app(&state).list(&cli).await.unwrap();
    let ana = users
        .into_iter()
        .find(|user| user.body.username == "ana")
        .unwrap();
    let body = User {
        disabled: true,
        ..ana.body.clone()
    };
    app(&state)
        .update(&cli, ana.id, ana.version, body)
        .await
        .unwrap();
    assert_eq!(browser.get("/").await.location(), "/login");
}
