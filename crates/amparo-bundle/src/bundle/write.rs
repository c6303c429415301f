//! Writing a bundle: the parts are first checked with the verifier's own steps, so that a bundle
//! that would not verify is never written, then the members are written STORED in their fixed
//! order with fixed timestamps, so the same inputs always give the same bytes.

use std::io::{ErrorKind, Read, Seek, Write};

use sha2::{Digest, Sha256};
use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::checks::{self, Parsed, format_utc};
use super::commitments::{self, hex32};
use super::container::{Evidence, Members};
use super::readme::{self, ReadmeFacts};
use super::report::{Step, StepStatus};
use super::{
    BundleError, BundleParts, CHECKPOINT, COMMITMENTS, EVIDENCE_DIR, LEAF, PROOF, README_EN,
    README_ES, VERIFIER_KEY, sanitize_evidence_name,
};

/// The size of the buffer the evidence is copied through.
const COPY_BUFFER: usize = 1 << 20;

/// The options of every member: STORED, 1980-01-01 00:00:00, Unix mode 0644.
fn member_options() -> SimpleFileOptions {
    SimpleFileOptions::DEFAULT
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::DEFAULT)
        .system(System::Unix)
        .unix_permissions(0o644)
}

/// Writes an evidence bundle to `out`, which should be empty, streaming `evidence` into it.
///
/// Before writing anything, the parts are checked with the same steps [`super::verify_bundle`]
/// runs, taking the content value of the commitments as the evidence's SHA-256; any failure is
/// [`BundleError::Inconsistent`]. While streaming, the evidence is hashed; if its SHA-256 is not
/// that content value the result is [`BundleError::EvidenceMismatch`] and whatever was written
/// to `out` must be discarded. Evidence of any size is accepted (ZIP64 is used for it).
pub fn write_bundle<W: Write + Seek>(
    out: W,
    parts: &BundleParts,
    evidence: &mut dyn Read,
) -> Result<(), BundleError> {
    let name = sanitize_evidence_name(&parts.evidence_name);
    let stated_value = &parts.commitments.content.value;
    let stated = hex32(stated_value).ok_or_else(|| BundleError::Inconsistent {
        step: Step::CONTENT,
        reason: format!("the content value {stated_value:?} is not a lowercase hex SHA-256"),
    })?;
    let mut proof_json = parts.proof.to_json_pretty();
    proof_json.push('\n');
    let members = Members {
        evidence: Evidence {
            name: name.clone(),
            size: 0,
            sha256: stated,
        },
        leaf: parts.leaf.encode().to_vec(),
        commitments: commitments::encode(&parts.commitments).into_bytes(),
        proof: proof_json.into_bytes(),
        checkpoint: parts.checkpoint_note.clone().into_bytes(),
        verifier_key: format!("{}\n", parts.verifier_key).into_bytes(),
    };
    let parsed = Parsed::new(&members);
    for step in checks::run_parsed(&parsed, &members.evidence, None) {
        if let StepStatus::Failed(reason) = step.status {
            return Err(BundleError::Inconsistent {
                step: step.name,
                reason,
            });
        }
    }
    let origin = match &parsed.checkpoint {
        Ok((_, checkpoint)) => checkpoint.origin(),
        Err(reason) => {
            return Err(BundleError::Inconsistent {
                step: Step::CHECKPOINT,
                reason: reason.clone(),
            });
        }
    };
    let facts = ReadmeFacts {
        evidence_name: &name,
        sha256_hex: stated_value,
        recorded_at: format_utc(parts.leaf.time_micros),
        leaf_index: parts.proof.leaf_idx,
        tree_size: parts.proof.tree_size,
        root_base64: parts.proof.root.to_base64(),
        origin,
        verifier_key: &parts.verifier_key,
    };

    let options = member_options();
    let mut zip = ZipWriter::new(out);
    let put = |zip: &mut ZipWriter<W>, member: &str, bytes: &[u8]| {
        zip.start_file(member, options)?;
        zip.write_all(bytes).map_err(ZipError::from)
    };
    put(&mut zip, README_EN, readme::english(&facts).as_bytes())?;
    put(&mut zip, README_ES, readme::spanish(&facts).as_bytes())?;
    zip.start_file(format!("{EVIDENCE_DIR}{name}"), options.large_file(true))?;
    let actual = copy_hashing(evidence, &mut zip)?;
    if actual != stated {
        return Err(BundleError::EvidenceMismatch {
            stated: stated_value.clone(),
            actual: hex::encode(actual),
        });
    }
    put(&mut zip, LEAF, &members.leaf)?;
    put(&mut zip, COMMITMENTS, &members.commitments)?;
    put(&mut zip, PROOF, &members.proof)?;
    put(&mut zip, CHECKPOINT, &members.checkpoint)?;
    put(&mut zip, VERIFIER_KEY, &members.verifier_key)?;
    zip.finish()?;
    Ok(())
}

/// Copies `evidence` into the open member, returning the SHA-256 of the bytes copied.
fn copy_hashing<W: Write + Seek>(
    evidence: &mut dyn Read,
    zip: &mut ZipWriter<W>,
) -> Result<[u8; 32], BundleError> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; COPY_BUFFER];
    loop {
        let count = match evidence.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => count,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(BundleError::ReadEvidence(error)),
        };
        let Some(chunk) = buffer.get(..count) else {
            return Err(BundleError::ReadEvidence(std::io::Error::other(
                "the reader returned more bytes than asked for",
            )));
        };
        hasher.update(chunk);
        zip.write_all(chunk).map_err(ZipError::from)?;
    }
    Ok(hasher.finalize().into())
}
