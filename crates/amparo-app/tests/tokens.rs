//! API tokens through the use cases: made once and shown once, stored only hashed, refused when
//! revoked or when their user is disabled, and managed by administrators only.

mod common;

use amparo_app::{AppError, TOKEN_PREFIX};
use amparo_model::records::{Role, User};
use common::TestApp;
use sha2::{Digest, Sha256};

fn assert_bad_credentials(result: Result<amparo_app::Actor, AppError>) {
    match result {
        Err(AppError::BadCredentials) => {}
        other => panic!("expected bad credentials, got {other:?}"),
    }
}

fn assert_forbidden<T: std::fmt::Debug>(result: Result<T, AppError>) {
    match result {
        Err(error @ AppError::Forbidden { .. }) => assert_eq!(error.code(), "forbidden"),
        other => panic!("expected forbidden, got {other:?}"),
    }
}

#[tokio::test]
async fn token_authenticates_as_its_user_and_records_its_use() {
    let t = TestApp::new().await;
    t.app
        .create_user(&t.admin, "lawyer1", Role::Lawyer)
        .await
        .expect("create user");
    let (info, secret) = t
        .app
        .create_api_token(&t.admin, "lawyer1", " court filings ")
        .await
        .expect("create token");
    assert!(secret.starts_with(TOKEN_PREFIX), "{secret}");
    assert_eq!(secret.len(), TOKEN_PREFIX.len() + 64);
    assert_eq!(info.username, "lawyer1");
    assert_eq!(info.label, "court filings");
    assert_eq!(info.last_used_at, None);

    let actor = t
        .app
        .authenticate_token(&secret)
        .await
        .expect("token works");
    assert_eq!(actor.name, "lawyer1");
    assert_eq!(actor.role, Role::Lawyer);
    assert_eq!(actor.user_id, Some(info.user_id));

    let listed = t.app.list_api_tokens(&t.admin, None).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, info.id);
    assert!(listed[0].last_used_at.is_some(), "use is recorded");
    let mine = t
        .app
        .list_api_tokens(&t.admin, Some("lawyer1"))
        .await
        .expect("list one user's");
    assert_eq!(mine.len(), 1);
}

#[tokio::test]
async fn wrong_and_malformed_secrets_are_refused_alike() {
    let t = TestApp::new().await;
    t.app
        .create_api_token(&t.admin, "admin", "")
        .await
        .expect("create token");
    for secret in [
        "",
        "amp_",
        "amp_0000000000000000000000000000000000000000000000000000000000000000",
        "Bearer amp_",
        &"amp_x".repeat(100),
    ] {
        assert_bad_credentials(t.app.authenticate_token(secret).await);
    }
}

#[tokio::test]
async fn only_the_hash_of_a_secret_is_stored() {
    let t = TestApp::new().await;
    let (_, secret) = t
        .app
        .create_api_token(&t.admin, "admin", "backup script")
        .await
        .expect("create token");
    let hash = hex::encode(Sha256::digest(secret.as_bytes()));
    let mut found_hash = false;
    for entry in std::fs::read_dir(t.data_dir()).expect("data dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let bytes = std::fs::read(&path).expect("read");
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(&secret[TOKEN_PREFIX.len()..]),
                "{} holds the secret",
                path.display()
            );
            found_hash |= text.contains(&hash);
        }
    }
    assert!(found_hash, "the hash is stored in the database");
}

#[tokio::test]
async fn revoked_token_is_refused_and_revoking_twice_is_fine() {
    let t = TestApp::new().await;
    let (info, secret) = t
        .app
        .create_api_token(&t.admin, "admin", "")
        .await
        .expect("create token");
    t.app
        .revoke_api_token(&t.admin, info.id)
        .await
        .expect("revoke");
    assert_bad_credentials(t.app.authenticate_token(&secret).await);
    t.app
        .revoke_api_token(&t.admin, info.id)
        .await
        .expect("revoking again is not an error");
    let listed = t.app.list_api_tokens(&t.admin, None).await.expect("list");
    assert!(listed[0].revoked_at.is_some());
    match t.app.revoke_api_token(&t.admin, uuid::Uuid::now_v7()).await {
        Err(AppError::NotAllowed(message)) => assert!(message.contains("no API token")),
        other => panic!("unknown token: {other:?}"),
    }
}

#[tokio::test]
async fn token_of_a_disabled_user_is_refused() {
    let t = TestApp::new().await;
    let (user, _) = t
        .app
        .create_user(&t.admin, "leaver", Role::Documenter)
        .await
        .expect("create user");
    let (_, secret) = t
        .app
        .create_api_token(&t.admin, "leaver", "")
        .await
        .expect("create token");
    t.app
        .authenticate_token(&secret)
        .await
        .expect("works first");
    t.app
        .update(
            &t.admin,
            user.id,
            user.version,
            User {
                disabled: true,
                ..user.body.clone()
            },
        )
        .await
        .expect("disable user");
    assert_bad_credentials(t.app.authenticate_token(&secret).await);
}

#[tokio::test]
async fn only_administrators_manage_tokens() {
    let t = TestApp::new().await;
    let viewer = t.viewer().await;
    assert_forbidden(t.app.create_api_token(&viewer, "viewer", "").await);
    assert_forbidden(t.app.list_api_tokens(&viewer, None).await);
    let (info, _) = t
        .app
        .create_api_token(&t.admin, "viewer", "")
        .await
        .expect("admin makes a viewer's token");
    assert_forbidden(t.app.revoke_api_token(&viewer, info.id).await);
    match t.app.create_api_token(&t.admin, "nobody", "").await {
        Err(AppError::NotAllowed(message)) => assert!(message.contains("nobody")),
        other => panic!("unknown user: {other:?}"),
    }
}
