//! Server functions for ekonomi: authorize, load through the repository, decide with the pure
//! rules in `mod.rs` and `calc.rs`, return.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::calc::{Outcome, SensitivityRow};
use super::{EffectRow, EffectRowForm, IndexForm, IndexValue, Settings, SettingsForm};
use super::{UnitCost, UnitCostForm};
use crate::error::AppError;
use crate::form::Saved;

/// What the register page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Register {
    pub costs: Vec<UnitCost>,
    pub index: Vec<IndexValue>,
    /// Keeps the register (utvärderare, admin); also the only ones who see internal fields.
    pub may_edit: bool,
    /// Every post's name, for the cost-development choice.
    pub posts: Vec<String>,
    pub development: Option<Development>,
}

/// Kostnadsutveckling: one post's cost over its price years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Development {
    pub post: String,
    pub chart: crate::chart::MultiSeries,
    pub years: Vec<(i32, i64)>,
    pub svg: Option<String>,
}

/// Enhetskostnader: the organisation's register and price index, internal-only fields left
/// out unless the caller may see them.
/// `post` chooses the post whose cost development is drawn (default: the one with most years).
#[server(endpoint = "enhetskostnader/register")]
pub async fn unit_cost_register(post: Option<String>) -> Result<Register, AppError> {
    let user = crate::auth::require(&crate::auth::Role::ALL).await?;
    let db = expect_context::<crate::db::Db>();
    let internal = super::sees_internal(&user);
    let costs = super::repo::unit_costs(&db, user.organisation_id, internal).await?;
    let posts = super::posts(&costs);
    let development = super::chosen_post(&costs, post.as_deref()).map(|post| {
        let years = super::cost_development(&costs, &post);
        let chart = super::development_chart(&post, &years);
        Development {
            svg: crate::chart::svg_lines(&chart, "kostnadsutveckling"),
            post,
            chart,
            years,
        }
    });
    Ok(Register {
        costs,
        index: super::repo::price_index(&db, user.organisation_id).await?,
        may_edit: super::may_edit_register(&user),
        posts,
        development,
    })
}

/// Lägg till enhetskostnad.
#[server(endpoint = "enhetskostnader/skapa")]
pub async fn add_unit_cost(cost: UnitCostForm) -> Result<Saved, AppError> {
    let user = crate::auth::require(&super::EDIT_ROLES).await?;
    let input = super::UnitCostInput::parse(&cost)?;
    let db = expect_context::<crate::db::Db>();
    let id =
        super::repo::add_unit_cost(&db, user.actor(), &input, false, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/enhetskostnader?sparad=1#kostnad-{id}"),
    })
}

/// Ändra enhetskostnad.
#[server(endpoint = "enhetskostnader/andra")]
pub async fn update_unit_cost(cost_id: i64, cost: UnitCostForm) -> Result<Saved, AppError> {
    let user = crate::auth::require(&super::EDIT_ROLES).await?;
    let input = super::UnitCostInput::parse(&cost)?;
    let db = expect_context::<crate::db::Db>();
    super::repo::update_unit_cost(&db, user.actor(), cost_id, &input, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/enhetskostnader?andrad=1#kostnad-{cost_id}"),
    })
}

/// Ta bort enhetskostnad (after the page's confirmation; refused while a calculation uses it).
#[server(endpoint = "enhetskostnader/ta-bort")]
pub async fn delete_unit_cost(cost_id: i64) -> Result<Saved, AppError> {
    let user = crate::auth::require(&super::EDIT_ROLES).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::delete_unit_cost(&db, user.actor(), cost_id, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: "/enhetskostnader?borttagen=1".into(),
    })
}

/// Spara indexvärde: adds a year to the price index or replaces its value.
#[server(endpoint = "enhetskostnader/index")]
pub async fn set_price_index(index: IndexForm) -> Result<Saved, AppError> {
    let user = crate::auth::require(&super::EDIT_ROLES).await?;
    let (year, value) = index.parse()?;
    let db = expect_context::<crate::db::Db>();
    super::repo::set_index(&db, user.actor(), year, value, false, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: "/enhetskostnader?index=1#prisindex".into(),
    })
}

/// Ta bort indexvärde.
#[server(endpoint = "enhetskostnader/index/ta-bort")]
pub async fn delete_price_index(year: i32) -> Result<Saved, AppError> {
    let user = crate::auth::require(&super::EDIT_ROLES).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::delete_index(&db, user.actor(), year, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: "/enhetskostnader?index=1#prisindex".into(),
    })
}

/// One effect row as the calculation page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectRowView {
    pub row: EffectRow,
    /// The linked ekonomisk effekt's text, if any.
    pub effect: Option<String>,
    /// "Placering HVB, barn (2024, 4 100 kr per dygn)".
    pub unit_cost: String,
    pub party: Option<String>,
}

/// The calculated part of the page (absent when the calculation cannot be made).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Computed {
    pub outcome: Outcome,
    pub sensitivity: Vec<SensitivityRow>,
    /// The share of the forecast effects needed to break even (1,0 = all).
    pub break_even_share: Option<f64>,
    pub chart: crate::chart::MultiSeries,
    pub svg: Option<String>,
}

/// What the calculation page needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EconomicsData {
    pub initiative_id: i64,
    pub name: String,
    pub period: String,
    pub is_example: bool,
    pub first_year: i32,
    pub last_year: i32,
    pub settings: Settings,
    /// Kostnader per år: budget, recorded and counted, whole kronor.
    pub costs: Vec<super::CostYear>,
    pub rows: Vec<EffectRowView>,
    /// The result, or why it cannot be computed (Swedish).
    pub computed: Result<Computed, String>,
    pub may_edit: bool,
    /// Choices of the effect-row form: (id, label).
    pub effects: Vec<(i64, String)>,
    pub unit_costs: Vec<(i64, String)>,
    pub parties: Vec<(i64, String)>,
    pub repayment: RepaymentView,
    /// Utfall mot prognos: the rows whose effektmått has a baseline and a reported value.
    pub follow_ups: Vec<super::FollowUp>,
    /// The calculation with those rows' measured reductions (when there are any).
    pub updated: Option<Updated>,
}

/// Uppdaterad prognos: the result with the measured effects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Updated {
    pub pv_savings: i64,
    pub net: i64,
    pub meets: bool,
}

/// Återbetalning as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub id: i64,
    pub party_id: i64,
    pub year: i32,
    pub amount_sek: i64,
    pub note: String,
}

/// Återföring on the calculation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepaymentView {
    /// Under the återföringsmodell; otherwise "Ingen återföring".
    pub applies: bool,
    pub rows: Vec<super::repayment::LedgerRow>,
    pub balances: Vec<super::repayment::Balance>,
    pub payments: Vec<Payment>,
    /// The satsning's nämnder: (id, name).
    pub boards: Vec<(i64, String)>,
    /// May plan and record (utvärderare, admin).
    pub may_record: bool,
}

/// The satsning's calculation: costs, priced effects, result and sensitivity.
#[server(endpoint = "satsningar/ekonomi")]
pub async fn economics(id: i64) -> Result<EconomicsData, AppError> {
    use chrono::Datelike;
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let db = expect_context::<crate::db::Db>();
    let org = user.organisation_id;
    let defaults = use_context::<super::Defaults>().unwrap_or_default();
    let unit_costs = super::repo::unit_costs(&db, org, false).await?;
    let index_values = super::repo::price_index(&db, org).await?;
    let index = super::calc::PriceIndex(index_values.iter().map(|v| (v.year, v.value)).collect());
    let (first_year, last_year) = (initiative.start.year(), initiative.end.year());
    let settings = match super::repo::settings(&db, id).await? {
        Some((price_year, discount_rate_percent)) => Settings {
            price_year,
            discount_rate_percent,
            saved: true,
        },
        None => Settings {
            price_year: index_values.last().map_or(first_year, |v| v.year),
            discount_rate_percent: defaults.discount_rate_percent,
            saved: false,
        },
    };
    let rows = super::repo::effect_rows(&db, id).await?;
    let schema = crate::schema::repo::load(&db, id).await?;
    let latest = super::repo::latest_values(&db, id).await?;
    let follow_ups: Vec<super::FollowUp> = rows
        .iter()
        .filter_map(|row| {
            let effect = schema
                .effects
                .iter()
                .find(|e| Some(e.id) == row.economic_effect_id)?;
            let measure = schema
                .measures
                .iter()
                .find(|m| Some(m.id) == effect.effect_measure_id)?;
            let latest = latest
                .iter()
                .find(|(m, _)| *m == measure.id)
                .and_then(|(_, v)| *v)?;
            let baseline = measure.baseline.map(|b| b.0)?;
            let measured =
                super::measured_reduction(measure.direction, Some(baseline), Some(latest))?;
            Some(super::FollowUp {
                row_id: row.id,
                name: row.name.clone(),
                measure: format!("{} {}", measure.code, measure.name),
                unit: measure.unit.clone(),
                baseline,
                latest,
                forecast: row.reduction_per_year,
                measured,
            })
        })
        .collect();
    let budget = super::yearly_costs(&initiative.budget_years, initiative.budget_sek, first_year);
    let spent = super::actual_repo::costs(&db, org, id).await?;
    let cost_years = super::cost_years(
        &budget,
        &super::actual::per_year(&spent),
        &crate::report::api::due_dates(),
        crate::sv::time::local_date(chrono::Utc::now()),
    );
    let costs: Vec<(i32, f64)> = cost_years
        .iter()
        .map(|c| (c.year, c.counted as f64))
        .collect();
    let plan = super::repo::repayment_plan(&db, id).await?;
    let payments = super::repo::payments(&db, id).await?;
    let paid: Vec<(i64, i32, i64)> = payments
        .iter()
        .map(|p| (p.party_id, p.year, p.amount_sek))
        .collect();
    let ledger = super::repayment::ledger(&plan, &paid);
    let repayment = RepaymentView {
        applies: initiative.repayment,
        balances: super::repayment::balances(&ledger),
        rows: ledger,
        payments,
        boards: initiative
            .parties
            .iter()
            .filter(|p| p.kind == crate::party::PartyKind::Board)
            .map(|p| (p.id, p.name.clone()))
            .collect(),
        may_record: super::may_edit_register(&user),
    };
    let computed = super::build(
        first_year,
        last_year,
        costs.clone(),
        &settings,
        &rows,
        &unit_costs,
        &index,
    )
    .map(|calc| {
        let outcome = calc.evaluate();
        let chart = super::cumulative_chart(&outcome);
        Computed {
            svg: crate::chart::svg_lines(&chart, &format!("ekonomi-{id}")),
            sensitivity: calc.sensitivity(),
            break_even_share: calc.break_even_effect_share(),
            outcome,
            chart,
        }
    })
    .map_err(|problem| problem.to_string());
    let updated = if follow_ups.is_empty() {
        None
    } else {
        let measured_rows = super::with_measured(&rows, &follow_ups);
        super::build(
            first_year,
            last_year,
            costs.clone(),
            &settings,
            &measured_rows,
            &unit_costs,
            &index,
        )
        .ok()
        .map(|calc| {
            let outcome = calc.evaluate();
            Updated {
                pv_savings: outcome.pv_savings,
                net: outcome.net,
                meets: outcome.meets,
            }
        })
    };
    let effect_text = |eid: i64| {
        schema
            .effects
            .iter()
            .find(|e| e.id == eid)
            .map(|e| e.text.clone())
    };
    let party_name = |pid: i64| {
        initiative
            .parties
            .iter()
            .find(|p| p.id == pid)
            .map(|p| p.name.clone())
    };
    let views = rows
        .into_iter()
        .map(|row| EffectRowView {
            effect: row.economic_effect_id.and_then(effect_text),
            unit_cost: unit_costs
                .iter()
                .find(|c| c.id == row.unit_cost_id)
                .map(UnitCost::choice_label)
                .unwrap_or_default(),
            party: row.party_id.and_then(party_name),
            row,
        })
        .collect();
    Ok(EconomicsData {
        initiative_id: id,
        name: initiative.name.clone(),
        period: initiative.period_text(),
        is_example: initiative.is_example,
        first_year,
        last_year,
        settings,
        costs: cost_years,
        rows: views,
        computed,
        may_edit: super::may_edit_calculation(&user, &initiative),
        effects: schema
            .effects
            .iter()
            .map(|e| (e.id, e.text.clone()))
            .collect(),
        unit_costs: unit_costs
            .iter()
            .map(|c| (c.id, c.choice_label()))
            .collect(),
        parties: initiative
            .parties
            .iter()
            .map(|p| (p.id, p.name.clone()))
            .collect(),
        repayment,
        follow_ups,
        updated,
    })
}

/// The satsning for a change to its calculation: 404 unless visible, 403 unless editable.
#[cfg(feature = "ssr")]
async fn editable(
    id: i64,
) -> Result<(crate::auth::CurrentUser, crate::initiative::Initiative), AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    if super::may_edit_calculation(&user, &initiative) {
        Ok((user, initiative))
    } else {
        Err(AppError::Forbidden)
    }
}

/// Spara parametrar: the calculation's price year and discount rate.
#[server(endpoint = "satsningar/ekonomi/parametrar")]
pub async fn save_economics_settings(
    initiative_id: i64,
    settings: SettingsForm,
) -> Result<Saved, AppError> {
    let (user, _) = editable(initiative_id).await?;
    let (year, rate) = settings.parse()?;
    let db = expect_context::<crate::db::Db>();
    super::repo::save_settings(
        &db,
        user.actor(),
        initiative_id,
        year,
        rate,
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/satsningar/{initiative_id}/ekonomi?sparad=1#resultat"),
    })
}

/// Lägg till effektrad.
#[server(endpoint = "satsningar/ekonomi/effekt")]
pub async fn add_effect_row(initiative_id: i64, effect: EffectRowForm) -> Result<Saved, AppError> {
    use chrono::Datelike;
    let (user, initiative) = editable(initiative_id).await?;
    let db = expect_context::<crate::db::Db>();
    let schema = crate::schema::repo::load(&db, initiative_id).await?;
    let costs = super::repo::unit_costs(&db, user.organisation_id, false).await?;
    let effects: Vec<i64> = schema.effects.iter().map(|e| e.id).collect();
    let cost_ids: Vec<i64> = costs.iter().map(|c| c.id).collect();
    let parties: Vec<i64> = initiative.parties.iter().map(|p| p.id).collect();
    let row = effect.parse(&super::EffectChoices {
        effects: &effects,
        unit_costs: &cost_ids,
        parties: &parties,
        years: super::horizon(initiative.start.year(), initiative.end.year()),
    })?;
    super::repo::add_effect_row(&db, user.actor(), initiative_id, &row, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/satsningar/{initiative_id}/ekonomi?tillagd=1#effekter"),
    })
}

/// Ta bort effektrad (after the page's confirmation).
#[server(endpoint = "satsningar/ekonomi/effekt/ta-bort")]
pub async fn delete_effect_row(initiative_id: i64, row_id: i64) -> Result<Saved, AppError> {
    let (user, _) = editable(initiative_id).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::delete_effect_row(&db, user.actor(), initiative_id, row_id, chrono::Utc::now())
        .await?;
    Ok(Saved {
        redirect: format!("/satsningar/{initiative_id}/ekonomi?borttagen=1#effekter"),
    })
}

/// The satsning for an entry in its återföring: visible, kept by utvärderare or admin, and
/// under the återföringsmodell.
#[cfg(feature = "ssr")]
async fn repayment_target(
    id: i64,
) -> Result<
    (
        crate::auth::CurrentUser,
        crate::initiative::Initiative,
        Vec<i64>,
    ),
    AppError,
> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    if !super::may_edit_register(&user) {
        return Err(AppError::Forbidden);
    }
    if !initiative.repayment {
        return Err(AppError::Conflict(
            "Satsningen omfattas inte av återföringsmodellen (Ingen återföring).".into(),
        ));
    }
    let boards = initiative
        .parties
        .iter()
        .filter(|p| p.kind == crate::party::PartyKind::Board)
        .map(|p| p.id)
        .collect();
    Ok((user, initiative, boards))
}

/// Planera återföring: one nämnd's amount for one year (0 takes the year out of the plan).
#[server(endpoint = "satsningar/ekonomi/aterforing/plan")]
pub async fn plan_repayment(
    initiative_id: i64,
    repayment: super::repayment::RepaymentForm,
) -> Result<Saved, AppError> {
    let (user, _, boards) = repayment_target(initiative_id).await?;
    let input = repayment.parse(&boards, false)?;
    let db = expect_context::<crate::db::Db>();
    super::repo::set_plan(&db, user.actor(), initiative_id, &input, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/satsningar/{initiative_id}/ekonomi?aterforing=1#aterforing"),
    })
}

/// Registrera återbetalning.
#[server(endpoint = "satsningar/ekonomi/aterforing/betalning")]
pub async fn record_repayment(
    initiative_id: i64,
    repayment: super::repayment::RepaymentForm,
) -> Result<Saved, AppError> {
    let (user, _, boards) = repayment_target(initiative_id).await?;
    let input = repayment.parse(&boards, true)?;
    let db = expect_context::<crate::db::Db>();
    super::repo::add_payment(&db, user.actor(), initiative_id, &input, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/satsningar/{initiative_id}/ekonomi?aterforing=1#aterforing"),
    })
}

/// One nämnd in the fund overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundRow {
    pub party: String,
    /// Beslutat i satsningar där nämnden deltar (each satsning's whole budget).
    pub decided: i64,
    /// Förbrukat i de satsningarna: the costs their half-year reports record.
    pub spent: i64,
    pub planned: i64,
    pub paid: i64,
}

/// Fonden: decided money and återföring per nämnd.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundData {
    pub rows: Vec<FundRow>,
    /// Decided over all satsningar, each counted once.
    pub decided_total: i64,
    /// Spent over all satsningar, each counted once.
    pub spent_total: i64,
}

/// Fondöversikt for those who see every satsning (a projektledare's view would reveal others').
#[server(endpoint = "fonden")]
pub async fn fund_overview() -> Result<FundData, AppError> {
    use crate::auth::Role;
    let user =
        crate::auth::require(&[Role::Admin, Role::Evaluator, Role::Review, Role::Reader]).await?;
    let db = expect_context::<crate::db::Db>();
    let (rows, decided_total, spent_total) =
        super::repo::fund_overview(&db, user.organisation_id).await?;
    Ok(FundData {
        rows: rows
            .into_iter()
            .map(|(_, party, decided, spent, planned, paid)| FundRow {
                party,
                decided,
                spent,
                planned,
                paid,
            })
            .collect(),
        decided_total,
        spent_total,
    })
}

/// The preview of a staged import: every line's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub import_id: i64,
    pub file_name: String,
    pub lines: Vec<super::import::CheckedLine>,
    /// Every line is fine: the import can be saved.
    pub ready: bool,
}

/// Förhandsgranskning: the staged file checked against the register as it is now.
#[server(endpoint = "enhetskostnader/import/forhandsgranska")]
pub async fn unit_cost_import_preview(import_id: i64) -> Result<ImportPreview, AppError> {
    let user = crate::auth::require(&super::EDIT_ROLES).await?;
    let db = expect_context::<crate::db::Db>();
    let (file_name, lines) =
        super::repo::staged_import(&db, user.organisation_id, import_id).await?;
    let existing = existing_posts(&db, user.organisation_id).await?;
    let (lines, inputs) = super::import::check(&lines, &existing);
    Ok(ImportPreview {
        import_id,
        file_name,
        lines,
        ready: inputs.is_some(),
    })
}

#[cfg(feature = "ssr")]
async fn existing_posts(
    db: &crate::db::Db,
    organisation_id: i64,
) -> Result<Vec<(String, i32)>, AppError> {
    Ok(super::repo::unit_costs(db, organisation_id, false)
        .await?
        .into_iter()
        .map(|c| (c.post, c.price_year))
        .collect())
}

/// Spara importen: every line, or (when any line is bad) nothing.
#[server(endpoint = "enhetskostnader/import/spara")]
pub async fn commit_unit_cost_import(import_id: i64) -> Result<Saved, AppError> {
    let user = crate::auth::require(&super::EDIT_ROLES).await?;
    let db = expect_context::<crate::db::Db>();
    let (_, lines) = super::repo::staged_import(&db, user.organisation_id, import_id).await?;
    let existing = existing_posts(&db, user.organisation_id).await?;
    let (_, inputs) = super::import::check(&lines, &existing);
    let Some(inputs) = inputs else {
        return Err(AppError::Conflict(
            "Filen har rader som inte kan sparas. Rätta filen och ladda upp den igen. Inget har sparats."
                .into(),
        ));
    };
    super::repo::commit_import(&db, user.actor(), import_id, &inputs, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: format!("/enhetskostnader?importerade={}", inputs.len()),
    })
}
