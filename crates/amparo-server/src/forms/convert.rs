//! Between a form's fields and a record's JSON: reading what was posted into the record (over
//! its previous content, so that fields the form does not show are kept), and the other way to
//! fill a form in.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::spec::{Field, Input};

/// The posted fields: a name may come several times (multiple selections).
#[derive(Clone, Debug, Default)]
pub struct FormValues(HashMap<String, Vec<String>>);

impl FormValues {
    /// Parses an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Self {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(body) {
            values
                .entry(name.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        Self(values)
    }

    /// Values given from a query string (to fill a new form in).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut values: HashMap<String, Vec<String>> = HashMap::new();
        for (name, value) in pairs {
            values.entry(name).or_default().push(value);
        }
        Self(values)
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }

    /// The first value of `name`, trimmed, or "".
    pub fn one(&self, name: &str) -> &str {
        self.all(name).first().map_or("", |value| value.trim())
    }
}

fn set_path(target: &mut Value, path: &str, value: Option<Value>) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut object = target;
    for part in parts {
        if !object.is_object() {
            *object = Value::Object(Map::new());
        }
        let Value::Object(map) = object else { return };
        object = map
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !object.is_object() {
        *object = Value::Object(Map::new());
    }
    if let Value::Object(map) = object {
        match value {
            Some(value) => {
                map.insert(last.to_owned(), value);
            }
            None => {
                map.remove(last);
            }
        }
    }
}

fn get_path<'a>(source: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(source, |value, part| value.get(part))
}

/// Drops objects left empty by the form (an untouched `sensitive` or `period`).
fn prune_empty(value: &mut Value) {
    if let Value::Object(map) = value {
        for child in map.values_mut() {
            prune_empty(child);
        }
        map.retain(|_, child| !matches!(child, Value::Object(inner) if inner.is_empty()));
    }
}

/// Reads the posted `values` of `fields` over `base` (the record's previous JSON, or `{}`).
/// Returns the new JSON, or the fields whose text could not be read, with a catalogue key.
pub fn apply(
    fields: &[Field],
    values: &FormValues,
    mut base: Value,
) -> Result<Value, Vec<(String, &'static str)>> {
    let mut problems = Vec::new();
    for field in fields {
        let name = field.path;
        let text = values.one(name);
        let list = || -> Vec<Value> {
            values
                .all(name)
                .iter()
                .map(|value| value.trim())
                .filter(|value| !value.is_empty())
                .map(|value| Value::String(value.to_owned()))
                .collect()
        };
        let value = match field.input {
            Input::Text | Input::TextArea | Input::Term(_) | Input::Choice(_) => {
                // An empty optional field is left out (an `Option` becomes `None`); an empty
                // required one is kept, so that validation says it is required.
                (!text.is_empty() || field.required).then(|| Value::String(text.to_owned()))
            }
            Input::Date | Input::DateTime | Input::Ref(_) => {
                (!text.is_empty()).then(|| Value::String(text.to_owned()))
            }
            Input::Number => match text {
                "" => None,
                text => match text.parse::<u64>() {
                    Ok(number) => Some(Value::from(number)),
                    Err(_) => {
                        problems.push((name.to_owned(), "form.not_a_number"));
                        continue;
                    }
                },
            },
            Input::Decimal => match text {
                "" => None,
                text => match text.replace(',', ".").parse::<f64>() {
                    Ok(number) if number.is_finite() => Some(Value::from(number)),
                    _ => {
                        problems.push((name.to_owned(), "form.not_a_number"));
                        continue;
                    }
                },
            },
            Input::Checkbox => Some(Value::Bool(matches!(text, "on" | "true" | "1"))),
            Input::Terms(_) | Input::Refs(_) | Input::Choices(_) => Some(Value::Array(list())),
            Input::Countries => Some(Value::Array(
                text.split([',', ' ', ';'])
                    .map(str::trim)
                    .filter(|code| !code.is_empty())
                    .map(|code| Value::String(code.to_uppercase()))
                    .collect(),
            )),
            Input::Lines => Some(Value::Array(
                values
                    .all(name)
                    .iter()
                    .flat_map(|value| value.lines())
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(|line| Value::String(line.to_owned()))
                    .collect(),
            )),
            Input::TaggedRef(_) => match text.split_once(':') {
                Some((kind, id)) => {
                    let mut tagged = Map::new();
                    tagged.insert("kind".to_owned(), Value::String(kind.to_owned()));
                    tagged.insert("id".to_owned(), Value::String(id.to_owned()));
                    Some(Value::Object(tagged))
                }
                None => None,
            },
        };
        set_path(&mut base, name, value);
    }
    prune_empty(&mut base);
    if problems.is_empty() {
        Ok(base)
    } else {
        Err(problems)
    }
}

/// The form's values for a record's JSON, to fill an edit form in.
pub fn values_from_json(fields: &[Field], record: &Value) -> FormValues {
    let mut pairs = Vec::new();
    for field in fields {
        let Some(value) = get_path(record, field.path) else {
            continue;
        };
        let name = field.path.to_owned();
        match (field.input, value) {
            (Input::TaggedRef(_), Value::Object(tagged)) => {
                let kind = tagged.get("kind").and_then(Value::as_str).unwrap_or("");
                let id = tagged.get("id").and_then(Value::as_str).unwrap_or("");
                pairs.push((name, format!("{kind}:{id}")));
            }
            (Input::Countries, Value::Array(items)) => {
                let codes: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                pairs.push((name, codes.join(", ")));
            }
            (Input::Lines, Value::Array(items)) => {
                let lines: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                pairs.push((name, lines.join("\n")));
            }
            (_, Value::Array(items)) => {
                for item in items {
                    if let Some(text) = item.as_str() {
                        pairs.push((name.clone(), text.to_owned()));
                    }
                }
            }
            (_, Value::Bool(true)) => pairs.push((name, "on".to_owned())),
            (_, Value::Bool(false)) => {}
            (_, Value::String(text)) => pairs.push((name, text.clone())),
            (_, Value::Number(number)) => pairs.push((name, number.to_string())),
            _ => {}
        }
    }
    FormValues::from_pairs(pairs)
}

#[cfg(test)]
mod tests {
    use amparo_model::RecordKind;
    use serde_json::json;

    use super::*;
    use crate::forms::spec::form_fields;

    #[test]
    fn a_custody_period_form_becomes_its_json() {
        let fields = form_fields(RecordKind::CustodyPeriod).unwrap();
        let values = FormValues::parse(
            b"person_id=0193b2c4-7d1e-7c3a-9f00-000000000001&status=held-in-third-country\
              &period.start=2025-03-16&period.end=&place_id=&notes=Seen+at+CECOT",
        );
        let record = apply(fields, &values, json!({})).unwrap();
        assert_eq!(
            record,
            json!({
                "person_id": "0193b2c4-7d1e-7c3a-9f00-000000000001",
                "status": "held-in-third-country",
                "period": {"start": "2025-03-16"},
                "notes": "Seen at CECOT"
            })
        );
        let again = values_from_json(fields, &record);
        assert_eq!(again.one("period.start"), "2025-03-16");
        assert_eq!(apply(fields, &again, json!({})).unwrap(), record);
    }

    #[test]
    fn fields_the_form_does_not_show_are_kept() {
        let fields = form_fields(RecordKind::Person).unwrap();
        let base = json!({
            "pseudonym": "P-0001",
            "sensitive": {"full_name": "A", "identifiers": [{"kind": "passport", "value": "X1"}]}
        });
        let values = FormValues::parse(
            b"pseudonym=P-0001&nationalities=ve,+sv&roles=victim&roles=witness&sensitive.full_name=B",
        );
        let record = apply(fields, &values, base).unwrap();
        assert_eq!(record["sensitive"]["identifiers"][0]["value"], "X1");
        assert_eq!(record["sensitive"]["full_name"], "B");
        assert_eq!(record["nationalities"], json!(["VE", "SV"]));
        assert_eq!(record["roles"], json!(["victim", "witness"]));
        assert_eq!(record["is_group"], json!(false));
    }

    #[test]
    fn unreadable_numbers_are_reported_by_field() {
        let fields = form_fields(RecordKind::Person).unwrap();
        let values = FormValues::parse(b"pseudonym=&group_size=three");
        let problems = apply(fields, &values, json!({})).unwrap_err();
        assert_eq!(
            problems,
            vec![("group_size".to_owned(), "form.not_a_number")]
        );
    }

    #[test]
    fn tagged_references_round_trip() {
        let fields = form_fields(RecordKind::Involvement).unwrap();
        let values = FormValues::parse(
            b"act_id=0193b2c4-7d1e-7c3a-9f00-000000000001&perpetrator=organization:0193b2c4-7d1e-7c3a-9f00-000000000002&degree=direct-perpetrator",
        );
        let record = apply(fields, &values, json!({})).unwrap();
        assert_eq!(record["perpetrator"]["kind"], "organization");
        assert_eq!(
            values_from_json(fields, &record).one("perpetrator"),
            "organization:0193b2c4-7d1e-7c3a-9f00-000000000002"
        );
    }
}
