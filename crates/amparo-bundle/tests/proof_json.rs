//! Every transparency-dev/merkle inclusion and consistency case, parsed with `ProofJson::parse`
//! and verified, must succeed or fail as upstream's `wantErr` says. The vectors are the copies
//! amparo-tlog keeps under its tests/data/ (see that folder's README.md for their origin).

use std::path::{Path, PathBuf};

use amparo_bundle::{ProofJson, ProofJsonError};
use serde_json::Value;

fn vectors(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../amparo-tlog/tests/data/transparency-dev-merkle/testdata")
        .join(kind)
}

/// Every `.json` file under `dir`, sorted, recursively.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A case's proof without upstream's test-only fields `desc` and `wantErr`, which a proof
/// parser must refuse as unknown, and whether upstream expects an error.
fn case(path: &Path) -> (Vec<u8>, bool) {
    let mut value: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let object = value.as_object_mut().unwrap();
    let want_error = object.remove("wantErr").unwrap().as_bool().unwrap();
    assert!(object.remove("desc").is_some(), "{}", path.display());
    (serde_json::to_vec(&value).unwrap(), want_error)
}

/// Upstream's consistency vectors use 12-byte placeholder roots in some size checks; one of
/// them expects success because the two placeholders are byte-equal. A parser that requires
/// 32-byte hashes refuses it, as it must.
const PLACEHOLDER_SUCCESS: &str = "sizes-are-equal-one-and-proof-is-empty.json";

fn check(kind: &str, expected_files: usize) {
    let files = json_files(&vectors(kind));
    assert_eq!(files.len(), expected_files, "all {kind} cases are present");
    let mut failures = Vec::new();
    for path in &files {
        let (bytes, mut want_error) = case(path);
        let parsed = ProofJson::parse(&bytes);
        if path.ends_with(PLACEHOLDER_SUCCESS) {
            assert!(
                matches!(parsed, Err(ProofJsonError::Hash { .. })),
                "{parsed:?}"
            );
            want_error = true;
        }
        let outcome = parsed.map_err(|error| error.to_string()).and_then(|proof| {
            let is_right_kind = matches!(
                (&proof, kind),
                (ProofJson::Inclusion(_), "inclusion") | (ProofJson::Consistency(_), "consistency")
            );
            assert!(is_right_kind, "{}: {proof:?}", path.display());
            // What parses serializes back to the same proof.
            assert_eq!(
                ProofJson::parse(proof.to_json().as_bytes()).as_ref(),
                Ok(&proof)
            );
            proof.verify().map_err(|error| error.to_string())
        });
        if outcome.is_err() != want_error {
            failures.push(format!(
                "{}: want error {want_error}, got {outcome:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn transparency_dev_inclusion_vectors() {
    check("inclusion", 98);
}

#[test]
fn transparency_dev_consistency_vectors() {
    check("consistency", 98);
}

#[test]
fn upstream_happy_path_as_written_is_refused_only_for_its_test_fields() {
    let path = vectors("inclusion").join("1/happy-path.json");
    let error = ProofJson::parse(&std::fs::read(&path).unwrap()).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `desc`"),
        "{error}"
    );
    let (bytes, want_error) = case(&path);
    assert!(!want_error);
    let ProofJson::Inclusion(proof) = ProofJson::parse(&bytes).unwrap() else {
        panic!("not an inclusion proof")
    };
    assert_eq!(
        (proof.leaf_idx, proof.tree_size, proof.proof.len()),
        (0, 8, 3)
    );
}
