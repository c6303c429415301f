//! Key operations of an open installation: the keyring it was opened with, its status, and the
//! rotation of the installation key (which re-wraps the data keys and re-encrypts nothing else).

use std::path::PathBuf;
use std::sync::Arc;

use amparo_store::{KdfParams, Keyring, KeyringStatus};
use amparo_tlog::Signer;
use time::OffsetDateTime;

use crate::installation::{KeyInput, new_installation_key};
use crate::{Actor, App, AppError};

/// What a rotation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRotation {
    /// Data keys re-wrapped under the new installation key.
    pub rewrapped: usize,
    /// `key-file` or `passphrase`: how the new key is obtained.
    pub source: &'static str,
    /// The new key file, when the new key is one.
    pub key_file: Option<PathBuf>,
}

impl App {
    /// Installs the keys an installation was opened with.
    pub(crate) fn install_keys(&self, keyring: Keyring, signer: Signer) {
        if let Ok(mut slot) = self.keys.write() {
            *slot = Some(Arc::new(keyring));
        }
        self.set_log_signer(signer);
    }

    /// The unlocked keyring; `None` for an [`App`] assembled from parts without one.
    pub(crate) fn keyring(&self) -> Option<Arc<Keyring>> {
        self.keys.read().ok().and_then(|slot| slot.clone())
    }

    fn require_keyring(&self) -> Result<Arc<Keyring>, AppError> {
        self.keyring().ok_or_else(|| {
            AppError::Installation("this installation was opened without a keyring".to_owned())
        })
    }

    /// The keyring's state: how the installation key is obtained, its rotation generation and
    /// how many data keys of each purpose are live or destroyed. Administrators only.
    pub async fn key_status(&self, actor: &Actor) -> Result<KeyringStatus, AppError> {
        self.require_admin_role(actor, "see the key status").await?;
        Ok(self.require_keyring()?.status().await?)
    }

    /// Replaces the installation key: every data key is re-wrapped under the new one in one
    /// transaction, so blobs and fields stay as they are. A new key file is written beside
    /// `path` as `<path>.new` first and renamed over `path` once the database holds the new
    /// wrapping. Administrators only; stop every other process of the installation first (a
    /// process still holding the old key can no longer add keys and says so).
    pub async fn rotate_key(
        &self,
        actor: &Actor,
        new_key: KeyInput,
        kdf: Option<KdfParams>,
    ) -> Result<KeyRotation, AppError> {
        self.require_admin_role(actor, "rotate the installation key")
            .await?;
        let rotation = self.rotate_key_now(new_key, kdf).await?;
        self.audit(
            &actor.label(),
            "key-rotate",
            "installation key",
            serde_json::json!({
                "rewrapped": rotation.rewrapped,
                "source": rotation.source,
            }),
        )
        .await?;
        Ok(rotation)
    }

    async fn rotate_key_now(
        &self,
        new_key: KeyInput,
        kdf: Option<KdfParams>,
    ) -> Result<KeyRotation, AppError> {
        let keyring = self.require_keyring()?;
        let now = OffsetDateTime::now_utc();
        match new_key {
            KeyInput::KeyFile(path) => {
                let staged = staged_path(&path);
                if staged.exists() {
                    return Err(AppError::Installation(format!(
                        "{} exists: an earlier rotation was interrupted; check which key opens \
                         the installation, then remove the file that does not",
                        staged.display()
                    )));
                }
                let (installation_key, source) =
                    new_installation_key(KeyInput::KeyFile(staged.clone()), None).await?;
                let rotated = keyring.rotate(installation_key, source, now).await;
                let (rotated, count) = match rotated {
                    Ok(done) => done,
                    Err(error) => {
                        let _ = std::fs::remove_file(&staged);
                        return Err(error.into());
                    }
                };
                std::fs::rename(&staged, &path).map_err(|source| AppError::io(&path, source))?;
                let source = rotated.source().kind();
                self.replace_keyring(rotated)?;
                Ok(KeyRotation {
                    rewrapped: count,
                    source,
                    key_file: Some(path),
                })
            }
            KeyInput::Passphrase(passphrase) => {
                let (installation_key, source) =
                    new_installation_key(KeyInput::Passphrase(passphrase), kdf).await?;
                let (rotated, count) = keyring.rotate(installation_key, source, now).await?;
                let source = rotated.source().kind();
                self.replace_keyring(rotated)?;
                Ok(KeyRotation {
                    rewrapped: count,
                    source,
                    key_file: None,
                })
            }
            KeyInput::FromEnvironment => Err(AppError::Installation(
                "say which new key to rotate to: a key file or a passphrase".to_owned(),
            )),
        }
    }

    /// Purges the sensitive fields of one record version: their data key is destroyed, so they
    /// are unreadable from then on, here and in every backup; the version reads back without
    /// them and the evidence log stays as it was (its leaf was computed when the version was
    /// written). Administrators only. Returns whether anything was purged.
    pub async fn purge_sensitive(
        &self,
        actor: &Actor,
        kind: amparo_model::RecordKind,
        id: uuid::Uuid,
        version: u32,
    ) -> Result<bool, AppError> {
        self.require_admin_role(actor, "purge sensitive fields")
            .await?;
        if kind == amparo_model::RecordKind::Capture {
            // A capture's sealed part is what names its evidence (its SHA-256 and origin):
            // without it the capture could no longer be read, bundled or checked.
            return Err(AppError::NotAllowed(
                "a capture's sealed metadata cannot be purged".to_owned(),
            ));
        }
        let purged = self
            .store
            .purge_sensitive(kind, id, version, OffsetDateTime::now_utc())
            .await?;
        if purged {
            tracing::info!(record.kind = %kind, record.id = %id, record.version = version, "purged sensitive fields");
            self.audit(
                &actor.label(),
                "sensitive-purge",
                &format!("{kind} {id} v{version}"),
                serde_json::json!({}),
            )
            .await?;
        }
        Ok(purged)
    }

    fn replace_keyring(&self, keyring: Keyring) -> Result<(), AppError> {
        keyring.seal_fields()?;
        if let Ok(mut slot) = self.keys.write() {
            *slot = Some(Arc::new(keyring));
        }
        Ok(())
    }
}

fn staged_path(path: &std::path::Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}
