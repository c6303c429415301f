//! C2SP tlog-tiles (<https://c2sp.org/tlog-tiles>): tile and entry-bundle paths (format and
//! parse), the set of tiles a tree of a given size has, tile contents as concatenated hashes,
//! and entry bundles of length-prefixed entries.

use std::fmt;

use crate::hash::{HASH_SIZE, Hash};
use crate::proof::HashSource;

/// The number of hashes in a full tile (tlog-tiles "Merkle Tree").
pub const TILE_WIDTH: u16 = 256;
/// The number of Merkle tree levels one tile spans.
pub const TILE_HEIGHT: u32 = 8;
/// The highest tile level a path may name (tlog-tiles "Merkle Tree").
pub const MAX_TILE_LEVEL: u8 = 63;

/// A tile of hashes: the `index`-th tile at tile level `level`, holding `width` hashes (256 for
/// a full tile, 1 to 255 for a partial one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    /// The tile level; level 0 tiles hold leaf hashes.
    pub level: u8,
    /// The index of the tile within its level.
    pub index: u64,
    /// The number of hashes in the tile, 1 to 256.
    pub width: u16,
}

/// What a tile path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TilePath {
    /// A tile of Merkle tree hashes, `tile/<L>/<N>[.p/<W>]`.
    Hashes(Tile),
    /// An entry bundle, `tile/entries/<N>[.p/<W>]`; its `level` is always 0.
    Entries(Tile),
}

/// Why a tile path, tile or entry bundle was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    /// The path does not start with `tile/`.
    #[error("path does not start with tile/")]
    NotATilePath,
    /// The level is not a decimal number from 0 to 63 without leading zeros.
    #[error("tile level {text:?} is not a number from 0 to 63")]
    InvalidLevel {
        /// The refused level text.
        text: String,
    },
    /// An index element is not `xDDD` (all but the last) or `DDD` (the last).
    #[error("tile index element {text:?} is malformed")]
    InvalidIndexElement {
        /// The refused element.
        text: String,
    },
    /// The index has a leading `x000` element, so it is not in its one canonical form.
    #[error("tile index has a leading zero element")]
    NonCanonicalIndex,
    /// The index does not fit in 64 bits.
    #[error("tile index is too large")]
    IndexOverflow,
    /// The partial width is not a decimal number from 1 to 255 without leading zeros.
    #[error("tile width {text:?} is not a number from 1 to 255")]
    InvalidWidth {
        /// The refused width text.
        text: String,
    },
    /// A tile's width is 0 or more than 256.
    #[error("tile width {width} is not between 1 and 256")]
    WidthOutOfRange {
        /// The refused width.
        width: u16,
    },
    /// The tile reaches beyond the leaves available.
    #[error("tile reaches leaf {end}, beyond the {available} leaves available")]
    BeyondTree {
        /// One past the last leaf the tile covers.
        end: u128,
        /// The number of leaves available.
        available: u64,
    },
    /// Tile data is not `width` hashes long.
    #[error("tile data is {length} bytes, expected {expected}")]
    WrongDataLength {
        /// The length given.
        length: usize,
        /// The length expected.
        expected: usize,
    },
    /// An entry is longer than a 16-bit length prefix can say.
    #[error("entry {number} is {length} bytes, more than 65535")]
    EntryTooLong {
        /// The 0-based number of the entry in the bundle.
        number: usize,
        /// Its length.
        length: usize,
    },
    /// An entry bundle ends in the middle of a length prefix or an entry.
    #[error("entry bundle is truncated")]
    TruncatedBundle,
}

impl Tile {
    /// Whether the tile holds all 256 hashes.
    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The first leaf index the tile covers: `index * 256^(level+1)` (tlog-tiles "start index").
    /// Saturates at `u128::MAX` for tiles far beyond any 64-bit tree.
    pub fn start_leaf(&self) -> u128 {
        shift_saturating(
            u128::from(self.index),
            TILE_HEIGHT * (u32::from(self.level) + 1),
        )
    }

    /// One past the last leaf the tile's hashes cover; for a full tile this is the spec's
    /// "end index". Saturates at `u128::MAX` for tiles far beyond any 64-bit tree.
    pub fn end_leaf(&self) -> u128 {
        let hashes = u128::from(self.index) * u128::from(TILE_WIDTH) + u128::from(self.width);
        shift_saturating(hashes, TILE_HEIGHT * u32::from(self.level))
    }

    /// The tile's path, `tile/<L>/<N>[.p/<W>]` (tlog-tiles "Merkle Tree").
    pub fn path(&self) -> String {
        format!("tile/{}/{}", self.level, self.index_and_width())
    }

    /// The path of the entry bundle matching this level 0 tile, `tile/entries/<N>[.p/<W>]`
    /// (tlog-tiles "Log entries").
    pub fn entries_path(&self) -> String {
        format!("tile/entries/{}", self.index_and_width())
    }

    fn index_and_width(&self) -> String {
        let mut text = encode_index(self.index);
        if !self.is_full() {
            text.push_str(&format!(".p/{}", self.width));
        }
        text
    }
}

/// `value << shift`, or `u128::MAX` if bits would be lost.
fn shift_saturating(value: u128, shift: u32) -> u128 {
    if value == 0 {
        0
    } else if shift > value.leading_zeros() {
        u128::MAX
    } else {
        value << shift
    }
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// Encodes a tile index as zero-padded 3-digit path elements, all but the last prefixed with
/// `x`: 1234067 becomes `x001/x234/067` (tlog-tiles "Merkle Tree").
pub fn encode_index(index: u64) -> String {
    let mut groups = vec![index % 1000];
    let mut rest = index / 1000;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut text = String::new();
    for group in groups.iter().skip(1).rev() {
        text.push_str(&format!("x{group:03}/"));
    }
    text.push_str(&format!("{:03}", groups[0]));
    text
}

/// Parses a tile path `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (tlog-tiles
/// "Merkle Tree" and "Log entries"), accepting only the one canonical spelling of each tile.
pub fn parse_tile_path(path: &str) -> Result<TilePath, TileError> {
    let rest = path.strip_prefix("tile/").ok_or(TileError::NotATilePath)?;
    let (level_text, rest) = rest.split_once('/').ok_or(TileError::NotATilePath)?;
    let (index_text, width) = match rest.split_once(".p/") {
        Some((index_text, width_text)) => (index_text, parse_width(width_text)?),
        None => (rest, TILE_WIDTH),
    };
    let index = parse_index(index_text)?;
    if level_text == "entries" {
        return Ok(TilePath::Entries(Tile {
            level: 0,
            index,
            width,
        }));
    }
    let level = parse_small_decimal(level_text)
        .filter(|level| *level <= u16::from(MAX_TILE_LEVEL))
        .ok_or_else(|| TileError::InvalidLevel {
            text: level_text.to_owned(),
        })?;
    let level = u8::try_from(level).map_err(|_| TileError::InvalidLevel {
        text: level_text.to_owned(),
    })?;
    Ok(TilePath::Hashes(Tile {
        level,
        index,
        width,
    }))
}

/// A decimal number of at most three digits without leading zeros.
fn parse_small_decimal(text: &str) -> Option<u16> {
    let canonical = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|byte| byte.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if canonical { text.parse().ok() } else { None }
}

fn parse_width(text: &str) -> Result<u16, TileError> {
    parse_small_decimal(text)
        .filter(|width| (1..TILE_WIDTH).contains(width))
        .ok_or_else(|| TileError::InvalidWidth {
            text: text.to_owned(),
        })
}

fn parse_index(text: &str) -> Result<u64, TileError> {
    let elements: Vec<&str> = text.split('/').collect();
    let mut index: u64 = 0;
    for (position, element) in elements.iter().enumerate() {
        let is_last = position + 1 == elements.len();
        let digits = if is_last {
            Some(*element)
        } else {
            element.strip_prefix('x')
        };
        let group = digits
            .filter(|digits| digits.len() == 3 && digits.bytes().all(|byte| byte.is_ascii_digit()))
            .and_then(|digits| digits.parse::<u64>().ok())
            .ok_or_else(|| TileError::InvalidIndexElement {
                text: (*element).to_owned(),
            })?;
        if position == 0 && !is_last && group == 0 {
            return Err(TileError::NonCanonicalIndex);
        }
        index = index
            .checked_mul(1000)
            .and_then(|index| index.checked_add(group))
            .ok_or(TileError::IndexOverflow)?;
    }
    Ok(index)
}

/// Every tile, full and partial, of a tree of `size` leaves, by level then index
/// (tlog-tiles "Partial Tiles": the partial tile at level `l` has `floor(size / 256^l) mod 256`
/// hashes, and empty tiles do not exist).
pub fn tiles_for_size(size: u64) -> Vec<Tile> {
    let mut tiles = Vec::new();
    for level in 0..=MAX_TILE_LEVEL {
        let Some(hashes) = size.checked_shr(TILE_HEIGHT * u32::from(level)) else {
            break;
        };
        if hashes == 0 {
            break;
        }
        let full = hashes / u64::from(TILE_WIDTH);
        tiles.extend((0..full).map(|index| Tile {
            level,
            index,
            width: TILE_WIDTH,
        }));
        let partial = (hashes % u64::from(TILE_WIDTH)) as u16;
        if partial > 0 {
            tiles.push(Tile {
                level,
                index: full,
                width: partial,
            });
        }
    }
    tiles
}

/// The hashes of a tile, read from `source`: hash `i` is
/// `MTH(D[(n * 256 + i) * 256^l : (n * 256 + i + 1) * 256^l])` (tlog-tiles "Merkle Tree").
pub fn tile_hashes<S: HashSource + ?Sized>(source: &S, tile: Tile) -> Result<Vec<Hash>, TileError> {
    if tile.width == 0 || tile.width > TILE_WIDTH || tile.level > MAX_TILE_LEVEL {
        return Err(TileError::WidthOutOfRange { width: tile.width });
    }
    let end = tile.end_leaf();
    if end > u128::from(source.leaf_count()) {
        return Err(TileError::BeyondTree {
            end,
            available: source.leaf_count(),
        });
    }
    let level = TILE_HEIGHT * u32::from(tile.level);
    let first = tile.index * u64::from(TILE_WIDTH);
    Ok((0..u64::from(tile.width))
        .map(|i| source.subtree_root(level, first + i))
        .collect())
}

/// A tile's hashes concatenated, as served (tlog-tiles "Merkle Tree").
pub fn tile_data(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|hash| hash.0).collect()
}

/// Splits served tile data back into the `width` hashes it must hold.
pub fn parse_tile_data(data: &[u8], width: u16) -> Result<Vec<Hash>, TileError> {
    let expected = usize::from(width) * HASH_SIZE;
    if data.len() != expected || width == 0 || width > TILE_WIDTH {
        return Err(TileError::WrongDataLength {
            length: data.len(),
            expected,
        });
    }
    Ok(data
        .chunks_exact(HASH_SIZE)
        .map(|chunk| {
            let mut bytes = [0u8; HASH_SIZE];
            bytes.copy_from_slice(chunk);
            Hash(bytes)
        })
        .collect())
}

/// Encodes an entry bundle: each entry prefixed by its big-endian 16-bit length (tlog-tiles
/// "Log entries").
pub fn encode_entry_bundle(entries: &[&[u8]]) -> Result<Vec<u8>, TileError> {
    let mut bundle = Vec::new();
    for (number, entry) in entries.iter().enumerate() {
        let length = u16::try_from(entry.len()).map_err(|_| TileError::EntryTooLong {
            number,
            length: entry.len(),
        })?;
        bundle.extend_from_slice(&length.to_be_bytes());
        bundle.extend_from_slice(entry);
    }
    Ok(bundle)
}

/// Splits an entry bundle into its entries (tlog-tiles "Log entries").
pub fn parse_entry_bundle(bundle: &[u8]) -> Result<Vec<&[u8]>, TileError> {
    let mut entries = Vec::new();
    let mut rest = bundle;
    while let Some((prefix, after)) = rest.split_first_chunk::<2>() {
        let length = usize::from(u16::from_be_bytes(*prefix));
        let (entry, after) = after
            .split_at_checked(length)
            .ok_or(TileError::TruncatedBundle)?;
        entries.push(entry);
        rest = after;
    }
    if !rest.is_empty() {
        return Err(TileError::TruncatedBundle);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::{leaf_hash, tree_hash};

    #[test]
    fn index_encoding_matches_the_spec_example() {
        assert_eq!(encode_index(1234067), "x001/x234/067");
        assert_eq!(encode_index(0), "000");
        assert_eq!(encode_index(1000), "x001/000");
        assert_eq!(encode_index(u64::MAX), "x018/x446/x744/x073/x709/x551/615");
        let tile = Tile {
            level: 1,
            index: 1234067,
            width: 17,
        };
        assert_eq!(tile.path(), "tile/1/x001/x234/067.p/17");
        assert_eq!(parse_tile_path(&tile.path()), Ok(TilePath::Hashes(tile)));
        let entries = Tile {
            level: 0,
            index: 5,
            width: 256,
        };
        assert_eq!(entries.entries_path(), "tile/entries/005");
        assert_eq!(
            parse_tile_path("tile/entries/005"),
            Ok(TilePath::Entries(entries))
        );
    }

    #[test]
    fn malformed_paths_are_refused() {
        for path in [
            "tile/00/000",
            "tile/64/000",
            "tile/0/00",
            "tile/0/x000/001",
            "tile/0/001.p/0",
            "tile/0/001.p/256",
            "tile/0/001.p/01",
            "tile/0/y001/000",
            "tile/0/001/",
            "tiles/0/000",
            "tile/0/x018/x446/x744/x073/x709/x551/616",
            "tile/0/000.p/",
            "tile//000",
            "tile/0",
        ] {
            assert!(parse_tile_path(path).is_err(), "{path}");
        }
    }

    #[test]
    fn tiles_of_the_spec_examples() {
        let tiles = tiles_for_size(70_000);
        let count = |level: u8, full: bool| {
            tiles
                .iter()
                .filter(|tile| tile.level == level && tile.is_full() == full)
                .count()
        };
        assert_eq!((count(0, true), count(0, false)), (273, 1));
        assert_eq!((count(1, true), count(1, false)), (1, 1));
        assert_eq!((count(2, true), count(2, false)), (0, 1));
        assert_eq!(tiles.len(), 273 + 1 + 1 + 1 + 1);
        assert!(tiles.contains(&Tile {
            level: 0,
            index: 273,
            width: 112
        }));
        assert!(tiles.contains(&Tile {
            level: 1,
            index: 1,
            width: 17
        }));
        assert_eq!(
            tiles_for_size(256),
            vec![
                Tile {
                    level: 0,
                    index: 0,
                    width: 256
                },
                Tile {
                    level: 1,
                    index: 0,
                    width: 1
                }
            ]
        );
        assert!(tiles_for_size(0).is_empty());
    }

    #[test]
    fn tile_contents_from_leaf_hashes() {
        let leaves: Vec<Hash> = (0u32..600).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let level0 = tile_hashes(
            &leaves,
            Tile {
                level: 0,
                index: 2,
                width: 88,
            },
        )
        .unwrap();
        assert_eq!(level0, leaves[512..600]);
        let level1 = tile_hashes(
            &leaves,
            Tile {
                level: 1,
                index: 0,
                width: 2,
            },
        )
        .unwrap();
        assert_eq!(
            level1,
            vec![tree_hash(&leaves[..256]), tree_hash(&leaves[256..512])]
        );
        assert!(
            tile_hashes(
                &leaves,
                Tile {
                    level: 1,
                    index: 0,
                    width: 3
                }
            )
            .is_err()
        );
        let data = tile_data(&level1);
        assert_eq!(parse_tile_data(&data, 2).unwrap(), level1);
        assert!(parse_tile_data(&data, 3).is_err());
    }

    #[test]
    fn entry_bundles_round_trip() {
        let entries: [&[u8]; 3] = [b"one", b"", b"three"];
        let bundle = encode_entry_bundle(&entries).unwrap();
        assert_eq!(&bundle[..5], b"\x00\x03one");
        assert_eq!(parse_entry_bundle(&bundle).unwrap(), entries);
        assert_eq!(
            parse_entry_bundle(&bundle[..bundle.len() - 1]),
            Err(TileError::TruncatedBundle)
        );
        assert_eq!(parse_entry_bundle(b"\x00"), Err(TileError::TruncatedBundle));
        assert!(encode_entry_bundle(&[&[0u8; 65536]]).is_err());
    }
}
