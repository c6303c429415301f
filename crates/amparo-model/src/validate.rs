//! Validation results that name the field at fault, so a form can show the message next to it
//! and a CLI user knows what to change.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::vocab::{VocabularyId, vocabulary};

/// One problem with one field of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's path inside the record, e.g. `period.end` or `sensitive.identifiers[0].value`.
    pub field: String,
    /// What is wrong, in words a documenter understands.
    pub message: String,
}

/// Every problem found in one record. Never empty when returned as an error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationErrors {
    /// The record kind, for messages (`custody-period`).
    pub kind: String,
    /// The problems, in field order.
    pub errors: Vec<FieldError>,
}

impl ValidationErrors {
    pub(crate) fn new(kind: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            errors: Vec::new(),
        }
    }

    /// Records a problem with `field`.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// The message for `field`, if it has one.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }

    pub(crate) fn into_result(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Requires a non-blank text of at most `max` characters.
    pub(crate) fn required_text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(field, "is required");
        } else {
            self.max_len(field, value, max);
        }
    }

    /// Limits a text to `max` characters.
    pub(crate) fn max_len(&mut self, field: &str, value: &str, max: usize) {
        let length = value.chars().count();
        if length > max {
            self.push(
                field,
                format!("is {length} characters long; at most {max} are allowed"),
            );
        }
    }

    /// Requires `value` to be a term of `vocabulary_id`.
    pub(crate) fn term(&mut self, field: &str, vocabulary_id: VocabularyId, value: &str) {
        let vocab = vocabulary(vocabulary_id);
        match vocab.term(value) {
            Some(_) => {}
            None if value.trim().is_empty() => self.push(
                field,
                format!("is required: choose a term of {vocabulary_id}"),
            ),
            None => self.push(
                field,
                format!("{value:?} is not a term of the {vocabulary_id} vocabulary"),
            ),
        }
    }

    /// Requires every value to be a term of `vocabulary_id`, without repeats.
    pub(crate) fn terms(&mut self, field: &str, vocabulary_id: VocabularyId, values: &[String]) {
        for (index, value) in values.iter().enumerate() {
            self.term(&format!("{field}[{index}]"), vocabulary_id, value);
            if values[..index].contains(value) {
                self.push(
                    format!("{field}[{index}]"),
                    format!("{value:?} is listed twice"),
                );
            }
        }
    }

    /// Requires an ISO 3166-1 alpha-2 country code (two capital letters).
    pub(crate) fn country(&mut self, field: &str, value: &str) {
        if !(value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase())) {
            self.push(
                field,
                format!(
                    "{value:?} is not a country code: use two capital letters such as VE or SV"
                ),
            );
        }
    }

    /// Requires a BCP 47 primary language subtag (two or three lowercase letters).
    pub(crate) fn language(&mut self, field: &str, value: &str) {
        let ok = (2..=3).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_lowercase());
        if !ok {
            self.push(
                field,
                format!("{value:?} is not a language code: use a code such as en or es"),
            );
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: ", self.kind)?;
        for (index, error) in self.errors.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{} {}", error.field, error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}
