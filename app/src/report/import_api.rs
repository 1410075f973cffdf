//! Server functions for importing a values file: the import page's data, the dry run of a
//! staged file, and committing it (the upload itself is `server/src/value_imports.rs`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::Period;
use super::api::CalendarData;
#[cfg(feature = "ssr")]
use super::api::{report_calendar, rules, today};
#[cfg(feature = "ssr")]
use super::month::{MAX_COMMENT_CHARS, may_report};
use crate::error::AppError;
use crate::form::Saved;

/// The calendar for the import page: refused (403) unless the caller may report, so a refused
/// page carries no data.
#[server(endpoint = "rapportering/importsida")]
pub async fn import_calendar(id: i64) -> Result<CalendarData, AppError> {
    let data = report_calendar(id).await?;
    if data.may_report {
        Ok(data)
    } else {
        Err(AppError::Forbidden)
    }
}

/// One row of an import preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: usize,
    pub measure: String,
    pub period: String,
    pub value: String,
    pub comment: String,
    pub error: Option<String>,
}

/// The dry run of a staged import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreviewData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub import_id: i64,
    pub file_name: String,
    pub rows: Vec<PreviewRow>,
    pub errors: usize,
    pub committed: bool,
    /// Some rows correct locked months: a reason is required.
    pub needs_reason: bool,
}

/// A staged import checked against today's schema and rules.
#[cfg(feature = "ssr")]
struct CheckedImport {
    user: crate::auth::CurrentUser,
    initiative: crate::initiative::Initiative,
    staged: super::file_repo::StagedImport,
    checked: Vec<super::import::CheckedRow>,
    errors: Vec<super::import::RowError>,
    needs_reason: bool,
}

#[cfg(feature = "ssr")]
async fn checked_import(id: i64, import_id: i64) -> Result<CheckedImport, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    if !may_report(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    let db = expect_context::<crate::db::Db>();
    let staged = super::file_repo::staged_import(&db, user.id, id, import_id).await?;
    let schema = crate::schema::repo::load(&db, id).await?;
    let rules = rules();
    let today = today();
    let months = if initiative.status >= crate::initiative::Status::Decided {
        super::reporting_months(initiative.start, initiative.end, today)
    } else {
        Vec::new()
    };
    let locked = |p: Period| rules.is_locked(p, today);
    let limits = super::import::Limits {
        months: &months,
        locked: &locked,
        may_correct: user.has_any(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]),
    };
    let (checked, errors) = super::import::check(&staged.rows, &schema, &limits);
    let needs_reason = checked.iter().any(|c| locked(c.period));
    Ok(CheckedImport {
        user,
        initiative,
        staged,
        checked,
        errors,
        needs_reason,
    })
}

/// Förhandsgranskning: every row of the staged import with its problem, nothing saved.
#[server(endpoint = "rapportering/import")]
pub async fn import_preview(id: i64, import_id: i64) -> Result<ImportPreviewData, AppError> {
    let CheckedImport {
        initiative,
        staged,
        checked,
        errors,
        needs_reason,
        ..
    } = checked_import(id, import_id).await?;
    let rows = staged
        .rows
        .iter()
        .map(|row| {
            let ok = checked.iter().find(|c| c.line == row.line);
            PreviewRow {
                line: row.line,
                measure: ok.map_or_else(|| row.code.clone(), |c| c.label.clone()),
                period: row.period.clone(),
                value: row.value.clone(),
                comment: row.comment.clone(),
                error: errors
                    .iter()
                    .find(|e| e.line == row.line)
                    .map(|e| e.message.clone()),
            }
        })
        .collect();
    Ok(ImportPreviewData {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        import_id,
        file_name: staged.file_name,
        rows,
        errors: errors.len(),
        committed: staged.committed,
        needs_reason,
    })
}

/// Importera: commits a staged import whose every row passes, all or nothing.
#[server(endpoint = "rapportering/importera")]
pub async fn commit_import(
    id: i64,
    import_id: i64,
    orsak: Option<String>,
) -> Result<Saved, AppError> {
    let CheckedImport {
        user,
        staged,
        checked,
        errors,
        needs_reason,
        ..
    } = checked_import(id, import_id).await?;
    if staged.committed {
        return Err(AppError::Conflict("Importen är redan genomförd.".into()));
    }
    if !errors.is_empty() {
        return Err(AppError::Conflict(format!(
            "Filen har {} fel. Rätta filen och ladda upp den igen; inget har sparats.",
            errors.len()
        )));
    }
    let reason = orsak.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if needs_reason && reason.is_none() {
        return Err(AppError::field(
            "orsak",
            "Ange varför värden i låsta månader rättas.",
        ));
    }
    if reason.is_some_and(|r| r.chars().count() > MAX_COMMENT_CHARS) {
        return Err(AppError::field(
            "orsak",
            format!("Orsaken får vara högst {MAX_COMMENT_CHARS} tecken."),
        ));
    }
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    let changed = super::file_repo::commit_import(
        &db,
        actor,
        id,
        import_id,
        &checked,
        reason.filter(|_| needs_reason),
        chrono::Utc::now(),
        &super::AfterValues::from_context(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/satsningar/{id}/rapportera?importerade={changed}"),
    })
}
