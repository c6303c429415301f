//! Reading a bundle's ZIP container strictly: exactly the eight members of version 1, all
//! STORED, unencrypted, small members at most [`MAX_SMALL_MEMBER`] bytes, every CRC-32 right,
//! and no byte outside the members and the headers [`super::layout`] expects. The evidence is
//! streamed through SHA-256 and never held in memory.

use std::io::{ErrorKind, Read, Seek};

use sha2::{Digest, Sha256};
use zip::read::ZipFileEntry;
use zip::{CompressionMethod, ZipArchive};

use super::layout::{self, EntryLayout};
use super::{
    CHECKPOINT, COMMITMENTS, EVIDENCE_DIR, LEAF, MAX_SMALL_MEMBER, PROOF, README_EN, README_ES,
    VERIFIER_KEY, is_valid_evidence_name,
};

/// The size of the buffer the evidence is hashed through.
const HASH_BUFFER: usize = 1 << 20;

/// What the evidence member turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Evidence {
    /// The name after `evidence/`.
    pub name: String,
    /// Its length in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes.
    pub sha256: [u8; 32],
}

/// The members of a bundle, read and CRC-checked; nothing in them is interpreted yet.
#[derive(Debug, Clone)]
pub(crate) struct Members {
    pub evidence: Evidence,
    pub leaf: Vec<u8>,
    pub commitments: Vec<u8>,
    pub proof: Vec<u8>,
    pub checkpoint: Vec<u8>,
    pub verifier_key: Vec<u8>,
}

/// The small members every bundle has, in the order they are written.
const SMALL_MEMBERS: [&str; 7] = [
    README_EN,
    README_ES,
    LEAF,
    COMMITMENTS,
    PROOF,
    CHECKPOINT,
    VERIFIER_KEY,
];

/// Reads and checks the container; `Err` holds a sentence for the bytes step.
pub(crate) fn read<R: Read + Seek>(input: R) -> Result<Members, String> {
    let mut archive = ZipArchive::new(input)
        .map_err(|error| format!("the bundle is not a readable ZIP file ({error})"))?;
    if archive.has_duplicate_names() {
        return Err("the bundle's ZIP directory lists the same member name twice".to_owned());
    }
    let mut small: [Option<usize>; SMALL_MEMBERS.len()] = [None; SMALL_MEMBERS.len()];
    let mut evidence: Option<(usize, String)> = None;
    let mut entries = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive
            .by_index_data(index)
            .map_err(|error| format!("member {index} of the bundle cannot be read ({error})"))?;
        let raw_name = entry.name_raw();
        let shown = String::from_utf8_lossy(raw_name).into_owned();
        let Ok(name) = std::str::from_utf8(raw_name) else {
            return Err(format!("member name {shown:?} is not UTF-8"));
        };
        let is_evidence = match SMALL_MEMBERS.iter().position(|known| *known == name) {
            Some(slot) => {
                small[slot] = Some(index);
                false
            }
            None => match name.strip_prefix(EVIDENCE_DIR) {
                Some(file) if is_valid_evidence_name(file) => {
                    if let Some((_, other)) = &evidence {
                        return Err(format!(
                            "the bundle holds two evidence files, {other:?} and {file:?}"
                        ));
                    }
                    evidence = Some((index, file.to_owned()));
                    true
                }
                _ => return Err(format!("the bundle holds an unexpected member {name:?}")),
            },
        };
        check_entry(&entry, name, is_evidence)?;
        entries.push(EntryLayout {
            name: raw_name.to_vec(),
            crc32: entry.crc32(),
            size: entry.size(),
            header_start: entry.header_start(),
            zip64: is_evidence,
        });
    }
    let Some((evidence_index, evidence_name)) = evidence else {
        return Err("the bundle has no evidence/ file".to_owned());
    };
    let mut indices = Vec::with_capacity(SMALL_MEMBERS.len());
    for (slot, name) in small.iter().zip(SMALL_MEMBERS) {
        let Some(index) = slot else {
            return Err(format!("the bundle has no {name}"));
        };
        indices.push(*index);
    }
    // Written order: the two READMEs, the evidence, then the other small members.
    let mut written = indices.clone();
    written.insert(2, evidence_index);
    if written
        .iter()
        .enumerate()
        .any(|(position, index)| position != *index)
    {
        return Err(
            "the bundle's members are not in the order a bundle writer puts them".to_owned(),
        );
    }
    let mut contents: Vec<Vec<u8>> = Vec::with_capacity(SMALL_MEMBERS.len());
    for (index, name) in indices.into_iter().zip(SMALL_MEMBERS) {
        contents.push(read_small(&mut archive, index, name)?);
    }
    let (size, sha256) = hash_evidence(&mut archive, evidence_index, &evidence_name)?;
    layout::check(&mut archive.into_inner(), &entries)?;

    let mut contents = contents.into_iter().skip(2);
    let mut next = || contents.next().unwrap_or_default();
    Ok(Members {
        evidence: Evidence {
            name: evidence_name,
            size,
            sha256,
        },
        leaf: next(),
        commitments: next(),
        proof: next(),
        checkpoint: next(),
        verifier_key: next(),
    })
}

/// Checks what the central directory says of a member: STORED, unencrypted, and small unless
/// it is the evidence.
fn check_entry(entry: &ZipFileEntry<'_>, name: &str, is_evidence: bool) -> Result<(), String> {
    if entry.compression() != CompressionMethod::Stored {
        return Err(format!(
            "member {name:?} is compressed ({}); bundle members are always stored uncompressed, so the bundle was re-packed",
            entry.compression()
        ));
    }
    if entry.encrypted() {
        return Err(format!("member {name:?} is encrypted"));
    }
    if entry.size() != entry.compressed_size() {
        return Err(format!(
            "member {name:?} states {} bytes stored for {} bytes of content",
            entry.compressed_size(),
            entry.size()
        ));
    }
    if !is_evidence && entry.size() > MAX_SMALL_MEMBER {
        return Err(format!(
            "member {name:?} is {} bytes, more than the {MAX_SMALL_MEMBER} allowed",
            entry.size()
        ));
    }
    Ok(())
}

fn damaged(name: &str, error: &std::io::Error) -> String {
    format!("member {name:?} is damaged ({error})")
}

/// Reads a small member whole, checking its CRC-32, and refusing more than the size limit
/// whatever the headers say.
fn read_small<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
    name: &str,
) -> Result<Vec<u8>, String> {
    let file = archive
        .by_index(index)
        .map_err(|error| format!("member {name:?} cannot be read ({error})"))?;
    let mut bytes = Vec::new();
    file.take(MAX_SMALL_MEMBER + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| damaged(name, &error))?;
    if bytes.len() as u64 > MAX_SMALL_MEMBER {
        return Err(format!(
            "member {name:?} is more than the {MAX_SMALL_MEMBER} bytes allowed"
        ));
    }
    Ok(bytes)
}

/// Streams the evidence through SHA-256 (and the ZIP reader's CRC-32) in large reads.
fn hash_evidence<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
    name: &str,
) -> Result<(u64, [u8; 32]), String> {
    let shown = format!("{EVIDENCE_DIR}{name}");
    let mut file = archive
        .by_index(index)
        .map_err(|error| format!("member {shown:?} cannot be read ({error})"))?;
    let stated = file.size();
    let mut hasher = Sha256::new();
    let capacity = usize::try_from(stated).map_or(HASH_BUFFER, |size| size.clamp(1, HASH_BUFFER));
    let mut buffer = vec![0u8; capacity];
    let mut size = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => {
                let Some(chunk) = buffer.get(..count) else {
                    return Err(format!("member {shown:?} could not be read"));
                };
                hasher.update(chunk);
                size += count as u64;
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(damaged(&shown, &error)),
        }
    }
    if size != stated {
        return Err(format!(
            "member {shown:?} holds {size} bytes, but its header states {stated}"
        ));
    }
    Ok((size, hasher.finalize().into()))
}
