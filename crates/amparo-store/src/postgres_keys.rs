//! The keyring's tables on PostgreSQL: the keyring row and the wrapped data keys.

use sqlx::Row;
use time::OffsetDateTime;

use crate::types::{from_micros, optional_micros, to_micros};
use crate::{KeyringRow, StoreError, WrappedKeyRow};

type Pool = sqlx::PgPool;
type DbRow = sqlx::postgres::PgRow;

const KEY_COLUMNS: &str = "id, purpose, wrapped, created_at, destroyed_at";

pub(crate) async fn keyring(pool: &Pool) -> Result<Option<KeyringRow>, StoreError> {
    let row = sqlx::query(
        "SELECT source, kdf, check_value, generation, updated_at FROM keyring WHERE id = 1",
    )
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        let source: String = row.try_get("source")?;
        let kdf: Option<String> = row.try_get("kdf")?;
        KeyringRow::from_columns(
            &source,
            kdf.as_deref(),
            row.try_get("check_value")?,
            row.try_get("generation")?,
            from_micros(row.try_get("updated_at")?)?,
        )
    })
    .transpose()
}

pub(crate) async fn create_keyring(
    pool: &Pool,
    keyring: &KeyringRow,
    keys: &[WrappedKeyRow],
) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO keyring (id, source, kdf, check_value, generation, updated_at)
         VALUES (1, $1, $2, $3, $4, $5)",
    )
    .bind(keyring.source.kind())
    .bind(keyring.kdf_column())
    .bind(&keyring.check_value)
    .bind(keyring.generation as i64)
    .bind(to_micros(keyring.updated_at))
    .execute(&mut *transaction)
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Err(StoreError::Duplicate("the keyring".to_owned()));
        }
        Err(error) => return Err(error.into()),
    }
    insert_keys(&mut transaction, keys).await?;
    transaction.commit().await?;
    Ok(())
}

pub(crate) async fn insert_keys(
    transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    keys: &[WrappedKeyRow],
) -> Result<(), StoreError> {
    for key in keys {
        let inserted = sqlx::query(
            "INSERT INTO data_keys (id, purpose, wrapped, created_at, destroyed_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&key.id)
        .bind(&key.purpose)
        .bind(key.wrapped.as_deref())
        .bind(to_micros(key.created_at))
        .bind(key.destroyed_at.map(to_micros))
        .execute(&mut **transaction)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return Err(StoreError::Duplicate(format!("data key {}", key.id)));
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(())
}

fn key_from_row(row: &DbRow) -> Result<WrappedKeyRow, StoreError> {
    Ok(WrappedKeyRow {
        id: row.try_get("id")?,
        purpose: row.try_get("purpose")?,
        wrapped: row.try_get("wrapped")?,
        created_at: from_micros(row.try_get("created_at")?)?,
        destroyed_at: optional_micros(row.try_get("destroyed_at")?)?,
    })
}

pub(crate) async fn data_key(pool: &Pool, id: &str) -> Result<Option<WrappedKeyRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM data_keys WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(key_from_row).transpose()
}

pub(crate) async fn data_keys(pool: &Pool) -> Result<Vec<WrappedKeyRow>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {KEY_COLUMNS} FROM data_keys ORDER BY id"))
        .fetch_all(pool)
        .await?;
    rows.iter().map(key_from_row).collect()
}

pub(crate) async fn add_data_keys(
    pool: &Pool,
    generation: u64,
    keys: &[WrappedKeyRow],
) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await?;
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT generation FROM keyring WHERE id = 1 FOR SHARE")
            .fetch_optional(&mut *transaction)
            .await?;
    if stored != Some(generation as i64) {
        return Err(StoreError::KeyringChanged);
    }
    insert_keys(&mut transaction, keys).await?;
    transaction.commit().await?;
    Ok(())
}

pub(crate) async fn replace_keyring(
    pool: &Pool,
    expected_generation: u64,
    keyring: &KeyringRow,
    rewrapped: &[(String, Vec<u8>)],
) -> Result<bool, StoreError> {
    let mut transaction = pool.begin().await?;
    let updated = sqlx::query(
        "UPDATE keyring SET source = $1, kdf = $2, check_value = $3, generation = $4, updated_at = $5
         WHERE id = 1 AND generation = $6",
    )
    .bind(keyring.source.kind())
    .bind(keyring.kdf_column())
    .bind(&keyring.check_value)
    .bind(keyring.generation as i64)
    .bind(to_micros(keyring.updated_at))
    .bind(expected_generation as i64)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    if updated != 1 {
        return Ok(false);
    }
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM data_keys WHERE wrapped IS NOT NULL")
        .fetch_one(&mut *transaction)
        .await?;
    if live as usize != rewrapped.len() {
        return Ok(false);
    }
    for (id, wrapped) in rewrapped {
        let updated =
            sqlx::query("UPDATE data_keys SET wrapped = $1 WHERE id = $2 AND wrapped IS NOT NULL")
                .bind(wrapped)
                .bind(id)
                .execute(&mut *transaction)
                .await?
                .rows_affected();
        if updated != 1 {
            return Ok(false);
        }
    }
    transaction.commit().await?;
    Ok(true)
}

pub(crate) async fn destroy_data_key(
    pool: &Pool,
    id: &str,
    at: OffsetDateTime,
) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE data_keys SET wrapped = NULL, destroyed_at = $1 WHERE id = $2 AND wrapped IS NOT NULL",
    )
    .bind(to_micros(at))
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Stores the data keys that seal the sensitive fields of versions being written, in the
/// writer's transaction; refused when the keyring was rotated since the sealer was made.
pub(crate) async fn insert_sealing_keys(
    transaction: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    generation: u64,
    keys: &[WrappedKeyRow],
) -> Result<(), StoreError> {
    if keys.is_empty() {
        return Ok(());
    }
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT generation FROM keyring WHERE id = 1 FOR SHARE")
            .fetch_optional(&mut **transaction)
            .await?;
    if stored != Some(generation as i64) {
        return Err(StoreError::KeyringChanged);
    }
    insert_keys(transaction, keys).await
}

/// Destroys the data key that seals the sensitive fields of one stored version. Returns whether
/// a live key was destroyed (false when the version has no sealed fields or was purged before).
pub(crate) async fn purge_sensitive(
    pool: &Pool,
    kind: amparo_model::RecordKind,
    id: uuid::Uuid,
    version: u32,
    at: OffsetDateTime,
    fields: &crate::fields::SealerSlot,
) -> Result<bool, StoreError> {
    let sensitive: Option<Option<String>> = sqlx::query_scalar(
        "SELECT sensitive FROM record_versions WHERE kind = $1 AND id = $2 AND version = $3",
    )
    .bind(kind.as_str())
    .bind(id.to_string())
    .bind(version as i32)
    .fetch_optional(pool)
    .await?;
    let Some(key_id) = sensitive
        .flatten()
        .as_deref()
        .and_then(crate::fields::sealing_key_in)
    else {
        return Ok(false);
    };
    if let Some(sealer) = crate::fields::sealer_of(fields) {
        sealer.forget(&key_id);
    }
    destroy_data_key(pool, &key_id, at).await
}
