//! `amparo bench extract`: the extraction budget (issue 6), measured on generated news.
//!
//! Articles of about 5 KB of plain text, half English and half Spanish, dense with what the
//! extractors look for: persons with titles and roles, organizations with their acronyms,
//! cities and detention centres, absolute and relative dates, counts of people, quotations with
//! attributions, now and then an embedded post line, and phrases that suggest violations. The
//! gazetteer holds `--names` generated persons (given names and two-part surnames, with
//! aliases), some organizations and places, and the lists that ship with Amparo; about two
//! persons in three named in an article are in it.
//!
//! On one thread, each article goes through `amparo_extract::extract` with its language and
//! publication day, timed one by one. Baselines measured in the same run on the same texts:
//! `Doc::new` alone (sentences and tokens, which every extractor starts from) and SHA-256 of the
//! same bytes. Each extractor's module function is then timed alone over the same articles,
//! which says where the time goes. Peak memory is the process's peak resident set (`VmHWM`),
//! and includes the generated articles (about 5 KB each) held in memory.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use amparo_extract::{
    Doc, Gazetteer, GazetteerEntry, Language, NameKind, Options, counts, dates, names, posts,
    quotes, violations,
};
use anyhow::bail;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::{Date, Month};

use super::data::Rng;
use super::stats::{peak_rss_mb, percentile_ms, ratio, round1, round3};

/// Documents of about 5 KB read per second on one core.
const TARGET_DOCS_PER_S: f64 = 2_000.0;
/// Every generated input derives from this seed.
const SEED: u64 = 0x616d_7061_726f_0006;
/// The size an article aims at, in bytes (each stops at the first sentence past it).
const DOC_BYTES: (u64, u64) = (4_700, 5_200);
/// Out of 100 persons an article names, how many are in the gazetteer.
const KNOWN_PERCENT: u64 = 65;

/// Options of `amparo bench extract`.
#[derive(Debug)]
pub struct ExtractOptions {
    pub docs: usize,
    pub names: usize,
    pub json: bool,
}

// ---------------------------------------------------------------------------------------------
// Word lists

const GIVEN_MALE: &[&str] = &[
    "José",
    "Luis",
    "Carlos",
    "Jhon",
    "Wilmer",
    "Andrés",
    "Franco",
    "Edwin",
    "Kelvin",
    "Yorman",
    "Jesús",
    "Miguel",
    "Ángel",
    "Pedro",
    "Rafael",
    "Óscar",
    "Julio",
    "Héctor",
    "Ramón",
    "Jorge",
    "Eduardo",
    "Fernando",
    "Alejandro",
    "Daniel",
    "David",
    "Gabriel",
    "Ricardo",
    "Roberto",
    "Javier",
    "Manuel",
    "Francisco",
    "Antonio",
    "Alexis",
    "Darwin",
    "Yeferson",
    "Brayan",
    "Henry",
    "Marco",
    "Nelson",
    "Omar",
    "Rubén",
    "Samuel",
    "Tomás",
    "Víctor",
    "Wilson",
    "Gregorio",
    "Mauricio",
    "Ernesto",
    "Kevin",
    "Anthony",
    "Michael",
    "James",
    "Robert",
];
const GIVEN_FEMALE: &[&str] = &[
    "María",
    "Ana",
    "Yesenia",
    "Daniela",
    "Keila",
    "Rosa",
    "Marbelis",
    "Lisbeth",
    "Yusmary",
    "Dayana",
    "Carmen",
    "Gabriela",
    "Andreína",
    "Mariela",
    "Yolanda",
    "Luisa",
    "Patricia",
    "Teresa",
    "Verónica",
    "Isabel",
    "Lucía",
    "Sofía",
    "Valentina",
    "Camila",
    "Elena",
    "Margarita",
    "Beatriz",
    "Rocío",
    "Nayeli",
    "Guadalupe",
    "Xiomara",
    "Yuleisy",
    "Karla",
    "Mónica",
    "Natalia",
    "Paola",
    "Adriana",
    "Claudia",
    "Jennifer",
    "Jessica",
    "Sarah",
    "Emily",
    "Laura",
    "Sandra",
    "Leticia",
    "Milagros",
    "Josefina",
    "Esperanza",
    "Marisol",
    "Fabiola",
];
const SURNAMES: &[&str] = &[
    "Pérez",
    "Rodríguez",
    "González",
    "Hernández",
    "García",
    "Martínez",
    "López",
    "Ramírez",
    "Torres",
    "Flores",
    "Rivera",
    "Gómez",
    "Díaz",
    "Reyes",
    "Morales",
    "Cruz",
    "Ortiz",
    "Gutiérrez",
    "Chávez",
    "Ramos",
    "Mendoza",
    "Ruiz",
    "Álvarez",
    "Castillo",
    "Jiménez",
    "Moreno",
    "Romero",
    "Herrera",
    "Medina",
    "Aguilar",
    "Vargas",
    "Castro",
    "Guzmán",
    "Fernández",
    "Salazar",
    "Delgado",
    "Rojas",
    "Contreras",
    "Vásquez",
    "Figueroa",
    "Carrillo",
    "Suárez",
    "Villaseñor",
    "Mejía",
    "Escobar",
    "Paredes",
    "Quintero",
    "Barrios",
    "Colmenares",
    "Urdaneta",
    "Bracho",
    "Zambrano",
    "Montilla",
    "Briceño",
    "Labrador",
    "Peña",
    "Sandoval",
    "Cárdenas",
    "Espinoza",
    "Valencia",
    "Navarro",
    "Campos",
    "Cordero",
    "Bermúdez",
    "Arias",
    "Molina",
    "Benítez",
    "Acosta",
    "Fuentes",
    "Ibarra",
    "Lozano",
    "Márquez",
    "Ochoa",
    "Pacheco",
    "Quiroz",
    "Salinas",
    "Tovar",
    "Uzcátegui",
    "Velásquez",
    "Zapata",
    "Whitcomb",
    "Dellinger",
    "Hartley",
    "Morrison",
    "Caldwell",
    "Brennan",
    "Sullivan",
    "Whitaker",
];
const NICKNAMES: &[&str] = &[
    "El Chino",
    "El Flaco",
    "La Gocha",
    "El Gordo",
    "Yoyo",
    "Chucho",
    "Pepe",
    "Lupita",
    "Nando",
    "Beto",
    "Toño",
    "La Negra",
    "El Catire",
    "Kike",
    "Paco",
];
const TITLES_EN: &[&str] = &[
    "U.S. District Judge",
    "Judge",
    "attorney",
    "Rev.",
    "Sen.",
    "Rep.",
    "Dr.",
    "lawyer",
    "Mayor",
    "Father",
];
const TITLES_ES: &[&str] = &[
    "la jueza",
    "el juez",
    "el abogado",
    "la abogada",
    "el padre",
    "la senadora",
    "el alcalde",
    "el ministro",
    "la defensora",
    "el diputado",
];
const ROLES_EN: &[&str] = &[
    "an attorney with",
    "a spokesperson for",
    "the director of",
    "a researcher at",
    "a lawyer who works with",
];
const ROLES_ES: &[&str] = &[
    "abogada de",
    "portavoz de",
    "director de",
    "investigadora de",
    "coordinador de",
];
/// Built-in organizations: the name and the acronym an article gives beside it.
const ORGS_BUILTIN: &[(&str, &str, &str)] = &[
    (
        "Immigration and Customs Enforcement",
        "Servicio de Inmigración y Control de Aduanas",
        "ICE",
    ),
    (
        "Department of Homeland Security",
        "Departamento de Seguridad Nacional",
        "DHS",
    ),
    (
        "Customs and Border Protection",
        "Oficina de Aduanas y Protección Fronteriza",
        "CBP",
    ),
    (
        "Federal Bureau of Investigation",
        "Buró Federal de Investigaciones",
        "FBI",
    ),
    (
        "Executive Office for Immigration Review",
        "Oficina Ejecutiva de Revisión de Casos de Inmigración",
        "EOIR",
    ),
    (
        "Board of Immigration Appeals",
        "Junta de Apelaciones de Inmigración",
        "BIA",
    ),
];
const CITIES: &[&str] = &[
    "El Paso",
    "Houston",
    "Miami",
    "Dallas",
    "Chicago",
    "Newark",
    "Phoenix",
    "Harlingen",
    "Los Angeles",
    "San Salvador",
    "Tegucigalpa",
    "Caracas",
    "Maracaibo",
    "Bogotá",
    "Tijuana",
    "Guatemala City",
];
const FACILITIES: &[&str] = &[
    "CECOT",
    "Terrorism Confinement Center",
    "Krome North Service Processing Center",
    "Alligator Alcatraz",
    "Otay Mesa Detention Center",
    "Stewart Detention Center",
    "El Paso Service Processing Center",
    "Port Isabel Service Processing Center",
    "Prairieland Detention Center",
    "Houston Contract Detention Facility",
    "Eloy Detention Center",
    "Adelanto ICE Processing Center",
];
/// Towns of the generated places (not in the built-in lists).
const TOWN_FIRST: &[&str] = &[
    "San", "Santa", "Villa", "Puerto", "Valle", "Cerro", "Río", "Monte", "Nueva", "Los",
];
const TOWN_SECOND: &[&str] = &[
    "Cristóbal",
    "Lucía",
    "Rosario",
    "Esperanza",
    "Clara",
    "Mercedes",
    "Olivos",
    "Encinos",
    "Palmar",
    "Tigre",
    "Cabello",
    "Ayacucho",
    "Bolívar",
    "Miranda",
    "Alegre",
    "Dorado",
];
const ORG_KINDS_EN: &[&str] = &[
    "Immigrant Defense Project",
    "Legal Aid Society",
    "Center for Migrant Rights",
    "Families Network",
    "Human Rights Coalition",
];
const ORG_KINDS_ES: &[&str] = &[
    "Comité de Familiares de Migrantes",
    "Red de Defensores Migrantes",
    "Observatorio de Derechos Humanos",
    "Fundación Justicia y Paz",
    "Colectivo de Madres Buscadoras",
];
const MONTHS_EN: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_ES: &[&str] = &[
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const RELATIVE_EN: &[&str] = &[
    "last week",
    "three weeks ago",
    "last month",
    "yesterday",
    "on Monday",
    "on Friday",
    "last March",
    "this year",
    "two days ago",
];
const RELATIVE_ES: &[&str] = &[
    "la semana pasada",
    "hace tres semanas",
    "el mes pasado",
    "ayer",
    "el lunes",
    "este viernes",
    "el pasado marzo",
    "este año",
    "hace dos días",
];
const COUNT_WORDS_EN: &[&str] = &[
    "Venezuelan men",
    "people",
    "detainees",
    "migrants",
    "women",
    "children",
    "families",
];
const COUNT_WORDS_ES: &[&str] = &[
    "venezolanos",
    "personas",
    "detenidos",
    "migrantes",
    "mujeres",
    "niños",
    "familias",
];
const COUNT_VAGUE_EN: &[&str] = &[
    "hundreds of migrants",
    "dozens of families",
    "two children",
    "thousands of Venezuelans",
    "a dozen detainees",
];
const COUNT_VAGUE_ES: &[&str] = &[
    "cientos de migrantes",
    "decenas de familias",
    "dos agentes",
    "miles de venezolanos",
    "una veintena de detenidos",
];
const VIOLATIONS_EN: &[&str] = &[
    "was beaten by guards",
    "was tortured",
    "was held incommunicado for weeks",
    "was denied access to a lawyer",
    "was given no notice before the flight",
    "was separated from his children",
    "was subjected to torture",
    "was sent back without a hearing",
];
const VIOLATIONS_ES: &[&str] = &[
    "fue golpeado por los guardias",
    "fue torturado",
    "permaneció incomunicado durante semanas",
    "no tuvo acceso a un abogado",
    "fue separado de sus hijos",
    "fue sometido a tortura",
    "fue deportado sin audiencia",
    "sufrió malos tratos",
];
const QUOTES_EN: &[&str] = &[
    "We only want to know he is alive",
    "Nobody told us where they were taking him",
    "This is not how a country of laws treats people",
    "The government has not produced a single document to justify his detention",
    "They took him in the middle of the night and we have heard nothing since",
    "We will keep filing until the court hears every one of these cases",
    "He cut hair for six years and never had a problem with the police",
];
const QUOTES_ES: &[&str] = &[
    "Solo queremos saber si está vivo",
    "Nadie nos dijo a dónde se lo llevaban",
    "Así no trata a las personas un país de leyes",
    "El gobierno no ha presentado ni un solo documento que justifique su detención",
    "Se lo llevaron de madrugada y desde entonces no sabemos nada",
    "Vamos a seguir presentando recursos hasta que el tribunal escuche cada caso",
    "Trabajaba de barbero desde hacía seis años y nunca tuvo problemas con la policía",
];
const POSTS_EN: &[&str] = &[
    "My brother is not a criminal. Where is he? Answer me.",
    "Day 40 without news of my son. Please share.",
    "They moved him again last night and no one will say where.",
];
const POSTS_ES: &[&str] = &[
    "Mi hermano no es un criminal. ¿Dónde está? Respondan.",
    "Cuarenta días sin noticias de mi hijo. Por favor compartan.",
    "Anoche lo volvieron a trasladar y nadie nos dice a dónde.",
];
const FILLER_EN: &[&str] = &[
    "The case has drawn attention from advocates across the region.",
    "Court records show the hearing was postponed twice.",
    "The flights were part of an agreement that has been criticized by lawyers and relatives.",
    "Officials did not explain how the men had been chosen for the transfer.",
    "Relatives have gathered outside the facility every weekend since then.",
    "The agency said in a short statement that it follows all applicable laws.",
    "Several of the men had pending asylum claims when they were removed.",
    "The government has not released a list of the people it sent abroad.",
];
const FILLER_ES: &[&str] = &[
    "El caso ha llamado la atención de defensores de toda la región.",
    "Los expedientes judiciales muestran que la audiencia se aplazó dos veces.",
    "Los vuelos forman parte de un acuerdo criticado por abogados y familiares.",
    "Las autoridades no explicaron cómo se eligió a los hombres para el traslado.",
    "Los familiares se reúnen frente al centro todos los fines de semana desde entonces.",
    "La agencia afirmó en un breve comunicado que cumple todas las leyes aplicables.",
    "Varios de los hombres tenían solicitudes de asilo pendientes cuando fueron expulsados.",
    "El gobierno no ha publicado la lista de las personas que envió al extranjero.",
];
const NUMBER_WORDS_EN: &[&str] = &["two", "three", "four", "five", "six", "seven", "ten"];
const NUMBER_WORDS_ES: &[&str] = &["dos", "tres", "cuatro", "cinco", "seis", "siete", "diez"];

// ---------------------------------------------------------------------------------------------
// The gazetteer

/// A generated person: the full name and how articles may write it.
struct Person {
    full: String,
    short: String,
    surname: String,
    female: bool,
}

/// A generated organization: the name in each language and its acronym.
struct Org {
    en: String,
    es: String,
    acronym: String,
}

/// What the gazetteer was built from, for the articles to name.
struct Cast {
    persons: Vec<Person>,
    orgs: Vec<Org>,
    places: Vec<String>,
}

fn person_name(rng: &mut Rng) -> Person {
    let female = rng.chance(50);
    let list = if female { GIVEN_FEMALE } else { GIVEN_MALE };
    let given = *rng.pick(list);
    let mut full = given.to_owned();
    if rng.chance(40) {
        let second = *rng.pick(list);
        if second != given {
            full.push(' ');
            full.push_str(second);
        }
    }
    let surname = *rng.pick(SURNAMES);
    full.push(' ');
    full.push_str(surname);
    if rng.chance(85) {
        let second = *rng.pick(SURNAMES);
        if second != surname {
            full.push(' ');
            full.push_str(second);
        }
    }
    Person {
        short: format!("{given} {surname}"),
        surname: surname.to_owned(),
        full,
        female,
    }
}

fn acronym(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next().filter(|c| c.is_uppercase()))
        .collect()
}

/// `persons` distinct persons, with some organizations and places.
fn cast(persons: usize) -> (Cast, Vec<GazetteerEntry>) {
    let mut rng = Rng::new(SEED ^ 0x6761_7a65);
    let mut entries = Vec::with_capacity(persons + persons / 20);
    let mut seen = HashSet::new();
    let mut people = Vec::with_capacity(persons);
    let mut attempts = 0usize;
    while people.len() < persons && attempts < persons * 20 + 100 {
        attempts += 1;
        let person = person_name(&mut rng);
        if !seen.insert(person.full.clone()) {
            continue;
        }
        let mut aliases = Vec::new();
        if person.short != person.full {
            aliases.push(person.short.clone());
        }
        if rng.chance(20) {
            aliases.push(rng.pick(NICKNAMES).to_string());
        }
        entries.push(GazetteerEntry {
            id: format!("P-{:05}", people.len() + 1),
            kind: NameKind::Person,
            name: person.full.clone(),
            aliases,
            detail: None,
        });
        people.push(person);
    }
    let mut orgs = Vec::new();
    let mut places = Vec::new();
    let extras = (persons / 100).clamp(5, 500);
    for i in 0..extras {
        let town = format!("{} {}", rng.pick(TOWN_FIRST), rng.pick(TOWN_SECOND));
        let en = format!("{town} {}", ORG_KINDS_EN[i % ORG_KINDS_EN.len()]);
        let es = format!("{} de {town}", ORG_KINDS_ES[i % ORG_KINDS_ES.len()]);
        let short = acronym(&es);
        entries.push(GazetteerEntry {
            id: format!("org-{i}"),
            kind: NameKind::Organization,
            name: es.clone(),
            aliases: vec![en.clone(), short.clone()],
            detail: None,
        });
        orgs.push(Org {
            en,
            es,
            acronym: short,
        });
        if seen.insert(town.clone()) {
            entries.push(GazetteerEntry {
                id: format!("place-{i}"),
                kind: NameKind::Place,
                name: town.clone(),
                aliases: Vec::new(),
                detail: Some("city".to_owned()),
            });
            places.push(town);
        }
    }
    (
        Cast {
            persons: people,
            orgs,
            places,
        },
        entries,
    )
}

// ---------------------------------------------------------------------------------------------
// Articles

struct Article {
    text: String,
    language: Language,
    published: Date,
}

/// What one article is about: its people, organizations and places.
struct Story<'a> {
    lang: Language,
    published: Date,
    persons: Vec<(String, String, bool)>,
    orgs: Vec<(String, String)>,
    places: Vec<&'a str>,
    facility: &'static str,
    rng: Rng,
}

impl Story<'_> {
    fn en(&self) -> bool {
        self.lang == Language::En
    }

    fn person(&mut self) -> usize {
        self.rng.index(self.persons.len())
    }

    fn pick(&mut self, en: &'static [&'static str], es: &'static [&'static str]) -> &'static str {
        let list = if self.en() { en } else { es };
        list[self.rng.index(list.len())]
    }

    fn absolute_date(&mut self) -> String {
        let back = self.rng.range(3, 330) as i64;
        let day = self.published - time::Duration::days(back);
        let month = u8::from(day.month()) as usize - 1;
        match (self.en(), self.rng.chance(50)) {
            (true, true) => format!("{} {}, {}", MONTHS_EN[month], day.day(), day.year()),
            (true, false) => format!("{} {}", MONTHS_EN[month], day.day()),
            (false, true) => format!("{} de {} de {}", day.day(), MONTHS_ES[month], day.year()),
            (false, false) => format!("el {} de {}", day.day(), MONTHS_ES[month]),
        }
    }

    fn date(&mut self) -> String {
        if self.rng.chance(55) {
            let date = self.absolute_date();
            if self.en() {
                format!("on {date}")
            } else if date.starts_with("el ") {
                date
            } else {
                format!("el {date}")
            }
        } else {
            self.pick(RELATIVE_EN, RELATIVE_ES).to_owned()
        }
    }

    fn count(&mut self) -> String {
        if self.rng.chance(40) {
            return self.pick(COUNT_VAGUE_EN, COUNT_VAGUE_ES).to_owned();
        }
        let n = self.rng.range(3, 300);
        let noun = self.pick(COUNT_WORDS_EN, COUNT_WORDS_ES);
        match (self.en(), self.rng.index(3)) {
            (true, 0) => format!("more than {n} {noun}"),
            (true, 1) => format!("about {n} {noun}"),
            (false, 0) => format!("más de {n} {noun}"),
            (false, 1) => format!("al menos {n} {noun}"),
            _ => format!("{n} {noun}"),
        }
    }

    fn org(&mut self) -> (String, String) {
        self.orgs[self.rng.index(self.orgs.len())].clone()
    }

    fn place(&mut self) -> &str {
        self.places[self.rng.index(self.places.len())]
    }

    /// A sentence of one of several kinds, appended to `out`.
    fn sentence(&mut self, out: &mut String) {
        let en = self.en();
        // Eight kinds of sentences carry names, dates, counts, quotes or cues; one in three
        // is background without them, so that density is about that of a wire report.
        let kind = self.rng.index(12);
        let p = self.person();
        let (full, surname, female) = self.persons[p].clone();
        let title = self.pick(TITLES_EN, TITLES_ES);
        let sentence = match kind {
            0 => {
                let (name, short) = self.org();
                let place = self.place().to_owned();
                let date = self.date();
                if en {
                    format!(
                        "{full} was detained by {name} ({short}) agents in {place} {date} and taken to the {}.",
                        self.facility
                    )
                } else {
                    format!(
                        "{full} fue detenido por agentes del {name} ({short}) en {place} {date} y trasladado al {}.",
                        self.facility
                    )
                }
            }
            1 => {
                let (_, short) = self.org();
                let count = self.count();
                let date = self.date();
                if en {
                    format!(
                        "According to {short}, {count} were transferred to {} {date}.",
                        self.facility
                    )
                } else {
                    format!(
                        "Según el {short}, {count} fueron trasladados a {} {date}.",
                        self.facility
                    )
                }
            }
            2 | 3 => {
                let quote = self.pick(QUOTES_EN, QUOTES_ES);
                let role = self.pick(ROLES_EN, ROLES_ES);
                let (name, _) = self.org();
                if en {
                    format!("“{quote},” said {full}, {role} the {name}.")
                } else {
                    format!("«{quote}», dijo {full}, {role}l {name}.")
                }
            }
            4 => {
                let violation = self.pick(VIOLATIONS_EN, VIOLATIONS_ES);
                let place = self.place().to_owned();
                if en {
                    let pronoun = if female { "her" } else { "his" };
                    format!(
                        "{title} {full} said {pronoun} client {violation} at the {} before being moved from {place}.",
                        self.facility
                    )
                } else {
                    format!(
                        "Según {title} {full}, su cliente {violation} en el {} antes de ser trasladado desde {place}.",
                        self.facility
                    )
                }
            }
            5 => {
                let date = self.date();
                let count = self.count();
                if en {
                    format!(
                        "{title} {full} ordered the government {date} to explain why {count} had been moved to the {}.",
                        self.facility
                    )
                } else {
                    format!(
                        "{title} {full} ordenó al gobierno {date} explicar por qué {count} fueron enviados al {}.",
                        self.facility
                    )
                }
            }
            6 => {
                let quote = self.pick(QUOTES_EN, QUOTES_ES);
                let date = self.date();
                if en {
                    format!("“{quote},” {surname} wrote in a statement {date}.")
                } else {
                    format!("«{quote}», escribió {surname} en un comunicado {date}.")
                }
            }
            7 => {
                let violation = self.pick(VIOLATIONS_EN, VIOLATIONS_ES);
                let number = self.pick(NUMBER_WORDS_EN, NUMBER_WORDS_ES);
                if en {
                    format!(
                        "{surname}, the father of {number} children, {violation}, his relatives say."
                    )
                } else {
                    format!(
                        "{surname}, padre de {number} hijos, {violation}, según sus familiares."
                    )
                }
            }
            _ => self.pick(FILLER_EN, FILLER_ES).to_owned(),
        };
        out.push_str(&sentence);
    }

    /// An embed line: the post's text, then `— Name (@handle) March 20, 2025`.
    fn post(&mut self, out: &mut String) {
        let p = self.person();
        let full = self.persons[p].0.clone();
        let text = self.pick(POSTS_EN, POSTS_ES);
        let handle: String = full
            .split_whitespace()
            .take(2)
            .flat_map(|word| word.chars().filter(char::is_ascii_alphabetic))
            .collect::<String>()
            .to_lowercase();
        let back = self.rng.range(0, 10) as i64;
        let day = self.published - time::Duration::days(back);
        let month = u8::from(day.month()) as usize - 1;
        out.push_str(text);
        out.push('\n');
        out.push_str(&format!(
            "— {full} (@{handle}{}) {} {}, {}",
            self.rng.range(1, 99),
            MONTHS_EN[month],
            day.day(),
            day.year()
        ));
    }
}

fn article(index: u64, cast: &Cast) -> Article {
    let mut rng = Rng::new(SEED ^ index.wrapping_mul(0x9E37_79B9) ^ 0xA11C);
    let language = if index.is_multiple_of(2) {
        Language::En
    } else {
        Language::Es
    };
    let start = Date::from_calendar_date(2025, Month::January, 1).expect("a valid date");
    let published = start + time::Duration::days(rng.range(0, 364) as i64);
    let count = rng.range(4, 6) as usize;
    let mut persons = Vec::with_capacity(count);
    for _ in 0..count {
        let known = !cast.persons.is_empty() && rng.chance(KNOWN_PERCENT);
        let person = if known {
            let person = &cast.persons[rng.index(cast.persons.len())];
            Person {
                full: if rng.chance(70) {
                    person.full.clone()
                } else {
                    person.short.clone()
                },
                short: person.short.clone(),
                surname: person.surname.clone(),
                female: person.female,
            }
        } else {
            person_name(&mut rng)
        };
        persons.push((person.full, person.surname, person.female));
    }
    let mut orgs: Vec<(String, String)> = ORGS_BUILTIN
        .iter()
        .map(|(en, es, short)| {
            let name = if language == Language::En { en } else { es };
            (name.to_string(), short.to_string())
        })
        .collect();
    for _ in 0..2 {
        if let Some(org) = cast.orgs.get(rng.index(cast.orgs.len().max(1))) {
            let name = if language == Language::En {
                &org.en
            } else {
                &org.es
            };
            orgs.push((name.clone(), org.acronym.clone()));
        }
    }
    let mut places: Vec<&str> = CITIES.to_vec();
    for _ in 0..2 {
        if let Some(place) = cast.places.get(rng.index(cast.places.len().max(1))) {
            places.push(place);
        }
    }
    let facility = *rng.pick(FACILITIES);
    let target = rng.range(DOC_BYTES.0, DOC_BYTES.1) as usize;
    let with_post = rng.chance(25);
    let mut story = Story {
        lang: language,
        published,
        persons,
        orgs,
        places,
        facility,
        rng,
    };
    let mut text = String::with_capacity(target + 600);
    let mut paragraph = 0;
    while text.len() < target {
        if paragraph > 0 {
            text.push_str("\n\n");
        }
        if with_post && paragraph == 3 {
            story.post(&mut text);
        } else {
            let sentences = story.rng.range(2, 4);
            for i in 0..sentences {
                if i > 0 {
                    text.push(' ');
                }
                story.sentence(&mut text);
            }
        }
        paragraph += 1;
    }
    Article {
        text,
        language,
        published,
    }
}

/// Mentions found, by type, over all articles.
#[derive(Default)]
struct Found {
    persons: u64,
    persons_linked: u64,
    organizations: u64,
    places: u64,
    dates: u64,
    dates_resolved: u64,
    counts: u64,
    quotes: u64,
    quotes_with_speaker: u64,
    posts: u64,
    violations: u64,
    problems: u64,
}

/// Time each extractor's module function took alone over all articles.
#[derive(Default)]
struct Modules {
    tokenize: Duration,
    dates: Duration,
    counts: Duration,
    names: Duration,
    quotes: Duration,
    posts: Duration,
    violations: Duration,
}

fn options_of(article: &Article) -> Options {
    Options {
        language: Some(article.language),
        published: Some(article.published),
    }
}

fn profile(articles: &[Article], gazetteer: &Gazetteer) -> Modules {
    let mut modules = Modules::default();
    for article in articles {
        let started = Instant::now();
        let doc = black_box(Doc::new(black_box(&article.text), article.language));
        let tokenized = Instant::now();
        let mut problems = Vec::new();
        black_box(dates::find_dates(
            &doc,
            Some(article.published),
            &mut problems,
        ));
        let dated = Instant::now();
        black_box(counts::find_counts(&doc));
        let counted = Instant::now();
        let names = black_box(names::find_names(&doc, gazetteer));
        let named = Instant::now();
        black_box(quotes::find_quotes(&doc, &names));
        let quoted = Instant::now();
        black_box(posts::find_posts(&doc));
        let posted = Instant::now();
        black_box(violations::find_violations(&doc));
        let cued = Instant::now();
        modules.tokenize += tokenized - started;
        modules.dates += dated - tokenized;
        modules.counts += counted - dated;
        modules.names += named - counted;
        modules.quotes += quoted - named;
        modules.posts += posted - quoted;
        modules.violations += cued - posted;
    }
    modules
}

/// `amparo bench extract`.
pub fn extract(options: &ExtractOptions) -> anyhow::Result<()> {
    if options.docs == 0 {
        bail!("--docs must be at least 1");
    }
    eprintln!(
        "bench: building a gazetteer of {} persons plus organizations, places and the built-in lists",
        options.names
    );
    let (cast, entries) = cast(options.names);
    let added_persons = cast.persons.len();
    let added_orgs = cast.orgs.len();
    let added_places = cast.places.len();
    let started = Instant::now();
    let builtin = Gazetteer::builtin();
    let builtin_seconds = started.elapsed().as_secs_f64();
    let builtin_entries = builtin.entries().len();
    drop(builtin);
    let started = Instant::now();
    let gazetteer = Gazetteer::with_builtin(entries);
    let gazetteer_seconds = started.elapsed().as_secs_f64();
    let gazetteer_names = gazetteer.entries().len();
    let rss_after_gazetteer = peak_rss_mb();

    eprintln!("bench: generating {} articles of about 5 KB", options.docs);
    let articles: Vec<Article> = (0..options.docs as u64)
        .map(|i| article(i, &cast))
        .collect();
    let bytes: u64 = articles.iter().map(|a| a.text.len() as u64).sum();
    let min_bytes = articles.iter().map(|a| a.text.len()).min().unwrap_or(0);
    let max_bytes = articles.iter().map(|a| a.text.len()).max().unwrap_or(0);
    let english = articles
        .iter()
        .filter(|a| a.language == Language::En)
        .count();

    // Warm up (the lexicons are built on first use), untimed.
    for article in articles.iter().take(2) {
        black_box(amparo_extract::extract(
            &article.text,
            &options_of(article),
            &gazetteer,
        ));
    }

    eprintln!(
        "bench: extracting from {} articles on one thread",
        options.docs
    );
    let mut times = Vec::with_capacity(articles.len());
    let mut found = Found::default();
    let mut seconds = 0.0;
    let mut sha_seconds = 0.0;
    let mut tokenize_seconds = 0.0;
    let mut english_seconds = 0.0;
    for article in &articles {
        let started = Instant::now();
        black_box(Sha256::digest(black_box(article.text.as_bytes())));
        sha_seconds += started.elapsed().as_secs_f64();
        let started = Instant::now();
        black_box(Doc::new(black_box(&article.text), article.language));
        tokenize_seconds += started.elapsed().as_secs_f64();
        let options = options_of(article);
        let started = Instant::now();
        let extraction = black_box(amparo_extract::extract(
            black_box(&article.text),
            &options,
            &gazetteer,
        ));
        let took = started.elapsed();
        times.push(took);
        seconds += took.as_secs_f64();
        if article.language == Language::En {
            english_seconds += took.as_secs_f64();
        }
        found.persons += extraction.persons.len() as u64;
        found.persons_linked += extraction
            .persons
            .iter()
            .filter(|m| !m.matches.is_empty())
            .count() as u64;
        found.organizations += extraction.organizations.len() as u64;
        found.places += extraction.places.len() as u64;
        found.dates += extraction.dates.len() as u64;
        found.dates_resolved += extraction
            .dates
            .iter()
            .filter(|d| d.value.is_some())
            .count() as u64;
        found.counts += extraction.counts.len() as u64;
        found.quotes += extraction.quotes.len() as u64;
        found.quotes_with_speaker += extraction
            .quotes
            .iter()
            .filter(|q| q.speaker.is_some())
            .count() as u64;
        found.posts += extraction.posts.len() as u64;
        found.violations += extraction.violations.len() as u64;
        found.problems += extraction.problems.len() as u64;
    }
    let rss_after_extract = peak_rss_mb();
    if found.persons == 0 || found.dates == 0 || found.places == 0 {
        bail!(
            "the extractors found {} persons, {} dates and {} places in {} generated articles: the benchmark measured nothing",
            found.persons,
            found.dates,
            found.places,
            articles.len()
        );
    }

    eprintln!("bench: timing each extractor alone over the same articles");
    let modules = profile(&articles, &gazetteer);
    let module_total = (modules.tokenize
        + modules.dates
        + modules.counts
        + modules.names
        + modules.quotes
        + modules.posts
        + modules.violations)
        .as_secs_f64()
        .max(f64::MIN_POSITIVE);
    let docs = articles.len() as f64;
    let module_json = |time: Duration| {
        json!({
            "ms_per_doc": round3(time.as_secs_f64() * 1e3 / docs),
            "share": round3(time.as_secs_f64() / module_total),
        })
    };
    let rss = peak_rss_mb();

    let docs_per_s = docs / seconds;
    let spanish = articles.len() - english;
    let per_s = |n: usize, s: f64| if s > 0.0 { round1(n as f64 / s) } else { 0.0 };
    let english_docs_per_s = per_s(english, english_seconds);
    let spanish_docs_per_s = per_s(spanish, seconds - english_seconds);
    let mb_per_s = bytes as f64 / 1e6 / seconds;
    let sha_docs_per_s = docs / sha_seconds;
    let tokenize_docs_per_s = docs / tokenize_seconds;
    times.sort();
    let latency = json!({
        "p50_ms": round3(percentile_ms(&times, 50.0)),
        "p95_ms": round3(percentile_ms(&times, 95.0)),
        "p99_ms": round3(percentile_ms(&times, 99.0)),
        "max_ms": round3(times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3)),
    });
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let doc_bytes = (bytes as f64 / docs).round();
    let per_doc = |n: u64| round3(n as f64 / docs);
    let report = json!({
        "suite": "extract",
        "docs_per_s_per_core": round1(docs_per_s),
        "doc_bytes": doc_bytes,
        "gazetteer_names": gazetteer_names,
        "peak_rss_mb": rss,
        "docs": articles.len(),
        "english_docs": english,
        "spanish_docs": spanish,
        "english_docs_per_s": english_docs_per_s,
        "spanish_docs_per_s": spanish_docs_per_s,
        "doc_bytes_min": min_bytes,
        "doc_bytes_max": max_bytes,
        "mb": round3(bytes as f64 / 1e6),
        "seconds": round3(seconds),
        "mb_per_s": round3(mb_per_s),
        "doc_ms": latency,
        "baselines": {
            "tokenize_docs_per_s": round1(tokenize_docs_per_s),
            "ratio_to_tokenize": ratio(docs_per_s, tokenize_docs_per_s),
            "sha256_docs_per_s": round1(sha_docs_per_s),
            "sha256_mb_per_s": round1(bytes as f64 / 1e6 / sha_seconds),
            "ratio_to_sha256": ratio(docs_per_s, sha_docs_per_s),
        },
        "gazetteer": {
            "entries": gazetteer_names,
            "builtin_entries": builtin_entries,
            "persons_added": added_persons,
            "organizations_added": added_orgs,
            "places_added": added_places,
            "builtin_build_ms": round3(builtin_seconds * 1e3),
            "build_ms": round3(gazetteer_seconds * 1e3),
            "peak_rss_mb_after": rss_after_gazetteer,
        },
        "found": {
            "persons": found.persons,
            "persons_linked": found.persons_linked,
            "organizations": found.organizations,
            "places": found.places,
            "dates": found.dates,
            "dates_resolved": found.dates_resolved,
            "counts": found.counts,
            "quotes": found.quotes,
            "quotes_with_speaker": found.quotes_with_speaker,
            "posts": found.posts,
            "violations": found.violations,
            "problems": found.problems,
        },
        "found_per_doc": {
            "persons": per_doc(found.persons),
            "organizations": per_doc(found.organizations),
            "places": per_doc(found.places),
            "dates": per_doc(found.dates),
            "counts": per_doc(found.counts),
            "quotes": per_doc(found.quotes),
            "posts": per_doc(found.posts),
            "violations": per_doc(found.violations),
        },
        "modules": {
            "tokenize": module_json(modules.tokenize),
            "dates": module_json(modules.dates),
            "counts": module_json(modules.counts),
            "names": module_json(modules.names),
            "quotes": module_json(modules.quotes),
            "posts": module_json(modules.posts),
            "violations": module_json(modules.violations),
        },
        "peak_rss_mb_after_extract": rss_after_extract,
        "target_docs_per_s_per_core": TARGET_DOCS_PER_S,
        "seed": SEED,
        "machine": {
            "cores": cores,
            "os": std::env::consts::OS,
            "arch": std::env::consts::ARCH,
        },
        "build": build,
    });
    if options.json {
        println!("{report}");
        return Ok(());
    }
    let ms = |value: &Value, key: &str| value[key].as_f64().unwrap_or(0.0);
    println!("amparo bench extract ({cores} cores, {build} build; one thread)");
    println!(
        "{} articles ({english} English, {} Spanish) of {doc_bytes:.0} bytes on average ({min_bytes}–{max_bytes}), gazetteer of {gazetteer_names} names ({added_persons} persons added, built in {:.1} ms)",
        articles.len(),
        spanish,
        gazetteer_seconds * 1e3
    );
    println!(
        "extract: {docs_per_s:.0} documents/s per core, target >= {TARGET_DOCS_PER_S:.0}; {mb_per_s:.2} MB/s; per document p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        ms(&latency, "p50_ms"),
        ms(&latency, "p95_ms"),
        ms(&latency, "p99_ms"),
        ms(&latency, "max_ms")
    );
    println!(
        "by language: English {english_docs_per_s:.0} documents/s, Spanish {spanish_docs_per_s:.0} documents/s"
    );
    println!(
        "baselines: tokenizing alone {tokenize_docs_per_s:.0} documents/s (ratio {:.3}); SHA-256 {sha_docs_per_s:.0} documents/s (ratio {:.4})",
        docs_per_s / tokenize_docs_per_s,
        docs_per_s / sha_docs_per_s
    );
    println!(
        "found per document: {:.1} persons ({} of {} linked to the gazetteer), {:.1} organizations, {:.1} places, {:.1} dates, {:.1} counts, {:.1} quotes, {:.2} posts, {:.1} violation cues",
        found.persons as f64 / docs,
        found.persons_linked,
        found.persons,
        found.organizations as f64 / docs,
        found.places as f64 / docs,
        found.dates as f64 / docs,
        found.counts as f64 / docs,
        found.quotes as f64 / docs,
        found.posts as f64 / docs,
        found.violations as f64 / docs
    );
    let line = |name: &str, time: Duration| {
        format!(
            "{name} {:.3} ms ({:.0} %)",
            time.as_secs_f64() * 1e3 / docs,
            time.as_secs_f64() / module_total * 100.0
        )
    };
    println!(
        "each alone, per document: {}, {}, {}, {}, {}, {}, {}",
        line("tokenize", modules.tokenize),
        line("dates", modules.dates),
        line("counts", modules.counts),
        line("names", modules.names),
        line("quotes", modules.quotes),
        line("posts", modules.posts),
        line("violations", modules.violations)
    );
    let show = |value: Option<f64>| value.map_or("unknown".to_owned(), |mb| format!("{mb:.0} MB"));
    println!(
        "peak RSS: {} (after the gazetteer {})",
        show(rss),
        show(rss_after_gazetteer)
    );
    Ok(())
}
