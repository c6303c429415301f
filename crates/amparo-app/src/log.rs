//! The installation's evidence log: signed checkpoints, proofs, the end-to-end check, the static
//! tile export and evidence bundles.
//!
//! The store appends a leaf for every record version in the write's own transaction; this
//! module signs what the store built. A checkpoint is signed after a write when the last one is
//! older than `log.checkpoint_interval_seconds`, and `amparo serve` signs any growth on a timer
//! of that period, so no entry waits longer than the interval for a signed checkpoint.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use amparo_bundle::{
    BundleParts, Commitment, Commitments, ConsistencyProofJson, InclusionProofJson,
};
use amparo_model::RecordKind;
use amparo_model::records::Capture;
use amparo_store::{LogEntry, StoredCheckpoint, version_content, version_subject};
use amparo_tlog::tiles::{encode_entry_bundle, tile_data};
use amparo_tlog::{
    Checkpoint, Hash, LeafKind, LeafV1, Note, Role, Signer, TreeState, VerifierSet, commit,
    leaf_hash, tiles_for_size, verify_consistency, verify_inclusion,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Actor, App, AppError, Versioned};

/// How many leaves `log check` and `log export-tiles` read at a time.
const PAGE: u32 = 4096;

/// What the evidence log keeps in memory for one open installation.
#[derive(Debug, Default)]
pub(crate) struct LogRuntime {
    signer: OnceLock<Arc<Signer>>,
    last_signed: Mutex<Option<Instant>>,
}

/// What `amparo log check` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogCheckReport {
    /// Leaves read and recomputed.
    pub leaves: u64,
    /// Leaves per kind: captures, record versions, exports, audit events.
    pub by_kind: [u64; 4],
    /// Leaves of record versions whose three commitments were opened against the stored
    /// version, and audit leaves opened against the stored audit event.
    pub opened: u64,
    /// Stored checkpoints whose signature, root and consistency with the latest were checked.
    pub checkpoints: u64,
    /// The size of the latest checkpoint, if any.
    pub latest_size: Option<u64>,
    /// Every problem found, in plain words; empty when the log is intact.
    pub problems: Vec<String>,
}

impl LogCheckReport {
    /// Whether nothing was wrong.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, text: impl Into<String>) {
        // A badly damaged log could yield millions: keep the report readable.
        if self.problems.len() < 100 {
            self.problems.push(text.into());
        } else if self.problems.len() == 100 {
            self.problems
                .push("more problems were found; only the first 100 are listed".to_owned());
        }
    }
}

/// What `amparo log export-tiles` wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TilesExport {
    /// The tree size exported (that of the checkpoint written).
    pub size: u64,
    /// Hash tiles written.
    pub tiles: u64,
    /// Entry bundles written.
    pub entry_bundles: u64,
}

/// What `amparo bundle create` wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleInfo {
    /// The capture.
    pub capture_id: Uuid,
    /// The capture's leaf index.
    pub leaf_index: u64,
    /// The size of the tree whose checkpoint the bundle holds.
    pub tree_size: u64,
    /// The plain SHA-256 of the evidence.
    pub sha256: String,
    /// The evidence's size in bytes.
    pub evidence_bytes: u64,
}

impl App {
    /// Writes changes through the store (which appends their leaves in the same transaction),
    /// then signs a checkpoint if one is due.
    pub(crate) async fn write_changes(
        &self,
        changes: &[amparo_store::Change],
    ) -> Result<Vec<amparo_store::StoredVersion>, amparo_store::StoreError> {
        let written = self.store.write(changes).await?;
        self.checkpoint_if_due().await;
        Ok(written)
    }

    /// Appends leaves that record something other than a record version (exports, bundles,
    /// audit events), durably, then signs a checkpoint if one is due. Returns the first index.
    pub async fn append_log(&self, entries: &[amparo_store::LogAppend]) -> Result<u64, AppError> {
        let first = self.store.append_log(entries).await?;
        self.checkpoint_if_due().await;
        Ok(first)
    }

    /// The inclusion proof path alone of leaf `index` in the tree of `size` leaves, as the store
    /// generates it (RFC 9162 section 2.1.3.1).
    pub async fn log_proof_path(&self, index: u64, size: u64) -> Result<Vec<Hash>, AppError> {
        Ok(self.store.log_inclusion_proof(index, size).await?)
    }

    /// The log's signing key, read once from the data directory.
    pub(crate) fn log_signer(&self) -> Result<Arc<Signer>, AppError> {
        if let Some(signer) = self.log.signer.get() {
            return Ok(signer.clone());
        }
        let (path, signer) = self.read_log_key()?;
        if signer.name() != self.settings.log_origin() {
            return Err(AppError::Installation(format!(
                "the log key in {} is named {:?} but log.origin is {:?}: a log keeps its origin \
                 for life, so set log.origin back to {:?}",
                path.display(),
                signer.name(),
                self.settings.log_origin(),
                signer.name()
            )));
        }
        Ok(self.log.signer.get_or_init(|| Arc::new(signer)).clone())
    }

    /// Installs the log's signing key (from the keyring), before any signature is made.
    pub(crate) fn set_log_signer(&self, signer: Signer) {
        let _ = self.log.signer.set(Arc::new(signer));
    }

    /// Reads and parses the log's key file, without caching it or checking its name.
    pub(crate) fn read_log_key(&self) -> Result<(PathBuf, Signer), AppError> {
        let path = self.data_dir.join(crate::installation::LOG_KEY_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| AppError::io(&path, source))?;
        let signer = Signer::parse(text.trim()).map_err(|error| {
            AppError::Installation(format!(
                "{} is damaged ({error}); restore it from a backup",
                path.display()
            ))
        })?;
        Ok((path, signer))
    }

    /// Opens a stored checkpoint with the installation's key, or says why it cannot be.
    fn open_checkpoint(
        stored: &StoredCheckpoint,
        verifiers: &VerifierSet,
    ) -> Result<Checkpoint, String> {
        let note = Note::open(stored.note.as_bytes(), verifiers).map_err(|error| {
            format!(
                "checkpoint of size {} does not verify with the installation's key: {error}",
                stored.size
            )
        })?;
        Checkpoint::parse(note.text()).map_err(|error| {
            format!(
                "checkpoint of size {} is not a checkpoint: {error}",
                stored.size
            )
        })
    }

    /// The verifiers that accept this installation's checkpoints.
    fn log_verifiers(&self) -> Result<VerifierSet, AppError> {
        Ok(VerifierSet::new([self.log_signer()?.verifier()]))
    }

    /// Signs a checkpoint of the whole log unless the latest one already covers it; returns the
    /// latest checkpoint either way (none only while the log is empty and unsigned).
    pub async fn sign_checkpoint(&self) -> Result<StoredCheckpoint, AppError> {
        let size = self.store.log_size().await?;
        if let Some(latest) = self.store.latest_log_checkpoint().await?
            && latest.size >= size
        {
            return Ok(latest);
        }
        let signer = self.log_signer()?;
        let root = self.store.log_root(size).await?;
        let checkpoint = Checkpoint::new(signer.name(), size, root, &[]).map_err(|error| {
            AppError::Installation(format!("log.origin cannot name a checkpoint: {error}"))
        })?;
        let note = Note::sign(&checkpoint.to_string(), &[&signer]).map_err(|error| {
            AppError::Installation(format!("could not sign a checkpoint: {error}"))
        })?;
        let stored = StoredCheckpoint {
            size,
            note: note.to_string(),
            signed_at: OffsetDateTime::now_utc(),
        };
        self.store.add_log_checkpoint(&stored).await?;
        if let Ok(mut last) = self.log.last_signed.lock() {
            *last = Some(Instant::now());
        }
        // Another process may have signed the same size first: return what is stored.
        Ok(self.store.latest_log_checkpoint().await?.unwrap_or(stored))
    }

    /// Signs a checkpoint now if the last one this process signed is older than the interval;
    /// called after every write. A failure is logged, never returned: the write has committed,
    /// and the next write or the serve timer signs again.
    pub(crate) async fn checkpoint_if_due(&self) {
        let interval = Duration::from_secs(self.settings.log.checkpoint_interval_seconds);
        let due = self
            .log
            .last_signed
            .lock()
            .map(|last| last.is_none_or(|at| at.elapsed() >= interval))
            .unwrap_or(true);
        if due && let Err(error) = self.sign_checkpoint().await {
            tracing::warn!(%error, "could not sign an evidence log checkpoint");
        }
    }

    /// The latest signed checkpoint, signing one first if the log grew since.
    pub async fn latest_checkpoint(&self) -> Result<StoredCheckpoint, AppError> {
        self.sign_checkpoint().await
    }

    /// The inclusion proof of leaf `index` in the tree of the latest checkpoint (or of `size`,
    /// which must be a size some stored checkpoint has or the current size).
    pub async fn log_inclusion_proof(
        &self,
        index: u64,
        size: Option<u64>,
    ) -> Result<InclusionProofJson, AppError> {
        let size = match size {
            Some(size) => size,
            None => self.sign_checkpoint().await?.size,
        };
        if index >= size {
            return Err(AppError::NotAllowed(format!(
                "leaf {index} is not in a tree of {size} leaves"
            )));
        }
        let entry = self
            .store
            .log_entries(index, 1)
            .await?
            .into_iter()
            .next()
            .filter(|entry| entry.index == index)
            .ok_or_else(|| AppError::NotAllowed(format!("the log has no leaf {index}")))?;
        let proof = self.store.log_inclusion_proof(index, size).await?;
        let root = self.store.log_root(size).await?;
        Ok(InclusionProofJson {
            leaf_idx: index,
            tree_size: size,
            root,
            leaf_hash: leaf_hash(&entry.leaf),
            proof,
        })
    }

    /// The consistency proof between two tree sizes (`size2` defaults to the latest
    /// checkpoint's).
    pub async fn log_consistency_proof(
        &self,
        size1: u64,
        size2: Option<u64>,
    ) -> Result<ConsistencyProofJson, AppError> {
        let size2 = match size2 {
            Some(size) => size,
            None => self.sign_checkpoint().await?.size,
        };
        if size1 == 0 || size1 > size2 {
            return Err(AppError::NotAllowed(format!(
                "a consistency proof needs 0 < size1 <= size2, got size1 {size1} and size2 {size2}"
            )));
        }
        let available = self.store.log_size().await?;
        if size2 > available {
            return Err(AppError::NotAllowed(format!(
                "the log has {available} leaves, fewer than size2 {size2}"
            )));
        }
        let proof = self.store.log_consistency_proof(size1, size2).await?;
        Ok(ConsistencyProofJson {
            size1,
            size2,
            root1: self.store.log_root(size1).await?,
            root2: self.store.log_root(size2).await?,
            proof,
        })
    }

    /// The log leaf of a capture (that of its first version), for one who may read it.
    pub async fn capture_log_entry(&self, actor: &Actor, id: Uuid) -> Result<LogEntry, AppError> {
        let _capture: Versioned<Capture> = self.get(actor, id).await?;
        self.capture_leaf(id).await
    }

    /// The log leaf of a capture the caller has already read.
    async fn capture_leaf(&self, id: Uuid) -> Result<LogEntry, AppError> {
        self.store
            .log_entry_for_version(RecordKind::Capture, id, 1)
            .await?
            .ok_or_else(|| {
                AppError::Installation(format!(
                    "capture {id} has no evidence log leaf: run `amparo log check`"
                ))
            })
    }

    /// The inclusion proof of a capture's leaf in the latest checkpoint.
    pub async fn capture_inclusion_proof(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<InclusionProofJson, AppError> {
        let entry = self.capture_log_entry(actor, id).await?;
        let checkpoint = self.sign_checkpoint().await?;
        self.log_inclusion_proof(entry.index, Some(checkpoint.size))
            .await
    }

    /// The root hash a stored checkpoint signs, in base64, once its signature is checked with
    /// the installation's key (what the log page shows beside the note).
    pub fn checkpoint_root(&self, checkpoint: &StoredCheckpoint) -> Result<String, AppError> {
        let opened =
            Self::open_checkpoint(checkpoint, &self.log_verifiers()?).map_err(|reason| {
                AppError::Installation(format!("{reason}: run `amparo log check`"))
            })?;
        Ok(opened.root().to_base64())
    }

    /// One C2SP tlog-tiles resource of the tree of the latest checkpoint, computed from the
    /// store for mirrors and witnesses: the hashes of `tile/<L>/<N>[.p/<W>]` or the entry bundle
    /// `tile/entries/<N>[.p/<W>]`. `None` when the tree does not reach that tile (yet); a path
    /// that is not a canonical tile path is an [`AppError::InvalidQuery`] naming `path`.
    pub async fn log_tile(&self, path: &str) -> Result<Option<Vec<u8>>, AppError> {
        let parsed =
            amparo_tlog::parse_tile_path(path).map_err(|error| AppError::InvalidQuery {
                parameter: "path".to_owned(),
                message: format!("{path:?} is not a tlog-tiles path: {error}"),
            })?;
        let size = self.sign_checkpoint().await?.size;
        let (amparo_tlog::TilePath::Hashes(tile) | amparo_tlog::TilePath::Entries(tile)) = parsed;
        if tile.end_leaf() > u128::from(size) {
            return Ok(None);
        }
        match parsed {
            amparo_tlog::TilePath::Hashes(tile) => {
                let state = self.store.log_state(size).await?;
                Ok(Some(tile_data(&self.tile_hashes(&state, tile).await?)))
            }
            amparo_tlog::TilePath::Entries(tile) => Ok(Some(self.entry_bundle(tile).await?)),
        }
    }

    /// The entry bundle of a level-0 tile: its leaves, each prefixed by its length.
    async fn entry_bundle(&self, tile: amparo_tlog::Tile) -> Result<Vec<u8>, AppError> {
        let start = tile.start_leaf() as u64;
        let entries = self.store.log_entries(start, u32::from(tile.width)).await?;
        if entries.len() != usize::from(tile.width) {
            return Err(AppError::Installation(format!(
                "the log is missing leaves from {start}: run `amparo log check`"
            )));
        }
        let leaves: Vec<&[u8]> = entries.iter().map(|entry| entry.leaf.as_slice()).collect();
        encode_entry_bundle(&leaves).map_err(|error| {
            AppError::Installation(format!("leaf {start} cannot be exported: {error}"))
        })
    }

    /// Recomputes the whole log from storage and checks it: leaves numbered without gaps and
    /// well formed, every record version's commitments opened against the stored version,
    /// stored tiles and nodes equal to the recomputed ones, every checkpoint's signature and
    /// root, and the consistency of every checkpoint with the latest. `progress` is told the
    /// number of leaves read so far and the total.
    pub async fn check_log(
        &self,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<LogCheckReport, AppError> {
        let mut report = LogCheckReport::default();
        let size = self.store.log_size().await?;
        let checkpoints = self.store.log_checkpoints().await?;
        let mut fresh = TreeState::new();
        let mut roots: std::collections::BTreeMap<u64, Hash> = checkpoints
            .iter()
            .map(|checkpoint| (checkpoint.size, Hash::default()))
            .collect();
        if let Some(root) = roots.get_mut(&0) {
            *root = amparo_tlog::empty_root();
        }
        while fresh.size() < size {
            let page = self.store.log_entries(fresh.size(), PAGE).await?;
            if page.is_empty() {
                report.problem(format!(
                    "leaves stop at {} although the log counts {size}",
                    fresh.size()
                ));
                break;
            }
            let audits: std::collections::HashMap<u64, amparo_store::AuditEvent> =
                match (page.first(), page.last()) {
                    (Some(first), Some(last)) => self
                        .store
                        .audit_events(&amparo_store::AuditFilter {
                            log_indexes: Some((first.index, last.index + 1)),
                            ..amparo_store::AuditFilter::default()
                        })
                        .await?
                        .into_iter()
                        .filter_map(|event| event.log_index.map(|index| (index, event)))
                        .collect(),
                    _ => std::collections::HashMap::new(),
                };
            for entry in page {
                if entry.index != fresh.size() {
                    report.problem(format!(
                        "leaf {} follows leaf {}: the numbering has a gap",
                        entry.index,
                        fresh.size().wrapping_sub(1)
                    ));
                    return Ok(report);
                }
                self.check_entry(&entry, audits.get(&entry.index), &mut report)
                    .await?;
                let appended = fresh.append(&[leaf_hash(&entry.leaf)]);
                for tile in appended.tiles {
                    match self.store.log_tile(tile.index).await? {
                        Some(stored) if stored == tile.nodes => {}
                        Some(_) => report.problem(format!(
                            "stored tile {} differs from the hashes of its leaves",
                            tile.index
                        )),
                        None => report.problem(format!("tile {} is missing", tile.index)),
                    }
                }
                if let Some(root) = roots.get_mut(&fresh.size()) {
                    *root = fresh.root();
                }
                report.leaves += 1;
            }
            progress(fresh.size(), size);
        }
        // The stored nodes, as the store loads them, must be the recomputed ones.
        match self.store.log_state(fresh.size()).await {
            Ok(stored) => {
                for level in 8..64u32 {
                    let count = fresh.size() >> level;
                    if count == 0 {
                        break;
                    }
                    for index in 0..count {
                        if stored.node(level, index) != fresh.node(level, index) {
                            report.problem(format!(
                                "stored node at level {level} index {index} differs from the leaves"
                            ));
                        }
                    }
                }
            }
            Err(error) => report.problem(format!("the stored tree cannot be loaded: {error}")),
        }
        self.check_versions_have_leaves(&mut report).await?;
        self.check_checkpoints(&checkpoints, &roots, &mut report)
            .await?;
        Ok(report)
    }

    async fn check_entry(
        &self,
        entry: &LogEntry,
        audit: Option<&amparo_store::AuditEvent>,
        report: &mut LogCheckReport,
    ) -> Result<(), AppError> {
        let leaf = match LeafV1::decode(&entry.leaf) {
            Ok(leaf) => leaf,
            Err(error) => {
                report.problem(format!("leaf {} is malformed: {error}", entry.index));
                return Ok(());
            }
        };
        let slot = match leaf.kind {
            LeafKind::Capture => 0,
            LeafKind::RecordVersion => 1,
            LeafKind::Export => 2,
            LeafKind::Audit => 3,
        };
        report.by_kind[slot] += 1;
        if leaf.kind == LeafKind::Audit {
            match audit {
                Some(event) => {
                    let opens = leaf.actor
                        == commit(Role::Actor, &entry.salts.actor, event.actor.as_bytes())
                        && leaf.subject
                            == commit(
                                Role::Subject,
                                &entry.salts.subject,
                                event.subject.as_bytes(),
                            )
                        && leaf.content
                            == commit(
                                Role::Content,
                                &entry.salts.content,
                                &crate::audit::audit_content(event),
                            )
                        && leaf.time_micros
                            == event.at.unix_timestamp_nanos().div_euclid(1_000) as i64;
                    if opens {
                        report.opened += 1;
                    } else {
                        report.problem(format!(
                            "leaf {} does not open to audit event {} as stored: the event or \
                             the leaf was altered",
                            entry.index, event.seq
                        ));
                    }
                }
                None => report.problem(format!(
                    "leaf {} records an audit event that is not stored: the audit trail lost \
                     an event",
                    entry.index
                )),
            }
            return Ok(());
        }
        let Some((kind, id, version)) = entry.record else {
            return Ok(());
        };
        let Some(stored) = self.store.get_version(kind, id, version).await? else {
            report.problem(format!(
                "leaf {} records {kind} {id} v{version}, which is not stored",
                entry.index
            ));
            return Ok(());
        };
        let body = (!stored.deleted).then_some(&stored.body);
        let expected_kind = amparo_store::version_leaf_kind(kind, version);
        let actor = commit(Role::Actor, &entry.salts.actor, stored.actor.as_bytes());
        let subject = commit(
            Role::Subject,
            &entry.salts.subject,
            version_subject(kind, id, version).as_bytes(),
        );
        let content = commit(
            Role::Content,
            &entry.salts.content,
            &version_content(kind, version, body),
        );
        let time = stored.recorded_at.unix_timestamp_nanos().div_euclid(1_000) as i64;
        if leaf.kind != expected_kind
            || leaf.actor != actor
            || leaf.subject != subject
            // A purged version's sensitive fields are gone, so its content commitment (made
            // from the plain body when it was written) can no longer be opened; the leaf
            // itself, the tree and the checkpoints are unchanged.
            || (leaf.content != content && !stored.sensitive_purged)
            || leaf.time_micros != time
        {
            report.problem(format!(
                "leaf {} does not open to {kind} {id} v{version} as stored: the version or the \
                 leaf was altered",
                entry.index
            ));
        } else {
            report.opened += 1;
        }
        Ok(())
    }

    async fn check_versions_have_leaves(
        &self,
        report: &mut LogCheckReport,
    ) -> Result<(), AppError> {
        let mut after = 0;
        loop {
            let page = self.store.outbox_since(after, PAGE).await?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            after = last.seq;
            for entry in &page {
                if self
                    .store
                    .log_entry_for_version(entry.kind, entry.id, entry.version)
                    .await?
                    .is_none()
                {
                    report.problem(format!(
                        "{} {} v{} has no log leaf",
                        entry.kind, entry.id, entry.version
                    ));
                }
            }
        }
    }

    async fn check_checkpoints(
        &self,
        checkpoints: &[StoredCheckpoint],
        roots: &std::collections::BTreeMap<u64, Hash>,
        report: &mut LogCheckReport,
    ) -> Result<(), AppError> {
        let verifiers = self.log_verifiers()?;
        let mut opened: Vec<Checkpoint> = Vec::new();
        for stored in checkpoints {
            let checkpoint = match Self::open_checkpoint(stored, &verifiers) {
                Ok(checkpoint) => checkpoint,
                Err(reason) => {
                    report.problem(reason);
                    continue;
                }
            };
            if checkpoint.size() != stored.size {
                report.problem(format!(
                    "checkpoint stored as size {} says size {}",
                    stored.size,
                    checkpoint.size()
                ));
                continue;
            }
            if checkpoint.origin() != self.settings.log_origin() {
                report.problem(format!(
                    "checkpoint of size {} names origin {:?}, not {:?}",
                    stored.size,
                    checkpoint.origin(),
                    self.settings.log_origin()
                ));
            }
            match roots.get(&stored.size) {
                Some(root) if root == checkpoint.root() => {}
                Some(_) if stored.size > report.leaves => report.problem(format!(
                    "checkpoint of size {} covers more leaves than the log holds ({})",
                    stored.size, report.leaves
                )),
                _ => report.problem(format!(
                    "checkpoint of size {} signs root {}, but the leaves give another",
                    stored.size,
                    checkpoint.root()
                )),
            }
            opened.push(checkpoint);
            report.checkpoints += 1;
        }
        let Some(latest) = opened.last() else {
            return Ok(());
        };
        report.latest_size = Some(latest.size());
        for earlier in &opened[..opened.len() - 1] {
            if earlier.size() == 0 {
                continue;
            }
            let proof = match self
                .store
                .log_consistency_proof(earlier.size(), latest.size())
                .await
            {
                Ok(proof) => proof,
                Err(error) => {
                    report.problem(format!(
                        "no consistency proof from size {} to {}: {error}",
                        earlier.size(),
                        latest.size()
                    ));
                    continue;
                }
            };
            if let Err(error) = verify_consistency(
                earlier.size(),
                latest.size(),
                earlier.root(),
                latest.root(),
                &proof,
            ) {
                report.problem(format!(
                    "checkpoint of size {} is not consistent with the latest ({}): {error}",
                    earlier.size(),
                    latest.size()
                ));
            }
        }
        Ok(())
    }

    /// Writes the log as static C2SP tlog-tiles under `dir`: `checkpoint`, `tile/<L>/<N>[.p/<W>]`
    /// and `tile/entries/<N>[.p/<W>]`, for the tree of a freshly signed checkpoint. Files are
    /// written beside their final names and renamed, so a mirror never serves half a tile.
    pub async fn export_tiles(
        &self,
        dir: &Path,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<TilesExport, AppError> {
        let checkpoint = self.sign_checkpoint().await?;
        let size = checkpoint.size;
        let state = self.store.log_state(size).await?;
        let tiles = tiles_for_size(size);
        let total = tiles.len() as u64;
        let mut export = TilesExport {
            size,
            tiles: 0,
            entry_bundles: 0,
        };
        for (done, tile) in tiles.into_iter().enumerate() {
            let hashes = self.tile_hashes(&state, tile).await?;
            write_atomically(&dir.join(tile.path()), &tile_data(&hashes))?;
            export.tiles += 1;
            if tile.level == 0 {
                let bundle = self.entry_bundle(tile).await?;
                write_atomically(&dir.join(tile.entries_path()), &bundle)?;
                export.entry_bundles += 1;
            }
            progress(done as u64 + 1, total);
        }
        write_atomically(&dir.join("checkpoint"), checkpoint.note.as_bytes())?;
        Ok(export)
    }

    /// The hashes of one tile of the tree of `size` leaves.
    async fn tile_hashes(
        &self,
        state: &TreeState,
        tile: amparo_tlog::Tile,
    ) -> Result<Vec<Hash>, AppError> {
        let level = u32::from(tile.level) * 8;
        let first = tile.index * 256;
        if level > 0 {
            return (first..first + u64::from(tile.width))
                .map(|index| {
                    state.node(level, index).ok_or_else(|| {
                        AppError::Installation(format!(
                            "the stored tree lacks node {index} of level {level}: run `amparo log check`"
                        ))
                    })
                })
                .collect();
        }
        if u64::from(tile.width) == 256
            && let Some(mut levels) = self.store.log_tile(tile.index).await?
        {
            // The stored tile holds every level; the tile's contents are its leaf hashes.
            levels.truncate(256);
            return Ok(levels);
        }
        let entries = self.store.log_entries(first, u32::from(tile.width)).await?;
        Ok(entries.iter().map(|entry| leaf_hash(&entry.leaf)).collect())
    }

    /// Writes the evidence bundle of a capture to `output`: its bytes, leaf, salts, inclusion
    /// proof in a freshly signed checkpoint, and the verifier key (docs/evidence-bundle.md).
    pub async fn create_bundle(
        &self,
        actor: &Actor,
        id: Uuid,
        output: &Path,
    ) -> Result<BundleInfo, AppError> {
        let capture: Versioned<Capture> = self.get(actor, id).await?;
        let mut gate = self.gate(actor).await?;
        self.require_on(
            &mut gate,
            amparo_model::records::Right::Export,
            id,
            &amparo_model::Record::Capture(capture.body.clone()),
            "export an evidence bundle of this capture",
        )
        .await?;
        self.audit(
            &actor.label(),
            "bundle-download",
            &format!("capture {id}"),
            bundle_audit_detail(&capture.body),
        )
        .await?;
        let entry = self.capture_leaf(id).await?;
        let first = self
            .store
            .get_version(RecordKind::Capture, id, 1)
            .await?
            .ok_or(AppError::NotFound {
                kind: RecordKind::Capture,
                id,
            })?;
        let leaf = LeafV1::decode(&entry.leaf).map_err(|error| {
            AppError::Installation(format!("the leaf of capture {id} is damaged: {error}"))
        })?;
        let sha256 = first
            .body
            .get("sha256")
            .and_then(|value| value.as_str())
            .unwrap_or(&capture.body.sha256)
            .to_owned();
        let commitments = Commitments {
            actor: Commitment {
                value: first.actor.clone(),
                salt: entry.salts.actor,
            },
            subject: Commitment {
                value: version_subject(RecordKind::Capture, id, 1),
                salt: entry.salts.subject,
            },
            content: Commitment {
                value: sha256.clone(),
                salt: entry.salts.content,
            },
        };
        let checkpoint = self.sign_checkpoint().await?;
        let proof = self
            .log_inclusion_proof(entry.index, Some(checkpoint.size))
            .await?;
        verify_inclusion(
            entry.index,
            checkpoint.size,
            &proof.leaf_hash,
            &proof.proof,
            &proof.root,
        )
        .map_err(|error| {
            AppError::Installation(format!(
                "the log's proof for capture {id} does not verify ({error}): run `amparo log check`"
            ))
        })?;
        let key = self
            .blobs
            .key_for_sha256(&sha256)
            .ok_or_else(|| AppError::NotAllowed(format!("capture {id} has an invalid SHA-256")))?;
        let evidence_name = evidence_name(&capture.body, id);
        let staging = staging_path(output);
        let evidence_path = staging.with_extension("evidence");
        let result = async {
            let copied = self.blobs.copy_to_file(&key, &evidence_path).await?;
            if copied.sha256 != sha256 {
                return Err(AppError::Blob(amparo_store::BlobWriteError::Damaged {
                    key,
                }));
            }
            let parts = BundleParts {
                evidence_name,
                leaf,
                commitments,
                proof: proof.clone(),
                checkpoint_note: checkpoint.note.clone(),
                verifier_key: self.log_verifier_key()?,
            };
            let (bundle_path, source_path) = (staging.clone(), evidence_path.clone());
            tokio::task::spawn_blocking(move || {
                write_bundle_file(&bundle_path, &parts, &source_path)
            })
            .await
            .map_err(|error| AppError::Installation(format!("bundle writer stopped: {error}")))??;
            std::fs::rename(&staging, output).map_err(|source| AppError::io(output, source))?;
            Ok(copied.size)
        }
        .await;
        let _ = std::fs::remove_file(&evidence_path);
        if result.is_err() {
            let _ = std::fs::remove_file(&staging);
        }
        Ok(BundleInfo {
            capture_id: id,
            leaf_index: entry.index,
            tree_size: checkpoint.size,
            sha256,
            evidence_bytes: result?,
        })
    }
}

/// What the audit trail keeps about a bundle download: the SHA-256 of a web capture, but only the
/// size of a file received from a person, whose SHA-256 is kept sealed (the audit table is not).
fn bundle_audit_detail(capture: &Capture) -> serde_json::Value {
    match &capture.origin {
        amparo_model::records::CaptureOrigin::Url { .. } => {
            serde_json::json!({"sha256": capture.sha256, "size": capture.size})
        }
        amparo_model::records::CaptureOrigin::File { .. } => {
            serde_json::json!({"size": capture.size})
        }
    }
}

/// The file name the evidence takes inside a bundle.
fn evidence_name(capture: &Capture, id: Uuid) -> String {
    use amparo_model::records::CaptureOrigin;
    let from_origin = match &capture.origin {
        CaptureOrigin::File { file_name } => file_name.clone(),
        CaptureOrigin::Url { final_url, .. } => url::Url::parse(final_url)
            .ok()
            .and_then(|url| {
                url.path_segments()
                    .and_then(|mut segments| segments.next_back().map(str::to_owned))
            })
            .unwrap_or_default(),
    };
    if from_origin.trim().is_empty() {
        format!("capture-{id}.bin")
    } else {
        from_origin
    }
}

fn staging_path(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle.zip".to_owned());
    output.with_file_name(format!(".{name}.partial"))
}

fn write_bundle_file(path: &Path, parts: &BundleParts, evidence: &Path) -> Result<(), AppError> {
    let file = std::fs::File::create(path).map_err(|source| AppError::io(path, source))?;
    let mut reader =
        std::fs::File::open(evidence).map_err(|source| AppError::io(evidence, source))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    amparo_bundle::write_bundle(&mut writer, parts, &mut reader)
        .map_err(|error| AppError::Installation(format!("could not write the bundle: {error}")))?;
    let file = writer
        .into_inner()
        .map_err(|error| AppError::io(path, error.into_error()))?;
    file.sync_all()
        .map_err(|source| AppError::io(path, source))?;
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file and a rename, creating folders.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| AppError::io(parent, source))?;
    }
    let staging = staging_path(path);
    std::fs::write(&staging, bytes).map_err(|source| AppError::io(&staging, source))?;
    std::fs::rename(&staging, path).map_err(|source| AppError::io(path, source))
}
