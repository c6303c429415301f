//! The element and attribute names the article extractor cares about, and their HTML
//! categories (void, inline, raw text, scope boundaries).

/// An HTML element name. Names we never look at become [`Tag::Other`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[rustfmt::skip]
pub(crate) enum Tag {
    A, Abbr, Address, Applet, Area, Article, Aside, Audio, B, Base, Bdi, Bdo, Big, Blockquote,
    Body, Br, Button, Canvas, Caption, Center, Cite, Code, Col, Colgroup, Dd, Del, Details,
    Dfn, Dialog, Dir, Div, Dl, Dt, Em, Embed, Fieldset, Figcaption, Figure, Font, Footer, Form,
    Frame, Frameset, H1, H2, H3, H4, H5, H6, Head, Header, Hgroup, Hr, Html, I, Iframe, Img,
    Input, Ins, Kbd, Label, Legend, Li, Link, Main, Mark, Marquee, Math, Menu, Meta, Nav,
    Nobr, Noembed, Noframes, Noscript, Object, Ol, Optgroup, Option, P, Param, Picture,
    Plaintext, Pre, Q, S, Samp, Script, Section, Select, Small, Source, Span, Strike, Strong,
    Style, Sub, Summary, Sup, Svg, Table, Tbody, Td, Template, Textarea, Tfoot, Th, Thead,
    Time, Title, Tr, Track, Tt, U, Ul, Var, Video, Wbr, Xmp,
    /// Any other name, including custom elements.
    Other,
}

/// The number of [`Tag`] values, for tables indexed by tag.
pub(crate) const TAG_COUNT: usize = Tag::Other as usize + 1;

/// What the parser does with the content of an element whose content is not markup.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RawText {
    /// Markup as usual.
    No,
    /// Raw text that is thrown away (`<style>`, `<textarea>`, `<noscript>`, …).
    Drop,
    /// Raw text kept as written (`<script>`, kept only for JSON-LD).
    Keep,
    /// Text with character references decoded (`<title>`).
    Decode,
}

impl Tag {
    /// Looks up a lower-case element name.
    #[rustfmt::skip]
    pub(crate) fn from_lowercase(name: &[u8]) -> Tag {
        use Tag::*;
        match name {
            b"a" => A, b"abbr" => Abbr, b"address" => Address, b"applet" => Applet,
            b"area" => Area, b"article" => Article, b"aside" => Aside, b"audio" => Audio,
            b"b" => B, b"base" => Base, b"bdi" => Bdi, b"bdo" => Bdo, b"big" => Big,
            b"blockquote" => Blockquote, b"body" => Body, b"br" => Br, b"button" => Button,
            b"canvas" => Canvas, b"caption" => Caption, b"center" => Center, b"cite" => Cite,
            b"code" => Code, b"col" => Col, b"colgroup" => Colgroup, b"dd" => Dd, b"del" => Del,
            b"details" => Details, b"dfn" => Dfn, b"dialog" => Dialog, b"dir" => Dir,
            b"div" => Div, b"dl" => Dl, b"dt" => Dt, b"em" => Em, b"embed" => Embed,
            b"fieldset" => Fieldset, b"figcaption" => Figcaption, b"figure" => Figure,
            b"font" => Font, b"footer" => Footer, b"form" => Form, b"frame" => Frame,
            b"frameset" => Frameset, b"h1" => H1, b"h2" => H2, b"h3" => H3, b"h4" => H4,
            b"h5" => H5, b"h6" => H6, b"head" => Head, b"header" => Header, b"hgroup" => Hgroup,
            b"hr" => Hr, b"html" => Html, b"i" => I, b"iframe" => Iframe, b"img" => Img,
            b"image" => Img, b"input" => Input, b"ins" => Ins, b"kbd" => Kbd, b"label" => Label,
            b"legend" => Legend, b"li" => Li, b"link" => Link, b"main" => Main, b"mark" => Mark,
            b"marquee" => Marquee, b"math" => Math, b"menu" => Menu, b"meta" => Meta,
            b"nav" => Nav, b"nobr" => Nobr, b"noembed" => Noembed, b"noframes" => Noframes,
            b"noscript" => Noscript, b"object" => Object, b"ol" => Ol, b"optgroup" => Optgroup,
            b"option" => Option, b"p" => P, b"param" => Param, b"picture" => Picture,
            b"plaintext" => Plaintext, b"pre" => Pre, b"listing" => Pre, b"q" => Q, b"s" => S,
            b"samp" => Samp, b"script" => Script, b"section" => Section, b"select" => Select,
            b"small" => Small, b"source" => Source, b"span" => Span, b"strike" => Strike,
            b"strong" => Strong, b"style" => Style, b"sub" => Sub, b"summary" => Summary,
            b"sup" => Sup, b"svg" => Svg, b"table" => Table, b"tbody" => Tbody, b"td" => Td,
            b"template" => Template, b"textarea" => Textarea, b"tfoot" => Tfoot, b"th" => Th,
            b"thead" => Thead, b"time" => Time, b"title" => Title, b"tr" => Tr,
            b"track" => Track, b"tt" => Tt, b"u" => U, b"ul" => Ul, b"var" => Var,
            b"video" => Video, b"wbr" => Wbr, b"xmp" => Xmp,
            _ => Other,
        }
    }

    /// Elements that never have content (`<br>`, `<img>`, `<meta>`, …).
    pub(crate) fn is_void(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Area | Base
                | Br
                | Col
                | Embed
                | Hr
                | Img
                | Input
                | Link
                | Meta
                | Param
                | Source
                | Track
                | Wbr
                | Frame
        )
    }

    /// Phrasing elements: their boundaries do not split text into blocks.
    pub(crate) fn is_inline(self) -> bool {
        use Tag::*;
        matches!(
            self,
            A | Abbr
                | B
                | Bdi
                | Bdo
                | Big
                | Br
                | Cite
                | Code
                | Del
                | Dfn
                | Em
                | Font
                | I
                | Img
                | Ins
                | Kbd
                | Label
                | Mark
                | Nobr
                | Q
                | S
                | Samp
                | Small
                | Span
                | Strike
                | Strong
                | Sub
                | Sup
                | Time
                | Tt
                | U
                | Var
                | Wbr
        )
    }

    /// How the parser treats the element's content.
    pub(crate) fn raw_text(self) -> RawText {
        use Tag::*;
        match self {
            Script => RawText::Keep,
            Title => RawText::Decode,
            Style | Textarea | Noscript | Iframe | Xmp | Noembed | Noframes | Plaintext => {
                RawText::Drop
            }
            _ => RawText::No,
        }
    }

    /// Start tags that close an open `<p>`.
    pub(crate) fn closes_p(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Center
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Dd
                | Dt
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Li
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Pre
                | Section
                | Summary
                | Table
                | Ul
                | Xmp
        )
    }

    /// Elements that stop the search for an element "in scope".
    pub(crate) fn is_scope_boundary(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Html | Table | Td | Th | Caption | Template | Object | Marquee | Applet | Svg | Math
        )
    }

    /// `<h1>` … `<h6>`.
    pub(crate) fn is_heading(self) -> bool {
        use Tag::*;
        matches!(self, H1 | H2 | H3 | H4 | H5 | H6)
    }

    /// Table structure elements, which look for their table rather than for a scope.
    pub(crate) fn is_table_part(self) -> bool {
        use Tag::*;
        matches!(self, Table | Tbody | Thead | Tfoot | Tr | Td | Th | Caption)
    }
}

/// An attribute name the extractor reads. Other attributes are not stored.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Attr {
    AriaHidden,
    Charset,
    Class,
    Content,
    Datetime,
    Hidden,
    Href,
    Id,
    Itemprop,
    Name,
    Property,
    Rel,
    Role,
    Style,
    Title,
    Type,
}

impl Attr {
    /// Looks up an attribute name in any case.
    pub(crate) fn from_name(name: &[u8]) -> Option<Attr> {
        const NAMES: [(&[u8], Attr); 16] = [
            (b"aria-hidden", Attr::AriaHidden),
            (b"charset", Attr::Charset),
            (b"class", Attr::Class),
            (b"content", Attr::Content),
            (b"datetime", Attr::Datetime),
            (b"hidden", Attr::Hidden),
            (b"href", Attr::Href),
            (b"id", Attr::Id),
            (b"itemprop", Attr::Itemprop),
            (b"name", Attr::Name),
            (b"property", Attr::Property),
            (b"rel", Attr::Rel),
            (b"role", Attr::Role),
            (b"style", Attr::Style),
            (b"title", Attr::Title),
            (b"type", Attr::Type),
        ];
        if name.len() > 11 {
            return None;
        }
        NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, attr)| *attr)
    }

    /// Whether the attribute is stored on an element `tag`. `href` and `title` are only read
    /// on `<link>` and `<base>` (feed autodiscovery); keeping them off every `<a>` and `<img>`
    /// spares the article extractor an allocation per link.
    pub(crate) fn is_stored_on(self, tag: Tag) -> bool {
        match self {
            Attr::Href | Attr::Title => matches!(tag, Tag::Link | Tag::Base),
            _ => true,
        }
    }
}
