//! Avvikelser: deviation flags that Utfall raises itself from a satsning's values and
//! reporting, and carries to a decision by the beredningsgrupp (pure; unit-tested).
//!
//! The rules are in `rules.rs` (one function each, one registration list), their statistics in
//! `spc.rs`; this module holds the flag's vocabulary (severity, status, decision), the
//! thresholds, the evaluation of a satsning ([`evaluate`]) and how findings meet stored flags
//! ([`reconcile`]). SQL in `repo.rs`, server functions in `api.rs`, pages in `ui.rs`.
//!
//! A flag is one per rule × measure (or satsning) × window: a month for missing values, the
//! half-year of the latest value for the value rules (so each halvårsredovisning meets fresh
//! flags). A flag whose condition clears closes itself with a note; the same condition again
//! in the same window reopens that flag rather than creating another.

pub mod api;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod rules;
pub mod spc;
#[cfg(test)]
mod tests;
pub mod ui;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};
use crate::light::Light;
use crate::report::{MonthStatus, Period};
use crate::schema::{MeasureKind, Schema};
use rules::{Check, InitiativeInput, MeasureInput, MonthInput, RULES};

/// Allvarlighet: gul or röd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Yellow,
    Red,
}

impl Severity {
    pub fn as_db(self) -> &'static str {
        match self {
            Severity::Yellow => "gul",
            Severity::Red => "rod",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "gul" => Some(Severity::Yellow),
            "rod" => Some(Severity::Red),
            _ => None,
        }
    }

    /// The traffic light it is shown with (shape, word and colour).
    pub fn light(self) -> Light {
        match self {
            Severity::Yellow => Light::Yellow,
            Severity::Red => Light::Red,
        }
    }
}

/// Status of a flag: ny → förklarad → hanterad → stängd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FlagStatus {
    /// Ny: raised, waiting for the projektledare's explanation.
    New,
    /// Förklarad: the projektledare has explained it and planned an action.
    Explained,
    /// Hanterad: the beredningsgrupp has decided on it.
    Handled,
    /// Stängd: the condition has cleared.
    Closed,
}

impl FlagStatus {
    pub const ALL: [FlagStatus; 4] = [
        FlagStatus::New,
        FlagStatus::Explained,
        FlagStatus::Handled,
        FlagStatus::Closed,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            FlagStatus::New => "ny",
            FlagStatus::Explained => "forklarad",
            FlagStatus::Handled => "hanterad",
            FlagStatus::Closed => "stangd",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            FlagStatus::New => "Ny",
            FlagStatus::Explained => "Förklarad",
            FlagStatus::Handled => "Hanterad",
            FlagStatus::Closed => "Stängd",
        }
    }

    pub fn is_open(self) -> bool {
        self != FlagStatus::Closed
    }
}

/// Beslut: what the beredningsgrupp decides on a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Förklaringen godtas.
    Accepted,
    /// Åtgärd krävs.
    ActionRequired,
    /// Lyfts till styrgruppen.
    Escalated,
}

impl Decision {
    pub const ALL: [Decision; 3] = [
        Decision::Accepted,
        Decision::ActionRequired,
        Decision::Escalated,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            Decision::Accepted => "godtas",
            Decision::ActionRequired => "atgard",
            Decision::Escalated => "styrgrupp",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_db() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Accepted => "Förklaringen godtas",
            Decision::ActionRequired => "Åtgärd krävs",
            Decision::Escalated => "Lyfts till styrgruppen",
        }
    }
}

/// Thresholds of the rules. Defaults here and in the server's configuration
/// (`UTFALL_DEVIATION_*`); a measure may turn its statistical signals off or set its own run
/// length (`schema::Signals`, see [`Thresholds::for_measure`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Skift: this many values in a row on one side of the mean (default 7).
    pub shift_length: usize,
    /// Trend: this many values in a row rising or falling (default 7).
    pub trend_length: usize,
    /// A point outside the process limits needs at least this many values (default 6).
    pub spc_min_points: usize,
    /// Below this many values the process limits are provisional (default 12).
    pub provisional_below: usize,
    /// Anhøj's run-chart rules need at least this many values (default 10).
    pub run_chart_min_points: usize,
    /// Riktning compares the effektmått's last this many values (default 6).
    pub direction_periods: usize,
    /// Budget: spending may exceed budget × elapsed share by this many percentage points.
    pub budget_tolerance_percent: f64,
    /// Rapport: a half-year report this many days late turns the flag red (default 30).
    pub report_red_after_days: i64,
}

impl Thresholds {
    /// These thresholds with a measure's own settings: its run length for skift and trend.
    pub fn for_measure(&self, measure: &crate::schema::Measure) -> Thresholds {
        match measure.signals.run_length {
            Some(run) => Thresholds {
                shift_length: run,
                trend_length: run,
                ..*self
            },
            None => *self,
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            shift_length: 7,
            trend_length: 7,
            spc_min_points: 6,
            provisional_below: 12,
            run_chart_min_points: 10,
            direction_periods: 6,
            budget_tolerance_percent: 10.0,
            report_red_after_days: 30,
        }
    }
}

/// What a rule found: severity, the Swedish explanation with the concrete numbers, the
/// numbers themselves (name, value), the months it concerns (marked on the chart) and the
/// window that keys the flag.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub window: String,
    pub severity: Severity,
    pub explanation: String,
    pub numbers: Vec<(String, f64)>,
    pub points: Vec<Period>,
    /// A statistical finding on fewer values than the provisional limit.
    pub provisional: bool,
}

/// A finding of one rule for one measure (or the satsning as a whole).
#[derive(Debug, Clone, PartialEq)]
pub struct Raised {
    pub rule: &'static str,
    pub measure_id: Option<i64>,
    pub finding: Finding,
}

/// "2026-H2": the half-year a month belongs to (the window of the value rules).
pub fn half_year(period: Period) -> String {
    format!(
        "{}-H{}",
        period.year(),
        if period.month() <= 6 { 1 } else { 2 }
    )
}

/// How long an unsubmitted half-year report stays a deviation: a report due more than a year
/// ago belongs to a satsning's history (an ended satsning from before Utfall would otherwise
/// raise a flag for every half-year it ever ran).
pub const LATE_REPORT_LOOKBACK_DAYS: i64 = 365;

/// The Rapport rule's input: the half-years of `halves` (those the satsning reports on)
/// whose report is past its due date on `today`, not in (`is_in`: submitted or approved), and
/// due within [`LATE_REPORT_LOOKBACK_DAYS`]; oldest first.
pub fn late_reports(
    halves: &[crate::report::half::HalfYear],
    is_in: &HashSet<crate::report::half::HalfYear>,
    due_dates: &crate::report::half::DueDates,
    today: NaiveDate,
) -> Vec<rules::LateReport> {
    let mut late: Vec<rules::LateReport> = halves
        .iter()
        .filter(|half| !is_in.contains(half))
        .filter_map(|&half| {
            let due = due_dates.due(half);
            let days_late = (today - due).num_days();
            (1..=LATE_REPORT_LOOKBACK_DAYS)
                .contains(&days_late)
                .then_some(rules::LateReport {
                    half,
                    due,
                    days_late,
                })
        })
        .collect();
    late.sort_by_key(|r| r.half);
    late
}

/// The budget rule's input from the actual costs recorded so far (`economics::actual`):
/// spent to date against the budget and the share of the period passed on `today`. `None`
/// while nothing is recorded or the satsning has no budget, so the rule stays silent.
pub fn spending(
    budget_sek: i64,
    costs: &[crate::economics::actual::ActualCost],
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
) -> Option<rules::Spending> {
    if costs.is_empty() || budget_sek <= 0 {
        return None;
    }
    let total = (end - start).num_days().max(1) as f64;
    let passed = (today - start).num_days() as f64;
    Some(rules::Spending {
        spent_sek: crate::economics::actual::spent_to_date(costs),
        budget_sek,
        elapsed: (passed / total).clamp(0.0, 1.0),
    })
}

/// Everything the rules look at for one satsning.
#[derive(Debug, Clone, Default)]
pub struct Subject<'a> {
    pub measures: Vec<MeasureInput<'a>>,
    pub months: Vec<MonthInput>,
    pub initiative: InitiativeInput,
}

/// The subject of a satsning: its active measures with their values (`series`: measure id →
/// values in month order), each effektmått with the first indikator of its mål that has
/// values, and its reporting months past their due date.
pub fn subject<'a>(
    schema: &'a Schema,
    series: &'a HashMap<i64, Vec<(Period, f64)>>,
    months: Vec<MonthInput>,
) -> Subject<'a> {
    let empty: &'a [(Period, f64)] = &[];
    let values = |id: i64| series.get(&id).map_or(empty, Vec::as_slice);
    let goal_of_activity = |activity: i64| {
        schema
            .goals
            .iter()
            .find(|g| g.activities.iter().any(|a| a.id == activity))
            .map(|g| g.id)
    };
    let measures = schema
        .measures
        .iter()
        .filter(|m| !m.retired)
        .map(|m| {
            let indicator = (m.kind == MeasureKind::Effect)
                .then(|| m.activity_id.and_then(goal_of_activity))
                .flatten()
                .and_then(|goal| {
                    schema
                        .indicators(goal)
                        .into_iter()
                        .find(|i| !values(i.id).is_empty())
                })
                .map(|i| (i, values(i.id)));
            MeasureInput {
                measure: m,
                points: values(m.id),
                indicator,
            }
        })
        .collect();
    Subject {
        measures,
        months,
        initiative: InitiativeInput::default(),
    }
}

/// The reporting months of a satsning that are past their due date, with the due measures
/// and those lacking a value (`submitted`, `started`: the months marked inrapporterad and the
/// months with anything saved).
pub fn month_inputs(
    schema: &Schema,
    series: &HashMap<i64, Vec<(Period, f64)>>,
    months: &[Period],
    submitted: &HashSet<Period>,
    started: &HashSet<Period>,
    rules: &crate::report::Rules,
    today: NaiveDate,
) -> Vec<MonthInput> {
    months
        .iter()
        .filter(|p| rules.is_overdue(**p, today))
        .filter_map(|&period| {
            let due = crate::report::month::due_measures(schema, period);
            if due.is_empty() {
                return None;
            }
            let has = |id: i64| {
                series
                    .get(&id)
                    .is_some_and(|s| s.iter().any(|(p, _)| *p == period))
            };
            let status = MonthStatus::of(
                rules,
                period,
                today,
                submitted.contains(&period),
                started.contains(&period),
            );
            Some(MonthInput {
                period,
                status,
                due_date: rules.due_date(period),
                lock_date: rules.lock_date(period),
                missing: due
                    .iter()
                    .filter(|m| !has(m.id))
                    .map(|m| m.code.clone())
                    .collect(),
                due: due.iter().map(|m| m.code.clone()).collect(),
            })
        })
        .collect()
}

/// Every registered rule over `subject`: what is wrong now.
pub fn evaluate(subject: &Subject<'_>, thresholds: &Thresholds) -> Vec<Raised> {
    let mut raised = Vec::new();
    for rule in RULES {
        match rule.check {
            Check::Measure(check) => {
                for input in &subject.measures {
                    if let Some(finding) = check(input, thresholds) {
                        raised.push(Raised {
                            rule: rule.id,
                            measure_id: Some(input.measure.id),
                            finding,
                        });
                    }
                }
            }
            Check::Signal(check) => {
                for input in subject.measures.iter().filter(|m| !m.measure.signals.off) {
                    if let Some(finding) = check(input, &thresholds.for_measure(input.measure)) {
                        raised.push(Raised {
                            rule: rule.id,
                            measure_id: Some(input.measure.id),
                            finding,
                        });
                    }
                }
            }
            Check::Month(check) => {
                for month in &subject.months {
                    if let Some(finding) = check(month, thresholds) {
                        raised.push(Raised {
                            rule: rule.id,
                            measure_id: None,
                            finding,
                        });
                    }
                }
            }
            Check::Initiative(check) => {
                if let Some(finding) = check(&subject.initiative, thresholds) {
                    raised.push(Raised {
                        rule: rule.id,
                        measure_id: None,
                        finding,
                    });
                }
            }
        }
    }
    raised
}

/// A stored flag as [`reconcile`] compares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub id: i64,
    pub rule: String,
    pub measure_id: Option<i64>,
    pub window: String,
    pub severity: Severity,
    pub status: FlagStatus,
    pub explanation: String,
    pub numbers: Vec<(String, f64)>,
    pub points: Vec<Period>,
}

/// One change to the stored flags.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<'a> {
    /// A new flag (status ny).
    Open(&'a Raised),
    /// A closed flag whose condition is back: status ny again.
    Reopen { id: i64, raised: &'a Raised },
    /// An open flag with new numbers (and perhaps a new severity); its status stays.
    Refresh {
        id: i64,
        raised: &'a Raised,
        severity_was: Severity,
    },
    /// An open flag whose condition has cleared: stängd, with the note.
    Close { id: i64, note: String },
}

fn same_key(stored: &Stored, raised: &Raised) -> bool {
    stored.rule == raised.rule
        && stored.measure_id == raised.measure_id
        && stored.window == raised.finding.window
}

/// How the stored flags of a satsning (all of them, closed ones included) must change so that
/// they say what `raised` says: nothing when they already do, which is why evaluating twice
/// changes nothing.
pub fn reconcile<'a>(stored: &[Stored], raised: &'a [Raised]) -> Vec<Step<'a>> {
    let mut steps = Vec::new();
    for r in raised {
        match stored.iter().find(|s| same_key(s, r)) {
            None => steps.push(Step::Open(r)),
            Some(s) if !s.status.is_open() => steps.push(Step::Reopen {
                id: s.id,
                raised: r,
            }),
            Some(s) => {
                let f = &r.finding;
                if s.severity != f.severity
                    || s.explanation != f.explanation
                    || s.numbers != f.numbers
                    || s.points != f.points
                {
                    steps.push(Step::Refresh {
                        id: s.id,
                        raised: r,
                        severity_was: s.severity,
                    });
                }
            }
        }
    }
    for s in stored.iter().filter(|s| s.status.is_open()) {
        if raised.iter().any(|r| same_key(s, r)) {
            continue;
        }
        let later = raised
            .iter()
            .find(|r| r.rule == s.rule && r.measure_id == s.measure_id);
        let note = match later {
            Some(r) => format!(
                "Stängd automatiskt: avvikelsen gäller nu perioden {} och följs i en ny flagga.",
                r.finding.window
            ),
            None => "Stängd automatiskt: villkoret gäller inte längre med de värden som finns nu."
                .to_string(),
        };
        steps.push(Step::Close { id: s.id, note });
    }
    steps
}

/// The longest explanation or comment a form takes.
pub const MAX_TEXT_CHARS: usize = 4000;

/// Förklara: the projektledare's explanation of a flag and the action they plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExplainForm {
    /// Förklaring
    #[serde(default)]
    pub explanation: String,
    /// Planerad åtgärd
    #[serde(default)]
    pub planned_action: String,
}

/// An explanation that passed [`ExplainForm::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub explanation: String,
    pub planned_action: String,
}

fn text_field(errors: &mut Vec<FieldError>, field: &str, raw: &str, missing: &str) -> String {
    let text = raw.trim().to_string();
    if text.is_empty() {
        errors.push(FieldError {
            field: field.into(),
            message: missing.into(),
        });
    } else if text.chars().count() > MAX_TEXT_CHARS {
        errors.push(FieldError {
            field: field.into(),
            message: format!("Texten får vara högst {MAX_TEXT_CHARS} tecken."),
        });
    }
    text
}

impl ExplainForm {
    pub fn parse(&self) -> Result<Explanation, AppError> {
        let mut errors = Vec::new();
        let explanation = text_field(
            &mut errors,
            "flag[explanation]",
            &self.explanation,
            "Skriv vad avvikelsen beror på.",
        );
        let planned_action = text_field(
            &mut errors,
            "flag[planned_action]",
            &self.planned_action,
            "Skriv vad ni planerar att göra (eller varför inget behövs).",
        );
        if errors.is_empty() {
            Ok(Explanation {
                explanation,
                planned_action,
            })
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// Beslut: the beredningsgrupp's decision on a flag, with a comment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DecideForm {
    /// Beslut (godtas, atgard, styrgrupp)
    #[serde(default)]
    pub decision: String,
    /// Kommentar
    #[serde(default)]
    pub comment: String,
}

impl DecideForm {
    pub fn parse(&self) -> Result<(Decision, String), AppError> {
        let mut errors = Vec::new();
        let decision = Decision::from_db(&self.decision);
        if decision.is_none() {
            errors.push(FieldError {
                field: "decision[decision]".into(),
                message: "Välj ett beslut.".into(),
            });
        }
        let comment = text_field(
            &mut errors,
            "decision[comment]",
            &self.comment,
            "Skriv en kommentar till beslutet.",
        );
        match decision {
            Some(decision) if errors.is_empty() => Ok((decision, comment)),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// "Markera som hanterad" for several flags of the queue at once, with one comment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkForm {
    /// The ticked flags (`bulk[flags][n12]=ja`).
    #[serde(default, with = "crate::form::ticked_ids")]
    pub flags: Vec<i64>,
    /// Kommentar
    #[serde(default)]
    pub comment: String,
}

impl BulkForm {
    pub fn parse(&self) -> Result<(Vec<i64>, String), AppError> {
        let mut errors = Vec::new();
        if self.flags.is_empty() {
            errors.push(FieldError {
                field: "bulk[flags]".into(),
                message: "Markera minst en avvikelse i listan.".into(),
            });
        }
        let comment = text_field(
            &mut errors,
            "bulk[comment]",
            &self.comment,
            "Skriv en kommentar till beslutet.",
        );
        if errors.is_empty() {
            Ok((self.flags.clone(), comment))
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// A flag as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagSummary {
    pub id: i64,
    pub initiative_id: i64,
    pub initiative_name: String,
    pub is_example: bool,
    pub measure_id: Option<i64>,
    /// "E1 Andel deltagare …", when the flag concerns a measure.
    pub measure: Option<String>,
    pub rule: String,
    pub window: String,
    pub severity: Severity,
    pub status: FlagStatus,
    pub explanation: String,
    pub decision: Option<Decision>,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// `opened_at` in Swedish local time ("2026-11-25 15:05").
    pub opened_text: String,
}

impl FlagSummary {
    /// The rule's Swedish name ("Utanför mål"), or its stored id for a rule no longer known.
    pub fn rule_label(&self) -> String {
        rules::rule(&self.rule).map_or_else(|| self.rule.clone(), |r| r.label.to_string())
    }

    /// Whole days since the flag was opened.
    pub fn age_days(&self, now: chrono::DateTime<chrono::Utc>) -> i64 {
        (now - self.opened_at).num_days().max(0)
    }
}

/// A flag's explanation as it was given: the event, the flag, who wrote it and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explained {
    pub event_id: i64,
    pub flag: FlagSummary,
    /// The projektledare's name.
    pub by: String,
    /// The förklaring and the planerad åtgärd, as the history keeps them.
    pub text: String,
}

/// One event in a flag's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagEvent {
    pub at: chrono::DateTime<chrono::Utc>,
    /// `at` in Swedish local time.
    pub at_text: String,
    /// Who did it; `None` for Utfall's own evaluation.
    pub actor: Option<String>,
    pub kind: String,
    pub status_after: FlagStatus,
    pub text: String,
}

impl FlagEvent {
    /// "Öppnad", "Förklarad", …
    pub fn label(&self) -> &'static str {
        event_label(&self.kind)
    }
}

/// The Swedish word for a stored event kind.
pub fn event_label(kind: &str) -> &'static str {
    match kind {
        "oppnad" => "Öppnad",
        "ateroppnad" => "Öppnad igen",
        "allvarlighet" => "Ny allvarlighet",
        "forklarad" => "Förklarad",
        "hanterad" => "Hanterad",
        "stangd" => "Stängd",
        _ => "Ändrad",
    }
}

/// A flag with everything its page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagDetail {
    pub summary: FlagSummary,
    pub reason: String,
    pub planned_action: String,
    pub decision_comment: String,
    pub close_note: String,
    /// The months the flag concerns (marked on the chart; the value's history links there).
    pub points: Vec<Period>,
    pub provisional: bool,
    pub events: Vec<FlagEvent>,
}

/// What the queue is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub initiative_id: Option<i64>,
    pub rule: Option<String>,
    /// `None`: every open flag (ny, förklarad, hanterad).
    pub status: Option<FlagStatus>,
    /// Only the satsningar this projektledare leads (the projektledare filter, and a
    /// projektledare's own view).
    pub led_by: Option<i64>,
    /// Only the satsningar this nämnd (or other party) takes part in.
    pub party_id: Option<i64>,
}

/// Sorted as the queue shows them: red before yellow, then the oldest first.
pub fn queue_order(flags: &mut [FlagSummary]) {
    flags.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.opened_at.cmp(&b.opened_at))
            .then(a.id.cmp(&b.id))
    });
}

/// May `user` explain flags of `initiative`? Its projektledare (and admin, who stands in).
pub fn may_explain(
    user: &crate::auth::CurrentUser,
    initiative: &crate::initiative::Initiative,
) -> bool {
    initiative.is_led_by(user.id) || user.has_any(&[crate::auth::Role::Admin])
}

/// May `user` decide on flags? The beredningsgrupp (and admin).
pub fn may_decide(user: &crate::auth::CurrentUser) -> bool {
    user.has_any(&[crate::auth::Role::Review, crate::auth::Role::Admin])
}

/// Flags on one page of the queue `/avvikelser`.
pub const QUEUE_PAGE_SIZE: i64 = 100;

/// The roles that work the queue and the meeting view.
pub const QUEUE_ROLES: [crate::auth::Role; 3] = [
    crate::auth::Role::Admin,
    crate::auth::Role::Review,
    crate::auth::Role::Evaluator,
];
