//! Loads the demo matter ([`crate::demo`]) into an installation through the ordinary use cases,
//! so the demo obeys every rule real data does.

use amparo_model::RecordKind;

use crate::demo::demo_data;
use crate::{Actor, App, AppError, CaptureOptions};

/// What the demo loader wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    /// Captured files.
    pub captures: u64,
    /// Records written (captures excluded).
    pub records: u64,
    /// Of which persons.
    pub persons: u64,
}

impl App {
    /// Writes the demo matter, with hearings and deadlines placed relative to `today`.
    pub async fn load_demo(
        &self,
        actor: &Actor,
        today: time::Date,
    ) -> Result<DemoReport, AppError> {
        let data = demo_data(today);
        let mut report = DemoReport::default();
        // Captures name their cases, and other records name the captures: cases first, then the
        // files, then everything else in the order given.
        let (cases, others): (Vec<_>, Vec<_>) = data
            .records
            .into_iter()
            .partition(|(_, record)| record.kind() == RecordKind::Case);
        for (id, record) in cases {
            self.create_record_with_id(actor, id, record).await?;
            report.records += 1;
        }
        for file in data.files {
            let options = CaptureOptions {
                case_ids: file.case_ids,
                note: file.note,
                id: Some(file.capture_id.0),
            };
            self.capture_bytes(
                actor,
                &file.file_name,
                Some(&file.media_type),
                &file.bytes,
                options,
            )
            .await?;
            report.captures += 1;
        }
        for (id, record) in others {
            if record.kind() == RecordKind::Person {
                report.persons += 1;
            }
            self.create_record_with_id(actor, id, record).await?;
            report.records += 1;
        }
        Ok(report)
    }
}
