//! Amparo's search: a tantivy index of records, bilingual (English and Spanish), filtered by
//! what the caller may see inside the search itself, with sensitive fields searchable only from
//! memory. The index is derived state: deleting it and replaying the records rebuilds it.
//!
//! # The API, for `amparo-app`
//!
//! - [`SearchIndex::open_or_create`]`(dir, &IndexOptions)` opens the on-disk index in the data
//!   directory (for example `DATA/search/`), creating it if missing; [`SearchIndex::in_memory`]
//!   makes a throwaway one. Share it as `Arc<SearchIndex>`: every method takes `&self`.
//! - The app turns each record version into a [`SearchDoc`] (its kind, cases, shared or not,
//!   language, violations, custody statuses, places, date, title, text, non-sensitive names and
//!   variants, and in [`SearchDoc::sensitive`] the sensitive fields) and tails its outbox:
//!   [`SearchIndex::upsert`] for a created or changed record, [`SearchIndex::delete`] for a
//!   deleted one, then [`SearchIndex::commit_at`]`(position)` per batch. After a crash,
//!   [`SearchIndex::applied_position`] says where to resume. `amparo index rebuild` is
//!   [`SearchIndex::clear`], every record [`SearchIndex::insert`]ed, [`SearchIndex::commit_at`], then
//!   [`SearchIndex::merge_segments`]. Upserts are idempotent, so replaying an outbox entry twice
//!   is harmless.
//! - Sensitive fields go only to an in-memory index (tantivy's RAM directory); nothing of them is
//!   ever written to disk. It starts empty with each process: after unlocking the installation
//!   key, the app upserts every record that has sensitive fields (or everything, as a rebuild
//!   does), then tails the outbox as above.
//! - `amparo-app` resolves the caller's grants into a [`Viewer`]: which cases'
//!   records they read ([`Visibility::All`] for administrators, else [`Visibility::Cases`]),
//!   which cases' sensitive fields, and whether shared records (organizations, places) are
//!   visible. [`SearchIndex::search`]`(&SearchRequest, &Viewer)` returns [`SearchResults`]:
//!   the visible total, a page of [`Hit`]s (id, kind, title, date, score, snippet, and a
//!   sensitive snippet only for callers who may read it), [`FacetCounts`] over every visible hit,
//!   and [`QueryProblem`]s for parts of the query that could not be read. The server should load
//!   each hit's record through the app as usual (the hit only says where to look).
//! - Bad input is an answer, not a failure: an empty query browses every visible record;
//!   unbalanced quotes are closed and reported; text too long, a page out of range and an unknown
//!   facet code ([`FacetField::parse`]) are typed [`SearchError`]s the server maps to 400s.
//!
//! # Access, inside the query
//!
//! Every search is one collector pass over the matching documents that first checks a bitset of
//! the documents the viewer may see, then counts the document, counts its facet values and
//! keeps it as a candidate hit. Hidden records are therefore never counted, faceted or returned.
//! The bitset of a segment for a case set is built from the postings of the case field (and the
//! shared field), and cached per (segment, case set): segments never change, deletes are
//! applied by tantivy's alive bitset, so a cached bitset stays true.

mod access;
mod analysis;
mod collect;
mod index;
mod schema;
mod search;

use std::path::PathBuf;

pub use access::{CaseSet, Viewer, Visibility};
pub use analysis::MAX_PREFIX_CHARS;
pub use index::{IndexOptions, MAX_SEARCH_THREADS, SearchIndex, default_search_threads};
pub use schema::{SearchDoc, SensitiveText};
pub use search::{
    FacetCounts, FacetField, Filters, Hit, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, QueryProblem,
    SearchRequest, SearchResults, Snippet, SortBy,
};

/// What can go wrong in search.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query text is longer than [`MAX_QUERY_CHARS`].
    #[error("the query has {chars} characters; at most {max} are taken")]
    QueryTooLong { chars: usize, max: usize },
    /// The page asked for holds too many hits or starts too deep.
    #[error("a page holds at most {max_limit} hits and starts at most at hit {max_offset}")]
    PageOutOfRange { max_limit: usize, max_offset: usize },
    /// A filter or facet code that names no field.
    #[error("there is no search field called {0:?}")]
    UnknownField(String),
    /// The index folder could not be made or opened.
    #[error("search index folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another process writes the index (only one may at a time).
    #[error("the search index in {0} is in use by another process")]
    Busy(PathBuf),
    /// The index failed (I/O, a corrupt or incompatible index).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// A search result.
pub type SearchResult<T> = Result<T, SearchError>;
