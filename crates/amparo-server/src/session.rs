//! Sign-in: server-side sessions in HttpOnly, SameSite=Strict cookies.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use amparo_app::{Actor, AppError};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use rand::RngCore;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageError;

const COOKIE: &str = "amparo_session";
/// A session ends after this long without use.
const IDLE_LIMIT: Duration = Duration::from_secs(8 * 3600);

/// Signed-in sessions, held in memory: a restart signs everyone out.
#[derive(Default)]
pub struct Sessions {
    by_token: Mutex<HashMap<String, (Actor, Instant)>>,
}

impl Sessions {
    fn start(&self, actor: Actor) -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let mut sessions = self
            .by_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        sessions.retain(|_, (_, last_used)| last_used.elapsed() < IDLE_LIMIT);
        sessions.insert(token.clone(), (actor, Instant::now()));
        token
    }

    fn actor(&self, token: &str) -> Option<Actor> {
        let mut sessions = self
            .by_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match sessions.get_mut(token) {
            Some((actor, last_used)) if last_used.elapsed() < IDLE_LIMIT => {
                *last_used = Instant::now();
                Some(actor.clone())
            }
            Some(_) => {
                sessions.remove(token);
                None
            }
            None => None,
        }
    }

    fn end(&self, token: &str) {
        let mut sessions = self
            .by_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        sessions.remove(token);
    }
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The signed-in actor of a request, if any.
pub fn current_actor(state: &AppState, headers: &HeaderMap) -> Option<Actor> {
    session_token(headers).and_then(|token| state.sessions.actor(&token))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    username: String,
}

fn login_page(status: StatusCode, error: Option<String>, username: String) -> Response {
    match (LoginPage { error, username }).render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => PageError::internal(error).into_response(),
    }
}

/// `GET /login`
pub async fn login_form() -> Response {
    login_page(StatusCode::OK, None, String::new())
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// `POST /login`
pub async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    let username = form.username.trim().to_owned();
    match state.app.authenticate(&username, &form.password).await {
        Ok(actor) => {
            tracing::info!(user.name = %actor.name, "signed in");
            let token = state.sessions.start(actor);
            let cookie = format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
            let mut response = Redirect::to("/").into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(AppError::BadCredentials) => {
            tracing::warn!(user.name = %username, "failed sign-in");
            // Slow down repeated guessing.
            tokio::time::sleep(Duration::from_millis(500)).await;
            login_page(
                StatusCode::UNAUTHORIZED,
                Some("Wrong user name or password. Check both and try again.".to_owned()),
                username,
            )
        }
        Err(error) => PageError::from(error).into_response(),
    }
}

/// `POST /logout`
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers) {
        state.sessions.end(&token);
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("amparo_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    response
}
