//! The search page: a query box, the hits the reader may see with their highlighted snippets,
//! facets to narrow them by (each value a link that adds or removes its filter), the filters in
//! use, and pages. The box in the header of every page comes here.
//!
//! The parameters are those of `GET /api/v1/search` ([`SearchParams`]), with filters repeated
//! (`kind=event&kind=person`); every link of the page is made from them, so paging and facets
//! keep the rest of the search. A parameter that cannot be read answers the page with the
//! reason and status 400.

use std::collections::HashMap;

use amparo_app::{App, AppError, FacetField, QueryProblem, SearchPage, SearchParams};
use amparo_model::records::{Case, Place};
use amparo_model::vocab::VocabularyId;
use amparo_model::{Lang, RecordKind};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Chrome, SignedIn, render};
use crate::AppState;
use crate::i18n::I18n;

/// Values listed per facet; the rest are reached by searching more narrowly.
const FACET_VALUES: usize = 12;

/// One hit as listed.
struct HitRow {
    href: String,
    title: String,
    kind: String,
    date: String,
    /// Escaped HTML with `<b>` around what matched.
    snippet: Option<String>,
    /// The same, from the identifying details, for readers who may see them.
    sensitive: Option<String>,
}

/// A facet value: a link that adds its filter, or removes it when in use.
struct FacetLink {
    label: String,
    count: u64,
    /// The count as a screen reader says it.
    count_label: String,
    href: String,
    active: bool,
}

/// The values of one facet field.
struct FacetGroup {
    code: &'static str,
    title: String,
    links: Vec<FacetLink>,
}

/// A filter in use, with the link that removes it.
struct ActiveFilter {
    text: String,
    /// What the link does, for screen readers.
    remove_label: String,
    href: String,
}

struct SortChoice {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchView {
    i: I18n,
    c: Chrome,
    q: String,
    from: String,
    to: String,
    sorts: Vec<SortChoice>,
    /// The filters in use, as hidden fields: a new query keeps them.
    hidden: Vec<(&'static str, String)>,
    /// Why the search could not be run.
    error: Option<String>,
    problems: Vec<String>,
    count_text: String,
    page_text: String,
    hits: Vec<HitRow>,
    groups: Vec<FacetGroup>,
    active: Vec<ActiveFilter>,
    clear_href: Option<String>,
    previous_href: Option<String>,
    next_href: Option<String>,
}

/// `GET /search?q=&kind=&case=&language=&violation=&custody_status=&place=&year=&from=&to=&sort=&page=`
pub async fn search_page(
    State(state): State<AppState>,
    page: SignedIn,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let params = match crate::query::parse::<SearchParams>(&query) {
        Ok(params) => params,
        Err(error) => {
            // The form comes back with what was typed in the box.
            let typed = SearchParams {
                q: crate::query::first_value(&query, "q").unwrap_or_default(),
                ..SearchParams::default()
            };
            return refused(&page, &typed, &error);
        }
    };
    let request = match params.to_request() {
        Ok(request) => request,
        Err(error) => return refused(&page, &params, &error),
    };
    let found = match state.app.search(page.actor(), &request).await {
        Ok(found) => found,
        Err(error @ AppError::InvalidQuery { .. }) => return refused(&page, &params, &error),
        Err(error) => return page.error(error),
    };
    match build(&state.app, &page, &params, &found).await {
        Ok(view) => render(&view),
        Err(error) => page.error(error),
    }
}

/// The page with the form as typed, the reason the search could not run, and status 400.
fn refused(page: &SignedIn, params: &SearchParams, error: &AppError) -> Response {
    let i = page.i;
    let mut view = empty_view(page, params);
    view.error = Some(i.tf("search.invalid", &[("message", error)]));
    (StatusCode::BAD_REQUEST, render(&view)).into_response()
}

fn empty_view(page: &SignedIn, params: &SearchParams) -> SearchView {
    let i = page.i;
    let sort = params.sort.as_deref().map(str::trim).unwrap_or_default();
    SearchView {
        i,
        c: page.chrome("search"),
        q: params.q.clone(),
        from: params.from.clone().unwrap_or_default(),
        to: params.to.clone().unwrap_or_default(),
        sorts: ["relevance", "newest", "oldest"]
            .into_iter()
            .map(|value| SortChoice {
                value,
                label: i.t(&format!("search.sort.{value}")).to_owned(),
                selected: value == sort,
            })
            .collect(),
        hidden: Vec::new(),
        error: None,
        problems: Vec::new(),
        count_text: String::new(),
        page_text: String::new(),
        hits: Vec::new(),
        groups: Vec::new(),
        active: Vec::new(),
        clear_href: None,
        previous_href: None,
        next_href: None,
    }
}

/// The filter values of a facet field in the parameters.
fn values_of(params: &mut SearchParams, field: FacetField) -> &mut Vec<String> {
    match field {
        FacetField::Kind => &mut params.kind,
        FacetField::Case => &mut params.case,
        FacetField::Language => &mut params.language,
        FacetField::Violation => &mut params.violation,
        FacetField::CustodyStatus => &mut params.custody_status,
        FacetField::Place => &mut params.place,
        FacetField::Year => &mut params.year,
    }
}

/// The search page's address for these parameters (defaults left out).
fn href(params: &SearchParams) -> String {
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    if !params.q.is_empty() {
        pairs.append_pair("q", &params.q);
    }
    if params.prefix {
        pairs.append_pair("prefix", "true");
    }
    let mut params = params.clone();
    for field in FacetField::ALL {
        for value in values_of(&mut params, field).iter() {
            if !value.trim().is_empty() {
                pairs.append_pair(field.code(), value);
            }
        }
    }
    for (name, value) in [
        ("from", &params.from),
        ("to", &params.to),
        ("sort", &params.sort),
    ] {
        if let Some(value) = value.as_deref().filter(|value| !value.trim().is_empty()) {
            pairs.append_pair(name, value);
        }
    }
    if let Some(facets) = &params.facets {
        pairs.append_pair("facets", facets);
    }
    if let Some(per_page) = params.per_page {
        pairs.append_pair("per_page", &per_page.to_string());
    }
    if let Some(page) = params.page.filter(|page| *page > 1) {
        pairs.append_pair("page", &page.to_string());
    }
    let query = pairs.finish();
    if query.is_empty() {
        "/search".to_owned()
    } else {
        format!("/search?{query}")
    }
}

/// The same search with `value` of `field` added as a filter, or removed if it is one; from the
/// first page.
fn toggled(params: &SearchParams, field: FacetField, value: &str) -> String {
    let mut changed = params.clone();
    changed.page = None;
    let values = values_of(&mut changed, field);
    if values.iter().any(|held| held.trim() == value) {
        values.retain(|held| held.trim() != value);
    } else {
        values.push(value.to_owned());
    }
    href(&changed)
}

/// The page of a hit's record.
fn record_href(kind: RecordKind, id: uuid::Uuid) -> String {
    match kind {
        RecordKind::Person => format!("/persons/{id}"),
        RecordKind::Event => format!("/events/{id}"),
        RecordKind::Case => format!("/cases/{id}"),
        RecordKind::Proceeding => format!("/proceedings/{id}"),
        RecordKind::Capture => format!("/captures/{id}"),
        RecordKind::Document => format!("/documents/{id}"),
        other => format!("/records/{other}/{id}"),
    }
}

/// What facet values and filters are called on the page: record types, vocabulary terms and
/// languages in the page's language, cases by title and places by name (of those the reader
/// may see; anything else by its value).
struct Labels {
    i: I18n,
    cases: HashMap<String, String>,
    places: HashMap<String, String>,
}

impl Labels {
    async fn new(
        app: &App,
        page: &SignedIn,
        params: &SearchParams,
        found: &SearchPage,
    ) -> Result<Self, AppError> {
        let i = page.i;
        let wanted = |field: FacetField, filters: &[String]| {
            !filters.is_empty()
                || found
                    .facets
                    .iter()
                    .any(|facet| facet.field == field && !facet.values.is_empty())
        };
        let mut cases = HashMap::new();
        if wanted(FacetField::Case, &params.case) {
            for case in app.list::<Case>(page.actor()).await? {
                cases.insert(case.id.to_string(), case.body.title);
            }
        }
        let mut places = HashMap::new();
        if wanted(FacetField::Place, &params.place) {
            for place in app.list::<Place>(page.actor()).await? {
                let (first, second) = match i.lang {
                    Lang::En => (place.body.name_en, place.body.name_es),
                    Lang::Es => (place.body.name_es, place.body.name_en),
                };
                let name = if first.trim().is_empty() {
                    second
                } else {
                    first
                };
                places.insert(place.id.to_string(), name);
            }
        }
        Ok(Self { i, cases, places })
    }

    fn of(&self, field: FacetField, value: &str) -> String {
        let i = self.i;
        let known = match field {
            FacetField::Kind => i.get(&format!("kind.{value}")).map(str::to_owned),
            FacetField::Case => self.cases.get(value).cloned(),
            FacetField::Language => i.get(&format!("language.{value}")).map(str::to_owned),
            FacetField::Violation => Some(i.term(VocabularyId::ViolationType, value)),
            FacetField::CustodyStatus => Some(i.term(VocabularyId::CustodyStatus, value)),
            FacetField::Place => self.places.get(value).cloned(),
            FacetField::Year => None,
        };
        known
            .filter(|label| !label.trim().is_empty())
            .unwrap_or_else(|| value.to_owned())
    }
}

fn problem_text(i: I18n, problem: &QueryProblem) -> String {
    match problem {
        QueryProblem::UnbalancedQuote => i.t("search.problem.quote").to_owned(),
        QueryProblem::Ignored(why) => i.tf("search.problem.ignored", &[("why", why)]),
    }
}

async fn build(
    app: &App,
    page: &SignedIn,
    params: &SearchParams,
    found: &SearchPage,
) -> Result<SearchView, AppError> {
    let i = page.i;
    let labels = Labels::new(app, page, params, found).await?;
    let mut view = empty_view(page, params);
    view.problems = found
        .problems
        .iter()
        .map(|problem| problem_text(i, problem))
        .collect();
    view.count_text = match found.total {
        0 => i.t("search.none").to_owned(),
        1 => i.t("search.count_one").to_owned(),
        total => i.tf("search.count", &[("count", &total)]),
    };
    let per_page = params
        .per_page
        .unwrap_or(amparo_app::DEFAULT_PER_PAGE)
        .max(1);
    let current = params.page.unwrap_or(1).max(1);
    let pages = found.total.div_ceil(per_page as u64).max(1);
    if found.total > 0 {
        view.page_text = i.tf("search.page", &[("page", &current), ("pages", &pages)]);
    }
    let at_page = |number: usize| {
        let mut moved = params.clone();
        moved.page = Some(number);
        href(&moved)
    };
    if current > 1 {
        view.previous_href = Some(at_page(current - 1));
    }
    if (current as u64) < pages {
        view.next_href = Some(at_page(current + 1));
    }
    view.hits = found
        .hits
        .iter()
        .map(|found| HitRow {
            href: record_href(found.record.kind, found.record.id),
            title: found.record.label(),
            kind: i
                .get(&format!("kind.{}", found.record.kind))
                .unwrap_or(found.record.kind.as_str())
                .to_owned(),
            date: found
                .hit
                .date
                .map(|date| date.date().to_string())
                .unwrap_or_default(),
            snippet: found.hit.snippet.as_ref().map(|snippet| snippet.to_html()),
            sensitive: found
                .hit
                .sensitive_snippet
                .as_ref()
                .map(|snippet| snippet.to_html()),
        })
        .collect();
    let mut filtered = params.clone();
    for field in FacetField::ALL {
        let in_use: Vec<String> = values_of(&mut filtered, field)
            .iter()
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
            .collect();
        let title = i.t(&format!("search.facet.{}", field.code())).to_owned();
        for value in &in_use {
            let text = format!("{title}: {}", labels.of(field, value));
            view.active.push(ActiveFilter {
                remove_label: i.tf("search.remove", &[("filter", &text)]),
                text,
                href: toggled(params, field, value),
            });
            view.hidden.push((field.code(), value.clone()));
        }
        let Some(facet) = found.facets.iter().find(|facet| facet.field == field) else {
            continue;
        };
        let mut values = facet.values.clone();
        if field == FacetField::Year {
            values.sort_by(|a, b| b.0.cmp(&a.0));
        }
        let links: Vec<FacetLink> = values
            .iter()
            .enumerate()
            .filter(|(rank, (value, _))| *rank < FACET_VALUES || in_use.contains(value))
            .map(|(_, (value, count))| FacetLink {
                label: labels.of(field, value),
                count: *count,
                count_label: i.tf("search.facet.count", &[("count", count)]),
                href: toggled(params, field, value),
                active: in_use.contains(value),
            })
            .collect();
        if !links.is_empty() {
            view.groups.push(FacetGroup {
                code: field.code(),
                title,
                links,
            });
        }
    }
    if let Some(facets) = &params.facets {
        view.hidden.push(("facets", facets.clone()));
    }
    if let Some(per_page) = params.per_page {
        view.hidden.push(("per_page", per_page.to_string()));
    }
    let dated = [&params.from, &params.to]
        .into_iter()
        .any(|day| day.as_deref().is_some_and(|day| !day.trim().is_empty()));
    if !view.active.is_empty() || dated {
        let cleared = SearchParams {
            q: params.q.clone(),
            sort: params.sort.clone(),
            ..SearchParams::default()
        };
        view.clear_href = Some(href(&cleared));
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_search_and_toggle_one_filter() {
        let params = SearchParams {
            q: "Pérez & co".to_owned(),
            kind: vec!["event".to_owned(), " ".to_owned()],
            year: vec!["2025".to_owned()],
            sort: Some("newest".to_owned()),
            page: Some(3),
            ..SearchParams::default()
        };
        assert_eq!(
            href(&params),
            "/search?q=P%C3%A9rez+%26+co&kind=event&year=2025&sort=newest&page=3"
        );
        assert_eq!(
            toggled(&params, FacetField::Kind, "person"),
            "/search?q=P%C3%A9rez+%26+co&kind=event&kind=person&year=2025&sort=newest"
        );
        assert_eq!(
            toggled(&params, FacetField::Kind, "event"),
            "/search?q=P%C3%A9rez+%26+co&year=2025&sort=newest"
        );
        assert_eq!(href(&SearchParams::default()), "/search");
        let read: SearchParams =
            crate::query::parse(href(&params).trim_start_matches("/search?")).unwrap();
        assert_eq!(read.q, params.q);
        assert_eq!(read.kind, ["event"]);
        assert_eq!(read.page, Some(3));
    }
}
