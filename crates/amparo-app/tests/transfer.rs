//! Export and import between installations, damaged exports refused line by line without a
//! trace, and garbage collection of blobs that no capture names.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use amparo_app::{AppError, CaptureOptions, blob_folder};
use amparo_model::records::*;
use amparo_model::*;
use common::TestApp;
use serde_json::Value;
use uuid::Uuid;

/// Every byte value, several times: a capture that is not text.
fn binary_bytes() -> Vec<u8> {
    (0..4096).map(|index| (index % 256) as u8).collect()
}

/// An installation with several kinds, updates, a tombstone, sensitive fields, two writers and
/// three captures (one of them binary).
async fn varied_installation() -> TestApp {
    let test = TestApp::new().await;
    let (app, admin) = (&test.app, &test.admin);
    let (_, password) = app.create_user(admin, "alice", Role::Admin).await.unwrap();
    let alice = app.authenticate("alice", &password).await.unwrap();

    let case = Case {
        title: "CECOT removals".to_owned(),
        ..Case::default()
    };
    let case = app.create(admin, case).await.unwrap();
    let mut changed = case.body.clone();
    changed.reference = "CECOT-2025".to_owned();
    app.update(&alice, case.id, 1, changed).await.unwrap();
    let case_id = CaseId(case.id);

    let mut person_ids = Vec::new();
    for full_name in ["Jesús Pérez", "Andry Hernández"] {
        let person = Person {
            case_ids: vec![case_id],
            sensitive: Some(PersonSensitive {
                full_name: full_name.to_owned(),
                ..PersonSensitive::default()
            }),
            ..Person::default()
        };
        person_ids.push(PersonId(app.create(admin, person).await.unwrap().id));
    }
    let organization = Organization {
        name: "Wrongly entered agency".to_owned(),
        kind: "government-agency".to_owned(),
        ..Organization::default()
    };
    let organization = app.create(admin, organization).await.unwrap();
    app.delete_record(&alice, RecordKind::Organization, organization.id, 1)
        .await
        .unwrap();
    let period = CustodyPeriod {
        person_id: person_ids[0],
        status: "held-in-third-country".to_owned(),
        place_id: None,
        custodian_id: None,
        period: DatePeriod::since("2025-03-16".parse().unwrap()),
        notes: String::new(),
    };
    app.create(admin, period).await.unwrap();
    let testimony = Testimony {
        giver_id: person_ids[1],
        given_on: "2025-08".parse().unwrap(),
        taken_by: String::new(),
        language: "es".to_owned(),
        consent: vec!["internal-use".to_owned()],
        translation_of: None,
        case_ids: vec![case_id],
        sensitive: Some(TestimonySensitive {
            text: "Nos golpearon al llegar".to_owned(),
            location: "Caracas".to_owned(),
        }),
    };
    app.create(&alice, testimony).await.unwrap();

    let options = || CaptureOptions {
        case_ids: vec![case_id],
        ..CaptureOptions::default()
    };
    let text = app
        .capture_bytes(
            admin,
            "statement.txt",
            None,
            "Comunicado\n".as_bytes(),
            options(),
        )
        .await
        .unwrap();
    app.capture_bytes(&alice, "photo.bin", None, &binary_bytes(), options())
        .await
        .unwrap();
    let page = test.path("page.html");
    std::fs::write(&page, "<html><body>Lista</body></html>").unwrap();
    app.capture_file(admin, &page, options()).await.unwrap();
    let document = Document {
        capture_id: CaptureId(text.id),
        text: "Comunicado".to_owned(),
        ..Document::default()
    };
    app.create(admin, document).await.unwrap();
    test
}

/// Exports `test` to `export.jsonl` beside its data directory.
async fn export(test: &TestApp) -> PathBuf {
    let path = test.path("export.jsonl");
    test.app
        .export(&test.admin, &path, |_, _| {})
        .await
        .unwrap();
    path
}

fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn parse(line: &str) -> Value {
    serde_json::from_str(line).unwrap()
}

/// Every record (kind and id) that an export holds a version of, deleted ones included.
fn exported_ids(path: &Path) -> Vec<(RecordKind, Uuid)> {
    let mut ids = BTreeSet::new();
    for line in read_lines(path) {
        let value = parse(&line);
        if value["type"] == "version" {
            let kind = value["kind"].as_str().unwrap().parse().unwrap();
            ids.insert((kind, value["id"].as_str().unwrap().parse().unwrap()));
        }
    }
    ids.into_iter().collect()
}

async fn import(target: &TestApp, path: &Path) -> Result<amparo_app::TransferReport, AppError> {
    target.app.import(&target.admin, path, |_, _| {}).await
}

#[tokio::test]
async fn export_then_import_gives_the_same_records_versions_and_bytes() {
    let source = varied_installation().await;
    let path = export(&source).await;
    let target = TestApp::empty().await;
    let report = import(&target, &path).await.unwrap();
    assert_eq!(report.blobs, 3);

    let ids = exported_ids(&path);
    let mut n_versions = 0;
    for &kind in RecordKind::ALL {
        let listed = source.app.list_records(&source.admin, kind).await.unwrap();
        let imported = target.app.list_records(&target.admin, kind).await.unwrap();
        assert_eq!(imported, listed, "{kind}");
        for record in &listed {
            assert!(
                ids.contains(&(kind, record.id)),
                "{kind} {} not exported",
                record.id
            );
        }
    }
    assert!(
        ids.iter()
            .any(|(kind, _)| *kind == RecordKind::Organization)
    );
    for &(kind, id) in &ids {
        let history = source
            .app
            .record_history(&source.admin, kind, id)
            .await
            .unwrap();
        let imported = target
            .app
            .record_history(&target.admin, kind, id)
            .await
            .unwrap();
        assert_eq!(imported.len(), history.len(), "{kind} {id}");
        for (got, want) in imported.iter().zip(&history) {
            let key = |v: &amparo_app::VersionedRecord| {
                (
                    v.kind,
                    v.id,
                    v.version,
                    v.record.clone(),
                    v.actor.clone(),
                    v.recorded_at,
                )
            };
            assert_eq!(key(got), key(want), "{kind} {id}");
        }
        n_versions += history.len() as u64;
    }
    assert_eq!(report.versions, n_versions);
    let actors: BTreeSet<String> = read_lines(&path)
        .iter()
        .filter_map(|line| parse(line)["actor"].as_str().map(str::to_owned))
        .collect();
    assert!(
        actors.contains("cli:tester") && actors.contains("user:alice"),
        "{actors:?}"
    );

    let captures = source.app.list_captures(&source.admin).await.unwrap();
    assert_eq!(captures.len(), 3);
    for capture in &captures {
        let want = source
            .app
            .capture_content(&source.admin, capture.id)
            .await
            .unwrap();
        let got = target
            .app
            .capture_content(&target.admin, capture.id)
            .await
            .unwrap();
        assert!(got == want, "capture {} differs", capture.id);
    }
    let mut contents = Vec::new();
    for capture in &captures {
        contents.push(
            target
                .app
                .capture_content(&target.admin, capture.id)
                .await
                .unwrap(),
        );
    }
    assert!(
        contents.contains(&binary_bytes()),
        "the binary capture is missing"
    );

    // The pseudonym counter continues after the imported persons.
    let person = target
        .app
        .create(&target.admin, Person::default())
        .await
        .unwrap();
    assert_eq!(person.body.pseudonym, "P-0003");
}

#[tokio::test]
async fn importing_the_same_export_twice_changes_nothing_the_second_time() {
    let source = varied_installation().await;
    let path = export(&source).await;
    let target = TestApp::empty().await;
    import(&target, &path).await.unwrap();
    let ids = exported_ids(&path);
    let error = target.refused(&ids, import(&target, &path)).await;
    assert!(matches!(error, AppError::Import { .. }), "{error:?}");
    assert!(error.to_string().contains("already exists"), "{error}");
}

/// A damaged copy of an export: its lines and its blob folder, written beside it under `name`.
struct Damaged {
    lines: Vec<String>,
    blobs: PathBuf,
}

impl Damaged {
    fn of(export: &Path, folder: &Path, name: &str) -> Self {
        let blobs = blob_folder(&folder.join(name));
        std::fs::create_dir_all(&blobs).unwrap();
        for entry in std::fs::read_dir(blob_folder(export)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), blobs.join(entry.file_name())).unwrap();
        }
        Self {
            lines: read_lines(export),
            blobs,
        }
    }

    /// The 1-based number of the first line for which `matches` holds.
    fn find(&self, matches: impl Fn(&Value) -> bool) -> u64 {
        let index = self
            .lines
            .iter()
            .position(|line| matches(&parse(line)))
            .expect("a matching line");
        index as u64 + 1
    }

    /// Changes line `number` (1-based) through its JSON value.
    fn edit(&mut self, number: u64, change: impl FnOnce(&mut Value)) {
        let line = &mut self.lines[number as usize - 1];
        let mut value = parse(line);
        change(&mut value);
        *line = value.to_string();
    }

    /// Writes the export file and returns its path.
    fn write(&self) -> PathBuf {
        let name = self.blobs.file_name().unwrap().to_string_lossy();
        let path = self.blobs.with_file_name(name.trim_end_matches(".blobs"));
        std::fs::write(&path, self.lines.join("\n") + "\n").unwrap();
        path
    }
}

fn is_version(value: &Value, kind: &str, version: u64) -> bool {
    value["type"] == "version" && value["kind"] == kind && value["version"] == version
}

/// Checks that importing the damaged export fails naming `line` with a message containing
/// `fragment`, and that the empty target stays empty.
async fn check_refused(target: &TestApp, damaged: &Damaged, line: u64, fragment: &str) {
    let path = damaged.write();
    let error = target.refused(&[], import(target, &path)).await;
    let AppError::Import { line: got, .. } = &error else {
        panic!(
            "{}: expected an import error, got {error:?}",
            path.display()
        );
    };
    let message = error.to_string();
    assert_eq!(*got, line, "{message}");
    assert!(message.contains(&format!("line {line}:")), "{message}");
    assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
    for &kind in RecordKind::ALL {
        assert_eq!(target.app.count_records(kind).await.unwrap(), 0, "{kind}");
    }
    assert!(
        target.blob_files().is_empty(),
        "{message}: blobs were stored"
    );
}

#[tokio::test]
async fn damaged_exports_are_refused_naming_the_line_and_change_nothing() {
    let source = varied_installation().await;
    let export = export(&source).await;
    let target = TestApp::empty().await;
    let folder = tempfile::tempdir().unwrap();
    let damaged = |name: &str| Damaged::of(&export, folder.path(), name);

    let mut not_json = damaged("not-json.jsonl");
    not_json.lines[2] = "{\"type\": \"version\", \"kind\":".to_owned();
    check_refused(&target, &not_json, 3, "not a valid export line").await;

    let mut unknown_kind = damaged("unknown-kind.jsonl");
    let line = unknown_kind.find(|v| is_version(v, "case", 1));
    unknown_kind.edit(line, |v| v["kind"] = "spaceship".into());
    check_refused(&target, &unknown_kind, line, "spaceship").await;

    let mut invalid = damaged("invalid.jsonl");
    let line = invalid.find(|v| is_version(v, "custody-period", 1));
    invalid.edit(line, |v| v["body"]["status"] = "kidnapped-by-aliens".into());
    check_refused(&target, &invalid, line, "kidnapped-by-aliens").await;

    let mut gap = damaged("gap.jsonl");
    let line = gap.find(|v| is_version(v, "case", 2));
    gap.edit(line, |v| v["version"] = 3.into());
    check_refused(&target, &gap, line, "version 3 follows version 1").await;

    let mut truncated = damaged("truncated.jsonl");
    truncated.lines.pop();
    check_refused(&target, &truncated, 0, "no end line").await;

    let mut counts = damaged("counts.jsonl");
    let end = counts.lines.len() as u64;
    counts.edit(end, |v| {
        v["versions"] = (v["versions"].as_u64().unwrap() + 1).into()
    });
    check_refused(&target, &counts, end, "end line counts").await;

    let other_bytes = damaged("other-bytes.jsonl");
    let line = other_bytes.find(|v| is_version(v, "capture", 1));
    let id = parse(&other_bytes.lines[line as usize - 1])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(other_bytes.blobs.join(&id), b"tampered").unwrap();
    check_refused(&target, &other_bytes, line, "does not match").await;

    let missing_blob = damaged("missing-blob.jsonl");
    std::fs::remove_file(missing_blob.blobs.join(&id)).unwrap();
    check_refused(&target, &missing_blob, line, &id).await;

    let mut other_format = damaged("other-format.jsonl");
    other_format.edit(1, |v| v["format"] = "uwazi-export".into());
    check_refused(&target, &other_format, 1, "uwazi-export").await;

    let mut newer = damaged("newer.jsonl");
    newer.edit(1, |v| v["format_version"] = 99.into());
    check_refused(&target, &newer, 1, "upgrade Amparo").await;
}

#[tokio::test]
async fn gc_removes_only_unreferenced_blobs_old_enough() {
    let test = TestApp::empty().await;
    let mut capture_ids = Vec::new();
    for (name, text) in [("a.txt", "first"), ("b.txt", "second")] {
        let path = test.path(name);
        std::fs::write(&path, text).unwrap();
        let capture = test
            .app
            .capture_file(&test.admin, &path, CaptureOptions::default())
            .await
            .unwrap();
        capture_ids.push(capture.id);
    }
    let blobs = test.blob_store().await;
    let orphan = blobs
        .put_bytes(b"left by an interrupted capture")
        .await
        .unwrap();
    assert_eq!(test.blob_files().len(), 3);

    let young = test
        .app
        .collect_garbage(&test.admin, 3600, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (young.examined, young.referenced, young.kept_young),
        (3, 2, 1)
    );
    assert!(young.removed.is_empty());
    assert_eq!(test.blob_files().len(), 3);

    let report = test
        .app
        .collect_garbage(&test.admin, 0, |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.removed, std::slice::from_ref(&orphan.key));
    assert_eq!((report.referenced, report.kept_young), (2, 0));
    assert!(!blobs.contains(&orphan.key).await.unwrap());
    assert_eq!(test.blob_files().len(), 2);
    for (id, text) in capture_ids.iter().zip(["first", "second"]) {
        let content = test.app.capture_content(&test.admin, *id).await.unwrap();
        assert_eq!(content, text.as_bytes());
    }
}
