//! Amparo's domain model: record types, identifiers, dates with precision, vocabularies and
//! validation.
//!
//! This crate is pure: it never touches disk, network or clock. Every record type implements
//! [`RecordBody`]; [`Record`] is the closed set of all of them, and [`RecordKind`] names one.

mod date;
mod ids;
mod kind;
pub mod records;
mod validate;
pub mod vocab;

pub use date::{DatePeriod, DatePrecision, FuzzyDate, FuzzyDateError};
pub use ids::*;
pub use kind::{Record, RecordBody, RecordKind, Reference, UnknownRecordKind};
pub use validate::{FieldError, ValidationErrors};

use serde::{Deserialize, Serialize};

/// The languages Amparo's interface and vocabularies are written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }
}
