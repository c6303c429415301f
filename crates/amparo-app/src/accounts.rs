//! Managing who may do what, by name: users' roles, teams and their members, and grants of
//! rights on a case (what `amparo user`, `amparo team` and `amparo grant` do). Each change is an
//! ordinary record write, so it is validated, versioned, entered in the evidence log and audited
//! like any other change to access.

use amparo_model::records::{Case, Grant, Grantee, Right, Role, Team, User};
use amparo_model::{CaseId, TeamId, UserId};
use uuid::Uuid;

use crate::{Actor, App, AppError, Versioned};

/// Who a grant is for, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GranteeName {
    /// A user's sign-in name.
    User(String),
    /// A team's name.
    Team(String),
}

/// A grant as listed: its id and version, the case and grantee by name, and the rights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantInfo {
    /// The grant record's id.
    pub id: Uuid,
    /// Its current version.
    pub version: u32,
    /// The case's id.
    pub case_id: Uuid,
    /// The case's reference, else its title.
    pub case: String,
    /// `user:NAME` or `team:NAME`.
    pub grantee: String,
    /// The rights, in kebab-case.
    pub rights: Vec<String>,
}

/// Parses `read,write,sensitive` into rights.
pub fn parse_rights(text: &str) -> Result<Vec<Right>, AppError> {
    let mut rights = Vec::new();
    for word in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
    {
        let right = match word.to_ascii_lowercase().as_str() {
            "read" => Right::Read,
            "write" => Right::Write,
            "sensitive" => Right::Sensitive,
            "review" => Right::Review,
            "export" | "publish" => Right::Export,
            "manage" => Right::Manage,
            other => {
                return Err(AppError::NotAllowed(format!(
                    "{other:?} is not a right; use read, write, sensitive, review, export or manage"
                )));
            }
        };
        if !rights.contains(&right) {
            rights.push(right);
        }
    }
    if rights.is_empty() {
        return Err(AppError::NotAllowed(
            "name at least one right: read, write, sensitive, review, export or manage".to_owned(),
        ));
    }
    Ok(rights)
}

fn right_name(right: Right) -> &'static str {
    match right {
        Right::Read => "read",
        Right::Write => "write",
        Right::Sensitive => "sensitive",
        Right::Review => "review",
        Right::Export => "export",
        Right::Manage => "manage",
    }
}

impl App {
    async fn user_by_name(&self, actor: &Actor, name: &str) -> Result<Versioned<User>, AppError> {
        let users: Vec<Versioned<User>> = self.list(actor).await?;
        users
            .into_iter()
            .find(|user| user.body.username == name)
            .ok_or_else(|| AppError::NotAllowed(format!("there is no user named {name}")))
    }

    async fn team_by_name(&self, actor: &Actor, name: &str) -> Result<Versioned<Team>, AppError> {
        let teams: Vec<Versioned<Team>> = self.list(actor).await?;
        teams
            .into_iter()
            .find(|team| team.body.name == name)
            .ok_or_else(|| AppError::NotAllowed(format!("there is no team named {name}")))
    }

    /// A case by its id, its reference (`CECOT-2025`) or its exact title.
    pub async fn case_named(&self, actor: &Actor, name: &str) -> Result<Versioned<Case>, AppError> {
        let cases: Vec<Versioned<Case>> = self.list(actor).await?;
        let wanted = name.trim();
        let id = Uuid::parse_str(wanted).ok();
        let mut found = cases.into_iter().filter(|case| {
            Some(case.id) == id
                || (!case.body.reference.is_empty() && case.body.reference == wanted)
                || case.body.title == wanted
        });
        match (found.next(), found.next()) {
            (Some(case), None) => Ok(case),
            (Some(_), Some(_)) => Err(AppError::NotAllowed(format!(
                "more than one case is called {wanted:?}; give its id"
            ))),
            (None, _) => Err(AppError::NotAllowed(format!(
                "there is no case {wanted:?}; give its id, its reference or its title"
            ))),
        }
    }

    /// Every user, for administrators.
    pub async fn users(&self, actor: &Actor) -> Result<Vec<Versioned<User>>, AppError> {
        self.require_admin_role(actor, "list users").await?;
        self.list(actor).await
    }

    /// Changes a user's role; administrators only. The change counts at the user's next
    /// request.
    pub async fn set_user_role(
        &self,
        actor: &Actor,
        username: &str,
        role: Role,
    ) -> Result<Versioned<User>, AppError> {
        self.require_admin_role(actor, "change roles").await?;
        let user = self.user_by_name(actor, username).await?;
        if user.body.role == role {
            return Ok(user);
        }
        let body = User {
            role,
            ..user.body.clone()
        };
        self.update(actor, user.id, user.version, body).await
    }

    /// Creates a team with its first members; administrators only.
    pub async fn create_team(
        &self,
        actor: &Actor,
        name: &str,
        members: &[String],
    ) -> Result<Versioned<Team>, AppError> {
        self.require_admin_role(actor, "create teams").await?;
        if self.team_by_name(actor, name).await.is_ok() {
            return Err(AppError::NotAllowed(format!(
                "a team named {name} already exists"
            )));
        }
        let mut member_ids = Vec::new();
        for member in members {
            let id = UserId(self.user_by_name(actor, member).await?.id);
            if !member_ids.contains(&id) {
                member_ids.push(id);
            }
        }
        self.create(
            actor,
            Team {
                name: name.to_owned(),
                description: String::new(),
                member_ids,
            },
        )
        .await
    }

    /// Adds and removes members of a team; administrators only.
    pub async fn change_team_members(
        &self,
        actor: &Actor,
        name: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<Versioned<Team>, AppError> {
        self.require_admin_role(actor, "change teams").await?;
        let team = self.team_by_name(actor, name).await?;
        let mut members = team.body.member_ids.clone();
        for name in add {
            let id = UserId(self.user_by_name(actor, name).await?.id);
            if !members.contains(&id) {
                members.push(id);
            }
        }
        for name in remove {
            let id = UserId(self.user_by_name(actor, name).await?.id);
            members.retain(|member| *member != id);
        }
        let body = Team {
            member_ids: members,
            ..team.body.clone()
        };
        self.update(actor, team.id, team.version, body).await
    }

    /// Every team, for administrators.
    pub async fn teams(&self, actor: &Actor) -> Result<Vec<Versioned<Team>>, AppError> {
        self.require_admin_role(actor, "list teams").await?;
        self.list(actor).await
    }

    /// Grants rights on a case to a user or a team. Administrators, and holders of the manage
    /// right on the case, may.
    pub async fn grant_rights(
        &self,
        actor: &Actor,
        case: &str,
        grantee: &GranteeName,
        rights: Vec<Right>,
    ) -> Result<Versioned<Grant>, AppError> {
        let case = self.case_named(actor, case).await?;
        let grantee = match grantee {
            GranteeName::User(name) => Grantee::User(UserId(
                self.user_by_name(&Actor::system("accounts"), name)
                    .await?
                    .id,
            )),
            GranteeName::Team(name) => Grantee::Team(TeamId(
                self.team_by_name(&Actor::system("accounts"), name)
                    .await?
                    .id,
            )),
        };
        self.create(
            actor,
            Grant {
                grantee,
                case_id: CaseId(case.id),
                rights,
            },
        )
        .await
    }

    /// The grants the actor may see (all of them for administrators), with names.
    pub async fn grants(&self, actor: &Actor) -> Result<Vec<GrantInfo>, AppError> {
        let system = Actor::system("accounts");
        let grants: Vec<Versioned<Grant>> = self.list(actor).await?;
        let users: Vec<Versioned<User>> = self.list(&system).await?;
        let teams: Vec<Versioned<Team>> = self.list(&system).await?;
        let cases: Vec<Versioned<Case>> = self.list(&system).await?;
        Ok(grants
            .into_iter()
            .map(|grant| {
                let grantee = match grant.body.grantee {
                    Grantee::User(id) => format!(
                        "user:{}",
                        users
                            .iter()
                            .find(|user| user.id == id.0)
                            .map_or_else(|| id.0.to_string(), |user| user.body.username.clone())
                    ),
                    Grantee::Team(id) => format!(
                        "team:{}",
                        teams
                            .iter()
                            .find(|team| team.id == id.0)
                            .map_or_else(|| id.0.to_string(), |team| team.body.name.clone())
                    ),
                };
                let case = cases
                    .iter()
                    .find(|case| case.id == grant.body.case_id.0)
                    .map_or_else(String::new, |case| {
                        if case.body.reference.is_empty() {
                            case.body.title.clone()
                        } else {
                            case.body.reference.clone()
                        }
                    });
                GrantInfo {
                    id: grant.id,
                    version: grant.version,
                    case_id: grant.body.case_id.0,
                    case,
                    grantee,
                    rights: grant
                        .body
                        .rights
                        .iter()
                        .map(|right| right_name(*right).to_owned())
                        .collect(),
                }
            })
            .collect())
    }

    /// Withdraws a grant.
    pub async fn withdraw_grant(&self, actor: &Actor, id: Uuid) -> Result<(), AppError> {
        let grant: Versioned<Grant> = self.get(actor, id).await?;
        self.delete_record(actor, amparo_model::RecordKind::Grant, id, grant.version)
            .await?;
        Ok(())
    }
}
