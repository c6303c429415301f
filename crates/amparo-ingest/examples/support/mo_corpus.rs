//! Reads the translated messages of installed gettext catalogues (`*.mo` under
//! `/usr/share/locale`) into per-language text, cleaned of format strings and identifiers, and
//! splits it into training and held-out parts. Shared by `train_lang` and `eval_lang`.
//!
//! The catalogues come from Debian packages (GNU coreutils, tar, grep, sed, bash, gettext,
//! findutils, apt, dpkg, systemd, GLib, GTK, …) under free licences (GPL, LGPL and similar).
//! Only statistics derived from them (n-gram costs) are committed, never the messages.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The model's languages and the locale directories each one is read from.
pub const LANGUAGES: &[(&str, &[&str])] = &[
    ("en", &[]),
    ("es", &["es"]),
    ("pt", &["pt", "pt_BR"]),
    ("ca", &["ca"]),
    ("gl", &["gl"]),
    ("fr", &["fr"]),
    ("it", &["it"]),
    ("de", &["de"]),
    ("nl", &["nl"]),
    ("ro", &["ro"]),
    ("pl", &["pl"]),
    ("eu", &["eu"]),
];

/// Catalogues left out: lists of names (countries, currencies, keyboard layouts), not prose.
fn skipped(file_name: &str) -> bool {
    file_name.starts_with("iso_") || file_name.starts_with("xkeyboard-config")
}

/// One message: the cleaned text and whether it belongs to the held-out part.
pub struct Message {
    pub text: String,
    pub held_out: bool,
}

/// Messages per language code, each set deduplicated and sorted so runs are reproducible.
pub fn read_corpus(locale_root: &Path) -> BTreeMap<&'static str, Vec<Message>> {
    let mut english: BTreeSet<String> = BTreeSet::new();
    let mut out = BTreeMap::new();
    for (code, dirs) in LANGUAGES {
        let mut texts: BTreeMap<String, bool> = BTreeMap::new();
        for dir in *dirs {
            for file in mo_files(&locale_root.join(dir).join("LC_MESSAGES")) {
                let Ok(bytes) = std::fs::read(&file) else {
                    continue;
                };
                for (msgid, msgstr) in parse_mo(&bytes) {
                    let held_out = is_held_out(&msgid);
                    let cleaned_id = clean(&msgid, None);
                    if !cleaned_id.is_empty() {
                        english.insert(msgid.clone());
                    }
                    if msgstr == msgid {
                        continue;
                    }
                    let cleaned = clean(&msgstr, Some(&msgid));
                    if cleaned.split_whitespace().count() > 0 {
                        texts.insert(cleaned, held_out);
                    }
                }
            }
        }
        out.insert(*code, texts);
    }
    let english: BTreeMap<String, bool> = english
        .into_iter()
        .map(|msgid| (clean(&msgid, None), is_held_out(&msgid)))
        .filter(|(text, _)| !text.is_empty())
        .collect();
    out.insert("en", english);
    out.into_iter()
        .map(|(code, texts)| {
            let messages = texts
                .into_iter()
                .map(|(text, held_out)| Message { text, held_out })
                .collect();
            (code, messages)
        })
        .collect()
}

fn mo_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "mo"))
        .filter(|path| !skipped(&path.file_name().unwrap_or_default().to_string_lossy()))
        .collect();
    files.sort();
    files
}

/// One message in ten, chosen by a hash of its English source, is held out; the same source
/// string is held out in every language.
fn is_held_out(msgid: &str) -> bool {
    let hash = msgid.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    hash % 10 == 0
}

/// The (msgid, msgstr) pairs of a `.mo` file: first plural form of each, context removed.
fn parse_mo(bytes: &[u8]) -> Vec<(String, String)> {
    let read_u32 = |offset: usize, big_endian: bool| -> Option<u32> {
        let b: [u8; 4] = bytes.get(offset..offset + 4)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let big_endian = match read_u32(0, false) {
        Some(0x9504_12de) => false,
        Some(0xde12_0495) => true,
        _ => return Vec::new(),
    };
    let get = |table: usize, index: usize| -> Option<String> {
        let len = read_u32(table + index * 8, big_endian)? as usize;
        let offset = read_u32(table + index * 8 + 4, big_endian)? as usize;
        let raw = bytes.get(offset..offset + len)?;
        let text = String::from_utf8_lossy(raw);
        let text = text.split('\0').next().unwrap_or_default();
        let text = text.rsplit('\u{4}').next().unwrap_or_default();
        Some(text.to_owned())
    };
    let (Some(count), Some(originals), Some(translations)) = (
        read_u32(8, big_endian),
        read_u32(12, big_endian),
        read_u32(16, big_endian),
    ) else {
        return Vec::new();
    };
    (0..count as usize)
        .filter_map(|i| Some((get(originals as usize, i)?, get(translations as usize, i)?)))
        .filter(|(msgid, msgstr)| !msgid.is_empty() && !msgstr.is_empty())
        .collect()
}

/// Keeps the prose of a message: drops format directives, markup, options, paths, identifiers
/// and (in a translation) words copied unchanged from the English source.
pub fn clean(message: &str, source: Option<&str>) -> String {
    let source_words: BTreeSet<&str> = source
        .map(|s| {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3)
                .collect()
        })
        .unwrap_or_default();
    let mut out = String::new();
    for token in message.split_whitespace() {
        if token.starts_with('-') || token.starts_with('%') {
            continue;
        }
        let bad = token.chars().any(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '_' | '/'
                        | '\\'
                        | '='
                        | '@'
                        | '<'
                        | '>'
                        | '{'
                        | '}'
                        | '$'
                        | '%'
                        | '|'
                        | '['
                        | ']'
                        | '*'
                        | '#'
                        | '&'
                        | '~'
                        | '`'
                )
        });
        if bad {
            continue;
        }
        let word: String = token.chars().filter(|c| c.is_alphabetic()).collect();
        if word.is_empty() {
            continue;
        }
        let upper = word.chars().filter(|c| c.is_uppercase()).count();
        let camel = word.chars().skip(1).any(|c| c.is_uppercase());
        if (upper >= 2 && upper * 2 >= word.chars().count()) || camel {
            continue;
        }
        if source_words.contains(word.as_str()) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(token);
    }
    out
}
