//! Fuzz target: the C2SP signed-note parser and key-string parsers must never panic; an accepted
//! note must format back to exactly the same bytes, and verifying it must not panic either.
#![no_main]

use amparo_tlog::{Note, Signer, Verifier, VerifierSet};
use libfuzzer_sys::fuzz_target;

const PETER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

fuzz_target!(|data: &[u8]| {
    if let Ok(note) = Note::parse(data) {
        assert_eq!(note.to_string().as_bytes(), data);
        let verifiers = VerifierSet::new(Verifier::parse(PETER).ok());
        let _ = note.verify(&verifiers);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(verifier) = Verifier::parse(text) {
            assert_eq!(verifier.to_string(), text);
        }
        if let Ok(signer) = Signer::parse(text) {
            assert_eq!(signer.to_private_key_string(), text);
        }
    }
});
