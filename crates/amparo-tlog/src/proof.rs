//! Inclusion and consistency proofs: generation (RFC 9162 sections 2.1.3.1 and 2.1.4.1) and
//! verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2), all iterative.
//!
//! Generation reads hashes of perfect, aligned subtrees from a [`HashSource`]: a slice of leaf
//! hashes is one, and a store holding tiles or interior nodes can be another, so proofs over
//! large trees need only O(log n) lookups.

use crate::hash::{Hash, node_hash, tree_hash};

/// Where proof generation finds the hashes it needs.
pub trait HashSource {
    /// The number of leaves the source holds.
    fn leaf_count(&self) -> u64;

    /// The Merkle tree hash of the perfect subtree at `level` and `index`, that is of the leaves
    /// `[index << level, (index + 1) << level)`. Proof generation only asks for subtrees that lie
    /// entirely within `leaf_count()` leaves.
    fn subtree_root(&self, level: u32, index: u64) -> Hash;
}

impl HashSource for [Hash] {
    fn leaf_count(&self) -> u64 {
        self.len() as u64
    }

    fn subtree_root(&self, level: u32, index: u64) -> Hash {
        // Computed in u128 and clamped so that out-of-range requests never panic.
        let width = 1u128 << level.min(64);
        let clamp = |value: u128| usize::try_from(value).unwrap_or(usize::MAX).min(self.len());
        let start = clamp(u128::from(index) * width);
        let end = clamp((u128::from(index) + 1) * width);
        tree_hash(&self[start..end.max(start)])
    }
}

impl HashSource for Vec<Hash> {
    fn leaf_count(&self) -> u64 {
        self.len() as u64
    }

    fn subtree_root(&self, level: u32, index: u64) -> Hash {
        self.as_slice().subtree_root(level, index)
    }
}

/// Why a proof could not be generated or did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not smaller than the tree size.
    #[error("leaf index {index} is out of range for tree size {size}")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The requested tree size is larger than the leaves available.
    #[error("tree size {size} exceeds the {available} leaves available")]
    SizeTooLarge {
        /// The requested tree size.
        size: u64,
        /// The number of leaves the source holds.
        available: u64,
    },
    /// A consistency proof was asked between an older size larger than the newer one.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    SizesReversed {
        /// The older tree size.
        old_size: u64,
        /// The newer tree size.
        new_size: u64,
    },
    /// A consistency proof from the empty tree proves nothing and is refused.
    #[error("a consistency proof from the empty tree is refused")]
    EmptyOldTree,
    /// The proof does not have the number of hashes the sizes call for.
    #[error("proof has {actual} hashes, expected {expected}")]
    WrongProofLength {
        /// The number of hashes the sizes call for.
        expected: usize,
        /// The number of hashes given.
        actual: usize,
    },
    /// The root computed from the proof differs from the expected root.
    #[error("computed root {computed} does not match expected root {expected}")]
    RootMismatch {
        /// The root computed from the proof.
        computed: Hash,
        /// The root the caller expected.
        expected: Hash,
    },
    /// The root of the older tree computed from the consistency proof differs from the given one.
    #[error("computed old root {computed} does not match expected old root {expected}")]
    OldRootMismatch {
        /// The old root computed from the proof.
        computed: Hash,
        /// The old root the caller expected.
        expected: Hash,
    },
    /// The proof was walked to the end without reaching the root level.
    #[error("proof is malformed for the given sizes")]
    Malformed,
}

/// The largest power of two strictly smaller than `n`; `n` must be at least 2.
fn split_point(n: u64) -> u64 {
    1 << (u64::BITS - 1 - (n - 1).leading_zeros())
}

/// The hash of leaves `[start, end)` where `start` is a multiple of a power of two at least
/// `end - start`, composed from perfect subtrees (RFC 6962 section 2.1).
fn range_hash<S: HashSource + ?Sized>(source: &S, start: u64, end: u64) -> Hash {
    let mut parts: Vec<Hash> = Vec::with_capacity(64);
    let mut position = start;
    let width = end - start;
    for level in (0..u64::BITS).rev() {
        if width & (1 << level) != 0 {
            parts.push(source.subtree_root(level, position >> level));
            position += 1 << level;
        }
    }
    let mut iter = parts.iter().rev();
    let Some(last) = iter.next() else {
        return crate::hash::empty_root();
    };
    iter.fold(*last, |right, left| node_hash(left, &right))
}

/// The root hash of the first `size` leaves of `source` (RFC 6962 section 2.1).
pub(crate) fn range_root<S: HashSource + ?Sized>(source: &S, size: u64) -> Hash {
    range_hash(source, 0, size)
}

/// The inclusion proof `PATH(index, D[0:size])` of RFC 9162 section 2.1.3.1, leaf to root.
pub fn inclusion_proof<S: HashSource + ?Sized>(
    source: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, ProofError> {
    if size > source.leaf_count() {
        return Err(ProofError::SizeTooLarge {
            size,
            available: source.leaf_count(),
        });
    }
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut low, mut high) = (0u64, size);
    let mut path = Vec::new();
    while high - low > 1 {
        let k = split_point(high - low);
        if index < low + k {
            path.push(range_hash(source, low + k, high));
            high = low + k;
        } else {
            path.push(range_hash(source, low, low + k));
            low += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// The consistency proof `PROOF(old_size, D[0:new_size])` of RFC 9162 section 2.1.4.1.
///
/// `old_size` must be at least 1 and at most `new_size`; equal sizes give an empty proof.
pub fn consistency_proof<S: HashSource + ?Sized>(
    source: &S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, ProofError> {
    if new_size > source.leaf_count() {
        return Err(ProofError::SizeTooLarge {
            size: new_size,
            available: source.leaf_count(),
        });
    }
    check_sizes(old_size, new_size)?;
    // SUBPROOF(m, D[low:high], complete), unrolled: each step appends one hash after the proof
    // of a smaller subtree, so hashes are collected in reverse.
    let (mut low, mut high, mut complete) = (0u64, new_size, true);
    let mut reversed = Vec::new();
    while old_size != high {
        let k = split_point(high - low);
        if old_size - low <= k {
            reversed.push(range_hash(source, low + k, high));
            high = low + k;
        } else {
            reversed.push(range_hash(source, low, low + k));
            low += k;
            complete = false;
        }
    }
    if !complete {
        reversed.push(range_hash(source, low, high));
    }
    reversed.reverse();
    Ok(reversed)
}

fn check_sizes(old_size: u64, new_size: u64) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesReversed { old_size, new_size });
    }
    if old_size == 0 {
        return Err(ProofError::EmptyOldTree);
    }
    Ok(())
}

/// The number of proof hashes for leaf `index` in a tree of `size`: inner (below the point
/// where the leaf's path meets the right border) plus border hashes.
fn inclusion_proof_length(index: u64, size: u64) -> (usize, usize) {
    let inner = (u64::BITS - (index ^ (size - 1)).leading_zeros()) as usize;
    let border = (index >> inner).count_ones() as usize;
    (inner, border)
}

/// Computes the root implied by an inclusion proof, following the verification algorithm of
/// RFC 9162 section 2.1.3.2 up to (not including) the final comparison.
pub fn root_from_inclusion_proof(
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (inner, border) = inclusion_proof_length(index, size);
    if proof.len() != inner + border {
        return Err(ProofError::WrongProofLength {
            expected: inner + border,
            actual: proof.len(),
        });
    }
    let mut f_n = index;
    let mut s_n = size - 1;
    let mut root = *leaf_hash;
    for p in proof {
        if s_n == 0 {
            return Err(ProofError::Malformed);
        }
        if f_n & 1 == 1 || f_n == s_n {
            root = node_hash(p, &root);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            root = node_hash(&root, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::Malformed);
    }
    Ok(root)
}

/// Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves with root `root`
/// (RFC 9162 section 2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let computed = root_from_inclusion_proof(index, size, leaf_hash, proof)?;
    if computed != *root {
        return Err(ProofError::RootMismatch {
            computed,
            expected: *root,
        });
    }
    Ok(())
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root` (RFC 9162 section 2.1.4.2).
///
/// As in the transparency-dev implementation, equal sizes require an empty proof and equal
/// roots, and an empty old tree is refused.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    check_sizes(old_size, new_size)?;
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(ProofError::WrongProofLength {
                expected: 0,
                actual: proof.len(),
            });
        }
        if old_root != new_root {
            return Err(ProofError::RootMismatch {
                computed: *old_root,
                expected: *new_root,
            });
        }
        return Ok(());
    }
    // Expected length: the inclusion path of leaf old_size - 1 in the new tree, minus the levels
    // below the largest perfect subtree ending at old_size, plus that subtree's root unless the
    // whole old tree is perfect.
    let shift = old_size.trailing_zeros() as usize;
    let (inner, border) = inclusion_proof_length(old_size - 1, new_size);
    let inner = inner.saturating_sub(shift);
    let old_is_perfect = old_size.is_power_of_two();
    let expected = inner + border + usize::from(!old_is_perfect);
    if proof.len() != expected {
        return Err(ProofError::WrongProofLength {
            expected,
            actual: proof.len(),
        });
    }

    // Step 2: if the old size is a power of two, the old root starts the path.
    let (seed, rest) = if old_is_perfect {
        (*old_root, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (*first, rest),
            None => return Err(ProofError::Malformed),
        }
    };
    let mut f_n = old_size - 1;
    let mut s_n = new_size - 1;
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let mut f_r = seed;
    let mut s_r = seed;
    for c in rest {
        if s_n == 0 {
            return Err(ProofError::Malformed);
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::Malformed);
    }
    if f_r != *old_root {
        return Err(ProofError::OldRootMismatch {
            computed: f_r,
            expected: *old_root,
        });
    }
    if s_r != *new_root {
        return Err(ProofError::RootMismatch {
            computed: s_r,
            expected: *new_root,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    #[test]
    fn every_pair_up_to_40() {
        let leaves: Vec<Hash> = (0u32..40).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        for size in 1..=40u64 {
            let root = tree_hash(&leaves[..size as usize]);
            for index in 0..size {
                let proof = inclusion_proof(&leaves, index, size).unwrap();
                verify_inclusion(index, size, &leaves[index as usize], &proof, &root).unwrap();
            }
            for old in 1..=size {
                let old_root = tree_hash(&leaves[..old as usize]);
                let proof = consistency_proof(&leaves, old, size).unwrap();
                verify_consistency(old, size, &old_root, &root, &proof)
                    .unwrap_or_else(|e| panic!("{old} -> {size}: {e}"));
            }
        }
    }
}
