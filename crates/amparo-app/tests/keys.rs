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
const TESTIMONY_MARKER: &str = "testimony-marker-61ab-do-not-store-in-clear";
const FILE_NAME_MARKER: &str = "filename-marker-3e9a-testimonio.txt";

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

/// What [`plant_markers`] wrote that must never be found in clear at rest.
struct Planted {
    /// The uploaded file's plain SHA-256.
    sha256: [u8; 32],
    /// A user's TOTP secret.
    totp_secret: Vec<u8>,
}

impl Planted {
    /// Every needle: the markers, and the upload's SHA-256 in hex (lower and upper case) and raw.
    fn needles(&self) -> Vec<Vec<u8>> {
        let hex = hex::encode(self.sha256);
        vec![
            NAME_MARKER.as_bytes().to_vec(),
            TESTIMONY_MARKER.as_bytes().to_vec(),
            BLOB_MARKER.as_bytes().to_vec(),
            FILE_NAME_MARKER.as_bytes().to_vec(),
            hex.as_bytes().to_vec(),
            hex.to_uppercase().into_bytes(),
            self.sha256.to_vec(),
            self.totp_secret.clone(),
            hex::encode(&self.totp_secret).into_bytes(),
        ]
    }
}

/// Every needle of `planted` found in `files`, with where.
fn found_in(files: &BTreeMap<PathBuf, Vec<u8>>, planted: &Planted) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for needle in planted.needles() {
        for (path, bytes) in files {
            if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                found.push((String::from_utf8_lossy(&needle).into_owned(), path.clone()));
            }
        }
    }
    found
}

/// Plants the markers through the use cases: a person's real name, a testimony's text, and a
/// file received from a person whose name and content carry markers; makes an evidence bundle
/// of that file (outside the data directory) and checks it and the log.
async fn plant_markers(app: &App, outside: &Path) -> Planted {
    use amparo_model::records::{Testimony, TestimonySensitive};
    use sha2::Digest;
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
    let testimony = Testimony {
        giver_id: amparo_model::PersonId(created.id),
        given_on: "2025-08".parse().unwrap(),
        taken_by: String::new(),
        language: "es".to_owned(),
        consent: vec!["internal-use".to_owned()],
        translation_of: None,
        case_ids: vec![],
        sensitive: Some(TestimonySensitive {
            text: format!("Nos golpearon al llegar. {TESTIMONY_MARKER}"),
            location: String::new(),
        }),
    };
    let testimony = app.create(&admin(), testimony).await.unwrap();
    let content = BLOB_MARKER.repeat(5000);
    let upload = outside.join(FILE_NAME_MARKER);
    std::fs::write(&upload, &content).unwrap();
    let capture = app
        .capture_file(&admin(), &upload, CaptureOptions::default())
        .await
        .unwrap();
    let big = BLOB_MARKER.repeat(40);
    app.capture_bytes(
        &admin(),
        &format!("second-{FILE_NAME_MARKER}"),
        None,
        big.as_bytes(),
        CaptureOptions::default(),
    )
    .await
    .unwrap();

    // Read back in full through the use cases.
    let read: amparo_app::Versioned<Person> = app.get(&admin(), created.id).await.unwrap();
    assert_eq!(read.body.sensitive.unwrap().full_name, NAME_MARKER);
    let read: amparo_app::Versioned<Testimony> = app.get(&admin(), testimony.id).await.unwrap();
    assert!(read.body.sensitive.unwrap().text.contains(TESTIMONY_MARKER));
    let read: amparo_app::Versioned<amparo_model::records::Capture> =
        app.get(&admin(), capture.id).await.unwrap();
    let sha256: [u8; 32] = sha2::Sha256::digest(content.as_bytes()).into();
    assert_eq!(read.body.sha256, hex::encode(sha256));
    assert_eq!(
        read.body.origin,
        amparo_model::records::CaptureOrigin::File {
            file_name: FILE_NAME_MARKER.to_owned()
        }
    );
    assert_eq!(
        app.capture_content(&admin(), capture.id).await.unwrap(),
        content.clone().into_bytes()
    );

    // The bundle carries what a verifier needs, and the log opens every commitment.
    let bundle = outside.join("upload.amparo-bundle.zip");
    let info = app
        .create_bundle(&admin(), capture.id, &bundle)
        .await
        .unwrap();
    assert_eq!(info.sha256, hex::encode(sha256));
    let key = app.log_verifier_key().unwrap();
    let report = amparo_bundle::verify_bundle(std::fs::File::open(&bundle).unwrap(), Some(&key));
    assert_eq!(
        report.outcome,
        amparo_bundle::Outcome::Verified,
        "{}",
        report.render()
    );
    let checked = app.check_log(&|_, _| {}).await.unwrap();
    assert!(checked.is_intact(), "{:?}", checked.problems);
    assert!(checked.opened >= 4, "{checked:?}");

    // Searching makes the search index in the data directory; the real name, the testimony
    // and the file's name are found (from the index held in memory).
    for needle in ["Zyxwvutsr", "testimony-marker-61ab", "filename-marker-3e9a"] {
        let page = app
            .search(&admin(), &amparo_app::SearchRequest::new(needle))
            .await
            .unwrap();
        assert!(page.total >= 1, "{needle}: {:?}", page.to_json());
    }
    assert!(app.data_dir().join(amparo_app::INDEX_FOLDER).is_dir());

    // A user's second factor, enrolled.
    let (_, password) = app
        .create_user(&admin(), "ana", amparo_model::records::Role::Lawyer)
        .await
        .unwrap();
    let amparo_app::SignIn::Done(ana) = app.sign_in("ana", &password).await.unwrap() else {
        panic!("no second factor yet");
    };
    let enrolment = app.begin_totp_enrolment(&ana).await.unwrap();
    let totp_secret = base32_decode(&enrolment.secret_base32);
    assert_eq!(totp_secret.len(), 20);
    Planted {
        sha256,
        totp_secret,
    }
}

/// RFC 4648 base32 without padding, as the enrolment shows the secret.
fn base32_decode(text: &str) -> Vec<u8> {
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// Issue 7, "At-rest test": markers in a sensitive field, a testimony and an uploaded file (its
/// content and its name) and the upload's plain SHA-256 are found nowhere under the data
/// directory, the SQLite write-ahead log included, while the server runs and after it stops.
#[tokio::test]
async fn no_marker_is_found_in_clear_under_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let app = init(&data, KeyInput::FromEnvironment).await;
    let planted = plant_markers(&app, &outside).await;

    // With the write-ahead log still holding the writes…
    assert!(data.join("amparo.db-wal").exists());
    assert_eq!(found_in(&every_file(&data), &planted), vec![]);
    // …after it was folded into the database…
    checkpoint_wal(&data).await;
    assert_eq!(found_in(&every_file(&data), &planted), vec![]);
    // …and once the installation is closed.
    drop(app);
    assert_eq!(found_in(&every_file(&data), &planted), vec![]);
    // The needles are findable: the bundle outside the data directory holds the file.
    let outside_files = every_file(&outside);
    assert!(!found_in(&outside_files, &planted).is_empty());
}

/// The at-rest test on PostgreSQL: a dump of the installation's schema (`pg_dump`, and every
/// table's rows as text) and the data directory hold no marker and no plain SHA-256.
#[tokio::test]
async fn no_marker_is_found_in_a_postgresql_dump() {
    let url = std::env::var("AMPARO_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("at_rest_{}", uuid::Uuid::new_v4().simple());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let options = InitOptions {
        admin_username: None,
        key: KeyInput::FromEnvironment,
        kdf: cheap_kdf(),
        database_url: url.clone(),
        database_schema: schema.clone(),
    };
    let app = installation::init(&data, options)
        .await
        .unwrap_or_else(|error| panic!("PostgreSQL is needed for this test ({url}): {error}"))
        .0;
    let planted = plant_markers(&app, &outside).await;
    drop(app);

    let mut dump = BTreeMap::new();
    dump.insert(PathBuf::from("rows"), rows_as_text(&url, &schema).await);
    let pg_dump = std::process::Command::new("pg_dump")
        .arg(format!("--dbname={url}"))
        .arg(format!("--schema={schema}"))
        .output();
    match pg_dump {
        Ok(output) => {
            assert!(
                output.status.success(),
                "pg_dump failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(String::from_utf8_lossy(&output.stdout).contains("log_leaves"));
            dump.insert(PathBuf::from("pg_dump"), output.stdout);
        }
        // Without the client tools, the rows as text are the dump.
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => panic!("pg_dump did not run: {error}"),
    }
    let found = found_in(&dump, &planted);
    let in_data = found_in(&every_file(&data), &planted);

    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .unwrap();
    assert_eq!(found, vec![]);
    assert_eq!(in_data, vec![]);
}

/// Every row of every table of `schema`, as PostgreSQL's text form (byte strings in hex), one
/// line per row: what `COPY … TO STDOUT` gives.
async fn rows_as_text(url: &str, schema: &str) -> Vec<u8> {
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
    )
    .bind(schema)
    .fetch_all(&mut connection)
    .await
    .unwrap();
    assert!(
        tables.iter().any(|table| table == "record_versions"),
        "{tables:?}"
    );
    let mut text = Vec::new();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT CAST(t AS text) FROM \"{schema}\".\"{table}\" t"
        ))
        .fetch_all(&mut connection)
        .await
        .unwrap();
        for row in rows {
            text.extend_from_slice(table.as_bytes());
            text.push(b' ');
            text.extend_from_slice(row.as_bytes());
            text.push(b'\n');
        }
    }
    text
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
    // The five installation keys (blob, blob-name, log-signing, log-salts, secrets) and the
    // key of the uploaded file's sealed metadata.
    assert_eq!((rotation.rewrapped, rotation.source), (6, "passphrase"));
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

#[tokio::test]
async fn a_purge_shows_at_once_in_the_lists_of_the_running_app() {
    let dir = tempfile::tempdir().unwrap();
    let app = init(&dir.path().join("data"), KeyInput::FromEnvironment).await;
    let person = Person {
        sensitive: Some(PersonSensitive {
            full_name: "Withdrawn Name".to_owned(),
            ..PersonSensitive::default()
        }),
        ..Person::default()
    };
    let created = app.create(&admin(), person).await.unwrap();
    let kind = amparo_model::RecordKind::Person;
    // The list is read once, so its view is built and held in memory with the opened field.
    let listed = app.list_records(&admin(), kind).await.unwrap();
    assert!(format!("{listed:?}").contains("Withdrawn Name"));
    assert!(
        app.purge_sensitive(&admin(), kind, created.id, 1)
            .await
            .unwrap()
    );
    // No new version and no outbox entry: the view must still not keep the purged value.
    let listed = app.list_records(&admin(), kind).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        !format!("{listed:?}").contains("Withdrawn Name"),
        "{listed:?}"
    );
    let current: amparo_app::Versioned<Person> = app.get(&admin(), created.id).await.unwrap();
    assert!(current.body.sensitive.is_none(), "{:?}", current.body);
}

#[tokio::test]
async fn a_purge_by_another_process_reaches_a_running_app() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // `serving` stands for a server left running; `command` for `amparo key purge` run beside
    // it: two installations opened on the same folder, sharing nothing in memory.
    let serving = init(&data, KeyInput::FromEnvironment).await;
    let person = Person {
        sensitive: Some(PersonSensitive {
            full_name: "Name Withdrawn Elsewhere".to_owned(),
            ..PersonSensitive::default()
        }),
        ..Person::default()
    };
    let created = serving.create(&admin(), person).await.unwrap();
    let kind = amparo_model::RecordKind::Person;
    let listed = serving.list_records(&admin(), kind).await.unwrap();
    assert!(format!("{listed:?}").contains("Name Withdrawn Elsewhere"));
    let opened: amparo_app::Versioned<Person> = serving.get(&admin(), created.id).await.unwrap();
    assert!(
        opened.body.sensitive.is_some(),
        "its data key is now in memory"
    );

    let command = installation::open(&data).await.unwrap();
    assert!(
        command
            .purge_sensitive(&admin(), kind, created.id, 1)
            .await
            .unwrap()
    );
    drop(command);

    // The running app reads the position of other processes' changes again within 20 ms.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let listed = serving.list_records(&admin(), kind).await.unwrap();
    assert!(
        !format!("{listed:?}").contains("Name Withdrawn Elsewhere"),
        "{listed:?}"
    );
    let current: amparo_app::Versioned<Person> = serving.get(&admin(), created.id).await.unwrap();
    assert!(current.body.sensitive.is_none(), "{:?}", current.body);
}
