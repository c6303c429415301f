//! Title, byline and publication time of an article page, from the most explicit source the
//! page offers: JSON-LD (`NewsArticle` and friends), then OpenGraph and other `<meta>` tags
//! (article, Dublin Core, Parse.ly, Sailthru), then microdata and `<time datetime>`, then the
//! `<title>`, `<h1>`, byline-looking elements and a date in the URL.

use serde_json::Value;
use time::OffsetDateTime;

use super::collapse_whitespace;
use super::date::{date_in_url, parse_published};
use super::dom::{Dom, NodeData};
use super::tags::{Attr, Tag};

/// The metadata found on a page.
#[derive(Debug, Default)]
pub(crate) struct Metadata {
    pub(crate) title: Option<String>,
    pub(crate) byline: Option<String>,
    pub(crate) published: Option<OffsetDateTime>,
    /// The summary the page gives to search engines and social networks, which many pages
    /// also print as the standfirst.
    pub(crate) description: Option<String>,
}

/// `<meta>` keys that hold the title, best first.
const TITLE_KEYS: &[&str] = &[
    "og:title",
    "twitter:title",
    "dc.title",
    "dcterms.title",
    "parsely-title",
    "sailthru.title",
    "title",
    "headline",
];

/// `<meta>` keys that hold the author, best first.
const AUTHOR_KEYS: &[&str] = &[
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "cxenseparse:author",
];

/// `<meta>` keys that hold the summary, best first.
const DESCRIPTION_KEYS: &[&str] = &["og:description", "description", "twitter:description"];

/// `<meta>` keys (and microdata properties) that hold the publication time, best first.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "cxenseparse:recs:publishtime",
    "og:published_time",
];

/// Everything collected from one walk over the page.
#[derive(Default)]
struct Found {
    metas: Vec<(String, String)>,
    json_ld: Vec<Value>,
    document_title: Option<String>,
    h1: Vec<String>,
    times: Vec<(String, bool)>,
    bylines: Vec<String>,
}

/// Extracts the metadata of `dom`; `url` is where the page was fetched from, if known.
pub(crate) fn extract_metadata(
    dom: &Dom,
    url: Option<&str>,
    problems: &mut Vec<String>,
) -> Metadata {
    let found = collect(dom, problems);
    let articles = article_objects(&found.json_ld);

    let document_title = found.document_title.as_deref().unwrap_or("");
    let site_names = site_names(&found.metas, &found.json_ld);
    let title = articles
        .iter()
        .find_map(|object| {
            let headline = json_text(object.get("headline"));
            let name = json_text(object.get("name"));
            // Some sites put a description in `headline`; the `<title>` tells which is which.
            match (headline, name) {
                (Some(headline), Some(name))
                    if !document_title.contains(&headline) && document_title.contains(&name) =>
                {
                    Some(name)
                }
                (headline, name) => headline.or(name),
            }
        })
        .or_else(|| first_meta(&found.metas, TITLE_KEYS))
        .or_else(|| {
            found
                .document_title
                .as_deref()
                .map(|title| clean_document_title(title, &found.h1))
        })
        .or_else(|| found.h1.first().cloned())
        .map(|title| strip_site_name(&title, &site_names))
        .filter(|title| !title.is_empty());

    let byline = articles
        .iter()
        .find_map(|object| json_authors(object.get("author")?))
        .or_else(|| {
            AUTHOR_KEYS.iter().find_map(|key| {
                found
                    .metas
                    .iter()
                    .filter(|(name, value)| name == key && !looks_like_url(value))
                    .map(|(_, value)| collapse_whitespace(value))
                    .find(|value| !value.is_empty())
            })
        })
        .or_else(|| found.bylines.first().cloned())
        .filter(|byline| !byline.is_empty());

    let mut published_raw: Vec<&str> = Vec::new();
    published_raw.extend(
        articles
            .iter()
            .filter_map(|object| object.get("datePublished")?.as_str()),
    );
    for key in PUBLISHED_KEYS {
        published_raw.extend(
            found
                .metas
                .iter()
                .filter(|(name, _)| name == key)
                .map(|(_, value)| value.as_str()),
        );
    }
    published_raw.extend(
        found
            .times
            .iter()
            .filter(|(_, marked)| *marked)
            .map(|(raw, _)| raw.as_str()),
    );
    published_raw.extend(
        found
            .times
            .iter()
            .filter(|(_, marked)| !*marked)
            .map(|(raw, _)| raw.as_str()),
    );
    let mut published = None;
    for raw in published_raw.iter().filter(|raw| !raw.trim().is_empty()) {
        match parse_published(raw) {
            Some(parsed) => {
                if !parsed.has_offset {
                    problems.push(format!(
                        "published time {:?} has no UTC offset; assumed UTC",
                        raw.trim()
                    ));
                }
                published = Some(parsed.value);
                break;
            }
            None => problems.push(format!(
                "unparseable published time {:?}",
                truncate(raw.trim(), 60)
            )),
        }
    }
    if published.is_none()
        && let Some(date) = url.and_then(date_in_url)
    {
        problems.push("published date taken from the URL; time of day unknown".to_string());
        published = Some(date.midnight().assume_utc());
    }

    let description = first_meta(&found.metas, DESCRIPTION_KEYS).or_else(|| {
        articles
            .iter()
            .find_map(|object| json_text(object.get("description")))
    });

    Metadata {
        title,
        byline,
        published,
        description,
    }
}

fn collect(dom: &Dom, problems: &mut Vec<String>) -> Found {
    let mut found = Found::default();
    for (index, node) in dom.nodes.iter().enumerate() {
        let NodeData::Element(element) = &node.data else {
            continue;
        };
        let id = index as u32;
        match element.tag {
            Tag::Meta => {
                let key = element
                    .attr(Attr::Property)
                    .or_else(|| element.attr(Attr::Name))
                    .or_else(|| element.attr(Attr::Itemprop));
                if let (Some(key), Some(content)) = (key, element.attr(Attr::Content)) {
                    found
                        .metas
                        .push((key.trim().to_ascii_lowercase(), content.to_string()));
                }
            }
            Tag::Title if found.document_title.is_none() => {
                let text = collapse_whitespace(&dom.text_content(id));
                if !text.is_empty() {
                    found.document_title = Some(text);
                }
            }
            Tag::Script => {
                let text = dom.text_content(id);
                if !text.trim().is_empty() {
                    match parse_json_ld(&text) {
                        Some(value) => found.json_ld.push(value),
                        None => problems.push("unparseable JSON-LD block ignored".to_string()),
                    }
                }
            }
            Tag::H1 if found.h1.len() < 4 => {
                let text = collapse_whitespace(&dom.text_content(id));
                if !text.is_empty() {
                    found.h1.push(text);
                }
            }
            _ => {}
        }
        let itemprop = element.attr(Attr::Itemprop).map(str::to_ascii_lowercase);
        let datetime = element
            .attr(Attr::Datetime)
            .or_else(|| element.attr(Attr::Content).filter(|_| itemprop.is_some()));
        let is_published_prop =
            matches!(itemprop.as_deref(), Some("datepublished" | "datecreated"));
        if (element.tag == Tag::Time || is_published_prop)
            && let Some(raw) = datetime
        {
            let class = element.attr(Attr::Class).unwrap_or("").to_ascii_lowercase();
            let marked =
                is_published_prop || class.contains("publi") || element.has_attr(Attr::Type);
            found.times.push((raw.to_string(), marked));
        }
        if found.bylines.len() < 4 && element.tag != Tag::Meta && is_byline_element(element) {
            let text = collapse_whitespace(&dom.text_content(id));
            if (3..=100).contains(&text.chars().count()) {
                found.bylines.push(text);
            }
        }
    }
    found
}

fn is_byline_element(element: &super::dom::Element) -> bool {
    if element
        .attr(Attr::Rel)
        .is_some_and(|rel| rel.eq_ignore_ascii_case("author"))
    {
        return true;
    }
    if element
        .attr(Attr::Itemprop)
        .is_some_and(|prop| prop.eq_ignore_ascii_case("author"))
    {
        return true;
    }
    let class = element.attr(Attr::Class).unwrap_or("");
    let id = element.attr(Attr::Id).unwrap_or("");
    [class, id].iter().any(|value| {
        let value = value.to_ascii_lowercase();
        value.contains("byline")
            || value
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|word| word == "author")
    })
}

/// Parses one JSON-LD block, forgiving raw line breaks inside strings.
fn parse_json_ld(text: &str) -> Option<Value> {
    let mut text = text.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
    ] {
        text = text.trim_start_matches(open).trim_end_matches(close).trim();
    }
    serde_json::from_str(text).ok().or_else(|| {
        let cleaned: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        serde_json::from_str(&cleaned).ok()
    })
}

/// The JSON-LD objects that describe an article, most specific first (then web pages).
fn article_objects(values: &[Value]) -> Vec<&serde_json::Map<String, Value>> {
    let mut all = Vec::new();
    let mut pending: Vec<&Value> = values.iter().collect();
    while let Some(value) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items.iter().rev()),
            Value::Object(object) => {
                if let Some(graph) = object.get("@graph") {
                    pending.push(graph);
                }
                all.push(object);
            }
            _ => {}
        }
        if all.len() > 256 {
            break;
        }
    }
    let is_type = |object: &serde_json::Map<String, Value>, wanted: fn(&str) -> bool| match object
        .get("@type")
    {
        Some(Value::String(kind)) => wanted(kind),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).any(wanted),
        _ => false,
    };
    let article =
        |kind: &str| kind.ends_with("Article") || kind.ends_with("Posting") || kind == "Report";
    let page = |kind: &str| kind.ends_with("WebPage");
    let mut chosen: Vec<_> = all
        .iter()
        .copied()
        .filter(|object| is_type(object, article))
        .collect();
    chosen.extend(all.iter().copied().filter(|object| is_type(object, page)));
    chosen
}

fn json_text(value: Option<&Value>) -> Option<String> {
    let text = collapse_whitespace(&super::entities::decode(value?.as_str()?));
    (!text.is_empty()).then_some(text)
}

/// Author names from a JSON-LD `author` (a string, a person, or a list of either).
fn json_authors(value: &Value) -> Option<String> {
    let names: Vec<String> = match value {
        Value::Array(items) => items.iter().filter_map(json_author).collect(),
        other => json_author(other).into_iter().collect(),
    };
    (!names.is_empty()).then(|| names.join(", "))
}

fn json_author(value: &Value) -> Option<String> {
    let name = match value {
        Value::String(name) => Some(name.as_str()),
        Value::Object(object) => object.get("name").and_then(Value::as_str),
        _ => None,
    }?;
    let name = collapse_whitespace(&super::entities::decode(name));
    (!name.is_empty() && !looks_like_url(&name)).then_some(name)
}

fn first_meta(metas: &[(String, String)], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| {
        metas
            .iter()
            .filter(|(name, _)| name == key)
            .map(|(_, value)| collapse_whitespace(value))
            .find(|value| !value.is_empty())
    })
}

/// Separators between a headline and a site name in titles.
const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " / "];

/// Drops the site name from a `<title>` such as "Story headline | Site": the part that a
/// `<h1>` repeats wins, else the last part with at least three words.
fn clean_document_title(title: &str, h1: &[String]) -> String {
    if let Some(part) = SEPARATORS
        .iter()
        .flat_map(|separator| title.split(separator))
        .map(str::trim)
        .find(|part| h1.iter().any(|heading| heading == part))
    {
        return part.to_string();
    }
    let Some((at, separator)) = SEPARATORS
        .iter()
        .filter_map(|separator| title.rfind(separator).map(|at| (at, *separator)))
        .max_by_key(|(at, _)| *at)
    else {
        return title.to_string();
    };
    let head = title[..at].trim();
    let tail = title[at + separator.len()..].trim();
    if head.split_whitespace().count() >= 3 {
        head.to_string()
    } else if tail.split_whitespace().count() >= 3 {
        tail.to_string()
    } else {
        title.to_string()
    }
}

/// The names the page gives itself (`og:site_name`, `application-name`, JSON-LD publisher).
fn site_names(metas: &[(String, String)], json_ld: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = metas
        .iter()
        .filter(|(key, _)| key == "og:site_name" || key == "application-name")
        .map(|(_, value)| collapse_whitespace(value))
        .collect();
    for value in json_ld {
        let objects: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(object) => match object.get("@graph") {
                Some(Value::Array(items)) => items.iter().collect(),
                _ => vec![value],
            },
            _ => Vec::new(),
        };
        for object in objects {
            if let Some(name) = object
                .get("publisher")
                .and_then(|publisher| publisher.get("name"))
                .and_then(Value::as_str)
            {
                names.push(collapse_whitespace(name));
            }
        }
    }
    names.retain(|name| name.chars().count() >= 2);
    names
}

/// Removes a leading or trailing site name ("Headline | Site", "Site - Headline").
fn strip_site_name(title: &str, site_names: &[String]) -> String {
    for name in site_names {
        for separator in SEPARATORS {
            if let Some(head) = title
                .strip_suffix(name.as_str())
                .and_then(|rest| rest.strip_suffix(separator))
                && !head.trim().is_empty()
            {
                return head.trim().to_string();
            }
            if let Some(tail) = title
                .strip_prefix(name.as_str())
                .and_then(|rest| rest.strip_prefix(separator))
                && !tail.trim().is_empty()
            {
                return tail.trim().to_string();
            }
        }
    }
    title.to_string()
}

fn looks_like_url(value: &str) -> bool {
    let value = value.trim_start();
    value.starts_with("http://") || value.starts_with("https://") || value.starts_with("//")
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}
