//! Errors of the storage layer.

use amparo_model::RecordKind;
use uuid::Uuid;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else wrote the record since it was read.
    #[error(
        "{kind} {id} was changed by someone else (now at version {actual}, expected {expected}): reload it and apply your change again"
    )]
    Conflict {
        /// The record kind.
        kind: RecordKind,
        /// The record id.
        id: Uuid,
        /// The version the writer expected to replace (0 for a new record).
        expected: u32,
        /// The current version (0 when the record does not exist).
        actual: u32,
    },
    /// A row with this key is already stored (an API token's id or hash).
    #[error("{0} is already stored")]
    Duplicate(String),
    /// A record body is not a JSON object.
    #[error("the body of {kind} {id} is not a JSON object")]
    NotAnObject {
        /// The record kind.
        kind: RecordKind,
        /// The record id.
        id: Uuid,
    },
    /// A stored row could not be read back (a damaged database or a newer Amparo's data).
    #[error("stored data is damaged or from a newer Amparo: {0}")]
    Corrupt(String),
    /// A PostgreSQL schema name that could be misread as SQL.
    #[error("schema name {0:?} must be lowercase letters, digits and underscores")]
    InvalidSchemaName(String),
    /// A log proof was asked for sizes or an index the log does not have.
    #[error("{0}")]
    Proof(amparo_tlog::ProofError),
    /// The log holds fewer leaves than asked for.
    #[error("the evidence log has {available} leaves, fewer than the {requested} asked for")]
    LogTooShort {
        /// The leaves asked for.
        requested: u64,
        /// The leaves stored.
        available: u64,
    },
    /// Key material is wrong, damaged or destroyed.
    #[error("{0}")]
    Key(#[from] crate::KeyError),
    /// The keyring was rotated by another process since this one unlocked it.
    #[error(
        "the installation key was changed by another process: stop every Amparo process of this installation and start again"
    )]
    KeyringChanged,
    /// The backend cannot do this (a snapshot of a PostgreSQL database).
    #[error("{0}")]
    Unsupported(String),
    /// The database server or file failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The read-only connection that serves log tiles failed.
    #[error("database error while reading the evidence log: {0}")]
    TileReader(#[from] rusqlite::Error),
    /// A migration failed.
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}
