//! Sign-in and sessions: server-side sessions in HttpOnly, SameSite=Strict cookies, a CSRF token
//! per session checked on every form, a slowdown after repeated failed sign-ins, and the page
//! language (the user's choice, else a cookie, else `Accept-Language`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use amparo_app::{Actor, AppError};
use amparo_model::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use rand::RngCore;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::PageError;
use crate::i18n::{I18n, negotiate, parse_lang};

const SESSION_COOKIE: &str = "amparo_session";
const LOGIN_CSRF_COOKIE: &str = "amparo_login";
const LANG_COOKIE: &str = "amparo_lang";
/// A session ends after this long without use.
const IDLE_LIMIT: Duration = Duration::from_secs(8 * 3600);
/// Failed sign-ins for one name before each further attempt is delayed.
const FREE_FAILURES: u32 = 3;
/// Failures are forgotten after this long without another.
const FAILURE_MEMORY: Duration = Duration::from_secs(15 * 60);
/// The longest delay imposed on a sign-in attempt.
const MAX_DELAY: Duration = Duration::from_secs(30);

/// A signed-in session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Who is signed in.
    pub actor: Actor,
    /// The token every form of this session must carry.
    pub csrf: String,
    /// The interface language the user chose, if any.
    pub lang: Option<Lang>,
    last_used: Instant,
}

/// Signed-in sessions and failed sign-ins, held in memory: a restart signs everyone out.
#[derive(Default)]
pub struct Sessions {
    by_token: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Compares two secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl Sessions {
    fn start(&self, actor: Actor, lang: Option<Lang>) -> String {
        let token = random_token();
        let mut sessions = self
            .by_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        sessions.retain(|_, session| session.last_used.elapsed() < IDLE_LIMIT);
        sessions.insert(
            token.clone(),
            Session {
                actor,
                csrf: random_token(),
                lang,
                last_used: Instant::now(),
            },
        );
        token
    }

    fn get(&self, token: &str) -> Option<Session> {
        let mut sessions = self
            .by_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match sessions.get_mut(token) {
            Some(session) if session.last_used.elapsed() < IDLE_LIMIT => {
                session.last_used = Instant::now();
                Some(session.clone())
            }
            Some(_) => {
                sessions.remove(token);
                None
            }
            None => None,
        }
    }

    fn set_lang(&self, token: &str, lang: Lang) {
        let mut sessions = self
            .by_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(session) = sessions.get_mut(token) {
            session.lang = Some(lang);
        }
    }

    fn end(&self, token: &str) {
        let mut sessions = self
            .by_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        sessions.remove(token);
    }

    /// How long the next sign-in attempt for `username` must wait.
    fn delay_for(&self, username: &str) -> Duration {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        failures.retain(|_, (_, last)| last.elapsed() < FAILURE_MEMORY);
        match failures.get(&username.to_lowercase()) {
            Some((count, _)) if *count >= FREE_FAILURES => {
                let doublings = (count - FREE_FAILURES).min(5);
                Duration::from_secs(1 << doublings).min(MAX_DELAY)
            }
            _ => Duration::ZERO,
        }
    }

    fn record_failure(&self, username: &str) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let entry = failures
            .entry(username.to_lowercase())
            .or_insert((0, Instant::now()));
        entry.0 += 1;
        entry.1 = Instant::now();
    }

    fn forget_failures(&self, username: &str) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        failures.remove(&username.to_lowercase());
    }
}

/// The value of cookie `name`.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The signed-in session of a request, if any.
pub fn current_session(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    cookie(headers, SESSION_COOKIE).and_then(|token| state.sessions.get(&token))
}

/// The signed-in actor of a request, if any.
pub fn current_actor(state: &AppState, headers: &HeaderMap) -> Option<Actor> {
    current_session(state, headers).map(|session| session.actor)
}

/// The CSRF token of the request's session, if signed in.
pub fn csrf_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    current_session(state, headers).map(|session| session.csrf)
}

/// The language of a page: the user's choice, else the language cookie, else the browser's.
pub fn page_lang(session: Option<&Session>, headers: &HeaderMap) -> Lang {
    session
        .and_then(|session| session.lang)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(|code| parse_lang(&code)))
        .unwrap_or_else(|| {
            negotiate(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|value| value.to_str().ok()),
            )
        })
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    i: I18n,
    csrf: String,
    error: Option<String>,
    username: String,
}

fn login_page(status: StatusCode, lang: Lang, error: Option<&str>, username: String) -> Response {
    let i = I18n::new(lang);
    let csrf = random_token();
    let page = LoginPage {
        i,
        csrf: csrf.clone(),
        error: error.map(|key| i.t(key).to_owned()),
        username,
    };
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            set_cookie(
                &mut response,
                &format!("{LOGIN_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/login"),
            );
            response
        }
        Err(error) => PageError::internal(error).into_response(),
    }
}

/// `?lang=` on the sign-in page.
#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// `GET /login`; `?lang=es` switches the language before signing in.
pub async fn login_form(headers: HeaderMap, Query(query): Query<LangQuery>) -> Response {
    let chosen = query.lang.as_deref().and_then(parse_lang);
    let lang = chosen.unwrap_or_else(|| page_lang(None, &headers));
    let mut response = login_page(StatusCode::OK, lang, None, String::new());
    if let Some(lang) = chosen {
        set_cookie(
            &mut response,
            &format!(
                "{LANG_COOKIE}={}; SameSite=Strict; Path=/; Max-Age=31536000",
                lang.code()
            ),
        );
    }
    response
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /login`
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = page_lang(None, &headers);
    let username = form.username.trim().to_owned();
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&expected, &form.csrf) {
        return login_page(StatusCode::FORBIDDEN, lang, Some("login.expired"), username);
    }
    let delay = state.sessions.delay_for(&username);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match state.app.authenticate(&username, &form.password).await {
        Ok(actor) => {
            state.sessions.forget_failures(&username);
            tracing::info!(user.name = %actor.name, "signed in");
            let chosen = match actor.user_id {
                Some(user_id) => state.app.user_language(user_id).await.ok().flatten(),
                None => None,
            };
            let token = state.sessions.start(actor, chosen);
            let mut response = Redirect::to("/").into_response();
            set_cookie(
                &mut response,
                &format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"),
            );
            set_cookie(
                &mut response,
                &format!("{LOGIN_CSRF_COOKIE}=; HttpOnly; SameSite=Strict; Path=/login; Max-Age=0"),
            );
            response
        }
        Err(AppError::BadCredentials) => {
            state.sessions.record_failure(&username);
            tracing::warn!(user.name = %username, "failed sign-in");
            let key = if state.sessions.delay_for(&username).is_zero() {
                "login.wrong"
            } else {
                "login.throttled"
            };
            login_page(StatusCode::UNAUTHORIZED, lang, Some(key), username)
        }
        Err(error) => PageError::from(error).into_response(),
    }
}

/// A form that only carries the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// The session a signed-in form was posted in, once its CSRF token is checked: without a
/// session the browser goes to sign in, with a wrong token the form is refused.
fn form_session(
    state: &AppState,
    headers: &HeaderMap,
    submitted: &str,
) -> Result<Session, Box<Response>> {
    let Some(session) = current_session(state, headers) else {
        return Err(Box::new(Redirect::to("/login").into_response()));
    };
    if !csrf_ok(&session, submitted) {
        return Err(Box::new(
            PageError::csrf(page_lang(Some(&session), headers)).into_response(),
        ));
    }
    Ok(session)
}

/// Whether `submitted` is the session's CSRF token.
pub fn csrf_ok(session: &Session, submitted: &str) -> bool {
    same_secret(&session.csrf, submitted)
}

/// `POST /logout`
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(response) = form_session(&state, &headers, &form.csrf) {
        return *response;
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.sessions.end(&token);
    }
    let mut response = Redirect::to("/login").into_response();
    set_cookie(
        &mut response,
        &format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    response
}

/// The language switch's fields.
#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /language`: remembers the signed-in user's interface language.
pub async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Response {
    let session = match form_session(&state, &headers, &form.csrf) {
        Ok(session) => session,
        Err(response) => return *response,
    };
    let Some(lang) = parse_lang(&form.lang) else {
        return Redirect::to("/").into_response();
    };
    if let Err(error) = state.app.set_user_language(&session.actor, lang).await {
        return PageError::from(error).into_response();
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.sessions.set_lang(&token, lang);
    }
    // Back to the page the switch was on; only a local path is followed.
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back
    } else {
        "/".to_owned()
    };
    let mut response = Redirect::to(&back).into_response();
    set_cookie(
        &mut response,
        &format!(
            "{LANG_COOKIE}={}; SameSite=Strict; Path=/; Max-Age=31536000",
            lang.code()
        ),
    );
    response
}
