//! Server functions for månadsrapportering.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::month::{
    History, MAX_COMMENT_CHARS, closed_reason, due_measures_of, is_staff, may_report, parse_period,
    unusual_entry,
};
use super::{MonthStatus, Period};
use crate::error::AppError;
use crate::form::Saved;

/// How many earlier values the form shows per measure.
pub const HISTORY_MONTHS: usize = 6;

/// One measure on the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormRow {
    pub measure_id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit: String,
    /// "Antal", "Andel (%)", …: what may be typed.
    /// What may be typed, checked in the browser as well as on the server.
    pub value_type: crate::schema::ValueType,
    /// The target for this month, formatted, if the measure has one.
    pub target: Option<String>,
    /// Up to six earlier values: (month, formatted value), oldest first.
    pub earlier: Vec<(String, String)>,
    /// Stored value as typed text, and comment.
    pub value: String,
    pub comment: String,
}

/// A heading and the measures under it (mål → aktivitet; a mål's indikatorer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormGroup {
    pub goal: String,
    pub heading: String,
    pub rows: Vec<FormRow>,
}

/// What the reporting form shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFormData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub period: Period,
    pub due_date: NaiveDate,
    pub lock_date: NaiveDate,
    pub status: MonthStatus,
    /// "2026-12-03 av Anna Projektledare" once marked complete.
    pub submitted: Option<String>,
    /// May save now (a projektledare until the lock date; admin/utvärderare always).
    pub may_save: bool,
    /// Saving needs a reason (a correction after the lock date).
    pub needs_reason: bool,
    /// Why the form is read-only, if it is.
    pub read_only_reason: Option<String>,
    pub groups: Vec<FormGroup>,
    pub previous: Option<Period>,
    pub next: Option<Period>,
}

/// The rules in force (from the configuration; the defaults in unit tests and the browser).
pub fn rules() -> super::Rules {
    use_context::<super::Rules>().unwrap_or_default()
}

/// The half-year reports' due dates in force (from the configuration; the defaults in tests).
pub fn due_dates() -> super::half::DueDates {
    use_context::<super::half::DueDates>().unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub(super) fn today() -> NaiveDate {
    crate::sv::time::local_date(chrono::Utc::now())
}

/// The reporting form of a satsning's month.
#[server(endpoint = "rapportering/formular")]
pub async fn report_form(id: i64, manad: String) -> Result<ReportFormData, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let period = parse_period(&manad)?;
    let rules = rules();
    let today = today();
    if let Some(reason) = closed_reason(&initiative, period, today) {
        return Err(AppError::Conflict(reason));
    }
    let db = expect_context::<crate::db::Db>();
    let schema = crate::schema::repo::load(&db, id).await?;
    let earliest = (0..HISTORY_MONTHS).fold(period, |p, _| p.prev());
    let values = super::repo::values(&db, id, earliest, period).await?;
    let submitted_row = super::repo::submitted_by(&db, id, period).await?;
    let has_values = values
        .iter()
        .any(|v| v.period == period && (v.value.is_some() || !v.comment.is_empty()));
    let status = MonthStatus::of(&rules, period, today, submitted_row.is_some(), has_values);
    let locked = rules.is_locked(period, today);
    let staff = is_staff(&user);
    let may_save = may_report(&user, &initiative) && (staff || !locked);
    let read_only_reason = if !may_report(&user, &initiative) {
        Some("Du kan läsa rapporten men inte rapportera för den här satsningen.".into())
    } else if !may_save {
        Some(super::month::locked_message(rules.lock_date(period)))
    } else {
        None
    };
    let due = due_measures_of(&initiative, &schema, period);
    let row = |m: &crate::schema::Measure| {
        let stored = values
            .iter()
            .find(|v| v.measure_id == m.id && v.period == period);
        FormRow {
            measure_id: m.id,
            code: m.code.clone(),
            name: m.name.clone(),
            kind: m.kind.label().to_string(),
            unit: m.unit.clone(),
            value_type: m.value_type,
            target: super::target_text(m, period),
            earlier: values
                .iter()
                .filter(|v| v.measure_id == m.id && v.period < period)
                .filter_map(|v| {
                    Some((
                        v.period.short_month().to_string(),
                        super::format_value(m.value_type, v.value?),
                    ))
                })
                .collect(),
            value: stored
                .and_then(|v| v.value)
                .map(|v| super::edit_text(m.value_type, v))
                .unwrap_or_default(),
            comment: stored.map(|v| v.comment.clone()).unwrap_or_default(),
        }
    };
    let groups = schema
        .grouped(&due, row)
        .into_iter()
        .map(|g| FormGroup {
            goal: g.goal,
            heading: g.heading,
            rows: g.items,
        })
        .collect();
    let months = super::reporting_months(initiative.start, initiative.end, today);
    Ok(ReportFormData {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        period,
        due_date: rules.due_date(period),
        lock_date: rules.lock_date(period),
        status,
        submitted: submitted_row,
        needs_reason: may_save && locked,
        may_save,
        read_only_reason,
        groups,
        previous: Some(period.prev()).filter(|p| months.contains(p)),
        next: Some(period.next()).filter(|p| months.contains(p)),
    })
}

/// Spara (and, with `steg` = inrapportera, mark the month complete). Values `v[m<id>]`,
/// comments `k[m<id>]`; a correction after the lock date needs `orsak`; an unusual value is
/// saved only when `bekrafta[m<id>]` ("Spara ändå") repeats it. All or nothing.
#[server(endpoint = "rapportering/spara")]
pub async fn save_report(
    id: i64,
    manad: String,
    v: Option<BTreeMap<String, String>>,
    k: Option<BTreeMap<String, String>>,
    orsak: Option<String>,
    steg: Option<String>,
    bekrafta: Option<BTreeMap<String, String>>,
) -> Result<Saved, AppError> {
    use crate::error::FieldError;
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    if !may_report(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    let period = parse_period(&manad)?;
    let rules = rules();
    let today = today();
    if let Some(reason) = closed_reason(&initiative, period, today) {
        return Err(AppError::Conflict(reason));
    }
    let staff = is_staff(&user);
    let locked = rules.is_locked(period, today);
    if locked && !staff {
        return Err(AppError::Conflict(super::month::locked_message(
            rules.lock_date(period),
        )));
    }
    let submit = steg.as_deref() == Some("inrapportera");
    let values = v.unwrap_or_default();
    let comments = k.unwrap_or_default();
    let confirmations = bekrafta.unwrap_or_default();
    let db = expect_context::<crate::db::Db>();
    let schema = crate::schema::repo::load(&db, id).await?;
    // A month marked complete stays complete: saving it again keeps the same demand.
    let complete = submit || super::repo::submitted_by(&db, id, period).await?.is_some();
    let stored = super::repo::values(&db, id, Period::of(initiative.start), period).await?;
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    for measure in due_measures_of(&initiative, &schema, period) {
        let key = format!("m{}", measure.id);
        let raw = values.get(&key).map(String::as_str).unwrap_or_default();
        let comment = comments.get(&key).map(String::as_str).unwrap_or_default();
        match super::month::check_entry(measure, raw, comment, complete) {
            Ok((value, comment)) => {
                let theirs = stored.iter().filter(|s| s.measure_id == measure.id);
                let earlier: Vec<f64> = theirs
                    .clone()
                    .filter(|s| s.period < period)
                    .filter_map(|s| s.value)
                    .collect();
                let history = History {
                    this_month: theirs.filter(|s| s.period == period).find_map(|s| s.value),
                    earlier: &earlier,
                };
                let confirmation = confirmations.get(&key).map(String::as_str);
                errors.extend(unusual_entry(measure, value, raw, history, confirmation));
                entries.push(super::repo::Entry {
                    measure_id: measure.id,
                    value,
                    comment,
                });
            }
            Err(problems) => errors.extend(problems),
        }
    }
    let reason = orsak.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if locked && reason.is_none() {
        errors.push(FieldError {
            field: "orsak".into(),
            message: "Ange varför värdena rättas efter att månaden låsts.".into(),
        });
    }
    if reason.is_some_and(|r| r.chars().count() > MAX_COMMENT_CHARS) {
        errors.push(FieldError {
            field: "orsak".into(),
            message: format!("Orsaken får vara högst {MAX_COMMENT_CHARS} tecken."),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = user.actor();
    let month = super::repo::MonthSave {
        period,
        entries: &entries,
        reason: reason.filter(|_| locked),
        submit,
    };
    let after = super::AfterValues::from_context();
    let outcome = super::repo::save(&db, actor, id, month, chrono::Utc::now(), &after).await?;
    let flag = if submit { "inrapporterad" } else { "sparad" };
    Ok(Saved {
        redirect: format!(
            "/satsningar/{id}/rapportera/{period}?{flag}={}",
            outcome.changed
        ),
    })
}

/// A satsning's reporting calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    /// Why nothing is reported yet, if so.
    pub closed: Option<String>,
    /// (year, months of that year with their status), in time order.
    pub years: Vec<(i32, Vec<(Period, MonthStatus)>)>,
    /// The running month, when the satsning reports for it.
    pub current: Option<Period>,
    pub completeness: Option<u8>,
    pub may_report: bool,
    pub due_day: u32,
    pub lock_day: u32,
}

/// Rapporteringskalender: months × status from the satsning's start to today.
#[server(endpoint = "rapportering/kalender")]
pub async fn report_calendar(id: i64) -> Result<CalendarData, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let rules = rules();
    let today = today();
    let months = super::reporting_months(initiative.start, initiative.end, today);
    let db = expect_context::<crate::db::Db>();
    let from = months.first().copied().unwrap_or_else(|| Period::of(today));
    let marks = super::repo::month_marks(&db, user.organisation_id, Some(id), from).await?;
    let statuses = marks.statuses(&rules, id, months.iter().copied(), today);
    let mut years: Vec<(i32, Vec<(Period, MonthStatus)>)> = Vec::new();
    for (p, s) in &statuses {
        match years.last_mut() {
            Some((year, list)) if *year == p.year() => list.push((*p, *s)),
            _ => years.push((p.year(), vec![(*p, *s)])),
        }
    }
    let closed = if initiative.status < crate::initiative::Status::Decided {
        Some("Rapporteringen öppnar när satsningen är beslutad.".to_string())
    } else if months.is_empty() {
        Some(format!("Satsningen startar {}.", initiative.start))
    } else {
        None
    };
    Ok(CalendarData {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        completeness: super::completeness(&statuses, &rules, today),
        current: months
            .last()
            .copied()
            .filter(|p| *p == Period::of(today) && closed.is_none()),
        years: if closed.is_some() { Vec::new() } else { years },
        closed,
        may_report: may_report(&user, &initiative),
        due_day: rules.due_day,
        lock_day: rules.lock_day,
    })
}

/// One change in a month's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub at: String,
    pub by: String,
    pub measure: String,
    pub before: String,
    pub after: String,
    pub comment: Option<String>,
    pub reason: Option<String>,
}

/// The history of a month's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryData {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub period: Period,
    pub rows: Vec<HistoryRow>,
}

/// Värdenas historik: who changed which value when, old → new, and why.
#[server(endpoint = "rapportering/historik")]
pub async fn report_history(id: i64, manad: String) -> Result<HistoryData, AppError> {
    let (_, initiative) = crate::initiative::api::load_visible(id).await?;
    let period = parse_period(&manad)?;
    let db = expect_context::<crate::db::Db>();
    let schema = crate::schema::repo::load(&db, id).await?;
    let changes = super::repo::history(&db, id, period).await?;
    let rows = changes
        .into_iter()
        .map(|c| {
            let measure = schema.measures.iter().find(|m| m.id == c.measure_id);
            let show = |v: &serde_json::Value| match (v.as_f64(), measure) {
                (Some(v), Some(m)) => super::format_value(m.value_type, v),
                (Some(v), None) => crate::sv::number::format_decimal(v),
                _ => "–".to_string(),
            };
            let text = |field: &str, side: &str| {
                c.changes
                    .get(field)
                    .and_then(|f| f.get(side))
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let value = c.changes.get("value");
            HistoryRow {
                at: c.at.format("%Y-%m-%d %H:%M").to_string(),
                by: c.by.unwrap_or_else(|| "–".into()),
                measure: measure.map_or_else(|| "?".into(), |m| format!("{} {}", m.code, m.name)),
                before: value.map_or_else(|| "(oförändrat)".into(), |v| show(&v["before"])),
                after: value.map_or_else(|| "(oförändrat)".into(), |v| show(&v["after"])),
                comment: text("comment", "after"),
                reason: text("reason", "after"),
            }
        })
        .collect();
    Ok(HistoryData {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        period,
        rows,
    })
}

/// One satsning in the completeness overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewRow {
    pub initiative_id: i64,
    pub name: String,
    /// One cell per overview month; `None` outside the satsning's reporting months.
    pub cells: Vec<Option<MonthStatus>>,
    pub completeness: Option<u8>,
}

/// Rapporteringsöversikt: satsningar × the last 12 months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewData {
    pub months: Vec<Period>,
    pub rows: Vec<OverviewRow>,
    pub total: Option<u8>,
}

/// The completeness overview for admin, beredning and utvärderare.
#[server(endpoint = "rapportering/oversikt")]
pub async fn report_overview() -> Result<OverviewData, AppError> {
    use crate::auth::Role;
    let user = crate::auth::require(&[Role::Admin, Role::Review, Role::Evaluator]).await?;
    let rules = rules();
    let today = today();
    let last = Period::of(today);
    let first = (0..11).fold(last, |p, _| p.prev());
    let months = Period::range(first, last);
    let db = expect_context::<crate::db::Db>();
    let initiatives = crate::initiative::repo::list(&db, user.organisation_id).await?;
    let marks = super::repo::month_marks(&db, user.organisation_id, None, first).await?;
    let (mut reported, mut due) = (0usize, 0usize);
    let rows = initiatives
        .into_iter()
        .filter(|i| i.status >= crate::initiative::Status::Decided)
        .filter_map(|i| {
            let theirs = super::reporting_months(i.start, i.end, today);
            let shown = months.iter().copied().filter(|p| theirs.contains(p));
            let statuses = marks.statuses(&rules, i.id, shown, today);
            if statuses.is_empty() {
                return None;
            }
            for (p, s) in &statuses {
                if rules.is_overdue(*p, today) {
                    due += 1;
                    reported += usize::from(*s == MonthStatus::Reported);
                }
            }
            Some(OverviewRow {
                initiative_id: i.id,
                name: i.name.clone(),
                cells: months
                    .iter()
                    .map(|p| statuses.iter().find(|(q, _)| q == p).map(|(_, s)| *s))
                    .collect(),
                completeness: super::completeness(&statuses, &rules, today),
            })
        })
        .collect();
    Ok(OverviewData {
        months,
        rows,
        total: (due > 0).then(|| ((reported * 100) / due) as u8),
    })
}
