//! The one collector pass behind every search: skip what the caller may not see, count the
//! rest, count its facet values, keep the best `offset + limit` by relevance or date.
//!
//! Checking the access bitset first, in the same pass that counts, is what keeps hidden records
//! out of totals and facets; one pass instead of a query clause plus separate counting passes is
//! what keeps the tail short (DESIGN.md, "Budgets").

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::Field;
use tantivy::{
    BitSet, DateTime, DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader,
    TERMINATED,
};

use crate::access::{AccessCache, CaseSet};

/// The order of hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    Score,
    Newest,
    Oldest,
}

/// Which documents the pass may look at.
pub(crate) enum Allowed<'a> {
    /// Every document.
    All,
    /// The documents of `cases` (plus shared ones if `shared_field` is given).
    Cases {
        cache: &'a AccessCache,
        case_field: Field,
        shared_field: Option<Field>,
        cases: CaseSet,
    },
}

/// The collector.
pub(crate) struct Collect<'a> {
    pub allowed: Allowed<'a>,
    /// Fast string fields to count values of.
    pub facets: Vec<&'static str>,
    /// The date fast field, for date orders.
    pub date_field: Option<&'static str>,
    pub order: Order,
    /// How many of the best hits to keep.
    pub keep: usize,
}

/// What the pass found.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// Visible documents matching.
    pub total: u64,
    /// The best, best first, with their sort keys.
    pub top: Vec<(u64, DocAddress)>,
    /// Per facet field (in the order asked), counts by value.
    pub facets: Vec<HashMap<String, u64>>,
}

impl Collector for Collect<'_> {
    type Fruit = Collected;
    type Child = SegmentCollect;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentCollect> {
        let allowed = match &self.allowed {
            Allowed::All => None,
            Allowed::Cases {
                cache,
                case_field,
                shared_field,
                cases,
            } => Some(cache.allowed(
                segment,
                *case_field,
                *shared_field,
                cases,
                shared_field.is_some(),
            )?),
        };
        let mut facets = Vec::with_capacity(self.facets.len());
        for name in &self.facets {
            let column = segment.fast_fields().str(name)?;
            let counts = column
                .as_ref()
                .map_or(0, |column| column.dictionary().num_terms());
            facets.push(FacetCounter {
                ords: column.as_ref().map(|column| column.ords().clone()),
                column,
                counts: vec![0; counts],
            });
        }
        let date = match (self.order, self.date_field) {
            (Order::Newest | Order::Oldest, Some(name)) => Some(segment.fast_fields().date(name)?),
            _ => None,
        };
        Ok(SegmentCollect {
            segment_ord,
            allowed,
            facets,
            date,
            order: self.order,
            keep: self.keep,
            top: Vec::with_capacity(self.keep.saturating_mul(2).min(4096)),
            threshold: None,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.order == Order::Score
    }

    fn merge_fruits(&self, fruits: Vec<Collected>) -> tantivy::Result<Collected> {
        let mut merged = Collected {
            facets: vec![HashMap::new(); self.facets.len()],
            ..Collected::default()
        };
        for fruit in fruits {
            merged.total += fruit.total;
            merged.top.extend(fruit.top);
            for (into, counts) in merged.facets.iter_mut().zip(fruit.facets) {
                for (value, count) in counts {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        merged
            .top
            .sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        merged.top.truncate(self.keep);
        Ok(merged)
    }
}

struct FacetCounter {
    column: Option<StrColumn>,
    ords: Option<Column<u64>>,
    counts: Vec<u32>,
}

/// The collector of one segment.
pub(crate) struct SegmentCollect {
    segment_ord: SegmentOrdinal,
    allowed: Option<Arc<BitSet>>,
    facets: Vec<FacetCounter>,
    date: Option<Column<DateTime>>,
    order: Order,
    keep: usize,
    /// Candidates (key, doc); pruned to `keep` whenever it doubles.
    top: Vec<(u64, DocId)>,
    /// Once pruned: the key a new document must beat.
    threshold: Option<u64>,
    total: u64,
}

/// A date as a key that sorts like the date; no date sorts last either way.
fn date_key(date: Option<DateTime>, newest_first: bool) -> u64 {
    match date {
        None => 0,
        Some(date) => {
            let key = (date.into_timestamp_nanos() as u64) ^ (1 << 63);
            if newest_first {
                key.max(1)
            } else {
                (!key).max(1)
            }
        }
    }
}

impl SegmentCollect {
    fn prune(&mut self) {
        let keep = self.keep;
        self.top
            .select_nth_unstable_by(keep - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.top.truncate(keep);
        self.threshold = self.top.iter().map(|(key, _)| *key).min();
    }
}

impl SegmentCollector for SegmentCollect {
    type Fruit = Collected;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(allowed) = &self.allowed
            && !allowed.contains(doc)
        {
            return;
        }
        self.total += 1;
        for facet in &mut self.facets {
            if let Some(ords) = &facet.ords {
                for ord in ords.values_for_doc(doc) {
                    facet.counts[ord as usize] += 1;
                }
            }
        }
        if self.keep == 0 {
            return;
        }
        let key = match self.order {
            Order::Score => u64::from(score.max(0.0).to_bits()),
            Order::Newest | Order::Oldest => date_key(
                self.date.as_ref().and_then(|column| column.first(doc)),
                self.order == Order::Newest,
            ),
        };
        // Documents come in increasing order, so a tie with the threshold loses.
        if self.threshold.is_some_and(|threshold| key <= threshold) {
            return;
        }
        self.top.push((key, doc));
        if self.top.len() >= self.keep.saturating_mul(2).max(16) {
            self.prune();
        }
    }

    fn harvest(mut self) -> Collected {
        if self.top.len() > self.keep && self.keep > 0 {
            self.prune();
        }
        let segment_ord = self.segment_ord;
        let top = self
            .top
            .into_iter()
            .map(|(key, doc)| (key, DocAddress::new(segment_ord, doc)))
            .collect();
        let mut facets = Vec::with_capacity(self.facets.len());
        let mut value = String::new();
        for facet in self.facets {
            let mut counts = HashMap::new();
            if let Some(column) = &facet.column {
                for (ord, count) in facet.counts.iter().enumerate() {
                    if *count > 0 && column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                        counts.insert(value.clone(), u64::from(*count));
                    }
                }
            }
            facets.push(counts);
        }
        Collected {
            total: self.total,
            top,
            facets,
        }
    }
}

/// Segments with fewer documents than this are searched by one thread: below it, starting
/// threads costs more than it saves.
pub(crate) const MIN_DOCS_TO_SPLIT: u32 = 50_000;

/// How a search is spread over threads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Split {
    /// Threads a segment's documents are cut between.
    pub threads: usize,
    /// Segments with fewer documents are searched by one thread ([`MIN_DOCS_TO_SPLIT`]).
    pub min_docs: u32,
}

/// Runs `query` through `collector` on every segment of `searcher`, each segment of at least
/// `split.min_docs` documents cut into `split.threads` ranges of documents searched side by side.
///
/// A rebuilt index is one segment, which tantivy's own executor searches on one thread; the
/// slowest queries (common words, counted and faceted over a large share of the records) are
/// then as slow as one core. Each range gets its own scorer, sought to the range's first
/// document, and its own segment collector; the fruits merge as those of separate segments
/// do (totals and facet counts add up; the best hits are sorted by key, then address), so the
/// answer is the same as one pass over the segment.
pub(crate) fn search_split(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &Collect<'_>,
    split: Split,
) -> tantivy::Result<Collected> {
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring)?;
    let weight = weight.as_ref();
    let mut fruits = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as SegmentOrdinal;
        let max_doc = reader.max_doc();
        let parts = if max_doc >= split.min_docs {
            split.threads.max(1) as u64
        } else {
            1
        };
        if parts == 1 {
            fruits.push(collector.collect_segment(weight, ord, reader)?);
            continue;
        }
        let bounds: Vec<(DocId, DocId)> = (0..parts)
            .map(|part| {
                let cut = |part: u64| (u64::from(max_doc) * part / parts) as DocId;
                (cut(part), cut(part + 1))
            })
            .collect();
        let parts: Vec<tantivy::Result<Collected>> = std::thread::scope(|scope| {
            let others: Vec<_> = bounds[1..]
                .iter()
                .map(|&(start, end)| {
                    scope.spawn(move || collect_range(collector, weight, ord, reader, start, end))
                })
                .collect();
            let (start, end) = bounds[0];
            let mut parts = vec![collect_range(collector, weight, ord, reader, start, end)];
            for other in others {
                parts.push(other.join().unwrap_or_else(|_| {
                    Err(tantivy::TantivyError::InternalError(
                        "a search thread panicked".into(),
                    ))
                }));
            }
            parts
        });
        for part in parts {
            fruits.push(part?);
        }
    }
    collector.merge_fruits(fruits)
}

/// One segment's matching documents in `start..end`, through a segment collector of their own.
fn collect_range(
    collector: &Collect<'_>,
    weight: &dyn Weight,
    ord: SegmentOrdinal,
    reader: &SegmentReader,
    start: DocId,
    end: DocId,
) -> tantivy::Result<Collected> {
    let mut segment = collector.for_segment(ord, reader)?;
    let mut scorer = weight.scorer(reader, 1.0)?;
    let alive = reader.alive_bitset();
    let mut doc = scorer.doc();
    if doc < start {
        doc = scorer.seek(start);
    }
    while doc < end && doc != TERMINATED {
        if alive.is_none_or(|alive| alive.is_alive(doc)) {
            segment.collect(doc, scorer.score());
        }
        doc = scorer.advance();
    }
    Ok(segment.harvest())
}
