//! How the demo's example values run (pure): which months a satsning reported, and each
//! measure's value in a month — aktivitetsmått at a level of activity, effektmått and
//! indikatorer along their target line, reaching a set share of the planned change. A small
//! wobble makes the lines look measured, but it comes from a hash of the satsning, the measure
//! and the month, never from a clock or a random source: every seed writes the same numbers.

use crate::report::{Period, is_due};
use crate::schema::{Direction, Measure, MeasureKind, ValueType};

/// How a demo measure's values run over the satsning's months.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Course {
    /// Aktivitetsmått: about `per_month` a month, reached after `ramp_months` months (0 = from
    /// the start), give or take an eighth (and at least one).
    Level { per_month: f64, ramp_months: u32 },
    /// Effektmått and indikatorer with a baseline: along the target line, reaching `reach` of the
    /// planned change (1.0 on target, 0.1 clearly off), give or take `wobble`.
    Toward { reach: f64, wobble: f64 },
    /// Around `value`, give or take `wobble` (a measure without a target).
    Steady { value: f64, wobble: f64 },
    /// Never reported (an indicator nobody has imported yet).
    Unreported,
}

/// How a demo satsning reported, month by month (months counted from 0, its first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reporting {
    /// Months nobody reported: gaps in the charts, "låst" in the calendar.
    pub skipped: &'static [usize],
    /// Months with a setback: less activity, effects off their line, said in a comment.
    pub setbacks: &'static [usize],
    pub setback_comment: &'static str,
    /// July is a summer break (school-based satsningar): little activity, said in a comment.
    pub summer_break: bool,
    /// A running satsning that stopped reporting: how many months before last month nobody
    /// reported (so they are past their deadline).
    pub stalled: usize,
}

impl Reporting {
    /// Every month reported, nothing special.
    pub const STEADY: Reporting = Reporting {
        skipped: &[],
        setbacks: &[],
        setback_comment: "",
        summer_break: false,
        stalled: 0,
    };
}

/// The comment on an aktivitetsmått in a summer-break July.
pub const SUMMER_COMMENT: &str = "Sommarlov: ingen ordinarie verksamhet i juli.";

/// The comment on a monthly effektmått in a summer-break July, which has no value.
pub const SUMMER_GAP_COMMENT: &str = "Sommarlov: inget att mäta i juli.";

/// What was done with one reporting month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthPlan {
    /// Values saved and the month marked "inrapporterad".
    Submitted,
    /// Values saved, not marked (last month of a running satsning: work in progress).
    Started,
    /// Nothing saved.
    Skipped,
}

/// The plan for month `index` of the `count` months a satsning has reported so far. A running
/// satsning's last month is begun but not marked, and a stalled one left the months before it
/// alone.
pub fn month_plan(reporting: &Reporting, index: usize, count: usize, running: bool) -> MonthPlan {
    let last = count.saturating_sub(1);
    if reporting.skipped.contains(&index) {
        MonthPlan::Skipped
    } else if running && index == last {
        MonthPlan::Started
    } else if running && index + reporting.stalled >= last {
        MonthPlan::Skipped
    } else {
        MonthPlan::Submitted
    }
}

/// One month's report of a satsning: what was done with it and its entries as (measure id,
/// value, comment).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub period: Period,
    pub plan: MonthPlan,
    pub entries: Vec<(i64, Option<f64>, &'static str)>,
}

/// The reports of satsning `name` over `months` (its reporting months so far, oldest first),
/// each measure following its course; `running` when the current month is still to come.
/// Skipped months have no report.
pub fn reports(
    name: &str,
    reporting: &Reporting,
    measures: &[(Measure, Course)],
    months: &[Period],
    running: bool,
) -> Vec<Report> {
    let reported = months.iter().enumerate().filter_map(|(index, &period)| {
        let plan = month_plan(reporting, index, months.len(), running);
        (plan != MonthPlan::Skipped).then_some((index, period, plan))
    });
    reported
        .map(|(index, period, plan)| {
            let setback = reporting.setbacks.contains(&index);
            let entries = measures
                .iter()
                .filter_map(|(measure, course)| {
                    let key = format!("{name} {}", measure.code);
                    let month = Month {
                        key: &key,
                        period,
                        index,
                        setback,
                        summer_break: reporting.summer_break,
                    };
                    let (value, comment) = entry(measure, *course, &month)?;
                    let comment = match measure.kind {
                        MeasureKind::Activity if setback && comment.is_empty() => {
                            reporting.setback_comment
                        }
                        _ => comment,
                    };
                    Some((measure.id, value, comment))
                })
                .collect();
            Report {
                period,
                plan,
                entries,
            }
        })
        .collect()
}

/// A month as the values see it.
#[derive(Debug, Clone, Copy)]
pub struct Month<'a> {
    /// Names the series: the satsning and the measure's code, so two measures wobble apart.
    pub key: &'a str,
    pub period: Period,
    /// Months since the satsning's first (0).
    pub index: usize,
    pub setback: bool,
    pub summer_break: bool,
}

impl Month<'_> {
    fn is_summer_break(&self) -> bool {
        self.summer_break && self.period.month() == 7
    }
}

/// The value and comment `measure` gets in `month` following `course`, or `None` when the
/// measure is not due then (by its frequency) or never reported. In a summer-break July an
/// aktivitetsmått is low and says why; an effektmått has no value, only the reason.
pub fn entry(
    measure: &Measure,
    course: Course,
    month: &Month,
) -> Option<(Option<f64>, &'static str)> {
    if measure.retired || !is_due(measure.frequency, month.period) {
        return None;
    }
    let value = value(measure, course, month)?;
    Some(match measure.kind {
        MeasureKind::Activity if month.is_summer_break() => (Some(value), SUMMER_COMMENT),
        MeasureKind::Effect if month.is_summer_break() => (None, SUMMER_GAP_COMMENT),
        _ => (Some(value), ""),
    })
}

/// The measure's value in `month`, fitted to its value type.
pub fn value(measure: &Measure, course: Course, month: &Month) -> Option<f64> {
    let w = wobble(month.key, month.period);
    let raw = match course {
        Course::Unreported => return None,
        Course::Level {
            per_month,
            ramp_months,
        } => {
            let ramp = if ramp_months == 0 {
                1.0
            } else {
                ((month.index + 1) as f64 / f64::from(ramp_months)).min(1.0)
            };
            let season = if month.is_summer_break() { 0.15 } else { 1.0 };
            let setback = if month.setback { 0.6 } else { 1.0 };
            let expected = per_month * ramp * season * setback;
            // An eighth either way, and for small counts at least one.
            expected + w * (expected / 8.0).max(1.0)
        }
        Course::Toward { reach, wobble } => {
            let (baseline, _) = measure.baseline?;
            let planned =
                crate::report::target_on(measure, month.period.last_day()).unwrap_or(baseline);
            let dip = if month.setback {
                2.0 * wobble.max(1.0)
            } else {
                0.0
            };
            let worse = match measure.direction {
                Direction::Lower => 1.0,
                Direction::Higher | Direction::Within => -1.0,
            };
            baseline + (planned - baseline) * reach + wobble * w + worse * dip
        }
        Course::Steady { value, wobble } => value + wobble * w,
    };
    Some(fit(measure.value_type, raw))
}

/// A raw number as the value type holds it: whole counts and kronor, shares and scale values
/// with one decimal within their range, ja/nej as 1/0.
pub fn fit(value_type: ValueType, raw: f64) -> f64 {
    let one_decimal = |v: f64| (v * 10.0).round() / 10.0;
    match value_type {
        ValueType::Count | ValueType::Amount => raw.round().max(0.0),
        ValueType::Share => one_decimal(raw.clamp(0.0, 100.0)),
        ValueType::Scale => one_decimal(raw.clamp(1.0, 5.0)),
        ValueType::YesNo => {
            if raw >= 0.5 {
                1.0
            } else {
                0.0
            }
        }
    }
}

/// A number in [-1, 1) fixed by `key` and `period` (FNV-1a of the key, mixed with the month by
/// splitmix64): the demo's noise, the same on every machine and every seed.
pub fn wobble(key: &str, period: Period) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = hash ^ (period.as_db() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Frequency;
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn month(key: &str, period: Period, index: usize) -> Month<'_> {
        Month {
            key,
            period,
            index,
            setback: false,
            summer_break: false,
        }
    }

    fn share_toward(direction: Direction) -> Measure {
        Measure {
            kind: MeasureKind::Effect,
            value_type: ValueType::Share,
            unit: "%".into(),
            direction,
            baseline: Some((40.0, date(2016, 1, 31))),
            target: Some((80.0, date(2018, 12, 31))),
            ..Measure::example(1)
        }
    }

    #[test]
    fn the_wobble_is_fixed_by_key_and_month_and_stays_in_range() {
        let p = Period::new(2017, 3).unwrap();
        assert_eq!(wobble("Skolfam E1", p), wobble("Skolfam E1", p));
        assert_ne!(wobble("Skolfam E1", p), wobble("Skolfam E2", p));
        assert_ne!(wobble("Skolfam E1", p), wobble("Skolfam E1", p.next()));
        let all: Vec<f64> = (0..500).map(|i| wobble(&format!("k{i}"), p)).collect();
        assert!(all.iter().all(|w| (-1.0..1.0).contains(w)));
        // Spread over the whole range, not stuck on one side.
        assert!(all.iter().any(|w| *w < -0.8) && all.iter().any(|w| *w > 0.8));
    }

    #[test]
    fn an_effect_on_course_follows_its_target_line_and_one_off_course_falls_behind() {
        let m = share_toward(Direction::Higher);
        let end = Period::new(2018, 12).unwrap();
        let on = value(
            &m,
            Course::Toward {
                reach: 1.0,
                wobble: 1.0,
            },
            &month("a", end, 35),
        );
        let off = value(
            &m,
            Course::Toward {
                reach: 0.1,
                wobble: 1.0,
            },
            &month("a", end, 35),
        );
        assert!((on.unwrap() - 80.0).abs() <= 1.0, "{on:?}");
        assert!((off.unwrap() - 44.0).abs() <= 1.0, "{off:?}");
        // In between, on the line: halfway through, halfway there.
        let mid = Period::new(2017, 6).unwrap();
        let half = value(
            &m,
            Course::Toward {
                reach: 1.0,
                wobble: 0.0,
            },
            &month("a", mid, 17),
        );
        let planned = crate::report::target_on(&m, mid.last_day()).unwrap();
        assert_eq!(half, Some(fit(ValueType::Share, planned)));
        // Without a baseline there is no line to follow: nothing is made up.
        let loose = Measure {
            baseline: None,
            ..m
        };
        assert_eq!(
            value(
                &loose,
                Course::Toward {
                    reach: 1.0,
                    wobble: 1.0
                },
                &month("a", end, 35)
            ),
            None
        );
    }

    #[test]
    fn a_setback_moves_an_effect_the_wrong_way_and_halves_activity() {
        let p = Period::new(2017, 6).unwrap();
        let plain = month("b", p, 17);
        let setback = Month {
            setback: true,
            ..plain
        };
        let course = Course::Toward {
            reach: 1.0,
            wobble: 1.0,
        };
        let higher = share_toward(Direction::Higher);
        assert!(value(&higher, course, &setback) < value(&higher, course, &plain));
        let lower = share_toward(Direction::Lower);
        assert!(value(&lower, course, &setback) > value(&lower, course, &plain));
        let activity = Measure::example(2);
        let level = Course::Level {
            per_month: 100.0,
            ramp_months: 0,
        };
        let normal = value(&activity, level, &plain).unwrap();
        let less = value(&activity, level, &setback).unwrap();
        assert!((85.0..=115.0).contains(&normal), "{normal}");
        assert!(less < normal * 0.7, "{less} against {normal}");
    }

    #[test]
    fn activity_ramps_up_and_rests_in_a_summer_break_july_with_a_comment() {
        let activity = Measure::example(1);
        let course = Course::Level {
            per_month: 40.0,
            ramp_months: 4,
        };
        let may = Period::new(2016, 5).unwrap();
        let first = value(&activity, course, &month("c", may, 0)).unwrap();
        let fourth = value(&activity, course, &month("c", may, 3)).unwrap();
        assert!(first <= 12.0 && fourth >= 35.0, "{first} then {fourth}");
        let july = Period::new(2016, 7).unwrap();
        let summer = Month {
            summer_break: true,
            ..month("c", july, 10)
        };
        let (low, comment) = entry(&activity, course, &summer).unwrap();
        assert!(low.unwrap() <= 7.0, "{low:?}");
        assert_eq!(comment, SUMMER_COMMENT);
        // A monthly effektmått has nothing to measure then: a gap, with the reason.
        let effect = Measure {
            frequency: Frequency::Monthly,
            ..share_toward(Direction::Higher)
        };
        let toward = Course::Toward {
            reach: 1.0,
            wobble: 1.0,
        };
        assert_eq!(
            entry(&effect, toward, &summer),
            Some((None, SUMMER_GAP_COMMENT))
        );
        // Without a summer break July is an ordinary month.
        let (ordinary, comment) = entry(&activity, course, &month("c", july, 10)).unwrap();
        assert!(ordinary.unwrap() >= 35.0 && comment.is_empty());
    }

    #[test]
    fn a_measure_gets_values_only_in_the_months_it_is_due() {
        let half_year = Measure {
            frequency: Frequency::HalfYearly,
            ..share_toward(Direction::Higher)
        };
        let course = Course::Toward {
            reach: 1.0,
            wobble: 1.0,
        };
        let due: Vec<u32> = (1..=12)
            .filter(|m| {
                let p = Period::new(2017, *m).unwrap();
                entry(&half_year, course, &month("d", p, 0)).is_some()
            })
            .collect();
        assert_eq!(due, [6, 12]);
        let p = Period::new(2017, 12).unwrap();
        assert_eq!(
            entry(&half_year, Course::Unreported, &month("d", p, 0)),
            None
        );
        let retired = Measure {
            retired: true,
            ..half_year
        };
        assert_eq!(entry(&retired, course, &month("d", p, 0)), None);
    }

    #[test]
    fn reports_leave_out_skipped_months_and_explain_setbacks() {
        let activity = Measure::example(1);
        let effect = Measure {
            frequency: Frequency::Quarterly,
            ..share_toward(Direction::Higher)
        };
        let measures = [
            (
                activity,
                Course::Level {
                    per_month: 20.0,
                    ramp_months: 0,
                },
            ),
            (
                effect,
                Course::Toward {
                    reach: 1.0,
                    wobble: 1.0,
                },
            ),
        ];
        let months = Period::range(Period::new(2016, 1).unwrap(), Period::new(2016, 6).unwrap());
        let reporting = Reporting {
            skipped: &[1],
            setbacks: &[3],
            setback_comment: "Sjukdom.",
            ..Reporting::STEADY
        };
        let reports = reports("X", &reporting, &measures, &months, false);
        let periods: Vec<u32> = reports.iter().map(|r| r.period.month()).collect();
        assert_eq!(periods, [1, 3, 4, 5, 6], "february skipped");
        assert!(reports.iter().all(|r| r.plan == MonthPlan::Submitted));
        // The effektmått is quarterly: in March and June only.
        assert_eq!(reports[1].entries.len(), 2);
        assert_eq!(reports[2].entries.len(), 1);
        // April (month 3) had a setback: the activity says why.
        assert_eq!(reports[2].entries[0].2, "Sjukdom.");
        assert_eq!(reports[3].entries[0].2, "");
        // The same inputs give the same numbers.
        assert_eq!(
            reports,
            super::reports("X", &reporting, &measures, &months, false)
        );
    }

    #[test]
    fn values_fit_their_type() {
        assert_eq!(fit(ValueType::Count, 12.6), 13.0);
        assert_eq!(fit(ValueType::Count, -2.0), 0.0);
        assert_eq!(fit(ValueType::Share, 62.54), 62.5);
        assert_eq!(fit(ValueType::Share, 104.0), 100.0);
        assert_eq!(fit(ValueType::Scale, 0.2), 1.0);
        assert_eq!(fit(ValueType::Amount, 1234.4), 1234.0);
        assert_eq!(fit(ValueType::YesNo, 0.7), 1.0);
    }

    #[test]
    fn a_running_satsning_has_last_month_begun_and_a_stalled_one_is_late_before_it() {
        let steady = Reporting::STEADY;
        let plans = |r: &Reporting, running| -> Vec<MonthPlan> {
            (0..6).map(|i| month_plan(r, i, 6, running)).collect()
        };
        use MonthPlan::{Skipped as S, Started as B, Submitted as R};
        assert_eq!(plans(&steady, false), [R, R, R, R, R, R]);
        assert_eq!(plans(&steady, true), [R, R, R, R, R, B]);
        let stalled = Reporting {
            stalled: 2,
            skipped: &[0],
            ..steady
        };
        assert_eq!(plans(&stalled, true), [S, R, R, S, S, B]);
        // An ended satsning has no "last month in progress".
        assert_eq!(plans(&stalled, false), [S, R, R, R, R, R]);
    }
}
