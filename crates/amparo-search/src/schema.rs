//! The two schemas (the on-disk index of non-sensitive fields and the in-memory index of
//! sensitive ones) and how a [`SearchDoc`] becomes a tantivy document in each.

use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, TantivyDocument};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::analysis;

/// A record as search sees it. The app builds one per record version it indexes; every field
/// except `sensitive` goes to the on-disk index.
#[derive(Clone, Debug, Default)]
pub struct SearchDoc {
    /// The record's id.
    pub id: Uuid,
    /// The record kind's code (`person`, `event`, `document`…).
    pub kind: String,
    /// The cases the record belongs to (access.rs's table); none for shared records.
    pub case_ids: Vec<Uuid>,
    /// Whether the record is shared (organizations and places: every signed-in user reads them).
    pub shared: bool,
    /// The language code of the text (`en`, `es`…), if known.
    pub language: Option<String>,
    /// Violation type codes.
    pub violations: Vec<String>,
    /// Custody status codes (a person's current status, a custody period's status).
    pub custody_statuses: Vec<String>,
    /// Places the record is about or happened at.
    pub place_ids: Vec<Uuid>,
    /// The record's date (an event's start, a document's publication…); its year is a facet.
    pub date: Option<OffsetDateTime>,
    /// The title shown in results (a pseudonym code for a person, never a real name).
    pub title: String,
    /// The non-sensitive text.
    pub text: String,
    /// Non-sensitive names and their variants (pseudonym codes, place and organization names in
    /// English and Spanish, acronyms).
    pub names: Vec<String>,
    /// Sensitive fields, indexed only in memory; `None` when the record has none.
    pub sensitive: Option<SensitiveText>,
}

/// The sensitive fields of a record (a person's real names, aliases, identifiers, a
/// testimony's confidential text), searchable only by those holding `sensitive` on its cases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SensitiveText {
    /// Real names and aliases.
    pub names: Vec<String>,
    /// Other sensitive text.
    pub text: String,
}

/// The fields of the on-disk index.
#[derive(Clone, Debug)]
pub(crate) struct MainFields {
    pub id: Field,
    pub kind: Field,
    pub case: Field,
    pub shared: Field,
    pub language: Field,
    pub violation: Field,
    pub custody: Field,
    pub place: Field,
    pub year: Field,
    pub date: Field,
    pub title: Field,
    pub body: Field,
    pub text: Field,
    pub names: Field,
    pub name_prefixes: Field,
}

/// The fields of the in-memory sensitive index.
#[derive(Clone, Debug)]
pub(crate) struct SensitiveFields {
    pub id: Field,
    pub case: Field,
    pub body: Field,
    pub text: Field,
    pub names: Field,
    pub name_prefixes: Field,
}

/// Field names, shared by both schemas where both have the field.
pub(crate) mod name {
    pub const ID: &str = "id";
    pub const KIND: &str = "kind";
    pub const CASE: &str = "case";
    pub const SHARED: &str = "shared";
    pub const LANGUAGE: &str = "language";
    pub const VIOLATION: &str = "violation";
    pub const CUSTODY: &str = "custody";
    pub const PLACE: &str = "place";
    pub const YEAR: &str = "year";
    pub const DATE: &str = "date";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const TEXT: &str = "text";
    pub const NAMES: &str = "names";
    pub const NAME_PREFIXES: &str = "name_prefixes";
}

/// The value the `shared` field holds on shared records.
pub(crate) const SHARED_TERM: &str = "1";

fn text(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// Adds the three searchable text fields both schemas have.
fn add_text_fields(builder: &mut tantivy::schema::SchemaBuilder) -> (Field, Field, Field) {
    let positions = IndexRecordOption::WithFreqsAndPositions;
    (
        builder.add_text_field(name::TEXT, text(analysis::TEXT, positions)),
        builder.add_text_field(name::NAMES, text(analysis::NAMES, positions)),
        builder.add_text_field(
            name::NAME_PREFIXES,
            text(analysis::NAME_PREFIXES, IndexRecordOption::Basic),
        ),
    )
}

/// The on-disk schema: filters and facets are raw strings, indexed (for filters and the access
/// bitsets) and fast (for facet counts); title and body are only stored (for results and
/// snippets), their words indexed through `text`.
pub(crate) fn main_schema() -> (Schema, MainFields) {
    let mut builder = Schema::builder();
    let keyword = STRING | tantivy::schema::FAST;
    let id = builder.add_text_field(name::ID, STRING | STORED);
    let kind = builder.add_text_field(name::KIND, keyword.clone() | STORED);
    let case = builder.add_text_field(name::CASE, keyword.clone());
    let shared = builder.add_text_field(name::SHARED, STRING);
    let language = builder.add_text_field(name::LANGUAGE, keyword.clone());
    let violation = builder.add_text_field(name::VIOLATION, keyword.clone());
    let custody = builder.add_text_field(name::CUSTODY, keyword.clone());
    let place = builder.add_text_field(name::PLACE, keyword.clone());
    let year = builder.add_text_field(name::YEAR, keyword);
    let date = builder.add_date_field(
        name::DATE,
        DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_stored()
            .set_precision(DateTimePrecision::Seconds),
    );
    let title = builder.add_text_field(name::TITLE, STORED);
    let body = builder.add_text_field(name::BODY, STORED);
    let (text, names, name_prefixes) = add_text_fields(&mut builder);
    let fields = MainFields {
        id,
        kind,
        case,
        shared,
        language,
        violation,
        custody,
        place,
        year,
        date,
        title,
        body,
        text,
        names,
        name_prefixes,
    };
    (builder.build(), fields)
}

/// The in-memory schema of sensitive fields.
pub(crate) fn sensitive_schema() -> (Schema, SensitiveFields) {
    let mut builder = Schema::builder();
    let id = builder.add_text_field(name::ID, STRING | STORED);
    let case = builder.add_text_field(name::CASE, STRING);
    let body = builder.add_text_field(name::BODY, STORED);
    let (text, names, name_prefixes) = add_text_fields(&mut builder);
    let fields = SensitiveFields {
        id,
        case,
        body,
        text,
        names,
        name_prefixes,
    };
    (builder.build(), fields)
}

/// A uuid as the term Amparo indexes it (lowercase, hyphenated).
pub(crate) fn uuid_term(id: Uuid) -> String {
    id.hyphenated().to_string()
}

/// The text indexed for the title and body: one field for both, which halves query time
/// against a field each (DESIGN.md, "Budgets").
fn title_and_body(title: &str, body: &str) -> String {
    let mut joined = String::with_capacity(title.len() + body.len() + 1);
    joined.push_str(title);
    joined.push('\n');
    joined.push_str(body);
    joined
}

/// The on-disk document of `doc`: everything but its sensitive fields.
pub(crate) fn main_document(fields: &MainFields, doc: &SearchDoc) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_text(fields.id, uuid_term(doc.id));
    out.add_text(fields.kind, &doc.kind);
    for case in &doc.case_ids {
        out.add_text(fields.case, uuid_term(*case));
    }
    if doc.shared {
        out.add_text(fields.shared, SHARED_TERM);
    }
    if let Some(language) = &doc.language {
        out.add_text(fields.language, language);
    }
    for violation in &doc.violations {
        out.add_text(fields.violation, violation);
    }
    for status in &doc.custody_statuses {
        out.add_text(fields.custody, status);
    }
    for place in &doc.place_ids {
        out.add_text(fields.place, uuid_term(*place));
    }
    if let Some(date) = doc.date {
        out.add_text(fields.year, date.year().to_string());
        out.add_date(fields.date, DateTime::from_utc(date));
    }
    out.add_text(fields.title, &doc.title);
    out.add_text(fields.body, &doc.text);
    out.add_text(fields.text, title_and_body(&doc.title, &doc.text));
    for name in &doc.names {
        out.add_text(fields.names, name);
        out.add_text(fields.name_prefixes, name);
    }
    out
}

/// The in-memory document of `doc`'s sensitive fields, if it has any.
pub(crate) fn sensitive_document(
    fields: &SensitiveFields,
    doc: &SearchDoc,
) -> Option<TantivyDocument> {
    let sensitive = doc.sensitive.as_ref()?;
    if sensitive.names.is_empty() && sensitive.text.trim().is_empty() {
        return None;
    }
    let mut out = TantivyDocument::default();
    out.add_text(fields.id, uuid_term(doc.id));
    for case in &doc.case_ids {
        out.add_text(fields.case, uuid_term(*case));
    }
    let shown = title_and_body(&sensitive.names.join("; "), &sensitive.text);
    out.add_text(fields.body, &shown);
    out.add_text(fields.text, &sensitive.text);
    for name in &sensitive.names {
        out.add_text(fields.names, name);
        out.add_text(fields.name_prefixes, name);
    }
    Some(out)
}
