//! Create and edit forms for every record type, a generic record page and list for the types
//! without a page of their own, and each record's history. Forms post with the session's CSRF
//! token; validation errors come back next to their field.

mod convert;
mod spec;

use std::collections::HashMap;

use amparo_app::{AppError, VersionedRecord};
use amparo_model::vocab::vocabulary;
use amparo_model::{Record, RecordKind};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

pub use convert::FormValues;
pub use spec::{Field, Input, form_fields};

use crate::AppState;
use crate::error::PageError;
use crate::i18n::I18n;
use crate::pages::{Chrome, KindIdPath, KindPath, SignedIn, render};
use crate::session::csrf_ok;

/// Where a record belongs, for going back after it is saved: a custody period or testimony to
/// its person, an act to its event, a hearing, docket entry or deadline to its proceeding (or
/// case). `None` for records that stand on their own.
fn parent_href(fields: &FormValues) -> Option<String> {
    let id = |name: &str| Uuid::parse_str(fields.one(name)).ok();
    [
        ("person_id", "/persons"),
        ("giver_id", "/persons"),
        ("event_id", "/events"),
        ("proceeding_id", "/proceedings"),
        ("case_id", "/cases"),
    ]
    .iter()
    .find_map(|(field, section)| id(field).map(|id| format!("{section}/{id}")))
}

/// Where to go once a record of `kind` is saved: its parent's page when it has one.
fn after_save_href(kind: RecordKind, id: Uuid, values: &FormValues) -> String {
    match kind {
        RecordKind::CustodyPeriod
        | RecordKind::Testimony
        | RecordKind::Act
        | RecordKind::Hearing
        | RecordKind::DocketEntry
        | RecordKind::Deadline => parent_href(values).unwrap_or_else(|| record_href(kind, id)),
        _ => record_href(kind, id),
    }
}

/// The page a record is best shown on.
pub fn record_href(kind: RecordKind, id: Uuid) -> String {
    match kind {
        RecordKind::Person => format!("/persons/{id}"),
        RecordKind::Case => format!("/cases/{id}"),
        RecordKind::Proceeding => format!("/proceedings/{id}"),
        RecordKind::Capture => format!("/captures/{id}"),
        RecordKind::Event => format!("/events/{id}"),
        RecordKind::Document => format!("/documents/{id}"),
        _ => format!("/records/{kind}/{id}"),
    }
}

/// A record's label in the page language: vocabulary terms shown by their labels.
pub fn record_label(i: I18n, version: &VersionedRecord) -> String {
    use amparo_model::vocab::VocabularyId as V;
    let Some(record) = &version.record else {
        return version.label();
    };
    match record {
        Record::CustodyPeriod(period) => {
            let from = period
                .period
                .start
                .map(|d| d.to_string())
                .unwrap_or_default();
            let to = period
                .period
                .end
                .map_or_else(|| i.t("person.ongoing").to_owned(), |d| d.to_string());
            format!(
                "{}, {from} – {to}",
                i.term(V::CustodyStatus, &period.status)
            )
        }
        Record::Act(act) => {
            let when = act
                .period
                .start
                .map(|d| format!(", {d}"))
                .unwrap_or_default();
            format!("{}{when}", i.term(V::ActType, &act.act_type))
        }
        Record::Involvement(involvement) => i.term(V::InvolvementDegree, &involvement.degree),
        Record::Information(information) => format!(
            "{} ({})",
            i.term(V::SourceKind, &information.source_kind),
            i.term(V::Reliability, &information.reliability)
        ),
        Record::Hearing(hearing) => format!(
            "{}, {}",
            i.term(V::HearingKind, &hearing.kind),
            hearing.starts_at.date()
        ),
        _ => version.label(),
    }
}

fn kind_label(i: I18n, kind: RecordKind) -> String {
    i.t(&format!("kind.{kind}")).to_owned()
}

fn nav_for(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Person | RecordKind::CustodyPeriod => "persons",
        RecordKind::Case => "cases",
        RecordKind::Proceeding
        | RecordKind::DocketEntry
        | RecordKind::Hearing
        | RecordKind::Deadline => "proceedings",
        RecordKind::Capture => "captures",
        RecordKind::Event | RecordKind::Act | RecordKind::Involvement => "events",
        RecordKind::Document => "feeds",
        _ => "records",
    }
}

/// One choice of a select or checkbox group.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One field as the template draws it.
struct FormField {
    name: &'static str,
    id: String,
    label: String,
    /// `text`, `textarea`, `select`, `multiselect`, `checkbox`, `checkboxes`.
    widget: &'static str,
    value: String,
    choices: Vec<Choice>,
    required: bool,
    hint: Option<String>,
    error: Option<String>,
    /// Ids of the hint and error that describe the input.
    described_by: String,
}

#[derive(Template)]
#[template(path = "record_form.html")]
struct FormPage {
    i: I18n,
    c: Chrome,
    title: String,
    action: String,
    version: u32,
    fields: Vec<FormField>,
    general_error: Option<String>,
    cancel: String,
}

fn editable(i: I18n, kind: RecordKind) -> Result<&'static [Field], PageError> {
    form_fields(kind).ok_or_else(|| {
        PageError::from(AppError::NotAllowed(i.t("form.not_editable").to_owned())).in_lang(i.lang)
    })
}

/// The choices of reference fields: every record of each kind needed, labelled.
async fn reference_choices(
    state: &AppState,
    page: &SignedIn,
    fields: &[Field],
) -> Result<HashMap<RecordKind, Vec<(Uuid, String)>>, AppError> {
    let mut kinds: Vec<RecordKind> = Vec::new();
    for field in fields {
        match field.input {
            Input::Ref(kind) | Input::Refs(kind) => kinds.push(kind),
            Input::TaggedRef(tagged) => kinds.extend_from_slice(tagged),
            _ => {}
        }
    }
    kinds.sort();
    kinds.dedup();
    let mut choices = HashMap::new();
    for kind in kinds {
        let mut records: Vec<(Uuid, String)> = state
            .app
            .list_records(page.actor(), kind)
            .await?
            .into_iter()
            .map(|record| (record.id, record_label(page.i, &record)))
            .collect();
        records.sort_by(|a, b| a.1.cmp(&b.1));
        choices.insert(kind, records);
    }
    Ok(choices)
}

fn build_fields(
    i: I18n,
    fields: &[Field],
    values: &FormValues,
    references: &HashMap<RecordKind, Vec<(Uuid, String)>>,
    errors: &HashMap<String, String>,
) -> Vec<FormField> {
    fields
        .iter()
        .map(|field| {
            let selected = values.all(field.path);
            let is_selected = |value: &str| selected.iter().any(|chosen| chosen == value);
            let reference_options = |kinds: &[RecordKind], tagged: bool| -> Vec<Choice> {
                kinds
                    .iter()
                    .flat_map(|kind| {
                        references
                            .get(kind)
                            .into_iter()
                            .flatten()
                            .map(move |(id, label)| {
                                let value = if tagged {
                                    format!("{kind}:{id}")
                                } else {
                                    id.to_string()
                                };
                                let label = if tagged {
                                    format!("{} — {label}", kind_label(i, *kind))
                                } else {
                                    label.clone()
                                };
                                (value, label)
                            })
                    })
                    .map(|(value, label)| Choice {
                        selected: is_selected(&value),
                        value,
                        label,
                    })
                    .collect()
            };
            let term_options = |id| -> Vec<Choice> {
                vocabulary(id)
                    .terms
                    .iter()
                    .filter(|term| !term.deprecated || is_selected(&term.id))
                    .map(|term| Choice {
                        value: term.id.clone(),
                        label: term.label(i.lang).to_owned(),
                        selected: is_selected(&term.id),
                    })
                    .collect()
            };
            let fixed_options = |options: &[&str]| -> Vec<Choice> {
                options
                    .iter()
                    .map(|value| Choice {
                        value: (*value).to_owned(),
                        label: i.t(&format!("choice.{value}")).to_owned(),
                        selected: is_selected(value),
                    })
                    .collect()
            };
            let (widget, choices, hint) = match field.input {
                Input::Text | Input::Number | Input::Decimal => ("text", Vec::new(), None),
                Input::TextArea => ("textarea", Vec::new(), None),
                Input::Lines => ("textarea", Vec::new(), Some(i.t("form.hint_lines"))),
                Input::Date => ("text", Vec::new(), Some(i.t("form.hint_date"))),
                Input::DateTime => ("text", Vec::new(), Some(i.t("form.hint_datetime"))),
                Input::Countries => ("text", Vec::new(), Some(i.t("form.hint_countries"))),
                Input::Checkbox => ("checkbox", Vec::new(), None),
                Input::Term(id) => ("select", term_options(id), None),
                Input::Terms(id) => ("checkboxes", term_options(id), None),
                Input::Choice(options) => ("select", fixed_options(options), None),
                Input::Choices(options) => ("checkboxes", fixed_options(options), None),
                Input::Ref(kind) => ("select", reference_options(&[kind], false), None),
                Input::Refs(kind) => ("multiselect", reference_options(&[kind], false), None),
                Input::TaggedRef(kinds) => ("select", reference_options(kinds, true), None),
            };
            let value = match field.input {
                Input::Lines => selected.join("\n"),
                _ => values.one(field.path).to_owned(),
            };
            let id = format!("f-{}", field.path.replace('.', "-"));
            let error = errors.get(field.path).cloned();
            let described_by = [
                hint.map(|_| format!("{id}-hint")),
                error.as_ref().map(|_| format!("{id}-error")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            FormField {
                name: field.path,
                id,
                described_by,
                label: i.t(&format!("field.{}", field.path)).to_owned(),
                widget,
                value,
                choices,
                required: field.required,
                hint: hint.map(str::to_owned),
                error,
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    page: &SignedIn,
    kind: RecordKind,
    fields: &'static [Field],
    values: &FormValues,
    errors: HashMap<String, String>,
    general_error: Option<String>,
    target: Option<(Uuid, u32)>,
) -> Response {
    let i = page.i;
    let references = match reference_choices(state, page, fields).await {
        Ok(references) => references,
        Err(error) => return page.error(error),
    };
    let (title, action, version, cancel) = match target {
        Some((id, version)) => (
            i.tf("form.edit_title", &[("kind", &kind_label(i, kind))]),
            format!("/records/{kind}/{id}/edit"),
            version,
            record_href(kind, id),
        ),
        None => (
            i.tf("form.new_title", &[("kind", &kind_label(i, kind))]),
            format!("/records/{kind}/new"),
            0,
            parent_href(values).unwrap_or_else(|| format!("/records/{kind}")),
        ),
    };
    // Errors of list items (`nationalities[0]`) belong to their field; errors of fields the
    // form does not show are said at the top.
    let mut by_field: HashMap<String, String> = HashMap::new();
    let mut general_error = general_error;
    for (path, message) in errors {
        let field = path.split('[').next().unwrap_or(&path).to_owned();
        if fields.iter().any(|known| known.path == field) {
            by_field
                .entry(field)
                .and_modify(|existing| {
                    existing.push_str("; ");
                    existing.push_str(&message);
                })
                .or_insert(message);
        } else {
            let line = format!("{path}: {message}");
            general_error = Some(match general_error {
                Some(previous) => format!("{previous}; {line}"),
                None => line,
            });
        }
    }
    let errors = by_field;
    let has_errors = !errors.is_empty() || general_error.is_some();
    let template = FormPage {
        i,
        c: page.chrome(nav_for(kind)),
        title,
        action,
        version,
        fields: build_fields(i, fields, values, &references, &errors),
        general_error,
        cancel,
    };
    let mut response = render(&template);
    if has_errors {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// `GET /records/{kind}/new`; query parameters fill fields in (`?person_id=…`).
pub async fn new_form(
    State(state): State<AppState>,
    page: SignedIn,
    KindPath(kind): KindPath,
    RawQuery(query): RawQuery,
) -> Response {
    let fields = match editable(page.i, kind) {
        Ok(fields) => fields,
        Err(error) => return error.into_response(),
    };
    let values = FormValues::parse(query.unwrap_or_default().as_bytes());
    form_page(
        &state,
        &page,
        kind,
        fields,
        &values,
        HashMap::new(),
        None,
        None,
    )
    .await
}

/// Turns a refused write into messages next to fields, or one for the whole form.
fn explain(
    i: I18n,
    error: AppError,
) -> Result<(HashMap<String, String>, Option<String>), AppError> {
    match error {
        AppError::Invalid(errors) => Ok((
            errors
                .errors
                .into_iter()
                .map(|error| (error.field, error.message))
                .collect(),
            None,
        )),
        AppError::Malformed { message, .. } => {
            // serde names a missing field as "missing field `name`".
            if let Some(name) = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                let mut errors = HashMap::new();
                errors.insert(name.to_owned(), i.t("form.required").to_owned());
                Ok((errors, None))
            } else {
                Ok((HashMap::new(), Some(message)))
            }
        }
        AppError::Conflict(conflict) => Ok((HashMap::new(), Some(conflict.to_string()))),
        other => Err(other),
    }
}

/// Reads a posted form into a record over `base`, checking the CSRF token.
fn read_post(
    page: &SignedIn,
    kind: RecordKind,
    fields: &[Field],
    values: &FormValues,
    base: Value,
) -> Result<Result<Record, HashMap<String, String>>, PageError> {
    if !csrf_ok(&page.session, values.one("csrf")) {
        return Err(PageError::csrf(page.i.lang));
    }
    match convert::apply(fields, values, base) {
        Ok(json) => match Record::from_json(kind, json) {
            Ok(record) => Ok(Ok(record)),
            Err(error) => {
                let (errors, general) = explain(
                    page.i,
                    AppError::Malformed {
                        kind,
                        message: error.to_string(),
                    },
                )
                .unwrap_or_default();
                let mut errors = errors;
                if let Some(general) = general {
                    errors.insert(String::new(), general);
                }
                Ok(Err(errors))
            }
        },
        Err(problems) => Ok(Err(problems
            .into_iter()
            .map(|(field, key)| (field, page.i.t(key).to_owned()))
            .collect())),
    }
}

fn split_general(mut errors: HashMap<String, String>) -> (HashMap<String, String>, Option<String>) {
    let general = errors.remove("");
    (errors, general)
}

/// `POST /records/{kind}/new`
pub async fn create(
    State(state): State<AppState>,
    page: SignedIn,
    KindPath(kind): KindPath,
    body: Bytes,
) -> Response {
    let fields = match editable(page.i, kind) {
        Ok(fields) => fields,
        Err(error) => return error.into_response(),
    };
    let values = FormValues::parse(&body);
    let record = match read_post(
        &page,
        kind,
        fields,
        &values,
        Value::Object(Default::default()),
    ) {
        Err(error) => return error.into_response(),
        Ok(Err(errors)) => {
            let (errors, general) = split_general(errors);
            return form_page(&state, &page, kind, fields, &values, errors, general, None).await;
        }
        Ok(Ok(record)) => record,
    };
    match state.app.create_record(page.actor(), record).await {
        Ok(created) => Redirect::to(&after_save_href(kind, created.id, &values)).into_response(),
        Err(error) => match explain(page.i, error) {
            Ok((errors, general)) => {
                form_page(&state, &page, kind, fields, &values, errors, general, None).await
            }
            Err(error) => page.error(error),
        },
    }
}

/// `GET /records/{kind}/{id}/edit`
pub async fn edit_form(
    State(state): State<AppState>,
    page: SignedIn,
    KindIdPath(kind, id): KindIdPath,
) -> Response {
    let fields = match editable(page.i, kind) {
        Ok(fields) => fields,
        Err(error) => return error.into_response(),
    };
    let current = match state.app.get_record(page.actor(), kind, id).await {
        Ok(current) => current,
        Err(error) => return page.error(error),
    };
    let json = current
        .record
        .as_ref()
        .map(Record::to_json)
        .unwrap_or_default();
    let values = convert::values_from_json(fields, &json);
    form_page(
        &state,
        &page,
        kind,
        fields,
        &values,
        HashMap::new(),
        None,
        Some((id, current.version)),
    )
    .await
}

/// `POST /records/{kind}/{id}/edit`: a new version, from the version the form was filled from.
pub async fn update(
    State(state): State<AppState>,
    page: SignedIn,
    KindIdPath(kind, id): KindIdPath,
    body: Bytes,
) -> Response {
    let fields = match editable(page.i, kind) {
        Ok(fields) => fields,
        Err(error) => return error.into_response(),
    };
    let values = FormValues::parse(&body);
    let version: u32 = values.one("version").parse().unwrap_or(0);
    // The previous content keeps the fields this form does not show. Read it with the same
    // rights: a reader who cannot see sensitive fields cannot overwrite them either.
    let current = match state.app.get_record(page.actor(), kind, id).await {
        Ok(current) => current,
        Err(error) => return page.error(error),
    };
    let base = current
        .record
        .as_ref()
        .map(Record::to_json)
        .unwrap_or_default();
    let record = match read_post(&page, kind, fields, &values, base) {
        Err(error) => return error.into_response(),
        Ok(Err(errors)) => {
            let (errors, general) = split_general(errors);
            return form_page(
                &state,
                &page,
                kind,
                fields,
                &values,
                errors,
                general,
                Some((id, version)),
            )
            .await;
        }
        Ok(Ok(record)) => record,
    };
    match state
        .app
        .update_record(page.actor(), id, version, record)
        .await
    {
        Ok(_) => Redirect::to(&after_save_href(kind, id, &values)).into_response(),
        Err(error) => match explain(page.i, error) {
            Ok((errors, general)) => {
                form_page(
                    &state,
                    &page,
                    kind,
                    fields,
                    &values,
                    errors,
                    general,
                    Some((id, version)),
                )
                .await
            }
            Err(error) => page.error(error),
        },
    }
}

struct Row {
    href: String,
    label: String,
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordsPage {
    i: I18n,
    c: Chrome,
    kind: String,
    title: String,
    rows: Vec<Row>,
    can_create: bool,
}

/// `GET /records/{kind}`: the records of a type.
pub async fn records_page(
    State(state): State<AppState>,
    page: SignedIn,
    KindPath(kind): KindPath,
) -> Response {
    let records = match state.app.list_records(page.actor(), kind).await {
        Ok(records) => records,
        Err(error) => return page.error(error),
    };
    let mut rows: Vec<Row> = records
        .iter()
        .map(|record| Row {
            href: record_href(kind, record.id),
            label: record_label(page.i, record),
        })
        .collect();
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    render(&RecordsPage {
        i: page.i,
        c: page.chrome(nav_for(kind)),
        kind: kind.to_string(),
        title: kind_label(page.i, kind),
        rows,
        can_create: form_fields(kind).is_some() && page.actor().may_write(),
    })
}

struct Shown {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    i: I18n,
    c: Chrome,
    kind: String,
    id: String,
    title: String,
    fields: Vec<Shown>,
    editable: bool,
    /// The record's own page, for kinds that have one.
    own_page: Option<String>,
}

fn display(i: I18n, field: &Field, value: &Value, labels: &HashMap<String, String>) -> String {
    let text = |value: &Value| -> String {
        match value {
            Value::String(text) => match field.input {
                Input::Term(id) | Input::Terms(id) => i.term(id, text),
                Input::Choice(_) | Input::Choices(_) => i.t(&format!("choice.{text}")).to_owned(),
                Input::Ref(_) | Input::Refs(_) => labels.get(text).cloned().unwrap_or(text.clone()),
                _ => text.clone(),
            },
            Value::Object(tagged) => {
                let id = tagged.get("id").and_then(Value::as_str).unwrap_or("");
                labels.get(id).cloned().unwrap_or_else(|| id.to_owned())
            }
            Value::Bool(true) => "✓".to_owned(),
            Value::Bool(false) => "—".to_owned(),
            other => other.to_string(),
        }
    };
    match value {
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => text(other),
    }
}

fn generic_fields(i: I18n, json: &Value) -> Vec<Shown> {
    let Some(map) = json.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(name, _)| name.as_str() != "sensitive")
        .filter_map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Null => return None,
                Value::Array(items) if items.is_empty() => return None,
                other => other.to_string(),
            };
            Some(Shown {
                label: i
                    .get(&format!("field.{name}"))
                    .map_or_else(|| name.clone(), str::to_owned),
                value: text,
            })
        })
        .collect()
}

/// `GET /records/{kind}/{id}`: a record of a type without a page of its own.
pub async fn record_page(
    State(state): State<AppState>,
    page: SignedIn,
    KindIdPath(kind, id): KindIdPath,
) -> Response {
    let current = match state.app.get_record(page.actor(), kind, id).await {
        Ok(current) => current,
        Err(error) => return page.error(error),
    };
    let fields = form_fields(kind).unwrap_or(&[]);
    let references = match reference_choices(&state, &page, fields).await {
        Ok(references) => references,
        Err(error) => return page.error(error),
    };
    let labels: HashMap<String, String> = references
        .values()
        .flatten()
        .map(|(id, label)| (id.to_string(), label.clone()))
        .collect();
    let json = current
        .record
        .as_ref()
        .map(Record::to_json)
        .unwrap_or_default();
    let mut shown: Vec<Shown> = fields
        .iter()
        .filter_map(|field| {
            let value = field
                .path
                .split('.')
                .try_fold(&json, |value, part| value.get(part))?;
            let text = display(page.i, field, value, &labels);
            (!text.is_empty()).then(|| Shown {
                label: page.i.t(&format!("field.{}", field.path)).to_owned(),
                value: text,
            })
        })
        .collect();
    if fields.is_empty() {
        // Types without a form (documents, suggestions, users): every top-level field as text.
        shown = generic_fields(page.i, &json);
    }
    render(&RecordPage {
        i: page.i,
        c: page.chrome(nav_for(kind)),
        kind: kind.to_string(),
        id: id.to_string(),
        title: format!(
            "{}: {}",
            kind_label(page.i, kind),
            record_label(page.i, &current)
        ),
        fields: shown,
        editable: form_fields(kind).is_some() && page.actor().may_write(),
        own_page: Some(record_href(kind, id)).filter(|href| !href.starts_with("/records/")),
    })
}

struct VersionRow {
    version: u32,
    when: String,
    who: String,
    what: String,
    changed: String,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    i: I18n,
    c: Chrome,
    title: String,
    back: String,
    versions: Vec<VersionRow>,
}

/// The top-level fields that differ between two versions.
fn changed_fields(i: I18n, before: Option<&VersionedRecord>, after: &VersionedRecord) -> String {
    let json = |version: Option<&VersionedRecord>| {
        version
            .and_then(|version| version.record.as_ref())
            .map(Record::to_json)
            .unwrap_or(Value::Null)
    };
    let (old, new) = (json(before), json(Some(after)));
    let empty = serde_json::Map::new();
    let old_map = old.as_object().unwrap_or(&empty);
    let new_map = new.as_object().unwrap_or(&empty);
    let mut names: Vec<&String> = old_map.keys().chain(new_map.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| old_map.get(*name) != new_map.get(*name))
        .map(|name| {
            i.get(&format!("field.{name}"))
                .map_or_else(|| name.clone(), str::to_owned)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /records/{kind}/{id}/history`: who changed what, when.
pub async fn history_page(
    State(state): State<AppState>,
    page: SignedIn,
    KindIdPath(kind, id): KindIdPath,
) -> Response {
    let history = match state.app.record_history(page.actor(), kind, id).await {
        Ok(history) => history,
        Err(error) => return page.error(error),
    };
    let i = page.i;
    let label = history
        .iter()
        .rev()
        .find(|version| version.record.is_some())
        .map(|version| record_label(i, version))
        .unwrap_or_default();
    let versions = history
        .iter()
        .enumerate()
        .rev()
        .map(|(index, version)| VersionRow {
            version: version.version,
            when: version.recorded_at.format(&Rfc3339).unwrap_or_default(),
            who: version.actor.clone(),
            what: i
                .t(match (index, version.record.is_some()) {
                    (_, false) => "history.deleted",
                    (0, true) => "history.created",
                    (_, true) => "history.changed",
                })
                .to_owned(),
            changed: if index == 0 {
                String::new()
            } else {
                changed_fields(i, history.get(index - 1), version)
            },
        })
        .collect();
    render(&HistoryPage {
        i,
        c: page.chrome(nav_for(kind)),
        title: format!(
            "{} — {}: {label}",
            i.t("history.title"),
            kind_label(i, kind)
        ),
        back: record_href(kind, id),
        versions,
    })
}

#[derive(Template)]
#[template(path = "record_kinds.html")]
struct KindsPage {
    i: I18n,
    c: Chrome,
    kinds: Vec<Row>,
}

/// `GET /records`: every record type, for the types without a section of their own.
pub async fn kinds_page(page: SignedIn) -> Response {
    let i = page.i;
    render(&KindsPage {
        i,
        c: page.chrome("records"),
        kinds: RecordKind::ALL
            .iter()
            .map(|kind| Row {
                href: format!("/records/{kind}"),
                label: kind_label(i, *kind),
            })
            .collect(),
    })
}
