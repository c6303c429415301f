//! Who may do what: users, teams and per-case grants.

use serde::{Deserialize, Serialize};

use super::{Fields, SHORT_TEXT, link_all, no_repeats};
use crate::{CaseId, Lang, RecordKind, Reference, TeamId, UserId, ValidationErrors};

/// What a user does in the team; rights on cases come from grants.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Manages the installation, its users and every case.
    Admin,
    /// Collects and structures information.
    Documenter,
    /// Works on proceedings.
    Lawyer,
    /// Reviews machine suggestions and others' work.
    Reviewer,
    /// Reads what they are granted.
    #[default]
    Viewer,
}

impl Role {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Documenter => "documenter",
            Role::Lawyer => "lawyer",
            Role::Reviewer => "reviewer",
            Role::Viewer => "viewer",
        }
    }
}

/// A person who signs in to Amparo. The password hash is kept apart from the record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Sign-in name: lowercase letters, digits, `.`, `-`, `_`.
    pub username: String,
    /// Name shown in the interface.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    /// The user's role.
    #[serde(default)]
    pub role: Role,
    /// Interface language the user chose; until then the browser's `Accept-Language` decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Lang>,
    /// A disabled user cannot sign in; the record stays for the history.
    #[serde(default)]
    pub disabled: bool,
    /// Contact details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<UserSensitive>,
}

/// A user's contact details.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSensitive {
    /// E-mail address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
}

/// Whether `name` is an acceptable sign-in name.
pub fn is_valid_username(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
        && name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

impl Fields for User {
    fn check(&self, errors: &mut ValidationErrors) {
        if !is_valid_username(&self.username) {
            errors.push(
                "username",
                format!(
                    "{:?} is not a sign-in name: use 2 to 64 lowercase letters, digits, '.', '-' or '_', starting with a letter",
                    self.username
                ),
            );
        }
        errors.max_len("display_name", &self.display_name, SHORT_TEXT);
        if let Some(sensitive) = &self.sensitive
            && !sensitive.email.is_empty()
            && !sensitive.email.contains('@')
        {
            errors.push(
                "sensitive.email",
                format!("{:?} is not an e-mail address", sensitive.email),
            );
        }
    }

    fn short_label(&self) -> String {
        self.username.clone()
    }

    fn remove_sensitive(&mut self) {
        self.sensitive = None;
    }
}

/// A group of users who are granted rights together.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The team's name.
    pub name: String,
    /// What the team does.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Its members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_ids: Vec<UserId>,
}

impl Fields for Team {
    fn check(&self, errors: &mut ValidationErrors) {
        errors.required_text("name", &self.name, SHORT_TEXT);
        errors.max_len("description", &self.description, 10_000);
        no_repeats(errors, "member_ids", &self.member_ids);
    }

    fn links(&self) -> Vec<Reference> {
        let mut links = Vec::new();
        link_all(&mut links, "member_ids", RecordKind::User, &self.member_ids);
        links
    }

    fn short_label(&self) -> String {
        self.name.clone()
    }
}

/// A right on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Right {
    /// Read the case's records (pseudonyms only).
    Read,
    /// Create and change the case's records.
    Write,
    /// See and change sensitive fields.
    Sensitive,
    /// Accept or reject suggestions.
    Review,
    /// Export records, bundles and reports.
    #[serde(alias = "publish")]
    Export,
    /// Grant rights on the case to others.
    Manage,
}

/// Who a grant is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum Grantee {
    /// One user.
    User(UserId),
    /// Every member of a team.
    Team(TeamId),
}

/// Rights on one case for a user or a team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// Who receives the rights.
    pub grantee: Grantee,
    /// On which case.
    pub case_id: CaseId,
    /// Which rights.
    pub rights: Vec<Right>,
}

impl Fields for Grant {
    fn check(&self, errors: &mut ValidationErrors) {
        if self.rights.is_empty() {
            errors.push("rights", "is required: grant at least read");
        }
        no_repeats(
            errors,
            "rights",
            &self
                .rights
                .iter()
                .map(|right| format!("{right:?}").to_lowercase())
                .collect::<Vec<_>>(),
        );
    }

    fn links(&self) -> Vec<Reference> {
        let grantee = match self.grantee {
            Grantee::User(id) => Reference::new("grantee", RecordKind::User, id),
            Grantee::Team(id) => Reference::new("grantee", RecordKind::Team, id),
        };
        vec![
            grantee,
            Reference::new("case_id", RecordKind::Case, self.case_id),
        ]
    }

    fn short_label(&self) -> String {
        let rights: Vec<String> = self
            .rights
            .iter()
            .map(|right| format!("{right:?}").to_lowercase())
            .collect();
        rights.join(", ")
    }
}
