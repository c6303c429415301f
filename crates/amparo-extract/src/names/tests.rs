use super::*;
use crate::Language;
use crate::gazetteer::GazetteerEntry;

fn gazetteer() -> Gazetteer {
    let person = |id: &str, name: &str| GazetteerEntry {
        id: id.to_owned(),
        kind: NameKind::Person,
        name: name.to_owned(),
        aliases: Vec::new(),
        detail: None,
    };
    Gazetteer::with_builtin(vec![
        person("P-1", "Jose G. Perez"),
        person("P-2", "James E. Boasberg"),
        person("P-3", "Nayib Bukele"),
        person("P-4", "Juan Pérez García"),
        person("P-5", "Juan Pérez López"),
    ])
}

fn names(text: &str, language: Language) -> Names {
    let doc = Doc::new(text, language);
    find_names(&doc, &gazetteer())
}

fn texts(mentions: &[Mention]) -> Vec<&str> {
    mentions.iter().map(|m| m.text.as_str()).collect()
}

fn find<'m>(mentions: &'m [Mention], text: &str) -> &'m Mention {
    mentions
        .iter()
        .find(|m| m.text == text)
        .unwrap_or_else(|| panic!("no {text:?} in {:?}", texts(mentions)))
}

/// Offsets are characters into the input.
fn check_offsets(input: &str, names: &Names) {
    let chars: Vec<char> = input.chars().collect();
    for mention in names
        .persons
        .iter()
        .chain(&names.organizations)
        .chain(&names.places)
    {
        let slice: String = chars[mention.start..mention.end].iter().collect();
        assert_eq!(slice, mention.text);
        assert!((0.0..=1.0).contains(&mention.confidence));
    }
}

#[test]
fn english_titles_go_to_detail() {
    let text = "U.S. Federal Judge James E. Boasberg ordered the government to stop the flights. Boasberg said the administration had acted in bad faith.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    let judge = find(&found.persons, "James E. Boasberg");
    assert_eq!(judge.detail.as_deref(), Some("U.S. Federal Judge"));
    assert_eq!(judge.matches[0].id, "P-2");
    let later = find(&found.persons, "Boasberg");
    assert_eq!(later.matches[0].id, "P-2");
    assert!(texts(&found.places).contains(&"U.S."));
}

#[test]
fn spanish_roles_before_a_name_go_to_detail() {
    let text = "El presidente de El Salvador, Nayib Bukele, ofreció recibir a los deportados. Según Bukele, la cárcel tiene capacidad para 40.000 personas.";
    let found = names(text, Language::Es);
    check_offsets(text, &found);
    let bukele = find(&found.persons, "Nayib Bukele");
    assert_eq!(
        bukele.detail.as_deref(),
        Some("El presidente de El Salvador")
    );
    assert_eq!(bukele.matches[0].id, "P-3");
    assert_eq!(find(&found.persons, "Bukele").matches[0].id, "P-3");
    assert_eq!(texts(&found.places), vec!["El Salvador"]);
    let found = names(
        "Lo dijo el presidente Nayib Bukele en San Salvador.",
        Language::Es,
    );
    assert_eq!(
        find(&found.persons, "Nayib Bukele").detail.as_deref(),
        Some("el presidente")
    );
    assert_eq!(
        find(&found.places, "San Salvador").detail.as_deref(),
        Some("city")
    );
}

#[test]
fn more_titles_and_roles() {
    for (text, language, person, detail) in [
        (
            "Secretary of Homeland Security Kristi Noem visited the prison.",
            Language::En,
            "Kristi Noem",
            "Secretary of Homeland Security",
        ),
        (
            "Attorney General Pam Bondi announced charges.",
            Language::En,
            "Pam Bondi",
            "Attorney General",
        ),
        (
            "The bill was backed by Sen. Chris Van Hollen of Maryland.",
            Language::En,
            "Chris Van Hollen",
            "Sen.",
        ),
        (
            "Her lawyer, Juan Pérez, filed a habeas petition.",
            Language::En,
            "Juan Pérez",
            "lawyer",
        ),
        (
            "La jueza federal Ana Reyes suspendió la orden.",
            Language::Es,
            "Ana Reyes",
            "La jueza federal",
        ),
        (
            "El abogado Juan Pérez presentó un recurso.",
            Language::Es,
            "Juan Pérez",
            "El abogado",
        ),
        (
            "La ministra Delcy Rodríguez habló ayer.",
            Language::Es,
            "Delcy Rodríguez",
            "La ministra",
        ),
        (
            "Según la Sra. Martínez, su hijo desapareció.",
            Language::Es,
            "Martínez",
            "Sra.",
        ),
    ] {
        let found = names(text, language);
        check_offsets(text, &found);
        let mention = find(&found.persons, person);
        assert_eq!(mention.detail.as_deref(), Some(detail), "{text}");
    }
    let found = names(
        "The bill was backed by Sen. Chris Van Hollen of Maryland.",
        Language::En,
    );
    assert_eq!(texts(&found.places), vec!["Maryland"]);
}

#[test]
fn acronyms_and_expansions_are_two_linked_mentions() {
    let text = "They were sent to the Terrorism Confinement Center (CECOT, in Spanish) in Tecoluca. Lawyers have not been allowed into CECOT.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    let cecot = find(&found.places, "Terrorism Confinement Center");
    assert_eq!(cecot.detail.as_deref(), Some("CECOT"));
    assert_eq!(cecot.matches[0].id, "facility:sv-cecot");
    let acronym = &found.places[1];
    assert_eq!(acronym.text, "CECOT");
    assert_eq!(
        acronym.detail.as_deref(),
        Some("Terrorism Confinement Center")
    );
    assert_eq!(acronym.matches[0].id, "facility:sv-cecot");
    let later = found.places.last().unwrap();
    assert_eq!(later.text, "CECOT");
    assert_eq!(later.matches[0].id, "facility:sv-cecot");
    assert!(texts(&found.places).contains(&"Tecoluca"));
    assert_eq!(found.places.len(), 4, "{:?}", texts(&found.places));

    let text = "Fueron trasladados al CECOT (Centro de Confinamiento del Terrorismo).";
    let found = names(text, Language::Es);
    let cecot = find(&found.places, "CECOT");
    assert_eq!(
        cecot.detail.as_deref(),
        Some("Centro de Confinamiento del Terrorismo")
    );

    let text =
        "Agents of Immigration and Customs Enforcement (ICE) detained him. ICE did not comment.";
    let found = names(text, Language::En);
    let ice = find(&found.organizations, "Immigration and Customs Enforcement");
    assert_eq!(ice.detail.as_deref(), Some("ICE"));
    assert_eq!(
        texts(&found.organizations),
        vec!["Immigration and Customs Enforcement", "ICE", "ICE"]
    );
    assert_eq!(
        found.organizations[1].detail.as_deref(),
        Some("Immigration and Customs Enforcement")
    );
    assert_eq!(ice.matches[0].id, "org:us-ice");
    assert_eq!(
        find(&found.organizations, "ICE").matches[0].id,
        "org:us-ice"
    );
    assert!(found.persons.is_empty(), "{:?}", texts(&found.persons));

    let text = "Según la Oficina del Alto Comisionado de las Naciones Unidas para los Refugiados (ACNUR), la cifra aumentó.";
    let found = names(text, Language::Es);
    check_offsets(text, &found);
    let acnur = find(
        &found.organizations,
        "Oficina del Alto Comisionado de las Naciones Unidas para los Refugiados",
    );
    assert_eq!(acnur.detail.as_deref(), Some("ACNUR"));
    assert_eq!(acnur.matches[0].id, "org:un-unhcr");

    // An unknown acronym defined in the text.
    let text = "The Venezuelan Migrant Support Network (VMSN) said. Later the VMSN added more.";
    let found = names(text, Language::En);
    let network = find(&found.organizations, "Venezuelan Migrant Support Network");
    assert_eq!(network.detail.as_deref(), Some("VMSN"));
    assert_eq!(
        find(&found.organizations, "VMSN").detail.as_deref(),
        Some("Venezuelan Migrant Support Network")
    );
}

#[test]
fn two_part_spanish_surnames_link_to_the_gazetteer() {
    let text = "José Gregorio Pérez Rodríguez fue detenido en Caracas. Pérez Rodríguez no ha vuelto a llamar.";
    let found = names(text, Language::Es);
    check_offsets(text, &found);
    let jose = find(&found.persons, "José Gregorio Pérez Rodríguez");
    assert_eq!(jose.matches[0].id, "P-1");
    assert!(jose.matches[0].score >= 0.85);
    assert_eq!(find(&found.persons, "Pérez Rodríguez").matches[0].id, "P-1");
    assert_eq!(texts(&found.places), vec!["Caracas"]);
}

#[test]
fn people_sharing_a_surname_keep_both_candidates() {
    let found = names("Juan Pérez was deported on Saturday.", Language::En);
    let juan = find(&found.persons, "Juan Pérez");
    let ids: Vec<&str> = juan.matches.iter().map(|m| m.id.as_str()).collect();
    assert!(ids.contains(&"P-4") && ids.contains(&"P-5"), "{ids:?}");
}

#[test]
fn organizations_and_places_by_cues_and_gazetteer() {
    let text = "The American Civil Liberties Union and Human Rights Watch sued the Department of Homeland Security in Washington. Detainees were moved from the Krome North Service Processing Center to the Harris County Jail and then to Guantánamo.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    assert_eq!(
        texts(&found.organizations),
        vec![
            "American Civil Liberties Union",
            "Human Rights Watch",
            "Department of Homeland Security"
        ]
    );
    assert_eq!(
        texts(&found.places),
        vec![
            "Washington",
            "Krome North Service Processing Center",
            "Harris County Jail",
            "Guantánamo"
        ]
    );
    assert_eq!(
        find(&found.places, "Harris County Jail").detail.as_deref(),
        Some("jail")
    );
    assert!(found.persons.is_empty(), "{:?}", texts(&found.persons));

    let text = "El Ministerio de Relaciones Exteriores de Venezuela y la Comisión Interamericana de Derechos Humanos denunciaron el traslado al Centro de Detención de Otay Mesa, en California.";
    let found = names(text, Language::Es);
    check_offsets(text, &found);
    assert_eq!(
        texts(&found.organizations),
        vec![
            "Ministerio de Relaciones Exteriores de Venezuela",
            "Comisión Interamericana de Derechos Humanos"
        ]
    );
    assert_eq!(
        texts(&found.places),
        vec!["Centro de Detención de Otay Mesa", "California"]
    );
    assert!(found.persons.is_empty(), "{:?}", texts(&found.persons));
}

#[test]
fn groups_gangs_and_demonyms() {
    let text = "Officials accused the Venezuelan men of belonging to Tren de Aragua and MS-13. Many Venezuelans denied it.";
    let found = names(text, Language::En);
    assert_eq!(texts(&found.organizations), vec!["Tren de Aragua", "MS-13"]);
    assert!(found.places.is_empty(), "{:?}", texts(&found.places));
    assert!(found.persons.is_empty(), "{:?}", texts(&found.persons));
}

#[test]
fn sentence_start_function_words_and_months_do_not_start_names() {
    let text = "In March, the men were flown to El Salvador. The Guardian reported it. En Caracas, las familias esperan. Los Angeles police said nothing.";
    let found = names(text, Language::En);
    let all: Vec<&str> = texts(&found.persons)
        .into_iter()
        .chain(texts(&found.organizations))
        .chain(texts(&found.places))
        .collect();
    assert!(
        !all.iter().any(|t| t.starts_with("In ")
            || t.starts_with("The ")
            || t.starts_with("En ")
            || t.contains("March")),
        "{all:?}"
    );
    assert!(texts(&found.places).contains(&"El Salvador"));
    assert!(texts(&found.places).contains(&"Caracas"));
    assert!(texts(&found.places).contains(&"Los Angeles"));
}

#[test]
fn speakers_and_given_names_are_persons() {
    let text = "\"We want him back,\" said Mercedes Yamarte, whose son was deported. Andry Hernández Romero is a makeup artist, according to his lawyer Lindsay Toczylowski.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    let persons = texts(&found.persons);
    for name in [
        "Mercedes Yamarte",
        "Andry Hernández Romero",
        "Lindsay Toczylowski",
    ] {
        assert!(persons.contains(&name), "{name} not in {persons:?}");
    }
    assert_eq!(
        find(&found.persons, "Lindsay Toczylowski")
            .detail
            .as_deref(),
        Some("lawyer")
    );
}

#[test]
fn possessives_and_headlines() {
    let found = names(
        "Bukele's government denied it. Nayib Bukele's prison is full.",
        Language::En,
    );
    assert!(texts(&found.persons).contains(&"Nayib Bukele"));
    let found = names(
        "ICE DETAINS VENEZUELAN MAN IN TEXAS\n\nThe story.",
        Language::En,
    );
    assert_eq!(texts(&found.organizations), vec!["ICE"]);
    assert_eq!(texts(&found.places), vec!["TEXAS"]);
    assert!(found.persons.is_empty());
}

#[test]
fn empty_and_odd_texts() {
    for text in [
        "",
        " ",
        "(",
        "()",
        "A (B)",
        "X (",
        "( ICE ,",
        "Sr. .",
        "de la de",
        "ICE (ICE)",
    ] {
        let _ = names(text, Language::Es);
        let _ = names(text, Language::En);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    #[test]
    fn any_text_gives_valid_offsets(text in "\\PC{0,200}") {
        let found = names(&text, Language::En);
        let count = text.chars().count();
        for mention in found.persons.iter().chain(&found.organizations).chain(&found.places) {
            proptest::prop_assert!(mention.start <= mention.end && mention.end <= count);
        }
    }

    #[test]
    fn name_like_text_gives_valid_offsets(
        words in proptest::collection::vec("(El|de|la|Juan|Pérez|ICE|\\(|\\)|,|\\.|Sr\\.|Judge|in|Caracas|CECOT|Ñuñoa|[A-ZÁ][a-zé]{0,6}|[a-z]{1,5})", 0..30)
    ) {
        let text = words.join(" ");
        let found = names(&text, Language::Es);
        let chars: Vec<char> = text.chars().collect();
        for mention in found.persons.iter().chain(&found.organizations).chain(&found.places) {
            let slice: String = chars[mention.start..mention.end].iter().collect();
            proptest::prop_assert_eq!(&slice, &mention.text);
        }
    }
}

/// `cargo test --release -p amparo-extract names::tests::throughput -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, not a check"]
fn throughput() {
    let given = [
        "José", "María", "Juan", "Ana", "Luis", "Carmen", "James", "Mary", "Pedro", "Rosa",
    ];
    let surnames = [
        "Pérez",
        "García",
        "López",
        "Rodríguez",
        "Hernández",
        "Smith",
        "Martínez",
        "Gómez",
        "Díaz",
        "Torres",
    ];
    let mut entries = Vec::new();
    for i in 0..10_000 {
        entries.push(GazetteerEntry {
            id: format!("P-{i}"),
            kind: NameKind::Person,
            name: format!(
                "{} {}{} {}",
                given[i % 10],
                surnames[(i / 10) % 10],
                i / 100,
                surnames[i % 7]
            ),
            aliases: Vec::new(),
            detail: None,
        });
    }
    let gazetteer = if std::env::var_os("NO_PEOPLE").is_some() {
        Gazetteer::builtin()
    } else {
        Gazetteer::with_builtin(entries)
    };
    let paragraph = "U.S. Federal Judge James E. Boasberg ordered the administration to return the men sent to the Terrorism Confinement Center (CECOT, in Spanish) in El Salvador. El presidente de El Salvador, Nayib Bukele, dijo que José Gregorio Pérez Rodríguez y Juan Pérez siguen en el penal. Immigration and Customs Enforcement (ICE) did not respond, and the American Civil Liberties Union said the Department of Homeland Security moved detainees from Krome to Guantánamo. ";
    let text = paragraph.repeat(5000 / paragraph.len() + 1);
    let doc = Doc::new(&text, Language::En);
    let runs = 500;
    let started = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..runs {
        total += find_names(&doc, &gazetteer).persons.len();
    }
    let elapsed = started.elapsed();
    println!(
        "{} bytes, {total} persons: {:.0} documents/s",
        text.len(),
        runs as f64 / elapsed.as_secs_f64()
    );
}

#[test]
fn mixed_case_acronyms_after_their_expansion() {
    let text = "El Frente de Madres Buscadoras del Norte (Fremabun) marchó el lunes.";
    let found = names(text, Language::Es);
    check_offsets(text, &found);
    assert_eq!(
        texts(&found.organizations),
        vec!["Frente de Madres Buscadoras del Norte", "Fremabun"]
    );
    // A word in brackets that is not made of the name's beginnings is no acronym.
    let found = names(
        "La Red de Apoyo al Migrante (Tijuana) abrió un albergue.",
        Language::Es,
    );
    assert!(!texts(&found.organizations).contains(&"Tijuana"));
}

#[test]
fn organizations_of_organizations_are_two_names() {
    let text = "La Sala de lo Penal del Tribunal Superior de Justicia rechazó el recurso.";
    let found = names(text, Language::Es);
    check_offsets(text, &found);
    assert_eq!(
        texts(&found.organizations),
        vec!["Sala de lo Penal", "Tribunal Superior de Justicia"]
    );
    let text = "The Department of Homeland Security's Office for Civil Rights and Civil Liberties opened a review.";
    let found = names(text, Language::En);
    assert_eq!(
        texts(&found.organizations),
        vec![
            "Department of Homeland Security",
            "Office for Civil Rights and Civil Liberties"
        ]
    );
    let text = "El Relator Especial sobre la Tortura de la ONU visitó el penal. La Unidad de Víctimas de la Universidad Nacional (UNV) publicó un informe.";
    let found = names(text, Language::Es);
    let orgs = texts(&found.organizations);
    assert!(orgs.contains(&"ONU"), "{orgs:?}");
    assert!(orgs.contains(&"Unidad de Víctimas"), "{orgs:?}");
    assert!(orgs.contains(&"Universidad Nacional"), "{orgs:?}");
    assert!(orgs.contains(&"UNV"), "{orgs:?}");
}

#[test]
fn a_known_organization_with_a_region_or_a_sub_body() {
    let found = names(
        "She spoke with the ACLU of Northern California and the United Nations Committee on Enforced Disappearances.",
        Language::En,
    );
    assert_eq!(
        texts(&found.organizations),
        vec![
            "ACLU of Northern California",
            "United Nations Committee on Enforced Disappearances"
        ]
    );
    // A country after a known name is a place of its own.
    let found = names(
        "La Fiscalía General de la República de Guatemala abrió una investigación.",
        Language::Es,
    );
    assert_eq!(
        texts(&found.organizations),
        vec!["Fiscalía General de la República"]
    );
    assert_eq!(texts(&found.places), vec!["Guatemala"]);
}

#[test]
fn names_end_before_days_and_months() {
    let found = names(
        "Lawyers asked the Senate Judiciary Committee on Wednesday to act. The Inter-Agency Working Group on Detention Monday said nothing.",
        Language::En,
    );
    let orgs = texts(&found.organizations);
    assert!(orgs.contains(&"Senate Judiciary Committee"), "{orgs:?}");
    assert!(
        orgs.contains(&"Inter-Agency Working Group on Detention"),
        "{orgs:?}"
    );
}

#[test]
fn cue_words_descriptors_and_inner_prepositions() {
    let text = "The case returns to the Ninth Circuit. The Harris County Medical Examiner confirmed the death. The Texas Division of Emergency Management did not answer.";
    let found = names(text, Language::En);
    assert_eq!(
        texts(&found.organizations),
        vec![
            "Ninth Circuit",
            "Harris County Medical Examiner",
            "Texas Division of Emergency Management"
        ]
    );
    assert!(found.persons.is_empty(), "{:?}", texts(&found.persons));
    let text = "Lo denunció la Coalición con Refugiados y el colectivo Hermanas Unidas. La Conferencia del Episcopado Venezolano pidió su liberación. Rezaron en la Parroquia Santa Rita. La Corte no respondió.";
    let found = names(text, Language::Es);
    assert_eq!(
        texts(&found.organizations),
        vec![
            "Coalición con Refugiados",
            "Hermanas Unidas",
            "Conferencia del Episcopado Venezolano",
            "Parroquia Santa Rita"
        ]
    );
    assert!(found.persons.is_empty(), "{:?}", texts(&found.persons));
    let found = names(
        "The detainees were visited by the Venezuelan group Provida and by the Guatemalan Migrant Reception Center staff.",
        Language::En,
    );
    let orgs = texts(&found.organizations);
    assert!(orgs.contains(&"Provida"), "{orgs:?}");
    assert!(
        orgs.contains(&"Guatemalan Migrant Reception Center"),
        "{orgs:?}"
    );
    // The Congress alone is an organization.
    let found = names("El Congreso aprobó la ley.", Language::Es);
    assert_eq!(texts(&found.organizations), vec!["Congreso"]);
}

#[test]
fn people_of_organizations_and_plural_possessives() {
    let text = "Maria Lopez of the Arizona Detention Rights Project said the Houston Day Laborers' Association agreed.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    assert!(
        texts(&found.persons).contains(&"Maria Lopez"),
        "{:?}",
        texts(&found.persons)
    );
    assert_eq!(
        texts(&found.organizations),
        vec![
            "Arizona Detention Rights Project",
            "Houston Day Laborers' Association"
        ]
    );
    let text = "El Consulado General de Honduras en Houston y el Consulado de Venezuela atendieron a las familias.";
    let found = names(text, Language::Es);
    assert_eq!(
        texts(&found.organizations),
        vec![
            "Consulado General de Honduras en Houston",
            "Consulado de Venezuela"
        ]
    );
}

#[test]
fn platforms_are_not_places() {
    let found = names(
        "La familia lo contó en Instagram y luego en TikTok.",
        Language::Es,
    );
    assert!(found.places.is_empty(), "{:?}", texts(&found.places));
    assert!(found.persons.is_empty(), "{:?}", texts(&found.persons));
}

/// False mentions seen on a wire text: a sentence opening with people named by what they are
/// ("Relatives of …", "Neither the …") is no person, and "South Texas" is one place.
#[test]
fn wire_text_openings_and_regions() {
    let text = "Relatives of Venezuelan men held at the facility said they had no news. Neither the Department of Homeland Security nor the State Department answered questions. The men were moved to South Texas last week, according to relatives interviewed by the Observer.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    assert_eq!(texts(&found.persons), Vec::<&str>::new());
    assert_eq!(
        texts(&found.organizations)[..2],
        ["Department of Homeland Security", "State Department"]
    );
    assert_eq!(texts(&found.places), vec!["South Texas"]);
}

/// A syndication footer in title case names nobody.
#[test]
fn feed_footer_is_no_name() {
    let text = "Relatives said they had no news.\n\nFrom teleSUR English via This RSS Feed\n";
    let found = names(text, Language::En);
    assert_eq!(texts(&found.persons), Vec::<&str>::new());
    assert_eq!(texts(&found.organizations), Vec::<&str>::new());
    assert_eq!(texts(&found.places), Vec::<&str>::new());
}

/// Issue 6, real-world precision: plural demonyms and nouns for groups of people, written
/// with a capital, are no persons ("Jordanians", "Analysts", "Syrian Kurds", "New Yorkers").
#[test]
fn groups_of_people_are_no_persons() {
    let text = "Jordanians gathered outside the embassy on Friday. Thousands of Jordanians marched through the capital. Analysts said the protests would grow. Islamists and secularists argued for hours. Syrian Kurds joined them, and New Yorkers lined the streets.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    assert_eq!(texts(&found.persons), Vec::<&str>::new());
}

/// Issue 6: companies, brands and publications named by a cue word ("Foods", "Market",
/// "Finance", "Club", "Monitor"), after an owner ("Texas-owned"), or by the same words as
/// an organization elsewhere in the text, are organizations.
#[test]
fn companies_and_brands_are_organizations() {
    let text = "The Texas-owned Corner Basket Market opened a store in Dallas. Corner Basket said prices would fall. Economists at Harbor Finance disagreed, members of Mark's Club were not sure, and the Daily Monitor reported the sale. Shoppers at Riverside Foods compared prices.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    assert_eq!(texts(&found.persons), Vec::<&str>::new());
    for name in [
        "Corner Basket Market",
        "Corner Basket",
        "Harbor Finance",
        "Daily Monitor",
        "Riverside Foods",
    ] {
        find(&found.organizations, name);
    }
}

/// Issue 6: places the gazetteer does not know, named by a landmark word ("Locks",
/// "Passage", "Harbour", "Punta"), by a compass word ("South Kivu", "Far East"), or known
/// but written with a curly possessive ("New Zealand’s"), are no persons.
#[test]
fn landmarks_and_regions_are_no_persons() {
    let text = "Visitors walked from the Granite Locks to the Eastern Passage before flying to the Far East. Her family lives near Ortega Harbour. Aid reached South Kivu and New Zealand’s capital.";
    let found = names(text, Language::En);
    check_offsets(text, &found);
    assert_eq!(texts(&found.persons), Vec::<&str>::new());
    for name in ["Far East", "South Kivu", "New Zealand"] {
        find(&found.places, name);
    }
    let text = "La familia vive en Punta Lobos desde 2010. Punta Lobos queda lejos de la capital.";
    let found = names(text, Language::Es);
    check_offsets(text, &found);
    assert_eq!(texts(&found.persons), Vec::<&str>::new());
    find(&found.places, "Punta Lobos");
}

/// Issue 6: headings and labels in capitals ("REVISADO A"), charters and degrees ("Carta
/// Magna", "Doctorado Honoris Causa") name nobody.
#[test]
fn headings_charters_and_degrees_are_no_persons() {
    let text = "REVISADO A las 10:30\n\nLa Carta Magna fue aprobada en 1991. Recibió un Doctorado Honoris Causa de la universidad.";
    let found = names(text, Language::Es);
    check_offsets(text, &found);
    assert_eq!(texts(&found.persons), Vec::<&str>::new());
}
