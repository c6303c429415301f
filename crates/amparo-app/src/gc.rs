//! Garbage collection of blobs that no capture names: what an interrupted capture leaves behind.

use std::collections::HashSet;

use amparo_model::RecordKind;
use amparo_store::{BlobKey, ListOptions};
use time::OffsetDateTime;

use crate::{Actor, App, AppError};

/// What a collection did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Blobs found in the blob store.
    pub examined: u64,
    /// Blobs named by a capture, kept.
    pub referenced: u64,
    /// Unreferenced blobs kept because they are younger than the minimum age.
    pub kept_young: u64,
    /// Unreferenced blobs removed.
    pub removed: Vec<BlobKey>,
    /// Partial files of blob writes that never finished, removed.
    pub partial_removed: u64,
}

impl App {
    /// Removes blobs that no capture names and that are older than `min_age_seconds` (a younger
    /// one may belong to a capture whose record is being written right now). Blobs named by any
    /// capture version are never touched.
    pub async fn collect_garbage(
        &self,
        actor: &Actor,
        min_age_seconds: u64,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<GcReport, AppError> {
        self.require_admin_role(actor, "collect garbage").await?;
        // Read the blob listing before the records: a capture that commits in between names a
        // blob that is then both listed and referenced, never listed and unreferenced.
        let blobs = self.blobs.list().await?;
        let options = ListOptions {
            include_deleted: true,
            ..ListOptions::default()
        };
        let referenced: HashSet<String> = self
            .store
            .list(RecordKind::Capture, &options)
            .await?
            .into_iter()
            .filter_map(|version| {
                let sha256 = version.body.get("sha256")?.as_str()?;
                Some(self.blobs.key_for_sha256(sha256)?.as_str().to_owned())
            })
            .collect();
        let partial = self.blobs.remove_partial_uploads(min_age_seconds).await?;
        for path in &partial {
            tracing::info!(path = %path.display(), "removed partial blob write");
        }
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let total = blobs.len() as u64;
        let mut report = GcReport {
            examined: total,
            partial_removed: partial.len() as u64,
            ..GcReport::default()
        };
        for (index, blob) in blobs.into_iter().enumerate() {
            progress(index as u64 + 1, total);
            if referenced.contains(blob.key.as_str()) {
                report.referenced += 1;
                continue;
            }
            let age = now.saturating_sub(blob.modified_unix).max(0) as u64;
            if age < min_age_seconds {
                report.kept_young += 1;
                continue;
            }
            self.blobs.delete(&blob.key).await?;
            tracing::info!(blob.key = %blob.key, "removed unreferenced blob");
            report.removed.push(blob.key);
        }
        Ok(report)
    }
}
