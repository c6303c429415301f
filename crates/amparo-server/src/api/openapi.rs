//! The OpenAPI 3.1 document of the API, written by hand and built from [`API_ROUTES`], so that
//! it lists exactly the routes the server answers.

use amparo_app::{DEFAULT_PAGE_SIZE, Filter, MAX_PAGE_SIZE};
use amparo_model::RecordKind;
use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::api::API_ROUTES;
use crate::api::extract::ApiActor;

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
    let mut responses = Map::new();
    responses.insert(
        "401".into(),
        error_response("No or bad credentials (`unauthorized`)"),
    );
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
        ("GET", "/api/v1/persons/{id}/timeline") => {
            responses.insert("200".into(), json_response("The timeline", "Timeline"));
            responses.insert("404".into(), error_response("No such person (`not_found`)"));
            (
                "personTimeline",
                "A person's custody timeline, with undocumented gaps as unknown",
            )
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
    operation
}

/// The whole document.
pub fn document() -> Value {
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
            "description": "Records, captures and custody timelines of an Amparo installation. Errors are {\"error\": {\"code\", \"message\", \"field\"}} with stable codes (docs/api-errors.md). Sensitive fields are present only for readers allowed to see them."
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
                "If-Match": {"name": "If-Match", "in": "header", "description": "The version the change was made from, as the ETag gives it: \"3\"", "schema": {"type": "string"}}
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
