//! Key material for encryption at rest: the installation key (from a key file or a passphrase
//! through Argon2id), data keys, and how a data key is wrapped under the installation key.
//!
//! Every sealed value is XChaCha20-Poly1305 with a random 24-byte nonce and associated data that
//! names what the value is for, so a ciphertext moved to another place (another key's row,
//! another purpose) fails to open instead of being misread. Key material is zeroized when it is
//! dropped.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

/// Length of every key, in bytes.
pub const KEY_LEN: usize = 32;
/// Length of an XChaCha20-Poly1305 nonce.
pub const NONCE_LEN: usize = 24;
/// Length of a Poly1305 tag.
pub const TAG_LEN: usize = 16;

/// The format version byte in front of a wrapped key, a check value or a sealed value.
const SEALED_V1: u8 = 1;
/// The constant the check value seals: opening it proves the installation key is the right one.
const CHECK_PLAINTEXT: &[u8] = b"amparo installation key check v1";

/// Why key material could not be obtained or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The passphrase derives a key that does not open the installation's check value.
    #[error("the passphrase does not open this installation")]
    WrongPassphrase,
    /// The key file holds a key that does not open the installation's check value.
    #[error("the key file does not open this installation")]
    WrongKeyFile,
    /// A key file does not hold a key.
    #[error(
        "the key file is not an Amparo installation key (it must hold 64 hexadecimal digits): {0}"
    )]
    KeyFileFormat(String),
    /// The passphrase is empty.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// The installation is protected by a passphrase and none was given.
    #[error(
        "this installation is protected by a passphrase: set AMPARO_PASSPHRASE or run the command in a terminal to be asked for it"
    )]
    PassphraseNeeded,
    /// Argon2id refused its parameters.
    #[error("cannot derive a key from the passphrase: {0}")]
    Kdf(String),
    /// A stored ciphertext does not open under a key that opened the check value.
    #[error("sealed data is damaged or was moved: {0}")]
    Damaged(String),
    /// A data key was destroyed (purged).
    #[error("data key {0} was destroyed")]
    Destroyed(String),
}

/// The installation key: 32 bytes that wrap every data key. Never stored in the database.
#[derive(Clone)]
pub struct InstallationKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for InstallationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InstallationKey(..)")
    }
}

impl InstallationKey {
    /// A new random key (for a key file).
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Self(bytes)
    }

    /// The key held in a key file's text: 64 hexadecimal digits, surrounding white space
    /// ignored.
    pub fn from_key_file(text: &[u8]) -> Result<Self, KeyError> {
        let text = std::str::from_utf8(text)
            .map_err(|_| KeyError::KeyFileFormat("it is not text".to_owned()))?
            .trim();
        if text.len() != KEY_LEN * 2 {
            return Err(KeyError::KeyFileFormat(format!(
                "it holds {} characters",
                text.len()
            )));
        }
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        hex::decode_to_slice(text, bytes.as_mut())
            .map_err(|_| KeyError::KeyFileFormat("it holds non-hexadecimal characters".into()))?;
        Ok(Self(bytes))
    }

    /// The text of a key file holding this key (64 hexadecimal digits and a newline).
    pub fn to_key_file(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(hex::encode(self.0.as_ref()));
        text.push('\n');
        text
    }

    /// The key derived from `passphrase` with Argon2id under `params`.
    pub fn from_passphrase(passphrase: &str, params: &KdfParams) -> Result<Self, KeyError> {
        if passphrase.is_empty() {
            return Err(KeyError::EmptyPassphrase);
        }
        let salt = params.salt_bytes()?;
        let argon = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(
                params.memory_kib,
                params.iterations,
                params.parallelism,
                Some(KEY_LEN),
            )
            .map_err(|error| KeyError::Kdf(error.to_string()))?,
        );
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(passphrase.as_bytes(), &salt, bytes.as_mut())
            .map_err(|error| KeyError::Kdf(error.to_string()))?;
        Ok(Self(bytes))
    }

    /// A new check value: the known constant sealed under this key.
    pub fn check_value(&self) -> Vec<u8> {
        seal(&self.0, b"amparo check", CHECK_PLAINTEXT)
    }

    /// Whether `check_value` was sealed under this key.
    pub fn opens(&self, check_value: &[u8]) -> bool {
        open(&self.0, b"amparo check", check_value)
            .is_ok_and(|plain| plain.as_slice() == CHECK_PLAINTEXT)
    }

    /// Wraps `key` (whose id is `key_id`, used for `purpose`) under this key.
    pub fn wrap(&self, key_id: &str, purpose: &str, key: &DataKey) -> Vec<u8> {
        seal(&self.0, &wrap_context(key_id, purpose), key.0.as_ref())
    }

    /// Unwraps a key wrapped by [`InstallationKey::wrap`] with the same id and purpose.
    pub fn unwrap(&self, key_id: &str, purpose: &str, wrapped: &[u8]) -> Result<DataKey, KeyError> {
        let plain = open(&self.0, &wrap_context(key_id, purpose), wrapped)
            .map_err(|()| KeyError::Damaged(format!("data key {key_id} does not unwrap")))?;
        DataKey::from_slice(&plain)
            .ok_or_else(|| KeyError::Damaged(format!("data key {key_id} has the wrong length")))
    }
}

fn wrap_context(key_id: &str, purpose: &str) -> Vec<u8> {
    let mut context = b"amparo data key\0".to_vec();
    context.extend_from_slice(key_id.as_bytes());
    context.push(0);
    context.extend_from_slice(purpose.as_bytes());
    context
}

/// A data key: 32 random bytes that seal one kind of data (blobs, one record version's sensitive
/// fields, the blob-naming secret, the log's signing seed).
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// A new random data key.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Self(bytes)
    }

    /// A data key with the given bytes (a secret kept before encryption at rest existed).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        let mut bytes = bytes;
        let key = Self(Zeroizing::new(bytes));
        bytes.zeroize();
        key
    }

    fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        (bytes.len() == KEY_LEN).then(|| {
            key.copy_from_slice(bytes);
            Self(key)
        })
    }

    /// The key's bytes (for an HMAC key or a signing seed).
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Seals `plaintext` bound to `context` (what the value is and where it belongs): version
    /// byte, random nonce, ciphertext and tag.
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> Vec<u8> {
        seal(&self.0, context, plaintext)
    }

    /// Opens a value sealed by [`DataKey::seal`] with the same context.
    pub fn open(&self, context: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        open(&self.0, context, sealed)
            .map(Zeroizing::new)
            .map_err(|()| KeyError::Damaged("a sealed value does not open".to_owned()))
    }

    pub(crate) fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }
}

fn seal(key: &[u8; KEY_LEN], context: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let mut aad = Vec::with_capacity(context.len() + 1);
    aad.push(SEALED_V1);
    aad.extend_from_slice(context);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .unwrap_or_else(|_| unreachable!("XChaCha20-Poly1305 seals any length used here"));
    let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
    sealed.push(SEALED_V1);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&ciphertext);
    sealed
}

fn open(key: &[u8; KEY_LEN], context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, ()> {
    if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != SEALED_V1 {
        return Err(());
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut aad = Vec::with_capacity(context.len() + 1);
    aad.push(SEALED_V1);
    aad.extend_from_slice(context);
    cipher
        .decrypt(
            XNonce::from_slice(&sealed[1..1 + NONCE_LEN]),
            Payload {
                msg: &sealed[1 + NONCE_LEN..],
                aad: &aad,
            },
        )
        .map_err(|_| ())
}

/// Argon2id parameters of a passphrase-protected installation (not secret; kept in the
/// keyring row of the database).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Always "argon2id".
    pub algorithm: String,
    /// Random salt, lowercase hex (16 bytes).
    pub salt: String,
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Number of passes.
    pub iterations: u32,
    /// Degree of parallelism.
    pub parallelism: u32,
}

impl KdfParams {
    /// Parameters for a new passphrase: a fresh salt, 64 MiB, 3 passes, 1 lane (OWASP's
    /// second recommended Argon2id configuration, with more memory).
    pub fn recommended() -> Self {
        Self::with_costs(64 * 1024, 3, 1)
    }

    /// Parameters with a fresh salt and the given costs (small ones for tests).
    pub fn with_costs(memory_kib: u32, iterations: u32, parallelism: u32) -> Self {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        Self {
            algorithm: "argon2id".to_owned(),
            salt: hex::encode(salt),
            memory_kib,
            iterations,
            parallelism,
        }
    }

    fn salt_bytes(&self) -> Result<Vec<u8>, KeyError> {
        if self.algorithm != "argon2id" {
            return Err(KeyError::Kdf(format!(
                "unknown key derivation {:?}",
                self.algorithm
            )));
        }
        hex::decode(&self.salt).map_err(|_| KeyError::Kdf("the stored salt is not hex".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_key_opens_only_with_its_id_purpose_and_key() {
        let installation = InstallationKey::generate();
        let data = DataKey::generate();
        let wrapped = installation.wrap("k1", "blob", &data);
        assert_eq!(installation.unwrap("k1", "blob", &wrapped).unwrap(), data);
        assert!(installation.unwrap("k2", "blob", &wrapped).is_err());
        assert!(installation.unwrap("k1", "sensitive", &wrapped).is_err());
        assert!(
            InstallationKey::generate()
                .unwrap("k1", "blob", &wrapped)
                .is_err()
        );
    }

    #[test]
    fn check_value_tells_keys_apart() {
        let key = InstallationKey::generate();
        let check = key.check_value();
        assert!(key.opens(&check));
        assert!(!InstallationKey::generate().opens(&check));
        let mut damaged = check.clone();
        *damaged.last_mut().unwrap() ^= 1;
        assert!(!key.opens(&damaged));
    }

    #[test]
    fn passphrase_derivation_is_repeatable_and_salted() {
        let params = KdfParams::with_costs(64, 1, 1);
        let check = InstallationKey::from_passphrase("correct horse", &params)
            .unwrap()
            .check_value();
        assert!(
            InstallationKey::from_passphrase("correct horse", &params)
                .unwrap()
                .opens(&check)
        );
        assert!(
            !InstallationKey::from_passphrase("wrong horse", &params)
                .unwrap()
                .opens(&check)
        );
        let other_salt = KdfParams::with_costs(64, 1, 1);
        assert!(
            !InstallationKey::from_passphrase("correct horse", &other_salt)
                .unwrap()
                .opens(&check)
        );
        assert!(matches!(
            InstallationKey::from_passphrase("", &params),
            Err(KeyError::EmptyPassphrase)
        ));
    }

    #[test]
    fn key_file_round_trips_and_rejects_junk() {
        let key = InstallationKey::generate();
        let text = key.to_key_file();
        let again = InstallationKey::from_key_file(text.as_bytes()).unwrap();
        assert!(again.opens(&key.check_value()));
        assert!(InstallationKey::from_key_file(b"not a key").is_err());
        assert!(InstallationKey::from_key_file(&[0u8; 32]).is_err());
    }

    #[test]
    fn sealed_values_are_bound_to_their_context() {
        let key = DataKey::generate();
        let sealed = key.seal(b"person 1 v1", b"Maria");
        assert_eq!(
            key.open(b"person 1 v1", &sealed).unwrap().as_slice(),
            b"Maria"
        );
        assert!(key.open(b"person 1 v2", &sealed).is_err());
        assert!(
            !sealed.windows(5).any(|window| window == b"Maria"),
            "the plaintext must not appear in the sealed value"
        );
    }
}
