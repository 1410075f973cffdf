//! SQL for measures: add, change (with their delmål), retire. The caller has checked that the
//! satsning is the user's to edit; every change is audited in its transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Measure, MeasureInput, MeasureKind};
use crate::audit::Action;
use crate::audit::Actor;
use crate::audit::repo::record_change;
use crate::db::Db;
use crate::error::AppError;
use crate::on_tx;

/// Binds a measure's fields, in the order both the insert and the update list them (code …
/// comparison, interval), so the two statements cannot drift apart.
macro_rules! bind_fields {
    ($query:expr, $input:expr) => {
        $query
            .bind(&$input.code)
            .bind(&$input.name)
            .bind(&$input.definition)
            .bind(&$input.unit)
            .bind($input.value_type.as_db())
            .bind($input.frequency.as_db())
            .bind($input.direction.as_db())
            .bind($input.baseline.map(|b| b.0))
            .bind($input.baseline.map(|b| b.1))
            .bind($input.target.map(|t| t.0))
            .bind($input.target.map(|t| t.1))
            .bind($input.tolerance_yellow)
            .bind($input.tolerance_red)
            .bind($input.source.as_db())
            .bind(&$input.comparison)
            .bind($input.interval.map(|i| i.0))
            .bind($input.interval.map(|i| i.1))
            .bind($input.signals.off)
            .bind($input.signals.run_length.map(|n| n as i64))
    };
}

/// Where a new measure goes: an activity (aktivitetsmått, effektmått) or a goal (indikator).
#[derive(Debug, Clone, Copy)]
pub enum Parent {
    Activity(i64),
    Goal(i64),
}

fn measure_json(m: &MeasureInput) -> serde_json::Value {
    serde_json::json!({
        "code": m.code, "name": m.name, "definition": m.definition, "unit": m.unit,
        "value_type": m.value_type.as_db(), "frequency": m.frequency.as_db(),
        "direction": m.direction.as_db(),
        "baseline": m.baseline.map(|(v, d)| format!("{v} ({d})")),
        "target": m.target.map(|(v, d)| format!("{v} ({d})")),
        "milestones": super::format_milestones(&m.milestones),
        "tolerance_yellow": m.tolerance_yellow, "tolerance_red": m.tolerance_red,
        "source": m.source.as_db(), "comparison": m.comparison,
        "interval": m.interval.map(|(l, u)| format!("{l}–{u}")),
        "signals_off": m.signals.off,
        "signal_run_length": m.signals.run_length,
    })
}

/// A code already used in the satsning: a field error that names the next free code of the
/// measure's kind (the form keeps what was typed).
async fn duplicate_code(
    tx: &mut crate::db::Tx,
    initiative_id: i64,
    kind: MeasureKind,
    code: &str,
) -> Result<AppError, AppError> {
    let codes: Vec<String> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT code FROM measure WHERE initiative_id = $1")
            .bind(initiative_id)
            .fetch_all(conn)
            .await
    })?;
    let free = super::next_code(kind, codes.iter().map(String::as_str));
    Ok(AppError::field(
        "measure[code]",
        format!("Koden {code} används redan i den här satsningen. Nästa lediga kod är {free}."),
    ))
}

/// Adds a measure. A code already used in the satsning is a field error.
pub async fn add_measure(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    kind: MeasureKind,
    parent: Parent,
    input: &MeasureInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    // The parent must belong to this satsning, and fit the kind.
    let (activity_id, goal_id, parent_ok) = match (kind, parent) {
        (MeasureKind::Indicator, Parent::Goal(goal)) => {
            let found: Option<i64> = on_tx!(&mut tx, |conn| {
                sqlx::query_scalar("SELECT id FROM goal WHERE id = $1 AND initiative_id = $2")
                    .bind(goal)
                    .bind(initiative_id)
                    .fetch_optional(conn)
                    .await
            })?;
            (None, Some(goal), found.is_some())
        }
        (MeasureKind::Activity | MeasureKind::Effect, Parent::Activity(activity)) => {
            let found: Option<i64> = on_tx!(&mut tx, |conn| {
                sqlx::query_scalar(
                    "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id
                     WHERE a.id = $1 AND g.initiative_id = $2",
                )
                .bind(activity)
                .bind(initiative_id)
                .fetch_optional(conn)
                .await
            })?;
            (Some(activity), None, found.is_some())
        }
        _ => (None, None, false),
    };
    if !parent_ok {
        return tx.abort(AppError::NotFound).await;
    }
    let taken: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar("SELECT id FROM measure WHERE initiative_id = $1 AND code = $2")
            .bind(initiative_id)
            .bind(&input.code)
            .fetch_optional(conn)
            .await
    })?;
    if taken.is_some() {
        let error = duplicate_code(&mut tx, initiative_id, kind, &input.code).await?;
        return tx.abort(error).await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        let insert = sqlx::query_scalar(
            "INSERT INTO measure (initiative_id, kind, activity_id, goal_id, position, code, name,
               definition, unit, value_type, frequency, direction, baseline_value, baseline_date,
               target_value, target_date, tolerance_yellow, tolerance_red, source, comparison,
               interval_lower, interval_upper, signals_off, signal_run_length)
             VALUES ($1, $2, $3, $4,
               (SELECT COALESCE(MAX(position), 0) + 1 FROM measure WHERE initiative_id = $1),
               $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
               $22, $23)
             RETURNING id",
        )
        .bind(initiative_id)
        .bind(kind.as_db())
        .bind(activity_id)
        .bind(goal_id);
        bind_fields!(insert, input).fetch_one(conn).await
    })?;
    save_milestones(&mut tx, id, &input.milestones).await?;
    let changes: serde_json::Map<String, serde_json::Value> = measure_json(input)
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), serde_json::json!({ "after": v })))
        .collect();
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "measure",
        id,
        changes.into(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces the measure's delmål.
async fn save_milestones(
    tx: &mut crate::db::Tx,
    measure_id: i64,
    milestones: &[(NaiveDate, f64)],
) -> Result<(), AppError> {
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM measure_milestone WHERE measure_id = $1")
            .bind(measure_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    for (date, value) in milestones {
        on_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO measure_milestone (measure_id, target_date, value) VALUES ($1, $2, $3)",
            )
            .bind(measure_id)
            .bind(*date)
            .bind(*value)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    Ok(())
}

/// Retires a measure: kept with its values, no longer asked for or counted.
pub async fn retire_measure(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    measure_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let changed = on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE measure SET retired_at = $1
             WHERE id = $2 AND initiative_id = $3 AND retired_at IS NULL",
        )
        .bind(now)
        .bind(measure_id)
        .bind(initiative_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if changed != 1 {
        return tx.abort(AppError::NotFound).await;
    }
    let changes = serde_json::json!({ "retired": { "before": false, "after": true } });
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "measure",
        measure_id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Saves changes to a measure; the audit row lists each changed field before → after. A code
/// used by another measure of the satsning is a field error.
pub async fn update_measure(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    measure_id: i64,
    before: &MeasureInput,
    input: &MeasureInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let taken: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "SELECT id FROM measure WHERE initiative_id = $1 AND code = $2 AND id <> $3",
        )
        .bind(initiative_id)
        .bind(&input.code)
        .bind(measure_id)
        .fetch_optional(conn)
        .await
    })?;
    if taken.is_some() {
        let kind: String = on_tx!(&mut tx, |conn| {
            sqlx::query_scalar("SELECT kind FROM measure WHERE id = $1 AND initiative_id = $2")
                .bind(measure_id)
                .bind(initiative_id)
                .fetch_one(conn)
                .await
        })?;
        let kind = MeasureKind::from_db(&kind).unwrap_or(MeasureKind::Effect);
        let error = duplicate_code(&mut tx, initiative_id, kind, &input.code).await?;
        return tx.abort(error).await;
    }
    let changed = on_tx!(&mut tx, |conn| {
        let update = sqlx::query(
            "UPDATE measure SET code = $1, name = $2, definition = $3, unit = $4, value_type = $5,
               frequency = $6, direction = $7, baseline_value = $8, baseline_date = $9,
               target_value = $10, target_date = $11, tolerance_yellow = $12, tolerance_red = $13,
               source = $14, comparison = $15, interval_lower = $16, interval_upper = $17,
               signals_off = $18, signal_run_length = $19
             WHERE id = $20 AND initiative_id = $21",
        );
        bind_fields!(update, input)
            .bind(measure_id)
            .bind(initiative_id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    if changed != 1 {
        return tx.abort(AppError::NotFound).await;
    }
    if before.milestones != input.milestones {
        save_milestones(&mut tx, measure_id, &input.milestones).await?;
    }
    let changes = crate::audit::repo::changed_between(&measure_json(before), &measure_json(input));
    if !changes.is_empty() {
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "measure",
            measure_id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A stored measure as form input (for diffs).
pub fn as_input(measure: &Measure) -> MeasureInput {
    MeasureInput {
        code: measure.code.clone(),
        name: measure.name.clone(),
        definition: measure.definition.clone(),
        unit: measure.unit.clone(),
        value_type: measure.value_type,
        frequency: measure.frequency,
        direction: measure.direction,
        baseline: measure.baseline,
        target: measure.target,
        milestones: measure.milestones.clone(),
        tolerance_yellow: measure.tolerance_yellow,
        tolerance_red: measure.tolerance_red,
        interval: measure.interval,
        source: measure.source,
        comparison: measure.comparison.clone(),
        signals: measure.signals,
    }
}
