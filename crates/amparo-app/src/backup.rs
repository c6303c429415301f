//! Backups of a running installation and their restoration (`amparo backup`, `amparo restore`;
//! docs/backup.md).
//!
//! ```text
//! file     = "AMPBAK\0\x01" ‖ u32 BE header length ‖ header (JSON) ‖ sealed content
//! sealed   = seal.rs's chunked format under a random file key, with the SHA-256 of everything
//!            before it (hex) in place of a blob name, so the header cannot be changed either
//! content  = entry* manifest
//! entry    = 0x01 ‖ u16 BE path length ‖ path (UTF-8, '/'-separated) ‖ u64 BE size ‖ bytes
//! manifest = 0x02 ‖ u32 BE length ‖ JSON: every entry's path, size and SHA-256
//! ```
//!
//! The file key is wrapped (as a data key is, with the backup's id and purpose `backup`) under
//! the installation key, or under a key derived from a backup passphrase with Argon2id whose
//! parameters are in the header. The entries are `config.toml`, `amparo.db` (a consistent
//! snapshot made by the store while writers carry on), every object under `blobs/` as stored
//! (already sealed), and, in a passphrase backup of an installation opened with a key file,
//! `installation.key`, so that the passphrase alone restores it.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use amparo_store::{DataKey, InstallationKey, KdfParams, KeySource, Opener, Sealer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::installation::{self, KeyInput};
use crate::{Actor, App, AppError, LogCheckReport};

const MAGIC: &[u8; 8] = b"AMPBAK\0\x01";
const MAX_HEADER: u32 = 64 * 1024;
const ENTRY_FILE: u8 = 1;
const ENTRY_MANIFEST: u8 = 2;
const KEY_ENTRY: &str = "installation.key";
const DATABASE_ENTRY: &str = "amparo.db";
const CONFIG_ENTRY: &str = "config.toml";
const BLOB_FOLDER: &str = "blobs";
const FILE_KEY_PURPOSE: &str = "backup";
/// Sealed bytes gathered before each write to the output file.
const WRITE_BATCH: usize = 1 << 20;

/// What seals a backup.
#[derive(Clone, Debug)]
pub enum BackupSeal {
    /// The installation key: restoring needs the same key file or passphrase.
    InstallationKey,
    /// A backup passphrase, through Argon2id (the recommended costs unless others are given).
    Passphrase(Zeroizing<String>, Option<KdfParams>),
}

/// What a backup wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupReport {
    /// Files in the backup (configuration, database, blobs, key).
    pub files: u64,
    /// Blob objects among them.
    pub blobs: u64,
    /// Their bytes, before the backup's own encryption.
    pub bytes: u64,
    /// The backup file's size.
    pub size: u64,
    /// The backup file's SHA-256 (hex), as recorded in the audit trail.
    pub sha256: String,
    /// `installation-key` or `passphrase`.
    pub sealed_with: &'static str,
}

/// The unencrypted header of a backup: what restoring it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupHeader {
    /// Always "amparo-backup".
    pub format: String,
    /// 1.
    pub version: u32,
    /// A random id, bound to the wrapped file key.
    pub id: String,
    /// When the backup was made (RFC 3339).
    pub created_at: String,
    /// The installation's id.
    pub installation_id: String,
    /// `installation-key` or `passphrase`.
    pub sealed_with: String,
    /// How the installation's key is obtained: `key-file` or `passphrase`.
    pub installation_key_source: String,
    /// Argon2id parameters: of the backup passphrase, or of the installation's passphrase in a
    /// backup sealed under a passphrase-derived installation key.
    pub kdf: Option<KdfParams>,
    /// Whether the content holds the installation key (a passphrase backup of an installation
    /// opened with a key file).
    pub holds_installation_key: bool,
    /// The file key, wrapped (hex).
    pub file_key: String,
}

impl BackupHeader {
    /// Whether restoring needs the backup passphrase.
    pub fn needs_backup_passphrase(&self) -> bool {
        self.sealed_with == "passphrase"
    }

    /// Whether restoring needs the installation's key file or passphrase (to open the backup,
    /// or to open the restored installation).
    pub fn needs_installation_key(&self) -> bool {
        !self.holds_installation_key
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    format: String,
    files: Vec<ManifestFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    path: String,
    size: u64,
    sha256: String,
}

/// The secrets a restore is given.
#[derive(Clone, Debug, Default)]
pub struct RestoreKeys {
    /// The backup passphrase, for a backup sealed with one.
    pub backup_passphrase: Option<Zeroizing<String>>,
    /// The installation's key file (one recovered from shares works too) or passphrase.
    pub installation: Option<KeyInput>,
}

/// What a restore did.
#[derive(Debug)]
pub struct RestoreReport {
    /// Files written and checked against the manifest.
    pub files: u64,
    /// Blob objects among them.
    pub blobs: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Whether `installation.key` was restored into the data directory.
    pub key_file_restored: bool,
    /// The evidence-log check of the restored installation.
    pub log: LogCheckReport,
    /// The restored installation, open.
    pub app: App,
}

fn damaged(what: impl std::fmt::Display) -> AppError {
    AppError::Installation(format!(
        "the backup is damaged or was altered ({what}): nothing was restored"
    ))
}

impl App {
    /// Writes an encrypted backup of this installation to `output` (a new file) while it keeps
    /// running: a consistent snapshot of the database, then the blob objects as stored, the
    /// configuration and what the keys need. Administrators only; recorded in the audit trail.
    /// PostgreSQL installations are refused: their database is backed up with pg_dump.
    pub async fn backup(
        &self,
        actor: &Actor,
        output: &Path,
        seal: BackupSeal,
    ) -> Result<BackupReport, AppError> {
        self.require_admin_role(actor, "make a backup").await?;
        if output.exists() {
            return Err(AppError::Installation(format!(
                "{} exists: choose another file name",
                output.display()
            )));
        }
        let keyring = self.keyring().ok_or_else(|| {
            AppError::Installation("this installation was opened without a keyring".to_owned())
        })?;
        let installation_key = keyring.installation_key().clone();
        let source = keyring.source().clone();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let file_key = DataKey::generate();
        let (sealed_with, kdf, wrapping_key) = match seal {
            BackupSeal::InstallationKey => {
                let kdf = match &source {
                    KeySource::Passphrase(params) => Some(params.clone()),
                    KeySource::KeyFile => None,
                };
                ("installation-key", kdf, installation_key.clone())
            }
            BackupSeal::Passphrase(passphrase, kdf) => {
                let params = kdf.unwrap_or_else(KdfParams::recommended);
                let key = derive(passphrase, params.clone()).await?;
                ("passphrase", Some(params), key)
            }
        };
        let holds_installation_key =
            sealed_with == "passphrase" && matches!(source, KeySource::KeyFile);
        let header = BackupHeader {
            format: "amparo-backup".to_owned(),
            version: 1,
            id: id.clone(),
            created_at: rfc3339(OffsetDateTime::now_utc()),
            installation_id: self.settings.installation_id.clone(),
            sealed_with: sealed_with.to_owned(),
            installation_key_source: source.kind().to_owned(),
            kdf,
            holds_installation_key,
            file_key: hex::encode(wrapping_key.wrap(&id, FILE_KEY_PURPOSE, &file_key)),
        };

        // The database first: every blob it names was made durable before the record naming
        // it committed, and blobs are never changed, so the blobs copied afterwards include
        // every one the snapshot needs.
        let tmp = self.data_dir.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|source| AppError::io(&tmp, source))?;
        let snapshot = tmp.join(format!("backup-{id}.db"));
        let snapshot_guard = RemoveOnDrop(snapshot.clone());
        self.store.snapshot_to(&snapshot).await?;

        let mut sources: Vec<(String, PathBuf)> = vec![
            (CONFIG_ENTRY.to_owned(), self.data_dir.join(CONFIG_ENTRY)),
            (DATABASE_ENTRY.to_owned(), snapshot.clone()),
        ];
        let blob_root = self.data_dir.join(BLOB_FOLDER);
        let mut blobs = Vec::new();
        list_blobs(&blob_root, BLOB_FOLDER, &mut blobs)?;
        let n_blobs = blobs.len() as u64;
        sources.extend(blobs);
        let key_text = holds_installation_key.then(|| installation_key.to_key_file());

        let output_path = output.to_owned();
        let report = tokio::task::spawn_blocking(move || {
            write_backup(&output_path, &header, &file_key, &sources, key_text)
        })
        .await
        .map_err(|error| AppError::Installation(format!("the backup stopped: {error}")))??;
        drop(snapshot_guard);
        let report = BackupReport {
            blobs: n_blobs,
            sealed_with,
            ..report
        };
        self.audit(
            &actor.label(),
            "backup",
            &output.display().to_string(),
            serde_json::json!({
                "files": report.files,
                "blobs": report.blobs,
                "bytes": report.bytes,
                "size": report.size,
                "sha256": report.sha256,
                "sealed_with": report.sealed_with,
            }),
        )
        .await?;
        tracing::info!(backup.path = %output.display(), backup.files = report.files, "backup written");
        Ok(report)
    }
}

/// Reads the unencrypted header of a backup (to know which secrets restoring it needs).
pub fn read_backup_header(backup: &Path) -> Result<BackupHeader, AppError> {
    let mut file = File::open(backup).map_err(|source| AppError::io(backup, source))?;
    Ok(read_header(&mut file, backup)?.0)
}

/// Restores the backup `backup` into `data_dir`, which must be missing or empty: decrypts it,
/// checks every file against the manifest, opens the installation and checks its evidence log.
/// A damaged backup, a wrong key or passphrase, or any other failure leaves `data_dir` as it
/// was (removed when it was made here).
pub async fn restore(
    backup: &Path,
    data_dir: &Path,
    keys: RestoreKeys,
) -> Result<RestoreReport, AppError> {
    let existed = data_dir.exists();
    if existed {
        let mut entries =
            std::fs::read_dir(data_dir).map_err(|source| AppError::io(data_dir, source))?;
        if entries.next().is_some() {
            return Err(AppError::Installation(format!(
                "{} is not empty: restore into a new or empty folder",
                data_dir.display()
            )));
        }
    }
    let result = restore_into(backup, data_dir, keys).await;
    if result.is_err() {
        let cleaned = if existed {
            empty_folder(data_dir)
        } else {
            std::fs::remove_dir_all(data_dir)
        };
        if let Err(error) = cleaned
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(path = %data_dir.display(), %error, "could not clean up a failed restore");
        }
    }
    result
}

async fn restore_into(
    backup: &Path,
    data_dir: &Path,
    keys: RestoreKeys,
) -> Result<RestoreReport, AppError> {
    let mut file = File::open(backup).map_err(|source| AppError::io(backup, source))?;
    let (header, header_bytes) = read_header(&mut file, backup)?;
    if header.needs_backup_passphrase()
        && header.needs_installation_key()
        && keys.installation.is_none()
    {
        return Err(AppError::Installation(
            "the installation in this backup is opened with a passphrase, which the backup does not hold: set AMPARO_PASSPHRASE or run the command in a terminal to be asked for it".to_owned(),
        ));
    }
    let wrapping_key = if header.needs_backup_passphrase() {
        let passphrase = keys.backup_passphrase.clone().ok_or_else(|| {
            AppError::Installation(
                "this backup is sealed with a backup passphrase: set AMPARO_BACKUP_PASSPHRASE or run the command in a terminal to be asked for it".to_owned(),
            )
        })?;
        let params = header
            .kdf
            .clone()
            .ok_or_else(|| damaged("no passphrase parameters"))?;
        derive(passphrase, params).await?
    } else {
        installation_key(&header, keys.installation.clone()).await?
    };
    let wrapped = hex::decode(&header.file_key).map_err(|_| damaged("the file key"))?;
    let file_key = wrapping_key
        .unwrap(&header.id, FILE_KEY_PURPOSE, &wrapped)
        .map_err(|_| {
            AppError::Installation(if header.needs_backup_passphrase() {
                "the passphrase does not open this backup (or its header is damaged): nothing was restored".to_owned()
            } else {
                "the installation key does not open this backup: give the key file or passphrase of the installation it was made from (or its header is damaged); nothing was restored".to_owned()
            })
        })?;
    std::fs::create_dir_all(data_dir).map_err(|source| AppError::io(data_dir, source))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|source| AppError::io(data_dir, source))?;
    }
    let target = data_dir.to_owned();
    let (files, blobs, bytes) =
        tokio::task::spawn_blocking(move || extract(file, &header_bytes, &file_key, &target))
            .await
            .map_err(|error| AppError::Installation(format!("the restore stopped: {error}")))??;
    let key_file = data_dir.join(KEY_ENTRY);
    let key_file_restored = header.holds_installation_key;
    let key_input = if key_file_restored {
        KeyInput::KeyFile(key_file)
    } else {
        keys.installation.ok_or_else(|| {
            AppError::Installation(
                "the restored installation needs its key file or passphrase to be opened"
                    .to_owned(),
            )
        })?
    };
    let app = installation::open_with_key(data_dir, key_input).await?;
    let log = app.check_log(&|_, _| {}).await?;
    Ok(RestoreReport {
        files,
        blobs,
        bytes,
        key_file_restored,
        log,
        app,
    })
}

/// The installation key for a backup sealed under it.
async fn installation_key(
    header: &BackupHeader,
    given: Option<KeyInput>,
) -> Result<InstallationKey, AppError> {
    match (given, &header.kdf) {
        (Some(KeyInput::KeyFile(path)), _) => {
            let text =
                Zeroizing::new(std::fs::read(&path).map_err(|source| AppError::io(&path, source))?);
            InstallationKey::from_key_file(&text)
                .map_err(|error| AppError::Installation(format!("{}: {error}", path.display())))
        }
        (Some(KeyInput::Passphrase(passphrase)), Some(params)) => {
            derive(passphrase, params.clone()).await
        }
        (Some(KeyInput::Passphrase(_)), None) => Err(AppError::Installation(
            "this backup is sealed under an installation key that comes from a key file: give it with --key-file or AMPARO_KEY_FILE".to_owned(),
        )),
        (None | Some(KeyInput::FromEnvironment), _) => Err(AppError::Installation(
            if header.installation_key_source == "passphrase" {
                "this backup is sealed under the installation key: set AMPARO_PASSPHRASE (the installation's passphrase) or run the command in a terminal to be asked for it, or give a key file recovered from shares with --key-file".to_owned()
            } else {
                "this backup is sealed under the installation key: give the installation's key file with --key-file or AMPARO_KEY_FILE".to_owned()
            },
        )),
    }
}

async fn derive(
    passphrase: Zeroizing<String>,
    params: KdfParams,
) -> Result<InstallationKey, AppError> {
    tokio::task::spawn_blocking(move || InstallationKey::from_passphrase(&passphrase, &params))
        .await
        .map_err(|error| AppError::Installation(format!("key derivation failed: {error}")))?
        .map_err(|error| AppError::Installation(error.to_string()))
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Every stored object under `folder` (named `prefix/...`), skipping the temporary files of
/// writes in flight (their names hold `#`).
fn list_blobs(
    folder: &Path,
    prefix: &str,
    found: &mut Vec<(String, PathBuf)>,
) -> Result<(), AppError> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(AppError::io(folder, source)),
    };
    let mut children: Vec<_> = entries
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .map_err(|source| AppError::io(folder, source))?;
    children.sort();
    for path in children {
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if name.contains('#') || !safe_component(name) {
            continue;
        }
        let entry = format!("{prefix}/{name}");
        if path.is_dir() {
            list_blobs(&path, &entry, found)?;
        } else if path.is_file() {
            found.push((entry, path));
        }
    }
    Ok(())
}

fn safe_component(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Where an entry's path may be written: the configuration, the database, the key file, or an
/// object under `blobs/`; nothing else, and nothing outside the data directory.
fn entry_path(root: &Path, path: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = path.split('/').collect();
    if !parts.iter().all(|part| safe_component(part)) {
        return None;
    }
    let allowed = match parts.as_slice() {
        [single] => [CONFIG_ENTRY, DATABASE_ENTRY, KEY_ENTRY].contains(single),
        [first, _, ..] => *first == BLOB_FOLDER,
        [] => false,
    };
    allowed.then(|| {
        parts
            .iter()
            .fold(root.to_owned(), |path, part| path.join(part))
    })
}

/// Removes the file when dropped (the database snapshot, whatever happens).
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn empty_folder(folder: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The sealed stream written to the backup file, hashed as it goes.
struct SealedWriter {
    file: File,
    sealer: Option<Sealer>,
    out: Vec<u8>,
    hasher: Sha256,
    size: u64,
}

impl SealedWriter {
    fn new(mut file: File, key: &DataKey, header: &[u8]) -> std::io::Result<Self> {
        file.write_all(header)?;
        let name = hex::encode(Sha256::digest(header));
        let mut out = Vec::with_capacity(WRITE_BATCH + 128 * 1024);
        let sealer = Sealer::new(key, &name, &mut out);
        Ok(Self {
            file,
            sealer: Some(sealer),
            out,
            hasher: Sha256::new().chain_update(header),
            size: header.len() as u64,
        })
    }

    fn flush_out(&mut self) -> std::io::Result<()> {
        self.file.write_all(&self.out)?;
        self.hasher.update(&self.out);
        self.size += self.out.len() as u64;
        self.out.clear();
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<(u64, String)> {
        if let Some(sealer) = self.sealer.take() {
            sealer.finish(&mut self.out);
        }
        self.flush_out()?;
        self.file.sync_all()?;
        Ok((self.size, hex::encode(self.hasher.finalize())))
    }
}

impl Write for SealedWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Some(sealer) = self.sealer.as_mut() {
            sealer.push(bytes, &mut self.out);
        }
        if self.out.len() >= WRITE_BATCH {
            self.flush_out()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn header_bytes(header: &BackupHeader) -> Vec<u8> {
    let json = serde_json::to_vec(header).unwrap_or_default();
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&(json.len() as u32).to_be_bytes());
    bytes.extend_from_slice(&json);
    bytes
}

fn read_header(file: &mut File, path: &Path) -> Result<(BackupHeader, Vec<u8>), AppError> {
    let not_backup = || {
        AppError::Installation(format!(
            "{} is not an Amparo backup (or its first bytes are damaged)",
            path.display()
        ))
    };
    let mut start = [0u8; 12];
    file.read_exact(&mut start).map_err(|_| not_backup())?;
    if &start[..8] != MAGIC {
        return Err(not_backup());
    }
    let length = u32::from_be_bytes([start[8], start[9], start[10], start[11]]);
    if length > MAX_HEADER {
        return Err(damaged("its header"));
    }
    let mut json = vec![0u8; length as usize];
    file.read_exact(&mut json)
        .map_err(|_| damaged("its header is cut short"))?;
    let header: BackupHeader =
        serde_json::from_slice(&json).map_err(|error| damaged(format!("its header: {error}")))?;
    if header.format != "amparo-backup" || header.version != 1 {
        return Err(AppError::Installation(format!(
            "{} is a backup of another format or version ({} {}): use the Amparo that made it",
            path.display(),
            header.format,
            header.version
        )));
    }
    let mut bytes = start.to_vec();
    bytes.extend_from_slice(&json);
    Ok((header, bytes))
}

/// Writes the backup file: to `output.partial`, renamed to `output` once complete and durable.
fn write_backup(
    output: &Path,
    header: &BackupHeader,
    file_key: &DataKey,
    sources: &[(String, PathBuf)],
    key_text: Option<Zeroizing<String>>,
) -> Result<BackupReport, AppError> {
    let mut partial = output.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let guard = RemoveOnDrop(partial.clone());
    let io = |source| AppError::io(&partial, source);
    let file = File::options()
        .write(true)
        .create_new(true)
        .open(&partial)
        .map_err(io)?;
    let mut writer = SealedWriter::new(file, file_key, &header_bytes(header)).map_err(io)?;
    let mut manifest = Vec::new();
    let mut bytes = 0u64;
    for (entry, path) in sources {
        let mut source = match File::open(path) {
            Ok(file) => file,
            // A blob removed by garbage collection since it was listed was unreferenced.
            Err(error)
                if error.kind() == std::io::ErrorKind::NotFound
                    && entry != CONFIG_ENTRY
                    && entry != DATABASE_ENTRY =>
            {
                continue;
            }
            Err(source) => return Err(AppError::io(path, source)),
        };
        let size = source
            .metadata()
            .map_err(|source| AppError::io(path, source))?
            .len();
        let sha256 = write_entry(&mut writer, entry, size, &mut source)
            .map_err(|source| AppError::io(path, source))?;
        bytes += size;
        manifest.push(ManifestFile {
            path: entry.clone(),
            size,
            sha256,
        });
    }
    if let Some(text) = key_text {
        let size = text.len() as u64;
        let sha256 = write_entry(&mut writer, KEY_ENTRY, size, &mut text.as_bytes()).map_err(io)?;
        manifest.push(ManifestFile {
            path: KEY_ENTRY.to_owned(),
            size,
            sha256,
        });
    }
    let files = manifest.len() as u64;
    let json = serde_json::to_vec(&Manifest {
        format: "amparo-backup-manifest-v1".to_owned(),
        files: manifest,
    })
    .map_err(|error| AppError::Installation(format!("the manifest: {error}")))?;
    writer.write_all(&[ENTRY_MANIFEST]).map_err(io)?;
    writer
        .write_all(&(json.len() as u32).to_be_bytes())
        .map_err(io)?;
    writer.write_all(&json).map_err(io)?;
    let (size, sha256) = writer.finish().map_err(io)?;
    std::fs::rename(&partial, output).map_err(|source| AppError::io(output, source))?;
    drop(guard);
    if let Some(folder) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = File::open(folder).and_then(|folder| folder.sync_all());
    }
    Ok(BackupReport {
        files,
        blobs: 0,
        bytes,
        size,
        sha256,
        sealed_with: "",
    })
}

fn write_entry(
    writer: &mut SealedWriter,
    entry: &str,
    size: u64,
    source: &mut dyn Read,
) -> std::io::Result<String> {
    writer.write_all(&[ENTRY_FILE])?;
    writer.write_all(&(entry.len() as u16).to_be_bytes())?;
    writer.write_all(entry.as_bytes())?;
    writer.write_all(&size.to_be_bytes())?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut left = size;
    while left > 0 {
        let want = buffer.len().min(left as usize);
        let read = source.read(&mut buffer[..want])?;
        if read == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file shrank while it was copied",
            ));
        }
        hasher.update(&buffer[..read]);
        writer.write_all(&buffer[..read])?;
        left -= read as u64;
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The backup's content, opened as it is read; a chunk that does not open is an
/// `InvalidData` error, and the end is reached only once the last chunk has opened.
struct OpenedReader {
    file: File,
    opener: Option<Opener>,
    buffer: Vec<u8>,
    position: usize,
    raw: Vec<u8>,
}

impl Read for OpenedReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.position == self.buffer.len() {
            let Some(opener) = self.opener.as_mut() else {
                return Ok(0);
            };
            self.buffer.clear();
            self.position = 0;
            let read = self.file.read(&mut self.raw)?;
            let opened = if read == 0 {
                self.opener
                    .take()
                    .map_or(Ok(()), |opener| opener.finish(&mut self.buffer))
            } else {
                opener.push(&self.raw[..read], &mut self.buffer)
            };
            opened.map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "a chunk does not open")
            })?;
        }
        let n = out.len().min(self.buffer.len() - self.position);
        out[..n].copy_from_slice(&self.buffer[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

/// Decrypts the content into `root`, checking it against the manifest; returns the files,
/// blobs and bytes written.
fn extract(
    file: File,
    header: &[u8],
    file_key: &DataKey,
    root: &Path,
) -> Result<(u64, u64, u64), AppError> {
    let name = hex::encode(Sha256::digest(header));
    let mut reader = OpenedReader {
        file,
        opener: Some(Opener::new(file_key, &name)),
        buffer: Vec::new(),
        position: 0,
        raw: vec![0u8; 256 * 1024],
    };
    let broken = |error: std::io::Error| match error.kind() {
        std::io::ErrorKind::InvalidData => {
            damaged("a chunk does not open: a changed byte, a cut or a reordering")
        }
        std::io::ErrorKind::UnexpectedEof => damaged("it ends too early"),
        _ => damaged(error),
    };
    let mut written: Vec<ManifestFile> = Vec::new();
    let manifest: Manifest = loop {
        let mut kind = [0u8; 1];
        reader.read_exact(&mut kind).map_err(broken)?;
        match kind[0] {
            ENTRY_FILE => {
                let mut length = [0u8; 2];
                reader.read_exact(&mut length).map_err(broken)?;
                let mut entry = vec![0u8; usize::from(u16::from_be_bytes(length))];
                reader.read_exact(&mut entry).map_err(broken)?;
                let entry = String::from_utf8(entry).map_err(|_| damaged("an entry's name"))?;
                let path = entry_path(root, &entry)
                    .ok_or_else(|| damaged(format!("an entry named {entry:?}")))?;
                let mut size = [0u8; 8];
                reader.read_exact(&mut size).map_err(broken)?;
                let size = u64::from_be_bytes(size);
                let sha256 = write_restored(&mut reader, &path, size).map_err(|error| {
                    if error.kind() == std::io::ErrorKind::AlreadyExists {
                        damaged(format!("{entry} appears twice"))
                    } else {
                        broken(error)
                    }
                })?;
                written.push(ManifestFile {
                    path: entry,
                    size,
                    sha256,
                });
            }
            ENTRY_MANIFEST => {
                let mut length = [0u8; 4];
                reader.read_exact(&mut length).map_err(broken)?;
                let length = u32::from_be_bytes(length);
                if length > 1 << 30 {
                    return Err(damaged("its manifest"));
                }
                let mut json = vec![0u8; length as usize];
                reader.read_exact(&mut json).map_err(broken)?;
                break serde_json::from_slice(&json)
                    .map_err(|error| damaged(format!("its manifest: {error}")))?;
            }
            other => return Err(damaged(format!("an entry of kind {other}"))),
        }
    };
    // Nothing may follow the manifest, and the stream must end with its last chunk.
    let mut rest = [0u8; 1];
    if reader.read(&mut rest).map_err(broken)? != 0 {
        return Err(damaged("bytes after the manifest"));
    }
    if manifest.format != "amparo-backup-manifest-v1" {
        return Err(damaged("its manifest's format"));
    }
    let mut listed = manifest.files.clone();
    listed.sort_by(|a, b| a.path.cmp(&b.path));
    written.sort_by(|a, b| a.path.cmp(&b.path));
    if listed != written {
        let missing = listed.iter().find(|file| !written.contains(file));
        return Err(damaged(match missing {
            Some(file) => format!("{} does not match the manifest", file.path),
            None => "a file is not in the manifest".to_owned(),
        }));
    }
    if !written.iter().any(|file| file.path == DATABASE_ENTRY)
        || !written.iter().any(|file| file.path == CONFIG_ENTRY)
    {
        return Err(damaged("it holds no database or configuration"));
    }
    let blobs = written
        .iter()
        .filter(|file| file.path.starts_with("blobs/"))
        .count() as u64;
    let bytes = written.iter().map(|file| file.size).sum();
    Ok((written.len() as u64, blobs, bytes))
}

/// Writes `size` bytes from `reader` to the new file `path`, durably; returns their SHA-256.
fn write_restored(reader: &mut dyn Read, path: &Path, size: u64) -> std::io::Result<String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut left = size;
    while left > 0 {
        let want = buffer.len().min(left as usize);
        reader.read_exact(&mut buffer[..want])?;
        hasher.update(&buffer[..want]);
        file.write_all(&buffer[..want])?;
        left -= want as u64;
    }
    file.sync_all()?;
    Ok(hex::encode(hasher.finalize()))
}
