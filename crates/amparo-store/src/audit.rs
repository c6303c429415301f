//! Audit events: sign-ins, sensitive reads, exports, bundle downloads, grant changes and key
//! operations, kept in their own table (append-only: nothing updates or deletes a row) and each
//! entered in the evidence log, whose leaf index the row keeps.

use serde_json::Value;
use sqlx::Row;
use time::OffsetDateTime;

use crate::StoreError;
use crate::types::{from_micros, to_micros};

/// One audit event.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    /// Its number, from 1, given by the store (0 in an event not yet stored).
    pub seq: u64,
    /// When it happened.
    pub at: OffsetDateTime,
    /// Who: `user:alice`, `cli:root`, or for a failed sign-in the name typed (`anonymous:…`).
    pub actor: String,
    /// What, in kebab-case: `sign-in`, `sign-in-failed`, `sensitive-read`, `export`, …
    pub action: String,
    /// On what: `person <id>`, a user name, a file.
    pub subject: String,
    /// Details (the records read, the client address, the rights granted), never a sensitive
    /// value itself.
    pub detail: Value,
    /// The index of the evidence-log leaf that commits to the event.
    pub log_index: Option<u64>,
}

/// Which audit events to list, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this actor (exact).
    pub actor: Option<String>,
    /// Only this action (exact).
    pub action: Option<String>,
    /// Only events whose subject contains this text.
    pub subject: Option<String>,
    /// Only events at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only events before this time.
    pub until: Option<OffsetDateTime>,
    /// Only events numbered below this (the next page).
    pub before_seq: Option<u64>,
    /// Only events whose log leaf index is in `[start, end)`.
    pub log_indexes: Option<(u64, u64)>,
    /// At most this many (all when `None`).
    pub limit: Option<u32>,
}

const COLUMNS: &str = "seq, at, actor, action, subject, detail, log_index";

fn event_from(
    seq: i64,
    at: i64,
    actor: String,
    action: String,
    subject: String,
    detail: String,
    log_index: Option<i64>,
) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        seq: seq as u64,
        at: from_micros(at)?,
        actor,
        action,
        subject,
        detail: serde_json::from_str(&detail).map_err(|error| {
            StoreError::Corrupt(format!("audit event {seq} has unreadable details: {error}"))
        })?,
        log_index: log_index.map(|index| index as u64),
    })
}

/// The `WHERE` clause of a filter with `$n`-style or `?` placeholders, and its values in order.
fn conditions(filter: &AuditFilter, numbered: bool) -> (String, Vec<FilterValue>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    let place = |values: &mut Vec<FilterValue>, value: FilterValue| {
        values.push(value);
        if numbered {
            format!("${}", values.len())
        } else {
            "?".to_owned()
        }
    };
    if let Some(actor) = &filter.actor {
        let p = place(&mut values, FilterValue::Text(actor.clone()));
        clauses.push(format!("actor = {p}"));
    }
    if let Some(action) = &filter.action {
        let p = place(&mut values, FilterValue::Text(action.clone()));
        clauses.push(format!("action = {p}"));
    }
    if let Some(subject) = &filter.subject {
        let escaped = subject
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let p = place(&mut values, FilterValue::Text(format!("%{escaped}%")));
        clauses.push(format!("subject LIKE {p} ESCAPE '\\'"));
    }
    if let Some(since) = filter.since {
        let p = place(&mut values, FilterValue::Number(to_micros(since)));
        clauses.push(format!("at >= {p}"));
    }
    if let Some(until) = filter.until {
        let p = place(&mut values, FilterValue::Number(to_micros(until)));
        clauses.push(format!("at < {p}"));
    }
    if let Some(before) = filter.before_seq {
        let p = place(&mut values, FilterValue::Number(before as i64));
        clauses.push(format!("seq < {p}"));
    }
    if let Some((start, end)) = filter.log_indexes {
        let p = place(&mut values, FilterValue::Number(start as i64));
        clauses.push(format!("log_index >= {p}"));
        let p = place(&mut values, FilterValue::Number(end as i64));
        clauses.push(format!("log_index < {p}"));
    }
    let mut sql = String::new();
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(" ORDER BY seq DESC");
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    (sql, values)
}

enum FilterValue {
    Text(String),
    Number(i64),
}

pub(crate) mod sqlite {
    use super::*;

    /// Stores the events in one transaction, in order.
    pub(crate) async fn append(
        pool: &sqlx::SqlitePool,
        events: &[AuditEvent],
    ) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
        for event in events {
            sqlx::query(
                "INSERT INTO audit_events (at, actor, action, subject, detail, log_index)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(to_micros(event.at))
            .bind(&event.actor)
            .bind(&event.action)
            .bind(&event.subject)
            .bind(event.detail.to_string())
            .bind(event.log_index.map(|index| index as i64))
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// The events the filter selects, newest first.
    pub(crate) async fn list(
        pool: &sqlx::SqlitePool,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let (clause, values) = conditions(filter, false);
        let sql = format!("SELECT {COLUMNS} FROM audit_events{clause}");
        let mut query = sqlx::query(&sql);
        for value in values {
            query = match value {
                FilterValue::Text(text) => query.bind(text),
                FilterValue::Number(number) => query.bind(number),
            };
        }
        query
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|row| {
                event_from(
                    row.try_get("seq")?,
                    row.try_get("at")?,
                    row.try_get("actor")?,
                    row.try_get("action")?,
                    row.try_get("subject")?,
                    row.try_get("detail")?,
                    row.try_get("log_index")?,
                )
            })
            .collect()
    }
}

pub(crate) mod postgres {
    use super::*;

    /// Stores the events in one transaction, in order.
    pub(crate) async fn append(
        pool: &sqlx::PgPool,
        events: &[AuditEvent],
    ) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut transaction = pool.begin().await?;
        for event in events {
            sqlx::query(
                "INSERT INTO audit_events (at, actor, action, subject, detail, log_index)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(to_micros(event.at))
            .bind(&event.actor)
            .bind(&event.action)
            .bind(&event.subject)
            .bind(event.detail.to_string())
            .bind(event.log_index.map(|index| index as i64))
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    /// The events the filter selects, newest first.
    pub(crate) async fn list(
        pool: &sqlx::PgPool,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let (clause, values) = conditions(filter, true);
        let sql = format!("SELECT {COLUMNS} FROM audit_events{clause}");
        let mut query = sqlx::query(&sql);
        for value in values {
            query = match value {
                FilterValue::Text(text) => query.bind(text),
                FilterValue::Number(number) => query.bind(number),
            };
        }
        query
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|row| {
                event_from(
                    row.try_get("seq")?,
                    row.try_get("at")?,
                    row.try_get("actor")?,
                    row.try_get("action")?,
                    row.try_get("subject")?,
                    row.try_get("detail")?,
                    row.try_get("log_index")?,
                )
            })
            .collect()
    }
}
