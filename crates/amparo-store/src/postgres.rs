//! The PostgreSQL backend, for team servers with several `amparo serve` processes.
//!
//! Writers take a transaction-scoped advisory lock before assigning outbox sequence numbers, so
//! sequence order is commit order and a tailer reading `seq > last` never skips a change that
//! commits late.

use amparo_model::RecordKind;
use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use std::str::FromStr;
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
use sqlx::{PgConnection, Postgres, QueryBuilder};
use std::sync::Arc;

/// The advisory lock every writer of versions or log leaves takes first.
const WRITE_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.amparo_outbox'))";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

const VERSION_COLUMNS: &str = "kind, id, version, deleted, body, sensitive, actor, recorded_at";

/// A [`Store`] in a PostgreSQL database (optionally in one schema of it).
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    log: Arc<LogCache>,
    /// Seals sensitive fields once the keyring is unlocked (`fields.rs`): PostgreSQL never
    /// receives them in clear.
    fields: SealerSlot,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_in_schema(url, None).await
    }

    /// Connects and keeps every table in `schema`, creating it if needed (one schema per test,
    /// or several installations in one database).
    pub async fn connect_in_schema(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        let mut options = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(StoreError::InvalidSchemaName(schema.to_owned()));
            }
            let setup = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await?;
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .execute(&setup)
                .await?;
            setup.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        let store = Self {
            pool,
            log: Arc::new(LogCache::default()),
            fields: SealerSlot::default(),
        };
        store.backfill_log().await?;
        Ok(store)
    }

    /// Gives every stored version that has no leaf yet (versions written before the evidence
    /// log existed) its leaf, in outbox order.
    async fn backfill_log(&self) -> Result<(), StoreError> {
        loop {
            let mut transaction = self.pool.begin().await?;
            sqlx::query(WRITE_LOCK).execute(&mut *transaction).await?;
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
            if let Some(row) = crate::postgres_keys::data_key(&self.pool, &key_id).await? {
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

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The number of leaves stored.
async fn stored_log_size(connection: &mut PgConnection) -> Result<u64, StoreError> {
    let size: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM log_leaves")
        .fetch_one(&mut *connection)
        .await?;
    Ok(size as u64)
}

/// Reads the tree state of the stored log.
async fn load_log_state(connection: &mut PgConnection) -> Result<TreeState, StoreError> {
    let size = stored_log_size(connection).await?;
    let edge_start = size / 256 * 256;
    let leaves: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT leaf FROM log_leaves WHERE idx >= $1 ORDER BY idx")
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
            level: row.try_get::<i32, _>("level")? as u32,
            index: row.try_get::<i64, _>("idx")? as u64,
            hash: stored_hash(row.try_get("hash")?)?,
        });
    }
    TreeState::from_parts(size, edge, nodes)
        .map_err(|error| StoreError::Corrupt(format!("evidence log: {error}")))
}

/// Appends leaves inside the caller's write transaction (which holds the write lock), with the
/// tiles and nodes they complete. The caller commits, then keeps the returned state.
async fn append_leaves(
    connection: &mut PgConnection,
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
    for (chunk_number, chunk) in pending.chunks(1000).enumerate() {
        let first = size + (chunk_number * 1000) as u64;
        let mut insert: QueryBuilder<'_, Postgres> = QueryBuilder::new(
            "INSERT INTO log_leaves (idx, leaf, salts, record_kind, record_id, record_version) ",
        );
        insert.push_values(chunk.iter().enumerate(), |mut row, (offset, leaf)| {
            let record = leaf.record;
            row.push_bind((first + offset as u64) as i64)
                .push_bind(leaf.leaf.to_vec())
                .push_bind(salts_column(first + offset as u64, leaf, sealer))
                .push_bind(record.map(|(kind, _, _)| kind.as_str()))
                .push_bind(record.map(|(_, id, _)| id.to_string()))
                .push_bind(record.map(|(_, _, version)| version as i32));
        });
        insert.build().execute(&mut *connection).await?;
    }
    for tile in &appended.tiles {
        let bytes: Vec<u8> = tile.nodes.iter().flat_map(|hash| hash.0).collect();
        sqlx::query("INSERT INTO log_tiles (idx, hashes) VALUES ($1, $2)")
            .bind(tile.index as i64)
            .bind(bytes)
            .execute(&mut *connection)
            .await?;
    }
    for node in &appended.nodes {
        sqlx::query("INSERT INTO log_nodes (level, idx, hash) VALUES ($1, $2, $3)")
            .bind(node.level as i32)
            .bind(node.index as i64)
            .bind(node.hash.0.to_vec())
            .execute(&mut *connection)
            .await?;
    }
    Ok(state)
}

fn log_entry_from_row(
    row: &PgRow,
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
            row.try_get::<Option<i32>, _>("record_version")?
                .map(i64::from),
        )?,
    })
}

fn checkpoint_from_row(row: &PgRow) -> Result<StoredCheckpoint, StoreError> {
    Ok(StoredCheckpoint {
        size: row.try_get::<i64, _>("size")? as u64,
        note: row.try_get("note")?,
        signed_at: from_micros(row.try_get("signed_at")?)?,
    })
}

fn version_from_row(row: &PgRow) -> Result<StoredVersion, StoreError> {
    let version: i32 = row.try_get("version")?;
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

fn token_from_row(row: &PgRow) -> Result<ApiTokenRow, StoreError> {
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

fn outbox_from_row(row: &PgRow) -> Result<OutboxEntry, StoreError> {
    Ok(OutboxEntry {
        seq: row.try_get::<i64, _>("seq")? as u64,
        kind: parse_kind(row.try_get("kind")?)?,
        id: parse_id(row.try_get("id")?)?,
        version: row.try_get::<i32, _>("version")? as u32,
        deleted: row.try_get("deleted")?,
    })
}

#[async_trait]
impl Store for PostgresStore {
    async fn write(&self, changes: &[Change]) -> Result<Vec<StoredVersion>, StoreError> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query(WRITE_LOCK).execute(&mut *transaction).await?;
        let mut written = Vec::with_capacity(changes.len());
        let sealer = sealer_of(&self.fields);
        let mut sealing_keys = Vec::new();
        let mut pending = Vec::with_capacity(changes.len());
        for change in changes {
            let kind = change.kind.as_str();
            let id = change.id.to_string();
            let current: Option<i32> =
                sqlx::query_scalar("SELECT version FROM record_heads WHERE kind = $1 AND id = $2")
                    .bind(kind)
                    .bind(&id)
                    .fetch_optional(&mut *transaction)
                    .await?;
            let actual = current.unwrap_or(0) as u32;
            if actual != change.expected_version {
                return Err(StoreError::Conflict {
                    kind: change.kind,
                    id: change.id,
                    expected: change.expected_version,
                    actual,
                });
            }
            let version = actual + 1;
            let version_column = i32::try_from(version)
                .map_err(|_| StoreError::Corrupt(format!("version {version} is too large")))?;
            let deleted = change.body.is_none();
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
            let recorded_at = to_micros(change.at);
            sqlx::query(
                "INSERT INTO record_versions (kind, id, version, deleted, body, sensitive, actor, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(kind)
            .bind(&id)
            .bind(version_column)
            .bind(deleted)
            .bind(&public)
            .bind(&stored_sensitive)
            .bind(&change.actor)
            .bind(recorded_at)
            .execute(&mut *transaction)
            .await?;
            sqlx::query(
                "INSERT INTO record_heads (kind, id, version, deleted) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted",
            )
            .bind(kind)
            .bind(&id)
            .bind(version_column)
            .bind(deleted)
            .execute(&mut *transaction)
            .await?;
            sqlx::query("INSERT INTO outbox (kind, id, version, deleted) VALUES ($1, $2, $3, $4)")
                .bind(kind)
                .bind(&id)
                .bind(version_column)
                .bind(deleted)
                .execute(&mut *transaction)
                .await?;
            sqlx::query("DELETE FROM record_refs WHERE kind = $1 AND id = $2")
                .bind(kind)
                .bind(&id)
                .execute(&mut *transaction)
                .await?;
            for (target_kind, target_id) in references_of(change.kind, change.body.as_ref()) {
                sqlx::query(
                    "INSERT INTO record_refs (kind, id, target_kind, target_id) VALUES ($1, $2, $3, $4)
                     ON CONFLICT DO NOTHING",
                )
                .bind(kind)
                .bind(&id)
                .bind(target_kind.as_str())
                .bind(target_id.to_string())
                .execute(&mut *transaction)
                .await?;
            }
            let stored = StoredVersion {
                kind: change.kind,
                id: change.id,
                version,
                deleted,
                body: join_body(change.kind, public.as_deref(), sensitive.as_deref())?,
                actor: change.actor.clone(),
                recorded_at: from_micros(recorded_at)?,
                sensitive_purged: false,
            };
            pending.push(PendingLeaf::for_stored(&stored));
            written.push(stored);
        }
        if let Some(sealer) = &sealer {
            crate::postgres_keys::insert_sealing_keys(
                &mut transaction,
                sealer.generation,
                &sealing_keys,
            )
            .await?;
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
             WHERE kind = $1 AND id = $2
               AND version = (SELECT version FROM record_heads h WHERE h.kind = $1 AND h.id = $2)"
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
        let Ok(version) = i32::try_from(version) else {
            return Ok(None);
        };
        let query = format!(
            "SELECT {VERSION_COLUMNS} FROM record_versions WHERE kind = $1 AND id = $2 AND version = $3"
        );
        let row = sqlx::query(&query)
            .bind(kind.as_str())
            .bind(id.to_string())
            .bind(version)
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
             WHERE h.kind = $1 AND ($2 OR NOT h.deleted) AND h.id > $3
             ORDER BY h.id
             LIMIT $4",
        )
        .bind(kind.as_str())
        .bind(options.include_deleted)
        .bind(
            options
                .after_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
        )
        .bind(options.limit.map(i64::from))
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
             WHERE r.target_kind = $1 AND r.target_id = $2 AND r.kind = $3 AND NOT h.deleted
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
            "SELECT {VERSION_COLUMNS} FROM record_versions WHERE kind = $1 AND id = $2 ORDER BY version"
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
            "SELECT seq, kind, id, version, deleted FROM outbox ORDER BY seq DESC LIMIT $1",
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
            "SELECT seq, kind, id, version, deleted FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2",
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
             WHERE o.seq > $1 ORDER BY o.seq LIMIT $2",
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
            sqlx::query_scalar("SELECT COUNT(*) FROM record_heads WHERE kind = $1 AND NOT deleted")
                .bind(kind.as_str())
                .fetch_one(&self.pool)
                .await?;
        Ok(count as u64)
    }

    async fn next_in_sequence(&self, name: &str) -> Result<u64, StoreError> {
        let value: i64 = sqlx::query_scalar(
            "INSERT INTO sequences (name, value) VALUES ($1, 1)
             ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1
             RETURNING value",
        )
        .bind(name)
        .fetch_one(&self.pool)
        .await?;
        Ok(value as u64)
    }

    async fn raise_sequence(&self, name: &str, value: u64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sequences (name, value) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET value = GREATEST(sequences.value, excluded.value)",
        )
        .bind(name)
        .bind(value as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn set_password_hash(&self, user_id: Uuid, hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO credentials (user_id, password_hash) VALUES ($1, $2)
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
            sqlx::query_scalar("SELECT password_hash FROM credentials WHERE user_id = $1")
                .bind(user_id.to_string())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn create_api_token(&self, token: &ApiTokenRow) -> Result<(), StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, last_used_at, revoked_at,
                                     scopes, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
        let query = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
        let row = sqlx::query(&query)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn list_api_tokens(&self, user_id: Option<Uuid>) -> Result<Vec<ApiTokenRow>, StoreError> {
        let query = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens
             WHERE $1 IS NULL OR user_id = $1
             ORDER BY created_at, id"
        );
        let rows = sqlx::query(&query)
            .bind(user_id.map(|id| id.to_string()))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_api_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    async fn touch_api_token(&self, id: Uuid, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(to_micros(at))
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn keyring(&self) -> Result<Option<KeyringRow>, StoreError> {
        crate::postgres_keys::keyring(&self.pool).await
    }

    async fn create_keyring(
        &self,
        keyring: &KeyringRow,
        keys: &[WrappedKeyRow],
    ) -> Result<(), StoreError> {
        crate::postgres_keys::create_keyring(&self.pool, keyring, keys).await
    }

    async fn data_key(&self, id: &str) -> Result<Option<WrappedKeyRow>, StoreError> {
        crate::postgres_keys::data_key(&self.pool, id).await
    }

    async fn data_keys(&self) -> Result<Vec<WrappedKeyRow>, StoreError> {
        crate::postgres_keys::data_keys(&self.pool).await
    }

    async fn add_data_keys(
        &self,
        generation: u64,
        keys: &[WrappedKeyRow],
    ) -> Result<(), StoreError> {
        crate::postgres_keys::add_data_keys(&self.pool, generation, keys).await
    }

    async fn replace_keyring(
        &self,
        expected_generation: u64,
        keyring: &KeyringRow,
        rewrapped: &[(String, Vec<u8>)],
    ) -> Result<bool, StoreError> {
        crate::postgres_keys::replace_keyring(&self.pool, expected_generation, keyring, rewrapped)
            .await
    }

    async fn destroy_data_key(&self, id: &str, at: OffsetDateTime) -> Result<bool, StoreError> {
        crate::postgres_keys::destroy_data_key(&self.pool, id, at)
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
        crate::postgres_keys::purge_sensitive(&self.pool, kind, id, version, at, &self.fields)
            .await
            .inspect(|_| crate::note_local_write())
    }

    async fn add_feed(&self, feed: &FeedRow) -> Result<(), StoreError> {
        let query = format!(
            "INSERT INTO feeds ({FEED_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                     $18, $19, $20, $21)"
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
        let query = format!("SELECT {FEED_COLUMNS} FROM feeds WHERE id = $1");
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
            "UPDATE feeds SET title = $1, site_url = $2, case_ids = $3, paused = $4, interval_seconds = $5
             WHERE id = $6",
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
            "UPDATE feeds SET etag = $1, last_modified = $2, next_poll_at = $3, last_polled_at = $4,
                 last_success_at = $5, last_status = $6, failures = $7, last_error = $8,
                 last_capture_id = $9, items_seen = $10, problems = $11, lease_until = NULL
             WHERE id = $12",
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
        let mut transaction = self.pool.begin().await?;
        let deleted = sqlx::query("DELETE FROM feeds WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *transaction)
            .await?
            .rows_affected()
            > 0;
        if deleted {
            sqlx::query("DELETE FROM jobs WHERE feed_id = $1 AND state = 'pending'")
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
        // One statement: the due feeds are locked as they are chosen, and a feed another
        // caller has locked is skipped rather than waited for (once that caller commits, its
        // lease makes the feed not due).
        let mut transaction = self.pool.begin().await?;
        let query = format!(
            "WITH due AS MATERIALIZED (
                 SELECT id FROM feeds
                 WHERE NOT paused
                   AND (next_poll_at IS NULL OR next_poll_at <= $2)
                   AND (lease_until IS NULL OR lease_until <= $2)
                 ORDER BY COALESCE(next_poll_at, $2), added_at, id
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED)
             UPDATE feeds SET lease_until = $1
             WHERE id IN (SELECT id FROM due)
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
        let query = format!(
            "INSERT INTO jobs ({JOB_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (kind, key) DO NOTHING"
        );
        let mut transaction = self.pool.begin().await?;
        let mut added = Vec::new();
        for job in jobs {
            let inserted = sqlx::query(&query)
                .bind(job.id.to_string())
                .bind(&job.kind)
                .bind(&job.key)
                .bind(job.feed_id.map(|id| id.to_string()))
                .bind(job.payload.to_string())
                .bind(job.state.as_str())
                .bind(i64::from(job.attempts))
                .bind(to_micros(job.not_before))
                .bind(job.lease_until.map(to_micros))
                .bind(&job.last_error)
                .bind(to_micros(job.created_at))
                .bind(job.finished_at.map(to_micros))
                .bind(job.result.as_ref().map(ToString::to_string))
                .execute(&mut *transaction)
                .await;
            match inserted {
                Ok(result) if result.rows_affected() > 0 => added.push(job.id),
                Ok(_) => {}
                Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                    return Err(StoreError::Duplicate(format!("job {}", job.id)));
                }
                Err(error) => return Err(error.into()),
            }
        }
        transaction.commit().await?;
        Ok(added)
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
        // As for feeds: chosen rows are locked, rows locked by another caller skipped.
        let mut transaction = self.pool.begin().await?;
        let query = format!(
            "WITH due AS MATERIALIZED (
                 SELECT id FROM jobs
                 WHERE state = 'pending' AND kind = $2 AND not_before <= $3
                   AND (lease_until IS NULL OR lease_until <= $3)
                 ORDER BY not_before, created_at, id
                 LIMIT $4
                 FOR UPDATE SKIP LOCKED)
             UPDATE jobs SET lease_until = $1, attempts = attempts + 1
             WHERE id IN (SELECT id FROM due)
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
            "UPDATE jobs SET state = $1, not_before = COALESCE($2, not_before),
                 last_error = COALESCE($3, last_error), finished_at = $4,
                 result = COALESCE($5, result), lease_until = NULL
             WHERE id = $6",
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
        let mut transaction = self.pool.begin().await?;
        let mut found = 0;
        for (id, outcome) in outcomes {
            let finish = JobFinish::of(outcome);
            let result = sqlx::query(
                "UPDATE jobs SET state = $1, not_before = COALESCE($2, not_before),
                     last_error = COALESCE($3, last_error), finished_at = $4,
                     result = COALESCE($5, result), lease_until = NULL
                 WHERE id = $6",
            )
            .bind(finish.state)
            .bind(finish.not_before)
            .bind(finish.last_error)
            .bind(finish.finished_at)
            .bind(finish.result)
            .bind(id.to_string())
            .execute(&mut *transaction)
            .await?;
            found += result.rows_affected();
        }
        transaction.commit().await?;
        Ok(found)
    }

    async fn job_by_key(&self, kind: &str, key: &str) -> Result<Option<JobRow>, StoreError> {
        let query = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE kind = $1 AND key = $2");
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
             WHERE ($1::text IS NULL OR kind = $1)
               AND ($2::text IS NULL OR feed_id = $2)
               AND ($3::text IS NULL OR state = $3)
             ORDER BY created_at DESC, id DESC
             LIMIT $4"
        );
        let rows = sqlx::query(&query)
            .bind(filter.kind.as_deref())
            .bind(filter.feed_id.map(|id| id.to_string()))
            .bind(filter.state.map(JobState::as_str))
            .bind(filter.limit.map(i64::from))
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
            "UPDATE jobs SET state = 'pending', attempts = 0, not_before = $1, lease_until = NULL,
                 finished_at = NULL
             WHERE state = 'failed' AND ($2::text IS NULL OR feed_id = $2)",
        )
        .bind(to_micros(now))
        .bind(feed_id.map(|id| id.to_string()))
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    async fn append_log(&self, entries: &[LogAppend]) -> Result<u64, StoreError> {
        let pending: Vec<PendingLeaf> = entries.iter().map(PendingLeaf::from_append).collect();
        let mut transaction = self.pool.begin().await?;
        sqlx::query(WRITE_LOCK).execute(&mut *transaction).await?;
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
             WHERE idx >= $1 ORDER BY idx LIMIT $2",
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
             WHERE record_kind = $1 AND record_id = $2 AND record_version = $3",
        )
        .bind(kind.as_str())
        .bind(id.to_string())
        .bind(i32::try_from(version).unwrap_or(i32::MAX))
        .fetch_optional(&self.pool)
        .await?;
        let sealer = sealer_of(&self.fields);
        row.as_ref()
            .map(|row| log_entry_from_row(row, sealer.as_deref()))
            .transpose()
    }

    async fn log_tile(&self, index: u64) -> Result<Option<Vec<Hash>>, StoreError> {
        let bytes: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT hashes FROM log_tiles WHERE idx = $1")
                .bind(index.min(i64::MAX as u64) as i64)
                .fetch_optional(&self.pool)
                .await?;
        bytes.as_deref().map(tile_hashes).transpose()
    }

    async fn log_state(&self, size: u64) -> Result<Arc<TreeState>, StoreError> {
        if let Some(state) = self.log.get()
            && state.size() >= size
        {
            return Ok(state);
        }
        // One repeatable-read snapshot of leaves and nodes.
        let mut transaction = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut *transaction)
            .await?;
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
            "INSERT INTO log_checkpoints (size, note, signed_at) VALUES ($1, $2, $3)
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
             WHERE user_id = $1",
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
             VALUES ($1, $2, $3, $4, $5)
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
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(&user_id)
            .execute(&mut *transaction)
            .await?;
        for code_hash in recovery_code_hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL)
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
            "UPDATE second_factors SET last_step = $1
             WHERE user_id = $2 AND confirmed_at IS NOT NULL AND last_step < $3",
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
        let result = sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
            .bind(&user_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
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
            "UPDATE recovery_codes SET used_at = $1
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
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
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
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
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(to_micros(at))
        .bind(user_id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    async fn append_audit(&self, events: &[crate::AuditEvent]) -> Result<(), StoreError> {
        crate::audit::postgres::append(&self.pool, events).await
    }

    async fn audit_events(
        &self,
        filter: &crate::AuditFilter,
    ) -> Result<Vec<crate::AuditEvent>, StoreError> {
        crate::audit::postgres::list(&self.pool, filter).await
    }
}
