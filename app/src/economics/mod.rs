//! Ekonomi: the register of enhetskostnader (unit costs), the price index, and each satsning's
//! calculation of costs against priced effects (the arithmetic is in [`calc`]).
//!
//! Who may do what: utvärderare and admin keep the register and the index; every staff role
//! reads them (deltagare have no accounts). The register's internal-only fields (volym,
//! OH-påslag) reach only utvärderare and admin — in pages, exports and server-function replies
//! alike ([`sees_internal`]). A satsning's calculation is edited by admin, utvärderare and its
//! own projektledare, and read by everyone who may see the satsning.

pub mod actual;
#[cfg(feature = "ssr")]
pub mod actual_repo;
pub mod api;
pub mod calc;
pub mod import;
pub mod repayment;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod ui;

use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, FieldError};
use crate::sv::number::{YEARS, number_message, parse_decimal, parse_sek};

/// Verksamhetsområden of the register: (stored value, Swedish name).
pub const AREAS: [(&str, &str); 6] = [
    ("skola", "Skola"),
    ("funktionsnedsattning", "Funktionsnedsättning"),
    ("ifo", "Individ- och familjeomsorg"),
    ("vard_omsorg", "Vård och omsorg"),
    ("arbetsmarknad", "Arbetsmarknad"),
    ("skadegorelse", "Skadegörelse"),
];

/// The Swedish name of a stored verksamhetsområde.
pub fn area_label(value: &str) -> &'static str {
    AREAS
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("Okänt område", |(_, label)| label)
}

/// The register's columns in an export (CSV, .xlsx); the last says whether a row is Exempeldata.
pub const EXPORT_COLUMNS: [&str; 8] = [
    "Post",
    "Verksamhetsområde",
    "Enhet",
    "Kostnad (kr)",
    "Prisår",
    "Källa",
    "Kommentar",
    "Exempeldata",
];

/// The internal-only columns, exported only to those who see them ([`sees_internal`]).
pub const INTERNAL_COLUMNS: [&str; 2] = ["Volym (internt)", "OH-påslag % (internt)"];

/// Who keeps the register and the price index.
pub const EDIT_ROLES: [Role; 2] = [Role::Admin, Role::Evaluator];

/// Whether the user keeps the register (and so also sees its internal-only fields).
pub fn may_edit_register(user: &CurrentUser) -> bool {
    user.has_any(&EDIT_ROLES)
}

/// Whether the user sees the internal-only fields (volym, OH-påslag).
pub fn sees_internal(user: &CurrentUser) -> bool {
    may_edit_register(user)
}

/// Who may change a satsning's calculation: admin, utvärderare and its own projektledare.
pub fn may_edit_calculation(
    user: &CurrentUser,
    initiative: &crate::initiative::Initiative,
) -> bool {
    user.has_any(&EDIT_ROLES) || initiative.is_led_by(user.id)
}

/// Internal-only fields of a unit cost (Örebro's internal version: volumes and overhead).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Internal {
    /// Volym: how many units the cost was computed over.
    pub volume: Option<f64>,
    /// OH-påslag in per cent.
    pub overhead_percent: Option<f64>,
}

/// Enhetskostnad: one post's cost per unit in one price year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitCost {
    pub id: i64,
    /// Post, e.g. "Placering HVB, barn".
    pub post: String,
    /// Verksamhetsområde ([`AREAS`] value).
    pub area: String,
    /// Enhet, e.g. "per dygn".
    pub unit: String,
    pub cost_sek: i64,
    pub price_year: i32,
    /// Källa: KPB, ekonomisystemet, SIRIS …
    pub source: String,
    /// How another kommun computes its own figure.
    pub comment: String,
    /// Present only for those who may see it ([`sees_internal`]).
    pub internal: Option<Internal>,
    pub is_example: bool,
}

impl UnitCost {
    /// "Placering HVB, barn (2024, 4 100 kr per dygn)".
    pub fn choice_label(&self) -> String {
        format!(
            "{} ({}, {} {})",
            self.post,
            self.price_year,
            crate::sv::number::format_sek(self.cost_sek),
            self.unit
        )
    }
}

/// Formuläret för en enhetskostnad, for a new one and for a change: posted as `cost`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCostForm {
    pub post: String,
    pub area: String,
    pub unit: String,
    pub cost_sek: String,
    pub price_year: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub volume: String,
    #[serde(default)]
    pub overhead_percent: String,
}

/// A validated unit cost.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitCostInput {
    pub post: String,
    pub area: String,
    pub unit: String,
    pub cost_sek: i64,
    pub price_year: i32,
    pub source: String,
    pub comment: String,
    pub internal: Internal,
}

/// Collects per-field messages for one form.
struct Problems {
    prefix: &'static str,
    errors: Vec<FieldError>,
}

impl Problems {
    fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            errors: Vec::new(),
        }
    }

    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: format!("{}[{field}]", self.prefix),
            message: message.into(),
        });
    }

    /// A required text of at most `max` characters, trimmed.
    fn text(&mut self, field: &str, raw: &str, max: usize, missing: Option<&str>) -> String {
        let text = raw.trim();
        if text.is_empty() {
            if let Some(message) = missing {
                self.add(field, message);
            }
        } else if text.chars().count() > max {
            self.add(field, format!("Högst {max} tecken."));
        }
        text.to_string()
    }

    fn year(&mut self, field: &str, raw: &str) -> i32 {
        match raw.trim().parse::<i32>() {
            Ok(year) if YEARS.contains(&year) => year,
            _ => {
                self.add(field, "Ange ett årtal, till exempel 2024.");
                0
            }
        }
    }

    /// An optional decimal within `range`.
    fn decimal(
        &mut self,
        field: &str,
        raw: &str,
        range: std::ops::RangeInclusive<f64>,
        out_of_range: &str,
    ) -> Option<f64> {
        match parse_decimal(raw) {
            Ok(None) => None,
            Ok(Some(value)) if range.contains(&value) => Some(value),
            Ok(Some(_)) => {
                self.add(field, out_of_range);
                None
            }
            Err(_) => {
                self.add(field, number_message(raw));
                None
            }
        }
    }

    /// A share in per cent, 0–100; empty is 0.
    fn percent(&mut self, field: &str, raw: &str) -> f64 {
        self.decimal(field, raw, 0.0..=100.0, "Ange en andel mellan 0 och 100 %.")
            .unwrap_or(0.0)
    }

    fn finish<T>(self, value: T) -> Result<T, AppError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}

impl UnitCostInput {
    /// Validates the form; every bad field gets its own Swedish message.
    pub fn parse(form: &UnitCostForm) -> Result<Self, AppError> {
        let mut p = Problems::new("cost");
        let post = p.text(
            "post",
            &form.post,
            200,
            Some("Ange posten, till exempel Placering HVB, barn."),
        );
        let area = form.area.trim().to_string();
        if !AREAS.iter().any(|(v, _)| *v == area) {
            p.add("area", "Välj verksamhetsområde.");
        }
        let unit = p.text(
            "unit",
            &form.unit,
            100,
            Some("Ange enheten, till exempel per dygn eller per elev och år."),
        );
        let cost_sek = parse_sek(&form.cost_sek).unwrap_or_else(|| {
            p.add(
                "cost_sek",
                "Ange kostnaden i hela kronor, till exempel 4 100.",
            );
            0
        });
        let price_year = p.year("price_year", &form.price_year);
        let source = p.text("source", &form.source, 200, None);
        let comment = p.text("comment", &form.comment, 2000, None);
        let volume = p.decimal(
            "volume",
            &form.volume,
            0.0..=1e12,
            "Volymen kan inte vara negativ.",
        );
        let overhead_percent = p.decimal(
            "overhead_percent",
            &form.overhead_percent,
            0.0..=1000.0,
            "Ange OH-påslaget i procent, 0–1 000.",
        );
        p.finish(Self {
            post,
            area,
            unit,
            cost_sek,
            price_year,
            source,
            comment,
            internal: Internal {
                volume,
                overhead_percent,
            },
        })
    }
}

/// Indexvärde: one year of the price index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexValue {
    pub year: i32,
    pub value: f64,
    pub is_example: bool,
}

/// Formuläret för ett indexvärde, posted as `index`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexForm {
    pub year: String,
    pub value: String,
}

impl IndexForm {
    /// (year, value), the value above zero.
    pub fn parse(&self) -> Result<(i32, f64), AppError> {
        let mut p = Problems::new("index");
        let year = p.year("year", &self.year);
        let value = p.decimal(
            "value",
            &self.value,
            f64::MIN_POSITIVE..=1e9,
            "Indexvärdet måste vara större än 0.",
        );
        if value.is_none() && parse_decimal(&self.value) == Ok(None) {
            p.add("value", "Ange indexvärdet, till exempel 412,6.");
        }
        p.finish((year, value.unwrap_or(0.0)))
    }
}

/// Kalkylens parametrar: the price year everything is expressed in and the discount rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub price_year: i32,
    pub discount_rate_percent: f64,
    /// `false` while the calculation uses the defaults (nothing saved yet).
    pub saved: bool,
}

/// The defaults of a calculation that nothing has been saved for (from the configuration).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Defaults {
    /// `UTFALL_DISCOUNT_RATE`, per cent.
    pub discount_rate_percent: f64,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            discount_rate_percent: calc::DEFAULT_DISCOUNT_RATE_PERCENT,
        }
    }
}

/// Formuläret för parametrarna, posted as `settings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub price_year: String,
    pub discount_rate_percent: String,
}

impl SettingsForm {
    /// (price year, discount rate in per cent, 0–20).
    pub fn parse(&self) -> Result<(i32, f64), AppError> {
        let mut p = Problems::new("settings");
        let year = p.year("price_year", &self.price_year);
        let rate = p.decimal(
            "discount_rate_percent",
            &self.discount_rate_percent,
            0.0..=20.0,
            "Ange en ränta mellan 0 och 20 %.",
        );
        if rate.is_none() && parse_decimal(&self.discount_rate_percent) == Ok(None) {
            p.add(
                "discount_rate_percent",
                "Ange diskonteringsräntan, till exempel 3,5.",
            );
        }
        p.finish((year, rate.unwrap_or(0.0)))
    }
}

/// Effektrad as stored: one priced effect of a calculation; shares in per cent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectRow {
    pub id: i64,
    pub name: String,
    /// The schema's ekonomisk effekt it prices, if any.
    pub economic_effect_id: Option<i64>,
    pub unit_cost_id: i64,
    /// Benefiting nämnd.
    pub party_id: Option<i64>,
    pub reduction_per_year: f64,
    pub start_year: i32,
    pub deadweight_percent: f64,
    pub attribution_percent: f64,
    pub displacement_percent: f64,
    pub drop_off_percent: f64,
}

/// Formuläret för en effektrad, posted as `effect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectRowForm {
    pub name: String,
    #[serde(default)]
    pub economic_effect_id: String,
    pub unit_cost_id: String,
    #[serde(default)]
    pub party_id: String,
    pub reduction_per_year: String,
    pub start_year: String,
    #[serde(default)]
    pub deadweight_percent: String,
    #[serde(default)]
    pub attribution_percent: String,
    #[serde(default)]
    pub displacement_percent: String,
    #[serde(default)]
    pub drop_off_percent: String,
}

/// What an effect row may refer to: the satsning's own effects, parties and period, and the
/// organisation's unit costs.
pub struct EffectChoices<'a> {
    pub effects: &'a [i64],
    pub unit_costs: &'a [i64],
    pub parties: &'a [i64],
    pub years: std::ops::RangeInclusive<i32>,
}

impl EffectRowForm {
    /// Validates the form against what it may refer to (an id from elsewhere is refused like a
    /// typing error, so nothing of another satsning or organisation can be linked).
    pub fn parse(&self, choices: &EffectChoices<'_>) -> Result<EffectRow, AppError> {
        let mut p = Problems::new("effect");
        let name = p.text(
            "name",
            &self.name,
            200,
            Some("Ange vad effekten är, till exempel Färre placeringar på HVB."),
        );
        let pick = |raw: &str, allowed: &[i64]| -> Result<Option<i64>, ()> {
            match raw.trim() {
                "" => Ok(None),
                text => text
                    .parse::<i64>()
                    .ok()
                    .filter(|id| allowed.contains(id))
                    .map(Some)
                    .ok_or(()),
            }
        };
        let economic_effect_id =
            pick(&self.economic_effect_id, choices.effects).unwrap_or_else(|_| {
                p.add(
                    "economic_effect_id",
                    "Välj en av satsningens ekonomiska effekter.",
                );
                None
            });
        let unit_cost_id = match pick(&self.unit_cost_id, choices.unit_costs) {
            Ok(Some(id)) => id,
            _ => {
                p.add("unit_cost_id", "Välj en enhetskostnad ur registret.");
                0
            }
        };
        let party_id = pick(&self.party_id, choices.parties).unwrap_or_else(|_| {
            p.add("party_id", "Välj en av satsningens parter.");
            None
        });
        let reduction_per_year = match parse_decimal(&self.reduction_per_year) {
            Ok(Some(value)) if value != 0.0 => value,
            Ok(_) => {
                p.add(
                    "reduction_per_year",
                    "Ange hur många enheter färre per år, till exempel 3.",
                );
                0.0
            }
            Err(_) => {
                p.add(
                    "reduction_per_year",
                    number_message(&self.reduction_per_year),
                );
                0.0
            }
        };
        let start_year = p.year("start_year", &self.start_year);
        if start_year != 0 && !choices.years.contains(&start_year) {
            p.add(
                "start_year",
                format!(
                    "Startåret ska ligga inom kalkylens horisont, {}–{}.",
                    choices.years.start(),
                    choices.years.end()
                ),
            );
        }
        let deadweight_percent = p.percent("deadweight_percent", &self.deadweight_percent);
        let attribution_percent = p.percent("attribution_percent", &self.attribution_percent);
        let displacement_percent = p.percent("displacement_percent", &self.displacement_percent);
        let drop_off_percent = p.percent("drop_off_percent", &self.drop_off_percent);
        p.finish(EffectRow {
            id: 0,
            name,
            economic_effect_id,
            unit_cost_id,
            party_id,
            reduction_per_year,
            start_year,
            deadweight_percent,
            attribution_percent,
            displacement_percent,
            drop_off_percent,
        })
    }
}

/// The years a satsning's calculation covers: its first year to ten years after its last.
pub fn horizon(first_year: i32, last_year: i32) -> std::ops::RangeInclusive<i32> {
    first_year..=last_year + calc::MAX_YEARS_AFTER_END
}

/// The satsning's costs per year: its budget per year, or the whole budget in its first year
/// when it has none per year.
pub fn yearly_costs(
    budget_years: &[(i64, i64)],
    budget_sek: i64,
    first_year: i32,
) -> Vec<(i32, f64)> {
    if budget_years.is_empty() {
        if budget_sek > 0 {
            vec![(first_year, budget_sek as f64)]
        } else {
            vec![]
        }
    } else {
        budget_years
            .iter()
            .map(|(year, amount)| (*year as i32, *amount as f64))
            .collect()
    }
}

/// Where the calculation takes a year's cost from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CostSource {
    /// The budget: nothing spent is recorded yet, or less than budgeted in a year still open.
    Budget,
    /// The recorded costs of a closed year (its July–December report was due).
    Actual,
    /// The recorded costs so far of a year still open, already above its budget.
    ActualSoFar,
}

impl CostSource {
    pub fn label(self) -> &'static str {
        match self {
            Self::Budget => "Budget",
            Self::Actual => "Faktisk kostnad",
            Self::ActualSoFar => "Faktisk kostnad hittills (över budget)",
        }
    }
}

/// One year of the calculation's costs: budget, recorded costs and what is counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostYear {
    pub year: i32,
    pub budget: i64,
    /// Faktisk kostnad recorded in the half-year reports, when any is.
    pub actual: Option<i64>,
    pub counted: i64,
    pub source: CostSource,
}

/// The costs the calculation counts, per year: a closed year's recorded costs (a year is closed
/// once the report of its second half-year was due, so its costs are all in), and for a year
/// still open its budget, or what is already spent when that is more. A closed year without
/// recorded costs keeps its budget: no report is not the same as nothing spent.
pub fn cost_years(
    budget: &[(i32, f64)],
    actual: &[(i32, i64)],
    due: &crate::report::half::DueDates,
    today: chrono::NaiveDate,
) -> Vec<CostYear> {
    let mut years: std::collections::BTreeMap<i32, (i64, Option<i64>)> = Default::default();
    for (year, amount) in budget {
        years.entry(*year).or_default().0 += amount.round() as i64;
    }
    for (year, amount) in actual {
        let entry = years.entry(*year).or_default();
        entry.1 = Some(entry.1.unwrap_or(0) + amount);
    }
    years
        .into_iter()
        .map(|(year, (budget, actual))| {
            let closed = crate::report::half::HalfYear::new(year, 2)
                .is_some_and(|second| today > due.due(second));
            let (counted, source) = match actual {
                Some(spent) if closed => (spent, CostSource::Actual),
                Some(spent) if spent > budget => (spent, CostSource::ActualSoFar),
                _ => (budget, CostSource::Budget),
            };
            CostYear {
                year,
                budget,
                actual,
                counted,
                source,
            }
        })
        .collect()
}

/// The calculation from what is stored: each effect row's unit cost moved to the price year.
pub fn build(
    first_year: i32,
    last_year: i32,
    costs: Vec<(i32, f64)>,
    settings: &Settings,
    rows: &[EffectRow],
    unit_costs: &[UnitCost],
    index: &calc::PriceIndex,
) -> Result<calc::Calculation, calc::CalcProblem> {
    let mut effects = Vec::new();
    for row in rows {
        let Some(cost) = unit_costs.iter().find(|c| c.id == row.unit_cost_id) else {
            continue;
        };
        let unit_cost =
            index.convert(cost.cost_sek as f64, cost.price_year, settings.price_year)?;
        effects.push(calc::Effect {
            reduction_per_year: row.reduction_per_year,
            unit_cost,
            start_year: row.start_year,
            deadweight: row.deadweight_percent / 100.0,
            attribution: row.attribution_percent / 100.0,
            displacement: row.displacement_percent / 100.0,
            drop_off: row.drop_off_percent / 100.0,
        });
    }
    Ok(calc::Calculation {
        first_year,
        last_year,
        costs,
        effects,
        discount_rate: settings.discount_rate_percent / 100.0,
    })
}

/// The cumulative cost-against-savings chart: both present values summed year by year, in
/// thousands of kronor (the lines cross at the break-even year).
pub fn cumulative_chart(outcome: &calc::Outcome) -> crate::chart::MultiSeries {
    let thousands = |v: i64| Some(v as f64 / 1000.0);
    crate::chart::MultiSeries {
        title: "Kostnader och besparingar, nuvärde ackumulerat".into(),
        unit: "tkr".into(),
        labels: outcome.years.iter().map(|y| y.year.to_string()).collect(),
        series: vec![
            (
                "Kostnader".into(),
                outcome
                    .years
                    .iter()
                    .map(|y| thousands(y.cumulative_cost))
                    .collect(),
            ),
            (
                "Besparingar".into(),
                outcome
                    .years
                    .iter()
                    .map(|y| thousands(y.cumulative_savings))
                    .collect(),
            ),
        ],
    }
}

/// Uppmätt minskning: how far an effektmått has moved in its good direction since its
/// baseline (baseline − latest where lower is better, latest − baseline where higher is);
/// `None` for a measure judged by an interval, or without a baseline or a reported value.
pub fn measured_reduction(
    direction: crate::schema::Direction,
    baseline: Option<f64>,
    latest: Option<f64>,
) -> Option<f64> {
    use crate::schema::Direction;
    let (baseline, latest) = (baseline?, latest?);
    match direction {
        Direction::Lower => Some(baseline - latest),
        Direction::Higher => Some(latest - baseline),
        Direction::Within => None,
    }
}

/// Utfall mot prognos for one effect row: the forecast reduction beside the measured one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub row_id: i64,
    pub name: String,
    /// "E1 Antal placerade barn".
    pub measure: String,
    pub unit: String,
    pub baseline: f64,
    pub latest: f64,
    /// Forecast reduction per year.
    pub forecast: f64,
    /// Measured reduction (baseline to latest).
    pub measured: f64,
}

/// The rows with each followed-up row's measured reduction in place of its forecast.
pub fn with_measured(rows: &[EffectRow], follow_ups: &[FollowUp]) -> Vec<EffectRow> {
    rows.iter()
        .map(|row| match follow_ups.iter().find(|f| f.row_id == row.id) {
            Some(follow_up) => EffectRow {
                reduction_per_year: follow_up.measured,
                ..row.clone()
            },
            None => row.clone(),
        })
        .collect()
}

/// Every post's name once, sorted.
pub fn posts(costs: &[UnitCost]) -> Vec<String> {
    let mut posts: Vec<String> = costs.iter().map(|c| c.post.clone()).collect();
    posts.sort();
    posts.dedup();
    posts
}

/// The post whose cost development to show: `wanted` if the register has it, else the post
/// with the most price years (the first by name among equals).
pub fn chosen_post(costs: &[UnitCost], wanted: Option<&str>) -> Option<String> {
    let posts = posts(costs);
    match wanted.filter(|w| posts.iter().any(|p| p == w)) {
        Some(post) => Some(post.to_string()),
        None => posts
            .iter()
            .rev()
            .max_by_key(|p| cost_development(costs, p).len())
            .cloned(),
    }
}

/// The cost-development chart of one post.
pub fn development_chart(post: &str, years: &[(i32, i64)]) -> crate::chart::MultiSeries {
    crate::chart::MultiSeries {
        title: format!("Kostnadsutveckling: {post}"),
        unit: "kr".into(),
        labels: years.iter().map(|(y, _)| y.to_string()).collect(),
        series: vec![(
            post.to_string(),
            years.iter().map(|(_, c)| Some(*c as f64)).collect(),
        )],
    }
}

/// One post's cost over the years, in price-year order: (year, kronor).
pub fn cost_development(costs: &[UnitCost], post: &str) -> Vec<(i32, i64)> {
    let mut years: Vec<(i32, i64)> = costs
        .iter()
        .filter(|c| c.post == post)
        .map(|c| (c.price_year, c.cost_sek))
        .collect();
    years.sort_unstable();
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> UnitCostForm {
        UnitCostForm {
            post: "Placering HVB, barn".into(),
            area: "ifo".into(),
            unit: "per dygn".into(),
            cost_sek: "4 100".into(),
            price_year: "2024".into(),
            source: "KPB".into(),
            comment: String::new(),
            volume: "12 000".into(),
            overhead_percent: "8,5".into(),
        }
    }

    #[test]
    fn a_unit_cost_is_read_the_swedish_way() {
        let input = UnitCostInput::parse(&form()).unwrap();
        assert_eq!(input.cost_sek, 4100);
        assert_eq!(input.price_year, 2024);
        assert_eq!(input.internal.volume, Some(12_000.0));
        assert_eq!(input.internal.overhead_percent, Some(8.5));
        let plain = UnitCostInput::parse(&UnitCostForm {
            volume: String::new(),
            overhead_percent: String::new(),
            ..form()
        })
        .unwrap();
        assert_eq!(plain.internal, Internal::default());
    }

    #[test]
    fn every_bad_field_of_a_unit_cost_gets_its_message() {
        let error = UnitCostInput::parse(&UnitCostForm {
            post: " ".into(),
            area: "okand".into(),
            unit: String::new(),
            cost_sek: "4,5 tusen".into(),
            price_year: "24".into(),
            volume: "-3".into(),
            overhead_percent: "x".into(),
            ..form()
        })
        .unwrap_err();
        for field in [
            "post",
            "area",
            "unit",
            "cost_sek",
            "price_year",
            "volume",
            "overhead_percent",
        ] {
            assert!(
                error.message_for(&format!("cost[{field}]")).is_some(),
                "{field}: {error:?}"
            );
        }
        assert_eq!(error.status_code(), 400);
    }

    #[test]
    fn index_and_settings_forms() {
        let ok = IndexForm {
            year: "2024".into(),
            value: "412,6".into(),
        };
        assert_eq!(ok.parse().unwrap(), (2024, 412.6));
        let zero = IndexForm {
            year: "2024".into(),
            value: "0".into(),
        };
        assert!(
            zero.parse()
                .unwrap_err()
                .message_for("index[value]")
                .is_some()
        );
        let empty = IndexForm::default().parse().unwrap_err();
        assert!(empty.message_for("index[year]").is_some());
        assert!(empty.message_for("index[value]").is_some());
        let settings = SettingsForm {
            price_year: "2024".into(),
            discount_rate_percent: "3,5".into(),
        };
        assert_eq!(settings.parse().unwrap(), (2024, 3.5));
        let high = SettingsForm {
            discount_rate_percent: "35".into(),
            ..settings
        };
        assert!(
            high.parse()
                .unwrap_err()
                .message_for("settings[discount_rate_percent]")
                .is_some()
        );
    }

    #[test]
    fn an_effect_row_may_only_refer_to_its_own_satsning_and_organisation() {
        let choices = EffectChoices {
            effects: &[7],
            unit_costs: &[3],
            parties: &[5],
            years: 2020..=2031,
        };
        let form = EffectRowForm {
            name: "Färre placeringar".into(),
            economic_effect_id: "7".into(),
            unit_cost_id: "3".into(),
            party_id: "5".into(),
            reduction_per_year: "2,5".into(),
            start_year: "2021".into(),
            deadweight_percent: "20".into(),
            attribution_percent: String::new(),
            displacement_percent: "10".into(),
            drop_off_percent: "5".into(),
        };
        let row = form.parse(&choices).unwrap();
        assert_eq!(row.reduction_per_year, 2.5);
        assert_eq!(row.attribution_percent, 0.0);
        assert_eq!(row.economic_effect_id, Some(7));
        let foreign = EffectRowForm {
            economic_effect_id: "8".into(),
            unit_cost_id: "4".into(),
            party_id: "6".into(),
            start_year: "2040".into(),
            deadweight_percent: "120".into(),
            ..form
        };
        let error = foreign.parse(&choices).unwrap_err();
        for field in [
            "economic_effect_id",
            "unit_cost_id",
            "party_id",
            "start_year",
            "deadweight_percent",
        ] {
            assert!(
                error.message_for(&format!("effect[{field}]")).is_some(),
                "{field}"
            );
        }
    }

    #[test]
    fn the_measured_change_counts_in_the_measures_good_direction() {
        use crate::schema::Direction;
        assert_eq!(
            measured_reduction(Direction::Lower, Some(12.0), Some(9.0)),
            Some(3.0)
        );
        assert_eq!(
            measured_reduction(Direction::Higher, Some(40.0), Some(46.5)),
            Some(6.5)
        );
        assert_eq!(
            measured_reduction(Direction::Lower, Some(9.0), Some(12.0)),
            Some(-3.0)
        );
        assert_eq!(
            measured_reduction(Direction::Within, Some(1.0), Some(2.0)),
            None
        );
        assert_eq!(measured_reduction(Direction::Lower, None, Some(2.0)), None);
        assert_eq!(measured_reduction(Direction::Lower, Some(2.0), None), None);
    }

    #[test]
    fn the_calculation_prices_rows_in_the_price_year() {
        let cost = UnitCost {
            id: 3,
            post: "Placering".into(),
            area: "ifo".into(),
            unit: "per år".into(),
            cost_sek: 100_000,
            price_year: 2020,
            source: String::new(),
            comment: String::new(),
            internal: None,
            is_example: false,
        };
        let row = EffectRow {
            id: 1,
            name: "Färre placeringar".into(),
            economic_effect_id: None,
            unit_cost_id: 3,
            party_id: None,
            reduction_per_year: 1.0,
            start_year: 2021,
            deadweight_percent: 50.0,
            attribution_percent: 0.0,
            displacement_percent: 0.0,
            drop_off_percent: 0.0,
        };
        let index = calc::PriceIndex([(2020, 100.0), (2024, 120.0)].into_iter().collect());
        let settings = Settings {
            price_year: 2024,
            discount_rate_percent: 0.0,
            saved: true,
        };
        let costs = yearly_costs(&[], 500_000, 2020);
        let calc = build(
            2020,
            2021,
            costs,
            &settings,
            std::slice::from_ref(&row),
            std::slice::from_ref(&cost),
            &index,
        )
        .unwrap();
        // 100 000 × 1,2 × 0,5 = 60 000 a year, 2021–2031.
        let outcome = calc.evaluate();
        assert_eq!(outcome.pv_savings, 660_000);
        assert_eq!(outcome.pv_costs, 500_000);
        assert!(outcome.meets);
        let missing = Settings {
            price_year: 2023,
            ..settings
        };
        assert_eq!(
            build(2020, 2021, vec![], &missing, &[row], &[cost], &index).unwrap_err(),
            calc::CalcProblem::MissingIndex(2023)
        );
        assert_eq!(
            yearly_costs(&[(2020, 5), (2021, 7)], 12, 2020),
            vec![(2020, 5.0), (2021, 7.0)]
        );
    }

    #[test]
    fn a_closed_year_counts_what_was_spent_and_an_open_one_its_budget_unless_spent_is_more() {
        let due = crate::report::half::DueDates::default();
        let budget = [(2024, 100.0), (2025, 100.0), (2026, 100.0), (2027, 100.0)];
        // 2024 closed and under budget, 2025 open until 28 February 2026, 2026 over budget
        // already, 2027 nothing spent, 2023 spent before the budget's first year.
        let actual = [(2023, 7), (2024, 80), (2025, 60), (2026, 130)];
        let on = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let counted = |today| {
            cost_years(&budget, &actual, &due, today)
                .into_iter()
                .map(|c| (c.year, c.counted, c.source))
                .collect::<Vec<_>>()
        };
        use CostSource::*;
        assert_eq!(
            counted(on(2026, 2, 28)),
            vec![
                (2023, 7, Actual),
                (2024, 80, Actual),
                (2025, 100, Budget),
                (2026, 130, ActualSoFar),
                (2027, 100, Budget),
            ]
        );
        // The day after the July–December report of 2025 was due, 2025 is closed.
        assert_eq!(counted(on(2026, 3, 1))[2], (2025, 60, Actual));
        let rows = cost_years(&budget, &[], &due, on(2030, 1, 1));
        assert!(
            rows.iter()
                .all(|c| c.source == Budget && c.actual.is_none())
        );
        assert_eq!(rows.iter().map(|c| c.counted).sum::<i64>(), 400);
    }
}
