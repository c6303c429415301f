//! Opening the two indexes, and changing them: add or replace a record, delete one, commit.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use uuid::Uuid;

use crate::access::AccessCache;
use crate::analysis;
use crate::collect::{MIN_DOCS_TO_SPLIT, Split};
use crate::schema::{self, MainFields, SearchDoc, SensitiveFields, uuid_term};
use crate::{SearchError, SearchResult};

/// How the index writes.
#[derive(Clone, Debug)]
pub struct IndexOptions {
    /// Indexing threads of the on-disk index.
    pub threads: usize,
    /// Memory the on-disk writer may buffer before it writes a segment, over all threads.
    pub memory_budget_bytes: usize,
    /// Threads one search of the on-disk index may use, each on a range of a large segment's
    /// documents.
    pub search_threads: usize,
}

impl Default for IndexOptions {
    /// One indexing thread and 64 MB (an installation indexes a record at a time, as its
    /// outbox moves); searches on every core, up to [`MAX_SEARCH_THREADS`].
    fn default() -> IndexOptions {
        IndexOptions {
            threads: 1,
            memory_budget_bytes: 64 << 20,
            search_threads: default_search_threads(),
        }
    }
}

/// The most threads a search uses by default, so that on a larger machine one search leaves
/// cores to the others (only two cores were measured: `amparo bench search`).
pub const MAX_SEARCH_THREADS: usize = 4;

/// The machine's cores, up to [`MAX_SEARCH_THREADS`].
pub fn default_search_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .min(MAX_SEARCH_THREADS)
}

/// The smallest budget tantivy takes per writer thread.
const MIN_BUDGET_PER_THREAD: usize = 15 << 20;

/// One index half: a tantivy index, its writer and its reader.
pub(crate) struct Part<F> {
    pub index: Index,
    pub fields: F,
    pub reader: IndexReader,
    pub writer: Mutex<IndexWriter<TantivyDocument>>,
    pub access: AccessCache,
}

impl<F> Part<F> {
    fn new(index: Index, fields: F, threads: usize, budget: usize) -> SearchResult<Part<F>> {
        analysis::register(&index);
        let threads = threads.max(1);
        let budget = budget.max(threads * MIN_BUDGET_PER_THREAD);
        let writer = index.writer_with_num_threads(threads, budget)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Part {
            index,
            fields,
            reader,
            writer: Mutex::new(writer),
            access: AccessCache::default(),
        })
    }

    pub(crate) fn writer(&self) -> MutexGuard<'_, IndexWriter<TantivyDocument>> {
        // The writer stays usable after a panic elsewhere: tantivy rolls back on its own errors.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Amparo's search index: the on-disk index of non-sensitive fields, and the in-memory index of
/// sensitive ones. Cheap to share behind an `Arc`; every method takes `&self`.
pub struct SearchIndex {
    pub(crate) main: Part<MainFields>,
    pub(crate) sensitive: Part<SensitiveFields>,
    /// How a search of the on-disk index is spread over threads.
    pub(crate) split: Split,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.num_docs())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the folder) if missing. The sensitive index
    /// starts empty: it lives in memory only, and the caller refills it (see the crate doc).
    pub fn open_or_create(dir: &Path, options: &IndexOptions) -> SearchResult<SearchIndex> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Folder {
            path: dir.to_owned(),
            source,
        })?;
        let directory = MmapDirectory::open(dir).map_err(|error| SearchError::Folder {
            path: dir.to_owned(),
            source: std::io::Error::other(error.to_string()),
        })?;
        let (main_schema, main_fields) = schema::main_schema();
        let index = Index::open_or_create(directory, main_schema)?;
        Self::with_main(index, main_fields, options).map_err(|error| match error {
            SearchError::Index(tantivy::TantivyError::LockFailure(..)) => {
                SearchError::Busy(dir.to_owned())
            }
            other => other,
        })
    }

    /// An index held wholly in memory (tests, benchmarks, a throwaway installation).
    pub fn in_memory(options: &IndexOptions) -> SearchResult<SearchIndex> {
        let (main_schema, main_fields) = schema::main_schema();
        Self::with_main(Index::create_in_ram(main_schema), main_fields, options)
    }

    fn with_main(
        index: Index,
        fields: MainFields,
        options: &IndexOptions,
    ) -> SearchResult<SearchIndex> {
        let main = Part::new(index, fields, options.threads, options.memory_budget_bytes)?;
        let (sensitive_schema, sensitive_fields) = schema::sensitive_schema();
        let sensitive = Part::new(
            Index::create_in_ram(sensitive_schema),
            sensitive_fields,
            1,
            MIN_BUDGET_PER_THREAD,
        )?;
        Ok(SearchIndex {
            main,
            sensitive,
            split: Split {
                threads: options.search_threads.max(1),
                min_docs: MIN_DOCS_TO_SPLIT,
            },
        })
    }

    /// Adds `doc`, replacing the record's earlier version if there is one. Visible after the
    /// next [`SearchIndex::commit`].
    pub fn upsert(&self, doc: &SearchDoc) -> SearchResult<()> {
        let term = uuid_term(doc.id);
        {
            let writer = self.main.writer();
            writer.delete_term(Term::from_field_text(self.main.fields.id, &term));
            writer.add_document(schema::main_document(&self.main.fields, doc))?;
        }
        let writer = self.sensitive.writer();
        writer.delete_term(Term::from_field_text(self.sensitive.fields.id, &term));
        if let Some(sensitive) = schema::sensitive_document(&self.sensitive.fields, doc) {
            writer.add_document(sensitive)?;
        }
        Ok(())
    }

    /// Adds `doc` without looking for an earlier version: for records known not to be indexed
    /// (a rebuild after [`SearchIndex::clear`]), where it saves a delete per record.
    pub fn insert(&self, doc: &SearchDoc) -> SearchResult<()> {
        self.main
            .writer()
            .add_document(schema::main_document(&self.main.fields, doc))?;
        if let Some(sensitive) = schema::sensitive_document(&self.sensitive.fields, doc) {
            self.sensitive.writer().add_document(sensitive)?;
        }
        Ok(())
    }

    /// Deletes the record `id` (no error if it is not indexed). Visible after the next commit.
    pub fn delete(&self, id: Uuid) -> SearchResult<()> {
        let term = uuid_term(id);
        self.main
            .writer()
            .delete_term(Term::from_field_text(self.main.fields.id, &term));
        self.sensitive
            .writer()
            .delete_term(Term::from_field_text(self.sensitive.fields.id, &term));
        Ok(())
    }

    /// Makes every change so far durable (on disk) and visible to searches.
    pub fn commit(&self) -> SearchResult<()> {
        self.commit_inner(None)
    }

    /// Commits, recording `position` (the last outbox entry applied) with the commit, so that
    /// after a crash [`SearchIndex::applied_position`] says where to resume.
    pub fn commit_at(&self, position: u64) -> SearchResult<()> {
        self.commit_inner(Some(position))
    }

    fn commit_inner(&self, position: Option<u64>) -> SearchResult<()> {
        self.sensitive.writer().commit()?;
        {
            let mut writer = self.main.writer();
            let mut prepared = writer.prepare_commit()?;
            if let Some(position) = position {
                prepared.set_payload(&position.to_string());
            }
            prepared.commit()?;
        }
        self.sensitive.reader.reload()?;
        self.main.reader.reload()?;
        Ok(())
    }

    /// The outbox position recorded by the last [`SearchIndex::commit_at`], if any.
    pub fn applied_position(&self) -> SearchResult<Option<u64>> {
        let metas = self.main.index.load_metas()?;
        Ok(metas.payload.and_then(|payload| payload.parse().ok()))
    }

    /// Drops every document from both indexes (before a rebuild); commit to make it visible.
    pub fn clear(&self) -> SearchResult<()> {
        self.main.writer().delete_all_documents()?;
        self.sensitive.writer().delete_all_documents()?;
        Ok(())
    }

    /// Records searchable in the on-disk index (as of the last commit).
    pub fn num_docs(&self) -> u64 {
        self.main.reader.searcher().num_docs()
    }

    /// Records with sensitive fields in the in-memory index (as of the last commit).
    pub fn num_sensitive_docs(&self) -> u64 {
        self.sensitive.reader.searcher().num_docs()
    }

    /// Merges the on-disk index's segments into one and waits for it: fewer segments answer
    /// faster. For after a rebuild; ordinary commits merge in the background.
    pub fn merge_segments(&self) -> SearchResult<()> {
        let ids = self.main.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            let future = self.main.writer().merge(&ids);
            future.wait()?;
        }
        self.main.reader.reload()?;
        Ok(())
    }

    /// The id of a stored document.
    pub(crate) fn stored_id(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<Uuid> {
        use tantivy::schema::Value;
        doc.get_first(field)
            .and_then(|value| value.as_str())
            .and_then(|text| Uuid::parse_str(text).ok())
    }
}
