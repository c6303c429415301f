//! Create, update, delete, get, list and history for every record type, with validation,
//! reference checks, pseudonym codes and the redaction of sensitive fields.

use amparo_model::records::Person;
use amparo_model::{Record, RecordBody, RecordKind, ValidationErrors};
use amparo_store::{Change, ListOptions, StoredVersion};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use amparo_model::records::Right;

use crate::access::Gate;
use crate::{Actor, App, AppError};

/// Name of the counter that numbers pseudonym codes.
pub(crate) const PSEUDONYM_SEQUENCE: &str = "person-pseudonym";

/// One version of a record of a known type.
#[derive(Clone, Debug, PartialEq)]
pub struct Versioned<T> {
    /// The record's id.
    pub id: Uuid,
    /// The version number, from 1.
    pub version: u32,
    /// The record as of this version.
    pub body: T,
    /// Who wrote this version.
    pub actor: String,
    /// When.
    pub recorded_at: OffsetDateTime,
}

/// One version of a record of any type; a tombstone has no record.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionedRecord {
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id.
    pub id: Uuid,
    /// The version number, from 1.
    pub version: u32,
    /// The record, or `None` when this version deleted it.
    pub record: Option<Record>,
    /// Who wrote this version.
    pub actor: String,
    /// When.
    pub recorded_at: OffsetDateTime,
}

impl VersionedRecord {
    /// The JSON form printed by `--json` and served by the API.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "kind": self.kind,
            "id": self.id,
            "version": self.version,
            "deleted": self.record.is_none(),
            "actor": self.actor,
            "recorded_at": self.recorded_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "record": self.record.as_ref().map(Record::to_json),
        })
    }

    /// A short label that reveals nothing sensitive.
    pub fn label(&self) -> String {
        match &self.record {
            Some(record) => record.label(),
            None => "(deleted)".to_owned(),
        }
    }
}

pub(crate) fn decode(kind: RecordKind, body: serde_json::Value) -> Result<Record, AppError> {
    Record::from_json(kind, body).map_err(|error| AppError::Malformed {
        kind,
        message: error.to_string(),
    })
}

fn to_typed<T: RecordBody>(version: VersionedRecord) -> Result<Versioned<T>, AppError> {
    let body = version
        .record
        .map(|record| record.to_json())
        .ok_or(AppError::NotFound {
            kind: T::KIND,
            id: version.id,
        })?;
    let body = serde_json::from_value(body).map_err(|error| AppError::Malformed {
        kind: T::KIND,
        message: error.to_string(),
    })?;
    Ok(Versioned {
        id: version.id,
        version: version.version,
        body,
        actor: version.actor,
        recorded_at: version.recorded_at,
    })
}

/// A stored version decoded, unredacted: hand it out only through [`App::admit`].
pub(crate) fn decode_version(stored: StoredVersion) -> Result<VersionedRecord, AppError> {
    let record = if stored.deleted {
        None
    } else {
        Some(decode(stored.kind, stored.body)?)
    };
    Ok(VersionedRecord {
        kind: stored.kind,
        id: stored.id,
        version: stored.version,
        record,
        actor: stored.actor,
        recorded_at: stored.recorded_at,
    })
}

/// The record with `old`'s sensitive fields put back, for a writer who was shown the record
/// without them: what they could not see, they did not mean to erase.
fn keep_sensitive(record: Record, old: &Record) -> Result<Record, AppError> {
    let Some(sensitive) = old.to_json().get("sensitive").cloned() else {
        return Ok(record);
    };
    let mut body = record.to_json();
    if let Some(fields) = body.as_object_mut() {
        fields.insert("sensitive".to_owned(), sensitive);
    }
    decode(record.kind(), body)
}

impl App {
    /// Refuses unless the actor is an administrator now (their current role, not the one they
    /// signed in with): installation-wide work such as users, feeds, export and import.
    pub(crate) async fn require_admin_role(
        &self,
        actor: &Actor,
        action: &str,
    ) -> Result<(), AppError> {
        if self.access(actor).await?.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                action: format!("{action} (administrators only)"),
            })
        }
    }

    /// Refuses unless the actor's current role may decide on suggestions somewhere
    /// (administrators, documenters, lawyers and reviewers); which documents they may review is
    /// decided per case when the decision is written.
    pub(crate) async fn require_review_role(
        &self,
        actor: &Actor,
        action: &str,
    ) -> Result<(), AppError> {
        let access = self.access(actor).await?;
        if access.is_admin() || crate::access::role_ceiling(access.role()).has(Right::Review) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                action: format!(
                    "{action} (administrators, documenters, lawyers and reviewers only)"
                ),
            })
        }
    }

    /// Checks that the actor may write `record` (new, or replacing `old`): the write right on
    /// the record's cases, the manage right for a grant, and on every case it is added to or
    /// taken from; and that only holders of the sensitive right set sensitive fields. Returns
    /// the record to write, with sensitive fields the writer could not see kept as they were.
    pub(crate) async fn check_write(
        &self,
        gate: &mut Gate,
        id: Uuid,
        record: Record,
        old: Option<&Record>,
    ) -> Result<Record, AppError> {
        let right = if record.kind() == RecordKind::Grant {
            Right::Manage
        } else {
            Right::Write
        };
        self.check_write_with(gate, id, record, old, right).await
    }

    /// [`App::check_write`] with the right that allows the write: `review` for the records a
    /// review decision writes.
    pub(crate) async fn check_write_with(
        &self,
        gate: &mut Gate,
        id: Uuid,
        record: Record,
        old: Option<&Record>,
        right: Right,
    ) -> Result<Record, AppError> {
        let kind = record.kind();
        let what = if old.is_some() {
            format!("change this {kind} record")
        } else {
            format!("create {kind} records here")
        };
        let new_scope = self.require_on(gate, right, id, &record, &what).await?;
        let old_scope = match old {
            Some(old) => Some(self.require_on(gate, right, id, old, &what).await?),
            None => None,
        };
        if !gate.is_admin() {
            let before: &[Uuid] = old_scope.as_ref().map_or(&[], |scope| scope.own_cases());
            let after = new_scope.own_cases();
            let moved = after
                .iter()
                .filter(|case| !before.contains(case))
                .chain(before.iter().filter(|case| !after.contains(case)));
            for case in moved {
                if !gate.access.holds(right, *case) {
                    return Err(AppError::Forbidden {
                        action: format!(
                            "add this {kind} record to case {case} or take it out (it needs the {} right on that case)",
                            format!("{right:?}").to_lowercase()
                        ),
                    });
                }
            }
        }
        // Only holders of the sensitive right set sensitive fields; a writer who was shown the
        // record without them sends none, and what they could not see is kept as it was.
        let sent = record.to_json().get("sensitive").cloned();
        let kept = old.and_then(|old| old.to_json().get("sensitive").cloned());
        let sees_new = gate.access.reads_sensitive_in(&new_scope);
        let sees_old = old_scope
            .as_ref()
            .is_none_or(|scope| gate.access.reads_sensitive_in(scope));
        if sent.is_some() && sent != kept && !(sees_new && sees_old) {
            return Err(AppError::Forbidden {
                action: format!(
                    "set the sensitive fields of this {kind} record (it needs the sensitive right on its case)"
                ),
            });
        }
        let mut record = record;
        if let Some(old) = old
            && sent.is_none()
            && !sees_old
        {
            record = keep_sensitive(record, old)?;
        }
        Ok(record)
    }

    /// Checks a record fully: its own fields, then that everything it links to exists.
    pub(crate) async fn check_record(&self, record: &Record) -> Result<(), AppError> {
        record.validate().map_err(AppError::Invalid)?;
        let mut errors = ValidationErrors {
            kind: record.kind().to_string(),
            errors: Vec::new(),
        };
        for reference in record.references() {
            let found = self.store.get(reference.kind, reference.id).await?;
            if found.is_none_or(|version| version.deleted) {
                errors.push(
                    reference.field,
                    format!("there is no {} with id {}", reference.kind, reference.id),
                );
            }
        }
        if errors.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }

    /// Checks that a person's given pseudonym code is free, and keeps automatic numbering past it.
    async fn claim_pseudonym(&self, id: Uuid, person: &Person) -> Result<(), AppError> {
        for existing in self
            .store
            .list(RecordKind::Person, &ListOptions::default())
            .await?
        {
            if existing.id != id
                && existing.body.get("pseudonym").and_then(|p| p.as_str())
                    == Some(person.pseudonym.as_str())
            {
                let mut errors = ValidationErrors {
                    kind: "person".to_owned(),
                    errors: Vec::new(),
                };
                errors.push(
                    "pseudonym",
                    format!("{} is already used by another person", person.pseudonym),
                );
                return Err(AppError::Invalid(errors));
            }
        }
        if let Some(number) = person
            .pseudonym
            .strip_prefix("P-")
            .and_then(|digits| digits.parse::<u64>().ok())
        {
            self.store
                .raise_sequence(PSEUDONYM_SEQUENCE, number)
                .await?;
        }
        Ok(())
    }

    /// Writes a new version after every check; the one path by which records change.
    pub(crate) async fn write_record(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: u32,
        record: Record,
    ) -> Result<VersionedRecord, AppError> {
        let kind = record.kind();
        if kind == RecordKind::Capture {
            return Err(AppError::NotAllowed(
                "captures are made only by capturing a file or URL (`amparo capture`), and never change".to_owned(),
            ));
        }
        let mut gate = self.gate(actor).await?;
        let old = if expected_version > 0 {
            match self.store.get(kind, id).await? {
                Some(stored) if !stored.deleted => Some(decode(kind, stored.body)?),
                _ => None,
            }
        } else {
            None
        };
        let mut record = self
            .check_write(&mut gate, id, record, old.as_ref())
            .await?;
        let needs_code = matches!(
            &record,
            Record::Person(person) if expected_version == 0 && person.pseudonym.trim().is_empty()
        );
        if let (true, Record::Person(person)) = (needs_code, &mut record) {
            // A new person without a code gets the next one, but only once everything else is
            // known to be right, so that a refused record uses no number.
            let mut candidate = person.clone();
            candidate.pseudonym = "P-0000".to_owned();
            self.check_record(&Record::Person(candidate)).await?;
            let number = self.store.next_in_sequence(PSEUDONYM_SEQUENCE).await?;
            person.pseudonym = format!("P-{number:04}");
        } else {
            self.check_record(&record).await?;
            if let Record::Person(person) = &record {
                self.claim_pseudonym(id, person).await?;
            }
        }
        let change = Change {
            kind,
            id,
            expected_version,
            body: Some(record.to_json()),
            actor: actor.label(),
            at: OffsetDateTime::now_utc(),
        };
        let stored = self.write_changes(&[change]).await?;
        let stored = stored.into_iter().next().ok_or_else(|| {
            AppError::NotAllowed("the store wrote nothing for a one-change write".to_owned())
        })?;
        if matches!(
            kind,
            RecordKind::Grant | RecordKind::Team | RecordKind::User
        ) {
            self.audit_access_change(actor, &stored).await?;
        }
        self.admit_written(&mut gate, stored).await
    }

    /// Audits a change to who may do what: a grant, a team's members, a user's role or state.
    async fn audit_access_change(
        &self,
        actor: &Actor,
        stored: &StoredVersion,
    ) -> Result<(), AppError> {
        let action = match (stored.kind, stored.deleted) {
            (RecordKind::Grant, false) => "grant-change",
            (RecordKind::Grant, true) => "grant-withdrawn",
            (RecordKind::Team, _) => "team-change",
            _ => "user-change",
        };
        let mut detail = stored.body.clone();
        if let Some(fields) = detail.as_object_mut() {
            // Contact details are not repeated in the audit trail.
            fields.remove("sensitive");
        }
        self.audit(
            &actor.label(),
            action,
            &format!("{} {} v{}", stored.kind, stored.id, stored.version),
            detail,
        )
        .await
    }

    /// A version just written, as its writer may see it.
    async fn admit_written(
        &self,
        gate: &mut Gate,
        stored: StoredVersion,
    ) -> Result<VersionedRecord, AppError> {
        let (kind, id) = (stored.kind, stored.id);
        self.admit(gate, decode_version(stored)?)
            .await?
            .ok_or(AppError::NotFound { kind, id })
    }

    /// Creates a record with a new id.
    pub async fn create_record(
        &self,
        actor: &Actor,
        record: Record,
    ) -> Result<VersionedRecord, AppError> {
        self.write_record(actor, Uuid::now_v7(), 0, record).await
    }

    /// Creates a record with the id given (used by imports and the demo).
    pub async fn create_record_with_id(
        &self,
        actor: &Actor,
        id: Uuid,
        record: Record,
    ) -> Result<VersionedRecord, AppError> {
        self.write_record(actor, id, 0, record).await
    }

    /// Replaces a record's content with a new version; `expected_version` is the version the
    /// change was made from.
    pub async fn update_record(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: u32,
        record: Record,
    ) -> Result<VersionedRecord, AppError> {
        let kind = record.kind();
        let current = self.store.get(kind, id).await?;
        if current.is_none_or(|version| version.deleted) {
            return Err(AppError::NotFound { kind, id });
        }
        self.write_record(actor, id, expected_version, record).await
    }

    /// Creates a record from its JSON form.
    pub async fn create_json(
        &self,
        actor: &Actor,
        kind: RecordKind,
        body: serde_json::Value,
    ) -> Result<VersionedRecord, AppError> {
        self.create_record(actor, decode(kind, body)?).await
    }

    /// Deletes a record by writing a tombstone version; its history stays.
    pub async fn delete_record(
        &self,
        actor: &Actor,
        kind: RecordKind,
        id: Uuid,
        expected_version: u32,
    ) -> Result<VersionedRecord, AppError> {
        if kind == RecordKind::Capture {
            return Err(AppError::NotAllowed(
                "captures are evidence and are never deleted".to_owned(),
            ));
        }
        let mut gate = self.gate(actor).await?;
        let current = match self.store.get(kind, id).await? {
            Some(stored) if !stored.deleted => decode(kind, stored.body)?,
            _ => return Err(AppError::NotFound { kind, id }),
        };
        if self
            .admit(
                &mut gate,
                VersionedRecord {
                    kind,
                    id,
                    version: 0,
                    record: Some(current.clone()),
                    actor: String::new(),
                    recorded_at: OffsetDateTime::UNIX_EPOCH,
                },
            )
            .await?
            .is_none()
        {
            return Err(AppError::NotFound { kind, id });
        }
        let right = if kind == RecordKind::Grant {
            Right::Manage
        } else {
            Right::Write
        };
        self.require_on(
            &mut gate,
            right,
            id,
            &current,
            &format!("delete this {kind} record"),
        )
        .await?;
        let change = Change {
            kind,
            id,
            expected_version,
            body: None,
            actor: actor.label(),
            at: OffsetDateTime::now_utc(),
        };
        let stored = self.write_changes(&[change]).await?;
        let stored = stored
            .into_iter()
            .next()
            .ok_or(AppError::NotFound { kind, id })?;
        if matches!(
            kind,
            RecordKind::Grant | RecordKind::Team | RecordKind::User
        ) {
            self.audit_access_change(actor, &stored).await?;
        }
        self.admit_written(&mut gate, stored).await
    }

    /// The current version of a record; deleted records are not found.
    pub async fn get_record(
        &self,
        actor: &Actor,
        kind: RecordKind,
        id: Uuid,
    ) -> Result<VersionedRecord, AppError> {
        match self.store.get(kind, id).await? {
            Some(stored) if !stored.deleted => {
                let mut gate = self.gate(actor).await?;
                let version = self.admit_written(&mut gate, stored).await?;
                self.audit_sensitive_reads(actor, [&version]).await?;
                Ok(version)
            }
            _ => Err(AppError::NotFound { kind, id }),
        }
    }

    /// Every current record of `kind`, ordered by id (creation time).
    pub async fn list_records(
        &self,
        actor: &Actor,
        kind: RecordKind,
    ) -> Result<Vec<VersionedRecord>, AppError> {
        // From the in-memory view of current records, rebuilt only after a change.
        Ok(self
            .page_records(actor, kind, |_| true, None, usize::MAX)
            .await?
            .items)
    }

    /// The `limit` most recent changes to records, newest first: each the version written.
    pub async fn recent_changes(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> Result<Vec<VersionedRecord>, AppError> {
        let mut gate = self.gate(actor).await?;
        let mut changes = Vec::new();
        for version in self.recent_versions(limit).await?.iter() {
            if let Some(version) = self.admit(&mut gate, version.clone()).await? {
                changes.push(version);
            }
        }
        self.audit_sensitive_reads(actor, &changes).await?;
        Ok(changes)
    }

    /// How many current records of `kind` the installation holds, whoever may see them (for
    /// the command line and tests; pages count with [`App::count_visible`]).
    pub async fn count_records(&self, kind: RecordKind) -> Result<u64, AppError> {
        Ok(self.store.count(kind).await?)
    }

    /// How many current records of `kind` the actor may see.
    pub async fn count_visible(&self, actor: &Actor, kind: RecordKind) -> Result<u64, AppError> {
        if self.access(actor).await?.is_admin() {
            return self.count_records(kind).await;
        }
        Ok(self
            .page_records(actor, kind, |_| true, None, 0)
            .await?
            .total as u64)
    }

    /// Every version of a record, oldest first, tombstones included.
    pub async fn record_history(
        &self,
        actor: &Actor,
        kind: RecordKind,
        id: Uuid,
    ) -> Result<Vec<VersionedRecord>, AppError> {
        let versions = self.store.history(kind, id).await?;
        let mut gate = self.gate(actor).await?;
        let mut visible = Vec::with_capacity(versions.len());
        for version in versions {
            if let Some(version) = self.admit(&mut gate, decode_version(version)?).await? {
                visible.push(version);
            }
        }
        if visible.is_empty() {
            return Err(AppError::NotFound { kind, id });
        }
        self.audit_sensitive_reads(actor, &visible).await?;
        Ok(visible)
    }

    /// Creates a record of a known type.
    pub async fn create<T: RecordBody>(
        &self,
        actor: &Actor,
        body: T,
    ) -> Result<Versioned<T>, AppError> {
        to_typed(self.create_record(actor, body.into_record()).await?)
    }

    /// Updates a record of a known type.
    pub async fn update<T: RecordBody>(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: u32,
        body: T,
    ) -> Result<Versioned<T>, AppError> {
        to_typed(
            self.update_record(actor, id, expected_version, body.into_record())
                .await?,
        )
    }

    /// Gets a record of a known type.
    pub async fn get<T: RecordBody>(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Versioned<T>, AppError> {
        to_typed(self.get_record(actor, T::KIND, id).await?)
    }

    /// The records of type `T` that link to the record `target_id` of `target_kind` (the custody
    /// periods of a person, the hearings of a proceeding), through the store's reference index.
    pub async fn referring<T: RecordBody>(
        &self,
        actor: &Actor,
        target_kind: RecordKind,
        target_id: Uuid,
    ) -> Result<Vec<Versioned<T>>, AppError> {
        let mut gate = self.gate(actor).await?;
        let mut admitted = Vec::new();
        for stored in self
            .store
            .referring(T::KIND, target_kind, target_id)
            .await?
        {
            if let Some(version) = self.admit(&mut gate, decode_version(stored)?).await? {
                admitted.push(version);
            }
        }
        self.audit_sensitive_reads(actor, &admitted).await?;
        admitted.into_iter().map(to_typed).collect()
    }

    /// Lists records of a known type.
    pub async fn list<T: RecordBody>(&self, actor: &Actor) -> Result<Vec<Versioned<T>>, AppError> {
        self.list_records(actor, T::KIND)
            .await?
            .into_iter()
            .map(to_typed)
            .collect()
    }
}
