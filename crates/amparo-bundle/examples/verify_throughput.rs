//! Measures how fast `verify_bundle` reads a large evidence member compared with raw SHA-256
//! over the same bytes in memory (the goal is at least 80 %).
//!
//! ```text
//! cargo run --release -p amparo-bundle --example verify_throughput [MEGABYTES]
//! ```

use std::io::Cursor;
use std::time::{Duration, Instant};

use amparo_bundle::{BundleParts, Commitment, Commitments, InclusionProofJson, Outcome};
use amparo_tlog::{Checkpoint, LeafKind, LeafV1, Note, Role, Signer, commit};
use sha2::{Digest, Sha256};

fn best_of(runs: usize, mut work: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let megabytes: usize = std::env::args().nth(1).map_or(Ok(100), |arg| arg.parse())?;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let evidence: Vec<u8> = (0..megabytes * 1_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();

    let signer = Signer::from_seed("example.org/throughput", &[1; 32])?;
    let opening = |value: String| Commitment {
        value,
        salt: [9; 32],
    };
    let commitments = Commitments {
        actor: opening("cli:bench".to_owned()),
        subject: opening("capture bench v1".to_owned()),
        content: opening(hex::encode(Sha256::digest(&evidence))),
    };
    let commit_to =
        |role, opening: &Commitment| commit(role, &opening.salt, opening.value.as_bytes());
    let leaf = LeafV1 {
        kind: LeafKind::Capture,
        time_micros: 0,
        actor: commit_to(Role::Actor, &commitments.actor),
        subject: commit_to(Role::Subject, &commitments.subject),
        content: commit_to(Role::Content, &commitments.content),
    };
    let root = leaf.merkle_hash();
    let checkpoint = Checkpoint::new(signer.name(), 1, root, &[])?;
    let parts = BundleParts {
        evidence_name: "bench.bin".to_owned(),
        leaf,
        commitments,
        proof: InclusionProofJson {
            leaf_idx: 0,
            tree_size: 1,
            root,
            leaf_hash: root,
            proof: vec![],
        },
        checkpoint_note: Note::sign(&checkpoint.to_string(), &[&signer])?.to_string(),
        verifier_key: signer.verifier().to_string(),
    };
    let mut bundle = Cursor::new(Vec::with_capacity(evidence.len() + 100_000));
    amparo_bundle::write_bundle(&mut bundle, &parts, &mut evidence.as_slice())?;
    let bundle = bundle.into_inner();
    let key = parts.verifier_key.clone();

    let raw = best_of(5, || {
        let mut hasher = Sha256::new();
        for chunk in evidence.chunks(1 << 20) {
            hasher.update(chunk);
        }
        std::hint::black_box(hasher.finalize());
    });
    let verify = best_of(5, || {
        let report = amparo_bundle::verify_bundle(Cursor::new(&bundle), Some(&key));
        assert_eq!(report.outcome, Outcome::Verified);
    });
    let rate = |time: Duration| evidence.len() as f64 / time.as_secs_f64() / 1e6;
    println!("evidence:        {} MB", evidence.len() / 1_000_000);
    println!("raw SHA-256:     {:8.1} MB/s", rate(raw));
    println!("verify_bundle:   {:8.1} MB/s", rate(verify));
    println!(
        "ratio:           {:8.1} %",
        100.0 * raw.as_secs_f64() / verify.as_secs_f64()
    );
    Ok(())
}
