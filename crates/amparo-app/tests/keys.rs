//! Encryption at rest through the installation (issue 7, point 3): the key file or passphrase,
//! a wrong key refused without writing, `rotate`, installations made before encryption at rest,
//! and a search of every byte under the data directory for planted markers.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use amparo_app::installation::{self, InitOptions, KeyInput};
use amparo_app::{Actor, App, CaptureOptions};
use amparo_model::records::{Person, PersonSensitive};
use amparo_store::KdfParams;
use sqlx::Connection;

const NAME_MARKER: &str = "Zyxwvutsr Markerperson-4c1e";
const BLOB_MARKER: &str = "blob-marker-8d2f-do-not-store-in-clear";

fn cheap_kdf() -> Option<KdfParams> {
    Some(KdfParams::with_costs(256, 1, 1))
}

async fn init(dir: &Path, key: KeyInput) -> App {
    let options = InitOptions {
        admin_username: None,
        key,
        kdf: cheap_kdf(),
        ..InitOptions::default()
    };
    installation::init(dir, options).await.expect("init").0
}

fn admin() -> Actor {
    Actor::cli("tester")
}

/// Every file under `dir` with its bytes.
fn every_file(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn files_holding(dir: &Path, marker: &str) -> Vec<PathBuf> {
    every_file(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(marker.len()).any(|w| w == marker.as_bytes()))
        .map(|(path, _)| path)
        .collect()
}

async fn checkpoint_wal(data_dir: &Path) {
    let url = format!("sqlite://{}", data_dir.join("amparo.db").display());
    let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
}

#[tokio::test]
async fn a_new_installation_keeps_no_plain_key_but_its_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = init(&data, KeyInput::FromEnvironment).await;
    let verifier = app.log_verifier_key().unwrap();
    drop(app);
    assert!(data.join("installation.key").is_file());
    assert!(!data.join("secret.key").exists());
    assert!(!data.join("log.key").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("installation.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = installation::open(&data).await.unwrap();
    assert_eq!(again.log_verifier_key().unwrap(), verifier);
    let status = again.key_status(&admin()).await.unwrap();
    assert_eq!((status.source, status.generation), ("key-file", 1));
}

#[tokio::test]
async fn no_marker_is_found_in_clear_under_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = init(&data, KeyInput::FromEnvironment).await;
    let person = Person {
        pseudonym: String::new(),
        sensitive: Some(PersonSensitive {
            full_name: NAME_MARKER.to_owned(),
            aliases: vec![format!("{NAME_MARKER} alias")],
            ..PersonSensitive::default()
        }),
        ..Person::default()
    };
    let created = app.create(&admin(), person).await.unwrap();
    let upload = dir.path().join("testimony.txt");
    std::fs::write(&upload, BLOB_MARKER.repeat(5000)).unwrap();
    let capture = app
        .capture_file(&admin(), &upload, CaptureOptions::default())
        .await
        .unwrap();
    let big = BLOB_MARKER.repeat(40);
    app.capture_bytes(
        &admin(),
        "note.txt",
        None,
        big.as_bytes(),
        CaptureOptions::default(),
    )
    .await
    .unwrap();

    // Read back in full through the use cases.
    let read: amparo_app::Versioned<Person> = app.get(&admin(), created.id).await.unwrap();
    assert_eq!(read.body.sensitive.unwrap().full_name, NAME_MARKER);
    assert_eq!(
        app.capture_content(&admin(), capture.id).await.unwrap(),
        BLOB_MARKER.repeat(5000).into_bytes()
    );

    // With the write-ahead log still holding the writes…
    assert!(data.join("amparo.db-wal").exists());
    assert_eq!(files_holding(&data, NAME_MARKER), Vec::<PathBuf>::new());
    assert_eq!(files_holding(&data, BLOB_MARKER), Vec::<PathBuf>::new());
    // …and after it was folded into the database.
    checkpoint_wal(&data).await;
    assert_eq!(files_holding(&data, NAME_MARKER), Vec::<PathBuf>::new());
    assert_eq!(files_holding(&data, BLOB_MARKER), Vec::<PathBuf>::new());
    drop(app);
    assert_eq!(files_holding(&data, NAME_MARKER), Vec::<PathBuf>::new());
    assert_eq!(files_holding(&data, BLOB_MARKER), Vec::<PathBuf>::new());
}

#[tokio::test]
async fn a_wrong_passphrase_is_refused_clearly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = init(&data, KeyInput::passphrase("right horse battery")).await;
    let verifier = app.log_verifier_key().unwrap();
    drop(app);
    checkpoint_wal(&data).await;
    let durable = |files: BTreeMap<PathBuf, Vec<u8>>| -> BTreeMap<PathBuf, Vec<u8>> {
        files
            .into_iter()
            .filter(|(path, _)| {
                let name = path.file_name().unwrap().to_string_lossy();
                !name.ends_with("-wal") && !name.ends_with("-shm")
            })
            .collect()
    };
    let before = durable(every_file(&data));
    assert!(
        !data.join("installation.key").exists(),
        "no key file beside a passphrase"
    );

    let error = installation::open_with_key(&data, KeyInput::passphrase("wrong horse"))
        .await
        .expect_err("a wrong passphrase must not open the installation");
    assert!(installation::is_wrong_key(&error));
    assert_eq!(
        error.to_string().lines().last().unwrap_or_default().trim(),
        "the passphrase does not open this installation",
        "{error}"
    );
    let needed = installation::open(&data)
        .await
        .expect_err("no passphrase given");
    assert!(installation::needs_passphrase(&needed), "{needed}");
    checkpoint_wal(&data).await;
    assert_eq!(durable(every_file(&data)), before);

    let app = installation::open_with_key(&data, KeyInput::passphrase("right horse battery"))
        .await
        .unwrap();
    assert_eq!(app.log_verifier_key().unwrap(), verifier);
}

#[tokio::test]
async fn rotation_lets_only_the_new_key_open_the_installation() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = init(&data, KeyInput::FromEnvironment).await;
    let upload = dir.path().join("a.txt");
    std::fs::write(&upload, "kept across rotations").unwrap();
    let capture = app
        .capture_file(&admin(), &upload, CaptureOptions::default())
        .await
        .unwrap();
    let old_key_file = std::fs::read(data.join("installation.key")).unwrap();

    // To a new passphrase.
    let rotation = app
        .rotate_key(
            &admin(),
            KeyInput::passphrase("new passphrase"),
            cheap_kdf(),
        )
        .await
        .unwrap();
    assert_eq!((rotation.rewrapped, rotation.source), (3, "passphrase"));
    drop(app);
    let error =
        installation::open_with_key(&data, KeyInput::KeyFile(data.join("installation.key")))
            .await
            .expect_err("the old key file no longer opens it");
    assert!(installation::needs_passphrase(&error), "{error}");
    let error = installation::open_with_key(&data, KeyInput::passphrase("old guess"))
        .await
        .expect_err("a wrong passphrase");
    assert!(installation::is_wrong_key(&error), "{error}");
    let app = installation::open_with_key(&data, KeyInput::passphrase("new passphrase"))
        .await
        .unwrap();
    assert_eq!(
        app.capture_content(&admin(), capture.id).await.unwrap(),
        b"kept across rotations"
    );

    // Back to a key file, at a new place.
    let new_file = dir.path().join("elsewhere.key");
    let rotation = app
        .rotate_key(&admin(), KeyInput::KeyFile(new_file.clone()), None)
        .await
        .unwrap();
    assert_eq!(rotation.key_file.as_deref(), Some(new_file.as_path()));
    assert_eq!(app.key_status(&admin()).await.unwrap().generation, 3);
    drop(app);
    assert!(
        installation::open_with_key(&data, KeyInput::passphrase("new passphrase"))
            .await
            .is_err()
    );
    // The first key file, still on disk, opens nothing.
    std::fs::write(dir.path().join("old.key"), &old_key_file).unwrap();
    let error = installation::open_with_key(&data, KeyInput::KeyFile(dir.path().join("old.key")))
        .await
        .expect_err("the first key");
    assert!(installation::is_wrong_key(&error), "{error}");
    let app = installation::open_with_key(&data, KeyInput::KeyFile(new_file))
        .await
        .unwrap();
    assert_eq!(
        app.capture_content(&admin(), capture.id).await.unwrap(),
        b"kept across rotations"
    );
}

#[tokio::test]
async fn an_installation_made_before_encryption_at_rest_moves_its_keys_into_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    // The configuration of a real installation, and the plain keys and blobs of an old one.
    let template = dir.path().join("template");
    drop(init(&template, KeyInput::FromEnvironment).await);
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::copy(template.join("config.toml"), data.join("config.toml")).unwrap();
    let secret = [5u8; 32];
    std::fs::write(data.join("secret.key"), secret).unwrap();
    let settings_app = installation::open(&template).await.unwrap();
    let origin = settings_app.settings().log_origin();
    drop(settings_app);
    let signer = amparo_tlog::Signer::from_seed(&origin, &[6u8; 32]).unwrap();
    std::fs::write(
        data.join("log.key"),
        format!("{}\n", signer.to_private_key_string()),
    )
    .unwrap();
    let plain = amparo_store::BlobStore::local(&data.join("blobs"), secret).unwrap();
    let old_blob = plain.put_bytes(b"an old plain blob").await.unwrap();

    let app = installation::open(&data).await.unwrap();
    assert_eq!(
        app.log_verifier_key().unwrap(),
        signer.verifier().to_string()
    );
    assert!(!data.join("secret.key").exists());
    assert!(!data.join("log.key").exists());
    drop(app);
    let blobs = installation::open_blob_store(&data).await.unwrap();
    assert_eq!(
        blobs.get(&old_blob.key).await.unwrap(),
        b"an old plain blob",
        "the same name under the imported secret, and plain objects still read"
    );
}

#[tokio::test]
async fn a_purged_version_reads_without_its_sensitive_fields_and_the_log_still_checks() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = init(&data, KeyInput::FromEnvironment).await;
    let person = Person {
        sensitive: Some(PersonSensitive {
            full_name: "Wrongly Entered".to_owned(),
            ..PersonSensitive::default()
        }),
        ..Person::default()
    };
    let created = app.create(&admin(), person).await.unwrap();
    let mut corrected = created.body.clone();
    corrected.sensitive = Some(PersonSensitive {
        full_name: "Right Name".to_owned(),
        ..PersonSensitive::default()
    });
    app.update(&admin(), created.id, 1, corrected)
        .await
        .unwrap();
    let kind = amparo_model::RecordKind::Person;
    assert!(
        app.purge_sensitive(&admin(), kind, created.id, 1)
            .await
            .unwrap()
    );
    drop(app);
    let app = installation::open(&data).await.unwrap();
    let current: amparo_app::Versioned<Person> = app.get(&admin(), created.id).await.unwrap();
    assert_eq!(current.body.sensitive.unwrap().full_name, "Right Name");
    let history = app
        .record_history(&admin(), kind, created.id)
        .await
        .unwrap();
    let first = format!("{:?}", history[0]);
    assert!(!first.contains("Wrongly Entered"), "{first}");
    let report = app.check_log(&|_, _| {}).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}
