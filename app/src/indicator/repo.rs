//! SQL for indicator comparison values, per organisation.

use chrono::{DateTime, Utc};

use super::{KoladaName, KoladaValue, NameKind, Names};
use crate::audit::Action;
use crate::audit::Actor;
use crate::audit::repo::record_change;
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, on_tx};

/// Rows per insert statement (well below both backends' parameter limits).
const CHUNK: usize = 500;

/// Saves a whole file in one transaction (a value already there for the same kpi,
/// municipality, year and gender is replaced), audited as one import.
pub async fn import(
    db: &Db,
    actor: Actor,
    file_name: &str,
    values: &[KoladaValue],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut tx = db.begin().await?;
    for chunk in values.chunks(CHUNK) {
        on_tx!(&mut tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO indicator_value (organisation_id, kpi, municipality, year, gender, value, imported_at) ",
            );
            insert.push_values(chunk, |mut row, v| {
                row.push_bind(actor.organisation_id)
                    .push_bind(v.kpi.as_str())
                    .push_bind(v.municipality.as_str())
                    .push_bind(i64::from(v.year))
                    .push_bind(v.gender.as_str())
                    .push_bind(v.value)
                    .push_bind(now);
            });
            insert.push(
                " ON CONFLICT (organisation_id, kpi, municipality, year, gender)
                  DO UPDATE SET value = excluded.value, imported_at = excluded.imported_at",
            );
            insert.build().execute(conn).await.map(|_| ())
        })?;
    }
    let mut kpis: Vec<&str> = values.iter().map(|v| v.kpi.as_str()).collect();
    kpis.sort_unstable();
    kpis.dedup();
    let changes = serde_json::json!({
        "file": { "after": file_name },
        "values": { "after": values.len() },
        "kpis": { "after": kpis },
    });
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "indicator_import",
        actor.organisation_id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(values.len())
}

/// One KPI's totals (gender T) for the given municipalities: (municipality, year, value).
pub async fn series(
    db: &Db,
    organisation_id: i64,
    kpi: &str,
) -> Result<Vec<(String, i32, f64)>, AppError> {
    let rows: Vec<(String, i64, f64)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT municipality, year, value FROM indicator_value
             WHERE organisation_id = $1 AND kpi = $2 AND gender = 'T' AND value IS NOT NULL
             ORDER BY municipality, year",
        )
        .bind(organisation_id)
        .bind(kpi)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(m, y, v)| (m, y as i32, v)).collect())
}

/// The organisation's imported KPIs: (kpi, number of values, years covered, last import).
pub async fn overview(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<(String, i64, i64, i64, DateTime<Utc>)>, AppError> {
    Ok(db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT kpi, COUNT(*), MIN(year), MAX(year), MAX(imported_at) FROM indicator_value
             WHERE organisation_id = $1 GROUP BY kpi ORDER BY kpi",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?)
}

/// Saves the names of a Kolada list in one transaction (a name already there for the same
/// code is replaced), audited as one import.
pub async fn import_names(
    db: &Db,
    actor: Actor,
    file_name: &str,
    names: &[KoladaName],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut tx = db.begin().await?;
    for chunk in names.chunks(CHUNK) {
        on_tx!(&mut tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO indicator_name (organisation_id, kind, code, name) ",
            );
            insert.push_values(chunk, |mut row, n| {
                row.push_bind(actor.organisation_id)
                    .push_bind(n.kind.as_db())
                    .push_bind(n.code.as_str())
                    .push_bind(n.name.as_str());
            });
            insert.push(
                " ON CONFLICT (organisation_id, kind, code) DO UPDATE SET name = excluded.name",
            );
            insert.build().execute(conn).await.map(|_| ())
        })?;
    }
    let changes = serde_json::json!({
        "file": { "after": file_name },
        "names": { "after": names.len() },
    });
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "indicator_names",
        actor.organisation_id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(names.len())
}

/// The names the organisation has imported, by kind and code.
pub async fn names(db: &Db, organisation_id: i64) -> Result<Names, AppError> {
    let rows: Vec<(String, String, String)> = db_read!(db, |pool| {
        sqlx::query_as("SELECT kind, code, name FROM indicator_name WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_all(pool)
            .await
    })?;
    let mut names = Names::default();
    for (kind, code, name) in rows {
        if kind == NameKind::Kpi.as_db() {
            names.kpis.insert(code, name);
        } else {
            names.municipalities.insert(code, name);
        }
    }
    Ok(names)
}
