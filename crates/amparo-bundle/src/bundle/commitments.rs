//! commitments.json: the values and salts that open a capture leaf's three commitments
//! (docs/evidence-leaf.md "Commitments"), written and read strictly.
//!
//! ```text
//! {"format": "amparo-commitments-v1",
//!  "actor":   {"value": "cli:alice",            "salt": "<64 lowercase hex>"},
//!  "subject": {"value": "capture <uuid> v1",    "salt": "<64 lowercase hex>"},
//!  "content": {"value": "<hex SHA-256 of file>", "salt": "<64 lowercase hex>"}}
//! ```

use serde::{Deserialize, Serialize};

use super::{COMMITMENTS_FORMAT, Commitment, Commitments};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitmentsText {
    format: String,
    actor: CommitmentText,
    subject: CommitmentText,
    content: CommitmentText,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitmentText {
    value: String,
    salt: String,
}

impl From<&Commitment> for CommitmentText {
    fn from(commitment: &Commitment) -> Self {
        CommitmentText {
            value: commitment.value.clone(),
            salt: hex::encode(commitment.salt),
        }
    }
}

/// commitments.json as JSON indented by two spaces, with a final newline.
pub(crate) fn encode(commitments: &Commitments) -> String {
    let text = CommitmentsText {
        format: COMMITMENTS_FORMAT.to_owned(),
        actor: (&commitments.actor).into(),
        subject: (&commitments.subject).into(),
        content: (&commitments.content).into(),
    };
    // A struct of strings always serializes.
    let mut json = serde_json::to_string_pretty(&text).unwrap_or_default();
    json.push('\n');
    json
}

/// Whether `text` is `bytes` hexadecimal digits, lowercase.
pub(crate) fn is_lower_hex(text: &str, bytes: usize) -> bool {
    text.len() == 2 * bytes && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// 32 bytes from 64 lowercase hexadecimal digits.
pub(crate) fn hex32(text: &str) -> Option<[u8; 32]> {
    if !is_lower_hex(text, 32) {
        return None;
    }
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text, &mut bytes).ok()?;
    Some(bytes)
}

fn opening(role: &str, text: CommitmentText) -> Result<Commitment, String> {
    let salt = hex32(&text.salt)
        .ok_or_else(|| format!("the {role} salt is not 64 lowercase hexadecimal digits"))?;
    Ok(Commitment {
        value: text.value,
        salt,
    })
}

/// Reads commitments.json; unknown, duplicate or missing fields, another `format` and salts
/// that are not 64 lowercase hexadecimal digits are refused with a reason.
pub(crate) fn decode(bytes: &[u8]) -> Result<Commitments, String> {
    let text: CommitmentsText =
        serde_json::from_slice(bytes).map_err(|error| format!("it is not valid: {error}"))?;
    if text.format != COMMITMENTS_FORMAT {
        return Err(format!(
            "its format is {:?}, this reader knows {COMMITMENTS_FORMAT:?}",
            text.format
        ));
    }
    Ok(Commitments {
        actor: opening("actor", text.actor)?,
        subject: opening("subject", text.subject)?,
        content: opening("content", text.content)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Commitments {
        let commitment = |value: &str, byte| Commitment {
            value: value.to_owned(),
            salt: [byte; 32],
        };
        Commitments {
            actor: commitment("cli:alice", 1),
            subject: commitment("capture 0193b2c4-7d1e-7c3a-9f00-000000000001 v1", 2),
            content: commitment(&"ab".repeat(32), 0xcd),
        }
    }

    #[test]
    fn round_trip() {
        let json = encode(&sample());
        assert!(json.starts_with("{\n  \"format\": \"amparo-commitments-v1\",\n"));
        assert_eq!(decode(json.as_bytes()), Ok(sample()));
    }

    #[test]
    fn refusals() {
        let json = encode(&sample());
        let upper = json.replace(&"cd".repeat(32), &"CD".repeat(32));
        assert_eq!(
            decode(upper.as_bytes()),
            Err("the content salt is not 64 lowercase hexadecimal digits".to_owned())
        );
        let extra = json.replacen("{", "{\"note\": 1,", 1);
        assert!(
            decode(extra.as_bytes())
                .unwrap_err()
                .contains("unknown field `note`")
        );
        let other = json.replace("amparo-commitments-v1", "amparo-commitments-v2");
        assert!(decode(other.as_bytes()).unwrap_err().contains("v2"));
        let twice = json.replacen("\"actor\"", "\"content\": {}, \"actor\"", 1);
        assert!(decode(twice.as_bytes()).is_err());
    }
}
