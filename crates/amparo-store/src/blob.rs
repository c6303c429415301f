//! The blob store: capture bytes named by a keyed hash of their content.
//!
//! An object's name is HMAC-SHA-256, under the installation's secret, of the bytes' SHA-256
//! digest: a keyed hash of the content, never the plain SHA-256, so a seized disk does not reveal
//! which known files are held. Because the name derives from the digest, a capture record that
//! keeps the plain SHA-256 (for anyone to verify) names its blob without storing the key, and an
//! export moves between installations with different secrets unchanged. Objects live in any
//! `object_store` backend; on the local file system each object and its folders are fsynced
//! before [`BlobStore::put_bytes`] or [`BlobStore::put_file`] return, so a record that names a
//! blob is only ever committed after the blob is durable.
//!
//! An installation's blob store is sealed ([`BlobStore::sealed_with`]): every object is its
//! content encrypted in 64 KiB chunks under the blob data key (the format is in `seal.rs`), and
//! callers still put and get plain bytes. Objects written before encryption at rest existed are
//! plain; they are told apart by the sealed header, read as they are and checked against their
//! name, and rewritten sealed when the same content is stored again.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::TryStreamExt;
use hmac::{Hmac, Mac};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use sha2::{Digest, Sha256};

use crate::keys::DataKey;
use crate::seal;

/// Bytes read from a file per step while hashing or uploading.
const CHUNK: usize = 1 << 20;

/// The name of a blob: lowercase hex of HMAC-SHA-256 of its bytes' SHA-256 digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey(String);

impl BlobKey {
    /// Parses a key: 64 lowercase hexadecimal digits.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| Self(text.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn object_path(&self) -> ObjectPath {
        ObjectPath::from(format!("{}/{}", &self.0[..2], self.0))
    }
}

impl fmt::Display for BlobKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What was stored: the key, the plain SHA-256 (for verification) and the size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobInfo {
    /// The blob's name.
    pub key: BlobKey,
    /// Plain SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// A blob present in the store, as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedBlob {
    /// The blob's name.
    pub key: BlobKey,
    /// Size in bytes.
    pub size: u64,
    /// When it was last written, in seconds since the Unix epoch.
    pub modified_unix: i64,
}

/// Why a blob could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum BlobWriteError {
    /// Reading the source file failed.
    #[error("could not read {path}: {source}")]
    ReadSource {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The source file changed while it was being stored.
    #[error(
        "{path} changed while it was being captured: capture it again once nothing writes to it"
    )]
    SourceChanged {
        /// The file.
        path: PathBuf,
    },
    /// Flushing the stored object to disk failed.
    #[error("could not make the blob durable at {path}: {source}")]
    Sync {
        /// The object's file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A stored blob's bytes do not match its name.
    #[error("blob {key} is damaged: its content no longer matches its name")]
    Damaged {
        /// The blob's key.
        key: BlobKey,
    },
    /// A sealed blob was read through a store that has no key to open it.
    #[error("blob {key} is encrypted and this blob store has no key to open it")]
    Sealed {
        /// The blob's key.
        key: BlobKey,
    },
    /// The object store failed.
    #[error("blob store error: {0}")]
    ObjectStore(#[from] object_store::Error),
    /// A background task failed.
    #[error("blob store task failed: {0}")]
    Task(String),
}

/// Stores and reads blobs by keyed hash.
#[derive(Clone)]
pub struct BlobStore {
    objects: Arc<dyn ObjectStore>,
    local_root: Option<PathBuf>,
    secret: Arc<[u8; 32]>,
    /// The data key that seals contents; `None` stores plain bytes (tests, tools).
    content_key: Option<Arc<DataKey>>,
    /// Shard folders whose entry in the root folder is known to be on disk: the root is
    /// fsynced once per shard and process, not once per blob.
    durable_shards: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
}

impl fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobStore")
            .field("objects", &self.objects.to_string())
            .field("local_root", &self.local_root)
            .finish_non_exhaustive()
    }
}

struct Hashes<'a> {
    secret: &'a [u8; 32],
    plain: Sha256,
    size: u64,
}

impl<'a> Hashes<'a> {
    fn new(secret: &'a [u8; 32]) -> Self {
        Self {
            secret,
            plain: Sha256::new(),
            size: 0,
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        self.plain.update(bytes);
        self.size += bytes.len() as u64;
    }

    fn finish(self) -> BlobInfo {
        let digest = self.plain.finalize();
        BlobInfo {
            key: keyed_name(self.secret, &digest),
            sha256: hex::encode(digest),
            size: self.size,
        }
    }
}

fn keyed_name(secret: &[u8; 32], digest: &[u8]) -> BlobKey {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(digest);
    BlobKey(hex::encode(mac.finalize().into_bytes()))
}

impl BlobStore {
    /// A blob store in a local folder (created if missing), with fsync on every write.
    pub fn local(root: &Path, secret: [u8; 32]) -> Result<Self, BlobWriteError> {
        std::fs::create_dir_all(root).map_err(|source| BlobWriteError::Sync {
            path: root.to_owned(),
            source,
        })?;
        let objects = LocalFileSystem::new_with_prefix(root)?;
        Ok(Self {
            objects: Arc::new(objects),
            local_root: Some(root.to_owned()),
            secret: Arc::new(secret),
            content_key: None,
            durable_shards: Arc::default(),
        })
    }

    /// A blob store over any object store (S3-compatible, in-memory for tests). Durability is
    /// that store's own.
    pub fn remote(objects: Arc<dyn ObjectStore>, secret: [u8; 32]) -> Self {
        Self {
            objects,
            local_root: None,
            secret: Arc::new(secret),
            content_key: None,
            durable_shards: Arc::default(),
        }
    }

    /// The same store, sealing every object it writes under `key` from now on.
    pub fn sealed_with(mut self, key: DataKey) -> Self {
        self.content_key = Some(Arc::new(key));
        self
    }

    /// Whether objects are sealed when written.
    pub fn is_sealed(&self) -> bool {
        self.content_key.is_some()
    }

    /// The size of the stored object for content of `plain_size` bytes.
    fn stored_size(&self, plain_size: u64) -> u64 {
        match self.content_key {
            Some(_) => seal::sealed_len(plain_size),
            None => plain_size,
        }
    }

    /// The key of the blob whose plain SHA-256 is `sha256` (64 hex digits), or `None` when the
    /// text is not a SHA-256 digest.
    pub fn key_for_sha256(&self, sha256: &str) -> Option<BlobKey> {
        let digest = hex::decode(sha256)
            .ok()
            .filter(|digest| digest.len() == 32)?;
        Some(keyed_name(&self.secret, &digest))
    }

    /// The key and plain SHA-256 that `bytes` would be stored under.
    pub fn info_for(&self, bytes: &[u8]) -> BlobInfo {
        let mut hashes = Hashes::new(&self.secret);
        hashes.update(bytes);
        hashes.finish()
    }

    /// Stores `bytes` and makes them durable; storing the same bytes again is cheap.
    pub async fn put_bytes(&self, bytes: &[u8]) -> Result<BlobInfo, BlobWriteError> {
        let info = self.put_bytes_unsynced(bytes).await?;
        self.sync(&info.key).await?;
        Ok(info)
    }

    /// Stores `bytes` without waiting for them to reach the disk: the caller must call
    /// [`BlobStore::make_durable`] with the key before anything that names the blob is
    /// committed. For many small blobs written together (the pages of a feed), whose flushes
    /// are then done at once.
    pub async fn put_bytes_unsynced(&self, bytes: &[u8]) -> Result<BlobInfo, BlobWriteError> {
        let info = self.info_for(bytes);
        if !self.is_intact(&info).await? {
            let path = info.key.object_path();
            let stored = match &self.content_key {
                Some(key) => seal::seal_all(key, info.key.as_str(), bytes),
                None => bytes.to_vec(),
            };
            self.objects.put(&path, PutPayload::from(stored)).await?;
        }
        Ok(info)
    }

    /// Makes the blobs of `keys` durable, as [`BlobStore::put_bytes`] would have. On Linux one
    /// `syncfs(2)` of the blob folder's file system flushes every one of them and their folders
    /// with a single flush of the disk's cache, instead of two `fsync`s each; elsewhere (and if
    /// `syncfs` is refused) each object and folder is fsynced in turn. A remote store has
    /// nothing to flush: an object exists once its upload returned.
    pub async fn make_durable(&self, keys: &[BlobKey]) -> Result<(), BlobWriteError> {
        let Some(root) = &self.local_root else {
            return Ok(());
        };
        if keys.is_empty() {
            return Ok(());
        }
        #[cfg(target_os = "linux")]
        {
            let folder = root.clone();
            let flushed = tokio::task::spawn_blocking(move || {
                let handle = std::fs::File::open(&folder)?;
                rustix::fs::syncfs(&handle).map_err(std::io::Error::from)
            })
            .await
            .map_err(|error| BlobWriteError::Task(error.to_string()))?;
            match flushed {
                Ok(()) => {
                    if let Ok(mut shards) = self.durable_shards.lock() {
                        shards.extend(keys.iter().map(|key| key.as_str()[..2].to_owned()));
                    }
                    return Ok(());
                }
                Err(error) => tracing::warn!(
                    path = %root.display(),
                    %error,
                    "syncfs failed; flushing each blob instead"
                ),
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = root;
        for key in keys {
            self.sync(key).await?;
        }
        Ok(())
    }

    /// Stores the file at `source` without holding it in memory, and makes it durable.
    pub async fn put_file(&self, source: &Path) -> Result<BlobInfo, BlobWriteError> {
        let info = self.hash_file(source).await?;
        if !self.is_intact(&info).await? {
            let upload = self.objects.put_multipart(&info.key.object_path()).await?;
            let mut writer = WriteMultipart::new_with_chunk_size(upload, CHUNK);
            let mut hashes = Hashes::new(&self.secret);
            let mut file = open(source)?;
            let mut buffer = vec![0; CHUNK];
            let mut sealed = Vec::with_capacity(CHUNK + CHUNK / 64);
            let mut sealer = self
                .content_key
                .as_ref()
                .map(|key| seal::Sealer::new(key, info.key.as_str(), &mut sealed));
            loop {
                let read = read_chunk(&mut file, &mut buffer, source)?;
                if read == 0 {
                    break;
                }
                hashes.update(&buffer[..read]);
                writer.wait_for_capacity(2).await?;
                match &mut sealer {
                    Some(sealer) => {
                        sealer.push(&buffer[..read], &mut sealed);
                        writer.write(&sealed);
                        sealed.clear();
                    }
                    None => writer.write(&buffer[..read]),
                }
            }
            if let Some(sealer) = sealer {
                sealer.finish(&mut sealed);
                writer.write(&sealed);
            }
            if hashes.finish() != info {
                writer.abort().await?;
                return Err(BlobWriteError::SourceChanged {
                    path: source.to_owned(),
                });
            }
            writer.finish().await?;
        }
        self.sync(&info.key).await?;
        Ok(info)
    }

    async fn hash_file(&self, source: &Path) -> Result<BlobInfo, BlobWriteError> {
        let source = source.to_owned();
        let secret = self.secret.clone();
        tokio::task::spawn_blocking(move || {
            let mut file = open(&source)?;
            let mut hashes = Hashes::new(&secret);
            let mut buffer = vec![0; CHUNK];
            loop {
                let read = read_chunk(&mut file, &mut buffer, &source)?;
                if read == 0 {
                    return Ok(hashes.finish());
                }
                hashes.update(&buffer[..read]);
            }
        })
        .await
        .map_err(|error| BlobWriteError::Task(error.to_string()))?
    }

    /// Whether the object for `info` exists with the right size (a torn write after a power
    /// loss leaves a short file, which is then rewritten).
    async fn is_intact(&self, info: &BlobInfo) -> Result<bool, BlobWriteError> {
        match self.objects.head(&info.key.object_path()).await {
            Ok(meta) => Ok(meta.size == self.stored_size(info.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Flushes a local object and its shard folder to disk, and the root folder the first
    /// time this process writes into that shard (after that, the shard's entry in the root is
    /// already durable).
    async fn sync(&self, key: &BlobKey) -> Result<(), BlobWriteError> {
        let Some(root) = &self.local_root else {
            return Ok(());
        };
        let shard_name = key.as_str()[..2].to_owned();
        let shard = root.join(&shard_name);
        let file = shard.join(key.as_str());
        let root = root.clone();
        let root_known = self
            .durable_shards
            .lock()
            .map(|shards| shards.contains(&shard_name))
            .unwrap_or(false);
        let synced = tokio::task::spawn_blocking(move || {
            let paths: &[&PathBuf] = if root_known {
                &[&file, &shard]
            } else {
                &[&file, &shard, &root]
            };
            for path in paths.iter().copied() {
                std::fs::File::open(path)
                    .and_then(|handle| handle.sync_all())
                    .map_err(|source| BlobWriteError::Sync {
                        path: path.clone(),
                        source,
                    })?;
            }
            Ok(())
        })
        .await
        .map_err(|error| BlobWriteError::Task(error.to_string()))?;
        if synced.is_ok()
            && !root_known
            && let Ok(mut shards) = self.durable_shards.lock()
        {
            shards.insert(shard_name);
        }
        synced
    }

    /// The bytes of a blob, checked against its name.
    pub async fn get(&self, key: &BlobKey) -> Result<Vec<u8>, BlobWriteError> {
        let stored = self.objects.get(&key.object_path()).await?.bytes().await?;
        let bytes = if seal::is_sealed(&stored) {
            let content_key = self.content_key_for(key)?;
            seal::open_all(content_key, key.as_str(), &stored)
                .map_err(|_| BlobWriteError::Damaged { key: key.clone() })?
        } else {
            stored.to_vec()
        };
        if &self.info_for(&bytes).key != key {
            return Err(BlobWriteError::Damaged { key: key.clone() });
        }
        Ok(bytes)
    }

    fn content_key_for(&self, key: &BlobKey) -> Result<&DataKey, BlobWriteError> {
        self.content_key
            .as_deref()
            .ok_or_else(|| BlobWriteError::Sealed { key: key.clone() })
    }

    /// Copies a blob into the file at `destination` (created or truncated) without holding it
    /// in memory, checking it against its name; returns its plain SHA-256 and size. A damaged
    /// blob leaves the partial file behind for the caller to remove.
    pub async fn copy_to_file(
        &self,
        key: &BlobKey,
        destination: &Path,
    ) -> Result<BlobInfo, BlobWriteError> {
        use std::io::Write as _;
        let mut stream = self.objects.get(&key.object_path()).await?.into_stream();
        let io_error = |source| BlobWriteError::Sync {
            path: destination.to_owned(),
            source,
        };
        let file = std::fs::File::create(destination).map_err(io_error)?;
        let mut file = std::io::BufWriter::with_capacity(CHUNK, file);
        let mut hashes = Hashes::new(&self.secret);
        let damaged = || BlobWriteError::Damaged { key: key.clone() };
        // Undecided until the first bytes show whether the object is sealed.
        let mut opener: Option<Option<seal::Opener>> = None;
        let mut head = Vec::new();
        let mut plain = Vec::with_capacity(CHUNK);
        while let Some(chunk) = stream.try_next().await? {
            let chunk: &[u8] = match opener {
                Some(_) => &chunk,
                None => {
                    head.extend_from_slice(&chunk);
                    if head.len() < seal::MAGIC.len() {
                        continue;
                    }
                    opener = Some(if seal::is_sealed(&head) {
                        Some(seal::Opener::new(self.content_key_for(key)?, key.as_str()))
                    } else {
                        None
                    });
                    &head
                }
            };
            plain.clear();
            let plain_bytes = match &mut opener {
                Some(Some(opener)) => {
                    opener.push(chunk, &mut plain).map_err(|_| damaged())?;
                    &plain[..]
                }
                _ => chunk,
            };
            hashes.update(plain_bytes);
            file.write_all(plain_bytes).map_err(io_error)?;
            head = Vec::new();
        }
        plain.clear();
        match opener {
            Some(Some(opener)) => opener.finish(&mut plain).map_err(|_| damaged())?,
            Some(None) => {}
            // A plain object shorter than the sealed header.
            None => plain = std::mem::take(&mut head),
        }
        hashes.update(&plain);
        file.write_all(&plain).map_err(io_error)?;
        file.flush().map_err(io_error)?;
        let info = hashes.finish();
        if &info.key != key {
            return Err(BlobWriteError::Damaged { key: key.clone() });
        }
        Ok(info)
    }

    /// Whether a blob exists.
    pub async fn contains(&self, key: &BlobKey) -> Result<bool, BlobWriteError> {
        match self.objects.head(&key.object_path()).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Every blob in the store. Objects whose names are not blob keys (staging files of an
    /// interrupted upload) are listed with their raw names skipped.
    pub async fn list(&self) -> Result<Vec<ListedBlob>, BlobWriteError> {
        let metas: Vec<_> = self.objects.list(None).try_collect().await?;
        Ok(metas
            .into_iter()
            .filter_map(|meta| {
                let name = meta.location.filename()?;
                Some(ListedBlob {
                    key: BlobKey::parse(name)?,
                    size: meta.size,
                    modified_unix: meta.last_modified.timestamp(),
                })
            })
            .collect())
    }

    /// Removes the partial files of uploads that never finished (a capture killed while it was
    /// writing its blob) once they are older than `min_age_seconds`, and returns their paths.
    ///
    /// Only a local blob store leaves such files; a remote store's lifecycle rules abort
    /// incomplete multipart uploads.
    pub async fn remove_partial_uploads(
        &self,
        min_age_seconds: u64,
    ) -> Result<Vec<PathBuf>, BlobWriteError> {
        let Some(root) = self.local_root.clone() else {
            return Ok(Vec::new());
        };
        tokio::task::spawn_blocking(move || remove_partial_files(&root, min_age_seconds))
            .await
            .map_err(|error| BlobWriteError::Task(error.to_string()))?
    }

    /// Removes a blob (only the garbage collector calls this, for blobs no record names).
    pub async fn delete(&self, key: &BlobKey) -> Result<(), BlobWriteError> {
        match self.objects.delete(&key.object_path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

/// Whether a file name is an upload in progress: `<key>#<suffix>`, as object_store stages it.
fn is_partial_upload(name: &str) -> bool {
    name.split_once('#')
        .is_some_and(|(key, suffix)| BlobKey::parse(key).is_some() && !suffix.is_empty())
}

fn remove_partial_files(root: &Path, min_age_seconds: u64) -> Result<Vec<PathBuf>, BlobWriteError> {
    let io_error = |path: &Path, source: std::io::Error| BlobWriteError::Sync {
        path: path.to_owned(),
        source,
    };
    let mut removed = Vec::new();
    let shards = std::fs::read_dir(root).map_err(|source| io_error(root, source))?;
    for shard in shards {
        let shard = shard.map_err(|source| io_error(root, source))?.path();
        if !shard.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&shard).map_err(|source| io_error(&shard, source))? {
            let entry = entry.map_err(|source| io_error(&shard, source))?;
            let name = entry.file_name();
            if !is_partial_upload(&name.to_string_lossy()) {
                continue;
            }
            let path = entry.path();
            let age = entry
                .metadata()
                .and_then(|metadata| metadata.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .map_or(0, |age| age.as_secs());
            if age >= min_age_seconds {
                std::fs::remove_file(&path).map_err(|source| io_error(&path, source))?;
                removed.push(path);
            }
        }
    }
    Ok(removed)
}

fn open(path: &Path) -> Result<std::fs::File, BlobWriteError> {
    std::fs::File::open(path).map_err(|source| BlobWriteError::ReadSource {
        path: path.to_owned(),
        source,
    })
}

fn read_chunk(
    file: &mut std::fs::File,
    buffer: &mut [u8],
    path: &Path,
) -> Result<usize, BlobWriteError> {
    loop {
        match file.read(buffer) {
            Ok(read) => return Ok(read),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(BlobWriteError::ReadSource {
                    path: path.to_owned(),
                    source,
                });
            }
        }
    }
}
