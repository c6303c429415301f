//! Recovery shares of the installation key: Shamir's secret sharing over GF(2⁸), so that any
//! `threshold` of the printed shares give the key back and fewer tell nothing about it.
//!
//! ```text
//! share = "amparo1" "-" threshold "-" index "-" set "-" value "-" check
//! set   = 8 hex digits: the first 4 bytes of SHA-256("amparo key set v1" ‖ key)
//! value = 64 hex digits in 8 groups of 8, separated by "-": the polynomials at x = index
//! check = 8 hex digits: the first 4 bytes of SHA-256("amparo share v1" ‖ threshold ‖ index ‖
//!         set ‖ value), so that a mistyped share is refused before it is used
//! ```
//!
//! Each of the key's 32 bytes is the constant term of its own random polynomial of degree
//! `threshold - 1`; share `index` holds every polynomial's value at `x = index`. Recovery is
//! Lagrange interpolation at 0, and the result is checked against `set`, so shares of
//! different keys are not silently mixed. Arithmetic is in the AES field (x⁸ + x⁴ + x³ + x + 1)
//! without branches or tables indexed by secret bytes.

use amparo_store::InstallationKey;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{Actor, App, AppError};

const KEY_LEN: usize = 32;
const PREFIX: &str = "amparo1";

/// Why shares could not be made or did not give a key back.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// The threshold and count do not make a scheme.
    #[error(
        "the threshold must be at least 2 and at most the number of shares, which is at most 255 (asked: {threshold} of {shares})"
    )]
    BadParameters {
        /// The threshold asked for.
        threshold: u16,
        /// The number of shares asked for.
        shares: u16,
    },
    /// A share's text is not a share.
    #[error("share {number} is not an Amparo recovery share: {reason}")]
    Format {
        /// The share's position among those given (1-based).
        number: usize,
        /// What is wrong.
        reason: String,
    },
    /// A share's checksum does not match: a character was mistyped.
    #[error(
        "share {number} has a wrong checksum: a character was mistyped; check it against the paper"
    )]
    Checksum {
        /// The share's position among those given (1-based).
        number: usize,
    },
    /// Shares of different keys, or with different thresholds, were given together.
    #[error("share {number} belongs to another set of shares (another key or threshold)")]
    Mixed {
        /// The share's position among those given (1-based).
        number: usize,
    },
    /// The same share was given twice.
    #[error("share {number} repeats share number {index} of the set")]
    Repeated {
        /// The share's position among those given (1-based).
        number: usize,
        /// The share's index in its set.
        index: u8,
    },
    /// Fewer shares than the threshold.
    #[error("{threshold} different shares are needed and only {given} were given")]
    TooFew {
        /// The threshold.
        threshold: u8,
        /// How many different shares were given.
        given: usize,
    },
    /// The shares combine into something that is not the key of their set.
    #[error("the shares do not give back their key: one of them was altered")]
    Mismatch,
}

/// One share, read from its text.
#[derive(Clone)]
pub struct Share {
    threshold: u8,
    index: u8,
    set: [u8; 4],
    value: Zeroizing<[u8; KEY_LEN]>,
}

impl std::fmt::Debug for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Share")
            .field("threshold", &self.threshold)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Share {
    /// How many shares recover the key.
    pub fn threshold(&self) -> u8 {
        self.threshold
    }

    /// This share's number in its set (1 to 255).
    pub fn index(&self) -> u8 {
        self.index
    }

    /// The share's printable text.
    pub fn to_text(&self) -> Zeroizing<String> {
        let value = Zeroizing::new(hex::encode(self.value.as_ref()));
        let groups: Vec<&str> = (0..8).map(|i| &value[i * 8..i * 8 + 8]).collect();
        Zeroizing::new(format!(
            "{PREFIX}-{}-{}-{}-{}-{}",
            self.threshold,
            self.index,
            hex::encode(self.set),
            groups.join("-"),
            hex::encode(self.check())
        ))
    }

    fn check(&self) -> [u8; 4] {
        let mut hasher = Sha256::new();
        hasher.update(b"amparo share v1");
        hasher.update([self.threshold, self.index]);
        hasher.update(self.set);
        hasher.update(self.value.as_ref());
        let digest = hasher.finalize();
        [digest[0], digest[1], digest[2], digest[3]]
    }

    /// Reads a share's text (case, spaces and line breaks do not matter); `number` names it in
    /// errors.
    pub fn parse(text: &str, number: usize) -> Result<Share, ShareError> {
        let format = |reason: &str| ShareError::Format {
            number,
            reason: reason.to_owned(),
        };
        let text: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect(),
        );
        let parts: Vec<&str> = text.split('-').collect();
        if parts.first() != Some(&PREFIX) {
            return Err(format("it does not start with amparo1"));
        }
        if parts.len() != 13 {
            return Err(format("it must have 13 parts separated by dashes"));
        }
        let threshold: u8 = parts[1]
            .parse()
            .map_err(|_| format("the threshold is not a number from 2 to 255"))?;
        let index: u8 = parts[2]
            .parse()
            .map_err(|_| format("the share number is not a number from 1 to 255"))?;
        let mut set = [0u8; 4];
        hex::decode_to_slice(parts[3], &mut set)
            .map_err(|_| format("the set is not 8 hexadecimal digits"))?;
        let value_hex = Zeroizing::new(parts[4..12].concat());
        let mut value = Zeroizing::new([0u8; KEY_LEN]);
        hex::decode_to_slice(value_hex.as_str(), value.as_mut())
            .map_err(|_| format("the value is not 8 groups of 8 hexadecimal digits"))?;
        let mut check = [0u8; 4];
        hex::decode_to_slice(parts[12], &mut check)
            .map_err(|_| format("the checksum is not 8 hexadecimal digits"))?;
        let share = Share {
            threshold,
            index,
            set,
            value,
        };
        if share.check() != check {
            return Err(ShareError::Checksum { number });
        }
        if threshold < 2 || index == 0 {
            return Err(format("its threshold or number is out of range"));
        }
        Ok(share)
    }
}

/// Splits `key` into `shares` shares of which any `threshold` give it back.
pub fn split_key(
    key: &InstallationKey,
    threshold: u16,
    shares: u16,
) -> Result<Vec<Share>, ShareError> {
    if threshold < 2 || shares < threshold || shares > 255 {
        return Err(ShareError::BadParameters { threshold, shares });
    }
    let secret = key_bytes(key);
    let set = set_id(&secret);
    // coefficients[byte][power], the constant term being the key's byte.
    let mut coefficients = Zeroizing::new(vec![[0u8; 256]; KEY_LEN]);
    for (byte, row) in coefficients.iter_mut().enumerate() {
        row[0] = secret[byte];
        rand::rngs::OsRng.fill_bytes(&mut row[1..usize::from(threshold)]);
    }
    Ok((1..=shares as u8)
        .map(|x| {
            let mut value = Zeroizing::new([0u8; KEY_LEN]);
            for (byte, row) in coefficients.iter().enumerate() {
                // Horner's rule from the highest power down.
                let mut y = 0u8;
                for &c in row[..usize::from(threshold)].iter().rev() {
                    y = mul(y, x) ^ c;
                }
                value[byte] = y;
            }
            Share {
                threshold: threshold as u8,
                index: x,
                set,
                value,
            }
        })
        .collect())
}

/// The key given back by the shares' texts: every text must be a share of the same set, and at
/// least the threshold of different ones are needed (more are ignored).
pub fn recover_key<S: AsRef<str>>(texts: &[S]) -> Result<InstallationKey, ShareError> {
    let mut shares: Vec<Share> = Vec::new();
    for (number, text) in texts.iter().enumerate() {
        let share = Share::parse(text.as_ref(), number + 1)?;
        if let Some(first) = shares.first()
            && (first.set != share.set || first.threshold != share.threshold)
        {
            return Err(ShareError::Mixed { number: number + 1 });
        }
        if let Some(same) = shares.iter().find(|s| s.index == share.index) {
            if same.value != share.value {
                return Err(ShareError::Mismatch);
            }
            return Err(ShareError::Repeated {
                number: number + 1,
                index: share.index,
            });
        }
        shares.push(share);
    }
    let threshold = shares.first().map_or(2, |share| share.threshold);
    if shares.len() < usize::from(threshold) {
        return Err(ShareError::TooFew {
            threshold,
            given: shares.len(),
        });
    }
    let used = &shares[..usize::from(threshold)];
    let mut secret = Zeroizing::new([0u8; KEY_LEN]);
    for (j, share) in used.iter().enumerate() {
        // The Lagrange basis polynomial of share j at 0: Π x_m / (x_j + x_m) over m ≠ j.
        let mut basis = 1u8;
        for (m, other) in used.iter().enumerate() {
            if m != j {
                basis = mul(basis, mul(other.index, inverse(share.index ^ other.index)));
            }
        }
        for (byte, value) in secret.iter_mut().zip(share.value.iter()) {
            *byte ^= mul(*value, basis);
        }
    }
    if set_id(&secret) != used[0].set {
        return Err(ShareError::Mismatch);
    }
    let text = Zeroizing::new(hex::encode(secret.as_ref()));
    InstallationKey::from_key_file(text.as_bytes()).map_err(|_| ShareError::Mismatch)
}

fn key_bytes(key: &InstallationKey) -> Zeroizing<[u8; KEY_LEN]> {
    let text = key.to_key_file();
    let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
    hex::decode_to_slice(text.trim(), bytes.as_mut())
        .unwrap_or_else(|_| unreachable!("a key file's text is 64 hexadecimal digits"));
    bytes
}

fn set_id(secret: &[u8; KEY_LEN]) -> [u8; 4] {
    let digest = Sha256::new()
        .chain_update(b"amparo key set v1")
        .chain_update(secret)
        .finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// Multiplication in GF(2⁸) modulo x⁸ + x⁴ + x³ + x + 1, in constant time.
fn mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    for _ in 0..8 {
        product ^= a & 0u8.wrapping_sub(b & 1);
        let carry = 0u8.wrapping_sub(a >> 7);
        a = (a << 1) ^ (0x1b & carry);
        b >>= 1;
    }
    product
}

/// The multiplicative inverse in GF(2⁸): a²⁵⁴ (0 for 0, which never occurs here since share
/// numbers differ).
fn inverse(a: u8) -> u8 {
    let mut result = 1u8;
    let mut power = a;
    let mut exponent = 254u8;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = mul(result, power);
        }
        power = mul(power, power);
        exponent >>= 1;
    }
    result
}

impl App {
    /// Splits the installation key this installation was opened with into `shares` printable
    /// shares of which any `threshold` give it back (`amparo key recover`). With a passphrase,
    /// the shares are of the key derived from it, which opens the installation in place of the
    /// passphrase. Administrators only; audited as `key-shares`.
    pub async fn key_shares(
        &self,
        actor: &Actor,
        threshold: u16,
        shares: u16,
    ) -> Result<Vec<Share>, AppError> {
        self.require_admin_role(actor, "print recovery shares of the installation key")
            .await?;
        let keyring = self.keyring().ok_or_else(|| {
            AppError::Installation("this installation was opened without a keyring".to_owned())
        })?;
        let made = split_key(keyring.installation_key(), threshold, shares)
            .map_err(|error| AppError::NotAllowed(error.to_string()))?;
        self.audit(
            &actor.label(),
            "key-shares",
            "installation key",
            serde_json::json!({
                "threshold": threshold,
                "shares": shares,
                "source": keyring.source().kind(),
            }),
        )
        .await?;
        Ok(made)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_arithmetic_has_inverses() {
        assert_eq!(mul(0x57, 0x83), 0xc1, "FIPS 197, section 4.2");
        for a in 1..=255u8 {
            assert_eq!(mul(a, inverse(a)), 1, "{a}");
        }
    }
}
