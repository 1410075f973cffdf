//! Server functions: the user's own reminder settings (Mina inställningar) and the Utskick
//! page (admin).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::auth::Role;
use crate::error::AppError;
use crate::form::Saved;
use crate::outbox::{OutboxMessage, OutboxSummary};

/// One reminder type as the profile shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeChoice {
    pub id: String,
    pub label: String,
    pub description: String,
    pub on: bool,
}

/// Mina inställningar: who is signed in and their reminder choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileData {
    pub name: String,
    pub email: String,
    pub types: Vec<TypeChoice>,
}

#[cfg(feature = "ssr")]
fn choices(off: &[String]) -> Vec<TypeChoice> {
    super::TYPES
        .iter()
        .map(|t| TypeChoice {
            id: t.id.into(),
            label: t.label.into(),
            description: t.description.into(),
            on: !off.iter().any(|o| o == t.id),
        })
        .collect()
}

/// The signed-in user's profile.
#[server(endpoint = "profil")]
pub async fn profile() -> Result<ProfileData, AppError> {
    let user = crate::auth::require(&Role::ALL).await?;
    let db = expect_context::<crate::db::Db>();
    let off = super::repo::types_off(&db, user.id).await?;
    Ok(ProfileData {
        name: user.name,
        email: user.email,
        types: choices(&off),
    })
}

/// Saves which reminder types the signed-in user wants.
#[server(endpoint = "profil/paminnelser")]
pub async fn save_reminder_settings(settings: super::SettingsForm) -> Result<Saved, AppError> {
    let user = crate::auth::require(&Role::ALL).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::set_types_off(&db, user.actor(), &settings.off(), chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: "/profil?sparad=1".into(),
    })
}

/// One user's reminder settings, for the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSettings {
    pub name: String,
    pub email: String,
    pub active: bool,
    pub types: Vec<TypeChoice>,
}

/// The Utskick page: the filtered messages and everyone's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxData {
    pub rows: Vec<OutboxSummary>,
    /// More rows matched than are shown.
    pub more: bool,
    /// The type filter's choices: (kind, label).
    pub kinds: Vec<(String, String)>,
    pub everyone: Vec<UserSettings>,
}

/// Utskick: the organisation's messages, newest first, filtered by status ("vantar",
/// "skickad", "misslyckad") and type; plus every user's reminder settings.
#[server(endpoint = "utskick/lista")]
pub async fn outbox_list(status: String, typ: String) -> Result<OutboxData, AppError> {
    let user = crate::auth::require(&[Role::Admin]).await?;
    let db = expect_context::<crate::db::Db>();
    let filter = crate::outbox::OutboxFilter {
        status: crate::outbox::Status::from_slug(&status),
        kind: (!typ.trim().is_empty()).then(|| typ.trim().to_string()),
    };
    let mut rows = crate::outbox::repo::list(&db, user.organisation_id, &filter).await?;
    let more = rows.len() as i64 > crate::outbox::LIST_LIMIT;
    rows.truncate(crate::outbox::LIST_LIMIT as usize);
    let mut kinds: Vec<String> = super::TYPES.iter().map(|t| t.id.to_string()).collect();
    kinds.push(crate::outbox::KIND_PASSWORD_LINK.into());
    for kind in crate::outbox::repo::kinds(&db, user.organisation_id).await? {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let everyone = super::repo::everyone(&db, user.organisation_id)
        .await?
        .into_iter()
        .map(|(_, name, email, active, off)| UserSettings {
            name,
            email,
            active,
            types: choices(&off),
        })
        .collect();
    Ok(OutboxData {
        rows,
        more,
        kinds: kinds
            .into_iter()
            .map(|k| {
                let label = super::kind_label(&k).to_string();
                (k, label)
            })
            .collect(),
        everyone,
    })
}

/// One message as it was (or will be) sent.
#[server(endpoint = "utskick/hamta")]
pub async fn outbox_entry(id: i64) -> Result<OutboxMessage, AppError> {
    let user = crate::auth::require(&[Role::Admin]).await?;
    let db = expect_context::<crate::db::Db>();
    crate::outbox::repo::get(&db, user.organisation_id, id).await
}

/// "Skicka igen": the message is due again with fresh attempts.
#[server(endpoint = "utskick/skicka-igen")]
pub async fn resend_message(id: i64) -> Result<Saved, AppError> {
    let user = crate::auth::require(&[Role::Admin]).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::resend(&db, user.actor(), id, chrono::Utc::now()).await?;
    crate::outbox::wake();
    Ok(Saved {
        redirect: format!("/utskick/{id}?igen=1"),
    })
}
