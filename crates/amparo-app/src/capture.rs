//! Capturing evidence: a file or a URL becomes an immutable blob and a capture record.
//!
//! The order of a capture is what makes it crash-safe: the blob is written and fsynced first,
//! then the record naming it commits. A crash in between leaves an unreferenced blob, which the
//! garbage collector removes later; it can never leave a record without its blob.

use std::path::Path;

use amparo_model::records::{Capture, CaptureOrigin};
use amparo_model::{CaseId, Record, RecordKind};
use amparo_store::Change;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fetch::Fetched;
use crate::media::sniff_media_type;
use crate::{Actor, App, AppError, Versioned, VersionedRecord};

/// What to record with a capture besides its bytes.
#[derive(Clone, Debug, Default)]
pub struct CaptureOptions {
    /// The cases the capture belongs to.
    pub case_ids: Vec<CaseId>,
    /// Why or how it was captured.
    pub note: String,
    /// The id to give the capture (imports and the demo); a new one when `None`.
    pub id: Option<Uuid>,
}

/// A fetched response as a capture records it: its bytes, the media type sniffed from them
/// (with the last segment of the final URL as a file name and the server's word as a hint),
/// and how it was obtained.
pub(crate) struct FetchedCapture {
    pub(crate) body: Vec<u8>,
    pub(crate) media_type: String,
    pub(crate) origin: CaptureOrigin,
}

impl FetchedCapture {
    pub(crate) fn of(fetched: Fetched) -> FetchedCapture {
        let file_name = fetched
            .final_url
            .rsplit('/')
            .find(|part| !part.is_empty())
            .unwrap_or("index");
        let media_type = sniff_media_type(
            Some(file_name),
            &fetched.body,
            fetched.media_type.as_deref(),
        );
        FetchedCapture {
            body: fetched.body,
            media_type,
            origin: CaptureOrigin::Url {
                requested_url: fetched.requested_url,
                final_url: fetched.final_url,
                redirects: fetched.redirects,
                status: fetched.status,
                headers: fetched.headers,
                remote_addr: fetched.remote_addr.map(|addr| addr.to_string()),
            },
        }
    }
}

impl App {
    /// Captures a file from disk, streaming it so that a large video is never held in memory.
    pub async fn capture_file(
        &self,
        actor: &Actor,
        path: &Path,
        options: CaptureOptions,
    ) -> Result<Versioned<Capture>, AppError> {
        self.require_capture(actor, &options).await?;
        let metadata = std::fs::metadata(path).map_err(|source| AppError::io(path, source))?;
        if !metadata.is_file() {
            return Err(AppError::io(
                path,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "is not a regular file; give the path of a file to capture",
                ),
            ));
        }
        let limit = self.settings.capture.max_file_bytes;
        if metadata.len() > limit {
            return Err(AppError::TooLarge {
                path: path.to_owned(),
                size: metadata.len(),
                limit,
            });
        }
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "unnamed".to_owned());
        let head = read_head(path)?;
        let media_type = sniff_media_type(Some(&file_name), &head, None);
        let origin = CaptureOrigin::File { file_name };
        // The digest is known only once the file is stored; check everything else first.
        let unhashed = (UNHASHED.to_owned(), metadata.len());
        let id = options.id;
        let capture = self
            .checked_capture(actor, unhashed, media_type, origin, options)
            .await?;
        let info = self.blobs.put_file(path).await?;
        let capture = Capture {
            sha256: info.sha256,
            size: info.size,
            ..capture
        };
        self.commit_capture(actor, capture, id).await
    }

    /// Captures bytes already in memory (an upload, a demo file).
    pub async fn capture_bytes(
        &self,
        actor: &Actor,
        file_name: &str,
        declared_media_type: Option<&str>,
        bytes: &[u8],
        options: CaptureOptions,
    ) -> Result<Versioned<Capture>, AppError> {
        self.require_capture(actor, &options).await?;
        let media_type = sniff_media_type(Some(file_name), bytes, declared_media_type);
        let origin = CaptureOrigin::File {
            file_name: file_name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(file_name)
                .to_owned(),
        };
        self.store_and_commit(actor, bytes, media_type, origin, options)
            .await
    }

    /// Fetches a URL under the installation's fetch policy (only http and https, size, time and
    /// redirect limits, non-global addresses refused unless allow-listed) and captures the
    /// response with its HTTP metadata.
    pub async fn capture_url(
        &self,
        actor: &Actor,
        url: &str,
        options: CaptureOptions,
    ) -> Result<Versioned<Capture>, AppError> {
        self.require_capture(actor, &options).await?;
        let policy = self.settings.fetch_policy()?;
        let fetched =
            crate::fetch::fetch(url, &policy)
                .await
                .map_err(|source| AppError::Fetch {
                    url: url.to_owned(),
                    source,
                })?;
        if fetched.status == 304 {
            // Nothing was asked conditionally: a 304 is a misbehaving server, and an empty
            // capture would be worthless as evidence.
            return Err(AppError::Fetch {
                url: url.to_owned(),
                source: crate::fetch::FetchError::HttpStatus { status: 304 },
            });
        }
        let page = FetchedCapture::of(fetched);
        self.store_and_commit(actor, &page.body, page.media_type, page.origin, options)
            .await
    }

    /// Checks the capture record of `bytes`, stores them, then commits the record.
    pub(crate) async fn store_and_commit(
        &self,
        actor: &Actor,
        bytes: &[u8],
        media_type: String,
        origin: CaptureOrigin,
        options: CaptureOptions,
    ) -> Result<Versioned<Capture>, AppError> {
        let id = options.id;
        let info = self.blobs.info_for(bytes);
        let capture = self
            .checked_capture(actor, (info.sha256, info.size), media_type, origin, options)
            .await?;
        self.blobs.put_bytes(bytes).await?;
        self.commit_capture(actor, capture, id).await
    }

    /// The capture record for a blob of `(sha256, size)`, checked before the blob is stored: a
    /// capture that would be refused must not leave its bytes behind.
    /// Refuses a capture the actor may not make: the write right on every case it names, and
    /// administrators only for a capture that names no case (no one else would see it).
    async fn require_capture(
        &self,
        actor: &Actor,
        options: &CaptureOptions,
    ) -> Result<(), AppError> {
        let mut gate = self.gate(actor).await?;
        let probe = Record::Capture(Capture {
            sha256: UNHASHED.to_owned(),
            size: 0,
            media_type: String::new(),
            origin: CaptureOrigin::File {
                file_name: String::new(),
            },
            obtained_at: OffsetDateTime::now_utc(),
            obtained_by: actor.label(),
            case_ids: options.case_ids.clone(),
            note: String::new(),
        });
        self.check_write(&mut gate, Uuid::nil(), probe, None)
            .await?;
        Ok(())
    }

    async fn checked_capture(
        &self,
        actor: &Actor,
        (sha256, size): (String, u64),
        media_type: String,
        origin: CaptureOrigin,
        options: CaptureOptions,
    ) -> Result<Capture, AppError> {
        let capture = Capture {
            sha256,
            size,
            media_type,
            origin,
            obtained_at: OffsetDateTime::now_utc(),
            obtained_by: actor.label(),
            case_ids: options.case_ids,
            note: options.note,
        };
        self.check_record(&Record::Capture(capture.clone())).await?;
        Ok(capture)
    }

    /// Commits the record of a stored blob, checking it again (a case it names may have been
    /// deleted meanwhile).
    async fn commit_capture(
        &self,
        actor: &Actor,
        capture: Capture,
        id: Option<Uuid>,
    ) -> Result<Versioned<Capture>, AppError> {
        let capture = Capture {
            obtained_at: OffsetDateTime::now_utc(),
            ..capture
        };
        let record = Record::Capture(capture.clone());
        self.check_record(&record).await?;
        let id = id.unwrap_or_else(Uuid::now_v7);
        let change = Change {
            kind: RecordKind::Capture,
            id,
            expected_version: 0,
            body: Some(record.to_json()),
            actor: actor.label(),
            at: capture.obtained_at,
        };
        let stored = self.write_changes(&[change]).await?;
        let stored = stored.into_iter().next().ok_or(AppError::NotFound {
            kind: RecordKind::Capture,
            id,
        })?;
        Ok(Versioned {
            id,
            version: stored.version,
            body: capture,
            actor: stored.actor,
            recorded_at: stored.recorded_at,
        })
    }

    /// The bytes of a capture, checked against both its blob name and its SHA-256.
    pub async fn capture_content(&self, actor: &Actor, id: Uuid) -> Result<Vec<u8>, AppError> {
        let capture: Versioned<Capture> = self.get(actor, id).await?;
        let key = self
            .blobs
            .key_for_sha256(&capture.body.sha256)
            .ok_or_else(|| AppError::NotAllowed(format!("capture {id} has an invalid SHA-256")))?;
        let bytes = self.blobs.get(&key).await?;
        let info = self.blobs.info_for(&bytes);
        if info.sha256 != capture.body.sha256 {
            return Err(AppError::Blob(amparo_store::BlobWriteError::Damaged {
                key,
            }));
        }
        Ok(bytes)
    }

    /// Every capture, as versioned records.
    pub async fn list_captures(&self, actor: &Actor) -> Result<Vec<VersionedRecord>, AppError> {
        self.list_records(actor, RecordKind::Capture).await
    }
}

/// A well-formed stand-in for the SHA-256 of a file not yet hashed.
const UNHASHED: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first bytes of a file, for media type sniffing.
fn read_head(path: &Path) -> Result<Vec<u8>, AppError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(path)
        .and_then(|file| file.take(512).read_to_end(&mut head))
        .map_err(|source| AppError::io(path, source))?;
    Ok(head)
}
