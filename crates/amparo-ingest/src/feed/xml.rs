//! A forgiving XML tree for feeds.
//!
//! Real feeds are often not well-formed: unclosed `<br>` inside descriptions, misspelt or
//! stray end tags, bare `&` and `<`, HTML entities nobody declared, undeclared namespace
//! prefixes, files cut off in transit. This reader keeps going where a strict parser stops: an
//! end tag closes the nearest open element with its name (and whatever was left open inside
//! it), a stray end tag closes the innermost element if that one holds only text and is
//! otherwise ignored, and at the end of the input every element still open is marked as not
//! closed so the caller can drop the item that was cut.
//!
//! It is its own small tokenizer rather than a general XML library because feeds are mostly
//! text: the tokenizer jumps from `<` to `<` with `memchr` and never looks at character data
//! while building the tree. Each element remembers the byte range of its content, and
//! [`Document::text`] decodes entities and CDATA only for the fields a mapper reads. (Built on
//! quick-xml's event reader, an escaped-HTML description of 5 KB cost hundreds of entity
//! events and the whole parse stayed below the throughput budget.)

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use memchr::{memchr, memchr3, memmem};
use url::Url;

mod build;

pub(crate) use build::parse;
/// The namespaces a feed mapper cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ns {
    /// No namespace (plain RSS 0.9x/2.0 elements).
    None,
    /// Atom 1.0.
    Atom,
    /// Atom 0.3.
    Atom03,
    /// RSS 1.0.
    Rss10,
    /// RSS 0.90 (Netscape's RDF flavour).
    Rss090,
    /// RDF syntax.
    Rdf,
    /// Dublin Core elements.
    Dc,
    /// Dublin Core terms.
    DcTerms,
    /// RSS 1.0 content module (`content:encoded`).
    Content,
    /// XHTML.
    Xhtml,
    /// iTunes podcasts.
    Itunes,
    /// Any other namespace.
    Other,
}

impl Ns {
    fn from_uri(uri: &str) -> Ns {
        match uri.trim() {
            "http://www.w3.org/2005/Atom" => Ns::Atom,
            "http://purl.org/atom/ns#" => Ns::Atom03,
            "http://purl.org/rss/1.0/" => Ns::Rss10,
            "http://my.netscape.com/rdf/simple/0.9/"
            | "http://channel.netscape.com/rdf/simple/0.9/" => Ns::Rss090,
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => Ns::Rdf,
            "http://purl.org/dc/elements/1.1/" => Ns::Dc,
            "http://purl.org/dc/terms/" => Ns::DcTerms,
            "http://purl.org/rss/1.0/modules/content/" => Ns::Content,
            "http://www.w3.org/1999/xhtml" => Ns::Xhtml,
            "http://backend.userland.com/rss2" | "http://backend.userland.com/rss" => Ns::None,
            other
                if other
                    .to_ascii_lowercase()
                    .contains("itunes.com/dtds/podcast") =>
            {
                Ns::Itunes
            }
            _ => Ns::Other,
        }
    }

    /// The namespace a feed most likely meant by an undeclared prefix such as `atom:link`.
    fn from_prefix(prefix: &str) -> Ns {
        match prefix {
            "atom" => Ns::Atom,
            "dc" => Ns::Dc,
            "dcterms" => Ns::DcTerms,
            "content" => Ns::Content,
            "rdf" => Ns::Rdf,
            "xhtml" => Ns::Xhtml,
            "itunes" => Ns::Itunes,
            _ => Ns::Other,
        }
    }
}

/// Index of an element in [`Document::elements`].
pub(crate) type ElementId = usize;

const NONE: usize = usize::MAX;

/// One element of the tree.
#[derive(Debug)]
pub(crate) struct Element<'a> {
    /// The namespace, resolved from declarations or guessed from a well-known prefix.
    pub ns: Ns,
    /// The qualified name as written (`dc:date`).
    pub qname: &'a str,
    /// Where the local name starts in [`Self::qname`].
    local_start: usize,
    /// Attributes as (qualified name, value with entities decoded).
    pub attrs: Vec<(&'a str, Cow<'a, str>)>,
    /// Whether any element starts inside this one.
    pub has_child_elements: bool,
    /// Byte range of the content, from after the start tag to the end tag.
    pub inner: Range<usize>,
    /// Byte offset of the start tag.
    pub start: usize,
    /// False when the input ended before this element was closed.
    pub closed: bool,
    /// The base URL in effect: the innermost `xml:base`, else the document's URL.
    pub base: Option<Rc<Url>>,
    /// Whether an `xml:base` attribute on this element or an ancestor set [`Self::base`].
    pub explicit_base: bool,
    first_child: usize,
    last_child: usize,
    next_sibling: usize,
}

impl Element<'_> {
    /// The name without its prefix.
    pub fn local(&self) -> &str {
        &self.qname[self.local_start..]
    }

    /// Whether the name has a prefix (`dc:date`), as opposed to a default namespace.
    pub fn prefixed(&self) -> bool {
        self.local_start > 0
    }

    /// The value of the attribute with this qualified name (`type`, `xml:lang`).
    pub fn attr(&self, qname: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(name, _)| *name == qname)
            .map(|(_, value)| value.as_ref())
    }
}

/// A parsed document: the source text and its elements, the first one being the root.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    /// The whole decoded source.
    pub src: &'a str,
    /// All elements in document order; the root, if any, is at index 0.
    pub elements: Vec<Element<'a>>,
    /// Entities declared in an internal DTD subset.
    entities: HashMap<String, String>,
    /// Offsets of the line breaks, computed for the first message that needs a line number.
    line_ends: OnceCell<Vec<usize>>,
    /// Undeclared entities met while decoding text, with their counts and whether HTML
    /// knows them (they were decoded) or not (they were kept as written).
    undeclared: RefCell<Vec<(String, usize, bool)>>,
}

impl<'a> Document<'a> {
    /// The root element, if the document has one.
    pub fn root(&self) -> Option<ElementId> {
        (!self.elements.is_empty()).then_some(0)
    }

    /// The element with this id.
    pub fn get(&self, id: ElementId) -> &Element<'a> {
        &self.elements[id]
    }

    /// The child elements of `id`, in order.
    pub fn children(&self, id: ElementId) -> Children<'_, 'a> {
        Children {
            doc: self,
            next: self.elements[id].first_child,
        }
    }

    /// The raw source between the element's tags, trimmed.
    pub fn inner_xml(&self, id: ElementId) -> &'a str {
        let inner = &self.elements[id].inner;
        self.src.get(inner.clone()).unwrap_or("").trim()
    }

    /// The element's text: its content with entities and CDATA decoded, or, when it holds
    /// child elements (HTML written straight into the feed), its raw inner markup. Trimmed.
    pub fn text(&self, id: ElementId) -> Cow<'a, str> {
        let element = &self.elements[id];
        if element.has_child_elements {
            return Cow::Borrowed(self.inner_xml(id));
        }
        let raw = self.src.get(element.inner.clone()).unwrap_or("");
        match self.decode_text(raw) {
            Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
            Cow::Owned(text) => {
                let trimmed = text.trim();
                if trimmed.len() == text.len() {
                    Cow::Owned(text)
                } else {
                    Cow::Owned(trimmed.to_string())
                }
            }
        }
    }

    /// Decodes character data: entities, CDATA sections, comments, and CR LF line ends.
    fn decode_text(&self, raw: &'a str) -> Cow<'a, str> {
        let bytes = raw.as_bytes();
        let Some(first) = memchr3(b'&', b'<', b'\r', bytes) else {
            return Cow::Borrowed(raw);
        };
        let mut out = String::with_capacity(raw.len());
        out.push_str(&raw[..first]);
        let mut at = first;
        loop {
            let rest = &raw[at..];
            let used = match bytes[at] {
                b'\r' => {
                    out.push('\n');
                    if rest.starts_with("\r\n") { 2 } else { 1 }
                }
                b'&' => self.decode_reference(rest, &mut out),
                _ => {
                    if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
                        let end = memmem::find(cdata.as_bytes(), b"]]>").unwrap_or(cdata.len());
                        out.push_str(&cdata[..end]);
                        (9 + end + 3).min(rest.len())
                    } else if let Some(comment) = rest.strip_prefix("<!--") {
                        memmem::find(comment.as_bytes(), b"-->")
                            .map_or(rest.len(), |end| 4 + end + 3)
                    } else if let Some(pi) = rest.strip_prefix("<?") {
                        memmem::find(pi.as_bytes(), b"?>").map_or(rest.len(), |end| 2 + end + 2)
                    } else {
                        out.push('<');
                        1
                    }
                }
            };
            at += used;
            match memchr3(b'&', b'<', b'\r', &bytes[at..]) {
                Some(next) => {
                    out.push_str(&raw[at..at + next]);
                    at += next;
                }
                None => {
                    out.push_str(&raw[at..]);
                    return Cow::Owned(out);
                }
            }
        }
    }

    /// Decodes entities in an attribute value or other text without markup.
    pub fn decode_entities<'s>(&self, raw: &'s str) -> Cow<'s, str> {
        let bytes = raw.as_bytes();
        let Some(first) = memchr(b'&', bytes) else {
            return Cow::Borrowed(raw);
        };
        let mut out = String::with_capacity(raw.len());
        out.push_str(&raw[..first]);
        let mut at = first;
        loop {
            at += self.decode_reference(&raw[at..], &mut out);
            match memchr(b'&', &bytes[at..]) {
                Some(next) => {
                    out.push_str(&raw[at..at + next]);
                    at += next;
                }
                None => {
                    out.push_str(&raw[at..]);
                    return Cow::Owned(out);
                }
            }
        }
    }

    /// Decodes the reference at the start of `text` (which starts with `&`) into `out` and
    /// returns the number of bytes used. A bare `&` or an unknown name is kept as written.
    fn decode_reference(&self, text: &str, out: &mut String) -> usize {
        let body = &text.as_bytes()[1..];
        let end = body
            .iter()
            .take(40)
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'#' | b'_' | b'-' | b'.')));
        let Some(end) = end.filter(|&end| body.get(end) == Some(&b';') && end > 0) else {
            out.push('&');
            return 1;
        };
        let name = &text[1..1 + end];
        let used = end + 2;
        let predefined = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        };
        if let Some(c) = predefined {
            out.push(c);
            return used;
        }
        if let Some(number) = name.strip_prefix('#') {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse::<u32>().ok(),
            };
            match code {
                // Windows-1252 code points sent as numeric references, as many feeds do.
                Some(code @ 0x80..=0x9F) => {
                    let byte = [code as u8];
                    out.push_str(
                        &encoding_rs::WINDOWS_1252
                            .decode_without_bom_handling(&byte)
                            .0,
                    );
                }
                Some(code) => out.extend(char::from_u32(code).filter(|c| *c != '\0')),
                None => out.push_str(&text[..used]),
            }
            return used;
        }
        if let Some(value) = self.entities.get(name) {
            out.push_str(value);
            return used;
        }
        let html = quick_xml::escape::resolve_html5_entity(name);
        out.push_str(html.unwrap_or(&text[..used]));
        let mut undeclared = self.undeclared.borrow_mut();
        match undeclared.iter_mut().find(|(known, _, _)| known == name) {
            Some((_, count, _)) => *count += 1,
            None => undeclared.push((name.to_string(), 1, html.is_some())),
        }
        used
    }

    /// Reads `<!ENTITY name "value">` declarations from a DOCTYPE's internal subset.
    fn read_entity_declarations(&mut self, doctype: &str) {
        let mut rest = doctype;
        while let Some(at) = rest.find("<!ENTITY") {
            rest = &rest[at + "<!ENTITY".len()..];
            let mut words = rest.trim_start().splitn(2, char::is_whitespace);
            let (Some(name), Some(after)) = (words.next(), words.next()) else {
                break;
            };
            let after = after.trim_start();
            let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = after[1..].find(quote) {
                let value = self.decode_entities(&after[1..1 + end]).into_owned();
                self.entities.insert(name.to_string(), value);
            }
        }
    }

    /// Undeclared entities met so far: name, how often, and whether it was decoded as HTML.
    pub fn undeclared_entities(&self) -> Vec<(String, usize, bool)> {
        self.undeclared.borrow().clone()
    }

    /// The 1-based line number of a byte offset in the source.
    pub fn line_of(&self, offset: usize) -> usize {
        let line_ends = self
            .line_ends
            .get_or_init(|| memchr::memchr_iter(b'\n', self.src.as_bytes()).collect());
        line_ends.partition_point(|&end| end < offset) + 1
    }
}

/// Iterator over the child elements of an element.
pub(crate) struct Children<'d, 'a> {
    doc: &'d Document<'a>,
    next: usize,
}

impl Iterator for Children<'_, '_> {
    type Item = ElementId;

    fn next(&mut self) -> Option<ElementId> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.doc.elements[id].next_sibling;
        Some(id)
    }
}
