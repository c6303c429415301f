//! `amparo capture`, `export`, `import` and `gc`.

use std::path::Path;
use std::process::ExitCode;

use amparo_app::{Actor, App, CaptureOptions};
use amparo_model::CaseId;
use serde_json::json;
use uuid::Uuid;

use crate::progress::Progress;

fn is_url(target: &str) -> bool {
    target.contains("://")
}

/// Captures each target; a failure is reported and the rest still captured.
pub async fn capture(
    app: &App,
    actor: &Actor,
    targets: &[String],
    cases: &[Uuid],
    note: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let mut failures = 0;
    for target in targets {
        let options = CaptureOptions {
            case_ids: cases.iter().copied().map(CaseId).collect(),
            note: note.to_owned(),
            id: None,
        };
        let result = if is_url(target) {
            app.capture_url(actor, target, options).await
        } else {
            app.capture_file(actor, Path::new(target), options).await
        };
        match result {
            Ok(capture) => {
                if json {
                    println!(
                        "{}",
                        json!({
                            "target": target,
                            "id": capture.id,
                            "sha256": capture.body.sha256,
                            "size": capture.body.size,
                            "media_type": capture.body.media_type,
                        })
                    );
                } else {
                    println!(
                        "captured {target} as {} (sha256 {}, {} bytes, {})",
                        capture.id, capture.body.sha256, capture.body.size, capture.body.media_type
                    );
                }
            }
            Err(error) => {
                failures += 1;
                // Most errors name the file or URL already; say which target failed otherwise.
                let message = error.to_string();
                if message.contains(target.as_str()) {
                    eprintln!("error: {message}");
                } else {
                    eprintln!("error: {target}: {message}");
                }
            }
        }
    }
    if failures > 0 {
        eprintln!("{failures} of {} capture(s) failed", targets.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `amparo export -o FILE`
pub async fn export(app: &App, actor: &Actor, output: &Path) -> anyhow::Result<()> {
    let mut progress = Progress::new("exported versions");
    let report = app
        .export(actor, output, |done, total| progress.update(done, total))
        .await?;
    progress.finish();
    println!(
        "exported {} versions and {} blobs to {} and {}",
        report.versions,
        report.blobs,
        output.display(),
        amparo_app::blob_folder(output).display()
    );
    Ok(())
}

/// `amparo import FILE`
pub async fn import(app: &App, actor: &Actor, file: &Path) -> anyhow::Result<()> {
    let mut progress = Progress::new("imported");
    let report = app
        .import(actor, file, |done, total| progress.update(done, total))
        .await?;
    progress.finish();
    println!(
        "imported {} versions and {} blobs into {}",
        report.versions,
        report.blobs,
        app.data_dir().display()
    );
    Ok(())
}

/// `amparo gc`
pub async fn gc(app: &App, actor: &Actor, min_age: Option<u64>) -> anyhow::Result<()> {
    let min_age = min_age.unwrap_or(app.settings().gc.min_age_seconds);
    let mut progress = Progress::new("examined blobs");
    let report = app
        .collect_garbage(actor, min_age, |done, total| progress.update(done, total))
        .await?;
    progress.finish();
    for key in &report.removed {
        println!("removed unreferenced blob {key}");
    }
    println!(
        "examined {} blobs: {} referenced, {} removed, {} unreferenced but younger than {min_age} s kept; {} partial writes removed",
        report.examined,
        report.referenced,
        report.removed.len(),
        report.kept_young,
        report.partial_removed
    );
    Ok(())
}
