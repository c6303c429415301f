//! The closed set of record kinds, the [`RecordBody`] trait they share, and [`Record`], a value of
//! any kind.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ValidationErrors;
use crate::records::*;

/// A link from one record to another, which the application checks exists before writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The field holding the link (`proceeding_id`, `person_ids[2]`).
    pub field: String,
    /// The kind of record it must point to.
    pub kind: RecordKind,
    /// The id it points to.
    pub id: Uuid,
}

impl Reference {
    /// A reference from `field` to the record `id` of `kind`.
    pub fn new(field: impl Into<String>, kind: RecordKind, id: impl Into<Uuid>) -> Self {
        Self {
            field: field.into(),
            kind,
            id: id.into(),
        }
    }
}

/// What every record type provides.
pub trait RecordBody:
    Serialize + DeserializeOwned + Clone + fmt::Debug + PartialEq + Send + Sync + 'static
{
    /// The kind of this record type.
    const KIND: RecordKind;

    /// Checks every field; the errors name the field at fault.
    fn validate(&self) -> Result<(), ValidationErrors>;

    /// The records this one links to.
    fn references(&self) -> Vec<Reference> {
        Vec::new()
    }

    /// A short human label that reveals nothing sensitive (a pseudonym code, a title).
    fn label(&self) -> String;

    /// Removes the sensitive fields, for a reader who may not see them.
    fn strip_sensitive(&mut self) {}

    /// Wraps this value as a [`Record`].
    fn into_record(self) -> Record;
}

/// The kebab-case name was not one of the record kinds.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a record type; use one of: {list}", list = RecordKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "))]
pub struct UnknownRecordKind(pub String);

macro_rules! record_kinds {
    ($($variant:ident($ty:ident) = $name:literal;)*) => {
        /// Names one record type; its kebab-case form is used in storage, the CLI and the API.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum RecordKind {
            $(
                #[doc = concat!("A [`", stringify!($ty), "`].")]
                $variant,
            )*
        }

        impl RecordKind {
            /// Every record kind, in a stable order.
            pub const ALL: &'static [RecordKind] = &[$(RecordKind::$variant,)*];

            /// The kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RecordKind::$variant => $name,)*
                }
            }
        }

        impl FromStr for RecordKind {
            type Err = UnknownRecordKind;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($name => Ok(RecordKind::$variant),)*
                    other => Err(UnknownRecordKind(other.to_owned())),
                }
            }
        }

        /// A record of any kind.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Record {
            $(
                #[doc = concat!("A [`", stringify!($ty), "`].")]
                $variant($ty),
            )*
        }

        impl Record {
            /// The kind of this record.
            pub fn kind(&self) -> RecordKind {
                match self {
                    $(Record::$variant(_) => RecordKind::$variant,)*
                }
            }

            /// Reads a record of `kind` from its JSON form; unknown fields are refused.
            pub fn from_json(kind: RecordKind, value: serde_json::Value) -> Result<Self, serde_json::Error> {
                Ok(match kind {
                    $(RecordKind::$variant => Record::$variant(serde_json::from_value(value)?),)*
                })
            }

            /// The JSON form of the record.
            pub fn to_json(&self) -> serde_json::Value {
                let result = match self {
                    $(Record::$variant(body) => serde_json::to_value(body),)*
                };
                // Serializing plain data structs with string keys cannot fail.
                result.unwrap_or(serde_json::Value::Null)
            }

            /// Checks every field.
            pub fn validate(&self) -> Result<(), ValidationErrors> {
                match self {
                    $(Record::$variant(body) => body.validate(),)*
                }
            }

            /// The records this one links to.
            pub fn references(&self) -> Vec<Reference> {
                match self {
                    $(Record::$variant(body) => body.references(),)*
                }
            }

            /// A short label that reveals nothing sensitive.
            pub fn label(&self) -> String {
                match self {
                    $(Record::$variant(body) => body.label(),)*
                }
            }

            /// Removes the sensitive fields.
            pub fn strip_sensitive(&mut self) {
                match self {
                    $(Record::$variant(body) => body.strip_sensitive(),)*
                }
            }
        }

        $(
            impl RecordBody for $ty {
                const KIND: RecordKind = RecordKind::$variant;
                fn validate(&self) -> Result<(), ValidationErrors> {
                    let mut errors = ValidationErrors::new($name);
                    self.check(&mut errors);
                    errors.into_result()
                }
                fn references(&self) -> Vec<Reference> {
                    self.links()
                }
                fn label(&self) -> String {
                    self.short_label()
                }
                fn strip_sensitive(&mut self) {
                    self.remove_sensitive();
                }
                fn into_record(self) -> Record {
                    Record::$variant(self)
                }
            }
        )*
    };
}

record_kinds! {
    Person(Person) = "person";
    Organization(Organization) = "organization";
    Place(Place) = "place";
    Event(Event) = "event";
    Act(Act) = "act";
    Involvement(Involvement) = "involvement";
    Information(Information) = "information";
    Testimony(Testimony) = "testimony";
    CustodyPeriod(CustodyPeriod) = "custody-period";
    Case(Case) = "case";
    Proceeding(Proceeding) = "proceeding";
    DocketEntry(DocketEntry) = "docket-entry";
    Hearing(Hearing) = "hearing";
    Deadline(Deadline) = "deadline";
    Capture(Capture) = "capture";
    Document(Document) = "document";
    Suggestion(Suggestion) = "suggestion";
    User(User) = "user";
    Team(Team) = "team";
    Grant(Grant) = "grant";
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
