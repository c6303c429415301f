//! API tokens: bearer secrets for scripts and other tools, of which only a SHA-256 is stored.
//!
//! A token's secret is `amp_` followed by 64 hex digits (32 random bytes). It is shown once, when
//! made; the store keeps its SHA-256 and finds a presented token by that hash, so a stolen
//! database lets nobody sign in. Revoked tokens and tokens of disabled or deleted users
//! authenticate nobody.

use std::collections::HashMap;

use amparo_model::UserId;
use amparo_model::records::{Role, User};
use amparo_store::ApiTokenRow;
use rand::RngCore;
use rand::rngs::OsRng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Actor, App, AppError, Versioned};

/// What every token secret starts with, so that a leaked one is easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "amp_";

/// A token's last use is written at most this often, so that a busy script does not turn every
/// read into a write.
const TOUCH_INTERVAL: time::Duration = time::Duration::seconds(60);

/// An API token as shown to administrators: never its secret nor its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiTokenInfo {
    /// The token's id, used to revoke it.
    pub id: Uuid,
    /// The user the token acts for.
    pub user_id: UserId,
    /// That user's sign-in name (empty when the user record is gone).
    pub username: String,
    /// What the token is for.
    pub label: String,
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was last used (to the minute).
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// When it was revoked.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiTokenInfo {
    fn from_row(row: ApiTokenRow, username: String) -> Self {
        Self {
            id: row.id,
            user_id: UserId(row.user_id),
            username,
            label: row.label,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// The stored form of a secret: lowercase hex SHA-256.
fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new secret: the prefix and 32 random bytes in hex.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

impl App {
    fn require_admin(&self, actor: &Actor, action: &str) -> Result<(), AppError> {
        if actor.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                action: action.to_owned(),
            })
        }
    }

    /// Every user, read as the installation itself (tokens are managed by administrators).
    async fn users_by_id(&self) -> Result<HashMap<Uuid, Versioned<User>>, AppError> {
        let users: Vec<Versioned<User>> = self.list(&Actor::cli("amparo")).await?;
        Ok(users.into_iter().map(|user| (user.id, user)).collect())
    }

    /// Makes an API token acting for `username`; only administrators may. Returns the token and
    /// its secret, which is shown only now and never stored.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        username: &str,
        label: &str,
    ) -> Result<(ApiTokenInfo, String), AppError> {
        self.require_admin(actor, "create API tokens")?;
        let user = self
            .users_by_id()
            .await?
            .into_values()
            .find(|user| user.body.username == username)
            .ok_or_else(|| AppError::NotAllowed(format!("there is no user named {username}")))?;
        if user.body.disabled {
            return Err(AppError::NotAllowed(format!(
                "user {username} is disabled; enable the user before making a token"
            )));
        }
        let secret = new_secret();
        let row = ApiTokenRow {
            id: Uuid::now_v7(),
            user_id: user.id,
            token_hash: token_hash(&secret),
            label: label.trim().to_owned(),
            created_at: OffsetDateTime::now_utc(),
            last_used_at: None,
            revoked_at: None,
        };
        self.store.create_api_token(&row).await?;
        tracing::info!(token.id = %row.id, user.name = %username, "API token created");
        Ok((ApiTokenInfo::from_row(row, user.body.username), secret))
    }

    /// The actor a bearer secret stands for. Unknown, revoked and malformed secrets, and tokens
    /// of disabled or deleted users, all fail the same way, with [`AppError::BadCredentials`].
    pub async fn authenticate_token(&self, secret: &str) -> Result<Actor, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 128 {
            return Err(AppError::BadCredentials);
        }
        // The hash is the index: the secret itself is never compared or stored.
        let Some(row) = self.store.api_token_by_hash(&token_hash(secret)).await? else {
            return Err(AppError::BadCredentials);
        };
        if row.revoked_at.is_some() {
            return Err(AppError::BadCredentials);
        }
        let user = match self.get::<User>(&Actor::cli("amparo"), row.user_id).await {
            Ok(user) => user,
            Err(AppError::NotFound { .. }) => return Err(AppError::BadCredentials),
            Err(other) => return Err(other),
        };
        if user.body.disabled {
            return Err(AppError::BadCredentials);
        }
        let now = OffsetDateTime::now_utc();
        if row
            .last_used_at
            .is_none_or(|last| now - last >= TOUCH_INTERVAL)
        {
            self.store.touch_api_token(row.id, now).await?;
        }
        Ok(Actor::user(
            UserId(user.id),
            &user.body.username,
            user.body.role,
        ))
    }

    /// API tokens, revoked ones included, of one user or of everyone; only administrators may.
    pub async fn list_api_tokens(
        &self,
        actor: &Actor,
        username: Option<&str>,
    ) -> Result<Vec<ApiTokenInfo>, AppError> {
        self.require_admin(actor, "list API tokens")?;
        let users = self.users_by_id().await?;
        let user_id = match username {
            Some(name) => Some(
                users
                    .values()
                    .find(|user| user.body.username == name)
                    .map(|user| user.id)
                    .ok_or_else(|| {
                        AppError::NotAllowed(format!("there is no user named {name}"))
                    })?,
            ),
            None => None,
        };
        let rows = self.store.list_api_tokens(user_id).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let username = users
                    .get(&row.user_id)
                    .map(|user| user.body.username.clone())
                    .unwrap_or_default();
                ApiTokenInfo::from_row(row, username)
            })
            .collect())
    }

    /// Revokes a token so that it authenticates nobody from now on; only administrators may.
    /// Revoking a token twice is not an error.
    pub async fn revoke_api_token(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        self.require_admin(actor, "revoke API tokens")?;
        if self
            .store
            .revoke_api_token(id, OffsetDateTime::now_utc())
            .await?
        {
            tracing::info!(token.id = %id, "API token revoked");
            return Ok(());
        }
        let known = self
            .store
            .list_api_tokens(None)
            .await?
            .iter()
            .any(|token| token.id == id);
        if known {
            Ok(())
        } else {
            Err(AppError::NotAllowed(format!(
                "there is no API token {id}; `amparo token list` shows them"
            )))
        }
    }
}
