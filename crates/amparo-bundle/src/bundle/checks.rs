//! The seven steps after the bytes step (docs/evidence-bundle.md "Verification"). Each member is
//! parsed once; a member that cannot be read fails the step that owns it, and every other step
//! that needs it is not checked, naming the owner.

use amparo_tlog::{
    Checkpoint, LeafKind, LeafV1, Note, NoteError, Role, Verifier, VerifierSet, commit,
};

use super::container::{Evidence, Members};
use super::report::{Step, StepStatus};
use super::{
    CAPTURE_SUBJECT_PREFIX, CHECKPOINT, COMMITMENTS, Commitments, LEAF, PROOF, commitments,
};
use crate::proof_json::{InclusionProofJson, ProofJson};

/// The members, parsed; `Err` holds a sentence naming the member.
pub(crate) struct Parsed {
    pub commitments: Result<Commitments, String>,
    pub leaf: Result<LeafV1, String>,
    pub proof: Result<InclusionProofJson, String>,
    pub checkpoint: Result<(Note, Checkpoint), String>,
    pub key: Result<Verifier, String>,
}

impl Parsed {
    pub(crate) fn new(members: &Members) -> Parsed {
        Parsed {
            commitments: commitments::decode(&members.commitments)
                .map_err(|reason| format!("{COMMITMENTS}: {reason}")),
            leaf: parse_leaf(&members.leaf),
            proof: parse_proof(&members.proof),
            checkpoint: parse_checkpoint(&members.checkpoint),
            key: parse_key(&members.verifier_key),
        }
    }
}

fn parse_leaf(bytes: &[u8]) -> Result<LeafV1, String> {
    let leaf = LeafV1::decode(bytes).map_err(|error| format!("{LEAF} is not a leaf: {error}"))?;
    let kind = match leaf.kind {
        LeafKind::Capture => return Ok(leaf),
        LeafKind::RecordVersion => "a record version",
        LeafKind::Export => "an export",
        LeafKind::Audit => "an audit event",
    };
    Err(format!("{LEAF} records {kind}, not a capture"))
}

fn parse_proof(bytes: &[u8]) -> Result<InclusionProofJson, String> {
    match ProofJson::parse(bytes) {
        Ok(ProofJson::Inclusion(proof)) => Ok(proof),
        Ok(ProofJson::Consistency(_)) => Err(format!(
            "{PROOF} holds a consistency proof, not an inclusion proof"
        )),
        Err(error) => Err(format!("{PROOF} cannot be read: {error}")),
    }
}

fn parse_checkpoint(bytes: &[u8]) -> Result<(Note, Checkpoint), String> {
    let note = Note::parse(bytes)
        .map_err(|error| format!("{CHECKPOINT} is not a C2SP signed note: {error}"))?;
    let checkpoint = Checkpoint::parse(note.text())
        .map_err(|error| format!("{CHECKPOINT} does not hold a C2SP checkpoint: {error}"))?;
    Ok((note, checkpoint))
}

fn parse_key(bytes: &[u8]) -> Result<Verifier, String> {
    let member = super::VERIFIER_KEY;
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{member} is not UTF-8 text"))?;
    let line = text
        .strip_suffix('\n')
        .filter(|line| !line.contains('\n'))
        .ok_or_else(|| format!("{member} must be one line ending with a newline"))?;
    Verifier::parse(line)
        .map_err(|error| format!("{member} does not hold a valid verifier key: {error}"))
}

/// A member the step owns: its parse error fails the step.
fn owned<T>(parsed: &Result<T, String>) -> Result<&T, StepStatus> {
    parsed
        .as_ref()
        .map_err(|reason| StepStatus::Failed(reason.clone()))
}

/// A member another step owns: its parse error means this step cannot run.
fn needed<'a, T>(
    parsed: &'a Result<T, String>,
    member: &str,
    owner: &str,
) -> Result<&'a T, StepStatus> {
    parsed.as_ref().map_err(|_| {
        StepStatus::NotChecked(format!(
            "needs {member}, which could not be read (see the {owner} step)"
        ))
    })
}

fn failed(reason: String) -> StepStatus {
    StepStatus::Failed(reason)
}

fn key_label(key: &Verifier) -> String {
    format!("{}+{:08x}", key.name(), key.key_id())
}

/// Runs the steps after the bytes step, in order.
pub(crate) fn run(members: &Members, supplied_key: Option<&str>) -> Vec<Step> {
    run_parsed(&Parsed::new(members), &members.evidence, supplied_key)
}

/// Runs the steps after the bytes step on members already parsed.
pub(crate) fn run_parsed(
    parsed: &Parsed,
    evidence: &Evidence,
    supplied_key: Option<&str>,
) -> Vec<Step> {
    let step = |name, result: Result<String, StepStatus>| Step {
        name,
        status: result.map_or_else(|status| status, StepStatus::Passed),
    };
    vec![
        step(Step::CONTENT, content(parsed, evidence)),
        step(Step::SUBJECT_ACTOR, subject_actor(parsed)),
        step(Step::LEAF, leaf(parsed)),
        step(Step::PROOF, proof(parsed)),
        step(Step::CHECKPOINT, checkpoint(parsed)),
        step(Step::SIGNATURE, signature(parsed)),
        step(Step::KEY, key(parsed, supplied_key)),
    ]
}

fn content(parsed: &Parsed, evidence: &Evidence) -> Result<String, StepStatus> {
    let commitments = owned(&parsed.commitments)?;
    let leaf = needed(&parsed.leaf, LEAF, Step::LEAF)?;
    let digest = hex::encode(evidence.sha256);
    let content = &commitments.content;
    if content.value != digest {
        return Err(failed(format!(
            "the file's SHA-256 is {digest}, but {COMMITMENTS} names {:?}: the file is not the one that was logged",
            content.value
        )));
    }
    if commit(Role::Content, &content.salt, content.value.as_bytes()) != leaf.content {
        return Err(failed(format!(
            "the content value {:?} and its salt do not open the leaf's content commitment {}",
            content.value, leaf.content
        )));
    }
    Ok(format!(
        "the file's SHA-256 is the content value in {COMMITMENTS}, which with its salt opens the leaf's content commitment"
    ))
}

fn subject_actor(parsed: &Parsed) -> Result<String, StepStatus> {
    let commitments = needed(&parsed.commitments, COMMITMENTS, Step::CONTENT)?;
    let leaf = needed(&parsed.leaf, LEAF, Step::LEAF)?;
    let (subject, actor) = (&commitments.subject, &commitments.actor);
    if !subject.value.starts_with(CAPTURE_SUBJECT_PREFIX) {
        return Err(failed(format!(
            "the subject {:?} does not name a capture (it must start with {CAPTURE_SUBJECT_PREFIX:?})",
            subject.value
        )));
    }
    for (role, label, opening, committed) in [
        (Role::Subject, "subject", subject, &leaf.subject),
        (Role::Actor, "actor", actor, &leaf.actor),
    ] {
        if commit(role, &opening.salt, opening.value.as_bytes()) != *committed {
            return Err(failed(format!(
                "the {label} {:?} and its salt do not open the leaf's {label} commitment {committed}",
                opening.value
            )));
        }
    }
    Ok(format!(
        "the subject {:?} and the actor {:?} open the leaf's subject and actor commitments",
        subject.value, actor.value
    ))
}

fn leaf(parsed: &Parsed) -> Result<String, StepStatus> {
    let leaf = owned(&parsed.leaf)?;
    let proof = needed(&parsed.proof, PROOF, Step::PROOF)?;
    let hash = leaf.merkle_hash();
    if hash != proof.leaf_hash {
        return Err(failed(format!(
            "the leaf's RFC 6962 leaf hash is {}, but {PROOF} proves the leaf hash {}",
            hash.to_base64(),
            proof.leaf_hash.to_base64()
        )));
    }
    Ok(format!(
        "{LEAF} is a version 1 capture leaf recorded at {}; its RFC 6962 leaf hash {} is the one {PROOF} proves",
        format_utc(leaf.time_micros),
        hash.to_base64()
    ))
}

fn proof(parsed: &Parsed) -> Result<String, StepStatus> {
    let proof = owned(&parsed.proof)?;
    proof.verify().map_err(|error| {
        failed(format!(
            "the inclusion proof does not hold (RFC 9162 section 2.1.3.2): {error}"
        ))
    })?;
    Ok(format!(
        "the leaf is entry {} of the log's tree of {} entries with root {}: the {} proof hashes recompute that root (RFC 9162 section 2.1.3.2)",
        proof.leaf_idx,
        proof.tree_size,
        proof.root.to_base64(),
        proof.proof.len()
    ))
}

fn checkpoint(parsed: &Parsed) -> Result<String, StepStatus> {
    let (_, checkpoint) = owned(&parsed.checkpoint)?;
    let proof = needed(&parsed.proof, PROOF, Step::PROOF)?;
    if checkpoint.size() != proof.tree_size {
        return Err(failed(format!(
            "the checkpoint is for a tree of {} entries, but the proof is for {}",
            checkpoint.size(),
            proof.tree_size
        )));
    }
    if *checkpoint.root() != proof.root {
        return Err(failed(format!(
            "the checkpoint's root is {}, but the proof's root is {}",
            checkpoint.root().to_base64(),
            proof.root.to_base64()
        )));
    }
    Ok(format!(
        "the checkpoint of log {:?} is for {} entries with root {}, the same tree as the proof's (C2SP tlog-checkpoint)",
        checkpoint.origin(),
        checkpoint.size(),
        checkpoint.root().to_base64()
    ))
}

fn signature(parsed: &Parsed) -> Result<String, StepStatus> {
    let key = owned(&parsed.key)?;
    let (note, checkpoint) = needed(&parsed.checkpoint, CHECKPOINT, Step::CHECKPOINT)?;
    if key.name() != checkpoint.origin() {
        return Err(failed(format!(
            "the bundle's key is named {:?}, but the checkpoint is from the log {:?}, and a log's key bears its name",
            key.name(),
            checkpoint.origin()
        )));
    }
    let label = key_label(key);
    match note.verify(&VerifierSet::new([key.clone()])) {
        Ok(_) => Ok(format!(
            "{CHECKPOINT} carries a valid Ed25519 signature by the bundle's key {label} (C2SP signed-note)"
        )),
        Err(NoteError::InvalidSignature { .. }) => Err(failed(format!(
            "the signature by {label} on {CHECKPOINT} is not valid: the checkpoint or its signature was changed after signing"
        ))),
        Err(_) => Err(failed(format!(
            "{CHECKPOINT} carries no signature by the bundle's key {label}"
        ))),
    }
}

fn key(parsed: &Parsed, supplied: Option<&str>) -> Result<String, StepStatus> {
    let embedded = parsed.key.as_ref().ok();
    let Some(supplied) = supplied else {
        return Err(StepStatus::NotChecked(match embedded {
            Some(key) => format!(
                "no key was supplied, so the bundle was checked only against the key it carries, {key}, and nothing here shows that this key is the installation's; compare it with the key the installation published, or check again giving that key"
            ),
            None => {
                "no key was supplied, and the key the bundle carries could not be read".to_owned()
            }
        }));
    };
    let supplied = Verifier::parse(supplied.trim()).map_err(|error| {
        failed(format!(
            "the key you supplied is not a valid verifier key ({error})"
        ))
    })?;
    let (note, _) = needed(&parsed.checkpoint, CHECKPOINT, Step::CHECKPOINT)?;
    let label = key_label(&supplied);
    match note.verify(&VerifierSet::new([supplied.clone()])) {
        Ok(_) => {
            let same = if embedded == Some(&supplied) {
                ", the same key the bundle carries"
            } else {
                ""
            };
            Ok(format!(
                "{CHECKPOINT} is signed by the key you supplied, {label}{same}"
            ))
        }
        Err(NoteError::InvalidSignature { .. }) => Err(failed(format!(
            "{CHECKPOINT} carries a signature in the name of the key you supplied, {label}, but it is not valid"
        ))),
        Err(_) => {
            let signers: Vec<String> = note
                .signatures()
                .iter()
                .map(|signature| format!("{}+{:08x}", signature.name, signature.key_id))
                .collect();
            Err(failed(format!(
                "{CHECKPOINT} is not signed by the key you supplied, {label}; its signatures are by {}",
                signers.join(", ")
            )))
        }
    }
}

/// A time in microseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, by the civil
/// calendar algorithm of Howard Hinnant ("chrono-Compatible Low-Level Date Algorithms").
pub(crate) fn format_utc(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let fraction = micros.rem_euclid(1_000_000);
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:06}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::format_utc;

    #[test]
    fn formats_utc_times() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59.999999Z");
        assert_eq!(
            format_utc(1_764_442_333_123_456),
            "2025-11-29T18:52:13.123456Z"
        );
        assert_eq!(
            format_utc(951_782_400_000_000),
            "2000-02-29T00:00:00.000000Z"
        );
        // The extremes do not overflow.
        assert!(format_utc(i64::MIN).starts_with("-2"));
        assert!(format_utc(i64::MAX).starts_with("2942"));
    }
}
