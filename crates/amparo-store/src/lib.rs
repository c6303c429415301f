//! Amparo's storage: the [`Store`] trait for versioned records and its outbox, with SQLite and
//! PostgreSQL backends, and the content-addressed [`BlobStore`].
//!
//! The store knows SQL and JSON, not the domain: a record body is a JSON object whose
//! `sensitive` member, when present, is kept in a column of its own so that it can be encrypted
//! and withheld separately.

mod audit;
mod blob;
mod error;
mod feeds;
mod fields;
mod keyring;
mod keys;
mod log;
mod postgres;
mod postgres_keys;
mod seal;
mod sqlite;
mod sqlite_keys;
mod types;

pub use audit::{AuditEvent, AuditFilter};
pub use blob::{BlobInfo, BlobKey, BlobStore, BlobWriteError, ListedBlob};
pub use error::StoreError;
pub use feeds::{
    FeedPoll, FeedRow, FeedSettings, JobCounts, JobFilter, JobOutcome, JobRow, JobState,
};
pub use fields::FieldSealer;
pub use keyring::{
    BLOB_KEY, BLOB_NAME_KEY, KeySource, Keyring, KeyringRow, KeyringStatus, LOG_SALTS_KEY,
    LOG_SIGNING_KEY, SECRETS_KEY, SENSITIVE_PURPOSE, WrappedKeyRow,
};
pub use keys::{DataKey, InstallationKey, KdfParams, KeyError};
pub use log::{
    LogAppend, LogEntry, SALTS_LEN, Salts, StoredCheckpoint, version_content, version_leaf_kind,
    version_subject,
};
pub use postgres::PostgresStore;
pub use seal::{OpenFailed, Opener, Sealer};
pub use sqlite::SqliteStore;
pub use types::{
    ApiTokenRow, Change, ListOptions, OutboxEntry, SecondFactorRow, StoredVersion, sealed_members,
};

use std::sync::Arc;

use amparo_model::RecordKind;
use amparo_tlog::{Hash, ProofError, TiledSource, TreeState};
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

/// Changes committed through any store of this process: record writes, and destroyed data keys
/// (which change what a sensitive field reads back as).
static LOCAL_WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many changes this process has committed to any store so far. Derived views compare it
/// with the value they were built at to see at once, without asking the database, that this
/// process changed something; other processes' changes are only seen by reading the outbox.
pub fn local_writes() -> u64 {
    LOCAL_WRITES.load(std::sync::atomic::Ordering::Acquire)
}

fn note_local_write() {
    LOCAL_WRITES.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
}

/// Versioned records with an outbox of changes.
///
/// Every write adds a new version; nothing is ever overwritten or hard-deleted, and a delete is a
/// tombstone version. Each version also enters the outbox, whose sequence numbers grow in commit
/// order, so that derived views can tail it without missing a change.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Writes every change in one transaction: all versions and outbox entries commit, or none.
    ///
    /// A change whose `expected_version` is not the record's current version fails with
    /// [`StoreError::Conflict`] and nothing is written.
    async fn write(&self, changes: &[Change]) -> Result<Vec<StoredVersion>, StoreError>;

    /// The current version of a record, tombstones included.
    async fn get(&self, kind: RecordKind, id: Uuid) -> Result<Option<StoredVersion>, StoreError>;

    /// One version of a record.
    async fn get_version(
        &self,
        kind: RecordKind,
        id: Uuid,
        version: u32,
    ) -> Result<Option<StoredVersion>, StoreError>;

    /// The current versions of records of `kind`, ordered by id.
    async fn list(
        &self,
        kind: RecordKind,
        options: &ListOptions,
    ) -> Result<Vec<StoredVersion>, StoreError>;

    /// The current, undeleted records of `kind` whose current version links to the record
    /// `target_id` of `target_kind`, ordered by id.
    async fn referring(
        &self,
        kind: RecordKind,
        target_kind: RecordKind,
        target_id: Uuid,
    ) -> Result<Vec<StoredVersion>, StoreError>;

    /// Every version of a record, oldest first.
    async fn history(&self, kind: RecordKind, id: Uuid) -> Result<Vec<StoredVersion>, StoreError>;

    /// The `limit` most recent outbox entries, newest first.
    async fn latest_outbox(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError>;

    /// Outbox entries after `after_seq`, in sequence order, at most `limit`.
    async fn outbox_since(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError>;

    /// The versions written after outbox sequence `after_seq`, in sequence order, with their
    /// sequence numbers; used for exports.
    async fn versions_since(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<(u64, StoredVersion)>, StoreError>;

    /// Counts records of `kind` (tombstoned ones excluded).
    async fn count(&self, kind: RecordKind) -> Result<u64, StoreError>;

    /// Takes the next value of the named counter (starting at 1), durably.
    async fn next_in_sequence(&self, name: &str) -> Result<u64, StoreError>;

    /// Raises the named counter to at least `value` (after an import).
    async fn raise_sequence(&self, name: &str, value: u64) -> Result<(), StoreError>;

    /// Stores a user's password hash (kept out of the versioned records).
    async fn set_password_hash(&self, user_id: Uuid, hash: &str) -> Result<(), StoreError>;

    /// A user's password hash.
    async fn password_hash(&self, user_id: Uuid) -> Result<Option<String>, StoreError>;

    /// Stores a new API token (only the hash of its secret). A token whose id or hash is
    /// already stored is refused with [`StoreError::Duplicate`].
    async fn create_api_token(&self, token: &ApiTokenRow) -> Result<(), StoreError>;

    /// The API token whose secret hashes to `token_hash`, revoked or not.
    async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiTokenRow>, StoreError>;

    /// API tokens, revoked ones included, of one user or of everyone, oldest first.
    async fn list_api_tokens(&self, user_id: Option<Uuid>) -> Result<Vec<ApiTokenRow>, StoreError>;

    /// Marks a token revoked at `at`. Returns whether a token that was not yet revoked was
    /// found; revoking twice keeps the first time.
    async fn revoke_api_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError>;

    /// Records that a token was used at `at`.
    async fn touch_api_token(&self, id: Uuid, at: OffsetDateTime) -> Result<(), StoreError>;

    /// The keyring row (how the installation key is obtained, and its check value), if the
    /// installation has one.
    async fn keyring(&self) -> Result<Option<KeyringRow>, StoreError>;

    /// Stores a new keyring and its first data keys in one transaction; refused with
    /// [`StoreError::Duplicate`] when the installation already has a keyring.
    async fn create_keyring(
        &self,
        keyring: &KeyringRow,
        keys: &[WrappedKeyRow],
    ) -> Result<(), StoreError>;

    /// One stored data key, destroyed or not.
    async fn data_key(&self, id: &str) -> Result<Option<WrappedKeyRow>, StoreError>;

    /// Every stored data key, destroyed ones included, by id.
    async fn data_keys(&self) -> Result<Vec<WrappedKeyRow>, StoreError>;

    /// Stores new data keys wrapped under the key of keyring `generation`; refused with
    /// [`StoreError::KeyringChanged`] when the keyring was rotated since, and with
    /// [`StoreError::Duplicate`] when an id is taken.
    async fn add_data_keys(
        &self,
        generation: u64,
        keys: &[WrappedKeyRow],
    ) -> Result<(), StoreError>;

    /// In one transaction, replaces the keyring row (if it is still at `expected_generation`)
    /// and the wrapping of every live data key with `rewrapped` (id, wrapped). Returns false,
    /// writing nothing, when the generation moved or `rewrapped` does not name every live key.
    async fn replace_keyring(
        &self,
        expected_generation: u64,
        keyring: &KeyringRow,
        rewrapped: &[(String, Vec<u8>)],
    ) -> Result<bool, StoreError>;

    /// Destroys a data key (its wrapped bytes are erased; the row stays as a record that it
    /// existed). Returns whether a live key was destroyed.
    async fn destroy_data_key(&self, id: &str, at: OffsetDateTime) -> Result<bool, StoreError>;

    /// How many data keys are destroyed. When the count has changed since the last call, every
    /// data key held in memory is forgotten first, so that a key destroyed by another process
    /// (`amparo key purge` while a server runs) is not used again; callers that keep opened
    /// values (the app's views) compare the count to drop theirs.
    async fn destroyed_keys(&self) -> Result<u64, StoreError>;

    /// Seals the `sensitive` member of every version written from now on under a data key of
    /// its own, and opens sealed members on every read (see [`Keyring::seal_fields`]).
    fn seal_fields_with(&self, sealer: Arc<FieldSealer>);

    /// Destroys the data key sealing the sensitive fields of one version (a purge): from then
    /// on the version reads back without them, marked [`StoredVersion::sensitive_purged`], in
    /// this database and in every backup of it. Returns whether a live key was destroyed.
    async fn purge_sensitive(
        &self,
        kind: RecordKind,
        id: Uuid,
        version: u32,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Stores a new feed subscription. A subscription whose id or URL is already stored is
    /// refused with [`StoreError::Duplicate`].
    async fn add_feed(&self, feed: &FeedRow) -> Result<(), StoreError>;

    /// A feed subscription.
    async fn feed(&self, id: Uuid) -> Result<Option<FeedRow>, StoreError>;

    /// Every feed subscription, oldest first.
    async fn feeds(&self) -> Result<Vec<FeedRow>, StoreError>;

    /// Replaces a subscription's settings, leaving its polling state and lease alone. Returns
    /// whether the feed exists.
    async fn save_feed_settings(
        &self,
        id: Uuid,
        settings: &FeedSettings,
    ) -> Result<bool, StoreError>;

    /// Replaces a subscription's polling state and releases its lease, leaving its settings
    /// alone. Returns whether the feed exists.
    async fn save_feed_poll(&self, id: Uuid, poll: &FeedPoll) -> Result<bool, StoreError>;

    /// Removes a subscription and its pending jobs (done and failed ones stay, as history).
    /// Returns whether it existed.
    async fn delete_feed(&self, id: Uuid) -> Result<bool, StoreError>;

    /// Takes up to `limit` feeds that are due (not paused, `next_poll_at` unset or at or
    /// before `now`, no lease beyond `now`), earliest due first, and leases them until
    /// `until`. Two callers never take the same feed while its lease holds.
    async fn lease_due_feeds(
        &self,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<FeedRow>, StoreError>;

    /// Enqueues jobs in one transaction, skipping any whose (kind, key) is already stored in
    /// whatever state. Returns the ids of the jobs added, in the order given.
    async fn enqueue_jobs(&self, jobs: &[JobRow]) -> Result<Vec<Uuid>, StoreError>;

    /// Takes up to `limit` pending jobs of `kind` that are due (`not_before` at or before
    /// `now`, no lease beyond `now`), oldest `not_before` first, leases them until `until`
    /// and counts the attempt. Two callers never take the same job while its lease holds.
    async fn lease_jobs(
        &self,
        kind: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<JobRow>, StoreError>;

    /// Records how a job ended and releases its lease. Returns whether the job exists.
    async fn finish_job(&self, id: Uuid, outcome: &JobOutcome) -> Result<bool, StoreError>;

    /// Records how several jobs ended, in one transaction (one sync to disk for a batch).
    /// Returns how many of them exist.
    async fn finish_jobs(&self, outcomes: &[(Uuid, JobOutcome)]) -> Result<u64, StoreError>;

    /// A job by its kind and key.
    async fn job_by_key(&self, kind: &str, key: &str) -> Result<Option<JobRow>, StoreError>;

    /// Jobs, newest first (by `created_at`, then id).
    async fn jobs(&self, filter: &JobFilter) -> Result<Vec<JobRow>, StoreError>;

    /// How many jobs each feed has in each state (jobs without a feed under `None`).
    async fn job_counts(&self) -> Result<Vec<(Option<Uuid>, JobCounts)>, StoreError>;

    /// Makes failed jobs (of one feed, or all) pending again, due at `now`, with their
    /// attempts reset. Returns how many.
    async fn retry_failed_jobs(
        &self,
        feed_id: Option<Uuid>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    /// Appends leaves that record something other than a record version, in one transaction
    /// that is durable when this returns. Returns the index of the first.
    async fn append_log(&self, entries: &[LogAppend]) -> Result<u64, StoreError>;

    /// The number of leaves in the evidence log.
    async fn log_size(&self) -> Result<u64, StoreError>;

    /// Up to `limit` leaves from index `start` on, in index order.
    async fn log_entries(&self, start: u64, limit: u32) -> Result<Vec<LogEntry>, StoreError>;

    /// The leaf of one record version.
    async fn log_entry_for_version(
        &self,
        kind: RecordKind,
        id: Uuid,
        version: u32,
    ) -> Result<Option<LogEntry>, StoreError>;

    /// The full level-0 tile `index`, if that tile is full: every level of its subtree, its 256
    /// leaf hashes first (`amparo_tlog::tile_levels`).
    async fn log_tile(&self, index: u64) -> Result<Option<Vec<Hash>>, StoreError>;

    /// The tree state of at least `size` leaves (the cached one when it is large enough).
    async fn log_state(&self, size: u64) -> Result<Arc<TreeState>, StoreError>;

    /// Stores a signed checkpoint; a second one for the same size is ignored (returns false).
    async fn add_log_checkpoint(&self, checkpoint: &StoredCheckpoint) -> Result<bool, StoreError>;

    /// The checkpoint of the largest tree size.
    async fn latest_log_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError>;

    /// Every stored checkpoint, smallest tree first.
    async fn log_checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError>;

    /// A user's TOTP second factor, confirmed or pending.
    async fn second_factor(&self, user_id: Uuid) -> Result<Option<SecondFactorRow>, StoreError>;

    /// Stores a user's second factor in place of any other, and replaces the user's recovery
    /// codes with `recovery_code_hashes` (unused), in one transaction.
    async fn save_second_factor(
        &self,
        row: &SecondFactorRow,
        recovery_code_hashes: &[String],
    ) -> Result<(), StoreError>;

    /// Records that the code of time step `step` was accepted, if the user's confirmed second
    /// factor has accepted no code of `step` or a later step. Returns whether it was recorded:
    /// false means a replayed (or older) code, or no confirmed second factor.
    async fn advance_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool, StoreError>;

    /// Removes a user's second factor and recovery codes. Returns whether there was one.
    async fn delete_second_factor(&self, user_id: Uuid) -> Result<bool, StoreError>;

    /// Marks the user's unused recovery code with this hash used at `at`. Returns whether such
    /// an unused code existed (each code works once).
    async fn use_recovery_code(
        &self,
        user_id: Uuid,
        code_hash: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// How many unused recovery codes a user has.
    async fn recovery_codes_left(&self, user_id: Uuid) -> Result<u32, StoreError>;

    /// Revokes every unrevoked API token of a user at `at`. Returns how many.
    async fn revoke_user_api_tokens(
        &self,
        user_id: Uuid,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    /// Stores audit events, in order, in one transaction (their `seq` is given by the store).
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError>;

    /// The audit events the filter selects, newest first.
    async fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError>;

    /// Writes a consistent copy of the whole database into the new file `path` while other
    /// connections go on writing (`VACUUM INTO` on SQLite), for `amparo backup`. PostgreSQL is
    /// backed up with its own tools (pg_dump): [`StoreError::Unsupported`].
    async fn snapshot_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        let _ = path;
        Err(StoreError::Unsupported(
            "this database is PostgreSQL: back it up with pg_dump (it holds the records, the \
             evidence log and the wrapped data keys); `amparo backup` covers installations on \
             the embedded SQLite database"
                .to_owned(),
        ))
    }

    /// The root hash of the first `size` leaves.
    async fn log_root(&self, size: u64) -> Result<Hash, StoreError> {
        let state = self.log_state(size).await?;
        let mut source = state.source(size);
        loop {
            match source.root() {
                Ok(root) => return Ok(root),
                Err(missing) => add_tiles(self, &mut source, missing).await?,
            }
        }
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 2.1.3.1).
    async fn log_inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, StoreError> {
        let state = self.log_state(size).await?;
        let mut source = state.source(size);
        loop {
            match source.inclusion(index) {
                Ok(proof) => return proof.map_err(StoreError::Proof),
                Err(missing) => add_tiles(self, &mut source, missing).await?,
            }
        }
    }

    /// The consistency proof from the tree of `old_size` leaves to that of `new_size` (RFC 9162
    /// 2.1.4.1).
    async fn log_consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, StoreError> {
        if old_size > new_size {
            return Err(StoreError::Proof(ProofError::SizesReversed {
                old_size,
                new_size,
            }));
        }
        let state = self.log_state(new_size).await?;
        let mut source = state.source(new_size);
        loop {
            match source.consistency(old_size) {
                Ok(proof) => return proof.map_err(StoreError::Proof),
                Err(missing) => add_tiles(self, &mut source, missing).await?,
            }
        }
    }
}

/// Fetches the level-0 tiles a proof asked for.
async fn add_tiles<S: Store + ?Sized>(
    store: &S,
    source: &mut TiledSource<'_>,
    missing: Vec<u64>,
) -> Result<(), StoreError> {
    for index in missing {
        let hashes = store.log_tile(index).await?.ok_or_else(|| {
            StoreError::Corrupt(format!("log tile {index} is missing from storage"))
        })?;
        source.add_tile(index, hashes);
    }
    Ok(())
}
