//! Formats that must last: the version 1 leaf committed as a file is read back, its commitments
//! reopened from their salts and values, and its Merkle leaf hash reproduced, by every future
//! version of Amparo.

use amparo_tlog::{LeafKind, LeafV1, Role, commit};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    time_micros: i64,
    salts_hex: std::collections::BTreeMap<String, String>,
    values_utf8: std::collections::BTreeMap<String, String>,
    merkle_leaf_hash_hex: String,
}

fn salt(expected: &Expected, role: &str) -> [u8; 32] {
    let text = &expected.salts_hex[role];
    let mut salt = [0u8; 32];
    for (index, byte) in salt.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[index * 2..index * 2 + 2], 16).unwrap();
    }
    salt
}

#[test]
fn the_v1_leaf_fixture_reads_back() {
    let bytes = include_bytes!("data/formats/leaf-v1-capture.bin");
    let expected: Expected =
        serde_json::from_str(include_str!("data/formats/leaf-v1-capture.json")).unwrap();
    let leaf = LeafV1::decode(bytes).unwrap();
    assert_eq!(leaf.kind, LeafKind::Capture);
    assert_eq!(leaf.time_micros, expected.time_micros);
    for (role, name, commitment) in [
        (Role::Actor, "actor", leaf.actor),
        (Role::Subject, "subject", leaf.subject),
        (Role::Content, "content", leaf.content),
    ] {
        let value = expected.values_utf8[name].as_bytes();
        assert_eq!(
            commit(role, &salt(&expected, name), value),
            commitment,
            "the {name} commitment opens with its salt and value"
        );
    }
    assert_eq!(
        leaf.merkle_hash().to_string(),
        expected.merkle_leaf_hash_hex
    );
    assert_eq!(&leaf.encode()[..], &bytes[..], "the encoding is canonical");
}
