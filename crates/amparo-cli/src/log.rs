//! `amparo log …`: the evidence log's check, tile export, checkpoints and proofs.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

use amparo_app::App;
use serde_json::json;

use crate::args::LogCommand;
use crate::progress::Progress;

/// Runs one `amparo log` command.
pub async fn run(app: &App, command: &LogCommand) -> anyhow::Result<ExitCode> {
    match command {
        LogCommand::Key => println!("{}", app.log_verifier_key()?),
        LogCommand::Check { json } => return check(app, *json).await,
        LogCommand::ExportTiles { dir } => export_tiles(app, dir).await?,
        LogCommand::Checkpoint => {
            // The note is printed exactly as signed (it ends with a newline), as log clients
            // read it.
            print!("{}", app.sign_checkpoint().await?.note);
        }
        LogCommand::Proof {
            index,
            size,
            capture,
        } => {
            let proof = match (index, capture) {
                (Some(index), _) => app.log_inclusion_proof(*index, *size).await?,
                (None, Some(id)) => {
                    app.capture_inclusion_proof(&crate::cli_actor(), *id)
                        .await?
                }
                (None, None) => anyhow::bail!("give --index N or --capture ID"),
            };
            println!("{}", proof.to_json_pretty());
        }
        LogCommand::Consistency { size1, size2 } => {
            let proof = app.log_consistency_proof(*size1, *size2).await?;
            println!("{}", serde_json::to_string_pretty(&proof)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `amparo log check [--json]`: exit 0 when the log is intact, 1 otherwise.
async fn check(app: &App, as_json: bool) -> anyhow::Result<ExitCode> {
    let progress = Mutex::new(Progress::new("checked leaves"));
    let report = app
        .check_log(&|done, total| {
            if let Ok(mut progress) = progress.lock() {
                progress.update(done, total);
            }
        })
        .await?;
    if let Ok(progress) = progress.into_inner() {
        progress.finish();
    }
    let [captures, versions, exports, audit] = report.by_kind;
    if as_json {
        let value = json!({
            "intact": report.is_intact(),
            "leaves": report.leaves,
            "by_kind": {
                "capture": captures,
                "record_version": versions,
                "export": exports,
                "audit": audit,
            },
            "opened": report.opened,
            "checkpoints": report.checkpoints,
            "latest_size": report.latest_size,
            "problems": report.problems,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!(
            "{} leaves: {captures} captures, {versions} record versions, {exports} exports, \
             {audit} audit events",
            report.leaves
        );
        println!(
            "{} record versions opened against their leaves' commitments",
            report.opened
        );
        match report.latest_size {
            Some(size) => println!(
                "{} signed checkpoints checked; the latest covers {size} leaves",
                report.checkpoints
            ),
            None => println!("no signed checkpoint yet"),
        }
    }
    for problem in &report.problems {
        eprintln!("problem: {problem}");
    }
    if report.is_intact() {
        if !as_json {
            println!("The evidence log is intact.");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "The evidence log is NOT intact: {} problem(s) found",
            report.problems.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// `amparo log export-tiles DIR`
async fn export_tiles(app: &App, dir: &Path) -> anyhow::Result<()> {
    let progress = Mutex::new(Progress::new("exported tiles"));
    let export = app
        .export_tiles(dir, &|done, total| {
            if let Ok(mut progress) = progress.lock() {
                progress.update(done, total);
            }
        })
        .await?;
    if let Ok(progress) = progress.into_inner() {
        progress.finish();
    }
    println!(
        "exported the tree of {} leaves to {}: {} hash tiles and {} entry bundles",
        export.size,
        dir.display(),
        export.tiles,
        export.entry_bundles
    );
    println!("checkpoint: {}", dir.join("checkpoint").display());
    Ok(())
}
