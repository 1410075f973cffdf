//! SQL for reminders: who may get them (active users, by role) and who turned which type off.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::audit::{Action, Actor, Event, repo::record};
use crate::auth::Role;
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, on_tx};

/// Someone a reminder can go to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recipient {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// The organisation's active users (deactivated ones get nothing).
pub async fn active_users(db: &Db, organisation_id: i64) -> Result<Vec<Recipient>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, email FROM user_account
             WHERE organisation_id = $1 AND active = TRUE ORDER BY name, id",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?)
}

/// The organisation's active users with `role`.
pub async fn active_with_role(
    db: &Db,
    organisation_id: i64,
    role: Role,
) -> Result<Vec<Recipient>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT u.id, u.name, u.email FROM user_account u
             JOIN user_role r ON r.user_id = u.id
             WHERE u.organisation_id = $1 AND r.role = $2 AND u.active = TRUE
             ORDER BY u.name, u.id",
        )
        .bind(organisation_id)
        .bind(role.as_db())
        .fetch_all(pool)
        .await
    })?)
}

/// The organisation's users who turned reminder type `kind` off.
pub async fn opted_out(
    db: &Db,
    organisation_id: i64,
    kind: &str,
) -> Result<HashSet<i64>, AppError> {
    let ids: Vec<i64> = db_read!(db, |pool| {
        sqlx::query_scalar(
            "SELECT o.user_id FROM reminder_opt_out o
             JOIN user_account u ON u.id = o.user_id
             WHERE u.organisation_id = $1 AND o.kind = $2",
        )
        .bind(organisation_id)
        .bind(kind)
        .fetch_all(pool)
        .await
    })?;
    Ok(ids.into_iter().collect())
}

/// The types `user_id` turned off.
pub async fn types_off(db: &Db, user_id: i64) -> Result<Vec<String>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_scalar("SELECT kind FROM reminder_opt_out WHERE user_id = $1 ORDER BY kind")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })?)
}

/// Every user of the organisation with the types they turned off, by name (admin's view):
/// (user id, name, e-mail, active, types off).
pub async fn everyone(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<(i64, String, String, bool, Vec<String>)>, AppError> {
    let users = crate::auth::repo::list(db, organisation_id).await?;
    let off: Vec<(i64, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT o.user_id, o.kind FROM reminder_opt_out o
             JOIN user_account u ON u.id = o.user_id WHERE u.organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(users
        .into_iter()
        .map(|(user, _)| {
            let mine = off
                .iter()
                .filter(|(id, _)| *id == user.id)
                .map(|(_, kind)| kind.clone())
                .collect();
            (user.id, user.name, user.email, user.active, mine)
        })
        .collect())
}

/// Saves which types `actor` has turned off (the rest are on), with an audit row when it
/// changed.
pub async fn set_types_off(
    db: &Db,
    actor: Actor,
    off: &[String],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let before = types_off(db, actor.user_id).await?;
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM reminder_opt_out WHERE user_id = $1")
            .bind(actor.user_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    for kind in off {
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "INSERT INTO reminder_opt_out (user_id, kind, changed_at) VALUES ($1, $2, $3)",
            )
            .bind(actor.user_id)
            .bind(kind)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    let changes =
        crate::audit::repo::changed_fields([("reminders_off", before.into(), off.to_vec().into())]);
    if !changes.is_empty() {
        let event = Event {
            organisation_id: Some(actor.organisation_id),
            actor_user_id: Some(actor.user_id),
            action: Action::Update,
            object_type: "user_account",
            object_id: Some(actor.user_id),
            changes: serde_json::Value::Object(changes).to_string(),
            ip: None,
        };
        record(&mut tx, &event, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// "Skicka igen" on the Utskick page: the message is due again, audited.
pub async fn resend(db: &Db, actor: Actor, id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    if !crate::outbox::repo::resend(&mut tx, actor.organisation_id, id, now).await? {
        return tx.abort(AppError::NotFound).await;
    }
    let event = Event {
        organisation_id: Some(actor.organisation_id),
        actor_user_id: Some(actor.user_id),
        action: Action::Update,
        object_type: "outbox_message",
        object_id: Some(id),
        changes: serde_json::json!({ "status": { "after": "pending" } }).to_string(),
        ip: None,
    };
    record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}
