//! `amparo record …` and `amparo timeline`: reading and writing records from the command line.

use std::io::Read;
use std::path::Path;

use amparo_app::{Actor, App, VersionedRecord};
use amparo_model::records::Person;
use amparo_model::vocab::{VocabularyId, vocabulary};
use amparo_model::{Lang, PersonId, RecordKind};
use anyhow::{Context, bail};
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::args::RecordCommand;

fn parse_kind(text: &str) -> anyhow::Result<RecordKind> {
    Ok(text.parse::<RecordKind>()?)
}

/// A record id, or for persons also a pseudonym code.
async fn resolve_id(
    app: &App,
    actor: &Actor,
    kind: RecordKind,
    text: &str,
) -> anyhow::Result<Uuid> {
    if let Ok(id) = Uuid::parse_str(text) {
        return Ok(id);
    }
    if kind == RecordKind::Person {
        let persons = app.list::<Person>(actor).await?;
        if let Some(person) = persons.iter().find(|person| person.body.pseudonym == text) {
            return Ok(person.id);
        }
        bail!("{text:?} is neither a record id nor the pseudonym of a person here");
    }
    bail!("{text:?} is not a record id: ids look like 0193b2c4-7d1e-7c3a-9f00-5a1b2c3d4e5f")
}

fn read_json(file: &Path) -> anyhow::Result<serde_json::Value> {
    let mut text = String::new();
    if file == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("could not read the record from standard input")?;
    } else {
        text = std::fs::read_to_string(file)
            .with_context(|| format!("could not read {}", file.display()))?;
    }
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not valid JSON: fix the syntax and try again",
            file.display()
        )
    })
}

fn time_text(version: &VersionedRecord) -> String {
    version.recorded_at.format(&Rfc3339).unwrap_or_default()
}

fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn print_record(version: &VersionedRecord) -> anyhow::Result<()> {
    println!("{} {}", version.kind, version.id);
    println!(
        "version {} by {} at {}",
        version.version,
        version.actor,
        time_text(version)
    );
    match &version.record {
        Some(record) => print_json(&record.to_json()),
        None => {
            println!("(deleted)");
            Ok(())
        }
    }
}

/// Runs one `amparo record` command.
pub async fn run(app: &App, actor: &Actor, command: &RecordCommand) -> anyhow::Result<()> {
    match command {
        RecordCommand::List { kind, json } => {
            let kind = parse_kind(kind)?;
            let records = app.list_records(actor, kind).await?;
            if *json {
                let array: Vec<_> = records.iter().map(VersionedRecord::to_json).collect();
                print_json(&serde_json::Value::Array(array))?;
            } else if records.is_empty() {
                eprintln!("no {kind} records");
            } else {
                for record in &records {
                    println!("{}  v{}  {}", record.id, record.version, record.label());
                }
                eprintln!("{} {kind} record(s)", records.len());
            }
        }
        RecordCommand::Show { kind, id, json } => {
            let kind = parse_kind(kind)?;
            let id = resolve_id(app, actor, kind, id).await?;
            let record = app.get_record(actor, kind, id).await?;
            if *json {
                print_json(&record.to_json())?;
            } else {
                print_record(&record)?;
            }
        }
        RecordCommand::History { kind, id, json } => {
            let kind = parse_kind(kind)?;
            let id = resolve_id(app, actor, kind, id).await?;
            let history = app.record_history(actor, kind, id).await?;
            if *json {
                let array: Vec<_> = history.iter().map(VersionedRecord::to_json).collect();
                print_json(&serde_json::Value::Array(array))?;
            } else {
                println!("{kind} {id}: {} version(s)", history.len());
                for version in &history {
                    let what = match (version.version, version.record.is_some()) {
                        (_, false) => "deleted".to_owned(),
                        (1, true) => format!("created: {}", version.label()),
                        (_, true) => format!("changed: {}", version.label()),
                    };
                    println!(
                        "v{}  {}  {}  {what}",
                        version.version,
                        time_text(version),
                        version.actor
                    );
                }
            }
        }
        RecordCommand::Create { kind, file, json } => {
            let kind = parse_kind(kind)?;
            let body = read_json(file)?;
            let created = app.create_json(actor, kind, body).await?;
            if *json {
                print_json(&created.to_json())?;
            } else {
                println!("created {kind} {} ({})", created.id, created.label());
            }
        }
        RecordCommand::Update {
            kind,
            id,
            version,
            file,
        } => {
            let kind = parse_kind(kind)?;
            let id = resolve_id(app, actor, kind, id).await?;
            let body = read_json(file)?;
            let record = amparo_model::Record::from_json(kind, body)
                .map_err(|error| anyhow::anyhow!("invalid {kind}: {error}"))?;
            let updated = app.update_record(actor, id, *version, record).await?;
            println!("updated {kind} {id} to version {}", updated.version);
        }
        RecordCommand::Delete { kind, id, version } => {
            let kind = parse_kind(kind)?;
            let id = resolve_id(app, actor, kind, id).await?;
            let deleted = app.delete_record(actor, kind, id, *version).await?;
            println!(
                "deleted {kind} {id} (version {} is a tombstone; its history stays)",
                deleted.version
            );
        }
    }
    Ok(())
}

/// `amparo timeline PERSON`
pub async fn timeline(app: &App, actor: &Actor, person: &str, json: bool) -> anyhow::Result<()> {
    let id = resolve_id(app, actor, RecordKind::Person, person).await?;
    let person = app.get::<Person>(actor, id).await?;
    let segments = app.custody_timeline(actor, PersonId(id)).await?;
    if json {
        return print_json(&serde_json::to_value(&segments)?);
    }
    println!("Custody timeline of {}", person.body.pseudonym);
    if segments.is_empty() {
        println!("  no custody periods recorded");
    }
    let statuses = vocabulary(VocabularyId::CustodyStatus);
    for segment in &segments {
        let from = segment
            .from
            .map(|d| d.to_string())
            .unwrap_or_else(|| "?".to_owned());
        let to = segment
            .to
            .map(|d| d.to_string())
            .unwrap_or_else(|| "…".to_owned());
        let status = match &segment.status {
            Some(term) => statuses.label(term, Lang::En).unwrap_or(term).to_owned(),
            None => "NO INFORMATION (gap in the record)".to_owned(),
        };
        let overlap = if segment.overlaps_previous {
            "  [overlaps the previous period]"
        } else {
            ""
        };
        println!("  {from:>10} – {to:<10}  {status}{overlap}");
    }
    Ok(())
}
