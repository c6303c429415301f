//! The embedded SQLite backend (WAL, synchronous commits), the default of every installation.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use amparo_model::RecordKind;
use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::feeds::{
    FEED_COLUMNS, JOB_COLUMNS, JobFinish, collect_job_counts, duplicate_feed, feed_from_row,
    ids_json, job_from_row, sort_leased_feeds, sort_leased_jobs, stored_count, strings_json,
};
use crate::fields::{SealerSlot, sealer_of};
use crate::log::{
    LogCache, PendingLeaf, salts_column, stored_hash, stored_record, stored_salts, tile_hashes,
};
use crate::types::{
    from_micros, join_body, optional_micros, parse_id, parse_kind, references_of, split_body,
    to_micros,
};
use crate::{
    ApiTokenRow, Change, FeedPoll, FeedRow, FeedSettings, JobCounts, JobFilter, JobOutcome, JobRow,
    JobState, ListOptions, LogAppend, LogEntry, OutboxEntry, SecondFactorRow, Store, StoreError,
    StoredCheckpoint, StoredVersion,
};
use crate::{KeyringRow, WrappedKeyRow};
use amparo_tlog::{Hash, Node, TreeState, leaf_hash};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::sync::Arc;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

const VERSION_COLUMNS: &str = "kind, id, version, deleted, body, sensitive, actor, recorded_at";

/// A [`Store`] in one SQLite database file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    log: Arc<LogCache>,
    /// Seals sensitive fields once the keyring is unlocked (`fields.rs`).
    fields: SealerSlot,
    /// A synchronous read-only connection of its own for log tiles. A proof reads one or two
    /// tiles by primary key, which SQLite answers in a few microseconds from the page cache;
    /// through the pool, the hand-off to sqlx's worker thread costs ten times that, and the
    /// budget for a proof is 50 µs. `None` for an in-memory database.
    tile_reader: Arc<std::sync::Mutex<Option<rusqlite::Connection>>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let store = Self::connect(options, 4).await?;
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let reader = rusqlite::Connection::open_with_flags(path, flags)?;
        reader.busy_timeout(Duration::from_secs(30))?;
        if let Ok(mut slot) = store.tile_reader.lock() {
            *slot = Some(reader);
        }
        Ok(store)
    }

    /// A private in-memory database, for tests.
    pub async fn in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        // One connection: every connection to ":memory:" would be its own database.
        Self::connect(options, 1).await
    }

    async fn connect(options: SqliteConnectOptions, size: u32) -> Result<Self, StoreError> {
        // Connections are kept for the life of the pool: an in-memory database lives only as
        // long as its one connection.
        let pool = SqlitePoolOptions::new()
            .max_connections(size)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        let store = Self {
            pool,
            log: Arc::new(LogCache::default()),
            fields: SealerSlot::default(),
            tile_reader: Arc::default(),
        };
        store.backfill_log().await?;
        Ok(store)
    }

    /// Gives every stored version that has no leaf yet (versions written before the evidence
    /// log existed) its leaf, in outbox order.
    async fn backfill_log(&self) -> Result<(), StoreError> {
        loop {
            let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            let rows = sqlx::query(
                "SELECT v.kind, v.id, v.version, v.deleted, v.body, v.sensitive, v.actor, v.recorded_at
                 FROM outbox o
                 JOIN record_versions v ON v.kind = o.kind AND v.id = o.id AND v.version = o.version
                 WHERE NOT EXISTS (
                     SELECT 1 FROM log_leaves l
                     WHERE l.record_kind = o.kind AND l.record_id = o.id AND l.record_version = o.version)
                 ORDER BY o.seq LIMIT 1000",
            )
            .fetch_all(&mut *transaction)
            .await?;
            if rows.is_empty() {
                return Ok(());
            }
            let mut pending = Vec::with_capacity(rows.len());
            for row in &rows {
                pending.push(PendingLeaf::for_stored(&version_from_row(row)?));
            }
            let state = append_leaves(
                &mut transaction,
                &self.log,
                &pending,
                sealer_of(&self.fields).as_deref(),
            )
            .await?;
            transaction.commit().await?;
            self.log.set(state);
        }
    }

    /// Opens the sealed sensitive fields of `versions` (purged ones lose them).
    async fn opened(
        &self,
        mut versions: Vec<StoredVersion>,
    ) -> Result<Vec<StoredVersion>, StoreError> {
        let Some(sealer) = sealer_of(&self.fields) else {
            return Ok(versions);
        };
        let mut rows = Vec::new();
        for key_id in sealer.missing_keys(&versions) {
            if let Some(row) = crate::sqlite_keys::data_key(&self.pool, &key_id).await? {
                rows.push(row);
            }
        }
        sealer.open(&mut versions, &rows)?;
        Ok(versions)
    }

    async fn opened_one(
        &self,
        version: Option<StoredVersion>,
    ) -> Result<Option<StoredVersion>, StoreError> {
        Ok(self.opened(version.into_iter().collect()).await?.pop())
    }

    /// Closes every connection, checkpointing the WAL.
    pub async fn close(&self) {
        let reader = self
            .tile_reader
            .lock()
            .ok()
            .and_then(|mut reader| reader.take());
        drop(reader);
        self.pool.close().await;
    }
}

/// The number of leaves stored.
async fn stored_log_size(connection: &mut SqliteConnection) -> Result<u64, StoreError> {
    let size: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves")
        .fetch_one(&mut *connection)
        .await?;
    Ok(size as u64)
}

/// Reads the tree state of the stored log.
async fn load_log_state(connection: &mut SqliteConnection) -> Result<TreeState, StoreError> {
    let size = stored_log_size(connection).await?;
    let edge_start = size / 256 * 256;
    let leaves: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT leaf FROM log_leaves WHERE idx >= ? ORDER BY idx")
            .bind(edge_start as i64)
            .fetch_all(&mut *connection)
            .await?;
    let edge: Vec<Hash> = leaves.iter().map(|leaf| leaf_hash(leaf)).collect();
    let rows = sqlx::query("SELECT level, idx, hash FROM log_nodes")
        .fetch_all(&mut *connection)
        .await?;
    let mut nodes = Vec::with_capacity(rows.len());
    for row in &rows {
        nodes.push(Node {
            level: row.try_get::<i64, _>("level")? as u32,
            index: row.try_get::<i64, _>("idx")? as u64,
            hash: stored_hash(row.try_get("hash")?)?,
        });
    }
    TreeState::from_parts(size, edge, nodes)
        .map_err(|error| StoreError::Corrupt(format!("evidence log: {error}")))
}

/// Appends leaves inside the caller's write transaction (which holds the write lock), with the
/// tiles and nodes they complete. The caller commits, then keeps the returned state.
/// Rows per multi-row statement: eight bound values each, well under SQLite's limit of 32,766
/// variables per statement.
const ROWS_PER_STATEMENT: usize = 500;

/// One record version being written.
struct VersionRow<'a> {
    change: &'a Change,
    id: String,
    version: u32,
    deleted: bool,
    public: Option<String>,
    sensitive: Option<String>,
    /// The `sensitive` column as stored: sealed when a sealer is installed.
    stored_sensitive: Option<String>,
    recorded_at: i64,
}

/// The current version (and whether it is a tombstone) of every record `changes` touch that
/// exists, read with one query per kind and chunk.
async fn current_heads(
    connection: &mut SqliteConnection,
    changes: &[Change],
) -> Result<HashMap<(RecordKind, Uuid), (u32, bool)>, StoreError> {
    let mut by_kind: HashMap<RecordKind, Vec<String>> = HashMap::new();
    for change in changes {
        by_kind
            .entry(change.kind)
            .or_default()
            .push(change.id.to_string());
    }
    let mut heads = HashMap::with_capacity(changes.len());
    for (kind, mut ids) in by_kind {
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let mut query: QueryBuilder<'_, Sqlite> =
                QueryBuilder::new("SELECT id, version, deleted FROM record_heads WHERE kind = ");
            query.push_bind(kind.as_str()).push(" AND id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(id);
            }
            query.push(")");
            let rows: Vec<(String, i64, bool)> =
                query.build_query_as().fetch_all(&mut *connection).await?;
            for (id, version, deleted) in rows {
                let version = u32::try_from(version)
                    .map_err(|_| StoreError::Corrupt(format!("version {version}")))?;
                heads.insert((kind, parse_id(&id)?), (version, deleted));
            }
        }
    }
    Ok(heads)
}

async fn append_leaves(
    connection: &mut SqliteConnection,
    cache: &LogCache,
    pending: &[PendingLeaf],
    sealer: Option<&crate::FieldSealer>,
) -> Result<Arc<TreeState>, StoreError> {
    let size = stored_log_size(connection).await?;
    let mut state = match cache.get() {
        Some(state) if state.size() == size => state,
        _ => Arc::new(load_log_state(connection).await?),
    };
    // Until the commit succeeds, the cache may be ahead of the database: forget it.
    cache.invalidate();
    let hashes: Vec<Hash> = pending.iter().map(PendingLeaf::hash).collect();
    let appended = Arc::make_mut(&mut state).append(&hashes);
    for (chunk_number, chunk) in pending.chunks(200).enumerate() {
        let first = size + (chunk_number * 200) as u64;
        let mut insert: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
            "INSERT INTO log_leaves (idx, leaf, salts, record_kind, record_id, record_version) ",
        );
        insert.push_values(chunk.iter().enumerate(), |mut row, (offset, leaf)| {
            let record = leaf.record;
            row.push_bind((first + offset as u64) as i64)
                .push_bind(leaf.leaf.to_vec())
                .push_bind(salts_column(first + offset as u64, leaf, sealer))
                .push_bind(record.map(|(kind, _, _)| kind.as_str()))
                .push_bind(record.map(|(_, id, _)| id.to_string()))
                .push_bind(record.map(|(_, _, version)| i64::from(version)));
        });
        insert.build().execute(&mut *connection).await?;
    }
    for tile in &appended.tiles {
        let bytes: Vec<u8> = tile.nodes.iter().flat_map(|hash| hash.0).collect();
        sqlx::query("INSERT INTO log_tiles (idx, hashes) VALUES (?, ?)")
            .bind(tile.index as i64)
            .bind(bytes)
            .execute(&mut *connection)
            .await?;
    }
    for node in &appended.nodes {
        sqlx::query("INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)")
            .bind(i64::from(node.level))
            .bind(node.index as i64)
            .bind(node.hash.0.to_vec())
            .execute(&mut *connection)
            .await?;
    }
    Ok(state)
}

fn log_entry_from_row(
    row: &SqliteRow,
    sealer: Option<&crate::FieldSealer>,
) -> Result<LogEntry, StoreError> {
    let index = row.try_get::<i64, _>("idx")? as u64;
    Ok(LogEntry {
        index,
        leaf: row.try_get("leaf")?,
        salts: stored_salts(row.try_get("salts")?, index, sealer)?,
        record: stored_record(
            row.try_get("record_kind")?,
            row.try_get("record_id")?,
            row.try_get("record_version")?,
        )?,
    })
}

fn checkpoint_from_row(row: &SqliteRow) -> Result<StoredCheckpoint, StoreError> {
    Ok(StoredCheckpoint {
        size: row.try_get::<i64, _>("size")? as u64,
        note: row.try_get("note")?,
        signed_at: from_micros(row.try_get("signed_at")?)?,
    })
}

fn version_from_row(row: &SqliteRow) -> Result<StoredVersion, StoreError> {
    let version: i64 = row.try_get("version")?;
    let kind = parse_kind(row.try_get("kind")?)?;
    Ok(StoredVersion {
        kind,
        id: parse_id(row.try_get("id")?)?,
        version: u32::try_from(version)
            .map_err(|_| StoreError::Corrupt(format!("version {version}")))?,
        deleted: row.try_get("deleted")?,
        body: join_body(kind, row.try_get("body")?, row.try_get("sensitive")?)?,
        actor: row.try_get("actor")?,
        recorded_at: from_micros(row.try_get("recorded_at")?)?,
        sensitive_purged: false,
    })
}

const TOKEN_COLUMNS: &str =
    "id, user_id, token_hash, label, created_at, last_used_at, revoked_at, scopes, expires_at";

fn token_from_row(row: &SqliteRow) -> Result<ApiTokenRow, StoreError> {
    Ok(ApiTokenRow {
        id: parse_id(row.try_get("id")?)?,
        user_id: parse_id(row.try_get("user_id")?)?,
        token_hash: row.try_get("token_hash")?,
        label: row.try_get("label")?,
        created_at: from_micros(row.try_get("created_at")?)?,
        last_used_at: optional_micros(row.try_get("last_used_at")?)?,
        revoked_at: optional_micros(row.try_get("revoked_at")?)?,
        scopes: row.try_get("scopes")?,
        expires_at: optional_micros(row.try_get("expires_at")?)?,
    })
}

fn outbox_from_row(row: &SqliteRow) -> Result<OutboxEntry, StoreError> {
    Ok(OutboxEntry {
        seq: row.try_get::<i64, _>("seq")? as u64,
        kind: parse_kind(row.try_get("kind")?)?,
        id: parse_id(row.try_get("id")?)?,
        version: row.try_get::<i64, _>("version")? as u32,
        deleted: row.try_get("deleted")?,
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn write(&self, changes: &[Change]) -> Result<Vec<StoredVersion>, StoreError> {
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        // Each statement is a round trip to sqlx's worker thread, which costs more than SQLite's
        // own work on a row: a batch of pages (two records each) is written with a handful of
        // multi-row statements rather than six statements per record.
        let mut heads = current_heads(&mut transaction, changes).await?;
        let mut rows = Vec::with_capacity(changes.len());
        let sealer = sealer_of(&self.fields);
        let mut sealing_keys = Vec::new();
        for change in changes {
            let actual = heads
                .get(&(change.kind, change.id))
                .map_or(0, |(version, _)| *version);
            if actual != change.expected_version {
                return Err(StoreError::Conflict {
                    kind: change.kind,
                    id: change.id,
                    expected: change.expected_version,
                    actual,
                });
            }
            let version = actual + 1;
            let deleted = change.body.is_none();
            heads.insert((change.kind, change.id), (version, deleted));
            let (public, sensitive) = split_body(change)?;
            let stored_sensitive = match (&sealer, &sensitive) {
                (Some(sealer), Some(plain)) => {
                    let (envelope, key) =
                        sealer.seal(change.kind, change.id, version, plain, change.at);
                    sealing_keys.push(key);
                    Some(envelope)
                }
                _ => sensitive.clone(),
            };
            rows.push(VersionRow {
                change,
                id: change.id.to_string(),
                version,
                deleted,
                public,
                sensitive,
                stored_sensitive,
                recorded_at: to_micros(change.at),
            });
        }
        if let Some(sealer) = &sealer {
            crate::sqlite_keys::insert_sealing_keys(
                &mut transaction,
                sealer.generation,
                &sealing_keys,
            )
            .await?;
        }
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut insert: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
                "INSERT INTO record_versions (kind, id, version, deleted, body, sensitive, actor, recorded_at) ",
            );
            insert.push_values(chunk, |mut values, row| {
                values
                    .push_bind(row.change.kind.as_str())
                    .push_bind(&row.id)
                    .push_bind(i64::from(row.version))
                    .push_bind(row.deleted)
                    .push_bind(&row.public)
                    .push_bind(&row.stored_sensitive)
                    .push_bind(&row.change.actor)
                    .push_bind(row.recorded_at);
            });
            insert.build().execute(&mut *transaction).await?;
            let mut outbox: QueryBuilder<'_, Sqlite> =
                QueryBuilder::new("INSERT INTO outbox (kind, id, version, deleted) ");
            outbox.push_values(chunk, |mut values, row| {
                values
                    .push_bind(row.change.kind.as_str())
                    .push_bind(&row.id)
                    .push_bind(i64::from(row.version))
                    .push_bind(row.deleted);
            });
            outbox.build().execute(&mut *transaction).await?;
        }
        // Heads and references follow each record's last change in the batch.
        let mut last: Vec<&VersionRow<'_>> = Vec::with_capacity(rows.len());
        {
            let mut seen = std::collections::HashSet::with_capacity(rows.len());
            for row in rows.iter().rev() {
                if seen.insert((row.change.kind, row.change.id)) {
                    last.push(row);
                }
            }
            last.reverse();
        }
        let mut references = Vec::new();
        for chunk in last.chunks(ROWS_PER_STATEMENT) {
            let mut upsert: QueryBuilder<'_, Sqlite> =
                QueryBuilder::new("INSERT INTO record_heads (kind, id, version, deleted) ");
            upsert.push_values(chunk, |mut values, row| {
                values
                    .push_bind(row.change.kind.as_str())
                    .push_bind(&row.id)
                    .push_bind(i64::from(row.version))
                    .push_bind(row.deleted);
            });
            upsert.push(
                " ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted",
            );
            upsert.build().execute(&mut *transaction).await?;
            let mut kinds: Vec<RecordKind> = chunk.iter().map(|row| row.change.kind).collect();
            kinds.sort_unstable();
            kinds.dedup();
            for kind in kinds {
                let mut delete: QueryBuilder<'_, Sqlite> =
                    QueryBuilder::new("DELETE FROM record_refs WHERE kind = ");
                delete.push_bind(kind.as_str()).push(" AND id IN (");
                let mut separated = delete.separated(", ");
                for row in chunk.iter().filter(|row| row.change.kind == kind) {
                    separated.push_bind(&row.id);
                }
                delete.push(")");
                delete.build().execute(&mut *transaction).await?;
            }
            for row in chunk {
                for (target_kind, target_id) in
                    references_of(row.change.kind, row.change.body.as_ref())
                {
                    references.push((row.change.kind, &row.id, target_kind, target_id.to_string()));
                }
            }
        }
        for chunk in references.chunks(ROWS_PER_STATEMENT) {
            let mut insert: QueryBuilder<'_, Sqlite> =
                QueryBuilder::new("INSERT INTO record_refs (kind, id, target_kind, target_id) ");
            insert.push_values(chunk, |mut values, (kind, id, target_kind, target_id)| {
                values
                    .push_bind(kind.as_str())
                    .push_bind(*id)
                    .push_bind(target_kind.as_str())
                    .push_bind(target_id);
            });
            insert.push(" ON CONFLICT DO NOTHING");
            insert.build().execute(&mut *transaction).await?;
        }
        let mut written = Vec::with_capacity(rows.len());
        let mut pending = Vec::with_capacity(rows.len());
        for row in rows {
            let stored = StoredVersion {
                kind: row.change.kind,
                id: row.change.id,
                version: row.version,
                deleted: row.deleted,
                body: join_body(
                    row.change.kind,
                    row.public.as_deref(),
                    row.sensitive.as_deref(),
                )?,
                actor: row.change.actor.clone(),
                recorded_at: from_micros(row.recorded_at)?,
                sensitive_purged: false,
            };
            pending.push(PendingLeaf::for_stored(&stored));
            written.push(stored);
        }
        let state = append_leaves(
            &mut transaction,
            &self.log,
            &pending,
            sealer_of(&self.fields).as_deref(),
        )
        .await?;
        transaction.commit().await?;
        crate::note_local_write();
        self.log.set(state);
        Ok(written)
    }

    async fn get(&self, kind: RecordKind, id: Uuid) -> Result<Option<StoredVersion>, StoreError> {
        let query = format!(
            "SELECT {VERSION_COLUMNS} FROM record_versions v
             WHERE kind = ?1 AND id = ?2
               AND version = (SELECT version FROM record_heads h WHERE h.kind = ?1 AND h.id = ?2)"
        );
        let row = sqlx::query(&query)
            .bind(kind.as_str())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let version = row.as_ref().map(version_from_row).transpose()?;
        self.opened_one(version).await
    }

    async fn get_version(
        &self,
        kind: RecordKind,
        id: Uuid,
        version: u32,
    ) -> Result<Option<StoredVersion>, StoreError> {
        let query = format!(
            "SELECT {VERSION_COLUMNS} FROM record_versions WHERE kind = ? AND id = ? AND version = ?"
        );
        let row = sqlx::query(&query)
            .bind(kind.as_str())
            .bind(id.to_string())
            .bind(i64::from(version))
            .fetch_optional(&self.pool)
            .await?;
        let version = row.as_ref().map(version_from_row).transpose()?;
        self.opened_one(version).await
    }

    async fn list(
        &self,
        kind: RecordKind,
        options: &ListOptions,
    ) -> Result<Vec<StoredVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.kind, v.id, v.version, v.deleted, v.body, v.sensitive, v.actor, v.recorded_at
             FROM record_heads h
             JOIN record_versions v ON v.kind = h.kind AND v.id = h.id AND v.version = h.version
             WHERE h.kind = ? AND (? OR h.deleted = 0) AND h.id > ?
             ORDER BY h.id
             LIMIT ?",
        )
        .bind(kind.as_str())
        .bind(options.include_deleted)
        .bind(
            options
                .after_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        )
        .bind(options.limit.map_or(-1, i64::from))
        .fetch_all(&self.pool)
        .await?;
        let versions = rows
            .iter()
            .map(version_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        self.opened(versions).await
    }

    async fn referring(
        &self,
        kind: RecordKind,
        target_kind: RecordKind,
        target_id: Uuid,
    ) -> Result<Vec<StoredVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.kind, v.id, v.version, v.deleted, v.body, v.sensitive, v.actor, v.recorded_at
             FROM record_refs r
             JOIN record_heads h ON h.kind = r.kind AND h.id = r.id
             JOIN record_versions v ON v.kind = h.kind AND v.id = h.id AND v.version = h.version
             WHERE r.target_kind = ? AND r.target_id = ? AND r.kind = ? AND h.deleted = 0
             ORDER BY r.id",
        )
        .bind(target_kind.as_str())
        .bind(target_id.to_string())
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await?;
        let versions = rows
            .iter()
            .map(version_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        self.opened(versions).await
    }

    async fn history(&self, kind: RecordKind, id: Uuid) -> Result<Vec<StoredVersion>, StoreError> {
        let query = format!(
            "SELECT {VERSION_COLUMNS} FROM record_versions WHERE kind = ? AND id = ? ORDER BY version"
        );
        let rows = sqlx::query(&query)
            .bind(kind.as_str())
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        let versions = rows
            .iter()
            .map(version_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        self.opened(versions).await
    }

    async fn latest_outbox(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, kind, id, version, deleted FROM outbox ORDER BY seq DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(outbox_from_row).collect()
    }

    async fn outbox_since(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, kind, id, version, deleted FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after_seq as i64)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(outbox_from_row).collect()
    }

    async fn versions_since(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<(u64, StoredVersion)>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.seq, v.kind, v.id, v.version, v.deleted, v.body, v.sensitive, v.actor, v.recorded_at
             FROM outbox o
             JOIN record_versions v ON v.kind = o.kind AND v.id = o.id AND v.version = o.version
             WHERE o.seq > ? ORDER BY o.seq LIMIT ?",
        )
        .bind(after_seq as i64)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut seqs = Vec::with_capacity(rows.len());
        let mut versions = Vec::with_capacity(rows.len());
        for row in &rows {
            seqs.push(row.try_get::<i64, _>("seq")? as u64);
            versions.push(version_from_row(row)?);
        }
        let versions = self.opened(versions).await?;
        Ok(seqs.into_iter().zip(versions).collect())
    }

    async fn count(&self, kind: RecordKind) -> Result<u64, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM record_heads WHERE kind = ? AND deleted = 0")
                .bind(kind.as_str())
                .fetch_one(&self.pool)
                .await?;
        Ok(count as u64)
    }

    async fn next_in_sequence(&self, name: &str) -> Result<u64, StoreError> {
        let value: i64 = sqlx::query_scalar(
            "INSERT INTO sequences (name, value) VALUES (?, 1)
             ON CONFLICT (name) DO UPDATE SET value = value + 1
             RETURNING value",
        )
        .bind(name)
        .fetch_one(&self.pool)
        .await?;
        Ok(value as u64)
    }

    async fn raise_sequence(&self, name: &str, value: u64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sequences (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = MAX(value, ?2)",
        )
        .bind(name)
        .bind(value as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn set_password_hash(&self, user_id: Uuid, hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO credentials (user_id, password_hash) VALUES (?, ?)
             ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash",
        )
        .bind(user_id.to_string())
        .bind(hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn password_hash(&self, user_id: Uuid) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM credentials WHERE user_id = ?")
                .bind(user_id.to_string())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn create_api_token(&self, token: &ApiTokenRow) -> Result<(), StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, last_used_at, revoked_at,
                                     scopes, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(token.id.to_string())
        .bind(token.user_id.to_string())
        .bind(&token.token_hash)
        .bind(&token.label)
        .bind(to_micros(token.created_at))
        .bind(token.last_used_at.map(to_micros))
        .bind(token.revoked_at.map(to_micros))
        .bind(&token.scopes)
        .bind(token.expires_at.map(to_micros))
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(StoreError::Duplicate(format!("API token {}", token.id)))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiTokenRow>, StoreError> {
        let query = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ?");
        let row = sqlx::query(&query)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn list_api_tokens(&self, user_id: Option<Uuid>) -> Result<Vec<ApiTokenRow>, StoreError> {
        let query = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens
             WHERE ?1 IS NULL OR user_id = ?1
             ORDER BY created_at, id"
        );
        let rows = sqlx::query(&query)
            .bind(user_id.map(|id| id.to_string()))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_api_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let result =
            sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .bind(to_micros(at))
                .bind(id.to_string())
                .execute(&self.pool)
                .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn touch_api_token(&self, id: Uuid, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(to_micros(at))
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn keyring(&self) -> Result<Option<KeyringRow>, StoreError> {
        crate::sqlite_keys::keyring(&self.pool).await
    }

    async fn create_keyring(
        &self,
        keyring: &KeyringRow,
        keys: &[WrappedKeyRow],
    ) -> Result<(), StoreError> {
        crate::sqlite_keys::create_keyring(&self.pool, keyring, keys).await
    }

    async fn data_key(&self, id: &str) -> Result<Option<WrappedKeyRow>, StoreError> {
        crate::sqlite_keys::data_key(&self.pool, id).await
    }

    async fn data_keys(&self) -> Result<Vec<WrappedKeyRow>, StoreError> {
        crate::sqlite_keys::data_keys(&self.pool).await
    }

    async fn add_data_keys(
        &self,
        generation: u64,
        keys: &[WrappedKeyRow],
    ) -> Result<(), StoreError> {
        crate::sqlite_keys::add_data_keys(&self.pool, generation, keys).await
    }

    async fn replace_keyring(
        &self,
        expected_generation: u64,
        keyring: &KeyringRow,
        rewrapped: &[(String, Vec<u8>)],
    ) -> Result<bool, StoreError> {
        crate::sqlite_keys::replace_keyring(&self.pool, expected_generation, keyring, rewrapped)
            .await
    }

    async fn destroy_data_key(&self, id: &str, at: OffsetDateTime) -> Result<bool, StoreError> {
        crate::sqlite_keys::destroy_data_key(&self.pool, id, at)
            .await
            .inspect(|_| crate::note_local_write())
    }

    async fn destroyed_keys(&self) -> Result<u64, StoreError> {
        let destroyed: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM data_keys WHERE destroyed_at IS NOT NULL")
                .fetch_one(&self.pool)
                .await?;
        let destroyed = u64::try_from(destroyed).unwrap_or(0);
        if let Some(sealer) = crate::fields::sealer_of(&self.fields) {
            sealer.note_destroyed(destroyed);
        }
        Ok(destroyed)
    }

    fn seal_fields_with(&self, sealer: std::sync::Arc<crate::FieldSealer>) {
        if let Ok(mut slot) = self.fields.write() {
            *slot = Some(sealer);
        }
    }

    async fn purge_sensitive(
        &self,
        kind: RecordKind,
        id: Uuid,
        version: u32,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        crate::sqlite_keys::purge_sensitive(&self.pool, kind, id, version, at, &self.fields)
            .await
            .inspect(|_| crate::note_local_write())
    }

    async fn add_feed(&self, feed: &FeedRow) -> Result<(), StoreError> {
        let query = format!(
            "INSERT INTO feeds ({FEED_COLUMNS})
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        );
        let (settings, poll) = (&feed.settings, &feed.poll);
        let inserted = sqlx::query(&query)
            .bind(feed.id.to_string())
            .bind(&feed.url)
            .bind(&feed.added_by)
            .bind(to_micros(feed.added_at))
            .bind(&settings.title)
            .bind(&settings.site_url)
            .bind(ids_json(&settings.case_ids))
            .bind(settings.paused)
            .bind(i64::from(settings.interval_seconds))
            .bind(&poll.etag)
            .bind(&poll.last_modified)
            .bind(poll.next_poll_at.map(to_micros))
            .bind(poll.last_polled_at.map(to_micros))
            .bind(poll.last_success_at.map(to_micros))
            .bind(poll.last_status.map(i64::from))
            .bind(i64::from(poll.failures))
            .bind(&poll.last_error)
            .bind(poll.last_capture_id.map(|id| id.to_string()))
            .bind(stored_count(poll.items_seen))
            .bind(strings_json(&poll.problems))
            .bind(feed.lease_until.map(to_micros))
            .execute(&self.pool)
            .await;
        match inserted {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                Err(duplicate_feed(error.as_ref(), feed))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn feed(&self, id: Uuid) -> Result<Option<FeedRow>, StoreError> {
        let query = format!("SELECT {FEED_COLUMNS} FROM feeds WHERE id = ?");
        let row = sqlx::query(&query)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(feed_from_row).transpose()
    }

    async fn feeds(&self) -> Result<Vec<FeedRow>, StoreError> {
        let query = format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY added_at, id");
        let rows = sqlx::query(&query).fetch_all(&self.pool).await?;
        rows.iter().map(feed_from_row).collect()
    }

    async fn save_feed_settings(
        &self,
        id: Uuid,
        settings: &FeedSettings,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE feeds SET title = ?, site_url = ?, case_ids = ?, paused = ?, interval_seconds = ?
             WHERE id = ?",
        )
        .bind(&settings.title)
        .bind(&settings.site_url)
        .bind(ids_json(&settings.case_ids))
        .bind(settings.paused)
        .bind(i64::from(settings.interval_seconds))
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn save_feed_poll(&self, id: Uuid, poll: &FeedPoll) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE feeds SET etag = ?, last_modified = ?, next_poll_at = ?, last_polled_at = ?,
                 last_success_at = ?, last_status = ?, failures = ?, last_error = ?,
                 last_capture_id = ?, items_seen = ?, problems = ?, lease_until = NULL
             WHERE id = ?",
        )
        .bind(&poll.etag)
        .bind(&poll.last_modified)
        .bind(poll.next_poll_at.map(to_micros))
        .bind(poll.last_polled_at.map(to_micros))
        .bind(poll.last_success_at.map(to_micros))
        .bind(poll.last_status.map(i64::from))
        .bind(i64::from(poll.failures))
        .bind(&poll.last_error)
        .bind(poll.last_capture_id.map(|id| id.to_string()))
        .bind(stored_count(poll.items_seen))
        .bind(strings_json(&poll.problems))
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn delete_feed(&self, id: Uuid) -> Result<bool, StoreError> {
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let deleted = sqlx::query("DELETE FROM feeds WHERE id = ?")
            .bind(id.to_string())
            .execute(&mut *transaction)
            .await?
            .rows_affected()
            > 0;
        if deleted {
            sqlx::query("DELETE FROM jobs WHERE feed_id = ? AND state = 'pending'")
                .bind(id.to_string())
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok(deleted)
    }

    async fn lease_due_feeds(
        &self,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<FeedRow>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // The write lock from the start: the choice and the lease are one step.
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let query = format!(
            "UPDATE feeds SET lease_until = ?1
             WHERE id IN (
                 SELECT id FROM feeds
                 WHERE paused = 0
                   AND (next_poll_at IS NULL OR next_poll_at <= ?2)
                   AND (lease_until IS NULL OR lease_until <= ?2)
                 ORDER BY COALESCE(next_poll_at, ?2), added_at, id
                 LIMIT ?3)
             RETURNING {FEED_COLUMNS}"
        );
        let rows = sqlx::query(&query)
            .bind(to_micros(until))
            .bind(to_micros(now))
            .bind(i64::from(limit))
            .fetch_all(&mut *transaction)
            .await?;
        let mut feeds = rows
            .iter()
            .map(feed_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        transaction.commit().await?;
        sort_leased_feeds(&mut feeds, now);
        Ok(feeds)
    }

    async fn enqueue_jobs(&self, jobs: &[JobRow]) -> Result<Vec<Uuid>, StoreError> {
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut inserted = std::collections::HashSet::with_capacity(jobs.len());
        // A feed's items go in with one statement per chunk (see `write`); RETURNING names the
        // rows that were new, the others being already queued.
        for chunk in jobs.chunks(ROWS_PER_STATEMENT) {
            let mut insert: QueryBuilder<'_, Sqlite> =
                QueryBuilder::new(format!("INSERT INTO jobs ({JOB_COLUMNS}) "));
            insert.push_values(chunk, |mut values, job| {
                values
                    .push_bind(job.id.to_string())
                    .push_bind(&job.kind)
                    .push_bind(&job.key)
                    .push_bind(job.feed_id.map(|id| id.to_string()))
                    .push_bind(job.payload.to_string())
                    .push_bind(job.state.as_str())
                    .push_bind(i64::from(job.attempts))
                    .push_bind(to_micros(job.not_before))
                    .push_bind(job.lease_until.map(to_micros))
                    .push_bind(&job.last_error)
                    .push_bind(to_micros(job.created_at))
                    .push_bind(job.finished_at.map(to_micros))
                    .push_bind(job.result.as_ref().map(ToString::to_string));
            });
            insert.push(" ON CONFLICT (kind, key) DO NOTHING RETURNING id");
            let rows: Result<Vec<(String,)>, sqlx::Error> =
                insert.build_query_as().fetch_all(&mut *transaction).await;
            match rows {
                Ok(rows) => {
                    for (id,) in rows {
                        inserted.insert(parse_id(&id)?);
                    }
                }
                Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                    return Err(StoreError::Duplicate(format!(
                        "a job id among {}",
                        chunk
                            .iter()
                            .map(|job| job.id.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                Err(error) => return Err(error.into()),
            }
        }
        transaction.commit().await?;
        Ok(jobs
            .iter()
            .map(|job| job.id)
            .filter(|id| inserted.contains(id))
            .collect())
    }

    async fn lease_jobs(
        &self,
        kind: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<JobRow>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // The write lock from the start: the choice and the lease are one step.
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let query = format!(
            "UPDATE jobs SET lease_until = ?1, attempts = attempts + 1
             WHERE id IN (
                 SELECT id FROM jobs
                 WHERE state = 'pending' AND kind = ?2 AND not_before <= ?3
                   AND (lease_until IS NULL OR lease_until <= ?3)
                 ORDER BY not_before, created_at, id
                 LIMIT ?4)
             RETURNING {JOB_COLUMNS}"
        );
        let rows = sqlx::query(&query)
            .bind(to_micros(until))
            .bind(kind)
            .bind(to_micros(now))
            .bind(i64::from(limit))
            .fetch_all(&mut *transaction)
            .await?;
        let mut jobs = rows
            .iter()
            .map(job_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        transaction.commit().await?;
        sort_leased_jobs(&mut jobs);
        Ok(jobs)
    }

    async fn finish_job(&self, id: Uuid, outcome: &JobOutcome) -> Result<bool, StoreError> {
        let finish = JobFinish::of(outcome);
        let result = sqlx::query(
            "UPDATE jobs SET state = ?, not_before = COALESCE(?, not_before),
                 last_error = COALESCE(?, last_error), finished_at = ?,
                 result = COALESCE(?, result), lease_until = NULL
             WHERE id = ?",
        )
        .bind(finish.state)
        .bind(finish.not_before)
        .bind(finish.last_error)
        .bind(finish.finished_at)
        .bind(finish.result)
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn finish_jobs(&self, outcomes: &[(Uuid, JobOutcome)]) -> Result<u64, StoreError> {
        if outcomes.is_empty() {
            return Ok(0);
        }
        // A job named twice ends as its last outcome says.
        let mut last: Vec<(String, JobFinish<'_>)> = Vec::with_capacity(outcomes.len());
        {
            let mut seen = std::collections::HashSet::with_capacity(outcomes.len());
            for (id, outcome) in outcomes.iter().rev() {
                if seen.insert(*id) {
                    last.push((id.to_string(), JobFinish::of(outcome)));
                }
            }
        }
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut found = 0;
        // One statement per chunk rather than one per job (see `write`).
        for chunk in last.chunks(ROWS_PER_STATEMENT) {
            let mut update: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
                "WITH finished (id, state, not_before, last_error, finished_at, result) AS (",
            );
            update.push_values(chunk, |mut values, (id, finish)| {
                values
                    .push_bind(id)
                    .push_bind(finish.state)
                    .push_bind(finish.not_before)
                    .push_bind(finish.last_error)
                    .push_bind(finish.finished_at)
                    .push_bind(finish.result.as_deref());
            });
            update.push(
                ") UPDATE jobs SET state = finished.state,
                     not_before = COALESCE(finished.not_before, jobs.not_before),
                     last_error = COALESCE(finished.last_error, jobs.last_error),
                     finished_at = finished.finished_at,
                     result = COALESCE(finished.result, jobs.result), lease_until = NULL
                 FROM finished WHERE jobs.id = finished.id",
            );
            found += update
                .build()
                .execute(&mut *transaction)
                .await?
                .rows_affected();
        }
        transaction.commit().await?;
        Ok(found)
    }

    async fn job_by_key(&self, kind: &str, key: &str) -> Result<Option<JobRow>, StoreError> {
        let query = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE kind = ? AND key = ?");
        let row = sqlx::query(&query)
            .bind(kind)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    async fn jobs(&self, filter: &JobFilter) -> Result<Vec<JobRow>, StoreError> {
        let query = format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE (?1 IS NULL OR kind = ?1)
               AND (?2 IS NULL OR feed_id = ?2)
               AND (?3 IS NULL OR state = ?3)
             ORDER BY created_at DESC, id DESC
             LIMIT ?4"
        );
        let rows = sqlx::query(&query)
            .bind(filter.kind.as_deref())
            .bind(filter.feed_id.map(|id| id.to_string()))
            .bind(filter.state.map(JobState::as_str))
            .bind(filter.limit.map_or(-1, i64::from))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(job_from_row).collect()
    }

    async fn job_counts(&self) -> Result<Vec<(Option<Uuid>, JobCounts)>, StoreError> {
        let rows: Vec<(Option<String>, String, i64)> =
            sqlx::query_as("SELECT feed_id, state, COUNT(*) FROM jobs GROUP BY feed_id, state")
                .fetch_all(&self.pool)
                .await?;
        collect_job_counts(rows)
    }

    async fn retry_failed_jobs(
        &self,
        feed_id: Option<Uuid>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let result = sqlx::query(
            "UPDATE jobs SET state = 'pending', attempts = 0, not_before = ?1, lease_until = NULL,
                 finished_at = NULL
             WHERE state = 'failed' AND (?2 IS NULL OR feed_id = ?2)",
        )
        .bind(to_micros(now))
        .bind(feed_id.map(|id| id.to_string()))
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    async fn append_log(&self, entries: &[LogAppend]) -> Result<u64, StoreError> {
        let pending: Vec<PendingLeaf> = entries.iter().map(PendingLeaf::from_append).collect();
        let mut transaction = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let state = append_leaves(
            &mut transaction,
            &self.log,
            &pending,
            sealer_of(&self.fields).as_deref(),
        )
        .await?;
        transaction.commit().await?;
        let first = state.size() - pending.len() as u64;
        self.log.set(state);
        Ok(first)
    }

    async fn log_size(&self) -> Result<u64, StoreError> {
        let mut connection = self.pool.acquire().await?;
        stored_log_size(&mut connection).await
    }

    async fn log_entries(&self, start: u64, limit: u32) -> Result<Vec<LogEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT idx, leaf, salts, record_kind, record_id, record_version FROM log_leaves
             WHERE idx >= ? ORDER BY idx LIMIT ?",
        )
        .bind(start.min(i64::MAX as u64) as i64)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let sealer = sealer_of(&self.fields);
        rows.iter()
            .map(|row| log_entry_from_row(row, sealer.as_deref()))
            .collect()
    }

    async fn log_entry_for_version(
        &self,
        kind: RecordKind,
        id: Uuid,
        version: u32,
    ) -> Result<Option<LogEntry>, StoreError> {
        let row = sqlx::query(
            "SELECT idx, leaf, salts, record_kind, record_id, record_version FROM log_leaves
             WHERE record_kind = ? AND record_id = ? AND record_version = ?",
        )
        .bind(kind.as_str())
        .bind(id.to_string())
        .bind(i64::from(version))
        .fetch_optional(&self.pool)
        .await?;
        let sealer = sealer_of(&self.fields);
        row.as_ref()
            .map(|row| log_entry_from_row(row, sealer.as_deref()))
            .transpose()
    }

    async fn log_tile(&self, index: u64) -> Result<Option<Vec<Hash>>, StoreError> {
        const QUERY: &str = "SELECT hashes FROM log_tiles WHERE idx = ?1";
        let index = index.min(i64::MAX as u64) as i64;
        let read = self.tile_reader.lock().ok().and_then(|reader| {
            reader.as_ref().map(|connection| {
                use rusqlite::OptionalExtension as _;
                connection.prepare_cached(QUERY).and_then(|mut statement| {
                    statement
                        .query_row([index], |row| row.get::<_, Vec<u8>>(0))
                        .optional()
                })
            })
        });
        let bytes: Option<Vec<u8>> = match read {
            Some(result) => result?,
            None => {
                sqlx::query_scalar(QUERY)
                    .bind(index)
                    .fetch_optional(&self.pool)
                    .await?
            }
        };
        bytes.as_deref().map(tile_hashes).transpose()
    }

    async fn log_state(&self, size: u64) -> Result<Arc<TreeState>, StoreError> {
        if let Some(state) = self.log.get()
            && state.size() >= size
        {
            return Ok(state);
        }
        // A read transaction sees one snapshot of leaves and nodes.
        let mut transaction = self.pool.begin().await?;
        let state = Arc::new(load_log_state(&mut transaction).await?);
        transaction.commit().await?;
        if state.size() < size {
            return Err(StoreError::LogTooShort {
                requested: size,
                available: state.size(),
            });
        }
        self.log.offer(state.clone());
        Ok(state)
    }

    async fn add_log_checkpoint(&self, checkpoint: &StoredCheckpoint) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO log_checkpoints (size, note, signed_at) VALUES (?, ?, ?)
             ON CONFLICT (size) DO NOTHING",
        )
        .bind(checkpoint.size as i64)
        .bind(&checkpoint.note)
        .bind(to_micros(checkpoint.signed_at))
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn latest_log_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query(
            "SELECT size, note, signed_at FROM log_checkpoints ORDER BY size DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(checkpoint_from_row).transpose()
    }

    async fn log_checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        let rows = sqlx::query("SELECT size, note, signed_at FROM log_checkpoints ORDER BY size")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(checkpoint_from_row).collect()
    }

    async fn second_factor(&self, user_id: Uuid) -> Result<Option<SecondFactorRow>, StoreError> {
        let row = sqlx::query(
            "SELECT secret, created_at, confirmed_at, last_step FROM second_factors
             WHERE user_id = ?",
        )
        .bind(user_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let sealer = sealer_of(&self.fields);
        row.map(|row| {
            let secret: Vec<u8> = row.try_get("secret")?;
            Ok(SecondFactorRow {
                user_id,
                secret: match &sealer {
                    Some(sealer) => sealer.open_secret(user_id, secret)?,
                    None => secret,
                },
                created_at: from_micros(row.try_get("created_at")?)?,
                confirmed_at: optional_micros(row.try_get("confirmed_at")?)?,
                last_step: row.try_get("last_step")?,
            })
        })
        .transpose()
    }

    async fn save_second_factor(
        &self,
        row: &SecondFactorRow,
        recovery_code_hashes: &[String],
    ) -> Result<(), StoreError> {
        let user_id = row.user_id.to_string();
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO second_factors (user_id, secret, created_at, confirmed_at, last_step)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,
                 created_at = excluded.created_at, confirmed_at = excluded.confirmed_at,
                 last_step = excluded.last_step",
        )
        .bind(&user_id)
        .bind(match sealer_of(&self.fields) {
            Some(sealer) => sealer.seal_secret(row.user_id, &row.secret),
            None => row.secret.clone(),
        })
        .bind(to_micros(row.created_at))
        .bind(row.confirmed_at.map(to_micros))
        .bind(row.last_step)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
            .bind(&user_id)
            .execute(&mut *transaction)
            .await?;
        for code_hash in recovery_code_hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (?, ?, NULL)
                 ON CONFLICT (user_id, code_hash) DO NOTHING",
            )
            .bind(&user_id)
            .bind(code_hash)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    async fn advance_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE second_factors SET last_step = ?
             WHERE user_id = ? AND confirmed_at IS NOT NULL AND last_step < ?",
        )
        .bind(step)
        .bind(user_id.to_string())
        .bind(step)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn delete_second_factor(&self, user_id: Uuid) -> Result<bool, StoreError> {
        let user_id = user_id.to_string();
        let mut transaction = self.pool.begin().await?;
        let result = sqlx::query("DELETE FROM second_factors WHERE user_id = ?")
            .bind(&user_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
            .bind(&user_id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(result.rows_affected() > 0)
    }

    async fn use_recovery_code(
        &self,
        user_id: Uuid,
        code_hash: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE recovery_codes SET used_at = ?
             WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(user_id.to_string())
        .bind(code_hash)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn recovery_codes_left(&self, user_id: Uuid) -> Result<u32, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
        )
        .bind(user_id.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn revoke_user_api_tokens(
        &self,
        user_id: Uuid,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let result = sqlx::query(
            "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(user_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    async fn append_audit(&self, events: &[crate::AuditEvent]) -> Result<(), StoreError> {
        crate::audit::sqlite::append(&self.pool, events).await
    }

    async fn audit_events(
        &self,
        filter: &crate::AuditFilter,
    ) -> Result<Vec<crate::AuditEvent>, StoreError> {
        crate::audit::sqlite::list(&self.pool, filter).await
    }

    async fn snapshot_to(&self, path: &Path) -> Result<(), StoreError> {
        // One read transaction copies every page as of its start: writers carry on meanwhile
        // (WAL), and the copy holds no WAL of its own.
        let target = path.to_str().ok_or_else(|| {
            StoreError::Unsupported(format!("{} is not a UTF-8 path", path.display()))
        })?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
