//! Halvårsredovisning: a satsning's report to the beredningsgrupp for one half-year (H1
//! January–June, H2 July–December). Utfall assembles it from the live schema, values,
//! reporting, deviation flags, surveys and costs ([`sections`], pure); the projektledare adds
//! the narrative fields and the actual costs, and submits it. A submitted report is a locked
//! snapshot; the beredningsgrupp comments per section and approves it or asks for completion,
//! which reopens it while the earlier version and its comments stay.
//!
//! Access per object: the satsning's own projektledare edits and submits; beredning and admin
//! review (a projektledare never reviews); everyone who may see the satsning reads its reports
//! (a projektledare only those of the satsningar they lead).
//!
//! Layers: above `deviation` (it reads the flags) and below `reminder` (which may remind of
//! due reports). The actual costs are kept by `economics` (below `deviation`, whose budget
//! rule reads them); this concept writes them through `economics::actual_repo`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod sections;
pub mod ui;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, FieldError};
use crate::report::Period;

/// Halvår: H1 (January–June) or H2 (July–December) of a year, written "2026-H2".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HalfYear {
    year: i32,
    half: u8,
}

const MONTH_NAMES: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

impl HalfYear {
    pub fn new(year: i32, half: u8) -> Option<Self> {
        (crate::sv::number::YEARS.contains(&year) && (half == 1 || half == 2))
            .then_some(Self { year, half })
    }

    /// The half-year of a day.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            half: if date.month() <= 6 { 1 } else { 2 },
        }
    }

    /// "2026-H2" (as URLs write it); anything else is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (year, half) = raw.trim().split_once("-H")?;
        if year.len() != 4 || half.len() != 1 {
            return None;
        }
        Self::new(year.parse().ok()?, half.parse().ok()?)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 or 2.
    pub fn half(self) -> u8 {
        self.half
    }

    /// The six months, in order.
    pub fn months(self) -> Vec<Period> {
        let first = if self.half == 1 { 1 } else { 7 };
        (first..first + 6)
            .filter_map(|m| Period::new(self.year, m))
            .collect()
    }

    pub fn first_day(self) -> NaiveDate {
        self.months()[0].first_day()
    }

    pub fn last_day(self) -> NaiveDate {
        self.months()[5].last_day()
    }

    pub fn next(self) -> Self {
        if self.half == 1 {
            Self {
                year: self.year,
                half: 2,
            }
        } else {
            Self {
                year: self.year + 1,
                half: 1,
            }
        }
    }

    /// "juli–december 2026".
    pub fn label(self) -> String {
        let first = if self.half == 1 { 0 } else { 6 };
        format!(
            "{}–{} {}",
            MONTH_NAMES[first],
            MONTH_NAMES[first + 5],
            self.year
        )
    }
}

impl std::fmt::Display for HalfYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-H{}", self.year, self.half)
    }
}

/// The half-years a satsning reports on by `today`: from the one it starts in to the one it
/// ends in, but none that has not begun.
pub fn report_halves(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> Vec<HalfYear> {
    let last = HalfYear::of(end.min(today));
    let mut out = Vec::new();
    let mut at = HalfYear::of(start);
    while at <= last {
        out.push(at);
        at = at.next();
    }
    out
}

/// A report can be submitted from the first day of its half-year's last month (June or
/// December): before that, most of what it reports has not happened.
pub fn may_submit_on(half: HalfYear, today: NaiveDate) -> bool {
    today >= half.months()[5].first_day()
}

/// Sista dag för halvårsredovisningen: H1 on a day of the same year (default 31 August), H2 on
/// a day of the next year (default 28 February). `UTFALL_HALFYEAR_DUE_H1` / `…_H2`, "MM-DD".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDates {
    /// (month, day) in the same year.
    pub h1: (u32, u32),
    /// (month, day) in the next year.
    pub h2: (u32, u32),
}

impl Default for DueDates {
    fn default() -> Self {
        Self {
            h1: (8, 31),
            h2: (2, 28),
        }
    }
}

impl DueDates {
    /// The day `half`'s report is due.
    pub fn due(&self, half: HalfYear) -> NaiveDate {
        let ((month, day), year) = if half.half == 1 {
            (self.h1, half.year)
        } else {
            (self.h2, half.year + 1)
        };
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_else(|| half.last_day())
    }
}

/// "08-31" as (8, 31): a month and a day that exist in every year (so not 02-29).
pub fn parse_month_day(raw: &str) -> Option<(u32, u32)> {
    let (month, day) = raw.trim().split_once('-')?;
    if month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (month, day): (u32, u32) = (month.parse().ok()?, day.parse().ok()?);
    // 2025 is not a leap year: a day valid then is valid every year.
    NaiveDate::from_ymd_opt(2025, month, day).map(|_| (month, day))
}

/// Whole days past `due`: on the day it was submitted, or today while it is not; `None` when
/// not late.
pub fn days_late(due: NaiveDate, submitted_on: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    let days = (submitted_on.unwrap_or(today) - due).num_days();
    (days > 0).then_some(days)
}

/// Status of a half-year report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReportStatus {
    /// Utkast: being written by the projektledare.
    Draft,
    /// Inskickad: submitted, locked, waiting for the beredningsgrupp.
    Submitted,
    /// Komplettering begärs: reopened for the projektledare after a review.
    Completion,
    /// Godkänd: reviewed and approved.
    Approved,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] = [
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Completion,
        ReportStatus::Approved,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            ReportStatus::Draft => "utkast",
            ReportStatus::Submitted => "inskickad",
            ReportStatus::Completion => "komplettering",
            ReportStatus::Approved => "godkand",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_db() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Draft => "Utkast",
            ReportStatus::Submitted => "Inskickad",
            ReportStatus::Completion => "Komplettering begärs",
            ReportStatus::Approved => "Godkänd",
        }
    }

    /// The projektledare may change the texts and costs.
    pub fn is_editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Completion)
    }

    /// Submitted or approved: the deadline is met.
    pub fn is_in(self) -> bool {
        matches!(self, ReportStatus::Submitted | ReportStatus::Approved)
    }
}

/// "Inte påbörjad" for a report nobody has saved yet.
pub fn status_label(status: Option<ReportStatus>) -> &'static str {
    status.map_or("Inte påbörjad", ReportStatus::label)
}

/// The beredningsgrupp's decision on a submitted version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approved,
    Completion,
}

impl Decision {
    pub const ALL: [Decision; 2] = [Decision::Approved, Decision::Completion];

    pub fn as_db(self) -> &'static str {
        match self {
            Decision::Approved => "godkand",
            Decision::Completion => "komplettering",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_db() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Approved => "Godkänd",
            Decision::Completion => "Komplettering begärs",
        }
    }

    /// The report's status after the decision.
    pub fn status_after(self) -> ReportStatus {
        match self {
            Decision::Approved => ReportStatus::Approved,
            Decision::Completion => ReportStatus::Completion,
        }
    }
}

/// The narrative fields, in order: (stored key, heading, what to write).
pub const NARRATIVES: [(&str, &str, &str); 5] = [
    (
        "genomforande",
        "Genomförande",
        "Vad har gjorts under halvåret, enligt plan eller inte?",
    ),
    (
        "resultat",
        "Resultat och effekter",
        "Vad visar måtten och vad har ni sett som siffrorna inte säger?",
    ),
    (
        "avvikelser",
        "Avvikelser och åtgärder",
        "Vad har avvikit från planen och vad gör ni åt det?",
    ),
    (
        "nasta_halvar",
        "Nästa halvår",
        "Vad planerar ni för nästa halvår?",
    ),
    (
        "implementering",
        "Implementering i ordinarie verksamhet",
        "Hur förbereds att arbetssättet tas över av ordinarie verksamhet?",
    ),
];

/// Longest narrative text.
pub const MAX_NARRATIVE_CHARS: usize = 10_000;
/// Longest review comment.
pub const MAX_COMMENT_CHARS: usize = 4_000;
/// The review's comment on the report as a whole (besides one per section).
pub const OVERALL: &str = "helhet";

/// One narrative field: the projektledare's text and whether it is marked "klar".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrative {
    pub text: String,
    pub done: bool,
}

/// Every narrative field by its key.
pub type Narratives = BTreeMap<String, Narrative>;

/// Textavsnitt, posted as `narrative[text][genomforande]` and `narrative[done][genomforande]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeForm {
    /// The text of each field.
    #[serde(default)]
    pub text: BTreeMap<String, String>,
    /// "Klar" (ticked boxes are sent, unticked ones are not).
    #[serde(default)]
    pub done: BTreeMap<String, String>,
}

fn known_narrative(key: &str) -> bool {
    NARRATIVES.iter().any(|(k, _, _)| *k == key)
}

impl NarrativeForm {
    /// The narratives as typed; an unknown field is a 400, a text too long or a field marked
    /// klar without text a field error.
    pub fn parse(&self) -> Result<Narratives, AppError> {
        if let Some(key) = self
            .text
            .keys()
            .chain(self.done.keys())
            .find(|k| !known_narrative(k))
        {
            return Err(AppError::BadRequest(format!(
                "Okänt textavsnitt i formuläret: {key}."
            )));
        }
        let mut errors = Vec::new();
        let mut out = Narratives::new();
        for (key, heading, _) in NARRATIVES {
            let text = self.text.get(key).map_or("", |t| t.trim()).to_string();
            let done = self.done.get(key).is_some_and(|v| v != "false");
            let field = format!("narrative[text][{key}]");
            if text.chars().count() > MAX_NARRATIVE_CHARS {
                errors.push(FieldError {
                    field,
                    message: format!("{heading}: högst {MAX_NARRATIVE_CHARS} tecken."),
                });
            } else if done && text.is_empty() {
                errors.push(FieldError {
                    field,
                    message: format!(
                        "{heading}: skriv texten innan du markerar avsnittet som klart."
                    ),
                });
            }
            out.insert(key.to_string(), Narrative { text, done });
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// The form filled with the stored narratives.
    pub fn of(narratives: &Narratives) -> Self {
        Self {
            text: narratives
                .iter()
                .map(|(k, n)| (k.clone(), n.text.clone()))
                .collect(),
            done: narratives
                .iter()
                .filter(|(_, n)| n.done)
                .map(|(k, _)| (k.clone(), "ja".into()))
                .collect(),
        }
    }
}

/// Inskickad version: the report frozen as it was submitted — its sections (with the numbers
/// and chart data of that moment), its texts, and a digest per section that tells whether the
/// live data have changed since. Stored as JSON; later corrections never change it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub sections: Vec<sections::Section>,
    pub narratives: Narratives,
    pub digests: BTreeMap<String, String>,
}

/// Why a report cannot be submitted yet: the narrative fields not marked klar, by heading.
pub fn not_ready(narratives: &Narratives) -> Vec<&'static str> {
    NARRATIVES
        .iter()
        .filter(|(key, _, _)| {
            !narratives
                .get(*key)
                .is_some_and(|n| n.done && !n.text.is_empty())
        })
        .map(|(_, heading, _)| *heading)
        .collect()
}

/// Granskning, posted as `review[decision]` and `review[comments][matt]` (one comment per
/// section, and `review[comments][helhet]` for the whole).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewForm {
    /// Beslut: "godkand" or "komplettering".
    #[serde(default)]
    pub decision: String,
    /// Kommentar per avsnitt.
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
}

impl ReviewForm {
    /// The decision and the non-empty comments. `sections` are the ids a comment may name
    /// (besides [`OVERALL`]); asking for completion needs at least one comment saying what.
    pub fn parse(
        &self,
        sections: &[String],
    ) -> Result<(Decision, BTreeMap<String, String>), AppError> {
        if let Some(key) = self
            .comments
            .keys()
            .find(|k| k.as_str() != OVERALL && !sections.contains(k))
        {
            return Err(AppError::BadRequest(format!(
                "Okänt avsnitt i granskningen: {key}."
            )));
        }
        let mut errors = Vec::new();
        let decision = Decision::from_db(self.decision.trim());
        if decision.is_none() {
            errors.push(FieldError {
                field: "review[decision]".into(),
                message: "Välj Godkänd eller Komplettering begärs.".into(),
            });
        }
        let mut comments = BTreeMap::new();
        for (key, raw) in &self.comments {
            let text = raw.trim();
            if text.chars().count() > MAX_COMMENT_CHARS {
                errors.push(FieldError {
                    field: format!("review[comments][{key}]"),
                    message: format!("Högst {MAX_COMMENT_CHARS} tecken."),
                });
            } else if !text.is_empty() {
                comments.insert(key.clone(), text.to_string());
            }
        }
        if decision == Some(Decision::Completion) && comments.is_empty() {
            errors.push(FieldError {
                field: format!("review[comments][{OVERALL}]"),
                message: "Skriv vad som ska kompletteras, här eller vid ett avsnitt.".into(),
            });
        }
        match (decision, errors.is_empty()) {
            (Some(decision), true) => Ok((decision, comments)),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// Only the satsning's own projektledare writes and submits its reports.
pub fn may_edit(user: &CurrentUser, initiative: &crate::initiative::Initiative) -> bool {
    user.has(Role::ProjectLead) && initiative.is_led_by(user.id)
}

/// Beredning and admin review; a projektledare (without those roles) never does.
pub fn may_review(user: &CurrentUser) -> bool {
    user.has_any(&LIST_ROLES)
}

/// Who sees the list of every report (`/halvarsredovisningar`).
pub const LIST_ROLES: [Role; 2] = [Role::Admin, Role::Review];

/// The first of a satsning's half-years (in order) whose report is not yet in: its next
/// report, for the projektledare's start page.
pub fn next_report(halves: &[(HalfYear, Option<ReportStatus>)]) -> Option<HalfYear> {
    halves
        .iter()
        .find(|(_, status)| !status.is_some_and(ReportStatus::is_in))
        .map(|(half, _)| *half)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_half_year_is_six_months_written_as_in_the_url() {
        let h2 = HalfYear::parse("2026-H2").unwrap();
        assert_eq!(h2.to_string(), "2026-H2");
        assert_eq!(h2.months().len(), 6);
        assert_eq!(h2.months()[0].to_string(), "2026-07");
        assert_eq!(h2.last_day(), day(2026, 12, 31));
        assert_eq!(h2.label(), "juli–december 2026");
        assert_eq!(HalfYear::of(day(2026, 6, 30)).to_string(), "2026-H1");
        assert_eq!(h2.next().to_string(), "2027-H1");
        for bad in [
            "2026-H3", "2026H2", "26-H1", "2026-H", "", "2026-h2", "1900-H1",
        ] {
            assert_eq!(HalfYear::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn due_dates_default_to_the_end_of_august_and_february_next_year() {
        let due = DueDates::default();
        assert_eq!(
            due.due(HalfYear::parse("2026-H1").unwrap()),
            day(2026, 8, 31)
        );
        assert_eq!(
            due.due(HalfYear::parse("2026-H2").unwrap()),
            day(2027, 2, 28)
        );
        assert_eq!(parse_month_day("09-15"), Some((9, 15)));
        assert_eq!(parse_month_day("02-29"), None, "not every year has it");
        assert_eq!(parse_month_day("13-01"), None);
        assert_eq!(parse_month_day("8-31"), None);
    }

    #[test]
    fn days_late_count_to_the_submission_or_today() {
        let due = day(2026, 8, 31);
        assert_eq!(days_late(due, None, day(2026, 8, 31)), None);
        assert_eq!(days_late(due, None, day(2026, 9, 10)), Some(10));
        assert_eq!(
            days_late(due, Some(day(2026, 9, 2)), day(2026, 12, 1)),
            Some(2)
        );
        assert_eq!(
            days_late(due, Some(day(2026, 8, 1)), day(2026, 12, 1)),
            None
        );
    }

    #[test]
    fn a_satsning_reports_on_the_half_years_of_its_period_that_have_begun() {
        let halves = report_halves(day(2025, 9, 1), day(2028, 8, 31), day(2026, 12, 2));
        let names: Vec<String> = halves.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["2025-H2", "2026-H1", "2026-H2"]);
        let h2 = HalfYear::parse("2026-H2").unwrap();
        assert!(may_submit_on(h2, day(2026, 12, 1)));
        assert!(!may_submit_on(h2, day(2026, 11, 30)));
        let next = next_report(&[
            (halves[0], Some(ReportStatus::Approved)),
            (halves[1], Some(ReportStatus::Completion)),
            (halves[2], None),
        ]);
        assert_eq!(next, Some(halves[1]), "asked to complete comes first");
    }

    #[test]
    fn narratives_keep_what_was_typed_and_klar_needs_a_text() {
        let mut form = NarrativeForm::default();
        form.text
            .insert("genomforande".into(), "  Vi har startat.  ".into());
        form.done.insert("genomforande".into(), "ja".into());
        form.done.insert("resultat".into(), "ja".into());
        let Err(AppError::Validation(errors)) = form.parse() else {
            panic!("klar without text is refused");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "narrative[text][resultat]");
        form.done.remove("resultat");
        let parsed = form.parse().unwrap();
        assert_eq!(parsed["genomforande"].text, "Vi har startat.");
        assert!(parsed["genomforande"].done);
        assert_eq!(parsed.len(), NARRATIVES.len());
        assert_eq!(not_ready(&parsed).len(), 4);
        form.text.insert("hemligt".into(), "x".into());
        assert!(matches!(form.parse(), Err(AppError::BadRequest(_))));
    }

    #[test]
    fn completion_needs_a_comment_and_comments_name_known_sections() {
        let sections = vec!["matt".to_string()];
        let mut form = ReviewForm {
            decision: "komplettering".into(),
            ..Default::default()
        };
        let Err(AppError::Validation(errors)) = form.parse(&sections) else {
            panic!("a comment is needed");
        };
        assert_eq!(errors[0].field, "review[comments][helhet]");
        form.comments.insert("matt".into(), "Förklara E2.".into());
        let (decision, comments) = form.parse(&sections).unwrap();
        assert_eq!(decision, Decision::Completion);
        assert_eq!(comments["matt"], "Förklara E2.");
        form.comments.insert("okand".into(), "x".into());
        assert!(matches!(
            form.parse(&sections),
            Err(AppError::BadRequest(_))
        ));
        let none = ReviewForm::default().parse(&sections);
        assert!(matches!(none, Err(AppError::Validation(_))));
    }
}
