//! Searching: a request (text, filters, facets, order, page) and a viewer in, results out.
//!
//! The text is read by tantivy's query parser over both stemmed fields and the names field
//! (`AND` by default; `OR`, `NOT`, `+`, `-`, "phrases" and parentheses as its grammar has them),
//! leniently: what cannot be read is dropped and reported as a [`QueryProblem`]. Filters are
//! constant-score clauses; the access filter and the facet counts are one collector pass
//! (module `collect`). A caller who may read sensitive fields on some cases also matches the
//! in-memory index of those fields, restricted to those cases; the records it finds join the
//! main query as an id set, so that the same access filter, filters and counts apply.

use std::collections::HashMap;
use std::fmt;
use std::ops::{Bound, Range};

use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, DocAddress, Searcher, TantivyDocument, Term};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::{Viewer, Visibility};
use crate::analysis::{self, MAX_PREFIX_CHARS};
use crate::collect::{self, Allowed, Collect, Order};
use crate::index::SearchIndex;
use crate::schema::{name, uuid_term};
use crate::{SearchError, SearchResult};

/// The longest query text taken, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// The most hits one page may hold.
pub const MAX_LIMIT: usize = 200;
/// The deepest a page may start.
pub const MAX_OFFSET: usize = 10_000;
/// The most records a search of sensitive fields adds to a query.
const MAX_SENSITIVE_MATCHES: usize = 10_000;
/// Snippet length, in characters.
const SNIPPET_CHARS: usize = 200;

/// A field results can be filtered and counted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FacetField {
    /// The record kind.
    Kind,
    /// The cases a record belongs to (only visible cases are ever counted).
    Case,
    /// The text's language.
    Language,
    /// Violation types.
    Violation,
    /// Custody statuses.
    CustodyStatus,
    /// Places.
    Place,
    /// The year of the record's date.
    Year,
}

impl FacetField {
    /// Every facet field.
    pub const ALL: [FacetField; 7] = [
        FacetField::Kind,
        FacetField::Case,
        FacetField::Language,
        FacetField::Violation,
        FacetField::CustodyStatus,
        FacetField::Place,
        FacetField::Year,
    ];

    /// The field's code in URLs and JSON.
    pub fn code(self) -> &'static str {
        match self {
            FacetField::Kind => "kind",
            FacetField::Case => "case",
            FacetField::Language => "language",
            FacetField::Violation => "violation",
            FacetField::CustodyStatus => "custody_status",
            FacetField::Place => "place",
            FacetField::Year => "year",
        }
    }

    /// The field a code names; an unknown code is [`SearchError::UnknownField`].
    pub fn parse(code: &str) -> SearchResult<FacetField> {
        FacetField::ALL
            .into_iter()
            .find(|field| field.code() == code)
            .ok_or_else(|| SearchError::UnknownField(code.chars().take(64).collect()))
    }

    fn index_field(self) -> &'static str {
        match self {
            FacetField::Kind => name::KIND,
            FacetField::Case => name::CASE,
            FacetField::Language => name::LANGUAGE,
            FacetField::Violation => name::VIOLATION,
            FacetField::CustodyStatus => name::CUSTODY,
            FacetField::Place => name::PLACE,
            FacetField::Year => name::YEAR,
        }
    }
}

/// Filters: within a field any value may match, across fields all must.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub kinds: Vec<String>,
    pub case_ids: Vec<Uuid>,
    pub languages: Vec<String>,
    pub violations: Vec<String>,
    pub custody_statuses: Vec<String>,
    pub place_ids: Vec<Uuid>,
    pub years: Vec<i32>,
    /// Records dated at or after this.
    pub date_from: Option<OffsetDateTime>,
    /// Records dated before this.
    pub date_to: Option<OffsetDateTime>,
}

/// The order of hits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Best match first (BM25).
    #[default]
    Relevance,
    /// Latest date first; records without a date last.
    Newest,
    /// Earliest date first; records without a date last.
    Oldest,
}

/// What to search for.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// The query text; empty finds every visible record (for browsing by filters and facets).
    pub text: String,
    /// Read `text` as the start of a name (names as you type) instead of a query.
    pub name_prefix: bool,
    pub filters: Filters,
    /// The fields to count values of, over every visible hit.
    pub facets: Vec<FacetField>,
    pub sort: SortBy,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// Whether to make highlighted snippets.
    pub snippets: bool,
}

impl SearchRequest {
    /// A first page of ten hits for `text`, by relevance, with snippets and no facets.
    pub fn new(text: &str) -> SearchRequest {
        SearchRequest {
            text: text.to_owned(),
            name_prefix: false,
            filters: Filters::default(),
            facets: Vec::new(),
            sort: SortBy::Relevance,
            offset: 0,
            limit: 10,
            snippets: true,
        }
    }
}

/// A piece of text with highlighted ranges (byte ranges into `fragment`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub fragment: String,
    pub highlighted: Vec<Range<usize>>,
}

impl Snippet {
    fn of(snippet: &tantivy::snippet::Snippet) -> Option<Snippet> {
        if snippet.highlighted().is_empty() {
            return None;
        }
        Some(Snippet {
            fragment: snippet.fragment().to_owned(),
            highlighted: snippet.highlighted().to_vec(),
        })
    }

    /// The fragment as HTML, escaped, with `<b>` around each highlight.
    pub fn to_html(&self) -> String {
        let mut html = String::new();
        let mut at = 0;
        for range in &self.highlighted {
            escape(&self.fragment[at..range.start], &mut html);
            html.push_str("<b>");
            escape(&self.fragment[range.clone()], &mut html);
            html.push_str("</b>");
            at = range.end;
        }
        escape(&self.fragment[at..], &mut html);
        html
    }
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// One hit.
#[derive(Clone, Debug)]
pub struct Hit {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub date: Option<OffsetDateTime>,
    /// The relevance score, when sorted by relevance.
    pub score: Option<f32>,
    /// A highlighted piece of the non-sensitive text.
    pub snippet: Option<Snippet>,
    /// A highlighted piece of the sensitive fields: only for callers who may read them, and
    /// only when they matched.
    pub sensitive_snippet: Option<Snippet>,
}

/// The counts of one facet field's values, most frequent first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCounts {
    pub field: FacetField,
    pub values: Vec<(String, u64)>,
}

/// Something in the query text that was not read as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryProblem {
    /// A quote was not closed; it was closed at the end.
    UnbalancedQuote,
    /// A part of the query could not be read and was left out.
    Ignored(String),
}

impl fmt::Display for QueryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryProblem::UnbalancedQuote => {
                write!(f, "a quote was not closed; it was closed at the end")
            }
            QueryProblem::Ignored(why) => write!(f, "part of the query was left out: {why}"),
        }
    }
}

/// What a search found.
#[derive(Clone, Debug)]
pub struct SearchResults {
    /// Visible records matching.
    pub total: u64,
    pub hits: Vec<Hit>,
    /// Counts per asked facet field, over every visible hit.
    pub facets: Vec<FacetCounts>,
    pub problems: Vec<QueryProblem>,
}

/// The text part of a search, for each index.
struct TextQueries {
    main: Option<Box<dyn Query>>,
    sensitive: Option<Box<dyn Query>>,
}

/// What the sensitive index matched.
struct SensitiveMatches {
    searcher: Searcher,
    query: Box<dyn Query>,
    by_id: HashMap<Uuid, DocAddress>,
}

fn filter_clause(field: Field, values: impl IntoIterator<Item = String>) -> Box<dyn Query> {
    let terms: Vec<Term> = values
        .into_iter()
        .map(|value| Term::from_field_text(field, &value))
        .collect();
    Box::new(ConstScoreQuery::new(
        Box::new(TermSetQuery::new(terms)),
        0.0,
    ))
}

/// A query for names as typed: every word but the last whole, the last as a prefix.
fn name_prefix_query(typed: &str, names: Field, prefixes: Field) -> Option<Box<dyn Query>> {
    let mut words = analysis::name_words(typed);
    let last = words.pop()?;
    let last: String = last.chars().take(MAX_PREFIX_CHARS).collect();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .map(|word| {
            let query: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(names, word),
                IndexRecordOption::WithFreqs,
            ));
            (Occur::Must, query)
        })
        .collect();
    clauses.push((
        Occur::Must,
        Box::new(TermQuery::new(
            Term::from_field_text(prefixes, &last),
            IndexRecordOption::Basic,
        )),
    ));
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn parse(
    parser: &QueryParser,
    text: &str,
    problems: Option<&mut Vec<QueryProblem>>,
) -> Box<dyn Query> {
    let mut text = text.to_owned();
    let mut found = Vec::new();
    if text.matches('"').count() % 2 == 1 {
        text.push('"');
        found.push(QueryProblem::UnbalancedQuote);
    }
    let (query, errors) = parser.parse_query_lenient(&text);
    found.extend(
        errors
            .into_iter()
            .map(|error| QueryProblem::Ignored(error.to_string())),
    );
    if let Some(problems) = problems {
        problems.extend(found);
    }
    query
}

impl SearchIndex {
    /// Searches as `viewer`: hits, counts and facets only ever include what the viewer may see.
    pub fn search(&self, request: &SearchRequest, viewer: &Viewer) -> SearchResult<SearchResults> {
        let chars = request.text.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(SearchError::QueryTooLong {
                chars,
                max: MAX_QUERY_CHARS,
            });
        }
        if request.limit > MAX_LIMIT || request.offset > MAX_OFFSET {
            return Err(SearchError::PageOutOfRange {
                max_limit: MAX_LIMIT,
                max_offset: MAX_OFFSET,
            });
        }
        let mut problems = Vec::new();
        let text = request.text.trim();
        let main = &self.main.fields;
        let sensitive = &self.sensitive.fields;
        let queries = if text.is_empty() {
            TextQueries {
                main: None,
                sensitive: None,
            }
        } else if request.name_prefix {
            TextQueries {
                main: name_prefix_query(text, main.names, main.name_prefixes),
                sensitive: name_prefix_query(text, sensitive.names, sensitive.name_prefixes),
            }
        } else {
            let mut main_parser =
                QueryParser::for_index(&self.main.index, vec![main.text, main.names]);
            main_parser.set_conjunction_by_default();
            let mut sensitive_parser = QueryParser::for_index(
                &self.sensitive.index,
                vec![sensitive.text, sensitive.names],
            );
            sensitive_parser.set_conjunction_by_default();
            TextQueries {
                main: Some(parse(&main_parser, text, Some(&mut problems))),
                sensitive: Some(parse(&sensitive_parser, text, None)),
            }
        };
        let matches = match &queries.sensitive {
            Some(query) if viewer.any_sensitive() => Some(self.sensitive_matches(query, viewer)?),
            _ => None,
        };
        let mut results = self.run(request, viewer, queries.main, matches.as_ref())?;
        results.problems = problems;
        Ok(results)
    }

    /// The records whose sensitive fields match, among those `viewer` may read them of.
    fn sensitive_matches(
        &self,
        query: &dyn Query,
        viewer: &Viewer,
    ) -> SearchResult<SensitiveMatches> {
        let part = &self.sensitive;
        let allowed = match viewer.sensitive_scope() {
            Visibility::All => Allowed::All,
            Visibility::Cases(cases) => Allowed::Cases {
                cache: &part.access,
                case_field: part.fields.case,
                shared_field: None,
                cases,
            },
        };
        let searcher = part.reader.searcher();
        let collected = searcher.search(
            query,
            &Collect {
                allowed,
                facets: Vec::new(),
                date_field: None,
                order: Order::Score,
                keep: MAX_SENSITIVE_MATCHES,
            },
        )?;
        let mut by_id = HashMap::with_capacity(collected.top.len());
        for (_, address) in collected.top {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = SearchIndex::stored_id(&doc, part.fields.id) {
                by_id.insert(id, address);
            }
        }
        Ok(SensitiveMatches {
            searcher,
            query: query.box_clone(),
            by_id,
        })
    }

    fn run(
        &self,
        request: &SearchRequest,
        viewer: &Viewer,
        text_query: Option<Box<dyn Query>>,
        sensitive: Option<&SensitiveMatches>,
    ) -> SearchResult<SearchResults> {
        let fields = &self.main.fields;
        let mut matching: Box<dyn Query> = match &text_query {
            Some(query) => query.box_clone(),
            None => Box::new(AllQuery),
        };
        if let Some(sensitive) = sensitive.filter(|matches| !matches.by_id.is_empty()) {
            let ids = sensitive
                .by_id
                .keys()
                .map(|id| Term::from_field_text(fields.id, &uuid_term(*id)));
            matching = Box::new(BooleanQuery::new(vec![
                (Occur::Should, matching),
                (
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(Box::new(TermSetQuery::new(ids)), 1.0)),
                ),
            ]));
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, matching)];
        let filters = &request.filters;
        let uuids = |ids: &[Uuid]| ids.iter().map(|id| uuid_term(*id)).collect::<Vec<_>>();
        for (field, values) in [
            (fields.kind, filters.kinds.clone()),
            (fields.case, uuids(&filters.case_ids)),
            (fields.language, filters.languages.clone()),
            (fields.violation, filters.violations.clone()),
            (fields.custody, filters.custody_statuses.clone()),
            (fields.place, uuids(&filters.place_ids)),
            (
                fields.year,
                filters.years.iter().map(|year| year.to_string()).collect(),
            ),
        ] {
            if !values.is_empty() {
                clauses.push((Occur::Must, filter_clause(field, values)));
            }
        }
        if filters.date_from.is_some() || filters.date_to.is_some() {
            let bound = |date: Option<OffsetDateTime>, make: fn(Term) -> Bound<Term>| {
                date.map_or(Bound::Unbounded, |date| {
                    make(Term::from_field_date(fields.date, DateTime::from_utc(date)))
                })
            };
            let range = RangeQuery::new(
                bound(filters.date_from, Bound::Included),
                bound(filters.date_to, Bound::Excluded),
            );
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
            ));
        }
        let query: Box<dyn Query> = if clauses.len() == 1 {
            clauses.remove(0).1
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        let allowed = match &viewer.read {
            Visibility::All => Allowed::All,
            Visibility::Cases(cases) => Allowed::Cases {
                cache: &self.main.access,
                case_field: fields.case,
                shared_field: viewer.shared.then_some(fields.shared),
                cases: cases.clone(),
            },
        };
        let order = match request.sort {
            SortBy::Relevance => Order::Score,
            SortBy::Newest => Order::Newest,
            SortBy::Oldest => Order::Oldest,
        };
        let searcher = self.main.reader.searcher();
        let collected = collect::search_split(
            &searcher,
            &*query,
            &Collect {
                allowed,
                facets: request
                    .facets
                    .iter()
                    .map(|facet| facet.index_field())
                    .collect(),
                date_field: Some(name::DATE),
                order,
                keep: request.offset + request.limit,
            },
            self.split,
        )?;
        let snippets = match (&text_query, request.snippets && !request.name_prefix) {
            (Some(query), true) => {
                let mut generator = SnippetGenerator::create(&searcher, &**query, fields.text)?;
                generator.set_max_num_chars(SNIPPET_CHARS);
                Some(generator)
            }
            _ => None,
        };
        let sensitive_snippets = match sensitive {
            Some(matches) if request.snippets && !matches.by_id.is_empty() => {
                let part = &self.sensitive.fields;
                let mut generators = Vec::new();
                for field in [part.names, part.text] {
                    let mut generator =
                        SnippetGenerator::create(&matches.searcher, &*matches.query, field)?;
                    generator.set_max_num_chars(SNIPPET_CHARS);
                    generators.push(generator);
                }
                Some((matches, generators))
            }
            _ => None,
        };
        let mut hits = Vec::new();
        for (key, address) in collected.top.into_iter().skip(request.offset) {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(id) = SearchIndex::stored_id(&doc, fields.id) else {
                continue;
            };
            let text_of = |field: Field| {
                doc.get_first(field)
                    .and_then(|value| value.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let snippet = snippets.as_ref().and_then(|generator| {
                let body = text_of(fields.body);
                best_snippet(&[generator], &body)
            });
            let sensitive_snippet = match &sensitive_snippets {
                Some((matches, generators)) => match matches.by_id.get(&id) {
                    Some(address) => {
                        let doc: TantivyDocument = matches.searcher.doc(*address)?;
                        let body = doc
                            .get_first(self.sensitive.fields.body)
                            .and_then(|value| value.as_str())
                            .unwrap_or_default()
                            .to_owned();
                        let generators: Vec<&SnippetGenerator> = generators.iter().collect();
                        best_snippet(&generators, &body)
                    }
                    None => None,
                },
                None => None,
            };
            hits.push(Hit {
                id,
                kind: text_of(fields.kind),
                title: text_of(fields.title),
                date: doc
                    .get_first(fields.date)
                    .and_then(|value| value.as_datetime())
                    .map(DateTime::into_utc),
                score: (order == Order::Score).then(|| f32::from_bits(key as u32)),
                snippet,
                sensitive_snippet,
            });
        }
        let facets = request
            .facets
            .iter()
            .zip(collected.facets)
            .map(|(field, counts)| {
                let mut values: Vec<(String, u64)> = counts.into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                FacetCounts {
                    field: *field,
                    values,
                }
            })
            .collect();
        Ok(SearchResults {
            total: collected.total,
            hits,
            facets,
            problems: Vec::new(),
        })
    }
}

/// The snippet with the most highlights among the generators' (snippets need a highlight).
fn best_snippet(generators: &[&SnippetGenerator], text: &str) -> Option<Snippet> {
    generators
        .iter()
        .map(|generator| generator.snippet(text))
        .filter_map(|snippet| Snippet::of(&snippet))
        .max_by_key(|snippet| snippet.highlighted.len())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::collect::Split;
    use crate::{IndexOptions, SearchDoc};

    const WORDS: &[&str] = &[
        "deportados",
        "deportation",
        "prison",
        "cárcel",
        "hearing",
        "audiencia",
        "family",
        "familia",
        "detained",
        "detenidos",
    ];

    /// Documents with words, cases, kinds, violations and dates that vary with `i`.
    fn doc(i: u32) -> SearchDoc {
        let word = |k: u32| WORDS[((i / k) % WORDS.len() as u32) as usize];
        SearchDoc {
            id: Uuid::from_u128(u128::from(i) + 1),
            kind: ["event", "document", "person"][(i % 3) as usize].into(),
            case_ids: vec![Uuid::from_u128(u128::from(i % 7) + 1_000)],
            violations: if i.is_multiple_of(4) {
                vec!["torture".into()]
            } else {
                Vec::new()
            },
            date: Some(datetime!(2020-01-01 00:00 UTC) + time::Duration::days(i64::from(i % 2000))),
            title: format!("{} {}", word(1), word(3)),
            text: format!("{} {} {} {}", word(1), word(2), word(5), word(7)),
            ..SearchDoc::default()
        }
    }

    /// What a comparison of two searches looks at: the total, each hit's id and score, facets.
    type Seen = (u64, Vec<(Uuid, Option<u32>)>, Vec<FacetCounts>);

    fn seen(results: &SearchResults) -> Seen {
        (
            results.total,
            results
                .hits
                .iter()
                .map(|hit| (hit.id, hit.score.map(f32::to_bits)))
                .collect(),
            results.facets.clone(),
        )
    }

    #[test]
    fn a_segment_searched_in_ranges_gives_what_one_pass_gives() {
        let mut index = SearchIndex::in_memory(&IndexOptions::default()).expect("index");
        for i in 0..3_000u32 {
            index.insert(&doc(i)).expect("insert");
        }
        index.commit().expect("commit");
        // Deleted documents stay in the segment until a merge: the ranges must skip them.
        for i in (0..3_000u32).step_by(11) {
            index
                .delete(Uuid::from_u128(u128::from(i) + 1))
                .expect("delete");
        }
        index.commit().expect("commit");
        index.merge_segments().expect("merge");
        let viewer = Viewer::user((1_000..1_004).map(Uuid::from_u128), []);
        let mut compared = 0;
        for text in [
            "deportation",
            "prison OR familia",
            "detenidos audiencia",
            "\"deportados prison\"",
            "-hearing",
            "",
        ] {
            for sort in [SortBy::Relevance, SortBy::Newest, SortBy::Oldest] {
                let mut request = SearchRequest::new(text);
                request.sort = sort;
                request.limit = 25;
                request.offset = 5;
                request.facets = vec![FacetField::Kind, FacetField::Violation, FacetField::Year];
                for viewer in [&viewer, &Viewer::admin()] {
                    index.split = Split {
                        threads: 1,
                        min_docs: 0,
                    };
                    let one = index.search(&request, viewer).expect("one pass");
                    for threads in [2, 3, 7] {
                        index.split = Split {
                            threads,
                            min_docs: 0,
                        };
                        let split = index.search(&request, viewer).expect("in ranges");
                        assert_eq!(seen(&split), seen(&one), "{text:?} {sort:?} {threads}");
                    }
                    assert!(one.total > 0 && one.hits.len() == 25, "{text:?}: {one:?}");
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 36);
    }
}
