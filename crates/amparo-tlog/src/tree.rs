//! The right edge and upper levels of a growing Merkle tree, as a log that keeps its leaves in a
//! database needs them: appending leaf hashes yields the full level-0 tiles and the new interior
//! nodes to store, and proofs at any size are generated from those stored pieces.
//!
//! The tree is split at tile height ([`TILE_HEIGHT`], <https://c2sp.org/tlog-tiles>): the hashes
//! of every perfect subtree of `2^8` leaves or more (a few per cent of the leaf count) are held
//! here, in memory, while the hashes below that live in level-0 tiles of 256 leaf hashes, which
//! the caller stores and hands back on request. A proof therefore needs at most a few tiles read
//! from storage, whatever the tree's size (RFC 9162 section 2.1.3.1 and 2.1.4.1 for the proofs).

use std::collections::{BTreeMap, BTreeSet};

use crate::hash::{Hash, node_hash, tree_hash};
use crate::proof::{HashSource, ProofError, consistency_proof, inclusion_proof};
use crate::tiles::{TILE_HEIGHT, TILE_WIDTH};

const WIDTH: u64 = TILE_WIDTH as u64;

/// Why stored pieces of a tree do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The right-edge leaf hashes are not `size mod 256` in number.
    #[error("tree of size {size} needs {expected} right-edge leaf hashes, {actual} were given")]
    EdgeLength {
        /// The tree size.
        size: u64,
        /// The number the size calls for.
        expected: u64,
        /// The number given.
        actual: usize,
    },
    /// An interior node is missing, repeated or beyond the tree.
    #[error("tree of size {size} has {actual} stored nodes at level {level}, expected {expected}")]
    NodeCount {
        /// The tree size.
        size: u64,
        /// The level counted.
        level: u32,
        /// The number the size calls for.
        expected: u64,
        /// The number found.
        actual: u64,
    },
    /// A level below tile height was given as an interior node.
    #[error("node level {0} is below tile height")]
    LowLevel(u32),
    /// A stored interior node differs from the hash of its two children.
    #[error("stored node at level {level} index {index} is not the hash of its children")]
    NodeMismatch {
        /// The node's level.
        level: u32,
        /// The node's index within its level.
        index: u64,
    },
}

/// The number of hashes in every level of a full tile's subtree: 256 leaf hashes, then 128
/// nodes, and so on up to the tile's root.
pub const TILE_NODES: usize = 2 * WIDTH as usize - 1;

/// Where level `level` (0 to 8) of a full tile's subtree starts in its [`TILE_NODES`] hashes.
fn level_offset(level: u32) -> usize {
    2 * WIDTH as usize - ((2 * WIDTH as usize) >> level)
}

/// Every level of the subtree of a full tile's 256 leaf hashes, leaves first and the tile's
/// root last: what the store keeps, so that proofs need no hashing below tile height.
/// Returns `None` unless exactly 256 leaf hashes are given.
pub fn tile_levels(leaf_hashes: &[Hash]) -> Option<Vec<Hash>> {
    if leaf_hashes.len() != WIDTH as usize {
        return None;
    }
    let mut nodes = Vec::with_capacity(TILE_NODES);
    nodes.extend_from_slice(leaf_hashes);
    let mut start = 0;
    let mut width = leaf_hashes.len();
    while width > 1 {
        for pair in 0..width / 2 {
            let hash = node_hash(&nodes[start + 2 * pair], &nodes[start + 2 * pair + 1]);
            nodes.push(hash);
        }
        start += width;
        width /= 2;
    }
    Some(nodes)
}

/// A level-0 tile that became full: its index and every level of its subtree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullTile {
    /// The tile's index: it holds leaves `[256 * index, 256 * index + 256)`.
    pub index: u64,
    /// The [`TILE_NODES`] hashes of [`tile_levels`]: the 256 leaf hashes first.
    pub nodes: Vec<Hash>,
}

impl FullTile {
    /// The 256 leaf hashes (the tile's contents in C2SP tlog-tiles).
    pub fn leaf_hashes(&self) -> &[Hash] {
        &self.nodes[..WIDTH as usize]
    }
}

/// A new interior node at tile height or above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    /// The level: the node is the root of `2^level` leaves.
    pub level: u32,
    /// The index within the level.
    pub index: u64,
    /// The Merkle tree hash of its leaves.
    pub hash: Hash,
}

/// What an append produced, to be stored with the leaves in the same transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Appended {
    /// Level-0 tiles completed by the append.
    pub tiles: Vec<FullTile>,
    /// Interior nodes completed by the append, lower levels first within each tile.
    pub nodes: Vec<Node>,
}

/// The part of a tree kept in memory: its size, the leaf hashes of its incomplete last tile, and
/// the hash of every perfect subtree at tile height or above.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeState {
    size: u64,
    /// The levels of the incomplete last tile's perfect subtrees, leaf hashes first: level `l`
    /// holds the hash of every complete run of `2^l` edge leaves, kept as leaves arrive.
    edge: Vec<Vec<Hash>>,
    /// `upper[k]` holds the subtrees of level `TILE_HEIGHT + k`, in index order.
    upper: Vec<Vec<Hash>>,
}

impl TreeState {
    /// The empty tree.
    pub fn new() -> TreeState {
        TreeState::default()
    }

    /// Rebuilds the state from stored pieces: the tree size, the leaf hashes of the incomplete
    /// last tile, and every stored interior node. Each node is checked against its children,
    /// so a damaged node table is refused rather than trusted.
    pub fn from_parts(
        size: u64,
        edge: Vec<Hash>,
        nodes: impl IntoIterator<Item = Node>,
    ) -> Result<TreeState, TreeError> {
        let expected_edge = size % WIDTH;
        if edge.len() as u64 != expected_edge {
            return Err(TreeError::EdgeLength {
                size,
                expected: expected_edge,
                actual: edge.len(),
            });
        }
        let mut by_level: BTreeMap<u32, BTreeMap<u64, Hash>> = BTreeMap::new();
        for node in nodes {
            if node.level < TILE_HEIGHT {
                return Err(TreeError::LowLevel(node.level));
            }
            by_level
                .entry(node.level)
                .or_default()
                .insert(node.index, node.hash);
        }
        let mut upper = Vec::new();
        for level in TILE_HEIGHT..64 {
            let expected = size >> level;
            let found = by_level.remove(&level).unwrap_or_default();
            let contiguous = found.keys().copied().eq(0..found.len() as u64);
            if found.len() as u64 != expected || !contiguous {
                return Err(TreeError::NodeCount {
                    size,
                    level,
                    expected,
                    actual: found.len() as u64,
                });
            }
            if expected == 0 {
                break;
            }
            upper.push(found.into_values().collect::<Vec<_>>());
        }
        if let Some((&level, found)) = by_level.iter().next() {
            return Err(TreeError::NodeCount {
                size,
                level,
                expected: 0,
                actual: found.len() as u64,
            });
        }
        for k in 1..upper.len() {
            for (index, hash) in upper[k].iter().enumerate() {
                let left = &upper[k - 1][2 * index];
                let right = &upper[k - 1][2 * index + 1];
                if node_hash(left, right) != *hash {
                    return Err(TreeError::NodeMismatch {
                        level: TILE_HEIGHT + k as u32,
                        index: index as u64,
                    });
                }
            }
        }
        let mut state = TreeState {
            size: size - edge.len() as u64,
            edge: Vec::new(),
            upper,
        };
        for hash in edge {
            state.push_edge(hash);
        }
        Ok(state)
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The leaf hashes of the incomplete last tile.
    pub fn edge(&self) -> &[Hash] {
        self.edge.first().map_or(&[], Vec::as_slice)
    }

    /// Adds a leaf hash to the incomplete last tile, completing the subtrees it closes; returns
    /// every level of the tile when it became full.
    fn push_edge(&mut self, hash: Hash) -> Option<Vec<Hash>> {
        self.size += 1;
        let mut level = 0;
        let mut hash = hash;
        loop {
            if self.edge.len() == level {
                self.edge.push(Vec::with_capacity(WIDTH as usize >> level));
            }
            self.edge[level].push(hash);
            let count = self.edge[level].len();
            if count % 2 == 1 || level == TILE_HEIGHT as usize {
                break;
            }
            hash = node_hash(&self.edge[level][count - 2], &self.edge[level][count - 1]);
            level += 1;
        }
        if self.edge[0].len() as u64 == WIDTH {
            let levels = std::mem::take(&mut self.edge);
            return Some(levels.into_iter().flatten().collect());
        }
        None
    }

    /// The hash of the perfect subtree at `level` (tile height or above) and `index`, if the
    /// tree holds it.
    pub fn node(&self, level: u32, index: u64) -> Option<Hash> {
        let k = level.checked_sub(TILE_HEIGHT)? as usize;
        let index = usize::try_from(index).ok()?;
        self.upper.get(k)?.get(index).copied()
    }

    /// Appends leaf hashes, returning the tiles and nodes they completed.
    pub fn append(&mut self, leaf_hashes: &[Hash]) -> Appended {
        let mut appended = Appended::default();
        for hash in leaf_hashes {
            if let Some(nodes) = self.push_edge(*hash) {
                let tile_index = (self.size - 1) / WIDTH;
                let mut hash = nodes.last().copied().unwrap_or_default();
                appended.tiles.push(FullTile {
                    index: tile_index,
                    nodes,
                });
                let mut index = tile_index;
                let mut k = 0usize;
                loop {
                    if self.upper.len() == k {
                        self.upper.push(Vec::new());
                    }
                    self.upper[k].push(hash);
                    appended.nodes.push(Node {
                        level: TILE_HEIGHT + k as u32,
                        index,
                        hash,
                    });
                    if index.is_multiple_of(2) {
                        break;
                    }
                    hash = node_hash(&self.upper[k][index as usize - 1], &hash);
                    index /= 2;
                    k += 1;
                }
            }
        }
        appended
    }

    /// The root hash of the whole tree (RFC 6962 section 2.1).
    pub fn root(&self) -> Hash {
        let mut parts = Vec::new();
        for level in (TILE_HEIGHT..64).rev() {
            if self.size & (1 << level) != 0 {
                let index = (self.size >> level) - 1;
                if let Some(hash) = self.node(level, index) {
                    parts.push(hash);
                }
            }
        }
        if !self.edge().is_empty() {
            parts.push(tree_hash(self.edge()));
        }
        let mut iter = parts.iter().rev();
        let Some(last) = iter.next() else {
            return crate::hash::empty_root();
        };
        iter.fold(*last, |right, left| node_hash(left, &right))
    }

    /// A proof source for a tree of `size` leaves (at most this tree's size) that reads the
    /// hashes below tile height from the level-0 tiles given to it.
    pub fn source(&self, size: u64) -> TiledSource<'_> {
        TiledSource {
            state: self,
            size: size.min(self.size),
            tiles: BTreeMap::new(),
            missing: std::cell::RefCell::new(BTreeSet::new()),
        }
    }
}

/// A [`HashSource`] over a [`TreeState`] and the level-0 tiles a proof needs.
///
/// Proof generation is tried, and when it asked for a tile that was not given, the attempt is
/// void: [`TiledSource::missing_tiles`] names the tiles to fetch, and the caller adds them with
/// [`TiledSource::add_tile`] and tries again. An inclusion or consistency proof needs at most
/// four tiles.
#[derive(Debug)]
pub struct TiledSource<'a> {
    state: &'a TreeState,
    size: u64,
    tiles: BTreeMap<u64, Vec<Hash>>,
    missing: std::cell::RefCell<BTreeSet<u64>>,
}

impl TiledSource<'_> {
    /// Adds the level-0 tile `index`: either its leaf hashes (full, or as many as the tree
    /// has), or the [`TILE_NODES`] hashes of every level of a full tile ([`tile_levels`]), with
    /// which no hashing is needed.
    pub fn add_tile(&mut self, index: u64, hashes: Vec<Hash>) {
        self.missing.borrow_mut().remove(&index);
        self.tiles.insert(index, hashes);
    }

    /// The level-0 tiles asked for but not given since the last call.
    pub fn missing_tiles(&self) -> Vec<u64> {
        std::mem::take(&mut *self.missing.borrow_mut())
            .into_iter()
            .collect()
    }

    /// The hash of the subtree at `level` (below tile height) and `index` when it lies in the
    /// tree's incomplete last tile, which the state holds itself, level by level.
    fn edge_subtree(&self, level: u32, index: u64) -> Option<Hash> {
        let tile = (index << level) / WIDTH;
        if tile != self.state.size / WIDTH {
            return None;
        }
        let position = usize::try_from(index - ((tile * WIDTH) >> level)).ok()?;
        self.state.edge.get(level as usize)?.get(position).copied()
    }

    /// The inclusion proof of leaf `index` in the tree of this source's size, or the tiles to
    /// fetch first.
    pub fn inclusion(&self, index: u64) -> Result<Result<Vec<Hash>, ProofError>, Vec<u64>> {
        let proof = inclusion_proof(self, index, self.size);
        self.settle(proof)
    }

    /// The consistency proof from `old_size` to this source's size, or the tiles to fetch first.
    pub fn consistency(&self, old_size: u64) -> Result<Result<Vec<Hash>, ProofError>, Vec<u64>> {
        let proof = consistency_proof(self, old_size, self.size);
        self.settle(proof)
    }

    /// The root of the tree of this source's size, or the tiles to fetch first.
    pub fn root(&self) -> Result<Hash, Vec<u64>> {
        let root = crate::proof::range_root(self, self.size);
        let missing = self.missing_tiles();
        if missing.is_empty() {
            Ok(root)
        } else {
            Err(missing)
        }
    }

    fn settle<T>(&self, result: T) -> Result<T, Vec<u64>> {
        let missing = self.missing_tiles();
        if missing.is_empty() {
            Ok(result)
        } else {
            Err(missing)
        }
    }
}

impl HashSource for TiledSource<'_> {
    fn leaf_count(&self) -> u64 {
        self.size
    }

    fn subtree_root(&self, level: u32, index: u64) -> Hash {
        if level >= TILE_HEIGHT {
            return self.state.node(level, index).unwrap_or_default();
        }
        let first = index << level;
        let tile = first / WIDTH;
        let Some(hashes) = self.tiles.get(&tile) else {
            if let Some(hash) = self.edge_subtree(level, index) {
                return hash;
            }
            self.missing.borrow_mut().insert(tile);
            return Hash::default();
        };
        if hashes.len() == TILE_NODES {
            let position = level_offset(level) + ((first % WIDTH) >> level) as usize;
            return hashes[position];
        }
        let start = (first % WIDTH) as usize;
        let end = start + (1usize << level);
        match hashes.get(start..end) {
            Some(slice) => tree_hash(slice),
            None => {
                self.missing.borrow_mut().insert(tile);
                Hash::default()
            }
        }
    }
}
