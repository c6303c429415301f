//! Generated news for `amparo bench ingest`: article pages shaped like real news sites (most
//! bytes are markup, styles and scripts; the article is a few thousand words of `<p>` text in
//! English or Spanish), and RSS 2.0 and Atom 1.0 feeds whose items carry escaped HTML.
//!
//! Everything is deterministic for a seed. The text comes from a small phrase grammar over word
//! lists written for this benchmark, so that language identification and fingerprints see real
//! words of the right language; nothing here is copied from real pages.

use std::fmt::Write as _;

use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

use super::data::Rng;

/// The language of a generated text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// ISO 639-1 code, as the language detector reports it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    fn vocab(self) -> &'static Vocab {
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }
}

/// Words and interface strings of one language.
struct Vocab {
    dets: &'static [&'static str],
    nouns: &'static [&'static str],
    adjs: &'static [&'static str],
    verbs: &'static [&'static str],
    preps: &'static [&'static str],
    conjs: &'static [&'static str],
    advs: &'static [&'static str],
    said: &'static [&'static str],
    places: &'static [&'static str],
    sections: &'static [&'static str],
    units: &'static [&'static str],
    /// Adjectives follow the noun.
    adj_after: bool,
    quote: (&'static str, &'static str),
    /// Most read, related, comments, by, read also, newsletter, advertisement, share, rights,
    /// reply.
    ui: [&'static str; 10],
    sites: &'static [&'static str],
}

#[rustfmt::skip]
const GIVEN: &[&str] = &[
    "Ana", "Luis", "Marta", "Jorge", "Elena", "Pablo", "Sofía", "Diego", "Lucía", "Andrés",
    "Carmen", "Tomás", "Irene", "Rafael", "Julia", "Samuel", "Grace", "Peter", "Helen", "David",
    "Laura", "Michael", "Sarah", "Daniel", "Rosa", "Wilmer", "Keila", "Edwin", "Nora", "Hugo",
];
#[rustfmt::skip]
const FAMILY: &[&str] = &[
    "Ruiz", "Molina", "Herrera", "Castro", "Ortega", "Navarro", "Vega", "Campos", "Delgado",
    "Fuentes", "Walker", "Bennett", "Hughes", "Carter", "Morgan", "Price", "Salas", "Paredes",
    "Quintero", "Maldonado", "Ellis", "Foster", "Reyes", "Aguilar", "Santos", "Ibarra",
];

#[rustfmt::skip]
static EN: Vocab = Vocab {
    dets: &[
        "the", "the", "the", "the", "a", "a", "this", "that", "every", "another", "its", "their",
    ],
    nouns: &[
        "government", "minister", "court", "judge", "lawyer", "family", "report", "decision",
        "hearing", "border", "city", "council", "election", "campaign", "police", "officer",
        "witness", "detention", "centre", "policy", "budget", "law", "reform", "company", "union",
        "worker", "school", "hospital", "river", "storm", "road", "village", "community",
        "president", "senator", "prosecutor", "agency", "office", "statement", "investigation",
        "trial", "appeal", "country", "region", "market", "price", "tax", "parliament", "committee",
        "vote", "protest", "crowd", "leader", "official", "spokesperson", "document", "record",
        "case", "charge", "evidence", "journalist", "newspaper", "programme", "plan", "project",
        "deal", "agreement", "crisis", "water", "energy", "harvest", "farmer", "teacher", "student",
        "doctor", "nurse", "child", "mother", "father", "neighbour", "migrant", "asylum claim",
        "refugee", "shelter", "camp", "prison", "guard", "soldier", "army", "ministry",
        "department", "ruling", "deadline", "week", "month", "morning", "question", "answer",
        "figure", "survey", "study", "network", "service", "system", "bridge", "port", "airport",
        "flight", "train", "contract", "payment", "debt", "bank",
    ],
    adjs: &[
        "new", "federal", "local", "national", "former", "senior", "young", "public", "private",
        "recent", "final", "first", "last", "major", "small", "large", "long", "short", "strong",
        "key", "main", "early", "late", "economic", "political", "legal", "social", "regional",
        "independent", "official", "annual", "open", "unusual", "serious", "rapid", "quiet",
        "difficult", "important", "careful", "entire",
    ],
    verbs: &[
        "announced", "rejected", "approved", "ordered", "visited", "reviewed", "blocked", "ended",
        "opened", "delayed", "questioned", "described", "confirmed", "denied", "reported", "asked",
        "warned", "filed", "signed", "released", "detained", "moved", "raised", "cut", "found",
        "called", "expected", "criticised", "supported", "accepted", "proposed", "published",
        "received", "left", "joined", "reached", "followed", "examined", "funded", "challenged",
    ],
    preps: &[
        "in", "on", "at", "after", "before", "during", "near", "from", "with", "without", "against",
        "under", "over", "across", "through", "for", "about", "despite",
    ],
    conjs: &[
        "and", "but", "while", "because", "although", "as", "so", "when", "and", "but",
    ],
    advs: &[
        "also", "still", "again", "later", "today", "yesterday", "recently", "finally", "quickly",
        "already", "never", "often", "reportedly", "formally",
    ],
    said: &["said", "added", "told reporters", "wrote", "explained"],
    places: &[
        "Riverton", "Eastfield", "Lakeside", "North Valley", "Port Clare", "Millbrook",
        "Stonebridge", "Westhaven", "the capital", "the northern province", "the coast",
    ],
    sections: &[
        "Politics", "World", "Economy", "Justice", "Migration", "Society", "Culture", "Sport",
        "Opinion", "Science", "Health", "Technology",
    ],
    units: &[
        "percent", "people", "families", "dollars", "kilometres", "days", "cases",
    ],
    adj_after: false,
    quote: ("“", "”"),
    ui: [
        "Most read", "Related", "Comments", "By", "Read also", "Sign up for our morning newsletter",
        "Advertisement", "Share", "All rights reserved", "Reply",
    ],
    sites: &["riverton-ledger.example", "eastfield-daily.example"],
};

#[rustfmt::skip]
static ES: Vocab = Vocab {
    dets: &[
        "el", "la", "el", "la", "los", "las", "un", "una", "este", "esta", "aquel", "su", "sus",
        "cada",
    ],
    nouns: &[
        "gobierno", "ministro", "tribunal", "jueza", "abogado", "familia", "informe", "decisión",
        "audiencia", "frontera", "ciudad", "concejo", "elección", "campaña", "policía", "agente",
        "testigo", "detención", "centro", "política", "presupuesto", "ley", "reforma", "empresa",
        "sindicato", "trabajador", "escuela", "hospital", "río", "tormenta", "carretera", "pueblo",
        "comunidad", "presidente", "senadora", "fiscal", "agencia", "oficina", "declaración",
        "investigación", "juicio", "apelación", "país", "región", "mercado", "precio", "impuesto",
        "congreso", "comisión", "votación", "protesta", "multitud", "dirigente", "funcionario",
        "portavoz", "documento", "expediente", "caso", "cargo", "prueba", "periodista", "periódico",
        "programa", "plan", "proyecto", "acuerdo", "crisis", "agua", "energía", "cosecha",
        "campesino", "maestra", "estudiante", "médico", "enfermera", "niño", "madre", "padre",
        "vecino", "migrante", "solicitud de asilo", "refugiado", "albergue", "campamento", "cárcel",
        "guardia", "soldado", "ejército", "ministerio", "departamento", "sentencia", "plazo",
        "semana", "mes", "mañana", "pregunta", "respuesta", "cifra", "encuesta", "estudio", "red",
        "servicio", "sistema", "puente", "puerto", "aeropuerto", "vuelo", "tren", "contrato",
        "pago", "deuda", "banco",
    ],
    adjs: &[
        "nuevo", "federal", "local", "nacional", "anterior", "joven", "público", "privado",
        "reciente", "final", "primero", "último", "mayor", "pequeño", "grande", "largo", "breve",
        "fuerte", "clave", "principal", "temprano", "económico", "político", "jurídico", "social",
        "regional", "independiente", "oficial", "anual", "abierto", "inusual", "grave", "rápido",
        "tranquilo", "difícil", "importante", "cuidadoso", "entero",
    ],
    verbs: &[
        "anunció", "rechazó", "aprobó", "ordenó", "visitó", "revisó", "bloqueó", "terminó", "abrió",
        "retrasó", "cuestionó", "describió", "confirmó", "negó", "informó", "pidió", "advirtió",
        "presentó", "firmó", "liberó", "detuvo", "trasladó", "aumentó", "recortó", "encontró",
        "convocó", "esperaba", "criticó", "apoyó", "aceptó", "propuso", "publicó", "recibió",
        "dejó", "reunió", "alcanzó", "siguió", "examinó", "financió", "impugnó",
    ],
    preps: &[
        "en", "sobre", "tras", "antes de", "durante", "cerca de", "desde", "con", "sin", "contra",
        "bajo", "entre", "hacia", "para", "por", "según", "a pesar de",
    ],
    conjs: &[
        "y", "pero", "mientras", "porque", "aunque", "como", "cuando", "ya que", "y", "pero",
    ],
    advs: &[
        "también", "todavía", "otra vez", "más tarde", "hoy", "ayer", "recientemente", "finalmente",
        "rápidamente", "ya", "nunca", "a menudo", "formalmente",
    ],
    said: &["dijo", "afirmó", "explicó", "aseguró", "escribió"],
    places: &[
        "San Telmo", "Puerto Claro", "Valle Norte", "Las Palmas del Sur", "Villa Esperanza",
        "la capital", "la provincia del norte", "la costa", "el departamento fronterizo",
    ],
    sections: &[
        "Política", "Mundo", "Economía", "Justicia", "Migración", "Sociedad", "Cultura", "Deportes",
        "Opinión", "Ciencia", "Salud", "Tecnología",
    ],
    units: &[
        "por ciento", "personas", "familias", "pesos", "kilómetros", "días", "casos",
    ],
    adj_after: true,
    quote: ("«", "»"),
    ui: [
        "Lo más leído", "Relacionadas", "Comentarios", "Por", "Lea también",
        "Suscríbase a nuestro boletín de la mañana", "Publicidad", "Compartir",
        "Todos los derechos reservados", "Responder",
    ],
    sites: &["diario-del-valle.example", "la-voz-de-puerto-claro.example"],
};

/// Picking words from lists.
trait Words {
    fn word(&mut self, items: &[&'static str]) -> &'static str;
}

impl Words for Rng {
    fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.index(items.len())]
    }
}

/// A person's name.
fn name(rng: &mut Rng, out: &mut String) {
    out.push_str(rng.word(GIVEN));
    out.push(' ');
    out.push_str(rng.word(FAMILY));
}

fn noun_phrase(rng: &mut Rng, v: &Vocab, out: &mut String) {
    match rng.range(0, 11) {
        0 => name(rng, out),
        1 => out.push_str(rng.word(v.places)),
        _ => {
            out.push_str(rng.word(v.dets));
            out.push(' ');
            let adj = rng.chance(35);
            if adj && !v.adj_after {
                out.push_str(rng.word(v.adjs));
                out.push(' ');
            }
            out.push_str(rng.word(v.nouns));
            if adj && v.adj_after {
                out.push(' ');
                out.push_str(rng.word(v.adjs));
            }
        }
    }
}

fn clause(rng: &mut Rng, v: &Vocab, out: &mut String) {
    noun_phrase(rng, v, out);
    if rng.chance(15) {
        out.push(' ');
        out.push_str(rng.word(v.advs));
    }
    out.push(' ');
    out.push_str(rng.word(v.verbs));
    out.push(' ');
    noun_phrase(rng, v, out);
    if rng.chance(60) {
        out.push(' ');
        out.push_str(rng.word(v.preps));
        out.push(' ');
        noun_phrase(rng, v, out);
    }
    if rng.chance(20) {
        out.push(' ');
        out.push_str(rng.word(v.preps));
        out.push(' ');
        if rng.chance(50) {
            let _ = write!(out, "{} {}", rng.range(2, 4_000), rng.word(v.units));
        } else {
            noun_phrase(rng, v, out);
        }
    }
}

/// Upper-cases the character at byte `start` of `out`.
fn capitalize_at(out: &mut String, start: usize) {
    if let Some(first) = out[start..].chars().next()
        && first.is_lowercase()
    {
        let upper: String = first.to_uppercase().collect();
        out.replace_range(start..start + first.len_utf8(), &upper);
    }
}

/// One sentence, ending with a full stop.
fn sentence(rng: &mut Rng, lang: Lang, out: &mut String) {
    let v = lang.vocab();
    let start = out.len();
    if rng.chance(12) {
        out.push_str(v.quote.0);
        let inner = out.len();
        clause(rng, v, out);
        capitalize_at(out, inner);
        out.push_str(match lang {
            Lang::En => ",” ",
            Lang::Es => "», ",
        });
        out.push_str(rng.word(v.said));
        out.push(' ');
        name(rng, out);
    } else {
        clause(rng, v, out);
        while rng.chance(35) {
            out.push_str(", ");
            out.push_str(rng.word(v.conjs));
            out.push(' ');
            clause(rng, v, out);
        }
        capitalize_at(out, start);
    }
    out.push('.');
}

/// A paragraph of `sentences` sentences.
fn paragraph_text(rng: &mut Rng, lang: Lang, sentences: (u64, u64), out: &mut String) {
    for i in 0..rng.range(sentences.0, sentences.1) {
        if i > 0 {
            out.push(' ');
        }
        sentence(rng, lang, out);
    }
}

/// A headline: one clause, capitalized, no full stop.
fn headline(rng: &mut Rng, lang: Lang) -> String {
    let mut out = String::new();
    clause(rng, lang.vocab(), &mut out);
    capitalize_at(&mut out, 0);
    out
}

fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug.truncate(80);
    slug
}

fn hex(rng: &mut Rng, len: usize, out: &mut String) {
    for _ in 0..len {
        let digit = (rng.next_u64() % 16) as u32;
        out.push(char::from_digit(digit, 16).unwrap_or('0'));
    }
}

/// A time in 2025.
fn date(rng: &mut Rng) -> OffsetDateTime {
    let seconds = 1_735_689_600 + rng.range(0, 364 * 86_400) as i64;
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// An article URL on `site`.
fn article_url(rng: &mut Rng, site: &str, section: &str, title: &str, id: u64) -> String {
    let at = date(rng);
    format!(
        "https://{site}/{}/{}/{:02}/{:02}/{}-{id}.html",
        slug(section),
        at.year(),
        u8::from(at.month()),
        at.day(),
        slug(title)
    )
}

/// An article URL on `site` with a random id in `ids`.
fn random_url(rng: &mut Rng, site: &str, section: &str, title: &str, ids: (u64, u64)) -> String {
    let id = rng.range(ids.0, ids.1);
    article_url(rng, site, section, title, id)
}

/// Escapes text for XML element content.
pub fn escape_xml(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

const CSS_BLOCKS: &[&str] = &[
    "card",
    "nav",
    "header",
    "footer",
    "article",
    "byline",
    "share",
    "teaser",
    "promo",
    "grid",
    "ad",
    "newsletter",
    "comments",
    "sidebar",
    "media",
    "kicker",
    "tag",
    "paywall",
    "modal",
];
const CSS_ELEMENTS: &[&str] = &[
    "title", "link", "img", "meta", "body", "item", "list", "icon", "label", "button", "wrap",
];
const CSS_PROPS: &[(&str, &[&str])] = &[
    (
        "margin",
        &["0", "0 auto", ".5rem 0", "1rem 0 2rem", "0 0 .75rem"],
    ),
    (
        "padding",
        &["0", ".25rem .5rem", "1rem", "12px 16px", "0 1.5rem"],
    ),
    (
        "color",
        &["#111", "#222", "#555", "#0a58ca", "#b00020", "inherit"],
    ),
    (
        "font-size",
        &[".75rem", ".875rem", "1rem", "1.125rem", "1.5rem", "2.25rem"],
    ),
    ("line-height", &["1.2", "1.4", "1.6", "24px"]),
    (
        "display",
        &["block", "flex", "grid", "none", "inline-block"],
    ),
    (
        "grid-template-columns",
        &[
            "repeat(3,1fr)",
            "2fr 1fr",
            "1fr",
            "repeat(auto-fill,minmax(240px,1fr))",
        ],
    ),
    (
        "border-bottom",
        &["1px solid #e5e5e5", "2px solid currentColor", "0"],
    ),
    (
        "background",
        &[
            "#fff",
            "#f4f4f4",
            "transparent",
            "linear-gradient(#fff,#eee)",
        ],
    ),
    (
        "font-family",
        &["Georgia,serif", "system-ui,sans-serif", "inherit"],
    ),
];

/// About `bytes` of CSS rules.
fn css(rng: &mut Rng, bytes: usize, out: &mut String) {
    let end = out.len() + bytes;
    while out.len() < end {
        let _ = write!(out, ".{}__{}", rng.word(CSS_BLOCKS), rng.word(CSS_ELEMENTS));
        if rng.chance(30) {
            let _ = write!(out, "--{}", rng.word(CSS_ELEMENTS));
        }
        if rng.chance(20) {
            out.push_str(":hover");
        }
        out.push('{');
        for i in 0..rng.range(2, 6) {
            if i > 0 {
                out.push(';');
            }
            let (prop, values) = rng.pick(CSS_PROPS);
            let _ = write!(out, "{prop}:{}", rng.word(values));
        }
        out.push_str("}\n");
        if rng.chance(5) {
            out.push_str("@media (min-width:768px){.grid__wrap{display:grid;gap:24px}}\n");
        }
    }
}

/// About `bytes` of script: loaders, analytics calls and a preloaded state object of teasers.
fn script(rng: &mut Rng, lang: Lang, site: &str, bytes: usize, out: &mut String) {
    let end = out.len() + bytes;
    out.push_str("(function(w,d){'use strict';var q=w.__q=w.__q||[];");
    while out.len() < end {
        match rng.range(0, 5) {
            0 => {
                out.push_str("var s=d.createElement('script');s.async=!0;s.src='https://cdn.");
                out.push_str(site);
                out.push_str("/js/chunk.");
                hex(rng, 12, out);
                out.push_str(".js';d.head.appendChild(s);");
            }
            1 => {
                let _ = write!(
                    out,
                    "q.push(['event','{}',{{section:'{}',words:{},ab:'v{}',ts:{}}}]);",
                    rng.word(&["pageview", "scroll", "impression", "engagement"]),
                    slug(rng.word(lang.vocab().sections)),
                    rng.range(200, 2_000),
                    rng.range(1, 9),
                    rng.range(1_700_000_000, 1_760_000_000)
                );
            }
            2 => {
                out.push_str("function ");
                let fname = rng.word(CSS_ELEMENTS).to_string();
                let _ = write!(
                    out,
                    "{fname}{}(e){{if(!e||!e.target)return;var t=e.target.closest('[data-track]');if(t){{q.push(['click',t.getAttribute('data-track'),Date.now()])}}for(var i=0;i<{};i++){{if(w.__flags&&w.__flags[i]){{d.documentElement.classList.add('f'+i)}}}}}}d.addEventListener('click',{fname}{});",
                    rng.range(1, 99),
                    rng.range(2, 40),
                    rng.range(1, 99)
                );
            }
            _ => {
                out.push_str("w.__STATE__=w.__STATE__||{};w.__STATE__['teasers");
                let _ = write!(out, "{}']=[", rng.range(1, 999));
                for i in 0..rng.range(3, 10) {
                    if i > 0 {
                        out.push(',');
                    }
                    let title = headline(rng, lang);
                    let section = rng.word(lang.vocab().sections);
                    let id = rng.range(100_000, 999_999);
                    let url = article_url(rng, site, section, &title, id);
                    let _ = write!(
                        out,
                        "{{\"id\":{id},\"title\":\"{title}\",\"url\":\"{url}\",\"section\":\"{section}\",\"image\":{{\"src\":\"https://img.{site}/"
                    );
                    hex(rng, 24, out);
                    let _ = write!(
                        out,
                        ".jpg\",\"w\":1200,\"h\":675}},\"premium\":{},\"comments\":{}}}",
                        rng.chance(20),
                        rng.range(0, 400)
                    );
                }
                out.push_str("];");
            }
        }
    }
    out.push_str("})(window,document);");
}

/// An inline SVG icon with a path of `points` points.
fn svg(rng: &mut Rng, class: &str, points: u64, out: &mut String) {
    let _ = write!(
        out,
        "<svg class=\"icon icon--{class}\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\"><path d=\"M{} {}",
        rng.range(0, 24),
        rng.range(0, 24)
    );
    for _ in 0..points {
        let _ = write!(
            out,
            "c{}.{} {}.{} {}.{} -{}.{} {}.{} {}.{}",
            rng.range(0, 9),
            rng.range(0, 99),
            rng.range(0, 9),
            rng.range(0, 99),
            rng.range(0, 9),
            rng.range(0, 99),
            rng.range(0, 9),
            rng.range(0, 99),
            rng.range(0, 9),
            rng.range(0, 99),
            rng.range(0, 9),
            rng.range(0, 99)
        );
    }
    out.push_str("z\"/></svg>");
}

fn image_url(rng: &mut Rng, site: &str) -> String {
    let mut url = format!("https://img.{site}/");
    hex(rng, 32, &mut url);
    url.push_str(".jpg");
    url
}

/// A teaser card linking to another article.
fn card(rng: &mut Rng, lang: Lang, site: &str, out: &mut String) {
    let v = lang.vocab();
    let title = headline(rng, lang);
    let section = rng.word(v.sections);
    let url = random_url(rng, site, section, &title, (100_000, 999_999));
    let img = image_url(rng, site);
    let at = rfc3339(date(rng));
    let _ = writeln!(
        out,
        "<article class=\"card card--{}\" data-track=\"teaser\"><a class=\"card__link\" href=\"{url}\"><picture><source type=\"image/webp\" srcset=\"{img}?w=320&amp;f=webp 320w, {img}?w=640&amp;f=webp 640w, {img}?w=960&amp;f=webp 960w\" sizes=\"(min-width: 768px) 33vw, 100vw\"><img class=\"card__img\" src=\"{img}?w=640\" alt=\"{title}\" loading=\"lazy\" width=\"640\" height=\"360\"></picture><span class=\"card__kicker\">{section}</span><h3 class=\"card__title\">{title}</h3></a><p class=\"card__meta\"><time datetime=\"{at}\">{}</time></p></article>",
        rng.word(CSS_ELEMENTS),
        &at[..10]
    );
}

/// An ad slot with its loader script.
fn ad(rng: &mut Rng, lang: Lang, site: &str, out: &mut String) {
    let _ = write!(
        out,
        "<div class=\"ad ad--{}\" data-slot=\"/{}/{}\" aria-label=\"{}\"><span class=\"ad__label\">{}</span><div id=\"ad-",
        rng.word(&["leaderboard", "mpu", "halfpage", "native", "inread"]),
        rng.range(1_000_000, 9_999_999),
        slug(site),
        lang.vocab().ui[6],
        lang.vocab().ui[6]
    );
    hex(rng, 8, out);
    out.push_str("\"></div><script>");
    script(rng, lang, site, 300, out);
    out.push_str("</script></div>\n");
}

/// A generated article page.
pub struct Page {
    pub html: String,
    pub url: String,
    pub lang: Lang,
    /// Words of the article body as generated (paragraphs, subheads and any embedded post).
    pub article_words: usize,
}

/// Generates article page `id`: a page of about `target_bytes` whose article has about `words`
/// words, in English or Spanish (an embedded post, sometimes, in the other language).
pub fn page(seed: u64, id: u64, target_bytes: usize, words: usize) -> Page {
    let mut rng = Rng::new(seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let lang = if rng.chance(50) { Lang::En } else { Lang::Es };
    let v = lang.vocab();
    let site = rng.word(v.sites);
    let big = target_bytes > 20_000;
    let section = rng.word(v.sections);
    let title = headline(&mut rng, lang);
    let url = article_url(&mut rng, site, section, &title, id);
    let mut standfirst = String::new();
    sentence(&mut rng, lang, &mut standfirst);
    let mut author = String::new();
    name(&mut rng, &mut author);
    let published = date(&mut rng);
    let published_text = rfc3339(published);
    let image = image_url(&mut rng, site);

    let mut html = String::with_capacity(target_bytes + 16_384);
    // Head.
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{}\" class=\"no-js\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} | {site}</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"description\" content=\"{standfirst}\">\n<meta name=\"author\" content=\"{author}\">\n<meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"{title}\">\n<meta property=\"og:description\" content=\"{standfirst}\">\n<meta property=\"og:url\" content=\"{url}\">\n<meta property=\"og:image\" content=\"{image}\">\n<meta property=\"og:site_name\" content=\"{site}\">\n<meta property=\"article:published_time\" content=\"{published_text}\">\n<meta property=\"article:section\" content=\"{section}\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">\n<link rel=\"canonical\" href=\"{url}\">\n<link rel=\"icon\" href=\"/favicon.ico\">\n",
        lang.code()
    );
    for _ in 0..if big { 6 } else { 0 } {
        html.push_str("<link rel=\"preload\" as=\"script\" href=\"https://cdn.");
        html.push_str(site);
        html.push_str("/js/chunk.");
        hex(&mut rng, 12, &mut html);
        html.push_str(".js\">\n");
    }
    let json_ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "description": standfirst,
        "datePublished": published_text,
        "dateModified": published_text,
        "inLanguage": lang.code(),
        "author": [{"@type": "Person", "name": author, "url": format!("https://{site}/autor/{}", slug(&author))}],
        "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": format!("https://{site}/logo.png")}},
        "image": [image],
        "mainEntityOfPage": url,
        "articleSection": section,
    });
    let _ = writeln!(
        html,
        "<script type=\"application/ld+json\">{json_ld}</script>"
    );
    if big {
        html.push_str("<style>");
        css(&mut rng, (target_bytes / 12).min(24_000), &mut html);
        html.push_str("</style>\n<script>");
        script(&mut rng, lang, site, 2_000, &mut html);
        html.push_str("</script>\n");
    }
    html.push_str("</head>\n<body class=\"page page--article\">\n");

    // Site header and navigation.
    html.push_str("<a class=\"skip-link\" href=\"#main\">Skip</a>\n<header class=\"site-header\"><a class=\"site-header__logo\" href=\"/\">");
    svg(&mut rng, "logo", if big { 30 } else { 3 }, &mut html);
    html.push_str(
        "</a>\n<nav class=\"main-nav\" aria-label=\"Main\"><ul class=\"main-nav__list\">",
    );
    let nav_items = if big { rng.range(20, 60) } else { 4 };
    for _ in 0..nav_items {
        let item = rng.word(v.sections);
        let _ = write!(
            html,
            "<li class=\"main-nav__item\"><a class=\"main-nav__link\" href=\"/{}/\">{item}</a></li>",
            slug(item)
        );
    }
    html.push_str("</ul></nav>");
    if big {
        html.push_str("<form class=\"search\" action=\"/search\" role=\"search\"><input type=\"search\" name=\"q\" aria-label=\"Search\"><button type=\"submit\">");
        svg(&mut rng, "search", 6, &mut html);
        html.push_str("</button></form>");
    }
    html.push_str("</header>\n");
    if big {
        ad(&mut rng, lang, site, &mut html);
    }

    // The article.
    let _ = write!(
        html,
        "<main id=\"main\"><div class=\"layout\">\n<article class=\"article\">\n<header class=\"article__header\"><p class=\"kicker\"><a href=\"/{}/\">{section}</a></p><h1 class=\"article__title\">{title}</h1><p class=\"article__standfirst\">{standfirst}</p>\n<div class=\"byline\">{} <a rel=\"author\" href=\"/autor/{}\">{author}</a> <time datetime=\"{published_text}\">{}</time></div>\n",
        slug(section),
        v.ui[3],
        slug(&author),
        &published_text[..10]
    );
    if big {
        html.push_str("<div class=\"share\" aria-label=\"");
        html.push_str(v.ui[7]);
        html.push_str("\">");
        for network in ["facebook", "x", "whatsapp", "email"] {
            let _ = write!(
                html,
                "<a class=\"share__link share__link--{network}\" href=\"https://share.example/{network}?u={}\">",
                slug(&url)
            );
            svg(&mut rng, network, 8, &mut html);
            html.push_str("</a>");
        }
        html.push_str("</div>");
    }
    html.push_str("</header>\n");
    if big {
        let mut caption = String::new();
        sentence(&mut rng, lang, &mut caption);
        let _ = writeln!(
            html,
            "<figure class=\"article__media\"><img src=\"{image}?w=1200\" srcset=\"{image}?w=640 640w, {image}?w=1200 1200w\" alt=\"{title}\" width=\"1200\" height=\"675\"><figcaption>{caption}</figcaption></figure>"
        );
    }
    html.push_str("<div class=\"article__body\">\n");
    let mut written = 0usize;
    let mut paragraphs = 0;
    let embed_at = if rng.chance(20) {
        Some(rng.range(2, 6))
    } else {
        None
    };
    let mut text = String::new();
    while written < words {
        text.clear();
        paragraph_text(&mut rng, lang, (2, 6), &mut text);
        written += text.split_whitespace().count();
        html.push_str("<p>");
        html.push_str(&text);
        html.push_str("</p>\n");
        paragraphs += 1;
        if big && paragraphs % 5 == 0 {
            if rng.chance(50) {
                ad(&mut rng, lang, site, &mut html);
            } else {
                let teaser = headline(&mut rng, lang);
                let link = random_url(&mut rng, site, section, &teaser, (1, 999_999));
                let _ = writeln!(
                    html,
                    "<aside class=\"read-also\"><span>{}</span> <a href=\"{link}\">{teaser}</a></aside>",
                    v.ui[4]
                );
            }
        }
        if big && paragraphs % 7 == 3 {
            text.clear();
            clause(&mut rng, v, &mut text);
            capitalize_at(&mut text, 0);
            written += text.split_whitespace().count();
            let _ = writeln!(html, "<h2>{text}</h2>");
        }
        if embed_at == Some(paragraphs) {
            let other = lang.other();
            text.clear();
            paragraph_text(&mut rng, other, (2, 3), &mut text);
            written += text.split_whitespace().count();
            let mut who = String::new();
            name(&mut rng, &mut who);
            let handle = slug(&who).replace('-', "_");
            let _ = writeln!(
                html,
                "<blockquote class=\"twitter-tweet\" data-lang=\"{}\"><p lang=\"{}\" dir=\"ltr\">{text}</p>&mdash; {who} (@{handle}) <a href=\"https://twitter.com/{handle}/status/{}\">{}</a></blockquote><script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>",
                other.code(),
                other.code(),
                rng.range(1_000_000_000, 9_999_999_999),
                &published_text[..10]
            );
        }
    }
    html.push_str("</div>\n<footer class=\"article__footer\"><ul class=\"tags\">");
    for _ in 0..rng.range(2, 6) {
        let tag = rng.word(v.nouns);
        let _ = write!(
            html,
            "<li><a class=\"tag\" href=\"/tag/{}\">{tag}</a></li>",
            slug(tag)
        );
    }
    html.push_str("</ul></footer>\n</article>\n");

    // Sidebar, related, comments.
    if big {
        let _ = write!(
            html,
            "<aside class=\"sidebar\"><section class=\"most-read\"><h2>{}</h2><ol>",
            v.ui[0]
        );
        for _ in 0..10 {
            let teaser = headline(&mut rng, lang);
            let link = random_url(&mut rng, site, section, &teaser, (1, 999_999));
            let _ = write!(html, "<li><a href=\"{link}\">{teaser}</a></li>");
        }
        html.push_str("</ol></section>");
        ad(&mut rng, lang, site, &mut html);
        let _ = writeln!(
            html,
            "<form class=\"newsletter\" action=\"/newsletter\" method=\"post\"><p>{}</p><input type=\"email\" name=\"email\" required><button>OK</button></form></aside>",
            v.ui[5]
        );
    }
    html.push_str("</div>\n");
    if big {
        let _ = write!(
            html,
            "<section class=\"related\"><h2>{}</h2><div class=\"grid__wrap\">",
            v.ui[1]
        );
        for _ in 0..rng.range(4, 9) {
            card(&mut rng, lang, site, &mut html);
        }
        html.push_str("</div></section>\n");

        let _ = write!(
            html,
            "<section id=\"comments\" class=\"comments\"><h2>{}</h2>",
            v.ui[2]
        );
        for n in 0..rng.range(3, 15) {
            let mut commenter = String::new();
            name(&mut rng, &mut commenter);
            text.clear();
            paragraph_text(&mut rng, lang, (1, 2), &mut text);
            let _ = write!(
                html,
                "<div class=\"comment\" id=\"c{n}\"><div class=\"comment__head\"><span class=\"comment__author\">{commenter}</span> <time>{}</time></div><p class=\"comment__text\">{text}</p><div class=\"comment__actions\"><button type=\"button\">{}</button></div></div>",
                &published_text[..10],
                v.ui[9]
            );
        }
        html.push_str("</section>\n");
    }
    html.push_str("</main>\n");

    // Footer, built now and appended last, so that padding goes before it.
    let mut footer =
        String::from("<footer class=\"site-footer\"><div class=\"site-footer__cols\">");
    for _ in 0..if big { 4 } else { 1 } {
        footer.push_str("<ul class=\"site-footer__list\">");
        for _ in 0..if big { 8 } else { 3 } {
            let item = rng.word(v.sections);
            let _ = write!(footer, "<li><a href=\"/{}/\">{item}</a></li>", slug(item));
        }
        footer.push_str("</ul>");
    }
    let _ = writeln!(
        footer,
        "</div><p class=\"site-footer__legal\">© 2025 {site}. {}.</p></footer>",
        v.ui[8]
    );
    let closing = "</body>\n</html>\n";

    // Padding up to the target: more teaser grids and inline scripts, as real pages have.
    let target = target_bytes.saturating_sub(footer.len() + closing.len());
    while html.len() < target {
        let room = target - html.len();
        if rng.chance(35) {
            html.push_str("<section class=\"more-news\"><div class=\"grid__wrap\">");
            while html.len() < target && rng.chance(85) {
                card(&mut rng, lang, site, &mut html);
            }
            html.push_str("</div></section>\n");
        } else {
            html.push_str("<script>");
            let bytes = room.min(rng.range(2_000, 14_000) as usize);
            script(&mut rng, lang, site, bytes, &mut html);
            html.push_str("</script>\n");
        }
    }
    html.push_str(&footer);
    html.push_str(closing);
    Page {
        html,
        url,
        lang,
        article_words: written,
    }
}

/// A generated feed.
pub struct Feed {
    pub xml: String,
    pub items: usize,
}

/// Generates feed `id` with `items` items of about `item_bytes` each (title, link, guid, date,
/// author, escaped-HTML description and content), RSS 2.0 or Atom 1.0. `link` gives the
/// article URL of item `i` (`None`: a generated URL on the feed's site).
pub fn feed(
    seed: u64,
    id: u64,
    items: usize,
    item_bytes: usize,
    atom: bool,
    link: &dyn Fn(usize) -> Option<String>,
) -> Feed {
    let mut rng = Rng::new(seed ^ id.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0xFEED);
    let lang = if rng.chance(50) { Lang::En } else { Lang::Es };
    let v = lang.vocab();
    let site = rng.word(v.sites);
    let mut xml = String::with_capacity(items * (item_bytes + 200) + 2_048);
    let updated = date(&mut rng);
    let title = format!("{site} — {}", rng.word(v.sections));
    if atom {
        let _ = write!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{title}</title>\n<subtitle>{}</subtitle>\n<link rel=\"alternate\" type=\"text/html\" href=\"https://{site}/\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"https://{site}/feed/{id}.atom\"/>\n<id>tag:{site},2025:feed/{id}</id>\n<updated>{}</updated>\n<generator>bench</generator>\n",
            lang.code(),
            rng.word(v.sections),
            rfc3339(updated)
        );
    } else {
        let _ = write!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n<title>{title}</title>\n<link>https://{site}/</link>\n<description>{}</description>\n<language>{}</language>\n<lastBuildDate>{}</lastBuildDate>\n<atom:link href=\"https://{site}/feed/{id}.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n",
            rng.word(v.sections),
            lang.code(),
            updated.format(&Rfc2822).unwrap_or_default()
        );
    }
    let mut html = String::new();
    let mut summary = String::new();
    for i in 0..items {
        let item_title = headline(&mut rng, lang);
        let section = rng.word(v.sections);
        let url = link(i).unwrap_or_else(|| {
            let number = id.wrapping_mul(1_000).wrapping_add(i as u64);
            article_url(&mut rng, site, section, &item_title, number)
        });
        let at = date(&mut rng);
        let mut author = String::new();
        name(&mut rng, &mut author);
        summary.clear();
        paragraph_text(&mut rng, lang, (1, 3), &mut summary);
        let description = format!("<p>{summary}</p>");
        // Content: paragraphs with a picture and links, up to the item's size.
        let budget = item_bytes.saturating_sub(700 + 2 * description.len());
        html.clear();
        let img = image_url(&mut rng, site);
        if budget > 0 {
            let _ = write!(
                html,
                "<figure><img src=\"{img}\" alt=\"{item_title}\" width=\"1200\" height=\"675\"/></figure>"
            );
        }
        while html.len() < budget {
            html.push_str("<p>");
            paragraph_text(&mut rng, lang, (2, 5), &mut html);
            if rng.chance(30) {
                let other = headline(&mut rng, lang);
                let link = random_url(&mut rng, site, section, &other, (1, 999_999));
                let _ = write!(html, " <a href=\"{link}\">{other}</a>");
            }
            html.push_str("</p>");
        }
        if atom {
            let _ = write!(
                xml,
                "<entry>\n<title type=\"html\">{item_title}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<id>tag:{site},2025:{id}-{i}</id>\n<published>{}</published>\n<updated>{}</updated>\n<author><name>{author}</name></author>\n<category term=\"{section}\"/>\n<summary type=\"html\">",
                rfc3339(at),
                rfc3339(at)
            );
            escape_xml(&description, &mut xml);
            xml.push_str("</summary>\n");
            if !html.is_empty() {
                xml.push_str("<content type=\"html\">");
                escape_xml(&html, &mut xml);
                xml.push_str("</content>\n");
            }
            xml.push_str("</entry>\n");
        } else {
            let _ = write!(
                xml,
                "<item>\n<title>{item_title}</title>\n<link>{url}</link>\n<guid isPermaLink=\"false\">{site}-{id}-{i}</guid>\n<pubDate>{}</pubDate>\n<author>{}@{site} ({author})</author>\n<category>{section}</category>\n<description>",
                at.format(&Rfc2822).unwrap_or_default(),
                slug(&author)
            );
            escape_xml(&description, &mut xml);
            xml.push_str("</description>\n");
            if !html.is_empty() {
                xml.push_str("<content:encoded>");
                escape_xml(&html, &mut xml);
                xml.push_str("</content:encoded>\n");
            }
            xml.push_str("</item>\n");
        }
    }
    xml.push_str(if atom {
        "</feed>\n"
    } else {
        "</channel>\n</rss>\n"
    });
    Feed { xml, items }
}
