//! SQL for organisations. One query text serves SQLite and PostgreSQL.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Organisation, OrganisationInput, OrganisationKind};
use crate::db::{BeginWrite, Db};
use crate::error::AppError;
use crate::{db_read, db_write};

#[derive(FromRow)]
struct Row {
    id: i64,
    code: String,
    name: String,
    kind: String,
}

impl TryFrom<Row> for Organisation {
    type Error = AppError;
    fn try_from(row: Row) -> Result<Self, AppError> {
        let kind = OrganisationKind::from_db(&row.kind).ok_or_else(|| {
            tracing::error!(id = row.id, kind = %row.kind, "unknown organisation kind in database");
            AppError::Internal
        })?;
        Ok(Organisation {
            id: row.id,
            code: row.code,
            name: row.name,
            kind,
        })
    }
}

/// Creates an organisation; a duplicate code is a field error, not a crash.
pub async fn create(
    db: &Db,
    input: &OrganisationInput,
    now: DateTime<Utc>,
) -> Result<Organisation, AppError> {
    db_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM organisation WHERE code = $1")
            .bind(&input.code)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            tx.rollback().await?;
            return Err(AppError::field(
                "kod",
                format!("Det finns redan en organisation med koden {}.", input.code),
            ));
        }
        let row: Row = sqlx::query_as(
            "INSERT INTO organisation (code, name, kind, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)
             RETURNING id, code, name, kind",
        )
        .bind(&input.code)
        .bind(&input.name)
        .bind(input.kind.as_db())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        row.try_into()
    })
}

/// Reads one organisation by id.
pub async fn get(db: &Db, id: i64) -> Result<Organisation, AppError> {
    db_read!(db, |pool| {
        let row: Row =
            sqlx::query_as("SELECT id, code, name, kind FROM organisation WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await?;
        row.try_into()
    })
}

/// All organisations, by name.
pub async fn list(db: &Db) -> Result<Vec<Organisation>, AppError> {
    db_read!(db, |pool| {
        let rows: Vec<Row> =
            sqlx::query_as("SELECT id, code, name, kind FROM organisation ORDER BY name")
                .fetch_all(pool)
                .await?;
        rows.into_iter().map(Organisation::try_from).collect()
    })
}

/// Renames an organisation (the code and kind stay). Not found is [`AppError::NotFound`].
pub async fn rename(
    db: &Db,
    id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Organisation, AppError> {
    db_write!(db, |pool| {
        let mut tx = pool.begin_write().await?;
        let row: Option<Row> = sqlx::query_as(
            "UPDATE organisation SET name = $1, updated_at = $2 WHERE id = $3
             RETURNING id, code, name, kind",
        )
        .bind(name)
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        };
        tx.commit().await?;
        row.try_into()
    })
}

/// Number of organisations: zero means a fresh database (demo seeding checks this).
pub async fn count(db: &Db) -> Result<i64, AppError> {
    db_read!(db, |pool| {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM organisation")
            .fetch_one(pool)
            .await?)
    })
}

/// The organisation with kommunkod/regionkod `code`, if any.
pub async fn find_by_code(db: &Db, code: &str) -> Result<Option<Organisation>, AppError> {
    db_read!(db, |pool| {
        let row: Option<Row> =
            sqlx::query_as("SELECT id, code, name, kind FROM organisation WHERE code = $1")
                .bind(code.trim())
                .fetch_optional(pool)
                .await?;
        row.map(Organisation::try_from).transpose()
    })
}
