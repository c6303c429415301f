//! RSS 0.9x, 1.0 (RDF) and 2.0 into the model, with the fallbacks news feeds rely on:
//! Dublin Core (`dc:creator`, `dc:date`), `content:encoded`, iTunes and embedded Atom.

use std::borrow::Cow;

use url::Url;

use super::atom;
use super::text::{absolutize_html, clean, person_label, resolve, split_person};
use super::xml::{Document, ElementId, Ns};
use super::{FeedFormat, FeedItem, Mapped, ParsedFeed, date_of};

/// Whether an element is a plain RSS element: no namespace, an RSS 1.0/0.90 namespace, or an
/// unknown default namespace.
fn is_plain(doc: &Document<'_>, id: ElementId) -> bool {
    let element = doc.get(id);
    match element.ns {
        Ns::None | Ns::Rss10 | Ns::Rss090 => true,
        Ns::Other => !element.prefixed(),
        _ => false,
    }
}

/// The elements of a channel or item that the model reads, first occurrence of each.
#[derive(Default)]
struct Fields {
    title: Option<ElementId>,
    link: Option<ElementId>,
    guid: Option<ElementId>,
    description: Option<ElementId>,
    pub_date: Option<ElementId>,
    last_build_date: Option<ElementId>,
    language: Option<ElementId>,
    author: Option<ElementId>,
    content_encoded: Option<ElementId>,
    dc_title: Option<ElementId>,
    dc_date: Option<ElementId>,
    dc_modified: Option<ElementId>,
    dc_creator: Option<ElementId>,
    dc_description: Option<ElementId>,
    dc_language: Option<ElementId>,
    atom_title: Option<ElementId>,
    atom_link: Option<String>,
    atom_published: Option<ElementId>,
    atom_updated: Option<ElementId>,
    atom_author: Option<ElementId>,
    atom_summary: Option<ElementId>,
    atom_content: Option<ElementId>,
    itunes_author: Option<ElementId>,
    itunes_summary: Option<ElementId>,
    items: Vec<ElementId>,
}

impl Fields {
    /// Collects the fields among the children of `parent` in one pass.
    fn read(doc: &Document<'_>, parent: ElementId) -> Fields {
        let mut fields = Fields::default();
        let set = |slot: &mut Option<ElementId>, id: ElementId| {
            if slot.is_none() {
                *slot = Some(id);
            }
        };
        for child in doc.children(parent) {
            let element = doc.get(child);
            let local = element.local();
            if is_plain(doc, child) {
                match local {
                    "item" => fields.items.push(child),
                    "title" => set(&mut fields.title, child),
                    // Skip empty links: some feeds write `<link/>` before the real one.
                    "link" if fields.link.is_none() && !doc.text(child).is_empty() => {
                        fields.link = Some(child)
                    }
                    "guid" => set(&mut fields.guid, child),
                    "description" => set(&mut fields.description, child),
                    "pubDate" => set(&mut fields.pub_date, child),
                    "lastBuildDate" => set(&mut fields.last_build_date, child),
                    "language" => set(&mut fields.language, child),
                    "author" => set(&mut fields.author, child),
                    _ => {}
                }
                continue;
            }
            match (element.ns, local) {
                (Ns::Content, "encoded") => set(&mut fields.content_encoded, child),
                (Ns::Dc | Ns::DcTerms, "title") => set(&mut fields.dc_title, child),
                (Ns::Dc | Ns::DcTerms, "date" | "created" | "issued") => {
                    set(&mut fields.dc_date, child)
                }
                (Ns::Dc | Ns::DcTerms, "modified") => set(&mut fields.dc_modified, child),
                (Ns::Dc | Ns::DcTerms, "creator" | "author") => set(&mut fields.dc_creator, child),
                (Ns::Dc | Ns::DcTerms, "description" | "abstract") => {
                    set(&mut fields.dc_description, child)
                }
                (Ns::Dc | Ns::DcTerms, "language") => set(&mut fields.dc_language, child),
                (Ns::Atom | Ns::Atom03, "title") => set(&mut fields.atom_title, child),
                (Ns::Atom | Ns::Atom03, "link") if fields.atom_link.is_none() => {
                    fields.atom_link = atom::alternate_href(doc, child);
                }
                (Ns::Atom | Ns::Atom03, "published" | "issued") => {
                    set(&mut fields.atom_published, child)
                }
                (Ns::Atom | Ns::Atom03, "updated" | "modified") => {
                    set(&mut fields.atom_updated, child)
                }
                (Ns::Atom | Ns::Atom03, "author") => set(&mut fields.atom_author, child),
                (Ns::Atom | Ns::Atom03, "summary") => set(&mut fields.atom_summary, child),
                (Ns::Atom | Ns::Atom03, "content") => set(&mut fields.atom_content, child),
                (Ns::Itunes, "author") => set(&mut fields.itunes_author, child),
                (Ns::Itunes, "summary") => set(&mut fields.itunes_summary, child),
                _ => {}
            }
        }
        fields
    }
}

/// Maps a document whose root is `<rss>` (or a bare `<channel>`).
pub(super) fn map_rss(doc: &Document<'_>, root: ElementId, problems: &mut Vec<String>) -> Mapped {
    let version = doc.get(root).attr("version").map(str::trim).unwrap_or("");
    let format = if version.starts_with("0.") {
        FeedFormat::Rss0
    } else {
        FeedFormat::Rss2
    };
    let channel = if doc.get(root).local() == "channel" {
        Some(root)
    } else {
        doc.children(root)
            .find(|&c| doc.get(c).local() == "channel")
    };
    map_channel(doc, root, channel, format, problems)
}

/// Maps an RDF document (`<rdf:RDF>`): RSS 1.0, or RSS 0.90 by its namespace.
pub(super) fn map_rdf(doc: &Document<'_>, root: ElementId, problems: &mut Vec<String>) -> Mapped {
    let channel = doc
        .children(root)
        .find(|&c| doc.get(c).local() == "channel");
    let is_090 = channel.is_some_and(|c| doc.get(c).ns == Ns::Rss090)
        || doc
            .get(root)
            .attrs
            .iter()
            .any(|(_, value)| value.contains("netscape.com/rdf/simple/0.9"));
    let format = if is_090 {
        FeedFormat::Rss0
    } else {
        FeedFormat::Rss1
    };
    map_channel(doc, root, channel, format, problems)
}

fn map_channel(
    doc: &Document<'_>,
    root: ElementId,
    channel: Option<ElementId>,
    format: FeedFormat,
    problems: &mut Vec<String>,
) -> Mapped {
    let mut feed = ParsedFeed {
        format,
        title: None,
        link: None,
        language: None,
        updated: None,
        items: Vec::new(),
        problems: Vec::new(),
    };
    // Items live in the channel (RSS 2.0) or beside it (RSS 1.0, some 0.9x).
    let mut item_ids = if channel == Some(root) {
        Vec::new()
    } else {
        Fields::read(doc, root).items
    };
    let mut channel_base: Option<Url> = None;
    match channel {
        Some(channel) => {
            let fields = Fields::read(doc, channel);
            feed.title = first_text(doc, &[fields.title, fields.dc_title]).or_else(|| {
                fields
                    .atom_title
                    .and_then(|id| atom::text_construct(doc, id))
            });
            feed.link = fields
                .link
                .and_then(|id| link_of(doc, id))
                .or(fields.atom_link);
            feed.language = first_text(doc, &[fields.language, fields.dc_language]).or_else(|| {
                doc.get(channel)
                    .attr("xml:lang")
                    .and_then(|lang| clean(Cow::Borrowed(lang)))
            });
            feed.updated = [
                fields.last_build_date,
                fields.dc_date,
                fields.dc_modified,
                fields.atom_updated,
                fields.pub_date,
            ]
            .into_iter()
            .flatten()
            .find_map(|id| date_of(doc, id, problems));
            channel_base = feed.link.as_deref().and_then(|link| Url::parse(link).ok());
            item_ids.extend(fields.items);
            item_ids.sort_unstable();
        }
        None => problems.push(format!(
            "the <{}> element has no <channel>",
            doc.get(root).qname
        )),
    }
    let mut cut_off = Vec::with_capacity(item_ids.len());
    for id in item_ids {
        feed.items
            .push(map_item(doc, id, channel_base.as_ref(), problems));
        cut_off.push(!doc.get(id).closed);
    }
    Mapped { feed, cut_off }
}

fn map_item(
    doc: &Document<'_>,
    id: ElementId,
    channel_base: Option<&Url>,
    problems: &mut Vec<String>,
) -> FeedItem {
    let fields = Fields::read(doc, id);
    let base_for = |element: ElementId| doc.get(element).base.as_deref().or(channel_base).cloned();
    let link = match fields.link {
        Some(link) => clean(doc.text(link)).map(|href| resolve(&href, base_for(link).as_ref())),
        None => fields.atom_link,
    };
    let author = fields
        .author
        .or(fields.dc_creator)
        .or(fields.itunes_author)
        .and_then(|id| {
            let (name, email) = split_person(&doc.text(id));
            person_label(name, email)
        })
        .or_else(|| fields.atom_author.and_then(|id| atom::person(doc, id)));
    let summary = [
        fields.description,
        fields.dc_description,
        fields.itunes_summary,
    ]
    .into_iter()
    .flatten()
    .find_map(|id| html_text(doc, id))
    .or_else(|| {
        fields
            .atom_summary
            .and_then(|id| atom::text_construct(doc, id))
    });
    let content = fields
        .content_encoded
        .and_then(|id| html_text(doc, id))
        .or_else(|| fields.atom_content.and_then(|id| atom::content(doc, id)));
    let published = [fields.pub_date, fields.dc_date, fields.atom_published]
        .into_iter()
        .flatten()
        .find_map(|id| date_of(doc, id, problems));
    let updated = [fields.atom_updated, fields.dc_modified, fields.dc_date]
        .into_iter()
        .flatten()
        .find_map(|id| date_of(doc, id, problems));
    FeedItem {
        id: fields.guid.and_then(|id| clean(doc.text(id))),
        title: first_text(doc, &[fields.title, fields.dc_title]).or_else(|| {
            fields
                .atom_title
                .and_then(|id| atom::text_construct(doc, id))
        }),
        link,
        published,
        updated,
        author,
        summary,
        content,
    }
}

/// The cleaned text of the first element that has some.
fn first_text(doc: &Document<'_>, ids: &[Option<ElementId>]) -> Option<String> {
    ids.iter().flatten().find_map(|&id| clean(doc.text(id)))
}

/// A link element's text made absolute against its base.
fn link_of(doc: &Document<'_>, id: ElementId) -> Option<String> {
    let href = clean(doc.text(id))?;
    Some(resolve(&href, doc.get(id).base.as_deref()))
}

/// HTML or text from an RSS element, with relative URLs made absolute where the feed set an
/// `xml:base`.
fn html_text(doc: &Document<'_>, id: ElementId) -> Option<String> {
    let text = clean(doc.text(id))?;
    let element = doc.get(id);
    match &element.base {
        Some(base) if element.explicit_base && text.contains('=') => {
            Some(absolutize_html(&text, base))
        }
        _ => Some(text),
    }
}
