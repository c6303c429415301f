//! Strict standard base64 (RFC 4648 section 4, padded): decoding refuses every non-canonical
//! encoding, so that one value has exactly one textual form.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Text that is not the canonical standard base64 encoding of any byte string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotCanonical;

/// Encodes bytes as standard padded base64.
pub(crate) fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard padded base64, refusing any text that does not re-encode to itself
/// (non-zero trailing bits, missing padding, whitespace, URL-safe alphabet).
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, NotCanonical> {
    let bytes = STANDARD.decode(text).map_err(|_| NotCanonical)?;
    if STANDARD.encode(&bytes) != text {
        return Err(NotCanonical);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_canonical() {
        assert_eq!(decode("AQ==").unwrap(), vec![1]);
        assert!(decode("AR==").is_err(), "non-zero trailing bits");
        assert!(decode("AQ").is_err(), "missing padding");
        assert!(decode("AQ==\n").is_err(), "whitespace");
        assert!(decode("-_8=").is_err(), "URL-safe alphabet");
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
    }
}
