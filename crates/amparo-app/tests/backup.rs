//! Backups and restores (issue 7, point 6): a backup made while the installation is written to
//! restores a consistent installation whose evidence log is intact; damaged backups, wrong
//! keys and wrong passphrases restore nothing; recovery shares of the installation key.

use std::path::{Path, PathBuf};

use amparo_app::backup::{self, BackupSeal, RestoreKeys};
use amparo_app::installation::{self, InitOptions, KeyInput};
use amparo_app::shares::{self, ShareError};
use amparo_app::{Actor, App, AuditFilter, CaptureOptions, Versioned};
use amparo_model::records::{Capture, Person, PersonSensitive};
use amparo_store::KdfParams;
use zeroize::Zeroizing;

const NAME: &str = "Ramón Restored-Person";

fn cheap_kdf() -> Option<KdfParams> {
    Some(KdfParams::with_costs(256, 1, 1))
}

fn admin() -> Actor {
    Actor::cli("tester")
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

/// An installation with a key file beside it, holding a person with sensitive fields and a
/// capture.
async fn filled(root: &Path) -> (App, PathBuf, uuid::Uuid, uuid::Uuid) {
    let data = root.join("data");
    let key_file = root.join("installation.key");
    let app = init(&data, KeyInput::KeyFile(key_file.clone())).await;
    let person = app
        .create(
            &admin(),
            Person {
                sensitive: Some(PersonSensitive {
                    full_name: NAME.to_owned(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .unwrap();
    let capture = app
        .capture_bytes(
            &admin(),
            "testimony.txt",
            None,
            "a long testimony ".repeat(20_000).as_bytes(),
            CaptureOptions::default(),
        )
        .await
        .unwrap();
    (app, key_file, person.id, capture.id)
}

fn passphrase(text: &str) -> BackupSeal {
    BackupSeal::Passphrase(Zeroizing::new(text.to_owned()), cheap_kdf())
}

fn with_key_file(path: &Path) -> RestoreKeys {
    RestoreKeys {
        backup_passphrase: None,
        installation: Some(KeyInput::KeyFile(path.to_owned())),
    }
}

async fn refused(backup: &Path, target: &Path, keys: RestoreKeys, expected: &str) {
    let error = backup::restore(backup, target, keys)
        .await
        .expect_err("the restore must be refused");
    assert!(
        error.to_string().contains(expected),
        "expected {expected:?} in {error}"
    );
    assert!(
        !target.exists() || std::fs::read_dir(target).unwrap().next().is_none(),
        "a refused restore leaves nothing behind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_writing_restores_a_consistent_installation() {
    let dir = tempfile::tempdir().unwrap();
    let (app, key_file, person, capture) = filled(dir.path()).await;
    let writer = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut captures = Vec::new();
            for n in 0..40 {
                let content = format!("page {n} ").repeat(3_000);
                let made = app
                    .capture_bytes(
                        &admin(),
                        &format!("page-{n}.txt"),
                        None,
                        content.as_bytes(),
                        CaptureOptions::default(),
                    )
                    .await
                    .unwrap();
                captures.push((made.id, content));
            }
            captures
        })
    };
    let file = dir.path().join("amparo.backup");
    let report = app
        .backup(&admin(), &file, BackupSeal::InstallationKey)
        .await
        .unwrap();
    let written = writer.await.unwrap();
    assert_eq!(report.sealed_with, "installation-key");
    assert!(
        report.blobs >= 1 && report.files == report.blobs + 2,
        "{report:?}"
    );
    // The backup is an audit event.
    let events = app
        .audit_events(
            &admin(),
            &AuditFilter {
                action: Some("backup".to_owned()),
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].detail["sha256"], report.sha256);
    // Nothing readable is left in the data directory's temporary folder, and the backup
    // holds no plain sensitive text.
    assert_eq!(
        std::fs::read_dir(app.data_dir().join("tmp"))
            .unwrap()
            .count(),
        0
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(!bytes.windows(NAME.len()).any(|w| w == NAME.as_bytes()));

    let target = dir.path().join("restored");
    let restored = backup::restore(&file, &target, with_key_file(&key_file))
        .await
        .unwrap();
    assert!(restored.log.is_intact(), "{:?}", restored.log.problems);
    assert!(restored.log.leaves > 0);
    assert!(!restored.key_file_restored);
    let again = restored.app;
    let read: Versioned<Person> = again.get(&admin(), person).await.unwrap();
    assert_eq!(read.body.sensitive.unwrap().full_name, NAME);
    assert_eq!(
        again.capture_content(&admin(), capture).await.unwrap(),
        "a long testimony ".repeat(20_000).into_bytes()
    );
    // Every capture the snapshot holds has its blob; those written after it are absent as a
    // whole.
    let mut present = 0;
    for (id, content) in &written {
        match again.get::<Capture>(&admin(), *id).await {
            Ok(_) => {
                assert_eq!(
                    again.capture_content(&admin(), *id).await.unwrap(),
                    content.as_bytes()
                );
                present += 1;
            }
            Err(amparo_app::AppError::NotFound { .. }) => {}
            Err(error) => panic!("{error}"),
        }
    }
    assert!(present <= written.len());
    // The restored installation opens again on its own with the same key.
    drop(again);
    installation::open_with_key(&target, KeyInput::KeyFile(key_file))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_passphrase_backup_restores_with_the_passphrase_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _key_file, person, _) = filled(dir.path()).await;
    let file = dir.path().join("amparo.backup");
    let report = app
        .backup(&admin(), &file, passphrase("correct horse battery"))
        .await
        .unwrap();
    assert_eq!(report.sealed_with, "passphrase");
    let header = backup::read_backup_header(&file).unwrap();
    assert!(header.needs_backup_passphrase() && !header.needs_installation_key());

    let target = dir.path().join("restored");
    let wrong = RestoreKeys {
        backup_passphrase: Some(Zeroizing::new("wrong horse".to_owned())),
        installation: None,
    };
    refused(
        &file,
        &target,
        wrong,
        "the passphrase does not open this backup",
    )
    .await;
    assert!(!target.exists());
    refused(
        &file,
        &target,
        RestoreKeys::default(),
        "AMPARO_BACKUP_PASSPHRASE",
    )
    .await;

    let right = RestoreKeys {
        backup_passphrase: Some(Zeroizing::new("correct horse battery".to_owned())),
        installation: None,
    };
    let restored = backup::restore(&file, &target, right).await.unwrap();
    assert!(restored.key_file_restored);
    assert!(restored.log.is_intact(), "{:?}", restored.log.problems);
    let read: Versioned<Person> = restored.app.get(&admin(), person).await.unwrap();
    assert_eq!(read.body.sensitive.unwrap().full_name, NAME);
}

#[tokio::test]
async fn damaged_backups_and_wrong_keys_restore_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (app, key_file, _, _) = filled(dir.path()).await;
    let file = dir.path().join("amparo.backup");
    app.backup(&admin(), &file, BackupSeal::InstallationKey)
        .await
        .unwrap();
    let good = std::fs::read(&file).unwrap();
    let target = dir.path().join("restored");
    let damaged = dir.path().join("damaged.backup");
    let header_len = 12 + u32::from_be_bytes(good[8..12].try_into().unwrap()) as usize;

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a flipped byte in the middle", {
            let mut bytes = good.clone();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x01;
            bytes
        }),
        ("a flipped byte in the last chunk", {
            let mut bytes = good.clone();
            let last = bytes.len() - 3;
            bytes[last] ^= 0x80;
            bytes
        }),
        ("a cut inside a chunk", good[..good.len() - 100].to_vec()),
        // Header + blob-format header + two full chunks: cut at a chunk boundary.
        (
            "a cut at a chunk boundary",
            good[..header_len + 27 + 2 * (64 * 1024 + 16)].to_vec(),
        ),
        ("a changed header", {
            let mut bytes = good.clone();
            let at = bytes[..header_len]
                .windows(4)
                .position(|w| w == b"2026" || w == b"2027")
                .unwrap_or(header_len - 40);
            bytes[at + 3] ^= 0x01;
            bytes
        }),
    ];
    for (what, bytes) in cases {
        std::fs::write(&damaged, &bytes).unwrap();
        let error = backup::restore(&damaged, &target, with_key_file(&key_file))
            .await
            .expect_err(what);
        assert!(
            error.to_string().contains("damaged"),
            "{what}: the error must say the backup is damaged: {error}"
        );
        assert!(!target.exists(), "{what}: the new folder is removed");
    }

    // An empty folder given as the target stays, empty.
    std::fs::create_dir(&target).unwrap();
    std::fs::write(&damaged, &good[..good.len() - 1]).unwrap();
    refused(&damaged, &target, with_key_file(&key_file), "damaged").await;
    assert!(target.is_dir());

    // Another installation's key, and no key at all.
    let other_key = dir.path().join("other.key");
    std::fs::write(
        &other_key,
        amparo_store::InstallationKey::generate()
            .to_key_file()
            .as_bytes(),
    )
    .unwrap();
    refused(
        &file,
        &target,
        with_key_file(&other_key),
        "does not open this backup",
    )
    .await;
    refused(&file, &target, RestoreKeys::default(), "--key-file").await;

    // A folder that is not empty is refused before anything is read.
    std::fs::write(target.join("keep.txt"), b"mine").unwrap();
    let error = backup::restore(&file, &target, with_key_file(&key_file))
        .await
        .expect_err("not empty");
    assert!(error.to_string().contains("is not empty"), "{error}");
    assert_eq!(std::fs::read(target.join("keep.txt")).unwrap(), b"mine");

    // The good backup still restores.
    std::fs::remove_file(target.join("keep.txt")).unwrap();
    let restored = backup::restore(&file, &target, with_key_file(&key_file))
        .await
        .unwrap();
    assert!(restored.log.is_intact());
}

#[tokio::test]
async fn any_threshold_of_the_shares_recovers_the_key_and_fewer_do_not() {
    let key = amparo_store::InstallationKey::generate();
    let made = shares::split_key(&key, 3, 5).unwrap();
    let texts: Vec<_> = made.iter().map(|share| share.to_text()).collect();
    let check = key.check_value();
    for a in 0..5 {
        for b in 0..5 {
            for c in 0..5 {
                if a == b || b == c || a == c {
                    continue;
                }
                let chosen = [&texts[a], &texts[b], &texts[c]].map(|t| t.as_str().to_owned());
                let recovered = shares::recover_key(&chosen).unwrap();
                assert!(recovered.opens(&check), "shares {a} {b} {c}");
            }
        }
    }
    let two = [texts[0].as_str(), texts[3].as_str()];
    assert_eq!(
        shares::recover_key(&two).map(|_| ()),
        Err(ShareError::TooFew {
            threshold: 3,
            given: 2
        })
    );
    // One mistyped character is caught by the checksum, whichever it is.
    let text = texts[1].as_str();
    for position in (8..text.len()).filter(|&i| text.as_bytes()[i] != b'-') {
        let mut typo = text.as_bytes().to_vec();
        typo[position] = if typo[position] == b'0' { b'1' } else { b'0' };
        let typo = String::from_utf8(typo).unwrap();
        let result = shares::recover_key(&[texts[0].as_str(), typo.as_str(), texts[2].as_str()]);
        assert!(
            matches!(
                result,
                Err(ShareError::Checksum { number: 2 } | ShareError::Format { number: 2, .. })
            ),
            "a typo at {position} was not caught"
        );
    }
    // Case and spacing do not matter; shares of another key do not mix.
    let spaced = texts[4].as_str().to_uppercase().replace('-', " - ");
    let recovered =
        shares::recover_key(&[texts[0].as_str(), texts[2].as_str(), spaced.as_str()]).unwrap();
    assert!(recovered.opens(&check));
    let other = shares::split_key(&amparo_store::InstallationKey::generate(), 3, 5).unwrap();
    let mixed = [
        texts[0].as_str().to_owned(),
        other[1].to_text().as_str().to_owned(),
        texts[2].as_str().to_owned(),
    ];
    assert_eq!(
        shares::recover_key(&mixed).map(|_| ()),
        Err(ShareError::Mixed { number: 2 })
    );
    assert!(shares::split_key(&key, 1, 3).is_err());
    assert!(shares::split_key(&key, 4, 3).is_err());
}

#[tokio::test]
async fn shares_of_a_passphrase_key_open_the_installation_without_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = init(&data, KeyInput::passphrase("lost one day")).await;
    let verifier = app.log_verifier_key().unwrap();
    let made = app.key_shares(&admin(), 2, 3).await.unwrap();
    let events = app
        .audit_events(
            &admin(),
            &AuditFilter {
                action: Some("key-shares".to_owned()),
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    drop(app);
    let texts = [made[2].to_text(), made[0].to_text()];
    let key = shares::recover_key(&texts.iter().map(|t| t.as_str()).collect::<Vec<_>>()).unwrap();
    let key_file = dir.path().join("recovered.key");
    std::fs::write(&key_file, key.to_key_file().as_bytes()).unwrap();
    let again = installation::open_with_key(&data, KeyInput::KeyFile(key_file))
        .await
        .unwrap();
    assert_eq!(again.log_verifier_key().unwrap(), verifier);
}

#[tokio::test]
async fn a_postgresql_database_is_left_to_pg_dump() {
    use sqlx::Connection;
    let url = std::env::var("AMPARO_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("backup_{}", uuid::Uuid::new_v4().simple());
    let store = amparo_store::PostgresStore::connect_in_schema(&url, Some(&schema))
        .await
        .unwrap_or_else(|error| panic!("PostgreSQL is needed for this test ({url}): {error}"));
    let dir = tempfile::tempdir().unwrap();
    let error = amparo_store::Store::snapshot_to(&store, &dir.path().join("copy.db"))
        .await
        .expect_err("PostgreSQL is not snapshotted");
    assert!(error.to_string().contains("pg_dump"), "{error}");
    assert!(!dir.path().join("copy.db").exists());
    drop(store);
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .unwrap();
}
