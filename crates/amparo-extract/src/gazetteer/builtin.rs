//! The lists that ship with Amparo (`data/`), parsed at first use.

use super::fx::{FxHashMap, FxHashSet};
use std::sync::LazyLock;

use super::{GazetteerEntry, NameKind};
use crate::text::fold;

const PLACES: &str = include_str!("../../data/places.txt");
const ORGANIZATIONS: &str = include_str!("../../data/organizations.txt");
const DEMONYMS: &str = include_str!("../../data/demonyms.txt");
const GIVEN_NAMES: &str = include_str!("../../data/given-names.txt");
const SURNAMES: &str = include_str!("../../data/surnames.txt");

/// The shipped places and organizations as entries.
pub(super) static ENTRIES: LazyLock<Vec<GazetteerEntry>> = LazyLock::new(|| {
    let mut entries = parse_entries(PLACES, NameKind::Place);
    entries.extend(parse_entries(ORGANIZATIONS, NameKind::Organization));
    entries
});

/// Folded demonym → the id of its country or region.
pub(super) static DEMONYMS_BY_WORD: LazyLock<FxHashMap<String, &'static str>> =
    LazyLock::new(|| {
        let mut map = FxHashMap::default();
        for line in content_lines(DEMONYMS) {
            let mut fields = line.split('|').map(str::trim);
            let Some(id) = fields.next() else { continue };
            for word in fields.filter(|word| !word.is_empty()) {
                map.insert(fold(word), id);
            }
        }
        map
    });

/// Folded common given names.
pub(super) static GIVEN: LazyLock<FxHashSet<String>> = LazyLock::new(|| words(GIVEN_NAMES));

/// Folded common surnames.
pub(super) static SURNAME: LazyLock<FxHashSet<String>> = LazyLock::new(|| words(SURNAMES));

fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn words(text: &str) -> FxHashSet<String> {
    content_lines(text)
        .flat_map(str::split_whitespace)
        .map(fold)
        .collect()
}

/// `id | kind | name | alias …` lines as entries of `kind`.
fn parse_entries(text: &str, kind: NameKind) -> Vec<GazetteerEntry> {
    content_lines(text)
        .filter_map(|line| {
            let mut fields = line.split('|').map(str::trim);
            let id = fields.next()?.to_owned();
            let detail = fields.next()?.to_owned();
            let name = fields.next()?.to_owned();
            if id.is_empty() || name.is_empty() {
                return None;
            }
            let aliases = fields
                .filter(|alias| !alias.is_empty())
                .map(str::to_owned)
                .collect();
            Some(GazetteerEntry {
                id,
                kind,
                name,
                aliases,
                detail: (!detail.is_empty()).then_some(detail),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_parse_and_ids_are_unique() {
        let mut ids = std::collections::HashSet::new();
        for entry in ENTRIES.iter() {
            assert!(ids.insert(entry.id.clone()), "duplicate id {}", entry.id);
            assert!(entry.detail.is_some(), "{} has no kind", entry.id);
        }
        assert!(ENTRIES.len() > 300);
        assert_eq!(DEMONYMS_BY_WORD.get("venezolanos"), Some(&"country:ve"));
        assert!(GIVEN.contains("jose"));
        assert!(SURNAME.contains("rodriguez"));
    }
}
