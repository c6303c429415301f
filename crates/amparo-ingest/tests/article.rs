//! Behaviour of the article extractor on small pages written for these tests (issue 5, part 2).

use amparo_ingest::article::{Article, extract_article};
use expect_test::{Expect, expect};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/articles/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

/// Extracts `html` and compares what `amparo inspect article` would print.
fn check(html: &[u8], url: Option<&str>, expected: Expect) {
    let article = extract_article(html, url);
    expected.assert_eq(&article.to_inspect_json("und"));
}

#[test]
fn news_page_keeps_only_the_article_paragraphs_with_json_ld_metadata() {
    check(
        &fixture("news-jsonld.html"),
        None,
        expect![[r#"
            {
              "title": "Liberan a defensora comunitaria tras 40 días de detención",
              "byline": "Ana Pérez, Luis Gómez",
              "published": "2024-03-08T15:15:00Z",
              "language": "und",
              "text": "La defensora del territorio María Quispe fue liberada este viernes, después de pasar cuarenta días detenida sin que la fiscalía presentara pruebas en su contra, según informó su abogada.\n\nOrganizaciones de derechos humanos habían denunciado que la detención buscaba frenar la oposición de la comunidad a un proyecto minero, y pidieron garantías para su regreso.\n\nUna causa que sigue abierta\n\nEl juez ordenó medidas alternativas, pero el proceso penal continúa y la próxima audiencia está prevista para el mes de mayo, cuando se revisarán las acusaciones de la empresa.",
              "problems": []
            }"#]],
    );
}

#[test]
fn opengraph_and_meta_tags_give_the_metadata_and_the_standfirst_leads() {
    check(
        &fixture("news-opengraph.html"),
        None,
        expect![[r#"
            {
              "title": "Court orders release of detained journalist",
              "byline": "Jane Doe",
              "published": "2023-11-20T17:30:00Z",
              "language": "und",
              "text": "A regional court ordered the release of a journalist held for three weeks.\n\nThe court ruled on Monday that the detention of the reporter, who had covered protests in the north of the country, lacked any legal basis, and ordered his immediate release.\n\nHis employer welcomed the decision, but said that two other reporters remain in custody, and that it would continue to press for their release through every available channel.",
              "problems": []
            }"#]],
    );
}

#[test]
fn time_element_rel_author_and_cleaned_document_title() {
    check(
        &fixture("news-time.html"),
        None,
        expect![[r#"
            {
              "title": "Vecinos denuncian desalojo forzoso en el barrio norte",
              "byline": "Carla Ríos",
              "published": "2022-07-14T08:00:00Z",
              "language": "und",
              "text": "Decenas de familias del barrio norte denunciaron que fueron desalojadas sin orden judicial durante la madrugada del miércoles, y que la policía destruyó sus viviendas.\n\nLos vecinos, que habitaban el predio desde hace más de diez años, presentaron una denuncia ante la defensoría del pueblo, que anunció una inspección para la próxima semana.",
              "problems": []
            }"#]],
    );
}

#[test]
fn date_in_the_url_is_the_last_resort() {
    let html = b"<title>Nota</title><p>Un texto breve, sin fecha en los metadatos de la p\xc3\xa1gina.</p>";
    let article = extract_article(html, Some("https://example.org/2021/05/17/nota.html"));
    assert_eq!(
        article.published_rfc3339().as_deref(),
        Some("2021-05-17T00:00:00Z")
    );
    assert!(
        article.problems.iter().any(|p| p.contains("URL")),
        "{:?}",
        article.problems
    );
}

#[test]
fn appended_next_article_does_not_replace_the_one_under_the_headline() {
    let story = |headline: &str, sentence: &str, repeat: usize| {
        let paragraphs: String = (1..=repeat)
            .map(|number| format!("<p>{sentence} ({number})</p>"))
            .collect();
        format!(
            "<div class=scroll><article><header><h1>{headline}</h1></header>\
             <div class=entry-text>{paragraphs}</div></article></div>"
        )
    };
    let html = format!(
        "<html><head><title>Diario | Marcha por la memoria</title></head><body><main>{}{}</main>",
        story(
            "Marcha por la memoria",
            "Miles de personas marcharon por la memoria, la verdad y la justicia en la capital.",
            3
        ),
        story(
            "Otra noticia cargada después",
            "Una nota distinta, más larga, que el sitio agrega al final de la página, y que no es la pedida.",
            8
        ),
    );
    let article = extract_article(html.as_bytes(), None);
    assert_eq!(article.title.as_deref(), Some("Marcha por la memoria"));
    assert!(
        article.text.starts_with("Miles de personas"),
        "{}",
        article.text
    );
    assert!(
        !article.text.contains("Una nota distinta"),
        "{}",
        article.text
    );
}

/// Encodes text whose characters are all below U+0100 as Latin-1 bytes.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 text"))
        .collect()
}

#[test]
fn latin1_page_without_charset_is_decoded_as_windows_1252() {
    let html = latin1(
        "<html><head><title>Acción urgente en Mérida</title></head><body><div>\
         <p>La señora Núñez pidió protección después de recibir amenazas por su trabajo como \
         periodista; la comisión aún no responde a la petición.</p></div></body></html>",
    );
    check(
        &html,
        None,
        expect![[r#"
            {
              "title": "Acción urgente en Mérida",
              "byline": null,
              "published": null,
              "language": "und",
              "text": "La señora Núñez pidió protección después de recibir amenazas por su trabajo como periodista; la comisión aún no responde a la petición.",
              "problems": [
                "page declares no charset and is not valid UTF-8; decoded as windows-1252",
                "main text is short (135 characters)"
              ]
            }"#]],
    );
}

#[test]
fn declared_legacy_charset_is_honoured() {
    let mut html = b"<meta charset=\"iso-8859-1\"><title>Caf\xe9</title><p>Se\xf1ales</p>".to_vec();
    let article = extract_article(&html, None);
    assert_eq!(article.title.as_deref(), Some("Café"));
    assert_eq!(article.text, "Señales");
    html.splice(0..0, [0xEF, 0xBB, 0xBF]);
    html.extend(b"\xc3\xa9");
    assert!(
        extract_article(&html, None)
            .problems
            .iter()
            .any(|p| p.contains("UTF-8"))
    );
}

#[test]
fn broken_html_with_unclosed_tags_still_gives_the_paragraphs() {
    check(
        b"<html><body><div class=content><p>Primer p\xc3\xa1rrafo sin cerrar, con <b>negrita abierta\
          <p>Segundo p\xc3\xa1rrafo &amp; una entidad &eacute; rota &#233 y un <a href=x>enlace\
          <div><p>Tercero dentro de un div sin cierre",
        None,
        expect![[r#"
            {
              "title": null,
              "byline": null,
              "published": null,
              "language": "und",
              "text": "Primer párrafo sin cerrar, con negrita abierta\n\nSegundo párrafo & una entidad é rota é y un enlace\n\nTercero dentro de un div sin cierre",
              "problems": [
                "main text is short (135 characters)",
                "no title found"
              ]
            }"#]],
    );
}

#[test]
fn empty_page_gives_an_empty_article_and_problems() {
    check(
        b"",
        None,
        expect![[r#"
            {
              "title": null,
              "byline": null,
              "published": null,
              "language": "und",
              "text": "",
              "problems": [
                "no main text found",
                "no title found"
              ]
            }"#]],
    );
}

#[test]
fn navigation_only_page_gives_no_text_and_a_problem() {
    let html = b"<html><head><title>Inicio</title></head><body>\
        <nav><ul><li><a href=/a>Pol\xc3\xadtica</a></li><li><a href=/b>Econom\xc3\xada</a></li></ul></nav>\
        <div class=menu><a href=/c>Deportes</a> <a href=/d>Cultura</a></div>\
        <footer>Contacto - Aviso legal</footer></body></html>";
    let article = extract_article(html, None);
    assert_eq!(article.text, "");
    assert!(article.problems.contains(&"no main text found".to_string()));
}

#[test]
fn huge_page_is_handled_without_panic() {
    let mut html = String::from("<html><body><div class=article-body>");
    let mut number = 0;
    while html.len() < 6_000_000 {
        number += 1;
        html.push_str(&format!(
            "<p>Párrafo {number} de prueba, con comas, y bastante texto.</p>\n"
        ));
    }
    html.push_str("</div>");
    let article = extract_article(html.as_bytes(), None);
    assert!(article.text.len() > 5_000_000);
    assert_eq!(
        article.text.matches("\n\n").count() + 1,
        html.matches("<p>").count()
    );
}

#[test]
fn deeply_nested_elements_do_not_overflow_the_stack() {
    let html = "<div>".repeat(200_000) + "<p>Texto en el fondo.</p>" + &"</div>".repeat(200_000);
    let article = extract_article(html.as_bytes(), None);
    assert_eq!(article.text, "Texto en el fondo.");
    assert!(article.problems.iter().any(|p| p.contains("nested")));
}

#[test]
fn inspect_json_has_the_documented_fields_in_order() {
    let article = Article::default();
    let json: serde_json::Value = serde_json::from_str(&article.to_inspect_json("es")).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "byline",
        "language",
        "problems",
        "published",
        "text",
        "title",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["language"], "es");
    assert!(article.to_inspect_json("es").starts_with("{\n  \"title\""));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = extract_article(&bytes, Some("https://example.org/x"));
    }

    #[test]
    fn markup_soup_never_panics(soup in "([<>/=\"'&;#! a-zA-Z0-9]|<p>|</p>|<div class=x>|</div>|<a href=y>|<script>|</script>|<br>|<!--|-->|&amp|&#x)*") {
        let article = extract_article(soup.as_bytes(), None);
        prop_assert!(!article.text.starts_with(char::is_whitespace));
    }
}
