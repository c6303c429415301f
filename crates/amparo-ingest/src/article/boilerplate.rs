//! What counts as boilerplate: elements to drop whole (navigation, comments, sharing, ads,
//! related links, hidden parts), class and id hints that raise or lower a container's score,
//! and text blocks that read like "Read also: …" teasers. Word lists cover English, Spanish,
//! Portuguese and French news sites.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::dom::Element;
use super::tags::{Attr, Tag};

/// What the class, id and role of an element suggest.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Hint {
    /// Nothing either way.
    Neutral,
    /// Looks like article content ("article-body", "entry-content", "cuerpo-nota").
    Content,
    /// Looks like boilerplate ("sidebar", "related", "share", "newsletter").
    Boilerplate,
    /// Reader comments, removed even when large.
    Comments,
}

/// Class and id fragments of boilerplate containers (matched anywhere, any case).
#[rustfmt::skip]
const BOILERPLATE_WORDS: &[&str] = &[
    "sidebar", "related", "relacionad", "share", "sharing", "social", "sponsor", "patrocin",
    "promo", "advert", "publicidad", "banner", "widget", "newsletter", "subscri", "suscri",
    "masthead", "menu", "navbar", "navigation", "breadcrumb", "outbrain", "taboola", "popup",
    "modal", "cookie", "gdpr", "consent", "recommend", "recomend", "trending", "most-read",
    "mostread", "mas-leid", "masleid", "popular", "byline", "dateline", "timestamp", "toolbar",
    "paywall", "login", "signup", "footer", "pie-de", "skip-link", "skiplink", "lee-tambien",
    "leetambien", "tambien", "read-more", "readmore", "more-news", "otras-noticias",
    "te-puede", "teaser", "carousel", "slider", "ticker", "tag-list", "taglist",
    "keywords", "etiquetas", "author-info", "author-bio", "sr-only", "visually-hidden",
    "screen-reader", "print-only", "whatsapp", "facebook", "twitter", "telegram", "gallery",
    "slideshow",
];

/// Whole class or id tokens of boilerplate containers (a token is a run of letters and
/// digits, so "ad" matches "ad-slot" but not "header").
#[rustfmt::skip]
const BOILERPLATE_TOKENS: &[&str] = &[
    "ad", "ads", "adv", "nav", "tags", "tag", "meta", "hidden", "hide", "author", "date",
    "share", "comparte", "compartir", "print", "rrss", "redes", "buttons", "icons", "caption",
    "credit", "credits", "disclaimer",
];

/// Class and id fragments of reader comments.
#[rustfmt::skip]
const COMMENT_WORDS: &[&str] = &["comment", "comentario", "disqus", "respond", "fb-comments"];

/// Class and id fragments that mark the article body itself.
#[rustfmt::skip]
const BODY_WORDS: &[&str] = &[
    "articlebody", "article-body", "article_body", "article__body", "articlecontent",
    "article-content", "article_content", "article__content", "article-text", "articletext",
    "article__text", "story-body", "storybody", "story-content", "story-text", "entry-content",
    "entry-body", "post-content", "post-body", "postbody", "post-text", "news-body",
    "news-content", "news-text", "content-body", "body-text", "bodytext", "text-body",
    "cuerpo", "texto-nota", "nota-texto", "contenido-nota", "nota-contenido", "articulo-texto",
    "articulo-cuerpo", "texto-articulo", "detalle-texto", "main-text", "rich-text", "richtext",
    "single-content", "td-post-content", "field-name-body", "field--name-body", "hentry",
    "type-post",
];

/// Class and id fragments that mildly suggest content.
#[rustfmt::skip]
const CONTENT_WORDS: &[&str] = &[
    "article", "body", "content", "entry", "main", "post", "text", "story", "blog", "nota",
    "noticia", "contenido", "texto", "detalle", "articulo",
];

struct Matchers {
    boilerplate: AhoCorasick,
    comments: AhoCorasick,
    body: AhoCorasick,
    content: AhoCorasick,
}

static MATCHERS: LazyLock<Matchers> = LazyLock::new(|| {
    let build = |words: &[&str]| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(words)
            .expect("static word lists build")
    };
    Matchers {
        boilerplate: build(BOILERPLATE_WORDS),
        comments: build(COMMENT_WORDS),
        body: build(BODY_WORDS),
        content: build(CONTENT_WORDS),
    }
});

/// Tags whose whole subtree is never article text.
pub(crate) fn is_boilerplate_tag(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Nav | Aside
            | Footer
            | Form
            | Button
            | Select
            | Option
            | Optgroup
            | Input
            | Label
            | Textarea
            | Iframe
            | Svg
            | Math
            | Canvas
            | Video
            | Audio
            | Object
            | Embed
            | Template
            | Dialog
            | Noscript
            | Menu
            | Script
            | Style
            | Title
            | Frameset
            | Frame
            | Noframes
            | Noembed
            | Legend
            | Fieldset
            | Picture
    )
}

/// Whether the element is hidden from readers (`hidden`, `aria-hidden`, `display: none`).
pub(crate) fn is_hidden(element: &Element) -> bool {
    if element.has_attr(Attr::Hidden)
        || element
            .attr(Attr::AriaHidden)
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    element.attr(Attr::Style).is_some_and(|style| {
        let compact: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        compact.contains("display:none") || compact.contains("visibility:hidden")
    })
}

/// Roles that mark page furniture rather than the article.
fn is_boilerplate_role(role: &str) -> bool {
    role.split_whitespace().any(|role| {
        matches!(
            role.to_ascii_lowercase().as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "search"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "toolbar"
                | "tablist"
        )
    })
}

/// What the class, id, role and itemprop of `element` suggest.
pub(crate) fn hint(element: &Element) -> Hint {
    if element.attr(Attr::Itemprop).is_some_and(|prop| {
        prop.eq_ignore_ascii_case("articleBody") || prop.eq_ignore_ascii_case("text")
    }) {
        return Hint::Content;
    }
    if element.attr(Attr::Role).is_some_and(is_boilerplate_role) {
        return Hint::Boilerplate;
    }
    let class = element.attr(Attr::Class).unwrap_or("");
    let id = element.attr(Attr::Id).unwrap_or("");
    if class.is_empty() && id.is_empty() {
        return Hint::Neutral;
    }
    if is_embedded_post(class) {
        // A post quoted in the article ("twitter-tweet") is part of what the article says,
        // although its class names a social network.
        return Hint::Neutral;
    }
    let matchers = &*MATCHERS;
    if matchers.body.is_match(class) || matchers.body.is_match(id) {
        return Hint::Content;
    }
    if [class, id]
        .iter()
        .any(|value| matchers.comments.is_match(value) && is_comments(value))
    {
        return Hint::Comments;
    }
    // Long ids are slugs of headings ("sharing-with-a-single-developer"), not page parts.
    let id_is_slug = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .count()
        > 3;
    let id = if id_is_slug { "" } else { id };
    for value in [class, id] {
        // Short tokens are ambiguous: WordPress marks a post "post hentry tag-cuba", so a
        // content word next to them wins.
        let boilerplate = matchers.boilerplate.is_match(value)
            || (value
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|token| {
                    BOILERPLATE_TOKENS
                        .iter()
                        .any(|word| token.eq_ignore_ascii_case(word))
                })
                && !matchers.content.is_match(value));
        if boilerplate {
            return Hint::Boilerplate;
        }
    }
    Hint::Neutral
}

/// Whether a class marks a social-media post embedded in the article, as the networks' embed
/// codes write them (`<blockquote class="twitter-tweet">`, `instagram-media`, …).
fn is_embedded_post(class: &str) -> bool {
    class.split_ascii_whitespace().any(|token| {
        matches!(
            token.to_ascii_lowercase().as_str(),
            "twitter-tweet"
                | "twitter-tweet-rendered"
                | "instagram-media"
                | "tiktok-embed"
                | "bluesky-embed"
                | "mastodon-embed"
                | "threads-post"
                | "fb-xfbml-parse-ignore"
        )
    })
}

/// Whether a class or id names reader comments ("comments", "comment-list", "disqus_thread"),
/// not a commented post or a commentary column.
fn is_comments(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .any(|token| {
            (token.starts_with("comment") && !matches!(token.as_str(), "commented" | "commentary"))
                || token.starts_with("comentario")
                || token.starts_with("disqus")
                || token == "respond"
        })
}

/// A score bonus for containers whose class or id suggests content.
pub(crate) fn class_weight(element: &Element, hint: Hint) -> f32 {
    match hint {
        Hint::Content => 40.0,
        Hint::Boilerplate | Hint::Comments => -25.0,
        Hint::Neutral => {
            let class = element.attr(Attr::Class).unwrap_or("");
            let id = element.attr(Attr::Id).unwrap_or("");
            let content = &MATCHERS.content;
            let mut weight = 0.0;
            if content.is_match(class) {
                weight += 15.0;
            }
            if content.is_match(id) {
                weight += 15.0;
            }
            weight
        }
    }
}

/// Openings of teaser lines that point to other articles ("Lea también: …").
#[rustfmt::skip]
const TEASER_PREFIXES: &[&str] = &[
    "lea también", "lee también", "leer también", "lea tambien", "lee tambien", "lea más",
    "lee más", "leer más", "lea:", "lee:", "mire:", "mira:", "mira también", "vea también",
    "vea:", "ver también", "ver más", "te puede interesar", "le puede interesar",
    "puede interesarte", "te podría interesar", "le podría interesar", "puedes ver",
    "puedes leer", "también puedes", "también te puede", "también le puede", "noticia relacionada",
    "noticias relacionadas", "relacionado:", "relacionada:", "relacionadas:", "más información:",
    "más noticias", "sigue leyendo", "seguir leyendo", "continúa leyendo", "te recomendamos",
    "le recomendamos", "recomendado:", "recomendamos:", "no te pierdas", "descubre más",
    "únete", "suscríbete", "síguenos", "read more", "read also", "also read", "see also",
    "related:", "related articles", "related stories", "recommended:", "more:", "more from",
    "sign up", "subscribe", "follow us", "leia também", "leia mais", "veja também",
    "saiba mais", "lire aussi", "à lire aussi", "a lire aussi", "voir aussi",
    // Calls to action that close many articles.
    "¿ya sabías", "hazte miembro", "hazte socio", "mira lo que", "puede escribirnos",
    "puedes escribirnos", "escríbenos", "te necesitamos", "apóyanos", "apoya el periodismo",
    "support our journalism", "become a member", "donate", "dona ahora",
];

/// Whole short lines that are page furniture.
#[rustfmt::skip]
const FURNITURE_LINES: &[&str] = &[
    "publicidad", "advertisement", "advertising", "anuncio", "patrocinado", "sponsored",
    "compartir", "comparte", "comparte esta noticia", "share", "share this", "share this article",
    "tweet", "imprimir", "print", "email", "e-mail", "facebook", "twitter", "whatsapp",
    "telegram", "linkedin", "comentarios", "comments", "cargando", "loading", "valora esta noticia",
    "escucha la noticia", "escuchar", "listen", "guardar", "save", "copiar enlace", "copy link",
    "síguenos en", "follow us", "ir al contenido", "skip to content", "menú", "menu", "buscar",
    "search", "cerrar", "close", "volver arriba", "back to top",
];

/// Whether a text block reads like a teaser for another article or a piece of page
/// furniture.
pub(crate) fn is_boilerplate_line(text: &str, chars: usize) -> bool {
    if chars > 220 {
        return false;
    }
    let lowered = text.to_lowercase();
    let trimmed = lowered.trim_matches(|c: char| !c.is_alphanumeric());
    if FURNITURE_LINES.contains(&trimmed) {
        return true;
    }
    let start = lowered.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '¿' && c != '¡');
    TEASER_PREFIXES
        .iter()
        .any(|prefix| start.starts_with(prefix))
}

/// Class and id fragments of standfirsts (the summary under the headline).
#[rustfmt::skip]
const STANDFIRST_WORDS: &[&str] = &[
    "lead", "bajada", "standfirst", "subtit", "sumario", "entradilla", "deck", "dek",
    "summary", "excerpt", "intro", "copete", "resumen", "subhead", "descripcion", "description",
];

static STANDFIRST: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(STANDFIRST_WORDS)
        .expect("static word list builds")
});

/// Whether `container` or its parent is marked as a standfirst.
pub(crate) fn is_standfirst(dom: &super::dom::Dom, container: super::dom::NodeId) -> bool {
    std::iter::once(container)
        .chain(dom.ancestors(container).take(1))
        .filter_map(|node| dom.element(node))
        .any(|element| {
            [Attr::Class, Attr::Id]
                .iter()
                .filter_map(|attr| element.attr(*attr))
                .any(|value| STANDFIRST.is_match(value))
        })
}
