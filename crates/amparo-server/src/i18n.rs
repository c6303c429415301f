//! The interface in English and Spanish: message catalogues (`i18n/en.toml`, `i18n/es.toml`,
//! compiled in), the choice of language, and vocabulary labels.
//!
//! A catalogue is a flat table of keys to texts; `{name}` marks a placeholder. A test checks that
//! both catalogues have the same keys and placeholders, and that every key the templates and
//! handlers use exists.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

use amparo_model::Lang;
use amparo_model::vocab::{VocabularyId, vocabulary};

const ENGLISH: &str = include_str!("../i18n/en.toml");
const SPANISH: &str = include_str!("../i18n/es.toml");

/// Parses a catalogue; the files are checked by tests, so a failure is a build defect.
pub fn parse_catalogue(source: &str) -> Result<HashMap<String, String>, String> {
    toml::from_str(source).map_err(|error| error.to_string())
}

fn catalogue(lang: Lang) -> &'static HashMap<String, String> {
    static CATALOGUES: OnceLock<[HashMap<String, String>; 2]> = OnceLock::new();
    let catalogues = CATALOGUES.get_or_init(|| {
        [ENGLISH, SPANISH].map(|source| parse_catalogue(source).unwrap_or_default())
    });
    match lang {
        Lang::En => &catalogues[0],
        Lang::Es => &catalogues[1],
    }
}

/// Every key of a language's catalogue (for tests).
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut keys: Vec<&str> = catalogue(lang).keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// The interface language of one response, with the lookups templates need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct I18n {
    /// The language.
    pub lang: Lang,
}

impl I18n {
    /// The interface in `lang`.
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The BCP 47 code, for the `lang` attribute.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The text for `key`; a missing key shows as the key itself (tests keep that from happening).
    pub fn t(&self, key: &str) -> &str {
        catalogue(self.lang)
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| {
                tracing::warn!(i18n.key = key, "missing translation");
                "⟦missing text⟧"
            })
    }

    /// The text for `key`, if the catalogue has it (for keys made from data, such as field names).
    pub fn get(&self, key: &str) -> Option<&str> {
        catalogue(self.lang).get(key).map(String::as_str)
    }

    /// The text for `key` with its `{name}` placeholders filled in.
    pub fn tf(&self, key: &str, arguments: &[(&str, &dyn Display)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in arguments {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    /// The label of a vocabulary term in this language (the id itself for an unknown term).
    pub fn term(&self, vocabulary_id: VocabularyId, term_id: &str) -> String {
        vocabulary(vocabulary_id)
            .label(term_id, self.lang)
            .unwrap_or(term_id)
            .to_owned()
    }

    /// The other language, for the language switch.
    pub fn other(&self) -> Lang {
        match self.lang {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }
}

/// The first supported language of an `Accept-Language` header, by quality; English otherwise.
pub fn negotiate(accept_language: Option<&str>) -> Lang {
    let Some(header) = accept_language else {
        return Lang::En;
    };
    let mut choices: Vec<(f32, usize, Lang)> = header
        .split(',')
        .enumerate()
        .filter_map(|(position, part)| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|piece| piece.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next()? {
                "en" => Lang::En,
                "es" => Lang::Es,
                _ => return None,
            };
            (quality > 0.0).then_some((quality, position, lang))
        })
        .collect();
    choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    choices.first().map_or(Lang::En, |choice| choice.2)
}

/// Parses a language code from a form or cookie.
pub fn parse_lang(code: &str) -> Option<Lang> {
    match code {
        "en" => Some(Lang::En),
        "es" => Some(Lang::Es),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported_by_quality() {
        assert_eq!(negotiate(None), Lang::En);
        assert_eq!(negotiate(Some("es-VE,es;q=0.9,en;q=0.8")), Lang::Es);
        assert_eq!(
            negotiate(Some("pt-BR,pt;q=0.9,es;q=0.8,en;q=0.7")),
            Lang::Es
        );
        assert_eq!(negotiate(Some("en;q=0.5, es;q=0.6")), Lang::Es);
        assert_eq!(negotiate(Some("fr, de")), Lang::En);
        assert_eq!(negotiate(Some("es;q=0, en")), Lang::En);
        assert_eq!(negotiate(Some(";;,,q=")), Lang::En);
    }

    #[test]
    fn placeholders_are_filled() {
        let i = I18n::new(Lang::Es);
        assert_eq!(
            i.term(VocabularyId::CustodyStatus, "released"),
            "En libertad"
        );
        assert!(i.tf("persons.count", &[("count", &3)]).contains('3'));
    }
}
