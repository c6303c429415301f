//! Sealed blobs (encryption at rest): callers put and get plain bytes, names and SHA-256 are those
//! of the plain content, no object on disk holds the plain bytes, a damaged or cut object is
//! refused, plain objects from before encryption at rest are still read, and storing their content
//! again seals them.

use std::path::{Path, PathBuf};

use amparo_store::{BlobKey, BlobStore, BlobWriteError, DataKey};
use tempfile::TempDir;

const SECRET: [u8; 32] = [7; 32];

fn sealed_store(key: &DataKey) -> (TempDir, BlobStore) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = BlobStore::local(dir.path(), SECRET)
        .expect("a local blob store")
        .sealed_with(key.clone());
    (dir, store)
}

fn object_file(root: &Path, key: &BlobKey) -> PathBuf {
    root.join(&key.as_str()[..2]).join(key.as_str())
}

/// Text that appears nowhere else, repeated across chunk boundaries.
fn marked_content(len: usize) -> Vec<u8> {
    let marker = b"MARKER-blob-7f3a9c-";
    marker.iter().copied().cycle().take(len).collect()
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn sealed_objects_hold_no_plain_bytes_and_read_back() {
    let key = DataKey::generate();
    let (dir, store) = sealed_store(&key);
    let plain_store = BlobStore::local(&dir.path().join("plain"), SECRET).unwrap();
    for size in [0, 5, 64 * 1024, 200_000] {
        let bytes = marked_content(size);
        let info = store.put_bytes(&bytes).await.unwrap();
        assert_eq!(info, plain_store.info_for(&bytes), "same name and SHA-256");
        let on_disk = std::fs::read(object_file(dir.path(), &info.key)).unwrap();
        assert!(on_disk.starts_with(b"AMPBLOB\x01"));
        if size > 0 {
            assert!(!holds(&on_disk, b"MARKER-blob"), "size {size}");
        }
        assert_eq!(store.get(&info.key).await.unwrap(), bytes, "size {size}");
        // The same content again is not written twice.
        assert_eq!(store.put_bytes(&bytes).await.unwrap(), info);
        assert_eq!(
            std::fs::read(object_file(dir.path(), &info.key)).unwrap(),
            on_disk
        );
    }
}

#[tokio::test]
async fn put_file_and_copy_to_file_stream_through_the_seal() {
    let key = DataKey::generate();
    let (dir, store) = sealed_store(&key);
    let source = dir.path().join("source.bin");
    let bytes = marked_content(3 * 1024 * 1024 + 123);
    std::fs::write(&source, &bytes).unwrap();
    let info = store.put_file(&source).await.unwrap();
    assert_eq!(info, store.info_for(&bytes));
    let on_disk = std::fs::read(object_file(dir.path(), &info.key)).unwrap();
    assert!(!holds(&on_disk, b"MARKER-blob"));
    let copy = dir.path().join("copy.bin");
    assert_eq!(store.copy_to_file(&info.key, &copy).await.unwrap(), info);
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    assert_eq!(store.get(&info.key).await.unwrap(), bytes);
}

#[tokio::test]
async fn damaged_or_cut_sealed_objects_are_refused() {
    let key = DataKey::generate();
    let (dir, store) = sealed_store(&key);
    let bytes = marked_content(150_000);
    let info = store.put_bytes(&bytes).await.unwrap();
    let path = object_file(dir.path(), &info.key);
    let sealed = std::fs::read(&path).unwrap();
    let copy = dir.path().join("copy.bin");

    let mut flipped = sealed.clone();
    flipped[100] ^= 1;
    std::fs::write(&path, &flipped).unwrap();
    assert!(matches!(
        store.get(&info.key).await,
        Err(BlobWriteError::Damaged { .. })
    ));
    assert!(matches!(
        store.copy_to_file(&info.key, &copy).await,
        Err(BlobWriteError::Damaged { .. })
    ));

    // Cut after the first two chunks (header 27 bytes, chunks of 64 KiB + 16).
    std::fs::write(&path, &sealed[..27 + 2 * (64 * 1024 + 16)]).unwrap();
    assert!(matches!(
        store.get(&info.key).await,
        Err(BlobWriteError::Damaged { .. })
    ));
    assert!(matches!(
        store.copy_to_file(&info.key, &copy).await,
        Err(BlobWriteError::Damaged { .. })
    ));

    // Under another blob data key nothing opens.
    std::fs::write(&path, &sealed).unwrap();
    let other = BlobStore::local(dir.path(), SECRET)
        .unwrap()
        .sealed_with(DataKey::generate());
    assert!(other.get(&info.key).await.is_err());
    // A store without a key says the blob is encrypted.
    let keyless = BlobStore::local(dir.path(), SECRET).unwrap();
    assert!(matches!(
        keyless.get(&info.key).await,
        Err(BlobWriteError::Sealed { .. })
    ));
    // The next put of the same content repairs a cut object.
    std::fs::write(&path, &sealed[..1000]).unwrap();
    store.put_bytes(&bytes).await.unwrap();
    assert_eq!(store.get(&info.key).await.unwrap(), bytes);
}

#[tokio::test]
async fn plain_objects_from_older_installations_are_read_and_sealed_when_stored_again() {
    let key = DataKey::generate();
    let dir = tempfile::tempdir().unwrap();
    let plain = BlobStore::local(dir.path(), SECRET).unwrap();
    let short = b"abc".to_vec();
    let long = marked_content(100_000);
    let short_info = plain.put_bytes(&short).await.unwrap();
    let long_info = plain.put_bytes(&long).await.unwrap();

    let sealed = BlobStore::local(dir.path(), SECRET)
        .unwrap()
        .sealed_with(key);
    assert_eq!(sealed.get(&short_info.key).await.unwrap(), short);
    assert_eq!(sealed.get(&long_info.key).await.unwrap(), long);
    let copy = dir.path().join("copy.bin");
    sealed.copy_to_file(&short_info.key, &copy).await.unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), short);
    sealed.copy_to_file(&long_info.key, &copy).await.unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), long);

    sealed.put_bytes(&long).await.unwrap();
    let on_disk = std::fs::read(object_file(dir.path(), &long_info.key)).unwrap();
    assert!(on_disk.starts_with(b"AMPBLOB\x01"));
    assert!(!holds(&on_disk, b"MARKER-blob"));
    assert_eq!(sealed.get(&long_info.key).await.unwrap(), long);
}
