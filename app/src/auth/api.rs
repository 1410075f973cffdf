//! Server functions for account administration and choosing a password. Each one authorizes,
//! validates, calls the repository and maps errors; nothing else.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Role;
use crate::error::AppError;
use crate::form::Saved;

/// One user in the admin list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<Role>,
}

/// The users of the admin's own organisation.
#[server(endpoint = "anvandare/lista")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let user = super::require(&[Role::Admin]).await?;
    let db = expect_context::<crate::db::Db>();
    let rows = super::repo::list(&db, user.organisation_id).await?;
    Ok(rows
        .into_iter()
        .map(|(row, roles)| UserSummary {
            id: row.id,
            name: row.name,
            email: row.email,
            active: row.active,
            roles,
        })
        .collect())
}

/// One user of the admin's organisation, for the edit form.
#[server(endpoint = "anvandare/hamta")]
pub async fn get_user(id: i64) -> Result<UserSummary, AppError> {
    let user = super::require(&[Role::Admin]).await?;
    let db = expect_context::<crate::db::Db>();
    let detail = super::repo::get_user(&db, user.organisation_id, id).await?;
    Ok(UserSummary {
        id: detail.id,
        name: detail.name,
        email: detail.email,
        active: detail.active,
        roles: detail.roles,
    })
}

/// Creates an account and e-mails a link for choosing a password (valid 7 days). A new account
/// is active: the form's `active` is not read.
#[server(endpoint = "anvandare/skapa")]
pub async fn create_user(user: super::UserForm) -> Result<Saved, AppError> {
    use super::repo::NewUser;
    let admin = super::require(&[Role::Admin]).await?;
    let input = super::UserInput::parse(&user)?;
    let db = expect_context::<crate::db::Db>();
    let now = chrono::Utc::now();
    // Nobody knows this password: the person chooses their own through the link.
    let unusable = super::password::hash(super::session::new_token()).await?;
    let new_user = NewUser {
        organisation_id: admin.organisation_id,
        name: input.name.clone(),
        email: input.email.clone(),
        password_hash: unusable,
        roles: input.roles.clone(),
    };
    let id = super::repo::create_user(&db, Some(admin.id), &new_user, now).await?;
    let actor = admin.actor();
    let mail = link_mail(
        &input.name,
        &input.email,
        super::link_mail::LinkKind::Welcome {
            by: admin.name.clone(),
        },
    );
    super::repo::create_password_link(
        &db,
        Some(actor),
        admin.organisation_id,
        id,
        chrono::TimeDelta::days(7),
        now,
        Some(&mail),
    )
    .await?;
    crate::outbox::wake();
    Ok(Saved {
        redirect: format!("/admin/anvandare/{id}?skapad=1"),
    })
}

/// Saves changes to an account (name, e-mail, roles, active). Deactivating ends its sessions.
#[server(endpoint = "anvandare/andra")]
pub async fn update_user(id: i64, user: super::UserForm) -> Result<Saved, AppError> {
    let admin = super::require(&[Role::Admin]).await?;
    let input = super::UserInput::parse(&user)?;
    let db = expect_context::<crate::db::Db>();
    let actor = admin.actor();
    super::repo::update_user(&db, actor, id, &input, user.active, chrono::Utc::now()).await?;
    super::session::forget_user_here(id);
    Ok(Saved {
        redirect: format!("/admin/anvandare/{id}?sparad=1"),
    })
}

/// E-mails a new one-time link for choosing a password (valid 2 hours).
#[server(endpoint = "anvandare/losenordslank")]
pub async fn send_password_link(id: i64) -> Result<Saved, AppError> {
    let admin = super::require(&[Role::Admin]).await?;
    let db = expect_context::<crate::db::Db>();
    let user = super::repo::get_user(&db, admin.organisation_id, id).await?;
    if !user.active {
        return Err(AppError::BadRequest(
            "Kontot är inaktiverat. Aktivera det först.".into(),
        ));
    }
    let actor = admin.actor();
    let mail = link_mail(&user.name, &user.email, super::link_mail::LinkKind::Reset);
    super::repo::create_password_link(
        &db,
        Some(actor),
        admin.organisation_id,
        id,
        chrono::TimeDelta::hours(2),
        chrono::Utc::now(),
        Some(&mail),
    )
    .await?;
    crate::outbox::wake();
    Ok(Saved {
        redirect: format!("/admin/anvandare/{id}?lank=skickad"),
    })
}

/// Chooses a new password through a one-time link. Ends every session of the account.
#[server(endpoint = "losenord/valj")]
pub async fn set_password(
    token: String,
    losenord: String,
    losenord2: String,
) -> Result<Saved, AppError> {
    use crate::error::FieldError;
    let mut errors = Vec::new();
    if let Some(problem) = super::password_problem(&losenord) {
        errors.push(FieldError {
            field: "losenord".into(),
            message: problem,
        });
    } else if losenord != losenord2 {
        errors.push(FieldError {
            field: "losenord2".into(),
            message: "Lösenorden är inte likadana. Skriv samma lösenord två gånger.".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let db = expect_context::<crate::db::Db>();
    let hash = super::password::hash(losenord).await?;
    let user_id = super::repo::use_password_link(&db, &token, &hash, chrono::Utc::now()).await?;
    super::session::forget_user_here(user_id);
    Ok(Saved {
        redirect: "/logga-in?losenord=1".into(),
    })
}

/// The password mail for `name` at `email`, with links at the configured base URL. It is
/// queued in the outbox with the link; the worker sends it (and retries while SMTP is down).
#[cfg(feature = "ssr")]
fn link_mail(
    name: &str,
    email: &str,
    kind: super::link_mail::LinkKind,
) -> super::link_mail::LinkMail {
    super::link_mail::LinkMail {
        kind,
        name: name.to_string(),
        email: email.to_string(),
        base_url: expect_context::<crate::mail::BaseUrl>().0,
    }
}
