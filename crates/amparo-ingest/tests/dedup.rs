//! Duplicates (issue 5 part 4): canonical URLs, exact fingerprints, SimHash and clustering of
//! republished copies. The articles at the end of this file were written for these tests.

use amparo_ingest::dedup::{
    self, CanonicalUrlError, Clusterer, DEFAULT_MAX_DISTANCE, DocumentIndex, SimHash,
    canonical_url, exact_fingerprint, hamming_distance, normalize_text, simhash,
};

#[track_caller]
fn check_url(input: &str, expected: &str) {
    assert_eq!(canonical_url(input).as_deref(), Ok(expected), "{input}");
    // Canonical URLs are fixed points.
    assert_eq!(
        canonical_url(expected).as_deref(),
        Ok(expected),
        "{expected}"
    );
}

#[test]
fn canonical_urls() {
    check_url(
        "HTTPS://Example.ORG:443/News/Story?b=2&a=1#comments",
        "https://example.org/News/Story?a=1&b=2",
    );
    check_url("http://example.org:80/", "http://example.org/");
    check_url("http://example.org:8080/a", "http://example.org:8080/a");
    check_url("https://example.org", "https://example.org/");
    check_url(
        "https://example.org/a?utm_source=feed&utm_medium=rss&UTM_Campaign=x&id=7",
        "https://example.org/a?id=7",
    );
    check_url(
        "https://example.org/a?fbclid=abc&gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&igshid=6&_ga=7&ref_src=twsrc",
        "https://example.org/a",
    );
    check_url("https://example.org/a?", "https://example.org/a");
    check_url(
        "https://example.org/a?utm_source=x",
        "https://example.org/a",
    );
    check_url("https://example.org/a?&&x=1&", "https://example.org/a?x=1");
    check_url(
        "https://example.org/caf%c3%a9?q=%e2%9c%93",
        "https://example.org/caf%C3%A9?q=%E2%9C%93",
    );
    check_url(
        "https://example.org/%7euser/%41%2d%5f",
        "https://example.org/~user/A-_",
    );
    check_url("https://example.org/a%2Eb", "https://example.org/a%2Eb");
    check_url(
        "https://example.org/News/Story/",
        "https://example.org/News/Story/",
    );
    check_url("https://user:secret@example.org/a", "https://example.org/a");
    check_url("https://example.org/a/./b/../c", "https://example.org/a/c");
    check_url("https://bücher.example/", "https://xn--bcher-kva.example/");
    check_url("  https://example.org/a  ", "https://example.org/a");
    // Generic parameter names select content on some sites and are kept.
    check_url(
        "https://example.org/a?ref=home&source=x",
        "https://example.org/a?ref=home&source=x",
    );
}

#[test]
fn urls_without_a_canonical_form() {
    assert!(matches!(
        canonical_url("not a url"),
        Err(CanonicalUrlError::Invalid(_))
    ));
    assert!(matches!(
        canonical_url("/relative/path"),
        Err(CanonicalUrlError::Invalid(_))
    ));
    assert_eq!(
        canonical_url("mailto:desk@example.org"),
        Err(CanonicalUrlError::UnsupportedScheme("mailto".to_owned()))
    );
    assert_eq!(
        canonical_url("ftp://example.org/file")
            .unwrap_err()
            .to_string(),
        "unsupported URL scheme `ftp`"
    );
}

#[test]
fn normalized_text() {
    assert_eq!(
        normalize_text("  Hello,   WORLD!\n\n  It’s 2025…  "),
        "hello world it s 2025"
    );
    assert_eq!(
        normalize_text("Ｆｕｌｌｗｉｄｔｈ ﬁne ①"),
        "fullwidth fine 1"
    );
    assert_eq!(
        normalize_text("Canci\u{f3}n / Cancio\u{301}n"),
        "canción canción"
    );
    assert_eq!(normalize_text("ÁRBOL—Árbol"), "árbol árbol");
    assert_eq!(normalize_text(""), "");
    assert_eq!(normalize_text(" \t!? "), "");
}

#[test]
fn exact_fingerprint_ignores_case_whitespace_and_punctuation() {
    let a = exact_fingerprint("Judge blocks deportations under the Alien Enemies Act.");
    let b = exact_fingerprint("  judge BLOCKS deportations\nunder the alien enemies act ");
    let c = exact_fingerprint("Judge blocks deportations under the Alien Enemies Act, again.");
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.to_hex().len(), 64);
    assert_eq!(a.to_hex(), a.to_string());
    // SHA-256 of the normalised text, so stable across runs and platforms.
    assert_eq!(
        exact_fingerprint("").to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        exact_fingerprint(ORIGINAL),
        exact_fingerprint(&ORIGINAL.to_uppercase())
    );
}

#[test]
fn simhash_is_stable() {
    // Fixed values: a change here changes every stored fingerprint.
    assert_eq!(simhash(""), SimHash(0));
    assert_eq!(simhash("one"), simhash("ONE!"));
    assert_eq!(simhash(ORIGINAL).to_string().len(), 16);
    expect_test::expect!["2c1c329836e26328 2bfe47e6ddcc2ad8 8548839c0d6ff6ba"].assert_eq(&format!(
        "{} {} {}",
        simhash("one"),
        simhash("judge blocks deportations"),
        simhash(ORIGINAL)
    ));
    let fingerprints = dedup::fingerprints(ORIGINAL);
    assert_eq!(fingerprints.simhash, simhash(ORIGINAL));
    assert_eq!(fingerprints.exact, exact_fingerprint(ORIGINAL));
}

/// Republished copies of [`ORIGINAL`]: other headers and footers, other typography.
fn copies() -> Vec<(&'static str, String)> {
    vec![
        (
            "feed footer",
            format!("{ORIGINAL}\n\nFrom Example Wire English via This RSS Feed."),
        ),
        (
            "photo credit and related link",
            format!(
                "Photo: Handout.\n\nRELATED: Election Observers Report Irregularities in Three \
                 Provinces\n\n{ORIGINAL}"
            ),
        ),
        (
            "header and social footer",
            format!(
                "Photo: Archive.\n\n{ORIGINAL}\n\nFollow us on social media for more stories like \
                 this one. Subscribe to our newsletter to receive the most important news of the \
                 day in your inbox every morning. Share this article with your friends."
            ),
        ),
        (
            "related articles list",
            format!(
                "{ORIGINAL}\n\nRead more:\nCourt hears appeal in land rights case\nJournalists \
                 detained while covering protests in the north\nReport finds rise in attacks on \
                 community leaders\nNew law on protest criticised by lawyers\nFamilies demand \
                 answers after flooding deaths\nThis article was originally published by Example \
                 Wire and is republished here under a Creative Commons licence."
            ),
        ),
        (
            "typography and whitespace",
            ORIGINAL
                .replace('"', "\u{201c}")
                .replace("\n\n", "\n \n")
                .replace(", ", " , "),
        ),
    ]
}

#[test]
fn distances_between_copies_and_different_articles() {
    let original = simhash(ORIGINAL);
    let mut report = String::new();
    for (name, copy) in copies() {
        let distance = hamming_distance(original, simhash(&copy));
        report.push_str(&format!("copy ({name}): {distance}\n"));
        assert!(
            distance <= DEFAULT_MAX_DISTANCE,
            "copy ({name}) is {distance} bits away"
        );
    }
    let different = [ORIGINAL, SAME_TOPIC_RULING, SAME_TOPIC_FAMILIES];
    for (i, a) in different.iter().enumerate() {
        for b in &different[i + 1..] {
            let distance = hamming_distance(simhash(a), simhash(b));
            report.push_str(&format!("different articles: {distance}\n"));
            assert!(
                distance > 2 * DEFAULT_MAX_DISTANCE,
                "different articles are {distance} bits apart"
            );
        }
    }
    println!("{report}");
}

#[test]
fn copies_fold_into_the_original_and_other_articles_do_not() {
    let mut clusterer = Clusterer::default();
    let original = clusterer.add(simhash(ORIGINAL));
    assert_eq!(original.original, DocumentIndex(0));
    assert_eq!(original.matched, None);
    let ruling = clusterer.add(simhash(SAME_TOPIC_RULING));
    assert_eq!(ruling.original, DocumentIndex(1));
    for (name, copy) in copies() {
        let assignment = clusterer.add(simhash(&copy));
        assert_eq!(assignment.original, DocumentIndex(0), "copy ({name})");
        assert!(
            assignment
                .matched
                .is_some_and(|(_, distance)| distance <= DEFAULT_MAX_DISTANCE)
        );
    }
    let families = clusterer.add(simhash(SAME_TOPIC_FAMILIES));
    assert_eq!(families.original, families.document);
    assert_eq!(clusterer.len(), 8);
    assert_eq!(
        clusterer.original_of(DocumentIndex(4)),
        Some(DocumentIndex(0))
    );
    assert_eq!(clusterer.original_of(DocumentIndex(99)), None);
}

#[test]
fn the_first_seen_document_is_the_original() {
    // A copy that arrives first becomes the original of its cluster.
    let copy = format!("{ORIGINAL}\n\nFrom Example Wire English via This RSS Feed.");
    let mut clusterer = Clusterer::default();
    assert_eq!(
        clusterer.add(simhash(SAME_TOPIC_FAMILIES)).original,
        DocumentIndex(0)
    );
    assert_eq!(clusterer.add(simhash(&copy)).original, DocumentIndex(1));
    let later = clusterer.add(simhash(ORIGINAL));
    assert_eq!(later.original, DocumentIndex(1));
    assert_eq!(
        later.matched.map(|(document, _)| document),
        Some(DocumentIndex(1))
    );
    // An exact repeat joins the same cluster at distance 0, matched to the earliest member.
    let repeat = clusterer.add(simhash(ORIGINAL));
    assert_eq!(repeat.original, DocumentIndex(1));
    assert_eq!(
        repeat.matched,
        Some((
            DocumentIndex(1),
            hamming_distance(simhash(&copy), simhash(ORIGINAL))
        ))
    );
}

#[test]
fn chains_join_the_cluster_of_the_earliest_match() {
    // Fingerprints chosen by hand: b is 2 bits from a, c is 2 bits from b and 4 from a.
    let a = SimHash(0);
    let b = SimHash(0b11);
    let c = SimHash(0b1111);
    let mut clusterer = Clusterer::new(2);
    clusterer.add(a);
    assert_eq!(clusterer.add(b).original, DocumentIndex(0));
    let third = clusterer.add(c);
    assert_eq!(third.matched, Some((DocumentIndex(1), 2)));
    assert_eq!(third.original, DocumentIndex(0));
    // With no tolerance only exact fingerprints fold.
    let mut exact_only = Clusterer::new(0);
    exact_only.add(a);
    assert_eq!(exact_only.add(b).original, DocumentIndex(1));
    assert_eq!(exact_only.add(a).original, DocumentIndex(0));
}

/// A small deterministic generator (xorshift64*), so the test needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn ten_thousand_documents_cluster_without_quadratic_work() {
    // Words made of syllables; documents of 200 to 400 words; every fifth document after the
    // first thousand is a copy of an earlier original with a new header and footer (4 to 8
    // words). A lookup scans only the buckets of its 8-bit blocks (about n / 256 each).
    let syllables = [
        "ka", "lo", "mi", "ne", "ra", "tu", "so", "vi", "de", "pa", "re", "chi",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let vocabulary: Vec<String> = (0..2000)
        .map(|_| {
            (0..2 + rng.below(3))
                .map(|_| syllables[rng.below(syllables.len())])
                .collect()
        })
        .collect();
    let word = |rng: &mut Rng| vocabulary[rng.below(vocabulary.len())].as_str();
    let mut documents: Vec<(String, Option<usize>)> = Vec::new();
    for index in 0..10_000 {
        if index >= 1000 && index % 5 == 0 {
            let mut source = rng.below(index);
            while documents[source].1.is_some() {
                source = rng.below(index);
            }
            let header: Vec<&str> = (0..2 + rng.below(3)).map(|_| word(&mut rng)).collect();
            let footer: Vec<&str> = (0..2 + rng.below(3)).map(|_| word(&mut rng)).collect();
            let text = format!(
                "{}\n{}\n{}",
                header.join(" "),
                documents[source].0,
                footer.join(" ")
            );
            documents.push((text, Some(source)));
        } else {
            let n_words = 200 + rng.below(200);
            let words: Vec<&str> = (0..n_words).map(|_| word(&mut rng)).collect();
            documents.push((words.join(" "), None));
        }
    }
    let mut clusterer = Clusterer::default();
    let (mut n_copies, mut n_folded) = (0, 0);
    for (index, (text, source)) in documents.iter().enumerate() {
        let assignment = clusterer.add(simhash(text));
        assert_eq!(assignment.document, DocumentIndex(index));
        match source {
            Some(source) => {
                n_copies += 1;
                if assignment.original == DocumentIndex(*source) {
                    n_folded += 1;
                } else {
                    // A missed copy starts its own cluster; it never joins a wrong one.
                    assert_eq!(assignment.original, assignment.document, "document {index}");
                }
            }
            // Different documents never fold into each other.
            None => assert_eq!(assignment.original, assignment.document, "document {index}"),
        }
    }
    assert_eq!(n_copies, 1800);
    println!("{n_folded} of {n_copies} copies folded into their original");
    assert!(
        n_folded * 100 >= n_copies * 95,
        "only {n_folded} of {n_copies} copies folded"
    );
    assert_eq!(clusterer.len(), 10_000);
}

/// The original report (about 480 words).
const ORIGINAL: &str = "\
Men who were deported to a maximum-security prison abroad and released this summer have \
described months of beatings, isolation and threats, in testimonies gathered by a coalition of \
human rights organisations and presented on Thursday in the capital.

The coalition said it had interviewed 87 of the 252 men sent to the prison under an emergency \
removal order in March. Most of them said they were never told why they had been selected, and \
that guards refused to let them speak to a lawyer or to their consulate during the first weeks \
of detention.

Several of the men said they were woken at night and forced to kneel for hours in the prison \
yard. Others described being moved without warning between cells that were kept lit around the \
clock. A former teacher from the eastern region said he lost almost twenty kilos in four months \
and that requests for medical care were answered with insults.

\"We demand that the authorities create the conditions for us to take part in the hearings \
without once again risking our lives,\" the group said in a joint statement read by one of the \
released men.

The testimonies were presented a week after a federal judge ruled that the government had \
denied the men the right to challenge their removal before being put on the planes. The ruling \
did not order their return, but it required the authorities to offer a way for them to present \
their cases, either in person or remotely.

Lawyers for the coalition said that the remote hearings proposed so far were not a real option. \
Many of the men live in small towns without a stable internet connection, and some fear that \
speaking publicly about what happened could expose their families to reprisals.

The government of the country that ran the prison has rejected the accusations. In a brief \
statement, its ministry of security said that all detainees had been treated in accordance with \
the law and had received food, water and medical attention. It did not respond to questions \
about specific cases.

The coalition asked the United Nations to appoint an independent expert to examine the \
conditions in the prison and to establish who ordered and carried out the abuses described by \
the men. It also called on the governments involved to publish the agreements under which the \
transfers took place, including how much was paid for each detainee.

The released men were flown home in July as part of an exchange negotiated between the two \
governments. Relatives who waited for them at the airport said that several had to be taken \
directly to hospital.

\"They sent us there as if we were already guilty,\" one of the men told reporters after the \
presentation. \"We want the world to know what was done to us, so that it is never done to \
anyone else.\"";

/// Another article on the court ruling (about 400 words).
const SAME_TOPIC_RULING: &str = "\
A federal judge ruled on Monday that the government violated the due process rights of the 252 \
men it removed in March to a maximum-security prison abroad, and ordered officials to propose \
within thirty days a procedure that would let them contest their removal.

In a 64-page opinion, the judge wrote that the emergency removal order had been applied \
without giving the men any meaningful notice or opportunity to be heard. The government, she \
wrote, could not rely on the speed of the flights to avoid the obligations that the law \
imposes on every removal.

The ruling stops short of ordering the return of the men, most of whom were sent home in July \
after an exchange between the two governments. Instead it requires the administration to \
explain how hearings could take place, whether in person, through the consulates or by video.

Lawyers for the plaintiffs called the decision an important recognition of what happened, but \
warned that the remedy would mean little if the hearings were impossible to attend. Several of \
their clients, they said, have no passport and no means to travel.

\"We demand that the authorities create the conditions for us to take part in the hearings \
without once again risking our lives,\" the released men said in a statement after the ruling \
was published.

The Justice Department said it disagreed with the decision and was considering an appeal. In \
court filings, government lawyers had argued that the men were members of a criminal \
organisation and that the removal order gave the president broad powers that courts should not \
second-guess.

The judge rejected that argument, noting that the government had offered no individual \
evidence about most of the men and that several had no criminal record in any country. She \
also criticised officials for failing to keep a complete list of who was on the flights.

Legal scholars said the ruling was likely to be cited in other challenges to the use of the \
emergency order, which had not been invoked in peacetime for more than two centuries before \
this year. An appeals court is already considering a related case brought by families in \
another state.

The administration has until the end of next month to file its proposal. The plaintiffs will \
then have two weeks to respond before a hearing scheduled for early autumn.";

/// A third article, on the families (about 330 words).
const SAME_TOPIC_FAMILIES: &str = "\
Mothers and wives of the men who were held for four months in a prison abroad gathered on \
Saturday outside the foreign ministry to demand compensation and an official apology for what \
their relatives endured.

Carrying photographs and handmade banners, around two hundred people marched from the central \
square to the ministry, where a delegation handed over a letter signed by more than a thousand \
relatives. The letter asks the government to support the men's legal claims and to pay for \
medical and psychological treatment.

Many of the women said their sons and husbands had changed since coming home. Some do not \
sleep, others refuse to leave the house, and several have not been able to return to work. One \
mother said her son still wakes up shouting at night and asks whether the guards are coming.

Organisers read aloud the statement the men had issued earlier in the month: \"We demand that \
the authorities create the conditions for us to take part in the hearings without once again \
risking our lives.\" The crowd answered with applause and chants.

A ministry official received the letter and promised an answer within two weeks, according to \
the organisers. The ministry did not comment publicly on the march.

Human rights groups that have documented the men's accounts said the families were also \
victims. For months, they said, relatives did not know whether the men were alive, and \
received no information from either government about where they were held or why.

The organisers said they would return every Saturday until they received a response, and that \
they were in contact with families of other deported people who wanted to join the protests.";
