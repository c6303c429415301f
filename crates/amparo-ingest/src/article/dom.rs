//! A small, forgiving HTML parser that builds an arena tree for the article extractor.
//!
//! It follows the HTML standard where it matters for text (void elements, raw-text elements,
//! implied `</p>`, `</li>`, `</td>`, character references, end tags that do not cross block
//! or table boundaries) and skips the rest (adoption agency, foster parenting, form
//! pointers). It never fails: every byte sequence gives a tree. Only the attributes the
//! extractor reads are stored, and whitespace-only text costs no allocation, which keeps it
//! fast (hundreds of MB/s).

use memchr::memchr;

use super::entities;
use super::tags::{Attr, RawText, TAG_COUNT, Tag};

/// Index of a node in [`Dom::nodes`].
pub(crate) type NodeId = u32;

/// "No node" in the tree links.
pub(crate) const NONE: NodeId = u32::MAX;

/// The document node is always the first one.
pub(crate) const DOCUMENT: NodeId = 0;

/// Open elements nested deeper than this are kept flat, which bounds all later walks.
const MAX_DEPTH: usize = 400;

/// An element with the attributes the extractor reads.
#[derive(Debug)]
pub(crate) struct Element {
    /// The element's name.
    pub(crate) tag: Tag,
    /// The lower-case name when `tag` is [`Tag::Other`].
    other_name: Option<Box<str>>,
    /// Stored attributes, values with character references decoded.
    attrs: Vec<(Attr, Box<str>)>,
}

impl Element {
    /// The value of `attr`, if present.
    pub(crate) fn attr(&self, attr: Attr) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(name, _)| *name == attr)
            .map(|(_, value)| &**value)
    }

    /// Whether `attr` is present, with any value.
    pub(crate) fn has_attr(&self, attr: Attr) -> bool {
        self.attrs.iter().any(|(name, _)| *name == attr)
    }
}

/// What a node holds.
#[derive(Debug)]
pub(crate) enum NodeData {
    /// The root.
    Document,
    /// An element.
    Element(Element),
    /// Text, with character references decoded and whitespace as written.
    Text(String),
    /// Text made only of whitespace.
    Space,
}

/// One node of the arena tree.
#[derive(Debug)]
pub(crate) struct Node {
    /// What the node holds.
    pub(crate) data: NodeData,
    /// The parent, [`NONE`] for the document.
    pub(crate) parent: NodeId,
    /// The first child, or [`NONE`].
    pub(crate) first_child: NodeId,
    /// The next sibling, or [`NONE`].
    pub(crate) next_sibling: NodeId,
    last_child: NodeId,
}

/// A parsed page. Nodes are stored in document order, so a parent always comes before its
/// children and a reverse scan visits children before parents.
#[derive(Debug)]
pub(crate) struct Dom {
    /// All nodes; index 0 is the document.
    pub(crate) nodes: Vec<Node>,
    /// Whether some elements were kept flat because of [`MAX_DEPTH`].
    pub(crate) too_deep: bool,
}

impl Dom {
    /// Parses `html`. Never fails.
    pub(crate) fn parse(html: &str) -> Dom {
        let mut builder = Builder {
            src: html,
            pos: 0,
            dom: Dom {
                nodes: Vec::with_capacity(html.len() / 64 + 16),
                too_deep: false,
            },
            stack: Vec::new(),
            foreign_depth: 0,
            open_counts: [0; TAG_COUNT],
            name_buffer: Vec::new(),
        };
        builder.dom.nodes.push(Node {
            data: NodeData::Document,
            parent: NONE,
            first_child: NONE,
            next_sibling: NONE,
            last_child: NONE,
        });
        builder.run();
        builder.dom
    }

    /// The element at `id`, if that node is an element.
    pub(crate) fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.nodes[id as usize].data {
            NodeData::Element(element) => Some(element),
            _ => None,
        }
    }

    /// The tag of the element at `id`, [`Tag::Other`] for non-elements.
    pub(crate) fn tag(&self, id: NodeId) -> Tag {
        self.element(id).map_or(Tag::Other, |element| element.tag)
    }

    /// The children of `id`, in order.
    pub(crate) fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut next = self.nodes[id as usize].first_child;
        std::iter::from_fn(move || {
            let current = next;
            (current != NONE).then(|| {
                next = self.nodes[current as usize].next_sibling;
                current
            })
        })
    }

    /// The ancestors of `id`, nearest first, without `id` itself.
    pub(crate) fn ancestors(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut next = self.nodes[id as usize].parent;
        std::iter::from_fn(move || {
            let current = next;
            (current != NONE).then(|| {
                next = self.nodes[current as usize].parent;
                current
            })
        })
    }

    /// The text of `id` and its descendants, concatenated as written.
    pub(crate) fn text_content(&self, id: NodeId) -> String {
        let mut out = String::new();
        let end = self.subtree_end(id);
        for node in &self.nodes[id as usize..end] {
            match &node.data {
                NodeData::Text(text) => out.push_str(text),
                NodeData::Space => out.push(' '),
                _ => {}
            }
        }
        out
    }

    /// One past the last node of the subtree rooted at `id` (nodes are in document order).
    pub(crate) fn subtree_end(&self, id: NodeId) -> usize {
        let mut current = id;
        loop {
            let node = &self.nodes[current as usize];
            if node.next_sibling != NONE {
                return node.next_sibling as usize;
            }
            if node.parent == NONE || current == DOCUMENT {
                return self.nodes.len();
            }
            current = node.parent;
            if current == id {
                return self.nodes.len();
            }
        }
    }
}

struct Builder<'a> {
    src: &'a str,
    pos: usize,
    dom: Dom,
    /// Open elements, outermost first.
    stack: Vec<(NodeId, Tag)>,
    /// How many open elements are `<svg>` or `<math>`.
    foreign_depth: usize,
    /// How many elements of each tag are open, to skip searches that cannot succeed.
    open_counts: [u32; TAG_COUNT],
    name_buffer: Vec<u8>,
}

impl Builder<'_> {
    fn run(&mut self) {
        let bytes = self.src.as_bytes();
        while self.pos < bytes.len() {
            match memchr(b'<', &bytes[self.pos..]) {
                None => {
                    self.text(self.pos, bytes.len());
                    self.pos = bytes.len();
                }
                Some(offset) => {
                    let lt = self.pos + offset;
                    if lt > self.pos {
                        self.text(self.pos, lt);
                    }
                    self.pos = lt;
                    self.markup();
                }
            }
        }
    }

    fn byte(&self, at: usize) -> u8 {
        self.src.as_bytes().get(at).copied().unwrap_or(0)
    }

    /// Handles whatever starts with the `<` at `self.pos`.
    fn markup(&mut self) {
        let next = self.byte(self.pos + 1);
        if next.is_ascii_alphabetic() {
            self.start_tag();
        } else if next == b'/' && self.byte(self.pos + 2).is_ascii_alphabetic() {
            self.end_tag();
        } else if next == b'!' && self.src[self.pos..].starts_with("<!--") {
            let body = self.pos + 4;
            self.pos = match memchr::memmem::find(&self.src.as_bytes()[body..], b"-->") {
                Some(offset) => body + offset + 3,
                None => self.src.len(),
            };
            // `<!-->` and `<!--->` are complete (empty) comments.
            if self.src[body..].starts_with('>') {
                self.pos = body + 1;
            } else if self.src[body..].starts_with("->") {
                self.pos = body + 2;
            }
        } else if next == b'!' && self.src[self.pos..].starts_with("<![CDATA[") {
            // CDATA only means something inside SVG and MathML, which we never read.
            let body = self.pos + 9;
            self.pos = memchr::memmem::find(&self.src.as_bytes()[body..], b"]]>")
                .map_or(self.src.len(), |offset| body + offset + 3);
        } else if matches!(next, b'!' | b'?' | b'/') {
            // Doctype, processing instruction or bogus comment: skip to the next `>`.
            self.pos = memchr(b'>', &self.src.as_bytes()[self.pos + 1..])
                .map_or(self.src.len(), |offset| self.pos + 1 + offset + 1);
        } else {
            self.text(self.pos, self.pos + 1);
            self.pos += 1;
        }
    }

    fn current(&self) -> NodeId {
        self.stack.last().map_or(DOCUMENT, |(id, _)| *id)
    }

    fn append(&mut self, data: NodeData) -> NodeId {
        self.append_to(self.current(), data)
    }

    fn append_to(&mut self, parent: NodeId, data: NodeData) -> NodeId {
        let id = self.dom.nodes.len() as NodeId;
        self.dom.nodes.push(Node {
            data,
            parent,
            first_child: NONE,
            next_sibling: NONE,
            last_child: NONE,
        });
        let parent_node = &mut self.dom.nodes[parent as usize];
        let previous = parent_node.last_child;
        parent_node.last_child = id;
        if previous == NONE {
            parent_node.first_child = id;
        } else {
            self.dom.nodes[previous as usize].next_sibling = id;
        }
        id
    }

    /// Appends the text `src[start..end]`, merging it with a preceding text node.
    fn text(&mut self, start: usize, end: usize) {
        let raw = &self.src[start..end];
        let blank = raw.bytes().all(|b| b.is_ascii_whitespace());
        let parent = self.current();
        let last = self.dom.nodes[parent as usize].last_child;
        if last != NONE {
            match &mut self.dom.nodes[last as usize].data {
                NodeData::Text(text) => {
                    if blank {
                        text.push(' ');
                    } else {
                        entities::decode_into(raw, text);
                    }
                    return;
                }
                NodeData::Space if blank => return,
                data @ NodeData::Space => {
                    let mut text = String::from(" ");
                    entities::decode_into(raw, &mut text);
                    *data = NodeData::Text(text);
                    return;
                }
                _ => {}
            }
        }
        if blank {
            self.append(NodeData::Space);
        } else {
            self.append(NodeData::Text(entities::decode(raw)));
        }
    }

    fn start_tag(&mut self) {
        let bytes = self.src.as_bytes();
        let name_start = self.pos + 1;
        let mut cursor = name_start;
        while cursor < bytes.len() && !is_tag_name_end(bytes[cursor]) {
            cursor += 1;
        }
        self.name_buffer.clear();
        self.name_buffer
            .extend(bytes[name_start..cursor].iter().map(u8::to_ascii_lowercase));
        let tag = Tag::from_lowercase(&self.name_buffer);
        let other_name = (tag == Tag::Other).then(|| {
            String::from_utf8_lossy(&self.name_buffer)
                .into_owned()
                .into_boxed_str()
        });
        let Some((attrs, self_closing, after)) = parse_attributes(self.src, cursor, tag) else {
            // The page ends inside the tag: drop the tag, as browsers do.
            self.pos = bytes.len();
            return;
        };
        self.pos = after;
        let in_foreign = self.foreign_depth > 0;
        if !in_foreign {
            self.close_implied(tag);
        }
        if matches!(tag, Tag::Html | Tag::Head | Tag::Body) {
            return;
        }
        let raw = if in_foreign && tag != Tag::Script {
            RawText::No
        } else {
            tag.raw_text()
        };
        let is_json_ld = tag == Tag::Script
            && attrs.iter().any(|(name, value)| {
                *name == Attr::Type && value.to_ascii_lowercase().contains("ld+json")
            });
        let id = self.append(NodeData::Element(Element {
            tag,
            other_name,
            attrs,
        }));
        if raw != RawText::No {
            if !self_closing || !in_foreign {
                self.raw_text(id, raw, is_json_ld);
            }
            return;
        }
        let childless = tag.is_void() || (self_closing && (in_foreign || tag == Tag::Other));
        if childless {
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.dom.too_deep = true;
            return;
        }
        if matches!(tag, Tag::Svg | Tag::Math) {
            self.foreign_depth += 1;
        }
        self.open_counts[tag as usize] += 1;
        self.stack.push((id, tag));
    }

    /// Reads the content of a raw-text element up to its end tag.
    fn raw_text(&mut self, id: NodeId, raw: RawText, is_json_ld: bool) {
        let bytes = self.src.as_bytes();
        let name: &[u8] = &self.name_buffer;
        let start = self.pos;
        let mut search = start;
        let (end, resume) = loop {
            let Some(offset) = memchr(b'<', &bytes[search..]) else {
                break (bytes.len(), bytes.len());
            };
            let lt = search + offset;
            let name_end = lt + 2 + name.len();
            if bytes.get(lt + 1) == Some(&b'/')
                && name_end <= bytes.len()
                && bytes[lt + 2..name_end].eq_ignore_ascii_case(name)
                && bytes.get(name_end).is_none_or(|b| is_tag_name_end(*b))
            {
                let close =
                    memchr(b'>', &bytes[name_end..]).map_or(bytes.len(), |i| name_end + i + 1);
                break (lt, close);
            }
            search = lt + 1;
        };
        self.pos = resume;
        let content = &self.src[start..end];
        let data = match raw {
            RawText::Keep if is_json_ld => NodeData::Text(content.to_string()),
            RawText::Decode => NodeData::Text(entities::decode(content)),
            _ => return,
        };
        self.append_to(id, data);
    }

    fn end_tag(&mut self) {
        let bytes = self.src.as_bytes();
        let name_start = self.pos + 2;
        let mut cursor = name_start;
        while cursor < bytes.len() && !is_tag_name_end(bytes[cursor]) {
            cursor += 1;
        }
        self.name_buffer.clear();
        self.name_buffer
            .extend(bytes[name_start..cursor].iter().map(u8::to_ascii_lowercase));
        let tag = Tag::from_lowercase(&self.name_buffer);
        self.pos = memchr(b'>', &bytes[cursor..]).map_or(bytes.len(), |offset| cursor + offset + 1);
        match tag {
            Tag::Html | Tag::Body | Tag::Head => {}
            Tag::Br => {
                self.append(NodeData::Element(Element {
                    tag: Tag::Br,
                    other_name: None,
                    attrs: Vec::new(),
                }));
            }
            _ => {
                if let Some(index) = self.find_open_for_end(tag) {
                    self.pop_to(index);
                }
            }
        }
    }

    /// Finds the open element an end tag closes, without crossing the boundaries the
    /// standard's "in scope" rules draw.
    fn find_open_for_end(&self, tag: Tag) -> Option<usize> {
        if !tag.is_heading() && self.open_counts[tag as usize] == 0 {
            return None;
        }
        for (index, (id, open)) in self.stack.iter().enumerate().rev() {
            let matches = if tag == Tag::Other {
                *open == Tag::Other
                    && self.dom.element(*id).and_then(|e| e.other_name.as_deref())
                        == std::str::from_utf8(&self.name_buffer).ok()
            } else {
                *open == tag || (tag.is_heading() && open.is_heading())
            };
            if matches {
                return Some(index);
            }
            let stops = if self.foreign_depth > 0 {
                matches!(open, Tag::Svg | Tag::Math) && !matches!(tag, Tag::Svg | Tag::Math)
            } else if tag.is_inline() {
                !open.is_inline()
            } else if tag.is_table_part() {
                matches!(open, Tag::Table | Tag::Template)
            } else {
                open.is_scope_boundary()
            };
            if stops {
                return None;
            }
        }
        None
    }

    /// Closes the elements a new `tag` implicitly ends (`<p>` before a block, `<li>` before
    /// the next `<li>`, cells and rows before the next one, …).
    fn close_implied(&mut self, tag: Tag) {
        use Tag::*;
        match tag {
            Li => self.close_item(&[Li], &[Ul, Ol, Menu]),
            Dd | Dt => self.close_item(&[Dd, Dt], &[Dl]),
            Tr | Tbody | Thead | Tfoot => {
                let sections: &[Tag] = if tag == Tr {
                    &[Table, Tbody, Thead, Tfoot]
                } else {
                    &[Table]
                };
                if let Some(index) = self.position_of(sections, &[]) {
                    self.pop_to(index + 1);
                }
            }
            Td | Th => {
                if let Some(index) = self.position_of(&[Tr], &[Table, Tbody, Thead, Tfoot]) {
                    self.pop_to(index + 1);
                }
            }
            Option | Optgroup => {
                while let Some((_, Option | Optgroup)) = self.stack.last() {
                    if tag == Option && self.stack.last().map(|(_, t)| *t) == Some(Optgroup) {
                        break;
                    }
                    self.pop_to(self.stack.len() - 1);
                }
            }
            A => {
                if let Some(index) = self.position_of(&[A], &[Table, Td, Th, Button]) {
                    self.pop_to(index);
                }
            }
            _ => {}
        }
        if tag.closes_p()
            && let Some(index) = self.position_of(&[P], &[Button])
        {
            self.pop_to(index);
        }
        if tag.is_heading() && self.stack.last().is_some_and(|(_, open)| open.is_heading()) {
            self.pop_to(self.stack.len() - 1);
        }
    }

    /// Closes an open list item (`targets`) unless a list (`lists`) or a sectioning element
    /// is nearer.
    fn close_item(&mut self, targets: &[Tag], lists: &[Tag]) {
        if targets
            .iter()
            .all(|tag| self.open_counts[*tag as usize] == 0)
        {
            return;
        }
        for index in (0..self.stack.len()).rev() {
            let open = self.stack[index].1;
            if targets.contains(&open) {
                self.pop_to(index);
                return;
            }
            let special = !open.is_inline() && !matches!(open, Tag::Div | Tag::P | Tag::Address);
            if lists.contains(&open) || special {
                return;
            }
        }
    }

    /// The index of the nearest open element in `targets`, not looking past `stops` or a
    /// scope boundary.
    fn position_of(&self, targets: &[Tag], stops: &[Tag]) -> Option<usize> {
        if targets
            .iter()
            .all(|tag| self.open_counts[*tag as usize] == 0)
        {
            return None;
        }
        for index in (0..self.stack.len()).rev() {
            let open = self.stack[index].1;
            if targets.contains(&open) {
                return Some(index);
            }
            if stops.contains(&open) || open.is_scope_boundary() {
                return None;
            }
        }
        None
    }

    fn pop_to(&mut self, index: usize) {
        for (_, tag) in self.stack.drain(index..) {
            if matches!(tag, Tag::Svg | Tag::Math) {
                self.foreign_depth -= 1;
            }
            self.open_counts[tag as usize] -= 1;
        }
    }
}

fn is_tag_name_end(byte: u8) -> bool {
    byte.is_ascii_whitespace() || byte == b'/' || byte == b'>'
}

/// Parsed attributes, whether the tag ended with `/>`, and the position after the `>`.
type Attributes = (Vec<(Attr, Box<str>)>, bool, usize);

/// Parses the attributes of a `tag` from `cursor` up to and including the closing `>`.
/// `None` when the page ends first.
fn parse_attributes(src: &str, mut cursor: usize, tag: Tag) -> Option<Attributes> {
    let bytes = src.as_bytes();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while cursor < bytes.len() && bytes[cursor].is_ascii_whitespace() {
            cursor += 1;
        }
        match bytes.get(cursor)? {
            b'>' => return Some((attrs, self_closing, cursor + 1)),
            b'/' => {
                self_closing = true;
                cursor += 1;
                continue;
            }
            _ => self_closing = false,
        }
        let name_start = cursor;
        cursor += 1;
        while cursor < bytes.len()
            && !matches!(bytes[cursor], b'=' | b'>' | b'/')
            && !bytes[cursor].is_ascii_whitespace()
        {
            cursor += 1;
        }
        let name = &bytes[name_start..cursor];
        while cursor < bytes.len() && bytes[cursor].is_ascii_whitespace() {
            cursor += 1;
        }
        let mut value = "";
        if bytes.get(cursor) == Some(&b'=') {
            cursor += 1;
            while cursor < bytes.len() && bytes[cursor].is_ascii_whitespace() {
                cursor += 1;
            }
            match bytes.get(cursor)? {
                quote @ (b'"' | b'\'') => {
                    let start = cursor + 1;
                    let end = start + memchr(*quote, &bytes[start..])?;
                    value = &src[start..end];
                    cursor = end + 1;
                }
                _ => {
                    let start = cursor;
                    while cursor < bytes.len()
                        && bytes[cursor] != b'>'
                        && !bytes[cursor].is_ascii_whitespace()
                    {
                        cursor += 1;
                    }
                    value = &src[start..cursor];
                }
            }
        }
        if let Some(attr) = Attr::from_name(name)
            && attr.is_stored_on(tag)
            && !attrs.iter().any(|(known, _)| *known == attr)
        {
            attrs.push((attr, entities::decode(value).into_boxed_str()));
        }
    }
}
