//! Feed parsing (issue 5): every format, the encodings, entities, links, dates, ids and
//! broken documents real feeds come as. Each test renders `to_inspect_json()` and compares it
//! with an inline expectation (`UPDATE_EXPECT=1 cargo test -p amparo-ingest --test feed`
//! rewrites them; review the diff).

use amparo_ingest::feed::{FeedFormat, parse_feed};
use expect_test::{Expect, expect};

/// Parses `bytes` and compares the inspect JSON with `expected`.
fn check(bytes: &[u8], base_url: Option<&str>, expected: Expect) {
    let feed = parse_feed(bytes, base_url);
    let json = serde_json::to_string_pretty(&feed.to_inspect_json()).unwrap();
    expected.assert_eq(&json);
}

/// Parses `bytes` and compares only the problems, one a line.
fn check_problems(bytes: &[u8], expected: Expect) {
    let feed = parse_feed(bytes, None);
    expected.assert_eq(&feed.problems.join("\n"));
}

/// Wraps item XML in an RSS 2.0 channel.
fn rss_items(items: &str) -> Vec<u8> {
    format!("<rss version=\"2.0\"><channel><title>T</title>{items}</channel></rss>").into_bytes()
}

#[test]
fn rss2_with_dublin_core_content_and_relative_links() {
    check(
        include_bytes!("data/feeds/rss2.xml"),
        None,
        expect![[r#"
            {
              "format": "rss2",
              "items": [
                {
                  "author": "Ana Pérez",
                  "content": "<p>Three people were <b>detained</b> at the crossing on Friday.</p>",
                  "id": "https://observatorio.example/2025/03/detenciones",
                  "link": "https://observatorio.example/2025/03/detenciones",
                  "published": "2025-03-14T14:00:00Z",
                  "summary": "<p>Three people were <b>detained</b> at the crossing.</p>",
                  "title": "Detenciones en la frontera",
                  "updated": null
                },
                {
                  "author": "Luis Gómez",
                  "content": null,
                  "id": "report-2",
                  "link": "https://observatorio.example/2025/03/second",
                  "published": "2025-03-13T23:30:00Z",
                  "summary": "Plain text summary.",
                  "title": "Second report",
                  "updated": null
                }
              ],
              "language": "es-MX",
              "link": "https://observatorio.example/",
              "problems": [],
              "title": "Observatorio de Derechos",
              "updated": "2025-03-15T10:20:30Z"
            }"#]],
    );
}

#[test]
fn rss091_is_rss0() {
    check(
        include_bytes!("data/feeds/rss091.xml"),
        None,
        expect![[r#"
        {
          "format": "rss0",
          "items": [
            {
              "author": null,
              "content": null,
              "id": null,
              "link": "http://old.example/1",
              "published": null,
              "summary": "Old-style description.",
              "title": "First story",
              "updated": null
            }
          ],
          "language": "en",
          "link": "http://old.example/",
          "problems": [],
          "title": "An old feed",
          "updated": null
        }"#]],
    );
}

#[test]
fn rss_versions_map_to_formats() {
    let format_of = |version: &str| {
        let xml = format!("<rss{version}><channel><title>T</title></channel></rss>");
        parse_feed(xml.as_bytes(), None).format.as_str()
    };
    let table: Vec<String> = [
        "",
        " version=\"0.9\"",
        " version=\"0.92\"",
        " version=\"0.94\"",
        " version=\"2.0\"",
        " version=\"2.01\"",
    ]
    .iter()
    .map(|version| format!("<rss{version}> => {}", format_of(version)))
    .collect();
    expect![[r#"
        <rss> => rss2
        <rss version="0.9"> => rss0
        <rss version="0.92"> => rss0
        <rss version="0.94"> => rss0
        <rss version="2.0"> => rss2
        <rss version="2.01"> => rss2"#]]
    .assert_eq(&table.join("\n"));
}

#[test]
fn rss1_rdf() {
    check(
        include_bytes!("data/feeds/rss1.rdf"),
        None,
        expect![[r#"
        {
          "format": "rss1",
          "items": [
            {
              "author": "Claire Martin",
              "content": null,
              "id": null,
              "link": "http://rdf.example/a",
              "published": "2025-03-14T08:00:00Z",
              "summary": "Résumé",
              "title": "Un article",
              "updated": "2025-03-14T08:00:00Z"
            }
          ],
          "language": "fr",
          "link": "http://rdf.example/",
          "problems": [],
          "title": "An RDF feed",
          "updated": "2025-03-15T09:20:30Z"
        }"#]],
    );
}

#[test]
fn rss090_rdf_is_rss0() {
    let feed = parse_feed(include_bytes!("data/feeds/rss090.rdf"), None);
    assert_eq!(feed.format, FeedFormat::Rss0);
    assert_eq!(feed.items.len(), 1);
    assert_eq!(
        feed.items[0].link.as_deref(),
        Some("http://ninety.example/one")
    );
}

#[test]
fn atom10_with_xml_base_xhtml_and_html() {
    check(
        include_bytes!("data/feeds/atom10.xml"),
        None,
        expect![[r#"
        {
          "format": "atom",
          "items": [
            {
              "author": "press@atom.example",
              "content": "<p>Full <em>text</em>.</p>",
              "id": "tag:atom.example,2025:water",
              "link": "https://atom.example/blog/posts/water",
              "published": "2025-03-10T07:00:00Z",
              "summary": "<p>See <a href=\"https://atom.example/blog/report.pdf\">the report</a>.</p>",
              "title": "Water &amp; sanitation",
              "updated": "2025-03-12T07:00:00Z"
            },
            {
              "author": "Rosa Lima",
              "content": null,
              "id": "tag:atom.example,2025:other",
              "link": "https://elsewhere.example/item",
              "published": null,
              "summary": null,
              "title": "Relative to the entry",
              "updated": "2025-03-11T00:00:00Z"
            }
          ],
          "language": "en",
          "link": "https://atom.example/blog/",
          "problems": [],
          "title": "Field notes",
          "updated": "2025-03-15T10:20:30Z"
        }"#]],
    );
}

#[test]
fn atom03_with_base64_and_escaped_modes() {
    check(
        include_bytes!("data/feeds/atom03.xml"),
        None,
        expect![[r#"
        {
          "format": "atom",
          "items": [
            {
              "author": "Old Timer",
              "content": "<p>Escaped</p>",
              "id": "urn:atom03:1",
              "link": "http://atom03.example/1",
              "published": "2004-01-01T17:00:00Z",
              "summary": null,
              "title": "Base64 title",
              "updated": "2004-01-02T12:00:00Z"
            }
          ],
          "language": null,
          "link": "http://atom03.example/",
          "problems": [],
          "title": "Atom <em>0.3</em>",
          "updated": "2004-01-01T19:48:21Z"
        }"#]],
    );
}

#[test]
fn json_feed_11_with_relative_urls_and_a_bad_date() {
    check(
        include_bytes!("data/feeds/json11.json"),
        None,
        expect![[r#"
        {
          "format": "json",
          "items": [
            {
              "author": "Joana",
              "content": "<p>Olá</p>",
              "id": "1",
              "link": "https://json.example/posts/1",
              "published": "2025-03-15T13:20:30Z",
              "summary": "Resumo",
              "title": "Primeiro",
              "updated": "2025-03-16T00:00:00Z"
            },
            {
              "author": null,
              "content": "Só texto",
              "id": "2",
              "link": null,
              "published": null,
              "summary": null,
              "title": null,
              "updated": null
            }
          ],
          "language": "pt-BR",
          "link": "https://json.example/",
          "problems": [
            "item 2: could not read the date \"not a date\" in \"date_published\""
          ],
          "title": "JSON notes",
          "updated": "2025-03-16T00:00:00Z"
        }"#]],
    );
}

#[test]
fn json_feed_10_single_author() {
    check(
        include_bytes!("data/feeds/json10.json"),
        None,
        expect![[r#"
        {
          "format": "json",
          "items": [
            {
              "author": "Old Author",
              "content": "Hello",
              "id": "a",
              "link": "https://json10.example/a",
              "published": null,
              "summary": null,
              "title": null,
              "updated": null
            }
          ],
          "language": null,
          "link": "https://json10.example/",
          "problems": [],
          "title": "JSON 1.0",
          "updated": null
        }"#]],
    );
}

#[test]
fn json_that_is_not_a_feed() {
    check(
        br#"{"hello": "world"}"#,
        None,
        expect![[r#"
        {
          "format": "unknown",
          "items": [],
          "language": null,
          "link": null,
          "problems": [
            "the JSON document has neither \"version\" nor \"items\": it is not a JSON Feed"
          ],
          "title": null,
          "updated": null
        }"#]],
    );
    check_problems(
        b"{\"items\": [",
        expect!["the document is not valid JSON: EOF while parsing a list at line 1 column 11"],
    );
}

#[test]
fn iso_8859_1_declared_and_used() {
    let mut xml =
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Caf"
            .to_vec();
    xml.extend_from_slice(b"\xE9 Se\xF1or</title></channel></rss>");
    let feed = parse_feed(&xml, None);
    assert_eq!(feed.title.as_deref(), Some("Café Señor"));
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
}

#[test]
fn windows_1252_bytes_in_a_feed_declared_utf8() {
    let mut xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\n<title>Ñandú "
            .as_bytes()
            .to_vec();
    xml.extend_from_slice(b"\x93quoted\x94 caf\xE9</title></channel></rss>");
    let feed = parse_feed(&xml, None);
    assert_eq!(
        feed.title.as_deref(),
        Some("Ñandú \u{201C}quoted\u{201D} café")
    );
    expect![[r#"3 byte(s) are not valid UTF-8 (declared "UTF-8"), the first on line 2; read them as windows-1252"#]].assert_eq(&feed.problems.join("\n"));
}

#[test]
fn declared_latin1_but_really_utf8() {
    let xml = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>Bogotá</title></channel></rss>";
    let feed = parse_feed(xml.as_bytes(), None);
    assert_eq!(feed.title.as_deref(), Some("Bogotá"));
    expect![[r#"the XML declaration says encoding "iso-8859-1" but the bytes are valid UTF-8; read them as UTF-8"#]].assert_eq(&feed.problems.join("\n"));
}

#[test]
fn utf8_bom_and_utf16() {
    let xml = "<rss version=\"2.0\"><channel><title>Ünïcode ✓</title></channel></rss>";
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(xml.as_bytes());
    assert_eq!(
        parse_feed(&with_bom, None).title.as_deref(),
        Some("Ünïcode ✓")
    );

    let utf16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>".to_string() + xml;
    let mut le = vec![0xFF, 0xFE];
    le.extend(utf16.encode_utf16().flat_map(u16::to_le_bytes));
    let feed = parse_feed(&le, None);
    assert_eq!(feed.title.as_deref(), Some("Ünïcode ✓"));
    let be: Vec<u8> = utf16.encode_utf16().flat_map(u16::to_be_bytes).collect();
    assert_eq!(parse_feed(&be, None).title.as_deref(), Some("Ünïcode ✓"));
}

#[test]
fn entities_cdata_and_bare_ampersands() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY org "Amparo &amp; Co"> ]>
<rss version="2.0"><channel><title>&org;: Fish & Chips &amp; more</title>
<item><title>caf&eacute;&nbsp;&#8217;&#x2019;&#150; ?a=1&b=2;c &unknown;</title>
<description>Before <![CDATA[<b>bold</b> & raw]]> after &lt;i&gt;</description></item>
</channel></rss>"#;
    check(
        xml.as_bytes(),
        None,
        expect![[r#"
        {
          "format": "rss2",
          "items": [
            {
              "author": null,
              "content": null,
              "id": null,
              "link": null,
              "published": null,
              "summary": "Before <b>bold</b> & raw after <i>",
              "title": "café ’’– ?a=1&b=2;c &unknown;",
              "updated": null
            }
          ],
          "language": null,
          "link": null,
          "problems": [
            "decoded HTML entities the XML does not declare: &eacute; (1x), &nbsp; (1x)",
            "kept unknown entities as written: &unknown; (1x)"
          ],
          "title": "Amparo & Co: Fish & Chips & more",
          "updated": null
        }"#]],
    );
}

#[test]
fn relative_links_resolve_against_xml_base_url_or_feed_link() {
    let channel = |attrs: &str, link: &str| {
        format!(
            "<rss version=\"2.0\"{attrs}><channel><title>T</title><link>{link}</link>\
             <item><link>a/1</link></item><item><link>/b/2</link></item>\
             <item><link>https://abs.example/c</link></item></channel></rss>"
        )
    };
    let links = |xml: String, base: Option<&str>| {
        let feed = parse_feed(xml.as_bytes(), base);
        let mut lines = vec![format!("feed: {:?}", feed.link)];
        lines.extend(
            feed.items
                .iter()
                .map(|item| format!("item: {:?}", item.link)),
        );
        lines.join("\n")
    };
    expect![[r#"
        feed: Some("https://site.example/news/")
        item: Some("https://site.example/news/a/1")
        item: Some("https://site.example/b/2")
        item: Some("https://abs.example/c")"#]]
    .assert_eq(&links(channel("", "https://site.example/news/"), None));
    expect![[r#"
        feed: Some("https://feeds.example/home")
        item: Some("https://feeds.example/rss/a/1")
        item: Some("https://feeds.example/b/2")
        item: Some("https://abs.example/c")"#]]
    .assert_eq(&links(
        channel("", "/home"),
        Some("https://feeds.example/rss/main.xml"),
    ));
    expect![[r#"
        feed: Some("https://base.example/dir/home")
        item: Some("https://base.example/dir/a/1")
        item: Some("https://base.example/b/2")
        item: Some("https://abs.example/c")"#]]
    .assert_eq(&links(
        channel(" xml:base=\"https://base.example/dir/\"", "home"),
        Some("https://ignored.example/"),
    ));
    expect![[r#"
        feed: Some("home")
        item: Some("a/1")
        item: Some("/b/2")
        item: Some("https://abs.example/c")"#]]
    .assert_eq(&links(channel("", "home"), None));
}

#[test]
fn html_in_rss_is_made_absolute_only_under_xml_base() {
    let xml = r#"<rss version="2.0"><channel><item xml:base="https://base.example/posts/">
<description>&lt;a href="x.html"&gt;x&lt;/a&gt; &lt;img src='/i.png'&gt; &lt;a href="https://abs.example/"&gt;</description>
</item><item><description>&lt;a href="y.html"&gt;y&lt;/a&gt;</description></item></channel></rss>"#;
    let feed = parse_feed(xml.as_bytes(), Some("https://feed.example/"));
    let summaries: Vec<&str> = feed
        .items
        .iter()
        .filter_map(|item| item.summary.as_deref())
        .collect();
    expect![[r#"
        <a href="https://base.example/posts/x.html">x</a> <img src='https://base.example/i.png'> <a href="https://abs.example/">
        <a href="y.html">y</a>"#]].assert_eq(&summaries.join("\n"));
}

/// The published date each variant comes out as, one `input => output` a line.
#[test]
fn date_variants() {
    let inputs = [
        "Sat, 15 Mar 2025 10:20:30 GMT",
        "Sat, 15 Mar 2025 10:20:30 +0000",
        "Sat, 15 Mar 2025 10:20 GMT",
        "15 Mar 25 10:20:30 Z",
        "Sat, 15 Mar 99 10:20:30 UT",
        "Sat, 15 Mar 2025 05:20:30 EST",
        "Sat, 15 Mar 2025 03:20:30 PDT",
        "Sat, 15 Mar 2025 12:20:30 GMT+2",
        "Sat, 15 Mar 2025 12:20:30 UTC+02:00",
        "Sat, 15 Mar 2025 11:20:30 CET",
        "Saturday, 15 March 2025 10:20:30 GMT",
        "Sat,15 Mar 2025 10:20:30 GMT",
        "Sat, 15 Mar 2025 9:20:30 -0100",
        "Mar 15, 2025 10:20 AM",
        "March 15, 2025 10:20 PM EDT",
        "Samstag, 15. März 2025 10:20:30 +0000",
        "sáb, 15 mar 2025 10:20:30 +0000",
        "sam., 15 mars 2025 11:20:30 +0100",
        "2025-03-15T10:20:30Z",
        "2025-03-15T12:20:30+02:00",
        "2025-03-15T10:20:30.25Z",
        "2025-03-15T10:20Z",
        "2025-03-15 10:20:30",
        "2025-03-15 10:20:30 +0000 UTC",
        "2025-03-15",
        "15/03/2025 10:20",
        "03/15/2025",
        "15.03.2025 10:20:30",
        "not a date",
        "Sat, 31 Feb 2025 10:20:30 GMT",
    ];
    let lines: Vec<String> = inputs
        .iter()
        .map(|input| {
            let feed = parse_feed(
                &rss_items(&format!("<item><pubDate>{input}</pubDate></item>")),
                None,
            );
            let published = feed.items[0]
                .published
                .map(amparo_ingest::feed::format_date);
            format!("{input} => {}", published.as_deref().unwrap_or("none"))
        })
        .collect();
    expect![[r#"
        Sat, 15 Mar 2025 10:20:30 GMT => 2025-03-15T10:20:30Z
        Sat, 15 Mar 2025 10:20:30 +0000 => 2025-03-15T10:20:30Z
        Sat, 15 Mar 2025 10:20 GMT => 2025-03-15T10:20:00Z
        15 Mar 25 10:20:30 Z => 2025-03-15T10:20:30Z
        Sat, 15 Mar 99 10:20:30 UT => 1999-03-15T10:20:30Z
        Sat, 15 Mar 2025 05:20:30 EST => 2025-03-15T10:20:30Z
        Sat, 15 Mar 2025 03:20:30 PDT => 2025-03-15T10:20:30Z
        Sat, 15 Mar 2025 12:20:30 GMT+2 => 2025-03-15T10:20:30Z
        Sat, 15 Mar 2025 12:20:30 UTC+02:00 => 2025-03-15T10:20:30Z
        Sat, 15 Mar 2025 11:20:30 CET => 2025-03-15T10:20:30Z
        Saturday, 15 March 2025 10:20:30 GMT => 2025-03-15T10:20:30Z
        Sat,15 Mar 2025 10:20:30 GMT => 2025-03-15T10:20:30Z
        Sat, 15 Mar 2025 9:20:30 -0100 => 2025-03-15T10:20:30Z
        Mar 15, 2025 10:20 AM => 2025-03-15T10:20:00Z
        March 15, 2025 10:20 PM EDT => 2025-03-16T02:20:00Z
        Samstag, 15. März 2025 10:20:30 +0000 => 2025-03-15T10:20:30Z
        sáb, 15 mar 2025 10:20:30 +0000 => 2025-03-15T10:20:30Z
        sam., 15 mars 2025 11:20:30 +0100 => 2025-03-15T10:20:30Z
        2025-03-15T10:20:30Z => 2025-03-15T10:20:30Z
        2025-03-15T12:20:30+02:00 => 2025-03-15T10:20:30Z
        2025-03-15T10:20:30.25Z => 2025-03-15T10:20:30.25Z
        2025-03-15T10:20Z => 2025-03-15T10:20:00Z
        2025-03-15 10:20:30 => 2025-03-15T10:20:30Z
        2025-03-15 10:20:30 +0000 UTC => 2025-03-15T10:20:30Z
        2025-03-15 => 2025-03-15T00:00:00Z
        15/03/2025 10:20 => 2025-03-15T10:20:00Z
        03/15/2025 => 2025-03-15T00:00:00Z
        15.03.2025 10:20:30 => 2025-03-15T10:20:30Z
        not a date => none
        Sat, 31 Feb 2025 10:20:30 GMT => none"#]]
    .assert_eq(&lines.join("\n"));
}

#[test]
fn unreadable_dates_are_reported() {
    check_problems(
        &rss_items("<item><pubDate>someday</pubDate></item>"),
        expect![[r#"could not read the date "someday" in <pubDate> on line 1"#]],
    );
}

#[test]
fn missing_ids_stay_null_and_items_are_kept() {
    let feed = parse_feed(
        &rss_items("<item><title>A</title></item><item><title>B</title></item>"),
        None,
    );
    assert_eq!(feed.items.len(), 2);
    assert!(feed.items.iter().all(|item| item.id.is_none()));
    assert!(feed.problems.is_empty(), "{:?}", feed.problems);
}

#[test]
fn duplicate_items_are_dropped_and_reported() {
    let xml = rss_items(
        "<item><guid>g1</guid><title>First</title></item>\
         <item><guid>g1</guid><title>First again</title></item>\
         <item><link>https://x.example/a</link><title>Linked</title></item>\
         <item><link>https://x.example/a</link><title>Linked again</title></item>\
         <item><guid>g2</guid><link>https://x.example/a</link><title>Own id, same link</title></item>",
    );
    let feed = parse_feed(&xml, None);
    let titles: Vec<&str> = feed
        .items
        .iter()
        .filter_map(|item| item.title.as_deref())
        .collect();
    expect![[r#"
        First | Linked | Own id, same link
        item 2 ("First again") repeats item 1 (same id "g1") and was dropped
        item 4 ("Linked again") repeats item 3 (same link https://x.example/a) and was dropped"#]]
    .assert_eq(&format!(
        "{}\n{}",
        titles.join(" | "),
        feed.problems.join("\n")
    ));
}

#[test]
fn truncated_xml_keeps_the_items_before_the_cut() {
    let xml = rss_items(
        "<item><title>One</title><guid>1</guid></item>\
         <item><title>Two</title><guid>2</guid></item>\
         <item><title>Three</title><guid>3</guid><description>cut here",
    );
    let cut = &xml[..xml.len() - "</channel></rss>".len()];
    check(
        cut,
        None,
        expect![[r#"
        {
          "format": "rss2",
          "items": [
            {
              "author": null,
              "content": null,
              "id": "1",
              "link": null,
              "published": null,
              "summary": null,
              "title": "One",
              "updated": null
            },
            {
              "author": null,
              "content": null,
              "id": "2",
              "link": null,
              "published": null,
              "summary": null,
              "title": "Two",
              "updated": null
            }
          ],
          "language": null,
          "link": null,
          "problems": [
            "the document ends on line 1 with <description>, <item>, <channel>, <rss> still open (truncated?); kept what came before",
            "item 3 (\"Three\") was cut off by the end of the document and was dropped"
          ],
          "title": "T",
          "updated": null
        }"#]],
    );
}

#[test]
fn truncation_at_every_byte_never_panics() {
    let full = include_bytes!("data/feeds/atom10.xml");
    for end in 0..full.len() {
        let feed = parse_feed(&full[..end], None);
        assert!(feed.items.len() <= 2);
        if end < full.len() - 10 {
            assert!(
                !feed.problems.is_empty(),
                "no problem reported when cut at {end}"
            );
        }
    }
}

#[test]
fn misspelt_end_tags_stray_lt_and_undeclared_prefixes() {
    let xml = r#"<rss version="2.0"><channel><title>T</title><language>en-us</langauge>
<atom:link href="https://t.example/feed" rel="self"/>
<item><title>a < b</title><content:encoded>&lt;p&gt;x&lt;/p&gt;</content:encoded><dc:creator>Dee</dc:creator></item>
</channel></rss>"#;
    check(
        xml.as_bytes(),
        None,
        expect![[r#"
        {
          "format": "rss2",
          "items": [
            {
              "author": "Dee",
              "content": "<p>x</p>",
              "id": null,
              "link": null,
              "published": null,
              "summary": null,
              "title": "a < b",
              "updated": null
            }
          ],
          "language": "en-us",
          "link": null,
          "problems": [
            "the end tag </langauge> on line 1 matches no open element; took it as the end of <language>",
            "a \"<\" on line 3 starts no tag; read it as text"
          ],
          "title": "T",
          "updated": null
        }"#]],
    );
}

#[test]
fn control_characters_are_dropped() {
    let feed = parse_feed(
        &rss_items("<item><title>ab\u{1}c\u{b}d</title></item>"),
        None,
    );
    assert_eq!(feed.items[0].title.as_deref(), Some("abcd"));
}

#[test]
fn html_page_is_unknown_and_points_at_its_feed() {
    check(
        include_bytes!("data/feeds/html_page.html"),
        Some("https://site.example/about"),
        expect![[r#"
        {
          "format": "unknown",
          "items": [],
          "language": null,
          "link": null,
          "problems": [
            "the document is an HTML page, not a feed; it links to a feed at https://site.example/feed.xml"
          ],
          "title": null,
          "updated": null
        }"#]],
    );
}

#[test]
fn empty_and_blank_documents() {
    check(
        b"",
        None,
        expect![[r#"
        {
          "format": "unknown",
          "items": [],
          "language": null,
          "link": null,
          "problems": [
            "the document is empty"
          ],
          "title": null,
          "updated": null
        }"#]],
    );
    check_problems(b"  \n\t ", expect!["the document is empty"]);
    check_problems(
        b"<?xml version=\"1.0\"?>",
        expect!["no XML element found: the document is not a feed"],
    );
    check_problems(
        b"<unknown><x/></unknown>",
        expect![
            "the root element is <unknown>, not <rss>, <rdf:RDF> or <feed>: the document is not a feed"
        ],
    );
}

#[test]
fn ten_megabytes_of_garbage() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let garbage: Vec<u8> = (0..10 * 1024 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let feed = parse_feed(&garbage, None);
    assert_eq!(feed.format, FeedFormat::Unknown);
    assert!(!feed.problems.is_empty());

    // Garbage that starts like XML, and markup soup, are read through without panicking.
    let mut soup = b"<rss version=\"2.0\"><channel>".to_vec();
    let alphabet = b"<>/&;\"' abc=:!?[]-";
    soup.extend(
        garbage
            .iter()
            .map(|b| alphabet[*b as usize % alphabet.len()]),
    );
    let feed = parse_feed(&soup, None);
    assert_eq!(feed.format, FeedFormat::Rss2);

    // Many unclosed elements, each declaring a namespace, then end tags that match none.
    let nested = "<rss><channel>".to_string()
        + &"<a xmlns:x=\"u\">".repeat(200_000)
        + &"</b>".repeat(200_000);
    let feed = parse_feed(nested.as_bytes(), None);
    assert_eq!(feed.format, FeedFormat::Rss2);
}

#[test]
fn long_problem_lists_are_summed_up() {
    let items = "<item><pubDate>whenever</pubDate></item>".repeat(150);
    let feed = parse_feed(&rss_items(&items), None);
    assert_eq!(feed.items.len(), 150);
    assert_eq!(feed.problems.len(), 101);
    assert_eq!(feed.problems[100], "... and 50 more problems");
}

#[test]
fn inspect_json_has_the_documented_shape() {
    let feed = parse_feed(include_bytes!("data/feeds/rss2.xml"), None);
    let serialized = serde_json::to_string(&feed).unwrap();
    let reparsed: serde_json::Value = serde_json::from_str(&serialized).unwrap();
    assert_eq!(reparsed, feed.to_inspect_json());
    // Serializing the feed itself keeps the documented key order.
    let key_order: Vec<&str> = [
        "format",
        "title",
        "link",
        "language",
        "updated",
        "items",
        "problems",
        "id",
        "published",
        "author",
        "summary",
        "content",
    ]
    .into_iter()
    .filter(|key| serialized.contains(&format!("\"{key}\":")))
    .collect();
    let mut positions: Vec<(usize, &str)> = key_order
        .iter()
        .map(|key| (serialized.find(&format!("\"{key}\":")).unwrap(), *key))
        .collect();
    positions.sort();
    let in_order: Vec<&str> = positions.into_iter().map(|(_, key)| key).collect();
    expect![
        "format title link language updated items id published author summary content problems"
    ]
    .assert_eq(&in_order.join(" "));
    assert_eq!(serde_json::to_value(FeedFormat::Rss2).unwrap(), "rss2");
}

mod never_panics {
    use proptest::prelude::*;

    use super::parse_feed;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse_feed(&bytes, Some("https://example.org/feed"));
        }

        #[test]
        fn on_markup_like_text(text in "[<>/&;#=\"' a-z:!?\\[\\]CDATA{}x0-9\u{e9}-]{0,400}") {
            let feed = parse_feed(format!("<rss><channel>{text}").as_bytes(), None);
            let _ = feed.to_inspect_json();
            let _ = parse_feed(format!("<feed xmlns=\"http://www.w3.org/2005/Atom\">{text}").as_bytes(), None);
            let _ = parse_feed(format!("{{\"version\":\"1\",\"items\":[{text}").as_bytes(), None);
        }

        #[test]
        fn on_html_under_xml_base(text in "[<>/&;=\"' a-z\u{e9}\u{2019}]{0,200}") {
            let item = format!("<item xml:base=\"https://b.example/x/\"><description><![CDATA[{text} href=\"{text}\" src={text}]]></description></item>");
            let _ = parse_feed(&super::rss_items(&item), None);
        }
    }
}
