//! Query strings whose keys may repeat (`kind=event&kind=person`), read into a serde type.
//!
//! axum's `Query` keeps one value per key, which multi-valued filters cannot use. Here a key
//! given several times fills a list field with every value, in order; a field that takes one
//! value refuses a key given twice; an empty value is kept as given (an empty date box of a form
//! is `Some("")`, for the type to read as it sees fit). An unknown key, a key given twice, or a value of the wrong type is
//! [`AppError::InvalidQuery`] naming the parameter, so the page and the API can say which one is
//! wrong.

use std::fmt;

use amparo_app::AppError;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};

/// Longest parameter name quoted back in a message, in characters.
const MAX_NAME_CHARS: usize = 64;

/// Reads a query string (without the `?`) into `T`.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match groups.iter_mut().find(|(known, _)| *known == key) {
            Some((_, values)) => values.push(value.into_owned()),
            None => groups.push((key.into_owned(), vec![value.into_owned()])),
        }
    }
    let mut pairs = Pairs {
        groups: groups.into_iter(),
        current: None,
    };
    T::deserialize(&mut pairs).map_err(|error| AppError::InvalidQuery {
        parameter: error.parameter.unwrap_or_else(|| "query".to_owned()),
        message: error.message,
    })
}

/// The first value of `name` in a query string, for showing a form again after [`parse`]
/// refused the query.
pub fn first_value(query: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn shortened(name: &str) -> String {
    if name.chars().count() > MAX_NAME_CHARS {
        format!("{}…", name.chars().take(MAX_NAME_CHARS).collect::<String>())
    } else {
        name.to_owned()
    }
}

/// Why a query string could not be read, and the parameter at fault when known.
#[derive(Debug)]
struct QueryError {
    parameter: Option<String>,
    message: String,
}

impl QueryError {
    fn of(parameter: &str, message: String) -> Self {
        Self {
            parameter: Some(shortened(parameter)),
            message,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

impl de::Error for QueryError {
    fn custom<M: fmt::Display>(message: M) -> Self {
        Self {
            parameter: None,
            message: message.to_string(),
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::of(
            field,
            format!("there is no such parameter; use {}", expected.join(", ")),
        )
    }
}

/// The keys of a query string, each with its values.
struct Pairs {
    groups: std::vec::IntoIter<(String, Vec<String>)>,
    current: Option<(String, Vec<String>)>,
}

impl<'de> de::Deserializer<'de> for &mut Pairs {
    type Error = QueryError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> MapAccess<'de> for Pairs {
    type Error = QueryError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, QueryError> {
        let Some((key, values)) = self.groups.next() else {
            return Ok(None);
        };
        let name: de::value::StrDeserializer<'_, QueryError> = key.as_str().into_deserializer();
        let parsed = seed.deserialize(name)?;
        self.current = Some((key, values));
        Ok(Some(parsed))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, QueryError> {
        let (key, values) = self
            .current
            .take()
            .ok_or_else(|| <QueryError as de::Error>::custom("a value without its parameter"))?;
        seed.deserialize(Values { key: &key, values })
            .map_err(|error| QueryError {
                parameter: error.parameter.or_else(|| Some(shortened(&key))),
                message: error.message,
            })
    }
}

/// Every value one key was given.
struct Values<'a> {
    key: &'a str,
    values: Vec<String>,
}

impl Values<'_> {
    /// The key's only value; a key given more than once is refused.
    fn one(mut self) -> Result<One, QueryError> {
        if self.values.len() == 1 {
            let value = self.values.pop().unwrap_or_default();
            Ok(One {
                key: shortened(self.key),
                value,
            })
        } else {
            Err(QueryError::of(
                self.key,
                format!("given {} times; it takes one value", self.values.len()),
            ))
        }
    }
}

macro_rules! through_one {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
                self.one()?.$method(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Values<'_> {
    type Error = QueryError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        if self.values.len() == 1 {
            self.one()?.deserialize_any(visitor)
        } else {
            self.deserialize_seq(visitor)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        let key = shortened(self.key);
        let items = self.values.into_iter().map(|value| One {
            key: key.clone(),
            value,
        });
        let mut sequence: de::value::SeqDeserializer<_, QueryError> =
            de::value::SeqDeserializer::new(items);
        let value = visitor.visit_seq(&mut sequence)?;
        sequence.end()?;
        Ok(value)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        visitor.visit_newtype_struct(self)
    }

    through_one! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32
        deserialize_f64 deserialize_char deserialize_str deserialize_string deserialize_identifier
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct tuple tuple_struct map struct enum ignored_any
    }
}

/// One value of a key.
struct One {
    key: String,
    value: String,
}

impl One {
    fn number<T: std::str::FromStr>(&self) -> Result<T, QueryError> {
        self.value.trim().parse().map_err(|_| {
            QueryError::of(
                &self.key,
                format!("{:?} is not a whole number", shortened(&self.value)),
            )
        })
    }
}

impl<'de> IntoDeserializer<'de, QueryError> for One {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! numbers {
    ($($method:ident => $visit:ident: $ty:ty,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
                visitor.$visit(self.number::<$ty>()?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for One {
    type Error = QueryError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_string(self.value)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        match self.value.trim() {
            "true" | "1" | "on" | "yes" => visitor.visit_bool(true),
            "false" | "0" | "off" | "no" | "" => visitor.visit_bool(false),
            other => Err(QueryError::of(
                &self.key,
                format!("{:?} is not true or false", shortened(other)),
            )),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, QueryError> {
        visitor.visit_some(self)
    }

    numbers! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, QueryError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char str string bytes byte_buf unit unit_struct seq tuple tuple_struct
        map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Params {
        #[serde(default)]
        q: String,
        #[serde(default)]
        kind: Vec<String>,
        #[serde(default)]
        page: Option<usize>,
        #[serde(default)]
        exact: bool,
    }

    fn refused(query: &str) -> (String, String) {
        match parse::<Params>(query) {
            Err(AppError::InvalidQuery { parameter, message }) => (parameter, message),
            other => panic!("{query}: {other:?}"),
        }
    }

    #[test]
    fn repeated_keys_fill_lists_and_values_are_decoded() {
        let params: Params = parse("q=caf%C3%A9+con+leche&kind=event&kind=person&page=2").unwrap();
        assert_eq!(params.q, "café con leche");
        assert_eq!(params.kind, ["event", "person"]);
        assert_eq!(params.page, Some(2));
        let single: Params = parse("kind=event&exact=on").unwrap();
        assert_eq!(single.kind, ["event"]);
        assert!(single.exact);
        let empty: Params = parse("").unwrap();
        assert!(empty.q.is_empty() && empty.kind.is_empty() && empty.page.is_none());
        assert_eq!(refused("page=").0, "page");
    }

    #[test]
    fn bad_parameters_are_named() {
        let (parameter, message) = refused("q=x&colour=red");
        assert_eq!(parameter, "colour");
        assert!(message.contains("there is no such parameter"), "{message}");
        assert!(message.contains("kind"), "{message}");
        assert_eq!(refused("page=0x").0, "page");
        assert_eq!(refused("page=-1").0, "page");
        assert_eq!(refused("exact=maybe").0, "exact");
        let (parameter, message) = refused("q=a&q=b");
        assert_eq!(parameter, "q");
        assert!(message.contains("2 times"), "{message}");
        let long = "x".repeat(500);
        let (parameter, _) = refused(&format!("{long}=1"));
        assert!(parameter.chars().count() <= MAX_NAME_CHARS + 1);
    }

    #[test]
    fn the_first_value_is_found_for_the_form() {
        assert_eq!(
            first_value("colour=red&q=flights", "q").as_deref(),
            Some("flights")
        );
        assert_eq!(first_value("colour=red", "q"), None);
    }
}
