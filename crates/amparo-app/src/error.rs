//! The errors of Amparo's use cases, each with a stable public code for the API.

use std::path::PathBuf;

use amparo_model::{RecordKind, ValidationErrors};
use amparo_store::{BlobWriteError, StoreError};
use uuid::Uuid;

use crate::fetch::FetchError;

/// Why a use case failed. Messages say what was wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record does not exist (or was deleted).
    #[error("there is no {kind} with id {id}")]
    NotFound {
        /// The kind looked for.
        kind: RecordKind,
        /// The id looked for.
        id: Uuid,
    },
    /// The record's fields are wrong.
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// The input is not a record of that kind at all (unknown or mistyped fields).
    #[error("invalid {kind}: {message}")]
    Malformed {
        /// The kind being written.
        kind: RecordKind,
        /// What the reader found wrong.
        message: String,
    },
    /// The actor may not do this.
    #[error("you may not {action}: ask an administrator")]
    Forbidden {
        /// What was attempted.
        action: String,
    },
    /// The record is immutable or can only be made another way.
    #[error("{0}")]
    NotAllowed(String),
    /// The record changed since it was read.
    #[error("{0}")]
    Conflict(StoreError),
    /// Fetching a URL failed.
    #[error("could not capture {url}: {source}")]
    Fetch {
        /// The URL.
        url: String,
        /// The cause.
        source: FetchError,
    },
    /// A file to capture is too large.
    #[error(
        "{path} is {size} bytes, more than the limit of {limit} bytes: raise capture.max_file_bytes in the configuration if this is intended"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Storing or reading a blob failed.
    #[error("{0}")]
    Blob(#[from] BlobWriteError),
    /// The database failed.
    #[error("{0}")]
    Store(StoreError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The configuration file is wrong.
    #[error("configuration {path} is invalid: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// One setting is wrong.
    #[error("setting {name} is invalid: {message}")]
    Setting {
        /// The setting's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// There is no installation where one was expected, or one where none should be.
    #[error("{0}")]
    Installation(String),
    /// An import file is damaged or not an Amparo export.
    #[error("{path}: line {line}: {message}; nothing was imported")]
    Import {
        /// The export file.
        path: PathBuf,
        /// The line at fault (1-based), 0 for the file as a whole.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// Signing in failed.
    #[error("wrong user name or password")]
    BadCredentials,
    /// A password could not be hashed.
    #[error("could not hash the password: {0}")]
    PasswordHash(String),
    /// A feed subscription was looked for and not found.
    #[error("{0}")]
    NoSuchFeed(String),
    /// The feed is already followed.
    #[error("{url} is already followed (feed {id}); `amparo feed list` shows it")]
    DuplicateFeed {
        /// The feed's URL.
        url: String,
        /// The existing subscription.
        id: Uuid,
    },
    /// A feed URL that cannot be followed.
    #[error("cannot follow {url:?}: {reason}")]
    InvalidFeedUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The search index failed (it is derived from the records: `amparo index rebuild` makes it
    /// again).
    #[error("search index: {0}")]
    SearchIndex(String),
    /// A query parameter is wrong or does not apply to what is queried.
    #[error("parameter {parameter}: {message}")]
    InvalidQuery {
        /// The parameter's name.
        parameter: String,
        /// What is wrong.
        message: String,
    },
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { .. } => AppError::Conflict(error),
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    /// A stable code for API clients; never changes once published.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound { .. } => "not_found",
            AppError::Invalid(_) => "invalid_record",
            AppError::Malformed { .. } => "malformed_record",
            AppError::Forbidden { .. } => "forbidden",
            AppError::NotAllowed(_) => "not_allowed",
            AppError::Conflict(_) => "version_conflict",
            AppError::Fetch { .. } => "fetch_failed",
            AppError::TooLarge { .. } => "too_large",
            AppError::Blob(_) => "blob_error",
            AppError::Store(_) => "storage_error",
            AppError::Io { .. } => "io_error",
            AppError::Config { .. } | AppError::Setting { .. } => "configuration_error",
            AppError::Installation(_) => "installation_error",
            AppError::Import { .. } => "import_failed",
            AppError::BadCredentials => "bad_credentials",
            AppError::PasswordHash(_) => "internal_error",
            AppError::InvalidQuery { .. } => "invalid_query",
            AppError::SearchIndex(_) => "search_index_error",
            AppError::NoSuchFeed(_) => "not_found",
            AppError::DuplicateFeed { .. } => "duplicate_feed",
            AppError::InvalidFeedUrl { .. } => "invalid_url",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        AppError::Io {
            path: path.into(),
            source,
        }
    }
}
