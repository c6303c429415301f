//! C2SP signed-note (<https://c2sp.org/signed-note>) with Ed25519 (signature type 0x01): key
//! strings, key ids, signing and verifying notes against a set of known verifiers.
//!
//! Keys are made from a 32-byte seed passed in by the caller; this crate has no random number
//! generator. Every parser refuses non-canonical base64 and bounds its input.

use std::fmt;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::base64_strict;

/// The largest note accepted, in bytes (signed-note "Format": verifiers SHOULD bound the size).
pub const MAX_NOTE_SIZE: usize = 1 << 20;
/// The most signature lines accepted in one note (the spec requires at least 16).
pub const MAX_SIGNATURES: usize = 100;
/// The signature type byte of Ed25519 (signed-note "Signature types").
pub const ED25519_TYPE: u8 = 0x01;
/// The line prefix of a signature: em dash U+2014 and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";
/// The prefix of a signer (private) key string.
const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// Why a key string or key name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key name is empty or contains a Unicode space or a plus sign.
    #[error("key name {name:?} is empty or contains a space or a plus sign")]
    InvalidName {
        /// The refused name.
        name: String,
    },
    /// The key string does not have the `name+hash+key` shape.
    #[error("key string does not have the form name+hash+base64")]
    WrongShape,
    /// A signer key string does not start with `PRIVATE+KEY+`.
    #[error("signer key string does not start with PRIVATE+KEY+")]
    MissingPrivatePrefix,
    /// The key id is not 8 lowercase hexadecimal digits.
    #[error("key id {text:?} is not 8 lowercase hexadecimal digits")]
    KeyIdNotHex {
        /// The refused key id text.
        text: String,
    },
    /// The key material is not canonical standard base64.
    #[error("key material is not canonical base64")]
    KeyNotBase64,
    /// The key material names a signature type other than Ed25519.
    #[error("unsupported signature type 0x{algorithm:02x}")]
    UnsupportedAlgorithm {
        /// The signature type byte.
        algorithm: u8,
    },
    /// The key material has the wrong length.
    #[error("key material is {length} bytes, expected 33")]
    WrongKeyLength {
        /// The decoded length.
        length: usize,
    },
    /// The public key is not a valid Ed25519 point.
    #[error("public key is not a valid Ed25519 key")]
    InvalidPublicKey,
    /// The key id written in the key string is not the one computed from the key.
    #[error("key id {stated:08x} does not match the computed {computed:08x}")]
    KeyIdMismatch {
        /// The key id written in the key string.
        stated: u32,
        /// The key id computed from the name and key.
        computed: u32,
    },
}

/// Why a note could not be parsed, signed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note is larger than [`MAX_NOTE_SIZE`].
    #[error("note is {size} bytes, more than the {max} allowed")]
    TooLarge {
        /// The size of the note.
        size: usize,
        /// The largest size accepted.
        max: usize,
    },
    /// The note is not valid UTF-8.
    #[error("note is not valid UTF-8")]
    NotUtf8,
    /// The note contains an ASCII control character other than newline.
    #[error("note contains a control character at byte {offset}")]
    ControlCharacter {
        /// Byte offset of the character.
        offset: usize,
    },
    /// The note has no blank line separating the text from the signatures.
    #[error("note has no blank line before its signatures")]
    MissingSeparator,
    /// The note text is empty or does not end with a newline.
    #[error("note text is empty or does not end with a newline")]
    TextNotNewlineTerminated,
    /// The note has no signature line.
    #[error("note has no signature")]
    NoSignatures,
    /// The signature block does not end with a newline.
    #[error("note signatures do not end with a newline")]
    UnterminatedSignatures,
    /// A signature line is not `— name base64`.
    #[error("signature line {number} is malformed")]
    MalformedSignatureLine {
        /// The 1-based number of the signature line.
        number: usize,
    },
    /// A signature line names an invalid key name.
    #[error("signature line {number} has an invalid key name")]
    InvalidSignatureName {
        /// The 1-based number of the signature line.
        number: usize,
    },
    /// A signature is not canonical standard base64.
    #[error("signature line {number} is not canonical base64")]
    SignatureNotBase64 {
        /// The 1-based number of the signature line.
        number: usize,
    },
    /// A signature is too short to hold a key id and a signature.
    #[error("signature line {number} is too short")]
    SignatureTooShort {
        /// The 1-based number of the signature line.
        number: usize,
    },
    /// The note has more than [`MAX_SIGNATURES`] signatures.
    #[error("note has more than {max} signatures")]
    TooManySignatures {
        /// The most signatures accepted.
        max: usize,
    },
    /// A signature by a known key does not verify, so the whole note is rejected.
    #[error("signature by known key {name}+{key_id:08x} does not verify")]
    InvalidSignature {
        /// The key name.
        name: String,
        /// The key id.
        key_id: u32,
    },
    /// No signature by a known key was found.
    #[error("note has no signature by a known key")]
    NoKnownSignature,
}

/// Computes a signed-note key id: the first 4 bytes, big-endian, of
/// `SHA-256(name || 0x0A || type || public key)` (signed-note "Signatures").
pub fn key_id(name: &str, algorithm: u8, public_key: &[u8]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', algorithm]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Whether `name` is a valid key name: non-empty, without Unicode spaces or plus signs
/// (signed-note "Format").
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

fn check_name(name: &str) -> Result<(), KeyError> {
    if is_valid_key_name(name) {
        Ok(())
    } else {
        Err(KeyError::InvalidName {
            name: name.to_owned(),
        })
    }
}

/// Splits `name+hash+base64` into its parts and decodes the hash and the typed key material.
fn split_key_string(text: &str) -> Result<(&str, u32, [u8; 32]), KeyError> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(hash), Some(material)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(KeyError::WrongShape);
    };
    check_name(name)?;
    let is_lower_hex = |byte: u8| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte);
    if hash.len() != 8 || !hash.bytes().all(is_lower_hex) {
        return Err(KeyError::KeyIdNotHex {
            text: hash.to_owned(),
        });
    }
    let stated = u32::from_str_radix(hash, 16).map_err(|_| KeyError::KeyIdNotHex {
        text: hash.to_owned(),
    })?;
    let bytes = base64_strict::decode(material).map_err(|_| KeyError::KeyNotBase64)?;
    let Some((&algorithm, key)) = bytes.split_first() else {
        return Err(KeyError::WrongKeyLength { length: 0 });
    };
    if algorithm != ED25519_TYPE {
        return Err(KeyError::UnsupportedAlgorithm { algorithm });
    }
    let key: [u8; 32] = key.try_into().map_err(|_| KeyError::WrongKeyLength {
        length: bytes.len(),
    })?;
    Ok((name, stated, key))
}

/// A known Ed25519 public key with its name and key id, as written `name+hash+base64` in a
/// verifier key string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl Verifier {
    /// Parses a verifier key string `name+hash+base64(0x01 || public key)`, checking that the
    /// hash is the key id computed from the name and key (signed-note "Ed25519 signatures").
    pub fn parse(text: &str) -> Result<Verifier, KeyError> {
        let (name, stated, key) = split_key_string(text)?;
        let computed = key_id(name, ED25519_TYPE, &key);
        if stated != computed {
            return Err(KeyError::KeyIdMismatch { stated, computed });
        }
        let key = VerifyingKey::from_bytes(&key).map_err(|_| KeyError::InvalidPublicKey)?;
        Ok(Verifier {
            name: name.to_owned(),
            key_id: computed,
            key,
        })
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The raw 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Whether `signature` (without the key id) is a valid Ed25519 signature of `text` by this
    /// key (RFC 8032, strict verification).
    pub fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify_strict(text, &signature).is_ok()
    }
}

impl fmt::Display for Verifier {
    /// The verifier key string `name+hash+base64(0x01 || public key)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut material = vec![ED25519_TYPE];
        material.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            base64_strict::encode(&material)
        )
    }
}

/// An Ed25519 signing key with its name and key id. Its `Debug` output never shows the secret.
#[derive(Clone)]
pub struct Signer {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Makes the Ed25519 key of RFC 8032 from a 32-byte seed supplied by the caller (who draws
    /// it from a cryptographic random number generator), named `name`.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Signer, KeyError> {
        check_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let key_id = key_id(name, ED25519_TYPE, key.verifying_key().as_bytes());
        Ok(Signer {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// Parses a signer key string `PRIVATE+KEY+name+hash+base64(0x01 || seed)`, checking that
    /// the hash is the key id of the derived public key.
    pub fn parse(text: &str) -> Result<Signer, KeyError> {
        let rest = text
            .strip_prefix(PRIVATE_KEY_PREFIX)
            .ok_or(KeyError::MissingPrivatePrefix)?;
        let (name, stated, seed) = split_key_string(rest)?;
        let signer = Signer::from_seed(name, &seed)?;
        if stated != signer.key_id {
            return Err(KeyError::KeyIdMismatch {
                stated,
                computed: signer.key_id,
            });
        }
        Ok(signer)
    }

    /// The signer key string `PRIVATE+KEY+name+hash+base64(0x01 || seed)`. It is a secret.
    pub fn to_private_key_string(&self) -> String {
        let mut material = vec![ED25519_TYPE];
        material.extend_from_slice(self.key.as_bytes());
        format!(
            "{PRIVATE_KEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            base64_strict::encode(&material)
        )
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// Signs note text with Ed25519 (signed-note "Ed25519 signatures").
    pub fn sign(&self, text: &str) -> NoteSignature {
        let signature = self.key.sign(text.as_bytes());
        NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id,
            signature: signature.to_bytes().to_vec(),
        }
    }
}

/// A set of known verifiers, looked up by name and key id together.
#[derive(Debug, Clone, Default)]
pub struct VerifierSet {
    verifiers: Vec<Verifier>,
}

impl VerifierSet {
    /// A set holding the given verifiers.
    pub fn new(verifiers: impl IntoIterator<Item = Verifier>) -> VerifierSet {
        VerifierSet {
            verifiers: verifiers.into_iter().collect(),
        }
    }

    /// The verifier with this name and key id, if known.
    pub fn find(&self, name: &str, key_id: u32) -> Option<&Verifier> {
        self.verifiers
            .iter()
            .find(|verifier| verifier.key_id == key_id && verifier.name == name)
    }
}

/// One signature line of a note: the key name, the key id and the signature bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key id, big-endian first four bytes of the encoded signature.
    pub key_id: u32,
    /// The signature after the key id.
    pub signature: Vec<u8>,
}

impl fmt::Display for NoteSignature {
    /// The signature line `— name base64(key id || signature)`, with its newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.signature);
        writeln!(
            f,
            "{SIGNATURE_PREFIX}{} {}",
            self.name,
            base64_strict::encode(&bytes)
        )
    }
}

/// A note as written, text and signature lines, parsed but not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// Checks size, UTF-8 and control characters of a note or note text.
fn check_note_bytes(bytes: &[u8]) -> Result<&str, NoteError> {
    if bytes.len() > MAX_NOTE_SIZE {
        return Err(NoteError::TooLarge {
            size: bytes.len(),
            max: MAX_NOTE_SIZE,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
    if let Some(offset) = bytes.iter().position(|&byte| byte < 0x20 && byte != b'\n') {
        return Err(NoteError::ControlCharacter { offset });
    }
    Ok(text)
}

impl Note {
    /// Signs `text` with each signer (signed-note "Format"): the text must be non-empty,
    /// end with a newline and hold no control character other than newline.
    pub fn sign(text: &str, signers: &[&Signer]) -> Result<Note, NoteError> {
        check_note_bytes(text.as_bytes())?;
        if !text.ends_with('\n') {
            return Err(NoteError::TextNotNewlineTerminated);
        }
        if signers.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        if signers.len() > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures {
                max: MAX_SIGNATURES,
            });
        }
        let signatures = signers.iter().map(|signer| signer.sign(text)).collect();
        let note = Note {
            text: text.to_owned(),
            signatures,
        };
        let size = note.to_string().len();
        if size > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge {
                size,
                max: MAX_NOTE_SIZE,
            });
        }
        Ok(note)
    }

    /// Parses a signed note (signed-note "Format") without verifying it: the text up to the
    /// last blank line, then one or more lines `— name base64(key id || signature)`.
    pub fn parse(bytes: &[u8]) -> Result<Note, NoteError> {
        let message = check_note_bytes(bytes)?;
        let split = message.rfind("\n\n").ok_or(NoteError::MissingSeparator)?;
        let (text, block) = (&message[..=split], &message[split + 2..]);
        if block.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        let Some(block) = block.strip_suffix('\n') else {
            return Err(NoteError::UnterminatedSignatures);
        };
        let mut signatures = Vec::new();
        for (position, line) in block.split('\n').enumerate() {
            let number = position + 1;
            if number > MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures {
                    max: MAX_SIGNATURES,
                });
            }
            let (name, encoded) = line
                .strip_prefix(SIGNATURE_PREFIX)
                .and_then(|rest| rest.split_once(' '))
                .ok_or(NoteError::MalformedSignatureLine { number })?;
            if !is_valid_key_name(name) {
                return Err(NoteError::InvalidSignatureName { number });
            }
            let decoded = base64_strict::decode(encoded)
                .map_err(|_| NoteError::SignatureNotBase64 { number })?;
            let [a, b, c, d, signature @ ..] = decoded.as_slice() else {
                return Err(NoteError::SignatureTooShort { number });
            };
            if signature.is_empty() {
                return Err(NoteError::SignatureTooShort { number });
            }
            signatures.push(NoteSignature {
                name: name.to_owned(),
                key_id: u32::from_be_bytes([*a, *b, *c, *d]),
                signature: signature.to_vec(),
            });
        }
        Ok(Note {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The note text, final newline included.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signatures, in the order written.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// Verifies the note against known verifiers (signed-note "Signatures"): signatures from
    /// unknown keys (name and key id not both known) are ignored, every signature from a known
    /// key must verify, and at least one must. Returns the verifiers that signed.
    pub fn verify<'a>(&self, verifiers: &'a VerifierSet) -> Result<Vec<&'a Verifier>, NoteError> {
        let mut verified: Vec<&Verifier> = Vec::new();
        for signature in &self.signatures {
            let Some(verifier) = verifiers.find(&signature.name, signature.key_id) else {
                continue;
            };
            if !verifier.verify(self.text.as_bytes(), &signature.signature) {
                return Err(NoteError::InvalidSignature {
                    name: signature.name.clone(),
                    key_id: signature.key_id,
                });
            }
            if !verified.contains(&verifier) {
                verified.push(verifier);
            }
        }
        if verified.is_empty() {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(verified)
    }

    /// Parses and verifies a signed note in one step; see [`Note::parse`] and [`Note::verify`].
    pub fn open(bytes: &[u8], verifiers: &VerifierSet) -> Result<Note, NoteError> {
        let note = Note::parse(bytes)?;
        note.verify(verifiers)?;
        Ok(note)
    }
}

impl fmt::Display for Note {
    /// The note as written: text, blank line, signature lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.text)?;
        for signature in &self.signatures {
            write!(f, "{signature}")?;
        }
        Ok(())
    }
}
