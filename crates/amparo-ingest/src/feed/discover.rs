//! Feed autodiscovery: the feeds an HTML page advertises with
//! `<link rel="alternate" type="application/rss+xml" href="…">`, so that someone who
//! subscribed to a web page can be told which feed address to use instead.
//!
//! The page goes through the article extractor's own charset detection and forgiving HTML
//! parser (`article::charset`, `article::dom`). That parser keeps no `<head>` element, so
//! every `<link>` of the page is read, wherever the page put it: a `<link>` written in the
//! body is rare, and missing the feed of a page whose head a CMS cluttered would be worse than
//! reading one. `<a>` elements are never read, whatever their `rel` and `type`.

use url::Url;

use crate::article::charset::decode_html;
use crate::article::dom::{Dom, NodeData};
use crate::article::tags::{Attr, Tag};

/// A feed an HTML page links to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DiscoveredFeed {
    /// The feed's address: absolute when the page's `<base href>` or the page's own address
    /// made it so, else as written.
    pub url: String,
    /// The link's `title` attribute (whitespace collapsed), when it has a non-empty one.
    pub title: Option<String>,
    /// The link's media type in lower case without parameters: `application/rss+xml`,
    /// `application/atom+xml`, `application/feed+json` or `application/json`.
    pub media_type: String,
}

/// The media types of feeds an alternate link may name.
const FEED_TYPES: [&str; 4] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
];

/// The feeds an HTML page advertises, in document order and without duplicates.
///
/// Reads every `<link>` whose `rel` holds the token `alternate` (in any case, among other
/// tokens) and whose `type` is one of `application/rss+xml`, `application/atom+xml`,
/// `application/feed+json` or `application/json` (in any case, parameters ignored). Each
/// `href` is resolved against the page's first `<base href>`, itself resolved against
/// `base_url` (the address the page was fetched from), else against `base_url`; with neither,
/// a relative `href` is kept as written. A link repeating an earlier feed's address is
/// dropped. `application/json` links into WordPress's REST API (`/wp-json/`, `?rest_route=`),
/// which WordPress puts on every page and which are not feeds, are left out.
///
/// Never fails: a page with no such link (or bytes that are no page at all) gives an empty
/// list.
pub fn discover_feeds(html: &[u8], base_url: Option<&str>) -> Vec<DiscoveredFeed> {
    let mut ignored_problems = Vec::new();
    let source = decode_html(html, &mut ignored_problems);
    let dom = Dom::parse(&source);
    let page_base = base_url.and_then(|url| Url::parse(url.trim()).ok());
    let base = document_base(&dom, page_base.as_ref()).or(page_base);

    let mut found: Vec<DiscoveredFeed> = Vec::new();
    for node in &dom.nodes {
        let NodeData::Element(element) = &node.data else {
            continue;
        };
        if element.tag != Tag::Link {
            continue;
        }
        let is_alternate = element.attr(Attr::Rel).is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|token| token.eq_ignore_ascii_case("alternate"))
        });
        if !is_alternate {
            continue;
        }
        let Some(media_type) = element.attr(Attr::Type).and_then(feed_media_type) else {
            continue;
        };
        let Some(href) = element.attr(Attr::Href).map(str::trim) else {
            continue;
        };
        if href.is_empty() {
            continue;
        }
        let url = resolve(href, base.as_ref());
        if media_type == "application/json" && is_wordpress_api(&url) {
            continue;
        }
        if found.iter().any(|feed| feed.url == url) {
            continue;
        }
        let title = element
            .attr(Attr::Title)
            .map(|title| title.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|title| !title.is_empty());
        found.push(DiscoveredFeed {
            url,
            title,
            media_type: media_type.to_string(),
        });
    }
    found
}

/// The page's first `<base href>`, made absolute against the page's address.
fn document_base(dom: &Dom, page_base: Option<&Url>) -> Option<Url> {
    let href = dom.nodes.iter().find_map(|node| match &node.data {
        NodeData::Element(element) if element.tag == Tag::Base => element.attr(Attr::Href),
        _ => None,
    })?;
    let href = href.trim();
    match page_base {
        Some(page_base) => page_base.join(href).ok(),
        None => Url::parse(href).ok(),
    }
}

/// The feed media type a `type` attribute names, if it names one.
fn feed_media_type(value: &str) -> Option<&'static str> {
    let essence = value.split(';').next().unwrap_or("").trim();
    FEED_TYPES
        .iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(essence))
}

/// `href` made absolute against `base`, or as written when that is not possible.
fn resolve(href: &str, base: Option<&Url>) -> String {
    let resolved = match base {
        Some(base) => base.join(href),
        None => Url::parse(href),
    };
    resolved.map_or_else(|_| href.to_string(), String::from)
}

/// Whether `url` points into WordPress's REST API.
fn is_wordpress_api(url: &str) -> bool {
    url.contains("/wp-json/") || url.contains("rest_route=")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(html: &str, base_url: Option<&str>) -> Vec<String> {
        discover_feeds(html.as_bytes(), base_url)
            .into_iter()
            .map(|feed| feed.url)
            .collect()
    }

    #[test]
    fn reads_rel_tokens_and_types_in_any_case() {
        let html = r#"<html><head>
            <LINK REL="Alternate Home" TYPE="Application/RSS+XML; charset=utf-8" HREF="/rss">
            <link rel="alternate stylesheet" type="text/css" href="/dark.css">
            <link rel="canonical" type="application/rss+xml" href="/not-alternate">
            <link rel=alternate type=application/feed+json href=/feed.json>
            </head></html>"#;
        let feeds = discover_feeds(html.as_bytes(), Some("https://example.org/a/b"));
        assert_eq!(
            feeds,
            vec![
                DiscoveredFeed {
                    url: "https://example.org/rss".to_string(),
                    title: None,
                    media_type: "application/rss+xml".to_string(),
                },
                DiscoveredFeed {
                    url: "https://example.org/feed.json".to_string(),
                    title: None,
                    media_type: "application/feed+json".to_string(),
                },
            ]
        );
    }

    #[test]
    fn without_any_base_relative_hrefs_stay_as_written() {
        let html = r#"<link rel="alternate" type="application/atom+xml" href=" atom.xml ">"#;
        assert_eq!(urls(html, None), vec!["atom.xml".to_string()]);
        assert_eq!(urls(html, Some("not a url")), vec!["atom.xml".to_string()]);
    }

    #[test]
    fn relative_base_href_resolves_against_the_page_address() {
        let html = r#"<base href="/blog/"><link rel="alternate" type="application/atom+xml" href="atom.xml">"#;
        assert_eq!(
            urls(html, Some("https://example.org/x/y.html")),
            vec!["https://example.org/blog/atom.xml".to_string()]
        );
    }

    #[test]
    fn skips_wordpress_rest_api_links_and_anchors() {
        let html = r#"<head>
            <link rel="alternate" type="application/json" href="https://example.org/wp-json/wp/v2/pages/7">
            <link rel="alternate" type="application/json" href="/?rest_route=/wp/v2/posts/9">
            <link rel="alternate" type="application/json" href="/feed.json">
            </head><body><a rel="alternate" type="application/rss+xml" href="/a-link">feed</a>"#;
        assert_eq!(
            urls(html, Some("https://example.org/")),
            vec!["https://example.org/feed.json".to_string()]
        );
    }

    #[test]
    fn garbage_and_empty_input_give_nothing() {
        assert!(discover_feeds(b"", None).is_empty());
        assert!(discover_feeds(b"\xff\xfe<\x00l\x00", Some("https://x.org/")).is_empty());
        assert!(discover_feeds(b"<link rel=alternate type=application/rss+xml", None).is_empty());
        assert!(
            discover_feeds(b"<link rel=alternate type=application/rss+xml href=>", None).is_empty()
        );
    }
}
