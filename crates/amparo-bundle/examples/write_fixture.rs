//! Writes the format fixture `tests/data/bundle-v1.zip` and its verifier key
//! `tests/data/bundle-v1.vkey`: a small capture in a log of five entries, signed with a key from
//! a fixed seed. It was run once, when format version 1 was fixed; the files it wrote are
//! committed and must verify forever. It refuses to overwrite them.
//!
//! ```text
//! cargo run -p amparo-bundle --example write_fixture -- crates/amparo-bundle/tests/data
//! ```

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use amparo_bundle::{BundleParts, Commitment, Commitments, InclusionProofJson, write_bundle};
use amparo_tlog::{
    Checkpoint, Hash, LeafKind, LeafV1, Note, Role, Signer, commit, inclusion_proof, leaf_hash,
    tree_hash,
};
use sha2::{Digest, Sha256};

const ORIGIN: &str = "example.org/amparo/evidence";
const EVIDENCE: &str = "<!doctype html>\n<html lang=\"es\"><title>Comunicado</title>\n\
<p>La comunidad denuncia el desalojo ocurrido el 24 de marzo de 2025.</p></html>\n";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: write_fixture FOLDER")?,
    );
    let signer = Signer::from_seed(ORIGIN, &[0x42; 32])?;
    let opening = |value: &str, byte: u8| Commitment {
        value: value.to_owned(),
        salt: [byte; 32],
    };
    let commitments = Commitments {
        actor: opening("user:0195c7a2-1f00-7000-8000-00000000a11c", 0xa1),
        subject: opening("capture 0195c7a2-2b00-7000-8000-000000000c01 v1", 0xb2),
        content: opening(&hex::encode(Sha256::digest(EVIDENCE)), 0xc3),
    };
    let commit_to =
        |role, opening: &Commitment| commit(role, &opening.salt, opening.value.as_bytes());
    let leaf = LeafV1 {
        kind: LeafKind::Capture,
        time_micros: 1_742_826_600_000_000,
        actor: commit_to(Role::Actor, &commitments.actor),
        subject: commit_to(Role::Subject, &commitments.subject),
        content: commit_to(Role::Content, &commitments.content),
    };
    let (index, size) = (2u64, 5u64);
    let leaves: Vec<Hash> = (0..size)
        .map(|position| match position == index {
            true => leaf.merkle_hash(),
            false => leaf_hash(format!("entry {position}").as_bytes()),
        })
        .collect();
    let root = tree_hash(&leaves);
    let checkpoint = Checkpoint::new(ORIGIN, size, root, &[])?;
    let parts = BundleParts {
        evidence_name: "comunicado-2025-03-24.html".to_owned(),
        leaf,
        commitments,
        proof: InclusionProofJson {
            leaf_idx: index,
            tree_size: size,
            root,
            leaf_hash: leaf.merkle_hash(),
            proof: inclusion_proof(&leaves, index, size)?,
        },
        checkpoint_note: Note::sign(&checkpoint.to_string(), &[&signer])?.to_string(),
        verifier_key: signer.verifier().to_string(),
    };
    let create = |name: &str| {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(folder.join(name))
    };
    let mut zip = create("bundle-v1.zip")?;
    write_bundle(&mut zip, &parts, &mut EVIDENCE.as_bytes())?;
    writeln!(create("bundle-v1.vkey")?, "{}", parts.verifier_key)?;
    Ok(())
}
