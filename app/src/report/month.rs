//! The rules of one satsning's month (pure): who may report, whether the month can be reported
//! at all, which measures are due, and what a value and a comment must be. The server
//! functions in `api.rs` and the file import in `import.rs` both apply them.

use chrono::NaiveDate;

use super::{MonthStatus, Period, Rules, is_due, reporting_months};
use crate::auth::{CurrentUser, Role};
use crate::error::{AppError, FieldError};
use crate::initiative::{Initiative, Status};
use crate::schema::{Measure, Schema, Source, ValueType};

/// Which (satsning, month) pairs are marked complete, and which have values.
#[derive(Debug, Default)]
pub struct MonthMarks {
    pub submitted: std::collections::HashSet<(i64, Period)>,
    pub started: std::collections::HashSet<(i64, Period)>,
}

impl MonthMarks {
    /// The status of each of `months` for satsning `initiative_id` on `today` — the one
    /// status window the calendar, the reporting overview and the portfolio all show.
    pub fn statuses(
        &self,
        rules: &Rules,
        initiative_id: i64,
        months: impl IntoIterator<Item = Period>,
        today: NaiveDate,
    ) -> Vec<(Period, MonthStatus)> {
        months
            .into_iter()
            .map(|p| {
                let key = (initiative_id, p);
                let status = MonthStatus::of(
                    rules,
                    p,
                    today,
                    self.submitted.contains(&key),
                    self.started.contains(&key),
                );
                (p, status)
            })
            .collect()
    }
}

/// Longest comment (and correction reason).
pub const MAX_COMMENT_CHARS: usize = 1000;

/// Who may report for a satsning: its projektledare, and admin/utvärderare.
pub fn may_report(user: &CurrentUser, initiative: &Initiative) -> bool {
    is_staff(user) || initiative.is_led_by(user.id)
}

/// Admin and utvärderare: they may also correct locked months.
pub fn is_staff(user: &CurrentUser) -> bool {
    user.has_any(&[Role::Admin, Role::Evaluator])
}

/// Why a locked month refuses a projektledare's values, and who can correct them.
pub fn locked_message(lock_date: NaiveDate) -> String {
    format!(
        "Månaden är låst sedan {}. En utvärderare eller processledare kan rätta ett värde i en låst månad.",
        crate::sv::date::long_date(lock_date)
    )
}

/// Why a satsning's month cannot be reported at all, if it cannot.
pub fn closed_reason(initiative: &Initiative, period: Period, today: NaiveDate) -> Option<String> {
    if initiative.status < Status::Decided {
        return Some("Rapporteringen öppnar när satsningen är beslutad.".into());
    }
    if !reporting_months(initiative.start, initiative.end, today).contains(&period)
        && !is_follow_up_month(initiative, period, today)
    {
        return Some(format!(
            "Satsningen rapporterar inte för {}: månaden ligger utanför perioden {} – {} eller i framtiden. \
             Efter avslut rapporteras effektmåtten i juni och december fram till den uppföljande utvärderingen ({}).",
            period.label(),
            initiative.start,
            initiative.end,
            initiative.follow_up_due()
        ));
    }
    None
}

/// After its end and until its uppföljande utvärdering is due, a satsning goes on reporting
/// its effektmått — less often: in June and December (what lasted, for the follow-up).
pub fn is_follow_up_month(initiative: &Initiative, period: Period, today: NaiveDate) -> bool {
    initiative.status >= Status::Decided
        && period > Period::of(initiative.end)
        && period <= Period::of(initiative.follow_up_due()).min(Period::of(today))
        && period.month().is_multiple_of(6)
}

/// The months after the end that [`is_follow_up_month`] opens, up to today.
pub fn follow_up_months(initiative: &Initiative, today: NaiveDate) -> Vec<Period> {
    let last = Period::of(initiative.follow_up_due()).min(Period::of(today));
    let first = Period::of(initiative.end).next();
    if first > last {
        return Vec::new();
    }
    Period::range(first, last)
        .into_iter()
        .filter(|p| is_follow_up_month(initiative, *p, today))
        .collect()
}

/// The measures `initiative` reports in `period`: [`due_measures`], and after the end only
/// its effektmått.
pub fn due_measures_of<'a>(
    initiative: &Initiative,
    schema: &'a Schema,
    period: Period,
) -> Vec<&'a Measure> {
    let after_end = period > Period::of(initiative.end);
    due_measures(schema, period)
        .into_iter()
        .filter(|m| !after_end || m.kind == crate::schema::MeasureKind::Effect)
        .collect()
}

/// A month as written in URLs and forms ("2026-11").
pub fn parse_period(raw: &str) -> Result<Period, AppError> {
    Period::parse(raw).ok_or_else(|| {
        AppError::BadRequest("Månaden ska skrivas ÅÅÅÅ-MM, till exempel 2026-11.".into())
    })
}

/// The measures due in `period`: active, reported by hand, of a frequency due this month.
pub fn due_measures(schema: &Schema, period: Period) -> Vec<&Measure> {
    schema
        .measures
        .iter()
        .filter(|m| !m.retired && m.source == Source::Manual && is_due(m.frequency, period))
        .collect()
}

/// One measure's entry on the month's form: the value read from `raw` and the trimmed comment,
/// or the field errors (named as the form's fields `v[m{id}]`, `k[m{id}]`). A month marked
/// complete (`submit`: being marked now, or marked before) needs a value or a comment saying
/// why it is missing.
pub fn check_entry(
    measure: &Measure,
    raw: &str,
    comment: &str,
    submit: bool,
) -> Result<(Option<f64>, String), Vec<FieldError>> {
    let key = format!("m{}", measure.id);
    let comment = comment.trim();
    let mut errors = Vec::new();
    let value = super::parse_value(measure.value_type, raw).unwrap_or_else(|message| {
        errors.push(FieldError {
            field: format!("v[{key}]"),
            message: format!("{} {}: {message}", measure.code, measure.name),
        });
        None
    });
    let comment_error = if comment.chars().count() > MAX_COMMENT_CHARS {
        Some(format!(
            "kommentaren får vara högst {MAX_COMMENT_CHARS} tecken."
        ))
    } else {
        crate::form::control_character_problem(comment, true).map(str::to_string)
    };
    if let Some(problem) = comment_error {
        errors.push(FieldError {
            field: format!("k[{key}]"),
            message: format!("{}: {problem}", measure.code),
        });
    }
    if submit && raw.trim().is_empty() && comment.is_empty() {
        errors.push(FieldError {
            field: format!("v[{key}]"),
            message: format!(
                "{} {}: ange ett värde, eller skriv i kommentaren varför det saknas.",
                measure.code, measure.name
            ),
        });
    }
    if errors.is_empty() {
        Ok((value, comment.to_string()))
    } else {
        Err(errors)
    }
}

/// The name of the "Spara ändå" checkbox that confirms an unusual value of measure
/// `measure_id`; its value is the text it confirms.
pub fn confirm_field(measure_id: i64) -> String {
    format!("bekrafta[m{measure_id}]")
}

/// A measure's stored values when its month is saved.
#[derive(Debug, Clone, Copy, Default)]
pub struct History<'a> {
    /// The value stored for the month being saved, if any.
    pub this_month: Option<f64>,
    /// The values of earlier months, oldest first.
    pub earlier: &'a [f64],
}

/// The plausibility warning for one entry of the form (see [`super::plausibility`] for the
/// rule), named as its [`confirm_field`]: a warning, not a refusal, so the form says how to
/// save the value anyway. None for an empty value, a ja/nej measure, a value already stored for
/// the month (it was accepted once), or when `confirmation` is exactly the text typed now (a
/// confirmation of an earlier, different text does not count).
pub fn unusual_entry(
    measure: &Measure,
    value: Option<f64>,
    raw: &str,
    history: History<'_>,
    confirmation: Option<&str>,
) -> Option<FieldError> {
    let value = value?;
    if measure.value_type == ValueType::YesNo
        || history.this_month == Some(value)
        || confirmation.map(str::trim) == Some(raw.trim())
    {
        return None;
    }
    let step = 10f64.powi(-(super::precision(measure) as i32));
    let usual = super::plausibility::unusual(value, history.earlier, step)?;
    let range = if usual.min == usual.max {
        super::with_unit(measure, usual.min)
    } else {
        format!(
            "{}–{}",
            super::format_value(measure.value_type, usual.min),
            super::with_unit(measure, usual.max)
        )
    };
    Some(FieldError {
        field: confirm_field(measure.id),
        message: format!(
            "{} {}: {} är långt från måttets vanliga värden ({range} de senaste {} gångerna). \
             Rätta värdet, eller kryssa i ”Spara ändå” om det stämmer.",
            measure.code,
            measure.name,
            super::with_unit(measure, value),
            usual.count
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Frequency, ValueType};

    fn date(raw: &str) -> NaiveDate {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").unwrap()
    }

    fn initiative(status: Status) -> Initiative {
        Initiative {
            id: 1,
            name: "Läxhjälp".into(),
            summary: String::new(),
            target_group: String::new(),
            owner_names: String::new(),
            start: date("2026-01-01"),
            end: date("2027-12-31"),
            budget_sek: 0,
            budget_years: vec![],
            repayment: false,
            status,
            is_example: false,
            parties: vec![],
            leads: vec![(7, "Pia".into())],
            follow_up_years: crate::initiative::FollowUpYears::DEFAULT,
        }
    }

    fn user(id: i64, roles: &[Role]) -> CurrentUser {
        CurrentUser {
            id,
            organisation_id: 1,
            name: "T".into(),
            email: "t@x.se".into(),
            roles: roles.to_vec(),
        }
    }

    fn measure(id: i64, value_type: ValueType, frequency: Frequency) -> Measure {
        Measure {
            name: "Deltagare".into(),
            unit: "st".into(),
            value_type,
            frequency,
            ..Measure::example(id)
        }
    }

    #[test]
    fn the_status_window_is_per_satsning_and_month() {
        let p = |raw: &str| Period::parse(raw).unwrap();
        let mut marks = MonthMarks::default();
        marks.submitted.insert((1, p("2026-09")));
        marks.started.insert((1, p("2026-10")));
        marks.submitted.insert((2, p("2026-10")));
        let rules = Rules::default();
        let today = date("2026-11-15");
        let months = Period::range(p("2026-08"), p("2026-11"));
        assert_eq!(
            marks.statuses(&rules, 1, months.iter().copied(), today),
            [
                (p("2026-08"), MonthStatus::Locked),
                (p("2026-09"), MonthStatus::Reported),
                (p("2026-10"), MonthStatus::Late),
                (p("2026-11"), MonthStatus::InProgress),
            ],
            "another satsning's marks do not count"
        );
    }

    #[test]
    fn the_lead_and_the_evaluation_team_report_others_read() {
        let running = initiative(Status::Running);
        assert!(may_report(&user(7, &[Role::ProjectLead]), &running));
        assert!(!may_report(&user(8, &[Role::ProjectLead]), &running));
        assert!(may_report(&user(9, &[Role::Evaluator]), &running));
        assert!(!may_report(
            &user(9, &[Role::Review, Role::Reader]),
            &running
        ));
    }

    #[test]
    fn a_month_is_closed_before_the_decision_and_outside_the_period() {
        let today = date("2026-11-15");
        let november = Period::parse("2026-11").unwrap();
        assert!(closed_reason(&initiative(Status::Running), november, today).is_none());
        assert!(
            closed_reason(&initiative(Status::Review), november, today)
                .unwrap()
                .contains("beslutad")
        );
        for outside in ["2025-12", "2026-12"] {
            let reason = closed_reason(
                &initiative(Status::Running),
                Period::parse(outside).unwrap(),
                today,
            );
            assert!(reason.unwrap().contains("utanför perioden"), "{outside}");
        }
        assert!(parse_period("nov 2026").is_err());
        assert_eq!(parse_period("2026-11").unwrap(), november);
    }

    #[test]
    fn after_the_end_effektmatt_are_reported_in_june_and_december_until_the_follow_up() {
        // Ends 2027-12-31, followed up two years later (2029-12-31).
        let ended = initiative(Status::Ended);
        let open = |p: &str, today: &str| {
            closed_reason(&ended, Period::parse(p).unwrap(), date(today)).is_none()
        };
        assert!(open("2028-06", "2028-07-01"));
        assert!(open("2029-12", "2030-03-01"));
        assert!(!open("2028-03", "2028-07-01"), "not a June or December");
        assert!(!open("2028-12", "2028-07-01"), "not yet");
        assert!(!open("2030-06", "2031-01-01"), "after the follow-up");
        let months: Vec<String> = follow_up_months(&ended, date("2029-01-15"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(months, ["2028-06", "2028-12"]);
        let activity = Measure {
            kind: crate::schema::MeasureKind::Activity,
            ..measure(1, ValueType::Count, Frequency::Monthly)
        };
        let effect = Measure {
            kind: crate::schema::MeasureKind::Effect,
            ..measure(2, ValueType::Share, Frequency::Monthly)
        };
        let schema = Schema {
            goals: vec![],
            measures: vec![activity, effect],
            effects: vec![],
        };
        let ids = |p: &str| -> Vec<i64> {
            due_measures_of(&ended, &schema, Period::parse(p).unwrap())
                .iter()
                .map(|m| m.id)
                .collect()
        };
        assert_eq!(ids("2027-12"), [1, 2], "during the period: all");
        assert_eq!(ids("2028-06"), [2], "after the end: the effektmått");
    }

    #[test]
    fn due_measures_are_active_manual_and_of_the_months_frequency() {
        let mut retired = measure(3, ValueType::Count, Frequency::Monthly);
        retired.retired = true;
        let mut imported = measure(4, ValueType::Count, Frequency::Monthly);
        imported.source = Source::Import;
        let schema = Schema {
            goals: vec![],
            measures: vec![
                measure(1, ValueType::Count, Frequency::Monthly),
                measure(2, ValueType::Share, Frequency::Quarterly),
                retired,
                imported,
            ],
            effects: vec![],
        };
        let ids = |p: &str| -> Vec<i64> {
            due_measures(&schema, Period::parse(p).unwrap())
                .iter()
                .map(|m| m.id)
                .collect()
        };
        assert_eq!(ids("2026-11"), [1]);
        assert_eq!(
            ids("2026-12"),
            [1, 2],
            "quarterly in the quarter's last month"
        );
    }

    #[test]
    fn an_unusual_value_is_warned_about_until_confirmed_as_typed() {
        let sessions = Measure {
            unit: "tillfällen".into(),
            ..measure(12, ValueType::Count, Frequency::Monthly)
        };
        let earlier: Vec<f64> = (21..=30).map(f64::from).collect();
        let history = History {
            this_month: None,
            earlier: &earlier,
        };
        let warning = unusual_entry(&sessions, Some(1234.0), "1 234", history, None).unwrap();
        assert_eq!(warning.field, "bekrafta[m12]");
        assert_eq!(
            warning.message,
            "A12 Deltagare: 1\u{a0}234 tillfällen är långt från måttets vanliga värden \
             (21–30 tillfällen de senaste 10 gångerna). Rätta värdet, eller kryssa i \
             ”Spara ändå” om det stämmer."
        );
        assert!(unusual_entry(&sessions, Some(24.0), "24", history, None).is_none());
        assert!(unusual_entry(&sessions, None, "", history, None).is_none());
        // Confirmed as typed: saved. A confirmation of another text does not count.
        assert!(unusual_entry(&sessions, Some(1234.0), "1 234", history, Some(" 1 234")).is_none());
        assert!(unusual_entry(&sessions, Some(1234.0), "1 234", history, Some("123")).is_some());
        // Already stored for the month (confirmed once): saving the form again does not ask.
        let stored = History {
            this_month: Some(1234.0),
            ..history
        };
        assert!(unusual_entry(&sessions, Some(1234.0), "1234", stored, None).is_none());
        // Ja/nej is never unusual.
        let yes_no = measure(13, ValueType::YesNo, Frequency::Monthly);
        let zeros = [0.0; 10];
        let never = History {
            this_month: None,
            earlier: &zeros,
        };
        assert!(unusual_entry(&yes_no, Some(1.0), "ja", never, None).is_none());
    }

    #[test]
    fn an_entry_is_read_or_refused_with_field_errors() {
        let count = measure(5, ValueType::Count, Frequency::Monthly);
        assert_eq!(
            check_entry(&count, "1 234", "  bra  ", false),
            Ok((Some(1234.0), "bra".to_string()))
        );
        assert_eq!(
            check_entry(&count, "", "", false),
            Ok((None, String::new()))
        );
        let errors = check_entry(&count, "3,5", &"x".repeat(1001), false).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["v[m5]", "k[m5]"]);
        assert!(errors[1].message.contains("högst 1000 tecken"));
        let errors = check_entry(&count, "", "", true).unwrap_err();
        assert!(errors[0].message.contains("varför det saknas"));
        assert!(check_entry(&count, "", "Sjukdom, inga träffar", true).is_ok());
        let errors = check_entry(&count, "2", "a\u{7}b", false).unwrap_err();
        assert!(errors[0].message.contains("styrtecken"));
    }
}
