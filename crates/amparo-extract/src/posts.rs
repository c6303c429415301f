//! Social-media posts embedded or quoted in an article.
//!
//! Two shapes are read, both anchored on a handle (`@madresunidas`, `@user@instance` on
//! Mastodon, `@name.bsky.social` on Bluesky):
//!
//! - **Embeds.** Twitter's (and Bluesky's) embed code leaves, after HTML extraction, the post's
//!   text and then an attribution line: `— Madres Unidas (@madresunidas) March 20, 2025`,
//!   possibly with a URL after the date; Instagram's leaves `A post shared by Name (@handle)`
//!   (`Una publicación compartida por …`). The post's text is what precedes the dash on the
//!   same line or, when the line starts with it, the paragraph just before (one blank line may
//!   separate them, as the article extractor writes blockquotes); a paragraph of more than
//!   [`MAX_POST_CHARS`] characters is not taken as a post's text, and a line ending with `:`
//!   (`The group wrote:`) belongs to the article.
//! - **Quoted posts.** `Name (@handle) wrote on X: "…"`, `posted on Instagram`, `tuiteó`,
//!   `escribió en X: «…»`: the post's text is the quotation that follows.
//!
//! The author is the display name as written, without emoji or flags around it (`Nayib Bukele
//! 🇸🇻` → `Nayib Bukele`). The platform comes from a post URL in the span (`twitter.com` or
//! `x.com`, `instagram.com`, `facebook.com`, `tiktok.com`, `bsky.app`, `t.me`,
//! `pic.twitter.com`), else the handle's shape, else the platform the sentence names, else
//! `twitter` for the dash-and-date embed line (Twitter's blockquote fallback), else `unknown`.
//! Dates are read in English (`March 20, 2025`, `Mar 20, 2025`, `20 March 2025`), Spanish
//! (`20 de marzo de 2025`, `marzo 20, 2025`) and ISO (`2025-03-20`) forms. The language is
//! [`amparo_ingest::lang::detect`]'s on the text without links, handles and hashtag marks,
//! `und` when it is not at least [`MIN_LANGUAGE_CONFIDENCE`] sure.

use std::ops::Range;

use crate::Post;
use crate::text::{Doc, fold};

/// Longest post text taken from the paragraph before an embed's attribution line, in
/// characters.
pub const MAX_POST_CHARS: usize = 2000;

/// Least confidence of the language detector for a post's language to be named.
pub const MIN_LANGUAGE_CONFIDENCE: f64 = 0.5;

/// Longest author name, in characters.
const MAX_AUTHOR_CHARS: usize = 80;

/// Verbs that introduce a quoted post after `Name (@handle)`, folded.
const POST_VERBS: &[&str] = &[
    "wrote",
    "posted",
    "tweeted",
    "said",
    "shared",
    "published",
    "writes",
    "posts",
    "says",
    "tweets",
    "escribio",
    "publico",
    "tuiteo",
    "dijo",
    "compartio",
    "escribe",
    "publica",
    "senalo",
    "afirmo",
    "denuncio",
];

/// Finds the posts `doc` embeds.
pub fn find_posts(doc: &Doc) -> Vec<Post> {
    let text = doc.text;
    let mut posts: Vec<Post> = Vec::new();
    let mut last_end = 0;
    let mut search = 0;
    while let Some(found) = text.get(search..).and_then(|rest| rest.find('@')) {
        let at = search + found;
        search = at + 1;
        if at < last_end {
            continue;
        }
        let Some(handle) = read_handle(text, at) else {
            continue;
        };
        search = handle.end.max(search);
        let post = embed(doc, &handle).or_else(|| quoted(doc, &handle));
        if let Some((post, span)) = post {
            if span.start < last_end {
                continue;
            }
            last_end = span.end;
            search = search.max(span.end);
            posts.push(post);
        }
    }
    // Attribution lines without a handle, where no post was found.
    let mut line = 0;
    while line < text.len() {
        let end = line_end(text, line);
        let inside = posts.iter().any(|post| {
            let range = doc.char_range(line..end);
            range.start < post.end && post.start < range.end
        });
        if !inside
            && let Some((post, _)) = handleless(doc, line..end)
            && !posts
                .iter()
                .any(|other| other.start < post.end && post.start < other.end)
        {
            posts.push(post);
        }
        line = end + 1;
    }
    posts.sort_by_key(|post| post.start);
    posts
}

/// A handle found in the text.
struct Handle {
    /// Byte offset of the `@`.
    start: usize,
    /// Byte offset after the handle.
    end: usize,
    /// Byte offset after the `)` closing `(@handle)`, when parenthesized.
    paren_end: Option<usize>,
    /// Byte offset of the `(` before it, or of the `@`.
    name_end: usize,
}

fn is_handle_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.' || c == '-'
}

/// Reads the handle whose `@` is at byte `at`.
fn read_handle(text: &str, at: usize) -> Option<Handle> {
    let before = text.get(..at)?.chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || c == '@' || c == '.') {
        // An e-mail address or the second half of a Mastodon handle.
        return None;
    }
    let rest = text.get(at + 1..)?;
    let mut len = rest
        .char_indices()
        .find(|&(_, c)| !is_handle_char(c))
        .map_or(rest.len(), |(index, _)| index);
    // `@user@instance.social`.
    if rest.get(len..).is_some_and(|tail| tail.starts_with('@')) {
        let tail = rest.get(len + 1..)?;
        let more = tail
            .char_indices()
            .find(|&(_, c)| !is_handle_char(c))
            .map_or(tail.len(), |(index, _)| index);
        if more > 0 {
            len += 1 + more;
        }
    }
    let handle = rest.get(..len)?.trim_end_matches(['.', '-']);
    if handle.is_empty() || !handle.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let end = at + 1 + handle.len();
    let paren = before == Some('(') && text.get(end..).is_some_and(|tail| tail.starts_with(')'));
    Some(Handle {
        start: at,
        end,
        paren_end: paren.then_some(end + 1),
        name_end: if paren { at - 1 } else { at },
    })
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|head| head.rfind('\n'))
        .map_or(0, |newline| newline + 1)
}

/// The end of the line holding byte `at` (before its `\n`).
fn line_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|tail| tail.find('\n'))
        .map_or(text.len(), |newline| at + newline)
}

/// An embed's attribution line: `— Name (@handle) Date [URL]` or `A post shared by Name
/// (@handle)`.
fn embed(doc: &Doc, handle: &Handle) -> Option<(Post, Range<usize>)> {
    let text = doc.text;
    let start_of_line = line_start(text, handle.start);
    let head = text.get(start_of_line..handle.name_end)?;
    // The dash (or the Instagram phrase) before the name.
    let (marker_start, name_start, instagram) = find_marker(head)?;
    embed_line(
        doc,
        Line {
            start_of_line,
            marker_start: start_of_line + marker_start,
            name: start_of_line + name_start..handle.name_end,
            handle: Some(handle.start..handle.end),
            after_handle: handle.paren_end.unwrap_or(handle.end),
            paren: handle.paren_end.is_some(),
            instagram,
        },
    )
}

/// An attribution line without a handle: `— Parroquia San Judas, 27 de junio de 2025`
/// (`line` is the line's byte range, without its line break).
fn handleless(doc: &Doc, line: Range<usize>) -> Option<(Post, Range<usize>)> {
    let text = doc.text;
    let Range {
        start: start_of_line,
        end: end_of_line,
    } = line;
    let line = text.get(start_of_line..end_of_line)?;
    let trimmed = line.trim_start();
    let dash = trimmed.chars().next()?;
    if !matches!(dash, '—' | '–' | '―') || line.len() > 240 || line.contains('@') {
        return None;
    }
    let marker_start = start_of_line + (line.len() - trimmed.len());
    let name_start = marker_start + dash.len_utf8();
    // The first word from which a date runs to the end of the line (or to a URL).
    let rest = text.get(name_start..end_of_line)?;
    for (index, c) in rest.char_indices() {
        let starts_word = index > 0
            && rest[..index]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_whitespace() || p == ',');
        if !starts_word || !c.is_alphanumeric() {
            continue;
        }
        let Some((_, used)) = read_date(&rest[index..]) else {
            continue;
        };
        let after = rest[index + used..].trim();
        if !(after.is_empty() || after.starts_with("http")) {
            return None;
        }
        let name_end = name_start + index;
        return embed_line(
            doc,
            Line {
                start_of_line,
                marker_start,
                name: name_start..name_end,
                handle: None,
                after_handle: name_end,
                paren: false,
                instagram: false,
            },
        );
    }
    None
}

/// An attribution line, as byte offsets.
struct Line {
    start_of_line: usize,
    marker_start: usize,
    name: Range<usize>,
    handle: Option<Range<usize>>,
    after_handle: usize,
    paren: bool,
    instagram: bool,
}

fn embed_line(doc: &Doc, line: Line) -> Option<(Post, Range<usize>)> {
    let text = doc.text;
    let Line {
        start_of_line,
        marker_start,
        name,
        handle,
        after_handle,
        paren,
        instagram,
    } = line;
    let author = clean_author(text.get(name)?);
    if author
        .as_ref()
        .is_some_and(|name| name.chars().count() > MAX_AUTHOR_CHARS)
    {
        return None;
    }
    // After the handle: the date and perhaps a URL, to the end of the line.
    let end_of_line = line_end(text, after_handle);
    let tail = text.get(after_handle..end_of_line)?;
    let mut end = after_handle;
    let date = read_date(tail).map(|(value, used)| {
        end = after_handle + used;
        value
    });
    let at_line_start = text
        .get(start_of_line..marker_start)
        .is_some_and(|before| before.trim().is_empty());
    if date.is_none() && !instagram && (!paren || !at_line_start) {
        return None;
    }
    let mut links_after = Vec::new();
    for (range, url) in find_links(text.get(end..end_of_line).unwrap_or("")) {
        let trimmed_before = text.get(end..end + range.start).unwrap_or("");
        if trimmed_before
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '·' | '|' | '-' | '—' | ','))
        {
            end += range.end;
            links_after.push(url);
        } else {
            break;
        }
    }
    // The post's text: before the marker on the same line, or the paragraph above.
    let same_line = text.get(start_of_line..marker_start)?;
    let body = if same_line.trim().is_empty() {
        paragraph_above(text, start_of_line)
    } else {
        let trimmed = same_line.trim_end();
        let first = start_of_line + (same_line.len() - same_line.trim_start().len());
        let line_body = first..start_of_line + trimmed.len();
        // Lines above in the same paragraph belong to the post too.
        let above = lines_above(text, start_of_line);
        Some(above.map_or(line_body.clone(), |above| above.start..line_body.end))
    };
    let body = body.filter(|range| {
        text.get(range.clone())
            .is_some_and(|body| body.chars().count() <= MAX_POST_CHARS)
    });
    let body_text = body
        .clone()
        .and_then(|range| text.get(range))
        .map(|body| strip_instagram_boilerplate(body).trim())
        .unwrap_or("");
    let start = body.as_ref().map_or(marker_start, |range| range.start);
    let handle_text = match handle {
        Some(range) => Some(text.get(range)?),
        None => None,
    };
    let links = find_links(body_text)
        .into_iter()
        .map(|(_, url)| url)
        .collect::<Vec<_>>();
    let platform = platform_from_links(links.iter().chain(links_after.iter()))
        .or_else(|| handle_text.and_then(platform_from_handle))
        .or_else(|| platform_from_intro(text, start))
        .unwrap_or(if instagram {
            "instagram"
        } else if date.is_some() {
            "twitter"
        } else {
            "unknown"
        });
    let chars = doc.char_range(start..end);
    Some((
        Post {
            platform: platform.to_owned(),
            author,
            handle: handle_text.map(str::to_owned),
            date,
            text: body_text.to_owned(),
            language: language_of(body_text),
            links,
            start: chars.start,
            end: chars.end,
        },
        start..end,
    ))
}

/// Where an attribution line's marker starts and its name starts, in `head` (the line up to
/// the name's end), and whether it is Instagram's `A post shared by`.
fn find_marker(head: &str) -> Option<(usize, usize, bool)> {
    let folded = head.to_lowercase();
    for phrase in [
        "a post shared by",
        "publicación compartida por",
        "publicación compartida de",
        "publicacion compartida por",
        "publicacion compartida de",
    ] {
        if let Some(found) = folded.rfind(phrase)
            && folded.len() == head.len()
        {
            let marker = if folded[..found].ends_with("una ") {
                found - 4
            } else {
                found
            };
            return Some((marker, found + phrase.len(), true));
        }
    }
    // The last dash that follows a space (or starts the line) and precedes a space.
    let mut marker = None;
    for (index, c) in head.char_indices() {
        if matches!(c, '—' | '–' | '-' | '―') {
            let before_ok = head[..index]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
            let after_ok = head[index + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(char::is_whitespace);
            if before_ok && after_ok {
                marker = Some((index, index + c.len_utf8(), false));
            }
        }
    }
    if marker.is_none() {
        // `&mdash;` left undecoded.
        if let Some(found) = head.rfind("&mdash;") {
            marker = Some((found, found + "&mdash;".len(), false));
        }
    }
    marker
}

/// The display name without emoji, flags or punctuation around it; `None` when empty.
fn clean_author(name: &str) -> Option<String> {
    let trimmed = name.trim_matches(|c: char| !(c.is_alphanumeric() || c == '.' || c == ')'));
    let trimmed = trimmed.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The paragraph above the line that starts at `line`: one blank line may separate them.
fn paragraph_above(text: &str, line: usize) -> Option<Range<usize>> {
    let head = text.get(..line)?;
    let content_end = head.trim_end().len();
    if content_end == 0 {
        return None;
    }
    let gap = head.get(content_end..)?;
    if gap.matches('\n').count() > 2 {
        return None;
    }
    // Back to a blank line, stopping at a line that ends with `:` (the article's words).
    let mut start = line_start(text, content_end);
    let last_line = text.get(start..content_end)?;
    if last_line.trim_end().ends_with(':') {
        return None;
    }
    while start > 0 {
        let previous_end = start - 1;
        let previous_start = line_start(text, previous_end);
        let previous = text.get(previous_start..previous_end)?;
        if previous.trim().is_empty() || previous.trim_end().ends_with(':') {
            break;
        }
        start = previous_start;
    }
    let slice = text.get(start..content_end)?;
    let start = start + (slice.len() - slice.trim_start().len());
    (start < content_end).then_some(start..content_end)
}

/// Lines directly above the line at `line` in the same paragraph, if any.
fn lines_above(text: &str, line: usize) -> Option<Range<usize>> {
    let mut start = line;
    while start > 0 {
        let previous_end = start - 1;
        let previous_start = line_start(text, previous_end);
        let previous = text.get(previous_start..previous_end)?;
        if previous.trim().is_empty() || previous.trim_end().ends_with(':') {
            break;
        }
        start = previous_start;
    }
    (start < line).then_some(start..line)
}

fn strip_instagram_boilerplate(body: &str) -> &str {
    let mut body = body.trim();
    for prefix in [
        "View this post on Instagram",
        "Ver esta publicación en Instagram",
    ] {
        if let Some(rest) = body.strip_prefix(prefix) {
            body = rest.trim_start();
        }
    }
    body
}

/// `Name (@handle) wrote on X: "…"`.
fn quoted(doc: &Doc, handle: &Handle) -> Option<(Post, Range<usize>)> {
    let text = doc.text;
    let after = handle.paren_end.unwrap_or(handle.end);
    // The verb and what follows, up to the opening quotation mark, within a short stretch.
    let window_end = floor_boundary(text, (after + 160).min(text.len()));
    let window = text.get(after..window_end)?;
    let open = window.find(['"', '“', '«', '\'', '‘'])?;
    let lead = window.get(..open)?;
    let lead_folded = fold(lead);
    let mut words = lead_folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty());
    let verb = words.next()?;
    if !POST_VERBS.contains(&verb) || lead.contains(['.', '\n', '(']) {
        return None;
    }
    let platform_word = platform_from_words(&lead_folded);
    let date = find_date_in(lead).map(|(value, _)| value);
    // The quotation: the first one the quotation scanner closes from here.
    let open_at = after + open;
    let paragraph_end = text
        .get(open_at..)
        .and_then(|tail| tail.find("\n\n"))
        .map_or(text.len(), |found| open_at + found);
    let marks = crate::quotes::scan_marks(text.get(open_at..paragraph_end)?);
    let first = marks.first()?;
    if first.open != 0 {
        return None;
    }
    let inner = open_at + first.inner_start..open_at + first.close;
    let body = text.get(inner)?.trim().trim_end_matches(',').trim();
    let end = open_at + first.outer_end;
    // The author: the capitalized words just before `(@handle)`.
    let (author, start) = author_before(text, handle.name_end);
    let handle_text = text.get(handle.start..handle.end)?;
    let links: Vec<String> = find_links(body).into_iter().map(|(_, url)| url).collect();
    let platform = platform_from_links(links.iter())
        .or_else(|| platform_from_handle(handle_text))
        .or(platform_word)
        .unwrap_or("unknown");
    let start = start.unwrap_or(handle.start);
    let chars = doc.char_range(start..end);
    Some((
        Post {
            platform: platform.to_owned(),
            author,
            handle: Some(handle_text.to_owned()),
            date,
            text: body.to_owned(),
            language: language_of(body),
            links,
            start: chars.start,
            end: chars.end,
        },
        start..end,
    ))
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The run of capitalized words (with `de`, `del`, `la` inside) ending just before `end`,
/// and where it starts.
fn author_before(text: &str, end: usize) -> (Option<String>, Option<usize>) {
    let Some(head) = text.get(..end) else {
        return (None, None);
    };
    let head = head.trim_end();
    let mut start = head.len();
    let mut last_capital = None;
    for (words, word) in head.rsplit(' ').enumerate() {
        let clean = word.trim_matches(|c: char| !c.is_alphanumeric());
        if word.is_empty() || words >= 8 {
            break;
        }
        let capital = clean.chars().next().is_some_and(char::is_uppercase);
        let joiner = matches!(clean, "de" | "del" | "la" | "las" | "los" | "y");
        if !(capital || joiner) || word.ends_with([',', '.', ':', ';']) && start != head.len() {
            break;
        }
        start = start.saturating_sub(word.len() + usize::from(start != head.len()));
        if capital {
            last_capital = Some(start);
        }
    }
    let Some(start) = last_capital else {
        return (None, None);
    };
    let name = head.get(start..).map(str::trim).unwrap_or("");
    let name = name.trim_matches(|c: char| !c.is_alphanumeric());
    if name.is_empty() {
        (None, None)
    } else {
        (Some(name.to_owned()), Some(start))
    }
}

/// URLs in `text`: `http(s)://…`, `www.…`, `pic.twitter.com/…`, with trailing punctuation
/// left out; byte ranges into `text`.
fn find_links(text: &str) -> Vec<(Range<usize>, String)> {
    let mut links = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let Some(rest) = text.get(at..) else { break };
        let found = ["https://", "http://", "www.", "pic.twitter.com/"]
            .iter()
            .filter_map(|prefix| rest.find(prefix))
            .min();
        let Some(found) = found else { break };
        let start = at + found;
        let previous = text.get(..start).and_then(|head| head.chars().next_back());
        let tail = text.get(start..).unwrap_or("");
        let len = tail
            .char_indices()
            .find(|&(_, c)| {
                c.is_whitespace() || matches!(c, '<' | '>' | '"' | '«' | '»' | '“' | '”')
            })
            .map_or(tail.len(), |(index, _)| index);
        let url = tail
            .get(..len)
            .unwrap_or("")
            .trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\'', '’']);
        if previous.is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '.') {
            at = start + len.max(1);
            continue;
        }
        if url.len() > 4 {
            links.push((start..start + url.len(), url.to_owned()));
        }
        at = start + len.max(1);
        while at < text.len() && !text.is_char_boundary(at) {
            at += 1;
        }
    }
    links
}

/// The platform of the first post URL among `links`.
fn platform_from_links<'a>(links: impl Iterator<Item = &'a String>) -> Option<&'static str> {
    for link in links {
        let lower = link.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .unwrap_or(&lower);
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.strip_prefix("www.").unwrap_or(host);
        let host = host.strip_prefix("mobile.").unwrap_or(host);
        let host = host.strip_prefix("m.").unwrap_or(host);
        let platform = match host {
            "twitter.com" | "x.com" | "pic.twitter.com" | "t.co" | "pic.x.com" => "twitter",
            "instagram.com" | "instagr.am" => "instagram",
            "facebook.com" | "fb.com" | "fb.watch" => "facebook",
            "tiktok.com" | "vm.tiktok.com" => "tiktok",
            "bsky.app" => "bluesky",
            "t.me" | "telegram.me" => "telegram",
            _ => continue,
        };
        return Some(platform);
    }
    None
}

/// The platform a handle's shape says: `@user@instance` is Mastodon, `@name.bsky.social`
/// (or a handle ending in a domain) is Bluesky; `@luisafer.ochoa` (TikTok, Instagram) says
/// nothing.
fn platform_from_handle(handle: &str) -> Option<&'static str> {
    let body = handle.trim_start_matches('@');
    if body.contains('@') {
        Some("mastodon")
    } else if body.ends_with(".bsky.social")
        || body.rsplit('.').next().is_some_and(|tld| {
            body.contains('.')
                && matches!(
                    tld,
                    "social"
                        | "com"
                        | "org"
                        | "net"
                        | "app"
                        | "dev"
                        | "io"
                        | "news"
                        | "mx"
                        | "es"
                        | "co"
                        | "ar"
                        | "cl"
                        | "pe"
                        | "ve"
                        | "sv"
                        | "gt"
                        | "hn"
                        | "uy"
                )
        })
    {
        Some("bluesky")
    } else {
        None
    }
}

/// The platform the article's words just before a post name (`la contó en Facebook:`,
/// `a video posted on TikTok`).
fn platform_from_intro(text: &str, post_start: usize) -> Option<&'static str> {
    let mut from = post_start.saturating_sub(300);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let intro = text.get(from..post_start)?;
    platform_from_words(&fold(intro))
}

/// The platform a sentence names (`wrote on X`, `en Instagram`), folded text.
fn platform_from_words(folded: &str) -> Option<&'static str> {
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    for (index, word) in words.iter().enumerate() {
        let after_preposition = index > 0 && matches!(words[index - 1], "on" | "en" | "in" | "via");
        let platform = match *word {
            "twitter" => "twitter",
            "x" if after_preposition => "twitter",
            "instagram" => "instagram",
            "facebook" => "facebook",
            "tiktok" => "tiktok",
            "bluesky" => "bluesky",
            "telegram" => "telegram",
            "mastodon" => "mastodon",
            _ => continue,
        };
        return Some(platform);
    }
    if words
        .first()
        .is_some_and(|verb| matches!(*verb, "tweeted" | "tuiteo"))
    {
        return Some("twitter");
    }
    None
}

/// The language of a post's text, `und` when unsure.
fn language_of(body: &str) -> String {
    let mut clean = String::with_capacity(body.len());
    for word in body.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if word.starts_with('@')
            || lower.starts_with("http")
            || lower.starts_with("www.")
            || lower.starts_with("pic.twitter.com")
        {
            continue;
        }
        clean.push_str(word.trim_start_matches('#'));
        clean.push(' ');
    }
    let detection = amparo_ingest::lang::detect(&clean);
    if detection.language == amparo_ingest::lang::UNDETERMINED
        || detection.confidence < MIN_LANGUAGE_CONFIDENCE
    {
        amparo_ingest::lang::UNDETERMINED.to_owned()
    } else {
        detection.language
    }
}

/// Month numbers by folded English and Spanish names and abbreviations.
fn month(word: &str) -> Option<u8> {
    let word = word.trim_end_matches('.');
    Some(match word {
        "january" | "jan" | "enero" | "ene" => 1,
        "february" | "feb" | "febrero" => 2,
        "march" | "mar" | "marzo" => 3,
        "april" | "apr" | "abril" | "abr" => 4,
        "may" | "mayo" => 5,
        "june" | "jun" | "junio" => 6,
        "july" | "jul" | "julio" => 7,
        "august" | "aug" | "agosto" | "ago" => 8,
        "september" | "sep" | "sept" | "septiembre" | "setiembre" | "set" => 9,
        "october" | "oct" | "octubre" => 10,
        "november" | "nov" | "noviembre" => 11,
        "december" | "dec" | "diciembre" | "dic" => 12,
        _ => return None,
    })
}

fn day_date(year: i32, month_number: u8, day: u8) -> Option<String> {
    let month_value = time::Month::try_from(month_number).ok()?;
    let date = time::Date::from_calendar_date(year, month_value, day).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

/// Reads a full date at the start of `text` (after spaces and separators): the value
/// `YYYY-MM-DD` and the bytes it used.
fn read_date(text: &str) -> Option<(String, usize)> {
    // Words with their byte ends, up to six of them.
    let mut words: Vec<(String, usize)> = Vec::new();
    let mut index = 0;
    let bytes = text.len();
    while index < bytes && words.len() < 6 {
        let rest = text.get(index..)?;
        let skip = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_whitespace() || matches!(c, ',' | '·' | '|')))
            .map_or(rest.len(), |(at, _)| at);
        index += skip;
        let rest = text.get(index..)?;
        if rest.is_empty() {
            break;
        }
        let len = rest
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || c == ',')
            .map_or(rest.len(), |(at, _)| at);
        if len == 0 {
            break;
        }
        words.push((fold(rest.get(..len)?), index + len));
        index += len;
    }
    let word = |i: usize| words.get(i).map(|(word, _)| word.as_str());
    let end = |i: usize| words.get(i).map_or(0, |&(_, end)| end);
    let number = |i: usize| -> Option<u32> {
        let raw = word(i)?.trim_end_matches(['.', ',', ':', ';', ')']);
        if raw.is_empty() || raw.len() > 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        raw.parse().ok()
    };
    let small = |value: u32| u8::try_from(value).ok();
    let year = |value: u32| (1990..=2100).contains(&value).then_some(value as i32);
    // 2025-03-20
    if let Some(first) = word(0) {
        let parts: Vec<&str> = first.split('-').collect();
        if parts.len() == 3
            && let (Ok(y), Ok(m), Ok(d)) = (
                parts[0].parse::<u32>(),
                parts[1].parse::<u32>(),
                parts[2].trim_end_matches('.').parse::<u32>(),
            )
            && let (Some(y), Some(m), Some(d)) = (year(y), small(m), small(d))
        {
            return Some((day_date(y, m, d)?, end(0)));
        }
    }
    // March 20, 2025 / marzo 20, 2025
    if let Some(m) = word(0).and_then(month)
        && let (Some(d), Some(y)) = (number(1), number(2).and_then(year))
    {
        return Some((day_date(y, m, small(d)?)?, end(2)));
    }
    // 20 March 2025
    if let (Some(d), Some(m)) = (number(0), word(1).and_then(month))
        && let Some(y) = number(2).and_then(year)
    {
        return Some((day_date(y, m, small(d)?)?, end(2)));
    }
    // 20 de marzo de 2025 / 20 de marzo, 2025
    if let (Some(d), Some("de"), Some(m)) = (number(0), word(1), word(2).and_then(month)) {
        if word(3) == Some("de")
            && let Some(y) = number(4).and_then(year)
        {
            return Some((day_date(y, m, small(d)?)?, end(4)));
        }
        if let Some(y) = number(3).and_then(year) {
            return Some((day_date(y, m, small(d)?)?, end(3)));
        }
    }
    None
}

/// The first full date anywhere in `text` (`on March 20, 2025`, `el 20 de marzo de 2025`).
fn find_date_in(text: &str) -> Option<(String, usize)> {
    let mut at = 0;
    for (index, c) in text.char_indices() {
        if index < at {
            continue;
        }
        let starts_word = text
            .get(..index)
            .and_then(|head| head.chars().next_back())
            .is_none_or(|p| !p.is_alphanumeric());
        if c.is_alphanumeric() && starts_word {
            if let Some((value, used)) = text.get(index..).and_then(read_date) {
                return Some((value, index + used));
            }
            at = index + 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    fn posts(text: &str, language: Language) -> Vec<Post> {
        find_posts(&Doc::new(text, language))
    }

    #[test]
    fn dates_in_both_languages() {
        for (text, value) in [
            ("March 20, 2025", "2025-03-20"),
            ("Mar 20, 2025 at 10:15 AM", "2025-03-20"),
            ("20 March 2025", "2025-03-20"),
            ("20 de marzo de 2025", "2025-03-20"),
            ("20 de marzo, 2025", "2025-03-20"),
            ("marzo 20, 2025", "2025-03-20"),
            (" 2025-03-20", "2025-03-20"),
        ] {
            assert_eq!(
                read_date(text).map(|(v, _)| v),
                Some(value.to_owned()),
                "{text}"
            );
        }
        assert_eq!(read_date("February 30, 2025"), None);
        assert_eq!(read_date("March 2025"), None);
    }

    /// An English article embedding one Spanish and one English post, as the article
    /// extractor writes them: post text, blank line, attribution line.
    const ARTICLE: &str = "Families of the men deported to El Salvador gathered outside the consulate on Tuesday.\n\n\
Exigimos que el gobierno nos diga dónde están nuestros hijos. Llevamos meses sin saber nada de ellos. pic.twitter.com/AbC123\n\n\
— Madres Unidas (@madresunidas) March 20, 2025\n\n\
Lawyers for the families said no court had heard the men's cases.\n\n\
Oops. Too late 😂 https://t.co/xyz\n\
— Nayib Bukele 🇸🇻 (@nayibbukele) March 16, 2025\n\n\
A spokesperson for the consulate declined to comment.";

    #[test]
    fn an_article_with_two_embedded_posts() {
        let found = posts(ARTICLE, Language::En);
        assert_eq!(found.len(), 2, "{found:#?}");
        let first = &found[0];
        assert_eq!(first.platform, "twitter");
        assert_eq!(first.author.as_deref(), Some("Madres Unidas"));
        assert_eq!(first.handle.as_deref(), Some("@madresunidas"));
        assert_eq!(first.date.as_deref(), Some("2025-03-20"));
        assert_eq!(first.language, "es");
        assert!(first.text.starts_with("Exigimos que el gobierno"));
        assert!(first.text.ends_with("pic.twitter.com/AbC123"));
        assert_eq!(first.links, vec!["pic.twitter.com/AbC123".to_owned()]);
        let chars: Vec<char> = ARTICLE.chars().collect();
        let span: String = chars[first.start..first.end].iter().collect();
        assert!(
            span.starts_with("Exigimos") && span.ends_with("March 20, 2025"),
            "{span}"
        );

        let second = &found[1];
        assert_eq!(second.platform, "twitter");
        assert_eq!(second.author.as_deref(), Some("Nayib Bukele"));
        assert_eq!(second.handle.as_deref(), Some("@nayibbukele"));
        assert_eq!(second.date.as_deref(), Some("2025-03-16"));
        assert_eq!(second.text, "Oops. Too late 😂 https://t.co/xyz");
        assert_eq!(second.links, vec!["https://t.co/xyz".to_owned()]);
        let span: String = chars[second.start..second.end].iter().collect();
        assert!(
            span.starts_with("Oops.") && span.ends_with("March 16, 2025"),
            "{span}"
        );
    }

    #[test]
    fn spanish_article_with_a_spanish_date_and_a_url() {
        let text = "La organización publicó un mensaje el jueves.\n\n\
We demand that the government tell us where our sons are being held right now.\n\n\
— Madres Unidas (@madresunidas) 20 de marzo de 2025 https://x.com/madresunidas/status/123\n\n\
El consulado no respondió.";
        let found = posts(text, Language::Es);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].platform, "twitter");
        assert_eq!(found[0].date.as_deref(), Some("2025-03-20"));
        assert_eq!(found[0].language, "en");
        assert!(found[0].links.is_empty());
    }

    #[test]
    fn quoted_posts_and_other_platforms() {
        let text = "The mayor of the town, Ana Ruiz (@anaruiz) wrote on X on March 3, 2025: \"They took \
                    my neighbours away at dawn and nobody will tell us where they are.\"";
        let found = posts(text, Language::En);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].platform, "twitter");
        assert_eq!(found[0].author.as_deref(), Some("Ana Ruiz"));
        assert_eq!(found[0].date.as_deref(), Some("2025-03-03"));
        assert_eq!(found[0].language, "en");
        assert!(found[0].text.starts_with("They took my neighbours"));

        let text = "El colectivo Madres Unidas (@madresunidas) escribió en Instagram: «Seguiremos \
                    buscando a nuestros hijos hasta encontrarlos».";
        let found = posts(text, Language::Es);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].platform, "instagram");
        assert_eq!(found[0].author.as_deref(), Some("Madres Unidas"));
        assert_eq!(found[0].language, "es");

        let text = "No sabemos nada de ellos desde hace tres semanas.\n\n\
                    — Red Migrante (@redmigrante@mastodon.social) 2 de abril de 2025";
        let found = posts(text, Language::Es);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].platform, "mastodon");
        assert_eq!(
            found[0].handle.as_deref(),
            Some("@redmigrante@mastodon.social")
        );

        let text = "The families are still waiting for answers from the government.\n\
                    — Families Network (@families.bsky.social) Apr 2, 2025 at 9:14 AM";
        let found = posts(text, Language::En);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].platform, "bluesky");
        assert_eq!(found[0].date.as_deref(), Some("2025-04-02"));
    }

    #[test]
    fn posts_without_handles_and_platforms_named_by_the_article() {
        let text = "La parroquia contó la detención en Facebook:\n\n\
                    Esta mañana se llevaron a Don Aurelio mientras vendía elotes frente a la parroquia.\n\
                    — Parroquia San Judas Tadeo, 27 de junio de 2025\n\nEl consulado no respondió.";
        let found = posts(text, Language::Es);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].platform, "facebook");
        assert_eq!(
            found[0].author.as_deref(),
            Some("Parroquia San Judas Tadeo")
        );
        assert_eq!(found[0].handle, None);
        assert_eq!(found[0].date.as_deref(), Some("2025-06-27"));
        assert!(found[0].text.starts_with("Esta mañana"));

        let text = "Su hija publicó un video en TikTok:\n\n\
                    Mi papá lleva 40 días en Krome y no le dan su medicina.\n\
                    — Luisa Ochoa (@luisafer.ochoa) 6 de septiembre de 2025";
        let found = posts(text, Language::Es);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].platform, "tiktok");
        assert_eq!(found[0].date.as_deref(), Some("2025-09-06"));
    }

    #[test]
    fn handles_in_running_text_are_not_posts() {
        let text = "Write to press@example.org or follow @amparo for news. The group (@madresunidas) \
                    met on Tuesday.";
        assert!(posts(text, Language::En).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_posts_without_panicking(text in "(\\PC|[@()—\n ]|March 20, 2025|de marzo de|https://x.com/a){0,120}") {
            let doc = Doc::new(&text, Language::En);
            let count = text.chars().count();
            for post in find_posts(&doc) {
                proptest::prop_assert!(post.start <= post.end && post.end <= count);
            }
        }
    }
}
