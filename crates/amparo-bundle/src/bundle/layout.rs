//! The one ZIP layout a bundle may have (PKWARE APPNOTE 6.3.10): members back to back from
//! byte 0, then the central directory, then the end records, every header field fixed or
//! determined by the member's name, CRC-32, size and offset. Checking every header byte against
//! this layout means that no byte of a bundle goes unchecked: member data is covered by CRC-32
//! and the verification steps, and everything else must be exactly as the writer puts it.
//!
//! The layout is the zip crate's output for STORED members written with
//! `SimpleFileOptions::DEFAULT`, 1980-01-01 00:00:00, `System::Unix`, mode 0644, and
//! `large_file(true)` for the evidence only; `tests/data/bundle-v1.zip` pins it.

use std::io::{Read, Seek, SeekFrom};

/// What the layout of one member depends on.
#[derive(Debug, Clone)]
pub(crate) struct EntryLayout {
    /// The raw member name.
    pub name: Vec<u8>,
    /// The CRC-32 of the member's bytes.
    pub crc32: u32,
    /// The member's size; STORED, so also its size in the file.
    pub size: u64,
    /// Where its local header starts.
    pub header_start: u64,
    /// Whether it was written with ZIP64 sizes whatever its size (the evidence).
    pub zip64: bool,
}

/// The largest value a 32-bit ZIP field holds; at and above it ZIP64 takes over.
const ZIP64_THRESHOLD: u64 = 0xFFFF_FFFF;
/// The largest entry count a 16-bit field holds.
const ZIP64_ENTRY_THRESHOLD: usize = 0xFFFF;
/// 1980-01-01 in MS-DOS date format; the time field is 0.
const DOS_DATE_1980: u16 = 0x0021;
/// Unix regular file, mode 0644, in the high half of the external attributes.
const EXTERNAL_ATTRIBUTES: u32 = 0o100_644 << 16;
/// The general purpose flag bit saying the name is UTF-8 (APPNOTE 4.4.4, bit 11).
const UTF8_FLAG: u16 = 0x0800;
/// "Made by" system Unix (APPNOTE 4.4.2).
const MADE_BY_UNIX: u16 = 3 << 8;

fn version_needed(entry: &EntryLayout) -> u16 {
    if entry.zip64 { 45 } else { 10 }
}

fn flags(entry: &EntryLayout) -> u16 {
    if entry.name.is_ascii() { 0 } else { UTF8_FLAG }
}

fn size32(size: u64) -> u32 {
    u32::try_from(size.min(ZIP64_THRESHOLD)).unwrap_or(u32::MAX)
}

/// The fields every header shares after the versions: flags, method, time, date, CRC-32.
fn common_fields(bytes: &mut Vec<u8>, entry: &EntryLayout) {
    bytes.extend(flags(entry).to_le_bytes());
    bytes.extend(0u16.to_le_bytes()); // STORED
    bytes.extend(0u16.to_le_bytes()); // 00:00:00
    bytes.extend(DOS_DATE_1980.to_le_bytes());
    bytes.extend(entry.crc32.to_le_bytes());
}

fn zip64_field(values: &[u64]) -> Vec<u8> {
    let mut field = Vec::with_capacity(4 + 8 * values.len());
    field.extend(1u16.to_le_bytes());
    field.extend(u16::try_from(8 * values.len()).unwrap_or(0).to_le_bytes());
    for value in values {
        field.extend(value.to_le_bytes());
    }
    field
}

fn name_length(entry: &EntryLayout) -> u16 {
    u16::try_from(entry.name.len()).unwrap_or(u16::MAX)
}

/// The local file header (APPNOTE 4.3.7).
fn local_header(entry: &EntryLayout) -> Vec<u8> {
    let sizes_in_zip64 = entry.zip64 || entry.size >= ZIP64_THRESHOLD;
    let extra = if sizes_in_zip64 {
        zip64_field(&[entry.size, entry.size])
    } else {
        Vec::new()
    };
    let stated = if sizes_in_zip64 {
        u32::MAX
    } else {
        size32(entry.size)
    };
    let mut bytes = Vec::with_capacity(30 + entry.name.len() + extra.len());
    bytes.extend(0x0403_4b50u32.to_le_bytes());
    bytes.extend(version_needed(entry).to_le_bytes());
    common_fields(&mut bytes, entry);
    bytes.extend(stated.to_le_bytes());
    bytes.extend(stated.to_le_bytes());
    bytes.extend(name_length(entry).to_le_bytes());
    bytes.extend(u16::try_from(extra.len()).unwrap_or(0).to_le_bytes());
    bytes.extend(&entry.name);
    bytes.extend(extra);
    bytes
}

/// The central directory header (APPNOTE 4.3.12).
fn central_header(entry: &EntryLayout) -> Vec<u8> {
    let sizes_in_zip64 = entry.zip64 || entry.size >= ZIP64_THRESHOLD;
    let offset_in_zip64 = entry.header_start >= ZIP64_THRESHOLD;
    let mut values = Vec::new();
    if sizes_in_zip64 {
        values.extend([entry.size, entry.size]);
    }
    if offset_in_zip64 {
        values.push(entry.header_start);
    }
    let extra = if values.is_empty() {
        Vec::new()
    } else {
        zip64_field(&values)
    };
    let stated = if sizes_in_zip64 {
        u32::MAX
    } else {
        size32(entry.size)
    };
    let mut bytes = Vec::with_capacity(46 + entry.name.len() + extra.len());
    bytes.extend(0x0201_4b50u32.to_le_bytes());
    bytes.extend((MADE_BY_UNIX | version_needed(entry)).to_le_bytes());
    bytes.extend(version_needed(entry).to_le_bytes());
    common_fields(&mut bytes, entry);
    bytes.extend(stated.to_le_bytes());
    bytes.extend(stated.to_le_bytes());
    bytes.extend(name_length(entry).to_le_bytes());
    bytes.extend(u16::try_from(extra.len()).unwrap_or(0).to_le_bytes());
    bytes.extend(0u16.to_le_bytes()); // comment length
    bytes.extend(0u16.to_le_bytes()); // disk number start
    bytes.extend(0u16.to_le_bytes()); // internal attributes
    bytes.extend(EXTERNAL_ATTRIBUTES.to_le_bytes());
    bytes.extend(size32(entry.header_start).to_le_bytes());
    bytes.extend(&entry.name);
    bytes.extend(extra);
    bytes
}

/// The ZIP64 end records when needed (APPNOTE 4.3.14, 4.3.15) and the end of central directory
/// record (APPNOTE 4.3.16), without a comment.
fn end_records(entries: &[EntryLayout], central_start: u64, central_size: u64) -> Vec<u8> {
    let count = entries.len();
    let is_zip64 =
        count > ZIP64_ENTRY_THRESHOLD || central_size.max(central_start) > ZIP64_THRESHOLD;
    let mut bytes = Vec::with_capacity(98);
    if is_zip64 {
        let version = entries.iter().map(version_needed).max().unwrap_or(10);
        bytes.extend(0x0606_4b50u32.to_le_bytes());
        bytes.extend(44u64.to_le_bytes());
        bytes.extend(version.to_le_bytes());
        bytes.extend(version.to_le_bytes());
        bytes.extend(0u32.to_le_bytes());
        bytes.extend(0u32.to_le_bytes());
        bytes.extend((count as u64).to_le_bytes());
        bytes.extend((count as u64).to_le_bytes());
        bytes.extend(central_size.to_le_bytes());
        bytes.extend(central_start.to_le_bytes());
        bytes.extend(0x0706_4b50u32.to_le_bytes());
        bytes.extend(0u32.to_le_bytes());
        bytes.extend(central_start.saturating_add(central_size).to_le_bytes());
        bytes.extend(1u32.to_le_bytes());
    }
    let count16 = u16::try_from(count.min(ZIP64_ENTRY_THRESHOLD)).unwrap_or(u16::MAX);
    bytes.extend(0x0605_4b50u32.to_le_bytes());
    bytes.extend(0u16.to_le_bytes());
    bytes.extend(0u16.to_le_bytes());
    bytes.extend(count16.to_le_bytes());
    bytes.extend(count16.to_le_bytes());
    let size_field = if is_zip64 {
        u32::MAX
    } else {
        size32(central_size)
    };
    bytes.extend(size_field.to_le_bytes());
    bytes.extend(size32(central_start).to_le_bytes());
    bytes.extend(0u16.to_le_bytes());
    bytes
}

/// Compares the bytes at `start` with `expected`; `Err` names the first byte that differs.
fn compare_at<R: Read + Seek>(
    reader: &mut R,
    start: u64,
    expected: &[u8],
    what: &str,
) -> Result<(), String> {
    let mut actual = vec![0u8; expected.len()];
    reader
        .seek(SeekFrom::Start(start))
        .and_then(|_| reader.read_exact(&mut actual))
        .map_err(|error| format!("{what} cannot be read ({error})"))?;
    match actual.iter().zip(expected).position(|(a, e)| a != e) {
        None => Ok(()),
        Some(offset) => Err(format!(
            "{what} is not as a bundle writer writes it (byte {} of the file differs)",
            start + offset as u64
        )),
    }
}

/// Checks that the file is exactly the layout of `entries`, in this order, and nothing more.
pub(crate) fn check<R: Read + Seek>(reader: &mut R, entries: &[EntryLayout]) -> Result<(), String> {
    let file_length = reader
        .seek(SeekFrom::End(0))
        .map_err(|error| format!("the bundle's length cannot be read ({error})"))?;
    let mut position = 0u64;
    for entry in entries {
        let name = String::from_utf8_lossy(&entry.name);
        if entry.header_start != position {
            return Err(format!(
                "member {name:?} starts at byte {} instead of {position}: the ZIP file holds bytes that belong to no member",
                entry.header_start
            ));
        }
        let header = local_header(entry);
        compare_at(
            reader,
            position,
            &header,
            &format!("the local header of member {name:?}"),
        )?;
        position = position
            .checked_add(header.len() as u64)
            .and_then(|end| end.checked_add(entry.size))
            .ok_or_else(|| format!("member {name:?} ends beyond any possible file length"))?;
    }
    let central: Vec<u8> = entries.iter().flat_map(central_header).collect();
    let mut tail = central.clone();
    tail.extend(end_records(entries, position, central.len() as u64));
    let expected_length = position.saturating_add(tail.len() as u64);
    if file_length != expected_length {
        return Err(format!(
            "the bundle is {file_length} bytes long, but its members and directory make {expected_length}"
        ));
    }
    compare_at(reader, position, &tail, "the ZIP central directory")
}
