//! Interoperability tests: every transparency-dev/merkle inclusion and consistency case and
//! every signed-note vector (including a real sum.golang.org checkpoint) must behave as upstream
//! expects. The data are repository copies under `tests/data/`, with their licences.

use std::path::{Path, PathBuf};

use amparo_tlog::{
    Checkpoint, Hash, Note, NoteError, Signer, Verifier, VerifierSet, leaf_hash,
    verify_consistency, verify_inclusion,
};
use serde_json::Value;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
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

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A hash field; `None` when it is not 32 bytes of canonical base64, which no verification
/// can accept.
fn hash_field(case: &Value, field: &str) -> Option<Hash> {
    Hash::from_base64(case[field].as_str().unwrap()).ok()
}

/// The proof field; `"proof": null` means an empty proof. `None` if any element is not a hash.
fn proof_field(case: &Value) -> Option<Vec<Hash>> {
    match &case["proof"] {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|item| Hash::from_base64(item.as_str().unwrap()).ok())
            .collect(),
        other => panic!("unexpected proof {other}"),
    }
}

#[test]
fn transparency_dev_inclusion_vectors() {
    let files = json_files(&data_dir().join("transparency-dev-merkle/testdata/inclusion"));
    assert_eq!(files.len(), 98, "all inclusion cases are present");
    let mut failures = Vec::new();
    for path in &files {
        let case = read_json(path);
        let want_error = case["wantErr"].as_bool().unwrap();
        let outcome = match (
            hash_field(&case, "leafHash"),
            hash_field(&case, "root"),
            proof_field(&case),
        ) {
            (Some(leaf), Some(root), Some(proof)) => verify_inclusion(
                case["leafIdx"].as_u64().unwrap(),
                case["treeSize"].as_u64().unwrap(),
                &leaf,
                &proof,
                &root,
            )
            .map_err(|error| error.to_string()),
            _ => Err("a value is not a 32-byte hash".to_owned()),
        };
        if outcome.is_err() != want_error {
            failures.push(format!(
                "{}: want error {want_error}, got {outcome:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A consistency root. The vectors use 12-byte placeholder roots in some size checks (see
/// tests/data/README.md); one of them, sizes-are-equal-one-and-proof-is-empty, expects success
/// because the two placeholders are byte-equal. A placeholder is mapped to a 32-byte stand-in
/// (its RFC 6962 leaf hash) so that byte equality between roots is preserved and no proof can
/// reach it.
fn consistency_root(case: &Value, field: &str) -> Hash {
    let text = case[field].as_str().unwrap();
    Hash::from_base64(text).unwrap_or_else(|_| leaf_hash(text.as_bytes()))
}

#[test]
fn transparency_dev_consistency_vectors() {
    let files = json_files(&data_dir().join("transparency-dev-merkle/testdata/consistency"));
    assert_eq!(files.len(), 98, "all consistency cases are present");
    let mut failures = Vec::new();
    for path in &files {
        let case = read_json(path);
        let want_error = case["wantErr"].as_bool().unwrap();
        let outcome = match proof_field(&case) {
            Some(proof) => verify_consistency(
                case["size1"].as_u64().unwrap(),
                case["size2"].as_u64().unwrap(),
                &consistency_root(&case, "root1"),
                &consistency_root(&case, "root2"),
                &proof,
            )
            .map_err(|error| error.to_string()),
            None => Err("a proof element is not a 32-byte hash".to_owned()),
        };
        if outcome.is_err() != want_error {
            failures.push(format!(
                "{}: want error {want_error}, got {outcome:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn note_vectors() -> Value {
    read_json(&data_dir().join("signed-note/note_vectors.json"))
}

fn all_verifiers(vectors: &Value) -> Vec<Verifier> {
    vectors["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| Verifier::parse(key["vkey"].as_str().unwrap()).unwrap())
        .collect()
}

#[test]
fn key_strings_parse_and_round_trip() {
    let vectors = note_vectors();
    for key in vectors["keys"].as_array().unwrap() {
        let vkey = key["vkey"].as_str().unwrap();
        let verifier = Verifier::parse(vkey).unwrap();
        assert_eq!(verifier.to_string(), vkey);
        if let Some(skey) = key["skey"].as_str() {
            let signer = Signer::parse(skey).unwrap();
            assert_eq!(signer.to_private_key_string(), skey);
            assert_eq!(signer.verifier().to_string(), vkey);
            assert!(
                !format!("{signer:?}").contains(&skey[skey.len() - 20..]),
                "no secret in Debug"
            );
        }
    }
}

#[test]
fn signed_notes_verify_with_exactly_their_signers() {
    let vectors = note_vectors();
    let everyone = VerifierSet::new(all_verifiers(&vectors));
    let notes = vectors["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 3);
    for case in notes {
        let text = case["note"].as_str().unwrap();
        let note = Note::parse(text.as_bytes()).unwrap();
        assert_eq!(note.to_string(), text, "format round trip");
        let mut signed_by: Vec<&str> = note
            .verify(&everyone)
            .unwrap()
            .iter()
            .map(|verifier| verifier.name())
            .collect();
        let mut expected: Vec<&str> = case["verified_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|name| name.as_str().unwrap())
            .collect();
        signed_by.sort_unstable();
        expected.sort_unstable();
        assert_eq!(signed_by, expected, "{}", case["name"]);

        // Each signer alone suffices; the other signatures are unknown and ignored.
        for name in &expected {
            let alone = VerifierSet::new(
                all_verifiers(&vectors)
                    .into_iter()
                    .filter(|verifier| verifier.name() == *name),
            );
            Note::open(text.as_bytes(), &alone).unwrap();
        }

        // Tampering with the text breaks every known signature.
        let tampered = text.replacen(' ', "  ", 1);
        assert!(matches!(
            Note::open(tampered.as_bytes(), &everyone),
            Err(NoteError::InvalidSignature { .. })
        ));
    }
}

#[test]
fn real_sum_golang_org_checkpoint() {
    let vectors = note_vectors();
    let text = vectors["notes"][2]["note"].as_str().unwrap();
    let sumdb = VerifierSet::new([Verifier::parse(
        "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
    )
    .unwrap()]);
    let note = Note::open(text.as_bytes(), &sumdb).unwrap();
    let checkpoint = Checkpoint::parse(note.text()).unwrap();
    assert_eq!(checkpoint.origin(), "go.sum database tree");
    assert_eq!(checkpoint.size(), 6476701);
    assert_eq!(
        checkpoint.root().to_base64(),
        "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="
    );
    assert_eq!(checkpoint.to_string(), note.text());

    // Only unknown keys: rejected.
    let stranger = VerifierSet::new([Verifier::parse(
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    )
    .unwrap()]);
    assert_eq!(
        Note::open(text.as_bytes(), &stranger),
        Err(NoteError::NoKnownSignature)
    );
}

#[test]
fn signing_the_peter_neumann_note_reproduces_its_signature_line() {
    let vectors = note_vectors();
    let signer = Signer::parse(vectors["keys"][0]["skey"].as_str().unwrap()).unwrap();
    let original = vectors["notes"][0]["note"].as_str().unwrap();
    let parsed = Note::parse(original.as_bytes()).unwrap();
    let signed = Note::sign(parsed.text(), &[&signer]).unwrap();
    let line = signed.signatures()[0].to_string();
    assert_eq!(
        line,
        "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    );
    assert!(original.contains(&line));
}

#[test]
fn go_sumdb_checkpoint_format() {
    let vectors = note_vectors();
    let format = &vectors["go_sumdb_format_vectors"];
    let root = leaf_hash(format["record_hash_of"].as_str().unwrap().as_bytes());
    let checkpoint = Checkpoint::new(
        "go.sum database tree",
        format["tree_size"].as_u64().unwrap(),
        root,
        &[],
    )
    .unwrap();
    assert_eq!(
        checkpoint.to_string(),
        format["formatted"].as_str().unwrap()
    );
}

#[test]
fn known_name_with_other_key_id_is_ignored_not_failed() {
    let vectors = note_vectors();
    let text = vectors["notes"][0]["note"].as_str().unwrap();
    // A signature line claiming PeterNeumann but with another key id is an unknown key.
    let forged = text.replace("x08go/ZJ", "AAAAAAAA");
    let peter =
        VerifierSet::new([Verifier::parse(vectors["keys"][0]["vkey"].as_str().unwrap()).unwrap()]);
    assert_eq!(
        Note::open(forged.as_bytes(), &peter),
        Err(NoteError::NoKnownSignature)
    );
}
