//! API tokens: bearer secrets for scripts and other tools, of which only a SHA-256 is stored.
//!
//! A token's secret is `amp_` followed by 64 hex digits (32 random bytes). It is shown once, when
//! made; the store keeps its SHA-256 and finds a presented token by that hash, so a stolen
//! database lets nobody sign in. Revoked and expired tokens, and tokens of disabled or deleted
//! users, authenticate nobody.
//!
//! A token has scopes ([`Scope`]) that narrow what it may do below its user's rights: the
//! server checks the scope a route needs before the use case checks the user's rights.

use std::collections::{BTreeSet, HashMap};

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

/// What an API token may do. Every scope allows reading; `admin` allows everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Read records, captures, feeds, documents and suggestions (GET requests).
    RecordsRead,
    /// Create, change and delete records, captures and feed subscriptions.
    RecordsWrite,
    /// Process documents and decide suggestions.
    Review,
    /// Download evidence bundles and exports.
    Export,
    /// Everything the token's user may do.
    Admin,
}

impl Scope {
    /// Every scope, in the order they are listed.
    pub const ALL: [Scope; 5] = [
        Scope::RecordsRead,
        Scope::RecordsWrite,
        Scope::Review,
        Scope::Export,
        Scope::Admin,
    ];

    /// The scope's name: `records:read`, `records:write`, `review`, `export`, `admin`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::RecordsRead => "records:read",
            Scope::RecordsWrite => "records:write",
            Scope::Review => "review",
            Scope::Export => "export",
            Scope::Admin => "admin",
        }
    }

    /// The scope of a name, if it is one.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.name() == name)
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The scopes of one token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(BTreeSet<Scope>);

impl Scopes {
    /// These scopes.
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Self {
        Self(scopes.into_iter().collect())
    }

    /// Every right of the token's user (`admin`).
    pub fn full() -> Self {
        Self::new([Scope::Admin])
    }

    /// Parses space- or comma-separated names; an unknown name is an error that lists the
    /// known ones.
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let mut scopes = BTreeSet::new();
        for name in text.split([' ', ',']).filter(|name| !name.is_empty()) {
            let scope = Scope::parse(name).ok_or_else(|| {
                AppError::NotAllowed(format!(
                    "there is no token scope {name:?}; the scopes are {}",
                    Scope::ALL.map(Scope::name).join(", ")
                ))
            })?;
            scopes.insert(scope);
        }
        Ok(Self(scopes))
    }

    /// Whether a request that needs `required` is allowed: `admin` allows everything, any
    /// scope allows reading, and otherwise the scope itself is needed.
    pub fn allows(&self, required: Scope) -> bool {
        self.0.contains(&Scope::Admin)
            || self.0.contains(&required)
            || (required == Scope::RecordsRead && !self.0.is_empty())
    }

    /// The names, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|scope| scope.name()).collect()
    }

    fn stored(&self) -> String {
        self.names().join(" ")
    }

    /// Whether there is no scope at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a new token is for and may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken {
    /// What the token is for.
    pub label: String,
    /// What it may do (at least one scope).
    pub scopes: Scopes,
    /// When it stops working; `None` for never.
    pub expires_at: Option<OffsetDateTime>,
}

/// A token that authenticated: who it acts for and what it may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenActor {
    /// The user the token acts for, as they are now.
    pub actor: Actor,
    /// The token's scopes.
    pub scopes: Scopes,
}

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
    /// What it may do.
    pub scopes: Vec<String>,
    /// When it stops working (never when absent).
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
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
            scopes: row.scopes.split(' ').map(str::to_owned).collect(),
            expires_at: row.expires_at,
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
        let users: Vec<Versioned<User>> = self.list(&Actor::system("accounts")).await?;
        Ok(users.into_iter().map(|user| (user.id, user)).collect())
    }

    /// Makes an API token acting for `username` with every right of that user and no
    /// expiry; only administrators may. Returns the token and its secret, which is shown only
    /// now and never stored. [`App::create_scoped_api_token`] makes narrower ones.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        username: &str,
        label: &str,
    ) -> Result<(ApiTokenInfo, String), AppError> {
        let token = NewToken {
            label: label.to_owned(),
            scopes: Scopes::full(),
            expires_at: None,
        };
        self.create_scoped_api_token(actor, username, &token).await
    }

    /// Makes an API token acting for `username` with the given scopes and expiry; only
    /// administrators may. Returns the token and its secret, shown only now.
    pub async fn create_scoped_api_token(
        &self,
        actor: &Actor,
        username: &str,
        token: &NewToken,
    ) -> Result<(ApiTokenInfo, String), AppError> {
        self.require_admin(actor, "create API tokens")?;
        if token.scopes.is_empty() {
            return Err(AppError::NotAllowed(format!(
                "give the token at least one scope: {}",
                Scope::ALL.map(Scope::name).join(", ")
            )));
        }
        let now = OffsetDateTime::now_utc();
        if token.expires_at.is_some_and(|at| at <= now) {
            return Err(AppError::NotAllowed(
                "the token's expiry is in the past; give a later one".to_owned(),
            ));
        }
        let label = token.label.as_str();
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
            created_at: now,
            last_used_at: None,
            revoked_at: None,
            scopes: token.scopes.stored(),
            expires_at: token.expires_at,
        };
        self.store.create_api_token(&row).await?;
        tracing::info!(token.id = %row.id, user.name = %username, "API token created");
        Ok((ApiTokenInfo::from_row(row, user.body.username), secret))
    }

    /// The actor a bearer secret stands for. Unknown, revoked, expired and malformed secrets,
    /// and tokens of disabled or deleted users, all fail the same way, with
    /// [`AppError::BadCredentials`]. The token's scopes are not considered: the server uses
    /// [`App::authenticate_scoped_token`].
    pub async fn authenticate_token(&self, secret: &str) -> Result<Actor, AppError> {
        Ok(self.authenticate_scoped_token(secret).await?.actor)
    }

    /// The actor a bearer secret stands for and the token's scopes, refused as
    /// [`App::authenticate_token`] says.
    pub async fn authenticate_scoped_token(&self, secret: &str) -> Result<TokenActor, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 128 {
            return Err(AppError::BadCredentials);
        }
        // The hash is the index: the secret itself is never compared or stored.
        let Some(row) = self.store.api_token_by_hash(&token_hash(secret)).await? else {
            return Err(AppError::BadCredentials);
        };
        let now = OffsetDateTime::now_utc();
        if row.revoked_at.is_some() || row.expires_at.is_some_and(|at| at <= now) {
            return Err(AppError::BadCredentials);
        }
        let Some(actor) = self.active_actor(UserId(row.user_id)).await? else {
            return Err(AppError::BadCredentials);
        };
        let scopes = Scopes::parse(&row.scopes).unwrap_or_default();
        if row
            .last_used_at
            .is_none_or(|last| now - last >= TOUCH_INTERVAL)
        {
            self.store.touch_api_token(row.id, now).await?;
        }
        Ok(TokenActor { actor, scopes })
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
