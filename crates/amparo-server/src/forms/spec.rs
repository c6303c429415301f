//! Which fields each record type's form shows, and how each is entered. A table, one entry per
//! record type; fields not listed (nested lists such as a person's identifiers) are kept as they
//! are when a record is edited, and can be changed through the API or the CLI.

use amparo_model::RecordKind;
use amparo_model::vocab::VocabularyId;

/// How one field is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// One line of text.
    Text,
    /// Several lines of text.
    TextArea,
    /// A date with its precision: `2025`, `2025-03`, `2025-03-15`, `~2025-03`.
    Date,
    /// A date, time and UTC offset (RFC 3339).
    DateTime,
    /// A whole number.
    Number,
    /// A decimal number.
    Decimal,
    /// Yes or no.
    Checkbox,
    /// One term of a vocabulary.
    Term(VocabularyId),
    /// Several terms of a vocabulary.
    Terms(VocabularyId),
    /// One record of a kind.
    Ref(RecordKind),
    /// Several records of a kind.
    Refs(RecordKind),
    /// One record of one of several kinds, stored as `{"kind": …, "id": …}`.
    TaggedRef(&'static [RecordKind]),
    /// Country codes, comma-separated.
    Countries,
    /// A list of texts, one per line.
    Lines,
    /// One of fixed values (a Rust enum of the model).
    Choice(&'static [&'static str]),
    /// Several of fixed values.
    Choices(&'static [&'static str]),
}

/// One field of a form.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The field's path in the record's JSON (`period.start`, `sensitive.full_name`).
    pub path: &'static str,
    /// How it is entered.
    pub input: Input,
    /// Whether the form marks it as required.
    pub required: bool,
}

const fn field(path: &'static str, input: Input) -> Field {
    Field {
        path,
        input,
        required: false,
    }
}

const fn required(path: &'static str, input: Input) -> Field {
    Field {
        path,
        input,
        required: true,
    }
}

use Input::*;
use RecordKind as K;
use VocabularyId as V;

const PERSON: &[Field] = &[
    field("pseudonym", Text),
    field("is_group", Checkbox),
    field("group_size", Number),
    field("nationalities", Countries),
    field("gender", Text),
    field("age_at_first_event", Number),
    field("roles", Terms(V::PersonRole)),
    field("case_ids", Refs(K::Case)),
    field("notes", TextArea),
    field("sensitive.full_name", Text),
    field("sensitive.aliases", Lines),
    field("sensitive.birth_date", Date),
    field("sensitive.notes", TextArea),
];

const ORGANIZATION: &[Field] = &[
    required("name", Text),
    field("acronym", Text),
    required("kind", Term(V::OrganizationKind)),
    field("aliases", Lines),
    field("country", Text),
    field("parent_id", Ref(K::Organization)),
    field("notes", TextArea),
];

const PLACE: &[Field] = &[
    required("name_en", Text),
    required("name_es", Text),
    required("kind", Term(V::PlaceKind)),
    field("other_names", Lines),
    field("country", Text),
    field("parent_id", Ref(K::Place)),
    field("latitude", Decimal),
    field("longitude", Decimal),
    field("notes", TextArea),
];

const CONFIDENTIALITY: &[&str] = &["public", "internal", "restricted"];

const EVENT: &[Field] = &[
    required("title", Text),
    field("period.start", Date),
    field("period.end", Date),
    field("place_ids", Refs(K::Place)),
    field("violation_types", Terms(V::ViolationType)),
    field("case_ids", Refs(K::Case)),
    field("confidentiality", Choice(CONFIDENTIALITY)),
    field("description", TextArea),
];

const ACT: &[Field] = &[
    required("event_id", Ref(K::Event)),
    required("victim_id", Ref(K::Person)),
    required("act_type", Term(V::ActType)),
    field("period.start", Date),
    field("period.end", Date),
    field("place_id", Ref(K::Place)),
    field("violation_types", Terms(V::ViolationType)),
    field("method", TextArea),
    field("consequences", TextArea),
];

const INVOLVEMENT: &[Field] = &[
    required("act_id", Ref(K::Act)),
    required("perpetrator", TaggedRef(&[K::Person, K::Organization])),
    required("degree", Term(V::InvolvementDegree)),
    field("notes", TextArea),
];

const INFORMATION: &[Field] = &[
    required(
        "source",
        TaggedRef(&[K::Capture, K::Testimony, K::Document]),
    ),
    required(
        "claim",
        TaggedRef(&[K::Event, K::Act, K::Person, K::CustodyPeriod]),
    ),
    required("source_kind", Term(V::SourceKind)),
    required("reliability", Term(V::Reliability)),
    field("language", Text),
    field("locator", TextArea),
    field("notes", TextArea),
];

const TESTIMONY: &[Field] = &[
    required("giver_id", Ref(K::Person)),
    required("given_on", Date),
    required("language", Text),
    required("consent", Terms(V::ConsentScope)),
    field("taken_by", Text),
    field("translation_of", Ref(K::Testimony)),
    field("case_ids", Refs(K::Case)),
    field("sensitive.location", Text),
    field("sensitive.text", TextArea),
];

const CUSTODY_PERIOD: &[Field] = &[
    required("person_id", Ref(K::Person)),
    required("status", Term(V::CustodyStatus)),
    required("period.start", Date),
    field("period.end", Date),
    field("place_id", Ref(K::Place)),
    field("custodian_id", Ref(K::Organization)),
    field("notes", TextArea),
];

const CASE: &[Field] = &[
    required("title", Text),
    field("reference", Text),
    field("status", Choice(&["open", "dormant", "closed"])),
    field("opened_on", Date),
    field("description", TextArea),
];

const PROCEEDING: &[Field] = &[
    required("case_id", Ref(K::Case)),
    required("kind", Term(V::ProceedingKind)),
    required("title", Text),
    required("forum", Text),
    field("forum_id", Ref(K::Organization)),
    field("docket_number", Text),
    field("filed_on", Date),
    field(
        "status",
        Choice(&["preparing", "pending", "decided", "appealed", "closed"]),
    ),
    field("person_ids", Refs(K::Person)),
    field("parent_id", Ref(K::Proceeding)),
    field("notes", TextArea),
];

const DOCKET_ENTRY: &[Field] = &[
    required("proceeding_id", Ref(K::Proceeding)),
    field("number", Number),
    required("filed_on", Date),
    required("kind", Term(V::DocketEntryKind)),
    required("title", Text),
    field("capture_id", Ref(K::Capture)),
    field("summary", TextArea),
];

const HEARING: &[Field] = &[
    required("proceeding_id", Ref(K::Proceeding)),
    required("kind", Term(V::HearingKind)),
    required("starts_at", DateTime),
    field("location", Text),
    field("remote", Checkbox),
    field("participant_ids", Refs(K::Person)),
    field(
        "status",
        Choice(&["scheduled", "held", "postponed", "cancelled"]),
    ),
    field("outcome", TextArea),
];

const DEADLINE: &[Field] = &[
    field("case_id", Ref(K::Case)),
    field("proceeding_id", Ref(K::Proceeding)),
    required("kind", Term(V::DeadlineKind)),
    required("title", Text),
    required("due_on", Date),
    field("responsible", Text),
    field("done", Checkbox),
];

const TEAM: &[Field] = &[
    required("name", Text),
    field("member_ids", Refs(K::User)),
    field("description", TextArea),
];

const GRANT: &[Field] = &[
    required("grantee", TaggedRef(&[K::User, K::Team])),
    required("case_id", Ref(K::Case)),
    required(
        "rights",
        Choices(&["read", "write", "sensitive", "review", "export", "manage"]),
    ),
];

/// The form of a record type; `None` for types made another way (captures by capturing,
/// documents and suggestions by processing, users with `amparo user`).
pub fn form_fields(kind: RecordKind) -> Option<&'static [Field]> {
    Some(match kind {
        K::Person => PERSON,
        K::Organization => ORGANIZATION,
        K::Place => PLACE,
        K::Event => EVENT,
        K::Act => ACT,
        K::Involvement => INVOLVEMENT,
        K::Information => INFORMATION,
        K::Testimony => TESTIMONY,
        K::CustodyPeriod => CUSTODY_PERIOD,
        K::Case => CASE,
        K::Proceeding => PROCEEDING,
        K::DocketEntry => DOCKET_ENTRY,
        K::Hearing => HEARING,
        K::Deadline => DEADLINE,
        K::Team => TEAM,
        K::Grant => GRANT,
        K::Capture | K::Document | K::Suggestion | K::User => return None,
    })
}
