//! Word lists the name rules use, compared as folded token keys
//! ([`crate::gazetteer::token_key`]).

/// A set of words: one bit in [`flags`].
pub struct Lexicon {
    bit: u32,
    words: &'static [&'static str],
}

impl Lexicon {
    /// Whether `word` is in the set.
    pub fn contains(&self, word: &str) -> bool {
        flags(word) & self.bit != 0
    }

    /// Whether `flags` (from [`flags`]) has this set's bit.
    pub fn in_flags(&self, flags: u32) -> bool {
        flags & self.bit != 0
    }
}

/// The sets a word is in, as bits: one look-up for all of them (in the table of every word
/// list, [`crate::classes`]).
pub fn flags(word: &str) -> u32 {
    crate::classes::of(word) & crate::classes::NAME_BITS
}

/// Every word of every set, with its set's bit.
pub fn words() -> impl Iterator<Item = (&'static str, u32)> {
    ALL.iter()
        .flat_map(|lexicon| lexicon.words.iter().map(|word| (*word, lexicon.bit)))
}

macro_rules! lexicon {
    ($(#[$meta:meta])* $name:ident($bit:expr) = [$($word:expr),* $(,)?];) => {
        $(#[$meta])*
        pub static $name: Lexicon = Lexicon { bit: 1 << $bit, words: &[$($word),*] };
    };
}

lexicon! {
    /// Words that start a sentence or a capitalized run but never a name.
    FUNCTION_WORDS(0) = [
    // English
    "the", "a", "an", "in", "on", "at", "for", "from", "to", "by", "with", "but", "and", "or",
    "if", "when", "while", "after", "before", "during", "since", "this", "that", "these",
    "those", "it", "he", "she", "they", "we", "i", "you", "his", "her", "their", "our", "my",
    "its", "there", "here", "as", "of", "according", "under", "over", "some", "many", "most",
    "all", "both", "each", "every", "no", "not", "yet", "so", "then", "also", "however",
    "meanwhile", "still", "what", "who", "why", "how", "where", "which", "although", "though",
    "because", "despite", "among", "between", "into", "last", "next", "one", "two", "three",
    "several", "other", "another", "such", "once", "even", "only", "just", "now", "later",
    "earlier", "today", "yesterday", "tomorrow", "instead", "until", "unless", "whether",
    "more", "less", "about", "after", "around", "without", "within", "through", "per", "via",
    "do", "does", "did", "is",
    "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "can", "could",
    "should", "may", "might", "must", "let", "please", "yes", "thank", "thanks", "dear",
    "photo", "video", "read", "watch", "see", "share", "click", "advertisement", "related",
    "update", "updated", "editor's", "note", "breaking", "exclusive", "opinion", "analysis",
    "neither", "nor", "either",
    // People named by what they are, at the start of a sentence ("Relatives of Venezuelan
    // men…"); not words that begin organizations' names ("Lawyers for Civil Rights").
    "relatives", "residents", "officials", "detainees", "authorities", "witnesses",
    "neighbors", "neighbours", "critics", "experts",
    // Spanish
    "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "en", "al", "del", "de",
    "desde", "hacia", "con", "por", "para", "sin", "sobre", "tras", "entre", "segun",
    "durante", "ante", "bajo", "pero", "y", "o", "si", "cuando", "mientras", "aunque",
    "porque", "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas", "aquel",
    "aquella", "su", "sus", "nuestro", "nuestra", "el", "ella", "ellos", "ellas", "nosotros",
    "yo", "le", "les", "se", "ya", "tambien", "hoy", "ayer", "manana", "alli", "aqui", "que",
    "quien", "quienes", "como", "donde", "cual", "cuales", "cada", "todos", "todas", "muchos",
    "muchas", "varios", "varias", "otro", "otra", "otros", "otras", "mas", "menos", "sin",
    "embargo", "ademas", "luego", "despues", "antes", "tampoco", "nadie", "nada", "algunos",
    "algunas", "uno", "dos", "tres", "hay", "fue", "fueron", "es", "son", "era", "eran", "ha",
    "han", "habia", "sera", "seran", "mi", "tu", "usted", "ustedes", "asi", "incluso",
    "actualizacion", "foto", "video", "lea", "vea", "leer", "tambien", "ni", "familiares",
    "vecinos", "autoridades", "testigos", "detenidos",
];
}

lexicon! {
    /// Capitalized words that are not names: months, days, and a few others.
    NOT_NAMES(1) = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
    "agosto", "septiembre", "setiembre", "octubre", "noviembre", "diciembre", "lunes",
    "martes", "miercoles", "jueves", "viernes", "sabado", "domingo", "god", "dios", "covid",
    "covid-19", "internet", "christmas", "navidad", "easter", "english", "spanish", "ingles",
    "espanol", "am", "pm", "a.m", "p.m", "ok", "tv", "id", "pdf", "gps", "faq", "ceo",
    // Platforms a post is published on: not annotated as anything.
    "instagram", "tiktok", "facebook", "twitter", "bluesky", "youtube", "whatsapp",
    "telegram", "snapchat", "reddit", "mastodon",
    // Feed and syndication footers ("From teleSUR English via This RSS Feed").
    "rss", "feed", "newsletter", "podcast",
];
}

lexicon! {
    /// Title or role words that, written capitalized before a name, are a title
    /// ("U.S. Federal Judge", "Secretary of Homeland Security", "Sen."), not part of it.
    TITLE_HEADS(2) = [
    "judge", "justice", "president", "vice-president", "secretary", "senator", "sen",
    "representative", "rep", "congressman", "congresswoman", "governor", "gov", "mayor",
    "minister", "ambassador", "attorney", "general", "gen", "director", "commissioner",
    "chief", "sheriff", "officer", "agent", "spokesperson", "spokesman", "spokeswoman",
    "pope", "king", "queen", "prince", "mr", "mrs", "ms", "miss", "dr", "prof", "professor",
    "rev", "reverend", "father", "bishop", "archbishop", "cardinal", "lt", "col", "capt",
    "sgt", "colonel", "captain", "sergeant", "lieutenant", "commander", "czar", "tsar",
    "chancellor", "prosecutor", "lawyer", "sr", "sra", "srta", "dra", "lic", "presidente",
    "presidenta", "vicepresidente", "vicepresidenta", "juez", "jueza", "ministro", "ministra",
    "canciller", "senador", "senadora", "diputado", "diputada", "gobernador", "gobernadora",
    "alcalde", "alcaldesa", "fiscal", "embajador", "embajadora", "director", "directora",
    "comisionado", "comisionada", "secretario", "secretaria", "monsenor", "padre", "obispo",
    "arzobispo", "coronel", "capitan", "comandante", "general", "vocero", "vocera",
    "portavoz", "licenciado", "licenciada", "doctor", "doctora", "abogado", "abogada",
];
}

lexicon! {
    /// Abbreviated titles, written with a full stop ("Sen.", "Sra.").
    TITLE_ABBREVIATIONS(3) = [
    "mr", "mrs", "ms", "dr", "prof", "rev", "sen", "rep", "gov", "gen", "lt", "col", "capt",
    "sgt", "sr", "sra", "srta", "dra", "lic", "st", "jr", "mt", "ft",
];
}

lexicon! {
    /// Lowercase role words that, right before a name (or before a complement and a comma:
    /// "el presidente de El Salvador, Nayib Bukele"), give the person's role.
    ROLES(4) = [
    // English
    "judge", "justice", "president", "secretary", "senator", "representative", "congressman",
    "congresswoman", "governor", "mayor", "minister", "ambassador", "attorney", "lawyer",
    "director", "commissioner", "chief", "sheriff", "officer", "agent", "spokesperson",
    "spokesman", "spokeswoman", "activist", "advocate", "journalist", "reporter",
    "photographer", "mother", "father", "brother", "sister", "son", "daughter", "wife",
    "husband", "uncle", "aunt", "cousin", "grandmother", "grandfather", "partner",
    "girlfriend", "boyfriend", "detainee", "migrant", "deportee", "pastor", "priest",
    "prosecutor", "researcher", "professor", "dr", "doctor", "nurse", "coordinator",
    "founder", "leader", "dictator", "chancellor", "candidate", "lawmaker",
    // Spanish
    "presidente", "presidenta", "vicepresidente", "vicepresidenta", "juez", "jueza",
    "magistrado", "magistrada", "abogado", "abogada", "defensor", "defensora", "ministro",
    "ministra", "canciller", "senador", "senadora", "diputado", "diputada", "gobernador",
    "gobernadora", "alcalde", "alcaldesa", "fiscal", "embajador", "embajadora", "director",
    "directora", "secretario", "secretaria", "vocero", "vocera", "portavoz", "activista",
    "periodista", "fotografo", "fotografa", "madre", "padre", "hermano", "hermana", "hijo",
    "hija", "esposa", "esposo", "tio", "tia", "primo", "prima", "abuela", "abuelo", "pareja",
    "novia", "novio", "detenido", "detenida", "migrante", "deportado", "deportada",
    "sacerdote", "pastora", "investigador", "investigadora", "coordinador", "coordinadora",
    "fundador", "fundadora", "lider", "dictador", "mandatario", "mandataria", "comisionado",
    "comisionada", "don", "dona", "sr", "sra", "srta", "dra", "lic", "licenciado",
    "licenciada", "doctor", "doctora", "senor", "senora", "senorita", "coronel", "general",
    "candidato", "candidata", "legislador", "legisladora",
];
}

lexicon! {
    /// Lowercase words allowed between a role word and the name ("la jueza federal Ana Reyes").
    ROLE_MODIFIERS(5) = [
    "federal", "district", "immigration", "former", "acting", "then", "deputy", "chief",
    "general", "senior", "top", "state", "foreign", "interior", "venezuelan", "salvadoran",
    "mexican", "american", "u.s.", "us", "longtime", "local", "federal", "estatal",
    "estadounidense", "salvadoreno", "salvadorena", "venezolano", "venezolana", "mexicano",
    "mexicana", "colombiano", "colombiana", "guatemalteco", "guatemalteca", "hondureno",
    "hondurena", "interino", "interina", "adjunto", "adjunta", "general", "migratorio",
    "migratoria", "principal", "defensor", "defensora", "ex", "exjuez", "actual", "nuevo",
    "nueva", "electo", "electa", "of", "for", "the", "de", "del", "la", "las", "los", "el",
];
}

lexicon! {
    /// Spanish and English particles that may join the words of a name ("Tren de Aragua",
    /// "Department of Homeland Security", "Vincent van Gogh").
    CONNECTORS(6) = [
    "de", "del", "la", "las", "los", "y", "e", "van", "von", "der", "den", "da", "das", "do",
    "dos", "di", "du", "of", "for", "the", "and", "on", "para", "&", "against", "contra",
    "sobre", "lo",
];
}

lexicon! {
    /// Connectors that join two names rather than a name's words, when nothing says the whole
    /// is an organization or a place ("Bukele y Trump").
    COORDINATORS(7) = ["and", "y", "e", "&"];
}

lexicon! {
    /// Connectors after which an English or Spanish head-final or head-first name has its
    /// complement ("Department *of* Justice", "Centro *de* Detención").
    OF(8) = ["of", "de", "del", "for", "para", "on", "sobre", "against", "contra"];
}

lexicon! {
    /// Words that make a capitalized run an organization.
    ORG_CUES(9) = [
    // English
    "department", "ministry", "court", "agency", "service", "services", "council",
    "committee", "commission", "office", "party", "union", "association", "foundation",
    "international", "watch", "center", "centre", "bureau", "administration", "authority",
    "board", "coalition", "network", "alliance", "federation", "organization",
    "organisation", "group", "society", "corporation", "corp", "inc", "company", "co",
    "university", "college", "school", "church", "police", "army", "navy", "guard", "patrol",
    "force", "forces", "assembly", "congress", "senate", "parliament", "tribunal", "project",
    "fund", "initiative", "clinic", "times", "post", "news", "press", "herald", "journal",
    "tribune", "bank", "cartel", "gang", "front", "movement", "caucus", "secretariat",
    "embassy", "consulate", "mission", "institute", "airlines", "airways", "ltd", "llc",
    "enforcement", "customs", "house", "cabinet", "government", "legislature",
    "collective", "lab", "trust", "league", "conference", "chamber", "registry", "circuit",
    "division", "examiner", "diocese", "archdiocese", "ombudsman",
    // Companies, brands and publications ("Whole Foods Market", "Yahoo Finance").
    "foods", "market", "markets", "club", "finance", "monitor", "brotherhood", "seafood",
    "stores", "brands", "motors", "holdings", "media", "studios", "partners", "plc",
    "pharmaceuticals", "technologies",
    // Spanish
    "ministerio", "departamento", "corte", "comision", "consejo", "fundacion", "asociacion",
    "partido", "oficina", "servicio", "agencia", "instituto", "secretaria", "direccion",
    "fiscalia", "defensoria", "procuraduria", "policia", "ejercito", "guardia", "fuerza",
    "fuerzas", "asamblea", "congreso", "senado", "camara", "universidad", "colegio",
    "iglesia", "sindicato", "federacion", "confederacion", "coalicion", "red", "movimiento",
    "comite", "observatorio", "centro", "cancilleria", "embajada", "consulado", "alcaldia",
    "gobernacion", "gobierno", "cartel", "banco", "alianza", "frente", "colectivo", "junta",
    "superintendencia", "registro", "sala", "diario", "periodico", "radio", "television",
    "noticias", "organizacion", "grupo", "empresa", "sociedad", "unidad", "brigada",
    "tribunal", "juzgado", "mesa", "circuito", "clinica", "conferencia", "parroquia",
    "diocesis", "arquidiocesis", "vicaria", "pastoral", "casa", "episcopado", "fondo",
    "gabinete",
];
}

lexicon! {
    /// Words that make a capitalized run a place.
    PLACE_CUES(10) = [
    // English
    "city", "county", "prison", "jail", "penitentiary", "state", "province", "parish",
    "island", "islands", "bay", "river", "valley", "mountain", "mountains", "lake", "beach",
    "park", "street", "avenue", "boulevard", "road", "bridge", "airport", "port", "base",
    "camp", "fort", "station", "region", "municipality", "neighborhood", "plaza", "square",
    "hospital", "desert", "border", "crossing", "highway", "town", "village", "district",
    "peninsula", "coast", "canyon", "gulf", "sea", "ocean", "hills", "heights", "springs",
    "beach", "airfield", "facility", "shelter",
    // Landmarks ("Ballard Locks", "Inside Passage", "Bardo National Museum").
    "locks", "passage", "harbour", "harbor", "museum", "terminal", "strait", "cape", "falls",
    "monument", "memorial", "cathedral", "palace", "stadium",
    // Spanish
    "ciudad", "estado", "provincia", "municipio", "carcel", "penal", "penitenciaria",
    "prision", "isla", "islas", "rio", "valle", "lago", "playa", "parque", "calle",
    "avenida", "puente", "aeropuerto", "puerto", "base", "campamento", "fuerte", "estacion",
    "region", "distrito", "colonia", "barrio", "cerro", "sierra", "golfo", "mar", "selva",
    "frontera", "albergue", "refugio", "reclusorio", "penitenciario", "canton", "aldea",
    "pueblo", "departamento",
    // Spanish landmarks ("Punta Arenas", "Estrecho de Magallanes", "Posta Central").
    "punta", "bahia", "cabo", "laguna", "peninsula", "cordillera", "volcan", "estrecho",
    "canal", "posta", "museo", "catedral", "palacio", "estadio", "monumento",
];
}

/// Word sequences that make a run a place whatever else it contains (detention centres).
pub const PLACE_PHRASES: &[&[&str]] = &[
    &["detention", "center"],
    &["detention", "centre"],
    &["detention", "facility"],
    &["processing", "center"],
    &["processing", "centre"],
    &["confinement", "center"],
    &["confinement", "centre"],
    &["correctional", "center"],
    &["correctional", "facility"],
    &["correctional", "institution"],
    &["residential", "center"],
    &["holding", "facility"],
    &["work", "camp"],
    &["centro", "de", "detencion"],
    &["centro", "de", "confinamiento"],
    &["centro", "de", "procesamiento"],
    &["centro", "de", "internamiento"],
    &["centro", "de", "reclusion"],
    &["centro", "penal"],
    &["centro", "penitenciario"],
    &["estacion", "migratoria"],
];

lexicon! {
    /// Heads that make a run neither a person, an organization nor a place (laws, programmes,
    /// statuses, events).
    NOT_ENTITY_HEADS(11) = [
    "act", "law", "ley", "amendment", "enmienda", "constitution", "constitucion", "decree",
    "decreto", "bill", "proclamation", "status", "estatus", "visa", "war", "guerra", "day",
    "dia", "prize", "award", "premio", "cup", "copa", "bible", "biblia", "operation",
    "operacion", "plan", "policy", "politica", "protocols", "protocol", "protocolo", "order",
    "treaty", "tratado", "convention", "convencion", "code", "codigo", "rule", "rules",
    "report", "informe", "doctrine", "doctrina", "era", "week", "semana", "month", "year",
    "hearing", "case", "caso", "v", "vs", "v.",
    // Charters, degrees and seasons of history ("Carta Magna", "Doctorado Honoris Causa",
    // "Arab Spring").
    "carta", "doctorado", "honoris", "spring",
];
}

lexicon! {
    /// Verbs of saying: a capitalized run right before or after one is a speaker.
    SPEECH_VERBS(12) = [
    "said", "says", "told", "added", "wrote", "stated", "explained", "noted", "argued",
    "asked", "claimed", "testified", "tweeted", "posted", "recalled", "insisted", "warned",
    "denied", "confirmed", "alleged", "dijo", "afirmo", "aseguro", "declaro", "explico",
    "senalo", "indico", "agrego", "anadio", "conto", "denuncio", "relato", "escribio",
    "publico", "manifesto", "sostuvo", "advirtio", "pregunto", "respondio", "nego",
    "confirmo", "expreso", "comento", "segun", "dice", "afirma", "asegura", "denuncia",
];
}

lexicon! {
    /// Prepositions that make the capitalized word after them likely a place.
    PLACE_PREPOSITIONS(13) = [
    "in", "at", "from", "to", "into", "near", "across", "outside", "inside", "toward",
    "towards", "en", "desde", "hacia", "hasta", "cerca",
];
}

lexicon! {
    /// Articles kept in a role's detail ("el presidente").
    ARTICLES(14) = ["el", "la", "los", "las"];
}

lexicon! {
    /// Prepositions that continue a name only when it has an organization's cue word before
    /// them ("Red Jesuita con Migrantes", "Doctors without Borders").
    ORG_CONNECTORS(15) = ["con", "sin", "without", "al"];
}

lexicon! {
    /// Lowercase nouns that, right before a capitalized name, say it is an organization
    /// ("the Venezuelan group Cofavic", "el colectivo Madres Sin Fronteras").
    ORG_DESCRIPTORS(16) = [
    "group", "organization", "organisation", "nonprofit", "non-profit", "charity",
    "coalition", "network", "collective", "ngo", "association", "movement", "alliance",
    "grupo", "organizacion", "colectivo", "asociacion", "ong", "red", "fundacion",
    "movimiento", "coalicion", "agrupacion", "alianza", "plataforma",
];
}

lexicon! {
    /// Heads of an embassy's or consulate's name, which may end in the city it is in
    /// ("Consulado General de México en Chicago").
    MISSIONS(17) = ["consulado", "embajada", "consulate", "embassy"];
}

lexicon! {
    /// Legislatures, named by one word ("Congress", "el Congreso").
    LEGISLATURES(18) = ["congress", "congreso", "senate", "senado", "parliament", "parlamento"];
}

/// Every set, for [`flags`].
static ALL: &[&Lexicon] = &[
    &FUNCTION_WORDS,
    &NOT_NAMES,
    &TITLE_HEADS,
    &TITLE_ABBREVIATIONS,
    &ROLES,
    &ROLE_MODIFIERS,
    &CONNECTORS,
    &COORDINATORS,
    &OF,
    &ORG_CUES,
    &PLACE_CUES,
    &NOT_ENTITY_HEADS,
    &SPEECH_VERBS,
    &PLACE_PREPOSITIONS,
    &ARTICLES,
    &ORG_CONNECTORS,
    &ORG_DESCRIPTORS,
    &MISSIONS,
    &LEGISLATURES,
];
