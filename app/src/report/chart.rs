//! A measure's chart data (pure): the periods it is charted over, its labels, and the series
//! the charts draw (values, target line, tolerance band, baseline). It lives with the reporting
//! so that every concept that shows a measure — the satsning dashboard, the half-year report —
//! draws it the same way without depending on the dashboard.

use super::Period;
use crate::chart::{ChartData, ChartKind};
use crate::schema::{Direction, Measure, MeasureKind};

/// The periods a measure is charted over: its due months among the satsning's months.
pub fn measure_periods(measure: &Measure, months: &[Period]) -> Vec<Period> {
    months
        .iter()
        .copied()
        .filter(|p| super::is_due(measure.frequency, *p))
        .collect()
}

/// A month as a chart labels it: "nov 26".
pub fn period_label(p: Period) -> String {
    format!("{} {}", p.short_month(), p.year() % 100)
}

/// A measure's chart: line for effektmått and indikatorer (values, target line, tolerance
/// band, baseline), bars for aktivitetsmått. Months without a value are gaps, never zeros.
pub fn chart_data(measure: &Measure, periods: &[Period], values: &[(Period, f64)]) -> ChartData {
    let kind = if measure.kind == MeasureKind::Activity {
        ChartKind::Bars
    } else {
        ChartKind::Line
    };
    let labels = periods.iter().map(|p| period_label(*p)).collect();
    let actual = periods
        .iter()
        .map(|p| values.iter().find(|(q, _)| q == p).map(|(_, v)| *v))
        .collect();
    let target: Vec<Option<f64>> = if kind == ChartKind::Line {
        periods
            .iter()
            .map(|p| super::target_on(measure, p.last_day()))
            .collect()
    } else {
        vec![None; periods.len()]
    };
    let interval_band = match (measure.direction, measure.interval) {
        (Direction::Within, Some((lower, upper))) if kind == ChartKind::Line => {
            // The green zone: the interval widened by the yellow tolerance.
            let yellow = measure.tolerance_yellow.unwrap_or(0.0);
            Some((
                vec![Some(lower - yellow); periods.len()],
                vec![Some(upper + yellow); periods.len()],
            ))
        }
        _ => None,
    };
    let band = interval_band.or_else(|| {
        measure
            .tolerance_yellow
            .filter(|_| kind == ChartKind::Line && target.iter().any(Option::is_some))
            .map(|tolerance| {
                let (below, above) = match measure.direction {
                    Direction::Higher => (tolerance, 0.0),
                    Direction::Lower => (0.0, tolerance),
                    Direction::Within => (tolerance, tolerance),
                };
                (
                    target.iter().map(|t| t.map(|t| t - below)).collect(),
                    target.iter().map(|t| t.map(|t| t + above)).collect(),
                )
            })
    });
    ChartData {
        kind,
        title: format!("{} {}", measure.code, measure.name),
        unit: measure.unit.clone(),
        labels,
        actual,
        target,
        band,
        baseline: measure
            .baseline
            .map(|(v, _)| v)
            .filter(|_| kind == ChartKind::Line),
        flagged: Vec::new(),
    }
}

/// Bars as running totals: each reported period shows the sum so far; unreported periods stay
/// gaps (nothing was reported, which is not the same as zero).
pub fn make_cumulative(data: &mut ChartData) {
    let mut total = 0.0;
    for v in data.actual.iter_mut().flatten() {
        total += *v;
        *v = total;
    }
    data.title.push_str(" (kumulativt)");
}
