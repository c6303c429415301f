//! Derived views kept in memory: the current records of a type, decoded once, and each
//! person's present custody status. They are rebuilt when the outbox has moved on, so a reader
//! never sees a view older than the last committed change it could have read.
//!
//! The views hold records unredacted; every function that hands records out redacts them for
//! the actor, as [`App::read_version`] does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use amparo_model::records::CustodyPeriod;
use amparo_model::{CustodyPeriodId, PersonId, Record, RecordKind};
use amparo_store::ListOptions;
use uuid::Uuid;

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
    async fn views_at(&self) -> Result<u64, AppError> {
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
    async fn current(&self, kind: RecordKind) -> Result<Arc<Vec<VersionedRecord>>, AppError> {
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
        let everyone = Actor::cli("amparo");
        let list: Arc<Vec<VersionedRecord>> = Arc::new(
            self.store
                .list(kind, &ListOptions::default())
                .await?
                .into_iter()
                .map(|stored| self.read_version(&everyone, stored))
                .collect::<Result<_, _>>()?,
        );
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.seq == seq {
            cached.lists.insert(kind, list.clone());
        }
        Ok(list)
    }

    /// A page of the current records of `kind` that `keep` accepts, in id order, after the
    /// record `after`, redacted for `actor`.
    pub async fn page_records(
        &self,
        actor: &Actor,
        kind: RecordKind,
        keep: impl Fn(&VersionedRecord) -> bool,
        after: Option<Uuid>,
        limit: usize,
    ) -> Result<ListPage, AppError> {
        let all = self.current(kind).await?;
        let matching: Vec<&VersionedRecord> = all.iter().filter(|record| keep(record)).collect();
        let start = after.map_or(0, |after| {
            matching.partition_point(|record| record.id <= after)
        });
        let items: Vec<VersionedRecord> = matching[start..]
            .iter()
            .take(limit)
            .map(|record| redact(actor, (*record).clone()))
            .collect();
        let next = (start + items.len() < matching.len())
            .then(|| items.last().map(|record| record.id))
            .flatten();
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

fn redact(actor: &Actor, mut record: VersionedRecord) -> VersionedRecord {
    if !actor.sees_sensitive()
        && let Some(body) = &mut record.record
    {
        body.strip_sensitive();
    }
    record
}
