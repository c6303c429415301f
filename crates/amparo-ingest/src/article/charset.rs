//! Turning fetched page bytes into text: byte-order mark, then `<meta charset>`, then UTF-8 if
//! the bytes are valid UTF-8, else windows-1252 (what browsers fall back to for Western pages).

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into the page we look for a `<meta charset>` declaration. The HTML standard says
/// 1024 bytes, but real pages often put it after long inline scripts.
const PRESCAN_LIMIT: usize = 8 * 1024;

/// Decodes `bytes` into text, reporting every guess and every replaced byte in `problems`.
pub(crate) fn decode_html<'a>(bytes: &'a [u8], problems: &mut Vec<String>) -> Cow<'a, str> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..], problems);
    }
    let utf8 = std::str::from_utf8(bytes).ok();
    match prescan_meta_charset(bytes) {
        Some(declared) if declared == UTF_8 => match utf8 {
            Some(text) => Cow::Borrowed(text),
            None => decode_with(UTF_8, bytes, problems),
        },
        Some(declared) => match utf8 {
            // A legacy label on bytes that are valid UTF-8 with non-ASCII text is almost always
            // a wrong label (pages re-saved as UTF-8 keep their old `<meta>`): text in a legacy
            // encoding is very rarely valid UTF-8.
            Some(text) if !text.is_ascii() => {
                problems.push(format!(
                    "page declares charset {} but its bytes are valid UTF-8; decoded as UTF-8",
                    declared.name()
                ));
                Cow::Borrowed(text)
            }
            _ => decode_with(declared, bytes, problems),
        },
        None => match utf8 {
            Some(text) => Cow::Borrowed(text),
            None => {
                problems.push(
                    "page declares no charset and is not valid UTF-8; decoded as windows-1252"
                        .to_string(),
                );
                decode_with(WINDOWS_1252, bytes, problems)
            }
        },
    }
}

fn decode_with<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
    problems: &mut Vec<String>,
) -> Cow<'a, str> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        problems.push(format!(
            "page contains bytes that are not valid {}; they were replaced by U+FFFD",
            encoding.name()
        ));
    }
    text
}

/// Finds the encoding named by the first `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">` near the start of the page.
fn prescan_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_LIMIT)];
    for open in memchr::memchr_iter(b'<', head) {
        let name = &head[open + 1..head.len().min(open + 5)];
        if !name.eq_ignore_ascii_case(b"meta") {
            continue;
        }
        let start = open + 5;
        let end = memchr::memchr(b'>', &head[start..]).map_or(head.len(), |i| start + i);
        if let Some(encoding) = charset_in_tag(&head[start..end]) {
            // The standard maps UTF-16 declarations in markup to UTF-8 (the bytes are ASCII).
            return Some(if encoding.name().starts_with("UTF-16") {
                UTF_8
            } else {
                encoding
            });
        }
    }
    None
}

/// Reads a `charset=` value inside the attributes of one `<meta` tag.
fn charset_in_tag(tag: &[u8]) -> Option<&'static Encoding> {
    let position = tag
        .windows(7)
        .position(|w| w.eq_ignore_ascii_case(b"charset"))?;
    let mut rest = &tag[position + 7..];
    rest = trim_start(rest);
    rest = rest.strip_prefix(b"=")?;
    rest = trim_start(rest);
    if let Some(b'"' | b'\'') = rest.first() {
        rest = &rest[1..];
    }
    let len = rest
        .iter()
        .take_while(|b| !matches!(b, b'"' | b'\'' | b';' | b'/') && !b.is_ascii_whitespace())
        .count();
    Encoding::for_label(&rest[..len])
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}
