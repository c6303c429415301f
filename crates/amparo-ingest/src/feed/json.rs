//! JSON Feed 1.0 and 1.1 into the model.

use serde_json::{Map, Value};
use url::Url;

use super::date::parse_date;
use super::text::{clean, resolve};
use super::{FeedFormat, FeedItem, Mapped, ParsedFeed};

/// Maps a JSON document; `None` (with a problem) when it is not a JSON Feed.
pub(super) fn map_json(
    src: &str,
    base: Option<&Url>,
    problems: &mut Vec<String>,
) -> Option<Mapped> {
    let value: Value = match serde_json::from_str(src) {
        Ok(value) => value,
        Err(error) => {
            problems.push(format!("the document is not valid JSON: {error}"));
            return None;
        }
    };
    let Value::Object(object) = value else {
        problems.push("the JSON document is not an object, so not a JSON Feed".to_string());
        return None;
    };
    let version = object.get("version").and_then(Value::as_str).map(str::trim);
    match version {
        Some(version) if version.contains("jsonfeed.org/version/1") => {}
        Some(version) if object.contains_key("items") => problems.push(format!(
            "unexpected JSON Feed version \"{version}\"; read it as JSON Feed 1.1"
        )),
        None if object.contains_key("items") => {
            problems.push("the JSON Feed has no \"version\"; read it as JSON Feed 1.1".to_string())
        }
        _ => {
            problems.push(
                "the JSON document has neither \"version\" nor \"items\": it is not a JSON Feed"
                    .to_string(),
            );
            return None;
        }
    }

    let feed_base = string(&object, "feed_url")
        .and_then(|url| Url::parse(&resolve(&url, base)).ok())
        .or_else(|| base.cloned());
    let link = string(&object, "home_page_url").map(|url| resolve(&url, feed_base.as_ref()));
    let mut feed = ParsedFeed {
        format: FeedFormat::Json,
        title: string(&object, "title"),
        link,
        language: string(&object, "language"),
        updated: None,
        items: Vec::new(),
        problems: Vec::new(),
    };
    match object.get("items") {
        Some(Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                match item {
                    Value::Object(item) => {
                        feed.items
                            .push(map_item(item, index + 1, feed_base.as_ref(), problems))
                    }
                    _ => problems.push(format!(
                        "item {} is not a JSON object and was skipped",
                        index + 1
                    )),
                }
            }
        }
        Some(_) => problems.push("\"items\" is not a list".to_string()),
        None => problems.push("the JSON Feed has no \"items\"".to_string()),
    }
    // JSON Feed has no date of its own: the feed changed when its newest item did.
    feed.updated = feed
        .items
        .iter()
        .filter_map(|item| item.updated.or(item.published))
        .max();
    let cut_off = vec![false; feed.items.len()];
    Some(Mapped { feed, cut_off })
}

fn map_item(
    item: &Map<String, Value>,
    number: usize,
    base: Option<&Url>,
    problems: &mut Vec<String>,
) -> FeedItem {
    let id = match item.get("id") {
        Some(Value::String(id)) => clean(id.into()),
        Some(Value::Number(id)) => Some(id.to_string()),
        _ => None,
    };
    let link = string(item, "url")
        .or_else(|| string(item, "external_url"))
        .map(|url| resolve(&url, base));
    let author = item
        .get("authors")
        .and_then(Value::as_array)
        .and_then(|authors| authors.iter().find_map(author_name))
        .or_else(|| item.get("author").and_then(author_name));
    let mut date = |key: &str| {
        let text = string(item, key)?;
        let parsed = parse_date(&text);
        if parsed.is_none() {
            problems.push(format!(
                "item {number}: could not read the date {text:?} in \"{key}\""
            ));
        }
        parsed
    };
    let published = date("date_published");
    let updated = date("date_modified");
    FeedItem {
        id,
        title: string(item, "title"),
        link,
        published,
        updated,
        author,
        summary: string(item, "summary"),
        content: string(item, "content_html").or_else(|| string(item, "content_text")),
    }
}

/// A JSON Feed author object's name.
fn author_name(author: &Value) -> Option<String> {
    author
        .get("name")
        .and_then(Value::as_str)
        .and_then(|name| clean(name.into()))
}

/// A non-empty string member, cleaned.
fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .and_then(|value| clean(value.into()))
}
