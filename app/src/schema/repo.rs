//! SQL for the utvärderingsschema: loading a satsning's schema and the organisation's judged
//! measures. The changes live beside it, one file per part of the schema — measures
//! (`repo_measure.rs`), mål and aktiviteter (`repo_tree.rs`), ekonomiska effekter
//! (`repo_effect.rs`) — and are re-exported here, so callers write `schema::repo::add_measure`.
//! The caller has already checked that the satsning belongs to the user's organisation and may
//! be edited; every change is audited in its transaction.

pub use super::repo_effect::{EffectInput, add_effect, update_effect};
pub use super::repo_measure::{Parent, add_measure, as_input, retire_measure, update_measure};
pub use super::repo_tree::{
    Movable, Part, TextEdit, add_activity, add_goal, delete_part, move_item, update_text,
};

use chrono::NaiveDate;

use super::{
    Activity, Direction, EconomicEffect, Frequency, Goal, Horizon, Measure, MeasureKind, Schema,
    Source, ValueType,
};
use crate::db::Db;
use crate::db_read;
use crate::error::AppError;

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
    interval_lower: Option<f64>,
    interval_upper: Option<f64>,
    source: String,
    comparison: String,
    retired: bool,
    signals_off: bool,
    signal_run_length: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(super) struct EffectRow {
    pub(super) id: i64,
    pub(super) text: String,
    pub(super) horizon: String,
    pub(super) party_id: Option<i64>,
    pub(super) party_name: Option<String>,
    pub(super) effect_measure_id: Option<i64>,
    pub(super) yearly_sek: i64,
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
                    target_date, tolerance_yellow, tolerance_red, interval_lower, interval_upper,
                    source, comparison, (retired_at IS NOT NULL) AS retired, signals_off,
                    signal_run_length
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
        interval: m.interval_lower.zip(m.interval_upper),
        comparison: m.comparison,
        retired: m.retired,
        signals: super::Signals {
            off: m.signals_off,
            run_length: m.signal_run_length.and_then(|n| usize::try_from(n).ok()),
        },
    })
}
