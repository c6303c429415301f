//! What the store seals besides `sensitive` members (issue 7, point 3): the identifying metadata
//! of captures received as files (plain SHA-256, file name, note), the evidence log's commitment
//! salts and the users' TOTP secrets, on SQLite and on the real PostgreSQL server. Each check
//! reads the stored columns as they are and looks for the values in clear, then reads them back
//! through the store, also after a reopen that unlocks the keyring afresh.
//!
//! PostgreSQL is found at `AMPARO_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), in a schema of its own that is dropped at the end;
//! an unreachable server fails the test.

use std::sync::Arc;

use amparo_model::RecordKind;
use amparo_store::{
    Change, InstallationKey, KeySource, Keyring, PostgresStore, SALTS_LEN, SecondFactorRow,
    SqliteStore, Store, StoreError,
};
use amparo_tlog::{LeafV1, Role, commit};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use time::OffsetDateTime;
use time::macros::datetime;

type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

const NOW: OffsetDateTime = datetime!(2026-11-30 08:00 UTC);
const FILE_NAME: &str = "filename-marker-5be1-witness.mp4";
const NOTE: &str = "note-marker-77c0 given by the witness";
const URL: &str = "https://news.example/public-page-marker-0a9d";
const TOTP_SECRET: &[u8] = b"totp-secret-marker!!";

/// Every stored byte of the columns that could hold the values: record bodies and sealed parts,
/// log salts, second factors.
struct Raw {
    columns: Vec<Vec<u8>>,
    salts: Vec<Vec<u8>>,
}

impl Raw {
    fn holds(&self, needle: &[u8]) -> bool {
        self.columns
            .iter()
            .chain(&self.salts)
            .any(|column| column.windows(needle.len()).any(|window| window == needle))
    }
}

fn file_capture(id: uuid::Uuid, sha256: &str) -> Change {
    Change {
        kind: RecordKind::Capture,
        id,
        expected_version: 0,
        body: Some(serde_json::json!({
            "sha256": sha256,
            "size": 20,
            "media_type": "video/mp4",
            "origin": {"kind": "file", "file_name": FILE_NAME},
            "obtained_at": "2026-11-30T08:00:00Z",
            "obtained_by": "cli:alice",
            "note": NOTE,
        })),
        actor: "cli:alice".to_owned(),
        at: NOW,
    }
}

fn url_capture(id: uuid::Uuid, sha256: &str) -> Change {
    Change {
        kind: RecordKind::Capture,
        id,
        expected_version: 0,
        body: Some(serde_json::json!({
            "sha256": sha256,
            "size": 7,
            "media_type": "text/html",
            "origin": {"kind": "url", "requested_url": URL, "final_url": URL, "status": 200},
            "obtained_at": "2026-11-30T08:00:00Z",
            "obtained_by": "cli:alice",
        })),
        actor: "cli:alice".to_owned(),
        at: NOW,
    }
}

async fn sealed_metadata_salts_and_secrets<R, RF, O, OF>(
    store: Arc<dyn Store>,
    raw: R,
    reopen: O,
) -> Outcome
where
    R: Fn() -> RF,
    RF: std::future::Future<Output = Raw>,
    O: Fn() -> OF,
    OF: std::future::Future<Output = Result<Arc<dyn Store>, StoreError>>,
{
    let key = InstallationKey::generate();
    let keyring =
        Keyring::create(store.clone(), key.clone(), KeySource::KeyFile, vec![], NOW).await?;
    keyring.seal_fields()?;

    let received = hex::encode(Sha256::digest(b"the witness's video"));
    let fetched = hex::encode(Sha256::digest(b"<html>"));
    let (file_id, url_id, user_id) = (
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
    );
    let file_change = file_capture(file_id, &received);
    store
        .write(&[file_change.clone(), url_capture(url_id, &fetched)])
        .await?;
    store
        .save_second_factor(
            &SecondFactorRow {
                user_id,
                secret: TOTP_SECRET.to_vec(),
                created_at: NOW,
                confirmed_at: Some(NOW),
                last_step: 7,
            },
            &[],
        )
        .await?;

    let stored = raw().await;
    assert!(
        !stored.holds(FILE_NAME.as_bytes()),
        "the file name is in clear"
    );
    assert!(!stored.holds(NOTE.as_bytes()), "the note is in clear");
    assert!(
        !stored.holds(received.as_bytes()),
        "the SHA-256 is in clear"
    );
    assert!(!stored.holds(TOTP_SECRET), "the TOTP secret is in clear");
    // A public web page's capture keeps its metadata in clear.
    assert!(stored.holds(URL.as_bytes()));
    assert!(stored.holds(fetched.as_bytes()));
    assert!(!stored.salts.is_empty());
    for salts in &stored.salts {
        assert_ne!(salts.len(), SALTS_LEN, "a leaf's salts are stored in clear");
    }

    let check = |store: Arc<dyn Store>| {
        let received = received.clone();
        let expected = file_change.body.clone();
        async move {
            let read = store
                .get(RecordKind::Capture, file_id)
                .await?
                .expect("read");
            assert_eq!(Some(read.body), expected);
            let entry = store
                .log_entry_for_version(RecordKind::Capture, file_id, 1)
                .await?
                .expect("the capture's leaf");
            let leaf = LeafV1::decode(&entry.leaf)?;
            assert_eq!(
                leaf.content,
                commit(Role::Content, &entry.salts.content, received.as_bytes()),
                "the opened salts open the content commitment"
            );
            let factor = store.second_factor(user_id).await?.expect("the factor");
            assert_eq!(factor.secret, TOTP_SECRET);
            assert_eq!(factor.last_step, 7);
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }
    };
    check(store.clone()).await?;

    // Another process: nothing opens before the keyring is unlocked, everything after.
    let again = reopen().await?;
    let locked = again
        .log_entry_for_version(RecordKind::Capture, file_id, 1)
        .await;
    assert!(
        matches!(&locked, Err(StoreError::Corrupt(message)) if message.contains("not unlocked")),
        "{locked:?}"
    );
    Keyring::unlock(again.clone(), key).await?.seal_fields()?;
    check(again).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_seals_capture_metadata_salts_and_secrets() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("amparo.db");
    let store = SqliteStore::open(&path).await.expect("SQLite opens");
    let url = format!("sqlite://{}", path.display());
    let raw = || async {
        let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let mut columns: Vec<Vec<u8>> = Vec::new();
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT body, sensitive FROM record_versions")
                .fetch_all(&mut connection)
                .await
                .unwrap();
        for (body, sensitive) in rows {
            columns.push(body.into_bytes());
            columns.extend(sensitive.map(String::into_bytes));
        }
        columns.extend(
            sqlx::query_scalar::<_, Vec<u8>>("SELECT secret FROM second_factors")
                .fetch_all(&mut connection)
                .await
                .unwrap(),
        );
        let salts = sqlx::query_scalar("SELECT salts FROM log_leaves")
            .fetch_all(&mut connection)
            .await
            .unwrap();
        Raw { columns, salts }
    };
    let reopen = || async {
        SqliteStore::open(&path)
            .await
            .map(|store| Arc::new(store) as Arc<dyn Store>)
    };
    let outcome = sealed_metadata_salts_and_secrets(Arc::new(store.clone()), raw, reopen).await;
    store.close().await;
    outcome.expect("the check passes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_seals_capture_metadata_salts_and_secrets() {
    let url = std::env::var("AMPARO_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("sealed_metadata_{}", uuid::Uuid::new_v4().simple());
    let store = PostgresStore::connect_in_schema(&url, Some(&schema))
        .await
        .expect("PostgreSQL opens");
    let raw = || async {
        let mut connection = sqlx::postgres::PgConnection::connect(&url).await.unwrap();
        let mut columns: Vec<Vec<u8>> = Vec::new();
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(&format!(
            "SELECT body, sensitive FROM {schema}.record_versions"
        ))
        .fetch_all(&mut connection)
        .await
        .unwrap();
        for (body, sensitive) in rows {
            columns.push(body.into_bytes());
            columns.extend(sensitive.map(String::into_bytes));
        }
        columns.extend(
            sqlx::query_scalar::<_, Vec<u8>>(&format!(
                "SELECT secret FROM {schema}.second_factors"
            ))
            .fetch_all(&mut connection)
            .await
            .unwrap(),
        );
        let salts = sqlx::query_scalar(&format!("SELECT salts FROM {schema}.log_leaves"))
            .fetch_all(&mut connection)
            .await
            .unwrap();
        Raw { columns, salts }
    };
    let reopen = || async {
        PostgresStore::connect_in_schema(&url, Some(&schema))
            .await
            .map(|store| Arc::new(store) as Arc<dyn Store>)
    };
    let outcome = sealed_metadata_salts_and_secrets(Arc::new(store.clone()), raw, reopen).await;
    store.close().await;
    let mut admin = sqlx::postgres::PgConnection::connect(&url)
        .await
        .expect("PostgreSQL is reachable for cleanup");
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .expect("the schema is dropped");
    outcome.expect("the check passes");
}

/// Salts and secrets written before the keyring sealed them (in clear) still read back once it
/// does, and new ones are sealed.
#[tokio::test]
async fn values_stored_in_clear_before_sealing_still_read_back() -> Outcome {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await?);
    let old_id = uuid::Uuid::now_v7();
    let sha256 = hex::encode(Sha256::digest(b"old"));
    store.write(&[file_capture(old_id, &sha256)]).await?;
    let user_id = uuid::Uuid::now_v7();
    let row = SecondFactorRow {
        user_id,
        secret: TOTP_SECRET.to_vec(),
        created_at: NOW,
        confirmed_at: None,
        last_step: 0,
    };
    store.save_second_factor(&row, &[]).await?;
    let before = store
        .log_entry_for_version(RecordKind::Capture, old_id, 1)
        .await?
        .expect("the leaf");

    let keyring = Keyring::create(
        store.clone(),
        InstallationKey::generate(),
        KeySource::KeyFile,
        vec![],
        NOW,
    )
    .await?;
    keyring.seal_fields()?;
    let after = store
        .log_entry_for_version(RecordKind::Capture, old_id, 1)
        .await?
        .expect("the leaf");
    assert_eq!(after, before);
    assert_eq!(
        store
            .get(RecordKind::Capture, old_id)
            .await?
            .expect("read")
            .body["origin"]["file_name"],
        FILE_NAME
    );
    assert_eq!(
        store.second_factor(user_id).await?.expect("read").secret,
        TOTP_SECRET
    );
    let new_id = uuid::Uuid::now_v7();
    store.write(&[file_capture(new_id, &sha256)]).await?;
    let entry = store
        .log_entry_for_version(RecordKind::Capture, new_id, 1)
        .await?
        .expect("the leaf");
    let leaf = LeafV1::decode(&entry.leaf)?;
    assert_eq!(
        leaf.content,
        commit(Role::Content, &entry.salts.content, sha256.as_bytes())
    );
    Ok(())
}

/// A keyring made before the `log-salts` and `secrets` keys existed gets them at its next
/// unlock, once, and they stay the same at every later unlock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_keyring_gets_the_sealing_keys_when_unlocked() -> Outcome {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("amparo.db");
    let store = SqliteStore::open(&path).await?;
    let key = InstallationKey::generate();
    Keyring::create(
        Arc::new(store.clone()),
        key.clone(),
        KeySource::KeyFile,
        vec![],
        NOW,
    )
    .await?;
    let mut connection =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await?;
    sqlx::query("DELETE FROM data_keys WHERE id IN ('log-salts', 'secrets')")
        .execute(&mut connection)
        .await?;
    connection.close().await?;
    assert_eq!(store.data_key(amparo_store::LOG_SALTS_KEY).await?, None);

    let keyring = Keyring::unlock(Arc::new(store.clone()), key.clone()).await?;
    keyring.seal_fields()?;
    let salts_key = keyring
        .installation_data_key(amparo_store::LOG_SALTS_KEY)
        .await?;
    let secrets_key = keyring
        .installation_data_key(amparo_store::SECRETS_KEY)
        .await?;
    let again = Keyring::unlock(Arc::new(store.clone()), key).await?;
    assert_eq!(
        again
            .installation_data_key(amparo_store::LOG_SALTS_KEY)
            .await?,
        salts_key
    );
    assert_eq!(
        again
            .installation_data_key(amparo_store::SECRETS_KEY)
            .await?,
        secrets_key
    );
    store.close().await;
    Ok(())
}
