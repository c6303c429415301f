//! Evidence bundles, format version 1 (docs/evidence-bundle.md): a ZIP file of STORED members
//!
//! ```text
//! README.en.txt, README.es.txt   how to check the bundle by hand (explanatory, not verified)
//! evidence/<name>                the captured bytes, unchanged
//! leaf.bin                       the 106-byte LeafV1 entry of the evidence log
//! commitments.json               the values and salts that open the leaf's three commitments
//! proof.json                     the RFC 9162 inclusion proof of the leaf (transparency-dev JSON)
//! checkpoint.txt                 the C2SP checkpoint as a C2SP signed note, exactly as signed
//! verifier-key.txt               the installation's signed-note verifier key and a newline
//! ```
//!
//! [`write_bundle`] writes one, [`verify_bundle`] checks one and returns a [`Report`] of eight
//! steps, never panicking whatever the bytes.

mod checks;
mod commitments;
mod container;
mod layout;
mod readme;
mod report;
mod write;

use amparo_tlog::LeafV1;

use crate::proof_json::InclusionProofJson;

pub use report::{Outcome, Report, Step, StepStatus};
pub use write::write_bundle;

/// The name of the English explanation.
pub const README_EN: &str = "README.en.txt";
/// The name of the Spanish explanation.
pub const README_ES: &str = "README.es.txt";
/// The folder holding the one evidence file.
pub const EVIDENCE_DIR: &str = "evidence/";
/// The name of the encoded leaf.
pub const LEAF: &str = "leaf.bin";
/// The name of the commitment openings.
pub const COMMITMENTS: &str = "commitments.json";
/// The name of the inclusion proof.
pub const PROOF: &str = "proof.json";
/// The name of the signed checkpoint.
pub const CHECKPOINT: &str = "checkpoint.txt";
/// The name of the verifier key.
pub const VERIFIER_KEY: &str = "verifier-key.txt";
/// The `format` field of commitments.json in this version.
pub const COMMITMENTS_FORMAT: &str = "amparo-commitments-v1";
/// The largest member other than the evidence that a reader accepts, in bytes.
pub const MAX_SMALL_MEMBER: u64 = 1 << 20;
/// The name given to evidence whose own name cannot be used.
pub const FALLBACK_EVIDENCE_NAME: &str = "capture.bin";
/// The prefix every capture's subject value starts with (`capture <id> v1`).
pub const CAPTURE_SUBJECT_PREFIX: &str = "capture ";

/// The longest evidence file name kept, in bytes.
const MAX_EVIDENCE_NAME: usize = 200;

/// A salted commitment opened: the value and the 32-byte salt that `amparo_tlog::commit` hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    /// The committed value, as text (docs/evidence-leaf.md "Commitments").
    pub value: String,
    /// The commitment's own random salt.
    pub salt: [u8; 32],
}

/// The openings of a capture leaf's three commitments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitments {
    /// Who captured, such as `user:<uuid>` or `cli:alice`.
    pub actor: Commitment,
    /// What was captured: `capture <uuid> v1`.
    pub subject: Commitment,
    /// The lowercase hex SHA-256 of the evidence bytes.
    pub content: Commitment,
}

/// Everything a bundle holds except the evidence bytes, which are streamed.
#[derive(Debug, Clone)]
pub struct BundleParts {
    /// The evidence file's name; [`sanitize_evidence_name`] is applied before use.
    pub evidence_name: String,
    /// The capture's leaf in the evidence log.
    pub leaf: LeafV1,
    /// The openings of the leaf's commitments.
    pub commitments: Commitments,
    /// The inclusion proof of the leaf in the checkpoint's tree.
    pub proof: InclusionProofJson,
    /// The signed checkpoint note, exactly as signed.
    pub checkpoint_note: String,
    /// The installation's verifier key string `name+hash+base64`.
    pub verifier_key: String,
}

/// Why a bundle could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Reading the evidence failed.
    #[error("could not read the evidence: {0}")]
    ReadEvidence(std::io::Error),
    /// Writing the ZIP file failed.
    #[error("could not write the bundle: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// The parts do not verify: the bundle would fail at this step.
    #[error("the bundle would fail its {step} check: {reason}")]
    Inconsistent {
        /// The step that would fail.
        step: &'static str,
        /// Why.
        reason: String,
    },
    /// The evidence bytes are not the ones the content commitment names. The output is
    /// incomplete and must be discarded.
    #[error("the evidence has SHA-256 {actual}, but the content commitment names {stated}")]
    EvidenceMismatch {
        /// The SHA-256 that commitments.json states.
        stated: String,
        /// The SHA-256 of the bytes read.
        actual: String,
    },
}

/// Whether `name` may follow `evidence/` in a bundle: 1 to 200 bytes, no `/` or `\`, no `..`,
/// no control character, none of `<>:"|?*` (which Windows cannot extract), no leading or
/// trailing space, no trailing dot.
pub fn is_valid_evidence_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_EVIDENCE_NAME
        && !name.contains("..")
        && !name.chars().any(is_forbidden_char)
        && !name.starts_with(' ')
        && !name.ends_with([' ', '.'])
}

fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*')
}

/// The name the evidence gets inside the bundle: the last component of `name` (after any `/`
/// or `\`), with forbidden characters replaced by `_`, runs of dots shortened to one, spaces and
/// dots trimmed from the ends and the length cut to 200 bytes; [`FALLBACK_EVIDENCE_NAME`] when
/// nothing usable is left.
pub fn sanitize_evidence_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut cleaned = String::with_capacity(last.len());
    for c in last.chars() {
        let c = if is_forbidden_char(c) { '_' } else { c };
        if c == '.' && cleaned.ends_with('.') {
            continue;
        }
        if cleaned.len() + c.len_utf8() > MAX_EVIDENCE_NAME {
            break;
        }
        cleaned.push(c);
    }
    let trimmed = cleaned.trim_matches(|c: char| c == ' ' || c == '.');
    if is_valid_evidence_name(trimmed) {
        trimmed.to_owned()
    } else {
        FALLBACK_EVIDENCE_NAME.to_owned()
    }
}

/// Checks the evidence bundle that `input` holds from its first byte to its last
/// (docs/evidence-bundle.md "Verification") and reports each step in order: bytes, content
/// commitment, subject and actor commitments, leaf, proof, checkpoint, signature, key.
///
/// `supplied_key` is a verifier key string the user trusts (for example the one the
/// installation publishes); without it every other step can pass, but the outcome is
/// [`Outcome::KeyNotChecked`]. Never panics: malformed input is a failed step.
pub fn verify_bundle<R: std::io::Read + std::io::Seek>(
    input: R,
    supplied_key: Option<&str>,
) -> Report {
    let mut steps = Vec::with_capacity(8);
    match container::read(input) {
        Ok(members) => {
            steps.push(Step {
                name: Step::BYTES,
                status: StepStatus::Passed(format!(
                    "the bundle's eight members are intact and laid out as written; {EVIDENCE_DIR}{} is {} bytes with SHA-256 {}",
                    members.evidence.name,
                    members.evidence.size,
                    hex::encode(members.evidence.sha256)
                )),
            });
            steps.extend(checks::run(&members, supplied_key));
        }
        Err(reason) => {
            steps.push(Step {
                name: Step::BYTES,
                status: StepStatus::Failed(reason),
            });
            for name in &Step::NAMES[1..] {
                steps.push(Step {
                    name,
                    status: StepStatus::NotChecked(
                        "the bundle could not be read (see the bytes step)".to_owned(),
                    ),
                });
            }
        }
    }
    Report::from_steps(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_names_are_sanitized() {
        let cases = [
            ("clip.mp4", "clip.mp4"),
            ("videos/2025/clip.mp4", "clip.mp4"),
            ("C:\\Users\\ana\\acta.pdf", "acta.pdf"),
            ("../../etc/passwd", "passwd"),
            ("..", FALLBACK_EVIDENCE_NAME),
            ("", FALLBACK_EVIDENCE_NAME),
            ("dir/", FALLBACK_EVIDENCE_NAME),
            ("a..b...c", "a.b.c"),
            ("tab\there?.txt", "tab_here_.txt"),
            (" spaced. ", "spaced"),
            ("vídeo de la marcha.mp4", "vídeo de la marcha.mp4"),
        ];
        for (name, expected) in cases {
            assert_eq!(sanitize_evidence_name(name), expected, "{name:?}");
            assert!(is_valid_evidence_name(expected));
        }
        let long = "é".repeat(300);
        let cut = sanitize_evidence_name(&long);
        assert_eq!(cut.len(), MAX_EVIDENCE_NAME);
        assert!(!is_valid_evidence_name("a/b"));
        assert!(!is_valid_evidence_name("a..b"));
        assert!(!is_valid_evidence_name("a\u{85}b"));
    }
}
