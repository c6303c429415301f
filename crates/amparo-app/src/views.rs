//! Derived views kept in memory: the current records of a type, decoded once, and each
//! person's present custody status. They are rebuilt when the outbox has moved on, so a reader
//! never sees a view older than the last committed change it could have read.
//!
//! The views hold records unredacted; every function that hands records out passes them
//! through [`App::admit`], which drops what the actor may not see and redacts the rest.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// How long a reading of the outbox position stands for changes made by other processes.
/// Changes made by this process are seen at once (see [`amparo_store::local_writes`]); another
/// process's change (a command run while the server serves, another node on PostgreSQL) shows
/// in the views at most this long after it committed. Without it every use case asked the
/// database, several times per page, whether anything had changed.
const FRESH_FOR: Duration = Duration::from_millis(20);

/// Numbers the sets of views: each clearing starts a new one, so that a view built from an
/// older state is never kept in a newer set.
static EPOCHS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[derive(Default)]
struct Cached {
    /// This set's number (0 before the first reading).
    epoch: u64,
    seq: u64,
    /// When the outbox position was last read, and this process's write count just before.
    checked_at: Option<Instant>,
    local_writes: u64,
    /// How many data keys were destroyed when the views were built: a purge moves no outbox
    /// position, and another process's purge is only seen by counting.
    destroyed_keys: u64,
    lists: HashMap<RecordKind, Arc<Vec<VersionedRecord>>>,
    statuses: Option<Arc<HashMap<PersonId, PresentStatus>>>,
    /// The cases of every current record of a kind that other records hang from (persons for
    /// custody periods, captures for documents), by id.
    parent_cases: HashMap<RecordKind, Arc<HashMap<Uuid, Vec<Uuid>>>>,
    /// What each signed-in user holds, by user id.
    access: HashMap<Uuid, Arc<crate::Access>>,
    /// What each signed-in user may see of the current records of a kind.
    visible: HashMap<(Uuid, RecordKind), Arc<Visible>>,
    /// The versions the latest outbox entries name, newest first, and how many were asked for.
    recent: Option<(u32, Arc<Vec<VersionedRecord>>)>,
}

/// What one reader may see of the current records of a kind, in id order: each visible record
/// whole, or as a copy without its sensitive fields.
pub(crate) struct Visible {
    /// The view the entries index into.
    list: Arc<Vec<VersionedRecord>>,
    entries: Vec<Seen>,
}

enum Seen {
    Whole(usize),
    Redacted(Box<VersionedRecord>),
}

impl Visible {
    fn records(&self) -> impl Iterator<Item = &VersionedRecord> {
        self.entries.iter().map(|seen| match seen {
            Seen::Whole(index) => &self.list[*index],
            Seen::Redacted(copy) => copy.as_ref(),
        })
    }
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
    /// The number of the current set of views, after clearing them when the outbox position
    /// has moved, when this process has changed something, or when a data key was destroyed (a
    /// purge changes what records read back as without moving the outbox).
    pub(crate) async fn views_at(&self) -> Result<u64, AppError> {
        let writes = amparo_store::local_writes();
        {
            let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
            let fresh = cached.checked_at.is_some_and(|at| at.elapsed() < FRESH_FOR);
            if cached.local_writes == writes {
                if fresh {
                    return Ok(cached.epoch);
                }
                // This reader reads the position; the others go on with the one just read
                // until it is back, instead of all asking at once.
                cached.checked_at = Some(Instant::now());
            }
        }
        let seq = self
            .store
            .latest_outbox(1)
            .await?
            .first()
            .map_or(0, |entry| entry.seq);
        let destroyed = self.store.destroyed_keys().await?;
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if seq < cached.seq && writes <= cached.local_writes && destroyed <= cached.destroyed_keys {
            // A reader that asked later already saw a newer position: never go back.
            return Ok(cached.epoch);
        }
        if cached.seq != seq || cached.local_writes != writes || cached.destroyed_keys != destroyed
        {
            *cached = Cached {
                epoch: EPOCHS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                seq,
                ..Cached::default()
            };
        }
        cached.checked_at = Some(Instant::now());
        cached.local_writes = writes;
        cached.destroyed_keys = destroyed;
        Ok(cached.epoch)
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
        let epoch = self.views_at().await?;
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
        if cached.epoch == epoch {
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

    pub(crate) fn cache_access(&self, epoch: u64, user: Uuid, access: Arc<crate::Access>) {
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.epoch == epoch {
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
        let epoch = self.views_at().await?;
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
        if cached.epoch == epoch {
            cached.parent_cases.insert(kind, map.clone());
        }
        Ok(map)
    }

    /// The versions named by the latest `limit` outbox entries, newest first, unredacted:
    /// read once per change to the installation (the dashboard shows them on every visit).
    pub(crate) async fn recent_versions(
        &self,
        limit: u32,
    ) -> Result<Arc<Vec<VersionedRecord>>, AppError> {
        let epoch = self.views_at().await?;
        if let Some((kept, recent)) = &self
            .views
            .cached
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .recent
            && *kept >= limit
        {
            return Ok(Arc::new(
                recent.iter().take(limit as usize).cloned().collect(),
            ));
        }
        let mut recent = Vec::new();
        for entry in self.store.latest_outbox(limit).await? {
            if let Some(stored) = self
                .store
                .get_version(entry.kind, entry.id, entry.version)
                .await?
            {
                recent.push(decode_version(stored)?);
            }
        }
        let recent = Arc::new(recent);
        let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
        if cached.epoch == epoch {
            cached.recent = Some((limit, recent.clone()));
        }
        Ok(recent)
    }

    /// What `actor` may see of `all`, the current records of `kind`: computed once per reader
    /// and change to the installation, since list pages and counts ask for it on every request.
    async fn visible(
        &self,
        actor: &Actor,
        gate: &mut crate::access::Gate,
        kind: RecordKind,
        all: Arc<Vec<VersionedRecord>>,
    ) -> Result<Arc<Visible>, AppError> {
        let user = actor.user_id.map(|user| user.0);
        if let Some(user) = user {
            let cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(visible) = cached.visible.get(&(user, kind))
                && Arc::ptr_eq(&visible.list, &all)
            {
                return Ok(visible.clone());
            }
        }
        use amparo_model::records::Right;
        let mut entries = Vec::new();
        for (index, version) in all.iter().enumerate() {
            let Some(record) = &version.record else {
                continue;
            };
            // Decided as `App::admit` decides, once per reader and change to the installation.
            let scope = self.scope_of(gate, version.id, record).await?;
            let reads = gate.access.holds_in(Right::Read, &scope);
            let sensitive = gate.access.reads_sensitive_in(&scope);
            if !reads {
                continue;
            }
            if sensitive {
                entries.push(Seen::Whole(index));
            } else {
                // A copy without the fields the reader may not see, made only for such records.
                let mut copy = version.clone();
                if let Some(record) = &mut copy.record {
                    record.strip_sensitive();
                }
                entries.push(Seen::Redacted(Box::new(copy)));
            }
        }
        let visible = Arc::new(Visible { list: all, entries });
        if let Some(user) = user {
            let mut cached = self.views.cached.lock().unwrap_or_else(|p| p.into_inner());
            // Kept only while the view it indexes is the current one.
            if cached
                .lists
                .get(&kind)
                .is_some_and(|list| Arc::ptr_eq(list, &visible.list))
            {
                cached.visible.insert((user, kind), visible.clone());
            }
        }
        Ok(visible)
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
        let visible;
        let matching: Vec<&VersionedRecord> = if gate.is_admin() {
            all.iter().filter(|record| keep(record)).collect()
        } else {
            visible = self.visible(actor, &mut gate, kind, all).await?;
            visible.records().filter(|record| keep(record)).collect()
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
        let epoch = self.views_at().await?;
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
        if cached.epoch == epoch {
            cached.statuses = Some(statuses.clone());
        }
        Ok(statuses)
    }
}
