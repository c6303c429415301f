//! The evidence log as the store keeps it: leaves numbered without gaps, full level-0 tiles and
//! the interior nodes at tile height and above, and signed checkpoints.
//!
//! Both backends append leaves inside the write transaction that stores what they record, after
//! taking the store's write lock, so leaf numbers follow commit order and a version never exists
//! without its leaf. The in-memory [`TreeState`] is a cache of the stored nodes: it is checked
//! against the stored tree size before every append and reloaded whenever another process (or a
//! failed commit) left it behind.

use std::sync::{Arc, Mutex};

use amparo_model::RecordKind;
use amparo_tlog::{Hash, LeafKind, LeafV1, Role, SALT_LEN, TreeState, commit, leaf_hash};
use rand::RngCore;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{FieldSealer, StoreError};

/// The length of the three salts of one leaf, stored together.
pub const SALTS_LEN: usize = 3 * SALT_LEN;

/// The salts of a leaf's three commitments.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Salts {
    /// Salt of the actor commitment.
    pub actor: [u8; SALT_LEN],
    /// Salt of the subject commitment.
    pub subject: [u8; SALT_LEN],
    /// Salt of the content commitment.
    pub content: [u8; SALT_LEN],
}

impl std::fmt::Debug for Salts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Salts open commitments: keep them out of logs and panic messages.
        f.write_str("Salts(..)")
    }
}

impl Salts {
    /// Fresh random salts.
    pub fn random() -> Salts {
        let mut rng = rand::thread_rng();
        let mut salt = || {
            let mut salt = [0u8; SALT_LEN];
            rng.fill_bytes(&mut salt);
            salt
        };
        Salts {
            actor: salt(),
            subject: salt(),
            content: salt(),
        }
    }

    /// The stored form: actor, subject and content salts concatenated.
    pub fn to_bytes(&self) -> [u8; SALTS_LEN] {
        let mut bytes = [0u8; SALTS_LEN];
        bytes[..SALT_LEN].copy_from_slice(&self.actor);
        bytes[SALT_LEN..2 * SALT_LEN].copy_from_slice(&self.subject);
        bytes[2 * SALT_LEN..].copy_from_slice(&self.content);
        bytes
    }

    /// Reads the stored form.
    pub fn from_bytes(bytes: &[u8]) -> Option<Salts> {
        if bytes.len() != SALTS_LEN {
            return None;
        }
        let part = |i: usize| {
            let mut salt = [0u8; SALT_LEN];
            salt.copy_from_slice(&bytes[i * SALT_LEN..(i + 1) * SALT_LEN]);
            salt
        };
        Some(Salts {
            actor: part(0),
            subject: part(1),
            content: part(2),
        })
    }
}

/// A leaf to append that records something other than a record version (an export, a bundle, an
/// audit event): the caller builds it and keeps the committed values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogAppend {
    /// The leaf.
    pub leaf: LeafV1,
    /// The salts of its commitments.
    pub salts: Salts,
}

impl LogAppend {
    /// A leaf committing to `actor`, `subject` and `content` with fresh salts.
    pub fn new(
        kind: LeafKind,
        at: OffsetDateTime,
        actor: &str,
        subject: &str,
        content: &[u8],
    ) -> Self {
        let salts = Salts::random();
        let leaf = LeafV1 {
            kind,
            time_micros: crate::types::to_micros(at),
            actor: commit(Role::Actor, &salts.actor, actor.as_bytes()),
            subject: commit(Role::Subject, &salts.subject, subject.as_bytes()),
            content: commit(Role::Content, &salts.content, content),
        };
        LogAppend { leaf, salts }
    }
}

/// One stored leaf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Its index in the log, from 0.
    pub index: u64,
    /// The stored leaf bytes (a version 1 leaf is 106 bytes).
    pub leaf: Vec<u8>,
    /// The salts of its commitments.
    pub salts: Salts,
    /// The record version it records, if it records one.
    pub record: Option<(RecordKind, Uuid, u32)>,
}

/// A stored signed checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// The tree size it commits to.
    pub size: u64,
    /// The signed note, exactly as signed.
    pub note: String,
    /// When it was signed.
    pub signed_at: OffsetDateTime,
}

/// The subject a record version's leaf commits to: `person <id> v3`.
pub fn version_subject(kind: RecordKind, id: Uuid, version: u32) -> String {
    format!("{} {id} v{version}", kind.as_str())
}

/// The content a record version's leaf commits to: for the first version of a capture, the
/// lowercase hex SHA-256 of the captured bytes (so that a bundle can open it from the bytes
/// alone); for every other version, its body as compact JSON with object members sorted by key
/// (`null` for a tombstone).
pub fn version_content(
    kind: RecordKind,
    version: u32,
    body: Option<&serde_json::Value>,
) -> Vec<u8> {
    if kind == RecordKind::Capture
        && version == 1
        && let Some(sha256) = body
            .and_then(|body| body.get("sha256"))
            .and_then(|v| v.as_str())
    {
        return sha256.as_bytes().to_vec();
    }
    // serde_json's map is ordered by key (no `preserve_order`), so this is canonical.
    match body {
        Some(body) => serde_json::to_vec(body).unwrap_or_default(),
        None => b"null".to_vec(),
    }
}

/// The leaf kind of a record version: the first version of a capture is a capture.
pub fn version_leaf_kind(kind: RecordKind, version: u32) -> LeafKind {
    if kind == RecordKind::Capture && version == 1 {
        LeafKind::Capture
    } else {
        LeafKind::RecordVersion
    }
}

/// A leaf waiting to be appended in a write transaction.
#[derive(Clone, Debug)]
pub(crate) struct PendingLeaf {
    pub leaf: [u8; amparo_tlog::LEAF_V1_LEN],
    pub salts: [u8; SALTS_LEN],
    pub record: Option<(RecordKind, Uuid, u32)>,
}

impl PendingLeaf {
    pub fn for_version(
        kind: RecordKind,
        id: Uuid,
        version: u32,
        body: Option<&serde_json::Value>,
        actor: &str,
        recorded_at: OffsetDateTime,
    ) -> PendingLeaf {
        let append = LogAppend::new(
            version_leaf_kind(kind, version),
            recorded_at,
            actor,
            &version_subject(kind, id, version),
            &version_content(kind, version, body),
        );
        PendingLeaf {
            leaf: append.leaf.encode(),
            salts: append.salts.to_bytes(),
            record: Some((kind, id, version)),
        }
    }

    /// The leaf of a stored version (a tombstone commits to `null`).
    pub fn for_stored(version: &crate::StoredVersion) -> PendingLeaf {
        PendingLeaf::for_version(
            version.kind,
            version.id,
            version.version,
            (!version.deleted).then_some(&version.body),
            &version.actor,
            version.recorded_at,
        )
    }

    pub fn from_append(append: &LogAppend) -> PendingLeaf {
        PendingLeaf {
            leaf: append.leaf.encode(),
            salts: append.salts.to_bytes(),
            record: None,
        }
    }

    pub fn hash(&self) -> Hash {
        leaf_hash(&self.leaf)
    }
}

/// The in-memory tree state shared by one store's connections.
#[derive(Debug, Default)]
pub(crate) struct LogCache {
    state: Mutex<Option<Arc<TreeState>>>,
}

impl LogCache {
    /// The cached state, if any.
    pub fn get(&self) -> Option<Arc<TreeState>> {
        self.state.lock().ok().and_then(|state| state.clone())
    }

    /// Forgets the state (before a write that may not commit).
    pub fn invalidate(&self) {
        if let Ok(mut state) = self.state.lock() {
            *state = None;
        }
    }

    /// Keeps a state known to match the committed tree, unless a larger one is kept already.
    pub fn offer(&self, offered: Arc<TreeState>) {
        if let Ok(mut state) = self.state.lock()
            && state
                .as_ref()
                .is_none_or(|kept| kept.size() < offered.size())
        {
            *state = Some(offered);
        }
    }

    /// Keeps the state a writer just committed.
    pub fn set(&self, committed: Arc<TreeState>) {
        if let Ok(mut state) = self.state.lock() {
            *state = Some(committed);
        }
    }
}

/// Splits a stored level-0 tile into the hashes of its levels.
pub(crate) fn tile_hashes(bytes: &[u8]) -> Result<Vec<Hash>, StoreError> {
    if bytes.len() != amparo_tlog::TILE_NODES * 32 {
        return Err(StoreError::Corrupt(format!(
            "a log tile holds {} bytes, not {}",
            bytes.len(),
            amparo_tlog::TILE_NODES * 32
        )));
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|chunk| {
            let mut hash = [0u8; 32];
            hash.copy_from_slice(chunk);
            Hash(hash)
        })
        .collect())
}

/// Reads a stored 32-byte hash.
pub(crate) fn stored_hash(bytes: &[u8]) -> Result<Hash, StoreError> {
    Hash::from_slice(bytes).map_err(|error| StoreError::Corrupt(format!("log node: {error}")))
}

/// Reads a stored leaf's record columns.
pub(crate) fn stored_record(
    kind: Option<String>,
    id: Option<String>,
    version: Option<i64>,
) -> Result<Option<(RecordKind, Uuid, u32)>, StoreError> {
    match (kind, id, version) {
        (Some(kind), Some(id), Some(version)) => Ok(Some((
            crate::types::parse_kind(&kind)?,
            crate::types::parse_id(&id)?,
            u32::try_from(version)
                .map_err(|_| StoreError::Corrupt(format!("log leaf version {version}")))?,
        ))),
        (None, None, None) => Ok(None),
        _ => Err(StoreError::Corrupt(
            "a log leaf names a record only in part".to_owned(),
        )),
    }
}

/// The `salts` column of a leaf to store: sealed when the keyring is unlocked, in clear (the
/// [`SALTS_LEN`] bytes) otherwise.
pub(crate) fn salts_column(
    index: u64,
    leaf: &PendingLeaf,
    sealer: Option<&FieldSealer>,
) -> Vec<u8> {
    match sealer {
        Some(sealer) => sealer.seal_salts(index, &leaf.salts),
        None => leaf.salts.to_vec(),
    }
}

/// Reads a stored leaf's salts: in clear (written before salts were sealed, or without a
/// keyring), or sealed, which needs the unlocked keyring.
pub(crate) fn stored_salts(
    bytes: &[u8],
    index: u64,
    sealer: Option<&FieldSealer>,
) -> Result<Salts, StoreError> {
    if bytes.len() == SALTS_LEN {
        return Salts::from_bytes(bytes)
            .ok_or_else(|| StoreError::Corrupt(format!("log salts of {} bytes", bytes.len())));
    }
    match sealer {
        Some(sealer) => sealer.open_salts(index, bytes),
        None => Err(StoreError::Corrupt(
            "the evidence log's salts are sealed and the keyring is not unlocked".to_owned(),
        )),
    }
}
