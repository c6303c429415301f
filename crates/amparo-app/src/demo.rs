//! Demo data: a fictional legal-aid team's records on the 2025 CECOT removals, built in code.
//!
//! Everything here is invented for the demonstration: every person, name, number, testimony,
//! news outlet, byline, case caption and docket number. Public institutions (courts, agencies,
//! prisons, international bodies) appear only as institutions. Past events lie in 2025–2026;
//! hearings and deadlines are placed relative to the `today` given, so "upcoming" stays upcoming.
//! Ids are fixed (see `uid`), so two demos hold the same records under the same ids.

use std::collections::BTreeMap;

use amparo_model::records::{
    Act, Case, CaseStatus, ClaimRef, Confidentiality, Contact, CustodyPeriod, Deadline,
    DocketEntry, Document, Event, Hearing, HearingStatus, Identifier, Information, Involvement,
    Organization, Perpetrator, Person, PersonSensitive, Place, Proceeding, ProceedingStatus,
    SourceRef, Testimony, TestimonySensitive,
};
use amparo_model::{
    ActId, CaptureId, CaseId, CustodyPeriodId, DatePeriod, DocumentId, EventId, FuzzyDate,
    OrganizationId, PersonId, PlaceId, ProceedingId, Record, RecordBody, TestimonyId,
};
use time::macros::offset;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};
use uuid::Uuid;

/// The demo installation's content.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoData {
    /// Records in dependency order: every record appears after the records it references. Ids
    /// chosen here.
    pub records: Vec<(Uuid, Record)>,
    /// Files to capture; each becomes a Capture record with the given id (the loader computes
    /// hashes and blob keys).
    pub files: Vec<DemoFile>,
}

/// A file to capture. The loader writes all files BEFORE any record, so records may reference
/// these capture ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoFile {
    /// The id the Capture record gets.
    pub capture_id: CaptureId,
    /// The file's name, such as `2025-07-21-comunicado-familias.txt`.
    pub file_name: String,
    /// `text/plain`, `text/html` or `text/markdown` (no parameters).
    pub media_type: String,
    /// The file's content.
    pub bytes: Vec<u8>,
    /// Cases the capture belongs to.
    pub case_ids: Vec<CaseId>,
    /// Why or how it was captured.
    pub note: String,
}

/// The demo installation's content, with hearings and deadlines placed relative to `today` (so
/// "upcoming" stays upcoming).
pub fn demo_data(today: Date) -> DemoData {
    let specs = file_specs();
    let mut b = Builder::default();
    cases(&mut b);
    places(&mut b);
    organizations(&mut b);
    persons(&mut b);
    documents(&mut b, &specs);
    custody(&mut b);
    events(&mut b);
    acts(&mut b);
    testimonies(&mut b);
    information(&mut b);
    proceedings(&mut b);
    docket_entries(&mut b, today);
    hearings(&mut b, today);
    deadlines(&mut b, today);
    DemoData {
        records: b.records,
        files: specs.iter().map(render_file).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Ids: 0de30000-0000-8000-80KK-NNNNNNNNNNNN, a version-8 UUID whose KK names the record kind and
// whose last group counts the records of that kind.

const BASE: u128 = 0x0de3_0000_0000_8000_8000_0000_0000_0000;

/// The demo id number `n` of kind `kind`.
const fn uid(kind: u128, n: u128) -> Uuid {
    Uuid::from_u128(BASE | (kind << 48) | n)
}

const K_CASE: u128 = 0x01;
const K_PLACE: u128 = 0x02;
const K_ORG: u128 = 0x03;
const K_PERSON: u128 = 0x04;
const K_DOCUMENT: u128 = 0x05;
const K_CUSTODY: u128 = 0x06;
const K_EVENT: u128 = 0x07;
const K_ACT: u128 = 0x08;
const K_INVOLVEMENT: u128 = 0x09;
const K_TESTIMONY: u128 = 0x0a;
const K_INFORMATION: u128 = 0x0b;
const K_PROCEEDING: u128 = 0x0c;
const K_DOCKET: u128 = 0x0d;
const K_HEARING: u128 = 0x0e;
const K_DEADLINE: u128 = 0x0f;
const K_CAPTURE: u128 = 0x10;

const CASE_CECOT: CaseId = CaseId(uid(K_CASE, 1));
const CASE_CR: CaseId = CaseId(uid(K_CASE, 2));

const PL_US: PlaceId = PlaceId(uid(K_PLACE, 0x01));
const PL_TEXAS: PlaceId = PlaceId(uid(K_PLACE, 0x02));
const PL_HARLINGEN: PlaceId = PlaceId(uid(K_PLACE, 0x03));
const PL_HRL_AIRPORT: PlaceId = PlaceId(uid(K_PLACE, 0x04));
const PL_RAYMONDVILLE: PlaceId = PlaceId(uid(K_PLACE, 0x05));
const PL_EL_VALLE: PlaceId = PlaceId(uid(K_PLACE, 0x06));
const PL_LOS_FRESNOS: PlaceId = PlaceId(uid(K_PLACE, 0x07));
const PL_PORT_ISABEL: PlaceId = PlaceId(uid(K_PLACE, 0x08));
const PL_EL_PASO: PlaceId = PlaceId(uid(K_PLACE, 0x09));
const PL_EL_PASO_SPC: PlaceId = PlaceId(uid(K_PLACE, 0x0a));
const PL_EDINBURG: PlaceId = PlaceId(uid(K_PLACE, 0x0b));
const PL_HIDALGO_JAIL: PlaceId = PlaceId(uid(K_PLACE, 0x0c));
const PL_HOUSTON: PlaceId = PlaceId(uid(K_PLACE, 0x0d));
const PL_WASHINGTON: PlaceId = PlaceId(uid(K_PLACE, 0x0e));
const PL_DC_COURTHOUSE: PlaceId = PlaceId(uid(K_PLACE, 0x0f));
const PL_SV: PlaceId = PlaceId(uid(K_PLACE, 0x20));
const PL_SAN_VICENTE: PlaceId = PlaceId(uid(K_PLACE, 0x21));
const PL_TECOLUCA: PlaceId = PlaceId(uid(K_PLACE, 0x22));
const PL_CECOT: PlaceId = PlaceId(uid(K_PLACE, 0x23));
const PL_SV_AIRPORT: PlaceId = PlaceId(uid(K_PLACE, 0x24));
const PL_VE: PlaceId = PlaceId(uid(K_PLACE, 0x30));
const PL_CARACAS: PlaceId = PlaceId(uid(K_PLACE, 0x31));
const PL_MAIQUETIA: PlaceId = PlaceId(uid(K_PLACE, 0x32));
const PL_MARACAIBO: PlaceId = PlaceId(uid(K_PLACE, 0x33));
const PL_VALENCIA: PlaceId = PlaceId(uid(K_PLACE, 0x34));
const PL_BARQUISIMETO: PlaceId = PlaceId(uid(K_PLACE, 0x35));
const PL_SAN_CRISTOBAL: PlaceId = PlaceId(uid(K_PLACE, 0x36));
const PL_MARACAY: PlaceId = PlaceId(uid(K_PLACE, 0x37));
const PL_CO: PlaceId = PlaceId(uid(K_PLACE, 0x40));
const PL_CUCUTA: PlaceId = PlaceId(uid(K_PLACE, 0x41));
const PL_BOGOTA: PlaceId = PlaceId(uid(K_PLACE, 0x42));
const PL_CR: PlaceId = PlaceId(uid(K_PLACE, 0x50));
const PL_CORREDORES: PlaceId = PlaceId(uid(K_PLACE, 0x51));
const PL_CATEM: PlaceId = PlaceId(uid(K_PLACE, 0x52));
const PL_SAN_JOSE_CR: PlaceId = PlaceId(uid(K_PLACE, 0x53));

const ORG_DHS: OrganizationId = OrganizationId(uid(K_ORG, 0x01));
const ORG_ICE: OrganizationId = OrganizationId(uid(K_ORG, 0x02));
const ORG_CBP: OrganizationId = OrganizationId(uid(K_ORG, 0x03));
const ORG_EOIR: OrganizationId = OrganizationId(uid(K_ORG, 0x04));
const ORG_DDC: OrganizationId = OrganizationId(uid(K_ORG, 0x05));
const ORG_MJSP: OrganizationId = OrganizationId(uid(K_ORG, 0x10));
const ORG_DGCP: OrganizationId = OrganizationId(uid(K_ORG, 0x11));
const ORG_DGME_CR: OrganizationId = OrganizationId(uid(K_ORG, 0x20));
const ORG_IACHR: OrganizationId = OrganizationId(uid(K_ORG, 0x30));
const ORG_WGEID: OrganizationId = OrganizationId(uid(K_ORG, 0x31));
const ORG_PUENTE: OrganizationId = OrganizationId(uid(K_ORG, 0x40));
const ORG_FAMILIES: OrganizationId = OrganizationId(uid(K_ORG, 0x41));

const EV_ARRESTS: EventId = EventId(uid(K_EVENT, 1));
const EV_FLIGHTS: EventId = EventId(uid(K_EVENT, 2));
const EV_INTAKE: EventId = EventId(uid(K_EVENT, 3));
const EV_INCOMMUNICADO: EventId = EventId(uid(K_EVENT, 4));
const EV_REPRISAL: EventId = EventId(uid(K_EVENT, 5));
const EV_MEDICAL: EventId = EventId(uid(K_EVENT, 6));
const EV_SEARCHES: EventId = EventId(uid(K_EVENT, 7));
const EV_SEARCH_FOR_FAMILIES: EventId = EventId(uid(K_EVENT, 8));
const EV_RELEASE: EventId = EventId(uid(K_EVENT, 9));
const EV_STILL_MISSING: EventId = EventId(uid(K_EVENT, 10));
const EV_COSTA_RICA: EventId = EventId(uid(K_EVENT, 11));

const T_P0003: TestimonyId = TestimonyId(uid(K_TESTIMONY, 1));
const T_P0007: TestimonyId = TestimonyId(uid(K_TESTIMONY, 2));
const T_P0007_EN: TestimonyId = TestimonyId(uid(K_TESTIMONY, 3));
const T_P0012: TestimonyId = TestimonyId(uid(K_TESTIMONY, 4));
const T_P0035: TestimonyId = TestimonyId(uid(K_TESTIMONY, 5));
const T_P0041: TestimonyId = TestimonyId(uid(K_TESTIMONY, 6));

const PR_CLASS: ProceedingId = ProceedingId(uid(K_PROCEEDING, 1));
const PR_HABEAS: ProceedingId = ProceedingId(uid(K_PROCEEDING, 2));
const PR_IACHR: ProceedingId = ProceedingId(uid(K_PROCEEDING, 3));
const PR_WGEID: ProceedingId = ProceedingId(uid(K_PROCEEDING, 4));
const PR_REOPEN: ProceedingId = ProceedingId(uid(K_PROCEEDING, 5));

const CAP_FLIGHTS_NEWS: CaptureId = CaptureId(uid(K_CAPTURE, 1));
const CAP_RADIO: CaptureId = CaptureId(uid(K_CAPTURE, 2));
const CAP_CIDH_NEWS: CaptureId = CaptureId(uid(K_CAPTURE, 3));
const CAP_RELEASE_NEWS: CaptureId = CaptureId(uid(K_CAPTURE, 4));
const CAP_COMMUNIQUE: CaptureId = CaptureId(uid(K_CAPTURE, 5));
const CAP_LETTER: CaptureId = CaptureId(uid(K_CAPTURE, 6));
const CAP_OPINION_SUMMARY: CaptureId = CaptureId(uid(K_CAPTURE, 7));
const CAP_CR_STATEMENT: CaptureId = CaptureId(uid(K_CAPTURE, 8));

/// The person numbered `n`, shown as `P-000n`.
const fn person(n: u32) -> PersonId {
    PersonId(uid(K_PERSON, n as u128))
}

/// The lawyer leading the class action.
const LAWYER: u32 = 40;
/// The CECOT custodian known by a nickname.
const GUARD: u32 = 37;
/// The ICE officers who escorted the flight, as a group.
const ICE_ESCORT: u32 = 38;
/// The officer in charge of a cell block at CECOT.
const MODULE_CHIEF: u32 = 39;

// ---------------------------------------------------------------------------------------------
// Building blocks.

/// Collects records in order and hands out counted ids.
#[derive(Default)]
struct Builder {
    records: Vec<(Uuid, Record)>,
    counters: BTreeMap<u128, u128>,
    /// Each person's custody periods, in order: (person number, status, id).
    custody: Vec<(u32, &'static str, CustodyPeriodId)>,
    /// Each act: (event, victim number, act type, id).
    acts: Vec<(EventId, u32, &'static str, ActId)>,
}

impl Builder {
    fn put(&mut self, id: impl Into<Uuid>, body: impl RecordBody) {
        self.records.push((id.into(), body.into_record()));
    }

    fn add(&mut self, kind: u128, body: impl RecordBody) -> Uuid {
        let counter = self.counters.entry(kind).or_insert(0);
        *counter += 1;
        let id = uid(kind, *counter);
        self.put(id, body);
        id
    }

    fn custody_of(&self, n: u32, status: &str) -> CustodyPeriodId {
        self.custody
            .iter()
            .find(|(who, s, _)| *who == n && *s == status)
            .map(|(_, _, id)| *id)
            .unwrap_or_else(|| panic!("demo: P-{n:04} has no {status} period"))
    }

    fn act_of(&self, event: EventId, n: u32, act_type: &str) -> ActId {
        self.acts
            .iter()
            .find(|(e, who, t, _)| *e == event && *who == n && *t == act_type)
            .map(|(_, _, _, id)| *id)
            .unwrap_or_else(|| panic!("demo: no {act_type} act for P-{n:04}"))
    }

    fn act(&mut self, act: Act, victim: u32) -> ActId {
        let act_type: &'static str = ACT_TYPES
            .iter()
            .copied()
            .find(|t| *t == act.act_type)
            .unwrap_or("other");
        let event = act.event_id;
        let id = ActId(self.add(K_ACT, act));
        self.acts.push((event, victim, act_type, id));
        id
    }

    fn involve(&mut self, act_id: ActId, perpetrator: Perpetrator, degree: &str, notes: &str) {
        self.add(
            K_INVOLVEMENT,
            Involvement {
                act_id,
                perpetrator,
                degree: degree.into(),
                notes: notes.into(),
            },
        );
    }

    fn info(&mut self, source: SourceRef, claim: ClaimRef, how: Source) {
        self.add(
            K_INFORMATION,
            Information {
                source,
                claim,
                source_kind: how.kind.into(),
                reliability: how.reliability.into(),
                language: Some(how.language.into()),
                locator: how.locator.into(),
                notes: String::new(),
            },
        );
    }
}

/// The act types used here, so the builder can keep `&'static str` keys.
const ACT_TYPES: &[&str] = &[
    "arrest",
    "detention",
    "removal",
    "shackling",
    "deception-about-destination",
    "beating",
    "forced-head-shaving",
    "stress-positions",
    "humiliating-strip-search",
    "verbal-abuse",
    "threats",
    "denial-of-communication",
    "use-of-less-lethal-weapons",
    "solitary-confinement",
    "denial-of-medical-care",
    "sexual-assault",
    "refusal-to-acknowledge-detention",
    "concealment-of-whereabouts",
    "release",
    "repatriation",
    "separation-from-family",
];

/// How a source supports a claim.
struct Source {
    kind: &'static str,
    reliability: &'static str,
    language: &'static str,
    locator: &'static str,
}

/// A date written as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with `~` when approximate.
fn d(text: &str) -> FuzzyDate {
    text.parse()
        .unwrap_or_else(|error| panic!("demo date {text:?}: {error}"))
}

fn between(start: &str, end: &str) -> DatePeriod {
    DatePeriod::between(d(start), d(end))
}

fn since(start: &str) -> DatePeriod {
    DatePeriod::since(d(start))
}

fn day(text: &str) -> DatePeriod {
    DatePeriod::between(d(text), d(text))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// The weekday `days` from `today`, rolled forward past a weekend (courts do not sit then).
fn days_from(today: Date, days: i64) -> Date {
    let date = today.saturating_add(Duration::days(days));
    match date.weekday() {
        Weekday::Saturday => date.saturating_add(Duration::days(2)),
        Weekday::Sunday => date.saturating_add(Duration::days(1)),
        _ => date,
    }
}

/// The `nth` Sunday of a month.
fn nth_sunday(year: i32, month: Month, nth: i64) -> Date {
    let first = Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
    let to_sunday = i64::from((7 - first.weekday().number_days_from_sunday()) % 7);
    first.saturating_add(Duration::days(to_sunday + 7 * (nth - 1)))
}

/// Washington's UTC offset on `date`: daylight time from the second Sunday of March to the first
/// Sunday of November.
fn eastern(date: Date) -> UtcOffset {
    let starts = nth_sunday(date.year(), Month::March, 2);
    let ends = nth_sunday(date.year(), Month::November, 1);
    if date >= starts && date < ends {
        offset!(-4)
    } else {
        offset!(-5)
    }
}

/// `hour:minute` on `date` in Washington.
fn in_washington(date: Date, hour: u8, minute: u8) -> OffsetDateTime {
    let time = Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(date, time).assume_offset(eastern(date))
}

fn date_of(text: &str) -> Date {
    d(text).earliest()
}

// ---------------------------------------------------------------------------------------------
// Cases, places, organizations.

fn cases(b: &mut Builder) {
    b.put(
        CASE_CECOT,
        Case {
            title: "CECOT removals 2025".into(),
            reference: "CECOT-2025".into(),
            description: "Venezuelan men removed from the United States on 15–16 March 2025 \
                under the Alien Enemies Act proclamation, held at CECOT in El Salvador without \
                contact with lawyers or families until the exchange of 18 July 2025, then \
                repatriated to Venezuela. The team documents each man's custody timeline and \
                what was done to him, supports the families, and litigates the class action in \
                Washington, a habeas petition for a man still missing, and requests before the \
                IACHR and the UN Working Group on Enforced or Involuntary Disappearances."
                .into(),
            status: CaseStatus::Open,
            opened_on: Some(d("2025-03-16")),
        },
    );
    b.put(
        CASE_CR,
        Case {
            title: "Third-country removal to Costa Rica — family separation".into(),
            reference: "CR-TC-2025".into(),
            description: "A Venezuelan father removed to Costa Rica in February 2025 while his \
                partner and their daughter remained in Houston. Motion to reopen before the \
                immigration court; documentation of detention at the CATEM facility."
                .into(),
            status: CaseStatus::Open,
            opened_on: Some(d("2025-03-03")),
        },
    );
}

struct PlaceSpec {
    id: PlaceId,
    en: &'static str,
    es: &'static str,
    other: &'static [&'static str],
    kind: &'static str,
    country: &'static str,
    parent: Option<PlaceId>,
    coords: Option<(f64, f64)>,
    notes: &'static str,
}

const PLACES: &[PlaceSpec] = &[
    PlaceSpec {
        id: PL_US,
        en: "United States",
        es: "Estados Unidos",
        other: &["USA", "EE. UU."],
        kind: "country",
        country: "US",
        parent: None,
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_TEXAS,
        en: "Texas",
        es: "Texas",
        other: &[],
        kind: "state-or-province",
        country: "US",
        parent: Some(PL_US),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_HARLINGEN,
        en: "Harlingen, Texas",
        es: "Harlingen, Texas",
        other: &[],
        kind: "city",
        country: "US",
        parent: Some(PL_TEXAS),
        coords: Some((26.1906, -97.6961)),
        notes: "",
    },
    PlaceSpec {
        id: PL_HRL_AIRPORT,
        en: "Valley International Airport (Harlingen)",
        es: "Aeropuerto Internacional del Valle (Harlingen)",
        other: &["HRL"],
        kind: "airport",
        country: "US",
        parent: Some(PL_HARLINGEN),
        coords: Some((26.2285, -97.6544)),
        notes: "Departure point of the removal flights of 15 March 2025.",
    },
    PlaceSpec {
        id: PL_RAYMONDVILLE,
        en: "Raymondville, Texas",
        es: "Raymondville, Texas",
        other: &[],
        kind: "city",
        country: "US",
        parent: Some(PL_TEXAS),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_EL_VALLE,
        en: "El Valle Detention Facility",
        es: "Centro de Detención El Valle",
        other: &["El Valle"],
        kind: "immigration-detention-centre",
        country: "US",
        parent: Some(PL_RAYMONDVILLE),
        coords: None,
        notes: "Most of the men in the case were held here in the weeks before the flights.",
    },
    PlaceSpec {
        id: PL_LOS_FRESNOS,
        en: "Los Fresnos, Texas",
        es: "Los Fresnos, Texas",
        other: &[],
        kind: "city",
        country: "US",
        parent: Some(PL_TEXAS),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_PORT_ISABEL,
        en: "Port Isabel Service Processing Center",
        es: "Centro de Procesamiento de Port Isabel",
        other: &["PIDC", "Port Isabel"],
        kind: "immigration-detention-centre",
        country: "US",
        parent: Some(PL_LOS_FRESNOS),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_EL_PASO,
        en: "El Paso, Texas",
        es: "El Paso, Texas",
        other: &[],
        kind: "city",
        country: "US",
        parent: Some(PL_TEXAS),
        coords: Some((31.7619, -106.485)),
        notes: "",
    },
    PlaceSpec {
        id: PL_EL_PASO_SPC,
        en: "El Paso Service Processing Center",
        es: "Centro de Procesamiento de El Paso",
        other: &["EPC"],
        kind: "immigration-detention-centre",
        country: "US",
        parent: Some(PL_EL_PASO),
        coords: None,
        notes: "Several men were flown from here to South Texas on 14 March 2025.",
    },
    PlaceSpec {
        id: PL_EDINBURG,
        en: "Edinburg, Texas",
        es: "Edinburg, Texas",
        other: &[],
        kind: "city",
        country: "US",
        parent: Some(PL_TEXAS),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_HIDALGO_JAIL,
        en: "Hidalgo County Adult Detention Center",
        es: "Centro de Detención de Adultos del Condado de Hidalgo",
        other: &[],
        kind: "jail",
        country: "US",
        parent: Some(PL_EDINBURG),
        coords: None,
        notes: "County jail; two men were held here on local charges before ICE took them.",
    },
    PlaceSpec {
        id: PL_HOUSTON,
        en: "Houston, Texas",
        es: "Houston, Texas",
        other: &[],
        kind: "city",
        country: "US",
        parent: Some(PL_TEXAS),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_WASHINGTON,
        en: "Washington, D.C.",
        es: "Washington D. C.",
        other: &[],
        kind: "city",
        country: "US",
        parent: Some(PL_US),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_DC_COURTHOUSE,
        en: "E. Barrett Prettyman U.S. Courthouse",
        es: "Tribunal federal E. Barrett Prettyman",
        other: &[],
        kind: "court",
        country: "US",
        parent: Some(PL_WASHINGTON),
        coords: None,
        notes: "Seat of the U.S. District Court for the District of Columbia.",
    },
    PlaceSpec {
        id: PL_SV,
        en: "El Salvador",
        es: "El Salvador",
        other: &[],
        kind: "country",
        country: "SV",
        parent: None,
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_SAN_VICENTE,
        en: "San Vicente Department",
        es: "Departamento de San Vicente",
        other: &[],
        kind: "state-or-province",
        country: "SV",
        parent: Some(PL_SV),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_TECOLUCA,
        en: "Tecoluca",
        es: "Tecoluca",
        other: &[],
        kind: "city",
        country: "SV",
        parent: Some(PL_SAN_VICENTE),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_CECOT,
        en: "Terrorism Confinement Center (CECOT)",
        es: "Centro de Confinamiento del Terrorismo (CECOT)",
        other: &["CECOT"],
        kind: "maximum-security-prison",
        country: "SV",
        parent: Some(PL_TECOLUCA),
        coords: None,
        notes: "Maximum-security prison run by the Dirección General de Centros Penales. No \
            lawyer or relative of the men in this case was allowed in between March and July 2025.",
    },
    PlaceSpec {
        id: PL_SV_AIRPORT,
        en: "El Salvador International Airport",
        es: "Aeropuerto Internacional de El Salvador San Óscar Arnulfo Romero y Galdámez",
        other: &["SAL", "Comalapa"],
        kind: "airport",
        country: "SV",
        parent: Some(PL_SV),
        coords: Some((13.4409, -89.0557)),
        notes: "",
    },
    PlaceSpec {
        id: PL_VE,
        en: "Venezuela",
        es: "Venezuela",
        other: &[],
        kind: "country",
        country: "VE",
        parent: None,
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_CARACAS,
        en: "Caracas",
        es: "Caracas",
        other: &[],
        kind: "city",
        country: "VE",
        parent: Some(PL_VE),
        coords: Some((10.4806, -66.9036)),
        notes: "",
    },
    PlaceSpec {
        id: PL_MAIQUETIA,
        en: "Simón Bolívar International Airport (Maiquetía)",
        es: "Aeropuerto Internacional Simón Bolívar (Maiquetía)",
        other: &["CCS", "Maiquetía"],
        kind: "airport",
        country: "VE",
        parent: Some(PL_VE),
        coords: Some((10.6012, -66.9913)),
        notes: "Where the repatriation flights of 18 July 2025 landed.",
    },
    PlaceSpec {
        id: PL_MARACAIBO,
        en: "Maracaibo",
        es: "Maracaibo",
        other: &[],
        kind: "city",
        country: "VE",
        parent: Some(PL_VE),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_VALENCIA,
        en: "Valencia (Venezuela)",
        es: "Valencia (Venezuela)",
        other: &[],
        kind: "city",
        country: "VE",
        parent: Some(PL_VE),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_BARQUISIMETO,
        en: "Barquisimeto",
        es: "Barquisimeto",
        other: &[],
        kind: "city",
        country: "VE",
        parent: Some(PL_VE),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_SAN_CRISTOBAL,
        en: "San Cristóbal (Táchira)",
        es: "San Cristóbal (Táchira)",
        other: &[],
        kind: "city",
        country: "VE",
        parent: Some(PL_VE),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_MARACAY,
        en: "Maracay",
        es: "Maracay",
        other: &[],
        kind: "city",
        country: "VE",
        parent: Some(PL_VE),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_CO,
        en: "Colombia",
        es: "Colombia",
        other: &[],
        kind: "country",
        country: "CO",
        parent: None,
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_CUCUTA,
        en: "Cúcuta",
        es: "Cúcuta",
        other: &[],
        kind: "city",
        country: "CO",
        parent: Some(PL_CO),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_BOGOTA,
        en: "Bogotá",
        es: "Bogotá",
        other: &[],
        kind: "city",
        country: "CO",
        parent: Some(PL_CO),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_CR,
        en: "Costa Rica",
        es: "Costa Rica",
        other: &[],
        kind: "country",
        country: "CR",
        parent: None,
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_CORREDORES,
        en: "Corredores",
        es: "Corredores",
        other: &["Paso Canoas"],
        kind: "city",
        country: "CR",
        parent: Some(PL_CR),
        coords: None,
        notes: "",
    },
    PlaceSpec {
        id: PL_CATEM,
        en: "Temporary Migrant Care Center (CATEM Sur)",
        es: "Centro de Atención Temporal de Migrantes (CATEM Sur)",
        other: &["CATEM"],
        kind: "immigration-detention-centre",
        country: "CR",
        parent: Some(PL_CORREDORES),
        coords: None,
        notes: "People removed from the US to Costa Rica were held here without freedom to leave.",
    },
    PlaceSpec {
        id: PL_SAN_JOSE_CR,
        en: "San José (Costa Rica)",
        es: "San José (Costa Rica)",
        other: &[],
        kind: "city",
        country: "CR",
        parent: Some(PL_CR),
        coords: None,
        notes: "",
    },
];

fn places(b: &mut Builder) {
    for spec in PLACES {
        b.put(
            spec.id,
            Place {
                name_en: spec.en.into(),
                name_es: spec.es.into(),
                other_names: strings(spec.other),
                kind: spec.kind.into(),
                country: Some(spec.country.into()),
                parent_id: spec.parent,
                latitude: spec.coords.map(|(latitude, _)| latitude),
                longitude: spec.coords.map(|(_, longitude)| longitude),
                notes: spec.notes.into(),
            },
        );
    }
}

struct OrgSpec {
    id: OrganizationId,
    name: &'static str,
    acronym: &'static str,
    aliases: &'static [&'static str],
    kind: &'static str,
    country: Option<&'static str>,
    parent: Option<OrganizationId>,
    notes: &'static str,
}

const ORGANIZATIONS: &[OrgSpec] = &[
    OrgSpec {
        id: ORG_DHS,
        name: "U.S. Department of Homeland Security",
        acronym: "DHS",
        aliases: &["Departamento de Seguridad Nacional"],
        kind: "ministry",
        country: Some("US"),
        parent: None,
        notes: "",
    },
    OrgSpec {
        id: ORG_ICE,
        name: "U.S. Immigration and Customs Enforcement",
        acronym: "ICE",
        aliases: &["Servicio de Inmigración y Control de Aduanas"],
        kind: "immigration-enforcement-agency",
        country: Some("US"),
        parent: Some(ORG_DHS),
        notes: "Held the men before removal and organised the flights (Enforcement and \
            Removal Operations).",
    },
    OrgSpec {
        id: ORG_CBP,
        name: "U.S. Customs and Border Protection",
        acronym: "CBP",
        aliases: &["Oficina de Aduanas y Protección Fronteriza"],
        kind: "immigration-enforcement-agency",
        country: Some("US"),
        parent: Some(ORG_DHS),
        notes: "",
    },
    OrgSpec {
        id: ORG_EOIR,
        name: "Executive Office for Immigration Review",
        acronym: "EOIR",
        aliases: &["Oficina Ejecutiva de Revisión de Casos de Inmigración"],
        kind: "court",
        country: Some("US"),
        parent: None,
        notes: "The immigration courts, part of the Department of Justice.",
    },
    OrgSpec {
        id: ORG_DDC,
        name: "U.S. District Court for the District of Columbia",
        acronym: "D.D.C.",
        aliases: &["Tribunal Federal de Distrito para el Distrito de Columbia"],
        kind: "court",
        country: Some("US"),
        parent: None,
        notes: "",
    },
    OrgSpec {
        id: ORG_MJSP,
        name: "Ministerio de Justicia y Seguridad Pública",
        acronym: "MJSP",
        aliases: &["Ministry of Justice and Public Security (El Salvador)"],
        kind: "ministry",
        country: Some("SV"),
        parent: None,
        notes: "",
    },
    OrgSpec {
        id: ORG_DGCP,
        name: "Dirección General de Centros Penales",
        acronym: "DGCP",
        aliases: &["General Directorate of Prisons (El Salvador)"],
        kind: "prison-authority",
        country: Some("SV"),
        parent: Some(ORG_MJSP),
        notes: "Runs CECOT. Never acknowledged to families or lawyers which of the men it held.",
    },
    OrgSpec {
        id: ORG_DGME_CR,
        name: "Dirección General de Migración y Extranjería",
        acronym: "DGME",
        aliases: &["Costa Rica's General Directorate of Migration"],
        kind: "immigration-enforcement-agency",
        country: Some("CR"),
        parent: None,
        notes: "Ran the CATEM facility where people removed from the US were held.",
    },
    OrgSpec {
        id: ORG_IACHR,
        name: "Inter-American Commission on Human Rights",
        acronym: "IACHR",
        aliases: &["Comisión Interamericana de Derechos Humanos", "CIDH"],
        kind: "international-organization",
        country: None,
        parent: None,
        notes: "",
    },
    OrgSpec {
        id: ORG_WGEID,
        name: "UN Working Group on Enforced or Involuntary Disappearances",
        acronym: "WGEID",
        aliases: &["Grupo de Trabajo sobre las Desapariciones Forzadas o Involuntarias"],
        kind: "un-body",
        country: None,
        parent: None,
        notes: "",
    },
    OrgSpec {
        id: ORG_PUENTE,
        name: "Puente Legal Migrant Defense Network",
        acronym: "PLMDN",
        aliases: &["Red de Defensa Migrante Puente Legal", "Puente Legal"],
        kind: "legal-aid-organization",
        country: Some("US"),
        parent: None,
        notes: "Fictional legal-aid organisation: the team whose records these are.",
    },
    OrgSpec {
        id: ORG_FAMILIES,
        name: "Asociación de Familias Puerta de Regreso",
        acronym: "",
        aliases: &["Puerta de Regreso Families Association"],
        kind: "family-association",
        country: Some("VE"),
        parent: None,
        notes: "Fictional association of the men's families, formed in Caracas in March 2025.",
    },
];

fn organizations(b: &mut Builder) {
    for spec in ORGANIZATIONS {
        b.put(
            spec.id,
            Organization {
                name: spec.name.into(),
                acronym: spec.acronym.into(),
                aliases: strings(spec.aliases),
                kind: spec.kind.into(),
                country: spec.country.map(str::to_owned),
                parent_id: spec.parent,
                notes: spec.notes.into(),
            },
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Persons.

/// How a man's custody went from arrest to the exchange of 18 July 2025.
#[derive(Clone, Copy)]
enum Path {
    /// ICE custody, the flight, CECOT from 16 March: known from the start.
    Cecot,
    /// Removed, whereabouts unknown until his name was confirmed on the given day, then CECOT.
    ConfirmedLater(&'static str),
    /// Removed and never acknowledged: whereabouts unknown until he called from Maiquetía.
    Unacknowledged,
    /// Held in a county jail from the given day before ICE took him; then as [`Path::Cecot`].
    JailFirst(&'static str),
    /// US custody known only to the month; nothing on record until CECOT was confirmed in May.
    Gap,
    /// US custody before removal not yet documented; the record starts with a placeholder.
    Undocumented,
    /// Last heard from in ICE custody on 14 March; whereabouts unknown ever since.
    StillMissing,
    /// Seen at CECOT by cellmates until he was taken out of the cell block in April.
    MissingFromCecot,
    /// Taken off the bus to the airport; stayed in ICE custody and was paroled in May.
    NeverRemoved,
}

/// What happened after the repatriation flights.
#[derive(Clone, Copy)]
enum After {
    /// Home in Venezuela since the given day.
    Home(&'static str),
    /// Held for a few days by Venezuelan authorities, then home.
    HeldOnReturn,
    /// Home, then left Venezuela for the given city from the given (fuzzy) date.
    Abroad(PlaceId, &'static str),
    /// Return known only roughly; current situation not confirmed.
    Approximate,
    /// Not applicable (the man did not come back on 18 July).
    None,
}

struct Victim {
    n: u32,
    name: &'static str,
    aliases: &'static [&'static str],
    born: &'static str,
    home: PlaceId,
    facility: PlaceId,
    detained: &'static str,
    path: Path,
    after: After,
    roles: &'static [&'static str],
    /// Who the contact phone reaches.
    contact: &'static str,
    notes: &'static str,
}

const VICTIMS: &[Victim] = &[
    Victim {
        n: 1,
        name: "Yorbis Alejandro Colmenares Ruiz",
        aliases: &["Yorbi"],
        born: "1996-04-12",
        home: PL_MARACAIBO,
        facility: PL_EL_VALLE,
        detained: "2025-02-11",
        path: Path::Cecot,
        after: After::Home("2025-07-19"),
        roles: &["victim", "witness"],
        contact: "mother",
        notes: "Barber. Designated on the basis of tattoos; no criminal record in any country.",
    },
    Victim {
        n: 2,
        name: "Jhoan Manuel Briceño Parra",
        aliases: &[],
        born: "1999",
        home: PL_VALENCIA,
        facility: PL_EL_VALLE,
        detained: "2025-02-26",
        path: Path::Cecot,
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "wife",
        notes: "",
    },
    Victim {
        n: 3,
        name: "Wilmer José Urdaneta Salas",
        aliases: &["Wili", "Wilmer Urdaneta"],
        born: "1991-09-03",
        home: PL_BARQUISIMETO,
        facility: PL_PORT_ISABEL,
        detained: "2025-01-30",
        path: Path::ConfirmedLater("2025-03-20"),
        after: After::Home("2025-07-19"),
        roles: &["victim", "witness", "petitioner"],
        contact: "mother",
        notes: "Asthmatic; denied his inhaler at CECOT. Mother is P-0035. Named class \
            representative.",
    },
    Victim {
        n: 4,
        name: "Kelvin Andrés Zambrano Ochoa",
        aliases: &["Kelvincito"],
        born: "2001-11-23",
        home: PL_CARACAS,
        facility: PL_EL_PASO_SPC,
        detained: "2025-02-19",
        path: Path::Unacknowledged,
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "mother",
        notes: "His name appeared on no list; the family learned where he had been only on 18 July.",
    },
    Victim {
        n: 5,
        name: "Ender Rafael Villalobos Bracho",
        aliases: &[],
        born: "1988",
        home: PL_MARACAIBO,
        facility: PL_EL_VALLE,
        detained: "2025-03-04",
        path: Path::Cecot,
        after: After::Abroad(PL_CUCUTA, "2025-10"),
        roles: &["victim"],
        contact: "own phone",
        notes: "Beaten in the April reprisal (seen by P-0012). Now works in Colombia.",
    },
    Victim {
        n: 6,
        name: "Deivis Enrique Quintero Mora",
        aliases: &["Deivi"],
        born: "1997-06-30",
        home: PL_SAN_CRISTOBAL,
        facility: PL_PORT_ISABEL,
        detained: "~2025-03",
        path: Path::Cecot,
        after: After::Approximate,
        roles: &["victim"],
        contact: "cousin",
        notes: "Dates of arrest and return known only roughly, from a cousin; not yet interviewed.",
    },
    Victim {
        n: 7,
        name: "Luis Fernando Salazar Chirinos",
        aliases: &["Luisfer"],
        born: "1993-02-14",
        home: PL_VALENCIA,
        facility: PL_EL_VALLE,
        detained: "2025-02-07",
        path: Path::Cecot,
        after: After::HeldOnReturn,
        roles: &["victim", "witness", "petitioner"],
        contact: "sister",
        notes: "Sister is P-0036. Named class representative; sworn declaration filed.",
    },
    Victim {
        n: 8,
        name: "Yeferson David Montilla Rojas",
        aliases: &[],
        born: "2000",
        home: PL_MARACAY,
        facility: PL_EL_PASO_SPC,
        detained: "2025-02-28",
        path: Path::Unacknowledged,
        after: After::Home("2025-07-19"),
        roles: &["victim"],
        contact: "mother",
        notes: "",
    },
    Victim {
        n: 9,
        name: "Darwin Antonio Suárez Linares",
        aliases: &[],
        born: "1990-08-08",
        home: PL_BARQUISIMETO,
        facility: PL_EL_VALLE,
        detained: "2025-01-22",
        path: Path::JailFirst("2025-01-15"),
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "wife",
        notes: "Local traffic charge dismissed; handed to ICE on a detainer.",
    },
    Victim {
        n: 10,
        name: "Richard Alexander Mendoza Pinto",
        aliases: &["Richi"],
        born: "1995",
        home: PL_CARACAS,
        facility: PL_PORT_ISABEL,
        detained: "2025-02",
        path: Path::Gap,
        after: After::Home("2025-07-21"),
        roles: &["victim", "petitioner"],
        contact: "mother",
        notes: "Lead petitioner in the class action. No record of where he was in March–April 2025.",
    },
    Victim {
        n: 11,
        name: "Brayan José Rivas Coronado",
        aliases: &[],
        born: "2002-03-17",
        home: PL_MARACAIBO,
        facility: PL_EL_VALLE,
        detained: "2025-03-01",
        path: Path::ConfirmedLater("2025-04-03"),
        after: After::Home("2025-07-19"),
        roles: &["victim"],
        contact: "mother",
        notes: "",
    },
    Victim {
        n: 12,
        name: "Orlando Javier Márquez Peña",
        aliases: &["el Profe"],
        born: "1986-12-01",
        home: PL_VALENCIA,
        facility: PL_PORT_ISABEL,
        detained: "2025-02-20",
        path: Path::Cecot,
        after: After::Abroad(PL_BOGOTA, "2026-02"),
        roles: &["victim", "witness", "petitioner"],
        contact: "own phone",
        notes: "Former schoolteacher. Held in an isolation cell after the April protest. \
            Agreed to anonymized publication of his account.",
    },
    Victim {
        n: 13,
        name: "Jesús Gregorio Ochoa Fuenmayor",
        aliases: &[],
        born: "1998",
        home: PL_SAN_CRISTOBAL,
        facility: PL_EL_PASO_SPC,
        detained: "2025-02-25",
        path: Path::Cecot,
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "father",
        notes: "",
    },
    Victim {
        n: 14,
        name: "Néstor Luis Parra Gil",
        aliases: &[],
        born: "1992-05-21",
        home: PL_CARACAS,
        facility: PL_EL_VALLE,
        detained: "2025-02-09",
        path: Path::Undocumented,
        after: After::Home("2025-07-19"),
        roles: &["victim"],
        contact: "partner",
        notes: "Came to the team in 2026 through the families association; US custody still to \
            be documented.",
    },
    Victim {
        n: 15,
        name: "Yonaiker Alexis Hernández Toro",
        aliases: &["Yona"],
        born: "2003-01-09",
        home: PL_MARACAY,
        facility: PL_PORT_ISABEL,
        detained: "2025-03-06",
        path: Path::Cecot,
        after: After::Home("2025-07-19"),
        roles: &["victim"],
        contact: "mother",
        notes: "Youngest man in the case. Skin infection left untreated at CECOT.",
    },
    Victim {
        n: 16,
        name: "Gerardo Antonio Linares Vivas",
        aliases: &[],
        born: "1989",
        home: PL_BARQUISIMETO,
        facility: PL_EL_VALLE,
        detained: "2025-02-17",
        path: Path::Unacknowledged,
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "sister",
        notes: "",
    },
    Victim {
        n: 17,
        name: "Frankly Josué Moreno Aular",
        aliases: &[],
        born: "1997-10-10",
        home: PL_CARACAS,
        facility: PL_EL_PASO_SPC,
        detained: "2025-02-03",
        path: Path::Cecot,
        after: After::Home("2025-07-19"),
        roles: &["victim"],
        contact: "mother",
        notes: "Account of sexual abuse during a search recorded; restricted.",
    },
    Victim {
        n: 18,
        name: "Eduardo José Bracho Medina",
        aliases: &["Edu"],
        born: "1994-07-27",
        home: PL_MARACAIBO,
        facility: PL_PORT_ISABEL,
        detained: "2025-02-21",
        path: Path::ConfirmedLater("2025-03-20"),
        after: After::Abroad(PL_CUCUTA, "2026-03"),
        roles: &["victim"],
        contact: "aunt",
        notes: "",
    },
    Victim {
        n: 19,
        name: "Johan Enrique Vivas Castillo",
        aliases: &[],
        born: "1999-12-02",
        home: PL_VALENCIA,
        facility: PL_EL_VALLE,
        detained: "2025-03-03",
        path: Path::Cecot,
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "mother",
        notes: "Hit by rubber pellets in the April reprisal (seen by P-0012).",
    },
    Victim {
        n: 20,
        name: "Ronald Rafael Aular Guédez",
        aliases: &[],
        born: "1987-03-29",
        home: PL_MARACAY,
        facility: PL_EL_VALLE,
        detained: "2025-01-27",
        path: Path::Cecot,
        after: After::HeldOnReturn,
        roles: &["victim"],
        contact: "wife",
        notes: "",
    },
    Victim {
        n: 21,
        name: "Alexander José Guédez Rondón",
        aliases: &["Alex", "el Gocho"],
        born: "1990-11-15",
        home: PL_CARACAS,
        facility: PL_EL_VALLE,
        detained: "2025-01-28",
        path: Path::StillMissing,
        after: After::None,
        roles: &["victim", "petitioner"],
        contact: "sister",
        notes: "Last call to his family from El Valle on 14 March 2025. Not among the men \
            returned on 18 July. Petitioner in the habeas case; subject of the WGEID request.",
    },
    Victim {
        n: 22,
        name: "Leonel Andrés Castillo Yépez",
        aliases: &[],
        born: "2000-05-05",
        home: PL_SAN_CRISTOBAL,
        facility: PL_EL_VALLE,
        detained: "2025-02-10",
        path: Path::NeverRemoved,
        after: After::None,
        roles: &["victim", "witness"],
        contact: "own phone",
        notes: "Taken off the bus to the airport on 15 March; paroled in May 2025. Witness to \
            the preparations for the flights.",
    },
    Victim {
        n: 23,
        name: "Héctor Manuel Rondón Silva",
        aliases: &[],
        born: "1985",
        home: PL_BARQUISIMETO,
        facility: PL_PORT_ISABEL,
        detained: "2025-02-12",
        path: Path::Cecot,
        after: After::Home("2025-07-19"),
        roles: &["victim"],
        contact: "daughter",
        notes: "",
    },
    Victim {
        n: 24,
        name: "Miguel Ángel Yépez Lugo",
        aliases: &[],
        born: "1996-09-19",
        home: PL_CARACAS,
        facility: PL_EL_PASO_SPC,
        detained: "2025-02-27",
        path: Path::ConfirmedLater("2025-05-08"),
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "mother",
        notes: "Confirmed at CECOT only through the information sent to the IACHR in May.",
    },
    Victim {
        n: 25,
        name: "Carlos Eduardo Silva Duarte",
        aliases: &[],
        born: "1993",
        home: PL_MARACAIBO,
        facility: PL_EL_VALLE,
        detained: "2025-03-05",
        path: Path::JailFirst("2025-02-24"),
        after: After::Home("2025-07-19"),
        roles: &["victim"],
        contact: "mother",
        notes: "",
    },
    Victim {
        n: 26,
        name: "Jean Carlos Lugo Sequera",
        aliases: &["Yanca"],
        born: "2001-08-14",
        home: PL_VALENCIA,
        facility: PL_PORT_ISABEL,
        detained: "2025-02-14",
        path: Path::Unacknowledged,
        after: After::Abroad(PL_CUCUTA, "2025-09"),
        roles: &["victim"],
        contact: "grandmother",
        notes: "",
    },
    Victim {
        n: 27,
        name: "Wuilliams Daniel Duarte Oropeza",
        aliases: &[],
        born: "1998-04-02",
        home: PL_MARACAY,
        facility: PL_EL_VALLE,
        detained: "2025-02-18",
        path: Path::Cecot,
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "mother",
        notes: "",
    },
    Victim {
        n: 28,
        name: "Oscar Rafael Sequera Nava",
        aliases: &[],
        born: "1984-06-11",
        home: PL_BARQUISIMETO,
        facility: PL_EL_PASO_SPC,
        detained: "2025-01-31",
        path: Path::Cecot,
        after: After::Home("2025-07-21"),
        roles: &["victim"],
        contact: "wife",
        notes: "Diabetic; went without insulin for weeks at CECOT. Under medical follow-up since \
            his return; the team is seeking a specialist's report.",
    },
    Victim {
        n: 29,
        name: "Daniel Alejandro Oropeza Tovar",
        aliases: &[],
        born: "1995-02-25",
        home: PL_SAN_CRISTOBAL,
        facility: PL_EL_VALLE,
        detained: "2025-02-22",
        path: Path::MissingFromCecot,
        after: After::None,
        roles: &["victim"],
        contact: "mother",
        notes: "Cellmates saw him taken out of the cell block in April 2025. Not among the men \
            returned on 18 July. Subject of the WGEID request.",
    },
    Victim {
        n: 30,
        name: "Angel David Nava Carrillo",
        aliases: &[],
        born: "2002-10-30",
        home: PL_CARACAS,
        facility: PL_PORT_ISABEL,
        detained: "2025-03-07",
        path: Path::Cecot,
        after: After::Home("2025-07-19"),
        roles: &["victim"],
        contact: "mother",
        notes: "",
    },
    Victim {
        n: 31,
        name: "Edgar Josué Tovar Pacheco",
        aliases: &[],
        born: "1991-01-19",
        home: PL_MARACAIBO,
        facility: PL_EL_VALLE,
        detained: "2025-02",
        path: Path::Gap,
        after: After::Home("2025-07-20"),
        roles: &["victim"],
        contact: "brother",
        notes: "",
    },
    Victim {
        n: 32,
        name: "Rafael Enrique Carrillo Uzcátegui",
        aliases: &[],
        born: "1989-07-07",
        home: PL_VALENCIA,
        facility: PL_EL_PASO_SPC,
        detained: "2025-02-08",
        path: Path::Cecot,
        after: After::Abroad(PL_BOGOTA, "2026-04"),
        roles: &["victim"],
        contact: "own phone",
        notes: "",
    },
    Victim {
        n: 33,
        name: "José Gregorio Pacheco Barrios",
        aliases: &["Goyo"],
        born: "1994-03-12",
        home: PL_MARACAY,
        facility: PL_EL_VALLE,
        detained: "2025-02-24",
        path: Path::Undocumented,
        after: After::HeldOnReturn,
        roles: &["victim"],
        contact: "mother",
        notes: "",
    },
    Victim {
        n: 34,
        name: "Yorman Eduardo Uzcátegui Rivas",
        aliases: &[],
        born: "1999",
        home: PL_BARQUISIMETO,
        facility: PL_EL_VALLE,
        detained: "2025-02",
        path: Path::Cecot,
        after: After::None,
        roles: &["victim"],
        contact: "mother",
        notes: "Class member who contacted the team recently; custody timeline not yet recorded.",
    },
];

/// Whether the man was put on a flight to El Salvador.
fn was_removed(v: &Victim) -> bool {
    !matches!(v.path, Path::StillMissing | Path::NeverRemoved)
}

/// Whether the man was at CECOT until the exchange of 18 July.
fn held_until_exchange(v: &Victim) -> bool {
    !matches!(
        v.path,
        Path::StillMissing | Path::NeverRemoved | Path::MissingFromCecot
    )
}

/// Age in whole years on `at`.
fn age_at(born: FuzzyDate, at: Date) -> u16 {
    let birth = born.earliest();
    let mut age = at.year() - birth.year();
    if (at.month() as u8, at.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    u16::try_from(age).unwrap_or(0)
}

fn victim_identifiers(v: &Victim) -> Vec<Identifier> {
    let n = v.n;
    let mut ids = vec![Identifier {
        kind: "passport".into(),
        value: format!("155{:06}", 10_000 + n * 1_237),
        country: Some("VE".into()),
    }];
    if !n.is_multiple_of(3) {
        ids.push(Identifier {
            kind: "national-id".into(),
            value: format!("V-55.{:03}.{:03}", 100 + n * 11, (n * 577) % 1000),
            country: Some("VE".into()),
        });
    }
    if !matches!(v.path, Path::Undocumented) {
        ids.push(Identifier {
            kind: "a-number".into(),
            value: format!("A-555-{:03}-{:03}", 100 + n * 7, (n * 389) % 1000),
            country: Some("US".into()),
        });
    }
    ids
}

fn persons(b: &mut Builder) {
    for v in VICTIMS {
        let born = d(v.born);
        let contact_number = if v.n.is_multiple_of(2) {
            format!("+58 412 555 01{:02}", v.n)
        } else {
            format!("+58 414 555 02{:02}", v.n)
        };
        let contact_note = if v.contact == "own phone" {
            String::new()
        } else {
            v.contact.to_owned()
        };
        b.put(
            person(v.n),
            Person {
                pseudonym: format!("P-{:04}", v.n),
                gender: "male".into(),
                nationalities: strings(&["VE"]),
                age_at_first_event: Some(age_at(born, d(v.detained).earliest())),
                roles: strings(v.roles),
                case_ids: vec![CASE_CECOT],
                notes: v.notes.into(),
                sensitive: Some(PersonSensitive {
                    full_name: v.name.into(),
                    aliases: strings(v.aliases),
                    birth_date: Some(born),
                    identifiers: victim_identifiers(v),
                    contacts: vec![Contact {
                        kind: "phone".into(),
                        value: contact_number,
                        note: contact_note,
                    }],
                    notes: "Fictional person created for the Amparo demo.".into(),
                }),
                ..Person::default()
            },
        );
    }
    for (n, p) in others() {
        b.put(person(n), p);
    }
}

/// Relatives, officials, the lawyer and the persons of the second case.
fn others() -> Vec<(u32, Person)> {
    let demo_note = "Fictional person created for the Amparo demo.";
    vec![
        (
            35,
            Person {
                pseudonym: "P-0035".into(),
                gender: "female".into(),
                nationalities: strings(&["VE"]),
                age_at_first_event: Some(56),
                roles: strings(&["family-member", "indirect-victim", "witness"]),
                case_ids: vec![CASE_CECOT],
                notes: "Mother of P-0003. Searched for him from March to July 2025; spoke on \
                    local radio in April 2025. Member of the families association."
                    .into(),
                sensitive: Some(PersonSensitive {
                    full_name: "Carmen Elena Salas Briceño".into(),
                    aliases: strings(&["la señora Carmen"]),
                    birth_date: Some(d("1968")),
                    identifiers: vec![Identifier {
                        kind: "national-id".into(),
                        value: "V-55.901.204".into(),
                        country: Some("VE".into()),
                    }],
                    contacts: vec![
                        Contact {
                            kind: "phone".into(),
                            value: "+58 412 555 0135".into(),
                            note: String::new(),
                        },
                        Contact {
                            kind: "address".into(),
                            value: "Barquisimeto, Lara — street address kept in the paper file"
                                .into(),
                            note: String::new(),
                        },
                    ],
                    notes: demo_note.into(),
                }),
                ..Person::default()
            },
        ),
        (
            36,
            Person {
                pseudonym: "P-0036".into(),
                gender: "female".into(),
                nationalities: strings(&["VE"]),
                age_at_first_event: Some(28),
                roles: strings(&["family-member", "witness"]),
                case_ids: vec![CASE_CECOT],
                notes: "Sister of P-0007. Lives in the United States; first to contact the team."
                    .into(),
                sensitive: Some(PersonSensitive {
                    full_name: "María Gabriela Salazar Chirinos".into(),
                    aliases: strings(&["Gaby"]),
                    birth_date: Some(d("1996-08-30")),
                    identifiers: Vec::new(),
                    contacts: vec![Contact {
                        kind: "phone".into(),
                        value: "+1 956 555 0136".into(),
                        note: "Her immigration case is pending: never give this number to \
                            anyone outside the team."
                            .into(),
                    }],
                    notes: demo_note.into(),
                }),
                ..Person::default()
            },
        ),
        (
            GUARD,
            Person {
                pseudonym: "P-0037".into(),
                gender: "male".into(),
                nationalities: strings(&["SV"]),
                roles: strings(&["alleged-perpetrator", "official"]),
                case_ids: vec![CASE_CECOT],
                notes: "CECOT custodian known to the detainees only by a nickname. Named by four \
                    witnesses as leading the beatings at intake and in the April reprisal."
                    .into(),
                sensitive: Some(PersonSensitive {
                    aliases: strings(&["el Chele", "Chele Grande"]),
                    notes: "Described as tall, light-skinned, about 30, with a scar on the left \
                        forearm; worked nights in the intake area and in one cell block. Real \
                        name unknown. Fictional person created for the Amparo demo."
                        .into(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        ),
        (
            ICE_ESCORT,
            Person {
                pseudonym: "P-0038".into(),
                is_group: true,
                group_size: Some(6),
                nationalities: strings(&["US"]),
                roles: strings(&["alleged-perpetrator", "official"]),
                case_ids: vec![CASE_CECOT],
                notes: "ICE Enforcement and Removal Operations officers who escorted the 15 March \
                    flight from Harlingen; names and badge numbers not yet known."
                    .into(),
                ..Person::default()
            },
        ),
        (
            MODULE_CHIEF,
            Person {
                pseudonym: "P-0039".into(),
                gender: "male".into(),
                nationalities: strings(&["SV"]),
                roles: strings(&["alleged-perpetrator", "official"]),
                case_ids: vec![CASE_CECOT],
                notes: "Officer in charge of a CECOT cell block, described by three witnesses as \
                    ordering the April reprisal."
                    .into(),
                sensitive: Some(PersonSensitive {
                    aliases: strings(&["el Jefe del Módulo"]),
                    notes: "Rank and name unknown. Fictional person created for the Amparo demo."
                        .into(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        ),
        (
            LAWYER,
            Person {
                pseudonym: "P-0040".into(),
                gender: "female".into(),
                nationalities: strings(&["US"]),
                roles: strings(&["lawyer", "human-rights-defender"]),
                case_ids: vec![CASE_CECOT, CASE_CR],
                notes: "Lead counsel for the class at Puente Legal.".into(),
                sensitive: Some(PersonSensitive {
                    full_name: "Hannah M. Okafor-Reyes".into(),
                    contacts: vec![Contact {
                        kind: "email".into(),
                        value: "h.okafor-reyes@puentelegal.example".into(),
                        note: String::new(),
                    }],
                    notes: demo_note.into(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        ),
        (
            41,
            Person {
                pseudonym: "P-0041".into(),
                gender: "male".into(),
                nationalities: strings(&["VE"]),
                age_at_first_event: Some(34),
                roles: strings(&["victim", "witness"]),
                case_ids: vec![CASE_CR],
                notes: "Removed to Costa Rica in February 2025; his partner (P-0042) and their \
                    daughter stayed in Houston."
                    .into(),
                sensitive: Some(PersonSensitive {
                    full_name: "Andrés Eloy Contreras Medina".into(),
                    birth_date: Some(d("1990-06-04")),
                    identifiers: vec![
                        Identifier {
                            kind: "passport".into(),
                            value: "155099812".into(),
                            country: Some("VE".into()),
                        },
                        Identifier {
                            kind: "a-number".into(),
                            value: "A-555-941-207".into(),
                            country: Some("US".into()),
                        },
                    ],
                    contacts: vec![Contact {
                        kind: "phone".into(),
                        value: "+506 5550 0141".into(),
                        note: "WhatsApp only".into(),
                    }],
                    notes: demo_note.into(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        ),
        (
            42,
            Person {
                pseudonym: "P-0042".into(),
                gender: "female".into(),
                nationalities: strings(&["VE"]),
                age_at_first_event: Some(29),
                roles: strings(&["family-member", "indirect-victim"]),
                case_ids: vec![CASE_CR],
                notes: "Partner of P-0041; raising their daughter alone in Houston.".into(),
                sensitive: Some(PersonSensitive {
                    full_name: "Yusmary del Carmen Lozada Pérez".into(),
                    birth_date: Some(d("1995")),
                    contacts: vec![Contact {
                        kind: "phone".into(),
                        value: "+1 713 555 0142".into(),
                        note: String::new(),
                    }],
                    notes: demo_note.into(),
                    ..PersonSensitive::default()
                }),
                ..Person::default()
            },
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Custody timelines.

/// The class member whose timeline the team has not recorded yet.
const NOT_YET_RECORDED: u32 = 34;

fn stay(
    status: &'static str,
    place_id: Option<PlaceId>,
    custodian_id: Option<OrganizationId>,
    period: DatePeriod,
    notes: &str,
) -> (&'static str, CustodyPeriod) {
    (
        status,
        CustodyPeriod {
            person_id: PersonId(Uuid::nil()),
            status: status.into(),
            place_id,
            custodian_id,
            period,
            notes: notes.into(),
        },
    )
}

fn flight_to_el_salvador() -> (&'static str, CustodyPeriod) {
    stay(
        "in-transit",
        Some(PL_HRL_AIRPORT),
        Some(ORG_ICE),
        between("2025-03-15", "2025-03-16"),
        "Removal flight from Harlingen to El Salvador, in hand, waist and leg restraints.",
    )
}

fn removed() -> (&'static str, CustodyPeriod) {
    stay(
        "removed",
        Some(PL_HRL_AIRPORT),
        Some(ORG_ICE),
        day("2025-03-15"),
        "Put on one of the flights of 15 March; no notice of where he was being taken.",
    )
}

fn at_cecot(from: &str, notes: &str) -> (&'static str, CustodyPeriod) {
    stay(
        "held-in-third-country",
        Some(PL_CECOT),
        Some(ORG_DGCP),
        between(from, "2025-07-18"),
        notes,
    )
}

/// The periods of one man's timeline, in order.
fn timeline(v: &Victim) -> Vec<(&'static str, CustodyPeriod)> {
    let mut out = Vec::new();
    let ice = |end: &str, notes: &str| {
        stay(
            "in-immigration-custody",
            Some(v.facility),
            Some(ORG_ICE),
            between(v.detained, end),
            notes,
        )
    };
    match v.path {
        Path::Cecot => {
            out.push(ice("2025-03-15", ""));
            out.push(flight_to_el_salvador());
            out.push(at_cecot("2025-03-16", ""));
        }
        Path::ConfirmedLater(confirmed) => {
            out.push(ice("2025-03-15", ""));
            out.push(removed());
            out.push(stay(
                "whereabouts-unknown",
                None,
                None,
                between("2025-03-15", confirmed),
                "The ICE detainee locator showed no result; no authority would say where he was.",
            ));
            out.push(at_cecot(
                confirmed,
                "Held since 16 March according to fellow detainees; known to the family only \
                from the date his name was confirmed.",
            ));
        }
        Path::Unacknowledged => {
            out.push(ice("2025-03-15", ""));
            out.push(removed());
            out.push(stay(
                "whereabouts-unknown",
                None,
                None,
                between("2025-03-15", "2025-07-18"),
                "No state acknowledged holding him and his name was on no published list. The \
                family learned he had been at CECOT when he called from Maiquetía on 18 July.",
            ));
        }
        Path::JailFirst(jailed) => {
            out.push(stay(
                "in-criminal-custody",
                Some(PL_HIDALGO_JAIL),
                None,
                between(jailed, v.detained),
                "Held on a local charge that was later dismissed; handed to ICE on a detainer.",
            ));
            out.push(ice("2025-03-15", ""));
            out.push(flight_to_el_salvador());
            out.push(at_cecot("2025-03-16", ""));
        }
        Path::Gap => {
            out.push(ice(
                "2025-03",
                "Exact dates not yet documented; the family last spoke to him in early March.",
            ));
            out.push(at_cecot(
                "2025-05",
                "First confirmed in May 2025 through the list sent to the IACHR. Nothing on \
                record for March and April.",
            ));
        }
        Path::Undocumented => {
            out.push(stay(
                "unknown-not-yet-documented",
                Some(PL_US),
                None,
                between("~2025-01", "2025-03-15"),
                "US custody before removal still to be documented (requested ICE records).",
            ));
            out.push(at_cecot("2025-03-16", ""));
        }
        Path::StillMissing => {
            out.push(ice(
                "2025-03-14",
                "Called his sister from the facility on 14 March: he had been told to pack.",
            ));
            out.push(stay(
                "whereabouts-unknown",
                None,
                None,
                since("2025-03-15"),
                "Not among the men returned on 18 July. The ICE locator shows no record; ICE \
                declared in the habeas case that he is not in its custody; El Salvador has never \
                acknowledged holding him.",
            ));
        }
        Path::MissingFromCecot => {
            out.push(ice("2025-03-15", ""));
            out.push(flight_to_el_salvador());
            out.push(stay(
                "held-in-third-country",
                Some(PL_CECOT),
                Some(ORG_DGCP),
                between("2025-03-16", "~2025-04"),
                "Seen by two cellmates until guards took him out of the cell block in April.",
            ));
            out.push(stay(
                "whereabouts-unknown",
                None,
                None,
                since("~2025-04"),
                "Not among the men returned on 18 July; no authority acknowledges holding him.",
            ));
        }
        Path::NeverRemoved => {
            out.push(ice("2025-03-15", ""));
            out.push(stay(
                "in-immigration-custody",
                Some(PL_PORT_ISABEL),
                Some(ORG_ICE),
                between("2025-03-15", "2025-05-09"),
                "Taken off the bus to the airport after his own lawyer obtained a temporary \
                restraining order; moved to Port Isabel.",
            ));
            out.push(stay(
                "at-liberty-in-removing-country",
                Some(PL_HOUSTON),
                None,
                since("2025-05-09"),
                "Released on humanitarian parole; reports to ICE every month.",
            ));
        }
    }
    if held_until_exchange(v) {
        out.extend(return_home(v));
    }
    out
}

/// The periods after the exchange of 18 July 2025.
fn return_home(v: &Victim) -> Vec<(&'static str, CustodyPeriod)> {
    let mut out = Vec::new();
    let landed = |until: &str| {
        stay(
            "repatriated",
            Some(PL_MAIQUETIA),
            None,
            between("2025-07-18", until),
            "Flown from El Salvador to Maiquetía in the exchange; medical checks on arrival.",
        )
    };
    match v.after {
        After::Home(home_on) => {
            out.push(landed(home_on));
            out.push(stay("released", Some(v.home), None, since(home_on), ""));
        }
        After::HeldOnReturn => {
            out.push(landed("2025-07-19"));
            out.push(stay(
                "in-home-country-custody",
                Some(PL_CARACAS),
                None,
                between("2025-07-19", "2025-07-23"),
                "Kept for interviews by Venezuelan authorities before being allowed home; no \
                charges; no lawyer present.",
            ));
            out.push(stay(
                "released",
                Some(v.home),
                None,
                since("2025-07-23"),
                "",
            ));
        }
        After::Abroad(city, left) => {
            out.push(landed("2025-07-20"));
            out.push(stay(
                "released",
                Some(v.home),
                None,
                between("2025-07-20", left),
                "",
            ));
            out.push(stay(
                "at-liberty-abroad",
                Some(city),
                None,
                since(left),
                "Left Venezuela to find work; in touch with the team by phone.",
            ));
        }
        After::Approximate => {
            out.push(stay(
                "repatriated",
                Some(PL_VE),
                None,
                since("~2025-07"),
                "A cousin says he came back with the others; not yet confirmed with him.",
            ));
        }
        After::None => {}
    }
    out
}

fn custody(b: &mut Builder) {
    for v in VICTIMS.iter().filter(|v| v.n != NOT_YET_RECORDED) {
        for (status, mut period) in timeline(v) {
            period.person_id = person(v.n);
            let id = CustodyPeriodId(b.add(K_CUSTODY, period));
            b.custody.push((v.n, status, id));
        }
    }
    // The second case: removal to Costa Rica.
    let costa_rica = [
        stay(
            "in-immigration-custody",
            Some(PL_PORT_ISABEL),
            Some(ORG_ICE),
            between("2025-01-16", "2025-02-20"),
            "Arrested at a check-in appointment in Houston.",
        ),
        stay(
            "removed",
            Some(PL_HRL_AIRPORT),
            Some(ORG_ICE),
            day("2025-02-20"),
            "Removed to Costa Rica, a country he had never been to, without a hearing on fear of \
            return.",
        ),
        stay(
            "held-in-third-country",
            Some(PL_CATEM),
            Some(ORG_DGME_CR),
            between("2025-02-20", "2025-04-24"),
            "Not free to leave; passport kept by the authorities.",
        ),
        stay(
            "at-liberty-abroad",
            Some(PL_SAN_JOSE_CR),
            None,
            since("2025-04-24"),
            "Temporary humanitarian permit in Costa Rica; separated from his partner and daughter.",
        ),
    ];
    for (status, mut period) in costa_rica {
        period.person_id = person(41);
        let id = CustodyPeriodId(b.add(K_CUSTODY, period));
        b.custody.push((41, status, id));
    }
}

// ---------------------------------------------------------------------------------------------
// Events, acts, involvements.

struct EventSpec {
    id: EventId,
    title: &'static str,
    description: &'static str,
    period: fn() -> DatePeriod,
    places: &'static [PlaceId],
    violations: &'static [&'static str],
    case_id: CaseId,
    confidentiality: Confidentiality,
}

const EVENTS: &[EventSpec] = &[
    EventSpec {
        id: EV_ARRESTS,
        title: "Arrests and detention in Texas ahead of the removals",
        description: "Between January and early March 2025 the men were arrested at work, at \
            check-in appointments or after traffic stops, and held at immigration detention \
            centres in Texas. Several were told they were suspected gang members because of \
            tattoos; none was shown the evidence or brought before a judge on that designation.",
        period: || between("2025-01", "2025-03-14"),
        places: &[PL_EL_VALLE, PL_PORT_ISABEL, PL_EL_PASO_SPC, PL_HIDALGO_JAIL],
        violations: &[
            "arbitrary-detention",
            "ethnic-or-national-profiling",
            "denial-of-notice",
        ],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Internal,
    },
    EventSpec {
        id: EV_FLIGHTS,
        title: "Removal flights from Harlingen to El Salvador",
        description: "On 15 March 2025 the men were taken by bus from detention centres to \
            Valley International Airport and put on chartered flights that landed in El \
            Salvador that night and early on 16 March. Most were told they were going to \
            Venezuela. None was given notice of the Alien Enemies Act designation or a chance to \
            ask a court to review it before the planes left.",
        period: || between("2025-03-15", "2025-03-16"),
        places: &[PL_HRL_AIRPORT, PL_SV_AIRPORT],
        violations: &[
            "removal-to-third-country",
            "collective-expulsion",
            "denial-of-due-process",
            "denial-of-judicial-review",
            "denial-of-notice",
        ],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Public,
    },
    EventSpec {
        id: EV_INTAKE,
        title: "Intake at CECOT: beatings, head shaving, forced kneeling",
        description: "On arrival the men were made to run bent over between rows of guards, \
            were struck with batons, had their heads shaved and were kept kneeling with their \
            foreheads to the floor for hours. Guards told them they would only leave dead.",
        period: || day("2025-03-16"),
        places: &[PL_CECOT],
        violations: &["torture", "ill-treatment", "threats-and-intimidation"],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Internal,
    },
    EventSpec {
        id: EV_INCOMMUNICADO,
        title: "Incommunicado detention at CECOT",
        description: "For four months the men were held in crowded cells lit day and night, \
            without mattresses, without any call or visit, and without access to a lawyer or \
            a consul. Neither El Salvador nor the United States gave families or courts a list \
            of who was held.",
        period: || between("2025-03-16", "2025-07-18"),
        places: &[PL_CECOT],
        violations: &[
            "incommunicado-detention",
            "enforced-disappearance",
            "arbitrary-detention",
            "inhumane-detention-conditions",
            "denial-of-access-to-counsel",
            "denial-of-consular-access",
        ],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Public,
    },
    EventSpec {
        id: EV_REPRISAL,
        title: "Reprisal after a protest in a cell block",
        description: "After men in one cell block refused food to demand a phone call, guards \
            entered with shields and shotguns loaded with rubber pellets, beat those they \
            identified as leaders and took several to an isolation cell the men called \
            \"la isla\".",
        period: || day("~2025-04-21"),
        places: &[PL_CECOT],
        violations: &["torture", "reprisals", "ill-treatment"],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Internal,
    },
    EventSpec {
        id: EV_MEDICAL,
        title: "Denial of medical care at CECOT",
        description: "Men with asthma, diabetes and infections asked for medicine for weeks. \
            The few examinations were done through the bars; medication was rarely given.",
        period: || between("2025-03-16", "2025-07-18"),
        places: &[PL_CECOT],
        violations: &["medical-neglect", "inhumane-detention-conditions"],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Internal,
    },
    EventSpec {
        id: EV_SEARCHES,
        title: "Sexual abuse during cell searches",
        description: "Accounts of sexual abuse by guards during night-time searches in May 2025. \
            Details are kept in the restricted testimony files.",
        period: || between("2025-05", "2025-05"),
        places: &[PL_CECOT],
        violations: &["sexual-violence", "torture"],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Restricted,
    },
    EventSpec {
        id: EV_SEARCH_FOR_FAMILIES,
        title: "Families' search met with silence",
        description: "From 15 March the families called the ICE detainee locator, consulates, \
            members of Congress and both governments. None confirmed where the men were. Some \
            found names on lists published by the press; others found nothing until July.",
        period: || between("2025-03-15", "2025-07-18"),
        places: &[PL_US, PL_SV, PL_VE],
        violations: &["enforced-disappearance", "denial-of-information"],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Internal,
    },
    EventSpec {
        id: EV_RELEASE,
        title: "Release in the exchange and repatriation to Venezuela",
        description: "On 18 July 2025 the men were taken from CECOT to the airport and flown to \
            Maiquetía as part of an exchange between the governments concerned.",
        period: || between("2025-07-18", "2025-07-19"),
        places: &[PL_SV_AIRPORT, PL_MAIQUETIA],
        violations: &[],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Public,
    },
    EventSpec {
        id: EV_STILL_MISSING,
        title: "Two men whose whereabouts remain unknown",
        description: "P-0021 was last heard from in ICE custody on 14 March 2025; P-0029 was last \
            seen at CECOT in April 2025. Neither came back in July, and no state acknowledges \
            holding them.",
        period: || since("2025-03-15"),
        places: &[PL_EL_VALLE, PL_CECOT],
        violations: &["enforced-disappearance", "failure-to-investigate"],
        case_id: CASE_CECOT,
        confidentiality: Confidentiality::Internal,
    },
    EventSpec {
        id: EV_COSTA_RICA,
        title: "Removal to Costa Rica and separation from family",
        description: "A Venezuelan father was removed to Costa Rica with people of many \
            nationalities, held at the CATEM facility near the Panamanian border, and \
            separated from his partner and their daughter in Houston.",
        period: || between("2025-02-20", "2025-04-24"),
        places: &[PL_HRL_AIRPORT, PL_CATEM],
        violations: &[
            "removal-to-third-country",
            "family-separation",
            "denial-of-access-to-asylum",
        ],
        case_id: CASE_CR,
        confidentiality: Confidentiality::Internal,
    },
];

fn events(b: &mut Builder) {
    for spec in EVENTS {
        b.put(
            spec.id,
            Event {
                title: spec.title.into(),
                description: spec.description.into(),
                period: (spec.period)(),
                place_ids: spec.places.to_vec(),
                violation_types: strings(spec.violations),
                case_ids: vec![spec.case_id],
                confidentiality: spec.confidentiality,
            },
        );
    }
}

fn new_act(event_id: EventId, victim: u32, act_type: &str, period: DatePeriod) -> Act {
    Act {
        event_id,
        victim_id: person(victim),
        act_type: act_type.into(),
        period,
        ..Act::default()
    }
}

const ICE: Perpetrator = Perpetrator::Organization(ORG_ICE);
const DHS: Perpetrator = Perpetrator::Organization(ORG_DHS);
const DGCP: Perpetrator = Perpetrator::Organization(ORG_DGCP);

fn acts(b: &mut Builder) {
    // Detention before removal.
    for v in VICTIMS {
        let id = b.act(
            Act {
                place_id: Some(v.facility),
                method: "Held by ICE without a hearing on the gang designation.".into(),
                violation_types: strings(&["arbitrary-detention"]),
                ..new_act(
                    EV_ARRESTS,
                    v.n,
                    "detention",
                    between(v.detained, "2025-03-15"),
                )
            },
            v.n,
        );
        if v.n % 4 == 1 {
            b.involve(id, ICE, "direct-perpetrator", "");
        }
    }
    for (n, jailed) in [(9, "2025-01-15"), (25, "2025-02-24")] {
        let id = b.act(
            Act {
                place_id: Some(PL_HIDALGO_JAIL),
                method: "Arrested on a local charge later dismissed; ICE detainer lodged the \
                    same day."
                    .into(),
                ..new_act(EV_ARRESTS, n, "arrest", day(jailed))
            },
            n,
        );
        b.involve(id, ICE, "complicit", "Lodged the detainer.");
    }

    // The flights: one removal act per man put on a plane.
    for v in VICTIMS.iter().filter(|v| was_removed(v)) {
        let id = b.act(
            Act {
                place_id: Some(PL_HRL_AIRPORT),
                method: "Bused to the airport before dawn and flown out in restraints, without \
                    notice of the designation or of the destination."
                    .into(),
                consequences: if held_until_exchange(v) {
                    "Four months at CECOT.".into()
                } else {
                    "Whereabouts unknown since.".into()
                },
                violation_types: strings(&[
                    "removal-to-third-country",
                    "collective-expulsion",
                    "denial-of-due-process",
                ]),
                ..new_act(EV_FLIGHTS, v.n, "removal", day("2025-03-15"))
            },
            v.n,
        );
        b.involve(id, ICE, "implemented-policy", "Ran the flights.");
        if v.n <= 3 {
            b.involve(id, DHS, "ordered", "Designations signed at headquarters.");
            b.involve(
                id,
                Perpetrator::Person(person(ICE_ESCORT)),
                "direct-perpetrator",
                "",
            );
        }
    }
    for n in [1, 7, 12] {
        let id = b.act(
            Act {
                method: "Told by escorting officers that the plane was going to Venezuela.".into(),
                violation_types: strings(&["denial-of-notice"]),
                ..new_act(
                    EV_FLIGHTS,
                    n,
                    "deception-about-destination",
                    day("2025-03-15"),
                )
            },
            n,
        );
        b.involve(
            id,
            Perpetrator::Person(person(ICE_ESCORT)),
            "direct-perpetrator",
            "",
        );
    }
    let id = b.act(
        Act {
            method: "Hand, waist and leg restraints for the whole flight (about five hours); not \
                allowed to use the toilet."
                .into(),
            consequences: "Wrist wounds.".into(),
            violation_types: strings(&["ill-treatment"]),
            ..new_act(EV_FLIGHTS, 7, "shackling", day("2025-03-15"))
        },
        7,
    );
    b.involve(
        id,
        Perpetrator::Person(person(ICE_ESCORT)),
        "direct-perpetrator",
        "",
    );

    intake_acts(b);
    cecot_acts(b);
    after_acts(b);
}

fn intake_acts(b: &mut Builder) {
    let intake = day("2025-03-16");
    let guard = Perpetrator::Person(person(GUARD));
    for (n, consequences) in [
        (1, "Bruised back and ribs for weeks."),
        (
            3,
            "Pain in the ribs; breathing difficulty worsened his asthma.",
        ),
        (5, ""),
        (7, "Cut above the eye; headaches since."),
        (12, "Broken tooth."),
        (17, ""),
        (23, ""),
    ] {
        let id = b.act(
            Act {
                method: "Struck with batons and kicked while made to run bent over between two \
                    rows of guards."
                    .into(),
                consequences: consequences.into(),
                violation_types: strings(&["torture"]),
                ..new_act(EV_INTAKE, n, "beating", intake)
            },
            n,
        );
        b.involve(id, DGCP, "implemented-policy", "");
        if matches!(n, 1 | 3 | 7) {
            b.involve(id, guard, "direct-perpetrator", "Named by the victim.");
        }
    }
    for n in [1, 2, 3, 7, 12, 13] {
        let id = b.act(
            Act {
                method: "Head shaved to the scalp with one clipper used on everyone.".into(),
                violation_types: strings(&["ill-treatment"]),
                ..new_act(EV_INTAKE, n, "forced-head-shaving", intake)
            },
            n,
        );
        b.involve(id, DGCP, "implemented-policy", "");
    }
    for n in [3, 7, 12] {
        let id = b.act(
            Act {
                method: "Kneeling with the forehead on the floor and hands on the head for \
                    several hours."
                    .into(),
                violation_types: strings(&["torture"]),
                ..new_act(EV_INTAKE, n, "stress-positions", intake)
            },
            n,
        );
        b.involve(id, DGCP, "implemented-policy", "");
    }
    for n in [7, 12] {
        let id = b.act(
            Act {
                method: "Stripped and searched in front of other detainees and guards who \
                    mocked them."
                    .into(),
                violation_types: strings(&["ill-treatment"]),
                ..new_act(EV_INTAKE, n, "humiliating-strip-search", intake)
            },
            n,
        );
        b.involve(id, DGCP, "implemented-policy", "");
    }
    let id = b.act(
        Act {
            method: "Told that he would leave CECOT only in a coffin.".into(),
            violation_types: strings(&["threats-and-intimidation"]),
            ..new_act(EV_INTAKE, 1, "threats", intake)
        },
        1,
    );
    b.involve(id, guard, "direct-perpetrator", "");
}

fn cecot_acts(b: &mut Builder) {
    // Four months without a call: every man known to have been at CECOT.
    for v in VICTIMS.iter().filter(|v| was_removed(v)) {
        let end = if held_until_exchange(v) {
            "2025-07-18"
        } else {
            "~2025-04"
        };
        let id = b.act(
            Act {
                place_id: Some(PL_CECOT),
                method: "No call, letter or visit; no lawyer or consul admitted.".into(),
                violation_types: strings(&["incommunicado-detention", "enforced-disappearance"]),
                ..new_act(
                    EV_INCOMMUNICADO,
                    v.n,
                    "denial-of-communication",
                    between("2025-03-16", end),
                )
            },
            v.n,
        );
        b.involve(id, DGCP, "implemented-policy", "");
        if v.n.is_multiple_of(5) {
            b.involve(
                id,
                ICE,
                "complicit",
                "Declared in court that the men were outside its custody while the US paid \
                for their detention.",
            );
        }
    }
    let guard = Perpetrator::Person(person(GUARD));
    let chief = Perpetrator::Person(person(MODULE_CHIEF));
    let reprisal = day("~2025-04-21");
    for n in [5, 12, 19, 27] {
        let id = b.act(
            Act {
                method: "Beaten with batons and shields in the cell and the corridor.".into(),
                violation_types: strings(&["torture", "reprisals"]),
                ..new_act(EV_REPRISAL, n, "beating", reprisal)
            },
            n,
        );
        b.involve(id, guard, "direct-perpetrator", "");
        b.involve(
            id,
            chief,
            "ordered",
            "Seen giving the order at the cell door.",
        );
    }
    for n in [12, 19] {
        let id = b.act(
            Act {
                method: "Rubber pellets fired into the cell at close range.".into(),
                consequences: "Wounds on the legs and back.".into(),
                violation_types: strings(&["torture"]),
                ..new_act(EV_REPRISAL, n, "use-of-less-lethal-weapons", reprisal)
            },
            n,
        );
        b.involve(id, DGCP, "direct-perpetrator", "Riot squad of the prison.");
    }
    let id = b.act(
        Act {
            method: "Eight days alone in a dark cell without a mattress (\"la isla\").".into(),
            consequences: "Panic attacks since.".into(),
            violation_types: strings(&["torture"]),
            ..new_act(
                EV_REPRISAL,
                12,
                "solitary-confinement",
                between("~2025-04-21", "~2025-04-29"),
            )
        },
        12,
    );
    b.involve(id, chief, "ordered", "");
    for (n, method, consequences) in [
        (
            3,
            "Asked for his inhaler for weeks; none given.",
            "Repeated asthma attacks.",
        ),
        (
            15,
            "Skin infection left untreated.",
            "Scarring on the arms and legs.",
        ),
        (
            28,
            "Insulin withheld for weeks.",
            "Weight loss and eyesight problems; under treatment since his return.",
        ),
    ] {
        let id = b.act(
            Act {
                place_id: Some(PL_CECOT),
                method: method.into(),
                consequences: consequences.into(),
                violation_types: strings(&["medical-neglect"]),
                ..new_act(
                    EV_MEDICAL,
                    n,
                    "denial-of-medical-care",
                    between("2025-03-16", "2025-07-18"),
                )
            },
            n,
        );
        b.involve(id, DGCP, "direct-perpetrator", "");
    }
    let id = b.act(
        Act {
            method: "Recorded in the restricted testimony file.".into(),
            violation_types: strings(&["sexual-violence"]),
            ..new_act(
                EV_SEARCHES,
                17,
                "sexual-assault",
                between("2025-05", "2025-05"),
            )
        },
        17,
    );
    b.involve(id, DGCP, "failed-to-investigate", "");
}

fn after_acts(b: &mut Builder) {
    // Families asked; nobody would say.
    for v in VICTIMS
        .iter()
        .filter(|v| matches!(v.path, Path::Unacknowledged | Path::ConfirmedLater(_)))
    {
        let id = b.act(
            Act {
                method: "Family's inquiries to ICE, consulates and the Salvadoran authorities \
                    went unanswered."
                    .into(),
                violation_types: strings(&["enforced-disappearance", "denial-of-information"]),
                ..new_act(
                    EV_SEARCH_FOR_FAMILIES,
                    v.n,
                    "refusal-to-acknowledge-detention",
                    between("2025-03-15", "2025-07-18"),
                )
            },
            v.n,
        );
        b.involve(id, DGCP, "concealed", "");
        b.involve(id, ICE, "concealed", "");
    }
    for (n, from) in [(21, "2025-03-15"), (29, "~2025-04")] {
        let id = b.act(
            Act {
                method: "No state acknowledges holding him or says what happened to him.".into(),
                violation_types: strings(&["enforced-disappearance"]),
                ..new_act(
                    EV_STILL_MISSING,
                    n,
                    "concealment-of-whereabouts",
                    since(from),
                )
            },
            n,
        );
        b.involve(id, ICE, "concealed", "");
        b.involve(id, DGCP, "unknown", "");
    }
    for n in [1, 2, 3, 7, 12] {
        b.act(
            Act {
                place_id: Some(PL_SV_AIRPORT),
                ..new_act(EV_RELEASE, n, "release", day("2025-07-18"))
            },
            n,
        );
        b.act(
            Act {
                place_id: Some(PL_MAIQUETIA),
                ..new_act(EV_RELEASE, n, "repatriation", day("2025-07-18"))
            },
            n,
        );
    }
    // The second case.
    let id = b.act(
        Act {
            place_id: Some(PL_HRL_AIRPORT),
            method: "Removed to Costa Rica without a fear screening, although he had told \
                officers he feared return to Venezuela."
                .into(),
            violation_types: strings(&["removal-to-third-country", "denial-of-access-to-asylum"]),
            ..new_act(EV_COSTA_RICA, 41, "removal", day("2025-02-20"))
        },
        41,
    );
    b.involve(id, ICE, "implemented-policy", "");
    for n in [41, 42] {
        let id = b.act(
            Act {
                violation_types: strings(&["family-separation"]),
                ..new_act(
                    EV_COSTA_RICA,
                    n,
                    "separation-from-family",
                    since("2025-02-20"),
                )
            },
            n,
        );
        b.involve(id, ICE, "direct-perpetrator", "");
    }
}

// ---------------------------------------------------------------------------------------------
// Testimonies (fictional accounts written for the demo).

const TESTIMONY_P0003: &str = "\
Me detuvieron el 30 de enero en una parada de autobús, cuando iba al trabajo. Los agentes me \
pidieron que me quitara la camisa y me preguntaron por los tatuajes: tengo una rosa en el brazo \
y el nombre de mi hija en el pecho. Me dijeron que eso era de una banda y que me iban a \
deportar. Nunca vi a un juez ni me dejaron explicar nada.

El 15 de marzo nos despertaron a las cuatro de la mañana en Port Isabel. Nos pusieron cadenas en \
las manos, la cintura y los pies. Un oficial nos dijo que íbamos para Venezuela. Cuando el avión \
aterrizó vi soldados con la cara tapada y entendí que no era mi país.

En la entrada de la cárcel nos hicieron correr agachados entre dos filas de custodios. A mí me \
dieron con una macana en las costillas porque levanté la mirada. Después nos tuvieron de rodillas, \
con la frente en el piso, no sé cuántas horas. Nos raparon con la misma máquina a todos. Un \
custodio al que le decían el Chele gritaba que de ahí solo íbamos a salir muertos.

Soy asmático. Pedí mi inhalador muchas veces y nunca me lo dieron. Dormíamos sobre el metal, con \
la luz prendida de día y de noche, unos setenta u ochenta hombres en la misma celda.

Mi mamá no supo nada de mí hasta que vio mi nombre en una lista que salió en las noticias. Yo no \
pude llamarla en cuatro meses. Le pido a la abogada que esto quede solo con ustedes por ahora; \
tengo miedo por mi familia.";

const TESTIMONY_P0007: &str = "\
Estuve en El Valle desde el 7 de febrero. El 14 de marzo en la noche nos llamaron por lista y nos \
dijeron que recogiéramos todo porque al día siguiente nos devolvían a Venezuela. Yo me alegré, \
pensé que por fin iba a ver a mi hija.

En el avión íbamos encadenados de manos, cintura y pies. No nos dejaban ir al baño; algunos \
compañeros se orinaron encima. Las esposas me abrieron la piel de las muñecas. Nadie nos dijo a \
dónde íbamos hasta que vimos los uniformes en la pista.

Al llegar nos bajaron a empujones. Nos hicieron correr agachados y nos pegaban con palos y \
patadas. A mí me abrieron la ceja. Nos desnudaron a todos en un pasillo, delante de los guardias, \
que se reían y nos grababan con un teléfono. Nos raparon y nos dejaron de rodillas, con las manos \
en la cabeza, hasta que ya no sentía las piernas.

En cuatro meses no hablé con nadie de afuera. No sabíamos qué día era. Cuando preguntábamos por un \
abogado nos decían que allí no existían los abogados.

El 18 de julio nos sacaron y nos montaron en un avión. En Maiquetía nos tuvieron cuatro días más en \
un sitio del gobierno, haciéndonos preguntas, antes de dejarnos ir con nuestras familias.

Autorizo que esta declaración se use en los tribunales de los Estados Unidos y ante la Comisión \
Interamericana, y que la conozcan los abogados que llevan el caso.";

const TESTIMONY_P0007_EN: &str = "\
[Translation from Spanish by the Puente Legal team; the Spanish original governs.]

I was at El Valle from 7 February. On the night of 14 March they called us by list and told us to \
pack everything because the next day we were being sent back to Venezuela. I was happy; I thought \
I would finally see my daughter.

On the plane we were chained at the hands, waist and feet. They would not let us use the toilet; \
some of the men wet themselves. The cuffs cut the skin on my wrists. Nobody told us where we were \
going until we saw the uniforms on the runway.

When we arrived they pushed us off the plane. They made us run bent over and hit us with sticks \
and kicked us. They split my eyebrow open. They stripped all of us in a corridor in front of the \
guards, who laughed and filmed us with a phone. They shaved our heads and left us kneeling with our \
hands on our heads until I could no longer feel my legs.

In four months I did not speak to anyone outside. We did not know what day it was. When we asked \
for a lawyer they told us that lawyers did not exist in there.

On 18 July they took us out and put us on a plane. At Maiquetía they kept us four more days at a \
government facility, asking us questions, before letting us go to our families.

I authorize the use of this statement in the courts of the United States and before the \
Inter-American Commission, and its disclosure to the lawyers handling the case.";

const TESTIMONY_P0012: &str = "\
En abril, en nuestro módulo decidimos no recibir la comida para exigir una llamada a nuestras \
familias. Éramos unos veinte. Al segundo día entraron los custodios con escudos y escopetas. \
Dispararon perdigones de goma dentro de la celda, casi a quemarropa. A Johan le dieron en las \
piernas; a Ender lo sacaron al pasillo y entre varios le pegaron hasta que dejó de moverse.

Yo era el que hablaba por el grupo, por eso me señalaron. El que mandaba el módulo dijo: ese es el \
profesor, llévenselo. Me pegaron con los escudos y me rompieron un diente. Después me metieron en \
la celda que llamaban la isla: oscura, sin colchón, con un hueco en el piso. Estuve ocho días. No \
sabía si era de día o de noche. Todavía me despierto sin aire.

Lo cuento para que se sepa lo que pasa allí adentro. Acepto que se publique sin mi nombre, sin mi \
cara y sin detalles que permitan reconocerme o encontrar a mi familia.";

const TESTIMONY_P0035: &str = "\
El 15 de marzo mi hijo no llamó, y él llamaba todos los domingos. El lunes busqué su número en la \
página de ICE y decía que no estaba bajo custodia. Llamé al centro de Port Isabel y me dijeron que \
ya no estaba allí y que no podían darme más información.

Escribí al consulado, a la Defensoría, a un periodista de Miami. Nadie sabía nada. Una vecina me \
dijo que habían salido aviones a El Salvador y que en las noticias estaban pasando una lista. La \
busqué en el teléfono y encontré su nombre, mal escrito. Nadie del gobierno de aquí ni de allá me \
ha confirmado que está en esa cárcel.

No duermo. Cada vez que sale en la televisión un video de presos rapados busco su cara. Quiero que \
los abogados sepan esto y lo usen para encontrarlo, pero no quiero que salga mi nombre en ningún \
lado.";

const TESTIMONY_P0041: &str = "\
Me agarraron en la cita de reporte en Houston, en enero. Le dije al oficial que tenía miedo de \
volver a Venezuela y me respondió que no me preocupara, que no me iban a mandar para allá. El 20 de \
febrero me subieron a un avión con gente de muchos países. Aterrizamos en Costa Rica.

Nos llevaron en autobús hasta un centro cerca de la frontera con Panamá. No podíamos salir. Nos \
quitaron los pasaportes. Nadie nos explicó cuánto tiempo íbamos a estar ni qué iba a pasar con \
nosotros. Había niños durmiendo en el piso.

Mi pareja se quedó en Houston con nuestra hija de cuatro años. La niña pregunta todos los días por \
mí. Autorizo que mis abogados usen esta declaración en el proceso de inmigración y ante cualquier \
tribunal.";

struct TestimonySpec {
    id: TestimonyId,
    giver: u32,
    given_on: &'static str,
    taken_by: &'static str,
    language: &'static str,
    consent: &'static [&'static str],
    translation_of: Option<TestimonyId>,
    case_id: CaseId,
    text: &'static str,
    location: &'static str,
}

const TESTIMONIES: &[TestimonySpec] = &[
    TestimonySpec {
        id: T_P0035,
        giver: 35,
        given_on: "2025-04-02",
        taken_by: "Documenter, Asociación de Familias Puerta de Regreso",
        language: "es",
        consent: &["internal-use", "share-with-counsel"],
        translation_of: None,
        case_id: CASE_CECOT,
        text: TESTIMONY_P0035,
        location: "Barquisimeto, at her home",
    },
    TestimonySpec {
        id: T_P0041,
        giver: 41,
        given_on: "2025-05-15",
        taken_by: "Puente Legal attorney (video call)",
        language: "es",
        consent: &["internal-use", "share-with-counsel", "file-in-court"],
        translation_of: None,
        case_id: CASE_CR,
        text: TESTIMONY_P0041,
        location: "Remote: he was in San José, Costa Rica",
    },
    TestimonySpec {
        id: T_P0003,
        giver: 3,
        given_on: "2025-08-14",
        taken_by: "Puente Legal attorney (video call)",
        language: "es",
        consent: &["internal-use"],
        translation_of: None,
        case_id: CASE_CECOT,
        text: TESTIMONY_P0003,
        location: "Remote: he was at his family's home in Barquisimeto",
    },
    TestimonySpec {
        id: T_P0007,
        giver: 7,
        given_on: "2025-09-23",
        taken_by: "Puente Legal legal team, in person",
        language: "es",
        consent: &["internal-use", "share-with-counsel", "file-in-court"],
        translation_of: None,
        case_id: CASE_CECOT,
        text: TESTIMONY_P0007,
        location: "Valencia, Venezuela, in a borrowed office",
    },
    TestimonySpec {
        id: T_P0007_EN,
        giver: 7,
        given_on: "2025-09-23",
        taken_by: "Translated by the Puente Legal team",
        language: "en",
        consent: &["internal-use", "share-with-counsel", "file-in-court"],
        translation_of: Some(T_P0007),
        case_id: CASE_CECOT,
        text: TESTIMONY_P0007_EN,
        location: "Valencia, Venezuela, in a borrowed office",
    },
    TestimonySpec {
        id: T_P0012,
        giver: 12,
        given_on: "2025-10-30",
        taken_by: "Documenter, Asociación de Familias Puerta de Regreso (video call)",
        language: "es",
        consent: &["internal-use", "share-with-counsel", "publish-anonymized"],
        translation_of: None,
        case_id: CASE_CECOT,
        text: TESTIMONY_P0012,
        location: "Remote: he was in Valencia",
    },
];

fn testimonies(b: &mut Builder) {
    for spec in TESTIMONIES {
        b.put(
            spec.id,
            Testimony {
                giver_id: person(spec.giver),
                given_on: d(spec.given_on),
                taken_by: spec.taken_by.into(),
                language: spec.language.into(),
                consent: strings(spec.consent),
                translation_of: spec.translation_of,
                case_ids: vec![spec.case_id],
                sensitive: Some(TestimonySensitive {
                    text: spec.text.into(),
                    location: spec.location.into(),
                }),
            },
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Information: which source supports which claim.

const fn src(
    kind: &'static str,
    reliability: &'static str,
    language: &'static str,
    locator: &'static str,
) -> Source {
    Source {
        kind,
        reliability,
        language,
        locator,
    }
}

fn information(b: &mut Builder) {
    use ClaimRef::{Act as A, CustodyPeriod as C, Event as E, Person as P};
    use SourceRef::{Capture as Cap, Testimony as Tes};

    // Testimonies.
    let t3 = src("direct-testimony", "high", "es", "");
    for act_type in ["beating", "forced-head-shaving", "stress-positions"] {
        let act = b.act_of(EV_INTAKE, 3, act_type);
        b.info(
            Tes(T_P0003),
            A(act),
            src("direct-testimony", "high", "es", "paragraph 3"),
        );
    }
    let act = b.act_of(EV_MEDICAL, 3, "denial-of-medical-care");
    b.info(
        Tes(T_P0003),
        A(act),
        src("direct-testimony", "high", "es", "paragraph 4"),
    );
    let period = b.custody_of(3, "held-in-third-country");
    b.info(Tes(T_P0003), C(period), t3);
    for (event, act_type, locator) in [
        (EV_FLIGHTS, "deception-about-destination", "paragraph 1"),
        (EV_FLIGHTS, "shackling", "paragraph 2"),
        (EV_INTAKE, "beating", "paragraph 3"),
        (EV_INTAKE, "humiliating-strip-search", "paragraph 3"),
        (EV_INTAKE, "forced-head-shaving", "paragraph 3"),
        (EV_INTAKE, "stress-positions", "paragraph 3"),
    ] {
        let act = b.act_of(event, 7, act_type);
        b.info(
            Tes(T_P0007),
            A(act),
            src("direct-testimony", "high", "es", locator),
        );
    }
    let period = b.custody_of(7, "in-home-country-custody");
    b.info(
        Tes(T_P0007),
        C(period),
        src("direct-testimony", "high", "es", "paragraph 5"),
    );
    let act = b.act_of(EV_INTAKE, 7, "beating");
    b.info(
        Tes(T_P0007_EN),
        A(act),
        src(
            "direct-testimony",
            "high",
            "en",
            "paragraph 3 (translation)",
        ),
    );
    for (n, act_type, reliability) in [
        (12, "beating", "high"),
        (12, "use-of-less-lethal-weapons", "high"),
        (12, "solitary-confinement", "high"),
        (5, "beating", "medium"),
        (19, "use-of-less-lethal-weapons", "medium"),
    ] {
        let act = b.act_of(EV_REPRISAL, n, act_type);
        b.info(
            Tes(T_P0012),
            A(act),
            src("direct-testimony", reliability, "es", "paragraphs 1–2"),
        );
    }
    b.info(
        Tes(T_P0035),
        E(EV_SEARCH_FOR_FAMILIES),
        src("direct-testimony", "high", "es", "paragraphs 1–2"),
    );
    let period = b.custody_of(3, "whereabouts-unknown");
    b.info(
        Tes(T_P0035),
        C(period),
        src("indirect-testimony", "medium", "es", "paragraph 2"),
    );
    let act = b.act_of(EV_COSTA_RICA, 41, "removal");
    b.info(
        Tes(T_P0041),
        A(act),
        src("direct-testimony", "high", "es", "paragraph 1"),
    );
    let period = b.custody_of(41, "held-in-third-country");
    b.info(
        Tes(T_P0041),
        C(period),
        src("direct-testimony", "high", "es", "paragraph 2"),
    );

    // Captured files.
    b.info(
        Cap(CAP_FLIGHTS_NEWS),
        E(EV_FLIGHTS),
        src("news-article", "high", "en", "paragraphs 1–2"),
    );
    for n in [3, 18] {
        let period = b.custody_of(n, "held-in-third-country");
        b.info(
            Cap(CAP_FLIGHTS_NEWS),
            C(period),
            src(
                "news-article",
                "medium",
                "en",
                "paragraph 3: published list of names",
            ),
        );
    }
    let period = b.custody_of(21, "in-immigration-custody");
    b.info(
        Cap(CAP_FLIGHTS_NEWS),
        C(period),
        src(
            "news-article",
            "medium",
            "en",
            "paragraph 4: sister's account",
        ),
    );
    b.info(
        Cap(CAP_RADIO),
        E(EV_SEARCH_FOR_FAMILIES),
        src("broadcast", "medium", "es", "whole transcript"),
    );
    for n in [3, 4] {
        let period = b.custody_of(n, "whereabouts-unknown");
        b.info(
            Cap(CAP_RADIO),
            C(period),
            src("broadcast", "medium", "es", "mothers' interventions"),
        );
    }
    b.info(
        Cap(CAP_RADIO),
        P(person(35)),
        src("broadcast", "high", "es", ""),
    );
    b.info(
        Cap(CAP_CIDH_NEWS),
        E(EV_INCOMMUNICADO),
        src("news-article", "medium", "es", "paragraphs 1–3"),
    );
    let period = b.custody_of(24, "held-in-third-country");
    b.info(
        Cap(CAP_CIDH_NEWS),
        C(period),
        src("news-article", "medium", "es", "paragraph 3"),
    );
    b.info(
        Cap(CAP_RELEASE_NEWS),
        E(EV_RELEASE),
        src(
            "news-article",
            "confirmed-by-multiple-sources",
            "en",
            "paragraphs 1–2",
        ),
    );
    b.info(
        Cap(CAP_RELEASE_NEWS),
        E(EV_INTAKE),
        src(
            "news-article",
            "medium",
            "en",
            "paragraph 4: unverified accounts",
        ),
    );
    for event in [EV_INTAKE, EV_INCOMMUNICADO, EV_MEDICAL] {
        b.info(
            Cap(CAP_COMMUNIQUE),
            E(event),
            src("ngo-report", "medium", "es", "paragraph 3"),
        );
    }
    for act_type in ["beating", "solitary-confinement"] {
        let act = b.act_of(EV_REPRISAL, 12, act_type);
        b.info(
            Cap(CAP_LETTER),
            A(act),
            src("letter-or-message", "high", "es", "page 1"),
        );
    }
    for event in [EV_FLIGHTS, EV_INCOMMUNICADO] {
        b.info(
            Cap(CAP_OPINION_SUMMARY),
            E(event),
            src("court-decision", "high", "en", "Holding"),
        );
    }
    b.info(
        Cap(CAP_CR_STATEMENT),
        E(EV_COSTA_RICA),
        src("ngo-report", "high", "en", "paragraphs 1–3"),
    );
}

// ---------------------------------------------------------------------------------------------
// Proceedings, docket entries, hearings, deadlines.

fn proceedings(b: &mut Builder) {
    let people = |ns: &[u32]| ns.iter().map(|n| person(*n)).collect::<Vec<_>>();
    b.put(
        PR_CLASS,
        Proceeding {
            case_id: CASE_CECOT,
            kind: "class-action".into(),
            title: "R.M.P. et al. v. Secretary of Homeland Security".into(),
            forum: "U.S. District Court for the District of Columbia".into(),
            forum_id: Some(ORG_DDC),
            docket_number: "1:25-cv-00917".into(),
            filed_on: Some(d("2025-03-20")),
            status: ProceedingStatus::Pending,
            person_ids: people(&[10, 3, 7, 12, 1, 2, 4, 5, 11, 13, 17, 23, 24, 26]),
            parent_id: None,
            notes: "Class: Venezuelan nationals removed to El Salvador under the Alien Enemies \
                Act proclamation on 15–16 March 2025. Remedy phase after the Memorandum Opinion \
                of 22 December 2025; respondents have appealed."
                .into(),
        },
    );
    b.put(
        PR_HABEAS,
        Proceeding {
            case_id: CASE_CECOT,
            kind: "habeas-corpus".into(),
            title: "A.J.G.R. v. Secretary of Homeland Security".into(),
            forum: "U.S. District Court for the District of Columbia".into(),
            forum_id: Some(ORG_DDC),
            docket_number: "1:25-cv-01032".into(),
            filed_on: Some(d("2025-04-02")),
            status: ProceedingStatus::Pending,
            person_ids: people(&[21]),
            parent_id: None,
            notes: "Seeks an order requiring the respondents to disclose where P-0021 is, who \
                holds him, and to bring him before the court."
                .into(),
        },
    );
    b.put(
        PR_IACHR,
        Proceeding {
            case_id: CASE_CECOT,
            kind: "iachr-precautionary-measures".into(),
            title: "Venezuelan nationals held at CECOT — request for precautionary measures".into(),
            forum: "Inter-American Commission on Human Rights".into(),
            forum_id: Some(ORG_IACHR),
            docket_number: "MC-412-25".into(),
            filed_on: Some(d("2025-04-10")),
            status: ProceedingStatus::Pending,
            person_ids: people(&[3, 4, 8, 16, 21, 24, 26, 29]),
            parent_id: None,
            notes: "Filed jointly with the families association. Follow-up now centres on the two \
                men still missing."
                .into(),
        },
    );
    b.put(
        PR_WGEID,
        Proceeding {
            case_id: CASE_CECOT,
            kind: "un-wgeid-communication".into(),
            title: "Urgent action request — P-0021 and P-0029".into(),
            forum: "UN Working Group on Enforced or Involuntary Disappearances".into(),
            forum_id: Some(ORG_WGEID),
            docket_number: "UA-2025-0388".into(),
            filed_on: Some(d("2025-06-03")),
            status: ProceedingStatus::Pending,
            person_ids: people(&[21, 29]),
            parent_id: None,
            notes: "Transmitted to the United States and El Salvador; no substantive reply yet."
                .into(),
        },
    );
    b.put(
        PR_REOPEN,
        Proceeding {
            case_id: CASE_CR,
            kind: "motion-to-reopen".into(),
            title: "Matter of A.E.C.M. — motion to reopen".into(),
            forum: "Port Isabel Immigration Court".into(),
            forum_id: Some(ORG_EOIR),
            docket_number: String::new(),
            filed_on: Some(d("2025-06-10")),
            status: ProceedingStatus::Pending,
            person_ids: people(&[41]),
            parent_id: None,
            notes: "Argues he was removed to a third country without notice or a fear screening."
                .into(),
        },
    );
}

struct DocketSpec {
    proceeding: ProceedingId,
    number: Option<u32>,
    filed_on: FuzzyDate,
    kind: &'static str,
    title: &'static str,
    summary: &'static str,
    capture: Option<CaptureId>,
}

fn docket_entries(b: &mut Builder, today: Date) {
    let entry = |proceeding, number, filed_on: &str, kind, title, summary| DocketSpec {
        proceeding,
        number,
        filed_on: d(filed_on),
        kind,
        title,
        summary,
        capture: None,
    };
    let entries = [
        entry(
            PR_CLASS,
            Some(1),
            "2025-03-20",
            "complaint",
            "Class Action Complaint and Petition for Writ of Habeas Corpus",
            "Filed for five named petitioners on behalf of all men removed under the \
            proclamation.",
        ),
        entry(
            PR_CLASS,
            Some(6),
            "2025-03-21",
            "motion",
            "Emergency Motion for Temporary Restraining Order and for Disclosure of Class \
            Members' Location",
            "",
        ),
        entry(
            PR_CLASS,
            Some(14),
            "2025-03-22",
            "order",
            "Order granting in part the emergency motion",
            "Bars further removals of class members under the proclamation; respondents to \
            file a declaration on custody within seven days.",
        ),
        entry(
            PR_CLASS,
            Some(22),
            "2025-03-29",
            "declaration",
            "Declaration of ICE field office official",
            "States that the removed men \"are not in United States custody\" and that the \
            government cannot say where each is held.",
        ),
        entry(
            PR_CLASS,
            Some(58),
            "2025-05-30",
            "motion",
            "Motion for Class Certification",
            "",
        ),
        entry(
            PR_CLASS,
            Some(97),
            "2025-08-26",
            "status-report",
            "Joint Status Report following the releases of 18 July 2025",
            "Parties agree most class members are in Venezuela; petitioners identify two men \
            unaccounted for.",
        ),
        DocketSpec {
            capture: Some(CAP_OPINION_SUMMARY),
            ..entry(
                PR_CLASS,
                Some(131),
                "2025-12-22",
                "opinion",
                "Memorandum Opinion granting class-wide relief",
                "Holds that the class was denied due process. The capture is the team's working \
                summary; the opinion itself is kept in the court's record.",
            )
        },
        entry(
            PR_CLASS,
            Some(132),
            "2025-12-22",
            "order",
            "Order implementing the Memorandum Opinion",
            "Respondents to propose within 30 days how class members may contest their \
            designation and removal; status reports every 45 days.",
        ),
        entry(
            PR_CLASS,
            Some(138),
            "2026-01-20",
            "status-report",
            "Respondents' Proposed Process for Class Members",
            "Proposes remote participation from consulates of third countries only. \
            Petitioners object.",
        ),
        entry(
            PR_CLASS,
            Some(140),
            "2026-01-21",
            "notice-of-appeal",
            "Respondents' Notice of Appeal to the D.C. Circuit",
            "",
        ),
        entry(
            PR_HABEAS,
            Some(1),
            "2025-04-02",
            "complaint",
            "Petition for Writ of Habeas Corpus",
            "",
        ),
        entry(
            PR_HABEAS,
            Some(9),
            "2025-04-18",
            "answer",
            "Respondents' Return",
            "States that petitioner has not been in ICE custody since 15 March 2025 and gives no \
            further information.",
        ),
        entry(
            PR_HABEAS,
            Some(12),
            "2025-04-25",
            "order",
            "Order to Show Cause",
            "",
        ),
        entry(
            PR_IACHR,
            None,
            "2025-04-10",
            "complaint",
            "Request for precautionary measures",
            "",
        ),
        entry(
            PR_IACHR,
            None,
            "2025-05-09",
            "exhibit",
            "Supplementary information: list of men identified by their families",
            "Restricted annex with names; shared with the Commission only.",
        ),
        entry(
            PR_IACHR,
            None,
            "2025-06-10",
            "notice",
            "Commission's request for information to the States",
            "",
        ),
        entry(
            PR_WGEID,
            None,
            "2025-06-03",
            "complaint",
            "Urgent action request submitted",
            "",
        ),
        entry(
            PR_REOPEN,
            None,
            "2025-06-10",
            "motion",
            "Motion to Reopen and Rescind Removal Order",
            "",
        ),
    ];
    for spec in entries {
        b.add(
            K_DOCKET,
            DocketEntry {
                proceeding_id: Some(spec.proceeding),
                number: spec.number,
                filed_on: spec.filed_on,
                kind: spec.kind.into(),
                title: spec.title.into(),
                summary: spec.summary.into(),
                capture_id: spec.capture,
            },
        );
    }
    // Recent entries, placed relative to today.
    let recent = [
        (
            Some(171),
            -16,
            "minute-entry",
            "Minute Entry for status conference",
            "Court asked both sides for a joint plan for remote testimony.",
        ),
        (
            Some(174),
            -10,
            "motion",
            "Respondents' Renewed Motion to Stay the Remedial Order Pending Appeal",
            "",
        ),
        (
            Some(176),
            -3,
            "notice",
            "Notice of appearance of additional counsel for petitioners",
            "",
        ),
    ];
    for (number, days, kind, title, summary) in recent {
        b.add(
            K_DOCKET,
            DocketEntry {
                proceeding_id: Some(PR_CLASS),
                number,
                filed_on: FuzzyDate::from_date(days_from(today, days)),
                kind: kind.into(),
                title: title.into(),
                summary: summary.into(),
                capture_id: None,
            },
        );
    }
}

const COURTROOM: &str = "Courtroom 18, E. Barrett Prettyman U.S. Courthouse, Washington, DC";

fn hearings(b: &mut Builder, today: Date) {
    let hearing = |proceeding: ProceedingId, kind: &str, starts_at: OffsetDateTime| Hearing {
        proceeding_id: Some(proceeding),
        kind: kind.into(),
        starts_at,
        location: COURTROOM.into(),
        remote: false,
        participant_ids: Vec::new(),
        status: HearingStatus::Scheduled,
        outcome: String::new(),
    };
    let held = |h: Hearing, outcome: &str| Hearing {
        status: HearingStatus::Held,
        outcome: outcome.into(),
        ..h
    };
    let list = [
        held(
            hearing(
                PR_CLASS,
                "emergency-hearing",
                in_washington(date_of("2025-03-22"), 11, 0),
            ),
            "TRO granted in part from the bench; written order entered the same day (Dkt. 14).",
        ),
        held(
            hearing(
                PR_HABEAS,
                "show-cause-hearing",
                in_washington(date_of("2025-05-06"), 14, 0),
            ),
            "Government's declarant said petitioner is not in US custody and could not say \
            where he is. Court ordered a sworn account of his transfer.",
        ),
        held(
            hearing(
                PR_CLASS,
                "motion-hearing",
                in_washington(date_of("2025-10-14"), 10, 0),
            ),
            "Argument on class certification and remedy; taken under advisement.",
        ),
        Hearing {
            location: "Remote (IACHR videoconference platform)".into(),
            remote: true,
            participant_ids: vec![person(35), person(LAWYER)],
            ..held(
                hearing(
                    PR_IACHR,
                    "iachr-working-meeting",
                    in_washington(date_of("2025-11-12"), 9, 0),
                ),
                "Commission asked both States for updated information on the two missing men \
                within 30 days.",
            )
        },
        held(
            hearing(
                PR_CLASS,
                "status-conference",
                in_washington(date_of("2026-02-10"), 11, 0),
            ),
            "Schedule for the remedy phase set; court declined to pause pending appeal.",
        ),
        Hearing {
            status: HearingStatus::Postponed,
            outcome: "Moved at respondents' request; new date to be set.".into(),
            ..hearing(
                PR_HABEAS,
                "status-conference",
                in_washington(date_of("2026-03-03"), 14, 30),
            )
        },
        held(
            hearing(
                PR_CLASS,
                "status-conference",
                in_washington(days_from(today, -16), 10, 0),
            ),
            "Court asked for a joint plan for remote testimony and set the evidentiary hearing.",
        ),
        // Upcoming.
        hearing(
            PR_CLASS,
            "status-conference",
            in_washington(days_from(today, 9), 10, 0),
        ),
        Hearing {
            participant_ids: vec![person(21), person(LAWYER)],
            ..hearing(
                PR_HABEAS,
                "show-cause-hearing",
                in_washington(days_from(today, 16), 14, 0),
            )
        },
        Hearing {
            location: format!(
                "{COURTROOM}; class members testify by video from Caracas and Bogotá"
            ),
            remote: true,
            participant_ids: vec![person(3), person(7), person(12), person(LAWYER)],
            ..hearing(
                PR_CLASS,
                "evidentiary-hearing",
                in_washington(days_from(today, 23), 9, 30),
            )
        },
        Hearing {
            location: "IACHR headquarters, Washington, DC (hybrid)".into(),
            remote: true,
            participant_ids: vec![person(35), person(12), person(LAWYER)],
            ..hearing(
                PR_IACHR,
                "iachr-public-hearing",
                in_washington(days_from(today, 41), 9, 0),
            )
        },
    ];
    for h in list {
        b.add(K_HEARING, h);
    }
}

fn deadlines(b: &mut Builder, today: Date) {
    let list = [
        (
            Some(PR_CLASS),
            "status-report-due",
            "Status report (45-day cycle) filed",
            FuzzyDate::from_date(date_of("2026-01-20")),
            "Puente Legal litigation team",
            true,
        ),
        (
            Some(PR_IACHR),
            "international-body-deadline",
            "Additional information to the IACHR (list of men identified)",
            d("2025-05-10"),
            "Families association with Puente Legal",
            true,
        ),
        (
            None,
            "internal-deadline",
            "Collect consent forms for remote testimony",
            on(today, -12),
            "Documentation team",
            true,
        ),
        (
            None,
            "internal-deadline",
            "Security assessment for each witness testifying remotely",
            on(today, 4),
            "Documentation team",
            false,
        ),
        (
            Some(PR_CLASS),
            "status-report-due",
            "Joint status report on the remote-testimony plan",
            on(today, 6),
            "Lead counsel (P-0040)",
            false,
        ),
        (
            Some(PR_CLASS),
            "response-due",
            "Opposition to the renewed motion to stay",
            on(today, 14),
            "Lead counsel (P-0040)",
            false,
        ),
        (
            Some(PR_HABEAS),
            "reply-due",
            "Reply to respondents' supplemental return",
            on(today, 20),
            "Habeas team",
            false,
        ),
        (
            Some(PR_IACHR),
            "international-body-deadline",
            "Observations on the States' replies",
            on(today, 30),
            "Families association with Puente Legal",
            false,
        ),
        (
            Some(PR_WGEID),
            "international-body-deadline",
            "Follow-up information to the WGEID",
            on(today, 60),
            "Puente Legal",
            false,
        ),
        (
            Some(PR_REOPEN),
            "reply-due",
            "Reply to DHS opposition to the motion to reopen",
            on(today, 27),
            "Immigration team",
            false,
        ),
    ];
    for (proceeding, kind, title, due_on, responsible, done) in list {
        let case_id = if proceeding == Some(PR_REOPEN) {
            CASE_CR
        } else {
            CASE_CECOT
        };
        b.add(
            K_DEADLINE,
            Deadline {
                case_id: Some(case_id),
                proceeding_id: proceeding,
                kind: kind.into(),
                title: title.into(),
                due_on,
                responsible: responsible.into(),
                done,
            },
        );
    }
}

/// The exact day `days` from `today`.
fn on(today: Date, days: i64) -> FuzzyDate {
    FuzzyDate::from_date(days_from(today, days))
}

// ---------------------------------------------------------------------------------------------
// Captured files and the documents made from them (fictional outlets, bylines and texts).

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Html,
    Plain,
    Markdown,
}

struct FileSpec {
    capture_id: CaptureId,
    document_id: DocumentId,
    file_name: &'static str,
    format: Format,
    language: &'static str,
    title: &'static str,
    byline: &'static str,
    /// Publication day, hour and UTC offset.
    published: (&'static str, u8, UtcOffset),
    case_id: CaseId,
    note: &'static str,
    paragraphs: &'static [&'static str],
}

fn file_specs() -> Vec<FileSpec> {
    vec![
        FileSpec {
            capture_id: CAP_FLIGHTS_NEWS,
            document_id: DocumentId(uid(K_DOCUMENT, 1)),
            file_name: "2025-03-21-gulf-coast-observer-flights.html",
            format: Format::Html,
            language: "en",
            title: "Families comb a published list after weekend flights to El Salvador",
            byline: "By Marisol Trent, Gulf Coast Observer",
            published: ("2025-03-21", 18, offset!(-5)),
            case_id: CASE_CECOT,
            note: "Saved from the outlet's website the evening it was published.",
            paragraphs: &[
                "HARLINGEN, Texas — Relatives of Venezuelan men held at immigration detention \
                centers in South Texas spent the week calling hotlines and lawyers after planes \
                left Valley International Airport on Saturday, March 15, bound for El Salvador.",
                "The government has said the men were removed under the Alien Enemies Act, a \
                wartime law from 1798, and described them as members of a criminal gang. Several \
                families interviewed by the Observer said their relatives had no criminal record \
                in the United States or in Venezuela and had been singled out because of tattoos.",
                "On Thursday a news outlet published a list of names said to match the men taken \
                to the Terrorism Confinement Center, known as CECOT, a maximum-security prison in \
                Tecoluca. Neither the Department of Homeland Security nor the Salvadoran \
                government has confirmed the list. Some mothers found their sons' names on it. \
                Others did not, and do not know whether that means their relatives are somewhere \
                else.",
                "\"The detainee locator says he is not in custody. The prison says nothing. So \
                where is he?\" asked the sister of one man who was last held at El Valle Detention \
                Facility in Raymondville. She said he called on Friday, March 14, to say he had \
                been told to pack. She asked that her name not be used.",
                "Lawyers for a group of the men filed a class action in federal court in \
                Washington on Thursday and an emergency motion on Friday, asking a judge to halt \
                further removals and to order the government to say where each man is held.",
                "Immigration and Customs Enforcement referred questions to the Department of \
                Homeland Security, which did not respond by publication time.",
            ],
        },
        FileSpec {
            capture_id: CAP_RADIO,
            document_id: DocumentId(uid(K_DOCUMENT, 2)),
            file_name: "2025-04-09-transcripcion-onda-vecinal.txt",
            format: Format::Plain,
            language: "es",
            title: "Transcripción: «Voces del Barrio», Onda Vecinal 98.7 FM (Barquisimeto)",
            byline: "Transcripción del equipo de documentación; nombres de las madres omitidos",
            published: ("2025-04-09", 8, offset!(-4)),
            case_id: CASE_CECOT,
            note: "Recording given to the team by the station; transcript made from it.",
            paragraphs: &[
                "[00:00] LOCUTORA: Buenos días, Lara. Hoy nos acompañan dos madres que desde el \
                15 de marzo no saben nada de sus hijos, que estaban detenidos en Texas.",
                "[00:41] MADRE 1: Mi hijo tiene veintitrés años. Estaba en El Paso. El 14 me \
                llamó contento porque le dijeron que lo mandaban para acá. Nunca llegó. Llamé a \
                todas partes y nadie me dice dónde está. En ninguna lista aparece.",
                "[02:10] LOCUTORA: ¿Alguna autoridad le ha respondido?",
                "[02:15] MADRE 1: Nadie. En la página de ellos dice que no está detenido. \
                Entonces, ¿dónde está? Si lo tienen, que lo digan. Si le pasó algo, que lo digan \
                también.",
                "[03:30] MADRE 2: Yo encontré el nombre de mi hijo en la lista que salió en las \
                noticias, pero mal escrito. Eso es lo único que tengo. Ni una llamada, ni una \
                carta. Él es asmático y no sé si le están dando su medicina.",
                "[05:02] LOCUTORA: Las familias se están organizando. ¿Qué piden?",
                "[05:08] MADRE 2: Que nos digan si están vivos. Que los dejen hablar con un \
                abogado. Que no nos olviden. Nosotras nos reunimos los sábados en la plaza y \
                cualquier madre que esté pasando por esto puede venir.",
                "[06:20] LOCUTORA: Gracias a las dos. Seguiremos atentos.",
            ],
        },
        FileSpec {
            capture_id: CAP_CIDH_NEWS,
            document_id: DocumentId(uid(K_DOCUMENT, 3)),
            file_name: "2025-06-12-diario-el-puente-cidh.html",
            format: Format::Html,
            language: "es",
            title: "La CIDH pide a Estados Unidos y El Salvador informar dónde están los \
                venezolanos enviados al CECOT",
            byline: "Por Valentina Arrieta, Diario El Puente",
            published: ("2025-06-12", 10, offset!(-4)),
            case_id: CASE_CECOT,
            note: "Saved from the outlet's website; also printed for the paper file.",
            paragraphs: &[
                "WASHINGTON — La Comisión Interamericana de Derechos Humanos solicitó a los \
                gobiernos de Estados Unidos y El Salvador información sobre la situación y el \
                paradero de un grupo de venezolanos trasladados en marzo al Centro de \
                Confinamiento del Terrorismo, según confirmaron a este diario abogados de las \
                familias.",
                "La solicitud responde a un pedido de medidas cautelares presentado en abril por \
                una organización de defensa legal y una asociación de familiares. El escrito \
                sostiene que los hombres permanecen incomunicados, sin acceso a abogados ni a \
                representación consular, y que ninguno de los dos Estados ha reconocido \
                formalmente quiénes están detenidos.",
                "En mayo, las familias enviaron a la Comisión una lista de los hombres que \
                lograron identificar. Para al menos uno de ellos, dijo una de las abogadas, esa \
                lista fue la primera confirmación de que había llegado al penal.",
                "«Una madre no debería enterarse por la prensa, ni por un organismo \
                internacional, de que su hijo está preso en otro país», dijo la vocera de la \
                asociación, que pidió no ser identificada por temor a represalias.",
                "Ni la Dirección General de Centros Penales de El Salvador ni el Departamento de \
                Seguridad Nacional de Estados Unidos respondieron a las consultas de Diario El \
                Puente.",
            ],
        },
        FileSpec {
            capture_id: CAP_RELEASE_NEWS,
            document_id: DocumentId(uid(K_DOCUMENT, 4)),
            file_name: "2025-07-19-frontera-wire-release.html",
            format: Format::Html,
            language: "en",
            title: "After four months without word, Venezuelan men held in El Salvador land in \
                Caracas",
            byline: "By Dana Whitcombe and Luis Ordaz, Frontera Wire",
            published: ("2025-07-19", 9, offset!(-4)),
            case_id: CASE_CECOT,
            note: "Saved from the wire service's public page.",
            paragraphs: &[
                "CARACAS — Planes carrying Venezuelan men who had been held since March in El \
                Salvador's Terrorism Confinement Center landed at Simón Bolívar International \
                Airport in Maiquetía on Friday night, ending a detention during which most of \
                them could not speak to a lawyer or a relative even once.",
                "The release was part of an exchange negotiated between the governments \
                concerned, under which Venezuela freed a group of detained U.S. citizens and \
                residents. Officials did not publish a list of the men on the flights.",
                "At the airport, families held up photographs and hand-lettered signs. Some men \
                came down the stairs with shaved heads and visibly thinner. \"I didn't know he \
                was alive until I saw him on the stairs,\" said the mother of a man from Maracay.",
                "Several men told Frontera Wire by phone on Saturday that they had been beaten \
                during their first days at the prison and denied medication. Those accounts \
                could not be independently verified.",
                "Lawyers for a class of the men in a federal lawsuit in Washington said the \
                release did not end the case. \"They were sent abroad without any chance to \
                contest the government's claims,\" one attorney said. \"That harm remains, and \
                the court can still remedy it.\"",
                "El Salvador's prison authority did not respond to questions about the conditions \
                the men described.",
            ],
        },
        FileSpec {
            capture_id: CAP_COMMUNIQUE,
            document_id: DocumentId(uid(K_DOCUMENT, 5)),
            file_name: "2025-07-21-comunicado-familias.txt",
            format: Format::Plain,
            language: "es",
            title: "Comunicado de la Asociación de Familias Puerta de Regreso ante el regreso de \
                nuestros familiares",
            byline: "Junta directiva, Asociación de Familias Puerta de Regreso",
            published: ("2025-07-21", 12, offset!(-4)),
            case_id: CASE_CECOT,
            note: "Received by e-mail from the association; published on its social accounts.",
            paragraphs: &[
                "Caracas, 21 de julio de 2025.",
                "Las familias que integramos la Asociación Puerta de Regreso celebramos que \
                nuestros hijos, hermanos y esposos estén otra vez en casa, después de cuatro meses \
                en los que ningún Estado quiso decirnos dónde estaban ni en qué condiciones.",
                "Hoy escuchamos de su propia voz lo que vivieron: golpizas al llegar, cabezas \
                rapadas, horas de rodillas, celdas con la luz prendida día y noche, enfermedades \
                sin atención médica y ninguna comunicación con el exterior. Pedimos a los medios \
                respeto: muchos no están listos para hablar y ninguno debe ser expuesto sin su \
                consentimiento.",
                "Durante esos meses recorrimos oficinas, escribimos a consulados y buscamos sus \
                nombres en listas de prensa. Ninguna autoridad confirmó oficialmente su \
                detención. Eso tiene un nombre: desaparición forzada.",
                "Exigimos: primero, que se investiguen los tratos sufridos en el CECOT y se \
                sancione a los responsables; segundo, que quienes tienen procesos abiertos puedan \
                participar en ellos sin volver a poner en riesgo su vida; tercero, que se informe \
                el paradero de quienes todavía no han regresado; cuarto, atención médica y \
                psicológica para todos.",
                "Seguiremos acompañando a cada familia. Nadie se queda atrás.",
            ],
        },
        FileSpec {
            capture_id: CAP_LETTER,
            document_id: DocumentId(uid(K_DOCUMENT, 6)),
            file_name: "2025-08-30-transcripcion-carta-manuscrita.txt",
            format: Format::Plain,
            language: "es",
            title: "Transcripción de carta manuscrita (2 hojas, tinta azul)",
            byline: "Transcrita por el equipo de documentación; original en el archivo físico",
            published: ("2025-08-30", 16, offset!(-4)),
            case_id: CASE_CECOT,
            note: "Handwritten letter from P-0012 to his lawyer, scanned and transcribed; the \
                scan is kept offline.",
            paragraphs: &[
                "[Hoja 1] Licenciada: le escribo a mano porque todavía me cuesta hablar de esto \
                por teléfono. Quiero que quede en papel lo que pasó en abril, por si algún día \
                hace falta.",
                "Cuando dejamos de recibir la comida para pedir una llamada, entraron con escudos \
                y dispararon dentro de la celda. A mí me sacaron primero porque yo era el que \
                hablaba. Me pegaron en el pasillo hasta que me partieron un diente.",
                "Después me encerraron en la isla. Conté las comidas para saber los días: fueron \
                ocho. Allí no hay luz, ni colchón, ni agua cuando uno la pide. Escuchaba a otros \
                compañeros gritar en las celdas de al lado.",
                "[Hoja 2] El que daba las órdenes era el jefe del módulo; el que más pegaba era \
                uno al que le decían el Chele. Los reconocería si los viera otra vez.",
                "No tengo miedo de declarar ante el juez si es por video y si mi familia está \
                segura. Le pido que no ponga mi nombre en nada público. Gracias por no olvidarnos.",
                "[Firma ilegible] [Nota del transcriptor: se omite el nombre del autor; ver P-0012.]",
            ],
        },
        FileSpec {
            capture_id: CAP_OPINION_SUMMARY,
            document_id: DocumentId(uid(K_DOCUMENT, 7)),
            file_name: "2025-12-23-memorandum-opinion-summary.md",
            format: Format::Markdown,
            language: "en",
            title: "Working summary — Memorandum Opinion (Dkt. 131), R.M.P. et al. v. Secretary \
                of Homeland Security, No. 1:25-cv-00917 (D.D.C.)",
            byline: "Puente Legal litigation team — privileged and confidential",
            published: ("2025-12-23", 9, offset!(-5)),
            case_id: CASE_CECOT,
            note: "Internal summary written the day after the opinion was entered.",
            paragraphs: &[
                "Entered 22 December 2025. Accompanying order at Dkt. 132.",
                "**Holding.** The class members were removed to El Salvador without notice of \
                the basis for their designation and without any chance to seek review before the \
                planes left. That denied them the process the Fifth Amendment requires. The \
                court rejected the argument that it lost the power to act once the men left US \
                custody, pointing to the arrangement under which their detention abroad was \
                funded and arranged.",
                "**Relief.** Respondents must (1) within 30 days propose a process by which each \
                class member who wishes can contest his designation and removal, including by \
                facilitating travel or remote participation; (2) file status reports every 45 \
                days; (3) not treat participation as a waiver of any claim.",
                "**Not decided.** Damages; the conditions at CECOT as such; the two men whose \
                whereabouts remain unknown (see the habeas matter, No. 1:25-cv-01032).",
                "**Next steps.** Ask each client whether he wants to take part and how: in \
                person, remotely from Caracas or Bogotá, or not at all. No client goes into a \
                public filing without a signed consent that covers it. Security assessment \
                before any travel.",
                "**Risks.** Respondents have signalled an appeal and a motion to stay. Clients \
                ask whether taking part could expose their families; answer each one \
                individually, by call, never in a group chat.",
            ],
        },
        FileSpec {
            capture_id: CAP_CR_STATEMENT,
            document_id: DocumentId(uid(K_DOCUMENT, 8)),
            file_name: "2025-03-05-statement-costa-rica-removals.txt",
            format: Format::Plain,
            language: "en",
            title: "Statement: removals to Costa Rica separate families and bypass protection",
            byline: "Puente Legal Migrant Defense Network",
            published: ("2025-03-05", 11, offset!(-6)),
            case_id: CASE_CR,
            note: "The team's own public statement, kept as published.",
            paragraphs: &[
                "Houston, March 5, 2025.",
                "Puente Legal is representing a Venezuelan father who was removed to Costa Rica \
                on February 20 on a flight carrying people from many countries. He had never \
                been to Costa Rica. He told officers he feared return to Venezuela, but he was \
                not given a screening interview before the flight.",
                "In Costa Rica he and others were taken to a facility near the Panamanian border, \
                where they could not leave and where their passports were held. His partner and \
                their four-year-old daughter remain in Houston.",
                "Removal to a country that is not a person's own, without notice and without a \
                chance to raise a fear of harm, undermines protections the United States has \
                accepted. It also separates families who have built their lives here.",
                "We call on the authorities to give every person facing removal to a third \
                country written notice of the destination and a real opportunity to be heard, \
                and to allow those already removed to return to pursue their claims.",
            ],
        },
    ]
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Removes the line-continuation spacing left by `\` in the string literals above.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn published_at(spec: &FileSpec) -> OffsetDateTime {
    let (day, hour, offset) = spec.published;
    let time = Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(date_of(day), time).assume_offset(offset)
}

fn render_file(spec: &FileSpec) -> DemoFile {
    let title = tidy(spec.title);
    let paragraphs: Vec<String> = spec.paragraphs.iter().map(|p| tidy(p)).collect();
    let (text, media_type) = match spec.format {
        Format::Html => {
            let mut html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
                <title>{title}</title>\n</head>\n<body>\n<article>\n<h1>{title}</h1>\n\
                <p class=\"byline\">{byline}</p>\n<p><time datetime=\"{date}\">{date}</time></p>\n",
                lang = spec.language,
                title = escape_html(&title),
                byline = escape_html(spec.byline),
                date = spec.published.0,
            );
            for paragraph in &paragraphs {
                html.push_str(&format!("<p>{}</p>\n", escape_html(paragraph)));
            }
            html.push_str("</article>\n</body>\n</html>\n");
            (html, "text/html")
        }
        Format::Plain => (
            format!(
                "{title}\n{byline}\n{date}\n\n{body}\n",
                byline = spec.byline,
                date = spec.published.0,
                body = paragraphs.join("\n\n"),
            ),
            "text/plain",
        ),
        Format::Markdown => (
            format!(
                "# {title}\n\n_{byline}_\n\n{body}\n",
                byline = spec.byline,
                body = paragraphs.join("\n\n"),
            ),
            "text/markdown",
        ),
    };
    DemoFile {
        capture_id: spec.capture_id,
        file_name: spec.file_name.into(),
        media_type: media_type.into(),
        bytes: text.into_bytes(),
        case_ids: vec![spec.case_id],
        note: tidy(spec.note),
    }
}

fn documents(b: &mut Builder, specs: &[FileSpec]) {
    for spec in specs {
        let paragraphs: Vec<String> = spec.paragraphs.iter().map(|p| tidy(p)).collect();
        b.put(
            spec.document_id,
            Document {
                capture_id: spec.capture_id,
                title: tidy(spec.title),
                byline: spec.byline.into(),
                published_at: Some(published_at(spec)),
                language: Some(spec.language.into()),
                text: paragraphs.join("\n\n"),
                ..Document::default()
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use amparo_model::RecordKind;
    use time::macros::date;

    use super::*;

    const TODAYS: [Date; 2] = [date!(2026 - 11 - 29), date!(2027 - 06 - 01)];

    fn each_demo() -> impl Iterator<Item = (Date, DemoData)> {
        TODAYS.into_iter().map(|today| (today, demo_data(today)))
    }

    fn of_kind<'a, T: 'a>(
        data: &'a DemoData,
        pick: impl Fn(&'a Record) -> Option<&'a T> + 'a,
    ) -> impl Iterator<Item = (Uuid, &'a T)> + 'a {
        data.records
            .iter()
            .filter_map(move |(id, record)| pick(record).map(|body| (*id, body)))
    }

    fn custody_periods(data: &DemoData) -> Vec<&CustodyPeriod> {
        of_kind(data, |r| match r {
            Record::CustodyPeriod(p) => Some(p),
            _ => None,
        })
        .map(|(_, p)| p)
        .collect()
    }

    #[test]
    fn every_record_validates() {
        for (today, data) in each_demo() {
            for (id, record) in &data.records {
                if let Err(errors) = record.validate() {
                    panic!(
                        "{today}: {} {id} ({}): {errors}",
                        record.kind(),
                        record.label()
                    );
                }
            }
        }
    }

    #[test]
    fn references_point_to_earlier_records_or_files() {
        for (_, data) in each_demo() {
            let mut seen: HashMap<Uuid, RecordKind> = data
                .files
                .iter()
                .map(|file| (file.capture_id.0, RecordKind::Capture))
                .collect();
            for (id, record) in &data.records {
                for reference in record.references() {
                    assert_eq!(
                        seen.get(&reference.id),
                        Some(&reference.kind),
                        "{} {id} ({}): {} points to {} {} not written before it",
                        record.kind(),
                        record.label(),
                        reference.field,
                        reference.kind,
                        reference.id,
                    );
                }
                assert!(
                    seen.insert(*id, record.kind()).is_none(),
                    "id {id} is used twice"
                );
            }
            // Files name only cases the demo holds.
            for file in &data.files {
                for case_id in &file.case_ids {
                    assert_eq!(seen.get(&case_id.0), Some(&RecordKind::Case));
                }
            }
        }
    }

    #[test]
    fn there_are_no_users_teams_or_grants_or_captures() {
        let data = demo_data(TODAYS[0]);
        for (_, record) in &data.records {
            assert!(!matches!(
                record.kind(),
                RecordKind::User | RecordKind::Team | RecordKind::Grant | RecordKind::Capture
            ));
        }
    }

    #[test]
    fn ids_are_unique() {
        let data = demo_data(TODAYS[0]);
        let mut ids = BTreeSet::new();
        for (id, _) in &data.records {
            assert!(ids.insert(*id), "{id} repeated");
        }
        for file in &data.files {
            assert!(
                ids.insert(file.capture_id.0),
                "{} repeated",
                file.capture_id
            );
        }
    }

    #[test]
    fn output_is_deterministic() {
        for today in TODAYS {
            assert_eq!(demo_data(today), demo_data(today));
        }
    }

    #[test]
    fn enough_persons_and_custody_timelines() {
        let data = demo_data(TODAYS[0]);
        let persons: Vec<_> = of_kind(&data, |r| match r {
            Record::Person(p) => Some(p),
            _ => None,
        })
        .collect();
        assert!(persons.len() >= 36, "{} persons", persons.len());
        let pseudonyms: BTreeSet<_> = persons.iter().map(|(_, p)| p.pseudonym.clone()).collect();
        assert_eq!(pseudonyms.len(), persons.len(), "pseudonyms repeat");
        let with_custody: BTreeSet<_> =
            custody_periods(&data).iter().map(|p| p.person_id).collect();
        assert!(
            with_custody.len() >= 30,
            "{} with custody",
            with_custody.len()
        );
        assert!(persons.iter().any(|(_, p)| p.is_group));
        let count = |role: &str| {
            persons
                .iter()
                .filter(|(_, p)| p.roles.iter().any(|r| r == role))
                .count()
        };
        assert!(count("victim") >= 30);
        assert!(count("family-member") >= 2);
        assert!(count("alleged-perpetrator") >= 2);
        assert!(count("lawyer") >= 1);
    }

    #[test]
    fn custody_statuses_vary() {
        let data = demo_data(TODAYS[0]);
        let statuses: BTreeSet<_> = custody_periods(&data)
            .iter()
            .map(|p| p.status.as_str())
            .collect();
        for status in [
            "in-immigration-custody",
            "in-criminal-custody",
            "in-transit",
            "removed",
            "held-in-third-country",
            "whereabouts-unknown",
            "repatriated",
            "released",
            "at-liberty-abroad",
            "at-liberty-in-removing-country",
            "in-home-country-custody",
            "unknown-not-yet-documented",
        ] {
            assert!(statuses.contains(status), "no {status} period");
        }
        assert!(
            custody_periods(&data)
                .iter()
                .any(|p| p.period.start.is_some_and(|s| s.is_approximate()))
        );
    }

    #[test]
    fn someone_is_still_whereabouts_unknown() {
        let data = demo_data(TODAYS[0]);
        let mut latest: HashMap<PersonId, &CustodyPeriod> = HashMap::new();
        for period in custody_periods(&data) {
            let start = period.period.start.map(|s| s.earliest());
            let replace = match latest.get(&period.person_id) {
                None => true,
                Some(current) => start >= current.period.start.map(|s| s.earliest()),
            };
            if replace {
                latest.insert(period.person_id, period);
            }
        }
        let missing = latest
            .values()
            .filter(|p| p.status == "whereabouts-unknown" && p.period.end.is_none())
            .count();
        assert!(missing >= 1);
    }

    #[test]
    fn acts_involvements_testimonies_information() {
        let data = demo_data(TODAYS[0]);
        let count = |kind: RecordKind| {
            data.records
                .iter()
                .filter(|(_, r)| r.kind() == kind)
                .count()
        };
        assert!(count(RecordKind::Act) >= 25);
        assert!(count(RecordKind::Involvement) >= 10);
        assert!(count(RecordKind::Testimony) >= 4);
        assert!(count(RecordKind::Information) >= 10);
        assert!(count(RecordKind::DocketEntry) >= 8);
        assert!(count(RecordKind::Document) == data.files.len());
        let translations = of_kind(&data, |r| match r {
            Record::Testimony(t) => Some(t),
            _ => None,
        })
        .filter(|(_, t)| t.translation_of.is_some() && t.language == "en")
        .count();
        assert_eq!(translations, 1);
    }

    #[test]
    fn consent_scopes_vary() {
        let data = demo_data(TODAYS[0]);
        let consents: BTreeSet<Vec<String>> = of_kind(&data, |r| match r {
            Record::Testimony(t) => Some(t),
            _ => None,
        })
        .map(|(_, t)| t.consent.clone())
        .collect();
        assert!(consents.len() >= 3);
        assert!(consents.contains(&strings(&["internal-use"])));
        assert!(
            consents
                .iter()
                .any(|c| c.iter().any(|s| s == "file-in-court"))
        );
        assert!(
            consents
                .iter()
                .any(|c| c.iter().any(|s| s == "publish-anonymized"))
        );
    }

    #[test]
    fn upcoming_hearings_and_deadlines_follow_today() {
        for (today, data) in each_demo() {
            let hearings: Vec<_> = of_kind(&data, |r| match r {
                Record::Hearing(h) => Some(h),
                _ => None,
            })
            .map(|(_, h)| h)
            .collect();
            let upcoming = hearings
                .iter()
                .filter(|h| h.starts_at.date() > today)
                .collect::<Vec<_>>();
            assert!(upcoming.len() >= 3, "{today}");
            for hearing in &upcoming {
                assert_eq!(hearing.status, HearingStatus::Scheduled);
                let weekday = hearing.starts_at.date().weekday();
                assert!(
                    !matches!(weekday, Weekday::Saturday | Weekday::Sunday),
                    "{today}: hearing on a {weekday}"
                );
            }
            for hearing in hearings.iter().filter(|h| h.starts_at.date() <= today) {
                assert_ne!(hearing.status, HearingStatus::Scheduled, "{today}");
            }
            let deadlines: Vec<_> = of_kind(&data, |r| match r {
                Record::Deadline(d) => Some(d),
                _ => None,
            })
            .map(|(_, d)| d)
            .collect();
            let ahead = deadlines
                .iter()
                .filter(|d| d.due_on.earliest() > today && !d.done)
                .count();
            assert!(ahead >= 4, "{today}");
            let past_done = deadlines
                .iter()
                .filter(|d| d.due_on.earliest() < today && d.done)
                .count();
            assert!(past_done >= 2, "{today}");
            for deadline in &deadlines {
                assert_eq!(deadline.done, deadline.due_on.earliest() < today);
            }
        }
    }

    #[test]
    fn the_past_stays_before_today() {
        for (today, data) in each_demo() {
            let mut dates: Vec<FuzzyDate> = Vec::new();
            for (_, record) in &data.records {
                match record {
                    Record::CustodyPeriod(p) => {
                        dates.extend(p.period.start.into_iter().chain(p.period.end))
                    }
                    Record::Event(e) => {
                        dates.extend(e.period.start.into_iter().chain(e.period.end))
                    }
                    Record::Act(a) => dates.extend(a.period.start.into_iter().chain(a.period.end)),
                    Record::Testimony(t) => dates.push(t.given_on),
                    Record::DocketEntry(e) => dates.push(e.filed_on),
                    Record::Proceeding(p) => dates.extend(p.filed_on),
                    Record::Case(c) => dates.extend(c.opened_on),
                    Record::Document(d) => {
                        dates.extend(d.published_at.map(|t| FuzzyDate::from_date(t.date())));
                    }
                    _ => {}
                }
            }
            for date in dates {
                assert!(date.latest() < today, "{date} is not before {today}");
            }
        }
    }

    #[test]
    fn the_hearing_clock_follows_washington() {
        assert_eq!(eastern(date!(2026 - 12 - 08)), offset!(-5));
        assert_eq!(eastern(date!(2027 - 06 - 10)), offset!(-4));
        assert_eq!(eastern(date!(2025 - 03 - 09)), offset!(-4));
        assert_eq!(eastern(date!(2025 - 03 - 08)), offset!(-5));
        assert_eq!(eastern(date!(2025 - 11 - 02)), offset!(-5));
        assert_eq!(eastern(date!(2025 - 11 - 01)), offset!(-4));
    }

    #[test]
    fn files_are_small_and_in_both_languages() {
        let data = demo_data(TODAYS[0]);
        assert!((6..=8).contains(&data.files.len()));
        let documents: HashMap<CaptureId, &Document> = of_kind(&data, |r| match r {
            Record::Document(d) => Some(d),
            _ => None,
        })
        .map(|(_, d)| (d.capture_id, d))
        .collect();
        let mut languages = BTreeSet::new();
        let mut names = BTreeSet::new();
        for file in &data.files {
            assert!(names.insert(file.file_name.clone()));
            assert!(
                ["text/plain", "text/html", "text/markdown"].contains(&file.media_type.as_str()),
                "{}",
                file.media_type
            );
            assert!(
                (1_000..=4_096).contains(&file.bytes.len()),
                "{} is {} bytes",
                file.file_name,
                file.bytes.len()
            );
            let text = String::from_utf8(file.bytes.clone()).expect("UTF-8");
            assert!(
                !text.contains("  "),
                "{} has doubled spaces",
                file.file_name
            );
            let document = documents[&file.capture_id];
            let language = document.language.clone().expect("language");
            if file.media_type == "text/html" {
                assert!(text.contains(&format!("<html lang=\"{language}\">")));
                assert!(text.contains("<title>") && text.contains("<h1>"));
            }
            languages.insert(language);
        }
        assert!(languages.contains("en") && languages.contains("es"));
    }

    #[test]
    fn names_stay_in_sensitive_fields() {
        let data = demo_data(TODAYS[0]);
        let names: Vec<String> = of_kind(&data, |r| match r {
            Record::Person(p) => p.sensitive.as_ref(),
            _ => None,
        })
        .filter(|(_, s)| !s.full_name.is_empty())
        .map(|(_, s)| s.full_name.clone())
        .collect();
        assert!(names.len() >= 30);
        for (_, record) in &data.records {
            let mut stripped = record.clone();
            stripped.strip_sensitive();
            let json = stripped.to_json().to_string();
            for name in &names {
                assert!(
                    !json.contains(name.as_str()),
                    "{} shows {name}",
                    record.label()
                );
            }
        }
        for file in &data.files {
            let text = String::from_utf8_lossy(&file.bytes);
            for name in &names {
                assert!(
                    !text.contains(name.as_str()),
                    "{} names {name}",
                    file.file_name
                );
            }
        }
    }
}
