//! Atom 0.3 and 1.0 into the model, and the Atom constructs RSS feeds borrow (`atom:link`,
//! `atom:author`, `atom:content`).

use std::borrow::Cow;

use base64::Engine as _;

use super::text::{absolutize_html, clean, person_label, resolve, split_person};
use super::xml::{Document, ElementId, Ns};
use super::{FeedFormat, FeedItem, Mapped, ParsedFeed, date_of};

/// Whether an element belongs to Atom: either namespace, or no namespace at all (feeds that
/// forgot `xmlns`).
pub(super) fn is_atom(doc: &Document<'_>, id: ElementId) -> bool {
    let element = doc.get(id);
    match element.ns {
        Ns::Atom | Ns::Atom03 => true,
        Ns::None | Ns::Other => !element.prefixed(),
        _ => false,
    }
}

/// Maps an Atom document whose root is `<feed>`.
pub(super) fn map_atom(doc: &Document<'_>, root: ElementId, problems: &mut Vec<String>) -> Mapped {
    let mut feed = ParsedFeed {
        format: FeedFormat::Atom,
        title: None,
        link: None,
        language: doc
            .get(root)
            .attr("xml:lang")
            .and_then(|lang| clean(Cow::Borrowed(lang))),
        updated: None,
        items: Vec::new(),
        problems: Vec::new(),
    };
    let mut cut_off = Vec::new();
    let mut updated = None;
    let mut modified = None;
    for child in doc.children(root) {
        if !is_atom(doc, child) {
            continue;
        }
        match doc.get(child).local() {
            "title" if feed.title.is_none() => feed.title = text_construct(doc, child),
            "link" if feed.link.is_none() => feed.link = alternate_href(doc, child),
            "updated" if updated.is_none() => updated = Some(child),
            "modified" if modified.is_none() => modified = Some(child),
            "entry" => {
                feed.items.push(map_entry(doc, child, problems));
                cut_off.push(!doc.get(child).closed);
            }
            _ => {}
        }
    }
    feed.updated = updated
        .or(modified)
        .and_then(|id| date_of(doc, id, problems));
    Mapped { feed, cut_off }
}

/// Maps one `<entry>`.
fn map_entry(doc: &Document<'_>, entry: ElementId, problems: &mut Vec<String>) -> FeedItem {
    let mut item = FeedItem::default();
    let (mut published, mut updated, mut issued, mut modified, mut created) =
        (None, None, None, None, None);
    for child in doc.children(entry) {
        if !is_atom(doc, child) {
            continue;
        }
        match doc.get(child).local() {
            "id" if item.id.is_none() => item.id = clean(doc.text(child)),
            "title" if item.title.is_none() => item.title = text_construct(doc, child),
            "link" if item.link.is_none() => item.link = alternate_href(doc, child),
            "published" if published.is_none() => published = Some(child),
            "updated" if updated.is_none() => updated = Some(child),
            "issued" if issued.is_none() => issued = Some(child),
            "modified" if modified.is_none() => modified = Some(child),
            "created" if created.is_none() => created = Some(child),
            "author" if item.author.is_none() => item.author = person(doc, child),
            "summary" if item.summary.is_none() => item.summary = text_construct(doc, child),
            "content" if item.content.is_none() => item.content = content(doc, child),
            _ => {}
        }
    }
    item.published = published
        .or(issued)
        .or(created)
        .and_then(|id| date_of(doc, id, problems));
    item.updated = updated
        .or(modified)
        .and_then(|id| date_of(doc, id, problems));
    item
}

/// The `href` of a `<link>` that points at the page itself (`rel` missing or `alternate`),
/// made absolute against the link's base.
pub(super) fn alternate_href(doc: &Document<'_>, link: ElementId) -> Option<String> {
    let element = doc.get(link);
    let rel = element.attr("rel").map(str::trim).unwrap_or("alternate");
    if !rel.eq_ignore_ascii_case("alternate") {
        return None;
    }
    let href = element.attr("href")?;
    clean(Cow::Owned(resolve(href, element.base.as_deref())))
}

/// An Atom person: the name, else the e-mail; a person written as plain text is split the
/// RSS way.
pub(super) fn person(doc: &Document<'_>, author: ElementId) -> Option<String> {
    if !doc.get(author).has_child_elements {
        let (name, email) = split_person(&doc.text(author));
        return person_label(name, email);
    }
    let mut name = None;
    let mut email = None;
    for child in doc.children(author) {
        match doc.get(child).local() {
            "name" if name.is_none() => name = clean(doc.text(child)),
            "email" if email.is_none() => email = clean(doc.text(child)),
            _ => {}
        }
    }
    person_label(name, email)
}

/// Atom `<content>`: a text construct, or nothing when the content lives elsewhere (`src`).
pub(super) fn content(doc: &Document<'_>, id: ElementId) -> Option<String> {
    if doc.get(id).attr("src").is_some() && doc.inner_xml(id).is_empty() {
        return None;
    }
    text_construct(doc, id)
}

/// An Atom text construct (`title`, `summary`, `content`, ...) as text or HTML:
/// `type="text"` and `"html"` give their decoded text, `"xhtml"` the markup inside its
/// `<div>`, base64 (Atom 0.3 `mode="base64"`, `application/octet-stream`) is decoded, and
/// HTML written straight into the element is kept as markup. Relative `href` and `src` in
/// HTML are made absolute when an `xml:base` is in effect.
pub(super) fn text_construct(doc: &Document<'_>, id: ElementId) -> Option<String> {
    let element = doc.get(id);
    let kind = element.attr("type").map(|t| t.trim().to_ascii_lowercase());
    let mode = element.attr("mode").map(|m| m.trim().to_ascii_lowercase());
    let is_html = matches!(
        kind.as_deref(),
        Some("html" | "text/html" | "xhtml" | "application/xhtml+xml")
    ) || element.has_child_elements;
    let is_binary = mode.as_deref() == Some("base64")
        || kind.as_deref().is_some_and(|kind| {
            kind == "application/octet-stream"
                || ["image/", "audio/", "video/"]
                    .iter()
                    .any(|p| kind.starts_with(p))
        });
    let text: Cow<'_, str> = if is_binary {
        let raw = doc.text(id);
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
            Ok(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
            Err(_) => raw,
        }
    } else if let Some(div) = single_div(doc, id) {
        if matches!(kind.as_deref(), Some("xhtml" | "application/xhtml+xml"))
            || mode.as_deref() == Some("xml")
        {
            Cow::Borrowed(doc.inner_xml(div))
        } else {
            // Escaped HTML wrapped in an XHTML `<div>` although the type says `html`.
            doc.text(div)
        }
    } else {
        doc.text(id)
    };
    let text = clean(text)?;
    match (&element.base, element.explicit_base && is_html) {
        (Some(base), true) if text.contains('=') => Some(absolutize_html(&text, base)),
        _ => Some(text),
    }
}

/// The `<div>` that is the only content of a text construct, as XHTML content has.
fn single_div(doc: &Document<'_>, id: ElementId) -> Option<ElementId> {
    let mut children = doc.children(id);
    let (Some(div), None) = (children.next(), children.next()) else {
        return None;
    };
    let element = doc.get(div);
    let outer = &doc.get(id).inner;
    let before = doc.src.get(outer.start..element.start).unwrap_or("");
    let after = doc.src.get(element.inner.end..outer.end).unwrap_or("");
    let after = after.find('>').map_or(after, |end| &after[end + 1..]);
    (element.local() == "div" && before.trim().is_empty() && after.trim().is_empty()).then_some(div)
}
