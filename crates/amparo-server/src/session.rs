//! Sign-in and sessions: server-side sessions in HttpOnly, SameSite=Strict cookies, a CSRF token
//! per session checked on every form, sign-in in two steps when the user has a second factor,
//! limits on failed attempts per account and per client address, and the page language (the
//! user's choice, else a cookie, else `Accept-Language`).
//!
//! A session ends after [`IDLE_LIMIT`] without use and [`ABSOLUTE_LIMIT`] after sign-in,
//! whichever comes first. Every request asks `amparo-app` who the session's user is now, so a
//! disabled or deleted user's sessions end at their next request, wherever the disabling was
//! done (a page, the API or `amparo user disable`). Sign-in always issues a new random session
//! id and discards whatever session, sign-in form and pending second step the browser had.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use amparo_app::{Actor, AppError, PendingSignIn, SignIn};
use amparo_model::{Lang, UserId};
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
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
const PENDING_COOKIE: &str = "amparo_pending";
const LANG_COOKIE: &str = "amparo_lang";
/// A session ends after this long without use.
pub const IDLE_LIMIT: Duration = Duration::from_secs(8 * 3600);
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_LIMIT: Duration = Duration::from_secs(12 * 3600);
/// How long the second step of a sign-in waits for its code.
const PENDING_LIMIT: Duration = Duration::from_secs(5 * 60);
/// Failures are forgotten after this long without another.
const FAILURE_MEMORY: Duration = Duration::from_secs(30 * 60);

/// How many failures a key may have before attempts must wait, and the longest wait.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// Failures allowed without waiting.
    pub free: u32,
    /// The longest wait; each failure beyond `free` doubles it up to this.
    pub longest: Duration,
}

/// Failed sign-ins (passwords and codes) for one account name.
pub const ACCOUNT_LIMIT: Limit = Limit {
    free: 5,
    longest: Duration::from_secs(5 * 60),
};
/// Failed sign-ins and unknown API tokens from one client address (an IPv6 /64).
pub const ADDRESS_LIMIT: Limit = Limit {
    free: 20,
    longest: Duration::from_secs(15 * 60),
};

/// A signed-in session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Who is signed in, as they are now.
    pub actor: Actor,
    /// The token every form of this session must carry.
    pub csrf: String,
    /// The interface language the user chose, if any.
    pub lang: Option<Lang>,
    started: Instant,
    last_used: Instant,
}

impl Session {
    fn live(&self) -> bool {
        self.live_at(Instant::now())
    }

    fn live_at(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_used) < IDLE_LIMIT
            && now.saturating_duration_since(self.started) < ABSOLUTE_LIMIT
    }
}

/// A sign-in whose password was right, waiting for its second factor.
#[derive(Clone, Debug)]
struct Pending {
    sign_in: PendingSignIn,
    csrf: String,
    started: Instant,
}

/// Failures per key (`account:<name>`, `address:<ip>`), with the time of the last one.
#[derive(Default)]
struct Limiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Limiter {
    /// How long the next attempt under `key` must wait.
    fn wait(&self, key: &str, limit: Limit) -> Duration {
        let mut failures = lock(&self.failures);
        failures.retain(|_, (_, last)| last.elapsed() < FAILURE_MEMORY);
        let Some((count, last)) = failures.get(key) else {
            return Duration::ZERO;
        };
        if *count < limit.free {
            return Duration::ZERO;
        }
        let doublings = (count - limit.free).min(20);
        let backoff = Duration::from_secs(1 << doublings).min(limit.longest);
        backoff.saturating_sub(last.elapsed())
    }

    fn fail(&self, key: &str) {
        let mut failures = lock(&self.failures);
        let entry = failures
            .entry(key.to_owned())
            .or_insert((0, Instant::now()));
        entry.0 += 1;
        entry.1 = Instant::now();
    }

    fn forget(&self, key: &str) {
        lock(&self.failures).remove(key);
    }
}

/// Signed-in sessions, pending second steps and failed attempts, held in memory: a restart
/// signs everyone out.
#[derive(Default)]
pub struct Sessions {
    by_token: Mutex<HashMap<String, Session>>,
    pending: Mutex<HashMap<String, Pending>>,
    limiter: Limiter,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
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

fn account_key(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

/// The limiter's key of a client address: the address, or its /64 for IPv6, where one
/// subscriber commonly holds a whole /64. A router served without connection information
/// (embedded, or driven by tests) knows no address, and then only accounts are limited.
fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => format!("address:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("address:{v4}"),
            None => {
                let s = v6.segments();
                format!("address:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

impl Sessions {
    fn start(&self, actor: Actor, lang: Option<Lang>) -> String {
        let token = random_token();
        let mut sessions = lock(&self.by_token);
        sessions.retain(|_, session| session.live());
        let now = Instant::now();
        sessions.insert(
            token.clone(),
            Session {
                actor,
                csrf: random_token(),
                lang,
                started: now,
                last_used: now,
            },
        );
        token
    }

    fn get(&self, token: &str) -> Option<Session> {
        let mut sessions = lock(&self.by_token);
        match sessions.get_mut(token) {
            Some(session) if session.live() => {
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

    fn refresh_actor(&self, token: &str, actor: &Actor) {
        if let Some(session) = lock(&self.by_token).get_mut(token) {
            session.actor = actor.clone();
        }
    }

    fn set_lang(&self, token: &str, lang: Lang) {
        if let Some(session) = lock(&self.by_token).get_mut(token) {
            session.lang = Some(lang);
        }
    }

    fn end(&self, token: &str) {
        lock(&self.by_token).remove(token);
    }

    /// Ends every session of a user; returns how many there were.
    pub fn end_user(&self, user_id: UserId) -> usize {
        let mut sessions = lock(&self.by_token);
        let before = sessions.len();
        sessions.retain(|_, session| session.actor.user_id != Some(user_id));
        before - sessions.len()
    }

    fn start_pending(&self, sign_in: PendingSignIn) -> (String, String) {
        let (ticket, csrf) = (random_token(), random_token());
        let mut pending = lock(&self.pending);
        pending.retain(|_, entry| entry.started.elapsed() < PENDING_LIMIT);
        pending.insert(
            ticket.clone(),
            Pending {
                sign_in,
                csrf: csrf.clone(),
                started: Instant::now(),
            },
        );
        (ticket, csrf)
    }

    fn pending(&self, ticket: &str) -> Option<Pending> {
        let mut pending = lock(&self.pending);
        match pending.get(ticket) {
            Some(entry) if entry.started.elapsed() < PENDING_LIMIT => Some(entry.clone()),
            Some(_) => {
                pending.remove(ticket);
                None
            }
            None => None,
        }
    }

    fn end_pending(&self, ticket: &str) {
        lock(&self.pending).remove(ticket);
    }

    /// How long a sign-in attempt for `username` (if known) from `address` must wait.
    pub fn wait_for(&self, username: Option<&str>, address: Option<IpAddr>) -> Duration {
        let by_address = address
            .map(|address| self.limiter.wait(&address_key(address), ADDRESS_LIMIT))
            .unwrap_or_default();
        let by_account = username
            .map(|name| self.limiter.wait(&account_key(name), ACCOUNT_LIMIT))
            .unwrap_or_default();
        by_address.max(by_account)
    }

    /// Counts a failed attempt against the account (if known) and the address.
    pub fn record_failure(&self, username: Option<&str>, address: Option<IpAddr>) {
        if let Some(address) = address {
            self.limiter.fail(&address_key(address));
        }
        if let Some(name) = username {
            self.limiter.fail(&account_key(name));
        }
    }

    fn forget_account(&self, username: &str) {
        self.limiter.forget(&account_key(username));
    }
}

/// The client's address: the connection's (`axum::serve` with connect info), or, when that is
/// one of `server.trusted_proxies`, the last address in `X-Forwarded-For` that is not a trusted
/// proxy. `None` when the server was started without connect info (tests driving the router).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    /// The client address of a request's parts.
    pub fn of(parts: &Parts, trusted_proxies: &[IpAddr]) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Self(peer.map(|peer| client_behind(peer, &parts.headers, trusted_proxies)))
    }
}

/// The client behind a chain of trusted proxies: `X-Forwarded-For` is read from the right, and
/// the first address that is not a trusted proxy is the client's. A header from an untrusted
/// peer is ignored, since anyone can write one.
fn client_behind(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|part| part.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    forwarded
        .into_iter()
        .rev()
        .find(|address| !trusted_proxies.contains(address))
        .unwrap_or(peer)
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Self::of(
            parts,
            &state.app.settings().server.trusted_proxies,
        ))
    }
}

/// Whole seconds to wait, at least 1.
pub fn wait_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
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

/// The signed-in session of a request, if any, with its user as they are now: a session whose
/// user was disabled or deleted is ended here.
pub async fn current_session(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    let token = cookie(headers, SESSION_COOKIE)?;
    let mut session = state.sessions.get(&token)?;
    let user_id = session.actor.user_id?;
    match state.app.active_actor(user_id).await {
        Ok(Some(actor)) => {
            if actor != session.actor {
                state.sessions.refresh_actor(&token, &actor);
                session.actor = actor;
            }
            Some(session)
        }
        Ok(None) => {
            state.sessions.end(&token);
            tracing::info!(user.name = %session.actor.name, "session of a disabled or deleted user ended");
            None
        }
        Err(error) => {
            tracing::error!(error = %error, "could not check a session's user");
            None
        }
    }
}

/// The session a request's cookie names, without checking its user: only for choosing the
/// language of a page that needs no sign-in (such as "not found"), never for access.
pub fn peek_session(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    cookie(headers, SESSION_COOKIE).and_then(|token| state.sessions.get(&token))
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

fn clear_cookie(response: &mut Response, name: &str, path: &str) {
    set_cookie(
        response,
        &format!("{name}=; HttpOnly; SameSite=Strict; Path={path}; Max-Age=0"),
    );
}

fn too_many(mut response: Response, wait: Duration) -> Response {
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(value) = HeaderValue::from_str(&wait_seconds(wait).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn too_many_message(i: I18n, wait: Duration) -> String {
    i.tf("login.too_many", &[("seconds", &wait_seconds(wait))])
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    i: I18n,
    csrf: String,
    error: Option<String>,
    username: String,
}

fn login_page(status: StatusCode, lang: Lang, error: Option<String>, username: String) -> Response {
    let i = I18n::new(lang);
    let csrf = random_token();
    let page = LoginPage {
        i,
        csrf: csrf.clone(),
        error,
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

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    i: I18n,
    csrf: String,
    error: Option<String>,
}

fn code_page(status: StatusCode, lang: Lang, csrf: String, error: Option<String>) -> Response {
    let page = CodePage {
        i: I18n::new(lang),
        csrf,
        error,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
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

/// `POST /login`: the password step. Without a second factor it signs in; with one it sends
/// the browser to the code step, and nothing is signed in yet.
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = page_lang(None, &headers);
    let i = I18n::new(lang);
    let username = form.username.trim().to_owned();
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&expected, &form.csrf) {
        let error = i.t("login.expired").to_owned();
        return login_page(StatusCode::FORBIDDEN, lang, Some(error), username);
    }
    let wait = state.sessions.wait_for(Some(&username), address);
    if !wait.is_zero() {
        tracing::warn!(user.name = %username, client.address = ?address, "sign-in refused: too many attempts");
        let page = login_page(
            StatusCode::OK,
            lang,
            Some(too_many_message(i, wait)),
            username,
        );
        return too_many(page, wait);
    }
    match state.app.sign_in(&username, &form.password).await {
        Ok(SignIn::Done(actor)) => {
            state.sessions.forget_account(&username);
            signed_in(&state, &headers, actor).await
        }
        Ok(SignIn::NeedsSecondFactor(pending)) => {
            tracing::info!(user.name = %pending.username, "password accepted; asking for the second factor");
            let (ticket, csrf) = state.sessions.start_pending(pending);
            let mut response = code_page(StatusCode::OK, lang, csrf, None);
            set_cookie(
                &mut response,
                &format!("{PENDING_COOKIE}={ticket}; HttpOnly; SameSite=Strict; Path=/login"),
            );
            clear_cookie(&mut response, LOGIN_CSRF_COOKIE, "/login");
            response
        }
        Err(AppError::BadCredentials) => {
            state.sessions.record_failure(Some(&username), address);
            tracing::warn!(user.name = %username, client.address = ?address, "failed sign-in");
            let wait = state.sessions.wait_for(Some(&username), address);
            if wait.is_zero() {
                let error = i.t("login.wrong").to_owned();
                login_page(StatusCode::UNAUTHORIZED, lang, Some(error), username)
            } else {
                let error = too_many_message(i, wait);
                too_many(
                    login_page(StatusCode::OK, lang, Some(error), username),
                    wait,
                )
            }
        }
        Err(error) => PageError::from(error).into_response(),
    }
}

/// Starts a session for `actor` under a new id, ends the session the browser had (if any)
/// and clears the sign-in cookies.
async fn signed_in(state: &AppState, headers: &HeaderMap, actor: Actor) -> Response {
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        state.sessions.end(&old);
    }
    if let Some(ticket) = cookie(headers, PENDING_COOKIE) {
        state.sessions.end_pending(&ticket);
    }
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
    clear_cookie(&mut response, LOGIN_CSRF_COOKIE, "/login");
    clear_cookie(&mut response, PENDING_COOKIE, "/login");
    response
}

/// `GET /login/code`: the code step again (after a reload), or back to the password step.
pub async fn code_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = page_lang(None, &headers);
    match cookie(&headers, PENDING_COOKIE).and_then(|ticket| state.sessions.pending(&ticket)) {
        Some(pending) => code_page(StatusCode::OK, lang, pending.csrf, None),
        None => Redirect::to("/login").into_response(),
    }
}

/// The code step's fields.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /login/code`: the second factor's code (or a recovery code) finishes the sign-in.
pub async fn login_code(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let lang = page_lang(None, &headers);
    let i = I18n::new(lang);
    let ticket = cookie(&headers, PENDING_COOKIE).unwrap_or_default();
    let Some(pending) = state.sessions.pending(&ticket) else {
        let error = i.t("login.expired").to_owned();
        return login_page(StatusCode::FORBIDDEN, lang, Some(error), String::new());
    };
    if !same_secret(&pending.csrf, &form.csrf) {
        return PageError::csrf(lang).into_response();
    }
    let username = pending.sign_in.username.clone();
    let wait = state.sessions.wait_for(Some(&username), address);
    if !wait.is_zero() {
        let page = code_page(
            StatusCode::OK,
            lang,
            pending.csrf,
            Some(too_many_message(i, wait)),
        );
        return too_many(page, wait);
    }
    match state.app.finish_sign_in(&pending.sign_in, &form.code).await {
        Ok(actor) => {
            state.sessions.forget_account(&username);
            signed_in(&state, &headers, actor).await
        }
        Err(AppError::BadCredentials) => {
            state.sessions.record_failure(Some(&username), address);
            tracing::warn!(user.name = %username, client.address = ?address, "wrong second-factor code");
            let wait = state.sessions.wait_for(Some(&username), address);
            if wait.is_zero() {
                let error = i.t("login.wrong_code").to_owned();
                code_page(StatusCode::UNAUTHORIZED, lang, pending.csrf, Some(error))
            } else {
                let error = too_many_message(i, wait);
                too_many(
                    code_page(StatusCode::OK, lang, pending.csrf, Some(error)),
                    wait,
                )
            }
        }
        Err(error) => PageError::from(error).into_response(),
    }
}

/// A form that only carries the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub(crate) csrf: String,
}

/// The session a signed-in form was posted in, once its CSRF token is checked: without a
/// session the browser goes to sign in, with a wrong token the form is refused.
pub async fn form_session(
    state: &AppState,
    headers: &HeaderMap,
    submitted: &str,
) -> Result<Session, Box<Response>> {
    let Some(session) = current_session(state, headers).await else {
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

/// A response that sends the browser to sign in and forgets its session cookie.
pub fn signed_out() -> Response {
    let mut response = Redirect::to("/login").into_response();
    clear_cookie(&mut response, SESSION_COOKIE, "/");
    response
}

/// `POST /logout`
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(response) = form_session(&state, &headers, &form.csrf).await {
        return *response;
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.sessions.end(&token);
    }
    signed_out()
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
    let session = match form_session(&state, &headers, &form.csrf).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_when_idle_and_at_their_absolute_limit() {
        let start = Instant::now();
        let minute = Duration::from_secs(60);
        let mut session = Session {
            actor: Actor::cli("tester"),
            csrf: String::new(),
            lang: None,
            started: start,
            last_used: start,
        };
        assert!(session.live_at(start + minute));
        assert!(!session.live_at(start + IDLE_LIMIT + minute));
        // Busy all along, but signed in too long ago.
        session.last_used = start + ABSOLUTE_LIMIT;
        assert!(session.live_at(start + ABSOLUTE_LIMIT - minute));
        assert!(!session.live_at(start + ABSOLUTE_LIMIT + minute));
    }

    #[test]
    fn waits_start_after_the_free_failures_and_double_up_to_the_limit() {
        let limiter = Limiter::default();
        let limit = Limit {
            free: 2,
            longest: Duration::from_secs(4),
        };
        for _ in 0..2 {
            assert_eq!(limiter.wait("k", limit), Duration::ZERO);
            limiter.fail("k");
        }
        let first = limiter.wait("k", limit);
        assert!(first > Duration::from_millis(900) && first <= Duration::from_secs(1));
        limiter.fail("k");
        assert!(limiter.wait("k", limit) > Duration::from_millis(1900));
        for _ in 0..10 {
            limiter.fail("k");
        }
        assert!(limiter.wait("k", limit) <= Duration::from_secs(4));
        assert_eq!(limiter.wait("other", limit), Duration::ZERO);
        limiter.forget("k");
        assert_eq!(limiter.wait("k", limit), Duration::ZERO);
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.5".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.1, 203.0.113.5, 10.0.0.1"),
        );
        assert_eq!(client_behind(proxy, &headers, &[proxy]), client);
        assert_eq!(
            client_behind(client, &headers, &[proxy]),
            client,
            "not a proxy"
        );
        assert_eq!(
            client_behind(proxy, &headers, &[]),
            proxy,
            "nothing trusted"
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(client_behind(proxy, &headers, &[proxy]), proxy);
    }

    #[test]
    fn ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(address_key(mapped), "address:192.0.2.1");
    }
}
