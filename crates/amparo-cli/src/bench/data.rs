//! The generated installation of `amparo bench web`: persons with custody timelines, events
//! with acts, cases with proceedings, hearings and deadlines. Deterministic for a given size, so
//! that two runs measure the same data.

use amparo_model::records::{
    Act, Case, CaseStatus, CustodyPeriod, Deadline, Event, Hearing, HearingStatus, Organization,
    Person, PersonSensitive, Place, Proceeding, ProceedingStatus,
};
use amparo_model::{
    CaseId, DatePeriod, EventId, FuzzyDate, OrganizationId, PersonId, PlaceId, ProceedingId,
    Record, RecordBody,
};
use time::{Date, Duration, OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// A small, fast, deterministic generator (SplitMix64); good enough to pick test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }

    /// An index below `len` (which must not be 0).
    pub fn index(&mut self, len: usize) -> usize {
        (self.next_u64() % len as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }
}

/// Nationalities, weighted roughly as in the caseloads the tool is made for.
const NATIONALITIES: &[&str] = &[
    "VE", "VE", "VE", "VE", "SV", "SV", "HN", "HN", "GT", "GT", "CO", "MX", "EC", "NI", "CU", "HT",
];
const GIVEN: &[&str] = &[
    "José", "María", "Luis", "Ana", "Carlos", "Yesenia", "Jhon", "Daniela", "Wilmer", "Keila",
    "Andrés", "Rosa", "Franco", "Marbelis", "Edwin", "Lisbeth",
];
const FAMILY: &[&str] = &[
    "Rodríguez",
    "Hernández",
    "García",
    "Martínez",
    "López",
    "Pérez",
    "González",
    "Ramírez",
    "Flores",
    "Castillo",
    "Mendoza",
    "Guerrero",
];

/// Custody-status sequences a person goes through (terms of vocab/custody-status.toml); a
/// person's timeline is the first 2–6 steps of one of them.
const CHAINS: &[[&str; 6]] = &[
    [
        "in-immigration-custody",
        "in-transit",
        "held-in-third-country",
        "whereabouts-unknown",
        "held-in-third-country",
        "repatriated",
    ],
    [
        "in-criminal-custody",
        "in-immigration-custody",
        "in-transit",
        "removed",
        "in-home-country-custody",
        "released",
    ],
    [
        "in-immigration-custody",
        "released",
        "at-liberty-in-removing-country",
        "in-immigration-custody",
        "removed",
        "at-liberty-abroad",
    ],
    [
        "in-immigration-custody",
        "in-transit",
        "whereabouts-unknown",
        "held-in-third-country",
        "in-transit",
        "repatriated",
    ],
    [
        "at-liberty-in-removing-country",
        "in-immigration-custody",
        "in-transit",
        "missing-no-known-custody",
        "whereabouts-unknown",
        "deceased",
    ],
    [
        "unknown-not-yet-documented",
        "in-immigration-custody",
        "removed",
        "at-liberty-abroad",
        "in-immigration-custody",
        "in-transit",
    ],
];

const ACT_TYPES: &[(&str, &str)] = &[
    ("arrest", "arbitrary-detention"),
    ("transfer", "removal-to-third-country"),
    ("concealment-of-whereabouts", "enforced-disappearance"),
    ("denial-of-communication", "incommunicado-detention"),
    ("beating", "torture"),
    ("forced-head-shaving", "ill-treatment"),
    ("denial-of-medical-care", "medical-neglect"),
    ("shackling", "ill-treatment"),
    ("deception-about-destination", "denial-of-information"),
];

const PROCEEDING_KINDS: &[&str] = &[
    "habeas-corpus",
    "class-action",
    "iachr-precautionary-measures",
    "un-ced-urgent-action",
    "removal-proceedings",
    "emergency-stay",
];
const HEARING_KINDS: &[&str] = &[
    "status-conference",
    "emergency-hearing",
    "motion-hearing",
    "bond-hearing",
    "iachr-working-meeting",
];
const DEADLINE_KINDS: &[&str] = &[
    "filing-deadline",
    "response-due",
    "status-report-due",
    "international-body-deadline",
    "internal-deadline",
];

/// What was generated: the records in an order in which every link points backwards, and the
/// persons' ids (for the person-page route).
pub struct Generated {
    pub records: Vec<(Uuid, Record)>,
    pub person_ids: Vec<Uuid>,
    pub counts: Counts,
}

/// How many of each kind.
#[derive(Debug, Default)]
pub struct Counts {
    pub persons: u64,
    pub custody_periods: u64,
    pub whereabouts_unknown_periods: u64,
    pub open_ended_periods: u64,
    pub events: u64,
    pub acts: u64,
    pub cases: u64,
    pub proceedings: u64,
    pub hearings: u64,
    pub deadlines: u64,
    pub places_and_organizations: u64,
}

fn push<T: RecordBody>(records: &mut Vec<(Uuid, Record)>, id: Uuid, body: T) {
    records.push((id, body.into_record()));
}

fn day(date: Date) -> FuzzyDate {
    FuzzyDate::from_date(date)
}

/// Generates an installation of `persons` persons.
pub fn generate(persons: usize, today: Date) -> Generated {
    let mut rng = Rng::new(0x00A3_7A30 ^ persons as u64);
    let mut records = Vec::with_capacity(persons * 6);
    let mut counts = Counts::default();

    // Places and custodians.
    let place = |name: &str, kind: &str, country: &str| Place {
        name_en: name.to_owned(),
        name_es: name.to_owned(),
        kind: kind.to_owned(),
        country: Some(country.to_owned()),
        ..Place::default()
    };
    let krome = PlaceId::new();
    let el_paso = PlaceId::new();
    let cecot = PlaceId::new();
    let siglo_xxi = PlaceId::new();
    let la_esperanza = PlaceId::new();
    push(
        &mut records,
        krome.0,
        place(
            "Krome North Service Processing Center",
            "immigration-detention-centre",
            "US",
        ),
    );
    push(
        &mut records,
        el_paso.0,
        place(
            "El Paso Service Processing Center",
            "immigration-detention-centre",
            "US",
        ),
    );
    push(
        &mut records,
        cecot.0,
        place(
            "Centro de Confinamiento del Terrorismo (CECOT)",
            "maximum-security-prison",
            "SV",
        ),
    );
    push(
        &mut records,
        siglo_xxi.0,
        place(
            "Estación Migratoria Siglo XXI",
            "immigration-detention-centre",
            "MX",
        ),
    );
    push(
        &mut records,
        la_esperanza.0,
        place("Centro Penal La Esperanza", "prison", "SV"),
    );
    let organization = |name: &str, acronym: &str, kind: &str, country: &str| Organization {
        name: name.to_owned(),
        acronym: acronym.to_owned(),
        kind: kind.to_owned(),
        country: Some(country.to_owned()),
        ..Organization::default()
    };
    let ice = OrganizationId::new();
    let dgcp = OrganizationId::new();
    let inm = OrganizationId::new();
    push(
        &mut records,
        ice.0,
        organization(
            "Immigration and Customs Enforcement",
            "ICE",
            "immigration-enforcement-agency",
            "US",
        ),
    );
    push(
        &mut records,
        dgcp.0,
        organization(
            "Dirección General de Centros Penales",
            "DGCP",
            "prison-authority",
            "SV",
        ),
    );
    push(
        &mut records,
        inm.0,
        organization(
            "Instituto Nacional de Migración",
            "INM",
            "immigration-enforcement-agency",
            "MX",
        ),
    );
    counts.places_and_organizations = 8;
    let custody_place = |status: &str,
                         rng: &mut Rng|
     -> (Option<PlaceId>, Option<OrganizationId>) {
        match status {
            "in-immigration-custody" => match rng.index(3) {
                0 => (Some(krome), Some(ice)),
                1 => (Some(el_paso), Some(ice)),
                _ => (Some(siglo_xxi), Some(inm)),
            },
            "held-in-third-country" => (Some(cecot), Some(dgcp)),
            "in-criminal-custody" | "in-home-country-custody" => (Some(la_esperanza), Some(dgcp)),
            "in-transit" | "removed" => (None, Some(ice)),
            _ => (None, None),
        }
    };

    // Cases: about 20, at least one.
    let case_count = 20.min(persons.max(1));
    let mut cases = Vec::with_capacity(case_count);
    for number in 1..=case_count {
        let id = CaseId::new();
        cases.push(id);
        push(
            &mut records,
            id.0,
            Case {
                title: format!("Matter {number:02}: transfers and detention of nationals"),
                reference: format!("BENCH-{number:02}"),
                description: "Generated for `amparo bench web`.".to_owned(),
                status: if number % 7 == 0 {
                    CaseStatus::Dormant
                } else {
                    CaseStatus::Open
                },
                opened_on: Some(day(today - Duration::days(30 * number as i64))),
            },
        );
    }
    counts.cases = case_count as u64;
    let mut case_members: Vec<Vec<PersonId>> = vec![Vec::new(); case_count];

    // Persons and their custody timelines.
    let earliest = today - Duration::days(3 * 365);
    let mut person_ids = Vec::with_capacity(persons);
    let mut periods = Vec::with_capacity(persons * 4);
    for number in 1..=persons {
        let id = PersonId::new();
        person_ids.push(id.0);
        // Every person belongs to a case: a record outside every case is for administrators
        // only, and the benchmark reads as a lawyer.
        let mut case_ids = Vec::new();
        {
            let first = rng.index(case_count);
            case_ids.push(cases[first]);
            case_members[first].push(id);
            if rng.chance(10) && case_count > 1 {
                let second = (first + 1 + rng.index(case_count - 1)) % case_count;
                case_ids.push(cases[second]);
                case_members[second].push(id);
            }
        }
        let roles = match rng.index(10) {
            0 => vec!["family-member".to_owned()],
            1 => vec!["witness".to_owned()],
            2 | 3 => vec!["victim".to_owned(), "petitioner".to_owned()],
            _ => vec!["victim".to_owned()],
        };
        let mut nationalities = vec![(*rng.pick(NATIONALITIES)).to_owned()];
        if rng.chance(3) {
            nationalities.push("CO".to_owned());
            nationalities.dedup();
        }
        push(
            &mut records,
            id.0,
            Person {
                pseudonym: format!("P-{number:05}"),
                gender: if rng.chance(80) { "male" } else { "female" }.to_owned(),
                nationalities,
                age_at_first_event: Some(rng.range(17, 62) as u16),
                roles,
                case_ids,
                sensitive: Some(PersonSensitive {
                    full_name: format!(
                        "{} {} {}",
                        rng.pick(GIVEN),
                        rng.pick(FAMILY),
                        rng.pick(FAMILY)
                    ),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        );
        let chain = rng.pick(CHAINS);
        let steps = rng.range(2, 6) as usize;
        let open_end = rng.chance(40);
        let mut start = earliest + Duration::days(rng.range(0, 500) as i64);
        for (step, status) in chain.iter().take(steps).enumerate() {
            let last = step + 1 == steps;
            let length = Duration::days(rng.range(4, 90) as i64);
            let end = (!(last && open_end)).then(|| (start + length).min(today));
            let (place_id, custodian_id) = custody_place(status, &mut rng);
            if *status == "whereabouts-unknown" {
                counts.whereabouts_unknown_periods += 1;
            }
            if end.is_none() {
                counts.open_ended_periods += 1;
            }
            periods.push((
                Uuid::now_v7(),
                CustodyPeriod {
                    person_id: id,
                    status: (*status).to_owned(),
                    place_id,
                    custodian_id,
                    period: DatePeriod {
                        start: Some(day(start)),
                        end: end.map(day),
                    },
                    notes: String::new(),
                },
            ));
            // The next period starts the day after this one ends (or a few days later: an
            // undocumented gap).
            start = end.unwrap_or(start + length) + Duration::days(rng.range(1, 3) as i64);
            if start > today {
                start = today;
            }
        }
    }
    counts.persons = persons as u64;
    counts.custody_periods = periods.len() as u64;
    for (id, period) in periods {
        push(&mut records, id, period);
    }

    // Events, each with one to three acts against persons.
    let event_count = persons / 10;
    for number in 1..=event_count {
        let id = EventId::new();
        let (act_type, violation) = *rng.pick(ACT_TYPES);
        let when = earliest + Duration::days(rng.range(0, 900) as i64);
        let place_id = *rng.pick(&[krome, el_paso, cecot, siglo_xxi, la_esperanza]);
        let case_id = *rng.pick(&cases);
        push(
            &mut records,
            id.0,
            Event {
                title: format!("Event {number}: {act_type}"),
                description: "Generated for `amparo bench web`.".to_owned(),
                period: DatePeriod::since(day(when)),
                place_ids: vec![place_id],
                violation_types: vec![violation.to_owned()],
                case_ids: vec![case_id],
                ..Event::default()
            },
        );
        counts.events += 1;
        let mut victims: Vec<PersonId> = Vec::new();
        for _ in 0..rng.range(1, 3) {
            let victim = PersonId(person_ids[rng.index(person_ids.len())]);
            if victims.contains(&victim) {
                continue;
            }
            victims.push(victim);
            push(
                &mut records,
                Uuid::now_v7(),
                Act {
                    event_id: id,
                    victim_id: victim,
                    act_type: act_type.to_owned(),
                    violation_types: vec![violation.to_owned()],
                    ..Act::default()
                },
            );
            counts.acts += 1;
        }
    }

    // Two proceedings per case, two hearings per proceeding (one held, one to come), and two
    // deadlines per case.
    let court_time = UtcOffset::from_hms(-5, 0, 0).unwrap_or(UtcOffset::UTC);
    let now = OffsetDateTime::now_utc().to_offset(court_time);
    for (index, case_id) in cases.iter().enumerate() {
        for second in 0..2 {
            let id = ProceedingId::new();
            let members = &case_members[index];
            push(
                &mut records,
                id.0,
                Proceeding {
                    case_id: *case_id,
                    kind: (*rng.pick(PROCEEDING_KINDS)).to_owned(),
                    title: format!(
                        "Petitioners of BENCH-{:02} v. Authorities ({})",
                        index + 1,
                        second + 1
                    ),
                    forum: "U.S. District Court for the District of Columbia".to_owned(),
                    docket_number: format!("1:25-cv-{:05}", rng.range(100, 99_999)),
                    filed_on: Some(day(today - Duration::days(rng.range(30, 300) as i64))),
                    status: ProceedingStatus::Pending,
                    person_ids: members.iter().take(12).copied().collect(),
                    ..Proceeding::default()
                },
            );
            counts.proceedings += 1;
            for upcoming in [false, true] {
                let offset = Duration::days(rng.range(1, 60) as i64);
                let starts_at = if upcoming { now + offset } else { now - offset };
                let participants: Vec<PersonId> = members.iter().take(3).copied().collect();
                push(
                    &mut records,
                    Uuid::now_v7(),
                    Hearing {
                        proceeding_id: Some(id),
                        kind: (*rng.pick(HEARING_KINDS)).to_owned(),
                        starts_at: starts_at.replace_time(
                            time::Time::from_hms(10, 0, 0).unwrap_or(time::Time::MIDNIGHT),
                        ),
                        location: "Courtroom 19".to_owned(),
                        remote: false,
                        participant_ids: participants,
                        status: if upcoming {
                            HearingStatus::Scheduled
                        } else {
                            HearingStatus::Held
                        },
                        outcome: if upcoming {
                            String::new()
                        } else {
                            "Government ordered to report on the petitioners' whereabouts."
                                .to_owned()
                        },
                    },
                );
                counts.hearings += 1;
            }
            push(
                &mut records,
                Uuid::now_v7(),
                Deadline {
                    case_id: Some(*case_id),
                    proceeding_id: Some(id),
                    kind: (*rng.pick(DEADLINE_KINDS)).to_owned(),
                    title: "File the status report on the petitioners' custody".to_owned(),
                    due_on: day(today + Duration::days(rng.range(1, 45) as i64)),
                    responsible: "Litigation team".to_owned(),
                    done: rng.chance(20),
                },
            );
            counts.deadlines += 1;
        }
    }

    Generated {
        records,
        person_ids,
        counts,
    }
}
