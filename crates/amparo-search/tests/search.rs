//! The search index end to end: languages, folding, stemming, names, phrases, prefixes, every
//! filter and facet, the access rules (hits, counts, facets, snippets), the sensitive index's
//! limits, and changes.

use std::path::Path;

use amparo_search::{
    FacetField, Filters, IndexOptions, QueryProblem, SearchDoc, SearchError, SearchIndex,
    SearchRequest, SearchResults, SensitiveText, SortBy, Viewer, Visibility,
};
use time::macros::datetime;
use uuid::Uuid;

const CASE_A: Uuid = Uuid::from_u128(0xA);
const CASE_B: Uuid = Uuid::from_u128(0xB);
const CASE_C: Uuid = Uuid::from_u128(0xC);
const PLACE_CECOT: Uuid = Uuid::from_u128(0x100);
const PLACE_TEXAS: Uuid = Uuid::from_u128(0x101);

const D1: Uuid = Uuid::from_u128(1);
const D2: Uuid = Uuid::from_u128(2);
const D3: Uuid = Uuid::from_u128(3);
const D4: Uuid = Uuid::from_u128(4);
const D5: Uuid = Uuid::from_u128(5);
const D6: Uuid = Uuid::from_u128(6);

/// A marker that only ever appears in sensitive fields.
const SECRET: &str = "Zqxsecretmarker";

fn docs() -> Vec<SearchDoc> {
    vec![
        SearchDoc {
            id: D1,
            kind: "event".into(),
            case_ids: vec![CASE_A],
            language: Some("es".into()),
            violations: vec!["torture".into()],
            place_ids: vec![PLACE_CECOT],
            date: Some(datetime!(2025-03-16 00:00 UTC)),
            title: "Traslado al CECOT".into(),
            text: "Los hombres fueron deportados a la prisión del CECOT. La deportación \
                   ocurrió sin audiencia."
                .into(),
            ..SearchDoc::default()
        },
        SearchDoc {
            id: D2,
            kind: "document".into(),
            case_ids: vec![CASE_B],
            language: Some("en".into()),
            violations: vec!["enforced_disappearance".into()],
            place_ids: vec![PLACE_CECOT],
            date: Some(datetime!(2025-07-18 00:00 UTC)),
            title: "Released in exchange".into(),
            text: "The men were held incommunicado in prisons in El Salvador after the \
                   removals; their families call them los desaparecidos."
                .into(),
            ..SearchDoc::default()
        },
        SearchDoc {
            id: D3,
            kind: "person".into(),
            case_ids: vec![CASE_A],
            custody_statuses: vec!["whereabouts_unknown".into()],
            date: Some(datetime!(2024-05-02 00:00 UTC)),
            title: "P-0042".into(),
            names: vec!["P-0042".into()],
            sensitive: Some(SensitiveText {
                names: vec!["José Rafael Pérez".into(), "Cheo".into()],
                text: format!("Passport V-123456, note {SECRET}"),
            }),
            ..SearchDoc::default()
        },
        SearchDoc {
            id: D4,
            kind: "place".into(),
            shared: true,
            place_ids: vec![PLACE_CECOT],
            title: "CECOT".into(),
            names: vec![
                "Centro de Confinamiento del Terrorismo".into(),
                "Terrorism Confinement Center".into(),
                "CECOT".into(),
            ],
            ..SearchDoc::default()
        },
        SearchDoc {
            id: D5,
            kind: "testimony".into(),
            case_ids: vec![CASE_C],
            language: Some("es".into()),
            violations: vec!["torture".into()],
            place_ids: vec![PLACE_CECOT],
            date: Some(datetime!(2025-04-01 00:00 UTC)),
            title: "Testimonio".into(),
            text: "Nos golpearon en el CECOT cada noche.".into(),
            sensitive: Some(SensitiveText {
                names: vec!["Yorman".into()],
                text: "Hiddensensitive".into(),
            }),
            ..SearchDoc::default()
        },
        SearchDoc {
            id: D6,
            kind: "event".into(),
            case_ids: vec![CASE_B],
            language: Some("en".into()),
            violations: vec!["due_process".into()],
            custody_statuses: vec!["in_us_custody".into()],
            place_ids: vec![PLACE_TEXAS],
            date: Some(datetime!(2024-12-01 00:00 UTC)),
            title: "Hearing on habeas petitions".into(),
            text: "A hearing on habeas petitions for detained Venezuelans.".into(),
            ..SearchDoc::default()
        },
    ]
}

fn build(dir: &Path) -> SearchIndex {
    let index = SearchIndex::open_or_create(dir, &IndexOptions::default()).expect("open");
    for doc in docs() {
        index.upsert(&doc).expect("upsert");
    }
    index.commit().expect("commit");
    index
}

/// The lawyer: reads cases A and B, sensitive fields of case A only, and shared records.
fn lawyer() -> Viewer {
    Viewer::user([CASE_A, CASE_B], [CASE_A])
}

fn run(index: &SearchIndex, request: &SearchRequest, viewer: &Viewer) -> SearchResults {
    index.search(request, viewer).expect("search")
}

/// The ids found, sorted.
fn ids(index: &SearchIndex, text: &str, viewer: &Viewer) -> Vec<u128> {
    let mut request = SearchRequest::new(text);
    request.limit = 50;
    let results = run(index, &request, viewer);
    assert_eq!(results.total as usize, results.hits.len(), "{text}");
    let mut found: Vec<u128> = results.hits.iter().map(|hit| hit.id.as_u128()).collect();
    found.sort();
    found
}

fn filtered(index: &SearchIndex, filters: Filters) -> Vec<u128> {
    let mut request = SearchRequest::new("");
    request.filters = filters;
    request.limit = 50;
    let mut found: Vec<u128> = run(index, &request, &Viewer::admin())
        .hits
        .iter()
        .map(|hit| hit.id.as_u128())
        .collect();
    found.sort();
    found
}

fn facets(results: &SearchResults, field: FacetField) -> Vec<(String, u64)> {
    results
        .facets
        .iter()
        .find(|facet| facet.field == field)
        .map(|facet| facet.values.clone())
        .unwrap_or_default()
}

#[test]
fn accents_and_case_fold() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let admin = Viewer::admin();
    assert_eq!(ids(&index, "deportacion", &admin), [1]);
    assert_eq!(ids(&index, "DEPORTACIÓN", &admin), [1]);
    assert_eq!(ids(&index, "PRISION", &admin), [1]);
    assert_eq!(ids(&index, "jose", &admin), [3]);
}

#[test]
fn both_languages_are_stemmed_and_either_finds_either() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let admin = Viewer::admin();
    // Spanish inflections.
    assert_eq!(ids(&index, "deportado", &admin), [1]);
    assert_eq!(ids(&index, "hombre", &admin), [1]);
    // English inflections.
    assert_eq!(ids(&index, "removal", &admin), [2]);
    assert_eq!(ids(&index, "prison", &admin), [2]);
    assert_eq!(ids(&index, "petition", &admin), [6]);
    // A Spanish word in an English document, found in its Spanish (singular) form.
    assert_eq!(ids(&index, "desaparecido", &admin), [2]);
    // An English query and a Spanish one in the same box.
    assert_eq!(ids(&index, "detained OR golpeado", &admin), [5, 6]);
    // Cognates: English words find the Spanish document's "deportados", "deportación" and
    // "prisión"… as far as the two stemmers agree ("prison" and "prisión" they do not).
    assert_eq!(ids(&index, "deportations", &admin), [1]);
    assert_eq!(ids(&index, "deported cecot", &admin), [1]);
    assert_eq!(ids(&index, "\"were deported\"", &admin), [] as [u128; 0]);
    assert_eq!(ids(&index, "\"fueron deportation\"", &admin), [1]);
}

#[test]
fn an_index_written_with_another_schema_is_an_index_error() {
    use tantivy::schema::{Schema, TEXT};
    let dir = tempfile::tempdir().unwrap();
    let mut old = Schema::builder();
    old.add_text_field("text_en", TEXT);
    tantivy::Index::create_in_dir(dir.path(), old.build()).expect("old index");
    let error = SearchIndex::open_or_create(dir.path(), &IndexOptions::default())
        .expect_err("an index of another schema must not open");
    assert!(matches!(error, SearchError::Index(_)), "{error:?}");
}

#[test]
fn names_and_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let admin = Viewer::admin();
    assert_eq!(ids(&index, "\"terrorism confinement center\"", &admin), [4]);
    assert_eq!(ids(&index, "confinamiento terrorismo", &admin), [4]);
    assert_eq!(ids(&index, "cecot", &admin), [1, 4, 5]);
    assert_eq!(ids(&index, "P-0042", &admin), [3]);
}

#[test]
fn phrases_and_operators() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let admin = Viewer::admin();
    assert_eq!(ids(&index, "\"fueron deportados\"", &admin), [1]);
    assert!(ids(&index, "\"deportados fueron\"", &admin).is_empty());
    assert_eq!(ids(&index, "cecot AND traslado", &admin), [1]);
    assert_eq!(ids(&index, "cecot traslado", &admin), [1]);
    assert_eq!(ids(&index, "cecot NOT traslado", &admin), [4, 5]);
    assert_eq!(ids(&index, "cecot -traslado", &admin), [4, 5]);
    assert_eq!(ids(&index, "incommunicado OR traslado", &admin), [1, 2]);
    assert_eq!(
        ids(&index, "(incommunicado OR traslado) AND salvador", &admin),
        [2]
    );
}

#[test]
fn names_as_you_type() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let typed = |text: &str, viewer: &Viewer| {
        let mut request = SearchRequest::new(text);
        request.name_prefix = true;
        let mut found: Vec<u128> = run(&index, &request, viewer)
            .hits
            .iter()
            .map(|hit| hit.id.as_u128())
            .collect();
        found.sort();
        found
    };
    let admin = Viewer::admin();
    assert_eq!(typed("terr", &admin), [4]);
    assert_eq!(typed("Centro de conf", &admin), [4]);
    assert_eq!(typed("p-00", &admin), [3]);
    assert!(
        typed("cent conf", &admin).is_empty(),
        "words before the last are whole"
    );
    // Real names: only for those who may read them.
    assert_eq!(typed("jos", &admin), [3]);
    assert_eq!(typed("Jose Ra", &lawyer()), [3]);
    assert!(typed("jos", &Viewer::user([CASE_A], [])).is_empty());
}

#[test]
fn every_filter() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let filter = |edit: fn(&mut Filters)| {
        let mut filters = Filters::default();
        edit(&mut filters);
        filtered(&index, filters)
    };
    assert_eq!(filter(|f| f.kinds = vec!["event".into()]), [1, 6]);
    assert_eq!(
        filter(|f| f.kinds = vec!["event".into(), "place".into()]),
        [1, 4, 6]
    );
    assert_eq!(filter(|f| f.case_ids = vec![CASE_A]), [1, 3]);
    assert_eq!(filter(|f| f.languages = vec!["es".into()]), [1, 5]);
    assert_eq!(filter(|f| f.violations = vec!["torture".into()]), [1, 5]);
    assert_eq!(
        filter(|f| f.custody_statuses = vec!["whereabouts_unknown".into()]),
        [3]
    );
    assert_eq!(filter(|f| f.place_ids = vec![PLACE_TEXAS]), [6]);
    assert_eq!(filter(|f| f.years = vec![2024]), [3, 6]);
    assert_eq!(
        filter(|f| {
            f.date_from = Some(datetime!(2025-01-01 00:00 UTC));
            f.date_to = Some(datetime!(2025-04-01 00:00 UTC));
        }),
        [1]
    );
    assert_eq!(
        filter(|f| f.date_from = Some(datetime!(2025-04-01 00:00 UTC))),
        [2, 5]
    );
    // Filters across fields must all hold.
    assert_eq!(
        filter(|f| {
            f.languages = vec!["es".into()];
            f.case_ids = vec![CASE_A];
        }),
        [1]
    );
    // With text.
    let mut request = SearchRequest::new("cecot");
    request.filters.kinds = vec!["place".into()];
    let results = run(&index, &request, &Viewer::admin());
    assert_eq!(results.total, 1);
}

#[test]
fn every_facet_is_counted_over_visible_hits_only() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let mut request = SearchRequest::new("");
    request.facets = FacetField::ALL.to_vec();
    let admin = run(&index, &request, &Viewer::admin());
    assert_eq!(admin.total, 6);
    let pairs = |list: &[(&str, u64)]| -> Vec<(String, u64)> {
        list.iter().map(|(v, c)| (v.to_string(), *c)).collect()
    };
    assert_eq!(
        facets(&admin, FacetField::Kind),
        pairs(&[
            ("event", 2),
            ("document", 1),
            ("person", 1),
            ("place", 1),
            ("testimony", 1)
        ])
    );
    assert_eq!(
        facets(&admin, FacetField::Violation),
        pairs(&[
            ("torture", 2),
            ("due_process", 1),
            ("enforced_disappearance", 1)
        ])
    );
    assert_eq!(
        facets(&admin, FacetField::Language),
        pairs(&[("en", 2), ("es", 2)])
    );
    assert_eq!(
        facets(&admin, FacetField::CustodyStatus),
        pairs(&[("in_us_custody", 1), ("whereabouts_unknown", 1)])
    );
    assert_eq!(
        facets(&admin, FacetField::Year),
        pairs(&[("2025", 3), ("2024", 2)])
    );
    let cecot = PLACE_CECOT.hyphenated().to_string();
    let texas = PLACE_TEXAS.hyphenated().to_string();
    assert_eq!(
        facets(&admin, FacetField::Place),
        vec![(cecot.clone(), 4), (texas.clone(), 1)]
    );
    assert_eq!(facets(&admin, FacetField::Case).len(), 3);

    // The lawyer does not see case C: its testimony is in no count.
    let seen = run(&index, &request, &lawyer());
    assert_eq!(seen.total, 5);
    assert_eq!(
        facets(&seen, FacetField::Violation),
        pairs(&[
            ("due_process", 1),
            ("enforced_disappearance", 1),
            ("torture", 1)
        ])
    );
    assert_eq!(
        facets(&seen, FacetField::Kind),
        pairs(&[("event", 2), ("document", 1), ("person", 1), ("place", 1)])
    );
    assert_eq!(
        facets(&seen, FacetField::Place),
        vec![(cecot, 3), (texas, 1)]
    );
    let cases: Vec<String> = facets(&seen, FacetField::Case)
        .into_iter()
        .map(|(case, _)| case)
        .collect();
    assert!(!cases.contains(&CASE_C.hyphenated().to_string()));
    assert_eq!(cases.len(), 2);
}

#[test]
fn hidden_records_leak_through_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let mut request = SearchRequest::new("golpearon");
    request.facets = FacetField::ALL.to_vec();
    // Only in the testimony of case C.
    let admin = run(&index, &request, &Viewer::admin());
    assert_eq!(admin.total, 1);
    assert!(
        admin.hits[0]
            .snippet
            .as_ref()
            .unwrap()
            .to_html()
            .contains("<b>golpearon</b>")
    );
    let seen = run(&index, &request, &lawyer());
    assert_eq!(seen.total, 0);
    assert!(seen.hits.is_empty());
    assert!(seen.facets.iter().all(|facet| facet.values.is_empty()));

    // Shared records only when the viewer may see them.
    assert_eq!(ids(&index, "cecot", &lawyer()), [1, 4]);
    let mut unshared = lawyer();
    unshared.shared = false;
    assert_eq!(ids(&index, "cecot", &unshared), [1]);
    // No case at all: only shared records.
    assert_eq!(ids(&index, "cecot", &Viewer::user([], [])), [4]);
    assert!(
        ids(
            &index,
            "cecot",
            &Viewer {
                read: Visibility::none(),
                sensitive: Visibility::none(),
                shared: false
            }
        )
        .is_empty()
    );

    // Snippets only come from visible hits, and show the matching words.
    let mut request = SearchRequest::new("cecot");
    request.limit = 50;
    let results = run(&index, &request, &lawyer());
    for hit in &results.hits {
        if let Some(snippet) = &hit.snippet {
            assert!(!snippet.fragment.contains("golpearon"));
        }
    }
    let d1 = results.hits.iter().find(|hit| hit.id == D1).unwrap();
    assert!(
        d1.snippet
            .as_ref()
            .unwrap()
            .to_html()
            .contains("<b>CECOT</b>")
    );
}

#[test]
fn sensitive_fields_only_for_those_who_may_read_them() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    assert_eq!(index.num_sensitive_docs(), 2);
    let mut request = SearchRequest::new("cheo");
    request.facets = vec![FacetField::Kind];
    // The lawyer holds `sensitive` on case A.
    let seen = run(&index, &request, &lawyer());
    assert_eq!(seen.total, 1);
    assert_eq!(seen.hits[0].id, D3);
    let snippet = seen.hits[0].sensitive_snippet.as_ref().expect("snippet");
    assert!(snippet.to_html().contains("<b>Cheo</b>"), "{snippet:?}");
    assert_eq!(facets(&seen, FacetField::Kind), [("person".to_string(), 1)]);
    // A reader of case A without `sensitive` learns nothing: no hit, count, facet or snippet.
    let reader = Viewer::user([CASE_A, CASE_B], []);
    let blind = run(&index, &request, &reader);
    assert_eq!(blind.total, 0);
    assert!(facets(&blind, FacetField::Kind).is_empty());
    // Nor does `sensitive` on a case the viewer cannot read count.
    let odd = Viewer::user([CASE_B], [CASE_A]);
    assert_eq!(run(&index, &request, &odd).total, 0);
    // Searching the record by what it shows gives no sensitive snippet without the right.
    let shown = run(&index, &SearchRequest::new("P-0042"), &reader);
    assert_eq!(shown.total, 1);
    assert!(shown.hits[0].sensitive_snippet.is_none());
    // The lawyer's `sensitive` on case A does not reach case C's testimony.
    assert_eq!(
        run(&index, &SearchRequest::new("yorman"), &lawyer()).total,
        0
    );
    assert_eq!(
        run(&index, &SearchRequest::new("yorman"), &Viewer::admin()).total,
        1
    );
    // Sensitive text and shown text combine with OR, never across.
    assert_eq!(ids(&index, "passport", &lawyer()), [3]);
    assert!(ids(&index, "passport", &reader).is_empty());
}

#[test]
fn sensitive_text_is_never_written_to_disk() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    index.commit_at(7).unwrap();
    index.merge_segments().unwrap();
    let mut files = 0;
    let mut bytes = 0;
    let needles: Vec<Vec<u8>> = [
        SECRET, "cheo", "Cheo", "perez", "Pérez", "V-123456", "123456",
    ]
    .iter()
    .flat_map(|needle| {
        [
            needle.as_bytes().to_vec(),
            needle.to_lowercase().into_bytes(),
        ]
    })
    .collect();
    for entry in walk(dir.path()) {
        let content = std::fs::read(&entry).unwrap();
        files += 1;
        bytes += content.len();
        for needle in &needles {
            assert!(
                !content
                    .windows(needle.len())
                    .any(|window| window == needle.as_slice()),
                "{} holds {:?}",
                entry.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
    assert!(
        files > 3 && bytes > 1000,
        "the index was written: {files} files, {bytes} bytes"
    );
    // While the record stays findable by its sensitive fields from memory.
    assert_eq!(ids(&index, SECRET, &Viewer::admin()), [3]);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn updates_and_deletes_by_record_id() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let admin = Viewer::admin();
    let mut changed = docs().remove(0);
    changed.text = "Los hombres fueron liberados.".into();
    changed.sensitive = Some(SensitiveText {
        names: vec!["Nuevo alias".into()],
        text: String::new(),
    });
    index.upsert(&changed).unwrap();
    index.delete(D2).unwrap();
    index.delete(D3).unwrap();
    index.delete(Uuid::from_u128(999)).unwrap();
    index.commit_at(42).unwrap();
    assert!(ids(&index, "deportacion", &admin).is_empty());
    assert_eq!(ids(&index, "liberados", &admin), [1]);
    assert_eq!(ids(&index, "alias", &admin), [1]);
    assert!(ids(&index, "incommunicado", &admin).is_empty());
    assert!(ids(&index, "cheo", &admin).is_empty());
    assert_eq!(index.num_docs(), 4);
    // The same record twice is one record.
    index.upsert(&changed).unwrap();
    index.commit().unwrap();
    assert_eq!(index.num_docs(), 4);
    assert_eq!(index.applied_position().unwrap(), None);
    index.commit_at(43).unwrap();
    drop(index);
    // Reopened: the on-disk part and the position survive; the sensitive part starts empty.
    let index = SearchIndex::open_or_create(dir.path(), &IndexOptions::default()).unwrap();
    assert_eq!(index.applied_position().unwrap(), Some(43));
    assert_eq!(index.num_docs(), 4);
    assert_eq!(index.num_sensitive_docs(), 0);
    assert_eq!(ids(&index, "liberados", &admin), [1]);
    index.clear().unwrap();
    index.commit().unwrap();
    assert_eq!(index.num_docs(), 0);
}

#[test]
fn sorting_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let mut request = SearchRequest::new("");
    request.sort = SortBy::Newest;
    request.limit = 3;
    let page = |request: &SearchRequest| -> Vec<u128> {
        run(&index, request, &Viewer::admin())
            .hits
            .iter()
            .map(|hit| hit.id.as_u128())
            .collect()
    };
    assert_eq!(page(&request), [2, 5, 1]);
    request.offset = 3;
    assert_eq!(page(&request), [6, 3, 4], "undated last");
    request.sort = SortBy::Oldest;
    request.offset = 0;
    assert_eq!(page(&request), [3, 6, 1]);
    request.offset = 5;
    assert_eq!(page(&request), [4]);
    // By relevance: the record with the word twice comes first, and scores descend.
    let results = run(&index, &SearchRequest::new("cecot"), &Viewer::admin());
    let scores: Vec<f32> = results.hits.iter().map(|hit| hit.score.unwrap()).collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );
}

#[test]
fn bad_input_gets_a_clear_answer() {
    let dir = tempfile::tempdir().unwrap();
    let index = build(dir.path());
    let viewer = lawyer();
    // Empty: every visible record.
    assert_eq!(run(&index, &SearchRequest::new("   "), &viewer).total, 5);
    // Too long.
    let long = "deportación ".repeat(1000);
    assert!(matches!(
        index.search(&SearchRequest::new(&long), &viewer),
        Err(SearchError::QueryTooLong { max: 1000, .. })
    ));
    // Unbalanced quotes: closed at the end, and said so.
    let results = run(&index, &SearchRequest::new("\"fueron deportados"), &viewer);
    assert_eq!(results.total, 1);
    assert_eq!(results.problems, [QueryProblem::UnbalancedQuote]);
    // A field that does not exist: left out, and said so.
    let results = run(&index, &SearchRequest::new("colour:red cecot"), &viewer);
    assert!(!results.problems.is_empty());
    // Unknown facets and filters.
    assert!(matches!(
        FacetField::parse("colour"),
        Err(SearchError::UnknownField(name)) if name == "colour"
    ));
    assert_eq!(
        FacetField::parse("custody_status").unwrap(),
        FacetField::CustodyStatus
    );
    // A page too large.
    let mut request = SearchRequest::new("cecot");
    request.limit = 100_000;
    assert!(matches!(
        index.search(&request, &viewer),
        Err(SearchError::PageOutOfRange { .. })
    ));
    // Odd characters never fail.
    for text in [
        "((", ")", "AND", "NOT", "-", "\"\"", "*", "a:b:c", "[1 TO", "^2", "~",
    ] {
        index
            .search(&SearchRequest::new(text), &viewer)
            .expect(text);
    }
}

#[test]
fn snippets_as_html_escape_the_text_inside_and_around_highlights() {
    let snippet = amparo_search::Snippet {
        fragment: "<script>alert(1)</script> & \"prisión\" 'x'".to_owned(),
        highlighted: vec![1..7, 28..37],
    };
    assert_eq!(
        snippet.to_html(),
        "&lt;<b>script</b>&gt;alert(1)&lt;/script&gt; &amp; <b>&quot;prisión</b>&quot; &#39;x&#39;"
    );
}
