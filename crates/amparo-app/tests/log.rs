//! The installation's evidence log: every write enters it, checkpoints are signed and stored,
//! and `check_log` finds any alteration of versions, leaves, tiles or checkpoints made behind
//! Amparo's back (with the database's append-only triggers dropped, as an attacker with the
//! disk would).

mod common;

use amparo_app::LogCheckReport;
use amparo_model::records::*;
use amparo_model::{Record, RecordBody};
use amparo_tlog::{Checkpoint, Note, Verifier, VerifierSet};
use common::TestApp;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

async fn populated() -> (TestApp, Vec<uuid::Uuid>) {
    let test = TestApp::new().await;
    let mut ids = Vec::new();
    for number in 1..=40 {
        let person = Person {
            pseudonym: format!("P-{number:04}"),
            nationalities: vec!["VE".to_owned()],
            ..Person::default()
        };
        let created = test
            .app
            .create(&test.admin, person)
            .await
            .expect("create person");
        ids.push(created.id);
    }
    let capture = test
        .app
        .capture_bytes(
            &test.admin,
            "statement.txt",
            Some("text/plain"),
            b"a statement",
            amparo_app::CaptureOptions::default(),
        )
        .await
        .expect("capture");
    ids.push(capture.id);
    (test, ids)
}

async fn check(test: &TestApp) -> LogCheckReport {
    test.app.check_log(&|_, _| {}).await.expect("check runs")
}

/// The database behind the installation, with the log's and versions' triggers dropped.
async fn tamper_pool(test: &TestApp) -> SqlitePool {
    let options = SqliteConnectOptions::new().filename(test.app.data_dir().join("amparo.db"));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("raw connection");
    for trigger in [
        "record_versions_no_update",
        "log_leaves_no_update",
        "log_leaves_no_delete",
        "log_tiles_no_update",
        "log_checkpoints_no_update",
        "audit_events_no_update",
        "audit_events_no_delete",
    ] {
        sqlx::query(&format!("DROP TRIGGER IF EXISTS {trigger}"))
            .execute(&pool)
            .await
            .expect("drop trigger");
    }
    pool
}

#[tokio::test]
async fn an_intact_log_checks_out_and_counts_every_write() {
    let (test, _) = populated().await;
    let checkpoint = test.app.sign_checkpoint().await.expect("sign");
    let report = check(&test).await;
    assert!(report.is_intact(), "{:?}", report.problems);
    // The administrator user, 40 persons and one capture; and the audit event of the
    // administrator's creation.
    assert_eq!(report.leaves, checkpoint.size);
    assert_eq!(report.by_kind[0], 1, "one capture leaf");
    assert_eq!(report.by_kind[3], 1, "one audit leaf");
    assert_eq!(report.by_kind[1], report.leaves - 2);
    assert_eq!(
        report.opened, report.leaves,
        "every leaf opens against its version"
    );
    assert!(report.checkpoints >= 1);
    assert_eq!(report.latest_size, Some(checkpoint.size));

    // The checkpoint opens with the installation's verifier key and names its origin.
    let key = test.app.log_verifier_key().expect("key");
    let verifiers = VerifierSet::new([Verifier::parse(&key).expect("verifier")]);
    let note = Note::open(checkpoint.note.as_bytes(), &verifiers).expect("signed by the key");
    let parsed = Checkpoint::parse(note.text()).expect("a checkpoint");
    assert_eq!(parsed.size(), checkpoint.size);
    assert_eq!(parsed.origin(), test.app.settings().log_origin());
}

#[tokio::test]
async fn a_checkpoint_is_signed_once_per_size_and_only_when_the_log_grew() {
    let (test, _) = populated().await;
    let first = test.app.sign_checkpoint().await.expect("sign");
    let again = test.app.sign_checkpoint().await.expect("sign again");
    assert_eq!(first, again, "no growth, no new checkpoint");
    test.app
        .create(
            &test.admin,
            Case {
                title: "more".to_owned(),
                ..Case::default()
            },
        )
        .await
        .expect("create case");
    let grown = test.app.sign_checkpoint().await.expect("sign after growth");
    assert_eq!(grown.size, first.size + 1);
    let proof = test
        .app
        .log_consistency_proof(first.size, Some(grown.size))
        .await
        .expect("consistency proof");
    amparo_tlog::verify_consistency(
        proof.size1,
        proof.size2,
        &proof.root1,
        &proof.root2,
        &proof.proof,
    )
    .expect("consistent");
}

#[tokio::test]
async fn an_altered_version_is_found() {
    let (test, ids) = populated().await;
    let pool = tamper_pool(&test).await;
    let changed = sqlx::query(
        "UPDATE record_versions SET body = replace(body, 'P-0007', 'P-0070') WHERE id = ?",
    )
    .bind(ids[6].to_string())
    .execute(&pool)
    .await
    .expect("tamper");
    assert_eq!(changed.rows_affected(), 1);
    pool.close().await;
    let report = check(&test).await;
    assert!(!report.is_intact());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains(&ids[6].to_string()) && p.contains("does not open")),
        "{:?}",
        report.problems
    );
}

#[tokio::test]
async fn an_altered_or_deleted_audit_event_is_found() {
    let (test, _) = populated().await;
    let pool = tamper_pool(&test).await;
    // The administrator's creation is the first audit event: say someone else did it.
    let changed = sqlx::query("UPDATE audit_events SET actor = 'cli:someone-else' WHERE seq = 1")
        .execute(&pool)
        .await
        .expect("tamper");
    assert_eq!(changed.rows_affected(), 1);
    let report = check(&test).await;
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("does not open to audit event 1")),
        "{:?}",
        report.problems
    );
    sqlx::query("DELETE FROM audit_events WHERE seq = 1")
        .execute(&pool)
        .await
        .expect("delete");
    pool.close().await;
    let report = check(&test).await;
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("audit event that is not stored")),
        "{:?}",
        report.problems
    );
}

#[tokio::test]
async fn an_altered_leaf_is_found() {
    let (test, _) = populated().await;
    test.app.sign_checkpoint().await.expect("sign");
    let pool = tamper_pool(&test).await;
    // Flip one bit of leaf 3's content commitment.
    let mut leaf: Vec<u8> = sqlx::query_scalar("SELECT leaf FROM log_leaves WHERE idx = 3")
        .fetch_one(&pool)
        .await
        .expect("read leaf");
    leaf[100] ^= 0x10;
    sqlx::query("UPDATE log_leaves SET leaf = ? WHERE idx = 3")
        .bind(leaf)
        .execute(&pool)
        .await
        .expect("tamper");
    pool.close().await;
    let report = check(&test).await;
    assert!(!report.is_intact());
    assert!(
        report.problems.iter().any(|p| p.starts_with("leaf 3 ")),
        "{:?}",
        report.problems
    );
    assert!(
        report.problems.iter().any(|p| p.contains("signs root")),
        "the signed checkpoint no longer matches: {:?}",
        report.problems
    );
}

#[tokio::test]
async fn a_removed_leaf_and_a_forged_checkpoint_are_found() {
    let (test, _) = populated().await;
    let checkpoint = test.app.sign_checkpoint().await.expect("sign");
    let pool = tamper_pool(&test).await;
    sqlx::query("DELETE FROM log_leaves WHERE idx = (SELECT MAX(idx) FROM log_leaves)")
        .execute(&pool)
        .await
        .expect("remove the last leaf");
    // A checkpoint for a size never signed, with the signature of another.
    let forged = checkpoint.note.replacen(
        &format!("\n{}\n", checkpoint.size),
        &format!("\n{}\n", checkpoint.size + 5),
        1,
    );
    sqlx::query("INSERT INTO log_checkpoints (size, note, signed_at) VALUES (?, ?, 0)")
        .bind((checkpoint.size + 5) as i64)
        .bind(forged)
        .execute(&pool)
        .await
        .expect("forge");
    pool.close().await;
    let report = check(&test).await;
    assert!(!report.is_intact());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("has no log leaf")),
        "{:?}",
        report.problems
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("does not verify with the installation's key")),
        "{:?}",
        report.problems
    );
}

#[tokio::test]
async fn an_altered_tile_is_found() {
    let test = TestApp::new().await;
    let batch: Vec<(uuid::Uuid, Record)> = (1..=300)
        .map(|n| {
            let person = Person {
                pseudonym: format!("P-{n:04}"),
                ..Person::default()
            };
            (uuid::Uuid::now_v7(), person.into_record())
        })
        .collect();
    test.app
        .create_records_batch(&test.admin, batch)
        .await
        .expect("batch");
    assert!(check(&test).await.is_intact());
    let pool = tamper_pool(&test).await;
    sqlx::query("UPDATE log_tiles SET hashes = zeroblob(16352) WHERE idx = 0")
        .execute(&pool)
        .await
        .expect("tamper");
    pool.close().await;
    let report = check(&test).await;
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("stored tile 0 differs")),
        "{:?}",
        report.problems
    );
}
