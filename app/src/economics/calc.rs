//! Kalkylen: a satsning's costs against the savings its effects are expected to bring, as plain
//! arithmetic over plain data (no I/O; unit- and property-tested).
//!
//! * **Effektvärde per år** = minskning (units per year) × enhetskostnad (in the calculation's
//!   price year, see [`PriceIndex::convert`]) × (1 − dödviktsandel) × (1 − attribution) ×
//!   (1 − undanträngning) × (1 − avtagande)^(years since the effect's start year). The SROI
//!   guide's value chain; the Swedish socio-economic models leave out deadweight, which is why
//!   it is here.
//! * **Horisont**: from the satsning's first year to at most [`MAX_YEARS_AFTER_END`] years after
//!   its last (Örebro's rule). Savings after that are never counted, however long an effect
//!   would last.
//! * **Diskontering**: a real rate (default [`DEFAULT_DISCOUNT_RATE_PERCENT`]); the first year
//!   of the satsning is year 0 and is not discounted. Costs are the budget per year, taken to
//!   be in the calculation's price year.
//! * **Avrundning**: the calculation runs in `f64` kronor. Only what is shown is rounded, to
//!   whole kronor half away from zero (`f64::round`): present values, net and year rows. The
//!   verdict compares the *rounded* present values, so what the page shows and the verdict
//!   always agree.
//! * **Kravet**: the savings' present value is at least the costs' and is above zero (a
//!   calculation without any effect never meets the requirement, even when it costs nothing).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Savings are counted for at most this many years after the satsning's last year.
pub const MAX_YEARS_AFTER_END: i32 = 10;

/// The usual real discount rate of Swedish and UK public-sector appraisal, in per cent.
pub const DEFAULT_DISCOUNT_RATE_PERCENT: f64 = 3.5;

/// How much the sensitivity table moves each parameter.
pub const EFFECT_STEP: f64 = 0.20;
pub const RATE_STEP: f64 = 0.01;
pub const DEADWEIGHT_STEP: f64 = 0.10;

/// Why a calculation cannot be made, in Swedish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CalcProblem {
    #[error("Prisindex saknas för {0}. Lägg in indexvärdet för året under Enhetskostnader.")]
    MissingIndex(i32),
}

/// Prisindex: year → index value (e.g. KPI), used to move an amount from one price year to
/// another.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceIndex(pub BTreeMap<i32, f64>);

impl PriceIndex {
    /// `amount` in `from` year's prices, expressed in `to` year's: amount × index(to) /
    /// index(from). The same year needs no index at all.
    pub fn convert(&self, amount: f64, from: i32, to: i32) -> Result<f64, CalcProblem> {
        if from == to {
            return Ok(amount);
        }
        let index = |year| {
            self.0
                .get(&year)
                .copied()
                .filter(|v| *v > 0.0)
                .ok_or(CalcProblem::MissingIndex(year))
        };
        Ok(amount * index(to)? / index(from)?)
    }
}

/// Effektrad: one priced effect, its shares as fractions (0,2 = 20 %).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// Minskning per år: units fewer per year (e.g. 3 placements); negative means more.
    pub reduction_per_year: f64,
    /// Enhetskostnad in the calculation's price year, kronor per unit.
    pub unit_cost: f64,
    /// The first year the effect is there.
    pub start_year: i32,
    /// Dödvikt: the share that would have happened anyway.
    pub deadweight: f64,
    /// Attribution: the share owed to others than the satsning.
    pub attribution: f64,
    /// Undanträngning: the share that only moves the cost elsewhere.
    pub displacement: f64,
    /// Avtagande: how much the effect falls each year after the first.
    pub drop_off: f64,
}

impl Effect {
    /// The effect's saving in `year`, in kronor (zero before its start year).
    pub fn value_in(&self, year: i32) -> f64 {
        if year < self.start_year {
            return 0.0;
        }
        let kept = (1.0 - self.deadweight) * (1.0 - self.attribution) * (1.0 - self.displacement);
        let age = year - self.start_year;
        self.reduction_per_year * self.unit_cost * kept * (1.0 - self.drop_off).powi(age)
    }
}

/// Kalkyl: what the calculation needs, already in one price year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calculation {
    /// The satsning's first and last year.
    pub first_year: i32,
    pub last_year: i32,
    /// Kostnader per år (kronor).
    pub costs: Vec<(i32, f64)>,
    pub effects: Vec<Effect>,
    /// Diskonteringsränta as a fraction (0,035 = 3,5 %).
    pub discount_rate: f64,
}

/// One year of the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearRow {
    pub year: i32,
    /// Cost and savings that year, undiscounted, whole kronor.
    pub cost: i64,
    pub savings: i64,
    /// Running totals of the present values up to and including this year, whole kronor.
    pub cumulative_cost: i64,
    pub cumulative_savings: i64,
}

/// Resultat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub years: Vec<YearRow>,
    /// Nuvärde of the costs and of the savings, whole kronor.
    pub pv_costs: i64,
    pub pv_savings: i64,
    /// Netto = savings − costs.
    pub net: i64,
    /// Break-even: the first year the discounted savings so far cover the discounted costs so far.
    pub break_even_year: Option<i32>,
    /// Uppfyller kravet: besparingar ≥ kostnad (and some saving at all).
    pub meets: bool,
}

impl Calculation {
    /// The years the calculation counts: the satsning's first year to ten years after its last.
    pub fn horizon(&self) -> std::ops::RangeInclusive<i32> {
        self.first_year..=self.last_year + MAX_YEARS_AFTER_END
    }

    /// Diskonteringsfaktor for `year`: 1 / (1 + r)^(year − first year).
    pub fn discount_factor(&self, year: i32) -> f64 {
        (1.0 + self.discount_rate).powi(-(year - self.first_year))
    }

    fn cost_in(&self, year: i32) -> f64 {
        self.costs
            .iter()
            .filter(|(y, _)| *y == year)
            .map(|(_, a)| a)
            .sum()
    }

    fn savings_in(&self, year: i32) -> f64 {
        self.effects.iter().map(|e| e.value_in(year)).sum()
    }

    /// Present value of the savings within the horizon, unrounded kronor.
    pub fn pv_savings(&self) -> f64 {
        self.horizon()
            .map(|y| self.savings_in(y) * self.discount_factor(y))
            .sum()
    }

    /// Present value of the costs within the horizon, unrounded kronor. (A cost outside the
    /// horizon, before the start, is counted in the first year: nothing is left out.)
    pub fn pv_costs(&self) -> f64 {
        self.costs
            .iter()
            .map(|(y, a)| a * self.discount_factor((*y).max(self.first_year)))
            .sum()
    }

    /// The whole result: per year, present values, net, break-even year and verdict.
    pub fn evaluate(&self) -> Outcome {
        let mut years = Vec::new();
        let (mut cumulative_cost, mut cumulative_savings) = (0.0, 0.0);
        let mut break_even_year = None;
        let early: f64 = self
            .costs
            .iter()
            .filter(|(y, _)| *y < self.first_year)
            .map(|(_, a)| a)
            .sum();
        for year in self.horizon() {
            let factor = self.discount_factor(year);
            let mut cost = self.cost_in(year);
            if year == self.first_year {
                cost += early;
            }
            let savings = self.savings_in(year);
            cumulative_cost += cost * factor;
            cumulative_savings += savings * factor;
            if break_even_year.is_none()
                && cumulative_savings > 0.0
                && cumulative_savings.round() >= cumulative_cost.round()
            {
                break_even_year = Some(year);
            }
            years.push(YearRow {
                year,
                cost: cost.round() as i64,
                savings: savings.round() as i64,
                cumulative_cost: cumulative_cost.round() as i64,
                cumulative_savings: cumulative_savings.round() as i64,
            });
        }
        let pv_costs = self.pv_costs().round() as i64;
        let pv_savings = self.pv_savings().round() as i64;
        Outcome {
            years,
            pv_costs,
            pv_savings,
            net: pv_savings - pv_costs,
            break_even_year,
            meets: meets(pv_savings, pv_costs),
        }
    }

    /// The same calculation with every effect scaled by `factor`.
    fn with_effects_scaled(&self, factor: f64) -> Calculation {
        let mut changed = self.clone();
        for effect in &mut changed.effects {
            effect.reduction_per_year *= factor;
        }
        changed
    }

    /// Känslighetsanalys: the verdict with the effects ±20 %, the discount rate ±1 percentage
    /// point (never below zero) and the deadweight ±10 percentage points (kept within 0–100 %).
    pub fn sensitivity(&self) -> Vec<SensitivityRow> {
        let row = |label: String, calc: Calculation| {
            let outcome = calc.evaluate();
            SensitivityRow {
                label,
                pv_costs: outcome.pv_costs,
                pv_savings: outcome.pv_savings,
                net: outcome.net,
                meets: outcome.meets,
            }
        };
        let deadweight = |step: f64| {
            let mut changed = self.clone();
            for effect in &mut changed.effects {
                effect.deadweight = (effect.deadweight + step).clamp(0.0, 1.0);
            }
            changed
        };
        let rate = |step: f64| Calculation {
            discount_rate: (self.discount_rate + step).max(0.0),
            ..self.clone()
        };
        vec![
            row("Grundkalkyl".into(), self.clone()),
            row(
                "Effekterna 20 % mindre".into(),
                self.with_effects_scaled(1.0 - EFFECT_STEP),
            ),
            row(
                "Effekterna 20 % större".into(),
                self.with_effects_scaled(1.0 + EFFECT_STEP),
            ),
            row(
                "Diskonteringsräntan 1 procentenhet lägre".into(),
                rate(-RATE_STEP),
            ),
            row(
                "Diskonteringsräntan 1 procentenhet högre".into(),
                rate(RATE_STEP),
            ),
            row(
                "Dödvikten 10 procentenheter lägre".into(),
                deadweight(-DEADWEIGHT_STEP),
            ),
            row(
                "Dödvikten 10 procentenheter högre".into(),
                deadweight(DEADWEIGHT_STEP),
            ),
        ]
    }

    /// Break-even-effekt: the share of the forecast effects (1,0 = all of them) that makes the
    /// savings exactly cover the costs. Savings are linear in the effects, so it is
    /// PV(costs) / PV(savings). `None` when the effects save nothing (no size of them helps).
    pub fn break_even_effect_share(&self) -> Option<f64> {
        let savings = self.pv_savings();
        (savings > 0.0).then(|| self.pv_costs() / savings)
    }
}

/// One row of the sensitivity table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityRow {
    pub label: String,
    pub pv_costs: i64,
    pub pv_savings: i64,
    pub net: i64,
    pub meets: bool,
}

/// The requirement on rounded present values: savings ≥ costs, and savings above zero.
pub fn meets(pv_savings: i64, pv_costs: i64) -> bool {
    pv_savings > 0 && pv_savings >= pv_costs
}

/// The verdict as the page says it, readable without colour.
pub fn verdict_text(meets: bool) -> &'static str {
    if meets {
        "Uppfyller kravet: besparingar ≥ kostnad: ja"
    } else {
        "Uppfyller kravet: besparingar ≥ kostnad: nej"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect(reduction: f64, unit_cost: f64, start_year: i32) -> Effect {
        Effect {
            reduction_per_year: reduction,
            unit_cost,
            start_year,
            deadweight: 0.0,
            attribution: 0.0,
            displacement: 0.0,
            drop_off: 0.0,
        }
    }

    fn calculation(effects: Vec<Effect>, rate: f64) -> Calculation {
        Calculation {
            first_year: 2020,
            last_year: 2021,
            costs: vec![(2020, 1_000_000.0)],
            effects,
            discount_rate: rate,
        }
    }

    #[test]
    fn the_shares_and_the_drop_off_reduce_the_value_year_by_year() {
        let effect = Effect {
            deadweight: 0.2,
            attribution: 0.25,
            displacement: 0.1,
            drop_off: 0.1,
            ..effect(2.0, 100_000.0, 2021)
        };
        // 2 × 100 000 × 0,8 × 0,75 × 0,9 = 108 000, then 10 % less each year.
        assert_eq!(effect.value_in(2020), 0.0);
        assert!((effect.value_in(2021) - 108_000.0).abs() < 1e-6);
        assert!((effect.value_in(2022) - 97_200.0).abs() < 1e-6);
        assert!((effect.value_in(2023) - 87_480.0).abs() < 1e-6);
    }

    #[test]
    fn a_price_index_moves_a_cost_to_another_year() {
        let index = PriceIndex([(2015, 100.0), (2024, 125.0)].into_iter().collect());
        assert_eq!(index.convert(1000.0, 2015, 2024), Ok(1250.0));
        assert_eq!(index.convert(1250.0, 2024, 2015), Ok(1000.0));
        assert_eq!(index.convert(7.0, 2019, 2019), Ok(7.0));
        assert_eq!(
            index.convert(1000.0, 2015, 2030),
            Err(CalcProblem::MissingIndex(2030))
        );
        assert!(CalcProblem::MissingIndex(2030).to_string().contains("2030"));
    }

    #[test]
    fn undiscounted_savings_over_the_horizon_and_the_break_even_year() {
        // 2020–2021, horizon 2020–2031; 100 000 a year from 2021 is 11 years = 1 100 000.
        let outcome = calculation(vec![effect(1.0, 100_000.0, 2021)], 0.0).evaluate();
        assert_eq!(outcome.years.len(), 12);
        assert_eq!(outcome.years.last().unwrap().year, 2031);
        assert_eq!(outcome.pv_costs, 1_000_000);
        assert_eq!(outcome.pv_savings, 1_100_000);
        assert_eq!(outcome.net, 100_000);
        // Ten years of savings (2021–2030) reach the million.
        assert_eq!(outcome.break_even_year, Some(2030));
        assert!(outcome.meets);
        assert_eq!(
            verdict_text(outcome.meets),
            "Uppfyller kravet: besparingar ≥ kostnad: ja"
        );
    }

    #[test]
    fn discounting_at_ten_per_cent_is_an_annuity() {
        // 100 000 in years 1…11 at 10 %: 100 000 × (1 − 1,1^−11) / 0,1 = 649 506,13…
        let outcome = calculation(vec![effect(1.0, 100_000.0, 2021)], 0.10).evaluate();
        assert_eq!(outcome.pv_savings, 649_506);
        assert_eq!(outcome.pv_costs, 1_000_000);
        assert_eq!(outcome.net, -350_494);
        assert_eq!(outcome.break_even_year, None);
        assert!(!outcome.meets);
        // Costs in the second year are discounted once: 1 000 000 / 1,1 = 909 090,9…
        let later = Calculation {
            costs: vec![(2021, 1_000_000.0)],
            ..calculation(vec![], 0.10)
        };
        assert_eq!(later.evaluate().pv_costs, 909_091);
    }

    #[test]
    fn savings_are_never_counted_beyond_ten_years_after_the_end() {
        let calc = calculation(vec![effect(1.0, 100_000.0, 2031)], 0.0);
        assert_eq!(calc.evaluate().pv_savings, 100_000, "only 2031 is in");
        let calc = calculation(vec![effect(1.0, 100_000.0, 2032)], 0.0);
        assert_eq!(calc.evaluate().pv_savings, 0, "2032 is outside");
        assert!(!calc.evaluate().meets);
    }

    #[test]
    fn the_sensitivity_table_moves_one_thing_at_a_time() {
        let calc = calculation(
            vec![Effect {
                deadweight: 0.5,
                ..effect(2.0, 100_000.0, 2021)
            }],
            0.0,
        );
        // Base: 2 × 100 000 × 0,5 = 100 000 a year, 11 years.
        let rows = calc.sensitivity();
        assert_eq!(rows.len(), 7);
        assert_eq!(rows[0].pv_savings, 1_100_000);
        assert_eq!(rows[1].pv_savings, 880_000);
        assert!(!rows[1].meets);
        assert_eq!(rows[2].pv_savings, 1_320_000);
        // A rate below zero is not used: −1 pp from 0 stays 0.
        assert_eq!(rows[3].pv_savings, 1_100_000);
        assert!(rows[4].pv_savings < 1_100_000);
        // Deadweight 40 % and 60 %: 120 000 and 80 000 a year.
        assert_eq!(rows[5].pv_savings, 1_320_000);
        assert_eq!(rows[6].pv_savings, 880_000);
        // The effects need to be 1 000 000 / 1 100 000 = 90,9 % of the forecast.
        let share = calc.break_even_effect_share().unwrap();
        assert!((share - 1.0 / 1.1).abs() < 1e-9);
        assert_eq!(calculation(vec![], 0.0).break_even_effect_share(), None);
    }

    #[test]
    fn nothing_saved_never_meets_even_when_nothing_is_spent() {
        let free = Calculation {
            costs: vec![],
            ..calculation(vec![], 0.035)
        };
        assert!(!free.evaluate().meets);
        assert!(!meets(0, 0));
        assert!(meets(1, 1));
    }

    #[test]
    fn a_cost_before_the_start_is_counted_in_the_first_year() {
        let calc = Calculation {
            costs: vec![(2019, 500.0), (2020, 500.0)],
            ..calculation(vec![], 0.035)
        };
        let outcome = calc.evaluate();
        assert_eq!(outcome.pv_costs, 1000);
        assert_eq!(outcome.years[0].cost, 1000);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn any_effect() -> impl Strategy<Value = Effect> {
            (
                0.0..50.0f64,
                0.0..2_000_000.0f64,
                2015..2045i32,
                0.0..1.0f64,
                0.0..1.0f64,
                0.0..1.0f64,
                0.0..1.0f64,
            )
                .prop_map(|(reduction, unit_cost, start_year, dw, at, di, drop)| {
                    Effect {
                        reduction_per_year: reduction,
                        unit_cost,
                        start_year,
                        deadweight: dw,
                        attribution: at,
                        displacement: di,
                        drop_off: drop,
                    }
                })
        }

        fn any_calculation() -> impl Strategy<Value = Calculation> {
            (
                2015..2030i32,
                0..5i32,
                prop::collection::vec(any_effect(), 0..4),
                prop::collection::vec((0..6i32, 0.0..5_000_000.0f64), 0..6),
                0.0..0.15f64,
            )
                .prop_map(|(first_year, length, effects, costs, rate)| Calculation {
                    first_year,
                    last_year: first_year + length,
                    costs: costs
                        .into_iter()
                        .map(|(offset, amount)| (first_year + offset, amount))
                        .collect(),
                    effects,
                    discount_rate: rate,
                })
        }

        proptest! {
            #[test]
            fn savings_grow_with_the_quantity(calc in any_calculation(), factor in 1.0..3.0f64) {
                let more = calc.with_effects_scaled(factor);
                prop_assert!(more.pv_savings() >= calc.pv_savings() - 1e-6);
                prop_assert!(more.evaluate().pv_savings >= calc.evaluate().pv_savings);
            }

            #[test]
            fn zero_effect_never_meets_the_requirement(calc in any_calculation()) {
                let none = calc.with_effects_scaled(0.0);
                prop_assert!(!none.evaluate().meets);
                let no_rows = Calculation { effects: vec![], ..calc };
                prop_assert!(!no_rows.evaluate().meets);
            }

            #[test]
            fn a_higher_rate_never_raises_the_present_value_of_savings(
                calc in any_calculation(),
                step in 0.0..0.1f64,
            ) {
                let higher = Calculation { discount_rate: calc.discount_rate + step, ..calc.clone() };
                prop_assert!(higher.pv_savings() <= calc.pv_savings() + 1e-6);
            }

            #[test]
            fn nothing_is_counted_after_ten_years_past_the_end(calc in any_calculation()) {
                let outcome = calc.evaluate();
                prop_assert_eq!(outcome.years.last().map(|r| r.year), Some(calc.last_year + MAX_YEARS_AFTER_END));
                // An effect that starts after the horizon adds nothing.
                let mut late = calc.clone();
                late.effects.push(Effect { start_year: calc.last_year + MAX_YEARS_AFTER_END + 1, ..super::effect(10.0, 1e6, 0) });
                prop_assert_eq!(late.evaluate().pv_savings, outcome.pv_savings);
            }
        }
    }
}
