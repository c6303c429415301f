//! Text analysis: the analyzers each field is indexed and queried with, registered by name on
//! every index Amparo opens.
//!
//! Every analyzer folds case and accents before anything else, so "deportacion" and
//! "DEPORTACIÓN" are one term. Free text is indexed once, each word stemmed as Spanish and then
//! as English (folding first, so a query typed without accents is stemmed like the accented
//! text). One stem made by both stemmers, rather than a field per language, is what lets a
//! query in one language find the other's cognates: "deportation" and "deportaciones" both end
//! as `deport`, "presidents" and "presidente" as `presid`, "víctimas" and "victims" as `victim`,
//! where a field per language holds `deport` in one and `deportation` in the other and never
//! meets (Spanish first: English first turns "president" into `pres` and "presidente" into
//! `president`). Cognates whose stems differ still miss each other ("detention" `detent`,
//! "detención" `detencion`; "prison", "prisión" `prision`). It also analyses and indexes the
//! text once instead of twice, the larger part of the cost of indexing. The price is some
//! words conflated across languages that one stemmer would keep apart ("case", "caso" and
//! "casa" are all `cas`): a search for one finds a few more documents, never fewer.
//!
//! Names are folded but never stemmed, and once more as edge n-grams (every prefix of every
//! word, up to [`MAX_PREFIX_CHARS`]) for names as you type.

use rustc_hash::FxHashMap;
use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenStream, SimpleTokenizer,
    Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Free text: folded, stemmed as Spanish, then as English.
pub(crate) const TEXT: &str = "amparo_text";
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

/// Free text, word by word: folded, then stemmed as Spanish, then as English.
fn stemmed() -> TextAnalyzer {
    folded()
        .filter(Stemmer::new(Language::Spanish))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers Amparo's analyzers on `index`.
pub(crate) fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(TEXT, TextAnalyzer::from(Memoized::new(stemmed())));
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

/// How many distinct words a [`Memoized`] analyzer remembers before it forgets them all and
/// starts over. Each entry costs about 100 bytes, so this bounds the memo near 6 MB per analyzer
/// copy (tantivy holds one copy per field per indexing thread).
const MEMO_WORDS: usize = 1 << 16;

/// An analyzer that remembers what each word became.
///
/// Splitting text into words is cheap; folding, lowercasing and above all stemming each word is
/// not, and text repeats its words (a few thousand words make up most of any page). Every
/// filter after the tokenizer acts on one word at a time and keeps no state between words, so
/// the analysis of a word is a function of the word alone: this analyzer splits the text as
/// `SimpleTokenizer` does, runs `per_word` (the whole analyzer: tokenizer and filters) on each
/// word the first time it meets it, and thereafter gives the remembered result. The tokens
/// (text, position, offsets) are the ones `per_word` would give on the whole text.
///
/// The memo lives in each copy of the analyzer (tantivy copies the registered analyzer for
/// every segment it writes and every query it reads), and a copy starts with an empty one.
pub(crate) struct Memoized {
    words: SimpleTokenizer,
    per_word: TextAnalyzer,
    /// Each word met, and its one token (`None` when the filters dropped it).
    memo: FxHashMap<Box<str>, Option<Box<str>>>,
    /// The most words `memo` holds.
    capacity: usize,
}

impl Memoized {
    /// `per_word` remembered for up to [`MEMO_WORDS`] words.
    pub(crate) fn new(per_word: TextAnalyzer) -> Memoized {
        Memoized::with_capacity(per_word, MEMO_WORDS)
    }

    fn with_capacity(per_word: TextAnalyzer, capacity: usize) -> Memoized {
        Memoized {
            words: SimpleTokenizer::default(),
            per_word,
            memo: FxHashMap::default(),
            capacity,
        }
    }
}

impl Clone for Memoized {
    /// A copy with an empty memo: copies are made to be used apart, and copying the memo would
    /// cost more than refilling it.
    fn clone(&self) -> Memoized {
        Memoized::with_capacity(self.per_word.clone(), self.capacity)
    }
}

impl Tokenizer for Memoized {
    type TokenStream<'a> = MemoizedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MemoizedStream<'a> {
        MemoizedStream {
            words: self.words.token_stream(text),
            per_word: &mut self.per_word,
            memo: &mut self.memo,
            capacity: self.capacity,
        }
    }
}

pub(crate) struct MemoizedStream<'a> {
    words: SimpleTokenStream<'a>,
    per_word: &'a mut TextAnalyzer,
    memo: &'a mut FxHashMap<Box<str>, Option<Box<str>>>,
    capacity: usize,
}

impl MemoizedStream<'_> {
    /// What `per_word` makes of `word`: its one token, or `None` if it drops the word.
    fn analyze(per_word: &mut TextAnalyzer, word: &str) -> Option<Box<str>> {
        let mut stream = per_word.token_stream(word);
        let token = stream
            .advance()
            .then(|| stream.token().text.as_str().into());
        debug_assert!(!stream.advance(), "one word made more than one token");
        token
    }
}

impl TokenStream for MemoizedStream<'_> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let token = self.words.token_mut();
            let analyzed = match self.memo.get(token.text.as_str()) {
                Some(analyzed) => analyzed.as_deref(),
                None => {
                    if self.memo.len() >= self.capacity {
                        self.memo.clear();
                    }
                    let analyzed = Self::analyze(self.per_word, &token.text);
                    self.memo
                        .entry(token.text.as_str().into())
                        .or_insert(analyzed)
                        .as_deref()
                }
            };
            if let Some(analyzed) = analyzed {
                token.text.clear();
                token.text.push_str(analyzed);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.words.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
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

    /// Text with what the analyzers treat specially: case, accents, digits, other scripts,
    /// punctuation inside words, words over the length limit, and words that come back.
    const MIXED: &str = "Deportación deportacion DEPORTACIÓN; the deported men were deported. \
        Los hombres deportados — 2024-03-01, año 2023, Ñandú straße ΣΊΣΥΦΟΣ Русский текст 漢字 \
        x1 don't l'homme e-mail naïve café CAFÉ Café \
        abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij \
        abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh running runs ran \
        ééééééééééééééééééééééééééééééé fin";

    /// Tokens with their text, position and offsets.
    fn full_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        out
    }

    #[test]
    fn memoized_analysis_gives_the_same_tokens() {
        let mut plain = stemmed();
        let mut memoized = TextAnalyzer::from(Memoized::new(stemmed()));
        // A memo too small for the text, forgetting as it goes.
        let mut forgetful = TextAnalyzer::from(Memoized::with_capacity(stemmed(), 3));
        let expected = full_tokens(&mut plain, MIXED);
        assert!(expected.len() > 30, "{expected:?}");
        // Twice each: the second time every word comes from the memo.
        for _ in 0..2 {
            assert_eq!(full_tokens(&mut memoized, MIXED), expected);
            assert_eq!(full_tokens(&mut forgetful, MIXED), expected);
        }
        let mut copy = memoized.clone();
        assert_eq!(full_tokens(&mut copy, MIXED), expected);
        assert_eq!(full_tokens(&mut memoized, ""), []);
    }

    #[test]
    fn words_over_the_limit_are_dropped_but_keep_their_position() {
        let mut analyzer = TextAnalyzer::from(Memoized::new(stemmed()));
        let long = "a".repeat(MAX_TOKEN_BYTES);
        let text = format!("cat {long} dog {long}");
        assert_eq!(tokens(&mut analyzer, &text), ["cat@0", "dog@2"]);
        assert_eq!(tokens(&mut analyzer, &text), ["cat@0", "dog@2"]);
    }

    #[test]
    fn folding_comes_before_stemming() {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        register(&index);
        let mut text = index.tokenizers().get(TEXT).expect("registered");
        assert_eq!(
            tokens(&mut text, "Deportación deportacion"),
            tokens(&mut text, "deportacion DEPORTACIÓN")
        );
    }

    /// The words of `text` as the free-text analyzer leaves them.
    fn stems(text: &str) -> Vec<String> {
        let mut stream = stemmed();
        let mut stream = stream.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn cognates_meet_and_inflections_too() {
        for group in [
            "deportation deportations deported deportación deportaciones deportados deportada",
            "president presidents presidente presidentes",
            "victims victim víctimas víctima",
            "torture tortured tortura torturados",
            "migrants migrant migrantes migrante",
            "removal removals removed",
            "detained detainees",
            "desaparecidos desaparecida desaparecido",
        ] {
            let stems = stems(group);
            assert!(
                stems.iter().all(|stem| *stem == stems[0]),
                "{group}: {stems:?}"
            );
        }
        // Cognates the stemmers leave apart (the module documentation says so).
        assert_ne!(stems("detention"), stems("detención"));
        assert_ne!(stems("prison"), stems("prisión"));
        // Words conflated across the languages (the module documentation says so too).
        assert_eq!(stems("case caso"), stems("casa casa"));
        // Different words stay different.
        assert_ne!(stems("deported"), stems("detained"));
        assert_ne!(stems("judge"), stems("juez"));
    }
}
