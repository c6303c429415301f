//! `amparo log export-tiles` read back as a log client reads a static tlog-tiles log: the
//! checkpoint opened with the verifier key, every tile and entry bundle of its tree, the tiles
//! consistent with the entries and with each other, the root and inclusion proofs recomputed
//! from the tiles alone.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use amparo_app::Actor;
use amparo_app::installation::{self, InitOptions};
use amparo_model::records::Case;
use amparo_model::{Record, RecordBody};
use amparo_tlog::tiles::{parse_entry_bundle, parse_tile_data};
use amparo_tlog::{
    Checkpoint, Hash, HashSource, LeafV1, Note, Verifier, VerifierSet, inclusion_proof, leaf_hash,
    node_hash, tiles_for_size, tree_hash, verify_inclusion,
};
use uuid::Uuid;

mod common;

/// Record versions created: more than 65,536 (256 full level-0 tiles), so that the tree has a
/// full level-1 tile and a level-2 tile.
const RECORDS: u64 = 70_000;

/// The tiles of a tree, by (tile level, tile index): what a client fetched.
struct Tiles {
    size: u64,
    hashes: HashMap<(u8, u64), Vec<Hash>>,
}

impl HashSource for Tiles {
    fn leaf_count(&self) -> u64 {
        self.size
    }

    /// A perfect subtree's hash from the one tile that holds it: a hash of the tile at level
    /// `level / 8`, or the tree hash of `2^(level % 8)` neighbouring hashes of it.
    fn subtree_root(&self, level: u32, index: u64) -> Hash {
        let tile_level = (level / 8) as u8;
        let width = 1u64 << (level % 8);
        let first = index * width;
        let tile = &self.hashes[&(tile_level, first / 256)];
        let start = (first % 256) as usize;
        tree_hash(&tile[start..start + width as usize])
    }
}

impl Tiles {
    /// The root of the whole tree, from the perfect subtrees that make it up (RFC 6962 2.1).
    fn root(&self) -> Hash {
        let mut parts = Vec::new();
        let mut position = 0u64;
        for level in (0..u64::BITS).rev() {
            if self.size & (1 << level) != 0 {
                parts.push(self.subtree_root(level, position >> level));
                position += 1 << level;
            }
        }
        let mut parts = parts.into_iter().rev();
        let last = parts.next().expect("a non-empty tree");
        parts.fold(last, |right, left| node_hash(&left, &right))
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn exported_tiles_read_back_as_a_log_client_reads_them() {
    let started = Instant::now();
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let key = runtime.block_on(async {
        let (app, _) = installation::init(&data, InitOptions::default())
            .await
            .expect("init");
        let batch: Vec<(Uuid, Record)> = (0..RECORDS)
            .map(|number| {
                let case = Case {
                    title: format!("case {number}"),
                    ..Case::default()
                };
                (Uuid::now_v7(), case.into_record())
            })
            .collect();
        let written = app
            .create_records_batch(&Actor::cli("tiles-test"), batch)
            .await
            .expect("the batch is written");
        assert_eq!(written, RECORDS);
        app.log_verifier_key().expect("the verifier key")
    });
    drop(runtime);
    let created = started.elapsed();

    let out = temp.path().join("tiles");
    let output = common::amparo_ok(&data, &["log", "export-tiles", out.to_str().unwrap()]);
    let stdout = String::from_utf8(output.stdout).unwrap();

    // The checkpoint, opened with the key the installation publishes.
    let verifiers = VerifierSet::new([Verifier::parse(&key).expect("a verifier key")]);
    let note = Note::open(&read(&out.join("checkpoint")), &verifiers).expect("a signed checkpoint");
    let checkpoint = Checkpoint::parse(note.text()).expect("a checkpoint");
    let size = checkpoint.size();
    assert!(size > RECORDS, "{size} leaves for {RECORDS} records");
    assert!(
        stdout.contains(&format!("exported the tree of {size} leaves")),
        "{stdout}"
    );

    // Every tile of that size; level 0 tiles hash the entries of their bundles.
    let mut tiles = Tiles {
        size,
        hashes: HashMap::new(),
    };
    let mut entries: Vec<Vec<u8>> = Vec::new();
    for tile in tiles_for_size(size) {
        let hashes = parse_tile_data(&read(&out.join(tile.path())), tile.width)
            .unwrap_or_else(|error| panic!("{}: {error}", tile.path()));
        if tile.level == 0 {
            let bundle = read(&out.join(tile.entries_path()));
            let bundle = parse_entry_bundle(&bundle).expect("an entry bundle");
            assert_eq!(
                bundle.len(),
                usize::from(tile.width),
                "{}",
                tile.entries_path()
            );
            for (position, entry) in bundle.iter().enumerate() {
                LeafV1::decode(entry).expect("a v1 leaf");
                assert_eq!(
                    leaf_hash(entry),
                    hashes[position],
                    "{} #{position}",
                    tile.path()
                );
            }
            entries.extend(bundle.iter().map(|entry| entry.to_vec()));
        }
        tiles.hashes.insert((tile.level, tile.index), hashes);
    }
    assert_eq!(entries.len() as u64, size);
    let levels = tiles.hashes.keys().map(|(level, _)| *level).max().unwrap();
    assert!(levels >= 2, "only {levels} tile levels above the leaves");
    assert!(
        tiles
            .hashes
            .get(&(1, 0))
            .is_some_and(|tile| tile.len() == 256),
        "no full level 1 tile"
    );

    // Each hash of a higher tile is the tree hash of the full tile below it.
    for (&(level, index), hashes) in &tiles.hashes {
        if level == 0 {
            continue;
        }
        for (position, hash) in hashes.iter().enumerate() {
            let below = &tiles.hashes[&(level - 1, index * 256 + position as u64)];
            assert_eq!(below.len(), 256, "tile {}/{} is partial", level - 1, index);
            assert_eq!(tree_hash(below), *hash, "tile {level}/{index} #{position}");
        }
    }

    // The tiles give the checkpoint's root, and inclusion proofs built from them alone verify
    // against it and equal the installation's own.
    assert_eq!(tiles.root(), *checkpoint.root());
    for index in [0, 1, 255, 256, 65_535, 65_536, size / 2, size - 2, size - 1] {
        let proof = inclusion_proof(&tiles, index, size).expect("a proof from the tiles");
        let hash = leaf_hash(&entries[index as usize]);
        verify_inclusion(index, size, &hash, &proof, checkpoint.root())
            .unwrap_or_else(|error| panic!("leaf {index}: {error}"));
        let printed = common::amparo_ok(
            &data,
            &[
                "log",
                "proof",
                "--index",
                &index.to_string(),
                "--size",
                &size.to_string(),
            ],
        );
        let printed: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
        let expected: Vec<String> = proof.iter().map(Hash::to_base64).collect();
        assert_eq!(
            printed["proof"],
            serde_json::json!(expected),
            "leaf {index}"
        );
    }
    eprintln!(
        "tiles test: {size} leaves created in {:.1} s, checked in {:.1} s in all",
        created.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
