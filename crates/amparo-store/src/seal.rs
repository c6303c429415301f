//! Blob contents sealed in chunks, in the manner of the STREAM construction (Hoang, Reyhanitabar,
//! Rogaway and Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance").
//!
//! ```text
//! object  = header chunk*            (at least one chunk; the last one may be short or empty)
//! header  = "AMPBLOB" 0x01 prefix    (8 + 19 bytes; prefix is random per object)
//! chunk   = XChaCha20-Poly1305(blob data key,
//!             nonce = prefix ‖ index (u32 big-endian) ‖ last (0x00 or 0x01),
//!             aad   = header ‖ blob name (64 hex digits),
//!             64 KiB of plaintext, or less in the last chunk)
//! ```
//!
//! Every chunk but the last holds exactly [`CHUNK_PLAIN`] bytes. The index in the nonce detects
//! reordered or dropped chunks, the last-chunk flag detects an object cut at a chunk boundary,
//! and the blob's name in the associated data detects an object moved under another name.
//!
//! Backups (`amparo backup`) reuse [`Sealer`] and [`Opener`] for their archive, with the SHA-256
//! of the backup's header in place of a blob name.

use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead, Payload};
use rand::RngCore;

use crate::keys::{DataKey, NONCE_LEN, TAG_LEN};

/// The first bytes of a sealed object; a plain object from before encryption at rest does not
/// start with them (it is read as plain and checked against its name).
pub(crate) const MAGIC: &[u8; 8] = b"AMPBLOB\x01";
const PREFIX_LEN: usize = NONCE_LEN - 5;
/// Length of the header in front of the first chunk.
pub(crate) const HEADER_LEN: usize = MAGIC.len() + PREFIX_LEN;
/// Plaintext bytes per chunk.
pub(crate) const CHUNK_PLAIN: usize = 64 * 1024;
const CHUNK_SEALED: usize = CHUNK_PLAIN + TAG_LEN;

/// The size of the sealed object for `plain_size` bytes of content.
pub(crate) fn sealed_len(plain_size: u64) -> u64 {
    let chunks = plain_size.div_ceil(CHUNK_PLAIN as u64).max(1);
    HEADER_LEN as u64 + plain_size + chunks * TAG_LEN as u64
}

/// Whether `bytes` (an object's start) is a sealed object.
pub(crate) fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

fn nonce(prefix: &[u8], index: u32, last: bool) -> XNonce {
    let mut nonce = [0u8; NONCE_LEN];
    nonce[..PREFIX_LEN].copy_from_slice(prefix);
    nonce[PREFIX_LEN..PREFIX_LEN + 4].copy_from_slice(&index.to_be_bytes());
    nonce[NONCE_LEN - 1] = u8::from(last);
    nonce.into()
}

/// Why a sealed object does not open.
#[derive(Debug, PartialEq, Eq)]
pub struct OpenFailed;

/// Seals a blob's bytes as they come.
pub struct Sealer {
    cipher: chacha20poly1305::XChaCha20Poly1305,
    aad: Vec<u8>,
    index: u32,
    pending: Vec<u8>,
}

impl Sealer {
    /// A sealer for the blob named `name`; writes the header into `out`.
    pub fn new(key: &DataKey, name: &str, out: &mut Vec<u8>) -> Self {
        let mut header = MAGIC.to_vec();
        let mut prefix = [0u8; PREFIX_LEN];
        rand::rngs::OsRng.fill_bytes(&mut prefix);
        header.extend_from_slice(&prefix);
        out.extend_from_slice(&header);
        let mut aad = header;
        aad.extend_from_slice(name.as_bytes());
        Self {
            cipher: key.cipher(),
            aad,
            index: 0,
            pending: Vec::with_capacity(CHUNK_PLAIN + 1),
        }
    }

    /// Seals what can be sealed of `bytes` into `out` (a chunk is sealed once it is known not to
    /// be the last one).
    pub fn push(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) {
        while !bytes.is_empty() {
            if self.pending.len() == CHUNK_PLAIN {
                let chunk = std::mem::take(&mut self.pending);
                self.seal_chunk(&chunk, false, out);
                self.pending = chunk;
                self.pending.clear();
            }
            let take = (CHUNK_PLAIN - self.pending.len()).min(bytes.len());
            self.pending.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
    }

    /// Seals the last chunk into `out`.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        let chunk = std::mem::take(&mut self.pending);
        self.seal_chunk(&chunk, true, out);
    }

    fn seal_chunk(&mut self, chunk: &[u8], last: bool, out: &mut Vec<u8>) {
        let prefix = &self.aad[MAGIC.len()..HEADER_LEN];
        let sealed = self
            .cipher
            .encrypt(
                &nonce(prefix, self.index, last),
                Payload {
                    msg: chunk,
                    aad: &self.aad,
                },
            )
            .unwrap_or_else(|_| unreachable!("a 64 KiB chunk always seals"));
        out.extend_from_slice(&sealed);
        self.index = self
            .index
            .checked_add(1)
            .unwrap_or_else(|| unreachable!("a blob of 256 TiB"));
    }
}

/// Seals a whole blob held in memory.
pub(crate) fn seal_all(key: &DataKey, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(sealed_len(bytes.len() as u64) as usize);
    let mut sealer = Sealer::new(key, name, &mut out);
    sealer.push(bytes, &mut out);
    sealer.finish(&mut out);
    out
}

/// Opens a sealed blob as its bytes come.
pub struct Opener {
    cipher: chacha20poly1305::XChaCha20Poly1305,
    name: Vec<u8>,
    aad: Option<Vec<u8>>,
    index: u32,
    pending: Vec<u8>,
}

impl Opener {
    /// An opener for the blob named `name`.
    pub fn new(key: &DataKey, name: &str) -> Self {
        Self {
            cipher: key.cipher(),
            name: name.as_bytes().to_vec(),
            aad: None,
            index: 0,
            pending: Vec::new(),
        }
    }

    /// Opens what can be opened of `bytes` into `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), OpenFailed> {
        self.pending.extend_from_slice(bytes);
        let mut position = 0;
        if self.aad.is_none() {
            if self.pending.len() < HEADER_LEN {
                return Ok(());
            }
            if !is_sealed(&self.pending) {
                return Err(OpenFailed);
            }
            let mut aad = self.pending[..HEADER_LEN].to_vec();
            aad.extend_from_slice(&self.name);
            self.aad = Some(aad);
            position = HEADER_LEN;
        }
        // A chunk is opened once more bytes follow it: only then is it known not to be the last.
        while self.pending.len() - position > CHUNK_SEALED {
            let plain = self.open_chunk(&self.pending[position..position + CHUNK_SEALED], false)?;
            out.extend_from_slice(&plain);
            position += CHUNK_SEALED;
            self.index = self.index.checked_add(1).ok_or(OpenFailed)?;
        }
        self.pending.drain(..position);
        Ok(())
    }

    /// Opens the last chunk into `out`; fails when the object was cut short.
    pub fn finish(self, out: &mut Vec<u8>) -> Result<(), OpenFailed> {
        if self.aad.is_none() || self.pending.len() < TAG_LEN {
            return Err(OpenFailed);
        }
        let plain = self.open_chunk(&self.pending, true)?;
        out.extend_from_slice(&plain);
        Ok(())
    }

    fn open_chunk(&self, sealed: &[u8], last: bool) -> Result<Vec<u8>, OpenFailed> {
        let aad = self.aad.as_deref().ok_or(OpenFailed)?;
        let prefix = &aad[MAGIC.len()..HEADER_LEN];
        self.cipher
            .decrypt(
                &nonce(prefix, self.index, last),
                Payload { msg: sealed, aad },
            )
            .map_err(|_| OpenFailed)
    }
}

/// Opens a whole sealed blob held in memory.
pub(crate) fn open_all(key: &DataKey, name: &str, sealed: &[u8]) -> Result<Vec<u8>, OpenFailed> {
    let mut out = Vec::with_capacity(sealed.len());
    let mut opener = Opener::new(key, name);
    opener.push(sealed, &mut out)?;
    opener.finish(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "ab";

    fn sizes() -> Vec<usize> {
        vec![
            0,
            1,
            CHUNK_PLAIN - 1,
            CHUNK_PLAIN,
            CHUNK_PLAIN + 1,
            3 * CHUNK_PLAIN,
            3 * CHUNK_PLAIN + 17,
        ]
    }

    fn content(size: usize) -> Vec<u8> {
        (0..size).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn round_trips_every_boundary_size_in_any_piece_size() {
        let key = DataKey::generate();
        for size in sizes() {
            let plain = content(size);
            let sealed = seal_all(&key, NAME, &plain);
            assert_eq!(sealed.len() as u64, sealed_len(size as u64), "size {size}");
            assert_eq!(open_all(&key, NAME, &sealed).unwrap(), plain, "size {size}");
            // Sealing and opening in uneven pieces gives the same result.
            let mut streamed = Vec::new();
            let mut sealer = Sealer::new(&key, NAME, &mut streamed);
            for piece in plain.chunks(10_007) {
                sealer.push(piece, &mut streamed);
            }
            sealer.finish(&mut streamed);
            let mut opened = Vec::new();
            let mut opener = Opener::new(&key, NAME);
            for piece in streamed.chunks(4_099) {
                opener.push(piece, &mut opened).unwrap();
            }
            opener.finish(&mut opened).unwrap();
            assert_eq!(opened, plain, "size {size}");
        }
    }

    #[test]
    fn truncation_reordering_renaming_and_wrong_keys_are_detected() {
        let key = DataKey::generate();
        let plain = content(3 * CHUNK_PLAIN + 5);
        let sealed = seal_all(&key, NAME, &plain);
        // Cut at a chunk boundary: the new last chunk was sealed as not last.
        let cut = &sealed[..HEADER_LEN + 2 * CHUNK_SEALED];
        assert_eq!(open_all(&key, NAME, cut), Err(OpenFailed));
        // Cut inside a chunk.
        assert_eq!(
            open_all(&key, NAME, &sealed[..sealed.len() - 1]),
            Err(OpenFailed)
        );
        // Two chunks swapped.
        let mut swapped = sealed[..HEADER_LEN].to_vec();
        swapped
            .extend_from_slice(&sealed[HEADER_LEN + CHUNK_SEALED..HEADER_LEN + 2 * CHUNK_SEALED]);
        swapped.extend_from_slice(&sealed[HEADER_LEN..HEADER_LEN + CHUNK_SEALED]);
        swapped.extend_from_slice(&sealed[HEADER_LEN + 2 * CHUNK_SEALED..]);
        assert_eq!(open_all(&key, NAME, &swapped), Err(OpenFailed));
        // Another name, another key, a flipped bit.
        assert_eq!(open_all(&key, "cd", &sealed), Err(OpenFailed));
        assert_eq!(
            open_all(&DataKey::generate(), NAME, &sealed),
            Err(OpenFailed)
        );
        let mut flipped = sealed.clone();
        flipped[HEADER_LEN + 10] ^= 1;
        assert_eq!(open_all(&key, NAME, &flipped), Err(OpenFailed));
        // A plain object is not taken for a sealed one.
        assert_eq!(open_all(&key, NAME, &plain), Err(OpenFailed));
    }
}
