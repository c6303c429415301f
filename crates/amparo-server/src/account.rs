//! The signed-in user's account security page (`/account`): the TOTP second factor (enrol with
//! a QR code drawn here, confirm with a first code, see the recovery codes once, turn it off
//! with a code or the password) and signing out everywhere.

use amparo_app::{AppError, SecondFactorStatus, TotpEnrolment};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageError;
use crate::i18n::I18n;
use crate::pages::{Chrome, SignedIn};
use crate::qr_svg::qr_svg;
use crate::session::{ClientAddress, CsrfForm, csrf_ok, signed_out, wait_seconds};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    i: I18n,
    c: Chrome,
    status: SecondFactorStatus,
    recovery_left: String,
    enrolment: Option<TotpEnrolment>,
    qr: String,
    recovery_codes: Vec<String>,
    error: Option<String>,
}

/// Renders the account page with `status` as the answer's status.
async fn account_page(
    state: &AppState,
    page: &SignedIn,
    status_code: StatusCode,
    recovery_codes: Vec<String>,
    error: Option<String>,
) -> Response {
    let built = async {
        let status = state.app.second_factor_status(page.actor()).await?;
        let enrolment = state.app.pending_totp_enrolment(page.actor()).await?;
        Ok::<_, AppError>((status, enrolment))
    };
    let (status, enrolment) = match built.await {
        Ok(found) => found,
        Err(error) => return page.error(error),
    };
    let qr = enrolment
        .as_ref()
        .and_then(|enrolment| qr_svg(&enrolment.uri, page.i.t("account.qr_label"), 240))
        .unwrap_or_default();
    let recovery_left = page.i.tf(
        "account.recovery_left",
        &[("count", &status.recovery_codes_left)],
    );
    let template = AccountPage {
        i: page.i,
        c: page.chrome("account"),
        status,
        recovery_left,
        enrolment,
        qr,
        recovery_codes,
        error,
    };
    match template.render() {
        Ok(html) => (status_code, Html(html)).into_response(),
        Err(error) => PageError::internal(error).into_response(),
    }
}

/// `GET /account`
pub async fn account(State(state): State<AppState>, page: SignedIn) -> Response {
    account_page(&state, &page, StatusCode::OK, Vec::new(), None).await
}

fn csrf_refused(page: &SignedIn) -> Response {
    PageError::csrf(page.i.lang).into_response()
}

/// `POST /account/totp/start`: a new secret, shown as a QR code until a code confirms it.
pub async fn start_totp(
    State(state): State<AppState>,
    page: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&page.session, &form.csrf) {
        return csrf_refused(&page);
    }
    match state.app.begin_totp_enrolment(page.actor()).await {
        Ok(_) => Redirect::to("/account").into_response(),
        Err(error) => page.error(error),
    }
}

/// A form with a code (or a password) and the CSRF token.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

/// Checks the CSRF token and the attempt limits of a code form; `Err` is the answer to give.
async fn check_code_form(
    state: &AppState,
    page: &SignedIn,
    address: ClientAddress,
    csrf: &str,
) -> Result<(), Response> {
    if !csrf_ok(&page.session, csrf) {
        return Err(csrf_refused(page));
    }
    let wait = state.sessions.wait_for(Some(&page.actor().name), address.0);
    if wait.is_zero() {
        return Ok(());
    }
    let error = page
        .i
        .tf("login.too_many", &[("seconds", &wait_seconds(wait))]);
    Err(account_page(
        state,
        page,
        StatusCode::TOO_MANY_REQUESTS,
        Vec::new(),
        Some(error),
    )
    .await)
}

/// `POST /account/totp/confirm`: a first code turns the second factor on; the recovery codes
/// are shown in the answer, once.
pub async fn confirm_totp(
    State(state): State<AppState>,
    address: ClientAddress,
    page: SignedIn,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Err(response) = check_code_form(&state, &page, address, &form.csrf).await {
        return response;
    }
    match state.app.confirm_totp(page.actor(), &form.code).await {
        Ok(codes) => account_page(&state, &page, StatusCode::OK, codes, None).await,
        Err(AppError::BadCredentials) => {
            state
                .sessions
                .record_failure(Some(&page.actor().name), address.0);
            let error = page.i.t("account.wrong_code").to_owned();
            account_page(
                &state,
                &page,
                StatusCode::UNAUTHORIZED,
                Vec::new(),
                Some(error),
            )
            .await
        }
        Err(error) => page.error(error),
    }
}

/// `POST /account/totp/disable`: a current code or the password turns the second factor off.
pub async fn disable_totp(
    State(state): State<AppState>,
    address: ClientAddress,
    page: SignedIn,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Err(response) = check_code_form(&state, &page, address, &form.csrf).await {
        return response;
    }
    match state.app.disable_totp(page.actor(), &form.code).await {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(AppError::BadCredentials) => {
            state
                .sessions
                .record_failure(Some(&page.actor().name), address.0);
            let error = page.i.t("account.wrong_code_or_password").to_owned();
            account_page(
                &state,
                &page,
                StatusCode::UNAUTHORIZED,
                Vec::new(),
                Some(error),
            )
            .await
        }
        Err(error) => page.error(error),
    }
}

/// `POST /account/sign-out-everywhere`: ends every session of the user, this one included.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    page: SignedIn,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&page.session, &form.csrf) {
        return csrf_refused(&page);
    }
    if let Some(user_id) = page.actor().user_id {
        let ended = state.sessions.end_user(user_id);
        tracing::info!(user.name = %page.actor().name, sessions.ended = ended, "signed out everywhere");
    }
    signed_out()
}
