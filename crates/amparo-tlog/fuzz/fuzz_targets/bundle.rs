//! Fuzz target: the evidence bundle verifier and the proof JSON parser must never panic. Every
//! report has its eight steps and renders; a parsed proof serializes back to the same proof.
//! Seed the corpus with amparo-bundle's tests/data/bundle-v1.zip to start from a valid bundle.
#![no_main]

use std::io::Cursor;

use amparo_bundle::{Outcome, ProofJson, verify_bundle};
use libfuzzer_sys::fuzz_target;

/// The verifier key of tests/data/bundle-v1.zip.
const KEY: &str = "example.org/amparo/evidence+81d2392e+ASFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS";

fuzz_target!(|data: &[u8]| {
    for key in [Some(KEY), None] {
        let report = verify_bundle(Cursor::new(data), key);
        assert_eq!(report.steps.len(), 8);
        assert!(!report.render().is_empty());
        if key.is_none() {
            assert_ne!(report.outcome, Outcome::Verified);
        }
    }
    if let Ok(proof) = ProofJson::parse(data) {
        let _ = proof.verify();
        assert_eq!(ProofJson::parse(proof.to_json().as_bytes()), Ok(proof));
    }
});
