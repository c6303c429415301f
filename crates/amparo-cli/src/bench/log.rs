//! `amparo bench log`: the evidence log's budgets (DESIGN.md, "Budgets"), measured on a real
//! SQLite installation in one run:
//!
//! * durable appends, in batches of at most 1,000 leaves each committed before the next is
//!   sent, up to `--leaves`; against the same rows committed the same way into a plain table
//!   without the Merkle tree (the baseline);
//! * inclusion-proof generation once the log holds `--proof-leaves` leaves (10 M by default),
//!   for leaves chosen at random, as the store generates them for the API;
//! * verification of an evidence bundle holding a `--bundle-mb` capture, against SHA-256 of the
//!   same bytes in memory (the baseline: verifying cannot be faster than hashing).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use amparo_app::installation::{self, InitOptions, os_user};
use amparo_app::{Actor, App, CaptureOptions};
use amparo_bundle::Outcome;
use amparo_store::LogAppend;
use amparo_tlog::LeafKind;
use anyhow::{Context, bail};
use rand::{Rng, RngCore, SeedableRng};
use serde_json::json;
use sha2::{Digest, Sha256};

/// Appends per second the budget asks for.
const TARGET_APPENDS_PER_S: f64 = 100_000.0;
/// Microseconds an inclusion proof at 10 M leaves may take.
const TARGET_PROOF_US: f64 = 50.0;
/// Bundle verification against raw SHA-256 the budget asks for.
const TARGET_VERIFY_RATIO: f64 = 0.8;
/// Leaves per batch while filling the log up to the proof size (not measured).
const FILL_BATCH: usize = 10_000;

/// Options of `amparo bench log`.
#[derive(Debug)]
pub struct LogOptions {
    pub leaves: u64,
    pub batch: usize,
    pub proof_leaves: u64,
    pub proofs: usize,
    pub bundle_mb: u64,
    pub json: bool,
    pub keep: Option<PathBuf>,
}

/// Latency percentiles of a list of durations, in microseconds.
fn percentile_us(sorted: &[Duration], percentile: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((percentile / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1e6
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn batch_of(count: usize, tag: u64) -> Vec<LogAppend> {
    let at = time::OffsetDateTime::now_utc();
    (0..count)
        .map(|i| {
            LogAppend::new(
                LeafKind::Audit,
                at,
                "bench",
                &format!("bench {tag} {i}"),
                b"bench",
            )
        })
        .collect()
}

pub async fn log(options: &LogOptions) -> anyhow::Result<()> {
    if options.batch == 0 || options.batch > 1_000 {
        bail!("--batch must be between 1 and 1000 (the budget is for batches of at most 1,000)");
    }
    if options.proof_leaves < options.leaves {
        bail!("--proof-leaves must be at least --leaves");
    }
    let temporary;
    let dir = match &options.keep {
        Some(dir) => dir.clone(),
        None => {
            temporary = tempfile::tempdir().context("a temporary folder for the installation")?;
            temporary.path().join("bench")
        }
    };
    let init = InitOptions {
        admin_username: None,
        ..InitOptions::default()
    };
    let (app, _) = installation::init(&dir, init).await?;

    // 1. Durable appends through the store, measured per batch.
    eprintln!(
        "bench: appending {} leaves in batches of {}",
        options.leaves, options.batch
    );
    let mut batch_times = Vec::new();
    let started = Instant::now();
    let mut appended = 0u64;
    while appended < options.leaves {
        let count = (options.leaves - appended).min(options.batch as u64) as usize;
        let entries = batch_of(count, appended);
        let begun = Instant::now();
        app.append_log(&entries).await?;
        batch_times.push(begun.elapsed());
        appended += count as u64;
    }
    let append_seconds = started.elapsed().as_secs_f64();
    let appends_per_s = appended as f64 / append_seconds;
    batch_times.sort();

    // The baseline: the same rows, committed the same way, into a plain table.
    let baseline_per_s = plain_insert_baseline(&dir, options.leaves, options.batch).await?;

    // 2. Fill up to the proof size, then time proofs of random leaves.
    let mut size = appended;
    let fill_started = Instant::now();
    while size < options.proof_leaves {
        let count = (options.proof_leaves - size).min(FILL_BATCH as u64) as usize;
        app.append_log(&batch_of(count, size)).await?;
        size += count as u64;
        if size % 1_000_000 < FILL_BATCH as u64 {
            eprintln!("bench: the log holds {size} leaves");
        }
    }
    let fill_seconds = fill_started.elapsed().as_secs_f64();
    let checkpoint = app.sign_checkpoint().await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(6962);
    // Warm the cached tree once, as a serving process has it.
    app.log_proof_path(0, size).await?;
    let mut proof_times = Vec::with_capacity(options.proofs);
    let proofs_started = Instant::now();
    for _ in 0..options.proofs {
        let index = rng.gen_range(0..size);
        let begun = Instant::now();
        let path = app.log_proof_path(index, size).await?;
        proof_times.push(begun.elapsed());
        if path.is_empty() && size > 1 {
            bail!("an empty proof for leaf {index} of {size}");
        }
    }
    let proofs_seconds = proofs_started.elapsed().as_secs_f64();
    proof_times.sort();
    // One full check that what was timed is a valid proof.
    let check = app
        .log_inclusion_proof(size / 2, Some(checkpoint.size))
        .await?;
    amparo_tlog::verify_inclusion(
        check.leaf_idx,
        check.tree_size,
        &check.leaf_hash,
        &check.proof,
        &check.root,
    )
    .context("a generated proof did not verify")?;

    // 3. Bundle verification against raw SHA-256.
    let (verify_mb_per_s, sha256_mb_per_s) = bundle_verification(&app, &dir, options).await?;

    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let p50 = percentile_us(&proof_times, 50.0);
    if options.json {
        let report = json!({
            "suite": "log",
            "appends_per_s": round1(appends_per_s),
            "leaves": appended,
            "proof_us_at_10m": round1(p50),
            "bundle_verify_mb_per_s": round1(verify_mb_per_s),
            "sha256_mb_per_s": round1(sha256_mb_per_s),
            "appends": {
                "batch": options.batch,
                "seconds": round1(append_seconds),
                "batch_ms_p50": round1(percentile_us(&batch_times, 50.0) / 1e3),
                "batch_ms_p99": round1(percentile_us(&batch_times, 99.0) / 1e3),
                "baseline_plain_inserts_per_s": round1(baseline_per_s),
                "ratio_to_baseline": round1(appends_per_s / baseline_per_s * 100.0) / 100.0,
                "target_per_s": TARGET_APPENDS_PER_S,
            },
            "proofs": {
                "tree_size": size,
                "count": options.proofs,
                "us_p50": round1(p50),
                "us_p90": round1(percentile_us(&proof_times, 90.0)),
                "us_p99": round1(percentile_us(&proof_times, 99.0)),
                "per_s": round1(options.proofs as f64 / proofs_seconds),
                "fill_seconds": round1(fill_seconds),
                "target_us": TARGET_PROOF_US,
            },
            "bundle": {
                "capture_mb": options.bundle_mb,
                "ratio_to_sha256": round1(verify_mb_per_s / sha256_mb_per_s * 100.0) / 100.0,
                "target_ratio": TARGET_VERIFY_RATIO,
            },
            "machine": { "cores": cores, "os": std::env::consts::OS, "arch": std::env::consts::ARCH },
            "build": build,
        });
        println!("{report}");
    } else {
        println!("amparo bench log ({cores} cores, {build} build)");
        println!(
            "appends: {appended} leaves in batches of {}: {:.0}/s (plain inserts: {:.0}/s, ratio {:.2}); batch p50 {:.1} ms, p99 {:.1} ms; target >= {TARGET_APPENDS_PER_S:.0}/s",
            options.batch,
            appends_per_s,
            baseline_per_s,
            appends_per_s / baseline_per_s,
            percentile_us(&batch_times, 50.0) / 1e3,
            percentile_us(&batch_times, 99.0) / 1e3,
        );
        println!(
            "inclusion proofs at {size} leaves: p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs over {}; target < {TARGET_PROOF_US} µs",
            p50,
            percentile_us(&proof_times, 90.0),
            percentile_us(&proof_times, 99.0),
            options.proofs
        );
        println!(
            "bundle verification ({} MB capture): {verify_mb_per_s:.0} MB/s; SHA-256 alone: {sha256_mb_per_s:.0} MB/s; ratio {:.2}, target >= {TARGET_VERIFY_RATIO}",
            options.bundle_mb,
            verify_mb_per_s / sha256_mb_per_s
        );
    }
    if let Some(dir) = &options.keep {
        eprintln!("bench: the installation is kept in {}", dir.display());
    }
    Ok(())
}

/// Inserts the same number of leaf-sized rows (index, 106-byte leaf, 96-byte salts) into a
/// plain table of a separate SQLite file with the installation's settings (WAL, synchronous
/// commits), in the same batches, each committed before the next: what a durable append costs
/// without the tree.
async fn plain_insert_baseline(dir: &Path, leaves: u64, batch: usize) -> anyhow::Result<f64> {
    use sqlx::sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    };
    let options = SqliteConnectOptions::new()
        .filename(dir.join("bench-baseline.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    sqlx::query(
        "CREATE TABLE plain (idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL, salts BLOB NOT NULL)",
    )
    .execute(&pool)
    .await?;
    let started = Instant::now();
    let mut written = 0u64;
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    while written < leaves {
        let count = (leaves - written).min(batch as u64) as usize;
        let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = (0..count)
            .map(|i| {
                let mut leaf = vec![0u8; 106];
                let mut salts = vec![0u8; 96];
                rng.fill_bytes(&mut leaf);
                rng.fill_bytes(&mut salts);
                ((written + i as u64) as i64, leaf, salts)
            })
            .collect();
        let mut transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
        for chunk in rows.chunks(200) {
            let mut insert: sqlx::QueryBuilder<'_, sqlx::Sqlite> =
                sqlx::QueryBuilder::new("INSERT INTO plain (idx, leaf, salts) ");
            insert.push_values(chunk, |mut row, (idx, leaf, salts)| {
                row.push_bind(*idx)
                    .push_bind(leaf.clone())
                    .push_bind(salts.clone());
            });
            insert.build().execute(&mut *transaction).await?;
        }
        transaction.commit().await?;
        written += count as u64;
    }
    let rate = written as f64 / started.elapsed().as_secs_f64();
    pool.close().await;
    let _ = std::fs::remove_file(dir.join("bench-baseline.db"));
    Ok(rate)
}

async fn bundle_verification(
    app: &App,
    dir: &Path,
    options: &LogOptions,
) -> anyhow::Result<(f64, f64)> {
    let bytes_len = (options.bundle_mb * 1_000_000) as usize;
    eprintln!("bench: capturing a {} MB file", options.bundle_mb);
    let mut bytes = vec![0u8; bytes_len];
    rand::rngs::StdRng::seed_from_u64(9162).fill_bytes(&mut bytes);
    let source = dir.join("bench-capture.bin");
    std::fs::File::create(&source)
        .and_then(|mut file| file.write_all(&bytes))
        .with_context(|| format!("writing {}", source.display()))?;
    let actor = Actor::cli(&os_user());
    let capture = app
        .capture_file(&actor, &source, CaptureOptions::default())
        .await?;
    let bundle = dir.join("bench-bundle.zip");
    app.create_bundle(&actor, capture.id, &bundle).await?;
    let key = app.log_verifier_key()?;

    let mut sha_times = Vec::new();
    let mut verify_times = Vec::new();
    for _ in 0..3 {
        let begun = Instant::now();
        let digest = Sha256::digest(&bytes);
        sha_times.push(begun.elapsed());
        std::hint::black_box(digest);

        let begun = Instant::now();
        let file = std::fs::File::open(&bundle)?;
        let report = amparo_bundle::verify_bundle(file, Some(&key));
        verify_times.push(begun.elapsed());
        if report.outcome != Outcome::Verified {
            bail!(
                "the benchmark's bundle did not verify:\n{}",
                report.render()
            );
        }
    }
    sha_times.sort();
    verify_times.sort();
    let megabytes = bytes_len as f64 / 1e6;
    let sha = megabytes / sha_times[1].as_secs_f64();
    let verify = megabytes / verify_times[1].as_secs_f64();
    let _ = std::fs::remove_file(&source);
    Ok((verify, sha))
}
