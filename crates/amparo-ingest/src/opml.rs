//! OPML 1.0 and 2.0 subscription lists, as feed readers (Feedly, Inoreader, NetNewsWire,
//! Thunderbird, Miniflux, …) export and import them.
//!
//! [`parse_opml`] never fails: it reads the list with the feed parser's forgiving XML tree
//! and encoding detection, keeps every `<outline>` that names a feed, and says in
//! [`ParsedOpml::problems`] what it skipped or had to guess. [`write_opml`] writes an OPML 2.0
//! list that [`parse_opml`] reads back to the same outlines.
//!
//! Folders are what feed readers make of categories: an outline without `xmlUrl` that holds
//! other outlines is a folder, and a feed's category is the names of the folders around it
//! joined with `/` (`News/Spain`). A category is normalized the same way on both sides: split
//! at `/`, each part trimmed, empty parts dropped.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::Serialize;
use time::{OffsetDateTime, UtcOffset};

use crate::feed::decode::decode_text;
use crate::feed::discover_feeds;
use crate::feed::text::{clean, has_scheme};
use crate::feed::xml::{self, Document, Element, ElementId};

/// One feed of a subscription list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outline {
    /// The name the reader shows (the outline's `title`, else its `text`); `None` when the
    /// list gives none, or only repeats the feed's address.
    pub title: Option<String>,
    /// The feed's address (`xmlUrl`), as written (trimmed); relative addresses are kept and
    /// reported.
    pub xml_url: String,
    /// The web site the feed belongs to (`htmlUrl`).
    pub html_url: Option<String>,
    /// The folders around the feed joined with `/` (`News/Spain`), or the outline's own
    /// `category` attribute; `None` at the top level.
    pub category: Option<String>,
}

/// What [`parse_opml`] made of a subscription list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParsedOpml {
    /// The list's `<head><title>`.
    pub title: Option<String>,
    /// The feeds, in document order, each address once.
    pub outlines: Vec<Outline>,
    /// What was skipped or guessed, one plain-English sentence each.
    pub problems: Vec<String>,
}

/// How many problems a list reports before summing up the rest.
const MAX_PROBLEMS: usize = 100;

/// How many levels of folders make a category; deeper folders are filed in the deepest one.
const MAX_FOLDER_DEPTH: usize = 32;

/// Reads an OPML subscription list.
///
/// Every `<outline>` with an `xmlUrl` attribute (the attribute's name in any case: `xmlUrl`,
/// `xmlurl`, `XMLURL` are all met), at any depth, becomes an [`Outline`]: its title from
/// `title`, else `text`; its `htmlUrl`; its category from its `category` attribute (the first
/// of a comma-separated list) or else from the folders around it. An address already seen is
/// kept once; an outline that has no `xmlUrl` and holds no outlines is skipped; outlines of
/// type `rss`, `atom` or none are expected, others with an `xmlUrl` are read as feeds. All of
/// these, a relative `xmlUrl` (kept as written), a file cut off in transit (what came before
/// the cut is kept) and input that is no OPML at all (HTML, a feed, JSON, garbage, nothing)
/// are reported in [`ParsedOpml::problems`]. Never fails, never panics.
pub fn parse_opml(bytes: &[u8]) -> ParsedOpml {
    let mut problems = Vec::new();
    let text = decode_text(bytes, &mut problems);
    let start =
        text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}' || c == '\0');
    let (title, outlines) = match start.chars().next() {
        None => {
            problems.push("the document is empty: it is not an OPML subscription list".into());
            (None, Vec::new())
        }
        Some('{') | Some('[') => {
            problems.push("the document is JSON, not an OPML subscription list".into());
            (None, Vec::new())
        }
        Some('<') => read_xml(start, &mut problems),
        Some(_) => {
            let preview: String = start.chars().take(20).collect();
            problems.push(format!(
                "the document is not XML, so not an OPML subscription list: it starts with {preview:?}"
            ));
            (None, Vec::new())
        }
    };
    if problems.len() > MAX_PROBLEMS {
        let n_more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(format!("... and {n_more} more problems"));
    }
    ParsedOpml {
        title,
        outlines,
        problems,
    }
}

/// Reads the XML document `src`: the list's title and its feeds.
fn read_xml(src: &str, problems: &mut Vec<String>) -> (Option<String>, Vec<Outline>) {
    let doc = xml::parse(src, None, problems);
    let Some(root) = doc.root() else {
        problems.push(
            "no XML element found: the document is not an OPML subscription list".to_string(),
        );
        return (None, Vec::new());
    };
    let root_element = doc.get(root);
    let name = root_element.local();
    if !name.eq_ignore_ascii_case("opml") {
        problems.push(not_opml_message(name, src));
        return (None, Vec::new());
    }
    if let Some(version) = attr(root_element, "version")
        && !matches!(version.trim(), "1.0" | "1.1" | "2.0")
    {
        problems.push(format!(
            "the OPML version is {version:?}, not 1.0 or 2.0; read it as OPML 2.0"
        ));
    }

    let child_named = |parent: ElementId, name: &str| {
        doc.children(parent)
            .find(|&id| doc.get(id).local().eq_ignore_ascii_case(name))
    };
    let title = child_named(root, "head")
        .and_then(|head| child_named(head, "title"))
        .and_then(|title| clean(doc.text(title)));
    let bodies: Vec<ElementId> = doc
        .children(root)
        .filter(|&id| doc.get(id).local().eq_ignore_ascii_case("body"))
        .collect();
    let tops: Vec<ElementId> = if bodies.is_empty() {
        let tops: Vec<ElementId> = outline_children(&doc, root).collect();
        if !tops.is_empty() {
            problems.push(
                "the OPML list has no <body>; read the outlines directly under <opml>".to_string(),
            );
        }
        tops
    } else {
        bodies
            .iter()
            .flat_map(|&body| outline_children(&doc, body))
            .collect()
    };

    let mut reader = Reader {
        doc: &doc,
        problems,
        outlines: Vec::new(),
        seen: HashMap::new(),
        reported_depth: false,
    };
    reader.walk(tops);
    let outlines = reader.outlines;
    if outlines.is_empty() {
        problems.push("the OPML list holds no feeds".to_string());
    }
    report_entities(&doc, problems);
    (title, outlines)
}

/// The sentence for an XML document whose root is `<name>` rather than `<opml>`.
fn not_opml_message(name: &str, src: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "html" | "head" | "body" => {
            let mut message =
                "the document is an HTML page, not an OPML subscription list".to_string();
            let feeds = discover_feeds(src.as_bytes(), None);
            if let Some(feed) = feeds.first() {
                message.push_str(&format!("; it links to a feed at {}", feed.url));
            }
            message
        }
        "rss" | "rdf" | "feed" | "channel" => format!(
            "the document is a news feed (<{name}>), not an OPML subscription list; subscribe to it directly"
        ),
        _ => format!(
            "the root element is <{name}>, not <opml>: the document is not an OPML subscription list"
        ),
    }
}

/// The `<outline>` children of `parent` (the name in any case).
fn outline_children<'d>(
    doc: &'d Document<'_>,
    parent: ElementId,
) -> impl Iterator<Item = ElementId> + 'd {
    doc.children(parent)
        .filter(|&id| doc.get(id).local().eq_ignore_ascii_case("outline"))
}

/// The value of the attribute `name`, matched in any case.
fn attr<'e>(element: &'e Element<'_>, name: &str) -> Option<&'e str> {
    element
        .attrs
        .iter()
        .find(|(qname, _)| qname.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_ref())
}

/// The cleaned value of the attribute `name`, when it has a non-blank one.
fn clean_attr(element: &Element<'_>, name: &str) -> Option<String> {
    attr(element, name).and_then(|value| clean(value.into()))
}

/// A category written as folder names or a `category` attribute, normalized: parts between
/// `/` trimmed, empty parts dropped; `None` when nothing is left.
fn normalize_category(raw: &str) -> Option<String> {
    let parts: Vec<&str> = category_parts(raw).collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The non-empty, trimmed parts of a category between `/`.
fn category_parts(raw: &str) -> impl Iterator<Item = &str> {
    raw.split('/')
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

/// Walks the outline tree, collecting feeds.
struct Reader<'d, 'a, 'p> {
    doc: &'d Document<'a>,
    problems: &'p mut Vec<String>,
    outlines: Vec<Outline>,
    /// Addresses seen so far, with how the outline that had them first is named.
    seen: HashMap<String, String>,
    reported_depth: bool,
}

/// An outline waiting to be read: its id, the category of the folders around it and how many
/// folder levels made that category.
type Pending = (ElementId, Option<Rc<str>>, usize);

impl Reader<'_, '_, '_> {
    /// Reads the outlines `tops` and everything inside them, in document order (without
    /// recursion, so deep nesting cannot exhaust the stack).
    fn walk(&mut self, tops: Vec<ElementId>) {
        let mut stack: Vec<Pending> = tops.into_iter().rev().map(|id| (id, None, 0)).collect();
        while let Some((id, category, depth)) = stack.pop() {
            let children: Vec<ElementId> = outline_children(self.doc, id).collect();
            let is_feed = self.read_outline(id, &category, &children);
            if children.is_empty() {
                continue;
            }
            let (inner_category, inner_depth) = if is_feed {
                (category, depth)
            } else {
                self.folder_category(id, category, depth)
            };
            stack.extend(
                children
                    .into_iter()
                    .rev()
                    .map(|child| (child, inner_category.clone(), inner_depth)),
            );
        }
    }

    /// Reads one outline: a feed is added and true returned; a folder returns false; anything
    /// else is reported.
    fn read_outline(
        &mut self,
        id: ElementId,
        category: &Option<Rc<str>>,
        children: &[ElementId],
    ) -> bool {
        let element = self.doc.get(id);
        let kind = attr(element, "type").map(str::trim).unwrap_or("");
        let name = self.describe(id);
        let mut xml_url = clean_attr(element, "xmlUrl");
        if xml_url.is_none()
            && (kind.eq_ignore_ascii_case("rss") || kind.eq_ignore_ascii_case("atom"))
            && let Some(url) = clean_attr(element, "url")
        {
            self.problems.push(format!(
                "{name} has no xmlUrl; took its url attribute {url:?} as the feed's address"
            ));
            xml_url = Some(url);
        }
        let Some(xml_url) = xml_url else {
            if children.is_empty() {
                let message = match clean_attr(element, "url") {
                    Some(url) if !kind.is_empty() => format!(
                        "{name} has no xmlUrl (it is of type {kind:?} and points to {url}); skipped"
                    ),
                    _ => format!("{name} has no xmlUrl; skipped"),
                };
                self.problems.push(message);
            }
            return false;
        };

        if !(kind.is_empty()
            || kind.eq_ignore_ascii_case("rss")
            || kind.eq_ignore_ascii_case("atom"))
        {
            self.problems.push(format!(
                "{name} is of type {kind:?}, not \"rss\"; read it as a feed since it has an xmlUrl"
            ));
        }
        if !has_scheme(&xml_url) {
            self.problems.push(format!(
                "{name} has the relative xmlUrl {xml_url:?}; kept as written"
            ));
        }
        if !children.is_empty() {
            self.problems.push(format!(
                "{name} is a feed and holds other outlines; read them too, in the same folder"
            ));
        }
        if let Some(first) = self.seen.get(&xml_url) {
            self.problems.push(format!(
                "{name} repeats the feed {xml_url} of {first}; kept it once"
            ));
            return true;
        }
        let title = clean_attr(element, "title")
            .or_else(|| clean_attr(element, "text").filter(|text| *text != xml_url));
        let own_category =
            attr(element, "category").and_then(|raw| raw.split(',').find_map(normalize_category));
        let category = own_category.or_else(|| category.as_deref().map(str::to_string));
        self.seen.insert(xml_url.clone(), name);
        self.outlines.push(Outline {
            title,
            xml_url,
            html_url: clean_attr(element, "htmlUrl"),
            category,
        });
        true
    }

    /// The category inside the folder `id`, given the category around it.
    fn folder_category(
        &mut self,
        id: ElementId,
        category: Option<Rc<str>>,
        depth: usize,
    ) -> (Option<Rc<str>>, usize) {
        let element = self.doc.get(id);
        let folder_name = clean_attr(element, "text").or_else(|| clean_attr(element, "title"));
        let Some(folder_name) = folder_name.as_deref().and_then(normalize_category) else {
            self.problems.push(format!(
                "the folder outline on line {} has no name; its feeds are filed in the folder around it",
                self.doc.line_of(element.start)
            ));
            return (category, depth);
        };
        if depth >= MAX_FOLDER_DEPTH {
            if !self.reported_depth {
                self.reported_depth = true;
                self.problems.push(format!(
                    "folders are nested more than {MAX_FOLDER_DEPTH} deep; the feeds of deeper folders are filed in the folder at that depth"
                ));
            }
            return (category, depth);
        }
        let inner: Rc<str> = match &category {
            Some(outer) => format!("{outer}/{folder_name}").into(),
            None => folder_name.into(),
        };
        (Some(inner), depth + 1)
    }

    /// `outline 'Name'` for messages, or `the outline on line N` when it has no name.
    fn describe(&self, id: ElementId) -> String {
        let element = self.doc.get(id);
        match clean_attr(element, "title").or_else(|| clean_attr(element, "text")) {
            Some(name) => {
                let short: String = name.chars().take(60).collect();
                format!("outline '{short}'")
            }
            None => format!("the outline on line {}", self.doc.line_of(element.start)),
        }
    }
}

/// Notes the entities XML does not know that the list used.
fn report_entities(doc: &Document<'_>, problems: &mut Vec<String>) {
    let undeclared = doc.undeclared_entities();
    for (decoded, what) in [
        (true, "decoded HTML entities the XML does not declare"),
        (false, "kept unknown entities as written"),
    ] {
        let list: Vec<String> = undeclared
            .iter()
            .filter(|(_, _, is_html)| *is_html == decoded)
            .take(5)
            .map(|(name, count, _)| format!("&{name}; ({count}x)"))
            .collect();
        if !list.is_empty() {
            problems.push(format!("{what}: {}", list.join(", ")));
        }
    }
}

/// Writes an OPML 2.0 subscription list in UTF-8.
///
/// `title` goes in `<head><title>`, `created` (when given) in `<dateCreated>` as RFC 822 in
/// GMT. Outlines are grouped in folder outlines by category (`News/Spain` is a folder `Spain`
/// in a folder `News`), folders and feeds in the order of their first appearance, each feed
/// as `<outline type="rss" text=… title=… xmlUrl=… htmlUrl=…/>`; a feed without a title gets
/// its address as `text` and no `title`. Attribute values and text are XML-escaped; control
/// characters are dropped, except tab and line breaks, which are written as character
/// references. Outlines whose address is blank or repeats an earlier one's are left out,
/// and folders deeper than 32 levels are written as one folder whose name holds the rest of
/// the path.
///
/// [`parse_opml`] reads the result back to the same outlines once they are in this order and
/// normalized as written (blank values as `None`, values trimmed, categories as described in
/// the module documentation).
pub fn write_opml(title: &str, created: Option<OffsetDateTime>, outlines: &[Outline]) -> String {
    let mut out = String::with_capacity(256 + outlines.len() * 160);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>",
    );
    escape_into(writable(title).trim(), &mut out);
    out.push_str("</title>\n");
    if let Some(created) = created.and_then(rfc822) {
        out.push_str("    <dateCreated>");
        out.push_str(&created);
        out.push_str("</dateCreated>\n");
    }
    out.push_str("  </head>\n  <body>\n");
    let folders = build_tree(outlines);
    write_folder(&folders, 0, 2, &mut out);
    out.push_str("  </body>\n</opml>\n");
    out
}

/// A folder of the list being written: its name and what it holds, in order.
struct Folder<'o> {
    name: String,
    entries: Vec<Entry<'o>>,
}

/// A feed or a folder (by index into the folder list).
enum Entry<'o> {
    Feed(&'o Outline),
    Folder(usize),
}

/// The folders of `outlines`, the first one being the top level.
fn build_tree(outlines: &[Outline]) -> Vec<Folder<'_>> {
    let mut folders = vec![Folder {
        name: String::new(),
        entries: Vec::new(),
    }];
    let mut written: HashSet<String> = HashSet::new();
    for outline in outlines {
        let xml_url = writable(&outline.xml_url);
        let xml_url = xml_url.trim();
        if xml_url.is_empty() || !written.insert(xml_url.to_string()) {
            continue;
        }
        let category = outline
            .category
            .as_deref()
            .map(writable)
            .unwrap_or_default();
        let parts: Vec<&str> = category_parts(&category).collect();
        let mut names: Vec<String> = Vec::new();
        for (index, part) in parts.iter().enumerate() {
            if index + 1 == MAX_FOLDER_DEPTH {
                names.push(parts[index..].join("/"));
                break;
            }
            names.push((*part).to_string());
        }
        let mut current = 0;
        for name in names {
            let existing = folders[current]
                .entries
                .iter()
                .find_map(|entry| match entry {
                    Entry::Folder(index) if folders[*index].name == name => Some(*index),
                    _ => None,
                });
            current = match existing {
                Some(index) => index,
                None => {
                    let index = folders.len();
                    folders.push(Folder {
                        name,
                        entries: Vec::new(),
                    });
                    folders[current].entries.push(Entry::Folder(index));
                    index
                }
            };
        }
        folders[current].entries.push(Entry::Feed(outline));
    }
    folders
}

/// Writes the entries of folder `index` at `level` levels of indentation (two spaces each).
/// Recursion is bounded by [`MAX_FOLDER_DEPTH`].
fn write_folder(folders: &[Folder<'_>], index: usize, level: usize, out: &mut String) {
    let Some(folder) = folders.get(index) else {
        return;
    };
    let indent = "  ".repeat(level);
    for entry in &folder.entries {
        match entry {
            Entry::Feed(outline) => {
                let xml_url = writable(&outline.xml_url);
                let xml_url = xml_url.trim();
                let title = outline.title.as_deref().map(writable);
                let title = title.as_deref().map(str::trim).filter(|t| !t.is_empty());
                out.push_str(&indent);
                out.push_str("<outline type=\"rss\" text=\"");
                escape_into(title.unwrap_or(xml_url), out);
                if let Some(title) = title {
                    out.push_str("\" title=\"");
                    escape_into(title, out);
                }
                out.push_str("\" xmlUrl=\"");
                escape_into(xml_url, out);
                let html_url = outline.html_url.as_deref().map(writable);
                if let Some(html_url) = html_url.as_deref().map(str::trim).filter(|u| !u.is_empty())
                {
                    out.push_str("\" htmlUrl=\"");
                    escape_into(html_url, out);
                }
                out.push_str("\"/>\n");
            }
            Entry::Folder(child) => {
                let name = folders
                    .get(*child)
                    .map_or("", |folder| folder.name.as_str());
                out.push_str(&indent);
                out.push_str("<outline text=\"");
                escape_into(name, out);
                out.push_str("\" title=\"");
                escape_into(name, out);
                out.push_str("\">\n");
                write_folder(folders, *child, level + 1, out);
                out.push_str(&indent);
                out.push_str("</outline>\n");
            }
        }
    }
}

/// `text` without the characters an OPML file cannot carry (see [`is_writable`]).
fn writable(text: &str) -> String {
    text.chars().filter(|&c| is_writable(c)).collect()
}

/// Whether a list may carry `c`: no control characters other than tab and line breaks, and
/// not the non-characters U+FFFE and U+FFFF.
fn is_writable(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_control(),
    }
}

/// Appends `text` escaped for an XML attribute value or element text (tab and line breaks as
/// character references, so that they survive attribute-value normalization).
fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_writable(c) => out.push(c),
            _ => {}
        }
    }
}

/// A date as RFC 822 in GMT (`Sat, 15 Mar 2025 10:20:30 GMT`), as OPML's `dateCreated` wants;
/// `None` for a date that cannot be moved to UTC or has no four-digit year.
fn rfc822(date: OffsetDateTime) -> Option<String> {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let utc = date.checked_to_offset(UtcOffset::UTC)?;
    if !(0..=9999).contains(&utc.year()) {
        return None;
    }
    let weekday = WEEKDAYS.get(usize::from(utc.weekday().number_days_from_monday()))?;
    let month = MONTHS.get(usize::from(u8::from(utc.month())).checked_sub(1)?)?;
    Some(format!(
        "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
        utc.day(),
        utc.year(),
        utc.hour(),
        utc.minute(),
        utc.second()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc822_dates_are_in_gmt() {
        let date = time::macros::datetime!(2025-03-15 11:20:30 +01:00);
        assert_eq!(
            rfc822(date).as_deref(),
            Some("Sat, 15 Mar 2025 10:20:30 GMT")
        );
    }

    #[test]
    fn escaping_drops_control_characters_and_keeps_line_breaks() {
        let mut out = String::new();
        escape_into("a&b<c>d\"e'f\u{1}\u{7f}\u{85}g\th\ni", &mut out);
        assert_eq!(out, "a&amp;b&lt;c&gt;d&quot;e'fg&#9;h&#10;i");
    }

    #[test]
    fn categories_are_normalized() {
        assert_eq!(
            normalize_category(" News / Spain//"),
            Some("News/Spain".to_string())
        );
        assert_eq!(normalize_category(" / "), None);
    }
}
