//! SQL for the dashboards. Scoped by organisation like everything else.

use crate::db::Db;
use crate::db_read;
use crate::error::AppError;
use crate::report::Period;

/// The latest reported value of every active measure of the organisation's satsningar:
/// (measure id, month, value). One index seek per measure.
pub async fn latest_values(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<(i64, Period, f64)>, AppError> {
    let rows: Vec<(i64, i64, f64)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT v.measure_id, v.period, v.value
             FROM measure m
             JOIN initiative i ON i.id = m.initiative_id
             JOIN measure_value v ON v.measure_id = m.id
             WHERE i.organisation_id = $1 AND m.retired_at IS NULL
               AND v.period = (SELECT MAX(w.period) FROM measure_value w
                               WHERE w.measure_id = m.id AND w.value IS NOT NULL)",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, p, v)| Some((m, Period::from_db(p)?, v)))
        .collect())
}
