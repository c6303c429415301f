//! Media types of captured bytes: from their first bytes, the file name, or what the server said.

/// Magic numbers of common evidence formats, checked in order.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"fLaC", "audio/flac"),
    (b"\x1a\x45\xdf\xa3", "video/webm"),
    (b"{\\rtf", "application/rtf"),
];

/// File extensions Amparo recognizes when the bytes say nothing.
const EXTENSIONS: &[(&str, &str)] = &[
    ("html", "text/html"),
    ("htm", "text/html"),
    ("txt", "text/plain"),
    ("md", "text/markdown"),
    ("csv", "text/csv"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("rss", "application/rss+xml"),
    ("atom", "application/atom+xml"),
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("mp4", "video/mp4"),
    ("mov", "video/quicktime"),
    ("webm", "video/webm"),
    ("mp3", "audio/mpeg"),
    ("ogg", "audio/ogg"),
    ("opus", "audio/opus"),
    ("m4a", "audio/mp4"),
    ("wav", "audio/wav"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("zip", "application/zip"),
    ("eml", "message/rfc822"),
];

/// The media type of captured bytes: the bytes' own signature first, then the server's
/// declaration, then the file name's extension, then text or binary by content.
pub fn sniff_media_type(file_name: Option<&str>, head: &[u8], declared: Option<&str>) -> String {
    if let Some((_, media_type)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        // A ZIP may be an office document: the name then tells better.
        if *media_type != "application/zip" {
            return (*media_type).to_owned();
        }
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return if &head[8..12] == b"qt  " {
            "video/quicktime"
        } else {
            "video/mp4"
        }
        .to_owned();
    }
    if head.len() >= 12 && head.starts_with(b"RIFF") {
        match &head[8..12] {
            b"WEBP" => return "image/webp".to_owned(),
            b"WAVE" => return "audio/wav".to_owned(),
            _ => {}
        }
    }
    if let Some(declared) = declared {
        let essence = declared
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence.contains('/')
            && !essence.contains(char::is_whitespace)
            && essence != "application/octet-stream"
        {
            return essence;
        }
    }
    if let Some(extension) = file_name
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, extension)| extension.to_ascii_lowercase())
        && let Some((_, media_type)) = EXTENSIONS.iter().find(|(known, _)| *known == extension)
    {
        return (*media_type).to_owned();
    }
    if head.starts_with(b"PK\x03\x04") {
        return "application/zip".to_owned();
    }
    let text_start = String::from_utf8_lossy(&head[..head.len().min(256)]).to_ascii_lowercase();
    let trimmed = text_start.trim_start();
    if trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") {
        return "text/html".to_owned();
    }
    // A multi-byte character cut at the end of the head is still text.
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    };
    if utf8 && !head.contains(&0) {
        return "text/plain".to_owned();
    }
    "application/octet-stream".to_owned()
}

#[cfg(test)]
mod tests {
    use super::sniff_media_type;

    #[test]
    fn bytes_win_over_names_and_declarations() {
        assert_eq!(
            sniff_media_type(Some("x.txt"), b"%PDF-1.7\n", Some("text/plain")),
            "application/pdf"
        );
        assert_eq!(
            sniff_media_type(Some("clip.bin"), b"\0\0\0\x18ftypmp42\0\0", None),
            "video/mp4"
        );
        assert_eq!(
            sniff_media_type(None, b"<p>x", Some("text/html; charset=utf-8")),
            "text/html"
        );
        assert_eq!(
            sniff_media_type(Some("notes.md"), b"# Notes", None),
            "text/markdown"
        );
        assert_eq!(
            sniff_media_type(Some("page"), b"  <!DOCTYPE html><html>", None),
            "text/html"
        );
        assert_eq!(
            sniff_media_type(Some("blob"), &[0, 159, 146, 150], None),
            "application/octet-stream"
        );
        assert_eq!(
            sniff_media_type(Some("brief.docx"), b"PK\x03\x04rest", None),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
    }
}
