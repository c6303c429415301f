//! Who may see what, as search needs it: the caller's visibility, turned per segment into a
//! bitset of the documents it may see, cached per (segment, visibility).
//!
//! `amparo-app` decides the rights (its access.rs); search only applies them. A segment never
//! changes once written (deletes are a separate alive bitset that every search applies), so a
//! bitset built for a segment and a case set stays true until the segment is merged away.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocSet, SegmentReader, TERMINATED, Term};
use uuid::Uuid;

use crate::schema::{SHARED_TERM, uuid_term};

/// Which records' cases a caller may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Every record (administrators, the command line, Amparo's own work).
    All,
    /// The records of these cases (and, for [`Viewer::read`], shared records if the viewer's
    /// `shared` is set).
    Cases(CaseSet),
}

impl Visibility {
    /// Nothing at all.
    pub fn none() -> Visibility {
        Visibility::Cases(CaseSet::new([]))
    }

    /// The records of `cases`.
    pub fn cases(cases: impl IntoIterator<Item = Uuid>) -> Visibility {
        Visibility::Cases(CaseSet::new(cases))
    }

    fn is_nothing(&self) -> bool {
        matches!(self, Visibility::Cases(set) if set.is_empty())
    }
}

/// A set of case ids, cheap to clone and to use as a cache key (its hash is computed once).
#[derive(Clone, Debug)]
pub struct CaseSet {
    cases: Arc<[Uuid]>,
    fingerprint: u64,
}

impl CaseSet {
    /// The set of `cases` (duplicates are dropped).
    pub fn new(cases: impl IntoIterator<Item = Uuid>) -> CaseSet {
        let sorted: BTreeSet<Uuid> = cases.into_iter().collect();
        let cases: Arc<[Uuid]> = sorted.into_iter().collect();
        let mut hasher = DefaultHasher::new();
        cases.hash(&mut hasher);
        CaseSet {
            fingerprint: hasher.finish(),
            cases,
        }
    }

    /// The cases, sorted.
    pub fn as_slice(&self) -> &[Uuid] {
        &self.cases
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Whether `case` is in the set.
    pub fn contains(&self, case: Uuid) -> bool {
        self.cases.binary_search(&case).is_ok()
    }
}

impl PartialEq for CaseSet {
    fn eq(&self, other: &CaseSet) -> bool {
        self.fingerprint == other.fingerprint && self.cases == other.cases
    }
}

impl Eq for CaseSet {}

impl Hash for CaseSet {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.fingerprint);
    }
}

/// What one caller may see, as `amparo-app` resolved it from their grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    /// The records the caller may read.
    pub read: Visibility,
    /// The records whose sensitive fields the caller may read (only those also readable count).
    pub sensitive: Visibility,
    /// Whether shared records (organizations, places) are visible: every signed-in user.
    pub shared: bool,
}

impl Viewer {
    /// An administrator: everything, sensitive fields included.
    pub fn admin() -> Viewer {
        Viewer {
            read: Visibility::All,
            sensitive: Visibility::All,
            shared: true,
        }
    }

    /// A signed-in user who reads the records of `read`, and the sensitive fields of the records
    /// of `sensitive`; shared records included.
    pub fn user(
        read: impl IntoIterator<Item = Uuid>,
        sensitive: impl IntoIterator<Item = Uuid>,
    ) -> Viewer {
        Viewer {
            read: Visibility::cases(read),
            sensitive: Visibility::cases(sensitive),
            shared: true,
        }
    }

    /// The cases whose sensitive fields may be searched: `sensitive` within `read`.
    pub(crate) fn sensitive_scope(&self) -> Visibility {
        match (&self.read, &self.sensitive) {
            (_, Visibility::Cases(sensitive)) if sensitive.is_empty() => Visibility::none(),
            (Visibility::All, sensitive) => sensitive.clone(),
            (Visibility::Cases(read), Visibility::All) => Visibility::Cases(read.clone()),
            (Visibility::Cases(read), Visibility::Cases(sensitive)) => Visibility::cases(
                sensitive
                    .as_slice()
                    .iter()
                    .copied()
                    .filter(|case| read.contains(*case)),
            ),
        }
    }

    /// Whether the caller may see sensitive fields of some record.
    pub(crate) fn any_sensitive(&self) -> bool {
        !self.sensitive_scope().is_nothing()
    }
}

/// What a bitset is built for: a case set, and whether shared records are in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    segment: SegmentId,
    cases: CaseSet,
    shared: bool,
}

/// Per-segment bitsets of the documents a visibility may see, built from the postings of the
/// case field (and the shared field) and kept until the cache fills up.
#[derive(Debug, Default)]
pub(crate) struct AccessCache {
    bitsets: Mutex<HashMap<Key, Arc<BitSet>>>,
}

/// Cached bitsets kept at most; a bitset of a 1 M-document segment is 125 KB.
const MAX_CACHED_BITSETS: usize = 512;

impl AccessCache {
    /// The documents of `segment` that `cases` (plus shared records if `shared`) may see.
    pub(crate) fn allowed(
        &self,
        segment: &SegmentReader,
        case_field: Field,
        shared_field: Option<Field>,
        cases: &CaseSet,
        shared: bool,
    ) -> tantivy::Result<Arc<BitSet>> {
        let key = Key {
            segment: segment.segment_id(),
            cases: cases.clone(),
            shared,
        };
        if let Some(bitset) = self.lock().get(&key) {
            return Ok(bitset.clone());
        }
        let bitset = Arc::new(build(segment, case_field, shared_field, cases, shared)?);
        let mut bitsets = self.lock();
        if bitsets.len() >= MAX_CACHED_BITSETS {
            bitsets.clear();
        }
        bitsets.insert(key, bitset.clone());
        Ok(bitset)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<BitSet>>> {
        // A panic while holding the lock cannot leave the map inconsistent (inserts are whole).
        self.bitsets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn build(
    segment: &SegmentReader,
    case_field: Field,
    shared_field: Option<Field>,
    cases: &CaseSet,
    shared: bool,
) -> tantivy::Result<BitSet> {
    let mut bitset = BitSet::with_max_value(segment.max_doc());
    let mut terms: Vec<Term> = cases
        .as_slice()
        .iter()
        .map(|case| Term::from_field_text(case_field, &uuid_term(*case)))
        .collect();
    if let (true, Some(field)) = (shared, shared_field) {
        terms.push(Term::from_field_text(field, SHARED_TERM));
    }
    for term in terms {
        let inverted = segment.inverted_index(term.field())?;
        if let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? {
            let mut doc = postings.doc();
            while doc != TERMINATED {
                bitset.insert(doc);
                doc = postings.advance();
            }
        }
    }
    Ok(bitset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_scope_is_within_read() {
        let [a, b, c] = [1u128, 2, 3].map(Uuid::from_u128);
        let viewer = Viewer::user([a, b], [b, c]);
        assert_eq!(viewer.sensitive_scope(), Visibility::cases([b]));
        assert!(!Viewer::user([a], []).any_sensitive());
        assert!(Viewer::admin().any_sensitive());
    }
}
