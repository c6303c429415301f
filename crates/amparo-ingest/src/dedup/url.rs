//! Canonical URLs: one spelling per web address, so that the same article reached through a
//! newsletter link, a social share and the feed folds into one.

use url::Url;

/// Query parameters that only track how a reader arrived, compared case-insensitively; any
/// parameter starting with `utm_` is dropped as well.
///
/// Google Analytics and Ads (`_ga`, `_gl`, `gclid`, `gclsrc`, `dclid`, `gbraid`, `wbraid`),
/// Facebook and Instagram (`fbclid`, `igshid`, `igsh`), Microsoft Ads (`msclkid`), Mailchimp
/// (`mc_cid`, `mc_eid`), HubSpot (`_hsenc`, `_hsmi`, `__hstc`, `__hssc`, `__hsfp`,
/// `hsctatrack`), Marketo (`mkt_tok`), X/Twitter (`ref_src`, `ref_url`, `twclid`), TikTok
/// (`ttclid`), LinkedIn (`li_fat_id`), Yandex (`yclid`, `_openstat`), Olytics (`oly_anon_id`,
/// `oly_enc_id`), Vero (`vero_id`, `vero_conv`), Wicked Reports (`wickedid`) and Rakuten
/// (`rb_clickid`). Generic names such as `ref`, `source` or `si` are kept: on some sites they
/// select content.
pub const TRACKING_PARAMETERS: &[&str] = &[
    "_ga",
    "_gl",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "fbclid",
    "igshid",
    "igsh",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "__hstc",
    "__hssc",
    "__hsfp",
    "hsctatrack",
    "mkt_tok",
    "ref_src",
    "ref_url",
    "twclid",
    "ttclid",
    "li_fat_id",
    "yclid",
    "_openstat",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "vero_conv",
    "wickedid",
    "rb_clickid",
];

/// Why a URL has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalUrlError {
    /// The text is not an absolute URL.
    #[error("invalid URL: {0}")]
    Invalid(#[from] url::ParseError),
    /// Only `http` and `https` addresses name articles.
    #[error("unsupported URL scheme `{0}`")]
    UnsupportedScheme(String),
}

/// The canonical form of an `http` or `https` URL.
///
/// - Scheme and host are lowercased, international domain names are written in punycode, the
///   default port is dropped and `.`/`..` path segments are resolved (the WHATWG URL parsing
///   of the `url` crate).
/// - The fragment and any user name or password are removed: neither names a different
///   article, and credentials must not be stored.
/// - Tracking parameters ([`TRACKING_PARAMETERS`], `utm_*`) and empty parameters are removed,
///   the rest sorted bytewise (`b=2&a=1` becomes `a=1&b=2`; repeated keys keep their values in
///   sorted order), and a query left empty is dropped with its `?`.
/// - Percent-encoding is normalised in path and query: escapes of letters, digits, `-`, `_`
///   and `~` are decoded, other escapes get uppercase hex digits (`%c3%a9` becomes `%C3%A9`).
///   Escaped `.` stays escaped, so that decoding cannot create new dot segments.
/// - Otherwise the path is kept as is: case, trailing slash and `index.html` all matter to
///   some servers. `http` and `https`, and `www.` and bare hosts, stay distinct.
pub fn canonical_url(input: &str) -> Result<String, CanonicalUrlError> {
    let mut url = Url::parse(input.trim())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CanonicalUrlError::UnsupportedScheme(
            url.scheme().to_owned(),
        ));
    }
    url.set_fragment(None);
    // Both setters only fail for URLs without a host, which http(s) URLs always have.
    let _ = url.set_username("");
    let _ = url.set_password(None);

    let path = normalize_percent_encoding(url.path());
    url.set_path(&path);

    let query = url.query().map(|query| {
        let mut kept: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty() && !is_tracking(pair))
            .map(normalize_percent_encoding)
            .collect();
        kept.sort();
        kept.join("&")
    });
    match query {
        Some(query) if !query.is_empty() => url.set_query(Some(&query)),
        _ => url.set_query(None),
    }
    Ok(url.into())
}

fn is_tracking(pair: &str) -> bool {
    let key = pair.split_once('=').map_or(pair, |(key, _)| key);
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING_PARAMETERS.contains(&key.as_str())
}

/// Decodes escaped unreserved characters (except `.`) and uppercases the hex digits of the
/// other escapes; malformed `%` sequences are left alone.
fn normalize_percent_encoding(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(value) = bytes
                .get(index + 1..index + 3)
                .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            if value.is_ascii_alphanumeric() || matches!(value, b'-' | b'_' | b'~') {
                out.push(char::from(value));
            } else {
                out.push_str(&format!("%{value:02X}"));
            }
            index += 3;
            continue;
        }
        // Copy the whole UTF-8 sequence starting here (the url crate escapes non-ASCII, but
        // stay correct for any input).
        let width = text[index..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[index..index + width]);
        index += width;
    }
    out
}
