//! SQL for the values files: the long-format export (streamed in batches) and staged imports
//! (kept until the user confirms the dry run, then committed all or nothing).

use chrono::{DateTime, Utc};

use super::Period;
use super::repo::{Entry, MonthSave, write_month};
use crate::audit::repo::record_change;
use crate::audit::{Action, Actor};
use crate::db::Db;
use crate::error::AppError;
use crate::{db_read, on_tx};

/// Which values an export covers.
#[derive(Debug, Clone, Copy)]
pub struct ExportScope {
    pub organisation_id: i64,
    /// One satsning, or all of the organisation's.
    pub initiative_id: Option<i64>,
    /// Only satsningar this projektledare leads (for users who see no others).
    pub led_by: Option<i64>,
}

/// One row of the long export format.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ExportRow {
    pub initiative: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub value_type: String,
    pub period: i64,
    pub value: Option<f64>,
    pub unit: String,
    pub comment: String,
    pub reported_by: Option<String>,
    pub reported_at: DateTime<Utc>,
}

/// Rows per message from the database task to the response.
pub const EXPORT_BATCH: usize = 512;

/// Streams the values in `scope` into `sink` in batches of [`EXPORT_BATCH`] rows (memory stays
/// flat however many rows there are). Stops early when the receiver is gone.
pub async fn export(
    db: &Db,
    scope: ExportScope,
    sink: tokio::sync::mpsc::Sender<Vec<ExportRow>>,
) -> Result<(), AppError> {
    use futures::TryStreamExt;
    const SQL: &str = "SELECT i.name AS initiative, m.code, m.name, m.kind, m.value_type, v.period,
                v.value, m.unit, v.comment, u.name AS reported_by, v.reported_at
         FROM measure_value v
         JOIN measure m ON m.id = v.measure_id
         JOIN initiative i ON i.id = m.initiative_id
         LEFT JOIN user_account u ON u.id = v.reported_by
         WHERE i.organisation_id = $1
           AND ($2 = 0 OR i.id = $2)
           AND ($3 = 0 OR EXISTS (SELECT 1 FROM initiative_lead l
                                  WHERE l.initiative_id = i.id AND l.user_id = $3))
           AND (v.value IS NOT NULL OR v.comment <> '')
         ORDER BY i.name, i.id, m.position, m.id, v.period";
    db_read!(db, |pool| {
        let mut rows = sqlx::query_as::<_, ExportRow>(SQL)
            .bind(scope.organisation_id)
            .bind(scope.initiative_id.unwrap_or(0))
            .bind(scope.led_by.unwrap_or(0))
            .fetch(pool);
        let mut batch = Vec::with_capacity(EXPORT_BATCH);
        while let Some(row) = rows.try_next().await? {
            batch.push(row);
            if batch.len() == EXPORT_BATCH
                && sink
                    .send(std::mem::replace(
                        &mut batch,
                        Vec::with_capacity(EXPORT_BATCH),
                    ))
                    .await
                    .is_err()
            {
                return Ok(());
            }
        }
        if !batch.is_empty() {
            let _ = sink.send(batch).await;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

/// Keeps an uploaded import until its owner commits it (or abandons it).
pub async fn stage_import(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    file_name: &str,
    rows: &[super::import::ImportRow],
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let rows = serde_json::to_string(rows).map_err(|_| AppError::Internal)?;
    Ok(crate::db_write!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO value_import (initiative_id, user_id, file_name, rows, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(initiative_id)
        .bind(actor.user_id)
        .bind(file_name)
        .bind(&rows)
        .bind(now)
        .fetch_one(pool)
        .await
    })?)
}

/// A staged import: its file name, rows, and whether it was already committed.
pub struct StagedImport {
    pub file_name: String,
    pub rows: Vec<super::import::ImportRow>,
    pub committed: bool,
}

/// The user's own staged import for the satsning.
pub async fn staged_import(
    db: &Db,
    user_id: i64,
    initiative_id: i64,
    import_id: i64,
) -> Result<StagedImport, AppError> {
    let row: Option<(String, String, bool)> = db_read!(db, |pool| {
        sqlx::query_as(
            "SELECT file_name, rows, committed_at IS NOT NULL FROM value_import
             WHERE id = $1 AND initiative_id = $2 AND user_id = $3",
        )
        .bind(import_id)
        .bind(initiative_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await
    })?;
    let (file_name, rows, committed) = row.ok_or(AppError::NotFound)?;
    Ok(StagedImport {
        file_name,
        rows: serde_json::from_str(&rows).map_err(|_| AppError::Internal)?,
        committed,
    })
}

/// Commits checked rows all or nothing, month by month through the same path as the form,
/// and records the import as one batch in the audit trail; `after` runs in the same
/// transaction when a value changed.
#[allow(clippy::too_many_arguments)]
pub async fn commit_import(
    db: &Db,
    actor: Actor,
    initiative_id: i64,
    import_id: i64,
    rows: &[super::import::CheckedRow],
    reason: Option<&str>,
    now: DateTime<Utc>,
    after: &super::AfterValues,
) -> Result<usize, AppError> {
    let mut tx = db.begin().await?;
    let claimed = on_tx!(&mut tx, |conn| {
        sqlx::query(
            "UPDATE value_import SET committed_at = $1
             WHERE id = $2 AND initiative_id = $3 AND user_id = $4 AND committed_at IS NULL",
        )
        .bind(now)
        .bind(import_id)
        .bind(initiative_id)
        .bind(actor.user_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if claimed != 1 {
        return tx
            .abort(AppError::Conflict(
                "Importen är redan genomförd eller finns inte längre.".into(),
            ))
            .await;
    }
    let mut periods: Vec<Period> = rows.iter().map(|r| r.period).collect();
    periods.sort();
    periods.dedup();
    let mut changed = 0;
    for period in &periods {
        let entries: Vec<Entry> = rows
            .iter()
            .filter(|r| r.period == *period)
            .map(|r| Entry {
                measure_id: r.measure_id,
                value: r.value,
                comment: r.comment.clone(),
            })
            .collect();
        let month = MonthSave {
            period: *period,
            entries: &entries,
            reason,
            submit: false,
        };
        changed += write_month(&mut tx, actor, initiative_id, month, now)
            .await?
            .changed;
    }
    let changes = serde_json::json!({
        "rows": { "after": rows.len() },
        "changed": { "after": changed },
        "periods": { "after": periods.iter().map(|p| p.to_string()).collect::<Vec<_>>() },
        "initiative": { "after": initiative_id },
        "reason": { "after": reason },
    });
    record_change(
        &mut tx,
        actor,
        Action::Create,
        "value_import",
        import_id,
        changes,
        now,
    )
    .await?;
    if changed > 0 {
        after.run(&mut tx, initiative_id).await?;
    }
    tx.commit().await?;
    Ok(changed)
}
