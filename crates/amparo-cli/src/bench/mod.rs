//! `amparo bench web`: builds an installation of generated persons, serves it on loopback in this
//! process, and loads its main pages and an API list with concurrent clients over real HTTP.
//! Reports throughput and latency percentiles per route, and each route's p99 as a ratio to
//! `/health`'s, the baseline measured in the same run (DESIGN.md, "Budgets").
//!
//! The other suites: `bench log` (module `log`), `bench ingest` (module `ingest`, on the
//! generated news of module `news`), `bench extract` (module `extract`) and `bench search`
//! (module `search`).

mod data;
mod extract;
mod ingest;
mod load;
mod log;
mod news;
mod search;
mod stats;

pub use extract::{ExtractOptions, extract};
pub use ingest::{IngestOptions, ingest};
pub use log::{LogOptions, log};
pub use search::{SearchOptions, search, search_serve};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use amparo_app::installation::{self, InitOptions, os_user};
use amparo_app::{Actor, App};
use amparo_model::records::Role;
use anyhow::{Context, bail};
use serde_json::{Value, json};

use load::{RouteStats, Target};
use stats::round3;

/// The p99 the web budget asks for at 50 clients on 10,000 persons (DESIGN.md, "Budgets").
const TARGET_P99_MS: u64 = 100;
/// The routes, in the order they are loaded; the first is the baseline.
const ROUTES: &[&str] = &["health", "dashboard", "person", "persons", "api_list"];
/// Records per call of `create_records_batch`, so that progress can be shown.
const LOAD_BATCH: usize = 20_000;

/// Options of `amparo bench web`.
#[derive(Debug)]
pub struct WebOptions {
    pub persons: usize,
    pub clients: usize,
    pub seconds: u64,
    pub json: bool,
    pub keep: Option<PathBuf>,
}

/// What loading the installation took.
struct Loaded {
    app: App,
    person_ids: Vec<String>,
    counts: data::Counts,
    records: u64,
    generate_seconds: f64,
    load_seconds: f64,
    password: String,
}

const BENCH_USER: &str = "bench-lawyer";

/// An installation without encryption at rest: the store seals no field and the blob store
/// seals no object, so that a run on it measures what sealing costs. Assembled from its parts,
/// as no user-facing command makes one.
async fn plain_app(dir: &Path) -> anyhow::Result<App> {
    std::fs::create_dir_all(dir).with_context(|| format!("making {}", dir.display()))?;
    let settings = amparo_app::config::Settings::new("benchplain00".to_owned());
    let signer = amparo_tlog::Signer::from_seed(&settings.log_origin(), &rand::random())
        .map_err(|error| anyhow::anyhow!("making a log key: {error}"))?;
    std::fs::write(dir.join("log.key"), signer.to_private_key_string())
        .context("writing the log key")?;
    let store = amparo_store::SqliteStore::open(&dir.join("amparo.db")).await?;
    let blobs = amparo_store::BlobStore::local(&dir.join("blobs"), rand::random())?;
    Ok(App::new(
        std::sync::Arc::new(store),
        blobs,
        settings,
        dir.to_owned(),
    ))
}

async fn build_installation(dir: &Path, persons: usize, sealed: bool) -> anyhow::Result<Loaded> {
    let app = if sealed {
        let options = InitOptions {
            admin_username: None,
            ..InitOptions::default()
        };
        installation::init(dir, options).await?.0
    } else {
        plain_app(dir).await?
    };
    let admin = Actor::cli(&os_user());
    let started = Instant::now();
    let today = time::OffsetDateTime::now_utc().date();
    let generated = data::generate(persons, today);
    let generate_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut records = generated.records;
    let total = records.len();
    let mut written = 0u64;
    // Batches in generation order: every link points to an earlier record, so each batch's
    // links are to stored records or to earlier records of the same batch.
    while !records.is_empty() {
        let rest = records.split_off(records.len().min(LOAD_BATCH));
        let batch = std::mem::replace(&mut records, rest);
        written += app.create_records_batch(&admin, batch).await?;
        eprintln!("bench: loaded {written} of {total} records");
    }
    let load_seconds = started.elapsed().as_secs_f64();
    let (user, password) = app.create_user(&admin, BENCH_USER, Role::Lawyer).await?;
    // The lawyer works on every case, sensitive fields included: the heaviest reader.
    let cases: Vec<amparo_app::Versioned<amparo_model::records::Case>> = app.list(&admin).await?;
    for case in cases {
        app.create(
            &admin,
            amparo_model::records::Grant {
                grantee: amparo_model::records::Grantee::User(amparo_model::UserId(user.id)),
                case_id: amparo_model::CaseId(case.id),
                rights: vec![
                    amparo_model::records::Right::Read,
                    amparo_model::records::Right::Write,
                    amparo_model::records::Right::Sensitive,
                ],
            },
        )
        .await?;
    }
    Ok(Loaded {
        app,
        person_ids: generated
            .person_ids
            .iter()
            .map(|id| id.to_string())
            .collect(),
        counts: generated.counts,
        records: written,
        generate_seconds,
        load_seconds,
        password,
    })
}
fn route_json(stats: &RouteStats, health_p99: f64) -> Value {
    let p99 = stats.percentile_ms(99.0);
    let ratio = if health_p99 > 0.0 {
        round3(p99 / health_p99)
    } else {
        0.0
    };
    json!({
        "rps": round3(stats.rps()),
        "p50_ms": round3(stats.percentile_ms(50.0)),
        "p90_ms": round3(stats.percentile_ms(90.0)),
        "p99_ms": round3(p99),
        "max_ms": round3(stats.max_ms()),
        "first_request_ms": round3(stats.first.as_secs_f64() * 1e3),
        "requests": stats.requests,
        "errors": stats.errors,
        "timeouts": stats.timeouts,
        "ratio_p99_to_health": ratio,
    })
}

/// `amparo bench web`.
pub async fn web(options: &WebOptions) -> anyhow::Result<()> {
    if options.persons == 0 || options.clients == 0 || options.seconds == 0 {
        bail!("--persons, --clients and --seconds must each be at least 1");
    }
    let temporary;
    let dir = match &options.keep {
        Some(dir) => {
            if installation::is_installation(dir) {
                bail!(
                    "{} already holds an installation: give --keep an empty or new folder",
                    dir.display()
                );
            }
            dir.clone()
        }
        None => {
            temporary = tempfile::tempdir().context("making a temporary folder")?;
            temporary.path().join("data")
        }
    };
    // The same installation twice: with encryption at rest (as every installation is made) and
    // without, so that the cost of sealing is measured in the same run.
    eprintln!(
        "bench: building an installation of {} persons in {}",
        options.persons,
        dir.display()
    );
    let loaded = build_installation(&dir, options.persons, true).await?;
    eprintln!(
        "bench: {} records generated in {:.1} s and loaded in {:.1} s",
        loaded.records, loaded.generate_seconds, loaded.load_seconds
    );
    let results = run_routes(&loaded, options).await?;
    let plain_dir = dir.with_file_name(format!(
        "{}-unencrypted",
        dir.file_name()
            .map_or_else(|| "data".into(), |name| name.to_string_lossy())
    ));
    eprintln!(
        "bench: the same without encryption at rest, in {}",
        plain_dir.display()
    );
    let plain = build_installation(&plain_dir, options.persons, false).await?;
    let plain_results = run_routes(&plain, options).await?;
    if options.keep.is_none() {
        let _ = std::fs::remove_dir_all(&plain_dir);
    }
    report_web(options, &loaded, &results, &plain_results)
}

/// Serves `loaded` on loopback, signed in as the bench lawyer, and loads each route in turn.
async fn run_routes(
    loaded: &Loaded,
    options: &WebOptions,
) -> anyhow::Result<Vec<(&'static str, RouteStats)>> {
    let (_, token) = loaded
        .app
        .create_api_token(&Actor::cli(&os_user()), BENCH_USER, "amparo bench web")
        .await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let base = format!("http://{address}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(amparo_server::serve(
        loaded.app.clone(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let session = load::sign_in(&base, BENCH_USER, &loaded.password).await?;
    eprintln!("bench: serving on {base}, signed in as {BENCH_USER}");

    let ids = std::sync::Arc::new(loaded.person_ids.clone());
    let duration = Duration::from_secs(options.seconds);
    let mut results: Vec<(&'static str, RouteStats)> = Vec::new();
    for &route in ROUTES {
        let (target, headers) = match route {
            "health" => (Target::Fixed("/health".to_owned()), Default::default()),
            "dashboard" => (
                Target::Fixed("/".to_owned()),
                load::session_headers(&session)?,
            ),
            "person" => (
                Target::RandomId {
                    prefix: "/persons/".to_owned(),
                    ids: ids.clone(),
                },
                load::session_headers(&session)?,
            ),
            "persons" => (
                Target::Fixed("/persons".to_owned()),
                load::session_headers(&session)?,
            ),
            _ => (
                Target::Fixed("/api/v1/records/person?limit=50".to_owned()),
                load::bearer_headers(&token)?,
            ),
        };
        eprintln!(
            "bench: {route}: {} clients for {} s",
            options.clients, options.seconds
        );
        let stats = load::run_route(&base, &target, headers, options.clients, duration).await?;
        for sample in &stats.error_samples {
            eprintln!("bench: {route}: error: {sample}");
        }
        results.push((route, stats));
        let waited = load::drain(&base, load::bearer_headers(&token)?).await?;
        if waited > Duration::from_secs(1) {
            eprintln!(
                "bench: {route}: the server took {:.1} s to finish the requests left running",
                waited.as_secs_f64()
            );
        }
    }
    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(10), server).await {
        Ok(Ok(Ok(()))) | Err(_) => {}
        Ok(Ok(Err(error))) => eprintln!("bench: server stopped with an error: {error}"),
        Ok(Err(error)) => eprintln!("bench: server task failed: {error}"),
    }
    Ok(results)
}

/// The budget on what encryption at rest may cost a page: less than 15 % slower.
const TARGET_ENCRYPTION_RATIO: f64 = 1.15;

fn report_web(
    options: &WebOptions,
    loaded: &Loaded,
    results: &[(&'static str, RouteStats)],
    plain_results: &[(&'static str, RouteStats)],
) -> anyhow::Result<()> {
    let health_p99 = results
        .first()
        .map(|(_, stats)| stats.percentile_ms(99.0))
        .unwrap_or(0.0);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    if options.json {
        let mut report = json!({
            "suite": "web",
            // "persons" is the persons-list route's key (issue 3), so the size has its own name.
            "person_count": options.persons,
            "clients": options.clients,
            "seconds_per_route": options.seconds,
            "machine": {
                "cores": cores,
                "os": std::env::consts::OS,
                "arch": std::env::consts::ARCH,
            },
            "data": {
                "records": loaded.records,
                "persons": loaded.counts.persons,
                "custody_periods": loaded.counts.custody_periods,
                "whereabouts_unknown_periods": loaded.counts.whereabouts_unknown_periods,
                "open_ended_periods": loaded.counts.open_ended_periods,
                "events": loaded.counts.events,
                "acts": loaded.counts.acts,
                "cases": loaded.counts.cases,
                "proceedings": loaded.counts.proceedings,
                "hearings": loaded.counts.hearings,
                "deadlines": loaded.counts.deadlines,
                "places_and_organizations": loaded.counts.places_and_organizations,
                "load_seconds": round3(loaded.load_seconds),
            },
        });
        for (route, stats) in results {
            report[*route] = route_json(stats, health_p99);
        }
        // The same routes without encryption at rest, and what sealing costs: each route's
        // p50 and p99 with encryption over those without.
        let plain_health_p99 = plain_results
            .first()
            .map(|(_, stats)| stats.percentile_ms(99.0))
            .unwrap_or(0.0);
        let mut plain = json!({});
        let mut cost = json!({});
        for ((route, sealed), (_, bare)) in results.iter().zip(plain_results) {
            plain[*route] = route_json(bare, plain_health_p99);
            let ratio = |percentile: f64| {
                let bare = bare.percentile_ms(percentile);
                if bare > 0.0 {
                    round3(sealed.percentile_ms(percentile) / bare)
                } else {
                    0.0
                }
            };
            cost[*route] = json!({"p50_ratio": ratio(50.0), "p99_ratio": ratio(99.0)});
        }
        report["encryption_off"] = plain;
        report["encryption_cost"] = cost;
        report["target_encryption_ratio"] = json!(TARGET_ENCRYPTION_RATIO);
        report["max_requests_per_route"] = json!(load::MAX_REQUESTS_PER_ROUTE);
        report["request_timeout_seconds"] = json!(load::REQUEST_TIMEOUT.as_secs());
        report["target_p99_ms"] = json!(TARGET_P99_MS);
        report["build"] = json!(build);
        println!("{report}");
    } else {
        println!(
            "amparo bench web: {} persons ({} records, loaded in {:.1} s), {} clients, {} s per route, {cores} cores, {build} build",
            options.persons, loaded.records, loaded.load_seconds, options.clients, options.seconds
        );
        println!(
            "{:<10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7} {:>10}",
            "route",
            "rps",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "first ms",
            "requests",
            "errors",
            "p99/health"
        );
        for (route, stats) in results {
            let p99 = stats.percentile_ms(99.0);
            println!(
                "{:<10} {:>10.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9} {:>7} {:>10.1}",
                route,
                stats.rps(),
                stats.percentile_ms(50.0),
                stats.percentile_ms(90.0),
                p99,
                stats.max_ms(),
                stats.first.as_secs_f64() * 1e3,
                stats.requests,
                stats.errors,
                if health_p99 > 0.0 {
                    p99 / health_p99
                } else {
                    0.0
                }
            );
        }
        println!("target: p99 <= {TARGET_P99_MS} ms per route");
        println!("without encryption at rest (p50 and p99 with encryption / without):");
        for ((route, sealed), (_, bare)) in results.iter().zip(plain_results) {
            println!(
                "{:<10} p50 {:>7.2} ms ({:.2}x)   p99 {:>7.2} ms ({:.2}x)",
                route,
                bare.percentile_ms(50.0),
                sealed.percentile_ms(50.0) / bare.percentile_ms(50.0).max(0.001),
                bare.percentile_ms(99.0),
                sealed.percentile_ms(99.0) / bare.percentile_ms(99.0).max(0.001)
            );
        }
        println!("target: encryption costs less than 15 % ({TARGET_ENCRYPTION_RATIO}x)");
    }
    if let Some(dir) = &options.keep {
        eprintln!(
            "bench: the installation is kept in {}; sign in as {BENCH_USER} with password {}",
            dir.display(),
            loaded.password
        );
    }
    Ok(())
}
