use super::*;
use crate::Precision;

fn published() -> Option<Date> {
    ymd(2025, 12, 26)
}

fn dates(text: &str, language: Language) -> Vec<(String, Option<String>, Precision)> {
    let doc = Doc::new(text, language);
    let mut problems = Vec::new();
    find_dates(&doc, published(), &mut problems)
        .into_iter()
        .map(|date| (date.text, date.value, date.precision))
        .collect()
}

fn check(table: &[(&str, &str, &str, Precision)], language: Language) {
    for (text, span, value, precision) in table {
        let found = dates(text, language);
        assert_eq!(
            found,
            vec![((*span).to_owned(), Some((*value).to_owned()), *precision)],
            "{text}"
        );
    }
}

use Precision::{Day, Month, Year};

#[test]
fn english_absolute_dates() {
    check(
        &[
            (
                "The flights left on March 15, 2025.",
                "March 15, 2025",
                "2025-03-15",
                Day,
            ),
            (
                "They landed on 15 March 2025 in San Salvador.",
                "15 March 2025",
                "2025-03-15",
                Day,
            ),
            (
                "He was deported in July 2025.",
                "July 2025",
                "2025-07",
                Month,
            ),
            (
                "July 2025 was the worst month.",
                "July 2025",
                "2025-07",
                Month,
            ),
            ("The law passed in 2025.", "2025", "2025", Year),
            ("He has been held since 2019.", "2019", "2019", Year),
            (
                "The order is dated 2025-12-22.",
                "2025-12-22",
                "2025-12-22",
                Day,
            ),
            (
                "The order is dated 12/22/2025.",
                "12/22/2025",
                "2025-12-22",
                Day,
            ),
            (
                "The order is dated 22/12/2025.",
                "22/12/2025",
                "2025-12-22",
                Day,
            ),
            (
                "The order is dated 3/4/2025.",
                "3/4/2025",
                "2025-03-04",
                Day,
            ),
            (
                "It happened on Tuesday, March 11, 2025.",
                "Tuesday, March 11, 2025",
                "2025-03-11",
                Day,
            ),
            (
                "It was signed Dec. 22, 2024 in Washington.",
                "Dec. 22, 2024",
                "2024-12-22",
                Day,
            ),
            ("Arrests rose in mid-2025.", "mid-2025", "2025", Year),
            ("In fiscal year 2024 it grew.", "2024", "2024", Year),
        ],
        Language::En,
    );
}

#[test]
fn english_relative_dates() {
    check(
        &[
            (
                "They were sent to CECOT on December 22.",
                "December 22",
                "2025-12-22",
                Day,
            ),
            (
                "He was arrested last March.",
                "last March",
                "2025-03",
                Month,
            ),
            ("He was arrested in March.", "March", "2025-03", Month),
            ("He was detained in December.", "December", "2025-12", Month),
            (
                "She was deported Mar. 15 from Texas.",
                "Mar. 15",
                "2025-03-15",
                Day,
            ),
            (
                "She was deported on the 15th of March.",
                "15th of March",
                "2025-03-15",
                Day,
            ),
            ("The judge ruled on Tuesday.", "Tuesday", "2025-12-23", Day),
            (
                "The judge ruled last Friday.",
                "last Friday",
                "2025-12-19",
                Day,
            ),
            ("The judge ruled Friday.", "Friday", "2025-12-26", Day),
            (
                "The hearing will be held next Monday.",
                "next Monday",
                "2025-12-29",
                Day,
            ),
            (
                "The hearing will be held on Monday.",
                "Monday",
                "2025-12-29",
                Day,
            ),
            (
                "The hearing will take place in March.",
                "March",
                "2026-03",
                Month,
            ),
            (
                "The hearing is scheduled for March 3.",
                "March 3",
                "2026-03-03",
                Day,
            ),
            ("He was released yesterday.", "yesterday", "2025-12-25", Day),
            (
                "The court said today that it would review.",
                "today",
                "2025-12-26",
                Day,
            ),
            (
                "He vanished two weeks ago.",
                "two weeks ago",
                "2025-12-12",
                Day,
            ),
            ("He vanished a month ago.", "a month ago", "2025-11", Month),
            (
                "He vanished three years ago.",
                "three years ago",
                "2022",
                Year,
            ),
            (
                "He vanished twenty-one days ago.",
                "twenty-one days ago",
                "2025-12-05",
                Day,
            ),
            ("Deportations doubled last year.", "last year", "2024", Year),
            (
                "Deportations doubled earlier this year.",
                "this year",
                "2025",
                Year,
            ),
            ("Arrests peaked last month.", "last month", "2025-11", Month),
            (
                "He was arrested in March of last year.",
                "March of last year",
                "2024-03",
                Month,
            ),
            (
                "He was arrested in mid-March.",
                "mid-March",
                "2025-03",
                Month,
            ),
            (
                "She was taken on Tuesday's flight.",
                "Tuesday's",
                "2025-12-23",
                Day,
            ),
            (
                "The deadline is December 30.",
                "December 30",
                "2024-12-30",
                Day,
            ),
        ],
        Language::En,
    );
}

#[test]
fn spanish_dates() {
    check(
        &[
            (
                "Fue deportado el 22 de diciembre de 2025.",
                "22 de diciembre de 2025",
                "2025-12-22",
                Day,
            ),
            (
                "Fue deportado el 22 de diciembre del 2024.",
                "22 de diciembre del 2024",
                "2024-12-22",
                Day,
            ),
            (
                "Llegaron el 22 de diciembre.",
                "22 de diciembre",
                "2025-12-22",
                Day,
            ),
            (
                "Llegaron el pasado 22 de diciembre.",
                "el pasado 22 de diciembre",
                "2025-12-22",
                Day,
            ),
            ("Lo detuvieron el lunes.", "lunes", "2025-12-22", Day),
            (
                "Lo detuvieron el pasado lunes.",
                "el pasado lunes",
                "2025-12-22",
                Day,
            ),
            (
                "Lo detuvieron el lunes pasado.",
                "el lunes pasado",
                "2025-12-22",
                Day,
            ),
            (
                "Lo detuvieron el viernes pasado.",
                "el viernes pasado",
                "2025-12-19",
                Day,
            ),
            ("Lo detuvieron en marzo.", "marzo", "2025-03", Month),
            (
                "Lo detuvieron en marzo de 2025.",
                "marzo de 2025",
                "2025-03",
                Month,
            ),
            (
                "Lo detuvieron en marzo pasado.",
                "marzo pasado",
                "2025-03",
                Month,
            ),
            (
                "Lo detuvieron el pasado mes de marzo.",
                "el pasado mes de marzo",
                "2025-03",
                Month,
            ),
            ("Lo liberaron ayer.", "ayer", "2025-12-25", Day),
            ("Lo liberaron hoy.", "hoy", "2025-12-26", Day),
            ("Lo liberaron anteayer.", "anteayer", "2025-12-24", Day),
            (
                "Desapareció hace tres semanas.",
                "hace tres semanas",
                "2025-12-05",
                Day,
            ),
            (
                "Desapareció hace dos días.",
                "hace dos días",
                "2025-12-24",
                Day,
            ),
            ("Desapareció hace un mes.", "hace un mes", "2025-11", Month),
            ("Desapareció hace dos años.", "hace dos años", "2023", Year),
            (
                "Las deportaciones crecieron el año pasado.",
                "el año pasado",
                "2024",
                Year,
            ),
            (
                "Las deportaciones crecieron este año.",
                "este año",
                "2025",
                Year,
            ),
            (
                "Lo arrestaron en marzo del año pasado.",
                "marzo del año pasado",
                "2024-03",
                Month,
            ),
            (
                "La audiencia será el próximo lunes.",
                "el próximo lunes",
                "2025-12-29",
                Day,
            ),
            (
                "La audiencia se realizará en marzo.",
                "marzo",
                "2026-03",
                Month,
            ),
            (
                "La audiencia está prevista para el 5 de enero.",
                "5 de enero",
                "2026-01-05",
                Day,
            ),
            ("Está preso desde 2019.", "2019", "2019", Year),
            ("Ocurrió a finales de 2024.", "2024", "2024", Year),
            ("Ocurrió en el 2024.", "2024", "2024", Year),
            (
                "La orden es del 22/12/2025.",
                "22/12/2025",
                "2025-12-22",
                Day,
            ),
            (
                "La orden es del 22.12.2025.",
                "22.12.2025",
                "2025-12-22",
                Day,
            ),
            (
                "Ocurrió el martes 16 de diciembre.",
                "martes 16 de diciembre",
                "2025-12-16",
                Day,
            ),
            ("Ocurrió el 1 de enero.", "1 de enero", "2025-01-01", Day),
            (
                "Ocurrió el 1º de enero de 2024.",
                "1º de enero de 2024",
                "2024-01-01",
                Day,
            ),
            (
                "Ocurrió el 15 de ene. de 2024.",
                "15 de ene. de 2024",
                "2024-01-15",
                Day,
            ),
        ],
        Language::Es,
    );
}

#[test]
fn the_brief_examples() {
    assert_eq!(
        dates("They were flown out on December 22.", Language::En)[0]
            .1
            .as_deref(),
        Some("2025-12-22")
    );
    assert_eq!(
        dates("It began last March.", Language::En)[0].1.as_deref(),
        Some("2025-03")
    );
    assert_eq!(
        dates("Llegó el pasado 22 de diciembre.", Language::Es)[0]
            .1
            .as_deref(),
        Some("2025-12-22")
    );
    assert_eq!(
        dates("Lo vieron hace tres semanas.", Language::Es)[0]
            .1
            .as_deref(),
        Some("2025-12-05")
    );
    assert_eq!(
        dates("It began in July 2025.", Language::En)[0]
            .1
            .as_deref(),
        Some("2025-07")
    );
}

#[test]
fn the_start_of_a_range_takes_the_year_of_its_end() {
    let spans = |text, language| -> Vec<(String, Option<String>)> {
        dates(text, language)
            .into_iter()
            .map(|date| (date.0, date.1))
            .collect()
    };
    let pair = |a: &str, b: &str, c: &str, d: &str| {
        vec![
            (a.to_owned(), Some(b.to_owned())),
            (c.to_owned(), Some(d.to_owned())),
        ]
    };
    assert_eq!(
        spans("It covers January and June 2024.", Language::En),
        pair("January", "2024-01", "June 2024", "2024-06")
    );
    assert_eq!(
        spans("It ran from November 3 to January 5, 2024.", Language::En),
        pair("November 3", "2023-11-03", "January 5, 2024", "2024-01-05")
    );
    assert_eq!(
        spans("Entre el 3 de marzo y el 5 de abril de 2024.", Language::Es),
        pair(
            "3 de marzo",
            "2024-03-03",
            "5 de abril de 2024",
            "2024-04-05"
        )
    );
}

#[test]
fn several_dates_and_ranges() {
    let found = dates(
        "Between 2019 and 2021 he lived in Texas; on March 15, 2025 he was sent to CECOT and on April 2 his mother filed a complaint.",
        Language::En,
    );
    let spans: Vec<&str> = found.iter().map(|date| date.0.as_str()).collect();
    assert_eq!(spans, vec!["2019", "2021", "March 15, 2025", "April 2"]);
}

#[test]
fn durations_and_numbers_are_not_dates() {
    for (text, language) in [
        ("He endured a four-month detention.", Language::En),
        ("He was held for three weeks.", Language::En),
        ("He got a two-year sentence.", Language::En),
        ("In all, 2025 people were deported.", Language::En),
        ("They paid $2,025 to a smuggler.", Language::En),
        ("They sent 238 men to El Salvador.", Language::En),
        ("Three days earlier he had called home.", Language::En),
        ("A few days ago he called home.", Language::En),
        ("He was held for the last three weeks.", Language::En),
        ("He was detained last week.", Language::En),
        ("Thousands march every Tuesday.", Language::En),
        ("The March organizers met.", Language::En),
        ("May God protect them, she said.", Language::En),
        ("They may be released soon.", Language::En),
        ("He spoke to June Carter about it.", Language::En),
        ("The meeting at Mar-a-Lago ended.", Language::En),
        ("It was 10:30 when they arrived.", Language::En),
        ("Estuvo detenido durante tres semanas.", Language::Es),
        ("Recibió una condena de dos años.", Language::Es),
        ("Está detenido desde hace tres meses.", Language::Es),
        ("Hoy en día nadie sabe dónde está.", Language::Es),
        ("Lo detuvieron la semana pasada.", Language::Es),
        ("Los lunes visitan la cárcel.", Language::Es),
        ("Habló con Plácido Domingo.", Language::Es),
        ("Por la mañana llegó el avión.", Language::Es),
        ("Hace unos días llamó a su madre.", Language::Es),
        ("Fueron 2025 personas.", Language::Es),
        ("El mar estaba en calma.", Language::Es),
        ("Hace falta más ayuda.", Language::Es),
        ("Una condena de 30 años.", Language::Es),
        ("February 30, 2025 does not exist.", Language::En),
    ] {
        assert_eq!(dates(text, language), vec![], "{text}");
    }
}

#[test]
fn relative_dates_without_publication_date_report_one_problem() {
    let text = "He was arrested last March and released two weeks ago, on March 15, 2025.";
    let doc = Doc::new(text, Language::En);
    let mut problems = Vec::new();
    let found = find_dates(&doc, None, &mut problems);
    let values: Vec<(&str, Option<&str>, Precision)> = found
        .iter()
        .map(|date| (date.text.as_str(), date.value.as_deref(), date.precision))
        .collect();
    assert_eq!(
        values,
        vec![
            ("last March", None, Month),
            ("two weeks ago", None, Day),
            ("March 15, 2025", Some("2025-03-15"), Day),
        ]
    );
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("--published"));

    let mut problems = Vec::new();
    let doc = Doc::new("It happened on March 15, 2025 and in 2024.", Language::En);
    assert_eq!(find_dates(&doc, None, &mut problems).len(), 2);
    assert!(problems.is_empty());
}

#[test]
fn offsets_are_characters() {
    let text = "Según «El Faro», José llegó el pasado 22 de diciembre — días después — y desapareció hace tres semanas.";
    let doc = Doc::new(text, Language::Es);
    let mut problems = Vec::new();
    let found = find_dates(&doc, published(), &mut problems);
    assert_eq!(found.len(), 2);
    for date in &found {
        let by_chars: String = text
            .chars()
            .skip(date.start)
            .take(date.end - date.start)
            .collect();
        assert_eq!(by_chars, date.text);
    }
    assert_eq!(found[0].text, "el pasado 22 de diciembre");
    assert_eq!(found[1].text, "hace tres semanas");
}

proptest::proptest! {
    #[test]
    fn any_text_gives_dates_whose_offsets_match(
        text in "\\PC{0,300}",
        days in -1_000_000i64..1_000_000,
        with_published in proptest::bool::ANY,
    ) {
        let published = published()
            .and_then(|date| date.checked_add(time::Duration::days(days)))
            .filter(|_| with_published);
        for language in [Language::En, Language::Es] {
            let doc = Doc::new(&text, language);
            let mut problems = Vec::new();
            for date in find_dates(&doc, published, &mut problems) {
                proptest::prop_assert!(date.start <= date.end);
                let by_chars: String = text
                    .chars()
                    .skip(date.start)
                    .take(date.end - date.start)
                    .collect();
                proptest::prop_assert_eq!(by_chars, date.text);
            }
            proptest::prop_assert!(problems.len() <= 1);
        }
    }

    #[test]
    fn date_words_in_any_order_do_not_panic(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "el", "pasado", "próximo", "last", "next", "this", "de", "del", "of", "año",
                "mes", "year", "month", "hace", "ago", "March", "marzo", "Mar", ".", "Tuesday",
                "lunes", "22", "15th", "2025", "1º", "-", "/", ",", "que", "viene", "three",
                "tres", "weeks", "semanas", "99999999999999999999", "4294967296", "31",
                "febrero", "29", "mid-March", "ayer", "mañana", "pasado", "999999",
            ]),
            0..14,
        ),
        language in proptest::sample::select(vec![Language::En, Language::Es]),
        with_published in proptest::bool::ANY,
    ) {
        let text = words.join(" ");
        let published = if with_published { published() } else { None };
        let doc = Doc::new(&text, language);
        let mut problems = Vec::new();
        for date in find_dates(&doc, published, &mut problems) {
            let by_chars: String = text
                .chars()
                .skip(date.start)
                .take(date.end - date.start)
                .collect();
            proptest::prop_assert_eq!(by_chars, date.text);
        }
    }
}

#[test]
fn long_repetitive_text_is_read_in_one_pass() {
    let text =
        "between January and June 2025, el pasado lunes 22 de diciembre y hace tres semanas, "
            .repeat(2_000);
    let doc = Doc::new(&text, Language::Es);
    let mut problems = Vec::new();
    let found = find_dates(&doc, published(), &mut problems);
    assert_eq!(found.len(), 2_000 * 4);
    let chained = "January and ".repeat(5_000);
    let doc = Doc::new(&chained, Language::En);
    assert!(!find_dates(&doc, published(), &mut problems).is_empty());
}

/// Each text's one date, read as published on `published`.
fn check_on(published: Date, table: &[(&str, &str, &str, Precision)], language: Language) {
    for (text, span, value, precision) in table {
        let doc = Doc::new(text, language);
        let mut problems = Vec::new();
        let found: Vec<_> = find_dates(&doc, Some(published), &mut problems)
            .into_iter()
            .map(|date| (date.text, date.value, date.precision))
            .collect();
        assert_eq!(
            found,
            vec![((*span).to_owned(), Some((*value).to_owned()), *precision)],
            "{text}"
        );
    }
}

#[test]
fn spanish_sentences_about_the_future_resolve_forward() {
    // Published on Monday 15 December 2025.
    let monday = ymd(2025, 12, 15).unwrap();
    check_on(
        monday,
        &[
            (
                "La audiencia se celebrará el lunes 22 de diciembre.",
                "lunes 22 de diciembre",
                "2025-12-22",
                Day,
            ),
            (
                "La audiencia se celebrará el lunes.",
                "lunes",
                "2025-12-22",
                Day,
            ),
            (
                "El juez decidirá en marzo si los libera.",
                "marzo",
                "2026-03",
                Month,
            ),
            (
                "Los abogados presentarán el recurso el 5 de enero.",
                "5 de enero",
                "2026-01-05",
                Day,
            ),
            (
                "El tribunal va a escuchar el caso el martes.",
                "martes",
                "2025-12-16",
                Day,
            ),
        ],
        Language::Es,
    );
    // The same dates in a sentence about the past resolve backward.
    check_on(
        monday,
        &[
            (
                "La audiencia se celebró el lunes 8 de diciembre.",
                "lunes 8 de diciembre",
                "2025-12-08",
                Day,
            ),
            (
                "La audiencia se celebró el viernes.",
                "viernes",
                "2025-12-12",
                Day,
            ),
            (
                "El juez decidió en marzo liberarlos.",
                "marzo",
                "2025-03",
                Month,
            ),
        ],
        Language::Es,
    );
}

#[test]
fn spanish_weekday_before_a_full_date() {
    check(
        &[
            (
                "La audiencia fue el lunes 22 de diciembre de 2025.",
                "lunes 22 de diciembre de 2025",
                "2025-12-22",
                Day,
            ),
            (
                "Lunes 22 de diciembre de 2025: llegaron los vuelos.",
                "Lunes 22 de diciembre de 2025",
                "2025-12-22",
                Day,
            ),
            (
                "Será el martes, 6 de enero de 2026.",
                "martes, 6 de enero de 2026",
                "2026-01-06",
                Day,
            ),
            (
                "El miércoles 3 de diciembre fueron trasladados.",
                "miércoles 3 de diciembre",
                "2025-12-03",
                Day,
            ),
        ],
        Language::Es,
    );
}
