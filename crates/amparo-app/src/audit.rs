//! The audit trail: sign-ins (good and failed), reads of sensitive fields, exports, bundle
//! downloads, grant changes and key operations. Each event is stored and entered in the
//! evidence log (a leaf of kind `audit` committing to who, on what, and the event itself), so
//! that a deleted or altered audit row shows as a leaf without its event.
//!
//! Events are written by group commit: a use case that audits waits until its event is
//! durable, but events that arrive while a write is under way go together in the next one, so
//! many readers at once cost one transaction each round rather than one each.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use amparo_model::{Record, RecordKind};
use amparo_store::{AuditEvent, AuditFilter, LogAppend};
use amparo_tlog::LeafKind;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{Actor, App, AppError, Channel, VersionedRecord};

/// The most record ids one sensitive-read event lists; a larger read lists the first ones and
/// says how many there were.
const MAX_LISTED: usize = 500;

/// Events waiting to be written, and who has written up to which.
#[derive(Default)]
pub(crate) struct AuditQueue {
    pending: Mutex<Vec<(u64, AuditEvent)>>,
    writer: tokio::sync::Mutex<()>,
    next_ticket: AtomicU64,
    written_up_to: AtomicU64,
}

/// What the evidence log's audit leaf commits to as content: the event, canonically.
pub fn audit_content(event: &AuditEvent) -> Vec<u8> {
    json!({
        "at": event.at.format(&Rfc3339).unwrap_or_default(),
        "actor": event.actor,
        "action": event.action,
        "subject": event.subject,
        "detail": event.detail,
    })
    .to_string()
    .into_bytes()
}

/// Whether the record, as handed out, carries sensitive fields.
fn carries_sensitive(record: &Record) -> bool {
    match record {
        Record::Person(person) => person.sensitive.is_some(),
        Record::Testimony(testimony) => testimony.sensitive.is_some(),
        Record::User(user) => user.sensitive.is_some(),
        _ => false,
    }
}

impl App {
    /// Records an audit event and enters it in the evidence log; returns once both are durable.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        subject: &str,
        detail: Value,
    ) -> Result<(), AppError> {
        // Stored to the microsecond, as the log leaf's time: the commitment is made from the
        // value as it will be read back.
        let now = OffsetDateTime::now_utc().unix_timestamp_nanos();
        let at = OffsetDateTime::from_unix_timestamp_nanos(now - now.rem_euclid(1_000))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let event = AuditEvent {
            seq: 0,
            at,
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail,
            log_index: None,
        };
        let queue = &self.audit;
        let ticket = queue.next_ticket.fetch_add(1, Ordering::SeqCst) + 1;
        queue
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((ticket, event));
        let _writing = queue.writer.lock().await;
        if queue.written_up_to.load(Ordering::SeqCst) >= ticket {
            // Another use case wrote this event with its own.
            return Ok(());
        }
        let mut batch =
            std::mem::take(&mut *queue.pending.lock().unwrap_or_else(|p| p.into_inner()));
        batch.sort_by_key(|(ticket, _)| *ticket);
        let last = batch.last().map_or(ticket, |(ticket, _)| *ticket);
        let mut events: Vec<AuditEvent> = batch.into_iter().map(|(_, event)| event).collect();
        let appends: Vec<LogAppend> = events
            .iter()
            .map(|event| {
                LogAppend::new(
                    LeafKind::Audit,
                    event.at,
                    &event.actor,
                    &event.subject,
                    &audit_content(event),
                )
            })
            .collect();
        let result = async {
            let first = self.append_log(&appends).await?;
            for (offset, event) in events.iter_mut().enumerate() {
                event.log_index = Some(first + offset as u64);
            }
            self.store.append_audit(&events).await?;
            Ok::<(), AppError>(())
        }
        .await;
        // Whatever happened, these events were tried: a failure is reported to the use case
        // that wrote them, and the others retry nothing silently.
        queue.written_up_to.fetch_max(last, Ordering::SeqCst);
        result
    }

    /// Audits the sensitive fields handed out to `actor` by one read: one event naming the
    /// records. Amparo's own background work is not audited (it shows nothing to anyone).
    pub(crate) async fn audit_sensitive_reads<'a>(
        &self,
        actor: &Actor,
        read: impl IntoIterator<Item = &'a VersionedRecord>,
    ) -> Result<(), AppError> {
        if actor.channel == Channel::System {
            return Ok(());
        }
        let mut records: Vec<(RecordKind, uuid::Uuid)> = Vec::new();
        let mut count = 0usize;
        for version in read {
            if version.record.as_ref().is_some_and(carries_sensitive) {
                count += 1;
                if records.len() < MAX_LISTED && !records.contains(&(version.kind, version.id)) {
                    records.push((version.kind, version.id));
                }
            }
        }
        if count == 0 {
            return Ok(());
        }
        let subject = match records.as_slice() {
            [(kind, id)] if count == 1 => format!("{kind} {id}"),
            _ => format!("{count} records"),
        };
        let listed: Vec<Value> = records
            .iter()
            .map(|(kind, id)| json!({"kind": kind, "id": id}))
            .collect();
        self.audit(
            &actor.label(),
            "sensitive-read",
            &subject,
            json!({"records": listed, "count": count}),
        )
        .await
    }

    /// The audit events the filter selects, newest first; administrators only.
    pub async fn audit_events(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEvent>, AppError> {
        self.require_admin_role(actor, "read the audit trail")
            .await?;
        Ok(self.store.audit_events(filter).await?)
    }
}
