//! Counts of people: "252 individuals", "more than 200 men", "hundreds of Venezuelans",
//! "238 migrantes venezolanos", "unos 40 solicitantes de asilo", "decenas de personas".
//!
//! A count is a number (in digits or words) or a vague quantity ("hundreds of", "decenas de")
//! followed by a word for people, with at most a few modifiers between them ("252 Venezuelan
//! men", "three young women", "dos de los hombres"). The span takes in a qualifier before the
//! number ("more than", "unos", "al menos") — which makes the count approximate — and, in
//! Spanish, demonyms and adjectives after the noun ("migrantes venezolanos").
//!
//! Choices:
//! - years, money, percentages, durations, ages ("a 24-year-old man"), articles ("Article 3")
//!   and page numbers are not counts, because no word for people follows the number, or because
//!   the number is a year after "in"/"en" or money after a currency sign;
//! - "one", "a man", "un hombre" are not counts (a single person is a person, not a number of
//!   people); "1 person" written in digits is;
//! - "two of the men" / "dos de los hombres" / "75 of them" / "130 de ellos" / "twelve of our
//!   parishioners" / "a dozen of the detainees" are counts (of 2, of 75), from two up;
//! - "a father of three" / "madre de dos" (a number in words, up to twenty) counts the
//!   children;
//! - vague quantities are approximate and give the smallest they can mean: "dozens" 24,
//!   "scores" 40, "hundreds"/"cientos"/"centenares" 200, "thousands"/"miles" 2,000,
//!   "decenas" 20, "tens of thousands" 20,000, "hundreds of thousands" 200,000; "a dozen" /
//!   "una docena" is 12, approximate;
//! - "at least", "more than", "up to", "nearly" and the like make a count approximate.

pub(crate) mod words;

use crate::CountMention;
use crate::Language;
use crate::classes::COUNT_START;
use crate::text::Doc;

use std::sync::OnceLock;

use words::{Lexicon, NUMBER_WORDS, Words, may_start_number, parse_number};

/// The words a count may start at besides numbers: first words of qualifiers and vague
/// quantities, and numbers in words.
fn starters() -> &'static Lexicon {
    static STARTERS: OnceLock<Lexicon> = OnceLock::new();
    STARTERS.get_or_init(|| {
        let mut lexicon = Lexicon::default();
        lexicon.extend(
            QUALIFIERS
                .iter()
                .filter_map(|qualifier| qualifier.first().copied()),
        );
        lexicon.extend(
            VAGUE
                .iter()
                .filter_map(|(sequence, _)| sequence.first().copied()),
        );
        lexicon.extend(["a", "una", "dozens"]);
        lexicon.extend(NUMBER_WORDS.iter().copied());
        lexicon
    })
}

/// The words of [`starters`], for the table of every word list ([`crate::classes`]).
pub(crate) fn starter_words() -> impl Iterator<Item = &'static str> {
    starters().iter().copied()
}

/// Finds the numbers of people `doc` gives.
pub fn find_counts(doc: &Doc) -> Vec<CountMention> {
    let words = Words::new(doc);
    let mut counts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match count_at(&words, i) {
            Some(found) => {
                let bytes = words.bytes(found.start, found.last);
                let chars = doc.char_range(bytes.clone());
                counts.push(CountMention {
                    text: doc.slice(bytes).to_owned(),
                    start: chars.start,
                    end: chars.end,
                    value: found.value,
                    approximate: found.approximate,
                });
                i = found.last + 1;
            }
            None => i += 1,
        }
    }
    counts
}

/// A count found in tokens `start..=last`.
struct Found {
    start: usize,
    last: usize,
    value: Option<u64>,
    approximate: bool,
}

/// Qualifiers before a number that make it approximate, as folded token sequences.
const QUALIFIERS: &[&[&str]] = &[
    &["more", "than"],
    &["fewer", "than"],
    &["less", "than"],
    &["at", "least"],
    &["at", "most"],
    &["up", "to"],
    &["as", "many", "as"],
    &["close", "to"],
    &["upwards", "of"],
    &["an", "estimated"],
    &["estimated"],
    &["well", "over"],
    &["just", "over"],
    &["just", "under"],
    &["over"],
    &["about"],
    &["around"],
    &["approximately"],
    &["roughly"],
    &["nearly"],
    &["almost"],
    &["some"],
    &["poco", "mas", "de"],
    &["mas", "de"],
    &["menos", "de"],
    &["alrededor", "de"],
    &["cerca", "de"],
    &["al", "menos"],
    &["por", "lo", "menos"],
    &["un", "estimado", "de"],
    &["aproximadamente"],
    &["unos"],
    &["unas"],
    &["casi"],
    &["hasta"],
];

/// Vague quantities ("hundreds of"): folded words, the value they give at least, and whether
/// they need "of"/"de" after them (all do except "a dozen", which may go without).
const VAGUE: &[(&[&str], u64)] = &[
    (&["tens", "of", "thousands"], 20_000),
    (&["hundreds", "of", "thousands"], 200_000),
    (&["decenas", "de", "miles"], 20_000),
    (&["cientos", "de", "miles"], 200_000),
    (&["centenares", "de", "miles"], 200_000),
    (&["dozens"], 24),
    (&["scores"], 40),
    (&["hundreds"], 200),
    (&["thousands"], 2_000),
    (&["millions"], 2_000_000),
    (&["decenas"], 20),
    (&["docenas"], 24),
    (&["cientos"], 200),
    (&["centenares"], 200),
    (&["miles"], 2_000),
    (&["millones"], 2_000_000),
];

/// Words for people, folded (singular and plural). Multi-word ones ("asylum seekers",
/// "solicitantes de asilo") are read as a modifier and a noun, or a noun and a complement.
const PEOPLE: &[&str] = &[
    // English.
    "people",
    "persons",
    "person",
    "individuals",
    "individual",
    "men",
    "man",
    "women",
    "woman",
    "children",
    "child",
    "kids",
    "minors",
    "minor",
    "boys",
    "boy",
    "girls",
    "girl",
    "babies",
    "infants",
    "teenagers",
    "teens",
    "adolescents",
    "adults",
    "families",
    "family",
    "relatives",
    "parents",
    "mothers",
    "fathers",
    "sons",
    "daughters",
    "siblings",
    "brothers",
    "sisters",
    "migrants",
    "migrant",
    "immigrants",
    "immigrant",
    "emigrants",
    "refugees",
    "refugee",
    "seekers",
    "asylum-seekers",
    "deportees",
    "deportee",
    "detainees",
    "detainee",
    "parishioners",
    "worshippers",
    "congregants",
    "fieles",
    "feligreses",
    "patients",
    "pacientes",
    "dissidents",
    "disidentes",
    "opositores",
    "prisoners",
    "prisoner",
    "inmates",
    "inmate",
    "nationals",
    "national",
    "citizens",
    "citizen",
    "residents",
    "workers",
    "students",
    "passengers",
    "survivors",
    "victims",
    "victim",
    "members",
    "defendants",
    "plaintiffs",
    "petitioners",
    "lawyers",
    "attorneys",
    "journalists",
    "activists",
    "defenders",
    "officers",
    "agents",
    "guards",
    "soldiers",
    "deaths",
    "dead",
    "bodies",
    "foreigners",
    "travelers",
    "travellers",
    "returnees",
    "exiles",
    "evacuees",
    "wounded",
    "police",
    "policemen",
    "troops",
    "venezuelans",
    "salvadorans",
    "salvadorians",
    "mexicans",
    "guatemalans",
    "hondurans",
    "cubans",
    "haitians",
    "colombians",
    "nicaraguans",
    "ecuadorians",
    "peruvians",
    "brazilians",
    "dominicans",
    "chileans",
    "argentines",
    "argentinians",
    "americans",
    "afghans",
    "africans",
    "indians",
    "chinese",
    "russians",
    "ukrainians",
    "syrians",
    "iranians",
    "mauritanians",
    "senegalese",
    "congolese",
    "cameroonians",
    "eritreans",
    "somalis",
    "sudanese",
    // Spanish.
    "personas",
    "persona",
    "individuos",
    "hombres",
    "mujeres",
    "ninos",
    "ninas",
    "nino",
    "nina",
    "menores",
    "adolescentes",
    "jovenes",
    "bebes",
    "adultos",
    "familias",
    "familiares",
    "parientes",
    "padres",
    "madres",
    "hijos",
    "hijas",
    "hermanos",
    "hermanas",
    "migrantes",
    "inmigrantes",
    "emigrantes",
    "refugiados",
    "refugiadas",
    "solicitantes",
    "deportados",
    "deportadas",
    "expulsados",
    "detenidos",
    "detenidas",
    "arrestados",
    "capturados",
    "presos",
    "presas",
    "reos",
    "reclusos",
    "internos",
    "privados",
    "ciudadanos",
    "ciudadanas",
    "connacionales",
    "nacionales",
    "compatriotas",
    "residentes",
    "trabajadores",
    "estudiantes",
    "pasajeros",
    "sobrevivientes",
    "victimas",
    "miembros",
    "integrantes",
    "abogados",
    "periodistas",
    "activistas",
    "defensores",
    "agentes",
    "soldados",
    "muertos",
    "fallecidos",
    "desaparecidos",
    "cuerpos",
    "extranjeros",
    "retornados",
    "pandilleros",
    "pandilleras",
    "indocumentados",
    "indocumentadas",
    "desplazados",
    "exiliados",
    "repatriados",
    "heridos",
    "secuestrados",
    "asesinados",
    "guardias",
    "custodios",
    "policias",
    "militares",
    "venezolanos",
    "venezolanas",
    "salvadorenos",
    "mexicanos",
    "guatemaltecos",
    "hondurenos",
    "cubanos",
    "haitianos",
    "colombianos",
    "nicaraguenses",
    "ecuatorianos",
    "peruanos",
    "brasilenos",
    "dominicanos",
    "chilenos",
    "argentinos",
    "estadounidenses",
    "afganos",
    "africanos",
    "chinos",
    "indios",
    "rusos",
    "ucranianos",
    "sirios",
];

/// Words that may stand between a number and the word for people (folded): "252 Venezuelan
/// men", "three young women", "200 more migrants", "otros 30 migrantes".
const MODIFIERS: &[&str] = &[
    "other",
    "more",
    "additional",
    "young",
    "old",
    "older",
    "elderly",
    "adult",
    "undocumented",
    "unaccompanied",
    "alleged",
    "accused",
    "pregnant",
    "female",
    "male",
    "deported",
    "detained",
    "missing",
    "disappeared",
    "innocent",
    "foreign",
    "migrant",
    "immigrant",
    "asylum",
    "unidentified",
    "indigenous",
    "former",
    "new",
    "local",
    "political",
    "vulnerable",
    "mexican",
    "venezuelan",
    "salvadoran",
    "guatemalan",
    "honduran",
    "cuban",
    "haitian",
    "colombian",
    "nicaraguan",
    "ecuadorian",
    "peruvian",
    "brazilian",
    "dominican",
    "chilean",
    "afghan",
    "african",
    "chinese",
    "indian",
    "american",
    "russian",
    "ukrainian",
    "syrian",
    "u.s.",
    "us",
    "black",
    "latino",
    "latina",
    "hispanic",
    "gay",
    "transgender",
    "lgbtq",
    "gang",
    "family",
    "cartel",
    "crew",
    "staff",
    "party",
    "tribal",
    "union",
    "otros",
    "otras",
    "nuevos",
    "nuevas",
    "mas",
    "jovenes",
];

/// Adjectives and demonyms that follow a Spanish noun and are taken into the span
/// ("238 migrantes venezolanos").
const SPANISH_AFTER: &[&str] = &[
    "venezolanos",
    "venezolanas",
    "salvadorenos",
    "salvadorenas",
    "mexicanos",
    "mexicanas",
    "guatemaltecos",
    "guatemaltecas",
    "hondurenos",
    "hondurenas",
    "cubanos",
    "cubanas",
    "haitianos",
    "haitianas",
    "colombianos",
    "colombianas",
    "nicaraguenses",
    "ecuatorianos",
    "ecuatorianas",
    "peruanos",
    "peruanas",
    "brasilenos",
    "dominicanos",
    "dominicanas",
    "chilenos",
    "argentinos",
    "estadounidenses",
    "extranjeros",
    "extranjeras",
    "migrantes",
    "indocumentados",
    "indocumentadas",
    "deportados",
    "deportadas",
    "detenidos",
    "detenidas",
    "desaparecidos",
    "desaparecidas",
    "no",
    "acompanados",
    "afganos",
    "africanos",
    "chinos",
    "indigenas",
    "politicos",
    "politicas",
    "salvadorenos",
    "extranjeros",
];

/// [`PEOPLE`], [`MODIFIERS`] and [`SPANISH_AFTER`] as sets.
fn lexicons() -> &'static [Lexicon; 3] {
    static LEXICONS: OnceLock<[Lexicon; 3]> = OnceLock::new();
    LEXICONS.get_or_init(|| {
        [PEOPLE, MODIFIERS, SPANISH_AFTER].map(|words| words.iter().copied().collect())
    })
}

/// Whether `word` (folded) is a word for people; capitalized English words ending in "-ians"
/// or "-ans" ("Venezuelans", "Salvadorans") count as demonyms.
fn is_people(words: &Words, i: usize) -> bool {
    let word = words.get(i);
    if !words.is_word(i) {
        return false;
    }
    if lexicons()[0].contains(word) {
        return true;
    }
    words.language() == Language::En
        && words.capitalized(i)
        && word.len() >= 6
        && word.ends_with("ans")
}

/// Whether token `i` may stand between a number and the word for people.
fn is_modifier(words: &Words, i: usize) -> bool {
    if !words.is_word(i) {
        return false;
    }
    let word = words.get(i);
    if lexicons()[1].contains(word) {
        return true;
    }
    // English demonym adjectives and capitalized modifiers in the middle of a sentence
    // ("252 Venezuelan men", "12 Tren de Aragua members" is not, on purpose: too loose).
    words.language() == Language::En
        && words.capitalized(i)
        && (word.ends_with("an") || word.ends_with("ese") || word.ends_with("ish"))
        && word.len() >= 4
}

/// Whether a folded token sequence starts at `i`, within the sentence of `i`; returns the
/// token after it.
fn sequence_at(words: &Words, i: usize, sequence: &[&str]) -> Option<usize> {
    for (offset, expected) in sequence.iter().enumerate() {
        let j = i + offset;
        if !words.same_sentence(i, j) || words.get(j) != *expected || !words.is_word(j) {
            return None;
        }
    }
    Some(i + sequence.len())
}

/// Whether a count can start at token `i`: a number, or a word that begins a qualifier, a
/// vague quantity or a number in words. Checked first to keep the pass cheap.
fn could_start(words: &Words, i: usize) -> bool {
    if words.is_number(i) {
        return true;
    }
    if !words.is_word(i) {
        return false;
    }
    // Most words are plain: then the class says it all.
    if let Some(listed) = words.plain_in_class(i, COUNT_START) {
        return listed;
    }
    may_start_number(words.in_class(i, COUNT_START, starters()), words.get(i))
}

/// Reads a count starting at token `i` (at its qualifier, if any).
fn count_at(words: &Words, i: usize) -> Option<Found> {
    if !could_start(words, i) {
        return None;
    }
    // A qualifier ("more than", "unos") first.
    // Only the qualifiers that start with this word are read further.
    let word = words.get(i);
    let (number_at, qualified) = match QUALIFIERS
        .iter()
        .filter(|qualifier| qualifier.first() == Some(&word))
        .find_map(|qualifier| sequence_at(words, i, qualifier))
    {
        Some(after) => (after, true),
        None => (i, false),
    };
    let (value, after_number, vague) = quantity_at(words, number_at)?;
    if number_at > 0 && excluded_before(words, number_at) {
        return None;
    }
    let last = match people_after(words, number_at, after_number) {
        Some(last) => last,
        // "a father of three", "madre de dos": the parent's children.
        None if !vague
            && !words.is_number(number_at)
            && value.is_some_and(|value| value <= 20)
            && parent_of_before(words, number_at) =>
        {
            after_number - 1
        }
        None => return None,
    };
    // "two of the men" needs two or more.
    if value.is_some_and(|value| value < 2) && words.get(after_number) == "of" {
        return None;
    }
    let approximate = qualified || vague;
    Some(Found {
        start: i,
        last,
        value,
        approximate,
    })
}

/// The quantity at token `i`: its value, the token after it, and whether it is vague.
fn quantity_at(words: &Words, i: usize) -> Option<(Option<u64>, usize, bool)> {
    // "a dozen", "una docena (de)".
    for (sequence, value) in [
        (&["a", "dozen"][..], 12),
        (&["una", "docena"][..], 12),
        (&["dozens"][..], 24),
    ] {
        if let Some(after) = sequence_at(words, i, sequence) {
            // "a dozen of the detainees": "of the" is read with the noun.
            let partitive = is_determiner(words.get(after + 1));
            let after = if matches!(words.get(after), "of" | "de")
                && words.same_sentence(i, after)
                && !partitive
            {
                after + 1
            } else {
                after
            };
            return Some((Some(value), after, true));
        }
    }
    let word = words.get(i);
    for (sequence, value) in VAGUE
        .iter()
        .filter(|(sequence, _)| sequence.first() == Some(&word))
    {
        if let Some(after) = sequence_at(words, i, sequence)
            && matches!(words.get(after), "of" | "de")
            && words.same_sentence(i, after)
        {
            return Some((Some(*value), after + 1, true));
        }
    }
    // Articles only before a scale: "a hundred migrants", "un millón de personas".
    let number = parse_number(words, i, true)?;
    if number.spelled && number.value == 1 {
        return None;
    }
    // "24-year-old", "3-month": a hyphen straight after the number makes it an age or a
    // duration, not a count.
    if words.get(number.end) == "-" && words.adjacent(number.end - 1, number.end) {
        return None;
    }
    // "2.000" written "2,000." etc. are fine; "10:30" is a time.
    if words.raw(i).contains(':') {
        return None;
    }
    // "un millón de personas", "2 millones de migrantes".
    let after = if matches!(
        words.get(number.end - 1),
        "millon" | "millones" | "million" | "millions"
    ) && matches!(words.get(number.end), "de" | "of")
        && words.same_sentence(i, number.end)
    {
        number.end + 1
    } else {
        number.end
    };
    Some((Some(number.value), after, false))
}

/// Whether what comes before the number at `i` makes it something else: a currency sign, a
/// "#", or "in"/"en" before a year ("In 2024 migrants crossed …").
fn excluded_before(words: &Words, i: usize) -> bool {
    let before = i - 1;
    if !words.same_sentence(before, i) {
        return false;
    }
    let previous = words.get(before);
    if matches!(previous, "$" | "€" | "£" | "#" | "no." | "nº" | "n.º") {
        return true;
    }
    let raw = words.raw(i);
    let year_like = raw.len() == 4
        && raw.bytes().all(|byte| byte.is_ascii_digit())
        && raw
            .parse::<u32>()
            .is_ok_and(|year| (1900..=2100).contains(&year));
    year_like
        && matches!(
            previous,
            "in" | "since" | "until" | "by" | "during" | "en" | "desde" | "durante"
        )
}

/// Determiners and possessives between "of"/"de" and the noun ("two of the men", "twelve of
/// our parishioners", "dos de sus hijos").
fn is_determiner(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "those"
            | "these"
            | "our"
            | "their"
            | "his"
            | "her"
            | "my"
            | "your"
            | "los"
            | "las"
            | "esos"
            | "esas"
            | "estos"
            | "estas"
            | "sus"
            | "nuestros"
            | "nuestras"
            | "mis"
    )
}

/// Whether "father of"/"mother of"/"madre de" (with nothing after the number that could be
/// its noun) is right before the number at `i`.
fn parent_of_before(words: &Words, i: usize) -> bool {
    if i < 2 || !words.same_sentence(i - 2, i) {
        return false;
    }
    matches!(words.get(i - 1), "of" | "de")
        && matches!(
            words.get(i - 2),
            "father" | "mother" | "parent" | "padre" | "madre"
        )
}

/// The last token of the count whose number ends before `after`: the word for people, after
/// at most three modifiers or "of the"/"de los", and in Spanish with a complement ("de asilo")
/// and demonyms after it.
fn people_after(words: &Words, number_at: usize, after: usize) -> Option<usize> {
    let mut j = after;
    // "75 of them", "130 de ellos".
    if matches!(words.get(j), "of" | "de")
        && matches!(words.get(j + 1), "them" | "ellos" | "ellas")
        && words.same_sentence(number_at, j + 1)
    {
        return Some(j + 1);
    }
    // "two of the men", "dos de los hombres".
    if let Some(next) = ["of", "de"]
        .iter()
        .find(|word| words.get(j) == **word && words.is_word(j))
        .and(Some(j + 1))
        .filter(|next| is_determiner(words.get(*next)))
    {
        j = next + 1;
    }
    let mut modifiers = 0;
    while words.same_sentence(number_at, j) {
        if is_people(words, j) {
            return Some(spanish_tail(words, j));
        }
        if modifiers < 3 && is_modifier(words, j) {
            modifiers += 1;
            j += 1;
            continue;
        }
        return None;
    }
    None
}

/// In Spanish, the complement and adjectives after the noun at `noun`: "solicitantes de
/// asilo", "migrantes venezolanos", "menores no acompañados".
fn spanish_tail(words: &Words, noun: usize) -> usize {
    let mut last = noun;
    if words.language() != Language::Es {
        return last;
    }
    if words.get(noun) == "solicitantes"
        && words.get(noun + 1) == "de"
        && matches!(words.get(noun + 2), "asilo" | "refugio" | "proteccion")
        && words.same_sentence(noun, noun + 2)
    {
        last = noun + 2;
    }
    if words.get(noun) == "privados"
        && words.get(noun + 1) == "de"
        && words.get(noun + 2) == "libertad"
        && words.same_sentence(noun, noun + 2)
    {
        last = noun + 2;
    }
    let mut taken = 0;
    while taken < 2
        && words.same_sentence(noun, last + 1)
        && words.is_word(last + 1)
        && lexicons()[2].contains(words.get(last + 1))
    {
        // "no" only in "no acompañados".
        if words.get(last + 1) == "no" && !words.get(last + 2).starts_with("acompanad") {
            break;
        }
        last += 1;
        taken += 1;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(text: &str, language: Language) -> Vec<(String, Option<u64>, bool)> {
        let doc = Doc::new(text, language);
        find_counts(&doc)
            .into_iter()
            .map(|count| (count.text, count.value, count.approximate))
            .collect()
    }

    fn one(text: &str, language: Language) -> (String, Option<u64>, bool) {
        let found = counts(text, language);
        assert_eq!(found.len(), 1, "{text:?} gave {found:?}");
        found.into_iter().next().unwrap_or_default()
    }

    #[test]
    fn english_counts() {
        let table: &[(&str, &str, u64, bool)] = &[
            (
                "The US sent 252 individuals to CECOT.",
                "252 individuals",
                252,
                false,
            ),
            (
                "They deported more than 200 men on Saturday.",
                "more than 200 men",
                200,
                true,
            ),
            (
                "About 300 migrants waited at the border.",
                "About 300 migrants",
                300,
                true,
            ),
            (
                "Hundreds of Venezuelans were expelled.",
                "Hundreds of Venezuelans",
                200,
                true,
            ),
            (
                "dozens of families gathered outside",
                "dozens of families",
                24,
                true,
            ),
            (
                "A dozen detainees went on hunger strike.",
                "A dozen detainees",
                12,
                true,
            ),
            ("Three women were released.", "Three women", 3, false),
            (
                "The centre holds 1,200 people.",
                "1,200 people",
                1200,
                false,
            ),
            (
                "at least 17 children were separated",
                "at least 17 children",
                17,
                true,
            ),
            (
                "The flight carried 252 Venezuelan men.",
                "252 Venezuelan men",
                252,
                false,
            ),
            (
                "Some 40 asylum seekers camped there.",
                "Some 40 asylum seekers",
                40,
                true,
            ),
            (
                "Two of the men were later released.",
                "Two of the men",
                2,
                false,
            ),
            (
                "At least 75 of them had no record.",
                "At least 75 of them",
                75,
                true,
            ),
            (
                "It held twenty-five detainees.",
                "twenty-five detainees",
                25,
                false,
            ),
            (
                "Thousands of people marched.",
                "Thousands of people",
                2000,
                true,
            ),
            (
                "tens of thousands of migrants",
                "tens of thousands of migrants",
                20_000,
                true,
            ),
            (
                "1.5 million Venezuelans left",
                "1.5 million Venezuelans",
                1_500_000,
                false,
            ),
            ("nearly 90 Salvadorans", "nearly 90 Salvadorans", 90, true),
            (
                "two hundred and fifty prisoners",
                "two hundred and fifty prisoners",
                250,
                false,
            ),
            (
                "Another 30 other migrants arrived.",
                "30 other migrants",
                30,
                false,
            ),
            (
                "Sent 238 Venezuelans to El Salvador.",
                "238 Venezuelans",
                238,
                false,
            ),
            (
                "It carried 23 Salvadoran gang members.",
                "23 Salvadoran gang members",
                23,
                false,
            ),
        ];
        for (text, span, value, approximate) in table {
            assert_eq!(
                one(text, Language::En),
                ((*span).to_owned(), Some(*value), *approximate),
                "{text}"
            );
        }
    }

    #[test]
    fn spanish_counts() {
        let table: &[(&str, &str, u64, bool)] = &[
            (
                "Fueron enviados 238 venezolanos a El Salvador.",
                "238 venezolanos",
                238,
                false,
            ),
            (
                "238 migrantes venezolanos llegaron.",
                "238 migrantes venezolanos",
                238,
                false,
            ),
            (
                "cientos de migrantes esperan",
                "cientos de migrantes",
                200,
                true,
            ),
            (
                "decenas de personas protestaron",
                "decenas de personas",
                20,
                true,
            ),
            ("Tres mujeres fueron liberadas.", "Tres mujeres", 3, false),
            (
                "El centro alberga 1.200 personas.",
                "1.200 personas",
                1200,
                false,
            ),
            (
                "más de 200 deportados llegaron",
                "más de 200 deportados",
                200,
                true,
            ),
            (
                "unos 40 solicitantes de asilo",
                "unos 40 solicitantes de asilo",
                40,
                true,
            ),
            ("al menos 17 niños", "al menos 17 niños", 17, true),
            (
                "Dos de los hombres siguen presos.",
                "Dos de los hombres",
                2,
                false,
            ),
            (
                "Más de 130 de ellos fueron deportados.",
                "Más de 130 de ellos",
                130,
                true,
            ),
            ("treinta y cinco reos", "treinta y cinco reos", 35, false),
            ("una docena de familias", "una docena de familias", 12, true),
            ("miles de venezolanos", "miles de venezolanos", 2000, true),
            ("10 mil personas", "10 mil personas", 10_000, false),
            (
                "Mil quinientos venezolanos",
                "Mil quinientos venezolanos",
                1500,
                false,
            ),
            (
                "un millón de venezolanos",
                "un millón de venezolanos",
                1_000_000,
                false,
            ),
            (
                "cerca de 300 connacionales",
                "cerca de 300 connacionales",
                300,
                true,
            ),
            (
                "17 menores no acompañados",
                "17 menores no acompañados",
                17,
                false,
            ),
            ("Llegaron otros 30 migrantes.", "30 migrantes", 30, false),
            (
                "Liberaron a 80 presos políticos.",
                "80 presos políticos",
                80,
                false,
            ),
            (
                "Trasladó a 23 pandilleros salvadoreños.",
                "23 pandilleros salvadoreños",
                23,
                false,
            ),
        ];
        for (text, span, value, approximate) in table {
            assert_eq!(
                one(text, Language::Es),
                ((*span).to_owned(), Some(*value), *approximate),
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_that_are_not_counts_of_people() {
        for (text, language) in [
            ("In 2025 people feared raids.", Language::En),
            ("In 2024 migrants crossed in record numbers.", Language::En),
            ("They paid $2,025 for the trip.", Language::En),
            ("Unemployment rose 12 percent.", Language::En),
            ("Unemployment rose 12% among migrants.", Language::En),
            ("A 24-year-old man was detained.", Language::En),
            ("He spent four months in detention.", Language::En),
            ("He faces a 30-year sentence.", Language::En),
            ("Article 3 of the convention forbids it.", Language::En),
            ("See page 12 of the report.", Language::En),
            ("One man said he was beaten.", Language::En),
            ("One of the men said he was beaten.", Language::En),
            ("The flight left at 10:30 with migrants.", Language::En),
            ("El hombre de 24 años fue detenido.", Language::Es),
            ("Pasó tres semanas detenido.", Language::Es),
            ("Una mujer denunció abusos.", Language::Es),
            ("En 2024 migrantes cruzaron el río.", Language::Es),
            ("Una condena de dos años.", Language::Es),
            ("El 40 % de los migrantes.", Language::Es),
        ] {
            assert_eq!(counts(text, language), vec![], "{text}");
        }
    }

    #[test]
    fn partitives_with_possessives_and_parents_of() {
        assert_eq!(
            one("Twelve of our parishioners were taken.", Language::En),
            ("Twelve of our parishioners".to_owned(), Some(12), false)
        );
        assert_eq!(
            one("A dozen of the detainees refused food.", Language::En),
            ("A dozen of the detainees".to_owned(), Some(12), true)
        );
        assert_eq!(
            one("Ramos, a father of four, was deported.", Language::En),
            ("four".to_owned(), Some(4), false)
        );
        assert_eq!(
            one("Atendieron a 35 pacientes.", Language::Es),
            ("35 pacientes".to_owned(), Some(35), false)
        );
        assert!(counts("He was the father of 2024's case.", Language::En).is_empty());
        assert!(counts("She is the mother of 12.", Language::En).is_empty());
    }

    #[test]
    fn several_counts_in_one_text() {
        let found = counts(
            "Of the 238 Venezuelans, 75 men had no criminal record; dozens of families waited.",
            Language::En,
        );
        let spans: Vec<&str> = found.iter().map(|count| count.0.as_str()).collect();
        assert_eq!(
            spans,
            vec!["238 Venezuelans", "75 men", "dozens of families"]
        );
    }

    #[test]
    fn offsets_are_characters() {
        let text = "Según la ONG, “más de 200 deportados” — señaló Pérez.";
        let doc = Doc::new(text, Language::Es);
        let found = find_counts(&doc);
        assert_eq!(found.len(), 1);
        let count = &found[0];
        let by_chars: String = text
            .chars()
            .skip(count.start)
            .take(count.end - count.start)
            .collect();
        assert_eq!(by_chars, "más de 200 deportados");
        assert_eq!(count.text, by_chars);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_counts_whose_offsets_match(text in "\\PC{0,300}") {
            for language in [Language::En, Language::Es] {
                let doc = Doc::new(&text, language);
                for count in find_counts(&doc) {
                    proptest::prop_assert!(count.start <= count.end);
                    let by_chars: String = text
                        .chars()
                        .skip(count.start)
                        .take(count.end - count.start)
                        .collect();
                    proptest::prop_assert_eq!(by_chars, count.text);
                }
            }
        }

        #[test]
        fn counts_in_noisy_text_keep_their_offsets(
            prefix in "[a-zñáé¿¡“”«» ]{0,30}",
            number in 2u64..100_000,
            noun in proptest::sample::select(vec!["personas", "migrantes", "people", "men"]),
        ) {
            let text = format!("{prefix} {number} {noun} ñandú.");
            for language in [Language::En, Language::Es] {
                let doc = Doc::new(&text, language);
                let found = find_counts(&doc);
                proptest::prop_assert!(found.iter().any(|count| count.value == Some(number)));
                for count in found {
                    let by_chars: String = text
                        .chars()
                        .skip(count.start)
                        .take(count.end - count.start)
                        .collect();
                    proptest::prop_assert_eq!(by_chars, count.text);
                }
            }
        }
    }
}
