//! Values passed to and returned by the [`crate::Store`].

use amparo_model::RecordKind;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;

/// One new version to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id.
    pub id: Uuid,
    /// The version this change replaces; 0 creates the record.
    pub expected_version: u32,
    /// The new body (a JSON object); `None` writes a tombstone.
    pub body: Option<serde_json::Value>,
    /// Who makes the change (`cli:alice`, `user:<id>`).
    pub actor: String,
    /// When, truncated to microseconds by the store.
    pub at: OffsetDateTime,
}

/// One stored version of a record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredVersion {
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id.
    pub id: Uuid,
    /// 1 for the first version, then +1 per change.
    pub version: u32,
    /// Whether this version is a tombstone.
    pub deleted: bool,
    /// The body, `sensitive` member included (`null` for a tombstone).
    pub body: serde_json::Value,
    /// Who wrote it.
    pub actor: String,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// Whether the version's sensitive fields were purged (their data key destroyed): the
    /// body then has no `sensitive` member.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive_purged: bool,
}

/// Which current versions [`crate::Store::list`] returns.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// Include records whose current version is a tombstone.
    pub include_deleted: bool,
    /// Only ids greater than this (for paging).
    pub after_id: Option<Uuid>,
    /// At most this many (all when `None`).
    pub limit: Option<u32>,
}

/// One entry of the outbox: a version was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Monotonic sequence number, in commit order.
    pub seq: u64,
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id.
    pub id: Uuid,
    /// The version written.
    pub version: u32,
    /// Whether it was a tombstone.
    pub deleted: bool,
}

/// An API token as stored: never its secret, only the secret's SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRow {
    /// The token's id, shown by `amparo token list` and used to revoke it.
    pub id: Uuid,
    /// The user the token acts for.
    pub user_id: Uuid,
    /// Lowercase hex SHA-256 of the secret; the lookup key.
    pub token_hash: String,
    /// What the token is for, as its creator described it.
    pub label: String,
    /// When it was made, truncated to microseconds by the store.
    pub created_at: OffsetDateTime,
    /// When it was last used to authenticate.
    pub last_used_at: Option<OffsetDateTime>,
    /// When it was revoked; a revoked token authenticates nobody.
    pub revoked_at: Option<OffsetDateTime>,
    /// What the token may do, as space-separated scope names (the application reads them).
    pub scopes: String,
    /// When it stops authenticating; `None` for never.
    pub expires_at: Option<OffsetDateTime>,
}

/// A user's TOTP second factor as stored (the secret is what the encryption at rest seals).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondFactorRow {
    /// The user it belongs to.
    pub user_id: Uuid,
    /// The shared HMAC secret (RFC 6238), 20 random bytes.
    pub secret: Vec<u8>,
    /// When enrolment began.
    pub created_at: OffsetDateTime,
    /// When a first good code confirmed it; until then it is not asked for at sign-in.
    pub confirmed_at: Option<OffsetDateTime>,
    /// The last time step whose code was accepted; codes of it and earlier steps are refused.
    pub last_step: i64,
}

/// Microseconds since the Unix epoch, the stored form of times.
pub(crate) fn to_micros(at: OffsetDateTime) -> i64 {
    at.unix_timestamp_nanos().div_euclid(1_000) as i64
}

pub(crate) fn from_micros(micros: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .map_err(|error| StoreError::Corrupt(format!("time {micros}: {error}")))
}

/// Splits a body into its public part and its sensitive part: the `sensitive` member, or for a
/// capture received as a file its [`CAPTURE_SEALED_MEMBERS`].
pub(crate) fn split_body(change: &Change) -> Result<(Option<String>, Option<String>), StoreError> {
    let Some(body) = &change.body else {
        return Ok((None, None));
    };
    let serde_json::Value::Object(map) = body else {
        return Err(StoreError::NotAnObject {
            kind: change.kind,
            id: change.id,
        });
    };
    let mut public = map.clone();
    let sensitive = if change.kind == RecordKind::Capture && is_received_file(&public) {
        let sealed: serde_json::Map<String, serde_json::Value> = CAPTURE_SEALED_MEMBERS
            .iter()
            .filter_map(|member| Some(((*member).to_owned(), public.remove(*member)?)))
            .collect();
        Some(serde_json::Value::Object(sealed))
    } else {
        public.remove(SENSITIVE_MEMBER)
    };
    let public = serde_json::Value::Object(public).to_string();
    let sensitive = sensitive
        .filter(|value| !value.is_null())
        .map(|value| value.to_string());
    Ok((Some(public), sensitive))
}

/// The members of a capture received as a file that are kept with its sealed part: what would
/// tell which known file is held (its plain SHA-256, its file name) and the note about it.
pub(crate) const CAPTURE_SEALED_MEMBERS: [&str; 3] = ["sha256", "origin", "note"];

/// The member that holds a record's sensitive fields.
const SENSITIVE_MEMBER: &str = "sensitive";

/// The top-level members of a record body (a JSON object) that the store seals rather than
/// keeps in clear: the `sensitive` member, or for a capture received as a file its file name,
/// plain SHA-256 and note. Derived state kept on disk (the search index) keeps out the same.
pub fn sealed_members(
    kind: RecordKind,
    body: &serde_json::Map<String, serde_json::Value>,
) -> &'static [&'static str] {
    if kind == RecordKind::Capture && is_received_file(body) {
        &CAPTURE_SEALED_MEMBERS
    } else {
        &[SENSITIVE_MEMBER]
    }
}

/// Whether a capture's body says its bytes were received as a file (an upload, a testimony's
/// recording, a file given by a person) rather than fetched from a public URL.
fn is_received_file(body: &serde_json::Map<String, serde_json::Value>) -> bool {
    body.get("origin")
        .and_then(|origin| origin.get("kind"))
        .and_then(|kind| kind.as_str())
        == Some("file")
}

/// Puts an opened sensitive part back into a body: the `sensitive` member of most kinds, the
/// sealed members of a capture received as a file.
pub(crate) fn restore_sensitive(
    kind: RecordKind,
    body: &mut serde_json::Map<String, serde_json::Value>,
    sensitive: serde_json::Value,
) {
    match sensitive {
        serde_json::Value::Object(members)
            if kind == RecordKind::Capture && !crate::fields::is_envelope_map(&members) =>
        {
            body.extend(members);
        }
        sensitive => {
            body.insert("sensitive".to_owned(), sensitive);
        }
    }
}

/// Joins the stored parts of a body back together (a sealed part stays an envelope under
/// `sensitive` until the sealer opens it).
pub(crate) fn join_body(
    kind: RecordKind,
    public: Option<&str>,
    sensitive: Option<&str>,
) -> Result<serde_json::Value, StoreError> {
    let Some(public) = public else {
        return Ok(serde_json::Value::Null);
    };
    let mut value: serde_json::Value = serde_json::from_str(public)
        .map_err(|error| StoreError::Corrupt(format!("record body: {error}")))?;
    if let (Some(sensitive), serde_json::Value::Object(map)) = (sensitive, &mut value) {
        let sensitive: serde_json::Value = serde_json::from_str(sensitive)
            .map_err(|error| StoreError::Corrupt(format!("sensitive body: {error}")))?;
        restore_sensitive(kind, map, sensitive);
    }
    Ok(value)
}

pub(crate) fn parse_kind(text: &str) -> Result<RecordKind, StoreError> {
    text.parse()
        .map_err(|error| StoreError::Corrupt(format!("{error}")))
}

pub(crate) fn parse_id(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|error| StoreError::Corrupt(format!("id {text:?}: {error}")))
}

pub(crate) fn optional_micros(micros: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    micros.map(from_micros).transpose()
}

/// The records a body links to, as (kind, id), without repeats; nothing for a tombstone or a
/// body that is not a valid record (the application validates before writing).
pub(crate) fn references_of(
    kind: RecordKind,
    body: Option<&serde_json::Value>,
) -> Vec<(RecordKind, Uuid)> {
    let Some(body) = body else {
        return Vec::new();
    };
    let Ok(record) = amparo_model::Record::from_json(kind, body.clone()) else {
        return Vec::new();
    };
    let mut targets: Vec<(RecordKind, Uuid)> = record
        .references()
        .into_iter()
        .map(|reference| (reference.kind, reference.id))
        .collect();
    targets.sort();
    targets.dedup();
    targets
}
