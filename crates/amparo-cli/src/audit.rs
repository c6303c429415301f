//! `amparo audit`: the audit trail, newest first, as a table or as JSON lines.

use amparo_app::{Actor, App, AuditEvent, AuditFilter};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// What to list.
pub struct Query {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub subject: Option<String>,
    pub since: Option<String>,
    pub limit: u32,
}

fn since(day: &str) -> anyhow::Result<time::OffsetDateTime> {
    let date = time::Date::parse(day, format_description!("[year]-[month]-[day]"))
        .map_err(|_| anyhow::anyhow!("--since {day:?} is not a day: write it as YYYY-MM-DD"))?;
    Ok(date.midnight().assume_utc())
}

/// One event as printed by `--json`.
fn to_json(event: &AuditEvent) -> serde_json::Value {
    json!({
        "seq": event.seq,
        "at": event.at.format(&Rfc3339).unwrap_or_default(),
        "actor": event.actor,
        "action": event.action,
        "subject": event.subject,
        "detail": event.detail,
        "log_index": event.log_index,
    })
}

pub async fn list(app: &App, actor: &Actor, query: Query, json: bool) -> anyhow::Result<()> {
    let filter = AuditFilter {
        actor: query.actor,
        action: query.action,
        subject: query.subject,
        since: query.since.as_deref().map(since).transpose()?,
        limit: Some(query.limit),
        ..AuditFilter::default()
    };
    let events = app.audit_events(actor, &filter).await?;
    if json {
        for event in &events {
            println!("{}", to_json(event));
        }
        return Ok(());
    }
    if events.is_empty() {
        println!("No audit events match.");
        return Ok(());
    }
    println!(
        "{:>6}  {:<20}  {:<18}  {:<16}  subject",
        "#", "when (UTC)", "actor", "action"
    );
    for event in &events {
        let when = event
            .at
            .format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]"
            ))
            .unwrap_or_default();
        println!(
            "{:>6}  {:<20}  {:<18}  {:<16}  {}",
            event.seq, when, event.actor, event.action, event.subject
        );
    }
    Ok(())
}
