//! Cutting a page into text blocks: boilerplate subtrees (navigation, comments, hidden
//! parts, class-marked furniture) are dropped, and the remaining text is split at block
//! element boundaries and at `<br><br>` into paragraphs, headings, list items and captions,
//! each with its length and the share of it inside links.

use super::boilerplate::{self, Hint};
use super::dom::{DOCUMENT, Dom, NONE, NodeData, NodeId};
use super::tags::Tag;

/// What kind of element a text block came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Paragraph,
    Heading,
    ListItem,
    Caption,
    /// Text directly in a `<div>` or another container.
    Loose,
}

/// A run of text between block boundaries.
#[derive(Debug)]
pub(crate) struct Block {
    pub(crate) text: String,
    pub(crate) chars: usize,
    pub(crate) link_chars: usize,
    pub(crate) container: NodeId,
    pub(crate) kind: Kind,
}

/// Per node: the class hint, or `None` when the subtree is dropped as boilerplate.
pub(crate) fn element_hints(dom: &Dom, use_class_hints: bool) -> Vec<Option<Hint>> {
    let raw: Vec<Hint> = dom
        .nodes
        .iter()
        .map(|node| match &node.data {
            NodeData::Element(element) if use_class_hints => boilerplate::hint(element),
            _ => Hint::Neutral,
        })
        .collect();
    // Per subtree: the text length, to protect containers that hold most of the page's
    // text, and whether it holds a marked article body (a comment section never does).
    let mut text_len = vec![0u32; dom.nodes.len()];
    let mut holds_body = vec![false; dom.nodes.len()];
    for index in (1..dom.nodes.len()).rev() {
        let node = &dom.nodes[index];
        if let NodeData::Text(text) = &node.data
            && dom.tag(node.parent) != Tag::Script
        {
            text_len[index] += text.len() as u32;
        }
        let parent = node.parent as usize;
        text_len[parent] += text_len[index];
        holds_body[parent] |= holds_body[index] || raw[index] == Hint::Content;
    }
    let page_text = text_len[DOCUMENT as usize].max(1);
    dom.nodes
        .iter()
        .enumerate()
        .map(|(index, node)| {
            let NodeData::Element(element) = &node.data else {
                return Some(Hint::Neutral);
            };
            let hint = raw[index];
            let big = text_len[index] * 2 > page_text && text_len[index] > 2000;
            let furniture =
                boilerplate::is_boilerplate_tag(element.tag) || boilerplate::is_hidden(element);
            let drop = match hint {
                _ if furniture => !big || element.tag == Tag::Script,
                Hint::Comments => !holds_body[index],
                Hint::Boilerplate => !holds_body[index] && !big,
                Hint::Content | Hint::Neutral => false,
            };
            (!drop).then_some(hint)
        })
        .collect()
}

struct Collector<'a> {
    dom: &'a Dom,
    hints: &'a [Option<Hint>],
    blocks: Vec<Block>,
    buffer: String,
    chars: usize,
    link_chars: usize,
    link_depth: usize,
}

pub(crate) fn collect_blocks(dom: &Dom, hints: &[Option<Hint>]) -> Vec<Block> {
    let mut collector = Collector {
        dom,
        hints,
        blocks: Vec::new(),
        buffer: String::new(),
        chars: 0,
        link_chars: 0,
        link_depth: 0,
    };
    collector.visit_children(DOCUMENT, DOCUMENT);
    collector.flush(DOCUMENT);
    collector.blocks
}

impl Collector<'_> {
    fn visit_children(&mut self, parent: NodeId, container: NodeId) {
        let mut child = self.dom.nodes[parent as usize].first_child;
        while child != NONE {
            self.visit(child, container);
            child = self.dom.nodes[child as usize].next_sibling;
        }
    }

    fn visit(&mut self, id: NodeId, container: NodeId) {
        match &self.dom.nodes[id as usize].data {
            NodeData::Text(text) => self.push_text(text),
            NodeData::Space => self.push_space(),
            NodeData::Document => {}
            NodeData::Element(element) => {
                if self.hints[id as usize].is_none() {
                    self.push_space();
                    return;
                }
                let tag = element.tag;
                if tag == Tag::Br {
                    self.line_break(container);
                } else if tag == Tag::Hr {
                    self.flush(container);
                } else if tag.is_inline() || tag == Tag::Other && self.is_inline_other(id) {
                    let link = tag == Tag::A;
                    self.link_depth += usize::from(link);
                    self.visit_children(id, container);
                    self.link_depth -= usize::from(link);
                } else {
                    self.flush(container);
                    self.visit_children(id, id);
                    self.flush(id);
                }
            }
        }
    }

    /// Custom elements with only text inside behave like spans.
    fn is_inline_other(&self, id: NodeId) -> bool {
        self.dom
            .children(id)
            .all(|child| !matches!(self.dom.nodes[child as usize].data, NodeData::Element(_)))
    }

    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.push_space();
            } else {
                self.buffer.push(c);
                self.chars += 1;
                if self.link_depth > 0 {
                    self.link_chars += 1;
                }
            }
        }
    }

    fn push_space(&mut self) {
        if !self.buffer.is_empty() && !self.buffer.ends_with([' ', '\n']) {
            self.buffer.push(' ');
        }
    }

    /// One `<br>` is a line break; two in a row end the block.
    fn line_break(&mut self, container: NodeId) {
        while self.buffer.ends_with(' ') {
            self.buffer.pop();
        }
        if self.buffer.ends_with('\n') {
            self.flush(container);
        } else if !self.buffer.is_empty() {
            self.buffer.push('\n');
        }
    }

    fn flush(&mut self, container: NodeId) {
        let text = self.buffer.trim();
        if !text.is_empty() {
            let kind = match self.dom.tag(container) {
                Tag::P | Tag::Blockquote | Tag::Pre => Kind::Paragraph,
                tag if tag.is_heading() => Kind::Heading,
                Tag::Li | Tag::Dd | Tag::Dt => Kind::ListItem,
                Tag::Figcaption | Tag::Caption => Kind::Caption,
                _ => Kind::Loose,
            };
            self.blocks.push(Block {
                text: text.to_string(),
                chars: self.chars,
                link_chars: self.link_chars,
                container,
                kind,
            });
        }
        self.buffer.clear();
        self.chars = 0;
        self.link_chars = 0;
    }
}
