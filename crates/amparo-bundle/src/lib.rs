//! Amparo's evidence bundles: one ZIP file that a lawyer hands to a court so that anyone can check,
//! offline, that a captured file is exactly what the installation entered into its signed
//! evidence log (docs/evidence-bundle.md), and the transparency-dev JSON forms of inclusion and
//! consistency proofs that the bundle and the API use.
//!
//! This crate is pure: it reads and writes only through the `Read`, `Write` and `Seek` handles
//! passed in, and never touches disk, network or clock. The verifier never panics, whatever the
//! bytes: every problem becomes a failed step of a [`Report`].
//!
//! Specifications followed:
//! * RFC 6962 section 2.1 and RFC 9162 section 2.1.3.2 (leaf hashes, inclusion proofs);
//! * <https://c2sp.org/tlog-checkpoint> and <https://c2sp.org/signed-note> (checkpoint.txt,
//!   verifier-key.txt);
//! * PKWARE APPNOTE 6.3.10 (the ZIP container, STORED members only, ZIP64 for large files);
//! * docs/evidence-leaf.md (the 106-byte leaf and its salted commitments).

#![warn(missing_docs)]

pub mod bundle;
pub mod proof_json;

pub use bundle::{
    BundleError, BundleParts, Commitment, Commitments, Outcome, Report, Step, StepStatus,
    sanitize_evidence_name, verify_bundle, write_bundle,
};
pub use proof_json::{ConsistencyProofJson, InclusionProofJson, ProofJson, ProofJsonError};
