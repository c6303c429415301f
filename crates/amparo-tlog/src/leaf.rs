//! Amparo's log leaf, encoding version 1: what one entry of the evidence log says, and nothing
//! more. A leaf names the kind of entry and its time, and three salted commitments — to who acted,
//! to what the entry is about, and to its content — so that a published log reveals neither a
//! name, nor which file was held, nor who read which person. Holding a commitment's salt and
//! value, anyone can open it; without them it is a random-looking hash.
//!
//! The encoding is fixed-length and canonical (docs/evidence-leaf.md):
//!
//! ```text
//! offset  size  field
//!      0     1  version = 0x01
//!      1     1  kind (1 capture, 2 record version, 3 export, 4 audit)
//!      2     8  time, microseconds since 1970-01-01T00:00:00Z, signed big-endian
//!     10    32  actor commitment
//!     42    32  subject commitment
//!     74    32  content commitment
//! ```
//!
//! A commitment is `SHA-256("amparo-commitment-v1" || 0x00 || role || 0x00 || salt || value)`
//! with a 32-byte random salt per commitment and `role` one of `actor`, `subject`, `content`.
//! The Merkle leaf hash is RFC 6962's `SHA-256(0x00 || encoding)`.

use sha2::{Digest, Sha256};

use crate::hash::{Hash, leaf_hash};

/// The encoding version this module writes.
pub const LEAF_VERSION: u8 = 1;
/// The length in bytes of a version 1 leaf.
pub const LEAF_V1_LEN: usize = 106;
/// The length in bytes of a commitment's salt.
pub const SALT_LEN: usize = 32;

const COMMITMENT_DOMAIN: &[u8] = b"amparo-commitment-v1";

/// What a leaf records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeafKind {
    /// Bytes were captured.
    Capture,
    /// A version of a record was written.
    RecordVersion,
    /// Data left the installation (an export or a bundle).
    Export,
    /// Someone read or did something the audit trail keeps (a sign-in, a sensitive read).
    Audit,
}

impl LeafKind {
    /// The byte that stands for the kind in the encoding.
    pub fn code(self) -> u8 {
        match self {
            LeafKind::Capture => 1,
            LeafKind::RecordVersion => 2,
            LeafKind::Export => 3,
            LeafKind::Audit => 4,
        }
    }

    /// The kind a byte stands for.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(LeafKind::Capture),
            2 => Some(LeafKind::RecordVersion),
            3 => Some(LeafKind::Export),
            4 => Some(LeafKind::Audit),
            _ => None,
        }
    }
}

/// What a commitment commits to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Who acted.
    Actor,
    /// What the entry is about (a capture or record id and version).
    Subject,
    /// The entry's content (the captured bytes' SHA-256, a record version's canonical JSON).
    Content,
}

impl Role {
    fn label(self) -> &'static [u8] {
        match self {
            Role::Actor => b"actor",
            Role::Subject => b"subject",
            Role::Content => b"content",
        }
    }
}

/// The salted commitment to `value` in `role`.
pub fn commit(role: Role, salt: &[u8; SALT_LEN], value: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(COMMITMENT_DOMAIN);
    hasher.update([0x00]);
    hasher.update(role.label());
    hasher.update([0x00]);
    hasher.update(salt);
    hasher.update(value);
    Hash(hasher.finalize().into())
}

/// One entry of the evidence log, as published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeafV1 {
    /// What the entry records.
    pub kind: LeafKind,
    /// When, in microseconds since the Unix epoch.
    pub time_micros: i64,
    /// Commitment to who acted.
    pub actor: Hash,
    /// Commitment to what the entry is about.
    pub subject: Hash,
    /// Commitment to the entry's content.
    pub content: Hash,
}

/// Why bytes are not a version 1 leaf.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LeafError {
    /// The bytes have the wrong length.
    #[error("a version 1 leaf is {LEAF_V1_LEN} bytes long, these are {0}")]
    Length(usize),
    /// The version byte is not one this reader knows.
    #[error("leaf encoding version {0} is not known here (this reader knows version 1)")]
    Version(u8),
    /// The kind byte is not a known kind.
    #[error("leaf kind {0} is not known (1 capture, 2 record version, 3 export, 4 audit)")]
    Kind(u8),
}

impl LeafV1 {
    /// The canonical encoding.
    pub fn encode(&self) -> [u8; LEAF_V1_LEN] {
        let mut bytes = [0u8; LEAF_V1_LEN];
        bytes[0] = LEAF_VERSION;
        bytes[1] = self.kind.code();
        bytes[2..10].copy_from_slice(&self.time_micros.to_be_bytes());
        bytes[10..42].copy_from_slice(&self.actor.0);
        bytes[42..74].copy_from_slice(&self.subject.0);
        bytes[74..106].copy_from_slice(&self.content.0);
        bytes
    }

    /// Reads a leaf from its encoding; every byte string of the right length with a known
    /// version and kind is a leaf, and encodes back to the same bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, LeafError> {
        if bytes.len() != LEAF_V1_LEN {
            return Err(LeafError::Length(bytes.len()));
        }
        if bytes[0] != LEAF_VERSION {
            return Err(LeafError::Version(bytes[0]));
        }
        let kind = LeafKind::from_code(bytes[1]).ok_or(LeafError::Kind(bytes[1]))?;
        let mut time = [0u8; 8];
        time.copy_from_slice(&bytes[2..10]);
        let hash_at = |start: usize| {
            let mut hash = [0u8; 32];
            hash.copy_from_slice(&bytes[start..start + 32]);
            Hash(hash)
        };
        Ok(Self {
            kind,
            time_micros: i64::from_be_bytes(time),
            actor: hash_at(10),
            subject: hash_at(42),
            content: hash_at(74),
        })
    }

    /// The RFC 6962 leaf hash of the encoding: what the Merkle tree holds.
    pub fn merkle_hash(&self) -> Hash {
        leaf_hash(&self.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> LeafV1 {
        let salt = [7u8; SALT_LEN];
        LeafV1 {
            kind: LeafKind::Capture,
            time_micros: 1_764_442_333_123_456,
            actor: commit(Role::Actor, &salt, b"cli:alice"),
            subject: commit(
                Role::Subject,
                &salt,
                b"capture 0193b2c4-7d1e-7c3a-9f00-000000000001",
            ),
            content: commit(
                Role::Content,
                &salt,
                b"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        }
    }

    #[test]
    fn encodes_canonically_and_decodes_back() {
        let leaf = sample();
        let bytes = leaf.encode();
        assert_eq!(bytes.len(), LEAF_V1_LEN);
        assert_eq!(bytes[0], 1);
        assert_eq!(bytes[1], 1);
        assert_eq!(LeafV1::decode(&bytes), Ok(leaf));
    }

    #[test]
    fn refuses_what_is_not_a_v1_leaf() {
        let bytes = sample().encode();
        assert_eq!(LeafV1::decode(&bytes[..105]), Err(LeafError::Length(105)));
        let mut other = bytes;
        other[0] = 2;
        assert_eq!(LeafV1::decode(&other), Err(LeafError::Version(2)));
        other[0] = 1;
        other[1] = 9;
        assert_eq!(LeafV1::decode(&other), Err(LeafError::Kind(9)));
    }

    #[test]
    fn commitments_hide_and_bind() {
        let salt = [1u8; SALT_LEN];
        let other_salt = [2u8; SALT_LEN];
        let value = b"P-0021";
        assert_ne!(
            commit(Role::Actor, &salt, value),
            commit(Role::Actor, &other_salt, value)
        );
        assert_ne!(
            commit(Role::Actor, &salt, value),
            commit(Role::Subject, &salt, value)
        );
        assert_eq!(
            commit(Role::Actor, &salt, value),
            commit(Role::Actor, &salt, value)
        );
    }
}
