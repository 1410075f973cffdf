//! Audit: the append-only trail of who changed what (shown by `crate::history`).
//!
//! Every create/update/delete of domain data, every login, failed login and denied access is
//! one row: who, what, which object, before/after of changed fields, when (UTC). The row is
//! written with [`record`] inside the same [`Tx`](crate::db::Tx) as the change, so a change
//! that rolls back leaves no audit row and no change goes unrecorded. The database refuses
//! UPDATE and DELETE on the table (triggers), and the app has no code path for either.

#[cfg(feature = "ssr")]
pub mod repo;

use serde::{Deserialize, Serialize};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Create,
    Update,
    Delete,
    Login,
    LoginFailed,
    Logout,
    AccessDenied,
}

impl Action {
    /// Stored value.
    pub fn as_db(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Logout => "logout",
            Action::AccessDenied => "access_denied",
        }
    }

    /// Swedish label for the Historik view.
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "Skapad",
            Action::Update => "Ändrad",
            Action::Delete => "Borttagen",
            Action::Login => "Inloggning",
            Action::LoginFailed => "Misslyckad inloggning",
            Action::Logout => "Utloggning",
            Action::AccessDenied => "Nekad åtkomst",
        }
    }
}

impl Action {
    /// Parses the stored value.
    pub fn from_db(value: &str) -> Option<Action> {
        [
            Action::Create,
            Action::Update,
            Action::Delete,
            Action::Login,
            Action::LoginFailed,
            Action::Logout,
            Action::AccessDenied,
        ]
        .into_iter()
        .find(|a| a.as_db() == value)
    }
}

/// Who changes what, for the audit row: a user of an organisation (`CurrentUser::actor`).
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: i64,
    pub organisation_id: i64,
}

/// Who an audit row names: a person (an [`Actor`]) or Utfall itself, when a scheduled job
/// makes the change (the automatic survey transfer); then the row has no user.
#[derive(Debug, Clone, Copy)]
pub struct Agent {
    pub user_id: Option<i64>,
    pub organisation_id: i64,
}

impl Agent {
    /// Utfall itself, acting in `organisation_id`.
    pub fn system(organisation_id: i64) -> Self {
        Agent {
            user_id: None,
            organisation_id,
        }
    }
}

impl From<Actor> for Agent {
    fn from(actor: Actor) -> Self {
        Agent {
            user_id: Some(actor.user_id),
            organisation_id: actor.organisation_id,
        }
    }
}

/// One audit row to write.
#[derive(Debug, Clone)]
pub struct Event {
    pub organisation_id: Option<i64>,
    /// The user who did it; `None` for anonymous (failed login with unknown e-mail).
    pub actor_user_id: Option<i64>,
    pub action: Action,
    /// Table-like name of the object, e.g. "user_account", "satsning".
    pub object_type: &'static str,
    pub object_id: Option<i64>,
    /// JSON object: `{"field": {"before": …, "after": …}}` or other details.
    pub changes: String,
    pub ip: Option<String>,
}
