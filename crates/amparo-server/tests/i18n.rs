//! Both catalogues hold the same keys with the same placeholders, no text is empty, and every
//! key the templates and handlers use exists in both.

use std::collections::BTreeSet;
use std::path::Path;

use amparo_model::Lang;
use amparo_server::i18n::{I18n, keys, parse_catalogue};

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn catalogues_have_the_same_keys_and_placeholders() {
    let english = parse_catalogue(include_str!("../i18n/en.toml")).unwrap();
    let spanish = parse_catalogue(include_str!("../i18n/es.toml")).unwrap();
    let english_keys: BTreeSet<&String> = english.keys().collect();
    let spanish_keys: BTreeSet<&String> = spanish.keys().collect();
    assert_eq!(
        english_keys
            .symmetric_difference(&spanish_keys)
            .collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "keys in only one language"
    );
    for (key, text) in &english {
        let other = &spanish[key];
        assert!(
            !text.trim().is_empty() && !other.trim().is_empty(),
            "{key} is empty"
        );
        assert_eq!(
            placeholders(text),
            placeholders(other),
            "{key}: placeholders differ"
        );
    }
    assert_eq!(keys(Lang::En).len(), english.len());
}

/// Every `t("…")` and `tf("…"` in the sources, with the file it is in.
fn used_keys(folder: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            used_keys(&path, found);
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for marker in ["t(\"", "tf(\""] {
            for (at, _) in text.match_indices(marker) {
                let preceded = text[..at].chars().last().unwrap_or(' ');
                if preceded != '.' {
                    continue;
                }
                let rest = &text[at + marker.len()..];
                let key = rest.split('"').next().unwrap();
                found.push((key.to_owned(), path.display().to_string()));
            }
        }
    }
}

#[test]
fn every_key_in_use_exists_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    used_keys(&root.join("templates"), &mut found);
    used_keys(&root.join("src"), &mut found);
    assert!(
        found.len() > 100,
        "the scan found the keys in use ({})",
        found.len()
    );
    let english: BTreeSet<&str> = keys(Lang::En).into_iter().collect();
    let spanish: BTreeSet<&str> = keys(Lang::Es).into_iter().collect();
    for (key, file) in &found {
        assert!(
            english.contains(key.as_str()),
            "{key} (used in {file}) is not in en.toml"
        );
        assert!(
            spanish.contains(key.as_str()),
            "{key} (used in {file}) is not in es.toml"
        );
    }
}

#[test]
fn a_missing_key_is_visible_not_silent() {
    assert_eq!(I18n::new(Lang::Es).t("no.such.key"), "⟦missing text⟧");
}
