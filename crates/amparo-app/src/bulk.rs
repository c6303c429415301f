//! Creating many records at once (a benchmark installation, a large import): every record is
//! checked as [`App::create_record`] checks it, then the lot is written in a few large
//! transactions instead of one fsynced transaction per record.

use std::collections::{HashMap, HashSet};

use amparo_model::{Record, RecordKind, ValidationErrors};
use amparo_store::{Change, ListOptions};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::records::PSEUDONYM_SEQUENCE;
use crate::{Actor, App, AppError};

/// How many changes go into one store transaction.
const CHUNK: usize = 5_000;

/// Names record `index` of a batch in its validation errors, so that the caller knows which one
/// to fix.
fn in_batch(mut errors: ValidationErrors, index: usize, id: Uuid) -> AppError {
    errors.kind = format!("{} {id} (record {index} of the batch)", errors.kind);
    AppError::Invalid(errors)
}

fn one_error(kind: RecordKind, field: &str, message: String) -> ValidationErrors {
    let mut errors = ValidationErrors {
        kind: kind.to_string(),
        errors: Vec::new(),
    };
    errors.push(field, message);
    errors
}

impl App {
    /// Creates every record of `records` (each with the id given), in order, after checking all
    /// of them: fields, links (to stored records or to records earlier in the batch), pseudonym
    /// codes. If any record is refused nothing is written, and the error names the record by
    /// its position and id. Records are then written in transactions of up to 5,000; should the
    /// store itself fail part-way (a full disk, an id already taken), the chunks before it stay
    /// written. Returns how many records were written.
    pub async fn create_records_batch(
        &self,
        actor: &Actor,
        mut records: Vec<(Uuid, Record)>,
    ) -> Result<u64, AppError> {
        self.require_admin_role(actor, "create records").await?;
        let mut in_this_batch: HashSet<(RecordKind, Uuid)> = HashSet::with_capacity(records.len());
        let mut stored: HashMap<(RecordKind, Uuid), bool> = HashMap::new();
        let mut codes_taken: Option<HashSet<String>> = None;
        let mut highest_code = 0u64;
        let mut need_codes = Vec::new();
        for (index, (id, record)) in records.iter().enumerate() {
            let kind = record.kind();
            if kind == RecordKind::Capture {
                return Err(AppError::NotAllowed(format!(
                    "record {index} of the batch is a capture: captures are made only by capturing a file or URL (`amparo capture`)"
                )));
            }
            // A person without a code is checked as if it had one, as the one-record path does.
            let needs_code =
                matches!(record, Record::Person(person) if person.pseudonym.trim().is_empty());
            let checked = if let (true, Record::Person(person)) = (needs_code, record) {
                let mut candidate = person.clone();
                candidate.pseudonym = "P-0000".to_owned();
                Record::Person(candidate).validate()
            } else {
                record.validate()
            };
            checked.map_err(|errors| in_batch(errors, index, *id))?;
            let mut errors = ValidationErrors {
                kind: kind.to_string(),
                errors: Vec::new(),
            };
            for reference in record.references() {
                let key = (reference.kind, reference.id);
                if in_this_batch.contains(&key) {
                    continue;
                }
                let exists = match stored.get(&key) {
                    Some(exists) => *exists,
                    None => {
                        let found = self.store.get(reference.kind, reference.id).await?;
                        let exists = found.is_some_and(|version| !version.deleted);
                        stored.insert(key, exists);
                        exists
                    }
                };
                if !exists {
                    errors.push(
                        reference.field,
                        format!("there is no {} with id {}", reference.kind, reference.id),
                    );
                }
            }
            if !errors.errors.is_empty() {
                return Err(in_batch(errors, index, *id));
            }
            if let Record::Person(person) = record {
                if needs_code {
                    need_codes.push(index);
                } else {
                    if codes_taken.is_none() {
                        codes_taken = Some(self.stored_pseudonyms().await?);
                    }
                    let taken = codes_taken.get_or_insert_with(HashSet::new);
                    if !taken.insert(person.pseudonym.clone()) {
                        let errors = one_error(
                            kind,
                            "pseudonym",
                            format!("{} is already used by another person", person.pseudonym),
                        );
                        return Err(in_batch(errors, index, *id));
                    }
                    if let Some(number) = person
                        .pseudonym
                        .strip_prefix("P-")
                        .and_then(|digits| digits.parse::<u64>().ok())
                    {
                        highest_code = highest_code.max(number);
                    }
                }
            }
            if !in_this_batch.insert((kind, *id)) {
                let errors = one_error(
                    kind,
                    "id",
                    format!("{id} is given to more than one record of the batch"),
                );
                return Err(in_batch(errors, index, *id));
            }
        }
        // Everything is known to be right: now take numbers for persons without a code.
        if highest_code > 0 {
            self.store
                .raise_sequence(PSEUDONYM_SEQUENCE, highest_code)
                .await?;
        }
        if !need_codes.is_empty() {
            let first = self.store.next_in_sequence(PSEUDONYM_SEQUENCE).await?;
            let count = need_codes.len() as u64;
            self.store
                .raise_sequence(PSEUDONYM_SEQUENCE, first + count - 1)
                .await?;
            for (offset, index) in need_codes.into_iter().enumerate() {
                if let Some((_, Record::Person(person))) = records.get_mut(index) {
                    person.pseudonym = format!("P-{:04}", first + offset as u64);
                }
            }
        }
        let label = actor.label();
        let at = OffsetDateTime::now_utc();
        let mut written = 0u64;
        let mut changes = Vec::with_capacity(CHUNK.min(records.len()));
        for (id, record) in records {
            changes.push(Change {
                kind: record.kind(),
                id,
                expected_version: 0,
                body: Some(record.to_json()),
                actor: label.clone(),
                at,
            });
            if changes.len() == CHUNK {
                written += self.write_changes(&changes).await?.len() as u64;
                changes.clear();
            }
        }
        if !changes.is_empty() {
            written += self.write_changes(&changes).await?.len() as u64;
        }
        Ok(written)
    }

    /// The pseudonym codes of every stored person.
    async fn stored_pseudonyms(&self) -> Result<HashSet<String>, AppError> {
        Ok(self
            .store
            .list(RecordKind::Person, &ListOptions::default())
            .await?
            .into_iter()
            .filter_map(|person| {
                person
                    .body
                    .get("pseudonym")
                    .and_then(|code| code.as_str())
                    .map(str::to_owned)
            })
            .collect())
    }
}
