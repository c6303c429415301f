//! Listing records a page at a time, with the filters the API offers: by case, by person, by
//! status and by nationality. Filters look only at fields every reader may see.

use amparo_model::{Record, RecordKind};
use amparo_store::ListOptions;
use uuid::Uuid;

use crate::records::decode_version;
use crate::{Actor, App, AppError, VersionedRecord};

/// Records per page when the caller does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The most records one page holds; larger requests get this many.
pub const MAX_PAGE_SIZE: u32 = 500;

/// A filter of [`RecordQuery`], named as the API's query parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    /// `case`: records that belong to a case (`case_ids` or `case_id`).
    Case,
    /// `person`: custody periods and acts of a person, testimonies given by one.
    Person,
    /// `status`: custody periods, hearings and cases in a status.
    Status,
    /// `nationality`: persons of a nationality.
    Nationality,
}

impl Filter {
    /// Every filter.
    pub const ALL: &'static [Filter] = &[
        Filter::Case,
        Filter::Person,
        Filter::Status,
        Filter::Nationality,
    ];

    /// The query parameter's name.
    pub fn name(self) -> &'static str {
        match self {
            Filter::Case => "case",
            Filter::Person => "person",
            Filter::Status => "status",
            Filter::Nationality => "nationality",
        }
    }

    /// Whether the filter applies to records of `kind`.
    pub fn applies_to(self, kind: RecordKind) -> bool {
        use RecordKind as K;
        match self {
            Filter::Case => matches!(
                kind,
                K::Person
                    | K::Event
                    | K::Testimony
                    | K::Capture
                    | K::Proceeding
                    | K::Deadline
                    | K::Grant
            ),
            Filter::Person => matches!(kind, K::CustodyPeriod | K::Act | K::Testimony),
            Filter::Status => matches!(kind, K::CustodyPeriod | K::Hearing | K::Case),
            Filter::Nationality => kind == K::Person,
        }
    }
}

/// The filters that apply to records of `kind`.
pub fn filters_for(kind: RecordKind) -> Vec<Filter> {
    Filter::ALL
        .iter()
        .copied()
        .filter(|filter| filter.applies_to(kind))
        .collect()
}

/// Which page of which records [`App::query_records`] returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordQuery {
    /// Records per page: [`DEFAULT_PAGE_SIZE`] when `None`, at most [`MAX_PAGE_SIZE`].
    pub limit: Option<u32>,
    /// Only records whose id comes after this one: the `next` of the previous page.
    pub after: Option<Uuid>,
    /// Only records of this case.
    pub case: Option<Uuid>,
    /// Only records about this person.
    pub person: Option<Uuid>,
    /// Only records in this status (a vocabulary term or a status name, in kebab-case).
    pub status: Option<String>,
    /// Only persons with this nationality (an ISO 3166 code, any case).
    pub nationality: Option<String>,
}

impl RecordQuery {
    fn given(&self) -> impl Iterator<Item = Filter> + '_ {
        Filter::ALL.iter().copied().filter(|filter| match filter {
            Filter::Case => self.case.is_some(),
            Filter::Person => self.person.is_some(),
            Filter::Status => self.status.is_some(),
            Filter::Nationality => self.nationality.is_some(),
        })
    }

    /// Whether a record passes every filter given.
    fn matches(&self, record: &Record) -> bool {
        let case_ok = self
            .case
            .is_none_or(|case| case_ids(record).contains(&case));
        let person_ok = self
            .person
            .is_none_or(|person| person_of(record) == Some(person));
        let status_ok = self
            .status
            .as_deref()
            .is_none_or(|status| status_of(record).as_deref() == Some(status));
        let nationality_ok = self.nationality.as_deref().is_none_or(|wanted| {
            matches!(record, Record::Person(person)
                if person.nationalities.iter().any(|n| n.eq_ignore_ascii_case(wanted)))
        });
        case_ok && person_ok && status_ok && nationality_ok
    }
}

fn case_ids(record: &Record) -> Vec<Uuid> {
    match record {
        Record::Person(r) => r.case_ids.iter().map(|id| id.0).collect(),
        Record::Event(r) => r.case_ids.iter().map(|id| id.0).collect(),
        Record::Testimony(r) => r.case_ids.iter().map(|id| id.0).collect(),
        Record::Capture(r) => r.case_ids.iter().map(|id| id.0).collect(),
        Record::Proceeding(r) => vec![r.case_id.0],
        Record::Deadline(r) => r.case_id.iter().map(|id| id.0).collect(),
        Record::Grant(r) => vec![r.case_id.0],
        _ => Vec::new(),
    }
}

fn person_of(record: &Record) -> Option<Uuid> {
    match record {
        Record::CustodyPeriod(r) => Some(r.person_id.0),
        Record::Act(r) => Some(r.victim_id.0),
        Record::Testimony(r) => Some(r.giver_id.0),
        _ => None,
    }
}

fn status_of(record: &Record) -> Option<String> {
    let name = |status: serde_json::Result<serde_json::Value>| {
        status
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
    };
    match record {
        Record::CustodyPeriod(r) => Some(r.status.clone()),
        Record::Hearing(r) => name(serde_json::to_value(r.status)),
        Record::Case(r) => name(serde_json::to_value(r.status)),
        _ => None,
    }
}

/// One page of records and where the next one starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The records, ordered by id (which is creation order).
    pub items: Vec<VersionedRecord>,
    /// The id to pass as `after` for the next page; `None` on the last page.
    pub next: Option<Uuid>,
}

impl App {
    /// One page of the current records of `kind` that pass the query's filters, as the actor
    /// may see them. A filter that does not apply to `kind`, or a limit of 0, is refused.
    pub async fn query_records(
        &self,
        actor: &Actor,
        kind: RecordKind,
        query: &RecordQuery,
    ) -> Result<Page, AppError> {
        if let Some(filter) = query.given().find(|filter| !filter.applies_to(kind)) {
            let usable: Vec<&str> = filters_for(kind).iter().map(|f| f.name()).collect();
            return Err(AppError::InvalidQuery {
                parameter: filter.name().to_owned(),
                message: format!(
                    "{kind} records cannot be filtered by {}; filters for {kind}: {}",
                    filter.name(),
                    if usable.is_empty() {
                        "none".to_owned()
                    } else {
                        usable.join(", ")
                    }
                ),
            });
        }
        let limit = match query.limit {
            Some(0) => {
                return Err(AppError::InvalidQuery {
                    parameter: "limit".to_owned(),
                    message: format!("must be between 1 and {MAX_PAGE_SIZE}"),
                });
            }
            Some(limit) => limit.min(MAX_PAGE_SIZE),
            None => DEFAULT_PAGE_SIZE,
        };
        let wanted = limit as usize + 1;
        if query.given().next().is_some() || !self.access(actor).await?.is_admin() {
            // Filtered, or access-filtered: from the in-memory view of current records (the
            // one the pages read), where skipping records costs no decryption or parsing.
            let page = self
                .page_records(
                    actor,
                    kind,
                    |version| {
                        version
                            .record
                            .as_ref()
                            .is_some_and(|record| query.matches(record))
                    },
                    query.after,
                    limit as usize,
                )
                .await?;
            return Ok(Page {
                items: page.items,
                next: page.next,
            });
        }
        // An administrator's unfiltered page: one read gives it and tells whether another
        // follows, without building the view.
        let options = ListOptions {
            include_deleted: false,
            after_id: query.after,
            limit: Some(limit + 1),
        };
        let mut items = Vec::with_capacity(wanted);
        for version in self.store.list(kind, &options).await? {
            items.push(decode_version(version)?);
        }
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|version| version.id)
        } else {
            None
        };
        self.audit_sensitive_reads(actor, &items).await?;
        Ok(Page { items, next })
    }
}
