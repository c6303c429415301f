//! The OpenAPI 3.1 document of the API, written by hand and built from [`API_ROUTES`], so that
//! it lists exactly the routes the server answers.

use amparo_app::{DEFAULT_PAGE_SIZE, Filter, MAX_PAGE_SIZE};
use amparo_model::RecordKind;
use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::api::extract::ApiActor;
use crate::api::{API_ROUTES, is_public};

/// `GET /api/v1/openapi.json`
pub async fn serve(ApiActor(_): ApiActor) -> Response {
    Json(document()).into_response()
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

fn json_response(description: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
    })
}

fn parameter(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

/// Which kinds a filter applies to, for its description.
fn kinds_of(filter: Filter) -> String {
    RecordKind::ALL
        .iter()
        .filter(|kind| filter.applies_to(**kind))
        .map(|kind| kind.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The operation object of one route.
fn operation(method: &str, path: &str) -> Value {
    let public = is_public(method, path);
    let mut responses = Map::new();
    if !public {
        responses.insert(
            "401".into(),
            error_response("No or bad credentials (`unauthorized`)"),
        );
        responses.insert(
            "429".into(),
            error_response(
                "Too many bad tokens from this address (`too_many_attempts`); see `Retry-After`",
            ),
        );
    }
    let mut parameters = Vec::new();
    if path.contains("{kind}") {
        parameters.push(parameter("kind"));
    }
    if path.contains("{id}") {
        parameters.push(parameter("id"));
    }
    let mut request_body = None;
    let (id, summary) = match (method, path) {
        ("GET", "/api/v1/openapi.json") => {
            responses.insert(
                "200".into(),
                json!({"description": "This document", "content": {"application/json": {}}}),
            );
            ("openapi", "This OpenAPI document")
        }
        ("GET", "/api/v1/records/{kind}") => {
            for name in ["limit", "after", "case", "person", "status", "nationality"] {
                parameters.push(parameter(name));
            }
            responses.insert("200".into(), json_response("One page of records", "Page"));
            responses.insert("400".into(), error_response("A filter that does not apply to this kind, or a bad parameter (`invalid_query`, `invalid_path`)"));
            responses.insert(
                "404".into(),
                error_response("Not a record type (`not_found`)"),
            );
            (
                "listRecords",
                "List current records of a type, a page at a time, with filters",
            )
        }
        ("POST", "/api/v1/records/{kind}") => {
            request_body = Some(json!({"$ref": "#/components/requestBodies/Record"}));
            let mut created = json_response("The record's first version", "VersionedRecord");
            created["headers"] = json!({
                "Location": {"description": "The record's address", "schema": {"type": "string"}},
                "ETag": {"$ref": "#/components/headers/ETag"}
            });
            responses.insert("201".into(), created);
            responses.insert("400".into(), error_response("Not JSON (`bad_json`)"));
            responses.insert("403".into(), error_response("The actor may not write (`forbidden`), or a session request without its CSRF token (`csrf_failed`)"));
            responses.insert(
                "409".into(),
                error_response("Records of this type are not made this way (`not_allowed`)"),
            );
            responses.insert(
                "413".into(),
                error_response("The body is too large (`payload_too_large`)"),
            );
            responses.insert(
                "415".into(),
                error_response("The body is not sent as JSON (`unsupported_media_type`)"),
            );
            responses.insert("422".into(), error_response("Invalid fields (`invalid_record`), or unknown or mistyped fields (`malformed_record`); `field` names the first at fault"));
            ("createRecord", "Create a record")
        }
        ("GET", "/api/v1/records/{kind}/{id}") => {
            let mut ok = json_response("The current version", "VersionedRecord");
            ok["headers"] = json!({"ETag": {"$ref": "#/components/headers/ETag"}});
            responses.insert("200".into(), ok);
            responses.insert("404".into(), error_response("No such record (`not_found`)"));
            ("getRecord", "Get the current version of a record")
        }
        ("PUT", "/api/v1/records/{kind}/{id}") => {
            parameters.push(parameter("version"));
            parameters.push(parameter("If-Match"));
            request_body = Some(json!({"$ref": "#/components/requestBodies/Record"}));
            responses.insert(
                "200".into(),
                json_response("The new version", "VersionedRecord"),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert("404".into(), error_response("No such record (`not_found`)"));
            responses.insert(
                "409".into(),
                error_response("Someone else changed it since that version (`version_conflict`)"),
            );
            responses.insert(
                "422".into(),
                error_response(
                    "Invalid, unknown or mistyped fields (`invalid_record`, `malformed_record`)",
                ),
            );
            responses.insert(
                "428".into(),
                error_response("Neither If-Match nor ?version= given (`version_required`)"),
            );
            (
                "updateRecord",
                "Replace a record's fields, as a new version",
            )
        }
        ("DELETE", "/api/v1/records/{kind}/{id}") => {
            parameters.push(parameter("version"));
            parameters.push(parameter("If-Match"));
            responses.insert(
                "200".into(),
                json_response("The tombstone version", "VersionedRecord"),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert("404".into(), error_response("No such record (`not_found`)"));
            responses.insert("409".into(), error_response("Changed since that version (`version_conflict`), or never deleted (`not_allowed`)"));
            responses.insert(
                "428".into(),
                error_response("No version given (`version_required`)"),
            );
            (
                "deleteRecord",
                "Delete a record with a tombstone version; its history stays",
            )
        }
        ("GET", "/api/v1/records/{kind}/{id}/history") => {
            responses.insert(
                "200".into(),
                json_response("Every version, oldest first", "History"),
            );
            responses.insert("404".into(), error_response("No such record (`not_found`)"));
            (
                "recordHistory",
                "Every version of a record, tombstones included",
            )
        }
        ("POST", "/api/v1/captures") => {
            request_body = Some(json!({
                "required": true,
                "content": {"multipart/form-data": {"schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "The file; at most server.max_upload_bytes"},
                        "note": {"type": "string", "description": "Why or how it was captured"},
                        "case": {"type": "array", "items": {"type": "string", "format": "uuid"}, "description": "Cases it belongs to (repeat the field)"}
                    }
                }}}
            }));
            responses.insert(
                "201".into(),
                json_response("The capture record", "VersionedRecord"),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not capture (`forbidden`, `csrf_failed`)"),
            );
            responses.insert(
                "413".into(),
                error_response(
                    "Larger than server.max_upload_bytes; nothing stored (`payload_too_large`)",
                ),
            );
            responses.insert("422".into(), error_response("A missing file, an unknown form field or a bad case id (`invalid_record`, `unknown_field`)"));
            ("uploadCapture", "Capture an uploaded file as evidence")
        }
        ("POST", "/api/v1/captures/url") => {
            request_body = Some(json!({
                "required": true,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["url"],
                    "properties": {
                        "url": {"type": "string", "format": "uri"},
                        "note": {"type": "string"},
                        "cases": {"type": "array", "items": {"type": "string", "format": "uuid"}}
                    }
                }}}
            }));
            responses.insert(
                "201".into(),
                json_response("The capture record", "VersionedRecord"),
            );
            responses.insert("400".into(), error_response("Not JSON (`bad_json`)"));
            responses.insert(
                "403".into(),
                error_response("The actor may not capture (`forbidden`, `csrf_failed`)"),
            );
            responses.insert(
                "422".into(),
                error_response("Unknown or mistyped fields (`unknown_field`, `bad_json`)"),
            );
            responses.insert(
                "502".into(),
                error_response("The URL could not be fetched or is not allowed (`fetch_failed`)"),
            );
            (
                "captureUrl",
                "Fetch a URL under the fetch policy and capture the response",
            )
        }
        ("GET", "/api/v1/captures/{id}/content") => {
            responses.insert("200".into(), json!({
                "description": "The original bytes, always as a download (never rendered)",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
            }));
            responses.insert(
                "404".into(),
                error_response("No such capture (`not_found`)"),
            );
            ("captureContent", "Download a capture's original bytes")
        }
        ("GET", "/api/v1/captures/{id}/proof") => {
            responses.insert(
                "200".into(),
                json_response(
                    "The inclusion proof of the capture's leaf (`leafIdx`) in the tree of the latest checkpoint",
                    "InclusionProof",
                ),
            );
            responses.insert(
                "404".into(),
                error_response("No such capture (`not_found`)"),
            );
            (
                "captureProof",
                "The evidence log leaf of a capture and its inclusion proof",
            )
        }
        ("GET", "/api/v1/captures/{id}/bundle") => {
            responses.insert("200".into(), json!({
                "description": "The evidence bundle (docs/evidence-bundle.md) as a download named amparo-evidence-<id>.zip: the original bytes, the leaf, its inclusion proof, a signed checkpoint and the verifier key; check it offline with `amparo bundle verify FILE --key KEY`",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}
            }));
            responses.insert(
                "404".into(),
                error_response("No such capture (`not_found`)"),
            );
            ("captureBundle", "Download a capture's evidence bundle")
        }
        ("GET", "/api/v1/log/checkpoint") => {
            responses.insert("200".into(), json!({
                "description": "The latest C2SP checkpoint as a C2SP signed note, exactly as signed with the installation's key (signed first if the log grew)",
                "content": {"text/plain": {"schema": {"type": "string"}}}
            }));
            (
                "logCheckpoint",
                "The evidence log's latest signed checkpoint (public)",
            )
        }
        ("GET", "/api/v1/log/proof/inclusion") => {
            parameters.push(parameter("index"));
            parameters.push(parameter("size"));
            responses.insert(
                "200".into(),
                json_response("The inclusion proof", "InclusionProof"),
            );
            responses.insert("400".into(), error_response("`index` missing or not a number, `index` not less than the size, or a size beyond the latest checkpoint (`invalid_query`)"));
            (
                "logInclusionProof",
                "The inclusion proof of one leaf of the evidence log (public)",
            )
        }
        ("GET", "/api/v1/log/proof/consistency") => {
            parameters.push(parameter("size1"));
            parameters.push(parameter("size2"));
            responses.insert(
                "200".into(),
                json_response("The consistency proof", "ConsistencyProof"),
            );
            responses.insert("400".into(), error_response("`size1` missing, not a number, 0 or larger than `size2`, or `size2` beyond the latest checkpoint (`invalid_query`)"));
            (
                "logConsistencyProof",
                "The proof that an older tree of the evidence log is a prefix of a newer one (public)",
            )
        }
        ("GET", "/api/v1/log/tile/{*path}") => {
            parameters.push(parameter("tilePath"));
            responses.insert("200".into(), json!({
                "description": "The tile's hashes (32 bytes each) or the entry bundle (each leaf after its big-endian 16-bit length); tiles never change",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
            }));
            responses.insert(
                "400".into(),
                error_response("Not a canonical tile path (`invalid_path`)"),
            );
            responses.insert(
                "404".into(),
                error_response(
                    "The latest checkpoint's tree does not reach this tile yet (`not_found`)",
                ),
            );
            (
                "logTile",
                "A C2SP tlog-tiles tile or entry bundle of the evidence log (public)",
            )
        }
        ("GET", "/api/v1/persons/{id}/timeline") => {
            responses.insert("200".into(), json_response("The timeline", "Timeline"));
            responses.insert("404".into(), error_response("No such person (`not_found`)"));
            (
                "personTimeline",
                "A person's custody timeline, with undocumented gaps as unknown",
            )
        }
        ("GET", "/api/v1/feeds") => {
            responses.insert(
                "200".into(),
                json_response("Every subscription, oldest first", "FeedList"),
            );
            (
                "listFeeds",
                "List the feed subscriptions with how each is doing",
            )
        }
        ("POST", "/api/v1/feeds") => {
            request_body = Some(json!({
                "required": true,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["url"],
                    "properties": {
                        "url": {"type": "string", "format": "uri", "description": "The feed's address (RSS, Atom or JSON Feed), http or https"},
                        "title": {"type": ["string", "null"], "description": "A title of one's own; the feed's own title otherwise"},
                        "case_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}, "description": "Cases the feed's captures belong to"},
                        "interval_seconds": {"type": ["integer", "null"], "minimum": 60, "description": "Seconds between polls (feeds.interval_seconds by default; at least 60)"}
                    }
                }}}
            }));
            let mut created = json_response(
                "The subscription; nothing is fetched until the next poll",
                "Feed",
            );
            created["headers"] = json!({
                "Location": {"description": "The subscription's address", "schema": {"type": "string"}}
            });
            responses.insert("201".into(), created);
            responses.insert("400".into(), error_response("Not JSON (`bad_json`)"));
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert(
                "404".into(),
                error_response("A case that does not exist (`not_found`)"),
            );
            responses.insert(
                "409".into(),
                error_response("The feed is already followed (`duplicate_feed`)"),
            );
            responses.insert("422".into(), error_response("A URL that cannot be followed (`invalid_url`), or unknown or mistyped fields (`unknown_field`, `bad_json`)"));
            ("addFeed", "Subscribe to a feed")
        }
        ("GET", "/api/v1/feeds.opml") => {
            responses.insert("200".into(), json!({
                "description": "Every subscription as an OPML 2.0 file, as a download named amparo-feeds.opml",
                "content": {"text/x-opml": {"schema": {"type": "string"}}}
            }));
            ("exportFeeds", "Export the subscriptions as OPML")
        }
        ("POST", "/api/v1/feeds/import") => {
            request_body = Some(json!({
                "required": true,
                "description": "An OPML 1.0 or 2.0 file as feed readers export it",
                "content": {"text/x-opml": {"schema": {"type": "string"}}, "application/xml": {"schema": {"type": "string"}}}
            }));
            responses.insert(
                "200".into(),
                json_response(
                    "The subscriptions added, the outlines skipped with why, and what was wrong in the file",
                    "OpmlImport",
                ),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert(
                "413".into(),
                error_response("Larger than 4 MiB (`payload_too_large`)"),
            );
            responses.insert(
                "422".into(),
                error_response("The body holds no feed subscriptions (`invalid_opml`)"),
            );
            ("importFeeds", "Subscribe to every feed of an OPML file")
        }
        ("GET", "/api/v1/search") => {
            for name in SEARCH_PARAMETERS {
                parameters.push(parameter(name));
            }
            responses.insert(
                "200".into(),
                json_response(
                    "One page of hits, with counts per facet value",
                    "SearchPage",
                ),
            );
            responses.insert("400".into(), error_response("A parameter that cannot be read: unknown, given twice, mistyped, a query over 1,000 characters, a bad day, a page too deep (`invalid_query`; `field` names it)"));
            (
                "search",
                "Search the records the caller may see: words, names, filters, facets, order, pages",
            )
        }
        ("GET", "/api/v1/feeds/{id}") => {
            responses.insert("200".into(), json_response("The subscription", "Feed"));
            responses.insert("404".into(), error_response("No such feed (`not_found`)"));
            ("getFeed", "A feed subscription and how it is doing")
        }
        ("GET", "/api/v1/feeds/{id}/pages") => {
            parameters.push(parameter("pagesLimit"));
            responses.insert(
                "200".into(),
                json_response("The pages, newest first", "FeedPages"),
            );
            responses.insert(
                "400".into(),
                error_response("A bad `limit` (`invalid_query`)"),
            );
            responses.insert("404".into(), error_response("No such feed (`not_found`)"));
            (
                "feedPages",
                "The pages a feed found and where each stands (waiting, captured, given up)",
            )
        }
        ("POST", "/api/v1/feeds/{id}/pause") | ("POST", "/api/v1/feeds/{id}/resume") => {
            responses.insert(
                "200".into(),
                json_response("The subscription as it is now", "Feed"),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert("404".into(), error_response("No such feed (`not_found`)"));
            if path.ends_with("/pause") {
                ("pauseFeed", "Pause a feed: it is not polled until resumed")
            } else {
                ("resumeFeed", "Resume a paused feed: it is due at once")
            }
        }
        ("POST", "/api/v1/feeds/{id}/poll") => {
            parameters.push(parameter("pollPages"));
            responses.insert("200".into(), json!({
                "description": "The subscription after the poll and what the poll did; a feed that could not be fetched is in `report.feeds_failed` and the feed's `last_error`",
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["feed", "report"],
                    "properties": {
                        "feed": {"$ref": "#/components/schemas/Feed"},
                        "report": {"$ref": "#/components/schemas/PollReport"}
                    }
                }}}
            }));
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert("404".into(), error_response("No such feed (`not_found`)"));
            responses.insert(
                "409".into(),
                error_response("The feed is paused; resume it first (`feed_paused`)"),
            );
            ("pollFeed", "Fetch a feed now and queue the pages it lists")
        }
        ("DELETE", "/api/v1/feeds/{id}") => {
            responses.insert(
                "200".into(),
                json_response("The subscription as it was before removal", "Feed"),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert("404".into(), error_response("No such feed (`not_found`)"));
            (
                "removeFeed",
                "Unsubscribe; captured pages stay, pages not yet fetched are dropped",
            )
        }
        ("GET", "/api/v1/documents/{id}/cluster") => {
            responses.insert(
                "200".into(),
                json_response("The original and its copies, oldest first", "Cluster"),
            );
            responses.insert(
                "404".into(),
                error_response("No such document (`not_found`)"),
            );
            (
                "documentCluster",
                "A document's near-duplicate cluster: the first-seen original and its copies",
            )
        }
        ("GET", "/api/v1/documents/{id}/suggestions") => {
            responses.insert(
                "200".into(),
                json_response("The document's suggestions in text order", "SuggestionList"),
            );
            responses.insert(
                "404".into(),
                error_response("No such document (`not_found`)"),
            );
            (
                "documentSuggestions",
                "What was found in a document's text, for review",
            )
        }
        ("POST", "/api/v1/documents/{id}/suggestions") => {
            responses.insert(
                "200".into(),
                json_response("What processing did", "ProcessReport"),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert(
                "404".into(),
                error_response("No such document (`not_found`)"),
            );
            (
                "processDocument",
                "Read a document and add what is new as suggestions; decisions made stay",
            )
        }
        ("POST", "/api/v1/documents/{id}/suggestions/accept-confident") => {
            request_body = Some(json!({
                "required": false,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"threshold": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.9}}
                }}}
            }));
            responses.insert(
                "200".into(),
                json_response("What was linked and what is left", "BulkReport"),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert(
                "404".into(),
                error_response("No such document (`not_found`)"),
            );
            (
                "acceptConfident",
                "Link the confident name suggestions that have a clear best candidate",
            )
        }
        ("POST", "/api/v1/suggestions/{id}/decision") => {
            request_body = Some(json!({
                "required": true,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}
            }));
            responses.insert(
                "200".into(),
                json_response(
                    "The suggestion as decided and what was written",
                    "DecisionOutcome",
                ),
            );
            responses.insert(
                "403".into(),
                error_response("The actor may not write (`forbidden`, `csrf_failed`)"),
            );
            responses.insert(
                "404".into(),
                error_response("No such suggestion or record (`not_found`)"),
            );
            responses.insert(
                "409".into(),
                error_response("Already decided, or the record does not fit (`not_allowed`)"),
            );
            responses.insert(
                "422".into(),
                error_response("The decision or the record made from it is invalid"),
            );
            ("decideSuggestion", "Link, create or reject one suggestion")
        }
        _ => ("unknown", "Undocumented route"),
    };
    let mut operation = json!({
        "operationId": id,
        "summary": summary,
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(body) = request_body {
        operation["requestBody"] = body;
    }
    if public {
        operation["security"] = json!([]);
    }
    operation
}

/// The parameters of `GET /api/v1/search`, as named in `components.parameters`.
const SEARCH_PARAMETERS: [&str; 15] = [
    "searchQ",
    "searchPrefix",
    "searchKind",
    "searchCase",
    "searchLanguage",
    "searchViolation",
    "searchCustodyStatus",
    "searchPlace",
    "searchYear",
    "searchFrom",
    "searchTo",
    "searchSort",
    "searchPage",
    "searchPerPage",
    "searchFacets",
];

/// A query parameter that may be repeated, one value each time.
fn repeated(name: &str, description: &str, items: Value) -> Value {
    json!({
        "name": name,
        "in": "query",
        "description": description,
        "style": "form",
        "explode": true,
        "schema": {"type": "array", "items": items}
    })
}

/// The parameters and schemas of search (apart, for the `json!` macro's recursion limit).
fn search_components() -> (Value, Value) {
    let kinds: Vec<&str> = amparo_app::SEARCHED_KINDS
        .iter()
        .map(|kind| kind.as_str())
        .collect();
    let facets: Vec<&str> = amparo_app::FacetField::ALL
        .iter()
        .map(|field| field.code())
        .collect();
    let day = json!({"type": "string", "format": "date"});
    let uuid = json!({"type": "string", "format": "uuid"});
    let text = json!({"type": "string"});
    let parameters = json!({
        "searchQ": {"name": "q", "in": "query", "description": "The query: every word must match; \"a phrase\", OR, -word and parentheses as usual; real names, aliases and testimony text only for readers with the `sensitive` right on the record's cases. Empty: every record the caller may see. At most 1,000 characters", "schema": {"type": "string", "maxLength": 1000, "default": ""}},
        "searchPrefix": {"name": "prefix", "in": "query", "description": "Read `q` as the start of a name (names as you type)", "schema": {"type": "boolean", "default": false}},
        "searchKind": repeated("kind", "Only records of these types", json!({"type": "string", "enum": kinds})),
        "searchCase": repeated("case", "Only records of these cases", uuid.clone()),
        "searchLanguage": repeated("language", "Only texts in these languages (primary subtag: en, es)", text.clone()),
        "searchViolation": repeated("violation", "Only records with these violation types (vocabulary term ids)", text.clone()),
        "searchCustodyStatus": repeated("custody_status", "Only records with these custody statuses (vocabulary term ids)", text),
        "searchPlace": repeated("place", "Only records at these places", uuid),
        "searchYear": repeated("year", "Only records dated in these years", json!({"type": "integer", "minimum": 1, "maximum": 9999})),
        "searchFrom": {"name": "from", "in": "query", "description": "Only records dated on or after this day (YYYY-MM-DD)", "schema": day.clone()},
        "searchTo": {"name": "to", "in": "query", "description": "Only records dated on or before this day (YYYY-MM-DD)", "schema": day},
        "searchSort": {"name": "sort", "in": "query", "description": "The order of hits: best match, or by date (records without a date last)", "schema": {"type": "string", "enum": ["relevance", "newest", "oldest"], "default": "relevance"}},
        "searchPage": {"name": "page", "in": "query", "description": "The page, from 1", "schema": {"type": "integer", "minimum": 1, "default": 1}},
        "searchPerPage": {"name": "per_page", "in": "query", "description": format!("Hits per page (default {}, at most {})", amparo_app::DEFAULT_PER_PAGE, amparo_app::MAX_SEARCH_PAGE), "schema": {"type": "integer", "minimum": 1, "maximum": amparo_app::MAX_SEARCH_PAGE, "default": amparo_app::DEFAULT_PER_PAGE}},
        "searchFacets": {"name": "facets", "in": "query", "description": format!("The facet fields to count, comma-separated ({}); default all, empty none", facets.join(", ")), "schema": {"type": "string"}}
    });
    let snippet = json!({
        "type": ["object", "null"],
        "required": ["text", "highlights", "html"],
        "properties": {
            "text": {"type": "string"},
            "highlights": {"type": "array", "description": "[start, end) character offsets into `text` of what matched", "items": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}},
            "html": {"type": "string", "description": "`text` escaped as HTML, with <b> around each highlight"}
        }
    });
    let schemas = json!({
        "SearchPage": {
            "type": "object",
            "required": ["total", "hits", "facets", "problems"],
            "properties": {
                "total": {"type": "integer", "description": "Matching records the caller may see, in all"},
                "hits": {"type": "array", "items": {
                    "type": "object",
                    "required": ["kind", "id", "label", "date", "score", "snippet", "sensitive_snippet"],
                    "properties": {
                        "kind": {"type": "string", "enum": kinds},
                        "id": {"type": "string", "format": "uuid"},
                        "label": {"type": "string", "description": "A short label that reveals nothing sensitive"},
                        "date": {"type": ["string", "null"], "format": "date-time"},
                        "score": {"type": ["number", "null"], "description": "Relevance, when sorted by it"},
                        "snippet": snippet.clone(),
                        "sensitive_snippet": snippet
                    }
                }},
                "facets": {"type": "object", "description": format!("Per facet field ({}): values and their counts over every match the caller may see, most frequent first", facets.join(", ")), "additionalProperties": {"type": "array", "items": {
                    "type": "object",
                    "required": ["value", "count"],
                    "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}
                }}},
                "problems": {"type": "array", "items": {"type": "string"}, "description": "Parts of the query that could not be read, and what was done instead"}
            }
        }
    });
    (parameters, schemas)
}

/// The whole document.
pub fn document() -> Value {
    let mut document = base_document();
    let (parameters, schemas) = search_components();
    for (place, more) in [("parameters", parameters), ("schemas", schemas)] {
        if let (Some(known), Value::Object(more)) =
            (document["components"][place].as_object_mut(), more)
        {
            known.extend(more);
        }
    }
    if let (Some(schemas), Value::Object(more)) = (
        document["components"]["schemas"].as_object_mut(),
        feed_schemas(),
    ) {
        schemas.extend(more);
    }
    if let (Some(schemas), Value::Object(more)) = (
        document["components"]["schemas"].as_object_mut(),
        review_schemas(),
    ) {
        schemas.extend(more);
    }
    document
}

/// The document without the schemas of [`feed_schemas`] and [`review_schemas`].
fn base_document() -> Value {
    let mut paths = Map::new();
    for (method, path) in API_ROUTES {
        let item = paths.entry((*path).to_owned()).or_insert_with(|| json!({}));
        item[method.to_ascii_lowercase()] = operation(method, path);
    }
    let kinds: Vec<&str> = RecordKind::ALL.iter().map(|kind| kind.as_str()).collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Amparo API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Records, search, captures, custody timelines, feed subscriptions and the evidence log of an Amparo installation. The evidence log's checkpoint, proofs and tiles need no credentials. Errors are {\"error\": {\"code\", \"message\", \"field\"}} with stable codes (docs/api-errors.md). Sensitive fields are present only for readers allowed to see them."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token from `amparo token create`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "amparo_session", "description": "A signed-in session; changes also need its CSRF token in X-CSRF-Token"}
            },
            "headers": {
                "ETag": {"description": "The version, in quotes, for If-Match", "schema": {"type": "string"}}
            },
            "parameters": {
                "kind": {"name": "kind", "in": "path", "required": true, "description": "Record type, kebab-case", "schema": {"type": "string", "enum": kinds}},
                "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                "limit": {"name": "limit", "in": "query", "description": format!("Records per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})"), "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}},
                "after": {"name": "after", "in": "query", "description": "The `next` of the previous page", "schema": {"type": "string", "format": "uuid"}},
                "case": {"name": "case", "in": "query", "description": format!("Only records of this case; for {}", kinds_of(Filter::Case)), "schema": {"type": "string", "format": "uuid"}},
                "person": {"name": "person", "in": "query", "description": format!("Only records about this person; for {}", kinds_of(Filter::Person)), "schema": {"type": "string", "format": "uuid"}},
                "status": {"name": "status", "in": "query", "description": format!("Only records in this status (kebab-case); for {}", kinds_of(Filter::Status)), "schema": {"type": "string"}},
                "nationality": {"name": "nationality", "in": "query", "description": format!("Only persons of this nationality (ISO 3166 code); for {}", kinds_of(Filter::Nationality)), "schema": {"type": "string"}},
                "version": {"name": "version", "in": "query", "description": "The version the change was made from (or send If-Match)", "schema": {"type": "integer", "minimum": 1}},
                "If-Match": {"name": "If-Match", "in": "header", "description": "The version the change was made from, as the ETag gives it: \"3\"", "schema": {"type": "string"}},
                "index": {"name": "index", "in": "query", "required": true, "description": "The leaf's index, from 0", "schema": {"type": "integer", "minimum": 0}},
                "size": {"name": "size", "in": "query", "description": "The tree size (default: the latest checkpoint's)", "schema": {"type": "integer", "minimum": 1}},
                "size1": {"name": "size1", "in": "query", "required": true, "description": "The older tree's size", "schema": {"type": "integer", "minimum": 1}},
                "size2": {"name": "size2", "in": "query", "description": "The newer tree's size (default: the latest checkpoint's)", "schema": {"type": "integer", "minimum": 1}},
                "pagesLimit": {"name": "limit", "in": "query", "description": format!("Pages to list, newest first (default {}, at most {})", super::feeds::DEFAULT_PAGES, super::feeds::MAX_PAGES), "schema": {"type": "integer", "minimum": 1, "maximum": super::feeds::MAX_PAGES, "default": super::feeds::DEFAULT_PAGES}},
                "pollPages": {"name": "pages", "in": "query", "description": "Also fetch every page that is due (of any feed) before answering; by default the pages are left to the poller", "schema": {"type": "boolean", "default": false}},
                "tilePath": {"name": "path", "in": "path", "required": true, "description": "The rest of a C2SP tlog-tiles path after `tile/`: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, over several segments (`0/x001/234.p/8`)", "schema": {"type": "string"}}
            },
            "requestBodies": {
                "Record": {
                    "required": true,
                    "description": "The record's fields, as `record` in a VersionedRecord of that kind; unknown fields are refused",
                    "content": {"application/json": {"schema": {"type": "object"}}}
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["code", "message", "field"],
                        "properties": {
                            "code": {"type": "string", "description": "A stable code (docs/api-errors.md)"},
                            "message": {"type": "string", "description": "What is wrong and what to do"},
                            "field": {"type": ["string", "null"], "description": "The field or parameter at fault"}
                        }
                    }}
                },
                "VersionedRecord": {
                    "type": "object",
                    "required": ["kind", "id", "version", "deleted", "actor", "recorded_at", "record"],
                    "properties": {
                        "kind": {"type": "string", "enum": kinds},
                        "id": {"type": "string", "format": "uuid"},
                        "version": {"type": "integer", "minimum": 1},
                        "deleted": {"type": "boolean"},
                        "actor": {"type": "string"},
                        "recorded_at": {"type": "string", "format": "date-time"},
                        "record": {"type": ["object", "null"], "description": "The fields; null for a tombstone"}
                    }
                },
                "Page": {
                    "type": "object",
                    "required": ["items", "next"],
                    "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/VersionedRecord"}},
                        "next": {"type": ["string", "null"], "format": "uuid", "description": "Pass as `after` for the next page; null on the last"}
                    }
                },
                "History": {
                    "type": "object",
                    "required": ["items"],
                    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/VersionedRecord"}}}
                },
                "InclusionProof": {
                    "type": "object",
                    "description": "An RFC 9162 inclusion proof in transparency-dev JSON form; hashes are SHA-256 in standard base64",
                    "required": ["leafIdx", "treeSize", "root", "leafHash", "proof"],
                    "properties": {
                        "leafIdx": {"type": "integer", "minimum": 0},
                        "treeSize": {"type": "integer", "minimum": 1},
                        "root": {"type": "string", "format": "byte"},
                        "leafHash": {"type": "string", "format": "byte"},
                        "proof": {"type": "array", "items": {"type": "string", "format": "byte"}}
                    }
                },
                "ConsistencyProof": {
                    "type": "object",
                    "description": "An RFC 9162 consistency proof in transparency-dev JSON form; hashes are SHA-256 in standard base64",
                    "required": ["size1", "size2", "root1", "root2", "proof"],
                    "properties": {
                        "size1": {"type": "integer", "minimum": 1},
                        "size2": {"type": "integer", "minimum": 1},
                        "root1": {"type": "string", "format": "byte"},
                        "root2": {"type": "string", "format": "byte"},
                        "proof": {"type": "array", "items": {"type": "string", "format": "byte"}}
                    }
                },
                "Timeline": {
                    "type": "object",
                    "required": ["person_id", "segments"],
                    "properties": {
                        "person_id": {"type": "string", "format": "uuid"},
                        "segments": {"type": "array", "items": {
                            "type": "object",
                            "properties": {
                                "status": {"type": ["string", "null"], "description": "null: whereabouts undocumented"},
                                "from": {"type": ["string", "null"]},
                                "to": {"type": ["string", "null"]},
                                "period_id": {"type": ["string", "null"], "format": "uuid"},
                                "place_id": {"type": ["string", "null"], "format": "uuid"},
                                "overlaps_previous": {"type": "boolean"}
                            }
                        }}
                    }
                }
            }
        }
    })
}

/// The schemas of feeds and document clusters (apart, for the `json!` macro's recursion limit).
fn feed_schemas() -> Value {
    json!({
        "Feed": {
            "type": "object",
            "description": "A feed subscription, with the keys of `amparo feed list --json`; times are RFC 3339 in UTC",
            "required": ["id", "url", "title", "status", "paused", "interval_seconds", "case_ids", "failures", "pages"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "url": {"type": "string"},
                "title": {"type": "string", "description": "Empty until named or until the feed gives its own"},
                "site_url": {"type": ["string", "null"]},
                "status": {"type": "string", "enum": ["new", "ok", "failing", "paused"]},
                "paused": {"type": "boolean"},
                "interval_seconds": {"type": "integer"},
                "case_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
                "added_by": {"type": "string"},
                "added_at": {"type": "string", "format": "date-time"},
                "last_polled_at": {"type": ["string", "null"], "format": "date-time"},
                "last_success_at": {"type": ["string", "null"], "format": "date-time"},
                "next_poll_at": {"type": ["string", "null"], "format": "date-time", "description": "null: due now"},
                "last_status": {"type": ["integer", "null"], "description": "The HTTP status of the last response"},
                "failures": {"type": "integer", "description": "Failed polls in a row"},
                "last_error": {"type": ["string", "null"]},
                "problems": {"type": "array", "items": {"type": "string"}, "description": "What the last parse of the feed found wrong (not fatal)"},
                "items_seen": {"type": "integer"},
                "pages": {
                    "type": "object",
                    "required": ["pending", "captured", "failed"],
                    "properties": {
                        "pending": {"type": "integer"},
                        "captured": {"type": "integer"},
                        "failed": {"type": "integer"}
                    }
                }
            }
        },
        "FeedList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Feed"}}}
        },
        "FeedPages": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": {
                "type": "object",
                "description": "A page a feed found, with the keys of `amparo feed show --json`",
                "properties": {
                    "url": {"type": "string"},
                    "canonical_url": {"type": "string"},
                    "title": {"type": ["string", "null"]},
                    "published": {"type": ["string", "null"], "format": "date-time"},
                    "state": {"type": "string", "enum": ["pending", "done", "failed"]},
                    "attempts": {"type": "integer"},
                    "last_error": {"type": ["string", "null"]},
                    "found_at": {"type": "string", "format": "date-time"},
                    "capture_id": {"type": ["string", "null"], "format": "uuid"},
                    "document_id": {"type": ["string", "null"], "format": "uuid"},
                    "duplicate_of": {"type": ["string", "null"], "format": "uuid", "description": "The original document, when this page's document is a copy"},
                    "problems": {"type": "array", "items": {"type": "string"}}
                }
            }}}
        },
        "PollReport": {
            "type": "object",
            "properties": {
                "feeds_polled": {"type": "integer"},
                "feeds_unchanged": {"type": "integer"},
                "feeds_failed": {"type": "array", "items": {"type": "object", "properties": {"url": {"type": "string"}, "error": {"type": "string"}}}},
                "pages_found": {"type": "integer"},
                "pages_captured": {"type": "integer"},
                "copies": {"type": "integer"},
                "pages_retrying": {"type": "integer"},
                "pages_failed": {"type": "array", "items": {"type": "object", "properties": {"url": {"type": "string"}, "error": {"type": "string"}}}}
            }
        },
        "OpmlImport": {
            "type": "object",
            "required": ["added", "skipped", "problems"],
            "properties": {
                "added": {"type": "array", "items": {"$ref": "#/components/schemas/Feed"}},
                "skipped": {"type": "array", "items": {"type": "object", "properties": {"url": {"type": "string"}, "reason": {"type": "string"}}}},
                "problems": {"type": "array", "items": {"type": "string"}}
            }
        },
        "Cluster": {
            "type": "object",
            "required": ["original", "copies"],
            "properties": {
                "original": {"$ref": "#/components/schemas/VersionedRecord"},
                "copies": {"type": "array", "items": {"$ref": "#/components/schemas/VersionedRecord"}}
            }
        }
    })
}

/// The schemas of suggestions and their review.
fn review_schemas() -> Value {
    json!({
        "Suggestion": {
            "type": "object",
            "description": "A finding in a document's text; offsets are in characters. For persons, candidates are labelled by pseudonym code only",
            "required": ["id", "version", "document_id", "kind", "start", "end", "text", "confidence", "proposal", "status"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "version": {"type": "integer"},
                "document_id": {"type": "string", "format": "uuid"},
                "kind": {"type": "string", "enum": ["person", "organization", "place", "date", "count", "quote", "post", "violation"]},
                "start": {"type": "integer"},
                "end": {"type": "integer"},
                "text": {"type": "string"},
                "confidence": {"type": "number"},
                "proposal": {
                    "type": "object",
                    "description": "candidates [{kind, id, label, score}], new {kind, name, term, builtin}, the normalized value (date value and precision, count value, quote speaker, violation term and sentence, post fields), remembered_from",
                },
                "status": {"type": "string", "enum": ["pending", "accepted", "rejected"]},
                "accepted_into": {"type": "object", "properties": {"kind": {"type": "string"}, "id": {"type": "string", "format": "uuid"}}}
            }
        },
        "SuggestionList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}}}
        },
        "ProcessReport": {
            "type": "object",
            "required": ["document_id", "document_version", "created", "existing", "remembered", "truncated", "problems"],
            "properties": {
                "document_id": {"type": "string", "format": "uuid"},
                "document_version": {"type": "integer"},
                "created": {"type": "integer"},
                "existing": {"type": "integer", "description": "Suggestions kept from an earlier run"},
                "remembered": {"type": "integer", "description": "New suggestions decided as the same mention was in the cluster"},
                "truncated": {"type": "boolean"},
                "problems": {"type": "array", "items": {"type": "string"}}
            }
        },
        "BulkReport": {
            "type": "object",
            "required": ["linked", "carried_over", "left"],
            "properties": {
                "linked": {"type": "array", "items": {"type": "object", "properties": {
                    "suggestion_id": {"type": "string", "format": "uuid"},
                    "text": {"type": "string"},
                    "record": {"type": "object", "properties": {"kind": {"type": "string"}, "id": {"type": "string", "format": "uuid"}, "label": {"type": "string"}, "score": {"type": "number"}}}
                }}},
                "carried_over": {"type": "integer"},
                "left": {"type": "array", "items": {"type": "string", "format": "uuid"}, "description": "Suggestions still pending"}
            }
        },
        "Decision": {
            "type": "object",
            "required": ["action"],
            "description": "link: {kind, id} of a person, organization, place (names) or event (dates, counts, quotes, posts, violations); create: an optional corrected name; reject",
            "properties": {
                "action": {"type": "string", "enum": ["link", "create", "reject"]},
                "kind": {"type": "string"},
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"}
            }
        },
        "DecisionOutcome": {
            "type": "object",
            "required": ["suggestion", "carried_over"],
            "properties": {
                "suggestion": {"$ref": "#/components/schemas/Suggestion"},
                "record": {"type": ["object", "null"], "properties": {"kind": {"type": "string"}, "id": {"type": "string", "format": "uuid"}}},
                "information_id": {"type": ["string", "null"], "format": "uuid"},
                "carried_over": {"type": "integer", "description": "Pending suggestions of the same mention decided the same way"}
            }
        }
    })
}
