//! Tampering: a forger who changes one bit of a member and rewrites a valid ZIP file around it
//! (right CRCs, same layout) is caught at the step that owns what changed; a bit flipped in the
//! raw ZIP bytes is caught too, and no input makes the verifier panic.

mod common;

use std::io::Cursor;

use amparo_bundle::{Outcome, Report, Step, StepStatus, verify_bundle};
use common::{bundle_of, evidence, members, parts, rezip, verifier_key};

fn verify(bundle: &[u8]) -> Report {
    verify_bundle(Cursor::new(bundle), Some(&verifier_key()))
}

/// The first failed step and its reason, or `None` if the report did not fail.
fn failure(report: &Report) -> Option<(&'static str, String)> {
    let step = report.first_failure()?;
    match &step.status {
        StepStatus::Failed(reason) => Some((step.name, reason.clone())),
        _ => None,
    }
}

/// The members of a small good bundle.
fn good_members() -> Vec<(String, Vec<u8>)> {
    let bytes = evidence(2000);
    members(&bundle_of(&parts(&bytes), &bytes))
}

/// Flips `bit` of byte `position` of member `index`, rewrites the ZIP file and verifies it.
fn tampered(good: &[(String, Vec<u8>)], index: usize, position: usize, bit: u32) -> Report {
    let mut members = good.to_vec();
    members[index].1[position] ^= 1 << bit;
    verify(&rezip(&members))
}

/// The steps at which a one-bit change in the named member may first be caught, by position.
fn allowed(member: &str, position: usize) -> &'static [&'static str] {
    match member {
        "leaf.bin" => match position {
            0..10 => &[Step::LEAF],
            10..74 => &[Step::SUBJECT_ACTOR],
            _ => &[Step::CONTENT],
        },
        "commitments.json" => &[Step::CONTENT, Step::SUBJECT_ACTOR],
        "proof.json" => &[Step::LEAF, Step::PROOF],
        "checkpoint.txt" => &[Step::CHECKPOINT, Step::SIGNATURE],
        "verifier-key.txt" => &[Step::SIGNATURE, Step::KEY],
        _ => &[Step::CONTENT],
    }
}

#[test]
fn every_bit_of_every_verified_member_matters() {
    let good = good_members();
    assert_eq!(verify(&rezip(&good)).outcome, Outcome::Verified);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (index, (name, content)) in good.iter().enumerate().skip(2) {
        let positions: Vec<usize> = if name.starts_with("evidence/") {
            (0..200).map(|i| i * content.len() / 200).collect()
        } else {
            (0..content.len()).collect()
        };
        for position in positions {
            for bit in 0..8 {
                let report = tampered(&good, index, position, bit);
                checked += 1;
                match failure(&report) {
                    Some((step, _)) if allowed(name, position).contains(&step) => {}
                    other => wrong.push(format!("{name} byte {position} bit {bit}: {other:?}")),
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
    assert!(
        wrong.is_empty(),
        "{} wrong, first: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
}

#[test]
fn a_changed_salt_fails_its_own_commitment() {
    let good = good_members();
    let index = good
        .iter()
        .position(|(name, _)| name == "commitments.json")
        .unwrap();
    let text = String::from_utf8(good[index].1.clone()).unwrap();
    for (role, step) in [
        ("actor", Step::SUBJECT_ACTOR),
        ("subject", Step::SUBJECT_ACTOR),
        ("content", Step::CONTENT),
    ] {
        let salt = hex::encode(
            [match role {
                "actor" => 0x11u8,
                "subject" => 0x22,
                _ => 0x33,
            }; 32],
        );
        let start = text.find(&salt).unwrap();
        for position in start..start + 64 {
            for bit in 0..8 {
                let flipped = good[index].1[position] ^ (1 << bit);
                let (failed_at, reason) = failure(&tampered(&good, index, position, bit)).unwrap();
                if flipped.is_ascii_digit() || (b'a'..=b'f').contains(&flipped) {
                    assert_eq!(failed_at, step, "{role} {position} {bit}: {reason}");
                    assert!(
                        reason.contains(&format!("its salt do not open the leaf's {role}")),
                        "{reason}"
                    );
                } else {
                    assert_eq!(failed_at, Step::CONTENT, "{reason}");
                    assert!(reason.starts_with("commitments.json: "), "{reason}");
                }
            }
        }
    }
}

#[test]
fn a_changed_file_is_named_in_the_content_step() {
    let good = good_members();
    let (step, reason) = failure(&tampered(&good, 2, 1000, 0)).unwrap();
    assert_eq!(step, Step::CONTENT);
    assert!(
        reason.contains("the file is not the one that was logged"),
        "{reason}"
    );
}

#[test]
fn non_canonical_base64_in_the_proof_is_refused() {
    let good = good_members();
    let index = good
        .iter()
        .position(|(name, _)| name == "proof.json")
        .unwrap();
    let text = String::from_utf8(good[index].1.clone()).unwrap();
    let root = parts(&evidence(2000)).proof.root.to_base64();
    // The last base64 digit of a 32-byte hash carries two unused bits: setting one decodes to
    // the same bytes, but is not the canonical encoding.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let last = root.as_bytes()[42];
    let value = ALPHABET.iter().position(|c| *c == last).unwrap();
    assert_eq!(value & 3, 0);
    let mut bent = root.clone();
    bent.replace_range(42..43, &(ALPHABET[value | 1] as char).to_string());
    let mut members = good.clone();
    members[index].1 = text.replace(&root, &bent).into_bytes();
    let (step, reason) = failure(&verify(&rezip(&members))).unwrap();
    assert_eq!(step, Step::PROOF);
    assert_eq!(
        reason,
        "proof.json cannot be read: proof field root is not a valid hash: hash is not canonical standard base64"
    );
}

#[test]
fn raw_bit_flips_never_pass_and_never_panic() {
    let bytes = evidence(300);
    let bundle = bundle_of(&parts(&bytes), &bytes);
    let mut passed = Vec::new();
    for position in 0..bundle.len() {
        for bit in 0..8 {
            let mut flipped = bundle.clone();
            flipped[position] ^= 1 << bit;
            let report = verify(&flipped);
            if report.outcome != Outcome::Failed {
                passed.push((position, bit));
            }
        }
    }
    assert!(
        passed.is_empty(),
        "{} flips passed: {:?}",
        passed.len(),
        &passed[..passed.len().min(20)]
    );
}

#[test]
fn truncations_never_pass_and_never_panic() {
    let bytes = evidence(300);
    let bundle = bundle_of(&parts(&bytes), &bytes);
    for length in 0..bundle.len() {
        assert_eq!(
            verify(&bundle[..length]).outcome,
            Outcome::Failed,
            "{length}"
        );
    }
}
