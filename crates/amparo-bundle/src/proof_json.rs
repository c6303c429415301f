//! The JSON forms of inclusion and consistency proofs used by transparency-dev/merkle's test
//! data and by Amparo's API and evidence bundles:
//!
//! ```text
//! {"leafIdx": 2, "treeSize": 8, "root": "<b64>", "leafHash": "<b64>", "proof": ["<b64>", ...]}
//! {"size1": 3, "size2": 8, "root1": "<b64>", "root2": "<b64>", "proof": ["<b64>", ...]}
//! ```
//!
//! Hashes are 32-byte SHA-256 values in canonical standard base64 (RFC 4648 section 4, padded);
//! `"proof": null` or an absent `proof` means an empty proof. Parsing is strict: unknown,
//! duplicate or missing fields, non-canonical base64 and hashes of another length are refused,
//! each with its own error.

use amparo_tlog::hash::HashDecodeError;
use amparo_tlog::{Hash, ProofError, verify_consistency, verify_inclusion};
use serde::{Deserialize, Serialize};

/// An inclusion proof: leaf `leaf_idx`, whose RFC 6962 leaf hash is `leaf_hash`, is in the tree
/// of `tree_size` leaves whose root is `root` (RFC 9162 section 2.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProofJson {
    /// The 0-based index of the leaf.
    pub leaf_idx: u64,
    /// The number of leaves in the tree.
    pub tree_size: u64,
    /// The root hash of the tree.
    pub root: Hash,
    /// The RFC 6962 leaf hash `SHA-256(0x00 || leaf)`.
    pub leaf_hash: Hash,
    /// The audit path, from the leaf up (RFC 9162 section 2.1.3.1).
    pub proof: Vec<Hash>,
}

/// A consistency proof: the tree of `size1` leaves with root `root1` is a prefix of the tree of
/// `size2` leaves with root `root2` (RFC 9162 section 2.1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProofJson {
    /// The size of the older tree.
    pub size1: u64,
    /// The size of the newer tree.
    pub size2: u64,
    /// The root hash of the older tree.
    pub root1: Hash,
    /// The root hash of the newer tree.
    pub root2: Hash,
    /// The consistency proof (RFC 9162 section 2.1.4.1).
    pub proof: Vec<Hash>,
}

/// A proof in transparency-dev JSON form, of either kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofJson {
    /// An inclusion proof.
    Inclusion(InclusionProofJson),
    /// A consistency proof.
    Consistency(ConsistencyProofJson),
}

/// Why bytes are not a proof in transparency-dev JSON form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofJsonError {
    /// The bytes are not a JSON object.
    #[error("proof is not a JSON object: {0}")]
    NotJsonObject(String),
    /// The object has neither inclusion nor consistency fields.
    #[error(
        "proof has neither inclusion fields (leafIdx, treeSize, root, leafHash) nor consistency fields (size1, size2, root1, root2)"
    )]
    UnknownKind,
    /// The object mixes inclusion and consistency fields.
    #[error(
        "proof mixes inclusion fields (leafIdx, treeSize, root, leafHash) with consistency fields (size1, size2, root1, root2)"
    )]
    BothKinds,
    /// A field is unknown, duplicated, missing or of the wrong JSON type.
    #[error("{kind} proof is malformed: {reason}")]
    Fields {
        /// `inclusion` or `consistency`.
        kind: &'static str,
        /// What serde found wrong, with the line and column.
        reason: String,
    },
    /// A hash field is not 32 bytes of canonical standard base64.
    #[error("proof field {field} is not a valid hash: {source}")]
    Hash {
        /// The field, such as `root` or `proof[3]`.
        field: String,
        /// What is wrong with it.
        source: HashDecodeError,
    },
}

/// The inclusion form as written, hashes still base64 text.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct InclusionText {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    #[serde(default)]
    proof: Option<Vec<String>>,
}

/// The consistency form as written, hashes still base64 text.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyText {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    #[serde(default)]
    proof: Option<Vec<String>>,
}

const INCLUSION_FIELDS: [&str; 4] = ["leafIdx", "treeSize", "root", "leafHash"];
const CONSISTENCY_FIELDS: [&str; 4] = ["size1", "size2", "root1", "root2"];

fn hash(field: &str, text: &str) -> Result<Hash, ProofJsonError> {
    Hash::from_base64(text).map_err(|source| ProofJsonError::Hash {
        field: field.to_owned(),
        source,
    })
}

fn hashes(texts: Option<Vec<String>>) -> Result<Vec<Hash>, ProofJsonError> {
    texts
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(position, text)| hash(&format!("proof[{position}]"), text))
        .collect()
}

fn base64_list(proof: &[Hash]) -> Vec<String> {
    proof.iter().map(Hash::to_base64).collect()
}

impl ProofJson {
    /// Parses a proof, deciding its kind by the fields present: `leafIdx`, `treeSize`, `root`
    /// or `leafHash` make an inclusion proof, `size1`, `size2`, `root1` or `root2` a consistency
    /// proof. Unknown and duplicate fields are refused.
    pub fn parse(bytes: &[u8]) -> Result<ProofJson, ProofJsonError> {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes)
            .map_err(|error| ProofJsonError::NotJsonObject(error.to_string()))?;
        let has_any = |fields: &[&str]| fields.iter().any(|field| object.contains_key(*field));
        let fields_error = |kind| {
            move |error: serde_json::Error| ProofJsonError::Fields {
                kind,
                reason: error.to_string(),
            }
        };
        // The second pass reads the bytes again rather than the map, which has already merged
        // duplicate keys; serde's derived reader refuses them.
        match (has_any(&INCLUSION_FIELDS), has_any(&CONSISTENCY_FIELDS)) {
            (true, true) => Err(ProofJsonError::BothKinds),
            (false, false) => Err(ProofJsonError::UnknownKind),
            (true, false) => {
                let text: InclusionText =
                    serde_json::from_slice(bytes).map_err(fields_error("inclusion"))?;
                Ok(ProofJson::Inclusion(InclusionProofJson {
                    leaf_idx: text.leaf_idx,
                    tree_size: text.tree_size,
                    root: hash("root", &text.root)?,
                    leaf_hash: hash("leafHash", &text.leaf_hash)?,
                    proof: hashes(text.proof)?,
                }))
            }
            (false, true) => {
                let text: ConsistencyText =
                    serde_json::from_slice(bytes).map_err(fields_error("consistency"))?;
                Ok(ProofJson::Consistency(ConsistencyProofJson {
                    size1: text.size1,
                    size2: text.size2,
                    root1: hash("root1", &text.root1)?,
                    root2: hash("root2", &text.root2)?,
                    proof: hashes(text.proof)?,
                }))
            }
        }
    }

    /// Verifies the proof: inclusion by RFC 9162 section 2.1.3.2, consistency by RFC 9162
    /// section 2.1.4.2.
    pub fn verify(&self) -> Result<(), ProofError> {
        match self {
            ProofJson::Inclusion(proof) => proof.verify(),
            ProofJson::Consistency(proof) => proof.verify(),
        }
    }

    /// The proof as compact JSON.
    pub fn to_json(&self) -> String {
        match self {
            ProofJson::Inclusion(proof) => proof.to_json(),
            ProofJson::Consistency(proof) => proof.to_json(),
        }
    }
}

impl InclusionProofJson {
    /// Verifies that the leaf hash is leaf `leaf_idx` of the tree (RFC 9162 section 2.1.3.2).
    pub fn verify(&self) -> Result<(), ProofError> {
        verify_inclusion(
            self.leaf_idx,
            self.tree_size,
            &self.leaf_hash,
            &self.proof,
            &self.root,
        )
    }

    fn text(&self) -> InclusionText {
        InclusionText {
            leaf_idx: self.leaf_idx,
            tree_size: self.tree_size,
            root: self.root.to_base64(),
            leaf_hash: self.leaf_hash.to_base64(),
            proof: Some(base64_list(&self.proof)),
        }
    }

    /// The proof as compact JSON, fields in the order `leafIdx, treeSize, root, leafHash, proof`;
    /// an empty proof is written `[]`.
    pub fn to_json(&self) -> String {
        json_text(&self.text(), false)
    }

    /// The proof as JSON indented by two spaces, for people to read.
    pub fn to_json_pretty(&self) -> String {
        json_text(&self.text(), true)
    }
}

impl ConsistencyProofJson {
    /// Verifies that the older tree is a prefix of the newer one (RFC 9162 section 2.1.4.2).
    pub fn verify(&self) -> Result<(), ProofError> {
        verify_consistency(
            self.size1,
            self.size2,
            &self.root1,
            &self.root2,
            &self.proof,
        )
    }

    fn text(&self) -> ConsistencyText {
        ConsistencyText {
            size1: self.size1,
            size2: self.size2,
            root1: self.root1.to_base64(),
            root2: self.root2.to_base64(),
            proof: Some(base64_list(&self.proof)),
        }
    }

    /// The proof as compact JSON, fields in the order `size1, size2, root1, root2, proof`; an
    /// empty proof is written `[]`.
    pub fn to_json(&self) -> String {
        json_text(&self.text(), false)
    }
}

/// Serializes a struct of integers and base64 strings, which cannot fail; the empty string is
/// returned only if serde_json ever broke that promise.
fn json_text<T: Serialize>(value: &T, pretty: bool) -> String {
    let result = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    result.unwrap_or_default()
}

impl Serialize for InclusionProofJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.text().serialize(serializer)
    }
}

impl Serialize for ConsistencyProofJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.text().serialize(serializer)
    }
}

impl Serialize for ProofJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ProofJson::Inclusion(proof) => proof.serialize(serializer),
            ProofJson::Consistency(proof) => proof.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(byte: u8) -> Hash {
        Hash([byte; 32])
    }

    #[test]
    fn round_trips_and_names_fields() {
        let proof = ProofJson::Inclusion(InclusionProofJson {
            leaf_idx: 1,
            tree_size: 2,
            root: h(1),
            leaf_hash: h(2),
            proof: vec![h(3)],
        });
        let json = proof.to_json();
        assert!(
            json.starts_with(r#"{"leafIdx":1,"treeSize":2,"root":"AQEB"#),
            "{json}"
        );
        assert_eq!(ProofJson::parse(json.as_bytes()).unwrap(), proof);

        let consistency = ProofJson::Consistency(ConsistencyProofJson {
            size1: 1,
            size2: 1,
            root1: h(4),
            root2: h(4),
            proof: Vec::new(),
        });
        let json = consistency.to_json();
        assert!(json.ends_with(r#""proof":[]}"#), "{json}");
        assert_eq!(ProofJson::parse(json.as_bytes()).unwrap(), consistency);
        consistency.verify().unwrap();
    }

    #[test]
    fn null_or_absent_proof_is_empty() {
        let root = h(9).to_base64();
        for proof in [r#","proof":null"#, ""] {
            let json =
                format!(r#"{{"size1":1,"size2":1,"root1":"{root}","root2":"{root}"{proof}}}"#);
            let ProofJson::Consistency(parsed) = ProofJson::parse(json.as_bytes()).unwrap() else {
                panic!("not a consistency proof");
            };
            assert!(parsed.proof.is_empty());
        }
    }

    #[test]
    fn refusals_are_specific() {
        let root = h(9).to_base64();
        let cases: &[(&str, &str)] = &[
            ("[]", "proof is not a JSON object"),
            ("{}", "proof has neither inclusion fields"),
            (r#"{"proof":[]}"#, "proof has neither inclusion fields"),
            (r#"{"leafIdx":0,"size1":1}"#, "proof mixes inclusion fields"),
            (
                r#"{"leafIdx":0,"treeSize":1,"root":"AA==","leafHash":"AA==","desc":"x"}"#,
                "inclusion proof is malformed: unknown field `desc`",
            ),
            (
                r#"{"leafIdx":0,"leafIdx":0,"treeSize":1,"root":"AA==","leafHash":"AA=="}"#,
                "inclusion proof is malformed: duplicate field `leafIdx`",
            ),
            (
                r#"{"leafIdx":-1,"treeSize":1,"root":"AA==","leafHash":"AA=="}"#,
                "inclusion proof is malformed: invalid value: integer `-1`",
            ),
            (
                r#"{"size1":1,"size2":1,"root1":"AA=="}"#,
                "consistency proof is malformed: missing field `root2`",
            ),
            (
                r#"{"leafIdx":0,"treeSize":1,"root":"AA==","leafHash":"AA=="}"#,
                "proof field root is not a valid hash: a hash is 32 bytes, got 1",
            ),
        ];
        for (json, message) in cases {
            let error = ProofJson::parse(json.as_bytes()).unwrap_err().to_string();
            assert!(error.starts_with(message), "{json}: {error}");
        }
        // The last character of a 32-byte hash carries two unused bits, which must be zero.
        let mut bent = root.clone();
        assert_eq!(&bent[42..], "k=");
        bent.replace_range(42..43, "l");
        let json = format!(
            r#"{{"leafIdx":0,"treeSize":1,"root":"{root}","leafHash":"{root}","proof":["{bent}"]}}"#
        );
        assert_eq!(
            ProofJson::parse(json.as_bytes()).unwrap_err().to_string(),
            "proof field proof[0] is not a valid hash: hash is not canonical standard base64"
        );
    }

    #[test]
    fn serialize_matches_to_json() {
        let proof = InclusionProofJson {
            leaf_idx: 0,
            tree_size: 1,
            root: h(5),
            leaf_hash: h(5),
            proof: Vec::new(),
        };
        assert_eq!(serde_json::to_string(&proof).unwrap(), proof.to_json());
        assert!(proof.to_json_pretty().contains("\n  \"leafIdx\": 0,\n"));
        proof.verify().unwrap();
    }
}
