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
    let rows: Vec<Row> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, kind, area FROM party
             WHERE organisation_id = $1 AND active = TRUE
             ORDER BY CASE kind WHEN 'namnd' THEN 0 WHEN 'ideburen' THEN 1 ELSE 2 END, name",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(Party::from).collect())
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
    actor: crate::auth::repo::Actor,
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
                "namn",
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
