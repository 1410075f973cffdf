//! SQL for indicator comparison values, per organisation.

use chrono::{DateTime, Utc};

use super::KoladaValue;
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
