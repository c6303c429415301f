//! The record types of Amparo's data model, after the HURIDOCS Events Standard Formats, extended
//! for migration, custody and litigation.

mod access;
mod custody;
mod events;
mod evidence;
mod legal;
mod people;

pub use access::*;
pub use custody::*;
pub use events::*;
pub use evidence::*;
pub use legal::*;
pub use people::*;

use serde::{Deserialize, Serialize};

use crate::{Reference, ValidationErrors};

/// What each record type implements; [`crate::RecordBody`] is derived from it.
pub(crate) trait Fields {
    /// Adds a [`crate::FieldError`] for every field that is wrong.
    fn check(&self, errors: &mut ValidationErrors);
    /// The records this one links to.
    fn links(&self) -> Vec<Reference> {
        Vec::new()
    }
    /// A short label that reveals nothing sensitive.
    fn short_label(&self) -> String;
    /// Removes sensitive fields.
    fn remove_sensitive(&mut self) {}
}

/// Who may see a record beyond the case team.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidentiality {
    /// May appear in public reports.
    Public,
    /// Visible to those with access to the case (the default).
    #[default]
    Internal,
    /// Visible only to those holding the `sensitive` right on the case.
    Restricted,
}

/// Longest title or name accepted, in characters.
pub(crate) const SHORT_TEXT: usize = 300;
/// Longest description or note accepted, in characters.
pub(crate) const LONG_TEXT: usize = 100_000;

/// Adds one reference per id in `ids`, named `field[index]`.
pub(crate) fn link_all<T: Copy + Into<uuid::Uuid>>(
    links: &mut Vec<Reference>,
    field: &str,
    kind: crate::RecordKind,
    ids: &[T],
) {
    for (index, id) in ids.iter().enumerate() {
        links.push(Reference::new(format!("{field}[{index}]"), kind, *id));
    }
}

/// Refuses a list that names the same id twice.
pub(crate) fn no_repeats<T: PartialEq + std::fmt::Display>(
    errors: &mut ValidationErrors,
    field: &str,
    ids: &[T],
) {
    for (index, id) in ids.iter().enumerate() {
        if ids[..index].contains(id) {
            errors.push(format!("{field}[{index}]"), format!("{id} is listed twice"));
        }
    }
}
