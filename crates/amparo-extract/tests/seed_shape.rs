//! Issue 6: a text written for Amparo in the shape of the seed article (a wire report on
//! migrants deported to El Salvador's CECOT, published 2025-12-26, with two embedded posts)
//! is read completely: persons with their roles, places with CECOT's expansion, dates resolved
//! against the publication day, the count of 252, quotations and their speakers, both posts
//! with handle, date and language, and the violation cues. The seed itself stays outside the
//! repository; every sentence here is original and every person fictional.

use std::collections::BTreeSet;

use amparo_extract::{Extraction, Gazetteer, Language, Options, Post, Precision, extract};
use time::macros::date;

/// The article as plain text, the way the article extractor leaves a page: paragraphs
/// separated by blank lines, each embedded post as its text followed by the attribution line.
const TEXT: &str = "\
Photo: Archive.

A group of Venezuelan men deported by the United States made public a joint letter describing torture, sexual abuse and forced disappearances during the four months they spent in illegal detention at El Salvador's Terrorism Confinement Center (CECOT, by its Spanish initials).

The 252 men, who were flown out of the United States and locked inside the Salvadoran prison, now ask Washington to honour a federal court ruling that recognised their right to a hearing on U.S. soil.

RELATED: Mayor Ortiz Asks Local Radio Not to Bow to Pressure Groups

“We ask for guarantees that let us attend the hearings without putting our lives and our safety at risk once more,” read a letter signed by the group.

The men recounted daily beatings, psychological abuse, medical neglect and degrading treatment that, they said, left them with wounds that have not healed.

The letter was read out in Caracas at a meeting with lawyers, where spokesman Rafael Quintero asked for international monitoring of the case.

📑 Un grupo de venezolanos deportados leyó hoy su carta pública: un juez federal de Estados Unidos reconoció que a los 252 hombres se les negó el debido proceso.

🗣️ \"Es un paso enorme para todos los migrantes que… pic.twitter.com/AbCdEf1234

— Colectivo Retorno Digno (@RetornoDigno) December 26, 2025

The post reads: “A group of deported Venezuelans read out their public letter today: a U.S. federal judge recognised that the 252 men were denied due process.”

The turning point came on December 22, when U.S. District Judge Miriam Castellanos found that the men had been stripped of their constitutional rights and ordered that they be allowed to come back to the United States to challenge their removal in court, a ruling their lawyers described as a check on enforcement that singles people out because of their nationality.

“This decision tells every government that human rights have no borders,” the men's letter stressed.

Lawyer Lucía Benavides, who represents several of the men, said the group also wants safe conditions for those who choose to go home. “Nobody should have to risk a prison cell to attend a hearing,” she said.

Background to the case

Last March, the White House used the Alien Enemies Act of 1798 to remove hundreds of Venezuelans, accusing them of belonging to the Tren de Aragua gang, in many cases because of their tattoos.

Under a deal with the Salvadoran government, the men were sent to the maximum-security prison in El Salvador, where relatives said they did not know where they were for weeks.

The 252 men were freed last July and flown to Venezuela in a prisoner exchange agreed between Washington and Caracas.

Nine months ago 252 Venezuelans were sent without trial to a mega-prison in El Salvador. This week a federal court sided with them. Our full explainer on the case is here: https://t.co/XyZ987abcd

— Teresa Villalba (@TereVillalbaNews) December 25, 2025


From Example Wire English via This RSS Feed.";

fn read(text: &str) -> Extraction {
    extract(
        text,
        &Options {
            language: Some(Language::En),
            published: Some(date!(2025 - 12 - 26)),
        },
        &Gazetteer::builtin(),
    )
}

/// The text between a mention's character offsets.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

#[test]
fn persons_with_their_titles_and_roles() {
    let x = read(TEXT);
    for (name, role) in [
        ("Rafael Quintero", Some("spokesman")),
        ("Miriam Castellanos", Some("U.S. District Judge")),
        ("Lucía Benavides", Some("Lawyer")),
        // The second post's author, from its attribution line.
        ("Teresa Villalba", None),
    ] {
        let person = x
            .persons
            .iter()
            .find(|p| p.text == name)
            .unwrap_or_else(|| panic!("{name} not found in {:#?}", x.persons));
        assert_eq!(person.detail.as_deref(), role, "{name}");
        assert_eq!(chars(TEXT, person.start, person.end), name);
    }
    for name in ["Colectivo Retorno Digno", "White House", "Tren de Aragua"] {
        assert!(
            x.organizations.iter().any(|o| o.text == name),
            "{name} not found in {:#?}",
            x.organizations
        );
    }
}

#[test]
fn places_including_cecot_and_its_expansion() {
    let x = read(TEXT);
    let cecot = x
        .places
        .iter()
        .find(|p| p.text == "CECOT")
        .expect("CECOT is a place");
    assert_eq!(
        cecot.detail.as_deref(),
        Some("El Salvador's Terrorism Confinement Center")
    );
    let long = x
        .places
        .iter()
        .find(|p| p.text.ends_with("Terrorism Confinement Center"))
        .expect("the Terrorism Confinement Center is a place");
    assert_eq!(long.detail.as_deref(), Some("CECOT"));
    for place in [cecot, long] {
        assert_eq!(
            place.matches.first().map(|m| m.id.as_str()),
            Some("facility:sv-cecot"),
            "{}",
            place.text
        );
    }
    let found: BTreeSet<&str> = x.places.iter().map(|p| p.text.as_str()).collect();
    for name in [
        "El Salvador",
        "United States",
        "U.S.",
        "Estados Unidos",
        "Washington",
        "Caracas",
        "Venezuela",
    ] {
        assert!(found.contains(name), "{name} not found in {found:?}");
    }
}

#[test]
fn dates_resolve_to_the_right_year_and_month() {
    let x = read(TEXT);
    let expected = [
        ("hoy", "2025-12-26", Precision::Day),
        ("December 26, 2025", "2025-12-26", Precision::Day),
        ("today", "2025-12-26", Precision::Day),
        ("December 22", "2025-12-22", Precision::Day),
        ("Last March", "2025-03", Precision::Month),
        ("last July", "2025-07", Precision::Month),
        ("Nine months ago", "2025-03", Precision::Month),
        ("December 25, 2025", "2025-12-25", Precision::Day),
    ];
    let found: Vec<(&str, Option<&str>, Precision)> = x
        .dates
        .iter()
        .map(|d| (d.text.as_str(), d.value.as_deref(), d.precision))
        .collect();
    let expected: Vec<(&str, Option<&str>, Precision)> = expected
        .iter()
        .map(|&(text, value, precision)| (text, Some(value), precision))
        .collect();
    assert_eq!(found, expected);
    for d in &x.dates {
        assert_eq!(chars(TEXT, d.start, d.end), d.text);
    }
}

#[test]
fn the_count_of_252() {
    let x = read(TEXT);
    let exact: Vec<&str> = x
        .counts
        .iter()
        .filter(|c| c.value == Some(252))
        .inspect(|c| assert!(!c.approximate, "{}", c.text))
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(
        exact,
        [
            "252 men",
            "252 hombres",
            "252 men",
            "252 men",
            "252 Venezuelans"
        ]
    );
    let hundreds = x
        .counts
        .iter()
        .find(|c| c.text == "hundreds of Venezuelans")
        .expect("hundreds of Venezuelans");
    assert_eq!((hundreds.value, hundreds.approximate), (Some(200), true));
}

#[test]
fn quotations_and_their_speakers() {
    let x = read(TEXT);
    let found: Vec<(String, Option<&str>)> = x
        .quotes
        .iter()
        .map(|q| {
            (
                q.text
                    .split_whitespace()
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" "),
                q.speaker.as_deref(),
            )
        })
        .collect();
    let expected: Vec<(String, Option<&str>)> = [
        // `"…," read a letter signed by the group`: the group's statement.
        ("We ask for guarantees", Some("the group")),
        // The translation of the Spanish post says whose it is only by position.
        ("A group of deported", None),
        ("This decision tells every", Some("the men")),
        ("Nobody should have to", Some("Lucía Benavides")),
    ]
    .into_iter()
    .map(|(text, speaker)| (text.to_owned(), speaker))
    .collect();
    // The post's own quotation is cut off by the embed ("…" with no closing mark), so it is
    // not a quotation.
    assert_eq!(found, expected);
}

/// What identifies a post: platform, handle, author, date and language.
type PostKey = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// The [`PostKey`]s of `posts`.
fn post_keys(posts: &[Post]) -> Vec<PostKey> {
    posts
        .iter()
        .map(|p| {
            (
                p.platform.clone(),
                p.handle.clone(),
                p.author.clone(),
                p.date.clone(),
                p.language.clone(),
            )
        })
        .collect()
}

/// The two posts the text embeds.
fn expected_posts() -> Vec<PostKey> {
    [
        (
            "@RetornoDigno",
            "Colectivo Retorno Digno",
            "2025-12-26",
            "es",
        ),
        ("@TereVillalbaNews", "Teresa Villalba", "2025-12-25", "en"),
    ]
    .into_iter()
    .map(|(handle, author, date, language)| {
        (
            "twitter".to_owned(),
            Some(handle.to_owned()),
            Some(author.to_owned()),
            Some(date.to_owned()),
            language.to_owned(),
        )
    })
    .collect()
}

#[test]
fn both_embedded_posts() {
    let x = read(TEXT);
    assert_eq!(post_keys(&x.posts), expected_posts());
    let [spanish, english] = &x.posts[..] else {
        unreachable!()
    };
    // Known gap: only the paragraph just before the attribution line is taken as the post's
    // text, so an embed whose text has several paragraphs (Twitter's `<br><br>`) loses the
    // earlier ones; here the `📑` paragraph. When that is fixed, assert the whole text.
    assert!(
        spanish.text.starts_with("🗣️ \"Es un paso enorme"),
        "{}",
        spanish.text
    );
    assert_eq!(spanish.links, ["pic.twitter.com/AbCdEf1234"]);
    assert!(english.text.starts_with("Nine months ago 252 Venezuelans"));
    assert_eq!(english.links, ["https://t.co/XyZ987abcd"]);
    for post in &x.posts {
        let span = chars(TEXT, post.start, post.end);
        assert!(
            span.contains(post.handle.as_deref().unwrap_or_default()),
            "{span}"
        );
    }
}

#[test]
fn violation_cues() {
    let x = read(TEXT);
    let terms: BTreeSet<&str> = x.violations.iter().map(|v| v.term.as_str()).collect();
    let expected: BTreeSet<&str> = [
        "torture",
        "sexual-violence",
        "enforced-disappearance",
        "arbitrary-detention",
        "ill-treatment",
        "medical-neglect",
        "denial-of-due-process",
        "ethnic-or-national-profiling",
    ]
    .into_iter()
    .collect();
    assert_eq!(terms, expected);
    let cue = |term: &str| -> Vec<String> {
        x.violations
            .iter()
            .filter(|v| v.term == term)
            .map(|v| chars(TEXT, v.start, v.end))
            .collect()
    };
    assert_eq!(cue("torture"), ["torture"]);
    assert_eq!(cue("sexual-violence"), ["sexual abuse"]);
    assert_eq!(
        cue("enforced-disappearance"),
        ["forced disappearances", "did not know where they were"]
    );
    assert_eq!(cue("arbitrary-detention"), ["illegal detention"]);
    assert_eq!(cue("ill-treatment"), ["beatings", "degrading treatment"]);
    assert_eq!(cue("medical-neglect"), ["medical neglect"]);
    // One cue in the Spanish post, one in its translation, one in the English post.
    assert_eq!(
        cue("denial-of-due-process"),
        [
            "se les negó el debido proceso",
            "denied due process",
            "without trial"
        ]
    );
    assert_eq!(
        cue("ethnic-or-national-profiling"),
        ["because of their nationality", "because of their tattoos"]
    );
}

/// The article as a news site's page: paragraphs in an `<article>`, each post as Twitter's
/// embed code (`<blockquote class="twitter-tweet">`, the text's paragraphs split by
/// `<br><br>`, then `&mdash; Name (@handle) <a>date</a>`) followed by its script.
fn html() -> String {
    fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
    fn link_urls(text: &str) -> String {
        text.split(' ')
            .map(|word| {
                if word.starts_with("https://") || word.starts_with("pic.twitter.com/") {
                    format!("<a href=\"https://t.co/x\">{word}</a>")
                } else {
                    word.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
    let paragraphs: Vec<&str> = TEXT
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut body = String::new();
    let mut post: Vec<String> = Vec::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        let next = paragraphs.get(i + 1).copied().unwrap_or_default();
        if let Some(attribution) = paragraph.strip_prefix("— ") {
            let (who, date) = attribution.split_at(attribution.find(") ").expect("handle") + 1);
            let handle = who[who.find("(@").expect("handle") + 2..who.len() - 1].to_owned();
            body.push_str(&format!(
                "<blockquote class=\"twitter-tweet\"><p lang=\"und\" dir=\"ltr\">{}</p>&mdash; {} <a href=\"https://twitter.com/{handle}/status/1\">{}</a></blockquote>\n<script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>\n",
                post.join("<br><br>"),
                escape(who),
                date.trim()
            ));
            post.clear();
        } else if next.starts_with("— ")
            || paragraphs.get(i + 2).is_some_and(|p| p.starts_with("— "))
                && paragraph.starts_with('📑')
        {
            post.push(link_urls(&escape(paragraph)));
        } else if paragraph.starts_with("RELATED:") {
            body.push_str(&format!("<p><strong>{}</strong></p>\n", escape(paragraph)));
        } else if !paragraph.contains('.') && !paragraph.contains(':') {
            body.push_str(&format!("<h2>{}</h2>\n", escape(paragraph)));
        } else {
            body.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
        }
    }
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Deported Venezuelans denounce abuse in CECOT</title>\
         <meta property=\"article:published_time\" content=\"2025-12-26T10:00:00Z\"></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>\
         <article><h1>Deported Venezuelans denounce abuse in CECOT</h1>\n{body}</article>\
         <footer>© Example Wire</footer></body></html>"
    )
}

#[test]
fn the_posts_survive_article_extraction_from_html() {
    let page = html();
    let article = amparo_ingest::article::extract_article(page.as_bytes(), None);
    let x = read(&article.text);
    assert_eq!(post_keys(&x.posts), expected_posts(), "{}", article.text);
    assert!(
        x.posts[0].text.contains("Es un paso enorme"),
        "{}",
        x.posts[0].text
    );
    assert!(
        x.posts[1]
            .text
            .starts_with("Nine months ago 252 Venezuelans")
    );
    for quote in ["We ask for guarantees", "Nobody should have to risk"] {
        assert!(
            x.quotes.iter().any(|q| q.text.starts_with(quote)),
            "{quote}"
        );
    }
    assert!(x.places.iter().any(|p| p.text == "CECOT"));
}
