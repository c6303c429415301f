//! RFC 6962 section 2.1 hashing: leaf and node hashes and the Merkle tree hash of any number of
//! leaves, computed iteratively with a compact range so that no tree size can blow the stack.

use std::fmt;

use sha2::{Digest, Sha256};

/// Size in bytes of every hash in the log (SHA-256).
pub const HASH_SIZE: usize = 32;

/// A SHA-256 hash: a leaf hash, an interior node hash or a tree root.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; HASH_SIZE]);

/// A byte string that should have been a hash had the wrong length.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a hash is {HASH_SIZE} bytes, got {length}")]
pub struct HashLengthError {
    /// The length that was given.
    pub length: usize,
}

impl Hash {
    /// Copies a 32-byte slice into a hash.
    pub fn from_slice(bytes: &[u8]) -> Result<Hash, HashLengthError> {
        let array: [u8; HASH_SIZE] = bytes.try_into().map_err(|_| HashLengthError {
            length: bytes.len(),
        })?;
        Ok(Hash(array))
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }

    /// The hash as standard padded base64, as used in checkpoints and proof JSON.
    pub fn to_base64(&self) -> String {
        crate::base64_strict::encode(&self.0)
    }

    /// Parses a hash from strict, canonical standard base64.
    pub fn from_base64(text: &str) -> Result<Hash, HashDecodeError> {
        let bytes = crate::base64_strict::decode(text).map_err(|_| HashDecodeError::Base64)?;
        Ok(Hash::from_slice(&bytes)?)
    }
}

/// Why a base64 hash could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashDecodeError {
    /// The text is not canonical standard base64.
    #[error("hash is not canonical standard base64")]
    Base64,
    /// The decoded bytes are not 32 bytes long.
    #[error(transparent)]
    Length(#[from] HashLengthError),
}

impl fmt::Display for Hash {
    /// Lowercase hexadecimal, 64 digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

/// The root of the empty tree: `MTH({}) = SHA-256()` (RFC 6962 section 2.1).
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// The leaf hash `SHA-256(0x00 || data)` (RFC 6962 section 2.1).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(data);
    Hash(hasher.finalize().into())
}

/// The interior node hash `SHA-256(0x01 || left || right)` (RFC 6962 section 2.1).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left.0);
    hasher.update(right.0);
    Hash(hasher.finalize().into())
}

/// The Merkle tree hash `MTH(D[n])` of the given leaf hashes (RFC 6962 section 2.1), computed
/// without recursion in O(n) time and O(log n) memory.
pub fn tree_hash(leaf_hashes: &[Hash]) -> Hash {
    let mut builder = RootBuilder::new();
    for leaf in leaf_hashes {
        builder.push(*leaf);
    }
    builder.root()
}

/// An append-only compact range `[0, size)`: the roots of the perfect subtrees that make up a
/// tree of `size` leaves, enough to compute the tree hash (RFC 6962 section 2.1) and to keep
/// appending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootBuilder {
    /// Perfect subtree roots, largest (leftmost) first; one per set bit of `size`.
    stack: Vec<Hash>,
    size: u64,
}

impl RootBuilder {
    /// An empty range.
    pub fn new() -> RootBuilder {
        RootBuilder::default()
    }

    /// The number of leaves appended so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one leaf hash, merging completed perfect subtrees.
    pub fn push(&mut self, leaf_hash: Hash) {
        let mut hash = leaf_hash;
        let mut size = self.size;
        while size & 1 == 1 {
            // The stack holds one entry per set bit of `size`, so this pop always succeeds.
            let Some(left) = self.stack.pop() else { break };
            hash = node_hash(&left, &hash);
            size >>= 1;
        }
        self.stack.push(hash);
        self.size += 1;
    }

    /// The Merkle tree hash of the leaves appended so far (RFC 6962 section 2.1).
    pub fn root(&self) -> Hash {
        let mut iter = self.stack.iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        iter.fold(*last, |right, left| node_hash(left, &right))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recursive definition of RFC 6962 section 2.1, for comparison.
    fn mth_recursive(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
                node_hash(&mth_recursive(&leaves[..k]), &mth_recursive(&leaves[k..]))
            }
        }
    }

    #[test]
    fn tree_hash_matches_recursive_definition() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for n in 0..=leaves.len() {
            assert_eq!(
                tree_hash(&leaves[..n]),
                mth_recursive(&leaves[..n]),
                "size {n}"
            );
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(
            empty_root().to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // From the go.sum vectors: RecordHash("hello world").
        assert_eq!(
            leaf_hash(b"hello world").to_base64(),
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="
        );
    }
}
