//! C2SP tlog-checkpoint (<https://c2sp.org/tlog-checkpoint>) note text: the origin line, the
//! decimal tree size, the base64 root hash and optional extension lines, parsed strictly and
//! formatted canonically. Signing and verifying the note that carries it is [`crate::note`]'s
//! job.

use std::fmt;

use crate::hash::{HASH_SIZE, Hash};
use crate::note::MAX_NOTE_SIZE;

/// A log's signed tree head: which log, how many leaves, and the root hash over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

/// Why a checkpoint could not be parsed or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The text is longer than a note may be.
    #[error("checkpoint is {size} bytes, more than the {max} allowed")]
    TooLarge {
        /// The size of the text.
        size: usize,
        /// The largest size accepted.
        max: usize,
    },
    /// The text contains an ASCII control character other than newline.
    #[error("checkpoint contains a control character at byte {offset}")]
    ControlCharacter {
        /// Byte offset of the character.
        offset: usize,
    },
    /// The text does not end with a newline.
    #[error("checkpoint does not end with a newline")]
    MissingFinalNewline,
    /// The text has fewer than the three mandatory lines.
    #[error("checkpoint has {lines} lines, at least 3 are required")]
    TooFewLines {
        /// The number of lines found.
        lines: usize,
    },
    /// The origin line is empty.
    #[error("checkpoint origin is empty")]
    EmptyOrigin,
    /// The tree size line is not a plain ASCII decimal number.
    #[error("checkpoint tree size {line:?} is not a decimal number")]
    SizeNotDecimal {
        /// The offending line.
        line: String,
    },
    /// The tree size has a leading zero.
    #[error("checkpoint tree size {line:?} has a leading zero")]
    SizeLeadingZero {
        /// The offending line.
        line: String,
    },
    /// The tree size does not fit in 64 bits.
    #[error("checkpoint tree size {line:?} is too large")]
    SizeOverflow {
        /// The offending line.
        line: String,
    },
    /// The root hash line is not canonical standard base64.
    #[error("checkpoint root hash {line:?} is not canonical base64")]
    RootNotBase64 {
        /// The offending line.
        line: String,
    },
    /// The root hash is not 32 bytes.
    #[error("checkpoint root hash is {length} bytes, expected {HASH_SIZE}")]
    RootWrongLength {
        /// The decoded length.
        length: usize,
    },
    /// An extension line is empty.
    #[error("checkpoint extension line {number} is empty")]
    EmptyExtensionLine {
        /// The 1-based line number in the checkpoint.
        number: usize,
    },
    /// A field given to [`Checkpoint::new`] contains a newline.
    #[error("checkpoint field contains a newline")]
    NewlineInField,
}

impl Checkpoint {
    /// Builds a checkpoint, checking that the origin and every extension line are non-empty,
    /// single lines without control characters, as tlog-checkpoint "Note text" requires.
    pub fn new(
        origin: &str,
        size: u64,
        root: Hash,
        extensions: &[&str],
    ) -> Result<Checkpoint, CheckpointError> {
        if origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        check_line(origin)?;
        for (position, extension) in extensions.iter().enumerate() {
            if extension.is_empty() {
                return Err(CheckpointError::EmptyExtensionLine {
                    number: position + 4,
                });
            }
            check_line(extension)?;
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions: extensions.iter().map(|line| (*line).to_owned()).collect(),
        })
    }

    /// The log's origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The number of leaves in the tree.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The RFC 6962 root hash of the tree.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// The opaque extension lines, without their newlines.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// Parses checkpoint note text (the text of the signed note, final newline included) as
    /// tlog-checkpoint "Note text" defines it: origin, tree size without leading zeros, canonical
    /// base64 root of 32 bytes, then non-empty extension lines.
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        if text.len() > MAX_NOTE_SIZE {
            return Err(CheckpointError::TooLarge {
                size: text.len(),
                max: MAX_NOTE_SIZE,
            });
        }
        if let Some(offset) = text.bytes().position(|byte| byte < 0x20 && byte != b'\n') {
            return Err(CheckpointError::ControlCharacter { offset });
        }
        let Some(body) = text.strip_suffix('\n') else {
            return Err(CheckpointError::MissingFinalNewline);
        };
        let lines: Vec<&str> = body.split('\n').collect();
        let [origin, size_line, root_line, extensions @ ..] = lines.as_slice() else {
            return Err(CheckpointError::TooFewLines { lines: lines.len() });
        };
        if origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        let size = parse_size(size_line)?;
        let root_bytes = crate::base64_strict::decode(root_line).map_err(|_| {
            CheckpointError::RootNotBase64 {
                line: (*root_line).to_owned(),
            }
        })?;
        let root =
            Hash::from_slice(&root_bytes).map_err(|error| CheckpointError::RootWrongLength {
                length: error.length,
            })?;
        if let Some(position) = extensions.iter().position(|line| line.is_empty()) {
            return Err(CheckpointError::EmptyExtensionLine {
                number: position + 4,
            });
        }
        Ok(Checkpoint {
            origin: (*origin).to_owned(),
            size,
            root,
            extensions: extensions.iter().map(|line| (*line).to_owned()).collect(),
        })
    }
}

impl fmt::Display for Checkpoint {
    /// The canonical note text, ending with a newline (tlog-checkpoint "Note text").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        )?;
        for extension in &self.extensions {
            writeln!(f, "{extension}")?;
        }
        Ok(())
    }
}

fn check_line(line: &str) -> Result<(), CheckpointError> {
    if line.contains('\n') {
        return Err(CheckpointError::NewlineInField);
    }
    if let Some(offset) = line.bytes().position(|byte| byte < 0x20) {
        return Err(CheckpointError::ControlCharacter { offset });
    }
    Ok(())
}

fn parse_size(line: &str) -> Result<u64, CheckpointError> {
    if line.is_empty() || !line.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(CheckpointError::SizeNotDecimal {
            line: line.to_owned(),
        });
    }
    if line.len() > 1 && line.starts_with('0') {
        return Err(CheckpointError::SizeLeadingZero {
            line: line.to_owned(),
        });
    }
    line.parse().map_err(|_| CheckpointError::SizeOverflow {
        line: line.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_sumdb_format_vector() {
        let root = crate::hash::leaf_hash(b"hello world");
        let checkpoint = Checkpoint::new("go.sum database tree", 123456789012, root, &[]).unwrap();
        let text =
            "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";
        assert_eq!(checkpoint.to_string(), text);
        assert_eq!(Checkpoint::parse(text).unwrap(), checkpoint);
    }

    #[test]
    fn malformed_inputs() {
        let root = "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=";
        let cases: &[(&str, &str)] = &[
            ("o\n1\n", "checkpoint has 2 lines, at least 3 are required"),
            ("o\n1\nAA==", "checkpoint does not end with a newline"),
            (
                "o\n1\nx\n",
                "checkpoint root hash \"x\" is not canonical base64",
            ),
            ("\n1\nAA==\n", "checkpoint origin is empty"),
            (
                "o\n01\nAA==\n",
                "checkpoint tree size \"01\" has a leading zero",
            ),
            (
                "o\n+1\nAA==\n",
                "checkpoint tree size \"+1\" is not a decimal number",
            ),
            (
                "o\n\nAA==\n",
                "checkpoint tree size \"\" is not a decimal number",
            ),
            (
                "o\n99999999999999999999\nAA==\n",
                "checkpoint tree size \"99999999999999999999\" is too large",
            ),
            (
                "o\n1\nAA==\n",
                "checkpoint root hash is 1 bytes, expected 32",
            ),
            (
                "o\n1\nAQ\n",
                "checkpoint root hash \"AQ\" is not canonical base64",
            ),
            (
                "o\t\n1\nAA==\n",
                "checkpoint contains a control character at byte 1",
            ),
        ];
        for (text, message) in cases {
            let error = Checkpoint::parse(text).unwrap_err();
            assert_eq!(error.to_string(), *message, "{text:?}");
        }
        let with_empty_extension = format!("o\n1\n{root}\next\n\n");
        assert_eq!(
            Checkpoint::parse(&with_empty_extension).unwrap_err(),
            CheckpointError::EmptyExtensionLine { number: 5 }
        );
        let with_extension = format!("o\n0\n{root}\next one\n");
        let parsed = Checkpoint::parse(&with_extension).unwrap();
        assert_eq!(parsed.extensions(), ["ext one"]);
        assert_eq!(parsed.size(), 0);
        assert_eq!(parsed.to_string(), with_extension);
    }
}
