//! SQL for halvårsredovisningar: the facts a report is assembled from (read through the
//! concepts below: schema, report, deviation, survey, economics), the working copy, its
//! submitted versions and their reviews. Every query is scoped by the organisation; the caller
//! has checked access to the satsning. Every change writes its audit row in the same
//! transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::sections::{Facts, FlagFacts, SurveyFacts, WaveFacts};
use super::{Decision, HalfYear, Narratives, ReportStatus, Snapshot};
use crate::audit::Action;
use crate::audit::Actor;
use crate::audit::repo::record_change;
use crate::db::{Db, Tx};
use crate::economics::actual::ActualCost;
use crate::error::AppError;
use crate::initiative::{Initiative, Status};
use crate::report::{Period, Rules};
use crate::{db_read, on_tx};

/// Everything a report of `initiative` for `half` is assembled from, as of `today`.
pub async fn facts(
    db: &Db,
    organisation_id: i64,
    initiative: &Initiative,
    half: HalfYear,
    rules: Rules,
    survey_limits: crate::survey::Thresholds,
    today: NaiveDate,
) -> Result<Facts, AppError> {
    let schema = crate::schema::repo::load(db, initiative.id).await?;
    let reporting = if initiative.status >= Status::Decided {
        crate::report::reporting_months(initiative.start, initiative.end, today)
    } else {
        Vec::new()
    };
    let months: Vec<Period> = half
        .months()
        .into_iter()
        .filter(|p| reporting.contains(p))
        .collect();
    let (series, statuses) = match (months.first(), months.last()) {
        (Some(&first), Some(&last)) => {
            let series = crate::report::repo::series(db, initiative.id, first, last).await?;
            let marks =
                crate::report::repo::month_marks(db, organisation_id, Some(initiative.id), first)
                    .await?;
            let statuses = marks.statuses(&rules, initiative.id, months.iter().copied(), today);
            (series, statuses)
        }
        _ => (HashMap::new(), Vec::new()),
    };
    // A day's margin on each side: the sections pick the events by their Swedish date.
    let from = half.first_day() - chrono::Duration::days(1);
    let until = half.last_day() + chrono::Duration::days(2);
    let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let flags = crate::deviation::repo::with_events_between(
        db,
        organisation_id,
        initiative.id,
        at(from),
        at(until),
    )
    .await?
    .into_iter()
    .map(|f| FlagFacts {
        id: f.summary.id,
        rule: f.summary.rule_label(),
        measure: f.summary.measure.clone(),
        severity: f.summary.severity.light().label().to_string(),
        status: f.summary.status.label().to_string(),
        finding: f.summary.explanation.clone(),
        reason: f.reason,
        planned_action: f.planned_action,
        decision: f.summary.decision.map(|d| d.label().to_string()),
        decision_comment: f.decision_comment,
        events: f
            .events
            .into_iter()
            .map(|e| (crate::sv::time::local_date(e.at), e.kind))
            .collect(),
    })
    .collect();
    let mut surveys = Vec::new();
    for row in crate::survey::repo::list(db, initiative.id).await? {
        let survey = crate::survey::repo::get(db, organisation_id, row.id).await?;
        let (waves, results) = crate::survey::api::results_of(db, &survey, survey_limits).await?;
        surveys.push(SurveyFacts {
            id: survey.id,
            title: survey.title.clone(),
            waves: waves
                .iter()
                .enumerate()
                .map(|(i, w)| WaveFacts {
                    name: w.wave.name.clone(),
                    opens_on: w.wave.opens_on,
                    closes_on: w.wave.closes_on,
                    results: results
                        .iter()
                        .filter_map(|r| Some((r.question.text.clone(), r.cells.get(i)?.clone())))
                        .collect(),
                })
                .collect(),
        });
    }
    let costs = crate::economics::actual_repo::costs(db, organisation_id, initiative.id).await?;
    Ok(Facts {
        half: Some(half),
        today: Some(today),
        rules,
        start: Some(initiative.start),
        end: Some(initiative.end),
        budget_sek: initiative.budget_sek,
        budget_years: initiative.budget_years.clone(),
        schema,
        series,
        months: statuses,
        flags,
        surveys,
        costs,
    })
}

/// The working copy of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub id: i64,
    pub status: ReportStatus,
    pub narratives: Narratives,
}

fn narratives_of(json: &str) -> Narratives {
    serde_json::from_str(json).unwrap_or_default()
}

/// The report of `initiative_id` for `half`, if anyone has saved it.
pub async fn get(
    db: &Db,
    organisation_id: i64,
    initiative_id: i64,
    half: HalfYear,
) -> Result<Option<ReportRow>, AppError> {
    let row: Option<(i64, String, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT id, status, narratives FROM half_year_report
             WHERE organisation_id = $1 AND initiative_id = $2 AND year = $3 AND half = $4",
        )
        .bind(organisation_id)
        .bind(initiative_id)
        .bind(i64::from(half.year()))
        .bind(i64::from(half.half()))
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.and_then(|(id, status, narratives)| {
        Some(ReportRow {
            id,
            status: ReportStatus::from_db(&status)?,
            narratives: narratives_of(&narratives),
        })
    }))
}

/// One submitted version with its review.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRow {
    pub version: i64,
    pub snapshot: Snapshot,
    pub submitted_at: DateTime<Utc>,
    pub submitted_by: String,
    pub decision: Option<Decision>,
    pub comments: BTreeMap<String, String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
}

type VersionTuple = (
    i64,
    String,
    DateTime<Utc>,
    String,
    Option<String>,
    String,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// Every submitted version of report `report_id`, newest first.
pub async fn versions(db: &Db, report_id: i64) -> Result<Vec<VersionRow>, AppError> {
    let rows: Vec<VersionTuple> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT v.version, v.snapshot, v.submitted_at, s.name, v.decision, v.comments,
                    v.reviewed_at, r.name
             FROM half_year_version v
             JOIN user_account s ON s.id = v.submitted_by
             LEFT JOIN user_account r ON r.id = v.reviewed_by
             WHERE v.report_id = $1 ORDER BY v.version DESC",
        )
        .bind(report_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(
                version,
                snapshot,
                submitted_at,
                submitted_by,
                decision,
                comments,
                reviewed_at,
                reviewed_by,
            )| {
                VersionRow {
                    version,
                    snapshot: serde_json::from_str(&snapshot).unwrap_or_default(),
                    submitted_at,
                    submitted_by,
                    decision: decision.as_deref().and_then(Decision::from_db),
                    comments: serde_json::from_str(&comments).unwrap_or_default(),
                    reviewed_at,
                    reviewed_by,
                }
            },
        )
        .collect())
}

/// The report's row inside `tx`, created as an utkast when nobody has saved it yet.
async fn working_copy(
    tx: &mut Tx,
    actor: Actor,
    initiative_id: i64,
    half: HalfYear,
    now: DateTime<Utc>,
) -> Result<ReportRow, AppError> {
    let inserted: Option<i64> = on_tx!(&mut *tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO half_year_report
               (organisation_id, initiative_id, year, half, status, narratives, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'utkast', '{}', $5, $5)
             ON CONFLICT (initiative_id, year, half) DO NOTHING
             RETURNING id",
        )
        .bind(actor.organisation_id)
        .bind(initiative_id)
        .bind(i64::from(half.year()))
        .bind(i64::from(half.half()))
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    if let Some(id) = inserted {
        record_change(
            tx,
            actor,
            Action::Create,
            "half_year_report",
            id,
            json!({ "halvar": half.to_string(), "status": { "before": null, "after": "utkast" } }),
            now,
        )
        .await?;
    }
    let row: (i64, String, String) = on_tx!(&mut *tx, |conn| {
        sqlx::query_as(
            "SELECT id, status, narratives FROM half_year_report
             WHERE organisation_id = $1 AND initiative_id = $2 AND year = $3 AND half = $4",
        )
        .bind(actor.organisation_id)
        .bind(initiative_id)
        .bind(i64::from(half.year()))
        .bind(i64::from(half.half()))
        .fetch_one(conn)
        .await
    })?;
    Ok(ReportRow {
        id: row.0,
        status: ReportStatus::from_db(&row.1).ok_or(AppError::Internal)?,
        narratives: narratives_of(&row.2),
    })
}

fn locked() -> AppError {
    AppError::Conflict(
        "Redovisningen är inskickad och kan inte ändras. Beredningsgruppen kan begära komplettering."
            .into(),
    )
}

/// Saves the narrative fields (only changed ones are audited).
pub async fn save_narratives(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    half: HalfYear,
    narratives: &Narratives,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let row = working_copy(&mut tx, actor, initiative_id, half, now).await?;
    if !row.status.is_editable() {
        return tx.abort(locked()).await;
    }
    let mut changes = serde_json::Map::new();
    for (key, after) in narratives {
        let before = row.narratives.get(key).cloned().unwrap_or_default();
        if before != *after {
            changes.insert(
                key.clone(),
                json!({ "before": before.text, "after": after.text, "klar": after.done }),
            );
        }
    }
    if !changes.is_empty() {
        let text = serde_json::to_string(narratives).map_err(|_| AppError::Internal)?;
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "UPDATE half_year_report SET narratives = $2, updated_at = $3 WHERE id = $1",
            )
            .bind(row.id)
            .bind(&text)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "half_year_report",
            row.id,
            serde_json::Value::Object(changes),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Saves the actual costs of `years` (through the economics, which keeps them for the budget
/// rule), audited on the report they were entered in. The budget rule reads them, so
/// `after` (the deviation evaluation) runs in the same transaction when they changed.
#[allow(clippy::too_many_arguments)]
pub async fn save_costs(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    half: HalfYear,
    years: &[i32],
    costs: &[ActualCost],
    now: DateTime<Utc>,
    after: &crate::report::AfterValues,
) -> Result<(), AppError> {
    let before = crate::economics::actual_repo::costs(db, actor.organisation_id, initiative_id)
        .await?
        .into_iter()
        .filter(|c| years.contains(&c.year))
        .collect::<Vec<_>>();
    let mut tx = db.begin().await?;
    let row = working_copy(&mut tx, actor, initiative_id, half, now).await?;
    if !row.status.is_editable() {
        return tx.abort(locked()).await;
    }
    if before.as_slice() != costs {
        crate::economics::actual_repo::replace_costs(
            &mut tx,
            actor.organisation_id,
            initiative_id,
            years,
            costs,
            now,
        )
        .await?;
        record_change(
            &mut tx,
            actor,
            Action::Update,
            "half_year_report",
            row.id,
            json!({ "kostnader": { "before": before, "after": costs } }),
            now,
        )
        .await?;
        after.run(&mut tx, initiative_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Skicka in: stores `snapshot` as the next version and locks the report. Only an utkast or a
/// report sent back for completion can be submitted (409 otherwise). The Rapport rule reads
/// whether the report is in, so `after` runs in the same transaction.
pub async fn submit(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    half: HalfYear,
    snapshot: &Snapshot,
    now: DateTime<Utc>,
    after: &crate::report::AfterValues,
) -> Result<i64, AppError> {
    let text = serde_json::to_string(snapshot).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin().await?;
    let row = working_copy(&mut tx, actor, initiative_id, half, now).await?;
    if !row.status.is_editable() {
        return tx
            .abort(AppError::Conflict(
                "Redovisningen är redan inskickad.".into(),
            ))
            .await;
    }
    let version: i64 = on_tx!(&mut tx, |conn| {
        sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM half_year_version WHERE report_id = $1",
        )
        .bind(row.id)
        .fetch_one(conn)
        .await
    })?;
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "INSERT INTO half_year_version (report_id, version, snapshot, submitted_at, submitted_by)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(row.id)
        .bind(version)
        .bind(&text)
        .bind(now)
        .bind(actor.user_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE half_year_report SET status = 'inskickad', updated_at = $2 WHERE id = $1",
        )
        .bind(row.id)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "half_year_report",
        row.id,
        json!({
            "status": { "before": row.status.as_db(), "after": "inskickad" },
            "version": version,
        }),
        now,
    )
    .await?;
    after.run(&mut tx, initiative_id).await?;
    tx.commit().await?;
    Ok(version)
}

/// Granskning: the beredningsgrupp's decision and comments on the submitted `version` (which
/// must be the latest and still unreviewed: 409 otherwise). Godkänd ends it; komplettering
/// begärs reopens the report for the projektledare, the version and its comments kept.
#[allow(clippy::too_many_arguments)]
pub async fn review(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    half: HalfYear,
    version: i64,
    decision: Decision,
    comments: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(row) = get(db, actor.organisation_id, initiative_id, half).await? else {
        return Err(AppError::NotFound);
    };
    let text = serde_json::to_string(comments).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin().await?;
    // The status is checked again inside the transaction: of two reviewers only one decides.
    let moved = on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE half_year_report SET status = $2, updated_at = $3
             WHERE id = $1 AND status = 'inskickad'
               AND $4 = (SELECT MAX(version) FROM half_year_version WHERE report_id = $1)",
        )
        .bind(row.id)
        .bind(decision.status_after().as_db())
        .bind(now)
        .bind(version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if moved != 1 {
        return tx
            .abort(AppError::Conflict(
                "Redovisningen väntar inte på granskning (den är redan granskad eller har skickats in på nytt). Ladda om sidan.".into(),
            ))
            .await;
    }
    on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE half_year_version
             SET decision = $3, comments = $4, reviewed_at = $5, reviewed_by = $6
             WHERE report_id = $1 AND version = $2",
        )
        .bind(row.id)
        .bind(version)
        .bind(decision.as_db())
        .bind(&text)
        .bind(now)
        .bind(actor.user_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    record_change(
        &mut tx,
        actor,
        Action::Update,
        "half_year_report",
        row.id,
        json!({
            "status": { "before": "inskickad", "after": decision.status_after().as_db() },
            "version": version,
            "beslut": decision.as_db(),
            "kommentarer": comments,
        }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A report in the list of all reports of a half-year.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub status: Option<ReportStatus>,
    /// When it was first submitted.
    pub submitted_at: Option<DateTime<Utc>>,
}

type ListTuple = (
    i64,
    String,
    bool,
    String,
    NaiveDate,
    NaiveDate,
    Option<String>,
    Option<DateTime<Utc>>,
);

/// Every satsning of the organisation that reports on `half` (decided or later, its period
/// overlapping the half-year), with its report's status and first submission.
pub async fn list(db: &Db, organisation_id: i64, half: HalfYear) -> Result<Vec<ListRow>, AppError> {
    let rows: Vec<ListTuple> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT i.id, i.name, i.is_example, i.status, i.start_date, i.end_date, r.status,
                    (SELECT MIN(v.submitted_at) FROM half_year_version v WHERE v.report_id = r.id)
             FROM initiative i
             LEFT JOIN half_year_report r
               ON r.initiative_id = i.id AND r.year = $2 AND r.half = $3
             WHERE i.organisation_id = $1
             ORDER BY i.name",
        )
        .bind(organisation_id)
        .bind(i64::from(half.year()))
        .bind(i64::from(half.half()))
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, status, start, end, _, _)| {
            Status::from_db(status).is_some_and(|s| s >= Status::Decided)
                && *start <= half.last_day()
                && *end >= half.first_day()
        })
        .map(
            |(id, name, is_example, _, _, _, status, submitted_at)| ListRow {
                initiative_id: id,
                initiative_name: name,
                is_example,
                status: status.as_deref().and_then(ReportStatus::from_db),
                submitted_at,
            },
        )
        .collect())
}

/// The status of every saved report of `initiative_id`, by half-year.
pub async fn statuses(
    db: &Db,
    organisation_id: i64,
    initiative_id: i64,
) -> Result<HashMap<HalfYear, ReportStatus>, AppError> {
    let rows: Vec<(i64, i64, String)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT year, half, status FROM half_year_report
             WHERE organisation_id = $1 AND initiative_id = $2",
        )
        .bind(organisation_id)
        .bind(initiative_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(year, half, status)| {
            Some((
                HalfYear::new(year as i32, half as u8)?,
                ReportStatus::from_db(&status)?,
            ))
        })
        .collect())
}

/// Reports first submitted at or after `since` (a resubmission after completion is not
/// news): (satsning id, half-year, when).
pub async fn submitted_since(
    db: &Db,
    organisation_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<(i64, HalfYear, DateTime<Utc>)>, AppError> {
    let rows: Vec<(i64, i64, i64, DateTime<Utc>)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT r.initiative_id, r.year, r.half, v.submitted_at
             FROM half_year_report r
             JOIN half_year_version v ON v.report_id = r.id AND v.version = 1
             WHERE r.organisation_id = $1 AND v.submitted_at >= $2
             ORDER BY v.submitted_at",
        )
        .bind(organisation_id)
        .bind(since)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, year, half, at)| Some((id, HalfYear::new(year as i32, half as u8)?, at)))
        .collect())
}
