//! Sensitive fields sealed at rest: every record version's `sensitive` member is sealed under a
//! data key of its own before the backend stores it, and opened when it is read back.
//!
//! The stored `sensitive` column then holds an envelope instead of the value:
//!
//! ```text
//! {"sealed":1,"key":"<data key id>","data":"<base64 of version byte, nonce, ciphertext, tag>"}
//! ```
//!
//! sealed with the associated data `amparo sensitive v1 \0 kind \0 id \0 version`, so an envelope
//! copied to another record or version does not open. The data key is wrapped under the
//! installation key and stored in `data_keys` in the same transaction as the version. Destroying
//! it (a purge) leaves the envelope in place, unreadable: the version then reads back without its
//! `sensitive` member and with [`crate::StoredVersion::sensitive_purged`] set. The evidence
//! log's leaf of the version was computed from the plain body when it was written and is not
//! touched.
//!
//! The first version of a capture received as a file (an upload, a testimony's recording, a file
//! given by a person) has no `sensitive` member; its identifying members (`sha256`, `origin`
//! with the file name, `note`) are moved into the sealed part instead (`types::split_body`), so
//! that a seized database does not tell which known files are held. Captures of web pages keep
//! them in clear.
//!
//! The same sealer also seals the evidence log's commitment salts (under the installation's
//! `log-salts` data key, bound to the leaf's index) and the users' TOTP secrets (under the
//! `secrets` data key, bound to the user's id).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use amparo_model::RecordKind;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::keys::{DataKey, InstallationKey};
use crate::log::{SALTS_LEN, Salts};
use crate::{SENSITIVE_PURPOSE, StoreError, StoredVersion, WrappedKeyRow};

/// What a sealed TOTP secret starts with, to tell it from a secret stored in clear before
/// secrets were sealed.
const SEALED_SECRET_PREFIX: &[u8] = b"\xffamparo-secret-v1\0";

/// Seals and opens sensitive members for a backend, once the keyring is unlocked.
pub struct FieldSealer {
    key: InstallationKey,
    /// The keyring generation whose installation key wraps new data keys.
    pub(crate) generation: u64,
    cache: Mutex<HashMap<String, DataKey>>,
    /// How many destroyed data keys the database held when last asked; when it changes, the
    /// keys in memory are forgotten, since another process may have destroyed one of them.
    destroyed_seen: AtomicU64,
    /// Seals the evidence log's commitment salts.
    salts_key: DataKey,
    /// Seals small secrets kept in the database (TOTP secrets).
    secrets_key: DataKey,
}

impl std::fmt::Debug for FieldSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldSealer(..)")
    }
}

/// Where a backend keeps its sealer: none until the installation's keyring is unlocked.
pub(crate) type SealerSlot = Arc<RwLock<Option<Arc<FieldSealer>>>>;

/// The sealer in a slot, if any.
pub(crate) fn sealer_of(slot: &SealerSlot) -> Option<Arc<FieldSealer>> {
    slot.read().ok().and_then(|sealer| sealer.clone())
}

fn context(kind: RecordKind, id: Uuid, version: u32) -> Vec<u8> {
    format!("amparo sensitive v1\0{}\0{id}\0{version}", kind.as_str()).into_bytes()
}

fn salts_context(index: u64) -> Vec<u8> {
    let mut context = b"amparo log salts v1\0".to_vec();
    context.extend_from_slice(&index.to_be_bytes());
    context
}

fn secret_context(user_id: Uuid) -> Vec<u8> {
    format!("amparo totp secret v1\0{user_id}").into_bytes()
}

impl FieldSealer {
    pub(crate) fn new(
        key: InstallationKey,
        generation: u64,
        salts_key: DataKey,
        secrets_key: DataKey,
    ) -> Self {
        Self {
            key,
            generation,
            cache: Mutex::default(),
            destroyed_seen: AtomicU64::new(0),
            salts_key,
            secrets_key,
        }
    }

    /// The stored form of the salts of leaf `index`: sealed under the `log-salts` key, bound to
    /// the leaf's index (never [`SALTS_LEN`] bytes long, the length of salts stored in clear).
    /// An altered leaf still opens its salts, so that `log check` reports which commitment no
    /// longer opens.
    pub(crate) fn seal_salts(&self, index: u64, salts: &[u8; SALTS_LEN]) -> Vec<u8> {
        self.salts_key.seal(&salts_context(index), salts)
    }

    /// Opens salts sealed by [`FieldSealer::seal_salts`] for leaf `index`.
    pub(crate) fn open_salts(&self, index: u64, stored: &[u8]) -> Result<Salts, StoreError> {
        let plain = self
            .salts_key
            .open(&salts_context(index), stored)
            .map_err(|_| {
                StoreError::Corrupt(format!("the sealed salts of log leaf {index} do not open"))
            })?;
        Salts::from_bytes(&plain).ok_or_else(|| {
            StoreError::Corrupt(format!("sealed log salts of {} bytes", plain.len()))
        })
    }

    /// The stored form of a user's TOTP secret: sealed under the `secrets` key, bound to the user.
    pub(crate) fn seal_secret(&self, user_id: Uuid, secret: &[u8]) -> Vec<u8> {
        let mut stored = SEALED_SECRET_PREFIX.to_vec();
        stored.extend_from_slice(&self.secrets_key.seal(&secret_context(user_id), secret));
        stored
    }

    /// Opens a stored TOTP secret; one stored in clear (before secrets were sealed) is returned
    /// as it is.
    pub(crate) fn open_secret(
        &self,
        user_id: Uuid,
        stored: Vec<u8>,
    ) -> Result<Vec<u8>, StoreError> {
        match stored.strip_prefix(SEALED_SECRET_PREFIX) {
            Some(sealed) => self
                .secrets_key
                .open(&secret_context(user_id), sealed)
                .map(|plain| plain.to_vec())
                .map_err(|_| {
                    StoreError::Corrupt(format!(
                        "the second factor of user {user_id} does not open"
                    ))
                }),
            None => Ok(stored),
        }
    }

    /// Seals the sensitive member `plain` (its JSON text) of a version under a new data key.
    /// Returns the envelope to store and the wrapped key to store with it.
    pub(crate) fn seal(
        &self,
        kind: RecordKind,
        id: Uuid,
        version: u32,
        plain: &str,
        now: OffsetDateTime,
    ) -> (String, WrappedKeyRow) {
        let key_id = Uuid::new_v4().simple().to_string();
        let data_key = DataKey::generate();
        let sealed = data_key.seal(&context(kind, id, version), plain.as_bytes());
        let envelope = serde_json::json!({
            "sealed": 1,
            "key": key_id,
            "data": STANDARD.encode(sealed),
        })
        .to_string();
        let row = WrappedKeyRow {
            id: key_id.clone(),
            purpose: SENSITIVE_PURPOSE.to_owned(),
            wrapped: Some(self.key.wrap(&key_id, SENSITIVE_PURPOSE, &data_key)),
            created_at: now,
            destroyed_at: None,
        };
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key_id, data_key);
        }
        (envelope, row)
    }

    /// The ids of the data keys that `versions` need and that are not in memory yet.
    pub(crate) fn missing_keys(&self, versions: &[StoredVersion]) -> Vec<String> {
        let Ok(cache) = self.cache.lock() else {
            return Vec::new();
        };
        let mut missing: Vec<String> = versions
            .iter()
            .filter_map(|version| envelope_of(version).map(|(key_id, _)| key_id))
            .filter(|key_id| !cache.contains_key(*key_id))
            .map(str::to_owned)
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }

    /// Opens the envelopes of `versions` in place, with `rows` holding every key that
    /// [`FieldSealer::missing_keys`] named. A destroyed key removes the member and marks the
    /// version purged.
    pub(crate) fn open(
        &self,
        versions: &mut [StoredVersion],
        rows: &[WrappedKeyRow],
    ) -> Result<(), StoreError> {
        let mut destroyed = std::collections::HashSet::new();
        for row in rows {
            match &row.wrapped {
                Some(wrapped) => {
                    let key = self.key.unwrap(&row.id, &row.purpose, wrapped)?;
                    if let Ok(mut cache) = self.cache.lock() {
                        cache.insert(row.id.clone(), key);
                    }
                }
                None => {
                    destroyed.insert(row.id.as_str());
                }
            }
        }
        for version in versions.iter_mut() {
            let Some((key_id, data)) = envelope_of(version) else {
                continue;
            };
            let key_id = key_id.to_owned();
            if destroyed.contains(key_id.as_str()) {
                remove_sensitive(version);
                version.sensitive_purged = true;
                continue;
            }
            let sealed = STANDARD.decode(data).map_err(|_| {
                StoreError::Corrupt(format!(
                    "the sealed sensitive fields of {} {} v{} are not base64",
                    version.kind, version.id, version.version
                ))
            })?;
            let key = self
                .cache
                .lock()
                .ok()
                .and_then(|cache| cache.get(&key_id).cloned())
                .ok_or_else(|| StoreError::Corrupt(format!("data key {key_id} is missing")))?;
            let plain = key.open(&context(version.kind, version.id, version.version), &sealed)?;
            let value: serde_json::Value = serde_json::from_slice(&plain).map_err(|error| {
                StoreError::Corrupt(format!("sealed sensitive fields: {error}"))
            })?;
            if let serde_json::Value::Object(map) = &mut version.body {
                map.remove("sensitive");
                crate::types::restore_sensitive(version.kind, map, value);
            }
        }
        Ok(())
    }

    /// Forgets every key held in memory when `destroyed`, how many data keys the database now
    /// holds destroyed, differs from the last count seen: a purge made by another process must
    /// not leave this one opening the purged value with a key it still remembers.
    pub(crate) fn note_destroyed(&self, destroyed: u64) {
        if self.destroyed_seen.swap(destroyed, Ordering::AcqRel) != destroyed
            && let Ok(mut cache) = self.cache.lock()
        {
            cache.clear();
        }
    }

    /// Forgets a key held in memory (after it was destroyed).
    pub(crate) fn forget(&self, key_id: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(key_id);
        }
    }
}

/// Whether a stored `sensitive` object is a sealed envelope.
pub(crate) fn is_envelope_map(envelope: &serde_json::Map<String, serde_json::Value>) -> bool {
    envelope.len() == 3
        && envelope.get("sealed").and_then(|v| v.as_u64()) == Some(1)
        && envelope.get("key").is_some_and(|v| v.is_string())
        && envelope.get("data").is_some_and(|v| v.is_string())
}

/// The data key id and sealed data of a version whose `sensitive` member is an envelope.
fn envelope_of(version: &StoredVersion) -> Option<(&str, &str)> {
    let envelope = version.body.get("sensitive")?.as_object()?;
    if envelope.get("sealed")?.as_u64()? != 1 || envelope.len() != 3 {
        return None;
    }
    Some((
        envelope.get("key")?.as_str()?,
        envelope.get("data")?.as_str()?,
    ))
}

/// The data key id of a stored `sensitive` column that holds an envelope.
pub(crate) fn sealing_key_in(column: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(column).ok()?;
    let envelope = value.as_object()?;
    (envelope.get("sealed")?.as_u64()? == 1 && envelope.len() == 3)
        .then(|| envelope.get("key")?.as_str().map(str::to_owned))
        .flatten()
}

fn remove_sensitive(version: &mut StoredVersion) {
    if let serde_json::Value::Object(map) = &mut version.body {
        map.remove("sensitive");
    }
}
