//! The stored-tree state: appending in any batches gives the same roots, nodes and proofs as the
//! plain tree over all leaves, and a state rebuilt from its stored pieces is the same state.

use std::collections::BTreeMap;

use amparo_tlog::{
    Hash, Node, TILE_NODES, TreeError, TreeState, consistency_proof, inclusion_proof, leaf_hash,
    tile_levels, tree_hash,
};
use proptest::prelude::*;

fn leaves(size: u64) -> Vec<Hash> {
    (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

/// Builds a state in the given batch sizes and keeps what a database would: tiles and nodes.
fn build(all: &[Hash], batches: &[usize]) -> (TreeState, BTreeMap<u64, Vec<Hash>>, Vec<Node>) {
    let mut state = TreeState::new();
    let mut tiles = BTreeMap::new();
    let mut nodes = Vec::new();
    let mut start = 0;
    let mut batch = batches.iter().cycle();
    while start < all.len() {
        let end = (start + batch.next().copied().unwrap_or(1).max(1)).min(all.len());
        let appended = state.append(&all[start..end]);
        for tile in appended.tiles {
            assert!(
                tiles
                    .insert(tile.index, tile.leaf_hashes().to_vec())
                    .is_none(),
                "tile written twice"
            );
        }
        nodes.extend(appended.nodes);
        start = end;
    }
    (state, tiles, nodes)
}

/// Generates a proof through the tile-fetching loop, as the store does.
fn prove(
    state: &TreeState,
    tiles: &BTreeMap<u64, Vec<Hash>>,
    size: u64,
    generate: impl Fn(&amparo_tlog::TiledSource<'_>) -> Result<Vec<Hash>, Vec<u64>>,
) -> (Vec<Hash>, usize) {
    let mut source = state.source(size);
    let mut fetched = 0;
    for _ in 0..8 {
        match generate(&source) {
            Ok(proof) => return (proof, fetched),
            Err(missing) => {
                for tile in missing {
                    fetched += 1;
                    // Full tiles as the store keeps them (every level), partial ones as leaves.
                    let hashes = tile_levels(&tiles[&tile]).unwrap_or_else(|| tiles[&tile].clone());
                    source.add_tile(tile, hashes);
                }
            }
        }
    }
    panic!("proof generation kept asking for tiles");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn batched_appends_match_the_plain_tree(
        size in 0u64..2_200,
        batches in prop::collection::vec(1usize..700, 1..6),
        probes in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 6),
    ) {
        let all = leaves(size);
        let (state, tiles, nodes) = build(&all, &batches);
        prop_assert_eq!(state.size(), size);
        prop_assert_eq!(state.root(), tree_hash(&all));
        prop_assert_eq!(tiles.len() as u64, size / 256);
        prop_assert_eq!(state.edge(), &all[(size / 256 * 256) as usize..]);

        let rebuilt = TreeState::from_parts(size, state.edge().to_vec(), nodes.clone()).unwrap();
        prop_assert_eq!(&rebuilt, &state);

        for (a, b) in probes {
            if size == 0 {
                break;
            }
            let tree_size = b.index(size as usize) as u64 + 1;
            let index = a.index(tree_size as usize) as u64;
            let (proof, fetched) = prove(&state, &tiles, tree_size, |source| {
                source.inclusion(index).map(|proof| proof.unwrap())
            });
            prop_assert!(fetched <= 4);
            prop_assert_eq!(proof, inclusion_proof(&all, index, tree_size).unwrap());

            let old = index + 1;
            let (proof, fetched) = prove(&state, &tiles, tree_size, |source| {
                source.consistency(old).map(|proof| proof.unwrap())
            });
            prop_assert!(fetched <= 4);
            prop_assert_eq!(proof, consistency_proof(&all, old, tree_size).unwrap());

            let mut source = state.source(tree_size);
            let root = loop {
                match source.root() {
                    Ok(root) => break root,
                    Err(missing) => {
                        for tile in missing {
                            source.add_tile(tile, tiles[&tile].clone());
                        }
                    }
                }
            };
            prop_assert_eq!(root, tree_hash(&all[..tree_size as usize]));
        }
    }
}

#[test]
fn damaged_stored_pieces_are_refused() {
    let all = leaves(1_100);
    let (state, _tiles, nodes) = build(&all, &[1_000]);
    let edge = state.edge().to_vec();

    let short_edge = edge[1..].to_vec();
    assert!(matches!(
        TreeState::from_parts(1_100, short_edge, nodes.clone()),
        Err(TreeError::EdgeLength { .. })
    ));

    let missing_node: Vec<Node> = nodes.iter().copied().skip(1).collect();
    assert!(matches!(
        TreeState::from_parts(1_100, edge.clone(), missing_node),
        Err(TreeError::NodeCount { .. })
    ));

    let mut changed = nodes.clone();
    let last = changed.iter().rposition(|node| node.level == 9).unwrap();
    changed[last].hash.0[0] ^= 1;
    assert!(matches!(
        TreeState::from_parts(1_100, edge.clone(), changed),
        Err(TreeError::NodeMismatch { level: 10, .. }) | Err(TreeError::NodeMismatch { .. })
    ));

    let mut low = nodes.clone();
    low.push(Node {
        level: 3,
        index: 0,
        hash: Hash::default(),
    });
    assert!(matches!(
        TreeState::from_parts(1_100, edge, low),
        Err(TreeError::LowLevel(3))
    ));
}

#[test]
fn tile_levels_hold_every_subtree_of_a_tile() {
    let all = leaves(256);
    let levels = tile_levels(&all).unwrap();
    assert_eq!(levels.len(), TILE_NODES);
    assert_eq!(&levels[..256], all.as_slice());
    let mut offset = 0;
    for level in 0..=8u32 {
        let width = 256usize >> level;
        for index in 0..width {
            let span = 1usize << level;
            assert_eq!(
                levels[offset + index],
                tree_hash(&all[index * span..(index + 1) * span]),
                "level {level} index {index}"
            );
        }
        offset += width;
    }
    assert_eq!(tile_levels(&all[..255]), None);
}
