//! The local blob store: names are a keyed hash of the content, the plain SHA-256 is reported but
//! never used as a name, objects are checked on read, and a torn object is rewritten.

use std::path::{Path, PathBuf};

use amparo_store::{BlobKey, BlobStore, BlobWriteError};
use tempfile::TempDir;

const SECRET: [u8; 32] = [7; 32];
const OTHER_SECRET: [u8; 32] = [9; 32];

/// SHA-256("abc"), from FIPS 180-2.
const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
/// HMAC-SHA-256 under [`SECRET`] of the SHA-256 digest of "abc", computed apart with Python:
/// `hmac.new(bytes([7] * 32), hashlib.sha256(b"abc").digest(), hashlib.sha256).hexdigest()`.
const ABC_KEY: &str = "a2d1993e17f077129d14af2ac3c9862ec72f83bce565814b56f067562b06408b";

fn local_store(secret: [u8; 32]) -> (TempDir, BlobStore) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = BlobStore::local(dir.path(), secret).expect("a local blob store");
    (dir, store)
}

/// Where a blob's file lives: `<root>/<first two hex digits>/<key>`.
fn object_file(root: &Path, key: &BlobKey) -> PathBuf {
    root.join(&key.as_str()[..2]).join(key.as_str())
}

/// Bytes that look random and do not compress (xorshift64*), reproducible from `seed`.
fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        bytes.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// Every file under `root`, at any depth.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_owned()];
    while let Some(folder) = folders.pop() {
        for item in std::fs::read_dir(&folder).expect("a readable folder") {
            let path = item.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

async fn listed_keys(store: &BlobStore) -> Vec<BlobKey> {
    let mut keys: Vec<BlobKey> = store
        .list()
        .await
        .expect("a listing")
        .into_iter()
        .map(|blob| blob.key)
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn put_bytes_names_by_keyed_hash_and_reports_plain_sha256() {
    let (_dir, store) = local_store(SECRET);
    let info = store.put_bytes(b"abc").await.expect("stored");
    assert_eq!(info.sha256, ABC_SHA256);
    assert_eq!(info.key.as_str(), ABC_KEY);
    assert_eq!(info.size, 3);
    assert_ne!(info.key.as_str(), info.sha256);
    assert_eq!(BlobKey::parse(info.key.as_str()), Some(info.key.clone()));
    assert_eq!(store.info_for(b"abc"), info);
    assert_eq!(store.key_for_sha256(ABC_SHA256), Some(info.key.clone()));

    let again = store.put_bytes(b"abc").await.expect("stored again");
    assert_eq!(again, info, "the same bytes give the same key");

    let (_other_dir, other) = local_store(OTHER_SECRET);
    let elsewhere = other.put_bytes(b"abc").await.expect("stored");
    assert_eq!(elsewhere.sha256, ABC_SHA256);
    assert_ne!(
        elsewhere.key, info.key,
        "another installation's secret gives another name"
    );
}

#[tokio::test]
async fn get_returns_the_bytes() {
    let (_dir, store) = local_store(SECRET);
    let bytes = "Testimonio de P-0042: «nos trasladaron de noche».".as_bytes();
    let info = store.put_bytes(bytes).await.expect("stored");
    assert_eq!(store.get(&info.key).await.expect("read"), bytes);
    assert!(store.contains(&info.key).await.expect("checked"));

    let absent = store.info_for(b"never stored").key;
    assert!(!store.contains(&absent).await.expect("checked"));
    assert!(store.get(&absent).await.is_err());
}

#[tokio::test]
async fn files_are_named_by_key_never_by_plain_sha256() {
    let (dir, store) = local_store(SECRET);
    let contents = [b"abc".to_vec(), pseudo_random(1000, 1), Vec::new()];
    let mut infos = Vec::new();
    for bytes in &contents {
        let info = store.put_bytes(bytes).await.expect("stored");
        let file = object_file(dir.path(), &info.key);
        assert_eq!(std::fs::read(&file).expect("the blob's file"), *bytes);
        infos.push(info);
    }
    for file in files_under(dir.path()) {
        let path = file.to_string_lossy();
        for info in &infos {
            assert!(
                !path.contains(&info.sha256),
                "{path} reveals the plain SHA-256 of a blob"
            );
        }
    }
}

#[tokio::test]
async fn put_file_stores_a_large_file_like_put_bytes() {
    let (dir, store) = local_store(SECRET);
    let source_dir = tempfile::tempdir().expect("a temporary directory");
    let source = source_dir.path().join("hearing-recording.mp4");
    let content = pseudo_random(3 * 1024 * 1024 + 512 * 1024, 42);
    std::fs::write(&source, &content).expect("a source file");

    let from_file = store.put_file(&source).await.expect("stored from the file");
    assert_eq!(from_file, store.info_for(&content));
    assert_eq!(from_file.size, content.len() as u64);
    let on_disk = std::fs::read(object_file(dir.path(), &from_file.key)).expect("the blob's file");
    assert!(
        on_disk == content,
        "the stored file differs from the source"
    );
    assert!(store.get(&from_file.key).await.expect("read") == content);

    let from_bytes = store.put_bytes(&content).await.expect("stored from memory");
    assert_eq!(from_bytes, from_file);
    assert_eq!(listed_keys(&store).await, vec![from_file.key]);
}

#[tokio::test]
async fn list_returns_what_was_put() {
    let (dir, store) = local_store(SECRET);
    let mut want = Vec::new();
    for seed in 1..=3 {
        let bytes = pseudo_random(100 * seed, seed as u64);
        let info = store.put_bytes(&bytes).await.expect("stored");
        want.push((info.key, bytes.len() as u64));
    }
    want.sort();
    let mut listed: Vec<(BlobKey, u64)> = store
        .list()
        .await
        .expect("a listing")
        .into_iter()
        .map(|blob| (blob.key, blob.size))
        .collect();
    listed.sort();
    assert_eq!(listed, want);

    // A stray file whose name is not a key (a staging file) is not a blob.
    let shard = dir.path().join(&want[0].0.as_str()[..2]);
    std::fs::write(shard.join("upload-in-progress"), b"partial").expect("a stray file");
    assert_eq!(
        listed_keys(&store).await,
        want.into_iter().map(|(key, _)| key).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn delete_removes_one_blob_and_nothing_else() {
    let (dir, store) = local_store(SECRET);
    let a = store.put_bytes(b"first").await.expect("stored");
    let b = store.put_bytes(b"second").await.expect("stored");
    let c = store.put_bytes(b"third").await.expect("stored");

    store.delete(&b.key).await.expect("deleted");
    assert!(!store.contains(&b.key).await.expect("checked"));
    assert!(!object_file(dir.path(), &b.key).exists());
    let mut left = vec![a.key.clone(), c.key.clone()];
    left.sort();
    assert_eq!(listed_keys(&store).await, left);
    assert_eq!(store.get(&a.key).await.expect("read"), b"first");
    assert_eq!(store.get(&c.key).await.expect("read"), b"third");

    store
        .delete(&b.key)
        .await
        .expect("deleting again is not an error");
}

#[tokio::test]
async fn damaged_blob_is_refused_on_read() {
    let (dir, store) = local_store(SECRET);
    let info = store
        .put_bytes(b"declaration of P-0042")
        .await
        .expect("stored");
    std::fs::write(object_file(dir.path(), &info.key), b"declaration of P-0043")
        .expect("overwritten");
    match store.get(&info.key).await {
        Err(BlobWriteError::Damaged { key }) => assert_eq!(key, info.key),
        other => panic!("a damaged blob must be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_blob_is_rewritten_by_the_next_put() {
    let (dir, store) = local_store(SECRET);
    let bytes = pseudo_random(10_000, 7);
    let info = store.put_bytes(&bytes).await.expect("stored");
    let file = object_file(dir.path(), &info.key);
    std::fs::write(&file, &bytes[..4_000]).expect("truncated");
    assert!(matches!(
        store.get(&info.key).await,
        Err(BlobWriteError::Damaged { .. })
    ));

    assert_eq!(store.put_bytes(&bytes).await.expect("stored again"), info);
    assert!(std::fs::read(&file).expect("the blob's file") == bytes);
    assert!(store.get(&info.key).await.expect("read") == bytes);
}

#[tokio::test]
async fn put_file_of_a_missing_path_names_the_path() {
    let (_dir, store) = local_store(SECRET);
    let source_dir = tempfile::tempdir().expect("a temporary directory");
    let missing = source_dir.path().join("missing-affidavit.pdf");
    let error = store
        .put_file(&missing)
        .await
        .expect_err("a missing file cannot be stored");
    let message = error.to_string();
    assert!(
        message.contains(&missing.display().to_string()),
        "{message}"
    );
    match error {
        BlobWriteError::ReadSource { path, .. } => assert_eq!(path, missing),
        other => panic!("a missing file must be a ReadSource error, got {other:?}"),
    }
    assert_eq!(listed_keys(&store).await, Vec::new());
}

#[tokio::test]
async fn blobs_stored_unsynced_are_the_same_once_made_durable() {
    let (dir, store) = local_store(SECRET);
    let contents: Vec<Vec<u8>> = (0..20).map(|n| pseudo_random(3000, 2 * n + 1)).collect();
    let mut keys = Vec::new();
    for bytes in &contents {
        let info = store.put_bytes_unsynced(bytes).await.expect("stored");
        assert_eq!(info, store.info_for(bytes), "named as put_bytes names it");
        keys.push(info.key);
    }
    store.make_durable(&keys).await.expect("flushed");
    store.make_durable(&[]).await.expect("nothing to flush");
    for (key, bytes) in keys.iter().zip(&contents) {
        assert_eq!(
            std::fs::read(object_file(dir.path(), key)).expect("the blob's file"),
            *bytes
        );
        assert_eq!(store.get(key).await.expect("read"), *bytes);
    }
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(listed_keys(&store).await, sorted);
}
