//! Language identification (issue 5 part 3): titles, social posts and articles in English and
//! Spanish; the languages nearest Spanish are answered as themselves; a Spanish post quoted in
//! an English article is reported as a passage. All texts were written for these tests.

use amparo_ingest::lang::{self, Passage};

#[track_caller]
fn check(text: &str, expected: &str) {
    let detection = lang::detect(text);
    assert_eq!(
        detection.language, expected,
        "detect({text:?}) = {detection:?}"
    );
    assert!(
        (0.0..=1.0).contains(&detection.confidence),
        "confidence out of range: {detection:?}"
    );
    let report = lang::analyze(text);
    assert_eq!(report.language, expected, "analyze({text:?}) = {report:?}");
}

#[test]
fn english_titles_and_posts() {
    check("Judge blocks deportations under Alien Enemies Act", "en");
    check(
        "UN experts call for an independent inquiry into deaths in custody",
        "en",
    );
    check(
        "Families of the disappeared march through Mexico City",
        "en",
    );
    check(
        "Court orders release of journalist held without charge",
        "en",
    );
    check(
        "Just landed in Caracas to interview the returned migrants. Their accounts of the prison \
         are harrowing. Thread below 👇",
        "en",
    );
}

#[test]
fn spanish_titles_and_posts() {
    check(
        "Deportados a El Salvador denuncian torturas en el CECOT",
        "es",
    );
    check(
        "Madres buscadoras hallan restos humanos en un rancho de Jalisco",
        "es",
    );
    check(
        "La ONU pide investigar desapariciones forzadas en México",
        "es",
    );
    check("Liberan al periodista detenido sin cargos", "es");
    check(
        "Hoy marchamos por nuestros desaparecidos. No nos vamos a callar hasta que vuelvan a \
         casa 🕯️ #NiUnoMás",
        "es",
    );
}

const ENGLISH_ARTICLE: &str = "\
Human rights groups said on Tuesday that they had documented at least forty cases of people \
held for weeks without access to a lawyer after being transferred between detention centres. \
Relatives described travelling from one facility to another in search of information, only to \
be told that no record of the detainee existed.

The organisations asked the authorities to publish a complete list of detainees and to allow \
independent monitors to visit the facilities without prior notice. A spokesperson for the \
ministry declined to comment on individual cases but said that all transfers complied with the \
law.";

const SPANISH_ARTICLE: &str = "\
Organizaciones de derechos humanos informaron el martes que han documentado al menos cuarenta \
casos de personas retenidas durante semanas sin acceso a un abogado tras ser trasladadas entre \
centros de detención. Los familiares relataron que viajaron de un centro a otro en busca de \
información, y que allí les dijeron que no existía ningún registro del detenido.

Las organizaciones pidieron a las autoridades que publiquen una lista completa de las personas \
detenidas y que permitan a observadores independientes visitar las instalaciones sin aviso \
previo. Un portavoz del ministerio no quiso comentar casos concretos, pero aseguró que todos los \
traslados se ajustaron a la ley.";

#[test]
fn long_english_and_spanish_articles() {
    check(ENGLISH_ARTICLE, "en");
    check(SPANISH_ARTICLE, "es");
    let english = lang::analyze(ENGLISH_ARTICLE);
    assert!(english.confidence > 0.99, "{english:?}");
    assert_eq!(english.passages, []);
    let spanish = lang::analyze(SPANISH_ARTICLE);
    assert!(spanish.confidence > 0.99, "{spanish:?}");
    assert_eq!(spanish.passages, []);
}

#[test]
fn portuguese_is_not_spanish() {
    check(
        "O tribunal federal ordenou a libertação imediata dos migrantes detidos sem acusação formal.",
        "pt",
    );
    check(
        "As famílias das vítimas exigem que o governo investigue as denúncias de tortura nas prisões.",
        "pt",
    );
    check(
        "Deportados para El Salvador denunciam torturas em prisão de segurança máxima",
        "pt",
    );
    check(
        "Organizações de direitos humanos pedem uma investigação independente sobre as mortes.",
        "pt",
    );
}

#[test]
fn catalan_is_not_spanish() {
    check(
        "El tribunal ha ordenat l'alliberament immediat dels migrants detinguts sense cap acusació formal.",
        "ca",
    );
    check(
        "Les famílies de les víctimes exigeixen que el govern investigui les denúncies de tortura a les presons.",
        "ca",
    );
    check(
        "Deportats a El Salvador denuncien tortures a la presó de màxima seguretat",
        "ca",
    );
    check(
        "Les organitzacions de drets humans demanen una investigació independent sobre les morts.",
        "ca",
    );
}

#[test]
fn galician_is_not_spanish() {
    check(
        "O tribunal ordenou a liberación inmediata dos migrantes detidos sen ningunha acusación formal.",
        "gl",
    );
    check(
        "As familias das vítimas esixen que o goberno investigue as denuncias de tortura nos cárceres.",
        "gl",
    );
    check(
        "As organizacións de dereitos humanos piden unha investigación independente sobre as mortes.",
        "gl",
    );
    check(
        "Os deportados denuncian que non tiveron acceso a un avogado durante meses.",
        "gl",
    );
}

#[test]
fn french_italian_german() {
    check(
        "Le tribunal a ordonné la libération immédiate des migrants détenus sans inculpation.",
        "fr",
    );
    check(
        "Il tribunale ha ordinato il rilascio immediato dei migranti detenuti senza accuse formali.",
        "it",
    );
    check(
        "Das Gericht ordnete die sofortige Freilassung der ohne Anklage festgehaltenen Migranten an.",
        "de",
    );
}

#[test]
fn nothing_to_detect_is_undetermined() {
    for text in [
        "",
        "   \n\t ",
        "2025-03-14 12:00",
        "1234 5678",
        "!!! ??? …",
        "ok",
        "👍🏽🔥",
    ] {
        let detection = lang::detect(text);
        assert_eq!(detection.language, lang::UNDETERMINED, "{text:?}");
        assert_eq!(detection.confidence, 0.0, "{text:?}");
        let report = lang::analyze(text);
        assert_eq!(report.language, lang::UNDETERMINED, "{text:?}");
        assert_eq!(report.passages, []);
    }
}

#[test]
fn scripts_outside_the_model() {
    check(
        "Το δικαστήριο διέταξε την άμεση απελευθέρωση των κρατουμένων",
        "el",
    );
    check("법원은 구금된 이주민들의 즉각적인 석방을 명령했다", "ko");
    // Cyrillic is written in many languages the model does not know.
    check("Суд постановил немедленно освободить задержанных", "und");
}

/// Character offset of `needle` in `haystack`.
fn char_offset(haystack: &str, needle: &str) -> usize {
    let byte = haystack.find(needle).expect("needle is in haystack");
    haystack[..byte].chars().count()
}

#[test]
fn spanish_post_inside_an_english_article_is_a_passage() {
    let post = "Hoy nos devolvieron a nuestros hijos, pero no nos devolvieron los meses que pasaron \
                encerrados. Exigimos justicia y que nadie más sea enviado a esa cárcel.";
    let article = format!(
        "Photo: Archive.\n\n\
         Relatives of the deported men gathered outside the airport on Friday as the first \
         flight carrying the released detainees landed in the capital.\n\n\
         Many of the families had spent months without any news about where the men were being \
         held, according to lawyers who represent several of them.\n\n\
         📢 {post}\n\n\
         — Comité de Familiares (@comite_familias) July 18, 2025\n\n\
         The government said it would provide medical and psychological care to all of the \
         returnees and promised to pursue the case before international courts.\n\n\
         Lawyers for the families said they would file new complaints next week."
    );
    let report = lang::analyze(&article);
    assert_eq!(report.language, "en");
    let start = char_offset(&article, "Hoy nos");
    let end = char_offset(&article, "esa cárcel.") + "esa cárcel.".chars().count();
    assert_eq!(
        report.passages,
        [Passage {
            start,
            end,
            language: "es".to_owned()
        }]
    );
    let passage: String = article.chars().skip(start).take(end - start).collect();
    assert_eq!(passage, post);
}

#[test]
fn foreign_names_and_single_words_are_not_passages() {
    let article = "The march ended at the Plaza de la Constitución, where the mothers read the \
                   names of the disappeared. Organisers said the slogan ¡Justicia! would be \
                   painted on the wall of the Secretaría de Gobernación. Police did not \
                   intervene, and the crowd dispersed peacefully in the evening after the last \
                   speeches. Another march is planned for next month in the same square.";
    let report = lang::analyze(article);
    assert_eq!(report.language, "en");
    assert_eq!(report.passages, []);
}

#[test]
fn portuguese_paragraph_in_a_spanish_article() {
    let quote = "A nossa comunidade não vai esquecer o que aconteceu. Queremos que os responsáveis \
                 sejam julgados e que as famílias recebam uma reparação justa.";
    let article = format!(
        "{SPANISH_ARTICLE}\n\n{quote}\n\nLa audiencia fue aplazada hasta el próximo mes por falta de intérpretes."
    );
    let report = lang::analyze(&article);
    assert_eq!(report.language, "es");
    assert_eq!(report.passages.len(), 1, "{report:?}");
    assert_eq!(report.passages[0].language, "pt");
    assert_eq!(report.passages[0].start, char_offset(&article, "A nossa"));
}

#[test]
fn inspect_json_has_exactly_the_documented_fields() {
    let report = lang::analyze("Deportados a El Salvador denuncian torturas en el CECOT");
    let json = report.to_inspect_json();
    let object = json.as_object().expect("an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["confidence", "language", "passages"]);
    assert_eq!(json["language"], "es");
    let confidence = json["confidence"].as_f64().expect("a number");
    assert!((0.0..=1.0).contains(&confidence));
    assert_eq!(json["passages"], serde_json::json!([]));

    let with_passage = lang::LanguageReport {
        language: "en".to_owned(),
        confidence: 0.98765,
        passages: vec![Passage {
            start: 3,
            end: 42,
            language: "es".to_owned(),
        }],
    };
    assert_eq!(
        with_passage.to_inspect_json().to_string(),
        r#"{"confidence":0.988,"language":"en","passages":[{"end":42,"language":"es","start":3}]}"#
    );
}

#[test]
fn the_embedded_model_lists_its_languages() {
    for code in ["en", "es", "pt", "ca", "gl", "fr", "it", "de"] {
        assert!(lang::MODEL_LANGUAGES.contains(&code), "{code}");
    }
}
