//! Building the forgiving tree: a small tokenizer that jumps from `<` to `<` and the rules
//! that keep broken documents readable (see the parent module).

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use memchr::{memchr, memchr3, memmem};
use url::Url;

use super::{Document, Element, ElementId, NONE, Ns};

/// How many malformations of one kind to report before staying quiet about the rest.
const MAX_REPORTS: usize = 3;

/// How many open elements an end tag is matched against, innermost first.
const MAX_END_TAG_SEARCH: usize = 256;

/// Parses `src` into a forgiving tree, noting malformations in `problems`.
pub(crate) fn parse<'a>(
    src: &'a str,
    doc_base: Option<Rc<Url>>,
    problems: &mut Vec<String>,
) -> Document<'a> {
    let mut builder = Builder {
        doc: Document {
            src,
            elements: Vec::new(),
            entities: HashMap::new(),
            undeclared: RefCell::new(Vec::new()),
            line_ends: OnceCell::new(),
        },
        stack: Vec::new(),
        scopes: Vec::new(),
        bindings: HashMap::new(),
        doc_base,
        problems,
        n_stray_ends: 0,
        n_stray_lts: 0,
    };
    let bytes = src.as_bytes();
    let mut position = 0;
    while let Some(found) = memchr(b'<', &bytes[position..]) {
        let at = position + found;
        let rest = &bytes[at..];
        let next = if rest.starts_with(b"<!--") {
            builder.skip_past(at, 4, b"-->", "a comment")
        } else if rest.starts_with(b"<![CDATA[") {
            builder.skip_past(at, 9, b"]]>", "a CDATA section")
        } else if rest.starts_with(b"<?") {
            builder.skip_past(at, 2, b"?>", "a processing instruction")
        } else if rest.starts_with(b"<!") {
            builder.declaration(at)
        } else if rest.starts_with(b"</") {
            builder.end_tag(at)
        } else {
            builder.start_tag(at)
        };
        match next {
            Some(next) => position = next,
            None => break,
        }
    }
    builder.finish()
}

/// A namespace declaration in scope: its prefix ("" for the default) and the depth of the
/// element that made it.
struct Scope<'a> {
    prefix: &'a str,
    depth: usize,
}

/// The state of [`parse`] between tags.
struct Builder<'a, 'p> {
    doc: Document<'a>,
    /// Open elements, innermost last.
    stack: Vec<ElementId>,
    /// Declarations in the order they were made, to undo them when their element closes.
    scopes: Vec<Scope<'a>>,
    /// The namespaces bound to each prefix, innermost last.
    bindings: HashMap<&'a str, Vec<Ns>>,
    doc_base: Option<Rc<Url>>,
    problems: &'p mut Vec<String>,
    n_stray_ends: usize,
    n_stray_lts: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'a> Builder<'a, '_> {
    /// Skips a construct that ends with `terminator`; returns where to go on, or `None` at
    /// the end of the input.
    fn skip_past(
        &mut self,
        at: usize,
        prefix_len: usize,
        terminator: &[u8],
        what: &str,
    ) -> Option<usize> {
        let from = at + prefix_len;
        match memmem::find(&self.doc.src.as_bytes()[from..], terminator) {
            Some(end) => Some(from + end + terminator.len()),
            None => {
                self.problems.push(format!(
                    "the document ends inside {what} that starts on line {}",
                    self.doc.line_of(at)
                ));
                None
            }
        }
    }

    /// `<!DOCTYPE ...>` (reading entity declarations from its internal subset) and other
    /// declarations.
    fn declaration(&mut self, at: usize) -> Option<usize> {
        let bytes = self.doc.src.as_bytes();
        let close = memchr(b'>', &bytes[at..]).map(|i| at + i);
        let open_bracket = memchr(b'[', &bytes[at..]).map(|i| at + i);
        let end = match (open_bracket, close) {
            (Some(open), Some(close)) if open < close => memmem::find(&bytes[open..], b"]")
                .and_then(|i| memchr(b'>', &bytes[open + i..]).map(|j| open + i + j)),
            _ => close,
        };
        let Some(end) = end else {
            self.problems.push(format!(
                "the document ends inside a declaration on line {}",
                self.doc.line_of(at)
            ));
            return None;
        };
        let declaration = &self.doc.src[at..end];
        if declaration.contains("<!ENTITY") {
            self.doc.read_entity_declarations(declaration);
        }
        Some(end + 1)
    }

    /// `</name>`.
    fn end_tag(&mut self, at: usize) -> Option<usize> {
        let bytes = self.doc.src.as_bytes();
        let Some(close) = memchr(b'>', &bytes[at..]).map(|i| at + i) else {
            self.problems.push(format!(
                "the document ends inside an end tag on line {}",
                self.doc.line_of(at)
            ));
            return None;
        };
        let name = self.doc.src[at + 2..close].trim_end();
        let root_closed = self.close(name, at);
        (!root_closed).then_some(close + 1)
    }

    /// `<name attributes>` or `<name attributes/>`, or a `<` that starts no tag.
    fn start_tag(&mut self, at: usize) -> Option<usize> {
        let src = self.doc.src;
        let bytes = src.as_bytes();
        let name_end = bytes[at + 1..]
            .iter()
            .position(|&b| is_space(b) || b == b'/' || b == b'>')
            .map_or(bytes.len(), |i| at + 1 + i);
        let qname = &src[at + 1..name_end];
        let starts_like_name = qname
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':');
        if !starts_like_name {
            self.n_stray_lts += 1;
            if self.n_stray_lts <= MAX_REPORTS {
                self.problems.push(format!(
                    "a \"<\" on line {} starts no tag; read it as text",
                    self.doc.line_of(at)
                ));
            }
            return Some(at + 1);
        }
        // The tag ends at the first `>` outside quotes.
        let mut quote = 0u8;
        let mut close = None;
        let mut i = name_end;
        while i < bytes.len() {
            if quote != 0 {
                match memchr(quote, &bytes[i..]) {
                    Some(j) => {
                        i += j + 1;
                        quote = 0;
                        continue;
                    }
                    None => break,
                }
            }
            match memchr3(b'>', b'"', b'\'', &bytes[i..]) {
                Some(j) if bytes[i + j] == b'>' => {
                    close = Some(i + j);
                    break;
                }
                Some(j) => {
                    quote = bytes[i + j];
                    i += j + 1;
                }
                None => break,
            }
        }
        let Some(close) = close else {
            self.problems.push(format!(
                "the document ends inside the tag <{qname}> on line {}",
                self.doc.line_of(at)
            ));
            return None;
        };
        let is_empty = close > name_end && bytes[close - 1] == b'/';
        let attributes_end = if is_empty { close - 1 } else { close };
        let attrs = self.read_attributes(&src[name_end..attributes_end.max(name_end)]);
        let done = self.open(qname, attrs, at, close + 1, is_empty);
        (!done).then_some(close + 1)
    }

    /// Reads `name="value"` pairs, forgiving unquoted values and names without values.
    fn read_attributes(&self, text: &'a str) -> Vec<(&'a str, Cow<'a, str>)> {
        let mut attrs = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
                i += 1;
            }
            let name_start = i;
            while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'=' {
                i += 1;
            }
            if i == name_start {
                break;
            }
            let name = &text[name_start..i];
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] != b'=' {
                attrs.push((name, Cow::Borrowed("")));
                continue;
            }
            i += 1;
            while i < bytes.len() && is_space(bytes[i]) {
                i += 1;
            }
            let value = match bytes.get(i) {
                Some(&quote) if quote == b'"' || quote == b'\'' => {
                    let end = memchr(quote, &bytes[i + 1..]).map_or(bytes.len(), |j| i + 1 + j);
                    let value = &text[i + 1..end];
                    i = end + 1;
                    value
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !is_space(bytes[i]) {
                        i += 1;
                    }
                    &text[start..i]
                }
            };
            attrs.push((name, self.doc.decode_entities(value)));
        }
        attrs
    }

    /// The namespace of a qualified name, from the declarations in scope, else guessed from
    /// a well-known prefix.
    fn resolve(&self, qname: &str) -> Ns {
        let (prefix, has_prefix) = match qname.split_once(':') {
            Some((prefix, _)) => (prefix, true),
            None => ("", false),
        };
        match self
            .bindings
            .get(prefix)
            .and_then(|namespaces| namespaces.last())
        {
            Some(&ns) => ns,
            None if has_prefix => Ns::from_prefix(prefix),
            None => Ns::None,
        }
    }

    /// Adds an element for a start tag; returns true when the document is complete.
    fn open(
        &mut self,
        qname: &'a str,
        attrs: Vec<(&'a str, Cow<'a, str>)>,
        position: usize,
        after: usize,
        is_empty: bool,
    ) -> bool {
        let depth = self.stack.len() + 1;
        for (name, value) in &attrs {
            if *name == "xmlns" {
                self.declare("", Ns::from_uri(value), depth);
            } else if let Some(prefix) = name.strip_prefix("xmlns:") {
                self.declare(prefix, Ns::from_uri(value), depth);
            }
        }
        let ns = self.resolve(qname);
        let local_start = qname.find(':').map_or(0, |colon| colon + 1);
        let parent = self.stack.last().copied();
        let parent_base = match parent {
            Some(parent) => self.doc.elements[parent].base.clone(),
            None => self.doc_base.clone(),
        };
        let mut explicit_base =
            parent.is_some_and(|parent| self.doc.elements[parent].explicit_base);
        let mut base = parent_base.clone();
        if let Some((_, value)) = attrs.iter().find(|(name, _)| *name == "xml:base") {
            match join_base(parent_base.as_deref(), value) {
                Some(url) => {
                    base = Some(Rc::new(url));
                    explicit_base = true;
                }
                None => self.problems.push(format!(
                    "ignored xml:base \"{value}\" on line {}: not a usable URL",
                    self.doc.line_of(position)
                )),
            }
        }
        let id = self.doc.elements.len();
        self.doc.elements.push(Element {
            ns,
            qname,
            local_start,
            attrs,
            has_child_elements: false,
            inner: after..after,
            start: position,
            closed: is_empty,
            base,
            explicit_base,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
        });
        if let Some(parent) = parent {
            let previous = self.doc.elements[parent].last_child;
            if previous == NONE {
                self.doc.elements[parent].first_child = id;
            } else {
                self.doc.elements[previous].next_sibling = id;
            }
            let parent = &mut self.doc.elements[parent];
            parent.last_child = id;
            parent.has_child_elements = true;
        }
        if is_empty {
            self.pop_scopes(depth - 1);
            self.stack.is_empty()
        } else {
            self.stack.push(id);
            false
        }
    }

    /// Closes the innermost open element named `name`; returns true when the root closed.
    fn close(&mut self, name: &str, position: usize) -> bool {
        // Real feeds nest a dozen levels; looking further up only costs time on garbage.
        let matching = self
            .stack
            .iter()
            .rev()
            .take(MAX_END_TAG_SEARCH)
            .position(|&id| self.doc.elements[id].qname == name)
            .map(|from_top| self.stack.len() - 1 - from_top);
        let depth = match matching {
            Some(depth) => depth,
            None => {
                // A misspelt end tag (`<language>en</langauge>`) most likely closes the
                // innermost element when that one holds only text.
                let leaf = self
                    .stack
                    .last()
                    .copied()
                    .filter(|&id| !self.doc.elements[id].has_child_elements);
                self.n_stray_ends += 1;
                if self.n_stray_ends <= MAX_REPORTS {
                    let what = match leaf {
                        Some(id) => {
                            format!("took it as the end of <{}>", self.doc.elements[id].qname)
                        }
                        None => "ignored it".to_string(),
                    };
                    self.problems.push(format!(
                        "the end tag </{name}> on line {} matches no open element; {what}",
                        self.doc.line_of(position)
                    ));
                }
                if leaf.is_none() {
                    return false;
                }
                self.stack.len() - 1
            }
        };
        for &id in &self.stack[depth..] {
            let element = &mut self.doc.elements[id];
            element.inner.end = position.max(element.inner.start);
            element.closed = true;
        }
        self.stack.truncate(depth);
        self.pop_scopes(depth);
        self.stack.is_empty()
    }

    /// Drops the namespace declarations of elements deeper than `depth` (they were pushed in
    /// depth order).
    fn pop_scopes(&mut self, depth: usize) {
        while self.scopes.last().is_some_and(|scope| scope.depth > depth) {
            if let Some(scope) = self.scopes.pop()
                && let Some(namespaces) = self.bindings.get_mut(scope.prefix)
            {
                namespaces.pop();
            }
        }
    }

    /// Binds `prefix` to `ns` for the element at `depth` and its descendants.
    fn declare(&mut self, prefix: &'a str, ns: Ns, depth: usize) {
        self.scopes.push(Scope { prefix, depth });
        self.bindings.entry(prefix).or_default().push(ns);
    }

    /// Marks what is still open as cut off and returns the document.
    fn finish(mut self) -> Document<'a> {
        if !self.stack.is_empty() {
            let open: Vec<String> = self
                .stack
                .iter()
                .rev()
                .take(4)
                .map(|&id| format!("<{}>", self.doc.elements[id].qname))
                .collect();
            let src_len = self.doc.src.len();
            self.problems.push(format!(
                "the document ends on line {} with {} still open (truncated?); kept what came before",
                self.doc.line_of(src_len),
                open.join(", ")
            ));
            for &id in &self.stack {
                self.doc.elements[id].inner.end = src_len;
            }
        }
        self.doc
    }
}

/// Resolves an `xml:base` value against the base in effect.
fn join_base(parent: Option<&Url>, value: &str) -> Option<Url> {
    match Url::parse(value.trim()) {
        Ok(url) => Some(url),
        Err(url::ParseError::RelativeUrlWithoutBase) => parent?.join(value.trim()).ok(),
        Err(_) => None,
    }
}
