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

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{
    Activity, Direction, EconomicEffect, Frequency, Goal, Horizon, Measure, MeasureKind, Schema,
    Source, ValueType,
};
use crate::db::Reader;
use crate::error::AppError;
use crate::initiative::repo::Scope;
use crate::{db_read_on, scoped_sql};

#[derive(sqlx::FromRow)]
struct GoalRow {
    initiative_id: i64,
    id: i64,
    text: String,
    target_group: String,
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    initiative_id: i64,
    id: i64,
    goal_id: i64,
    text: String,
}

#[derive(sqlx::FromRow)]
struct MeasureRow {
    initiative_id: i64,
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

#[derive(sqlx::FromRow)]
struct ScopedEffectRow {
    initiative_id: i64,
    #[sqlx(flatten)]
    row: EffectRow,
}

fn corrupt(what: &str) -> AppError {
    tracing::error!(what, "unknown value in schema tables");
    AppError::Internal
}

/// The satsning's whole schema (five queries).
pub async fn load<'a>(
    reader: impl Into<Reader<'a>>,
    initiative_id: i64,
) -> Result<Schema, AppError> {
    Ok(load_scoped(&mut reader.into(), Scope::One(initiative_id))
        .await?
        .remove(&initiative_id)
        .unwrap_or_default())
}

/// The schema of every satsning of the organisation, by satsning (the same five queries).
pub async fn load_organisation<'a>(
    reader: impl Into<Reader<'a>>,
    organisation_id: i64,
) -> Result<HashMap<i64, Schema>, AppError> {
    load_scoped(&mut reader.into(), Scope::Organisation(organisation_id)).await
}

const GOALS: [&str; 2] = scoped_sql!(
    "SELECT initiative_id, id, text, target_group FROM goal WHERE initiative_id",
    "ORDER BY position, id"
);
const ACTIVITIES: [&str; 2] = scoped_sql!(
    "SELECT g.initiative_id, a.id, a.goal_id, a.text FROM activity a JOIN goal g ON g.id = a.goal_id
     WHERE g.initiative_id",
    "ORDER BY a.position, a.id"
);
const MEASURES: [&str; 2] = scoped_sql!(
    "SELECT initiative_id, id, kind, activity_id, goal_id, code, name, definition, unit,
            value_type, frequency, direction, baseline_value, baseline_date, target_value,
            target_date, tolerance_yellow, tolerance_red, interval_lower, interval_upper,
            source, comparison, (retired_at IS NOT NULL) AS retired, signals_off,
            signal_run_length
     FROM measure WHERE initiative_id",
    "ORDER BY position, id"
);
const MILESTONES: [&str; 2] = scoped_sql!(
    "SELECT s.measure_id, s.target_date, s.value
     FROM measure_milestone s JOIN measure m ON m.id = s.measure_id
     WHERE m.initiative_id",
    "ORDER BY s.measure_id, s.target_date"
);
const EFFECTS: [&str; 2] = scoped_sql!(
    "SELECT e.initiative_id, e.id, e.text, e.horizon, e.party_id, p.name AS party_name,
            e.effect_measure_id, e.yearly_sek
     FROM economic_effect e LEFT JOIN party p ON p.id = e.party_id
     WHERE e.initiative_id",
    "ORDER BY e.position, e.id"
);

async fn load_scoped(
    reader: &mut Reader<'_>,
    scope: Scope,
) -> Result<HashMap<i64, Schema>, AppError> {
    let key = scope.key();
    let goals: Vec<GoalRow> = db_read_on!(reader, |pool| {
        sqlx::query_as(scope.pick(GOALS))
            .bind(key)
            .fetch_all(pool)
            .await
    })?;
    let activities: Vec<ActivityRow> = db_read_on!(reader, |pool| {
        sqlx::query_as(scope.pick(ACTIVITIES))
            .bind(key)
            .fetch_all(pool)
            .await
    })?;
    let measures: Vec<MeasureRow> = db_read_on!(reader, |pool| {
        sqlx::query_as(scope.pick(MEASURES))
            .bind(key)
            .fetch_all(pool)
            .await
    })?;
    let milestones: Vec<(i64, NaiveDate, f64)> = db_read_on!(reader, |pool| {
        sqlx::query_as(scope.pick(MILESTONES))
            .bind(key)
            .fetch_all(pool)
            .await
    })?;
    let effects: Vec<ScopedEffectRow> = db_read_on!(reader, |pool| {
        sqlx::query_as(scope.pick(EFFECTS))
            .bind(key)
            .fetch_all(pool)
            .await
    })?;
    let mut schemas: HashMap<i64, Schema> = HashMap::new();
    let mut activities_of: HashMap<i64, Vec<Activity>> = HashMap::new();
    for a in activities {
        schemas.entry(a.initiative_id).or_default();
        activities_of.entry(a.goal_id).or_default().push(Activity {
            id: a.id,
            text: a.text,
        });
    }
    for g in goals {
        schemas
            .entry(g.initiative_id)
            .or_default()
            .goals
            .push(Goal {
                activities: activities_of.remove(&g.id).unwrap_or_default(),
                id: g.id,
                text: g.text,
                target_group: g.target_group,
            });
    }
    let mut milestones_of: HashMap<i64, Vec<(NaiveDate, f64)>> = HashMap::new();
    for (measure, date, value) in milestones {
        milestones_of
            .entry(measure)
            .or_default()
            .push((date, value));
    }
    for m in measures {
        let initiative = m.initiative_id;
        let milestones = milestones_of.remove(&m.id).unwrap_or_default();
        let measure = to_measure(m, milestones)?;
        schemas
            .entry(initiative)
            .or_default()
            .measures
            .push(measure);
    }
    for ScopedEffectRow {
        initiative_id,
        row: e,
    } in effects
    {
        schemas
            .entry(initiative_id)
            .or_default()
            .effects
            .push(EconomicEffect {
                horizon: Horizon::from_db(&e.horizon).ok_or_else(|| corrupt("horizon"))?,
                party: e.party_id.zip(e.party_name),
                id: e.id,
                text: e.text,
                effect_measure_id: e.effect_measure_id,
                yearly_sek: e.yearly_sek,
            });
    }
    Ok(schemas)
}

fn to_measure(m: MeasureRow, milestones: Vec<(NaiveDate, f64)>) -> Result<Measure, AppError> {
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
        milestones,
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
