//! `amparo feed …`: subscriptions, OPML, polling.

use std::io::Read;
use std::process::ExitCode;
use std::sync::Mutex;

use amparo_app::{Actor, App, FeedInfo, FeedPage, NewFeed, PollOptions, PollReport};
use amparo_model::CaseId;
use anyhow::Context;
use serde_json::Value;

use crate::args::FeedCommand;
use crate::progress::Progress;

/// Runs one `feed` subcommand. `poll` exits 1 when a feed or page failed for good, so that a
/// timer running it notices.
pub async fn run(app: &App, actor: &Actor, command: &FeedCommand) -> anyhow::Result<ExitCode> {
    match command {
        FeedCommand::Add {
            url,
            title,
            cases,
            interval,
            json,
        } => {
            let new = NewFeed {
                title: title.clone(),
                case_ids: cases.iter().copied().map(CaseId).collect(),
                interval_seconds: *interval,
            };
            let feed = app.add_feed(actor, url, new).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&feed.to_json())?);
            } else {
                println!("Following {} (feed {})", feed.url, feed.id);
                println!(
                    "It is fetched at the next poll: run `amparo feed poll`, or leave `amparo serve` running."
                );
            }
        }
        FeedCommand::List { json } => {
            let feeds = app.feeds(actor).await?;
            if *json {
                let list: Vec<Value> = feeds.iter().map(FeedInfo::to_json).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if feeds.is_empty() {
                println!("No feeds yet: add one with `amparo feed add URL`.");
            } else {
                for feed in &feeds {
                    print_feed_line(feed);
                }
            }
        }
        FeedCommand::Show { feed, limit, json } => {
            let feed = app.feed(actor, feed).await?;
            let pages = app.feed_pages(actor, feed.id, Some(*limit)).await?;
            if *json {
                let mut value = feed.to_json();
                value["pages"] = pages.iter().map(FeedPage::to_json).collect();
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                print_feed_details(&feed);
                for page in &pages {
                    print_page_line(page);
                }
            }
        }
        FeedCommand::Pause { feed } => {
            let feed = app.feed(actor, feed).await?;
            app.set_feed_paused(actor, feed.id, true).await?;
            println!("Paused {}", feed.url);
        }
        FeedCommand::Resume { feed } => {
            let feed = app.feed(actor, feed).await?;
            app.set_feed_paused(actor, feed.id, false).await?;
            println!("Resumed {}: it is polled at the next poll", feed.url);
        }
        FeedCommand::Remove { feed } => {
            let feed = app.feed(actor, feed).await?;
            app.remove_feed(actor, feed.id).await?;
            println!(
                "No longer following {} (its {} captured pages stay)",
                feed.url, feed.pages.done
            );
        }
        FeedCommand::Import { file, cases } => {
            let bytes = read_input(file)?;
            let cases: Vec<CaseId> = cases.iter().copied().map(CaseId).collect();
            let report = app.import_opml(actor, &bytes, &cases).await?;
            for problem in &report.problems {
                eprintln!("warning: {}: {problem}", file.display());
            }
            for (url, reason) in &report.skipped {
                eprintln!("skipped {url}: {reason}");
            }
            println!(
                "Subscribed to {} feeds ({} skipped)",
                report.added.len(),
                report.skipped.len()
            );
            if report.added.is_empty() && report.skipped.is_empty() {
                anyhow::bail!(
                    "{} holds no feed subscriptions; is it an OPML file?",
                    file.display()
                );
            }
        }
        FeedCommand::Export { output } => {
            let opml = app.export_opml(actor).await?;
            match output {
                Some(path) => {
                    std::fs::write(path, opml)
                        .with_context(|| format!("could not write {}", path.display()))?;
                    eprintln!("Wrote {}", path.display());
                }
                None => print!("{opml}"),
            }
        }
        FeedCommand::Poll { all, feeds, json } => {
            let mut feed_ids = Vec::new();
            for which in feeds {
                feed_ids.push(app.feed(actor, which).await?.id);
            }
            let options = PollOptions {
                all: *all,
                feed_ids,
                feeds_only: false,
            };
            let progress = Mutex::new(Progress::new("polled feeds and pages"));
            let report = app
                .poll_feeds(actor, &options, &|done, total| {
                    if let Ok(mut progress) = progress.lock() {
                        progress.update(done, total);
                    }
                })
                .await?;
            if let Ok(progress) = progress.into_inner() {
                progress.finish();
            }
            if *json {
                println!("{}", serde_json::to_string_pretty(&report.to_json())?);
            } else {
                print_report(&report);
            }
            if !report.feeds_failed.is_empty() || !report.pages_failed.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        FeedCommand::Retry { feed } => {
            let feed_id = match feed {
                Some(which) => Some(app.feed(actor, which).await?.id),
                None => None,
            };
            let count = app.retry_failed_pages(actor, feed_id).await?;
            println!("{count} pages will be tried again at the next poll");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_input(file: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("could not read standard input")?;
        return Ok(bytes);
    }
    std::fs::read(file).with_context(|| format!("could not read {}", file.display()))
}

fn print_feed_line(feed: &FeedInfo) {
    let last = feed
        .poll
        .last_polled_at
        .map_or("never polled".to_owned(), |at| {
            format!("polled {}", short(at))
        });
    println!(
        "{}  {:<7}  {}  {} pages ({} waiting, {} failed)  {}",
        feed.id,
        feed.status().as_str(),
        last,
        feed.pages.done,
        feed.pages.pending,
        feed.pages.failed,
        feed.display_title(),
    );
    if let Some(error) = &feed.poll.last_error {
        println!("    last error: {error}");
    }
}

fn print_feed_details(feed: &FeedInfo) {
    println!("{}", feed.display_title());
    println!("  id:         {}", feed.id);
    println!("  url:        {}", feed.url);
    println!("  status:     {}", feed.status().as_str());
    if let Some(at) = feed.poll.last_polled_at {
        println!("  last poll:  {}", short(at));
    }
    if let Some(at) = feed.poll.next_poll_at {
        println!("  next poll:  {}", short(at));
    }
    if let Some(error) = &feed.poll.last_error {
        println!(
            "  last error: {error} ({} failures in a row)",
            feed.poll.failures
        );
    }
    for problem in &feed.poll.problems {
        println!("  problem:    {problem}");
    }
    println!(
        "  pages:      {} captured, {} waiting, {} failed",
        feed.pages.done, feed.pages.pending, feed.pages.failed
    );
}

fn print_page_line(page: &FeedPage) {
    let state = match (page.state, page.duplicate_of) {
        (amparo_app::JobState::Done, Some(_)) => "copy",
        (state, _) => state.as_str(),
    };
    println!(
        "  {:<7}  {}  {}",
        state,
        page.title.as_deref().unwrap_or("(no title)"),
        page.url
    );
    if let Some(error) = &page.last_error {
        println!("           error: {error}");
    }
}

fn print_report(report: &PollReport) {
    println!(
        "Polled {} feeds ({} unchanged, {} failed); found {} new pages; captured {} ({} copies of earlier articles); {} to retry later; {} given up",
        report.feeds_polled,
        report.feeds_unchanged,
        report.feeds_failed.len(),
        report.pages_found,
        report.pages_captured,
        report.copies,
        report.pages_retrying,
        report.pages_failed.len(),
    );
    for (url, error) in &report.feeds_failed {
        eprintln!("feed {url}: {error}");
    }
    for (url, error) in &report.pages_failed {
        eprintln!("page {url}: {error}");
    }
}

fn short(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}
