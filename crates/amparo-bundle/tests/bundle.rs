//! Writing and verifying real bundles: the three outcomes, the report's details, the writer's
//! own checks, and the container rules (members, order, STORED, sizes, ZIP64).

mod common;

use std::io::{Cursor, Read};

use amparo_bundle::{BundleError, Outcome, Report, Step, StepStatus, verify_bundle, write_bundle};
use common::{bundle_of, evidence, members, parts, rezip, verifier_key};

fn verify(bundle: &[u8], key: Option<&str>) -> Report {
    verify_bundle(Cursor::new(bundle), key)
}

/// The first failed step's name and reason, for a report that must have failed.
fn failure(report: &Report) -> (&'static str, String) {
    assert_eq!(report.outcome, Outcome::Failed, "{}", report.render());
    let step = report
        .first_failure()
        .expect("a failed report has a failed step");
    let StepStatus::Failed(reason) = &step.status else {
        unreachable!()
    };
    (step.name, reason.clone())
}

#[test]
fn verified_with_the_installation_key() {
    let bytes = evidence(3000);
    let bundle = bundle_of(&parts(&bytes), &bytes);
    let report = verify(&bundle, Some(&verifier_key()));
    assert_eq!(report.outcome, Outcome::Verified, "{}", report.render());
    assert_eq!(report.outcome.exit_code(), 0);
    let names: Vec<&str> = report.steps.iter().map(|step| step.name).collect();
    assert_eq!(names, Step::NAMES);

    let text = report.render();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let root = parts(&bytes).proof.root.to_base64();
    let signer = common::signer();
    for expected in [
        "evidence/marcha 2025-11-29.mp4",
        "3000 bytes",
        sha.as_str(),
        "entry 4 of the log's tree of 7 entries",
        root.as_str(),
        "\"example.org/amparo/evidence\"",
        &format!("{}+{:08x}", signer.name(), signer.key_id()),
        "2025-11-29T18:52:13.123456Z",
        "Result: VERIFIED.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from\n{text}");
    }
    assert_eq!(
        text.lines()
            .filter(|line| line.starts_with(char::is_numeric))
            .count(),
        8
    );
    // A key given with surrounding whitespace (as read from a file) is fine.
    let padded = format!("  {}\n", verifier_key());
    assert_eq!(verify(&bundle, Some(&padded)).outcome, Outcome::Verified);
}

#[test]
fn without_a_key_everything_but_the_key_is_checked() {
    let bytes = evidence(10);
    let report = verify(&bundle_of(&parts(&bytes), &bytes), None);
    assert_eq!(
        report.outcome,
        Outcome::KeyNotChecked,
        "{}",
        report.render()
    );
    assert_eq!(report.outcome.exit_code(), 3);
    let key = report.steps.last().unwrap();
    assert_eq!(key.name, Step::KEY);
    let StepStatus::NotChecked(why) = &key.status else {
        panic!("{key:?}")
    };
    assert!(why.contains(&verifier_key()), "{why}");
    assert!(why.contains("nothing here shows that this key is the installation's"));
    assert!(
        report
            .render()
            .contains("Result: VERIFIED, EXCEPT THE KEY.")
    );
}

#[test]
fn another_key_fails_at_the_key_step() {
    let bytes = evidence(10);
    let bundle = bundle_of(&parts(&bytes), &bytes);
    let stranger = common::other_signer().verifier().to_string();
    let report = verify(&bundle, Some(&stranger));
    let (step, reason) = failure(&report);
    assert_eq!(step, Step::KEY);
    assert!(
        reason.contains("not signed by the key you supplied"),
        "{reason}"
    );
    assert_eq!(report.outcome.exit_code(), 1);
    let (step, reason) = failure(&verify(&bundle, Some("not a key")));
    assert_eq!(step, Step::KEY);
    assert!(reason.contains("not a valid verifier key"), "{reason}");
}

#[test]
fn a_bundle_from_a_forged_log_fails_only_against_the_real_key() {
    // A forger signs their own checkpoint with their own key of the same name and ships that
    // key: everything holds against the key inside the bundle, nothing against the real one.
    let bytes = evidence(100);
    let forged = common::parts_with(&bytes, 0, 1, &common::other_signer());
    let bundle = bundle_of(&forged, &bytes);
    assert_eq!(verify(&bundle, None).outcome, Outcome::KeyNotChecked);
    assert_eq!(
        failure(&verify(&bundle, Some(&verifier_key()))).0,
        Step::KEY
    );
}

#[test]
fn members_are_stored_in_order_and_the_writer_is_deterministic() {
    let bytes = evidence(500);
    let bundle = bundle_of(&parts(&bytes), &bytes);
    assert_eq!(bundle, bundle_of(&parts(&bytes), &bytes));
    let names: Vec<String> = members(&bundle).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            "README.en.txt",
            "README.es.txt",
            "evidence/marcha 2025-11-29.mp4",
            "leaf.bin",
            "commitments.json",
            "proof.json",
            "checkpoint.txt",
            "verifier-key.txt",
        ]
    );
    let all = members(&bundle);
    assert_eq!(all[2].1, bytes);
    assert_eq!(all[3].1.len(), 106);
    assert_eq!(all[6].1, parts(&bytes).checkpoint_note.as_bytes());
    assert_eq!(all[7].1, format!("{}\n", verifier_key()).as_bytes());
    let readme = String::from_utf8(all[0].1.clone()).unwrap();
    assert!(readme.contains("evidence/marcha 2025-11-29.mp4"));
    assert!(readme.contains(&parts(&bytes).commitments.content.value));
    let readme_es = String::from_utf8(all[1].1.clone()).unwrap();
    assert!(readme_es.contains("Descomprima el paquete"));
}

#[test]
fn names_bytes_and_sizes_that_need_care() {
    for (name, expected) in [
        ("vídeo de la marcha.mp4", "evidence/vídeo de la marcha.mp4"),
        ("../../etc/passwd", "evidence/passwd"),
        ("", "evidence/capture.bin"),
    ] {
        let bytes = evidence(0);
        let mut parts = parts(&bytes);
        parts.evidence_name = name.to_owned();
        let bundle = bundle_of(&parts, &bytes);
        assert_eq!(members(&bundle)[2].0, expected);
        let report = verify(&bundle, Some(&verifier_key()));
        assert_eq!(report.outcome, Outcome::Verified, "{}", report.render());
    }
}

#[test]
fn the_writer_refuses_parts_that_would_not_verify() {
    let bytes = evidence(64);
    let mut out = Cursor::new(Vec::new());
    let wrong = evidence(65);
    let error = write_bundle(&mut out, &parts(&bytes), &mut &wrong[..]).unwrap_err();
    assert!(
        matches!(error, BundleError::EvidenceMismatch { .. }),
        "{error}"
    );

    let mut bad_proof = parts(&bytes);
    bad_proof.proof.leaf_idx = 3;
    let error = write_bundle(Cursor::new(Vec::new()), &bad_proof, &mut &bytes[..]).unwrap_err();
    assert!(
        matches!(error, BundleError::Inconsistent { step: "proof", .. }),
        "{error}"
    );

    let mut bad_key = parts(&bytes);
    bad_key.verifier_key = common::other_signer().verifier().to_string();
    let error = write_bundle(Cursor::new(Vec::new()), &bad_key, &mut &bytes[..]).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "the bundle would fail its signature check: checkpoint.txt carries no signature by the bundle's key {}+{:08x}",
            common::ORIGIN,
            common::other_signer().key_id()
        )
    );

    let mut bad_value = parts(&bytes);
    bad_value.commitments.content.value = "ABC".to_owned();
    let error = write_bundle(Cursor::new(Vec::new()), &bad_value, &mut &bytes[..]).unwrap_err();
    assert!(matches!(
        error,
        BundleError::Inconsistent {
            step: "content commitment",
            ..
        }
    ));
}

#[test]
fn readmes_explain_but_are_not_verified() {
    let bytes = evidence(10);
    let mut all = members(&bundle_of(&parts(&bytes), &bytes));
    all[0].1 = b"Anything at all.".to_vec();
    all[1].1.clear();
    let report = verify(&rezip(&all), Some(&verifier_key()));
    assert_eq!(report.outcome, Outcome::Verified, "{}", report.render());
}

/// Replaces every occurrence of `from` by `to` (same length) in the bundle's bytes.
fn patch(bundle: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = bundle.to_vec();
    let mut found = 0;
    for start in 0..=out.len() - from.len() {
        if &out[start..start + from.len()] == from {
            out[start..start + from.len()].copy_from_slice(to);
            found += 1;
        }
    }
    assert!(found > 0);
    out
}

#[test]
fn container_problems_fail_the_bytes_step() {
    let bytes = evidence(10);
    let good = members(&bundle_of(&parts(&bytes), &bytes));
    let without = |name: &str| -> Vec<(String, Vec<u8>)> {
        good.iter()
            .filter(|(member, _)| member != name)
            .cloned()
            .collect()
    };
    let with_extra = |name: &str, content: &[u8]| {
        let mut all = good.clone();
        all.push((name.to_owned(), content.to_vec()));
        all
    };
    let mut reordered = good.clone();
    reordered.swap(3, 4);
    let mut oversized = good.clone();
    oversized[5].1 = vec![b' '; (1 << 20) + 1];
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (Vec::new(), "not a readable ZIP file"),
        (b"PK\x03\x04 not really".to_vec(), "not a readable ZIP file"),
        (bytes.clone(), "not a readable ZIP file"),
        (
            rezip(&without("proof.json")),
            "the bundle has no proof.json",
        ),
        (
            rezip(&without("README.es.txt")),
            "the bundle has no README.es.txt",
        ),
        (
            rezip(&without("evidence/marcha 2025-11-29.mp4")),
            "has no evidence/ file",
        ),
        (
            rezip(&with_extra("notes.txt", b"x")),
            "unexpected member \"notes.txt\"",
        ),
        (
            rezip(&with_extra("evidence/", b"")),
            "unexpected member \"evidence/\"",
        ),
        (
            rezip(&with_extra("evidence/a..b", b"")),
            "unexpected member \"evidence/a..b\"",
        ),
        (
            rezip(&with_extra("evidence/second.mp4", b"x")),
            "two evidence files",
        ),
        (rezip(&reordered), "not in the order"),
        (rezip(&oversized), "more than the 1048576 allowed"),
        (
            patch(
                &rezip(&with_extra("leaf.biX", b"")),
                b"leaf.biX",
                b"leaf.bin",
            ),
            "lists the same member name twice",
        ),
        (
            // Method 8 (deflate) in the local and central headers of every small member (the
            // fields version 10, flags 0, method, time 0, date 1980-01-01); data unchanged.
            patch(
                &rezip(&good),
                b"\x0a\x00\x00\x00\x00\x00\x00\x00\x21\x00",
                b"\x0a\x00\x00\x00\x08\x00\x00\x00\x21\x00",
            ),
            "is compressed",
        ),
    ];
    for (bundle, expected) in cases {
        let report = verify(&bundle, Some(&verifier_key()));
        let (step, reason) = failure(&report);
        assert_eq!(step, Step::BYTES, "{reason}");
        assert!(reason.contains(expected), "{expected:?} not in {reason:?}");
        assert!(
            report.steps[1..]
                .iter()
                .all(|step| matches!(step.status, StepStatus::NotChecked(_))),
            "{}",
            report.render()
        );
    }
}

#[test]
fn bytes_outside_the_written_layout_fail() {
    let bytes = evidence(10);
    let bundle = bundle_of(&parts(&bytes), &bytes);
    let mut prefixed = b"MZ".to_vec();
    prefixed.extend(&bundle);
    let mut commented = bundle.clone();
    let length = commented.len();
    commented[length - 2] = 3;
    commented.extend(b"hey");
    let mut trailing = bundle.clone();
    trailing.extend(b"\0\0\0\0");
    for bad in [prefixed, commented, trailing] {
        let (step, reason) = failure(&verify(&bad, None));
        assert_eq!(step, Step::BYTES, "{reason}");
    }
}

#[test]
fn an_evidence_member_bigger_than_4_gib_uses_zip64() {
    // All zeros, written to and read from a sparse in-memory file.
    let size = (1u64 << 32) + 12_345;
    let mut zeros = std::io::repeat(0).take(size);
    // The SHA-256 of `size` zero bytes, computed once with Python's hashlib.
    let digest = "59ead87e2e32370612861365e7dcf1543fb29afaa0b29432c37eab5373fed514";
    let parts = common::parts_for_value(digest, 4, 7, &common::signer());
    let mut file = common::Sparse::default();
    write_bundle(&mut file, &parts, &mut zeros).unwrap();
    file.rewind();
    let report = verify_bundle(&mut file, Some(&verifier_key()));
    assert_eq!(report.outcome, Outcome::Verified, "{}", report.render());
    assert!(report.render().contains(&format!("is {size} bytes")));
}
