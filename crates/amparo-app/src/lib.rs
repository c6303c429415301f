//! Amparo's use cases: records, captures, custody timelines, suggestions and their review,
//! users, export and import, the demo, garbage collection. This is the one place where access
//! is decided: the server and the CLI call these functions with an [`Actor`] and never reach
//! the store themselves.

mod access;
mod accounts;
mod actor;
mod audit;
mod auth;
pub mod backup;
mod bulk;
mod capture;
pub mod config;
mod custody;
pub mod demo;
mod demo_load;
mod error;
mod export;
pub mod feeds;
pub mod fetch;
mod gc;
pub mod installation;
mod keys;
mod log;
mod media;
mod pages;
mod query;
mod records;
pub mod review;
mod search;
pub mod shares;
pub mod signin;
mod tokens;
mod views;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use amparo_store::{BlobStore, Store};
pub use amparo_store::{FeedPoll, FeedSettings as Subscription, JobCounts, JobState};

pub use access::{Access, Rights, role_ceiling};
pub use accounts::{GrantInfo, GranteeName, parse_rights};
pub use actor::{Actor, Channel};
pub use amparo_search::{
    FacetCounts, FacetField, Hit, MAX_LIMIT as MAX_SEARCH_PAGE, QueryProblem, SearchRequest,
    Snippet, SortBy,
};
pub use amparo_store::{AuditEvent, AuditFilter};
pub use audit::audit_content;
pub use auth::{generate_password, hash_password};
pub use capture::CaptureOptions;
pub use custody::{TimelineSegment, build_timeline};
pub use demo_load::DemoReport;
pub use error::AppError;
pub use export::{EXPORT_FORMAT, EXPORT_FORMAT_VERSION, TransferReport, blob_folder};
pub use feeds::{
    FeedInfo, FeedPage, FeedStatus, NewFeed, OpmlImport, PollOptions, PollReport, ProgressFn,
};
pub use gc::GcReport;
pub use keys::KeyRotation;
pub use log::{BundleInfo, LogCheckReport, TilesExport};
pub use media::sniff_media_type;
pub use pages::{DocumentCluster, MIN_WORDS_FOR_NEAR_COPIES};
pub use query::{DEFAULT_PAGE_SIZE, Filter, MAX_PAGE_SIZE, Page, RecordQuery, filters_for};
pub use records::{Versioned, VersionedRecord};
pub use review::{
    BulkReport, Candidate, DEFAULT_CONFIDENT, Decision, DecisionOutcome, PendingReport,
    ProcessReport,
};
pub use search::{
    DEFAULT_PER_PAGE, Found, INDEX_FOLDER, RebuildReport, SEARCHED_KINDS, SearchPage, SearchParams,
};
pub use signin::{PendingSignIn, SecondFactorStatus, SignIn, TotpEnrolment};
pub use tokens::{ApiTokenInfo, NewToken, Scope, Scopes, TOKEN_PREFIX, TokenActor};
pub use views::{ListPage, PresentStatus};

use config::Settings;

/// An open installation: its store, blob store and settings.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    blobs: BlobStore,
    settings: Settings,
    data_dir: PathBuf,
    views: Arc<views::Views>,
    log: Arc<log::LogRuntime>,
    ingest: Arc<pages::IngestRuntime>,
    audit: Arc<audit::AuditQueue>,
    search: Arc<search::SearchRuntime>,
    /// The unlocked keyring (`None` for an App assembled from parts without one).
    keys: Arc<std::sync::RwLock<Option<Arc<amparo_store::Keyring>>>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("data_dir", &self.data_dir)
            .field("installation_id", &self.settings.installation_id)
            .finish_non_exhaustive()
    }
}

impl App {
    /// An installation from its parts (see [`installation::open`] for the usual way).
    pub fn new(
        store: Arc<dyn Store>,
        blobs: BlobStore,
        settings: Settings,
        data_dir: PathBuf,
    ) -> Self {
        Self {
            store,
            blobs,
            settings,
            data_dir,
            views: Arc::default(),
            log: Arc::default(),
            ingest: Arc::default(),
            audit: Arc::default(),
            search: Arc::default(),
            keys: Arc::default(),
        }
    }

    /// The installation's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The evidence log's verifier key (`name+hash+base64`): what anyone needs to check the
    /// log's signed checkpoints, to be published wherever the log is.
    pub fn log_verifier_key(&self) -> Result<String, AppError> {
        Ok(self.log_signer()?.verifier().to_string())
    }
}
