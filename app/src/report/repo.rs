//! SQL for månadsrapportering. The caller has checked that the satsning is the user's to see
//! (or report for); every saved change is audited in its own transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::Period;
use crate::audit::Action;
use crate::audit::Actor;
use crate::audit::repo::{Change, record_change, record_changes};
use crate::db::{Db, Reader};
use crate::error::AppError;
use crate::initiative::repo::Scope;
use crate::schema::{Direction, Frequency, Measure, MeasureKind, Source, ValueType};
use crate::{db_read, db_read_on, on_tx, scoped_sql};

/// A stored value.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredValue {
    pub id: i64,
    pub measure_id: i64,
    pub period: Period,
    pub value: Option<f64>,
    pub comment: String,
    pub reported_by: Option<String>,
    pub reported_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ValueRow {
    id: i64,
    measure_id: i64,
    period: i64,
    value: Option<f64>,
    comment: String,
    reported_by: Option<String>,
    reported_at: DateTime<Utc>,
}

/// The reported numbers of a satsning's measures between two months (inclusive), per
/// measure in month order: what the charts draw and the deviation rules read (no comments,
/// no reporters).
pub async fn series<'a>(
    reader: impl Into<Reader<'a>>,
    initiative_id: i64,
    from: Period,
    to: Period,
) -> Result<Series, AppError> {
    Ok(
        series_scoped(&mut reader.into(), Scope::One(initiative_id), from, to)
            .await?
            .remove(&initiative_id)
            .unwrap_or_default(),
    )
}

/// A satsning's values per measure, in month order.
pub type Series = std::collections::HashMap<i64, Vec<(Period, f64)>>;

/// [`series`] of every satsning of the organisation, by satsning (one query).
pub async fn organisation_series<'a>(
    reader: impl Into<Reader<'a>>,
    organisation_id: i64,
    from: Period,
    to: Period,
) -> Result<std::collections::HashMap<i64, Series>, AppError> {
    series_scoped(
        &mut reader.into(),
        Scope::Organisation(organisation_id),
        from,
        to,
    )
    .await
}

// sqlx hands each row from SQLite's worker thread to the task on its own (a channel send and
// an allocation per column): a satsning's 2 400 values cost about 5 ms as rows and a tenth of
// that as one text per measure. Each value is written exactly: as whole hundredths ("4150c"
// for 41.5) when that reads back as the same double — SQLite checks it with the division the
// reader does — and otherwise with '%!.17g', the 17 significant digits that read back as the
// same double (SQLite's exact printf is slow: a national sweep spent a fifth of its time
// there). The measure is looked up per measure, not joined per value, so the values come in
// the index's order and need no sort. PostgreSQL streams rows cheaply and reads them as they
// are.
const PACKED_SERIES: [&str; 2] = scoped_sql!(
    "SELECT (SELECT m.initiative_id FROM measure m WHERE m.id = v.measure_id), v.measure_id,
            group_concat(v.period || ' ' ||
                CASE WHEN CAST(round(v.value * 100) AS INTEGER) / 100.0 = v.value
                     THEN CAST(round(v.value * 100) AS INTEGER) || 'c'
                     ELSE printf('%!.17g', v.value) END, ',')
     FROM measure_value v
     WHERE v.measure_id IN (SELECT id FROM measure WHERE initiative_id",
    ") AND v.period BETWEEN $2 AND $3 AND v.value IS NOT NULL
     GROUP BY v.measure_id"
);
const SERIES_ROWS: [&str; 2] = scoped_sql!(
    "SELECT m.initiative_id, v.measure_id, v.period, v.value
     FROM measure m JOIN measure_value v ON v.measure_id = m.id
     WHERE m.initiative_id",
    "AND v.period BETWEEN $2 AND $3 AND v.value IS NOT NULL
     ORDER BY v.measure_id, v.period"
);

async fn series_scoped(
    reader: &mut Reader<'_>,
    scope: Scope,
    from: Period,
    to: Period,
) -> Result<std::collections::HashMap<i64, Series>, AppError> {
    let mut series: std::collections::HashMap<i64, Series> = std::collections::HashMap::new();
    if reader.is_sqlite() {
        let rows: Vec<(i64, i64, String)> = db_read_on!(reader, |e| {
            sqlx::query_as(scope.pick(PACKED_SERIES))
                .bind(scope.key())
                .bind(from.as_db())
                .bind(to.as_db())
                .fetch_all(e)
                .await
        })?;
        for (initiative, measure, packed) in rows {
            let mut points: Vec<(Period, f64)> =
                packed.split(',').filter_map(packed_point).collect();
            points.sort_by_key(|(period, _)| *period);
            series
                .entry(initiative)
                .or_default()
                .insert(measure, points);
        }
    } else {
        let rows: Vec<(i64, i64, i64, f64)> = db_read_on!(reader, |e| {
            sqlx::query_as(scope.pick(SERIES_ROWS))
                .bind(scope.key())
                .bind(from.as_db())
                .bind(to.as_db())
                .fetch_all(e)
                .await
        })?;
        for (initiative, measure, period, value) in rows {
            if let Some(period) = Period::from_db(period) {
                series
                    .entry(initiative)
                    .or_default()
                    .entry(measure)
                    .or_default()
                    .push((period, value));
            }
        }
    }
    Ok(series)
}

/// One "202611 4150c" (hundredths) or "202611 41.500000000000001" of a packed series.
fn packed_point(point: &str) -> Option<(Period, f64)> {
    let (period, value) = point.split_once(' ')?;
    let value = match value.strip_suffix('c') {
        Some(hundredths) => hundredths.parse::<i64>().ok()? as f64 / 100.0,
        None => value.parse().ok()?,
    };
    Some((Period::from_db(period.parse().ok()?)?, value))
}

/// The satsning's values from `from` to `to` (months included), by measure and month.
pub async fn values(
    db: &Db,
    initiative_id: i64,
    from: Period,
    to: Period,
) -> Result<Vec<StoredValue>, AppError> {
    let rows: Vec<ValueRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT v.id, v.measure_id, v.period, v.value, v.comment, u.name AS reported_by,
                    v.reported_at
             FROM measure_value v
             LEFT JOIN user_account u ON u.id = v.reported_by
             WHERE v.measure_id IN (SELECT id FROM measure WHERE initiative_id = $1)
               AND v.period BETWEEN $2 AND $3
             ORDER BY v.measure_id, v.period",
        )
        .bind(initiative_id)
        .bind(from.as_db())
        .bind(to.as_db())
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(StoredValue {
                period: Period::from_db(r.period)?,
                id: r.id,
                measure_id: r.measure_id,
                value: r.value,
                comment: r.comment,
                reported_by: r.reported_by,
                reported_at: r.reported_at,
            })
        })
        .collect())
}

/// Per satsning of the organisation (or just `initiative_id`), since `from`: the months
/// marked complete and the months with anything saved. One small query on `report_period`.
pub async fn month_marks<'a>(
    reader: impl Into<Reader<'a>>,
    organisation_id: i64,
    initiative_id: Option<i64>,
    from: Period,
) -> Result<MonthMarks, AppError> {
    let rows: Vec<(i64, i64, bool, bool)> = db_read_on!(&mut reader.into(), |pool| {
        match initiative_id {
            Some(initiative_id) => {
                sqlx::query_as(
                    "SELECT initiative_id, period, has_values, submitted_at IS NOT NULL
                     FROM report_period
                     WHERE initiative_id = $1 AND period >= $2
                       AND initiative_id IN (SELECT id FROM initiative WHERE organisation_id = $3)",
                )
                .bind(initiative_id)
                .bind(from.as_db())
                .bind(organisation_id)
                .fetch_all(pool)
                .await
            }
            None => {
                sqlx::query_as(
                    "SELECT r.initiative_id, r.period, r.has_values, r.submitted_at IS NOT NULL
                     FROM initiative i
                     JOIN report_period r ON r.initiative_id = i.id AND r.period >= $2
                     WHERE i.organisation_id = $1",
                )
                .bind(organisation_id)
                .bind(from.as_db())
                .fetch_all(pool)
                .await
            }
        }
    })?;
    let mut marks = MonthMarks::default();
    for (initiative, period, has_values, submitted) in rows {
        let Some(period) = Period::from_db(period) else {
            continue;
        };
        if has_values {
            marks.started.insert((initiative, period));
        }
        if submitted {
            marks.submitted.insert((initiative, period));
        }
    }
    Ok(marks)
}

pub use super::month::MonthMarks;

/// One field pair of the form: the value and comment for a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub measure_id: i64,
    pub value: Option<f64>,
    pub comment: String,
}

/// A month's form, validated.
#[derive(Debug, Clone, Copy)]
pub struct MonthSave<'a> {
    pub period: Period,
    pub entries: &'a [Entry],
    /// Why a locked month is corrected.
    pub reason: Option<&'a str>,
    /// "Markera som inrapporterad".
    pub submit: bool,
}

/// What a save changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveOutcome {
    pub changed: usize,
    pub submitted: bool,
}

/// Saves a month's entries in one transaction: only changed values are written, each with an
/// audit row (before → after, and the reason for a correction). `submit` marks the month
/// "inrapporterad". The entries' measures are the satsning's (the caller built them from its
/// schema). When anything changed, `after` (the deviation evaluation) runs in the same
/// transaction.
pub async fn save(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    month: MonthSave<'_>,
    now: DateTime<Utc>,
    after: &super::AfterValues,
) -> Result<SaveOutcome, AppError> {
    let mut tx = db.begin().await?;
    let outcome = write_month(&mut tx, actor, initiative_id, month, now).await?;
    if outcome.changed > 0 || outcome.submitted {
        after.run(&mut tx, initiative_id).await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// [`save`] inside a transaction the caller commits (also the survey transfer's write).
pub async fn write_month(
    tx: &mut crate::db::Tx,
    actor: impl Into<crate::audit::Agent>,
    initiative_id: i64,
    month: MonthSave<'_>,
    now: DateTime<Utc>,
) -> Result<SaveOutcome, AppError> {
    // A person, or Utfall itself (the survey transfer when a wave closes): no user then.
    let actor: crate::audit::Agent = actor.into();
    let MonthSave {
        period,
        entries,
        reason,
        submit,
    } = month;
    let existing: Vec<(i64, i64, Option<f64>, String)> = on_tx!(tx, |conn| {
        sqlx::query_as(
            "SELECT v.id, v.measure_id, v.value, v.comment FROM measure_value v
             WHERE v.measure_id IN (SELECT id FROM measure WHERE initiative_id = $1)
               AND v.period = $2",
        )
        .bind(initiative_id)
        .bind(period.as_db())
        .fetch_all(conn)
        .await
    })?;
    // What changed, with its audit text; unchanged entries are not written at all.
    let mut writes: Vec<(&Entry, Action, serde_json::Value)> = Vec::new();
    for entry in entries {
        let before = existing.iter().find(|e| e.1 == entry.measure_id);
        let (old_value, old_comment) = before.map_or((None, ""), |e| (e.2, e.3.as_str()));
        if old_value == entry.value && old_comment == entry.comment {
            continue;
        }
        if before.is_none() && entry.value.is_none() && entry.comment.is_empty() {
            continue;
        }
        let mut changes = crate::audit::repo::changed_fields([
            ("value", old_value.into(), entry.value.into()),
            ("comment", old_comment.into(), entry.comment.as_str().into()),
        ]);
        changes.insert(
            "period".into(),
            serde_json::json!({ "after": period.to_string() }),
        );
        if let Some(reason) = reason {
            changes.insert("reason".into(), serde_json::json!({ "after": reason }));
        }
        let action = if before.is_some() {
            Action::Update
        } else {
            Action::Create
        };
        writes.push((entry, action, changes.into()));
    }
    let changed = writes.len();
    if !writes.is_empty() {
        // One statement for the values and one for their audit rows: a month of 40 values
        // costs two round trips to the database, not eighty.
        let ids: Vec<(i64, i64)> = on_tx!(tx, |conn| {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO measure_value (measure_id, period, value, comment, reported_by, reported_at) ",
            );
            insert.push_values(&writes, |mut row, (entry, _, _)| {
                row.push_bind(entry.measure_id)
                    .push_bind(period.as_db())
                    .push_bind(entry.value)
                    .push_bind(entry.comment.as_str())
                    .push_bind(actor.user_id)
                    .push_bind(now);
            });
            insert.push(
                " ON CONFLICT (measure_id, period) DO UPDATE
                   SET value = excluded.value, comment = excluded.comment,
                       reported_by = excluded.reported_by, reported_at = excluded.reported_at
                 RETURNING measure_id, id",
            );
            insert.build_query_as().fetch_all(conn).await
        })?;
        let audit: Vec<Change> = writes
            .iter()
            .map(|(entry, action, changes)| Change {
                action: *action,
                object_id: ids
                    .iter()
                    .find(|(measure, _)| *measure == entry.measure_id)
                    .map(|(_, id)| *id),
                changes: changes.clone(),
            })
            .collect();
        record_changes(tx, actor, "measure_value", &audit, now).await?;
    }
    if changed > 0 {
        // Keep each measure's latest value in step (the portfolio reads it from there).
        on_tx!(tx, |conn| {
            sqlx::query(
                "UPDATE measure SET
                   latest_period = (SELECT MAX(v.period) FROM measure_value v
                                    WHERE v.measure_id = measure.id AND v.value IS NOT NULL),
                   latest_value = (SELECT v.value FROM measure_value v
                                   WHERE v.measure_id = measure.id
                                     AND v.period = (SELECT MAX(w.period) FROM measure_value w
                                                     WHERE w.measure_id = measure.id
                                                       AND w.value IS NOT NULL))
                 WHERE initiative_id = $1",
            )
            .bind(initiative_id)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    let mut submitted = false;
    if changed > 0 || submit {
        // Keep the month's row in step: anything saved, and (once) when it was marked complete.
        let has_values: bool = on_tx!(tx, |conn| {
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM measure_value
                   WHERE measure_id IN (SELECT id FROM measure WHERE initiative_id = $1)
                     AND period = $2 AND (value IS NOT NULL OR comment <> ''))",
            )
            .bind(initiative_id)
            .bind(period.as_db())
            .fetch_one(conn)
            .await
        })?;
        on_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO report_period (initiative_id, period, has_values) VALUES ($1, $2, $3)
                 ON CONFLICT (initiative_id, period) DO UPDATE SET has_values = excluded.has_values",
            )
            .bind(initiative_id)
            .bind(period.as_db())
            .bind(has_values)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    if submit {
        let marked = on_tx!(tx, |conn| {
            sqlx::query(
                "UPDATE report_period SET submitted_at = $3, submitted_by = $4
                 WHERE initiative_id = $1 AND period = $2 AND submitted_at IS NULL",
            )
            .bind(initiative_id)
            .bind(period.as_db())
            .bind(now)
            .bind(actor.user_id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        })?;
        if marked == 1 {
            submitted = true;
            let changes = serde_json::json!({
                "period": { "after": period.to_string() },
                "submitted": { "before": false, "after": true },
            });
            record_change(
                tx,
                actor,
                Action::Update,
                "report_period",
                initiative_id,
                changes,
                now,
            )
            .await?;
        }
    }
    Ok(SaveOutcome { changed, submitted })
}

/// One change of a value, for the month's history.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueChange {
    pub measure_id: i64,
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub changes: serde_json::Value,
}

/// The audit trail of the month's values, newest first.
pub async fn history(
    db: &Db,
    initiative_id: i64,
    period: Period,
) -> Result<Vec<ValueChange>, AppError> {
    let rows: Vec<(i64, DateTime<Utc>, Option<String>, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT v.measure_id, a.at, u.name, a.changes
             FROM audit_event a
             JOIN measure_value v ON v.id = a.object_id
             JOIN measure m ON m.id = v.measure_id
             LEFT JOIN user_account u ON u.id = a.actor_user_id
             WHERE a.object_type = 'measure_value' AND m.initiative_id = $1 AND v.period = $2
             ORDER BY a.at DESC, a.id DESC",
        )
        .bind(initiative_id)
        .bind(period.as_db())
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(measure_id, at, by, changes)| ValueChange {
            measure_id,
            at,
            by,
            changes: serde_json::from_str(&changes).unwrap_or_default(),
        })
        .collect())
}

/// When and by whom the month was marked complete ("2026-12-03 av Anna Projektledare").
pub async fn submitted_by(
    db: &crate::db::Db,
    id: i64,
    period: Period,
) -> Result<Option<String>, AppError> {
    let row: Option<(chrono::DateTime<chrono::Utc>, Option<String>)> =
        crate::db_read!(db, |pool| {
            sqlx::query_as(
                "SELECT r.submitted_at, u.name FROM report_period r
             LEFT JOIN user_account u ON u.id = r.submitted_by
             WHERE r.initiative_id = $1 AND r.period = $2 AND r.submitted_at IS NOT NULL",
            )
            .bind(id)
            .bind(period.as_db())
            .fetch_optional(pool)
            .await
        })?;
    Ok(row.map(|(at, by)| {
        format!(
            "{} av {}",
            at.format("%Y-%m-%d"),
            by.unwrap_or_else(|| "–".into())
        )
    }))
}

#[derive(sqlx::FromRow)]
struct JudgedRow {
    id: i64,
    initiative_id: i64,
    code: String,
    name: String,
    unit: String,
    value_type: String,
    direction: String,
    baseline_value: Option<f64>,
    baseline_date: Option<NaiveDate>,
    target_value: Option<f64>,
    target_date: Option<NaiveDate>,
    tolerance_yellow: Option<f64>,
    tolerance_red: Option<f64>,
    interval_lower: Option<f64>,
    interval_upper: Option<f64>,
    latest_period: i64,
    latest_value: f64,
}

/// What the portfolio judges (reading the measures' latest values that every save keeps): every active measure of the organisation that has both a target
/// (a målvärde, or the interval of one "inom intervall") and a reported value, with its latest value (the others have no light to give). The
/// `Measure` carries only what the light and its reason need: code, name, unit, value type,
/// direction, baseline, delmål, target and tolerances; its other fields are defaults. Two queries however many satsningar.
pub async fn judged_measures(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<(i64, Measure, (Period, f64))>, AppError> {
    let rows: Vec<JudgedRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT m.id, m.initiative_id, m.code, m.name, m.unit, m.value_type, m.direction,
                    m.baseline_value,
                    m.baseline_date, m.target_value, m.target_date, m.tolerance_yellow,
                    m.tolerance_red, m.interval_lower, m.interval_upper, m.latest_period,
                    m.latest_value
             FROM initiative i JOIN measure m ON m.initiative_id = i.id
             WHERE i.organisation_id = $1 AND m.retired_at IS NULL
               AND ((m.target_value IS NOT NULL AND m.target_date IS NOT NULL)
                    OR (m.interval_lower IS NOT NULL AND m.interval_upper IS NOT NULL))
               AND m.latest_value IS NOT NULL AND m.latest_period IS NOT NULL",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await
    })?;
    judged(db, organisation_id, rows).await
}

/// [`judged_measures`] as they stood with the values of months up to `as_of`: each measure
/// with its latest value of those months (as stored now).
pub async fn judged_measures_as_of(
    db: &Db,
    organisation_id: i64,
    as_of: Period,
) -> Result<Vec<(i64, Measure, (Period, f64))>, AppError> {
    let rows: Vec<JudgedRow> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT m.id, m.initiative_id, m.code, m.name, m.unit, m.value_type, m.direction,
                    m.baseline_value,
                    m.baseline_date, m.target_value, m.target_date, m.tolerance_yellow,
                    m.tolerance_red, m.interval_lower, m.interval_upper,
                    v.period AS latest_period, v.value AS latest_value
             FROM initiative i JOIN measure m ON m.initiative_id = i.id
             JOIN (SELECT w.measure_id, MAX(w.period) AS period FROM measure_value w
                   JOIN measure wm ON wm.id = w.measure_id
                   JOIN initiative wi ON wi.id = wm.initiative_id
                   WHERE wi.organisation_id = $1 AND w.value IS NOT NULL AND w.period <= $2
                   GROUP BY w.measure_id) last ON last.measure_id = m.id
             JOIN measure_value v ON v.measure_id = m.id AND v.period = last.period
             WHERE i.organisation_id = $1 AND m.retired_at IS NULL
               AND ((m.target_value IS NOT NULL AND m.target_date IS NOT NULL)
                    OR (m.interval_lower IS NOT NULL AND m.interval_upper IS NOT NULL))",
        )
        .bind(organisation_id)
        .bind(as_of.as_db())
        .fetch_all(pool)
        .await
    })?;
    judged(db, organisation_id, rows).await
}

/// The measures of `rows` with their delmål, as the light needs them.
async fn judged(
    db: &Db,
    organisation_id: i64,
    rows: Vec<JudgedRow>,
) -> Result<Vec<(i64, Measure, (Period, f64))>, AppError> {
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
            let period = Period::from_db(r.latest_period)?;
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
                unit: r.unit,
                value_type: ValueType::from_db(&r.value_type).unwrap_or(ValueType::Count),
                frequency: Frequency::Monthly,
                direction: Direction::from_db(&r.direction).ok_or_else(|| {
                    tracing::error!(measure = r.id, "unknown direction in the database");
                    AppError::Internal
                })?,
                baseline: r.baseline_value.zip(r.baseline_date),
                target: r.target_value.zip(r.target_date),
                milestones: milestones
                    .iter()
                    .filter(|(m, _, _)| *m == r.id)
                    .map(|(_, d, v)| (*d, *v))
                    .collect(),
                tolerance_yellow: r.tolerance_yellow,
                tolerance_red: r.tolerance_red,
                interval: r.interval_lower.zip(r.interval_upper),
                source: Source::Manual,
                comparison: String::new(),
                retired: false,
                signals: crate::schema::Signals::default(),
            };
            Ok((r.initiative_id, measure, (period, r.latest_value)))
        })
        .collect()
}

/// The months of the organisation's satsningar marked as inrapporterad at or after `since`:
/// (satsning, month, when), newest first.
pub async fn submitted_since(
    db: &Db,
    organisation_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<(i64, Period, DateTime<Utc>)>, AppError> {
    let rows: Vec<(i64, i64, DateTime<Utc>)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT r.initiative_id, r.period, r.submitted_at
             FROM report_period r JOIN initiative i ON i.id = r.initiative_id
             WHERE i.organisation_id = $1 AND r.submitted_at >= $2
             ORDER BY r.submitted_at DESC",
        )
        .bind(organisation_id)
        .bind(since)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, period, at)| Some((id, Period::from_db(period)?, at)))
        .collect())
}
