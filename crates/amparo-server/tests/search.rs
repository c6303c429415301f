//! Search through the web: the search page (hits with snippets, facets whose links add and
//! remove filters, pages), the box in the header of every page, `GET /api/v1/search` and its
//! JSON, bad parameters answered 400 with the reason by both, and what readers of one case, with
//! or without the `sensitive` right, can learn through either.

use amparo_app::installation::{InitOptions, init};
use amparo_app::{Actor, App};
use amparo_model::records::{
    Case, Event, Grant, Grantee, Person, PersonSensitive, Place, Right, Role,
};
use amparo_model::{CaseId, DatePeriod, PlaceId, UserId};
use amparo_server::AppState;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use uuid::Uuid;

mod common;
use common::{Browser, urlencode};

/// The person's real name: only readers with `sensitive` on the case may find it.
const REAL_NAME: &str = "Wilfredo Anacleto Quispe";
/// A word only the other case's event has.
const OTHER_CASE_WORD: &str = "Zebrafinch";
const OTHER_CASE_TITLE: &str = "Confidential asylum matter";

/// An installation with two cases: the first with two events, a place and a person with a real
/// name; the second with one event. Readers of the first case only: one without `sensitive`,
/// one with it.
struct World {
    _dir: tempfile::TempDir,
    state: AppState,
    admin_password: String,
    admin_token: String,
    case_a: Uuid,
    case_b: Uuid,
    flight_2025: Uuid,
    person: Uuid,
    /// Passwords and API tokens of `reader` (no `sensitive`) and `holder` (with it).
    reader: (String, String),
    holder: (String, String),
}

fn day(text: &str) -> DatePeriod {
    DatePeriod {
        start: Some(text.parse().unwrap()),
        end: None,
    }
}

async fn member(app: &App, name: &str, case: Uuid, rights: Vec<Right>) -> (String, String) {
    let admin = Actor::cli("tester");
    let (user, password) = app.create_user(&admin, name, Role::Lawyer).await.unwrap();
    app.create(
        &admin,
        Grant {
            grantee: Grantee::User(UserId(user.id)),
            case_id: CaseId(case),
            rights,
        },
    )
    .await
    .unwrap();
    let (_, token) = app.create_api_token(&admin, name, "search").await.unwrap();
    (password, token)
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let (app, report) = init(&dir.path().join("data"), InitOptions::default())
        .await
        .unwrap();
    let (admin_name, admin_password) = report.admin.unwrap();
    let admin = Actor::cli("tester");
    let case = |title: &str| Case {
        title: title.to_owned(),
        ..Case::default()
    };
    let case_a = app
        .create(&admin, case("Removal flights to El Salvador"))
        .await
        .unwrap()
        .id;
    let case_b = app.create(&admin, case(OTHER_CASE_TITLE)).await.unwrap().id;
    let place = app
        .create(
            &admin,
            Place {
                name_en: "Terrorism Confinement Center".to_owned(),
                name_es: "Centro de Confinamiento del Terrorismo".to_owned(),
                kind: "maximum-security-prison".to_owned(),
                country: Some("SV".to_owned()),
                ..Place::default()
            },
        )
        .await
        .unwrap()
        .id;
    let event = |title: &str, description: &str, date: &str, violation: &str, case: Uuid| Event {
        title: title.to_owned(),
        description: description.to_owned(),
        period: day(date),
        violation_types: vec![violation.to_owned()],
        case_ids: vec![CaseId(case)],
        ..Event::default()
    };
    let mut flight = event(
        "Removal flight to CECOT",
        "The men were shackled on the deportation flight and beaten on arrival.",
        "2025-03-15",
        "torture",
        case_a,
    );
    flight.place_ids = vec![PlaceId(place)];
    let flight_2025 = app.create(&admin, flight).await.unwrap().id;
    app.create(
        &admin,
        event(
            "Second removal flight",
            "Another deportation flight left Harlingen at night.",
            "2024-07-01",
            "arbitrary-detention",
            case_a,
        ),
    )
    .await
    .unwrap();
    app.create(
        &admin,
        event(
            &format!("{OTHER_CASE_WORD} family meeting"),
            &format!("The deportation of the {OTHER_CASE_WORD} family was discussed."),
            "2023-05-02",
            "arbitrary-detention",
            case_b,
        ),
    )
    .await
    .unwrap();
    let person = app
        .create(
            &admin,
            Person {
                case_ids: vec![CaseId(case_a)],
                notes: "Worked as a mechanic in Maracaibo.".to_owned(),
                sensitive: Some(PersonSensitive {
                    full_name: REAL_NAME.to_owned(),
                    aliases: vec!["El Flaco".to_owned()],
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        )
        .await
        .unwrap()
        .id;
    let reader = member(&app, "reader", case_a, vec![Right::Read, Right::Write]).await;
    let holder = member(&app, "holder", case_a, vec![Right::Read, Right::Sensitive]).await;
    let (_, admin_token) = app
        .create_api_token(&admin, &admin_name, "search")
        .await
        .unwrap();
    World {
        _dir: dir,
        state: AppState::new(app),
        admin_password,
        admin_token,
        case_a,
        case_b,
        flight_2025,
        person,
        reader,
        holder,
    }
}

impl World {
    async fn browser(&self, user: &str) -> Browser {
        let password = match user {
            "admin" => &self.admin_password,
            "reader" => &self.reader.0,
            "holder" => &self.holder.0,
            other => panic!("no user {other}"),
        };
        let mut browser = Browser::new(&self.state);
        browser.sign_in(user, password).await;
        assert!(browser.session().is_some(), "{user} signs in");
        browser
    }

    /// `GET path` with the token: the status, the JSON and the body as sent.
    async fn api(&self, token: &str, path: &str) -> (StatusCode, Value, String) {
        let answer = Browser::new(&self.state)
            .send(
                Request::get(path)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let json = serde_json::from_str(&answer.body)
            .unwrap_or_else(|error| panic!("{path}: not JSON ({error}): {}", answer.body));
        (answer.status, json, answer.body)
    }
}

/// Undoes askama's HTML escaping.
fn unescape(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The address of the first link whose text starts with `text`, unescaped.
fn link(html: &str, text: &str) -> String {
    for (at, _) in html.match_indices("<a href=\"") {
        let rest = &html[at + "<a href=\"".len()..];
        let Some((href, after)) = rest.split_once('"') else {
            continue;
        };
        let Some(close) = after.find('>') else {
            continue;
        };
        if after[close + 1..].starts_with(text) {
            return unescape(href);
        }
    }
    panic!("no link {text:?} in {html}");
}

/// The facet block of the page (between the aside's tags).
fn facets(html: &str) -> &str {
    let start = html.find("<aside").expect("the facets");
    let end = html[start..].find("</aside>").expect("the facets' end") + start;
    &html[start..end]
}

fn status_text(html: &str) -> &str {
    let start = html.find("<p role=\"status\">").expect("the count") + "<p role=\"status\">".len();
    html[start..].split("</p>").next().unwrap()
}

#[tokio::test]
async fn the_search_page_shows_hits_with_snippets_and_facets_and_every_page_has_the_box() {
    let world = world().await;
    let mut browser = world.browser("admin").await;
    let page = browser.get("/search?q=deportation").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(status_text(&page.body), "3 records found · Page 1 of 1");
    assert!(page.body.contains("<b>deportation</b>"), "{}", page.body);
    assert!(page.body.contains(&format!(
        "<a href=\"/events/{}\">Removal flight to CECOT</a>",
        world.flight_2025
    )));
    assert!(page.body.contains("<time datetime=\"2025-03-15\">"));
    // The box keeps the query; the facets count every match.
    assert!(page.body.contains("name=\"q\" value=\"deportation\""));
    let side = facets(&page.body);
    for expected in [
        "Type",
        "Event",
        "Removal flights to El Salvador",
        OTHER_CASE_TITLE,
        "Violation",
        "Torture",
        "Arbitrary detention",
        "Terrorism Confinement Center",
        "2023",
        "Year",
    ] {
        assert!(side.contains(expected), "{expected} in {side}");
    }
    assert!(side.contains("aria-label=\"3 records\">3</span>"), "{side}");
    // In Spanish: the interface and the vocabulary in Spanish, places by their Spanish name.
    let mut spanish = world.browser("admin").await;
    spanish.accept_language = Some("es");
    let page = spanish.get("/search?q=deportation").await;
    assert_eq!(
        status_text(&page.body),
        "3 registros encontrados · Página 1 de 1"
    );
    let side = facets(&page.body);
    for expected in [
        "Tipo",
        "Hecho",
        "Tortura",
        "Centro de Confinamiento del Terrorismo",
    ] {
        assert!(side.contains(expected), "{expected} in {side}");
    }
    // No query: everything the reader may see, newest first when asked.
    let all = browser.get("/search?sort=newest").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(
        status_text(&all.body).starts_with("7 records found"),
        "{}",
        status_text(&all.body)
    );
    let newest = all.body.find("Removal flight to CECOT").unwrap();
    let older = all.body.find("Second removal flight").unwrap();
    assert!(newest < older, "newest first");
    assert!(all.body.contains("<option value=\"newest\" selected>"));
    // The header of every signed-in page has the box, labelled, in both languages.
    for path in [
        "/",
        "/persons",
        "/cases",
        &format!("/events/{}", world.flight_2025),
    ] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(
            answer.body.contains(
                "<form method=\"get\" action=\"/search\" class=\"header-search\" role=\"search\">"
            ),
            "{path}"
        );
        assert!(
            answer.body.contains(
                "<label for=\"site-search\" class=\"visually-hidden\">Search the records</label>"
            ),
            "{path}"
        );
        assert!(
            answer
                .body
                .contains("<input type=\"search\" id=\"site-search\" name=\"q\"")
        );
        let spanish = spanish.get(path).await;
        assert!(
            spanish.body.contains(">Buscar en los registros</label>"),
            "{path}"
        );
    }
    // What the header box sends.
    let typed = browser.get("/search?q=Harlingen").await;
    assert_eq!(status_text(&typed.body), "1 record found · Page 1 of 1");
    assert!(typed.body.contains("<b>Harlingen</b>"));
}

#[tokio::test]
async fn facet_links_add_and_remove_filters_and_pages_keep_them() {
    let world = world().await;
    let mut browser = world.browser("admin").await;
    let page = browser.get("/search?q=deportation").await;
    // A year: one match left, the filter shown in use and removable.
    let year = link(facets(&page.body), "2025");
    assert_eq!(year, "/search?q=deportation&year=2025");
    let filtered = browser.get(&year).await;
    assert_eq!(filtered.status, StatusCode::OK);
    assert_eq!(status_text(&filtered.body), "1 record found · Page 1 of 1");
    assert!(filtered.body.contains("Removal flight to CECOT"));
    assert!(!filtered.body.contains("Second removal flight"));
    assert!(
        filtered
            .body
            .contains("aria-label=\"Remove the filter Year: 2025\"")
    );
    // A new query from the page's form keeps the filter (a hidden field).
    assert!(
        filtered
            .body
            .contains("<input type=\"hidden\" name=\"year\" value=\"2025\">")
    );
    // Two filters of two fields; then the first removed.
    let both = browser.get(&link(facets(&filtered.body), "Torture")).await;
    assert_eq!(status_text(&both.body), "1 record found · Page 1 of 1");
    let removed = link(facets(&both.body), "Year: 2025");
    assert_eq!(removed, "/search?q=deportation&violation=torture");
    let widened = browser.get(&removed).await;
    assert_eq!(status_text(&widened.body), "1 record found · Page 1 of 1");
    let cleared = browser
        .get(&link(facets(&widened.body), "Remove every filter"))
        .await;
    assert_eq!(status_text(&cleared.body), "3 records found · Page 1 of 1");
    // A case, by its title; a place, by its name.
    let case = link(facets(&page.body), "Removal flights to El Salvador");
    assert_eq!(case, format!("/search?q=deportation&case={}", world.case_a));
    let in_case = browser.get(&case).await;
    assert_eq!(status_text(&in_case.body), "2 records found · Page 1 of 1");
    assert!(!in_case.body.contains(OTHER_CASE_WORD));
    let at_place = browser
        .get(&link(facets(&page.body), "Terrorism Confinement Center"))
        .await;
    assert_eq!(status_text(&at_place.body), "1 record found · Page 1 of 1");
    // Repeated values of one field: either matches.
    let kinds = browser.get("/search?kind=event&kind=person").await;
    assert_eq!(status_text(&kinds.body), "4 records found · Page 1 of 1");
    // Pages keep the query, the filters and the order.
    let first = browser
        .get("/search?q=deportation&kind=event&sort=oldest&per_page=1")
        .await;
    assert_eq!(status_text(&first.body), "3 records found · Page 1 of 3");
    assert!(first.body.contains(OTHER_CASE_WORD), "oldest first");
    let next = link(&first.body, "Next page");
    assert_eq!(
        next,
        "/search?q=deportation&kind=event&sort=oldest&per_page=1&page=2"
    );
    let second = browser.get(&next).await;
    assert_eq!(status_text(&second.body), "3 records found · Page 2 of 3");
    assert!(second.body.contains("Second removal flight"));
    assert_eq!(
        link(&second.body, "Previous page"),
        "/search?q=deportation&kind=event&sort=oldest&per_page=1"
    );
    let last = browser.get(&link(&second.body, "Next page")).await;
    assert!(last.body.contains("Removal flight to CECOT"));
    assert!(!last.body.contains("rel=\"next\""));
    // A date range.
    let dated = browser
        .get("/search?q=deportation&from=2024-01-01&to=2024-12-31")
        .await;
    assert_eq!(status_text(&dated.body), "1 record found · Page 1 of 1");
    assert!(dated.body.contains("Second removal flight"));
    assert!(dated.body.contains("name=\"from\" value=\"2024-01-01\""));
}

/// Bad parameters, the parameter the API names, and a piece of the page's message.
fn bad_inputs() -> Vec<(String, &'static str, &'static str)> {
    vec![
        (format!("q={}", "a".repeat(10_000)), "q", "parameter q"),
        (
            "q=flight&colour=red".to_owned(),
            "colour",
            "parameter colour: there is no such parameter",
        ),
        ("from=2025-13-45".to_owned(), "from", "is not a day"),
        ("to=yesterday".to_owned(), "to", "is not a day"),
        ("page=0".to_owned(), "page", "pages are numbered from 1"),
        ("page=two".to_owned(), "page", "not a whole number"),
        ("page=5000".to_owned(), "page", "parameter page"),
        (
            "kind=spaceship".to_owned(),
            "kind",
            "not a kind search finds",
        ),
        ("case=not-a-uuid".to_owned(), "case", "not a record id"),
        ("sort=sideways".to_owned(), "sort", "not an order"),
        ("q=a&q=b".to_owned(), "q", "given 2 times"),
        (
            "from=2025-02-01&to=2025-01-01".to_owned(),
            "to",
            "ends before it starts",
        ),
        ("facets=colour".to_owned(), "facets", "colour"),
    ]
}

#[tokio::test]
async fn bad_parameters_are_400_with_the_reason_on_the_page_and_in_the_api() {
    let world = world().await;
    let mut browser = world.browser("admin").await;
    for (query, parameter, message) in bad_inputs() {
        let shown: String = query.chars().take(60).collect();
        let page = browser.get(&format!("/search?{query}")).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{shown}: {}",
            page.body
        );
        assert!(
            page.body
                .contains("<p class=\"error\" role=\"alert\">The search could not be run: "),
            "{shown}"
        );
        assert!(
            unescape(&page.body).contains(message),
            "{shown}: {message} in {}",
            page.body
        );
        // The form is there to correct the search.
        assert!(page.body.contains("id=\"search-q\""), "{shown}");
        let (status, json, _) = world
            .api(&world.admin_token, &format!("/api/v1/search?{query}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{shown}: {json}");
        assert_eq!(json["error"]["code"], "invalid_query", "{shown}: {json}");
        assert_eq!(json["error"]["field"], parameter, "{shown}: {json}");
        assert!(
            json["error"]["message"].as_str().unwrap().contains(message),
            "{shown}: {json}"
        );
    }
    // The message in Spanish around the reason.
    let mut spanish = world.browser("admin").await;
    spanish.accept_language = Some("es");
    let page = spanish.get("/search?page=0").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("No se pudo realizar la búsqueda: "));
    // An unclosed quote is no error: the search runs and says what it did.
    let quoted = browser.get("/search?q=%22deportation+flight").await;
    assert_eq!(quoted.status, StatusCode::OK);
    assert!(
        quoted
            .body
            .contains("<p class=\"notice\">A quote was not closed"),
        "{}",
        quoted.body
    );
    let (status, json, _) = world
        .api(&world.admin_token, "/api/v1/search?q=%22deportation+flight")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!json["problems"].as_array().unwrap().is_empty(), "{json}");
}

#[tokio::test]
async fn the_api_answers_hits_facets_and_problems_as_json() {
    let world = world().await;
    let (status, json, _) = world
        .api(
            &world.admin_token,
            "/api/v1/search?q=deportation&kind=event&facets=kind,year&sort=newest",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["total"], 3);
    let hits = json["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    let first = &hits[0];
    assert_eq!(first["kind"], "event");
    assert_eq!(first["id"], world.flight_2025.to_string());
    assert_eq!(first["label"], "Removal flight to CECOT");
    assert!(
        first["date"].as_str().unwrap().starts_with("2025-03-15"),
        "{first}"
    );
    let snippet = &first["snippet"];
    let text = snippet["text"].as_str().unwrap();
    let [start, end] = [0, 1].map(|at| snippet["highlights"][0][at].as_u64().unwrap() as usize);
    let highlighted: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(highlighted.to_lowercase(), "deportation", "{snippet}");
    assert!(
        snippet["html"]
            .as_str()
            .unwrap()
            .contains("<b>deportation</b>")
    );
    assert!(first["sensitive_snippet"].is_null());
    let facets = json["facets"].as_object().unwrap();
    assert_eq!(facets.keys().collect::<Vec<_>>(), ["kind", "year"]);
    assert_eq!(
        facets["kind"],
        serde_json::json!([{"value": "event", "count": 3}])
    );
    assert_eq!(facets["year"].as_array().unwrap().len(), 3);
    assert_eq!(json["problems"], serde_json::json!([]));
    // Filters repeat; an empty query browses; the page size is kept.
    let (_, json, _) = world
        .api(
            &world.admin_token,
            "/api/v1/search?kind=person&kind=place&per_page=1&page=2",
        )
        .await;
    assert_eq!(json["total"], 2, "{json}");
    assert_eq!(json["hits"].as_array().unwrap().len(), 1);
    // Without credentials: the API's usual answer.
    let answer = Browser::new(&world.state).get("/api/v1/search?q=x").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    // The OpenAPI document lists it with its parameters.
    let (_, document, _) = world.api(&world.admin_token, "/api/v1/openapi.json").await;
    let operation = &document["paths"]["/api/v1/search"]["get"];
    assert_eq!(operation["operationId"], "search");
    let parameters = &document["components"]["parameters"];
    assert_eq!(parameters["searchKind"]["name"], "kind");
    assert_eq!(parameters["searchKind"]["explode"], true);
    assert!(document["components"]["schemas"]["SearchPage"].is_object());
}

#[tokio::test]
async fn a_reader_of_one_case_finds_counts_and_facets_nothing_of_another() {
    let world = world().await;
    let mut reader = world.browser("reader").await;
    let page = reader.get("/search?q=deportation").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(status_text(&page.body), "2 records found · Page 1 of 1");
    let hidden = [
        OTHER_CASE_WORD.to_owned(),
        OTHER_CASE_TITLE.to_owned(),
        world.case_b.to_string(),
    ];
    for secret in &hidden {
        assert!(!page.body.contains(secret.as_str()), "{secret} on the page");
    }
    assert!(
        !facets(&page.body).contains("2023"),
        "the other case's year"
    );
    let (status, json, body) = world
        .api(&world.reader.1, "/api/v1/search?q=deportation")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["total"], 2);
    for secret in &hidden {
        assert!(!body.contains(secret.as_str()), "{secret} in the API");
    }
    let cases: Vec<&str> = json["facets"]["case"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value["value"].as_str().unwrap())
        .collect();
    assert_eq!(cases, [world.case_a.to_string()]);
    let years: Vec<&str> = json["facets"]["year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|value| value["value"].as_str().unwrap())
        .collect();
    assert!(!years.contains(&"2023"), "{years:?}");
    // The other case's own word finds nothing, and counts nothing.
    let page = reader.get(&format!("/search?q={OTHER_CASE_WORD}")).await;
    assert_eq!(
        status_text(&page.body),
        "Nothing found. Try other words, a wider date range, or remove a filter."
    );
    assert!(!page.body.contains("<ol class=\"hits\">"));
    let (_, json, _) = world
        .api(
            &world.reader.1,
            &format!("/api/v1/search?q={OTHER_CASE_WORD}"),
        )
        .await;
    assert_eq!(json["total"], 0);
    assert_eq!(json["hits"], serde_json::json!([]));
    assert!(
        json["facets"]
            .as_object()
            .unwrap()
            .values()
            .all(|values| values == &serde_json::json!([])),
        "{json}"
    );
    // Filtering by the other case finds nothing and names nothing of it.
    let filtered = reader.get(&format!("/search?case={}", world.case_b)).await;
    assert_eq!(filtered.status, StatusCode::OK);
    assert!(status_text(&filtered.body).starts_with("Nothing found"));
    assert!(!filtered.body.contains(OTHER_CASE_TITLE));
    let (_, json, body) = world
        .api(
            &world.reader.1,
            &format!("/api/v1/search?case={}", world.case_b),
        )
        .await;
    assert_eq!(json["total"], 0);
    assert!(!body.contains(OTHER_CASE_WORD));
    // Browsing everything: the first case's records and shared ones only.
    let (_, json, body) = world.api(&world.reader.1, "/api/v1/search").await;
    // The case, its two events, its person, and the shared place.
    assert_eq!(json["total"], 5, "{json}");
    assert!(!body.contains(OTHER_CASE_WORD));
}

#[tokio::test]
async fn only_a_reader_with_the_sensitive_right_finds_a_person_by_real_name() {
    let world = world().await;
    let names = ["Wilfredo", "Anacleto", "Quispe", "El Flaco"];
    let mut reader = world.browser("reader").await;
    for query in ["Anacleto", "Wilfredo Quispe", "Flaco"] {
        let path = format!("/search?q={}", urlencode(query));
        let page = reader.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            status_text(&page.body).starts_with("Nothing found"),
            "{query}"
        );
        assert!(!page.body.contains(&world.person.to_string()), "{query}");
        // The query comes back in the box and in the language switch's return address only.
        let rest = page
            .body
            .replace(&format!("value=\"{query}\""), "")
            .replace(&format!("value=\"{path}\""), "");
        for name in names {
            assert!(!rest.contains(name), "{query}: {name} on the page");
        }
        let (status, json, body) = world
            .api(
                &world.reader.1,
                &format!("/api/v1/search?q={}", urlencode(query)),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["total"], 0, "{query}: {json}");
        assert_eq!(json["hits"], serde_json::json!([]));
        for name in names {
            assert!(!body.contains(name), "{query}: {name} in the API");
        }
    }
    // The reader finds the person by what is not sensitive, without the name.
    let (_, json, body) = world
        .api(&world.reader.1, "/api/v1/search?q=Maracaibo")
        .await;
    assert_eq!(json["total"], 1);
    assert_eq!(json["hits"][0]["id"], world.person.to_string());
    assert!(!body.contains("Anacleto"));
    // The member with the right finds the person by the real name, marked as sensitive.
    let mut holder = world.browser("holder").await;
    let page = holder.get("/search?q=Anacleto").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(status_text(&page.body), "1 record found · Page 1 of 1");
    assert!(
        page.body
            .contains(&format!("<a href=\"/persons/{}\">", world.person))
    );
    assert!(
        page.body.contains("<p class=\"snippet sensitive\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("<b>Anacleto</b>"), "{}", page.body);
    let (_, json, _) = world
        .api(&world.holder.1, "/api/v1/search?q=Anacleto")
        .await;
    assert_eq!(json["total"], 1, "{json}");
    assert_eq!(json["hits"][0]["id"], world.person.to_string());
    assert!(
        json["hits"][0]["sensitive_snippet"]["text"]
            .as_str()
            .unwrap()
            .contains(REAL_NAME),
        "{json}"
    );
}
