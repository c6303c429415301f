//! Signing in with a second factor (issue 7): a TOTP secret each user may enrol, confirmed by a
//! first code, with ten single-use recovery codes; sign-in in two steps when it is on; turning
//! it off (by the user, with a code or the password; by an administrator, `amparo user
//! totp-reset`), and disabling a user.
//!
//! The secret is kept by the store (`Store::save_second_factor`, table `second_factors`), apart
//! from the versioned records, so that the encryption at rest can seal it there. Recovery codes
//! are kept as SHA-256 only: each has about 79 random bits, too many to guess from the hash.

pub mod totp;

use amparo_model::UserId;
use amparo_model::records::User;
use amparo_store::SecondFactorRow;
use rand::Rng;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::{Actor, App, AppError, Versioned};

/// How many recovery codes a confirmed enrolment hands out.
pub const RECOVERY_CODES: usize = 10;

/// The issuer shown by authenticator apps.
const ISSUER: &str = "Amparo";

/// Letters and digits of a recovery code, without look-alikes (no i, l, o, 0, 1).
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// What a correct password leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignIn {
    /// Signed in: the user has no second factor.
    Done(Actor),
    /// The password was right and a code from the second factor is needed now; nothing is
    /// signed in yet.
    NeedsSecondFactor(PendingSignIn),
}

/// A sign-in waiting for its second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSignIn {
    /// The user whose password was right.
    pub user_id: UserId,
    /// Their sign-in name.
    pub username: String,
}

/// A user's second factor, as their account page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondFactorStatus {
    /// Whether a confirmed second factor is asked for at sign-in.
    pub enabled: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: u32,
}

/// A started enrolment: what the authenticator app needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotpEnrolment {
    /// The secret in base32, for typing in by hand.
    pub secret_base32: String,
    /// The `otpauth://` URI, for the QR code.
    pub uri: String,
}

fn new_recovery_code() -> String {
    let mut rng = OsRng;
    let letters: Vec<char> = (0..16)
        .map(|_| char::from(RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())]))
        .collect();
    letters
        .chunks(4)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The stored form of a recovery code: SHA-256 of its letters, lowercased, without dashes
/// and spaces.
fn recovery_hash(code: &str) -> String {
    let letters: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(letters.as_bytes()))
}

fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn self_service_user(actor: &Actor) -> Result<UserId, AppError> {
    actor.user_id.ok_or_else(|| AppError::Forbidden {
        action: "manage a second factor without signing in as a user".to_owned(),
    })
}

impl App {
    /// Checks a user name and password. With a second factor enrolled, nothing is signed in
    /// yet: [`App::finish_sign_in`] must accept a code first.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<SignIn, AppError> {
        let actor = match self.authenticate(username, password).await {
            Ok(actor) => actor,
            Err(AppError::BadCredentials) => {
                self.audit(
                    "anonymous",
                    "sign-in-failed",
                    username,
                    serde_json::json!({"step": "password"}),
                )
                .await?;
                return Err(AppError::BadCredentials);
            }
            Err(error) => return Err(error),
        };
        let Some(user_id) = actor.user_id else {
            return Ok(SignIn::Done(actor));
        };
        match self.store.second_factor(user_id.0).await? {
            Some(row) if row.confirmed_at.is_some() => {
                Ok(SignIn::NeedsSecondFactor(PendingSignIn {
                    user_id,
                    username: actor.name,
                }))
            }
            _ => {
                self.audit(
                    &actor.label(),
                    "sign-in",
                    &actor.name,
                    serde_json::json!({"second_factor": false}),
                )
                .await?;
                Ok(SignIn::Done(actor))
            }
        }
    }

    /// The second step of a sign-in: a current code from the authenticator app (each code is
    /// accepted once) or an unused recovery code (which is then used up). A wrong, replayed or
    /// used code, or a user who was disabled meanwhile, fails with
    /// [`AppError::BadCredentials`].
    pub async fn finish_sign_in(
        &self,
        pending: &PendingSignIn,
        code: &str,
    ) -> Result<Actor, AppError> {
        if !self
            .check_second_factor(pending.user_id, code, true)
            .await?
        {
            self.audit(
                "anonymous",
                "sign-in-failed",
                &pending.username,
                serde_json::json!({"step": "second factor"}),
            )
            .await?;
            return Err(AppError::BadCredentials);
        }
        let actor = self
            .active_actor(pending.user_id)
            .await?
            .ok_or(AppError::BadCredentials)?;
        self.audit(
            &actor.label(),
            "sign-in",
            &actor.name,
            serde_json::json!({"second_factor": true}),
        )
        .await?;
        Ok(actor)
    }

    /// Whether `code` is a good second-factor code of the user now, and uses it up: a TOTP
    /// code's step (no replay), or, when `recovery` allows, an unused recovery code.
    async fn check_second_factor(
        &self,
        user_id: UserId,
        code: &str,
        recovery: bool,
    ) -> Result<bool, AppError> {
        let Some(row) = self.store.second_factor(user_id.0).await? else {
            return Ok(false);
        };
        if row.confirmed_at.is_none() {
            return Ok(false);
        }
        if let Some(step) = totp::matching_step(&row.secret, code, now_unix()) {
            return Ok(self.store.advance_totp_step(user_id.0, step).await?);
        }
        if recovery && code.chars().filter(char::is_ascii_alphanumeric).count() == 16 {
            let used = self
                .store
                .use_recovery_code(user_id.0, &recovery_hash(code), OffsetDateTime::now_utc())
                .await?;
            if used {
                tracing::warn!(user.id = %user_id.0, "recovery code used to sign in");
            }
            return Ok(used);
        }
        Ok(false)
    }

    /// The actor's second factor: on or off, and the recovery codes left.
    pub async fn second_factor_status(
        &self,
        actor: &Actor,
    ) -> Result<SecondFactorStatus, AppError> {
        let user_id = self_service_user(actor)?;
        let enabled = self
            .store
            .second_factor(user_id.0)
            .await?
            .is_some_and(|row| row.confirmed_at.is_some());
        let recovery_codes_left = if enabled {
            self.store.recovery_codes_left(user_id.0).await?
        } else {
            0
        };
        Ok(SecondFactorStatus {
            enabled,
            recovery_codes_left,
        })
    }

    /// Starts (or starts again) the actor's enrolment with a new secret, which takes effect
    /// only when [`App::confirm_totp`] accepts a code of it. Refused while a confirmed second
    /// factor is on: turn it off first.
    pub async fn begin_totp_enrolment(&self, actor: &Actor) -> Result<TotpEnrolment, AppError> {
        let user_id = self_service_user(actor)?;
        if self.second_factor_status(actor).await?.enabled {
            return Err(AppError::NotAllowed(
                "a second factor is already on; turn it off before enrolling another".to_owned(),
            ));
        }
        let mut secret = vec![0u8; totp::SECRET_BYTES];
        OsRng.fill_bytes(&mut secret);
        let row = SecondFactorRow {
            user_id: user_id.0,
            secret,
            created_at: OffsetDateTime::now_utc(),
            confirmed_at: None,
            last_step: 0,
        };
        self.store.save_second_factor(&row, &[]).await?;
        Ok(self.enrolment_of(&row, &actor.name))
    }

    /// The pending enrolment of the actor, to show its QR code again (after a wrong code).
    pub async fn pending_totp_enrolment(
        &self,
        actor: &Actor,
    ) -> Result<Option<TotpEnrolment>, AppError> {
        let user_id = self_service_user(actor)?;
        Ok(self
            .store
            .second_factor(user_id.0)
            .await?
            .filter(|row| row.confirmed_at.is_none())
            .map(|row| self.enrolment_of(&row, &actor.name)))
    }

    fn enrolment_of(&self, row: &SecondFactorRow, username: &str) -> TotpEnrolment {
        TotpEnrolment {
            secret_base32: totp::base32(&row.secret),
            uri: totp::otpauth_uri(ISSUER, username, &row.secret),
        }
    }

    /// Confirms the actor's pending enrolment with a current code: from now on sign-in asks
    /// for a code. Returns the recovery codes, shown only now (the store keeps their hashes).
    /// A wrong code fails with [`AppError::BadCredentials`] and changes nothing.
    pub async fn confirm_totp(&self, actor: &Actor, code: &str) -> Result<Vec<String>, AppError> {
        let user_id = self_service_user(actor)?;
        let row = self
            .store
            .second_factor(user_id.0)
            .await?
            .filter(|row| row.confirmed_at.is_none())
            .ok_or_else(|| {
                AppError::NotAllowed("there is no enrolment to confirm; start one first".to_owned())
            })?;
        let Some(step) = totp::matching_step(&row.secret, code, now_unix()) else {
            return Err(AppError::BadCredentials);
        };
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> = codes.iter().map(|code| recovery_hash(code)).collect();
        let confirmed = SecondFactorRow {
            confirmed_at: Some(OffsetDateTime::now_utc()),
            last_step: step,
            ..row
        };
        self.store.save_second_factor(&confirmed, &hashes).await?;
        tracing::info!(user.name = %actor.name, "second factor turned on");
        Ok(codes)
    }

    /// Turns the actor's second factor off (and forgets its recovery codes), given a current
    /// code or the actor's password. Anything else fails with [`AppError::BadCredentials`].
    pub async fn disable_totp(
        &self,
        actor: &Actor,
        code_or_password: &str,
    ) -> Result<(), AppError> {
        let user_id = self_service_user(actor)?;
        let by_code = self
            .check_second_factor(user_id, code_or_password, false)
            .await?;
        let allowed = by_code
            || self
                .authenticate(&actor.name, code_or_password)
                .await
                .is_ok_and(|signed_in| signed_in.user_id == Some(user_id));
        if !allowed {
            return Err(AppError::BadCredentials);
        }
        self.store.delete_second_factor(user_id.0).await?;
        tracing::info!(user.name = %actor.name, "second factor turned off");
        Ok(())
    }

    /// Removes a user's lost second factor, so that the password alone signs in again; only
    /// administrators may (`amparo user totp-reset`). Returns whether there was one.
    pub async fn reset_totp(&self, actor: &Actor, username: &str) -> Result<bool, AppError> {
        self.require_admin_role(actor, "remove a user's second factor")
            .await?;
        let user = self.user_named(username).await?;
        let removed = self.store.delete_second_factor(user.id).await?;
        tracing::warn!(user.name = %username, removed, "second factor reset by an administrator");
        Ok(removed)
    }

    /// Disables or enables a user; only administrators may. Disabling ends the user's API
    /// tokens at once (they are revoked) and their web sessions at the next request (every
    /// request checks [`App::active_actor`]). Returns how many tokens were revoked.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
    ) -> Result<u64, AppError> {
        self.require_admin_role(actor, "disable or enable users")
            .await?;
        let user = self.user_named(username).await?;
        if actor.user_id == Some(UserId(user.id)) && disabled {
            return Err(AppError::NotAllowed(
                "you cannot disable yourself; ask another administrator".to_owned(),
            ));
        }
        if user.body.disabled != disabled {
            let body = User {
                disabled,
                ..user.body.clone()
            };
            self.update(actor, user.id, user.version, body).await?;
        }
        let revoked = if disabled {
            self.store
                .revoke_user_api_tokens(user.id, OffsetDateTime::now_utc())
                .await?
        } else {
            0
        };
        tracing::warn!(user.name = %username, disabled, tokens.revoked = revoked, "user access changed");
        Ok(revoked)
    }

    async fn user_named(&self, username: &str) -> Result<Versioned<User>, AppError> {
        let users: Vec<Versioned<User>> = self.list(&Actor::system("accounts")).await?;
        users
            .into_iter()
            .find(|user| user.body.username == username)
            .ok_or_else(|| AppError::NotAllowed(format!("there is no user named {username}")))
    }

    /// The actor a signed-in user is now: `None` when the user was disabled or deleted since.
    /// Sessions and tokens call this on every request, so that disabling a user, or changing
    /// their role, takes effect at once.
    pub async fn active_actor(&self, user_id: UserId) -> Result<Option<Actor>, AppError> {
        let Some(stored) = self
            .store
            .get(amparo_model::RecordKind::User, user_id.0)
            .await?
        else {
            return Ok(None);
        };
        if stored.deleted {
            return Ok(None);
        }
        let user: User = serde_json::from_value(stored.body).map_err(|error| {
            AppError::Store(amparo_store::StoreError::Corrupt(format!(
                "user {}: {error}",
                user_id.0
            )))
        })?;
        if user.disabled {
            return Ok(None);
        }
        Ok(Some(Actor::user(user_id, &user.username, user.role)))
    }
}
