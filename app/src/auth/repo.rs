//! SQL for accounts: users, roles, login bookkeeping. Every change writes its audit row in
//! the same transaction.

use chrono::{DateTime, TimeDelta, Utc};

use super::{LOCKOUT_MINUTES, LOCKOUT_THRESHOLD, Role, email_key};
use crate::audit::Actor;
use crate::audit::{Action, Event, repo::record};
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, on_tx};

/// What login needs to know about an account.
#[derive(Debug, sqlx::FromRow)]
pub struct LoginRow {
    pub id: i64,
    pub organisation_id: i64,
    pub password_hash: String,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The account registered under `email` (any case), if any.
pub async fn find_for_login(db: &Db, email: &str) -> Result<Option<LoginRow>, AppError> {
    let key = email_key(email);
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, organisation_id, password_hash, active, locked_until
             FROM user_account WHERE email_key = $1",
        )
        .bind(&key)
        .fetch_optional(pool)
        .await
    })?)
}

/// The user's roles, in UI order.
pub async fn roles(db: &Db, user_id: i64) -> Result<Vec<Role>, AppError> {
    let stored: Vec<String> = db_read!(db, |pool| {
        sqlx::query_scalar("SELECT role FROM user_role WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })?;
    let mut roles: Vec<Role> = stored.iter().filter_map(|r| Role::from_db(r)).collect();
    roles.sort();
    Ok(roles)
}

/// Counts a failed login: after [`LOCKOUT_THRESHOLD`] in a row the account is locked for
/// [`LOCKOUT_MINUTES`]. `account` is `None` for an unknown e-mail (audited without a user).
pub async fn record_failed_login(
    db: &Db,
    account: Option<&LoginRow>,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    if let Some(account) = account {
        let lock_until = now + TimeDelta::minutes(LOCKOUT_MINUTES);
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "UPDATE user_account SET
                   failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END,
                   locked_until  = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END
                 WHERE id = $3",
            )
            .bind(LOCKOUT_THRESHOLD)
            .bind(lock_until)
            .bind(account.id)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    let event = Event {
        organisation_id: account.map(|a| a.organisation_id),
        actor_user_id: None,
        action: Action::LoginFailed,
        object_type: "user_account",
        object_id: account.map(|a| a.id),
        changes: "{}".into(),
        ip,
    };
    record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a successful login: clears the failure counter and audits it.
pub async fn record_login(
    db: &Db,
    account: &LoginRow,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, |conn| {
        sqlx::query("UPDATE user_account SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(account.id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    let event = Event {
        organisation_id: Some(account.organisation_id),
        actor_user_id: Some(account.id),
        action: Action::Login,
        object_type: "user_account",
        object_id: Some(account.id),
        changes: "{}".into(),
        ip,
    };
    record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a logout.
pub async fn record_logout(
    db: &Db,
    user_id: i64,
    organisation_id: i64,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let event = Event {
        organisation_id: Some(organisation_id),
        actor_user_id: Some(user_id),
        action: Action::Logout,
        object_type: "user_account",
        object_id: Some(user_id),
        changes: "{}".into(),
        ip,
    };
    record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A new account to store (already validated; the password already hashed).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub organisation_id: i64,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
}

/// Creates an account with its roles; a taken e-mail is a field error. `actor` is the admin
/// doing it (`None` for the CLI and demo seeding).
pub async fn create_user(
    db: &Db,
    actor: Option<i64>,
    user: &NewUser,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let key = email_key(&user.email);
    let mut tx = db.begin().await?;
    let taken: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar("SELECT id FROM user_account WHERE email_key = $1")
            .bind(&key)
            .fetch_optional(conn)
            .await
    })?;
    if taken.is_some() {
        return tx
            .abort(AppError::field(
                "user[email]",
                "Det finns redan ett konto med den e-postadressen.",
            ))
            .await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO user_account
               (organisation_id, name, email, email_key, password_hash, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)
             RETURNING id",
        )
        .bind(user.organisation_id)
        .bind(&user.name)
        .bind(user.email.trim())
        .bind(&key)
        .bind(&user.password_hash)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    for role in &user.roles {
        on_tx!(&mut tx, |conn| {
            sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(role.as_db())
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    let roles: Vec<&str> = user.roles.iter().map(|r| r.as_db()).collect();
    let changes = serde_json::json!({
        "name": { "after": user.name },
        "email": { "after": user.email.trim() },
        "roles": { "after": roles },
    });
    let event = Event {
        organisation_id: Some(user.organisation_id),
        actor_user_id: actor,
        action: Action::Create,
        object_type: "user_account",
        object_id: Some(id),
        changes: changes.to_string(),
        ip: None,
    };
    record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Number of accounts.
pub async fn count(db: &Db) -> Result<i64, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM user_account")
            .fetch_one(pool)
            .await
    })?)
}

/// One row of the user list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserListRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
}

/// The organisation's users with their roles, by name (admin's user list). Two queries,
/// whatever the number of users.
pub async fn list(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<(UserListRow, Vec<Role>)>, AppError> {
    let rows: Vec<UserListRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, email, active FROM user_account
             WHERE organisation_id = $1 ORDER BY name, id",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    let pairs: Vec<(i64, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT r.user_id, r.role FROM user_role r
             JOIN user_account u ON u.id = r.user_id WHERE u.organisation_id = $1",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut roles: Vec<Role> = pairs
                .iter()
                .filter(|(user_id, _)| *user_id == row.id)
                .filter_map(|(_, role)| Role::from_db(role))
                .collect();
            roles.sort();
            (row, roles)
        })
        .collect())
}

/// An account as the admin's edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDetail {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<Role>,
}

/// One account of `organisation_id`; another organisation's account is "not found".
pub async fn get_user(db: &Db, organisation_id: i64, id: i64) -> Result<UserDetail, AppError> {
    let row: Option<UserListRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, email, active FROM user_account
             WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id)
        .bind(organisation_id)
        .fetch_optional(pool)
        .await
    })?;
    let row = row.ok_or(AppError::NotFound)?;
    Ok(UserDetail {
        roles: roles(db, row.id).await?,
        id: row.id,
        name: row.name,
        email: row.email,
        active: row.active,
    })
}

/// Saves the admin's changes to an account of the actor's organisation. Deactivating ends the
/// user's sessions. The audit row lists each changed field before → after.
pub async fn update_user(
    db: &Db,
    actor: Actor,
    id: i64,
    input: &super::UserInput,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let before = get_user(db, actor.organisation_id, id).await?;
    if actor.user_id == id && !active {
        return Err(AppError::field(
            "user[active]",
            "Du kan inte inaktivera ditt eget konto.",
        ));
    }
    if actor.user_id == id && !input.roles.contains(&Role::Admin) {
        return Err(AppError::field(
            "user[roles]",
            "Du kan inte ta bort processledarrollen från ditt eget konto.",
        ));
    }
    let key = email_key(&input.email);
    let mut tx = db.begin().await?;
    let taken: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar("SELECT id FROM user_account WHERE email_key = $1 AND id <> $2")
            .bind(&key)
            .bind(id)
            .fetch_optional(conn)
            .await
    })?;
    if taken.is_some() {
        return tx
            .abort(AppError::field(
                "user[email]",
                "Det finns redan ett konto med den e-postadressen.",
            ))
            .await;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE user_account SET name = $1, email = $2, email_key = $3, active = $4, updated_at = $5
             WHERE id = $6 AND organisation_id = $7",
        )
        .bind(&input.name)
        .bind(&input.email)
        .bind(&key)
        .bind(active)
        .bind(now)
        .bind(id)
        .bind(actor.organisation_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    on_tx!(&mut tx, |conn| {
        sqlx::query("DELETE FROM user_role WHERE user_id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    for role in &input.roles {
        on_tx!(&mut tx, |conn| {
            sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(role.as_db())
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    if active {
        // Roles and name are read with the session: the instances' caches must forget it.
        super::session::notify(&mut tx, &super::session::Revoked::User(id)).await?;
    } else {
        delete_sessions(&mut tx, id).await?;
    }
    let role_names = |roles: &[Role]| roles.iter().map(|r| r.as_db()).collect::<Vec<_>>();
    let changes = crate::audit::repo::changed_fields([
        ("name", before.name.into(), input.name.clone().into()),
        ("email", before.email.into(), input.email.clone().into()),
        ("active", before.active.into(), active.into()),
        (
            "roles",
            role_names(&before.roles).into(),
            role_names(&input.roles).into(),
        ),
    ]);
    if !changes.is_empty() {
        let event = Event {
            organisation_id: Some(actor.organisation_id),
            actor_user_id: Some(actor.user_id),
            action: Action::Update,
            object_type: "user_account",
            object_id: Some(id),
            changes: serde_json::Value::Object(changes).to_string(),
            ip: None,
        };
        record(&mut tx, &event, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn delete_sessions(tx: &mut crate::db::Tx, user_id: i64) -> Result<(), AppError> {
    on_tx!(&mut *tx, |conn| {
        sqlx::query("DELETE FROM session WHERE user_id = $1")
            .bind(user_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    super::session::notify(tx, &super::session::Revoked::User(user_id)).await
}

/// Creates a one-time link for choosing a password, valid for `valid_for`; returns the token.
/// With `mail`, the mail carrying the link is queued in the outbox in the same transaction.
pub async fn create_password_link(
    db: &Db,
    actor: Option<Actor>,
    organisation_id: i64,
    user_id: i64,
    valid_for: TimeDelta,
    now: DateTime<Utc>,
    mail: Option<&super::link_mail::LinkMail>,
) -> Result<String, AppError> {
    let token = super::session::new_token();
    let mut tx = db.begin().await?;
    if let Some(mail) = mail {
        let hash = super::session::token_hash(&token);
        let row = super::link_mail::compose(mail, organisation_id, user_id, &token, &hash);
        crate::outbox::repo::enqueue(&mut tx, &row, now).await?;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "INSERT INTO password_reset (token_hash, user_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(super::session::token_hash(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + valid_for)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let event = Event {
        organisation_id: Some(organisation_id),
        actor_user_id: actor.map(|a| a.user_id),
        action: Action::Update,
        object_type: "user_account",
        object_id: Some(user_id),
        changes: serde_json::json!({ "password_link": { "after": "skapad" } }).to_string(),
        ip: None,
    };
    record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    user_id: i64,
    organisation_id: i64,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

/// Sets a new password through a one-time link: the link must be unused and unexpired. Ends
/// every session of the user and clears any lockout.
pub async fn use_password_link(
    db: &Db,
    token: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let hash = super::session::token_hash(token);
    let mut tx = db.begin().await?;
    let link: Option<LinkRow> = on_tx!(&mut tx, |conn| {
        sqlx::query_as(
            "SELECT p.user_id, u.organisation_id, p.expires_at, p.used_at
             FROM password_reset p JOIN user_account u ON u.id = p.user_id
             WHERE p.token_hash = $1 AND u.active = TRUE",
        )
        .bind(&hash)
        .fetch_optional(conn)
        .await
    })?;
    let Some(LinkRow {
        user_id,
        organisation_id,
        expires_at,
        used_at,
    }) = link
    else {
        return tx.abort(AppError::BadRequest(LINK_INVALID.into())).await;
    };
    if used_at.is_some() || expires_at <= now {
        return tx.abort(AppError::BadRequest(LINK_INVALID.into())).await;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE user_account SET password_hash = $1, failed_logins = 0, locked_until = NULL,
               updated_at = $2 WHERE id = $3",
        )
        .bind(password_hash)
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    on_tx!(&mut tx, |conn| {
        sqlx::query("UPDATE password_reset SET used_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    delete_sessions(&mut tx, user_id).await?;
    let event = Event {
        organisation_id: Some(organisation_id),
        actor_user_id: Some(user_id),
        action: Action::Update,
        object_type: "user_account",
        object_id: Some(user_id),
        changes: serde_json::json!({ "password": { "after": "ändrat" } }).to_string(),
        ip: None,
    };
    record(&mut tx, &event, now).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Shown for a used, expired or unknown password link.
pub const LINK_INVALID: &str = "Länken fungerar inte längre: den har redan använts eller gått ut. \
Be processledaren om en ny länk.";

/// Active users of the organisation with `role`, by name: (id, name).
pub async fn users_with_role(
    db: &Db,
    organisation_id: i64,
    role: Role,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT u.id, u.name FROM user_account u JOIN user_role r ON r.user_id = u.id
             WHERE u.organisation_id = $1 AND r.role = $2 AND u.active = TRUE
             ORDER BY u.name, u.id",
        )
        .bind(organisation_id)
        .bind(role.as_db())
        .fetch_all(pool)
        .await
    })?)
}
