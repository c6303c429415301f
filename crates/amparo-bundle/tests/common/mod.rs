//! A real bundle built in memory: a signer from a fixed seed, a small log with the capture among
//! other entries, its inclusion proof and a signed checkpoint.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use amparo_bundle::{BundleParts, Commitment, Commitments, InclusionProofJson, write_bundle};
use amparo_tlog::{
    Checkpoint, Hash, LeafKind, LeafV1, Note, Role, Signer, commit, inclusion_proof, leaf_hash,
    tree_hash,
};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

pub const ORIGIN: &str = "example.org/amparo/evidence";
pub const CAPTURE_ID: &str = "0193b2c4-7d1e-7c3a-9f00-000000000001";

/// The log's signer, from a fixed seed.
pub fn signer() -> Signer {
    Signer::from_seed(ORIGIN, &[7u8; 32]).unwrap()
}

/// Another key with the same name, as a forger would make.
pub fn other_signer() -> Signer {
    Signer::from_seed(ORIGIN, &[8u8; 32]).unwrap()
}

fn opening(value: &str, byte: u8) -> Commitment {
    Commitment {
        value: value.to_owned(),
        salt: [byte; 32],
    }
}

/// The parts of a bundle for `evidence`, logged as entry `index` of a tree of `size` entries,
/// the checkpoint signed by `signer`.
pub fn parts_with(evidence: &[u8], index: u64, size: u64, signer: &Signer) -> BundleParts {
    parts_for_value(&hex::encode(Sha256::digest(evidence)), index, size, signer)
}

/// The parts of a bundle whose evidence has the SHA-256 `content_value` (lowercase hex).
pub fn parts_for_value(content_value: &str, index: u64, size: u64, signer: &Signer) -> BundleParts {
    let commitments = Commitments {
        actor: opening("cli:alice", 0x11),
        subject: opening(&format!("capture {CAPTURE_ID} v1"), 0x22),
        content: opening(content_value, 0x33),
    };
    let commit_to =
        |role, opening: &Commitment| commit(role, &opening.salt, opening.value.as_bytes());
    let leaf = LeafV1 {
        kind: LeafKind::Capture,
        time_micros: 1_764_442_333_123_456,
        actor: commit_to(Role::Actor, &commitments.actor),
        subject: commit_to(Role::Subject, &commitments.subject),
        content: commit_to(Role::Content, &commitments.content),
    };
    let leaves: Vec<Hash> = (0..size)
        .map(|position| {
            if position == index {
                leaf.merkle_hash()
            } else {
                leaf_hash(format!("another entry {position}").as_bytes())
            }
        })
        .collect();
    let root = tree_hash(&leaves);
    let proof = InclusionProofJson {
        leaf_idx: index,
        tree_size: size,
        root,
        leaf_hash: leaf.merkle_hash(),
        proof: inclusion_proof(&leaves, index, size).unwrap(),
    };
    let checkpoint = Checkpoint::new(ORIGIN, size, root, &[]).unwrap();
    let note = Note::sign(&checkpoint.to_string(), &[signer]).unwrap();
    BundleParts {
        evidence_name: "marcha 2025-11-29.mp4".to_owned(),
        leaf,
        commitments,
        proof,
        checkpoint_note: note.to_string(),
        verifier_key: signer.verifier().to_string(),
    }
}

pub fn parts(evidence: &[u8]) -> BundleParts {
    parts_with(evidence, 4, 7, &signer())
}

/// Some evidence bytes, not all alike.
pub fn evidence(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// A bundle written by `write_bundle`.
pub fn bundle_of(parts: &BundleParts, evidence: &[u8]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    write_bundle(&mut out, parts, &mut &evidence[..]).unwrap();
    out.into_inner()
}

pub fn verifier_key() -> String {
    signer().verifier().to_string()
}

/// The members of a bundle, in order: (name, bytes).
pub fn members(bundle: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = ZipArchive::new(Cursor::new(bundle)).unwrap();
    (0..archive.len())
        .map(|index| {
            let mut file = archive.by_index(index).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// Writes members into a new ZIP file the way a careful forger would: STORED, right CRCs,
/// the same options as the real writer.
pub fn rezip(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    rezip_with(members, CompressionMethod::Stored)
}

pub fn rezip_with(members: &[(String, Vec<u8>)], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in members {
        let options = SimpleFileOptions::DEFAULT
            .compression_method(method)
            .last_modified_time(DateTime::DEFAULT)
            .system(zip::System::Unix)
            .unix_permissions(0o644)
            .large_file(name.starts_with("evidence/"));
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An in-memory file that stores only pages holding a non-zero byte, so that bundles of several
/// GiB of zeros fit in memory.
#[derive(Default)]
pub struct Sparse {
    pages: HashMap<u64, Vec<u8>>,
    length: u64,
    position: u64,
}

const PAGE: u64 = 1 << 16;
static ZEROS: [u8; PAGE as usize] = [0; PAGE as usize];

impl Sparse {
    pub fn rewind(&mut self) {
        self.position = 0;
    }

    pub fn len(&self) -> u64 {
        self.length
    }
}

impl Write for Sparse {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut done = 0usize;
        while done < buf.len() {
            let at = self.position + done as u64;
            let (page, offset) = (at / PAGE, (at % PAGE) as usize);
            let count = (PAGE as usize - offset).min(buf.len() - done);
            let chunk = &buf[done..done + count];
            if let Some(stored) = self.pages.get_mut(&page) {
                stored[offset..offset + count].copy_from_slice(chunk);
            } else if chunk != &ZEROS[..count] {
                let mut stored = vec![0u8; PAGE as usize];
                stored[offset..offset + count].copy_from_slice(chunk);
                self.pages.insert(page, stored);
            }
            done += count;
        }
        self.position += buf.len() as u64;
        self.length = self.length.max(self.position);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Read for Sparse {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.length.saturating_sub(self.position);
        let (page, offset) = (self.position / PAGE, (self.position % PAGE) as usize);
        let count = (buf.len() as u64).min(available).min(PAGE - offset as u64) as usize;
        match self.pages.get(&page) {
            Some(stored) => buf[..count].copy_from_slice(&stored[offset..offset + count]),
            None => buf[..count].copy_from_slice(&ZEROS[..count]),
        }
        self.position += count as u64;
        Ok(count)
    }
}

impl Seek for Sparse {
    fn seek(&mut self, from: SeekFrom) -> std::io::Result<u64> {
        let target = match from {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.length.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
        };
        self.position = target.ok_or_else(|| std::io::Error::other("seek before start"))?;
        Ok(self.position)
    }
}
