//! Search as the installation offers it: the index in the data directory, kept up to date from
//! the store's outbox; each record turned into a search document that belongs to the cases
//! access.rs says it belongs to; and searches run with the caller's rights, inside the index
//! (counts and facets never include what the caller may not see).
//!
//! What goes where: the on-disk index holds only what the store keeps in clear (a record
//! without its sealed members, [`amparo_store::sealed_members`]); real names, testimony text
//! and a received file's name and note go to the index held in memory, searchable by those who
//! hold `sensitive` on the record's cases. The memory index is filled when a process first
//! searches, and again after a purge destroys a data key.
//!
//! Keeping up: before each search the index applies the outbox entries it has not applied yet
//! (looked for at most as often as the views re-read the outbox position), committing the last
//! position applied with each batch, so that after a crash it resumes where it stopped. A
//! record's cases can come from the record it hangs from (a document from its capture, a
//! hearing from its proceeding), so a change to such a parent re-indexes the records under it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use amparo_model::records::{CaptureOrigin, Right};
use amparo_model::{FuzzyDate, Record, RecordKind};
use amparo_search::{
    FacetCounts, Hit, IndexOptions, QueryProblem, SearchDoc, SearchError, SearchIndex,
    SearchRequest, SensitiveText, Viewer, Visibility,
};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::{Access, Gate, Scope};
use crate::records::decode_version;
use crate::{Actor, App, AppError, VersionedRecord};

/// The index's folder in the data directory.
pub const INDEX_FOLDER: &str = "search";

/// Outbox entries applied per commit.
const BATCH: u32 = 1_000;

/// Records added per commit during a rebuild.
const REBUILD_BATCH: usize = 5_000;

/// The kinds search finds. Users, teams and grants are administration; suggestions are found
/// through their documents; information records and involvements are links between records
/// rather than text of their own.
pub const SEARCHED_KINDS: [RecordKind; 14] = [
    RecordKind::Case,
    RecordKind::Person,
    RecordKind::Event,
    RecordKind::Act,
    RecordKind::Testimony,
    RecordKind::Capture,
    RecordKind::Document,
    RecordKind::Proceeding,
    RecordKind::Hearing,
    RecordKind::DocketEntry,
    RecordKind::Deadline,
    RecordKind::CustodyPeriod,
    RecordKind::Organization,
    RecordKind::Place,
];

/// The kinds whose records take their cases from a record of another kind, by that kind.
const CHILDREN: [(RecordKind, &[RecordKind]); 4] = [
    (RecordKind::Person, &[RecordKind::CustodyPeriod]),
    (RecordKind::Event, &[RecordKind::Act]),
    (RecordKind::Capture, &[RecordKind::Document]),
    (
        RecordKind::Proceeding,
        &[
            RecordKind::Hearing,
            RecordKind::DocketEntry,
            RecordKind::Deadline,
        ],
    ),
];

/// The index of a process, once opened.
#[derive(Default)]
pub(crate) struct SearchRuntime {
    state: tokio::sync::Mutex<Option<Synced>>,
}

struct Synced {
    index: Arc<SearchIndex>,
    /// The outbox position the index has applied and committed, `None` for an index never
    /// filled. Read from the index once when it is opened; this process is its only writer
    /// (tantivy's lock), so afterwards it only changes here.
    position: Option<u64>,
    /// The views' epoch the index was last brought up to.
    epoch: u64,
    /// Destroyed data keys counted when the memory index was last filled.
    destroyed_keys: u64,
    /// What each person's document says of their custody (present status, places), as last
    /// indexed: a changed custody period changes it.
    custody: HashMap<Uuid, PersonCustody>,
}

/// A person's custody as their search document has it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct PersonCustody {
    status: Option<String>,
    places: Vec<Uuid>,
}

/// One page of search results, as the caller may see them.
#[derive(Clone, Debug)]
pub struct SearchPage {
    /// Visible records matching, in all.
    pub total: u64,
    /// The page's hits, each with its record as the caller may see it.
    pub hits: Vec<Found>,
    /// Counts per facet value over every visible match.
    pub facets: Vec<FacetCounts>,
    /// Parts of the query that could not be read, and what was done instead.
    pub problems: Vec<QueryProblem>,
}

/// A hit and its record (redacted for the caller).
#[derive(Clone, Debug)]
pub struct Found {
    pub hit: Hit,
    pub record: VersionedRecord,
}

/// What a rebuild did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RebuildReport {
    /// Records indexed.
    pub records: u64,
    /// The outbox position the index is at.
    pub position: u64,
}

fn index_error(error: SearchError) -> AppError {
    match error {
        SearchError::QueryTooLong { .. } => AppError::InvalidQuery {
            parameter: "q".to_owned(),
            message: error.to_string(),
        },
        SearchError::PageOutOfRange { .. } => AppError::InvalidQuery {
            parameter: "page".to_owned(),
            message: error.to_string(),
        },
        SearchError::UnknownField(_) => AppError::InvalidQuery {
            parameter: "facets".to_owned(),
            message: error.to_string(),
        },
        SearchError::Busy(folder) => AppError::SearchIndex(format!(
            "{} is written by another Amparo process (a running server?): search through it \
             (the search page, GET /api/v1/search), or stop it and try again",
            folder.display()
        )),
        SearchError::Folder { .. } | SearchError::Index(_) => {
            AppError::SearchIndex(error.to_string())
        }
    }
}

/// Runs index work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| AppError::SearchIndex(format!("the index task failed: {error}")))?
        .map_err(index_error)
}

/// What `access` may see, as search applies it.
pub(crate) fn viewer_of(access: &Access) -> Viewer {
    if access.is_admin() {
        return Viewer::admin();
    }
    if access.user_id().is_none() {
        return Viewer {
            read: Visibility::none(),
            sensitive: Visibility::none(),
            shared: false,
        };
    }
    Viewer::user(
        access.cases_with(Right::Read),
        access.cases_with(Right::Sensitive),
    )
}

/// A day as the start of that day, UTC.
fn day_start(date: time::Date) -> OffsetDateTime {
    date.midnight().assume_utc()
}

fn fuzzy(date: Option<&FuzzyDate>) -> Option<OffsetDateTime> {
    date.map(|date| day_start(date.earliest()))
}

/// A language tag's primary subtag, lowercased (`es-MX` → `es`).
fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    (!primary.is_empty()).then_some(primary)
}

/// Whether a member holds an id, a digest or vocabulary codes rather than words (the codes are
/// filters and facets: `torture` is found by the violation filter, not by the word).
fn not_words(key: &str) -> bool {
    key == "id"
        || key.ends_with("_id")
        || key.ends_with("_ids")
        || matches!(
            key,
            "sha256"
                | "fingerprint"
                | "simhash"
                | "media_type"
                | "kind"
                | "status"
                | "roles"
                | "violation_types"
                | "act_type"
                | "consent"
                | "confidentiality"
                | "country"
                | "nationalities"
                | "language"
                | "reliability"
                | "source_kind"
                | "degree"
        )
}

/// The words of a JSON value: every string, but ids and digests, one per line.
fn collect_text(value: &Value, key: &str, out: &mut String) {
    if not_words(key) {
        return;
    }
    match value {
        Value::String(text) if !text.trim().is_empty() && Uuid::parse_str(text).is_err() => {
            out.push_str(text);
            out.push('\n');
        }
        Value::Array(items) => {
            for item in items {
                collect_text(item, key, out);
            }
        }
        Value::Object(members) => {
            for (member, value) in members {
                collect_text(value, member, out);
            }
        }
        _ => {}
    }
}

/// The sealed members' names (real names and aliases) and other words.
fn collect_sealed(value: &Value, key: &str, sealed: &mut SensitiveText) {
    match (key, value) {
        ("full_name" | "aliases" | "file_name", Value::String(name)) if !name.trim().is_empty() => {
            sealed.names.push(name.clone());
        }
        (_, Value::Array(items)) => {
            for item in items {
                collect_sealed(item, key, sealed);
            }
        }
        (_, Value::Object(members)) => {
            for (member, value) in members {
                collect_sealed(value, member, sealed);
            }
        }
        _ => collect_text(value, key, &mut sealed.text),
    }
}

/// Where search puts a record: its cases, or shared. `None` for records search leaves out
/// (those whose access is not one set of cases).
fn placement(scope: &Scope) -> Option<(Vec<Uuid>, bool)> {
    match scope {
        Scope::Shared => Some((Vec::new(), true)),
        Scope::Cases(sets) if sets.len() == 1 => Some((sets[0].clone(), false)),
        _ => None,
    }
}

/// The search document of a record: its cases and sharing, its facets, its public words (for
/// the on-disk index) and its sealed words (for the memory index).
fn search_doc(
    version: &VersionedRecord,
    record: &Record,
    (case_ids, shared): (Vec<Uuid>, bool),
    custody: Option<&PersonCustody>,
) -> SearchDoc {
    let mut doc = SearchDoc {
        id: version.id,
        kind: version.kind.as_str().to_owned(),
        case_ids,
        shared,
        ..SearchDoc::default()
    };
    let mut body = match record.to_json() {
        Value::Object(members) => members,
        _ => serde_json::Map::new(),
    };
    let mut sealed = SensitiveText::default();
    for member in amparo_store::sealed_members(version.kind, &body) {
        if let Some(value) = body.remove(*member) {
            collect_sealed(&value, member, &mut sealed);
        }
    }
    if !sealed.names.is_empty() || !sealed.text.trim().is_empty() {
        doc.sensitive = Some(sealed);
    }
    collect_text(&Value::Object(body), "", &mut doc.text);
    let received_file = matches!(
        record,
        Record::Capture(capture) if matches!(capture.origin, CaptureOrigin::File { .. })
    );
    doc.title = if received_file {
        // Its label names the file, which the store seals.
        match record {
            Record::Capture(capture) => format!("{} ({} bytes)", capture.media_type, capture.size),
            _ => unreachable!("a received file is a capture"),
        }
    } else {
        record.label()
    };
    match record {
        Record::Case(case) => doc.date = fuzzy(case.opened_on.as_ref()),
        Record::Person(person) => {
            doc.names.push(person.pseudonym.clone());
            if let Some(custody) = custody {
                doc.custody_statuses.extend(custody.status.clone());
                doc.place_ids.clone_from(&custody.places);
            }
        }
        Record::Event(event) => {
            doc.date = fuzzy(event.period.start.as_ref());
            doc.place_ids = event.place_ids.iter().map(|place| place.0).collect();
            doc.violations.clone_from(&event.violation_types);
        }
        Record::Act(act) => {
            doc.date = fuzzy(act.period.start.as_ref());
            doc.place_ids.extend(act.place_id.map(|place| place.0));
            doc.violations.clone_from(&act.violation_types);
        }
        Record::Testimony(testimony) => {
            doc.date = fuzzy(Some(&testimony.given_on));
            doc.language = primary_language(&testimony.language);
        }
        Record::Capture(capture) => doc.date = Some(capture.obtained_at),
        Record::Document(document) => {
            doc.date = document.published_at;
            doc.language = document.language.as_deref().and_then(primary_language);
        }
        Record::Proceeding(proceeding) => doc.date = fuzzy(proceeding.filed_on.as_ref()),
        Record::Hearing(hearing) => doc.date = Some(hearing.starts_at),
        Record::DocketEntry(entry) => doc.date = fuzzy(Some(&entry.filed_on)),
        Record::Deadline(deadline) => doc.date = fuzzy(Some(&deadline.due_on)),
        Record::CustodyPeriod(period) => {
            doc.date = fuzzy(period.period.start.as_ref());
            doc.custody_statuses.push(period.status.clone());
            doc.place_ids.extend(period.place_id.map(|place| place.0));
        }
        Record::Organization(organization) => {
            doc.names.push(organization.name.clone());
            if !organization.acronym.is_empty() {
                doc.names.push(organization.acronym.clone());
            }
            doc.names.extend(organization.aliases.iter().cloned());
        }
        Record::Place(place) => {
            doc.names.extend(
                [&place.name_en, &place.name_es]
                    .into_iter()
                    .filter(|name| !name.is_empty())
                    .cloned(),
            );
            doc.names.extend(place.other_names.iter().cloned());
        }
        _ => {}
    }
    doc.names.retain(|name| !name.trim().is_empty());
    doc.names.dedup();
    doc
}

/// Whether the record as handed out still has its sealed members (a person or testimony read
/// without `sensitive` has lost them).
fn shows_sealed(record: &Record) -> bool {
    match record {
        Record::Person(person) => person.sensitive.is_some(),
        Record::Testimony(testimony) => testimony.sensitive.is_some(),
        _ => true,
    }
}

/// Which records [`App::refill_sensitive`] indexes again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refill {
    /// Those with sealed words (the memory index is empty).
    Sealed,
    /// Every record of the kinds that may have them.
    Every,
}

/// What an index change does to one record.
enum Apply {
    Upsert(Box<SearchDoc>),
    Delete(Uuid),
}

impl App {
    /// The search index, brought up to the installation's last change; opened (and filled, or
    /// rebuilt when it is new or unreadable) on first use.
    async fn search_index(&self) -> Result<Arc<SearchIndex>, AppError> {
        let epoch = self.views_at().await?;
        let mut state = self.search.state.lock().await;
        if let Some(synced) = state.as_ref()
            && synced.epoch == epoch
        {
            return Ok(synced.index.clone());
        }
        if state.is_none() {
            let mut synced = self.open_synced().await?;
            if synced.position.is_none() {
                self.rebuild_into(&mut synced, &mut |_, _| {}).await?;
            } else {
                self.catch_up(&mut synced).await?;
                if synced.custody.is_empty() {
                    // Nothing was left to apply: the index holds the custody of now.
                    synced.custody = self.custody_by_person().await?;
                }
                // The memory index starts empty in each process.
                self.refill_sensitive(&mut synced, Refill::Sealed).await?;
            }
            synced.epoch = epoch;
            let index = synced.index.clone();
            *state = Some(synced);
            return Ok(index);
        }
        let synced = state.as_mut().expect("opened above");
        self.catch_up(synced).await?;
        let destroyed = self.store.destroyed_keys().await?;
        if destroyed != synced.destroyed_keys {
            // A purge made some sealed words unreadable: they leave the memory index.
            synced.destroyed_keys = destroyed;
            self.refill_sensitive(synced, Refill::Every).await?;
        }
        synced.epoch = epoch;
        Ok(synced.index.clone())
    }

    /// The index opened, with the position it committed last.
    async fn open_synced(&self) -> Result<Synced, AppError> {
        let index = self.open_search_index().await?;
        let position = {
            let index = index.clone();
            blocking(move || index.applied_position()).await?
        };
        Ok(Synced {
            index,
            position,
            epoch: 0,
            destroyed_keys: self.store.destroyed_keys().await?,
            custody: HashMap::new(),
        })
    }

    fn search_folder(&self) -> PathBuf {
        self.data_dir.join(INDEX_FOLDER)
    }

    /// Opens the index folder; an index that cannot be read (damaged, or written by another
    /// version) is derived state, so it is set aside and made again.
    async fn open_search_index(&self) -> Result<Arc<SearchIndex>, AppError> {
        let folder = self.search_folder();
        let opened = {
            let folder = folder.clone();
            tokio::task::spawn_blocking(move || {
                SearchIndex::open_or_create(&folder, &IndexOptions::default())
            })
            .await
            .map_err(|error| AppError::SearchIndex(format!("the index task failed: {error}")))?
        };
        match opened {
            Ok(index) => Ok(Arc::new(index)),
            Err(error @ (SearchError::Index(_) | SearchError::Folder { .. }))
                if folder.is_dir() =>
            {
                tracing::warn!(folder = %folder.display(), %error, "the search index cannot be read; making it again");
                std::fs::remove_dir_all(&folder).map_err(|error| AppError::io(&folder, error))?;
                let index = blocking(move || {
                    SearchIndex::open_or_create(&folder, &IndexOptions::default())
                })
                .await?;
                Ok(Arc::new(index))
            }
            Err(error) => Err(index_error(error)),
        }
    }

    /// Every person's custody as their document shows it.
    async fn custody_by_person(&self) -> Result<HashMap<Uuid, PersonCustody>, AppError> {
        let statuses = self.present_statuses(&Actor::system("search")).await?;
        let mut custody: HashMap<Uuid, PersonCustody> = statuses
            .iter()
            .map(|(person, present)| {
                (
                    person.0,
                    PersonCustody {
                        status: present.status.clone(),
                        places: Vec::new(),
                    },
                )
            })
            .collect();
        for version in self.current(RecordKind::CustodyPeriod).await?.iter() {
            if let Some(Record::CustodyPeriod(period)) = &version.record
                && let Some(place) = period.place_id
            {
                let places = &mut custody.entry(period.person_id.0).or_default().places;
                if !places.contains(&place.0) {
                    places.push(place.0);
                }
            }
        }
        for entry in custody.values_mut() {
            entry.places.sort_unstable();
        }
        Ok(custody)
    }

    /// The search document of a current record, or `None` when search leaves it out.
    async fn document_of(
        &self,
        gate: &mut Gate,
        version: &VersionedRecord,
        custody: &HashMap<Uuid, PersonCustody>,
    ) -> Result<Option<SearchDoc>, AppError> {
        let Some(record) = &version.record else {
            return Ok(None);
        };
        if !SEARCHED_KINDS.contains(&version.kind) {
            return Ok(None);
        }
        let scope = self.scope_of(gate, version.id, record).await?;
        let Some(placement) = placement(&scope) else {
            return Ok(None);
        };
        Ok(Some(search_doc(
            version,
            record,
            placement,
            custody.get(&version.id),
        )))
    }

    /// Applies the outbox entries after the index's position, a batch per commit.
    async fn catch_up(&self, synced: &mut Synced) -> Result<(), AppError> {
        let mut position = synced.position.unwrap_or(0);
        loop {
            let entries = self.store.outbox_since(position, BATCH).await?;
            let Some(last) = entries.last().map(|entry| entry.seq) else {
                return Ok(());
            };
            let mut touched: BTreeMap<Uuid, RecordKind> = BTreeMap::new();
            for entry in &entries {
                if SEARCHED_KINDS.contains(&entry.kind) {
                    touched.insert(entry.id, entry.kind);
                }
                if let Some((_, children)) = CHILDREN.iter().find(|(kind, _)| *kind == entry.kind) {
                    for child in *children {
                        for stored in self.store.referring(*child, entry.kind, entry.id).await? {
                            touched.insert(stored.id, stored.kind);
                        }
                    }
                }
            }
            let mut gate = Gate::admin();
            let custody = self.custody_by_person().await?;
            // A person whose custody changed is indexed again for its status and places.
            for (person, now) in &custody {
                if synced.custody.get(person) != Some(now) {
                    touched.insert(*person, RecordKind::Person);
                }
            }
            for person in synced.custody.keys() {
                if !custody.contains_key(person) {
                    touched.insert(*person, RecordKind::Person);
                }
            }
            let mut changes = Vec::with_capacity(touched.len());
            for (id, kind) in touched {
                let current = match self.store.get(kind, id).await? {
                    Some(stored) if !stored.deleted => Some(decode_version(stored)?),
                    _ => None,
                };
                let doc = match &current {
                    Some(version) => self.document_of(&mut gate, version, &custody).await?,
                    None => None,
                };
                changes.push(match doc {
                    Some(doc) => Apply::Upsert(Box::new(doc)),
                    None => Apply::Delete(id),
                });
            }
            let index = synced.index.clone();
            blocking(move || {
                for change in changes {
                    match change {
                        Apply::Upsert(doc) => index.upsert(&doc)?,
                        Apply::Delete(id) => index.delete(id)?,
                    }
                }
                index.commit_at(last)
            })
            .await?;
            synced.custody = custody;
            synced.position = Some(last);
            position = last;
        }
    }

    /// Indexes again the records of the kinds that have sealed words, so that the memory index
    /// holds what they hold now: when a process starts, those with sealed words; after a purge,
    /// all of them (a purged record's words must leave).
    async fn refill_sensitive(&self, synced: &mut Synced, refill: Refill) -> Result<(), AppError> {
        let mut gate = Gate::admin();
        let custody = self.custody_by_person().await?;
        let mut docs = Vec::new();
        for kind in [
            RecordKind::Person,
            RecordKind::Testimony,
            RecordKind::Capture,
        ] {
            for version in self.current(kind).await?.iter() {
                if let Some(doc) = self.document_of(&mut gate, version, &custody).await?
                    && (refill == Refill::Every || doc.sensitive.is_some())
                {
                    docs.push(doc);
                }
            }
        }
        let position = synced.position;
        let index = synced.index.clone();
        blocking(move || {
            for doc in &docs {
                index.upsert(doc)?;
            }
            match position {
                Some(position) => index.commit_at(position),
                None => index.commit(),
            }
        })
        .await?;
        synced.custody = custody;
        Ok(())
    }

    /// Empties the index and indexes every current record again, reporting `(done, total)`.
    async fn rebuild_into(
        &self,
        synced: &mut Synced,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<RebuildReport, AppError> {
        // The position is read first: changes made while the records are read are applied
        // again by the next catch-up, which is harmless.
        let position = self
            .store
            .latest_outbox(1)
            .await?
            .first()
            .map_or(0, |entry| entry.seq);
        let mut lists = Vec::new();
        for kind in SEARCHED_KINDS {
            lists.push(self.current(kind).await?);
        }
        let total: u64 = lists.iter().map(|list| list.len() as u64).sum();
        let custody = self.custody_by_person().await?;
        let index = synced.index.clone();
        blocking(move || index.clear()).await?;
        let mut gate = Gate::admin();
        let (mut done, mut records) = (0u64, 0u64);
        progress(0, total);
        for list in &lists {
            for chunk in list.chunks(REBUILD_BATCH) {
                let mut docs = Vec::with_capacity(chunk.len());
                for version in chunk {
                    if let Some(doc) = self.document_of(&mut gate, version, &custody).await? {
                        docs.push(doc);
                    }
                }
                records += docs.len() as u64;
                done += chunk.len() as u64;
                let index = synced.index.clone();
                blocking(move || {
                    for doc in &docs {
                        index.insert(doc)?;
                    }
                    Ok(())
                })
                .await?;
                progress(done, total);
            }
        }
        let index = synced.index.clone();
        blocking(move || {
            index.commit_at(position)?;
            index.merge_segments()
        })
        .await?;
        synced.custody = custody;
        synced.position = Some(position);
        self.catch_up(synced).await?;
        Ok(RebuildReport { records, position })
    }

    /// Rebuilds the search index from the records (`amparo index rebuild`), reporting
    /// `(records read, records in all)` as it goes. Administrators only.
    pub async fn rebuild_search_index(
        &self,
        actor: &Actor,
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<RebuildReport, AppError> {
        self.require_admin_role(actor, "rebuild the search index")
            .await?;
        let epoch = self.views_at().await?;
        let mut state = self.search.state.lock().await;
        let mut synced = match state.take() {
            Some(synced) => synced,
            None => self.open_synced().await?,
        };
        let report = self.rebuild_into(&mut synced, progress).await;
        synced.epoch = epoch;
        *state = Some(synced);
        report
    }

    /// Brings the search index up to date now (a server does this as it starts, so that its
    /// first search does not wait).
    pub async fn prepare_search(&self) -> Result<(), AppError> {
        self.search_index().await.map(|_| ())
    }

    /// Searches the records `actor` may see. Hits come with their records, redacted for the
    /// actor; a sensitive snippet only where the actor may read the record's sensitive fields,
    /// and showing one is a sensitive read on the audit trail.
    pub async fn search(
        &self,
        actor: &Actor,
        request: &SearchRequest,
    ) -> Result<SearchPage, AppError> {
        let mut gate = self.gate(actor).await?;
        let viewer = viewer_of(&gate.access);
        let index = self.search_index().await?;
        let results = {
            let request = request.clone();
            blocking(move || index.search(&request, &viewer)).await?
        };
        let mut hits = Vec::with_capacity(results.hits.len());
        for mut hit in results.hits {
            let Ok(kind) = RecordKind::from_str(&hit.kind) else {
                continue;
            };
            let Some(stored) = self.store.get(kind, hit.id).await? else {
                continue;
            };
            if stored.deleted {
                continue;
            }
            // The index said the actor may see it; the record itself has the last word (a
            // change made since the index was brought up to date).
            let Some(record) = self.admit(&mut gate, decode_version(stored)?).await? else {
                continue;
            };
            if !record.record.as_ref().is_some_and(shows_sealed) {
                hit.sensitive_snippet = None;
            }
            hits.push(Found { hit, record });
        }
        self.audit_sensitive_reads(
            actor,
            hits.iter()
                .filter(|found| found.hit.sensitive_snippet.is_some())
                .map(|found| &found.record),
        )
        .await?;
        Ok(SearchPage {
            total: results.total,
            hits,
            facets: results.facets,
            problems: results.problems,
        })
    }
}

/// A snippet as JSON: its text, the highlighted ranges (as character offsets into the text),
/// and the same as HTML, escaped, with `<b>` around each highlight.
fn snippet_json(snippet: &amparo_search::Snippet) -> Value {
    let chars = |byte: usize| snippet.fragment[..byte].chars().count();
    let highlights: Vec<[usize; 2]> = snippet
        .highlighted
        .iter()
        .map(|range| [chars(range.start), chars(range.end)])
        .collect();
    serde_json::json!({
        "text": snippet.fragment,
        "highlights": highlights,
        "html": snippet.to_html(),
    })
}

impl SearchPage {
    /// The JSON form served by `GET /api/v1/search` and printed by `amparo search --json`.
    pub fn to_json(&self) -> Value {
        let hits: Vec<Value> = self
            .hits
            .iter()
            .map(|found| {
                serde_json::json!({
                    "kind": found.record.kind,
                    "id": found.record.id,
                    "label": found.record.label(),
                    "date": found.hit.date.and_then(|date| date.format(&time::format_description::well_known::Rfc3339).ok()),
                    "score": found.hit.score,
                    "snippet": found.hit.snippet.as_ref().map(snippet_json),
                    "sensitive_snippet": found.hit.sensitive_snippet.as_ref().map(snippet_json),
                })
            })
            .collect();
        let facets: serde_json::Map<String, Value> = self
            .facets
            .iter()
            .map(|facet| {
                let values: Vec<Value> = facet
                    .values
                    .iter()
                    .map(|(value, count)| serde_json::json!({"value": value, "count": count}))
                    .collect();
                (facet.field.code().to_owned(), Value::Array(values))
            })
            .collect();
        let problems: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        serde_json::json!({
            "total": self.total,
            "hits": hits,
            "facets": facets,
            "problems": problems,
        })
    }
}

/// A search as a web page, the API or the command line asks for it: every value a string as
/// typed, checked by [`SearchParams::to_request`].
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The query text.
    #[serde(default)]
    pub q: String,
    /// Read `q` as the start of a name (names as you type).
    #[serde(default)]
    pub prefix: bool,
    #[serde(default)]
    pub kind: Vec<String>,
    #[serde(default)]
    pub case: Vec<String>,
    #[serde(default)]
    pub language: Vec<String>,
    #[serde(default)]
    pub violation: Vec<String>,
    #[serde(default)]
    pub custody_status: Vec<String>,
    #[serde(default)]
    pub place: Vec<String>,
    #[serde(default)]
    pub year: Vec<String>,
    /// Records dated on or after this day (YYYY-MM-DD).
    #[serde(default)]
    pub from: Option<String>,
    /// Records dated on or before this day (YYYY-MM-DD).
    #[serde(default)]
    pub to: Option<String>,
    /// `relevance` (the default), `newest` or `oldest`.
    #[serde(default)]
    pub sort: Option<String>,
    /// The page, from 1.
    #[serde(default)]
    pub page: Option<usize>,
    /// Hits per page (default 20, at most [`amparo_search::MAX_LIMIT`]).
    #[serde(default)]
    pub per_page: Option<usize>,
    /// Facet fields to count, comma-separated codes (default: all).
    #[serde(default)]
    pub facets: Option<String>,
}

/// Hits per page unless asked otherwise.
pub const DEFAULT_PER_PAGE: usize = 20;

fn invalid(parameter: &str, message: String) -> AppError {
    AppError::InvalidQuery {
        parameter: parameter.to_owned(),
        message,
    }
}

fn ids(parameter: &str, values: &[String]) -> Result<Vec<Uuid>, AppError> {
    values
        .iter()
        .filter(|value| !value.trim().is_empty())
        .map(|value| {
            Uuid::parse_str(value.trim())
                .map_err(|_| invalid(parameter, format!("{value:?} is not a record id")))
        })
        .collect()
}

fn codes(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
        .collect()
}

fn day(parameter: &str, value: &str) -> Result<time::Date, AppError> {
    time::Date::parse(
        value.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| {
        invalid(
            parameter,
            format!("{value:?} is not a day: write it as YYYY-MM-DD"),
        )
    })
}

impl SearchParams {
    /// The search these parameters ask for; a value that cannot be read is
    /// [`AppError::InvalidQuery`] naming the parameter.
    pub fn to_request(&self) -> Result<SearchRequest, AppError> {
        let mut request = SearchRequest::new(&self.q);
        request.name_prefix = self.prefix;
        for kind in codes(&self.kind) {
            if !SEARCHED_KINDS
                .iter()
                .any(|searched| searched.as_str() == kind)
            {
                let known: Vec<&str> = SEARCHED_KINDS.iter().map(|kind| kind.as_str()).collect();
                return Err(invalid(
                    "kind",
                    format!("{kind:?} is not a kind search finds ({})", known.join(", ")),
                ));
            }
            request.filters.kinds.push(kind);
        }
        request.filters.case_ids = ids("case", &self.case)?;
        request.filters.place_ids = ids("place", &self.place)?;
        request.filters.languages = codes(&self.language)
            .iter()
            .filter_map(|tag| primary_language(tag))
            .collect();
        request.filters.violations = codes(&self.violation);
        request.filters.custody_statuses = codes(&self.custody_status);
        for year in codes(&self.year) {
            let parsed = year
                .parse::<i32>()
                .ok()
                .filter(|year| (1..=9999).contains(year))
                .ok_or_else(|| invalid("year", format!("{year:?} is not a year")))?;
            request.filters.years.push(parsed);
        }
        if let Some(from) = self.from.as_deref().filter(|from| !from.trim().is_empty()) {
            request.filters.date_from = Some(day_start(day("from", from)?));
        }
        if let Some(to) = self.to.as_deref().filter(|to| !to.trim().is_empty()) {
            let to = day("to", to)?;
            request.filters.date_to = to.next_day().map(day_start);
        }
        if let (Some(from), Some(to)) = (request.filters.date_from, request.filters.date_to)
            && from >= to
        {
            return Err(invalid("to", "the period ends before it starts".to_owned()));
        }
        request.sort = match self.sort.as_deref().map(str::trim) {
            None | Some("" | "relevance") => amparo_search::SortBy::Relevance,
            Some("newest") => amparo_search::SortBy::Newest,
            Some("oldest") => amparo_search::SortBy::Oldest,
            Some(other) => {
                return Err(invalid(
                    "sort",
                    format!("{other:?} is not an order: relevance, newest or oldest"),
                ));
            }
        };
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if per_page == 0 || per_page > amparo_search::MAX_LIMIT {
            return Err(invalid(
                "per_page",
                format!("a page holds 1 to {} hits", amparo_search::MAX_LIMIT),
            ));
        }
        let page = self.page.unwrap_or(1);
        if page == 0 {
            return Err(invalid("page", "pages are numbered from 1".to_owned()));
        }
        request.limit = per_page;
        request.offset = (page - 1).saturating_mul(per_page);
        request.facets = match self.facets.as_deref().map(str::trim) {
            None => amparo_search::FacetField::ALL.to_vec(),
            Some("") => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|code| amparo_search::FacetField::parse(code.trim()).map_err(index_error))
                .collect::<Result<_, _>>()?,
        };
        Ok(request)
    }
}
