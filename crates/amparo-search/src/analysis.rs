//! Text analysis: the analyzers each field is indexed and queried with, registered by name on
//! every index Amparo opens.
//!
//! Every analyzer folds case and accents before anything else, so "deportacion" and
//! "DEPORTACIÓN" are one term. Free text is indexed twice, stemmed as English and as Spanish
//! (folding first, then stemming, so a query typed without accents is stemmed like the accented
//! text); names are folded but never stemmed, and once more as edge n-grams (every prefix of
//! every word, up to [`MAX_PREFIX_CHARS`]) for names as you type.

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Free text stemmed as English.
pub(crate) const ENGLISH: &str = "amparo_en";
/// Free text stemmed as Spanish.
pub(crate) const SPANISH: &str = "amparo_es";
/// Names: folded, not stemmed.
pub(crate) const NAMES: &str = "amparo_names";
/// Names as every prefix of every word (index side only).
pub(crate) const NAME_PREFIXES: &str = "amparo_name_prefixes";

/// The longest prefix of a name indexed for names as you type; longer typed words are cut.
pub const MAX_PREFIX_CHARS: usize = 20;
/// Words longer than this many bytes are not indexed (they are noise: URLs, hashes, base64).
const MAX_TOKEN_BYTES: usize = 60;

fn folded() -> tantivy::tokenizer::TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// The analyzer for names (also used to read what a user types as a name).
pub(crate) fn names_analyzer() -> TextAnalyzer {
    folded().build()
}

/// Registers Amparo's analyzers on `index`.
pub(crate) fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(
        ENGLISH,
        folded().filter(Stemmer::new(Language::English)).build(),
    );
    tokenizers.register(
        SPANISH,
        folded().filter(Stemmer::new(Language::Spanish)).build(),
    );
    tokenizers.register(NAMES, names_analyzer());
    tokenizers.register(
        NAME_PREFIXES,
        folded()
            .filter(EdgeNgrams {
                max_chars: MAX_PREFIX_CHARS,
            })
            .build(),
    );
}

/// A token filter that replaces each word by its prefixes of 1 to `max_chars` characters, all
/// at the word's position.
#[derive(Clone)]
pub(crate) struct EdgeNgrams {
    max_chars: usize,
}

impl TokenFilter for EdgeNgrams {
    type Tokenizer<T: Tokenizer> = EdgeNgramsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> EdgeNgramsFilter<T> {
        EdgeNgramsFilter {
            inner: tokenizer,
            max_chars: self.max_chars,
        }
    }
}

#[derive(Clone)]
pub(crate) struct EdgeNgramsFilter<T> {
    inner: T,
    max_chars: usize,
}

impl<T: Tokenizer> Tokenizer for EdgeNgramsFilter<T> {
    type TokenStream<'a> = EdgeNgramsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EdgeNgramsStream {
            tail: self.inner.token_stream(text),
            max_chars: self.max_chars,
            word: String::new(),
            ends: Vec::new(),
            next: 0,
            token: Token::default(),
        }
    }
}

pub(crate) struct EdgeNgramsStream<S> {
    tail: S,
    max_chars: usize,
    /// The current word.
    word: String,
    /// The byte ends of the current word's prefixes.
    ends: Vec<usize>,
    /// The next prefix to give out.
    next: usize,
    token: Token,
}

impl<S: TokenStream> TokenStream for EdgeNgramsStream<S> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(&end) = self.ends.get(self.next) {
                self.next += 1;
                self.token.text.clear();
                self.token.text.push_str(&self.word[..end]);
                return true;
            }
            if !self.tail.advance() {
                return false;
            }
            let source = self.tail.token();
            self.word.clear();
            self.word.push_str(&source.text);
            self.token.offset_from = source.offset_from;
            self.token.offset_to = source.offset_to;
            self.token.position = source.position;
            self.token.position_length = source.position_length;
            self.ends.clear();
            self.ends.extend(
                self.word
                    .char_indices()
                    .take(self.max_chars)
                    .map(|(index, c)| index + c.len_utf8()),
            );
            self.next = 0;
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The folded words of `text`, as the names analyzer reads them.
pub(crate) fn name_words(text: &str) -> Vec<String> {
    let mut analyzer = names_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(format!(
                "{}@{}",
                stream.token().text,
                stream.token().position
            ));
        }
        out
    }

    #[test]
    fn edge_ngrams_give_every_prefix_at_the_word_position() {
        let mut analyzer = folded().filter(EdgeNgrams { max_chars: 3 }).build();
        assert_eq!(
            tokens(&mut analyzer, "José Ñu"),
            ["j@0", "jo@0", "jos@0", "n@1", "nu@1"]
        );
    }

    #[test]
    fn folding_comes_before_stemming() {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        register(&index);
        let mut spanish = index.tokenizers().get(SPANISH).expect("registered");
        assert_eq!(
            tokens(&mut spanish, "Deportación deportacion"),
            tokens(&mut spanish, "deportacion DEPORTACIÓN")
        );
    }
}
