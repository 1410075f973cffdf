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
//! The uppföljande utvärdering of an ended satsning lives here too ([`follow_up`]): it reads
//! what the half-year report reads and reuses its measure blocks and access rules.
//!
//! Layers: above `deviation` (it reads the flags) and below `reminder` (which may remind of
//! due reports). The actual costs are kept by `economics` (below `deviation`, whose budget
//! rule reads them); this concept writes them through `economics::actual_repo`.

pub mod api;
pub mod compare_ui;
pub mod follow_up;
pub mod follow_up_api;
#[cfg(feature = "ssr")]
pub mod follow_up_repo;
pub mod follow_up_ui;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod sections;
pub mod ui;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, FieldError};

pub use crate::report::half::{DueDates, HalfYear, days_late, parse_month_day, report_halves};

/// A report can be submitted from the first day of its half-year's last month (June or
/// December): before that, most of what it reports has not happened.
pub fn may_submit_on(half: HalfYear, today: NaiveDate) -> bool {
    today >= half.months()[5].first_day()
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
