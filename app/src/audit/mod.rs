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

/// Swedish name of an audited field.
pub fn field_label(field: &str) -> &str {
    match field {
        "name" => "Namn",
        "email" => "E-post",
        "roles" => "Roller",
        "active" => "Aktivt konto",
        "password" => "Lösenord",
        "password_link" => "Lösenordslänk",
        "path" => "Sida",
        "status" => "Status",
        "summary" => "Beskrivning",
        "target_group" => "Målgrupp",
        "owner_names" => "Ägare",
        "start" => "Start",
        "end" => "Slut",
        "budget_sek" => "Budget (kr)",
        "repayment" => "Återföring",
        "parties" => "Parter",
        "leads" => "Projektledare",
        "code" => "Kod",
        "unit" => "Enhet",
        "target" => "Målvärde",
        "baseline" => "Baslinje",
        "retired" => "Ur bruk",
        "position" => "Ordning",
        "file_name" => "Fil",
        other => other,
    }
}

#[cfg(feature = "ssr")]
/// Turns a stored `changes` JSON object into (field label, before, after) rows for display.
pub fn describe_changes(changes: &str) -> Vec<(String, String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(changes)
    else {
        return Vec::new();
    };
    let show = |value: Option<&serde_json::Value>| match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Bool(true)) => "ja".into(),
        Some(serde_json::Value::Bool(false)) => "nej".into(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    };
    map.iter()
        .map(|(field, value)| match value {
            serde_json::Value::Object(pair) => (
                field_label(field).to_string(),
                show(pair.get("before")),
                show(pair.get("after")),
            ),
            other => (
                field_label(field).to_string(),
                String::new(),
                show(Some(other)),
            ),
        })
        .collect()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn changes_are_described_in_swedish() {
        let rows = describe_changes(
            r#"{"name":{"before":"Anna","after":"Anna B"},"active":{"before":true,"after":false},"roles":{"after":["admin","lasare"]}}"#,
        );
        assert!(rows.contains(&("Namn".into(), "Anna".into(), "Anna B".into())));
        assert!(rows.contains(&("Aktivt konto".into(), "ja".into(), "nej".into())));
        assert!(rows.contains(&("Roller".into(), String::new(), "admin, lasare".into())));
        assert!(describe_changes("not json").is_empty());
    }
}

/// Who changes what, for the audit row: a user of an organisation (`CurrentUser::actor`).
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: i64,
    pub organisation_id: i64,
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
