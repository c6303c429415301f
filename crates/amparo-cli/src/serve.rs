//! `amparo serve` and `amparo demo`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use amparo_app::installation::{self, InitOptions, os_user};
use amparo_app::{Actor, App};
use anyhow::{Context, bail};
use tokio::net::TcpListener;

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutting down");
}

/// Collects blobs left by interrupted captures, as every start does.
async fn collect_at_start(app: &App) {
    let actor = Actor::cli(&os_user());
    let min_age = app.settings().gc.min_age_seconds;
    match app.collect_garbage(&actor, min_age, |_, _| {}).await {
        Ok(report) if !report.removed.is_empty() => {
            tracing::info!(
                blobs.removed = report.removed.len(),
                "collected unreferenced blobs"
            );
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "could not collect unreferenced blobs at start-up"),
    }
}

/// Signs a checkpoint every `log.checkpoint_interval_seconds` (at least one second) until
/// `stop` fires or is dropped, so that no write waits longer than that for a signed checkpoint.
async fn sign_checkpoints(app: App, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let period = Duration::from_secs(app.settings().log.checkpoint_interval_seconds.max(1));
    let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = timer.tick() => {}
            _ = &mut stop => return,
        }
        if let Err(error) = app.sign_checkpoint().await {
            tracing::warn!(%error, "could not sign an evidence log checkpoint");
        }
    }
}

/// Polls due feeds and fetches due pages every `feeds.poll_tick_seconds` until `stop` fires,
/// then reads the new documents for suggestions (`feeds.suggest`); a tick of 0 turns the
/// poller off. The first tick comes at once, so that work a restart interrupted resumes
/// without waiting.
async fn poll_feeds(app: App, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let tick = app.settings().feeds.poll_tick_seconds;
    if tick == 0 {
        return;
    }
    let actor = Actor::system("feeds");
    let reader = Actor::system("review");
    let options = amparo_app::PollOptions::default();
    let mut pending: Vec<uuid::Uuid> = Vec::new();
    let mut catch_up = true;
    let mut timer = tokio::time::interval(Duration::from_secs(tick));
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = timer.tick() => {}
            _ = &mut stop => return,
        }
        let poll = app.poll_feeds(&actor, &options, &|_, _| {});
        // A poll in progress is abandoned at shutdown: its leases run out and the next start
        // takes the work up again.
        tokio::select! {
            outcome = poll => match outcome {
                Ok(report) => {
                    if report.feeds_polled > 0 || report.pages_captured > 0 {
                        tracing::info!(
                            feeds.polled = report.feeds_polled,
                            feeds.failed = report.feeds_failed.len(),
                            pages.captured = report.pages_captured,
                            pages.copies = report.copies,
                            pages.failed = report.pages_failed.len(),
                            "polled feeds"
                        );
                    }
                    pending.extend(report.documents);
                }
                Err(error) => tracing::warn!(%error, "feed polling failed; trying again at the next tick"),
            },
            _ = &mut stop => return,
        }
        if !app.settings().feeds.suggest {
            continue;
        }
        // Documents stored by this poll are read for suggestions now; on the first tick, also
        // any an earlier run stored but never read. Stopping in the middle loses nothing: what
        // was not read is found again by the next start's catch-up.
        let reading = async {
            if catch_up {
                match app.suggest_pending(&reader, usize::MAX).await {
                    Ok(report) if !report.processed.is_empty() => tracing::info!(
                        documents = report.processed.len(),
                        "read documents stored before this start for suggestions"
                    ),
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(%error, "could not read earlier documents for suggestions")
                    }
                }
                catch_up = false;
            }
            while !pending.is_empty() {
                let batch: Vec<uuid::Uuid> =
                    pending.drain(..pending.len().min(SUGGEST_BATCH)).collect();
                match app.suggest_documents(&reader, &batch).await {
                    Ok(reports) => tracing::info!(
                        documents = reports.len(),
                        suggestions = reports.iter().map(|report| report.created).sum::<usize>(),
                        "read new documents for suggestions"
                    ),
                    Err(error) => tracing::warn!(
                        %error,
                        "could not read new documents for suggestions; they are read at the next start"
                    ),
                }
            }
        };
        tokio::select! {
            () = reading => {}
            _ = &mut stop => return,
        }
    }
}

/// Documents read for suggestions at once (the installation's names are read once per batch).
const SUGGEST_BATCH: usize = 200;

/// Serves `app` until a shutdown signal, signing checkpoints on a timer meanwhile and once more
/// at the end, so that the last writes are covered too; polls feeds in the background.
async fn serve_signing(app: App, listener: TcpListener) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let signer = tokio::spawn(sign_checkpoints(app.clone(), stopped));
    let (stop_polling, polling_stopped) = tokio::sync::oneshot::channel();
    let poller = tokio::spawn(poll_feeds(app.clone(), polling_stopped));
    tokio::spawn(prepare_search(app.clone()));
    let served = amparo_server::serve(app.clone(), listener, shutdown_signal()).await;
    let _ = stop_polling.send(());
    let _ = poller.await;
    // The timer finishes a signature in progress before it stops.
    let _ = stop.send(());
    let _ = signer.await;
    if let Err(error) = app.sign_checkpoint().await {
        tracing::warn!(%error, "could not sign a final evidence log checkpoint");
    }
    Ok(served?)
}

/// Brings the search index up to date (or builds it, on first start) while the server starts
/// serving, so that the first search does not wait for it.
async fn prepare_search(app: App) {
    let started = std::time::Instant::now();
    match app.prepare_search().await {
        Ok(()) => tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "search index ready"
        ),
        Err(error) => {
            tracing::warn!(%error, "the search index could not be prepared; searches will try again");
        }
    }
}

/// `amparo serve`
pub async fn serve(app: App, listen: Option<String>) -> anyhow::Result<()> {
    let listen = listen.unwrap_or_else(|| app.settings().server.listen.clone());
    let address: SocketAddr = listen
        .parse()
        .with_context(|| format!("{listen:?} is not an address such as 127.0.0.1:8080"))?;
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("could not listen on {address}: is another program using it?"))?;
    collect_at_start(&app).await;
    println!("Amparo is running at http://{address}/");
    serve_signing(app, listener).await
}

/// Binds 127.0.0.1:`port`, or the first free port from 8080 when no port is given.
async fn bind_loopback(port: Option<u16>) -> anyhow::Result<TcpListener> {
    if let Some(port) = port {
        return TcpListener::bind(("127.0.0.1", port))
            .await
            .with_context(|| {
                format!("port {port} on 127.0.0.1 is taken: choose another with --port")
            });
    }
    for port in 8080..8180 {
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)).await {
            return Ok(listener);
        }
    }
    bail!("ports 8080 to 8179 on 127.0.0.1 are all taken: choose one with --port")
}

/// `amparo demo`: a new installation (in a temporary folder unless `--data` is given) with the
/// demo matter, served on 127.0.0.1 until interrupted.
pub async fn demo(data: Option<PathBuf>, port: Option<u16>) -> anyhow::Result<()> {
    let (dir, temporary) = match data {
        Some(dir) => {
            if installation::is_installation(&dir) {
                bail!(
                    "{} already holds an installation; serve it with `amparo --data {} serve`, or give the demo a new folder",
                    dir.display(),
                    dir.display()
                );
            }
            (dir, None)
        }
        None => {
            let temporary = tempfile::Builder::new()
                .prefix("amparo-demo-")
                .tempdir()
                .context("could not create a temporary folder for the demo")?;
            (temporary.path().to_owned(), Some(temporary))
        }
    };
    let listener = bind_loopback(port).await?;
    let address = listener.local_addr()?;
    let (app, report) = installation::init(&dir, InitOptions::default()).await?;
    let actor = Actor::cli(&os_user());
    let loaded = app
        .load_demo(&actor, time::OffsetDateTime::now_utc().date())
        .await
        .context("could not load the demo data")?;
    match &temporary {
        Some(_) => eprintln!(
            "Demo installation in {} ({} persons, {} records, {} captures; removed when the demo stops)",
            dir.display(),
            loaded.persons,
            loaded.records,
            loaded.captures
        ),
        None => eprintln!(
            "Demo installation in {} ({} persons, {} records, {} captures)",
            dir.display(),
            loaded.persons,
            loaded.records,
            loaded.captures
        ),
    }
    let (name, password) = report
        .admin
        .context("the demo installation has no administrator")?;
    println!("Amparo is running at http://{address}/");
    println!("Sign in as {name} with password {password}");
    serve_signing(app, listener).await?;
    drop(temporary);
    Ok(())
}
