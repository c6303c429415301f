//! Need-to-know access: which cases a record belongs to, which rights an actor holds on each
//! case, and the decisions made from the two. Every read and write of a record goes through
//! [`App::gate`]; nothing else in Amparo decides who may see what.
//!
//! The rules, in one table (ARCHITECTURE.md repeats it):
//!
//! | record | belongs to |
//! |---|---|
//! | case | itself |
//! | person, event, testimony, capture | its `case_ids` |
//! | proceeding, grant | its `case_id` |
//! | deadline | its `case_id`, else its proceeding's case |
//! | hearing, docket entry | its proceeding's case |
//! | custody period | its person's cases |
//! | act | its event's cases; involvement: its act's |
//! | document | its capture's cases; suggestion: its document's |
//! | information | its source's cases *and* its claim's cases (both must be readable) |
//! | organization, place | shared: every signed-in user reads them |
//! | user, team | accounts: administrators, the user themselves, a team's members |
//!
//! A record that belongs to no case is visible to administrators only. Rights come from grants
//! to a user or to a team the user is a member of, capped by the user's role (a viewer granted
//! `write` still only reads). The command line and Amparo's own background work act as
//! administrators. A disabled user holds no right at all, whatever their session says.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use amparo_model::records::{ClaimRef, Grantee, Right, Role, SourceRef};
use amparo_model::{Record, RecordKind};
use uuid::Uuid;

use crate::{Actor, App, AppError, VersionedRecord};

/// A set of [`Right`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rights(u8);

impl Rights {
    /// No right.
    pub const NONE: Rights = Rights(0);

    fn bit(right: Right) -> u8 {
        match right {
            Right::Read => 1,
            Right::Write => 2,
            Right::Sensitive => 4,
            Right::Review => 8,
            Right::Export => 16,
            Right::Manage => 32,
        }
    }

    /// The set of the rights given; any right implies `read`.
    pub fn of(rights: &[Right]) -> Rights {
        let mut set = Rights::NONE;
        for right in rights {
            set = set.with(*right);
        }
        set
    }

    /// This set and `right` (and `read`, which every right implies).
    pub fn with(self, right: Right) -> Rights {
        Rights(self.0 | Self::bit(right) | Self::bit(Right::Read))
    }

    /// Whether `right` is in the set.
    pub fn has(self, right: Right) -> bool {
        self.0 & Self::bit(right) != 0
    }

    /// The rights in both sets.
    pub fn and(self, other: Rights) -> Rights {
        Rights(self.0 & other.0)
    }

    /// The rights in either set.
    pub fn or(self, other: Rights) -> Rights {
        Rights(self.0 | other.0)
    }

    /// The rights, in a stable order.
    pub fn to_vec(self) -> Vec<Right> {
        RIGHTS_IN_ORDER
            .iter()
            .copied()
            .filter(|right| self.has(*right))
            .collect()
    }
}

const RIGHTS_IN_ORDER: [Right; 6] = [
    Right::Read,
    Right::Write,
    Right::Sensitive,
    Right::Review,
    Right::Export,
    Right::Manage,
];

/// The most a role can hold on a case, whatever it is granted.
pub fn role_ceiling(role: Role) -> Rights {
    match role {
        Role::Admin => Rights::of(&RIGHTS_IN_ORDER),
        Role::Documenter | Role::Lawyer => Rights::of(&[
            Right::Read,
            Right::Write,
            Right::Sensitive,
            Right::Review,
            Right::Export,
            Right::Manage,
        ]),
        Role::Reviewer => Rights::of(&[Right::Read, Right::Sensitive, Right::Review]),
        Role::Viewer => Rights::of(&[Right::Read, Right::Sensitive]),
    }
}

/// Whether a role may create and change shared records (organizations and places).
fn edits_shared(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Documenter | Role::Lawyer)
}

/// What one actor holds, resolved from the current users, teams and grants.
#[derive(Clone, Debug)]
pub struct Access {
    admin: bool,
    role: Role,
    user_id: Option<Uuid>,
    /// The rights per case, sorted by case id: looked up by binary search, which for the few
    /// cases a user holds rights on is several times faster than hashing a UUID, and list pages
    /// look up every record's cases.
    by_case: Vec<(Uuid, Rights)>,
}

impl Access {
    /// An administrator's access: every right on every record.
    pub fn admin() -> Access {
        Access {
            admin: true,
            role: Role::Admin,
            user_id: None,
            by_case: Vec::new(),
        }
    }

    fn nothing(user_id: Option<Uuid>) -> Access {
        Access {
            admin: false,
            role: Role::Viewer,
            user_id,
            by_case: Vec::new(),
        }
    }

    /// Whether the actor is an administrator (or the command line, or Amparo itself).
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// The signed-in user, if the actor is one.
    pub fn user_id(&self) -> Option<Uuid> {
        self.user_id
    }

    /// The role the rights are capped by (the user's current role, not the one at sign-in).
    pub fn role(&self) -> Role {
        self.role
    }

    /// The rights held on `case`.
    pub fn on_case(&self, case: Uuid) -> Rights {
        if self.admin {
            return role_ceiling(Role::Admin);
        }
        self.by_case
            .binary_search_by(|(held, _)| held.cmp(&case))
            .map_or(Rights::NONE, |found| self.by_case[found].1)
    }

    /// Whether `right` is held on `case`.
    pub fn holds(&self, right: Right, case: Uuid) -> bool {
        self.on_case(case).has(right)
    }

    /// The cases on which `right` is held (every case for an administrator is not listed:
    /// check [`Access::is_admin`] first).
    pub fn cases_with(&self, right: Right) -> Vec<Uuid> {
        // Already in case order.
        self.by_case
            .iter()
            .filter(|(_, rights)| rights.has(right))
            .map(|(case, _)| *case)
            .collect()
    }

    /// Whether `right` is held in the scope: on some case of each of its sets.
    pub(crate) fn holds_in(&self, right: Right, scope: &Scope) -> bool {
        if self.admin {
            return true;
        }
        match scope {
            Scope::Shared => match right {
                Right::Read => self.user_id.is_some(),
                Right::Write => edits_shared(self.role),
                _ => false,
            },
            Scope::Accounts(users) => {
                right == Right::Read && self.user_id.is_some_and(|user| users.contains(&user))
            }
            Scope::Cases(sets) => sets
                .iter()
                .all(|cases| cases.iter().any(|case| self.on_case(*case).has(right))),
        }
    }

    /// Whether the sensitive fields of a record in `scope` may be read: the `sensitive` right
    /// on one of the record's own cases (the first set), or the user's own account.
    pub(crate) fn reads_sensitive_in(&self, scope: &Scope) -> bool {
        if self.admin {
            return true;
        }
        match scope {
            Scope::Shared => false,
            Scope::Accounts(users) => self
                .user_id
                .is_some_and(|user| users.first() == Some(&user)),
            Scope::Cases(sets) => sets.first().is_some_and(|cases| {
                cases
                    .iter()
                    .any(|case| self.on_case(*case).has(Right::Sensitive))
            }),
        }
    }
}

/// Where a record belongs, for access.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every set must contain a case on which the right is held; the first set is the
    /// record's own cases. An empty set can never be satisfied: administrators only.
    Cases(Vec<Vec<Uuid>>),
    /// Organizations and places: read by every signed-in user.
    Shared,
    /// Users and teams: the users named (the first is a user record's own user).
    Accounts(Vec<Uuid>),
}

impl Scope {
    fn own(cases: impl IntoIterator<Item = Uuid>) -> Scope {
        Scope::Cases(vec![cases.into_iter().collect()])
    }

    /// The record's own cases (the first set), empty for shared records and accounts.
    pub(crate) fn own_cases(&self) -> &[Uuid] {
        match self {
            Scope::Cases(sets) => sets.first().map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }
}

/// An actor's access and the scopes of the parent records looked up so far: made once per use
/// case by [`App::gate`] and used for every record it touches.
pub(crate) struct Gate {
    pub(crate) access: Arc<Access>,
    /// Cases of parent records (a person for its custody periods, a capture for its documents),
    /// by id.
    parents: HashMap<Uuid, Vec<Uuid>>,
}

impl Gate {
    pub(crate) fn is_admin(&self) -> bool {
        self.access.is_admin()
    }

    /// A gate with every right, for Amparo's own lookups.
    pub(crate) fn admin() -> Gate {
        Gate {
            access: Arc::new(Access::admin()),
            parents: HashMap::new(),
        }
    }
}

impl App {
    /// What `actor` holds now. The command line and Amparo's background work are
    /// administrators; a signed-in user's role and rights are read from the current records,
    /// so a changed role, a withdrawn grant or a disabled account counts at once.
    pub async fn access(&self, actor: &Actor) -> Result<Arc<Access>, AppError> {
        let Some(user_id) = actor.user_id else {
            return Ok(Arc::new(if actor.role == Role::Admin {
                Access::admin()
            } else {
                Access::nothing(None)
            }));
        };
        // Resolved once per user and change to the installation.
        let epoch = self.views_at().await?;
        if let Some(access) = self.cached_access(user_id.0) {
            return Ok(access);
        }
        let access = Arc::new(self.resolve_access(user_id).await?);
        self.cache_access(epoch, user_id.0, access.clone());
        Ok(access)
    }

    async fn resolve_access(&self, user_id: amparo_model::UserId) -> Result<Access, AppError> {
        let users = self.current(RecordKind::User).await?;
        let user = users.iter().find(|version| version.id == user_id.0);
        let Some(Some(Record::User(user))) = user.map(|version| version.record.as_ref()) else {
            return Ok(Access::nothing(Some(user_id.0)));
        };
        if user.disabled {
            return Ok(Access::nothing(Some(user_id.0)));
        }
        if user.role == Role::Admin {
            return Ok(Access {
                user_id: Some(user_id.0),
                ..Access::admin()
            });
        }
        let teams: HashSet<Uuid> = self
            .current(RecordKind::Team)
            .await?
            .iter()
            .filter_map(|version| match &version.record {
                Some(Record::Team(team)) if team.member_ids.contains(&user_id) => Some(version.id),
                _ => None,
            })
            .collect();
        let ceiling = role_ceiling(user.role);
        let mut merged: HashMap<Uuid, Rights> = HashMap::new();
        for version in self.current(RecordKind::Grant).await?.iter() {
            let Some(Record::Grant(grant)) = &version.record else {
                continue;
            };
            let applies = match grant.grantee {
                Grantee::User(id) => id == user_id,
                Grantee::Team(id) => teams.contains(&id.0),
            };
            if applies {
                let rights = Rights::of(&grant.rights).and(ceiling);
                let entry = merged.entry(grant.case_id.0).or_default();
                *entry = entry.or(rights);
            }
        }
        let mut by_case: Vec<(Uuid, Rights)> = merged.into_iter().collect();
        by_case.sort_unstable_by_key(|(case, _)| *case);
        Ok(Access {
            admin: false,
            role: user.role,
            user_id: Some(user_id.0),
            by_case,
        })
    }

    /// The gate every use case passes its records through.
    pub(crate) async fn gate(&self, actor: &Actor) -> Result<Gate, AppError> {
        Ok(Gate {
            access: self.access(actor).await?,
            parents: HashMap::new(),
        })
    }

    /// The cases of a parent record (empty when it is gone), looked up once per gate.
    async fn parent_cases(
        &self,
        gate: &mut Gate,
        kind: RecordKind,
        id: Uuid,
    ) -> Result<Vec<Uuid>, AppError> {
        if let Some(cases) = gate.parents.get(&id) {
            return Ok(cases.clone());
        }
        // The current records' cases, from the views; a record missing there (deleted, or
        // written after the views were read) is looked up in the store.
        if let Some(cases) = Box::pin(self.parent_case_map(kind)).await?.get(&id) {
            gate.parents.insert(id, cases.clone());
            return Ok(cases.clone());
        }
        let record = match self.store.get(kind, id).await? {
            Some(stored) if !stored.deleted => Some(crate::records::decode(kind, stored.body)?),
            _ => None,
        };
        let cases = match record {
            Some(record) => {
                let scope = Box::pin(self.scope_of(gate, id, &record)).await?;
                scope.own_cases().to_vec()
            }
            None => Vec::new(),
        };
        gate.parents.insert(id, cases.clone());
        Ok(cases)
    }

    /// The cases a document belongs to (its capture's): what the records created from its
    /// review belong to.
    pub(crate) async fn document_cases(
        &self,
        document: &amparo_model::records::Document,
    ) -> Result<Vec<amparo_model::CaseId>, AppError> {
        let mut gate = Gate {
            access: Arc::new(Access::admin()),
            parents: HashMap::new(),
        };
        Ok(self
            .parent_cases(&mut gate, RecordKind::Capture, document.capture_id.0)
            .await?
            .into_iter()
            .map(amparo_model::CaseId)
            .collect())
    }

    /// Where a record belongs (see the table at the top of this module).
    pub(crate) async fn scope_of(
        &self,
        gate: &mut Gate,
        id: Uuid,
        record: &Record,
    ) -> Result<Scope, AppError> {
        let ids =
            |cases: &[amparo_model::CaseId]| cases.iter().map(|case| case.0).collect::<Vec<_>>();
        Ok(match record {
            Record::Case(_) => Scope::own([id]),
            Record::Person(person) => Scope::own(ids(&person.case_ids)),
            Record::Event(event) => Scope::own(ids(&event.case_ids)),
            Record::Testimony(testimony) => Scope::own(ids(&testimony.case_ids)),
            Record::Capture(capture) => Scope::own(ids(&capture.case_ids)),
            Record::Proceeding(proceeding) => Scope::own([proceeding.case_id.0]),
            Record::Grant(grant) => Scope::own([grant.case_id.0]),
            Record::Deadline(deadline) => match (deadline.case_id, deadline.proceeding_id) {
                (Some(case), _) => Scope::own([case.0]),
                (None, Some(proceeding)) => Scope::own(
                    self.parent_cases(gate, RecordKind::Proceeding, proceeding.0)
                        .await?,
                ),
                (None, None) => Scope::own([]),
            },
            Record::Hearing(hearing) => match hearing.proceeding_id {
                Some(proceeding) => Scope::own(
                    self.parent_cases(gate, RecordKind::Proceeding, proceeding.0)
                        .await?,
                ),
                None => Scope::own([]),
            },
            Record::DocketEntry(entry) => match entry.proceeding_id {
                Some(proceeding) => Scope::own(
                    self.parent_cases(gate, RecordKind::Proceeding, proceeding.0)
                        .await?,
                ),
                None => Scope::own([]),
            },
            Record::CustodyPeriod(period) => Scope::own(
                self.parent_cases(gate, RecordKind::Person, period.person_id.0)
                    .await?,
            ),
            Record::Act(act) => Scope::own(
                self.parent_cases(gate, RecordKind::Event, act.event_id.0)
                    .await?,
            ),
            Record::Involvement(involvement) => Scope::own(
                self.parent_cases(gate, RecordKind::Act, involvement.act_id.0)
                    .await?,
            ),
            Record::Document(document) => Scope::own(
                self.parent_cases(gate, RecordKind::Capture, document.capture_id.0)
                    .await?,
            ),
            Record::Suggestion(suggestion) => Scope::own(
                self.parent_cases(gate, RecordKind::Document, suggestion.document_id.0)
                    .await?,
            ),
            Record::Information(information) => {
                let source = match information.source {
                    SourceRef::Capture(id) => (RecordKind::Capture, id.0),
                    SourceRef::Testimony(id) => (RecordKind::Testimony, id.0),
                    SourceRef::Document(id) => (RecordKind::Document, id.0),
                };
                let mut sets = vec![self.parent_cases(gate, source.0, source.1).await?];
                let claim = match information.claim {
                    ClaimRef::Event(id) => Some((RecordKind::Event, id.0)),
                    ClaimRef::Act(id) => Some((RecordKind::Act, id.0)),
                    ClaimRef::Person(id) => Some((RecordKind::Person, id.0)),
                    ClaimRef::CustodyPeriod(id) => Some((RecordKind::CustodyPeriod, id.0)),
                    ClaimRef::Organization(_) | ClaimRef::Place(_) => None,
                };
                if let Some((kind, id)) = claim {
                    sets.push(self.parent_cases(gate, kind, id).await?);
                }
                Scope::Cases(sets)
            }
            Record::Organization(_) | Record::Place(_) => Scope::Shared,
            Record::User(_) => Scope::Accounts(vec![id]),
            Record::Team(team) => {
                Scope::Accounts(team.member_ids.iter().map(|member| member.0).collect())
            }
        })
    }

    /// The record as `gate`'s actor may see it: `None` when they may not see it at all,
    /// otherwise with its sensitive fields removed unless they may read them. A tombstone is
    /// seen by whoever could see the version before it.
    pub(crate) async fn admit(
        &self,
        gate: &mut Gate,
        mut version: VersionedRecord,
    ) -> Result<Option<VersionedRecord>, AppError> {
        if gate.is_admin() {
            return Ok(Some(version));
        }
        let scope = match &version.record {
            Some(record) => self.scope_of(gate, version.id, record).await?,
            None => {
                let before = match version.version {
                    0 | 1 => None,
                    number => {
                        self.store
                            .get_version(version.kind, version.id, number - 1)
                            .await?
                    }
                };
                match before {
                    Some(stored) if !stored.deleted => {
                        let record = crate::records::decode(stored.kind, stored.body)?;
                        self.scope_of(gate, version.id, &record).await?
                    }
                    _ => return Ok(None),
                }
            }
        };
        if !gate.access.holds_in(Right::Read, &scope) {
            return Ok(None);
        }
        if !gate.access.reads_sensitive_in(&scope)
            && let Some(record) = &mut version.record
        {
            record.strip_sensitive();
        }
        Ok(Some(version))
    }

    /// Refuses unless the gate's actor holds `right` on the record (in every case set of its
    /// scope); `what` completes "you may not …".
    pub(crate) async fn require_on(
        &self,
        gate: &mut Gate,
        right: Right,
        id: Uuid,
        record: &Record,
        what: &str,
    ) -> Result<Scope, AppError> {
        let scope = self.scope_of(gate, id, record).await?;
        if gate.access.holds_in(right, &scope) {
            return Ok(scope);
        }
        let why = match &scope {
            Scope::Cases(sets) if sets.iter().any(Vec::is_empty) => {
                " (it belongs to no case, so only administrators may)".to_owned()
            }
            Scope::Cases(_) => format!(
                " (it needs the {} right on its case)",
                format!("{right:?}").to_lowercase()
            ),
            Scope::Shared => {
                " (organizations and places are changed by documenters, lawyers and administrators)"
                    .to_owned()
            }
            Scope::Accounts(_) => " (accounts are managed by administrators)".to_owned(),
        };
        Err(AppError::Forbidden {
            action: format!("{what}{why}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_right_implies_read() {
        assert!(Rights::of(&[Right::Write]).has(Right::Read));
        assert!(Rights::of(&[Right::Sensitive]).has(Right::Read));
        assert!(!Rights::of(&[Right::Read]).has(Right::Write));
        assert!(!Rights::NONE.has(Right::Read));
    }

    #[test]
    fn roles_cap_what_grants_give() {
        let granted = Rights::of(&RIGHTS_IN_ORDER);
        let viewer = granted.and(role_ceiling(Role::Viewer));
        assert_eq!(viewer.to_vec(), vec![Right::Read, Right::Sensitive]);
        let reviewer = granted.and(role_ceiling(Role::Reviewer));
        assert_eq!(
            reviewer.to_vec(),
            vec![Right::Read, Right::Sensitive, Right::Review]
        );
        assert!(granted.and(role_ceiling(Role::Lawyer)).has(Right::Write));
    }

    fn user_with(case: Uuid, rights: &[Right], role: Role) -> Access {
        Access {
            admin: false,
            role,
            user_id: Some(Uuid::from_u128(7)),
            by_case: vec![(case, Rights::of(rights).and(role_ceiling(role)))],
        }
    }

    #[test]
    fn a_scope_needs_a_case_in_every_set() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let access = user_with(a, &[Right::Read], Role::Documenter);
        assert!(access.holds_in(Right::Read, &Scope::own([a, b])));
        assert!(!access.holds_in(Right::Read, &Scope::own([b])));
        assert!(!access.holds_in(Right::Read, &Scope::own([])));
        assert!(!access.holds_in(Right::Read, &Scope::Cases(vec![vec![a], vec![b]])));
        assert!(!access.holds_in(Right::Write, &Scope::own([a])));
        assert!(Access::admin().holds_in(Right::Write, &Scope::own([])));
    }

    #[test]
    fn sensitive_fields_need_the_right_on_the_records_own_cases() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let access = user_with(a, &[Right::Sensitive], Role::Viewer);
        assert!(access.reads_sensitive_in(&Scope::own([a])));
        assert!(!access.reads_sensitive_in(&Scope::Cases(vec![vec![b], vec![a]])));
        let plain = user_with(a, &[Right::Read], Role::Viewer);
        assert!(!plain.reads_sensitive_in(&Scope::own([a])));
    }

    #[test]
    fn shared_records_and_accounts() {
        let access = user_with(Uuid::from_u128(1), &[Right::Read], Role::Viewer);
        assert!(access.holds_in(Right::Read, &Scope::Shared));
        assert!(!access.holds_in(Right::Write, &Scope::Shared));
        let documenter = user_with(Uuid::from_u128(1), &[Right::Read], Role::Documenter);
        assert!(documenter.holds_in(Right::Write, &Scope::Shared));
        let own = Scope::Accounts(vec![Uuid::from_u128(7)]);
        assert!(access.holds_in(Right::Read, &own));
        assert!(!access.holds_in(Right::Write, &own));
        assert!(access.reads_sensitive_in(&own));
        assert!(!access.holds_in(Right::Read, &Scope::Accounts(vec![Uuid::from_u128(8)])));
    }
}
