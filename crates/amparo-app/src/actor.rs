//! Who is acting: every use case takes an [`Actor`], so that access is decided in one place.

use amparo_model::UserId;
use amparo_model::records::Role;

/// How the actor reached Amparo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// The `amparo` command line, run by someone who can read the data directory.
    Cli,
    /// A signed-in web or API session.
    Web,
    /// Amparo itself, working in the background (the feed poller).
    System,
}

/// The user on whose behalf a use case runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user record, absent for the command line's operating-system user.
    pub user_id: Option<UserId>,
    /// The sign-in name, or the operating-system user for the CLI.
    pub name: String,
    /// The role that decides what the actor may do.
    pub role: Role,
    /// How the actor reached Amparo.
    pub channel: Channel,
}

impl Actor {
    /// The command line acting as the installation's administrator, recording the
    /// operating-system user.
    pub fn cli(os_user: &str) -> Self {
        Self {
            user_id: None,
            name: os_user.to_owned(),
            role: Role::Admin,
            channel: Channel::Cli,
        }
    }

    /// Amparo itself doing background work named `task` (`feeds`), with the rights of an
    /// administrator; recorded as `system:<task>`.
    pub fn system(task: &str) -> Self {
        Self {
            user_id: None,
            name: task.to_owned(),
            role: Role::Admin,
            channel: Channel::System,
        }
    }

    /// A signed-in user.
    pub fn user(user_id: UserId, name: &str, role: Role) -> Self {
        Self {
            user_id: Some(user_id),
            name: name.to_owned(),
            role,
            channel: Channel::Web,
        }
    }

    /// How the actor is written into record versions: `cli:alice`, `user:bob` or
    /// `system:feeds`.
    pub fn label(&self) -> String {
        match self.channel {
            Channel::Cli => format!("cli:{}", self.name),
            Channel::Web => format!("user:{}", self.name),
            Channel::System => format!("system:{}", self.name),
        }
    }

    /// Whether the actor's role may create and change records somewhere (administrators,
    /// documenters and lawyers): what the interface offers. Whether a given record may be
    /// changed is decided per case by the use case itself.
    pub fn may_write(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Documenter | Role::Lawyer)
    }

    /// Whether the actor's role may decide on suggestions somewhere (and so see the review
    /// queue's actions).
    pub fn may_review(&self) -> bool {
        self.may_write() || self.role == Role::Reviewer
    }

    /// Whether the actor is an administrator by role (for what the interface offers; the use
    /// cases check the current role).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}
