//! The embedded SQLite backend (WAL, synchronous commits), the default of every installation.

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

use crate::types::{
    from_micros, join_body, optional_micros, parse_id, parse_kind, references_of, split_body,
    to_micros,
};
use crate::{ApiTokenRow, Change, ListOptions, OutboxEntry, Store, StoreError, StoredVersion};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

const VERSION_COLUMNS: &str = "kind, id, version, deleted, body, sensitive, actor, recorded_at";

/// A [`Store`] in one SQLite database file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
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
        Self::connect(options, 4).await
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
        Ok(Self { pool })
    }

    /// Closes every connection, checkpointing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn version_from_row(row: &SqliteRow) -> Result<StoredVersion, StoreError> {
    let version: i64 = row.try_get("version")?;
    Ok(StoredVersion {
        kind: parse_kind(row.try_get("kind")?)?,
        id: parse_id(row.try_get("id")?)?,
        version: u32::try_from(version)
            .map_err(|_| StoreError::Corrupt(format!("version {version}")))?,
        deleted: row.try_get("deleted")?,
        body: join_body(row.try_get("body")?, row.try_get("sensitive")?)?,
        actor: row.try_get("actor")?,
        recorded_at: from_micros(row.try_get("recorded_at")?)?,
    })
}

const TOKEN_COLUMNS: &str = "id, user_id, token_hash, label, created_at, last_used_at, revoked_at";

fn token_from_row(row: &SqliteRow) -> Result<ApiTokenRow, StoreError> {
    Ok(ApiTokenRow {
        id: parse_id(row.try_get("id")?)?,
        user_id: parse_id(row.try_get("user_id")?)?,
        token_hash: row.try_get("token_hash")?,
        label: row.try_get("label")?,
        created_at: from_micros(row.try_get("created_at")?)?,
        last_used_at: optional_micros(row.try_get("last_used_at")?)?,
        revoked_at: optional_micros(row.try_get("revoked_at")?)?,
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
        let mut written = Vec::with_capacity(changes.len());
        for change in changes {
            let kind = change.kind.as_str();
            let id = change.id.to_string();
            let current: Option<i64> =
                sqlx::query_scalar("SELECT version FROM record_heads WHERE kind = ? AND id = ?")
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
            let deleted = change.body.is_none();
            let (public, sensitive) = split_body(change)?;
            let recorded_at = to_micros(change.at);
            sqlx::query(
                "INSERT INTO record_versions (kind, id, version, deleted, body, sensitive, actor, recorded_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(kind)
            .bind(&id)
            .bind(i64::from(version))
            .bind(deleted)
            .bind(&public)
            .bind(&sensitive)
            .bind(&change.actor)
            .bind(recorded_at)
            .execute(&mut *transaction)
            .await?;
            sqlx::query(
                "INSERT INTO record_heads (kind, id, version, deleted) VALUES (?, ?, ?, ?)
                 ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted",
            )
            .bind(kind)
            .bind(&id)
            .bind(i64::from(version))
            .bind(deleted)
            .execute(&mut *transaction)
            .await?;
            sqlx::query("INSERT INTO outbox (kind, id, version, deleted) VALUES (?, ?, ?, ?)")
                .bind(kind)
                .bind(&id)
                .bind(i64::from(version))
                .bind(deleted)
                .execute(&mut *transaction)
                .await?;
            sqlx::query("DELETE FROM record_refs WHERE kind = ? AND id = ?")
                .bind(kind)
                .bind(&id)
                .execute(&mut *transaction)
                .await?;
            for (target_kind, target_id) in references_of(change.kind, change.body.as_ref()) {
                sqlx::query(
                    "INSERT INTO record_refs (kind, id, target_kind, target_id) VALUES (?, ?, ?, ?)
                     ON CONFLICT DO NOTHING",
                )
                .bind(kind)
                .bind(&id)
                .bind(target_kind.as_str())
                .bind(target_id.to_string())
                .execute(&mut *transaction)
                .await?;
            }
            written.push(StoredVersion {
                kind: change.kind,
                id: change.id,
                version,
                deleted,
                body: join_body(public.as_deref(), sensitive.as_deref())?,
                actor: change.actor.clone(),
                recorded_at: from_micros(recorded_at)?,
            });
        }
        transaction.commit().await?;
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
        row.as_ref().map(version_from_row).transpose()
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
        row.as_ref().map(version_from_row).transpose()
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
        rows.iter().map(version_from_row).collect()
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
        rows.iter().map(version_from_row).collect()
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
        rows.iter().map(version_from_row).collect()
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
        rows.iter()
            .map(|row| Ok((row.try_get::<i64, _>("seq")? as u64, version_from_row(row)?)))
            .collect()
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
            "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, last_used_at, revoked_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(token.id.to_string())
        .bind(token.user_id.to_string())
        .bind(&token.token_hash)
        .bind(&token.label)
        .bind(to_micros(token.created_at))
        .bind(token.last_used_at.map(to_micros))
        .bind(token.revoked_at.map(to_micros))
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
}
