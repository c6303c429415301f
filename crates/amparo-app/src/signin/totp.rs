//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 30-second steps,
//! 6 digits, one step of clock drift either way. Pure functions: the time is passed in.
//!
//! Written here over the `hmac` and `sha1` crates (about forty lines) rather than with a TOTP
//! crate, which would bring its own base32, URL and clock dependencies for the same arithmetic.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

/// Seconds per time step.
pub const STEP_SECONDS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of the current one, for clocks that drift.
pub const WINDOW: i64 = 1;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

/// The RFC 4226 HOTP value of `counter` with `digits` digits, zero-padded.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    let value = u64::from(binary) % 10u64.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// The time step of a Unix time (RFC 6238 `T`, with `T0` = 0).
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code of time step `step`.
pub fn code_for_step(secret: &[u8], step: i64, digits: u32) -> String {
    hotp(secret, u64::try_from(step).unwrap_or(0), digits)
}

/// The 6-digit code at a Unix time.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    code_for_step(secret, step_at(unix_seconds), DIGITS)
}

/// The time step whose code `code` is, within [`WINDOW`] steps of `unix_seconds`, if any.
/// Spaces are ignored; anything but 6 digits matches nothing. The caller must still refuse a
/// step that was used before (replay).
pub fn matching_step(secret: &[u8], code: &str, unix_seconds: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    // Every candidate is computed and compared, so that timing does not tell which matched.
    let mut found = None;
    for step in (now - WINDOW..=now + WINDOW).filter(|step| *step >= 0) {
        let expected = code_for_step(secret, step, DIGITS);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            found = Some(step);
        }
    }
    found
}

/// RFC 4648 base32 without padding, as authenticator apps expect the secret.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The `otpauth://` URI (the Key Uri Format that authenticator apps read from a QR code).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let encode = |text: &str| {
        url::form_urlencoded::byte_serialize(text.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    let issuer = encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = encode(account),
        secret = base32(secret),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, the SHA-1 rows: the ASCII secret "12345678901234567890", 8 digits.
    #[test]
    fn rfc_6238_appendix_b_vectors() {
        let secret = b"12345678901234567890";
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, expected) in vectors {
            assert_eq!(
                code_for_step(secret, step_at(time), 8),
                expected,
                "T = {time}"
            );
        }
    }

    /// RFC 4226 appendix D: HOTP values of counters 0 to 9.
    #[test]
    fn rfc_4226_appendix_d_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(hotp(b"12345678901234567890", counter as u64, 6), *code);
        }
    }

    #[test]
    fn codes_match_within_one_step_either_way() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111;
        let step = step_at(now);
        for offset in -1..=1 {
            let code = code_for_step(secret, step + offset, DIGITS);
            assert_eq!(
                matching_step(secret, &code, now),
                Some(step + offset),
                "{offset}"
            );
        }
        for offset in [-3, -2, 2, 3] {
            let code = code_for_step(secret, step + offset, DIGITS);
            assert_eq!(matching_step(secret, &code, now), None, "{offset}");
        }
        let spaced = code_at(secret, now);
        let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
        assert_eq!(matching_step(secret, &spaced, now), Some(step));
        for junk in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦"] {
            assert_eq!(matching_step(secret, junk, now), None, "{junk:?}");
        }
    }

    #[test]
    fn base32_follows_rfc_4648() {
        // RFC 4648 section 10, without the padding.
        let cases = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (input, expected) in cases {
            assert_eq!(base32(input.as_bytes()), expected);
        }
    }

    #[test]
    fn otpauth_uri_names_issuer_account_and_parameters() {
        assert_eq!(
            otpauth_uri("Amparo", "ana maría", b"12345678901234567890"),
            "otpauth://totp/Amparo:ana%20mar%C3%ADa?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amparo&algorithm=SHA1&digits=6&period=30"
        );
    }
}
