//! Derived views kept in memory: the current records of a type, decoded once, and each
//! person's present custody status. They are rebuilt when the outbox has moved on, so a reader
//! never sees a view older than the last committed change it could have read.
//!
//! The views hold records unredacted; every function that hands records out passes them
//! through [`App::admit`], which drops what the actor may not see and redacts the rest.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use amparo_model::records::CustodyPeriod;
use amparo_model::{CustodyPeriodId, PersonId, Record, RecordKind};
use amparo_store::ListOptions;
use uuid::Uuid;

use crate::records::decode_version;
use crate::{Actor, App, AppError, VersionedRecord, build_timeline};

/// A person's present custody situation: the last segment of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentStatus {
    /// The custody-status term, `None` when the last stretch is undocumented.
    pub status: Option<String>,
    /// Since when, as recorded.
    pub since: Option<amparo_model::FuzzyDate>,
}

#[derive(Default)]
struct Cached {
    seq: u64,
    lists: HashMap<RecordKind, Arc<Vec<VersionedRecord>>>,
    statuses: Option<Arc<HashMap<PersonId, PresentStatus>>>,
    /// The cases of every current record of a kind that other records hang from (persons for
    /// custody periods, captures for documents), by id.
    parent_cases: HashMap<RecordKind, Arc<HashMap<Uuid, Vec<Uuid>>>>,
    /// What each signed-in user holds, by user id.
    access: HashMap<Uuid, Arc<crate::Access>>,
}

/// The shared cache of an [`App`] and its clones.
#[derive(Default)]
pub(crate) struct Views {
    cached: Mutex<Cached>,
    /// Held while a view is built, so that concurrent readers wait for one build instead of
    /// each building the same view.
    building: tokio::sync::Mutex<()>,
}

/// One page of a filtered list.
#[derive(Clone, Debug)]
pub struct ListPage {
    /// The records of the page, redacted for the reader.
    pub items: Vec<VersionedRecord>,
    /// How many records match the filter in all.
    pub total: usize,
    /// The id to continue after, when there are more.
    pub next: Option<Uuid>,
}

impl App {
    /// The outbox position the views must be as new as; clears them when it has moved.
    pub(crate) async fn views_at(&self) -> Result<u64, AppError> {
        let seq = self
            .store
            .latest_outbox(1)
            .await?
            .first()
            .map_or(0, |entry| entry.seq);
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.seq != seq {
            *cached = Cached {
                seq,
                ..Cached::default()
            };
        }
        Ok(seq)
    }

    /// Every current record of `kind`, decoded once per change to the installation.
    pub(crate) async fn current(
        &self,
        kind: RecordKind,
    ) -> Result<Arc<Vec<VersionedRecord>>, AppError> {
        let cached_list = |app: &App| {
            app.views
                .cached
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .lists
                .get(&kind)
                .cloned()
        };
        let seq = self.views_at().await?;
        if let Some(list) = cached_list(self) {
            return Ok(list);
        }
        let _building = self.views.building.lock().await;
        if let Some(list) = cached_list(self) {
            return Ok(list);
        }
        let list: Arc<Vec<VersionedRecord>> = Arc::new(
            self.store
                .list(kind, &ListOptions::default())
                .await?
                .into_iter()
                .map(decode_version)
                .collect::<Result<_, _>>()?,
        );
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.seq == seq {
            cached.lists.insert(kind, list.clone());
        }
        Ok(list)
    }

    pub(crate) fn cached_access(&self, user: Uuid) -> Option<Arc<crate::Access>> {
        self.views
            .cached
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .access
            .get(&user)
            .cloned()
    }

    pub(crate) fn cache_access(&self, seq: u64, user: Uuid, access: Arc<crate::Access>) {
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.seq == seq {
            cached.access.insert(user, access);
        }
    }

    /// The cases of every current record of `kind`, by id, computed once per change to the
    /// installation: what access looks up for the records that hang from them.
    pub(crate) async fn parent_case_map(
        &self,
        kind: RecordKind,
    ) -> Result<Arc<HashMap<Uuid, Vec<Uuid>>>, AppError> {
        let cached_map = |app: &App| {
            app.views
                .cached
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .parent_cases
                .get(&kind)
                .cloned()
        };
        let seq = self.views_at().await?;
        if let Some(map) = cached_map(self) {
            return Ok(map);
        }
        let records = self.current(kind).await?;
        let mut gate = crate::access::Gate::admin();
        let mut map = HashMap::with_capacity(records.len());
        for version in records.iter() {
            if let Some(record) = &version.record {
                let scope = self.scope_of(&mut gate, version.id, record).await?;
                map.insert(version.id, scope.own_cases().to_vec());
            }
        }
        let map = Arc::new(map);
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.seq == seq {
            cached.parent_cases.insert(kind, map.clone());
        }
        Ok(map)
    }

    /// A page of the current records of `kind` that `actor` may see and `keep` accepts (as
    /// the actor sees them, so a filter never matches on a field hidden from them), in id
    /// order, after the record `after`, redacted for `actor`.
    pub async fn page_records(
        &self,
        actor: &Actor,
        kind: RecordKind,
        keep: impl Fn(&VersionedRecord) -> bool,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<ListPage, AppError> {
        let all = self.current(kind).await?;
        let mut gate = self.gate(actor).await?;
        // Records whose sensitive fields the reader may not see are filtered as they see them:
        // a copy without those fields, made only for such records.
        let stripped: Vec<VersionedRecord>;
        let matching: Vec<&VersionedRecord> = if gate.is_admin() {
            all.iter().filter(|record| keep(record)).collect()
        } else {
            let mut plain = Vec::new();
            let mut redacted = Vec::new();
            for (index, version) in all.iter().enumerate() {
                let Some(record) = &version.record else {
                    continue;
                };
                use amparo_model::records::Right;
                // Records that name their cases are decided without building a scope.
                let direct = match record {
                    Record::Person(person) => Some(&person.case_ids),
                    Record::Event(event) => Some(&event.case_ids),
                    Record::Testimony(testimony) => Some(&testimony.case_ids),
                    Record::Capture(capture) => Some(&capture.case_ids),
                    _ => None,
                };
                let (reads, sensitive) = match direct {
                    Some(cases) => (
                        gate.access.holds_any(Right::Read, cases),
                        gate.access.holds_any(Right::Sensitive, cases),
                    ),
                    None => {
                        let scope = self.scope_of(&mut gate, version.id, record).await?;
                        (
                            gate.access.holds_in(Right::Read, &scope),
                            gate.access.reads_sensitive_in(&scope),
                        )
                    }
                };
                if !reads {
                    continue;
                }
                if sensitive {
                    plain.push(index);
                } else {
                    let mut copy = version.clone();
                    if let Some(record) = &mut copy.record {
                        record.strip_sensitive();
                    }
                    redacted.push((index, copy));
                }
            }
            stripped = redacted.iter().map(|(_, copy)| copy.clone()).collect();
            // Back in id order: the plain ones from the view, the others from the copies.
            let mut merged: Vec<(usize, &VersionedRecord)> = plain
                .into_iter()
                .map(|index| (index, &all[index]))
                .chain(
                    redacted
                        .iter()
                        .zip(stripped.iter())
                        .map(|((index, _), copy)| (*index, copy)),
                )
                .collect();
            merged.sort_by_key(|(index, _)| *index);
            merged
                .into_iter()
                .map(|(_, record)| record)
                .filter(|record| keep(record))
                .collect()
        };
        let start = after.map_or(0, |after| {
            matching.partition_point(|record| record.id <= after)
        });
        let items: Vec<VersionedRecord> = matching[start..]
            .iter()
            .take(limit)
            .map(|record| (*record).clone())
            .collect();
        let next = (start + items.len() < matching.len())
            .then(|| items.last().map(|record| record.id))
            .flatten();
        self.audit_sensitive_reads(actor, &items).await?;
        Ok(ListPage {
            total: matching.len(),
            items,
            next,
        })
    }

    /// Every person's present custody status, computed once per change to the installation.
    pub async fn present_statuses(
        &self,
        _actor: &Actor,
    ) -> Result<Arc<HashMap<PersonId, PresentStatus>>, AppError> {
        let cached_statuses = |app: &App| {
            app.views
                .cached
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .statuses
                .clone()
        };
        let seq = self.views_at().await?;
        if let Some(statuses) = cached_statuses(self) {
            return Ok(statuses);
        }
        let periods = self.current(RecordKind::CustodyPeriod).await?;
        let _building = self.views.building.lock().await;
        if let Some(statuses) = cached_statuses(self) {
            return Ok(statuses);
        }
        let mut by_person: HashMap<PersonId, Vec<(CustodyPeriodId, CustodyPeriod)>> =
            HashMap::new();
        for version in periods.iter() {
            if let Some(Record::CustodyPeriod(period)) = &version.record {
                by_person
                    .entry(period.person_id)
                    .or_default()
                    .push((CustodyPeriodId(version.id), period.clone()));
            }
        }
        let statuses: Arc<HashMap<PersonId, PresentStatus>> = Arc::new(
            by_person
                .into_iter()
                .map(|(person, periods)| {
                    let timeline = build_timeline(periods);
                    let last = timeline.last();
                    let status = PresentStatus {
                        status: last.and_then(|segment| segment.status.clone()),
                        since: last.and_then(|segment| segment.from),
                    };
                    (person, status)
                })
                .collect(),
        );
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.seq == seq {
            cached.statuses = Some(statuses.clone());
        }
        Ok(statuses)
    }
}
