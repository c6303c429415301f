//! The keyring on every backend (SQLite file, SQLite `:memory:`, the real PostgreSQL server):
//! the check value refuses a wrong key and writes nothing, data keys survive a reopen, a destroyed
//! key stays destroyed, and a rotation re-wraps every key so that only the new key opens them.
//!
//! PostgreSQL is found at `AMPARO_TEST_DATABASE_URL` as in `conformance.rs`; each check uses a
//! schema of its own, dropped at the end; an unreachable server fails the tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use amparo_store::{
    BLOB_KEY, DataKey, InstallationKey, KdfParams, KeyError, KeySource, Keyring, PostgresStore,
    SENSITIVE_PURPOSE, SqliteStore, Store, StoreError,
};
use sqlx::Connection;
use time::OffsetDateTime;
use time::macros::datetime;

type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const NOW: OffsetDateTime = datetime!(2026-11-30 08:00 UTC);

macro_rules! on_every_backend {
    ($($check:ident),* $(,)?) => {
        mod sqlite_file {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let path = dir.path().join("amparo.db");
                let store = super::SqliteStore::open(&path).await.expect("SQLite opens");
                let reopen = || async { super::SqliteStore::open(&path).await.map(|s| std::sync::Arc::new(s) as std::sync::Arc<dyn super::Store>) };
                let outcome = super::$check(std::sync::Arc::new(store.clone()), &reopen).await;
                store.close().await;
                outcome.expect("the check passes");
            })*
        }
        mod sqlite_memory {
            $(#[tokio::test]
            async fn $check() {
                let store: std::sync::Arc<dyn super::Store> = std::sync::Arc::new(super::SqliteStore::in_memory().await.expect("SQLite opens"));
                let same = store.clone();
                let reopen = || { let same = same.clone(); async move { Ok::<_, super::StoreError>(same) } };
                super::$check(store, &reopen).await.expect("the check passes");
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let (url, schema) = super::postgres_schema(stringify!($check)).await;
                let store = super::PostgresStore::connect_in_schema(&url, Some(&schema)).await.expect("PostgreSQL opens");
                let reopen = || async { super::PostgresStore::connect_in_schema(&url, Some(&schema)).await.map(|s| std::sync::Arc::new(s) as std::sync::Arc<dyn super::Store>) };
                let outcome = super::$check(std::sync::Arc::new(store.clone()), &reopen).await;
                store.close().await;
                super::drop_schema(&url, &schema).await;
                outcome.expect("the check passes");
            })*
        }
    };
}

on_every_backend! {
    wrong_key_is_refused_and_writes_nothing,
    data_keys_survive_a_reopen_and_destroyed_ones_stay_destroyed,
    rotation_rewraps_every_key_and_retires_the_old_one,
    a_keyring_is_created_once,
}

async fn postgres_schema(check: &str) -> (String, String) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let url = std::env::var("AMPARO_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() % 1_000_000_000_000);
    let short: String = check.chars().take(20).collect();
    let schema = format!(
        "k_{short}_{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
    .to_lowercase();
    (url, schema)
}

async fn drop_schema(url: &str, schema: &str) {
    let mut admin = sqlx::postgres::PgConnection::connect(url)
        .await
        .unwrap_or_else(|error| panic!("PostgreSQL is not reachable for cleanup: {error}"));
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|error| panic!("could not drop schema {schema}: {error}"));
}

fn cheap_passphrase_source() -> KdfParams {
    KdfParams::with_costs(256, 1, 1)
}

async fn wrong_key_is_refused_and_writes_nothing<F, Fut>(
    store: Arc<dyn Store>,
    reopen: &F,
) -> Outcome
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Arc<dyn Store>, StoreError>>,
{
    let params = cheap_passphrase_source();
    let key = InstallationKey::from_passphrase("the right one", &params)?;
    let keyring = Keyring::create(
        store.clone(),
        key,
        KeySource::Passphrase(params.clone()),
        vec![],
        NOW,
    )
    .await?;
    keyring.new_data_key(SENSITIVE_PURPOSE, NOW).await?;
    let keyring_before = store.keyring().await?;
    let keys_before = store.data_keys().await?;

    let wrong = InstallationKey::from_passphrase("the wrong one", &params)?;
    let refused = Keyring::unlock(reopen().await?, wrong).await;
    let error = refused.expect_err("a wrong passphrase must not open the keyring");
    assert!(
        matches!(error, StoreError::Key(KeyError::WrongPassphrase)),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "the passphrase does not open this installation"
    );
    let file_key = Keyring::unlock(reopen().await?, InstallationKey::generate()).await;
    assert!(file_key.is_err());
    assert_eq!(store.keyring().await?, keyring_before);
    assert_eq!(store.data_keys().await?, keys_before);

    let right = InstallationKey::from_passphrase("the right one", &params)?;
    let reopened = Keyring::unlock(reopen().await?, right).await?;
    assert_eq!(
        reopened.installation_data_key(BLOB_KEY).await?,
        keyring.installation_data_key(BLOB_KEY).await?
    );
    Ok(())
}

async fn data_keys_survive_a_reopen_and_destroyed_ones_stay_destroyed<F, Fut>(
    store: Arc<dyn Store>,
    reopen: &F,
) -> Outcome
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Arc<dyn Store>, StoreError>>,
{
    let key = InstallationKey::generate();
    let imported = DataKey::from_bytes([42; 32]);
    let keyring = Keyring::create(
        store.clone(),
        key.clone(),
        KeySource::KeyFile,
        vec![(amparo_store::BLOB_NAME_KEY, imported.clone())],
        NOW,
    )
    .await?;
    let (kept_id, kept) = keyring.new_data_key(SENSITIVE_PURPOSE, NOW).await?;
    let (purged_id, _) = keyring.new_data_key(SENSITIVE_PURPOSE, NOW).await?;
    assert!(keyring.destroy(&purged_id, NOW).await?);
    assert!(!keyring.destroy(&purged_id, NOW).await?, "destroyed twice");
    assert!(keyring.destroy(BLOB_KEY, NOW).await.is_err());

    let reopened = Keyring::unlock(reopen().await?, key).await?;
    assert_eq!(reopened.data_key(&kept_id).await?, kept);
    assert_eq!(
        reopened
            .installation_data_key(amparo_store::BLOB_NAME_KEY)
            .await?,
        imported
    );
    let destroyed = reopened.data_key(&purged_id).await;
    assert!(
        matches!(destroyed, Err(StoreError::Key(KeyError::Destroyed(ref id))) if *id == purged_id),
        "{destroyed:?}"
    );
    let status = reopened.status().await?;
    assert_eq!(status.source, "key-file");
    assert_eq!(
        status.keys,
        vec![
            ("blob".to_owned(), 1, 0),
            ("blob-name".to_owned(), 1, 0),
            ("log-salts".to_owned(), 1, 0),
            ("log-signing".to_owned(), 1, 0),
            ("secrets".to_owned(), 1, 0),
            ("sensitive".to_owned(), 1, 1),
        ]
    );
    Ok(())
}

async fn rotation_rewraps_every_key_and_retires_the_old_one<F, Fut>(
    store: Arc<dyn Store>,
    reopen: &F,
) -> Outcome
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Arc<dyn Store>, StoreError>>,
{
    let old_key = InstallationKey::generate();
    let keyring = Keyring::create(
        store.clone(),
        old_key.clone(),
        KeySource::KeyFile,
        vec![],
        NOW,
    )
    .await?;
    let blob_key = keyring.installation_data_key(BLOB_KEY).await?;
    let (field_id, field_key) = keyring.new_data_key(SENSITIVE_PURPOSE, NOW).await?;
    let (purged_id, _) = keyring.new_data_key(SENSITIVE_PURPOSE, NOW).await?;
    keyring.destroy(&purged_id, NOW).await?;
    // A second process that unlocked the keyring before the rotation.
    let stale = Keyring::unlock(reopen().await?, old_key.clone()).await?;

    let params = cheap_passphrase_source();
    let new_key = InstallationKey::from_passphrase("a new passphrase", &params)?;
    let (rotated, count) = keyring
        .rotate(new_key, KeySource::Passphrase(params.clone()), NOW)
        .await?;
    assert_eq!(
        count, 6,
        "blob, blob-name, log-signing, log-salts, secrets and one sensitive key"
    );
    assert_eq!(rotated.status().await?.generation, 2);

    let refused = Keyring::unlock(reopen().await?, old_key).await;
    assert!(matches!(
        refused,
        Err(StoreError::Key(KeyError::WrongPassphrase))
    ));
    let again = InstallationKey::from_passphrase("a new passphrase", &params)?;
    let reopened = Keyring::unlock(reopen().await?, again).await?;
    assert_eq!(reopened.installation_data_key(BLOB_KEY).await?, blob_key);
    assert_eq!(reopened.data_key(&field_id).await?, field_key);
    assert!(reopened.data_key(&purged_id).await.is_err());

    // The stale process can neither add a key wrapped under the old key nor rotate again.
    let added = stale.new_data_key(SENSITIVE_PURPOSE, NOW).await;
    assert!(
        matches!(added, Err(StoreError::KeyringChanged)),
        "{added:?}"
    );
    let rotated_again = stale
        .rotate(InstallationKey::generate(), KeySource::KeyFile, NOW)
        .await;
    assert!(matches!(rotated_again, Err(StoreError::KeyringChanged)));
    assert!(
        Keyring::unlock(
            reopen().await?,
            InstallationKey::from_passphrase("a new passphrase", &params)?
        )
        .await
        .is_ok()
    );
    Ok(())
}

async fn a_keyring_is_created_once<F, Fut>(store: Arc<dyn Store>, _reopen: &F) -> Outcome
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Arc<dyn Store>, StoreError>>,
{
    assert!(store.keyring().await?.is_none());
    Keyring::create(
        store.clone(),
        InstallationKey::generate(),
        KeySource::KeyFile,
        vec![],
        NOW,
    )
    .await?;
    let second = Keyring::create(
        store.clone(),
        InstallationKey::generate(),
        KeySource::KeyFile,
        vec![],
        NOW,
    )
    .await;
    assert!(
        matches!(second, Err(StoreError::Duplicate(_))),
        "{second:?}"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sealed sensitive fields.

const MARKER: &str = "Markername Sealedfield-91b7";

fn person_change(id: uuid::Uuid, expected_version: u32, name: &str) -> amparo_store::Change {
    amparo_store::Change {
        kind: amparo_model::RecordKind::Person,
        id,
        expected_version,
        body: Some(serde_json::json!({
            "pseudonym": "P-0001",
            "sensitive": {"full_name": name},
        })),
        actor: "cli:alice".to_owned(),
        at: NOW,
    }
}

/// Seals, reads back, purges one version and checks the log leaf did not move; `raw` returns
/// every stored `sensitive` column as text, to show the marker never reached the database.
async fn sensitive_fields_are_sealed_and_purged<R, RF>(store: Arc<dyn Store>, raw: R) -> Outcome
where
    R: Fn() -> RF,
    RF: std::future::Future<Output = Vec<String>>,
{
    use amparo_model::RecordKind::Person;
    let keyring = Keyring::create(
        store.clone(),
        InstallationKey::generate(),
        KeySource::KeyFile,
        vec![],
        NOW,
    )
    .await?;
    keyring.seal_fields()?;
    let id = uuid::Uuid::now_v7();
    let written = store
        .write(&[person_change(id, 0, &format!("{MARKER} one"))])
        .await?;
    assert_eq!(
        written[0].body["sensitive"]["full_name"],
        format!("{MARKER} one")
    );
    store
        .write(&[person_change(id, 1, &format!("{MARKER} two"))])
        .await?;
    let columns = raw().await;
    assert_eq!(columns.len(), 2);
    assert!(
        columns.iter().all(|column| !column.contains("Markername")),
        "{columns:?}"
    );

    let history = store.history(Person, id).await?;
    assert_eq!(
        history[0].body["sensitive"]["full_name"],
        format!("{MARKER} one")
    );
    assert_eq!(
        history[1].body["sensitive"]["full_name"],
        format!("{MARKER} two")
    );
    let leaf_before = store.log_entry_for_version(Person, id, 1).await?;
    let root_before = store.log_root(store.log_size().await?).await?;

    assert!(store.purge_sensitive(Person, id, 1, NOW).await?);
    assert!(
        !store.purge_sensitive(Person, id, 1, NOW).await?,
        "purged twice"
    );
    let first = store.get_version(Person, id, 1).await?.expect("version 1");
    assert!(first.sensitive_purged);
    assert!(first.body.get("sensitive").is_none(), "{}", first.body);
    assert_eq!(first.body["pseudonym"], "P-0001");
    let current = store.get(Person, id).await?.expect("version 2");
    assert!(!current.sensitive_purged);
    assert_eq!(
        current.body["sensitive"]["full_name"],
        format!("{MARKER} two")
    );
    assert_eq!(
        store.log_entry_for_version(Person, id, 1).await?,
        leaf_before
    );
    assert_eq!(store.log_root(store.log_size().await?).await?, root_before);
    let listed = store
        .list(Person, &amparo_store::ListOptions::default())
        .await?;
    assert_eq!(
        listed[0].body["sensitive"]["full_name"],
        format!("{MARKER} two")
    );

    // Another process, unlocking the keyring afresh, sees the same.
    let status = keyring.status().await?;
    assert_eq!(status.keys.last(), Some(&("sensitive".to_owned(), 1, 1)));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_seals_and_purges_sensitive_fields() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("amparo.db");
    let store = SqliteStore::open(&path).await.expect("SQLite opens");
    let raw = || async {
        let url = format!("sqlite://{}", path.display());
        let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let columns: Vec<Option<String>> =
            sqlx::query_scalar("SELECT sensitive FROM record_versions")
                .fetch_all(&mut connection)
                .await
                .unwrap();
        columns.into_iter().flatten().collect()
    };
    let outcome = sensitive_fields_are_sealed_and_purged(Arc::new(store.clone()), raw).await;
    store.close().await;
    outcome.expect("the check passes");
}

#[tokio::test]
async fn sqlite_memory_seals_and_purges_sensitive_fields() {
    let store = SqliteStore::in_memory().await.expect("SQLite opens");
    // One connection only: the raw view is what the store reads back before opening it.
    let raw = || async { vec!["(not inspected)".to_owned(), "(in memory)".to_owned()] };
    sensitive_fields_are_sealed_and_purged(Arc::new(store), raw)
        .await
        .expect("the check passes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_seals_and_purges_sensitive_fields() {
    let (url, schema) = postgres_schema("seals_fields").await;
    let store = PostgresStore::connect_in_schema(&url, Some(&schema))
        .await
        .expect("PostgreSQL opens");
    let raw = || async {
        let mut connection = sqlx::postgres::PgConnection::connect(&url).await.unwrap();
        let columns: Vec<Option<String>> =
            sqlx::query_scalar(&format!("SELECT sensitive FROM {schema}.record_versions"))
                .fetch_all(&mut connection)
                .await
                .unwrap();
        columns.into_iter().flatten().collect()
    };
    let outcome = sensitive_fields_are_sealed_and_purged(Arc::new(store.clone()), raw).await;
    store.close().await;
    drop_schema(&url, &schema).await;
    outcome.expect("the check passes");
}
