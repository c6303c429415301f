//! The keyring: data keys wrapped under the installation key, kept in the database (every
//! backend), and the [`Keyring`] that holds them unwrapped in memory once the installation key has
//! opened the check value.
//!
//! A few data keys exist once per installation and are named by their purpose
//! ([`BLOB_KEY`], [`BLOB_NAME_KEY`], [`LOG_SIGNING_KEY`], [`LOG_SALTS_KEY`], [`SECRETS_KEY`]);
//! others are made one per sealed value and
//! named by a random id, so that destroying one (a purge) makes exactly that value unreadable.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use crate::keys::{DataKey, InstallationKey, KdfParams, KeyError};
use crate::{Store, StoreError};

/// The data key that seals blob contents.
pub const BLOB_KEY: &str = "blob";
/// The data key used as the HMAC key that names blobs (the former `secret.key`).
pub const BLOB_NAME_KEY: &str = "blob-name";
/// The data key that is the evidence log's Ed25519 signing seed (the former `log.key`).
pub const LOG_SIGNING_KEY: &str = "log-signing";
/// The data key that seals the evidence log's commitment salts.
pub const LOG_SALTS_KEY: &str = "log-salts";
/// The data key that seals small secrets kept in the database (users' TOTP secrets).
pub const SECRETS_KEY: &str = "secrets";
/// The purpose of a data key that seals one record version's sensitive fields.
pub const SENSITIVE_PURPOSE: &str = "sensitive";

const SINGLETONS: [&str; 5] = [
    BLOB_KEY,
    BLOB_NAME_KEY,
    LOG_SIGNING_KEY,
    LOG_SALTS_KEY,
    SECRETS_KEY,
];

/// The per-installation keys the store's sealer holds; an installation made before they existed
/// gets them when its keyring is next unlocked.
const SEALER_KEYS: [&str; 2] = [LOG_SALTS_KEY, SECRETS_KEY];

/// Where the installation key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// A key file (64 hexadecimal digits).
    KeyFile,
    /// A passphrase, through Argon2id with these parameters.
    Passphrase(KdfParams),
}

impl KeySource {
    /// `key-file` or `passphrase`.
    pub fn kind(&self) -> &'static str {
        match self {
            KeySource::KeyFile => "key-file",
            KeySource::Passphrase(_) => "passphrase",
        }
    }

    fn wrong_key(&self) -> KeyError {
        match self {
            KeySource::KeyFile => KeyError::WrongKeyFile,
            KeySource::Passphrase(_) => KeyError::WrongPassphrase,
        }
    }
}

/// The keyring's row: how its installation key is obtained and the check value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyringRow {
    /// Where the installation key comes from.
    pub source: KeySource,
    /// The known constant sealed under the installation key.
    pub check_value: Vec<u8>,
    /// 1 at creation, one more at every rotation.
    pub generation: u64,
    /// When it was created or last rotated.
    pub updated_at: OffsetDateTime,
}

impl KeyringRow {
    pub(crate) fn from_columns(
        source: &str,
        kdf: Option<&str>,
        check_value: Vec<u8>,
        generation: i64,
        updated_at: OffsetDateTime,
    ) -> Result<Self, StoreError> {
        let source = match (source, kdf) {
            ("key-file", _) => KeySource::KeyFile,
            ("passphrase", Some(kdf)) => KeySource::Passphrase(
                serde_json::from_str(kdf)
                    .map_err(|error| StoreError::Corrupt(format!("keyring parameters: {error}")))?,
            ),
            (other, _) => {
                return Err(StoreError::Corrupt(format!(
                    "keyring source {other:?} is unknown"
                )));
            }
        };
        Ok(Self {
            source,
            check_value,
            generation: generation as u64,
            updated_at,
        })
    }

    /// The key derivation parameters as stored (JSON), for a passphrase.
    pub(crate) fn kdf_column(&self) -> Option<String> {
        match &self.source {
            KeySource::KeyFile => None,
            KeySource::Passphrase(params) => serde_json::to_string(params).ok(),
        }
    }
}

/// A data key as stored: wrapped under the installation key, or destroyed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrappedKeyRow {
    /// Its id: the purpose for a per-installation key, a random id otherwise.
    pub id: String,
    /// What it seals.
    pub purpose: String,
    /// The wrapped key; `None` once destroyed.
    pub wrapped: Option<Vec<u8>>,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it was destroyed.
    pub destroyed_at: Option<OffsetDateTime>,
}

/// What `amparo key status` shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyringStatus {
    /// `key-file` or `passphrase`.
    pub source: &'static str,
    /// The rotation generation.
    pub generation: u64,
    /// When the keyring was created or last rotated.
    pub updated_at: OffsetDateTime,
    /// Per purpose: (purpose, live keys, destroyed keys), by purpose.
    pub keys: Vec<(String, u64, u64)>,
}

/// An unlocked keyring: the installation key and the data keys unwrapped so far.
pub struct Keyring {
    store: Arc<dyn Store>,
    key: InstallationKey,
    row: KeyringRow,
    cache: Mutex<HashMap<String, DataKey>>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("source", &self.row.source.kind())
            .field("generation", &self.row.generation)
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// The stored keyring row, if the installation has one.
    pub async fn stored(store: &dyn Store) -> Result<Option<KeyringRow>, StoreError> {
        store.keyring().await
    }

    /// Creates the keyring of an installation: the check value and the per-installation data
    /// keys, each generated unless `imported` gives it (secrets kept in plain files before
    /// encryption at rest existed). Fails with [`StoreError::Duplicate`] when one exists.
    pub async fn create(
        store: Arc<dyn Store>,
        key: InstallationKey,
        source: KeySource,
        imported: Vec<(&str, DataKey)>,
        now: OffsetDateTime,
    ) -> Result<Self, StoreError> {
        let row = KeyringRow {
            source,
            check_value: key.check_value(),
            generation: 1,
            updated_at: now,
        };
        let mut cache = HashMap::new();
        let mut rows = Vec::new();
        let mut imported: HashMap<&str, DataKey> = imported.into_iter().collect();
        for purpose in SINGLETONS {
            let data_key = imported.remove(purpose).unwrap_or_else(DataKey::generate);
            rows.push(WrappedKeyRow {
                id: purpose.to_owned(),
                purpose: purpose.to_owned(),
                wrapped: Some(key.wrap(purpose, purpose, &data_key)),
                created_at: now,
                destroyed_at: None,
            });
            cache.insert(purpose.to_owned(), data_key);
        }
        store.create_keyring(&row, &rows).await?;
        Ok(Self {
            store,
            key,
            row,
            cache: Mutex::new(cache),
        })
    }

    /// Opens the installation's keyring with `key`. A key that does not open the check value
    /// gives [`KeyError::WrongPassphrase`] or [`KeyError::WrongKeyFile`], and nothing is written.
    /// The keys the store's sealer needs are unwrapped (and made, for an installation created
    /// before they existed).
    pub async fn unlock(store: Arc<dyn Store>, key: InstallationKey) -> Result<Self, StoreError> {
        let row = store
            .keyring()
            .await?
            .ok_or_else(|| StoreError::Corrupt("the installation has no keyring".to_owned()))?;
        if !key.opens(&row.check_value) {
            return Err(StoreError::Key(row.source.wrong_key()));
        }
        let keyring = Self {
            store,
            key,
            row,
            cache: Mutex::default(),
        };
        for purpose in SEALER_KEYS {
            keyring.ensure_installation_key(purpose).await?;
        }
        Ok(keyring)
    }

    /// Unwraps the per-installation key `purpose`, making and storing it if it is missing.
    async fn ensure_installation_key(&self, purpose: &str) -> Result<(), StoreError> {
        if self.store.data_key(purpose).await?.is_none() {
            let data_key = DataKey::generate();
            let row = WrappedKeyRow {
                id: purpose.to_owned(),
                purpose: purpose.to_owned(),
                wrapped: Some(self.key.wrap(purpose, purpose, &data_key)),
                created_at: OffsetDateTime::now_utc(),
                destroyed_at: None,
            };
            match self
                .store
                .add_data_keys(self.row.generation, std::slice::from_ref(&row))
                .await
            {
                // Another process made it first: use theirs.
                Ok(()) | Err(StoreError::Duplicate(_)) => {}
                Err(error) => return Err(error),
            }
        }
        self.data_key(purpose).await.map(drop)
    }

    /// Makes the store seal sensitive fields under new data keys wrapped by this keyring's
    /// installation key, and open them on read; and seal the evidence log's commitment salts
    /// and the users' TOTP secrets under the installation's `log-salts` and `secrets` keys.
    pub fn seal_fields(&self) -> Result<(), StoreError> {
        let key = |purpose: &str| {
            self.cache
                .lock()
                .ok()
                .and_then(|cache| cache.get(purpose).cloned())
                .ok_or_else(|| {
                    StoreError::Corrupt(format!("the installation's {purpose} key is not unlocked"))
                })
        };
        self.store
            .seal_fields_with(Arc::new(crate::FieldSealer::new(
                self.key.clone(),
                self.row.generation,
                key(LOG_SALTS_KEY)?,
                key(SECRETS_KEY)?,
            )));
        Ok(())
    }

    /// The installation key this keyring was opened with: backups are sealed under it, and
    /// `amparo key shares` splits it.
    pub fn installation_key(&self) -> &InstallationKey {
        &self.key
    }

    /// How the installation key is obtained.
    pub fn source(&self) -> &KeySource {
        &self.row.source
    }

    /// The per-installation data key named `purpose` ([`BLOB_KEY`], [`BLOB_NAME_KEY`],
    /// [`LOG_SIGNING_KEY`], [`LOG_SALTS_KEY`], [`SECRETS_KEY`]).
    pub async fn installation_data_key(&self, purpose: &str) -> Result<DataKey, StoreError> {
        self.data_key(purpose).await
    }

    /// A new data key for `purpose`, stored wrapped; returns its id.
    pub async fn new_data_key(
        &self,
        purpose: &str,
        now: OffsetDateTime,
    ) -> Result<(String, DataKey), StoreError> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let data_key = DataKey::generate();
        let row = WrappedKeyRow {
            id: id.clone(),
            purpose: purpose.to_owned(),
            wrapped: Some(self.key.wrap(&id, purpose, &data_key)),
            created_at: now,
            destroyed_at: None,
        };
        self.store
            .add_data_keys(self.row.generation, std::slice::from_ref(&row))
            .await?;
        self.remember(&id, &data_key);
        Ok((id, data_key))
    }

    /// The data key `id`, unwrapped (and kept in memory). A destroyed key gives
    /// [`KeyError::Destroyed`].
    pub async fn data_key(&self, id: &str) -> Result<DataKey, StoreError> {
        if let Some(key) = self
            .cache
            .lock()
            .ok()
            .and_then(|cache| cache.get(id).cloned())
        {
            return Ok(key);
        }
        let row = self
            .store
            .data_key(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("data key {id} is missing")))?;
        let wrapped = row
            .wrapped
            .ok_or_else(|| StoreError::Key(KeyError::Destroyed(id.to_owned())))?;
        let key = self.key.unwrap(id, &row.purpose, &wrapped)?;
        self.remember(id, &key);
        Ok(key)
    }

    /// Destroys the data key `id`: what it sealed is unreadable from then on, in this database
    /// and in any later backup. Returns whether a live key was destroyed.
    pub async fn destroy(&self, id: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        if SINGLETONS.contains(&id) {
            return Err(StoreError::Corrupt(format!(
                "the installation's {id} key cannot be destroyed"
            )));
        }
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(id);
        }
        self.store.destroy_data_key(id, now).await
    }

    /// Re-wraps every live data key under `new_key` in one transaction, and makes `new_source`
    /// the way the key is obtained. Nothing sealed by a data key (blobs, fields) is re-encrypted.
    /// Returns the keyring opened with the new key and the number of keys re-wrapped.
    pub async fn rotate(
        &self,
        new_key: InstallationKey,
        new_source: KeySource,
        now: OffsetDateTime,
    ) -> Result<(Self, usize), StoreError> {
        let current = self.store.keyring().await?;
        if current.map(|row| row.generation) != Some(self.row.generation) {
            return Err(StoreError::KeyringChanged);
        }
        let stored = self.store.data_keys().await?;
        let mut rewrapped = Vec::new();
        for row in &stored {
            let Some(wrapped) = &row.wrapped else {
                continue;
            };
            let data_key = self.key.unwrap(&row.id, &row.purpose, wrapped)?;
            rewrapped.push((
                row.id.clone(),
                new_key.wrap(&row.id, &row.purpose, &data_key),
            ));
        }
        let row = KeyringRow {
            source: new_source,
            check_value: new_key.check_value(),
            generation: self.row.generation + 1,
            updated_at: now,
        };
        if !self
            .store
            .replace_keyring(self.row.generation, &row, &rewrapped)
            .await?
        {
            return Err(StoreError::KeyringChanged);
        }
        let count = rewrapped.len();
        let cache = self
            .cache
            .lock()
            .map(|cache| cache.clone())
            .unwrap_or_default();
        Ok((
            Self {
                store: self.store.clone(),
                key: new_key,
                row,
                cache: Mutex::new(cache),
            },
            count,
        ))
    }

    /// The keyring's state, for `amparo key status`.
    pub async fn status(&self) -> Result<KeyringStatus, StoreError> {
        let mut counts: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
        for row in self.store.data_keys().await? {
            let entry = counts.entry(row.purpose).or_default();
            if row.wrapped.is_some() {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        Ok(KeyringStatus {
            source: self.row.source.kind(),
            generation: self.row.generation,
            updated_at: self.row.updated_at,
            keys: counts
                .into_iter()
                .map(|(purpose, (live, destroyed))| (purpose, live, destroyed))
                .collect(),
        })
    }

    fn remember(&self, id: &str, key: &DataKey) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(id.to_owned(), key.clone());
        }
    }
}
