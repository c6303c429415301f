//! `amparo review DOC`: a document's suggestions (what was found in its text, with the
//! candidates and decisions), `--process` to find them, `--accept-confident` to link the
//! clear matches; `amparo review --pending N` processes documents never processed.

use amparo_app::review::{self, BulkReport};
use amparo_app::{Actor, App, ProcessReport, Versioned};
use amparo_model::records::{Suggestion, SuggestionStatus};
use serde_json::{Value, json};
use uuid::Uuid;

/// What to do with one document.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Find suggestions first.
    pub process: bool,
    /// Link the confident ones.
    pub accept_confident: bool,
    /// From which confidence and score.
    pub threshold: f32,
    /// Print JSON.
    pub json: bool,
}

fn suggestion_json(suggestion: &Versioned<Suggestion>) -> Value {
    let mut value = serde_json::to_value(&suggestion.body).unwrap_or_else(|_| json!({}));
    if let Some(object) = value.as_object_mut() {
        object.insert("id".to_owned(), json!(suggestion.id));
        object.insert("version".to_owned(), json!(suggestion.version));
    }
    value
}

fn status(suggestion: &Suggestion) -> &'static str {
    match suggestion.status {
        SuggestionStatus::Pending => "pending",
        SuggestionStatus::Accepted => "accepted",
        SuggestionStatus::Rejected => "rejected",
    }
}

/// One line per suggestion: offsets, kind, status, text, then the candidates or the outcome.
fn print_suggestion(suggestion: &Versioned<Suggestion>) {
    let body = &suggestion.body;
    let text: String = body.text.chars().take(80).collect();
    println!(
        "{} {:>6}–{:<6} {:<12} {:<8} {:.2} {text:?}",
        suggestion.id,
        body.start,
        body.end,
        review::kind_name(body.kind),
        status(body),
        body.confidence
    );
    match body.accepted_into {
        Some(link) => println!("    → {} {}", link.kind, link.id),
        None => {
            for candidate in review::candidates(body) {
                println!(
                    "    candidate {} {} ({:.2})",
                    candidate.label, candidate.id, candidate.score
                );
            }
        }
    }
}

fn print_process(report: &ProcessReport) {
    println!(
        "Document {}: {} new suggestions, {} kept from before, {} decided as in a copy",
        report.document_id, report.created, report.existing, report.remembered
    );
    for problem in &report.problems {
        println!("  problem: {problem}");
    }
}

fn print_bulk(report: &BulkReport) {
    for linked in &report.linked {
        println!(
            "Linked {:?} to {} ({:.2})",
            linked.text, linked.record.label, linked.record.score
        );
    }
    println!(
        "{} linked, {} more decided along with them, {} left for a person",
        report.linked.len(),
        report.carried_over,
        report.left.len()
    );
}

/// Shows, and as asked processes and bulk-accepts, one document's suggestions.
pub async fn run(
    app: &App,
    actor: &Actor,
    document: Uuid,
    options: &Options,
) -> anyhow::Result<()> {
    let processed = if options.process {
        Some(app.suggest(actor, document).await?)
    } else {
        None
    };
    let bulk = if options.accept_confident {
        Some(
            app.accept_confident(actor, document, options.threshold)
                .await?,
        )
    } else {
        None
    };
    let suggestions = app.suggestions(actor, document).await?;
    if options.json {
        let items: Vec<Value> = suggestions.iter().map(suggestion_json).collect();
        let mut out = json!({ "document_id": document, "items": items });
        if let Some(report) = &processed {
            out["processed"] = json!(report);
        }
        if let Some(report) = &bulk {
            out["accepted"] = json!(report);
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if let Some(report) = &processed {
        print_process(report);
    }
    if let Some(report) = &bulk {
        print_bulk(report);
    }
    if suggestions.is_empty() {
        println!("No suggestions: run `amparo review {document} --process` to find them.");
    }
    for suggestion in &suggestions {
        print_suggestion(suggestion);
    }
    Ok(())
}

/// Processes up to `limit` documents never processed.
pub async fn pending(app: &App, actor: &Actor, limit: usize, json: bool) -> anyhow::Result<()> {
    let report = app.suggest_pending(actor, limit).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    for processed in &report.processed {
        print_process(processed);
    }
    println!(
        "{} documents processed, {} still waiting",
        report.processed.len(),
        report.remaining
    );
    Ok(())
}
