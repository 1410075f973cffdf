//! The rules on hand-made series, and properties over generated ones (a small deterministic
//! generator: no clock, no random source, so a failure repeats).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::rules::{self, InitiativeInput, MeasureInput, MonthInput, Spending};
use super::*;
use crate::schema::{Activity, Direction, Goal, Measure, MeasureKind, Source, ValueType};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn month(text: &str) -> Period {
    Period::parse(text).unwrap()
}

/// Monthly values from `start`, `None` for a month without a value.
fn series(start: &str, values: &[Option<f64>]) -> Vec<(Period, f64)> {
    let mut p = month(start);
    let mut out = Vec::new();
    for v in values {
        if let Some(v) = v {
            out.push((p, *v));
        }
        p = p.next();
    }
    out
}

fn full(start: &str, values: &[f64]) -> Vec<(Period, f64)> {
    series(start, &values.iter().map(|v| Some(*v)).collect::<Vec<_>>())
}

/// A share (%) effektmått, higher is better, from 40 % (2026-01-01) to 80 % (2028-01-01) with
/// tolerances 5 (gul) and 10 (röd).
fn share() -> Measure {
    Measure {
        kind: MeasureKind::Effect,
        code: "E1".into(),
        unit: "%".into(),
        value_type: ValueType::Share,
        baseline: Some((40.0, date(2026, 1, 1))),
        target: Some((80.0, date(2028, 1, 1))),
        tolerance_yellow: Some(5.0),
        tolerance_red: Some(10.0),
        ..Measure::example(1)
    }
}

fn flat_target(direction: Direction, target: f64) -> Measure {
    Measure {
        direction,
        unit: "st".into(),
        baseline: Some((target, date(2020, 1, 1))),
        target: Some((target, date(2020, 1, 2))),
        tolerance_yellow: Some(5.0),
        tolerance_red: Some(10.0),
        ..Measure::example(2)
    }
}

fn input<'a>(measure: &'a Measure, points: &'a [(Period, f64)]) -> MeasureInput<'a> {
    MeasureInput {
        measure,
        points,
        indicator: None,
    }
}

fn t() -> Thresholds {
    Thresholds::default()
}

#[test]
fn off_target_says_the_value_the_band_and_the_target() {
    let m = share();
    // On 2026-12-31 the target line is at 59,9 % (364 of 730 days from 40 to 80).
    let points = full("2026-12", &[52.0]);
    let f = rules::off_target(&input(&m, &points), &t()).unwrap();
    assert_eq!(f.severity, Severity::Yellow);
    assert_eq!(f.window, "2026-H2");
    assert_eq!(
        f.explanation,
        "Värdet 52 % i december 2026 ligger under toleransen 54,9 % för målet 59,9 %."
    );
    let points = full("2026-12", &[41.0]);
    let f = rules::off_target(&input(&m, &points), &t()).unwrap();
    assert_eq!(f.severity, Severity::Red);
    assert!(
        f.explanation
            .contains("och även under den röda gränsen 49,9 %"),
        "{}",
        f.explanation
    );
    // Inside the band: nothing.
    let points = full("2026-12", &[56.0]);
    assert_eq!(rules::off_target(&input(&m, &points), &t()), None);
}

#[test]
fn off_target_knows_lower_is_better_and_intervals() {
    let lower = flat_target(Direction::Lower, 20.0);
    let points = full("2026-10", &[27.0]);
    let f = rules::off_target(&input(&lower, &points), &t()).unwrap();
    assert_eq!(f.severity, Severity::Yellow);
    assert!(
        f.explanation
            .contains("över toleransen 25 st för målet 20 st"),
        "{}",
        f.explanation
    );
    let better = full("2026-10", &[2.0]);
    assert_eq!(
        rules::off_target(&input(&lower, &better), &t()),
        None,
        "far below is good"
    );

    let within = flat_target(Direction::Within, 60.0);
    for (value, expected) in [
        (61.0, None),
        (66.0, Some(Severity::Yellow)),
        (49.0, Some(Severity::Red)),
    ] {
        let points = full("2026-10", &[value]);
        let f = rules::off_target(&input(&within, &points), &t());
        assert_eq!(f.as_ref().map(|f| f.severity), expected, "{value}");
        if let Some(f) = f {
            assert!(
                f.explanation
                    .contains("utanför toleransen 55–65 st för målet 60 st"),
                "{}",
                f.explanation
            );
        }
    }
}

#[test]
fn without_a_target_or_a_red_tolerance_the_value_rule_holds_back() {
    let baseline_only = Measure {
        baseline: Some((10.0, date(2026, 1, 1))),
        ..Measure::example(3)
    };
    let points = full("2026-10", &[0.0]);
    assert_eq!(
        rules::off_target(&input(&baseline_only, &points), &t()),
        None
    );
    let no_red = Measure {
        tolerance_red: None,
        ..share()
    };
    let points = full("2026-12", &[0.0]);
    assert_eq!(
        rules::off_target(&input(&no_red, &points), &t())
            .unwrap()
            .severity,
        Severity::Yellow,
        "never worse than yellow without a red tolerance"
    );
    assert_eq!(
        rules::off_target(&input(&share(), &[]), &t()),
        None,
        "no values"
    );
}

#[test]
fn missing_months_are_yellow_when_late_and_red_when_locked() {
    let late = MonthInput {
        period: month("2026-10"),
        status: MonthStatus::Late,
        due_date: date(2026, 11, 10),
        lock_date: date(2026, 11, 20),
        due: vec!["A1".into(), "E1".into(), "E2".into()],
        missing: vec!["E1".into(), "E2".into()],
    };
    let f = rules::missing(&late, &t()).unwrap();
    assert_eq!(f.severity, Severity::Yellow);
    assert_eq!(f.window, "2026-10");
    assert_eq!(
        f.explanation,
        "Värden för oktober 2026 saknas för 2 av 3 mått (E1, E2). De skulle ha rapporterats senast 10 november 2026; månaden låses efter 20 november 2026."
    );
    let locked = MonthInput {
        status: MonthStatus::Locked,
        ..late.clone()
    };
    assert_eq!(
        rules::missing(&locked, &t()).unwrap().severity,
        Severity::Red
    );
    let reported = MonthInput {
        status: MonthStatus::Reported,
        ..late.clone()
    };
    assert_eq!(rules::missing(&reported, &t()), None, "marked complete");
    let complete = MonthInput {
        missing: vec![],
        ..late
    };
    assert_eq!(rules::missing(&complete, &t()), None);
}

#[test]
fn month_inputs_skip_retired_measures_and_months_not_yet_due() {
    let retired = Measure {
        retired: true,
        code: "A9".into(),
        ..Measure::example(9)
    };
    let imported = Measure {
        source: Source::Import,
        code: "I1".into(),
        ..Measure::example(8)
    };
    let schema = Schema {
        goals: vec![],
        measures: vec![Measure::example(1), retired, imported],
        effects: vec![],
    };
    let mut values = HashMap::new();
    values.insert(1, full("2026-08", &[3.0]));
    let months = Period::range(month("2026-08"), month("2026-11"));
    let inputs = month_inputs(
        &schema,
        &values,
        &months,
        &HashSet::new(),
        &HashSet::new(),
        &crate::report::Rules::default(),
        date(2026, 11, 15),
    );
    // August has its value; September (locked) and October (late) lack A1; November is not due.
    let found: Vec<(String, MonthStatus, Vec<String>)> = inputs
        .iter()
        .map(|m| (m.period.to_string(), m.status, m.missing.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("2026-08".into(), MonthStatus::Locked, vec![]),
            (
                "2026-09".into(),
                MonthStatus::Locked,
                vec!["A1".to_string()]
            ),
            ("2026-10".into(), MonthStatus::Late, vec!["A1".to_string()]),
        ]
    );
    assert!(
        inputs.iter().all(|m| m.due == ["A1"]),
        "retired and imported are not due"
    );
}

#[test]
fn a_point_outside_the_limits_counts_only_on_the_bad_side() {
    let higher = Measure {
        unit: "st".into(),
        ..Measure::example(1)
    };
    let mut values = vec![
        10.0, 11.0, 10.0, 12.0, 11.0, 10.0, 11.0, 12.0, 10.0, 11.0, 12.0, 11.0,
    ];
    values.push(0.0);
    let points = full("2025-01", &values);
    let f = rules::outside_limits(&input(&higher, &points), &t()).unwrap();
    assert!(
        f.explanation
            .starts_with("Värdet 0 st i januari 2026 ligger under den nedre processgränsen"),
        "{}",
        f.explanation
    );
    assert!(!f.provisional, "13 values");
    assert_eq!(f.points, [month("2026-01")]);
    // The same drop is an improvement when lower is better.
    let lower = Measure {
        direction: Direction::Lower,
        ..higher.clone()
    };
    assert_eq!(rules::outside_limits(&input(&lower, &points), &t()), None);
}

#[test]
fn fewer_than_twelve_values_give_provisional_limits() {
    let m = Measure::example(1);
    let points = full("2026-01", &[10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 10.0, 0.0]);
    let f = rules::outside_limits(&input(&m, &points), &t()).unwrap();
    assert!(f.provisional);
    assert!(
        f.explanation
            .ends_with("Gränserna är preliminära: serien har bara 8 värden (färre än 12)."),
        "{}",
        f.explanation
    );
    let few = full("2026-01", &[10.0, 11.0, 0.0]);
    assert_eq!(
        rules::outside_limits(&input(&m, &few), &t()),
        None,
        "too few for limits"
    );
}

#[test]
fn a_shift_of_seven_below_the_mean_is_flagged_with_its_months() {
    let m = Measure::example(1);
    let points = full(
        "2025-01",
        &[
            20.0, 21.0, 19.0, 20.0, 22.0, 21.0, 15.0, 14.0, 16.0, 15.0, 14.0, 15.0, 16.0,
        ],
    );
    let f = rules::shift(&input(&m, &points), &t()).unwrap();
    assert_eq!(f.points.len(), 7);
    assert_eq!(f.points[0], month("2025-07"));
    assert!(
        f.explanation
            .starts_with("De senaste 7 värdena ligger under medelvärdet"),
        "{}",
        f.explanation
    );
    // Six are not enough.
    assert_eq!(rules::shift(&input(&m, &points[1..12]), &t()), None);
}

#[test]
fn a_measure_can_turn_its_signals_off_or_shorten_its_runs() {
    // Six below the mean: no shift by the default seven.
    let points = full(
        "2025-01",
        &[
            20.0, 21.0, 19.0, 20.0, 22.0, 21.0, 15.0, 14.0, 16.0, 15.0, 14.0, 15.0,
        ],
    );
    let raised = |m: &Measure| {
        let subject = Subject {
            measures: vec![input(m, &points)],
            ..Subject::default()
        };
        evaluate(&subject, &t())
            .into_iter()
            .map(|r| r.rule)
            .collect::<Vec<_>>()
    };
    let default = Measure::example(1);
    assert!(
        !raised(&default).contains(&"spc_skift"),
        "{:?}",
        raised(&default)
    );
    // Its own run length of six finds the shift.
    let short = Measure {
        signals: crate::schema::Signals {
            off: false,
            run_length: Some(6),
        },
        ..Measure::example(1)
    };
    assert!(
        raised(&short).contains(&"spc_skift"),
        "{:?}",
        raised(&short)
    );
    assert_eq!(t().for_measure(&short).trend_length, 6);
    // Signals off: no statistical rule at all, the target rules still apply.
    let off = Measure {
        signals: crate::schema::Signals {
            off: true,
            run_length: Some(6),
        },
        ..share()
    };
    let found = raised(&off);
    assert!(
        found
            .iter()
            .all(|r| !["spc_grans", "spc_skift", "spc_trend", "serie"].contains(r)),
        "{found:?}"
    );
    let on = Measure {
        signals: crate::schema::Signals::default(),
        ..off.clone()
    };
    assert_eq!(
        raised(&on).contains(&"utanfor_mal"),
        found.contains(&"utanfor_mal"),
        "the target rule does not depend on the signals"
    );
}

#[test]
fn a_trend_needs_seven_points_and_gaps_do_not_break_it() {
    let m = Measure {
        direction: Direction::Lower,
        unit: "st".into(),
        ..Measure::example(1)
    };
    // Rising every reported month, July missing: a rising trend is bad when lower is better.
    let points = series(
        "2026-01",
        &[
            Some(1.0),
            Some(2.0),
            Some(3.0),
            Some(4.0),
            Some(5.0),
            Some(6.0),
            None,
            Some(7.0),
        ],
    );
    let f = rules::trend(&input(&m, &points), &t()).unwrap();
    assert_eq!(
        f.explanation.split(" Gränserna").next().unwrap(),
        "Värdet har stigit 7 gånger i rad utan avbrott, från 1 st i januari 2026 till 7 st i augusti 2026."
    );
    assert_eq!(
        rules::trend(&input(&m, &points[1..]), &t()),
        None,
        "six points"
    );
    let higher = Measure::example(1);
    assert_eq!(
        rules::trend(&input(&higher, &points), &t()),
        None,
        "rising is good"
    );
}

#[test]
fn the_run_chart_rules_flag_a_long_run_on_the_bad_side() {
    let m = Measure::example(1);
    // 6 above the median, then 10 below: the longest run (10) is over round(log2 16) + 3 = 7.
    let mut values = vec![30.0, 31.0, 32.0, 30.0, 31.0, 32.0, 33.0, 31.0];
    values.extend([10.0, 11.0, 12.0, 10.0, 11.0, 12.0, 11.0, 10.0]);
    let points = full("2025-01", &values);
    let f = rules::run_chart(&input(&m, &points), &t()).unwrap();
    assert!(
        f.explanation
            .contains("den längsta serien under medianen 8 värden lång (gränsen är 7)"),
        "{}",
        f.explanation
    );
    assert!(
        f.explanation
            .contains("korsar medianen 1 gånger (minst 4 väntas)"),
        "{}",
        f.explanation
    );
    let lower = Measure {
        direction: Direction::Lower,
        ..m
    };
    assert_eq!(
        rules::run_chart(&input(&lower, &points), &t()),
        None,
        "improvement"
    );
}

#[test]
fn direction_flags_an_effect_and_indicator_pointing_opposite_ways() {
    let effect = share();
    let indicator = Measure {
        kind: MeasureKind::Indicator,
        code: "I1".into(),
        unit: "%".into(),
        value_type: ValueType::Share,
        frequency: crate::schema::Frequency::Yearly,
        ..Measure::example(5)
    };
    let effect_points = full("2026-01", &[40.0, 42.0, 45.0, 47.0, 50.0, 52.0]);
    let yearly = vec![(month("2025-12"), 30.0), (month("2026-06"), 27.0)];
    let with = MeasureInput {
        measure: &effect,
        points: &effect_points,
        indicator: Some((&indicator, &yearly)),
    };
    let f = rules::direction(&with, &t()).unwrap();
    assert_eq!(
        f.explanation,
        "Effektmåttet E1 har förbättrats från 40 % till 52 % (januari 2026 – juni 2026), men indikatorn I1 har försämrats från 30 % till 27 % (december 2025 – juni 2026). Förändringen kan då inte tillskrivas satsningen."
    );
    let agreeing = vec![(month("2025-12"), 30.0), (month("2026-06"), 33.0)];
    let same = MeasureInput {
        indicator: Some((&indicator, &agreeing)),
        ..with
    };
    assert_eq!(rules::direction(&same, &t()), None);
    assert_eq!(
        rules::direction(&input(&effect, &effect_points), &t()),
        None,
        "no indicator"
    );
}

#[test]
fn budget_has_no_data_yet_but_its_rule_is_in_place() {
    assert_eq!(rules::budget(&InitiativeInput::default(), &t()), None);
    let over = InitiativeInput {
        spending: Some(Spending {
            spent_sek: 700_000,
            budget_sek: 1_000_000,
            elapsed: 0.5,
        }),
        ..InitiativeInput::default()
    };
    let f = rules::budget(&over, &t()).unwrap();
    assert_eq!(f.severity, Severity::Yellow);
    assert!(
        f.explanation.contains(
            "700\u{a0}000\u{a0}kr av budgeten 1\u{a0}000\u{a0}000\u{a0}kr efter 50 % av tiden"
        ),
        "{}",
        f.explanation
    );
}

fn half(text: &str) -> crate::report::half::HalfYear {
    crate::report::half::HalfYear::parse(text).unwrap()
}

#[test]
fn a_report_not_in_by_its_due_date_is_late_until_a_year_has_passed() {
    let due = crate::report::half::DueDates::default();
    let halves = [half("2025-H2"), half("2026-H1"), half("2026-H2")];
    let none = HashSet::new();
    // 2025-H2 was due 28 February 2026, 2026-H1 on 31 August 2026; 2026-H2 is not due yet.
    let late = late_reports(&halves, &none, &due, date(2026, 9, 1));
    assert_eq!(
        late.iter()
            .map(|r| (r.half, r.days_late))
            .collect::<Vec<_>>(),
        [(half("2025-H2"), 185), (half("2026-H1"), 1)]
    );
    assert!(
        late_reports(&halves, &none, &due, date(2026, 2, 28)).is_empty(),
        "due today"
    );
    let in_ = HashSet::from([half("2025-H2")]);
    let late = late_reports(&halves, &in_, &due, date(2026, 9, 1));
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].half, half("2026-H1"));
    // A year and a day after its due date a report is history, not a deviation.
    let late = late_reports(&halves, &none, &due, date(2027, 3, 1));
    assert_eq!(
        late.iter().map(|r| r.half).collect::<Vec<_>>(),
        [half("2026-H1"), half("2026-H2")]
    );
}

#[test]
fn the_report_rule_flags_the_oldest_late_report_and_turns_red_after_a_month() {
    assert_eq!(
        rules::report_overdue(&InitiativeInput::default(), &t()),
        None
    );
    let due = crate::report::half::DueDates::default();
    let halves = [half("2025-H2"), half("2026-H1")];
    let input = |today| InitiativeInput {
        late_reports: late_reports(&halves, &HashSet::new(), &due, today),
        ..InitiativeInput::default()
    };
    let f = rules::report_overdue(&input(date(2026, 3, 10)), &t()).unwrap();
    assert_eq!(f.window, "2025-H2");
    assert_eq!(f.severity, Severity::Yellow);
    assert_eq!(
        f.explanation,
        "Halvårsredovisningen för juli–december 2025 är inte inskickad: sista dag var \
         28 februari 2026, nu 10 dagar sedan."
    );
    let f = rules::report_overdue(&input(date(2026, 9, 1)), &t()).unwrap();
    assert_eq!((f.window.as_str(), f.severity), ("2025-H2", Severity::Red));
    assert!(
        f.explanation.ends_with("Även januari–juni 2026 saknas."),
        "{}",
        f.explanation
    );
    let f = rules::report_overdue(&input(date(2026, 3, 30)), &t()).unwrap();
    assert_eq!(f.severity, Severity::Yellow, "30 days is still gul");
    let f = rules::report_overdue(&input(date(2026, 3, 31)), &t()).unwrap();
    assert_eq!(f.severity, Severity::Red);
}

#[test]
fn every_rule_is_registered_once() {
    let ids: HashSet<&str> = rules::RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), rules::RULES.len());
    assert!(rules::rule("utanfor_mal").is_some() && rules::rule("okand").is_none());
}

/// A satsning with one effektmått under a mål that also has an indikator.
fn schema_with(effect: Measure, indicator: Measure) -> Schema {
    Schema {
        goals: vec![Goal {
            id: 1,
            text: "Mål".into(),
            target_group: String::new(),
            activities: vec![Activity {
                id: 1,
                text: "Aktivitet".into(),
            }],
        }],
        measures: vec![effect, indicator],
        effects: vec![],
    }
}

#[test]
fn evaluation_reads_the_effect_with_its_indicator_and_skips_retired_measures() {
    let effect = share();
    let indicator = Measure {
        kind: MeasureKind::Indicator,
        activity_id: None,
        goal_id: Some(1),
        code: "I1".into(),
        ..Measure::example(5)
    };
    let schema = schema_with(effect.clone(), indicator.clone());
    let mut values = HashMap::new();
    values.insert(1, full("2026-12", &[41.0]));
    values.insert(5, full("2026-12", &[3.0]));
    let subject = subject(&schema, &values, vec![]);
    assert_eq!(subject.measures[0].indicator.map(|(m, _)| m.id), Some(5));
    let raised = evaluate(&subject, &t());
    assert_eq!(raised.len(), 1);
    assert_eq!(
        (raised[0].rule, raised[0].measure_id),
        ("utanfor_mal", Some(1))
    );

    let retired = Measure {
        retired: true,
        ..effect
    };
    let schema = schema_with(retired, indicator);
    assert!(evaluate(&subject_of(&schema, &values), &t()).is_empty());
}

fn subject_of<'a>(schema: &'a Schema, values: &'a HashMap<i64, Vec<(Period, f64)>>) -> Subject<'a> {
    subject(schema, values, vec![])
}

fn raised(rule: &'static str, window: &str, severity: Severity, text: &str) -> Raised {
    Raised {
        rule,
        measure_id: Some(1),
        finding: Finding {
            window: window.into(),
            severity,
            explanation: text.into(),
            numbers: vec![("varde".into(), 1.0)],
            points: vec![],
            provisional: false,
        },
    }
}

/// The flags after `steps`, as the repository writes them.
fn apply(stored: &[Stored], steps: &[Step<'_>]) -> Vec<Stored> {
    let mut out = stored.to_vec();
    let from = |id: i64, r: &Raised, status: FlagStatus| Stored {
        id,
        rule: r.rule.into(),
        measure_id: r.measure_id,
        window: r.finding.window.clone(),
        severity: r.finding.severity,
        status,
        explanation: r.finding.explanation.clone(),
        numbers: r.finding.numbers.clone(),
        points: r.finding.points.clone(),
    };
    for step in steps {
        match step {
            Step::Open(r) => {
                let id = out.len() as i64 + 100;
                out.push(from(id, r, FlagStatus::New));
            }
            Step::Reopen { id, raised } => {
                let s = out.iter_mut().find(|s| s.id == *id).unwrap();
                *s = from(*id, raised, FlagStatus::New);
            }
            Step::Refresh { id, raised, .. } => {
                let s = out.iter_mut().find(|s| s.id == *id).unwrap();
                *s = from(*id, raised, s.status);
            }
            Step::Close { id, .. } => {
                out.iter_mut().find(|s| s.id == *id).unwrap().status = FlagStatus::Closed;
            }
        }
    }
    out
}

#[test]
fn reconcile_opens_refreshes_closes_and_reopens_the_same_flag() {
    let first = [raised("utanfor_mal", "2026-H2", Severity::Yellow, "52 %")];
    let steps = reconcile(&[], &first);
    assert!(matches!(steps[..], [Step::Open(_)]));
    let stored = apply(&[], &steps);
    assert!(
        reconcile(&stored, &first).is_empty(),
        "the same finding changes nothing"
    );

    // Worse now: the same flag, new severity, status kept.
    let worse = [raised("utanfor_mal", "2026-H2", Severity::Red, "41 %")];
    let steps = reconcile(&stored, &worse);
    assert!(matches!(
        steps[..],
        [Step::Refresh {
            severity_was: Severity::Yellow,
            ..
        }]
    ));
    let stored = apply(&stored, &steps);

    // Corrected: it closes with a note.
    let steps = reconcile(&stored, &[]);
    match &steps[..] {
        [Step::Close { note, .. }] => assert!(note.contains("villkoret gäller inte längre")),
        other => panic!("{other:?}"),
    }
    let stored = apply(&stored, &steps);
    assert!(reconcile(&stored, &[]).is_empty(), "closed stays closed");

    // Back again in the same half-year: the same flag reopens.
    let steps = reconcile(&stored, &first);
    assert!(matches!(steps[..], [Step::Reopen { .. }]));
    let stored = apply(&stored, &steps);
    assert_eq!(stored.len(), 1);

    // The next half-year is a new flag, and the old one says where it went.
    let next = [raised("utanfor_mal", "2027-H1", Severity::Yellow, "52 %")];
    let steps = reconcile(&stored, &next);
    assert_eq!(steps.len(), 2);
    assert!(matches!(&steps[1], Step::Close { note, .. } if note.contains("2027-H1")));
}

/// A deterministic generator (64-bit LCG): the same seed gives the same series every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() * n as f64) as usize
    }
}

/// A generated series of up to 40 months with gaps, starting 2026-01.
fn generated(g: &mut Gen, value: impl Fn(&mut Gen, Period) -> f64) -> Vec<(Period, f64)> {
    let n = 1 + g.below(40);
    let mut p = month("2026-01");
    let mut out = Vec::new();
    for _ in 0..n {
        if g.next() > 0.15 {
            out.push((p, value(g, p)));
        }
        p = p.next();
    }
    out
}

#[test]
fn property_no_flag_from_a_series_inside_its_band() {
    let mut g = Gen(1);
    for _ in 0..500 {
        let direction = [Direction::Higher, Direction::Lower, Direction::Within][g.below(3)];
        let m = Measure {
            direction,
            tolerance_yellow: Some(1.0 + 10.0 * g.next()),
            tolerance_red: Some(20.0),
            ..share()
        };
        let tolerance = m.tolerance_yellow.unwrap();
        let points = generated(&mut g, |g, p| {
            let target = target_on_month(&m, p);
            let offset = tolerance * (2.0 * g.next() - 1.0) * 0.999;
            target + offset
        });
        let found = rules::off_target(&input(&m, &points), &t());
        assert_eq!(found, None, "{direction:?} {points:?}");
    }
}

fn target_on_month(m: &Measure, p: Period) -> f64 {
    crate::report::target_on(m, p.last_day()).unwrap()
}

#[test]
fn property_a_constant_series_never_signals() {
    let mut g = Gen(2);
    for _ in 0..300 {
        let level = (g.next() * 1000.0).round();
        let direction = [Direction::Higher, Direction::Lower, Direction::Within][g.below(3)];
        let m = Measure {
            direction,
            ..flat_target(direction, level)
        };
        let points = generated(&mut g, |_, _| level);
        let indicator = Measure {
            kind: MeasureKind::Indicator,
            ..Measure::example(7)
        };
        let subject = Subject {
            measures: vec![MeasureInput {
                measure: &m,
                points: &points,
                indicator: Some((&indicator, &points)),
            }],
            ..Subject::default()
        };
        let raised = evaluate(&subject, &t());
        assert!(raised.is_empty(), "{level} {direction:?}: {raised:?}");
    }
}

#[test]
fn property_evaluation_is_idempotent() {
    let mut g = Gen(3);
    let mut stored: Vec<Stored> = Vec::new();
    for round in 0..300 {
        let m = share();
        let points = generated(&mut g, |g, _| 100.0 * g.next());
        let subject = Subject {
            measures: vec![input(&m, &points)],
            ..Subject::default()
        };
        let raised = evaluate(&subject, &t());
        assert_eq!(raised, evaluate(&subject, &t()), "pure");
        let steps = reconcile(&stored, &raised);
        stored = apply(&stored, &steps);
        assert!(
            reconcile(&stored, &raised).is_empty(),
            "round {round}: a second evaluation changes something"
        );
        let keys: HashSet<_> = stored
            .iter()
            .map(|s| (s.rule.clone(), s.measure_id, s.window.clone()))
            .collect();
        assert_eq!(
            keys.len(),
            stored.len(),
            "one flag per rule × measure × window"
        );
    }
}

#[test]
fn forms_name_their_fields_and_keep_nothing_partial() {
    let empty = ExplainForm::default().parse().unwrap_err();
    match empty {
        AppError::Validation(errors) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["flag[explanation]", "flag[planned_action]"]);
        }
        other => panic!("{other:?}"),
    }
    let decided = DecideForm {
        decision: "atgard".into(),
        comment: "  Ny plan till nästa möte. ".into(),
    }
    .parse()
    .unwrap();
    assert_eq!(
        decided,
        (Decision::ActionRequired, "Ny plan till nästa möte.".into())
    );
    assert!(
        DecideForm {
            decision: "ja".into(),
            comment: "x".into()
        }
        .parse()
        .is_err()
    );
    assert!(
        BulkForm {
            flags: vec![],
            comment: "x".into()
        }
        .parse()
        .is_err()
    );
    assert_eq!(half_year(month("2026-06")), "2026-H1");
    assert_eq!(half_year(month("2026-07")), "2026-H2");
}

#[test]
fn spending_comes_from_the_recorded_actual_costs() {
    use crate::economics::actual::ActualCost;
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let (start, end) = (day(2026, 1, 1), day(2027, 12, 31));
    assert_eq!(
        super::spending(1_000_000, &[], start, end, day(2026, 12, 31)),
        None,
        "nothing recorded: no data"
    );
    let costs = [
        ActualCost {
            year: 2026,
            cost_type: "personal".into(),
            amount_sek: 600_000,
        },
        ActualCost {
            year: 2026,
            cost_type: "ovrigt".into(),
            amount_sek: 100_000,
        },
    ];
    let s = super::spending(1_000_000, &costs, start, end, day(2026, 12, 31)).unwrap();
    assert_eq!((s.spent_sek, s.budget_sek), (700_000, 1_000_000));
    assert!((s.elapsed - 0.5).abs() < 0.01, "{}", s.elapsed);
    let flagged = rules::budget(
        &InitiativeInput {
            spending: Some(s),
            ..InitiativeInput::default()
        },
        &t(),
    );
    assert_eq!(flagged.map(|f| f.severity), Some(Severity::Yellow));
    assert_eq!(
        super::spending(0, &costs, start, end, end),
        None,
        "no budget"
    );
}

#[test]
fn the_queue_page_is_a_whole_number_from_one_and_the_last_page_covers_every_flag() {
    use crate::deviation::api::{last_page, parse_page};
    assert_eq!(parse_page(None).unwrap(), 1);
    assert_eq!(parse_page(Some(" ".into())).unwrap(), 1);
    assert_eq!(parse_page(Some("3".into())).unwrap(), 3);
    for bad in ["0", "-2", "1,5", "två", "99999999999"] {
        assert!(parse_page(Some(bad.into())).is_err(), "{bad}");
    }
    assert_eq!(last_page(0), 1);
    assert_eq!(last_page(1), 1);
    assert_eq!(last_page(QUEUE_PAGE_SIZE), 1);
    assert_eq!(last_page(QUEUE_PAGE_SIZE + 1), 2);
    assert_eq!(last_page(5940), 60);
}
