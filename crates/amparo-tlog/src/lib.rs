//! Amparo's evidence log primitives: RFC 6962 Merkle tree hashing, inclusion and consistency
//! proofs (RFC 9162 section 2.1), C2SP checkpoints, C2SP signed notes with Ed25519, and C2SP
//! tlog-tiles paths and contents.
//!
//! This crate is pure: it never touches disk, network or clock, and holds no random number
//! generator. Functions take bytes and return values; parsers return a specific error for every
//! malformed input and never panic.
//!
//! Specifications followed:
//! * RFC 6962 section 2.1 and RFC 9162 section 2.1 (Merkle tree, proofs);
//! * <https://c2sp.org/tlog-checkpoint>, <https://c2sp.org/signed-note>,
//!   <https://c2sp.org/tlog-tiles>.

#![warn(missing_docs)]

mod base64_strict;
pub mod checkpoint;
pub mod hash;
pub mod leaf;
pub mod note;
pub mod proof;
pub mod tiles;
pub mod tree;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use hash::{Hash, HashLengthError, RootBuilder, empty_root, leaf_hash, node_hash, tree_hash};
pub use leaf::{LEAF_V1_LEN, LeafError, LeafKind, LeafV1, Role, SALT_LEN, commit};
pub use note::{KeyError, Note, NoteError, NoteSignature, Signer, Verifier, VerifierSet, key_id};
pub use proof::{
    HashSource, ProofError, consistency_proof, inclusion_proof, root_from_inclusion_proof,
    verify_consistency, verify_inclusion,
};
pub use tiles::{Tile, TileError, TilePath, parse_tile_path, tiles_for_size};
pub use tree::{
    Appended, FullTile, Node, TILE_NODES, TiledSource, TreeError, TreeState, tile_levels,
};
