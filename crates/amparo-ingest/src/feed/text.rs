//! Small text helpers shared by the feed mappers: cleaning strings, reading author fields,
//! and making URLs absolute.

use std::borrow::Cow;

use url::Url;

/// Trims, drops control characters that XML forbids (but keeps tab and line breaks), and
/// turns an empty result into `None`.
pub(crate) fn clean(text: Cow<'_, str>) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let is_forbidden = |c: char| c < ' ' && !matches!(c, '\t' | '\n' | '\r');
    if trimmed
        .bytes()
        .any(|b| b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        let kept: String = trimmed.chars().filter(|&c| !is_forbidden(c)).collect();
        let kept = kept.trim();
        return (!kept.is_empty()).then(|| kept.to_string());
    }
    if trimmed.len() == text.len() {
        Some(text.into_owned())
    } else {
        Some(trimmed.to_string())
    }
}

/// A person written as RSS does: `jane@example.org (Jane Doe)`, `Jane Doe (jane@example.org)`,
/// `Jane Doe <jane@example.org>`, a bare name or a bare e-mail. Returns (name, e-mail).
pub(crate) fn split_person(raw: &str) -> (Option<String>, Option<String>) {
    let raw = raw.trim();
    if raw.is_empty() {
        return (None, None);
    }
    let non_empty = |s: &str| {
        let s = s.trim().trim_matches('"').trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    if let Some(open) = raw.find('(')
        && raw.ends_with(')')
    {
        let outside = &raw[..open];
        let inside = &raw[open + 1..raw.len() - 1];
        return if inside.contains('@') && !outside.contains('@') {
            (non_empty(outside), non_empty(inside))
        } else if outside.contains('@') {
            (non_empty(inside), non_empty(outside))
        } else {
            (non_empty(raw), None)
        };
    }
    if let Some(open) = raw.find('<')
        && raw.ends_with('>')
    {
        let email = raw[open + 1..raw.len() - 1].trim_start_matches("mailto:");
        return (non_empty(&raw[..open]), non_empty(email));
    }
    if raw.contains('@') && !raw.contains(' ') {
        return (None, non_empty(raw.trim_start_matches("mailto:")));
    }
    (non_empty(raw), None)
}

/// The author string of the model: the name, else the e-mail.
pub(crate) fn person_label(name: Option<String>, email: Option<String>) -> Option<String> {
    name.or(email)
}

/// Whether `href` starts with a URL scheme (`https:`, `mailto:`), that is, is absolute.
pub(crate) fn has_scheme(href: &str) -> bool {
    let Some(colon) = href.find(':') else {
        return false;
    };
    let scheme = &href[..colon];
    !scheme.is_empty()
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Makes `href` absolute against `base` when it is relative and a base is known; an absolute
/// `href` is returned as written.
pub(crate) fn resolve(href: &str, base: Option<&Url>) -> String {
    let href = href.trim();
    if has_scheme(href) {
        return href.to_string();
    }
    match base.and_then(|base| base.join(href).ok()) {
        Some(url) => url.to_string(),
        None => href.to_string(),
    }
}

/// Makes relative `href` and `src` attributes in an HTML fragment absolute against `base`
/// (used where the feed declared an `xml:base` for its HTML).
pub(crate) fn absolutize_html(html: &str, base: &Url) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = find_url_attribute(rest) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let name_end = after.find('=').map_or(after.len(), |eq| eq + 1);
        out.push_str(&after[..name_end]);
        let value_part = &after[name_end..];
        let quote = value_part
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'');
        let Some(quote) = quote else {
            rest = value_part;
            continue;
        };
        let Some(end) = value_part[1..].find(quote) else {
            rest = value_part;
            continue;
        };
        let value = &value_part[1..1 + end];
        out.push(quote);
        out.push_str(&resolve(value, Some(base)));
        out.push(quote);
        rest = &value_part[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Finds the next ` href=` or ` src=` attribute (case-insensitive), returning the offset of
/// its name.
fn find_url_attribute(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(eq) = html[from..].find('=') {
        let eq = from + eq;
        let before = html[..eq].trim_end();
        let name_start = before.len()
            - before
                .bytes()
                .rev()
                .take_while(u8::is_ascii_alphabetic)
                .count();
        let name = html[name_start..eq].trim_end();
        let preceded_by_space = name_start > 0 && bytes[name_start - 1].is_ascii_whitespace();
        if preceded_by_space
            && (name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src"))
        {
            return Some(name_start);
        }
        from = eq + 1;
    }
    None
}
