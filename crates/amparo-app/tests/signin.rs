//! Signing in with a second factor through the use cases (issue 7): enrolment takes effect only
//! when confirmed, codes are accepted within one step of drift and never twice, recovery codes
//! work once, an administrator can remove a lost factor, and disabling a user ends their tokens.
//! Token scopes and expiry are here too.

mod common;

use amparo_app::signin::totp;
use amparo_app::{AppError, NewToken, Scope, Scopes, SignIn};
use amparo_model::records::Role;
use common::TestApp;
use time::OffsetDateTime;

/// RFC 4648 base32 (no padding) back to bytes.
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

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn bad_credentials<T: std::fmt::Debug>(result: Result<T, AppError>) {
    match result {
        Err(AppError::BadCredentials) => {}
        other => panic!("expected bad credentials, got {other:?}"),
    }
}

/// A user `ana` with a confirmed second factor: the password, the secret, the recovery codes
/// and the time step whose code confirmed the enrolment.
async fn enrolled(t: &TestApp) -> (String, Vec<u8>, Vec<String>, i64) {
    let (_, password) = t
        .app
        .create_user(&t.admin, "ana", Role::Lawyer)
        .await
        .unwrap();
    let SignIn::Done(ana) = t.app.sign_in("ana", &password).await.unwrap() else {
        panic!("no second factor yet");
    };
    let enrolment = t.app.begin_totp_enrolment(&ana).await.unwrap();
    assert!(
        enrolment
            .uri
            .starts_with("otpauth://totp/Amparo:ana?secret="),
        "{}",
        enrolment.uri
    );
    let secret = base32_decode(&enrolment.secret_base32);
    assert_eq!(secret.len(), 20);
    // Until confirmed, the password alone still signs in.
    assert!(matches!(
        t.app.sign_in("ana", &password).await.unwrap(),
        SignIn::Done(_)
    ));
    bad_credentials(t.app.confirm_totp(&ana, "000000x").await);
    // The code of the step before: confirming uses it up.
    let confirm_step = totp::step_at(now()) - 1;
    let code = totp::code_for_step(&secret, confirm_step, 6);
    let codes = t.app.confirm_totp(&ana, &code).await.unwrap();
    assert_eq!(codes.len(), 10);
    let status = t.app.second_factor_status(&ana).await.unwrap();
    assert!(status.enabled);
    assert_eq!(status.recovery_codes_left, 10);
    (password, secret, codes, confirm_step)
}

#[tokio::test]
async fn password_alone_does_not_sign_in_once_a_second_factor_is_on() {
    let t = TestApp::new().await;
    let (password, secret, _, confirm_step) = enrolled(&t).await;
    let SignIn::NeedsSecondFactor(pending) = t.app.sign_in("ana", &password).await.unwrap() else {
        panic!("the password step must not sign in");
    };
    bad_credentials(t.app.sign_in("ana", "wrong").await);
    bad_credentials(t.app.finish_sign_in(&pending, "123").await);
    let step = totp::step_at(now());
    // The step used to confirm cannot be used again.
    let used = totp::code_for_step(&secret, confirm_step, 6);
    bad_credentials(t.app.finish_sign_in(&pending, &used).await);
    let current = totp::code_for_step(&secret, step, 6);
    let actor = t.app.finish_sign_in(&pending, &current).await.unwrap();
    assert_eq!(actor.name, "ana");
    // A replay of the same code is refused, and so is an older one.
    bad_credentials(t.app.finish_sign_in(&pending, &current).await);
    // One step ahead (a fast phone clock) is accepted; two are not.
    let too_far = totp::code_for_step(&secret, step + 2, 6);
    bad_credentials(t.app.finish_sign_in(&pending, &too_far).await);
    let ahead = totp::code_for_step(&secret, step + 1, 6);
    t.app.finish_sign_in(&pending, &ahead).await.unwrap();
    bad_credentials(t.app.finish_sign_in(&pending, &current).await);
}

#[tokio::test]
async fn recovery_codes_work_once_each() {
    let t = TestApp::new().await;
    let (password, _, codes, _) = enrolled(&t).await;
    let SignIn::NeedsSecondFactor(pending) = t.app.sign_in("ana", &password).await.unwrap() else {
        panic!("second factor expected");
    };
    // Case, dashes and spaces do not matter.
    let typed = codes[3].to_uppercase().replace('-', " ");
    t.app.finish_sign_in(&pending, &typed).await.unwrap();
    bad_credentials(t.app.finish_sign_in(&pending, &codes[3]).await);
    t.app.finish_sign_in(&pending, &codes[4]).await.unwrap();
    bad_credentials(t.app.finish_sign_in(&pending, "abcd-efgh-jkmn-pqrs").await);
    let ana = t.app.active_actor(pending.user_id).await.unwrap().unwrap();
    assert_eq!(
        t.app
            .second_factor_status(&ana)
            .await
            .unwrap()
            .recovery_codes_left,
        8
    );
}

#[tokio::test]
async fn second_factor_is_turned_off_by_code_or_password_or_an_administrator() {
    let t = TestApp::new().await;
    let (password, secret, _, _) = enrolled(&t).await;
    let ana = t
        .app
        .authenticate("ana", &password)
        .await
        .expect("the password is right");
    assert!(matches!(
        t.app.begin_totp_enrolment(&ana).await,
        Err(AppError::NotAllowed(_))
    ));
    bad_credentials(t.app.disable_totp(&ana, "wrong password").await);
    t.app.disable_totp(&ana, &password).await.unwrap();
    assert!(matches!(
        t.app.sign_in("ana", &password).await.unwrap(),
        SignIn::Done(_)
    ));

    // Enrol again, then lose the phone: an administrator removes the factor.
    let enrolment = t.app.begin_totp_enrolment(&ana).await.unwrap();
    let secret_again = base32_decode(&enrolment.secret_base32);
    assert_ne!(secret_again, secret, "a new enrolment has a new secret");
    t.app
        .confirm_totp(&ana, &totp::code_at(&secret_again, now()))
        .await
        .unwrap();
    match t.app.reset_totp(&ana, "ana").await {
        Err(AppError::Forbidden { .. }) => {}
        other => panic!("a lawyer may not reset factors: {other:?}"),
    }
    assert!(t.app.reset_totp(&t.admin, "ana").await.unwrap());
    assert!(!t.app.reset_totp(&t.admin, "ana").await.unwrap());
    assert!(matches!(
        t.app.sign_in("ana", &password).await.unwrap(),
        SignIn::Done(_)
    ));
}

#[tokio::test]
async fn disabling_a_user_revokes_their_tokens_and_refuses_them_at_once() {
    let t = TestApp::new().await;
    let (_, password) = t
        .app
        .create_user(&t.admin, "leaver", Role::Documenter)
        .await
        .unwrap();
    let (_, secret) = t
        .app
        .create_api_token(&t.admin, "leaver", "script")
        .await
        .unwrap();
    let actor = t.app.authenticate_token(&secret).await.unwrap();
    let user_id = actor.user_id.unwrap();
    assert!(t.app.active_actor(user_id).await.unwrap().is_some());
    assert_eq!(
        t.app
            .set_user_disabled(&t.admin, "leaver", true)
            .await
            .unwrap(),
        1
    );
    assert_eq!(t.app.active_actor(user_id).await.unwrap(), None);
    bad_credentials(t.app.authenticate_token(&secret).await);
    bad_credentials(t.app.sign_in("leaver", &password).await);
    let tokens = t
        .app
        .list_api_tokens(&t.admin, Some("leaver"))
        .await
        .unwrap();
    assert!(tokens[0].revoked_at.is_some(), "revoked, not only refused");
    // Enabling again lets the password work; the token stays revoked.
    t.app
        .set_user_disabled(&t.admin, "leaver", false)
        .await
        .unwrap();
    assert!(t.app.sign_in("leaver", &password).await.is_ok());
    bad_credentials(t.app.authenticate_token(&secret).await);
}

#[tokio::test]
async fn tokens_carry_their_scopes_and_stop_at_their_expiry() {
    let t = TestApp::new().await;
    let scopes = Scopes::parse("records:read,export").unwrap();
    assert!(scopes.allows(Scope::RecordsRead));
    assert!(scopes.allows(Scope::Export));
    assert!(!scopes.allows(Scope::RecordsWrite));
    assert!(!scopes.allows(Scope::Review));
    assert!(Scopes::full().allows(Scope::Review));
    assert!(Scopes::parse("records:delete").is_err());

    let token = |scopes: &str, expires_at| NewToken {
        label: "test".to_owned(),
        scopes: Scopes::parse(scopes).unwrap(),
        expires_at,
    };
    let (info, secret) = t
        .app
        .create_scoped_api_token(&t.admin, "admin", &token("records:read export", None))
        .await
        .unwrap();
    assert_eq!(info.scopes, ["records:read", "export"]);
    let authenticated = t.app.authenticate_scoped_token(&secret).await.unwrap();
    assert_eq!(authenticated.scopes, scopes);

    let past = OffsetDateTime::now_utc() - time::Duration::SECOND;
    assert!(matches!(
        t.app
            .create_scoped_api_token(&t.admin, "admin", &token("review", Some(past)))
            .await,
        Err(AppError::NotAllowed(_))
    ));
    assert!(matches!(
        t.app
            .create_scoped_api_token(&t.admin, "admin", &token("", None))
            .await,
        Err(AppError::NotAllowed(_))
    ));
    let soon = OffsetDateTime::now_utc() + time::Duration::milliseconds(300);
    let (_, short) = t
        .app
        .create_scoped_api_token(&t.admin, "admin", &token("review", Some(soon)))
        .await
        .unwrap();
    t.app.authenticate_token(&short).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    bad_credentials(t.app.authenticate_token(&short).await);
}
