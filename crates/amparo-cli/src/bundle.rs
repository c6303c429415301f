//! `amparo bundle create|verify` and `amparo proof verify`. Verifying needs no installation: a
//! court, a lawyer or anyone else checks a bundle or a proof with only the file and the key.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use amparo_app::{Actor, App};
use amparo_bundle::{Outcome, ProofJson};
use anyhow::Context;
use uuid::Uuid;

/// The exit status of `amparo proof verify` for input that cannot be read or is not a proof.
const UNREADABLE_PROOF: u8 = 2;

/// `amparo bundle create CAPTURE_ID -o FILE`
pub async fn create(app: &App, actor: &Actor, id: Uuid, output: &Path) -> anyhow::Result<()> {
    let info = app
        .create_bundle(actor, id, output)
        .await
        .with_context(|| format!("could not write the bundle of capture {id}"))?;
    let key = app.log_verifier_key()?;
    println!(
        "wrote the evidence bundle of capture {id} to {}",
        output.display()
    );
    println!(
        "leaf {} in the signed checkpoint of {} leaves",
        info.leaf_index, info.tree_size
    );
    println!(
        "evidence: {} bytes, sha256 {}",
        info.evidence_bytes, info.sha256
    );
    println!("verifier key: {key}");
    println!(
        "(Whoever checks the bundle should compare this key with the one the installation \
         published, or run `amparo bundle verify {} --key {key}`.)",
        output.display()
    );
    Ok(())
}

/// The `--key` argument: a verifier key, or `@PATH` naming a file that holds one.
fn supplied_key(key: &str) -> anyhow::Result<String> {
    match key.strip_prefix('@') {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("could not read the verifier key from {path}"))?;
            let key = text.trim();
            anyhow::ensure!(!key.is_empty(), "{path} holds no verifier key: it is empty");
            Ok(key.to_owned())
        }
        None => Ok(key.trim().to_owned()),
    }
}

/// `amparo bundle verify FILE [--key VKEY]`: prints the report; exit 0 verified against the
/// key, 3 verified but no key given, 1 a check failed or the file cannot be read.
pub async fn verify(file: &Path, key: Option<&str>) -> anyhow::Result<ExitCode> {
    let key = key.map(supplied_key).transpose()?;
    let reader = std::fs::File::open(file)
        .and_then(|reader| {
            if reader.metadata()?.is_file() {
                Ok(reader)
            } else {
                Err(std::io::Error::other("it is not a file"))
            }
        })
        .with_context(|| {
            format!(
                "could not read the bundle {}, so it was not verified",
                file.display()
            )
        })?;
    // Hashing a large evidence file takes a while: off the async threads.
    let report = tokio::task::spawn_blocking(move || {
        amparo_bundle::verify_bundle(std::io::BufReader::new(reader), key.as_deref())
    })
    .await
    .context("the bundle check stopped")?;
    print!("{}", report.render());
    Ok(match report.outcome {
        Outcome::Verified => ExitCode::SUCCESS,
        Outcome::KeyNotChecked => ExitCode::from(3),
        Outcome::Failed => ExitCode::FAILURE,
    })
}

/// Reads `file`, or standard input for `-`.
fn read_input(file: &Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("could not read the proof from standard input")?;
    } else {
        bytes =
            std::fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
    }
    Ok(bytes)
}

/// `amparo proof verify FILE`: exit 0 valid, 1 invalid, 2 unreadable or not a proof.
pub fn verify_proof(file: &Path) -> ExitCode {
    let proof = match read_input(file).and_then(|bytes| Ok(ProofJson::parse(&bytes)?)) {
        Ok(proof) => proof,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::from(UNREADABLE_PROOF);
        }
    };
    let kind = match proof {
        ProofJson::Inclusion(_) => "inclusion",
        ProofJson::Consistency(_) => "consistency",
    };
    match proof.verify() {
        Ok(()) => {
            match &proof {
                ProofJson::Inclusion(proof) => println!(
                    "valid inclusion proof: the leaf with leaf hash {} is leaf {} of the tree of \
                     {} leaves whose root is {}",
                    proof.leaf_hash.to_base64(),
                    proof.leaf_idx,
                    proof.tree_size,
                    proof.root.to_base64()
                ),
                ProofJson::Consistency(proof) => println!(
                    "valid consistency proof: the tree of {} leaves with root {} is a prefix of \
                     the tree of {} leaves with root {}",
                    proof.size1,
                    proof.root1.to_base64(),
                    proof.size2,
                    proof.root2.to_base64()
                ),
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("INVALID {kind} proof: {error}");
            ExitCode::FAILURE
        }
    }
}
