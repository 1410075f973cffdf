//! Server functions for the uppföljande utvärdering: authorize (the satsning's visibility,
//! that it has ended, then [`super::follow_up::may_write`] / [`super::follow_up::may_approve`]),
//! parse, call [`super::follow_up_repo`], return.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::follow_up::{FollowUpForm, FollowUpStatus, Implementation};
use super::sections::MeasureBlock;
use crate::error::AppError;
use crate::form::Saved;

/// One method (aktivitet) as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodView {
    pub activity_id: i64,
    /// The mål it belongs to.
    pub goal: String,
    pub text: String,
    pub status: Option<Implementation>,
    /// The owning nämnd's name.
    pub owner: Option<String>,
    pub comment: String,
}

/// The follow-up page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpPage {
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    /// "30 juni 2019".
    pub ended_on: String,
    pub follow_up_years: u8,
    /// "30 juni 2021".
    pub due_on: String,
    pub days_late: Option<i64>,
    pub status: Option<FollowUpStatus>,
    pub texts: BTreeMap<String, String>,
    pub methods: Vec<MethodView>,
    /// The stored follow-up as the form shows it.
    pub form: FollowUpForm,
    /// The nämnder a method's owner is chosen from: the satsning's nämnder.
    pub owners: Vec<(i64, String)>,
    /// Each effektmått from the satsning's last month to this month.
    pub effects: Vec<MeasureBlock>,
    /// Their charts as SVG, by measure id.
    pub svgs: BTreeMap<i64, String>,
    /// "juni 2019 – december 2026".
    pub effects_period: String,
    /// The months after the end the caller may report effektmått for: (label, address).
    pub report_months: Vec<(String, String)>,
    /// "2 december 2026 kl. 15:05 av Pia Projektledare".
    pub submitted: Option<String>,
    pub approved: Option<String>,
    /// The caller may change and submit it now.
    pub may_edit: bool,
    /// What is missing before it can be submitted.
    pub not_ready: Vec<String>,
    /// The caller may approve it now.
    pub may_approve: bool,
}

/// "2 december 2026 kl. 15:05 av Namn".
#[cfg(feature = "ssr")]
fn when_by((at, by): &(chrono::DateTime<chrono::Utc>, String)) -> String {
    let local = crate::sv::time::local(*at);
    let clock = local.rsplit(' ').next().unwrap_or_default().to_string();
    format!(
        "{} kl. {clock} av {by}",
        crate::sv::date::long_date(crate::sv::time::local_date(*at))
    )
}

/// The satsning (visible to the caller and ended: anything else is "not found").
#[cfg(feature = "ssr")]
async fn load(
    id: i64,
) -> Result<(crate::auth::CurrentUser, crate::initiative::Initiative), AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    if !initiative.has_ended(super::api::today()) {
        return Err(AppError::NotFound);
    }
    Ok((user, initiative))
}

/// The satsning's aktiviteter: (id, mål, text), in the schema's order.
#[cfg(feature = "ssr")]
fn activities(schema: &crate::schema::Schema) -> Vec<(i64, String, String)> {
    schema
        .goals
        .iter()
        .flat_map(|g| {
            g.activities
                .iter()
                .map(|a| (a.id, g.text.clone(), a.text.clone()))
        })
        .collect()
}

/// The satsning's nämnder, which may own a method after it.
#[cfg(feature = "ssr")]
fn owners(initiative: &crate::initiative::Initiative) -> Vec<(i64, String)> {
    initiative
        .parties
        .iter()
        .filter(|p| p.kind == crate::party::PartyKind::Board)
        .map(|p| (p.id, p.name.clone()))
        .collect()
}

/// Uppföljande utvärdering of satsning `id` (an ended one).
#[server(endpoint = "uppfoljning/visa")]
pub async fn follow_up_report(id: i64) -> Result<FollowUpPage, AppError> {
    use crate::report::Period;
    let (user, initiative) = load(id).await?;
    let db = expect_context::<crate::db::Db>();
    let today = super::api::today();
    let schema = crate::schema::repo::load(&db, id).await?;
    let row = super::follow_up_repo::get(&db, user.organisation_id, id).await?;
    // What lasted: each effektmått from the period's last month on.
    let (first, last) = (Period::of(initiative.end), Period::of(today));
    let months = Period::range(first, last);
    let series = crate::report::repo::series(&db, id, first, last).await?;
    let mut effect_schema = schema.clone();
    effect_schema
        .measures
        .retain(|m| m.kind == crate::schema::MeasureKind::Effect);
    let effects = super::sections::measure_blocks(&effect_schema, &series, &months);
    let svgs = effects
        .iter()
        .filter_map(|b| {
            crate::chart::svg(&b.chart, &format!("uppfoljning-diagram-{}", b.measure_id))
                .map(|svg| (b.measure_id, svg))
        })
        .collect();
    let owners = owners(&initiative);
    let activities = activities(&schema);
    let (status, texts, stored) = match &row {
        Some(r) => (Some(r.status), r.texts.clone(), r.methods.clone()),
        None => (None, BTreeMap::new(), Vec::new()),
    };
    let methods = activities
        .iter()
        .map(|(activity_id, goal, text)| {
            let m = stored.iter().find(|m| m.activity_id == *activity_id);
            MethodView {
                activity_id: *activity_id,
                goal: goal.clone(),
                text: text.clone(),
                status: m.map(|m| m.status),
                owner: m.and_then(|m| m.party_id).and_then(|p| {
                    initiative
                        .parties
                        .iter()
                        .find(|party| party.id == p)
                        .map(|party| party.name.clone())
                }),
                comment: m.map(|m| m.comment.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let report_months = if crate::report::month::may_report(&user, &initiative) {
        crate::report::month::follow_up_months(&initiative, today)
            .into_iter()
            .rev()
            .map(|p| (p.label(), format!("/satsningar/{id}/rapportera/{p}")))
            .collect()
    } else {
        Vec::new()
    };
    let due = initiative.follow_up_due();
    let submitted_on = row
        .as_ref()
        .and_then(|r| r.submitted.as_ref())
        .map(|(at, _)| crate::sv::time::local_date(*at));
    let draft = status.is_none_or(|s| s == FollowUpStatus::Draft);
    let may_edit = draft && super::follow_up::may_write(&user, &initiative);
    let pairs: Vec<(i64, String)> = activities
        .iter()
        .map(|(id, _, t)| (*id, t.clone()))
        .collect();
    Ok(FollowUpPage {
        initiative_id: id,
        initiative_name: initiative.name.clone(),
        is_example: initiative.is_example,
        ended_on: crate::sv::date::long_date(initiative.end),
        follow_up_years: initiative.follow_up_years.get(),
        due_on: crate::sv::date::long_date(due),
        days_late: super::days_late(due, submitted_on, today),
        status,
        not_ready: super::follow_up::not_ready(&texts, &stored, &pairs),
        form: FollowUpForm::of(&texts, &stored),
        texts,
        methods,
        owners,
        effects,
        svgs,
        effects_period: format!("{} – {}", first.label(), last.label()),
        report_months,
        submitted: row.as_ref().and_then(|r| r.submitted.as_ref()).map(when_by),
        approved: row.as_ref().and_then(|r| r.approved.as_ref()).map(when_by),
        may_edit,
        may_approve: status == Some(FollowUpStatus::Submitted)
            && super::follow_up::may_approve(&user),
    })
}

/// The satsning for a writer (its projektledare, admin, utvärderare), or 403.
#[cfg(feature = "ssr")]
async fn load_for_writing(
    id: i64,
) -> Result<(crate::auth::CurrentUser, crate::initiative::Initiative), AppError> {
    let (user, initiative) = load(id).await?;
    if !super::follow_up::may_write(&user, &initiative) {
        return Err(AppError::Forbidden);
    }
    Ok((user, initiative))
}

/// Spara: the texts and each method's implementation and owning nämnd.
#[server(endpoint = "uppfoljning/spara")]
pub async fn save_follow_up(id: i64, follow_up: FollowUpForm) -> Result<Saved, AppError> {
    let (user, initiative) = load_for_writing(id).await?;
    let db = expect_context::<crate::db::Db>();
    let schema = crate::schema::repo::load(&db, id).await?;
    let activity_ids: Vec<i64> = activities(&schema).into_iter().map(|(a, _, _)| a).collect();
    let owner_ids: Vec<i64> = owners(&initiative).into_iter().map(|(p, _)| p).collect();
    let input = follow_up.parse(&activity_ids, &owner_ids)?;
    super::follow_up_repo::save(&db, user.actor(), id, &input, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!(
            "{}?sparad=1#uppfoljning-form",
            super::follow_up::follow_up_path(id)
        ),
    })
}

/// Skicka in: when both texts are written and every method has a status (409 otherwise).
#[server(endpoint = "uppfoljning/skicka-in")]
pub async fn submit_follow_up(id: i64) -> Result<Saved, AppError> {
    let (user, _) = load_for_writing(id).await?;
    let db = expect_context::<crate::db::Db>();
    let schema = crate::schema::repo::load(&db, id).await?;
    let pairs: Vec<(i64, String)> = activities(&schema)
        .into_iter()
        .map(|(a, _, t)| (a, t))
        .collect();
    let row = super::follow_up_repo::get(&db, user.organisation_id, id).await?;
    let (texts, methods) = row.map(|r| (r.texts, r.methods)).unwrap_or_default();
    let missing = super::follow_up::not_ready(&texts, &methods, &pairs);
    if !missing.is_empty() {
        return Err(AppError::Conflict(format!(
            "Uppföljningen kan skickas in när allt är ifyllt. Kvar: {}.",
            missing.join(", ")
        )));
    }
    super::follow_up_repo::submit(&db, user.actor(), id, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("{}?inskickad=1", super::follow_up::follow_up_path(id)),
    })
}

/// Godkänn: the beredningsgrupp (or admin) approves a submitted follow-up.
#[server(endpoint = "uppfoljning/godkann")]
pub async fn approve_follow_up(id: i64) -> Result<Saved, AppError> {
    let (user, _) = load(id).await?;
    if !super::follow_up::may_approve(&user) {
        return Err(AppError::Forbidden);
    }
    let db = expect_context::<crate::db::Db>();
    super::follow_up_repo::approve(&db, user.actor(), id, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("{}?godkand=1", super::follow_up::follow_up_path(id)),
    })
}
