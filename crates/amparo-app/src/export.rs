//! Exporting a whole installation (every version of every record, and every captured blob) and
//! importing it into a fresh one. The format is described in docs/export-format.md.
//!
//! An import checks the whole file (every line, every record, every blob's SHA-256) before it
//! writes anything, and writes all records in one transaction: a damaged export changes nothing.

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use amparo_model::{RecordKind, records::Person};
use amparo_store::{Change, StoredVersion};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::records::{PSEUDONYM_SEQUENCE, decode};
use crate::{Actor, App, AppError};

/// The value of the header's `format` field.
pub const EXPORT_FORMAT: &str = "amparo-export";
/// The version of the export format written by this Amparo.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    format_version: u32,
    installation_id: String,
    amparo_version: String,
    #[serde(with = "time::serde::rfc3339")]
    exported_at: OffsetDateTime,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
enum Line {
    Version(StoredVersion),
    End { versions: u64, blobs: u64 },
}

/// What an export or import moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransferReport {
    /// Record versions.
    pub versions: u64,
    /// Blobs (one per capture).
    pub blobs: u64,
}

/// The folder that holds an export's blobs, beside the export file.
pub fn blob_folder(export_file: &Path) -> PathBuf {
    let mut name = export_file.file_name().unwrap_or_default().to_os_string();
    name.push(".blobs");
    export_file.with_file_name(name)
}

impl App {
    /// Writes every version of every record to `path` as JSON lines, and each capture's bytes
    /// to `<path>.blobs/<capture id>`. `progress` is called with (done, total) versions.
    pub async fn export(
        &self,
        actor: &Actor,
        path: &Path,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<TransferReport, AppError> {
        self.require_admin_role(actor, "export the installation")
            .await?;
        self.audit(
            &actor.label(),
            "export",
            &path.display().to_string(),
            serde_json::json!({"what": "the whole installation"}),
        )
        .await?;
        let blob_dir = blob_folder(path);
        std::fs::create_dir_all(&blob_dir).map_err(|source| AppError::io(&blob_dir, source))?;
        let file = std::fs::File::create(path).map_err(|source| AppError::io(path, source))?;
        let mut out = BufWriter::new(file);
        let header = Header {
            format: EXPORT_FORMAT.to_owned(),
            format_version: EXPORT_FORMAT_VERSION,
            installation_id: self.settings.installation_id.clone(),
            amparo_version: env!("CARGO_PKG_VERSION").to_owned(),
            exported_at: OffsetDateTime::now_utc(),
        };
        let write_line = |out: &mut BufWriter<std::fs::File>, value: &dyn erased::Json| {
            out.write_all(value.json().as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|source| AppError::io(path, source))
        };
        write_line(&mut out, &header)?;
        let total: u64 = self.store.outbox_since(0, u32::MAX).await?.len() as u64;
        let mut report = TransferReport::default();
        let mut after = 0;
        loop {
            let batch = self.store.versions_since(after, 500).await?;
            let Some((last, _)) = batch.last() else { break };
            after = *last;
            for (_, version) in batch {
                if version.kind == RecordKind::Capture && version.version == 1 && !version.deleted {
                    self.export_blob(&version, &blob_dir).await?;
                    report.blobs += 1;
                }
                write_line(&mut out, &Line::Version(version))?;
                report.versions += 1;
                progress(report.versions, total);
            }
        }
        write_line(
            &mut out,
            &Line::End {
                versions: report.versions,
                blobs: report.blobs,
            },
        )?;
        let file = out
            .into_inner()
            .map_err(|error| AppError::io(path, error.into_error()))?;
        file.sync_all()
            .map_err(|source| AppError::io(path, source))?;
        Ok(report)
    }

    async fn export_blob(&self, version: &StoredVersion, blob_dir: &Path) -> Result<(), AppError> {
        let sha256 = version.body.get("sha256").and_then(|value| value.as_str());
        let key = sha256
            .and_then(|sha256| self.blobs.key_for_sha256(sha256))
            .ok_or_else(|| {
                AppError::NotAllowed(format!("capture {} has no valid SHA-256", version.id))
            })?;
        let bytes = self.blobs.get(&key).await?;
        let target = blob_dir.join(version.id.to_string());
        std::fs::write(&target, bytes).map_err(|source| AppError::io(&target, source))
    }

    /// Imports an export made by [`App::export`] into this installation, which must not hold
    /// any of its records yet. Nothing is written unless the whole export is sound.
    pub async fn import(
        &self,
        actor: &Actor,
        path: &Path,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<TransferReport, AppError> {
        self.require_admin_role(actor, "import an installation")
            .await?;
        let error = |line: u64, message: String| AppError::Import {
            path: path.to_owned(),
            line,
            message,
        };
        let file = std::fs::File::open(path).map_err(|source| AppError::io(path, source))?;
        let reader = std::io::BufReader::new(file);
        let mut changes: Vec<Change> = Vec::new();
        let mut latest: HashMap<(RecordKind, Uuid), u32> = HashMap::new();
        let mut captures: Vec<(u64, Uuid, String)> = Vec::new();
        // The end line's number and its counts.
        let mut ended: Option<(u64, u64, u64)> = None;
        let mut highest_pseudonym = 0;
        for (index, line) in reader.lines().enumerate() {
            let number = index as u64 + 1;
            let line = line.map_err(|source| error(number, format!("cannot be read: {source}")))?;
            if number == 1 {
                let header: Header = serde_json::from_str(&line).map_err(|parse| {
                    error(1, format!("is not an Amparo export header ({parse})"))
                })?;
                if header.format != EXPORT_FORMAT {
                    return Err(error(
                        1,
                        format!("format is {:?}, not {EXPORT_FORMAT}", header.format),
                    ));
                }
                if header.format_version > EXPORT_FORMAT_VERSION {
                    return Err(error(
                        1,
                        format!(
                            "export format version {} is newer than this Amparo reads ({EXPORT_FORMAT_VERSION}); upgrade Amparo",
                            header.format_version
                        ),
                    ));
                }
                continue;
            }
            if ended.is_some() {
                return Err(error(number, "comes after the end line".to_owned()));
            }
            let parsed: Line = serde_json::from_str(&line)
                .map_err(|parse| error(number, format!("is not a valid export line ({parse})")))?;
            let version = match parsed {
                Line::End { versions, blobs } => {
                    ended = Some((number, versions, blobs));
                    continue;
                }
                Line::Version(version) => version,
            };
            let previous = latest
                .get(&(version.kind, version.id))
                .copied()
                .unwrap_or(0);
            if version.version != previous + 1 {
                return Err(error(
                    number,
                    format!(
                        "{} {} version {} follows version {previous}; versions must be consecutive",
                        version.kind, version.id, version.version
                    ),
                ));
            }
            let body = if version.deleted {
                None
            } else {
                let record = decode(version.kind, version.body.clone())
                    .map_err(|problem| error(number, problem.to_string()))?;
                record
                    .validate()
                    .map_err(|problem| error(number, problem.to_string()))?;
                if let amparo_model::Record::Person(Person { pseudonym, .. }) = &record
                    && let Some(value) = pseudonym.strip_prefix("P-").and_then(|d| d.parse().ok())
                {
                    highest_pseudonym = highest_pseudonym.max(value);
                }
                if version.kind == RecordKind::Capture && version.version == 1 {
                    let sha256 = version.body["sha256"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    captures.push((number, version.id, sha256));
                }
                Some(version.body)
            };
            latest.insert((version.kind, version.id), version.version);
            changes.push(Change {
                kind: version.kind,
                id: version.id,
                expected_version: version.version - 1,
                body,
                actor: version.actor,
                at: version.recorded_at,
            });
        }
        let Some((end_line, versions, blobs)) = ended else {
            return Err(error(
                0,
                "has no end line: the export is incomplete".to_owned(),
            ));
        };
        if versions != changes.len() as u64 || blobs != captures.len() as u64 {
            return Err(error(
                end_line,
                format!(
                    "end line counts {versions} versions and {blobs} blobs, but the file holds {} and {}",
                    changes.len(),
                    captures.len()
                ),
            ));
        }
        for (kind, id) in latest.keys() {
            if self.store.get(*kind, *id).await?.is_some() {
                return Err(error(
                    0,
                    format!("{kind} {id} already exists here: import into a fresh installation"),
                ));
            }
        }
        // Check every blob before storing any, then store them before the records that name
        // them; a failure on the way leaves only unreferenced blobs, which gc removes.
        let blob_dir = blob_folder(path);
        let total = captures.len() as u64 + changes.len() as u64;
        for (line, id, sha256) in &captures {
            let blob_path = blob_dir.join(id.to_string());
            let bytes = std::fs::read(&blob_path).map_err(|source| {
                error(*line, format!("blob {}: {source}", blob_path.display()))
            })?;
            if &self.blobs.info_for(&bytes).sha256 != sha256 {
                return Err(error(
                    *line,
                    format!(
                        "blob {} does not match the capture's SHA-256",
                        blob_path.display()
                    ),
                ));
            }
        }
        let mut done = 0;
        for (_, id, _) in &captures {
            self.blobs.put_file(&blob_dir.join(id.to_string())).await?;
            done += 1;
            progress(done, total);
        }
        self.write_changes(&changes).await?;
        progress(total, total);
        self.store
            .raise_sequence(PSEUDONYM_SEQUENCE, highest_pseudonym)
            .await?;
        Ok(TransferReport {
            versions: changes.len() as u64,
            blobs: captures.len() as u64,
        })
    }
}

/// Serializes heterogenous lines through one closure.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            // Plain data with string keys always serializes.
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}
