//! The deviation rules (pure): each is one function over plain data that returns a
//! [`Finding`] — severity and a Swedish explanation with the numbers — or nothing, and each is
//! registered once in [`RULES`]. Adding a rule is one function and one line there.
//!
//! Only unfavourable signals become findings: the measure's direction decides which side is
//! bad. Favourable signals (an improvement) give nothing here.

use chrono::NaiveDate;

use super::spc::{self, RunChart, Side};
use super::{Finding, Severity, Thresholds, half_year};
use crate::report::{MonthStatus, Period, format_value, precision, round_to, target_on, with_unit};
use crate::schema::{Direction, Measure};
use crate::sv::date::long_date;

/// What a measure rule looks at: the measure, its reported values in month order (months
/// without a value are simply absent) and, for an effektmått, the indikator it is read with.
#[derive(Debug, Clone, Copy)]
pub struct MeasureInput<'a> {
    pub measure: &'a Measure,
    pub points: &'a [(Period, f64)],
    /// The first indikator under the effektmått's mål that has values, with its values.
    pub indicator: Option<(&'a Measure, &'a [(Period, f64)])>,
}

/// What a month rule looks at: one reporting month of the satsning.
#[derive(Debug, Clone)]
pub struct MonthInput {
    pub period: Period,
    pub status: MonthStatus,
    pub due_date: NaiveDate,
    pub lock_date: NaiveDate,
    /// Codes of the measures due this month.
    pub due: Vec<String>,
    /// Codes of the due measures without a value.
    pub missing: Vec<String>,
}

/// Spending to date against the budget: the actual costs recorded in the half-year reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spending {
    pub spent_sek: i64,
    pub budget_sek: i64,
    /// How much of the satsning's period has passed, 0–1.
    pub elapsed: f64,
}

/// A half-year report past its due date and not submitted (`super::late_reports`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LateReport {
    pub half: crate::report::half::HalfYear,
    pub due: NaiveDate,
    /// Whole days past the due date, at least 1.
    pub days_late: i64,
}

/// What a satsning rule looks at.
#[derive(Debug, Clone, Default)]
pub struct InitiativeInput {
    /// `None` until actual costs are recorded: the budget rule then has no data and says nothing.
    pub spending: Option<Spending>,
    /// The half-year reports that are overdue, oldest first.
    pub late_reports: Vec<LateReport>,
}

/// How a rule is applied: to each active measure, to each reporting month, or once per
/// satsning.
#[derive(Clone, Copy)]
pub enum Check {
    Measure(fn(&MeasureInput<'_>, &Thresholds) -> Option<Finding>),
    /// A statistical signal over one measure's values: off for a measure that turns its
    /// signals off, and read with the measure's own run length (`schema::Signals`).
    Signal(fn(&MeasureInput<'_>, &Thresholds) -> Option<Finding>),
    Month(fn(&MonthInput, &Thresholds) -> Option<Finding>),
    Initiative(fn(&InitiativeInput, &Thresholds) -> Option<Finding>),
}

/// A registered rule: its stored id, its Swedish name, and what it checks.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stored in `deviation_flag.rule`; never change it once flags exist.
    pub id: &'static str,
    pub label: &'static str,
    /// One sentence for the queue's rule list.
    pub about: &'static str,
    pub check: Check,
}

/// Every rule, in the order the queue's filter lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "saknas",
        label: "Saknas/försenad",
        about: "Värden som skulle ha rapporterats saknas efter sista rapporteringsdag.",
        check: Check::Month(missing),
    },
    Rule {
        id: "utanfor_mal",
        label: "Utanför mål",
        about: "Senaste värdet ligger utanför toleransen kring målkurvan (baslinje → delmål → mål).",
        check: Check::Measure(off_target),
    },
    Rule {
        id: "spc_grans",
        label: "Utanför processgränserna",
        about: "Senaste värdet ligger utanför medelvärdet ± 2,66 × genomsnittligt glidande variationsbredd.",
        check: Check::Signal(outside_limits),
    },
    Rule {
        id: "spc_skift",
        label: "Skift",
        about: "Minst sju värden i rad på samma sida om medelvärdet.",
        check: Check::Signal(shift),
    },
    Rule {
        id: "spc_trend",
        label: "Trend",
        about: "Minst sju värden i rad som stiger eller sjunker.",
        check: Check::Signal(trend),
    },
    Rule {
        id: "serie",
        label: "Serie (Anhøj)",
        about: "Längsta serien på ena sidan om medianen är för lång, eller serien korsar medianen för sällan.",
        check: Check::Signal(run_chart),
    },
    Rule {
        id: "riktning",
        label: "Riktning",
        about: "Effektmåttet och indikatorn pekar åt olika håll under de senaste perioderna.",
        check: Check::Measure(direction),
    },
    Rule {
        id: "budget",
        label: "Budget",
        about: "Utfall hittills över budget × förfluten andel + tolerans. Ingen data ännu: utgifter rapporteras med halvårsredovisningen.",
        check: Check::Initiative(budget),
    },
    Rule {
        id: "rapport",
        label: "Rapport",
        about: "Halvårsredovisningen är inte inskickad fast sista dagen har passerat.",
        check: Check::Initiative(report_overdue),
    },
];

/// The rule stored as `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

fn number(measure: &Measure, value: f64) -> String {
    format_value(measure.value_type, round_to(value, precision(measure)))
}

fn unit(measure: &Measure, value: f64) -> String {
    with_unit(measure, round_to(value, precision(measure)))
}

/// Saknas/försenad: a month past its due date, not marked inrapporterad, with due measures
/// lacking a value. Yellow while it may still be reported, red once it is locked.
pub fn missing(month: &MonthInput, _: &Thresholds) -> Option<Finding> {
    if month.missing.is_empty() {
        return None;
    }
    let severity = match month.status {
        MonthStatus::Late => Severity::Yellow,
        MonthStatus::Locked | MonthStatus::LockedStarted => Severity::Red,
        _ => return None,
    };
    let late = match severity {
        Severity::Yellow => format!(
            "De skulle ha rapporterats senast {}; månaden låses efter {}.",
            long_date(month.due_date),
            long_date(month.lock_date)
        ),
        Severity::Red => format!(
            "De skulle ha rapporterats senast {}, och månaden är låst sedan {}.",
            long_date(month.due_date),
            long_date(month.lock_date)
        ),
    };
    Some(Finding {
        window: month.period.to_string(),
        severity,
        explanation: format!(
            "Värden för {} saknas för {} av {} mått ({}). {late}",
            month.period.label(),
            month.missing.len(),
            month.due.len(),
            month.missing.join(", "),
        ),
        numbers: vec![
            ("saknas".into(), month.missing.len() as f64),
            ("forfallna".into(), month.due.len() as f64),
        ],
        points: vec![month.period],
        provisional: false,
    })
}

/// How far `value` is from `target` on the measure's bad side (0 on target or better).
pub fn shortfall(direction: Direction, value: f64, target: f64) -> f64 {
    match direction {
        Direction::Higher => (target - value).max(0.0),
        Direction::Lower => (value - target).max(0.0),
        Direction::Within => (value - target).abs(),
    }
}

/// The tolerance band `tolerance` around `target` as the explanation writes it: the bound on
/// the bad side ("55 %"), or both for an interval ("55–65 %").
fn band(measure: &Measure, target: f64, tolerance: f64) -> String {
    match measure.direction {
        Direction::Higher => unit(measure, target - tolerance),
        Direction::Lower => unit(measure, target + tolerance),
        Direction::Within => format!(
            "{}–{}",
            number(measure, target - tolerance),
            unit(measure, target + tolerance)
        ),
    }
}

/// Utanför mål: the latest value against the target line on that month's last day, as the
/// charts draw it (baseline → delmål → target). Beyond the yellow tolerance (0 when unset)
/// yellow, beyond the red one red; without a red tolerance never red — the same scale as the
/// traffic light.
pub fn off_target(input: &MeasureInput<'_>, _: &Thresholds) -> Option<Finding> {
    let m = input.measure;
    let &(period, value) = input.points.last()?;
    let target = target_on(m, period.last_day())?;
    let miss = shortfall(m.direction, value, target);
    let yellow = m.tolerance_yellow.unwrap_or(0.0);
    if miss <= yellow + 1e-9 {
        return None;
    }
    let red = m.tolerance_red.filter(|red| miss > red + 1e-9);
    let severity = if red.is_some() {
        Severity::Red
    } else {
        Severity::Yellow
    };
    let side = match m.direction {
        Direction::Higher => "under",
        Direction::Lower => "över",
        Direction::Within => "utanför",
    };
    let mut explanation = format!(
        "Värdet {} i {} ligger {side} toleransen {} för målet {}",
        unit(m, value),
        period.label(),
        band(m, target, yellow),
        unit(m, target),
    );
    match red {
        Some(red) => explanation.push_str(&format!(
            ", och även {side} den röda gränsen {}.",
            band(m, target, red)
        )),
        None => explanation.push('.'),
    }
    Some(Finding {
        window: half_year(period),
        severity,
        explanation,
        numbers: vec![
            ("varde".into(), value),
            ("mal".into(), target),
            ("tolerans_gul".into(), yellow),
            ("avvikelse".into(), miss),
        ],
        points: vec![period],
        provisional: false,
    })
}

/// Is a signal on `side` unfavourable for the measure? For "lägre är bättre" a rise is; for
/// an interval, a move away from the target (both ways without a target).
fn unfavourable(m: &Measure, side: Side, centre: f64, at: Period) -> bool {
    match m.direction {
        Direction::Higher => side == Side::Below,
        Direction::Lower => side == Side::Above,
        Direction::Within => match target_on(m, at.last_day()) {
            None => true,
            Some(target) => match side {
                Side::Above => centre >= target,
                Side::Below => centre <= target,
            },
        },
    }
}

fn values(points: &[(Period, f64)]) -> Vec<f64> {
    points.iter().map(|(_, v)| *v).collect()
}

/// The sentence every statistical finding ends with when its limits are provisional.
fn provisional_note(n: usize, thresholds: &Thresholds) -> Option<String> {
    (n < thresholds.provisional_below).then(|| {
        format!(
            " Gränserna är preliminära: serien har bara {n} värden (färre än {}).",
            thresholds.provisional_below
        )
    })
}

fn spc_finding(
    points: &[(Period, f64)],
    thresholds: &Thresholds,
    explanation: String,
    numbers: Vec<(String, f64)>,
    flagged: Vec<Period>,
) -> Finding {
    let note = provisional_note(points.len(), thresholds);
    let last = points.last().expect("a signal has points").0;
    Finding {
        window: half_year(last),
        severity: Severity::Yellow,
        provisional: note.is_some(),
        explanation: explanation + note.as_deref().unwrap_or(""),
        numbers,
        points: flagged,
    }
}

/// A point outside the process limits: the latest value beyond mean ± 2,66 × the average
/// moving range, on the unfavourable side.
pub fn outside_limits(input: &MeasureInput<'_>, thresholds: &Thresholds) -> Option<Finding> {
    let m = input.measure;
    if input.points.len() < thresholds.spc_min_points {
        return None;
    }
    let values = values(input.points);
    let limits = spc::limits(&values)?;
    let &(period, value) = input.points.last()?;
    let side = spc::outside(&limits, value)?;
    if !unfavourable(m, side, limits.mean, period) {
        return None;
    }
    let (limit, word) = match side {
        Side::Above => (limits.upper, "övre"),
        Side::Below => (limits.lower, "nedre"),
    };
    Some(spc_finding(
        input.points,
        thresholds,
        format!(
            "Värdet {} i {} ligger {} den {word} processgränsen {} (medelvärde {} ± 2,66 × glidande variationsbredd {}, {} värden).",
            unit(m, value),
            period.label(),
            side.word(),
            unit(m, limit),
            number(m, limits.mean),
            number(m, limits.average_moving_range),
            values.len(),
        ),
        vec![
            ("varde".into(), value),
            ("medel".into(), limits.mean),
            ("nedre".into(), limits.lower),
            ("ovre".into(), limits.upper),
        ],
        vec![period],
    ))
}

/// Skift: at least `shift_length` values in a row on the unfavourable side of the mean,
/// ending with the latest.
pub fn shift(input: &MeasureInput<'_>, thresholds: &Thresholds) -> Option<Finding> {
    let m = input.measure;
    let values = values(input.points);
    let limits = spc::limits(&values)?;
    let (side, length) = spc::last_run(&values, limits.mean)?;
    let &(period, _) = input.points.last()?;
    if length < thresholds.shift_length || !unfavourable(m, side, limits.mean, period) {
        return None;
    }
    let flagged = flagged_tail(input.points, length, |v| {
        (v - limits.mean).abs() > 1e-9 * limits.mean.abs().max(1.0)
    });
    Some(spc_finding(
        input.points,
        thresholds,
        format!(
            "De senaste {length} värdena ligger {} medelvärdet {} ({} till {}).",
            side.word(),
            unit(m, limits.mean),
            flagged.first().map_or(String::new(), |p| p.label()),
            period.label(),
        ),
        vec![
            ("langd".into(), length as f64),
            ("medel".into(), limits.mean),
        ],
        flagged,
    ))
}

/// The periods of the last `count` points that pass `counts` (points skipped by a rule are
/// not marked), in time order.
fn flagged_tail(
    points: &[(Period, f64)],
    count: usize,
    counts: impl Fn(f64) -> bool,
) -> Vec<Period> {
    let mut tail: Vec<Period> = points
        .iter()
        .rev()
        .filter(|(_, v)| counts(*v))
        .take(count)
        .map(|(p, _)| *p)
        .collect();
    tail.reverse();
    tail
}

/// Trend: at least `trend_length` values in a row rising (or falling), ending with the
/// latest, in the unfavourable direction.
pub fn trend(input: &MeasureInput<'_>, thresholds: &Thresholds) -> Option<Finding> {
    let m = input.measure;
    let values = values(input.points);
    let (direction, length) = spc::last_trend(&values)?;
    let &(period, last) = input.points.last()?;
    let centre = spc::limits(&values)?.mean;
    if length < thresholds.trend_length || !unfavourable(m, direction, centre, period) {
        return None;
    }
    let first_index = input.points.len().saturating_sub(length);
    let (from, first) = input.points[first_index];
    let word = match direction {
        Side::Above => "stigit",
        Side::Below => "sjunkit",
    };
    Some(spc_finding(
        input.points,
        thresholds,
        format!(
            "Värdet har {word} {length} gånger i rad utan avbrott, från {} i {} till {} i {}.",
            unit(m, first),
            from.label(),
            unit(m, last),
            period.label(),
        ),
        vec![
            ("langd".into(), length as f64),
            ("fran".into(), first),
            ("till".into(), last),
        ],
        input.points[first_index..]
            .iter()
            .map(|(p, _)| *p)
            .collect(),
    ))
}

/// Anhøj's run-chart rules: the longest run on one side of the median longer than
/// round(log₂ n) + 3, or fewer crossings of the median than the 5th percentile of
/// Binomial(n − 1, ½), with n the values not on the median. Unfavourable when the longest run
/// lies on the bad side.
pub fn run_chart(input: &MeasureInput<'_>, thresholds: &Thresholds) -> Option<Finding> {
    let m = input.measure;
    if input.points.len() < thresholds.run_chart_min_points {
        return None;
    }
    let chart = RunChart::of(&values(input.points))?;
    if !(chart.long_run() || chart.few_crossings()) {
        return None;
    }
    let &(period, _) = input.points.last()?;
    if !unfavourable(m, chart.longest.0, chart.median, period) {
        return None;
    }
    let mut reasons = Vec::new();
    if chart.long_run() {
        reasons.push(format!(
            "den längsta serien {} medianen {} värden lång (gränsen är {})",
            chart.longest.0.word(),
            chart.longest.1,
            chart.longest_limit
        ));
    }
    if chart.few_crossings() {
        reasons.push(format!(
            "serien korsar medianen {} gånger (minst {} väntas)",
            chart.crossings, chart.fewest_crossings
        ));
    }
    let text = format!(
        "Bland de {} värden som inte ligger på medianen {} är {}.",
        chart.useful,
        unit(m, chart.median),
        reasons.join(" och ")
    );
    Some(spc_finding(
        input.points,
        thresholds,
        text,
        vec![
            ("median".into(), chart.median),
            ("langsta_serie".into(), chart.longest.1 as f64),
            ("korsningar".into(), chart.crossings as f64),
        ],
        vec![period],
    ))
}

/// Has the series improved (by its direction) from `first` to `last`? `None` when it did not
/// move or has no better way ("inom intervall").
fn improved(direction: Direction, first: f64, last: f64) -> Option<bool> {
    if (last - first).abs() < 1e-9 {
        return None;
    }
    match direction {
        Direction::Higher => Some(last > first),
        Direction::Lower => Some(last < first),
        Direction::Within => None,
    }
}

/// Riktning: an effektmått and its indikator pointing opposite ways over the effektmått's
/// last `direction_periods` values — the schema's rule is that only when both point the same
/// way can a change be attributed to the satsning. The indicator starts from its value at or
/// before the window's first month (an indicator is often yearly).
pub fn direction(input: &MeasureInput<'_>, thresholds: &Thresholds) -> Option<Finding> {
    let m = input.measure;
    let (indicator, own) = input.indicator?;
    let count = thresholds.direction_periods.max(2);
    if input.points.len() < 2 {
        return None;
    }
    let window = &input.points[input.points.len().saturating_sub(count)..];
    let (&(from, first), &(to, last)) = (window.first()?, window.last()?);
    let start = own.iter().rev().find(|(p, _)| *p <= from)?;
    let end = own.iter().rev().find(|(p, _)| *p <= to && *p > from)?;
    let effect_better = improved(m.direction, first, last)?;
    let indicator_better = improved(indicator.direction, start.1, end.1)?;
    if effect_better == indicator_better {
        return None;
    }
    let word = |better: bool| {
        if better {
            "förbättrats"
        } else {
            "försämrats"
        }
    };
    Some(Finding {
        window: half_year(to),
        severity: Severity::Yellow,
        explanation: format!(
            "Effektmåttet {} har {} från {} till {} ({} – {}), men indikatorn {} har {} från {} till {} ({} – {}). Förändringen kan då inte tillskrivas satsningen.",
            m.code,
            word(effect_better),
            unit(m, first),
            unit(m, last),
            from.label(),
            to.label(),
            indicator.code,
            word(indicator_better),
            unit(indicator, start.1),
            unit(indicator, end.1),
            start.0.label(),
            end.0.label(),
        ),
        numbers: vec![
            ("effekt_fran".into(), first),
            ("effekt_till".into(), last),
            ("indikator_fran".into(), start.1),
            ("indikator_till".into(), end.1),
        ],
        points: window.iter().map(|(p, _)| *p).collect(),
        provisional: false,
    })
}

/// Budget: spending to date above budget × elapsed share + tolerance. The spending is the
/// actual costs entered in the half-year reports (`super::spending`); without any recorded
/// the rule has no data and gives nothing.
pub fn budget(input: &InitiativeInput, thresholds: &Thresholds) -> Option<Finding> {
    let spending = input.spending?;
    let allowed = spending.budget_sek as f64
        * (spending.elapsed.clamp(0.0, 1.0) + thresholds.budget_tolerance_percent / 100.0);
    let spent = spending.spent_sek as f64;
    if spent <= allowed {
        return None;
    }
    let severity = if spent > spending.budget_sek as f64 {
        Severity::Red
    } else {
        Severity::Yellow
    };
    Some(Finding {
        window: String::new(),
        severity,
        explanation: format!(
            "Utfallet hittills är {} av budgeten {} efter {} % av tiden (högst {} med toleransen {} procentenheter).",
            crate::sv::number::format_sek(spending.spent_sek),
            crate::sv::number::format_sek(spending.budget_sek),
            crate::sv::number::format_decimal((spending.elapsed * 100.0).round()),
            crate::sv::number::format_sek(allowed.round() as i64),
            crate::sv::number::format_decimal(thresholds.budget_tolerance_percent),
        ),
        numbers: vec![("utfall".into(), spent), ("tillatet".into(), allowed)],
        points: Vec::new(),
        provisional: false,
    })
}

/// Rapport: a half-year report not submitted by its due date; red once it is more than
/// [`Thresholds::report_red_after_days`] days late. One flag for the oldest late report (its
/// half-year is the window), naming any later ones too; submitting it moves the flag on.
pub fn report_overdue(input: &InitiativeInput, thresholds: &Thresholds) -> Option<Finding> {
    let (oldest, later) = input.late_reports.split_first()?;
    let severity = if oldest.days_late > thresholds.report_red_after_days {
        Severity::Red
    } else {
        Severity::Yellow
    };
    let days = crate::sv::date::days(oldest.days_late);
    let mut explanation = format!(
        "Halvårsredovisningen för {} är inte inskickad: sista dag var {}, nu {days} sedan.",
        oldest.half.label(),
        long_date(oldest.due),
    );
    if !later.is_empty() {
        let names: Vec<String> = later.iter().map(|r| r.half.label()).collect();
        explanation.push_str(&format!(" Även {} saknas.", names.join(" och ")));
    }
    Some(Finding {
        window: oldest.half.to_string(),
        severity,
        explanation,
        numbers: vec![("dagar_sen".into(), oldest.days_late as f64)],
        points: Vec::new(),
        provisional: false,
    })
}
