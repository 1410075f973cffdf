//! SQL for parter.

use chrono::{DateTime, Utc};

use super::{Party, PartyKind};
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, db_write};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    area: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RegisterRow {
    id: i64,
    name: String,
    kind: String,
    area: Option<String>,
    civil_type: Option<String>,
    active: bool,
}

impl From<Row> for Party {
    fn from(row: Row) -> Self {
        Party {
            id: row.id,
            name: row.name,
            kind: PartyKind::from_db(&row.kind).unwrap_or(PartyKind::Company),
            area: row.area,
        }
    }
}

/// The organisation's active parties, nämnder first, by name.
pub async fn list(db: &Db, organisation_id: i64) -> Result<Vec<Party>, AppError> {
    list_for(db, organisation_id, None).await
}

/// The parties a satsning may choose: the active ones, and (when editing) those it already
/// has, so deactivating a party never drops it from a running satsning.
pub async fn list_for(
    db: &Db,
    organisation_id: i64,
    initiative_id: Option<i64>,
) -> Result<Vec<Party>, AppError> {
    let rows: Vec<Row> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, kind, area FROM party
             WHERE organisation_id = $1
               AND (active = TRUE
                    OR id IN (SELECT party_id FROM initiative_party WHERE initiative_id = $2))
             ORDER BY CASE kind WHEN 'namnd' THEN 0 WHEN 'ideburen' THEN 1 ELSE 2 END, name",
        )
        .bind(organisation_id)
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(Party::from).collect())
}

/// Every party of the organisation with its active flag and civil type, for the register.
pub async fn register(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<super::RegisteredParty>, AppError> {
    let rows: Vec<RegisterRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, kind, area, civil_type, active FROM party
                 WHERE organisation_id = $1
                 ORDER BY active DESC,
                          CASE kind WHEN 'namnd' THEN 0 WHEN 'ideburen' THEN 1 ELSE 2 END, name",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| super::RegisteredParty {
            party: Party::from(Row {
                id: r.id,
                name: r.name,
                kind: r.kind,
                area: r.area,
            }),
            civil_type: r.civil_type,
            active: r.active,
        })
        .collect())
}

/// Saves a party's name, area/civil type and active flag (its kind stays), audited.
pub async fn update(
    db: &Db,
    actor: crate::audit::Actor,
    id: i64,
    input: &super::PartyInput,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::audit::{Action, repo::record_change};
    use crate::on_tx;
    let mut tx = db.begin().await?;
    let before: Option<RegisterRow> = on_tx!(&mut tx, |conn| {
        sqlx::query_as(
            "SELECT id, name, kind, area, civil_type, active FROM party
                 WHERE id = $1 AND organisation_id = $2",
        )
        .bind(id)
        .bind(actor.organisation_id)
        .fetch_optional(conn)
        .await
    })?;
    let Some(before) = before else {
        return tx.abort(AppError::NotFound).await;
    };
    if before.kind != input.kind.as_db() {
        return tx
            .abort(AppError::field(
                "party[kind]",
                "Typen av part kan inte ändras.",
            ))
            .await;
    }
    let taken: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "SELECT id FROM party WHERE organisation_id = $1 AND LOWER(name) = LOWER($2) AND id <> $3",
        )
        .bind(actor.organisation_id)
        .bind(&input.name)
        .bind(id)
        .fetch_optional(conn)
        .await
    })?;
    if taken.is_some() {
        return tx
            .abort(AppError::field(
                "party[name]",
                "Det finns redan en part med det namnet.",
            ))
            .await;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE party SET name = $1, area = $2, civil_type = $3, active = $4 WHERE id = $5",
        )
        .bind(&input.name)
        .bind(&input.area)
        .bind(&input.civil_type)
        .bind(active)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let pairs = [
        (
            "name",
            serde_json::json!(before.name),
            serde_json::json!(input.name),
        ),
        (
            "area",
            serde_json::json!(before.area),
            serde_json::json!(input.area),
        ),
        (
            "civil_type",
            serde_json::json!(before.civil_type),
            serde_json::json!(input.civil_type),
        ),
        (
            "active",
            serde_json::json!(before.active),
            serde_json::json!(active),
        ),
    ];
    let changes = crate::audit::repo::changed_fields(pairs);
    if !changes.is_empty() {
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "party",
            id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Adds a party (seeding and, later, the register's admin page).
pub async fn create(
    db: &Db,
    organisation_id: i64,
    name: &str,
    kind: PartyKind,
    area: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(db_write!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO party (organisation_id, name, kind, area, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(organisation_id)
        .bind(name)
        .bind(kind.as_db())
        .bind(area)
        .bind(now)
        .fetch_one(pool)
        .await
    })?)
}

/// Adds a party from the register's form, audited; a name already used is a field error.
pub async fn add(
    db: &Db,
    actor: crate::audit::Actor,
    input: &super::PartyInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    use crate::audit::{Action, repo::record_change};
    use crate::on_tx;
    let mut tx = db.begin().await?;
    let taken: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "SELECT id FROM party WHERE organisation_id = $1 AND LOWER(name) = LOWER($2)",
        )
        .bind(actor.organisation_id)
        .bind(&input.name)
        .fetch_optional(conn)
        .await
    })?;
    if taken.is_some() {
        return tx
            .abort(AppError::field(
                "party[name]",
                "Det finns redan en part med det namnet.",
            ))
            .await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO party (organisation_id, name, kind, area, civil_type, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(actor.organisation_id)
        .bind(&input.name)
        .bind(input.kind.as_db())
        .bind(&input.area)
        .bind(&input.civil_type)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "name": { "after": input.name }, "kind": { "after": input.kind.as_db() },
        "area": { "after": input.area }, "civil_type": { "after": input.civil_type },
    });
    record_change(&mut tx, actor, Action::Create, "party", id, changes, now).await?;
    tx.commit().await?;
    Ok(id)
}
