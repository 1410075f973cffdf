//! SQL for faktiska kostnader. Read by the deviation budget rule and the half-year report;
//! written only inside a caller's transaction (the half-year report's save, with its audit
//! row), scoped by the satsning's organisation.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::actual::ActualCost;
use crate::db::{Reader, Tx};
use crate::error::AppError;
use crate::{db_read_on, on_tx};

/// The satsning's recorded costs, by year and cost type.
pub async fn costs<'a>(
    reader: impl Into<Reader<'a>>,
    organisation_id: i64,
    initiative_id: i64,
) -> Result<Vec<ActualCost>, AppError> {
    let rows: Vec<(i64, i64, String, i64)> = db_read_on!(&mut reader.into(), |pool| {
        sqlx::query_as(
            "SELECT initiative_id, year, cost_type, amount_sek FROM actual_cost
             WHERE organisation_id = $1 AND initiative_id = $2
             ORDER BY year, cost_type",
        )
        .bind(organisation_id)
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(by_initiative(rows)
        .remove(&initiative_id)
        .unwrap_or_default())
}

/// The recorded costs of every satsning of the organisation, by satsning.
pub async fn organisation_costs<'a>(
    reader: impl Into<Reader<'a>>,
    organisation_id: i64,
) -> Result<HashMap<i64, Vec<ActualCost>>, AppError> {
    let rows: Vec<(i64, i64, String, i64)> = db_read_on!(&mut reader.into(), |pool| {
        sqlx::query_as(
            "SELECT initiative_id, year, cost_type, amount_sek FROM actual_cost
             WHERE organisation_id = $1
             ORDER BY initiative_id, year, cost_type",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(by_initiative(rows))
}

fn by_initiative(rows: Vec<(i64, i64, String, i64)>) -> HashMap<i64, Vec<ActualCost>> {
    let mut costs: HashMap<i64, Vec<ActualCost>> = HashMap::new();
    for (initiative, year, cost_type, amount_sek) in rows {
        costs.entry(initiative).or_default().push(ActualCost {
            year: year as i32,
            cost_type,
            amount_sek,
        });
    }
    costs
}

/// Replaces the satsning's costs of `years` with `costs` inside `tx` (the caller audits).
/// Years outside `years` are left as they are.
pub async fn replace_costs(
    tx: &mut Tx,
    organisation_id: i64,
    initiative_id: i64,
    years: &[i32],
    costs: &[ActualCost],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for year in years {
        on_tx!(&mut *tx, |conn| {
            sqlx::query(
                "DELETE FROM actual_cost
                 WHERE organisation_id = $1 AND initiative_id = $2 AND year = $3",
            )
            .bind(organisation_id)
            .bind(initiative_id)
            .bind(i64::from(*year))
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    for c in costs.iter().filter(|c| years.contains(&c.year)) {
        on_tx!(&mut *tx, |conn| {
            sqlx::query(
                "INSERT INTO actual_cost
                   (organisation_id, initiative_id, year, cost_type, amount_sek, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(organisation_id)
            .bind(initiative_id)
            .bind(i64::from(c.year))
            .bind(&c.cost_type)
            .bind(c.amount_sek)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    Ok(())
}
