//! Dashboards: the traffic light of a measure and of a satsning, budget against elapsed time,
//! and a measure's chart data (pure; unit-tested). Server functions in `api.rs`, pages in
//! `ui.rs`; the SQL they need lives with the schema and the reporting.

pub mod api;
#[cfg(feature = "ssr")]
pub mod cache;
pub mod comparison;
#[cfg(feature = "ssr")]
pub mod portfolio;
pub mod ui;

/// The portfolio's filters and sort order, as the query string gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    pub status: Option<String>,
    pub part: Option<i64>,
    pub lead: Option<i64>,
    pub light: Option<String>,
    pub sort: Option<String>,
    /// Uppföljning: an ended satsning's follow-up state ("forfallen", "klar", "kommande").
    pub follow_up: Option<String>,
}

/// The query-string names of the portfolio's filters.
const FILTER_KEYS: [&str; 6] = [
    "status",
    "part",
    "projektledare",
    "ljus",
    "sortera",
    "uppfoljning",
];

impl Filter {
    /// Problems first: what `/oversikt` shows with no filter in the address — the ongoing
    /// satsningar, worst light first.
    pub fn problems_first() -> Filter {
        Filter {
            status: Some(crate::initiative::Status::Running.as_db().into()),
            sort: Some("ljus".into()),
            ..Filter::default()
        }
    }

    /// The filter of a query string (`get` reads one parameter). No filter parameter at all
    /// means [`Filter::problems_first`]; an empty one ("Alla") means no restriction.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Filter {
        if FILTER_KEYS.iter().all(|key| get(key).is_none()) {
            return Filter::problems_first();
        }
        let text = |key: &str| get(key).filter(|v| !v.is_empty());
        Filter {
            status: text("status"),
            part: text("part").and_then(|v| v.parse().ok()),
            lead: text("projektledare").and_then(|v| v.parse().ok()),
            light: text("ljus"),
            sort: text("sortera"),
            follow_up: text("uppfoljning"),
        }
    }

    /// The query string of this filter with the light set to `light`: every parameter
    /// written out (empty for "Alla"), so it never falls back to the default view.
    pub fn query_with_light(&self, light: Light) -> String {
        let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        format!(
            "status={}&part={}&projektledare={}&ljus={}&sortera={}&uppfoljning={}",
            text(&self.status),
            id(self.part),
            id(self.lead),
            light.as_param(),
            text(&self.sort),
            text(&self.follow_up)
        )
    }
}

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::report::{MonthStatus, Period};
use crate::schema::{Direction, Measure};

use crate::light::Light;

/// How far `value` falls short of `target` in the measure's bad direction (0 when on target).
fn shortfall(direction: Direction, value: f64, target: f64) -> f64 {
    match direction {
        Direction::Higher => (target - value).max(0.0),
        Direction::Lower => (value - target).max(0.0),
        Direction::Within => (value - target).abs(),
    }
}

/// How far the measure's `value` on `date` misses: below (or above) the target line, or for a
/// measure "inom intervall" outside its interval (0 inside it; the target line is not needed).
/// A measure "inom intervall" saved before intervals existed has none: then the distance from
/// its target line, either way. `None` when there is nothing to judge against.
fn miss(measure: &Measure, date: NaiveDate, value: f64) -> Option<f64> {
    match (measure.direction, measure.interval) {
        (Direction::Within, Some((lower, upper))) => {
            Some((lower - value).max(0.0).max(value - upper))
        }
        _ => {
            let target = crate::report::target_on(measure, date)?;
            Some(shortfall(measure.direction, value, target))
        }
    }
}

/// Why a measure not on target has its light, with the numbers: "7 personer mot målkurvan
/// 11,4 i oktober 2026 — under gul tolerans (2)", or for one "inom intervall" "35 dagar mot
/// intervallet 20–30 i oktober 2026 — utanför gul tolerans (2)". `None` when it is on target
/// (or has none).
pub fn light_reason(measure: &Measure, period: Period, value: f64) -> Option<String> {
    let light = measure_light(measure, Some((period.last_day(), value)));
    let (tolerance, colour) = match light {
        Light::Red => (measure.tolerance_red, "röd"),
        Light::Yellow => (measure.tolerance_yellow, "gul"),
        Light::Green | Light::Unknown => return None,
    };
    let side = match measure.direction {
        Direction::Higher => "under",
        Direction::Lower => "över",
        Direction::Within => "utanför",
    };
    let number = |v: f64| crate::report::format_value(measure.value_type, v);
    let against = match (measure.direction, measure.interval) {
        (Direction::Within, Some((lower, upper))) => {
            format!("intervallet {}–{}", number(lower), number(upper))
        }
        _ => format!(
            "målkurvan {}",
            number(crate::report::target_on(measure, period.last_day())?)
        ),
    };
    let tolerance = tolerance.map_or(String::new(), |t| format!(" ({})", number(t)));
    Some(format!(
        "{} mot {against} i {} — {side} {colour} tolerans{tolerance}",
        crate::report::with_unit(measure, value),
        period.label(),
    ))
}

/// The worst measure light of each satsning among `judged` (satsning, measure, latest value).
pub fn worst_measure_lights(
    judged: &[(i64, Measure, (Period, f64))],
) -> std::collections::HashMap<i64, Light> {
    let mut worst = std::collections::HashMap::new();
    for (initiative, m, (period, value)) in judged {
        let light = measure_light(m, Some((period.last_day(), *value)));
        let entry = worst.entry(*initiative).or_insert(Light::Unknown);
        *entry = (*entry).max(light);
    }
    worst
}

/// Each measure's latest value with its light and a sparkline of its last twelve values, from
/// `values` as (measure id, period, value) in period order. Measures without a value are left
/// out.
pub fn latest_values(
    measures: &[Measure],
    values: &[(i64, Period, f64)],
) -> Vec<crate::schema::api::LatestValue> {
    measures
        .iter()
        .filter_map(|m| {
            let own: Vec<(Period, f64)> = values
                .iter()
                .filter(|(id, _, _)| *id == m.id)
                .map(|(_, p, v)| (*p, *v))
                .collect();
            let (period, value) = own.last().copied()?;
            let recent: Vec<f64> = own.iter().rev().take(12).rev().map(|(_, v)| *v).collect();
            Some(crate::schema::api::LatestValue {
                measure_id: m.id,
                text: format!(
                    "{} ({})",
                    crate::report::with_unit(m, value),
                    period.label()
                ),
                light: measure_light(m, Some((period.last_day(), value))),
                sparkline: crate::chart::sparkline(&recent),
            })
        })
        .collect()
}

/// A measure's light: its latest value against the target line on that date (for a measure
/// "inom intervall", against its interval). Within the yellow tolerance (0 when none is set) it is green; within the red tolerance yellow; beyond
/// it red (without a red tolerance, never worse than yellow).
pub fn measure_light(measure: &Measure, latest: Option<(NaiveDate, f64)>) -> Light {
    let Some((date, value)) = latest else {
        return Light::Unknown;
    };
    let Some(miss) = miss(measure, date, value) else {
        return Light::Unknown;
    };
    let yellow = measure.tolerance_yellow.unwrap_or(0.0);
    if miss <= yellow + f64::EPSILON {
        Light::Green
    } else if measure
        .tolerance_red
        .is_none_or(|red| miss <= red + f64::EPSILON)
    {
        Light::Yellow
    } else {
        Light::Red
    }
}

/// The reporting light: a month locked without being reported is red, a late one yellow.
pub fn reporting_light(statuses: &[MonthStatus]) -> Light {
    if statuses.is_empty() {
        Light::Unknown
    } else if statuses.iter().any(|s| s.is_locked()) {
        Light::Red
    } else if statuses.contains(&MonthStatus::Late) {
        Light::Yellow
    } else {
        Light::Green
    }
}

/// Budget against time: how much of the period has passed and (once costs are recorded) how
/// much of the budget is spent, both in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetBurn {
    pub elapsed_percent: u8,
    pub spent_percent: Option<u8>,
}

impl BudgetBurn {
    pub fn new(budget_sek: i64, spent_sek: Option<i64>, elapsed_percent: u8) -> Self {
        Self {
            elapsed_percent,
            spent_percent: spent_sek.filter(|_| budget_sek > 0).map(|spent| {
                ((spent.max(0) as f64 / budget_sek as f64) * 100.0)
                    .round()
                    .min(255.0) as u8
            }),
        }
    }

    /// Spending more than ten percentage points ahead of time is worth a look.
    pub fn is_ahead_of_time(&self) -> bool {
        self.spent_percent
            .is_some_and(|spent| spent > self.elapsed_percent.saturating_add(10))
    }
}

pub use crate::report::chart::{chart_data, make_cumulative, measure_periods, period_label};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::ChartKind;
    use crate::schema::MeasureKind;

    /// The deviation rule "Utanför mål" and the traffic light judge a value the same way.
    #[test]
    fn the_off_target_rule_agrees_with_the_traffic_light() {
        use crate::deviation::rules::{MeasureInput, off_target};
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for direction in [Direction::Higher, Direction::Lower, Direction::Within] {
            let m = Measure {
                direction,
                baseline: Some((50.0, day(2020, 1, 1))),
                target: Some((50.0, day(2020, 1, 2))),
                tolerance_yellow: Some(5.0),
                tolerance_red: Some(10.0),
                ..Measure::example(2)
            };
            for step in 0..=100 {
                let value = step as f64;
                let points = [(Period::parse("2026-10").unwrap(), value)];
                let input = MeasureInput {
                    measure: &m,
                    points: &points,
                    indicator: None,
                };
                let light = measure_light(&m, Some((points[0].0.last_day(), value)));
                let flagged = off_target(&input, &crate::deviation::Thresholds::default())
                    .map(|f| f.severity.light());
                assert_eq!(
                    flagged.unwrap_or(Light::Green),
                    light,
                    "{direction:?} {value}"
                );
            }
        }
    }

    #[test]
    fn the_portfolio_without_filters_puts_problems_first() {
        let none = Filter::from_query(|_| None);
        assert_eq!(none, Filter::problems_first());
        assert_eq!(none.status.as_deref(), Some("pagaende"));
        // "Alla" is an empty parameter: no restriction, and no default either.
        let all = Filter::from_query(|k| (k == "status").then(String::new));
        assert_eq!(all, Filter::default());
        let red = Filter::from_query(|k| (k == "ljus").then(|| "rod".to_string()));
        assert_eq!((red.light.as_deref(), red.status), (Some("rod"), None));
        assert_eq!(
            none.query_with_light(Light::Yellow),
            "status=pagaende&part=&projektledare=&ljus=gul&sortera=ljus&uppfoljning="
        );
        let due = Filter::from_query(|k| (k == "uppfoljning").then(|| "forfallen".to_string()));
        assert_eq!(
            (due.follow_up.as_deref(), due.status),
            (Some("forfallen"), None),
            "the follow-up filter looks at every status"
        );
    }

    #[test]
    fn a_light_states_its_numbers_and_rule() {
        let m = Measure {
            unit: "personer".into(),
            baseline: Some((10.0, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())),
            target: Some((10.0, NaiveDate::from_ymd_opt(2027, 12, 31).unwrap())),
            tolerance_yellow: Some(1.0),
            tolerance_red: Some(3.0),
            ..Measure::example(1)
        };
        let october = Period::new(2026, 10).unwrap();
        assert_eq!(
            light_reason(&m, october, 8.0).unwrap(),
            "8 personer mot målkurvan 10 i oktober 2026 — under gul tolerans (1)"
        );
        let red = light_reason(&m, october, 5.0).unwrap();
        assert!(red.ends_with("under röd tolerans (3)"), "{red}");
        assert_eq!(light_reason(&m, october, 10.0), None, "on target");
        let lower = Measure {
            direction: Direction::Lower,
            ..m
        };
        assert!(
            light_reason(&lower, october, 15.0)
                .unwrap()
                .contains("över röd tolerans")
        );
    }
    use crate::schema::ValueType;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn measure(direction: Direction) -> Measure {
        Measure {
            kind: MeasureKind::Effect,
            code: "E1".into(),
            name: "Andel".into(),
            unit: "%".into(),
            value_type: ValueType::Share,
            direction,
            baseline: Some((40.0, date(2026, 1, 1))),
            target: Some((80.0, date(2027, 1, 1))),
            tolerance_yellow: Some(5.0),
            tolerance_red: Some(15.0),
            ..Measure::example(1)
        }
    }

    #[test]
    fn lights_follow_the_tolerance_bands() {
        let m = measure(Direction::Higher);
        let on = date(2027, 1, 1); // target 80
        assert_eq!(measure_light(&m, Some((on, 90.0))), Light::Green);
        assert_eq!(measure_light(&m, Some((on, 75.0))), Light::Green);
        assert_eq!(measure_light(&m, Some((on, 70.0))), Light::Yellow);
        assert_eq!(measure_light(&m, Some((on, 64.0))), Light::Red);
        assert_eq!(measure_light(&m, None), Light::Unknown);
        // Halfway along the line the target is 60.
        assert_eq!(
            measure_light(&m, Some((date(2026, 7, 2), 58.0))),
            Light::Green
        );
        let lower = measure(Direction::Lower);
        assert_eq!(measure_light(&lower, Some((on, 70.0))), Light::Green);
        assert_eq!(measure_light(&lower, Some((on, 90.0))), Light::Yellow);
        let within = measure(Direction::Within);
        assert_eq!(measure_light(&within, Some((on, 86.0))), Light::Yellow);
        // With its interval, a measure "inom intervall" is judged by the distance outside it,
        // with or without a target line.
        let interval = Measure {
            interval: Some((60.0, 70.0)),
            target: None,
            ..measure(Direction::Within)
        };
        assert_eq!(measure_light(&interval, Some((on, 61.0))), Light::Green);
        assert_eq!(measure_light(&interval, Some((on, 74.0))), Light::Green);
        assert_eq!(measure_light(&interval, Some((on, 52.0))), Light::Yellow);
        assert_eq!(measure_light(&interval, Some((on, 86.0))), Light::Red);
        let october = Period::new(2026, 10).unwrap();
        assert_eq!(
            light_reason(&interval, october, 52.0).unwrap(),
            "52 % mot intervallet 60–70 i oktober 2026 — utanför gul tolerans (5)"
        );
        let untargeted = Measure {
            target: None,
            ..measure(Direction::Higher)
        };
        assert_eq!(measure_light(&untargeted, Some((on, 1.0))), Light::Unknown);
        let no_red = Measure {
            tolerance_red: None,
            ..measure(Direction::Higher)
        };
        assert_eq!(measure_light(&no_red, Some((on, 0.0))), Light::Yellow);
        assert_eq!(
            [Light::Green, Light::Red, Light::Unknown].into_iter().max(),
            Some(Light::Red)
        );
    }

    #[test]
    fn reporting_and_budget() {
        use MonthStatus::*;
        assert_eq!(reporting_light(&[Reported, Started]), Light::Green);
        assert_eq!(reporting_light(&[Reported, Late]), Light::Yellow);
        assert_eq!(reporting_light(&[Late, Locked]), Light::Red);
        assert_eq!(reporting_light(&[Reported, LockedStarted]), Light::Red);
        assert_eq!(reporting_light(&[]), Light::Unknown);
        let burn = BudgetBurn::new(1_000_000, Some(600_000), 40);
        assert_eq!(burn.spent_percent, Some(60));
        assert!(burn.is_ahead_of_time());
        assert!(!BudgetBurn::new(1_000_000, Some(450_000), 40).is_ahead_of_time());
        assert_eq!(BudgetBurn::new(0, Some(5), 40).spent_percent, None);
        assert_eq!(BudgetBurn::new(100, None, 40).spent_percent, None);
    }

    #[test]
    fn chart_data_has_gaps_target_line_and_band() {
        let m = measure(Direction::Higher);
        let periods = Period::range(
            Period::parse("2026-01").unwrap(),
            Period::parse("2026-04").unwrap(),
        );
        let data = chart_data(&m, &periods, &[(periods[0], 41.0), (periods[2], 52.0)]);
        assert_eq!(data.kind, ChartKind::Line);
        assert_eq!(data.actual, [Some(41.0), None, Some(52.0), None]);
        assert_eq!(data.labels[0], "jan 26");
        let target_jan = data.target[0].unwrap();
        assert!(
            (target_jan - 43.3).abs() < 0.1,
            "end of January: {target_jan}"
        );
        let (lower, upper) = data.band.unwrap();
        assert_eq!(upper[0], data.target[0]);
        assert_eq!(lower[0].unwrap(), data.target[0].unwrap() - 5.0);
        let bars = chart_data(
            &Measure {
                kind: MeasureKind::Activity,
                ..m
            },
            &periods,
            &[],
        );
        assert_eq!(bars.kind, ChartKind::Bars);
        assert!(bars.is_empty());
        let mut counts = chart_data(
            &Measure {
                kind: MeasureKind::Activity,
                ..measure(Direction::Higher)
            },
            &periods,
            &[(periods[0], 3.0), (periods[1], 4.0), (periods[3], 5.0)],
        );
        make_cumulative(&mut counts);
        assert_eq!(counts.actual, [Some(3.0), Some(7.0), None, Some(12.0)]);
    }
}
