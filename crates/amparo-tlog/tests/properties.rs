//! Property tests: generated proofs verify and any single-bit change breaks them; checkpoints and
//! notes survive format→parse round trips; parsers never panic on arbitrary input.

use amparo_tlog::tiles::{parse_entry_bundle, parse_tile_data};
use amparo_tlog::{
    Checkpoint, Hash, Note, Signer, Verifier, VerifierSet, consistency_proof, inclusion_proof,
    leaf_hash, parse_tile_path, tree_hash, verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

fn leaves(size: u64) -> Vec<Hash> {
    (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

fn flip(hash: &Hash, bit: usize) -> Hash {
    let mut flipped = *hash;
    flipped.0[bit / 8 % 32] ^= 1 << (bit % 8);
    flipped
}

/// A tree size, a leaf index in it and an older size, sampled together.
fn size_index_old() -> impl Strategy<Value = (u64, u64, u64)> {
    (1u64..=300).prop_flat_map(|size| (Just(size), 0..size, 1..=size))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn inclusion_proofs_verify_and_bit_flips_break_them(
        (size, index, _old) in size_index_old(),
        target in 0usize..3,
        element in any::<prop::sample::Index>(),
        bit in 0usize..256,
    ) {
        let leaves = leaves(size);
        let root = tree_hash(&leaves);
        let leaf = leaves[index as usize];
        let proof = inclusion_proof(&leaves, index, size).unwrap();
        prop_assert_eq!(verify_inclusion(index, size, &leaf, &proof, &root), Ok(()));
        match target {
            0 if !proof.is_empty() => {
                let mut bad = proof.clone();
                let at = element.index(bad.len());
                bad[at] = flip(&bad[at], bit);
                prop_assert!(verify_inclusion(index, size, &leaf, &bad, &root).is_err());
            }
            1 => prop_assert!(verify_inclusion(index, size, &leaf, &proof, &flip(&root, bit)).is_err()),
            _ => prop_assert!(verify_inclusion(index, size, &flip(&leaf, bit), &proof, &root).is_err()),
        }
        // The wrong index or size never verifies either.
        if size > 1 {
            let other = (index + 1) % size;
            prop_assert!(verify_inclusion(other, size, &leaf, &proof, &root).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify_and_bit_flips_break_them(
        (size, _index, old) in size_index_old(),
        target in 0usize..3,
        element in any::<prop::sample::Index>(),
        bit in 0usize..256,
    ) {
        let leaves = leaves(size);
        let new_root = tree_hash(&leaves);
        let old_root = tree_hash(&leaves[..old as usize]);
        let proof = consistency_proof(&leaves, old, size).unwrap();
        prop_assert_eq!(verify_consistency(old, size, &old_root, &new_root, &proof), Ok(()));
        match target {
            0 if !proof.is_empty() => {
                let mut bad = proof.clone();
                let at = element.index(bad.len());
                bad[at] = flip(&bad[at], bit);
                prop_assert!(verify_consistency(old, size, &old_root, &new_root, &bad).is_err());
            }
            1 => prop_assert!(verify_consistency(old, size, &flip(&old_root, bit), &new_root, &proof).is_err()),
            _ => prop_assert!(verify_consistency(old, size, &old_root, &flip(&new_root, bit), &proof).is_err()),
        }
    }

    #[test]
    fn checkpoints_round_trip(
        origin in "[^\\x00-\\x1f]{1,40}",
        size in any::<u64>(),
        root in any::<[u8; 32]>(),
        extensions in prop::collection::vec("[^\\x00-\\x1f]{1,20}", 0..4),
    ) {
        let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
        let checkpoint = Checkpoint::new(&origin, size, Hash(root), &extensions).unwrap();
        let text = checkpoint.to_string();
        prop_assert_eq!(Checkpoint::parse(&text), Ok(checkpoint));
    }

    #[test]
    fn notes_round_trip_and_verify(
        lines in prop::collection::vec("[^\\x00-\\x1f]{0,30}", 1..5),
        names in prop::collection::vec("[a-z0-9./]{1,12}", 1..4),
        seed in any::<[u8; 32]>(),
    ) {
        let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
        let signers: Vec<Signer> = names
            .iter()
            .enumerate()
            .map(|(position, name)| {
                let mut seed = seed;
                seed[0] ^= position as u8;
                Signer::from_seed(name, &seed).unwrap()
            })
            .collect();
        let signer_refs: Vec<&Signer> = signers.iter().collect();
        let note = Note::sign(&text, &signer_refs).unwrap();
        let written = note.to_string();
        let parsed = Note::parse(written.as_bytes()).unwrap();
        prop_assert_eq!(&parsed, &note);
        let verifiers = VerifierSet::new(signers.iter().map(Signer::verifier));
        prop_assert_eq!(parsed.verify(&verifiers).map(|found| found.len()).ok(), {
            let mut distinct: Vec<(&str, u32)> = signers.iter().map(|s| (s.name(), s.key_id())).collect();
            distinct.sort_unstable();
            distinct.dedup();
            Some(distinct.len())
        });
        for signer in &signers {
            let vkey = signer.verifier().to_string();
            prop_assert_eq!(Verifier::parse(&vkey).map(|v| v.to_string()), Ok(vkey));
            let skey = signer.to_private_key_string();
            prop_assert_eq!(Signer::parse(&skey).map(|s| s.to_private_key_string()), Ok(skey));
        }
    }

    #[test]
    fn parsers_never_panic_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Note::parse(&bytes);
        let _ = Checkpoint::parse(&text);
        let _ = Verifier::parse(&text);
        let _ = Signer::parse(&text);
        let _ = parse_tile_path(&text);
        let _ = parse_entry_bundle(&bytes);
        let _ = parse_tile_data(&bytes, bytes.first().copied().unwrap_or(0).into());
    }

    #[test]
    fn parsers_never_panic_on_near_miss_text(
        text in "(\u{2014} |tile/|x00|PRIVATE\\+KEY\\+|[a-z0-9+/=.]|\n){0,60}",
    ) {
        let _ = Note::parse(text.as_bytes());
        let _ = Checkpoint::parse(&text);
        let _ = Verifier::parse(&text);
        let _ = Signer::parse(&text);
        let _ = parse_tile_path(&text);
    }
}

/// Every single bit of one inclusion proof, its leaf and its root, flipped in turn.
#[test]
fn every_bit_flip_of_one_inclusion_proof_fails() {
    let leaves = leaves(13);
    let root = tree_hash(&leaves);
    let proof = inclusion_proof(&leaves, 5, 13).unwrap();
    for bit in 0..256 {
        for at in 0..proof.len() {
            let mut bad = proof.clone();
            bad[at] = flip(&bad[at], bit);
            assert!(verify_inclusion(5, 13, &leaves[5], &bad, &root).is_err());
        }
        assert!(verify_inclusion(5, 13, &flip(&leaves[5], bit), &proof, &root).is_err());
        assert!(verify_inclusion(5, 13, &leaves[5], &proof, &flip(&root, bit)).is_err());
    }
}
