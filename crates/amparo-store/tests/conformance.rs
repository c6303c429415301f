//! The storage conformance suite: one set of checks, run against SQLite (a file, and `:memory:`)
//! and against the real PostgreSQL server, so that the backends cannot drift apart.
//!
//! PostgreSQL is found at `AMPARO_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). Each test works in a schema of its own, dropped
//! at the end. When the server is unreachable the PostgreSQL tests fail, saying how to start it;
//! they never skip.

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use amparo_model::records::{
    Act, Capture, CaptureOrigin, Case, CaseStatus, ClaimRef, Confidentiality, Contact,
    CustodyPeriod, Deadline, DocketEntry, Document, Event, Grant, Grantee, Hearing, HearingStatus,
    Identifier, Information, Involvement, Organization, Perpetrator, Person, PersonSensitive,
    Place, Proceeding, ProceedingStatus, RecordLink, Right, Role, SourceRef, Suggestion,
    SuggestionKind, SuggestionStatus, Team, Testimony, TestimonySensitive, User, UserSensitive,
};
use amparo_model::{
    ActId, CaptureId, CaseId, DatePeriod, DocumentId, EventId, FuzzyDate, Lang, OrganizationId,
    PersonId, PlaceId, ProceedingId, Record, RecordKind, TeamId, TestimonyId, UserId,
};
use amparo_store::{
    ApiTokenRow, Change, FeedPoll, FeedRow, FeedSettings, JobCounts, JobFilter, JobOutcome, JobRow,
    JobState, ListOptions, LogAppend, OutboxEntry, PostgresStore, SecondFactorRow, SqliteStore,
    Store, StoreError, StoredCheckpoint, StoredVersion,
};
use amparo_tlog::{
    Hash, LeafKind, LeafV1, Role as CommitmentRole, commit, leaf_hash, tree_hash,
    verify_consistency, verify_inclusion,
};
use serde_json::{Value, json};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use tempfile::TempDir;
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

/// What a check returns: an unexpected error fails it, like a failed assertion.
type Outcome = Result<(), Box<dyn Error + Send + Sync>>;

const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const ACTOR: &str = "cli:alice";

// One `#[tokio::test]` per (check, backend): `sqlite::<check>`, `sqlite_memory::<check>` and
// `postgres::<check>`. What a check receives: `store` a `&dyn Store`, `shared` an
// `Arc<dyn Store>` for spawned tasks, `db` the whole `TestDb` for raw SQL. Only `store` checks
// run on `:memory:`, which has one connection and no file another connection could open.
macro_rules! conformance {
    ($($check:ident($access:ident)),* $(,)?) => {
        mod sqlite {
            $(conformance!(@test $check, $access, super::TestDb::sqlite_file());)*
        }
        mod sqlite_memory {
            $(conformance!(@memory $check, $access);)*
        }
        mod postgres {
            $(conformance!(@test $check, $access, super::TestDb::postgres(stringify!($check)));)*
        }
    };
    (@memory $check:ident, store) => {
        conformance!(@test $check, store, super::TestDb::sqlite_memory());
    };
    (@memory $check:ident, $access:ident) => {};
    (@test $check:ident, $access:ident, $open:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $check() {
            let db = $open.await;
            let check = std::panic::AssertUnwindSafe(super::$check(db.$access()));
            let outcome = futures::FutureExt::catch_unwind(check).await;
            db.finish(outcome).await;
        }
    };
}

conformance! {
    create_then_get_returns_what_was_written(store),
    update_adds_a_version_and_keeps_history(store),
    stale_expected_version_conflicts_and_writes_nothing(store),
    creating_an_existing_id_conflicts(store),
    tombstone_hides_the_record_but_keeps_history(store),
    record_can_be_restored_after_a_tombstone(store),
    batch_with_one_conflict_writes_nothing(store),
    body_that_is_not_an_object_is_refused(store),
    outbox_follows_write_order_and_pages(store),
    versions_since_follows_the_outbox_with_full_bodies(store),
    sensitive_member_round_trips_exactly(store),
    list_pages_by_id_without_repeats(store),
    sequences_count_per_name_and_only_rise(store),
    password_hash_is_set_and_replaced(store),
    api_tokens_are_found_by_hash_listed_touched_and_revoked(store),
    api_token_id_and_hash_are_unique(store),
    every_record_kind_round_trips(store),
    references_follow_the_current_version(store),
    concurrent_writers_leave_a_complete_outbox(shared),
    sensitive_member_is_stored_apart(db),
    stored_versions_cannot_be_altered(db),
    every_version_gets_its_leaf(store),
    log_roots_and_proofs_match_the_stored_leaves(store),
    checkpoints_are_kept_once_per_size(store),
    log_is_append_only(db),
    two_stores_on_one_database_extend_one_log(db),
    versions_without_leaves_get_them_when_the_store_opens(db),
    feeds_round_trip_exactly(store),
    feed_id_and_url_are_unique(store),
    feed_settings_and_poll_state_are_saved_apart(store),
    deleting_a_feed_removes_only_its_pending_jobs(store),
    due_feeds_are_leased_in_order_and_lapsed_leases_return(store),
    enqueue_skips_jobs_already_stored(store),
    jobs_are_leased_once_per_lease_and_again_after_it_lapses(store),
    finishing_a_job_records_how_it_ended(store),
    finishing_jobs_in_a_batch_records_each_outcome(store),
    jobs_are_listed_newest_first_and_counted_per_feed(store),
    failed_jobs_can_be_retried(store),
    concurrent_workers_never_share_a_lease(shared),
    second_factor_steps_only_rise_and_recovery_codes_work_once(store),
    revoking_a_users_tokens_leaves_others_alone(store),
}

// ---------------------------------------------------------------------------------------------
// Backends.

/// A store under test, with what raw checks need to reach its tables and cleanup needs to remove
/// them.
struct TestDb {
    store: Arc<dyn Store>,
    backend: Backend,
}

enum Backend {
    SqliteFile {
        store: SqliteStore,
        path: PathBuf,
        _dir: TempDir,
    },
    SqliteMemory {
        store: SqliteStore,
    },
    Postgres {
        store: PostgresStore,
        url: String,
        schema: String,
        /// A connection of its own, to drop the schema at the end.
        admin: PgConnection,
    },
}

/// A connection to the store's tables that bypasses the store.
enum RawPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl TestDb {
    async fn sqlite_file() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("amparo.db");
        let store = SqliteStore::open(&path)
            .await
            .unwrap_or_else(|error| panic!("could not open SQLite at {}: {error}", path.display()));
        Self {
            store: Arc::new(store.clone()),
            backend: Backend::SqliteFile {
                store,
                path,
                _dir: dir,
            },
        }
    }

    async fn sqlite_memory() -> Self {
        let store = SqliteStore::in_memory()
            .await
            .unwrap_or_else(|error| panic!("could not open in-memory SQLite: {error}"));
        Self {
            store: Arc::new(store.clone()),
            backend: Backend::SqliteMemory { store },
        }
    }

    async fn postgres(check: &str) -> Self {
        let url = std::env::var("AMPARO_TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned());
        let admin = match PgConnection::connect(&url).await {
            Ok(connection) => connection,
            Err(error) => panic!(
                "PostgreSQL is not reachable at {}: {error}\n\
                 The PostgreSQL conformance tests need a running server: start the local one with \
                 `pg_ctlcluster --skip-systemctl-redirect 15 main start`, or set \
                 AMPARO_TEST_DATABASE_URL to a server where this user may create schemas",
                describe_url(&url)
            ),
        };
        let schema = unique_schema(check);
        let store = PostgresStore::connect_in_schema(&url, Some(&schema))
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "could not open a store in schema {schema} at {}: {error}",
                    describe_url(&url)
                )
            });
        Self {
            store: Arc::new(store.clone()),
            backend: Backend::Postgres {
                store,
                url,
                schema,
                admin,
            },
        }
    }

    fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    fn shared(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }

    fn db(&self) -> &Self {
        self
    }

    /// A second store on the same database, as another process would open it.
    async fn reopen(&self) -> Result<Arc<dyn Store>, StoreError> {
        match &self.backend {
            Backend::SqliteFile { path, .. } => Ok(Arc::new(SqliteStore::open(path).await?)),
            Backend::SqliteMemory { .. } => {
                panic!("a private in-memory database cannot be opened a second time")
            }
            Backend::Postgres { url, schema, .. } => Ok(Arc::new(
                PostgresStore::connect_in_schema(url, Some(schema)).await?,
            )),
        }
    }

    /// A second connection to the store's tables, outside the store.
    async fn raw(&self) -> Result<RawPool, sqlx::Error> {
        match &self.backend {
            Backend::SqliteFile { path, .. } => {
                let options = SqliteConnectOptions::new().filename(path);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await?;
                Ok(RawPool::Sqlite(pool))
            }
            Backend::SqliteMemory { .. } => {
                panic!("a private in-memory database cannot be opened a second time")
            }
            Backend::Postgres { url, schema, .. } => {
                let options =
                    PgConnectOptions::from_str(url)?.options([("search_path", schema.as_str())]);
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await?;
                Ok(RawPool::Postgres(pool))
            }
        }
    }

    /// Closes the store, drops a PostgreSQL schema, then reports how the check went.
    async fn finish(self, outcome: Result<Outcome, Box<dyn Any + Send>>) {
        match self.backend {
            Backend::SqliteFile { store, .. } | Backend::SqliteMemory { store } => {
                store.close().await;
            }
            Backend::Postgres {
                store,
                schema,
                mut admin,
                ..
            } => {
                store.close().await;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    .execute(&mut admin)
                    .await
                    .unwrap_or_else(|error| panic!("could not drop schema {schema}: {error}"));
                let _ = admin.close().await;
            }
        }
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(error)) => panic!("the check failed: {error}"),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

impl RawPool {
    async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        Ok(match self {
            RawPool::Sqlite(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
            RawPool::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        })
    }

    async fn count_versions(&self) -> Result<i64, sqlx::Error> {
        let sql = "SELECT COUNT(*) FROM record_versions";
        match self {
            RawPool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            RawPool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
    }

    /// The stored `body` and `sensitive` columns of every version of record `id`, oldest first.
    async fn body_columns(
        &self,
        id: Uuid,
    ) -> Result<Vec<(Option<String>, Option<String>)>, sqlx::Error> {
        match self {
            RawPool::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT body, sensitive FROM record_versions WHERE id = ? ORDER BY version",
                )
                .bind(id.to_string())
                .fetch_all(pool)
                .await
            }
            RawPool::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT body, sensitive FROM record_versions WHERE id = $1 ORDER BY version",
                )
                .bind(id.to_string())
                .fetch_all(pool)
                .await
            }
        }
    }

    async fn close(self) {
        match self {
            RawPool::Sqlite(pool) => pool.close().await,
            RawPool::Postgres(pool) => pool.close().await,
        }
    }
}

/// A schema name no other test, run or process uses; PostgreSQL cuts names at 63 bytes.
fn unique_schema(check: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() % 1_000_000_000_000);
    let short: String = check.chars().take(24).collect();
    format!(
        "t_{short}_{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
    .to_lowercase()
}

/// The server a URL points to, without any password it may hold.
fn describe_url(url: &str) -> String {
    match PgConnectOptions::from_str(url) {
        Ok(options) => format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        ),
        Err(_) => "AMPARO_TEST_DATABASE_URL (not a valid URL)".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// A time with nanoseconds, which the store cuts to microseconds.
fn moment() -> OffsetDateTime {
    datetime!(2025-03-15 10:20:30.123_456_789 UTC)
}

fn change(kind: RecordKind, id: Uuid, expected_version: u32, body: Option<Value>) -> Change {
    Change {
        kind,
        id,
        expected_version,
        body,
        actor: ACTOR.to_owned(),
        at: moment(),
    }
}

async fn write_one(store: &dyn Store, change: Change) -> Result<StoredVersion, StoreError> {
    let mut written = store.write(&[change]).await?;
    assert_eq!(written.len(), 1, "one change writes one version");
    Ok(written.remove(0))
}

async fn create(
    store: &dyn Store,
    kind: RecordKind,
    id: Uuid,
    body: Value,
) -> Result<StoredVersion, StoreError> {
    write_one(store, change(kind, id, 0, Some(body))).await
}

async fn whole_outbox(store: &dyn Store) -> Result<Vec<OutboxEntry>, StoreError> {
    store.outbox_since(0, u32::MAX).await
}

fn entry(kind: RecordKind, id: Uuid, version: u32, deleted: bool) -> (RecordKind, Uuid, u32, bool) {
    (kind, id, version, deleted)
}

fn entries(outbox: &[OutboxEntry]) -> Vec<(RecordKind, Uuid, u32, bool)> {
    outbox
        .iter()
        .map(|e| entry(e.kind, e.id, e.version, e.deleted))
        .collect()
}

fn assert_increasing(seqs: impl IntoIterator<Item = u64>) {
    let seqs: Vec<u64> = seqs.into_iter().collect();
    assert!(
        seqs.windows(2).all(|pair| pair[0] < pair[1]),
        "outbox sequence numbers must strictly increase: {seqs:?}"
    );
}

#[track_caller]
fn assert_conflict(
    result: Result<Vec<StoredVersion>, StoreError>,
    kind: RecordKind,
    id: Uuid,
    expected: u32,
    actual: u32,
) {
    match result {
        Err(StoreError::Conflict {
            kind: got_kind,
            id: got_id,
            expected: got_expected,
            actual: got_actual,
        }) => assert_eq!(
            (got_kind, got_id, got_expected, got_actual),
            (kind, id, expected, actual)
        ),
        other => panic!(
            "expected a conflict on {kind} {id} (expected {expected}, actual {actual}), got {other:?}"
        ),
    }
}

fn ids(versions: &[StoredVersion]) -> Vec<Uuid> {
    versions.iter().map(|version| version.id).collect()
}

fn person(pseudonym: &str) -> Value {
    json!({ "pseudonym": pseudonym, "roles": ["victim"] })
}

// ---------------------------------------------------------------------------------------------
// Versions, conflicts and tombstones.

fn custody(person: Uuid, status: &str) -> Value {
    json!({"person_id": person, "status": status, "period": {"start": "2025-03-16"}})
}

async fn references_follow_the_current_version(store: &dyn Store) -> Outcome {
    let (case, first, second) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    create(store, RecordKind::Case, case, json!({"title": "CECOT"})).await?;
    let mut in_case = person("P-0001");
    in_case["case_ids"] = json!([case]);
    create(store, RecordKind::Person, first, in_case).await?;
    create(store, RecordKind::Person, second, person("P-0002")).await?;
    let periods: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    create(
        store,
        RecordKind::CustodyPeriod,
        periods[0],
        custody(first, "removed"),
    )
    .await?;
    create(
        store,
        RecordKind::CustodyPeriod,
        periods[1],
        custody(first, "released"),
    )
    .await?;
    create(
        store,
        RecordKind::CustodyPeriod,
        periods[2],
        custody(second, "released"),
    )
    .await?;

    let of = |target: Uuid| store.referring(RecordKind::CustodyPeriod, RecordKind::Person, target);
    let mut want = vec![periods[0], periods[1]];
    want.sort();
    assert_eq!(ids(&of(first).await?), want);
    assert_eq!(ids(&of(second).await?), [periods[2]]);
    assert_eq!(
        ids(&store
            .referring(RecordKind::Person, RecordKind::Case, case)
            .await?),
        [first]
    );
    // Another kind pointing at the same person is not mixed in.
    assert!(
        store
            .referring(RecordKind::Act, RecordKind::Person, first)
            .await?
            .is_empty()
    );

    // A new version that points elsewhere moves the reference; a tombstone drops it.
    write_one(
        store,
        change(
            RecordKind::CustodyPeriod,
            periods[1],
            1,
            Some(custody(second, "released")),
        ),
    )
    .await?;
    write_one(
        store,
        change(RecordKind::CustodyPeriod, periods[0], 1, None),
    )
    .await?;
    assert!(of(first).await?.is_empty());
    let mut want = vec![periods[1], periods[2]];
    want.sort();
    let moved = of(second).await?;
    assert_eq!(ids(&moved), want);
    assert!(moved.iter().all(|version| !version.deleted));
    // Restoring the tombstoned period brings its reference back.
    write_one(
        store,
        change(
            RecordKind::CustodyPeriod,
            periods[0],
            2,
            Some(custody(first, "removed")),
        ),
    )
    .await?;
    assert_eq!(ids(&of(first).await?), [periods[0]]);

    // Changed twice in one batch, a record's references are those of its last change.
    store
        .write(&[
            change(
                RecordKind::CustodyPeriod,
                periods[2],
                1,
                Some(custody(first, "removed")),
            ),
            change(
                RecordKind::CustodyPeriod,
                periods[2],
                2,
                Some(custody(second, "removed")),
            ),
            change(
                RecordKind::CustodyPeriod,
                periods[0],
                3,
                Some(custody(second, "removed")),
            ),
        ])
        .await?;
    assert!(of(first).await?.is_empty());
    let mut want = periods.clone();
    want.sort();
    assert_eq!(ids(&of(second).await?), want);
    Ok(())
}

async fn create_then_get_returns_what_was_written(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Person;
    let id = Uuid::now_v7();
    let body = json!({
        "pseudonym": "P-0042",
        "roles": ["victim"],
        "notes": "Removed to El Salvador on 15 March 2025.",
    });
    let written = write_one(
        store,
        Change {
            actor: "user:0197a0e2-5c1b-7cc3-9a4e-3f2b1c0d9e8f".to_owned(),
            ..change(kind, id, 0, Some(body.clone()))
        },
    )
    .await?;
    let expected = StoredVersion {
        kind,
        id,
        version: 1,
        deleted: false,
        body,
        actor: "user:0197a0e2-5c1b-7cc3-9a4e-3f2b1c0d9e8f".to_owned(),
        recorded_at: datetime!(2025-03-15 10:20:30.123_456 UTC),
        sensitive_purged: false,
    };
    assert_eq!(written, expected, "write returns what it stored");
    assert_eq!(store.get(kind, id).await?, Some(expected.clone()));
    assert_eq!(store.get_version(kind, id, 1).await?, Some(expected));
    assert_eq!(store.get_version(kind, id, 2).await?, None);
    assert_eq!(store.get_version(kind, id, u32::MAX).await?, None);
    assert_eq!(
        store.get(RecordKind::Organization, id).await?,
        None,
        "the kind is part of a record's identity"
    );
    assert_eq!(store.get(kind, Uuid::now_v7()).await?, None);
    assert_eq!(store.history(kind, Uuid::now_v7()).await?, Vec::new());

    // A time with another offset is the same instant, cut to microseconds.
    let other = Uuid::now_v7();
    let at = datetime!(2025-03-15 06:20:30.999_999_999 -04:00);
    let written = write_one(
        store,
        Change {
            at,
            ..change(kind, other, 0, Some(person("P-0043")))
        },
    )
    .await?;
    let cut = datetime!(2025-03-15 10:20:30.999_999 UTC);
    assert_eq!(written.recorded_at, cut);
    assert_eq!(
        store.get(kind, other).await?.map(|v| v.recorded_at),
        Some(cut)
    );
    Ok(())
}

async fn update_adds_a_version_and_keeps_history(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Case;
    let id = Uuid::now_v7();
    let first = json!({ "title": "Removals to CECOT", "status": "open" });
    let second =
        json!({ "title": "Removals to CECOT", "status": "closed", "reference": "CECOT-2025" });
    let v1 = create(store, kind, id, first.clone()).await?;
    let v2 = write_one(store, change(kind, id, 1, Some(second.clone()))).await?;
    assert_eq!((v1.version, v2.version), (1, 2));
    assert_eq!(v2.body, second);
    assert!(!v2.deleted);

    assert_eq!(store.history(kind, id).await?, vec![v1.clone(), v2.clone()]);
    assert_eq!(store.get(kind, id).await?, Some(v2.clone()));
    assert_eq!(
        store.get_version(kind, id, 1).await?.map(|v| v.body),
        Some(first),
        "an old version keeps its body"
    );
    assert_eq!(store.count(kind).await?, 1, "two versions are one record");
    assert_eq!(store.list(kind, &ListOptions::default()).await?, vec![v2]);
    Ok(())
}

async fn stale_expected_version_conflicts_and_writes_nothing(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Person;
    let id = Uuid::now_v7();
    create(store, kind, id, person("P-0042")).await?;
    let current = write_one(store, change(kind, id, 1, Some(person("P-0043")))).await?;
    let history = store.history(kind, id).await?;
    let outbox = whole_outbox(store).await?;

    for stale in [1, 0, 3] {
        let lost = Some(json!({ "pseudonym": "P-9999" }));
        assert_conflict(
            store.write(&[change(kind, id, stale, lost)]).await,
            kind,
            id,
            stale,
            2,
        );
    }
    assert_eq!(store.history(kind, id).await?, history);
    assert_eq!(whole_outbox(store).await?, outbox);
    assert_eq!(store.get(kind, id).await?, Some(current));
    Ok(())
}

async fn creating_an_existing_id_conflicts(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Person;
    let id = Uuid::now_v7();
    let original = create(store, kind, id, person("P-0042")).await?;
    assert_conflict(
        store
            .write(&[change(kind, id, 0, Some(person("P-0043")))])
            .await,
        kind,
        id,
        0,
        1,
    );
    assert_eq!(store.get(kind, id).await?, Some(original));

    // Updating a record that does not exist conflicts too.
    let missing = Uuid::now_v7();
    assert_conflict(
        store
            .write(&[change(kind, missing, 1, Some(person("P-0044")))])
            .await,
        kind,
        missing,
        1,
        0,
    );
    assert_eq!(store.get(kind, missing).await?, None);
    assert_eq!(whole_outbox(store).await?.len(), 1);
    Ok(())
}

async fn tombstone_hides_the_record_but_keeps_history(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Person;
    let mut pair = [Uuid::new_v4(), Uuid::new_v4()];
    pair.sort();
    let [gone, kept] = pair;
    let v1 = create(store, kind, gone, person("P-0001")).await?;
    let v2 = write_one(store, change(kind, gone, 1, Some(person("P-0002")))).await?;
    let other = create(store, kind, kept, person("P-0003")).await?;

    let tombstone = write_one(store, change(kind, gone, 2, None)).await?;
    assert_eq!(tombstone.version, 3);
    assert!(tombstone.deleted);
    assert_eq!(tombstone.body, Value::Null);
    assert_eq!(store.get(kind, gone).await?, Some(tombstone.clone()));

    assert_eq!(
        store.list(kind, &ListOptions::default()).await?,
        vec![other.clone()]
    );
    let everything = ListOptions {
        include_deleted: true,
        ..ListOptions::default()
    };
    assert_eq!(
        store.list(kind, &everything).await?,
        vec![tombstone.clone(), other]
    );
    assert_eq!(store.count(kind).await?, 1);
    assert_eq!(store.history(kind, gone).await?, vec![v1, v2, tombstone]);
    assert_eq!(
        whole_outbox(store)
            .await?
            .last()
            .map(|e| entry(e.kind, e.id, e.version, e.deleted)),
        Some(entry(kind, gone, 3, true))
    );
    Ok(())
}

async fn record_can_be_restored_after_a_tombstone(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Event;
    let id = Uuid::now_v7();
    create(store, kind, id, json!({ "title": "Removal flights" })).await?;
    write_one(store, change(kind, id, 1, None)).await?;
    assert_eq!(store.count(kind).await?, 0);

    let restored = json!({ "title": "Removal flights of 15 March" });
    let v3 = write_one(store, change(kind, id, 2, Some(restored.clone()))).await?;
    assert_eq!((v3.version, v3.deleted), (3, false));
    assert_eq!(v3.body, restored);
    assert_eq!(store.get(kind, id).await?, Some(v3.clone()));
    assert_eq!(store.list(kind, &ListOptions::default()).await?, vec![v3]);
    assert_eq!(store.count(kind).await?, 1);
    let deleted: Vec<bool> = store
        .history(kind, id)
        .await?
        .iter()
        .map(|v| v.deleted)
        .collect();
    assert_eq!(deleted, [false, true, false]);
    Ok(())
}

async fn batch_with_one_conflict_writes_nothing(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Person;
    let (x, y, fresh) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    create(store, kind, x, person("P-0001")).await?;
    create(store, kind, y, person("P-0002")).await?;
    let outbox = whole_outbox(store).await?;

    let batch = [
        change(
            RecordKind::Case,
            fresh,
            0,
            Some(json!({ "title": "New case" })),
        ),
        change(kind, x, 1, Some(person("P-0011"))),
        change(kind, y, 0, Some(person("P-0012"))),
    ];
    assert_conflict(store.write(&batch).await, kind, y, 0, 1);
    assert_eq!(store.get(RecordKind::Case, fresh).await?, None);
    assert_eq!(store.history(kind, x).await?.len(), 1);
    assert_eq!(whole_outbox(store).await?, outbox);

    // A record changed twice in one batch: the second change must expect the first's version.
    let twice = [
        change(kind, x, 1, Some(person("P-0021"))),
        change(kind, x, 1, Some(person("P-0022"))),
    ];
    assert_conflict(store.write(&twice).await, kind, x, 1, 2);
    assert_eq!(whole_outbox(store).await?, outbox);

    // Without a conflict every change commits, in order.
    let batch = [
        change(
            RecordKind::Case,
            fresh,
            0,
            Some(json!({ "title": "New case" })),
        ),
        change(kind, x, 1, Some(person("P-0031"))),
        change(kind, x, 2, Some(person("P-0032"))),
        change(kind, y, 1, None),
    ];
    let written = store.write(&batch).await?;
    let got: Vec<_> = written
        .iter()
        .map(|v| entry(v.kind, v.id, v.version, v.deleted))
        .collect();
    let want = vec![
        entry(RecordKind::Case, fresh, 1, false),
        entry(kind, x, 2, false),
        entry(kind, x, 3, false),
        entry(kind, y, 2, true),
    ];
    assert_eq!(got, want);
    assert_eq!(entries(&whole_outbox(store).await?[outbox.len()..]), want);
    assert_eq!(
        store.get(kind, x).await?.map(|v| v.body),
        Some(person("P-0032"))
    );
    Ok(())
}

async fn body_that_is_not_an_object_is_refused(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Document;
    // `Some(null)` is a body that is not an object, not a tombstone.
    for body in [
        json!("text"),
        json!([1, 2]),
        json!(42),
        json!(true),
        Value::Null,
    ] {
        let id = Uuid::now_v7();
        let good = Uuid::now_v7();
        let batch = [
            change(kind, good, 0, Some(json!({ "text": "fine" }))),
            change(kind, id, 0, Some(body.clone())),
        ];
        match store.write(&batch).await {
            Err(StoreError::NotAnObject {
                kind: got_kind,
                id: got_id,
            }) => assert_eq!((got_kind, got_id), (kind, id)),
            other => panic!("a body {body} must be refused as not an object, got {other:?}"),
        }
        assert_eq!(store.get(kind, id).await?, None);
        assert_eq!(store.get(kind, good).await?, None, "the batch is atomic");
    }
    assert_eq!(whole_outbox(store).await?, Vec::new());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The outbox.

/// Writes across kinds, one of them a batch and one a tombstone; returns every version written.
async fn write_script(store: &dyn Store) -> Result<Vec<StoredVersion>, StoreError> {
    let (p1, p2, c1, e1) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let secret = json!({ "pseudonym": "P-0001", "sensitive": { "full_name": "José Pérez" } });
    let mut written = Vec::new();
    written.push(create(store, RecordKind::Person, p1, secret).await?);
    written.push(create(store, RecordKind::Case, c1, json!({ "title": "CECOT" })).await?);
    written.push(
        write_one(
            store,
            change(RecordKind::Person, p1, 1, Some(person("P-0001"))),
        )
        .await?,
    );
    written.extend(
        store
            .write(&[
                change(
                    RecordKind::Event,
                    e1,
                    0,
                    Some(json!({ "title": "Flights" })),
                ),
                change(RecordKind::Person, p2, 0, Some(person("P-0002"))),
            ])
            .await?,
    );
    written.push(write_one(store, change(RecordKind::Case, c1, 1, None)).await?);
    written.push(
        write_one(
            store,
            change(RecordKind::Person, p1, 2, Some(person("P-0003"))),
        )
        .await?,
    );
    Ok(written)
}

async fn outbox_follows_write_order_and_pages(store: &dyn Store) -> Outcome {
    assert_eq!(whole_outbox(store).await?, Vec::new());
    let written = write_script(store).await?;
    let outbox = whole_outbox(store).await?;
    let want: Vec<_> = written
        .iter()
        .map(|v| entry(v.kind, v.id, v.version, v.deleted))
        .collect();
    assert_eq!(entries(&outbox), want);
    assert_increasing(outbox.iter().map(|e| e.seq));

    let mut paged = Vec::new();
    let mut page_sizes = Vec::new();
    let mut after = 0;
    loop {
        let page = store.outbox_since(after, 3).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        page_sizes.push(page.len());
        paged.extend(page);
    }
    assert_eq!(page_sizes, [3, 3, 1]);
    assert_eq!(paged, outbox);
    assert_eq!(store.outbox_since(outbox[2].seq, 2).await?, outbox[3..5]);
    assert_eq!(store.outbox_since(outbox[6].seq, 10).await?, Vec::new());

    // The latest entries, newest first, for "recently changed".
    let mut newest_first = outbox.clone();
    newest_first.reverse();
    assert_eq!(store.latest_outbox(3).await?, newest_first[..3]);
    assert_eq!(store.latest_outbox(100).await?, newest_first);
    Ok(())
}

async fn versions_since_follows_the_outbox_with_full_bodies(store: &dyn Store) -> Outcome {
    let written = write_script(store).await?;
    let outbox = whole_outbox(store).await?;
    let versions = store.versions_since(0, u32::MAX).await?;
    let seqs: Vec<u64> = versions.iter().map(|(seq, _)| *seq).collect();
    let outbox_seqs: Vec<u64> = outbox.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, outbox_seqs);
    let bodies: Vec<StoredVersion> = versions.iter().map(|(_, v)| v.clone()).collect();
    assert_eq!(
        bodies, written,
        "full bodies, sensitive members and tombstones included"
    );

    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = store.versions_since(after, 2).await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        paged.extend(page);
    }
    assert_eq!(paged, versions);
    assert_eq!(
        store.versions_since(outbox[3].seq, 2).await?,
        versions[4..6]
    );
    Ok(())
}

/// Writer tasks in the concurrency check.
const TASKS: usize = 8;
/// Writes per writer task.
const WRITES: u32 = 25;
/// Every fifth write of a task changes one record all tasks share, retrying on conflict.
const SHARED_EVERY: u32 = 5;

async fn concurrent_writers_leave_a_complete_outbox(store: Arc<dyn Store>) -> Outcome {
    let shared = Uuid::now_v7();
    create(
        &*store,
        RecordKind::Case,
        shared,
        json!({ "title": "shared" }),
    )
    .await?;

    let done = Arc::new(AtomicBool::new(false));
    let tailer = tokio::spawn(tail(Arc::clone(&store), Arc::clone(&done)));
    let writers: Vec<_> = (0..TASKS)
        .map(|task| tokio::spawn(write_concurrently(Arc::clone(&store), task, shared)))
        .collect();
    let mut own_ids = Vec::new();
    for writer in writers {
        own_ids.push(writer.await??);
    }
    done.store(true, Ordering::SeqCst);
    let tailed = tailer.await??;

    let outbox = whole_outbox(&*store).await?;
    assert_eq!(outbox.len(), 1 + TASKS * WRITES as usize);
    assert_increasing(outbox.iter().map(|e| e.seq));
    let tailed_seqs: BTreeSet<u64> = tailed.iter().map(|e| e.seq).collect();
    let missed: Vec<u64> = outbox
        .iter()
        .map(|e| e.seq)
        .filter(|seq| !tailed_seqs.contains(seq))
        .collect();
    assert!(
        missed.is_empty(),
        "a tailer polling during the writes missed {missed:?}"
    );
    assert_eq!(tailed, outbox);
    assert_eq!(
        store.log_size().await?,
        outbox.len() as u64,
        "every version written concurrently has its own leaf"
    );
    let hashes = stored_leaf_hashes(&*store).await?;
    assert_eq!(
        store.log_root(hashes.len() as u64).await?,
        tree_hash(&hashes)
    );

    let mut versions: BTreeMap<Uuid, Vec<u32>> = BTreeMap::new();
    for e in &outbox {
        versions.entry(e.id).or_default().push(e.version);
    }
    let shared_writes = 1 + TASKS as u32 * WRITES.div_ceil(SHARED_EVERY);
    assert_eq!(
        versions.remove(&shared),
        Some((1..=shared_writes).collect())
    );
    for id in own_ids {
        let own_writes = WRITES - WRITES.div_ceil(SHARED_EVERY);
        assert_eq!(versions.remove(&id), Some((1..=own_writes).collect()));
    }
    assert!(versions.is_empty(), "unexpected records {versions:?}");
    assert_eq!(
        store
            .get(RecordKind::Case, shared)
            .await?
            .map(|v| v.version),
        Some(shared_writes),
        "no update of the shared record was lost"
    );
    Ok(())
}

async fn write_concurrently(
    store: Arc<dyn Store>,
    task: usize,
    shared: Uuid,
) -> Result<Uuid, StoreError> {
    let own = Uuid::now_v7();
    let mut own_version = 0;
    for write in 0..WRITES {
        if write % SHARED_EVERY == 0 {
            loop {
                let current = store
                    .get(RecordKind::Case, shared)
                    .await?
                    .map_or(0, |v| v.version);
                let body = json!({ "title": "shared", "by": task, "write": write });
                match store
                    .write(&[change(RecordKind::Case, shared, current, Some(body))])
                    .await
                {
                    Ok(_) => break,
                    Err(StoreError::Conflict { .. }) => continue,
                    Err(error) => return Err(error),
                }
            }
        } else {
            let body = json!({ "title": format!("task {task}"), "write": write });
            store
                .write(&[change(RecordKind::Case, own, own_version, Some(body))])
                .await?;
            own_version += 1;
        }
    }
    Ok(own)
}

/// Follows the outbox as a derived view would, until the writers are done and it is drained.
async fn tail(
    store: Arc<dyn Store>,
    done: Arc<AtomicBool>,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let mut seen: Vec<OutboxEntry> = Vec::new();
    loop {
        let writers_done = done.load(Ordering::SeqCst);
        let after = seen.last().map_or(0, |e| e.seq);
        let page = store.outbox_since(after, 16).await?;
        if page.is_empty() {
            if writers_done {
                return Ok(seen);
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        seen.extend(page);
    }
}

// ---------------------------------------------------------------------------------------------
// Sensitive members, listing, counters and credentials.

async fn sensitive_member_round_trips_exactly(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Person;
    let sensitive = json!({
        "full_name": "José Andrés Ñáñez Pérez",
        "aliases": ["Andrés", "\"El Flaco\""],
        "identifiers": [{ "kind": "passport", "value": "V-12.345.678", "country": "VE" }],
        "notes": "Línea 1\nLínea 2\t🔒 \\ ✓",
        "score": 0.25,
        "big": 9007199254740993_u64,
        "flags": [true, false, null],
        "empty": {},
    });
    let with = json!({ "pseudonym": "P-0042", "sensitive": sensitive });
    let without = person("P-0043");
    let null = json!({ "pseudonym": "P-0044", "sensitive": null });
    let text = json!({ "pseudonym": "P-0045", "sensitive": "only text" });
    let ids = [
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    ];
    let bodies = [with.clone(), without.clone(), null, text.clone()];
    let dropped = json!({ "pseudonym": "P-0044" });
    let wanted = [with.clone(), without, dropped, text];
    let changes: Vec<Change> = ids
        .iter()
        .zip(&bodies)
        .map(|(id, body)| change(kind, *id, 0, Some(body.clone())))
        .collect();
    let written = store.write(&changes).await?;

    for ((id, want), wrote) in ids.iter().zip(&wanted).zip(&written) {
        assert_eq!(&wrote.body, want);
        assert_eq!(
            store.get(kind, *id).await?.map(|v| v.body).as_ref(),
            Some(want)
        );
        let history = store.history(kind, *id).await?;
        assert_eq!(history.iter().map(|v| &v.body).collect::<Vec<_>>(), [want]);
    }
    let listed: BTreeMap<Uuid, Value> = store
        .list(kind, &ListOptions::default())
        .await?
        .into_iter()
        .map(|v| (v.id, v.body))
        .collect();
    assert_eq!(listed, ids.into_iter().zip(wanted.clone()).collect());
    let exported: Vec<Value> = store
        .versions_since(0, 10)
        .await?
        .into_iter()
        .map(|(_, v)| v.body)
        .collect();
    assert_eq!(exported, wanted);

    // A new version without the member drops it; the old version keeps it.
    write_one(store, change(kind, ids[0], 1, Some(person("P-0042")))).await?;
    assert_eq!(
        store.get(kind, ids[0]).await?.map(|v| v.body),
        Some(person("P-0042"))
    );
    assert_eq!(
        store.get_version(kind, ids[0], 1).await?.map(|v| v.body),
        Some(with)
    );
    Ok(())
}

async fn list_pages_by_id_without_repeats(store: &dyn Store) -> Outcome {
    let kind = RecordKind::Person;
    let mut all: Vec<Uuid> = (0..7).map(|_| Uuid::new_v4()).collect();
    all.sort();
    for (index, id) in all.iter().enumerate() {
        create(store, kind, *id, person(&format!("P-{index:04}"))).await?;
    }
    for _ in 0..2 {
        create(
            store,
            RecordKind::Organization,
            Uuid::new_v4(),
            json!({ "name": "ICE" }),
        )
        .await?;
    }
    write_one(store, change(kind, all[2], 1, None)).await?;
    let live: Vec<Uuid> = all.iter().copied().filter(|id| *id != all[2]).collect();

    let page = |after_id, limit, include_deleted| ListOptions {
        include_deleted,
        after_id,
        limit,
    };
    for (include_deleted, want, sizes) in [(false, &live, vec![3, 3]), (true, &all, vec![3, 3, 1])]
    {
        let mut seen = Vec::new();
        let mut got_sizes = Vec::new();
        let mut after = None;
        loop {
            let listed = store
                .list(kind, &page(after, Some(3), include_deleted))
                .await?;
            let Some(last) = listed.last() else { break };
            after = Some(last.id);
            got_sizes.push(listed.len());
            seen.extend(ids(&listed));
        }
        assert_eq!(&seen, want, "include_deleted {include_deleted}");
        assert_eq!(got_sizes, sizes);
    }
    assert_eq!(
        ids(&store.list(kind, &page(None, None, false)).await?),
        live
    );
    assert_eq!(
        ids(&store.list(kind, &page(Some(live[1]), None, false)).await?),
        live[2..]
    );
    assert_eq!(
        ids(&store
            .list(kind, &page(Some(Uuid::nil()), Some(2), false))
            .await?),
        live[..2]
    );
    assert_eq!(
        store
            .list(kind, &page(Some(Uuid::max()), None, true))
            .await?,
        Vec::new()
    );
    assert_eq!(
        store.list(kind, &page(None, Some(0), true)).await?,
        Vec::new()
    );
    assert_eq!(store.count(kind).await?, 6);
    assert_eq!(store.count(RecordKind::Organization).await?, 2);
    assert_eq!(store.count(RecordKind::Case).await?, 0);
    Ok(())
}

async fn sequences_count_per_name_and_only_rise(store: &dyn Store) -> Outcome {
    let mut got = Vec::new();
    for name in ["person", "person", "person", "case", "case", "person"] {
        got.push((name, store.next_in_sequence(name).await?));
    }
    assert_eq!(
        got,
        [
            ("person", 1),
            ("person", 2),
            ("person", 3),
            ("case", 1),
            ("case", 2),
            ("person", 4)
        ]
    );
    store.raise_sequence("person", 10).await?;
    assert_eq!(store.next_in_sequence("person").await?, 11);
    store.raise_sequence("person", 5).await?;
    assert_eq!(store.next_in_sequence("person").await?, 12, "never lowered");
    store.raise_sequence("case", 2).await?;
    assert_eq!(store.next_in_sequence("case").await?, 3);
    store.raise_sequence("capture", 7).await?;
    assert_eq!(store.next_in_sequence("capture").await?, 8);

    // Concurrent takers never get the same value.
    let taken =
        futures::future::try_join_all((0..20).map(|_| store.next_in_sequence("person"))).await?;
    let distinct: BTreeSet<u64> = taken.into_iter().collect();
    assert_eq!(distinct, (13..=32).collect());
    Ok(())
}

async fn password_hash_is_set_and_replaced(store: &dyn Store) -> Outcome {
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    assert_eq!(store.password_hash(alice).await?, None);
    let first = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    let second = "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaG5ld2hhc2g";
    store.set_password_hash(alice, first).await?;
    assert_eq!(store.password_hash(alice).await?.as_deref(), Some(first));
    store.set_password_hash(alice, second).await?;
    assert_eq!(store.password_hash(alice).await?.as_deref(), Some(second));
    assert_eq!(store.password_hash(bob).await?, None);
    store.set_password_hash(bob, first).await?;
    assert_eq!(store.password_hash(bob).await?.as_deref(), Some(first));
    assert_eq!(store.password_hash(alice).await?.as_deref(), Some(second));
    assert_eq!(
        whole_outbox(store).await?,
        Vec::new(),
        "credentials are not records"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// API tokens.

fn api_token(
    user_id: Uuid,
    hash_byte: char,
    label: &str,
    created_at: OffsetDateTime,
) -> ApiTokenRow {
    ApiTokenRow {
        id: Uuid::now_v7(),
        user_id,
        token_hash: hash_byte.to_string().repeat(64),
        label: label.to_owned(),
        created_at,
        last_used_at: None,
        revoked_at: None,
        scopes: "records:read export".to_owned(),
        expires_at: Some(created_at + time::Duration::days(90)),
    }
}

async fn api_tokens_are_found_by_hash_listed_touched_and_revoked(store: &dyn Store) -> Outcome {
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    let first = api_token(alice, 'a', "nightly import", moment());
    let second = api_token(
        bob,
        'b',
        "court filing script",
        moment() + time::Duration::SECOND,
    );
    let third = api_token(alice, 'c', "", moment() + 2 * time::Duration::SECOND);
    for token in [&first, &second, &third] {
        store.create_api_token(token).await?;
    }
    let found = store.api_token_by_hash(&first.token_hash).await?;
    let expected = ApiTokenRow {
        created_at: datetime!(2025-03-15 10:20:30.123_456 UTC),
        expires_at: Some(datetime!(2025-06-13 10:20:30.123_456 UTC)),
        ..first.clone()
    };
    assert_eq!(
        found,
        Some(expected.clone()),
        "times are cut to microseconds"
    );
    assert_eq!(store.api_token_by_hash(&"d".repeat(64)).await?, None);

    let ids = |tokens: Vec<ApiTokenRow>| tokens.into_iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_api_tokens(None).await?),
        [first.id, second.id, third.id]
    );
    assert_eq!(
        ids(store.list_api_tokens(Some(alice)).await?),
        [first.id, third.id]
    );
    assert_eq!(
        ids(store.list_api_tokens(Some(Uuid::now_v7())).await?),
        Vec::<Uuid>::new()
    );

    let used = datetime!(2025-04-01 08:00:00.000_001 UTC);
    store.touch_api_token(first.id, used).await?;
    let touched = store.api_token_by_hash(&first.token_hash).await?;
    assert_eq!(touched.and_then(|t| t.last_used_at), Some(used));

    let revoked_at = datetime!(2025-04-02 09:00:00 UTC);
    assert!(store.revoke_api_token(second.id, revoked_at).await?);
    assert!(
        !store
            .revoke_api_token(second.id, revoked_at + time::Duration::DAY)
            .await?,
        "a second revocation changes nothing"
    );
    assert!(!store.revoke_api_token(Uuid::now_v7(), revoked_at).await?);
    let second_now = store.api_token_by_hash(&second.token_hash).await?;
    assert_eq!(second_now.and_then(|t| t.revoked_at), Some(revoked_at));
    let first_now = store.api_token_by_hash(&first.token_hash).await?;
    assert_eq!(first_now.and_then(|t| t.revoked_at), None);
    assert_eq!(
        whole_outbox(store).await?,
        Vec::new(),
        "tokens are not records"
    );
    Ok(())
}

async fn api_token_id_and_hash_are_unique(store: &dyn Store) -> Outcome {
    let user = Uuid::now_v7();
    let token = api_token(user, 'e', "first", moment());
    store.create_api_token(&token).await?;
    let same_hash = ApiTokenRow {
        id: Uuid::now_v7(),
        ..token.clone()
    };
    let same_id = ApiTokenRow {
        token_hash: "f".repeat(64),
        ..token.clone()
    };
    for duplicate in [same_hash, same_id] {
        match store.create_api_token(&duplicate).await {
            Err(StoreError::Duplicate(_)) => {}
            other => panic!("a duplicate token must be refused, got {other:?}"),
        }
    }
    assert_eq!(
        store.list_api_tokens(None).await?,
        vec![ApiTokenRow {
            created_at: datetime!(2025-03-15 10:20:30.123_456 UTC),
            expires_at: Some(datetime!(2025-06-13 10:20:30.123_456 UTC)),
            ..token
        }]
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Every record kind.

async fn every_record_kind_round_trips(store: &dyn Store) -> Outcome {
    let records = fixtures();
    let kinds: BTreeSet<RecordKind> = records.iter().map(Record::kind).collect();
    let all: BTreeSet<RecordKind> = RecordKind::ALL.iter().copied().collect();
    assert_eq!(
        kinds, all,
        "every record kind needs a fixture in `fixtures()`"
    );
    assert_eq!(records.len(), RecordKind::ALL.len(), "one fixture per kind");

    let mut changes = Vec::new();
    for record in &records {
        let body = record.to_json();
        let parsed = Record::from_json(record.kind(), body.clone())?;
        parsed.validate()?;
        assert_eq!(&parsed, record, "{} survives JSON", record.kind());
        changes.push(change(record.kind(), Uuid::now_v7(), 0, Some(body)));
    }
    store.write(&changes).await?;

    for (record, change) in records.iter().zip(&changes) {
        let kind = record.kind();
        let stored = store
            .get(kind, change.id)
            .await?
            .ok_or_else(|| format!("{kind} {} was not stored", change.id))?;
        assert_eq!(Some(&stored.body), change.body.as_ref(), "{kind} body");
        let read = Record::from_json(kind, stored.body)?;
        assert_eq!(&read, record, "{kind} changed on its way through the store");
        assert_eq!(store.count(kind).await?, 1, "{kind}");
    }
    Ok(())
}

fn day(year: i32, month: u8, day: u8) -> FuzzyDate {
    FuzzyDate::day(year, month, day).expect("a real day")
}

/// One realistic record of every kind, linked to each other as the application would link them.
fn fixtures() -> Vec<Record> {
    let case_id = CaseId::new();
    let person_id = PersonId::new();
    let prison_authority = OrganizationId::new();
    let cecot = PlaceId::new();
    let event_id = EventId::new();
    let act_id = ActId::new();
    let testimony_id = TestimonyId::new();
    let proceeding_id = ProceedingId::new();
    let capture_id = CaptureId::new();
    let document_id = DocumentId::new();
    let user_id = UserId::new();
    let team_id = TeamId::new();
    vec![
        Record::Person(Person {
            pseudonym: "P-0042".to_owned(),
            gender: "man".to_owned(),
            nationalities: vec!["VE".to_owned()],
            age_at_first_event: Some(27),
            roles: vec!["victim".to_owned(), "witness".to_owned()],
            case_ids: vec![case_id],
            notes: "Removed under the Alien Enemies Act; released in July 2025.".to_owned(),
            sensitive: Some(PersonSensitive {
                full_name: "José Andrés Ñáñez Pérez".to_owned(),
                aliases: vec!["Andrés".to_owned()],
                birth_date: Some(FuzzyDate::month(1997, 8).expect("a real month")),
                identifiers: vec![
                    Identifier {
                        kind: "passport".to_owned(),
                        value: "V-123456789".to_owned(),
                        country: Some("VE".to_owned()),
                    },
                    Identifier {
                        kind: "a-number".to_owned(),
                        value: "A-123-456-789".to_owned(),
                        country: None,
                    },
                ],
                contacts: vec![Contact {
                    kind: "phone".to_owned(),
                    value: "+58 412 555 0142".to_owned(),
                    note: "mother".to_owned(),
                }],
                notes: "Family lives in Maracay.".to_owned(),
            }),
            ..Person::default()
        }),
        Record::Organization(Organization {
            name: "Dirección General de Centros Penales".to_owned(),
            acronym: "DGCP".to_owned(),
            aliases: vec!["General Directorate of Prisons".to_owned()],
            kind: "prison-authority".to_owned(),
            country: Some("SV".to_owned()),
            parent_id: None,
            notes: "Runs CECOT.".to_owned(),
        }),
        Record::Place(Place {
            name_en: "Terrorism Confinement Center".to_owned(),
            name_es: "Centro de Confinamiento del Terrorismo".to_owned(),
            other_names: vec!["CECOT".to_owned()],
            kind: "maximum-security-prison".to_owned(),
            country: Some("SV".to_owned()),
            parent_id: Some(PlaceId::new()),
            latitude: Some(13.4952),
            longitude: Some(-88.9095),
            notes: "Tecoluca, San Vicente.".to_owned(),
        }),
        Record::Event(Event {
            title: "Removal flights to El Salvador".to_owned(),
            description: "Three flights left Texas for San Salvador.".to_owned(),
            period: DatePeriod::between(day(2025, 3, 15), day(2025, 3, 16)),
            place_ids: vec![cecot],
            violation_types: vec![
                "enforced-disappearance".to_owned(),
                "arbitrary-detention".to_owned(),
            ],
            case_ids: vec![case_id],
            confidentiality: Confidentiality::Restricted,
        }),
        Record::Act(Act {
            event_id,
            victim_id: person_id,
            act_type: "transfer".to_owned(),
            period: DatePeriod::since(day(2025, 3, 16)),
            place_id: Some(cecot),
            method: "Shackled and flown without notice to counsel.".to_owned(),
            consequences: "Held incommunicado for four months.".to_owned(),
            violation_types: vec!["incommunicado-detention".to_owned()],
        }),
        Record::Involvement(Involvement {
            act_id,
            perpetrator: Perpetrator::Organization(prison_authority),
            degree: "implemented-policy".to_owned(),
            notes: "Received the men at the airport.".to_owned(),
        }),
        Record::Information(Information {
            source: SourceRef::Testimony(testimony_id),
            claim: ClaimRef::Act(act_id),
            source_kind: "direct-testimony".to_owned(),
            reliability: "high".to_owned(),
            language: Some("es".to_owned()),
            locator: "Minutes 12 to 18".to_owned(),
            notes: "Consistent with two other accounts.".to_owned(),
        }),
        Record::Testimony(Testimony {
            giver_id: person_id,
            given_on: day(2025, 7, 25),
            taken_by: "intake interviewer".to_owned(),
            language: "es".to_owned(),
            consent: vec!["internal-use".to_owned(), "share-with-counsel".to_owned()],
            translation_of: None,
            case_ids: vec![case_id],
            sensitive: Some(TestimonySensitive {
                text: "Nos bajaron del avión encadenados…".to_owned(),
                location: "Caracas".to_owned(),
            }),
        }),
        Record::CustodyPeriod(CustodyPeriod {
            person_id,
            status: "held-in-third-country".to_owned(),
            place_id: Some(cecot),
            custodian_id: Some(prison_authority),
            period: DatePeriod::between(day(2025, 3, 16), day(2025, 7, 18)),
            notes: "No contact with family or counsel.".to_owned(),
        }),
        Record::Case(Case {
            title: "Venezuelans removed to CECOT".to_owned(),
            reference: "CECOT-2025".to_owned(),
            description: "The 252 men removed in March 2025.".to_owned(),
            status: CaseStatus::Open,
            opened_on: Some(FuzzyDate::month(2025, 3).expect("a real month")),
        }),
        Record::Proceeding(Proceeding {
            case_id,
            kind: "habeas-corpus".to_owned(),
            title: "J.G.G. v. Trump".to_owned(),
            forum: "U.S. District Court for the District of Columbia".to_owned(),
            forum_id: Some(OrganizationId::new()),
            docket_number: "1:25-cv-00766".to_owned(),
            filed_on: Some(day(2025, 3, 15)),
            status: ProceedingStatus::Pending,
            person_ids: vec![person_id],
            parent_id: None,
            notes: "Class of Venezuelan nationals.".to_owned(),
        }),
        Record::DocketEntry(DocketEntry {
            proceeding_id: Some(proceeding_id),
            number: Some(1),
            filed_on: day(2025, 3, 15),
            kind: "complaint".to_owned(),
            title: "Class action complaint and petition for a writ of habeas corpus".to_owned(),
            summary: "Filed before dawn, ahead of the flights.".to_owned(),
            capture_id: Some(capture_id),
        }),
        Record::Hearing(Hearing {
            proceeding_id: Some(proceeding_id),
            kind: "emergency-hearing".to_owned(),
            starts_at: datetime!(2025-03-15 17:00 -04:00),
            location: "Courtroom 19".to_owned(),
            remote: false,
            participant_ids: vec![person_id],
            status: HearingStatus::Held,
            outcome: "Temporary restraining order granted.".to_owned(),
        }),
        Record::Deadline(Deadline {
            case_id: Some(case_id),
            proceeding_id: Some(proceeding_id),
            kind: "response-due".to_owned(),
            title: "Government's response to the motion".to_owned(),
            due_on: day(2025, 12, 22),
            responsible: "lead counsel".to_owned(),
            done: false,
        }),
        Record::Capture(Capture {
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_owned(),
            size: 48_213,
            media_type: "text/html".to_owned(),
            origin: CaptureOrigin::Url {
                requested_url: "http://example.org/cecot".to_owned(),
                final_url: "https://example.org/news/cecot".to_owned(),
                redirects: vec!["https://example.org/news/cecot".to_owned()],
                status: 200,
                headers: vec![(
                    "content-type".to_owned(),
                    "text/html; charset=utf-8".to_owned(),
                )],
                remote_addr: Some("192.0.2.10:443".to_owned()),
            },
            obtained_at: datetime!(2025-03-16 08:30:00.123_456_789 UTC),
            obtained_by: ACTOR.to_owned(),
            case_ids: vec![case_id],
            note: "Article naming the men held at CECOT.".to_owned(),
        }),
        Record::Document(Document {
            capture_id,
            title: "Who are the men sent to CECOT?".to_owned(),
            byline: "Staff reporter".to_owned(),
            published_at: Some(datetime!(2025-03-16 06:00 -06:00)),
            language: Some("en".to_owned()),
            text: "238 Venezuelans arrived on Sunday.\n\nTheir families were not told.".to_owned(),
            duplicate_of: None,
            url: Some("https://news.example/cecot".to_owned()),
            passages: vec![amparo_model::records::LanguagePassage {
                start: 35,
                end: 64,
                language: "es".to_owned(),
            }],
            fingerprint: Some("ab".repeat(32)),
            simhash: Some("0123456789abcdef".to_owned()),
            problems: vec!["main text is short (64 characters)".to_owned()],
        }),
        Record::Suggestion(Suggestion {
            document_id,
            kind: SuggestionKind::Count,
            start: 0,
            end: 3,
            text: "238".to_owned(),
            confidence: 0.82,
            proposal: json!({ "count": 238, "unit": "persons", "candidates": [238, 252] }),
            status: SuggestionStatus::Accepted,
            accepted_into: Some(RecordLink {
                kind: RecordKind::Event,
                id: event_id.0,
            }),
        }),
        Record::User(User {
            username: "alice".to_owned(),
            display_name: "Alice Moreno".to_owned(),
            role: Role::Lawyer,
            language: Some(Lang::Es),
            disabled: false,
            sensitive: Some(UserSensitive {
                email: "alice@example.org".to_owned(),
            }),
        }),
        Record::Team(Team {
            name: "CECOT litigation".to_owned(),
            description: "Counsel and documenters for the CECOT case.".to_owned(),
            member_ids: vec![user_id],
        }),
        Record::Grant(Grant {
            grantee: Grantee::Team(team_id),
            case_id,
            rights: vec![Right::Read, Right::Write, Right::Sensitive],
        }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Raw access to the tables.

async fn sensitive_member_is_stored_apart(db: &TestDb) -> Outcome {
    let store = db.store();
    let id = Uuid::now_v7();
    let body = json!({ "pseudonym": "P-0042", "sensitive": { "full_name": "José Ñáñez" } });
    create(store, RecordKind::Person, id, body).await?;
    write_one(store, change(RecordKind::Person, id, 1, None)).await?;

    let raw = db.raw().await?;
    let columns = raw.body_columns(id).await?;
    raw.close().await;
    let [(Some(public), Some(sensitive)), (None, None)] = columns.as_slice() else {
        panic!("expected a body with a sensitive part, then a tombstone; got {columns:?}");
    };
    assert!(
        !public.contains("Ñáñez") && !public.contains("sensitive"),
        "{public}"
    );
    assert!(sensitive.contains("Ñáñez"), "{sensitive}");
    Ok(())
}

async fn stored_versions_cannot_be_altered(db: &TestDb) -> Outcome {
    let store = db.store();
    let kind = RecordKind::Person;
    let id = Uuid::now_v7();
    create(store, kind, id, person("P-0042")).await?;
    write_one(store, change(kind, id, 1, Some(person("P-0043")))).await?;
    let history = store.history(kind, id).await?;

    let raw = db.raw().await?;
    assert_eq!(
        raw.count_versions().await?,
        2,
        "the raw connection sees the store's tables"
    );
    let update = raw.execute("UPDATE record_versions SET body = 'x'").await;
    let delete = raw.execute("DELETE FROM record_versions").await;
    // PostgreSQL's row triggers do not see TRUNCATE, so it has a statement trigger of its own;
    // SQLite has no TRUNCATE statement at all.
    let truncate = raw.execute("TRUNCATE record_versions").await;
    let remaining = raw.count_versions().await?;
    raw.close().await;

    for (statement, result, reason) in [
        ("UPDATE", update, "immutable"),
        ("DELETE", delete, "never deleted"),
    ] {
        match result {
            Err(error) => assert!(
                error.to_string().contains(reason),
                "{statement} must be refused by the trigger, got: {error}"
            ),
            Ok(rows) => panic!("{statement} of stored versions succeeded on {rows} rows"),
        }
    }
    assert!(truncate.is_err(), "TRUNCATE of stored versions must fail");
    assert_eq!(remaining, 2);
    assert_eq!(store.history(kind, id).await?, history);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The evidence log.

/// The leaf hashes of the whole stored log, read leaf by leaf.
async fn stored_leaf_hashes(store: &dyn Store) -> Result<Vec<Hash>, StoreError> {
    let mut hashes = Vec::new();
    loop {
        let page = store.log_entries(hashes.len() as u64, 300).await?;
        if page.is_empty() {
            return Ok(hashes);
        }
        for entry in page {
            assert_eq!(
                entry.index,
                hashes.len() as u64,
                "leaves are numbered without gaps"
            );
            hashes.push(leaf_hash(&entry.leaf));
        }
    }
}

async fn every_version_gets_its_leaf(store: &dyn Store) -> Outcome {
    let person_id = Uuid::now_v7();
    let capture_id = Uuid::now_v7();
    let sha256 = "ab".repeat(32);
    let first = create(store, RecordKind::Person, person_id, person("P-0042")).await?;
    let second = write_one(
        store,
        change(RecordKind::Person, person_id, 1, Some(person("P-0043"))),
    )
    .await?;
    let third = write_one(store, change(RecordKind::Person, person_id, 2, None)).await?;
    let capture = create(
        store,
        RecordKind::Capture,
        capture_id,
        json!({ "sha256": sha256, "size": 3, "media_type": "text/plain" }),
    )
    .await?;
    assert_eq!(store.log_size().await?, 4);

    // A batch that conflicts writes no version and no leaf.
    let conflicting = [
        change(
            RecordKind::Case,
            Uuid::now_v7(),
            0,
            Some(json!({ "title": "t" })),
        ),
        change(RecordKind::Person, person_id, 1, Some(person("P-0044"))),
    ];
    assert!(matches!(
        store.write(&conflicting).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.log_size().await?, 4, "a refused batch adds no leaf");

    let mut indices = BTreeSet::new();
    for (version, kind, content) in [
        (
            &first,
            LeafKind::RecordVersion,
            serde_json::to_vec(&first.body)?,
        ),
        (
            &second,
            LeafKind::RecordVersion,
            serde_json::to_vec(&second.body)?,
        ),
        (&third, LeafKind::RecordVersion, b"null".to_vec()),
        (&capture, LeafKind::Capture, sha256.as_bytes().to_vec()),
    ] {
        let entry = store
            .log_entry_for_version(version.kind, version.id, version.version)
            .await?
            .unwrap_or_else(|| {
                panic!(
                    "{} {} v{} has no leaf",
                    version.kind, version.id, version.version
                )
            });
        assert!(indices.insert(entry.index));
        assert_eq!(
            entry.record,
            Some((version.kind, version.id, version.version))
        );
        let leaf = LeafV1::decode(&entry.leaf)?;
        assert_eq!(leaf.kind, kind);
        assert_eq!(
            leaf.time_micros,
            (version.recorded_at.unix_timestamp_nanos() / 1_000) as i64
        );
        let subject = format!(
            "{} {} v{}",
            version.kind.as_str(),
            version.id,
            version.version
        );
        assert_eq!(
            leaf.actor,
            commit(CommitmentRole::Actor, &entry.salts.actor, ACTOR.as_bytes())
        );
        assert_eq!(
            leaf.subject,
            commit(
                CommitmentRole::Subject,
                &entry.salts.subject,
                subject.as_bytes()
            )
        );
        assert_eq!(
            leaf.content,
            commit(CommitmentRole::Content, &entry.salts.content, &content)
        );
        assert_ne!(
            entry.salts.actor, entry.salts.subject,
            "each commitment has its own salt"
        );
    }
    assert_eq!(indices, (0..4).collect::<BTreeSet<u64>>());
    Ok(())
}

async fn log_roots_and_proofs_match_the_stored_leaves(store: &dyn Store) -> Outcome {
    let at = moment();
    let batch = |count: usize, tag: &str| -> Vec<LogAppend> {
        (0..count)
            .map(|i| LogAppend::new(LeafKind::Audit, at, ACTOR, &format!("{tag} {i}"), b"read"))
            .collect()
    };
    assert_eq!(store.append_log(&batch(300, "a")).await?, 0);
    create(
        store,
        RecordKind::Case,
        Uuid::now_v7(),
        json!({ "title": "between" }),
    )
    .await?;
    assert_eq!(store.append_log(&batch(500, "b")).await?, 301);
    assert_eq!(store.append_log(&batch(1, "c")).await?, 801);
    assert_eq!(store.log_size().await?, 802);

    let hashes = stored_leaf_hashes(store).await?;
    assert_eq!(hashes.len(), 802);
    for size in [1u64, 2, 255, 256, 257, 300, 512, 513, 801, 802] {
        let root = store.log_root(size).await?;
        assert_eq!(
            root,
            tree_hash(&hashes[..size as usize]),
            "root at size {size}"
        );
        for index in [0, size / 3, size / 2, size - 1] {
            let proof = store.log_inclusion_proof(index, size).await?;
            verify_inclusion(index, size, &hashes[index as usize], &proof, &root)?;
        }
        for old in [1, size / 2, size - 1, size] {
            if old == 0 {
                continue;
            }
            let proof = store.log_consistency_proof(old, size).await?;
            let old_root = tree_hash(&hashes[..old as usize]);
            verify_consistency(old, size, &old_root, &root, &proof)?;
        }
    }
    assert!(matches!(
        store.log_inclusion_proof(5, 900).await,
        Err(StoreError::LogTooShort {
            requested: 900,
            available: 802
        })
    ));
    assert!(matches!(
        store.log_inclusion_proof(802, 802).await,
        Err(StoreError::Proof(_))
    ));
    assert!(matches!(
        store.log_consistency_proof(10, 5).await,
        Err(StoreError::Proof(_))
    ));
    Ok(())
}

async fn checkpoints_are_kept_once_per_size(store: &dyn Store) -> Outcome {
    assert_eq!(store.latest_log_checkpoint().await?, None);
    let checkpoint = |size: u64, note: &str| StoredCheckpoint {
        size,
        note: note.to_owned(),
        signed_at: datetime!(2025-03-15 10:20:30.123_456 UTC),
    };
    assert!(store.add_log_checkpoint(&checkpoint(3, "three")).await?);
    assert!(store.add_log_checkpoint(&checkpoint(10, "ten")).await?);
    assert!(
        !store.add_log_checkpoint(&checkpoint(3, "again")).await?,
        "one checkpoint per size"
    );
    assert!(store.add_log_checkpoint(&checkpoint(7, "seven")).await?);
    assert_eq!(
        store.latest_log_checkpoint().await?,
        Some(checkpoint(10, "ten"))
    );
    let all: Vec<(u64, String)> = store
        .log_checkpoints()
        .await?
        .into_iter()
        .map(|c| (c.size, c.note))
        .collect();
    assert_eq!(
        all,
        vec![
            (3, "three".to_owned()),
            (7, "seven".to_owned()),
            (10, "ten".to_owned())
        ]
    );
    Ok(())
}

async fn log_is_append_only(db: &TestDb) -> Outcome {
    let store = db.store();
    let at = moment();
    let entries: Vec<LogAppend> = (0..300)
        .map(|i| LogAppend::new(LeafKind::Audit, at, ACTOR, &format!("audit {i}"), b"x"))
        .collect();
    store.append_log(&entries).await?;
    store
        .add_log_checkpoint(&StoredCheckpoint {
            size: 300,
            note: "n".to_owned(),
            signed_at: at,
        })
        .await?;
    let root = store.log_root(300).await?;

    let raw = db.raw().await?;
    for table in ["log_leaves", "log_tiles", "log_nodes", "log_checkpoints"] {
        let update = raw.execute(&format!("UPDATE {table} SET idx = idx")).await;
        let update = if table == "log_checkpoints" {
            raw.execute("UPDATE log_checkpoints SET note = 'x'").await
        } else {
            update
        };
        assert!(update.is_err(), "UPDATE of {table} must be refused");
        assert!(
            raw.execute(&format!("DELETE FROM {table}")).await.is_err(),
            "DELETE of {table}"
        );
        assert!(
            raw.execute(&format!("TRUNCATE {table}")).await.is_err(),
            "TRUNCATE of {table}"
        );
    }
    raw.close().await;
    assert_eq!(store.log_size().await?, 300);
    assert_eq!(store.log_root(300).await?, root);
    Ok(())
}

async fn two_stores_on_one_database_extend_one_log(db: &TestDb) -> Outcome {
    let first = db.store();
    let second = db.reopen().await?;
    let at = moment();
    let batch = |count: usize| -> Vec<LogAppend> {
        (0..count)
            .map(|i| LogAppend::new(LeafKind::Audit, at, ACTOR, &format!("{i}"), b"x"))
            .collect()
    };
    // Each store's cached tree falls behind whenever the other appends.
    for round in 0..4 {
        first.append_log(&batch(100 + round)).await?;
        create(
            first,
            RecordKind::Case,
            Uuid::now_v7(),
            json!({ "title": "a" }),
        )
        .await?;
        second.append_log(&batch(150)).await?;
        create(
            &*second,
            RecordKind::Case,
            Uuid::now_v7(),
            json!({ "title": "b" }),
        )
        .await?;
    }
    let size = first.log_size().await?;
    assert_eq!(size, second.log_size().await?);
    assert_eq!(size, 100 + 101 + 102 + 103 + 4 * 150 + 8);
    let hashes = stored_leaf_hashes(first).await?;
    let root = tree_hash(&hashes);
    assert_eq!(first.log_root(size).await?, root);
    assert_eq!(second.log_root(size).await?, root);
    for index in [0, 255, 256, size / 2, size - 1] {
        let proof = first.log_inclusion_proof(index, size).await?;
        verify_inclusion(index, size, &hashes[index as usize], &proof, &root)?;
        let proof = second.log_inclusion_proof(index, size).await?;
        verify_inclusion(index, size, &hashes[index as usize], &proof, &root)?;
    }
    Ok(())
}

async fn versions_without_leaves_get_them_when_the_store_opens(db: &TestDb) -> Outcome {
    let store = db.store();
    let id = Uuid::now_v7();
    create(store, RecordKind::Person, id, person("P-0001")).await?;
    write_one(
        store,
        change(RecordKind::Person, id, 1, Some(person("P-0002"))),
    )
    .await?;
    for _ in 0..300 {
        create(
            store,
            RecordKind::Case,
            Uuid::now_v7(),
            json!({ "title": "t" }),
        )
        .await?;
    }
    let before = whole_outbox(store).await?;

    // Empty the log behind the store's back, as a database from before the log would be.
    let raw = db.raw().await?;
    let statements: &[&str] = match &raw {
        RawPool::Sqlite(_) => &[
            "DROP TRIGGER log_leaves_no_delete",
            "DROP TRIGGER log_tiles_no_delete",
            "DROP TRIGGER log_nodes_no_delete",
        ],
        RawPool::Postgres(_) => &[
            "ALTER TABLE log_leaves DISABLE TRIGGER ALL",
            "ALTER TABLE log_tiles DISABLE TRIGGER ALL",
            "ALTER TABLE log_nodes DISABLE TRIGGER ALL",
        ],
    };
    for statement in statements {
        raw.execute(statement).await?;
    }
    for table in ["log_leaves", "log_tiles", "log_nodes"] {
        raw.execute(&format!("DELETE FROM {table}")).await?;
    }
    raw.close().await;

    let reopened = db.reopen().await?;
    assert_eq!(reopened.log_size().await?, before.len() as u64);
    // In outbox order, each version with its own leaf.
    let entries = reopened.log_entries(0, u32::MAX).await?;
    let recorded: Vec<(RecordKind, Uuid, u32)> =
        entries.iter().filter_map(|entry| entry.record).collect();
    let expected: Vec<(RecordKind, Uuid, u32)> =
        before.iter().map(|e| (e.kind, e.id, e.version)).collect();
    assert_eq!(recorded, expected);
    let hashes = stored_leaf_hashes(&*reopened).await?;
    let size = hashes.len() as u64;
    assert_eq!(reopened.log_root(size).await?, tree_hash(&hashes));
    let proof = reopened.log_inclusion_proof(7, size).await?;
    verify_inclusion(7, size, &hashes[7], &proof, &tree_hash(&hashes))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Feed subscriptions and the job queue.

/// A time at microsecond precision, `minutes` after a fixed start.
fn at_minute(minutes: i64) -> OffsetDateTime {
    datetime!(2025-05-01 12:00:00.000_001 UTC) + time::Duration::minutes(minutes)
}

/// A subscription never polled, with nothing but its settings.
fn feed_row(url: &str, added_at: OffsetDateTime) -> FeedRow {
    FeedRow {
        id: Uuid::now_v7(),
        url: url.to_owned(),
        added_by: ACTOR.to_owned(),
        added_at,
        settings: FeedSettings {
            title: format!("Feed at {url}"),
            site_url: None,
            case_ids: Vec::new(),
            paused: false,
            interval_seconds: 3600,
        },
        poll: FeedPoll::default(),
        lease_until: None,
    }
}

/// A subscription with every optional field set.
fn full_feed_row(url: &str) -> FeedRow {
    FeedRow {
        id: Uuid::now_v7(),
        url: url.to_owned(),
        added_by: "user:0195f1c2-0000-7000-8000-000000000001".to_owned(),
        added_at: at_minute(0),
        settings: FeedSettings {
            title: "Boletín Oficial — «avisos»".to_owned(),
            site_url: Some("https://example.org/".to_owned()),
            case_ids: vec![Uuid::now_v7(), Uuid::now_v7()],
            paused: true,
            interval_seconds: u32::MAX,
        },
        poll: FeedPoll {
            etag: Some("W/\"abc\"".to_owned()),
            last_modified: Some("Thu, 01 May 2025 11:00:00 GMT".to_owned()),
            next_poll_at: Some(at_minute(60)),
            last_polled_at: Some(at_minute(1)),
            last_success_at: Some(at_minute(-10)),
            last_status: Some(503),
            failures: 3,
            last_error: Some("the server answered 503 Service Unavailable".to_owned()),
            last_capture_id: Some(Uuid::now_v7()),
            items_seen: u64::from(u32::MAX) + 7,
            problems: vec!["item 3 has no link".to_owned(), "bad date «x»".to_owned()],
        },
        lease_until: Some(at_minute(2)),
    }
}

/// A pending job never run, with a payload naming its key.
fn job_row(
    kind: &str,
    key: &str,
    feed_id: Option<Uuid>,
    not_before: OffsetDateTime,
    created_at: OffsetDateTime,
) -> JobRow {
    JobRow {
        id: Uuid::now_v7(),
        kind: kind.to_owned(),
        key: key.to_owned(),
        feed_id,
        payload: json!({ "url": key, "depth": 1 }),
        state: JobState::Pending,
        attempts: 0,
        not_before,
        lease_until: None,
        last_error: None,
        created_at,
        finished_at: None,
        result: None,
    }
}

fn feed_ids(feeds: &[FeedRow]) -> Vec<Uuid> {
    feeds.iter().map(|feed| feed.id).collect()
}

fn job_ids(jobs: &[JobRow]) -> Vec<Uuid> {
    jobs.iter().map(|job| job.id).collect()
}

async fn stored_job(store: &dyn Store, job: &JobRow) -> Result<JobRow, StoreError> {
    Ok(store
        .job_by_key(&job.kind, &job.key)
        .await?
        .unwrap_or_else(|| panic!("job {} {} is not stored", job.kind, job.key)))
}

async fn feeds_round_trip_exactly(store: &dyn Store) -> Outcome {
    assert_eq!(store.feeds().await?, Vec::new());
    let full = FeedRow {
        added_at: moment(),
        ..full_feed_row("https://example.org/boletin.xml")
    };
    let plain = feed_row("https://example.net/feed", at_minute(5));
    let earlier = feed_row("https://example.com/rss?x=1&y=ñ", at_minute(-5));
    for feed in [&full, &plain, &earlier] {
        store.add_feed(feed).await?;
    }
    let full = FeedRow {
        added_at: datetime!(2025-03-15 10:20:30.123_456 UTC),
        ..full
    };
    assert_eq!(
        store.feed(full.id).await?,
        Some(full.clone()),
        "every field reads back, times cut to microseconds"
    );
    assert_eq!(store.feed(plain.id).await?, Some(plain.clone()));
    assert_eq!(store.feed(Uuid::now_v7()).await?, None);
    assert_eq!(
        store.feeds().await?,
        vec![full, earlier, plain],
        "oldest subscription first"
    );
    assert_eq!(
        whole_outbox(store).await?,
        Vec::new(),
        "subscriptions are not records"
    );
    Ok(())
}

async fn feed_id_and_url_are_unique(store: &dyn Store) -> Outcome {
    let feed = feed_row("https://example.org/feed.xml", at_minute(0));
    store.add_feed(&feed).await?;
    let same_url = FeedRow {
        id: Uuid::now_v7(),
        added_at: at_minute(1),
        ..feed.clone()
    };
    match store.add_feed(&same_url).await {
        Err(StoreError::Duplicate(what)) => assert!(
            what.contains(&feed.url),
            "the refusal names the URL: {what}"
        ),
        other => panic!("a second subscription to one URL must be refused, got {other:?}"),
    }
    let same_id = FeedRow {
        url: "https://example.org/other.xml".to_owned(),
        ..feed.clone()
    };
    match store.add_feed(&same_id).await {
        Err(StoreError::Duplicate(what)) => assert!(
            what.contains(&feed.id.to_string()),
            "the refusal names the id: {what}"
        ),
        other => panic!("a second subscription with one id must be refused, got {other:?}"),
    }
    assert_eq!(store.feeds().await?, vec![feed], "nothing else was stored");
    Ok(())
}

async fn feed_settings_and_poll_state_are_saved_apart(store: &dyn Store) -> Outcome {
    let feed = FeedRow {
        lease_until: Some(at_minute(30)),
        poll: FeedPoll {
            etag: Some("\"v1\"".to_owned()),
            next_poll_at: Some(at_minute(0)),
            failures: 2,
            ..FeedPoll::default()
        },
        ..feed_row("https://example.org/feed.xml", at_minute(0))
    };
    store.add_feed(&feed).await?;

    let settings = FeedSettings {
        title: "Renamed".to_owned(),
        site_url: Some("https://example.org/".to_owned()),
        case_ids: vec![Uuid::now_v7()],
        paused: true,
        interval_seconds: 900,
    };
    assert!(store.save_feed_settings(feed.id, &settings).await?);
    let after_settings = FeedRow {
        settings: settings.clone(),
        ..feed.clone()
    };
    assert_eq!(
        store.feed(feed.id).await?,
        Some(after_settings.clone()),
        "new settings; polling state and lease untouched"
    );

    let poll = FeedPoll {
        etag: None,
        last_modified: Some("Thu, 01 May 2025 12:00:00 GMT".to_owned()),
        next_poll_at: Some(at_minute(15)),
        last_polled_at: Some(at_minute(0)),
        last_success_at: Some(at_minute(0)),
        last_status: Some(200),
        failures: 0,
        last_error: None,
        last_capture_id: Some(Uuid::now_v7()),
        items_seen: 12,
        problems: vec!["item 4 has no date".to_owned()],
    };
    assert!(store.save_feed_poll(feed.id, &poll).await?);
    assert_eq!(
        store.feed(feed.id).await?,
        Some(FeedRow {
            poll: poll.clone(),
            lease_until: None,
            ..after_settings
        }),
        "new polling state, lease released; settings untouched"
    );

    let unknown = Uuid::now_v7();
    assert!(!store.save_feed_settings(unknown, &settings).await?);
    assert!(!store.save_feed_poll(unknown, &poll).await?);
    assert_eq!(store.feeds().await?.len(), 1, "saving adds no subscription");
    Ok(())
}

async fn deleting_a_feed_removes_only_its_pending_jobs(store: &dyn Store) -> Outcome {
    let doomed = feed_row("https://example.org/a.xml", at_minute(0));
    let kept = feed_row("https://example.org/b.xml", at_minute(1));
    store.add_feed(&doomed).await?;
    store.add_feed(&kept).await?;
    let job =
        |key: &str, feed: Option<Uuid>| job_row("page", key, feed, at_minute(0), at_minute(0));
    let pending = [job("a1", Some(doomed.id)), job("a2", Some(doomed.id))];
    let done = job("a3", Some(doomed.id));
    let failed = job("a4", Some(doomed.id));
    let other_feed = job("b1", Some(kept.id));
    let no_feed = job("c1", None);
    let mut all: Vec<JobRow> = pending.to_vec();
    all.extend([
        done.clone(),
        failed.clone(),
        other_feed.clone(),
        no_feed.clone(),
    ]);
    store.enqueue_jobs(&all).await?;
    let leased = store
        .lease_jobs("page", at_minute(0), at_minute(10), 100)
        .await?;
    assert_eq!(leased.len(), 6);
    let result = json!({ "capture_id": Uuid::now_v7() });
    let finished = at_minute(1);
    assert!(
        store
            .finish_job(
                done.id,
                &JobOutcome::Done {
                    result,
                    at: finished
                }
            )
            .await?
    );
    let error = "the page answered 404 Not Found".to_owned();
    assert!(
        store
            .finish_job(
                failed.id,
                &JobOutcome::Failed {
                    error,
                    at: finished
                }
            )
            .await?
    );

    assert!(store.delete_feed(doomed.id).await?);
    assert_eq!(store.feed(doomed.id).await?, None);
    assert_eq!(feed_ids(&store.feeds().await?), [kept.id]);
    let remaining: BTreeSet<Uuid> = job_ids(&store.jobs(&JobFilter::default()).await?)
        .into_iter()
        .collect();
    assert_eq!(
        remaining,
        BTreeSet::from([done.id, failed.id, other_feed.id, no_feed.id]),
        "the feed's pending jobs went; its history and other jobs stayed"
    );
    assert!(
        !store.delete_feed(doomed.id).await?,
        "a second delete finds nothing"
    );
    assert!(!store.delete_feed(Uuid::now_v7()).await?);
    assert_eq!(store.jobs(&JobFilter::default()).await?.len(), 4);
    Ok(())
}

async fn due_feeds_are_leased_in_order_and_lapsed_leases_return(store: &dyn Store) -> Outcome {
    let now = at_minute(0);
    let until = at_minute(10);
    let due_at = |feed: FeedRow, next: Option<i64>| FeedRow {
        poll: FeedPoll {
            next_poll_at: next.map(at_minute),
            ..feed.poll.clone()
        },
        ..feed
    };
    let url = |name: &str| format!("https://example.org/{name}.xml");
    let oldest_due = due_at(feed_row(&url("two-hours"), at_minute(-500)), Some(-120));
    let hour_due = due_at(feed_row(&url("one-hour"), at_minute(-400)), Some(-60));
    let never_polled = due_at(feed_row(&url("never"), at_minute(-300)), None);
    let leased = FeedRow {
        lease_until: Some(at_minute(5)),
        ..due_at(feed_row(&url("leased"), at_minute(-200)), Some(-45))
    };
    let lapsed = FeedRow {
        lease_until: Some(at_minute(-1)),
        ..due_at(feed_row(&url("lapsed"), at_minute(-100)), Some(-30))
    };
    let mut paused = due_at(feed_row(&url("paused"), at_minute(-600)), Some(-180));
    paused.settings.paused = true;
    let future = due_at(feed_row(&url("future"), at_minute(-700)), Some(60 * 24));
    for feed in [
        &oldest_due,
        &hour_due,
        &never_polled,
        &leased,
        &lapsed,
        &paused,
        &future,
    ] {
        store.add_feed(feed).await?;
    }

    assert_eq!(store.lease_due_feeds(now, until, 0).await?, Vec::new());
    let first = store.lease_due_feeds(now, until, 2).await?;
    assert_eq!(
        feed_ids(&first),
        [oldest_due.id, hour_due.id],
        "earliest due first, at most the limit"
    );
    assert_eq!(
        first[0],
        FeedRow {
            lease_until: Some(until),
            ..oldest_due.clone()
        },
        "a leased feed comes back whole, with its lease"
    );
    assert_eq!(
        store.feed(hour_due.id).await?.and_then(|f| f.lease_until),
        Some(until)
    );
    let second = store.lease_due_feeds(now, until, 10).await?;
    assert_eq!(
        feed_ids(&second),
        [lapsed.id, never_polled.id],
        "an expired lease is no lease; an unset due time means due now; paused, future and \
         leased feeds are skipped"
    );
    assert_eq!(store.lease_due_feeds(now, until, 10).await?, Vec::new());

    // Once the leases have run out (the pollers died), every due feed is due again.
    let later = until;
    let again = store.lease_due_feeds(later, at_minute(20), 10).await?;
    assert_eq!(
        feed_ids(&again),
        [
            oldest_due.id,
            hour_due.id,
            leased.id,
            lapsed.id,
            never_polled.id
        ]
    );
    assert!(
        again.iter().all(|f| f.lease_until == Some(at_minute(20))),
        "every feed taken carries the new lease"
    );
    assert_eq!(
        store.feed(paused.id).await?,
        Some(paused),
        "a paused feed is never leased"
    );
    assert_eq!(store.feed(future.id).await?, Some(future));
    Ok(())
}

async fn enqueue_skips_jobs_already_stored(store: &dyn Store) -> Outcome {
    let feed = Uuid::now_v7();
    let first = JobRow {
        state: JobState::Failed,
        attempts: 4,
        lease_until: Some(at_minute(3)),
        last_error: Some("timed out after 30 s".to_owned()),
        finished_at: Some(at_minute(4)),
        result: Some(json!({ "partial": [1, 2, { "ñ": null }] })),
        payload: json!({ "url": "https://example.org/a", "nested": { "n": 1.5 } }),
        ..job_row(
            "page",
            "https://example.org/a",
            Some(feed),
            at_minute(1),
            at_minute(0),
        )
    };
    let second = job_row(
        "page",
        "https://example.org/b",
        None,
        at_minute(1),
        at_minute(0),
    );
    let repeat_in_batch = job_row(
        "page",
        "https://example.org/a",
        None,
        at_minute(2),
        at_minute(0),
    );
    let added = store
        .enqueue_jobs(&[first.clone(), second.clone(), repeat_in_batch.clone()])
        .await?;
    assert_eq!(
        added,
        [first.id, second.id],
        "a repeat within one batch is skipped"
    );
    assert_eq!(
        stored_job(store, &first).await?,
        first,
        "every field reads back"
    );
    assert_eq!(stored_job(store, &second).await?, second);

    let stored_b = job_row(
        "page",
        "https://example.org/b",
        Some(feed),
        at_minute(9),
        at_minute(9),
    );
    let new_key = job_row(
        "page",
        "https://example.org/c",
        Some(feed),
        at_minute(1),
        at_minute(1),
    );
    let other_kind = job_row(
        "thumbnail",
        "https://example.org/a",
        None,
        at_minute(1),
        at_minute(1),
    );
    let added = store
        .enqueue_jobs(&[stored_b.clone(), new_key.clone(), other_kind.clone()])
        .await?;
    assert_eq!(
        added,
        [new_key.id, other_kind.id],
        "a job whose kind and key are stored is skipped; the key is unique per kind only"
    );
    assert_eq!(
        stored_job(store, &second).await?,
        second,
        "the stored job is unchanged"
    );
    assert_eq!(store.enqueue_jobs(&[]).await?, Vec::<Uuid>::new());
    assert_eq!(
        store.job_by_key("page", "https://example.org/z").await?,
        None
    );
    assert_eq!(
        store
            .job_by_key("thumbnail", "https://example.org/b")
            .await?,
        None
    );

    // A job whose id is taken is refused, and its batch with it.
    let fresh = job_row(
        "page",
        "https://example.org/d",
        None,
        at_minute(1),
        at_minute(1),
    );
    let same_id = JobRow {
        key: "https://example.org/e".to_owned(),
        ..second.clone()
    };
    match store.enqueue_jobs(&[fresh.clone(), same_id]).await {
        Err(StoreError::Duplicate(what)) => assert!(what.contains(&second.id.to_string())),
        other => panic!("a job with a stored id must be refused, got {other:?}"),
    }
    assert_eq!(store.job_by_key("page", &fresh.key).await?, None);
    assert_eq!(store.jobs(&JobFilter::default()).await?.len(), 4);
    Ok(())
}

async fn jobs_are_leased_once_per_lease_and_again_after_it_lapses(store: &dyn Store) -> Outcome {
    let now = at_minute(0);
    let until = at_minute(10);
    let job = |key: &str, kind: &str, not_before: i64, created: i64| {
        job_row(kind, key, None, at_minute(not_before), at_minute(created))
    };
    let oldest = job("a", "page", -3, -1);
    let older = job("b", "page", -2, -9);
    let old = job("c", "page", -2, -5);
    let future = job("d", "page", 60, -10);
    let other_kind = job("e", "thumbnail", -10, -10);
    let held = JobRow {
        lease_until: Some(at_minute(5)),
        ..job("f", "page", -20, -20)
    };
    store
        .enqueue_jobs(&[
            future.clone(),
            old.clone(),
            other_kind.clone(),
            oldest.clone(),
            held.clone(),
            older.clone(),
        ])
        .await?;

    assert_eq!(store.lease_jobs("page", now, until, 0).await?, Vec::new());
    let first = store.lease_jobs("page", now, until, 2).await?;
    assert_eq!(
        job_ids(&first),
        [oldest.id, older.id],
        "oldest not_before first, then oldest job; at most the limit; a held lease is skipped"
    );
    assert_eq!(
        first[0],
        JobRow {
            attempts: 1,
            lease_until: Some(until),
            ..oldest.clone()
        },
        "the attempt is counted and the lease stored"
    );
    assert_eq!(
        job_ids(&store.lease_jobs("page", now, until, 10).await?),
        [old.id]
    );
    assert_eq!(store.lease_jobs("page", now, until, 10).await?, Vec::new());
    assert_eq!(
        job_ids(&store.lease_jobs("thumbnail", now, until, 10).await?),
        [other_kind.id],
        "only jobs of the kind asked for"
    );
    assert_eq!(store.lease_jobs("video", now, until, 10).await?, Vec::new());

    // The worker crashed: once its leases have run out, the jobs are taken again.
    let restart = until;
    let again = store.lease_jobs("page", restart, at_minute(20), 10).await?;
    assert_eq!(job_ids(&again), [held.id, oldest.id, older.id, old.id]);
    let attempts: Vec<u32> = again.iter().map(|j| j.attempts).collect();
    assert_eq!(attempts, [1, 2, 2, 2], "each lease counts an attempt");

    // Done jobs are never leased again; a job is not leased before its not_before.
    for job in &again {
        let outcome = JobOutcome::Done {
            result: json!({}),
            at: restart,
        };
        assert!(store.finish_job(job.id, &outcome).await?);
    }
    assert_eq!(
        store
            .lease_jobs("page", at_minute(59), at_minute(70), 10)
            .await?,
        Vec::new()
    );
    assert_eq!(
        job_ids(
            &store
                .lease_jobs("page", at_minute(60), at_minute(70), 10)
                .await?
        ),
        [future.id],
        "due at exactly its not_before"
    );
    Ok(())
}

async fn finishing_jobs_in_a_batch_records_each_outcome(store: &dyn Store) -> Outcome {
    let jobs: Vec<JobRow> = ["a", "b", "c"]
        .iter()
        .map(|key| job_row("page", key, None, at_minute(0), at_minute(0)))
        .collect();
    store.enqueue_jobs(&jobs).await?;
    assert_eq!(
        store
            .lease_jobs("page", at_minute(0), at_minute(10), 10)
            .await?
            .len(),
        3
    );
    let result = json!({ "capture_id": Uuid::now_v7() });
    let outcomes = vec![
        (
            jobs[0].id,
            JobOutcome::Done {
                result: result.clone(),
                at: at_minute(1),
            },
        ),
        (
            jobs[1].id,
            JobOutcome::Retry {
                not_before: at_minute(30),
                error: "reset".to_owned(),
            },
        ),
        (
            jobs[2].id,
            JobOutcome::Failed {
                error: "gone".to_owned(),
                at: at_minute(2),
            },
        ),
        (
            Uuid::now_v7(),
            JobOutcome::Failed {
                error: "no such job".to_owned(),
                at: at_minute(2),
            },
        ),
    ];
    assert_eq!(
        store.finish_jobs(&outcomes).await?,
        3,
        "three of the four exist"
    );
    for (job, outcome) in jobs.iter().zip(&outcomes) {
        let one_by_one = job_row(
            "page",
            &format!("{}-single", job.key),
            None,
            at_minute(0),
            at_minute(0),
        );
        store
            .enqueue_jobs(std::slice::from_ref(&one_by_one))
            .await?;
        store
            .lease_jobs("page", at_minute(0), at_minute(10), 10)
            .await?;
        store.finish_job(one_by_one.id, &outcome.1).await?;
        let batched = stored_job(store, job).await?;
        let single = stored_job(store, &one_by_one).await?;
        assert_eq!(
            (
                batched.state,
                batched.not_before,
                batched.last_error,
                batched.finished_at,
                batched.result,
                batched.lease_until
            ),
            (
                single.state,
                single.not_before,
                single.last_error,
                single.finished_at,
                single.result,
                single.lease_until
            ),
            "a batched outcome is stored as finish_job stores it"
        );
    }
    assert_eq!(store.finish_jobs(&[]).await?, 0);
    Ok(())
}

async fn finishing_a_job_records_how_it_ended(store: &dyn Store) -> Outcome {
    let jobs: Vec<JobRow> = ["done", "retry", "failed"]
        .iter()
        .map(|key| job_row("page", key, None, at_minute(0), at_minute(0)))
        .collect();
    store.enqueue_jobs(&jobs).await?;
    let leased = store
        .lease_jobs("page", at_minute(0), at_minute(10), 10)
        .await?;
    assert_eq!(leased.len(), 3);
    let (done, retry, failed) = (&jobs[0], &jobs[1], &jobs[2]);

    let result = json!({ "capture_id": Uuid::now_v7(), "documents": 2 });
    let finished_at = at_minute(1);
    assert!(
        store
            .finish_job(
                done.id,
                &JobOutcome::Done {
                    result: result.clone(),
                    at: finished_at
                }
            )
            .await?
    );
    assert_eq!(
        stored_job(store, done).await?,
        JobRow {
            state: JobState::Done,
            attempts: 1,
            result: Some(result),
            finished_at: Some(finished_at),
            ..done.clone()
        },
        "done: result and end time stored, lease released"
    );

    let error = "connection reset by the server".to_owned();
    let retry_at = at_minute(30);
    assert!(
        store
            .finish_job(
                retry.id,
                &JobOutcome::Retry {
                    not_before: retry_at,
                    error: error.clone()
                }
            )
            .await?
    );
    let expected_retry = JobRow {
        attempts: 1,
        not_before: retry_at,
        last_error: Some(error),
        ..retry.clone()
    };
    assert_eq!(
        stored_job(store, retry).await?,
        expected_retry,
        "retry: pending again, not before the given time, lease released"
    );

    let reason = "the page is larger than 50 MB".to_owned();
    assert!(
        store
            .finish_job(
                failed.id,
                &JobOutcome::Failed {
                    error: reason.clone(),
                    at: finished_at
                }
            )
            .await?
    );
    assert_eq!(
        stored_job(store, failed).await?,
        JobRow {
            state: JobState::Failed,
            attempts: 1,
            last_error: Some(reason),
            finished_at: Some(finished_at),
            ..failed.clone()
        },
        "failed: reason and end time stored, lease released"
    );

    // Only the retried job is taken again, and only once it is due.
    assert_eq!(
        store
            .lease_jobs("page", at_minute(29), at_minute(40), 10)
            .await?,
        Vec::new()
    );
    assert_eq!(
        store
            .lease_jobs("page", retry_at, at_minute(40), 10)
            .await?,
        vec![JobRow {
            attempts: 2,
            lease_until: Some(at_minute(40)),
            ..expected_retry
        }]
    );
    let outcome = JobOutcome::Failed {
        error: "x".to_owned(),
        at: finished_at,
    };
    assert!(!store.finish_job(Uuid::now_v7(), &outcome).await?);
    Ok(())
}

async fn jobs_are_listed_newest_first_and_counted_per_feed(store: &dyn Store) -> Outcome {
    let (feed_a, feed_b) = (Uuid::now_v7(), Uuid::now_v7());
    let mut jobs = Vec::new();
    for (index, (kind, feed)) in [
        ("page", Some(feed_a)),
        ("page", Some(feed_a)),
        ("page", Some(feed_b)),
        ("thumbnail", Some(feed_a)),
        ("page", None),
        ("page", Some(feed_a)),
        ("page", Some(feed_b)),
    ]
    .into_iter()
    .enumerate()
    {
        jobs.push(job_row(
            kind,
            &format!("key {index}"),
            feed,
            at_minute(0),
            at_minute(index as i64),
        ));
    }
    // Two jobs made in the same microsecond are ordered by id.
    let twin = JobRow {
        id: Uuid::now_v7(),
        key: "twin".to_owned(),
        ..jobs[6].clone()
    };
    jobs.push(twin.clone());
    store.enqueue_jobs(&jobs).await?;
    store
        .lease_jobs("page", at_minute(0), at_minute(10), 100)
        .await?;
    let end = |error: &str| JobOutcome::Failed {
        error: error.to_owned(),
        at: at_minute(1),
    };
    let done = JobOutcome::Done {
        result: json!({}),
        at: at_minute(1),
    };
    store.finish_job(jobs[0].id, &done).await?;
    store.finish_job(jobs[1].id, &end("gone")).await?;
    store.finish_job(jobs[2].id, &end("gone")).await?;

    let listed =
        |filter: JobFilter| async move { store.jobs(&filter).await.map(|jobs| job_ids(&jobs)) };
    let newest_first: Vec<Uuid> = [7, 6, 5, 4, 3, 2, 1, 0]
        .iter()
        .map(|&i| jobs[i].id)
        .collect();
    assert_eq!(listed(JobFilter::default()).await?, newest_first);
    assert_eq!(
        listed(JobFilter {
            limit: Some(3),
            ..JobFilter::default()
        })
        .await?,
        newest_first[..3]
    );
    assert_eq!(
        listed(JobFilter {
            kind: Some("thumbnail".to_owned()),
            ..JobFilter::default()
        })
        .await?,
        [jobs[3].id]
    );
    assert_eq!(
        listed(JobFilter {
            feed_id: Some(feed_a),
            ..JobFilter::default()
        })
        .await?,
        [jobs[5].id, jobs[3].id, jobs[1].id, jobs[0].id]
    );
    assert_eq!(
        listed(JobFilter {
            state: Some(JobState::Failed),
            ..JobFilter::default()
        })
        .await?,
        [jobs[2].id, jobs[1].id]
    );
    assert_eq!(
        listed(JobFilter {
            kind: Some("page".to_owned()),
            feed_id: Some(feed_a),
            state: Some(JobState::Pending),
            limit: Some(10),
        })
        .await?,
        [jobs[5].id]
    );
    assert_eq!(
        listed(JobFilter {
            feed_id: Some(Uuid::now_v7()),
            ..JobFilter::default()
        })
        .await?,
        Vec::<Uuid>::new()
    );

    let counts: BTreeMap<Option<Uuid>, JobCounts> = store.job_counts().await?.into_iter().collect();
    let count = |pending, done, failed| JobCounts {
        pending,
        done,
        failed,
    };
    assert_eq!(
        counts,
        BTreeMap::from([
            (None, count(1, 0, 0)),
            (Some(feed_a), count(2, 1, 1)),
            (Some(feed_b), count(2, 0, 1)),
        ])
    );
    Ok(())
}

async fn failed_jobs_can_be_retried(store: &dyn Store) -> Outcome {
    let (feed_a, feed_b) = (Uuid::now_v7(), Uuid::now_v7());
    let jobs = [
        job_row("page", "a1", Some(feed_a), at_minute(0), at_minute(0)),
        job_row("page", "a2", Some(feed_a), at_minute(0), at_minute(1)),
        job_row("page", "a3", Some(feed_a), at_minute(0), at_minute(2)),
        job_row("page", "b1", Some(feed_b), at_minute(0), at_minute(3)),
        job_row("page", "n1", None, at_minute(0), at_minute(4)),
    ];
    store.enqueue_jobs(&jobs).await?;
    // Two leases each, so that the reset of attempts shows.
    for round in 0..2 {
        let now = at_minute(10 * round);
        let leased = store
            .lease_jobs("page", now, now + time::Duration::minutes(5), 10)
            .await?;
        assert_eq!(leased.len(), 5);
    }
    let failed = |error: &str| JobOutcome::Failed {
        error: error.to_owned(),
        at: at_minute(11),
    };
    for job in [&jobs[0], &jobs[1], &jobs[3], &jobs[4]] {
        store.finish_job(job.id, &failed(&job.key)).await?;
    }
    let done = JobOutcome::Done {
        result: json!({ "ok": true }),
        at: at_minute(11),
    };
    store.finish_job(jobs[2].id, &done).await?;

    let now = at_minute(100);
    assert_eq!(store.retry_failed_jobs(Some(feed_a), now).await?, 2);
    for job in [&jobs[0], &jobs[1]] {
        assert_eq!(
            stored_job(store, job).await?,
            JobRow {
                not_before: now,
                last_error: Some(job.key.clone()),
                ..job.clone()
            },
            "pending again, due now, attempts reset, the last error kept"
        );
    }
    assert_eq!(stored_job(store, &jobs[2]).await?.state, JobState::Done);
    assert_eq!(stored_job(store, &jobs[3]).await?.state, JobState::Failed);
    assert_eq!(store.retry_failed_jobs(Some(Uuid::now_v7()), now).await?, 0);
    assert_eq!(store.retry_failed_jobs(None, now).await?, 2);
    assert_eq!(store.retry_failed_jobs(None, now).await?, 0);
    let leased = store
        .lease_jobs("page", now, now + time::Duration::minutes(5), 10)
        .await?;
    assert_eq!(
        job_ids(&leased),
        [jobs[0].id, jobs[1].id, jobs[3].id, jobs[4].id]
    );
    assert!(leased.iter().all(|job| job.attempts == 1));
    Ok(())
}

/// Jobs and feeds for the concurrent workers.
const QUEUED_JOBS: usize = 100;
const POLLED_FEEDS: usize = 40;
const WORKERS: usize = 4;

async fn concurrent_workers_never_share_a_lease(store: Arc<dyn Store>) -> Outcome {
    let jobs: Vec<JobRow> = (0..QUEUED_JOBS)
        .map(|i| {
            job_row(
                "page",
                &format!("job {i}"),
                None,
                at_minute(0),
                at_minute(0),
            )
        })
        .collect();
    assert_eq!(store.enqueue_jobs(&jobs).await?.len(), QUEUED_JOBS);
    for i in 0..POLLED_FEEDS {
        let feed = feed_row(&format!("https://example.org/{i}.xml"), at_minute(0));
        store.add_feed(&feed).await?;
    }

    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| tokio::spawn(lease_until_empty(Arc::clone(&store), worker)))
        .collect();
    let mut leased_jobs = Vec::new();
    let mut leased_feeds = Vec::new();
    for worker in workers {
        let (jobs, feeds) = worker.await??;
        leased_jobs.extend(jobs);
        leased_feeds.extend(feeds);
    }

    let distinct: BTreeSet<Uuid> = leased_jobs.iter().copied().collect();
    assert_eq!(distinct.len(), leased_jobs.len(), "no job was leased twice");
    assert_eq!(
        distinct,
        job_ids(&jobs).into_iter().collect(),
        "every job was leased"
    );
    let stored = store.jobs(&JobFilter::default()).await?;
    assert!(
        stored
            .iter()
            .all(|job| job.state == JobState::Done && job.attempts == 1),
        "every job ran once"
    );
    let distinct: BTreeSet<Uuid> = leased_feeds.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        leased_feeds.len(),
        "no feed was leased twice"
    );
    assert_eq!(distinct.len(), POLLED_FEEDS, "every feed was leased");
    Ok(())
}

/// One worker: takes a few jobs and a feed at a time, finishing each job, until nothing is due.
async fn lease_until_empty(
    store: Arc<dyn Store>,
    worker: usize,
) -> Result<(Vec<Uuid>, Vec<Uuid>), StoreError> {
    let (now, until) = (at_minute(0), at_minute(10));
    let mut jobs = Vec::new();
    let mut feeds = Vec::new();
    loop {
        let leased = store.lease_jobs("page", now, until, 3).await?;
        for job in &leased {
            let outcome = JobOutcome::Done {
                result: json!({ "worker": worker }),
                at: now,
            };
            assert!(store.finish_job(job.id, &outcome).await?);
        }
        let polled = store.lease_due_feeds(now, until, 1).await?;
        if leased.is_empty() && polled.is_empty() {
            return Ok((jobs, feeds));
        }
        jobs.extend(job_ids(&leased));
        feeds.extend(feed_ids(&polled));
        tokio::task::yield_now().await;
    }
}

// ---------------------------------------------------------------------------------------------
// Second factors and recovery codes (issue 7).

async fn second_factor_steps_only_rise_and_recovery_codes_work_once(store: &dyn Store) -> Outcome {
    let user = Uuid::now_v7();
    assert_eq!(store.second_factor(user).await?, None);
    let pending = SecondFactorRow {
        user_id: user,
        secret: vec![7; 20],
        created_at: datetime!(2025-03-15 10:20:30.123_456 UTC),
        confirmed_at: None,
        last_step: 0,
    };
    store.save_second_factor(&pending, &[]).await?;
    assert_eq!(store.second_factor(user).await?, Some(pending.clone()));
    assert!(
        !store.advance_totp_step(user, 5).await?,
        "a pending second factor accepts no code"
    );
    let confirmed = SecondFactorRow {
        confirmed_at: Some(datetime!(2025-03-15 10:21:00 UTC)),
        last_step: 10,
        ..pending
    };
    let hashes = ["a".repeat(64), "b".repeat(64)];
    store.save_second_factor(&confirmed, &hashes).await?;
    assert_eq!(store.second_factor(user).await?, Some(confirmed.clone()));
    assert_eq!(store.recovery_codes_left(user).await?, 2);
    assert!(
        !store.advance_totp_step(user, 10).await?,
        "a step is used once"
    );
    assert!(!store.advance_totp_step(user, 9).await?, "no going back");
    assert!(store.advance_totp_step(user, 11).await?);
    assert!(!store.advance_totp_step(user, 11).await?);
    assert_eq!(
        store.second_factor(user).await?.map(|row| row.last_step),
        Some(11)
    );

    let at = datetime!(2025-03-16 08:00:00 UTC);
    assert!(store.use_recovery_code(user, &hashes[0], at).await?);
    assert!(
        !store.use_recovery_code(user, &hashes[0], at).await?,
        "used once"
    );
    assert!(
        !store
            .use_recovery_code(Uuid::now_v7(), &hashes[1], at)
            .await?
    );
    assert_eq!(store.recovery_codes_left(user).await?, 1);

    assert!(store.delete_second_factor(user).await?);
    assert!(!store.delete_second_factor(user).await?);
    assert_eq!(store.second_factor(user).await?, None);
    assert_eq!(store.recovery_codes_left(user).await?, 0);
    assert!(!store.use_recovery_code(user, &hashes[1], at).await?);
    Ok(())
}

async fn revoking_a_users_tokens_leaves_others_alone(store: &dyn Store) -> Outcome {
    let (alice, bob) = (Uuid::now_v7(), Uuid::now_v7());
    let tokens = [
        api_token(alice, '1', "one", moment()),
        api_token(alice, '2', "two", moment()),
        api_token(bob, '3', "three", moment()),
    ];
    for token in &tokens {
        store.create_api_token(token).await?;
    }
    let earlier = datetime!(2025-04-01 00:00:00 UTC);
    store.revoke_api_token(tokens[1].id, earlier).await?;
    let at = datetime!(2025-04-02 00:00:00 UTC);
    assert_eq!(store.revoke_user_api_tokens(alice, at).await?, 1);
    let revoked: Vec<Option<OffsetDateTime>> = store
        .list_api_tokens(None)
        .await?
        .into_iter()
        .map(|token| token.revoked_at)
        .collect();
    assert_eq!(revoked, [Some(at), Some(earlier), None]);
    Ok(())
}
