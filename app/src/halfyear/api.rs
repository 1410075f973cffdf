//! Server functions for halvårsredovisningar: authorize (the satsning's visibility, then the
//! concept's `may_edit` / `may_review`), parse, call the repository, return.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::sections::Section;
use super::{HalfYear, NarrativeForm, Narratives, ReportStatus, ReviewForm};
use crate::economics::actual::CostsForm;
use crate::error::AppError;
use crate::form::Saved;

/// A submitted version as the report page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub version: i64,
    /// "2 december 2026 kl. 15:05 av Pia Projektledare".
    pub submitted: String,
    pub decision: Option<String>,
    /// "3 december 2026 kl. 09:12 av Bo Beredning".
    pub reviewed: Option<String>,
    /// (section heading, comment), in the report's order, the overall comment first.
    pub comments: Vec<(String, String)>,
}

/// The report page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportPage {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub half: HalfYear,
    /// "31 augusti 2026".
    pub due_on: String,
    pub days_late: Option<i64>,
    pub status: Option<ReportStatus>,
    /// The sections shown: the submitted snapshot while the report is locked, the live
    /// assembly otherwise.
    pub sections: Vec<Section>,
    /// Each measure's chart as SVG (by measure id), drawn from the shown sections' data.
    pub svgs: BTreeMap<i64, String>,
    pub narratives: Narratives,
    /// The years the cost table offers, and the costs as the form shows them.
    pub cost_years: Vec<i32>,
    pub costs: CostsForm,
    /// Headings of the shown snapshot's sections whose data have changed since.
    pub newer: Vec<String>,
    /// "Inskickad 2 december 2026 …, version 2", when the page shows a snapshot.
    pub snapshot_note: Option<String>,
    pub versions: Vec<VersionView>,
    /// The projektledare may change texts and costs now.
    pub may_edit: bool,
    /// … and submit (from the half-year's last month on).
    pub may_submit: bool,
    /// The narrative fields still to be marked klar before submitting.
    pub not_ready: Vec<String>,
    /// The version the beredningsgrupp may review now.
    pub review_version: Option<i64>,
}

/// "2 december 2026 kl. 15:05 av Namn".
#[cfg(feature = "ssr")]
fn when_by(at: chrono::DateTime<chrono::Utc>, by: &str) -> String {
    let local = crate::sv::time::local(at);
    let date = crate::sv::time::local_date(at);
    let clock = local.rsplit(' ').next().unwrap_or_default().to_string();
    format!("{} kl. {clock} av {by}", crate::sv::date::long_date(date))
}

/// The half-year of the address, among those the satsning reports on: anything else is
/// "not found".
#[cfg(feature = "ssr")]
pub fn half_of(
    initiative: &crate::initiative::Initiative,
    raw: &str,
    today: chrono::NaiveDate,
) -> Result<HalfYear, AppError> {
    let half = HalfYear::parse(raw).ok_or(AppError::NotFound)?;
    if super::report_halves(initiative.start, initiative.end, today).contains(&half)
        && initiative.status >= crate::initiative::Status::Decided
    {
        Ok(half)
    } else {
        Err(AppError::NotFound)
    }
}

/// Today's Swedish date.
#[cfg(feature = "ssr")]
pub fn today() -> chrono::NaiveDate {
    crate::sv::time::local_date(chrono::Utc::now())
}

pub use crate::report::api::due_dates;

#[cfg(feature = "ssr")]
fn reporting_rules() -> crate::report::Rules {
    use_context::<crate::report::Rules>().unwrap_or_default()
}

/// The satsning (visible to the caller) and the half-year of the address.
#[cfg(feature = "ssr")]
async fn load(
    id: i64,
    halvar: &str,
) -> Result<
    (
        crate::auth::CurrentUser,
        crate::initiative::Initiative,
        HalfYear,
    ),
    AppError,
> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let half = half_of(&initiative, halvar, today())?;
    Ok((user, initiative, half))
}

/// What assembling a report reads from the configuration.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub rules: crate::report::Rules,
    pub due: super::DueDates,
    pub survey: crate::survey::Thresholds,
}

#[cfg(feature = "ssr")]
impl Settings {
    /// The settings the server provided to this request (the defaults in tests).
    fn of_context() -> Self {
        Settings {
            rules: reporting_rules(),
            due: due_dates(),
            survey: crate::survey::thresholds(),
        }
    }
}

/// Halvårsredovisning: the report of satsning `id` for `halvar` ("2026-H2").
#[server(endpoint = "halvar/visa")]
pub async fn half_year_report(id: i64, halvar: String) -> Result<ReportPage, AppError> {
    let (user, initiative, half) = load(id, &halvar).await?;
    let db = expect_context::<crate::db::Db>();
    report_page(
        &db,
        &user,
        &initiative,
        half,
        Settings::of_context(),
        today(),
    )
    .await
}

/// The report as its page shows it — the submitted snapshot while it is locked, the live
/// assembly otherwise — for a `user` the caller has already let see `initiative`. The Word
/// and PDF downloads are drawn from the same data, so they show exactly what the page shows.
#[cfg(feature = "ssr")]
pub async fn report_page(
    db: &crate::db::Db,
    user: &crate::auth::CurrentUser,
    initiative: &crate::initiative::Initiative,
    half: HalfYear,
    settings: Settings,
    today: chrono::NaiveDate,
) -> Result<ReportPage, AppError> {
    let id = initiative.id;
    let facts = super::repo::facts(
        db,
        user.organisation_id,
        initiative,
        half,
        settings.rules,
        settings.survey,
        today,
    )
    .await?;
    let live = super::sections::assemble(&facts);
    let row = super::repo::get(db, user.organisation_id, id, half).await?;
    let versions = match &row {
        Some(row) => super::repo::versions(db, row.id).await?,
        None => Vec::new(),
    };
    let status = row.as_ref().map(|r| r.status);
    let locked = status.is_some_and(|s| !s.is_editable());
    let shown = versions.first().filter(|_| locked);
    let (sections, narratives, newer, snapshot_note) = match shown {
        Some(v) => {
            let changed = super::sections::changed_since(
                &v.snapshot.digests,
                &super::sections::digests(&live),
                &v.snapshot.sections,
            );
            (
                v.snapshot.sections.clone(),
                v.snapshot.narratives.clone(),
                changed,
                Some(format!(
                    "Inskickad {} (version {}). Siffrorna är låsta som de var då.",
                    when_by(v.submitted_at, &v.submitted_by),
                    v.version
                )),
            )
        }
        None => (
            live,
            row.as_ref()
                .map(|r| r.narratives.clone())
                .unwrap_or_default(),
            Vec::new(),
            None,
        ),
    };
    let svgs = section_svgs(sections.iter(), "");
    let titles: BTreeMap<String, String> = sections
        .iter()
        .map(|s| (s.id.clone(), s.title.clone()))
        .chain(std::iter::once((
            super::OVERALL.to_string(),
            "Hela redovisningen".to_string(),
        )))
        .collect();
    let version_views = versions
        .iter()
        .map(|v| {
            let mut comments: Vec<(String, String)> = v
                .comments
                .get(super::OVERALL)
                .map(|c| (titles[super::OVERALL].clone(), c.clone()))
                .into_iter()
                .collect();
            for s in &v.snapshot.sections {
                if let Some(c) = v.comments.get(&s.id) {
                    comments.push((s.title.clone(), c.clone()));
                }
            }
            for (key, heading, _) in super::NARRATIVES {
                if let Some(c) = v.comments.get(key) {
                    comments.push((heading.to_string(), c.clone()));
                }
            }
            VersionView {
                version: v.version,
                submitted: when_by(v.submitted_at, &v.submitted_by),
                decision: v.decision.map(|d| d.label().to_string()),
                reviewed: v
                    .reviewed_at
                    .zip(v.reviewed_by.as_deref())
                    .map(|(at, by)| when_by(at, by)),
                comments,
            }
        })
        .collect();
    let due = settings.due.due(half);
    let first_submitted = versions
        .last()
        .map(|v| crate::sv::time::local_date(v.submitted_at));
    let editable = status.is_none_or(ReportStatus::is_editable);
    let may_edit = editable && super::may_edit(user, initiative);
    let costs = crate::economics::actual_repo::costs(db, user.organisation_id, id).await?;
    Ok(ReportPage {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        half,
        due_on: crate::sv::date::long_date(due),
        days_late: super::days_late(due, first_submitted, today),
        status,
        sections,
        svgs,
        not_ready: super::not_ready(&narratives)
            .into_iter()
            .map(String::from)
            .collect(),
        narratives,
        cost_years: super::sections::cost_years(initiative.start, half),
        costs: CostsForm::of(&costs),
        newer,
        snapshot_note,
        versions: version_views,
        may_edit,
        may_submit: may_edit && super::may_submit_on(half, today),
        review_version: (status == Some(ReportStatus::Submitted) && super::may_review(user))
            .then(|| versions.first().map(|v| v.version))
            .flatten(),
    })
}

/// The page of a report, where its forms post.
pub fn report_path(id: i64, half: HalfYear) -> String {
    format!("/satsningar/{id}/halvar/{half}")
}

pub use super::sections::ChangedSection;

/// The comparison page's data: the latest submitted version against the live assembly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonPage {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub half: HalfYear,
    /// The version compared and "2 december 2026 kl. 15:05 av Namn"; none before the first
    /// submission.
    pub version: Option<(i64, String)>,
    /// The sections that differ, in the report's order.
    pub changed: Vec<ChangedSection>,
    /// Headings of the sections that are as they were.
    pub unchanged: Vec<String>,
    /// The charts of the changed measure sections, as submitted and now (by measure id).
    pub submitted_svgs: BTreeMap<i64, String>,
    pub current_svgs: BTreeMap<i64, String>,
}

/// The charts of the measure sections among `sections`, with element ids ending in `suffix`
/// so that two drawings of one measure can share a page.
#[cfg(feature = "ssr")]
fn section_svgs<'a>(
    sections: impl Iterator<Item = &'a Section>,
    suffix: &str,
) -> BTreeMap<i64, String> {
    sections
        .filter_map(|s| match &s.body {
            super::sections::SectionBody::Measures(blocks) => Some(blocks),
            _ => None,
        })
        .flatten()
        .filter_map(|b| {
            crate::chart::svg(
                &b.chart,
                &format!("halvar-diagram-{}{suffix}", b.measure_id),
            )
            .map(|svg| (b.measure_id, svg))
        })
        .collect()
}

/// Jämförelse: what has changed in satsning `id`'s report for `halvar` since its latest
/// submitted version — each changed section as submitted and as Utfall assembles it now.
/// Whoever may see the report may see the comparison.
#[server(endpoint = "halvar/jamfor")]
pub async fn half_year_comparison(id: i64, halvar: String) -> Result<ComparisonPage, AppError> {
    let (user, initiative, half) = load(id, &halvar).await?;
    let db = expect_context::<crate::db::Db>();
    let settings = Settings::of_context();
    let facts = super::repo::facts(
        &db,
        user.organisation_id,
        &initiative,
        half,
        settings.rules,
        settings.survey,
        today(),
    )
    .await?;
    let live = super::sections::assemble(&facts);
    let versions = match super::repo::get(&db, user.organisation_id, id, half).await? {
        Some(row) => super::repo::versions(&db, row.id).await?,
        None => Vec::new(),
    };
    let (version, (changed, unchanged)) = match versions.first() {
        Some(v) => (
            Some((v.version, when_by(v.submitted_at, &v.submitted_by))),
            super::sections::compare(&v.snapshot.digests, &v.snapshot.sections, &live),
        ),
        None => (None, (Vec::new(), Vec::new())),
    };
    Ok(ComparisonPage {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        half,
        version,
        submitted_svgs: section_svgs(changed.iter().map(|c| &c.submitted), "-inskickad"),
        current_svgs: section_svgs(changed.iter().map(|c| &c.current), "-nu"),
        changed,
        unchanged,
    })
}

/// The satsning's projektledare, or 403; and the half-year.
#[cfg(feature = "ssr")]
async fn load_for_editing(
    id: i64,
    halvar: &str,
) -> Result<
    (
        crate::auth::CurrentUser,
        crate::initiative::Initiative,
        HalfYear,
    ),
    AppError,
> {
    let (user, initiative, half) = load(id, halvar).await?;
    if !super::may_edit(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    Ok((user, initiative, half))
}

/// Spara texterna: the narrative fields and their "klar" marks.
#[server(endpoint = "halvar/texter")]
pub async fn save_half_year_texts(
    id: i64,
    halvar: String,
    narrative: NarrativeForm,
) -> Result<Saved, AppError> {
    let (user, _, half) = load_for_editing(id, &halvar).await?;
    let narratives = narrative.parse()?;
    let db = expect_context::<crate::db::Db>();
    super::repo::save_narratives(&db, user.actor(), id, half, &narratives, chrono::Utc::now())
        .await?;
    Ok(Saved {
        redirect: format!("{}?sparad=texter#texter", report_path(id, half)),
    })
}

/// Spara kostnaderna: actual costs per year and cost type (read by the budget rule).
#[server(endpoint = "halvar/kostnader")]
pub async fn save_half_year_costs(
    id: i64,
    halvar: String,
    costs: CostsForm,
) -> Result<Saved, AppError> {
    let (user, initiative, half) = load_for_editing(id, &halvar).await?;
    let years = super::sections::cost_years(initiative.start, half);
    let parsed = costs.parse(&years)?;
    let db = expect_context::<crate::db::Db>();
    super::repo::save_costs(
        &db,
        user.actor(),
        id,
        half,
        &years,
        &parsed,
        chrono::Utc::now(),
        &crate::report::AfterValues::from_context(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("{}?sparad=kostnader#kostnader", report_path(id, half)),
    })
}

/// Skicka in: the report as assembled now, with its texts, becomes a locked version.
#[server(endpoint = "halvar/skicka-in")]
pub async fn submit_half_year(id: i64, halvar: String) -> Result<Saved, AppError> {
    let (user, initiative, half) = load_for_editing(id, &halvar).await?;
    let today = today();
    if !super::may_submit_on(half, today) {
        return Err(AppError::Conflict(format!(
            "Redovisningen för {} kan skickas in från den 1 {} {}.",
            half.label(),
            if half.half() == 1 { "juni" } else { "december" },
            half.year()
        )));
    }
    let db = expect_context::<crate::db::Db>();
    let narratives = super::repo::get(&db, user.organisation_id, id, half)
        .await?
        .map(|r| r.narratives)
        .unwrap_or_default();
    let missing = super::not_ready(&narratives);
    if !missing.is_empty() {
        return Err(AppError::Conflict(format!(
            "Markera alla textavsnitt som klara innan du skickar in. Kvar: {}.",
            missing.join(", ")
        )));
    }
    let facts = super::repo::facts(
        &db,
        user.organisation_id,
        &initiative,
        half,
        reporting_rules(),
        crate::survey::thresholds(),
        today,
    )
    .await?;
    let sections = super::sections::assemble(&facts);
    let snapshot = super::Snapshot {
        digests: super::sections::digests(&sections),
        sections,
        narratives,
    };
    let after = crate::report::AfterValues::from_context();
    super::repo::submit(
        &db,
        user.actor(),
        id,
        half,
        &snapshot,
        chrono::Utc::now(),
        &after,
    )
    .await?;
    Ok(Saved {
        redirect: format!("{}?inskickad=1", report_path(id, half)),
    })
}

/// Granska: the beredningsgrupp comments per section and decides on `version`.
#[server(endpoint = "halvar/granska")]
pub async fn review_half_year(
    id: i64,
    halvar: String,
    version: i64,
    review: ReviewForm,
) -> Result<Saved, AppError> {
    let (user, _, half) = load(id, &halvar).await?;
    if !super::may_review(&user) {
        return Err(AppError::Forbidden);
    }
    let mut keys = super::sections::section_ids();
    keys.extend(super::NARRATIVES.iter().map(|(k, _, _)| k.to_string()));
    let (decision, comments) = review.parse(&keys)?;
    let db = expect_context::<crate::db::Db>();
    super::repo::review(
        &db,
        user.actor(),
        id,
        half,
        version,
        decision,
        &comments,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("{}?granskad=1", report_path(id, half)),
    })
}

/// One satsning in the list of a half-year's reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub status: Option<ReportStatus>,
    /// "3 september 2026".
    pub submitted_on: Option<String>,
    pub days_late: Option<i64>,
}

/// The list page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListData {
    pub half: HalfYear,
    pub due_on: String,
    /// The half-years offered in the filter, newest first.
    pub halves: Vec<HalfYear>,
    pub items: Vec<ListItem>,
}

/// Halvårsredovisningar: every satsning reporting on `halvar` (default: the half-year that
/// ended last) with its report's status, due date and days late.
#[server(endpoint = "halvar/lista")]
pub async fn half_year_list(halvar: Option<String>) -> Result<ListData, AppError> {
    let user = crate::auth::require(&super::LIST_ROLES).await?;
    let today = today();
    let current = HalfYear::of(today);
    let previous = HalfYear::of(current.first_day() - chrono::Duration::days(1));
    let half = match halvar.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
        Some(raw) => HalfYear::parse(raw).ok_or_else(|| {
            AppError::BadRequest("Okänt halvår i filtret, skriv till exempel 2026-H1.".into())
        })?,
        None => previous,
    };
    let db = expect_context::<crate::db::Db>();
    let due = due_dates().due(half);
    let items = super::repo::list(&db, user.organisation_id, half)
        .await?
        .into_iter()
        .map(|r| {
            let submitted = r.submitted_at.map(crate::sv::time::local_date);
            ListItem {
                initiative_id: r.initiative_id,
                initiative_name: r.initiative_name,
                is_example: r.is_example,
                status: r.status,
                submitted_on: submitted.map(crate::sv::date::long_date),
                days_late: (half.last_day() < today || submitted.is_some())
                    .then(|| super::days_late(due, submitted, today))
                    .flatten(),
            }
        })
        .collect();
    let mut halves = vec![current];
    let mut at = current;
    for _ in 0..5 {
        at = HalfYear::of(at.first_day() - chrono::Duration::days(1));
        halves.push(at);
    }
    Ok(ListData {
        half,
        due_on: crate::sv::date::long_date(due),
        halves,
        items,
    })
}

/// A projektledare's next half-year report of one satsning, for the start page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextReport {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub half: HalfYear,
    pub status: Option<ReportStatus>,
    /// "28 februari 2027".
    pub due_on: String,
    pub days_late: Option<i64>,
}

/// The next report of each reporting satsning `user` leads, soonest deadline first.
#[cfg(feature = "ssr")]
pub async fn next_reports(
    db: &crate::db::Db,
    user: &crate::auth::CurrentUser,
    today: chrono::NaiveDate,
) -> Result<Vec<NextReport>, AppError> {
    use crate::initiative::Status;
    let mut out = Vec::new();
    for initiative in crate::initiative::repo::list(db, user.organisation_id).await? {
        if !initiative.is_led_by(user.id)
            || initiative.status < Status::Decided
            || initiative.status > Status::Ended
        {
            continue;
        }
        let statuses = super::repo::statuses(db, user.organisation_id, initiative.id).await?;
        let halves: Vec<(HalfYear, Option<ReportStatus>)> =
            super::report_halves(initiative.start, initiative.end, today)
                .into_iter()
                .map(|h| (h, statuses.get(&h).copied()))
                .collect();
        if let Some(half) = super::next_report(&halves) {
            let due = due_dates().due(half);
            out.push(NextReport {
                initiative_id: initiative.id,
                initiative_name: initiative.name.clone(),
                half,
                status: statuses.get(&half).copied(),
                due_on: crate::sv::date::long_date(due),
                days_late: (half.last_day() < today)
                    .then(|| super::days_late(due, None, today))
                    .flatten(),
            });
        }
    }
    out.sort_by_key(|r| due_dates().due(r.half));
    Ok(out)
}
