//! Turning a feed's bytes into text: byte-order marks, UTF-16, declared encodings that lie,
//! and stray Latin-1 or windows-1252 bytes in a document that is otherwise UTF-8.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// Decodes `bytes` to text, choosing the encoding the way browsers and forgiving feed readers
/// do, and notes in `problems` whatever had to be guessed.
///
/// The order: a byte-order mark wins; then UTF-16 recognised from its `<?` pattern; then
/// valid UTF-8 is read as UTF-8 whatever the document declares (a declaration that names a
/// legacy encoding for valid non-ASCII UTF-8 is almost always a lie); then the declared
/// encoding; and finally UTF-8 in which every invalid byte is read as windows-1252.
pub(crate) fn decode_text<'a>(bytes: &'a [u8], problems: &mut Vec<String>) -> Cow<'a, str> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8_lenient(rest, problems, None);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_with(UTF_16LE, rest, problems);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_with(UTF_16BE, rest, problems);
    }
    if bytes.starts_with(b"<\0?\0") {
        return decode_with(UTF_16LE, bytes, problems);
    }
    if bytes.starts_with(b"\0<\0?") {
        return decode_with(UTF_16BE, bytes, problems);
    }

    let declared = declared_encoding(bytes);
    let declared_encoding = declared.and_then(|label| {
        let found = Encoding::for_label(label.as_bytes());
        if found.is_none() {
            problems.push(format!(
                "the XML declaration names the unknown encoding \"{label}\"; read the document as UTF-8"
            ));
        }
        found
    });

    match std::str::from_utf8(bytes) {
        Ok(text) => {
            if let (Some(label), Some(encoding)) = (declared, declared_encoding)
                && encoding != UTF_8
                && !text.is_ascii()
            {
                problems.push(format!(
                    "the XML declaration says encoding \"{label}\" but the bytes are valid UTF-8; read them as UTF-8"
                ));
            }
            Cow::Borrowed(text)
        }
        Err(_) => match declared_encoding {
            Some(encoding) if encoding != UTF_8 && encoding != UTF_16LE && encoding != UTF_16BE => {
                decode_with(encoding, bytes, problems)
            }
            _ => decode_utf8_lenient(bytes, problems, declared),
        },
    }
}

/// Decodes bytes that should be UTF-8, reading each invalid byte as windows-1252 (which
/// covers ISO-8859-1 too).
fn decode_utf8_lenient<'a>(
    bytes: &'a [u8],
    problems: &mut Vec<String>,
    declared: Option<&str>,
) -> Cow<'a, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut n_invalid = 0usize;
    let mut first_invalid = None;
    let mut consumed = 0usize;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        consumed += chunk.valid().len();
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            if first_invalid.is_none() {
                first_invalid = Some(line_of_byte(bytes, consumed));
            }
            consumed += invalid.len();
            n_invalid += invalid.len();
            text.extend(invalid.iter().map(|&byte| windows_1252_char(byte)));
        }
    }
    let declared = declared
        .map(|label| format!(" (declared \"{label}\")"))
        .unwrap_or_default();
    problems.push(format!(
        "{n_invalid} byte(s) are not valid UTF-8{declared}, the first on line {}; read them as windows-1252",
        first_invalid.unwrap_or(1)
    ));
    Cow::Owned(text)
}

/// The character a byte stands for in windows-1252 (ISO-8859-1 with printable characters
/// where Latin-1 has C1 controls; the five unassigned bytes map to the same code point).
fn windows_1252_char(byte: u8) -> char {
    const C1: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => C1[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Decodes with a known encoding, noting malformed sequences.
fn decode_with<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
    problems: &mut Vec<String>,
) -> Cow<'a, str> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        problems.push(format!(
            "some bytes are not valid {}; they were replaced with U+FFFD",
            encoding.name()
        ));
    }
    text
}

/// Returns the encoding label of an XML declaration at the start of `bytes`, if any.
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = head.iter().position(|&b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let after = &decl[decl.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    let label = &value[..value.find(quote)?];
    Some(label.trim()).filter(|label| !label.is_empty())
}

/// The 1-based line of a byte offset.
fn line_of_byte(bytes: &[u8], offset: usize) -> usize {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}
