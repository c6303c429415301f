//! Typed record identifiers: one newtype per record type over a UUID (version 7, time-ordered).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_types {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )*};
}

id_types! {
    /// Identifies a [`crate::records::Person`].
    PersonId;
    /// Identifies a [`crate::records::Organization`].
    OrganizationId;
    /// Identifies a [`crate::records::Place`].
    PlaceId;
    /// Identifies a [`crate::records::Event`].
    EventId;
    /// Identifies a [`crate::records::Act`].
    ActId;
    /// Identifies a [`crate::records::Involvement`].
    InvolvementId;
    /// Identifies a [`crate::records::Information`].
    InformationId;
    /// Identifies a [`crate::records::Testimony`].
    TestimonyId;
    /// Identifies a [`crate::records::CustodyPeriod`].
    CustodyPeriodId;
    /// Identifies a [`crate::records::Case`].
    CaseId;
    /// Identifies a [`crate::records::Proceeding`].
    ProceedingId;
    /// Identifies a [`crate::records::DocketEntry`].
    DocketEntryId;
    /// Identifies a [`crate::records::Hearing`].
    HearingId;
    /// Identifies a [`crate::records::Deadline`].
    DeadlineId;
    /// Identifies a [`crate::records::Capture`].
    CaptureId;
    /// Identifies a [`crate::records::Document`].
    DocumentId;
    /// Identifies a [`crate::records::Suggestion`].
    SuggestionId;
    /// Identifies a [`crate::records::User`].
    UserId;
    /// Identifies a [`crate::records::Team`].
    TeamId;
    /// Identifies a [`crate::records::Grant`].
    GrantId;
}
