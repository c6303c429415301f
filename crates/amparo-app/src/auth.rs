//! Users and passwords: creating a user with a generated password, and signing in.

use amparo_model::UserId;
use amparo_model::records::{Role, User};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use rand::rngs::OsRng;

use crate::{Actor, App, AppError, Versioned};

/// Letters and digits that cannot be mistaken for one another when read aloud or copied.
const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new random password of 20 characters (about 116 bits).
pub fn generate_password() -> String {
    let mut rng = OsRng;
    (0..20)
        .map(|_| PASSWORD_ALPHABET[rng.gen_range(0..PASSWORD_ALPHABET.len())] as char)
        .collect()
}

fn argon2() -> Argon2<'static> {
    // OWASP's Argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with Argon2id and a random salt, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AppError::PasswordHash(error.to_string()))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

impl App {
    /// Creates a user with a generated password, returned once and never stored in clear.
    pub async fn create_user(
        &self,
        actor: &Actor,
        username: &str,
        role: Role,
    ) -> Result<(Versioned<User>, String), AppError> {
        self.require_admin_role(actor, "create users").await?;
        if self.find_user(username).await?.is_some() {
            return Err(AppError::NotAllowed(format!(
                "a user named {username} already exists; choose another name"
            )));
        }
        let user = self
            .create(
                actor,
                User {
                    username: username.to_owned(),
                    display_name: String::new(),
                    role,
                    ..User::default()
                },
            )
            .await?;
        let password = generate_password();
        self.store
            .set_password_hash(user.id, &hash_password(&password)?)
            .await?;
        Ok((user, password))
    }

    /// Sets a new generated password for a user and returns it.
    pub async fn reset_password(&self, actor: &Actor, username: &str) -> Result<String, AppError> {
        self.require_admin_role(actor, "reset passwords").await?;
        let user = self
            .find_user(username)
            .await?
            .ok_or_else(|| AppError::NotAllowed(format!("there is no user named {username}")))?;
        let password = generate_password();
        self.store
            .set_password_hash(user.id, &hash_password(&password)?)
            .await?;
        Ok(password)
    }

    async fn find_user(&self, username: &str) -> Result<Option<Versioned<User>>, AppError> {
        let system = Actor::system("accounts");
        let users: Vec<Versioned<User>> = self.list(&system).await?;
        Ok(users
            .into_iter()
            .find(|user| user.body.username == username))
    }

    /// Checks a user name and password and returns the user's actor. The answer and its
    /// timing are the same for an unknown user and a wrong password. This is the password
    /// check only: signing someone in goes through [`App::sign_in`], which also asks for the
    /// second factor when the user has one.
    pub async fn authenticate(&self, username: &str, password: &str) -> Result<Actor, AppError> {
        let user = self.find_user(username).await?;
        let hash = match &user {
            Some(user) => self.store.password_hash(user.id).await?,
            None => None,
        };
        let password = password.to_owned();
        let checked = tokio::task::spawn_blocking(move || match hash {
            Some(hash) => verify_password(&password, &hash),
            None => {
                // Spend the same effort as a real check so that timing reveals nothing.
                let _ = hash_password(&password);
                false
            }
        })
        .await
        .unwrap_or(false);
        match user {
            Some(user) if checked && !user.body.disabled => Ok(Actor::user(
                UserId(user.id),
                &user.body.username,
                user.body.role,
            )),
            _ => Err(AppError::BadCredentials),
        }
    }
}

impl App {
    /// Records the interface language a user chose. Every signed-in user may set their own.
    pub async fn set_user_language(
        &self,
        actor: &Actor,
        language: amparo_model::Lang,
    ) -> Result<(), AppError> {
        let Some(user_id) = actor.user_id else {
            return Ok(());
        };
        let system = Actor::system("accounts");
        let current: Versioned<User> = self.get(&system, user_id.0).await?;
        if current.body.language == Some(language) {
            return Ok(());
        }
        let mut user = current.body;
        user.language = Some(language);
        // The change is the user's own, recorded under their name.
        let record = amparo_model::Record::User(user);
        self.check_record(&record).await?;
        let change = amparo_store::Change {
            kind: amparo_model::RecordKind::User,
            id: user_id.0,
            expected_version: current.version,
            body: Some(record.to_json()),
            actor: actor.label(),
            at: time::OffsetDateTime::now_utc(),
        };
        self.write_changes(&[change]).await?;
        Ok(())
    }

    /// The interface language a user chose, if any.
    pub async fn user_language(
        &self,
        user_id: UserId,
    ) -> Result<Option<amparo_model::Lang>, AppError> {
        let system = Actor::system("accounts");
        let user: Versioned<User> = self.get(&system, user_id.0).await?;
        Ok(user.body.language)
    }
}
