use super::*;

fn person(id: &str, name: &str, aliases: &[&str]) -> GazetteerEntry {
    GazetteerEntry {
        id: id.to_owned(),
        kind: NameKind::Person,
        name: name.to_owned(),
        aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
        detail: None,
    }
}

fn people() -> Gazetteer {
    Gazetteer::new(vec![
        person("P-1", "Jose G. Perez", &[]),
        person("P-2", "James E. Boasberg", &[]),
        person("P-3", "Nayib Bukele", &["Nayib Armando Bukele Ortez"]),
        person("P-4", "Juan Pérez García", &[]),
        person("P-5", "Juan Pérez López", &[]),
        person("P-6", "María Fernanda Rojas", &["Mafe Rojas"]),
    ])
}

fn ids(matches: &[Match]) -> Vec<&str> {
    matches.iter().map(|m| m.id.as_str()).collect()
}

fn score(matches: &[Match], id: &str) -> f32 {
    matches.iter().find(|m| m.id == id).map_or(0.0, |m| m.score)
}

#[test]
fn linking_ignores_accents_case_and_order() {
    let g = people();
    assert_eq!(score(&g.lookup("JOSÉ G. PÉREZ", None), "P-1"), 1.0);
    let reordered = g.lookup("Pérez, José G.", None);
    assert_eq!(ids(&reordered)[0], "P-1");
    assert!((0.9..1.0).contains(&score(&reordered, "P-1")));
}

#[test]
fn linking_reads_initials_and_left_out_surnames() {
    let g = people();
    let full = g.lookup("José Gregorio Pérez Rodríguez", Some(NameKind::Person));
    assert_eq!(ids(&full)[0], "P-1", "{full:?}");
    assert!(score(&full, "P-1") >= 0.85, "{full:?}");
    let initials = g.lookup("J. G. Pérez", None);
    assert_eq!(ids(&initials)[0], "P-1");
    assert!(score(&initials, "P-1") >= 0.85);
    let boasberg = g.lookup("James Boasberg", None);
    assert_eq!(ids(&boasberg), vec!["P-2"]);
    assert!(score(&boasberg, "P-2") >= 0.9);
}

#[test]
fn linking_uses_aliases_below_the_name() {
    let g = people();
    let alias = g.lookup("Mafe Rojas", None);
    assert_eq!(ids(&alias), vec!["P-6"]);
    assert!((0.95..1.0).contains(&alias[0].score));
    let long = g.lookup("Nayib Armando Bukele Ortez", None);
    assert_eq!(ids(&long)[0], "P-3");
}

#[test]
fn linking_forgives_a_typo() {
    let g = people();
    let typo = g.lookup("James Boasbreg", None);
    assert_eq!(ids(&typo), vec!["P-2"]);
    assert!(typo[0].score >= 0.85 && typo[0].score < 1.0);
    let typo = g.lookup("Nayib Bukle", None);
    assert_eq!(ids(&typo)[0], "P-3");
}

#[test]
fn different_people_sharing_a_surname_are_both_listed_and_never_merged() {
    let g = people();
    let both = g.lookup("Juan Pérez", None);
    assert!(
        ids(&both).contains(&"P-4") && ids(&both).contains(&"P-5"),
        "{both:?}"
    );
    assert_eq!(score(&both, "P-4"), score(&both, "P-5"));
    assert!(score(&both, "P-4") < 1.0);
    let surname = g.lookup("Pérez", None);
    for id in ["P-1", "P-4", "P-5"] {
        assert!(ids(&surname).contains(&id), "{surname:?}");
        assert!(score(&surname, id) <= 0.6);
    }
    // Another given name with the same surname is not a candidate.
    assert!(g.lookup("María Pérez", None).iter().all(|m| m.id != "P-4"));
    assert!(g.lookup("James Smith", None).is_empty());
}

#[test]
fn kinds_filter_candidates() {
    let g = Gazetteer::with_builtin(people().entries().to_vec());
    assert!(g.lookup("Nayib Bukele", Some(NameKind::Place)).is_empty());
    let el_salvador = g.lookup("el salvador", Some(NameKind::Place));
    assert_eq!(ids(&el_salvador)[0], "country:sv");
}

#[test]
fn builtin_lists_link_acronyms_and_translations() {
    let g = Gazetteer::builtin();
    for (name, id) in [
        ("ICE", "org:us-ice"),
        ("Servicio de Inmigración y Control de Aduanas", "org:us-ice"),
        ("ACNUR", "org:un-unhcr"),
        ("UNHCR", "org:un-unhcr"),
        ("OIM", "org:un-iom"),
        ("CIDH", "org:iachr"),
        ("Cruz Roja", "org:red-cross"),
        ("Amnistía Internacional", "org:amnesty"),
        (
            "Centro de Confinamiento del Terrorismo",
            "facility:sv-cecot",
        ),
        ("Terrorism Confinement Centre", "facility:sv-cecot"),
        ("Guantanamo", "facility:cu-guantanamo"),
        ("EE.UU.", "country:us"),
        ("U.S.", "country:us"),
        ("Mexico", "country:mx"),
        ("Alligator Alcatraz", "facility:us-fl-alligator-alcatraz"),
    ] {
        let found = g.lookup(name, None);
        assert_eq!(
            found.first().map(|m| m.id.as_str()),
            Some(id),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn scanning_finds_known_names_as_written() {
    let g = Gazetteer::builtin();
    let text = "ICE agents flew them from El Paso to the CECOT in El Salvador; the ice melted and they told us.";
    let doc = Doc::new(text, Language::En);
    let keys = scan_keys(&doc);
    let hits = g.scan(&doc, &keys);
    let found: Vec<(&str, &str)> = hits
        .iter()
        .map(|hit| {
            let start = doc.tokens[hit.tokens.start].range.start;
            let end = doc.tokens[hit.tokens.end - 1].range.end;
            let entry = g.entry(hit.entries[0].0).map_or("", |e| e.id.as_str());
            (&text[start..end], entry)
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("ICE", "org:us-ice"),
            ("El Paso", "city:us-el-paso"),
            ("CECOT", "facility:sv-cecot"),
            ("El Salvador", "country:sv"),
        ]
    );
}

#[test]
fn given_names_surnames_and_demonyms() {
    let g = people();
    assert!(g.is_given_name("jose") && g.is_given_name("nayib"));
    assert!(g.is_surname("boasberg") && g.is_surname("rodriguez"));
    assert_eq!(Gazetteer::demonym("venezuelan"), Some("country:ve"));
    assert_eq!(Gazetteer::demonym("caracas"), None);
}

#[test]
fn candidate_lists_merge_as_sorting_would() {
    assert_eq!(
        union_sorted(&[1, 3, 5], &[2, 3, 6, 9]),
        vec![1, 2, 3, 5, 6, 9]
    );
    assert_eq!(union_sorted(&[], &[4, 7]), vec![4, 7]);
    assert_eq!(union_sorted(&[4, 7], &[]), vec![4, 7]);
    assert_eq!(union_sorted(&[2, 4], &[2, 4]), vec![2, 4]);
}

proptest::proptest! {
    #[test]
    fn union_of_sorted_lists(
        a in proptest::collection::btree_set(0u32..64, 0..20),
        b in proptest::collection::btree_set(0u32..64, 0..20),
    ) {
        let a: Vec<u32> = a.into_iter().collect();
        let b: Vec<u32> = b.into_iter().collect();
        let mut expected: Vec<u32> = a.iter().chain(&b).copied().collect();
        expected.sort_unstable();
        expected.dedup();
        proptest::prop_assert_eq!(union_sorted(&a, &b), expected);
    }

    #[test]
    fn lookup_and_scan_never_panic(text in "\\PC{0,80}") {
        let g = people();
        let _ = g.lookup(&text, None);
        let doc = Doc::new(&text, Language::Es);
        let keys = scan_keys(&doc);
        for hit in g.scan(&doc, &keys) {
            proptest::prop_assert!(hit.tokens.start < hit.tokens.end);
        }
    }
}
