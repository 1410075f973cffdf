//! Månadsrapportering: reporting months, due and lock dates, which measures are due when,
//! reported values by value type, and the status of a satsning's month (pure; unit-tested).
//! SQL in `repo.rs`, server functions in `api.rs`, pages in `ui.rs`.

pub mod api;
pub mod chart;
#[cfg(feature = "ssr")]
pub mod file_repo;
pub mod half;
pub mod import;
pub mod import_api;
pub mod import_ui;
#[cfg(feature = "hydrate")]
mod leave_guard;
pub mod month;
pub mod plausibility;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod todo;
pub mod ui;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::schema::{Frequency, Measure, ValueType};
use crate::sv::number::{YEARS, format_decimal, number_message, parse_decimal, plain_decimal};

/// A reporting month, e.g. november 2026. Stored as YYYYMM, written "2026-11" in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    year: i32,
    month: u32,
}

use crate::sv::date::MONTHS;

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (YEARS.contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Reads "2026-11" (as in URLs and imports) or "202611".
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (year, month) = match raw.split_once('-') {
            Some((y, m)) if y.len() == 4 && m.len() == 2 => (y, m),
            None if raw.len() == 6 => raw.split_at(4),
            _ => return None,
        };
        Self::new(year.parse().ok()?, month.parse().ok()?)
    }

    /// Stored value: YYYYMM.
    pub fn as_db(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    pub fn from_db(value: i64) -> Option<Self> {
        Self::new(i32::try_from(value / 100).ok()?, (value % 100) as u32)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn next(self) -> Self {
        Self::of(self.first_day() + Months::new(1))
    }

    pub fn prev(self) -> Self {
        Self::of(self.first_day() - Months::new(1))
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("valid date")
    }

    /// Day `day` of this month, or its last day when the month is shorter.
    fn day(self, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, day).unwrap_or_else(|| self.last_day())
    }

    /// "november 2026".
    pub fn label(self) -> String {
        format!("{} {}", MONTHS[self.month as usize - 1], self.year)
    }

    /// "nov": the month's short name, for calendar columns.
    pub fn short_month(self) -> &'static str {
        &MONTHS[self.month as usize - 1][..3]
    }

    /// Months from `from` to `to`, both included.
    pub fn range(from: Self, to: Self) -> Vec<Self> {
        let mut months = Vec::new();
        let mut p = from;
        while p <= to {
            months.push(p);
            p = p.next();
        }
        months
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// What runs when a satsning's values changed (the form, the import, a correction, a survey
/// transfer, the half-year report's costs): the server registers the deviation evaluation
/// here, so reporting does not depend on the concept built on it. It runs inside the change's
/// own transaction, before its commit, so the flags are committed with the values that raised
/// them in one durable write. A failure undoes only what the hook wrote and is logged: the
/// change stands, and the next sweep evaluates again.
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct AfterValues(Option<std::sync::Arc<AfterValuesHook>>);

#[cfg(feature = "ssr")]
type AfterValuesHook = dyn for<'t> Fn(
        &'t mut crate::db::Tx,
        i64,
    ) -> futures::future::BoxFuture<'t, Result<(), crate::error::AppError>>
    + Send
    + Sync;

#[cfg(feature = "ssr")]
impl AfterValues {
    pub fn new(
        hook: impl for<'t> Fn(
            &'t mut crate::db::Tx,
            i64,
        )
            -> futures::future::BoxFuture<'t, Result<(), crate::error::AppError>>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self(Some(std::sync::Arc::new(hook)))
    }

    /// No hook (the demo and tests that evaluate by a sweep of their own).
    pub fn none() -> Self {
        Self(None)
    }

    /// The hook the server registered in the Leptos context, or none.
    pub fn from_context() -> Self {
        leptos::prelude::use_context::<AfterValues>().unwrap_or_default()
    }

    /// Runs the hook for satsning `initiative_id` inside `tx`, behind a savepoint. Only a
    /// failure of the transaction itself is returned; the hook's own is logged.
    pub async fn run(
        &self,
        tx: &mut crate::db::Tx,
        initiative_id: i64,
    ) -> Result<(), crate::error::AppError> {
        let Some(hook) = &self.0 else {
            return Ok(());
        };
        let hook = hook.clone();
        if let Err(error) = tx.undo_on_error(move |tx| hook(tx, initiative_id)).await? {
            tracing::error!(initiative_id, ?error, "avvikelser kunde inte utvärderas");
        }
        Ok(())
    }
}

/// When a month is due and when it locks: on these days of the following month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// The month's values are due on this day of the next month (default 10).
    pub due_day: u32,
    /// After this day of the next month the values are read-only for projektledare (default 20).
    pub lock_day: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            due_day: 10,
            lock_day: 20,
        }
    }
}

impl Rules {
    pub fn due_date(&self, period: Period) -> NaiveDate {
        period.next().day(self.due_day)
    }

    pub fn lock_date(&self, period: Period) -> NaiveDate {
        period.next().day(self.lock_day)
    }

    /// Locked the day after the lock date.
    pub fn is_locked(&self, period: Period, today: NaiveDate) -> bool {
        today > self.lock_date(period)
    }

    pub fn is_overdue(&self, period: Period, today: NaiveDate) -> bool {
        today > self.due_date(period)
    }
}

/// Is a measure of `frequency` reported in `period`? Quarters end in March, June, September
/// and December, half-years in June and December, years in December.
pub fn is_due(frequency: Frequency, period: Period) -> bool {
    match frequency {
        Frequency::Monthly => true,
        Frequency::Quarterly => period.month.is_multiple_of(3),
        Frequency::HalfYearly => period.month.is_multiple_of(6),
        Frequency::Yearly => period.month == 12,
    }
}

/// The months a satsning reports: from its start to its end, but not after this month.
pub fn reporting_months(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> Vec<Period> {
    Period::range(Period::of(start), Period::of(end).min(Period::of(today)))
}

/// Status of a satsning's month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MonthStatus {
    /// Marked complete ("Markera som inrapporterad").
    Reported,
    /// The running month, nothing saved yet: it cannot be missing before it has ended.
    InProgress,
    /// Some values saved, not marked complete, not yet late.
    Started,
    /// Ended, nothing saved, not yet due.
    Missing,
    /// Past the due date and not marked complete.
    Late,
    /// Past the lock date with values saved but never marked complete.
    LockedStarted,
    /// Past the lock date and nothing was ever saved.
    Locked,
}

impl MonthStatus {
    pub fn of(
        rules: &Rules,
        period: Period,
        today: NaiveDate,
        submitted: bool,
        has_values: bool,
    ) -> Self {
        if submitted {
            MonthStatus::Reported
        } else if rules.is_locked(period, today) {
            if has_values {
                MonthStatus::LockedStarted
            } else {
                MonthStatus::Locked
            }
        } else if rules.is_overdue(period, today) {
            MonthStatus::Late
        } else if has_values {
            MonthStatus::Started
        } else if period >= Period::of(today) {
            MonthStatus::InProgress
        } else {
            MonthStatus::Missing
        }
    }

    /// Locked without being marked complete (whether or not anything was saved).
    pub fn is_locked(self) -> bool {
        matches!(self, MonthStatus::Locked | MonthStatus::LockedStarted)
    }

    pub fn label(self) -> &'static str {
        match self {
            MonthStatus::Reported => "Inrapporterad",
            MonthStatus::InProgress => "Pågår",
            MonthStatus::Started => "Påbörjad",
            MonthStatus::Missing => "Saknas",
            MonthStatus::Late => "Försenad",
            MonthStatus::LockedStarted => "Låst, påbörjad",
            MonthStatus::Locked => "Låst, aldrig rapporterad",
        }
    }

    /// CSS modifier (colour plus a mark, never colour alone).
    pub fn class(self) -> &'static str {
        match self {
            MonthStatus::Reported => "status-reported",
            MonthStatus::InProgress => "status-in-progress",
            MonthStatus::Started => "status-started",
            MonthStatus::Missing => "status-missing",
            MonthStatus::Late => "status-late",
            MonthStatus::LockedStarted => "status-locked-started",
            MonthStatus::Locked => "status-locked",
        }
    }

    /// Every status, in the order a legend lists them.
    pub const ALL: [MonthStatus; 7] = [
        MonthStatus::Reported,
        MonthStatus::InProgress,
        MonthStatus::Started,
        MonthStatus::Missing,
        MonthStatus::Late,
        MonthStatus::LockedStarted,
        MonthStatus::Locked,
    ];
}

/// Completeness: marked-complete months among those already due, in percent.
pub fn completeness(
    statuses: &[(Period, MonthStatus)],
    rules: &Rules,
    today: NaiveDate,
) -> Option<u8> {
    let due: Vec<_> = statuses
        .iter()
        .filter(|(p, _)| rules.is_overdue(*p, today))
        .collect();
    if due.is_empty() {
        return None;
    }
    let reported = due
        .iter()
        .filter(|(_, s)| *s == MonthStatus::Reported)
        .count();
    Some(((reported * 100) / due.len()) as u8)
}

/// Reads a reported value of `value_type`: Swedish numbers ("1 234,5", "12,5 %"), ja/nej as
/// "ja"/"nej" or 1/0. Empty is `None`. The error is a Swedish message for the field.
pub fn parse_value(value_type: ValueType, raw: &str) -> Result<Option<f64>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if value_type == ValueType::YesNo {
        return match text.to_lowercase().as_str() {
            "ja" | "1" => Ok(Some(1.0)),
            "nej" | "0" => Ok(Some(0.0)),
            _ => Err("Svara ja eller nej.".into()),
        };
    }
    if text.ends_with('%') && value_type != ValueType::Share {
        return Err("Procent går bara för andelar. Skriv ett tal.".into());
    }
    let value = parse_decimal(text)
        .map_err(|_| number_message(text).to_string())?
        .ok_or_else(|| "Skriv ett tal.".to_string())?;
    match value_type {
        ValueType::Count if value < 0.0 || value.fract() != 0.0 => {
            Err("Antal är ett heltal, 0 eller mer.".into())
        }
        ValueType::Share if !(0.0..=100.0).contains(&value) => {
            Err("Andelen anges i procent, mellan 0 och 100.".into())
        }
        ValueType::Scale if !(1.0..=5.0).contains(&value) => {
            Err("Värdet på skalan ska vara mellan 1 och 5.".into())
        }
        ValueType::Amount if value < 0.0 => Err("Beloppet kan inte vara negativt.".into()),
        _ => Ok(Some(value)),
    }
}

/// A value as the form and tables show it: "1 234,5", "Ja".
pub fn format_value(value_type: ValueType, value: f64) -> String {
    match value_type {
        ValueType::YesNo if value == 1.0 => "Ja".into(),
        ValueType::YesNo => "Nej".into(),
        _ => format_decimal(value),
    }
}

/// A value with the measure's unit: "62,5 %", "12 elever", "Ja".
pub fn with_unit(measure: &Measure, value: f64) -> String {
    let text = format_value(measure.value_type, value);
    if measure.unit.is_empty() {
        text
    } else {
        format!("{text} {}", measure.unit)
    }
}

/// How many decimals a measure's numbers carry: whole numbers for counts, amounts and ja/nej,
/// one decimal for shares and scales, more when the measure's own baseline, delmål or target
/// are written with more (at most two, as [`format_decimal`] shows numbers).
pub fn precision(measure: &Measure) -> u32 {
    let by_type = match measure.value_type {
        ValueType::Share | ValueType::Scale => 1,
        _ => 0,
    };
    let own = measure
        .baseline
        .map(|(v, _)| v)
        .into_iter()
        .chain(measure.target.map(|(v, _)| v))
        .chain(measure.milestones.iter().map(|(_, v)| *v))
        .map(decimals)
        .max()
        .unwrap_or(0);
    by_type.max(own)
}

/// The decimals needed to write `value` exactly, at most two.
fn decimals(value: f64) -> u32 {
    (0..2)
        .find(|d| {
            let scaled = value * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(2)
}

/// `value` rounded to `decimals` decimals.
pub fn round_to(value: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (value * scale).round() / scale
}

/// The month's target as the form shows it: on the month's last day, rounded to the measure's
/// [`precision`], with its unit ("63 %", not "62,87 %").
pub fn target_text(measure: &Measure, period: Period) -> Option<String> {
    let target = target_on(measure, period.last_day())?;
    Some(with_unit(measure, round_to(target, precision(measure))))
}

/// A value as the form field shows it for editing: digits with a decimal comma, no grouping.
pub fn edit_text(value_type: ValueType, value: f64) -> String {
    match value_type {
        ValueType::YesNo => format_value(value_type, value).to_lowercase(),
        _ => plain_decimal(value),
    }
}

/// The target on `date`: along straight lines from the baseline through the delmål to the
/// target; `None` without a target, the target itself after its date.
pub fn target_on(measure: &Measure, date: NaiveDate) -> Option<f64> {
    let (target, target_date) = measure.target?;
    let mut points: Vec<(NaiveDate, f64)> =
        measure.baseline.map(|(v, d)| (d, v)).into_iter().collect();
    points.extend(measure.milestones.iter().copied());
    points.push((target_date, target));
    if date >= target_date {
        return Some(target);
    }
    let after = points.iter().position(|(d, _)| *d >= date)?;
    if after == 0 {
        // Before the baseline (or the first point): no trajectory yet.
        return (points[0].0 == date).then_some(points[0].1);
    }
    let (d0, v0) = points[after - 1];
    let (d1, v1) = points[after];
    let span = (d1 - d0).num_days().max(1) as f64;
    let done = (date - d0).num_days() as f64;
    Some(v0 + (v1 - v0) * done / span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Direction, MeasureKind, Source};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods_parse_print_and_step() {
        let p = Period::parse("2026-11").unwrap();
        assert_eq!(p.to_string(), "2026-11");
        assert_eq!(p.as_db(), 202611);
        assert_eq!(Period::from_db(202611), Some(p));
        assert_eq!(Period::parse("202611"), Some(p));
        assert_eq!(p.next().to_string(), "2026-12");
        assert_eq!(p.next().next().to_string(), "2027-01");
        assert_eq!(
            Period::parse("2026-01").unwrap().prev().to_string(),
            "2025-12"
        );
        assert_eq!(p.label(), "november 2026");
        assert_eq!(p.last_day(), date(2026, 11, 30));
        for bad in ["2026-13", "2026-1", "26-11", "", "2026-00", "abcd-ef"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(
            reporting_months(date(2026, 9, 15), date(2028, 6, 30), date(2026, 11, 25)).len(),
            3
        );
    }

    #[test]
    fn due_and_lock_dates_follow_the_rules() {
        let rules = Rules {
            due_day: 10,
            lock_day: 31,
        };
        let nov = Period::parse("2026-11").unwrap();
        assert_eq!(rules.due_date(nov), date(2026, 12, 10));
        let jan = Period::parse("2027-01").unwrap();
        assert_eq!(
            rules.lock_date(jan),
            date(2027, 2, 28),
            "clamped to February"
        );
        assert!(!rules.is_overdue(nov, date(2026, 12, 10)));
        assert!(rules.is_overdue(nov, date(2026, 12, 11)));
        assert!(!rules.is_locked(nov, date(2026, 12, 31)));
        assert!(rules.is_locked(nov, date(2027, 1, 1)));
    }

    #[test]
    fn frequency_decides_the_months() {
        let months: Vec<u32> = (1..=12)
            .filter(|m| is_due(Frequency::Quarterly, Period::new(2026, *m).unwrap()))
            .collect();
        assert_eq!(months, [3, 6, 9, 12]);
        assert!(is_due(Frequency::HalfYearly, Period::new(2026, 6).unwrap()));
        assert!(!is_due(
            Frequency::HalfYearly,
            Period::new(2026, 9).unwrap()
        ));
        assert!(is_due(Frequency::Yearly, Period::new(2026, 12).unwrap()));
        assert!(!is_due(Frequency::Yearly, Period::new(2026, 11).unwrap()));
    }

    #[test]
    fn month_status_precedence() {
        let rules = Rules::default();
        let oct = Period::parse("2026-10").unwrap();
        let status =
            |today, submitted, values| MonthStatus::of(&rules, oct, today, submitted, values);
        assert_eq!(
            status(date(2026, 11, 3), false, false),
            MonthStatus::Missing
        );
        assert_eq!(
            status(date(2026, 10, 20), false, true),
            MonthStatus::Started
        );
        assert_eq!(status(date(2026, 11, 11), false, true), MonthStatus::Late);
        assert_eq!(
            status(date(2026, 11, 21), false, true),
            MonthStatus::LockedStarted
        );
        assert_eq!(
            status(date(2026, 11, 21), true, true),
            MonthStatus::Reported
        );
        assert!(MonthStatus::LockedStarted.is_locked() && !MonthStatus::Late.is_locked());
        let statuses = [
            (Period::parse("2026-08").unwrap(), MonthStatus::Reported),
            (Period::parse("2026-09").unwrap(), MonthStatus::Locked),
            (oct, MonthStatus::Started),
        ];
        assert_eq!(
            completeness(&statuses, &rules, date(2026, 10, 25)),
            Some(50)
        );
        assert_eq!(
            completeness(&statuses[2..], &rules, date(2026, 10, 25)),
            None
        );
    }

    #[test]
    fn values_are_read_by_type_the_swedish_way() {
        assert_eq!(parse_value(ValueType::Count, "1 234"), Ok(Some(1234.0)));
        assert_eq!(parse_value(ValueType::Count, "  "), Ok(None));
        assert!(
            parse_value(ValueType::Count, "12,5")
                .unwrap_err()
                .contains("heltal")
        );
        assert!(
            parse_value(ValueType::Count, "-1")
                .unwrap_err()
                .contains("heltal")
        );
        assert_eq!(parse_value(ValueType::Share, "12,5 %"), Ok(Some(12.5)));
        assert!(
            parse_value(ValueType::Share, "101")
                .unwrap_err()
                .contains("mellan 0 och 100")
        );
        assert!(
            parse_value(ValueType::Count, "12 %")
                .unwrap_err()
                .contains("Procent")
        );
        assert!(
            parse_value(ValueType::Scale, "6")
                .unwrap_err()
                .contains("mellan 1 och 5")
        );
        assert_eq!(parse_value(ValueType::Scale, "3,5"), Ok(Some(3.5)));
        assert_eq!(parse_value(ValueType::YesNo, "Ja"), Ok(Some(1.0)));
        assert_eq!(parse_value(ValueType::YesNo, "nej"), Ok(Some(0.0)));
        assert!(parse_value(ValueType::YesNo, "kanske").is_err());
        assert_eq!(
            parse_value(ValueType::Amount, "1 500 000"),
            Ok(Some(1_500_000.0))
        );
        assert!(
            parse_value(ValueType::Amount, "tolv")
                .unwrap_err()
                .contains("Skriv ett tal")
        );
        assert_eq!(format_value(ValueType::Amount, 1234.5), "1\u{a0}234,5");
        assert_eq!(format_value(ValueType::YesNo, 1.0), "Ja");
        assert_eq!(edit_text(ValueType::Share, 12.5), "12,5");
    }

    #[test]
    fn the_running_month_is_in_progress_not_missing() {
        let rules = Rules::default();
        let dec = Period::parse("2026-12").unwrap();
        let today = date(2026, 12, 1);
        assert_eq!(
            MonthStatus::of(&rules, dec, today, false, false),
            MonthStatus::InProgress
        );
        assert_eq!(MonthStatus::InProgress.label(), "Pågår");
        assert_eq!(
            MonthStatus::of(&rules, dec, date(2026, 12, 31), false, true),
            MonthStatus::Started,
            "values saved: begun"
        );
        assert_eq!(
            MonthStatus::of(&rules, dec, date(2027, 1, 1), false, false),
            MonthStatus::Missing,
            "the month has ended"
        );
    }

    #[test]
    fn a_locked_month_says_whether_it_was_ever_reported() {
        let rules = Rules::default();
        let sep = Period::parse("2026-09").unwrap();
        let after_lock = date(2026, 10, 21);
        let never = MonthStatus::of(&rules, sep, after_lock, false, false);
        assert_eq!(never, MonthStatus::Locked);
        assert_eq!(never.label(), "Låst, aldrig rapporterad");
        let begun = MonthStatus::of(&rules, sep, after_lock, false, true);
        assert_eq!(begun.label(), "Låst, påbörjad");
        assert!(never.is_locked() && begun.is_locked());
        assert_eq!(
            MonthStatus::of(&rules, sep, date(2026, 10, 20), false, false),
            MonthStatus::Late,
            "locked the day after the lock date"
        );
        let classes: std::collections::HashSet<_> =
            MonthStatus::ALL.iter().map(|s| s.class()).collect();
        assert_eq!(classes.len(), MonthStatus::ALL.len(), "one class each");
    }

    #[test]
    fn targets_are_rounded_to_the_measures_precision() {
        let line = |value_type, baseline: f64, target: f64| Measure {
            value_type,
            unit: "st".into(),
            baseline: Some((baseline, date(2026, 1, 1))),
            target: Some((target, date(2027, 1, 1))),
            ..Measure::example(1)
        };
        let nov = Period::parse("2026-11").unwrap();
        // 20 → 27 over the year: 26,4… on 30 November.
        let count = line(ValueType::Count, 20.0, 27.0);
        assert_eq!(precision(&count), 0);
        assert_eq!(target_text(&count, nov).as_deref(), Some("26 st"));
        let share = line(ValueType::Share, 50.0, 80.0);
        assert_eq!(precision(&share), 1);
        assert_eq!(target_text(&share, nov).as_deref(), Some("77,4 st"));
        let fine = line(ValueType::Amount, 1.25, 2.0);
        assert_eq!(precision(&fine), 2, "the measure's own decimals count");
        assert_eq!(round_to(2.345, 1), 2.3);
        assert_eq!(round_to(1234.5, 0), 1235.0);
        assert_eq!(decimals(0.1), 1);
    }

    #[test]
    fn target_follows_the_line_through_delmal() {
        let measure = Measure {
            id: 1,
            kind: MeasureKind::Effect,
            activity_id: Some(1),
            goal_id: None,
            code: "E1".into(),
            name: "x".into(),
            definition: String::new(),
            unit: "%".into(),
            value_type: ValueType::Share,
            frequency: Frequency::Monthly,
            direction: Direction::Higher,
            baseline: Some((40.0, date(2026, 1, 1))),
            target: Some((80.0, date(2028, 1, 1))),
            milestones: vec![(date(2027, 1, 1), 70.0)],
            tolerance_yellow: None,
            tolerance_red: None,
            interval: None,
            source: Source::Manual,
            comparison: String::new(),
            retired: false,
            signals: crate::schema::Signals::default(),
        };
        assert_eq!(target_on(&measure, date(2025, 6, 1)), None);
        assert_eq!(target_on(&measure, date(2026, 1, 1)), Some(40.0));
        assert_eq!(target_on(&measure, date(2027, 1, 1)), Some(70.0));
        let mid = target_on(&measure, date(2027, 7, 2)).unwrap();
        assert!((mid - 75.0).abs() < 0.1, "{mid}");
        assert_eq!(target_on(&measure, date(2029, 1, 1)), Some(80.0));
    }
}
