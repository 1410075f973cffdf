//! SQL for the utvärderingsschema. The caller has already checked that the satsning belongs
//! to the user's organisation and may be edited; every change is audited in its transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    Activity, Direction, EconomicEffect, Frequency, Goal, Horizon, Measure, MeasureInput,
    MeasureKind, Schema, Source, ValueType,
};
use crate::audit::Action;
use crate::audit::Actor;
use crate::audit::repo::record_change;
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, on_tx};

#[derive(sqlx::FromRow)]
struct GoalRow {
    id: i64,
    text: String,
    target_group: String,
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: i64,
    goal_id: i64,
    text: String,
}

#[derive(sqlx::FromRow)]
struct MeasureRow {
    id: i64,
    kind: String,
    activity_id: Option<i64>,
    goal_id: Option<i64>,
    code: String,
    name: String,
    definition: String,
    unit: String,
    value_type: String,
    frequency: String,
    direction: String,
    baseline_value: Option<f64>,
    baseline_date: Option<NaiveDate>,
    target_value: Option<f64>,
    target_date: Option<NaiveDate>,
    tolerance_yellow: Option<f64>,
    tolerance_red: Option<f64>,
    source: String,
    comparison: String,
    retired: bool,
}

#[derive(sqlx::FromRow)]
struct EffectRow {
    id: i64,
    text: String,
    horizon: String,
    party_id: Option<i64>,
    party_name: Option<String>,
    effect_measure_id: Option<i64>,
    yearly_sek: i64,
}

fn corrupt(what: &str) -> AppError {
    tracing::error!(what, "unknown value in schema tables");
    AppError::Internal
}

/// The satsning's whole schema (five queries).
pub async fn load(db: &Db, initiative_id: i64) -> Result<Schema, AppError> {
    let goals: Vec<GoalRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, text, target_group FROM goal WHERE initiative_id = $1 ORDER BY position, id",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    let activities: Vec<ActivityRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT a.id, a.goal_id, a.text FROM activity a JOIN goal g ON g.id = a.goal_id
             WHERE g.initiative_id = $1 ORDER BY a.position, a.id",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    let measures: Vec<MeasureRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, kind, activity_id, goal_id, code, name, definition, unit,
                    value_type, frequency, direction, baseline_value, baseline_date, target_value,
                    target_date, tolerance_yellow, tolerance_red, source, comparison,
                    (retired_at IS NOT NULL) AS retired
             FROM measure WHERE initiative_id = $1 ORDER BY position, id",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    let milestones: Vec<(i64, NaiveDate, f64)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT s.measure_id, s.target_date, s.value
             FROM measure_milestone s JOIN measure m ON m.id = s.measure_id
             WHERE m.initiative_id = $1 ORDER BY s.measure_id, s.target_date",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    let effects: Vec<EffectRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT e.id, e.text, e.horizon, e.party_id, p.name AS party_name,
                    e.effect_measure_id, e.yearly_sek
             FROM economic_effect e LEFT JOIN party p ON p.id = e.party_id
             WHERE e.initiative_id = $1 ORDER BY e.position, e.id",
        )
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    let goals = goals
        .into_iter()
        .map(|g| Goal {
            activities: activities
                .iter()
                .filter(|a| a.goal_id == g.id)
                .map(|a| Activity {
                    id: a.id,
                    text: a.text.clone(),
                })
                .collect(),
            id: g.id,
            text: g.text,
            target_group: g.target_group,
        })
        .collect();
    let measures = measures
        .into_iter()
        .map(|m| to_measure(m, &milestones))
        .collect::<Result<Vec<_>, AppError>>()?;
    let effects = effects
        .into_iter()
        .map(|e| {
            Ok(EconomicEffect {
                horizon: Horizon::from_db(&e.horizon).ok_or_else(|| corrupt("horizon"))?,
                party: e.party_id.zip(e.party_name),
                id: e.id,
                text: e.text,
                effect_measure_id: e.effect_measure_id,
                yearly_sek: e.yearly_sek,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Schema {
        goals,
        measures,
        effects,
    })
}

fn to_measure(m: MeasureRow, milestones: &[(i64, NaiveDate, f64)]) -> Result<Measure, AppError> {
    Ok(Measure {
        kind: MeasureKind::from_db(&m.kind).ok_or_else(|| corrupt("kind"))?,
        value_type: ValueType::from_db(&m.value_type).ok_or_else(|| corrupt("value_type"))?,
        frequency: Frequency::from_db(&m.frequency).ok_or_else(|| corrupt("frequency"))?,
        direction: Direction::from_db(&m.direction).ok_or_else(|| corrupt("direction"))?,
        source: Source::from_db(&m.source).ok_or_else(|| corrupt("source"))?,
        id: m.id,
        activity_id: m.activity_id,
        goal_id: m.goal_id,
        code: m.code,
        name: m.name,
        definition: m.definition,
        unit: m.unit,
        baseline: m.baseline_value.zip(m.baseline_date),
        target: m.target_value.zip(m.target_date),
        milestones: milestones
            .iter()
            .filter(|(measure, _, _)| *measure == m.id)
            .map(|(_, date, value)| (*date, *value))
            .collect(),
        tolerance_yellow: m.tolerance_yellow,
        tolerance_red: m.tolerance_red,
        comparison: m.comparison,
        retired: m.retired,
    })
}

#[derive(sqlx::FromRow)]
struct JudgedRow {
    id: i64,
    initiative_id: i64,
    code: String,
    name: String,
    direction: String,
    baseline_value: Option<f64>,
    baseline_date: Option<NaiveDate>,
    target_value: f64,
    target_date: NaiveDate,
    tolerance_yellow: Option<f64>,
    tolerance_red: Option<f64>,
    latest_period: i64,
    latest_value: f64,
}

/// What the portfolio judges: every active measure of the organisation that has both a target
/// and a reported value, with its latest value (the others have no light to give). The
/// `Measure` carries only what the light needs: code, name, direction, baseline, delmål,
/// target and tolerances; its other fields are defaults. Two queries however many satsningar.
pub async fn judged_measures_of_organisation(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<(i64, Measure, (crate::report::Period, f64))>, AppError> {
    let rows: Vec<JudgedRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT m.id, m.initiative_id, m.code, m.name, m.direction, m.baseline_value,
                    m.baseline_date, m.target_value, m.target_date, m.tolerance_yellow,
                    m.tolerance_red, m.latest_period, m.latest_value
             FROM initiative i JOIN measure m ON m.initiative_id = i.id
             WHERE i.organisation_id = $1 AND m.retired_at IS NULL
               AND m.target_value IS NOT NULL AND m.target_date IS NOT NULL
               AND m.latest_value IS NOT NULL AND m.latest_period IS NOT NULL",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    let milestones: Vec<(i64, NaiveDate, f64)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT s.measure_id, s.target_date, s.value
             FROM initiative i JOIN measure m ON m.initiative_id = i.id
             JOIN measure_milestone s ON s.measure_id = m.id
             WHERE i.organisation_id = $1 ORDER BY s.measure_id, s.target_date",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter()
        .filter_map(|r| {
            let period = crate::report::Period::from_db(r.latest_period)?;
            Some((r, period))
        })
        .map(|(r, period)| {
            let measure = Measure {
                id: r.id,
                kind: MeasureKind::Effect,
                activity_id: None,
                goal_id: None,
                code: r.code,
                name: r.name,
                definition: String::new(),
                unit: String::new(),
                value_type: ValueType::Count,
                frequency: Frequency::Monthly,
                direction: Direction::from_db(&r.direction).ok_or_else(|| corrupt("direction"))?,
                baseline: r.baseline_value.zip(r.baseline_date),
                target: Some((r.target_value, r.target_date)),
                milestones: milestones
                    .iter()
                    .filter(|(m, _, _)| *m == r.id)
                    .map(|(_, d, v)| (*d, *v))
                    .collect(),
                tolerance_yellow: r.tolerance_yellow,
                tolerance_red: r.tolerance_red,
                source: Source::Manual,
                comparison: String::new(),
                retired: false,
            };
            Ok((r.initiative_id, measure, (period, r.latest_value)))
        })
        .collect()
}

/// Adds a mål at the end.
pub async fn add_goal(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    text: &str,
    target_group: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO goal (initiative_id, position, text, target_group)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM goal WHERE initiative_id = $1), $2, $3)
             RETURNING id",
        )
        .bind(initiative_id)
        .bind(text)
        .bind(target_group)
        .fetch_one(conn)
        .await
    })?;
    let changes =
        serde_json::json!({ "goal": { "after": text }, "initiative": { "after": initiative_id } });
    record_change(&mut tx, actor, Action::Create, "goal", id, changes, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds an aktivitet to a mål of this satsning.
pub async fn add_activity(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    goal_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    let owned: Option<i64> = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar("SELECT id FROM goal WHERE id = $1 AND initiative_id = $2")
            .bind(goal_id)
            .bind(initiative_id)
            .fetch_optional(conn)
            .await
    })?;
    if owned.is_none() {
        return tx.abort(AppError::NotFound).await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO activity (goal_id, position, text)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM activity WHERE goal_id = $1), $2)
             RETURNING id",
        )
        .bind(goal_id)
        .bind(text)
        .fetch_one(conn)
        .await
    })?;
    let changes =
        serde_json::json!({ "activity": { "after": text }, "goal": { "after": goal_id } });
    record_change(&mut tx, actor, Action::Create, "activity", id, changes, now).await?;
    tx.commit().await?;
    Ok(id)
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
    })
}

fn duplicate_code(code: &str) -> AppError {
    AppError::field(
        "measure[code]",
        format!("Koden {code} används redan i den här satsningen. Välj en annan."),
    )
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
        return tx.abort(duplicate_code(&input.code)).await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO measure (initiative_id, kind, activity_id, goal_id, position, code, name,
               definition, unit, value_type, frequency, direction, baseline_value, baseline_date,
               target_value, target_date, tolerance_yellow, tolerance_red, source, comparison)
             VALUES ($1, $2, $3, $4,
               (SELECT COALESCE(MAX(position), 0) + 1 FROM measure WHERE initiative_id = $1),
               $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
             RETURNING id",
        )
        .bind(initiative_id)
        .bind(kind.as_db())
        .bind(activity_id)
        .bind(goal_id)
        .bind(&input.code)
        .bind(&input.name)
        .bind(&input.definition)
        .bind(&input.unit)
        .bind(input.value_type.as_db())
        .bind(input.frequency.as_db())
        .bind(input.direction.as_db())
        .bind(input.baseline.map(|b| b.0))
        .bind(input.baseline.map(|b| b.1))
        .bind(input.target.map(|t| t.0))
        .bind(input.target.map(|t| t.1))
        .bind(input.tolerance_yellow)
        .bind(input.tolerance_red)
        .bind(input.source.as_db())
        .bind(&input.comparison)
        .fetch_one(conn)
        .await
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

/// A validated economic effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectInput {
    pub text: String,
    pub horizon: Horizon,
    pub party_id: Option<i64>,
    pub effect_measure_id: Option<i64>,
    pub yearly_sek: i64,
}

/// Adds an ekonomisk effekt; the linked effektmått must be this satsning's.
pub async fn add_effect(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    input: &EffectInput,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = db.begin().await?;
    if let Some(measure_id) = input.effect_measure_id
        && !effect_measure_is_ours(&mut tx, initiative_id, measure_id).await?
    {
        return tx.abort(not_our_effect_measure()).await;
    }
    let id: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO economic_effect (initiative_id, position, text, horizon, party_id,
               effect_measure_id, yearly_sek)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM economic_effect WHERE initiative_id = $1),
               $2, $3, $4, $5, $6)
             RETURNING id",
        )
        .bind(initiative_id)
        .bind(&input.text)
        .bind(input.horizon.as_db())
        .bind(input.party_id)
        .bind(input.effect_measure_id)
        .bind(input.yearly_sek)
        .fetch_one(conn)
        .await
    })?;
    let changes = serde_json::json!({
        "text": { "after": input.text }, "horizon": { "after": input.horizon.as_db() },
        "yearly_sek": { "after": input.yearly_sek },
    });
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "economic_effect",
        id,
        changes,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
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
        return tx.abort(duplicate_code(&input.code)).await;
    }
    let changed = on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE measure SET code = $1, name = $2, definition = $3, unit = $4, value_type = $5,
               frequency = $6, direction = $7, baseline_value = $8, baseline_date = $9,
               target_value = $10, target_date = $11, tolerance_yellow = $12, tolerance_red = $13,
               source = $14, comparison = $15
             WHERE id = $16 AND initiative_id = $17",
        )
        .bind(&input.code)
        .bind(&input.name)
        .bind(&input.definition)
        .bind(&input.unit)
        .bind(input.value_type.as_db())
        .bind(input.frequency.as_db())
        .bind(input.direction.as_db())
        .bind(input.baseline.map(|b| b.0))
        .bind(input.baseline.map(|b| b.1))
        .bind(input.target.map(|t| t.0))
        .bind(input.target.map(|t| t.1))
        .bind(input.tolerance_yellow)
        .bind(input.tolerance_red)
        .bind(input.source.as_db())
        .bind(&input.comparison)
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

/// What can be moved up or down among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movable {
    Goal,
    Activity,
    Measure,
}

/// Swaps an item with its previous (`up`) or next sibling. At the edge nothing happens.
pub async fn move_item(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    what: Movable,
    id: i64,
    up: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    // (id, position) of the item's siblings in order, scoped to the satsning.
    let siblings: Vec<(i64, i64)> = match what {
        Movable::Goal => on_tx!(&mut tx, |conn| {
            sqlx::query_as(
                "SELECT id, position FROM goal WHERE initiative_id = $1 ORDER BY position, id",
            )
            .bind(initiative_id)
            .fetch_all(conn)
            .await
        })?,
        Movable::Activity => on_tx!(&mut tx, |conn| {
            sqlx::query_as(
                "SELECT a.id, a.position FROM activity a
                 WHERE a.goal_id = (SELECT a2.goal_id FROM activity a2 JOIN goal g ON g.id = a2.goal_id
                                    WHERE a2.id = $1 AND g.initiative_id = $2)
                 ORDER BY a.position, a.id",
            )
            .bind(id)
            .bind(initiative_id)
            .fetch_all(conn)
            .await
        })?,
        Movable::Measure => on_tx!(&mut tx, |conn| {
            sqlx::query_as(
                "SELECT m.id, m.position FROM measure m, measure me
                 WHERE me.id = $1 AND me.initiative_id = $2 AND m.initiative_id = me.initiative_id
                   AND m.kind = me.kind
                   AND COALESCE(m.activity_id, -1) = COALESCE(me.activity_id, -1)
                   AND COALESCE(m.goal_id, -1) = COALESCE(me.goal_id, -1)
                 ORDER BY m.position, m.id",
            )
            .bind(id)
            .bind(initiative_id)
            .fetch_all(conn)
            .await
        })?,
    };
    let Some(index) = siblings.iter().position(|(sid, _)| *sid == id) else {
        return tx.abort(AppError::NotFound).await;
    };
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1).filter(|i| *i < siblings.len())
    };
    let Some(other) = other else {
        tx.rollback().await?;
        return Ok(());
    };
    // Positions are distinct among siblings (each new item gets MAX + 1): swap them.
    let (a, b) = (siblings[index], siblings[other]);
    let pos_a = b.1;
    for (item, position) in [(a.0, b.1), (b.0, a.1)] {
        on_tx!(&mut tx, |conn| {
            let sql = match what {
                Movable::Goal => "UPDATE goal SET position = $1 WHERE id = $2",
                Movable::Activity => "UPDATE activity SET position = $1 WHERE id = $2",
                Movable::Measure => "UPDATE measure SET position = $1 WHERE id = $2",
            };
            sqlx::query(sql)
                .bind(position)
                .bind(item)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    let object_type = match what {
        Movable::Goal => "goal",
        Movable::Activity => "activity",
        Movable::Measure => "measure",
    };
    let changes = serde_json::json!({ "position": { "before": a.1, "after": pos_a } });
    record_change(
        &mut tx,
        actor,
        Action::Update,
        object_type,
        id,
        changes,
        now,
    )
    .await?;
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
        source: measure.source,
        comparison: measure.comparison.clone(),
    }
}

/// Parts of the schema that can be renamed or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Goal,
    Activity,
    Measure,
    Effect,
}

impl Part {
    /// From the form value: mal, aktivitet, matt, effekt.
    pub fn from_form(value: &str) -> Option<Self> {
        match value {
            "mal" => Some(Part::Goal),
            "aktivitet" => Some(Part::Activity),
            "matt" => Some(Part::Measure),
            "effekt" => Some(Part::Effect),
            _ => None,
        }
    }

    fn object_type(self) -> &'static str {
        match self {
            Part::Goal => "goal",
            Part::Activity => "activity",
            Part::Measure => "measure",
            Part::Effect => "economic_effect",
        }
    }
}

/// The part's text and målgrupp when it belongs to the satsning.
async fn owned_text(
    tx: &mut crate::db::Tx,
    initiative_id: i64,
    part: Part,
    id: i64,
) -> Result<Option<(String, String)>, AppError> {
    Ok(on_tx!(tx, |conn| {
        let sql = match part {
            Part::Goal => {
                "SELECT text, target_group FROM goal WHERE id = $1 AND initiative_id = $2"
            }
            Part::Activity => {
                "SELECT a.text, '' AS target_group FROM activity a JOIN goal g ON g.id = a.goal_id
                 WHERE a.id = $1 AND g.initiative_id = $2"
            }
            Part::Measure => {
                "SELECT code || ' ' || name, '' AS target_group FROM measure
                 WHERE id = $1 AND initiative_id = $2"
            }
            Part::Effect => {
                "SELECT text, '' AS target_group FROM economic_effect
                 WHERE id = $1 AND initiative_id = $2"
            }
        };
        sqlx::query_as(sql)
            .bind(id)
            .bind(initiative_id)
            .fetch_optional(conn)
            .await
    })?)
}

/// New text for a mål (with its målgrupp) or an aktivitet.
#[derive(Debug, Clone, Copy)]
pub struct TextEdit<'a> {
    pub part: Part,
    pub id: i64,
    pub text: &'a str,
    /// Only for a mål.
    pub target_group: &'a str,
}

/// Changes the text of a mål (with its målgrupp) or an aktivitet, audited before → after.
pub async fn update_text(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    edit: TextEdit<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let TextEdit {
        part,
        id,
        text,
        target_group,
    } = edit;
    let mut tx = db.begin().await?;
    let Some((old_text, old_group)) = owned_text(&mut tx, initiative_id, part, id).await? else {
        return tx.abort(AppError::NotFound).await;
    };
    on_tx!(&mut tx, |conn| {
        let query = match part {
            Part::Goal => sqlx::query("UPDATE goal SET text = $1, target_group = $2 WHERE id = $3")
                .bind(text)
                .bind(target_group),
            _ => sqlx::query("UPDATE activity SET text = $1 WHERE id = $2").bind(text),
        };
        query.bind(id).execute(conn).await.map(|_| ())
    })?;
    // An aktivitet has no målgrupp: its "change" is left out.
    let new_group = if part == Part::Goal {
        target_group
    } else {
        old_group.as_str()
    };
    let changes = crate::audit::repo::changed_fields([
        ("text", old_text.as_str().into(), text.into()),
        ("target_group", old_group.as_str().into(), new_group.into()),
    ]);
    if !changes.is_empty() {
        let object = part.object_type();
        record_change(
            &mut tx,
            actor,
            Action::Update,
            object,
            id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes a mål or an aktivitet that has nothing under it, a measure (the caller checks that
/// the satsning is not yet decided, so no values exist), or an ekonomisk effekt. Audited.
pub async fn delete_part(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    part: Part,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let Some((text, _)) = owned_text(&mut tx, initiative_id, part, id).await? else {
        return tx.abort(AppError::NotFound).await;
    };
    let children: i64 = match part {
        Part::Goal => on_tx!(&mut tx, |conn| {
            sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM activity WHERE goal_id = $1)
                      + (SELECT COUNT(*) FROM measure WHERE goal_id = $1)",
            )
            .bind(id)
            .fetch_one(conn)
            .await
        })?,
        Part::Activity => on_tx!(&mut tx, |conn| {
            sqlx::query_scalar("SELECT COUNT(*) FROM measure WHERE activity_id = $1")
                .bind(id)
                .fetch_one(conn)
                .await
        })?,
        Part::Measure | Part::Effect => 0,
    };
    if children > 0 {
        let message = match part {
            Part::Goal => "Målet har aktiviteter eller indikatorer. Ta bort dem först.",
            _ => "Aktiviteten har mått. Ta bort eller ta ur bruk måtten först.",
        };
        return tx.abort(AppError::Conflict(message.into())).await;
    }
    let statements: &[&str] = match part {
        Part::Goal => &["DELETE FROM goal WHERE id = $1"],
        Part::Activity => &["DELETE FROM activity WHERE id = $1"],
        Part::Measure => &[
            "UPDATE economic_effect SET effect_measure_id = NULL WHERE effect_measure_id = $1",
            "DELETE FROM measure_milestone WHERE measure_id = $1",
            "DELETE FROM measure WHERE id = $1",
        ],
        Part::Effect => &["DELETE FROM economic_effect WHERE id = $1"],
    };
    for sql in statements {
        on_tx!(&mut tx, |conn| {
            sqlx::query(*sql).bind(id).execute(conn).await.map(|_| ())
        })?;
    }
    let changes = serde_json::json!({ "text": { "before": text } });
    let object = part.object_type();
    record_change(&mut tx, actor, Action::Delete, object, id, changes, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves changes to an ekonomisk effekt; the linked effektmått must be this satsning's.
pub async fn update_effect(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    effect_id: i64,
    input: &EffectInput,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    if let Some(measure_id) = input.effect_measure_id
        && !effect_measure_is_ours(&mut tx, initiative_id, measure_id).await?
    {
        return tx.abort(not_our_effect_measure()).await;
    }
    let before: Option<EffectRow> = on_tx!(&mut tx, |conn| {
        sqlx::query_as(
            "SELECT id, text, horizon, party_id, CAST(NULL AS TEXT) AS party_name,
                        effect_measure_id, yearly_sek
                 FROM economic_effect WHERE id = $1 AND initiative_id = $2",
        )
        .bind(effect_id)
        .bind(initiative_id)
        .fetch_optional(conn)
        .await
    })?;
    let Some(before) = before else {
        return tx.abort(AppError::NotFound).await;
    };
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE economic_effect SET text = $1, horizon = $2, party_id = $3,
               effect_measure_id = $4, yearly_sek = $5 WHERE id = $6",
        )
        .bind(&input.text)
        .bind(input.horizon.as_db())
        .bind(input.party_id)
        .bind(input.effect_measure_id)
        .bind(input.yearly_sek)
        .bind(effect_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let pairs = [
        (
            "text",
            serde_json::json!(before.text),
            serde_json::json!(input.text),
        ),
        (
            "horizon",
            serde_json::json!(before.horizon),
            serde_json::json!(input.horizon.as_db()),
        ),
        (
            "party_id",
            serde_json::json!(before.party_id),
            serde_json::json!(input.party_id),
        ),
        (
            "effect_measure_id",
            serde_json::json!(before.effect_measure_id),
            serde_json::json!(input.effect_measure_id),
        ),
        (
            "yearly_sek",
            serde_json::json!(before.yearly_sek),
            serde_json::json!(input.yearly_sek),
        ),
    ];
    let changes = crate::audit::repo::changed_fields(pairs);
    if !changes.is_empty() {
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "economic_effect",
            effect_id,
            changes.into(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn effect_measure_is_ours(
    tx: &mut crate::db::Tx,
    initiative_id: i64,
    measure_id: i64,
) -> Result<bool, AppError> {
    let found: Option<i64> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT id FROM measure WHERE id = $1 AND initiative_id = $2 AND kind = 'effekt'",
        )
        .bind(measure_id)
        .bind(initiative_id)
        .fetch_optional(conn)
        .await
    })?;
    Ok(found.is_some())
}

fn not_our_effect_measure() -> AppError {
    AppError::field("effektmatt", "Välj ett av satsningens effektmått.")
}
